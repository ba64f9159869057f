/* services/gateway/ws.c — the dashboard WebSocket (ws.h). Load: up to
 * cfg->ws_clients connections, each costing a civetweb worker (reading) and
 * a writer thread of ours (writing), and the listener thread fanning each
 * event out to every client: one lock (ws->mu) over the client list and
 * all queues, held for a few pointer moves per client and never across I/O,
 * so the listener never waits on a client. A message is built once per
 * event and channel and shared by reference. A writer blocked on a slow
 * client's full socket holds only that client up; its queue fills and the
 * listener marks it closing. Replays (`since`) run on the writer, before its
 * queue is drained: a client gets what it missed, then live events, each
 * once (the queue's events at or below the seq the replay reached are
 * skipped). */
#include "services/gateway/ws.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/http.h"
#include "common/log.h"
#include "common/time.h"

#include "services/gateway/live.h"
#include "services/gateway/ws_push.h"

/* A connection between its connect and ready callbacks (civetweb calls
 * both on the same worker; if the handshake write fails, ready never
 * comes, and the next connect on that worker's connection frees it). */
struct gw_ws_pending {
    const struct mg_connection *conn;
    struct gw_ws_client *client;
    int64_t born_ms; /* mono: swept after GW_WS_PENDING_MS */
    struct gw_ws_pending *next;
};

static void
push_locked(struct gw_ws *ws, struct gw_ws_client *c, struct gw_ws_msg *m)
{
    int cap = ws->app->cfg->ws_queue;
    uint64_t tail, head;

    if (atomic_load(&c->close_code) || atomic_load(&c->gone))
        return;
    tail = atomic_load_explicit(&c->q_tail, memory_order_relaxed);
    head = atomic_load_explicit(&c->q_head, memory_order_acquire);
    if (tail - head >= (uint64_t)cap) {
        gw_ws_close_locked(c, 4408, "too slow: the client's queue is full");
        tm_metric_add(ws->m_closed_slow, 1);
        return;
    }
    atomic_fetch_add(&m->refs, 1);
    c->queue[tail % (uint64_t)cap] = m;
    atomic_store_explicit(&c->q_tail, tail + 1, memory_order_release);
    sem_post(&c->wake);
}

/* The listener (live.h): one message per channel the event goes to, queued
 * for every client of that channel who may see its store. */
static void
on_event(void *arg, const struct tm_event *ev)
{
    struct gw_ws *ws = arg;
    struct gw_ws_msg *msgs[GW_WS_CHANNELS_N] = {NULL};
    int64_t store_id = 0;
    unsigned mask = gw_ws_route_event(ev, &store_id);
    int src = gw_ws_source(ev->source);

    if (src < 0)
        return;
    pthread_mutex_lock(&ws->mu);
    ws->pushed[src] = ev->seq; /* a client registering from now on starts after it */
    for (struct gw_ws_client *c = ws->clients; c; c = c->next) {
        unsigned hit = mask & c->channels;

        if (!hit || !gw_ws_sees_store(c, store_id))
            continue;
        for (int ch = 0; ch < GW_WS_CHANNELS_N; ch++) {
            if (!(hit & (1u << ch)))
                continue;
            if (!msgs[ch] && !(msgs[ch] = gw_ws_msg_new(ev, src, (enum gw_ws_channel)ch)))
                continue; /* over TM_MESSAGE_MAX: cannot happen for an event off the bus */
            push_locked(ws, c, msgs[ch]);
        }
    }
    pthread_mutex_unlock(&ws->mu);
    for (int ch = 0; ch < GW_WS_CHANNELS_N; ch++)
        gw_ws_msg_unref(msgs[ch]);
}

/* ------------------------------------------------------- civetweb's side */

