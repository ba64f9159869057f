/* tests/unit/inventory/forecast_regress_test.c — public holidays by rule
 * (holidays.h) against published dates, and the engine with regressors
 * (fc_run_x) on synthetic series with planted effects. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "services/inventory/forecast.h"
#include "services/inventory/holidays.h"

static const char *
on(enum fc_country c, int y, int m, int d)
{
    return fc_holiday_on(c, fc_days_from_civil(y, m, d));
}

START_TEST(test_country_codes)
{
    ck_assert_int_eq(fc_country_from("US"), FC_COUNTRY_US);
    ck_assert_int_eq(fc_country_from("UK"), FC_COUNTRY_UK);
    ck_assert_int_eq(fc_country_from("GB"), FC_COUNTRY_UK);
    ck_assert_int_eq(fc_country_from(""), FC_COUNTRY_NONE);
    ck_assert_int_eq(fc_country_from("FR"), -1);
    ck_assert_int_eq(fc_country_from("us"), -1);
    ck_assert_int_eq(fc_country_from(NULL), -1);
    ck_assert_str_eq(fc_country_code(FC_COUNTRY_US), "US");
    ck_assert_str_eq(fc_country_code(FC_COUNTRY_UK), "UK");
    ck_assert_str_eq(fc_country_code(FC_COUNTRY_NONE), "");
    ck_assert_ptr_null(on(FC_COUNTRY_NONE, 2026, 12, 25));
    ck_assert_ptr_null(fc_holiday_on(FC_COUNTRY_US, INT64_MAX));
    ck_assert_ptr_null(fc_holiday_on(FC_COUNTRY_UK, INT64_MIN));
}
END_TEST

START_TEST(test_us_federal)
{
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 11, 26), "Thanksgiving Day");
    ck_assert_ptr_null(on(FC_COUNTRY_US, 2026, 11, 19));
    /* July 4 2026 is a Saturday: observed Friday July 3 */
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 7, 3), "Independence Day (observed)");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 7, 4), "Independence Day");
    ck_assert_ptr_null(on(FC_COUNTRY_US, 2026, 7, 6));
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 1, 19), "Martin Luther King Jr. Day");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 2, 16), "Washington's Birthday");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 5, 25), "Memorial Day");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 9, 7), "Labor Day");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 10, 12), "Columbus Day");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 11, 11), "Veterans Day");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 6, 19), "Juneteenth");
    ck_assert_ptr_null(on(FC_COUNTRY_US, 2019, 6, 19)); /* before 2021 */
    ck_assert_str_eq(on(FC_COUNTRY_US, 2026, 12, 25), "Christmas Day");
    /* Christmas 2022 a Sunday: Monday 26; New Year 2022 a Saturday: Friday 2021-12-31 */
    ck_assert_str_eq(on(FC_COUNTRY_US, 2022, 12, 26), "Christmas Day (observed)");
    ck_assert_str_eq(on(FC_COUNTRY_US, 2021, 12, 31), "New Year's Day (observed)");
    ck_assert_ptr_null(on(FC_COUNTRY_US, 1985, 1, 21)); /* MLK Day from 1986 */
    ck_assert_str_eq(on(FC_COUNTRY_US, 2015, 11, 26), "Thanksgiving Day");
    /* 11 a year, counted on the weekdays they are observed on */
    int count = 0;
    for (int64_t d = fc_days_from_civil(2026, 1, 1); d < fc_days_from_civil(2027, 1, 1); d++)
        count += fc_weekday(d) < 5 && fc_holiday_on(FC_COUNTRY_US, d) != NULL;
    ck_assert_int_eq(count, 11);
}
END_TEST

