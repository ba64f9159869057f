/* services/gateway/ws_push.c — each WebSocket client's writer (ws_push.h):
 * one thread per client, so a client whose socket is full blocks only its
 * own writer. It replays `since` from the sources over the gateway's bus
 * clients (one page per source, GW_WS_SINCE_EVENTS_MAX), then drains the
 * client's queue in batches, skipping what the replay already sent. Also
 * the messages both sides build. */
#include "services/gateway/ws_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/json.h"
#include "common/log.h"
#include "common/replay.h"
#include "common/time.h"

#include "services/gateway/live.h"
#include "services/gateway/revoke.h"
#include "services/gateway/ws.h"

#define WRITE_MAX (64 * 1024) /* bytes of frames written at once */

void
gw_ws_msg_unref(struct gw_ws_msg *m)
{
    if (m && atomic_fetch_sub(&m->refs, 1) == 1)
        free(m);
}

int
gw_ws_source(const char *name)
{
    for (size_t d = 0; d < gw_daemons_n; d++)
        if (!gw_daemons[d].local && strcmp(gw_daemons[d].name, name) == 0)
            return (int)d;
    return -1;
}

/* {"type":"event","channel":c,"event":{topic,source,seq,ts,data}} */
struct gw_ws_msg *
gw_ws_msg_new(const struct tm_event *ev, int src, enum gw_ws_channel c)
{
    struct tm_buf b;
    struct gw_ws_msg *m = NULL;

    tm_buf_init(&b, TM_MESSAGE_MAX);
    if (tm_buf_adds(&b, "{") == TM_OK && tm_json_kv_str(&b, "type", "event", 1) == TM_OK &&
        tm_json_kv_str(&b, "channel", gw_ws_channel_name(c), 0) == TM_OK &&
        tm_buf_adds(&b, ",\"event\":{") == TM_OK &&
        tm_json_kv_str(&b, "topic", ev->topic, 1) == TM_OK &&
        tm_json_kv_str(&b, "source", ev->source, 0) == TM_OK &&
        tm_json_kv_i64(&b, "seq", ev->seq) == TM_OK &&
        tm_json_kv_opt_str(&b, "ts", ev->ts) == TM_OK && tm_buf_adds(&b, ",\"data\":") == TM_OK &&
        tm_json_append(&b, ev->data) == TM_OK && tm_buf_adds(&b, "}}") == TM_OK) {
        size_t h = 2;

        m = tm_xmalloc(sizeof *m + 10 + b.len + 1);
        atomic_init(&m->refs, 1);
        m->src = src;
        m->seq = ev->seq;
        m->len = b.len;
        /* RFC 6455 5.2: FIN + text, the length in 7, 7+16 or 7+64 bits; a
         * server's frames are not masked */
        m->frame[0] = (char)0x81;
        if (b.len < 126) {
            m->frame[1] = (char)b.len;
        } else if (b.len <= 0xffff) {
            m->frame[1] = 126;
            m->frame[2] = (char)(b.len >> 8);
            m->frame[3] = (char)(b.len & 0xff);
            h = 4;
        } else {
            m->frame[1] = 127;
            for (int i = 0; i < 8; i++)
                m->frame[2 + i] = (char)(((uint64_t)b.len >> (56 - 8 * i)) & 0xff);
            h = 10;
        }
        m->hdr = h;
        memcpy(m->frame + h, b.p, b.len + 1);
    }
    tm_buf_fini(&b);
    return m;
}

/* May c see an event of this store? Scoped roles: their stores only. */
int
gw_ws_sees_store(const struct gw_ws_client *c, int64_t store_id)
{
    if (!store_id || !tm_role_scoped(c->who.role))
        return 1;
    for (int i = 0; i < c->who.n_stores; i++)
        if (c->who.stores[i] == store_id)
            return 1;
    return 0;
}

/* Marks c to be closed by its writer (first reason wins). ws->mu held. */
void
gw_ws_close_locked(struct gw_ws_client *c, int code, const char *reason)
{
    if (atomic_load(&c->close_code))
        return;
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
    atomic_store(&c->close_code, code);
    sem_post(&c->wake);
}

/* Queues m for c, or closes c when its queue is full. ws->mu held. */

