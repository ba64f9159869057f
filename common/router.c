/* common/router.c — dispatch of one envelope on a service worker thread.
 * Every API request passes here once; the route table is small (tens of
 * entries), so lookup is a linear scan of string compares. */
#include "common/router.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/perm.h"
#include "common/time.h"

#define DB_WAIT_MS 1000

_Static_assert(TM_QUERY_MAX <= 64, "struct tm_ctx's query_read has a bit per query parameter");

void
tm_ctx_init(struct tm_ctx *ctx, const struct tm_request *req, void *app)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->req = req;
    ctx->app = app;
}

static void
health_reply(const struct tm_router *r, const struct tm_request *req, struct tm_reply *rep)
{
    struct tm_health h;

    memset(&h, 0, sizeof h);
    if (r->health)
        r->health(r->health_arg ? r->health_arg : r->app, &h);
    rep->status = tm_health_ready(&h) ? 200 : 503;
    if (tm_health_json(&h, r->svc, req->id, &rep->body) != TM_OK)
        tm_buf_reset(&rep->body);
}

/* The events after ?after= (up to ?limit=), for subscribers catching up. */
static enum tm_code
replay_reply(const struct tm_router *r, const struct tm_request *req, struct tm_reply *rep,
             struct tm_err *err)
{
    struct tm_ctx ctx;
    int64_t from = 0, limit = 0;
    PGconn *db = NULL;
    enum tm_code rc;

    tm_ctx_init(&ctx, req, r->app);
    if ((rc = tm_ctx_query_int(&ctx, "after", 0, INT64_MAX, 0, &from, err)) != TM_OK ||
        (rc = tm_ctx_query_int(&ctx, "limit", 1, TM_REPLAY_LIMIT_MAX, 500, &limit, err)) != TM_OK ||
        (rc = tm_db_acquire(r->db, 1000, &db, err)) != TM_OK)
        return rc;
    rc = tm_outbox_replay(db, r->outbox, from, limit, &rep->body, err);
    tm_db_release(r->db, db);
    return rc;
}

static const struct tm_route *
find_route(const struct tm_router *r, const struct tm_request *req, int *method_seen)
{
    *method_seen = 0;
    for (size_t i = 0; i < r->n_routes; i++) {
        if (strcmp(r->routes[i].route, req->route) != 0)
            continue;
        *method_seen = 1;
        if (strcmp(r->routes[i].method, req->method) == 0)
            return &r->routes[i];
    }
    return NULL;
}

/* TM_INVALID naming the first query parameter the handler did not read,
 * listing those it asked for. */
static enum tm_code
query_unread(const struct tm_ctx *ctx, struct tm_err *err)
{
    char asked[160];
    size_t o = 0;
    int i = 0;

    while (i < ctx->req->n_query && (ctx->query_read >> i & 1))
        i++;
    if (i == ctx->req->n_query)
        return TM_OK;
    asked[0] = '\0';
    for (int k = 0; k < ctx->n_query_asked && o < sizeof asked; k++) {
        int n = snprintf(asked + o, sizeof asked - o, "%s%s", k ? ", " : "", ctx->query_asked[k]);
        o += n > 0 ? (size_t)n : 0;
    }
    return tm_err_set(err, TM_INVALID, ctx->req->query[i].key,
                      "unknown query parameter '%.64s': %s %s takes %s", ctx->req->query[i].key,
                      ctx->req->method, ctx->req->route, o ? asked : "none");
}

/* Runs the handler inside the route's transaction discipline. */
static enum tm_code
run(const struct tm_router *r, const struct tm_route *rt, struct tm_ctx *ctx, struct tm_reply *rep,
    struct tm_err *err)
{
    int undoable = rt->tx == TM_TX_WRITE || strcmp(rt->method, "GET") == 0;
    enum tm_code rc;

