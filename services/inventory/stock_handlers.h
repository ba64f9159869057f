/* services/inventory/stock_handlers.h — tm-inventory's stock routes (levels,
 * movements, transfers, reservations, sale commits) and jobs, which
 * handlers.c puts in the service's tables. */
#ifndef TM_INVENTORY_STOCK_HANDLERS_H
#define TM_INVENTORY_STOCK_HANDLERS_H

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/router.h"

/* The handler function type (tm_handler_fn points to one). */
typedef enum tm_code inv_handler(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err);

inv_handler inv_h_levels_store, inv_h_levels_product, inv_h_level_get, inv_h_level_put,
    inv_h_low_stock, inv_h_movements_list, inv_h_movement_create, inv_h_transfer_create,
    inv_h_transfers_list, inv_h_transfer_get, inv_h_transfer_ship, inv_h_transfer_receive,
    inv_h_transfer_cancel, inv_h_reservation_create, inv_h_reservation_get,
    inv_h_reservation_release, inv_h_commit_create, inv_h_commit_get, inv_h_commit_reverse;

/* Jobs (common/jobs.h signature): release expired reservations; check every
 * level against the sum of its ledger, raising stock.ledger_mismatch. */
TM_MUSTCHECK enum tm_code inv_job_reservation_expiry(void *app, PGconn *db, int64_t *rows,
                                                     struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_job_ledger_check(void *app, PGconn *db, int64_t *rows,
                                               struct tm_err *err);

#endif
