/* services/inventory/forecast.c — the models of forecast.h: one state
 * machine per model (initialise from the first periods, forecast 1..H ahead,
 * update with the next actual), parameter fitting by minimising the in-sample
 * one-step error (absolute or squared, fc_loss_for) with NLopt's bounded
 * Nelder–Mead, the median correction of a fitted model, and fc_model_forecast.
 * The engine (classification, backtest, intervals) is in forecast_run.c.
 *
 * Period t's season slot is t mod m, so the slots line up across calls on the
 * same series. Missing periods (NaN) advance time without updating a state. */
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast_model.h"

static const char *const MODEL_NAMES[FC_MODEL_COUNT] = {"naive",
                                                        "seasonal_naive",
                                                        "moving_average",
                                                        "ses",
                                                        "holt_damped",
                                                        "holt_winters_additive",
                                                        "holt_winters_multiplicative",
                                                        "seasonal_ses",
                                                        "croston",
                                                        "sba",
                                                        "tsb",
                                                        "theta",
                                                        "seasonal_median",
                                                        "combination",
                                                        "seed_formula",
                                                        "mean",
                                                        "zero"};

const char *
fc_model_name(enum fc_model m)
{
    return (unsigned)m < FC_MODEL_COUNT ? MODEL_NAMES[m] : "unknown";
}

static int
is_obs(double v)
{
    return !isnan(v);
}

/* mean of the observed values among the last `k` periods before t (at or
 * after `from`); *count gets how many there were */
static double
window_mean(const double *y, int from, int t, int k, int *count)
{
    double sum = 0;
    int c = 0;
    for (int i = t - 1; i >= from && i >= t - k; i--)
        if (is_obs(y[i])) {
            sum += y[i];
            c++;
        }
    if (count)
        *count = c;
    return c ? sum / c : 0;
}

/* The seeds' formula over the periods before t, reconstructed from their
 * description: moving averages over the last 7 and 30 periods counting only
 * periods with sales (a period without sales is skipped, not a zero), a trend
 * factor MA7 / MA30 (held within 0.5..2), and a "seasonality" factor
 * 1 + 0.2·CV of those sales. Its daily rate; it forecasts that rate for every
 * period of the horizon. */
static double
seed_rate(const double *y, int from, int t)
{
    double s7 = 0, s30 = 0, q30 = 0;
    int c7 = 0, c30 = 0;
    for (int i = t - 1; i >= from && i >= t - 30; i--) {
        if (!is_obs(y[i]) || y[i] <= 0)
            continue;
        if (i >= t - 7) {
            s7 += y[i];
            c7++;
        }
        s30 += y[i];
        q30 += y[i] * y[i];
        c30++;
    }
    if (c30 == 0)
        return 0;
    double ma30 = s30 / c30, ma7 = c7 ? s7 / c7 : ma30;
    double trend = ma7 / ma30;
    if (trend < 0.5)
        trend = 0.5;
    if (trend > 2)
        trend = 2;
    double var = q30 / c30 - ma30 * ma30;
    double cv = var > 0 ? sqrt(var) / ma30 : 0;
    return (0.4 * ma7 + 0.6 * ma30) * trend * (1 + 0.2 * cv);
}

