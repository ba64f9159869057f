/* services/gateway/overview.c — the dashboard overview (overview.h).
 * Dashboards poll it, many screens with the same few store scopes, so the
 * expected load is mostly hits. Each gateway keeps the answers it knows
 * to count every event it has heard in memory (a hit there costs a lookup
 * under a read lock), and all gateways share them in Redis (one script: the
 * drop count and the scope's entry in one round trip). A miss asks four
 * daemons at once from this thread (tm_bus_send, then tm_bus_wait on each:
 * as long as the slowest, each bounded by its own deadline) and caches the
 * merge unless it may already be stale. Redis writes are conditional on
 * the drop count read before the fan-out, so a drop that lands while an
 * answer is being made always wins; the memory copy is keyed by the
 * number of drop events this gateway has heard, so the listener empties
 * it by counting. */
#include "services/gateway/overview.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bus.h"
#include "common/http.h"
#include "common/json.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/redis.h"
#include "common/time.h"

#include "services/gateway/overview_doc.h"

#define REDIS_WAIT_MS 50  /* a pooled connection; past this the answer is made uncached */
#define DROP_RETRY_MS 100 /* the drop thread's pause when Redis did not take a drop */
#define GEN_MAX 24        /* the drop count as Redis prints it */
#define LOCAL_MAX 64      /* scopes kept in memory: the store sets of one gateway's dashboards */

/* An answer kept in memory: valid in its minute while no drop event has
 * been heard since it was known to count every event heard. */
struct local_entry {
    char key[GW_OV_SCOPE_MAX]; /* scope key; "" when free */
    int64_t minute;
    uint64_t heard; /* gw_overview.heard when it was kept */
    char *doc;      /* owned */
    size_t len;
};

/* When a making of a scope's answer began: the monotonic clock, the drop
 * events this gateway had heard, and the minute. A request waiting for an
 * answer takes one whose making began after the request arrived, or in the
 * same minute with no drop event heard in between: the answer it would
 * have made itself, even when that answer may not be cached (an event came
 * during the fan-out). While events keep coming no answer is cached, and
 * without this every waiter would fan out at once. */
struct stamp {
    int64_t mono_us;
    uint64_t heard;
    int64_t minute;
};

/* A scope's makings: how many are under way, the newest one's stamp, and
 * the newest answer landed. */
struct flight {
    char key[GW_OV_SCOPE_MAX]; /* "" when free */
    int making;                /* makings under way */
    struct stamp newest;       /* of the newest making begun */
    char *doc;                 /* the newest landed answer (owned), NULL when none */
    size_t len;
    struct stamp doc_made; /* its making's stamp */
    int64_t doc_landed_us; /* tm_mono_us when it landed */
    int newest_landed;     /* the newest making begun has landed (or failed) */
    int failed;            /* the last making to land failed */
};

/* How an overview was answered: the label of tm_gateway_overview_total. */
enum outcome { OUT_MEMORY, OUT_PENDING, OUT_REDIS, OUT_MISS, OUT_UNCACHED, OUT_FLIGHT, OUTCOMES };
static const char *const outcome_name[OUTCOMES] = {"memory", "pending",  "redis",
                                                   "miss",   "uncached", "flight"};

struct gw_overview {
    struct gw_app *app;
    struct gw_live *live;                   /* NULL: nothing is cached */
    struct tm_bus_client *bus[GW_OV_PARTS]; /* app's, by part */
    enum tm_perm need[GW_OV_PARTS];         /* each part's route's permission (gw_routes) */
    pthread_t dropper;
    int started;              /* the drop thread runs */
    _Atomic uint64_t heard;   /* events heard that drop the cache (listener threads) */
    _Atomic uint64_t dropped; /* of those, how many a drop Redis took covers */
    pthread_mutex_t mu;       /* with cv: wakes the drop thread; guards stopping */
    pthread_cond_t cv;        /* signalled when heard or stopping changes */
    int stopping;             /* guarded by mu */
    struct tm_redis *rds;     /* the drop thread's own connection */
    /* guards local and next; never held across I/O. Every cached answer
     * reads it, so readers share it (a mutex here made waits at 100
     * connections) */
    pthread_rwlock_t kmu;
    struct local_entry local[LOCAL_MAX];
    unsigned next;         /* the slot a new scope takes when none is free */
    pthread_mutex_t lmu;   /* guards flights; never held across I/O */
    pthread_cond_t landed; /* with lmu: a scope's answer being made is done */
    /* One request per scope makes its answer; the others asking meanwhile
     * wait for it instead of each fanning out (at a minute's turn every
     * request of a busy dashboard misses at once) */
    struct flight flights[LOCAL_MAX];
    struct tm_metric *answered[OUTCOMES]; /* tm_gateway_overview_total by outcome */
};

