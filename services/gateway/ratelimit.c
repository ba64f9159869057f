/* services/gateway/ratelimit.c — one EVAL per API request. */
#include "services/gateway/ratelimit.h"

#include <stdio.h>
#include <string.h>

/* KEYS: the limit keys, then the revocation markers and the "loaded" key
 * (when there are markers). ARGV: now_ms, window_ms, number of limit keys,
 * the token's iat_ms, then each limit. A marker holds a time in ms: tokens
 * issued at or before it are revoked. Returns {allowed (-1: revoked, -2:
 * revocations not loaded), limit, remaining, reset_s}. */
static const char script[] =
    "local now = tonumber(ARGV[1]) local win = tonumber(ARGV[2]) local n = tonumber(ARGV[3])\n"
    "local iat = tonumber(ARGV[4])\n"
    "if #KEYS > n then\n"
    "  if redis.call('EXISTS', KEYS[#KEYS]) == 0 then return {-2, 0, 0, 0} end\n"
    "  for i = n + 1, #KEYS - 1 do\n"
    "    local v = redis.call('GET', KEYS[i])\n"
    "    if v and tonumber(v) >= iat then return {-1, 0, 0, 0} end\n"
    "  end\n"
    "end\n"
    "local start = now - (now % win)\n"
    "local frac = (now - start) / win\n"
    "local reset = math.ceil((start + win - now) / 1000)\n"
    "local tight, left = 0, nil\n"
    "for i = 1, n do\n"
    "  local limit = tonumber(ARGV[4 + i])\n"
    "  local cur = tonumber(redis.call('GET', KEYS[i] .. ':' .. start) or '0')\n"
    "  local prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (start - win)) or '0')\n"
    "  local used = math.floor(prev * (1 - frac)) + cur\n"
    "  if used >= limit then return {0, limit, 0, reset} end\n"
    "  if left == nil or limit - used - 1 < left then tight, left = limit, limit - used - 1 end\n"
    "end\n"
    "for i = 1, n do\n"
    "  local k = KEYS[i] .. ':' .. start\n"
    "  redis.call('INCR', k)\n"
    "  redis.call('PEXPIRE', k, win * 2)\n"
    "end\n"
    "return {1, tight, left or 0, reset}\n";

enum tm_code
gw_ratelimit_check(struct tm_redis *r, const struct gw_limit *limits, int n,
                   const char *const *revoked, int n_revoked, const char *loaded, int64_t iat_ms,
                   int64_t now_ms, int window_ms, struct gw_limit_result *out, struct tm_err *err)
{
    const char *argv[4 + 2 * GW_LIMIT_KEYS_MAX + GW_REVOKED_KEYS_MAX + 1];
    char now[24], win[16], nlim[16], iat[24], per[GW_LIMIT_KEYS_MAX][16];
    redisReply *rep = NULL;
    int argc = 0;
    enum tm_code rc;

    if (n < 1 || n > GW_LIMIT_KEYS_MAX || n_revoked < 0 || n_revoked > GW_REVOKED_KEYS_MAX ||
        (n_revoked > 0 && !loaded))
        return tm_err_set(err, TM_INTERNAL, NULL, "bad limit or revocation keys");
    snprintf(now, sizeof now, "%lld", (long long)now_ms);
    snprintf(win, sizeof win, "%d", window_ms);
    snprintf(nlim, sizeof nlim, "%d", n);
    snprintf(iat, sizeof iat, "%lld", (long long)iat_ms);
    for (int i = 0; i < n; i++)
        argv[argc++] = limits[i].key;
    for (int i = 0; i < n_revoked; i++)
        argv[argc++] = revoked[i];
    if (n_revoked > 0)
        argv[argc++] = loaded;
    argv[argc++] = now;
    argv[argc++] = win;
    argv[argc++] = nlim;
    argv[argc++] = iat;
    for (int i = 0; i < n; i++) {
        snprintf(per[i], sizeof per[i], "%d", limits[i].per_window);
        argv[argc++] = per[i];
    }
    rc = tm_redis_eval(r, script, n + n_revoked + (n_revoked > 0), argc, argv, &rep, err);
    if (rc != TM_OK)
        return rc;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 4) {
        freeReplyObject(rep);
        return tm_err_set(err, TM_INTERNAL, NULL, "rate limit script: unexpected reply");
    }
    memset(out, 0, sizeof *out);
    out->revoked = rep->element[0]->integer == -1;
    out->cold = rep->element[0]->integer == -2;
    out->allowed = rep->element[0]->integer == 1;
    out->limit = (int)rep->element[1]->integer;
    out->remaining = (int)rep->element[2]->integer;
    out->reset_s = (int)rep->element[3]->integer;
    freeReplyObject(rep);
    return TM_OK;
}
