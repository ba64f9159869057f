/* services/inventory/forecast_due.h — which series a forecast refresh
 * computes, from the levels (store, product) it takes off the due list
 * (docs/forecasting.md, "Keeping forecasts fresh"). A refresh sorts its
 * levels by product and store, computes each product's due store series and
 * the product's chain series once, then each category of those products
 * once, and records the levels refreshed last, in lock order. Pure: no I/O,
 * no allocation; the caller owns every array. */
#ifndef TM_INVENTORY_FORECAST_DUE_H
#define TM_INVENTORY_FORECAST_DUE_H

#include <stddef.h>
#include <stdint.h>

#define FC_DUE_MARK_MAX 40 /* a timestamptz as PostgreSQL writes it, NUL included */

/* A level a refresh takes: its ids and the due mark it read (the level's
 * demand_moved_at as text, "" when it has none), which clears the mark only
 * when no movement came in since (forecast_store.h, inv_db_forecast_done). */
struct fc_due_level {
    int64_t store_id, product_id, category_id; /* category_id 0: none */
    char moved_at[FC_DUE_MARK_MAX];
};

/* Sorts l[0..n) by product, then store. */
void fc_due_sort(struct fc_due_level *l, size_t n);

/* Sorts l[0..n) by store, then product: the order a sale's commit locks
 * levels in (inv_lines_prepare), so recording levels refreshed in it never
 * deadlocks with a sale. */
void fc_due_sort_for_locking(struct fc_due_level *l, size_t n);

/* The end of the product group that starts at l[a] in l[0..n) sorted by
 * fc_due_sort: the first index after a with another product (n at most). */
size_t fc_due_group_end(const struct fc_due_level *l, size_t n, size_t a);

/* Whether store_id is among l[0..n), one product's group sorted by store. */
int fc_due_has_store(const struct fc_due_level *l, size_t n, int64_t store_id);

/* The distinct categories (> 0) of l[0..n), ascending, into out[0..n);
 * returns how many. */
size_t fc_due_categories(const struct fc_due_level *l, size_t n, int64_t *out);

#endif
