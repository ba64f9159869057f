/* tests/integration/stock_test.c — stock through nginx and the gateway:
 * transfers, counts and expiring reservations keep the ledger invariant
 * (on hand and reserved equal the sums of the movements, checked by our
 * own SQL after every scenario), low/out events fire once per crossing,
 * and bad input changes nothing (sale commits: stock_commit_test.c). Each
 * test makes its own store and products, so tests do not disturb each
 * other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <postgresql/libpq-fe.h>

#include "common/time.h"

#include "tests/integration/client.h"

static void
post_expect(const char *path, const char *body, int status, const char *field)
{
    struct resp r;

    ck_assert_int_eq(http("POST", path, body, &r), 0);
    ck_assert_msg(r.status == status, "POST %s %s: want %d, got %d %s", path, body ? body : "",
                  status, r.status, r.body);
    if (field)
        ck_assert_msg(strcmp(err_field(&r), field) == 0, "%s: field %s, want %s", body,
                      err_field(&r), field);
    resp_free(&r);
}

START_TEST(test_transfer_ship_receive_cancel)
{
    long long from = new_store(), to = new_store(), p = new_product(), t, t2;
    char body[512], path[128];
    struct resp r;

    receive(from, p, 10);
    snprintf(body, sizeof body,
             "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":6}],\"note\":\"rebalance\"}",
             from, to, p);
    t = create("/api/v1/transfers", body);
    ck_assert_int_eq(stock_level_api(from, p, "reserved"), 6);
    ck_assert_int_eq(stock_level_api(from, p, "available"), 4);
    /* a second transfer cannot take what the first reserved */
    snprintf(body, sizeof body,
             "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":5}]}",
             from, to, p);
    ck_assert_int_eq(http("POST", "/api/v1/transfers", body, &r), 0);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_field(&r), "lines[0].quantity");
    ck_assert_msg(strstr(r.body, "available") != NULL, "the message says why: %s", r.body);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/transfers/%lld/receive", t);
    post_expect(path, NULL, 409, "status"); /* not shipped yet */
    snprintf(path, sizeof path, "/api/v1/transfers/%lld/ship", t);
    post_expect(path, "{\"x\":1}", 400, "x"); /* it takes no body: a field is refused */
    post_expect(path, NULL, 200, NULL);
    ck_assert_int_eq(stock_level_api(from, p, "on_hand"), 4);
    ck_assert_int_eq(stock_level_api(from, p, "reserved"), 0);
    snprintf(path, sizeof path, "/api/v1/transfers/%lld/receive", t);
    snprintf(body, sizeof body, "{\"lines\":[{\"product_id\":%lld,\"received\":7}]}", p);
    post_expect(path, body, 400, "lines[0].received"); /* more than shipped, no reason */
    snprintf(body, sizeof body,
             "{\"lines\":[{\"product_id\":%lld,\"received\":0},{\"product_id\":%lld,"
             "\"received\":1}]}",
             p, p);
    post_expect(path, body, 400, "lines[1].product_id"); /* the same product twice */
    snprintf(body, sizeof body,
             "{\"lines\":[{\"product_id\":%lld,\"received\":5,\"reason\":\"one broken\"}]}", p);
    ck_assert_int_eq(http("POST", path, body, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(jstr(&r, "status"), "received");
    ck_assert_ptr_nonnull(strstr(r.body, "\"received\":5,\"reason\":\"one broken\""));
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(to, p, "on_hand"), 5);
    snprintf(path, sizeof path, "/api/v1/transfers/%lld/cancel", t);
    post_expect(path, NULL, 409, "status");
    /* a cancelled transfer gives its reservation back */
    snprintf(body, sizeof body,
             "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":3}]}",
             from, to, p);
    t2 = create("/api/v1/transfers", body);
    ck_assert_int_eq(stock_level_api(from, p, "reserved"), 3);
    snprintf(path, sizeof path, "/api/v1/transfers/%lld/cancel", t2);
    post_expect(path, NULL, 200, NULL);
    ck_assert_int_eq(stock_level_api(from, p, "reserved"), 0);
    ck_assert_int_eq(stock_level_api(from, p, "on_hand"), 4);
    /* the list shows each transfer with its lines, as one transfer's read
     * does: one of two lines among them, and a page of one */
    {
        long long q = new_product(), t3;

        receive(from, q, 5);
        snprintf(body, sizeof body,
                 "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
                 "\"quantity\":2},{\"product_id\":%lld,\"quantity\":1}]}",
                 from, to, q, p);
        t3 = create("/api/v1/transfers", body);
        snprintf(path, sizeof path, "/api/v1/transfers?store_id=%lld&limit=1", to);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_msg(r.status == 200, "%s", r.body);
        {
            const cJSON *items = cJSON_GetObjectItemCaseSensitive(r.json, "items");
            const cJSON *it = cJSON_GetArrayItem(items, 0);
            char want[32];

            ck_assert_int_eq(cJSON_GetArraySize(items), 1);
            ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "id")), t);
            ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(it, "lines")), 1);
            snprintf(want, sizeof want, "i%lld", t);
            ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "next_cursor")),
                             want);
        }
        resp_free(&r);
        snprintf(path, sizeof path, "/api/v1/transfers/%lld/cancel", t3);
        post_expect(path, NULL, 200, NULL);
        snprintf(path, sizeof path, "/api/v1/transfers?store_id=%lld&status=cancelled&limit=5", to);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        {
            const cJSON *items = cJSON_GetObjectItemCaseSensitive(r.json, "items");
            const cJSON *last = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
            const cJSON *lines = cJSON_GetObjectItem(last, "lines");
            long long a = (long long)cJSON_GetNumberValue(
                          cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 0), "product_id")),
                      b = (long long)cJSON_GetNumberValue(
                          cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 1), "product_id"));

            ck_assert_int_eq(cJSON_GetArraySize(items), 2); /* t2 and t3 */
            ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(last, "id")), t3);
            ck_assert_int_eq(cJSON_GetArraySize(lines), 2);
            ck_assert(a == (p < q ? p : q) && b == (p < q ? q : p)); /* by product id */
        }
        resp_free(&r);
    }
    snprintf(path, sizeof path, "/api/v1/transfers?store_id=%lld", to);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(r.json, "items"), *it;
        int seen = 0;

        ck_assert_int_eq(cJSON_GetArraySize(items), 3);
        cJSON_ArrayForEach(it, items)
        {
            const cJSON *lines = cJSON_GetObjectItemCaseSensitive(it, "lines");
            const cJSON *l0 = cJSON_GetArrayItem(lines, 0);
            long long id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "id"));

            if (id != t && id != t2)
                continue; /* t3, read above */
            ck_assert_int_eq(cJSON_GetArraySize(lines), 1);
            ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(l0, "product_id")),
                             p);
            ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(l0, "quantity")),
                             id == t ? 6 : 3);
            if (id == t) {
                ck_assert_int_eq(
                    (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(l0, "received")), 5);
                ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(l0, "reason")),
                                 "one broken");
            }
            seen += id == t || id == t2;
        }
        ck_assert_int_eq(seen, 2);
    }
    resp_free(&r);
    assert_stock_ledger();
}
END_TEST

