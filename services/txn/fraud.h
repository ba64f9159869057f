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

/* Velocity is counted per customer, per payment instrument, per store and
 * (voids) per operator over three windows; the counters live in Redis
 * (velocity.c). */
enum fr_scope {
    FR_SCOPE_CUSTOMER,
    FR_SCOPE_INSTRUMENT,
    FR_SCOPE_STORE,
    FR_SCOPE_OPERATOR,
    FR_SCOPES
};
enum fr_window { FR_WIN_10M, FR_WIN_1H, FR_WIN_24H, FR_WINDOWS };
extern const int64_t fr_window_s[FR_WINDOWS]; /* 600, 3600, 86400 */

/* What is scored: a sale attempt, or a void of an earlier sale. Sale kinds
 * never fire on a void and void kinds (void_count, void_amount) never on a
 * sale. */
enum fr_event { FR_EV_SALE, FR_EV_VOID, FR_EV_EVENTS };
enum fr_channel { FR_CH_POS, FR_CH_ONLINE, FR_CH_MOBILE, FR_CHANNELS };

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
    /* over the attempt lists (instrument or customer scope, the window): */
    FR_DISTINCT_STORES,      /* distinct stores among earlier attempts and this one >= threshold */
    FR_DISTINCT_CHANNELS,    /* the same for channels */
    FR_SMALL_ATTEMPTS,       /* attempts <= small_cents, this one included, >= threshold */
    FR_SMALL_THEN_LARGE,     /* total >= large_cents after >= threshold attempts <= small_cents
                                of the same instrument (window >= 1h) */
    FR_DECLINED_ATTEMPTS,    /* declined earlier attempts >= threshold */
    FR_CUSTOMER_SPEND_RATIO, /* total / exp(customer's q90_log) >= threshold (min_history) */
    FR_FIRST_PURCHASE,       /* no earlier sale: total >= threshold x exp(q90_log) of the store's
                                AND the population's history; observed = the smaller ratio */
    FR_VOID_COUNT,           /* FR_EV_VOID: voids by the scope in the window >= threshold */
    FR_VOID_AMOUNT,          /* FR_EV_VOID: their voided cents >= threshold */
    FR_SPEND_NEW_CONTEXT,    /* total / exp(customer's q90_log) >= threshold (min_history) AND
                                something of this sale the rule lists (novelty) is new to the
                                customer: not among the sales `customer` summarises */
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
    int64_t small_cents;    /* FR_SMALL_ATTEMPTS, FR_SMALL_THEN_LARGE: "small" is <= this */
    int64_t large_cents;    /* FR_SMALL_THEN_LARGE: "large" is >= this */
    int novelty;            /* FR_SPEND_NEW_CONTEXT: FR_NEW_* bits (at least one) */
};

/* What can be new to a customer (FR_SPEND_NEW_CONTEXT's novelty list). */
enum fr_novelty { FR_NEW_INSTRUMENT = 1, FR_NEW_CHANNEL = 2, FR_NEW_STORE = 4 };
#define FR_NOVELTIES 3
extern const char *const fr_novelty_names[FR_NOVELTIES + 1]; /* "instrument", "channel", "store" */

struct fr_rule_set {
    double review_at;  /* score >= review_at: review (default 60) */
    double decline_at; /* score >= decline_at: decline (default 85) */
    int n_rules;
    struct fr_rule rules[FR_RULES_MAX];
};

/* Robust summary of past sales: median, MAD and 90th percentile of
 * log(total), median units. */
struct fr_history {
    int n; /* sales summarised (0: none) */
    double median_log;
    double mad_log;
    double median_units;
    double q90_log; /* 90th percentile of log(total) (0 when n == 0) */
};

/* count = ATTEMPTS in the window (declined ones too, this one included);
 * amount = SPEND: the totals of sales NOT declined, plus this attempt's. A
 * declined attempt never counts as spend. FR_SCOPE_OPERATOR: sales by that
 * operator. For fr_facts.reversals (a void scored): voids, this one
 * included, and the cents of the sales they voided. */
