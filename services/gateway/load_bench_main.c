/* services/gateway/load_bench_main.c — tm-load-bench, the documents' load
 * test (issue 22, deploy/bench-load.sh): an open-loop load through nginx.
 * It opens --conns connections (all at once, each with one request to the
 * floor route, kept in libcurl's pool), then schedules --rate requests a
 * second for --seconds, request k due at start + k / rate, of the kinds of
 * --mix (services/gateway/loadgen.c), each sent on an idle pooled
 * connection. A request's latency is measured from when it was due, not
 * from when it left: a slow answer that holds a connection delays what
 * comes after and counts against it (no coordinated omission). When every
 * connection is busy, due requests wait for one and their wait counts.
 * Errors are transport errors and answers outside 2xx.
 *
 * One thread and libcurl's multi interface: at 2,000 requests/s the tool
 * must keep up itself, so it prints how late it sent (launch - due) and
 * whether it kept up. Prints, one line each: kind=K n= errors= p50_ms=
 * p95_ms= p99_ms= max_ms= (per kind, then kind=all, whose errors count the
 * requests never sent or never answered too), a run= line (ok = 2xx
 * answers, rps = ok ÷ the scheduled seconds, kept_up) and the
 * answers outside 2xx by status with one body of each (cut, printable). */
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/time.h"

#include "services/gateway/loadgen.h"

struct lb_cfg {
    struct tm_base_cfg base;
    char host[64];
    int port;
    char token[2048];
    int conns;
    int rate;
    int seconds;
    char prices[512];
    char mix[LG_MIX_MAX + 1];
    int products;
    int stores;
    int store;
    int floor_bytes;
    char run[32];
    int timeout_ms;
};

#define F(field) offsetof(struct lb_cfg, field)
#define S(field) sizeof(((struct lb_cfg *)0)->field)
static const struct tm_cfg_opt lb_opts[] = {
    {"host", "TM_LB_HOST", TM_CFG_STR, F(host), S(host), 0, 0, "127.0.0.1", 0, "nginx address"},
    {"port", "TM_LB_PORT", TM_CFG_INT, F(port), 0, 1, 65535, "8080", 0, "nginx port"},
    {"token", "TM_BENCH_TOKEN", TM_CFG_STR, F(token), S(token), 0, 0, "", 1,
     "access token (admin) every request carries"},
    {"conns", "TM_LB_CONNS", TM_CFG_INT, F(conns), 0, 1, 20000, "1000", 0,
     "connections opened and held"},
    {"rate", "TM_LB_RATE", TM_CFG_INT, F(rate), 0, 1, 100000, "2000", 0,
     "requests scheduled per second, all kinds together"},
    {"seconds", "TM_LB_SECONDS", TM_CFG_INT, F(seconds), 0, 1, 3600, "60", 0, "how long"},
    {"prices", "TM_BENCH_PRICES", TM_CFG_STR, F(prices), S(prices), 0, 0, "", 0,
     "file of \"product_id cents\" lines stocked at the store (sales need it)"},
    {"mix", "TM_LB_MIX", TM_CFG_STR, F(mix), S(mix), 0, 0,
     "product=30,inventory=15,low_stock=10,txn_list=15,overview=10,sale=20", 0,
     "kind=weight,...: floor, product, inventory, low_stock, txn_list, overview, sale"},
    {"products", "TM_LB_PRODUCTS", TM_CFG_INT, F(products), 0, 1, 100000000, "1000", 0,
     "product GETs ask ids 1..products"},
    {"stores", "TM_LB_STORES", TM_CFG_INT, F(stores), 0, 1, 1000000, "5", 0,
     "inventory and transactions pages ask stores 1..stores"},
    {"store", "TM_LB_STORE", TM_CFG_INT, F(store), 0, 1, 1000000, "1", 0, "the store sold at"},
    {"floor-bytes", "TM_LB_FLOOR_BYTES", TM_CFG_INT, F(floor_bytes), 0, 0, 1000000, "256", 0,
     "the floor route's body size"},
    {"run", "TM_LB_RUN", TM_CFG_STR, F(run), S(run), 0, 0, "r", 0,
     "this run's tag in sales' idempotency keys and instruments"},
    {"timeout-ms", "TM_LB_TIMEOUT_MS", TM_CFG_INT, F(timeout_ms), 0, 100, 600000, "10000", 0,
     "a request not answered by then is an error"},
};
#undef F
#undef S

