/* services/gateway/lease.c — leased shares of the request limits. The
 * table is set-associative: a key's set is its hash, WAYS keys share a set,
 * and a new key takes the least recently used way. The share dropped then
 * (or one left from an earlier window) has its unspent requests given back
 * to Redis, so a dropped share does not count against the limit. */
#include "services/gateway/lease.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"

/* KEYS: the limit key. ARGV: now_ms, window_ms, limit, wanted. Counts
 * min(wanted, what is left) as used in the current window and returns
 * {granted, left after it}; the sliding window is ratelimit.c's. */
static const char script[] =
    "local now = tonumber(ARGV[1]) local win = tonumber(ARGV[2])\n"
    "local limit = tonumber(ARGV[3]) local want = tonumber(ARGV[4])\n"
    "local start = now - (now % win)\n"
    "local frac = (now - start) / win\n"
    "local cur = tonumber(redis.call('GET', KEYS[1] .. ':' .. start) or '0')\n"
    "local prev = tonumber(redis.call('GET', KEYS[1] .. ':' .. (start - win)) or '0')\n"
    "local used = math.floor(prev * (1 - frac)) + cur\n"
    "local g = math.min(want, limit - used)\n"
    "if g <= 0 then return {0, 0} end\n"
    "local k = KEYS[1] .. ':' .. start\n"
    "redis.call('INCRBY', k, g)\n"
    "redis.call('PEXPIRE', k, win * 2)\n"
    "return {g, limit - used - g}\n";

/* KEYS: a window's counter. ARGV: requests. Gives back a share's unspent
 * requests (never below 0; a counter already expired stays gone). */
static const char give_back_script[] = "local v = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
                                       "local n = math.min(v, tonumber(ARGV[1]))\n"
                                       "if n > 0 then redis.call('DECRBY', KEYS[1], n) end\n"
                                       "return n\n";

#define WAYS 8
#define SETS (GW_LEASE_SLOTS / WAYS)

struct slot {
    char key[GW_LIMIT_KEY_MAX]; /* "" when free */
    int64_t start;              /* the window the share belongs to */
    int tokens;                 /* requests of the share not spent */
    int left;                   /* left in Redis after the last lease */
    uint64_t used;              /* its set's clock when last used: the least is evicted */
};

struct set {
    pthread_mutex_t mu; /* the rest */
    uint64_t clock;
    struct slot way[WAYS];
};

struct gw_leases {
    struct set set[SETS];
};

int
gw_lease_size(int limit, int left)
{
    int n;

    if (limit < GW_LEASE_EXACT_BELOW)
        return 1;
    n = (left < 0 ? limit : left) / 32;
    return n < 1 ? 1 : n > GW_LEASE_MAX ? GW_LEASE_MAX : n;
}

struct gw_leases *
gw_leases_new(void)
{
    struct gw_leases *t = tm_xcalloc(1, sizeof *t);

    for (int i = 0; i < SETS; i++)
        pthread_mutex_init(&t->set[i].mu, NULL);
    return t;
}

void
gw_leases_free(struct gw_leases *t)
{
    if (!t)
        return;
    for (int i = 0; i < SETS; i++)
        pthread_mutex_destroy(&t->set[i].mu);
    free(t);
}

int
gw_leases_set_of(const char *key)
{
    return (int)(tm_fnv32(TM_FNV32_INIT, key) % SETS);
}

/* key's slot in its locked set, or NULL. */
static struct slot *
lookup(struct set *st, const char *key)
{
    for (int i = 0; i < WAYS; i++)
        if (strcmp(st->way[i].key, key) == 0)
            return &st->way[i];
    return NULL;
}

int
gw_leases_spend(struct gw_leases *t, const char *key, int64_t start, int *left, int *known)
{
    struct set *st = &t->set[gw_leases_set_of(key)];
    struct slot *s;
    int ok;

    pthread_mutex_lock(&st->mu);
    s = lookup(st, key);
    ok = s && s->start == start && s->tokens > 0;
    *known = s && s->start == start ? s->left : -1;
    if (ok) {
        s->tokens--;
        s->used = ++st->clock;
        *left = s->left + s->tokens;
    }
    pthread_mutex_unlock(&st->mu);
    return ok;
}

/* Gives back a request spent by a request that was then refused. */
static void
refund(struct gw_leases *t, const char *key, int64_t start)
{
    struct set *st = &t->set[gw_leases_set_of(key)];
    struct slot *s;

    pthread_mutex_lock(&st->mu);
    if ((s = lookup(st, key)) && s->start == start)
        s->tokens++;
    pthread_mutex_unlock(&st->mu);
}

void
gw_leases_stock(struct gw_leases *t, const char *key, int64_t start, int tokens, int left,
                struct gw_lease_dropped *dropped)
{
    struct set *st = &t->set[gw_leases_set_of(key)];
    struct slot *s;

