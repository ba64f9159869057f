/* tests/unit/common/router_test.c — dispatch, error replies, deadlines and
 * the request helpers, with a route table of test handlers (no database). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/metrics.h"
#include "common/router.h"
#include "common/time.h"

#include "tests/unit/common/suites.h"

static int calls;

static enum tm_code
h_echo(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = tm_ctx_param_id(ctx, "id", &id, err);

    calls++;
    if (rc != TM_OK)
        return rc;
    rep->status = 201;
    return tm_buf_printf(&rep->body, "{\"id\":%lld}", (long long)id);
}

static enum tm_code
h_fail(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    (void)ctx;
    (void)rep;
    calls++;
    return tm_err_set(err, TM_CONFLICT, "sku", "taken");
}

static void
health_down(void *app, struct tm_health *h)
{
    (void)app;
    tm_health_add(h, "postgres", 0, "refused");
}

/* A store-owned route whose handler answers without judging the stores. */
static enum tm_code
h_forgets(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    (void)ctx;
    (void)err;
    calls++;
    return tm_buf_adds(&rep->body, "{\"secret\":1}");
}

/* One that judges: the record of the path belongs to store {id}. */
static enum tm_code
h_judges(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t store;
    enum tm_code rc;

    calls++;
    if ((rc = tm_ctx_param_id(ctx, "id", &store, err)) != TM_OK ||
        (rc = tm_ctx_may_see(ctx, &store, 1, "id", "thing", err)) != TM_OK)
        return rc;
    return tm_buf_adds(&rep->body, "{\"secret\":1}");
}

/* A list: a page, a status and a start time. */
static enum tm_code
h_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const statuses[] = {"open", "closed", NULL};
    struct tm_page pg;
    struct tm_time from;
    int status;
    enum tm_code rc;

    calls++;
    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "status", statuses, &status, err)) != TM_OK ||
        (rc = tm_ctx_query_time(ctx, "from", &from, err)) != TM_OK)
        return rc;
    return tm_buf_printf(&rep->body, "{\"limit\":%lld,\"status\":\"%s\",\"from\":\"%s\"}",
                         (long long)pg.limit, status < 0 ? "" : statuses[status], from.text);
}

/* A write in the router's transaction that takes one query parameter. */
static enum tm_code
h_write(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t h;
    enum tm_code rc;

    calls++;
    if ((rc = tm_ctx_query_int(ctx, "horizon", 1, 9, 3, &h, err)) != TM_OK)
        return rc;
    return tm_buf_printf(&rep->body, "{\"horizon\":%lld}", (long long)h);
}

/* A write that commits on its own (TM_TX_READ): it takes no parameter. */
static enum tm_code
h_own(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    (void)ctx;
    (void)err;
    calls++;
    return tm_buf_adds(&rep->body, "{}");
}

static const struct tm_route routes[] = {
    {"POST", "/t/{id}", h_echo, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"GET", "/t/{id}", h_fail, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/s/{id}", h_forgets, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/s/{id}", h_judges, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/l", h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/w/{id}", h_write, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"POST", "/o/{id}", h_own, TM_TX_READ, NULL, TM_SCOPE_NONE},
};
static struct tm_router router = {
    "tm-test", routes, sizeof routes / sizeof routes[0], NULL, health_down, NULL, NULL, NULL, NULL};

static const char *role = "admin", *stores = ""; /* the principal dispatch sends */
static int direct;           /* 1: dispatch runs the request with tm_router_run, no envelope */
static const char *query[8]; /* the query dispatch sends: key, value, key, value..., NULL */

