/* tests/unit/inventory/forecast_known_test.c — the regressor columns of a
 * store × product series (services/inventory/forecast_known.c), checked
 * day by day against what was planted: a US store's Thanksgiving, events
 * clipped to the range, overlapping promotions (the deepest cut wins), and
 * which columns are offered to the engine (only those the history shows
 * both on and off). */
#include <math.h>
#include <string.h>

#include <check.h>

#include "services/inventory/forecast_known.h"
#include "services/inventory/holidays.h"

#define D(y, m, d) fc_known_day(y, m, d)

/* days since the epoch of a date (the oracle: a plain count, not the code) */
static int64_t
fc_known_day(int y, int m, int d)
{
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t days = 0;
    for (int yy = 1970; yy < y; yy++)
        days += (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0)) ? 366 : 365;
    days += cum[m - 1] + d - 1;
    if (m > 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        days++;
    return days;
}

static struct fc_known_x x; /* ~33 KB: not on the stack */

START_TEST(test_holidays_by_country)
{
    /* 2025-11-01 .. 2025-11-30 as history, then 2025-12-01 .. 12-31 */
    int64_t first = D(2025, 11, 1);
    struct fc_known us = {FC_COUNTRY_US, NULL, 0, NULL, 0};
    struct fc_known none = {FC_COUNTRY_NONE, NULL, 0, NULL, 0};

    fc_known_build(&us, first, 30, 31, &x);
    ck_assert_int_eq(x.days, 61);
    ck_assert_double_eq(x.col[FC_KNOWN_HOLIDAY][D(2025, 11, 27) - first], 1); /* Thanksgiving */
    ck_assert_double_eq(x.col[FC_KNOWN_HOLIDAY][D(2025, 11, 26) - first], 0);
    ck_assert_double_eq(x.col[FC_KNOWN_HOLIDAY][D(2025, 12, 25) - first], 1); /* Christmas */
    ck_assert_int_eq(x.days_on[FC_KNOWN_HOLIDAY], 2); /* Veterans Day and Thanksgiving */
    ck_assert_int_eq(x.future_on[FC_KNOWN_HOLIDAY], 1);
    ck_assert_int_eq(x.k, 1);
    ck_assert_int_eq(x.kept[0], FC_KNOWN_HOLIDAY);
    ck_assert_str_eq(fc_known_names[x.kept[0]], "holiday");
    fc_known_build(&none, first, 30, 31, &x);
    ck_assert_int_eq(x.days_on[FC_KNOWN_HOLIDAY] + x.future_on[FC_KNOWN_HOLIDAY], 0);
    ck_assert_int_eq(x.k, 0); /* nothing known: nothing offered */
}
END_TEST

START_TEST(test_events_clipped_and_sorted_by_kind)
{
    int64_t first = D(2026, 3, 1);
    const struct fc_known_event ev[] = {
        {D(2026, 2, 20), D(2026, 3, 2), FC_KNOWN_KIND_CLOSURE}, /* begins before the range */
        {D(2026, 3, 10), D(2026, 3, 10), FC_KNOWN_KIND_EVENT},
        {D(2026, 3, 17), D(2026, 3, 17), FC_KNOWN_KIND_HOLIDAY}, /* a local holiday */
        {D(2026, 3, 30), D(2026, 4, 30), FC_KNOWN_KIND_EVENT},   /* ends after it */
        {D(2027, 1, 1), D(2027, 1, 5), FC_KNOWN_KIND_CLOSURE},   /* wholly after it */
    };
    struct fc_known in = {FC_COUNTRY_NONE, ev, 5, NULL, 0};

    fc_known_build(&in, first, 28, 7, &x); /* history 03-01..03-28, horizon ..04-04 */
    ck_assert_double_eq(x.col[FC_KNOWN_CLOSURE][0], 1);
    ck_assert_double_eq(x.col[FC_KNOWN_CLOSURE][1], 1);
    ck_assert_double_eq(x.col[FC_KNOWN_CLOSURE][2], 0);
    ck_assert_int_eq(x.days_on[FC_KNOWN_CLOSURE], 2);
    ck_assert_int_eq(x.future_on[FC_KNOWN_CLOSURE], 0);
    ck_assert_double_eq(x.col[FC_KNOWN_EVENT][9], 1);
    ck_assert_double_eq(x.col[FC_KNOWN_HOLIDAY][16], 1);
    ck_assert_int_eq(x.days_on[FC_KNOWN_EVENT], 1);
    ck_assert_int_eq(x.future_on[FC_KNOWN_EVENT], 6); /* 03-30 .. 04-04 */
    ck_assert_double_eq(x.col[FC_KNOWN_EVENT][34], 1);
    ck_assert_int_eq(x.k, 3);
    ck_assert_int_eq(x.kept[0], FC_KNOWN_HOLIDAY);
    ck_assert_int_eq(x.kept[1], FC_KNOWN_CLOSURE);
    ck_assert_int_eq(x.kept[2], FC_KNOWN_EVENT);
}
END_TEST

