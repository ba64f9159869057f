/* common/redis.c — connection handling around hiredis' blocking API. The
 * caller's thread blocks for at most the configured timeout per command. */
#include "common/redis.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/time.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

struct tm_redis {
    char host[TM_REDIS_HOST_MAX];
    int port;
    int db;
    int timeout_ms;
    redisContext *ctx;   /* NULL while disconnected */
    int64_t retry_at_ms; /* monotonic; no reconnect before */
    int backoff_ms;
    int up; /* the last command reached Redis */
};

static enum tm_code
parse_url(const char *url, struct tm_redis *r, struct tm_err *err)
{
    const char *p = url, *colon, *slash;
    size_t hlen;
    char *end;

    if (strncmp(p, "redis://", 8) != 0)
        return tm_err_set(err, TM_INVALID, "redis-url", "redis URL must start with redis://");
    p += 8;
    slash = strchr(p, '/');
    colon = strchr(p, ':');
    if (colon && slash && colon > slash)
        colon = NULL;
    hlen = colon ? (size_t)(colon - p) : slash ? (size_t)(slash - p) : strlen(p);
    if (hlen == 0 || hlen >= sizeof r->host)
        return tm_err_set(err, TM_INVALID, "redis-url", "redis URL has a bad host");
    memcpy(r->host, p, hlen);
    r->host[hlen] = '\0';
    r->port = 6379;
    r->db = 0;
    if (colon) {
        long port = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || port < 1 || port > 65535 || (*end && *end != '/'))
            return tm_err_set(err, TM_INVALID, "redis-url", "redis URL has a bad port");
        r->port = (int)port;
    }
    if (slash && slash[1]) {
        long db = strtol(slash + 1, &end, 10);
        if (*end || db < 0 || db > 15)
            return tm_err_set(err, TM_INVALID, "redis-url", "redis URL has a bad db number");
        r->db = (int)db;
    }
    return TM_OK;
}

enum tm_code
tm_redis_new(const char *url, int timeout_ms, struct tm_redis **out, struct tm_err *err)
{
    struct tm_redis *r = tm_xcalloc(1, sizeof *r);

    if (parse_url(url, r, err) != TM_OK) {
        free(r);
        return TM_INVALID;
    }
    r->timeout_ms = timeout_ms;
    r->backoff_ms = BACKOFF_MIN_MS;
    *out = r;
    return TM_OK;
}

void
tm_redis_free(struct tm_redis *r)
{
    if (!r)
        return;
    if (r->ctx)
        redisFree(r->ctx);
    free(r);
}

static void
disconnect(struct tm_redis *r)
{
    if (r->ctx)
        redisFree(r->ctx);
    r->ctx = NULL;
    r->retry_at_ms = tm_mono_ms() + r->backoff_ms;
    r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
}

void
tm_redis_retry_now(struct tm_redis *r)
{
    r->retry_at_ms = 0;
}

static enum tm_code
ensure(struct tm_redis *r, struct tm_err *err)
{
    struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};

    if (r->ctx)
        return TM_OK;
    if (tm_mono_ms() < r->retry_at_ms)
        return tm_err_set(err, TM_UNAVAIL, NULL, "redis unreachable; retrying");
    r->ctx = redisConnectWithTimeout(r->host, r->port, tv);
    if (!r->ctx || r->ctx->err) {
        tm_err_set(err, TM_UNAVAIL, NULL, "redis %s:%d: %s", r->host, r->port,
                   r->ctx ? r->ctx->errstr : "out of memory");
        disconnect(r);
        return TM_UNAVAIL;
    }
    redisSetTimeout(r->ctx, tv);
    r->backoff_ms = BACKOFF_MIN_MS;
    if (r->db) {
        char db[8];
        const char *argv[2] = {"SELECT", db};
        size_t lens[2] = {6, 0};
        redisReply *rep;

        snprintf(db, sizeof db, "%d", r->db);
        lens[1] = strlen(db);
        rep = redisCommandArgv(r->ctx, 2, argv, lens);
        if (!rep || rep->type == REDIS_REPLY_ERROR) {
            if (rep)
                freeReplyObject(rep);
            disconnect(r);
            return tm_err_set(err, TM_UNAVAIL, NULL, "redis: SELECT %d failed", r->db);
        }
        freeReplyObject(rep);
    }
    return TM_OK;
}