/* Sends one envelope through the router; returns the status, body in out. */
static int
dispatch(const char *method, const char *route, const char *id, int64_t deadline_ms, char *out,
         size_t size)
{
    struct tm_request req;
    struct tm_buf env, rep;
    struct tm_reply_view v;

    memset(&req, 0, sizeof req);
    snprintf(req.principal.kind, sizeof req.principal.kind, "user");
    snprintf(req.principal.role, sizeof req.principal.role, "%s", role);
    snprintf(req.principal.stores, sizeof req.principal.stores, "%s", stores);
    snprintf(req.id, sizeof req.id, "rt");
    snprintf(req.method, sizeof req.method, "%s", method);
    snprintf(req.route, sizeof req.route, "%s", route);
    req.params[0] = (struct tm_kv){"id", id};
    req.n_params = 1;
    for (int i = 0; query[2 * i]; i++) {
        req.query[i] = (struct tm_kv){query[2 * i], query[2 * i + 1]};
        req.n_query = i + 1;
    }
    req.deadline_ms = deadline_ms;
    if (direct) {
        struct tm_reply r;
        int status;

        tm_reply_init(&r);
        tm_router_run(&router, &req, &r);
        snprintf(out, size, "%.*s", (int)r.body.len, r.body.p ? r.body.p : "");
        status = r.status;
        tm_reply_fini(&r);
        return status;
    }
    tm_buf_init(&env, 4096);
    tm_buf_init(&rep, 1 << 20);
    ck_assert_int_eq(tm_request_encode(&req, &env, NULL), TM_OK);
    tm_router_handle(&router, env.p, env.len, &rep);
    ck_assert_int_eq(tm_reply_decode(rep.p, rep.len, &v, NULL), TM_OK);
    snprintf(out, size, "%.*s", (int)v.body_len, v.body);
    tm_buf_fini(&env);
    tm_buf_fini(&rep);
    return v.status;
}

START_TEST(test_router_dispatches_and_reports_errors)
{
    char body[512];
    int64_t later = tm_now_ms() + 10000;

    calls = 0;
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "12", later, body, sizeof body), 201);
    ck_assert_str_eq(body, "{\"id\":12}");
    ck_assert_int_eq(dispatch("GET", "/t/{id}", "12", later, body, sizeof body), 409);
    ck_assert_str_eq(body,
                     "{\"error\":{\"code\":\"conflict\",\"message\":\"taken\",\"field\":\"sku\"}}");
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "abc", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "\"field\":\"id\""));
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "0", later, body, sizeof body), 400);
    ck_assert_int_eq(calls, 4);
    ck_assert_int_eq(dispatch("DELETE", "/t/{id}", "1", later, body, sizeof body), 405);
    ck_assert_int_eq(dispatch("GET", "/nope", "1", later, body, sizeof body), 404);
    ck_assert_ptr_nonnull(strstr(body, "\"code\":\"not_found\""));
    ck_assert_int_eq(calls, 4);
}
END_TEST

/* The total of every tm_requests_total series, as /metrics shows it. */
static long
requests_counted(void)
{
    struct tm_buf m;
    long n = 0;

    tm_buf_init(&m, 1 << 20);
    ck_assert_int_eq(tm_metrics_render(&m), TM_OK);
    for (const char *p = m.p; p && (p = strstr(p, "\ntm_requests_total{")); p++)
        n += strtol(strchr(p, '}') + 1, NULL, 10);
    tm_buf_fini(&m);
    return n;
}

/* tm_router_run (the gateway's own routes, in its process) answers as the
 * envelope path does, errors included, and counts nothing: its caller
 * counts and logs the request once. */
START_TEST(test_router_run_answers_as_a_message_does)
{
    static const struct {
        const char *method, *route, *id;
        int status;
    } cases[] = {
        {"POST", "/t/{id}", "12", 201},  {"GET", "/t/{id}", "12", 409},
        {"POST", "/t/{id}", "abc", 400}, {"DELETE", "/t/{id}", "1", 405},
        {"GET", "/nope", "1", 404},      {"GET", "/s/{id}", "3", 500},
    };
    char via_message[512], via_run[512];
    int64_t later = tm_now_ms() + 10000;
    long counted;

    role = "admin";
    stores = "";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        direct = 0;
        ck_assert_int_eq(dispatch(cases[i].method, cases[i].route, cases[i].id, later, via_message,
                                  sizeof via_message),
                         cases[i].status);
        counted = requests_counted();
        direct = 1;
        ck_assert_int_eq(
            dispatch(cases[i].method, cases[i].route, cases[i].id, later, via_run, sizeof via_run),
            cases[i].status);
        ck_assert_str_eq(via_run, via_message);
        ck_assert_int_eq(requests_counted(), counted);
    }
    direct = 1;
    calls = 0;
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "1", tm_now_ms() - 1, via_run, sizeof via_run),
                     504);
    ck_assert_int_eq(calls, 0);
    direct = 0;
}
END_TEST