static int
send_text(struct gw_ws_client *c, const char *text, size_t len)
{
    return mg_websocket_write(c->conn, MG_WEBSOCKET_OPCODE_TEXT, text, len) > 0;
}

void
gw_ws_send_close(struct gw_ws_client *c, int code, const char *reason)
{
    char frame[2 + GW_WS_REASON_MAX];
    size_t n = strlen(reason);

    if (n > GW_WS_REASON_MAX - 1)
        n = GW_WS_REASON_MAX - 1;
    frame[0] = (char)((code >> 8) & 0xff);
    frame[1] = (char)(code & 0xff);
    memcpy(frame + 2, reason, n);
    (void)mg_websocket_write(c->conn, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, frame, n + 2);
}

/* Sends the events of one replayed page after c->floor[src] up to `to`
 * that c may see. 0 when the connection failed. */
static int
send_page(struct gw_ws_client *c, int src, const struct tm_replay_page *pg, int64_t to)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, pg->events)
    {
        struct tm_event ev;
        struct gw_ws_msg *m;
        int64_t store_id = 0;
        unsigned hit;

        if (tm_event_from(e, &ev, NULL) != TM_OK || ev.seq <= c->floor[src] || ev.seq > to)
            continue;
        c->floor[src] = ev.seq;
        hit = gw_ws_route_event(&ev, &store_id) & c->channels;
        if (!hit || !gw_ws_sees_store(c, store_id))
            continue;
        for (int ch = 0; ch < GW_WS_CHANNELS_N; ch++) {
            int ok;

            if (!(hit & (1u << ch)) || !(m = gw_ws_msg_new(&ev, src, (enum gw_ws_channel)ch)))
                continue;
            ok = send_text(c, m->frame + m->hdr, m->len);
            gw_ws_msg_unref(m);
            if (!ok)
                return 0;
        }
    }
    return 1;
}

/* The events of src after `from` up to `to` in pages, each sent as it
 * comes: a page the source cannot send (over the bus's message limit)
 * is asked again at half the size, until the deadline. Returns a close
 * code, -1 when the connection failed, 0 when done. */
static int
replay_source(struct gw_ws_client *c, int src, const char *name, int64_t from, int64_t to,
              char *reason, size_t size)
{
    const struct gw_app *app = c->ws->app;
    int64_t deadline = tm_mono_ms() + 5000, after = from;
    int page = GW_WS_SINCE_EVENTS_MAX;

    c->floor[src] = from;
    while (after < to) {
        struct tm_replay_page pg;
        struct tm_err err;
        int n = to - after < page ? (int)(to - after) : page, ok;

        if (tm_mono_ms() >= deadline ||
            tm_replay_fetch(app->bus[src], c->rid, after, n, deadline, &pg, &err) != TM_OK) {
            if (page > 1 && tm_mono_ms() < deadline) {
                page /= 2;
                continue;
            }
            snprintf(reason, size, "since: %s cannot replay now; retry", name);
            return 4503;
        }
        if (after == from && pg.n > 0 &&
            cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(pg.events, 0), "seq")) >
                (double)(from + 1)) {
            tm_replay_page_fini(&pg);
            snprintf(reason, size, "since: %s no longer keeps those events; reload", name);
            return 4409;
        }
        ok = send_page(c, src, &pg, to);
        tm_replay_page_fini(&pg);
        if (!ok)
            return -1;
        if (pg.n == 0 || c->floor[src] <= after)
            break; /* nothing more to have */
        after = c->floor[src];
    }
    c->floor[src] = to;
    return 0;
}

/* What c missed: for each source of its since that its channels use, the
 * events after it up to where the live stream picked up (c->floor, set at
 * registration), at most GW_WS_REPLAYS clients at once. Returns a close
 * code, or 0 when done. */
