/* services/inventory/forecast_run.c — the engine of forecast.h:
 * classification, the rolling-origin backtest that chooses a model, and the
 * intervals of the final forecast.
 *
 * Backtest: K origins H/2 periods apart (rounded up), the last at n-H, so the
 * last H periods are the final test window. Every candidate is fitted once,
 * on the periods before the first origin (no test period is ever fitted),
 * then stepped through the series with those parameters; at each origin its
 * H point forecasts (mean path + shift, forecast.h) are scored against the
 * actuals. Regular series are fitted on absolute errors, sparse ones on
 * squared errors (fc_loss_for). The chosen model is refitted on the whole
 * series for the forecast.
 *
 * Intervals: the quantiles of the model's own h-step errors (and of the
 * errors of the h-period sums) from every origin of the fitted history
 * (empirical), or the ETS variance formulas for additive ETS models on smooth
 * series (analytic); a series too short for either gets a count-data normal
 * approximation. Intervals are clipped at zero and always contain the
 * forecast. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_model.h"

#define EMPIRICAL_MIN 8 /* fewer errors than this at some h: fall back */
#define Z80 1.2815515655446004
#define Z95 1.959963984540054

static const char *const CLASS_NAMES[FC_CLASS_COUNT] = {"smooth", "erratic",   "intermittent",
                                                        "lumpy",  "too_short", "no_demand"};
static const char *const CLASS_REASONS[FC_CLASS_COUNT] = {
    "regular demand of steady size: level, trend and weekly-season models compete",
    "regular demand of varying size: level, trend and weekly-season models compete",
    "demand on few periods, of steady size: Croston, SBA and TSB compete with level models",
    "demand on few periods, of varying size: Croston, SBA and TSB compete with level models",
    "too little history to backtest a model: the mean of what there is",
    "no demand in the history: zero"};

const char *
fc_class_name(enum fc_class c)
{
    return (unsigned)c < FC_CLASS_COUNT ? CLASS_NAMES[c] : "unknown";
}

const char *
fc_class_reason(enum fc_class c)
{
    return (unsigned)c < FC_CLASS_COUNT ? CLASS_REASONS[c] : "";
}

enum tm_code
fc_options_check(const struct fc_options *o, struct tm_err *err)
{
    if (!o)
        return tm_err_set(err, TM_INVALID, "options", "no options");
    if (o->horizon < 1 || o->horizon > FC_MAX_HORIZON)
        return tm_err_set(err, TM_INVALID, "horizon", "horizon %d is outside 1..%d", o->horizon,
                          FC_MAX_HORIZON);
    if (o->origins < 1 || o->origins > FC_MAX_ORIGINS)
        return tm_err_set(err, TM_INVALID, "origins", "origins %d is outside 1..%d", o->origins,
                          FC_MAX_ORIGINS);
    if (o->season < 1 || o->season > FC_MAX_SEASON)
        return tm_err_set(err, TM_INVALID, "season", "season %d is outside 1..%d", o->season,
                          FC_MAX_SEASON);
    return TM_OK;
}

void
fc_clean(const double *y, int n, double *w)
{
    for (int i = 0; i < n; i++) {
        double v = y[i];
        w[i] = !isfinite(v) ? NAN : v < 0 ? 0 : v > 1e12 ? 1e12 : v;
    }
}

static int
min_history(int m)
{
    return 2 * m > 10 ? 2 * m : 10;
}
static int
min_train(int m)
{
    return m + 4 > 10 ? m + 4 : 10;
}

