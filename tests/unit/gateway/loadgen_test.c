/* tests/unit/gateway/loadgen_test.c — the pure parts of tm-load-bench
 * (services/gateway/loadgen.c): the mix read or refused, each kind drawn in
 * about its share, the schedule exact and overflow-free, the prices file
 * read or refused, the requests each kind asks, and the histogram's
 * percentiles against a sorted array (the simple oracle). */
#include <stdlib.h>
#include <string.h>

#include "services/gateway/loadgen.h"
#include "tests/unit/gateway/suites.h"

static const struct {
    const char *text;
    enum tm_code rc;
    int total;
} mix_cases[] = {
    {"product=30,inventory=15,low_stock=10,txn_list=15,overview=10,sale=20", TM_OK, 100},
    {"floor=1", TM_OK, 1},
    {"sale=0,product=3", TM_OK, 3},
    {"product=100000", TM_OK, 100000},
    {"product=100001", TM_INVALID, 0},
    {"product=99999999999999999999", TM_INVALID, 0},
    {"", TM_INVALID, 0},
    {"sale=0", TM_INVALID, 0},
    {"product", TM_INVALID, 0},
    {"product=", TM_INVALID, 0},
    {"product=-1", TM_INVALID, 0},
    {"product=1,", TM_INVALID, 0},
    {"product=1,,sale=1", TM_INVALID, 0},
    {",product=1", TM_INVALID, 0},
    {"product=1,product=2", TM_INVALID, 0},
    {"Product=1", TM_INVALID, 0},
    {"products=1", TM_INVALID, 0},
    {"product=1x", TM_INVALID, 0},
    {"product =1", TM_INVALID, 0},
};

START_TEST(test_loadgen_mix_parse)
{
    struct lg_mix mix;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(lg_mix_parse(mix_cases[_i].text, strlen(mix_cases[_i].text), &mix, &err),
                     mix_cases[_i].rc);
    ck_assert_int_eq(mix.total, mix_cases[_i].total);
    if (mix_cases[_i].rc != TM_OK)
        ck_assert_str_eq(err.field, "mix");
}
END_TEST

START_TEST(test_loadgen_mix_bounds)
{
    char text[LG_MIX_MAX + 2];
    struct lg_mix mix;

    /* the length is the caller's: no NUL is read past it */
    ck_assert_int_eq(lg_mix_parse("sale=2,product=1", 6, &mix, NULL), TM_OK);
    ck_assert_int_eq(mix.weight[LG_SALE], 2);
    ck_assert_int_eq(mix.total, 2);
    memset(text, 0, sizeof text);
    memcpy(text, "product=1", 9);
    memset(text + 9, '0', LG_MIX_MAX + 1 - 9);
    ck_assert_int_eq(lg_mix_parse(text, LG_MIX_MAX + 1, &mix, NULL), TM_INVALID);
}
END_TEST

START_TEST(test_loadgen_mix_pick_shares)
{
    struct lg_mix mix;
    int64_t seen[LG_KINDS] = {0};
    const char *text = "product=30,inventory=15,low_stock=10,txn_list=15,overview=10,sale=20";

    ck_assert_int_eq(lg_mix_parse(text, strlen(text), &mix, NULL), TM_OK);
    for (uint64_t k = 0; k < 100000; k++)
        seen[lg_mix_pick(&mix, k)]++;
    ck_assert_int_eq(seen[LG_FLOOR], 0);
    for (int kind = 0; kind < LG_KINDS; kind++) { /* within 2 % of the count each */
        int64_t want = 1000 * (int64_t)mix.weight[kind];

        ck_assert_int_le(llabs(seen[kind] - want), 2000);
    }
    /* and in every short stretch too: 1,000 requests hold 15-25 % sales */
    for (uint64_t s = 0; s < 100; s++) {
        int sales = 0;

        for (uint64_t k = s * 1000; k < s * 1000 + 1000; k++)
            sales += lg_mix_pick(&mix, k) == LG_SALE;
        ck_assert_int_ge(sales, 150);
        ck_assert_int_le(sales, 250);
    }
    ck_assert_int_eq(lg_mix_pick(&mix, 12345), lg_mix_pick(&mix, 12345));
}
END_TEST

