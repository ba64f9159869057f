/* tests/unit/supplier/decode_test.c — tm-supplier's body decoders: dates
 * and each refusal naming its field. */
#include <string.h>

#include "common/json.h"

#include "services/supplier/decode.h"
#include "tests/unit/supplier/suites.h"

START_TEST(test_dates)
{
    int64_t d = -1;

    ck_assert_int_eq(sup_date_days("1970-01-01", &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(sup_date_days("2024-02-29", &d), 0);
    ck_assert_int_eq(d, 19782);
    ck_assert_int_eq(sup_date_days("2023-02-29", &d), -1);
    ck_assert_int_eq(sup_date_days("2026-13-01", &d), -1);
    ck_assert_int_eq(sup_date_days("2026-1-01", &d), -1);
    ck_assert_int_eq(sup_date_days("2026-01-01T00:00:00Z", &d), -1);
}
END_TEST

/* The field the offer decoder names for json, or "ok" when it accepts it. */
static const char *
offer_field(const char *json, int create)
{
    static struct tm_err err;
    struct sup_offer_in o;
    cJSON *body = NULL;
    enum tm_code rc;

    memset(&err, 0, sizeof err);
    ck_assert_int_eq(tm_json_parse_object(json, strlen(json), "body", &body, NULL), TM_OK);
    rc = sup_decode_offer(body, create, &o, &err);
    cJSON_Delete(body);
    return rc == TM_OK ? "ok" : err.field;
}

START_TEST(test_offer_refusals_name_the_field)
{
#define B1 "{\"min_quantity\":1,\"unit_price_cents\":100}"
    ck_assert_str_eq(offer_field("{\"product_id\":1,\"lead_time_days\":2,\"price_breaks\":[" B1
                                 ",{\"min_quantity\":10,\"unit_price_cents\":90}]}",
                                 1),
                     "ok");
    ck_assert_str_eq(offer_field("{\"lead_time_days\":2,\"price_breaks\":[" B1 "]}", 1),
                     "product_id");
    ck_assert_str_eq(offer_field("{\"product_id\":1,\"lead_time_days\":2}", 1), "price_breaks");
    ck_assert_str_eq(
        offer_field("{\"product_id\":1,\"lead_time_days\":2,\"price_breaks\":[" B1 "," B1 "]}", 1),
        "price_breaks[1].min_quantity");
    ck_assert_str_eq(offer_field("{\"pack_size\":0}", 0), "pack_size");
    ck_assert_str_eq(offer_field("{\"moq\":1.5}", 0), "moq");
    ck_assert_str_eq(offer_field("{\"product_id\":1}", 0), "product_id");
    ck_assert_str_eq(offer_field("{\"valid_from\":\"2026-03-01\",\"valid_to\":\"2026-02-28\"}", 0),
                     "valid_to");
    /* both bounds are inclusive: a one-day offer is an offer */
    ck_assert_str_eq(offer_field("{\"valid_from\":\"2026-03-01\",\"valid_to\":\"2026-03-01\"}", 0),
                     "ok");
    ck_assert_str_eq(offer_field("{\"moq\":3}", 0), "ok");
    /* a change that names nothing changes nothing: refused, no event */
    ck_assert_str_eq(offer_field("{}", 0), "body");
    /* null clears an optional date: a change */
    ck_assert_str_eq(offer_field("{\"valid_to\":null}", 0), "ok");
#undef B1
}
END_TEST

START_TEST(test_supplier_refusals_name_the_field)
{
    static const struct {
        const char *json, *field;
    } cases[] = {
        {"{\"code\":\"A1\",\"name\":\"n\",\"currency\":\"usd\"}", "currency"},
        {"{\"code\":\"A1\",\"name\":\"n\"}", "currency"},
        {"{\"code\":\".A\",\"name\":\"n\",\"currency\":\"USD\"}", "code"},
        {"{\"code\":\"A1\",\"name\":\"n\",\"currency\":\"USD\",\"x\":1}", "x"},
        {"{\"code\":\"A1\",\"name\":\"n\",\"currency\":\"USD\",\"preferred\":1}", "preferred"},
        {"{\"code\":\"A1\",\"name\":\"n\",\"currency\":\"USD\",\"api_url\":\"https://x.example\"}",
         "api_url"},
    };
    struct sup_supplier_in s;
    struct tm_err err;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *body = NULL;
        ck_assert_int_eq(
            tm_json_parse_object(cases[i].json, strlen(cases[i].json), "body", &body, NULL), TM_OK);
        ck_assert_int_eq(sup_decode_supplier(body, 1, "127.0.0.1", &s, &err), TM_INVALID);
        ck_assert_str_eq(err.field, cases[i].field);
        cJSON_Delete(body);
    }
    {
        cJSON *body = NULL;
        ck_assert_int_eq(tm_json_parse_object("{}", 2, "body", &body, NULL), TM_OK);
        ck_assert_int_eq(sup_decode_supplier(body, 0, "127.0.0.1", &s, &err), TM_INVALID);
        ck_assert_str_eq(err.field, "body");
        cJSON_Delete(body);
        /* null clears api_url, api_key and contact (and only in a change) */
        ck_assert_int_eq(
            tm_json_parse_object("{\"api_url\":null,\"api_key\":null}", 31, "body", &body, NULL),
            TM_OK);
        ck_assert_int_eq(sup_decode_supplier(body, 0, "127.0.0.1", &s, &err), TM_OK);
        ck_assert_uint_eq(s.clear, SUP_S_API_URL | SUP_S_API_KEY);
        ck_assert_uint_eq(s.set, 0);
        cJSON_Delete(body);
    }
}
END_TEST

Suite *
decode_suite(void)
{
    Suite *s = suite_create("supplier.decode");
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, test_dates);
    tcase_add_test(tc, test_offer_refusals_name_the_field);
    tcase_add_test(tc, test_supplier_refusals_name_the_field);
    suite_add_tcase(s, tc);
    return s;
}
