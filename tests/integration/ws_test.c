/* tests/integration/ws_test.c — the dashboard WebSocket through nginx
 * (services/gateway/ws.h, docs/analytics.md "Live updates"), with civetweb's
 * WebSocket client authenticating by its first message as a browser does:
 * a sale reaches a client within a second; a store manager of another store
 * does not get it; bad tokens, channels and since are refused before the
 * upgrade (or closed with a code after it); `since` replays what a client
 * missed; a client that stops reading is closed without holding up one
 * that reads. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <civetweb.h>

#include "common/time.h"

#include "services/gateway/token.h"
#include "tests/integration/client.h"

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

/* Connects to path?query through nginx and, when token, sends the auth
 * message. NULL when the upgrade is refused. */
static struct wsc *
ws_open(const char *query, const char *token)
{
    struct wsc *c = calloc(1, sizeof *c);
    char path[512], err[256], auth[2300];

    pthread_mutex_init(&c->mu, NULL);
    tm_cond_init_mono(&c->cond);
    c->close_code = -1;
    snprintf(path, sizeof path, "/api/v1/ws/dashboard%s%s", query[0] ? "?" : "", query);
    c->conn = mg_connect_websocket_client("127.0.0.1", st.http_port, 0, err, sizeof err, path, NULL,
                                          on_data, on_close, c);
    if (!c->conn) {
        free(c);
        return NULL;
    }
    if (token) {
        snprintf(auth, sizeof auth, "{\"type\":\"auth\",\"token\":\"%s\"}", token);
        mg_websocket_client_write(c->conn, MG_WEBSOCKET_OPCODE_TEXT, auth, strlen(auth));
    }
    return c;
}

/* Index of the first message from `from` on holding every needle (NULL
 * ends the list), waiting up to timeout_ms; -1 when none came. */
static int
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

static int
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

static void
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

/* A store with a stocked product that tm-txn knows. */
static void
shop(long long *store, long long *product, int qty)
{
    *store = new_store();
    *product = new_product();
    receive(*store, *product, qty);
    wait_known(*store, *product);
}

static void
id_needle(long long id, char *out, size_t size)
{
    snprintf(out, size, "\"data\":{\"id\":%lld,", id);
}

START_TEST(test_ws_sale_arrives_within_a_second)
{
    long long store, product, id;
    struct wsc *c;
    const char *topic = "\"topic\":\"txn.created\",\"source\":\"txn\"";
    char idn[64];
    int64_t posted;
    int i;

    shop(&store, &product, 5);
    c = ws_open("channels=sales", st.token[0]);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_ge(ws_wait(c, 0, 5000, "\"type\":\"ready\"", "\"channels\":[\"sales\"]"), 0);
    id = cash_sale("ws-arrives", store, product);
    posted = tm_mono_ms();
    id_needle(id, idn, sizeof idn);
    i = ws_wait(c, 0, 5000, topic, idn);
    ck_assert_msg(i >= 0, "the sale's event never came");
    ck_assert_msg(c->at_ms[i] - posted < 1000, "the sale came after %lld ms",
                  (long long)(c->at_ms[i] - posted));
    ck_assert_ptr_nonnull(strstr(c->msgs[i], "\"type\":\"event\",\"channel\":\"sales\""));
    ck_assert_ptr_nonnull(strstr(c->msgs[i], "\"ts\":\"20"));
    ws_free(c);
}
END_TEST

/* A store manager's token for store only (user 1 exists: revocation passes). */
static void
manager_token(long long store, char *out, size_t size)
{
    struct gw_claims cl;
    int64_t now = tm_now_ms() / 1000;

    memset(&cl, 0, sizeof cl);
    snprintf(cl.sub, sizeof cl.sub, "user:1");
    snprintf(cl.role, sizeof cl.role, "store_manager");
    snprintf(cl.jti, sizeof cl.jti, "ws%.20s", run_tag());
    cl.stores[0] = store;
    cl.n_stores = 1;
    cl.iat = now - 10;
    cl.exp = now + 600;
    ck_assert_int_eq(gw_token_sign(&cl, (const unsigned char *)st.jwt_secret, strlen(st.jwt_secret),
                                   out, size, NULL),
                     TM_OK);
}

START_TEST(test_ws_store_manager_sees_own_store_only)
{
    long long mine, other, p1, p2, id_other, id_mine;
    char tok[GW_TOKEN_MAX], idn[64];
    struct wsc *c;

    shop(&mine, &p1, 5);
    shop(&other, &p2, 5);
    manager_token(mine, tok, sizeof tok);
    c = ws_open("channels=sales", tok);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_ge(ws_wait(c, 0, 5000, "\"type\":\"ready\"", NULL), 0);
    id_other = cash_sale("ws-other", other, p2);
    id_mine = cash_sale("ws-mine", mine, p1);
    /* events come in seq order: once its own sale is here, the other
     * store's (earlier) one would have been too */
    id_needle(id_mine, idn, sizeof idn);
    ck_assert_int_ge(ws_wait(c, 0, 5000, idn, NULL), 0);
    id_needle(id_other, idn, sizeof idn);
    ck_assert_int_lt(ws_wait(c, 0, 0, idn, NULL), 0);
    ws_free(c);
}
END_TEST

