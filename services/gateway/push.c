/* services/gateway/push.c — the subscriber thread and the publisher of
 * push.h. Messages are rare (a logout, a user change, a cache
 * invalidation); what matters is that every request can ask "may I trust
 * my memory?" for the price of two atomic loads. The subscriber pings
 * Redis every PING_MS on its subscribed connection, so a connection that
 * died quietly, or a thread stuck in a handler, reads as unhealthy within
 * GW_PUSH_STALE_MS, before a publisher waiting for its ack gives up
 * (GW_PUSH_ACK_MS). */
#define _GNU_SOURCE /* POLLRDHUP */
#include "services/gateway/push.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/redis.h"
#include "common/time.h"

#define PING_MS 150
#define SILENT_MS 5000 /* reconnect when Redis has not answered for this long */
#define CONNECT_MS 1000
#define BACKOFF_MAX_MS 1000
#define ACK_KEY_PREFIX "tm:push:ack:"
#define ACK_TTL_MS "10000"
#define GEN_KEY "tm:push:gen" /* moved by a publish that may not have reached every gateway */
#define MARGIN_MS 50
#define RETRY_MS 20
_Static_assert(GW_PUSH_ACK_MS >= GW_PUSH_STALE_MS + MARGIN_MS,
               "a publisher must outwait a stuck gateway's health");
#define MSG_MAX (GW_PUSH_KIND_MAX + 64 + GW_PUSH_KEY_MAX + 2)

struct push_kind {
    char name[GW_PUSH_KIND_MAX];
    gw_push_fn fn;
    gw_push_reset_fn reset;
    void *arg;
};

struct gw_push {
    char url[256];
    char id[33]; /* this process, random hex: names its messages and acks */
    struct push_kind kinds[GW_PUSH_KINDS_MAX];
    int n_kinds;          /* set before start, read-only after */
    gw_push_tick_fn tick; /* set before start, read-only after; may be NULL */
    void *tick_arg;
    struct tm_redis_pool *pub;  /* publishers' connections */
    struct tm_redis *ack;       /* the subscriber thread's, for acks */
    atomic_uint_fast64_t seq;   /* this process's messages so far */
    atomic_int healthy;         /* subscribed and every reset ran since */
    atomic_int fd;              /* the subscribed socket; -1 while none */
    atomic_int_fast64_t ok_ms;  /* monotonic: Redis last answered the subscriber */
    atomic_int_fast64_t gen_ms; /* monotonic: GEN_KEY was last seen unmoved (asked then) */
    long long gen;              /* GEN_KEY when subscribed; the subscriber thread's */
    atomic_int stop;
    pthread_t thread;
    int started;
};

