/* services/gateway/readcache.c — the product answer table (readcache.h).
 * Expected load: reads by the thousand per second, fills once per id and
 * version, drops as rare as product writes. Sets of GW_RC_WAYS entries;
 * set s is guarded by stripe s % GW_RC_STRIPES. Each set counts its drops
 * (a ticket is that count), so a drop refuses the fills in flight of every
 * id of its set: rarely a wasted fill, never a stale one. */
#include "services/gateway/readcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    int64_t id;    /* 0: free */
    uint64_t used; /* the set's clock at the last hit or fill */
    char version[GW_RC_VERSION_MAX];
    char *body; /* owned */
    size_t len;
};

struct set {
    uint64_t drops; /* drops of any id of the set; guarded by the stripe */
    uint64_t clock; /* guarded by the stripe */
    struct entry e[GW_RC_WAYS];
};

struct gw_rc {
    size_t n_sets;
    size_t bytes_max;
    _Atomic size_t bytes;   /* body bytes kept, all sets */
    _Atomic size_t entries; /* entries kept, all sets */
    pthread_mutex_t stripe[GW_RC_STRIPES];
    struct set *sets; /* n_sets */
};

/* splitmix64's finalizer: ids are dense, sets must not be. */
static size_t
set_of(const struct gw_rc *t, int64_t id)
{
    uint64_t x = (uint64_t)id;

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return (size_t)(x % t->n_sets);
}

static pthread_mutex_t *
lock_of(struct gw_rc *t, size_t s)
{
    return &t->stripe[s % GW_RC_STRIPES];
}

/* Empties e; the caller holds its stripe. */
static void
evict(struct gw_rc *t, struct entry *e)
{
    if (!e->id)
        return;
    atomic_fetch_sub(&t->bytes, e->len);
    atomic_fetch_sub(&t->entries, 1);
    free(e->body);
    memset(e, 0, sizeof *e);
}

enum tm_code
gw_rc_new(size_t entries_max, size_t bytes_max, struct gw_rc **out, struct tm_err *err)
{
    struct gw_rc *t;

    if (entries_max == 0 || bytes_max == 0)
        return tm_err_set(err, TM_INVALID, "read-cache-entries",
                          "a read cache needs entries and bytes (0 turns it off)");
    t = tm_xcalloc(1, sizeof *t);
    t->n_sets = entries_max / GW_RC_WAYS ? entries_max / GW_RC_WAYS : 1;
    t->bytes_max = bytes_max;
    t->sets = tm_xcalloc(t->n_sets, sizeof *t->sets);
    for (int i = 0; i < GW_RC_STRIPES; i++)
        pthread_mutex_init(&t->stripe[i], NULL);
    *out = t;
    return TM_OK;
}

void
gw_rc_free(struct gw_rc *t)
{
    if (!t)
        return;
    for (size_t s = 0; s < t->n_sets; s++)
        for (int w = 0; w < GW_RC_WAYS; w++)
            free(t->sets[s].e[w].body);
    for (int i = 0; i < GW_RC_STRIPES; i++)
        pthread_mutex_destroy(&t->stripe[i]);
    free(t->sets);
    free(t);
}

uint64_t
gw_rc_ticket(struct gw_rc *t, int64_t id)
{
    size_t s = set_of(t, id);
    uint64_t drops;

    pthread_mutex_lock(lock_of(t, s));
    drops = t->sets[s].drops;
    pthread_mutex_unlock(lock_of(t, s));
    return drops;
}

/* Counts len body bytes in place of the old bytes of the entry a put
 * replaces (the caller holds its stripe, so they are its to give back)
 * when the total stays within bytes_max; exact across stripes, whose puts
 * run at the same time. 1 when it did. */
