/* services/inventory/forecast_regress.c — fc_run_x (forecast.h): the engine
 * with known-in-advance regressors (holidays, events, promotions, prices).
 *
 * Effects. Demand is read as (1 + y_t) = b_t × exp(Σ_j c_j (x_jt − ref_j)):
 * b_t a baseline, ref_j the regressor's usual value (its median over the
 * window). Each period's baseline is the median of its seasonal neighbours
 * (the same weekday 1..3 weeks either side for a daily series with a weekly
 * season, the 3 periods either side otherwise) inside the estimation window;
 * the regressors are centred the same way (their value minus the median of
 * theirs at the same neighbours), so a holiday is compared with the ordinary
 * days around it and a price with the prices around it. log(1 + y_t) −
 * log(1 + b_t) is regressed on the centred regressors, without intercept, by
 * Huber-weighted least squares (3 reweightings, c = 1.345 robust sd), which
 * gives c_j. A regressor that differs from its usual value on fewer than
 * MIN_ACTIVE periods of the window gets no effect. |c_j| ≤ COEF_MAX.
 *
 * Use, three ways (enum fc_regressors_mode), chosen by the engine's
 * rolling-origin backtest:
 *   none      fc_run's forecast;
 *   overlay   fc_run's forecast (the engine's pick on the raw history) with
 *             the effects multiplied in on the horizon's periods where a
 *             regressor is off its usual value, and only there: a horizon
 *             without such a period is fc_run's forecast exactly. Its
 *             backtest steps the engine's pick through the raw history and
 *             estimates the effects at each origin on the periods before it
 *             only. Tried only for occasional regressors (off their usual
 *             value on at most OVERLAY_SHARE of the latest window);
 *   adjusted  the history divided by the effects (1 + y → (1 + y) / e_t),
 *             the engine run on the adjusted history (it may choose another
 *             model), the horizon's effects multiplied back on every period.
 *             Its backtest: the effects estimated before the first origin
 *             adjust the history, the model the engine chose on the adjusted
 *             history is fitted there and scored at the engine's origins with
 *             the effects put back.
 * Both backtests are scored against the actual demand on the engine's
 * scale. The overlay is taken when its MASE is below (1 − FC_REGRESSOR_GAIN)
 * × none's; the adjusted path when its MASE is below (1 − FC_REGRESSOR_GAIN)
 * × the lower of none's and the overlay's. Knowing a holiday never changes
 * the forecast of an ordinary day unless the adjusted path won clearly.
 *
 * Scored on the kind of periods being forecast. When no period of the
 * horizon has a regressor off its usual value (an ordinary horizon), the
 * overlay is fc_run's forecast exactly and is not offered, and none and the
 * adjusted path are compared on the backtest's ordinary periods only (those
 * with every effect at 1): the adjusted path wins there only by forecasting
 * ordinary days better, not by knowing the backtest's holidays, which the
 * horizon does not have. There the adjusted path is compared only when
 * the engine chose the same model (or combination) on the adjusted history
 * as on the raw one, so the comparison measures the adjustment and not a
 * second model choice on the same backtest: two choices from near-identical
 * histories, the better one taken, win the backtest by chance as often as
 * not (Chicago rail: three of four stations that won so lost on the
 * held-out weeks). With fewer than H ordinary backtest points the
 * comparison falls back to every point and to either model. out->x_ordinary
 * says which was used; the accuracies reported (chosen, without) are over
 * every point either way.
 * Either way the intervals move with the point (put_back per period) and
 * the sums' quantiles scale by the ratio of the new expected sum to the
 * old, from the first changed period on (scale_result). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_model.h"

#define NEIGHBOURS 3  /* seasonal neighbours each side of a period */
#define MIN_ACTIVE 3  /* periods off its usual value a regressor needs */
#define COEF_MAX 5.0  /* |log effect| per unit of a regressor */
#define EXP_MAX 8.0   /* |log effect| of all of them on one period */
#define IRLS_ROUNDS 3 /* Huber reweightings */
#define HUBER_C 1.345
/* the overlay is tried only when the regressors are off their usual value
 * on at most this share of the latest window: occasional events, so that a
 * model of the raw history is a model of ordinary periods */
