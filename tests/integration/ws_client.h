/* tests/integration/ws_client.h — a WebSocket client of the dashboard
 * stream through nginx for the integration tests (civetweb's client): it
 * keeps every text frame with the time it came, answers the gateway's
 * pings, and records the close code. */
#ifndef TM_TESTS_INTEGRATION_WS_CLIENT_H
#define TM_TESTS_INTEGRATION_WS_CLIENT_H

#include <pthread.h>
#include <stdint.h>

#include <civetweb.h>

#define MSGS_MAX 512

struct wsc {
    struct mg_connection *conn;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    char *msgs[MSGS_MAX]; /* text frames received, in order */
    int64_t at_ms[MSGS_MAX];
    int n;
    int close_code; /* from the server's close frame; -1 before */
    int closed;
};

/* Connects to /api/v1/ws/dashboard?query on port as a browser does
 * (Sec-WebSocket-Protocol: bearer, <token>); NULL when refused. */
struct wsc *ws_open_at(int port, const char *query, const char *token);
/* The same through the stack's nginx. */
struct wsc *ws_open(const char *query, const char *token);
/* Index of the first message from `from` on holding n1 (and n2 unless
 * NULL), waiting up to timeout_ms; -1 when none came. */
int ws_wait(struct wsc *c, int from, int timeout_ms, const char *n1, const char *n2);
/* The server's close code, waiting up to timeout_ms; -1 when none came. */
int ws_wait_close(struct wsc *c, int timeout_ms);
/* Closes (a close frame first) and frees. NULL-safe. */
void ws_free(struct wsc *c);

#endif
