/* services/gateway/proxy.c — one HTTP request in, one answer out. Runs on
 * civetweb's worker threads, one per connection, at the full request rate
 * of the platform: the body is never parsed here (the service does that),
 * credentials cost one HMAC or one indexed lookup, limits one Redis round
 * trip, and only writes add an audit insert. */
#include "services/gateway/proxy.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/envelope.h"
#include "common/hash.h"
#include "common/http.h"
#include "common/json.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/router.h"
#include "common/time.h"

#include "services/gateway/auth.h"
#include "services/gateway/lease.h"
#include "services/gateway/overview.h"
#include "services/gateway/push.h"
#include "services/gateway/ratelimit.h"
#include "services/gateway/readcache_fresh.h"
#include "services/gateway/refusals.h"
#include "services/gateway/revoke.h"
#include "services/gateway/revset.h"
#include "services/gateway/store.h"

/* pages of one streamed answer (the export limit's, one more for a
 * remainder); Retry-After when cfg->streams are being sent; how many are */
#define GW_STREAM_PAGES_MAX (TM_STREAM_ROWS_MAX / TM_STREAM_PAGE_ROWS + 1)
#define GW_STREAM_RETRY_S 5
static atomic_int streams_open; /* this process's: the gateway has one app */

struct call {
    struct tm_request req;
    char store[2 * TM_PATH_MAX + 2]; /* path parameter values and names */
    char *body;                      /* owned; from tm_http_read_body */
    size_t body_len;
    const struct gw_route *route;
    struct gw_principal who;
    char addr[GW_ADDR_MAX];       /* the client's address */
    const char *origin;           /* allowed CORS origin, or NULL */
    struct gw_limit_result limit; /* valid when limited */
    int limited;
    int dispatched;      /* 1: the request reached a handler (not refused by the gateway itself) */
    struct tm_buf reply; /* a local route's reply message */
    char *bus_reply;     /* a service's reply message (nn_freemsg) */
    struct tm_reply_view view;
    char after[TM_CURSOR_MAX + 1]; /* a streamed answer's page_after value (stream) */
    /* last, and not zeroed (call_new): 16 KiB, written as parse_query
     * decodes into it, read only up to req.n_query */
    char qstore[TM_QUERY_MAX][2][TM_QUERY_VALUE_MAX + 1];
};

/* 128 unguessable bits as 32 hex digits, within any request id
 * (TM_RID_MAX); no system call (a getrandom per request was one in six of
 * a cached answer's). */
static void
new_rid(char *out, size_t size)
{
    enum tm_code rc = tm_unique_hex(out, size);

    assert(rc == TM_OK); /* only a buffer shorter than 33 bytes fails */
    (void)rc;
}

/* The client's address: nginx (a loopback peer) passes it in
 * X-Forwarded-For; anyone else is taken at their word of the socket. */
static void
client_addr(struct mg_connection *conn, char *out, size_t size)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *xff = mg_get_header(conn, "X-Forwarded-For");
    size_t n;

    snprintf(out, size, "%s", ri->remote_addr);
    if (!xff || (strcmp(ri->remote_addr, "127.0.0.1") != 0 && strcmp(ri->remote_addr, "::1") != 0))
        return;
    while (*xff == ' ')
        xff++;
    n = strspn(xff, "0123456789abcdefABCDEF.:");
    if (n > 0 && n < size)
        snprintf(out, size, "%.*s", (int)n, xff);
}