START_TEST(test_count_correction_and_ledger)
{
    long long store = new_store(), p = new_product(), other = new_product();
    char body[512], path[160];
    struct resp r;

    receive(store, p, 12);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"count\",\"counted\":9,"
             "\"reason\":\"stock-take\"}",
             store, p);
    ck_assert_int_eq(http("POST", "/api/v1/stock-movements", body, &r), 0);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(jint(&r, "quantity"), -3);
    ck_assert_int_eq(jint(&r, "on_hand_after"), 9);
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 9);
    /* a count on a product the store does not stock */
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"count\",\"counted\":1}", store,
             other);
    post_expect("/api/v1/stock-movements", body, 404, "product_id");
    /* the ledger shows the story, oldest first */
    snprintf(path, sizeof path, "/api/v1/stock-movements?store_id=%lld&product_id=%lld", store, p);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 2);
    ck_assert_ptr_nonnull(strstr(r.body, "\"type\":\"receipt\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"type\":\"count\""));
    resp_free(&r);
    assert_stock_ledger();
}
END_TEST

START_TEST(test_reservation_expires_by_job)
{
    long long store = new_store(), p = new_product(), id, id2;
    char body[512], path[128];
    struct resp r;

    receive(store, p, 4);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":3,\"ttl_seconds\":1,"
             "\"reference\":\"cart-1\"}",
             store, p);
    id = create("/api/v1/reservations", body);
    ck_assert_int_eq(stock_level_api(store, p, "available"), 1);
    post_expect("/api/v1/reservations", body, 409, "quantity"); /* only 1 left */
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1,\"ttl_seconds\":600}", store,
             p);
    id2 = create("/api/v1/reservations", body);
    snprintf(path, sizeof path, "/api/v1/reservations/%lld/release", id2);
    post_expect(path, NULL, 200, NULL);
    post_expect(path, NULL, 200, NULL); /* again: the same */
    sleep(2);
    ck_assert_int_eq(job_run("/api/v1/jobs/reservation-expiry/run", &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body); /* the scheduler may have been first */
    ck_assert_str_eq(jstr(&r, "outcome"), "ok");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/reservations/%lld", id);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_str_eq(jstr(&r, "status"), "expired");
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(store, p, "reserved"), 0);
    ck_assert_int_eq(stock_level_api(store, p, "available"), 4);
    assert_stock_ledger();
    ck_assert_int_eq(job_run("/api/v1/jobs/ledger-check/run", &r), 0);
    ck_assert_str_eq(jstr(&r, "outcome"), "ok");
    ck_assert_int_eq(jint(&r, "rows"), 0);
    resp_free(&r);
}
END_TEST

