/* services/supplier-mock/handlers.c — tm-supplier-mock's routes. Every
 * request runs on a civetweb worker thread: authenticate, wait latency_ms,
 * draw a fault under the lock, build the reply into a buffer under the lock
 * (the state is small and the work bounded), then unlock and write. An
 * order's fault may fall after the order is recorded, so the order exists
 * while its reply is lost: the case an idempotent client must survive. */
#include "services/supplier-mock/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/http.h"
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#include "services/supplier-mock/decode.h"

#define REPLY_MAX (4 << 20)        /* docs/supplier-api.md: replies are at most 4 MiB */
#define ADMIN_REPLY_MAX (64 << 20) /* GET /admin/orders lists every order held */

/* A reply being built: status, JSON body, extra header lines. */
struct reply {
    int status;
    struct tm_buf body;
    char headers[128];
};

void
mock_app_init(struct mock_app *app, const struct mock_cfg *cfg, const struct mock_faults *f,
              struct mock_catalogue *cat)
{
    memset(app, 0, sizeof *app);
    app->cfg = cfg;
    pthread_mutex_init(&app->mu, NULL);
    tm_cond_init_mono(&app->wake);
    app->faults = *f;
    app->rng = (uint64_t)cfg->seed;
    mock_catalogue_init(&app->cat);
    mock_catalogue_move(&app->cat, cat);
    mock_orders_init(&app->orders, cfg->code, (size_t)cfg->orders_max);
}

void
mock_app_fini(struct mock_app *app)
{
    mock_orders_fini(&app->orders);
    mock_catalogue_fini(&app->cat);
    pthread_cond_destroy(&app->wake);
    pthread_mutex_destroy(&app->mu);
}

void
mock_app_stop(struct mock_app *app)
{
    pthread_mutex_lock(&app->mu);
    app->stopping = 1;
    pthread_cond_broadcast(&app->wake);
    pthread_mutex_unlock(&app->mu);
}

/* Waits ms milliseconds, or less when the mock is stopping. */
static void
wait_ms(struct mock_app *app, int ms)
{
    int64_t deadline = tm_mono_ms() + ms;

    pthread_mutex_lock(&app->mu);
    while (!app->stopping && tm_mono_ms() < deadline)
        tm_cond_wait_until(&app->wake, &app->mu, deadline);
    pthread_mutex_unlock(&app->mu);
}

/* {"error":{"code","message","field"}} with status; code is the wire name. */
static void
reply_error(struct reply *rep, int status, const char *code, const struct tm_err *err)
{
    tm_buf_reset(&rep->body);
    rep->status = status;
    rep->headers[0] = '\0';
    if (tm_buf_adds(&rep->body, "{\"error\":{") != TM_OK ||
        tm_json_kv_str(&rep->body, "code", code, 1) != TM_OK ||
        tm_json_kv_str(&rep->body, "message", err->message, 0) != TM_OK ||
        tm_json_kv_opt_str(&rep->body, "field", err->field) != TM_OK ||
        tm_buf_adds(&rep->body, "}}") != TM_OK)
        rep->status = 500; /* a 256-byte message cannot fill 4 MiB */
}

static void
reply_code(struct reply *rep, enum tm_code rc, const struct tm_err *err)
{
    reply_error(rep, tm_code_http(rc), tm_code_name(rc), err);
}

/* An encoder ran out of room: only a catalogue or order list can. */
static void
reply_too_large(struct reply *rep)
{
    struct tm_err e;

    tm_err_set(&e, TM_INTERNAL, NULL, "reply too large");
    reply_error(rep, 500, "internal", &e);
}

