/* tests/unit/inventory/forecast_test.c — the forecasting library against
 * values worked out by hand: classes, each model's recurrences, the seed
 * formula, scales and accuracy, the ETS variance formulas, the engine on
 * series whose future is known, bad input, and seasonal patterns. */
#include <math.h>
#include <nlopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_model.h"

#define EPS 1e-9

static void
classify(const double *y, int n, struct fc_classinfo *info)
{
    fc_classify(y, n, 7, info);
}

START_TEST(test_classes)
{
    struct fc_classinfo c;
    double smooth[20], erratic[20], inter[22], lumpy[24], zero[20];
    for (int i = 0; i < 20; i++) {
        smooth[i] = i % 2 ? 12 : 10; /* mean 11, var 1: CV² = 1/121 */
        erratic[i] = i % 2 ? 9 : 1;  /* mean 5, var 16: CV² = 0.64 */
        zero[i] = 0;
    }
    for (int i = 0; i < 22; i++)
        inter[i] = i >= 2 && i % 2 == 0 ? 5 : 0; /* from index 2: 20 periods, 10 demands */
    for (int i = 0; i < 24; i++)
        lumpy[i] = i % 4 == 0 ? (i % 8 ? 9 : 1) : 0; /* every 4th: 1, 9, 1, 9 ... */

    classify(smooth, 20, &c);
    ck_assert_int_eq(c.cls, FC_SMOOTH);
    ck_assert_double_eq_tol(c.adi, 1.0, EPS);
    ck_assert_double_eq_tol(c.cv2, 1.0 / 121, EPS);
    classify(erratic, 20, &c);
    ck_assert_int_eq(c.cls, FC_ERRATIC);
    ck_assert_double_eq_tol(c.cv2, 0.64, EPS);
    classify(inter, 22, &c);
    ck_assert_int_eq(c.cls, FC_INTERMITTENT);
    ck_assert_int_eq(c.start, 2);
    ck_assert_double_eq_tol(c.adi, 2.0, EPS); /* leading zeros are not history */
    ck_assert_double_eq_tol(c.cv2, 0, EPS);
    classify(lumpy, 24, &c);
    ck_assert_int_eq(c.cls, FC_LUMPY);
    ck_assert_double_eq_tol(c.adi, 4.0, EPS);
    ck_assert_double_eq_tol(c.cv2, 0.64, EPS);
    classify(zero, 20, &c);
    ck_assert_int_eq(c.cls, FC_NO_DEMAND);
    classify(smooth, 5, &c);
    ck_assert_int_eq(c.cls, FC_TOO_SHORT);
    classify(NULL, 0, &c);
    ck_assert_int_eq(c.cls, FC_TOO_SHORT);
    ck_assert_str_eq(fc_class_name(FC_LUMPY), "lumpy");
    ck_assert(strlen(fc_class_reason(FC_TOO_SHORT)) > 0);

    double bad[6] = {NAN, INFINITY, -3, 4, 0, 5};
    classify(bad, 6, &c);
    ck_assert_int_eq(c.missing, 1);
    ck_assert_int_eq(c.invalid, 1);
    ck_assert_int_eq(c.negative, 1);
    ck_assert_int_eq(c.observed, 4);
    ck_assert_int_eq(c.nonzero, 2);
}
END_TEST

