/* services/alerts/eval.h — where conditions are evaluated: the subscriber's
 * apply function (every source's events: facts kept, then the rules over
 * each entity the event changed, in the event's transaction) and the
 * evaluate job (what the clock alone changes: pending periods and cooldowns
 * ending, no sale for days, a review or a delivery not done, a new UTC day
 * for demand_spike). docs/alerts.md "Rule kinds". */
#ifndef TM_ALERTS_EVAL_H
#define TM_ALERTS_EVAL_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/event.h"

/* tm_apply_fn for tm-alerts' subscriptions (inventory, txn, supplier):
 * TM_INVALID refuses an event whose data is not what proto/events.md says;
 * other errors roll it back to be retried. */
TM_MUSTCHECK enum tm_code al_apply(void *app, PGconn *db, const struct tm_event *ev,
                                   struct tm_err *err);

/* The evaluate job (tm_job_fn): *rows is the conditions it changed. Each
 * run looks at AL_COND_BATCH conditions of each sort at most (stale ones
 * cleared, due ones, spike rollovers, absences); the next run carries on.
 * It commits the runner's transaction and evaluates each condition in a
 * transaction of its own (one's failure is logged and undoes nothing of
 * the others), then begins one again for the runner to commit; TM_UNAVAIL
 * when the connection is lost. */
TM_MUSTCHECK enum tm_code al_job_evaluate(void *app, PGconn *db, int64_t *rows, struct tm_err *err);

#endif
