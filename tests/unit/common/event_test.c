/* tests/unit/common/event_test.c — event decoding: a good event reads
 * back; each malformed one is refused naming its field. */
#include <string.h>

#include "common/event.h"

#include "tests/unit/common/suites.h"

START_TEST(test_event_parse_good)
{
    const char *t = "{\"topic\":\"product.created\",\"source\":\"inventory\",\"seq\":12,"
                    "\"ts\":\"x\",\"data\":{\"id\":7}}";
    struct tm_event ev;
    cJSON *root = NULL;

    ck_assert_int_eq(tm_event_parse(t, strlen(t), &ev, &root, NULL), TM_OK);
    ck_assert_str_eq(ev.topic, "product.created");
    ck_assert_str_eq(ev.source, "inventory");
    ck_assert_int_eq(ev.seq, 12);
    ck_assert_str_eq(ev.ts, "x");
    ck_assert_int_eq(cJSON_GetObjectItem(ev.data, "id")->valueint, 7);
    cJSON_Delete(root);
}
END_TEST

/* "ts" is optional on the wire (older producers), "" when absent. */
START_TEST(test_event_ts_optional)
{
    const char *t = "{\"topic\":\"t\",\"source\":\"s\",\"seq\":1,\"data\":{}}";
    struct tm_event ev;
    cJSON *root = NULL;

    ck_assert_int_eq(tm_event_parse(t, strlen(t), &ev, &root, NULL), TM_OK);
    ck_assert_str_eq(ev.ts, "");
    cJSON_Delete(root);
}
END_TEST

static const struct {
    const char *text, *field;
} bad_events[] = {
    {"", "event"},
    {"[1]", "event"},
    {"{\"source\":\"s\",\"seq\":1,\"data\":{}}", "topic"},
    {"{\"topic\":\"t\",\"seq\":1,\"data\":{}}", "source"},
    {"{\"topic\":\"t\",\"source\":\"s\",\"seq\":0,\"data\":{}}", "seq"},
    {"{\"topic\":\"t\",\"source\":\"s\",\"seq\":1.5,\"data\":{}}", "seq"},
    {"{\"topic\":\"t\",\"source\":\"s\",\"seq\":1,\"data\":[1]}", "data"},
    {"{\"topic\":\"t\",\"source\":\"s\",\"seq\":1}", "data"},
    {"{\"topic\":\"t\",\"source\":\"s\",\"seq\":1,\"ts\":5,\"data\":{}}", "ts"},
    {"{\"topic\":\"t\",\"source\":\"s\",\"seq\":1,\"ts\":\"2026-11-22T21:39:19.215Z----------------"
     "----\",\"data\":{}}",
     "ts"},
};

START_TEST(test_event_parse_refuses_malformed)
{
    struct tm_event ev;
    struct tm_err e;
    cJSON *root = NULL;
    const char *t = bad_events[_i].text;

    ck_assert_int_eq(tm_event_parse(t, strlen(t), &ev, &root, &e), TM_INVALID);
    ck_assert_ptr_null(root);
    ck_assert_str_eq(e.field, bad_events[_i].field);
}
END_TEST

Suite *
event_suite(void)
{
    Suite *s = suite_create("event");
    TCase *tc = tcase_create("event");

    tcase_add_test(tc, test_event_parse_good);
    tcase_add_test(tc, test_event_ts_optional);
    tcase_add_loop_test(tc, test_event_parse_refuses_malformed, 0,
                        (int)(sizeof bad_events / sizeof bad_events[0]));
    suite_add_tcase(s, tc);
    return s;
}
