/* services/alerts/main.c — tm-alerts: alert rules over the other services'
 * events, alerts and their history, silences, escalation and notification
 * (docs/alerts.md). Its declaration; common/service runs it. */
#include <stddef.h>

#include "common/hash.h"
#include "common/service.h"

#include "services/alerts/app.h"
#include "services/alerts/config_handlers.h"
#include "services/alerts/deliver.h"
#include "services/alerts/eval.h"
#include "services/alerts/handlers.h"
#include "services/alerts/jobs_poll.h"

#define F(field) offsetof(struct al_cfg, field)
#define S(field) sizeof(((struct al_cfg *)0)->field)
static const struct tm_cfg_opt opts[] = {
    {"webhook-hosts", "TM_ALERTS_WEBHOOK_HOSTS", TM_CFG_STR, F(webhook_hosts), S(webhook_hosts), 0,
     0, "", 0, "comma-separated hosts a webhook channel's URL may name (none by default)"},
    {"smtp-url", "TM_ALERTS_SMTP_URL", TM_CFG_STR, F(smtp_url), S(smtp_url), 0, 0,
     "smtp://127.0.0.1:25", 0, "the mail relay e-mail channels send through"},
    {"mail-from", "TM_ALERTS_MAIL_FROM", TM_CFG_STR, F(mail_from), S(mail_from), 0, 0,
     "alerts@techmart.invalid", 0, "the sender of alert e-mails"},
    {"delivery-attempts", "TM_ALERTS_DELIVERY_ATTEMPTS", TM_CFG_INT, F(delivery_attempts), 0, 1, 50,
     "8", 0, "tries of one notification at most"},
    {"delivery-lease-s", "TM_ALERTS_DELIVERY_LEASE_S", TM_CFG_INT, F(delivery_lease_s), 0, 2, 3600,
     "30", 0, "how long an instance holds a notification it sends (another retries it after)"},
    {"delivery-timeout-ms", "TM_ALERTS_DELIVERY_TIMEOUT_MS", TM_CFG_INT, F(delivery_timeout_ms), 0,
     100, 600000, "5000", 0, "one try of a notification, connect included (under the lease)"},
    {"delivery-backoff-ms", "TM_ALERTS_DELIVERY_BACKOFF_MS", TM_CFG_INT, F(delivery_backoff_ms), 0,
     1, 600000, "1000", 0, "ceiling of the first retry's wait; doubles, full jitter"},
    {"delivery-backoff-max-ms", "TM_ALERTS_DELIVERY_BACKOFF_MAX_MS", TM_CFG_INT,
     F(delivery_backoff_max_ms), 0, 1, 3600000, "300000", 0, "cap of one retry's wait"},
    {"delivery-workers", "TM_ALERTS_DELIVERY_WORKERS", TM_CFG_INT, F(delivery_workers), 0, 1, 16,
     "2", 0, "delivery threads per instance"},
};
#undef S
#undef F

/* Conditions from events (docs/alerts.md "Rule kinds"): levels, forecasts
 * and products; sales waiting for review; purchase orders and supplier
 * API circuits. */
static const struct tm_service_sub subs[] = {
    {"inventory", "stock.,forecast.,product.", al_apply, NULL},
    {"txn", "txn.", al_apply, NULL},
    {"supplier", "purchase_order.,supplier.api_circuit", al_apply, NULL},
};

static const struct tm_job jobs[] = {
    {"evaluate", 15, al_job_evaluate, NULL},
    {"jobs-poll", 60, al_job_jobs_poll, NULL},
    {"escalate", 5, al_job_escalate, NULL},
    {"retire", 15, al_job_retire, NULL},
};

static enum tm_code
start(void *app, const struct tm_service_env *env, struct tm_err *err)
{
    ((struct al_app *)app)->env = env;
    /* libsodium before the workers: webhook secrets are random bytes */
    if (tm_hash_init() != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "libsodium did not start");
    return al_delivery_start(((struct al_app *)app)->cfg, env->db_url, env->instance,
                             &((struct al_app *)app)->delivery, err);
}

static void
stop(void *app)
{
    al_delivery_stop(((struct al_app *)app)->delivery);
    ((struct al_app *)app)->delivery = NULL;
}

int
main(int argc, char **argv)
{
    static struct al_cfg cfg;
    static struct al_app app = {.cfg = &cfg};
    const struct tm_service svc = {
        .name = "alerts",
        .summary = "Alert rules, alerts, silences, escalation and notifications.",
        .routes = al_routes,
        .n_routes = al_routes_n,
        .outbox = &al_outbox,
        .peers = al_peers,
        .n_peers = AL_PEERS_N,
        .subs = subs,
        .n_subs = sizeof subs / sizeof subs[0],
        .jobs = jobs,
        .n_jobs = sizeof jobs / sizeof jobs[0],
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &cfg,
        .db_pool = 8,
        .app = &app,
        .start = start,
        .stop = stop,
    };

    return tm_service_main(argc, argv, &svc);
}
