/* tests/unit/inventory/po_event_test.c — tm-supplier's PurchaseOrderEvent as
 * tm-inventory reads it: incoming deltas, a receipt, the promised delivery
 * day, and events it must refuse, naming the field. */
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "services/inventory/po_event.h"

static enum tm_code
decode(const char *json, struct inv_po_event *e, struct tm_err *err)
{
    cJSON *data = cJSON_Parse(json);
    ck_assert_ptr_nonnull(data);
    enum tm_code rc = inv_po_event_decode(data, e, err);
    cJSON_Delete(data);
    return rc;
}

START_TEST(test_confirmed_with_delivery_day)
{
    static struct inv_po_event e;
    struct tm_err err;
    ck_assert_int_eq(decode("{\"purchase_order\":{\"id\":7,\"expected_delivery\":\"2026-12-03\"},"
                            "\"store_id\":2,\"incoming\":[{\"product_id\":5,\"delta\":-4}]}",
                            &e, &err),
                     TM_OK);
    ck_assert_int_eq(e.po_id, 7);
    ck_assert_int_eq(e.store_id, 2);
    ck_assert_str_eq(e.expected_delivery, "2026-12-03");
    ck_assert_int_eq(e.n_incoming, 1);
    ck_assert_int_eq(e.incoming[0].value, -4);
    ck_assert_int_eq(e.receipt_id, 0);

    /* not promised yet: null or absent */
    ck_assert_int_eq(decode("{\"purchase_order\":{\"id\":7,\"expected_delivery\":null},"
                            "\"store_id\":2,\"incoming\":[]}",
                            &e, &err),
                     TM_OK);
    ck_assert_str_eq(e.expected_delivery, "");
    ck_assert_int_eq(
        decode("{\"purchase_order\":{\"id\":7},\"store_id\":2,\"incoming\":[]}", &e, &err), TM_OK);
    ck_assert_str_eq(e.expected_delivery, "");
}
END_TEST

static const struct {
    const char *json, *field;
} refused[] = {
    {"{\"purchase_order\":{\"id\":7,\"expected_delivery\":\"2026-02-30\"},\"store_id\":2,"
     "\"incoming\":[]}",
     "purchase_order.expected_delivery"},
    {"{\"purchase_order\":{\"id\":7,\"expected_delivery\":\"soon\"},\"store_id\":2,"
     "\"incoming\":[]}",
     "expected_delivery"},
    {"{\"purchase_order\":{\"id\":7,\"expected_delivery\":20261203},\"store_id\":2,"
     "\"incoming\":[]}",
     "expected_delivery"},
    {"{\"purchase_order\":{\"id\":0},\"store_id\":2,\"incoming\":[]}", "id"},
    {"{\"purchase_order\":{\"id\":7},\"store_id\":2,\"incoming\":[{\"product_id\":5,"
     "\"delta\":100000000}]}",
     "incoming[0].delta"},
    {"{\"purchase_order\":{\"id\":7},\"store_id\":2,\"incoming\":{}}", "incoming"},
    {"{\"store_id\":2,\"incoming\":[]}", "purchase_order"},
};

START_TEST(test_refused)
{
    static struct inv_po_event e;
    struct tm_err err;
    tm_err_clear(&err);
    ck_assert_int_eq(decode(refused[_i].json, &e, &err), TM_INVALID);
    ck_assert_str_eq(err.field, refused[_i].field);
}
END_TEST

Suite *po_event_suite(void);

Suite *
po_event_suite(void)
{
    Suite *s = suite_create("inventory.po_event");
    TCase *tc = tcase_create("po_event");
    tcase_add_test(tc, test_confirmed_with_delivery_day);
    tcase_add_loop_test(tc, test_refused, 0, (int)(sizeof refused / sizeof refused[0]));
    suite_add_tcase(s, tc);
    return s;
}
