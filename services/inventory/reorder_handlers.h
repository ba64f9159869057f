/* services/inventory/reorder_handlers.h — reorder suggestions over the API
 * and the reorder-scan job (docs/reorder.md, "Suggestions and approval"):
 * generate one for a level now, list and read them, approve one into
 * purchase orders at tm-supplier, reject one. */
#ifndef TM_INVENTORY_REORDER_HANDLERS_H
#define TM_INVENTORY_REORDER_HANDLERS_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/router.h"
#include "common/service.h"

#include "services/inventory/reorder_store.h"

/* GET /api/v1/inventory/reorder-suggestions?status=&store_id=&product_id=&limit=&cursor= */
TM_MUSTCHECK enum tm_code inv_h_rs_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                        struct tm_err *err);
/* GET /api/v1/inventory/reorder-suggestions/{id} */
TM_MUSTCHECK enum tm_code inv_h_rs_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                       struct tm_err *err);
/* POST /api/v1/inventory/generate-reorder-suggestion/{product_id}?store_id= (or
 * {"store_id"}); a TM_TX_WRITE route that ends the router's transaction
 * before it asks tm-supplier and begins another for its writes. */
TM_MUSTCHECK enum tm_code inv_h_rs_generate(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
/* POST /api/v1/inventory/reorder-suggestions/{id}/approve (TM_TX_READ: its
 * transactions are its own, none open while tm-supplier is asked) */
TM_MUSTCHECK enum tm_code inv_h_rs_approve(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
/* POST /api/v1/inventory/reorder-suggestions/{id}/reject {"reason"} */
TM_MUSTCHECK enum tm_code inv_h_rs_reject(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);

struct inv_rl_eval;
/* Writes ev's suggestion in the caller's transaction (inv_db_rs_put: a new
 * one, or the level's live one refreshed; the level made sure of first),
 * with reorder.suggested when it is new or has just become open; origin
 * "api" or "scan", who the principal; its JSON into doc. */
TM_MUSTCHECK enum tm_code inv_rs_write(PGconn *db, const struct inv_rl_eval *ev, const char *origin,
                                       const char *who, enum inv_rs_put *what, struct tm_buf *doc,
                                       struct tm_err *err);

/* Expires the level's open or no_supplier suggestion in the caller's
 * transaction when ev's position is above the reorder point (ev's reason
 * as why), with reorder.expired: *expired 1 and its JSON into doc; else
 * nothing (*expired 0). */
TM_MUSTCHECK enum tm_code inv_rs_expire(PGconn *db, const struct inv_rl_eval *ev, const char *who,
                                        int *expired, struct tm_buf *doc, struct tm_err *err);

/* The reorder-scan job (a tm_job_fn): ends the runner's transaction and
 * works level by level, each in a transaction of its own. */
TM_MUSTCHECK enum tm_code inv_job_reorder_scan(void *app, PGconn *db, int64_t *rows,
                                               struct tm_err *err);

/* tm-inventory's start hook: parses the reorder settings (TM_INVALID
 * naming the setting when a fill rate is outside (0, 1), the holding rate
 * is negative or the supplier policy is not one of tm-supplier's) and
 * takes the supplier client. */
TM_MUSTCHECK enum tm_code inv_start(void *app, const struct tm_service_env *env,
                                    struct tm_err *err);

#endif
