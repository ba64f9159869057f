/* services/alerts/alert_handlers.h — the alert routes (docs/alerts.md
 * "Routes"): list, summary, a manual alert, one alert, acknowledge, resolve,
 * delete, history. Store-owned: a store-scoped role sees and changes the
 * alerts of its stores only (an alert without a store is not theirs). */
#ifndef TM_ALERTS_ALERT_HANDLERS_H
#define TM_ALERTS_ALERT_HANDLERS_H

#include <stdint.h>

#include "common/router.h"

TM_MUSTCHECK enum tm_code al_h_alert_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_summary(struct tm_ctx *ctx, struct tm_reply *rep,
                                             struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                         struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_acknowledge(struct tm_ctx *ctx, struct tm_reply *rep,
                                                 struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_resolve(struct tm_ctx *ctx, struct tm_reply *rep,
                                             struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_delete(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_alert_history(struct tm_ctx *ctx, struct tm_reply *rep,
                                             struct tm_err *err);

/* The alert the path's {id} names, found as how says (alert_store.h's
 * AL_FIND_* bits), after judging the principal may see it: another store's,
 * or one of no store for a store-scoped role, is TM_NOTFOUND like an alert
 * that does not exist. Every {id} route goes through it. */
TM_MUSTCHECK enum tm_code al_alert_of(struct tm_ctx *ctx, int how, int64_t *id, struct tm_err *err);

#endif
