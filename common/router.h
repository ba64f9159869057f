/* common/router.h — the service side of the bus: route table, dispatch and
 * everything every handler would otherwise repeat. A service declares its
 * routes; the router decodes the envelope, refuses expired deadlines, takes a
 * database connection, opens the write transaction for routes that write
 * (committed only when the handler returns TM_OK, rolled back otherwise),
 * refuses query parameters the handler did not read (below), writes the
 * error reply, one access log line and the request metrics.
 * Handlers only translate: read ctx, call store/domain code, fill rep.
 * The table and router are read-only after start; dispatch is thread-safe.
 *
 * Query parameters: a handler reads them only through the tm_ctx_query_*
 * helpers and tm_ctx_page, which mark each one read. A parameter the handler
 * did not read is a mistake of the client's (?page=2 where the API takes
 * cursor) and is refused, 400 naming it and listing the ones the handler
 * asked for, instead of being silently ignored: for a GET or a TM_TX_WRITE
 * route after the handler returns TM_OK (its transaction is rolled back);
 * for any other route (not GET, TM_TX_READ: its handler commits its own
 * writes, which the router could not undo) before the handler runs, so
 * such routes take no query parameters. A parameter given twice is refused
 * when the handler reads it. */
#ifndef TM_COMMON_ROUTER_H
#define TM_COMMON_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/envelope.h"
#include "common/err.h"
#include "common/jobs.h"
#include "common/ops.h"
#include "common/outbox.h"
#include "common/page.h"
#include "common/time.h"

#define TM_HEALTH_METHOD "HEALTH" /* the gateway's readiness probe (proto/envelope.md) */
#define TM_CTX_QUERY_ASKED_MAX 16 /* names remembered for a refusal's message */

struct tm_ctx {
    const struct tm_request *req;
    PGconn *db; /* NULL when the router has no pool; in a transaction for writes */
    void *app;
    const void *arg;     /* the route's arg */
    int stores_judged;   /* set by the store checks below (TM_SCOPE_STORES) */
    uint64_t query_read; /* bit i: req->query[i] was read by a helper below */
    const char *query_asked[TM_CTX_QUERY_ASKED_MAX]; /* names the handler read, given or not */
    int n_query_asked;
    struct tm_jobs *jobs; /* the service's job runner (common/jobs.h routes), or NULL */
};

/* A context for req with every other field empty (what the router hands a
 * handler, before the database and the route's arg). */
void tm_ctx_init(struct tm_ctx *ctx, const struct tm_request *req, void *app);

typedef enum tm_code (*tm_handler_fn)(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err);

/* TM_TX_READ: no transaction from the router (reads; and writes that
 * commit on their own, which then take no query parameters). TM_TX_WRITE:
 * the handler runs in a transaction the router commits on TM_OK. */
enum tm_tx { TM_TX_READ, TM_TX_WRITE };

/* Whose data a route answers with (docs/security.md, "Store scope"). */
enum tm_scope {
    TM_SCOPE_NONE,   /* nobody's store: catalogue, customers, rules, jobs */
    TM_SCOPE_STORES, /* store-owned: the handler judges the principal's stores with
                      * tm_ctx_may_see, tm_ctx_may_store, tm_ctx_store_scope or
                      * tm_ctx_every_store before it answers; the router refuses (500)
                      * an answer whose handler did not, whoever asked */
};

struct tm_route {
    const char *method;
    const char *route; /* the template, exactly as in the gateway's table */
    tm_handler_fn fn;
    enum tm_tx tx;
    const void *arg; /* handed to fn as ctx->arg: lets one handler serve several routes */
    enum tm_scope scope;
};

struct tm_router {
    const char *svc;
    const struct tm_route *routes;
    size_t n_routes;
    struct tm_db_pool *db; /* may be NULL */
    tm_health_fn health;   /* answers the HEALTH probe */
    void *app;
    const struct tm_outbox *outbox; /* answers REPLAY when not NULL */
    struct tm_jobs *jobs;           /* handed to handlers as ctx->jobs; may be NULL */
    void *health_arg;               /* handed to health; app when NULL */
};

/* A tm_bus_handler_fn: `router` is a struct tm_router *. */
void tm_router_handle(void *router, const char *msg, size_t len, struct tm_buf *out);

/* Runs req, made in this process, on r into rep (tm_reply_init'ed by the
 * caller): what tm_router_handle does for a message's route, without the
 * envelope either way and without counting the request or logging its
 * success, which the caller does once itself (the gateway's own routes: its
 * access line and tm_gateway_requests_total). A 5xx is logged here at error
 * level with its cause (the reply hides it). Not for the HEALTH and REPLAY
 * methods. The reply's content type, cursor and continuation are taken as
 * the handler set them (the envelope path checks them when decoding): a
 * handler behind this must set only values it made itself. */
void tm_router_run(const struct tm_router *r, const struct tm_request *req, struct tm_reply *rep);

/* Path parameter `name` as a positive id. TM_INVALID (field name) when it is
 * not a decimal integer in [1, 2^53]. */
TM_MUSTCHECK enum tm_code tm_ctx_param_id(const struct tm_ctx *ctx, const char *name, int64_t *out,
                                          struct tm_err *err);

/* Query parameters. Each helper marks `name` read (see the head of this
 * file) and refuses it when given twice (TM_INVALID naming it). */

/* Query parameter `name` as an integer in [min, max]; def when absent. */
TM_MUSTCHECK enum tm_code tm_ctx_query_int(struct tm_ctx *ctx, const char *name, int64_t min,
                                           int64_t max, int64_t def, int64_t *out,
                                           struct tm_err *err);
