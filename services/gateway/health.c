/* services/gateway/health.c — gw_health (health.h): the gateway's readiness
 * from the services it routes to, PostgreSQL and Redis. */
#include "services/gateway/health.h"

#include <stdio.h>
#include <string.h>

#include "common/bus.h"
#include "common/db.h"
#include "common/envelope.h"
#include "common/redis.h"
#include "common/router.h"
#include "common/time.h"

#include "services/gateway/app.h"
#include "services/gateway/routes.h"

#define PROBE_MS 500 /* one instance's answer to the HEALTH probe */

void
gw_health(void *arg, struct tm_health *h)
{
    const struct gw_app *app = arg;
    struct tm_buf env;
    struct tm_request probe;
    struct tm_redis *r;
    struct tm_err err;

    memset(&probe, 0, sizeof probe);
    snprintf(probe.id, sizeof probe.id, "health");
    snprintf(probe.method, sizeof probe.method, "%s", TM_HEALTH_METHOD);
    snprintf(probe.route, sizeof probe.route, "/_health");
    snprintf(probe.principal.kind, sizeof probe.principal.kind, "internal");
    tm_buf_init(&env, 4096);
    if (tm_request_encode(&probe, &env, NULL) != TM_OK)
        return;
    for (size_t s = 0; s < gw_daemons_n; s++) {
        struct tm_bus_client *cli = app->bus[s];
        int n, ready = 0;

        if (!cli)
            continue;
        n = tm_bus_client_instances(cli);
        for (int i = 0; i < n; i++) {
            char *reply = NULL;
            size_t len = 0;
            struct tm_reply_view v;

            if (tm_bus_call_instance(cli, i, env.p, env.len, tm_mono_ms() + PROBE_MS, &reply, &len,
                                     NULL) == TM_OK &&
                tm_reply_decode(reply, len, &v, NULL) == TM_OK && v.status == 200)
                ready++;
            tm_bus_free(reply);
        }
        tm_health_add(h, gw_daemons[s].name, ready > 0, "%d/%d instances ready", ready, n);
    }
    tm_buf_fini(&env);
    tm_db_health(app->db, h);
    /* Redis: reported, never blocking readiness (rate limits fail open). */
    r = tm_redis_pool_get(app->redis, 100);
    if (r && tm_redis_ping(r, &err) == TM_OK)
        tm_health_add(h, "redis", 1, "ok");
    else
        tm_health_add(h, "redis", TM_HEALTH_DEGRADED, "down: rate limits not enforced (%s)",
                      r ? err.message : "no connection");
    tm_redis_pool_put(app->redis, r);
}