static enum tm_code
encode_order(struct tm_buf *b, const struct mock_order *o)
{
    char created[TM_ISO8601_MAX], day[TM_ISO8601_MAX];
    enum tm_code rc;

    tm_iso8601(o->created_ms / 1000 * 1000, created, sizeof created);
    memcpy(created + 19, "Z", 2); /* "2026-11-26T18:00:01Z", as the doc writes it */
    tm_iso8601(o->expected_day * MOCK_DAY_MS, day, sizeof day);
    day[10] = '\0';
    if ((rc = tm_buf_adds(b, "{")) || (rc = tm_json_kv_str(b, "order_id", o->id, 1)) ||
        (rc = tm_json_kv_str(b, "reference", o->reference, 0)) ||
        (rc = tm_json_kv_str(b, "status", mock_status_name(o->status), 0)) ||
        (rc = tm_json_kv_str(b, "created_at", created, 0)) ||
        (rc = tm_json_kv_str(b, "expected_delivery", day, 0)) ||
        (rc = tm_buf_adds(b, ",\"lines\":[")))
        return rc;
    for (int i = 0; i < o->n_lines; i++) {
        const struct mock_line *l = &o->lines[i];

        if ((rc = tm_buf_adds(b, i ? ",{" : "{")) || (rc = tm_json_kv_str(b, "sku", l->sku, 1)) ||
            (rc = tm_json_kv_i64(b, "quantity", l->quantity)) ||
            (rc = tm_json_kv_i64(b, "confirmed_quantity", l->confirmed_quantity)) ||
            (rc = tm_json_kv_i64(b, "unit_price_cents", l->unit_price_cents)) ||
            (rc = tm_buf_adds(b, "}")))
            return rc;
    }
    return tm_buf_adds(b, "]}");
}

static enum tm_code
encode_item(struct tm_buf *b, const struct mock_item *it, int first)
{
    enum tm_code rc;

    if ((rc = tm_buf_adds(b, first ? "{" : ",{")) || (rc = tm_json_kv_str(b, "sku", it->sku, 1)) ||
        (rc = tm_json_kv_str(b, "name", it->name, 0)) ||
        (rc = tm_buf_adds(b, ",\"price_breaks\":[")))
        return rc;
    for (int i = 0; i < it->n_breaks; i++)
        if ((rc = tm_buf_printf(b, "%s{\"min_quantity\":%lld", i ? "," : "",
                                (long long)it->breaks[i].min_quantity)) ||
            (rc = tm_json_kv_i64(b, "unit_price_cents", it->breaks[i].unit_price_cents)) ||
            (rc = tm_buf_adds(b, "}")))
            return rc;
    if ((rc = tm_buf_adds(b, "]")) || (rc = tm_json_kv_i64(b, "available", it->available)) ||
        (rc = tm_json_kv_i64(b, "lead_time_days", it->lead_time_days)))
        return rc;
    return tm_buf_adds(b, "}");
}

/* GET /v1/catalogue, under app->mu. */
static void
get_catalogue(struct mock_app *app, struct reply *rep)
{
    struct tm_buf *b = &rep->body;
    char now[TM_ISO8601_MAX];
    enum tm_code rc;

    tm_iso8601(tm_now_ms() / 1000 * 1000, now, sizeof now);
    memcpy(now + 19, "Z", 2);
    rc = tm_buf_adds(b, "{");
    if (!rc && !(rc = tm_json_kv_str(b, "supplier", app->cfg->code, 1)) &&
        !(rc = tm_json_kv_str(b, "currency", app->cfg->currency, 0)) &&
        !(rc = tm_json_kv_str(b, "as_of", now, 0)))
        rc = tm_buf_adds(b, ",\"items\":[");
    for (size_t i = 0; rc == TM_OK && i < app->cat.n; i++)
        rc = encode_item(b, &app->cat.items[i], i == 0);
    if (rc || (rc = tm_buf_adds(b, "]}")))
        reply_too_large(rep);
}

