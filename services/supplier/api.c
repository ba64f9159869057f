/* services/supplier/api.c — tm-supplier's client of a supplier's HTTP API
 * (docs/supplier-api.md), over libcurl. Called from bus workers (purchase
 * orders) and the catalogue-refresh job: a handful of calls a minute per
 * supplier, each a fresh easy handle, so nothing but the breaker table is
 * shared. A call is a loop of attempts: each bounded by timeout_ms, its
 * reply by SUP_API_REPLY_MAX (refused while receiving), redirects not
 * followed, only http and https. What is safe to repeat is retried on
 * connection trouble, timeouts, dropped or empty replies, 5xx, 429 and a
 * malformed 2xx, with the waits of common/backoff.c; an order is
 * safe to repeat because it carries the buyer's Idempotency-Key. The
 * breakers (services/supplier/breaker.c) sit in a table under one mutex,
 * never held across I/O. */
#include "services/supplier/api.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/backoff.h"
#include "common/json.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"

#include "services/supplier/api_decode.h"

#define URL_MAX 1024
#define REQ_BODY_MAX ((size_t)64 << 10) /* 500 lines of ~60 bytes, with room */

struct slot {
    int64_t supplier_id;
    struct sup_breaker b;
};

struct sup_api {
    struct sup_api_cfg cfg;        /* read-only after sup_api_new */
    sup_api_breaker_fn on_breaker; /* set before sharing; read-only after */
    void *on_breaker_arg;
    pthread_mutex_t mu;
    struct slot *slots; /* protected by mu; n_slots used of cap_slots */
    int n_slots, cap_slots;
    uint64_t rng; /* xorshift64 state for the jitter; protected by mu */
};

/* An attempt needs at least this long before the caller's deadline. */
#define DEADLINE_FLOOR_MS 50

/* What one attempt came to. */
enum outcome {
    OUT_OK,      /* a 2xx that decoded */
    OUT_REFUSED, /* a 4xx other than 429: the supplier answered no */
    OUT_RETRY,   /* trouble worth another attempt */
    OUT_FAIL,    /* trouble another attempt would not mend (a redirect, a bad URL) */
};

typedef enum tm_code (*decode_fn)(const char *body, size_t len, void *out, struct tm_err *err);

/* One request as the caller shaped it. */
struct request {
    const char *method; /* GET or POST */
    char url[URL_MAX];
    const char *body;     /* POST body, NULL for GET */
    const char *idem_key; /* Idempotency-Key, NULL for none */
    decode_fn decode;
    void *out;
};

/* The reply of one attempt. */
struct reply {
    struct tm_buf body;
    long status;
    int64_t retry_after_s; /* TM_BACKOFF_NO_RETRY_AFTER when absent */
    int too_big;
};

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

static enum tm_code
check_cfg(const struct sup_api_cfg *c, struct tm_err *err)
{
    if (c->timeout_ms < 1 || c->timeout_ms > SUP_API_TIMEOUT_MS_MAX)
        return tm_err_set(err, TM_INVALID, "timeout_ms", "1 to %d", SUP_API_TIMEOUT_MS_MAX);
    if (c->attempts < 1 || c->attempts > SUP_API_ATTEMPTS_MAX)
        return tm_err_set(err, TM_INVALID, "attempts", "1 to %d", SUP_API_ATTEMPTS_MAX);
    if (c->backoff_ms < 1 || c->backoff_ms > SUP_API_BACKOFF_MS_MAX)
        return tm_err_set(err, TM_INVALID, "backoff_ms", "1 to %d", SUP_API_BACKOFF_MS_MAX);
    if (c->backoff_max_ms < c->backoff_ms || c->backoff_max_ms > SUP_API_BACKOFF_MS_MAX)
        return tm_err_set(err, TM_INVALID, "backoff_max_ms", "backoff_ms to %d",
                          SUP_API_BACKOFF_MS_MAX);
    if (c->breaker_failures < 1 || c->breaker_failures > SUP_API_BREAKER_FAILURES_MAX)
        return tm_err_set(err, TM_INVALID, "breaker_failures", "1 to %d",
                          SUP_API_BREAKER_FAILURES_MAX);
    if (c->breaker_open_ms < 0 || c->breaker_open_ms > SUP_API_BREAKER_OPEN_MS_MAX)
        return tm_err_set(err, TM_INVALID, "breaker_open_ms", "0 to %d",
                          SUP_API_BREAKER_OPEN_MS_MAX);
    return TM_OK;
}