static int
kind_valid(const char *kind)
{
    size_t n = strlen(kind);

    if (n == 0 || n >= GW_PUSH_KIND_MAX)
        return 0;
    return strspn(kind, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static int
key_valid(const char *key)
{
    size_t n = strlen(key);

    return n < GW_PUSH_KEY_MAX && strcspn(key, "\t\r\n") == n;
}

enum tm_code
gw_push_decode(const char *msg, size_t len, char kind[GW_PUSH_KIND_MAX], char id[64],
               char key[GW_PUSH_KEY_MAX], struct tm_err *err)
{
    const char *t1, *t2, *end = msg + len;

    if (len >= MSG_MAX || memchr(msg, '\0', len))
        return tm_err_set(err, TM_INVALID, NULL, "push message too long or has NUL");
    t1 = memchr(msg, '\t', len);
    t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
    if (!t2 || t1 - msg >= GW_PUSH_KIND_MAX || t2 - t1 - 1 >= 64 || t2 - t1 - 1 < 1 ||
        end - t2 - 1 >= GW_PUSH_KEY_MAX)
        return tm_err_set(err, TM_INVALID, NULL, "push message is not kind\\tid\\tkey");
    memcpy(kind, msg, (size_t)(t1 - msg));
    kind[t1 - msg] = '\0';
    memcpy(id, t1 + 1, (size_t)(t2 - t1 - 1));
    id[t2 - t1 - 1] = '\0';
    memcpy(key, t2 + 1, (size_t)(end - t2 - 1));
    key[end - t2 - 1] = '\0';
    if (!kind_valid(kind) || !key_valid(key) || strcspn(id, "\t\r\n ") != strlen(id))
        return tm_err_set(err, TM_INVALID, NULL, "push message has a bad kind, id or key");
    return TM_OK;
}

enum tm_code
gw_push_new(const char *redis_url, struct gw_push **out, struct tm_err *err)
{
    struct gw_push *p = tm_xcalloc(1, sizeof *p);
    enum tm_code rc;

    snprintf(p->url, sizeof p->url, "%s", redis_url);
    atomic_store(&p->fd, -1);
    if (tm_random_hex(16, p->id, sizeof p->id) != TM_OK)
        snprintf(p->id, sizeof p->id, "%lld", (long long)tm_now_ms());
    if ((rc = tm_redis_pool_new(redis_url, CONNECT_MS, 8, &p->pub, err)) != TM_OK ||
        (rc = tm_redis_new(redis_url, CONNECT_MS, &p->ack, err)) != TM_OK) {
        gw_push_free(p);
        return rc;
    }
    *out = p;
    return TM_OK;
}

enum tm_code
gw_push_on(struct gw_push *p, const char *kind, gw_push_fn fn, gw_push_reset_fn reset, void *arg,
           struct tm_err *err)
{
    struct push_kind *k;

    if (p->started || !fn || !kind_valid(kind) || p->n_kinds >= GW_PUSH_KINDS_MAX)
        return tm_err_set(err, TM_INVALID, NULL, "push kind \"%.32s\" cannot be added", kind);
    k = &p->kinds[p->n_kinds++];
    snprintf(k->name, sizeof k->name, "%s", kind);
    k->fn = fn;
    k->reset = reset;
    k->arg = arg;
    return TM_OK;
}

void
gw_push_every(struct gw_push *p, gw_push_tick_fn fn, void *arg)
{
    if (p->started)
        return;
    p->tick = fn;
    p->tick_arg = arg;
}

/* The socket itself is asked too: when Redis closes the connection (a
 * stop, a restart) the kernel marks it at once, while the subscriber
 * thread may not yet have run; a request must not trust memory then. */
int
gw_push_healthy(const struct gw_push *p)
{
    struct pollfd pfd = {.events = POLLRDHUP};
    int64_t now = tm_mono_ms();

    if (!p || !atomic_load(&p->healthy) || now - atomic_load(&p->ok_ms) >= GW_PUSH_STALE_MS ||
        now - atomic_load(&p->gen_ms) >= GW_PUSH_STALE_MS)
        return 0;
    if ((pfd.fd = atomic_load(&p->fd)) < 0 || poll(&pfd, 1, 0) != 0)
        return 0;
    /* the subscriber clears healthy and fd before it closes the socket: if
     * both still hold, the fd polled was the subscription's, not a number
     * reused by another socket since */
    return atomic_load(&p->healthy) && atomic_load(&p->fd) == pfd.fd;
}

/* A command on the subscriber's own connection, tried a second time at
 * once when the first found the connection dead (left from before a Redis
 * restart: the subscription itself is new). */
static enum tm_code
again(struct tm_redis *r, int argc, const char **argv, redisReply **reply, struct tm_err *err)
{
    enum tm_code rc = tm_redis_cmd(r, argc, argv, reply, err);

    if (rc != TM_UNAVAIL)
        return rc;
    tm_redis_retry_now(r);
    return tm_redis_cmd(r, argc, argv, reply, err);
}

/* GEN_KEY's value (0 while unset) on the subscriber's own connection. */
static enum tm_code
gen_read(struct gw_push *p, long long *gen, struct tm_err *err)
{
    const char *argv[2] = {"GET", GEN_KEY};
    redisReply *rep = NULL;
    enum tm_code rc;

    if ((rc = again(p->ack, 2, argv, &rep, err)) != TM_OK)
        return rc;
    *gen = rep && rep->type == REDIS_REPLY_STRING ? strtoll(rep->str, NULL, 10) : 0;
    freeReplyObject(rep);
    return TM_OK;
}

/* RPUSH the ack list of message id, then let it expire. */
static void
ack(struct gw_push *p, const char *id)
{
    char key[sizeof ACK_KEY_PREFIX + 64];
    const char *push[3] = {"RPUSH", key, p->id};
    const char *exp[3] = {"PEXPIRE", key, ACK_TTL_MS};
    struct tm_err err;

    snprintf(key, sizeof key, ACK_KEY_PREFIX "%s", id);
    if (again(p->ack, 3, push, NULL, &err) != TM_OK || again(p->ack, 3, exp, NULL, &err) != TM_OK)
        tm_log_warn(NULL, "push.ack_failed", "id=%s error=\"%s\"", id, err.message);
}

/* Runs msg's handler; 1 and its id when it was well formed. */
static int
dispatch(struct gw_push *p, const char *msg, size_t len, char id[64])
{
    char kind[GW_PUSH_KIND_MAX], key[GW_PUSH_KEY_MAX];
    struct tm_err err;

    if (gw_push_decode(msg, len, kind, id, key, &err) != TM_OK) {
        tm_log_warn(NULL, "push.bad_message", "error=\"%s\"", err.message);
        return 0;
    }
    for (int i = 0; i < p->n_kinds; i++)
        if (strcmp(p->kinds[i].name, kind) == 0)
            p->kinds[i].fn(p->kinds[i].arg, key);
    return 1;
}

/* After the resets: the messages of the last GW_PUSH_REPLAY_MS, oldest
 * first. */
static enum tm_code
replay(struct gw_push *p, struct tm_err *err)
{
    char from[24], id[64];
    const char *argv[4] = {"ZRANGEBYSCORE", GW_PUSH_RECENT, from, "+inf"};
    redisReply *rep = NULL;
    enum tm_code rc;

    snprintf(from, sizeof from, "%lld", (long long)(tm_now_ms() - GW_PUSH_REPLAY_MS));
    if ((rc = again(p->ack, 4, argv, &rep, err)) != TM_OK)
        return rc;
    for (size_t i = 0; rep && rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++)
        if (rep->element[i]->type == REDIS_REPLY_STRING)
            (void)dispatch(p, rep->element[i]->str, rep->element[i]->len, id);
    freeReplyObject(rep);
    return TM_OK;
}

/* One reply read on the subscribed connection: a message, or a ping's
 * answer. */
static void
handle(struct gw_push *p, const redisReply *r)
{
    char id[64];
    const redisReply *m;

    atomic_store(&p->ok_ms, tm_mono_ms());
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
        r->element[0]->type != REDIS_REPLY_STRING || strcmp(r->element[0]->str, "message") != 0 ||
        r->elements != 3)
        return;
    m = r->element[2];
    if (m->type == REDIS_REPLY_STRING && dispatch(p, m->str, m->len, id))
        ack(p, id);
}

/* SUBSCRIBE and its confirmation, then every kind's reset. */
static enum tm_code
subscribe(struct gw_push *p, redisContext *c, struct tm_err *err)
{
    redisReply *r = redisCommand(c, "SUBSCRIBE %s", GW_PUSH_CHANNEL);
    int ok = r && r->type == REDIS_REPLY_ARRAY && r->elements == 3;
    enum tm_code rc = TM_OK;
    int64_t gen_ms;

    freeReplyObject(r);
    if (!ok)
        return tm_err_set(err, TM_UNAVAIL, NULL, "SUBSCRIBE: %s", c->err ? c->errstr : "refused");
    atomic_store(&p->ok_ms, tm_mono_ms());
    /* before the resets: a move after this read resets again; and what
     * the resets read is trusted from this instant only */
    gen_ms = tm_mono_ms();
    if ((rc = gen_read(p, &p->gen, err)) != TM_OK)
        return rc;
    for (int i = 0; i < p->n_kinds && rc == TM_OK; i++)
        if (p->kinds[i].reset)
            rc = p->kinds[i].reset(p->kinds[i].arg, err);
    if (rc == TM_OK)
        rc = replay(p, err);
    atomic_store(&p->ok_ms, tm_mono_ms()); /* the first ping, sent at once, confirms it */
    atomic_store(&p->gen_ms, gen_ms);      /* so does its GET of GEN_KEY */
    return rc;
}

/* 1 when GEN_KEY has not moved since the subscription: no publish since
 * has failed to reach this gateway. Else (or when it cannot be asked) 0:
 * resubscribe and rebuild from the truth. */
static int
gen_current(struct gw_push *p)
{
    int64_t asked_ms = tm_mono_ms();
    long long gen = 0;
    struct tm_err err;

    if (gen_read(p, &gen, &err) != TM_OK) {
        tm_log_warn(NULL, "push.gen_unknown", "error=\"%s\"", err.message);
        return 0;
    }
    if (gen != p->gen) {
        tm_log_warn(NULL, "push.gen_moved",
                    "from=%lld to=%lld note=\"a publish may have missed "
                    "this gateway: rebuilding\"",
                    p->gen, gen);
        return 0;
    }
    atomic_store(&p->gen_ms, asked_ms);
    return 1;
}

/* Reads and handles what the connection brings until it fails, stops
 * answering or the push is stopped. */
static void
serve(struct gw_push *p, redisContext *c)
{
    int64_t pinged_ms = 0, ticked_ms = tm_mono_ms();
    redisReply *r;

    while (!atomic_load(&p->stop)) {
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        int64_t now = tm_mono_ms();

        if (now - atomic_load(&p->ok_ms) > SILENT_MS)
            return;
        if (now - pinged_ms >= PING_MS) {
            int done = 0;

            if (redisAppendCommand(c, "PING") != REDIS_OK)
                return;
            while (!done)
                if (redisBufferWrite(c, &done) != REDIS_OK)
                    return;
            pinged_ms = now;
            if (!gen_current(p))
                return;
        }
        if (p->tick && now - ticked_ms >= GW_PUSH_TICK_MS) {
            ticked_ms = now;
            p->tick(p->tick_arg, p->ack);
        }
        if (poll(&pfd, 1, PING_MS) < 0)
            continue;
        if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) && redisBufferRead(c) != REDIS_OK)
            return;
        for (;;) {
            void *reply = NULL;

            if (redisGetReplyFromReader(c, &reply) != REDIS_OK)
                return;
            if (!reply)
                break;
            r = reply;
            handle(p, r);
            freeReplyObject(r);
        }
    }
}

