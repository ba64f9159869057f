/* services/gateway/refusals.c — anonymous refusals counted in memory and
 * written once a second (refusals.h). One table under one mutex, held for
 * a probe of a few slots; the flusher swaps it for an empty one and writes
 * outside the lock. */
#include "services/gateway/refusals.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"

#define KEEP_FAILED_S 600 /* counters kept for another try at most this old */

struct gw_refusals {
    pthread_mutex_t mu;
    pthread_cond_t cv;              /* the flusher's: stop, or a table filling up */
    struct gw_refusal_count *slots; /* n == 0: free; guarded by mu */
    int mask;                       /* slots - 1 */
    int used;                       /* guarded by mu */
    int stop;                       /* guarded by mu */
    uint32_t seed;                  /* random: where an address lands is not known outside */
    struct tm_db_pool *db;          /* NULL: no flusher */
    int flush_ms;
    struct gw_refusal_count *batch; /* the flusher's: what it writes */
    pthread_t thread;
    struct tm_metric *written, *direct, *lost; /* tm_gateway_refusals_total{outcome} */
    uint64_t firsts[GW_REFUSALS_FIRSTS];       /* gw_refusals_first's; guarded by mu */
};

static int
room(const struct gw_refusals *r)
{
    return (r->mask + 1) / 4 * 3;
}

/* Adds n refusals (the last at last_ms) to the counter of (minute_s,
 * addr, status); r->mu held. 0 when it is not there and there is no room. */
static int
add_locked(struct gw_refusals *r, int64_t minute_s, const char *addr, int64_t status, int64_t n,
           int64_t last_ms)
{
    uint32_t h = tm_fnv32(TM_FNV32_INIT ^ r->seed, addr) ^ (uint32_t)status * 2654435761u ^
                 (uint32_t)minute_s * 40503u;

    for (int i = (int)(h & (uint32_t)r->mask);; i = (i + 1) & r->mask) {
        struct gw_refusal_count *s = &r->slots[i];

        if (s->n == 0) {
            if (r->used >= room(r))
                return 0;
            s->minute_s = minute_s;
            s->status = status;
            s->n = n;
            s->last_ms = last_ms;
            snprintf(s->source_addr, sizeof s->source_addr, "%s", addr);
            r->used++;
            if (r->used == room(r) / 2)
                pthread_cond_signal(&r->cv); /* write early: a flood of many addresses */
            return 1;
        }
        if (s->minute_s == minute_s && s->status == status && strcmp(s->source_addr, addr) == 0) {
            s->n += n;
            if (last_ms > s->last_ms)
                s->last_ms = last_ms;
            return 1;
        }
    }
}

int
gw_refusals_add(struct gw_refusals *r, const char *source_addr, int status, int64_t now_ms)
{
    int ok;

    if (!source_addr[0] || strlen(source_addr) >= sizeof r->slots[0].source_addr)
        return 0;
    pthread_mutex_lock(&r->mu);
    ok = add_locked(r, now_ms / 60000 * 60, source_addr, status, 1, now_ms);
    pthread_mutex_unlock(&r->mu);
    return ok;
}

int
gw_refusals_first(struct gw_refusals *r, const char *principal, const char *route, int status,
                  int64_t now_ms)
{
    char key[512];
    uint64_t h;
    int first;

    if (!r)
        return 1;
    snprintf(key, sizeof key, "%s\t%s\t%d\t%lld", principal, route, status,
             (long long)(now_ms / 60000));
    h = (uint64_t)tm_fnv32(TM_FNV32_INIT ^ r->seed, key) << 32 |
        tm_fnv32(TM_FNV32_INIT ^ ~r->seed, key);
    h |= 1; /* 0 is an empty slot */
    pthread_mutex_lock(&r->mu);
    first = r->firsts[h % GW_REFUSALS_FIRSTS] != h;
    r->firsts[h % GW_REFUSALS_FIRSTS] = h;
    pthread_mutex_unlock(&r->mu);
    return first;
}

static int
by_key(const void *a, const void *b)
{
    const struct gw_refusal_count *x = a, *y = b;
    int c;

    if (x->minute_s != y->minute_s)
        return x->minute_s < y->minute_s ? -1 : 1;
    if ((c = strcmp(x->source_addr, y->source_addr)) != 0)
        return c;
    return (x->status > y->status) - (x->status < y->status);
}

