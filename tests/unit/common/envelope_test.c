/* tests/unit/common/envelope_test.c — request and reply envelopes survive a
 * round trip byte for byte, and malformed ones are refused. */
#include <stdio.h>
#include <string.h>

#include "common/envelope.h"

#include "tests/unit/common/suites.h"

START_TEST(test_request_round_trip)
{
    struct tm_request in, out;
    struct tm_buf b;
    struct tm_err e;
    const char *body = "{\"name\":\"a\\\"b\\n\"}";

    memset(&in, 0, sizeof in);
    snprintf(in.id, sizeof in.id, "%s", "rid-1");
    snprintf(in.method, sizeof in.method, "%s", "POST");
    snprintf(in.route, sizeof in.route, "%s", "/api/v1/products/{id}");
    snprintf(in.path, sizeof in.path, "%s", "/api/v1/products/7");
    in.params[0] = (struct tm_kv){"id", "7"};
    in.n_params = 1;
    in.query[0] = (struct tm_kv){"q", "a&b=c \"x\""};
    in.query[1] = (struct tm_kv){"limit", "5"};
    in.n_query = 2;
    snprintf(in.principal.kind, sizeof in.principal.kind, "%s", "user");
    snprintf(in.principal.id, sizeof in.principal.id, "%s", "u1");
    snprintf(in.principal.role, sizeof in.principal.role, "%s", "admin");
    snprintf(in.principal.stores, sizeof in.principal.stores, "%s", "3,11");
    snprintf(in.principal.token_id, sizeof in.principal.token_id, "%s", "abc123");
    in.principal.token_exp = 1795000900;
    snprintf(in.principal.session_id, sizeof in.principal.session_id, "%s", "5e55");
    in.deadline_ms = 1790000000123;
    snprintf(in.accept, sizeof in.accept, "%s", "text/csv");
    in.body = body;
    in.body_len = strlen(body);
    tm_buf_init(&b, 65536);
    ck_assert_int_eq(tm_request_encode(&in, &b, &e), TM_OK);
    ck_assert_int_eq(tm_request_decode(b.p, b.len, &out, &e), TM_OK);
    ck_assert_str_eq(out.id, "rid-1");
    ck_assert_str_eq(out.method, "POST");
    ck_assert_str_eq(out.route, "/api/v1/products/{id}");
    ck_assert_str_eq(out.path, "/api/v1/products/7");
    ck_assert_str_eq(tm_request_param(&out, "id"), "7");
    ck_assert_ptr_null(tm_request_param(&out, "nope"));
    ck_assert_str_eq(tm_request_query(&out, "q"), "a&b=c \"x\"");
    ck_assert_str_eq(tm_request_query(&out, "limit"), "5");
    ck_assert_str_eq(out.principal.role, "admin");
    ck_assert_str_eq(out.principal.stores, "3,11");
    ck_assert_str_eq(out.principal.token_id, "abc123");
    ck_assert_int_eq(out.principal.token_exp, 1795000900);
    ck_assert_str_eq(out.principal.session_id, "5e55");
    ck_assert_int_eq(out.deadline_ms, 1790000000123);
    ck_assert_str_eq(out.accept, "text/csv");
    ck_assert_uint_eq(out.body_len, strlen(body));
    ck_assert(memcmp(out.body, body, out.body_len) == 0);
    tm_request_fini(&out);
    tm_request_fini(&out);
    tm_buf_fini(&b);
}
END_TEST

static const char *const bad_envelopes[] = {
    "no newline at all",
    "{\"v\":1}\n",                                                  /* no id/method/route */
    "{\"v\":2,\"id\":\"r\",\"method\":\"GET\",\"route\":\"/x\"}\n", /* version */
    "[1]\n",
    "{\"v\":1,\"id\":\"r\",\"method\":\"GET\",\"route\":\"/x\",\"query\":{\"a\":1}}\n",
    "{\"v\":1,\"id\":\"r\",\"method\":\"TOOLONGMETHOD\",\"route\":\"/x\"}\n",
};

