/* services/txn/app.h — what tm-txn's threads share: built by main,
 * read-only once the bus starts (the pointers' targets are thread-safe or
 * guarded as their modules say). */
#ifndef TM_TXN_APP_H
#define TM_TXN_APP_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/bus.h"
#include "common/db.h"
#include "common/jobs.h"
#include "common/outbox.h"
#include "common/redis.h"

struct tx_app {
    struct tm_db_pool *db;
    struct tm_redis_pool *redis;        /* velocity counters */
    struct tm_bus_client *inventory;    /* stock commits and their reversal */
    atomic_int schema_ok;               /* set once the migration check passed */
    _Atomic(struct tm_publisher *) pub; /* set once started; read by /health */
    struct tm_jobs *jobs;               /* set before the bus starts */
    int64_t outbox_retention_s;         /* events older than this are removed */
    double price_tolerance_pct;         /* a line's price may differ this much from the catalogue */
    int64_t future_skew_s;              /* occurred_at may be this far ahead of our clock */
    int64_t claim_abandon_s;            /* a pending sale this old is given up (stock returned) */
};

#endif