int
gw_refusals_take(struct gw_refusals *r, struct gw_refusal_count *out, int max)
{
    int n = 0;

    pthread_mutex_lock(&r->mu);
    /* open addressing: the table is emptied all at once or not at all (a
     * slot freed in a probe chain would hide the counters after it) */
    if (r->used > max) {
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    for (int i = 0; i <= r->mask; i++)
        if (r->slots[i].n > 0) {
            out[n++] = r->slots[i];
            memset(&r->slots[i], 0, sizeof r->slots[i]);
        }
    r->used = 0;
    pthread_mutex_unlock(&r->mu);
    qsort(out, (size_t)n, sizeof *out, by_key);
    return n;
}

/* Writes counts (n) with its own connection: 1 when written. On failure
 * they go back into the table for the next flush, unless the failure would
 * only repeat (a counter the statement cannot take), the counters are
 * older than KEEP_FAILED_S, this is the last flush (final), or the table
 * has no room: those are lost, counted and logged as such. */
static int
write_counts(struct gw_refusals *r, const struct gw_refusal_count *v, int n, int final)
{
    struct tm_err err;
    PGconn *db = NULL;
    int64_t total = 0, lost = 0, oldest_kept = tm_now_ms() / 1000 - KEEP_FAILED_S;
    enum tm_code rc;

    for (int i = 0; i < n; i++)
        total += v[i].n;
    if ((rc = tm_db_acquire(r->db, 1000, &db, &err)) == TM_OK)
        rc = gw_db_refusals_add(db, v, n, &err);
    tm_db_release(r->db, db);
    if (rc == TM_OK) {
        tm_metric_add(r->written, (uint64_t)total);
        return 1;
    }
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < n; i++)
        if (final || rc == TM_INVALID || v[i].minute_s < oldest_kept ||
            !add_locked(r, v[i].minute_s, v[i].source_addr, v[i].status, v[i].n, v[i].last_ms))
            lost += v[i].n;
    pthread_mutex_unlock(&r->mu);
    tm_log_error(NULL, "audit.refusals_unwritten", "counters=%d kept=%lld lost=%lld error=\"%s\"",
                 n, (long long)(total - lost), (long long)lost, err.message);
    tm_metric_add(r->lost, (uint64_t)lost);
    return 0;
}

static void *
flusher(void *arg)
{
    struct gw_refusals *r = arg;
    int stop = 0, failed = 0;

    while (!stop) {
        int64_t until = tm_mono_ms() + r->flush_ms;
        int n;

        /* early when the table fills, but never straight after a failure:
         * the counters it put back would be tried again at once */
        pthread_mutex_lock(&r->mu);
        while (!r->stop && (failed || r->used < room(r) / 2) && tm_mono_ms() < until)
            tm_cond_wait_until(&r->cv, &r->mu, until);
        stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if ((n = gw_refusals_take(r, r->batch, room(r))) > 0)
            failed = !write_counts(r, r->batch, n, stop);
        else
            failed = 0;
    }
    return NULL;
}

struct gw_refusals *
gw_refusals_new(struct tm_db_pool *db, int slots, int flush_ms)
{
    struct gw_refusals *r = calloc(1, sizeof *r);
    int n = 16;

    while (n < slots && n < (1 << 20))
        n *= 2;
    if (!r || !(r->slots = calloc((size_t)n, sizeof *r->slots)) ||
        !(r->batch = calloc((size_t)n, sizeof *r->batch))) {
        if (r)
            free(r->slots);
        free(r);
        return NULL;
    }
    r->mask = n - 1;
    r->seed = tm_random_u32();
    r->db = db;
    r->flush_ms = flush_ms > 0 ? flush_ms : GW_REFUSALS_FLUSH_MS;
    pthread_mutex_init(&r->mu, NULL);
    tm_cond_init_mono(&r->cv);
#define HELP "anonymous refusals by how they reached the database"
    r->written =
        tm_metric(TM_METRIC_COUNTER, "tm_gateway_refusals_total", HELP, "outcome=\"batched\"");
    r->direct =
        tm_metric(TM_METRIC_COUNTER, "tm_gateway_refusals_total", HELP, "outcome=\"direct\"");
    r->lost = tm_metric(TM_METRIC_COUNTER, "tm_gateway_refusals_total", HELP, "outcome=\"lost\"");
#undef HELP
    if (db && pthread_create(&r->thread, NULL, flusher, r) != 0) {
        r->db = NULL;
        gw_refusals_free(r);
        return NULL;
    }
    return r;
}

void
gw_refusals_free(struct gw_refusals *r)
{
    if (!r)
        return;
    if (r->db) {
        pthread_mutex_lock(&r->mu);
        r->stop = 1;
        pthread_cond_signal(&r->cv);
        pthread_mutex_unlock(&r->mu);
        pthread_join(r->thread, NULL);
    }
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r->batch);
    free(r->slots);
    free(r);
}

void
gw_refusals_count(struct gw_refusals *r, const char *source_addr, int status, const char *rid)
{
    struct gw_refusal_count one = {0};
    struct tm_err err;
    PGconn *db = NULL;
    int64_t now = tm_now_ms();

    if (r && gw_refusals_add(r, source_addr, status, now))
        return;
    one.minute_s = now / 60000 * 60;
    one.status = status;
    one.n = 1;
    one.last_ms = now;
    snprintf(one.source_addr, sizeof one.source_addr, "%s", source_addr);
    if (!r || !r->db) {
        tm_log_error(rid, "audit.refusal_lost", "addr=%s status=%d error=\"no database\"",
                     source_addr, status);
        return;
    }
    if (tm_db_acquire(r->db, 1000, &db, &err) == TM_OK &&
        gw_db_refusals_add(db, &one, 1, &err) == TM_OK) {
        tm_metric_add(r->direct, 1);
    } else {
        tm_log_error(rid, "audit.refusal_lost", "addr=%s status=%d error=\"%s\"", source_addr,
                     status, err.message);
        tm_metric_add(r->lost, 1);
    }
    tm_db_release(r->db, db);
}