/* POST /v1/orders: the body is decoded before the lock is taken. */
static void
post_order(struct mock_app *app, struct mg_connection *conn, struct reply *rep)
{
    const char *key = mg_get_header(conn, "Idempotency-Key");
    struct mock_order_req *req = tm_xmalloc(sizeof *req);
    const struct mock_order *o;
    const char *refusal;
    struct tm_err err;
    char *body = NULL;
    size_t len;
    int replayed;
    enum tm_code rc;

    tm_err_clear(&err);
    if (!key || !mock_idem_key_valid(key)) {
        tm_err_set(&err, TM_INVALID, "Idempotency-Key",
                   "the Idempotency-Key header is required: 1 to %d of A-Z a-z 0-9 . _ : -",
                   MOCK_KEY_MAX);
        reply_code(rep, TM_INVALID, &err);
        goto out;
    }
    if ((rc = tm_http_read_body(conn, MOCK_BODY_MAX, &body, &len, &err)) != TM_OK ||
        (rc = mock_parse_order(body, len, req, &err)) != TM_OK) {
        reply_code(rep, rc, &err);
        goto out;
    }
    pthread_mutex_lock(&app->mu);
    rc = mock_orders_submit(&app->orders, &app->cat, key, req, tm_now_ms(), &o, &replayed, &refusal,
                            &err);
    if (rc == TM_OK) {
        app->stats.orders_created += !replayed;
        app->stats.orders_replayed += replayed;
        rep->status = replayed ? 200 : 201;
        if (replayed)
            snprintf(rep->headers, sizeof rep->headers, "Idempotent-Replayed: true\r\n");
        if (encode_order(&rep->body, o) != TM_OK)
            reply_too_large(rep);
    }
    pthread_mutex_unlock(&app->mu);
    if (rc != TM_OK)
        reply_error(rep, tm_code_http(rc), refusal ? refusal : tm_code_name(rc), &err);
    tm_log_info(NULL, "order", "key=%s status=%d replayed=%d", key, rep->status,
                rc == TM_OK && replayed);
out:
    free(body);
    free(req);
}

/* GET /v1/orders/{id} and POST /v1/orders/{id}/cancel. */
static void
order_by_id(struct mock_app *app, const char *id, int cancel, struct reply *rep)
{
    const struct mock_order *o;
    struct tm_err err;
    enum tm_code rc = TM_OK;

    tm_err_clear(&err);
    pthread_mutex_lock(&app->mu);
    if (cancel)
        rc = mock_orders_cancel(&app->orders, &app->cat, id, &o, &err);
    else if (!(o = mock_orders_get(&app->orders, id)))
        rc = tm_err_set(&err, TM_NOTFOUND, "order_id", "no order %.40s", id);
    if (rc == TM_OK && encode_order(&rep->body, o) != TM_OK)
        reply_too_large(rep);
    pthread_mutex_unlock(&app->mu);
    if (rc != TM_OK)
        reply_code(rep, rc, &err);
}

/* The order id in "/v1/orders/{id}[suffix]" into id[size]; 0 when the
 * path is not of that form. */
static int
order_path(const char *uri, const char *suffix, char *id, size_t size)
{
    const char *p = uri + strlen("/v1/orders/");
    size_t n = strcspn(p, "/"), sl = strlen(suffix);

    if (strncmp(uri, "/v1/orders/", strlen("/v1/orders/")) != 0 || n == 0 || n >= size ||
        strlen(p + n) != sl || strcmp(p + n, suffix) != 0)
        return 0;
    memcpy(id, p, n);
    id[n] = '\0';
    return 1;
}

enum route { R_NONE, R_CATALOGUE, R_ORDER_NEW, R_ORDER_GET, R_ORDER_CANCEL };

/* Which /v1/ route; TM_NOTFOUND / TM_METHOD in *rc when none. */
static enum route
api_route(const char *method, const char *uri, char *id, size_t size, enum tm_code *rc)
{
    int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    enum route r = R_NONE;
    int want_get = 0;

    if (strcmp(uri, "/v1/catalogue") == 0)
        r = R_CATALOGUE, want_get = 1;
    else if (strcmp(uri, "/v1/orders") == 0)
        r = R_ORDER_NEW;
    else if (order_path(uri, "", id, size))
        r = R_ORDER_GET, want_get = 1;
    else if (order_path(uri, "/cancel", id, size))
        r = R_ORDER_CANCEL;
    *rc = r == R_NONE ? TM_NOTFOUND : TM_OK;
    if (r != R_NONE && !(want_get ? get : post))
        *rc = TM_METHOD, r = R_NONE;
    return r;
}

static void
api_reply(struct mock_app *app, struct mg_connection *conn, enum route r, const char *id,
          struct reply *rep)
{
    rep->status = 200;
    switch (r) {
    case R_CATALOGUE:
        pthread_mutex_lock(&app->mu);
        get_catalogue(app, rep);
        pthread_mutex_unlock(&app->mu);
        break;
    case R_ORDER_NEW:
        post_order(app, conn, rep);
        break;
    case R_ORDER_GET:
    case R_ORDER_CANCEL:
        order_by_id(app, id, r == R_ORDER_CANCEL, rep);
        break;
    case R_NONE:
        break;
    }
}

/* Answers as fault f says. Returns 1 when the request is answered (or
 * dropped), 0 when the normal reply follows (a timeout only delays it). */
