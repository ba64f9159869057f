/* tests/unit/supplier/api_decode_test.c — the decoders of a supplier's
 * replies: a good order and catalogue read whole, and each malformed reply
 * refused naming its member (bounds on lines, items, strings, numbers,
 * depth and size). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#include "services/supplier/api_decode.h"
#include "tests/unit/supplier/suites.h"

static const char order_ok[] =
    "{\"order_id\":\"ACME-000001\",\"reference\":\"PO-12\",\"status\":\"confirmed\","
    "\"created_at\":\"2026-11-26T18:00:01Z\",\"expected_delivery\":\"2026-11-30\","
    "\"lines\":[{\"sku\":\"42\",\"quantity\":48,\"confirmed_quantity\":40,"
    "\"unit_price_cents\":1100},{\"sku\":\"7\",\"quantity\":1,\"unit_price_cents\":5}]}";

START_TEST(test_order_ok)
{
    struct sup_api_order *o = malloc(sizeof *o);
    struct tm_err err;

    ck_assert_int_eq(sup_api_decode_order(order_ok, strlen(order_ok), o, &err), TM_OK);
    ck_assert_str_eq(o->order_id, "ACME-000001");
    ck_assert_str_eq(o->status, "confirmed");
    ck_assert_str_eq(o->expected_delivery, "2026-11-30");
    ck_assert_int_eq(o->n_lines, 2);
    ck_assert_int_eq(o->lines[0].product_id, 42);
    ck_assert_int_eq(o->lines[0].quantity, 48);
    ck_assert_int_eq(o->lines[0].confirmed_quantity, 40);
    ck_assert_int_eq(o->lines[0].unit_price_cents, 1100);
    ck_assert_int_eq(o->lines[1].confirmed_quantity, 1); /* absent: all of it */
    free(o);
}
END_TEST

