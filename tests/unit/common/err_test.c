/* tests/unit/common/err_test.c — the error table and its agreement with
 * proto/errors.md (every code listed there with its HTTP status). */
#include <stdio.h>
#include <string.h>

#include "common/err.h"

#include "tests/unit/common/suites.h"

START_TEST(test_err_set_fills_all_and_returns_code)
{
    struct tm_err e;

    ck_assert_int_eq(tm_err_set(&e, TM_INVALID, "sku", "bad %d", 7), TM_INVALID);
    ck_assert_int_eq(e.code, TM_INVALID);
    ck_assert_str_eq(e.field, "sku");
    ck_assert_str_eq(e.message, "bad 7");
    ck_assert_int_eq(tm_err_set(NULL, TM_CONFLICT, NULL, "x"), TM_CONFLICT);
    tm_err_set(&e, TM_NOTFOUND, NULL, "x");
    ck_assert_str_eq(e.field, "");
}
END_TEST

START_TEST(test_err_message_is_cut_not_overflowed)
{
    struct tm_err e;
    char big[1000];

    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tm_err_set(&e, TM_INVALID, big, "%s", big);
    ck_assert_uint_eq(strlen(e.message), TM_ERR_MESSAGE_MAX - 1);
    ck_assert_uint_eq(strlen(e.field), TM_ERR_FIELD_MAX - 1);
}
END_TEST

/* A message wrapped in a longer one from err's own message and field (a
 * line's name before what was wrong with it) keeps both. */
START_TEST(test_err_set_may_wrap_its_own_message)
{
    struct tm_err e;

    tm_err_set(&e, TM_INVALID, "store_id", "must be an integer");
    tm_err_set(&e, TM_INVALID, "lines[0].store_id", "%s: %s", "lines[0].store_id", e.message);
    ck_assert_str_eq(e.message, "lines[0].store_id: must be an integer");
    ck_assert_str_eq(e.field, "lines[0].store_id");
    tm_err_set(&e, TM_CONFLICT, e.field, "%s", e.message);
    ck_assert_str_eq(e.message, "lines[0].store_id: must be an integer");
    ck_assert_str_eq(e.field, "lines[0].store_id");
    ck_assert_int_eq(e.code, TM_CONFLICT);
}
END_TEST

/* A value outside a set is refused with the set listed, whatever it was
 * (too long, empty, absent), so a client learns the values from the answer. */
START_TEST(test_err_one_of_lists_the_accepted_values)
{
    static const char *const channels[] = {"pos", "online", "mobile", NULL};
    struct tm_err e;
    int i = -1;

    ck_assert_int_eq(tm_err_one_of("online", channels, "channel", &i, &e), TM_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(tm_err_one_of("in_store", channels, "channel", &i, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "channel");
    ck_assert_str_eq(e.message, "channel must be one of: pos, online, mobile");
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(tm_err_one_of("", channels, "channel", &i, &e), TM_INVALID);
    ck_assert_int_eq(tm_err_one_of(NULL, channels, "channel", &i, &e), TM_INVALID);
    ck_assert_int_eq(tm_err_one_of("Online", channels, "channel", &i, &e), TM_INVALID);
    ck_assert_int_eq(
        tm_err_one_of("a much longer value than any of them", channels, "channel", &i, &e),
        TM_INVALID);
    ck_assert_str_eq(e.message, "channel must be one of: pos, online, mobile");
}
END_TEST

START_TEST(test_err_codes_map_to_http_and_back)
{
    ck_assert_int_eq(tm_code_http(TM_OK), 200);
    ck_assert_int_eq(tm_code_http(TM_INVALID), 400);
    ck_assert_int_eq(tm_code_http(TM_NOTFOUND), 404);
    ck_assert_int_eq(tm_code_http(TM_CONFLICT), 409);
    ck_assert_int_eq(tm_code_http(TM_TOOBIG), 413);
    ck_assert_int_eq(tm_code_http(TM_UNAVAIL), 503);
    ck_assert_int_eq(tm_code_http(TM_TIMEOUT), 504);
    ck_assert_int_eq(tm_code_http((enum tm_code)999), 500);
    ck_assert_str_eq(tm_code_name(TM_NOTFOUND), "not_found");
    ck_assert_int_eq(tm_code_from_name("conflict"), TM_CONFLICT);
    ck_assert_int_eq(tm_code_from_name("nope"), TM_INTERNAL);
    ck_assert_int_eq(tm_code_from_http(413), TM_TOOBIG);
    /* a fraud decline is a 422 of its own, never read back as a validation refusal */
    ck_assert_int_eq(tm_code_http(TM_DECLINED), 422);
    ck_assert_str_eq(tm_code_name(TM_DECLINED), "declined");
    ck_assert_int_ne(TM_DECLINED, TM_UNPROCESSABLE);
    ck_assert_int_eq(tm_code_from_http(422), TM_UNPROCESSABLE);
    for (int i = 0; i < TM_CODE_COUNT; i++)
        ck_assert_int_eq(tm_code_from_name(tm_code_name((enum tm_code)i)), i);
}
END_TEST

/* proto/errors.md has a table row "| `wire` | status | ..." per code. */
START_TEST(test_err_table_matches_proto_errors_md)
{
    FILE *f = fopen("proto/errors.md", "r");
    char line[512];
    int seen[TM_CODE_COUNT] = {0}, rows = 0;

    ck_assert_msg(f != NULL, "proto/errors.md must exist (run from the repository root)");
    while (fgets(line, sizeof line, f)) {
        char wire[64];
        int status;

        if (sscanf(line, "| `%63[a-z_]` | %d |", wire, &status) != 2)
            continue;
        rows++;
        enum tm_code c = tm_code_from_name(wire);
        ck_assert_msg(strcmp(tm_code_name(c), wire) == 0, "proto code %s not in TM_CODES", wire);
        ck_assert_msg(tm_code_http(c) == status, "%s: proto says %d, code says %d", wire, status,
                      tm_code_http(c));
        seen[c] = 1;
    }
    fclose(f);
    ck_assert_int_eq(rows, TM_CODE_COUNT);
    for (int i = 0; i < TM_CODE_COUNT; i++)
        ck_assert_msg(seen[i], "%s missing from proto/errors.md", tm_code_name((enum tm_code)i));
}
END_TEST

Suite *
err_suite(void)
{
    Suite *s = suite_create("err");
    TCase *tc = tcase_create("err");

    tcase_add_test(tc, test_err_set_fills_all_and_returns_code);
    tcase_add_test(tc, test_err_message_is_cut_not_overflowed);
    tcase_add_test(tc, test_err_set_may_wrap_its_own_message);
    tcase_add_test(tc, test_err_one_of_lists_the_accepted_values);
    tcase_add_test(tc, test_err_codes_map_to_http_and_back);
    tcase_add_test(tc, test_err_table_matches_proto_errors_md);
    suite_add_tcase(s, tc);
    return s;
}
