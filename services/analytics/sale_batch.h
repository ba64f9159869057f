/* services/analytics/sale_batch.h — sales and declined attempts held back
 * to be written together: tm-txn's subscriber applies a run of txn.created
 * and txn.declined events (a live batch, a replayed page) with one statement
 * for the whole run (sales_store.h an_db_sale_batch_write), in which each
 * read model is one upsert of the run's pre-aggregated rows, not one per
 * sale. A void or review is applied after what is held is written, so it
 * sees the sales before it. Pure: no I/O; a batch belongs to one thread
 * (the subscriber's). Prefix an_sale_batch_. */
#ifndef TM_ANALYTICS_SALE_BATCH_H
#define TM_ANALYTICS_SALE_BATCH_H

#include <stdint.h>

#include "common/err.h"

#include "services/analytics/sale_event.h"

#define AN_BATCH_SALES 500                      /* a replayed page (common/subscriber's PAGE) */
#define AN_BATCH_LINES (50 * AN_SALE_LINES_MAX) /* room for 50 sales of the most lines */

/* One sale or declined attempt as it is written (an_sale without its lines). */
struct an_batch_sale {
    int64_t id, store_id;
    int64_t customer_id; /* 0: anonymous */
    int64_t total_cents, units;
    char occurred_at[AN_SALE_TIME_MAX];
    enum an_sale_status status; /* AN_SALE_COMPLETED or AN_SALE_DECLINED */
    enum an_sale_decision decision;
    enum an_sale_review review;
};

/* One line of a held completed sale (a declined attempt keeps none). */
struct an_batch_line {
    int64_t sale_id, line, product_id, quantity, amount_cents;
};

struct an_sale_batch {
    int n, n_lines;
    struct an_batch_sale sales[AN_BATCH_SALES];
    struct an_batch_line lines[AN_BATCH_LINES];
};

/* Empties b (also its initialisation: a zeroed batch is empty). */
void an_sale_batch_clear(struct an_sale_batch *b);

/* 1 when b might not take one more sale (of up to AN_SALE_LINES_MAX
 * lines): write it first. */
int an_sale_batch_full(const struct an_sale_batch *b);

/* Holds s (completed: with its lines; declined: without). TM_INVALID
 * (field id) when a sale with its id is held already: the second is
 * refused as applied before, as it would be once written; TM_INVALID
 * (field status) for a voided s; TM_TOOBIG when it does not fit. b is
 * unchanged on failure. */
TM_MUSTCHECK enum tm_code an_sale_batch_add(struct an_sale_batch *b, const struct an_sale *s,
                                            struct tm_err *err);

/* Empties one and holds in it the i-th sale of b (0 ≤ i < b->n) with its
 * lines: a sale written alone when the whole batch was refused. */
void an_sale_batch_pick(const struct an_sale_batch *b, int i, struct an_sale_batch *one);

#endif