/* Splits "a=1&b=x%20y" into decoded pairs. */
static enum tm_code
parse_query(const char *qs, struct call *c, struct tm_err *err)
{
    c->req.n_query = 0;
    while (qs && *qs) {
        const char *amp = strchr(qs, '&'), *eq;
        size_t len = amp ? (size_t)(amp - qs) : strlen(qs), klen, vlen;
        int i = c->req.n_query, kn = 0, vn = 0, key_ok;

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
            (kn = mg_url_decode(qs, (int)klen, c->qstore[i][0], TM_QUERY_VALUE_MAX + 1, 1)) < 0 ||
            (vn = mg_url_decode(eq ? eq + 1 : "", (int)vlen, c->qstore[i][1],
                                TM_QUERY_VALUE_MAX + 1, 1)) < 0)
            return tm_err_set(err, TM_INVALID, "query", "a query parameter is over %d bytes",
                              TM_QUERY_VALUE_MAX);
        /* %00 would cut the value short unseen ("store_id=1%00x" read as 1) */
        key_ok = tm_utf8_valid(c->qstore[i][0], (size_t)kn);
        if (!key_ok || !tm_utf8_valid(c->qstore[i][1], (size_t)vn))
            return tm_err_set(err, TM_INVALID, key_ok ? c->qstore[i][0] : "query",
                              "query parameters must be UTF-8 text without NUL (%%00)");
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

static int
is_write(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* Fills c from the HTTP request: route, params, query, body. */
static enum tm_code
build(struct mg_connection *conn, const struct gw_app *app, struct call *c, struct tm_err *err)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *ctype = mg_get_header(conn, "Content-Type"), *idem;
    enum gw_match m;
    enum tm_code rc;

    if (tm_strlcpy(c->req.path, ri->local_uri ? ri->local_uri : "", sizeof c->req.path) != TM_OK)
        return tm_err_set(err, TM_NOTFOUND, NULL, "path too long");
    m = gw_route_match(c->req.method, c->req.path, &c->route, c->req.params, &c->req.n_params,
                       c->store, sizeof c->store);
    if (m == GW_MATCH_NONE)
        return tm_err_set(err, TM_NOTFOUND, NULL, "no such endpoint: %s", c->req.path);
    if (m == GW_MATCH_METHOD)
        return tm_err_set(err, TM_METHOD, NULL, "%s is not allowed here", c->req.method);
    if (tm_strlcpy(c->req.route, c->route->route, sizeof c->req.route) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "route name too long");
    if ((rc = parse_query(ri->query_string, c, err)) != TM_OK)
        return rc;
    if ((idem = mg_get_header(conn, "Idempotency-Key")) != NULL) {
        if (!tm_idem_key_valid(idem))
            return tm_err_set(err, TM_INVALID, "Idempotency-Key",
                              "Idempotency-Key must be 1 to %d of A-Z a-z 0-9 . _ : -",
                              TM_IDEM_KEY_MAX);
        snprintf(c->req.idem_key, sizeof c->req.idem_key, "%s", idem);
    }
    if (tm_http_accepts_csv(mg_get_header(conn, "Accept")))
        snprintf(c->req.accept, sizeof c->req.accept, "%s", "text/csv");
    if (has_body_method(c->req.method)) {
        if (ri->content_length > 0 && !tm_http_is_json(ctype))
            return tm_err_set(err, TM_UNSUPPORTED, "Content-Type",
                              "request bodies must be application/json");
        if ((rc = tm_http_read_body(conn, (size_t)app->cfg->body_max, &c->body, &c->body_len,
                                    err)) != TM_OK)
            return rc;
        c->req.body = c->body;
        c->req.body_len = c->body_len;
    }
    return TM_OK;
}

/* The limit script, with a rebuild of Redis' copy of the revocations when
 * it is not loaded. TM_UNAVAIL when Redis cannot say (down, or the copy is
 * being rebuilt by another request): the caller asks PostgreSQL. */
static enum tm_code
check_redis(const struct gw_app *app, struct tm_redis *r, struct call *c, const struct gw_limit *l,
            int n, const char *const *rev, int n_rev, struct tm_err *err)
{
    const struct gw_cfg *cfg = app->cfg;
    enum tm_code rc;

    gw_revoke_sync(app, r);
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = gw_ratelimit_check(r, l, n, rev, n_rev, GW_REVOKED_LOADED_KEY, c->who.iat_ms,
                                tm_now_ms(), cfg->rate_window_s * 1000, &c->limit, err);
        if (rc != TM_OK || !c->limit.cold)
            return rc;
        if (attempt == 0 && (rc = gw_revoke_load(app, r, err)) != TM_OK) {
            if (rc != TM_CONFLICT)
                tm_log_warn(c->req.id, "revoke.load_failed", "error=\"%s\"",
                            err ? err->message : "");
            break;
        }
    }
    return tm_err_set(err, TM_UNAVAIL, NULL, "revocations not loaded in Redis");
}

/* Redis could not say: limits fail open; a user's token is checked against
 * PostgreSQL (disabled user, revoked user, token or session). */
static enum tm_code
check_db(const struct gw_app *app, const struct call *c, struct tm_err *err)
{
    int refused = 0;
    enum tm_code rc;

    if (!c->who.user_id)
        return TM_OK;
    if ((rc = gw_revoke_check_db(app, &c->who, &refused, err)) != TM_OK)
        return rc;
    return refused ? tm_err_set(err, TM_UNAUTHENTICATED, "Authorization", "token revoked") : TM_OK;
}

