/* services/txn/main.c — tm-txn: sales, fraud scoring, customers. Its
 * declaration; common/service runs it (its own start and health: app.c). */
#include <stddef.h>

#include "common/service.h"

#include "services/txn/app.h"
#include "services/txn/handlers.h"
#include "services/txn/txn_store.h"

#define F(field) offsetof(struct tx_cfg, field)
static const struct tm_cfg_opt opts[] = {
    {"redis-url", "TM_REDIS_URL", TM_CFG_STR, F(redis_url), sizeof(((struct tx_cfg *)0)->redis_url),
     0, 0, "redis://127.0.0.1:6379", 0,
     "Redis for the velocity counters (shared by all instances)"},
    {"redis-pool", "TM_REDIS_POOL", TM_CFG_INT, F(redis_pool), 0, 1, 256, "16", 0,
     "Redis connections"},
    {"price-tolerance", "TM_PRICE_TOLERANCE_PCT", TM_CFG_INT, F(price_tolerance_pct), 0, 0, 100,
     "50", 0, "a line's unit price may differ this many percent from the catalogue's"},
    {"future-skew", "TM_FUTURE_SKEW_S", TM_CFG_INT, F(future_skew_s), 0, 0, 86400, "300", 0,
     "occurred_at may be this many seconds ahead of this server's clock"},
    {"claim-abandon", "TM_CLAIM_ABANDON_S", TM_CFG_INT, F(claim_abandon_s), 0, 60, 86400, "600", 0,
     "a sale left half-way this long is given up by claim-recovery (stock returned)"},
};
#undef F

static struct tx_cfg cfg;
static struct tx_app app = {.cfg = &cfg, .rules = TX_RULES_CACHE_INIT};

int
main(int argc, char **argv)
{
    static const struct tm_job jobs[] = {
        {"store-profiles", 600, tx_job_store_profiles, NULL},
        {"claim-recovery", 60, tx_job_claim_recovery, NULL},
    };
    static const struct tm_service_sub subs[] = {{"inventory", "store.,product.", tx_apply, NULL}};
    static const char *const peers[] = {"inventory"};
    const struct tm_service svc = {
        .name = "txn",
        .summary = "Sales, fraud scoring and customers service.",
        .routes = tx_routes,
        .n_routes = tx_routes_n,
        .jobs = jobs,
        .n_jobs = 2,
        .outbox = &tx_outbox,
        .subs = subs,
        .n_subs = 1,
        .peers = peers,
        .n_peers = 1,
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &cfg,
        .app = &app,
        .start = tx_app_start,
        .stop = tx_app_stop,
        .health = tx_app_health,
    };

    return tm_service_main(argc, argv, &svc);
}
