/* services/analytics/main.c — tm-analytics: read models built from events.
 * Its declaration; common/service runs it. */
#include "common/service.h"

#include "services/analytics/handlers.h"

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
    static struct an_app app;
    /* in AN_SOURCES order: the lag report and the rebuild name them so */
    static const struct tm_service_sub subs[AN_SOURCES] = {{"inventory", "", an_apply},
                                                           {"txn", "txn.", an_apply_txn}};
    static const struct tm_job jobs[] = {{"rebuild", 0, an_job_rebuild, NULL}};
    const struct tm_service svc = {
        .name = "analytics",
        .summary = "Read models fed by events: the catalogue copy, sales, lag.",
        .routes = an_routes,
        .n_routes = an_routes_n,
        .subs = subs,
        .n_subs = AN_SOURCES,
        .jobs = jobs,
        .n_jobs = sizeof jobs / sizeof jobs[0],
        .db_pool = 8,
        .app = &app,
        .start = start,
    };

    return tm_service_main(argc, argv, &svc);
}