/* While the push channel is healthy: revocation from this gateway's copy
 * in memory, limits from leased shares (a Redis round trip only when a
 * share is spent; limits fail open when Redis cannot lease).
 * TM_NOTFOUND when the copy cannot be trusted: the caller asks Redis. */
static enum tm_code
check_memory(const struct gw_app *app, struct call *c, const struct gw_limit *l, int n,
             struct tm_err *err)
{
    const struct gw_principal *p = &c->who;
    int64_t now = tm_now_ms();
    int revoked = 0;

    if (!gw_push_healthy(app->push))
        return TM_NOTFOUND;
    if (p->user_id && (revoked = gw_revset_check(app->revset, p->user_id, p->env.token_id,
                                                 p->env.session_id, p->iat_ms, now)) < 0)
        return TM_NOTFOUND;
    if (revoked)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization", "token revoked");
    if (gw_lease_take(app->leases, app->redis, l, n, now, app->cfg->rate_window_s * 1000, &c->limit,
                      err) != TM_OK)
        return TM_OK;
    c->limited = 1;
    if (!c->limit.allowed)
        return tm_err_set(err, TM_RATELIMITED, NULL, "rate limit reached; retry after %d s",
                          c->limit.reset_s);
    return TM_OK;
}

/* Counts the request against the caller's limits and checks revocation:
 * in memory while the push channel is healthy, else one Redis round trip,
 * and PostgreSQL when Redis cannot answer. */
static enum tm_code
limit(const struct gw_app *app, struct call *c, struct tm_err *err)
{
    const struct gw_principal *p = &c->who;
    const struct gw_cfg *cfg = app->cfg;
    struct gw_limit l[GW_LIMIT_KEYS_MAX];
    char revoked[GW_REVOKED_KEYS_MAX][GW_REVOKE_KEY_MAX], uid[24];
    const char *rev[GW_REVOKED_KEYS_MAX] = {revoked[0], revoked[1], revoked[2]};
    int n = 0, n_rev = 0;
    struct tm_redis *r;
    enum tm_code rc;

    snprintf(l[n].key, sizeof l[n].key, "rl:ip:%s", c->addr);
    l[n++].per_window = cfg->rate_ip;
    if (strcmp(c->route->route, "/api/v1/auth/login") == 0) {
        snprintf(l[n].key, sizeof l[n].key, "rl:login:ip:%s", c->addr);
        l[n++].per_window = cfg->rate_login;
    } else if (p->known_role) {
        snprintf(l[n].key, sizeof l[n].key, "rl:p:%s", p->env.id);
        l[n++].per_window = app->role_limit[p->role];
    } else {
        snprintf(l[n].key, sizeof l[n].key, "rl:anon:%s", c->addr);
        l[n++].per_window = app->anon_limit;
    }
    if ((rc = check_memory(app, c, l, n, err)) == TM_OK)
        return TM_OK;
    if (rc != TM_NOTFOUND)
        return rc;
    if (p->user_id) { /* Redis' copy of the revocations: the keys this token could be under */
        snprintf(uid, sizeof uid, "%lld", (long long)p->user_id);
        gw_revoke_key("user", uid, revoked[n_rev++], GW_REVOKE_KEY_MAX);
        gw_revoke_key("jti", p->env.token_id, revoked[n_rev++], GW_REVOKE_KEY_MAX);
        if (p->env.session_id[0])
            gw_revoke_key("sid", p->env.session_id, revoked[n_rev++], GW_REVOKE_KEY_MAX);
    }
    r = tm_redis_pool_get(app->redis, 1000);
    rc = r ? check_redis(app, r, c, l, n, rev, n_rev, err) : TM_UNAVAIL;
    tm_redis_pool_put(app->redis, r);
    if (rc != TM_OK)
        return check_db(app, c, err);
    c->limited = 1;
    if (c->limit.revoked)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization", "token revoked");
    if (!c->limit.allowed)
        return tm_err_set(err, TM_RATELIMITED, NULL, "rate limit reached; retry after %d s",
                          c->limit.reset_s);
    return TM_OK;
}

/* Runs c's request on the gateway's own router in this thread, with no
 * envelope either way: c->view is its reply, whose body c->reply holds. */
