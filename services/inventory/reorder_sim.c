/* services/inventory/reorder_sim.c — the reorder simulation, its
 * baselines and the equal-service search (reorder_sim.h). Called by
 * tm-reorder-sim once per series and policy, a few hundred days each: plain
 * loops over the days, one array of receipts by day. The search replays a
 * class some 20 to 40 times per baseline and target (a bracket of doubling
 * steps, then bisection to 1/1000 of the first step): under a second for a
 * thousand series of 90 days. */
#include "services/inventory/reorder_sim.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#define DAYS_PER_YEAR 365.0
#define PI 3.14159265358979323846
#define SQRT2 1.41421356237309504880

double
rs_uniform(struct inv_rng *r)
{
    return (double)(inv_rng_next(r) >> 11) * 0x1.0p-53;
}

double
rs_normal(struct inv_rng *r)
{
    double u = 1.0 - rs_uniform(r); /* (0, 1]: log(u) is finite */
    double v = rs_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * PI * v);
}

int
rs_lead_draw(struct inv_rng *r, double mean_days, double sd_days)
{
    double l = sd_days > 0 ? mean_days + sd_days * rs_normal(r) : mean_days;
    if (l < 0)
        l = 0;
    if (l > RS_LEAD_MAX * 10)
        l = RS_LEAD_MAX * 10;
    return (int)lround(l);
}

static enum tm_code
check_setup(const double *demand, int n, const struct rs_levels *levels, const struct rs_setup *st,
            struct tm_err *err)
{
    if (n < 0 || (n > 0 && !demand))
        return tm_err_set(err, TM_INVALID, "demand", "no demand series");
    if (st->review_days < 1 || st->review_days > RS_REVIEW_MAX)
        return tm_err_set(err, TM_INVALID, "review_days", "review period must be 1..%d days",
                          RS_REVIEW_MAX);
    if (!(st->lead_mean_days >= 0 && st->lead_mean_days <= RS_LEAD_MAX))
        return tm_err_set(err, TM_INVALID, "lead_mean_days", "lead time mean must be 0..%g days",
                          RS_LEAD_MAX);
    if (!(st->lead_sd_days >= 0 && st->lead_sd_days <= RS_LEAD_MAX))
        return tm_err_set(err, TM_INVALID, "lead_sd_days", "lead time spread must be 0..%g days",
                          RS_LEAD_MAX);
    if (st->replan_days < 0)
        return tm_err_set(err, TM_INVALID, "replan_days", "replan period must be 0 or more days");
    int nl = st->replan_days ? (n + st->replan_days - 1) / st->replan_days : 1;
    for (int i = 0; i < nl; i++) {
        const struct rs_levels *lv = &levels[i];
        if (!(lv->reorder_point >= 0 && lv->reorder_point <= RS_LEVEL_MAX))
            return tm_err_set(err, TM_INVALID, "reorder_point", "reorder point must be 0..%g",
                              RS_LEVEL_MAX);
        if (!(lv->order_up_to >= lv->reorder_point && lv->order_up_to <= RS_LEVEL_MAX))
            return tm_err_set(err, TM_INVALID, "order_up_to",
                              "order-up-to level must be at least the reorder point and at most "
                              "%g",
                              RS_LEVEL_MAX);
    }
    return TM_OK;
}

enum tm_code
rs_simulate(const double *demand, int n, const struct rs_levels *levels, const struct rs_setup *st,
            struct rs_outcome *out, struct tm_err *err)
{
    enum tm_code rc;
    struct inv_rng rng;
    double on_hand = levels[0].order_up_to, on_order = 0;
    double *due = NULL; /* receipts by day */