static void
upgrade_refused(const char *query, const char *auth, int status, const char *field)
{
    char path[512], extra[2600];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/ws/dashboard%s", query);
    snprintf(extra, sizeof extra,
             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s",
             auth);
    ck_assert_int_eq(http_raw(0, "GET", path, NULL, extra, &r), 0);
    ck_assert_msg(r.status == status, "%s: %d %s", query, r.status, r.body);
    ck_assert_str_eq(err_field(&r), field);
    resp_free(&r);
}

START_TEST(test_ws_bad_input_refused)
{
    char admin[2200], viewer[2200];
    struct wsc *c;

    snprintf(admin, sizeof admin, "Authorization: Bearer %s\r\n", st.token[0]);
    snprintf(viewer, sizeof viewer, "Authorization: Bearer %s\r\n", st.token[5]);
    upgrade_refused("?channels=sales,weather", admin, 400, "channels");
    upgrade_refused("?channels=sales,sales", admin, 400, "channels");
    upgrade_refused("?channels=", admin, 400, "channels");
    upgrade_refused("?since=txn:x", admin, 400, "since");
    upgrade_refused("?since=nosuch:4", admin, 400, "since");
    upgrade_refused("?token=abc", admin, 400, "token");
    upgrade_refused("?channels=fraud", viewer, 403, "channels");
    upgrade_refused("?channels=sales", "Authorization: Bearer not.a.token\r\n", 401,
                    "Authorization");
    /* a plain GET is told to upgrade; any other WebSocket path is a JSON 404 */
    {
        struct resp r;

        ck_assert_int_eq(http("GET", "/api/v1/ws/dashboard", NULL, &r), 0);
        ck_assert_int_eq(r.status, 400);
        ck_assert_str_eq(err_field(&r), "Upgrade");
        resp_free(&r);
    }
    {
        char path[] = "/api/v1/ws/nope", extra[256];
        struct resp r;

        snprintf(extra, sizeof extra,
                 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        ck_assert_int_eq(http_raw(st.gw_ports[0], "GET", path, NULL, extra, &r), 0);
        ck_assert_int_eq(r.status, 404);
        ck_assert_str_eq(err_code(&r), "not_found");
        resp_free(&r);
        ck_assert_int_eq(http_raw(st.gw_ports[0], "GET", "/elsewhere", NULL, "", &r), 0);
        ck_assert_int_eq(r.status, 404);
        ck_assert_str_eq(err_code(&r), "not_found");
        resp_free(&r);
    }
    /* after the upgrade, a browser's bad first message is closed with a code */
    c = ws_open("channels=sales", "garbage");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ws_wait_close(c, 5000), 4401);
    ws_free(c);
    c = ws_open("channels=fraud", st.token[5]);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ws_wait_close(c, 5000), 4403);
    ws_free(c);
    c = ws_open("", NULL);
    ck_assert_ptr_nonnull(c);
    mg_websocket_client_write(c->conn, MG_WEBSOCKET_OPCODE_TEXT, "{\"type\":\"hello\"}", 16);
    ck_assert_int_eq(ws_wait_close(c, 5000), 4400);
    ws_free(c);
}
END_TEST

/* The seq the ready message gives for source ("txn"). */
static long long
ready_seq(struct wsc *c, int i, const char *source)
{
    char needle[64];
    const char *p;

    snprintf(needle, sizeof needle, "\"%s\":", source);
    p = strstr(strstr(c->msgs[i], "\"seq\":{"), needle);
    return p ? atoll(p + strlen(needle)) : -1;
}

