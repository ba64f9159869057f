/* services/inventory/reorder.c — the reorder policy of reorder.h.
 *
 * The demand over h days is the engine's quantile grid read as a quantile
 * function Q(u): flat at the first quantile below the grid's first level,
 * linear between the levels, and an exponential tail above the last one,
 * Q(u) = q_L + θ ln((1 − u_L) / (1 − u)), θ from the last two levels but
 * one (0.95 and 0.99). Expected excess and moments are integrals of Q in
 * closed form on each piece. */
#include "services/inventory/reorder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define LEAD_SDS 4.0    /* lead times within mean ± 4 sd get weight */
#define TAIL_FROM 14    /* fc_cum_levels index of 0.95: the tail's slope from here... */
#define TAIL_AT 16      /* ...to 0.99, the last level */
#define DEMAND_MIN 1e-9 /* expected demand below this is none */

_Static_assert(FC_CUM_NQ == TAIL_AT + 1, "the tail starts at the grid's last level");

void
rp_dist_from_forecast(const struct fc_result *r, struct rp_dist *out)
{
    int H = r->horizon < RP_MAX_HORIZON ? r->horizon : RP_MAX_HORIZON;

    memset(out, 0, sizeof *out);
    out->cls = r->info.cls;
    out->model = r->model;
    out->mase = r->chosen.mase;
    out->horizon = H;
    for (int h = 0; h < H; h++) {
        out->cum_mean[h] = r->cum[h];
        memcpy(out->cum_q[h], r->cum_q[h], sizeof out->cum_q[h]);
    }
}

const char *
rp_urgency_name(enum rp_urgency u)
{
    static const char *const names[RP_URGENCY_COUNT] = {"none", "normal", "high", "critical"};
    return u >= 0 && u < RP_URGENCY_COUNT ? names[u] : "unknown";
}

const char *
rp_lead_source_name(enum rp_lead_source s)
{
    switch (s) {
    case RP_LEAD_MEASURED:
        return "measured";
    case RP_LEAD_QUOTED:
        return "quoted";
    case RP_LEAD_GIVEN:
        return "given";
    }
    return "unknown";
}

/* ---- the lead time ------------------------------------------------------- */

/* the whole days [*lo, *hi] of lead time given weight */
static void
lead_range(const struct rp_lead *l, int *lo, int *hi)
{
    double a = l->mean_days - LEAD_SDS * l->sd_days, b = l->mean_days + LEAD_SDS * l->sd_days;
    *lo = a > 0 ? (int)floor(a) : 0;
    *hi = (int)ceil(b);
    if (*hi < *lo)
        *hi = *lo;
}

int
rp_horizon_needed(const struct rp_lead *lead, int review_days)
{
    int lo, hi;
    if (!isfinite(lead->mean_days) || !isfinite(lead->sd_days) || lead->mean_days < 0 ||
        lead->sd_days < 0 || lead->mean_days + LEAD_SDS * lead->sd_days > 10 * RP_MAX_HORIZON)
        return RP_MAX_HORIZON + 1; /* rp_check refuses it */
    lead_range(lead, &lo, &hi);
    return hi + (review_days > 0 ? review_days : 1);
}

static double
norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* P(L = ℓ) for ℓ in [lo, hi] into p[0..hi-lo]: a normal of the measured
 * mean and sd, discretised to whole days (the ends take the tails); with no
 * spread, the mean split between the days around it. */
static void
lead_weights(const struct rp_lead *l, int lo, int hi, double *p)
{
    int n = hi - lo + 1;
    if (l->sd_days < 1e-9) {
        double f = l->mean_days - floor(l->mean_days);
        for (int i = 0; i < n; i++)
            p[i] = 0;
        p[(int)floor(l->mean_days) - lo] += 1 - f;
        if (f > 0)
            p[(int)ceil(l->mean_days) - lo] += f;
        return;
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
        int d = lo + i;
        double up = i == n - 1 ? 1 : norm_cdf((d + 0.5 - l->mean_days) / l->sd_days);
        double down = i == 0 ? 0 : norm_cdf((d - 0.5 - l->mean_days) / l->sd_days);
        p[i] = up > down ? up - down : 0;
        total += p[i];
    }
    for (int i = 0; i < n; i++)
        p[i] = total > 0 ? p[i] / total : 1.0 / n;
}