#define OVERLAY_SHARE 0.5

struct effects {
    int k;
    double coef[FC_MAX_REGRESSORS], ref[FC_MAX_REGRESSORS];
    int active[FC_MAX_REGRESSORS];
};

static double
xval(const struct fc_regressors *xr, int j, int t)
{
    double v = xr->x[j][t];
    return isfinite(v) ? v : 0;
}

/* the median of v[0..n), n ≥ 1, sorting v */
static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, fc_cmp_double);
    return fc_quantile_sorted(v, n, 0.5);
}

/* Solves the k×k system a·c = b (a symmetric, row-major) by Gaussian
 * elimination with partial pivoting; a pivot below tiny leaves that
 * coefficient 0. a and b are overwritten. */
static void
solve(double *a, double *b, int k, double *c)
{
    int piv[FC_MAX_REGRESSORS];
    for (int i = 0; i < k; i++)
        piv[i] = 1;
    for (int col = 0; col < k; col++) {
        int best = col;
        for (int r = col + 1; r < k; r++)
            if (fabs(a[r * k + col]) > fabs(a[best * k + col]))
                best = r;
        if (best != col) {
            for (int j = 0; j < k; j++) {
                double tmp = a[col * k + j];
                a[col * k + j] = a[best * k + j];
                a[best * k + j] = tmp;
            }
            double tmp = b[col];
            b[col] = b[best];
            b[best] = tmp;
        }
        if (fabs(a[col * k + col]) < 1e-12) {
            piv[col] = 0;
            continue;
        }
        for (int r = col + 1; r < k; r++) {
            double f = a[r * k + col] / a[col * k + col];
            for (int j = col; j < k; j++)
                a[r * k + j] -= f * a[col * k + j];
            b[r] -= f * b[col];
        }
    }
    for (int i = k - 1; i >= 0; i--) {
        if (!piv[i]) {
            c[i] = 0;
            continue;
        }
        double s = b[i];
        for (int j = i + 1; j < k; j++)
            s -= a[i * k + j] * c[j];
        c[i] = s / a[i * k + i];
    }
}

