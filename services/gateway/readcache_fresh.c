/* services/gateway/readcache_fresh.c — product reads from the gateway's
 * table while provably current (readcache_fresh.h). While the push
 * channel is healthy a lookup is a table lookup under a stripe mutex and
 * nothing else; otherwise one Redis script call (the id's version, the
 * epoch set when absent) comes first. A miss adds the bus call it replaces
 * and a copy of the answer. */
#include "services/gateway/readcache_fresh.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/event.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/redis.h"
#include "common/topic.h"

#define REDIS_WAIT_MS 50    /* a pooled connection; past this the bus answers */
#define BUMP_TRIES 3        /* Redis calls a write's version bump may take */
#define BOOT_HEX 12         /* hex digits of this process' epoch prefix */
#define PUSH_VERSION "push" /* answers kept while the push channel was healthy */
#define PUSH_KIND "product"

struct gw_rcf {
    struct gw_app *app;
    struct gw_rc *table;
    const struct gw_route *get; /* GET /api/v1/products/{id} in gw_routes */
    const struct gw_route *patch;
    char boot[BOOT_HEX + 1]; /* with epochs, a new epoch's value is unique */
    _Atomic uint64_t epochs; /* epochs this process offered */
    struct tm_metric *hits;  /* tm_gateway_read_cache_total{outcome=...} */
    struct tm_metric *misses;
    struct tm_metric *bypasses; /* Redis did not answer */
};

/* Lua: "epoch:count" of product ARGV[1]; sets the epoch (ARGV[2]) when
 * this Redis has none (first use, or restarted without its data). */
static const char version_script[] =
    "local v = redis.call('HMGET', KEYS[1], 'epoch', ARGV[1]) "
    "if not v[1] then redis.call('HSETNX', KEYS[1], 'epoch', ARGV[2]) "
    "v[1] = redis.call('HGET', KEYS[1], 'epoch') end "
    "return v[1] .. ':' .. (v[2] or '0')";

static const struct gw_route *
find_route(const char *method, const char *route)
{
    for (size_t i = 0; i < gw_routes_n; i++)
        if (!strcmp(gw_routes[i].method, method) && !strcmp(gw_routes[i].route, route))
            return &gw_routes[i];
    return NULL;
}

/* The id of a request on one of the product routes; 0 when not one. */
static int
product_id(const struct tm_request *req, int64_t *id)
{
    return req->n_params == 1 && !strcmp(req->params[0].key, "id") &&
           gw_rc_id(req->params[0].val, id);
}

/* Push: a product written through some gateway (key: its id). */
static void
on_push(void *arg, const char *key)
{
    struct gw_rcf *f = arg;
    int64_t id;

    if (gw_rc_id(key, &id))
        gw_rc_drop(f->table, id);
    else
        tm_log_warn(NULL, "read_cache.push_key", "key=%.32s", key);
}

/* Push: the subscription was (re)confirmed; what was kept may have missed
 * news. */
static enum tm_code
on_push_reset(void *arg, struct tm_err *err)
{
    struct gw_rcf *f = arg;

    (void)err;
    gw_rc_clear(f->table);
    return TM_OK;
}

/* The live listener: a product event drops the id (no I/O). */
static void
on_event(void *arg, const struct tm_event *ev)
{
    struct gw_rcf *f = arg;
    const cJSON *id;

    if (strcmp(ev->topic, tm_topic_name(TM_TOPIC_PRODUCT_UPDATED)) != 0 &&
        strcmp(ev->topic, tm_topic_name(TM_TOPIC_PRODUCT_CREATED)) != 0)
        return;
    id = ev->data ? cJSON_GetObjectItemCaseSensitive(ev->data, "id") : NULL;
    if (cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble < 9.0e15)
        gw_rc_drop(f->table, (int64_t)id->valuedouble);
}

enum tm_code
gw_rcf_new(struct gw_app *app, struct gw_rcf **out, struct tm_err *err)
{
    struct gw_rcf *f;
    enum tm_code rc;

    *out = NULL;
    if (app->cfg->read_cache_entries == 0)
        return TM_OK;
    f = tm_xcalloc(1, sizeof *f);
    f->app = app;
    f->get = find_route("GET", "/api/v1/products/{id}");
    f->patch = find_route("PATCH", "/api/v1/products/{id}");
    if (!f->get || !f->patch) {
        free(f);
        return tm_err_set(err, TM_INTERNAL, NULL, "the product routes are not in gw_routes");
    }
    if ((rc = tm_random_hex(BOOT_HEX / 2, f->boot, sizeof f->boot)) != TM_OK)
        rc = tm_err_set(err, rc, NULL, "no random bytes for the read cache's epoch");
    if (rc != TM_OK ||
        (rc = gw_rc_new((size_t)app->cfg->read_cache_entries, (size_t)app->cfg->read_cache_bytes,
                        &f->table, err)) != TM_OK ||
        (app->push &&
         (rc = gw_push_on(app->push, PUSH_KIND, on_push, on_push_reset, f, err)) != TM_OK)) {
        gw_rcf_free(f);
        return rc;
    }
    f->hits = tm_metric(TM_METRIC_COUNTER, "tm_gateway_read_cache_total",
                        "product reads by how the gateway's cache took them", "outcome=\"hit\"");
    f->misses = tm_metric(TM_METRIC_COUNTER, "tm_gateway_read_cache_total",
                          "product reads by how the gateway's cache took them", "outcome=\"miss\"");
    f->bypasses =
        tm_metric(TM_METRIC_COUNTER, "tm_gateway_read_cache_total",
                  "product reads by how the gateway's cache took them", "outcome=\"bypass\"");
    *out = f;
    return TM_OK;
}

