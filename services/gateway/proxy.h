/* services/gateway/proxy.h — the gateway's HTTP → envelope → service path.
 * struct gw_app is built by main and shared read-only by civetweb's worker
 * threads; the bus clients inside it are thread-safe. */
#ifndef TM_GATEWAY_PROXY_H
#define TM_GATEWAY_PROXY_H

#include <civetweb.h>

#include "common/bus.h"
#include "common/config.h"
#include "common/ops.h"

#include "services/gateway/routes.h"

struct gw_cfg {
    struct tm_base_cfg base;
    char listen[64];                    /* "127.0.0.1:8081" */
    int threads;                        /* civetweb workers: one per keep-alive connection */
    int deadline_ms;                    /* whole time a request may take inside TechMart */
    int body_max;                       /* request body ceiling in bytes (413 above) */
    int bus_max_sockets;                /* nanomsg REQ sockets per service (process limit 512) */
    char endpoints[GW_SVC_COUNT][1024]; /* comma-separated bus endpoints per service */
};

struct gw_app {
    const struct gw_cfg *cfg;
    struct tm_bus_client *svc[GW_SVC_COUNT];
};

/* civetweb request handler for /api/: cbdata is the struct gw_app. */
int gw_proxy_handle(struct mg_connection *conn, void *cbdata);

/* Health: each routed service is up when at least one instance answers ready. */
void gw_health(void *app, struct tm_health *h);

#endif