static int
count_events(const char *topic, long long store, long long product)
{
    char sql[512];

    events_numbered("inventory"); /* what was written so far is counted */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM inventory.outbox WHERE topic = '%s'"
             " AND (data->>'store_id')::bigint = %lld AND (data->>'product_id')::bigint = %lld",
             topic, store, product);
    return (int)sql_int(sql);
}

static void
sell(long long store, long long product, int qty, int n)
{
    char body[512];
    struct resp r;

    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-low-%lld-%d\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":%d}]}",
             run_tag(), product, n, store, product, qty);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    resp_free(&r);
}

START_TEST(test_low_and_out_fire_once_per_crossing)
{
    long long store = new_store(), p = new_product();
    char path[128], body[128];
    struct resp r;

    receive(store, p, 8);
    snprintf(path, sizeof path, "/api/v1/inventory/%lld/%lld", store, p);
    snprintf(body, sizeof body, "{\"reorder_point\":5,\"safety_stock\":2}");
    ck_assert_int_eq(http("PUT", path, body, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_int_eq(jint(&r, "reorder_point"), 5);
    resp_free(&r);
    sell(store, p, 2, 1); /* 6: above */
    ck_assert_int_eq(count_events("stock.low", store, p), 0);
    sell(store, p, 1, 2); /* 5: at the point — crossed */
    sell(store, p, 1, 3); /* 4: still low, nothing new */
    ck_assert_int_eq(count_events("stock.low", store, p), 1);
    ck_assert_int_eq(count_events("stock.out", store, p), 0);
    snprintf(path, sizeof path, "/api/v1/inventory/low-stock?store_id=%lld", store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    ck_assert(cJSON_IsTrue(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "low")));
    resp_free(&r);
    sell(store, p, 4, 4); /* 0: out */
    ck_assert_int_eq(count_events("stock.out", store, p), 1);
    receive(store, p, 10); /* back above: a later fall is a new crossing */
    sell(store, p, 6, 5);
    ck_assert_int_eq(count_events("stock.low", store, p), 2);
    /* every change said stock.changed: receipt, settings, 4 sales, receipt, sale */
    ck_assert_int_eq(count_events("stock.changed", store, p), 8);
    assert_stock_ledger();
}
END_TEST

START_TEST(test_bad_input_changes_nothing)
{
    long long store = new_store(), other = new_store(), p = new_product();
    long long before;
    char b[40][512];
    const struct {
        const char *path;
        int status;
        const char *field;
    } cases[] = {
        {"/api/v1/stock-movements", 400, "quantity"},          /* receipt of 0 */
        {"/api/v1/stock-movements", 400, "quantity"},          /* receipt of -3 */
        {"/api/v1/stock-movements", 400, "reason"},            /* adjustment without reason */
        {"/api/v1/stock-movements", 400, "product_id"},        /* unknown product */
        {"/api/v1/stock-movements", 400, "store_id"},          /* unknown store */
        {"/api/v1/stock-movements", 400, "type"},              /* a sale is not recorded here */
        {"/api/v1/stock-movements", 400, "quantity"},          /* beyond the column's range */
        {"/api/v1/stock-movements", 409, "quantity"},          /* adjustment below zero */
        {"/api/v1/stock-movements", 400, "bogus"},             /* unknown field */
        {"/api/v1/transfers", 400, "to_store_id"},             /* to the same store */
        {"/api/v1/transfers", 400, "lines"},                   /* no lines */
        {"/api/v1/transfers", 400, "lines[1].product_id"},     /* duplicate line */
        {"/api/v1/stock-commits", 400, "lines[0].quantity"},   /* zero */
        {"/api/v1/stock-commits", 400, "lines[1].product_id"}, /* duplicate */
        {"/api/v1/stock-commits", 400, "sale_id"},             /* bad id */
        {"/api/v1/stock-commits", 400, "lines[0].quantity"},   /* 2^40 */
        {"/api/v1/reservations", 400, "quantity"},             /* zero */
        {"/api/v1/reservations", 400, "ttl_seconds"},          /* a year */
    };
    int n = (int)(sizeof cases / sizeof cases[0]), i = 0;

    receive(store, p, 5);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":0}", store,
             p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":-3}", store,
             p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"adjustment\",\"quantity\":-1}",
             store, p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":999999999,\"type\":\"receipt\",\"quantity\":1}",
             store);
    snprintf(b[i++], 512,
             "{\"store_id\":999999999,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":1}", p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"sale\",\"quantity\":1}", store, p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":"
             "9223372036854775807}",
             store, p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"adjustment\",\"quantity\":-6,"
             "\"reason\":\"lost\"}",
             store, p);
    snprintf(
        b[i++], 512,
        "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":1,\"bogus\":1}",
        store, p);
    snprintf(b[i++], 512,
             "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":1}]}",
             store, store, p);
    snprintf(b[i++], 512, "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[]}", store,
             other);
    snprintf(b[i++], 512,
             "{\"from_store_id\":%lld,\"to_store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":1},{\"product_id\":%lld,\"quantity\":1}]}",
             store, other, p, p);
    snprintf(
        b[i++], 512,
        "{\"sale_id\":\"x1\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":0}]}",
        store, p);
    snprintf(b[i++], 512,
             "{\"sale_id\":\"x2\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}"
             ",{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}]}",
             store, p, store, p);
    snprintf(b[i++], 512,
             "{\"sale_id\":\"has "
             "space\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}]}",
             store, p);
    snprintf(b[i++], 512,
             "{\"sale_id\":\"x3\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":"
             "1099511627776}]}",
             store, p);
    snprintf(b[i++], 512, "{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":0}", store, p);
    snprintf(b[i++], 512,
             "{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1,\"ttl_seconds\":31536000}",
             store, p);
    ck_assert_int_eq(i, n);
    before = sql_int("SELECT (SELECT count(*) FROM inventory.movements) +"
                     " (SELECT count(*) FROM inventory.transfers) +"
                     " (SELECT count(*) FROM inventory.reservations) +"
                     " (SELECT count(*) FROM inventory.stock_commits) +"
                     " (SELECT count(*) FROM inventory.stock)");
    for (i = 0; i < n; i++)
        post_expect(cases[i].path, b[i], cases[i].status, cases[i].field);
    ck_assert_int_eq(sql_int("SELECT (SELECT count(*) FROM inventory.movements) +"
                             " (SELECT count(*) FROM inventory.transfers) +"
                             " (SELECT count(*) FROM inventory.reservations) +"
                             " (SELECT count(*) FROM inventory.stock_commits) +"
                             " (SELECT count(*) FROM inventory.stock)"),
                     before);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 5);
}
END_TEST

