/* services/gateway/health.h — the gateway's /health (common/ops). */
#ifndef TM_GATEWAY_HEALTH_H
#define TM_GATEWAY_HEALTH_H

#include "common/ops.h"

/* Health: each routed service is up when at least one instance answers
 * ready; PostgreSQL must answer; Redis is reported (the gateway serves
 * without it, failing open) but does not make it unready. app is the
 * struct gw_app. */
void gw_health(void *app, struct tm_health *h);

#endif
