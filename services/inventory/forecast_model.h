/* services/inventory/forecast_model.h — the model layer under forecast.h,
 * shared by forecast.c and forecast_run.c and open to the unit tests: one
 * state per model, stepped one period at a time, and parameter fitting. */
#ifndef TM_INVENTORY_FORECAST_MODEL_H
#define TM_INVENTORY_FORECAST_MODEL_H

#include "services/inventory/forecast.h"

/* parameters are fitted on at most this many of the latest periods */
#define FC_FIT_MAX 730

struct fc_state {
    enum fc_model model;
    struct fc_params p;
    int m;           /* season length, ≥ 1 */
    const double *y; /* the series (cleaned): MA, seed and mean read it */
    int from;        /* first period the state has seen */
    int t;           /* next period to forecast */
    double level, trend;
    double season[FC_MAX_SEASON]; /* by slot t mod m */
    double snaive[FC_MAX_SEASON]; /* last value seen in each slot */
    double last;                  /* last value seen */
    double size, interval, prob;  /* Croston, SBA, TSB */
    int since;                    /* periods since the last demand, this one included */
    int mul;                      /* FC_THETA: 1 when season[] holds ratios, 0 differences */
};

/* Starts a state at period `from`, its first values taken from y[from..n). */
void fc_state_init(struct fc_state *s, enum fc_model model, const struct fc_params *p,
                   const double *y, int from, int n, int m);
/* Forecasts for periods t .. t+H-1 into out[0..H) (may be negative). */
void fc_state_path(const struct fc_state *s, int H, double *out);
/* The one-step forecast of period t. */
double fc_state_next(const struct fc_state *s);
/* Takes period t's actual v (NaN: missing) and moves to t+1. */
void fc_state_update(struct fc_state *s, double v);

/* FC_THETA's start (forecast_theta.c): the seasonal indices of y[from..n)
 * (when its autocorrelation at lag m is significant, else none), the drift
 * (half the least-squares slope of the adjusted series) and the mean of the
 * first season (or 4 periods) of adjusted values as the level, into s. */
void fc_theta_init(struct fc_state *s, const double *y, int from, int n);
/* 1 when y[from..n) is seasonal with period m: its autocorrelation at lag m
 * is significant at 90 % (the M3 Theta method's test; at least 3 seasons
 * observed), else 0. */
int fc_seasonal(const double *y, int from, int n, int m);

/* FC_SEASONAL_MEDIAN's paths from period t (forecast_theta.c): for each
 * period ahead, the mean (into mean) and the median (into median) of the
 * last p.window (≤ FC_SEASONS_MAX) observed values of its season slot
 * before t, or the state's last value when none is observed; either
 * output may be NULL. */
#define FC_SEASONS_MAX 7
void fc_seasonal_paths(const struct fc_state *s, int H, double *mean, double *median);

/* The point forecasts for periods t .. t+H-1 into out[0..H): the mean path
 * plus the shift, or, for FC_SEASONAL_MEDIAN, its median path plus the
 * shift (forecast_mix.c). */
void fc_state_point(const struct fc_state *s, int H, double *out);

/* A combination: k ≤ FC_MIX_MAX models stepped side by side (k = 1: one
 * model alone); its mean path is the mean of the members' mean paths, its
 * point forecast the mean of their point forecasts. Caller's storage;
 * nothing allocated. */
struct fc_mix {
    int k;
    struct fc_state s[FC_MIX_MAX];
    double shift; /* the mean of the members' shifts (shown, not applied) */
};

/* Starts the k members models[i] with parameters p[i] as fc_state_init. */
void fc_mix_init(struct fc_mix *x, int k, const enum fc_model *models, const struct fc_params *p,
                 const double *y, int from, int n, int m);
/* The mean of the members' mean paths for periods t .. t+H-1 into
 * out[0..H). */
void fc_mix_path(const struct fc_mix *x, int H, double *out);
/* The mean of the members' point forecasts (fc_state_point), likewise. */
void fc_mix_point(const struct fc_mix *x, int H, double *out);
/* Every member takes period t's actual v and moves to t+1. */
void fc_mix_update(struct fc_mix *x, double v);

/* What fitting minimises: the sum of absolute or of squared one-step errors. */
enum fc_loss_kind { FC_LOSS_ABSOLUTE, FC_LOSS_SQUARED };

/* Absolute for regular demand (smooth, erratic): a promotion spike weighs
 * its size, not its square, so the level follows the usual weeks; squared
 * for sparse demand, where the absolute error is least for a forecast of
 * zero and would fit nothing. */
enum fc_loss_kind fc_loss_for(enum fc_class c);

/* Sum of the one-step errors (absolute or squared) over y[from+1..end) and
 * how many. */
double fc_loss(enum fc_model model, const struct fc_params *p, const double *y, int from, int end,
               int m, enum fc_loss_kind loss, int *count);
