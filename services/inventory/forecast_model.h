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

#endif
