/* tests/unit/common/buf_test.c — bounded strings and buffers, checked
 * against the obvious oracle (the expected bytes). */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#include "tests/unit/common/suites.h"

START_TEST(test_strlcpy_reports_truncation)
{
    char dst[4];

    ck_assert_int_eq(tm_strlcpy(dst, "abc", sizeof dst), TM_OK);
    ck_assert_str_eq(dst, "abc");
    ck_assert_int_eq(tm_strlcpy(dst, "abcd", sizeof dst), TM_TOOBIG);
    ck_assert_str_eq(dst, "abc");
    ck_assert_int_eq(tm_strlcpy(dst, "", sizeof dst), TM_OK);
    ck_assert_str_eq(dst, "");
    ck_assert_int_eq(tm_strlcpy(dst, "x", 0), TM_TOOBIG);
}
END_TEST

START_TEST(test_buf_grows_and_stays_terminated)
{
    struct tm_buf b;

    tm_buf_init(&b, 100000);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(tm_buf_printf(&b, "%03d,", i % 1000), TM_OK);
    ck_assert_uint_eq(b.len, 4000);
    ck_assert_uint_eq(strlen(b.p), 4000);
    ck_assert(strncmp(b.p, "000,001,002,", 12) == 0);
    ck_assert(strcmp(b.p + 3996, "999,") == 0);
    tm_buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(b.p, "");
    tm_buf_fini(&b);
    tm_buf_fini(&b); /* idempotent */
    tm_buf_fini(NULL);
}
END_TEST

START_TEST(test_buf_refuses_past_max_and_keeps_content)
{
    struct tm_buf b;

    tm_buf_init(&b, 8);
    ck_assert_int_eq(tm_buf_adds(&b, "12345"), TM_OK);
    ck_assert_int_eq(tm_buf_adds(&b, "6789"), TM_TOOBIG);
    ck_assert_str_eq(b.p, "12345");
    ck_assert_int_eq(tm_buf_printf(&b, "%s", "abcd"), TM_TOOBIG);
    ck_assert_str_eq(b.p, "12345");
    ck_assert_int_eq(tm_buf_adds(&b, "678"), TM_OK);
    ck_assert_str_eq(b.p, "12345678");
    ck_assert_int_eq(tm_buf_add(&b, "", 0), TM_OK);
    ck_assert_int_eq(tm_buf_add(&b, "x", 1), TM_TOOBIG);
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_buf_steal_hands_over_content)
{
    struct tm_buf b;
    char *s;

    tm_buf_init(&b, 64);
    s = tm_buf_steal(&b);
    ck_assert_str_eq(s, "");
    free(s);
    ck_assert_int_eq(tm_buf_adds(&b, "kept"), TM_OK);
    s = tm_buf_steal(&b);
    ck_assert_str_eq(s, "kept");
    ck_assert_ptr_null(b.p);
    ck_assert_uint_eq(b.len, 0);
    free(s);
}
END_TEST

Suite *
buf_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("buf");

    tcase_add_test(tc, test_strlcpy_reports_truncation);
    tcase_add_test(tc, test_buf_grows_and_stays_terminated);
    tcase_add_test(tc, test_buf_refuses_past_max_and_keeps_content);
    tcase_add_test(tc, test_buf_steal_hands_over_content);
    suite_add_tcase(s, tc);
    return s;
}
