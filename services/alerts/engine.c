/* services/alerts/engine.c — the pure half of tm-alerts (engine.h). */
#include "services/alerts/engine.h"

#include <string.h>

static const char *const kind_names[] = {
#define AL_X_NAME(name, wire) wire,
    AL_KINDS(AL_X_NAME)
#undef AL_X_NAME
};
static const char *const severity_names[] = {"critical", "high", "medium", "low"};
static const char *const state_names[] = {"firing", "acknowledged", "resolved"};

/* the index of s in names[0..n), or -1 */
static int
find(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *
al_kind_name(enum al_kind k)
{
    return (unsigned)k < AL_KIND_COUNT ? kind_names[k] : "";
}

int
al_kind_parse(const char *s, enum al_kind *out)
{
    int i = find(kind_names, AL_KIND_COUNT, s);

    if (i >= 0)
        *out = (enum al_kind)i;
    return i >= 0;
}

const char *
al_severity_name(enum al_severity s)
{
    return (unsigned)s < AL_SEV_COUNT ? severity_names[s] : "";
}

int
al_severity_parse(const char *s, enum al_severity *out)
{
    int i = find(severity_names, AL_SEV_COUNT, s);

    if (i >= 0)
        *out = (enum al_severity)i;
    return i >= 0;
}

const char *
al_state_name(enum al_state s)
{
    return (unsigned)s <= AL_STATE_RESOLVED ? state_names[s] : "";
}

int
al_state_parse(const char *s, enum al_state *out)
{
    int i = find(state_names, 3, s);

    if (i >= 0)
        *out = (enum al_state)i;
    return i >= 0;
}

int
al_rule_covers(const struct al_rule *r, int64_t store_id, int64_t category_id, int64_t product_id)
{
    return (r->store_id == 0 || r->store_id == store_id) &&
           (r->category_id == 0 || r->category_id == category_id) &&
           (r->product_id == 0 || r->product_id == product_id);
}

#define MS_PER_MIN 60000.0
#define MS_PER_DAY 86400000.0

/* o says cond holds, having measured observed (what) against threshold. */
static void
observe(struct al_observation *o, int cond, const char *what, double observed, double threshold)
{
    size_t n = strlen(what);

    o->holds = cond != 0;
    o->observed = observed;
    o->threshold = threshold;
    if (n >= sizeof o->what)
        n = sizeof o->what - 1;
    memcpy(o->what, what, n);
    o->what[n] = '\0';
}

/* low_stock: under the reorder point, or under days_of_cover of the
 * forecast's mean demand; critical under critical_days of cover. */
static void
eval_low_stock(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    const struct al_params *p = &r->params;
    int has_cover = f->has_forecast && f->daily_mean > 0;
    double cover = has_cover ? (double)f->available / f->daily_mean : 0;
    int by_cover = has_cover && p->days_of_cover > 0 && cover < p->days_of_cover;
    int by_point = f->available <= f->reorder_point;
    int holds = f->available > 0 && (by_cover || by_point);

    if (by_cover || (has_cover && p->days_of_cover > 0 && !by_point))
        observe(o, holds, "days_of_cover", cover, p->days_of_cover);
    else
        observe(o, holds, "available", (double)f->available, (double)f->reorder_point);
    if (holds && has_cover && p->critical_days >= 0 && cover < p->critical_days)
        o->severity = AL_SEV_CRITICAL;
}

/* overstock: more than days_of_cover of the forecast's demand on hand. A
 * level the forecast sees no demand for has no days of cover: stock that
 * does not sell is slow_moving's to say, by how long it has not sold (one
 * alert per kind of trouble, not a flood for every dormant level). */
static void
eval_overstock(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    double limit = r->params.days_of_cover;

    if (!f->has_forecast || limit <= 0 || f->on_hand <= 0 || f->daily_mean <= 0)
        observe(o, 0, "days_of_cover", 0, limit);
    else
        observe(o, (double)f->on_hand / f->daily_mean > limit, "days_of_cover",
                (double)f->on_hand / f->daily_mean, limit);
}

/* slow_moving: stock on hand and no sale for `days` days, counted from the
 * last sale seen or, with none, from when tm-alerts first saw the level. */
static void
eval_slow_moving(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    int64_t from = f->last_sale_ms ? f->last_sale_ms : f->first_seen_ms;
    double idle = from > 0 && f->now_ms > from ? (double)(f->now_ms - from) / MS_PER_DAY : 0;
    double days = r->params.days;

    observe(o, f->on_hand > 0 && days > 0 && from > 0 && idle >= days, "days_without_sale", idle,
            days);
}

static void
eval_demand_spike(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    double factor = r->params.factor >= 1 ? r->params.factor : 1;
    double limit = factor * f->daily_upper;

    /* no demand forecast (an upper bound of 0) is no spike to measure: a
     * dormant product's first sale is not a flood of alerts */
    observe(o, f->has_forecast && f->daily_upper > 0 && (double)f->sold_today > limit, "sold_today",
            (double)f->sold_today, limit);
}

static void
eval_review_waiting(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    double waited = f->waiting_since_ms > 0 && f->now_ms > f->waiting_since_ms
                        ? (double)(f->now_ms - f->waiting_since_ms) / MS_PER_MIN
                        : 0;

    observe(o, f->waiting_since_ms > 0 && r->params.minutes > 0 && waited > r->params.minutes,
            "minutes_waiting", waited, r->params.minutes);
}

static void
eval_po_overdue(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    double grace = r->params.grace_days >= 0 ? r->params.grace_days : 0;
    double late = f->po_expected_end_ms > 0 && f->now_ms > f->po_expected_end_ms
                      ? (double)(f->now_ms - f->po_expected_end_ms) / MS_PER_DAY
                      : 0;

    observe(o,
            f->po_open && f->po_expected_end_ms > 0 && f->now_ms > f->po_expected_end_ms &&
                late > grace,
            "days_overdue", late, grace);
}

void
al_evaluate(const struct al_rule *r, const struct al_facts *f, struct al_observation *o)
{
    const struct al_params *p = &r->params;

    memset(o, 0, sizeof *o);
    o->severity = r->severity;
    switch (r->kind) {
    case AL_KIND_STOCK_OUT:
        observe(o, f->available <= 0, "available", (double)f->available, 0);
        break;
    case AL_KIND_LOW_STOCK:
        eval_low_stock(r, f, o);
        break;
    case AL_KIND_OVERSTOCK:
        eval_overstock(r, f, o);
        break;
    case AL_KIND_SLOW_MOVING:
        eval_slow_moving(r, f, o);
        break;
    case AL_KIND_DEMAND_SPIKE:
        eval_demand_spike(r, f, o);
        break;
    case AL_KIND_FORECAST_ACCURACY:
        observe(o, f->has_mase && p->mase > 0 && f->mase > p->mase, "mase",
                f->has_mase ? f->mase : 0, p->mase);
        break;
    case AL_KIND_REVIEW_WAITING:
        eval_review_waiting(r, f, o);
        break;
    case AL_KIND_SUPPLIER_API_DOWN:
        observe(o, f->circuit_open, "circuit_open", f->circuit_open ? 1 : 0, 1);
        break;
    case AL_KIND_PO_OVERDUE:
        eval_po_overdue(r, f, o);
        break;
    case AL_KIND_LEDGER_MISMATCH:
        observe(o, f->ledger_gap, "ledger_gap", f->ledger_gap ? 1 : 0, 1);
        break;
    case AL_KIND_JOB_FAILING: {
        double n = p->failures >= 2 ? p->failures : 2;

        observe(o, f->failed_in_a_row >= n, "failed_in_a_row", f->failed_in_a_row, n);
        break;
    }
    case AL_KIND_COUNT:
    default:
        observe(o, 0, "", 0, 0);
        break;
    }
}

int
al_ledger_reported_again(const struct al_cond *c, const struct al_facts *f)
{
    return f->ledger_gap && !f->ledger_recheck && c->holds && c->alert_id == 0 &&
           c->last_fired_ms > 0 && c->last_fired_ms >= c->since_ms;
}

enum al_action
al_step(const struct al_rule *r, const struct al_cond *c, int holds, int64_t now_ms,
        struct al_cond *next)
{
    int64_t since, due, cool;

    *next = *c;
    if (!holds) {
        next->holds = 0;
        next->since_ms = 0;
        next->alert_id = 0;
        if (c->alert_id != 0)
            return AL_ACT_RESOLVE;
        return c->holds || c->since_ms ? AL_ACT_CLEAR : AL_ACT_NONE;
    }
    next->holds = 1;
    since = c->holds && c->since_ms > 0 ? c->since_ms : now_ms;
    next->since_ms = since;
    if (c->alert_id != 0) /* firing or acknowledged: one alert per crossing */
        return AL_ACT_NONE;
    if (c->holds && c->last_fired_ms >= since && c->last_fired_ms > 0)
        return AL_ACT_NONE; /* this crossing fired already (its alert resolved by hand) */
    due = since + (int64_t)r->pending_s * 1000;
    cool = c->last_fired_ms > 0 ? c->last_fired_ms + (int64_t)r->cooldown_s * 1000 : 0;
    if (cool > due)
        due = cool;
    if (now_ms >= due) {
        next->alert_id = -1;
        next->last_fired_ms = now_ms;
        return AL_ACT_FIRE;
    }
    return c->holds ? AL_ACT_NONE : AL_ACT_PENDING;
}

/* ---------------------------------------------------------- escalation */

int
al_policy_position(const struct al_policy *p, int next, int64_t fired_ms, int *step, int *round,
                   int64_t *due_ms)
{
    int64_t after_s, k;

    if (p->n_steps <= 0 || p->n_steps > AL_STEPS_MAX || next < 0)
        return 0;
    if (next < p->n_steps) {
        *step = next;
        *round = 0;
        after_s = p->after_s[next];
    } else {
        k = (int64_t)next - p->n_steps; /* repeat k, round k + 1 */
        if (p->repeat_every_s <= 0 || k >= p->repeat_max)
            return 0;
        *step = p->n_steps - 1;
        *round = (int)(k + 1);
        after_s = p->after_s[p->n_steps - 1] + (k + 1) * (int64_t)p->repeat_every_s;
    }
    *due_ms = fired_ms + after_s * 1000;
    return 1;
}
