/* tests/unit/txn/body_test.c — the operator a sale and a void name
 * (services/txn/decode.c): [A-Za-z0-9._-]{1,64}, optional; a void body is
 * optional, and what it may hold is bounded like a sale's. */
#include <string.h>

#include <check.h>

#include "common/json.h"

#include "services/txn/attempts.h"
#include "services/txn/decode.h"

Suite *body_suite(void);

#define SALE_HEAD                                                                                  \
    "{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1}],"              \
    "\"channel\":\"pos\",\"payment_method\":\"card\""

static enum tm_code
sale(const char *doc, struct tx_sale *s, struct tm_err *err)
{
    cJSON *j;
    enum tm_code rc;

    ck_assert_int_eq(tm_json_parse(doc, strlen(doc), 8, "body", &j, err), TM_OK);
    rc = tx_decode_sale(j, s, err);
    cJSON_Delete(j);
    return rc;
}

static enum tm_code
void_body(const char *doc, struct tx_void *v, struct tm_err *err)
{
    cJSON *j = NULL;
    enum tm_code rc;

    if (doc)
        ck_assert_int_eq(tm_json_parse(doc, strlen(doc), 8, "body", &j, err), TM_OK);
    rc = tx_decode_void(j, v, err);
    cJSON_Delete(j);
    return rc;
}

START_TEST(test_sale_operator)
{
    static const char *const bad[] = {
        SALE_HEAD ",\"operator\":\"\"}",
        SALE_HEAD ",\"operator\":\"ann smith\"}",
        SALE_HEAD ",\"operator\":\"caf\\u00e9\"}",
        SALE_HEAD ",\"operator\":7}",
        SALE_HEAD ",\"operator\":\"a;b\"}",
        SALE_HEAD
        ",\"operator\":\"12345678901234567890123456789012345678901234567890123456789012345"
        "\"}", /* 65 */
    };
    struct tx_sale s;
    struct tm_err err;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sale(bad[i], &s, &err), TM_INVALID);
        ck_assert_msg(strcmp(err.field, "operator") == 0, "case %zu: %s", i, err.field);
    }
    ck_assert_int_eq(sale(SALE_HEAD "}", &s, &err), TM_OK);
    ck_assert_str_eq(s.operator_id, "");
    ck_assert_int_eq(sale(SALE_HEAD ",\"operator\":\"Till-3_mgr.A\"}", &s, &err), TM_OK);
    ck_assert_str_eq(s.operator_id, "Till-3_mgr.A");
    ck_assert_int_eq(
        sale(SALE_HEAD
             ",\"operator\":\"1234567890123456789012345678901234567890123456789012345678901234"
             "\"}",
             &s, &err),
        TM_OK); /* 64 */
}
END_TEST

START_TEST(test_void_body)
{
    struct tx_void v;
    struct tm_err err;

    ck_assert_int_eq(void_body(NULL, &v, &err), TM_OK);
    ck_assert(v.reason[0] == '\0' && v.operator_id[0] == '\0');
    ck_assert_int_eq(void_body("{\"reason\":\"changed mind\",\"operator\":\"c-7\"}", &v, &err),
                     TM_OK);
    ck_assert_str_eq(v.reason, "changed mind");
    ck_assert_str_eq(v.operator_id, "c-7");
    ck_assert_int_eq(void_body("{\"operator\":\"c 7\"}", &v, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "operator");
    ck_assert_int_eq(void_body("{\"reason\":\"\"}", &v, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "reason");
    ck_assert_int_eq(void_body("{\"refund\":true}", &v, &err), TM_INVALID);
    ck_assert_int_eq(void_body("[1]", &v, &err), TM_INVALID);
    ck_assert(v.override == 0);
    /* an override is explicit and says why (review 23b M2) */
    ck_assert_int_eq(void_body("{\"override\":true,\"reason\":\"customer returned it\"}", &v, &err),
                     TM_OK);
    ck_assert(v.override == 1);
    ck_assert_int_eq(void_body("{\"override\":true}", &v, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "reason");
    ck_assert_int_eq(void_body("{\"override\":1,\"reason\":\"x\"}", &v, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "override");
    ck_assert_int_eq(void_body("{\"override\":false}", &v, &err), TM_OK);
    ck_assert(v.override == 0);
}
END_TEST

/* an attempt as the Redis lists keep it, and what is not one */
START_TEST(test_attempt_text)
{
    struct fr_attempt a;

    ck_assert(tx_attempt_parse("1764237600:1137995:12:1:0", &a));
    ck_assert(a.ts_s == 1764237600 && a.total_cents == 1137995 && a.store_id == 12 &&
              a.channel == FR_CH_ONLINE && a.declined == 0);
    ck_assert(tx_attempt_parse("5:100:3:2:1", &a) && a.declined == 1 && a.channel == FR_CH_MOBILE);
    ck_assert(!tx_attempt_parse("5:100:3:3:1", &a)); /* no such channel */
    ck_assert(!tx_attempt_parse("5:100:3:0:2", &a));
    ck_assert(!tx_attempt_parse("5:100:3:0", &a));
    ck_assert(!tx_attempt_parse("5:100:3:0:1x", &a));
    ck_assert(!tx_attempt_parse(NULL, &a));
}
END_TEST

Suite *
body_suite(void)
{
    Suite *s = suite_create("txn.body");
    TCase *tc = tcase_create("operator");

    tcase_add_test(tc, test_sale_operator);
    tcase_add_test(tc, test_void_body);
    tcase_add_test(tc, test_attempt_text);
    suite_add_tcase(s, tc);
    return s;
}
