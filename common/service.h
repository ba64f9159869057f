/* common/service.h — one declaration per daemon. A daemon fills in a
 * struct tm_service (its name, routes, jobs, events, settings, health) and
 * its main is one call to tm_service_main, which runs what every daemon
 * runs: configuration and --help, logging, the database pool, waiting for
 * and checking its schema, the ops port with /health and /metrics, the
 * outbox publisher, the job runner, the subscribers, the bus workers, the
 * signal loop and a clean shutdown. The core knows no daemon; everything
 * per-daemon is derived from the declaration (docs/adding-a-service.md):
 *
 *   name "supplier"  → program tm-supplier, schema `supplier` (its outbox,
 *                      inbox and job_runs from sql/plumbing/), settings
 *                      TM_SUPPLIER_ENDPOINT, TM_SUPPLIER_EVENTS_ENDPOINT
 *   job "po-expiry"  → setting job-po-expiry / TM_JOB_PO_EXPIRY_S
 *   peer "inventory" → setting inventory-endpoints / TM_INVENTORY_ENDPOINTS
 *                      and a bus client handed to start()
 *   sub "inventory"  → inventory-events-endpoints /
 *                      TM_INVENTORY_EVENTS_ENDPOINTS, replay over
 *                      inventory-endpoints, applied once via <schema>.inbox
 *
 * The declaration is read-only; tm_service_main is called once, from main. */
#ifndef TM_COMMON_SERVICE_H
#define TM_COMMON_SERVICE_H

#include <stddef.h>

#include "common/bus.h"
#include "common/config.h"
#include "common/db.h"
#include "common/jobs.h"
#include "common/ops.h"
#include "common/outbox.h"
#include "common/router.h"
#include "common/subscriber.h"

#define TM_SERVICE_JOBS_MAX 16 /* the daemon's own, plus outbox-cleanup */
#define TM_SERVICE_PEERS_MAX 8 /* services called or subscribed to, together */
#define TM_SERVICE_SUBS_MAX 4
#define TM_SERVICE_NAME_MAX 24 /* [a-z][a-z0-9_]*: also the schema */

/* An event subscription: source's events whose topic starts with one of
 * prefix's comma-separated prefixes ("" for all), applied by apply. */
struct tm_service_sub {
    const char *source; /* the publishing service, "inventory" */
    const char *prefix;
    tm_apply_fn apply;
    tm_flush_fn flush; /* NULL, or writes what apply held back (common/subscriber.h) */
};

/* What the core built for the daemon, handed to its start hook; valid until
 * its stop hook returns, but for subs (stopped and freed just before it). */
struct tm_service_env {
    struct tm_db_pool *db;
    const char *db_url;
    const char *instance;
    struct tm_bus_client *peers[TM_SERVICE_PEERS_MAX]; /* in the declaration's peers order */
    /* The subscribers, in the declaration's subs order: NULL in start(),
     * set before the bus serves (read them from handlers, not from start). */
    struct tm_subscriber *subs[TM_SERVICE_SUBS_MAX];
    const struct tm_job *jobs; /* the jobs as configured (intervals from settings) */
    int n_jobs;
};

/* The configured interval of job `name` in env (seconds; 0 when on demand
 * only or unknown). */
int tm_service_job_interval(const struct tm_service_env *env, const char *name);

struct tm_service {
    const char *name;    /* "inventory": program tm-<name>, schema <name> */
    const char *summary; /* one line for --help */
    const struct tm_route *routes;
    size_t n_routes;
    /* Scheduled jobs: interval_s is the default, the setting job-<name>
     * overrides it; each runs with the job's arg, or app when arg is NULL. */
    const struct tm_job *jobs;
    int n_jobs;
    /* The outbox its handlers write events to, {name}; NULL when it
     * publishes nothing. Brings events-endpoint, REPLAY and the
     * outbox-cleanup job with outbox-retention. */
    const struct tm_outbox *outbox;
    const struct tm_service_sub *subs;
    int n_subs;
    const char *const *peers; /* services it calls over the bus, by name */
    int n_peers;
    /* Its own settings, beside the core's; offsets into cfg. */
    const struct tm_cfg_opt *opts;
    size_t n_opts;
    void *cfg;
    int db_pool; /* default database connections and bus workers (0: 16) */
    void *app;   /* handed to handlers (ctx->app), jobs, apply and the hooks */
    /* After the schema is current and the jobs, subscribers and publisher
     * run, before the bus serves: what the daemon itself sets up.
     * TM_INVALID (a setting out of range, named in err->field) stops the
     * daemon with exit status 2, any other failure with 1. */
    enum tm_code (*start)(void *app, const struct tm_service_env *env, struct tm_err *err);
    /* After the bus has stopped, whenever start was called (also when it
     * failed half-way: free what is there). May be NULL. */
    void (*stop)(void *app);
    tm_health_fn health; /* its own /health lines after the core's; may be NULL */
};

/* Runs the daemon; returns its exit status (0 after a stop signal or
 * --help, 1 when it could not start, 2 for a bad setting or a schema that
 * is behind or edited). */
int tm_service_main(int argc, char **argv, const struct tm_service *svc);

#endif
