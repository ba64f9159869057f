/* services/supplier/choice.c — supplier choice for one purchase line
 * (choice.h, docs/supplier-choice.md). Called by tm-supplier's purchase
 * order path once per line, with at most SUP_CANDIDATES_MAX suppliers, so
 * everything is fixed-size and sorting is an insertion sort that can take
 * the policy as an argument (qsort cannot). Money stays in integer cents;
 * only the score terms and the ratio comparisons are floating point, and
 * equal ratios of integers give equal doubles, so ties stay ties. */
#include "services/supplier/choice.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"

#include "proto/limits.h"

const char *const sup_policy_names[SUP_POLICIES + 1] = {TM_SUPPLIER_POLICY_NAMES, NULL};
_Static_assert(sizeof((const char *[]){TM_SUPPLIER_POLICY_NAMES}) / sizeof(const char *) ==
                   SUP_POLICIES,
               "one name per policy");

static int64_t
max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t
round_up(int64_t n, int64_t pack)
{
    return (n + pack - 1) / pack * pack;
}

/* The break with the largest min_quantity <= n (the first when none). */
static int64_t
price_at(const struct sup_offer *o, int64_t n)
{
    int64_t p = o->breaks[0].unit_price_cents;

    for (int j = 1; j < o->n_breaks; j++)
        if (o->breaks[j].min_quantity <= n)
            p = o->breaks[j].unit_price_cents;
    return p;
}

void
sup_cost_at(const struct sup_offer *o, int64_t n, struct sup_candidate *c)
{
    c->order_quantity = n;
    c->unit_price_cents = price_at(o, n);
    c->goods_cents = n * c->unit_price_cents;
    c->shipping_cents =
        o->free_shipping_threshold_cents > 0 && c->goods_cents >= o->free_shipping_threshold_cents
            ? 0
            : o->shipping_cost_cents;
    c->total_cost_cents = c->goods_cents + c->shipping_cents;
    c->landed_unit_cost_cents = (c->total_cost_cents + n - 1) / n;
}

int64_t
sup_least_order(const struct sup_offer *o)
{
    return round_up(max64(max64(o->moq, o->breaks[0].min_quantity), 1), o->pack_size);
}

/* Considers ordering n units instead of the best so far: only more than
 * the base, within known availability and SUP_QUANTITY_MAX; taken when its
 * total is lower, or equal with more units. Every option is weighed against
 * the best of all, so the order they come in does not matter. */
static void
consider(const struct sup_offer *o, int64_t n, int64_t available, struct sup_candidate *best)
{
    struct sup_candidate t;

    if (n <= best->base_quantity || n > SUP_QUANTITY_MAX || (available >= 0 && n > available))
        return;
    sup_cost_at(o, n, &t);
    if (t.total_cost_cents < best->total_cost_cents ||
        (t.total_cost_cents == best->total_cost_cents && n > best->order_quantity))
        sup_cost_at(o, n, best);
}

void
sup_price_order(const struct sup_offer *o, int64_t quantity, int64_t available_units,
                struct sup_candidate *c)
{
    int64_t base = round_up(max64(quantity, sup_least_order(o)), o->pack_size);
    int64_t thr = o->free_shipping_threshold_cents;

    sup_cost_at(o, base, c);
    c->base_quantity = base;
    c->base_total_cents = c->total_cost_cents;
    /* each higher break's minimum */
    for (int j = 1; j < o->n_breaks; j++)
        consider(o, round_up(o->breaks[j].min_quantity, o->pack_size), available_units, c);
    /* within each break, the least pack multiple above the base whose goods
     * ship free (thr and p <= SUP_MONEY_MAX, so need <= 10^8: no overflow) */
    if (thr > 0 && o->shipping_cost_cents > 0)
        for (int j = 0; j < o->n_breaks; j++) {
            int64_t p = o->breaks[j].unit_price_cents;
            if (p == 0)
                continue;
            int64_t need = max64((thr + p - 1) / p, max64(base + 1, o->breaks[j].min_quantity));
            consider(o, round_up(need, o->pack_size), available_units, c);
        }
    c->raised = c->order_quantity != base;
}

/* ---- validation ---- */

static bool
rate_ok(double r)
{
    return isfinite(r) && r >= 0 && r <= 1;
}