enum tm_code
sup_api_new(const struct sup_api_cfg *cfg, struct sup_api **out, struct tm_err *err)
{
    struct sup_api *api;
    enum tm_code rc = check_cfg(cfg, err);

    *out = NULL;
    if (rc != TM_OK)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "curl_global_init failed");
    api = tm_xcalloc(1, sizeof *api);
    api->cfg = *cfg;
    pthread_mutex_init(&api->mu, NULL);
    api->rng = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid() ^ (uintptr_t)api;
    if (!api->rng)
        api->rng = 1;
    *out = api;
    return TM_OK;
}

void
sup_api_free(struct sup_api *api)
{
    if (!api)
        return;
    pthread_mutex_destroy(&api->mu);
    free(api->slots);
    free(api);
    curl_global_cleanup();
}

void
sup_api_on_breaker(struct sup_api *api, sup_api_breaker_fn fn, void *arg)
{
    api->on_breaker = fn;
    api->on_breaker_arg = arg;
}

/* ------------------------------------------------------------ breakers */

/* The slot of supplier_id, made closed on first use (*made set then, when
 * made is not NULL). Caller holds mu. */
static struct slot *
slot_of(struct sup_api *api, int64_t supplier_id, int *made)
{
    for (int i = 0; i < api->n_slots; i++)
        if (api->slots[i].supplier_id == supplier_id)
            return &api->slots[i];
    if (made)
        *made = 1;
    if (api->n_slots == api->cap_slots) {
        api->cap_slots = api->cap_slots ? api->cap_slots * 2 : 16;
        api->slots = tm_xrealloc(api->slots, (size_t)api->cap_slots * sizeof *api->slots);
    }
    api->slots[api->n_slots].supplier_id = supplier_id;
    sup_breaker_init(&api->slots[api->n_slots].b);
    return &api->slots[api->n_slots++];
}

static void
gauge(int64_t supplier_id, enum sup_breaker_state st)
{
    char labels[64];

    snprintf(labels, sizeof labels, "supplier_id=\"%" PRId64 "\"", supplier_id);
    tm_metric_set(tm_metric(TM_METRIC_GAUGE, "tm_supplier_api_breaker_state",
                            "a supplier's API breaker: 0 closed, 1 open, 2 half-open", labels),
                  (int64_t)st);
}

static void
breaker_changed(struct sup_api *api, int64_t supplier_id, enum sup_breaker_state from,
                enum sup_breaker_state to)
{
    char labels[64];

    gauge(supplier_id, to);
    snprintf(labels, sizeof labels, "to=\"%s\"", sup_breaker_state_name(to));
    tm_metric_add(tm_metric(TM_METRIC_COUNTER, "tm_supplier_api_breaker_transitions_total",
                            "state changes of the suppliers' API breakers", labels),
                  1);
    tm_log_warn(NULL, "supplier_api.breaker", "supplier=%" PRId64 " from=%s to=%s", supplier_id,
                sup_breaker_state_name(from), sup_breaker_state_name(to));
    if (api->on_breaker)
        api->on_breaker(api->on_breaker_arg, supplier_id, from, to);
}

/* Whether a call to supplier_id may go; *probe when it is the half-open probe. */
static int
breaker_allow(struct sup_api *api, int64_t supplier_id, int *probe)
{
    const struct sup_breaker_cfg bc = {api->cfg.breaker_failures, api->cfg.breaker_open_ms};
    enum sup_breaker_state from, to;
    int ok, made = 0;

    pthread_mutex_lock(&api->mu);
    struct slot *s = slot_of(api, supplier_id, &made);
    from = s->b.state;
    ok = sup_breaker_allow(&s->b, &bc, now_ms());
    to = s->b.state;
    pthread_mutex_unlock(&api->mu);
    if (made) /* the series exists from the first call, closed */
        gauge(supplier_id, from);
    *probe = ok && to == SUP_BREAKER_HALF_OPEN;
    if (from != to)
        breaker_changed(api, supplier_id, from, to);
    return ok;
}

