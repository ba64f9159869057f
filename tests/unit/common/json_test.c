/* tests/unit/common/json_test.c — typed getters: each wrong input is refused
 * with TM_INVALID and the field named. */
#include <math.h>
#include <string.h>

#include "common/json.h"

#include "tests/unit/common/suites.h"

static cJSON *
parse(const char *text)
{
    cJSON *root = NULL;
    struct tm_err e;

    ck_assert_int_eq(tm_json_parse(text, strlen(text), TM_JSON_DEPTH_MAX, "body", &root, &e),
                     TM_OK);
    return root;
}

static const struct {
    const char *text;
    int ok;
} parse_cases[] = {
    {"{}", 1},   {" {\"a\":1} \n", 1},
    {"", 0},     {"{", 0},
    {"{} x", 0}, {"[1,2]", 1},
    {"nul", 0},  {"{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}", 0},
};

START_TEST(test_json_parse_accepts_and_refuses)
{
    cJSON *root = NULL;
    struct tm_err e;
    const char *t = parse_cases[_i].text;
    enum tm_code rc = tm_json_parse(t, strlen(t), TM_JSON_DEPTH_MAX, "body", &root, &e);

    ck_assert_int_eq(rc, parse_cases[_i].ok ? TM_OK : TM_INVALID);
    if (!parse_cases[_i].ok) {
        ck_assert_ptr_null(root);
        ck_assert_str_eq(e.field, "body");
    }
    cJSON_Delete(root);
}
END_TEST

