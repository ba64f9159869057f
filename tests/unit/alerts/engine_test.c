/* tests/unit/alerts/engine_test.c — al_evaluate (every kind, as
 * docs/alerts.md "Rule kinds" says) and al_step (pending, cooldown,
 * edge-triggered firing, resolving by itself, clearing). */
#include <string.h>

#include <check.h>

#include "services/alerts/engine.h"
#include "tests/unit/alerts/suites.h"

#define DAY_MS 86400000LL
#define MIN_MS 60000LL
#define T0 1700000000000LL

static struct al_rule
rule(enum al_kind kind)
{
    struct al_rule r;

    memset(&r, 0, sizeof r);
    r.id = 1;
    r.version = 1;
    r.kind = kind;
    r.severity = AL_SEV_HIGH;
    r.active = 1;
    r.params = (struct al_params){-1, -1, -1, -1, -1, -1, -1, -1};
    return r;
}

static struct al_facts
level(int64_t on_hand, int64_t available, int64_t reorder_point)
{
    struct al_facts f;

    memset(&f, 0, sizeof f);
    f.now_ms = T0;
    f.on_hand = on_hand;
    f.available = available;
    f.reorder_point = reorder_point;
    f.first_seen_ms = T0 - DAY_MS;
    return f;
}

static int
holds(const struct al_rule *r, const struct al_facts *f)
{
    struct al_observation o;

    al_evaluate(r, f, &o);
    return o.holds;
}

START_TEST(covers_scope)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);

    ck_assert_int_eq(al_rule_covers(&r, 1, 2, 3), 1);
    ck_assert_int_eq(al_rule_covers(&r, 0, 0, 0), 1);
    r.store_id = 1;
    ck_assert_int_eq(al_rule_covers(&r, 1, 2, 3), 1);
    ck_assert_int_eq(al_rule_covers(&r, 2, 2, 3), 0);
    ck_assert_int_eq(al_rule_covers(&r, 0, 2, 3), 0); /* no store: not covered */
    r.category_id = 2;
    ck_assert_int_eq(al_rule_covers(&r, 1, 2, 3), 1);
    ck_assert_int_eq(al_rule_covers(&r, 1, 5, 3), 0);
    r.product_id = 3;
    ck_assert_int_eq(al_rule_covers(&r, 1, 2, 3), 1);
    ck_assert_int_eq(al_rule_covers(&r, 1, 2, 4), 0);
}
END_TEST

START_TEST(stock_out_at_zero_or_below)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_facts f = level(0, 0, 5);
    struct al_observation o;

    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1);
    ck_assert_str_eq(o.what, "available");
    ck_assert_int_eq(o.severity, AL_SEV_HIGH);
    f = level(3, -1, 5); /* all reserved and more */
    ck_assert_int_eq(holds(&r, &f), 1);
    f = level(1, 1, 5);
    ck_assert_int_eq(holds(&r, &f), 0);
}
END_TEST

START_TEST(low_stock_by_reorder_point)
{
    struct al_rule r = rule(AL_KIND_LOW_STOCK);
    struct al_facts f = level(10, 5, 5);
    struct al_observation o;

    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1); /* at the reorder point */
    ck_assert_str_eq(o.what, "available");
    ck_assert(o.observed == 5 && o.threshold == 5);
    f = level(10, 6, 5);
    ck_assert_int_eq(holds(&r, &f), 0);
    f = level(0, 0, 5); /* out is stock_out's, not low */
    ck_assert_int_eq(holds(&r, &f), 0);
    f = level(10, 6, 5); /* a forecast without days_of_cover changes nothing */
    f.has_forecast = 1;
    f.daily_mean = 100;
    ck_assert_int_eq(holds(&r, &f), 0);
}
END_TEST

START_TEST(low_stock_by_days_of_cover)
{
    struct al_rule r = rule(AL_KIND_LOW_STOCK);
    struct al_facts f = level(40, 20, 5);
    struct al_observation o;

    r.params.days_of_cover = 3;
    f.has_forecast = 1;
    f.daily_mean = 10; /* 2 days of cover */
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1);
    ck_assert_str_eq(o.what, "days_of_cover");
    ck_assert(o.observed == 2.0 && o.threshold == 3.0);
    ck_assert_int_eq(o.severity, AL_SEV_HIGH);
    f.daily_mean = 5; /* 4 days */
    ck_assert_int_eq(holds(&r, &f), 0);
    f.has_forecast = 0; /* no forecast: the reorder point alone */
    f.daily_mean = 100;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.has_forecast = 1;
    f.daily_mean = 0; /* no demand: endless cover */
    ck_assert_int_eq(holds(&r, &f), 0);
}
END_TEST