/* The ledger refuses to be rewritten, even by SQL. */
START_TEST(test_ledger_is_append_only)
{
    PGconn *db = PQconnectdb(st.db_url);
    PGresult *r = PQexec(db, "UPDATE inventory.movements SET quantity = quantity WHERE id ="
                             " (SELECT min(id) FROM inventory.movements)");

    ck_assert_int_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
    PQclear(r);
    r = PQexec(db, "DELETE FROM inventory.movements WHERE id = (SELECT min(id) FROM"
                   " inventory.movements)");
    ck_assert_int_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
    PQclear(r);
    PQfinish(db);
}
END_TEST

/* A manager of stores 1 and 2 moves stock there only; reads are scoped. */
START_TEST(test_scoped_roles_touch_their_stores_only)
{
    struct resp r;

    ck_assert_int_eq(
        http_as(st.token[1], "POST", "/api/v1/stock-movements",
                "{\"store_id\":3,\"product_id\":1,\"type\":\"receipt\",\"quantity\":1}", &r),
        0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[1], "GET", "/api/v1/products/1/inventory", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    for (int i = 0; i < cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")); i++) {
        long long s = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), i), "store_id"));
        ck_assert(s == 1 || s == 2);
    }
    resp_free(&r);
}
END_TEST

/* A movement recorded late carries its own time; one from the future or
 * long ago, or not a time at all, is refused and changes nothing. */
