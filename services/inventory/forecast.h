/* services/inventory/forecast.h — demand forecasting, pure: plain arrays in,
 * structs out, no I/O, no clock, no randomness (same input, same output).
 *
 * A series is a zero-filled run of periods (days, weeks, months): y[t] is the
 * demand of period t, 0 for a period without sales, and NaN for a period
 * marked missing (store closed, out of stock): a missing period is neither
 * fitted nor scored. Values that are not finite count as missing; negative
 * values (returns) count as 0; both are counted in fc_classinfo.
 *
 * fc_run() is the engine: it classifies the series (Syntetos–Boylan), scores
 * the candidate models of its class by a rolling-origin backtest, chooses the
 * one with the lowest MASE (or the mean of the best three, FC_COMBO, when
 * that scores lower still), refits it on the whole series and returns the
 * daily forecast with 80 % / 95 % intervals, the distribution of the demand
 * summed over 1..H periods, and the backtest accuracy of the chosen model, of
 * seasonal naive and of the seed formula. docs/forecasting.md gives the
 * definitions.
 *
 * A fitted model's point forecast is its mean path moved by the median of
 * its in-sample one-step errors (fc_params.shift): a median, the forecast an
 * absolute-error measure such as MASE rewards, which promotion spikes and
 * skewed sizes do not drag up. The mean path is kept as the expected demand
 * and is what the lead-time sums add up.
 *
 * Memory: results live in the caller's struct fc_result. fc_run and
 * fc_model_forecast take their scratch (a cleaned copy of the series, the
 * interval bands, the backtest's error tables, the candidates' backtest
 * forecasts) with tm_xmalloc and free it before they return; its size is
 * bounded by the limits below: at most FC_MAX_HISTORY + 2
 * (FC_EMPIRICAL_ORIGINS + H) H + 10 K H doubles and one set of bands, about
 * 5.8 MB at the largest H and K and 0.2 MB at a 14-day horizon.
 *
 * Errors: a failure is never a result. fc_run returns TM_INVALID for
 * unusable options or arguments (err->field names which), TM_UNPROCESSABLE
 * when the series has too little history to forecast from (no period
 * observed), and TM_INTERNAL when the optimiser fails or a value of the
 * result is not finite; err->message says which, and *out is zeroed. */
#ifndef TM_INVENTORY_FORECAST_H
#define TM_INVENTORY_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define FC_MAX_HORIZON 366       /* periods ahead, at most */
#define FC_MAX_SEASON 60         /* 7 (daily), 12 (monthly), 52 (weekly) fit */
#define FC_MAX_ORIGINS 52        /* backtest origins, at most */
#define FC_MAX_HISTORY 20000     /* periods of history a series may have (54 years of days) */
#define FC_EMPIRICAL_ORIGINS 364 /* latest origins whose errors make empirical intervals */
#define FC_CUM_NQ 17             /* probability levels of the sums' quantile grid */
#define FC_MAX_REGRESSORS 8      /* known-in-advance regressors of one series */
#define FC_REGRESSOR_NAME_MAX 32 /* bytes of a regressor's name, its end included */

/* The levels of fc_result.cum_q, ascending: 0.01 ... 0.99. */
extern const double fc_cum_levels[FC_CUM_NQ];

enum fc_class {
    FC_SMOOTH,       /* ADI < 1.32, CV² < 0.49 */
    FC_ERRATIC,      /* ADI < 1.32, CV² ≥ 0.49 */
    FC_INTERMITTENT, /* ADI ≥ 1.32, CV² < 0.49 */
    FC_LUMPY,        /* ADI ≥ 1.32, CV² ≥ 0.49 */
    FC_TOO_SHORT,    /* too little history for a backtest: the mean */
    FC_NO_DEMAND,    /* no sale at all: zero */
    FC_CLASS_COUNT
};