/* tm_router_run logs a 5xx with its cause (the reply body hides it) and
 * nothing else: the caller logs the request. */
START_TEST(test_router_run_logs_only_a_server_error)
{
    char body[512], line[TM_LOG_LINE_MAX + 1];
    int64_t later = tm_now_ms() + 10000;
    int p[2];
    ssize_t n;

    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    tm_log_init("tm-test", TM_LOG_INFO, p[1]);
    role = "admin";
    stores = "";
    direct = 1;
    ck_assert_int_eq(dispatch("GET", "/t/{id}", "12", later, body, sizeof body), 409);
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "12", later, body, sizeof body), 201);
    ck_assert_int_eq(read(p[0], line, sizeof line - 1), -1); /* nothing for a 2xx or 4xx */
    ck_assert_int_eq(dispatch("GET", "/s/{id}", "3", later, body, sizeof body), 500);
    direct = 0;
    n = read(p[0], line, sizeof line - 1);
    ck_assert_int_gt(n, 0);
    line[n] = '\0';
    ck_assert_ptr_nonnull(strstr(line, "level=error"));
    ck_assert_ptr_nonnull(strstr(line, "svc_route=/s/{id} method=GET status=500"));
    ck_assert_ptr_nonnull(strstr(line, "without judging store scope"));
    ck_assert_ptr_null(strstr(body, "judging"));
    tm_log_init("tm-unit", TM_LOG_ERROR, open("/dev/null", O_WRONLY));
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_router_refuses_expired_deadline_without_calling)
{
    char body[512];

    calls = 0;
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "1", tm_now_ms() - 1, body, sizeof body), 504);
    ck_assert_ptr_nonnull(strstr(body, "deadline_exceeded"));
    ck_assert_int_eq(calls, 0);
}
END_TEST

START_TEST(test_router_answers_health_probe)
{
    char body[512];

    ck_assert_int_eq(dispatch(TM_HEALTH_METHOD, "/_health", "1", 0, body, sizeof body), 503);
    ck_assert_ptr_nonnull(strstr(body, "\"ready\":false"));
    ck_assert_ptr_nonnull(strstr(body, "\"postgres\":{\"state\":\"down\""));
}
END_TEST

START_TEST(test_router_garbage_message_is_400)
{
    struct tm_buf rep;
    struct tm_reply_view v;

    tm_buf_init(&rep, 4096);
    tm_router_handle(&router, "garbage", 7, &rep);
    ck_assert_int_eq(tm_reply_decode(rep.p, rep.len, &v, NULL), TM_OK);
    ck_assert_int_eq(v.status, 400);
    tm_buf_fini(&rep);
}
END_TEST

/* A store-owned route answers only when its handler judged the stores
 * (whoever asks: a forgotten check fails every test of the route), and a
 * record of another store reads like a missing one. */
START_TEST(test_router_refuses_unjudged_store_answers)
{
    char body[512];
    int64_t later = tm_now_ms() + 10000;

    role = "admin";
    stores = "";
    ck_assert_int_eq(dispatch("GET", "/s/{id}", "3", later, body, sizeof body), 500);
    ck_assert_ptr_null(strstr(body, "secret"));
    ck_assert_int_eq(dispatch("POST", "/s/{id}", "3", later, body, sizeof body), 200);
    role = "store_manager";
    stores = "1,2";
    ck_assert_int_eq(dispatch("GET", "/s/{id}", "2", later, body, sizeof body), 500);
    ck_assert_int_eq(dispatch("POST", "/s/{id}", "2", later, body, sizeof body), 200);
    ck_assert_int_eq(dispatch("POST", "/s/{id}", "3", later, body, sizeof body), 404);
    ck_assert_str_eq(body, "{\"error\":{\"code\":\"not_found\",\"message\":\"no thing with "
                           "this id\",\"field\":\"id\"}}");
    role = "admin";
}
END_TEST

