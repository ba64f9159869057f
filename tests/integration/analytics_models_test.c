/* tests/integration/analytics_models_test.c — tm-analytics' read models fed
 * by tm-txn's events (docs/analytics.md "Read models"): sales posted through
 * the API in two stores on either side of UTC (Bogota, UTC-5, and Tokyo,
 * UTC+9), some voided, one declined, one flagged and reviewed, land in each
 * store's local hour with the numbers an analyst expects; then the rebuild
 * job empties the read models, the subscriber replays tm-txn's outbox, and
 * every read-model row is as it was before; a rebuild is refused, changing
 * nothing, once tm-txn no longer keeps its first event. Sales that reach
 * tm-analytics together (it was stopped while they were posted: a void, a
 * declined attempt and customers seen twice in an hour among them) are
 * applied as one batch, and every aggregate is then what the facts sum to.
 * Reads the database directly to see the rows. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <postgresql/libpq-fe.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* The read models and how to list each one's rows in a fixed order
 * (sales without applied_at, which says when, not what). */
static const char *const model_rows[] = {
    "SELECT id, store_id, customer_id, occurred_at, local_hour, status, decision, review_label,"
    " total_cents, units, voided_at FROM analytics.sales",
    "SELECT * FROM analytics.sale_lines",
    "SELECT * FROM analytics.hourly_product",
    "SELECT * FROM analytics.hourly_store",
    "SELECT * FROM analytics.hourly_customer",
    "SELECT * FROM analytics.customer_stats",
    "SELECT * FROM analytics.product_stats",
};
#define N_MODELS (sizeof model_rows / sizeof model_rows[0])

/* The first column of the first row of sql as text into out[size]. */
static void
sql_text(const char *sql, char *out, size_t size)
{
    PGconn *db = PQconnectdb(st.db_url);
    PGresult *r = PQexec(db, sql);

    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "%s: %s", sql,
                  PQerrorMessage(db));
    snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(db);
}

/* Every row of read model i, as one digest and a count: equal digests are
 * equal rows (the rows' text, sorted). */
static void
snapshot(size_t i, char *out, size_t size)
{
    char q[1024];

    snprintf(q, sizeof q,
             "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY"
             " t::text)), '-') FROM (%s) t",
             model_rows[i]);
    sql_text(q, out, size);
}