void
fc_classify(const double *y, int n, int season, struct fc_classinfo *out)
{
    memset(out, 0, sizeof *out);
    out->n = n > 0 ? n : 0;
    out->start = out->n;
    double sum = 0, sq = 0;
    int seen = 0;
    for (int i = 0; i < out->n; i++) {
        double v = y[i];
        if (isnan(v)) {
            out->missing++;
            continue;
        }
        if (!isfinite(v)) {
            out->invalid++;
            continue;
        }
        out->observed++;
        if (v < 0) {
            out->negative++;
            v = 0;
        }
        if (v > 1e12)
            v = 1e12;
        if (v > 0 && out->start == out->n)
            out->start = i;
        if (out->start < out->n) {
            seen++;
            if (v > 0) {
                out->nonzero++;
                sum += v;
                sq += v * v;
            }
        }
    }
    if (out->observed == 0) {
        out->cls = FC_TOO_SHORT;
        return;
    }
    if (out->nonzero == 0) {
        out->cls = FC_NO_DEMAND;
        return;
    }
    double mean = sum / out->nonzero, var = sq / out->nonzero - mean * mean;
    out->adi = (double)seen / out->nonzero;
    out->cv2 = var > 0 && mean > 0 ? var / (mean * mean) : 0;
    if (seen < min_history(season < 1 ? 1 : season))
        out->cls = FC_TOO_SHORT;
    else if (out->adi < 1.32)
        out->cls = out->cv2 < 0.49 ? FC_SMOOTH : FC_ERRATIC;
    else
        out->cls = out->cv2 < 0.49 ? FC_INTERMITTENT : FC_LUMPY;
}

void
fc_scale(const double *y, int start, int n, double *abs_out, double *sq_out)
{
    double sa = 0, ss = 0, lvl = 0, prev = NAN;
    int c = 0, obs = 0;
    for (int i = start; i < n; i++) {
        if (isnan(y[i]))
            continue;
        lvl += fabs(y[i]);
        obs++;
        if (!isnan(prev)) {
            double d = y[i] - prev;
            sa += fabs(d);
            ss += d * d;
            c++;
        }
        prev = y[i];
    }
    double a = c ? sa / c : 0, s = c ? ss / c : 0;
    if (!(a >= FC_SCALE_MIN)) {
        a = obs && lvl / obs >= FC_SCALE_MIN ? lvl / obs : 1;
        s = a * a;
    }
    *abs_out = a;
    *sq_out = s;
}

struct acc {
    double abs, sq, err, act;
    int n, in80, in95;
};

static void
acc_add(struct acc *a, double f, double actual)
{
    double e = f - actual;
    a->abs += fabs(e);
    a->sq += e * e;
    a->err += e;
    a->act += actual;
    a->n++;
}

static void
acc_finish(const struct acc *a, double scale_abs, double scale_sq, struct fc_accuracy *out)
{
    memset(out, 0, sizeof *out);
    out->points = a->n;
    if (a->n == 0)
        return;
    out->mase = a->abs / a->n / scale_abs;
    out->rmsse = sqrt(a->sq / a->n / scale_sq);
    out->bias = a->act / a->n >= FC_SCALE_MIN ? (a->err / a->n) / (a->act / a->n) : 0;
    out->cover80 = (double)a->in80 / a->n;
    out->cover95 = (double)a->in95 / a->n;
}

void
fc_accuracy_of(const double *f, const double *a, int n, double scale_abs, double scale_sq,
               struct fc_accuracy *out)
{
    struct acc x = {0};
    for (int i = 0; i < n; i++)
        if (!isnan(a[i]))
            acc_add(&x, f[i], a[i]);
    acc_finish(&x, scale_abs, scale_sq, out);
    out->cover80 = out->cover95 = 0;
}

static double
clip0(double v)
{
    return isfinite(v) && v > 0 ? v : 0;
}

/* ---- intervals ---------------------------------------------------------- */