/* The effects of xr on w[a..b) (season m) into *e. */
static void
estimate(const double *w, int a, int b, int m, const struct fc_regressors *xr, struct effects *e)
{
    int k = xr->k, step = m >= 2 && m <= 14 ? m : 1, rows = 0, use[FC_MAX_REGRESSORS], nu = 0;
    double nb[2 * NEIGHBOURS], xb[2 * NEIGHBOURS];
    double *xc = tm_xmalloc(sizeof *xc * (size_t)(b - a) * (size_t)(k + 2));
    double *r = xc + (size_t)(b - a) * (size_t)k, *wt = r + (b - a);

    memset(e, 0, sizeof *e);
    e->k = k;
    for (int j = 0; j < k; j++) { /* usual values */
        int c = 0;
        for (int t = a; t < b; t++)
            xc[c++] = xval(xr, j, t);
        e->ref[j] = c ? median(xc, c) : 0;
        for (int t = a; t < b; t++)
            e->active[j] += xval(xr, j, t) != e->ref[j];
    }
    for (int t = a; t < b; t++) {
        if (isnan(w[t]))
            continue;
        int c = 0;
        for (int d = 1; d <= NEIGHBOURS; d++)
            for (int s = -1; s <= 1; s += 2) {
                int u = t + s * d * step;
                if (u >= a && u < b && !isnan(w[u]))
                    nb[c++] = w[u];
            }
        if (c < 2)
            continue;
        r[rows] = log1p(w[t]) - log1p(median(nb, c));
        for (int j = 0; j < k; j++) {
            int cx = 0;
            for (int d = 1; d <= NEIGHBOURS; d++)
                for (int s = -1; s <= 1; s += 2) {
                    int u = t + s * d * step;
                    if (u >= a && u < b && !isnan(w[u]))
                        xb[cx++] = xval(xr, j, u);
                }
            xc[(size_t)rows * k + j] = xval(xr, j, t) - median(xb, cx);
        }
        wt[rows++] = 1;
    }
    for (int j = 0; j < k; j++)
        if (e->active[j] >= MIN_ACTIVE)
            use[nu++] = j;
    for (int round = 0; round <= IRLS_ROUNDS && nu > 0 && rows > nu; round++) {
        double ata[FC_MAX_REGRESSORS * FC_MAX_REGRESSORS] = {0}, atb[FC_MAX_REGRESSORS] = {0};
        double c[FC_MAX_REGRESSORS];
        for (int i = 0; i < rows; i++) {
            const double *xi = xc + (size_t)i * k;
            for (int p = 0; p < nu; p++) {
                atb[p] += wt[i] * xi[use[p]] * r[i];
                for (int q = 0; q < nu; q++)
                    ata[p * nu + q] += wt[i] * xi[use[p]] * xi[use[q]];
            }
        }
        solve(ata, atb, nu, c);
        for (int p = 0; p < nu; p++)
            e->coef[use[p]] = fmax(-COEF_MAX, fmin(COEF_MAX, isfinite(c[p]) ? c[p] : 0));
        if (round == IRLS_ROUNDS)
            break;
        /* Huber weights from the residuals' robust spread */
        double *res = tm_xmalloc(sizeof *res * (size_t)rows);
        for (int i = 0; i < rows; i++) {
            double f = 0;
            for (int p = 0; p < nu; p++)
                f += xc[(size_t)i * k + use[p]] * e->coef[use[p]];
            res[i] = fabs(r[i] - f);
            wt[i] = res[i];
        }
        double sd = 1.4826 * median(res, rows), cut = HUBER_C * sd;
        for (int i = 0; i < rows; i++)
            wt[i] = cut > 0 && wt[i] > cut ? cut / wt[i] : 1;
        free(res);
    }
    free(xc);
}

/* exp(Σ c_j (x_jt − ref_j)) of period t: exactly 1 where every regressor
 * with an effect is at its usual value */
static double
factor_at(const struct effects *e, const struct fc_regressors *xr, int t)
{
    double s = 0;
    for (int j = 0; j < e->k; j++)
        if (e->coef[j] != 0)
            s += e->coef[j] * (xval(xr, j, t) - e->ref[j]);
    return exp(fmax(-EXP_MAX, fmin(EXP_MAX, s)));
}

/* factor_at for t in [0, len) into f */
static void
factors(const struct effects *e, const struct fc_regressors *xr, int len, double *f)
{
    for (int t = 0; t < len; t++)
        f[t] = factor_at(e, xr, t);
}

static double
put_back(double v, double f)
{
    double u = (1 + v) * f - 1;
    return isfinite(u) && u > 0 ? u : 0;
}

/* w[0..n) adjusted by f: (1 + y) / f − 1, not below 0, NaN kept */
static void
adjust(const double *w, const double *f, int n, double *out)
{
    for (int t = 0; t < n; t++) {
        double u = (1 + w[t]) / f[t] - 1;
        out[t] = isnan(w[t]) ? NAN : u > 0 ? u : 0;
    }
}

/* fc_accuracy_of over the backtest points i < cnt whose period at[i] is
 * kept (keep[at[i]] != 0), into *out (points 0 when none is) */
