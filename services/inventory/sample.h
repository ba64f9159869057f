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

#endif