START_TEST(test_json_str_checks_type_length_utf8)
{
    cJSON *o = parse("{\"s\":\"abc\",\"n\":5,\"bad\":\"\\u00ff\",\"long\":\"abcdefghij\"}");
    char out[8];
    struct tm_err e;

    ck_assert_int_eq(tm_json_str(o, "s", 1, 5, out, sizeof out, &e), TM_OK);
    ck_assert_str_eq(out, "abc");
    ck_assert_int_eq(tm_json_str(o, "n", 1, 5, out, sizeof out, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "n");
    ck_assert_int_eq(tm_json_str(o, "missing", 1, 5, out, sizeof out, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "missing");
    ck_assert_ptr_nonnull(strstr(e.message, "required"));
    ck_assert_int_eq(tm_json_str(o, "long", 1, 100, out, sizeof out, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "long");
    ck_assert_int_eq(tm_json_str(o, "s", 4, 5, out, sizeof out, &e), TM_INVALID);
    ck_assert_int_eq(tm_json_str(o, "bad", 0, 5, out, sizeof out, &e), TM_OK); /* U+00FF is valid */
    cJSON_Delete(o);
}
END_TEST

/* A NUL would cut the C string cJSON hands over ("probe-x\u0000zzz" stored
 * as "probe-x"): refused at parse time, naming the member. */
START_TEST(test_json_parse_refuses_nul_naming_the_member)
{
    static const char esc[] = "{\"id\":1,\"name\":\"probe-x\\u0000zzz\"}";
    static const char raw[] = "{\"name\":\"probe-x\0zzz\"}";
    static const char in_array[] = "{\"tags\":[\"ok\",\"x\\u0000\"]}";
    cJSON *root = NULL;
    struct tm_err e;

    ck_assert_int_eq(tm_json_parse(esc, sizeof esc - 1, TM_JSON_DEPTH_MAX, "body", &root, &e),
                     TM_INVALID);
    ck_assert_str_eq(e.field, "name");
    ck_assert_ptr_null(root);
    ck_assert_int_eq(tm_json_parse(raw, sizeof raw - 1, TM_JSON_DEPTH_MAX, "body", &root, &e),
                     TM_INVALID);
    ck_assert_str_eq(e.field, "name");
    ck_assert_int_eq(
        tm_json_parse(in_array, sizeof in_array - 1, TM_JSON_DEPTH_MAX, "body", &root, &e),
        TM_INVALID);
    ck_assert_str_eq(e.field, "tags");
    /* an escaped backslash before u0000 is text, not a NUL */
    root = parse("{\"name\":\"a\\\\u0000\"}");
    cJSON_Delete(root);
}
END_TEST

/* Control characters other than tab and newline (terminal escapes, CR, DEL,
 * C1) are refused in text fields, naming the field. */
START_TEST(test_json_str_refuses_control_characters)
{
    cJSON *o = parse("{\"esc\":\"a\\u001b[31mred\",\"cr\":\"a\\rb\",\"del\":\"a\\u007f\","
                     "\"c1\":\"a\\u0085\",\"ok\":\"tab\\there\\nnext \\u00e9\"}");
    static const char *const bad[] = {"esc", "cr", "del", "c1"};
    char out[64];
    struct tm_err e;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(tm_json_str(o, bad[i], 0, 60, out, sizeof out, &e), TM_INVALID);
        ck_assert_str_eq(e.field, bad[i]);
        ck_assert_ptr_nonnull(strstr(e.message, "control"));
    }
    ck_assert_int_eq(tm_json_str(o, "ok", 0, 60, out, sizeof out, &e), TM_OK);
    ck_assert_str_eq(out, "tab\there\nnext \xc3\xa9");
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_json_i64_refuses_fractions_and_range)
{
    cJSON *o = parse("{\"i\":42,\"f\":1.5,\"s\":\"1\",\"big\":1e300,\"neg\":-3,\"b\":true}");
    int64_t v = 0;
    int b = 0;
    struct tm_err e;

    ck_assert_int_eq(tm_json_i64(o, "i", 0, 100, &v, &e), TM_OK);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(tm_json_i64(o, "f", 0, 100, &v, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "f");
    ck_assert_int_eq(tm_json_i64(o, "s", 0, 100, &v, &e), TM_INVALID);
    ck_assert_int_eq(tm_json_i64(o, "big", 0, INT64_MAX, &v, &e), TM_INVALID);
    ck_assert_int_eq(tm_json_i64(o, "neg", 0, 100, &v, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "neg");
    ck_assert_int_eq(tm_json_as_bool(cJSON_GetObjectItem(o, "b"), "b", &b, &e), TM_OK);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(tm_json_as_bool(cJSON_GetObjectItem(o, "i"), "i", &b, &e), TM_INVALID);
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_json_only_names_unknown_and_duplicate_fields)
{
    static const char *const allowed[] = {"a", "b"};
    cJSON *ok = parse("{\"a\":1,\"b\":2}"), *extra = parse("{\"a\":1,\"zzz\":2}"),
          *dup = parse("{\"a\":1,\"a\":2}");
    struct tm_err e;

    ck_assert_int_eq(tm_json_only(ok, allowed, 2, &e), TM_OK);
    ck_assert_int_eq(tm_json_only(extra, allowed, 2, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "zzz");
    ck_assert_int_eq(tm_json_only(dup, allowed, 2, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "a");
    cJSON_Delete(ok);
    cJSON_Delete(extra);
    cJSON_Delete(dup);
}
END_TEST

START_TEST(test_json_enum_and_time_members)
{
    static const char *const tiers[] = {"none", "gold", NULL};
    cJSON *o = cJSON_Parse("{\"tier\":\"gold\",\"bad\":\"platinum-plus-plus\",\"num\":3,"
                           "\"at\":\"2026-11-22T09:14:03Z\",\"day\":\"yesterday\"}");
    struct tm_time t;
    struct tm_err e;
    int i = -1;

    ck_assert_int_eq(tm_json_enum(o, "tier", tiers, &i, &e), TM_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(tm_json_enum(o, "bad", tiers, &i, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "bad");
    ck_assert_str_eq(e.message, "bad must be one of: none, gold");
    ck_assert_int_eq(tm_json_enum(o, "num", tiers, &i, &e), TM_INVALID);
    ck_assert_str_eq(e.message, "num must be one of: none, gold");
    ck_assert_int_eq(tm_json_enum(o, "missing", tiers, &i, &e), TM_INVALID);
    ck_assert_str_eq(e.message, "missing is required");
    ck_assert_int_eq(tm_json_as_time(tm_json_member(o, "at"), "at", &t, &e), TM_OK);
    ck_assert_int_eq(t.epoch_ms, 1795338843000LL);
    ck_assert_int_eq(tm_json_as_time(tm_json_member(o, "day"), "day", &t, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "day");
    ck_assert_int_eq(tm_json_as_time(tm_json_member(o, "num"), "num", &t, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "num");
    cJSON_Delete(o);
}
END_TEST

START_TEST(test_utf8_validator_against_known_sequences)
{
    ck_assert(tm_utf8_valid("plain", 5));
    ck_assert(tm_utf8_valid("\xc3\xa9", 2));         /* é */
    ck_assert(tm_utf8_valid("\xe2\x82\xac", 3));     /* € */
    ck_assert(tm_utf8_valid("\xf0\x9f\x98\x80", 4)); /* emoji */
    ck_assert(!tm_utf8_valid("\xc3", 1));            /* cut */
    ck_assert(!tm_utf8_valid("\xc0\xaf", 2));        /* overlong */
    ck_assert(!tm_utf8_valid("\xed\xa0\x80", 3));    /* surrogate */
    ck_assert(!tm_utf8_valid("\xff", 1));
    ck_assert(!tm_utf8_valid("a\0b", 3)); /* NUL */
}
END_TEST

START_TEST(test_json_quote_round_trips_through_cjson)
{
    static const char *const samples[] = {"plain",     "q\"uote",      "back\\slash",
                                          "new\nline", "tab\tctl\x01", "'; DROP TABLE x; --",
                                          "%s%n"};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        struct tm_buf b;
        cJSON *v;

        tm_buf_init(&b, 1024);
        ck_assert_int_eq(tm_json_quote(&b, samples[i]), TM_OK);
        v = cJSON_Parse(b.p);
        ck_assert_ptr_nonnull(v);
        ck_assert_str_eq(v->valuestring, samples[i]);
        cJSON_Delete(v);
        tm_buf_fini(&b);
    }
}
END_TEST

/* exact numbers: integers whole (never 1.138e+06), others the shortest
 * text that reads back as the same double */
START_TEST(test_json_kv_exact_round_trips)
{
    static const double vals[] = {1137995.0, 0.1,           2.0 / 3.0,         12.5, -3.0, 1e300,
                                  5e-324,    123456789.123, 9007199254740993.0};
    struct tm_buf b;

    tm_buf_init(&b, 256);
    ck_assert_int_eq(tm_json_kv_exact(&b, "observed", 1137995.0, 1), TM_OK);
    ck_assert_int_eq(tm_json_kv_exact(&b, "t", 0.1, 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_exact(&b, "z", -0.0, 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_exact(&b, "n", NAN, 0), TM_OK);
    ck_assert_str_eq(b.p, "\"observed\":1137995,\"t\":0.1,\"z\":0,\"n\":null");
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        cJSON *o;
        tm_buf_reset(&b);
        ck_assert_int_eq(tm_buf_adds(&b, "{"), TM_OK);
        ck_assert_int_eq(tm_json_kv_exact(&b, "v", vals[i], 1), TM_OK);
        ck_assert_int_eq(tm_buf_adds(&b, "}"), TM_OK);
        ck_assert_ptr_null(strstr(b.p, "e+0")); /* never the %g of a small integer */
        o = cJSON_Parse(b.p);
        ck_assert_ptr_nonnull(o);
        ck_assert_msg(cJSON_GetObjectItem(o, "v")->valuedouble == vals[i], "%s", b.p);
        cJSON_Delete(o);
    }
    tm_buf_fini(&b);
}
END_TEST

/* the writers' output for one object: members of every kind, parsed back */
START_TEST(test_json_writers_build_what_cjson_reads)
{
    struct tm_buf b;
    cJSON *o;

    tm_buf_init(&b, 1024);
    ck_assert_int_eq(tm_json_kv_str(&b, "name", "a \"b\"\n", 1), TM_OK);
    ck_assert_int_eq(tm_json_kv_opt_str(&b, "none", ""), TM_OK);
    ck_assert_int_eq(tm_json_kv_i64(&b, "n", -9007199254740993LL), TM_OK);
    ck_assert_int_eq(tm_json_kv_bool(&b, "yes", 1), TM_OK);
    ck_assert_int_eq(tm_json_kv_f64(&b, "x", 2.0 / 3.0, 4, 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_f64(&b, "nan", NAN, 4, 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_f64(&b, "inf", -INFINITY, 2, 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_json(&b, "doc", "{\"k\":[1,2]}"), TM_OK);
    ck_assert_int_eq(tm_json_kv_json(&b, "nothing", NULL), TM_OK);
    ck_assert_int_eq(tm_buf_adds(&b, "}"), TM_OK);
    ck_assert_str_eq(b.p, "\"name\":\"a \\\"b\\\"\\n\",\"none\":null,\"n\":-9007199254740993,"
                          "\"yes\":true,\"x\":0.6667,\"nan\":null,\"inf\":null,"
                          "\"doc\":{\"k\":[1,2]},\"nothing\":null}");
    tm_buf_reset(&b);
    ck_assert_int_eq(tm_buf_adds(&b, "{"), TM_OK);
    ck_assert_int_eq(tm_json_kv_f64(&b, "first", 0.5, 1, 1), TM_OK);
    ck_assert_int_eq(tm_json_kv_str(&b, "name", "a \"b\"\n", 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_f64(&b, "x", 1.25, 1, 0), TM_OK);
    ck_assert_int_eq(tm_json_kv_json(&b, "doc", "[true]"), TM_OK);
    ck_assert_int_eq(tm_buf_adds(&b, "}"), TM_OK);
    o = cJSON_Parse(b.p);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(cJSON_GetObjectItem(o, "name")->valuestring, "a \"b\"\n");
    ck_assert_double_eq_tol(cJSON_GetObjectItem(o, "first")->valuedouble, 0.5, 1e-9);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(o, "x")->valuedouble, 1.2, 1e-9); /* 1.25 -> 1.2 */
    ck_assert(cJSON_IsTrue(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "doc"), 0)));
    cJSON_Delete(o);
    tm_buf_fini(&b);

    /* a full buffer says so */
    tm_buf_init(&b, 8);
    ck_assert_int_eq(tm_json_kv_f64(&b, "longer_key", 1.5, 3, 0), TM_TOOBIG);
    ck_assert_int_eq(tm_json_kv_json(&b, "k", "[1,2,3,4,5,6,7]"), TM_TOOBIG);
    tm_buf_fini(&b);
}
END_TEST

Suite *
json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");

    tcase_add_loop_test(tc, test_json_parse_accepts_and_refuses, 0,
                        (int)(sizeof parse_cases / sizeof parse_cases[0]));
    tcase_add_test(tc, test_json_str_checks_type_length_utf8);
    tcase_add_test(tc, test_json_parse_refuses_nul_naming_the_member);
    tcase_add_test(tc, test_json_str_refuses_control_characters);
    tcase_add_test(tc, test_json_i64_refuses_fractions_and_range);
    tcase_add_test(tc, test_json_only_names_unknown_and_duplicate_fields);
    tcase_add_test(tc, test_json_enum_and_time_members);
    tcase_add_test(tc, test_utf8_validator_against_known_sequences);
    tcase_add_test(tc, test_json_quote_round_trips_through_cjson);
    tcase_add_test(tc, test_json_writers_build_what_cjson_reads);
    tcase_add_test(tc, test_json_kv_exact_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
