/* services/analytics/handlers.h — tm-analytics' routes and its event
 * handling: the catalogue and stores copy fed by inventory's events, the
 * sales read models fed by tm-txn's (docs/analytics.md "Read models"), and
 * the rebuild job. */
#ifndef TM_ANALYTICS_HANDLERS_H
#define TM_ANALYTICS_HANDLERS_H

#include <stddef.h>

#include "common/router.h"
#include "common/service.h"
#include "common/subscriber.h"

#include "services/analytics/sale_batch.h"

#define AN_SOURCES 2 /* inventory, txn: the subs of main.c, in that order */
#define AN_SUB_TXN 1 /* tm-txn's index in AN_SOURCES and env->subs */

/* tm-analytics' own settings (main.c's table). */
struct an_cfg {
    int report_grace_s;       /* a local day is finished this long after its midnight */
    int report_backfill_days; /* days a store without reports gets at first */
    int report_amend_days;    /* finished days each run computes again */
};

struct an_app {
    /* subs[0] is inventory's, subs[1] tm-txn's; peers[0] a bus client of
     * tm-txn (the rebuild asks it what it keeps); set by the start hook */
    const struct tm_service_env *env;
    const struct an_cfg *cfg; /* read-only */
    /* the sales tm-txn's subscriber holds back in its transaction (only
     * that thread touches it: one tm-txn subscription per process) */
    struct an_sale_batch batch;
};

extern const struct tm_route an_routes[];
extern const size_t an_routes_n;

/* tm_apply_fn for inventory's events: category.*, product.* and store.*
 * upsert the copy; other topics change nothing (their seq still counts). */
TM_MUSTCHECK enum tm_code an_apply(void *app, PGconn *db, const struct tm_event *ev,
                                   struct tm_err *err);

/* tm_apply_fn for tm-txn's events: txn.created, txn.declined, txn.voided
 * and txn.reviewed move the read models (sales_store.h); other topics
 * change nothing. A sale or declined attempt is held in app's batch and
 * written by an_flush_txn with the others of its run. TM_INVALID for a
 * Transaction that does not decode or does not match its topic, or a sale
 * applied before (refused, passed over). */
TM_MUSTCHECK enum tm_code an_apply_txn(void *app, PGconn *db, const struct tm_event *ev,
                                       struct tm_err *err);

/* tm_flush_fn for tm-txn's events: writes the held sales in one statement
 * unless next is one more sale the batch has room for; db NULL drops them.
 * TM_UNAVAIL while a held sale's store is not in the copy (the whole batch
 * is retried). */
TM_MUSTCHECK enum tm_code an_flush_txn(void *app, PGconn *db, const struct tm_event *next,
                                       struct tm_err *err);

/* The job `rebuild` (tm_job_fn, on demand): empties the read models and
 * sets both sources' inbox back to 0, so the subscribers replay their
 * outboxes; *rows is the number of sales emptied. */
TM_MUSTCHECK enum tm_code an_job_rebuild(void *app, PGconn *db, int64_t *rows, struct tm_err *err);

#endif