static double
clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void
fc_state_init(struct fc_state *s, enum fc_model model, const struct fc_params *p, const double *y,
              int from, int n, int m)
{
    memset(s, 0, sizeof *s);
    s->model = model;
    s->p = *p;
    s->m = m < 1 ? 1 : m;
    s->y = y;
    s->from = from;
    s->t = from;
    m = s->m;

    /* level: mean of the first block of observed values; trend from the
     * first two blocks; season from the deviations of the first two seasons */
    int block = m > 1 ? m : 4;
    int avail = n - from;
    double b1 = 0, b2 = 0;
    int c1 = 0, c2 = 0;
    for (int i = 0; i < avail && i < 2 * block; i++) {
        double v = y[from + i];
        if (!is_obs(v))
            continue;
        if (i < block) {
            b1 += v;
            c1++;
        } else {
            b2 += v;
            c2++;
        }
    }
    double mean1 = c1 ? b1 / c1 : (c2 ? b2 / c2 : 0);
    double mean2 = c2 ? b2 / c2 : mean1;
    s->level = mean1;
    s->trend = (c1 && c2) ? (mean2 - mean1) / block : 0;

    int mul = model == FC_HW_MUL;
    double sum[FC_MAX_SEASON] = {0};
    int cnt[FC_MAX_SEASON] = {0};
    for (int i = 0; i < avail && i < 2 * m; i++) {
        int t = from + i;
        double v = y[t];
        if (!is_obs(v))
            continue;
        double base = mean1 + s->trend * (i - (block - 1) / 2.0);
        int slot = t % m;
        if (mul)
            sum[slot] += base > 0 ? v / base : 1;
        else
            sum[slot] += v - base;
        cnt[slot]++;
    }
    double norm = 0;
    for (int j = 0; j < m; j++) {
        s->season[j] = cnt[j] ? sum[j] / cnt[j] : (mul ? 1 : 0);
        norm += s->season[j];
    }
    norm /= m;
    for (int j = 0; j < m && m > 1; j++) {
        if (mul)
            s->season[j] = norm > 0 ? clampd(s->season[j] / norm, 0.01, 100) : 1;
        else
            s->season[j] -= norm;
    }
    if (m == 1)
        s->season[0] = mul ? 1 : 0;

    /* naive / seasonal naive: the first observed values */
    s->last = mean1;
    for (int j = 0; j < m; j++)
        s->snaive[j] = mean1;
    for (int i = 0; i < avail && i < m; i++)
        if (is_obs(y[from + i])) {
            s->snaive[(from + i) % m] = y[from + i];
        }
    for (int i = 0; i < avail; i++)
        if (is_obs(y[from + i])) {
            s->last = y[from + i];
            break;
        }

    /* Croston / TSB: mean size and interval of the window */
    double zs = 0;
    int nz = 0, obs = 0;
    for (int i = 0; i < avail; i++) {
        double v = y[from + i];
        if (!is_obs(v))
            continue;
        obs++;
        if (v > 0) {
            zs += v;
            nz++;
        }
    }
    s->size = nz ? zs / nz : 0;
    s->interval = nz ? (double)obs / nz : 1;
    s->prob = obs ? (double)nz / obs : 0;
    s->since = 1;
    if (model == FC_THETA)
        fc_theta_init(s, y, from, n);
}

void
fc_state_path(const struct fc_state *s, int H, double *out)
{
    const struct fc_params *p = &s->p;
    int m = s->m, t = s->t;
    switch (s->model) {
    case FC_NAIVE:
        for (int h = 0; h < H; h++)
            out[h] = s->last;
        return;
    case FC_SNAIVE:
        for (int h = 0; h < H; h++)
            out[h] = s->snaive[(t + h) % m];
        return;
    case FC_MA: {
        double v = window_mean(s->y, s->from, t, p->window, NULL);
        for (int h = 0; h < H; h++)
            out[h] = v;
        return;
    }
    case FC_SEED: {
        double v = seed_rate(s->y, s->from, t);
        for (int h = 0; h < H; h++)
            out[h] = v;
        return;
    }
    case FC_MEAN: {
        double v = window_mean(s->y, s->from, t, t - s->from, NULL);
        for (int h = 0; h < H; h++)
            out[h] = v;
        return;
    }
    case FC_ZERO:
        for (int h = 0; h < H; h++)
            out[h] = 0;
        return;
    case FC_SES:
        for (int h = 0; h < H; h++)
            out[h] = s->level;
        return;
    case FC_SEASONAL_SES:
        for (int h = 0; h < H; h++)
            out[h] = s->level + s->season[(t + h) % m];
        return;
    case FC_HOLT_DAMPED:
    case FC_HW_ADD:
    case FC_HW_MUL: {
        double acc = 0, pw = 1;
        for (int h = 0; h < H; h++) {
            pw *= p->phi;
            acc += pw;
            double base = s->level + acc * s->trend;
            if (s->model == FC_HOLT_DAMPED)
                out[h] = base;
            else if (s->model == FC_HW_ADD)
                out[h] = base + s->season[(t + h) % m];
            else
                out[h] = base * s->season[(t + h) % m];
        }
        return;
    }
    case FC_CROSTON:
    case FC_SBA: {
        double v = s->interval > 0 ? s->size / s->interval : 0;
        if (s->model == FC_SBA)
            v *= 1 - p->alpha / 2;
        for (int h = 0; h < H; h++)
            out[h] = v;
        return;
    }
    case FC_TSB:
        for (int h = 0; h < H; h++)
            out[h] = s->prob * s->size;
        return;
    case FC_THETA:
        for (int h = 0; h < H; h++) {
            double base = s->level + (h + 1) * s->trend, sea = s->season[(t + h) % m];
            out[h] = s->mul ? base * sea : base + sea;
        }
        return;
    case FC_SEASONAL_MEDIAN:
        fc_seasonal_paths(s, H, out, NULL);
        return;
    case FC_COMBO:
    case FC_MODEL_COUNT:
        break;
    }
    for (int h = 0; h < H; h++)
        out[h] = 0;
}

