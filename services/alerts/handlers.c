/* services/alerts/handlers.c — tm-alerts' route table. */
#include "services/alerts/handlers.h"

#include "common/jobs.h"

#include "services/alerts/alert_handlers.h"
#include "services/alerts/app.h"

const struct tm_outbox al_outbox = {"alerts"};

#define ST TM_SCOPE_STORES

const struct tm_route al_routes[] = {
    {"GET", "/api/v1/alerts", al_h_alert_list, TM_TX_READ, NULL, ST},
    {"POST", "/api/v1/alerts", al_h_alert_create, TM_TX_WRITE, NULL, ST},
    {"GET", "/api/v1/alerts/summary", al_h_alert_summary, TM_TX_READ, NULL, ST},
    {"GET", "/api/v1/alerts/{id}", al_h_alert_get, TM_TX_READ, NULL, ST},
    {"POST", "/api/v1/alerts/{id}/acknowledge", al_h_alert_acknowledge, TM_TX_WRITE, NULL, ST},
    {"PATCH", "/api/v1/alerts/{id}/resolve", al_h_alert_resolve, TM_TX_WRITE, NULL, ST},
    {"DELETE", "/api/v1/alerts/{id}", al_h_alert_delete, TM_TX_WRITE, NULL, ST},
    {"GET", "/api/v1/alerts/{id}/history", al_h_alert_history, TM_TX_READ, NULL, ST},
    {"GET", "/api/v1/alerts/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/alerts/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/alerts/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
};
const size_t al_routes_n = sizeof al_routes / sizeof al_routes[0];
