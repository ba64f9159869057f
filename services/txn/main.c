/* services/txn/main.c — tm-txn: sales, fraud scoring, customers. Wiring
 * only: config, logging, database pool, schema check, the first rule set,
 * Redis, the tm-inventory client, the catalogue copy's subscriber, jobs,
 * the outbox publisher, bus workers, then the signal loop. */
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "common/bus.h"
#include "common/config.h"
#include "common/db.h"
#include "common/log.h"
#include "common/migrate.h"
#include "common/ops.h"
#include "common/router.h"
#include "common/signals.h"
#include "common/subscriber.h"

#include "services/txn/app.h"
#include "services/txn/fraud.h"
#include "services/txn/handlers.h"
#include "services/txn/txn_store.h"

struct tx_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    int db_pool;
    char endpoint[256];
    int workers;
    char sql_dir[512];
    char events_endpoint[256];
    char redis_url[256];
    int redis_pool;
    char inventory_endpoints[2048];
    char inventory_events[2048];
    int price_tolerance_pct;
    int future_skew_s;
    int claim_abandon_s;
    int outbox_retention_s;
    int job_outbox_cleanup_s;
    int job_store_profiles_s;
    int job_claim_recovery_s;
};

#define F(field) offsetof(struct tx_cfg, field)
#define S(field) sizeof(((struct tx_cfg *)0)->field)
static const struct tm_cfg_opt tx_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0, "postgresql:///techmart", 1,
     "PostgreSQL connection string (libpq URL or key=value)"},
    {"db-pool", "TM_DB_POOL", TM_CFG_INT, F(db_pool), 0, 1, 256, "16", 0,
     "database connections (one per bus worker is enough)"},
    {"endpoint", "TM_TXN_ENDPOINT", TM_CFG_STR, F(endpoint), S(endpoint), 0, 0,
     "ipc:///tmp/tm-txn-1.ipc", 0, "bus endpoint this instance binds (ipc:// or tcp://)"},
    {"workers", "TM_WORKERS", TM_CFG_INT, F(workers), 0, 1, 256, "16", 0,
     "bus worker threads, each handling one request at a time"},
    {"sql-dir", "TM_SQL_DIR", TM_CFG_STR, F(sql_dir), S(sql_dir), 0, 0, "sql", 0,
     "folder of migrations; the schema must be at its latest migration"},
    {"events-endpoint", "TM_TXN_EVENTS_ENDPOINT", TM_CFG_STR, F(events_endpoint),
     S(events_endpoint), 0, 0, "ipc:///tmp/tm-txn-events-1.ipc", 0,
     "PUB endpoint this instance binds; it publishes while it holds the outbox lock"},
    {"redis-url", "TM_REDIS_URL", TM_CFG_STR, F(redis_url), S(redis_url), 0, 0,
     "redis://127.0.0.1:6379", 0, "Redis for the velocity counters (shared by all instances)"},
    {"redis-pool", "TM_REDIS_POOL", TM_CFG_INT, F(redis_pool), 0, 1, 256, "16", 0,
     "Redis connections"},
    {"inventory-endpoints", "TM_INVENTORY_ENDPOINTS", TM_CFG_STR, F(inventory_endpoints),
     S(inventory_endpoints), 0, 0, "ipc:///tmp/tm-inventory-1.ipc", 0,
     "comma-separated bus endpoints of every tm-inventory instance (stock commits, replay)"},
    {"inventory-events-endpoints", "TM_INVENTORY_EVENTS_ENDPOINTS", TM_CFG_STR, F(inventory_events),
     S(inventory_events), 0, 0, "ipc:///tmp/tm-inventory-events-1.ipc", 0,
     "comma-separated PUB endpoints of tm-inventory (the catalogue copy)"},
    {"price-tolerance", "TM_PRICE_TOLERANCE_PCT", TM_CFG_INT, F(price_tolerance_pct), 0, 0, 100,
     "50", 0, "a line's unit price may differ this many percent from the catalogue's"},
    {"future-skew", "TM_FUTURE_SKEW_S", TM_CFG_INT, F(future_skew_s), 0, 0, 86400, "300", 0,
     "occurred_at may be this many seconds ahead of this server's clock"},
    {"claim-abandon", "TM_CLAIM_ABANDON_S", TM_CFG_INT, F(claim_abandon_s), 0, 60, 86400, "600", 0,
     "a sale left half-way this long is given up by claim-recovery (stock returned)"},
    {"outbox-retention", "TM_OUTBOX_RETENTION_S", TM_CFG_INT, F(outbox_retention_s), 0, 60,
     315360000, "604800", 0, "published events are kept this long (seconds; 7 days)"},
    {"job-outbox-cleanup", "TM_JOB_OUTBOX_CLEANUP_S", TM_CFG_INT, F(job_outbox_cleanup_s), 0, 0,
     86400, "3600", 0, "how often the outbox clean-up runs (seconds; 0: only on demand)"},
    {"job-store-profiles", "TM_JOB_STORE_PROFILES_S", TM_CFG_INT, F(job_store_profiles_s), 0, 0,
     86400, "600", 0, "how often each store's usual sale is recomputed (seconds)"},
    {"job-claim-recovery", "TM_JOB_CLAIM_RECOVERY_S", TM_CFG_INT, F(job_claim_recovery_s), 0, 0,
     86400, "60", 0, "how often abandoned sales are looked for (seconds)"},
};
#undef F
#undef S