double
fc_state_next(const struct fc_state *s)
{
    double f;
    switch (s->model) {
    case FC_SES:
        return s->level;
    case FC_HOLT_DAMPED:
        return s->level + s->p.phi * s->trend;
    case FC_HW_ADD:
        return s->level + s->p.phi * s->trend + s->season[s->t % s->m];
    case FC_HW_MUL:
        return (s->level + s->p.phi * s->trend) * s->season[s->t % s->m];
    case FC_SEASONAL_SES:
        return s->level + s->season[s->t % s->m];
    case FC_SEASONAL_MEDIAN: /* fitted and scored on its point, the median */
        fc_seasonal_paths(s, 1, NULL, &f);
        return f;
    default:
        fc_state_path(s, 1, &f);
        return f;
    }
}

void
fc_state_update(struct fc_state *s, double v)
{
    const struct fc_params *p = &s->p;
    int m = s->m, slot = s->t % m;
    s->t++;
    if (!is_obs(v))
        return;
    double e;
    switch (s->model) {
    case FC_NAIVE:
        s->last = v;
        break;
    case FC_SNAIVE:
        s->snaive[slot] = v;
        break;
    case FC_SES:
        s->level += p->alpha * (v - s->level);
        break;
    case FC_SEASONAL_SES:
        e = v - (s->level + s->season[slot]);
        s->level += p->alpha * e;
        s->season[slot] += p->gamma * e;
        break;
    case FC_HOLT_DAMPED: {
        double base = s->level + p->phi * s->trend;
        e = v - base;
        s->level = base + p->alpha * e;
        s->trend = p->phi * s->trend + p->beta * e;
        break;
    }
    case FC_HW_ADD: {
        double base = s->level + p->phi * s->trend;
        e = v - (base + s->season[slot]);
        s->level = base + p->alpha * e;
        s->trend = p->phi * s->trend + p->beta * e;
        s->season[slot] += p->gamma * e;
        break;
    }
    case FC_HW_MUL: {
        double base = s->level + p->phi * s->trend, sea = s->season[slot];
        e = v - base * sea;
        s->level = base + p->alpha * e / sea;
        s->trend = p->phi * s->trend + p->beta * e / sea;
        if (base > 1e-9)
            s->season[slot] = clampd(sea + p->gamma * e / base, 0.01, 100);
        break;
    }
    case FC_CROSTON:
    case FC_SBA:
        if (v > 0) {
            s->size += p->alpha * (v - s->size);
            s->interval += p->alpha * (s->since - s->interval);
            s->since = 1;
        } else {
            s->since++;
        }
        break;
    case FC_TSB:
        s->prob += p->beta * ((v > 0 ? 1 : 0) - s->prob);
        if (v > 0)
            s->size += p->alpha * (v - s->size);
        break;
    case FC_THETA: { /* SES with drift on the adjusted value */
        double sea = s->season[slot], a = s->mul ? v / sea : v - sea;
        s->level += s->trend + p->alpha * (a - (s->level + s->trend));
        break;
    }
    default: /* MA, seed, mean, zero read the series itself */
        break;
    }
    /* a state that ran away (huge outliers, a bad fit) restarts level-only */
    if (!isfinite(s->level) || !isfinite(s->trend) || fabs(s->level) > 1e15) {
        s->level = v;
        s->trend = 0;
    }
}

/* ---- fitting ---------------------------------------------------------- */

struct fit_ctx {
    enum fc_model model;
    const double *y;
    int from, end, m;
    enum fc_loss_kind loss;
    struct fc_params base;
};

/* the free parameters of each model, in NLopt's vector */
static int
n_free(enum fc_model model)
{
    switch (model) {
    case FC_SES:
    case FC_CROSTON:
    case FC_SBA:
    case FC_THETA:
        return 1;
    case FC_TSB:
    case FC_SEASONAL_SES:
        return 2;
    case FC_HOLT_DAMPED:
        return 3;
    case FC_HW_ADD:
    case FC_HW_MUL:
        return 4;
    default:
        return 0;
    }
}

