/* services/gateway/main.c — tm-gateway: the only HTTP entry of the API.
 * Wiring only: config, logging, bus clients, HTTP and ops servers, then the
 * signal loop; on SIGTERM it stops taking connections, lets civetweb finish
 * the requests in hand, and closes in reverse order. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <nanomsg/nn.h>

#include "common/config.h"
#include "common/http.h"
#include "common/log.h"
#include "common/signals.h"

#include "services/gateway/proxy.h"

#define F(field) offsetof(struct gw_cfg, field)
#define S(field) sizeof(((struct gw_cfg *)0)->field)
static const struct tm_cfg_opt gw_opts[] = {
    {"listen", "TM_GATEWAY_LISTEN", TM_CFG_STR, F(listen), S(listen), 0, 0, "127.0.0.1:8081", 0,
     "address:port the API is served on (nginx proxies to it)"},
    {"threads", "TM_GATEWAY_THREADS", TM_CFG_INT, F(threads), 0, 2, 4096, "256", 0,
     "HTTP worker threads; civetweb needs one per keep-alive connection"},
    {"deadline-ms", "TM_DEADLINE_MS", TM_CFG_INT, F(deadline_ms), 0, 50, 120000, "5000", 0,
     "time a request may take inside TechMart before it is answered 504"},
    {"body-max", "TM_BODY_MAX", TM_CFG_INT, F(body_max), 0, 1024, TM_BODY_MAX, "1048576", 0,
     "largest request body in bytes; larger is 413"},
    {"bus-max-sockets", "TM_BUS_MAX_SOCKETS", TM_CFG_INT, F(bus_max_sockets), 0, 1, 400, "384", 0,
     "REQ sockets per service (nanomsg allows 512 sockets per process)"},
    {"inventory-endpoints", "TM_INVENTORY_ENDPOINTS", TM_CFG_STR, F(endpoints[GW_SVC_INVENTORY]),
     S(endpoints[GW_SVC_INVENTORY]), 0, 0, "ipc:///tmp/tm-inventory-1.ipc", 0,
     "comma-separated bus endpoints of every tm-inventory instance"},
};
#undef F
#undef S

int
main(int argc, char **argv)
{
    static struct gw_cfg cfg; /* static: civetweb threads read it until mg_stop */
    static struct gw_app app;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {gw_opts, sizeof gw_opts / sizeof gw_opts[0], &cfg},
    };
    struct mg_context *http = NULL;
    struct tm_ops *ops = NULL;
    struct tm_err err;
    int status, sig;

    tm_signals_block();
    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-gateway",
                              "The HTTP API entry: routes /api/v1/* to services.")) >= 0)
        return status;
    status = 1;
    app.cfg = &cfg;
    for (int s = 0; s < GW_SVC_COUNT; s++) {
        if (tm_bus_client_new(gw_service_name((enum gw_service)s), cfg.endpoints[s],
                              cfg.bus_max_sockets, &app.svc[s], &err) != TM_OK) {
            fprintf(stderr, "tm-gateway: %s\n", err.message);
            status = 2;
            goto out;
        }
    }
    mg_init_library(0);
    if (tm_http_start(cfg.listen, cfg.threads, NULL, &app, &http, &err) != TM_OK ||
        tm_ops_start(cfg.base.ops_port, "tm-gateway", cfg.base.instance, gw_health, &app, &ops,
                     &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    mg_set_request_handler(http, "/api/", gw_proxy_handle, &app);
    tm_log_info(NULL, "ready", "listen=%s ops_port=%d", cfg.listen, cfg.base.ops_port);
    while ((sig = tm_signals_wait(1000)) != SIGTERM && sig != SIGINT)
        if (sig == SIGHUP)
            tm_log_info(NULL, "sighup", "nothing to reload: every gateway setting needs a restart");
    tm_log_info(NULL, "stopping", "signal=%d", sig);
    status = 0;
out:
    if (http)
        mg_stop(http); /* waits for the requests in hand */
    tm_ops_stop(ops);
    for (int s = 0; s < GW_SVC_COUNT; s++)
        tm_bus_client_free(app.svc[s]);
    mg_exit_library();
    tm_log_info(NULL, "stopped", "status=%d", status);
    return status;
}
