/* services/gateway/revset.h — this gateway's copy of the live revocations
 * (revoke.h), in memory: what a request checks while the push channel is
 * healthy (push.h), instead of a Redis round trip. Rebuilt from PostgreSQL
 * each time the subscription is (re)confirmed; told of each new revocation
 * by the push channel before the revoking request answers. Readers take a
 * shared lock; writers are the push thread. Thread-safe. */
#ifndef TM_GATEWAY_REVSET_H
#define TM_GATEWAY_REVSET_H

#include <stdint.h>

#include "common/err.h"

#include "services/gateway/store.h"

#define GW_REVSET_MAX 1000000 /* revocations held at most; above, the copy is not trusted */

struct gw_revset;

struct gw_revset *gw_revset_new(void);
/* NULL-safe. */
void gw_revset_free(struct gw_revset *s);

/* Empties the set and marks it not trusted (gw_revset_check says so). */
void gw_revset_invalidate(struct gw_revset *s);
/* now_ms + ttl_ms, saturating (a ttl from the channel may be huge; a
 * negative one expires at once). Pure. */
int64_t gw_revset_expires(int64_t now_ms, int64_t ttl_ms);
/* Adds the n revocations v (epoch ms now_ms) and marks the set trusted,
 * unless it would hold more than GW_REVSET_MAX. */
void gw_revset_load(struct gw_revset *s, const struct gw_revocation *v, int n, int64_t now_ms);
/* Adds one revocation; a marker (and its expiry) only moves later. A
 * set that would outgrow GW_REVSET_MAX is emptied and not trusted. */
void gw_revset_add(struct gw_revset *s, const struct gw_revocation *v, int64_t now_ms);

/* The verdict on a token of user_id (0: none), jti and sid ("" when none)
 * issued at iat_ms: 1 revoked, 0 not, -1 the set is not trusted (the
 * caller asks elsewhere). */
int gw_revset_check(struct gw_revset *s, int64_t user_id, const char *jti, const char *sid,
                    int64_t iat_ms, int64_t now_ms);

/* "kind subject before_ms ttl_ms", the push channel's key for a revocation,
 * into out[size], and back (TM_INVALID when malformed). */
void gw_revset_encode(const struct gw_revocation *v, char *out, size_t size);
TM_MUSTCHECK enum tm_code gw_revset_decode(const char *key, struct gw_revocation *v,
                                           struct tm_err *err);

#endif
