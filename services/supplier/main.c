/* services/supplier/main.c — tm-supplier: suppliers, their offers and the
 * supplier choice. Its declaration; common/service runs it. */
#include <stddef.h>

#include "common/service.h"

#include "services/supplier/handlers.h"
#include "services/supplier/po_handlers.h"
#include "services/supplier/store.h"

#define F(field) offsetof(struct sup_cfg, field)
static const struct tm_cfg_opt opts[] = {
    {"quoted-on-time", "TM_SUPPLIER_QUOTED_ON_TIME_PCT", TM_CFG_INT, F(quoted_on_time_pct), 0, 0,
     100, "90", 0, "on-time rate (percent) credited to a supplier with too few receipts"},
    {"quoted-fill", "TM_SUPPLIER_QUOTED_FILL_PCT", TM_CFG_INT, F(quoted_fill_pct), 0, 0, 100, "95",
     0, "fill rate (percent) credited to a supplier with too few receipts"},
    {"min-receipts", "TM_SUPPLIER_MIN_RECEIPTS", TM_CFG_INT, F(min_receipts), 0, 1, 100000, "5", 0,
     "receipts needed before measured performance replaces the quoted one"},
    {"api-hosts", "TM_SUPPLIER_API_HOSTS", TM_CFG_STR, F(api_hosts),
     sizeof(((struct sup_cfg *)0)->api_hosts), 0, 0, "", 0,
     "comma-separated hosts a supplier's api_url may name (http or https only; none by default)"},
    {"currency", "TM_CURRENCY", TM_CFG_STR, F(currency), sizeof(((struct sup_cfg *)0)->currency), 0,
     0, "USD", 0, "the platform's currency (ISO 4217): only offers in it are compared"},
};
#undef F

static struct sup_cfg cfg;
static struct sup_app app = {.cfg = &cfg};

/* each runs with app */
static const struct tm_job jobs[] = {
    {"po-resubmit", 60, sup_job_po_resubmit, NULL},
};

int
main(int argc, char **argv)
{
    static const char *const peers[] = {"inventory"};
    const struct tm_service svc = {
        .name = "supplier",
        .summary = "Suppliers, their offers and the supplier choice.",
        .routes = sup_routes,
        .n_routes = sup_routes_n,
        .jobs = jobs,
        .n_jobs = sizeof jobs / sizeof jobs[0],
        .outbox = &sup_outbox,
        .peers = peers,
        .n_peers = 1,
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &cfg,
        .app = &app,
        .start = sup_start,
    };

    return tm_service_main(argc, argv, &svc);
}
