/* services/gateway/revoke.c — revocations written to PostgreSQL, copied to
 * Redis. Writes are rare (logouts, user changes, replayed refresh tokens);
 * rebuilds happen once per Redis restart, with every live revocation (as
 * many as tokens ended in the last access token lifetime). */
#include "services/gateway/revoke.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/time.h"

#include "services/gateway/push.h"
#include "services/gateway/revset.h"
#include "services/gateway/store.h"

#define LOADING_KEY "tm:revoked:loading" /* held while one request rebuilds the copy */
#define LOADING_MS "10000"
#define BATCH 19 /* markers per script call: 19 keys + 38 values <= TM_REDIS_EVAL_ARGS */

/* KEYS: markers; ARGV: before_ms and ttl_ms of each. A marker only moves
 * later: a copy racing a newer revocation never weakens it. */
static const char set_script[] =
    "for i = 1, #KEYS do\n"
    "  local v = tonumber(ARGV[2 * i - 1])\n"
    "  local cur = tonumber(redis.call('GET', KEYS[i]) or '-1')\n"
    "  if v >= cur then redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i]) end\n"
    "end\n"
    "return #KEYS\n";

/* KEYS: the loading key, the loaded key; ARGV: this loader's token. The
 * copy is declared loaded only if this loader still holds the loading key:
 * a flush or restart during the copy took it away, and with it the markers
 * copied so far. Returns 1 when declared. */
static const char loaded_script[] = "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
                                    "redis.call('SET', KEYS[2], ARGV[1])\n"
                                    "return 1\n";

void
gw_revoke_key(const char *kind, const char *subject, char *out, size_t size)
{
    snprintf(out, size, "tm:revoked:%s:%s", kind, subject);
}

/* Copies n revocations to Redis in one script call. */
static enum tm_code
push(struct tm_redis *r, const struct gw_revocation *v, int n, struct tm_err *err)
{
    char keys[BATCH][GW_REVOKE_KEY_MAX], vals[BATCH][2][24];
    const char *args[3 * BATCH];
    redisReply *rep = NULL;
    enum tm_code rc;

    if (n < 1 || n > BATCH)
        return tm_err_set(err, TM_INTERNAL, NULL, "revocation batch of %d", n);
    for (int i = 0; i < n; i++) {
        gw_revoke_key(v[i].kind, v[i].subject, keys[i], sizeof keys[i]);
        snprintf(vals[i][0], sizeof vals[i][0], "%lld", (long long)v[i].before_ms);
        snprintf(vals[i][1], sizeof vals[i][1], "%lld",
                 (long long)(v[i].ttl_ms > 0 ? v[i].ttl_ms : 1));
        args[i] = keys[i];
        args[n + 2 * i] = vals[i][0];
        args[n + 2 * i + 1] = vals[i][1];
    }
    rc = tm_redis_eval(r, set_script, n, 3 * n, args, &rep, err);
    freeReplyObject(rep);
    return rc;
}

/* Tells every gateway's copy in memory; see revoke.h for a failure. */
static enum tm_code
publish(const struct gw_app *app, const struct gw_revocation *v, struct tm_err *err)
{
    char key[GW_PUSH_KEY_MAX];

    if (!app->push)
        return TM_OK;
    gw_revset_encode(v, key, sizeof key);
    if (gw_push_publish(app->push, "revoke", key, err) == TM_OK)
        return TM_OK;
    tm_log_error(NULL, "revoke.push_failed",
                 "kind=%s error=\"%s\" note=\"stored in PostgreSQL; a gateway trusting memory "
                 "may accept the token until it resubscribes: answered 503\"",
                 v->kind, err->message);
    return tm_err_set(err, TM_UNAVAIL, NULL,
                      "revocation stored but not yet confirmed on every gateway; retry");
}

static void
on_push(void *arg, const char *key)
{
    struct gw_app *app = arg;
    struct gw_revocation v;
    struct tm_err err;

    if (gw_revset_decode(key, &v, &err) != TM_OK) {
        tm_log_warn(NULL, "revoke.push_bad", "error=\"%s\" note=\"copy dropped\"", err.message);
        gw_revset_invalidate(app->revset);
        return;
    }
    gw_revset_add(app->revset, &v, tm_now_ms());
}

static enum tm_code
on_push_reset(void *arg, struct tm_err *err)
{
    struct gw_app *app = arg;
    struct gw_revocation *live = NULL;
    PGconn *db = NULL;
    int n = 0;
    enum tm_code rc;

    gw_revset_invalidate(app->revset);
    if ((rc = tm_db_acquire(app->db, 1000, &db, err)) == TM_OK)
        rc = gw_db_revocations_live(db, &live, &n, err);
    tm_db_release(app->db, db);
    if (rc == TM_OK) {
        gw_revset_load(app->revset, live, n, tm_now_ms());
        tm_log_info(NULL, "revoke.memory_loaded", "revocations=%d", n);
    }
    free(live);
    return rc;
}

/* Redis' copy is what a request reads while the push channel is not
 * healthy; requests that trust memory no longer rebuild it, so the
 * subscriber does, within a tick of Redis losing it (a flush, a restart). */
static void
on_tick(void *arg, struct tm_redis *r)
{
    const struct gw_app *app = arg;
    const char *argv[2] = {"EXISTS", GW_REVOKED_LOADED_KEY};
    redisReply *rep = NULL;
    struct tm_err err;
    int missing;

    if (tm_redis_cmd(r, 2, argv, &rep, &err) != TM_OK)
        return;
    missing = rep && rep->type == REDIS_REPLY_INTEGER && rep->integer == 0;
    freeReplyObject(rep);
    if (missing && gw_revoke_load(app, r, &err) != TM_OK && err.code != TM_CONFLICT)
        tm_log_warn(NULL, "revoke.cache_load_failed", "error=\"%s\"", err.message);
}

