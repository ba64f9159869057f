/* services/analytics/main.c — tm-analytics: read models built from events.
 * Its declaration; common/service runs it. */
#include <stddef.h>

#include "common/service.h"

#include "services/analytics/handlers.h"
#include "services/analytics/report_handlers.h"

#define F(field) offsetof(struct an_cfg, field)
static const struct tm_cfg_opt opts[] = {
    {"report-grace", "TM_REPORT_GRACE_S", TM_CFG_INT, F(report_grace_s), 0, 60, 86400, "600", 0,
     "a store's local day is reported this many seconds after its midnight"},
    {"report-backfill-days", "TM_REPORT_BACKFILL_DAYS", TM_CFG_INT, F(report_backfill_days), 0, 1,
     AN_REPORT_BACKFILL_MAX, "7", 0,
     "finished days a store without a daily report gets at first (the last N)"},
    {"report-amend-days", "TM_REPORT_AMEND_DAYS", TM_CFG_INT, F(report_amend_days), 0, 0,
     AN_REPORT_BACKFILL_MAX, "7", 0,
     "the last N finished days are computed again each run; a report whose figures changed "
     "(late sales, voids) is rewritten with its revision + 1"},
};
#undef F

static enum tm_code
start(void *app, const struct tm_service_env *env, struct tm_err *err)
{
    (void)err;
    ((struct an_app *)app)->env = env;
    return TM_OK;
}

int
main(int argc, char **argv)
{
    static struct an_cfg cfg;
    static struct an_app app = {.cfg = &cfg};
    /* in AN_SOURCES order: the lag report and the rebuild name them so */
    static const struct tm_service_sub subs[AN_SOURCES] = {
        {"inventory", "", an_apply, NULL}, {"txn", "txn.", an_apply_txn, an_flush_txn}};
    static const struct tm_job jobs[] = {{"rebuild", 0, an_job_rebuild, NULL},
                                         {"daily-report", 300, an_job_daily_report, NULL}};
    static const char *const peers[] = {"txn"};
    const struct tm_service svc = {
        .name = "analytics",
        .summary = "Read models fed by events: the catalogue copy, sales, lag, daily reports.",
        .routes = an_routes,
        .n_routes = an_routes_n,
        .peers = peers,
        .n_peers = 1,
        .jobs = jobs,
        .n_jobs = sizeof jobs / sizeof jobs[0],
        .subs = subs,
        .n_subs = AN_SOURCES,
        .opts = opts,
        .n_opts = sizeof opts / sizeof opts[0],
        .cfg = &cfg,
        .db_pool = 8,
        .app = &app,
        .start = start,
    };

    return tm_service_main(argc, argv, &svc);
}