/* x → parameters; β and γ are fractions of what ETS allows (β < α, γ < 1-α) */
static void
x_to_params(enum fc_model model, const double *x, struct fc_params *p)
{
    switch (model) {
    case FC_SES:
    case FC_CROSTON:
    case FC_SBA:
    case FC_THETA:
        p->alpha = x[0];
        break;
    case FC_TSB:
        p->alpha = x[0];
        p->beta = x[1];
        break;
    case FC_SEASONAL_SES:
        p->alpha = x[0];
        p->gamma = x[1] * (1 - x[0]);
        break;
    case FC_HOLT_DAMPED:
        p->alpha = x[0];
        p->beta = x[1] * x[0];
        p->phi = x[2];
        break;
    case FC_HW_ADD:
    case FC_HW_MUL:
        p->alpha = x[0];
        p->beta = x[1] * x[0];
        p->gamma = x[2] * (1 - x[0]);
        p->phi = x[3];
        break;
    default:
        break;
    }
}

/* the one-step errors over y[from+1..end): their summed loss, how many
 * (*count), and each error into errors[] when it is not NULL (room for
 * end - from) */
static double
one_step_errors(enum fc_model model, const struct fc_params *p, const double *y, int from, int end,
                int m, enum fc_loss_kind loss, int *count, double *errors)
{
    struct fc_state s;
    fc_state_init(&s, model, p, y, from, end, m);
    double sum = 0;
    int c = 0;
    for (int t = from; t < end; t++) {
        if (t > from && is_obs(y[t])) {
            double e = y[t] - fc_state_next(&s);
            sum += loss == FC_LOSS_ABSOLUTE ? fabs(e) : e * e;
            if (errors)
                errors[c] = e;
            c++;
        }
        fc_state_update(&s, y[t]);
    }
    if (count)
        *count = c;
    return isfinite(sum) ? sum : HUGE_VAL;
}

double
fc_loss(enum fc_model model, const struct fc_params *p, const double *y, int from, int end, int m,
        enum fc_loss_kind loss, int *count)
{
    return one_step_errors(model, p, y, from, end, m, loss, count, NULL);
}

enum fc_loss_kind
fc_loss_for(enum fc_class c)
{
    return c == FC_SMOOTH || c == FC_ERRATIC ? FC_LOSS_ABSOLUTE : FC_LOSS_SQUARED;
}