START_TEST(test_uk_bank_holidays)
{
    ck_assert_int_eq(fc_easter(2026), fc_days_from_civil(2026, 4, 5));
    ck_assert_int_eq(fc_easter(2011), fc_days_from_civil(2011, 4, 24));
    ck_assert_int_eq(fc_easter(2000), fc_days_from_civil(2000, 4, 23));
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 4, 3), "Good Friday");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 4, 6), "Easter Monday");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 5, 4), "Early May bank holiday");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 5, 25), "Spring bank holiday");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 8, 31), "Summer bank holiday");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 12, 25), "Christmas Day");
    /* Boxing Day 2026 a Saturday: substitute Monday 28 */
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 12, 26), "Boxing Day");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2026, 12, 28), "Boxing Day (substitute day)");
    /* Christmas 2010 a Saturday: Monday 27 and Tuesday 28 */
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2010, 12, 27), "Christmas Day (substitute day)");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2010, 12, 28), "Boxing Day (substitute day)");
    /* Christmas 2011 a Sunday: Boxing Day Monday, Christmas Tuesday 27 */
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2011, 12, 27), "Christmas Day (substitute day)");
    ck_assert_ptr_null(on(FC_COUNTRY_UK, 2011, 12, 28));
    /* New Year 2011 a Saturday: Monday 3 */
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2011, 1, 3), "New Year's Day (substitute day)");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2011, 4, 29), "Royal Wedding");
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2020, 5, 8), "Early May bank holiday");
    ck_assert_ptr_null(on(FC_COUNTRY_UK, 2020, 5, 4));
    ck_assert_str_eq(on(FC_COUNTRY_UK, 2022, 6, 2), "Spring bank holiday");
    ck_assert_ptr_null(on(FC_COUNTRY_UK, 2022, 5, 30));
    ck_assert_ptr_null(on(FC_COUNTRY_UK, 2026, 11, 26)); /* not Thanksgiving */
    ck_assert_ptr_null(on(FC_COUNTRY_US, 2026, 4, 6));   /* not Easter Monday */
    double x[7];
    ck_assert_int_eq(fc_holiday_series(FC_COUNTRY_UK, fc_days_from_civil(2026, 12, 24), 7, x), 3);
    ck_assert(x[0] == 0 && x[1] == 1 && x[2] == 1 && x[3] == 0 && x[4] == 1 && x[5] == 0);
    /* 8 a year in an ordinary year */
    int count = 0;
    for (int64_t d = fc_days_from_civil(2026, 1, 1); d < fc_days_from_civil(2027, 1, 1); d++)
        count += fc_weekday(d) < 5 && fc_holiday_on(FC_COUNTRY_UK, d) != NULL;
    ck_assert_int_eq(count, 8);
}
END_TEST

/* ---- the engine with regressors ----------------------------------------- */

#define N 730
#define H 14

static uint64_t rng_state;
static double
rnd(void) /* uniform 0..1, deterministic */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* a daily series with a weekly pattern and noise; hol and promo flags over
 * N + H days; the planted effects multiply demand by hol_x and promo_x */
static void
planted(double *y, double *hol, double *promo, double *noise_flag, double hol_x, double promo_x)
{
    static const double week[7] = {1.0, 0.95, 0.9, 1.0, 1.2, 1.5, 1.3};
    rng_state = 42;
    for (int t = 0; t < N + H; t++) {
        hol[t] = t % 61 == 17 || t == N + 5 ? 1 : 0;
        promo[t] = rnd() < 0.08 || t == N + 9 ? 1 : 0;
        noise_flag[t] = rnd() < 0.1 ? 1 : 0;
        double v = 100 * week[t % 7] * (1 + 0.15 * (rnd() - 0.5));
        if (hol[t])
            v *= hol_x;
        if (promo[t])
            v *= promo_x;
        y[t] = round(v);
    }
}

static double
mase_on_horizon(const struct fc_result *r, const double *actual, double scale)
{
    double s = 0;
    for (int h = 0; h < H; h++)
        s += fabs(r->forecast[h] - actual[h]);
    return s / H / scale;
}