struct fr_velocity {
    int evaluated;                         /* 0: the counters were unavailable (Redis down) */
    int present[FR_SCOPES];                /* 0: no such key (no customer, no instrument) */
    int64_t count[FR_SCOPES][FR_WINDOWS];  /* including this sale */
    int64_t amount[FR_SCOPES][FR_WINDOWS]; /* cents, including this sale */
};

#define FR_ATTEMPTS_MAX 64
/* One earlier sale attempt (approved or declined) of the same instrument /
 * customer. */
struct fr_attempt {
    int64_t ts_s;
    int64_t total_cents;
    int64_t store_id;
    int channel; /* enum fr_channel */
    int declined;
};
struct fr_attempts {
    int evaluated; /* 0: unavailable (Redis down): rules needing it are skipped */
    int n;         /* earlier attempts in the last 24 h, newest first, <= MAX */
    struct fr_attempt a[FR_ATTEMPTS_MAX]; /* this attempt NOT included */
};

/* The customer's usual context: among the same last sales (at most
 * FR_HISTORY_MAX, not declined) that fr_facts.customer summarises, how many
 * were usual and paid with this attempt's instrument, made in its channel,
 * at its store. A usual sale is completed (not voided) and either approved
 * and recorded at least FR_USUAL_AGE_S before (server time), or labelled
 * legitimate by an analyst. Zero of n is "new to this customer". */
/* How old an approved sale must be to make its card, channel and store
 * usual: a day, longer than a takeover's session, so the fraudster's own
 * small first purchase cannot vouch for his big second one. */
#define FR_USUAL_AGE_S 86400

struct fr_context {
    int n;               /* sales looked at (0: no history) */
    int card_judged;     /* 1: names an instrument or pays by card (a card payment
                          * without one is new); 0: neither, never "new" */
    int same_instrument; /* of n, paid with this attempt's instrument */
    int same_channel;    /* of n, in this attempt's channel */
    int same_store;      /* of n, at this attempt's store */
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
    enum fr_event event;              /* FR_EV_SALE unless a void is scored */
    int64_t ts_s;                     /* when this attempt is made, epoch s: windows end here */
    int64_t store_id;                 /* this attempt's */
    int channel;                      /* enum fr_channel, this attempt's */
    struct fr_attempts inst_attempts; /* the instrument's (n = 0, evaluated = 1 without one) */
    struct fr_attempts cust_attempts; /* the customer's (n = 0, evaluated = 1 without one) */
    struct fr_history population;     /* recent sales of every store (first_purchase) */
    struct fr_velocity reversals;     /* FR_EV_VOID: voids per customer/store/operator, this
                                         one included: count and cents of the voided sales */
    struct fr_context context;        /* the customer's usual instrument, channel, store */
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
extern const char *const fr_channel_names[FR_CHANNELS + 1]; /* "pos", "online", "mobile" */

const char *fr_decision_name(enum fr_decision d);
const char *fr_kind_name(enum fr_kind k);
const char *fr_scope_name(enum fr_scope s);
const char *fr_window_name(enum fr_window w);

/* Checks what a rule set's fields cannot say alone: decline_at is not
 * under review_at, each rule's code is [a-z0-9_]+ and unique,
 * no night_hour rule with an empty span. TM_INVALID naming the first bad
 * field ("rules[2].code"). A set that passes scores without failing. */
TM_MUSTCHECK enum tm_code fr_rule_set_check(const struct fr_rule_set *s, struct tm_err *err);

/* The default rule set (version 2, docs/fraud.md), the previous default
 * (version 1, kept for tm-fraud-eval's side-by-side) and the seed's four
 * rules (a baseline for tm-fraud-eval), as JSON documents:
 * services/txn/decode.h reads them (the domain keeps them as text and
 * never parses JSON). */
extern const char fr_default_rules_json[];
extern const char fr_default_rules_v1_json[];
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