static void
run_local(const struct tm_router *router, struct call *c)
{
    struct tm_reply rep;
    struct tm_buf body;

    tm_reply_init(&rep);
    tm_router_run(router, &c->req, &rep);
    body = c->reply; /* c->reply takes the reply's body; rep frees the old one */
    c->reply = rep.body;
    rep.body = body;
    tm_buf_reset(&rep.body);
    memset(&c->view, 0, sizeof c->view);
    c->view.status = rep.status;
    c->view.retry_after_s = rep.retry_after_s;
    memcpy(c->view.target, rep.target, sizeof c->view.target);
    memcpy(c->view.content_type, rep.content_type, sizeof c->view.content_type);
    memcpy(c->view.next_cursor, rep.next_cursor, sizeof c->view.next_cursor);
    memcpy(c->view.more, rep.more, sizeof c->view.more);
    c->view.body = c->reply.p ? c->reply.p : "";
    c->view.body_len = c->reply.len;
    tm_reply_fini(&rep);
}

/* Runs the request: on a service over the bus, or on the gateway's own
 * router in this thread. On TM_OK c->view is the reply. */
static enum tm_code
dispatch(const struct gw_app *app, struct call *c, int64_t t0_ms, struct tm_err *err)
{
    size_t daemon = app->route_daemon[(size_t)(c->route - gw_routes)];
    struct tm_buf env;
    size_t len = 0;
    enum tm_code rc;

    c->dispatched = 1;
    c->req.principal = c->who.env;
    c->req.deadline_ms = tm_now_ms() + app->cfg->deadline_ms;
    if (gw_daemons[daemon].local) {
        run_local(app->router[daemon], c);
        return TM_OK;
    }
    tm_buf_init(&env, TM_MESSAGE_MAX);
    rc = tm_request_encode(&c->req, &env, err);
    if (rc == TM_OK) {
        rc = tm_bus_call(app->bus[daemon], env.p, env.len, !strcmp(c->req.method, "GET"),
                         t0_ms + app->cfg->deadline_ms, &c->bus_reply, &len, err);
        if (rc == TM_OK)
            rc = tm_reply_decode(c->bus_reply, len, &c->view, err);
    }
    tm_buf_fini(&env);
    return rc;
}

/* Runs a checked request: a product read the gateway's cache holds
 * current is answered from it (readcache_fresh.h), anything else by
 * dispatch, whose answer the cache then sees (to keep, or to drop what a
 * write changed). */
static enum tm_code
answer(const struct gw_app *app, struct call *c, int64_t t0_ms, struct tm_err *err)
{
    struct gw_rcf_look look;
    enum tm_code rc;

    if (gw_rcf_lookup(app->readcache, c->route, &c->req, &look, &c->reply)) {
        c->dispatched = 1;
        memset(&c->view, 0, sizeof c->view);
        c->view.status = 200;
        c->view.body = c->reply.p;
        c->view.body_len = c->reply.len;
        return TM_OK;
    }
    rc = dispatch(app, c, t0_ms, err);
    gw_rcf_after(app->readcache, c->route, &c->req, &look, rc == TM_OK ? &c->view : NULL);
    return rc;
}

static void
audit(const struct gw_app *app, const struct call *c, int status)
{
    struct gw_audit_row a;
    struct tm_buf targets;
    struct tm_err err;
    PGconn *db = NULL;

    memset(&a, 0, sizeof a);
    snprintf(a.request_id, sizeof a.request_id, "%s", c->req.id);
    snprintf(a.method, sizeof a.method, "%s", c->req.method);
    snprintf(a.path, sizeof a.path, "%s", c->req.path);
    snprintf(a.principal_kind, sizeof a.principal_kind, "%s", c->who.env.kind);
    snprintf(a.principal_id, sizeof a.principal_id, "%s", c->who.env.id);
    snprintf(a.role, sizeof a.role, "%s", c->who.env.role);
    tm_buf_init(&targets, sizeof a.target_ids - 1);
    for (int i = 0; i < c->req.n_params; i++)
        if (tm_buf_printf(&targets, "%s%s=%s", i ? " " : "", c->req.params[i].key,
                          c->req.params[i].val) != TM_OK)
            break;
    if (c->view.target[0] &&
        tm_buf_printf(&targets, "%s%s", targets.len ? " " : "", c->view.target) != TM_OK)
        tm_log_warn(c->req.id, "audit.target_cut", "target=%.64s", c->view.target);
    snprintf(a.target_ids, sizeof a.target_ids, "%s", targets.p ? targets.p : "");
    tm_buf_fini(&targets);
    a.status = status;
    snprintf(a.source_addr, sizeof a.source_addr, "%s", c->addr);
    if (tm_db_acquire(app->db, 1000, &db, &err) != TM_OK || gw_db_audit_add(db, &a, &err) != TM_OK)
        tm_log_error(c->req.id, "audit.lost", "method=%s path=%s status=%d error=\"%s\"", a.method,
                     a.path, status, err.message);
    tm_db_release(app->db, db);
}

