/* services/txn/attempts.c — one EVALSHA per sale adds the attempt to its
 * instrument's and customer's lists and reads them back; one more writes
 * a decline. */
#include "services/txn/attempts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* KEYS: per list, its sorted set then its hash. ARGV: sale id, ts, the
 * attempt's text, max to read. The attempt is added once (HSETNX); a list
 * drops what is over 25 h older than it and keeps its 256 (FR_ATTEMPTS_MAX
 * x 4) newest; both keys expire 25 h after the last write. Each list's
 * earlier attempts (ts - 24 h .. ts, not this sale) come back newest first
 * as texts. Key names: tm:att:<z|h>:<i|c>:<id> — the key's type and scope
 * come before the client's id, so no id (which may hold ':') can name
 * another list's key. */
static const char add_script[] =
    "local sid, ts, row, max = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])\n"
    "local out = {}\n"
    "for k = 1, #KEYS, 2 do\n"
    "  local z, h = KEYS[k], KEYS[k + 1]\n"
    "  if redis.call('HSETNX', h, sid, row) == 1 then\n"
    "    redis.call('ZADD', z, ts, sid)\n"
    "    local old = redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. (ts - 90000))\n"
    "    for _, m in ipairs(old) do redis.call('ZREM', z, m) redis.call('HDEL', h, m) end\n"
    "    local n = redis.call('ZCARD', z)\n"
    "    if n > 256 then\n"
    "      for _, m in ipairs(redis.call('ZRANGE', z, 0, n - 257)) do\n"
    "        redis.call('ZREM', z, m) redis.call('HDEL', h, m)\n"
    "      end\n"
    "    end\n"
    "    redis.call('EXPIRE', z, 90000) redis.call('EXPIRE', h, 90000)\n"
    "  end\n"
    "  local ids = redis.call('ZREVRANGEBYSCORE', z, ts, ts - 86400, 'LIMIT', 0, max + 1)\n"
    "  local rows = {}\n"
    "  for _, m in ipairs(ids) do\n"
    "    if m ~= sid and #rows < max then\n"
    "      local v = redis.call('HGET', h, m)\n"
    "      if v then rows[#rows + 1] = v end\n"
    "    end\n"
    "  end\n"
    "  out[#out + 1] = rows\n"
    "end\n"
    "return out\n";

/* KEYS: per list, its hash. ARGV: sale id, declined (0/1). */
static const char outcome_script[] =
    "for _, h in ipairs(KEYS) do\n"
    "  local v = redis.call('HGET', h, ARGV[1])\n"
    "  if v then redis.call('HSET', h, ARGV[1], (string.gsub(v, ':[01]$', ':' .. ARGV[2]))) end\n"
    "end\n"
    "return 1\n";

int
tx_attempt_parse(const char *s, struct fr_attempt *out)
{
    long long v[5];
    int used = 0;

    if (!s ||
        sscanf(s, "%lld:%lld:%lld:%lld:%lld%n", &v[0], &v[1], &v[2], &v[3], &v[4], &used) != 5 ||
        s[used] != '\0' || v[3] < 0 || v[3] >= FR_CHANNELS || (v[4] != 0 && v[4] != 1))
        return 0;
    out->ts_s = v[0];
    out->total_cents = v[1];
    out->store_id = v[2];
    out->channel = (int)v[3];
    out->declined = (int)v[4];
    return 1;
}

/* The list's earlier attempts from one reply element. */
static void
read_list(const redisReply *e, struct fr_attempts *out)
{
    out->evaluated = 1;
    out->n = 0;
    for (size_t i = 0; e->type == REDIS_REPLY_ARRAY && i < e->elements; i++)
        if (out->n < FR_ATTEMPTS_MAX && e->element[i]->type == REDIS_REPLY_STRING &&
            tx_attempt_parse(e->element[i]->str, &out->a[out->n]))
            out->n++;
}

enum tm_code
tx_attempts_add(struct tm_redis *r, const struct tx_attempt_in *a, const char *instrument,
                const char *customer, struct fr_attempts *inst, struct fr_attempts *cust,
                struct tm_err *err)
{
    char keys[4][160], ts[24], row[128], max[16];
    const char *args[8];
    struct fr_attempts *outs[2] = {NULL, NULL};
    int n_keys = 0, n_lists = 0;
    redisReply *rep = NULL;
    enum tm_code rc;

    memset(inst, 0, sizeof *inst);
    memset(cust, 0, sizeof *cust);
    if (instrument && instrument[0]) {
        snprintf(keys[n_keys++], sizeof keys[0], "tm:att:z:i:%s", instrument);
        snprintf(keys[n_keys++], sizeof keys[0], "tm:att:h:i:%s", instrument);
        outs[n_lists++] = inst;
    }
    if (customer && customer[0]) {
        snprintf(keys[n_keys++], sizeof keys[0], "tm:att:z:c:%s", customer);
        snprintf(keys[n_keys++], sizeof keys[0], "tm:att:h:c:%s", customer);
        outs[n_lists++] = cust;
    }
    if (n_lists == 0) { /* nothing to list: both read as empty */
        inst->evaluated = cust->evaluated = 1;
        return TM_OK;
    }
    for (int i = 0; i < n_keys; i++)
        args[i] = keys[i];
    snprintf(ts, sizeof ts, "%" PRId64, a->ts_s);
    snprintf(row, sizeof row, "%" PRId64 ":%" PRId64 ":%" PRId64 ":%d:0", a->ts_s, a->total_cents,
             a->store_id, a->channel);
    snprintf(max, sizeof max, "%d", FR_ATTEMPTS_MAX);
    args[n_keys] = a->sale_id;
    args[n_keys + 1] = ts;
    args[n_keys + 2] = row;
    args[n_keys + 3] = max;
    if ((rc = tm_redis_eval(r, add_script, n_keys, n_keys + 4, args, &rep, err)) != TM_OK)
        return rc;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != (size_t)n_lists) {
        freeReplyObject(rep);
        return tm_err_set(err, TM_INTERNAL, NULL, "attempts script: unexpected reply");
    }
    for (int i = 0; i < n_lists; i++)
        read_list(rep->element[i], outs[i]);
    if (!instrument || !instrument[0])
        inst->evaluated = 1;
    if (!customer || !customer[0])
        cust->evaluated = 1;
    freeReplyObject(rep);
    return TM_OK;
}

enum tm_code
tx_attempts_outcome(struct tm_redis *r, const char *sale_id, const char *instrument,
                    const char *customer, int declined, struct tm_err *err)
{
    char keys[2][160];
    const char *args[4];
    int n_keys = 0;
    redisReply *rep = NULL;
    enum tm_code rc;

    if (instrument && instrument[0])
        snprintf(keys[n_keys++], sizeof keys[0], "tm:att:h:i:%s", instrument);
    if (customer && customer[0])
        snprintf(keys[n_keys++], sizeof keys[0], "tm:att:h:c:%s", customer);
    if (n_keys == 0)
        return TM_OK;
    for (int i = 0; i < n_keys; i++)
        args[i] = keys[i];
    args[n_keys] = sale_id;
    args[n_keys + 1] = declined ? "1" : "0";
    if ((rc = tm_redis_eval(r, outcome_script, n_keys, n_keys + 2, args, &rep, err)) != TM_OK)
        return rc;
    freeReplyObject(rep);
    return TM_OK;
}
