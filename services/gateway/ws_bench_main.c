#define _GNU_SOURCE /* memmem */
/* services/gateway/ws_bench_main.c — tm-ws-bench, the WebSocket's load
 * generator (deploy/bench-ws.sh): connects N dashboard clients through
 * nginx with civetweb's WebSocket client (the token offered as the
 * subprotocols "bearer, <token>", as a browser does), waits until every one is ready, posts sales
 * at a steady rate through the API, and measures for every client and every sale the time from the
 * sale's commit (its event's ts) to the client's receipt. Prints one line: clients=N sales=S
 * received=R lost=L p50_ms=... p99_ms=... max_ms=... lost counts (client, sale) pairs never
 * received: it must be 0. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>
#include <cjson/cJSON.h>

#include "common/config.h"
#include "common/json.h"
#include "common/time.h"

struct wb_cfg {
    struct tm_base_cfg base;
    char host[64];
    int port;
    char token[2048];
    int clients;
    int rate;
    int seconds;
    char prices[512];
    int store;
    char channels[64];
};

#define F(field) offsetof(struct wb_cfg, field)
#define S(field) sizeof(((struct wb_cfg *)0)->field)
static const struct tm_cfg_opt wb_opts[] = {
    {"host", "TM_WSB_HOST", TM_CFG_STR, F(host), S(host), 0, 0, "127.0.0.1", 0, "nginx address"},
    {"port", "TM_WSB_PORT", TM_CFG_INT, F(port), 0, 1, 65535, "8080", 0, "nginx port"},
    {"token", "TM_BENCH_TOKEN", TM_CFG_STR, F(token), S(token), 0, 0, "", 1,
     "access token (admin): the clients' subprotocol and the sales' credentials"},
    {"clients", "TM_WSB_CLIENTS", TM_CFG_INT, F(clients), 0, 1, 20000, "1000", 0,
     "WebSocket clients"},
    {"rate", "TM_WSB_RATE", TM_CFG_INT, F(rate), 0, 1, 1000, "20", 0, "sales posted per second"},
    {"seconds", "TM_WSB_SECONDS", TM_CFG_INT, F(seconds), 0, 1, 3600, "10", 0,
     "how long sales are posted"},
    {"prices", "TM_BENCH_PRICES", TM_CFG_STR, F(prices), S(prices), 0, 0, "", 0,
     "file of \"product_id cents\" lines stocked at the store"},
    {"store", "TM_WSB_STORE", TM_CFG_INT, F(store), 0, 1, 1000000, "1", 0, "the store sold at"},
    {"channels", "TM_WSB_CHANNELS", TM_CFG_STR, F(channels), S(channels), 0, 0, "sales", 0,
     "channels the clients ask"},
};
#undef F
#undef S

#define SALES_MAX 100000

#define HIST_MS 60000 /* latencies counted per millisecond up to a minute */

struct wb_client {
    struct mg_connection *conn;
    atomic_int ready;
    int cap;       /* room in ms and seen: the sales posted at most */
    int n;         /* latencies recorded; civetweb's client thread only */
    int64_t *ms;   /* [cap] commit → receipt, ms */
    int64_t *seen; /* [cap] sale ids received */
    atomic_int closed;
    int close_code;
};

/* A sale event's id and commit time, read by position, not parsed: the
 * tool must cost the clients' side little, or it would measure itself.
 * The gateway writes {"type":"event",...,"ts":"<ISO 8601>","data":{"id":N,... */
static int
event_of(const char *data, size_t len, int64_t *id, int64_t *ts_ms)
{
    char ts[TM_ISO8601_MAX];
    const char *t, *d, *end = data + len;
    struct tm_time when;
    size_t n;

    if (len < 40 || strncmp(data, "{\"type\":\"event\"", 15) != 0 ||
        !(t = memmem(data, len, "\"ts\":\"", 6)) ||
        !(d = memmem(t, (size_t)(end - t), "\"data\":{\"id\":", 13)))
        return 0;
    t += 6;
    n = (size_t)(d - t);
    if (!memchr(t, '"', n) || (n = (size_t)((const char *)memchr(t, '"', n) - t)) >= sizeof ts)
        return 0;
    memcpy(ts, t, n);
    ts[n] = '\0';
    if (tm_time_parse(ts, "ts", &when, NULL) != TM_OK)
        return 0;
    *ts_ms = when.epoch_ms;
    *id = strtoll(d + 13, NULL, 10);
    return *id > 0;
}