/* Refused by the gateway itself without credentials that hold — bad
 * credentials, a limit, or a request it could not read (400, 413,
 * 415: refused before credentials are looked at): a flood of these must not
 * grow the audit log, so they are counted per source address, minute and
 * status instead (refusals.h). */
static int
anonymous_refusal(const struct call *c, int status)
{
    return !c->who.known_role && !c->dispatched && status >= 400;
}

/* The answer's header lines into out (size bytes): request id, time,
 * limits, Retry-After, CORS; a service's or local route's reply (c->view,
 * when from_view) may name the next page's cursor. */
static void
answer_headers(const struct call *c, int retry_after_s, int from_view, int64_t t0_us, char *out,
               size_t size)
{
    long long us = (long long)(tm_mono_us() - t0_us); /* shown as ms: integers, not %.3f */
    size_t o;

    o = (size_t)snprintf(out, size, "X-Request-Id: %s\r\nX-Process-Time: %lld.%03lldms\r\n",
                         c->req.id, us / 1000, us % 1000);
    if (c->limited && o < size)
        o += (size_t)snprintf(out + o, size - o,
                              "X-RateLimit-Limit: %d\r\nX-RateLimit-Remaining: %d\r\n"
                              "X-RateLimit-Reset: %d\r\n",
                              c->limit.limit, c->limit.remaining, c->limit.reset_s);
    if (from_view && c->view.next_cursor[0] && o < size)
        o += (size_t)snprintf(out + o, size - o, "X-Next-Cursor: %s\r\n", c->view.next_cursor);
    if (retry_after_s > 0 && o < size)
        o += (size_t)snprintf(out + o, size - o, "Retry-After: %d\r\n", retry_after_s);
    if (c->origin && o < size)
        snprintf(out + o, size - o,
                 "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n"
                 "Access-Control-Expose-Headers: X-Request-Id, X-Process-Time, Retry-After, "
                 "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Next-Cursor\r\n",
                 c->origin);
}

/* Recorded before the client hears the answer: once it has one, the audit
 * log has the write. Refused credentials and rate limiting are recorded
 * whatever the method: they are what an attack looks like; anonymous ones
 * as counters, and a known principal's refusal by the gateway itself once
 * a minute per route and status (its repeats as counters too: a principal
 * over its limit would otherwise write a row per request). */
static void
before_answer(const struct gw_app *app, const struct call *c, int status)
{
    int refused = status == 401 || status == 403 || status == 429;

    if (!c->route)
        return;
    if (anonymous_refusal(c, status) ||
        (refused && !c->dispatched &&
         !gw_refusals_first(app->refusals, c->who.env.id, c->route->route, status, tm_now_ms())))
        gw_refusals_count(app->refusals, c->addr, status, c->req.id);
    else if (is_write(c->req.method) || refused)
        audit(app, c, status);
}

/* The answer's metrics and access log line, once it is sent. */
static void
after_answer(const struct call *c, int status, int64_t t0_us)
{
    char labels[TM_METRIC_LABELS_MAX];
    const char *route = c->route ? c->route->route : "unmatched";
    long long us = (long long)(tm_mono_us() - t0_us);

    snprintf(labels, sizeof labels, "method=\"%s\",route=\"%s\",status=\"%d\"", c->req.method,
             route, status);
    tm_metric_add(tm_metric(TM_METRIC_COUNTER, "tm_gateway_requests_total",
                            "API requests answered by the gateway", labels),
                  1);
    snprintf(labels, sizeof labels, "route=\"%s\"", route);
    tm_metric_observe_us(tm_metric(TM_METRIC_HISTOGRAM, "tm_gateway_request_duration_seconds",
                                   "API request time inside the gateway", labels),
                         us);
    tm_log_info(c->req.id, "access",
                "method=%s route=%s status=%d dur_ms=%lld.%03lld principal=%s addr=%s",
                c->req.method, route, status, us / 1000, us % 1000,
                c->who.env.id[0] ? c->who.env.id : "-", c->addr);
}

