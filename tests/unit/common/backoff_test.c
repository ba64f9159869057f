/* tests/unit/common/backoff_test.c — common/backoff's retry
 * schedule: full jitter under a doubling ceiling, the cap, the attempt
 * limit, and Retry-After honoured up to the cap and ending retries past it. */
#include "common/backoff.h"

#include "tests/unit/common/suites.h"

static const struct tm_backoff bo = {4, 100, 2000};

/* attempts done, draw, Retry-After → wait (or STOP) */
static const struct {
    int done;
    uint32_t draw;
    int64_t retry_after_s;
    int want;
} cases[] = {
    {1, 0, TM_BACKOFF_NO_RETRY_AFTER, 0},
    {1, 100, TM_BACKOFF_NO_RETRY_AFTER, 100}, /* ceiling 100, inclusive */
    {1, 101, TM_BACKOFF_NO_RETRY_AFTER, 0},   /* 101 % 101 */
    {2, 150, TM_BACKOFF_NO_RETRY_AFTER, 150}, /* ceiling 200 */
    {2, 201, TM_BACKOFF_NO_RETRY_AFTER, 0},
    {3, 400, TM_BACKOFF_NO_RETRY_AFTER, 400}, /* ceiling 400 */
    {3, 4000, TM_BACKOFF_NO_RETRY_AFTER, 4000 % 401},
    {4, 0, TM_BACKOFF_NO_RETRY_AFTER, TM_BACKOFF_STOP}, /* 4 attempts made: no fifth */
    {9, 0, TM_BACKOFF_NO_RETRY_AFTER, TM_BACKOFF_STOP},
    {1, 7, 0, 0},                       /* Retry-After: 0 → at once */
    {1, 7, 1, 1000},                    /* honoured, no jitter */
    {2, 7, 2, 2000},                    /* exactly the cap */
    {1, 7, 3, TM_BACKOFF_STOP},         /* beyond the cap: give up */
    {1, 7, INT64_MAX, TM_BACKOFF_STOP}, /* no overflow */
    {4, 7, 1, TM_BACKOFF_STOP},         /* the attempt limit wins */
};

START_TEST(test_backoff_schedule)
{
    int got = tm_backoff_wait_ms(&bo, cases[_i].done, cases[_i].draw, cases[_i].retry_after_s);

    ck_assert_msg(got == cases[_i].want, "case %d: got %d want %d", _i, got, cases[_i].want);
}
END_TEST

START_TEST(test_backoff_ceiling_capped)
{
    const struct tm_backoff b = {10, 100, 1000};

    /* ceilings 100, 200, 400, 800, then the cap 1000 */
    ck_assert_int_eq(tm_backoff_wait_ms(&b, 4, 800, -1), 800);
    ck_assert_int_eq(tm_backoff_wait_ms(&b, 5, 1000, -1), 1000);
    ck_assert_int_eq(tm_backoff_wait_ms(&b, 9, 1000, -1), 1000);
    ck_assert_int_eq(tm_backoff_wait_ms(&b, 9, 1001, -1), 0);
    for (uint32_t d = 0; d < 5000; d += 37)
        ck_assert_int_le(tm_backoff_wait_ms(&b, 9, d * 104729u, -1), 1000);
}
END_TEST

Suite *
backoff_suite(void)
{
    Suite *s = suite_create("common.backoff");
    TCase *tc = tcase_create("schedule");

    tcase_add_loop_test(tc, test_backoff_schedule, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_backoff_ceiling_capped);
    suite_add_tcase(s, tc);
    return s;
}
