/* services/alerts/app.h — tm-alerts' settings and the state its handlers,
 * jobs and subscribers share (handed to them as app). */
#ifndef TM_ALERTS_APP_H
#define TM_ALERTS_APP_H

#include "common/outbox.h"
#include "common/service.h"

/* tm-alerts' outbox, {"alerts"}: alert.* events (proto/events.md). */
extern const struct tm_outbox al_outbox;

struct al_cfg {
    char webhook_hosts[1024]; /* comma-separated hosts a webhook URL may name */
    char smtp_url[256];       /* smtp://host:port of the mail relay */
    char mail_from[256];      /* the envelope and From: address */
    int delivery_attempts;    /* tries of one notification at most */
    int delivery_lease_s;     /* how long a delivering instance holds a notification */
    int delivery_timeout_ms;  /* one try, connect included (< the lease) */
    int delivery_backoff_ms;  /* the first retry's ceiling */
    int delivery_backoff_max_ms;
    int delivery_workers; /* delivery threads per instance */
};

struct al_delivery;

struct al_app {
    struct al_cfg *cfg;
    const struct tm_service_env *env; /* set by start */
    struct al_delivery *delivery;     /* the delivery workers (deliver.h), from start to stop */
};

#endif