/* Each part's route; its path is the route (no parameters). */
static const char *const part_route[GW_OV_PARTS] = {
    "/api/v1/analytics/summary",
    "/api/v1/inventory/stock-summary",
    "/api/v1/transactions/suspicious/summary",
    "/api/v1/alerts/summary",
};

/* Lua: the drop count and the scope's entry. HGET's nil is false in Lua,
 * a null element in the reply. */
static const char read_script[] =
    "return {redis.call('GET', KEYS[1]) or '0', redis.call('HGET', KEYS[2], ARGV[1])}";
/* Lua: the entry is written only while the drop count is still the one
 * read before the answer was made. */
static const char write_script[] =
    "if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[3] then return 0 end "
    "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) "
    "redis.call('EXPIRE', KEYS[2], ARGV[4]) return 1";
static const char drop_script[] = "redis.call('INCR', KEYS[1]) redis.call('DEL', KEYS[2]) "
                                  "return 1";

/* ------------------------------------------------------------ the drops */

/* The listener (live thread): counts, which empties the memory copies at
 * once, and wakes the drop thread for Redis; never blocks on I/O. */
static void
on_event(void *arg, const struct tm_event *ev)
{
    struct gw_overview *ov = arg;

    if (!gw_ov_topic_drops(ev->topic))
        return;
    atomic_fetch_add(&ov->heard, 1);
    pthread_mutex_lock(&ov->mu);
    pthread_cond_signal(&ov->cv);
    pthread_mutex_unlock(&ov->mu);
}

/* Runs the drop script until Redis takes it (a drop lost would leave a
 * stale answer served until the backstop). Events heard meanwhile are
 * covered by the same drop. */
static void *
drop_main(void *arg)
{
    struct gw_overview *ov = arg;
    const char *keys[2] = {GW_OV_GEN_KEY, GW_OV_CACHE_KEY};

    pthread_mutex_lock(&ov->mu);
    while (!ov->stopping) {
        uint64_t want = atomic_load(&ov->heard);
        redisReply *rep = NULL;
        struct tm_err err;
        enum tm_code rc;

        if (want == atomic_load(&ov->dropped)) {
            pthread_cond_wait(&ov->cv, &ov->mu);
            continue;
        }
        pthread_mutex_unlock(&ov->mu);
        rc = tm_redis_eval(ov->rds, drop_script, 2, 2, keys, &rep, &err);
        freeReplyObject(rep);
        if (rc == TM_OK) {
            atomic_store(&ov->dropped, want);
            tm_metric_add(tm_metric(TM_METRIC_COUNTER, "tm_gateway_overview_drops_total",
                                    "overview cache drops (events that change its numbers)", ""),
                          1);
        } else {
            tm_log_warn(NULL, "overview.drop_failed", "error=\"%s\"", err.message);
            tm_sleep_ms(DROP_RETRY_MS);
        }
        pthread_mutex_lock(&ov->mu);
    }
    pthread_mutex_unlock(&ov->mu);
    return NULL;
}

/* ------------------------------------------------------------ in memory */

/* Appends the kept answer of key to out when it is of this minute and no
 * drop event was heard since (heard is ov->heard now); 1 when it did. */
static int
local_get(struct gw_overview *ov, const char *key, int64_t minute, uint64_t heard,
          struct tm_buf *out)
{
    int hit = 0;