static int
replay_since(struct gw_ws_client *c, const int64_t *upto, char *reason, size_t size)
{
    int code = 0, held = 0;

    for (int i = 0; i < c->since.n && code == 0; i++) {
        const char *name = c->since.at[i].source;
        int src = gw_ws_source(name);
        int64_t from = c->since.at[i].seq, to = upto[src];

        if (!(gw_ws_source_channels(name) & c->channels))
            continue;              /* none of its events would go to this client */
        if (to == 0 && from > 0) { /* the listener has not heard the source yet */
            snprintf(reason, size, "since: %s is not heard yet; retry", name);
            code = 4503;
        } else if (from > to + GW_WS_SINCE_EVENTS_MAX) {
            /* past what the source has published, by more than one gateway
             * can lag another: a since from elsewhere (another database) */
            snprintf(reason, size, "since: %s is at %lld, %lld is ahead of it; reload", name,
                     (long long)to, (long long)from);
            code = 4409;
        } else if (from >= to) {
            continue;
        } else if (to - from > GW_WS_SINCE_EVENTS_MAX) {
            snprintf(reason, size, "since: over %d events missed from %s; reload",
                     GW_WS_SINCE_EVENTS_MAX, name);
            code = 4409;
        } else if (!held && sem_trywait(&c->ws->replays) != 0) {
            snprintf(reason, size, "since: too many replays at once; retry");
            code = 1013;
        } else {
            held = 1;
            code = replay_source(c, src, name, from, to, reason, size);
        }
    }
    if (held)
        sem_post(&c->ws->replays);
    return code;
}

/* {"type":"ready","channels":[...],"seq":{"txn":N,...}}: what the client
 * receives, and per source the seq the stream goes on after (its next
 * `since`). */
static int
send_ready(struct gw_ws_client *c)
{
    struct tm_buf b;
    int ok, first = 1;

    tm_buf_init(&b, 4096);
    ok = tm_buf_adds(&b, "{\"type\":\"ready\",\"channels\":[") == TM_OK;
    for (int ch = 0; ok && ch < GW_WS_CHANNELS_N; ch++)
        if (c->channels & (1u << ch)) {
            ok = tm_buf_adds(&b, first ? "" : ",") == TM_OK &&
                 tm_json_quote(&b, gw_ws_channel_name((enum gw_ws_channel)ch)) == TM_OK;
            first = 0;
        }
    ok = ok && tm_buf_adds(&b, "],\"seq\":{") == TM_OK;
    first = 1;
    for (size_t d = 0; ok && d < gw_daemons_n; d++)
        if (!gw_daemons[d].local) {
            ok = tm_buf_adds(&b, first ? "" : ",") == TM_OK &&
                 tm_json_quote(&b, gw_daemons[d].name) == TM_OK &&
                 tm_buf_printf(&b, ":%lld", (long long)c->floor[d]) == TM_OK;
            first = 0;
        }
    ok = ok && tm_buf_adds(&b, "}}") == TM_OK && send_text(c, b.p, b.len);
    tm_buf_fini(&b);
    return ok;
}

/* Waits up to deadline_ms for the wake semaphore (a push, a close, the
 * auth, the end). sem_timedwait counts on the wall clock: waits are cut in
 * slices of a second, so a clock jump costs one slice at most. */
static void
wake_wait(struct gw_ws_client *c, int64_t deadline_ms)
{
    int64_t ms = deadline_ms - tm_mono_ms();
    struct timespec ts;

    if (ms <= 0)
        return;
    if (ms > 1000)
        ms = 1000;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    (void)sem_timedwait(&c->wake, &ts);
}

/* Joins the listener's list: from here every event after c->floor (per
 * source, the last seq the WebSocket's listener had when c joined, under
 * the same lock; before its first event, what the live listener had heard)
 * is queued for c. Returns 1 when registered. */
static int
register_client(struct gw_ws_client *c)
{
    struct gw_ws *ws = c->ws;
    int done = 0;

    pthread_mutex_lock(&ws->mu);
    if (!atomic_load(&c->gone) && !atomic_load(&c->close_code)) {
        for (size_t d = 0; d < gw_daemons_n; d++)
            if (!gw_daemons[d].local)
                c->floor[d] = ws->pushed[d] >= 0 ? ws->pushed[d]
                                                 : gw_live_heard(ws->app->live, gw_daemons[d].name);
        c->next = ws->clients;
        if (ws->clients)
            ws->clients->prev = c;
        ws->clients = c;
        c->registered = 1;
        done = 1;
    }
    pthread_mutex_unlock(&ws->mu);
    return done;
}

