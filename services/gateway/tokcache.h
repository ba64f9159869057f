/* services/gateway/tokcache.h — access tokens this gateway has verified,
 * kept by their exact bytes with the principal they gave. A token's claims
 * are fixed by its signature, so the same bytes again need no HMAC, base64
 * or JSON: only the expiry is looked at anew (revocation is checked per
 * request by the caller, as for a token verified afresh). Direct-mapped
 * slots under striped locks; a slot holds the last token that hashed
 * there. Thread-safe. */
#ifndef TM_GATEWAY_TOKCACHE_H
#define TM_GATEWAY_TOKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "services/gateway/auth.h"

#define GW_TOKCACHE_TOKEN_MAX 640 /* longer tokens (many stores) are verified every time */

struct gw_tokcache;

/* n_slots: tokens kept at most (rounded up to a power of two, at least 64);
 * 0 gives NULL, a gateway that keeps none. */
struct gw_tokcache *gw_tokcache_new(int n_slots);
/* NULL-safe. */
void gw_tokcache_free(struct gw_tokcache *c);

/* 1 and *p the principal when token's bytes were verified before and its
 * expiry is after now_s; 0 otherwise (c NULL: always 0). */
int gw_tokcache_get(struct gw_tokcache *c, const char *token, size_t len, int64_t now_s,
                    struct gw_principal *p);
/* Keeps token (len bytes, verified: its principal p, expiring at p's
 * env.token_exp), replacing what its slot held. No-op for c NULL or a
 * token over GW_TOKCACHE_TOKEN_MAX. */
void gw_tokcache_put(struct gw_tokcache *c, const char *token, size_t len,
                     const struct gw_principal *p);

#endif