START_TEST(test_loadgen_due)
{
    ck_assert_int_eq(lg_due_us(1000, 0, 2000), 1000);
    ck_assert_int_eq(lg_due_us(1000, 1, 2000), 1500);
    ck_assert_int_eq(lg_due_us(0, 2000, 2000), 1000000);
    ck_assert_int_eq(lg_due_us(0, 1, 3), 333333);
    ck_assert_int_eq(lg_due_us(0, 2, 3), 666666);
    ck_assert_int_eq(lg_due_us(0, 3, 3), 1000000);
    /* evenly spread: gaps of 1 / rate, never two due together at 2,000/s */
    for (int64_t k = 1; k < 10000; k++)
        ck_assert_int_eq(lg_due_us(0, k, 2000) - lg_due_us(0, k - 1, 2000), 500);
    /* a day at the highest rate, no overflow */
    ck_assert_int_eq(lg_due_us(0, INT64_C(86400) * 1000000, 1000000), INT64_C(86400) * 1000000);
    ck_assert_int_eq(lg_due_us(0, (INT64_C(1) << 43) - 1, 7),
                     ((INT64_C(1) << 43) - 1) / 7 * 1000000 +
                         ((INT64_C(1) << 43) - 1) % 7 * 1000000 / 7);
}
END_TEST

static const struct {
    const char *text;
    enum tm_code rc;
    int n;
} prices_cases[] = {
    {"1 100\n2 250\n", TM_OK, 2},
    {"1 100\n2 250", TM_OK, 2},
    {"9007199254740992 1000000000\n", TM_OK, 1},
    {"9007199254740993 1\n", TM_INVALID, 0},
    {"1 1000000001\n", TM_INVALID, 0},
    {"", TM_INVALID, 0},
    {"0 100\n", TM_INVALID, 0},
    {"1 0\n", TM_INVALID, 0},
    {"1  100\n", TM_INVALID, 0},
    {"1 100\n\n", TM_INVALID, 0},
    {"1 100 3\n", TM_INVALID, 0},
    {"1|100\n", TM_INVALID, 0},
    {"-1 100\n", TM_INVALID, 0},
    {"1 100\r\n", TM_INVALID, 0},
};

START_TEST(test_loadgen_prices)
{
    struct lg_price out[4];
    struct tm_err err;
    int n = -1;

    tm_err_clear(&err);
    ck_assert_int_eq(
        lg_prices_parse(prices_cases[_i].text, strlen(prices_cases[_i].text), out, 4, &n, &err),
        prices_cases[_i].rc);
    if (prices_cases[_i].rc == TM_OK)
        ck_assert_int_eq(n, prices_cases[_i].n);
    else
        ck_assert_str_eq(err.field, "prices");
}
END_TEST

START_TEST(test_loadgen_prices_max)
{
    struct lg_price out[2];
    int n;

    ck_assert_int_eq(lg_prices_parse("1 1\n2 2\n", 8, out, 2, &n, NULL), TM_OK);
    ck_assert_int_eq(out[1].product_id, 2);
    ck_assert_int_eq(out[1].cents, 2);
    ck_assert_int_eq(lg_prices_parse("1 1\n2 2\n3 3\n", 12, out, 2, &n, NULL), TM_INVALID);
}
END_TEST