static void
accuracy_kept(const double *fc, const double *act, const int *at, int cnt,
              const unsigned char *keep, double sa, double sq, struct fc_accuracy *out)
{
    double *kf = tm_xmalloc(sizeof *kf * 2 * (size_t)(cnt > 0 ? cnt : 1)), *ka = kf + cnt;
    int k = 0;
    for (int i = 0; i < cnt; i++)
        if (keep[at[i]]) {
            kf[k] = fc[i];
            ka[k++] = act[i];
        }
    memset(out, 0, sizeof *out);
    if (k > 0)
        fc_accuracy_of(kf, ka, k, sa, sq, out);
    free(kf);
}

/* The backtest of r1's model (or combination: its members, fitted each) on
 * the adjusted wa (loss for fitting), its point forecasts multiplied back by
 * f, scored against w at the engine's origins (r0's), into *out, and over
 * the kept periods only into *kept when keep is not NULL; 0, or -1 when a
 * model cannot run there. */
static int
backtest_with(const double *w, const double *wa, const double *f, int n, const struct fc_result *r1,
              enum fc_loss_kind loss, const struct fc_options *o, const struct fc_result *r0,
              const unsigned char *keep, struct fc_accuracy *out, struct fc_accuracy *kept,
              struct tm_err *err)
{
    int H = o->horizon, m = o->season, K = r0->origins, step = (H + 1) / 2;
    int first = n - H - (K - 1) * step, start = r0->info.start;
    int from = first - FC_FIT_MAX > start ? first - FC_FIT_MAX : start;
    double sa, sq, point[FC_MAX_HORIZON];
    int nm = r1->n_members, cnt = 0;
    struct fc_params p[FC_MIX_MAX];
    struct fc_mix s;

    if (K < 1 || first <= from || nm < 1 || nm > FC_MIX_MAX)
        return -1;
    for (int i = 0; i < nm; i++) {
        enum fc_model model = r1->members[i];
        if (!fc_model_fitted(model) || fc_usable(model, wa, from, first, m) != model ||
            fc_fit(model, wa, from, first, m, loss, &p[i], err) != TM_OK)
            return -1;
    }
    size_t kh = (size_t)K * (size_t)H;
    double *fc = tm_xmalloc(sizeof *fc * 2 * kh), *act = fc + kh;
    int *at = tm_xmalloc(sizeof *at * kh);
    fc_scale(w, from, first, &sa, &sq);
    fc_mix_init(&s, nm, r1->members, p, wa, from, first, m);
    for (int t = from, k = 0; t < n && k < K; t++) {
        if (t == first + k * step) {
            fc_mix_point(&s, H, point);
            for (int h = 0; h < H; h++, cnt++) {
                fc[cnt] = put_back(point[h] > 0 ? point[h] : 0, f[t + h]);
                act[cnt] = w[t + h];
                at[cnt] = t + h;
            }
            k++;
        }
        fc_mix_update(&s, wa[t]);
    }
    fc_accuracy_of(fc, act, cnt, sa, sq, out);
    if (keep)
        accuracy_kept(fc, act, at, cnt, keep, sa, sq, kept);
    free(at);
    free(fc);
    return out->points > 0 ? 0 : -1;
}

/* The overlay's backtest: r0's choice (every member fitted on the raw w
 * before the first origin, as fc_run's backtest fits it) stepped through the
 * raw w; at each of r0's origins the effects are estimated on the periods
 * before it only, and its point forecasts are scored without them (*none)
 * and with them on the horizon's periods where a regressor is off its usual
 * value (*over), on the engine's scale; none over the kept periods only
 * into *none_kept when keep is not NULL. 0, or -1 when it cannot run. */
static int
backtest_overlay(const double *w, int n, const struct fc_regressors *xr, const struct fc_options *o,
                 const struct fc_result *r0, const unsigned char *keep, struct fc_accuracy *none,
                 struct fc_accuracy *over, struct fc_accuracy *none_kept, struct tm_err *err)
{
    int H = o->horizon, m = o->season, K = r0->origins, step = (H + 1) / 2;
    int first = n - H - (K - 1) * step, start = r0->info.start;
    int from = first - FC_FIT_MAX > start ? first - FC_FIT_MAX : start, nm = r0->n_members;
    enum fc_loss_kind loss = fc_loss_for(r0->info.cls);
    double sa, sq, point[FC_MAX_HORIZON];
    struct fc_params p[FC_MIX_MAX];
    struct effects e;
    struct fc_mix s;