/* error quantiles to add to a forecast: per h and for the sum over 1..h */
struct bands {
    double lo95[FC_MAX_HORIZON], lo80[FC_MAX_HORIZON], hi80[FC_MAX_HORIZON], hi95[FC_MAX_HORIZON];
    double clo95[FC_MAX_HORIZON], clo80[FC_MAX_HORIZON], chi80[FC_MAX_HORIZON],
        chi95[FC_MAX_HORIZON];
    /* share of the errors whose actual (sum) was 0: a lower quantile below
     * that share is 0 whatever the errors say */
    double zero[FC_MAX_HORIZON], czero[FC_MAX_HORIZON];
    /* the sums' errors at fc_cum_levels */
    double cq[FC_MAX_HORIZON][FC_CUM_NQ];
};

const double fc_cum_levels[FC_CUM_NQ] = {0.01, 0.025, 0.05, 0.10, 0.20,  0.30, 0.40,  0.50, 0.60,
                                         0.70, 0.80,  0.85, 0.90, 0.925, 0.95, 0.975, 0.99};
/* the standard normal's quantiles at fc_cum_levels */
static const double CUM_Z[FC_CUM_NQ] = {
    -2.3263478740408408, -1.959963984540054,  -1.6448536269514722, -1.2815515655446004,
    -0.8416212335729143, -0.5244005127080407, -0.2533471031357997, 0.0,
    0.2533471031357997,  0.5244005127080407,  0.8416212335729143,  1.0364333894937898,
    1.2815515655446004,  1.4395314709384563,  1.6448536269514722,  1.959963984540054,
    2.3263478740408408};

/* normal bands from per-h and cumulative variances */
static void
bands_normal(struct bands *b, const double *var, const double *cvar, int H)
{
    for (int h = 0; h < H; h++) {
        double sd = sqrt(var[h] > 0 ? var[h] : 0), csd = sqrt(cvar[h] > 0 ? cvar[h] : 0);
        b->zero[h] = b->czero[h] = 0;
        b->lo95[h] = -Z95 * sd;
        b->lo80[h] = -Z80 * sd;
        b->hi80[h] = Z80 * sd;
        b->hi95[h] = Z95 * sd;
        b->clo95[h] = -Z95 * csd;
        b->clo80[h] = -Z80 * csd;
        b->chi80[h] = Z80 * csd;
        b->chi95[h] = Z95 * csd;
        for (int j = 0; j < FC_CUM_NQ; j++)
            b->cq[h][j] = CUM_Z[j] * csd;
    }
}

/* fallback: variance σ²·h per period, a random walk's for the sums */
static void
bands_simple(struct bands *b, double sigma2, int H)
{
    double var[FC_MAX_HORIZON], cvar[FC_MAX_HORIZON];
    for (int h = 1; h <= H; h++) {
        var[h - 1] = sigma2 * h;
        cvar[h - 1] = sigma2 * h * (h + 1.0) * (2.0 * h + 1.0) / 6.0;
    }
    bands_normal(b, var, cvar, H);
}

static int
analytic_model(enum fc_model m)
{
    return m == FC_SES || m == FC_HOLT_DAMPED || m == FC_HW_ADD || m == FC_SEASONAL_SES;
}

void
fc_ets_variance(enum fc_model model, const struct fc_params *p, int m, int H, double *var,
                double *cvar)
{
    double c[FC_MAX_HORIZON + 1], C[FC_MAX_HORIZON + 1];
    double phij = 0, pw = 1;
    C[0] = 0;
    for (int j = 1; j <= H; j++) {
        pw *= p->phi;
        phij += pw;
        double cj = p->alpha;
        if (model == FC_HOLT_DAMPED || model == FC_HW_ADD)
            cj += p->beta * phij;
        if ((model == FC_HW_ADD || model == FC_SEASONAL_SES) && m > 1 && j % m == 0)
            cj += p->gamma;
        c[j] = cj;
        C[j] = C[j - 1] + cj;
    }
    double s2 = 0;
    for (int h = 1; h <= H; h++) {
        if (h > 1)
            s2 += c[h - 1] * c[h - 1];
        var[h - 1] = p->sigma2 * (1 + s2);
        double cv = 0;
        for (int i = 1; i <= h; i++) {
            double k = 1 + C[h - i];
            cv += k * k;
        }
        cvar[h - 1] = p->sigma2 * cv;
    }
}