struct tx_main {
    struct tx_app app;
    struct tm_subscriber *sub;
};

static void
health(void *arg, struct tm_health *h)
{
    struct tx_main *m = arg;

    tm_db_health(m->app.db, h);
    tm_health_add(h, "schema", atomic_load(&m->app.schema_ok), "%s",
                  atomic_load(&m->app.schema_ok) ? "txn up to date" : "not checked yet");
    tm_health_add(h, "redis", TM_HEALTH_UP, "%s",
                  tm_redis_pool_up(m->app.redis) ? "up" : "down: velocity rules not evaluated");
    tm_health_add(h, "outbox", TM_HEALTH_UP, "%s",
                  tm_publisher_active(atomic_load(&m->app.pub)) ? "publishing" : "standby");
    if (tm_subscriber_missing(m->sub) > 0)
        tm_health_add(h, "inventory-events", TM_HEALTH_DOWN,
                      "behind retention: needs seq %lld, which inventory no longer keeps",
                      (long long)tm_subscriber_missing(m->sub));
}

/* Version 1 of the rule set, once per database. */
static enum tm_code
init_rules(struct tm_db_pool *db, struct tm_err *err)
{
    PGconn *c = NULL;
    enum tm_code rc = tm_db_acquire(db, 5000, &c, err);

    if (rc == TM_OK)
        rc = tx_db_rules_init(c, fr_default_rules_json, err);
    tm_db_release(db, c);
    return rc;
}

int
main(int argc, char **argv)
{
    static struct tx_cfg cfg;
    static struct tx_main m;
    struct tx_app *app = &m.app;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {tx_opts, sizeof tx_opts / sizeof tx_opts[0], &cfg},
    };
    struct tm_subscription sub = {"inventory",          "store.,product.",   NULL,     NULL,
                                  tx_db_inbox_lock_sql, tx_db_inbox_set_sql, tx_apply, app};
    struct tm_router router = {"tm-txn", tx_routes, tx_routes_n, NULL, health, &m, &tx_outbox};
    struct tm_publisher *pub = NULL;
    struct tm_bus_server *bus = NULL;
    struct tm_ops *ops = NULL;
    struct tm_err err;
    int status, sig;

    tm_signals_block();
    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-txn",
                              "Sales, fraud scoring and customers service.")) >= 0)
        return status;
    status = 1;
    sub.pub_endpoints = cfg.inventory_events;
    sub.bus_endpoints = cfg.inventory_endpoints;
    app->price_tolerance_pct = cfg.price_tolerance_pct;
    app->future_skew_s = cfg.future_skew_s;
    app->claim_abandon_s = cfg.claim_abandon_s;
    app->outbox_retention_s = cfg.outbox_retention_s;
    if (tm_db_pool_new(cfg.db_url, cfg.db_pool, &app->db, &err) != TM_OK ||
        tm_redis_pool_new(cfg.redis_url, 300, cfg.redis_pool, &app->redis, &err) != TM_OK ||
        tm_bus_client_new("inventory", cfg.inventory_endpoints, 64, &app->inventory, &err) !=
            TM_OK ||
        tm_ops_start(cfg.base.ops_port, "tm-txn", cfg.base.instance, health, &m, &ops, &err) !=
            TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    router.db = app->db;
    if ((status = tm_migrate_wait(app->db, cfg.sql_dir, "txn")) != 0) {
        status = status < 0 ? 0 : status;
        goto out;
    }
    atomic_store(&app->schema_ok, 1);
    status = 1;
    tx_jobs[0].interval_s = cfg.job_outbox_cleanup_s;
    tx_jobs[1].interval_s = cfg.job_store_profiles_s;
    tx_jobs[2].interval_s = cfg.job_claim_recovery_s;
    if (init_rules(app->db, &err) != TM_OK ||
        tm_subscriber_start(&sub, cfg.db_url, &m.sub, &err) != TM_OK ||
        tm_jobs_start(tx_jobs, tx_jobs_n, &tx_job_sql, cfg.db_url, cfg.base.instance, app,
                      &app->jobs, &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    if (tm_publisher_start(&tx_outbox, cfg.db_url, cfg.events_endpoint, &pub, &err) == TM_OK)
        atomic_store(&app->pub, pub);
    if (!pub || tm_bus_server_start(cfg.endpoint, cfg.workers, tm_router_handle, &router, &bus,
                                    &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    tm_log_info(NULL, "ready", "endpoint=%s workers=%d ops_port=%d", cfg.endpoint, cfg.workers,
                cfg.base.ops_port);
    while ((sig = tm_signals_wait(1000)) != SIGTERM && sig != SIGINT)
        if (sig == SIGHUP)
            tm_log_info(NULL, "sighup", "nothing to reload: settings need a restart");
    tm_log_info(NULL, "stopping", "signal=%d", sig);
    status = 0;
out:
    tm_bus_server_stop(bus);
    atomic_store(&app->pub, NULL);
    tm_publisher_stop(pub);
    tm_jobs_stop(app->jobs);
    tm_subscriber_stop(m.sub);
    tm_ops_stop(ops);
    tm_bus_client_free(app->inventory);
    tm_redis_pool_free(app->redis);
    tm_db_pool_free(app->db);
    tm_log_info(NULL, "stopped", "status=%d", status);
    return status;
}