START_TEST(test_planted_effects_recovered)
{
    static double y[N + H], hol[N + H], promo[N + H], junk[N + H];
    static struct fc_result with, without;
    struct tm_err err;
    struct fc_options o = {.horizon = H, .origins = 8, .season = 7};
    planted(y, hol, promo, junk, 0.3, 1.8);
    struct fc_regressors xr = {.k = 2, .x = {hol, promo}, .name = {"holiday", "promotion"}};
    ck_assert_int_eq(fc_run_x(y, N, &xr, &o, &with, &err), TM_OK);
    ck_assert_int_eq(fc_run(y, N, &o, &without, &err), TM_OK);
    ck_assert_int_eq(with.regressors_used, 1);
    ck_assert_int_eq(with.n_effects, 2);
    ck_assert_str_eq(with.effects[0].name, "holiday");
    ck_assert_double_eq_tol(with.effects[0].lift, -0.7, 0.1);
    ck_assert_double_eq_tol(with.effects[1].lift, 0.8, 0.15);
    ck_assert_double_lt(with.chosen.mase, 0.9 * with.without.mase);
    ck_assert_double_eq_tol(with.without.mase, without.chosen.mase, 1e-12);
    /* the planted days ahead: the holiday low, the promotion high */
    ck_assert_double_lt(with.forecast[5], 0.5 * without.forecast[5]);
    ck_assert_double_gt(with.forecast[9], 1.4 * without.forecast[9]);
    ck_assert_double_lt(mase_on_horizon(&with, y + N, 10), mase_on_horizon(&without, y + N, 10));
    ck_assert_int_eq(fc_result_check(&with, &err), TM_OK);
}
END_TEST

START_TEST(test_irrelevant_regressor_unused)
{
    static double y[N + H], hol[N + H], promo[N + H], junk[N + H];
    static struct fc_result with, without;
    struct tm_err err;
    struct fc_options o = {.horizon = H, .origins = 8, .season = 7};
    planted(y, hol, promo, junk, 1.0, 1.0); /* no effects planted */
    struct fc_regressors xr = {.k = 1, .x = {junk}, .name = {"noise"}};
    ck_assert_int_eq(fc_run_x(y, N, &xr, &o, &with, &err), TM_OK);
    ck_assert_int_eq(fc_run(y, N, &o, &without, &err), TM_OK);
    ck_assert_int_eq(with.regressors_used, 0);
    ck_assert_double_lt(fabs(with.effects[0].lift), 0.05);
    ck_assert_mem_eq(with.forecast, without.forecast, sizeof with.forecast);
}
END_TEST

/* The overlay: a planted holiday dip. Over a horizon without a holiday the
 * overlay would be fc_run's forecast exactly, so it is not offered, and
 * none and the adjusted history are compared on the backtest's ordinary
 * days only (knowing the backtest's holidays earns nothing on a horizon
 * without one); over a horizon with a holiday only that day moves, and
 * shows the dip. */