/* Sets the query dispatch sends: up to three pairs. */
static void
with_query(const char *k1, const char *v1, const char *k2, const char *v2, const char *k3,
           const char *v3)
{
    const char *q[8] = {k1, v1, k2, v2, k3, v3, NULL, NULL};

    memcpy(query, q, sizeof query);
    if (!k1)
        query[0] = NULL;
    else if (!k2)
        query[2] = NULL;
    else if (!k3)
        query[4] = NULL;
}

/* A parameter the handler did not read is a 400 naming it and the ones it
 * takes (?page=2 where the API pages with cursor), never silently ignored. */
START_TEST(test_router_refuses_unread_query_parameters)
{
    char body[512];
    int64_t later = tm_now_ms() + 10000;

    with_query("limit", "5", "status", "open", "from", "2026-11-22");
    ck_assert_int_eq(dispatch("GET", "/l", "1", later, body, sizeof body), 200);
    ck_assert_str_eq(body, "{\"limit\":5,\"status\":\"open\",\"from\":\"2026-11-22T00:00:00Z\"}");
    with_query("page", "1", "page_size", "20", NULL, NULL);
    ck_assert_int_eq(dispatch("GET", "/l", "1", later, body, sizeof body), 400);
    ck_assert_str_eq(body, "{\"error\":{\"code\":\"invalid_argument\",\"message\":\"unknown "
                           "query parameter 'page': GET /l takes limit, cursor, status, "
                           "from\",\"field\":\"page\"}}");
    with_query("limit", "5", "Limit", "6", NULL, NULL); /* names are case-sensitive */
    ck_assert_int_eq(dispatch("GET", "/l", "1", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "\"field\":\"Limit\""));
    with_query("limit", "5", "limit", "6", NULL, NULL);
    ck_assert_int_eq(dispatch("GET", "/l", "1", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "limit is given more than once"));
    with_query("status", "in_store", NULL, NULL, NULL, NULL);
    ck_assert_int_eq(dispatch("GET", "/l", "1", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "status must be one of: open, closed"));
    with_query("from", "yesterday", NULL, NULL, NULL, NULL);
    ck_assert_int_eq(dispatch("GET", "/l", "1", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "\"field\":\"from\""));
    /* a route that reads nothing takes nothing */
    with_query("x", "1", NULL, NULL, NULL, NULL);
    ck_assert_int_eq(dispatch("POST", "/t/{id}", "3", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "unknown query parameter 'x': POST /t/{id} takes none"));
    with_query(NULL, NULL, NULL, NULL, NULL, NULL);
}
END_TEST

/* Writes: in the router's transaction the handler runs and the refusal
 * rolls it back; a write that commits on its own is refused before it runs. */