/* Fits the model's parameters on the latest FC_FIT_MAX periods of
 * y[from..end) by minimising `loss`; sets sigma2 (in-sample one-step mean
 * squared error) and, for the fitted models (not naive, seasonal naive, the
 * seed formula, mean, zero), shift: the median of the in-sample one-step
 * errors. Allocates nothing. TM_INTERNAL (fc_optimiser_result) when the
 * optimiser cannot be created or fails; *out is then untouched. */
TM_MUSTCHECK enum tm_code fc_fit(enum fc_model model, const double *y, int from, int end, int m,
                                 enum fc_loss_kind loss, struct fc_params *out, struct tm_err *err);

/* How fitting reads NLopt's result `nlopt` for `model`: its successes,
 * stopping at the evaluation limit and NLOPT_ROUNDOFF_LIMITED (whose point
 * NLopt says is still useful) are TM_OK; every other failure is
 * TM_INTERNAL, "optimiser failed fitting <model>: <NLopt's name>". */
TM_MUSTCHECK enum tm_code fc_optimiser_result(int nlopt, enum fc_model model, struct tm_err *err);

/* The model itself when it can run on w[from..end) with season m, a
 * stand-in (HW without a season → damped Holt, ...) or FC_MODEL_COUNT. */
enum fc_model fc_usable(enum fc_model model, const double *w, int from, int end, int m);

/* qsort's comparison of doubles, ascending. */
int fc_cmp_double(const void *a, const void *b);
/* The q-quantile (0..1) of v[0..n) sorted ascending, n ≥ 1, interpolated
 * between neighbours (q = 0.5: the median). */
double fc_quantile_sorted(const double *v, int n, double q);

/* Copies y into w: not finite → NaN (missing), negative → 0, above 1e12 →
 * 1e12 (fc_classify counts them). */
void fc_clean(const double *y, int n, double *w);

/* ETS class-1 forecast variances (Hyndman et al. 2008, ch. 6) of the
 * additive models (SES, damped Holt, HW additive, seasonal SES) with their
 * sigma2: y(n+h) = forecast + e(n+h) + Σ_{j<h} c_j e(n+h-j), so
 * var[h-1] = σ²(1 + Σ_{j<h} c_j²), and the sum over periods 1..h has
 * cvar[h-1] = σ² Σ_{i=1..h} (1 + C_{h-i})², C_k = c_1 + ... + c_k. */
void fc_ets_variance(enum fc_model model, const struct fc_params *p, int m, int H, double *var,
                     double *cvar);

/* What the backtest chose: one model (k = 1) or the combination of k, each
 * with its fitted parameters. */
struct fc_pick {
    int k;
    enum fc_model model[FC_MIX_MAX];
    struct fc_params p[FC_MIX_MAX];
};

/* ---- intervals (forecast_bands.c) -------------------------------------- */

/* error quantiles to add to a forecast: per h and for the sum over 1..h */
struct fc_bands {
    double lo95[FC_MAX_HORIZON], lo80[FC_MAX_HORIZON], hi80[FC_MAX_HORIZON], hi95[FC_MAX_HORIZON];
    double clo95[FC_MAX_HORIZON], clo80[FC_MAX_HORIZON], chi80[FC_MAX_HORIZON],
        chi95[FC_MAX_HORIZON];
    /* share of the errors whose actual (sum) was 0: a lower quantile below
     * that share is 0 whatever the errors say */
    double zero[FC_MAX_HORIZON], czero[FC_MAX_HORIZON];
    /* the sums' errors at fc_cum_levels */
    double cq[FC_MAX_HORIZON][FC_CUM_NQ];
};

/* v when it is finite and positive, else 0 */
double fc_clip0(double v);
/* periods a model is fitted on before its first backtest origin, at least */
int fc_min_train(int m);
/* Normal bands from per-h variances var[0..H) and those of the sums, cvar. */
void fc_bands_normal(struct fc_bands *b, const double *var, const double *cvar, int H);
/* The bands of pk fitted on w[from..end): analytic (ETS variances, one
 * additive ETS model on a smooth series; returns 1), else empirical (pk
 * stepped over the window, its errors' quantiles; allocates and frees its
 * error tables), else normal from the members' mean sigma2 (returns 0). */
int fc_bands_make(struct fc_bands *b, enum fc_class cls, const struct fc_pick *pk, const double *w,
                  int from, int end, int m, int H);
/* The interval {lo95, lo80, hi80, hi95} around f from error quantiles. */
void fc_interval(double f, double zero, double lo95, double lo80, double hi80, double hi95,
                 double out[4]);
/* Mean path, point path and bands → r's arrays: forecast, mean,
 * intervals around the forecast, sums of the means and their quantiles. */
void fc_bands_apply(struct fc_result *r, const double *path, const double *point,
                    const struct fc_bands *b, int H);

#endif