    pthread_rwlock_rdlock(&ov->kmu);
    for (int i = 0; i < LOCAL_MAX; i++)
        if (strcmp(ov->local[i].key, key) == 0) {
            hit = ov->local[i].minute == minute && ov->local[i].heard == heard &&
                  tm_buf_add(out, ov->local[i].doc, ov->local[i].len) == TM_OK;
            break;
        }
    pthread_rwlock_unlock(&ov->kmu);
    return hit;
}

/* Keeps a copy of doc for key, known to count every event heard up to
 * `heard`. */
static void
local_put(struct gw_overview *ov, const char *key, int64_t minute, uint64_t heard, const char *doc,
          size_t len)
{
    char *copy = tm_xmalloc(len ? len : 1), *old = NULL;
    struct local_entry *e = NULL;

    memcpy(copy, doc, len);
    pthread_rwlock_wrlock(&ov->kmu);
    for (int i = 0; i < LOCAL_MAX && !e; i++)
        if (strcmp(ov->local[i].key, key) == 0 || !ov->local[i].key[0])
            e = &ov->local[i];
    if (!e) /* full: another scope gives way, in turn */
        e = &ov->local[ov->next++ % LOCAL_MAX];
    old = e->doc;
    *e = (struct local_entry){.minute = minute, .heard = heard, .doc = copy, .len = len};
    snprintf(e->key, sizeof e->key, "%s", key);
    pthread_rwlock_unlock(&ov->kmu);
    free(old);
}

enum flight_turn {
    FL_MAKE,   /* this request makes the answer (and calls land() after) */
    FL_ALONE,  /* no slot, a failed making, or the deadline passed: make it unmarked */
    FL_TAKEN,  /* an answer made for this request is in out */
    FL_LANDED, /* a making landed without one for it: look in the cache again */
};

/* 1 when an answer whose making began at `made`, and landed at landed_us
 * (INT64_MAX: not yet), serves a request that arrived at `asked` (struct
 * stamp): begun after it, or under way when it came in the same minute with
 * no drop heard in between. An answer that had landed before the request
 * came serves it only through the cache, whose rules (not partial, not
 * behind an event) it was kept or refused by. */
static int
serves(const struct stamp *made, int64_t landed_us, const struct stamp *asked)
{
    return made->mono_us >= asked->mono_us ||
           (landed_us >= asked->mono_us && made->heard == asked->heard &&
            made->minute == asked->minute);
}

/* Request `asked`'s turn at key's answer: it takes an answer that serves
 * it, waits for a making under way that will (until deadline_mono at
 * most), or begins one (FL_MAKE, its stamp in *mine). */
static enum flight_turn
lead(struct gw_overview *ov, const char *key, const struct stamp *asked, int64_t deadline_mono,
     struct tm_buf *out, struct stamp *mine)
{
    struct flight *f = NULL, *free_slot = NULL;
    enum flight_turn turn = FL_ALONE;
    int waited = 0;

    pthread_mutex_lock(&ov->lmu);
    for (;;) {
        f = free_slot = NULL;
        for (int i = 0; i < LOCAL_MAX && !f; i++) {
            if (strcmp(ov->flights[i].key, key) == 0)
                f = &ov->flights[i];
            else if (!ov->flights[i].key[0] && !free_slot)
                free_slot = &ov->flights[i];
        }
        if (f && f->doc && serves(&f->doc_made, f->doc_landed_us, asked)) {
            turn = tm_buf_add(out, f->doc, f->len) == TM_OK ? FL_TAKEN : FL_ALONE;
            break;
        }
        if (f && f->making > 0 && !f->newest_landed &&
            serves(&f->newest, INT64_MAX, asked)) { /* one is coming */
            if (tm_mono_ms() >= deadline_mono) {
                turn = FL_ALONE;
                break;
            }
            waited = 1;
            tm_cond_wait_until(&ov->landed, &ov->lmu, deadline_mono);
            continue;
        }
        if (waited) {
            /* what it waited for landed, not for it: failed (each makes
             * its own at once, as a lone request would) or kept in the
             * cache, where it looks (also when the slot went to another
             * scope meanwhile) */
            turn = f && f->failed ? FL_ALONE : FL_LANDED;
            break;
        }
        /* no making that serves this request: it begins one */
        if (!f && !free_slot) /* every slot in use: the least recent idle one gives way */
            for (int i = 0; i < LOCAL_MAX; i++)
                if (!ov->flights[i].making &&
                    (!free_slot || ov->flights[i].newest.mono_us < free_slot->newest.mono_us))
                    free_slot = &ov->flights[i];
        if (!f && free_slot) {
            f = free_slot;
            free(f->doc);
            *f = (struct flight){0};
            snprintf(f->key, sizeof f->key, "%s", key);
        }
        if (f) {
            *mine = (struct stamp){tm_mono_us(), atomic_load(&ov->heard), tm_now_ms() / 60000};
            f->making++;
            f->newest = *mine;
            f->newest_landed = 0;
        }
        turn = f ? FL_MAKE : FL_ALONE;
        break;
    }
    pthread_mutex_unlock(&ov->lmu);
    return turn;
}

