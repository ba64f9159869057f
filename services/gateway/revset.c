/* services/gateway/revset.c — a chained hash table of revocations under a
 * read-write lock. Checks are every request's (three lookups); writes are
 * rare. Expired entries are dropped when the table is rebuilt and, a
 * bucket at a time, when a revocation is added to that bucket. */
#include "services/gateway/revset.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"

#define BUCKETS 16384

struct entry {
    struct entry *next;
    char kind[8];
    char subject[TM_SESSION_ID_MAX + 1];
    int64_t before_ms;
    int64_t expires_ms; /* epoch */
};

struct gw_revset {
    pthread_rwlock_t lock;
    struct entry *bucket[BUCKETS]; /* under lock */
    int n;                         /* entries, under lock */
    int trusted;                   /* under lock */
};

static size_t
slot(const char *kind, const char *subject)
{
    return tm_fnv32(tm_fnv32(TM_FNV32_INIT, kind), subject) % BUCKETS;
}

struct gw_revset *
gw_revset_new(void)
{
    struct gw_revset *s = tm_xcalloc(1, sizeof *s);

    pthread_rwlock_init(&s->lock, NULL);
    return s;
}

static void
clear(struct gw_revset *s)
{
    for (size_t i = 0; i < BUCKETS; i++) {
        while (s->bucket[i]) {
            struct entry *e = s->bucket[i];

            s->bucket[i] = e->next;
            free(e);
        }
    }
    s->n = 0;
}

void
gw_revset_free(struct gw_revset *s)
{
    if (!s)
        return;
    clear(s);
    pthread_rwlock_destroy(&s->lock);
    free(s);
}

void
gw_revset_invalidate(struct gw_revset *s)
{
    pthread_rwlock_wrlock(&s->lock);
    clear(s);
    s->trusted = 0;
    pthread_rwlock_unlock(&s->lock);
}

int64_t
gw_revset_expires(int64_t now_ms, int64_t ttl_ms)
{
    if (ttl_ms < 0)
        return now_ms;
    return ttl_ms > INT64_MAX - now_ms ? INT64_MAX : now_ms + ttl_ms;
}

/* Under the write lock: inserts or moves later; drops the bucket's expired
 * entries on the way. 0 when the set is full. */
static int
put(struct gw_revset *s, const struct gw_revocation *v, int64_t now_ms)
{
    size_t b = slot(v->kind, v->subject);
    struct entry **pp = &s->bucket[b], *e;

    while ((e = *pp)) {
        if (strcmp(e->kind, v->kind) == 0 && strcmp(e->subject, v->subject) == 0) {
            if (v->before_ms > e->before_ms)
                e->before_ms = v->before_ms;
            if (gw_revset_expires(now_ms, v->ttl_ms) > e->expires_ms)
                e->expires_ms = gw_revset_expires(now_ms, v->ttl_ms);
            return 1;
        }
        if (e->expires_ms <= now_ms) {
            *pp = e->next;
            free(e);
            s->n--;
            continue;
        }
        pp = &e->next;
    }
    if (s->n >= GW_REVSET_MAX)
        return 0;
    e = tm_xcalloc(1, sizeof *e);
    snprintf(e->kind, sizeof e->kind, "%s", v->kind);
    snprintf(e->subject, sizeof e->subject, "%s", v->subject);
    e->before_ms = v->before_ms;
    e->expires_ms = gw_revset_expires(now_ms, v->ttl_ms);
    e->next = s->bucket[b];
    s->bucket[b] = e;
    s->n++;
    return 1;
}

void
gw_revset_load(struct gw_revset *s, const struct gw_revocation *v, int n, int64_t now_ms)
{
    int ok = 1;

    pthread_rwlock_wrlock(&s->lock);
    clear(s);
    for (int i = 0; i < n && ok; i++)
        ok = put(s, &v[i], now_ms);
    s->trusted = ok;
    pthread_rwlock_unlock(&s->lock);
}

void
gw_revset_add(struct gw_revset *s, const struct gw_revocation *v, int64_t now_ms)
{
    pthread_rwlock_wrlock(&s->lock);
    if (s->trusted && !put(s, v, now_ms)) {
        clear(s);
        s->trusted = 0;
    }
    pthread_rwlock_unlock(&s->lock);
}

/* Under the read lock: 1 when kind subject refuses a token issued at iat_ms. */
static int
covers(const struct gw_revset *s, const char *kind, const char *subject, int64_t iat_ms,
       int64_t now_ms)
{
    for (const struct entry *e = s->bucket[slot(kind, subject)]; e; e = e->next)
        if (strcmp(e->kind, kind) == 0 && strcmp(e->subject, subject) == 0)
            return e->expires_ms > now_ms && e->before_ms >= iat_ms;
    return 0;
}

int
gw_revset_check(struct gw_revset *s, int64_t user_id, const char *jti, const char *sid,
                int64_t iat_ms, int64_t now_ms)
{
    char uid[24];
    int out;

    snprintf(uid, sizeof uid, "%" PRId64, user_id);
    pthread_rwlock_rdlock(&s->lock);
    if (!s->trusted)
        out = -1;
    else
        out = (user_id && covers(s, "user", uid, iat_ms, now_ms)) ||
              (jti && *jti && covers(s, "jti", jti, iat_ms, now_ms)) ||
              (sid && *sid && covers(s, "sid", sid, iat_ms, now_ms));
    pthread_rwlock_unlock(&s->lock);
    return out;
}

void
gw_revset_encode(const struct gw_revocation *v, char *out, size_t size)
{
    snprintf(out, size, "%s %s %" PRId64 " %" PRId64, v->kind, v->subject, v->before_ms, v->ttl_ms);
}

enum tm_code
gw_revset_decode(const char *key, struct gw_revocation *v, struct tm_err *err)
{
    long long before = 0, ttl = 0;
    char kind[8], subject[TM_SESSION_ID_MAX + 1], tail;

    memset(v, 0, sizeof *v);
    /* widths: sizeof kind - 1 and TM_SESSION_ID_MAX */
    if (sscanf(key, "%7s %64s %lld %lld%c", kind, subject, &before, &ttl, &tail) != 4 ||
        (strcmp(kind, "user") != 0 && strcmp(kind, "jti") != 0 && strcmp(kind, "sid") != 0) ||
        ttl < 0)
        return tm_err_set(err, TM_INVALID, NULL, "revocation push: not \"kind subject ms ttl\"");
    snprintf(v->kind, sizeof v->kind, "%s", kind);
    snprintf(v->subject, sizeof v->subject, "%s", subject);
    v->before_ms = before;
    v->ttl_ms = ttl;
    return TM_OK;
}
