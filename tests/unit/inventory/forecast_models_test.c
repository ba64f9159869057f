/* tests/unit/inventory/forecast_models_test.c — the models of issue 23:
 * Theta (SES with drift on the seasonally adjusted series), the seasonal
 * median, the seasonality test that admits it, and the combination of the
 * best candidates (fc_mix and the engine's FC_COMBO), each against values
 * worked out by hand or a direct computation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_model.h"

#define EPS 1e-9

/* uniform in [0, 1), a fixed LCG: the tests do not depend on libc's rand */
static double
lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*x >> 11) / 9007199254740992.0;
}

/* on a straight line the drift is half the slope (Hyndman & Billah): the
 * forecasts climb by slope / 2 a period, from the line's last level */
START_TEST(test_theta_drift_is_half_the_slope)
{
    double y[60], f[6];
    struct fc_options o = {.horizon = 6, .origins = 4, .season = 1};
    struct fc_params p;
    for (int t = 0; t < 60; t++)
        y[t] = 100 + 2 * t;
    ck_assert_int_eq(fc_model_forecast(FC_THETA, y, 60, &o, f, &p, NULL), TM_OK);
    for (int h = 1; h < 6; h++)
        ck_assert_double_eq_tol(f[h] - f[h - 1], 1.0, 1e-6);
    ck_assert(p.alpha > 0 && p.alpha < 1);
    /* the state itself: drift from the least-squares slope, level starts at
     * the first block's mean (4 periods without a season) */
    struct fc_state s;
    struct fc_params q = {.alpha = 0.5};
    fc_state_init(&s, FC_THETA, &q, y, 0, 60, 1);
    ck_assert_double_eq_tol(s.trend, 1.0, EPS);
    ck_assert_double_eq_tol(s.level, 103, EPS);
    ck_assert_int_eq(s.mul, 1);
}
END_TEST

/* a weekly pattern whose size grows with the level gets ratio indices; a
 * flat series and white noise get none */
START_TEST(test_theta_seasonal_adjustment)
{
    static const double week[7] = {1.4, 1, 0.8, 0.8, 0.9, 1.1, 1};
    double y[140];
    for (int t = 0; t < 140; t++)
        y[t] = 50 * week[t % 7];
    ck_assert_int_eq(fc_seasonal(y, 0, 140, 7), 1);
    struct fc_state s;
    struct fc_params q = {.alpha = 0.3};
    fc_state_init(&s, FC_THETA, &q, y, 0, 140, 7);
    ck_assert_int_eq(s.mul, 1);
    for (int j = 0; j < 7; j++)
        ck_assert_double_eq_tol(s.season[j], week[j], 1e-9);
    ck_assert_double_eq_tol(s.trend, 0, 1e-9);
    double f[7];
    fc_state_path(&s, 7, f);
    for (int h = 0; h < 7; h++) /* period 140 + h is slot (140 + h) % 7 = h */
        ck_assert_double_eq_tol(f[h], 50 * week[h], 1e-6);

    uint64_t x = 7;
    for (int t = 0; t < 140; t++)
        y[t] = 20 + 5 * lcg(&x);
    ck_assert_int_eq(fc_seasonal(y, 0, 140, 7), 0);
    for (int t = 0; t < 140; t++)
        y[t] = 20;
    ck_assert_int_eq(fc_seasonal(y, 0, 140, 7), 0);
    ck_assert_int_eq(fc_seasonal(y, 0, 14, 7), 0); /* fewer than 3 seasons */
}
END_TEST

/* the same weekday over the last k weeks: a holiday (one Monday at 0) does
 * not move the median, which is the point forecast; the mean path is the
 * mean of the same values */
START_TEST(test_seasonal_median_ignores_one_holiday)
{
    double y[84];
    for (int t = 0; t < 84; t++)
        y[t] = t % 7 == 0 ? 30 : 10 + (t % 7);
    y[77] = 0; /* the last Monday (slot 0) was a holiday */
    struct fc_state s;
    struct fc_params q = {.window = 4};
    fc_state_init(&s, FC_SEASONAL_MEDIAN, &q, y, 0, 84, 7);
    for (int t = 0; t < 84; t++)
        fc_state_update(&s, y[t]);
    double mean[14], med[14], point[14];
    fc_seasonal_paths(&s, 14, mean, med);
    fc_state_point(&s, 14, point);
    ck_assert_double_eq_tol(med[0], 30, EPS); /* median of 0, 30, 30, 30 */
    ck_assert_double_eq_tol(mean[0], 22.5, EPS);
    ck_assert_double_eq_tol(med[7], 30, EPS);
    for (int h = 1; h < 7; h++)
        ck_assert_double_eq_tol(med[h], 10 + h, EPS);
    for (int h = 0; h < 14; h++)
        ck_assert_double_eq_tol(point[h], med[h], EPS); /* a median: no shift */
    double f[14];
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_params p;
    ck_assert_int_eq(fc_model_forecast(FC_SEASONAL_MEDIAN, y, 84, &o, f, &p, NULL), TM_OK);
    ck_assert_double_eq_tol(p.shift, 0, EPS);
    ck_assert_double_eq_tol(f[0], 30, EPS);
    /* with a season, only a seasonal series may use it; without one, it is
     * the moving median */
    ck_assert_int_eq(fc_usable(FC_SEASONAL_MEDIAN, y, 0, 84, 7), FC_SEASONAL_MEDIAN);
    double flat[84];
    for (int t = 0; t < 84; t++)
        flat[t] = 10;
    ck_assert_int_eq(fc_usable(FC_SEASONAL_MEDIAN, flat, 0, 84, 7), FC_MODEL_COUNT);
    ck_assert_int_eq(fc_usable(FC_SEASONAL_MEDIAN, flat, 0, 84, 1), FC_SEASONAL_MEDIAN);
}
END_TEST

