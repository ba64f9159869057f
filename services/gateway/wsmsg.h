/* services/gateway/wsmsg.h — what the dashboard WebSocket reads and how it
 * sorts events (docs/analytics.md "Live updates"): the `channels` and
 * `since` query values, the token offered as a subprotocol, and the channels and store an
 * event belongs to. The readers take outside input: each is bounded (query
 * values by the gateway's TM_QUERY_VALUE_MAX, the subprotocol header by
 * GW_WS_PROTOCOL_MAX bytes) and fuzzed (tests/fuzz/gateway_fuzz.c).
 * No state; thread-safe. */
#ifndef TM_GATEWAY_WSMSG_H
#define TM_GATEWAY_WSMSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/event.h"
#include "common/perm.h"

#include "services/gateway/routes.h"

/* X(name, wire name, permission needed) */
#define GW_WS_CHANNELS(X)                                                                          \
    X(SALES, "sales", TXN_READ)     /* txn.created, txn.voided */                                  \
    X(STOCK, "stock", STOCK_READ)   /* stock.changed, stock.low, stock.out */                      \
    X(FRAUD, "fraud", FRAUD_REVIEW) /* flagged sales (review), declined attempts, reviews */       \
    X(ALERTS, "alerts", ALERT_READ) /* alert.fired, .acknowledged, .resolved, .escalated */

enum gw_ws_channel {
#define GW_X_CHANNEL(name, wire, perm) GW_WS_##name,
    GW_WS_CHANNELS(GW_X_CHANNEL)
#undef GW_X_CHANNEL
        GW_WS_CHANNELS_N
};

#define GW_WS_PROTOCOL_MAX 4096        /* bytes of Sec-WebSocket-Protocol */
#define GW_WS_SINCE_MAX GW_DAEMONS_MAX /* sources in one since */
#define GW_WS_SOURCE_MAX 32            /* a source's name with its NUL (struct tm_event) */

/* "sales"…; "unknown" outside the enum. */
const char *gw_ws_channel_name(enum gw_ws_channel c);

/* The channels (a bit per enum gw_ws_channel) role may subscribe to. */
unsigned gw_ws_allowed(enum tm_role role);

/* Reads "sales,stock" into a channel mask. TM_INVALID (field "channels")
 * for an unknown, empty or repeated name. */
TM_MUSTCHECK enum tm_code gw_ws_channels_parse(const char *s, unsigned *mask, struct tm_err *err);

/* Where a client last was: per source, the last seq it received. */
struct gw_ws_since {
    int n;
    struct {
        char source[GW_WS_SOURCE_MAX];
        int64_t seq;
    } at[GW_WS_SINCE_MAX];
};

/* Reads "txn:123,inventory:456" (source [a-z_]+, seq 0..2^53, each source
 * once). TM_INVALID (field "since") otherwise; whether the sources exist is
 * the caller's question. */
TM_MUSTCHECK enum tm_code gw_ws_since_parse(const char *s, struct gw_ws_since *out,
                                            struct tm_err *err);

/* The token a browser offers as the upgrade's subprotocols (it cannot set
 * Authorization): header is Sec-WebSocket-Protocol's value, exactly
 * "bearer, <token>"; the token (at most size - 1 bytes) goes to token.
 * TM_UNAUTHENTICATED naming Sec-WebSocket-Protocol otherwise (over
 * GW_WS_PROTOCOL_MAX bytes too). */
TM_MUSTCHECK enum tm_code gw_ws_protocol_token(const char *header, char *token, size_t size,
                                               struct tm_err *err);

/* The channels a source's topics can go to ("txn": sales and fraud,
 * "inventory": stock, any other: alerts), so a `since` replays only the
 * sources a client's channels use. */
unsigned gw_ws_source_channels(const char *source);

/* The channels ev goes to (0: none) and, through *store_id, the store it
 * belongs to (0 when it names none: every principal may see it; -1 for an
 * alert without a store: only roles that see every store see it). */
unsigned gw_ws_route_event(const struct tm_event *ev, int64_t *store_id);

#endif