/* The making of key stamped `made` that lead() gave this request is done:
 * doc[len] its answer (NULL when it failed), kept for the waiters unless a
 * newer one landed first. The requests waiting look again. */
static void
land(struct gw_overview *ov, const char *key, const struct stamp *made, const char *doc, size_t len)
{
    char *copy = doc ? tm_xmalloc(len ? len : 1) : NULL, *old = NULL;

    if (copy)
        memcpy(copy, doc, len);
    pthread_mutex_lock(&ov->lmu);
    for (int i = 0; i < LOCAL_MAX; i++) {
        struct flight *f = &ov->flights[i];

        if (strcmp(f->key, key) != 0)
            continue;
        f->making--;
        f->failed = copy == NULL;
        if (made->mono_us == f->newest.mono_us)
            f->newest_landed = 1;
        if (copy && (!f->doc || made->mono_us > f->doc_made.mono_us)) {
            old = f->doc;
            f->doc = copy;
            f->len = len;
            f->doc_made = *made;
            f->doc_landed_us = tm_mono_us();
            copy = NULL;
        }
        break;
    }
    pthread_cond_broadcast(&ov->landed);
    pthread_mutex_unlock(&ov->lmu);
    free(old);
    free(copy);
}

/* ------------------------------------------------------------ the cache */

/* Looks the scope up: on a hit appends the document to out, its applied
 * seqs to *facts, and returns 1; gen receives the drop count ("" when
 * Redis did not answer: the answer will not be cached). */
static int
cache_get(struct tm_redis *r, const char *key, int64_t minute, char gen[GEN_MAX],
          struct gw_ov_facts *facts, struct tm_buf *out)
{
    const char *args[3] = {GW_OV_GEN_KEY, GW_OV_CACHE_KEY, key};
    redisReply *rep = NULL;
    const char *doc;
    size_t len;
    int hit = 0;

    gen[0] = '\0';
    if (tm_redis_eval(r, read_script, 2, 3, args, &rep, NULL) != TM_OK)
        return 0;
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
        rep->element[0]->type == REDIS_REPLY_STRING && rep->element[0]->len < GEN_MAX) {
        snprintf(gen, GEN_MAX, "%s", rep->element[0]->str);
        hit = rep->element[1]->type == REDIS_REPLY_STRING &&
              gw_ov_unpack(rep->element[1]->str, rep->element[1]->len, minute, facts, &doc, &len) &&
              tm_buf_add(out, doc, len) == TM_OK;
    }
    freeReplyObject(rep);
    return hit;
}

static void
cache_put(struct tm_redis *r, const char *rid, const char *key, int64_t minute, const char *gen,
          const struct gw_ov_facts *facts, const char *doc, size_t len)
{
    char ttl[16];
    const char *args[6] = {GW_OV_GEN_KEY, GW_OV_CACHE_KEY, key, NULL, gen, ttl};
    struct tm_buf val;
    redisReply *rep = NULL;
    struct tm_err err;

    snprintf(ttl, sizeof ttl, "%d", GW_OV_BACKSTOP_S);
    tm_buf_init(&val, TM_MESSAGE_MAX);
    if (gw_ov_pack(minute, facts, doc, len, &val) == TM_OK) {
        args[3] = val.p;
        if (tm_redis_eval(r, write_script, 2, 6, args, &rep, &err) != TM_OK)
            tm_log_warn(rid, "overview.cache_write_failed", "error=\"%s\"", err.message);
        freeReplyObject(rep);
    }
    tm_buf_fini(&val);
}

