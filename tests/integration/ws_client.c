/* tests/integration/ws_client.c — the tests' WebSocket client (ws_client.h). */
#include "tests/integration/ws_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

static int
on_data(struct mg_connection *conn, int bits, char *data, size_t len, void *arg)
{
    struct wsc *c = arg;
    int op = bits & 0xf;

    if (op == MG_WEBSOCKET_OPCODE_PING) /* the gateway's heartbeat */
        mg_websocket_client_write(conn, MG_WEBSOCKET_OPCODE_PONG, data, len);
    pthread_mutex_lock(&c->mu);
    if (op == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE)
        c->close_code = len >= 2 ? ((unsigned char)data[0] << 8 | (unsigned char)data[1]) : 0;
    else if (op == MG_WEBSOCKET_OPCODE_TEXT && c->n < MSGS_MAX) {
        c->msgs[c->n] = strndup(data, len);
        c->at_ms[c->n++] = tm_mono_ms();
    }
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    return op != MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE;
}

static void
on_close(const struct mg_connection *conn, void *arg)
{
    struct wsc *c = arg;

    (void)conn;
    pthread_mutex_lock(&c->mu);
    c->closed = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

/* Connects to path?query through nginx offering token as a browser does
 * (Sec-WebSocket-Protocol: bearer, <token>). civetweb's client sets no
 * header of ours: the line rides after its extensions header. NULL when
 * the upgrade is refused. */
struct wsc *
ws_open_at(int port, const char *query, const char *token)
{
    struct wsc *c = calloc(1, sizeof *c);
    char path[512], err[256], ext[2300];

    pthread_mutex_init(&c->mu, NULL);
    tm_cond_init_mono(&c->cond);
    c->close_code = -1;
    snprintf(path, sizeof path, "/api/v1/ws/dashboard%s%s", query[0] ? "?" : "", query);
    snprintf(ext, sizeof ext, "x-none\r\nSec-WebSocket-Protocol: bearer, %s", token);
    c->conn = mg_connect_websocket_client_extensions("127.0.0.1", port, 0, err, sizeof err, path,
                                                     NULL, ext, on_data, on_close, c);
    if (!c->conn) {
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    return c;
}

struct wsc *
ws_open(const char *query, const char *token)
{
    return ws_open_at(st.http_port, query, token);
}

/* Index of the first message from `from` on holding every needle (NULL
 * ends the list), waiting up to timeout_ms; -1 when none came. */
int
ws_wait(struct wsc *c, int from, int timeout_ms, const char *n1, const char *n2)
{
    int64_t deadline = tm_mono_ms() + timeout_ms;
    int found = -1;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        for (int i = from; i < c->n && found < 0; i++)
            if (strstr(c->msgs[i], n1) && (!n2 || strstr(c->msgs[i], n2)))
                found = i;
        if (found >= 0 || c->closed || tm_mono_ms() >= deadline)
            break;
        tm_cond_wait_until(&c->cond, &c->mu, deadline);
    }
    pthread_mutex_unlock(&c->mu);
    return found;
}

int
ws_wait_close(struct wsc *c, int timeout_ms)
{
    int64_t deadline = tm_mono_ms() + timeout_ms;
    int code;

    pthread_mutex_lock(&c->mu);
    while (c->close_code < 0 && !c->closed && tm_mono_ms() < deadline)
        tm_cond_wait_until(&c->cond, &c->mu, deadline);
    code = c->close_code;
    pthread_mutex_unlock(&c->mu);
    return code;
}

void
ws_free(struct wsc *c)
{
    if (!c)
        return;
    /* a close frame first: the server's answer ends the client's reading
     * thread, which mg_close_connection would otherwise wait out */
    mg_websocket_client_write(c->conn, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "\x03\xe8", 2);
    pthread_mutex_lock(&c->mu);
    for (int64_t deadline = tm_mono_ms() + 2000; !c->closed && tm_mono_ms() < deadline;)
        tm_cond_wait_until(&c->cond, &c->mu, deadline);
    pthread_mutex_unlock(&c->mu);
    mg_close_connection(c->conn);
    for (int i = 0; i < c->n; i++)
        free(c->msgs[i]);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