/* A refusal before the upgrade, in the API's error format. */
static void
refuse(struct mg_connection *conn, const char *rid, enum tm_code rc, struct tm_err *err)
{
    struct tm_reply rep;
    char headers[160];

    err->code = rc;
    tm_reply_init(&rep);
    tm_reply_error(&rep, err, rid);
    snprintf(headers, sizeof headers, "X-Request-Id: %s\r\nConnection: close\r\n", rid);
    tm_http_reply(conn, rep.status, "application/json", headers, rep.body.p ? rep.body.p : "",
                  rep.body.len);
    tm_log_info(rid, "access", "method=GET route=%s status=%d field=%s", GW_WS_PATH, rep.status,
                err->field);
    tm_reply_fini(&rep);
}

static void
client_free(struct gw_ws_client *c)
{
    if (!c)
        return;
    sem_destroy(&c->wake);
    free(c->queue);
    free(c);
}

/* The query of an admitted upgrade: channels and since, nothing else. */
static enum tm_code
read_query(const struct gw_admission *a, struct gw_ws_client *c, struct tm_err *err)
{
    enum tm_code rc = TM_OK;

    for (int i = 0; i < a->n_query && rc == TM_OK; i++) {
        const char *k = a->query[i][0], *v = a->query[i][1];

        for (int j = 0; j < i; j++)
            if (!strcmp(a->query[j][0], k))
                return tm_err_set(err, TM_INVALID, k, "%s is given more than once", k);
        if (!strcmp(k, "channels"))
            rc = gw_ws_channels_parse(v, &c->want, err);
        else if (!strcmp(k, "since"))
            rc = gw_ws_since_parse(v, &c->since, err);
        else
            rc = tm_err_set(err, TM_INVALID, k, "unknown query parameter; channels and since only");
    }
    for (int i = 0; i < c->since.n && rc == TM_OK; i++)
        if (gw_ws_source(c->since.at[i].source) < 0)
            rc = tm_err_set(err, TM_INVALID, "since", "unknown source %s", c->since.at[i].source);
    return rc;
}

/* The channels p may have: what it asked (all it may read when it asked
 * none). TM_FORBIDDEN naming "channels" for one its role may not read. */
static enum tm_code
grant(const struct gw_principal *p, unsigned want, unsigned *out, struct tm_err *err)
{
    unsigned allowed = gw_ws_allowed(p->role);

    if (!tm_role_allows(p->role, TM_PERM_ANALYTICS_READ))
        return tm_err_set(err, TM_FORBIDDEN, NULL, "role %s lacks permission analytics.read",
                          tm_role_name(p->role));
    for (int ch = 0; ch < GW_WS_CHANNELS_N; ch++)
        if (want & ~allowed & (1u << ch))
            return tm_err_set(err, TM_FORBIDDEN, "channels", "role %s may not read channel %s",
                              tm_role_name(p->role), gw_ws_channel_name((enum gw_ws_channel)ch));
    *out = want ? want : allowed;
    return TM_OK;
}

static void
all_add_locked(struct gw_ws *ws, struct gw_ws_client *c)
{
    c->all_prev = NULL;
    c->all_next = ws->all;
    if (ws->all)
        ws->all->all_prev = c;
    ws->all = c;
    ws->n_connected++;
}

static void
all_remove_locked(struct gw_ws *ws, struct gw_ws_client *c)
{
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        ws->all = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
    ws->n_connected--;
}

/* Connections of the principal id. mu held. */
static int
principal_count_locked(const struct gw_ws *ws, const char *id)
{
    int n = 0;

    for (const struct gw_ws_client *c = ws->all; c; c = c->all_next)
        n += strcmp(c->who.env.id, id) == 0;
    return n;
}

/* Takes off the pending list every entry of conn (a handshake on that
 * connection failed) or older than GW_WS_PENDING_MS (a handshake that
 * failed on a connection civetweb closed): their slots are free again. The
 * clients go to *freed (linked by next) for the caller to free. mu held. */