/* a mix of two models: its mean path and point forecasts are the means of
 * the members', stepped together */
START_TEST(test_mix_is_the_mean_of_its_members)
{
    double y[100];
    uint64_t x = 3;
    for (int t = 0; t < 100; t++)
        y[t] = 20 + 10 * (t % 7 == 5) + 4 * lcg(&x);
    enum fc_model models[2] = {FC_SES, FC_SEASONAL_SES};
    struct fc_params p[2] = {{.alpha = 0.2, .shift = -1}, {.alpha = 0.1, .gamma = 0.1, .shift = 2}};
    struct fc_mix mix;
    struct fc_state a, b;
    fc_mix_init(&mix, 2, models, p, y, 0, 100, 7);
    fc_state_init(&a, models[0], &p[0], y, 0, 100, 7);
    fc_state_init(&b, models[1], &p[1], y, 0, 100, 7);
    for (int t = 0; t < 100; t++) {
        fc_mix_update(&mix, y[t]);
        fc_state_update(&a, y[t]);
        fc_state_update(&b, y[t]);
    }
    double mp[7], mq[7], pa[7], pb[7], qa[7], qb[7];
    fc_mix_path(&mix, 7, mp);
    fc_mix_point(&mix, 7, mq);
    fc_state_path(&a, 7, pa);
    fc_state_path(&b, 7, pb);
    fc_state_point(&a, 7, qa);
    fc_state_point(&b, 7, qb);
    for (int h = 0; h < 7; h++) {
        ck_assert_double_eq_tol(mp[h], (pa[h] + pb[h]) / 2, EPS);
        ck_assert_double_eq_tol(mq[h], (qa[h] + qb[h]) / 2, EPS);
        ck_assert_double_eq_tol(qa[h], pa[h] - 1, EPS);
    }
    ck_assert_double_eq_tol(mix.shift, 0.5, EPS);
}
END_TEST

/* The engine on noisy seasonal series: whatever it chooses keeps
 * fc_result's promises, a combination names 2..3 distinct members that are
 * models of their own, and fc_model_forecast(FC_COMBO) is the engine's
 * forecast. Over these series at least one combination is chosen (the
 * mean of the best three beats the best one on some of them). */
START_TEST(test_engine_combination)
{
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    double y[400], f[14];
    int combos = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        uint64_t x = seed;
        double level = 50;
        for (int t = 0; t < 400; t++) {
            level += 2 * (lcg(&x) - 0.5);
            y[t] = fmax(0, level * (t % 7 >= 5 ? 1.5 : 1) + 15 * (lcg(&x) - 0.5));
        }
        ck_assert_int_eq(fc_run(y, 400, &o, r, NULL), TM_OK);
        ck_assert_int_eq(fc_result_check(r, NULL), TM_OK);
        if (r->model == FC_COMBO) {
            combos++;
            ck_assert(r->n_members >= 2 && r->n_members <= FC_MIX_MAX);
            for (int i = 0; i < r->n_members; i++) {
                ck_assert(r->members[i] != FC_COMBO && r->members[i] < FC_MODEL_COUNT);
                for (int j = 0; j < i; j++)
                    ck_assert_int_ne(r->members[i], r->members[j]);
            }
        } else {
            ck_assert_int_eq(r->n_members, 1);
            ck_assert_int_eq(r->members[0], r->model);
        }
        ck_assert_int_eq(fc_model_forecast(FC_COMBO, y, 400, &o, f, NULL, NULL), TM_OK);
        for (int h = 0; h < 14; h++)
            ck_assert_double_eq_tol(f[h], r->forecast[h], EPS);
    }
    ck_assert_int_gt(combos, 0);
    free(r);
}
END_TEST

Suite *forecast_models_suite(void);

Suite *
forecast_models_suite(void)
{
    Suite *s = suite_create("inventory.forecast_models");
    TCase *tc = tcase_create("forecast_models");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_theta_drift_is_half_the_slope);
    tcase_add_test(tc, test_theta_seasonal_adjustment);
    tcase_add_test(tc, test_seasonal_median_ignores_one_holiday);
    tcase_add_test(tc, test_mix_is_the_mean_of_its_members);
    tcase_add_test(tc, test_engine_combination);
    suite_add_tcase(s, tc);
    return s;
}