/* Writes the answer; a service's or local route's reply (c->view, when
 * from_view) may name its media type and the next page's cursor. */
static void
respond(struct mg_connection *conn, const struct gw_app *app, const struct call *c, int status,
        const char *body, size_t len, int retry_after_s, int from_view, int64_t t0_us)
{
    char headers[1024];
    const char *content_type =
        from_view && c->view.content_type[0] ? c->view.content_type : "application/json";

    answer_headers(c, retry_after_s, from_view, t0_us, headers, sizeof headers);
    before_answer(app, c, status);
    tm_http_reply(conn, status, content_type, headers, body, len);
    after_answer(c, status, t0_us);
}

/* Asks for the page after `after` of c's streamed answer: the request again
 * with query TM_PAGE_AFTER_PARAM = after (replacing the client's own, if it
 * sent one). On TM_OK c->view is that page. */
static enum tm_code
next_page(const struct gw_app *app, struct call *c, const char *after, struct tm_err *err)
{
    int i = 0;

    snprintf(c->after, sizeof c->after, "%s", after);
    while (i < c->req.n_query && strcmp(c->req.query[i].key, TM_PAGE_AFTER_PARAM) != 0)
        i++;
    if (i == TM_QUERY_MAX)
        return tm_err_set(err, TM_INVALID, "query", "no room for %s", TM_PAGE_AFTER_PARAM);
    c->req.query[i] = (struct tm_kv){TM_PAGE_AFTER_PARAM, c->after};
    c->req.n_query += i == c->req.n_query;
    tm_bus_free(c->bus_reply);
    c->bus_reply = NULL;
    tm_buf_reset(&c->reply);
    return dispatch(app, c, tm_mono_ms(), err);
}

/* Sends a streamed answer (docs/api.md "Streamed exports"): the first page
 * (c->view, status 200, naming its continuation in more) goes out at once
 * as a chunked 200, then each next page as it arrives, one page in memory
 * at a time. A page that fails after the 200 left (the service down or
 * late, an error status, a continuation not strictly after the last, more than
 * GW_STREAM_PAGES_MAX pages, cfg->stream_s in all) ends the body without its
 * terminating chunk:
 * the client sees a truncated transfer, never a complete file; logged and
 * counted. */
static void
stream(struct mg_connection *conn, const struct gw_app *app, struct call *c, int64_t t0_us)
{
    char headers[1024], after[TM_CURSOR_MAX + 1] = "";
    const char *ctype = c->view.content_type[0] ? c->view.content_type : "application/json";
    size_t bytes = c->view.body_len;
    double first_ms;
    int pages = 1, sent;
    int64_t end_ms = tm_mono_ms() + (int64_t)app->cfg->stream_s * 1000;
    struct tm_err err;
    enum tm_code rc = TM_OK;

    tm_err_clear(&err);
    answer_headers(c, 0, 1, t0_us, headers, sizeof headers);
    before_answer(app, c, 200);
    sent = tm_http_stream_start(conn, 200, ctype, headers) == 0 &&
           tm_http_chunk(conn, c->view.body, c->view.body_len) == 0;
    first_ms = (double)(tm_mono_us() - t0_us) / 1000.0;
    while (sent && rc == TM_OK && c->view.more[0]) {
        int late = tm_mono_ms() >= end_ms;

        if (late || pages == GW_STREAM_PAGES_MAX || !tm_more_follows(after, c->view.more)) {
            rc = tm_err_set(&err, late ? TM_TIMEOUT : TM_INTERNAL, NULL,
                            "continuation %s after %s: %s", c->view.more, after[0] ? after : "-",
                            late                           ? "over the stream's time (stream-s)"
                            : pages == GW_STREAM_PAGES_MAX ? "too many pages"
                                                           : "not increasing");
            break;
        }
        snprintf(after, sizeof after, "%s", c->view.more);
        if ((rc = next_page(app, c, after, &err)) == TM_OK && c->view.status != 200)
            rc = tm_err_set(&err, TM_UNAVAIL, NULL, "page answered %d: %.*s", c->view.status,
                            (int)(c->view.body_len > 200 ? 200 : c->view.body_len), c->view.body);
        if (rc == TM_OK) {
            pages++;
            bytes += c->view.body_len;
            sent = tm_http_chunk(conn, c->view.body, c->view.body_len) == 0;
        }
    }
    if (sent && rc == TM_OK)
        sent = tm_http_stream_end(conn) == 0;
    if (rc != TM_OK || !sent) {
        if (tm_http_shutdown(conn) != 0)
            tm_log_warn(c->req.id, "stream.shutdown",
                        "note=\"socket not found: the client waits "
                        "for civetweb's keep-alive timeout\"");
        tm_metric_add(tm_metric(TM_METRIC_COUNTER, "tm_gateway_streams_cut_total",
                                "streamed answers ended without their last chunk", ""),
                      1);
        tm_log_error(c->req.id, "stream.cut",
                     "route=%s pages=%d bytes=%zu after=%s cause=%s error=\"%s\"", c->route->route,
                     pages, bytes, after[0] ? after : "-", sent ? "source" : "client",
                     rc != TM_OK ? err.message : "write failed");
    } else {
        tm_log_info(c->req.id, "stream.done", "route=%s pages=%d bytes=%zu first_ms=%.3f",
                    c->route->route, pages, bytes, first_ms);
    }
    after_answer(c, 200, t0_us);
}