enum tm_code
tm_redis_cmd(struct tm_redis *r, int argc, const char **argv, redisReply **reply,
             struct tm_err *err)
{
    size_t lens[TM_REDIS_EVAL_ARGS + 3]; /* EVALSHA sha numkeys args...: the longest command */
    redisReply *rep;

    int reused = r->ctx != NULL;

    if (reply)
        *reply = NULL;
    if (argc < 1 || argc > TM_REDIS_EVAL_ARGS + 3)
        return tm_err_set(err, TM_INTERNAL, NULL, "redis: bad argument count %d", argc);
    if (ensure(r, err) != TM_OK) {
        r->up = 0;
        return TM_UNAVAIL;
    }
    for (int i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    rep = redisCommandArgv(r->ctx, argc, argv, lens);
    if (!rep && reused && r->ctx->err == REDIS_ERR_EOF) {
        /* a kept connection Redis had closed (it restarted, or dropped the
         * client) fails on its first use, before the command reached a
         * running Redis: once more, on a new connection. Before, every
         * pooled connection's first command after a restart failed (a
         * void's 503, a sale scored without its velocity counters). */
        redisFree(r->ctx);
        r->ctx = NULL;
        r->retry_at_ms = 0;
        if (ensure(r, err) != TM_OK) {
            r->up = 0;
            return TM_UNAVAIL;
        }
        rep = redisCommandArgv(r->ctx, argc, argv, lens);
    }
    if (!rep) {
        tm_err_set(err, TM_UNAVAIL, NULL, "redis: %s", r->ctx->errstr);
        disconnect(r);
        r->up = 0;
        return TM_UNAVAIL;
    }
    r->up = 1;
    if (rep->type == REDIS_REPLY_ERROR) {
        tm_err_set(err, TM_INTERNAL, NULL, "redis: %s", rep->str);
        freeReplyObject(rep);
        return TM_INTERNAL;
    }
    if (reply)
        *reply = rep;
    else
        freeReplyObject(rep);
    return TM_OK;
}

enum tm_code
tm_redis_eval(struct tm_redis *r, const char *script, int n_keys, int n_args,
              const char *const *args, redisReply **reply, struct tm_err *err)
{
    const char *argv[TM_REDIS_EVAL_ARGS + 3];
    unsigned char md[SHA_DIGEST_LENGTH];
    char sha[2 * SHA_DIGEST_LENGTH + 1], nk[16];
    struct tm_err own;
    enum tm_code rc;

    if (!err) /* NOSCRIPT is told apart by the message: keep one even for callers who pass none */
        err = &own;
    if (n_args < n_keys || n_keys < 0 || n_args > TM_REDIS_EVAL_ARGS)
        return tm_err_set(err, TM_INTERNAL, NULL, "redis: %d script arguments", n_args);
    SHA1((const unsigned char *)script, strlen(script), md);
    if (tm_hex(md, sizeof md, sha, sizeof sha) != TM_OK) /* sha holds 2 * 20 + 1 */
        return tm_err_set(err, TM_INTERNAL, NULL, "redis: script digest");
    snprintf(nk, sizeof nk, "%d", n_keys);
    argv[0] = "EVALSHA";
    argv[1] = sha;
    argv[2] = nk;
    for (int i = 0; i < n_args; i++)
        argv[3 + i] = args[i];
    rc = tm_redis_cmd(r, n_args + 3, argv, reply, err);
    if (rc == TM_INTERNAL && err && strncmp(err->message, "redis: NOSCRIPT", 15) == 0) {
        argv[0] = "EVAL";
        argv[1] = script;
        rc = tm_redis_cmd(r, n_args + 3, argv, reply, err);
    }
    return rc;
}

enum tm_code
tm_redis_connect(const char *url, int timeout_ms, redisContext **out, struct tm_err *err)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    struct tm_redis r;
    redisContext *c;