static void
unregister_locked(struct gw_ws_client *c)
{
    struct gw_ws *ws = c->ws;
    int cap = ws->app->cfg->ws_queue;

    if (c->registered) {
        if (c->prev)
            c->prev->next = c->next;
        else
            ws->clients = c->next;
        if (c->next)
            c->next->prev = c->prev;
        c->registered = 0;
    }
    /* no more pushes (the listener pushes under mu, to listed clients) */
    for (uint64_t i = atomic_load(&c->q_head); i != atomic_load(&c->q_tail); i++)
        gw_ws_msg_unref(c->queue[i % (uint64_t)cap]);
    atomic_store(&c->q_head, atomic_load(&c->q_tail));
}

/* Writes the batch's frames the client has not had yet (above its floor)
 * in as few writes as fit WRITE_MAX: civetweb's mg_websocket_write sends a
 * frame's header and payload in two send()s, two segments that each wake
 * nginx and the client, which at 1,000 clients doubles the work of every
 * event. The connection's lock is civetweb's own (its pongs take it). */
static int
write_frames(struct gw_ws_client *c, struct gw_ws_msg *const *m, int n)
{
    struct tm_buf b;
    int ok = 1;

    tm_buf_init(&b, WRITE_MAX);
    for (int i = 0; i <= n && ok; i++) {
        size_t len = i < n ? m[i]->hdr + m[i]->len : 0;

        if (i < n && m[i]->seq <= c->floor[m[i]->src])
            continue;
        if (b.len > 0 && (i == n || b.len + len > WRITE_MAX)) {
            mg_lock_connection(c->conn);
            ok = mg_write(c->conn, b.p, b.len) == (int)b.len;
            mg_unlock_connection(c->conn);
            tm_buf_reset(&b);
        }
        if (i == n || !ok)
            break;
        if (len > WRITE_MAX) { /* alone */
            mg_lock_connection(c->conn);
            ok = mg_write(c->conn, m[i]->frame, len) == (int)len;
            mg_unlock_connection(c->conn);
        } else if (tm_buf_add(&b, m[i]->frame, len) != TM_OK) {
            ok = 0; /* cannot happen: len + b.len <= WRITE_MAX */
        }
    }
    tm_buf_fini(&b);
    return ok;
}

/* Closes c with 4401 when its token was revoked since it connected (the
 * user's tokens are revoked when the user is disabled or their role,
 * stores or password change: revoke.h), asking PostgreSQL as the gateway
 * does when Redis cannot answer. A check that fails keeps the stream. */
static void
revoked_check(struct gw_ws_client *c)
{
    struct gw_ws *ws = c->ws;
    struct gw_ws_verdict *v = NULL, *oldest = &ws->verdicts[0];
    int64_t now = tm_mono_ms();
    struct tm_err err;
    int refused = -1;

    if (!c->who.user_id)
        return;
    pthread_mutex_lock(&ws->mu); /* one ask per token per GW_WS_RECHECK_MS, whatever its streams */
    for (int i = 0; i < GW_WS_VERDICTS && !v; i++) {
        if (strcmp(ws->verdicts[i].jti, c->who.env.token_id) == 0)
            v = &ws->verdicts[i];
        else if (ws->verdicts[i].at_ms < oldest->at_ms)
            oldest = &ws->verdicts[i];
    }
    if (v && now - v->at_ms < GW_WS_RECHECK_MS)
        refused = v->refused;
    pthread_mutex_unlock(&ws->mu);
    if (refused < 0) {
        tm_err_clear(&err);
        if (gw_revoke_check_db(ws->app, &c->who, &refused, &err) != TM_OK) {
            tm_log_warn(c->rid, "ws.recheck_failed", "error=\"%s\"", err.message);
            return;
        }
        pthread_mutex_lock(&ws->mu);
        v = v ? v : oldest; /* a slot another writer took meanwhile costs one more ask */
        snprintf(v->jti, sizeof v->jti, "%s", c->who.env.token_id);
        v->at_ms = now;
        v->refused = refused;
        pthread_mutex_unlock(&ws->mu);
    }
    if (refused) {
        pthread_mutex_lock(&c->ws->mu);
        gw_ws_close_locked(c, 4401, "token revoked: sign in again");
        pthread_mutex_unlock(&c->ws->mu);
    }
}

/* The live stream until the client goes, a close is due, or its token
 * expires. Returns a close code, or 0 when the connection failed. */