#define SAMPLE_MAX 160 /* bytes of an answer outside 2xx kept to print */
#define STATUS_MAX 600

struct lb_slot {
    CURL *easy;
    struct curl_slist *headers;
    struct lg_request req;
    int kind;
    int64_t due_us;
    char sample[SAMPLE_MAX + 1];
    size_t sample_len;
};

struct lb_stats {
    struct lg_hist *hist[LG_KINDS];
    struct lg_hist *lag; /* launch - due, of requests that found a connection idle */
    int64_t conn_waits;  /* requests that waited for a busy connection (the server's delay) */
    int64_t errors[LG_KINDS];
    int64_t status[STATUS_MAX]; /* answers outside 2xx by status; 0 = transport error */
    char sample[STATUS_MAX][SAMPLE_MAX + 1];
    int64_t connects; /* new connections made during the scheduled run */
    long inflight_max;
};

/* keeps the first SAMPLE_MAX bytes of an answer, for the error report */
static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct lb_slot *s = arg;
    size_t n = size * nmemb, room = SAMPLE_MAX - s->sample_len;

    memcpy(s->sample + s->sample_len, data, n < room ? n : room);
    s->sample_len += n < room ? n : room;
    return n;
}

static int
slot_start(CURLM *multi, const struct lb_cfg *cfg, struct lb_slot *s, const char *auth)
{
    char url[LG_PATH_MAX + 96], line[LG_KEY_MAX + 32];

    snprintf(url, sizeof url, "http://%s:%d%s", cfg->host, cfg->port, s->req.path);
    curl_slist_free_all(s->headers);
    s->headers = curl_slist_append(NULL, auth);
    s->headers = curl_slist_append(s->headers, "Expect:");
    if (s->req.key[0]) {
        snprintf(line, sizeof line, "Idempotency-Key: %s", s->req.key);
        s->headers = curl_slist_append(s->headers, "Content-Type: application/json");
        s->headers = curl_slist_append(s->headers, line);
    }
    s->sample_len = 0;
    curl_easy_setopt(s->easy, CURLOPT_URL, url);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    if (!strcmp(s->req.method, "POST")) {
        curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->req.body);
        curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(s->req.body));
    } else {
        curl_easy_setopt(s->easy, CURLOPT_HTTPGET, 1L);
    }
    return curl_multi_add_handle(multi, s->easy) == CURLM_OK;
}

static void
record(struct lb_stats *st, struct lb_slot *s, CURLcode rc, int64_t now_us)
{
    long code = 0, connects = 0;

    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(s->easy, CURLINFO_NUM_CONNECTS, &connects);
    st->connects += connects;
    lg_hist_add(st->hist[s->kind], now_us - s->due_us);
    if (rc == CURLE_OK && code >= 200 && code < 300)
        return;
    st->errors[s->kind]++;
    code = rc != CURLE_OK || code < 0 || code >= STATUS_MAX ? 0 : code;
    if (st->status[code]++ == 0) {
        if (code == 0)
            snprintf(st->sample[0], sizeof st->sample[0], "%s", curl_easy_strerror(rc));
        else
            memcpy(st->sample[code], s->sample, s->sample_len);
        for (char *c = st->sample[code]; *c; c++)
            if (*c < 0x20 || *c > 0x7e)
                *c = '.';
    }
}

/* Runs requests first..first+n-1 of kind (or of the mix when kind < 0) on
 * schedule; with rate 0 all at once (the warm-up). Returns how many were
 * sent. */
static int64_t
run(CURLM *multi, const struct lb_cfg *cfg, const struct lg_mix *mix, const struct lg_target *t,
    struct lb_slot *slots, struct lb_stats *st, int kind, int64_t n, int rate)
{
    char auth[2200];
    int *idle = calloc((size_t)cfg->conns, sizeof *idle), n_idle = cfg->conns, running = 0;
    int64_t k = 0, start = tm_mono_us() + 1000, give_up, busy_until = -1;

