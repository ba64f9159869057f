/* tests/unit/supplier-mock/decode_test.c — the mock's readers of outside
 * input: a catalogue, an order and a fault settings body, each refusal
 * naming its member, and nothing changed by a refused body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#include "services/supplier-mock/decode.h"
#include "tests/unit/supplier-mock/suites.h"

static const char catalogue_ok[] =
    "{\"items\":[{\"sku\":\"42\",\"name\":\"Tuna 6x160g\",\"price_breaks\":["
    "{\"min_quantity\":1,\"unit_price_cents\":1250},{\"min_quantity\":48,\"unit_price_cents\":"
    "1100}],\"available\":120,\"lead_time_days\":4},"
    "{\"sku\":\"7\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":5}],"
    "\"available\":0}],\"supplier\":\"ACME\",\"currency\":\"USD\",\"as_of\":\"x\"}";

START_TEST(test_catalogue_reads_and_sorts)
{
    struct mock_catalogue c;
    struct tm_err err;
    const struct mock_item *it;

    mock_catalogue_init(&c);
    ck_assert_int_eq(mock_parse_catalogue(catalogue_ok, strlen(catalogue_ok), 9, &c, &err), TM_OK);
    ck_assert_int_eq(c.n, 2);
    ck_assert_str_eq(c.items[0].sku, "42"); /* sorted: "42" < "7" */
    it = mock_catalogue_find(&c, "42");
    ck_assert_str_eq(it->name, "Tuna 6x160g");
    ck_assert_int_eq(it->n_breaks, 2);
    ck_assert_int_eq(it->breaks[1].min_quantity, 48);
    ck_assert_int_eq(it->breaks[1].unit_price_cents, 1100);
    ck_assert_int_eq(it->available, 120);
    ck_assert_int_eq(it->available_initial, 120);
    ck_assert_int_eq(it->lead_time_days, 4);
    it = mock_catalogue_find(&c, "7");
    ck_assert_str_eq(it->name, "");
    ck_assert_int_eq(it->lead_time_days, 9); /* the default */
    mock_catalogue_fini(&c);
}
END_TEST

#define BREAK1 "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":5}]"
static const struct {
    const char *json, *field; /* field NULL: accepted */
} catalogue_cases[] = {
    {"{}", "items"},
    {"[]", "body"},
    {"{\"items\":[]}", "items"},
    {"{\"items\":{}}", "items"},
    {"{\"items\":[1]}", "items[0]"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 ",\"available\":1,\"x\":1}]}", "x"},
    {"{\"items\":[{\"sku\":\"\"," BREAK1 ",\"available\":1}]}", "items[0].sku"},
    {"{\"items\":[{\"sku\":7," BREAK1 ",\"available\":1}]}", "items[0].sku"},
    {"{\"items\":[{\"sku\":\"123456789012345678901234567890123\"," BREAK1 ",\"available\":1}]}",
     "items[0].sku"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 "}]}", "items[0].available"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 ",\"available\":-1}]}", "items[0].available"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 ",\"available\":1,\"lead_time_days\":3651}]}",
     "items[0].lead_time_days"},
    {"{\"items\":[{\"sku\":\"1\",\"available\":1}]}", "items[0].price_breaks"},
    {"{\"items\":[{\"sku\":\"1\",\"price_breaks\":[],\"available\":1}]}", "items[0].price_breaks"},
    {"{\"items\":[{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":0,\"unit_price_cents\":5}],"
     "\"available\":1}]}",
     "items[0].price_breaks[0].min_quantity"},
    {"{\"items\":[{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":-5}],"
     "\"available\":1}]}",
     "items[0].price_breaks[0].unit_price_cents"},
    {"{\"items\":[{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":4,\"unit_price_cents\":5},"
     "{\"min_quantity\":4,\"unit_price_cents\":4}],\"available\":1}]}",
     "items[0].price_breaks[1].min_quantity"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 ",\"available\":1},{\"sku\":\"1\"," BREAK1
     ",\"available\":2}]}",
     "items"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 ",\"available\":1}]} x", "body"},
    {"{\"items\":[{\"sku\":\"1\"," BREAK1 ",\"available\":1}]}", NULL},
};

START_TEST(test_catalogue_refusals_table)
{
    struct mock_catalogue c;
    struct tm_err err;
    const char *j = catalogue_cases[_i].json;
    enum tm_code rc;

    mock_catalogue_init(&c);
    tm_err_clear(&err);
    rc = mock_parse_catalogue(j, strlen(j), 3, &c, &err);
    if (!catalogue_cases[_i].field) {
        ck_assert_int_eq(rc, TM_OK);
        ck_assert_int_eq(c.n, 1);
    } else {
        ck_assert_msg(rc == TM_INVALID, "%s: %d", j, rc);
        ck_assert_str_eq(err.field, catalogue_cases[_i].field);
        ck_assert_int_eq(c.n, 0);
        ck_assert_ptr_null(c.items);
    }
    mock_catalogue_fini(&c);
}
END_TEST

