/* services/txn/velocity.c — one EVALSHA per sale, one more for a decline. */
#include "services/txn/velocity.h"

#include <stdio.h>
#include <string.h>

/* KEYS[1]: the sale's "counted" marker; KEYS[2]: its "taken back"
 * marker (set when it was declined); KEYS[3..]: one prefix per scope.
 * ARGV: ts, amount, now. A fresh sale adds one attempt and its amount; a
 * sale scored again after its amount was taken back (a resumed try) has the
 * amount restored, since it is being decided anew. Returns, per prefix and
 * window (10m, 1h, 24h), count then amount. Bucket keys expire when no
 * window can reach them (at least an hour, so a back-dated history loaded
 * quickly still sees itself). */
static const char add_script[] =
    "local ts = tonumber(ARGV[1]) local amt = tonumber(ARGV[2]) local now = tonumber(ARGV[3])\n"
    "local fresh = redis.call('SET', KEYS[1], '1', 'NX', 'EX', 90000)\n"
    "local restore = (not fresh) and redis.call('DEL', KEYS[2]) == 1\n"
    "local gran = {60, 300, 3600} local span = {10, 12, 24} local win = {600, 3600, 86400}\n"
    "local out = {}\n"
    "for k = 3, #KEYS do\n"
    "  for g = 1, 3 do\n"
    "    local gs = gran[g] local b = ts - (ts % gs)\n"
    "    local key = KEYS[k] .. ':' .. gs .. ':' .. b\n"
    "    local ttl = b + gs + win[g] - now\n"
    "    if ttl < 3600 then ttl = 3600 end\n"
    "    if fresh then\n"
    "      redis.call('HINCRBY', key, 'n', 1) redis.call('HINCRBY', key, 'a', amt)\n"
    "      redis.call('EXPIRE', key, ttl)\n"
    "    elseif restore then\n"
    "      redis.call('HINCRBY', key, 'a', amt) redis.call('EXPIRE', key, ttl)\n"
    "    end\n"
    "    local n, a = 0, 0\n"
    "    for i = 0, span[g] - 1 do\n"
    "      local v = redis.call('HMGET', KEYS[k] .. ':' .. gs .. ':' .. (b - i * gs), 'n', 'a')\n"
    "      n = n + (tonumber(v[1]) or 0) a = a + (tonumber(v[2]) or 0)\n"
    "    end\n"
    "    out[#out + 1] = n out[#out + 1] = a\n"
    "  end\n"
    "end\n"
    "return out\n";

/* KEYS[1]: the sale's "taken back" marker; KEYS[2..]: one prefix per
 * scope. ARGV: ts, amount. Once per sale id: the amount leaves every
 * bucket the sale was added to (its count stays: it was an attempt). */
static const char unspend_script[] =
    "if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', 90000) then return 0 end\n"
    "local ts = tonumber(ARGV[1]) local amt = tonumber(ARGV[2])\n"
    "for k = 2, #KEYS do\n"
    "  for _, gs in ipairs({60, 300, 3600}) do\n"
    "    local key = KEYS[k] .. ':' .. gs .. ':' .. (ts - (ts % gs))\n"
    "    if redis.call('EXISTS', key) == 1 then redis.call('HINCRBY', key, 'a', -amt) end\n"
    "  end\n"
    "end\n"
    "return 1\n";

/* The prefix of every present scope into prefix[] and args[first..]; the
 * scopes' indexes into scope_of. Returns how many. */
static int
prefixes(const char *ns, const char *const keys[FR_SCOPES], char prefix[FR_SCOPES][128],
         const char **args, int *scope_of)
{
    static const char *const tags[FR_SCOPES] = {[FR_SCOPE_CUSTOMER] = "c",
                                                [FR_SCOPE_INSTRUMENT] = "i",
                                                [FR_SCOPE_STORE] = "s",
                                                [FR_SCOPE_OPERATOR] = "o"};
    int n = 0;

    for (int s = 0; s < FR_SCOPES; s++) {
        if (!keys[s] || !keys[s][0])
            continue;
        snprintf(prefix[s], sizeof prefix[s], "tm:%s:%s:%s", ns, tags[s], keys[s]);
        args[n] = prefix[s];
        scope_of[n++] = s;
    }
    return n;
}

