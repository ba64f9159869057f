/* services/gateway/ratelimit.h — request limits shared by every gateway
 * instance, kept in Redis. A sliding window approximated from two fixed
 * windows (the previous window's count weighted by how much of it still
 * overlaps, plus the current one), evaluated and counted atomically by one
 * Lua script, so instances never race. The same round trip checks the
 * revocation markers of the caller (a changed or disabled user, a
 * logged-out token or session) in Redis' copy of them (revoke.h). */
#ifndef TM_GATEWAY_RATELIMIT_H
#define TM_GATEWAY_RATELIMIT_H

#include <stdint.h>

#include "common/err.h"
#include "common/redis.h"

#define GW_LIMIT_KEYS_MAX 3
#define GW_LIMIT_KEY_MAX 160

struct gw_limit {
    char key[GW_LIMIT_KEY_MAX]; /* "rl:user:12", "rl:ip:10.0.0.1" */
    int per_window;             /* requests allowed per window */
};

struct gw_limit_result {
    int allowed;   /* 1: go on; 0: over a limit */
    int revoked;   /* 1: a revocation marker covers the token */
    int cold;      /* 1: Redis' copy of the revocations is not loaded; nothing counted */
    int limit;     /* the tightest limit */
    int remaining; /* under it, after this request */
    int reset_s;   /* seconds until the current window ends */
};

#define GW_REVOKED_KEYS_MAX 3

/* Counts one request against every limit (at most GW_LIMIT_KEYS_MAX) unless
 * one is already reached. With n_revoked > 0 it first checks that key
 * `loaded` exists (else out->cold, nothing counted) and then the markers
 * revoked[0..n_revoked): a marker holds a time in ms, and the caller's
 * token, issued at iat_ms, is revoked when it is not later. TM_UNAVAIL when
 * Redis is unreachable (the caller decides: the gateway fails open). */
TM_MUSTCHECK enum tm_code gw_ratelimit_check(struct tm_redis *r, const struct gw_limit *limits,
                                             int n, const char *const *revoked, int n_revoked,
                                             const char *loaded, int64_t iat_ms, int64_t now_ms,
                                             int window_ms, struct gw_limit_result *out,
                                             struct tm_err *err);

#endif