/* Query parameter `name` as true/false; *out is -1 when absent. */
TM_MUSTCHECK enum tm_code tm_ctx_query_bool(struct tm_ctx *ctx, const char *name, int *out,
                                            struct tm_err *err);
/* Query parameter `name` (borrowed) or NULL; TM_INVALID when longer than max_len
 * or not UTF-8. */
TM_MUSTCHECK enum tm_code tm_ctx_query_str(struct tm_ctx *ctx, const char *name, size_t max_len,
                                           const char **out, struct tm_err *err);
/* Query parameter `name` as one of accepted (a NULL-terminated list): its
 * index into *out, -1 when absent; TM_INVALID listing the accepted values
 * otherwise (tm_err_one_of). */
TM_MUSTCHECK enum tm_code tm_ctx_query_enum(struct tm_ctx *ctx, const char *name,
                                            const char *const *accepted, int *out,
                                            struct tm_err *err);
/* Query parameter `name` as a date or time (tm_time_parse); out->text is ""
 * when absent. */
TM_MUSTCHECK enum tm_code tm_ctx_query_time(struct tm_ctx *ctx, const char *name,
                                            struct tm_time *out, struct tm_err *err);

/* The page the request's `limit` and `cursor` ask for (common/page.h);
 * TM_INVALID naming the parameter when either is not one we accept. */
TM_MUSTCHECK enum tm_code tm_ctx_page(struct tm_ctx *ctx, struct tm_page *out, struct tm_err *err);

/* Writes {"items":[...],"next_cursor":...} into rep's body: n rows were
 * fetched into items (elements of `size`) for a page of `limit`; at most
 * limit are shown, and a further row means there is a next page, whose
 * cursor is the id of the last shown. When the body cannot hold them all
 * (its max less TM_PAGE_TAIL_MAX for the page's end), the page is short:
 * the items that fit, and a next_cursor after the last of them. TM_TOOBIG
 * only when not even the first item fits. */
#define TM_PAGE_TAIL_MAX 64 /* "]", ",\"next_cursor\":\"i<int64>\"" and "}" */
TM_MUSTCHECK enum tm_code tm_reply_page(struct tm_reply *rep, const void *items, size_t size, int n,
                                        int64_t limit,
                                        enum tm_code (*encode)(struct tm_buf *b, const void *item),
                                        int64_t (*id)(const void *item), struct tm_err *err);

/* The principal's id ("user:3", "key:7"; its kind when it has none) into
 * out[size], for records of who did what. */
void tm_ctx_principal(const struct tm_ctx *ctx, char *out, size_t size);

/* Store scope: the one way a handler judges whether a store-scoped role
 * (perm.h) may touch store-owned data. Each marks ctx judged (TM_SCOPE_STORES).
 *
 * Lists: for a store-scoped role, writes its stores as a PostgreSQL array
 * literal ("{1,2}", "{}" when none) into out[size] for the query to filter
 * by, and returns 1; returns 0 (out "") for a role that may see every store. */
int tm_ctx_store_scope(struct tm_ctx *ctx, char *out, size_t size);

/* A store the request names (path, query or body): TM_FORBIDDEN naming
 * field when the role is store-scoped and store_id is not one of its stores
 * (stores are public: refusing says nothing new). */
TM_MUSTCHECK enum tm_code tm_ctx_may_store(struct tm_ctx *ctx, int64_t store_id, const char *field,
                                           struct tm_err *err);

/* The query's store_id filter into *store_id (0 when absent), judged by
 * tm_ctx_may_store: a list filtered by a store the role does not run is a
 * 403, not an empty or quietly narrowed page. */
TM_MUSTCHECK enum tm_code tm_ctx_query_store(struct tm_ctx *ctx, int64_t *store_id,
                                             struct tm_err *err);

/* A record reached by its id, owned by stores[0..n) (a transfer: from and
 * to): TM_OK when the role sees every store or holds any one of them; else
 * TM_NOTFOUND (field, "no <what> with this <field>"), the answer of a record
 * that does not exist, so an id says nothing about other stores. The data
 * layer's not-found reads the same (tm_db_one). Writes that act at one
 * store then also call tm_ctx_may_store for it. */
TM_MUSTCHECK enum tm_code tm_ctx_may_see(struct tm_ctx *ctx, const int64_t *stores, int n,
                                         const char *field, const char *what, struct tm_err *err);

/* An answer across every store on purpose (a product's forecast for the
 * whole chain): no store to judge. */
void tm_ctx_every_store(struct tm_ctx *ctx);

/* 1 when the request comes from one of TechMart's own daemons (principal
 * kind "service" or "internal", which the gateway never sets: it names
 * "user", "api_key" or "anonymous" from the credentials). */
int tm_ctx_from_service(const struct tm_ctx *ctx);

/* Parses the request body as a JSON object (caller frees *root).
 * TM_INVALID (field "body") when absent, malformed or not an object. */
TM_MUSTCHECK enum tm_code tm_ctx_body(const struct tm_ctx *ctx, cJSON **root, struct tm_err *err);

/* For a route that takes no body: TM_OK when there is none or it is {}
 * (what some clients send with every POST); TM_INVALID naming its first
 * member (a field the route does not take), or "body" when it is not a
 * JSON object. */
TM_MUSTCHECK enum tm_code tm_ctx_no_body(const struct tm_ctx *ctx, struct tm_err *err);

#endif
