/* common/ops.c — /health and /metrics. Polled by operators and the stack
 * runner every few seconds; two civetweb threads are plenty. */
#include "common/ops.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"
#include "common/json.h"
#include "common/metrics.h"

struct tm_ops {
    struct mg_context *ctx;
    const char *svc;
    const char *instance;
    tm_health_fn fn;
    void *app;
};

void
tm_health_add(struct tm_health *h, const char *name, int up, const char *fmt, ...)
{
    struct tm_health_dep *d;
    va_list ap;

    if (h->n >= TM_HEALTH_DEPS_MAX)
        return;
    d = &h->deps[h->n++];
    snprintf(d->name, sizeof d->name, "%s", name);
    d->up = up;
    va_start(ap, fmt);
    vsnprintf(d->detail, sizeof d->detail, fmt, ap);
    va_end(ap);
}

static const char *
state_name(int up)
{
    return up == TM_HEALTH_DOWN ? "down" : up == TM_HEALTH_DEGRADED ? "degraded" : "up";
}

int
tm_health_ready(const struct tm_health *h)
{
    for (int i = 0; i < h->n; i++)
        if (h->deps[i].up == TM_HEALTH_DOWN)
            return 0;
    return 1;
}

/* The health document; instance NULL leaves out the instance and every
 * dependency's detail (the summary). */
static enum tm_code
health_doc(const struct tm_health *h, const char *svc, const char *instance, struct tm_buf *out)
{
    int ready = tm_health_ready(h);
    enum tm_code rc = tm_buf_adds(out, "{\"service\":");

    if (rc == TM_OK && (rc = tm_json_quote(out, svc)) == TM_OK && instance &&
        (rc = tm_buf_adds(out, ",\"instance\":")) == TM_OK)
        rc = tm_json_quote(out, instance);
    if (rc == TM_OK && (rc = tm_json_kv_bool(out, "live", 1)) == TM_OK &&
        (rc = tm_json_kv_bool(out, "ready", ready)) == TM_OK &&
        (rc = tm_json_kv_str(out, "status", ready ? "ready" : "not_ready", 0)) == TM_OK)
        rc = tm_buf_adds(out, ",\"dependencies\":{");
    for (int i = 0; i < h->n && rc == TM_OK; i++) {
        if ((rc = tm_buf_adds(out, i ? "," : "")) == TM_OK &&
            (rc = tm_json_quote(out, h->deps[i].name)) == TM_OK &&
            (rc = tm_buf_adds(out, ":{")) == TM_OK &&
            (rc = tm_json_kv_str(out, "state", state_name(h->deps[i].up), 1)) == TM_OK && instance)
            rc = tm_json_kv_str(out, "detail", h->deps[i].detail, 0);
        if (rc == TM_OK)
            rc = tm_buf_adds(out, "}");
    }
    return rc == TM_OK ? tm_buf_adds(out, "}}") : rc;
}

enum tm_code
tm_health_json(const struct tm_health *h, const char *svc, const char *instance, struct tm_buf *out)
{
    return health_doc(h, svc, instance ? instance : "", out);
}

enum tm_code
tm_health_json_summary(const struct tm_health *h, const char *svc, struct tm_buf *out)
{
    return health_doc(h, svc, NULL, out);
}

/* /health, or its summary when summary is 1. */
static void
health(struct mg_connection *conn, const struct tm_ops *ops, int summary)
{
    struct tm_health h;
    struct tm_buf b;
    enum tm_code rc;

    memset(&h, 0, sizeof h);
    ops->fn(ops->app, &h);
    tm_buf_init(&b, 64 * 1024);
    rc = summary ? tm_health_json_summary(&h, ops->svc, &b)
                 : tm_health_json(&h, ops->svc, ops->instance, &b);
    if (rc == TM_OK)
        tm_http_reply(conn, tm_health_ready(&h) ? 200 : 503, "application/json", "", b.p, b.len);
    else
        tm_http_reply(conn, 500, "text/plain", "", "health too large\n", 17);
    tm_buf_fini(&b);
}

static int
on_health(struct mg_connection *conn, void *arg)
{
    health(conn, arg, 0);
    return 1;
}

static int
on_health_summary(struct mg_connection *conn, void *arg)
{
    health(conn, arg, 1);
    return 1;
}

static int
on_metrics(struct mg_connection *conn, void *arg)
{
    struct tm_buf b;

    (void)arg;
    tm_buf_init(&b, 8 * 1024 * 1024);
    if (tm_metrics_render(&b) == TM_OK)
        tm_http_reply(conn, 200, "text/plain; version=0.0.4", "", b.p ? b.p : "", b.len);
    else
        tm_http_reply(conn, 500, "text/plain", "", "metrics too large\n", 18);
    tm_buf_fini(&b);
    return 1;
}

enum tm_code
tm_ops_start(int port, const char *svc, const char *instance, tm_health_fn fn, void *app,
             struct tm_ops **out, struct tm_err *err)
{
    struct tm_ops *ops;
    char listen[32];

    *out = NULL;
    if (port == 0)
        return TM_OK;
    ops = tm_xcalloc(1, sizeof *ops);
    ops->svc = svc;
    ops->instance = instance;
    ops->fn = fn;
    ops->app = app;
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    if (tm_http_start(listen, 2, NULL, ops, &ops->ctx, err) != TM_OK) {
        free(ops);
        return TM_UNAVAIL;
    }
    mg_set_request_handler(ops->ctx, "/health$", on_health, ops);
    mg_set_request_handler(ops->ctx, "/health/summary$", on_health_summary, ops);
    mg_set_request_handler(ops->ctx, "/metrics$", on_metrics, ops);
    *out = ops;
    return TM_OK;
}

void
tm_ops_stop(struct tm_ops *ops)
{
    if (!ops)
        return;
    mg_stop(ops->ctx);
    free(ops);
}