/* Whether an answer made with tm-analytics' summary at these applied seqs
 * may lack an event this gateway has heard. */
static int
summary_behind(struct gw_live *live, const struct gw_ov_facts *a)
{
    for (int i = 0; i < a->n; i++)
        if (gw_live_heard(live, a->source[i]) > a->seq[i])
            return 1;
    return 0;
}

/* ------------------------------------------------------------ the fan-out */

/* One part's request, as the gateway would forward it: the caller's
 * principal (each daemon scopes by it), its request id. */
static enum tm_code
part_request(const struct tm_ctx *ctx, int part, const char *store, int64_t deadline_ms,
             struct tm_buf *env, struct tm_err *err)
{
    struct tm_request req;

    memset(&req, 0, sizeof req);
    snprintf(req.id, sizeof req.id, "%s", ctx->req->id);
    snprintf(req.method, sizeof req.method, "GET");
    snprintf(req.route, sizeof req.route, "%s", part_route[part]);
    snprintf(req.path, sizeof req.path, "%s", part_route[part]);
    req.principal = ctx->req->principal;
    req.deadline_ms = deadline_ms;
    if (store) {
        req.query[0] = (struct tm_kv){"store_id", store};
        req.n_query = 1;
    }
    return tm_request_encode(&req, env, err);
}

static enum gw_ov_outcome
outcome_of(enum tm_code rc, const struct tm_reply_view *v)
{
    if (rc == TM_OK)
        return v->status == 200 ? GW_OV_OK : GW_OV_ERROR;
    return rc == TM_TIMEOUT ? GW_OV_TIMEOUT : GW_OV_DOWN;
}

/* tm-inventory's 400 as the overview's answer when it names store_id (no
 * such store: the overview's own query refused); TM_OK otherwise (the part
 * is then an error, the answer partial). */
static enum tm_code
part_refusal(const struct tm_reply_view *v, struct tm_err *err)
{
    cJSON *root = NULL;
    const cJSON *e;
    const char *msg = NULL, *field = NULL;
    enum tm_code rc = TM_OK;

    if (tm_json_parse_object(v->body, v->body_len, "reply", &root, NULL) == TM_OK) {
        e = tm_json_member(root, "error");
        msg = cJSON_GetStringValue(tm_json_member(e, "message"));
        field = cJSON_GetStringValue(tm_json_member(e, "field"));
    }
    if (field && strcmp(field, "store_id") == 0)
        rc = tm_err_set(err, TM_INVALID, "store_id", "%s", msg ? msg : "no store with this id");
    cJSON_Delete(root);
    return rc;
}

/* Asks every part the caller may see (bit p of permitted) at once and
 * merges their answers into out: services do not check permissions, so a
 * part whose route the caller could not call through the gateway is not
 * asked. tm-inventory, which owns the stores, refusing the query's
 * store_id (400: an unknown store) makes the overview that refusal, not a
 * partial answer (another daemon's copy of the stores may lag a new one). */
static enum tm_code
fan_out(struct gw_overview *ov, const struct tm_ctx *ctx, int64_t store_id, unsigned permitted,
        struct tm_buf *out, struct gw_ov_facts *applied, struct tm_err *err)
{
    struct tm_buf env[GW_OV_PARTS];
    struct tm_bus_pending pend[GW_OV_PARTS];
    struct gw_ov_reply r[GW_OV_PARTS];
    char *reply[GW_OV_PARTS] = {NULL};
    char store[24], at[32];
    int sent[GW_OV_PARTS] = {0};
    int64_t wall = tm_now_ms(), mono = tm_mono_ms(), budget = ov->app->cfg->overview_deadline_ms;
    enum tm_code rc = TM_OK;

