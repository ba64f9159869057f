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

/* ½ E[((D(h) − s)⁺)²], the second-order loss: its integral over s is
 * the first-order one (h = 0: no demand, 0) */
static double
excess2(const struct rp_dist *d, int h, double s)
{
    if (h < 1 || h > d->horizon)
        return 0;
    const double *q = d->cum_q[h - 1];
    double c0 = fmax(q[0] - s, 0), e = fc_cum_levels[0] * c0 * c0;

    for (int j = 0; j + 1 < FC_CUM_NQ; j++) {
        double a = q[j], b = q[j + 1], du = fc_cum_levels[j + 1] - fc_cum_levels[j];
        if (s <= a) {
            double c = a - s, k = b - a;
            e += du * (c * c + c * k + k * k / 3);
        } else if (s < b) {
            e += du * (b - s) * (b - s) * (b - s) / (3 * (b - a));
        }
    }
    double p = 1 - fc_cum_levels[TAIL_AT], c = q[TAIL_AT] - s, t = tail_theta(q);
    if (c >= 0)
        e += p * (c * c + 2 * c * t + 2 * t * t);
    else if (t > 0)
        e += p * 2 * t * t * exp(c / t);
    return e / 2;
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
    if (bad_amount(in->max_cover_days))
        return tm_err_set(err, TM_INVALID, "max_cover_days",
                          "the longest cover an order may buy must be 0 (none) or more days");
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

/* lead-time weights over whole days [lo, hi] */
struct lead_w {
    int lo, hi;
    double p[RP_MAX_HORIZON + 1];
};

/* Where the position stands after a review, as offsets x below S, each
 * with its expected count per order cycle (renewal-reward: the cycle
 * starts with an order, y = S, and goes on while the demand since, D(kR),
 * is under q = S − s; each such review leaves y = S − D(kR)). Read off
 * the distribution at RENEWAL_U levels of each D(kR). `uniform` when the
 * cycle lasts longer than the reviews held: y uniform on (s, S]. */
#define RENEWAL_U 64     /* levels each D(kR) is read at */
#define RENEWAL_TAIL 0.5 /* a cycle still going on this often at the last review held... */
struct positions {
    int uniform;
    int n;
    double cycle;  /* expected reviews a cycle, the ordering one included */
    double *x, *w; /* n offsets below S and their expected counts a cycle */
};

/* Q(u) of the demand over h days (rp_expected_excess's reading) */
static double
quantile_at(const struct rp_dist *d, int h, double u)
{
    const double *q = d->cum_q[h - 1];
    if (u <= fc_cum_levels[0])
        return q[0];
    for (int j = 0; j + 1 < FC_CUM_NQ; j++)
        if (u <= fc_cum_levels[j + 1])
            return q[j] + (q[j + 1] - q[j]) * (u - fc_cum_levels[j]) /
                              (fc_cum_levels[j + 1] - fc_cum_levels[j]);
    return q[TAIL_AT] + tail_theta(q) * log((1 - fc_cum_levels[TAIL_AT]) / (1 - u));
}

/* The positions of an order size q: reviews k = 1, 2, ... while kR is
 * within `days` (rp_horizon_needed's, so the answer does not depend on how
 * many more days the distribution holds) and the cycle may still be going
 * on. When it still is at the last one, the chance a cycle goes on falls
 * geometrically from there (ratio of the last two, the rest of the cycle
 * like its last review) when the order lasts a few reviews; an order that
 * lasts more (still going on more often than RENEWAL_TAIL) is uniform. */
static void
positions_of(const struct rp_dist *d, int R, int days, double q, struct positions *P)
{
    int K = days / R;
    double prev = 1, mass = 0;
    P->uniform = 0;
    P->n = 0;
    P->cycle = 1;
    P->x = tm_xmalloc(sizeof *P->x * (size_t)(K > 0 ? K : 1) * RENEWAL_U);
    P->w = tm_xmalloc(sizeof *P->w * (size_t)(K > 0 ? K : 1) * RENEWAL_U);
    for (int k = 1; k <= K; k++) {
        int first = P->n;
        mass = 0;
        for (int m = 0; m < RENEWAL_U; m++) {
            double x = quantile_at(d, k * R, (m + 0.5) / RENEWAL_U);
            if (x < q) {
                P->x[P->n] = x;
                P->w[P->n++] = 1.0 / RENEWAL_U;
                mass += 1.0 / RENEWAL_U;
            }
        }
        P->cycle += mass;
        if (mass <= 0)
            return; /* every cycle has ordered again */
        if (k == K) {
            double r = mass / prev;
            if (mass > RENEWAL_TAIL || K < 2 || r >= 1) {
                P->uniform = 1;
                return;
            }
            double more = r / (1 - r); /* reviews after the last held, a cycle */
            for (int i = first; i < P->n; i++)
                P->w[i] *= 1 + more;
            P->cycle += mass * more;
        }
        prev = mass;
    }
    if (K < 1)
        P->uniform = 1;
}

/* Merge the offsets onto at most `cap` equal cells of their range, each
 * cell's count kept and its offsets replaced by their count-weighted
 * mean, so the shortage's cost is at most `cap` positions whatever the
 * lead time and review (docs/reorder.md, "Bounded work"). */
static void
positions_merge(struct positions *P, int cap)
{
    if (P->uniform || P->n <= cap)
        return;
    double lo = P->x[0], hi = P->x[0];
    for (int i = 1; i < P->n; i++) {
        lo = fmin(lo, P->x[i]);
        hi = fmax(hi, P->x[i]);
    }
    double *sw = tm_xmalloc(2 * sizeof *sw * (size_t)cap), *swx = sw + cap;
    memset(sw, 0, 2 * sizeof *sw * (size_t)cap);
    for (int i = 0; i < P->n; i++) {
        int b = hi > lo ? (int)((P->x[i] - lo) / (hi - lo) * cap) : 0;
        b = b < 0 ? 0 : b >= cap ? cap - 1 : b;
        sw[b] += P->w[i];
        swx[b] += P->w[i] * P->x[i];
    }
    P->n = 0;
    for (int b = 0; b < cap; b++)
        if (sw[b] > 0) {
            P->x[P->n] = swx[b] / sw[b];
            P->w[P->n++] = sw[b];
        }
    free(sw);
}

static void
positions_free(struct positions *P)
{
    free(P->x);
    free(P->w);
}

/* what a review leaving position y finds short in its period:
 * E[(D(L+R) − y)⁺] − E[(D(L) − y)⁺] over the lead times w */
static double
short_at(const struct rp_dist *d, const struct lead_w *w, int R, double y)
{
    double e = 0;
    for (int l = w->lo; l <= w->hi; l++)
        if (w->p[l - w->lo] > 0)
            e += w->p[l - w->lo] * (rp_expected_excess(d, l + R, y) - rp_expected_excess(d, l, y));
    return e;
}

/* The expected shortage per review period of (s, S = s + q), the position
 * `lift` above what it would be with backorders (lost sales, see
 * rp_policy). The ordering review leaves y = S and meets the spread of
 * orders placed at every review (`every`); the others leave P's positions
 * (or, uniform, anywhere in (s, S]: the mean over y is a difference of
 * second-order losses over q) and meet `cycle`'s. */
static double
shortage(const struct rp_dist *d, const struct lead_w *every, const struct lead_w *cycle, int R,
         double s, double q, double share, const struct positions *P, double lift)
{
    double e = 0, S = s + q + lift;
    s += lift;
    if (!P->uniform) {
        e = short_at(d, every, R, S);
        for (int i = 0; i < P->n; i++)
            e += P->w[i] * short_at(d, cycle, R, S - P->x[i]);
        e /= P->cycle;
        return e > 0 ? e : 0;
    }
    if (share > 0)
        e += share * short_at(d, every, R, S);
    for (int l = cycle->lo; l <= cycle->hi && share < 1 && q > 0; l++) {
        double w = cycle->p[l - cycle->lo];
        if (w > 0)
            e += (1 - share) * w *
                 (excess2(d, l + R, s) - excess2(d, l + R, S) - excess2(d, l, s) +
                  excess2(d, l, S)) /
                 q;
    }
    return e > 0 ? e : 0;
}

/* the least whole s ≥ 0 whose shortage is at most `target` */
static double
least_point(const struct rp_dist *d, const struct lead_w *every, const struct lead_w *cycle, int R,
            double q, double share, const struct positions *P, double lift, double target)
{
    double a = 0, b = 1;
    if (shortage(d, every, cycle, R, 0, q, share, P, lift) <= target)
        return 0;
    for (int l = cycle->lo; l <= cycle->hi && l + R <= d->horizon; l++)
        b = fmax(b, ceil(d->cum_q[l + R - 1][TAIL_AT])); /* above every 99 % quantile */
    while (shortage(d, every, cycle, R, b, q, share, P, lift) > target && b < 1e15)
        b = 2 * b + 1;
    while (b - a > 1) { /* shortage(a) > target ≥ shortage(b) */
        double m = floor((a + b) / 2);
        if (shortage(d, every, cycle, R, m, q, share, P, lift) <= target)
            b = m;
        else
            a = m;
    }
    return b;
}

/* The spread of the lead time an order placed at every review meets: each
 * order's lead time is its own, so orders cross, and what the stock waits
 * for is the number of orders outstanding, k R days old and not yet in
 * with P(L > kR); its variance R² Σ_k P(L > kR)(1 − P(L > kR)) is below
 * one lead time's when orders are frequent (Zipkin 2000, §7.4: 1.4 against
 * 6.25 for 7 ± 2.5 days reviewed daily). P(L > kR) is the lead time's own
 * normal (a step at the mean when it has no spread: a fixed lead time,
 * even a fractional one, has none to cross with), and crossing only ever
 * narrows: never more than the lead time's own spread, so every lead time
 * the policy weighs lies within rp_horizon_needed's. */
static double
crossing_sd(const struct rp_lead *l, int R)
{
    double var = 0;
    if (l->sd_days < 1e-9)
        return 0;
    for (int k = 0; k * R <= l->mean_days + LEAD_SDS * l->sd_days; k++) {
        double over = 1 - norm_cdf((k * R - l->mean_days) / l->sd_days); /* P(L > kR) */
        var += over * (1 - over);
    }
    return fmin(R * sqrt(var), l->sd_days);
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
    struct lead_w *cycle = tm_xmalloc(2 * sizeof *cycle), *every = cycle + 1;
    struct rp_lead crossing = in->lead;
    double m1, m2;

    lead_range(&in->lead, &cycle->lo, &cycle->hi);
    lead_weights(&in->lead, cycle->lo, cycle->hi, cycle->p);
    crossing.sd_days = crossing_sd(&in->lead, R);
    lead_range(&crossing, &every->lo, &every->hi);
    lead_weights(&crossing, every->lo, every->hi, every->p);
    out->lead_lo = cycle->lo;
    out->lead_hi = cycle->hi;
    out->crossing_sd_days = crossing.sd_days;
    /* expected values of the distribution the policy reads: the engine's
     * mean path plus its mean error */
    for (int l = cycle->lo; l <= cycle->hi; l++) {
        moments(d, l + R, &m1, &m2);
        out->protection_mean += cycle->p[l - cycle->lo] * m1;
        if (l > 0) {
            moments(d, l, &m1, &m2);
            out->lead_mean += cycle->p[l - cycle->lo] * m1;
        }
    }
    moments(d, H, &m1, &m2);
    out->daily_mean = m1 / H;
    moments(d, R, &m1, &m2);
    out->review_mean = m1;
    out->undershoot = m1 > DEMAND_MIN ? fmax(m2 / (2 * m1) - 0.5, 0) : 0;

    if (in->unit_cost > 0 && in->holding_rate > 0 && in->order_cost > 0 &&
        out->daily_mean > DEMAND_MIN)
        out->eoq =
            sqrt(2 * 365 * out->daily_mean * in->order_cost / (in->holding_rate * in->unit_cost));
    /* a cheap item with a dear order would buy months at once: the shelf
     * and the item's shelf life say otherwise */
    double size = out->eoq;
    if (in->max_cover_days > 0)
        size = fmin(size, in->max_cover_days * out->daily_mean);
    out->order_size = rp_round_order(fmax(fmax(size, out->review_mean), 1), in->moq, in->pack_size);
    /* reviews that order: one a cycle, its length the renewal's or, when
     * an order lasts past the days held, the order size and the
     * undershoot of demand */
    double q = (double)out->order_size, s = 0;
    struct positions P;
    positions_of(d, R, rp_horizon_needed(&in->lead, R), q, &P);
    positions_merge(&P, in->renewal_points > 0 ? in->renewal_points : RP_RENEWAL_POINTS);
    out->renewal = !P.uniform;
    if (out->review_mean <= DEMAND_MIN)
        out->order_share = 0;
    else if (!P.uniform)
        out->order_share = 1 / P.cycle;
    else
        out->order_share = fmin(1, out->review_mean / (q + out->undershoot));
    out->cycle_reviews = out->order_share > 0 ? 1 / out->order_share : 0;
    /* lost sales: the position falls by what is sold, not by what is
     * asked, so over the lead time before an order arrives it stands above
     * the backordered one by the demand lost meanwhile, (1 − target) of it
     * when the policy meets its target */
    if (in->unmet == RP_LOST_SALES)
        out->lost_lift = (1 - in->fill_rate) * out->lead_mean;
    /* between orders the pipeline still holds orders that may cross, as
     * many as orders are frequent: the spread moves from a lead time's own
     * (orders rare) to the pipeline's (an order every review) */
    struct rp_lead between = in->lead;
    between.sd_days = sqrt(out->order_share * crossing.sd_days * crossing.sd_days +
                           (1 - out->order_share) * in->lead.sd_days * in->lead.sd_days);
    lead_range(&between, &cycle->lo, &cycle->hi);
    lead_weights(&between, cycle->lo, cycle->hi, cycle->p);
    out->between_sd_days = between.sd_days;
    if (out->review_mean > DEMAND_MIN)
        s = least_point(d, every, cycle, R, q, out->order_share, &P, out->lost_lift,
                        (1 - in->fill_rate) * out->review_mean);
    out->shortage_per_review =
        shortage(d, every, cycle, R, s, q, out->order_share, &P, out->lost_lift);
    positions_free(&P);
    free(cycle);
    if (s + q > RP_QUANTITY_MAX)
        return tm_err_set(err, TM_UNPROCESSABLE, "dist",
                          "the demand needs a reorder point of %.0f units, past %d", s,
                          RP_QUANTITY_MAX);
    out->reorder_point = (int64_t)s;
    out->safety_stock = s - out->protection_mean;
    out->order_up_to = out->reorder_point + out->order_size;
    out->expected_fill_rate =
        out->review_mean > DEMAND_MIN ? 1 - out->shortage_per_review / out->review_mean : 1;

    out->available = in->on_hand - in->reserved;
    out->position = out->available + in->incoming_due;
    /* no demand expected: nothing to order, even with nothing on hand */
    out->reorder = out->position <= out->reorder_point && out->daily_mean > DEMAND_MIN;
    if (out->reorder) {
        /* S − position: at least the order size, itself at least the
         * (capped) EOQ */
        double raw = (double)(out->order_up_to - out->position);
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