static void
breaker_report(struct sup_api *api, int64_t supplier_id, int failed)
{
    const struct sup_breaker_cfg bc = {api->cfg.breaker_failures, api->cfg.breaker_open_ms};
    enum sup_breaker_state from, to;
    bool changed;

    pthread_mutex_lock(&api->mu);
    struct slot *s = slot_of(api, supplier_id, NULL);
    from = s->b.state;
    changed = failed ? sup_breaker_failure(&s->b, &bc, now_ms()) : sup_breaker_success(&s->b);
    to = s->b.state;
    pthread_mutex_unlock(&api->mu);
    if (changed)
        breaker_changed(api, supplier_id, from, to);
}

enum sup_breaker_state
sup_api_breaker_state(struct sup_api *api, int64_t supplier_id)
{
    enum sup_breaker_state st = SUP_BREAKER_CLOSED;

    pthread_mutex_lock(&api->mu);
    for (int i = 0; i < api->n_slots; i++)
        if (api->slots[i].supplier_id == supplier_id)
            st = api->slots[i].b.state;
    pthread_mutex_unlock(&api->mu);
    return st;
}

void
sup_api_health(struct sup_api *api, struct tm_health *h)
{
    char detail[160] = "";
    size_t used = 0;
    int n = 0, not_closed = 0;

    pthread_mutex_lock(&api->mu);
    n = api->n_slots;
    for (int i = 0; i < api->n_slots; i++) {
        const struct slot *s = &api->slots[i];
        int w;

        if (s->b.state == SUP_BREAKER_CLOSED)
            continue;
        not_closed++;
        if (used >= sizeof detail)
            continue; /* the count below still says how many */
        w = snprintf(detail + used, sizeof detail - used, "%ssupplier %" PRId64 " %s",
                     used ? ", " : "", s->supplier_id, sup_breaker_state_name(s->b.state));
        used = w < 0 ? sizeof detail : used + (size_t)w;
    }
    pthread_mutex_unlock(&api->mu);
    if (!not_closed)
        tm_health_add(h, "supplier-api", TM_HEALTH_UP, "%d suppliers called, every breaker closed",
                      n);
    else
        tm_health_add(h, "supplier-api", TM_HEALTH_DEGRADED,
                      "breaker not closed for %d of %d suppliers called: %s", not_closed, n,
                      detail);
}

/* ------------------------------------------------------------- attempts */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct reply *r = arg;
    size_t n = size * nmemb;

    if (tm_buf_add(&r->body, data, n) != TM_OK) {
        r->too_big = 1;
        return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Keeps Retry-After when it is in seconds (an HTTP date is ignored). */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct reply *r = arg;
    size_t n = size * nmemb, k = sizeof "Retry-After:" - 1;
    int64_t v = 0;
    size_t i;

    if (n <= k || strncasecmp(data, "Retry-After:", k) != 0)
        return n;
    for (i = k; i < n && (data[i] == ' ' || data[i] == '\t'); i++)
        ;
    if (i == n || data[i] < '0' || data[i] > '9')
        return n;
    for (; i < n && data[i] >= '0' && data[i] <= '9'; i++)
        if (v < 1000000000) /* beyond any cap; no overflow */
            v = v * 10 + (data[i] - '0');
    r->retry_after_s = v;
    return n;
}

static struct curl_slist *
headers_of(const struct sup_api_target *t, const struct request *rq)
{
    struct curl_slist *h = NULL;
    char line[640];

    h = curl_slist_append(h, "Accept: application/json");
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    if (rq->body)
        h = curl_slist_append(h, "Content-Type: application/json");
    if (t->api_key) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", t->api_key);
        h = curl_slist_append(h, line);
    }
    if (rq->idem_key) {
        snprintf(line, sizeof line, "Idempotency-Key: %s", rq->idem_key);
        h = curl_slist_append(h, line);
    }
    return h;
}

static CURL *
easy_of(long timeout_ms, const struct request *rq, struct curl_slist *h, struct reply *r,
        char *errbuf)
{
    CURL *c = curl_easy_init();

    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)SUP_API_REPLY_MAX);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    if (rq->body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body));
    }
    return c;
}

