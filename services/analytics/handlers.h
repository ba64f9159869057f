/* services/analytics/handlers.h — tm-analytics' routes and its event
 * handling: the catalogue read copy fed by inventory's events. */
#ifndef TM_ANALYTICS_HANDLERS_H
#define TM_ANALYTICS_HANDLERS_H

#include <stddef.h>

#include "common/router.h"
#include "common/service.h"
#include "common/subscriber.h"

/* tm-analytics' own settings (main.c's table). */
struct an_cfg {
    int report_grace_s;       /* a local day is finished this long after its midnight */
    int report_backfill_days; /* days a store without reports gets at first */
};

/* env->subs' order: main.c's subs. */
enum { AN_SUB_INVENTORY, AN_SUB_TXN };

struct an_app {
    const struct tm_service_env *env; /* set by the start hook */
    const struct an_cfg *cfg;         /* read-only */
};

extern const struct tm_route an_routes[];
extern const size_t an_routes_n;

/* tm_apply_fn for inventory's events: category.* and product.* upsert the
 * read copy; other topics change nothing (their seq still counts). */
TM_MUSTCHECK enum tm_code an_apply(void *app, PGconn *db, const struct tm_event *ev,
                                   struct tm_err *err);

#endif