enum fc_model {
    FC_NAIVE,           /* last value */
    FC_SNAIVE,          /* value one season ago */
    FC_MA,              /* mean of the last k periods, k fitted */
    FC_SES,             /* simple exponential smoothing, ETS(A,N,N) */
    FC_HOLT_DAMPED,     /* ETS(A,Ad,N) */
    FC_HW_ADD,          /* Holt-Winters, damped trend, additive season: ETS(A,Ad,A) */
    FC_HW_MUL,          /* Holt-Winters, damped trend, multiplicative season: ETS(A,Ad,M) */
    FC_SEASONAL_SES,    /* level and additive season, no trend: ETS(A,N,A) */
    FC_CROSTON,         /* Croston: size / interval */
    FC_SBA,             /* Syntetos–Boylan approximation: (1 - α/2) Croston */
    FC_TSB,             /* Teunter–Syntetos–Babai: probability × size */
    FC_THETA,           /* Theta: SES with drift on the seasonally adjusted series */
    FC_SEASONAL_MEDIAN, /* median of the same slot over the last k seasons (its
                         * mean path: their mean), k fitted */
    FC_COMBO,           /* the mean of the best FC_MIX_MAX candidates (the engine's) */
    FC_SEED,            /* the seeds' formula, a baseline (never chosen) */
    FC_MEAN,            /* mean of the history: too-short series */
    FC_ZERO,            /* no demand */
    FC_MODEL_COUNT
};

struct fc_params {
    double alpha, beta, gamma, phi; /* smoothing weights, damping (0 when unused) */
    int window;                     /* FC_MA: periods averaged; FC_SEASONAL_MEDIAN: seasons */
    double sigma2;                  /* in-sample one-step mean squared error */
    double shift; /* median in-sample one-step error: point forecast = mean path + shift */
};

struct fc_options {
    int horizon; /* H, 1..FC_MAX_HORIZON */
    int origins; /* backtest origins K, 1..FC_MAX_ORIGINS */
    int season;  /* m, 1..FC_MAX_SEASON (1: none) */
};

struct fc_classinfo {
    enum fc_class cls;
    double adi; /* mean periods between demands (0 when no demand) */
    double cv2; /* squared coefficient of variation of non-zero demand */
    int n;      /* periods given */
    int start;  /* first period with demand (leading zeros are not history) */
    int observed, nonzero, missing, negative, invalid;
};

struct fc_accuracy {
    double mase;    /* mean |error| / in-sample mean |one-step naive change| */
    double rmsse;   /* root of mean error² / in-sample mean squared change */
    double bias;    /* mean (forecast - actual) / mean actual; 0 without demand */
    double cover80; /* share of actuals inside the 80 % interval */
    double cover95; /* ... and the 95 % one */
    int points;     /* forecasts scored */
};

#define FC_MIX_MAX 3 /* models a combination averages */

/* What one regressor does to demand (fc_run_x): demand is read as
 * (1 + y) = baseline × exp(Σ coef_j (x_j − ref_j)), so an effect is
 * multiplicative on 1 + demand (on demand itself for all but the smallest
 * counts). */
struct fc_effect {
    char name[FC_REGRESSOR_NAME_MAX]; /* the caller's name, cut to fit */
    double coef;                      /* log effect of one unit of x */
    double ref;                       /* x's usual value: no effect there */
    double lift;                      /* exp(coef) − 1: change per unit, −0.6 = 60 % less */
    int active;                       /* periods of the estimation window where x ≠ ref */
};

/* How fc_run_x used the regressors (docs/forecasting.md "Regressors"). */
enum fc_regressors_mode {
    FC_X_NONE,     /* not used: exactly fc_run's forecast */
    FC_X_OVERLAY,  /* fc_run's forecast, the effects applied on the periods
                    * where a regressor is off its usual value only */
    FC_X_ADJUSTED, /* the engine on the history with the effects taken out,
                    * the horizon's effects put back on every period */
};

