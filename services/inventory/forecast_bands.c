/* services/inventory/forecast_bands.c — the intervals of the engine
 * (forecast_model.h): the quantiles of the model's (or combination's) own
 * h-step errors and of the errors of its h-period sums from every origin of
 * the fitted history (empirical), or the ETS variance formulas for a single
 * additive ETS model on a smooth series (analytic); a series too short for
 * either gets a normal approximation. Intervals are clipped at zero and
 * always contain the forecast. Split from forecast_run.c, which chooses the
 * model. */
#include <math.h>
#include <stdlib.h>

#include "common/buf.h"

#include "services/inventory/forecast_model.h"

#define EMPIRICAL_MIN 8 /* fewer errors than this at some h: fall back */
#define Z80 1.2815515655446004
#define Z95 1.959963984540054

double
fc_clip0(double v)
{
    return isfinite(v) && v > 0 ? v : 0;
}

/* ---- intervals ---------------------------------------------------------- */

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
void
fc_bands_normal(struct fc_bands *b, const double *var, const double *cvar, int H)
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
bands_simple(struct fc_bands *b, double sigma2, int H)
{
    double var[FC_MAX_HORIZON], cvar[FC_MAX_HORIZON];
    for (int h = 1; h <= H; h++) {
        var[h - 1] = sigma2 * h;
        cvar[h - 1] = sigma2 * h * (h + 1.0) * (2.0 * h + 1.0) / 6.0;
    }
    fc_bands_normal(b, var, cvar, H);
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
bands_analytic(struct fc_bands *b, enum fc_model model, const struct fc_params *p, int m, int H)
{
    double var[FC_MAX_HORIZON], cvar[FC_MAX_HORIZON];
    fc_ets_variance(model, p, m, H, var, cvar);
    fc_bands_normal(b, var, cvar, H);
}

/* Empirical bands: the model (parameters p) is stepped over w[from..end);
 * from each origin t in [lo, end) its point forecasts are compared with the
 * actuals before `end`, and the sums of its mean path with the sums of the
 * actuals. Returns 0, or -1 when some h has too few errors (the caller falls
 * back). Its error tables, rows × H each, rows ≤ FC_EMPIRICAL_ORIGINS + H,
 * are one tm_xmalloc freed before it returns. */
static int
bands_empirical(struct fc_bands *b, const struct fc_pick *pk, const double *w, int from, int end,
                int lo, int m, int H)
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
    struct fc_mix s;
    fc_mix_init(&s, pk->k, pk->model, pk->p, w, from, end, m);
    double path[FC_MAX_HORIZON], point[FC_MAX_HORIZON];
    for (int t = from; t < end; t++) {
        if (t >= lo) {
            fc_mix_path(&s, H, path);
            fc_mix_point(&s, H, point);
            double run = 0, sum = 0;
            int whole = 1;
            for (int h = 0; h < H; h++) {
                double a = t + h < end ? w[t + h] : NAN;
                if (isnan(a)) {
                    whole = 0;
                    continue;
                }
                e[(size_t)h * rows + cnt[h]++] = a - fc_clip0(point[h]);
                zeros[h] += a == 0;
                run += a - fc_clip0(path[h]);
                sum += a;
                if (whole) {
                    ce[(size_t)h * rows + ccnt[h]++] = run;
                    czeros[h] += sum == 0;
                }
            }
        }
        fc_mix_update(&s, w[t]);
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

/* the bands of a fitted model or combination: analytic, empirical, or the
 * fallback; returns 1 when analytic */
int
fc_bands_make(struct fc_bands *b, enum fc_class cls, const struct fc_pick *pk, const double *w,
              int from, int end, int m, int H)
{
    const struct fc_params *p = &pk->p[0];
    if (cls == FC_SMOOTH && pk->k == 1 && analytic_model(pk->model[0]) && p->sigma2 > 0) {
        bands_analytic(b, pk->model[0], p, m, H);
        for (int h = 0; h < H; h++) { /* centred on the mean, not the point */
            b->lo95[h] -= p->shift;
            b->lo80[h] -= p->shift;
            b->hi80[h] -= p->shift;
            b->hi95[h] -= p->shift;
        }
        return 1;
    }
    int lo = end - FC_EMPIRICAL_ORIGINS - H;
    if (lo < from + fc_min_train(m))
        lo = from + fc_min_train(m);
    if (bands_empirical(b, pk, w, from, end, lo, m, H) != 0) {
        double sigma2 = 0;
        for (int i = 0; i < pk->k; i++)
            sigma2 += pk->p[i].sigma2 / pk->k;
        bands_simple(b, sigma2, H);
    }
    return 0;
}

/* the interval {lo95, lo80, hi80, hi95} around f from error quantiles:
 * never negative, lo ≤ f ≤ hi, nested, and starting at 0 when at least the
 * tail's share of the actuals was 0 */
void
fc_interval(double f, double zero, double lo95, double lo80, double hi80, double hi95,
            double out[4])
{
    out[0] = zero >= 0.025 ? 0 : fmin(fc_clip0(f + lo95), f);
    out[1] = zero >= 0.10 ? 0 : fmin(fmax(fc_clip0(f + lo80), out[0]), f);
    out[2] = fmax(fc_clip0(f + hi80), f);
    out[3] = fmax(fc_clip0(f + hi95), out[2]);
}

/* mean path, point path and bands → the result's arrays; the sums'
 * quantiles are around the sum of the means */
void
fc_bands_apply(struct fc_result *r, const double *path, const double *point,
               const struct fc_bands *b, int H)
{
    double run = 0, v[4];
    for (int h = 0; h < H; h++) {
        double f = fc_clip0(point[h]);
        run += fc_clip0(path[h]);
        r->forecast[h] = f;
        r->mean[h] = fc_clip0(path[h]);
        fc_interval(f, b->zero[h], b->lo95[h], b->lo80[h], b->hi80[h], b->hi95[h], v);
        r->lo95[h] = v[0];
        r->lo80[h] = v[1];
        r->hi80[h] = v[2];
        r->hi95[h] = v[3];
        r->cum[h] = run;
        fc_interval(run, b->czero[h], b->clo95[h], b->clo80[h], b->chi80[h], b->chi95[h], v);
        r->cum_lo95[h] = v[0];
        r->cum_lo80[h] = v[1];
        r->cum_hi80[h] = v[2];
        r->cum_hi95[h] = v[3];
        double prev = 0;
        for (int j = 0; j < FC_CUM_NQ; j++) {
            double q = fc_cum_levels[j] <= b->czero[h] ? 0 : fc_clip0(run + b->cq[h][j]);
            r->cum_q[h][j] = prev = fmax(q, prev);
        }
    }
}