    if (!idle)
        return 0;
    give_up = start + (rate ? n * 1000000 / rate : 0) + (int64_t)cfg->timeout_ms * 1000 + 5000000;
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", cfg->token);
    for (int i = 0; i < cfg->conns; i++)
        idle[i] = cfg->conns - 1 - i;
    for (;;) {
        int64_t now = tm_mono_us(), due;
        CURLMsg *msg;
        int left, wait_ms;

        while (k < n && n_idle > 0 && (due = rate ? lg_due_us(start, k, rate) : start) <= now) {
            struct lb_slot *s = &slots[idle[--n_idle]];
            struct tm_err err;

            tm_err_clear(&err);
            s->kind = kind >= 0 ? kind : (int)lg_mix_pick(mix, (uint64_t)k);
            s->due_us = due;
            if (lg_request_make((enum lg_kind)s->kind, (uint64_t)k, t, &s->req, &err) != TM_OK ||
                !slot_start(multi, cfg, s, auth)) {
                fprintf(stderr, "tm-load-bench: request %lld: %s\n", (long long)k, err.message);
                free(idle);
                return k;
            }
            if (due <= busy_until)
                st->conn_waits++;
            else
                lg_hist_add(st->lag, now - due);
            k++;
        }
        if (cfg->conns - n_idle > st->inflight_max)
            st->inflight_max = cfg->conns - n_idle;
        curl_multi_perform(multi, &running);
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            struct lb_slot *s = NULL;

            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            /* every connection was busy until now: what fell due meanwhile
             * waited for one (the server's delay, not the tool's) */
            if (n_idle == 0)
                busy_until = tm_mono_us();
            record(st, s, msg->data.result, tm_mono_us());
            curl_multi_remove_handle(multi, s->easy);
            idle[n_idle++] = (int)(s - slots);
        }
        if ((k >= n && n_idle == cfg->conns) || tm_mono_us() > give_up)
            break;
        wait_ms = 100;
        if (k < n && n_idle > 0) {
            int64_t next = rate ? lg_due_us(start, k, rate) : start;

            int64_t ahead = next - tm_mono_us();

            /* rounded up: sleeping to the due time, never spinning toward it
             * (on 2 shared cores a spinning load generator takes a core from
             * what it measures) */
            wait_ms = ahead <= 0 ? 0 : (int)((ahead + 999) / 1000);
        }
        curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
    }
    free(idle);
    return k;
}

static struct lg_price *
load_prices(const char *path, int *n)
{
    static struct lg_price prices[LG_PRICES_MAX];
    static char text[LG_PRICES_FILE_MAX + 1];
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    size_t len;
    struct tm_err err;

    *n = 0;
    if (!f)
        return NULL;
    len = fread(text, 1, sizeof text, f);
    fclose(f);
    if (lg_prices_parse(text, len, prices, LG_PRICES_MAX, n, &err) != TM_OK) {
        fprintf(stderr, "tm-load-bench: %s: %s\n", path, err.message);
        return NULL;
    }
    return prices;
}

static void
print_kind(const char *name, const struct lg_hist *h, int64_t errors)
{
    printf("kind=%s n=%lld errors=%lld p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f\n", name,
           (long long)h->n, (long long)errors, (double)lg_hist_pct(h, 5000) / 1000,
           (double)lg_hist_pct(h, 9500) / 1000, (double)lg_hist_pct(h, 9900) / 1000,
           (double)h->max_us / 1000);
}

static void
report(const struct lb_cfg *cfg, const struct lb_stats *st, int64_t planned, int64_t sent,
       int64_t elapsed_us)
{
    struct lg_hist *all = calloc(1, sizeof *all);
    int64_t errors = 0, lag99 = st->lag->n ? lg_hist_pct(st->lag, 9900) : 0;

    if (!all)
        return;
    for (int k = 0; k < LG_KINDS; k++) {
        if (st->hist[k]->n == 0)
            continue;
        print_kind(lg_kind_name(k), st->hist[k], st->errors[k]);
        lg_hist_merge(all, st->hist[k]);
        errors += st->errors[k];
    }
    /* the requests never sent or never answered (the run gave up on them
     * timeout + 5 s after its end) are errors too */
    print_kind("all", all, errors + (planned - all->n));
    /* kept up: sent everything, and 99 % of the requests that found a
     * connection idle left within 10 ms of their due time; conn_waits are
     * those that waited for a busy connection (the server's delay, which
     * their latency shows) */
    /* rps: answered over the scheduled seconds (all answered at the
     * scheduled rate is that rate); elapsed: until the last answer */
    printf("run planned=%lld sent=%lld ok=%lld rps=%.1f seconds=%d elapsed=%.1f conns=%d "
           "connects=%lld inflight_max=%ld conn_waits=%lld lag_p99_ms=%.1f lag_max_ms=%.1f "
           "kept_up=%s\n",
           (long long)planned, (long long)sent, (long long)(all->n - errors),
           (double)(all->n - errors) / cfg->seconds, cfg->seconds, (double)elapsed_us / 1e6,
           cfg->conns, (long long)st->connects, st->inflight_max, (long long)st->conn_waits,
           (double)lag99 / 1000, (double)st->lag->max_us / 1000,
           sent == planned && lag99 <= 10000 ? "yes" : "no");
    for (int c = 0; c < STATUS_MAX; c++)
        if (st->status[c])
            printf("status=%d n=%lld sample=%s\n", c, (long long)st->status[c], st->sample[c]);
    free(all);
}