struct fc_result {
    struct fc_classinfo info;
    enum fc_model model;
    struct fc_params params;           /* FC_COMBO: its mean shift and sigma2 only */
    int n_members;                     /* FC_COMBO: how many models it averages, else 1 */
    enum fc_model members[FC_MIX_MAX]; /* FC_COMBO: those models, best first */
    int origins;                       /* backtest origins used (0: none possible) */
    struct fc_accuracy chosen;         /* the chosen model in the backtest */
    struct fc_accuracy snaive;         /* seasonal naive, same origins */
    struct fc_accuracy seed;           /* the seed formula, same origins */
    /* fc_run_x with regressors (all 0 from fc_run): 1 when the forecast
     * uses them; without is the backtest of the engine's choice without
     * them (same origins; chosen is that too when they are not used);
     * effects[0..n_effects) what each regressor was estimated to do on the
     * latest periods (also when not used, to explain why) */
    int regressors_used;
    enum fc_regressors_mode regressors_mode; /* how, when used (FC_X_NONE when not) */
    struct fc_accuracy without;
    /* the choice of the adjusted history: the backtest MASE it had to beat
     * by FC_REGRESSOR_GAIN (the better of none and the overlay) and its
     * own (NaN when not computed: also on an ordinary horizon when the
     * engine chose another model on the adjusted history than on the raw
     * one); x_ordinary 1 when both are over the backtest's ordinary
     * periods only, the horizon having none other */
    int x_ordinary;
    double x_bar_mase, x_adjusted_mase;
    int n_effects;
    struct fc_effect effects[FC_MAX_REGRESSORS];
    int analytic; /* 1: ETS variance formulas; 0: empirical errors */
    int horizon;
    /* per period ahead h = 1..H (index h-1); never negative. forecast is
     * the point forecast, a median (see the file head); mean the expected
     * demand; the intervals hold both */
    double forecast[FC_MAX_HORIZON], mean[FC_MAX_HORIZON], lo80[FC_MAX_HORIZON],
        hi80[FC_MAX_HORIZON], lo95[FC_MAX_HORIZON], hi95[FC_MAX_HORIZON];
    /* demand summed over periods 1..h: expected value (the sum of mean) and
     * quantiles */
    double cum[FC_MAX_HORIZON], cum_lo80[FC_MAX_HORIZON], cum_hi80[FC_MAX_HORIZON],
        cum_lo95[FC_MAX_HORIZON], cum_hi95[FC_MAX_HORIZON];
    /* the distribution of the sum over periods 1..h (index h-1) as its
     * quantiles at fc_cum_levels: the sum of the mean path plus the
     * quantiles of the errors the sums' intervals come from (empirical or
     * normal; empirical levels above 0.5 read as a finite sample of
     * overlapping sums allows, see forecast_run.c, so no lower than the
     * intervals' own),
     * 0 at every level up to the share of sums that were 0, never negative,
     * never falling from one level to the next. What reorder policies read
     * (services/inventory/reorder.h). */
    double cum_q[FC_MAX_HORIZON][FC_CUM_NQ];
};

const char *fc_class_name(enum fc_class c);
const char *fc_model_name(enum fc_model m);
/* 1 for the models whose parameters are fitted (and which carry a shift);
 * 0 for the benchmarks used as published (naive, seasonal naive, the seed
 * formula) and for mean and zero. */
int fc_model_fitted(enum fc_model m);
/* Why a series of this class gets the models it gets, for people. */
const char *fc_class_reason(enum fc_class c);

/* TM_OK when the options are usable, else TM_INVALID with the offending
 * field in err->field ("horizon", "origins", "season"). */
TM_MUSTCHECK enum tm_code fc_options_check(const struct fc_options *o, struct tm_err *err);

/* Syntetos–Boylan class of y[0..n) (n may be 0; y may be NULL then). */
void fc_classify(const double *y, int n, int season, struct fc_classinfo *out);

/* The engine (see the file head) on y[0..n), n ≤ FC_MAX_HISTORY (y may be
 * NULL when n is 0). TM_OK: *out is the forecast and passes fc_result_check.
 * Otherwise *out is zeroed and must not be shown:
 *   TM_INVALID       options that fail fc_options_check (their field), or
 *                    n < 0, n > FC_MAX_HISTORY, y NULL (field "history");
 *   TM_UNPROCESSABLE too little history: no period observed (n is 0, or
 *                    every value is missing);
 *   TM_INTERNAL      the optimiser failed on the chosen model or a
 *                    candidate (the model and NLopt's result in the
 *                    message), or the result broke fc_result_check. */
TM_MUSTCHECK enum tm_code fc_run(const double *y, int n, const struct fc_options *o,
                                 struct fc_result *out, struct tm_err *err);

/* Values known in advance for every period of the history AND of the
 * horizon: x[j][t] for t = 0 .. n+H-1 (t = n+h-1 is h periods ahead); NaN =
 * not known (read as 0). A holiday or promotion flag is 0/1; a price is
 * best given as its logarithm (then coef is the price elasticity). */
struct fc_regressors {
    int k; /* 0..FC_MAX_REGRESSORS */
    const double *x[FC_MAX_REGRESSORS];
    const char *name[FC_MAX_REGRESSORS]; /* for people: "holiday", "promotion", "price", ... */
};

