/* services/txn/handlers.h — tm-txn's route table and jobs: envelopes in,
 * plain structs to the domain (fraud.c, sale.c) and the store layer, JSON
 * out. */
#ifndef TM_TXN_HANDLERS_H
#define TM_TXN_HANDLERS_H

#include <stddef.h>

#include "common/err.h"
#include "common/event.h"
#include "common/jobs.h"
#include "common/router.h"

extern const struct tm_route tx_routes[];
extern const size_t tx_routes_n;

/* tm-txn's scheduled jobs (tm_job_fn; app is its struct tx_app): each
 * store's usual sale, and sales abandoned half-way. */
TM_MUSTCHECK enum tm_code tx_job_store_profiles(void *app, PGconn *db, int64_t *rows,
                                                struct tm_err *err);
TM_MUSTCHECK enum tm_code tx_job_claim_recovery(void *app, PGconn *db, int64_t *rows,
                                                struct tm_err *err);

/* Applies inventory's store and product events to the read copy. */
TM_MUSTCHECK enum tm_code tx_apply(void *app, PGconn *db, const struct tm_event *ev,
                                   struct tm_err *err);

/* Sale id (locked when lock): its JSON into out and its status into
 * status[status_size] (NULL: not wanted). A sale of a store the principal
 * does not hold is not found, like a missing one (tm_ctx_may_see). */
TM_MUSTCHECK enum tm_code tx_sale_for(struct tm_ctx *ctx, int64_t id, int lock, char *status,
                                      size_t status_size, struct tm_buf *out, struct tm_err *err);

struct fr_rule_set;
struct fr_result;
struct tx_app;
struct tx_sale_facts;

/* Sales (sale_handlers.c). */
TM_MUSTCHECK enum tm_code tx_h_sale_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
/* Gives back the stock of sale_id (a sale never finished, for
 * claim-recovery; a void): idempotent, TM_OK when no stock was taken. */
TM_MUSTCHECK enum tm_code tx_stock_reverse(void *app, int64_t sale_id, const char *rid,
                                           int64_t deadline_ms, struct tm_err *err);
/* *returned: 1 when tm-inventory already gave back the stock of sale_id
 * (its stock commit is reversed), 0 when it holds it or never took any. */
TM_MUSTCHECK enum tm_code tx_stock_returned(void *app, int64_t sale_id, const char *rid,
                                            int64_t deadline_ms, int *returned, struct tm_err *err);
/* The fired rules of res [{code, kind, weight, observed, threshold,
 * message}] into hits and the codes of rules not evaluated into skipped. */
TM_MUSTCHECK enum tm_code tx_encode_result(const struct fr_rule_set *s, const struct fr_result *res,
                                           struct tm_buf *hits, struct tm_buf *skipped);
/* The index of channel in fr_channel_names (FR_CH_POS when unknown). */
int tx_channel_of(const char *channel);
/* The current rule set into rs: x's version (read with the facts), decoded
 * from x's document when it came, else from the cache; TM_UNAVAIL when
 * there is none yet. */
TM_MUSTCHECK enum tm_code tx_current_rules(struct tx_app *app, PGconn *db, struct tx_sale_facts *x,
                                           struct fr_rule_set *rs, struct tm_err *err);

/* Voids (void_handlers.c). */
TM_MUSTCHECK enum tm_code tx_h_sale_void(struct tm_ctx *ctx, struct tm_reply *rep,
                                         struct tm_err *err);

#endif