/* The transfer failed at the transport: worth another attempt? */
static int
transport_retryable(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WRITE_ERROR:       /* the reply passed SUP_API_REPLY_MAX: malformed */
    case CURLE_FILESIZE_EXCEEDED: /* the same, announced */
        return 1;
    default:
        return 0;
    }
}

/* What a reply with an HTTP status came to; err says why when not OUT_OK. */
static enum outcome
judge(const struct request *rq, struct reply *r, struct tm_err *err)
{
    char msg[200];
    struct tm_err derr;

    if (r->status >= 200 && r->status < 300) {
        if (rq->decode(r->body.p ? r->body.p : "", r->body.len, rq->out, &derr) == TM_OK)
            return OUT_OK;
        tm_err_set(err, TM_UNAVAIL, NULL, "malformed reply (%s: %s)", derr.field, derr.message);
        return OUT_RETRY;
    }
    if (r->status == 429 || r->status >= 500) {
        tm_err_set(err, TM_UNAVAIL, NULL, "the supplier answered %ld", r->status);
        return OUT_RETRY;
    }
    if (r->status >= 400) {
        sup_api_decode_error(r->body.p ? r->body.p : "", r->body.len, msg, sizeof msg);
        tm_err_set(err, r->status == 404 ? TM_NOTFOUND : TM_UNPROCESSABLE, NULL,
                   "the supplier refused (%ld%s%s)", r->status, msg[0] ? " " : "", msg);
        return OUT_REFUSED;
    }
    tm_err_set(err, TM_UNAVAIL, NULL, "the supplier answered %ld (redirects are not followed)",
               r->status);
    return OUT_FAIL;
}

/* What is left of the caller's deadline (ms; a large number when none). */
static int64_t
left_ms(const struct sup_api_target *t)
{
    return t->deadline_ms > 0 ? t->deadline_ms - tm_now_ms() : INT64_MAX;
}

static enum outcome
attempt(const struct sup_api *api, const struct sup_api_target *t, const struct request *rq,
        struct reply *r, struct tm_err *err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = headers_of(t, rq);
    int64_t left = left_ms(t);
    CURL *c = easy_of(left < api->cfg.timeout_ms ? (long)left : (long)api->cfg.timeout_ms, rq, h, r,
                      errbuf);
    CURLcode cc;
    enum outcome o;

    tm_buf_reset(&r->body);
    r->status = 0;
    r->retry_after_s = TM_BACKOFF_NO_RETRY_AFTER;
    r->too_big = 0;
    if (!c) {
        curl_slist_free_all(h);
        tm_err_set(err, TM_UNAVAIL, NULL, "curl_easy_init failed");
        return OUT_FAIL;
    }
    cc = curl_easy_perform(c);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        o = judge(rq, r, err);
    } else {
        tm_err_set(err, TM_UNAVAIL, NULL, "%s",
                   r->too_big || cc == CURLE_FILESIZE_EXCEEDED
                       ? "reply larger than 4 MiB"
                       : (errbuf[0] ? errbuf : curl_easy_strerror(cc)));
        o = transport_retryable(cc) ? OUT_RETRY : OUT_FAIL;
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return o;
}

static uint32_t
draw(struct sup_api *api)
{
    uint64_t x;

    pthread_mutex_lock(&api->mu);
    x = api->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    api->rng = x;
    pthread_mutex_unlock(&api->mu);
    return (uint32_t)(x >> 32);
}

static void
count(const char *name, const char *help, const char *outcome)
{
    char labels[48];

    snprintf(labels, sizeof labels, "outcome=\"%s\"", outcome);
    tm_metric_add(tm_metric(TM_METRIC_COUNTER, name, help, labels), 1);
}

/* Runs rq against t with retries, under t's breaker. */
static enum tm_code
call(struct sup_api *api, const struct sup_api_target *t, const struct request *rq,
     struct tm_err *err)
{
    static const char *const names[] = {"ok", "refused", "retry", "fail"};
    const char *calls = "tm_supplier_api_calls_total";
    const char *calls_help = "calls to suppliers' APIs, by outcome";
    struct tm_backoff bo = {api->cfg.attempts, api->cfg.backoff_ms, api->cfg.backoff_max_ms};
    struct reply r = {.retry_after_s = TM_BACKOFF_NO_RETRY_AFTER};
    struct tm_err e = {0};
    enum outcome o = OUT_FAIL;
    int probe, done = 0;

