/* services/txn/app.h — what tm-txn's threads share: set by its start hook
 * (main.c), read-only once the bus serves (the pointers' targets, and
 * `rules`, are thread-safe as their modules say). */
#ifndef TM_TXN_APP_H
#define TM_TXN_APP_H

#include <stdint.h>

#include "common/bus.h"
#include "common/ops.h"
#include "common/redis.h"
#include "common/service.h"

#include "services/txn/rules_cache.h"

/* tm-txn's own settings (main.c declares them). */
struct tx_cfg {
    char redis_url[256];
    int redis_pool, price_tolerance_pct, future_skew_s, claim_abandon_s;
};

struct tx_app {
    const struct tx_cfg *cfg;
    struct tm_redis_pool *redis;     /* velocity counters */
    struct tm_bus_client *inventory; /* stock commits and their reversal */
    double price_tolerance_pct;      /* a line's price may differ this much from the catalogue */
    int64_t future_skew_s;           /* occurred_at may be this far ahead of our clock */
    int64_t claim_abandon_s;         /* a pending sale this old is given up (stock returned) */
    struct tx_rules_cache rules;     /* the decoded current rule set (TX_RULES_CACHE_INIT) */
};

/* The hooks of its declaration (common/service.h). */
TM_MUSTCHECK enum tm_code tx_app_start(void *app, const struct tm_service_env *env,
                                       struct tm_err *err);
void tx_app_stop(void *app);
void tx_app_health(void *app, struct tm_health *h);

#endif
