/* common/redis.h — one Redis connection over hiredis, reconnecting with
 * backoff. A tm_redis belongs to one thread (hiredis contexts are not
 * thread-safe); threads that need Redis each own one. Commands are sent as
 * argument vectors, never as formatted strings, so values are binary-safe
 * and cannot inject commands. */
#ifndef TM_COMMON_REDIS_H
#define TM_COMMON_REDIS_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "common/err.h"

#define TM_REDIS_HOST_MAX 128

struct tm_redis;

/* Parses url "redis://host[:port][/db]" and sets timeouts; connects lazily.
 * TM_INVALID with field "redis-url" for a malformed URL. *out is the caller's. */
TM_MUSTCHECK enum tm_code tm_redis_new(const char *url, int timeout_ms, struct tm_redis **out,
                                       struct tm_err *err);
/* Closes and frees. NULL-safe. */
void tm_redis_free(struct tm_redis *r);

/* Runs one command given as argc strings (at most TM_REDIS_EVAL_ARGS + 3). On TM_OK *reply is the
 * reply, to freeReplyObject (may be NULL if reply is NULL). TM_UNAVAIL when Redis is unreachable
 * (then no attempt is made again until the backoff passes); TM_INTERNAL for an error reply, its
 * text in err->message. */
TM_MUSTCHECK enum tm_code tm_redis_cmd(struct tm_redis *r, int argc, const char **argv,
                                       redisReply **reply, struct tm_err *err);

/* Runs a Lua script: EVALSHA (40 bytes on the wire), and the script itself
 * once when this Redis has not seen it (NOSCRIPT). args are n_keys keys, then
 * the script's other arguments; at most TM_REDIS_EVAL_ARGS. Same outcomes as
 * tm_redis_cmd. */
#define TM_REDIS_EVAL_ARGS 60
TM_MUSTCHECK enum tm_code tm_redis_eval(struct tm_redis *r, const char *script, int n_keys,
                                        int n_args, const char *const *args, redisReply **reply,
                                        struct tm_err *err);

/* Lets the next command on r try to connect at once, backoff or not: for
 * a write that must not wait out a backoff (a revocation). */
void tm_redis_retry_now(struct tm_redis *r);

/* A connection of the caller's own to url, outside the command helpers
 * above: for a subscriber, which runs its own read loop on (*out)->fd.
 * timeout_ms bounds the connect and each blocking read or write. *out is
 * the caller's, to redisFree. TM_INVALID for a bad URL, TM_UNAVAIL when
 * Redis is unreachable. */
TM_MUSTCHECK enum tm_code tm_redis_connect(const char *url, int timeout_ms, redisContext **out,
                                           struct tm_err *err);

/* PING; TM_OK when Redis answered PONG. */
TM_MUSTCHECK enum tm_code tm_redis_ping(struct tm_redis *r, struct tm_err *err);

/* 1 when the last command on r reached Redis (0 while it is down). */
int tm_redis_up(const struct tm_redis *r);

/* A bounded pool of connections for servers with many threads (the gateway
 * runs one per HTTP connection): a thread takes one for a command or two
 * and gives it back. Fields are guarded by the pool's mutex. */
struct tm_redis_pool;

TM_MUSTCHECK enum tm_code tm_redis_pool_new(const char *url, int timeout_ms, int size,
                                            struct tm_redis_pool **out, struct tm_err *err);
/* Closes every connection. NULL-safe; all must have been put back. */
void tm_redis_pool_free(struct tm_redis_pool *p);
/* A connection for the caller's exclusive use, waiting up to wait_ms for one
 * to be free; NULL when none was (the caller treats Redis as unavailable). */
struct tm_redis *tm_redis_pool_get(struct tm_redis_pool *p, int wait_ms);
/* Gives r back; records whether Redis was reachable for tm_redis_pool_up. */
void tm_redis_pool_put(struct tm_redis_pool *p, struct tm_redis *r);
/* 1 when the last connection put back had reached Redis. */
int tm_redis_pool_up(struct tm_redis_pool *p);

#endif