static struct gw_ws_client *
pending_sweep_locked(struct gw_ws *ws, const struct mg_connection *conn)
{
    struct gw_ws_client *freed = NULL;
    int64_t old = tm_mono_ms() - GW_WS_PENDING_MS;

    for (struct gw_ws_pending **pp = &ws->pending; *pp;) {
        struct gw_ws_pending *p = *pp;

        if (p->conn != conn && p->born_ms > old) {
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        all_remove_locked(ws, p->client);
        p->client->next = freed;
        freed = p->client;
        free(p);
    }
    return freed;
}

/* Takes the pending entry of conn off the list (NULL when none). mu held. */
static struct gw_ws_client *
pending_take_locked(struct gw_ws *ws, const struct mg_connection *conn)
{
    for (struct gw_ws_pending **pp = &ws->pending; *pp; pp = &(*pp)->next)
        if ((*pp)->conn == conn) {
            struct gw_ws_pending *p = *pp;
            struct gw_ws_client *c = p->client;

            *pp = p->next;
            free(p);
            return c;
        }
    return NULL;
}

/* Fixes the send buffer of conn's socket at sndbuf bytes, so the kernel
 * holds at most that much for a client that stops reading and the queue
 * bound means something (autotuning lets a socket buffer 4 MiB, minutes of
 * events). civetweb does not expose the socket, so it is found once per
 * upgrade among the process's sockets by its two ends (a few thousand
 * getpeername calls at most), and kept for gw_ws_shutdown. Returns the fd,
 * -1 when not found (logged). */
static int
bound_socket(const struct mg_request_info *ri, int sndbuf, const char *rid)
{
    int fd = tm_http_socket(ri);

    if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) != 0)
        tm_log_warn(rid, "ws.sndbuf", "note=\"SO_SNDBUF refused\"");
    if (fd < 0)
        tm_log_warn(rid, "ws.sndbuf",
                    "note=\"socket not found; the kernel may buffer more, and a client that "
                    "ignores a close frame is ended only by the heartbeat\"");
    return fd;
}

/* Before the handshake: path, the gateway's checks (credentials are
 * required: no upgrade is anonymous), the query, capacity in all and per
 * principal. */
static int
on_connect(const struct mg_connection *cconn, void *cbdata)
{
    struct mg_connection *conn = (struct mg_connection *)cconn; /* civetweb's own, writable */
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct gw_ws *ws = cbdata;
    struct gw_admission *a = NULL;
    struct gw_ws_client *c = NULL, *stale;
    struct gw_ws_pending *p;
    struct tm_err err;
    enum tm_code rc;

    tm_err_clear(&err);
    pthread_mutex_lock(&ws->mu);
    stale = pending_sweep_locked(ws, conn);
    pthread_mutex_unlock(&ws->mu);
    while (stale) {
        struct gw_ws_client *next = stale->next;

        client_free(stale);
        stale = next;
    }
    if (!ri->local_uri || strcmp(ri->local_uri, GW_WS_PATH) != 0) {
        refuse(conn, "-", tm_err_set(&err, TM_NOTFOUND, NULL, "no such endpoint"), &err);
        return 1;
    }
    a = tm_xmalloc(sizeof *a);
    if (!gw_proxy_admit(conn, ws->app, a)) {
        free(a);
        return 1; /* answered */
    }
    c = tm_xcalloc(1, sizeof *c);
    c->ws = ws;
    c->fd = -1;
    c->queue = tm_xcalloc((size_t)ws->app->cfg->ws_queue, sizeof *c->queue);
    sem_init(&c->wake, 0, 0);
    snprintf(c->rid, sizeof c->rid, "%s", a->rid);
    snprintf(c->addr, sizeof c->addr, "%s", a->addr);
    c->who = a->who;
    rc = read_query(a, c, &err);
    if (rc == TM_OK)
        rc = grant(&a->who, c->want, &c->channels, &err);
    if (rc == TM_OK) {
        pthread_mutex_lock(&ws->mu);
        if (ws->n_connected >= ws->app->cfg->ws_clients)
            rc = tm_err_set(&err, TM_UNAVAIL, NULL, "the gateway holds its most WebSockets");
        else if (principal_count_locked(ws, c->who.env.id) >= ws->app->cfg->ws_per_principal)
            rc = tm_err_set(&err, TM_RATELIMITED, NULL,
                            "%d WebSockets are open for this principal already; close one",
                            ws->app->cfg->ws_per_principal);
        else
            all_add_locked(ws, c);
        pthread_mutex_unlock(&ws->mu);
    }
    if (rc != TM_OK) {
        refuse(conn, a->rid, rc, &err);
        client_free(c);
        free(a);
        return 1;
    }
    c->fd = bound_socket(ri, ws->app->cfg->ws_sndbuf, a->rid);
    p = tm_xmalloc(sizeof *p);
    p->conn = conn;
    p->client = c;
    p->born_ms = tm_mono_ms();
    pthread_mutex_lock(&ws->mu);
    p->next = ws->pending;
    ws->pending = p;
    pthread_mutex_unlock(&ws->mu);
    tm_log_info(a->rid, "ws.admit", "principal=%s role=%s addr=%s", c->who.env.id, c->who.env.role,
                c->addr);
    free(a);
    return 0;
}