static int
inject(struct mock_app *app, struct mg_connection *conn, const struct mock_faults *snap,
       enum mock_fault_kind kind, struct reply *rep)
{
    static const char malformed[] = "{\"order_id\": \"<html>502 Bad Gateway"; /* cut short */
    struct tm_err err;

    switch (kind) {
    case MOCK_FAULT_ERROR:
        tm_err_set(&err, TM_UNAVAIL, NULL, "injected fault: the supplier is unavailable");
        reply_code(rep, TM_UNAVAIL, &err);
        return 1;
    case MOCK_FAULT_TIMEOUT:
        wait_ms(app, snap->hang_ms);
        return 0;
    case MOCK_FAULT_DROP:
        /* civetweb closes the connection after the handler returns, and
         * nothing has been written: the client sees the peer hang up */
        mg_disable_connection_keep_alive(conn);
        rep->status = 0;
        return 1;
    case MOCK_FAULT_MALFORMED:
        tm_buf_reset(&rep->body);
        rep->status = 200;
        rep->headers[0] = '\0';
        if (tm_buf_adds(&rep->body, malformed) != TM_OK)
            rep->status = 500;
        return 1;
    case MOCK_FAULT_RATE_LIMIT:
        tm_err_set(&err, TM_RATELIMITED, NULL, "injected fault: too many requests");
        reply_code(rep, TM_RATELIMITED, &err);
        snprintf(rep->headers, sizeof rep->headers, "Retry-After: %d\r\n", snap->retry_after_s);
        return 1;
    case MOCK_FAULT_NONE:
    case MOCK_FAULT_KINDS:
        break;
    }
    return 0;
}

/* A /v1/ request after authentication. */
static void
api_request(struct mock_app *app, struct mg_connection *conn, const char *method, const char *uri,
            struct reply *rep, struct mock_fault *fault)
{
    char id[MOCK_ORDER_ID_MAX + 1];
    struct mock_faults snap;
    struct tm_err err;
    enum tm_code rc;
    enum route r = api_route(method, uri, id, sizeof id, &rc);

    pthread_mutex_lock(&app->mu);
    snap = app->faults;
    if (r != R_NONE) {
        app->stats.requests++;
        *fault = mock_fault_draw(&snap, &app->rng, r == R_ORDER_NEW);
        app->stats.faults[fault->kind] += fault->kind != MOCK_FAULT_NONE;
        app->stats.faults_after += fault->after;
    }
    pthread_mutex_unlock(&app->mu);
    if (snap.latency_ms > 0)
        wait_ms(app, snap.latency_ms);
    if (r == R_NONE) {
        tm_err_set(&err, rc, NULL, "%s %.200s is not a route of this API", method, uri);
        reply_code(rep, rc, &err);
        return;
    }
    if (fault->kind != MOCK_FAULT_NONE && !fault->after &&
        inject(app, conn, &snap, fault->kind, rep))
        return;
    api_reply(app, conn, r, id, rep);
    if (fault->kind != MOCK_FAULT_NONE && fault->after)
        (void)inject(app, conn, &snap, fault->kind, rep);
}

static void
encode_faults(const struct mock_faults *f, struct tm_buf *b, struct reply *rep)
{
    enum tm_code rc = tm_buf_printf(b, "{\"latency_ms\":%d", f->latency_ms);
    char name[32];

    for (int k = MOCK_FAULT_NONE + 1; rc == TM_OK && k < MOCK_FAULT_KINDS; k++) {
        snprintf(name, sizeof name, "%s_rate", mock_fault_name((enum mock_fault_kind)k));
        rc = tm_json_kv_f64(b, name, (double)f->rate_ppm[k] / MOCK_PPM, 6, 0);
    }
    if (rc || (rc = tm_json_kv_i64(b, "hang_ms", f->hang_ms)) ||
        (rc = tm_json_kv_i64(b, "retry_after_s", f->retry_after_s)) ||
        (rc = tm_json_kv_f64(b, "after_share", (double)f->after_ppm / MOCK_PPM, 6, 0)) ||
        (rc = tm_buf_adds(b, "}")))
        reply_too_large(rep);
}