/* Waits until tm-analytics' lag route shows source applied up to seq. */
static void
wait_applied(const char *source, long long seq)
{
    for (int i = 0; i < 1200; i++) { /* a rebuild replays all of tm-txn's history */
        struct resp r;
        const cJSON *s;
        long long applied = -1;

        ck_assert_int_eq(http("GET", "/api/v1/analytics/catalogue-lag", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        cJSON_ArrayForEach(s, cJSON_GetObjectItem(r.json, "sources"))
        {
            const cJSON *name = cJSON_GetObjectItem(s, "source");
            if (cJSON_IsString(name) && strcmp(name->valuestring, source) == 0)
                applied = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(s, "applied_seq"));
        }
        resp_free(&r);
        ck_assert_msg(applied >= 0, "the lag route does not list %s", source);
        if (applied >= seq)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("tm-analytics never applied %s's seq %lld", source, seq);
}

static void
wait_txn_applied(void)
{
    events_numbered("txn"); /* the last sale's or void's event may not have its seq yet */
    wait_applied("txn", sql_int("SELECT last FROM txn.outbox_seq"));
}

/* Runs the rebuild job and waits for its run to end; *rows its row count.
 * Returns the run's outcome ("ok", "failed") in out[size], its error in
 * why[wsize]. */
static void
rebuild(char *out, size_t size, long long *rows, char *why, size_t wsize)
{
    char path[128];
    struct resp r;
    long long id;

    ck_assert_int_eq(job_run("/api/v1/analytics/jobs/rebuild/run", &r), 0);
    ck_assert_msg(r.status == 200 || r.status == 202, "%d %s", r.status, r.body);
    id = jint(&r, "id");
    for (int i = 0; i < 300 && strcmp(jstr(&r, "outcome"), "running") == 0; i++) {
        resp_free(&r);
        tm_sleep_ms(100);
        snprintf(path, sizeof path, "/api/v1/analytics/jobs/rebuild/runs/%lld", id);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
    }
    snprintf(out, size, "%s", jstr(&r, "outcome"));
    snprintf(why, wsize, "%s", jstr(&r, "error"));
    *rows = jint(&r, "rows");
    resp_free(&r);
}

static long long
store_in(const char *tz)
{
    static int n;
    char body[256], code[24];

    snprintf(code, sizeof code, "AN%.8s%d", run_tag(), n++);
    for (char *p = code; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"analytics test\",\"city\":\"c\",\"time_zone\":\"%s\"}",
             code, tz);
    return create("/api/v1/stores", body);
}

static void
rules(const char *doc)
{
    struct resp r;

    ck_assert_int_eq(http("POST", "/api/v1/fraud/rules", doc, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* Posts a sale of qty units of product (5.00 each) at store, by customer
 * (0: anonymous), at `at` (UTC); expects status; returns its id. */
static long long
sale(const char *key, long long store, long long customer, long long product, int qty,
     const char *at, int status)
{
    char body[512], cust[40] = "", extra[160];
    struct resp r;
    long long id;

    if (customer)
        snprintf(cust, sizeof cust, "\"customer_id\":%lld,", customer);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,%s\"lines\":[{\"product_id\":%lld,\"quantity\":%d,"
             "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"card\","
             "\"occurred_at\":\"%s\"}",
             store, cust, product, qty, at);
    snprintf(extra, sizeof extra, "Idempotency-Key: %s-an-%s\r\n", run_tag(), key);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions", body, extra, &r), 0);
    ck_assert_msg(r.status == status, "%s: %d %s", key, r.status, r.body);
    id = status == 201 ? jint(&r, "id") : 0;
    resp_free(&r);
    return id;
}

static void
void_sale(long long id)
{
    char path[96];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id);
    ck_assert_int_eq(http("POST", path, "{\"reason\":\"analytics test\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* A column of hourly_store for (store, local hour), -1 when no row. */
static long long
hour_of(const char *col, long long store, const char *hour)
{
    return sql_intf("SELECT COALESCE((SELECT %s FROM analytics.hourly_store WHERE store_id = %lld"
                    " AND local_hour = '%s'), -1)",
                    col, store, hour);
}

/* Posts the test's sales (see the file's head); fills the ids it checks. */
struct fixture {
    long long bog, tok, p1, p2, c1, c2, s1, s3, s5, s6, rv;
};

static void
post_sales(struct fixture *f)
{
    char path[96];
    struct resp r;

    f->bog = store_in("America/Bogota");
    f->tok = store_in("Asia/Tokyo");
    f->p1 = new_product();
    f->p2 = new_product();
    f->c1 = create("/api/v1/customers", "{\"name\":\"Ana Lytics\"}");
    f->c2 = create("/api/v1/customers", "{\"name\":\"Bo Rebuild\"}");
    receive(f->bog, f->p1, 50);
    receive(f->bog, f->p2, 50);
    receive(f->tok, f->p1, 50);
    receive(f->tok, f->p2, 50);
    wait_known(f->bog, f->p1);
    wait_known(f->tok, f->p2);
    /* only the amount rule, far away: every sale below is approved */
    rules("{\"note\":\"analytics test: approve\",\"rules\":[{\"code\":\"big\",\"kind\":"
          "\"amount_over\",\"threshold\":500000,\"weight\":25}]}");
    /* Bogota, 18:00 local on the 20th */
    f->s1 = sale("s1", f->bog, f->c1, f->p1, 2, "2026-11-20T23:30:00Z", 201);
    sale("s2a", f->bog, f->c2, f->p1, 1, "2026-11-20T23:45:00Z", 201);
    sale("s2b", f->bog, f->c2, f->p2, 1, "2026-11-20T23:46:00Z", 201);
    f->s5 = sale("s5", f->bog, 0, f->p1, 1, "2026-11-20T23:10:00Z", 201);
    /* 23:59 local on the 20th, the 21st in UTC */
    f->s3 = sale("s3", f->bog, f->c1, f->p2, 1, "2026-11-21T04:59:00Z", 201);
    /* Tokyo: 00:30 local on the 21st, the 20th in UTC */
    sale("s4", f->tok, f->c1, f->p1, 3, "2026-11-20T15:30:00Z", 201);
    /* c2's latest sale, alone in its hour (11:00 local on the 21st): voided */
    f->s6 = sale("s6", f->tok, f->c2, f->p1, 2, "2026-11-21T02:00:00Z", 201);
    /* a declined attempt (10 x 5.00 over 40.00 weighs 90), then a flagged sale */
    rules("{\"note\":\"analytics test: decline\",\"rules\":[{\"code\":\"big\",\"kind\":"
          "\"amount_over\",\"threshold\":4000,\"weight\":90}]}");
    sale("d", f->bog, f->c2, f->p1, 10, "2026-11-20T23:50:00Z", 422);
    rules("{\"note\":\"analytics test: review\",\"rules\":[{\"code\":\"big\",\"kind\":"
          "\"amount_over\",\"threshold\":4000,\"weight\":70}]}");
    f->rv = sale("rv", f->tok, f->c2, f->p2, 10, "2026-11-20T16:00:00Z", 201);
    rules("{\"note\":\"back to the defaults for other tests\",\"review_threshold\":60,"
          "\"decline_threshold\":85,\"rules\":[{\"code\":\"amount_over_5000\",\"kind\":"
          "\"amount_over\",\"threshold\":500000,\"weight\":25}]}");
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/review", f->rv);
    ck_assert_int_eq(http_as(st.token[4], "POST", path, "{\"label\":\"legit\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
}

START_TEST(test_sales_land_in_local_hours_and_rebuild_gives_the_same_rows)
{
    struct fixture f;
    char before[N_MODELS][64], after[64], outcome[16], why[256];
    long long txn_seq, rows;

    post_sales(&f);
    wait_txn_applied();
    /* the void of a sale takes it back out; c2's last sale is voided */
    ck_assert_int_eq(hour_of("revenue_cents", f.bog, "2026-11-20 18:00"), 2000 + 500);
    ck_assert_int_eq(sql_intf("SELECT (last_sale_at = '2026-11-21T02:00:00Z')::int FROM"
                              " analytics.customer_stats WHERE customer_id = %lld",
                              f.c2),
                     1);
    void_sale(f.s5);
    void_sale(f.s6);
    wait_txn_applied();

    /* 23:30 UTC in Bogota (UTC-5) is its 18:00 hour; the voided sale is out */
    ck_assert_int_eq(sql_intf("SELECT (local_hour = '2026-11-20 18:00')::int FROM analytics.sales"
                              " WHERE id = %lld",
                              f.s1),
                     1);
    ck_assert_int_eq(hour_of("revenue_cents", f.bog, "2026-11-20 18:00"), 2000);
    ck_assert_int_eq(hour_of("units", f.bog, "2026-11-20 18:00"), 4);
    ck_assert_int_eq(hour_of("transactions", f.bog, "2026-11-20 18:00"), 3);
    ck_assert_int_eq(hour_of("customers", f.bog, "2026-11-20 18:00"), 2); /* c1, c2 (twice) */
    ck_assert_int_eq(hour_of("declined", f.bog, "2026-11-20 18:00"), 1);
    ck_assert_int_eq(hour_of("voided", f.bog, "2026-11-20 18:00"), 1);
    ck_assert_int_eq(hour_of("flagged", f.bog, "2026-11-20 18:00"), 0);
    /* a sale on the 21st in UTC is the 20th's last hour in Bogota */
    ck_assert_int_eq(hour_of("transactions", f.bog, "2026-11-20 23:00"), 1);
    ck_assert_int_eq(sql_intf("SELECT (local_hour::date = '2026-11-20')::int FROM analytics.sales"
                              " WHERE id = %lld",
                              f.s3),
                     1);
    /* Tokyo (UTC+9): the 20th at 15:30 UTC is the 21st at 00:30 */
    ck_assert_int_eq(hour_of("revenue_cents", f.tok, "2026-11-21 00:00"), 1500);
    ck_assert_int_eq(hour_of("flagged", f.tok, "2026-11-21 01:00"), 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM analytics.sales WHERE id = %lld"
                              " AND review_label = 'legit'",
                              f.rv),
                     1);
    /* the voided sale was alone in its hour: its product rows are gone, the
     * hour keeps only its void */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM analytics.hourly_product WHERE store_id ="
                              " %lld AND local_hour = '2026-11-21 11:00'",
                              f.tok),
                     0);
    ck_assert_int_eq(hour_of("transactions", f.tok, "2026-11-21 11:00"), 0);
    ck_assert_int_eq(hour_of("voided", f.tok, "2026-11-21 11:00"), 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM analytics.hourly_customer WHERE store_id ="
                              " %lld AND local_hour = '2026-11-21 11:00'",
                              f.tok),
                     0);
    /* lifetime aggregates: c1 and c2 three completed sales each (c2's void
     * and declined attempt not counted) */
    ck_assert_int_eq(sql_intf("SELECT transactions * 100000 + revenue_cents FROM"
                              " analytics.customer_stats WHERE customer_id = %lld",
                              f.c1),
                     3 * 100000 + 3000);
    ck_assert_int_eq(sql_intf("SELECT transactions * 100000 + revenue_cents FROM"
                              " analytics.customer_stats WHERE customer_id = %lld",
                              f.c2),
                     3 * 100000 + 6000);
    ck_assert_int_eq(sql_intf("SELECT (first_sale_at = '2026-11-20T15:30:00Z')::int * 10 +"
                              " (last_sale_at = '2026-11-21T04:59:00Z')::int FROM"
                              " analytics.customer_stats WHERE customer_id = %lld",
                              f.c1),
                     11);
    /* c2's last sale is now the one before the voided one */
    ck_assert_int_eq(sql_intf("SELECT (last_sale_at = '2026-11-20T23:46:00Z')::int FROM"
                              " analytics.customer_stats WHERE customer_id = %lld",
                              f.c2),
                     1);
    ck_assert_int_eq(sql_intf("SELECT transactions * 100000 + units FROM analytics.product_stats"
                              " WHERE product_id = %lld",
                              f.p1),
                     3 * 100000 + 6);
    ck_assert_int_eq(sql_intf("SELECT transactions * 100000 + units FROM analytics.product_stats"
                              " WHERE product_id = %lld",
                              f.p2),
                     3 * 100000 + 12);

    /* every row, then the rebuild and the replay of tm-txn's outbox */
    for (size_t i = 0; i < N_MODELS; i++)
        snapshot(i, before[i], sizeof before[i]);
    txn_seq = sql_int("SELECT last FROM txn.outbox_seq");
    rebuild(outcome, sizeof outcome, &rows, why, sizeof why);
    ck_assert_msg(strcmp(outcome, "ok") == 0, "rebuild: %s %s", outcome, why);
    ck_assert_int_ge(rows, 9); /* it emptied the sales, this test's 9 among them */
    wait_applied("txn", txn_seq);
    for (size_t i = 0; i < N_MODELS; i++) {
        snapshot(i, after, sizeof after);
        ck_assert_msg(strcmp(before[i], after) == 0, "%s: %s before the rebuild, %s after",
                      model_rows[i], before[i], after);
    }
    ck_assert_int_eq(hour_of("revenue_cents", f.bog, "2026-11-20 18:00"), 2000);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM analytics.job_runs WHERE job = 'rebuild'"
                             " AND outcome = 'ok'") >= 1,
                     1);
}
END_TEST

START_TEST(test_rebuild_refused_once_txn_no_longer_keeps_its_first_event)
{
    PGconn *db = PQconnectdb(st.db_url);
    char before[64], after[64], outcome[16], why[256];
    long long applied, rows;

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    wait_txn_applied();
    applied = sql_int("SELECT last_seq FROM analytics.inbox WHERE source = 'txn'");
    snapshot(3, before, sizeof before); /* hourly_store */
    /* as retention would have it: seq 1 gone (kept aside in this session) */
    exec_ok(db, "CREATE TEMP TABLE kept AS SELECT * FROM txn.outbox WHERE seq = 1");
    exec_ok(db, "DELETE FROM txn.outbox WHERE seq = 1");
    rebuild(outcome, sizeof outcome, &rows, why, sizeof why);
    exec_ok(db, "INSERT INTO txn.outbox SELECT * FROM kept");
    PQfinish(db);
    /* the run is recorded as failed, saying why */
    ck_assert_str_eq(outcome, "failed");
    ck_assert_ptr_nonnull(strstr(why, "retention"));
    ck_assert_int_eq(sql_int("SELECT last_seq FROM analytics.inbox WHERE source = 'txn'"), applied);
    snapshot(3, after, sizeof after);
    ck_assert_str_eq(after, before);
}
END_TEST

/* Each aggregate and what the facts (sales, sale_lines) say it must be:
 * completed sales counted, a void only in its hour's voided, a declined
 * attempt only in its hour's declined, flagged its sales decided review. */
static const char *const oracles[][2] = {
    {"SELECT * FROM analytics.hourly_product",
     "SELECT s.store_id, s.local_hour, l.product_id, sum(l.amount_cents), sum(l.quantity),"
     " count(DISTINCT s.id) FROM analytics.sales s JOIN analytics.sale_lines l ON l.sale_id = s.id"
     " WHERE s.status = 'completed' GROUP BY 1, 2, 3"},
    {"SELECT * FROM analytics.hourly_store",
     "SELECT store_id, local_hour, coalesce(sum(total_cents) FILTER (WHERE status ="
     " 'completed'), 0), coalesce(sum(units) FILTER (WHERE status = 'completed'), 0),"
     " count(*) FILTER (WHERE status = 'completed'), count(DISTINCT customer_id) FILTER (WHERE"
     " status = 'completed'), count(*) FILTER (WHERE status = 'declined'), count(*) FILTER"
     " (WHERE status = 'voided'), count(*) FILTER (WHERE decision = 'review' AND status <>"
     " 'declined') FROM analytics.sales GROUP BY 1, 2"},
    {"SELECT * FROM analytics.hourly_customer",
     "SELECT store_id, local_hour, customer_id, count(*) FROM analytics.sales WHERE status ="
     " 'completed' AND customer_id IS NOT NULL GROUP BY 1, 2, 3"},
    {"SELECT * FROM analytics.customer_stats",
     "SELECT customer_id, count(*), sum(total_cents), sum(units), min(occurred_at),"
     " max(occurred_at) FROM analytics.sales WHERE status = 'completed' AND customer_id IS NOT"
     " NULL GROUP BY 1"},
    {"SELECT * FROM analytics.product_stats",
     "SELECT l.product_id, count(DISTINCT s.id), sum(l.amount_cents), sum(l.quantity),"
     " min(s.occurred_at), max(s.occurred_at) FROM analytics.sales s JOIN analytics.sale_lines l"
     " ON l.sale_id = s.id WHERE s.status = 'completed' GROUP BY 1"},
};

/* Digest of the rows of sql, as snapshot() takes it. */
static void
digest(const char *sql, char *out, size_t size)
{
    char q[1024];

    snprintf(q, sizeof q,
             "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY"
             " t::text)), '-') FROM (%s) t",
             sql);
    sql_text(q, out, size);
}

START_TEST(test_sales_applied_together_add_what_the_facts_sum_to)
{
    long long store = store_in("America/Bogota"), p1 = new_product(), p2 = new_product();
    long long c1 = create("/api/v1/customers", "{\"name\":\"Ba Tch\"}");
    long long c2 = create("/api/v1/customers", "{\"name\":\"Bat Ched\"}");
    long long a, seq;
    char got[64], want[64];

    receive(store, p1, 50);
    receive(store, p2, 50);
    wait_known(store, p1);
    wait_known(store, p2);
    rules("{\"note\":\"analytics batch test: approve\",\"rules\":[{\"code\":\"big\","
          "\"kind\":\"amount_over\",\"threshold\":500000,\"weight\":25}]}");
    wait_txn_applied();
    /* tm-analytics stopped: what follows reaches it together */
    signal_all("analytics", SIGSTOP);
    a = sale("b1", store, c1, p1, 2, "2026-11-19T15:10:00Z", 201);
    sale("b2", store, c1, p2, 1, "2026-11-19T15:20:00Z", 201); /* c1 again in the hour */
    sale("b3", store, c2, p1, 1, "2026-11-19T15:30:00Z", 201);
    sale("b4", store, 0, p1, 1, "2026-11-19T15:40:00Z", 201);
    void_sale(a); /* after the sales of its batch, before the next ones */
    sale("b5", store, c1, p1, 3, "2026-11-19T15:50:00Z", 201);
    rules("{\"note\":\"analytics batch test: decline\",\"rules\":[{\"code\":\"big\","
          "\"kind\":\"amount_over\",\"threshold\":4000,\"weight\":90}]}");
    sale("b6", store, c2, p2, 10, "2026-11-19T15:55:00Z", 422);
    rules("{\"note\":\"back to the defaults for other tests\",\"review_threshold\":60,"
          "\"decline_threshold\":85,\"rules\":[{\"code\":\"amount_over_5000\",\"kind\":"
          "\"amount_over\",\"threshold\":500000,\"weight\":25}]}");
    events_numbered("txn");
    seq = sql_int("SELECT last FROM txn.outbox_seq");
    signal_all("analytics", SIGCONT);
    wait_applied("txn", seq);
    /* 10:00 local in Bogota: b2..b5 (b1 voided), c1 and c2, one declined */
    ck_assert_int_eq(hour_of("transactions", store, "2026-11-19 10:00"), 4);
    ck_assert_int_eq(hour_of("revenue_cents", store, "2026-11-19 10:00"), 3000);
    ck_assert_int_eq(hour_of("customers", store, "2026-11-19 10:00"), 2);
    ck_assert_int_eq(hour_of("declined", store, "2026-11-19 10:00"), 1);
    ck_assert_int_eq(hour_of("voided", store, "2026-11-19 10:00"), 1);
    ck_assert_int_eq(sql_intf("SELECT transactions * 1000 + units FROM analytics.hourly_product"
                              " WHERE store_id = %lld AND product_id = %lld",
                              store, p1),
                     3 * 1000 + 5);
    ck_assert_int_eq(sql_intf("SELECT transactions FROM analytics.hourly_customer WHERE store_id"
                              " = %lld AND customer_id = %lld",
                              store, c1),
                     2);
    /* and every row of every aggregate, this test's and all before it */
    for (size_t i = 0; i < sizeof oracles / sizeof oracles[0]; i++) {
        digest(oracles[i][0], got, sizeof got);
        digest(oracles[i][1], want, sizeof want);
        ck_assert_msg(strcmp(got, want) == 0, "%s: %s, the facts sum to %s", oracles[i][0], got,
                      want);
    }
}
END_TEST

Suite *
analytics_models_suite(void)
{
    Suite *s = suite_create("analytics_models");
    TCase *tc = tcase_create("read models");

    tcase_add_test(tc, test_sales_land_in_local_hours_and_rebuild_gives_the_same_rows);
    tcase_add_test(tc, test_rebuild_refused_once_txn_no_longer_keeps_its_first_event);
    tcase_add_test(tc, test_sales_applied_together_add_what_the_facts_sum_to);
    tcase_set_timeout(tc, 180);
    suite_add_tcase(s, tc);
    return s;
}
