/* services/gateway/proxy.h — the gateway's HTTP entry for /api/: CORS,
 * route match, authentication, rate limits, authorization, dispatch (to a
 * service over the bus or to the gateway's own routes), audit of writes,
 * and the reply. Runs on civetweb's threads; struct gw_app is shared
 * read-only. */
#ifndef TM_GATEWAY_PROXY_H
#define TM_GATEWAY_PROXY_H

#include <civetweb.h>

#include "common/ops.h"

#include "services/gateway/app.h"

/* civetweb request handler for /api/: cbdata is the struct gw_app. */
int gw_proxy_handle(struct mg_connection *conn, void *cbdata);

/* Health: each routed service is up when at least one instance answers
 * ready; PostgreSQL must answer; Redis is reported (the gateway serves
 * without it, failing open) but does not make it unready. */
void gw_health(void *app, struct tm_health *h);

#endif