START_TEST(test_request_decode_refuses_malformed)
{
    struct tm_request r;
    struct tm_err e;
    const char *m = bad_envelopes[_i];

    ck_assert_int_eq(tm_request_decode(m, strlen(m), &r, &e), TM_INVALID);
    ck_assert_ptr_null(r.hdr);
}
END_TEST

START_TEST(test_reply_round_trip_and_error_body)
{
    struct tm_reply rep;
    struct tm_buf b;
    struct tm_err e;
    struct tm_reply_view v;

    tm_reply_init(&rep);
    tm_buf_init(&b, 4096);
    tm_err_set(&e, TM_CONFLICT, "sku", "a product with this sku exists");
    tm_reply_error(&rep, &e, "r1");
    ck_assert_int_eq(rep.status, 409);
    ck_assert_str_eq(rep.body.p, "{\"error\":{\"code\":\"conflict\",\"message\":\"a product with "
                                 "this sku exists\",\"field\":\"sku\"}}");
    snprintf(rep.target, sizeof rep.target, "sku:\"X\"");
    rep.retry_after_s = 7;
    ck_assert_int_eq(tm_reply_encode(&rep, &b), TM_OK);
    ck_assert_int_eq(tm_reply_decode(b.p, b.len, &v, &e), TM_OK);
    ck_assert_int_eq(v.status, 409);
    ck_assert_int_eq(v.retry_after_s, 7);
    ck_assert_str_eq(v.target, "sku:\"X\"");
    ck_assert_uint_eq(v.body_len, rep.body.len);
    ck_assert(memcmp(v.body, rep.body.p, v.body_len) == 0);
    /* 5xx: the detail stays in logs, the client sees a generic message */
    tm_err_set(&e, TM_INTERNAL, NULL, "secret detail");
    tm_reply_error(&rep, &e, "r2");
    ck_assert_int_eq(rep.status, 500);
    ck_assert_ptr_null(strstr(rep.body.p, "secret"));
    ck_assert_ptr_nonnull(strstr(rep.body.p, "r2"));
    ck_assert_ptr_nonnull(strstr(rep.body.p, "\"field\":null"));
    tm_reply_fini(&rep);
    tm_buf_fini(&b);
    ck_assert_int_eq(tm_reply_decode("{\"status\":99}\n", 14, &v, &e), TM_INVALID);
}
END_TEST

/* A non-JSON body's media type and the next page's cursor travel in the
 * reply header; what would break a header line is refused. */
