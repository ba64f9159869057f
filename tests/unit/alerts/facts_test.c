/* tests/unit/alerts/facts_test.c — the event decoders (services/alerts/facts.c). */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "services/alerts/facts.h"
#include "tests/unit/alerts/suites.h"

static struct al_fact *fact;

static void
setup(void)
{
    fact = calloc(1, sizeof *fact);
}

static void
teardown(void)
{
    free(fact);
}

/* Decodes text under topic; the code, and err.field into field. */
static enum tm_code
decode(const char *topic, const char *text, char *field)
{
    cJSON *doc = cJSON_Parse(text);
    struct tm_err err = {0};
    enum tm_code rc;

    ck_assert_ptr_nonnull(doc);
    rc = al_fact_decode(topic, doc, fact, &err);
    if (field)
        memcpy(field, err.field, sizeof err.field);
    cJSON_Delete(doc);
    return rc;
}

#define LEVEL                                                                                      \
    "\"store_id\":3,\"product_id\":7,\"on_hand\":10,\"reserved\":2,\"available\":8,"               \
    "\"reorder_point\":5"

START_TEST(level_with_a_sale)
{
    ck_assert_int_eq(decode("stock.changed",
                            "{" LEVEL ",\"movement\":{\"type\":\"sale\",\"quantity\":-4,"
                            "\"created_at\":\"2026-11-20T10:00:00Z\"}}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->type, AL_FACT_LEVEL);
    ck_assert_int_eq(fact->u.level.store_id, 3);
    ck_assert_int_eq(fact->u.level.available, 8);
    ck_assert_int_eq(fact->u.level.reorder_point, 5);
    ck_assert_int_eq(fact->u.level.sold, 4);
    ck_assert_int_gt(fact->u.level.sale_ms, 0);
    ck_assert_int_eq(decode("stock.changed",
                            "{" LEVEL ",\"movement\":{\"type\":\"receipt\",\"quantity\":4}}", NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.level.sold, 0);
    ck_assert_int_eq(decode("stock.changed", "{" LEVEL ",\"movement\":null}", NULL), TM_OK);
}
END_TEST

START_TEST(level_refused)
{
    char field[64];

    ck_assert_int_eq(decode("stock.changed", "{\"store_id\":3}", field), TM_INVALID);
    ck_assert_str_eq(field, "product_id");
    ck_assert_int_eq(fact->type, AL_FACT_NONE);
    ck_assert_int_eq(decode("stock.changed",
                            "{" LEVEL ",\"movement\":{\"type\":\"sale\",\"quantity\":4,"
                            "\"created_at\":\"2026-11-20T10:00:00Z\"}}",
                            field),
                     TM_INVALID);
    ck_assert_str_eq(field, "quantity");
    ck_assert_int_eq(decode("stock.changed", "[]", field), TM_INVALID);
}
END_TEST

START_TEST(forecast_per_store)
{
    char field[64];

    ck_assert_int_eq(decode("forecast.updated",
                            "{\"product_id\":7,\"category_id\":null,\"mase\":1.5,\"model\":\"ets\","
                            "\"stores\":[{\"store_id\":3,\"daily_mean\":2.5,\"daily_upper\":6}]}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->type, AL_FACT_FORECAST);
    ck_assert_int_eq(fact->u.forecast.has_mase, 1);
    ck_assert_int_eq(fact->u.forecast.n_stores, 1);
    ck_assert(fact->u.forecast.stores[0].daily_upper == 6.0);
    ck_assert_int_eq(decode("forecast.updated", "{\"product_id\":7,\"mase\":null}", NULL), TM_OK);
    ck_assert_int_eq(fact->u.forecast.has_mase, 0);
    ck_assert_int_eq(decode("forecast.updated",
                            "{\"product_id\":7,\"stores\":[{\"store_id\":3,\"daily_mean\":-1,"
                            "\"daily_upper\":6}]}",
                            field),
                     TM_INVALID);
    ck_assert_str_eq(field, "daily_mean");
}
END_TEST

START_TEST(sale_waiting_for_review)
{
    ck_assert_int_eq(decode("txn.created",
                            "{\"id\":5,\"store_id\":3,\"status\":\"completed\",\"review\":null,"
                            "\"fraud\":{\"decision\":\"review\"},"
                            "\"created_at\":\"2026-11-20T10:00:00Z\"}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->type, AL_FACT_SALE);
    ck_assert_int_eq(fact->u.sale.waiting, 1);
    ck_assert_int_gt(fact->u.sale.since_ms, 0);
    ck_assert_int_eq(decode("txn.reviewed",
                            "{\"id\":5,\"store_id\":3,\"status\":\"completed\","
                            "\"review\":{\"label\":\"legit\"},\"fraud\":{\"decision\":\"review\"}}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.sale.waiting, 0);
    ck_assert_int_eq(decode("txn.created",
                            "{\"id\":6,\"store_id\":3,\"status\":\"completed\","
                            "\"fraud\":{\"decision\":\"approve\"}}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.sale.waiting, 0);
}
END_TEST

START_TEST(po_circuit_product_ledger)
{
    char field[64];

    ck_assert_int_eq(decode("purchase_order.sent",
                            "{\"purchase_order\":{\"id\":9,\"store_id\":3,\"supplier_id\":2,"
                            "\"status\":\"sent\",\"expected_delivery\":\"2026-11-20\"},"
                            "\"store_id\":3,\"incoming\":[]}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.po.open, 1);
    ck_assert_str_eq(fact->u.po.expected, "2026-11-20");
    ck_assert_int_gt(fact->u.po.expected_end_ms, 0);
    ck_assert_int_eq(decode("purchase_order.receipt",
                            "{\"purchase_order\":{\"id\":9,\"store_id\":3,\"supplier_id\":2,"
                            "\"status\":\"received\",\"expected_delivery\":null}}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.po.open, 0);
    ck_assert_int_eq(decode("supplier.api_circuit",
                            "{\"supplier_id\":2,\"from\":\"closed\",\"to\":\"open\"}", NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.circuit.open, 1);
    ck_assert_int_eq(decode("supplier.api_circuit", "{\"supplier_id\":2,\"to\":\"ajar\"}", field),
                     TM_INVALID);
    ck_assert_str_eq(field, "to");
    ck_assert_int_eq(decode("product.updated", "{\"id\":7,\"category_id\":4}", NULL), TM_OK);
    ck_assert_int_eq(fact->u.product.category_id, 4);
    ck_assert_int_eq(decode("stock.ledger_mismatch",
                            "{\"levels\":9,\"gaps\":[{\"store_id\":1,\"product_id\":2}]}", NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.ledger.n_gaps, 1);
    ck_assert_int_eq(decode("stock.low", "{\"whatever\":1}", NULL), TM_OK);
    ck_assert_int_eq(fact->type, AL_FACT_NONE);
}
END_TEST

Suite *
facts_suite(void)
{
    Suite *s = suite_create("facts");
    TCase *tc = tcase_create("decode");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, level_with_a_sale);
    tcase_add_test(tc, level_refused);
    tcase_add_test(tc, forecast_per_store);
    tcase_add_test(tc, sale_waiting_for_review);
    tcase_add_test(tc, po_circuit_product_ledger);
    suite_add_tcase(s, tc);
    return s;
}