    snprintf(store, sizeof store, "%" PRId64, store_id);
    /* each part's own deadline, within the request's */
    if (ctx->req->deadline_ms && ctx->req->deadline_ms - wall < budget)
        budget = ctx->req->deadline_ms - wall;
    for (int p = 0; p < GW_OV_PARTS; p++) {
        tm_buf_init(&env[p], TM_MESSAGE_MAX);
        r[p] = (struct gw_ov_reply){GW_OV_DOWN, NULL, 0};
        if (!(permitted & (1u << p)))
            r[p].outcome = GW_OV_NOT_PERMITTED;
        else if (budget > 0 && part_request(ctx, p, store_id ? store : NULL, wall + budget, &env[p],
                                            NULL) == TM_OK) {
            tm_bus_send(ov->bus[p], env[p].p, env[p].len, 1, mono + budget, &pend[p]);
            sent[p] = 1;
        }
    }
    for (int p = 0; p < GW_OV_PARTS; p++) {
        struct tm_reply_view v;
        size_t len = 0;
        struct tm_err e;
        enum tm_code prc;

        if (!sent[p])
            continue;
        prc = tm_bus_wait(&pend[p], &reply[p], &len, &e);
        if (prc == TM_OK)
            prc = tm_reply_decode(reply[p], len, &v, &e);
        r[p].outcome = outcome_of(prc, &v);
        if (p == GW_OV_INVENTORY && prc == TM_OK && rc == TM_OK && v.status == 400)
            rc = part_refusal(&v, err);
        if (r[p].outcome == GW_OV_OK) {
            r[p].body = v.body;
            r[p].len = v.body_len;
        } else {
            tm_log_warn(ctx->req->id, "overview.partial", "daemon=%s status=%d error=\"%s\"",
                        gw_ov_part_names[p], prc == TM_OK ? v.status : 0,
                        prc == TM_OK ? "" : e.message);
        }
    }
    tm_iso8601(wall, at, sizeof at);
    if (rc == TM_OK)
        rc = gw_ov_merge(r, store_id, at, out, applied, err);
    for (int p = 0; p < GW_OV_PARTS; p++) {
        tm_bus_free(reply[p]);
        tm_buf_fini(&env[p]);
    }
    return rc;
}

/* ------------------------------------------------------------ the route */

static void
count(struct gw_overview *ov, enum outcome o)
{
    tm_metric_add(ov->answered[o], 1);
}

/* The answer from memory or Redis; 1 on a hit. gen receives Redis' drop
 * count ("" when it did not answer). */
static int
cached(struct gw_overview *ov, const char *key, int64_t minute, char gen[GEN_MAX],
       struct tm_buf *out)
{
    uint64_t heard = atomic_load(&ov->heard);
    /* every drop heard so far has reached Redis: what it holds counts them */
    int redis_current = heard == atomic_load(&ov->dropped);
    struct gw_ov_facts facts;
    struct tm_redis *r;
    int hit = 0;

    gen[0] = '\0'; /* a pending request writes nothing, even after an earlier read */
    if (local_get(ov, key, minute, heard, out)) {
        count(ov, OUT_MEMORY);
        return 1;
    }
    if (!redis_current) { /* what Redis holds may predate a drop this gateway heard */
        count(ov, OUT_PENDING);
        return 0;
    }
    if ((r = tm_redis_pool_get(ov->app->redis, REDIS_WAIT_MS)) != NULL)
        hit = cache_get(r, key, minute, gen, &facts, out);
    tm_redis_pool_put(ov->app->redis, r);
    count(ov, hit ? OUT_REDIS : OUT_MISS);
    /* kept in memory when it counts every event heard, as an answer this
     * gateway made would (another gateway may have made it before hearing
     * one, and tm-analytics' seqs tell) */
    if (hit && !summary_behind(ov->live, &facts) && heard == atomic_load(&ov->heard))
        local_put(ov, key, minute, heard, out->p, out->len);
    return hit;
}