START_TEST(test_reply_type_and_cursor)
{
    static const char *const bad[] = {
        "{\"status\":200,\"type\":\"text/csv\\r\\nSet-Cookie: x=1\"}\n",
        "{\"status\":200,\"cursor\":\"i1\\r\\nX: y\"}\n",
        "{\"status\":200,\"type\":\"\"}\n",
        "{\"status\":200,\"more\":\"1.20\\r\\nX: y\"}\n",
        "{\"status\":200,\"more\":\"\"}\n",
        "{\"status\":200,\"more\":\"0123456789012345678901234567890123\"}\n",
    };
    struct tm_reply rep;
    struct tm_buf b;
    struct tm_err e;
    struct tm_reply_view v;

    tm_reply_init(&rep);
    tm_buf_init(&b, 4096);
    ck_assert_int_eq(tm_buf_adds(&rep.body, "id,at\r\n1,x\r\n"), TM_OK);
    snprintf(rep.content_type, sizeof rep.content_type, "text/csv; charset=utf-8");
    snprintf(rep.next_cursor, sizeof rep.next_cursor, "i42");
    ck_assert_int_eq(tm_reply_encode(&rep, &b), TM_OK);
    ck_assert_int_eq(tm_reply_decode(b.p, b.len, &v, &e), TM_OK);
    ck_assert_str_eq(v.content_type, "text/csv; charset=utf-8");
    ck_assert_str_eq(v.next_cursor, "i42");
    ck_assert_str_eq(v.more, "");
    tm_buf_reset(&b);
    /* a streamed answer's page names its continuation; an error drops it */
    snprintf(rep.more, sizeof rep.more, "3.2026110108");
    ck_assert_int_eq(tm_reply_encode(&rep, &b), TM_OK);
    ck_assert_int_eq(tm_reply_decode(b.p, b.len, &v, &e), TM_OK);
    ck_assert_str_eq(v.more, "3.2026110108");
    tm_buf_reset(&b);
    e.code = TM_INVALID;
    snprintf(e.field, sizeof e.field, "to");
    snprintf(e.message, sizeof e.message, "no");
    tm_reply_error(&rep, &e, "rid");
    ck_assert_str_eq(rep.more, "");
    tm_reply_fini(&rep);
    tm_reply_init(&rep);
    ck_assert_int_eq(tm_reply_encode(&rep, &b), TM_OK);
    ck_assert_ptr_null(strstr(b.p, "type"));
    ck_assert_int_eq(tm_reply_decode(b.p, b.len, &v, &e), TM_OK);
    ck_assert_str_eq(v.content_type, "");
    ck_assert_str_eq(v.next_cursor, "");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(tm_reply_decode(bad[i], strlen(bad[i]), &v, &e), TM_INVALID);
    tm_reply_fini(&rep);
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_rid_valid)
{
    ck_assert(tm_rid_valid("abc-123_X.y"));
    ck_assert(!tm_rid_valid(""));
    ck_assert(!tm_rid_valid("has space"));
    ck_assert(!tm_rid_valid("quote\""));
    ck_assert(
        !tm_rid_valid("0123456789012345678901234567890123456789012345678901234567890123456789"));
}
END_TEST

/* A streamed answer's continuation must strictly increase as a tuple of
 * numbers: a repeat, a step back (A->B->A) or garbage is refused. */
static const struct {
    const char *prev, *next;
    int want;
} follows[] = {
    {"", "1.2026110100", 1},
    {"1.2026110100", "1.2026110101", 1},
    {"1.2026110123", "2.2026110100", 1},
    {"9.2026110100", "10.2026010100", 1}, /* numbers, not text: 10 > 9 */
    {"1.5", "1.5.0", 1},                  /* a longer tuple after its prefix */
    {"1.2026110100", "1.2026110100", 0},  /* repeated */
    {"1.2026110101", "1.2026110100", 0},  /* back */
    {"2.2026110100", "1.2026110199", 0},
    {"10.1", "9.1", 0},
    {"1.5.0", "1.5", 0},
    {"", "", 0},
    {"", "a.1", 0},
    {"", "01.1", 0}, /* a leading zero */
    {"", "1..2", 0},
    {"", "1.", 0},
    {"", "1234567890123456789.1", 0}, /* over 18 digits */
    {"x", "1.1", 0},
};

START_TEST(test_more_follows)
{
    ck_assert_msg(tm_more_follows(follows[_i].prev, follows[_i].next) == follows[_i].want,
                  "%s -> %s", follows[_i].prev, follows[_i].next);
}
END_TEST

Suite *
envelope_suite(void)
{
    Suite *s = suite_create("envelope");
    TCase *tc = tcase_create("envelope");

    tcase_add_test(tc, test_request_round_trip);
    tcase_add_loop_test(tc, test_request_decode_refuses_malformed, 0,
                        (int)(sizeof bad_envelopes / sizeof bad_envelopes[0]));
    tcase_add_test(tc, test_reply_round_trip_and_error_body);
    tcase_add_test(tc, test_reply_type_and_cursor);
    tcase_add_test(tc, test_rid_valid);
    tcase_add_loop_test(tc, test_more_follows, 0, (int)(sizeof follows / sizeof follows[0]));
    suite_add_tcase(s, tc);
    return s;
}
