/* tests/unit/analytics/rfm_test.c — RFM: the segment map by hand-worked
 * cells and as a total function, and the sums per segment of score cells.
 * The quintile scores are computed in SQL: tests/integration/rfm_test.c
 * checks them, ties included, on posted sales. */
#include <string.h>

#include "services/analytics/rfm.h"
#include "tests/unit/analytics/suites.h"

/* (R, F, M) → segment, worked by hand from docs/analytics.md's table
 * (FM = (F + M + 1) / 2). */
static const struct {
    int r, f, m;
    enum rfm_segment want;
} cells[] = {
    {5, 5, 5, RFM_CHAMPIONS},
    {5, 4, 3, RFM_CHAMPIONS}, /* FM 4 */
    {4, 5, 5, RFM_LOYAL},     /* R 4, FM 5 */
    {3, 4, 4, RFM_LOYAL},
    {5, 3, 2, RFM_POTENTIAL_LOYALISTS}, /* FM 3 */
    {4, 2, 1, RFM_POTENTIAL_LOYALISTS}, /* FM 2 */
    {5, 1, 1, RFM_NEW},
    {5, 1, 2, RFM_POTENTIAL_LOYALISTS}, /* FM 2: not new */
    {4, 1, 1, RFM_PROMISING},
    {3, 3, 3, RFM_NEED_ATTENTION},
    {3, 2, 3, RFM_NEED_ATTENTION}, /* FM 3 */
    {3, 1, 2, RFM_ABOUT_TO_SLEEP}, /* FM 2 */
    {3, 1, 1, RFM_ABOUT_TO_SLEEP},
    {2, 3, 3, RFM_AT_RISK},
    {1, 4, 4, RFM_AT_RISK},
    {2, 5, 5, RFM_CANT_LOSE},
    {1, 5, 4, RFM_CANT_LOSE}, /* FM 5 (4.5 rounded up) */
    {2, 2, 1, RFM_HIBERNATING},
    {2, 1, 1, RFM_HIBERNATING},
    {1, 2, 2, RFM_LOST},
    {1, 1, 1, RFM_LOST},
};

START_TEST(test_rfm_segment_cells)
{
    enum rfm_segment got = rfm_segment_of(cells[_i].r, cells[_i].f, cells[_i].m);

    ck_assert_msg(got == cells[_i].want, "(%d,%d,%d): %s, want %s", cells[_i].r, cells[_i].f,
                  cells[_i].m, rfm_segment_name(got), rfm_segment_name(cells[_i].want));
}
END_TEST

START_TEST(test_rfm_segment_map_total)
{
    int seen[RFM_N_SEGMENTS] = {0};

    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++)
            for (int m = 1; m <= 5; m++) {
                enum rfm_segment s = rfm_segment_of(r, f, m);
                ck_assert(s >= 0 && s < RFM_N_SEGMENTS);
                seen[s]++;
                /* monotone in recency: never a better R gives lost/hibernating */
                if (r >= 3)
                    ck_assert(s != RFM_LOST && s != RFM_HIBERNATING && s != RFM_AT_RISK);
            }
    for (int s = 0; s < RFM_N_SEGMENTS; s++)
        ck_assert_msg(seen[s] > 0, "segment %s unreachable", rfm_segment_name(s));
    ck_assert_str_eq(rfm_segment_name(RFM_CANT_LOSE), "cant_lose");
    ck_assert_str_eq(rfm_segment_name(RFM_POTENTIAL_LOYALISTS), "potential_loyalists");
}
END_TEST

START_TEST(test_rfm_summarize)
{
    /* two cells of champions, one of lost, one out of range (not counted) */
    const struct rfm_cell c[4] = {
        {5, 5, 5, 2, 500, 11, 1400},
        {1, 1, 1, 1, 1100, 1, 100},
        {5, 4, 4, 3, 30, 6, 600},
        {0, 3, 3, 9, 9, 9, 9},
    };
    struct rfm_segment_stats st[RFM_N_SEGMENTS];

    memset(st, 0x5a, sizeof st);
    rfm_summarize(c, 4, st);
    ck_assert_int_eq(st[RFM_CHAMPIONS].customers, 5);
    ck_assert_int_eq(st[RFM_CHAMPIONS].recency_s_sum, 530);
    ck_assert_int_eq(st[RFM_CHAMPIONS].transactions_sum, 17);
    ck_assert_int_eq(st[RFM_CHAMPIONS].revenue_cents_sum, 2000);
    ck_assert_int_eq(st[RFM_LOST].customers, 1);
    ck_assert_int_eq(st[RFM_LOST].recency_s_sum, 1100);
    ck_assert_int_eq(st[RFM_LOYAL].customers, 0);
    ck_assert_int_eq(st[RFM_LOYAL].revenue_cents_sum, 0);
    for (int k = 0; k < RFM_N_SEGMENTS; k++)
        ck_assert(k == RFM_CHAMPIONS || k == RFM_LOST || st[k].customers == 0);
    rfm_summarize(c, 0, st); /* no cells: every segment empty */
    ck_assert_int_eq(st[RFM_CHAMPIONS].customers, 0);
}
END_TEST

Suite *
rfm_suite(void)
{
    Suite *s = suite_create("analytics.rfm");
    TCase *tc = tcase_create("segments");

    tcase_add_loop_test(tc, test_rfm_segment_cells, 0, (int)(sizeof cells / sizeof cells[0]));
    tcase_add_test(tc, test_rfm_segment_map_total);
    suite_add_tcase(s, tc);
    tc = tcase_create("summarize");
    tcase_add_test(tc, test_rfm_summarize);
    suite_add_tcase(s, tc);
    return s;
}