static void
bands_analytic(struct bands *b, enum fc_model model, const struct fc_params *p, int m, int H)
{
    double var[FC_MAX_HORIZON], cvar[FC_MAX_HORIZON];
    fc_ets_variance(model, p, m, H, var, cvar);
    bands_normal(b, var, cvar, H);
}

/* Empirical bands: the model (parameters p) is stepped over w[from..end);
 * from each origin t in [lo, end) its point forecasts are compared with the
 * actuals before `end`, and the sums of its mean path with the sums of the
 * actuals. Returns 0, or -1 when some h has too few errors (the caller falls
 * back). Its error tables, rows × H each, rows ≤ FC_EMPIRICAL_ORIGINS + H,
 * are one tm_xmalloc freed before it returns. */
static int
bands_empirical(struct bands *b, enum fc_model model, const struct fc_params *p, const double *w,
                int from, int end, int lo, int m, int H)
{
    if (lo < from + 1)
        lo = from + 1;
    int rows = end - lo;
    if (rows < EMPIRICAL_MIN + H - 1)
        return -1;
    size_t cells = (size_t)rows * (size_t)H;
    double *e = tm_xmalloc(2 * cells * sizeof *e), *ce = e + cells, *col = NULL;
    int cnt[FC_MAX_HORIZON] = {0}, ccnt[FC_MAX_HORIZON] = {0};
    int zeros[FC_MAX_HORIZON] = {0}, czeros[FC_MAX_HORIZON] = {0};
    int rc = -1;
    struct fc_state s;
    fc_state_init(&s, model, p, w, from, end, m);
    double path[FC_MAX_HORIZON];
    for (int t = from; t < end; t++) {
        if (t >= lo) {
            fc_state_path(&s, H, path);
            double run = 0, sum = 0;
            int whole = 1;
            for (int h = 0; h < H; h++) {
                double a = t + h < end ? w[t + h] : NAN;
                if (isnan(a)) {
                    whole = 0;
                    continue;
                }
                e[(size_t)h * rows + cnt[h]++] = a - clip0(path[h] + p->shift);
                zeros[h] += a == 0;
                run += a - clip0(path[h]);
                sum += a;
                if (whole) {
                    ce[(size_t)h * rows + ccnt[h]++] = run;
                    czeros[h] += sum == 0;
                }
            }
        }
        fc_state_update(&s, w[t]);
    }
    for (int h = 0; h < H; h++)
        if (cnt[h] < EMPIRICAL_MIN || ccnt[h] < EMPIRICAL_MIN)
            goto done;
    for (int h = 0; h < H; h++) {
        col = e + (size_t)h * rows;
        qsort(col, (size_t)cnt[h], sizeof *col, fc_cmp_double);
        b->zero[h] = (double)zeros[h] / cnt[h];
        b->czero[h] = (double)czeros[h] / ccnt[h];
        b->lo95[h] = fc_quantile_sorted(col, cnt[h], 0.025);
        b->lo80[h] = fc_quantile_sorted(col, cnt[h], 0.10);
        b->hi80[h] = fc_quantile_sorted(col, cnt[h], 0.90);
        b->hi95[h] = fc_quantile_sorted(col, cnt[h], 0.975);
        col = ce + (size_t)h * rows;
        qsort(col, (size_t)ccnt[h], sizeof *col, fc_cmp_double);
        b->clo95[h] = fc_quantile_sorted(col, ccnt[h], 0.025);
        b->clo80[h] = fc_quantile_sorted(col, ccnt[h], 0.10);
        b->chi80[h] = fc_quantile_sorted(col, ccnt[h], 0.90);
        b->chi95[h] = fc_quantile_sorted(col, ccnt[h], 0.975);
        /* the grid's upper levels are read as a finite sample allows:
         * sums over h + 1 periods from consecutive origins overlap, so the
         * errors hold about ccnt / (h + 1) independent ones, and the level
         * u of n_eff of them is read at u (n_eff + 1) / n_eff (the
         * conformal rule), at most the largest */
        double neff = (double)ccnt[h] / (h + 1);
        for (int j = 0; j < FC_CUM_NQ; j++) {
            double u = fc_cum_levels[j];
            if (u > 0.5)
                u = fmin(1, u * (neff + 1) / neff);
            b->cq[h][j] = fc_quantile_sorted(col, ccnt[h], u);
        }
    }
    rc = 0;
done:
    free(e);
    return rc;
}