    memset(dropped, 0, sizeof *dropped);
    pthread_mutex_lock(&st->mu);
    if (!(s = lookup(st, key))) {
        s = &st->way[0];
        for (int i = 0; i < WAYS && s->key[0]; i++)
            if (!st->way[i].key[0] || st->way[i].used < s->used)
                s = &st->way[i];
    }
    if (strcmp(s->key, key) != 0 || s->start != start) {
        if (s->key[0] && s->tokens > 0) {
            snprintf(dropped->key, sizeof dropped->key, "%s", s->key);
            dropped->start = s->start;
            dropped->tokens = s->tokens;
        }
        snprintf(s->key, sizeof s->key, "%s", key);
        s->start = start;
        s->tokens = 0;
    }
    s->tokens += tokens;
    s->left = left;
    s->used = ++st->clock;
    pthread_mutex_unlock(&st->mu);
}

/* Returns a dropped share's unspent requests to Redis. Best effort: when
 * it fails they stay counted, which can only allow less. */
static void
give_back(struct tm_redis *r, const struct gw_lease_dropped *d)
{
    char key[GW_LIMIT_KEY_MAX + 24], n[16];
    const char *args[2] = {key, n};
    struct tm_err err;

    snprintf(key, sizeof key, "%s:%lld", d->key, (long long)d->start);
    snprintf(n, sizeof n, "%d", d->tokens);
    if (tm_redis_eval(r, give_back_script, 1, 2, args, NULL, &err) != TM_OK)
        tm_log_warn(NULL, "lease.give_back_failed", "requests=%d error=\"%s\"", d->tokens,
                    err.message);
}

/* One lease: *granted requests of key (0 when the limit is reached). */
static enum tm_code
lease(struct tm_redis *r, const struct gw_limit *l, int want, int64_t now_ms, int window_ms,
      int *granted, int *left, struct tm_err *err)
{
    char now[24], win[16], lim[16], wanted[16];
    const char *args[5] = {l->key, now, win, lim, wanted};
    redisReply *rep = NULL;
    enum tm_code rc;

    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    snprintf(win, sizeof win, "%d", window_ms);
    snprintf(lim, sizeof lim, "%d", l->per_window);
    snprintf(wanted, sizeof wanted, "%d", want);
    if ((rc = tm_redis_eval(r, script, 1, 5, args, &rep, err)) != TM_OK)
        return rc;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
        freeReplyObject(rep);
        return tm_err_set(err, TM_INTERNAL, NULL, "lease script: unexpected reply");
    }
    *granted = (int)rep->element[0]->integer;
    *left = (int)rep->element[1]->integer;
    freeReplyObject(rep);
    return TM_OK;
}

enum tm_code
gw_lease_take(struct gw_leases *t, struct tm_redis_pool *pool, const struct gw_limit *limits, int n,
              int64_t now_ms, int window_ms, struct gw_limit_result *out, struct tm_err *err)
{
    int64_t start = now_ms - now_ms % window_ms;
    struct tm_redis *r = NULL;
    enum tm_code rc = TM_OK;
    int spent = 0;

    if (n < 1 || n > GW_LIMIT_KEYS_MAX || window_ms < 1)
        return tm_err_set(err, TM_INTERNAL, NULL, "bad limit keys");
    memset(out, 0, sizeof *out);
    out->reset_s = (int)((start + window_ms - now_ms + 999) / 1000);
    out->allowed = 1;
    for (; spent < n; spent++) {
        const struct gw_limit *l = &limits[spent];
        int left = 0, known = -1, granted = 0;

        if (!gw_leases_spend(t, l->key, start, &left, &known)) {
            struct gw_lease_dropped dropped;

            if (!r && !(r = tm_redis_pool_get(pool, 1000))) {
                rc = tm_err_set(err, TM_UNAVAIL, NULL, "no Redis connection free");
                break;
            }
            rc = lease(r, l, gw_lease_size(l->per_window, known), now_ms, window_ms, &granted,
                       &left, err);
            if (rc != TM_OK)
                break;
            if (granted == 0) {
                out->allowed = 0;
                out->limit = l->per_window;
                out->remaining = 0;
                break;
            }
            gw_leases_stock(t, l->key, start, granted - 1, left, &dropped);
            if (dropped.tokens > 0)
                give_back(r, &dropped);
            left += granted - 1;
        }
        if (spent == 0 || left < out->remaining) {
            out->limit = l->per_window;
            out->remaining = left;
        }
    }
    tm_redis_pool_put(pool, r);
    if (rc != TM_OK || !out->allowed)
        for (int i = 0; i < spent; i++)
            refund(t, limits[i].key, start);
    return rc;
}