/* ---- the demand's quantile function ------------------------------------- */

/* the exponential tail's scale above the last level (0: none) */
static double
tail_theta(const double *q)
{
    double u0 = fc_cum_levels[TAIL_FROM], u1 = fc_cum_levels[TAIL_AT];
    double t = (q[TAIL_AT] - q[TAIL_FROM]) / log((1 - u0) / (1 - u1));
    return t > 0 && isfinite(t) ? t : 0;
}

double
rp_expected_excess(const struct rp_dist *d, int h, double s)
{
    if (h < 1 || h > d->horizon)
        return 0;
    const double *q = d->cum_q[h - 1];
    double e = fc_cum_levels[0] * fmax(q[0] - s, 0);

    for (int j = 0; j + 1 < FC_CUM_NQ; j++) {
        double a = q[j], b = q[j + 1], du = fc_cum_levels[j + 1] - fc_cum_levels[j];
        if (s <= a)
            e += du * ((a + b) / 2 - s);
        else if (s < b)
            e += du * (b - s) * (b - s) / (2 * (b - a));
    }
    double p = 1 - fc_cum_levels[TAIL_AT], top = q[TAIL_AT], theta = tail_theta(q);
    if (s <= top)
        e += p * (top - s + theta);
    else if (theta > 0)
        e += p * theta * exp(-(s - top) / theta);
    return e;
}

/* E[D(h)] and E[D(h)²] of the quantile function */
static void
moments(const struct rp_dist *d, int h, double *m1, double *m2)
{
    const double *q = d->cum_q[h - 1];
    double u0 = fc_cum_levels[0];

    *m1 = u0 * q[0];
    *m2 = u0 * q[0] * q[0];
    for (int j = 0; j + 1 < FC_CUM_NQ; j++) {
        double a = q[j], b = q[j + 1], du = fc_cum_levels[j + 1] - fc_cum_levels[j];
        *m1 += du * (a + b) / 2;
        *m2 += du * (a * a + a * b + b * b) / 3;
    }
    double p = 1 - fc_cum_levels[TAIL_AT], top = q[TAIL_AT], t = tail_theta(q);
    *m1 += p * (top + t);
    *m2 += p * (top * top + 2 * top * t + 2 * t * t);
}

/* ---- the policy ---------------------------------------------------------- */

int64_t
rp_round_order(double q, int64_t moq, int64_t pack)
{
    if (!(q > 0))
        return 0;
    if (pack < 1)
        pack = 1;
    double units = ceil(q - 1e-9);
    if (units < (double)moq)
        units = (double)moq;
    double packs = ceil(units / (double)pack);
    if (packs * (double)pack > (double)INT64_MAX / 2)
        return INT64_MAX / 2;
    return (int64_t)packs * pack;
}

static int
bad_amount(double v)
{
    return !isfinite(v) || v < 0;
}