/* CORS preflight: only the configured origin, only our methods and headers. */
static void
preflight(struct mg_connection *conn, const struct gw_app *app, struct call *c, int64_t t0_us)
{
    char headers[1024];

    if (!c->origin) {
        static const char body[] = "{\"error\":{\"code\":\"forbidden\",\"message\":\"origin not "
                                   "allowed\",\"field\":\"Origin\"}}";
        respond(conn, app, c, 403, body, sizeof body - 1, 0, 0, t0_us);
        return;
    }
    snprintf(headers, sizeof headers,
             "X-Request-Id: %s\r\nAccess-Control-Allow-Origin: %s\r\nVary: Origin\r\n"
             "Access-Control-Allow-Methods: GET, POST, PATCH, PUT, DELETE, OPTIONS\r\n"
             "Access-Control-Allow-Headers: Authorization, Content-Type, X-API-Key, "
             "X-Request-Id, Idempotency-Key\r\nAccess-Control-Max-Age: 600\r\n",
             c->req.id, c->origin);
    tm_http_reply(conn, 204, "application/json", headers, "", 0);
}

/* A call's identity: request id, method, client address, CORS origin. */
static struct call *
call_new(struct mg_connection *conn, const struct gw_app *app)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *rid = mg_get_header(conn, "X-Request-Id");
    const char *origin = mg_get_header(conn, "Origin");
    struct call *c = tm_xmalloc(sizeof *c);

    memset(c, 0, offsetof(struct call, qstore));

    tm_buf_init(&c->reply, TM_MESSAGE_MAX);
    if (rid && tm_rid_valid(rid))
        snprintf(c->req.id, sizeof c->req.id, "%s", rid);
    else
        new_rid(c->req.id, sizeof c->req.id);
    snprintf(c->req.method, sizeof c->req.method, "%.*s", TM_METHOD_MAX, ri->request_method);
    client_addr(conn, c->addr, sizeof c->addr);
    if (origin && app->cfg->cors_origin[0] && strcmp(origin, app->cfg->cors_origin) == 0)
        c->origin = app->cfg->cors_origin;
    return c;
}

static void
call_free(struct call *c)
{
    tm_bus_free(c->bus_reply);
    tm_buf_fini(&c->reply);
    free(c->body);
    free(c);
}

/* Everything the gateway checks before a request runs: route, credentials,
 * limits and revocation, permission. */
static enum tm_code
checks(struct mg_connection *conn, const struct gw_app *app, struct call *c, struct tm_err *err)
{
    struct tm_err auth_err;
    enum tm_code rc, auth_rc;
    int counted = 0;

    rc = build(conn, app, c, err);
    /* an API key this gateway does not keep costs a database read: the
     * request counts as anonymous first, so made-up keys stop at their
     * address's limit (a key that holds then counts as itself too) */
    if (rc == TM_OK && gw_auth_unknown_key(app, conn)) {
        rc = limit(app, c, err);
        counted = 1;
    }
    if (rc == TM_OK) {
        auth_rc = gw_authenticate(app, conn, &c->who, &auth_err);
        if (!counted || c->who.known_role)
            rc = limit(app, c, err);
        if (rc == TM_OK && auth_rc != TM_OK) {
            rc = auth_rc;
            *err = auth_err;
        }
    }
    if (rc == TM_OK)
        rc = gw_authorize(c->route, &c->who, c->req.params, c->req.n_params, err);
    return rc;
}

