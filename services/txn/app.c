/* services/txn/app.c — tm-txn's own part of starting and stopping (common/
 * service runs the rest): Redis, the first rule set, its /health line. */
#include "services/txn/app.h"

#include "services/txn/fraud.h"
#include "services/txn/txn_store.h"

enum tm_code
tx_app_start(void *arg, const struct tm_service_env *env, struct tm_err *err)
{
    struct tx_app *a = arg;
    const struct tx_cfg *cfg = a->cfg;
    PGconn *c = NULL;
    enum tm_code rc;

    a->inventory = env->peers[0];
    a->price_tolerance_pct = cfg->price_tolerance_pct;
    a->future_skew_s = cfg->future_skew_s;
    a->claim_abandon_s = cfg->claim_abandon_s;
    if ((rc = tm_redis_pool_new(cfg->redis_url, 300, cfg->redis_pool, &a->redis, err)) != TM_OK ||
        (rc = tm_db_acquire(env->db, 5000, &c, err)) != TM_OK)
        return rc;
    rc = tx_db_rules_init(c, fr_default_rules_json, err); /* version 1, once per database */
    tm_db_release(env->db, c);
    return rc;
}

void
tx_app_stop(void *arg)
{
    tm_redis_pool_free(((struct tx_app *)arg)->redis);
}

void
tx_app_health(void *arg, struct tm_health *h)
{
    tm_health_add(h, "redis", TM_HEALTH_UP, "%s",
                  tm_redis_pool_up(((struct tx_app *)arg)->redis)
                      ? "up"
                      : "down: velocity rules not evaluated");
}