START_TEST(test_ws_since_replays_what_was_missed)
{
    long long store, product, seq, id;
    char q[128], idn[64];
    struct wsc *c;
    int i, j;

    shop(&store, &product, 5);
    c = ws_open("channels=sales", st.token[0]);
    ck_assert_ptr_nonnull(c);
    i = ws_wait(c, 0, 5000, "\"type\":\"ready\"", NULL);
    ck_assert_int_ge(i, 0);
    seq = ready_seq(c, i, "txn");
    ck_assert_int_gt(seq, 0);
    ws_free(c);
    id = cash_sale("ws-missed", store, product); /* while nobody listens */
    tm_sleep_ms(300);
    snprintf(q, sizeof q, "channels=sales&since=txn:%lld", seq);
    c = ws_open(q, st.token[0]);
    ck_assert_ptr_nonnull(c);
    id_needle(id, idn, sizeof idn);
    j = ws_wait(c, 0, 5000, idn, NULL);
    i = ws_wait(c, 0, 5000, "\"type\":\"ready\"", NULL);
    ck_assert_msg(j >= 0 && i > j, "missed sale at %d, ready at %d", j, i);
    ck_assert_int_ge(ready_seq(c, i, "txn"), seq + 1);
    ws_free(c);
    /* further behind than the bound: reload */
    snprintf(q, sizeof q, "channels=sales&since=txn:%lld", seq > 1001 ? seq - 1001 : 0);
    if (seq > 1001) {
        c = ws_open(q, st.token[0]);
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(ws_wait_close(c, 5000), 4409);
        ws_free(c);
    }
}
END_TEST

/* A client that stops reading: a raw socket, straight to gateway #1 (so
 * nginx's buffers do not hide it), with a tiny receive buffer; it upgrades
 * and never reads again. */
static int
stalled_client(void)
{
    struct sockaddr_in a;
    char req[3000], buf[1024];
    int s = socket(AF_INET, SOCK_STREAM, 0), rcv = 2048, n;

    ck_assert_int_ge(s, 0);
    ck_assert_int_eq(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv), 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)st.gw_ports[0]);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(s, (struct sockaddr *)&a, sizeof a), 0);
    snprintf(req, sizeof req,
             "GET /api/v1/ws/dashboard?channels=sales,stock HTTP/1.1\r\nHost: localhost\r\n"
             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
             "Authorization: Bearer %s\r\n\r\n",
             st.token[0]);
    ck_assert_int_eq(write(s, req, strlen(req)), (ssize_t)strlen(req));
    n = (int)read(s, buf, sizeof buf - 1);
    ck_assert_int_gt(n, 12);
    buf[n] = '\0';
    ck_assert_msg(strncmp(buf, "HTTP/1.1 101", 12) == 0, "%.60s", buf);
    return s;
}

static long long
metric(int port, const char *name)
{
    struct resp r;
    const char *p;
    long long v = -1;

    ck_assert_int_eq(http_raw(port, "GET", "/metrics", NULL, "", &r), 0);
    if ((p = strstr(r.body, name)) != NULL && (p = strchr(p, ' ')) != NULL)
        v = atoll(p + 1);
    resp_free(&r);
    return v;
}

START_TEST(test_ws_slow_client_closed_fast_one_unharmed)
{
    long long store, product, ids[150], slow_before;
    int64_t posted[150], worst = 0;
    struct wsc *fast;
    int stalled, n = 150;

    shop(&store, &product, n + 5);
    slow_before = metric(st.gw_ops_port, "\ntm_gateway_ws_slow_closed_total ");
    fast = ws_open("channels=sales", st.token[0]);
    ck_assert_ptr_nonnull(fast);
    ck_assert_int_ge(ws_wait(fast, 0, 5000, "\"type\":\"ready\"", NULL), 0);
    stalled = stalled_client();
    for (int k = 0; k < n; k++) {
        char key[32];

        snprintf(key, sizeof key, "ws-slow-%d", k);
        ids[k] = cash_sale(key, store, product);
        posted[k] = tm_mono_ms();
    }
    for (int k = 0; k < n; k++) {
        char idn[64];
        int i;

        id_needle(ids[k], idn, sizeof idn);
        i = ws_wait(fast, 0, 5000, idn, NULL);
        ck_assert_msg(i >= 0, "the fast client lost sale %d", k);
        if (fast->at_ms[i] - posted[k] > worst)
            worst = fast->at_ms[i] - posted[k];
    }
    ck_assert_msg(worst < 1000, "the fast client waited %lld ms", (long long)worst);
    for (int64_t t0 = tm_mono_ms(); tm_mono_ms() - t0 < 5000; tm_sleep_ms(100))
        if (metric(st.gw_ops_port, "\ntm_gateway_ws_slow_closed_total ") > slow_before)
            break;
    ck_assert_int_gt(metric(st.gw_ops_port, "\ntm_gateway_ws_slow_closed_total "), slow_before);
    close(stalled);
    ws_free(fast);
}
END_TEST

Suite *
ws_suite(void)
{
    Suite *s = suite_create("ws");
    TCase *tc = tcase_create("ws");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_ws_sale_arrives_within_a_second);
    tcase_add_test(tc, test_ws_store_manager_sees_own_store_only);
    tcase_add_test(tc, test_ws_bad_input_refused);
    tcase_add_test(tc, test_ws_since_replays_what_was_missed);
    tcase_add_test(tc, test_ws_slow_client_closed_fast_one_unharmed);
    suite_add_tcase(s, tc);
    return s;
}
