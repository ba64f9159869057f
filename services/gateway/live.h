/* services/gateway/live.h — the gateway's ear on the event bus (contract;
 * implemented in live.c). A thread per routed daemon subscribes to its
 * PUB endpoints (setting `--<name>-events-endpoints`, derived from
 * gw_daemons like the bus endpoints), keeps per source the last seq it
 * heard, and on a gap, at start and after a quiet second asks the source
 * for what it missed (REPLAY over the bus, common/outbox.h) so that every
 * listener sees every event of every source, in seq order per source,
 * exactly once per gateway process. Nothing is stored in a database: a
 * restarted gateway starts from each source's current seq.
 *
 * Users: the WebSocket push (ws.c) and the dashboard cache (overview.c,
 * which drops its Redis entries from a listener). Thread-safety: listeners
 * are added before gw_live_start and are called from each source's thread,
 * so from several threads at once (one source's events never at once); the
 * accessors may be called from any thread. */
#ifndef TM_GATEWAY_LIVE_H
#define TM_GATEWAY_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/event.h"

struct gw_app;
struct gw_live;

/* Called on the source's listener thread for each event, in seq order per
 * source, concurrently for different sources; must be thread-safe and must
 * not block (hand work to another thread or a bounded queue). */
typedef void (*gw_live_fn)(void *arg, const struct tm_event *ev);

#define GW_LIVE_LISTENERS_MAX 4

/* Makes the listener for app's routed daemons (not started). */
TM_MUSTCHECK enum tm_code gw_live_new(struct gw_app *app, struct gw_live **out, struct tm_err *err);
/* Adds fn (up to GW_LIVE_LISTENERS_MAX), before gw_live_start. */
TM_MUSTCHECK enum tm_code gw_live_listen(struct gw_live *l, gw_live_fn fn, void *arg,
                                         struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_live_start(struct gw_live *l, struct tm_err *err);

/* The last seq of source ("txn") that every listener has had (set after
 * the listeners return: the next one may be on its way through them; the
 * WebSocket counts on this to hand a new client every later event exactly
 * once). At start, the source's seq then. 0 until known or when the
 * gateway does not hear that source. */
int64_t gw_live_heard(struct gw_live *l, const char *source);

/* Events delivered to listeners so far, all sources, counted just before
 * the listeners are called: a change between two reads means an event was
 * delivered in between. */
uint64_t gw_live_generation(struct gw_live *l);

/* Stops the threads and frees. NULL-safe. */
void gw_live_stop(struct gw_live *l);

#endif