/* the bands of a fitted model: analytic, empirical, or the fallback; returns
 * 1 when analytic */
static int
make_bands(struct bands *b, enum fc_class cls, enum fc_model model, const struct fc_params *p,
           const double *w, int from, int end, int m, int H)
{
    if (cls == FC_SMOOTH && analytic_model(model) && p->sigma2 > 0) {
        bands_analytic(b, model, p, m, H);
        for (int h = 0; h < H; h++) { /* centred on the mean, not the point */
            b->lo95[h] -= p->shift;
            b->lo80[h] -= p->shift;
            b->hi80[h] -= p->shift;
            b->hi95[h] -= p->shift;
        }
        return 1;
    }
    int lo = end - FC_EMPIRICAL_ORIGINS - H;
    if (lo < from + min_train(m))
        lo = from + min_train(m);
    if (bands_empirical(b, model, p, w, from, end, lo, m, H) != 0)
        bands_simple(b, p->sigma2, H);
    return 0;
}

/* the interval {lo95, lo80, hi80, hi95} around f from error quantiles:
 * never negative, lo ≤ f ≤ hi, nested, and starting at 0 when at least the
 * tail's share of the actuals was 0 */
static void
interval(double f, double zero, double lo95, double lo80, double hi80, double hi95, double out[4])
{
    out[0] = zero >= 0.025 ? 0 : fmin(clip0(f + lo95), f);
    out[1] = zero >= 0.10 ? 0 : fmin(fmax(clip0(f + lo80), out[0]), f);
    out[2] = fmax(clip0(f + hi80), f);
    out[3] = fmax(clip0(f + hi95), out[2]);
}

/* mean path, shift and bands → the result's arrays; the sums' quantiles are
 * around the sum of the means */
static void
apply_bands(struct fc_result *r, const double *path, double shift, const struct bands *b, int H)
{
    double run = 0, v[4];
    for (int h = 0; h < H; h++) {
        double f = clip0(path[h] + shift);
        run += clip0(path[h]);
        r->forecast[h] = f;
        r->mean[h] = clip0(path[h]);
        interval(f, b->zero[h], b->lo95[h], b->lo80[h], b->hi80[h], b->hi95[h], v);
        r->lo95[h] = v[0];
        r->lo80[h] = v[1];
        r->hi80[h] = v[2];
        r->hi95[h] = v[3];
        r->cum[h] = run;
        interval(run, b->czero[h], b->clo95[h], b->clo80[h], b->chi80[h], b->chi95[h], v);
        r->cum_lo95[h] = v[0];
        r->cum_lo80[h] = v[1];
        r->cum_hi80[h] = v[2];
        r->cum_hi95[h] = v[3];
        double prev = 0;
        for (int j = 0; j < FC_CUM_NQ; j++) {
            double q = fc_cum_levels[j] <= b->czero[h] ? 0 : clip0(run + b->cq[h][j]);
            r->cum_q[h][j] = prev = fmax(q, prev);
        }
    }
}

/* ---- the engine --------------------------------------------------------- */

static const enum fc_model REGULAR[] = {FC_NAIVE,       FC_SNAIVE, FC_MA,     FC_SES,
                                        FC_HOLT_DAMPED, FC_HW_ADD, FC_HW_MUL, FC_SEASONAL_SES};
