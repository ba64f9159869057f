/* services/inventory/forecast_run.c — the engine of forecast.h:
 * classification, the rolling-origin backtest that chooses a model or a
 * combination, and the final forecast (its intervals: forecast_bands.c).
 *
 * Backtest: K origins H/2 periods apart (rounded up), the last at n-H, so the
 * last H periods are the final test window. Every candidate is fitted once,
 * on the periods before the first origin (no test period is ever fitted),
 * then stepped through the series with those parameters; at each origin its
 * H point forecasts (fc_state_point: mean path + shift, forecast.h) are
 * scored against the actuals and kept. Regular series are fitted on absolute
 * errors, sparse ones on squared errors (fc_loss_for). The lowest MASE wins
 * unless the mean of the best FC_MIX_MAX candidates' kept forecasts scores
 * lower (M3/M4: a plain mean of a few good methods beats the one a short
 * backtest ranks first, more often than not; here only where this series'
 * backtest agrees). The chosen model (every member) is refitted on the whole
 * series for the forecast, and stepped as an fc_mix either way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_model.h"

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
int
fc_min_train(int m)
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

/* ---- the engine --------------------------------------------------------- */

static const enum fc_model REGULAR[] = {
    FC_NAIVE,  FC_SNAIVE, FC_MA,           FC_SES,   FC_HOLT_DAMPED,
    FC_HW_ADD, FC_HW_MUL, FC_SEASONAL_SES, FC_THETA, FC_SEASONAL_MEDIAN};
static const enum fc_model SPARSE[] = {FC_MA, FC_SES, FC_SEASONAL_SES, FC_CROSTON, FC_SBA, FC_TSB};
#define MAX_CAND 10 /* the longer list */

struct bt {
    const double *w;
    int n, m, H, from, first;
    int origins[FC_MAX_ORIGINS], k;
    double scale_abs, scale_sq;
    enum fc_loss_kind loss;
};

/* Steps pk (fitted) through the series and scores its point forecasts at
 * every origin into *out; with b, the coverage of b's intervals too. When
 * pts is given, the unclipped point forecasts (path + shift) of origin i go
 * to pts[i H .. i H + H). */
static void
backtest_score(const struct bt *bt, const struct fc_pick *pk, const struct fc_bands *b, double *pts,
               struct fc_accuracy *out)
{
    struct fc_mix s;
    struct acc a = {0};
    double point[FC_MAX_HORIZON], v[4];
    int k = 0;

    fc_mix_init(&s, pk->k, pk->model, pk->p, bt->w, bt->from, bt->first, bt->m);
    for (int t = bt->from; t < bt->n && k < bt->k; t++) {
        if (t == bt->origins[k]) {
            fc_mix_point(&s, bt->H, point);
            for (int h = 0; h < bt->H; h++) {
                double actual = bt->w[t + h], raw = point[h], f = fc_clip0(raw);
                if (pts)
                    pts[(size_t)k * bt->H + h] = raw;
                if (isnan(actual))
                    continue;
                acc_add(&a, f, actual);
                if (b) {
                    fc_interval(f, b->zero[h], b->lo95[h], b->lo80[h], b->hi80[h], b->hi95[h], v);
                    a.in80 += actual >= v[1] && actual <= v[2];
                    a.in95 += actual >= v[0] && actual <= v[3];
                }
            }
            k++;
        }
        fc_mix_update(&s, bt->w[t]);
    }
    acc_finish(&a, bt->scale_abs, bt->scale_sq, out);
}

/* Fits `model` on the periods before the first origin into pk (alone) and
 * scores it (pts as backtest_score). *scored is 0 when the model cannot run
 * on this series; a failed fit is the run's error. */
static enum tm_code
fit_score(const struct bt *bt, enum fc_model model, struct fc_pick *pk, double *pts,
          struct fc_accuracy *out, int *scored, struct tm_err *err)
{
    *scored = 0;
    if (fc_usable(model, bt->w, bt->from, bt->first, bt->m) != model)
        return TM_OK;
    pk->k = 1;
    pk->model[0] = model;
    if (fc_fit(model, bt->w, bt->from, bt->first, bt->m, bt->loss, &pk->p[0], err) != TM_OK)
        return TM_INTERNAL;
    backtest_score(bt, pk, NULL, pts, out);
    *scored = out->points > 0;
    return TM_OK;
}

/* The backtest MASE of the mean of the point forecasts of the candidates
 * idx[0..k), whose forecasts are pts rows of bt->k × H. */