static int
stream(struct gw_ws_client *c, int64_t exp_mono_ms, char *reason, size_t size)
{
    struct gw_ws *ws = c->ws;
    uint64_t cap = (uint64_t)ws->app->cfg->ws_queue;
    int64_t recheck_ms = tm_mono_ms() + GW_WS_RECHECK_MS;

    for (;;) {
        struct gw_ws_msg *batch[GW_WS_BATCH];
        uint64_t head, tail;
        int n = 0, ok, code;

        while (sem_trywait(&c->wake) == 0) {
        } /* every post so far is seen by the checks below */
        if (atomic_load(&c->gone))
            return 0;
        if ((code = atomic_load(&c->close_code)) != 0 || tm_mono_ms() >= exp_mono_ms) {
            pthread_mutex_lock(&ws->mu);
            gw_ws_close_locked(c, 4401, "token expired: reconnect with a fresh one and since");
            code = atomic_load(&c->close_code);
            snprintf(reason, size, "%s", c->close_reason);
            pthread_mutex_unlock(&ws->mu);
            return code;
        }
        if (tm_mono_ms() >= recheck_ms) {
            revoked_check(c);
            recheck_ms = tm_mono_ms() + GW_WS_RECHECK_MS;
            continue;
        }
        head = atomic_load_explicit(&c->q_head, memory_order_relaxed);
        tail = atomic_load_explicit(&c->q_tail, memory_order_acquire);
        if (head == tail) {
            wake_wait(c, exp_mono_ms < recheck_ms ? exp_mono_ms : recheck_ms);
            continue;
        }
        while (n < GW_WS_BATCH && head + (uint64_t)n != tail) {
            batch[n] = c->queue[(head + (uint64_t)n) % cap];
            n++;
        }
        atomic_store_explicit(&c->q_head, head + (uint64_t)n, memory_order_release);
        ok = write_frames(c, batch, n);
        for (int i = 0; i < n; i++)
            gw_ws_msg_unref(batch[i]);
        if (!ok)
            return 0;
    }
}

void
gw_ws_shutdown(struct gw_ws_client *c)
{
    if (c->fd >= 0)
        (void)shutdown(c->fd, SHUT_RDWR);
}

/* After a close frame: the client's close, or the end of the connection,
 * within GW_WS_CLOSE_WAIT_MS; else the gateway ends it. */
static void
end_connection(struct gw_ws_client *c)
{
    int64_t deadline = tm_mono_ms() + GW_WS_CLOSE_WAIT_MS;

    while (!atomic_load(&c->gone) && tm_mono_ms() < deadline)
        wake_wait(c, deadline);
    if (!atomic_load(&c->gone))
        gw_ws_shutdown(c);
}

void *
gw_ws_writer_main(void *arg)
{
    struct gw_ws_client *c = arg;
    struct gw_ws *ws = c->ws;
    int64_t upto[GW_DAEMONS_MAX], exp_mono_ms;
    char reason[GW_WS_REASON_MAX] = "";
    int code = 0;

    if (register_client(c)) {
        memcpy(upto, c->floor, sizeof upto);
        code = replay_since(c, upto, reason, sizeof reason);
        for (int i = 0; i < c->since.n; i++) { /* what the client has: never again */
            int src = gw_ws_source(c->since.at[i].source);

            if (c->since.at[i].seq > c->floor[src])
                c->floor[src] = c->since.at[i].seq;
        }
        if (code == 0 && !send_ready(c))
            code = -1;
        exp_mono_ms = tm_mono_ms() + (c->who.env.token_exp * 1000 - tm_now_ms());
        if (code == 0)
            code = stream(c, exp_mono_ms, reason, sizeof reason);
    } else {
        pthread_mutex_lock(&ws->mu);
        code = atomic_load(&c->close_code);
        snprintf(reason, sizeof reason, "%s", c->close_reason);
        pthread_mutex_unlock(&ws->mu);
    }
    if (code > 0)
        gw_ws_send_close(c, code, reason);
    pthread_mutex_lock(&ws->mu);
    unregister_locked(c);
    pthread_mutex_unlock(&ws->mu);
    end_connection(c); /* at once when it ended */
    tm_log_info(c->rid, "ws.end", "principal=%s code=%d reason=\"%s\"",
                c->who.env.id[0] ? c->who.env.id : "-", code, reason);
    return NULL;
}
