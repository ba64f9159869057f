/* services/inventory/app.h — what tm-inventory's threads share: its
 * settings and the bus client to tm-supplier, set by its start hook
 * (main.c), read-only once the bus serves. */
#ifndef TM_INVENTORY_APP_H
#define TM_INVENTORY_APP_H

#include <stdint.h>

#include "common/bus.h"

#include "services/inventory/reorder.h"

/* tm-inventory's own settings (main.c's table); the reorder ones are
 * read by reorder_handlers.c (docs/reorder.md). */
struct inv_cfg {
    char fill_a[16], fill_b[16], fill_c[16]; /* fill-rate targets per ABC class, in (0, 1) */
    int review_days;                         /* R */
    char holding_rate[16];                   /* per year, share of unit cost, ≥ 0 */
    int order_cost_cents;                    /* per purchase order */
    int max_cover_days;                      /* an order buys at most this many days (0: no cap) */
    int abc_days;                            /* the revenue window of the ABC classes */
    int default_lead_days;                   /* the lead time when no supplier offers one */
    char supplier_policy[24];                /* the supplier choice's policy at approval */
    int scan_max;                            /* levels one reorder-scan run looks at */
};

struct inv_app {
    const struct inv_cfg *cfg;
    int64_t forecast_interval_s;    /* stored forecasts are this fresh at most */
    struct rp_levels levels;        /* cfg's fill rates, parsed */
    double holding_rate;            /* cfg's, parsed */
    struct tm_bus_client *supplier; /* env->peers[0]: supplier choice, purchase orders */
};

#endif
