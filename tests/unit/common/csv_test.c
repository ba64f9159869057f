/* tests/unit/common/csv_test.c — common/csv: a cell reads back as its text
 * in a spreadsheet, never as a formula, and a full buffer is refused. */
#include <string.h>

#include "common/csv.h"

#include "tests/unit/common/suites.h"

static const struct {
    const char *in;
    int last;
    const char *out;
} cells[] = {
    {"plain", 0, "\"plain\","},
    {"", 1, "\"\"\r\n"},
    {"say \"hi\"", 0, "\"say \"\"hi\"\"\","},
    {"a,b\r\nc", 1, "\"a,b\r\nc\"\r\n"},
    {"=SUM(A1)", 0, "\"'=SUM(A1)\","},
    {"+1", 0, "\"'+1\","},
    {"-1", 0, "\"'-1\","},
    {"@x", 0, "\"'@x\","},
    {"\tx", 0, "\"'\tx\","},
    {"\rx", 0, "\"'\rx\","},
    {"x=1", 1, "\"x=1\"\r\n"},
};

START_TEST(test_csv_cell_quotes_and_defuses_formulas)
{
    struct tm_buf b;

    tm_buf_init(&b, 128);
    ck_assert_int_eq(tm_csv_cell(&b, cells[_i].in, cells[_i].last), TM_OK);
    ck_assert_str_eq(b.p, cells[_i].out);
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_csv_cell_full_buffer_is_toobig)
{
    struct tm_buf b;

    tm_buf_init(&b, 8);
    ck_assert_int_eq(tm_csv_cell(&b, "far more than eight bytes", 1), TM_TOOBIG);
    tm_buf_fini(&b);
}
END_TEST

Suite *
csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("cell");

    tcase_add_loop_test(tc, test_csv_cell_quotes_and_defuses_formulas, 0,
                        (int)(sizeof cells / sizeof cells[0]));
    tcase_add_test(tc, test_csv_cell_full_buffer_is_toobig);
    suite_add_tcase(s, tc);
    return s;
}