enum tm_code
rp_check(const struct rp_input *in, struct tm_err *err)
{
    const struct rp_dist *d = in->dist;

    if (!(in->fill_rate > 0 && in->fill_rate < 1))
        return tm_err_set(err, TM_INVALID, "fill_rate", "fill rate must be in (0, 1)");
    if (bad_amount(in->lead.mean_days))
        return tm_err_set(err, TM_INVALID, "lead_time_mean_days",
                          "lead time must be a number of days, 0 or more");
    if (bad_amount(in->lead.sd_days))
        return tm_err_set(err, TM_INVALID, "lead_time_sd_days",
                          "lead time spread must be a number of days, 0 or more");
    if (in->review_days < 1 || in->review_days > RP_REVIEW_MAX)
        return tm_err_set(err, TM_INVALID, "review_days", "review period must be 1..%d days",
                          RP_REVIEW_MAX);
    if (in->moq < 0 || in->moq > RP_QUANTITY_MAX)
        return tm_err_set(err, TM_INVALID, "moq", "minimum order must be 0..%d units",
                          RP_QUANTITY_MAX);
    if (in->pack_size < 1 || in->pack_size > RP_QUANTITY_MAX)
        return tm_err_set(err, TM_INVALID, "pack_size", "pack size must be 1..%d units",
                          RP_QUANTITY_MAX);
    if (bad_amount(in->unit_cost))
        return tm_err_set(err, TM_INVALID, "unit_cost", "unit cost must be 0 or more");
    if (bad_amount(in->holding_rate))
        return tm_err_set(err, TM_INVALID, "holding_rate", "holding rate must be 0 or more");
    if (bad_amount(in->order_cost))
        return tm_err_set(err, TM_INVALID, "order_cost", "order cost must be 0 or more");
    if (in->on_hand < 0)
        return tm_err_set(err, TM_INVALID, "on_hand", "on hand must be 0 or more");
    if (in->reserved < 0)
        return tm_err_set(err, TM_INVALID, "reserved", "reserved must be 0 or more");
    if (in->incoming_due < 0)
        return tm_err_set(err, TM_INVALID, "incoming_due", "incoming must be 0 or more");
    if (!d || d->horizon < 1 || d->horizon > RP_MAX_HORIZON)
        return tm_err_set(err, TM_INVALID, "dist", "no demand distribution");
    int need = rp_horizon_needed(&in->lead, in->review_days);
    if (need > RP_MAX_HORIZON)
        return tm_err_set(err, TM_INVALID, "lead_time_mean_days",
                          "lead time and its spread reach past %d days", RP_MAX_HORIZON);
    if (d->horizon < need)
        return tm_err_set(err, TM_INVALID, "horizon",
                          "the demand distribution holds %d days; the lead time and review "
                          "need %d",
                          d->horizon, need);
    for (int h = 0; h < d->horizon; h++) {
        if (bad_amount(d->cum_mean[h]))
            return tm_err_set(err, TM_INVALID, "dist", "expected demand of day %d is not usable",
                              h + 1);
        for (int j = 0; j < FC_CUM_NQ; j++)
            if (bad_amount(d->cum_q[h][j]) || (j > 0 && d->cum_q[h][j] < d->cum_q[h][j - 1]))
                return tm_err_set(err, TM_INVALID, "dist",
                                  "demand quantiles of day %d are not usable", h + 1);
    }
    return TM_OK;
}

/* the expected shortage per cycle at reorder point s: the mixture over
 * the lead times of the excess over ℓ + R days */
static double
shortage(const struct rp_dist *d, const double *p, int lo, int hi, int R, double s)
{
    double e = 0;
    for (int l = lo; l <= hi; l++)
        if (p[l - lo] > 0)
            e += p[l - lo] * rp_expected_excess(d, l + R, s);
    return e;
}

/* the least whole s ≥ 0 whose shortage is at most `target` */
static double
least_point(const struct rp_dist *d, const double *p, int lo, int hi, int R, double target)
{
    double a = 0, b = 1;
    if (shortage(d, p, lo, hi, R, 0) <= target)
        return 0;
    for (int l = lo; l <= hi; l++) /* start above every lead time's 99 % quantile */
        b = fmax(b, ceil(d->cum_q[l + R - 1][TAIL_AT]));
    while (shortage(d, p, lo, hi, R, b) > target && b < 1e15)
        b = 2 * b + 1;
    while (b - a > 1) { /* shortage(a) > target ≥ shortage(b) */
        double m = floor((a + b) / 2);
        if (shortage(d, p, lo, hi, R, m) <= target)
            b = m;
        else
            a = m;
    }
    return b;
}

