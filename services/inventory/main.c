/* services/inventory/main.c — tm-inventory: catalogue, stock, forecasting,
 * reorder. Its declaration; common/service runs it. */
#include <stddef.h>

#include "common/service.h"

#include "services/inventory/app.h"
#include "services/inventory/forecast_handlers.h"
#include "services/inventory/handlers.h"
#include "services/inventory/reorder_handlers.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/store.h"

#define F(field) offsetof(struct inv_cfg, field)
#define S(field) sizeof(((struct inv_cfg *)0)->field)
/* the reorder policy's settings (docs/reorder.md); fill rates and the
 * holding rate are checked by the start hook (inv_start) */
static const struct tm_cfg_opt opts[] = {
    {"forecast-batch", "TM_FORECAST_BATCH", TM_CFG_INT, F(forecast_batch), 0, 1, 100000, "300", 0,
     "levels whose forecast is due that one forecast-refresh run refreshes at most"},
    {"reorder-fill-a", "TM_REORDER_FILL_A", TM_CFG_STR, F(fill_a), S(fill_a), 0, 0, "0.98", 0,
     "fill-rate target of class A products (the first 80 % of revenue), in (0, 1)"},
    {"reorder-fill-b", "TM_REORDER_FILL_B", TM_CFG_STR, F(fill_b), S(fill_b), 0, 0, "0.95", 0,
     "fill-rate target of class B products (the next 15 %), in (0, 1)"},
    {"reorder-fill-c", "TM_REORDER_FILL_C", TM_CFG_STR, F(fill_c), S(fill_c), 0, 0, "0.90", 0,
     "fill-rate target of class C products (the rest), in (0, 1)"},
    {"reorder-review-days", "TM_REORDER_REVIEW_DAYS", TM_CFG_INT, F(review_days), 0, 1,
     RP_REVIEW_MAX, "1", 0,
     "days between reviews of a level (the policy's R; the reorder-scan job looks at a level at "
     "least daily)"},
    {"reorder-holding-rate", "TM_REORDER_HOLDING_RATE", TM_CFG_STR, F(holding_rate),
     S(holding_rate), 0, 0, "0.25", 0,
     "holding cost per year as a share of unit cost (EOQ), 0 to 100"},
    {"reorder-order-cost-cents", "TM_REORDER_ORDER_COST_CENTS", TM_CFG_INT, F(order_cost_cents), 0,
     0, 100000000, "5000", 0, "cost of placing one purchase order, cents (EOQ)"},
    {"reorder-max-cover-days", "TM_REORDER_MAX_COVER_DAYS", TM_CFG_INT, F(max_cover_days), 0, 0,
     3650, "60", 0, "the most days of demand one order buys (caps the EOQ; 0: no cap)"},
    {"reorder-abc-days", "TM_REORDER_ABC_DAYS", TM_CFG_INT, F(abc_days), 0, 1, 730, "90", 0,
     "days of sales revenue the ABC classes are drawn from"},
    {"reorder-default-lead-days", "TM_REORDER_DEFAULT_LEAD_DAYS", TM_CFG_INT, F(default_lead_days),
     0, 0, 180, "7", 0, "lead time of a product no supplier offers (its no_supplier suggestion)"},
    {"reorder-supplier-policy", "TM_REORDER_SUPPLIER_POLICY", TM_CFG_STR, F(supplier_policy),
     S(supplier_policy), 0, 0, "weighted", 0,
     "tm-supplier's choice policy at approval: cheapest, fastest, most_reliable, preferred or "
     "weighted"},
    {"reorder-scan-max", "TM_REORDER_SCAN_MAX", TM_CFG_INT, F(scan_max), 0, 1, 100000, "2000", 0,
     "levels one reorder-scan run computes, the least recently scanned first"},
};
#undef F
#undef S

static const struct tm_job jobs[] = {
    {"reservation-expiry", 30, inv_job_reservation_expiry, NULL},
    {"ledger-check", 86400, inv_job_ledger_check, NULL},
    {"forecast-refresh", 300, inv_job_forecast_refresh, NULL},
    {"reorder-scan", 3600, inv_job_reorder_scan, NULL},
};

int
main(int argc, char **argv)
{
    static struct inv_cfg cfg;
    static struct inv_app app = {.cfg = &cfg};
    /* tm-supplier: the supplier choice and purchase orders (reorder) */
    static const char *const peers[] = {"supplier"};
    /* purchase orders: their incoming and receipts; offers: the levels the
     * reorder-scan job takes again */
    static const struct tm_service_sub subs[] = {
        {"supplier", "purchase_order.,offer.", inv_apply_supplier, NULL}};
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
        .peers = peers,
        .n_peers = 1,
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &cfg,
        .app = &app,
        .start = inv_start,
    };

    return tm_service_main(argc, argv, &svc);
}