    if (K < 1 || first <= from || nm < 1 || nm > FC_MIX_MAX)
        return -1;
    for (int i = 0; i < nm; i++) {
        enum fc_model model = r0->members[i];
        if (fc_usable(model, w, from, first, m) != model ||
            fc_fit(model, w, from, first, m, loss, &p[i], err) != TM_OK)
            return -1;
    }
    size_t kh = (size_t)K * (size_t)H;
    double *f0 = tm_xmalloc(sizeof *f0 * 3 * kh), *f1 = f0 + kh, *act = f1 + kh;
    int *at = tm_xmalloc(sizeof *at * kh), cnt = 0;
    fc_scale(w, from, first, &sa, &sq);
    fc_mix_init(&s, nm, r0->members, p, w, from, first, m);
    for (int t = from, k = 0; t < n && k < K; t++) {
        if (t == first + k * step) {
            int a = t - FC_FIT_MAX > start ? t - FC_FIT_MAX : start;
            estimate(w, a, t, m, xr, &e);
            fc_mix_point(&s, H, point);
            for (int h = 0; h < H; h++, cnt++) {
                double fo = factor_at(&e, xr, t + h);
                f0[cnt] = fc_clip0(point[h]);
                f1[cnt] = fo != 1 ? put_back(f0[cnt], fo) : f0[cnt];
                act[cnt] = w[t + h];
                at[cnt] = t + h;
            }
            k++;
        }
        fc_mix_update(&s, w[t]);
    }
    fc_accuracy_of(f0, act, cnt, sa, sq, none);
    fc_accuracy_of(f1, act, cnt, sa, sq, over);
    if (keep)
        accuracy_kept(f0, act, at, cnt, keep, sa, sq, none_kept);
    free(at);
    free(f0);
    return none->points > 0 ? 0 : -1;
}

/* r1 multiplied by the horizon's factors f[0..H): per period through
 * put_back where f is not 1 (a period at 1 is left exactly as it was), the
 * sums from the first such period on scaled by the ratio of the new
 * expected sum to the old (the spread of the sum scales with it) */
static void
scale_result(struct fc_result *r1, const double *f)
{
    double run = 0;
    int changed = 0;
    for (int h = 0; h < r1->horizon; h++) {
        if (f[h] != 1) {
            r1->forecast[h] = put_back(r1->forecast[h], f[h]);
            r1->mean[h] = put_back(r1->mean[h], f[h]);
            r1->lo80[h] = fmin(put_back(r1->lo80[h], f[h]), r1->forecast[h]);
            r1->lo95[h] = fmin(put_back(r1->lo95[h], f[h]), r1->lo80[h]);
            r1->hi80[h] = fmax(put_back(r1->hi80[h], f[h]), r1->forecast[h]);
            r1->hi95[h] = fmax(put_back(r1->hi95[h], f[h]), r1->hi80[h]);
            changed = 1;
        }
        run += r1->mean[h];
        if (!changed)
            continue;
        double old = r1->cum[h], q = old > FC_SCALE_MIN ? run / old : 0;
        r1->cum[h] = run;
        if (q > 0) {
            r1->cum_lo95[h] *= q;
            r1->cum_lo80[h] *= q;
            r1->cum_hi80[h] *= q;
            r1->cum_hi95[h] *= q;
            for (int j = 0; j < FC_CUM_NQ; j++)
                r1->cum_q[h][j] *= q;
        } else { /* nothing expected before: the new sum, no spread known */
            r1->cum_lo95[h] = r1->cum_lo80[h] = 0;
            r1->cum_hi80[h] = r1->cum_hi95[h] = run;
            for (int j = 0; j < FC_CUM_NQ; j++)
                r1->cum_q[h][j] = j + 1 < FC_CUM_NQ ? 0 : run;
        }
        /* rounding must not put the sum outside its own interval */
        r1->cum_lo80[h] = fmin(r1->cum_lo80[h], run);
        r1->cum_lo95[h] = fmin(r1->cum_lo95[h], r1->cum_lo80[h]);
        r1->cum_hi80[h] = fmax(r1->cum_hi80[h], run);
        r1->cum_hi95[h] = fmax(r1->cum_hi95[h], r1->cum_hi80[h]);
    }
}

