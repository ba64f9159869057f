/* services/inventory/main.c — tm-inventory: catalogue, stock, forecasting,
 * reorder. Its declaration; common/service runs it. */
#include <stddef.h>

#include "common/service.h"

#include "services/inventory/app.h"
#include "services/inventory/forecast_handlers.h"
#include "services/inventory/handlers.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/store.h"

static const struct tm_cfg_opt opts[] = {
    {"forecast-batch", "TM_FORECAST_BATCH", TM_CFG_INT, offsetof(struct inv_app, forecast_batch), 0,
     1, 100000, "300", 0,
     "levels whose forecast is due that one forecast-refresh run refreshes at most"},
};

static const struct tm_job jobs[] = {
    {"reservation-expiry", 30, inv_job_reservation_expiry, NULL},
    {"ledger-check", 86400, inv_job_ledger_check, NULL},
    {"forecast-refresh", 300, inv_job_forecast_refresh, NULL},
};

int
main(int argc, char **argv)
{
    static struct inv_app app;
    /* purchase orders: their incoming and receipts */
    static const struct tm_service_sub subs[] = {
        {"supplier", "purchase_order.", inv_apply_supplier}};
    const struct tm_service svc = {
        .name = "inventory",
        .summary = "Catalogue, stock, forecasting and reorder service.",
        .routes = inv_routes,
        .n_routes = inv_routes_n,
        .jobs = jobs,
        .n_jobs = sizeof jobs / sizeof jobs[0],
        .outbox = &inv_outbox,
        .subs = subs,
        .n_subs = 1,
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &app,
        .app = &app,
    };

    return tm_service_main(argc, argv, &svc);
}
