/* services/inventory/sample.h — the seeded generator of sample catalogue
 * data loaded by `make up`: stores in real cities with their time zones,
 * retail categories with realistic price bands, and products named and
 * priced within their category's band, cost a plausible share of price.
 * Pure and deterministic: the same seed gives the same catalogue. */
#ifndef TM_INVENTORY_SAMPLE_H
#define TM_INVENTORY_SAMPLE_H

#include <stdint.h>

#include "services/inventory/catalog.h"

struct inv_rng {
    uint64_t state;
};

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, well mixed. */
void inv_rng_seed(struct inv_rng *r, uint64_t seed);
uint64_t inv_rng_next(struct inv_rng *r);
/* Uniform in [lo, hi]; lo <= hi. */
int64_t inv_rng_range(struct inv_rng *r, int64_t lo, int64_t hi);

/* Number of sample stores and categories. */
int inv_sample_n_stores(void);
int inv_sample_n_categories(void);

/* The i-th sample store / category (0-based). */
void inv_sample_store(int i, struct inv_store *out);
void inv_sample_category(int i, struct inv_category *out);

/* Product number i (0-based): its category index (into the sample categories)
 * is written to *category_index; category_id is left 0 for the caller. */
void inv_sample_product(struct inv_rng *r, int i, struct inv_product *out, int *category_index);

/* A simulated stock history of one (store, product): demand is Poisson
 * around a rate (a product's popularity times a store's size) shaped by the
 * weekday; sales are what demand finds on the shelf; a (reorder point,
 * order-up-to) policy with a lead time orders replenishment, which arrives
 * as receipts. Day 0 opens with a receipt up to the order-up-to level. */
struct inv_sample_move {
    int day;       /* 0 .. days-1 */
    int hour;      /* 0..23, UTC */
    int is_sale;   /* else a receipt */
    int64_t qty;   /* change of on hand (negative for a sale) */
    int64_t after; /* on hand afterwards */
};
struct inv_sample_policy {
    int64_t reorder_point, safety_stock, min_qty, max_qty;
    double rate; /* mean daily demand */
};
/* Writes up to max moves into out (sales and receipts, in time order) and
 * returns how many; first_dow is the weekday of day 0 (0 = Monday). */
int inv_sample_history(struct inv_rng *r, int days, int first_dow, int max,
                       struct inv_sample_move *out, struct inv_sample_policy *policy);

#endif