START_TEST(test_router_refuses_unread_query_parameters_of_writes)
{
    char body[512];
    int64_t later = tm_now_ms() + 10000;

    calls = 0;
    with_query("horizon", "4", NULL, NULL, NULL, NULL);
    ck_assert_int_eq(dispatch("POST", "/w/{id}", "1", later, body, sizeof body), 200);
    ck_assert_str_eq(body, "{\"horizon\":4}");
    with_query("horizon", "4", "horizon_days", "4", NULL, NULL);
    ck_assert_int_eq(dispatch("POST", "/w/{id}", "1", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(strstr(body, "\"field\":\"horizon_days\""));
    ck_assert_int_eq(calls, 2);
    with_query(NULL, NULL, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(dispatch("POST", "/o/{id}", "1", later, body, sizeof body), 200);
    ck_assert_int_eq(calls, 3);
    with_query("dry_run", "true", NULL, NULL, NULL, NULL);
    ck_assert_int_eq(dispatch("POST", "/o/{id}", "1", later, body, sizeof body), 400);
    ck_assert_ptr_nonnull(
        strstr(body, "unknown query parameter 'dry_run': POST /o/{id} takes none"));
    ck_assert_int_eq(calls, 3);
    with_query(NULL, NULL, NULL, NULL, NULL, NULL);
}
END_TEST

START_TEST(test_store_scope_helpers)
{
    struct tm_request req;
    struct tm_ctx ctx;
    const int64_t ends[2] = {3, 2}, elsewhere[2] = {3, 4};
    char scope[32];
    struct tm_err e;

    memset(&req, 0, sizeof req);
    tm_ctx_init(&ctx, &req, NULL);
    snprintf(req.principal.role, sizeof req.principal.role, "pos");
    snprintf(req.principal.stores, sizeof req.principal.stores, "1,2");
    ck_assert_int_eq(tm_ctx_may_see(&ctx, ends, 2, "id", "transfer", &e), TM_OK);
    ck_assert_int_eq(ctx.stores_judged, 1);
    ck_assert_int_eq(tm_ctx_may_see(&ctx, elsewhere, 2, "id", "transfer", &e), TM_NOTFOUND);
    ck_assert_str_eq(e.field, "id");
    ck_assert_str_eq(e.message, "no transfer with this id");
    ck_assert_int_eq(tm_ctx_may_see(&ctx, elsewhere, 0, "id", "transfer", &e), TM_NOTFOUND);
    ck_assert_int_eq(tm_ctx_may_store(&ctx, 2, "store_id", &e), TM_OK);
    ck_assert_int_eq(tm_ctx_may_store(&ctx, 12, "store_id", &e), TM_FORBIDDEN);
    ck_assert_str_eq(e.field, "store_id");
    ck_assert_int_eq(tm_ctx_store_scope(&ctx, scope, sizeof scope), 1);
    ck_assert_str_eq(scope, "{1,2}");
    snprintf(req.principal.role, sizeof req.principal.role, "analyst");
    ck_assert_int_eq(tm_ctx_may_see(&ctx, elsewhere, 2, "id", "transfer", &e), TM_OK);
    ck_assert_int_eq(tm_ctx_may_store(&ctx, 12, "store_id", &e), TM_OK);
    ck_assert_int_eq(tm_ctx_store_scope(&ctx, scope, sizeof scope), 0);
    snprintf(req.principal.role, sizeof req.principal.role, "nobody"); /* unknown: scoped */
    ck_assert_int_eq(tm_ctx_may_see(&ctx, elsewhere, 2, "id", "transfer", &e), TM_NOTFOUND);
    ck_assert_int_eq(tm_ctx_may_store(&ctx, 12, "store_id", &e), TM_FORBIDDEN);
}
END_TEST

static struct tm_request qreq;
static struct tm_ctx qctx;

static void
set_query(const char *k1, const char *v1, const char *k2, const char *v2)
{
    memset(&qreq, 0, sizeof qreq);
    tm_ctx_init(&qctx, &qreq, NULL);
    qreq.query[0] = (struct tm_kv){k1, v1};
    qreq.query[1] = (struct tm_kv){k2, v2};
    qreq.n_query = 2;
}

START_TEST(test_page_and_query_helpers)
{
    struct tm_page pg;
    struct tm_err e;
    struct tm_buf b;
    int on;
    const char *q;

    set_query("x", "1", "y", "2");
    ck_assert_int_eq(tm_ctx_page(&qctx, &pg, &e), TM_OK);
    ck_assert_int_eq(pg.limit, TM_LIMIT_DEFAULT);
    ck_assert_int_eq(pg.after_id, 0);
    set_query("limit", "5", "cursor", "i99");
    ck_assert_int_eq(tm_ctx_page(&qctx, &pg, &e), TM_OK);
    ck_assert_int_eq(pg.limit, 5);
    ck_assert_int_eq(pg.after_id, 99);
    set_query("limit", "100000", "cursor", "");
    ck_assert_int_eq(tm_ctx_page(&qctx, &pg, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "limit");
    set_query("limit", "0", "cursor", "");
    ck_assert_int_eq(tm_ctx_page(&qctx, &pg, &e), TM_INVALID);
    set_query("limit", "5", "cursor", "x99");
    ck_assert_int_eq(tm_ctx_page(&qctx, &pg, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "cursor");
    set_query("active", "maybe", "q", "abc");
    ck_assert_int_eq(tm_ctx_query_bool(&qctx, "active", &on, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "active");
    ck_assert_int_eq(tm_ctx_query_str(&qctx, "q", 2, &q, &e), TM_INVALID);
    ck_assert_int_eq(tm_ctx_query_str(&qctx, "q", 3, &q, &e), TM_OK);
    ck_assert_str_eq(q, "abc");
    tm_buf_init(&b, 256);
    ck_assert_int_eq(tm_page_next(&b, 1, 42), TM_OK);
    ck_assert_str_eq(b.p, ",\"next_cursor\":\"i42\"");
    tm_buf_reset(&b);
    ck_assert_int_eq(tm_page_next(&b, 0, 42), TM_OK);
    ck_assert_str_eq(b.p, ",\"next_cursor\":null");
    tm_buf_fini(&b);
}
END_TEST

struct page_item {
    int64_t id;
    int size; /* bytes of its text */
};

static enum tm_code
enc_page_item(struct tm_buf *b, const void *item)
{
    const struct page_item *it = item;

    return tm_buf_printf(b, "{\"id\":%lld,\"t\":\"%*s\"}", (long long)it->id, it->size, "");
}

static int64_t
page_item_id(const void *item)
{
    return ((const struct page_item *)item)->id;
}

/* A page whose items do not all fit in one reply is short: the items that
 * fit, closed, and a cursor after the last of them; one that fits is whole;
 * an item that cannot fit alone is TM_TOOBIG. */
START_TEST(test_reply_page_short_when_full)
{
    struct page_item items[4] = {{1, 100}, {2, 100}, {3, 100}, {4, 100}};
    struct tm_reply rep;
    struct tm_err e;
    cJSON *doc;

    tm_reply_init(&rep);
    rep.body.max = 300 + TM_PAGE_TAIL_MAX; /* two items and the start, not three */
    ck_assert_int_eq(
        tm_reply_page(&rep, items, sizeof items[0], 3, 3, enc_page_item, page_item_id, &e), TM_OK);
    doc = cJSON_Parse(rep.body.p);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")), 2);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "next_cursor")->valuestring, "i2");
    cJSON_Delete(doc);

    tm_buf_reset(&rep.body);
    rep.body.max = TM_MESSAGE_MAX - 512;
    ck_assert_int_eq(
        tm_reply_page(&rep, items, sizeof items[0], 4, 3, enc_page_item, page_item_id, &e), TM_OK);
    doc = cJSON_Parse(rep.body.p);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "next_cursor")->valuestring, "i3");
    cJSON_Delete(doc);

    tm_buf_reset(&rep.body);
    rep.body.max = 100;
    ck_assert_int_eq(
        tm_reply_page(&rep, items, sizeof items[0], 1, 3, enc_page_item, page_item_id, &e),
        TM_TOOBIG);
    tm_reply_fini(&rep);
}
END_TEST

Suite *
router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("router");

    tcase_add_test(tc, test_router_dispatches_and_reports_errors);
    tcase_add_test(tc, test_router_refuses_expired_deadline_without_calling);
    tcase_add_test(tc, test_router_run_answers_as_a_message_does);
    tcase_add_test(tc, test_router_run_logs_only_a_server_error);
    tcase_add_test(tc, test_router_answers_health_probe);
    tcase_add_test(tc, test_router_garbage_message_is_400);
    tcase_add_test(tc, test_router_refuses_unjudged_store_answers);
    tcase_add_test(tc, test_router_refuses_unread_query_parameters);
    tcase_add_test(tc, test_router_refuses_unread_query_parameters_of_writes);
    tcase_add_test(tc, test_store_scope_helpers);
    tcase_add_test(tc, test_page_and_query_helpers);
    tcase_add_test(tc, test_reply_page_short_when_full);
    suite_add_tcase(s, tc);
    return s;
}
