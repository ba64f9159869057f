/* services/gateway/push.h — news every gateway must apply before a request
 * that caused it answers: a revocation (revoke.h), a cache invalidation.
 * Each gateway subscribes to one Redis pub/sub channel on a thread of its
 * own; a publisher sends (kind, key) and waits for every subscribed
 * gateway's acknowledgement, which a subscriber sends only after the
 * kind's handler has applied the message. PUBLISH returns how many
 * gateways received it, so the publisher knows how many acks to wait for.
 *
 * A gateway may trust what it keeps in memory only while gw_push_healthy:
 * its subscription is confirmed, every kind's reset handler has run since
 * (the state was rebuilt from the truth after subscribing) and then the
 * messages of the last GW_PUSH_REPLAY_MS replayed (a message published
 * before the subscription, about a write not yet committed when the
 * truth was read, is not missed; handlers must be idempotent), and Redis
 * answered a ping, and tm:push:gen was seen unmoved since the
 * subscription, within GW_PUSH_STALE_MS. Otherwise callers fall back to asking Redis or
 * PostgreSQL per request, as before this module. A lost connection makes
 * the gateway unhealthy before a restarted Redis can accept a publish.
 *
 * Usage (perf-reads: register a kind before gw_push_start):
 *   gw_push_on(push, "product", on_product, on_product_reset, cache);
 *   ... after a write: gw_push_publish(push, "product", "42", &err);
 * Handlers run on the subscriber thread, one message at a time, in the
 * order published; they must be quick (a publisher waits on them). */
#ifndef TM_GATEWAY_PUSH_H
#define TM_GATEWAY_PUSH_H

#include <stddef.h>

#include "common/err.h"
#include "common/redis.h"

#define GW_PUSH_CHANNEL "tm:push"
#define GW_PUSH_KIND_MAX 16             /* bytes of a kind, with its NUL: [a-z_]+ */
#define GW_PUSH_KEY_MAX 256             /* bytes of a key, with its NUL: no tab, no newline */
#define GW_PUSH_KINDS_MAX 8             /* kinds registered at most */
#define GW_PUSH_ACK_MS 1000             /* a publisher waits this long for every ack */
#define GW_PUSH_STALE_MS 700            /* unhealthy when Redis has not answered for this long */
#define GW_PUSH_REPLAY_MS 60000         /* messages replayed after a (re)subscription */
#define GW_PUSH_RECENT "tm:push:recent" /* sorted set: the messages, by publish time */

struct gw_push;

/* A message of kind: key as published. arg is gw_push_on's. */
typedef void (*gw_push_fn)(void *arg, const char *key);
/* The subscription was (re)confirmed: rebuild the state from the truth
 * (nothing before this call may be trusted). TM_OK when rebuilt; anything
 * else keeps the gateway unhealthy and the subscription is retried. */
typedef enum tm_code (*gw_push_reset_fn)(void *arg, struct tm_err *err);

/* A push bound to redis_url (not yet subscribed). *out is the caller's. */
TM_MUSTCHECK enum tm_code gw_push_new(const char *redis_url, struct gw_push **out,
                                      struct tm_err *err);
/* Registers kind's handlers (reset may be NULL). Before gw_push_start only.
 * TM_INVALID for a bad kind or too many kinds. */
TM_MUSTCHECK enum tm_code gw_push_on(struct gw_push *p, const char *kind, gw_push_fn fn,
                                     gw_push_reset_fn reset, void *arg, struct tm_err *err);
/* Work a gateway does about every GW_PUSH_TICK_MS on the subscriber thread
 * while subscribed, with that thread's own Redis connection r (not the
 * subscribed one): keeping something in Redis that requests no longer
 * visit (revoke.c: Redis' copy of the revocations, rebuilt after a flush).
 * It must be quick when there is nothing to do. */
typedef void (*gw_push_tick_fn)(void *arg, struct tm_redis *r);
#define GW_PUSH_TICK_MS 1000
/* Sets the tick (one per push). Before gw_push_start only. */
void gw_push_every(struct gw_push *p, gw_push_tick_fn fn, void *arg);
/* Starts the subscriber thread. */
TM_MUSTCHECK enum tm_code gw_push_start(struct gw_push *p, struct tm_err *err);
/* Stops the thread and frees. NULL-safe. */
void gw_push_free(struct gw_push *p);

/* 1 while this gateway receives every message (see above). Thread-safe. */
int gw_push_healthy(const struct gw_push *p);

/* Publishes kind: key (errors retried for up to GW_PUSH_ACK_MS, a new
 * message id per attempt) and waits up to GW_PUSH_ACK_MS after the PUBLISH
 * reply for every subscribed gateway (this one too) to have applied it; a
 * gateway that has not acked by then has not answered a ping since the
 * message reached it, so it is no longer healthy. When it cannot be
 * published, tm:push:gen is moved instead (every subscriber compares it each
 * PING_MS round and rebuilds from the truth when it moved) and the call
 * outwaits GW_PUSH_STALE_MS. TM_OK when, on return, no healthy gateway
 * trusts memory without the message (logged when acks were missing or gen
 * moved); TM_UNAVAIL when neither the message nor the gen move reached
 * Redis: gateways may still trust memory without it, the caller must say
 * so. TM_INVALID for a bad kind or key. Thread-safe. */
TM_MUSTCHECK enum tm_code gw_push_publish(struct gw_push *p, const char *kind, const char *key,
                                          struct tm_err *err);

/* Splits a message "kind\tid\tkey" into its parts (pure; for the
 * subscriber and the fuzz target). TM_INVALID when malformed. */
TM_MUSTCHECK enum tm_code gw_push_decode(const char *msg, size_t len, char kind[GW_PUSH_KIND_MAX],
                                         char id[64], char key[GW_PUSH_KEY_MAX],
                                         struct tm_err *err);

#endif
