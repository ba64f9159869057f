/* services/gateway/overview.h — GET /api/v1/dashboard/overview, answered
 * by the gateway: tm-analytics' summary, tm-inventory's stock counts and
 * tm-txn's review queue asked in parallel (one thread, each request with
 * its own deadline; a part only when the caller's role holds its route's
 * permission), merged (overview_doc.h), and cached in Redis per store
 * scope and permitted parts until an event that changes a number is heard
 * (live.h).
 * Also the floor route, the benchmark's reference (GW_FLOOR_PATH).
 * docs/analytics.md ("Dashboard overview") says what the answer means.
 *
 * Thread-safety: the handler runs on any HTTP thread; the listener on the
 * live thread only signals the overview's drop thread, which owns its own
 * Redis connection. */
#ifndef TM_GATEWAY_OVERVIEW_H
#define TM_GATEWAY_OVERVIEW_H

#include <stddef.h>

#include <civetweb.h>

#include "common/err.h"
#include "common/router.h"

#include "services/gateway/app.h"
#include "services/gateway/live.h"

/* Redis keys (one hash slot: "{ov}"): the drop count and the hash of
 * cached answers by scope key. */
#define GW_OV_GEN_KEY "{ov}:gen"
#define GW_OV_CACHE_KEY "{ov}:cache"
/* The backstop: the cache hash expires this long after its last write even
 * if no drop came (a gateway that missed events while Redis was down).
 * Freshness comes from the drops, not from this. */
#define GW_OV_BACKSTOP_S 600

/* The benchmark's floor: a gateway route behind the same nginx location
 * as the API, answering fixed bytes with no authentication, no Redis, no
 * bus. "_" keeps it out of the API's /api/v1 names. ?bytes=N (1 to
 * GW_FLOOR_BYTES_MAX, default GW_FLOOR_BYTES_DEFAULT) sets the body's size,
 * so it can match the answer it is the floor of. */
#define GW_FLOOR_PATH "/api/_floor"
#define GW_FLOOR_BYTES_MAX 65536
#define GW_FLOOR_BYTES_DEFAULT 2048

struct gw_overview;

/* Makes the overview of app (its bus clients, Redis pool and settings) and
 * starts its drop thread. live may be NULL: then nothing would drop a
 * cached answer, so nothing is cached. Listens on live, so it must come
 * before gw_live_start. On success *out is the caller's (gw_overview_free). */
TM_MUSTCHECK enum tm_code gw_overview_new(struct gw_app *app, struct gw_live *live,
                                          struct gw_overview **out, struct tm_err *err);

/* Stops the drop thread and frees. NULL-safe. The live listener must be
 * stopped first (it calls into ov). */
void gw_overview_free(struct gw_overview *ov);

/* The routes the overview answers (common/router, ctx->app the gw_app),
 * run by a router with no database pool. */
extern const struct tm_route gw_dash_routes[];
extern const size_t gw_dash_routes_n;

/* Answers GW_FLOOR_PATH on conn; always 1 (handled). */
int gw_floor_reply(struct mg_connection *conn);

#endif