static enum tm_code
h_overview(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_app *app = ctx->app;
    struct gw_overview *ov = app->overview;
    char scope[TM_STORES_TEXT_MAX + 3], key[GW_OV_SCOPE_MAX], gen[GEN_MAX] = "";
    int64_t store_id, minute = tm_now_ms() / 60000;
    uint64_t generation = ov->live ? gw_live_generation(ov->live) : 0;
    uint64_t heard = atomic_load(&ov->heard);
    int64_t asked_us = tm_mono_us(); /* after heard: a making begun since saw as much */
    unsigned permitted = gw_ov_permitted(ctx->req->principal.role, ov->need);
    struct gw_ov_facts facts;
    struct tm_redis *r = NULL;
    enum tm_code rc;
    enum flight_turn turn;
    int scoped;

    if ((rc = tm_ctx_query_store(ctx, &store_id, err)) != TM_OK)
        return rc;
    scoped = tm_ctx_store_scope(ctx, scope, sizeof scope);
    if ((rc = gw_ov_scope_key(scoped ? scope : NULL, store_id, permitted, key, sizeof key, err)) !=
        TM_OK)
        return rc;
    if (!ov->live) { /* nothing would drop a cached answer */
        count(ov, OUT_UNCACHED);
        return fan_out(ov, ctx, store_id, permitted, &rep->body, &facts, err);
    }
    if (cached(ov, key, minute, gen, &rep->body))
        return TM_OK;
    /* one request a scope makes the answer; the others wait for it (at
     * most the parts' deadline and a little) and take it, or look in the
     * cache again when it landed before they came */
    const struct stamp asked = {asked_us, heard, minute};
    int64_t until = tm_mono_ms() + app->cfg->overview_deadline_ms + 200;
    struct stamp mine;

    for (;;) {
        turn = lead(ov, key, &asked, until, &rep->body, &mine);
        if (turn == FL_TAKEN) {
            count(ov, OUT_FLIGHT);
            return TM_OK;
        }
        if (turn != FL_LANDED)
            break;
        minute = tm_now_ms() / 60000;
        generation = gw_live_generation(ov->live);
        heard = atomic_load(&ov->heard);
        if (cached(ov, key, minute, gen, &rep->body))
            return TM_OK;
    }
    rc = fan_out(ov, ctx, store_id, permitted, &rep->body, &facts, err);
    /* Not cached when partial (the daemon may be back at the next ask) or
     * when it may be stale already: an event was delivered during the
     * fan-out (its drop may have run before this write could be refused),
     * or tm-analytics had not applied one the gateway heard. */
    if (rc == TM_OK && !facts.partial && generation == gw_live_generation(ov->live) &&
        !summary_behind(ov->live, &facts)) {
        if (heard == atomic_load(&ov->heard))
            local_put(ov, key, minute, heard, rep->body.p, rep->body.len);
        if (gen[0] && (r = tm_redis_pool_get(app->redis, REDIS_WAIT_MS)) != NULL)
            cache_put(r, ctx->req->id, key, minute, gen, &facts, rep->body.p, rep->body.len);
        tm_redis_pool_put(app->redis, r);
    }
    if (turn == FL_MAKE)
        land(ov, key, &mine, rc == TM_OK ? rep->body.p : NULL, rep->body.len);
    return rc;
}

const struct tm_route gw_dash_routes[] = {
    {"GET", "/api/v1/dashboard/overview", h_overview, TM_TX_READ, NULL, TM_SCOPE_STORES},
};
const size_t gw_dash_routes_n = sizeof gw_dash_routes / sizeof gw_dash_routes[0];

/* ------------------------------------------------------------ the floor */

int
gw_floor_reply(struct mg_connection *conn)
{
    static const char prefix[] = "{\"floor\":\"", suffix[] = "\"}";
    const struct mg_request_info *ri = mg_get_request_info(conn);
    char *body, q[16];
    long n = GW_FLOOR_BYTES_DEFAULT;

    if (ri->query_string &&
        mg_get_var(ri->query_string, strlen(ri->query_string), "bytes", q, sizeof q) > 0) {
        char *end = NULL;
        n = strtol(q, &end, 10);
        if (*end != '\0' || n < (long)(sizeof prefix + sizeof suffix) || n > GW_FLOOR_BYTES_MAX) {
            static const char bad[] = "{\"error\":{\"code\":\"invalid_argument\",\"message\":"
                                      "\"bytes must be 12 to 65536\",\"field\":\"bytes\"}}";
            tm_http_reply(conn, 400, "application/json", "", bad, sizeof bad - 1);
            return 1;
        }
    }
    /* {"floor":"<'x' repeated to fill>"}: n bytes of valid JSON, on the
     * heap (a worker's stack is 100 KiB) as every API answer's is */
    body = tm_xmalloc((size_t)n);
    memcpy(body, prefix, sizeof prefix - 1);
    memset(body + sizeof prefix - 1, 'x', (size_t)n - (sizeof prefix - 1) - (sizeof suffix - 1));
    memcpy(body + n - (sizeof suffix - 1), suffix, sizeof suffix - 1);
    tm_http_reply(conn, 200, "application/json", "", body, (size_t)n);
    free(body);
    return 1;
}