static void
report(const struct effects *e, const struct fc_regressors *xr, struct fc_result *r)
{
    r->n_effects = e->k;
    for (int j = 0; j < e->k; j++) {
        struct fc_effect *x = &r->effects[j];
        const char *nm = xr->name[j] ? xr->name[j] : "";
        size_t len = strlen(nm);
        if (len >= sizeof x->name)
            len = sizeof x->name - 1;
        memcpy(x->name, nm, len);
        x->name[len] = '\0';
        x->coef = e->coef[j];
        x->ref = e->ref[j];
        x->lift = expm1(e->coef[j]);
        x->active = e->active[j];
    }
}

/* r with the horizon's factors f (scale_result), the backtest acc as its
 * accuracy (coverage kept), used the way mode says */
static void
take(struct fc_result *r, const double *f, const struct fc_accuracy *acc,
     enum fc_regressors_mode mode)
{
    scale_result(r, f);
    r->chosen.mase = acc->mase;
    r->chosen.rmsse = acc->rmsse;
    r->chosen.bias = acc->bias;
    r->chosen.points = acc->points;
    r->regressors_used = 1;
    r->regressors_mode = mode;
}

/* r1, the forecast of the adjusted history, becomes the result: the
 * horizon's factors put back, the original series' class, origins and
 * benchmarks kept from r0, the backtest with effects as its accuracy */
static void
adopt(struct fc_result *r0, struct fc_result *r1, const double *f, const struct fc_accuracy *with)
{
    take(r1, f, with, FC_X_ADJUSTED);
    r1->info = r0->info;
    r1->origins = r0->origins;
    r1->snaive = r0->snaive;
    r1->seed = r0->seed;
    r1->without = r0->without;
    r1->n_effects = r0->n_effects;
    memcpy(r1->effects, r0->effects, sizeof r1->effects);
    *r0 = *r1;
}

/* Whether a and b chose the same model or the same combination (the same
 * members in any order: a combination is their plain mean). */
static int
same_pick(const struct fc_result *a, const struct fc_result *b)
{
    if (a->model != b->model || a->n_members != b->n_members)
        return 0;
    for (int i = 0; i < a->n_members; i++) {
        int found = 0;
        for (int j = 0; j < b->n_members && !found; j++)
            found = a->members[i] == b->members[j];
        if (!found)
            return 0;
    }
    return 1;
}

enum tm_code
fc_run_x(const double *y, int n, const struct fc_regressors *xr, const struct fc_options *o,
         struct fc_result *out, struct tm_err *err)
{
    if (!xr || xr->k == 0)
        return fc_run(y, n, o, out, err);
    memset(out, 0, sizeof *out);
    if (xr->k < 0 || xr->k > FC_MAX_REGRESSORS)
        return tm_err_set(err, TM_INVALID, "regressors", "%d regressors (0..%d)", xr->k,
                          FC_MAX_REGRESSORS);
    for (int j = 0; j < xr->k; j++)
        if (!xr->x[j])
            return tm_err_set(err, TM_INVALID, "regressors", "regressor %d has no values", j + 1);
    enum tm_code rc = fc_run(y, n, o, out, err);
    if (rc != TM_OK)
        return rc;
    out->without = out->chosen;
    if (out->origins == 0 || out->info.cls == FC_NO_DEMAND || out->info.cls == FC_TOO_SHORT)
        return TM_OK;