static void *
run(void *arg)
{
    struct gw_push *p = arg;
    int backoff = 100;

    while (!atomic_load(&p->stop)) {
        redisContext *c = NULL;
        struct tm_err err;

        if (tm_redis_connect(p->url, CONNECT_MS, &c, &err) == TM_OK &&
            subscribe(p, c, &err) == TM_OK) {
            atomic_store(&p->fd, c->fd);
            atomic_store(&p->healthy, 1);
            tm_log_info(NULL, "push.subscribed", "channel=%s", GW_PUSH_CHANNEL);
            backoff = 100;
            serve(p, c);
            err.message[0] = '\0';
        }
        atomic_store(&p->healthy, 0);
        atomic_store(&p->fd, -1);
        redisFree(c);
        if (atomic_load(&p->stop))
            break;
        tm_log_warn(NULL, "push.unsubscribed",
                    "error=\"%s\" note=\"requests ask Redis or PostgreSQL meanwhile\"",
                    err.message[0] ? err.message : "connection lost");
        tm_sleep_ms(backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    return NULL;
}

enum tm_code
gw_push_start(struct gw_push *p, struct tm_err *err)
{
    if (pthread_create(&p->thread, NULL, run, p) != 0)
        return tm_err_set(err, TM_INTERNAL, NULL, "push thread: cannot start");
    p->started = 1;
    return TM_OK;
}

void
gw_push_free(struct gw_push *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, 1);
    if (p->started)
        pthread_join(p->thread, NULL);
    tm_redis_pool_free(p->pub);
    tm_redis_free(p->ack);
    free(p);
}

/* KEYS: the recent set. ARGV: now_ms, replay_ms, channel, message. Keeps
 * the message for replay, then publishes it; returns the receivers. */
static const char publish_script[] =
    "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])\n"
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "return redis.call('PUBLISH', ARGV[3], ARGV[4])\n";

/* Waits for n acks on key until deadline; returns how many came. */
static long long
await_acks(struct tm_redis *r, const char *key, long long n, int64_t deadline)
{
    const char *blpop[3] = {"BLPOP", key, "0.1"};
    const char *del[2] = {"DEL", key};
    long long got = 0;
    struct tm_err err;

    while (got < n && tm_mono_ms() < deadline) {
        redisReply *rep = NULL;

        if (tm_redis_cmd(r, 3, blpop, &rep, &err) != TM_OK)
            break;
        if (rep && rep->type == REDIS_REPLY_ARRAY)
            got++;
        freeReplyObject(rep);
    }
    if (tm_redis_cmd(r, 2, del, NULL, &err) != TM_OK)
        tm_log_warn(NULL, "push.ack_key_left", "key=%s note=\"expires by itself\"", key);
    return got;
}

static void
sleep_until(int64_t mono_ms)
{
    int64_t left = mono_ms - tm_mono_ms();

    if (left > 0)
        tm_sleep_ms((int)left);
}

/* Publishes msg under a new id each attempt (a gateway acks an id once),
 * retrying errors until `until`; *n the receivers and ack_key the last
 * attempt's. */
static enum tm_code
publish_once(struct gw_push *p, struct tm_redis *r, const char *kind, const char *key,
             int64_t until, long long *n, char *ack_key, size_t ack_len, struct tm_err *err)
{
    char id[64], msg[MSG_MAX], now[24], replay[24];
    const char *argv[5] = {GW_PUSH_RECENT, now, replay, GW_PUSH_CHANNEL, msg};
    enum tm_code rc;

    snprintf(replay, sizeof replay, "%d", GW_PUSH_REPLAY_MS);
    for (int attempt = 0;; attempt++) {
        redisReply *rep = NULL;

        snprintf(id, sizeof id, "%s-%llu", p->id,
                 (unsigned long long)atomic_fetch_add(&p->seq, 1) + 1);
        snprintf(msg, sizeof msg, "%s\t%s\t%s", kind, id, key);
        snprintf(ack_key, ack_len, ACK_KEY_PREFIX "%s", id);
        snprintf(now, sizeof now, "%lld", (long long)tm_now_ms());
        if (attempt > 0) /* a pooled connection left from before a Redis restart, or an error */
            tm_redis_retry_now(r);
        rc = tm_redis_eval(r, publish_script, 1, 5, argv, &rep, err);
        if (rc == TM_OK && !(rep && rep->type == REDIS_REPLY_INTEGER))
            rc = tm_err_set(err, TM_UNAVAIL, NULL, "push: PUBLISH gave no count");
        if (rc == TM_OK)
            *n = rep->integer;
        freeReplyObject(rep);
        if (rc == TM_OK || tm_mono_ms() + RETRY_MS >= until)
            return rc;
        if (attempt > 0)
            tm_sleep_ms(RETRY_MS);
    }
}

/* The last resort after a publish that failed: moves GEN_KEY, so every
 * subscriber stops trusting its memory within its next PING_MS round and
 * rebuilds from the truth; then outwaits a subscriber that has not looked
 * (it goes stale). TM_OK when GEN_KEY moved. */
static enum tm_code
gen_bump(struct gw_push *p, struct tm_redis *r, struct tm_err *err)
{
    const char *argv[2] = {"INCR", GEN_KEY};
    struct tm_redis *own = NULL;
    enum tm_code rc = TM_UNAVAIL;

    if (r) {
        tm_redis_retry_now(r);
        rc = tm_redis_cmd(r, 2, argv, NULL, err);
    }
    if (rc != TM_OK && tm_redis_new(p->url, CONNECT_MS, &own, err) == TM_OK)
        rc = tm_redis_cmd(own, 2, argv, NULL, err);
    tm_redis_free(own);
    if (rc == TM_OK)
        tm_sleep_ms(GW_PUSH_STALE_MS + MARGIN_MS);
    return rc;
}

enum tm_code
gw_push_publish(struct gw_push *p, const char *kind, const char *key, struct tm_err *err)
{
    char ack_key[sizeof ACK_KEY_PREFIX + 64];
    int64_t until = tm_mono_ms() + GW_PUSH_ACK_MS, acked_by;
    struct tm_redis *r, *own = NULL;
    long long n = 0, got;
    struct tm_err perr;
    enum tm_code rc;

    if (!kind_valid(kind) || !key_valid(key))
        return tm_err_set(err, TM_INVALID, NULL, "push: bad kind or key");
    if (!(r = tm_redis_pool_get(p->pub, GW_PUSH_ACK_MS / 2)) &&
        tm_redis_new(p->url, CONNECT_MS, &own, err) == TM_OK)
        r = own;
    rc = r ? publish_once(p, r, kind, key, until, &n, ack_key, sizeof ack_key, &perr)
           : tm_err_set(&perr, TM_UNAVAIL, NULL, "push: no Redis connection");
    if (rc != TM_OK) {
        rc = gen_bump(p, r, err);
        tm_log_warn(NULL, "push.publish_failed", "kind=%s error=\"%s\" gen_moved=%d note=\"%s\"",
                    kind, perr.message, rc == TM_OK,
                    rc == TM_OK ? "every gateway rebuilt its memory from the truth"
                                : "gateways may still trust memory without this message");
        if (rc != TM_OK)
            tm_err_set(err, TM_UNAVAIL, NULL, "push: not published (%s)", perr.message);
    } else {
        /* from the PUBLISH reply: a gateway that has not acked by then
         * has not answered a ping since the message reached it, so it is
         * unhealthy (GW_PUSH_STALE_MS) when this returns */
        acked_by = tm_mono_ms() + GW_PUSH_ACK_MS;
        got = await_acks(r, ack_key, n, acked_by);
        if (got < n) {
            sleep_until(acked_by);
            tm_log_warn(NULL, "push.ack_missing",
                        "kind=%s acked=%lld of=%lld note=\"the others no longer trust memory\"",
                        kind, got, n);
        }
    }
    if (own)
        tm_redis_free(own);
    else if (r)
        tm_redis_pool_put(p->pub, r);
    return rc;
}
