#define _DEFAULT_SOURCE /* getrandom(2) for request ids */
/* services/gateway/proxy.c — one HTTP request in, one envelope out over the
 * bus, the reply written back. Runs on civetweb's worker threads, one per
 * connection, at the full request rate of the platform: nothing here parses
 * or re-prints a body; the gateway checks size and shape of the request,
 * the service checks its content. */
#include "services/gateway/proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "common/envelope.h"
#include "common/http.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/router.h"
#include "common/time.h"

#define PROBE_MS 500

struct call {
    struct tm_request req;
    char store[2 * TM_PATH_MAX + 2]; /* path parameter values and names */
    char qstore[TM_QUERY_MAX][2][TM_QUERY_VALUE_MAX + 1];
    char *body; /* owned; from tm_http_read_body */
    size_t body_len;
    const struct gw_route *route;
};

static void
new_rid(char *out, size_t size)
{
    unsigned char raw[16];
    static const char hex[] = "0123456789abcdef";

    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        snprintf(out, size, "r%lld", (long long)tm_mono_us());
        return;
    }
    for (size_t i = 0; i < sizeof raw && 2 * i + 2 < size; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
        out[2 * i + 2] = '\0';
    }
}

/* Splits "a=1&b=x%20y" into decoded pairs. */
static enum tm_code
parse_query(const char *qs, struct call *c, struct tm_err *err)
{
    c->req.n_query = 0;
    while (qs && *qs) {
        const char *amp = strchr(qs, '&'), *eq;
        size_t len = amp ? (size_t)(amp - qs) : strlen(qs), klen, vlen;
        int i = c->req.n_query;

        eq = memchr(qs, '=', len);
        klen = eq ? (size_t)(eq - qs) : len;
        vlen = eq ? len - klen - 1 : 0;
        if (len == 0) {
            qs += 1;
            continue;
        }
        if (i == TM_QUERY_MAX)
            return tm_err_set(err, TM_INVALID, "query", "more than %d query parameters",
                              TM_QUERY_MAX);
        if (klen > TM_QUERY_VALUE_MAX || vlen > 3 * TM_QUERY_VALUE_MAX ||
            mg_url_decode(qs, (int)klen, c->qstore[i][0], TM_QUERY_VALUE_MAX + 1, 1) < 0 ||
            mg_url_decode(eq ? eq + 1 : "", (int)vlen, c->qstore[i][1], TM_QUERY_VALUE_MAX + 1, 1) <
                0)
            return tm_err_set(err, TM_INVALID, "query", "a query parameter is over %d bytes",
                              TM_QUERY_VALUE_MAX);
        c->req.query[i].key = c->qstore[i][0];
        c->req.query[i].val = c->qstore[i][1];
        c->req.n_query++;
        qs += len + (amp ? 1 : 0);
    }
    return TM_OK;
}

static int
has_body_method(const char *m)
{
    return !strcmp(m, "POST") || !strcmp(m, "PATCH") || !strcmp(m, "PUT");
}

/* Fills c from the HTTP request: route, params, query, body. */
static enum tm_code
build(struct mg_connection *conn, const struct gw_app *app, struct call *c, struct tm_err *err)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *ctype = mg_get_header(conn, "Content-Type");
    enum gw_match m;
    enum tm_code rc;

    if (tm_strlcpy(c->req.path, ri->local_uri ? ri->local_uri : "", sizeof c->req.path) != TM_OK)
        return tm_err_set(err, TM_NOTFOUND, NULL, "path too long");
    if (tm_strlcpy(c->req.method, ri->request_method, sizeof c->req.method) != TM_OK)
        return tm_err_set(err, TM_METHOD, NULL, "method not allowed");
    m = gw_route_match(c->req.method, c->req.path, &c->route, c->req.params, &c->req.n_params,
                       c->store, sizeof c->store);
    if (m == GW_MATCH_NONE)
        return tm_err_set(err, TM_NOTFOUND, NULL, "no such endpoint: %s", c->req.path);
    if (m == GW_MATCH_METHOD)
        return tm_err_set(err, TM_METHOD, NULL, "%s is not allowed here", c->req.method);
    snprintf(c->req.route, sizeof c->req.route, "%s", c->route->route);
    if ((rc = parse_query(ri->query_string, c, err)) != TM_OK)
        return rc;
    if (has_body_method(c->req.method)) {
        if (ri->content_length > 0 && (!ctype || strncasecmp(ctype, "application/json", 16) != 0))
            return tm_err_set(err, TM_UNSUPPORTED, "Content-Type",
                              "request bodies must be application/json");
        if ((rc = tm_http_read_body(conn, (size_t)app->cfg->body_max, &c->body, &c->body_len,
                                    err)) != TM_OK)
            return rc;
        c->req.body = c->body;
        c->req.body_len = c->body_len;
    }
    snprintf(c->req.principal.kind, sizeof c->req.principal.kind, "anonymous");
    return TM_OK;
}

static enum tm_code
forward(const struct gw_app *app, struct call *c, int64_t t0_ms, char **reply, size_t *len,
        struct tm_err *err)
{
    struct tm_buf env;
    enum tm_code rc;
    int idempotent = !strcmp(c->req.method, "GET");