    memset(out, 0, sizeof *out);
    if ((rc = check_setup(demand, n, levels, st, err)) != TM_OK)
        return rc;
    inv_rng_seed(&rng, st->seed);
    due = tm_xcalloc(n > 0 ? (size_t)n : 1, sizeof *due);
    for (int t = 0; t < n; t++) {
        const struct rs_levels *lv = &levels[st->replan_days ? t / st->replan_days : 0];
        on_hand += due[t];
        on_order -= due[t];
        if (t % st->review_days == 0 && on_hand + on_order <= lv->reorder_point) {
            double q = lv->order_up_to - (on_hand + on_order);
            if (q > 0) {
                int l = rs_lead_draw(&rng, st->lead_mean_days, st->lead_sd_days);
                out->orders++;
                out->ordered += q;
                if (l == 0) {
                    on_hand += q;
                } else {
                    on_order += q; /* one due after the replay stays on order */
                    if (l < n - t)
                        due[t + l] += q;
                }
            }
        }
        double d = demand[t];
        if (!isfinite(d) || d < 0)
            d = 0;
        double served = d < on_hand ? d : on_hand;
        on_hand -= served;
        out->demanded += d;
        out->served += served;
        out->lost += d - served;
        out->stockout_days += d - served > 0;
        out->on_hand_sum += on_hand;
    }
    out->days = n;
    free(due);
    return TM_OK;
}

/* ---- the baselines ------------------------------------------------------ */

void
rs_demand_of(const double *y, int n, int window, struct rs_demand *out)
{
    memset(out, 0, sizeof *out);
    int start = 0;
    while (start < n && !(isfinite(y[start]) && y[start] > 0))
        start++;
    if (window < 1)
        window = 1;
    if (start < n - window)
        start = n - window;
    double sum = 0, sq = 0;
    int k = 0;
    for (int t = start; t < n; t++) {
        if (!isfinite(y[t]))
            continue;
        double v = y[t] > 0 ? y[t] : 0;
        sum += v;
        k++;
    }
    if (k == 0)
        return;
    double mean = sum / k;
    for (int t = start; t < n; t++)
        if (isfinite(y[t])) {
            double v = (y[t] > 0 ? y[t] : 0) - mean;
            sq += v * v;
        }
    out->mean = mean;
    out->sd = k > 1 ? sqrt(sq / (k - 1)) : 0;
    out->days = k;
}

/* x rounded up to a whole unit; a hair over a whole number (floating
 * error) is that number */
static double
whole_up(double x)
{
    return x > 0 ? ceil(x - 1e-9) : 0;
}

double
rs_order_size(const struct rs_demand *d, int review_days, const struct rs_costs *c)
{
    double h = c->holding_rate * c->unit_cost, eoq = 0;
    if (h > 0 && c->order_cost > 0)
        eoq = sqrt(2.0 * DAYS_PER_YEAR * d->mean * c->order_cost / h);
    double q = d->mean * review_days;
    if (eoq > q)
        q = eoq;
    if (q < 1)
        q = 1;
    return whole_up(q);
}

const double RS_BASELINE_AS_WRITTEN[RS_BASELINE_COUNT] = {RS_DOCUMENTS_SAFETY_DAYS, 0, 1};

void
rs_documents(const struct rs_demand *d, double lead_mean_days, double q, double safety_days,
             struct rs_levels *out)
{
    out->reorder_point = whole_up(d->mean * (lead_mean_days + safety_days));
    out->order_up_to = out->reorder_point + whole_up(q);
}

double
rs_normal_loss(double z)
{
    double pdf = exp(-0.5 * z * z) / sqrt(2.0 * PI);
    double tail = 0.5 * erfc(z / SQRT2); /* 1 − Φ(z) */
    return pdf - z * tail;
}

