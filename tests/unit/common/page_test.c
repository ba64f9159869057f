/* tests/unit/common/page_test.c — common/page: the cursor a page hands out
 * reads back as the id it names, and nothing else reads as a cursor. */
#include <stdio.h>
#include <string.h>

#include "common/page.h"

#include "tests/unit/common/suites.h"

START_TEST(test_page_cursor_round_trips_next_cursor)
{
    static const int64_t ids[] = {1, 42, INT64_MAX};
    struct tm_buf b;
    struct tm_err e;
    char cursor[32];
    int64_t id = 0;

    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        tm_buf_init(&b, 64);
        ck_assert_int_eq(tm_page_next(&b, 1, ids[i]), TM_OK);
        /* ,"next_cursor":"<cursor>" */
        ck_assert_int_eq(sscanf(b.p, ",\"next_cursor\":\"%31[^\"]\"", cursor), 1);
        ck_assert_int_eq(tm_page_cursor(cursor, &id, &e), TM_OK);
        ck_assert_int_eq(id, ids[i]);
        tm_buf_fini(&b);
    }
}
END_TEST

static const char *const bad_cursors[] = {
    "", "i", "x5", "5", "i0", "i-1", "i+1", "i1x", "i 1", "i99999999999999999999", "I5",
};

START_TEST(test_page_cursor_refuses_what_we_never_hand_out)
{
    struct tm_err e;
    int64_t id = 7;

    memset(&e, 0, sizeof e);
    ck_assert_int_eq(tm_page_cursor(bad_cursors[_i], &id, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "cursor");
    ck_assert_int_eq(id, 7);
}
END_TEST

START_TEST(test_page_next_reports_a_full_buffer)
{
    struct tm_buf b;

    tm_buf_init(&b, 10);
    ck_assert_int_eq(tm_page_next(&b, 1, 42), TM_TOOBIG);
    ck_assert_uint_eq(b.len, 0);
    tm_buf_fini(&b);
}
END_TEST

Suite *
page_suite(void)
{
    Suite *s = suite_create("page");
    TCase *tc = tcase_create("cursor");

    tcase_add_test(tc, test_page_cursor_round_trips_next_cursor);
    tcase_add_loop_test(tc, test_page_cursor_refuses_what_we_never_hand_out, 0,
                        (int)(sizeof bad_cursors / sizeof bad_cursors[0]));
    tcase_add_test(tc, test_page_next_reports_a_full_buffer);
    suite_add_tcase(s, tc);
    return s;
}
