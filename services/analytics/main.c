/* services/analytics/main.c — tm-analytics: read models built from events.
 * Wiring only: config, logging, database pool, schema check, the
 * subscription to inventory's events, ops port, bus workers, signal loop. */
#include <signal.h>
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

#include "services/analytics/handlers.h"
#include "services/analytics/store.h"

struct an_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    int db_pool;
    char endpoint[256];
    int workers;
    char sql_dir[512];
    char inventory_events[1024];
    char inventory_endpoints[1024];
};

struct an_main {
    struct an_app app;
    struct tm_db_pool *db;
};

#define F(field) offsetof(struct an_cfg, field)
#define S(field) sizeof(((struct an_cfg *)0)->field)
static const struct tm_cfg_opt an_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0, "postgresql:///techmart", 1,
     "PostgreSQL connection string"},
    {"db-pool", "TM_DB_POOL", TM_CFG_INT, F(db_pool), 0, 1, 256, "8", 0, "database connections"},
    {"endpoint", "TM_ANALYTICS_ENDPOINT", TM_CFG_STR, F(endpoint), S(endpoint), 0, 0,
     "ipc:///tmp/tm-analytics-1.ipc", 0, "bus endpoint this instance binds"},
    {"workers", "TM_WORKERS", TM_CFG_INT, F(workers), 0, 1, 256, "8", 0, "bus worker threads"},
    {"sql-dir", "TM_SQL_DIR", TM_CFG_STR, F(sql_dir), S(sql_dir), 0, 0, "sql", 0,
     "folder of migrations; the schema must be at its latest migration"},
    {"inventory-events", "TM_INVENTORY_EVENTS_ENDPOINTS", TM_CFG_STR, F(inventory_events),
     S(inventory_events), 0, 0, "ipc:///tmp/tm-inventory-events-1.ipc", 0,
     "comma-separated PUB endpoints of every tm-inventory instance"},
    {"inventory-endpoints", "TM_INVENTORY_ENDPOINTS", TM_CFG_STR, F(inventory_endpoints),
     S(inventory_endpoints), 0, 0, "ipc:///tmp/tm-inventory-1.ipc", 0,
     "comma-separated bus endpoints of every tm-inventory instance (replay)"},
};
#undef F
#undef S

static void
health(void *arg, struct tm_health *h)
{
    struct an_main *m = arg;

    tm_db_health(m->db, h);
    if (tm_subscriber_missing(m->app.sub) > 0)
        tm_health_add(h, "inventory-events", TM_HEALTH_DOWN,
                      "behind retention: needs seq %lld, which inventory no longer keeps",
                      (long long)tm_subscriber_missing(m->app.sub));
    else
        tm_health_add(h, "inventory-events", TM_HEALTH_UP, "source seq %lld",
                      (long long)tm_subscriber_source_seq(m->app.sub));
}

int
main(int argc, char **argv)
{
    static struct an_cfg cfg;
    static struct an_main m;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {an_opts, sizeof an_opts / sizeof an_opts[0], &cfg},
    };
    struct tm_subscription sub = {"inventory",         "",       NULL,  NULL, an_db_inbox_lock_sql,
                                  an_db_inbox_set_sql, an_apply, &m.app};
    struct tm_router router = {"tm-analytics", an_routes, an_routes_n, NULL, health, &m.app, NULL};
    struct tm_bus_server *bus = NULL;
    struct tm_ops *ops = NULL;
    struct tm_err err;
    int status, sig;

    tm_signals_block();
    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-analytics",
                              "Read models fed by events: the catalogue copy, lag.")) >= 0)
        return status;
    status = 1;
    sub.pub_endpoints = cfg.inventory_events;
    sub.bus_endpoints = cfg.inventory_endpoints;
    if (tm_db_pool_new(cfg.db_url, cfg.db_pool, &m.db, &err) != TM_OK ||
        tm_ops_start(cfg.base.ops_port, "tm-analytics", cfg.base.instance, health, &m, &ops,
                     &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    router.db = m.db;
    if ((status = tm_migrate_wait(m.db, cfg.sql_dir, "analytics")) != 0) {
        status = status < 0 ? 0 : status;
        goto out;
    }
    status = 1;
    if (tm_subscriber_start(&sub, cfg.db_url, &m.app.sub, &err) != TM_OK ||
        tm_bus_server_start(cfg.endpoint, cfg.workers, tm_router_handle, &router, &bus, &err) !=
            TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    tm_log_info(NULL, "ready", "endpoint=%s ops_port=%d", cfg.endpoint, cfg.base.ops_port);
    while ((sig = tm_signals_wait(1000)) != SIGTERM && sig != SIGINT)
        if (sig == SIGHUP)
            tm_log_info(NULL, "sighup", "nothing to reload: settings need a restart");
    tm_log_info(NULL, "stopping", "signal=%d", sig);
    status = 0;
out:
    tm_bus_server_stop(bus);
    tm_subscriber_stop(m.app.sub);
    tm_ops_stop(ops);
    tm_db_pool_free(m.db);
    tm_log_info(NULL, "stopped", "status=%d", status);
    return status;
}
