/* services/gateway/revoke.h — revoked tokens. PostgreSQL
 * (gateway.revocations) is the truth; Redis holds a copy that the rate
 * limit script reads in the same round trip as the limits, so a healthy
 * Redis costs nothing more per request. A revocation names a user (tokens
 * issued at or before a time: role, stores or password changed, user
 * disabled), a token (jti: logged out) or a session (sid, the refresh
 * family: logged out, or its refresh token replayed).
 *
 * Redis' copy is trusted only while GW_REVOKED_LOADED_KEY exists: it is set
 * once the copy was rebuilt from PostgreSQL, so a Redis that restarted
 * empty (or was flushed) reads as "not loaded" and the first request
 * rebuilds it. A revocation Redis could not take marks the copy stale
 * (app->revocations_stale); the next request that reaches Redis drops the
 * loaded marker, so the copy is rebuilt. Every instance starts stale. While
 * Redis is down, each user request asks PostgreSQL.
 *
 * While the push channel is healthy (push.h) a request checks this
 * gateway's own copy in memory (revset.h) instead: gw_revoke publishes
 * each revocation to every gateway and returns only once every subscribed
 * one applied it (or a missing ack had time to make that gateway
 * unhealthy: GW_PUSH_STALE_MS < GW_PUSH_ACK_MS; or, when it could not be
 * published, tm:push:gen moved so every gateway rebuilds from the truth).
 * Thread-safe. */
#ifndef TM_GATEWAY_REVOKE_H
#define TM_GATEWAY_REVOKE_H

#include <stddef.h>
#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/redis.h"

#include "services/gateway/app.h"
#include "services/gateway/auth.h"

#define GW_REVOKED_LOADED_KEY "tm:revoked:loaded" /* value: the load's time, epoch ms */
/* before_ms that refuses every token of a jti or session: 2^53 - 1, the
 * largest integer Lua's numbers hold exactly */
#define GW_REVOKE_ALL INT64_C(9007199254740991)
#define GW_REVOKE_KEY_MAX 96

/* "tm:revoked:<kind>:<subject>" into out[size]. */
void gw_revoke_key(const char *kind, const char *subject, char *out, size_t size);

/* Records in db (the caller's connection, in its transaction if any) that
 * tokens of kind ("user", "jti", "sid") subject issued at or before
 * before_ms are refused for ttl_s, then copies it to Redis. Fails when
 * the database does; when Redis cannot take the copy the cache is marked
 * stale and PostgreSQL still refuses the token. Also fails (TM_UNAVAIL: 503)
 * when neither the push nor its fallback reached Redis (gw_push_publish):
 * the revocation is stored, but a gateway may still trust memory without it
 * until it resubscribes, so the caller is not told it is done. */
TM_MUSTCHECK enum tm_code gw_revoke(const struct gw_app *app, PGconn *db, const char *kind,
                                    const char *subject, int64_t before_ms, int64_t ttl_s,
                                    struct tm_err *err);

/* Registers the push channel's "revoke" kind (push.h): each revocation is
 * applied to app->revset, which is rebuilt from PostgreSQL whenever the
 * subscription is (re)confirmed; the channel then replays its recent
 * messages (a revocation published before this gateway subscribed, whose
 * transaction had not committed when PostgreSQL was read). Before
 * gw_push_start. */
TM_MUSTCHECK enum tm_code gw_revoke_push_init(struct gw_app *app, struct tm_err *err);

/* Before trusting Redis' copy through r: when it is marked stale, drops the
 * loaded marker (the next check rebuilds it). */
void gw_revoke_sync(const struct gw_app *app, struct tm_redis *r);

/* Rebuilds Redis' copy from PostgreSQL's live revocations, then sets the
 * loaded marker. TM_CONFLICT when another request is rebuilding it (the
 * caller asks PostgreSQL meanwhile); TM_UNAVAIL when either store fails. */
TM_MUSTCHECK enum tm_code gw_revoke_load(const struct gw_app *app, struct tm_redis *r,
                                         struct tm_err *err);

/* PostgreSQL's verdict on a user's token: *refused is 1 when it is revoked
 * or the user is disabled or gone. */
TM_MUSTCHECK enum tm_code gw_revoke_check_db(const struct gw_app *app, const struct gw_principal *p,
                                             int *refused, struct tm_err *err);

#endif