enum tm_code
gw_revoke_push_init(struct gw_app *app, struct tm_err *err)
{
    gw_push_every(app->push, on_tick, app);
    return gw_push_on(app->push, "revoke", on_push, on_push_reset, app, err);
}

enum tm_code
gw_revoke(const struct gw_app *app, PGconn *db, const char *kind, const char *subject,
          int64_t before_ms, int64_t ttl_s, struct tm_err *err)
{
    struct gw_revocation v;
    struct tm_redis *r;
    struct tm_err rerr;
    enum tm_code rc;
    int ok;

    if ((rc = gw_db_revocation_add(db, kind, subject, before_ms, ttl_s, err)) != TM_OK)
        return rc;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "%s", kind);
    snprintf(v.subject, sizeof v.subject, "%s", subject);
    v.before_ms = before_ms;
    v.ttl_ms = ttl_s * 1000;
    tm_err_set(&rerr, TM_UNAVAIL, NULL, "no Redis connection free");
    r = tm_redis_pool_get(app->redis, 200);
    ok = r && push(r, &v, 1, &rerr) == TM_OK;
    if (r && !ok) {
        /* a connection still backing off from a Redis restart must not
         * leave Redis' copy without this revocation while other gateways
         * trust it: try again at once, and failing that drop the copy */
        tm_redis_retry_now(r);
        ok = push(r, &v, 1, &rerr) == TM_OK;
    }
    if (!ok) {
        atomic_store(app->revocations_stale, 1);
        if (r)
            gw_revoke_sync(app, r);
        tm_log_warn(NULL, "revoke.redis_down",
                    "kind=%s error=\"%s\" note=\"kept in PostgreSQL; Redis' copy is rebuilt when "
                    "it answers\"",
                    kind, rerr.message);
    }
    tm_redis_pool_put(app->redis, r);
    return publish(app, &v, err);
}

void
gw_revoke_sync(const struct gw_app *app, struct tm_redis *r)
{
    const char *argv[2] = {"DEL", GW_REVOKED_LOADED_KEY};

    if (!atomic_load(app->revocations_stale))
        return;
    if (tm_redis_cmd(r, 2, argv, NULL, NULL) == TM_OK) {
        atomic_store(app->revocations_stale, 0);
        tm_log_info(NULL, "revoke.cache_dropped", "note=\"rebuilt from PostgreSQL on next use\"");
    }
}

/* SET key value NX PX LOADING_MS: *set is 0 when the key was there already. */
static enum tm_code
set_nx(struct tm_redis *r, const char *key, const char *value, int *set, struct tm_err *err)
{
    const char *argv[6] = {"SET", key, value, "NX", "PX", LOADING_MS};
    redisReply *rep = NULL;
    enum tm_code rc = tm_redis_cmd(r, 6, argv, &rep, err);

    if (rc == TM_OK)
        *set = rep && rep->type == REDIS_REPLY_STATUS;
    freeReplyObject(rep);
    return rc;
}

enum tm_code
gw_revoke_load(const struct gw_app *app, struct tm_redis *r, struct tm_err *err)
{
    const char *del[2] = {"DEL", LOADING_KEY};
    struct gw_revocation *live = NULL;
    char now[24];
    PGconn *db = NULL;
    int n = 0, got = 0;
    enum tm_code rc;

    snprintf(now, sizeof now, "%lld", (long long)tm_now_ms());
    if ((rc = set_nx(r, LOADING_KEY, now, &got, err)) != TM_OK)
        return rc;
    if (!got)
        return tm_err_set(err, TM_CONFLICT, NULL, "revocations are being loaded elsewhere");
    if ((rc = tm_db_acquire(app->db, 1000, &db, err)) == TM_OK)
        rc = gw_db_revocations_live(db, &live, &n, err);
    tm_db_release(app->db, db);
    for (int i = 0; i < n && rc == TM_OK; i += BATCH)
        rc = push(r, live + i, n - i < BATCH ? n - i : BATCH, err);
    /* no expiry: only a restart, a flush or a stale instance drops it */
    if (rc == TM_OK) {
        const char *args[3] = {LOADING_KEY, GW_REVOKED_LOADED_KEY, now};
        redisReply *rep = NULL;

        rc = tm_redis_eval(r, loaded_script, 2, 3, args, &rep, err);
        if (rc == TM_OK && !(rep && rep->type == REDIS_REPLY_INTEGER && rep->integer == 1))
            rc = tm_err_set(err, TM_CONFLICT, NULL, "Redis lost the copy while it was made");
        freeReplyObject(rep);
    }
    if (tm_redis_cmd(r, 2, del, NULL, NULL) != TM_OK)
        tm_log_warn(NULL, "revoke.loading_stuck", "note=\"expires in %s ms\"", LOADING_MS);
    if (rc == TM_OK)
        tm_log_info(NULL, "revoke.cache_loaded", "revocations=%d", n);
    free(live);
    return rc;
}

enum tm_code
gw_revoke_check_db(const struct gw_app *app, const struct gw_principal *p, int *refused,
                   struct tm_err *err)
{
    PGconn *db = NULL;
    enum tm_code rc;

    if ((rc = tm_db_acquire(app->db, 500, &db, err)) == TM_OK)
        rc = gw_db_revoked(db, p->user_id, p->env.token_id, p->env.session_id, p->iat_ms, refused,
                           err);
    tm_db_release(app->db, db);
    return rc;
}