/* ------------------------------------------------------------ life */

enum tm_code
gw_overview_new(struct gw_app *app, struct gw_live *live, struct gw_overview **out,
                struct tm_err *err)
{
    struct gw_overview *ov = tm_xcalloc(1, sizeof *ov);
    enum tm_code rc;

    ov->app = app;
    ov->live = live;
    pthread_mutex_init(&ov->mu, NULL);
    pthread_cond_init(&ov->cv, NULL);
    pthread_rwlockattr_t ka;
    pthread_rwlockattr_init(&ka);
    /* a hit a microsecond for every request: a writer (a new answer to
     * keep) would otherwise wait for a moment without readers */
    pthread_rwlockattr_setkind_np(&ka, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&ov->kmu, &ka);
    pthread_rwlockattr_destroy(&ka);
    pthread_mutex_init(&ov->lmu, NULL);
    tm_cond_init_mono(&ov->landed);
    for (int o = 0; o < OUTCOMES; o++) { /* once: each answer counts without a lookup */
        char labels[32];

        snprintf(labels, sizeof labels, "cache=\"%s\"", outcome_name[o]);
        ov->answered[o] = tm_metric(TM_METRIC_COUNTER, "tm_gateway_overview_total",
                                    "dashboard overviews answered, by cache outcome", labels);
    }
    for (int p = 0; p < GW_OV_PARTS; p++) {
        int d = gw_daemon_find(gw_daemons, gw_daemons_n, part_route[p]), n_params = 0;
        const struct gw_route *rt = NULL;
        struct tm_kv params[TM_PARAMS_MAX];
        char store[64];

        if (d < 0 || !app->bus[d]) {
            rc = tm_err_set(err, TM_INVALID, part_route[p], "no daemon answers %s", part_route[p]);
            goto fail;
        }
        /* the permission a caller needs to ask it through the gateway */
        if (gw_route_match("GET", part_route[p], &rt, params, &n_params, store, sizeof store) !=
            GW_MATCH_OK) {
            rc = tm_err_set(err, TM_INVALID, part_route[p], "no route %s", part_route[p]);
            goto fail;
        }
        ov->bus[p] = app->bus[d];
        ov->need[p] = rt->perm;
    }
    if (live) {
        if ((rc = tm_redis_new(app->cfg->redis_url, 300, &ov->rds, err)) != TM_OK)
            goto fail;
        if (pthread_create(&ov->dropper, NULL, drop_main, ov) != 0) {
            rc = tm_err_set(err, TM_INTERNAL, NULL, "cannot start the overview's drop thread");
            goto fail;
        }
        ov->started = 1;
        if ((rc = gw_live_listen(live, on_event, ov, err)) != TM_OK)
            goto fail;
    }
    *out = ov;
    return TM_OK;
fail:
    gw_overview_free(ov);
    return rc;
}

void
gw_overview_free(struct gw_overview *ov)
{
    if (!ov)
        return;
    if (ov->started) {
        pthread_mutex_lock(&ov->mu);
        ov->stopping = 1;
        pthread_cond_signal(&ov->cv);
        pthread_mutex_unlock(&ov->mu);
        pthread_join(ov->dropper, NULL);
    }
    tm_redis_free(ov->rds);
    for (int i = 0; i < LOCAL_MAX; i++) {
        free(ov->local[i].doc);
        free(ov->flights[i].doc);
    }
    pthread_cond_destroy(&ov->landed);
    pthread_mutex_destroy(&ov->lmu);
    pthread_rwlock_destroy(&ov->kmu);
    pthread_cond_destroy(&ov->cv);
    pthread_mutex_destroy(&ov->mu);
    free(ov);
}
