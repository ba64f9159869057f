/* tests/unit/analytics/rfm_test.c — RFM: the segment map by hand-worked
 * cells and as a total function, quintiles of distinct values, of ties, of
 * one and two customers, independence from input order, and the sums per
 * segment. */
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

static void
score(const struct rfm_customer *c, size_t n, struct rfm_score *out)
{
    uint32_t order[64];

    ck_assert(2 * n <= 64);
    rfm_score_all(c, n, out, order);
}

START_TEST(test_rfm_quintiles_distinct)
{
    /* five customers, each better than the last in every dimension */
    const struct rfm_customer c[5] = {
        {100, 1, 10}, {200, 2, 20}, {300, 3, 30}, {400, 4, 40}, {500, 5, 50}};
    struct rfm_score s[5];

    score(c, 5, s);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(s[i].r, i + 1);
        ck_assert_int_eq(s[i].f, i + 1);
        ck_assert_int_eq(s[i].m, i + 1);
    }
    ck_assert_int_eq(s[4].segment, RFM_CHAMPIONS);
    ck_assert_int_eq(s[0].segment, RFM_LOST);
    ck_assert_int_eq(s[2].segment, RFM_NEED_ATTENTION);
}
END_TEST

START_TEST(test_rfm_quintiles_ties)
{
    /* frequencies 1,1,2,3,3,3,4,5,5,5 (n 10), worked by hand:
     * 1: below 0, equal 2 → 1 + floor(5 × 1/10) = 1
     * 2: below 2, equal 1 → 1 + floor(5 × 2.5/10) = 2
     * 3: below 3, equal 3 → 1 + floor(5 × 4.5/10) = 3
     * 4: below 6, equal 1 → 1 + floor(5 × 6.5/10) = 4
     * 5: below 7, equal 3 → 1 + floor(5 × 8.5/10) = 5 */
    static const int64_t fr[10] = {3, 1, 5, 3, 2, 5, 1, 4, 3, 5}; /* shuffled */
    static const int want[6] = {0, 1, 2, 3, 4, 5};
    struct rfm_customer c[10];
    struct rfm_score s[10];

    for (int i = 0; i < 10; i++)
        c[i] = (struct rfm_customer){1000, fr[i], 7};
    score(c, 10, s);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(s[i].f, want[fr[i]]);
        ck_assert_int_eq(s[i].r, 3); /* all equal: the middle */
        ck_assert_int_eq(s[i].m, 3);
    }
}
END_TEST

START_TEST(test_rfm_few_customers)
{
    const struct rfm_customer one = {500, 1, 100};
    const struct rfm_customer two[2] = {{900, 4, 100}, {100, 1, 900}};
    struct rfm_score s[2];

    score(&one, 1, s);
    ck_assert_int_eq(s[0].r, 3);
    ck_assert_int_eq(s[0].f, 3);
    ck_assert_int_eq(s[0].m, 3);
    ck_assert_int_eq(s[0].segment, RFM_NEED_ATTENTION);
    /* two: the better scores 4, the worse 2 (midpoints 3/4 and 1/4) */
    score(two, 2, s);
    ck_assert_int_eq(s[0].r, 4);
    ck_assert_int_eq(s[0].f, 4);
    ck_assert_int_eq(s[0].m, 2);
    ck_assert_int_eq(s[1].r, 2);
    ck_assert_int_eq(s[1].f, 2);
    ck_assert_int_eq(s[1].m, 4);
    score(two, 0, s); /* nothing to score: nothing touched */
}
END_TEST

START_TEST(test_rfm_order_independent)
{
    struct rfm_customer c[24], rev[24];
    struct rfm_score a[24], b[24];

    for (int i = 0; i < 24; i++)
        c[i] = (struct rfm_customer){(i * 7) % 11, (i * 5) % 4 + 1, (i * 13) % 17 * 100};
    for (int i = 0; i < 24; i++)
        rev[i] = c[23 - i];
    score(c, 24, a);
    score(rev, 24, b);
    for (int i = 0; i < 24; i++) {
        ck_assert_int_eq(a[i].r, b[23 - i].r);
        ck_assert_int_eq(a[i].f, b[23 - i].f);
        ck_assert_int_eq(a[i].m, b[23 - i].m);
        ck_assert_int_eq(a[i].segment, b[23 - i].segment);
        /* a better value never scores lower */
        for (int j = 0; j < 24; j++)
            if (c[j].transactions > c[i].transactions)
                ck_assert_int_ge(a[j].f, a[i].f);
    }
}
END_TEST

START_TEST(test_rfm_summarize)
{
    const struct rfm_customer c[3] = {{1000, 2, 500}, {400, 1, 100}, {2000, 9, 900}};
    const struct rfm_score s[3] = {
        {5, 5, 5, RFM_CHAMPIONS}, {1, 1, 1, RFM_LOST}, {5, 5, 5, RFM_CHAMPIONS}};
    struct rfm_segment_stats st[RFM_N_SEGMENTS];

    memset(st, 0x5a, sizeof st);
    rfm_summarize(c, s, 3, 1500, st);
    ck_assert_int_eq(st[RFM_CHAMPIONS].customers, 2);
    ck_assert_int_eq(st[RFM_CHAMPIONS].recency_s_sum, 500); /* 500 + 0 (a sale after now) */
    ck_assert_int_eq(st[RFM_CHAMPIONS].transactions_sum, 11);
    ck_assert_int_eq(st[RFM_CHAMPIONS].revenue_cents_sum, 1400);
    ck_assert_int_eq(st[RFM_LOST].customers, 1);
    ck_assert_int_eq(st[RFM_LOST].recency_s_sum, 1100);
    ck_assert_int_eq(st[RFM_LOYAL].customers, 0);
    ck_assert_int_eq(st[RFM_LOYAL].revenue_cents_sum, 0);
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
    tc = tcase_create("quintiles");
    tcase_add_test(tc, test_rfm_quintiles_distinct);
    tcase_add_test(tc, test_rfm_quintiles_ties);
    tcase_add_test(tc, test_rfm_few_customers);
    tcase_add_test(tc, test_rfm_order_independent);
    suite_add_tcase(s, tc);
    tc = tcase_create("summarize");
    tcase_add_test(tc, test_rfm_summarize);
    suite_add_tcase(s, tc);
    return s;
}
