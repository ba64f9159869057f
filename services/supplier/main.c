/* services/supplier/main.c — tm-supplier: suppliers, their offers and the
 * supplier choice, the cache of their catalogues (fetched from their APIs),
 * purchase orders.
 * Its declaration; common/service runs it. */
#include <stddef.h>

#include "common/service.h"

#include "services/supplier/api.h"
#include "services/supplier/api_jobs.h"
#include "services/supplier/handlers.h"
#include "services/supplier/po_handlers.h"
#include "services/supplier/store.h"

#define F(field) offsetof(struct sup_cfg, field)
static const struct tm_cfg_opt opts[] = {
    {"quoted-on-time", "TM_SUPPLIER_QUOTED_ON_TIME_PCT", TM_CFG_INT, F(quoted_on_time_pct), 0, 0,
     100, "90", 0, "on-time rate (percent) credited to a supplier with too few receipts"},
    {"quoted-fill", "TM_SUPPLIER_QUOTED_FILL_PCT", TM_CFG_INT, F(quoted_fill_pct), 0, 0, 100, "95",
     0, "fill rate (percent) credited to a supplier with too few receipts"},
    {"min-receipts", "TM_SUPPLIER_MIN_RECEIPTS", TM_CFG_INT, F(min_receipts), 0, 1, 100000, "5", 0,
     "receipts needed before measured performance replaces the quoted one"},
    {"api-hosts", "TM_SUPPLIER_API_HOSTS", TM_CFG_STR, F(api_hosts),
     sizeof(((struct sup_cfg *)0)->api_hosts), 0, 0, "", 0,
     "comma-separated hosts a supplier's api_url may name (http or https only; none by default)"},
    {"currency", "TM_CURRENCY", TM_CFG_STR, F(currency), sizeof(((struct sup_cfg *)0)->currency), 0,
     0, "USD", 0, "the platform's currency (ISO 4217): only offers in it are compared"},
    {"api-timeout-ms", "TM_SUPPLIER_API_TIMEOUT_MS", TM_CFG_INT, F(api_timeout_ms), 0, 1,
     SUP_API_TIMEOUT_MS_MAX, "2000", 0, "one request to a supplier's API, connect included"},
    {"api-attempts", "TM_SUPPLIER_API_ATTEMPTS", TM_CFG_INT, F(api_attempts), 0, 1,
     SUP_API_ATTEMPTS_MAX, "4", 0, "requests per call to a supplier's API at most (retries + 1)"},
    {"api-backoff-ms", "TM_SUPPLIER_API_BACKOFF_MS", TM_CFG_INT, F(api_backoff_ms), 0, 1,
     SUP_API_BACKOFF_MS_MAX, "100", 0, "ceiling of the first retry's wait; doubles, full jitter"},
    {"api-backoff-max-ms", "TM_SUPPLIER_API_BACKOFF_MAX_MS", TM_CFG_INT, F(api_backoff_max_ms), 0,
     1, SUP_API_BACKOFF_MS_MAX, "2000", 0,
     "cap of one wait; a supplier's Retry-After above it ends the retries"},
    {"api-breaker-failures", "TM_SUPPLIER_API_BREAKER_FAILURES", TM_CFG_INT,
     F(api_breaker_failures), 0, 1, SUP_API_BREAKER_FAILURES_MAX, "5", 0,
     "consecutive failed calls that open a supplier's circuit breaker"},
    {"api-breaker-open-ms", "TM_SUPPLIER_API_BREAKER_OPEN_MS", TM_CFG_INT, F(api_breaker_open_ms),
     0, 0, SUP_API_BREAKER_OPEN_MS_MAX, "10000", 0,
     "how long an open breaker refuses calls before one probe"},
    {"catalogue-stale-s", "TM_SUPPLIER_CATALOGUE_STALE_S", TM_CFG_INT, F(catalogue_stale_s), 0, 1,
     31536000, "3600", 0, "a cached supplier catalogue older than this is served as stale"},
};
#undef F

/* each runs with app */
static const struct tm_job jobs[] = {
    {"catalogue-refresh", 900, sup_job_catalogue_refresh, NULL},
    {"po-resubmit", 60, sup_job_po_resubmit, NULL},
};

static struct sup_cfg cfg;
static struct sup_app app = {.cfg = &cfg};

int
main(int argc, char **argv)
{
    static const char *const peers[] = {"inventory"};
    const struct tm_service svc = {
        .name = "supplier",
        .summary = "Suppliers, offers, supplier choice and purchase orders.",
        .routes = sup_routes,
        .n_routes = sup_routes_n,
        .jobs = jobs,
        .n_jobs = sizeof jobs / sizeof jobs[0],
        .outbox = &sup_outbox,
        .peers = peers,
        .n_peers = 1,
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &cfg,
        .app = &app,
        .start = sup_start,
        .stop = sup_stop,
        .health = sup_health,
    };

    return tm_service_main(argc, argv, &svc);
}