static bool
days_ok(double d)
{
    return isfinite(d) && d >= 0 && d <= SUP_LEAD_DAYS_MAX;
}

static bool
money_ok(int64_t c)
{
    return c >= 0 && c <= SUP_MONEY_MAX;
}

static enum tm_code
bad(struct tm_err *err, int i, const char *what, const char *msg)
{
    char field[TM_ERR_FIELD_MAX];

    snprintf(field, sizeof field, "in[%d].%s", i, what);
    return tm_err_set(err, TM_INVALID, field, "%s %s", field, msg);
}

static enum tm_code
check_offer(const struct sup_offer *o, int i, struct tm_err *err)
{
    if (o->n_breaks < 1 || o->n_breaks > SUP_BREAKS_MAX)
        return bad(err, i, "offer.price_breaks", "must hold 1..16 breaks");
    for (int j = 0; j < o->n_breaks; j++) {
        const struct sup_break *b = &o->breaks[j];
        if (b->min_quantity < 1 || b->min_quantity > SUP_QUANTITY_MAX)
            return bad(err, i, "offer.price_breaks", "min_quantity out of range");
        if (j > 0 && b->min_quantity <= o->breaks[j - 1].min_quantity)
            return bad(err, i, "offer.price_breaks", "out of order or duplicated");
        if (!money_ok(b->unit_price_cents))
            return bad(err, i, "offer.price_breaks", "unit_price_cents out of range");
    }
    if (o->moq < 0 || o->moq > SUP_QUANTITY_MAX)
        return bad(err, i, "offer.moq", "out of range");
    if (o->pack_size < 1 || o->pack_size > SUP_QUANTITY_MAX)
        return bad(err, i, "offer.pack_size", "must be 1..10000000");
    if (!days_ok(o->lead_time_days))
        return bad(err, i, "offer.lead_time_days", "out of range");
    if (!days_ok(o->lead_time_sd_days))
        return bad(err, i, "offer.lead_time_sd_days", "out of range");
    if (!money_ok(o->shipping_cost_cents))
        return bad(err, i, "offer.shipping_cost_cents", "out of range");
    if (!money_ok(o->free_shipping_threshold_cents))
        return bad(err, i, "offer.free_shipping_threshold_cents", "out of range");
    if (o->has_valid_from && o->has_valid_to && o->valid_to_day < o->valid_from_day)
        return bad(err, i, "offer.valid_to", "is before valid_from");
    return TM_OK;
}

static enum tm_code
check_input(const struct sup_request *req, int i, struct tm_err *err)
{
    const struct sup_input *in = &req->in[i];
    enum tm_code rc;

    if (in->supplier_id <= 0)
        return bad(err, i, "supplier_id", "must be positive");
    for (int k = 0; k < i; k++)
        if (req->in[k].supplier_id == in->supplier_id)
            return bad(err, i, "supplier_id", "is duplicated");
    if ((rc = check_offer(&in->offer, i, err)) != TM_OK)
        return rc;
    if (in->perf.receipts < 0)
        return bad(err, i, "perf.receipts", "is negative");
    if (!rate_ok(in->perf.on_time_rate))
        return bad(err, i, "perf.on_time_rate", "must be 0..1");
    if (!rate_ok(in->perf.fill_rate))
        return bad(err, i, "perf.fill_rate", "must be 0..1");
    if (!days_ok(in->perf.lead_time_mean_days))
        return bad(err, i, "perf.lead_time_mean_days", "out of range");
    if (!days_ok(in->perf.lead_time_sd_days))
        return bad(err, i, "perf.lead_time_sd_days", "out of range");
    return TM_OK;
}

