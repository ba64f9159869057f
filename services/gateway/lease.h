/* services/gateway/lease.h — the request limits of ratelimit.h without a
 * Redis round trip per request. A gateway leases a share of a key's window
 * budget from Redis (one script call per lease: the share is counted in
 * Redis at once, as if used) and spends it locally. The share shrinks to 1
 * request near the limit and for limits under GW_LEASE_EXACT_BELOW, so small
 * limits stay exact; across gateways no more than the limit is ever
 * allowed (a share not spent by the window's end is lost, never lent
 * twice). Revocations are not checked here (revset.h). Thread-safe. */
#ifndef TM_GATEWAY_LEASE_H
#define TM_GATEWAY_LEASE_H

#include <stdint.h>

#include "common/err.h"
#include "common/redis.h"

#include "services/gateway/ratelimit.h"

#define GW_LEASE_EXACT_BELOW 1000 /* limits under this lease 1 request at a time */
#define GW_LEASE_MAX 256          /* requests per lease at most */
#define GW_LEASE_SLOTS                                                                             \
    4096 /* keys held at once (8-way sets, LRU; a dropped share's                                  \
          * unspent requests are given back to Redis) */

struct gw_leases;

struct gw_leases *gw_leases_new(void);
/* NULL-safe. */
void gw_leases_free(struct gw_leases *t);

/* Requests to lease for a key of limit per window when the last lease
 * left `left` of it in Redis (left < 0: not known). Pure. */
int gw_lease_size(int limit, int left);

/* The table's parts, pure (exposed for the unit tests). Which of the
 * table's sets holds key. */
int gw_leases_set_of(const char *key);
/* Spends one request of key's share of window start: 1 and *left (what is
 * left of the limit, as far as this gateway knows) when there was one; else
 * 0 and *known, the last lease's left (-1: none). */
int gw_leases_spend(struct gw_leases *t, const char *key, int64_t start, int *left, int *known);
/* A share dropped from the table with requests not spent (tokens 0: none). */
struct gw_lease_dropped {
    char key[GW_LIMIT_KEY_MAX];
    int64_t start;
    int tokens;
};
/* Keeps a new share of `tokens` requests of key for window start; Redis has
 * `left` after it. *dropped: the share it displaced (another key's, the least
 * recently used of the set, or key's own of an earlier window). */
void gw_leases_stock(struct gw_leases *t, const char *key, int64_t start, int tokens, int left,
                     struct gw_lease_dropped *dropped);

/* Counts one request against every limit (at most GW_LIMIT_KEYS_MAX) unless
 * one is reached, as gw_ratelimit_check, leasing through the pool when a
 * key's share is spent; out->revoked and out->cold are 0. TM_UNAVAIL when
 * Redis is needed and unreachable (nothing counted). */
TM_MUSTCHECK enum tm_code gw_lease_take(struct gw_leases *t, struct tm_redis_pool *pool,
                                        const struct gw_limit *limits, int n, int64_t now_ms,
                                        int window_ms, struct gw_limit_result *out,
                                        struct tm_err *err);

#endif
