/* services/supplier-mock/handlers.h — tm-supplier-mock's HTTP side: one
 * civetweb handler that authenticates, draws the request's fault, routes
 * to the supplier API (/v1/) or the admin routes (/admin/) and writes the
 * reply (docs/supplier-api.md). The mock's state lives in struct mock_app,
 * shared by civetweb's worker threads under app->mu; no lock is held while
 * sleeping or writing to a client. */
#ifndef TM_SUPPLIER_MOCK_HANDLERS_H
#define TM_SUPPLIER_MOCK_HANDLERS_H

#include <pthread.h>
#include <stdint.h>

#include <civetweb.h>

#include "common/config.h"

#include "services/supplier-mock/catalogue.h"
#include "services/supplier-mock/fault.h"
#include "services/supplier-mock/orders.h"

#define MOCK_SECRET_MAX 128

/* The settings (main.c's table); read-only once the server runs. */
struct mock_cfg {
    struct tm_base_cfg base;
    char listen[128];
    int threads;
    char code[MOCK_CODE_MAX + 1];        /* supplier code: order ids' prefix */
    char currency[4];                    /* ISO 4217 */
    char api_key[MOCK_SECRET_MAX + 1];   /* "" : the API takes any caller */
    char admin_key[MOCK_SECRET_MAX + 1]; /* "" : the admin routes take api_key */
    char catalogue[512];                 /* file path, "" for none */
    int seed;
    int lead_time_days; /* for items that quote none */
    int orders_max;
    int latency_ms, hang_ms, retry_after_s;
    char error_rate[16], timeout_rate[16], drop_rate[16], malformed_rate[16], rate_limit_rate[16],
        after_share[16]; /* shares as text, mock_share_parse */
};

/* What GET /admin/stats shows; reset by POST /admin/reset. */
struct mock_stats {
    int64_t requests; /* /v1/ requests authenticated and routed */
    int64_t orders_created, orders_replayed;
    int64_t faults[MOCK_FAULT_KINDS]; /* injected, by kind */
    int64_t faults_after;             /* of those, after an order was recorded */
};

struct mock_app {
    const struct mock_cfg *cfg; /* borrowed, read-only */
    pthread_mutex_t mu;
    struct mock_faults faults; /* protected by mu */
    uint64_t rng;              /* protected by mu: the fault generator's state */
    struct mock_catalogue cat; /* protected by mu */
    struct mock_orders orders; /* protected by mu */
    struct mock_stats stats;   /* protected by mu */
    pthread_cond_t wake;       /* with mu: ends latency and hang waits at shutdown */
    int stopping;              /* protected by mu */
};

/* Prepares app with cfg (borrowed for app's life), the checked faults f and
 * the catalogue cat, whose items app takes (cat is left empty). */
void mock_app_init(struct mock_app *app, const struct mock_cfg *cfg, const struct mock_faults *f,
                   struct mock_catalogue *cat);
/* Ends every latency or hang wait in progress at once, and those to come:
 * called before mg_stop so that shutdown does not wait out a 30 s hang. */
void mock_app_stop(struct mock_app *app);
/* Frees what app holds. Only once civetweb has stopped. */
void mock_app_fini(struct mock_app *app);

/* civetweb request handler for "/"; cbdata is the struct mock_app. */
int mock_handle(struct mg_connection *conn, void *cbdata);

#endif