static double
combo_mase(const struct bt *bt, const double *pts, const int *idx, int k)
{
    struct acc a = {0};
    struct fc_accuracy out;
    size_t per = (size_t)bt->k * bt->H;
    for (int o = 0; o < bt->k; o++)
        for (int h = 0; h < bt->H; h++) {
            double actual = bt->w[bt->origins[o] + h], f = 0;
            if (isnan(actual))
                continue;
            for (int i = 0; i < k; i++)
                f += pts[idx[i] * per + (size_t)o * bt->H + h];
            acc_add(&a, fc_clip0(f / k), actual);
        }
    acc_finish(&a, bt->scale_abs, bt->scale_sq, &out);
    return out.mase;
}

/* Backtests the candidates of r's class, the seed formula and seasonal
 * naive (into r); *best is the combination of the FC_MIX_MAX candidates of
 * lowest MASE (on a sparse series only when its own backtest MASE is lower
 * than the best one's, else that one alone; see the file head); best->k is
 * 0 when no candidate could be scored. The
 * candidates' point forecasts are one tm_xmalloc (candidates × K × H
 * doubles) freed before it returns. */
static enum tm_code
choose(const struct bt *bt, struct fc_result *r, struct fc_pick *best, struct tm_err *err)
{
    int sparse = r->info.cls == FC_INTERMITTENT || r->info.cls == FC_LUMPY, scored, nok = 0;
    const enum fc_model *cand = sparse ? SPARSE : REGULAR;
    int ncand =
        sparse ? (int)(sizeof SPARSE / sizeof *SPARSE) : (int)(sizeof REGULAR / sizeof *REGULAR);
    size_t per = (size_t)bt->k * bt->H;
    double *pts = tm_xmalloc(sizeof *pts * per * (size_t)ncand), mase[MAX_CAND];
    struct fc_pick one[MAX_CAND], pk;
    struct fc_accuracy acc;
    int order[MAX_CAND];
    enum tm_code rc = TM_INTERNAL;

    best->k = 0;
    for (int i = 0; i < ncand; i++) {
        if (fit_score(bt, cand[i], &one[nok], pts + (size_t)nok * per, &acc, &scored, err) != TM_OK)
            goto out;
        if (!scored)
            continue;
        if (cand[i] == FC_SNAIVE)
            r->snaive = acc;
        mase[nok] = acc.mase;
        /* insertion by MASE; ties keep the list's order */
        int j = nok++;
        for (; j > 0 && mase[order[j - 1]] > acc.mase; j--)
            order[j] = order[j - 1];
        order[j] = nok - 1;
    }
    if (nok > 0) {
        *best = one[order[0]];
        int k = nok < FC_MIX_MAX ? nok : FC_MIX_MAX;
        if (k > 1 && combo_mase(bt, pts, order, k) < mase[order[0]]) {
            best->k = k;
            for (int i = 0; i < k; i++) {
                best->model[i] = one[order[i]].model[0];
                best->p[i] = one[order[i]].p[0];
            }
        }
    }
    if (fit_score(bt, FC_SEED, &pk, NULL, &acc, &scored, err) != TM_OK)
        goto out;
    if (scored)
        r->seed = acc;
    if (r->snaive.points == 0) {
        if (fit_score(bt, FC_SNAIVE, &pk, NULL, &acc, &scored, err) != TM_OK)
            goto out;
        if (scored)
            r->snaive = acc;
    }
    rc = TM_OK;
out:
    free(pts);
    return rc;
}

/* the mean of w[0..n) with count-data normal bands (b: the caller's) */
static void
run_too_short(const double *w, int n, int H, struct fc_bands *b, struct fc_result *r)
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
    fc_bands_normal(b, v, cv, H);
    r->model = c ? FC_MEAN : FC_ZERO;
    r->n_members = 1;
    r->members[0] = r->model;
    r->params.sigma2 = var;
    fc_bands_apply(r, path, path, b, H);
}

/* Plans the backtest of a series of class info->cls: K origins ⌈H/2⌉ apart,
 * the last at n − H, and the fitting window before the first. Returns K, 0
 * when there is no room for one origin. */