static int
on_data(struct mg_connection *conn, int bits, char *data, size_t len, void *arg)
{
    struct wb_client *c = arg;
    int64_t now = tm_now_ms(), id, ts;

    if ((bits & 0xf) == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE) {
        c->close_code = len >= 2 ? ((unsigned char)data[0] << 8 | (unsigned char)data[1]) : 0;
        return 0;
    }
    if ((bits & 0xf) == MG_WEBSOCKET_OPCODE_PING) /* the gateway's heartbeat */
        mg_websocket_client_write(conn, MG_WEBSOCKET_OPCODE_PONG, data, len);
    if ((bits & 0xf) != MG_WEBSOCKET_OPCODE_TEXT)
        return 1;
    if (len > 15 && !strncmp(data, "{\"type\":\"ready\"", 15)) {
        atomic_store(&c->ready, 1);
        return 1;
    }
    if (c->n < c->cap && event_of(data, len, &id, &ts)) {
        c->ms[c->n] = now - ts;
        c->seen[c->n++] = id;
    }
    return 1;
}

static void
on_close(const struct mg_connection *conn, void *arg)
{
    struct wb_client *c = arg;

    (void)conn;
    atomic_store(&c->closed, 1);
}

/* Posts one sale; returns its id, or -1. */
static int64_t
post_sale(const struct wb_cfg *cfg, int64_t product, int cents, int k)
{
    char err[256], body[512], buf[8192];
    struct mg_connection *conn;
    const struct mg_response_info *ri;
    int64_t id = -1;
    int n, got = 0;

    snprintf(body, sizeof body,
             "{\"store_id\":%d,\"lines\":[{\"product_id\":%lld,\"quantity\":1,\"unit_price\":"
             "%d.%02d}],\"channel\":\"pos\",\"payment_method\":\"card\",\"instrument\":"
             "\"wsb-%lld-%d\"}",
             cfg->store, (long long)product, cents / 100, cents % 100, (long long)tm_now_ms(), k);
    conn = mg_connect_client(cfg->host, cfg->port, 0, err, sizeof err);
    if (!conn)
        return -1;
    mg_printf(conn,
              "POST /api/v1/transactions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
              "Content-Type: application/json\r\nIdempotency-Key: wsb-%lld-%d\r\n"
              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
              cfg->host, cfg->token, (long long)tm_now_ms(), k, strlen(body), body);
    if (mg_get_response(conn, err, sizeof err, 10000) >= 0 &&
        (ri = mg_get_response_info(conn)) != NULL && ri->status_code == 201) {
        while (got < (int)sizeof buf - 1 &&
               (n = mg_read(conn, buf + got, sizeof buf - 1 - (size_t)got)) > 0)
            got += n;
        buf[got] = '\0';
        {
            cJSON *root = NULL;

            if (tm_json_parse(buf, (size_t)got, TM_JSON_DEPTH_MAX, "sale", &root, NULL) == TM_OK &&
                cJSON_IsNumber(cJSON_GetObjectItem(root, "id")))
                id = (int64_t)cJSON_GetObjectItem(root, "id")->valuedouble;
            cJSON_Delete(root);
        }
    }
    mg_close_connection(conn);
    return id;
}

static int
load_prices(const char *path, int64_t *ids, int *cents, int max)
{
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    long long id;
    int c, n = 0;

    if (!f)
        return 0;
    while (n < max && fscanf(f, "%lld %d", &id, &c) == 2) {
        ids[n] = id;
        cents[n++] = c;
    }
    fclose(f);
    return n;
}

