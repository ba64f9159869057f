/* services/inventory/main.c — tm-inventory: catalogue, stock, forecasting,
 * reorder. Wiring only: config, logging, database pool, schema check, ops
 * port, bus workers, then the signal loop. The schema check refuses to run
 * on a schema that is behind or whose applied migrations were edited; a
 * database that is down is waited for with backoff, reported in /health. */
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

#include "services/inventory/app.h"
#include "services/inventory/handlers.h"
#include "services/inventory/store.h"

struct inv_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    int db_pool;
    char endpoint[256];
    int workers;
    char sql_dir[512];
    char events_endpoint[256];
    int outbox_retention_s;
    int job_outbox_cleanup_s;
    int job_reservation_expiry_s;
    int job_ledger_check_s;
    int job_forecast_refresh_s;
};

#define F(field) offsetof(struct inv_cfg, field)
#define S(field) sizeof(((struct inv_cfg *)0)->field)
static const struct tm_cfg_opt inv_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0, "postgresql:///techmart", 1,
     "PostgreSQL connection string (libpq URL or key=value)"},
    {"db-pool", "TM_DB_POOL", TM_CFG_INT, F(db_pool), 0, 1, 256, "16", 0,
     "database connections (one per bus worker is enough)"},
    {"endpoint", "TM_INVENTORY_ENDPOINT", TM_CFG_STR, F(endpoint), S(endpoint), 0, 0,
     "ipc:///tmp/tm-inventory-1.ipc", 0, "bus endpoint this instance binds (ipc:// or tcp://)"},
    {"workers", "TM_WORKERS", TM_CFG_INT, F(workers), 0, 1, 256, "16", 0,
     "bus worker threads, each handling one request at a time"},
    {"sql-dir", "TM_SQL_DIR", TM_CFG_STR, F(sql_dir), S(sql_dir), 0, 0, "sql", 0,
     "folder of migrations; the schema must be at its latest migration"},
    {"events-endpoint", "TM_INVENTORY_EVENTS_ENDPOINT", TM_CFG_STR, F(events_endpoint),
     S(events_endpoint), 0, 0, "ipc:///tmp/tm-inventory-events-1.ipc", 0,
     "PUB endpoint this instance binds; it publishes while it holds the outbox lock"},
    {"outbox-retention", "TM_OUTBOX_RETENTION_S", TM_CFG_INT, F(outbox_retention_s), 0, 60,
     315360000, "604800", 0, "published events are kept this long (seconds; 7 days)"},
    {"job-outbox-cleanup", "TM_JOB_OUTBOX_CLEANUP_S", TM_CFG_INT, F(job_outbox_cleanup_s), 0, 0,
     86400, "3600", 0, "how often the outbox clean-up runs (seconds; 0: only on demand)"},
    {"job-reservation-expiry", "TM_JOB_RESERVATION_EXPIRY_S", TM_CFG_INT,
     F(job_reservation_expiry_s), 0, 0, 86400, "30", 0,
     "how often expired reservations are released (seconds; 0: only on demand)"},
    {"job-ledger-check", "TM_JOB_LEDGER_CHECK_S", TM_CFG_INT, F(job_ledger_check_s), 0, 0, 604800,
     "86400", 0,
     "how often every level is checked against its ledger (seconds; 0: only on demand)"},
    {"job-forecast-refresh", "TM_JOB_FORECAST_REFRESH_S", TM_CFG_INT, F(job_forecast_refresh_s), 0,
     0, 604800, "21600", 0,
     "how often every demand forecast is recomputed and stored (seconds; 0: only on demand)"},
};
#undef F
#undef S

static void
health(void *arg, struct tm_health *h)
{
    struct inv_app *app = arg;

    tm_db_health(app->db, h);
    tm_health_add(h, "schema", atomic_load(&app->schema_ok), "%s",
                  atomic_load(&app->schema_ok) ? "inventory up to date" : "not checked yet");
    tm_health_add(h, "outbox", TM_HEALTH_UP, "%s",
                  tm_publisher_active(atomic_load(&app->pub)) ? "publishing" : "standby");
}

int
main(int argc, char **argv)
{
    static struct inv_cfg cfg;
    static struct inv_app app;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {inv_opts, sizeof inv_opts / sizeof inv_opts[0], &cfg},
    };
    struct tm_router router = {"tm-inventory", inv_routes, inv_routes_n, NULL,
                               health,         &app,       &inv_outbox};
    struct tm_publisher *pub = NULL;
    struct tm_bus_server *bus = NULL;
    struct tm_ops *ops = NULL;
    struct tm_err err;
    int status, sig;

    tm_signals_block();
    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-inventory",
                              "Catalogue, stock, forecasting and reorder service.")) >= 0)
        return status;
    status = 1;

    if (tm_db_pool_new(cfg.db_url, cfg.db_pool, &app.db, &err) != TM_OK ||
        tm_ops_start(cfg.base.ops_port, "tm-inventory", cfg.base.instance, health, &app, &ops,
                     &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    router.db = app.db;
    if ((status = tm_migrate_wait(app.db, cfg.sql_dir, "inventory")) != 0) {
        status = status < 0 ? 0 : status;
        goto out;
    }
    atomic_store(&app.schema_ok, 1);
    status = 1;
    app.outbox_retention_s = cfg.outbox_retention_s;
    inv_jobs[0].interval_s = cfg.job_outbox_cleanup_s;
    inv_jobs[1].interval_s = cfg.job_reservation_expiry_s;
    inv_jobs[2].interval_s = cfg.job_ledger_check_s;
    inv_jobs[3].interval_s = cfg.job_forecast_refresh_s;
    app.forecast_interval_s = cfg.job_forecast_refresh_s;
    if (tm_jobs_start(inv_jobs, inv_jobs_n, &inv_job_sql, cfg.db_url, cfg.base.instance, &app,
                      &app.jobs, &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    if (tm_publisher_start(&inv_outbox, cfg.db_url, cfg.events_endpoint, &pub, &err) == TM_OK)
        atomic_store(&app.pub, pub);
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
    atomic_store(&app.pub, NULL);
    tm_publisher_stop(pub);
    tm_jobs_stop(app.jobs);
    tm_ops_stop(ops);
    tm_db_pool_free(app.db);
    tm_log_info(NULL, "stopped", "status=%d", status);
    return status;
}
