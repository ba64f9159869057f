/* services/gateway/keycache.h — API keys this gateway has read from
 * PostgreSQL, by prefix, so that a till's every request does not read its
 * key again. What a key says changes once at most (disabled, for good:
 * handlers.c), and that change is pushed to every gateway (push.h, kind
 * GW_KEYCACHE_PUSH_KIND, key the prefix) before its answer leaves, which
 * drops the kept copy. A read that began before a drop is not kept (the
 * ticket), nothing is trusted or kept while the push channel is not
 * healthy (the caller asks gw_push_healthy), and a copy older than
 * GW_KEYCACHE_TTL_MS is read again (a backstop for a disabling whose push
 * could not be confirmed, or made by a gateway that does not push). Only
 * keys that exist are kept: made-up prefixes cannot push real ones out.
 * 4-way sets, the least recently kept replaced, under one mutex (held for a
 * copy). Thread-safe. */
#ifndef TM_GATEWAY_KEYCACHE_H
#define TM_GATEWAY_KEYCACHE_H

#include <stdint.h>

#include "services/gateway/store.h"

#define GW_KEYCACHE_SLOTS 1024 /* keys kept at most: 256 sets of 4 */
#define GW_KEYCACHE_WAYS 4
#define GW_KEYCACHE_TTL_MS 60000
#define GW_KEYCACHE_PUSH_KIND "api_key"

struct gw_keycache;

/* NULL on a failed allocation. */
struct gw_keycache *gw_keycache_new(void);
/* NULL-safe. Wipes what it kept. */
void gw_keycache_free(struct gw_keycache *c);

/* A ticket for a read of PostgreSQL about to begin: gw_keycache_put keeps
 * its result only if nothing was dropped since. */
uint64_t gw_keycache_ticket(struct gw_keycache *c);
/* 1 and *out the key kept under prefix, *fresh 1 when it was kept less
 * than GW_KEYCACHE_TTL_MS before now_ms (monotonic); 0 when none (c NULL:
 * 0). */
int gw_keycache_get(struct gw_keycache *c, const char *prefix, int64_t now_ms,
                    struct gw_api_key *out, int *fresh);
/* Keeps k (read from PostgreSQL under ticket) at now_ms, in place of its
 * own older copy or else the set's least recently kept key, unless a drop
 * came after the ticket. No-op for c NULL. */
void gw_keycache_put(struct gw_keycache *c, const struct gw_api_key *k, uint64_t ticket,
                     int64_t now_ms);
/* Counts one key looked up, from memory or from PostgreSQL
 * (tm_gateway_api_key_reads_total{from}). No-op for c NULL. */
void gw_keycache_counted(struct gw_keycache *c, int from_memory);
/* Forgets the key of prefix (a push: it changed). */
void gw_keycache_drop(struct gw_keycache *c, const char *prefix);
/* Forgets every key (the push channel was re-subscribed). */
void gw_keycache_clear(struct gw_keycache *c);

#endif
