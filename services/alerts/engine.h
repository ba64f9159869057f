/* services/alerts/engine.h — the pure half of tm-alerts (docs/alerts.md):
 * what a rule's kind says of an entity's facts, how a condition moves
 * (pending, firing, resolving, cooldown), which silences match an alert and
 * when an escalation step is due. No I/O, no cJSON: plain structs in, plain
 * answers out, unit-tested directly (tests/unit/alerts/). Thread-safe. */
#ifndef TM_ALERTS_ENGINE_H
#define TM_ALERTS_ENGINE_H

#include <stdint.h>

/* X(name, wire) — the rule kinds, in the order of the schema's CHECK */
#define AL_KINDS(X)                                                                                \
    X(STOCK_OUT, "stock_out")                                                                      \
    X(LOW_STOCK, "low_stock")                                                                      \
    X(OVERSTOCK, "overstock")                                                                      \
    X(SLOW_MOVING, "slow_moving")                                                                  \
    X(DEMAND_SPIKE, "demand_spike")                                                                \
    X(FORECAST_ACCURACY, "forecast_accuracy")                                                      \
    X(REVIEW_WAITING, "review_waiting")                                                            \
    X(SUPPLIER_API_DOWN, "supplier_api_down")                                                      \
    X(PO_OVERDUE, "po_overdue")                                                                    \
    X(LEDGER_MISMATCH, "ledger_mismatch")                                                          \
    X(JOB_FAILING, "job_failing")

enum al_kind {
#define AL_X_KIND(name, wire) AL_KIND_##name,
    AL_KINDS(AL_X_KIND)
#undef AL_X_KIND
        AL_KIND_COUNT
};

/* highest first: a lower value is more severe */
enum al_severity { AL_SEV_CRITICAL, AL_SEV_HIGH, AL_SEV_MEDIUM, AL_SEV_LOW, AL_SEV_COUNT };

enum al_state { AL_STATE_FIRING, AL_STATE_ACKNOWLEDGED, AL_STATE_RESOLVED };

const char *al_kind_name(enum al_kind k);
int al_kind_parse(const char *s, enum al_kind *out); /* 1 when known */
const char *al_severity_name(enum al_severity s);
int al_severity_parse(const char *s, enum al_severity *out);
const char *al_state_name(enum al_state s);
int al_state_parse(const char *s, enum al_state *out);

/* A kind's thresholds (docs/alerts.md "Rule kinds"); unset ones are < 0. */
struct al_params {
    double days_of_cover; /* low_stock (optional), overstock (required) */
    double critical_days; /* low_stock: cover under it raises the alert to critical */
    double days;          /* slow_moving: no sale for this many days */
    double factor;        /* demand_spike: sold today > factor x daily upper bound (1) */
    double mase;          /* forecast_accuracy: MASE above it */
    double minutes;       /* review_waiting: waiting longer than this */
    double grace_days;    /* po_overdue: days past expected delivery (0) */
    double failures;      /* job_failing: failed runs in a row (2) */
};

/* A rule version as the engine needs it. Scope ids are 0 for "any". */
struct al_rule {
    int64_t id;
    int version;
    enum al_kind kind;
    int64_t store_id, category_id, product_id;
    struct al_params params;
    int pending_s, cooldown_s;
    enum al_severity severity;
    int64_t policy_id; /* 0: no notification route */
    int active;
};

/* 1 when rule r's scope covers the entity (ids 0 when the entity has none:
 * a rule scoped to a store then does not cover it). */
int al_rule_covers(const struct al_rule *r, int64_t store_id, int64_t category_id,
                   int64_t product_id);

/* What tm-alerts knows of one entity, filled from its facts tables; a field
 * the kind does not read may be left as zero. Times are epoch ms. */
