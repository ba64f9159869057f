/* services/gateway/readcache.h — the gateway's memory of product answers
 * (GET /api/v1/products/{id}, the platform's most frequent read), so that
 * a repeated read is answered without the bus hop to tm-inventory.
 *
 * This module is the table only: no I/O, no clock. Who may read what is
 * decided before the table is asked (the answer of a product is the same
 * for every caller allowed to read it), and whether a kept answer is still
 * current is decided by its caller (readcache_fresh.h): an entry is kept
 * under a version string and a hit needs the caller's current version to
 * be the same. A fill races drops with tickets: gw_rc_ticket before the
 * answer is asked for, gw_rc_put with that ticket after, and a drop of the
 * id in between wins (the answer may predate the write that dropped).
 *
 * Bounds: at most entries_max answers and bytes_max bytes of them (bodies
 * over GW_RC_BODY_MAX are never kept); a full set gives its least recently
 * used entry way. Set-associative (GW_RC_WAYS per set), so a lookup costs
 * at most GW_RC_WAYS comparisons under one of GW_RC_STRIPES mutexes.
 *
 * Thread-safety: every function may be called from any thread; no lock is
 * held across calls. */
#ifndef TM_GATEWAY_READCACHE_H
#define TM_GATEWAY_READCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define GW_RC_WAYS 4
#define GW_RC_STRIPES 64
#define GW_RC_BODY_MAX 8192  /* a product answer is ~400 bytes */
#define GW_RC_VERSION_MAX 64 /* the version string's bytes, NUL included */

struct gw_rc;

struct gw_rc_stats {
    size_t entries;
    size_t bytes;
};

/* Makes an empty table for at most entries_max answers (rounded down to a
 * multiple of GW_RC_WAYS, at least GW_RC_WAYS) and bytes_max bytes of
 * bodies. TM_INVALID when entries_max or bytes_max is 0. On success *out
 * is the caller's (gw_rc_free). */
TM_MUSTCHECK enum tm_code gw_rc_new(size_t entries_max, size_t bytes_max, struct gw_rc **out,
                                    struct tm_err *err);
/* Frees the table and every kept body. NULL-safe. */
void gw_rc_free(struct gw_rc *t);

/* The ticket a fill of id presents to gw_rc_put: it counts id's drops. */
uint64_t gw_rc_ticket(struct gw_rc *t, int64_t id);

/* Keeps a copy of body[len] for id under version, unless id was dropped
 * since ticket was taken, the body is over GW_RC_BODY_MAX, the version
 * is over GW_RC_VERSION_MAX - 1 bytes, or keeping it would pass bytes_max.
 * Returns 1 when kept; otherwise the table is unchanged. */
int gw_rc_put(struct gw_rc *t, int64_t id, uint64_t ticket, const char *version, const char *body,
              size_t len);

/* On a hit (id kept under exactly version) appends the body to out and
 * returns 1. A kept entry of another version is removed (it is stale) and
 * 0 returned; out is unchanged on 0 (also when it could not take the body). */
int gw_rc_get(struct gw_rc *t, int64_t id, const char *version, struct tm_buf *out);

/* Forgets id's answer, and makes every fill of id whose ticket was taken
 * before this call refused. */
void gw_rc_drop(struct gw_rc *t, int64_t id);

/* Forgets every answer and refuses every fill in flight (their tickets
 * were taken before): for when news may have been missed. */
void gw_rc_clear(struct gw_rc *t);

/* Entries and body bytes kept now. */
void gw_rc_stats(struct gw_rc *t, struct gw_rc_stats *out);

/* A product id as the path carries it: 1 to 18 decimal digits without a
 * leading zero (so each id has one spelling, one key). 1 and *out set
 * when it is; 0 otherwise (the request then bypasses the table). */
int gw_rc_id(const char *text, int64_t *out);

#endif