static const enum fc_model SPARSE[] = {FC_MA, FC_SES, FC_SEASONAL_SES, FC_CROSTON, FC_SBA, FC_TSB};

struct bt {
    const double *w;
    int n, m, H, from, first;
    int origins[FC_MAX_ORIGINS], k;
    double scale_abs, scale_sq;
    enum fc_loss_kind loss;
};

/* Fits `model` before the first origin (unless b is given: then p is the
 * fit and b its bands, and coverage is counted) and scores it at every
 * origin. *scored is 0 when the model cannot run on this series; a failed
 * fit is the run's error. */
static enum tm_code
backtest_one(const struct bt *bt, enum fc_model model, struct fc_params *p, struct fc_accuracy *out,
             const struct bands *b, int *scored, struct tm_err *err)
{
    *scored = 0;
    if (fc_usable(model, bt->w, bt->from, bt->first, bt->m) != model)
        return TM_OK;
    if (!b && fc_fit(model, bt->w, bt->from, bt->first, bt->m, bt->loss, p, err) != TM_OK)
        return TM_INTERNAL;
    struct fc_state s;
    struct acc a = {0};
    double path[FC_MAX_HORIZON];
    fc_state_init(&s, model, p, bt->w, bt->from, bt->first, bt->m);
    int k = 0;
    for (int t = bt->from; t < bt->n && k < bt->k; t++) {
        if (t == bt->origins[k]) {
            fc_state_path(&s, bt->H, path);
            for (int h = 0; h < bt->H; h++) {
                double actual = bt->w[t + h], f = clip0(path[h] + p->shift);
                if (isnan(actual))
                    continue;
                acc_add(&a, f, actual);
                if (b) {
                    double v[4];
                    interval(f, b->zero[h], b->lo95[h], b->lo80[h], b->hi80[h], b->hi95[h], v);
                    a.in80 += actual >= v[1] && actual <= v[2];
                    a.in95 += actual >= v[0] && actual <= v[3];
                }
            }
            k++;
        }
        fc_state_update(&s, bt->w[t]);
    }
    acc_finish(&a, bt->scale_abs, bt->scale_sq, out);
    *scored = 1;
    return TM_OK;
}

/* the mean of w[0..n) with count-data normal bands (b: the caller's) */
static void
run_too_short(const double *w, int n, int H, struct bands *b, struct fc_result *r)
{
    double sum = 0, sq = 0;
    int c = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(w[i])) {
            sum += w[i];
            sq += w[i] * w[i];
            c++;
        }
    double mean = c ? sum / c : 0, var = c ? sq / c - mean * mean : 0;
    if (var < mean)
        var = mean; /* counts vary at least as a Poisson would */
    double v[FC_MAX_HORIZON] = {0}, cv[FC_MAX_HORIZON] = {0}, path[FC_MAX_HORIZON] = {0};
    for (int h = 1; h <= H; h++) {
        v[h - 1] = var;
        cv[h - 1] = var * h;
        path[h - 1] = mean;
    }
    bands_normal(b, v, cv, H);
    r->model = c ? FC_MEAN : FC_ZERO;
    r->params.sigma2 = var;
    apply_bands(r, path, 0, b, H);
}

/* Plans the backtest of a series of class info->cls: K origins ⌈H/2⌉ apart,
 * the last at n − H, and the fitting window before the first. Returns K, 0
 * when there is no room for one origin. */
static int
plan_backtest(struct bt *bt, const struct fc_classinfo *info, int origins)
{
    int step = (bt->H + 1) / 2, room = bt->n - bt->H - (info->start + min_train(bt->m));

    bt->k = 0;
    if (info->cls != FC_TOO_SHORT && room >= 0) {
        bt->k = 1 + room / step;
        if (bt->k > origins)
            bt->k = origins;
    }
    if (bt->k == 0)
        return 0;
    for (int i = 0; i < bt->k; i++)
        bt->origins[i] = bt->n - bt->H - (bt->k - 1 - i) * step;
    bt->first = bt->origins[0];
    bt->from = bt->first - FC_FIT_MAX > info->start ? bt->first - FC_FIT_MAX : info->start;
    fc_scale(bt->w, bt->from, bt->first, &bt->scale_abs, &bt->scale_sq);
    return bt->k;
}