/* n elements "1," in an items array: the count is refused before any is read. */
START_TEST(test_catalogue_item_count_bounded)
{
    struct mock_catalogue c;
    struct tm_buf b;
    struct tm_err err;

    mock_catalogue_init(&c);
    tm_buf_init(&b, MOCK_BODY_MAX);
    ck_assert_int_eq(tm_buf_adds(&b, "{\"items\":[1"), TM_OK);
    for (int i = 0; i < MOCK_ITEMS_MAX; i++)
        ck_assert_int_eq(tm_buf_adds(&b, ",1"), TM_OK);
    ck_assert_int_eq(tm_buf_adds(&b, "]}"), TM_OK);
    ck_assert_int_eq(mock_parse_catalogue(b.p, b.len, 3, &c, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "items");
    tm_buf_fini(&b);
    mock_catalogue_fini(&c);
}
END_TEST

START_TEST(test_catalogue_depth_and_size_bounded)
{
    struct mock_catalogue c;
    struct tm_err err;
    char deep[64], *big;

    mock_catalogue_init(&c);
    memset(deep, '[', 17);
    memset(deep + 17, ']', 17);
    deep[34] = '\0';
    ck_assert_int_eq(mock_parse_catalogue(deep, strlen(deep), 3, &c, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "body");
    big = malloc((size_t)MOCK_BODY_MAX + 1);
    memset(big, ' ', (size_t)MOCK_BODY_MAX + 1);
    ck_assert_int_eq(mock_parse_catalogue(big, (size_t)MOCK_BODY_MAX + 1, 3, &c, &err), TM_TOOBIG);
    ck_assert_str_eq(err.field, "body");
    free(big);
    mock_catalogue_fini(&c);
}
END_TEST

static const struct {
    const char *json, *field;
} order_cases[] = {
    {"{\"lines\":[]}", "lines"},
    {"{}", "lines"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":0}]}", "lines[0].quantity"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":10000001}]}", "lines[0].quantity"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":1.5}]}", "lines[0].quantity"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":\"5\"}]}", "lines[0].quantity"},
    {"{\"lines\":[{\"sku\":\"42\"}]}", "lines[0].quantity"},
    {"{\"lines\":[{\"quantity\":1}]}", "lines[0].sku"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":1,\"price\":3}]}", "price"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":1}],\"ship_to\":{\"store_id\":0}}",
     "ship_to.store_id"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":1}],\"ship_to\":3}", "ship_to"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":1}],\"reference\":"
     "\"12345678901234567890123456789012345678901234567890123456789012345\"}",
     "reference"},
    {"{\"lines\":[{\"sku\":\"42\",\"quantity\":1}],\"refrence\":\"x\"}", "refrence"},
    {"[1]", "body"},
    {"", "body"},
};

START_TEST(test_order_refusals_table)
{
    struct mock_order_req *r = malloc(sizeof *r);
    struct tm_err err;
    const char *j = order_cases[_i].json;

    tm_err_clear(&err);
    ck_assert_msg(mock_parse_order(j, strlen(j), r, &err) == TM_INVALID, "%s", j);
    ck_assert_str_eq(err.field, order_cases[_i].field);
    free(r);
}
END_TEST

START_TEST(test_order_reads)
{
    static const char j[] = "{\"reference\":\"PO-12\",\"ship_to\":{\"store_id\":3},"
                            "\"lines\":[{\"sku\":\"42\",\"quantity\":48},{\"sku\":\"7\","
                            "\"quantity\":10000000}]}";
    struct mock_order_req *r = malloc(sizeof *r);
    struct tm_err err;

    ck_assert_int_eq(mock_parse_order(j, strlen(j), r, &err), TM_OK);
    ck_assert_str_eq(r->reference, "PO-12");
    ck_assert_int_eq(r->store_id, 3);
    ck_assert_int_eq(r->n_lines, 2);
    ck_assert_str_eq(r->lines[1].sku, "7");
    ck_assert_int_eq(r->lines[1].quantity, 10000000);
    free(r);
}
END_TEST

/* 500 lines are an order; 501 are not. */
START_TEST(test_order_lines_bounded)
{
    struct mock_order_req *r = malloc(sizeof *r);
    struct tm_buf b;
    struct tm_err err;

    for (int n = MOCK_LINES_MAX; n <= MOCK_LINES_MAX + 1; n++) {
        tm_buf_init(&b, 1 << 20);
        ck_assert_int_eq(tm_buf_adds(&b, "{\"lines\":["), TM_OK);
        for (int i = 0; i < n; i++)
            ck_assert_int_eq(
                tm_buf_printf(&b, "%s{\"sku\":\"%d\",\"quantity\":1}", i ? "," : "", i), TM_OK);
        ck_assert_int_eq(tm_buf_adds(&b, "]}"), TM_OK);
        ck_assert_int_eq(mock_parse_order(b.p, b.len, r, &err),
                         n == MOCK_LINES_MAX ? TM_OK : TM_INVALID);
        if (n == MOCK_LINES_MAX)
            ck_assert_int_eq(r->n_lines, MOCK_LINES_MAX);
        else
            ck_assert_str_eq(err.field, "lines");
        tm_buf_fini(&b);
    }
    free(r);
}
END_TEST

START_TEST(test_faults_update_named_members_only)
{
    static const char j[] = "{\"error_rate\":0.25,\"drop_rate\":0.1,\"hang_ms\":500}";
    struct mock_faults f;
    struct tm_err err;
    uint64_t seed = 5;
    int seed_set = -1;

    mock_faults_default(&f);
    f.latency_ms = 40;
    ck_assert_int_eq(mock_parse_faults(j, strlen(j), &f, &seed_set, &seed, &err), TM_OK);
    ck_assert_int_eq(f.rate_ppm[MOCK_FAULT_ERROR], 250000);
    ck_assert_int_eq(f.rate_ppm[MOCK_FAULT_DROP], 100000);
    ck_assert_int_eq(f.hang_ms, 500);
    ck_assert_int_eq(f.latency_ms, 40); /* kept */
    ck_assert_int_eq(f.after_ppm, MOCK_PPM / 2);
    ck_assert_int_eq(seed_set, 0);
    ck_assert_int_eq(seed, 5);
    ck_assert_int_eq(mock_parse_faults("{\"seed\":77}", 11, &f, &seed_set, &seed, &err), TM_OK);
    ck_assert_int_eq(seed_set, 1);
    ck_assert_int_eq(seed, 77);
}
END_TEST

static const struct {
    const char *json, *field;
} faults_cases[] = {
    {"{\"error_rate\":1.5}", "error_rate"},
    {"{\"error_rate\":-0.1}", "error_rate"},
    {"{\"error_rate\":\"0.1\"}", "error_rate"},
    {"{\"error_rate\":0.7,\"rate_limit_rate\":0.4}", "faults"},
    {"{\"hang_ms\":600001}", "hang_ms"},
    {"{\"latency_ms\":1.5}", "latency_ms"},
    {"{\"retry_after_s\":-1}", "retry_after_s"},
    {"{\"after_share\":2}", "after_share"},
    {"{\"seed\":-1}", "seed"},
    {"{\"error\":0.1}", "error"},
    {"[]", "body"},
};

START_TEST(test_faults_refusals_change_nothing)
{
    struct mock_faults f, before;
    struct tm_err err;
    uint64_t seed = 5;
    int seed_set = 0;
    const char *j = faults_cases[_i].json;

    mock_faults_default(&f);
    f.rate_ppm[MOCK_FAULT_DROP] = 100000;
    before = f;
    tm_err_clear(&err);
    ck_assert_msg(mock_parse_faults(j, strlen(j), &f, &seed_set, &seed, &err) == TM_INVALID, "%s",
                  j);
    ck_assert_str_eq(err.field, faults_cases[_i].field);
    ck_assert_int_eq(memcmp(&f, &before, sizeof f), 0);
    ck_assert_int_eq(seed, 5);
}
END_TEST

Suite *
mock_decode_suite(void)
{
    Suite *s = suite_create("supplier-mock decode");
    TCase *tc = tcase_create("catalogue");

    tcase_add_test(tc, test_catalogue_reads_and_sorts);
    tcase_add_loop_test(tc, test_catalogue_refusals_table, 0,
                        (int)(sizeof catalogue_cases / sizeof catalogue_cases[0]));
    tcase_add_test(tc, test_catalogue_item_count_bounded);
    tcase_add_test(tc, test_catalogue_depth_and_size_bounded);
    suite_add_tcase(s, tc);
    tc = tcase_create("order");
    tcase_add_test(tc, test_order_reads);
    tcase_add_loop_test(tc, test_order_refusals_table, 0,
                        (int)(sizeof order_cases / sizeof order_cases[0]));
    tcase_add_test(tc, test_order_lines_bounded);
    suite_add_tcase(s, tc);
    tc = tcase_create("faults");
    tcase_add_test(tc, test_faults_update_named_members_only);
    tcase_add_loop_test(tc, test_faults_refusals_change_nothing, 0,
                        (int)(sizeof faults_cases / sizeof faults_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