/* After the handshake: the writer starts. */
static void
on_ready(struct mg_connection *conn, void *cbdata)
{
    struct gw_ws *ws = cbdata;
    struct gw_ws_client *c;
    pthread_attr_t attr;
    int ok;

    pthread_mutex_lock(&ws->mu);
    c = pending_take_locked(ws, conn);
    pthread_mutex_unlock(&ws->mu);
    if (!c)
        return; /* swept (a handshake that took over GW_WS_PENDING_MS): on_data ends it */
    c->conn = conn;
    mg_set_user_connection_data(conn, c);
    ok = pthread_attr_init(&attr) == 0;
    ok = ok && pthread_attr_setstacksize(&attr, GW_WS_WRITER_STACK) == 0 &&
         pthread_create(&c->writer, &attr, gw_ws_writer_main, c) == 0;
    if (ok)
        pthread_attr_destroy(&attr);
    if (!ok) {
        mg_set_user_connection_data(conn, NULL);
        gw_ws_send_close(c, 1013, "try again later");
        gw_ws_shutdown(c);
        pthread_mutex_lock(&ws->mu);
        all_remove_locked(ws, c);
        pthread_mutex_unlock(&ws->mu);
        client_free(c);
        return;
    }
    tm_metric_set(ws->m_clients, gw_ws_clients(ws));
    tm_log_info(c->rid, "ws.open", "principal=%s addr=%s channels=%u", c->who.env.id, c->addr,
                c->channels);
}

/* A frame from the client: none means anything (civetweb answers pings,
 * the heartbeat reads pongs). Returns 0 to end the connection: at the
 * client's close, or once a close of ours is due. */
static int
on_data(struct mg_connection *conn, int bits, char *data, size_t len, void *cbdata)
{
    struct gw_ws_client *c = mg_get_user_connection_data(conn);

    (void)cbdata;
    (void)data;
    (void)len;
    if (!c || (bits & 0xf) == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE)
        return 0;
    return atomic_load(&c->close_code) == 0;
}

static void
on_close(const struct mg_connection *conn, void *cbdata)
{
    struct gw_ws *ws = cbdata;
    struct gw_ws_client *c = mg_get_user_connection_data(conn);

    if (!c)
        return;
    pthread_mutex_lock(&ws->mu);
    atomic_store(&c->gone, 1);
    sem_post(&c->wake);
    pthread_mutex_unlock(&ws->mu);
    pthread_join(c->writer, NULL);
    mg_set_user_connection_data((struct mg_connection *)conn, NULL);
    pthread_mutex_lock(&ws->mu);
    all_remove_locked(ws, c);
    pthread_mutex_unlock(&ws->mu);
    client_free(c);
    tm_metric_set(ws->m_clients, gw_ws_clients(ws));
}

