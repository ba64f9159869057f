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

START_TEST(sale_time_not_ahead_of_the_clock)
{
    const int64_t now = 1790000000000LL;

    ck_assert_int_eq(al_fact_sale_time(0, now), 0);
    ck_assert_int_eq(al_fact_sale_time(now - 86400000LL, now), now - 86400000LL);
    ck_assert_int_eq(al_fact_sale_time(now + AL_FACT_SALE_AHEAD_MS, now),
                     now + AL_FACT_SALE_AHEAD_MS); /* a clock a little ahead */
    ck_assert_int_eq(al_fact_sale_time(now + AL_FACT_SALE_AHEAD_MS + 1, now), now);
    ck_assert_int_eq(al_fact_sale_time(now + 50 * 365 * 86400000LL, now), now); /* year 2076 */
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
    ck_assert_int_eq(fact->u.forecast.has_stores, 1);
    ck_assert_int_eq(fact->u.forecast.n_stores, 1);
    ck_assert(fact->u.forecast.stores[0].daily_upper == 6.0);
    ck_assert_int_eq(decode("forecast.updated", "{\"product_id\":7,\"mase\":null}", NULL), TM_OK);
    ck_assert_int_eq(fact->u.forecast.has_mase, 0);
    ck_assert_int_eq(fact->u.forecast.has_stores, 0); /* no figures: the levels keep theirs */
    ck_assert_int_eq(decode("forecast.updated", "{\"product_id\":7,\"stores\":[]}", NULL), TM_OK);
    ck_assert_int_eq(fact->u.forecast.has_stores, 1); /* figures for no store: none keeps any */
    ck_assert_int_eq(fact->u.forecast.n_stores, 0);
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
    ck_assert_str_eq(fact->u.circuit.instance, "");
    ck_assert_int_eq(decode("supplier.api_circuit",
                            "{\"supplier_id\":2,\"from\":\"open\",\"to\":\"half_open\","
                            "\"instance\":\"supplier-2\"}",
                            NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.circuit.open, 1); /* on trial: not back yet */
    ck_assert_str_eq(fact->u.circuit.instance, "supplier-2");
    ck_assert_int_eq(decode("supplier.api_circuit",
                            "{\"supplier_id\":2,\"from\":\"half_open\",\"to\":\"closed\"}", NULL),
                     TM_OK);
    ck_assert_int_eq(fact->u.circuit.open, 0);
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

START_TEST(job_lists)
{
    struct al_fact_jobs *j = calloc(1, sizeof *j);
    struct tm_err err = {0};
    cJSON *doc = cJSON_Parse(
        "{\"items\":[{\"name\":\"forecast-refresh\",\"interval_s\":300,\"last_run\":{\"id\":4,"
        "\"outcome\":\"failed\",\"error\":\"db down\"},\"failed_in_a_row\":2},"
        "{\"name\":\"ledger-check\",\"interval_s\":0,\"last_run\":null,"
        "\"failed_in_a_row\":0}]}");

    ck_assert_int_eq(al_fact_jobs_decode(doc, j, &err), TM_OK);
    ck_assert_int_eq(j->n, 2);
    ck_assert_str_eq(j->jobs[0].name, "forecast-refresh");
    ck_assert_int_eq(j->jobs[0].failed_in_a_row, 2);
    ck_assert_str_eq(j->jobs[0].last_error, "db down");
    ck_assert_str_eq(j->jobs[1].last_error, "");
    cJSON_Delete(doc);
    doc = cJSON_Parse("{\"items\":[{\"name\":\"Bad Name\",\"failed_in_a_row\":0}]}");
    ck_assert_int_eq(al_fact_jobs_decode(doc, j, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "name");
    ck_assert_int_eq(j->n, 0);
    cJSON_Delete(doc);
    doc = cJSON_Parse("{\"items\":[{\"name\":\"evaluate\"}]}"); /* an older daemon */
    ck_assert_int_eq(al_fact_jobs_decode(doc, j, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "failed_in_a_row");
    cJSON_Delete(doc);
    free(j);
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
    tcase_add_test(tc, sale_time_not_ahead_of_the_clock);
    tcase_add_test(tc, forecast_per_store);
    tcase_add_test(tc, sale_waiting_for_review);
    tcase_add_test(tc, po_circuit_product_ledger);
    tcase_add_test(tc, job_lists);
    suite_add_tcase(s, tc);
    return s;
}