int
main(int argc, char **argv)
{
    static struct wb_cfg cfg;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {wb_opts, sizeof wb_opts / sizeof wb_opts[0], &cfg},
    };
    static int64_t ids[4096], sales[SALES_MAX];
    static int cents[4096];
    struct wb_client *cl;
    char path[128], auth[2200], err[256];
    int status, n_prices, n_sales = 0, connected = 0;
    int64_t t0, n_all = 0, lost = 0, max_ms = -1, *hist, p50 = -1, p99 = -1, acc = 0;
    int cap;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-ws-bench",
                              "Dashboard WebSocket load: N clients, sales at a steady rate.")) >= 0)
        return status;
    if (!(n_prices = load_prices(cfg.prices, ids, cents, 4096))) {
        fprintf(stderr, "tm-ws-bench: no prices in '%s'\n", cfg.prices);
        return 2;
    }
    mg_init_library(0);
    cap = cfg.rate * cfg.seconds + 16;
    cl = calloc((size_t)(cfg.clients > 0 ? cfg.clients : 1), sizeof *cl);
    hist = calloc(HIST_MS + 1, sizeof *hist);
    if (!cl || !hist)
        return 1;
    snprintf(path, sizeof path, "/api/v1/ws/dashboard?channels=%s", cfg.channels);
    /* civetweb's client sets no header of ours: the line rides after its
     * extensions header */
    snprintf(auth, sizeof auth, "x-none\r\nSec-WebSocket-Protocol: bearer, %s", cfg.token);
    for (int i = 0; i < cfg.clients; i++) {
        cl[i].cap = cap;
        cl[i].ms = calloc((size_t)cap, sizeof *cl[i].ms);
        cl[i].seen = calloc((size_t)cap, sizeof *cl[i].seen);
        if (!cl[i].ms || !cl[i].seen)
            return 1;
        cl[i].conn = mg_connect_websocket_client_extensions(
            cfg.host, cfg.port, 0, err, sizeof err, path, NULL, auth, on_data, on_close, &cl[i]);
        if (!cl[i].conn) {
            fprintf(stderr, "tm-ws-bench: client %d: %s\n", i, err);
            continue;
        }
        connected++;
    }
    t0 = tm_mono_ms();
    for (int ready = 0; tm_mono_ms() - t0 < 30000; tm_sleep_ms(50)) {
        ready = 0;
        for (int i = 0; i < cfg.clients; i++)
            ready += atomic_load(&cl[i].ready);
        if (ready == connected)
            break;
    }
    t0 = tm_mono_ms();
    for (int k = 0; k < cfg.rate * cfg.seconds && n_sales < SALES_MAX; k++) {
        int64_t due = t0 + (int64_t)k * 1000 / cfg.rate, id;

        if (tm_mono_ms() < due)
            tm_sleep_ms(due - tm_mono_ms());
        if ((id = post_sale(&cfg, ids[k % n_prices], cents[k % n_prices], k)) > 0)
            sales[n_sales++] = id;
    }
    tm_sleep_ms(2000); /* the last sales' events */
    /* a close frame each first: the server's answer ends each client's
     * reading thread, which mg_close_connection otherwise waits out */
    for (int i = 0; i < cfg.clients; i++)
        if (cl[i].conn)
            mg_websocket_client_write(cl[i].conn, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "\x03\xe8",
                                      2);
    t0 = tm_mono_ms();
    for (int closed = 0; closed < connected && tm_mono_ms() - t0 < 5000; tm_sleep_ms(20)) {
        closed = 0;
        for (int i = 0; i < cfg.clients; i++)
            closed += cl[i].conn && atomic_load(&cl[i].closed);
    }
    for (int i = 0; i < cfg.clients; i++)
        if (cl[i].conn)
            mg_close_connection(cl[i].conn);
    for (int i = 0; i < cfg.clients; i++) {
        int got = 0;

        for (int s = 0; s < n_sales; s++)
            for (int j = 0; j < cl[i].n; j++)
                if (cl[i].seen[j] == sales[s]) {
                    int64_t ms = cl[i].ms[j] < 0 ? 0 : cl[i].ms[j];

                    hist[ms > HIST_MS ? HIST_MS : ms]++;
                    max_ms = ms > max_ms ? ms : max_ms;
                    n_all++;
                    got++;
                    break;
                }
        lost += n_sales - got;
    }
    for (int64_t ms = 0; ms <= HIST_MS && n_all > 0; ms++) {
        acc += hist[ms];
        if (p50 < 0 && acc * 2 >= n_all)
            p50 = ms;
        if (p99 < 0 && acc * 100 >= n_all * 99)
            p99 = ms;
    }
    printf("clients=%d connected=%d sales=%d received=%lld lost=%lld p50_ms=%lld p99_ms=%lld "
           "max_ms=%lld\n",
           cfg.clients, connected, n_sales, (long long)n_all, (long long)lost, (long long)p50,
           (long long)p99, (long long)max_ms);
    mg_exit_library();
    return connected == cfg.clients && n_sales > 0 && lost == 0 ? 0 : 1;
}
