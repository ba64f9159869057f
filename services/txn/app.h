/* services/txn/app.h — what tm-txn's threads share: set by its start hook
 * (main.c), read-only once the bus serves (the pointers' targets are
 * thread-safe as their modules say). */
#ifndef TM_TXN_APP_H
#define TM_TXN_APP_H

#include <stdint.h>

#include "common/bus.h"
#include "common/redis.h"

struct tx_app {
    struct tm_redis_pool *redis;     /* velocity counters */
    struct tm_bus_client *inventory; /* stock commits and their reversal */
    double price_tolerance_pct;      /* a line's price may differ this much from the catalogue */
    int64_t future_skew_s;           /* occurred_at may be this far ahead of our clock */
    int64_t claim_abandon_s;         /* a pending sale this old is given up (stock returned) */
};

#endif
