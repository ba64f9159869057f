/* services/alerts/handlers.c — tm-alerts' route table. */
#include "services/alerts/handlers.h"

#include "common/jobs.h"

#include "services/alerts/alert_handlers.h"
#include "services/alerts/app.h"
#include "services/alerts/config_handlers.h"
#include "services/alerts/notify_handlers.h"

const struct tm_outbox al_outbox = {"alerts"};

#define W TM_TX_WRITE
#define R TM_TX_READ
#define STORES TM_SCOPE_STORES
#define NONE TM_SCOPE_NONE
const struct tm_route al_routes[] = {
    /* alerts (alert_handlers.c) */
    {"GET", "/api/v1/alerts", al_h_alert_list, R, NULL, STORES},
    {"POST", "/api/v1/alerts", al_h_alert_create, W, NULL, STORES},
    {"GET", "/api/v1/alerts/summary", al_h_alert_summary, R, NULL, STORES},
    {"GET", "/api/v1/alerts/{id}", al_h_alert_get, R, NULL, STORES},
    {"POST", "/api/v1/alerts/{id}/acknowledge", al_h_alert_acknowledge, W, NULL, STORES},
    {"PATCH", "/api/v1/alerts/{id}/resolve", al_h_alert_resolve, W, NULL, STORES},
    {"DELETE", "/api/v1/alerts/{id}", al_h_alert_delete, W, NULL, STORES},
    {"GET", "/api/v1/alerts/{id}/history", al_h_alert_history, R, NULL, STORES},
    {"GET", "/api/v1/alerts/{id}/notifications", al_h_alert_notifications, R, NULL, STORES},
    /* configuration (config_handlers.c) */
    {"GET", "/api/v1/alert-rules", al_h_rule_list, R, NULL, STORES},
    {"POST", "/api/v1/alert-rules", al_h_rule_create, W, NULL, NONE},
    {"GET", "/api/v1/alert-rules/{id}", al_h_rule_get, R, NULL, STORES},
    {"PUT", "/api/v1/alert-rules/{id}", al_h_rule_update, W, NULL, NONE},
    {"DELETE", "/api/v1/alert-rules/{id}", al_h_rule_delete, W, NULL, NONE},
    {"GET", "/api/v1/silences", al_h_silence_list, R, NULL, STORES},
    {"POST", "/api/v1/silences", al_h_silence_create, W, NULL, STORES},
    {"DELETE", "/api/v1/silences/{id}", al_h_silence_end, W, NULL, STORES},
    {"GET", "/api/v1/escalation-policies", al_h_policy_list, R, NULL, STORES},
    {"POST", "/api/v1/escalation-policies", al_h_policy_create, W, NULL, NONE},
    {"GET", "/api/v1/escalation-policies/{id}", al_h_policy_get, R, NULL, STORES},
    {"GET", "/api/v1/notification-channels", al_h_channel_list, R, NULL, STORES},
    {"POST", "/api/v1/notification-channels", al_h_channel_create, W, NULL, NONE},
    /* jobs (common/jobs.h) */
    {"GET", "/api/v1/alerts/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/alerts/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/alerts/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
};
#undef NONE
#undef STORES
#undef R
#undef W
const size_t al_routes_n = sizeof al_routes / sizeof al_routes[0];