    /* before the breaker: a half-open probe taken is a probe reported */
    if (left_ms(t) < DEADLINE_FLOOR_MS)
        return tm_err_set(err, TM_UNAVAIL, NULL, "no time left before the caller's deadline");
    if (!breaker_allow(api, t->supplier_id, &probe)) {
        count(calls, calls_help, "breaker_open");
        return tm_err_set(err, TM_UNAVAIL, NULL, "supplier %" PRId64 ": breaker open",
                          t->supplier_id);
    }
    if (probe)
        bo.attempts = 1; /* a probe is one request: the supplier is likely still down */
    tm_buf_init(&r.body, SUP_API_REPLY_MAX);
    for (;;) {
        int wait;

        o = attempt(api, t, rq, &r, &e);
        done++;
        count("tm_supplier_api_attempts_total", "requests sent to suppliers' APIs, by outcome",
              names[o]);
        if (o != OUT_RETRY)
            break;
        wait = tm_backoff_wait_ms(&bo, done, draw(api), r.retry_after_s);
        tm_log_warn(NULL, "supplier_api.retry",
                    "supplier=%" PRId64 " method=%s attempt=%d status=%ld wait_ms=%d error=\"%s\"",
                    t->supplier_id, rq->method, done, r.status, wait, e.message);
        if (wait != TM_BACKOFF_STOP && left_ms(t) - wait < DEADLINE_FLOOR_MS) {
            char why[TM_ERR_MESSAGE_MAX];
            snprintf(why, sizeof why, "%s", e.message);
            tm_err_set(&e, TM_UNAVAIL, NULL, "%s (the caller's deadline ends the retries)", why);
            break;
        }
        if (wait == TM_BACKOFF_STOP) {
            if (r.retry_after_s > api->cfg.backoff_max_ms / 1000)
                tm_err_set(&e, TM_UNAVAIL, NULL,
                           "the supplier asked to retry after %" PRId64 " s, beyond the cap",
                           r.retry_after_s);
            break;
        }
        sleep_ms(wait);
    }
    tm_buf_fini(&r.body);
    breaker_report(api, t->supplier_id, o == OUT_RETRY || o == OUT_FAIL);
    count(calls, calls_help, o == OUT_OK ? "ok" : o == OUT_REFUSED ? "refused" : "failed");
    if (o == OUT_OK)
        return TM_OK;
    if (err)
        *err = e;
    return e.code;
}

/* ------------------------------------------------------------ requests */

/* 1..max of A-Z a-z 0-9 . _ : - (an Idempotency-Key; an order id in a path). */
static int
token_ok(const char *s, size_t max)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
    size_t n = strlen(s);

    return n >= 1 && n <= max && strspn(s, ok) == n;
}

/* rq->url = t->base_url (without its trailing slashes) + path. */
static enum tm_code
url_of(const struct sup_api_target *t, const char *path, struct request *rq, struct tm_err *err)
{
    size_t n;
    int w;

    if (!t->base_url ||
        (strncmp(t->base_url, "http://", 7) != 0 && strncmp(t->base_url, "https://", 8) != 0))
        return tm_err_set(err, TM_INVALID, "api_url", "the supplier's api_url is not http(s)");
    n = strlen(t->base_url);
    while (n > 0 && t->base_url[n - 1] == '/')
        n--;
    w = snprintf(rq->url, sizeof rq->url, "%.*s%s", (int)n, t->base_url, path);
    if (w < 0 || (size_t)w >= sizeof rq->url)
        return tm_err_set(err, TM_INVALID, "api_url", "the supplier's api_url is too long");
    return TM_OK;
}

static enum tm_code
decode_order(const char *body, size_t len, void *out, struct tm_err *err)
{
    return sup_api_decode_order(body, len, out, err);
}

static enum tm_code
decode_catalogue(const char *body, size_t len, void *out, struct tm_err *err)
{
    return sup_api_decode_catalogue(body, len, out, err);
}

