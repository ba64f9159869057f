/* services/inventory/app.h — what tm-inventory's threads share: set by its
 * start hook (main.c), read-only once the bus serves. */
#ifndef TM_INVENTORY_APP_H
#define TM_INVENTORY_APP_H

#include <stdint.h>

struct inv_app {
    int64_t forecast_interval_s; /* stored forecasts are this fresh at most */
};

#endif
