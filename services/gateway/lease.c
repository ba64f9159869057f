/* services/gateway/lease.c — leased shares of the request limits. The
 * table is direct-mapped: a key's slot is its hash, and a key that lands
 * on an occupied slot takes it over, dropping the share held there (still
 * counted in Redis: a dropped share can only allow less). */
#include "services/gateway/lease.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

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

struct slot {
    pthread_mutex_t mu;
    char key[GW_LIMIT_KEY_MAX]; /* "" when free; the rest under mu */
    int64_t start;              /* the window the share belongs to */
    int tokens;                 /* requests of the share not spent */
    int left;                   /* left in Redis after the last lease */
};

struct gw_leases {
    struct slot slot[GW_LEASE_SLOTS];
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

    for (int i = 0; i < GW_LEASE_SLOTS; i++)
        pthread_mutex_init(&t->slot[i].mu, NULL);
    return t;
}

void
gw_leases_free(struct gw_leases *t)
{
    if (!t)
        return;
    for (int i = 0; i < GW_LEASE_SLOTS; i++)
        pthread_mutex_destroy(&t->slot[i].mu);
    free(t);
}

static struct slot *
find(struct gw_leases *t, const char *key)
{
    uint32_t h = 2166136261u;

    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &t->slot[h % GW_LEASE_SLOTS];
}

/* Spends one request of key's share of window start: 1 and *left (what is
 * left of the limit, as far as this gateway knows) when there was one; else
 * 0 and *known, the last lease's left (-1: none). */
static int
spend(struct gw_leases *t, const char *key, int64_t start, int *left, int *known)
{
    struct slot *s = find(t, key);
    int ok;

    pthread_mutex_lock(&s->mu);
    ok = strcmp(s->key, key) == 0 && s->start == start && s->tokens > 0;
    *known = strcmp(s->key, key) == 0 && s->start == start ? s->left : -1;
    if (ok) {
        s->tokens--;
        *left = s->left + s->tokens;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

/* Gives back a request spent by a request that was then refused. */
static void
refund(struct gw_leases *t, const char *key, int64_t start)
{
    struct slot *s = find(t, key);

    pthread_mutex_lock(&s->mu);
    if (strcmp(s->key, key) == 0 && s->start == start)
        s->tokens++;
    pthread_mutex_unlock(&s->mu);
}

/* Keeps a new share of `tokens` requests; Redis has `left` after it. */
static void
stock(struct gw_leases *t, const char *key, int64_t start, int tokens, int left)
{
    struct slot *s = find(t, key);

    pthread_mutex_lock(&s->mu);
    if (strcmp(s->key, key) != 0 || s->start != start) {
        snprintf(s->key, sizeof s->key, "%s", key);
        s->start = start;
        s->tokens = 0;
    }
    s->tokens += tokens;
    s->left = left;
    pthread_mutex_unlock(&s->mu);
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

        if (!spend(t, l->key, start, &left, &known)) {
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
            stock(t, l->key, start, granted - 1, left);
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