/* Every HTTP path: /api/ to the proxy, anything else a JSON 404. */
static int
on_http(struct mg_connection *conn, void *cbdata)
{
    struct gw_ws *ws = cbdata;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct tm_err err;

    if (ri->local_uri && strncmp(ri->local_uri, "/api/", 5) == 0)
        return gw_proxy_handle(conn, ws->app);
    tm_err_clear(&err);
    refuse(conn, "-", tm_err_set(&err, TM_NOTFOUND, NULL, "no such endpoint"), &err);
    return 1;
}

enum tm_code
gw_ws_new(struct gw_app *app, struct gw_ws **out, struct tm_err *err)
{
    struct gw_ws *ws = tm_xcalloc(1, sizeof *ws);
    enum tm_code rc;

    ws->app = app;
    pthread_mutex_init(&ws->mu, NULL);
    sem_init(&ws->replays, 0, GW_WS_REPLAYS);
    for (int d = 0; d < GW_DAEMONS_MAX; d++)
        ws->pushed[d] = -1;
    ws->protocol_names[0] = "bearer";
    ws->protocols.nb_subprotocols = 1;
    ws->protocols.subprotocols = ws->protocol_names;
    snprintf(ws->ping_ms, sizeof ws->ping_ms, "%d", app->cfg->ws_ping_s * 1000);
    ws->http_opts[0] = "enable_websocket_ping_pong";
    ws->http_opts[1] = "yes";
    ws->http_opts[2] = "websocket_timeout_ms";
    ws->http_opts[3] = ws->ping_ms;
    ws->http_opts[4] = NULL;
    ws->m_clients =
        tm_metric(TM_METRIC_GAUGE, "tm_gateway_ws_clients", "dashboard WebSocket connections", "");
    ws->m_closed_slow = tm_metric(TM_METRIC_COUNTER, "tm_gateway_ws_slow_closed_total",
                                  "WebSocket clients closed for falling behind (4408)", "");
    if ((rc = gw_live_listen(app->live, on_event, ws, err)) != TM_OK) {
        gw_ws_free(ws);
        return rc;
    }
    *out = ws;
    return TM_OK;
}

const char **
gw_ws_http_opts(struct gw_ws *ws)
{
    return ws->http_opts;
}

void
gw_ws_attach(struct gw_ws *ws, struct mg_context *http)
{
    /* a browser offers "bearer, <token>" (auth.h); the handshake answers
     * "bearer", the one listed here */
    mg_set_websocket_handler_with_subprotocols(http, "/", &ws->protocols, on_connect, on_ready,
                                               on_data, on_close, ws);
    mg_set_request_handler(http, "/", on_http, ws);
}

void
gw_ws_going_away(struct gw_ws *ws)
{
    int n = 0;

    if (!ws)
        return;
    pthread_mutex_lock(&ws->mu);
    for (struct gw_ws_client *c = ws->clients; c; c = c->next, n++)
        gw_ws_close_locked(c, 1001, "the gateway is stopping");
    pthread_mutex_unlock(&ws->mu);
    if (n > 0)
        tm_sleep_ms(200); /* the writers send their close frames */
}

int
gw_ws_clients(struct gw_ws *ws)
{
    int n;

    pthread_mutex_lock(&ws->mu);
    n = ws->n_connected;
    pthread_mutex_unlock(&ws->mu);
    return n;
}

void
gw_ws_free(struct gw_ws *ws)
{
    if (!ws)
        return;
    while (ws->pending) {
        struct gw_ws_pending *p = ws->pending;

        ws->pending = p->next;
        client_free(p->client);
        free(p);
    }
    sem_destroy(&ws->replays);
    pthread_mutex_destroy(&ws->mu);
    free(ws);
}

enum tm_code
gw_ws_h_plain(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    (void)ctx;
    (void)rep;
    return tm_err_set(err, TM_INVALID, "Upgrade",
                      "%s is a WebSocket: connect with Upgrade: websocket", GW_WS_PATH);
}
