/* services/txn/gen.h — a sample sales history with planted fraud, pure and
 * deterministic (its own generator, seeded): customers whose spending
 * varies as real ones' does (log-normal, each with a spread of its own),
 * some shopping at two stores or online, occasional big legitimate
 * purchases, bank declines and voids; weekday and hour seasonality; and a
 * small share of fraud in the patterns below, each incident's parameters
 * drawn over wide ranges. Used by tm-fraud-eval (--generate) to measure the
 * rules on data with known labels, and by tm-txn-seed (voids skipped). */
#ifndef TM_TXN_GEN_H
#define TM_TXN_GEN_H

#include <stdint.h>

#include "services/txn/replay.h"

/* What a generated row is: legitimate, or which planted pattern. Only the
 * fraudulent rows of an incident carry its pattern (a void-abuse incident's
 * voids, not the sales they void). */
enum gen_pattern {
    GEN_LEGIT,
    GEN_STOLEN_BURST,    /* a stolen card tried many times within minutes, guest checkout */
    GEN_TAKEOVER_NIGHT,  /* a taken-over account far above its usual, at night */
    GEN_NEW_HIGH_UNITS,  /* a new account buying several units of a dear product */
    GEN_CROSS_STORE,     /* a cloned card used at 3-5 stores within 30 minutes */
    GEN_CARD_TESTING,    /* many small attempts, several declined by the bank, then a
                            cash-out 20 min - 3 h later */
    GEN_TAKEOVER_VARIED, /* a takeover at 5-15x the usual of a customer whose spend varies */
    GEN_VOID_OPERATOR,   /* sweethearting: a cashier voiding many sales in a shift */
    GEN_VOID_CUSTOMER,   /* a customer buying and voiding again and again */
    GEN_FIRST_PURCHASE,  /* a new account's first purchase far above the store's usual */
    GEN_PATTERNS
};
extern const char *const gen_pattern_names[GEN_PATTERNS];

struct gen_cfg {
    uint64_t seed;
    int days;      /* history length, ending at end_s */
    int customers; /* regular customers */
    int stores;
    int64_t end_s;      /* epoch seconds of the last day's end */
    double fraud_share; /* fraud sales / all sales, about */
};

/* Calls emit(arg, sale) for every generated row (a sale attempt or a
 * void, event) in time order; returns the number emitted. A row's store is
 * 1..stores, its customer "1".."customers" (regular), "new-N" (a new
 * account) or "" (a guest), its operator "S-opK" (K of 3 cashiers of store
 * S) or "" (online). label is 1 exactly when pattern is not GEN_LEGIT. */
int64_t gen_sales(const struct gen_cfg *cfg, void (*emit)(void *arg, const struct rp_sale *s),
                  void *arg);

/* ----------------------------------------------- baskets (tm-txn-seed) */

struct gen_rng {
    uint64_t s;
};
double gen_uni(struct gen_rng *r); /* [0, 1) */

/* A catalogue product and how well it sells (a share of the day's units). */
struct gen_item {
    int64_t id, price_cents;
    double weight;
};
struct gen_line {
    int64_t product_id, quantity, unit_price_cents;
};

/* Popularity: log-normal weights, so many items sell rarely (most days
 * zero) and a few sell every day; the same seed gives the same weights. */
void gen_weights(uint64_t seed, struct gen_item *items, int n);

/* Promotions: an item is on promotion for one week in GEN_PROMO_WEEKS
 * (day counted from the epoch), at GEN_PROMO_PRICE of its price, selling
 * GEN_PROMO_LIFT times as much. */
#define GEN_PROMO_WEEKS 26
#define GEN_PROMO_PRICE 0.8
#define GEN_PROMO_LIFT 3.0
int gen_on_promo(uint64_t seed, int64_t product_id, int64_t epoch_day);

/* The day's cumulative weights (promotions applied) into cum[n]. */
void gen_day_weights(uint64_t seed, const struct gen_item *items, int n, int64_t epoch_day,
                     double *cum);

/* The lines of sale s on epoch_day, at most max (> 0), one per product:
 * its units drawn by the day's popularity; a sale of several units of one
 * dear item (top_units > 1, a planted pattern) buys them of the item priced
 * nearest top_price_cents. Prices are the catalogue's, promotions off. */
int gen_basket(struct gen_rng *r, uint64_t seed, const struct rp_sale *s,
               const struct gen_item *items, const double *cum, int n, int64_t epoch_day,
               struct gen_line *out, int max);

#endif
