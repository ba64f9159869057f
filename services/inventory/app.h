/* services/inventory/app.h — what tm-inventory's threads share: built by
 * main, read-only once the bus starts (the pointers' targets are
 * thread-safe or guarded as their modules say). */
#ifndef TM_INVENTORY_APP_H
#define TM_INVENTORY_APP_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/db.h"
#include "common/jobs.h"
#include "common/outbox.h"

struct inv_app {
    struct tm_db_pool *db;
    atomic_int schema_ok;               /* set once the migration check passed */
    _Atomic(struct tm_publisher *) pub; /* set once started; read by /health */
    struct tm_jobs *jobs;               /* set before the bus starts */
    int64_t outbox_retention_s;         /* events older than this are removed */
    int64_t forecast_interval_s;        /* stored forecasts are this fresh at most */
};

#endif