START_TEST(test_loadgen_requests)
{
    struct lg_price prices[] = {{42, 1999}};
    struct lg_target t = {1000, 5, 256, 1, "run7", prices, 1};
    struct lg_request req;
    int max_product = 0, min_product = 1 << 30;

    ck_assert_int_eq(lg_request_make(LG_FLOOR, 0, &t, &req, NULL), TM_OK);
    ck_assert_str_eq(req.path, "/api/_floor?bytes=256");
    ck_assert_str_eq(req.method, "GET");
    ck_assert_int_eq(lg_request_make(LG_LOW_STOCK, 0, &t, &req, NULL), TM_OK);
    ck_assert_str_eq(req.path, "/api/v1/inventory/low-stock");
    ck_assert_int_eq(lg_request_make(LG_OVERVIEW, 0, &t, &req, NULL), TM_OK);
    ck_assert_str_eq(req.path, "/api/v1/dashboard/overview");
    for (uint64_t k = 0; k < 20000; k++) {
        int id;

        ck_assert_int_eq(lg_request_make(LG_PRODUCT, k, &t, &req, NULL), TM_OK);
        id = atoi(req.path + strlen("/api/v1/products/"));
        max_product = id > max_product ? id : max_product;
        min_product = id < min_product ? id : min_product;
    }
    ck_assert_int_eq(min_product, 1);
    ck_assert_int_eq(max_product, 1000);
    ck_assert_int_eq(lg_request_make(LG_TXN_LIST, 3, &t, &req, NULL), TM_OK);
    ck_assert_ptr_nonnull(strstr(req.path, "/api/v1/transactions?store_id="));
    ck_assert_int_eq(lg_request_make(LG_SALE, 9, &t, &req, NULL), TM_OK);
    ck_assert_str_eq(req.method, "POST");
    ck_assert_str_eq(req.key, "load-run7-9");
    ck_assert_str_eq(req.body, "{\"store_id\":1,\"lines\":[{\"product_id\":42,\"quantity\":1,"
                               "\"unit_price\":19.99}],\"channel\":\"pos\",\"payment_method\":"
                               "\"card\",\"instrument\":\"load-run7-9\"}");
    t.n_prices = 0;
    ck_assert_int_eq(lg_request_make(LG_SALE, 9, &t, &req, NULL), TM_INVALID);
    t.n_prices = 1;
    t.run = "a-run-tag-far-too-long-for-the-idempotency-key-of-a-sale-xxxxxxxxxxxxxxxxxxxxxxxxxx"
            "-and-longer-still";
    ck_assert_int_eq(lg_request_make(LG_SALE, 9, &t, &req, NULL), TM_INVALID);
}
END_TEST

static int
cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

START_TEST(test_loadgen_hist_oracle)
{
    struct lg_hist *h = calloc(1, sizeof *h);
    static int64_t v[5000];
    static const int shares[] = {1, 5000, 9500, 9900, 10000};

    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(lg_hist_pct(h, 9900), -1);
    srand(22);
    for (int i = 0; i < 5000; i++) { /* a long tail: mostly ms, some seconds */
        v[i] = i % 50 == 0 ? rand() % 3000000 : rand() % 20000;
        lg_hist_add(h, v[i]);
    }
    qsort(v, 5000, sizeof v[0], cmp64);
    for (size_t s = 0; s < sizeof shares / sizeof shares[0]; s++) {
        int64_t want = v[(5000 * shares[s] + 9999) / 10000 - 1], got = lg_hist_pct(h, shares[s]);

        /* the bucket's upper edge: at most one step above the exact value, never below */
        ck_assert_int_ge(got, want);
        ck_assert_int_lt(got, want + LG_HIST_STEP_US);
    }
    ck_assert_int_eq(lg_hist_pct(h, 10000), v[4999]);
    ck_assert_int_eq(h->max_us, v[4999]);
    free(h);
}
END_TEST

START_TEST(test_loadgen_hist_edges)
{
    struct lg_hist *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    lg_hist_add(a, -5); /* a clock step back counts as 0 */
    ck_assert_int_eq(lg_hist_pct(a, 5000), 0);
    lg_hist_add(b, INT64_C(120000000)); /* two minutes: the last bucket, its max exact */
    ck_assert_int_eq(lg_hist_pct(b, 9900), INT64_C(120000000));
    lg_hist_merge(a, b);
    ck_assert_int_eq(a->n, 2);
    ck_assert_int_le(lg_hist_pct(a, 5000), LG_HIST_STEP_US); /* the first bucket's edge */
    ck_assert_int_eq(lg_hist_pct(a, 9900), INT64_C(120000000));
    free(a);
    free(b);
}
END_TEST

Suite *
loadgen_suite(void)
{
    Suite *s = suite_create("loadgen");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_loadgen_mix_parse, 0, sizeof mix_cases / sizeof mix_cases[0]);
    tcase_add_test(tc, test_loadgen_mix_bounds);
    tcase_add_test(tc, test_loadgen_mix_pick_shares);
    tcase_add_test(tc, test_loadgen_due);
    tcase_add_loop_test(tc, test_loadgen_prices, 0, sizeof prices_cases / sizeof prices_cases[0]);
    tcase_add_test(tc, test_loadgen_prices_max);
    tcase_add_test(tc, test_loadgen_requests);
    tcase_add_test(tc, test_loadgen_hist_oracle);
    tcase_add_test(tc, test_loadgen_hist_edges);
    suite_add_tcase(s, tc);
    return s;
}