START_TEST(test_overlay_only_on_holidays)
{
    static double y[N + H], hol[N + H], promo[N + H], junk[N + H], quiet[N + H];
    static struct fc_result with, plain, without;
    struct tm_err err;
    struct fc_options o = {.horizon = H, .origins = 8, .season = 7};
    planted(y, hol, promo, junk, 0.3, 1.0);
    memcpy(quiet, hol, sizeof quiet);
    for (int t = N; t < N + H; t++)
        quiet[t] = 0;
    ck_assert_int_eq(fc_run(y, N, &o, &without, &err), TM_OK);
    struct fc_regressors xq = {.k = 1, .x = {quiet}, .name = {"holiday"}};
    ck_assert_int_eq(fc_run_x(y, N, &xq, &o, &plain, &err), TM_OK);
    ck_assert_int_eq(plain.x_ordinary, 1);
    ck_assert_int_ne(plain.regressors_mode, FC_X_OVERLAY);
    ck_assert_double_eq_tol(plain.effects[0].lift, -0.7, 0.1);
    /* the rule, on the ordinary days' figures, for the engine's own model:
     * the adjusted history is compared only when the engine chose the same
     * model on it (else its figure is NaN) */
    ck_assert(isfinite(plain.x_bar_mase));
    /* here it chose another (it was compared before this rule: 0.200) */
    ck_assert(isnan(plain.x_adjusted_mase));
    ck_assert_int_eq(plain.regressors_mode == FC_X_ADJUSTED,
                     plain.x_adjusted_mase < (1 - FC_REGRESSOR_GAIN) * plain.x_bar_mase);
    if (plain.regressors_mode == FC_X_ADJUSTED) {
        ck_assert_int_eq(plain.model, without.model);
        ck_assert_int_eq(plain.n_members, without.n_members);
        ck_assert_mem_eq(plain.members, without.members,
                         sizeof plain.members[0] * (size_t)plain.n_members);
    }
    if (plain.regressors_mode == FC_X_NONE) {
        ck_assert_int_eq(plain.regressors_used, 0);
        ck_assert_mem_eq(plain.forecast, without.forecast, sizeof plain.forecast);
        ck_assert_mem_eq(plain.lo95, without.lo95, sizeof plain.lo95);
        ck_assert_mem_eq(plain.hi95, without.hi95, sizeof plain.hi95);
        ck_assert_mem_eq(plain.cum_q, without.cum_q, sizeof plain.cum_q);
        ck_assert_int_eq(plain.model, without.model);
    }

    struct fc_regressors xh = {.k = 1, .x = {hol}, .name = {"holiday"}}; /* day 6 ahead */
    ck_assert_int_eq(fc_run_x(y, N, &xh, &o, &with, &err), TM_OK);
    ck_assert_int_eq(with.x_ordinary, 0);
    ck_assert_int_eq(with.regressors_mode, FC_X_OVERLAY);
    ck_assert_double_lt(with.forecast[5], 0.5 * without.forecast[5]);
    ck_assert_double_lt(with.hi95[5], without.hi95[5]);
    for (int h = 0; h < H; h++)
        if (h != 5)
            ck_assert_double_eq(with.forecast[h], without.forecast[h]);
    ck_assert_mem_eq(with.cum, without.cum, 5 * sizeof with.cum[0]);
    ck_assert_double_lt(with.cum[H - 1], without.cum[H - 1]);
    ck_assert_int_eq(fc_result_check(&with, &err), TM_OK);
}
END_TEST

START_TEST(test_no_regressors_is_fc_run)
{
    static double y[N + H], hol[N + H], promo[N + H], junk[N + H];
    static struct fc_result a, b;
    struct tm_err err;
    struct fc_options o = {.horizon = H, .origins = 4, .season = 7};
    planted(y, hol, promo, junk, 0.3, 1.8);
    struct fc_regressors none = {.k = 0};
    ck_assert_int_eq(fc_run_x(y, N, &none, &o, &a, &err), TM_OK);
    ck_assert_int_eq(fc_run(y, N, &o, &b, &err), TM_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    ck_assert_int_eq(fc_run_x(y, N, NULL, &o, &a, &err), TM_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    struct fc_regressors bad = {.k = FC_MAX_REGRESSORS + 1};
    ck_assert_int_eq(fc_run_x(y, N, &bad, &o, &a, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "regressors");
    struct fc_regressors hole = {.k = 2, .x = {hol, NULL}};
    ck_assert_int_eq(fc_run_x(y, N, &hole, &o, &a, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "regressors");
}
END_TEST

Suite *forecast_regress_suite(void);

Suite *
forecast_regress_suite(void)
{
    Suite *s = suite_create("inventory.forecast_regress");
    TCase *tc = tcase_create("holidays");
    tcase_add_test(tc, test_country_codes);
    tcase_add_test(tc, test_us_federal);
    tcase_add_test(tc, test_uk_bank_holidays);
    suite_add_tcase(s, tc);
    tc = tcase_create("regressors");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_planted_effects_recovered);
    tcase_add_test(tc, test_irrelevant_regressor_unused);
    tcase_add_test(tc, test_overlay_only_on_holidays);
    tcase_add_test(tc, test_no_regressors_is_fc_run);
    suite_add_tcase(s, tc);
    return s;
}
