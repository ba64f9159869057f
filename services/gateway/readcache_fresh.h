/* services/gateway/readcache_fresh.h — when the gateway may answer a
 * product read (GET /api/v1/products/{id}) from its table (readcache.h)
 * instead of asking tm-inventory over the bus; docs/api.md ("Product reads
 * from the gateway's cache") says what a client can count on.
 *
 * A kept answer is served only while it is provably current:
 * - the caller's credentials, limits and permission were checked before
 *   (proxy.c asks only after gw_authorize; a product's answer is the same
 *   for every role that may read it, so one entry per id serves them all);
 * - while the gateways' push channel is healthy (push.h), from memory
 *   alone: every gateway publishes kind "product", key the id, after each
 *   product write it passed on, and the writer hears back only once every
 *   subscribed gateway has dropped the id; a (re)confirmed subscription
 *   empties the table (its reset), so nothing published while this
 *   gateway was not listening is missed;
 * - while it is not, a version per product in Redis (hash GW_RCF_KEY:
 *   field id = writes through any gateway, field "epoch" = this Redis'
 *   life) is read with each lookup, and a hit needs the version the answer
 *   was kept under. Every gateway bumps the id's count after each product
 *   write it passed on, before the writer hears back. A restarted Redis
 *   (data lost) has a new epoch: every kept answer is then a miss. Redis
 *   unreachable: no hit and no fill (the bus answers, as before). Answers
 *   kept in one mode are misses in the other (their versions differ);
 * - events heard (product.created/updated, live.h) and the gateway's own
 *   writes drop the id's entry at once, so a fill racing a write is
 *   refused (readcache.h's tickets).
 * tm-inventory down: a current answer (the version check passed) is still
 * served; a miss is the bus' 503/504 as before.
 *
 * Thread-safety: every function may be called from any HTTP thread; the
 * event listener runs on the live thread and never blocks on I/O. */
#ifndef TM_GATEWAY_READCACHE_FRESH_H
#define TM_GATEWAY_READCACHE_FRESH_H

#include <stdint.h>

#include "common/buf.h"
#include "common/envelope.h"
#include "common/err.h"

#include "services/gateway/app.h"
#include "services/gateway/live.h"
#include "services/gateway/push.h"
#include "services/gateway/readcache.h"
#include "services/gateway/routes.h"

/* The Redis hash of product versions (one hash slot: "{rc}"). */
#define GW_RCF_KEY "{rc}:products"

struct gw_rcf;

/* One request's dealings with the cache, on the caller's stack. */
struct gw_rcf_look {
    int on;          /* 1: a product read that may be filled after the bus answers */
    int64_t id;      /* the product */
    uint64_t ticket; /* readcache.h */
    char version[GW_RC_VERSION_MAX];
};

/* Makes the cache of app (its Redis pool and push channel; settings
 * read-cache-entries and read-cache-bytes) and registers kind "product"
 * on app->push, so it must come before gw_push_start. When
 * read-cache-entries is 0, *out is NULL: nothing is cached and the
 * functions below accept NULL. On success a non-NULL *out is the caller's
 * (gw_rcf_free, after the push and live threads have stopped). */
TM_MUSTCHECK enum tm_code gw_rcf_new(struct gw_app *app, struct gw_rcf **out, struct tm_err *err);
/* Listens on live for product events; before gw_live_start. f may be NULL. */
TM_MUSTCHECK enum tm_code gw_rcf_listen(struct gw_rcf *f, struct gw_live *live, struct tm_err *err);
void gw_rcf_free(struct gw_rcf *f);

/* For a checked request (route rt, its path parameters and query): 1 on a
 * hit, the answer's body appended to out. 0 otherwise, and look says
 * whether gw_rcf_after may keep the bus' answer. */
int gw_rcf_lookup(struct gw_rcf *f, const struct gw_route *rt, const struct tm_request *req,
                  struct gw_rcf_look *look, struct tm_buf *out);

/* After the request went to its service (view: its answer, NULL when none
 * came): keeps a 200 product answer that lookup allowed, and for a
 * product write drops the id here, bumps its version in Redis and
 * publishes it to every gateway (before the writer hears the answer:
 * whatever the outcome, the write may have committed). */
void gw_rcf_after(struct gw_rcf *f, const struct gw_route *rt, const struct tm_request *req,
                  const struct gw_rcf_look *look, const struct tm_reply_view *view);

#endif