START_TEST(test_promotions_deepest_cut)
{
    int64_t first = D(2026, 5, 1);
    const struct fc_known_promo pr[] = {
        {D(2026, 5, 3), D(2026, 5, 9), 750, 1000, 0},  /* a quarter off */
        {D(2026, 5, 8), D(2026, 5, 12), 500, 1000, 0}, /* half off, overlapping */
        {D(2026, 5, 20), D(2026, 5, 21), 0, 1000, 1},  /* a feature, no price */
        {D(2026, 6, 2), D(2026, 6, 4), 900, 1000, 0},  /* in the horizon only */
    };
    struct fc_known in = {FC_COUNTRY_NONE, NULL, 0, pr, 4};

    fc_known_build(&in, first, 31, 14, &x);
    ck_assert_double_eq(x.col[FC_KNOWN_PROMOTION][1], 0);
    ck_assert_double_eq(x.col[FC_KNOWN_PROMOTION][2], 1);
    ck_assert_double_eq_tol(x.col[FC_KNOWN_LOG_PRICE][2], log(0.75), 1e-12);
    ck_assert_double_eq_tol(x.col[FC_KNOWN_LOG_PRICE][7], log(0.5), 1e-12); /* both run */
    ck_assert_double_eq_tol(x.col[FC_KNOWN_LOG_PRICE][11], log(0.5), 1e-12);
    ck_assert_double_eq(x.col[FC_KNOWN_LOG_PRICE][12], 0);
    ck_assert_double_eq(x.col[FC_KNOWN_PROMOTION][19], 1);
    ck_assert_double_eq(x.col[FC_KNOWN_LOG_PRICE][19], 0); /* a flag alone: regular price */
    ck_assert_int_eq(x.days_on[FC_KNOWN_PROMOTION], 12);
    ck_assert_int_eq(x.days_on[FC_KNOWN_LOG_PRICE], 10);
    ck_assert_int_eq(x.future_on[FC_KNOWN_PROMOTION], 3);
    ck_assert_double_eq_tol(x.col[FC_KNOWN_LOG_PRICE][32], log(0.9), 1e-12);
    ck_assert_int_eq(x.k, 2);
    ck_assert_int_eq(x.kept[0], FC_KNOWN_PROMOTION);
    ck_assert_int_eq(x.kept[1], FC_KNOWN_LOG_PRICE);
}
END_TEST

START_TEST(test_every_day_on_is_not_offered)
{
    /* a promotion over the whole history shows no day off: its effect is
     * not measurable, so it is not offered */
    int64_t first = D(2026, 5, 1);
    const struct fc_known_promo pr[] = {{D(2026, 4, 1), D(2026, 6, 30), 0, 1000, 2}};
    struct fc_known in = {FC_COUNTRY_NONE, NULL, 0, pr, 1};

    fc_known_build(&in, first, 20, 5, &x);
    ck_assert_int_eq(x.days_on[FC_KNOWN_PROMOTION], 20);
    ck_assert_int_eq(x.k, 0);
}
END_TEST

Suite *forecast_known_suite(void);

Suite *
forecast_known_suite(void)
{
    Suite *s = suite_create("inventory.forecast_known");
    TCase *tc = tcase_create("forecast_known");
    tcase_add_test(tc, test_holidays_by_country);
    tcase_add_test(tc, test_events_clipped_and_sorted_by_kind);
    tcase_add_test(tc, test_promotions_deepest_cut);
    tcase_add_test(tc, test_every_day_on_is_not_offered);
    suite_add_tcase(s, tc);
    return s;
}