START_TEST(low_stock_critical_days)
{
    struct al_rule r = rule(AL_KIND_LOW_STOCK);
    struct al_facts f = level(10, 5, 2);
    struct al_observation o;

    r.params.days_of_cover = 3;
    r.params.critical_days = 1;
    f.has_forecast = 1;
    f.daily_mean = 10; /* half a day */
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1);
    ck_assert_int_eq(o.severity, AL_SEV_CRITICAL);
    f.daily_mean = 2.5; /* 2 days: high */
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1);
    ck_assert_int_eq(o.severity, AL_SEV_HIGH);
    r.params.critical_days = 0; /* nothing is under 0 days */
    f.daily_mean = 10;
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.severity, AL_SEV_HIGH);
}
END_TEST

START_TEST(overstock_needs_a_forecast)
{
    struct al_rule r = rule(AL_KIND_OVERSTOCK);
    struct al_facts f = level(100, 100, 5);
    struct al_observation o;

    r.params.days_of_cover = 30;
    ck_assert_int_eq(holds(&r, &f), 0); /* no forecast */
    f.has_forecast = 1;
    f.daily_mean = 2; /* 50 days */
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1);
    ck_assert_str_eq(o.what, "days_of_cover");
    ck_assert(o.observed == 50.0 && o.threshold == 30.0);
    f.daily_mean = 4; /* 25 days */
    ck_assert_int_eq(holds(&r, &f), 0);
    f.daily_mean = 0; /* no demand: no days of cover (slow_moving's to say) */
    ck_assert_int_eq(holds(&r, &f), 0);
    f.daily_mean = 0.001; /* 100,000 days */
    ck_assert_int_eq(holds(&r, &f), 1);
    f.on_hand = 0;
    ck_assert_int_eq(holds(&r, &f), 0);
}
END_TEST

START_TEST(slow_moving_since_last_sale_or_first_seen)
{
    struct al_rule r = rule(AL_KIND_SLOW_MOVING);
    struct al_facts f = level(10, 10, 0);

    r.params.days = 7;
    f.first_seen_ms = T0 - 8 * DAY_MS;
    ck_assert_int_eq(holds(&r, &f), 1); /* never sold, seen 8 days ago */
    f.last_sale_ms = T0 - 2 * DAY_MS;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.last_sale_ms = T0 - 7 * DAY_MS;
    ck_assert_int_eq(holds(&r, &f), 1);
    f.on_hand = 0; /* nothing stocked: not slow moving */
    ck_assert_int_eq(holds(&r, &f), 0);
    f = level(10, 10, 0);
    f.first_seen_ms = T0 - DAY_MS;
    ck_assert_int_eq(holds(&r, &f), 0);
}
END_TEST

START_TEST(demand_spike_over_upper_bound)
{
    struct al_rule r = rule(AL_KIND_DEMAND_SPIKE);
    struct al_facts f = level(100, 100, 0);
    struct al_observation o;

    f.sold_today = 30;
    ck_assert_int_eq(holds(&r, &f), 0); /* no forecast */
    f.has_forecast = 1;
    f.daily_mean = 10;
    f.daily_upper = 20;
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1); /* factor 1 by default */
    ck_assert(o.observed == 30.0 && o.threshold == 20.0);
    f.sold_today = 20;
    ck_assert_int_eq(holds(&r, &f), 0); /* at the bound is not above it */
    r.params.factor = 2;
    f.sold_today = 39;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.sold_today = 41;
    ck_assert_int_eq(holds(&r, &f), 1);
}
END_TEST

START_TEST(demand_spike_needs_demand)
{
    struct al_rule r = rule(AL_KIND_DEMAND_SPIKE);
    struct al_facts f = level(100, 100, 0);

    f.has_forecast = 1; /* a forecast of no demand: a dormant product */
    f.daily_mean = 0;
    f.daily_upper = 0;
    f.sold_today = 1;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.sold_today = 500;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.daily_upper = 0.5; /* any demand at all: measured against it */
    ck_assert_int_eq(holds(&r, &f), 1);
}
END_TEST

