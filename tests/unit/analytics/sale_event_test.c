/* tests/unit/analytics/sale_event_test.c — tm-txn's Transaction as
 * tm-analytics reads it from the sales events: a sale with its lines, an
 * anonymous one, a voided and a reviewed one, and documents it must refuse,
 * naming the field. */
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "services/analytics/sale_event.h"
#include "tests/unit/analytics/suites.h"

/* A Transaction as tm-txn's TX_JSON renders it (services/txn/txn_store.c). */
#define SALE                                                                                       \
    "{\"id\":41,\"store_id\":3,\"customer_id\":17,\"channel\":\"pos\",\"payment_method\":"         \
    "\"card\",\"instrument\":null,\"occurred_at\":\"2026-11-20T23:30:00.000Z\",\"status\":"        \
    "\"completed\",\"total\":12.5,\"total_cents\":1250,\"units\":3,\"lines\":[{\"line\":0,"        \
    "\"product_id\":500,\"quantity\":2,\"unit_price\":5.0,\"unit_price_cents\":500,"               \
    "\"amount_cents\":1000},{\"line\":1,\"product_id\":9,\"quantity\":1,\"unit_price\":2.5,"       \
    "\"unit_price_cents\":250,\"amount_cents\":250}],\"fraud\":{\"rule_set_version\":1,"           \
    "\"score\":35,\"decision\":\"review\",\"rules\":[],\"not_evaluated\":[]},\"review\":null,"     \
    "\"voided_at\":null,\"void_reason\":null,\"created_at\":\"2026-11-20T23:30:00.120Z\"}"

static enum tm_code
decode(const char *json, struct an_sale *s, struct tm_err *err)
{
    cJSON *data = cJSON_Parse(json);
    enum tm_code rc;

    ck_assert_ptr_nonnull(data);
    rc = an_sale_decode(data, s, err);
    cJSON_Delete(data);
    return rc;
}

/* SALE with the text `from` replaced by `to` (once). */
static const char *
with(const char *from, const char *to)
{
    static char out[4096];
    const char *at = strstr(SALE, from);

    ck_assert_ptr_nonnull(at);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - SALE), SALE, to, at + strlen(from));
    return out;
}

START_TEST(test_sale_with_lines)
{
    static struct an_sale s;
    struct tm_err err;

    ck_assert_int_eq(decode(SALE, &s, &err), TM_OK);
    ck_assert_int_eq(s.id, 41);
    ck_assert_int_eq(s.store_id, 3);
    ck_assert_int_eq(s.customer_id, 17);
    ck_assert_str_eq(s.occurred_at, "2026-11-20T23:30:00.000Z");
    ck_assert_str_eq(s.voided_at, "");
    ck_assert_int_eq(s.status, AN_SALE_COMPLETED);
    ck_assert_int_eq(s.decision, AN_DECISION_REVIEW);
    ck_assert_int_eq(s.review, AN_REVIEW_NONE);
    ck_assert_int_eq(s.total_cents, 1250);
    ck_assert_int_eq(s.units, 3);
    ck_assert_int_eq(s.n_lines, 2);
    ck_assert_int_eq(s.lines[0].line, 0);
    ck_assert_int_eq(s.lines[0].product_id, 500);
    ck_assert_int_eq(s.lines[0].quantity, 2);
    ck_assert_int_eq(s.lines[0].amount_cents, 1000);
    ck_assert_int_eq(s.lines[1].product_id, 9);
    ck_assert_int_eq(s.lines[1].amount_cents, 250);
    ck_assert_str_eq(an_sale_status_name(s.status), "completed");
    ck_assert_str_eq(an_sale_decision_name(s.decision), "review");
    ck_assert_ptr_null(an_sale_review_name(s.review));
}
END_TEST

START_TEST(test_anonymous_voided_reviewed_declined)
{
    static struct an_sale s;
    struct tm_err err;

    ck_assert_int_eq(decode(with("\"customer_id\":17", "\"customer_id\":null"), &s, &err), TM_OK);
    ck_assert_int_eq(s.customer_id, 0);
    ck_assert_int_eq(decode(with("\"status\":\"completed\",", "\"status\":\"voided\","), &s, &err),
                     TM_INVALID);
    ck_assert_str_eq(err.field, "voided_at");
    ck_assert_int_eq(
        decode(with("\"voided_at\":null",
                    "\"voided_at\":\"2026-11-21T08:00:00.000Z\",\"status2\":\"voided\""),
               &s, &err),
        TM_OK);
    ck_assert_str_eq(s.voided_at, "2026-11-21T08:00:00.000Z");
    ck_assert_int_eq(decode(with("\"review\":null",
                                 "\"review\":{\"label\":\"fraud\",\"note\":\"\",\"reviewed_by\":"
                                 "\"user:3\",\"reviewed_at\":\"2026-11-21T08:00:00.000Z\"}"),
                            &s, &err),
                     TM_OK);
    ck_assert_int_eq(s.review, AN_REVIEW_FRAUD);
    ck_assert_str_eq(an_sale_review_name(s.review), "fraud");
    ck_assert_int_eq(decode(with("\"status\":\"completed\"", "\"status\":\"declined\""), &s, &err),
                     TM_OK);
    ck_assert_int_eq(s.status, AN_SALE_DECLINED);
    /* json_agg of no lines is null */
    ck_assert_int_eq(decode(with("\"lines\":[", "\"lines\":null,\"x\":["), &s, &err), TM_OK);
    ck_assert_int_eq(s.n_lines, 0);
}
END_TEST