/* A malformed order reply and the member it is refused for. */
static const struct {
    const char *json;
    const char *field;
} bad_orders[] = {
    {"not json", "body"},
    {"[]", "body"},
    {"{\"status\":\"confirmed\",\"lines\":[]}", "order_id"},
    {"{\"order_id\":\"\",\"status\":\"confirmed\"}", "order_id"},
    {"{\"order_id\":\"A\",\"status\":\"lost\"}", "status"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"expected_delivery\":\"2026-13-40\"}",
     "expected_delivery"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":[]}", "lines"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":{}}", "lines"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":[{\"sku\":\"042\",\"quantity\":1,"
     "\"unit_price_cents\":1}]}",
     "sku"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":[{\"sku\":\"9007199254740993\","
     "\"quantity\":1,\"unit_price_cents\":1}]}",
     "sku"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":[{\"sku\":\"4\",\"quantity\":0,"
     "\"unit_price_cents\":1}]}",
     "quantity"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":[{\"sku\":\"4\",\"quantity\":5,"
     "\"confirmed_quantity\":6,\"unit_price_cents\":1}]}",
     "confirmed_quantity"},
    {"{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":[{\"sku\":\"4\",\"quantity\":5,"
     "\"unit_price_cents\":1.5}]}",
     "unit_price_cents"},
};

START_TEST(test_order_refused)
{
    struct sup_api_order *o = malloc(sizeof *o);
    struct tm_err err;
    const char *j = bad_orders[_i].json;

    ck_assert_int_eq(sup_api_decode_order(j, strlen(j), o, &err), TM_INVALID);
    ck_assert_msg(strcmp(err.field, bad_orders[_i].field) == 0, "%s: field %s", j, err.field);
    ck_assert_str_eq(o->order_id, "");
    free(o);
}
END_TEST

START_TEST(test_order_line_limit)
{
    struct sup_api_order *o = malloc(sizeof *o);
    struct tm_buf b;
    struct tm_err err;

    for (int n = SUP_API_LINES_MAX; n <= SUP_API_LINES_MAX + 1; n++) {
        tm_buf_init(&b, 1 << 20);
        ck_assert_int_eq(tm_buf_adds(&b, "{\"order_id\":\"A\",\"status\":\"accepted\",\"lines\":["),
                         TM_OK);
        for (int i = 0; i < n; i++)
            ck_assert_int_eq(tm_buf_printf(&b,
                                           "%s{\"sku\":\"%d\",\"quantity\":1,"
                                           "\"unit_price_cents\":1}",
                                           i ? "," : "", i + 1),
                             TM_OK);
        ck_assert_int_eq(tm_buf_adds(&b, "]}"), TM_OK);
        ck_assert_int_eq(sup_api_decode_order(b.p, b.len, o, &err),
                         n == SUP_API_LINES_MAX ? TM_OK : TM_INVALID);
        if (n > SUP_API_LINES_MAX)
            ck_assert_str_eq(err.field, "lines");
        tm_buf_fini(&b);
    }
    free(o);
}
END_TEST

START_TEST(test_order_depth_and_size)
{
    struct sup_api_order *o = malloc(sizeof *o);
    char deep[64];
    struct tm_err err;

    /* 17 levels: one past SUP_API_DEPTH_MAX */
    snprintf(deep, sizeof deep, "%s", "{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}");
    ck_assert_int_eq(sup_api_decode_order(deep, strlen(deep), o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "body");
    ck_assert_int_eq(sup_api_decode_order(order_ok, SUP_API_REPLY_MAX + 1, o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "body");
    free(o);
}
END_TEST

static const char cat_ok[] =
    "{\"supplier\":\"ACME\",\"currency\":\"USD\",\"as_of\":\"2026-11-26T18:00:00Z\","
    "\"items\":[{\"sku\":\"42\",\"name\":\"Tuna 6x160g\",\"price_breaks\":["
    "{\"min_quantity\":1,\"unit_price_cents\":1250},{\"min_quantity\":48,"
    "\"unit_price_cents\":1100}],\"available\":120,\"lead_time_days\":4},"
    "{\"sku\":\"43\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":9}],"
    "\"available\":0,\"lead_time_days\":0}]}";

START_TEST(test_catalogue_ok)
{
    struct sup_api_catalogue c;
    struct tm_err err;

    ck_assert_int_eq(sup_api_decode_catalogue(cat_ok, strlen(cat_ok), &c, &err), TM_OK);
    ck_assert_str_eq(c.currency, "USD");
    ck_assert_str_eq(c.as_of, "2026-11-26T18:00:00Z");
    ck_assert_int_eq(c.n_items, 2);
    ck_assert_int_eq(c.items[0].product_id, 42);
    ck_assert_str_eq(c.items[0].name, "Tuna 6x160g");
    ck_assert_int_eq(c.items[0].available, 120);
    ck_assert_int_eq(c.items[0].lead_time_days, 4);
    ck_assert_int_eq(c.items[0].n_breaks, 2);
    ck_assert_int_eq(c.items[0].breaks[1].min_quantity, 48);
    ck_assert_int_eq(c.items[0].breaks[1].unit_price_cents, 1100);
    ck_assert_str_eq(c.items[1].name, "");
    ck_assert_int_eq(c.items[1].available, 0);
    sup_api_catalogue_fini(&c);
    ck_assert_ptr_null(c.items);
    sup_api_catalogue_fini(NULL);
}
END_TEST

#define ITEM(x) "{\"currency\":\"USD\",\"items\":[" x "]}"
static const struct {
    const char *json;
    const char *field;
} bad_cats[] = {
    {"{\"items\":[]}", "currency"},
    {"{\"currency\":\"usd\",\"items\":[]}", "currency"},
    {"{\"currency\":\"USD\"}", "items"},
    {ITEM("1"), "items"},
    {ITEM("{\"sku\":\"x\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":1}],"
          "\"available\":1,\"lead_time_days\":1}"),
     "sku"},
    {ITEM("{\"sku\":\"1\",\"price_breaks\":[],\"available\":1,\"lead_time_days\":1}"),
     "price_breaks"},
    {ITEM("{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":5,\"unit_price_cents\":1},"
          "{\"min_quantity\":5,\"unit_price_cents\":1}],\"available\":1,\"lead_time_days\":1}"),
     "price_breaks"},
    {ITEM("{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":0}],"
          "\"available\":1,\"lead_time_days\":1}"),
     "unit_price_cents"},
    {ITEM("{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":1}],"
          "\"available\":-1,\"lead_time_days\":1}"),
     "available"},
    {ITEM("{\"sku\":\"1\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":1}],"
          "\"available\":1,\"lead_time_days\":3651}"),
     "lead_time_days"},
    {ITEM("{\"sku\":\"1\",\"name\":7,\"price_breaks\":[{\"min_quantity\":1,"
          "\"unit_price_cents\":1}],\"available\":1,\"lead_time_days\":1}"),
     "name"},
};

