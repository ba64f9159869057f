/* services/gateway/tokcache.h — access tokens this gateway has verified,
 * kept by their exact bytes with the principal they gave. A token's claims
 * are fixed by its signature, so the same bytes again need no HMAC, base64
 * or JSON: only the expiry and issue time are looked at anew (revocation is
 * checked per request by the caller, as for a token verified afresh).
 * Direct-mapped slots under striped locks; a slot holds the last token
 * that hashed there. Counts tm_gateway_token_cache_total{outcome}.
 * Thread-safe. */
#ifndef TM_GATEWAY_TOKCACHE_H
#define TM_GATEWAY_TOKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "services/gateway/auth.h"

#define GW_TOKCACHE_TOKEN_MAX 640   /* longer tokens (many stores) are verified every time */
#define GW_TOKCACHE_SLOTS_MAX 65536 /* ~2.8 KB each (the token and its principal) */
#define GW_TOKCACHE_STRIPES 64      /* locks; slot i takes lock i % GW_TOKCACHE_STRIPES */

struct gw_tokcache;

/* n_slots: tokens kept at most, rounded up to a power of two between 64
 * and GW_TOKCACHE_SLOTS_MAX; 0 or less gives NULL (a gateway that keeps
 * none), as does a failed allocation. */
struct gw_tokcache *gw_tokcache_new(int n_slots);
/* NULL-safe. Wipes the tokens. */
void gw_tokcache_free(struct gw_tokcache *c);

/* 1 and *p the principal when token (len bytes, NUL-terminated at len)
 * was kept, its expiry is after now_s and its iat not more than
 * GW_TOKEN_SKEW_S ahead of it; 0 otherwise (an expired one is wiped), and
 * always 0 for c NULL. */
int gw_tokcache_get(struct gw_tokcache *c, const char *token, size_t len, int64_t now_s,
                    struct gw_principal *p);
/* Keeps token (len bytes, NUL-terminated at len; verified, issued at
 * iat_s, giving principal p that expires at p->env.token_exp), replacing
 * what its slot held. No-op for c NULL and for a token shorter than 16
 * bytes or longer than GW_TOKCACHE_TOKEN_MAX. */
void gw_tokcache_put(struct gw_tokcache *c, const char *token, size_t len, int64_t iat_s,
                     const struct gw_principal *p);

#endif