/* fc_run with regressors (forecast_regress.c, docs/forecasting.md
 * "Regressors"); xr NULL or xr->k == 0 is exactly fc_run. Three variants
 * are backtested at the engine's origins: none (fc_run), the overlay
 * (fc_run's forecast with the effects, estimated before each origin,
 * applied only on the periods where a regressor is off its usual value;
 * tried for occasional regressors) and the adjusted history (the effects
 * estimated before the first origin divide the history, the engine chooses
 * on that, the effects are put back). The overlay is used when it lowers
 * none's backtest MASE by at least FC_REGRESSOR_GAIN, the adjusted history
 * when it lowers the lower of the two by as much (out->regressors_used and
 * out->regressors_mode say which; the final effects are then re-estimated
 * on the whole history). When no period of the horizon has an effect, the
 * overlay is not offered and none and the adjusted history are compared on
 * the backtest's ordinary periods only (out->x_ordinary), and only when the
 * engine chose the same model on the adjusted history (with fewer than H
 * ordinary backtest points: on every point, either model). Errors as
 * fc_run's, and TM_INVALID with field
 * "regressors" for k outside 0..FC_MAX_REGRESSORS or a NULL array. */
#define FC_REGRESSOR_GAIN 0.02
TM_MUSTCHECK enum tm_code fc_run_x(const double *y, int n, const struct fc_regressors *xr,
                                   const struct fc_options *o, struct fc_result *out,
                                   struct tm_err *err);

/* What fc_run promises of a result of r->horizon periods: every value
 * finite and not negative; lo95 ≤ lo80 ≤ forecast ≤ hi80 ≤ hi95 and the
 * same for the sums around cum, which never falls; each sum's cum_q finite,
 * not negative and not falling across the levels; finite parameters and
 * accuracies. TM_INTERNAL naming the first value that breaks it. */
TM_MUSTCHECK enum tm_code fc_result_check(const struct fc_result *r, struct tm_err *err);

/* One model alone: fits it on y[0..n) and writes its point forecast for
 * periods n..n+H-1 into f[0..H) (finite, never negative) and its parameters
 * into *p (may be NULL). Errors as fc_run's (TM_INVALID with field "model"
 * for a model outside the enum); f is left unspecified on failure. */
TM_MUSTCHECK enum tm_code fc_model_forecast(enum fc_model model, const double *y, int n,
                                            const struct fc_options *o, double *f,
                                            struct fc_params *p, struct tm_err *err);

/* Below this many units a scale or a mean demand counts as none: dividing
 * by it could overflow (demand is clipped at 1e12), and no real demand
 * moves by less. */
#define FC_SCALE_MIN 1e-9

/* Scale of the errors for MASE / RMSSE: the mean absolute (*abs) and squared
 * (*sq) one-step change of the series over y[start..n), missing periods
 * skipped; a series whose mean change is below FC_SCALE_MIN (a constant
 * one) gets its mean level instead, or 1 when that is below it too. */
void fc_scale(const double *y, int start, int n, double *abs, double *sq);

/* Accuracy of forecasts f against actuals a (n each, NaN actuals skipped),
 * scaled as fc_scale says. Coverage fields are left 0. */
void fc_accuracy_of(const double *f, const double *a, int n, double scale_abs, double scale_sq,
                    struct fc_accuracy *out);

/* ---- seasonal patterns of a daily series (forecast_pattern.c) ---------- */

struct fc_patterns {
    int weekday;             /* 1 when a weekday profile was measured (≥ 4 weeks) */
    double weekday_index[7]; /* Monday..Sunday: mean demand / overall mean */
    double weekday_strength; /* share of within-week variance the weekday explains, 0..1 */
    int trend_direction;     /* -1 falling, 0 flat (not significant), 1 rising */
    double trend_strength;   /* R² of a line through the weekly totals, 0..1 */
    double trend_per_week;   /* its slope as a share of the mean weekly total */
    int trend_weeks;         /* weeks it was measured over (latest, at most 26) */
    int years;               /* whole years of history */
    int n_peaks;             /* months well above the mean, when years ≥ 2 */
    int peak_month[3];       /* 1..12, strongest first */
    double peak_index[3];    /* that month's mean / overall mean */
};

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t fc_days_from_civil(int y, int m, int d);
void fc_civil_from_days(int64_t z, int *y, int *m, int *d);
/* "YYYY-MM-DD" of a day since the epoch into out[size] (11 bytes hold it). */
void fc_day_text(int64_t day, char *out, size_t size);
/* 0 = Monday ... 6 = Sunday */
int fc_weekday(int64_t day);

/* Patterns of the daily series y[0..n) whose first day is day0 (days since
 * the epoch); missing days (NaN) are left out. */
void fc_patterns(const double *y, int n, int64_t day0, struct fc_patterns *out);

#endif