    c->req.deadline_ms = tm_now_ms() + app->cfg->deadline_ms;
    tm_buf_init(&env, TM_MESSAGE_MAX);
    rc = tm_request_encode(&c->req, &env, err);
    if (rc == TM_OK)
        rc = tm_bus_call(app->svc[c->route->svc], env.p, env.len, idempotent,
                         t0_ms + app->cfg->deadline_ms, reply, len, err);
    tm_buf_fini(&env);
    return rc;
}

static void
respond(struct mg_connection *conn, const struct call *c, int status, const char *body, size_t len,
        int64_t t0_us)
{
    char headers[256];
    double ms = (double)(tm_mono_us() - t0_us) / 1000.0;
    char labels[TM_METRIC_LABELS_MAX];
    const char *route = c->route ? c->route->route : "unmatched";

    snprintf(headers, sizeof headers, "X-Request-Id: %s\r\nX-Process-Time: %.3fms\r\n", c->req.id,
             ms);
    tm_http_reply(conn, status, "application/json", headers, body, len);
    snprintf(labels, sizeof labels, "method=\"%s\",route=\"%s\",status=\"%d\"", c->req.method,
             route, status);
    tm_metric_add(tm_metric(TM_METRIC_COUNTER, "tm_gateway_requests_total",
                            "API requests answered by the gateway", labels),
                  1);
    snprintf(labels, sizeof labels, "route=\"%s\"", route);
    tm_metric_observe_us(tm_metric(TM_METRIC_HISTOGRAM, "tm_gateway_request_duration_seconds",
                                   "API request time inside the gateway", labels),
                         tm_mono_us() - t0_us);
    tm_log_info(c->req.id, "access", "method=%s route=%s status=%d dur_ms=%.3f", c->req.method,
                route, status, ms);
}

int
gw_proxy_handle(struct mg_connection *conn, void *cbdata)
{
    const struct gw_app *app = cbdata;
    const char *rid = mg_get_header(conn, "X-Request-Id");
    int64_t t0_us = tm_mono_us();
    struct call *c = tm_xcalloc(1, sizeof *c);
    struct tm_err err;
    char *reply = NULL;
    size_t reply_len = 0;
    enum tm_code rc;

    tm_err_clear(&err);
    if (rid && tm_rid_valid(rid))
        snprintf(c->req.id, sizeof c->req.id, "%s", rid);
    else
        new_rid(c->req.id, sizeof c->req.id);
    rc = build(conn, app, c, &err);
    if (rc == TM_OK)
        rc = forward(app, c, t0_us / 1000, &reply, &reply_len, &err);
    if (rc == TM_OK) {
        int status;
        const char *body;
        size_t body_len;

        rc = tm_reply_decode(reply, reply_len, &status, &body, &body_len, &err);
        if (rc == TM_OK)
            respond(conn, c, status, body, body_len, t0_us);
        else
            err.code = TM_INTERNAL;
    }
    if (rc != TM_OK) {
        struct tm_reply rep;

        if (tm_code_http(rc) >= 500)
            tm_log_warn(c->req.id, "gateway.error", "code=%s error=\"%s\"", tm_code_name(rc),
                        err.message);
        tm_reply_init(&rep);
        tm_reply_error(&rep, &err, c->req.id);
        respond(conn, c, rep.status, rep.body.p ? rep.body.p : "", rep.body.len, t0_us);
        tm_reply_fini(&rep);
    }
    tm_bus_free(reply);
    free(c->body);
    free(c);
    return 1;
}

void
gw_health(void *arg, struct tm_health *h)
{
    const struct gw_app *app = arg;
    struct tm_buf env;
    struct tm_request probe;

    memset(&probe, 0, sizeof probe);
    snprintf(probe.id, sizeof probe.id, "health");
    snprintf(probe.method, sizeof probe.method, "%s", TM_HEALTH_METHOD);
    snprintf(probe.route, sizeof probe.route, "/_health");
    snprintf(probe.principal.kind, sizeof probe.principal.kind, "internal");
    tm_buf_init(&env, 4096);
    if (tm_request_encode(&probe, &env, NULL) != TM_OK)
        return;
    for (int s = 0; s < GW_SVC_COUNT; s++) {
        struct tm_bus_client *cli = app->svc[s];
        int n = tm_bus_client_instances(cli), ready = 0;

        for (int i = 0; i < n; i++) {
            char *reply = NULL;
            size_t len = 0;
            int status = 0;
            const char *body;
            size_t blen;

            if (tm_bus_call_instance(cli, i, env.p, env.len, tm_mono_ms() + PROBE_MS, &reply, &len,
                                     NULL) == TM_OK &&
                tm_reply_decode(reply, len, &status, &body, &blen, NULL) == TM_OK && status == 200)
                ready++;
            tm_bus_free(reply);
        }
        tm_health_add(h, gw_service_name((enum gw_service)s), ready > 0, "%d/%d instances ready",
                      ready, n);
    }
    tm_buf_fini(&env);
}
