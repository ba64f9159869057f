/* services/gateway/refusals.h — anonymous refusals counted in memory.
 * A request without credentials that hold, refused by the gateway itself
 * (401, or 429 over a limit), is counted per source address, minute and
 * status (security.md, Audit). Writing each one to PostgreSQL made every
 * refused request of a flood a database round trip on one hot row, holding
 * one of the gateway's pooled connections while it waited for the row's
 * lock: about 2,700 refusals a second at most, and the audit rows of real
 * writes queued behind them. Now each gateway adds them up here and a
 * thread of its own writes what it holds once a second, every counter in
 * one statement (early when the table is half full). A table too full
 * takes a new address's refusal to the database at once, as before. A
 * failed write keeps its counts for the next try (ten minutes at most),
 * without trying again at once; the last write, at gw_refusals_free, keeps
 * nothing. A gateway killed loses what it had not written. Thread-safe. */
#ifndef TM_GATEWAY_REFUSALS_H
#define TM_GATEWAY_REFUSALS_H

#include <stdint.h>

#include "common/db.h"

#include "services/gateway/store.h"

#define GW_REFUSALS_SLOTS 4096 /* counters held between flushes; 3/4 of them used at most */
#define GW_REFUSALS_FLUSH_MS 1000
#define GW_REFUSALS_FIRSTS 4096 /* (principal, route, status, minute) remembered */

struct gw_refusals;

/* A table of slots counters (rounded up to a power of two, at least 16).
 * With a pool, a thread writes the counts to it every flush_ms and at
 * gw_refusals_free; without one (tests), nothing is written. NULL when
 * memory or the thread could not be had. */
struct gw_refusals *gw_refusals_new(struct tm_db_pool *db, int slots, int flush_ms);
/* NULL-safe. Stops the thread after a last flush. */
void gw_refusals_free(struct gw_refusals *r);

/* Counts one refusal of source_addr with status at now_ms: 1, or 0 when
 * the table had no room (or source_addr is empty or too long) and nothing
 * was counted. */
int gw_refusals_add(struct gw_refusals *r, const char *source_addr, int status, int64_t now_ms);
/* Counts one refusal: in the table, or when it has no room written to the
 * database at once (logged when that fails too; rid names the request). */
void gw_refusals_count(struct gw_refusals *r, const char *source_addr, int status, const char *rid);
/* 1 the first time in now_ms's minute that the principal (its id) is
 * refused with status on route by the gateway itself, as far as a table
 * of GW_REFUSALS_FIRSTS recent firsts knows (a slot keeps the last one
 * that hashed there, so a repeat may be taken for a first, never a first
 * for a repeat); 0 for a repeat. Such a refusal is audited on its first,
 * and its repeats are counted as its address's (security.md, Audit). */
int gw_refusals_first(struct gw_refusals *r, const char *principal, const char *route, int status,
                      int64_t now_ms);
/* Moves every counter into out, ordered by minute, address and status,
 * and empties the table: the number moved, or -1 (nothing moved) when
 * they are more than max. The table holds at most 3/4 of its slots. */
int gw_refusals_take(struct gw_refusals *r, struct gw_refusal_count *out, int max);

#endif
