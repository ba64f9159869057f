/* services/txn/fraud.h — fraud scoring, pure: a rule set (data: kinds,
 * weights, thresholds, versioned by the service) and the facts known about
 * one sale go in; the score, the decision and every fired rule, each with
 * what was observed against which threshold, come out. No I/O: the service
 * gathers the facts (Redis counters, the customer's and store's history,
 * the store's local time) and tm-fraud-eval gathers them by replaying a
 * file, so both score through the very same function. Thread-safe. */
#ifndef TM_TXN_FRAUD_H
#define TM_TXN_FRAUD_H

#include <stdint.h>

#include "common/err.h"

#define FR_RULES_MAX 32
#define FR_CODE_MAX 48
#define FR_MESSAGE_MAX 160
#define FR_HISTORY_MAX 50 /* amounts kept per customer (and per store) for "usual" */

/* Velocity is counted per customer, per payment instrument and per store
 * over three windows; the counters live in Redis (velocity.c). */
enum fr_scope { FR_SCOPE_CUSTOMER, FR_SCOPE_INSTRUMENT, FR_SCOPE_STORE, FR_SCOPES };
enum fr_window { FR_WIN_10M, FR_WIN_1H, FR_WIN_24H, FR_WINDOWS };
extern const int64_t fr_window_s[FR_WINDOWS]; /* 600, 3600, 86400 */

enum fr_kind {
    FR_VELOCITY_COUNT,     /* sales in the window (this one included) >= threshold */
    FR_VELOCITY_AMOUNT,    /* their total in cents >= threshold */
    FR_AMOUNT_OVER,        /* the sale's total >= threshold cents */
    FR_CUSTOMER_AMOUNT,    /* robust z of log(total) against the customer's own history */
    FR_STORE_AMOUNT,       /* the same against the store's recent sales */
    FR_NIGHT_HOUR,         /* the store's local hour of the sale in [from, to) */
    FR_NEW_CUSTOMER_LARGE, /* no (or few) earlier sales and a total >= threshold cents */
    FR_HIGH_VALUE_UNITS,   /* >= threshold units of one product priced >= price_cents */
    FR_BASKET_VS_USUAL,    /* units >= threshold x the customer's usual basket */
    FR_CUSTOMER_RISK,      /* the customer's risk score >= threshold */
    FR_KINDS
};

struct fr_rule {
    char code[FR_CODE_MAX + 1]; /* unique in the set, [a-z0-9_] */
    enum fr_kind kind;
    int enabled;
    double weight;          /* points added when it fires */
    double threshold;       /* meaning by kind (above) */
    enum fr_scope scope;    /* velocity */
    enum fr_window window;  /* velocity */
    int min_history;        /* amount/basket rules: sales needed before "usual" means something */
    int64_t fallback_cents; /* FR_CUSTOMER_AMOUNT: total that fires for a customer without
                               enough history and a store without it either */
    int64_t price_cents;    /* FR_HIGH_VALUE_UNITS */
    int hour_from, hour_to; /* FR_NIGHT_HOUR, local hours; from > to wraps midnight */
    int server_clock;       /* FR_NIGHT_HOUR: the seed's UTC clock instead (baseline only) */
};

struct fr_rule_set {
    double review_at;  /* score >= review_at: review (default 60) */
    double decline_at; /* score >= decline_at: decline (default 85) */
    int n_rules;
    struct fr_rule rules[FR_RULES_MAX];
};

/* Robust summary of past sales: median and MAD of log(total), median units. */
struct fr_history {
    int n; /* sales summarised (0: none) */
    double median_log;
    double mad_log;
    double median_units;
};

struct fr_velocity {
    int evaluated;                         /* 0: the counters were unavailable (Redis down) */
    int present[FR_SCOPES];                /* 0: no such key (no customer, no instrument) */
    int64_t count[FR_SCOPES][FR_WINDOWS];  /* including this sale */
    int64_t amount[FR_SCOPES][FR_WINDOWS]; /* cents, including this sale */
};

/* Everything the rules look at, for one sale. */
struct fr_facts {
    int64_t total_cents;
    int64_t units;
    int64_t top_units;       /* units of the most expensive line's product */
    int64_t top_price_cents; /* that product's unit price */
    int local_hour;          /* 0..23 at the store */
    int utc_hour;            /* 0..23, for the seed's baseline */
    int has_customer;
    int64_t customer_sales; /* the customer's earlier sales */
    double customer_risk;   /* 0..100 */
    struct fr_history customer, store;
    struct fr_velocity velocity;
};

enum fr_decision { FR_APPROVE, FR_REVIEW, FR_DECLINE };

struct fr_hit {
    int rule; /* index in the set */
    double observed;
    double threshold;
    char message[FR_MESSAGE_MAX];
};

struct fr_result {
    double score; /* sum of fired weights, capped to 0..100 */
    enum fr_decision decision;
    int n_hits;
    struct fr_hit hits[FR_RULES_MAX];
    int n_skipped; /* enabled rules not evaluated (their facts were unavailable) */
    int skipped[FR_RULES_MAX];
};

/* Scores f with set s. Pure. */
void fr_score(const struct fr_rule_set *s, const struct fr_facts *f, struct fr_result *out);

/* The names of kinds, scopes and windows, by value, NULL-terminated (the
 * accepted values a decoder lists). */
extern const char *const fr_kind_names[FR_KINDS + 1];
extern const char *const fr_scope_names[FR_SCOPES + 1];
extern const char *const fr_window_names[FR_WINDOWS + 1];

const char *fr_decision_name(enum fr_decision d);
const char *fr_kind_name(enum fr_kind k);
const char *fr_scope_name(enum fr_scope s);
const char *fr_window_name(enum fr_window w);

/* Checks what a rule set's fields cannot say alone: decline_at is not
 * under review_at, each rule's code is [a-z0-9_]+ and unique,
 * no night_hour rule with an empty span. TM_INVALID naming the first bad
 * field ("rules[2].code"). A set that passes scores without failing. */
TM_MUSTCHECK enum tm_code fr_rule_set_check(const struct fr_rule_set *s, struct tm_err *err);

/* The default rule set (version 1) and the seed's four rules (a baseline
 * for tm-fraud-eval), as JSON documents: services/txn/decode.h reads them
 * (the domain keeps them as text and never parses JSON). */
extern const char fr_default_rules_json[];
extern const char fr_seed_rules_json[];

/* Summary of up to n past totals (cents, > 0) and unit counts. */
void fr_history_from(const int64_t *totals, const int64_t *units, int n, struct fr_history *out);

/* Robust z-score of log(total) against h (MAD scaled by 1.4826, floored so
 * a customer who always pays the same is not flagged for a cent more). */
double fr_robust_z(const struct fr_history *h, int64_t total_cents);

/* The customer's risk score from reviewed labels: starts low, rises with
 * sales labelled fraud, falls with legitimate ones; 0..100. */
double fr_risk_from_labels(int64_t fraud, int64_t legit);

#endif