/* Backtests the candidates of r's class, the seed formula and seasonal
 * naive (into r); *best is the lowest MASE with its parameters,
 * FC_MODEL_COUNT when no candidate could be scored. */
static enum tm_code
choose(const struct bt *bt, struct fc_result *r, enum fc_model *best, struct fc_params *best_p,
       struct tm_err *err)
{
    int sparse = r->info.cls == FC_INTERMITTENT || r->info.cls == FC_LUMPY, scored;
    const enum fc_model *cand = sparse ? SPARSE : REGULAR;
    size_t ncand = sparse ? sizeof SPARSE / sizeof *SPARSE : sizeof REGULAR / sizeof *REGULAR;
    struct fc_params p;
    struct fc_accuracy acc;
    double best_mase = HUGE_VAL;

    *best = FC_MODEL_COUNT;
    for (size_t i = 0; i < ncand; i++) {
        if (backtest_one(bt, cand[i], &p, &acc, NULL, &scored, err) != TM_OK)
            return TM_INTERNAL;
        if (!scored || acc.points == 0)
            continue;
        if (cand[i] == FC_SNAIVE)
            r->snaive = acc;
        if (acc.mase < best_mase) {
            best_mase = acc.mase;
            *best = cand[i];
            *best_p = p;
        }
    }
    if (backtest_one(bt, FC_SEED, &p, &acc, NULL, &scored, err) != TM_OK)
        return TM_INTERNAL;
    if (scored)
        r->seed = acc;
    if (r->snaive.points == 0) {
        if (backtest_one(bt, FC_SNAIVE, &p, &acc, NULL, &scored, err) != TM_OK)
            return TM_INTERNAL;
        if (scored)
            r->snaive = acc;
    }
    return TM_OK;
}

/* TM_INTERNAL naming the first value of v[0..H) that is not finite. */
static enum tm_code
all_finite(const double *v, int H, const char *what, enum fc_model model, struct tm_err *err)
{
    for (int h = 0; h < H; h++)
        if (!isfinite(v[h]))
            return tm_err_set(err, TM_INTERNAL, NULL, "%s of %s at period %d is not finite", what,
                              fc_model_name(model), h + 1);
    return TM_OK;
}

/* The chosen model refitted on the latest FC_FIT_MAX periods, its mean
 * path and bands: r's forecast. Values that are not finite are an error
 * here, before apply_bands would clip them to 0. */
static enum tm_code
final_forecast(const double *w, int n, int start, const struct bt *bt, enum fc_model best,
               struct bands *b, struct fc_result *r, struct tm_err *err)
{
    int from = n - FC_FIT_MAX > start ? n - FC_FIT_MAX : start, H = bt->H;
    double path[FC_MAX_HORIZON], shift[1];
    struct fc_state s;
    enum tm_code rc;