int
main(int argc, char **argv)
{
    static struct lb_cfg cfg;
    static struct lb_stats st, warm;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {lb_opts, sizeof lb_opts / sizeof lb_opts[0], &cfg},
    };
    struct lg_mix mix;
    struct lg_target target = {0};
    struct lb_slot *slots;
    struct tm_err err;
    CURLM *multi;
    int status;
    int64_t planned, sent, t0;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-load-bench",
                              "Open-loop load through nginx: a request mix at a fixed rate.")) >= 0)
        return status;
    if (lg_mix_parse(cfg.mix, strlen(cfg.mix), &mix, &err) != TM_OK) {
        fprintf(stderr, "tm-load-bench: --mix: %s\n", err.message);
        return 2;
    }
    target =
        (struct lg_target){cfg.products, cfg.stores, cfg.floor_bytes, cfg.store, cfg.run, NULL, 0};
    if (mix.weight[LG_SALE] > 0 && !(target.prices = load_prices(cfg.prices, &target.n_prices))) {
        fprintf(stderr, "tm-load-bench: sales need --prices (\"product_id cents\" lines)\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_ALL);
    multi = curl_multi_init();
    slots = calloc((size_t)cfg.conns, sizeof *slots);
    for (int k = 0; k < LG_KINDS; k++) {
        st.hist[k] = calloc(1, sizeof *st.hist[k]);
        warm.hist[k] = calloc(1, sizeof *warm.hist[k]);
    }
    st.lag = calloc(1, sizeof *st.lag);
    warm.lag = calloc(1, sizeof *warm.lag);
    if (!multi || !slots || !st.lag || !warm.lag)
        return 1;
    for (int k = 0; k < LG_KINDS; k++)
        if (!st.hist[k] || !warm.hist[k])
            return 1;
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)cfg.conns);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg.conns);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)cfg.conns);
    for (int i = 0; i < cfg.conns; i++) {
        if (!(slots[i].easy = curl_easy_init()))
            return 1;
        curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, (char *)&slots[i]);
        curl_easy_setopt(slots[i].easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(slots[i].easy, CURLOPT_WRITEDATA, &slots[i]);
        curl_easy_setopt(slots[i].easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(slots[i].easy, CURLOPT_TIMEOUT_MS, (long)cfg.timeout_ms);
        curl_easy_setopt(slots[i].easy, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg.timeout_ms);
    }
    /* every connection opened at once: one floor request on each */
    run(multi, &cfg, &mix, &target, slots, &warm, LG_FLOOR, cfg.conns, 0);
    if (warm.errors[LG_FLOOR])
        fprintf(stderr, "tm-load-bench: %lld of %d connections failed to open\n",
                (long long)warm.errors[LG_FLOOR], cfg.conns);
    planned = (int64_t)cfg.rate * cfg.seconds;
    t0 = tm_mono_us();
    sent = run(multi, &cfg, &mix, &target, slots, &st, -1, planned, cfg.rate);
    report(&cfg, &st, planned, sent, tm_mono_us() - t0);
    printf("warmup conns=%d opened=%lld errors=%lld\n", cfg.conns, (long long)warm.connects,
           (long long)warm.errors[LG_FLOOR]);
    for (int i = 0; i < cfg.conns; i++) {
        curl_easy_cleanup(slots[i].easy);
        curl_slist_free_all(slots[i].headers);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    for (int k = 0; k < LG_KINDS; k++) {
        free(st.hist[k]);
        free(warm.hist[k]);
    }
    free(st.lag);
    free(warm.lag);
    free(slots);
    return sent == planned ? 0 : 1;
}