START_TEST(forecast_accuracy_over_mase)
{
    struct al_rule r = rule(AL_KIND_FORECAST_ACCURACY);
    struct al_facts f;

    memset(&f, 0, sizeof f);
    r.params.mase = 1.2;
    ck_assert_int_eq(holds(&r, &f), 0); /* no backtest */
    f.has_mase = 1;
    f.mase = 1.2;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.mase = 1.3;
    ck_assert_int_eq(holds(&r, &f), 1);
}
END_TEST

START_TEST(review_waiting_longer_than_minutes)
{
    struct al_rule r = rule(AL_KIND_REVIEW_WAITING);
    struct al_facts f;
    struct al_observation o;

    memset(&f, 0, sizeof f);
    f.now_ms = T0;
    r.params.minutes = 30;
    ck_assert_int_eq(holds(&r, &f), 0); /* nothing waiting */
    f.waiting_since_ms = T0 - 30 * MIN_MS;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.waiting_since_ms = T0 - 31 * MIN_MS;
    al_evaluate(&r, &f, &o);
    ck_assert_int_eq(o.holds, 1);
    ck_assert_str_eq(o.what, "minutes_waiting");
    ck_assert(o.observed == 31.0 && o.threshold == 30.0);
}
END_TEST

START_TEST(supplier_api_down_when_open)
{
    struct al_rule r = rule(AL_KIND_SUPPLIER_API_DOWN);
    struct al_facts f;

    memset(&f, 0, sizeof f);
    ck_assert_int_eq(holds(&r, &f), 0);
    f.circuit_open = 1;
    ck_assert_int_eq(holds(&r, &f), 1);
}
END_TEST

START_TEST(po_overdue_after_grace)
{
    struct al_rule r = rule(AL_KIND_PO_OVERDUE);
    struct al_facts f;

    memset(&f, 0, sizeof f);
    f.now_ms = T0;
    f.po_open = 1;
    ck_assert_int_eq(holds(&r, &f), 0); /* no expected delivery */
    f.po_expected_end_ms = T0 + 1;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.po_expected_end_ms = T0 - 1; /* grace 0 by default */
    ck_assert_int_eq(holds(&r, &f), 1);
    r.params.grace_days = 2;
    f.po_expected_end_ms = T0 - DAY_MS;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.po_expected_end_ms = T0 - 3 * DAY_MS;
    ck_assert_int_eq(holds(&r, &f), 1);
    f.po_open = 0; /* received or cancelled */
    ck_assert_int_eq(holds(&r, &f), 0);
}
END_TEST

START_TEST(ledger_and_jobs)
{
    struct al_rule r = rule(AL_KIND_LEDGER_MISMATCH);
    struct al_facts f;

    memset(&f, 0, sizeof f);
    ck_assert_int_eq(holds(&r, &f), 0);
    f.ledger_gap = 1;
    ck_assert_int_eq(holds(&r, &f), 1);
    r = rule(AL_KIND_JOB_FAILING);
    f.failed_in_a_row = 1;
    ck_assert_int_eq(holds(&r, &f), 0); /* 2 by default */
    f.failed_in_a_row = 2;
    ck_assert_int_eq(holds(&r, &f), 1);
    r.params.failures = 3;
    ck_assert_int_eq(holds(&r, &f), 0);
    f.failed_in_a_row = 5;
    ck_assert_int_eq(holds(&r, &f), 1);
}
END_TEST

Suite *
evaluate_suite(void)
{
    Suite *s = suite_create("evaluate");
    TCase *tc = tcase_create("kinds");

    tcase_add_test(tc, covers_scope);
    tcase_add_test(tc, stock_out_at_zero_or_below);
    tcase_add_test(tc, low_stock_by_reorder_point);
    tcase_add_test(tc, low_stock_by_days_of_cover);
    tcase_add_test(tc, low_stock_critical_days);
    tcase_add_test(tc, overstock_needs_a_forecast);
    tcase_add_test(tc, slow_moving_since_last_sale_or_first_seen);
    tcase_add_test(tc, demand_spike_over_upper_bound);
    tcase_add_test(tc, demand_spike_needs_demand);
    tcase_add_test(tc, forecast_accuracy_over_mase);
    tcase_add_test(tc, review_waiting_longer_than_minutes);
    tcase_add_test(tc, supplier_api_down_when_open);
    tcase_add_test(tc, po_overdue_after_grace);
    tcase_add_test(tc, ledger_and_jobs);
    suite_add_tcase(s, tc);
    return s;
}

/* ---- al_step ----------------------------------------------------------- */