int
fc_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double
fc_quantile_sorted(const double *v, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

int
fc_model_fitted(enum fc_model model)
{
    switch (model) {
    case FC_MA:
    case FC_SEASONAL_MEDIAN:
    case FC_SES:
    case FC_HOLT_DAMPED:
    case FC_HW_ADD:
    case FC_HW_MUL:
    case FC_SEASONAL_SES:
    case FC_CROSTON:
    case FC_SBA:
    case FC_TSB:
    case FC_THETA:
    case FC_COMBO:
        return 1;
    default:
        return 0;
    }
}

static double
objective(unsigned n, const double *x, double *grad, void *data)
{
    (void)n;
    (void)grad;
    struct fit_ctx *c = data;
    struct fc_params p = c->base;
    x_to_params(c->model, x, &p);
    double v = fc_loss(c->model, &p, c->y, c->from, c->end, c->m, c->loss, NULL);
    return isfinite(v) ? v : 1e300;
}

enum tm_code
fc_optimiser_result(int nlopt, enum fc_model model, struct tm_err *err)
{
    if (nlopt > 0 || nlopt == NLOPT_ROUNDOFF_LIMITED)
        return TM_OK;
    const char *name = nlopt_result_to_string((nlopt_result)nlopt);

    return tm_err_set(err, TM_INTERNAL, NULL, "optimiser failed fitting %s: %s (%d)",
                      fc_model_name(model), name ? name : "unknown result", nlopt);
}

/* Nelder–Mead over the model's free parameters (n_free), within bounds,
 * from a start every model shares; *p gets the minimiser. */
static enum tm_code
optimise(struct fit_ctx *ctx, int nf, struct fc_params *p, struct tm_err *err)
{
    double x[4] = {0.1, 0.1, 0.1, 0.95}, lo[4] = {1e-4, 1e-4, 1e-4, 0.8},
           hi[4] = {0.9999, 0.9999, 0.9999, 0.98};
    double step[4] = {0.05, 0.05, 0.05, 0.02}, best = 0;
    nlopt_opt opt = NULL;
    nlopt_result r = NLOPT_OUT_OF_MEMORY; /* what a failed nlopt_create means */

    if (ctx->model == FC_HOLT_DAMPED) {
        x[2] = 0.95;
        lo[2] = 0.8;
        hi[2] = 0.98;
    }
    if (!(opt = nlopt_create(NLOPT_LN_NELDERMEAD, (unsigned)nf)))
        goto out;
    if ((r = nlopt_set_lower_bounds(opt, lo)) < 0 || (r = nlopt_set_upper_bounds(opt, hi)) < 0 ||
        (r = nlopt_set_initial_step(opt, step)) < 0 ||
        (r = nlopt_set_min_objective(opt, objective, ctx)) < 0 ||
        (r = nlopt_set_xtol_abs1(opt, 1e-3)) < 0 || (r = nlopt_set_ftol_rel(opt, 1e-5)) < 0 ||
        (r = nlopt_set_maxeval(opt, 30 + 30 * nf)) < 0)
        goto out;
    r = nlopt_optimize(opt, x, &best);
out:
    nlopt_destroy(opt);
    if (fc_optimiser_result(r, ctx->model, err) != TM_OK)
        return TM_INTERNAL;
    for (int i = 0; i < nf; i++)
        x[i] = clampd(x[i], lo[i], hi[i]);
    x_to_params(ctx->model, x, p);
    return TM_OK;
}

/* FC_SEASONAL_MEDIAN's k: 3, 5 or 7 seasons (weeks of the same weekday,
 * years of the same month), the least in-sample loss. Odd, so the median is
 * one of the values and one unusual season (a holiday, a promotion) cannot
 * move it, as it moves the middle pair's mean of an even count. */
static void
fit_seasons(const double *y, int from, int end, int m, enum fc_loss_kind loss, struct fc_params *p)
{
    static const int seasons[] = {3, 5, FC_SEASONS_MAX};
    double best = HUGE_VAL;
    p->window = seasons[0];
    for (size_t i = 0; i < sizeof seasons / sizeof *seasons; i++) {
        struct fc_params q = *p;
        q.window = seasons[i];
        if (i > 0 && (end - from) < (q.window + 1) * m)
            break;
        double v = fc_loss(FC_SEASONAL_MEDIAN, &q, y, from, end, m, loss, NULL);
        if (v < best) {
            best = v;
            *p = q;
        }
    }
}

enum tm_code
fc_fit(enum fc_model model, const double *y, int from, int end, int m, enum fc_loss_kind loss,
       struct fc_params *out, struct tm_err *err)
{
    struct fc_params p = {.phi = 1, .window = 1};
    double e[FC_FIT_MAX]; /* the in-sample one-step errors, for their median */
    int count = 0, nf = n_free(model);

    if (end - from > FC_FIT_MAX)
        from = end - FC_FIT_MAX;
    if (model == FC_SEASONAL_MEDIAN) {
        fit_seasons(y, from, end, m, loss, &p);
    } else if (model == FC_MA) {
        static const int windows[] = {2, 3, 4, 7, 14, 28};
        double best = HUGE_VAL;
        p.window = 2;
        for (size_t i = 0; i < sizeof windows / sizeof *windows; i++) {
            struct fc_params q = p;
            q.window = windows[i];
            if (q.window > (end - from) / 2 && i > 0)
                break;
            double v = fc_loss(model, &q, y, from, end, m, loss, NULL);
            if (v < best) {
                best = v;
                p = q;
            }
        }
    }
    if (nf > 0) {
        struct fit_ctx ctx = {model, y, from, end, m, loss, p};
        if (optimise(&ctx, nf, &p, err) != TM_OK)
            return TM_INTERNAL;
    }
    /* sigma2 and, for a fitted model, the median of the same errors (not
     * for the seasonal median, whose point is a median already) */
    double sse = one_step_errors(model, &p, y, from, end, m, FC_LOSS_SQUARED, &count, e);
    p.sigma2 = count > 0 && isfinite(sse) ? sse / count : 0;
    if (fc_model_fitted(model) && model != FC_SEASONAL_MEDIAN && count > 0) {
        qsort(e, (size_t)count, sizeof *e, fc_cmp_double);
        double med = fc_quantile_sorted(e, count, 0.5);
        p.shift = isfinite(med) ? med : 0;
    }
    *out = p;
    return TM_OK;
}

/* ---- one model alone --------------------------------------------------- */

/* FC_COMBO alone: the engine's forecast (whatever it chose) */
static enum tm_code
combo_forecast(const double *y, int n, const struct fc_options *o, double *f,
               struct fc_params *pout, struct tm_err *err)
{
    struct fc_result *r = tm_xmalloc(sizeof *r);
    enum tm_code rc = fc_run(y, n, o, r, err);
    if (rc == TM_OK) {
        memcpy(f, r->forecast, sizeof *f * (size_t)o->horizon);
        if (pout)
            *pout = r->params;
    }
    free(r);
    return rc;
}

enum tm_code
fc_model_forecast(enum fc_model model, const double *y, int n, const struct fc_options *o,
                  double *f, struct fc_params *pout, struct tm_err *err)
{
    struct fc_classinfo info;
    struct fc_params p;
    struct fc_state s;
    double *w = NULL;
    enum tm_code rc;

    if ((rc = fc_options_check(o, err)) != TM_OK)
        return rc;
    if ((unsigned)model >= FC_MODEL_COUNT)
        return tm_err_set(err, TM_INVALID, "model", "no model %d", (int)model);
    if (n < 0 || n > FC_MAX_HISTORY || (n > 0 && !y))
        return tm_err_set(err, TM_INVALID, "history", "history of %d periods (0..%d, given)", n,
                          FC_MAX_HISTORY);
    if (model == FC_COMBO) /* a combination is chosen by the engine's backtest */
        return combo_forecast(y, n, o, f, pout, err);
    fc_classify(y, n, o->season, &info);
    if (info.observed == 0)
        return tm_err_set(err, TM_UNPROCESSABLE, NULL,
                          "too little history: %d periods, none observed", n);
    w = tm_xmalloc(sizeof *w * (size_t)n);
    fc_clean(y, n, w);
    int H = o->horizon, m = o->season, start = info.start;
    int from = n - FC_FIT_MAX > start ? n - FC_FIT_MAX : start;
    enum fc_model use = fc_usable(model, w, from, n, m);
    if (use == FC_MODEL_COUNT && model == FC_HW_MUL)
        use = fc_usable(FC_HW_ADD, w, from, n, m);
    if (use == FC_MODEL_COUNT)
        use = fc_usable(FC_SES, w, from, n, m);
    if (use == FC_MODEL_COUNT || info.cls == FC_NO_DEMAND)
        use = info.cls == FC_NO_DEMAND ? FC_ZERO : FC_MEAN;
    if ((rc = fc_fit(use, w, from, n, m, fc_loss_for(info.cls), &p, err)) != TM_OK)
        goto out;
    fc_state_init(&s, use, &p, w, from, n, m);
    for (int t = from; t < n; t++)
        fc_state_update(&s, w[t]);
    fc_state_point(&s, H, f);
    for (int h = 0; h < H && rc == TM_OK; h++) {
        double v = f[h];
        if (!isfinite(v))
            rc = tm_err_set(err, TM_INTERNAL, NULL, "%s forecast for period %d is not finite",
                            fc_model_name(use), h + 1);
        f[h] = v > 0 ? v : 0;
    }
    if (rc == TM_OK && pout)
        *pout = p;
out:
    free(w);
    return rc;
}

enum fc_model
fc_usable(enum fc_model model, const double *w, int from, int end, int m)
{
    int len = end - from;
    switch (model) {
    case FC_SNAIVE:
        return len >= m ? model : FC_NAIVE;
    case FC_HW_ADD:
    case FC_SEASONAL_SES:
        if (m < 2)
            return model == FC_HW_ADD ? FC_HOLT_DAMPED : FC_SES;
        return len >= 2 * m ? model : FC_MODEL_COUNT;
    case FC_HW_MUL:
        if (m < 2)
            return FC_HOLT_DAMPED;
        if (len < 2 * m)
            return FC_MODEL_COUNT;
        for (int t = from; t < end; t++)
            if (is_obs(w[t]) && w[t] <= 0)
                return FC_MODEL_COUNT; /* a zero has no seasonal ratio */
        return model;
    case FC_HOLT_DAMPED:
    case FC_THETA:
        return len >= 8 ? model : FC_MODEL_COUNT;
    case FC_COMBO: /* only the engine's backtest makes one */
        return FC_MODEL_COUNT;
    case FC_SEASONAL_MEDIAN:
        /* without a season, the moving median of the latest periods; with
         * one, only on a series that is seasonal: its slot's median reads a
         * 1/m share of the periods, too noisy to follow no pattern */
        if (m == 1)
            return len >= 8 ? model : FC_MODEL_COUNT;
        return fc_seasonal(w, from, end, m) ? model : FC_MODEL_COUNT;
    default:
        return len >= 2 ? model : FC_MODEL_COUNT;
    }
}
