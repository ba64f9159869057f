/* services/inventory/app.h — what tm-inventory's threads share: its own
 * settings (main.c's table), loaded before anything runs and read-only
 * after. */
#ifndef TM_INVENTORY_APP_H
#define TM_INVENTORY_APP_H

struct inv_app {
    int forecast_batch; /* due levels a forecast-refresh run takes at most */
};

#endif