    if (!undoable && (rc = query_unread(ctx, err)) != TM_OK)
        return rc; /* its commits are its own: refused before it runs */
    if (r->db && (rc = tm_db_acquire(r->db, DB_WAIT_MS, &ctx->db, err)) != TM_OK)
        return rc;
    if (rt->tx == TM_TX_WRITE && ctx->db && (rc = tm_db_begin(ctx->db, err)) != TM_OK)
        goto out;
    rc = rt->fn(ctx, rep, err);
    if (rc == TM_OK)
        rc = query_unread(ctx, err);
    if (rc == TM_OK && rt->scope == TM_SCOPE_STORES && !ctx->stores_judged)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "%s %s answered without judging store scope",
                        rt->method, rt->route); /* fail closed: a handler forgot */
    if (rt->tx == TM_TX_WRITE && ctx->db) {
        if (rc == TM_OK)
            rc = tm_db_commit(ctx->db, err);
        else
            tm_db_rollback(ctx->db);
    }
out:
    if (ctx->db)
        tm_db_release(r->db, ctx->db);
    ctx->db = NULL;
    return rc;
}

static void
account(const struct tm_router *r, const struct tm_request *req, const char *route, int status,
        int64_t start_us, const struct tm_err *err)
{
    int64_t dur_us = tm_mono_us() - start_us;
    char labels[TM_METRIC_LABELS_MAX];

    snprintf(labels, sizeof labels, "method=\"%s\",route=\"%s\",status=\"%d\"", req->method, route,
             status);
    tm_metric_add(tm_metric(TM_METRIC_COUNTER, "tm_requests_total", "requests handled", labels), 1);
    snprintf(labels, sizeof labels, "route=\"%s\"", route);
    tm_metric_observe_us(tm_metric(TM_METRIC_HISTOGRAM, "tm_request_duration_seconds",
                                   "time to handle a request", labels),
                         dur_us);
    /* the field and message may echo a client's names: quoted, one line */
    char q[sizeof err->message + sizeof err->field + 8];

    if (status >= 500) {
        tm_log_quote(q, sizeof q, err->message);
        tm_log_error(req->id, "request", "svc_route=%s method=%s status=%d dur_ms=%.3f error=%s",
                     route, req->method, status, (double)dur_us / 1000.0, q);
    } else {
        tm_log_quote(q, sizeof q, err->field);
        tm_log_info(req->id, "request", "svc_route=%s method=%s status=%d dur_ms=%.3f%s%s", route,
                    req->method, status, (double)dur_us / 1000.0, err->field[0] ? " field=" : "",
                    err->field[0] ? q : "");
    }
    (void)r;
}

/* Answers a decoded request into rep (an error reply, from *err, when it
 * fails); returns the route it ran, for the accounting. */
static const char *
serve(const struct tm_router *r, const struct tm_request *req, struct tm_reply *rep,
      struct tm_err *err)
{
    const struct tm_route *rt = NULL;
    struct tm_ctx ctx;
    int method_seen = 0;
    enum tm_code rc = TM_OK;

    if (req->deadline_ms && tm_now_ms() > req->deadline_ms)
        rc = tm_err_set(err, TM_TIMEOUT, NULL, "deadline passed before the request was taken");
    if (rc == TM_OK && !(rt = find_route(r, req, &method_seen)))
        rc = method_seen
                 ? tm_err_set(err, TM_METHOD, NULL, "%s not allowed on %s", req->method, req->route)
                 : tm_err_set(err, TM_NOTFOUND, NULL, "no route %s", req->route);
    if (rc == TM_OK) {
        tm_ctx_init(&ctx, req, r->app);
        ctx.arg = rt->arg;
        ctx.jobs = r->jobs;
        rc = run(r, rt, &ctx, rep, err);
    }
    if (rc != TM_OK)
        tm_reply_error(rep, err, req->id);
    return rt ? rt->route : "unmatched";
}