/* tx_velocity_add and tx_reversals_add, in the namespace ns ("vel", "rev"). */
static enum tm_code
add_in(const char *ns, struct tm_redis *r, const char *sale_id, int64_t ts_s, int64_t amount_cents,
       int64_t now_s, const char *const keys[FR_SCOPES], struct fr_velocity *out,
       struct tm_err *err)
{
    char marker[96], back[96], prefix[FR_SCOPES][128], ts[24], amt[24], now[24];
    const char *args[FR_SCOPES + 5];
    int scope_of[FR_SCOPES], n_scopes, n_keys;
    redisReply *rep = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    snprintf(marker, sizeof marker, "tm:%s:sale:%s", ns, sale_id);
    snprintf(back, sizeof back, "tm:%s:back:%s", ns, sale_id);
    args[0] = marker;
    args[1] = back;
    n_scopes = prefixes(ns, keys, prefix, args + 2, scope_of);
    n_keys = n_scopes + 2;
    snprintf(ts, sizeof ts, "%lld", (long long)ts_s);
    snprintf(amt, sizeof amt, "%lld", (long long)amount_cents);
    snprintf(now, sizeof now, "%lld", (long long)now_s);
    args[n_keys] = ts;
    args[n_keys + 1] = amt;
    args[n_keys + 2] = now;
    if ((rc = tm_redis_eval(r, add_script, n_keys, n_keys + 3, args, &rep, err)) != TM_OK)
        return rc;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != (size_t)n_scopes * FR_WINDOWS * 2) {
        freeReplyObject(rep);
        return tm_err_set(err, TM_INTERNAL, NULL, "velocity script: unexpected reply");
    }
    for (int k = 0; k < n_scopes; k++) {
        int s = scope_of[k];
        out->present[s] = 1;
        for (int w = 0; w < FR_WINDOWS; w++) {
            out->count[s][w] = rep->element[(k * FR_WINDOWS + w) * 2]->integer;
            out->amount[s][w] = rep->element[(k * FR_WINDOWS + w) * 2 + 1]->integer;
        }
    }
    out->evaluated = 1;
    freeReplyObject(rep);
    return TM_OK;
}

enum tm_code
tx_velocity_add(struct tm_redis *r, const char *sale_id, int64_t ts_s, int64_t amount_cents,
                int64_t now_s, const char *const keys[FR_SCOPES], struct fr_velocity *out,
                struct tm_err *err)
{
    return add_in("vel", r, sale_id, ts_s, amount_cents, now_s, keys, out, err);
}

enum tm_code
tx_reversals_add(struct tm_redis *r, const char *sale_id, int64_t ts_s, int64_t amount_cents,
                 int64_t now_s, const char *const keys[FR_SCOPES], struct fr_velocity *out,
                 struct tm_err *err)
{
    return add_in("rev", r, sale_id, ts_s, amount_cents, now_s, keys, out, err);
}

enum tm_code
tx_reversals_add_principal(struct tm_redis *r, const char *sale_id, int64_t ts_s,
                           int64_t amount_cents, int64_t now_s, const char *principal,
                           struct fr_velocity *out, struct tm_err *err)
{
    const char *keys[FR_SCOPES] = {[FR_SCOPE_OPERATOR] = principal};

    return add_in("revp", r, sale_id, ts_s, amount_cents, now_s, keys, out, err);
}

enum tm_code
tx_velocity_unspend(struct tm_redis *r, const char *sale_id, int64_t ts_s, int64_t amount_cents,
                    const char *const keys[FR_SCOPES], struct tm_err *err)
{
    char back[96], prefix[FR_SCOPES][128], ts[24], amt[24];
    const char *args[FR_SCOPES + 3];
    int scope_of[FR_SCOPES], n_keys;
    redisReply *rep = NULL;
    enum tm_code rc;

    snprintf(back, sizeof back, "tm:vel:back:%s", sale_id);
    args[0] = back;
    n_keys = prefixes("vel", keys, prefix, args + 1, scope_of) + 1;
    snprintf(ts, sizeof ts, "%lld", (long long)ts_s);
    snprintf(amt, sizeof amt, "%lld", (long long)amount_cents);
    args[n_keys] = ts;
    args[n_keys + 1] = amt;
    if ((rc = tm_redis_eval(r, unspend_script, n_keys, n_keys + 2, args, &rep, err)) != TM_OK)
        return rc;
    freeReplyObject(rep);
    return TM_OK;
}