static int
plan_backtest(struct bt *bt, const struct fc_classinfo *info, int origins)
{
    int step = (bt->H + 1) / 2, room = bt->n - bt->H - (info->start + fc_min_train(bt->m));

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

/* The chosen model or combination refitted on the latest FC_FIT_MAX
 * periods, its mean path and bands: r's forecast. Values that are not
 * finite are an error here, before fc_bands_apply would clip them to 0. */
static enum tm_code
final_forecast(const double *w, int n, int start, const struct bt *bt, struct fc_pick *pk,
               struct fc_bands *b, struct fc_result *r, struct tm_err *err)
{
    int from = n - FC_FIT_MAX > start ? n - FC_FIT_MAX : start, H = bt->H;
    double path[FC_MAX_HORIZON], point[FC_MAX_HORIZON];
    enum fc_model name = pk->k > 1 ? FC_COMBO : pk->model[0];
    struct fc_mix s;
    enum tm_code rc;

    for (int i = 0; i < pk->k; i++)
        if ((rc = fc_fit(pk->model[i], w, from, n, bt->m, bt->loss, &pk->p[i], err)) != TM_OK)
            return rc;
    fc_mix_init(&s, pk->k, pk->model, pk->p, w, from, n, bt->m);
    for (int t = from; t < n; t++)
        fc_mix_update(&s, w[t]);
    fc_mix_path(&s, H, path);
    fc_mix_point(&s, H, point);
    r->model = name;
    r->n_members = pk->k;
    r->params = pk->p[0];
    if (pk->k > 1) { /* a combination shows its shift and mean sigma2 only */
        memset(&r->params, 0, sizeof r->params);
        r->params.shift = s.shift;
        for (int i = 0; i < pk->k; i++)
            r->params.sigma2 += pk->p[i].sigma2 / pk->k;
    }
    for (int i = 0; i < pk->k; i++)
        r->members[i] = pk->model[i];
    r->analytic = fc_bands_make(b, r->info.cls, pk, w, from, n, bt->m, H);
    if ((rc = all_finite(path, H, "the mean path", name, err)) != TM_OK ||
        (rc = all_finite(point, H, "the point forecast", name, err)) != TM_OK ||
        (rc = all_finite(b->lo95, H, "the lower 95 % band", name, err)) != TM_OK ||
        (rc = all_finite(b->hi95, H, "the upper 95 % band", name, err)) != TM_OK ||
        (rc = all_finite(b->lo80, H, "the lower 80 % band", name, err)) != TM_OK ||
        (rc = all_finite(b->hi80, H, "the upper 80 % band", name, err)) != TM_OK ||
        (rc = all_finite(b->clo95, H, "the lower 95 % band of the sums", name, err)) != TM_OK ||
        (rc = all_finite(b->chi95, H, "the upper 95 % band of the sums", name, err)) != TM_OK ||
        (rc = all_finite(b->clo80, H, "the lower 80 % band of the sums", name, err)) != TM_OK ||
        (rc = all_finite(b->chi80, H, "the upper 80 % band of the sums", name, err)) != TM_OK)
        return rc;
    fc_bands_apply(r, path, point, b, H);
    return TM_OK;
}

/* The engine on the cleaned series w[0..n), whose class is in r->info and
 * which has an observed period; b is scratch for the bands. */
static enum tm_code
run_series(const double *w, int n, const struct fc_options *o, struct fc_bands *b,
           struct fc_result *r, struct tm_err *err)
{
    struct bt bt = {
        .w = w, .n = n, .m = o->season, .H = o->horizon, .loss = fc_loss_for(r->info.cls)};
    struct fc_pick best;
    int start = r->info.start;
    enum tm_code rc;

    if (plan_backtest(&bt, &r->info, o->origins) == 0) {
        r->info.cls = FC_TOO_SHORT;
        run_too_short(w + start, n - start, bt.H, b, r);
        return TM_OK;
    }
    r->origins = bt.k;
    if ((rc = choose(&bt, r, &best, err)) != TM_OK)
        return rc;
    if (best.k == 0) {
        r->info.cls = FC_TOO_SHORT; /* every test period was missing */
        r->origins = 0;
        run_too_short(w + start, n - start, bt.H, b, r);
        return TM_OK;
    }
    /* the chosen backtest again, with the bands it had then */
    fc_bands_make(b, r->info.cls, &best, w, bt.from, bt.first, bt.m, bt.H);
    backtest_score(&bt, &best, b, NULL, &r->chosen);
    return final_forecast(w, n, start, &bt, &best, b, r, err);
}

enum tm_code
fc_run(const double *y, int n, const struct fc_options *o, struct fc_result *r, struct tm_err *err)
{
    double *w = NULL;
    struct fc_bands *b = NULL;
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
        r->model = r->members[0] = FC_ZERO; /* every array is already 0 */
        r->n_members = 1;
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