    int H = o->horizon, K = out->origins, step = (H + 1) / 2, start = out->info.start;
    int first = n - H - (K - 1) * step,
        from = first - FC_FIT_MAX > start ? first - FC_FIT_MAX : start;
    int last_from = n - FC_FIT_MAX > start ? n - FC_FIT_MAX : start;
    double *w = tm_xmalloc(sizeof *w * (size_t)(5 * n + 2 * H));
    double *wa = w + n, *wb = wa + n, *f = wb + n, *fb = f + n + H;
    struct fc_result *r1 = tm_xmalloc(sizeof *r1);
    struct effects full, early;
    struct fc_accuracy with, none, over, none_k = {0}, with_k = {0};
    struct tm_err e2;
    unsigned char *keep = NULL; /* ordinary horizon: the periods compared */
    double x_bar = NAN, x_adj = NAN;
    int any = 0, use_over = 0;

    fc_clean(y, n, w);
    estimate(w, last_from, n, o->season, xr, &full);
    report(&full, xr, out);
    for (int j = 0; j < full.k; j++)
        any |= full.coef[j] != 0;
    if (!any)
        goto done;
    factors(&full, xr, n + H, f);
    int ordinary = 1; /* no period of the horizon has an effect */
    for (int h = 0; h < H; h++)
        ordinary &= f[n + h] == 1;
    double bar = out->without.mase;
    if (ordinary) {
        /* the overlay is fc_run's forecast here; none is scored on the
         * backtest's ordinary periods, the kind the horizon holds */
        keep = tm_xmalloc((size_t)n);
        for (int t = 0; t < n; t++)
            keep[t] = f[t] == 1;
        if (backtest_overlay(w, n, xr, o, out, keep, &none, &over, &none_k, &e2) == 0 &&
            none_k.points >= H) {
            bar = none_k.mase;
        } else {
            free(keep);
            keep = NULL;
        }
    } else {
        /* the overlay: taken when it beats the engine alone by the margin */
        int off = 0;
        for (int t = last_from; t < n; t++)
            off += f[t] != 1;
        if (off <= OVERLAY_SHARE * (n - last_from) &&
            backtest_overlay(w, n, xr, o, out, NULL, &none, &over, NULL, &e2) == 0) {
            use_over = over.mase < (1 - FC_REGRESSOR_GAIN) * none.mase;
            bar = fmin(bar, over.mase);
        }
    }
    x_bar = bar;
    /* the adjusted history: taken when it beats both by the margin */
    adjust(w, f, n, wa);
    if (fc_run(wa, n, o, r1, &e2) != TM_OK || r1->origins == 0 || (keep && !same_pick(out, r1)))
        goto done;
    estimate(w, from, first, o->season, xr, &early);
    factors(&early, xr, n + H, fb);
    adjust(w, fb, n, wb);
    if (backtest_with(w, wb, fb, n, r1, fc_loss_for(r1->info.cls), o, out, keep, &with, &with_k,
                      &e2) == 0) {
        x_adj = keep ? with_k.mase : with.mase;
        if ((!keep || with_k.points > 0) && x_adj < (1 - FC_REGRESSOR_GAIN) * bar) {
            use_over = 0;
            adopt(out, r1, f + n, &with);
            if ((rc = fc_result_check(out, err)) != TM_OK)
                memset(out, 0, sizeof *out);
        }
    }
done:
    if (use_over) {
        take(out, f + n, &over, FC_X_OVERLAY); /* fc_run's, active periods only */
        if ((rc = fc_result_check(out, err)) != TM_OK)
            memset(out, 0, sizeof *out);
    }
    if (rc == TM_OK) {
        out->x_ordinary = keep != NULL;
        out->x_bar_mase = x_bar;
        out->x_adjusted_mase = x_adj;
    }
    free(keep);
    free(r1);
    free(w);
    return rc;
}