/* Runs one step of c and keeps its result as the caller would: a fired
 * alert gets id 7. */
static enum al_action
step(const struct al_rule *r, struct al_cond *c, int h, int64_t now)
{
    struct al_cond next;
    enum al_action a = al_step(r, c, h, now, &next);

    if (a == AL_ACT_FIRE) {
        ck_assert_int_eq(next.alert_id, -1);
        next.alert_id = 7;
    }
    *c = next;
    return a;
}

START_TEST(fires_once_per_crossing)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_cond c = {0};

    ck_assert_int_eq(step(&r, &c, 0, T0), AL_ACT_NONE);
    ck_assert_int_eq(step(&r, &c, 1, T0), AL_ACT_FIRE);
    ck_assert_int_eq(c.holds, 1);
    ck_assert_int_eq(c.since_ms, T0);
    ck_assert_int_eq(c.last_fired_ms, T0);
    for (int i = 1; i <= 5; i++) /* more events while it holds: no more alerts */
        ck_assert_int_eq(step(&r, &c, 1, T0 + i), AL_ACT_NONE);
    ck_assert_int_eq(c.alert_id, 7);
    ck_assert_int_eq(step(&r, &c, 0, T0 + 10), AL_ACT_RESOLVE);
    ck_assert_int_eq(c.alert_id, 0);
    ck_assert_int_eq(c.holds, 0);
    ck_assert_int_eq(c.since_ms, 0);
    ck_assert_int_eq(c.last_fired_ms, T0); /* the cooldown counts from there */
    ck_assert_int_eq(step(&r, &c, 0, T0 + 11), AL_ACT_NONE);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 12), AL_ACT_FIRE); /* a new crossing */
}
END_TEST

START_TEST(pending_period)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_cond c = {0};

    r.pending_s = 60;
    ck_assert_int_eq(step(&r, &c, 1, T0), AL_ACT_PENDING);
    ck_assert_int_eq(c.holds, 1);
    ck_assert_int_eq(c.since_ms, T0);
    ck_assert_int_eq(c.alert_id, 0);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 59999), AL_ACT_NONE);
    ck_assert_int_eq(c.since_ms, T0); /* since is kept */
    ck_assert_int_eq(step(&r, &c, 1, T0 + 60000), AL_ACT_FIRE);
}
END_TEST

START_TEST(clears_before_pending_ends)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_cond c = {0};

    r.pending_s = 60;
    ck_assert_int_eq(step(&r, &c, 1, T0), AL_ACT_PENDING);
    ck_assert_int_eq(step(&r, &c, 0, T0 + 30000), AL_ACT_CLEAR);
    ck_assert_int_eq(c.since_ms, 0);
    ck_assert_int_eq(c.holds, 0);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 40000), AL_ACT_PENDING); /* counts again */
    ck_assert_int_eq(c.since_ms, T0 + 40000);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 90000), AL_ACT_NONE);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 100000), AL_ACT_FIRE);
}
END_TEST

START_TEST(cooldown_holds_back_refiring)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_cond c = {0};

    r.cooldown_s = 600;
    ck_assert_int_eq(step(&r, &c, 1, T0), AL_ACT_FIRE);
    ck_assert_int_eq(step(&r, &c, 0, T0 + 1000), AL_ACT_RESOLVE);
    /* back within the cooldown: waits, pending */
    ck_assert_int_eq(step(&r, &c, 1, T0 + 2000), AL_ACT_PENDING);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 599999), AL_ACT_NONE);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 600000), AL_ACT_FIRE);
    ck_assert_int_eq(c.last_fired_ms, T0 + 600000);
    /* gone again before the cooldown ended: nothing fires */
    ck_assert_int_eq(step(&r, &c, 0, T0 + 600500), AL_ACT_RESOLVE);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 601000), AL_ACT_PENDING);
    ck_assert_int_eq(step(&r, &c, 0, T0 + 602000), AL_ACT_CLEAR);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 1200000), AL_ACT_FIRE); /* after it: at once */
}
END_TEST

START_TEST(pending_and_cooldown_together)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_cond c = {0};

    r.pending_s = 100;
    r.cooldown_s = 50;
    ck_assert_int_eq(step(&r, &c, 1, T0), AL_ACT_PENDING);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 100000), AL_ACT_FIRE);
    ck_assert_int_eq(step(&r, &c, 0, T0 + 101000), AL_ACT_RESOLVE);
    /* the pending period (later than the cooldown) decides */
    ck_assert_int_eq(step(&r, &c, 1, T0 + 102000), AL_ACT_PENDING);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 201999), AL_ACT_NONE);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 202000), AL_ACT_FIRE);
}
END_TEST