/* The order body: {"reference","ship_to":{"store_id"},"lines":[{"sku","quantity"}]}. */
static enum tm_code
order_body(const char *reference, int64_t store_id, const struct sup_api_line *lines, int n,
           struct tm_buf *b)
{
    enum tm_code rc = tm_buf_adds(b, "{");

    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "reference", reference, 1);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"ship_to\":{\"store_id\":%" PRId64 "},\"lines\":[", store_id);
    for (int i = 0; i < n && rc == TM_OK; i++) {
        char sku[24];

        snprintf(sku, sizeof sku, "%" PRId64, lines[i].product_id);
        rc = tm_buf_adds(b, i ? ",{" : "{");
        if (rc == TM_OK)
            rc = tm_json_kv_str(b, "sku", sku, 1);
        if (rc == TM_OK)
            rc = tm_buf_printf(b, ",\"quantity\":%" PRId64 "}", lines[i].quantity);
    }
    return rc == TM_OK ? tm_buf_adds(b, "]}") : rc;
}

enum tm_code
sup_api_submit(struct sup_api *api, const struct sup_api_target *t, const char *key,
               const char *reference, int64_t store_id, const struct sup_api_line *lines, int n,
               struct sup_api_order *out, struct tm_err *err)
{
    struct request rq = {.method = "POST", .idem_key = key, .decode = decode_order, .out = out};
    struct tm_buf b;
    enum tm_code rc;

    if (!key || !token_ok(key, SUP_API_KEY_MAX))
        return tm_err_set(err, TM_INVALID, "key", "1 to %d of A-Z a-z 0-9 . _ : -",
                          SUP_API_KEY_MAX);
    if (n < 1 || n > SUP_API_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "1 to %d lines", SUP_API_LINES_MAX);
    for (int i = 0; i < n; i++)
        if (lines[i].product_id < 1 || lines[i].quantity < 1 ||
            lines[i].quantity > SUP_API_QUANTITY_MAX)
            return tm_err_set(err, TM_INVALID, "lines",
                              "line %d: product id >= 1, quantity 1 "
                              "to %lld",
                              i, (long long)SUP_API_QUANTITY_MAX);
    if ((rc = url_of(t, "/v1/orders", &rq, err)) != TM_OK)
        return rc;
    tm_buf_init(&b, REQ_BODY_MAX);
    if ((rc = order_body(reference ? reference : "", store_id, lines, n, &b)) != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, "reference", "order body too large");
    else {
        rq.body = b.p;
        rc = call(api, t, &rq, err);
    }
    tm_buf_fini(&b);
    return rc;
}

/* GET or POST of /v1/orders/{order_id}[suffix], answering an order. */
static enum tm_code
order_call(struct sup_api *api, const struct sup_api_target *t, const char *method,
           const char *order_id, const char *suffix, struct sup_api_order *out, struct tm_err *err)
{
    struct request rq = {.method = method, .decode = decode_order, .out = out};
    char path[128];
    enum tm_code rc;

    if (!order_id || !token_ok(order_id, SUP_API_ORDER_ID_MAX))
        return tm_err_set(err, TM_INVALID, "order_id", "1 to %d of A-Z a-z 0-9 . _ : -",
                          SUP_API_ORDER_ID_MAX);
    snprintf(path, sizeof path, "/v1/orders/%s%s", order_id, suffix);
    if ((rc = url_of(t, path, &rq, err)) != TM_OK)
        return rc;
    if (strcmp(method, "POST") == 0)
        rq.body = "{}";
    return call(api, t, &rq, err);
}

enum tm_code
sup_api_cancel(struct sup_api *api, const struct sup_api_target *t, const char *order_id,
               struct sup_api_order *out, struct tm_err *err)
{
    /* a cancel may be repeated: the supplier answers 200 for a cancelled order */
    return order_call(api, t, "POST", order_id, "/cancel", out, err);
}

enum tm_code
sup_api_order_get(struct sup_api *api, const struct sup_api_target *t, const char *order_id,
                  struct sup_api_order *out, struct tm_err *err)
{
    return order_call(api, t, "GET", order_id, "", out, err);
}

enum tm_code
sup_api_catalogue(struct sup_api *api, const struct sup_api_target *t,
                  struct sup_api_catalogue *out, struct tm_err *err)
{
    struct request rq = {.method = "GET", .decode = decode_catalogue, .out = out};
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = url_of(t, "/v1/catalogue", &rq, err)) != TM_OK)
        return rc;
    return call(api, t, &rq, err);
}
