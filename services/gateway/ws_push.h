/* services/gateway/ws_push.h — the WebSocket's insides shared by ws.c
 * (civetweb's callbacks, the listener's fan-out) and ws_push.c (each
 * client's writer: replay of `since`, the ready message, the live stream,
 * the close). Not for other modules: ws.h is the contract. Locking: the
 * fields marked "mu" are guarded by gw_ws.mu, the one lock of the push,
 * never held across I/O, and never by a writer while it streams. */
#ifndef TM_GATEWAY_WS_PUSH_H
#define TM_GATEWAY_WS_PUSH_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <civetweb.h>

#include "common/event.h"
#include "common/metrics.h"

#include "services/gateway/app.h"
#include "services/gateway/auth.h"
#include "services/gateway/proxy.h"
#include "services/gateway/wsmsg.h"

#define GW_WS_CLOSE_WAIT_MS 2000 /* after a close frame, the socket is shut down */
#define GW_WS_PENDING_MS 10000   /* a handshake not ready by then failed: its slot is freed */
#define GW_WS_RECHECK_MS 5000    /* an open stream re-checks its token's revocation */
#define GW_WS_REPLAYS 4          /* `since` replays at once (1013 above) */
#define GW_WS_VERDICTS 64        /* tokens whose last revocation check is kept */
#define GW_WS_WRITER_STACK (256 * 1024) /* a writer parses one replay page at most */
#define GW_WS_BATCH 64                  /* messages a writer takes from its queue at once */
#define GW_WS_REASON_MAX 120            /* a close frame's reason (RFC 6455: 123 bytes) */

/* A message for clients, shared by every queue holding it. */
struct gw_ws_msg {
    atomic_int refs;
    int src;      /* gw_daemons index of the event's source */
    int64_t seq;  /* the event's seq */
    size_t len;   /* of the text */
    size_t hdr;   /* bytes of the frame header before the text */
    char frame[]; /* the whole text frame: header, then {"type":"event","channel",...} */
};

/* One connection, from civetweb's connect callback to its close callback
 * (ws.c owns it); its writer thread is gw_ws_writer_main. */
struct gw_ws_client {
    struct gw_ws *ws;
    struct mg_connection *conn; /* civetweb's; written by the writer only */
    pthread_t writer;
    char rid[TM_RID_MAX + 1];
    char addr[GW_ADDR_MAX];
    int fd;                        /* its socket (bound_socket), -1 when not found */
    unsigned want;                 /* channels asked; 0: every allowed one */
    struct gw_ws_since since;      /* read-only after connect */
    int64_t floor[GW_DAEMONS_MAX]; /* writer only: per source, the seq already sent */
    struct gw_principal who;       /* read-only after connect (the upgrade's credentials) */
    unsigned channels;             /* what it receives; read-only after connect */
    /* guarded by ws->mu: */
    int registered;        /* in ws->clients: the listener queues for it */
    atomic_int close_code; /* > 0: the writer closes with it; set under mu, after the reason */
    char close_reason[GW_WS_REASON_MAX];
    atomic_int gone; /* the connection ended: the writer stops; set under mu */
    /* The queue: a ring of cfg->ws_queue that the listener fills (under mu,
     * the only producer) and the writer empties without a lock (the only
     * consumer), so a thousand writers never queue up on mu. */
    struct gw_ws_msg **queue;
    _Atomic uint64_t q_head;                  /* next to take: the writer's */
    _Atomic uint64_t q_tail;                  /* next to fill: the listener's */
    sem_t wake;                               /* posted after a push, a close, the auth, the end */
    struct gw_ws_client *prev, *next;         /* ws->clients */
    struct gw_ws_client *all_prev, *all_next; /* ws->all, from connect to close: mu */
};

/* A token's last revocation check, shared by its streams. */
struct gw_ws_verdict {
    char jti[TM_TOKEN_ID_MAX + 1];
    int64_t at_ms; /* mono; 0: empty */
    int refused;
};

/* The push: built by gw_ws_new, read by every callback and writer. */
struct gw_ws {
    struct gw_app *app;
    const char *http_opts[5];
    char ping_ms[16];
    pthread_mutex_t mu;
    struct mg_websocket_subprotocols protocols; /* "bearer" (a browser's token) */
    const char *protocol_names[1];
    struct gw_ws_client *clients;   /* mu: registered clients */
    struct gw_ws_client *all;       /* mu: every client from connect to close */
    struct gw_ws_pending *pending;  /* mu */
    int n_connected;                /* mu: clients in all */
    int64_t pushed[GW_DAEMONS_MAX]; /* mu: per source, the last seq the listener had; -1 none */
    sem_t replays;                  /* GW_WS_REPLAYS tokens */
    struct gw_ws_verdict verdicts[GW_WS_VERDICTS]; /* mu */
    struct tm_metric *m_clients, *m_closed_slow;   /* gauge, counter */
};

/* Drops a reference; frees m with the last one. NULL-safe. */
void gw_ws_msg_unref(struct gw_ws_msg *m);
/* gw_daemons index of a routed source ("txn"); -1 when none. */
int gw_ws_source(const char *name);
/* The client message for ev on channel c from source index src, with one
 * reference (the caller's); NULL when it would be over TM_MESSAGE_MAX. */
struct gw_ws_msg *gw_ws_msg_new(const struct tm_event *ev, int src, enum gw_ws_channel c);
/* May c see an event of this store (0: of none, anyone; -1: an alert of no
 * store, only roles seeing every store)? Scoped roles: theirs only. */
int gw_ws_sees_store(const struct gw_ws_client *c, int64_t store_id);
/* Marks c to be closed by its writer with code and reason (the first
 * wins) and wakes it. mu held. */
void gw_ws_close_locked(struct gw_ws_client *c, int code, const char *reason);
/* Sends a close frame (code, reason cut to GW_WS_REASON_MAX - 1 bytes). */
void gw_ws_send_close(struct gw_ws_client *c, int code, const char *reason);
/* Ends c's TCP connection (shutdown of both ways), so civetweb's read loop
 * ends and the close callback runs even when the client ignores a close
 * frame. Only while the connection is open (before the close callback
 * returns): the fd is not reused before. */
void gw_ws_shutdown(struct gw_ws_client *c);
/* The writer thread of c (arg): joins the listener's list, replays
 * `since`, sends ready, streams until the connection goes or a close is due
 * (re-checking the token's revocation every GW_WS_RECHECK_MS), then sends
 * the close, leaves the list and, unless the connection ended within
 * GW_WS_CLOSE_WAIT_MS, shuts it down. Started by ws.c's ready callback,
 * joined by its close callback. */
void *gw_ws_writer_main(void *arg);

#endif
