/* tests/unit/common/db_test.c — the LIKE pattern helper: exact patterns for
 * hand cases, and, against a plain LIKE matcher as oracle, a pattern of s
 * matches a value exactly when the value contains (or starts with) s; the
 * array literal of words refuses what it would have to quote. */
#include <string.h>

#include "common/db.h"

#include "tests/unit/common/suites.h"

/* PostgreSQL's LIKE, case-sensitive, with backslash as the escape: the
 * oracle. '%' any run, '_' one byte, '\x' the byte x. */
static int
like(const char *p, const char *v)
{
    if (*p == '\0')
        return *v == '\0';
    if (*p == '%') {
        for (const char *w = v;; w++) {
            if (like(p + 1, w))
                return 1;
            if (*w == '\0')
                return 0;
        }
    }
    if (*p == '\\' && p[1] != '\0')
        return *v == p[1] && like(p + 2, v + 1);
    if (*p == '_')
        return *v != '\0' && like(p + 1, v + 1);
    return *p == *v && like(p + 1, v + 1);
}

START_TEST(test_db_like_escapes_wildcards)
{
    static const struct {
        const char *s, *contains, *prefix;
    } cases[] = {
        {"abc", "%abc%", "abc%"},
        {"", "%%", "%"},
        {"%", "%\\%%", "\\%%"},
        {"_", "%\\_%", "\\_%"},
        {"a\\b", "%a\\\\b%", "a\\\\b%"},
        {"50%_off\\", "%50\\%\\_off\\\\%", "50\\%\\_off\\\\%"},
        {"/api/v1/x", "%/api/v1/x%", "/api/v1/x%"},
    };
    char out[64];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(tm_db_like(cases[i].s, TM_DB_LIKE_CONTAINS, out, sizeof out, NULL), TM_OK);
        ck_assert_str_eq(out, cases[i].contains);
        ck_assert_int_eq(tm_db_like(cases[i].s, TM_DB_LIKE_PREFIX, out, sizeof out, NULL), TM_OK);
        ck_assert_str_eq(out, cases[i].prefix);
    }
}
END_TEST

START_TEST(test_db_like_matches_only_the_text_itself)
{
    static const char *const needles[] = {"%", "_", "\\", "a_c", "a%", "50%", "%_\\", "abc", ""};
    static const char *const values[] = {
        "",     "%",    "_",     "\\",     "abc",   "a_c",    "aXc",      "a%",      "ab",
        "50%",  "500",  "x50%y", "%_\\",   "%x_\\", "ABC%",   "Jo_Smith", "100% ok", "a\\b",
        "a%_c", "%%%%", "____",  "\\\\\\", "xa_cx", "a%b_c%", "abcabc",   "5",       "50"};
    char pat[TM_DB_LIKE_SIZE(8)];

    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        for (size_t j = 0; j < sizeof values / sizeof values[0]; j++) {
            const char *n = needles[i], *v = values[j];
            ck_assert_int_eq(tm_db_like(n, TM_DB_LIKE_CONTAINS, pat, sizeof pat, NULL), TM_OK);
            ck_assert_msg(like(pat, v) == (strstr(v, n) != NULL), "contains \"%s\" in \"%s\"", n,
                          v);
            ck_assert_int_eq(tm_db_like(n, TM_DB_LIKE_PREFIX, pat, sizeof pat, NULL), TM_OK);
            ck_assert_msg(like(pat, v) == (strncmp(v, n, strlen(n)) == 0),
                          "prefix \"%s\" of \"%s\"", n, v);
        }
}
END_TEST

/* TM_DB_LIKE_SIZE(n) holds any n bytes, one byte less does not. */
START_TEST(test_db_like_bounded)
{
    char out[TM_DB_LIKE_SIZE(4)];
    struct tm_err err;

    ck_assert_int_eq(tm_db_like("%%%%", TM_DB_LIKE_CONTAINS, out, sizeof out, &err), TM_OK);
    ck_assert_str_eq(out, "%\\%\\%\\%\\%%");
    ck_assert_int_eq(tm_db_like("%%%%", TM_DB_LIKE_CONTAINS, out, sizeof out - 1, &err), TM_TOOBIG);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(tm_db_like("abcde", TM_DB_LIKE_PREFIX, out, 6, &err), TM_TOOBIG);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(tm_db_like("abcd", TM_DB_LIKE_PREFIX, out, 6, &err), TM_OK);
    ck_assert_str_eq(out, "abcd%");
    ck_assert_int_eq(tm_db_like("", TM_DB_LIKE_CONTAINS, out, 0, NULL), TM_TOOBIG);
}
END_TEST

START_TEST(test_db_word_array_refuses_what_needs_quoting)
{
    static const char *const ok[] = {"2026-11-22T09:14:03.512+01:00", "completed", "a_b"};
    static const char *const bad[][1] = {{"a,b"}, {"a b"}, {"{x}"}, {"\"q\""}, {""}, {"a\\b"}};
    struct tm_buf b;

    tm_buf_init(&b, 64);
    ck_assert_int_eq(tm_db_word_array(&b, ok, 3), TM_OK);
    ck_assert_str_eq(b.p, "{2026-11-22T09:14:03.512+01:00,completed,a_b}");
    tm_buf_fini(&b);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tm_buf_init(&b, 64);
        ck_assert_int_eq(tm_db_word_array(&b, bad[i], 1), TM_INVALID);
        tm_buf_fini(&b);
    }
    tm_buf_init(&b, 8);
    ck_assert_int_eq(tm_db_word_array(&b, ok, 3), TM_TOOBIG);
    tm_buf_fini(&b);
    tm_buf_init(&b, 64);
    ck_assert_int_eq(tm_db_word_array(&b, ok, 0), TM_OK);
    ck_assert_str_eq(b.p, "{}");
    tm_buf_fini(&b);
}
END_TEST

Suite *
db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("like");

    tcase_add_test(tc, test_db_like_escapes_wildcards);
    tcase_add_test(tc, test_db_like_matches_only_the_text_itself);
    tcase_add_test(tc, test_db_like_bounded);
    tcase_add_test(tc, test_db_word_array_refuses_what_needs_quoting);
    suite_add_tcase(s, tc);
    return s;
}