START_TEST(test_recurrences)
{
    struct fc_params p = {.alpha = 0.5, .beta = 0.5, .phi = 0.9};
    struct fc_state s;
    double y[40] = {0}, path[3];

    fc_state_init(&s, FC_SES, &p, y, 0, 40, 1);
    s.level = 10;
    fc_state_update(&s, 20);
    ck_assert_double_eq_tol(s.level, 15, EPS);
    fc_state_update(&s, NAN); /* missing: no update */
    ck_assert_double_eq_tol(s.level, 15, EPS);
    fc_state_update(&s, 30);
    fc_state_path(&s, 3, path);
    ck_assert_double_eq_tol(path[2], 22.5, EPS);

    fc_state_init(&s, FC_HOLT_DAMPED, &p, y, 0, 40, 1);
    s.level = 10;
    s.trend = 2;
    fc_state_path(&s, 2, path);
    ck_assert_double_eq_tol(path[0], 11.8, EPS);  /* 10 + 0.9·2 */
    ck_assert_double_eq_tol(path[1], 13.42, EPS); /* 10 + (0.9 + 0.81)·2 */
    fc_state_update(&s, 13.8);                    /* error 2 */
    ck_assert_double_eq_tol(s.level, 12.8, EPS);  /* 11.8 + 0.5·2 */
    ck_assert_double_eq_tol(s.trend, 2.8, EPS);   /* 0.9·2 + 0.5·2 */

    fc_state_init(&s, FC_CROSTON, &p, y, 0, 40, 1);
    s.size = 4;
    s.interval = 2;
    s.since = 1;
    fc_state_update(&s, 0);
    ck_assert_int_eq(s.since, 2);
    fc_state_update(&s, 6);
    ck_assert_double_eq_tol(s.size, 5, EPS);
    ck_assert_double_eq_tol(s.interval, 2, EPS);
    fc_state_path(&s, 1, path);
    ck_assert_double_eq_tol(path[0], 2.5, EPS);
    s.model = FC_SBA;
    fc_state_path(&s, 1, path);
    ck_assert_double_eq_tol(path[0], 1.875, EPS); /* (1 - 0.5/2)·2.5 */

    fc_state_init(&s, FC_TSB, &p, y, 0, 40, 1);
    s.prob = 0.5;
    s.size = 4;
    fc_state_update(&s, 0);
    fc_state_path(&s, 1, path);
    ck_assert_double_eq_tol(path[0], 1.0, EPS); /* 0.25 · 4 */
    fc_state_update(&s, 8);
    fc_state_path(&s, 1, path);
    ck_assert_double_eq_tol(path[0], 3.75, EPS); /* 0.625 · 6 */

    /* Holt-Winters additive: slots by period index mod m */
    struct fc_params q = {.alpha = 0.5, .beta = 0, .gamma = 0.5, .phi = 1};
    fc_state_init(&s, FC_HW_ADD, &q, y, 0, 40, 2);
    s.level = 10;
    s.trend = 0;
    s.season[0] = -1;
    s.season[1] = 1;
    fc_state_path(&s, 3, path);
    ck_assert_double_eq_tol(path[0], 9, EPS);
    ck_assert_double_eq_tol(path[1], 11, EPS);
    ck_assert_double_eq_tol(path[2], 9, EPS);
    fc_state_update(&s, 11); /* forecast 9, error 2 */
    ck_assert_double_eq_tol(s.level, 11, EPS);
    ck_assert_double_eq_tol(s.season[0], 0, EPS);

    /* seasonal naive and naive */
    double w[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    fc_state_init(&s, FC_SNAIVE, &q, w, 0, 9, 3);
    for (int t = 0; t < 9; t++)
        fc_state_update(&s, w[t]);
    fc_state_path(&s, 3, path);
    ck_assert_double_eq_tol(path[0], 7, EPS);
    ck_assert_double_eq_tol(path[2], 9, EPS);
    fc_state_init(&s, FC_MA, &(struct fc_params){.window = 4}, w, 0, 9, 1);
    for (int t = 0; t < 9; t++)
        fc_state_update(&s, w[t]);
    fc_state_path(&s, 1, path);
    ck_assert_double_eq_tol(path[0], 7.5, EPS); /* (6+7+8+9)/4 */
}
END_TEST

START_TEST(test_seed_formula)
{
    /* last 7 days with sales 2, 4, 6: MA7 = MA30 = 4, trend 1,
     * CV = sqrt(8/3)/4; rate = 4·(1 + 0.2·CV) */
    double y[7] = {0, 2, 0, 4, 0, 6, 0}, path[2];
    struct fc_params p = {0};
    struct fc_state s;
    fc_state_init(&s, FC_SEED, &p, y, 0, 7, 1);
    for (int t = 0; t < 7; t++)
        fc_state_update(&s, y[t]);
    fc_state_path(&s, 2, path);
    double want = 4 * (1 + 0.2 * sqrt(8.0 / 3) / 4);
    ck_assert_double_eq_tol(path[0], want, 1e-9);
    ck_assert_double_eq_tol(path[1], want, 1e-9);
}
END_TEST

START_TEST(test_scale_and_accuracy)
{
    double y[4] = {1, 3, NAN, 2}, a, q;
    fc_scale(y, 0, 4, &a, &q); /* changes 2 and -1 (missing skipped) */
    ck_assert_double_eq_tol(a, 1.5, EPS);
    ck_assert_double_eq_tol(q, 2.5, EPS);
    double c[3] = {4, 4, 4};
    fc_scale(c, 0, 3, &a, &q); /* constant: its level */
    ck_assert_double_eq_tol(a, 4, EPS);

    double f[3] = {2, 2, 2}, act[3] = {1, NAN, 4};
    struct fc_accuracy acc;
    fc_accuracy_of(f, act, 3, 2, 4, &acc);
    ck_assert_int_eq(acc.points, 2);
    ck_assert_double_eq_tol(acc.mase, 0.75, EPS);            /* (1+2)/2/2 */
    ck_assert_double_eq_tol(acc.rmsse, sqrt(1.25 / 2), EPS); /* (1+4)/2/4 */
    ck_assert_double_eq_tol(acc.bias, -0.2, EPS);            /* mean error -0.5 / mean 2.5 */
}
END_TEST

START_TEST(test_ets_variance)
{
    double var[4], cvar[4];
    struct fc_params p = {.alpha = 0.5, .sigma2 = 4, .phi = 1};
    fc_ets_variance(FC_SES, &p, 1, 3, var, cvar);
    ck_assert_double_eq_tol(var[0], 4, EPS);
    ck_assert_double_eq_tol(var[2], 6, EPS); /* 4·(1 + 2·0.25) */
    /* sum of 2 periods: e1(1 + c1) + e2 → 4·((1.5)² + 1) = 13 */
    ck_assert_double_eq_tol(cvar[1], 13, EPS);
    struct fc_params h = {.alpha = 0.5, .beta = 0.1, .phi = 0.5, .sigma2 = 1};
    fc_ets_variance(FC_HOLT_DAMPED, &h, 1, 2, var, cvar);
    ck_assert_double_eq_tol(var[1], 1 + 0.55 * 0.55, EPS); /* c1 = 0.5 + 0.1·0.5 */
}
END_TEST

static int
all_sane(const struct fc_result *r)
{
    for (int h = 0; h < r->horizon; h++) {
        const double v[] = {r->forecast[h], r->mean[h],     r->lo80[h],    r->hi80[h],
                            r->lo95[h],     r->hi95[h],     r->cum[h],     r->cum_lo80[h],
                            r->cum_hi80[h], r->cum_lo95[h], r->cum_hi95[h]};
        for (size_t i = 0; i < sizeof v / sizeof *v; i++)
            if (!isfinite(v[i]) || v[i] < 0)
                return 0;
        if (!(r->lo95[h] <= r->lo80[h] && r->lo80[h] <= r->forecast[h] &&
              r->forecast[h] <= r->hi80[h] && r->hi80[h] <= r->hi95[h]))
            return 0;
        if (!(r->cum_lo95[h] <= r->cum[h] && r->cum[h] <= r->cum_hi95[h]))
            return 0;
        if (h > 0 && r->cum[h] < r->cum[h - 1])
            return 0;
    }
    return 1;
}

START_TEST(test_engine_known_future)
{
    /* a pure weekly pattern: weekends 15, weekdays 10 */
    int n = 200;
    double *y = malloc(sizeof *y * (size_t)n);
    for (int t = 0; t < n; t++)
        y[t] = t % 7 >= 5 ? 15 : 10;
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    ck_assert_int_eq(fc_run(y, n, &o, r, NULL), TM_OK);
    ck_assert_int_eq(r->info.cls, FC_SMOOTH);
    ck_assert_int_eq(r->origins, 4);
    ck_assert(r->chosen.mase < 1e-3);
    ck_assert(r->snaive.mase < 1e-9);
    ck_assert(r->seed.mase > 0.1); /* the seed's level misses the weekend */
    for (int h = 0; h < 14; h++)
        ck_assert_double_eq_tol(r->forecast[h], (n + h) % 7 >= 5 ? 15 : 10, 1e-2);
    ck_assert(all_sane(r));

    /* constant demand: forecast it, with a zero-width cumulative band */
    for (int t = 0; t < n; t++)
        y[t] = 3;
    ck_assert_int_eq(fc_run(y, n, &o, r, NULL), TM_OK);
    for (int h = 0; h < 14; h++)
        ck_assert_double_eq_tol(r->forecast[h], 3, 1e-6);
    ck_assert_double_eq_tol(r->cum[13], 42, 1e-4);
    ck_assert(all_sane(r));

    /* intermittent: every 4th day 2 units; the rate is 0.5 a day */
    for (int t = 0; t < n; t++)
        y[t] = t % 4 == 0 ? 2 : 0;
    ck_assert_int_eq(fc_run(y, n, &o, r, NULL), TM_OK);
    ck_assert_int_eq(r->info.cls, FC_INTERMITTENT);
    ck_assert(all_sane(r));
    ck_assert(r->cum[13] > 3 && r->cum[13] < 10);
    ck_assert(r->cum_hi95[13] >= 7); /* 14 days hold 3 or 4 demands of 2 */
    free(r);
    free(y);
}
END_TEST

START_TEST(test_loss_and_median)
{
    /* naive on 1, 3, 2: one-step errors 2 and -1 */
    double y3[3] = {1, 3, 2};
    struct fc_params none = {.phi = 1, .window = 1};
    int c = 0;
    ck_assert_double_eq_tol(fc_loss(FC_NAIVE, &none, y3, 0, 3, 1, FC_LOSS_ABSOLUTE, &c), 3, EPS);
    ck_assert_int_eq(c, 2);
    ck_assert_double_eq_tol(fc_loss(FC_NAIVE, &none, y3, 0, 3, 1, FC_LOSS_SQUARED, NULL), 5, EPS);
    ck_assert_int_eq(fc_loss_for(FC_SMOOTH), FC_LOSS_ABSOLUTE);
    ck_assert_int_eq(fc_loss_for(FC_ERRATIC), FC_LOSS_ABSOLUTE);
    ck_assert_int_eq(fc_loss_for(FC_INTERMITTENT), FC_LOSS_SQUARED);
    ck_assert_int_eq(fc_loss_for(FC_LUMPY), FC_LOSS_SQUARED);

    /* MA on 5 periods can only average 2: forecasts 2, 3, 2, 3 for 4, 0,
     * 6, 10; errors 2, -3, 4, 7; median (2 + 4) / 2 */
    double y5[5] = {2, 4, 0, 6, 10};
    struct fc_params p;
    ck_assert_int_eq(fc_fit(FC_MA, y5, 0, 5, 1, FC_LOSS_SQUARED, &p, NULL), TM_OK);
    ck_assert_int_eq(p.window, 2);
    ck_assert_double_eq_tol(p.shift, 3, EPS);
    ck_assert_double_eq_tol(p.sigma2, (4 + 9 + 16 + 49) / 4.0, EPS);
    /* the benchmarks are used as published */
    ck_assert_int_eq(fc_fit(FC_SNAIVE, y5, 0, 5, 1, FC_LOSS_SQUARED, &p, NULL), TM_OK);
    ck_assert_double_eq_tol(p.shift, 0, EPS);
    ck_assert_int_eq(fc_fit(FC_SEED, y5, 0, 5, 1, FC_LOSS_SQUARED, &p, NULL), TM_OK);
    ck_assert_double_eq_tol(p.shift, 0, EPS);
}
END_TEST

/* one day in five a promotion sells six times the usual: the point forecast
 * is the usual day (the median), the mean and the sums keep the promotions */
START_TEST(test_engine_median_point)
{
    int n = 300;
    uint64_t x = 42;
    double *y = malloc(sizeof *y * (size_t)n);
    for (int t = 0; t < n; t++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(x >> 11) / 9007199254740992.0;
        y[t] = u < 0.2 ? 60 : 10 + 10 * u; /* usual days 12..20; mean 24, median 16 */
    }
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    ck_assert_int_eq(fc_run(y, n, &o, r, NULL), TM_OK);
    ck_assert_int_eq(r->info.cls, FC_ERRATIC);
    ck_assert(all_sane(r));
    for (int h = 0; h < 14; h++) {
        ck_assert_msg(r->forecast[h] > 11 && r->forecast[h] < 17, "h %d: %f (%s)", h,
                      r->forecast[h], fc_model_name(r->model));
        ck_assert(r->forecast[h] <= r->mean[h] - 3);
    }
    /* naive and seasonal naive have no mean but a last value: a model (or
     * combination) without them carries the promotions in its mean */
    int published = 0;
    for (int i = 0; i < r->n_members; i++)
        published |= r->members[i] == FC_NAIVE || r->members[i] == FC_SNAIVE;
    ck_assert_int_eq(r->members[0], r->n_members > 1 ? r->members[0] : r->model);
    if (!published)
        ck_assert_msg(r->cum[13] > 14 * 18, "%f %s %s %s", r->cum[13], fc_model_name(r->members[0]),
                      fc_model_name(r->members[1]),
                      fc_model_name(r->members[2])); /* mean ~24 a day */
    free(r);
    free(y);
}
END_TEST

/* a slow seller, no sale on most days: every interval starts at 0 */
START_TEST(test_engine_zero_lower_bounds)
{
    int n = 400;
    uint64_t x = 7;
    double *y = malloc(sizeof *y * (size_t)n);
    for (int t = 0; t < n; t++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(x >> 11) / 9007199254740992.0;
        y[t] = u < 0.3 ? 1 + (int)(u * 20) : 0;
    }
    struct fc_options o = {.horizon = 28, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    ck_assert_int_eq(fc_run(y, n, &o, r, NULL), TM_OK);
    ck_assert(r->info.cls == FC_INTERMITTENT || r->info.cls == FC_LUMPY);
    ck_assert(all_sane(r));
    for (int h = 0; h < 28; h++) {
        ck_assert_msg(r->lo80[h] == 0 && r->lo95[h] == 0, "h %d: %g %g", h, r->lo80[h], r->lo95[h]);
        ck_assert(r->hi95[h] >= 1);
    }
    ck_assert(r->cum_lo95[0] == 0);
    ck_assert(r->cum_lo80[27] > 0); /* four weeks without a sale did not happen */
    /* the sums' grid: 0 where sums were 0, rising, around the intervals */
    ck_assert(r->cum_q[0][0] == 0);
    for (int h = 0; h < 28; h++) {
        ck_assert(r->cum_q[h][FC_CUM_NQ - 1] > 0);
        for (int j = 1; j < FC_CUM_NQ; j++)
            ck_assert(r->cum_q[h][j] >= r->cum_q[h][j - 1]);
    }
    ck_assert_double_eq(fc_cum_levels[15], 0.975);
    ck_assert(r->cum_q[27][15] >= r->cum_hi95[27] - 1e-9); /* no narrower */
    ck_assert(r->cum_q[27][7] <= r->cum_hi80[27]);
    ck_assert(r->chosen.cover80 >= 0.5);
    free(r);
    free(y);
}
END_TEST

/* options outside their ranges: refused, naming the option */
static const struct {
    struct fc_options o;
    const char *field;
} bad_options[] = {
    {{0, 4, 7}, "horizon"},  {{FC_MAX_HORIZON + 1, 4, 7}, "horizon"},
    {{14, 0, 7}, "origins"}, {{14, FC_MAX_ORIGINS + 1, 7}, "origins"},
    {{14, 4, 0}, "season"},  {{14, 4, FC_MAX_SEASON + 1}, "season"},
};

START_TEST(test_engine_refuses_bad_options)
{
    double y[30] = {1, 2, 3};
    struct fc_result *r = malloc(sizeof *r);
    struct tm_err e;
    double f[FC_MAX_HORIZON + 1];

    tm_err_clear(&e);
    ck_assert_int_eq(fc_options_check(&bad_options[_i].o, &e), TM_INVALID);
    ck_assert_str_eq(e.field, bad_options[_i].field);
    tm_err_clear(&e);
    r->horizon = 99;
    ck_assert_int_eq(fc_run(y, 30, &bad_options[_i].o, r, &e), TM_INVALID);
    ck_assert_str_eq(e.field, bad_options[_i].field);
    ck_assert_int_eq(r->horizon, 0); /* nothing to show */
    tm_err_clear(&e);
    ck_assert_int_eq(fc_model_forecast(FC_SES, y, 30, &bad_options[_i].o, f, NULL, &e), TM_INVALID);
    ck_assert_str_eq(e.field, bad_options[_i].field);
    free(r);
}
END_TEST

START_TEST(test_engine_refuses_bad_history)
{
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    double *y = calloc(FC_MAX_HISTORY + 1, sizeof *y), f[14];
    struct tm_err e;

    y[0] = 1;
    ck_assert_int_eq(fc_run(y, -1, &o, r, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "history");
    ck_assert_int_eq(fc_run(NULL, 5, &o, r, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "history");
    ck_assert_int_eq(fc_run(y, FC_MAX_HISTORY + 1, &o, r, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "history");
    ck_assert_int_eq(fc_run(y, FC_MAX_HISTORY, &o, r, &e), TM_OK); /* the limit itself */
    ck_assert_int_eq(fc_model_forecast(FC_MODEL_COUNT, y, 30, &o, f, NULL, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "model");
    ck_assert_int_eq(fc_model_forecast(FC_SES, y, FC_MAX_HISTORY + 1, &o, f, NULL, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "history");
    free(y);
    free(r);
}
END_TEST

/* no period observed: no forecast, rather than a forecast of zero */
START_TEST(test_engine_too_little_history)
{
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    double missing[40], f[14];
    struct tm_err e;

    for (int t = 0; t < 40; t++)
        missing[t] = t % 2 ? NAN : INFINITY; /* not finite counts as missing */
    tm_err_clear(&e);
    ck_assert_int_eq(fc_run(NULL, 0, &o, r, &e), TM_UNPROCESSABLE);
    ck_assert_str_eq(e.field, "");
    ck_assert_msg(strstr(e.message, "too little history") != NULL, "%s", e.message);
    ck_assert_int_eq(r->horizon, 0);
    tm_err_clear(&e);
    ck_assert_int_eq(fc_run(missing, 40, &o, r, &e), TM_UNPROCESSABLE);
    ck_assert_msg(strstr(e.message, "too little history") != NULL, "%s", e.message);
    ck_assert_int_eq(r->horizon, 0);
    ck_assert_int_eq(r->info.missing, 0); /* zeroed, not half filled */
    ck_assert_int_eq(fc_model_forecast(FC_SES, missing, 40, &o, f, NULL, &e), TM_UNPROCESSABLE);

    /* one observed period is enough for the mean */
    missing[39] = 5;
    ck_assert_int_eq(fc_run(missing, 40, &o, r, &e), TM_OK);
    ck_assert_int_eq(r->info.cls, FC_TOO_SHORT);
    ck_assert_int_eq(r->model, FC_MEAN);
    ck_assert_double_eq_tol(r->forecast[0], 5, EPS);
    free(r);
}
END_TEST

START_TEST(test_engine_odd_input_still_forecasts)
{
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);

    double one[1] = {5};
    ck_assert_int_eq(fc_run(one, 1, &o, r, NULL), TM_OK);
    ck_assert_int_eq(r->info.cls, FC_TOO_SHORT);
    ck_assert_int_eq(r->model, FC_MEAN);
    ck_assert_double_eq_tol(r->forecast[0], 5, EPS);
    ck_assert(all_sane(r));

    double zeros[60] = {0};
    ck_assert_int_eq(fc_run(zeros, 60, &o, r, NULL), TM_OK);
    ck_assert_int_eq(r->info.cls, FC_NO_DEMAND);
    ck_assert_int_eq(r->model, FC_ZERO);
    ck_assert(all_sane(r));

    double ugly[120];
    for (int t = 0; t < 120; t++)
        ugly[t] = t % 5 == 0 ? NAN : t % 7 == 0 ? -4 : t % 11 == 0 ? INFINITY : 3 + t % 3;
    ugly[60] = 1e300; /* an outlier from bad data */
    ck_assert_int_eq(fc_run(ugly, 120, &o, r, NULL), TM_OK);
    ck_assert(all_sane(r));
    ck_assert(r->info.negative > 0 && r->info.missing > 0 && r->info.invalid > 0);

    /* demand in subnormal amounts (found by the fuzzer): the error scale
     * floors at FC_SCALE_MIN, so no accuracy comes back infinite */
    double tiny[15] = {0,      0,      -1e-59, 2.27285e-319, 0,      0,       0,
                       -1e-59, -1e-59, -1e-59, -1e-59,       -1e-59, -1e-304, 5.7e-241};
    struct fc_options o2 = {.horizon = 2, .origins = 8, .season = 1};
    double sa = 0, sq = 0;
    ck_assert_int_eq(fc_run(tiny, 15, &o2, r, NULL), TM_OK);
    ck_assert(isfinite(r->chosen.mase) && isfinite(r->chosen.rmsse) && isfinite(r->chosen.bias));
    fc_scale(tiny, 0, 15, &sa, &sq);
    ck_assert_double_eq(sa, 1);
    ck_assert_double_eq(sq, 1);

    double f[14];
    for (int m = 0; m < FC_MODEL_COUNT; m++) {
        ck_assert_int_eq(fc_model_forecast((enum fc_model)m, ugly, 120, &o, f, NULL, NULL), TM_OK);
        for (int h = 0; h < 14; h++)
            ck_assert(isfinite(f[h]) && f[h] >= 0);
    }
    free(r);
}
END_TEST

/* fc_result_check against results broken one value at a time: each is
 * refused, and the message names what broke */
static void
break_nan_forecast(struct fc_result *r)
{
    r->forecast[3] = NAN;
}
static void
break_inf_sum(struct fc_result *r)
{
    r->cum_hi95[0] = INFINITY;
}
static void
break_lo80_above_forecast(struct fc_result *r)
{
    r->lo80[5] = r->forecast[5] + 1;
}
static void
break_negative_mean(struct fc_result *r)
{
    r->mean[2] = -1;
}
static void
break_falling_sum(struct fc_result *r)
{
    r->cum[6] = r->cum[5] - 1;
    r->cum_lo95[6] = r->cum_lo80[6] = 0;
}
static void
break_parameter(struct fc_result *r)
{
    r->params.alpha = NAN;
}
static void
break_accuracy(struct fc_result *r)
{
    r->seed.mase = INFINITY;
}
static void
break_grid(struct fc_result *r)
{
    r->cum_q[2][5] = r->cum_q[2][4] - 1;
}
static void
break_horizon(struct fc_result *r)
{
    r->horizon = 0;
}

static const struct {
    void (*breaks)(struct fc_result *r);
    const char *says;
} broken[] = {
    {break_nan_forecast, "forecast value of period 4 is nan"},
    {break_inf_sum, "sum hi95 of period 1 is inf"},
    {break_lo80_above_forecast, "forecast value of period 6"},
    {break_negative_mean, "mean of period 3 is -1"},
    {break_falling_sum, "sum of period 7 falls"},
    {break_parameter, "a parameter of"},
    {break_accuracy, "accuracy of the seed formula"},
    {break_grid, "quantile 0.3 of the sum of period 3"},
    {break_horizon, "horizon 0"},
};

START_TEST(test_result_check_names_what_breaks)
{
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 7};
    struct fc_result *r = malloc(sizeof *r);
    double y[120];
    struct tm_err e;

    for (int t = 0; t < 120; t++)
        y[t] = 10 + t % 7;
    ck_assert_int_eq(fc_run(y, 120, &o, r, NULL), TM_OK);
    ck_assert(r->cum[6] > r->cum[5] + 1);
    ck_assert_int_eq(fc_result_check(r, NULL), TM_OK);
    broken[_i].breaks(r);
    tm_err_clear(&e);
    ck_assert_int_eq(fc_result_check(r, &e), TM_INTERNAL);
    ck_assert_msg(strstr(e.message, broken[_i].says) != NULL, "%s", e.message);
    free(r);
}
END_TEST

/* how fitting reads NLopt's outcome */
static const struct {
    int nlopt;
    enum tm_code want;
    const char *says;
} nlopt_outcomes[] = {
    {NLOPT_SUCCESS, TM_OK, NULL},
    {NLOPT_FTOL_REACHED, TM_OK, NULL},
    {NLOPT_XTOL_REACHED, TM_OK, NULL},
    {NLOPT_MAXEVAL_REACHED, TM_OK, NULL},
    {NLOPT_ROUNDOFF_LIMITED, TM_OK, NULL},
    {NLOPT_FAILURE, TM_INTERNAL, "optimiser failed fitting holt_damped: FAILURE (-1)"},
    {NLOPT_INVALID_ARGS, TM_INTERNAL, "holt_damped: INVALID_ARGS (-2)"},
    {NLOPT_OUT_OF_MEMORY, TM_INTERNAL, "holt_damped: OUT_OF_MEMORY (-3)"},
    {NLOPT_FORCED_STOP, TM_INTERNAL, "holt_damped: FORCED_STOP (-5)"},
    {-42, TM_INTERNAL, "holt_damped: "},
};

START_TEST(test_optimiser_result)
{
    struct tm_err e;

    tm_err_clear(&e);
    ck_assert_int_eq(fc_optimiser_result(nlopt_outcomes[_i].nlopt, FC_HOLT_DAMPED, &e),
                     nlopt_outcomes[_i].want);
    if (nlopt_outcomes[_i].says)
        ck_assert_msg(strstr(e.message, nlopt_outcomes[_i].says) != NULL, "%s", e.message);
    else
        ck_assert_str_eq(e.message, "");
}
END_TEST

/* random series of every shape, a fixed LCG: the engine's promises hold */
START_TEST(test_engine_random_series)
{
    uint64_t x = 88172645463325252ULL;
    struct fc_result *r = malloc(sizeof *r);
    double *y = malloc(sizeof *y * 800);
    for (int round = 0; round < 60; round++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int n = (int)(x >> 33) % 800;
        struct fc_options o = {.horizon = 1 + (int)((x >> 20) % 60),
                               .origins = 1 + round % 8,
                               .season = 1 + round % 12};
        for (int t = 0; t < n; t++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            double u = (double)(x >> 11) / 9007199254740992.0;
            y[t] = round % 3 == 0 ? (u < 0.7 ? 0 : u * 20) : 50 + 30 * sin(t / 3.0) + u * 10;
            if (round % 5 == 0 && u < 0.02)
                y[t] = u < 0.01 ? NAN : -u * 1e6;
        }
        ck_assert_int_eq(fc_run(y, n, &o, r, NULL), TM_OK);
        ck_assert_msg(all_sane(r), "round %d", round);
    }
    free(y);
    free(r);
}
END_TEST

START_TEST(test_calendar_and_patterns)
{
    ck_assert_int_eq(fc_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(fc_days_from_civil(2000, 3, 1), 11017);
    int y, m, d;
    fc_civil_from_days(11017, &y, &m, &d);
    ck_assert(y == 2000 && m == 3 && d == 1);
    fc_civil_from_days(-1, &y, &m, &d);
    ck_assert(y == 1969 && m == 12 && d == 31);
    ck_assert_int_eq(fc_weekday(0), 3);                                /* Thursday */
    ck_assert_int_eq(fc_weekday(fc_days_from_civil(2026, 11, 23)), 0); /* Monday */

    /* two years from Monday 2024-01-01: Saturdays double, December doubles */
    int64_t day0 = fc_days_from_civil(2024, 1, 1);
    int n = 731;
    double *s = malloc(sizeof *s * (size_t)n);
    for (int t = 0; t < n; t++) {
        int yy, mm, dd;
        fc_civil_from_days(day0 + t, &yy, &mm, &dd);
        s[t] = (fc_weekday(day0 + t) == 5 ? 20 : 10) * (mm == 12 ? 2 : 1);
    }
    struct fc_patterns p;
    fc_patterns(s, n, day0, &p);
    ck_assert(p.weekday);
    ck_assert(p.weekday_index[5] > 1.5 && p.weekday_index[0] < 1);
    ck_assert(p.weekday_strength > 0.9);
    ck_assert_int_eq(p.years, 2);
    ck_assert_int_ge(p.n_peaks, 1);
    ck_assert_int_eq(p.peak_month[0], 12);

    /* a rising line is a rising trend; a flat series is flat */
    for (int t = 0; t < 182; t++)
        s[t] = 10 + t * 0.1;
    fc_patterns(s, 182, day0, &p);
    ck_assert_int_eq(p.trend_direction, 1);
    ck_assert(p.trend_strength > 0.99);
    ck_assert(p.trend_per_week > 0);
    for (int t = 0; t < 182; t++)
        s[t] = 10;
    fc_patterns(s, 182, day0, &p);
    ck_assert_int_eq(p.trend_direction, 0);
    ck_assert_int_eq(p.n_peaks, 0);
    fc_patterns(NULL, 0, day0, &p);
    ck_assert(!p.weekday);
    free(s);
}
END_TEST

Suite *forecast_suite(void);

Suite *
forecast_suite(void)
{
    Suite *s = suite_create("inventory.forecast");
    TCase *tc = tcase_create("forecast");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_classes);
    tcase_add_test(tc, test_recurrences);
    tcase_add_test(tc, test_seed_formula);
    tcase_add_test(tc, test_scale_and_accuracy);
    tcase_add_test(tc, test_ets_variance);
    tcase_add_test(tc, test_loss_and_median);
    tcase_add_test(tc, test_engine_known_future);
    tcase_add_test(tc, test_engine_median_point);
    tcase_add_test(tc, test_engine_zero_lower_bounds);
    tcase_add_loop_test(tc, test_engine_refuses_bad_options, 0,
                        (int)(sizeof bad_options / sizeof bad_options[0]));
    tcase_add_test(tc, test_engine_refuses_bad_history);
    tcase_add_test(tc, test_engine_too_little_history);
    tcase_add_test(tc, test_engine_odd_input_still_forecasts);
    tcase_add_loop_test(tc, test_result_check_names_what_breaks, 0,
                        (int)(sizeof broken / sizeof broken[0]));
    tcase_add_loop_test(tc, test_optimiser_result, 0,
                        (int)(sizeof nlopt_outcomes / sizeof nlopt_outcomes[0]));
    tcase_add_test(tc, test_engine_random_series);
    tcase_add_test(tc, test_calendar_and_patterns);
    suite_add_tcase(s, tc);
    return s;
}
