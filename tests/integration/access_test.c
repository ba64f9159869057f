/* tests/integration/access_test.c — the whole matrix: every route × every
 * principal (anonymous, each role, a POS key), plus a scoped manager and a
 * scoped POS touching another store's records, each store-owned resource in
 * turn (test_scoped_objects). The expected answer is written out by
 * hand here (the oracle), not derived from the code under test: "-" means
 * 401, "F" 403 (forbidden), "+" allowed (any answer but 401 and 403). Bodies are
 * invalid on purpose, so allowed writes stop at validation and change
 * nothing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/time.h"

#include "tests/integration/client.h"

/* columns: anonymous admin store_manager buyer analyst fraud_analyst viewer pos */
static const struct {
    const char *method, *path, *body, *expect;
} matrix[] = {
    {"POST", "/api/v1/auth/login", "{}", "++++++++"},
    {"POST", "/api/v1/auth/refresh", "{}", "++++++++"},
    {"POST", "/api/v1/auth/logout", "{\"bogus\":1}", "-+++++++"},
    {"GET", "/api/v1/auth/me", NULL, "-+++++++"},
    {"GET", "/api/v1/users", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/users", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/users/1", NULL, "-+FFFFFF"},
    {"PATCH", "/api/v1/users/1", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/api-keys", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/api-keys", "{}", "-+FFFFFF"},
    {"PATCH", "/api/v1/api-keys/1", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/audit", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/audit/refusals", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/gateway/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/gateway/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/categories", NULL, "-+++++++"},
    {"POST", "/api/v1/categories", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/categories/1", NULL, "-+++++++"},
    {"PATCH", "/api/v1/categories/1", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/products", NULL, "-+++++++"},
    {"POST", "/api/v1/products", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/products/1", NULL, "-+++++++"},
    {"PATCH", "/api/v1/products/1", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/stores", NULL, "-+++++++"},
    {"POST", "/api/v1/stores", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/stores/1", NULL, "-+++++++"}, /* store 1 is the manager's and the POS's */
    {"PATCH", "/api/v1/stores/1", "{}", "-++FFFFF"},
    {"GET", "/api/v1/stores/3", NULL, "-+F++++F"}, /* store 3 is neither's */
    {"PATCH", "/api/v1/stores/3", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/products/1/inventory", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/low-stock", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/1", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/3", NULL, "-+F++++F"},
    {"GET", "/api/v1/inventory/1/1", NULL, "-+++++++"},
    {"PUT", "/api/v1/inventory/1/1", "{}", "-++FFFFF"},
    {"PUT", "/api/v1/inventory/3/1", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/stock-movements", NULL, "-+++++++"},
    {"POST", "/api/v1/stock-movements", "{}", "-++FFFFF"},
    {"GET", "/api/v1/transfers", NULL, "-+++++++"},
    {"POST", "/api/v1/transfers", "{}", "-++FFFFF"},
    {"GET", "/api/v1/transfers/999999", NULL, "-+++++++"},
    {"POST", "/api/v1/transfers/999999/ship", NULL, "-++FFFFF"},
    {"POST", "/api/v1/transfers/999999/receive", NULL, "-++FFFFF"},
    {"POST", "/api/v1/transfers/999999/cancel", NULL, "-++FFFFF"},
    {"POST", "/api/v1/reservations", "{}", "-++FFFF+"},
    {"GET", "/api/v1/reservations/999999", NULL, "-+++++++"},
    {"POST", "/api/v1/reservations/999999/release", NULL, "-++FFFF+"},
    {"POST", "/api/v1/stock-commits", "{}", "-+FFFFF+"},
    {"GET", "/api/v1/stock-commits/none", NULL, "-+++++++"},
    {"POST", "/api/v1/stock-commits/none/reverse", NULL, "-+FFFFF+"},
    {"GET", "/api/v1/inventory/predictions/1", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/predictions/categories/1", NULL, "-+++++++"},
    {"POST", "/api/v1/inventory/predictions/999999999/refresh", NULL, "-++FFFFF"},
    {"GET", "/api/v1/calendar-events", NULL, "-+++++++"},
    {"POST", "/api/v1/calendar-events", "{}", "-+++FFFF"},
    {"DELETE", "/api/v1/calendar-events/999999999", NULL, "-+++FFFF"},
    {"GET", "/api/v1/promotions", NULL, "-+++++++"},
    {"POST", "/api/v1/promotions", "{}", "-+++FFFF"},
    {"GET", "/api/v1/promotions/999999999", NULL, "-+++++++"},
    {"POST", "/api/v1/promotions/999999999/end", NULL, "-+++FFFF"},
    {"GET", "/api/v1/customers", NULL, "-++F++FF"},  /* not a POS key: emails, risk, labels */
    {"POST", "/api/v1/customers", "{}", "-++FFFF+"}, /* a till registers a new customer */
    {"GET", "/api/v1/customers/1", NULL, "-++F++FF"},
    {"GET", "/api/v1/transactions", NULL, "-++F++FF"},
    {"POST", "/api/v1/transactions", "{}", "-++FFFF+"},
    {"GET", "/api/v1/transactions/suspicious", NULL, "-+FFF+FF"},
    {"GET", "/api/v1/transactions/999999999", NULL, "-++F++FF"},
    {"POST", "/api/v1/transactions/999999999/void", NULL, "-++FFFF+"},
    {"POST", "/api/v1/transactions/999999999/review", "{}", "-+FFF+FF"},
    {"GET", "/api/v1/fraud/rules", NULL, "-+FFF+FF"},
    {"POST", "/api/v1/fraud/rules", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/fraud/rules/versions", NULL, "-+FFF+FF"},
    {"GET", "/api/v1/fraud/rules/1", NULL, "-+FFF+FF"},
    {"GET", "/api/v1/fraud/stats", NULL, "-+FFF+FF"},
    {"GET", "/api/v1/txn/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/txn/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/analytics/catalogue-lag", NULL, "-++++++F"},
    {"GET", "/api/v1/analytics/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/analytics/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/analytics/hourly-sales", NULL, "-++++++F"},
    {"GET", "/api/v1/analytics/top-products", NULL, "-++++++F"},
    {"GET", "/api/v1/analytics/customer-segments", NULL, "-++++++F"},
    {"GET", "/api/v1/analytics/category-performance", NULL, "-++++++F"},
    {"GET", "/api/v1/analytics/store-comparison", NULL, "-++++++F"},
    {"GET", "/api/v1/analytics/summary", NULL, "-++++++F"},
    {"GET", "/api/v1/dashboard/metrics/realtime", NULL, "-++++++F"},
    {"GET", "/api/v1/reports", NULL, "-++++++F"},
    {"GET", "/api/v1/reports/999999999", NULL, "-++++++F"},
    {"GET", "/api/v1/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/suppliers", NULL, "-++++FFF"},
    {"POST", "/api/v1/suppliers", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/suppliers/999999999", NULL, "-++++FFF"},
    {"PATCH", "/api/v1/suppliers/999999999", "{\"bogus\":1}", "-+F+FFFF"},
    {"GET", "/api/v1/suppliers/999999999/offers", NULL, "-++++FFF"},
    {"POST", "/api/v1/suppliers/999999999/offers", "{}", "-+F+FFFF"},
    {"PATCH", "/api/v1/suppliers/999999999/offers/1", "{\"bogus\":1}", "-+F+FFFF"},
    {"DELETE", "/api/v1/suppliers/999999999/offers/1", NULL, "-+F+FFFF"},
    {"GET", "/api/v1/suppliers/999999999/performance", NULL, "-++++FFF"},
    {"GET", "/api/v1/supplier-choice", NULL, "-++++FFF"},
    {"GET", "/api/v1/purchase-orders", NULL, "-++++FFF"},
    {"POST", "/api/v1/purchase-orders", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/purchase-orders/999999999", NULL, "-++++FFF"},
    {"POST", "/api/v1/purchase-orders/999999999/send", NULL, "-+F+FFFF"},
    {"POST", "/api/v1/purchase-orders/999999999/cancel", NULL, "-+F+FFFF"},
    {"POST", "/api/v1/purchase-orders/999999999/receipts", "{}", "-++FFFFF"},
    {"GET", "/api/v1/supplier/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/supplier/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/alert-rules", NULL, "-++++++F"},
    {"POST", "/api/v1/alert-rules", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/alert-rules/999999999", NULL, "-++++++F"},
    {"PUT", "/api/v1/alert-rules/999999999", "{}", "-+FFFFFF"},
    {"DELETE", "/api/v1/alert-rules/999999999", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/silences", NULL, "-++++++F"},
    {"POST", "/api/v1/silences", "{}", "-+++F+FF"},
    {"DELETE", "/api/v1/silences/999999999", NULL, "-+++F+FF"},
    {"GET", "/api/v1/escalation-policies", NULL, "-++++++F"},
    {"POST", "/api/v1/escalation-policies", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/escalation-policies/999999999", NULL, "-++++++F"},
    {"GET", "/api/v1/notification-channels", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/notification-channels", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/alerts/999999999/notifications", NULL, "-++++++F"},
    {"GET", "/api/v1/alerts/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/alerts/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/alerts", NULL, "-++++++F"},
    {"POST", "/api/v1/alerts", "{}", "-+++F+FF"},
    {"GET", "/api/v1/alerts/summary", NULL, "-++++++F"},
    {"GET", "/api/v1/alerts/999999999", NULL, "-++++++F"},
    {"POST", "/api/v1/alerts/999999999/acknowledge", "{\"bogus\":1}", "-+++F+FF"},
    {"PATCH", "/api/v1/alerts/999999999/resolve", "{\"bogus\":1}", "-+++F+FF"},
    {"DELETE", "/api/v1/alerts/999999999", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/alerts/999999999/history", NULL, "-++++++F"},
};
#define N_ROWS (int)(sizeof matrix / sizeof matrix[0])
#define N_COLS 8

static char pos_key[128];

static void
make_pos_key(void)
{
    struct resp r;

    if (pos_key[0])
        return;
    ck_assert_int_eq(http("POST", "/api/v1/api-keys", "{\"name\":\"matrix\",\"stores\":[1]}", &r),
                     0);
    ck_assert_int_eq(r.status, 201);
    snprintf(pos_key, sizeof pos_key, "%s", jstr(&r, "key"));
    resp_free(&r);
}

/* Sends a request as the store manager (who = 'M', stores 1 and 2) or the
 * POS key ('P', store 1). */
static void
as_scoped(char who, const char *method, const char *path, struct resp *r)
{
    char hdr[2300];

    if (who == 'P') {
        make_pos_key();
        snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", pos_key);
    } else {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", st.token[1]);
    }
    ck_assert_int_eq(http_raw(0, method, path, NULL, hdr, r), 0);
}

START_TEST(test_route_role_matrix)
{
    int row = _i / N_COLS, col = _i % N_COLS;
    char hdr[2300] = "";
    char want = matrix[row].expect[col];
    struct resp r;

    if (col == 7) {
        make_pos_key();
        snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", pos_key);
    } else if (col > 0) {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", st.token[col - 1]);
    }
    ck_assert_int_eq(http_raw(0, matrix[row].method, matrix[row].path, matrix[row].body, hdr, &r),
                     0);
    if (want == '-')
        ck_assert_msg(r.status == 401, "%s %s as #%d: want 401, got %d %.300s", matrix[row].method,
                      matrix[row].path, col, r.status, r.body);
    else if (want == 'F')
        ck_assert_msg(r.status == 403, "%s %s as #%d: want 403, got %d %.300s", matrix[row].method,
                      matrix[row].path, col, r.status, r.body);
    else
        ck_assert_msg(r.status != 401 && r.status != 403 && r.status < 500,
                      "%s %s as #%d: want allowed, got %d %.300s", matrix[row].method,
                      matrix[row].path, col, r.status, r.body);
    if (r.status == 401 || r.status == 403) {
        ck_assert_str_eq(err_code(&r), r.status == 401 ? "unauthenticated" : "forbidden");
        ck_assert_ptr_nonnull(strstr(r.body, "\"message\":"));
    }
    resp_free(&r);
}
END_TEST

/* A manager of stores 1 and 2 may change store 2, not store 3. */
START_TEST(test_scoped_manager_changes_own_store_only)
{
    struct resp r;

    ck_assert_int_eq(
        http_as(st.token[1], "PATCH", "/api/v1/stores/2", "{\"city\":\"Cambridge\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(jstr(&r, "city"), "Cambridge");
    resp_free(&r);
    ck_assert_int_eq(
        http_as(st.token[1], "PATCH", "/api/v1/stores/3", "{\"city\":\"Elsewhere\"}", &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/stores/3", NULL, &r), 0);
    ck_assert_str_ne(jstr(&r, "city"), "Elsewhere");
    resp_free(&r);
}
END_TEST

/* ------------------------------------------------- object-level scope */

/* The records of one store-owned resource: one in a store neither scoped
 * principal holds (store `o`, made here), one in store 1 (both hold it). */
struct objects {
    long long o, o2, p, customer;
    long long res_out, res_in;         /* reservations */
    long long tr_out, tr_to_in, tr_in; /* transfers o→o2, o→1, 1→o */
    long long tx_out, tx_in;           /* sales */
    char sale_out[64], sale_in[64];    /* stock commits */
    char sale_mixed[64];               /* an admin's commit at store 1 and store o */
};

static void
commit_sale(const char *sale_id, long long store, long long p)
{
    char body[256];
    struct resp r;

    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":1}]}",
             sale_id, store, p);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
}

static long long
transfer(long long from, long long to, long long p)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":1}]}",
             from, to, p);
    return create("/api/v1/transfers", body);
}

static long long
reservation(long long store, long long p)
{
    char body[256];

    snprintf(body, sizeof body, "{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}", store, p);
    return create("/api/v1/reservations", body);
}

static void
make_objects(struct objects *x)
{
    char body[256], at[40];

    memset(x, 0, sizeof *x);
    x->o = new_store();
    x->o2 = new_store();
    x->p = new_product();
    receive(1, x->p, 20);
    /* a day of history at store 1 (today's movements are not in a forecast's
     * window), so its forecast has something to forecast from */
    tm_iso8601((tm_now_ms() / 86400000LL - 1) * 86400000LL + 43200000LL, at, sizeof at);
    snprintf(body, sizeof body,
             "{\"store_id\":1,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":5,"
             "\"occurred_at\":\"%s\"}",
             x->p, at);
    create("/api/v1/stock-movements", body);
    receive(x->o, x->p, 20);
    x->res_out = reservation(x->o, x->p);
    x->res_in = reservation(1, x->p);
    x->tr_out = transfer(x->o, x->o2, x->p);
    x->tr_to_in = transfer(x->o, 1, x->p);
    x->tr_in = transfer(1, x->o, x->p);
    snprintf(x->sale_out, sizeof x->sale_out, "%s-scope-out", run_tag());
    snprintf(x->sale_in, sizeof x->sale_in, "%s-scope-in", run_tag());
    commit_sale(x->sale_out, x->o, x->p);
    commit_sale(x->sale_in, 1, x->p);
    snprintf(x->sale_mixed, sizeof x->sale_mixed, "%s-scope-mixed", run_tag());
    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s\",\"lines\":[{\"store_id\":1,\"product_id\":%lld,"
             "\"quantity\":1},{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}]}",
             x->sale_mixed, x->p, x->o, x->p);
    create("/api/v1/stock-commits", body);
    wait_known(x->o, x->p);
    wait_known(1, x->p);
    x->tx_out = cash_sale("scope-out", x->o, x->p);
    x->tx_in = cash_sale("scope-in", 1, x->p);
    snprintf(body, sizeof body, "{\"name\":\"Scope %s\",\"home_store_id\":%lld}", run_tag(), x->o);
    x->customer = create("/api/v1/customers", body);
}

/* error.message of an error body, "" when none. */
static const char *
err_message(const struct resp *r)
{
    const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "error"), "message");

    return cJSON_IsString(m) ? m->valuestring : "";
}

/* Appends one failure to log. */
static void __attribute__((format(printf, 2, 3))) note(struct tm_buf *log, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ck_assert_int_eq(tm_buf_vprintf(log, fmt, ap), TM_OK);
    va_end(ap);
}

/* Checks one request as who against want (a status); a 404 must read
 * exactly like the one for `missing` (a path with an id that does not
 * exist), so an id outside the principal's stores tells nothing. Failures
 * are appended to log rather than stopping at the first. */
static void
expect(char who, const char *method, const char *path, int want, const char *missing,
       struct tm_buf *log)
{
    struct resp r, m;

    as_scoped(who, method, path, &r);
    if (r.status != want)
        note(log, "; %s %s as %c: want %d, got %d %.120s", method, path, who, want, r.status,
             r.body);
    else if (want == 404 && missing) {
        as_scoped(who, method, missing, &m);
        if (m.status != 404 || strcmp(err_code(&r), err_code(&m)) != 0 ||
            strcmp(err_field(&r), err_field(&m)) != 0 ||
            strcmp(err_message(&r), err_message(&m)) != 0)
            note(log, "; %s %s as %c: 404 %.120s differs from a missing one's %d %.120s", method,
                 path, who, r.body, m.status, m.body);
        resp_free(&m);
    } else if (want == 403 && strcmp(err_code(&r), "forbidden") != 0) {
        note(log, "; %s %s as %c: 403 without forbidden: %.120s", method, path, who, r.body);
    }
    resp_free(&r);
}

#define PATH(...) (snprintf(path, sizeof path, __VA_ARGS__), path)

/* Every store-owned record read by its id: a scoped principal reads those
 * of its stores (a transfer: either end) and gets the answer of a missing
 * record for the others; writes on those are refused and change nothing.
 * A store it names (path or query) that is not its own: 403. */
/* tm-txn's sale ids ("txn-<id>") are its own: a till or a store manager
 * cannot take the next one first (which would block that sale at every
 * store) nor reverse one (a sold item back on the shelf). */
START_TEST(test_txn_sale_ids_are_reserved)
{
    long long next = sql_int("SELECT last_value + 1 FROM txn.transactions_id_seq");
    char body[256], hdr[2300], path[96];
    struct resp r;

    make_pos_key();
    snprintf(body, sizeof body,
             "{\"sale_id\":\"txn-%lld\",\"lines\":[{\"store_id\":1,\"product_id\":1,"
             "\"quantity\":1}]}",
             next + 5);
    for (int who = 0; who < 2; who++) {
        if (who == 0)
            snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", pos_key);
        else
            snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", st.token[1]);
        ck_assert_int_eq(http_raw(0, "POST", "/api/v1/stock-commits", body, hdr, &r), 0);
        ck_assert_msg(r.status == 403, "%d %s", r.status, r.body);
        if (who == 0) /* a store manager may not commit stock at all */
            ck_assert_msg(strcmp(err_field(&r), "sale_id") == 0, "%s", r.body);
        resp_free(&r);
        snprintf(path, sizeof path, "/api/v1/stock-commits/txn-%lld/reverse", next - 1);
        ck_assert_int_eq(http_raw(0, "POST", path, "{}", hdr, &r), 0);
        ck_assert_msg(r.status == 403, "%d %s", r.status, r.body);
        resp_free(&r);
    }
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.stock_commits WHERE sale_id = 'txn-%lld'",
                 next + 5),
        0);
}
END_TEST

START_TEST(test_scoped_objects)
{
    struct objects x;
    struct tm_buf log;
    char path[256], q[256];
    static const char both[] = "MP";

    make_objects(&x);
    tm_buf_init(&log, 1 << 20);
    for (const char *w = both; *w; w++) {
        char who = *w;

        expect(who, "GET", PATH("/api/v1/reservations/%lld", x.res_out), 404,
               "/api/v1/reservations/999999999", &log);
        expect(who, "GET", PATH("/api/v1/reservations/%lld", x.res_in), 200, NULL, &log);
        expect(who, "GET", PATH("/api/v1/transfers/%lld", x.tr_out), 404,
               "/api/v1/transfers/999999999", &log);
        expect(who, "GET", PATH("/api/v1/transfers/%lld", x.tr_to_in), 200, NULL, &log);
        expect(who, "GET", PATH("/api/v1/transfers/%lld", x.tr_in), 200, NULL, &log);
        expect(who, "GET", PATH("/api/v1/stock-commits/%s", x.sale_out), 404,
               "/api/v1/stock-commits/no-such-sale", &log);
        expect(who, "GET", PATH("/api/v1/stock-commits/%s", x.sale_in), 200, NULL, &log);
        /* its answer shows store o's level: every line's store is needed */
        expect(who, "GET", PATH("/api/v1/stock-commits/%s", x.sale_mixed), 404,
               "/api/v1/stock-commits/no-such-sale", &log);
        expect(who, "GET", PATH("/api/v1/inventory/%lld/%lld", x.o, x.p), 403, NULL, &log);
        expect(who, "GET", PATH("/api/v1/inventory/1/%lld", x.p), 200, NULL, &log);
        expect(who, "GET", PATH("/api/v1/inventory/predictions/%lld?store_id=%lld", x.p, x.o), 403,
               NULL, &log);
        expect(who, "GET", PATH("/api/v1/inventory/predictions/%lld?store_id=1", x.p), 200, NULL,
               &log);
        /* sales: the manager reads its stores' (the POS may not read sales at all) */
        expect(who, "GET", PATH("/api/v1/transactions/%lld", x.tx_out), who == 'M' ? 404 : 403,
               "/api/v1/transactions/999999999", &log);
        expect(who, "GET", PATH("/api/v1/transactions/%lld", x.tx_in), who == 'M' ? 200 : 403, NULL,
               &log);
        /* customers: staff with customer.read, never a POS key */
        expect(who, "GET", "/api/v1/customers", who == 'M' ? 200 : 403, NULL, &log);
        expect(who, "GET", PATH("/api/v1/customers/%lld", x.customer), who == 'M' ? 200 : 403, NULL,
               &log);
        /* writes on records it cannot see: the same as missing */
        expect(who, "POST", PATH("/api/v1/reservations/%lld/release", x.res_out), 404,
               "/api/v1/reservations/999999999/release", &log);
        expect(who, "POST", PATH("/api/v1/stock-commits/%s/reverse", x.sale_out),
               who == 'M' ? 403 : 404, "/api/v1/stock-commits/no-such-sale/reverse", &log);
        expect(who, "POST", PATH("/api/v1/transactions/%lld/void", x.tx_out), 404,
               "/api/v1/transactions/999999999/void", &log);
        /* a transfer it sees but whose acting store is not its own: 403 */
        expect(who, "POST", PATH("/api/v1/transfers/%lld/ship", x.tr_out), who == 'M' ? 404 : 403,
               "/api/v1/transfers/999999999/ship", &log);
        expect(who, "POST", PATH("/api/v1/transfers/%lld/cancel", x.tr_out), who == 'M' ? 404 : 403,
               "/api/v1/transfers/999999999/cancel", &log);
        expect(who, "POST", PATH("/api/v1/transfers/%lld/ship", x.tr_to_in), 403, NULL, &log);
    }
    ck_assert_msg(log.len == 0, "scoped principals vs other stores' records%.3500s",
                  log.len ? log.p : "");
    tm_buf_fini(&log);
    /* nothing the refused writes touched changed */
    snprintf(q, sizeof q,
             "SELECT (SELECT count(*) FROM inventory.reservations WHERE id = %lld AND"
             " status = 'active') + (SELECT count(*) FROM inventory.transfers WHERE id = %lld"
             " AND status = 'requested') + (SELECT count(*) FROM txn.transactions WHERE id ="
             " %lld AND status = 'completed')",
             x.res_out, x.tr_out, x.tx_out);
    ck_assert_int_eq(sql_int(q), 3);
}
END_TEST

/* A list filtered by a store the store manager does not run (theirs are 1
 * and 2) is a 403 naming store_id on every store-owned list, never an empty
 * or quietly narrowed page. */
static const char *const foreign_lists[] = {
    "/api/v1/transfers?store_id=3",
    "/api/v1/transactions?store_id=3",
    "/api/v1/stock-movements?store_id=3",
    "/api/v1/inventory/low-stock?store_id=3",
    "/api/v1/inventory/stock-summary?store_id=3",
    "/api/v1/purchase-orders?store_id=3",
    "/api/v1/alerts?store_id=3",
    "/api/v1/alerts/summary?store_id=3",
    "/api/v1/dashboard/overview?store_id=3",
};

START_TEST(test_list_of_a_foreign_store_is_403)
{
    struct resp r;

    ck_assert_int_eq(http_as(st.token[1], "GET", foreign_lists[_i], NULL, &r), 0);
    ck_assert_msg(r.status == 403, "%s: %d %s", foreign_lists[_i], r.status, r.body);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    /* one of its own: answered */
    char own[128];
    snprintf(own, sizeof own, "%.*s2", (int)strlen(foreign_lists[_i]) - 1, foreign_lists[_i]);
    ck_assert_int_eq(http_as(st.token[1], "GET", own, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%s: %d %s", own, r.status, r.body);
    resp_free(&r);
}
END_TEST

Suite *
access_suite(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("access");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_route_role_matrix, 0, N_ROWS * N_COLS);
    tcase_add_test(tc, test_scoped_manager_changes_own_store_only);
    tcase_add_test(tc, test_scoped_objects);
    tcase_add_test(tc, test_txn_sale_ids_are_reserved);
    tcase_add_loop_test(tc, test_list_of_a_foreign_store_is_403, 0,
                        sizeof foreign_lists / sizeof foreign_lists[0]);
    suite_add_tcase(s, tc);
    return s;
}