static void
put_faults(struct mock_app *app, struct mg_connection *conn, struct reply *rep)
{
    struct mock_faults f;
    struct tm_err err;
    char *body = NULL;
    size_t len;
    uint64_t seed = 0;
    int seed_set = 0;
    enum tm_code rc;

    if ((rc = tm_http_read_body(conn, MOCK_BODY_MAX, &body, &len, &err)) != TM_OK) {
        reply_code(rep, rc, &err);
        return;
    }
    pthread_mutex_lock(&app->mu);
    f = app->faults;
    if ((rc = mock_parse_faults(body, len, &f, &seed_set, &seed, &err)) == TM_OK) {
        app->faults = f;
        if (seed_set)
            app->rng = seed;
    }
    pthread_mutex_unlock(&app->mu);
    free(body);
    if (rc != TM_OK) {
        reply_code(rep, rc, &err);
        return;
    }
    tm_log_info(NULL, "faults", "changed=1 seed_set=%d", seed_set);
    encode_faults(&f, &rep->body, rep);
}

static void
put_catalogue(struct mock_app *app, struct mg_connection *conn, struct reply *rep)
{
    struct mock_catalogue cat, old;
    struct tm_err err;
    char *body = NULL;
    size_t len, n;
    enum tm_code rc;

    mock_catalogue_init(&cat);
    if ((rc = tm_http_read_body(conn, MOCK_BODY_MAX, &body, &len, &err)) != TM_OK ||
        (rc = mock_parse_catalogue(body, len, app->cfg->lead_time_days, &cat, &err)) != TM_OK) {
        free(body);
        reply_code(rep, rc, &err);
        return;
    }
    free(body);
    n = cat.n;
    pthread_mutex_lock(&app->mu);
    old = app->cat;
    app->cat = cat;
    pthread_mutex_unlock(&app->mu);
    mock_catalogue_fini(&old); /* freed outside the lock */
    tm_log_info(NULL, "catalogue", "items=%zu", n);
    if (tm_buf_printf(&rep->body, "{\"count\":%zu}", n) != TM_OK)
        reply_too_large(rep);
}

static void
get_orders(struct mock_app *app, struct reply *rep)
{
    struct tm_buf *b = &rep->body;
    enum tm_code rc;

    tm_buf_fini(b);
    tm_buf_init(b, ADMIN_REPLY_MAX);
    pthread_mutex_lock(&app->mu);
    rc = tm_buf_printf(b, "{\"count\":%zu,\"items\":[", app->orders.n);
    for (size_t i = 0; rc == TM_OK && i < app->orders.n; i++)
        if (!(rc = i ? tm_buf_adds(b, ",") : TM_OK))
            rc = encode_order(b, &app->orders.v[i]);
    pthread_mutex_unlock(&app->mu);
    if (rc || (rc = tm_buf_adds(b, "]}")))
        reply_too_large(rep);
}

static void
get_stats(struct mock_app *app, struct reply *rep)
{
    struct mock_stats s;
    struct tm_buf *b = &rep->body;
    enum tm_code rc;

    pthread_mutex_lock(&app->mu);
    s = app->stats;
    pthread_mutex_unlock(&app->mu);
    rc = tm_buf_printf(b, "{\"requests\":%lld", (long long)s.requests);
    if (!rc && !(rc = tm_json_kv_i64(b, "orders_created", s.orders_created)) &&
        !(rc = tm_json_kv_i64(b, "orders_replayed", s.orders_replayed)))
        rc = tm_buf_adds(b, ",\"faults\":{");
    for (int k = MOCK_FAULT_NONE + 1; rc == TM_OK && k < MOCK_FAULT_KINDS; k++)
        rc = tm_buf_printf(b, "%s\"%s\":%lld", k > 1 ? "," : "",
                           mock_fault_name((enum mock_fault_kind)k), (long long)s.faults[k]);
    if (rc || (rc = tm_json_kv_i64(b, "after_order", s.faults_after)) ||
        (rc = tm_buf_adds(b, "}}")))
        reply_too_large(rep);
}

static void
post_reset(struct mock_app *app, struct reply *rep)
{
    pthread_mutex_lock(&app->mu);
    mock_orders_clear(&app->orders);
    mock_catalogue_restock(&app->cat);
    memset(&app->stats, 0, sizeof app->stats);
    pthread_mutex_unlock(&app->mu);
    tm_log_info(NULL, "reset", "orders=0");
    if (tm_buf_adds(&rep->body, "{\"reset\":true}") != TM_OK)
        reply_too_large(rep);
}