void
tm_router_handle(void *router, const char *msg, size_t len, struct tm_buf *out)
{
    const struct tm_router *r = router;
    struct tm_request req;
    struct tm_reply rep;
    struct tm_err err;
    int64_t start_us = tm_mono_us();
    const char *route;
    enum tm_code rc;

    tm_err_clear(&err);
    tm_reply_init(&rep);
    rc = tm_request_decode(msg, len, &req, &err);
    if (rc == TM_OK && strcmp(req.method, TM_HEALTH_METHOD) == 0) {
        health_reply(r, &req, &rep);
        goto reply;
    }
    if (rc == TM_OK && strcmp(req.method, TM_REPLAY_METHOD) == 0 && r->outbox) {
        rc = replay_reply(r, &req, &rep, &err);
        if (rc != TM_OK)
            tm_reply_error(&rep, &err, req.id);
        account(r, &req, "/_events", rep.status, start_us, &err);
        goto reply;
    }
    if (rc == TM_OK) {
        route = serve(r, &req, &rep, &err);
    } else {
        tm_reply_error(&rep, &err, req.id);
        route = "unmatched";
    }
    account(r, &req, route, rep.status, start_us, &err);
reply:
    if (tm_reply_encode(&rep, out) != TM_OK) {
        tm_err_set(&err, TM_TOOBIG, NULL, "reply over the message limit");
        tm_reply_error(&rep, &err, req.id);
        tm_buf_reset(out);
        if (tm_reply_encode(&rep, out) != TM_OK)
            tm_buf_reset(out);
    }
    tm_reply_fini(&rep);
    tm_request_fini(&req);
}

void
tm_router_run(const struct tm_router *r, const struct tm_request *req, struct tm_reply *rep)
{
    struct tm_err err;
    const char *route;
    char q[sizeof err.message + 8];

    tm_err_clear(&err);
    route = serve(r, req, rep, &err);
    if (rep->status >= 500) { /* the reply hides why; the log keeps it */
        tm_log_quote(q, sizeof q, err.message);
        tm_log_error(req->id, "request", "svc_route=%s method=%s status=%d error=%s", route,
                     req->method, rep->status, q);
    }
}

static enum tm_code
parse_i64(const char *s, const char *name, int64_t min, int64_t max, int64_t *out,
          struct tm_err *err)
{
    char *end = NULL;
    long long v;

    errno = 0;
    if (!*s || strspn(s, "-0123456789") != strlen(s))
        return tm_err_set(err, TM_INVALID, name, "%s must be an integer", name);
    v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return tm_err_set(err, TM_INVALID, name, "%s must be an integer in [%lld, %lld]", name,
                          (long long)min, (long long)max);
    *out = v;
    return TM_OK;
}

enum tm_code
tm_ctx_param_id(const struct tm_ctx *ctx, const char *name, int64_t *out, struct tm_err *err)
{
    const char *v = tm_request_param(ctx->req, name);

    if (!v)
        return tm_err_set(err, TM_INVALID, name, "%s is missing from the path", name);
    return parse_i64(v, name, 1, 9007199254740992LL, out, err);
}

/* The value of query parameter `name` into *out (NULL when absent),
 * marking it read and remembering that the handler asked for it. */
static enum tm_code
query_get(struct tm_ctx *ctx, const char *name, const char **out, struct tm_err *err)
{
    const struct tm_request *req = ctx->req;
    int given = 0, k = 0;

    *out = NULL;
    while (k < ctx->n_query_asked && strcmp(ctx->query_asked[k], name) != 0)
        k++;
    if (k == ctx->n_query_asked && k < TM_CTX_QUERY_ASKED_MAX)
        ctx->query_asked[ctx->n_query_asked++] = name;
    for (int i = 0; i < req->n_query; i++) {
        if (strcmp(req->query[i].key, name) != 0)
            continue;
        ctx->query_read |= (uint64_t)1 << i;
        if (given++)
            return tm_err_set(err, TM_INVALID, name, "%s is given more than once", name);
        *out = req->query[i].val;
    }
    return TM_OK;
}