START_TEST(test_late_movements_keep_their_time)
{
    long long store = new_store(), p = new_product();
    static const char *const bad[] = {"2999-01-01T00:00:00Z", "2001-01-01T00:00:00Z", "soon"};
    char body[512], q[256], at[40];
    struct resp r;

    receive(store, p, 10);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"sale_id\":\"%s-late%zu\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
                 "\"quantity\":1}],\"occurred_at\":\"%s\"}",
                 run_tag(), i, store, p, bad[i]);
        ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
        ck_assert_msg(r.status == 400, "%s: %d %s", bad[i], r.status, r.body);
        ck_assert_str_eq(err_field(&r), "occurred_at");
        resp_free(&r);
    }
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 10);
    tm_iso8601(tm_now_ms() / 1000 * 1000 - 3 * 86400000LL, at, sizeof at); /* three days ago */
    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-late\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":2}],\"occurred_at\":\"%s\"}",
             run_tag(), store, p, at);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM inventory.movements WHERE ref_id = '%s-late'"
             " AND created_at = '%s'::timestamptz",
             run_tag(), at);
    ck_assert_int_eq(sql_int(q), 1);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 8);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":5,"
             "\"occurred_at\":\"%s\"}",
             store, p, bad[0]);
    ck_assert_int_eq(http("POST", "/api/v1/stock-movements", body, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "occurred_at");
    resp_free(&r);
    assert_stock_ledger();
}
END_TEST

Suite *
stock_suite(void)
{
    Suite *s = suite_create("stock");
    TCase *tc = tcase_create("stock");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_late_movements_keep_their_time);
    tcase_add_test(tc, test_transfer_ship_receive_cancel);
    tcase_add_test(tc, test_count_correction_and_ledger);
    tcase_add_test(tc, test_reservation_expires_by_job);
    tcase_add_test(tc, test_low_and_out_fire_once_per_crossing);
    tcase_add_test(tc, test_bad_input_changes_nothing);
    tcase_add_test(tc, test_ledger_is_append_only);
    tcase_add_test(tc, test_scoped_roles_touch_their_stores_only);
    suite_add_tcase(s, tc);
    return s;
}
