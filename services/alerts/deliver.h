/* services/alerts/deliver.h — tm-alerts' escalation job and its delivery
 * workers (docs/alerts.md "Escalation and notification"). The `escalate`
 * job queues each due step's notifications (services/alerts/notify_store.c);
 * every instance runs --delivery-workers threads that take due
 * notifications under a lease and send them: a webhook (libcurl, signed
 * with HMAC-SHA256) or an e-mail (libcurl's SMTP). Each worker has its own
 * database connection. */
#ifndef TM_ALERTS_DELIVER_H
#define TM_ALERTS_DELIVER_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

#include "services/alerts/app.h"

/* The `escalate` job (app: struct al_app): runs every due step of every
 * firing alert, one transaction per step (the runner's transaction is
 * committed first and a new one begun for it at the end). *rows is the
 * number of steps run. */
TM_MUSTCHECK enum tm_code al_job_escalate(void *app, PGconn *db, int64_t *rows, struct tm_err *err);

struct al_delivery;

/* Starts cfg->delivery_workers threads delivering for instance `instance`
 * over db_url; both strings are copied, cfg is borrowed for the workers'
 * life. TM_INVALID naming the setting when the settings do not fit
 * together: delivery-timeout-ms + 2000 (a try, then its record) over
 * delivery-lease-s; delivery-backoff-max-ms under delivery-backoff-ms.
 * *out is owned by the caller. */
TM_MUSTCHECK enum tm_code al_delivery_start(const struct al_cfg *cfg, const char *db_url,
                                            const char *instance, struct al_delivery **out,
                                            struct tm_err *err);

/* Stops the workers (a send in progress is aborted, recorded as a try to
 * retry) and frees. NULL-safe. */
void al_delivery_stop(struct al_delivery *d);

#endif