enum tm_code
tm_ctx_query_int(struct tm_ctx *ctx, const char *name, int64_t min, int64_t max, int64_t def,
                 int64_t *out, struct tm_err *err)
{
    const char *v;
    enum tm_code rc = query_get(ctx, name, &v, err);

    if (rc != TM_OK)
        return rc;
    if (!v) {
        *out = def;
        return TM_OK;
    }
    return parse_i64(v, name, min, max, out, err);
}

enum tm_code
tm_ctx_query_bool(struct tm_ctx *ctx, const char *name, int *out, struct tm_err *err)
{
    const char *v;
    enum tm_code rc = query_get(ctx, name, &v, err);

    *out = -1;
    if (rc != TM_OK || !v)
        return rc;
    if (!strcmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else
        return tm_err_set(err, TM_INVALID, name, "%s must be true or false", name);
    return TM_OK;
}

enum tm_code
tm_ctx_query_str(struct tm_ctx *ctx, const char *name, size_t max_len, const char **out,
                 struct tm_err *err)
{
    const char *v;
    enum tm_code rc = query_get(ctx, name, &v, err);
    size_t len;

    *out = NULL;
    if (rc != TM_OK || !v)
        return rc;
    len = strlen(v);
    if (len > max_len)
        return tm_err_set(err, TM_INVALID, name, "%s must be at most %zu bytes", name, max_len);
    if (!tm_utf8_valid(v, len))
        return tm_err_set(err, TM_INVALID, name, "%s is not valid UTF-8", name);
    *out = v;
    return TM_OK;
}

enum tm_code
tm_ctx_query_enum(struct tm_ctx *ctx, const char *name, const char *const *accepted, int *out,
                  struct tm_err *err)
{
    const char *v;
    enum tm_code rc = query_get(ctx, name, &v, err);

    *out = -1;
    if (rc != TM_OK || !v)
        return rc;
    return tm_err_one_of(v, accepted, name, out, err);
}

enum tm_code
tm_ctx_query_time(struct tm_ctx *ctx, const char *name, struct tm_time *out, struct tm_err *err)
{
    const char *v;
    enum tm_code rc = query_get(ctx, name, &v, err);

    out->text[0] = '\0';
    if (rc != TM_OK || !v)
        return rc;
    return tm_time_parse(v, name, out, err);
}

void
tm_ctx_principal(const struct tm_ctx *ctx, char *out, size_t size)
{
    const struct tm_principal *p = &ctx->req->principal;

    snprintf(out, size, "%s", p->id[0] ? p->id : p->kind[0] ? p->kind : "anonymous");
}

int
tm_ctx_store_scope(struct tm_ctx *ctx, char *out, size_t size)
{
    const struct tm_principal *p = &ctx->req->principal;
    enum tm_role role;

    ctx->stores_judged = 1;
    if (size)
        out[0] = '\0';
    if (!tm_role_parse(p->role, &role) || !tm_role_scoped(role))
        return 0;
    snprintf(out, size, "{%s}", p->stores);
    return 1;
}

/* 1 when the principal may touch store_id: every store for a role that is
 * not scoped, else the stores on its user or key ("3,11"). */
static int
holds_store(const struct tm_principal *p, int64_t store_id)
{
    enum tm_role role;
    const char *s = p->stores;

    /* an unknown role never gets here past the gateway; treat it as scoped */
    if (tm_role_parse(p->role, &role) && !tm_role_scoped(role))
        return 1;
    while (*s) {
        char *end = NULL;
        long long v = strtoll(s, &end, 10);

        if (end == s)
            break;
        if (v == store_id)
            return 1;
        s = *end == ',' ? end + 1 : end;
    }
    return 0;
}

enum tm_code
tm_ctx_may_store(struct tm_ctx *ctx, int64_t store_id, const char *field, struct tm_err *err)
{
    ctx->stores_judged = 1;
    if (holds_store(&ctx->req->principal, store_id))
        return TM_OK;
    return tm_err_set(err, TM_FORBIDDEN, field, "store %lld is not one of this principal's stores",
                      (long long)store_id);
}

enum tm_code
tm_ctx_query_store(struct tm_ctx *ctx, int64_t *store_id, struct tm_err *err)
{
    enum tm_code rc = tm_ctx_query_int(ctx, "store_id", 1, INT64_MAX, 0, store_id, err);

    if (rc == TM_OK && *store_id)
        rc = tm_ctx_may_store(ctx, *store_id, "store_id", err);
    return rc;
}

enum tm_code
tm_ctx_may_see(struct tm_ctx *ctx, const int64_t *stores, int n, const char *field,
               const char *what, struct tm_err *err)
{
    ctx->stores_judged = 1;
    for (int i = 0; i < n; i++)
        if (holds_store(&ctx->req->principal, stores[i]))
            return TM_OK;
    return tm_err_set(err, TM_NOTFOUND, field, "no %s with this %s", what, field);
}

void
tm_ctx_every_store(struct tm_ctx *ctx)
{
    ctx->stores_judged = 1;
}

enum tm_code
tm_ctx_page(struct tm_ctx *ctx, struct tm_page *out, struct tm_err *err)
{
    const char *cur = NULL;
    enum tm_code rc;

    out->after_id = 0;
    if ((rc = tm_ctx_query_int(ctx, "limit", 1, TM_LIMIT_MAX, TM_LIMIT_DEFAULT, &out->limit,
                               err)) != TM_OK ||
        (rc = query_get(ctx, "cursor", &cur, err)) != TM_OK)
        return rc;
    if (!cur || !*cur)
        return TM_OK;
    return tm_page_cursor(cur, &out->after_id, err);
}

enum tm_code
tm_reply_page(struct tm_reply *rep, const void *items, size_t size, int n, int64_t limit,
              enum tm_code (*encode)(struct tm_buf *b, const void *item),
              int64_t (*id)(const void *item), struct tm_err *err)
{
    int shown = n > limit ? (int)limit : n, more = n > limit;
    const char *base = items;
    enum tm_code rc = tm_buf_adds(&rep->body, "{\"items\":[");

    for (int i = 0; i < shown && rc == TM_OK; i++) {
        size_t mark = rep->body.len;

        if (i)
            rc = tm_buf_adds(&rep->body, ",");
        if (rc == TM_OK)
            rc = encode(&rep->body, base + (size_t)i * size);
        if (rc == TM_OK && rep->body.max - rep->body.len < TM_PAGE_TAIL_MAX)
            rc = TM_TOOBIG; /* no room left to close the page */
        if (rc == TM_TOOBIG && i > 0) {
            /* a short page: the items that fit, and a cursor after the last */
            tm_buf_truncate(&rep->body, mark);
            shown = i;
            more = 1;
            rc = TM_OK;
            break;
        }
    }
    if (rc == TM_OK && (rc = tm_buf_adds(&rep->body, "]")) == TM_OK)
        rc = tm_page_next(&rep->body, more, shown ? id(base + (size_t)(shown - 1) * size) : 0);
    if (rc == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

int
tm_ctx_from_service(const struct tm_ctx *ctx)
{
    const char *k = ctx->req->principal.kind;

    return strcmp(k, "service") == 0 || strcmp(k, "internal") == 0;
}

enum tm_code
tm_ctx_body(const struct tm_ctx *ctx, cJSON **root, struct tm_err *err)
{
    return tm_json_parse_object(ctx->req->body, ctx->req->body_len, "body", root, err);
}

enum tm_code
tm_ctx_no_body(const struct tm_ctx *ctx, struct tm_err *err)
{
    cJSON *body = NULL;
    enum tm_code rc;

    if (ctx->req->body_len == 0)
        return TM_OK;
    if ((rc = tm_ctx_body(ctx, &body, err)) == TM_OK)
        rc = tm_json_only(body, NULL, 0, err);
    cJSON_Delete(body);
    return rc;
}
