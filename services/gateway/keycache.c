/* services/gateway/keycache.c — API keys by prefix (keycache.h). */
#include "services/gateway/keycache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/metrics.h"

struct kept {
    struct gw_api_key key; /* id 0: empty */
    int64_t at_ms;         /* when it was read (monotonic) */
};

struct gw_keycache {
    pthread_mutex_t mu;
    uint64_t drops; /* guarded by mu: drops and clears so far */
    uint32_t seed;  /* random: which prefixes share a set is not known outside */
    struct kept slots[GW_KEYCACHE_SLOTS];          /* guarded by mu */
    struct tm_metric *from_memory, *from_database; /* tm_gateway_api_key_reads_total{from} */
};

/* The first slot of prefix's set. */
static struct kept *
set_of(struct gw_keycache *c, const char *prefix)
{
    uint32_t sets = GW_KEYCACHE_SLOTS / GW_KEYCACHE_WAYS;

    return &c->slots[tm_fnv32(TM_FNV32_INIT ^ c->seed, prefix) % sets * GW_KEYCACHE_WAYS];
}

/* prefix's slot in its set, or NULL; mu held. */
static struct kept *
find(struct gw_keycache *c, const char *prefix)
{
    struct kept *set = set_of(c, prefix);

    for (int w = 0; w < GW_KEYCACHE_WAYS; w++)
        if (set[w].key.id != 0 && strcmp(set[w].key.prefix, prefix) == 0)
            return &set[w];
    return NULL;
}

struct gw_keycache *
gw_keycache_new(void)
{
    struct gw_keycache *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    pthread_mutex_init(&c->mu, NULL);
    c->seed = tm_random_u32();
#define HELP "API keys looked up, by where they were found"
    c->from_memory =
        tm_metric(TM_METRIC_COUNTER, "tm_gateway_api_key_reads_total", HELP, "from=\"memory\"");
    c->from_database =
        tm_metric(TM_METRIC_COUNTER, "tm_gateway_api_key_reads_total", HELP, "from=\"database\"");
#undef HELP
    return c;
}

void
gw_keycache_counted(struct gw_keycache *c, int from_memory)
{
    if (c)
        tm_metric_add(from_memory ? c->from_memory : c->from_database, 1);
}

void
gw_keycache_free(struct gw_keycache *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->mu);
    sodium_memzero(c, sizeof *c);
    free(c);
}

uint64_t
gw_keycache_ticket(struct gw_keycache *c)
{
    uint64_t t;

    if (!c)
        return 0;
    pthread_mutex_lock(&c->mu);
    t = c->drops;
    pthread_mutex_unlock(&c->mu);
    return t;
}

int
gw_keycache_get(struct gw_keycache *c, const char *prefix, int64_t now_ms, struct gw_api_key *out,
                int *fresh)
{
    const struct kept *k;

    if (!c || !prefix[0])
        return 0;
    pthread_mutex_lock(&c->mu);
    if ((k = find(c, prefix)) != NULL) {
        *out = k->key;
        *fresh = now_ms - k->at_ms < GW_KEYCACHE_TTL_MS;
    }
    pthread_mutex_unlock(&c->mu);
    return k != NULL;
}

void
gw_keycache_put(struct gw_keycache *c, const struct gw_api_key *k, uint64_t ticket, int64_t now_ms)
{
    struct kept *slot, *set;

    if (!c || k->id == 0 || !k->prefix[0])
        return;
    pthread_mutex_lock(&c->mu);
    if (c->drops == ticket) {
        if (!(slot = find(c, k->prefix))) {
            set = set_of(c, k->prefix);
            slot = &set[0];
            for (int w = 1; w < GW_KEYCACHE_WAYS && slot->key.id != 0; w++)
                if (set[w].key.id == 0 || set[w].at_ms < slot->at_ms)
                    slot = &set[w];
        }
        slot->key = *k;
        slot->at_ms = now_ms;
    }
    pthread_mutex_unlock(&c->mu);
}

void
gw_keycache_drop(struct gw_keycache *c, const char *prefix)
{
    struct kept *k;

    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    if ((k = find(c, prefix)) != NULL)
        memset(k, 0, sizeof *k);
    c->drops++;
    pthread_mutex_unlock(&c->mu);
}

void
gw_keycache_clear(struct gw_keycache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    memset(c->slots, 0, sizeof c->slots);
    c->drops++;
    pthread_mutex_unlock(&c->mu);
}