    if ((rc = fc_fit(best, w, from, n, bt->m, bt->loss, &r->params, err)) != TM_OK)
        return rc;
    r->model = best;
    fc_state_init(&s, best, &r->params, w, from, n, bt->m);
    for (int t = from; t < n; t++)
        fc_state_update(&s, w[t]);
    fc_state_path(&s, H, path);
    r->analytic = make_bands(b, r->info.cls, best, &r->params, w, from, n, bt->m, H);
    shift[0] = r->params.shift;
    if ((rc = all_finite(path, H, "the mean path", best, err)) != TM_OK ||
        (rc = all_finite(shift, 1, "the shift", best, err)) != TM_OK ||
        (rc = all_finite(b->lo95, H, "the lower 95 % band", best, err)) != TM_OK ||
        (rc = all_finite(b->hi95, H, "the upper 95 % band", best, err)) != TM_OK ||
        (rc = all_finite(b->lo80, H, "the lower 80 % band", best, err)) != TM_OK ||
        (rc = all_finite(b->hi80, H, "the upper 80 % band", best, err)) != TM_OK ||
        (rc = all_finite(b->clo95, H, "the lower 95 % band of the sums", best, err)) != TM_OK ||
        (rc = all_finite(b->chi95, H, "the upper 95 % band of the sums", best, err)) != TM_OK ||
        (rc = all_finite(b->clo80, H, "the lower 80 % band of the sums", best, err)) != TM_OK ||
        (rc = all_finite(b->chi80, H, "the upper 80 % band of the sums", best, err)) != TM_OK)
        return rc;
    apply_bands(r, path, r->params.shift, b, H);
    return TM_OK;
}

/* The engine on the cleaned series w[0..n), whose class is in r->info and
 * which has an observed period; b is scratch for the bands. */
static enum tm_code
run_series(const double *w, int n, const struct fc_options *o, struct bands *b, struct fc_result *r,
           struct tm_err *err)
{
    struct bt bt = {
        .w = w, .n = n, .m = o->season, .H = o->horizon, .loss = fc_loss_for(r->info.cls)};
    struct fc_params best_p = {0};
    enum fc_model best;
    int start = r->info.start, scored;
    enum tm_code rc;

    if (plan_backtest(&bt, &r->info, o->origins) == 0) {
        r->info.cls = FC_TOO_SHORT;
        run_too_short(w + start, n - start, bt.H, b, r);
        return TM_OK;
    }
    r->origins = bt.k;
    if ((rc = choose(&bt, r, &best, &best_p, err)) != TM_OK)
        return rc;
    if (best == FC_MODEL_COUNT) {
        r->info.cls = FC_TOO_SHORT; /* every test period was missing */
        r->origins = 0;
        run_too_short(w + start, n - start, bt.H, b, r);
        return TM_OK;
    }
    /* the chosen model's backtest again, with the bands it had then */
    make_bands(b, r->info.cls, best, &best_p, w, bt.from, bt.first, bt.m, bt.H);
    if ((rc = backtest_one(&bt, best, &best_p, &r->chosen, b, &scored, err)) != TM_OK)
        return rc;
    return final_forecast(w, n, start, &bt, best, b, r, err);
}

enum tm_code
fc_run(const double *y, int n, const struct fc_options *o, struct fc_result *r, struct tm_err *err)
{
    double *w = NULL;
    struct bands *b = NULL;
    enum tm_code rc;

    memset(r, 0, sizeof *r);
    if ((rc = fc_options_check(o, err)) != TM_OK)
        return rc;
    if (n < 0 || n > FC_MAX_HISTORY || (n > 0 && !y))
        return tm_err_set(err, TM_INVALID, "history", "history of %d periods (0..%d, given)", n,
                          FC_MAX_HISTORY);
    fc_classify(y, n, o->season, &r->info);
    if (r->info.observed == 0) {
        memset(r, 0, sizeof *r);
        return tm_err_set(err, TM_UNPROCESSABLE, NULL,
                          "too little history: %d periods, none observed", n);
    }
    r->horizon = o->horizon;
    if (r->info.cls == FC_NO_DEMAND) {
        r->model = FC_ZERO; /* every array is already 0 */
        return TM_OK;
    }
    w = tm_xmalloc(sizeof *w * (size_t)n);
    b = tm_xmalloc(sizeof *b);
    fc_clean(y, n, w);
    if ((rc = run_series(w, n, o, b, r, err)) == TM_OK)
        rc = fc_result_check(r, err);
    free(b);
    free(w);
    if (rc != TM_OK)
        memset(r, 0, sizeof *r);
    return rc;
}