struct al_facts {
    int64_t now_ms;
    /* a level */
    int64_t on_hand, available, reorder_point;
    int has_forecast; /* daily_mean / daily_upper known */
    double daily_mean, daily_upper;
    int64_t sold_today;
    int64_t last_sale_ms;  /* 0: no sale seen */
    int64_t first_seen_ms; /* when tm-alerts first heard of the level */
    /* a product's forecast */
    int has_mase;
    double mase;
    /* a sale waiting for review */
    int64_t waiting_since_ms;
    /* a supplier's API circuit */
    int circuit_open;
    /* a purchase order: open (not received in full, not cancelled) and its
     * expected delivery (epoch ms of that UTC day's end; 0 when none) */
    int po_open;
    int64_t po_expected_end_ms;
    /* a ledger check's gap for the level; ledger_recheck: not a new report,
     * the evaluate job looking again at a gap still reported */
    int ledger_gap, ledger_recheck;
    /* a job */
    int failed_in_a_row;
};

/* What the evaluation saw, for the alert's details and its explanation. */
struct al_observation {
    int holds;
    double observed;           /* the measured value (days of cover, MASE, minutes, …) */
    double threshold;          /* what it was compared with */
    enum al_severity severity; /* the rule's, or raised (low_stock's critical_days) */
    char what[32];             /* the measured quantity: "days_of_cover", "mase", … */
};

/* Evaluates rule r's condition on f. */
void al_evaluate(const struct al_rule *r, const struct al_facts *f, struct al_observation *o);

/* The state of one (rule, entity) condition, as in alerts.conditions. */
struct al_cond {
    int holds;
    int64_t since_ms;      /* when it began to hold; 0 when it does not */
    int64_t alert_id;      /* its open alert (firing or acknowledged); 0: none */
    int64_t last_fired_ms; /* when its last alert fired; 0: never */
};

enum al_action {
    AL_ACT_NONE,    /* nothing changes (still holding and firing, still clear, cooling down) */
    AL_ACT_PENDING, /* began to hold: record since, do not fire yet */
    AL_ACT_FIRE,    /* fire a new alert now */
    AL_ACT_RESOLVE, /* the condition cleared: resolve its alert by itself ('auto') */
    AL_ACT_CLEAR,   /* it cleared before firing: forget since */
};

/* Whether a ledger gap in f is a new report of a crossing c already fired
 * for whose alert was resolved by hand (so it starts a new crossing): 0 for
 * a crossing still pending (its pending period must run on) and for the
 * evaluate job's re-evaluations (f->ledger_recheck). */
int al_ledger_reported_again(const struct al_cond *c, const struct al_facts *f);

/* The transition of condition c of rule r when an evaluation at now_ms says
 * whether it holds: edge-triggered (one alert per crossing), firing once it
 * has held for the rule's pending period and at least cooldown_s after the
 * previous alert of the same condition fired. *next is c after the action
 * (the caller stores it; for AL_ACT_FIRE it sets alert_id to -1, to be
 * replaced with the new alert's id). */
enum al_action al_step(const struct al_rule *r, const struct al_cond *c, int holds, int64_t now_ms,
                       struct al_cond *next);

/* An escalation policy's timing: step i runs after_s[i] seconds after the
 * alert fired (non-decreasing); then the last step again every
 * repeat_every_s, repeat_max times. */
#define AL_STEPS_MAX 10
struct al_policy {
    int n_steps;
    int after_s[AL_STEPS_MAX];
    int repeat_every_s, repeat_max;
};

/* Position `next` (0..n_steps-1: a step; n_steps + k: repeat k of the last
 * step, round k + 1) of policy p: its step index and round, and when it is
 * due for an alert fired at fired_ms. Returns 0 when there is no such
 * position (the chain is over). */
int al_policy_position(const struct al_policy *p, int next, int64_t fired_ms, int *step, int *round,
                       int64_t *due_ms);

/* Delivery retries use the supplier client's backoff, moved to common/
 * (common/backoff.h) rather than written twice. */

#endif
