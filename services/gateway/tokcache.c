/* services/gateway/tokcache.c — verified tokens by their bytes (tokcache.h).
 * The slot is chosen by the token's last characters (its signature's, which
 * only the signing key makes), and a hit needs every byte equal, compared
 * in constant time: a request learns nothing of the token a slot holds. */
#include "services/gateway/tokcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/hash.h"

#define STRIPES 64     /* locks; slot i takes lock i % STRIPES */
#define HASHED_TAIL 16 /* the token's last characters that choose the slot */

struct slot {
    size_t len; /* 0: empty */
    char token[GW_TOKCACHE_TOKEN_MAX];
    struct gw_principal p;
};

struct gw_tokcache {
    size_t mask; /* slots - 1 */
    struct slot *slots;
    pthread_mutex_t lock[STRIPES];
};

struct gw_tokcache *
gw_tokcache_new(int n_slots)
{
    struct gw_tokcache *c;
    size_t n = 64;

    if (n_slots <= 0)
        return NULL;
    while (n < (size_t)n_slots)
        n *= 2;
    if (!(c = calloc(1, sizeof *c)) || !(c->slots = calloc(n, sizeof *c->slots))) {
        free(c);
        return NULL;
    }
    c->mask = n - 1;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&c->lock[i], NULL);
    return c;
}

void
gw_tokcache_free(struct gw_tokcache *c)
{
    if (!c)
        return;
    for (int i = 0; i < STRIPES; i++)
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
    return tm_fnv32(TM_FNV32_INIT, token + len - HASHED_TAIL) & c->mask;
}

int
gw_tokcache_get(struct gw_tokcache *c, const char *token, size_t len, int64_t now_s,
                struct gw_principal *p)
{
    size_t i = slot_of(c, token, len);
    struct slot *s;
    int hit;

    if (i == SIZE_MAX)
        return 0;
    s = &c->slots[i];
    pthread_mutex_lock(&c->lock[i % STRIPES]);
    hit = s->len == len && CRYPTO_memcmp(s->token, token, len) == 0 && s->p.env.token_exp > now_s;
    if (hit)
        *p = s->p;
    pthread_mutex_unlock(&c->lock[i % STRIPES]);
    return hit;
}

void
gw_tokcache_put(struct gw_tokcache *c, const char *token, size_t len, const struct gw_principal *p)
{
    size_t i = slot_of(c, token, len);
    struct slot *s;

    if (i == SIZE_MAX)
        return;
    s = &c->slots[i];
    pthread_mutex_lock(&c->lock[i % STRIPES]);
    memcpy(s->token, token, len);
    s->len = len;
    s->p = *p;
    pthread_mutex_unlock(&c->lock[i % STRIPES]);
}
