/* services/alerts/notify_handlers.h — the delivery log route:
 * GET /api/v1/alerts/{id}/notifications (alert.read), every notification
 * of an alert with each attempt. Store-owned like the alert: a
 * store-scoped role sees its stores' alerts only. */
#ifndef TM_ALERTS_NOTIFY_HANDLERS_H
#define TM_ALERTS_NOTIFY_HANDLERS_H

#include "common/router.h"

TM_MUSTCHECK enum tm_code al_h_alert_notifications(struct tm_ctx *ctx, struct tm_reply *rep,
                                                   struct tm_err *err);

#endif
