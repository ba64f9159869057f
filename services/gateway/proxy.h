/* services/gateway/proxy.h — the gateway's HTTP entry for /api/: CORS,
 * route match, authentication, rate limits, authorization, dispatch (to a
 * service over the bus or to the gateway's own routes), audit of writes,
 * and the reply. Runs on civetweb's threads; struct gw_app is shared
 * read-only. */
#ifndef TM_GATEWAY_PROXY_H
#define TM_GATEWAY_PROXY_H

#include <civetweb.h>

#include "services/gateway/app.h"
#include "services/gateway/auth.h"

/* civetweb request handler for /api/: cbdata is the struct gw_app. */
int gw_proxy_handle(struct mg_connection *conn, void *cbdata);

#define GW_ADDR_MAX 48 /* a client's address, text */

/* What gw_proxy_admit let in. */
struct gw_admission {
    struct gw_principal who; /* as gw_authorize let it in: never anonymous for a route
                              * that needs a permission */
    char rid[TM_RID_MAX + 1];
    char addr[GW_ADDR_MAX];
    int n_query; /* the query, decoded and bounded as for any request */
    char query[TM_QUERY_MAX][2][TM_QUERY_VALUE_MAX + 1];
};

/* The checks of gw_proxy_handle (route, credentials, rate limits and
 * revocation, permission) for a request the gateway answers otherwise (a
 * WebSocket upgrade). On 1
 * *out is filled and nothing was written to conn; on 0 the refusal has been
 * answered, logged and audited as any refusal, and the caller writes no
 * more. */
int gw_proxy_admit(struct mg_connection *conn, const struct gw_app *app, struct gw_admission *out);

#endif
