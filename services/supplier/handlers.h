/* services/supplier/handlers.h — tm-supplier's routes (suppliers, offers,
 * performance, supplier choice), its settings and its start hook. */
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
};

struct sup_app {
    const struct sup_cfg *cfg;
    struct tm_bus_client *inventory; /* env->peers[0]; set by sup_start */
    struct sup_api *api;             /* the supplier API client; set by sup_start */
};

/* Whether tm-inventory has /api/v1/<what>/{id} ("products", "stores"):
 * asked over the bus as this daemon, with the caller's identity. `missing`
 * is the code for one that does not exist, naming field. */
TM_MUSTCHECK enum tm_code sup_inventory_has(struct tm_ctx *ctx, const char *what, int64_t id,
                                            enum tm_code missing, const char *field,
                                            struct tm_err *err);

extern const struct tm_route sup_routes[];
extern const size_t sup_routes_n;

/* The start hook: takes the inventory client (product checks). */
TM_MUSTCHECK enum tm_code sup_start(void *app, const struct tm_service_env *env,
                                    struct tm_err *err);

#endif
