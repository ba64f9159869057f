/* services/supplier/handlers.h — tm-supplier's routes (suppliers, offers,
 * performance, supplier choice), its settings and its start hook. */
#ifndef TM_SUPPLIER_HANDLERS_H
#define TM_SUPPLIER_HANDLERS_H

#include <stddef.h>

#include "common/bus.h"
#include "common/router.h"
#include "common/service.h"

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
};

extern const struct tm_route sup_routes[];
extern const size_t sup_routes_n;

/* The start hook: takes the inventory client (product checks). */
TM_MUSTCHECK enum tm_code sup_start(void *app, const struct tm_service_env *env,
                                    struct tm_err *err);

#endif