enum tm_code
gw_rcf_listen(struct gw_rcf *f, struct gw_live *live, struct tm_err *err)
{
    return f && live ? gw_live_listen(live, on_event, f, err) : TM_OK;
}

void
gw_rcf_free(struct gw_rcf *f)
{
    if (!f)
        return;
    gw_rc_free(f->table);
    free(f);
}

/* The id's version from Redis into look->version; 0 when Redis did not
 * answer as expected. */
static int
read_version(struct gw_rcf *f, struct gw_rcf_look *look)
{
    char id[24], epoch[BOOT_HEX + 24];
    const char *args[3] = {GW_RCF_KEY, id, epoch};
    struct tm_redis *r = tm_redis_pool_get(f->app->redis, REDIS_WAIT_MS);
    redisReply *rep = NULL;
    int ok = 0;

    snprintf(id, sizeof id, "%" PRId64, look->id);
    snprintf(epoch, sizeof epoch, "%s-%" PRIu64, f->boot, atomic_fetch_add(&f->epochs, 1));
    if (r && tm_redis_eval(r, version_script, 1, 3, args, &rep, NULL) == TM_OK &&
        rep->type == REDIS_REPLY_STRING && rep->len < sizeof look->version) {
        memcpy(look->version, rep->str, rep->len);
        look->version[rep->len] = '\0';
        ok = 1;
    }
    freeReplyObject(rep);
    tm_redis_pool_put(f->app->redis, r);
    return ok;
}

int
gw_rcf_lookup(struct gw_rcf *f, const struct gw_route *rt, const struct tm_request *req,
              struct gw_rcf_look *look, struct tm_buf *out)
{
    memset(look, 0, sizeof *look);
    if (!f || rt != f->get || req->n_query != 0 || req->accept[0] || !product_id(req, &look->id))
        return 0;
    /* the ticket before the version: a drop after either refuses the fill */
    look->ticket = gw_rc_ticket(f->table, look->id);
    if (f->app->push && gw_push_healthy(f->app->push))
        snprintf(look->version, sizeof look->version, "%s", PUSH_VERSION);
    else if (!read_version(f, look)) {
        tm_metric_add(f->bypasses, 1);
        return 0;
    }
    if (gw_rc_get(f->table, look->id, look->version, out)) {
        tm_metric_add(f->hits, 1);
        return 1;
    }
    tm_metric_add(f->misses, 1);
    look->on = 1;
    return 0;
}

/* Bumps id's version in Redis, trying again at once a few times: every
 * other gateway's kept answer of id must stop being served before the
 * writer hears back. Logged when Redis would not take it (those answers
 * then last until the gateways hear the product event). */
static void
bump(struct gw_rcf *f, const char *rid, int64_t id)
{
    char field[24];
    const char *argv[4] = {"HINCRBY", GW_RCF_KEY, field, "1"};
    struct tm_err err;
    enum tm_code rc = TM_UNAVAIL;

    snprintf(field, sizeof field, "%" PRId64, id);
    tm_err_clear(&err);
    for (int i = 0; i < BUMP_TRIES && rc != TM_OK; i++) {
        struct tm_redis *r = tm_redis_pool_get(f->app->redis, 1000);
        redisReply *rep = NULL;

        if (r) {
            tm_redis_retry_now(r);
            rc = tm_redis_cmd(r, 4, argv, &rep, &err);
        }
        freeReplyObject(rep);
        tm_redis_pool_put(f->app->redis, r);
    }
    if (rc != TM_OK)
        tm_log_warn(rid, "read_cache.bump_failed", "product=%" PRId64 " error=\"%s\"", id,
                    err.message);
}

/* Tells every gateway (this one too) to drop id, and waits for them. */
static void
publish(struct gw_rcf *f, const struct tm_request *req, int64_t id)
{
    char key[24];
    struct tm_err err;

    if (!f->app->push)
        return;
    snprintf(key, sizeof key, "%" PRId64, id);
    if (gw_push_publish(f->app->push, PUSH_KIND, key, &err) != TM_OK)
        tm_log_error(req->id, "read_cache.push_failed",
                     "product=%s error=\"%s\" note=\"the write is done; a gateway trusting "
                     "memory may serve the old product until it resubscribes\"",
                     key, err.message);
}

void
gw_rcf_after(struct gw_rcf *f, const struct gw_route *rt, const struct tm_request *req,
             const struct gw_rcf_look *look, const struct tm_reply_view *view)
{
    int64_t id;

    if (!f)
        return;
    if (look->on && view && view->status == 200 && !view->content_type[0])
        (void)gw_rc_put(f->table, look->id, look->ticket, look->version, view->body,
                        view->body_len);
    /* a refused write (4xx) changed nothing: no version to move (else any
     * id, even one that does not exist, would grow Redis' hash) */
    if (rt == f->patch && !(view && view->status >= 400 && view->status < 500) &&
        product_id(req, &id)) {
        gw_rc_drop(f->table, id);
        bump(f, req->id, id);
        publish(f, req, id);
    }
}