START_TEST(resolved_by_hand_does_not_refire_while_holding)
{
    struct al_rule r = rule(AL_KIND_STOCK_OUT);
    struct al_cond c = {0};

    ck_assert_int_eq(step(&r, &c, 1, T0), AL_ACT_FIRE);
    c.alert_id = 0; /* al_db_resolve by someone clears it */
    ck_assert_int_eq(step(&r, &c, 1, T0 + 5000), AL_ACT_NONE);
    ck_assert_int_eq(step(&r, &c, 0, T0 + 6000), AL_ACT_CLEAR);
    ck_assert_int_eq(step(&r, &c, 1, T0 + 7000), AL_ACT_FIRE); /* the next crossing does */
}
END_TEST

/* A ledger evaluation as cond_store.c's eval_rule runs it: a new report of
 * a crossing that fired and was resolved by hand starts a new one. */
static enum al_action
ledger_step(const struct al_rule *r, struct al_cond *c, int recheck, int64_t now)
{
    struct al_facts f;

    memset(&f, 0, sizeof f);
    f.ledger_gap = 1;
    f.ledger_recheck = recheck;
    if (al_ledger_reported_again(c, &f))
        c->holds = 0;
    return step(r, c, 1, now);
}

START_TEST(ledger_pending_period_runs_on)
{
    struct al_rule r = rule(AL_KIND_LEDGER_MISMATCH);
    struct al_cond c = {0};

    r.pending_s = 15;
    ck_assert_int_eq(ledger_step(&r, &c, 0, T0), AL_ACT_PENDING);
    /* reported again while pending, and looked at again by the evaluate
     * job: neither restarts the pending period */
    ck_assert_int_eq(ledger_step(&r, &c, 0, T0 + 5000), AL_ACT_NONE);
    ck_assert_int_eq(ledger_step(&r, &c, 1, T0 + 10000), AL_ACT_NONE);
    ck_assert_int_eq(c.since_ms, T0);
    ck_assert_int_eq(ledger_step(&r, &c, 1, T0 + 15000), AL_ACT_FIRE);
    c.alert_id = 0; /* resolved by hand */
    /* still reported (the evaluate job): the same crossing, no new alert */
    ck_assert_int_eq(ledger_step(&r, &c, 1, T0 + 20000), AL_ACT_NONE);
    /* reported again by a check: a new crossing, with its pending period */
    ck_assert_int_eq(ledger_step(&r, &c, 0, T0 + 30000), AL_ACT_PENDING);
    ck_assert_int_eq(c.since_ms, T0 + 30000);
    ck_assert_int_eq(ledger_step(&r, &c, 1, T0 + 40000), AL_ACT_NONE);
    ck_assert_int_eq(ledger_step(&r, &c, 1, T0 + 45000), AL_ACT_FIRE);
}
END_TEST

START_TEST(acknowledged_alert_still_resolves)
{
    struct al_rule r = rule(AL_KIND_LOW_STOCK);
    struct al_cond c = {.holds = 1, .since_ms = T0, .alert_id = 9, .last_fired_ms = T0};
    struct al_cond next;

    ck_assert_int_eq(al_step(&r, &c, 1, T0 + 1, &next), AL_ACT_NONE);
    ck_assert_int_eq(next.alert_id, 9);
    ck_assert_int_eq(al_step(&r, &c, 0, T0 + 2, &next), AL_ACT_RESOLVE);
    ck_assert_int_eq(next.alert_id, 0);
}
END_TEST

Suite *
step_suite(void)
{
    Suite *s = suite_create("step");
    TCase *tc = tcase_create("transitions");

    tcase_add_test(tc, fires_once_per_crossing);
    tcase_add_test(tc, pending_period);
    tcase_add_test(tc, clears_before_pending_ends);
    tcase_add_test(tc, cooldown_holds_back_refiring);
    tcase_add_test(tc, pending_and_cooldown_together);
    tcase_add_test(tc, resolved_by_hand_does_not_refire_while_holding);
    tcase_add_test(tc, acknowledged_alert_still_resolves);
    tcase_add_test(tc, ledger_pending_period_runs_on);
    suite_add_tcase(s, tc);
    return s;
}