/* Answers rc as the API's JSON error. */
static void
refuse(struct mg_connection *conn, const struct gw_app *app, const struct call *c, enum tm_code rc,
       struct tm_err *err, int64_t t0_us)
{
    struct tm_reply rep;

    if (tm_code_http(rc) >= 500)
        tm_log_warn(c->req.id, "gateway.error", "code=%s error=\"%s\"", tm_code_name(rc),
                    err->message);
    err->code = rc;
    tm_reply_init(&rep);
    tm_reply_error(&rep, err, c->req.id);
    respond(conn, app, c, rep.status, rep.body.p ? rep.body.p : "", rep.body.len,
            rc == TM_RATELIMITED ? c->limit.reset_s : 0, 0, t0_us);
    tm_reply_fini(&rep);
}

/* The stream, or 429 with Retry-After when cfg->streams are being sent. */
static void
stream_or_busy(struct mg_connection *conn, const struct gw_app *app, struct call *c, int64_t t0_us)
{
    struct tm_err err;
    int open = atomic_fetch_add(&streams_open, 1) < app->cfg->streams;
    if (open)
        stream(conn, app, c, t0_us);
    atomic_fetch_sub(&streams_open, 1);
    if (open)
        return;
    tm_err_clear(&err);
    c->limit.reset_s = GW_STREAM_RETRY_S; /* refuse's Retry-After */
    c->dispatched = 0; /* refused by the gateway itself: audited as its other refusals */
    refuse(conn, app, c,
           tm_err_set(&err, TM_RATELIMITED, NULL,
                      "%d streamed exports are being sent by this gateway, its most at once",
                      app->cfg->streams),
           &err, t0_us);
}

int
gw_proxy_handle(struct mg_connection *conn, void *cbdata)
{
    const struct gw_app *app = cbdata;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    int64_t t0_us = tm_mono_us();
    struct call *c;
    struct tm_err err;
    enum tm_code rc;

    if (app->cfg->floor && ri->local_uri && strcmp(ri->local_uri, GW_FLOOR_PATH) == 0)
        return gw_floor_reply(conn); /* the benchmark's floor: nothing of the below */
    c = call_new(conn, app);
    tm_err_clear(&err);
    if (!strcmp(c->req.method, "OPTIONS") && mg_get_header(conn, "Origin")) {
        preflight(conn, app, c, t0_us);
        goto out;
    }
    rc = checks(conn, app, c, &err);
    if (rc == TM_OK)
        rc = answer(app, c, t0_us / 1000, &err);
    if (rc == TM_OK && c->view.status == 200 && c->view.more[0])
        stream_or_busy(conn, app, c, t0_us);
    else if (rc == TM_OK)
        respond(conn, app, c, c->view.status, c->view.body, c->view.body_len, c->view.retry_after_s,
                1, t0_us);
    else
        refuse(conn, app, c, rc, &err, t0_us);
out:
    call_free(c);
    return 1;
}

int
gw_proxy_admit(struct mg_connection *conn, const struct gw_app *app, struct gw_admission *out)
{
    int64_t t0_us = tm_mono_us();
    struct call *c = call_new(conn, app);
    struct tm_err err;
    enum tm_code rc;

    tm_err_clear(&err);
    rc = checks(conn, app, c, &err);
    if (rc != TM_OK) {
        refuse(conn, app, c, rc, &err, t0_us);
    } else {
        memset(out, 0, sizeof *out);
        out->who = c->who;
        snprintf(out->rid, sizeof out->rid, "%s", c->req.id);
        snprintf(out->addr, sizeof out->addr, "%s", c->addr);
        for (int i = 0; i < c->req.n_query; i++) {
            snprintf(out->query[i][0], sizeof out->query[i][0], "%s", c->req.query[i].key);
            snprintf(out->query[i][1], sizeof out->query[i][1], "%s", c->req.query[i].val);
        }
        out->n_query = c->req.n_query;
    }
    call_free(c);
    return rc == TM_OK;
}