static void
admin_request(struct mock_app *app, struct mg_connection *conn, const char *method, const char *uri,
              struct reply *rep)
{
    int get = strcmp(method, "GET") == 0, put = strcmp(method, "PUT") == 0,
        post = strcmp(method, "POST") == 0;
    struct tm_err err;
    struct mock_faults f;
    enum tm_code rc = TM_METHOD;

    rep->status = 200;
    if (strcmp(uri, "/admin/faults") == 0 && get) {
        pthread_mutex_lock(&app->mu);
        f = app->faults;
        pthread_mutex_unlock(&app->mu);
        encode_faults(&f, &rep->body, rep);
    } else if (strcmp(uri, "/admin/faults") == 0 && put) {
        put_faults(app, conn, rep);
    } else if (strcmp(uri, "/admin/orders") == 0 && get) {
        get_orders(app, rep);
    } else if (strcmp(uri, "/admin/stats") == 0 && get) {
        get_stats(app, rep);
    } else if (strcmp(uri, "/admin/catalogue") == 0 && put) {
        put_catalogue(app, conn, rep);
    } else if (strcmp(uri, "/admin/reset") == 0 && post) {
        post_reset(app, rep);
    } else {
        if (strcmp(uri, "/admin/faults") != 0 && strcmp(uri, "/admin/orders") != 0 &&
            strcmp(uri, "/admin/stats") != 0 && strcmp(uri, "/admin/catalogue") != 0 &&
            strcmp(uri, "/admin/reset") != 0)
            rc = TM_NOTFOUND;
        tm_err_set(&err, rc, NULL, "%s %.200s is not an admin route", method, uri);
        reply_code(rep, rc, &err);
    }
}

/* 1 when the request carries "Authorization: Bearer <key>". Compared in
 * time independent of where the strings differ. */
static int
bearer_ok(struct mg_connection *conn, const char *key)
{
    const char *h = mg_get_header(conn, "Authorization");
    size_t n = strlen(key);
    unsigned char diff = 0;

    if (!h || strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(h[7 + i] ^ key[i]);
    return diff == 0;
}

int
mock_handle(struct mg_connection *conn, void *cbdata)
{
    struct mock_app *app = cbdata;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *uri = ri->local_uri ? ri->local_uri : "", *method = ri->request_method;
    int admin = strncmp(uri, "/admin/", 7) == 0, api = strncmp(uri, "/v1/", 4) == 0;
    const char *key = admin && app->cfg->admin_key[0] ? app->cfg->admin_key : app->cfg->api_key;
    struct mock_fault fault = {MOCK_FAULT_NONE, 0};
    struct reply rep = {200, {0}, ""};
    int64_t t0 = tm_mono_ms();
    struct tm_err err;
    char path[80];

    tm_buf_init(&rep.body, REPLY_MAX);
    if (!admin && !api) {
        tm_err_set(&err, TM_NOTFOUND, NULL, "only /v1/ and /admin/ are served");
        reply_code(&rep, TM_NOTFOUND, &err);
    } else if (key[0] && !bearer_ok(conn, key)) {
        tm_err_set(&err, TM_UNAUTHENTICATED, "Authorization",
                   "a valid Authorization: Bearer key is required");
        reply_code(&rep, TM_UNAUTHENTICATED, &err);
        snprintf(rep.headers, sizeof rep.headers, "WWW-Authenticate: Bearer\r\n");
    } else if (admin) {
        admin_request(app, conn, method, uri, &rep);
    } else {
        api_request(app, conn, method, uri, &rep, &fault);
    }
    if (rep.status > 0)
        tm_http_reply(conn, rep.status, "application/json", rep.headers,
                      rep.body.p ? rep.body.p : "", rep.body.len);
    tm_log_quote(path, sizeof path, uri);
    tm_log_info(NULL, "request", "method=%.8s path=%s status=%d fault=%s after=%d dur_ms=%lld",
                method, path, rep.status, mock_fault_name(fault.kind), fault.after,
                (long long)(tm_mono_ms() - t0));
    tm_buf_fini(&rep.body);
    return rep.status > 0 ? rep.status : 499; /* civetweb logs it as the status */
}
