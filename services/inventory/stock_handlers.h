/* services/inventory/stock_handlers.h — tm-inventory's stock routes (levels,
 * movements, transfers, reservations, sale commits) and jobs, which
 * handlers.c puts in the service's tables. */
#ifndef TM_INVENTORY_STOCK_HANDLERS_H
#define TM_INVENTORY_STOCK_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/event.h"
#include "common/router.h"

#include "services/inventory/stock.h"
#include "services/inventory/stock_store.h"

/* The handler function type (tm_handler_fn points to one). */
typedef enum tm_code inv_handler(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err);

inv_handler inv_h_levels_store, inv_h_levels_product, inv_h_level_get, inv_h_level_put,
    inv_h_low_stock, inv_h_stock_summary, inv_h_movements_list, inv_h_movement_create,
    inv_h_transfer_create, inv_h_transfers_list, inv_h_transfer_get, inv_h_transfer_ship,
    inv_h_transfer_receive, inv_h_transfer_cancel, inv_h_reservation_create, inv_h_reservation_get,
    inv_h_reservation_release, inv_h_commit_create, inv_h_commit_get, inv_h_commit_reverse;

/* Jobs (common/jobs.h signature): release expired reservations; check every
 * level against the sum of its ledger, raising stock.ledger_mismatch. */
TM_MUSTCHECK enum tm_code inv_job_reservation_expiry(void *app, PGconn *db, int64_t *rows,
                                                     struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_job_ledger_check(void *app, PGconn *db, int64_t *rows,
                                               struct tm_err *err);

/* ------------------------------------------------------------------
 * Shared by the stock handler files (stock_, transfer_, commit_handlers.c).
 */

#define INV_FIELD_MAX 48  /* "lines[99].product_id" */
#define INV_SCOPE_MAX 512 /* a scoped principal's stores as an array literal */

/* The one way a level changes in a request: inv_db_move, then its events
 * (stock.changed, and stock.low / stock.out on a crossing). */
TM_MUSTCHECK enum tm_code inv_stock_apply(PGconn *db, const struct inv_move *m,
                                          struct inv_level *after, struct inv_movement *mv,
                                          struct tm_err *err);

/* The events inv_stock_apply writes after m's inv_db_move (after, mv: its
 * results), for a caller that writes them last in its transaction: the
 * outbox's row is held from the first event to the commit. */
TM_MUSTCHECK enum tm_code inv_stock_moved(PGconn *db, const struct inv_move *m,
                                          const struct inv_level *after,
                                          const struct inv_movement *mv, struct tm_err *err);

/* The events of a change of a level's settings (stock.changed with no
 * movement, and stock.low / stock.out on a crossing). */
TM_MUSTCHECK enum tm_code inv_stock_settings_changed(PGconn *db, const struct inv_level *before,
                                                     const struct inv_level *after,
                                                     struct tm_err *err);
/* A movement of `type` and quantity q (inv_move_for) at (store, product),
 * referring to ref_type/ref_id, by who; strings are borrowed. */
struct inv_move inv_stock_move(enum inv_move_type type, int64_t q, int64_t store_id,
                               int64_t product_id, const char *ref_type, const char *ref_id,
                               const char *who);

/* Optional "occurred_at" of a movement recorded late: absent or null
 * leaves *at NULL (now); else it must be a time (tm_time_parse) in the
 * span inv_db_time_check allows, and *at points to it in buf. */
#define INV_TIME_MAX 40
TM_MUSTCHECK enum tm_code inv_opt_time(PGconn *db, const cJSON *o, char *buf, size_t size,
                                       const char **at, struct tm_err *err);

/* rc, or TM_TOOBIG ("reply too large") when rc is not TM_OK. */
TM_MUSTCHECK enum tm_code inv_too_big(enum tm_code rc, struct tm_err *err);

/* Optional members (absent or null: *has 0 / out ""). */
TM_MUSTCHECK enum tm_code inv_opt_int(const cJSON *o, const char *name, int64_t min, int64_t max,
                                      int64_t *out, int *has, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_opt_text(const cJSON *o, const char *name, size_t max, char *out,
                                       size_t size, struct tm_err *err);

/* o's "lines": [{store_id?, product_id, quantity}] into l[INV_LINES_MAX],
 * store_id read only when with_store (else every line gets store_id), then
 * inv_lines_prepare (sorted in lock order). Fields name the line. */
TM_MUSTCHECK enum tm_code inv_decode_lines(const cJSON *o, int with_store, int64_t store_id,
                                           struct inv_line *l, int *n, struct tm_err *err);

/* Applies a tm-supplier purchase_order.* event (proto/events.md): its
 * incoming deltas and receipt, in the subscriber's transaction; an offer.*
 * event marks the offer's product's levels for the reorder-scan job. A
 * store or product tm-inventory does not know refuses the event
 * (TM_INVALID). */
TM_MUSTCHECK enum tm_code inv_apply_supplier(void *app, PGconn *db, const struct tm_event *ev,
                                             struct tm_err *err);

#endif
