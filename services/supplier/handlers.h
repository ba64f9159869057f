/* services/supplier/handlers.h — tm-supplier's routes (suppliers, offers,
 * performance, supplier choice, cached catalogues), its settings and its
 * start, stop and health hooks. */
#ifndef TM_SUPPLIER_HANDLERS_H
#define TM_SUPPLIER_HANDLERS_H

#include <stddef.h>

#include "common/bus.h"
#include "common/router.h"
#include "common/service.h"

struct sup_api;

/* tm-supplier's own settings (main.c's table). */
struct sup_cfg {
    int quoted_on_time_pct; /* credited to a supplier with too few receipts */
    int quoted_fill_pct;
    int min_receipts;     /* below this many receipts, quoted values are used */
    char api_hosts[1024]; /* comma-separated hosts a supplier's api_url may name */
    char currency[4];     /* the platform's: offers in another are not compared */
    /* the supplier API client (services/supplier/api.h) */
    int api_timeout_ms;       /* one attempt, connect included */
    int api_attempts;         /* at most, the first included */
    int api_backoff_ms;       /* the first retry's ceiling; doubles, full jitter */
    int api_backoff_max_ms;   /* cap of one wait; a longer Retry-After ends the retries */
    int api_breaker_failures; /* consecutive failed calls that open a supplier's breaker */
    int api_breaker_open_ms;  /* open this long before one probe */
    int catalogue_stale_s;    /* a cached catalogue older than this is stale */
};

struct sup_api;
struct tm_db_pool;

struct sup_app {
    const struct sup_cfg *cfg;
    struct tm_bus_client *inventory; /* env->peers[0]; set by sup_start */
    struct sup_api *api;             /* the supplier API client; sup_start to sup_stop */
    struct tm_db_pool *db;           /* env->db, for the breaker events; set by sup_start */
    const char *instance;            /* env->instance, named in breaker events; by sup_start */
};

/* Whether tm-inventory has /api/v1/<what>/{id} ("products", "stores"):
 * asked over the bus as this daemon, with the caller's identity. `missing`
 * is the code for one that does not exist, naming field. */
TM_MUSTCHECK enum tm_code sup_inventory_has(struct tm_ctx *ctx, const char *what, int64_t id,
                                            enum tm_code missing, const char *field,
                                            struct tm_err *err);

extern const struct tm_route sup_routes[];
extern const size_t sup_routes_n;

/* The start hook: takes the inventory client (product checks) and the
 * pool, and makes the supplier API client from the settings. TM_INVALID
 * naming the setting when they are out of range. */
TM_MUSTCHECK enum tm_code sup_start(void *app, const struct tm_service_env *env,
                                    struct tm_err *err);
/* The stop hook: frees the API client. */
void sup_stop(void *app);
/* The health hook: the "supplier-api" line (every breaker's state). */
void sup_health(void *app, struct tm_health *h);

#endif