static enum tm_code
check_request(const struct sup_request *req, struct tm_err *err)
{
    enum tm_code rc;
    int wp = req->weight_price_pct, wr = req->weight_reliability_pct, wd = req->weight_delivery_pct;
    bool in_range = wp >= 0 && wp <= 100 && wr >= 0 && wr <= 100 && wd >= 0 && wd <= 100;

    if (req->quantity < 1 || req->quantity > SUP_QUANTITY_MAX)
        return tm_err_set(err, TM_INVALID, "quantity", "quantity must be 1..10000000");
    if ((int)req->policy < 0 || req->policy >= SUP_POLICIES)
        return tm_err_set(err, TM_INVALID, "policy", "unknown policy");
    if (req->min_receipts < 0)
        return tm_err_set(err, TM_INVALID, "min_receipts", "min_receipts is negative");
    if (!rate_ok(req->quoted_on_time_rate))
        return tm_err_set(err, TM_INVALID, "quoted_on_time_rate", "must be 0..1");
    if (!rate_ok(req->quoted_fill_rate))
        return tm_err_set(err, TM_INVALID, "quoted_fill_rate", "must be 0..1");
    /* each in 0..100 before summing, so the sum cannot overflow */
    if (!in_range || (wp + wr + wd != 100 && wp + wr + wd != 0))
        return tm_err_set(err, TM_INVALID, "weights",
                          "weights must be non-negative percentages summing to 100");
    if (req->n < 0 || req->n > SUP_CANDIDATES_MAX)
        return tm_err_set(err, TM_INVALID, "in", "at most 32 suppliers");
    for (int i = 0; i < req->n; i++)
        if ((rc = check_input(req, i, err)) != TM_OK)
            return rc;
    return TM_OK;
}

/* ---- candidates and terms ---- */

static bool
excluded(const struct sup_request *req, const struct sup_input *in, struct sup_choice *out)
{
    const struct sup_offer *o = &in->offer;
    enum sup_exclusion why;

    if (o->product_id != req->product_id)
        why = SUP_OTHER_PRODUCT;
    else if (o->has_valid_from && req->today_day < o->valid_from_day)
        why = SUP_NOT_YET_VALID;
    else if (o->has_valid_to && req->today_day > o->valid_to_day)
        why = SUP_EXPIRED;
    else
        return false;
    out->excluded[out->n_excluded].supplier_id = in->supplier_id;
    out->excluded[out->n_excluded++].why = why;
    return true;
}

static void
candidate(const struct sup_request *req, int i, struct sup_candidate *c)
{
    const struct sup_input *in = &req->in[i];

    memset(c, 0, sizeof *c);
    c->supplier_id = in->supplier_id;
    c->input = i;
    sup_price_order(&in->offer, req->quantity, in->available_units, c);
    c->quoted = in->perf.receipts < req->min_receipts;
    if (c->quoted) {
        c->on_time_rate = req->quoted_on_time_rate;
        c->fill_rate = req->quoted_fill_rate;
        c->lead_time_mean_days = in->offer.lead_time_days;
        c->lead_time_sd_days = in->offer.lead_time_sd_days;
    } else {
        c->on_time_rate = in->perf.on_time_rate;
        c->fill_rate = in->perf.fill_rate;
        c->lead_time_mean_days = in->perf.lead_time_mean_days;
        c->lead_time_sd_days = in->perf.lead_time_sd_days;
    }
    c->arrival_day = req->today_day + (int64_t)ceil(c->lead_time_mean_days);
    c->covers = in->available_units < 0 || c->order_quantity <= in->available_units;
}

static double
landed(const struct sup_candidate *c)
{
    return (double)c->total_cost_cents / (double)c->order_quantity;
}

static double
risk_days(const struct sup_candidate *c)
{
    return c->lead_time_mean_days + c->lead_time_sd_days;
}

/* best / value for a "lower is better" quantity; 1 when both are 0. */
static double
relative(double best, double value)
{
    return value > 0 ? best / value : 1.0;
}

static void
score_all(struct sup_choice *out)
{
    double min_landed = 0, min_risk = 0;

    for (int i = 0; i < out->n; i++) {
        const struct sup_candidate *c = &out->ranked[i];
        if (i == 0 || landed(c) < min_landed)
            min_landed = landed(c);
        if (i == 0 || risk_days(c) < min_risk)
            min_risk = risk_days(c);
    }
    for (int i = 0; i < out->n; i++) {
        struct sup_candidate *c = &out->ranked[i];
        c->price = relative(min_landed, landed(c));
        c->reliability = c->on_time_rate * c->fill_rate;
        c->delivery = relative(min_risk, risk_days(c));
        c->score = out->weight_price * c->price + out->weight_reliability * c->reliability +
                   out->weight_delivery * c->delivery;
    }
}

/* ---- ranking ---- */