START_TEST(test_catalogue_refused)
{
    struct sup_api_catalogue c;
    struct tm_err err;
    const char *j = bad_cats[_i].json;

    ck_assert_int_eq(sup_api_decode_catalogue(j, strlen(j), &c, &err), TM_INVALID);
    ck_assert_msg(strcmp(err.field, bad_cats[_i].field) == 0, "%s: field %s", j, err.field);
    ck_assert_ptr_null(c.items);
    ck_assert_int_eq(c.n_items, 0);
}
END_TEST

START_TEST(test_catalogue_item_limit)
{
    struct sup_api_catalogue c;
    struct tm_buf b;
    struct tm_err err;

    /* SUP_API_ITEMS_MAX + 1 minimal items do not fit in 4 MiB of real JSON,
     * but the count is checked first all the same */
    tm_buf_init(&b, (size_t)16 << 20);
    ck_assert_int_eq(tm_buf_adds(&b, "{\"currency\":\"USD\",\"items\":["), TM_OK);
    for (int i = 0; i <= SUP_API_ITEMS_MAX; i++)
        ck_assert_int_eq(tm_buf_adds(&b, i ? ",1" : "1"), TM_OK);
    ck_assert_int_eq(tm_buf_adds(&b, "]}"), TM_OK);
    ck_assert_int_lt(b.len, SUP_API_REPLY_MAX);
    ck_assert_int_eq(sup_api_decode_catalogue(b.p, b.len, &c, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "items");
    ck_assert_str_eq(err.message, "items must have 0 to 100000 elements");
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_error_reply)
{
    char msg[64];
    const char *e = "{\"error\":{\"code\":\"unknown_sku\",\"message\":\"no sku 9\"}}";

    sup_api_decode_error(e, strlen(e), msg, sizeof msg);
    ck_assert_str_eq(msg, "unknown_sku: no sku 9");
    sup_api_decode_error("<html>", 6, msg, sizeof msg);
    ck_assert_str_eq(msg, "");
}
END_TEST

Suite *
api_decode_suite(void)
{
    Suite *s = suite_create("supplier.api_decode");
    TCase *o = tcase_create("order");
    TCase *c = tcase_create("catalogue");

    tcase_add_test(o, test_order_ok);
    tcase_add_loop_test(o, test_order_refused, 0, (int)(sizeof bad_orders / sizeof bad_orders[0]));
    tcase_add_test(o, test_order_line_limit);
    tcase_add_test(o, test_order_depth_and_size);
    tcase_add_test(o, test_error_reply);
    tcase_add_test(c, test_catalogue_ok);
    tcase_add_loop_test(c, test_catalogue_refused, 0, (int)(sizeof bad_cats / sizeof bad_cats[0]));
    tcase_add_test(c, test_catalogue_item_limit);
    suite_add_tcase(s, o);
    suite_add_tcase(s, c);
    return s;
}
