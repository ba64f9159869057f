/* services/gateway/tokcache.c — verified tokens by their bytes (tokcache.h).
 * The slot is chosen by the token's last characters (its signature's, which
 * only the signing key makes) hashed with a secret of this process, and a
 * hit needs every byte equal, compared in constant time: a request learns
 * nothing of the tokens the slots hold. */
#include "services/gateway/tokcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/hash.h"
#include "common/metrics.h"

#define HASHED_TAIL 16 /* the token's last characters that choose the slot */

struct slot {
    size_t len; /* 0: empty */
    char token[GW_TOKCACHE_TOKEN_MAX];
    int64_t iat_s;
    struct gw_principal p;
};

struct gw_tokcache {
    size_t mask;   /* slots - 1 */
    uint32_t seed; /* random: which slot a token takes is not known outside */
    struct slot *slots;
    pthread_mutex_t lock[GW_TOKCACHE_STRIPES];
    struct tm_metric *hits, *misses; /* tm_gateway_token_cache_total{outcome} */
};

struct gw_tokcache *
gw_tokcache_new(int n_slots)
{
    struct gw_tokcache *c;
    size_t n = 64;

    if (n_slots <= 0)
        return NULL;
    while (n < (size_t)n_slots && n < GW_TOKCACHE_SLOTS_MAX)
        n *= 2;
    if (!(c = calloc(1, sizeof *c)) || !(c->slots = calloc(n, sizeof *c->slots))) {
        free(c);
        return NULL;
    }
    c->mask = n - 1;
    c->seed = tm_random_u32();
    for (int i = 0; i < GW_TOKCACHE_STRIPES; i++)
        pthread_mutex_init(&c->lock[i], NULL);
    c->hits = tm_metric(TM_METRIC_COUNTER, "tm_gateway_token_cache_total",
                        "access tokens by whether the gateway had verified them before",
                        "outcome=\"hit\"");
    c->misses = tm_metric(TM_METRIC_COUNTER, "tm_gateway_token_cache_total",
                          "access tokens by whether the gateway had verified them before",
                          "outcome=\"miss\"");
    return c;
}

void
gw_tokcache_free(struct gw_tokcache *c)
{
    if (!c)
        return;
    for (int i = 0; i < GW_TOKCACHE_STRIPES; i++)
        pthread_mutex_destroy(&c->lock[i]);
    OPENSSL_cleanse(c->slots, (c->mask + 1) * sizeof *c->slots);
    free(c->slots);
    free(c);
}

/* The slot for token[len], or SIZE_MAX when it is not one to keep. */
static size_t
slot_of(const struct gw_tokcache *c, const char *token, size_t len)
{
    if (!c || len < HASHED_TAIL || len > GW_TOKCACHE_TOKEN_MAX || token[len] != '\0')
        return SIZE_MAX;
    return tm_fnv32(TM_FNV32_INIT ^ c->seed, token + len - HASHED_TAIL) & c->mask;
}

int
gw_tokcache_get(struct gw_tokcache *c, const char *token, size_t len, int64_t now_s,
                struct gw_principal *p)
{
    size_t i = slot_of(c, token, len);
    struct slot *s;
    int hit = 0;

    if (i == SIZE_MAX) {
        if (c)
            tm_metric_add(c->misses, 1);
        return 0;
    }
    s = &c->slots[i];
    pthread_mutex_lock(&c->lock[i % GW_TOKCACHE_STRIPES]);
    if (s->len == len && CRYPTO_memcmp(s->token, token, len) == 0) {
        hit = s->p.env.token_exp > now_s && s->iat_s <= now_s + GW_TOKEN_SKEW_S;
        if (hit)
            *p = s->p;
        else if (s->p.env.token_exp <= now_s) /* expired: no use keeping it */
            OPENSSL_cleanse(s, sizeof *s);
    }
    pthread_mutex_unlock(&c->lock[i % GW_TOKCACHE_STRIPES]);
    tm_metric_add(hit ? c->hits : c->misses, 1);
    return hit;
}

void
gw_tokcache_put(struct gw_tokcache *c, const char *token, size_t len, int64_t iat_s,
                const struct gw_principal *p)
{
    size_t i = slot_of(c, token, len);
    struct slot *s;

    if (i == SIZE_MAX)
        return;
    s = &c->slots[i];
    pthread_mutex_lock(&c->lock[i % GW_TOKCACHE_STRIPES]);
    memcpy(s->token, token, len);
    s->len = len;
    s->iat_s = iat_s;
    s->p = *p;
    pthread_mutex_unlock(&c->lock[i % GW_TOKCACHE_STRIPES]);
}
