/* services/alerts/handlers.c — tm-alerts' route table. */
#include "services/alerts/handlers.h"

#include "common/jobs.h"

#include "services/alerts/app.h"

const struct tm_outbox al_outbox = {"alerts"};

const struct tm_route al_routes[] = {
    {"GET", "/api/v1/alerts/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/alerts/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/alerts/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
};
const size_t al_routes_n = sizeof al_routes / sizeof al_routes[0];