double
rs_z_for_loss(double g)
{
    /* G falls from about −z (z → −∞) to 0 (z → ∞): bisect on [−g − 1, 8] */
    double lo = -g - 1, hi = 8;
    if (rs_normal_loss(hi) >= g)
        return hi;
    while (hi - lo > 1e-10) {
        double mid = 0.5 * (lo + hi);
        if (rs_normal_loss(mid) > g)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

void
rs_textbook(const struct rs_demand *d, double lead_mean_days, int review_days, double fill,
            double q, double z_shift, struct rs_levels *out)
{
    double p = lead_mean_days + review_days;
    double sl = RS_TEXTBOOK_LEAD_CV * lead_mean_days;
    double sigma = sqrt(p * d->sd * d->sd + d->mean * d->mean * sl * sl);
    double s = d->mean * p;
    if (sigma > 0)
        s += (rs_z_for_loss((1 - fill) * q / sigma) + z_shift) * sigma;
    out->reorder_point = whole_up(s);
    out->order_up_to = out->reorder_point + whole_up(q);
}

void
rs_minmax(const struct rs_demand *d, double scale, struct rs_levels *out)
{
    out->reorder_point = whole_up(scale * d->mean * RS_MINMAX_MIN_DAYS);
    out->order_up_to = whole_up(scale * d->mean * RS_MINMAX_MAX_DAYS);
    if (out->order_up_to < out->reorder_point)
        out->order_up_to = out->reorder_point;
}

void
rs_baseline_levels(enum rs_baseline b, const struct rs_demand *d, double lead_mean_days,
                   int review_days, double fill, double q, double x, struct rs_levels *out)
{
    switch (b) {
    case RS_DOCUMENTS:
        rs_documents(d, lead_mean_days, q, x, out);
        break;
    case RS_TEXTBOOK:
        rs_textbook(d, lead_mean_days, review_days, fill, q, x, out);
        break;
    case RS_MINMAX:
    case RS_BASELINE_COUNT:
        rs_minmax(d, x, out);
        break;
    }
}

/* ---- tallies ------------------------------------------------------------- */

void
rs_tally_add(struct rs_tally *t, const struct rs_outcome *o)
{
    t->series++;
    t->demanded += o->demanded;
    t->served += o->served;
    t->stockout_days += o->stockout_days;
    t->orders += o->orders;
    if (o->days > 0) {
        t->mean_on_hand += o->on_hand_sum / o->days;
        t->daily_demand += o->demanded / o->days;
    }
}

double
rs_tally_fill(const struct rs_tally *t)
{
    return t->demanded > 0 ? t->served / t->demanded : 1;
}

/* ---- equal service ------------------------------------------------------- */

/* the set replayed under in->baseline at setting x, pooled into *t; lv
 * holds the levels of the longest case */
static enum tm_code
replay_at(const struct rs_search_in *in, const struct rs_case *cases, int ncases, double x,
          struct rs_levels *lv, struct rs_tally *t, struct tm_err *err)
{
    enum tm_code rc;

    memset(t, 0, sizeof *t);
    for (int i = 0; i < ncases; i++) {
        const struct rs_case *c = &cases[i];
        int k = c->setup.replan_days, nl = k > 0 && c->n > 0 ? (c->n + k - 1) / k : 1;
        struct rs_outcome o;
        for (int j = 0; j < nl; j++)
            rs_baseline_levels(in->baseline, &c->est[j], in->lead_mean_days, in->review_days,
                               in->fill, c->q[j], x, &lv[j]);
        if ((rc = rs_simulate(c->demand, c->n, lv, &c->setup, &o, err)) != TM_OK)
            return rc;
        rs_tally_add(t, &o);
    }
    return TM_OK;
}

/* the range of a baseline's setting and the first step of the search */
static void
search_range(const struct rs_search_in *in, double *lo, double *hi, double *step)
{
    switch (in->baseline) {
    case RS_DOCUMENTS:
        *lo = -in->lead_mean_days, *hi = RS_LEAD_MAX, *step = 1;
        break;
    case RS_TEXTBOOK:
        *lo = RS_SEARCH_Z_MIN, *hi = RS_SEARCH_Z_MAX, *step = 0.5;
        break;
    case RS_MINMAX:
    case RS_BASELINE_COUNT:
        *lo = 0, *hi = RS_SEARCH_SCALE_MAX, *step = 0.25;
        break;
    }
}

/* a search under way: the set, the levels buffer, the bracket so far */
struct search {
    const struct rs_search_in *in;
    const struct rs_case *cases;
    int ncases;
    struct rs_levels *lv;
    double lo, hi;         /* fill < target at lo (or lo = hi), ≥ target at hi */
    struct rs_tally t_lo;  /* the set at lo */
    struct rs_search *out; /* out->tally: the set at hi */
};

/* one replay of the set at x, recorded as the bracket's new hi (reaches the
 * target) or lo (does not); *met says which */
static enum tm_code
probe(struct search *sr, double x, int *met, struct tm_err *err)
{
    struct rs_tally t;
    enum tm_code rc = replay_at(sr->in, sr->cases, sr->ncases, x, sr->lv, &t, err);
    if (rc != TM_OK)
        return rc;
    sr->out->runs++;
    *met = rs_tally_fill(&t) >= sr->in->target;
    if (*met)
        sr->hi = x, sr->out->tally = t;
    else
        sr->lo = x, sr->t_lo = t;
    return TM_OK;
}

/* from x0, steps (doubling) down or up until the target is bracketed;
 * *edge: 0 bracketed, 1 the bottom of the range reaches the target, −1 the
 * top does not */
static enum tm_code
bracket(struct search *sr, double x0, double min, double max, double step, int *edge,
        struct tm_err *err)
{
    enum tm_code rc;
    int met;

    if ((rc = probe(sr, x0, &met, err)) != TM_OK)
        return rc;
    if (met) {
        sr->lo = x0;
        while (met && sr->hi > min) {
            if ((rc = probe(sr, sr->hi - step > min ? sr->hi - step : min, &met, err)) != TM_OK)
                return rc;
            step *= 2;
        }
        *edge = met;
    } else {
        sr->hi = x0;
        while (!met && sr->lo < max) {
            if ((rc = probe(sr, sr->lo + step < max ? sr->lo + step : max, &met, err)) != TM_OK)
                return rc;
            step *= 2;
        }
        *edge = met ? 0 : -1;
    }
    return TM_OK;
}

enum tm_code
rs_equal_service(const struct rs_search_in *in, const struct rs_case *cases, int ncases,
                 struct rs_search *out, struct tm_err *err)
{
    enum tm_code rc;
    double min = 0, max = 0, step = 1;
    int nl_max = 1, edge = 0, met;

    memset(out, 0, sizeof *out);
    if (!(in->target > 0 && in->target <= 1))
        return tm_err_set(err, TM_INVALID, "target", "target fill rate must be in (0, 1]");
    if (ncases < 0 || (ncases > 0 && !cases))
        return tm_err_set(err, TM_INVALID, "cases", "no series to search over");
    for (int i = 0; i < ncases; i++) {
        int k = cases[i].setup.replan_days;
        int nl = k > 0 && cases[i].n > 0 ? (cases[i].n + k - 1) / k : 1;
        if (nl > nl_max)
            nl_max = nl;
    }
    struct search sr = {in, cases, ncases, tm_xcalloc((size_t)nl_max, sizeof(struct rs_levels)),
                        0,  0,     {0},    out};
    search_range(in, &min, &max, &step);
    double x0 = RS_BASELINE_AS_WRITTEN[in->baseline], tol = step * 1e-3;
    if ((rc = bracket(&sr, x0 > min ? x0 : min, min, max, step, &edge, err)) != TM_OK)
        goto fail;
    while (!edge && sr.hi - sr.lo > tol && out->runs < RS_SEARCH_RUNS_MAX)
        if ((rc = probe(&sr, 0.5 * (sr.lo + sr.hi), &met, err)) != TM_OK)
            goto fail;
    out->reached = edge >= 0;
    if (out->reached) {
        out->x = sr.hi;
        out->fill_below = edge ? rs_tally_fill(&out->tally) : rs_tally_fill(&sr.t_lo);
    } else {
        out->x = sr.lo, out->tally = sr.t_lo, out->fill_below = rs_tally_fill(&sr.t_lo);
    }
    free(sr.lv);
    return TM_OK;
fail:
    free(sr.lv);
    memset(out, 0, sizeof *out);
    return rc;
}