    memset(&r, 0, sizeof r);
    *out = NULL;
    if (parse_url(url, &r, err) != TM_OK)
        return TM_INVALID;
    c = redisConnectWithTimeout(r.host, r.port, tv);
    if (!c || c->err || redisSetTimeout(c, tv) != REDIS_OK) {
        tm_err_set(err, TM_UNAVAIL, NULL, "redis %s:%d: %s", r.host, r.port,
                   c ? c->errstr : "out of memory");
        redisFree(c);
        return TM_UNAVAIL;
    }
    *out = c;
    return TM_OK;
}

enum tm_code
tm_redis_ping(struct tm_redis *r, struct tm_err *err)
{
    const char *argv[1] = {"PING"};
    redisReply *rep = NULL;
    enum tm_code rc = tm_redis_cmd(r, 1, argv, &rep, err);

    if (rc == TM_OK && (rep->type != REDIS_REPLY_STATUS || strcmp(rep->str, "PONG") != 0))
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "redis: unexpected PING reply");
    if (rep)
        freeReplyObject(rep);
    return rc;
}

int
tm_redis_up(const struct tm_redis *r)
{
    return r->up;
}

struct tm_redis_pool {
    char *url;            /* read-only after new */
    int timeout_ms, size; /* read-only after new */
    pthread_mutex_t mu;
    pthread_cond_t freed;   /* signalled on put */
    struct tm_redis **idle; /* guarded by mu */
    int n_idle, n_open;     /* guarded by mu */
    int up;                 /* guarded by mu */
};

enum tm_code
tm_redis_pool_new(const char *url, int timeout_ms, int size, struct tm_redis_pool **out,
                  struct tm_err *err)
{
    struct tm_redis *probe = NULL;
    struct tm_redis_pool *p;

    if (tm_redis_new(url, timeout_ms, &probe, err) != TM_OK) /* validates the URL */
        return TM_INVALID;
    tm_redis_free(probe);
    p = tm_xcalloc(1, sizeof *p);
    p->url = tm_xstrdup(url);
    p->timeout_ms = timeout_ms;
    p->size = size < 1 ? 1 : size;
    p->idle = tm_xcalloc((size_t)p->size, sizeof *p->idle);
    p->up = 1;
    pthread_mutex_init(&p->mu, NULL);
    tm_cond_init_mono(&p->freed);
    *out = p;
    return TM_OK;
}

void
tm_redis_pool_free(struct tm_redis_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_idle; i++)
        tm_redis_free(p->idle[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->freed);
    free(p->idle);
    free(p->url);
    free(p);
}

struct tm_redis *
tm_redis_pool_get(struct tm_redis_pool *p, int wait_ms)
{
    struct tm_redis *r = NULL;
    int64_t deadline = tm_mono_ms() + wait_ms;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        int64_t now = tm_mono_ms();

        if (p->n_idle > 0) {
            r = p->idle[--p->n_idle];
            break;
        }
        if (p->n_open < p->size) {
            p->n_open++;
            pthread_mutex_unlock(&p->mu);
            if (tm_redis_new(p->url, p->timeout_ms, &r, NULL) == TM_OK)
                return r;
            pthread_mutex_lock(&p->mu);
            p->n_open--;
            break;
        }
        if (now >= deadline)
            break;
        tm_cond_wait_until(&p->freed, &p->mu, deadline);
    }
    pthread_mutex_unlock(&p->mu);
    return r;
}

void
tm_redis_pool_put(struct tm_redis_pool *p, struct tm_redis *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&p->mu);
    p->up = r->up;
    p->idle[p->n_idle++] = r;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->mu);
}

int
tm_redis_pool_up(struct tm_redis_pool *p)
{
    int up;

    pthread_mutex_lock(&p->mu);
    up = p->up;
    pthread_mutex_unlock(&p->mu);
    return up;
}
