/* services/gateway/ws.h — the dashboard WebSocket,
 * /api/v1/ws/dashboard?channels=sales,stock,fraud,alerts&since=txn:12
 * (docs/analytics.md "Live updates"). The upgrade passes the gateway's
 * usual checks (proxy.h gw_proxy_admit: credentials, limits, revocation,
 * analytics.read) and must carry a token — a browser, which cannot set a
 * header, offers the subprotocols "bearer, <token>" (auth.h) — since
 * civetweb allocates any frame a client declares; a principal holds
 * cfg->ws_per_principal at most (429). Each client gets the events of
 * its channels that its role and stores may see, as the gateway's listener
 * (live.h) hears them, through a bounded queue and a writer thread of its
 * own, so a slow client is closed (code 4408) and never slows the others.
 * civetweb holds a worker thread per connection: the server is started with
 * GW_WS threads on top of the HTTP ones (gw_ws_threads).
 *
 * Close codes: 1001 the gateway stops; 1013 too many replays at once;
 * 4401 the token expired or was revoked while connected (re-checked every
 * GW_WS_RECHECK_MS); 4408 too slow (queue full); 4409
 * `since` is further behind than the bound (GW_WS_SINCE_EVENTS_MAX), or
 * further ahead of what the gateway heard of its source: reload and
 * reconnect without it; 4503 a source could not replay what was missed.
 *
 * Thread-safety: built and attached by main before serving; the callbacks
 * run on civetweb's workers, the listener on live.h's thread, the writers
 * on their own; shared fields name their lock. */
#ifndef TM_GATEWAY_WS_H
#define TM_GATEWAY_WS_H

#include <civetweb.h>

#include "common/err.h"
#include "common/router.h"

#include "services/gateway/app.h"

#define GW_WS_PATH "/api/v1/ws/dashboard"
#define GW_WS_SINCE_EVENTS_MAX 1000 /* events per source a `since` may ask back (one page) */

struct gw_ws;

/* Makes the push and adds its listener to app->live (before gw_live_start).
 * *out is the caller's (gw_ws_free). */
TM_MUSTCHECK enum tm_code gw_ws_new(struct gw_app *app, struct gw_ws **out, struct tm_err *err);

/* civetweb options the WebSocket needs (the heartbeat), a NULL-terminated
 * key/value list for tm_http_start, living as long as ws. */
const char **gw_ws_http_opts(struct gw_ws *ws);

/* Registers the WebSocket on http, and answers every other path outside
 * /api/ (and any other WebSocket path) with a JSON 404. */
void gw_ws_attach(struct gw_ws *ws, struct mg_context *http);

/* Before mg_stop: every client is sent close 1001 (waits 200 ms when there
 * are clients). NULL-safe. */
void gw_ws_going_away(struct gw_ws *ws);

/* Connected clients (from the connect callback to the close). */
int gw_ws_clients(struct gw_ws *ws);

/* Frees; after mg_stop (which ends every connection). NULL-safe. */
void gw_ws_free(struct gw_ws *ws);

/* The route's answer to a plain GET without the upgrade (common/router):
 * 400 naming Upgrade. */
TM_MUSTCHECK enum tm_code gw_ws_h_plain(struct tm_ctx *ctx, struct tm_reply *rep,
                                        struct tm_err *err);

#endif