enum tm_code
rp_policy(const struct rp_input *in, struct rp_result *out, struct tm_err *err)
{
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = rp_check(in, err)) != TM_OK)
        return rc;
    const struct rp_dist *d = in->dist;
    const int R = in->review_days, H = d->horizon;
    double p[RP_MAX_HORIZON + 1];
    int lo, hi;

    lead_range(&in->lead, &lo, &hi);
    lead_weights(&in->lead, lo, hi, p);
    out->lead_lo = lo;
    out->lead_hi = hi;
    for (int l = lo; l <= hi; l++)
        out->protection_mean += p[l - lo] * d->cum_mean[l + R - 1];
    out->daily_mean = d->cum_mean[H - 1] / H;
    out->review_mean = d->cum_mean[R - 1];

    double m1, m2;
    moments(d, R, &m1, &m2);
    out->undershoot = m1 > DEMAND_MIN ? fmax(m2 / (2 * m1) - 0.5, 0) : 0;

    if (in->unit_cost > 0 && in->holding_rate > 0 && in->order_cost > 0 &&
        out->daily_mean > DEMAND_MIN)
        out->eoq =
            sqrt(2 * 365 * out->daily_mean * in->order_cost / (in->holding_rate * in->unit_cost));
    out->order_size =
        rp_round_order(fmax(fmax(out->eoq, out->review_mean), 1), in->moq, in->pack_size);
    out->cycle_demand = (double)out->order_size + out->undershoot;

    double s = least_point(d, p, lo, hi, R, (1 - in->fill_rate) * out->cycle_demand);
    if (s + (double)out->order_size > RP_QUANTITY_MAX)
        return tm_err_set(err, TM_UNPROCESSABLE, "dist",
                          "the demand needs a reorder point of %.0f units, past %d", s,
                          RP_QUANTITY_MAX);
    out->reorder_point = (int64_t)s;
    out->safety_stock = s - out->protection_mean;
    out->order_up_to = out->reorder_point + out->order_size;
    out->shortage_per_cycle = shortage(d, p, lo, hi, R, s);
    out->expected_fill_rate = 1 - out->shortage_per_cycle / out->cycle_demand;

    out->available = in->on_hand - in->reserved;
    out->position = out->available + in->incoming_due;
    /* no demand expected: nothing to order, even with nothing on hand */
    out->reorder = out->position <= out->reorder_point && out->daily_mean > DEMAND_MIN;
    if (out->reorder) {
        double raw = fmax((double)(out->order_up_to - out->position), ceil(out->eoq));
        out->order_quantity_raw = (int64_t)raw;
        out->order_quantity = rp_round_order(raw, in->moq, in->pack_size);
    }
    out->stockout_day = -1;
    if (out->available <= 0) {
        out->stockout_day = in->today_day;
    } else {
        for (int h = 1; h <= H && out->stockout_day < 0; h++)
            if (d->cum_mean[h - 1] > (double)out->available)
                out->stockout_day = in->today_day + h - 1;
    }
    if (!out->reorder)
        out->urgency = RP_URGENCY_NONE;
    else if (out->available <= 0)
        out->urgency = RP_URGENCY_CRITICAL;
    else if (out->stockout_day >= 0 &&
             out->stockout_day < in->today_day + (int64_t)ceil(in->lead.mean_days))
        out->urgency = RP_URGENCY_HIGH;
    else
        out->urgency = RP_URGENCY_NORMAL;
    return TM_OK;
}

/* ---- ABC ------------------------------------------------------------------ */

struct ranked {
    double revenue;
    int index;
};

static int
by_revenue(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->revenue != y->revenue)
        return x->revenue > y->revenue ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

void
rp_abc(const double *revenue, int n, double cut_a, double cut_b, char *out)
{
    if (n <= 0)
        return;
    struct ranked *r = tm_xmalloc(sizeof *r * (size_t)n);
    double total = 0;
    for (int i = 0; i < n; i++) {
        r[i].revenue = isfinite(revenue[i]) && revenue[i] > 0 ? revenue[i] : 0;
        r[i].index = i;
        total += r[i].revenue;
    }
    qsort(r, (size_t)n, sizeof *r, by_revenue);
    double cum = 0;
    for (int i = 0; i < n; i++) {
        double before = total > 0 ? cum / total : 1;
        char c = 'C';
        if (r[i].revenue > 0)
            c = before < cut_a ? 'A' : before < cut_b ? 'B' : 'C';
        out[r[i].index] = c;
        cum += r[i].revenue;
    }
    free(r);
}

double
rp_level_for(const struct rp_levels *l, char abc)
{
    return abc == 'A' ? l->a : abc == 'B' ? l->b : l->c;
}