static int
swap_bytes(struct gw_rc *t, size_t old, size_t len)
{
    size_t cur = atomic_load(&t->bytes);

    do {
        if (len > t->bytes_max || cur - old > t->bytes_max - len)
            return 0;
    } while (!atomic_compare_exchange_weak(&t->bytes, &cur, cur - old + len));
    return 1;
}

/* The way id takes in set: its own, a free one, else the least recently
 * used. */
static struct entry *
way_for(struct set *set, int64_t id)
{
    struct entry *free_way = NULL, *lru = &set->e[0];

    for (int w = 0; w < GW_RC_WAYS; w++) {
        struct entry *e = &set->e[w];

        if (e->id == id)
            return e;
        if (!e->id && !free_way)
            free_way = e;
        if (e->used < lru->used)
            lru = e;
    }
    return free_way ? free_way : lru;
}

int
gw_rc_put(struct gw_rc *t, int64_t id, uint64_t ticket, const char *version, const char *body,
          size_t len)
{
    size_t s = set_of(t, id), vlen = strlen(version);
    struct set *set = &t->sets[s];
    struct entry *e;
    char *copy;
    int kept = 0;

    if (id <= 0 || len > GW_RC_BODY_MAX || vlen >= GW_RC_VERSION_MAX)
        return 0;
    copy = tm_xmalloc(len ? len : 1);
    memcpy(copy, body, len);
    pthread_mutex_lock(lock_of(t, s));
    e = way_for(set, id);
    if (set->drops == ticket && swap_bytes(t, e->id ? e->len : 0, len)) {
        if (e->id) {
            free(e->body);
            atomic_fetch_sub(&t->entries, 1);
        }
        e->id = id;
        e->used = ++set->clock;
        memcpy(e->version, version, vlen + 1);
        e->body = copy;
        e->len = len;
        copy = NULL;
        atomic_fetch_add(&t->entries, 1);
        kept = 1;
    }
    pthread_mutex_unlock(lock_of(t, s));
    free(copy);
    return kept;
}

int
gw_rc_get(struct gw_rc *t, int64_t id, const char *version, struct tm_buf *out)
{
    size_t s = set_of(t, id);
    struct set *set = &t->sets[s];
    int hit = 0;

    pthread_mutex_lock(lock_of(t, s));
    for (int w = 0; w < GW_RC_WAYS; w++) {
        struct entry *e = &set->e[w];

        if (e->id != id)
            continue;
        if (strcmp(e->version, version) != 0)
            evict(t, e);
        else if (tm_buf_add(out, e->body, e->len) == TM_OK) {
            e->used = ++set->clock;
            hit = 1;
        }
        break;
    }
    pthread_mutex_unlock(lock_of(t, s));
    return hit;
}

void
gw_rc_drop(struct gw_rc *t, int64_t id)
{
    size_t s = set_of(t, id);
    struct set *set = &t->sets[s];

    pthread_mutex_lock(lock_of(t, s));
    set->drops++;
    for (int w = 0; w < GW_RC_WAYS; w++)
        if (set->e[w].id == id)
            evict(t, &set->e[w]);
    pthread_mutex_unlock(lock_of(t, s));
}

void
gw_rc_clear(struct gw_rc *t)
{
    for (size_t s = 0; s < t->n_sets; s++) {
        pthread_mutex_lock(lock_of(t, s));
        t->sets[s].drops++;
        for (int w = 0; w < GW_RC_WAYS; w++)
            evict(t, &t->sets[s].e[w]);
        pthread_mutex_unlock(lock_of(t, s));
    }
}

void
gw_rc_stats(struct gw_rc *t, struct gw_rc_stats *out)
{
    out->entries = atomic_load(&t->entries);
    out->bytes = atomic_load(&t->bytes);
}

int
gw_rc_id(const char *text, int64_t *out)
{
    size_t n = strspn(text, "0123456789");
    int64_t v = 0;

    if (n == 0 || n > 18 || text[n] != '\0' || text[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (text[i] - '0');
    *out = v;
    return 1;
}
