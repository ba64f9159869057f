/* tests/integration/rfm_test.c — RFM scores as the database computes them
 * (an_qdb_rfm_cells, services/analytics/query_store.c) on sales posted
 * through the API to a store of its own, with ties in every dimension:
 * each customer's (R, F, M) worked by hand from docs/analytics.md's rule
 * (1 + floor(5 (worse + equal / 2) / n), equal values equal scores), the
 * cells' counts and sums, a lone customer's 3s, and the customer-segments
 * route's segments of those cells. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <postgresql/libpq-fe.h>

#include "common/time.h"

#include "services/analytics/query_store.h"
#include "tests/integration/client.h"

/* A completed sale of qty units of product (5.00 each) at store to
 * customer, at `at` (ISO 8601). */
static void
rfm_sale(long long store, long long product, int customer, int qty, const char *at, int n)
{
    char body[512], extra[160];
    struct resp r;

    snprintf(
        body, sizeof body,
        "{\"store_id\":%lld,\"customer_id\":%d,\"lines\":[{\"product_id\":%lld,"
        "\"quantity\":%d,\"unit_price\":5.00}],\"channel\":\"pos\","
        "\"payment_method\":\"card\",\"instrument\":\"rfm-%s-%lld-%d\",\"occurred_at\":\"%s\"}",
        store, customer, product, qty, run_tag(), store, n, at);
    snprintf(extra, sizeof extra, "Idempotency-Key: rfm-%s-%lld-%d\r\n", run_tag(), store, n);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions", body, extra, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "completed");
    resp_free(&r);
}

/* "YYYY-MM-DDT10:00:00Z" of days ago, and its epoch seconds. */
static int64_t
day_at(int days_ago, char *out, size_t size)
{
    time_t t = (time(NULL) / 86400 - days_ago) * 86400 + 10 * 3600; /* UTC days */
    struct tm g;

    gmtime_r(&t, &g);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &g);
    return (int64_t)t;
}

static void
wait_completed(long long store, int n)
{
    for (int i = 0; i < 100; i++) {
        if (sql_intf("SELECT count(*) FROM analytics.sales WHERE store_id = %lld"
                     " AND status = 'completed'",
                     store) == n)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("tm-analytics never applied %d sales of store %lld", n, store);
}

/* The store's cells, scored among its customers only. */
static int
cells_of(long long store, int64_t now_s, struct rfm_cell cells[RFM_CELLS])
{
    struct anq_filter f = {.store_id = store};
    PGconn *db = PQconnectdb(st.db_url);
    struct tm_err err;
    int n = 0;

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    ck_assert_msg(an_qdb_rfm_cells(db, &f, now_s, cells, &n, &err) == TM_OK, "%s", err.message);
    PQfinish(db);
    return n;
}

/* Five customers of one store (n 5):
 *   customer  last sale  sales  revenue
 *   1         day -3     2      10.00  (its first on day -4)
 *   2         day -3     1       5.00
 *   3         day -2     1       5.00
 *   4         day -1     1       5.00
 *   5         day -1     1      10.00  (two units)
 * R: 1, 2 tie lowest (worse 0, equal 2): 1 + floor(5 × 1/5) = 2; 3 (2, 1):
 *    1 + floor(5 × 2.5/5) = 3; 4, 5 (3, 2): 1 + floor(5 × 4/5) = 5.
 * F: 2..5 tie (0, 4): 1 + floor(5 × 2/5) = 3; 1 (4, 1): 1 + floor(5 × 4.5/5) = 5.
 * M: 2, 3, 4 tie (0, 3): 1 + floor(5 × 1.5/5) = 2; 1, 5 (3, 2): 5.
 * So (2,5,5) 1, (2,3,2) 2, (3,3,2) 3, (5,3,2) 4, (5,3,5) 5, one customer
 * each: cant_lose, at_risk, need_attention, potential_loyalists, champions. */
START_TEST(test_rfm_scores_with_ties)
{
    static const struct {
        int r, f, m, tx, revenue, days;
        const char *segment;
    } want[5] = {
        {2, 3, 2, 1, 500, 3, "at_risk"},        {2, 5, 5, 2, 1000, 3, "cant_lose"},
        {3, 3, 2, 1, 500, 2, "need_attention"}, {5, 3, 2, 1, 500, 1, "potential_loyalists"},
        {5, 3, 5, 1, 1000, 1, "champions"},
    };
    long long store = new_store(), product = new_product(), lone = new_store();
    char d4[32], d3[32], d2[32], d1[32], path[128];
    int64_t t3 = day_at(3, d3, sizeof d3), t2 = day_at(2, d2, sizeof d2),
            t1 = day_at(1, d1, sizeof d1);
    int64_t now_s = tm_now_ms() / 1000;
    const int64_t at[4] = {0, t1, t2, t3};
    struct rfm_cell cells[RFM_CELLS];
    struct resp r;
    const cJSON *it;
    int n;

    day_at(4, d4, sizeof d4);
    receive(store, product, 20);
    receive(lone, product, 5);
    wait_known(store, product);
    wait_known(lone, product);
    rfm_sale(store, product, 1, 1, d4, 1);
    rfm_sale(store, product, 1, 1, d3, 2);
    rfm_sale(store, product, 2, 1, d3, 3);
    rfm_sale(store, product, 3, 1, d2, 4);
    rfm_sale(store, product, 4, 1, d1, 5);
    rfm_sale(store, product, 5, 2, d1, 6);
    rfm_sale(lone, product, 1, 1, d2, 7);
    wait_completed(store, 6);
    wait_completed(lone, 1);
    n = cells_of(store, now_s, cells);
    ck_assert_int_eq(n, 5);
    for (int i = 0; i < 5; i++) {
        ck_assert_msg(cells[i].r == want[i].r && cells[i].f == want[i].f && cells[i].m == want[i].m,
                      "cell %d: (%d,%d,%d), want (%d,%d,%d)", i, cells[i].r, cells[i].f, cells[i].m,
                      want[i].r, want[i].f, want[i].m);
        ck_assert_int_eq(cells[i].customers, 1);
        ck_assert_int_eq(cells[i].transactions_sum, want[i].tx);
        ck_assert_int_eq(cells[i].revenue_cents_sum, want[i].revenue);
        ck_assert_int_eq(cells[i].recency_s_sum, now_s - at[want[i].days]);
    }
    /* a lone customer scores 3 in every dimension */
    n = cells_of(lone, now_s, cells);
    ck_assert_int_eq(n, 1);
    ck_assert(cells[0].r == 3 && cells[0].f == 3 && cells[0].m == 3);
    ck_assert_int_eq(cells[0].customers, 1);
    /* the route shows the cells' segments */
    snprintf(path, sizeof path, "/api/v1/analytics/customer-segments?store_id=%lld", store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "customers"), 5);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
    {
        const char *seg = cJSON_GetStringValue(cJSON_GetObjectItem(it, "segment"));
        int expect = 0;

        for (int i = 0; i < 5; i++)
            expect += strcmp(seg, want[i].segment) == 0;
        ck_assert_msg((int)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "customers")) == expect,
                      "segment %s", seg);
    }
    resp_free(&r);
}
END_TEST

Suite *
rfm_suite(void)
{
    Suite *s = suite_create("rfm");
    TCase *tc = tcase_create("rfm");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rfm_scores_with_ties);
    suite_add_tcase(s, tc);
    return s;
}