static int
cmp_double(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static int
cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

/* A score on a fixed grid of 1e-9, so that sums of the same terms in
 * another order still tie. A tolerance (|a - b| <= 1e-9) would not do: it
 * is not transitive, and the ranking would then depend on input order. */
static long long
score_grid(const struct sup_candidate *c)
{
    return llround(c->score * 1e9);
}

/* < 0 when a ranks before b under policy p; a total order. */
static int
rank_cmp(const struct sup_candidate *a, const struct sup_candidate *b,
         const struct sup_request *req)
{
    int r = 0;

    switch (req->policy) {
    case SUP_FASTEST:
        if ((r = cmp_i64(a->arrival_day, b->arrival_day)) == 0)
            r = cmp_double(a->lead_time_sd_days, b->lead_time_sd_days);
        break;
    case SUP_MOST_RELIABLE:
        r = cmp_double(b->reliability, a->reliability);
        break;
    case SUP_PREFERRED:
        r = (int)req->in[b->input].preferred - (int)req->in[a->input].preferred;
        break;
    case SUP_WEIGHTED:
        r = cmp_i64(score_grid(b), score_grid(a));
        break;
    case SUP_CHEAPEST:
    case SUP_POLICIES:
        break;
    }
    if (r == 0)
        r = cmp_double(landed(a), landed(b));
    if (r == 0)
        r = cmp_i64(a->total_cost_cents, b->total_cost_cents);
    if (r == 0)
        r = cmp_i64(a->supplier_id, b->supplier_id);
    return r;
}

static void
rank_all(struct sup_choice *out, const struct sup_request *req)
{
    for (int i = 1; i < out->n; i++) {
        struct sup_candidate t = out->ranked[i];
        int j = i;
        while (j > 0 && rank_cmp(&t, &out->ranked[j - 1], req) < 0) {
            out->ranked[j] = out->ranked[j - 1];
            j--;
        }
        out->ranked[j] = t;
    }
}

/* ---- the answer ---- */

static void
money(char *buf, size_t size, int64_t cents)
{
    snprintf(buf, size, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

/* The winner's own words, against the runner-up `o` (NULL when alone). */
static int
why_won(char *buf, size_t size, const struct sup_request *req, const struct sup_choice *ch,
        const struct sup_candidate *w, const struct sup_candidate *o)
{
    char a[24], b[24];
    long long oid = o ? (long long)o->supplier_id : 0;

    money(a, sizeof a, w->landed_unit_cost_cents);
    money(b, sizeof b, o ? o->landed_unit_cost_cents : 0);
    switch (req->policy) {
    case SUP_FASTEST:
        if (o)
            return snprintf(buf, size, "earliest arrival in %lld days vs %lld (supplier %lld)",
                            (long long)(w->arrival_day - req->today_day),
                            (long long)(o->arrival_day - req->today_day), oid);
        return snprintf(buf, size, "earliest arrival in %lld days (only candidate)",
                        (long long)(w->arrival_day - req->today_day));
    case SUP_MOST_RELIABLE:
        if (o)
            return snprintf(buf, size,
                            "most reliable %.3f (on time %.2f x fill %.2f) vs %.3f (supplier %lld)",
                            w->reliability, w->on_time_rate, w->fill_rate, o->reliability, oid);
        return snprintf(buf, size, "most reliable %.3f (only candidate)", w->reliability);
    case SUP_PREFERRED:
        if (!req->in[w->input].preferred)
            return snprintf(buf, size, "no preferred supplier can take it; cheapest landed cost %s",
                            a);
        if (o)
            return snprintf(buf, size, "preferred supplier, landed cost %s vs %s (supplier %lld)",
                            a, b, oid);
        return snprintf(buf, size, "preferred supplier, landed cost %s (only candidate)", a);
    case SUP_WEIGHTED:
        if (!o)
            return snprintf(buf, size, "weighted score %.3f (only candidate)", w->score);
        return snprintf(buf, size,
                        "highest weighted score %.3f (price %.3f + reliability %.3f + delivery "
                        "%.3f) vs %.3f (supplier %lld)",
                        w->score, ch->weight_price * w->price,
                        ch->weight_reliability * w->reliability, ch->weight_delivery * w->delivery,
                        o->score, oid);
    case SUP_CHEAPEST:
    case SUP_POLICIES:
        break;
    }
    if (o)
        return snprintf(buf, size, "cheapest landed cost %s vs %s (supplier %lld)", a, b, oid);
    return snprintf(buf, size, "cheapest landed cost %s (only candidate)", a);
}

static void
reason_winner(struct sup_choice *out, const struct sup_request *req)
{
    const struct sup_candidate *w = &out->ranked[out->winner];
    const struct sup_candidate *o = out->n > 1 ? &out->ranked[out->winner == 0 ? 1 : 0] : NULL;
    char *p = out->reason;
    size_t left = sizeof out->reason;
    int k;

    if (out->winner > 0) {
        k = snprintf(p, left, "supplier %lld ranks first but cannot cover %lld units; ",
                     (long long)out->ranked[0].supplier_id,
                     (long long)out->ranked[0].order_quantity);
        if (k < 0 || (size_t)k >= left)
            return;
        p += k, left -= (size_t)k;
    }
    k = why_won(p, left, req, out, w, o);
    if (k < 0 || (size_t)k >= left || !w->raised)
        return;
    p += k, left -= (size_t)k;
    char a[24], b[24];
    money(a, sizeof a, w->total_cost_cents);
    money(b, sizeof b, w->base_total_cents);
    snprintf(p, left, "; %lld units cost %s in total vs %s for %lld", (long long)w->order_quantity,
             a, b, (long long)w->base_quantity);
}

static void
split(struct sup_choice *out, const struct sup_request *req)
{
    int64_t rem = req->quantity;

    for (int i = 0; i < out->n && rem > 0; i++) {
        const struct sup_input *in = &req->in[out->ranked[i].input];
        const struct sup_offer *o = &in->offer;
        int64_t least = sup_least_order(o);
        int64_t take = round_up(max64(rem, least), o->pack_size);
        struct sup_candidate c;

        if (take > in->available_units)
            take = in->available_units / o->pack_size * o->pack_size;
        if (take < least)
            continue;
        sup_cost_at(o, take, &c);
        struct sup_allocation *a = &out->alloc[out->n_alloc++];
        a->supplier_id = in->supplier_id;
        a->quantity = take;
        a->unit_price_cents = c.unit_price_cents;
        a->shipping_cents = c.shipping_cents;
        a->total_cost_cents = c.total_cost_cents;
        a->arrival_day = out->ranked[i].arrival_day;
        rem -= take;
    }
    out->uncovered = rem > 0 ? rem : 0;
    snprintf(out->reason, sizeof out->reason,
             "no supplier covers %lld units alone; split among %d supplier(s), %lld uncovered",
             (long long)req->quantity, out->n_alloc, (long long)out->uncovered);
}

enum tm_code
sup_choose(const struct sup_request *req, struct sup_choice *out, struct tm_err *err)
{
    enum tm_code rc;
    bool dflt;

    memset(out, 0, sizeof *out);
    out->winner = -1;
    if ((rc = check_request(req, err)) != TM_OK)
        return rc;
    dflt = req->weight_price_pct + req->weight_reliability_pct + req->weight_delivery_pct == 0;
    out->weight_price = (dflt ? SUP_WEIGHT_PRICE_DEFAULT : req->weight_price_pct) / 100.0;
    out->weight_reliability =
        (dflt ? SUP_WEIGHT_RELIABILITY_DEFAULT : req->weight_reliability_pct) / 100.0;
    out->weight_delivery = (dflt ? SUP_WEIGHT_DELIVERY_DEFAULT : req->weight_delivery_pct) / 100.0;
    for (int i = 0; i < req->n; i++)
        if (!excluded(req, &req->in[i], out))
            candidate(req, i, &out->ranked[out->n++]);
    if (out->n == 0) {
        out->uncovered = req->quantity;
        snprintf(out->reason, sizeof out->reason, "no supplier has a valid offer for product %lld",
                 (long long)req->product_id);
        return TM_OK;
    }
    score_all(out);
    rank_all(out, req);
    for (int i = 0; i < out->n && out->winner < 0; i++)
        if (out->ranked[i].covers)
            out->winner = i;
    if (out->winner < 0) {
        out->split = true;
        split(out, req);
        return TM_OK;
    }
    out->winner_id = out->ranked[out->winner].supplier_id;
    reason_winner(out, req);
    return TM_OK;
}