static const struct {
    const char *from, *to, *field;
} refused[] = {
    {"\"id\":41", "\"id\":0", "id"},
    {"\"id\":41", "\"id\":\"41\"", "id"},
    {"\"store_id\":3", "\"store_id\":-3", "store_id"},
    {"\"customer_id\":17", "\"customer_id\":1.5", "customer_id"},
    {"\"occurred_at\":\"2026-11-20T23:30:00.000Z\"", "\"occurred_at\":\"2026-11-20 23:30\"",
     "occurred_at"},
    {"\"occurred_at\":\"2026-11-20T23:30:00.000Z\"", "\"occurred_at\":\"2026-11-20T23:30:00\"",
     "occurred_at"},
    {"\"status\":\"completed\"", "\"status\":\"done\"", "status"},
    {"\"total_cents\":1250", "\"total_cents\":-1", "total_cents"},
    {"\"total_cents\":1250", "\"total_cents\":1e300", "total_cents"},
    {"\"units\":3", "\"units\":null", "units"},
    {"\"decision\":\"review\"", "\"decision\":\"maybe\"", "fraud.decision"},
    {"\"fraud\":{", "\"fraud\":7,\"x\":{", "fraud"},
    {"\"review\":null", "\"review\":{\"label\":\"unsure\"}", "review.label"},
    {"\"review\":null", "\"review\":\"fraud\"", "review.label"},
    {"\"voided_at\":null", "\"voided_at\":\"yesterday\"", "voided_at"},
    {"\"lines\":[", "\"lines\":\"x\",\"y\":[", "lines"},
    {"\"line\":0,", "", "lines[0].line"},
    {"\"line\":1,", "\"line\":0,", "lines"},
    {"\"product_id\":500", "\"product_id\":0", "lines[0].product_id"},
    {"\"quantity\":2", "\"quantity\":0", "lines[0].quantity"},
    {"\"quantity\":1", "\"quantity\":100001", "lines[1].quantity"},
    {"\"amount_cents\":250", "\"amount_cents\":-250", "lines[1].amount_cents"},
};

START_TEST(test_refused_naming_the_field)
{
    static struct an_sale s;
    struct tm_err err;
    const char *json = with(refused[_i].from, refused[_i].to);

    ck_assert_msg(decode(json, &s, &err) == TM_INVALID, "accepted: %s", json);
    ck_assert_str_eq(err.field, refused[_i].field);
}
END_TEST

START_TEST(test_bounds_of_lines)
{
    static struct an_sale s;
    static char json[40000];
    struct tm_err err;
    size_t n = 0;

    /* exactly AN_SALE_LINES_MAX lines pass, one more is refused */
    for (int extra = 0; extra < 2; extra++) {
        n = (size_t)snprintf(json, sizeof json,
                             "{\"id\":1,\"store_id\":1,\"occurred_at\":\"2026-11-20T10:00:00Z\","
                             "\"status\":\"completed\",\"total_cents\":1,\"units\":1,"
                             "\"fraud\":{\"decision\":\"approve\"},\"lines\":[");
        for (int i = 0; i < AN_SALE_LINES_MAX + extra; i++)
            n += (size_t)snprintf(json + n, sizeof json - n,
                                  "%s{\"line\":%d,\"product_id\":%d,\"quantity\":1,"
                                  "\"amount_cents\":1}",
                                  i ? "," : "", i, i + 1);
        snprintf(json + n, sizeof json - n, "]}");
        if (extra == 0) {
            ck_assert_int_eq(decode(json, &s, &err), TM_OK);
            ck_assert_int_eq(s.n_lines, AN_SALE_LINES_MAX);
            ck_assert_int_eq(s.lines[AN_SALE_LINES_MAX - 1].product_id, AN_SALE_LINES_MAX);
        } else {
            ck_assert_int_eq(decode(json, &s, &err), TM_INVALID);
            ck_assert_str_eq(err.field, "lines");
        }
    }
    ck_assert_int_eq(decode("[1,2]", &s, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "data");
}
END_TEST

Suite *
sale_event_suite(void)
{
    Suite *s = suite_create("sale_event");
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, test_sale_with_lines);
    tcase_add_test(tc, test_anonymous_voided_reviewed_declined);
    tcase_add_loop_test(tc, test_refused_naming_the_field, 0,
                        (int)(sizeof refused / sizeof refused[0]));
    tcase_add_test(tc, test_bounds_of_lines);
    suite_add_tcase(s, tc);
    return s;
}
