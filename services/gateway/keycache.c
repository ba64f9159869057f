/* services/gateway/keycache.c — API keys by prefix (keycache.h). */
#include "services/gateway/keycache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

struct gw_keycache {
    pthread_mutex_t mu;
    uint64_t drops; /* guarded by mu: drops and clears so far */
    uint32_t seed;  /* random: which prefixes share a slot is not known outside */
    struct gw_api_key slots[GW_KEYCACHE_SLOTS]; /* id 0: empty; guarded by mu */
};

static struct gw_api_key *
slot_of(struct gw_keycache *c, const char *prefix)
{
    return &c->slots[tm_fnv32(TM_FNV32_INIT ^ c->seed, prefix) % GW_KEYCACHE_SLOTS];
}

struct gw_keycache *
gw_keycache_new(void)
{
    struct gw_keycache *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    pthread_mutex_init(&c->mu, NULL);
    c->seed = tm_random_u32();
    return c;
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
gw_keycache_get(struct gw_keycache *c, const char *prefix, struct gw_api_key *out)
{
    const struct gw_api_key *s;
    int hit;

    if (!c || !prefix[0])
        return 0;
    pthread_mutex_lock(&c->mu);
    s = slot_of(c, prefix);
    if ((hit = s->id != 0 && strcmp(s->prefix, prefix) == 0))
        *out = *s;
    pthread_mutex_unlock(&c->mu);
    return hit;
}

void
gw_keycache_put(struct gw_keycache *c, const struct gw_api_key *k, uint64_t ticket)
{
    if (!c || k->id == 0 || !k->prefix[0])
        return;
    pthread_mutex_lock(&c->mu);
    if (c->drops == ticket)
        *slot_of(c, k->prefix) = *k;
    pthread_mutex_unlock(&c->mu);
}

void
gw_keycache_drop(struct gw_keycache *c, const char *prefix)
{
    struct gw_api_key *s;

    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    s = slot_of(c, prefix);
    if (strcmp(s->prefix, prefix) == 0)
        memset(s, 0, sizeof *s);
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
