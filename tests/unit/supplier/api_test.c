/* tests/unit/supplier/api_test.c — the supplier API client against a real
 * HTTP server on loopback that answers from a script: 503s then a 201, a
 * 429 with Retry-After (honoured, or past the cap: given up), a dropped
 * connection, a reply hanging past the timeout, a malformed 2xx, a refusal,
 * a redirect, an oversized reply; and the breaker opening, refusing
 * without a request, letting one probe through and closing or reopening.
 * The server is a plain socket loop on its own thread (one request per
 * connection), so every byte it sends is what the script says; it records
 * each request's method, path, Idempotency-Key, Authorization and body. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/time.h"

#include "services/supplier/api.h"
#include "services/supplier/api_decode.h"
#include "tests/unit/supplier/suites.h"

enum step_kind { STEP_REPLY, STEP_DROP, STEP_HANG };

struct step {
    enum step_kind kind;
    int status;
    const char *headers; /* extra header lines, each ending \r\n */
    const char *body;
    int big; /* a body of 5 MiB instead */
};

#define SEEN_MAX 16
struct seen {
    char method[8], path[128], idem[80], auth[80];
    char body[2048];
};

struct server {
    int fd, port;
    pthread_t thread;
    volatile int stop;
    const struct step *script;
    int n_script;
    int n_seen; /* requests read */
    struct seen seen[SEEN_MAX];
};

static const char order_reply[] =
    "{\"order_id\":\"ACME-000001\",\"reference\":\"PO-12\",\"status\":\"confirmed\","
    "\"created_at\":\"2026-11-26T18:00:01Z\",\"expected_delivery\":\"2026-11-30\","
    "\"lines\":[{\"sku\":\"42\",\"quantity\":48,\"confirmed_quantity\":48,"
    "\"unit_price_cents\":1100}]}";

static void
header_value(const char *req, const char *name, char *out, size_t size)
{
    const char *p = NULL;
    size_t n, k = strlen(name);

    for (const char *q = req; *q && !p; q++)
        if (strncasecmp(q, name, k) == 0)
            p = q;

    out[0] = '\0';
    if (!p)
        return;
    p += strlen(name);
    while (*p == ' ')
        p++;
    n = strcspn(p, "\r\n");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

/* Reads one request (headers, then Content-Length bytes) into buf. */
static int
read_request(int c, char *buf, size_t size)
{
    size_t len = 0;
    char cl[16];

    while (len + 1 < size) {
        ssize_t r = read(c, buf + len, size - 1 - len);
        const char *end;

        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
        if ((end = strstr(buf, "\r\n\r\n")) == NULL)
            continue;
        header_value(buf, "\r\nContent-Length:", cl, sizeof cl);
        if (len >= (size_t)(end + 4 - buf) + (size_t)atoi(cl))
            return 0;
    }
    return -1;
}

static void
record(struct server *s, const char *req)
{
    struct seen *w;
    const char *b = strstr(req, "\r\n\r\n");

    if (s->n_seen >= SEEN_MAX)
        return;
    w = &s->seen[s->n_seen];
    sscanf(req, "%7s %127s", w->method, w->path);
    header_value(req, "\r\nIdempotency-Key:", w->idem, sizeof w->idem);
    header_value(req, "\r\nAuthorization:", w->auth, sizeof w->auth);
    snprintf(w->body, sizeof w->body, "%s", b ? b + 4 : "");
}

static void *
hang(void *arg)
{
    struct timespec ts = {1, 0};

    nanosleep(&ts, NULL); /* past the client's timeout */
    close((int)(intptr_t)arg);
    return NULL;
}

/* Answers connection c as st says, and closes it (HANG: on a thread of its
 * own, a second later, so the next attempt is served meanwhile). */
static void
answer(int c, const struct step *st)
{
    char head[512];
    size_t blen = st->big ? (size_t)5 << 20 : strlen(st->body ? st->body : "");
    pthread_t t;
    int n;

    if (st->kind == STEP_HANG) {
        ck_assert_int_eq(pthread_create(&t, NULL, hang, (void *)(intptr_t)c), 0);
        pthread_detach(t);
        return;
    }
    if (st->kind == STEP_REPLY) {
        n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n%s\r\n",
                     st->status, blen, st->headers ? st->headers : "");
        /* the client may hang up first (a reply it refuses): no SIGPIPE */
        if (send(c, head, (size_t)n, MSG_NOSIGNAL) == n && st->big) {
            char *big = malloc(blen);
            memset(big, ' ', blen);
            big[0] = '{';
            big[blen - 1] = '}';
            (void)!send(c, big, blen, MSG_NOSIGNAL);
            free(big);
        } else if (blen && !st->big) {
            (void)!send(c, st->body, blen, MSG_NOSIGNAL);
        }
    }
    close(c);
}

static void *
serve(void *arg)
{
    struct server *s = arg;
    static char req[8192];

    while (!s->stop) {
        struct pollfd p = {s->fd, POLLIN, 0};
        int c, i;

        if (poll(&p, 1, 20) <= 0)
            continue;
        if ((c = accept(s->fd, NULL, NULL)) < 0)
            continue;
        if (read_request(c, req, sizeof req) == 0) {
            i = s->n_seen;
            record(s, req);
            s->n_seen++;
            if (i < s->n_script) {
                answer(c, &s->script[i]);
                continue;
            }
        }
        close(c);
    }
    return NULL;
}

static void
server_start(struct server *s, const struct step *script, int n)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t al = sizeof a;
    int one = 1;

    memset(s, 0, sizeof *s);
    s->script = script;
    s->n_script = n;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->fd, 0);
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->fd, 16), 0);
    ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void
server_stop(struct server *s)
{
    s->stop = 1;
    pthread_join(s->thread, NULL);
    close(s->fd);
}

/* Transitions the breaker listener saw. */
struct transitions {
    int n;
    enum sup_breaker_state from[8], to[8];
};

static void
on_breaker(void *arg, int64_t supplier_id, enum sup_breaker_state from, enum sup_breaker_state to)
{
    struct transitions *t = arg;

    ck_assert_int_eq(supplier_id, 7);
    if (t->n < 8) {
        t->from[t->n] = from;
        t->to[t->n++] = to;
    }
}

static struct sup_api *
client(int attempts, int timeout_ms, int failures, int open_ms, struct transitions *tr)
{
    const struct sup_api_cfg cfg = {timeout_ms, attempts, 10, 2000, failures, open_ms};
    struct sup_api *api = NULL;
    struct tm_err err;

    ck_assert_int_eq(sup_api_new(&cfg, &api, &err), TM_OK);
    if (tr)
        sup_api_on_breaker(api, on_breaker, tr);
    return api;
}

static enum tm_code
submit(struct sup_api *api, const struct server *s, struct sup_api_order *o, struct tm_err *err)
{
    static const struct sup_api_line lines[] = {{42, 48}};
    char url[64];
    const struct sup_api_target t = {7, url, "k-secret", 0};

    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s->port);
    return sup_api_submit(api, &t, "po-12.1", "PO-12", 3, lines, 1, o, err);
}

static int64_t
ms_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_api_503_twice_then_201_same_key)
{
    const struct step script[] = {{STEP_REPLY, 503, NULL, "{}", 0},
                                  {STEP_REPLY, 503, NULL, "", 0},
                                  {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(4, 2000, 5, 10000, NULL);
    struct server s;
    struct tm_err err;

    server_start(&s, script, 3);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_OK);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_str_eq(s.seen[i].method, "POST");
        ck_assert_str_eq(s.seen[i].path, "/v1/orders");
        ck_assert_str_eq(s.seen[i].idem, "po-12.1");
        ck_assert_str_eq(s.seen[i].auth, "Bearer k-secret");
        ck_assert_str_eq(s.seen[i].body, s.seen[0].body);
    }
    ck_assert_str_eq(s.seen[0].body, "{\"reference\":\"PO-12\",\"ship_to\":{\"store_id\":3},"
                                     "\"lines\":[{\"sku\":\"42\",\"quantity\":48}]}");
    ck_assert_str_eq(o->order_id, "ACME-000001");
    ck_assert_int_eq(o->lines[0].confirmed_quantity, 48);
    ck_assert_int_eq(sup_api_breaker_state(api, 7), SUP_BREAKER_CLOSED);
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_gives_up_after_attempts)
{
    const struct step script[] = {{STEP_REPLY, 500, NULL, "", 0},
                                  {STEP_REPLY, 502, NULL, "", 0},
                                  {STEP_REPLY, 503, NULL, "", 0},
                                  {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(3, 2000, 5, 10000, NULL);
    struct server s;
    struct tm_err err;

    server_start(&s, script, 4);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 3);
    ck_assert_str_eq(err.message, "the supplier answered 503");
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_429_retry_after_honoured)
{
    const struct step script[] = {{STEP_REPLY, 429, "Retry-After: 1\r\n", "{}", 0},
                                  {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(4, 2000, 5, 10000, NULL);
    struct server s;
    struct tm_err err;
    int64_t t0 = ms_now();

    server_start(&s, script, 2);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_OK);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 2);
    ck_assert_int_ge(ms_now() - t0, 1000); /* waited as asked, not the 10 ms backoff */
    ck_assert_str_eq(s.seen[1].idem, "po-12.1");
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_429_retry_after_past_cap_stops)
{
    const struct step script[] = {{STEP_REPLY, 429, "Retry-After: 3\r\n", "{}", 0},
                                  {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(4, 2000, 5, 10000, NULL);
    struct server s;
    struct tm_err err;

    server_start(&s, script, 2);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 1);
    ck_assert_ptr_nonnull(strstr(err.message, "retry after 3 s"));
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_drop_hang_malformed_retried)
{
    const struct step script[] = {{STEP_DROP, 0, NULL, NULL, 0},
                                  {STEP_HANG, 0, NULL, NULL, 0},
                                  {STEP_REPLY, 200, NULL, "not json", 0},
                                  {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(4, 300, 5, 10000, NULL);
    struct server s;
    struct tm_err err;

    server_start(&s, script, 4);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_OK);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_str_eq(s.seen[i].idem, "po-12.1");
    ck_assert_str_eq(o->status, "confirmed");
    sup_api_free(api);
    free(o);
}
END_TEST

/* The caller's deadline bounds the call: a hang is cut at it (not at the
 * 2 s attempt timeout) and no further attempt starts after it. */
START_TEST(test_api_deadline_ends_the_call)
{
    static const struct sup_api_line lines[] = {{42, 48}};
    const struct step script[] = {{STEP_HANG, 0, NULL, NULL, 0},
                                  {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(4, 2000, 5, 10000, NULL);
    struct server s;
    struct tm_err err;
    char url[64];
    int64_t t0;

    server_start(&s, script, 2);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s.port);
    {
        const struct sup_api_target t = {7, url, NULL, tm_now_ms() + 400};
        t0 = ms_now();
        ck_assert_int_eq(sup_api_submit(api, &t, "po-12.1", "PO-12", 3, lines, 1, o, &err),
                         TM_UNAVAIL);
    }
    ck_assert_int_lt(ms_now() - t0, 1500);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 1);
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_4xx_not_retried)
{
    const struct step script[] = {
        {STEP_REPLY, 422, NULL, "{\"error\":{\"code\":\"unknown_sku\",\"message\":\"sku 42\"}}", 0},
        {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(4, 2000, 1, 10000, NULL);
    struct server s;
    struct tm_err err;

    server_start(&s, script, 2);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNPROCESSABLE);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 1);
    ck_assert_str_eq(err.message, "the supplier refused (422 unknown_sku: sku 42)");
    /* an answer, not a failure: one failure would have opened this breaker */
    ck_assert_int_eq(sup_api_breaker_state(api, 7), SUP_BREAKER_CLOSED);
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_redirect_and_big_reply_refused)
{
    const struct step script[] = {
        {STEP_REPLY, 302, "Location: http://127.0.0.1:1/v1/orders\r\n", "", 0},
        {STEP_REPLY, 200, NULL, NULL, 1}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(1, 2000, 5, 10000, NULL);
    struct server s;
    struct tm_err err;

    server_start(&s, script, 2);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(err.message, "redirects are not followed"));
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(err.message, "larger"));
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 2);
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_refuses_bad_input_without_request)
{
    static const struct sup_api_line lines[] = {{42, 0}};
    const struct sup_api_target t = {7, "ftp://127.0.0.1/", NULL, 0};
    const struct sup_api_target good = {7, "http://127.0.0.1:1", NULL, 0};
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api *api = client(1, 2000, 5, 10000, NULL);
    struct sup_api_cfg bad = {0, 1, 1, 1, 1, 0};
    struct sup_api *none = NULL;
    struct tm_err err;

    ck_assert_int_eq(sup_api_new(&bad, &none, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "timeout_ms");
    ck_assert_ptr_null(none);
    ck_assert_int_eq(sup_api_submit(api, &good, "bad key!", "r", 1, lines, 1, o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "key");
    ck_assert_int_eq(sup_api_submit(api, &good, "k", "r", 1, lines, 1, o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines");
    ck_assert_int_eq(sup_api_cancel(api, &t, "A-1", o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "api_url");
    ck_assert_int_eq(sup_api_cancel(api, &good, "../x", o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "order_id");
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_breaker_opens_probes_and_closes)
{
    const struct step script[] = {
        {STEP_REPLY, 503, NULL, "", 0},         {STEP_REPLY, 503, NULL, "", 0},
        {STEP_REPLY, 503, NULL, "", 0},         {STEP_REPLY, 503, NULL, "", 0},
        {STEP_REPLY, 503, NULL, "", 0}, /* the first probe */
        {STEP_REPLY, 201, NULL, order_reply, 0}};
    struct sup_api_order *o = malloc(sizeof *o);
    struct transitions tr = {0};
    struct sup_api *api = client(2, 2000, 2, 300, &tr);
    struct server s;
    struct tm_err err;
    struct timespec wait = {0, 400 * 1000000L};
    struct tm_health h;

    server_start(&s, script, 6);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL); /* 2 attempts */
    ck_assert_int_eq(sup_api_breaker_state(api, 7), SUP_BREAKER_CLOSED);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL); /* 2 more: opens */
    ck_assert_int_eq(sup_api_breaker_state(api, 7), SUP_BREAKER_OPEN);
    memset(&h, 0, sizeof h);
    sup_api_health(api, &h);
    ck_assert_int_eq(h.n, 1);
    ck_assert_str_eq(h.deps[0].name, "supplier-api");
    ck_assert_int_eq(h.deps[0].up, TM_HEALTH_DEGRADED);
    ck_assert_str_eq(h.deps[0].detail,
                     "breaker not closed for 1 of 1 suppliers called: supplier 7 open");
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL); /* refused at once */
    ck_assert_str_eq(err.message, "supplier 7: breaker open");
    ck_assert_int_eq(s.n_seen, 4);
    nanosleep(&wait, NULL);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL); /* one probe, one request */
    ck_assert_int_eq(s.n_seen, 5);
    ck_assert_int_eq(sup_api_breaker_state(api, 7), SUP_BREAKER_OPEN);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_UNAVAIL); /* open again */
    ck_assert_int_eq(s.n_seen, 5);
    nanosleep(&wait, NULL);
    ck_assert_int_eq(submit(api, &s, o, &err), TM_OK); /* the probe succeeds */
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 6);
    ck_assert_int_eq(sup_api_breaker_state(api, 7), SUP_BREAKER_CLOSED);
    memset(&h, 0, sizeof h);
    sup_api_health(api, &h);
    ck_assert_int_eq(h.deps[0].up, TM_HEALTH_UP);
    ck_assert_int_eq(tr.n, 5);
    ck_assert_int_eq(tr.to[0], SUP_BREAKER_OPEN);
    ck_assert_int_eq(tr.to[1], SUP_BREAKER_HALF_OPEN);
    ck_assert_int_eq(tr.to[2], SUP_BREAKER_OPEN);
    ck_assert_int_eq(tr.to[3], SUP_BREAKER_HALF_OPEN);
    ck_assert_int_eq(tr.from[4], SUP_BREAKER_HALF_OPEN);
    ck_assert_int_eq(tr.to[4], SUP_BREAKER_CLOSED);
    sup_api_free(api);
    free(o);
}
END_TEST

START_TEST(test_api_catalogue_get_retried)
{
    static const char cat[] =
        "{\"currency\":\"USD\",\"items\":[{\"sku\":\"42\",\"price_breaks\":[{\"min_quantity\":1,"
        "\"unit_price_cents\":1250}],\"available\":120,\"lead_time_days\":4}]}";
    const struct step script[] = {{STEP_DROP, 0, NULL, NULL, 0}, {STEP_REPLY, 200, NULL, cat, 0}};
    struct sup_api *api = client(2, 2000, 5, 10000, NULL);
    struct sup_api_catalogue c;
    char url[64];
    const struct sup_api_target t = {7, url, NULL, 0};
    struct server s;
    struct tm_err err;

    server_start(&s, script, 2);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    ck_assert_int_eq(sup_api_catalogue(api, &t, &c, &err), TM_OK);
    server_stop(&s);
    ck_assert_int_eq(s.n_seen, 2);
    ck_assert_str_eq(s.seen[1].method, "GET");
    ck_assert_str_eq(s.seen[1].path, "/v1/catalogue");
    ck_assert_str_eq(s.seen[1].auth, "");
    ck_assert_int_eq(c.n_items, 1);
    ck_assert_int_eq(c.items[0].available, 120);
    sup_api_catalogue_fini(&c);
    sup_api_free(api);
}
END_TEST

Suite *
api_suite(void)
{
    Suite *s = suite_create("supplier.api");
    TCase *r = tcase_create("retries");
    TCase *b = tcase_create("breaker");

    tcase_set_timeout(r, 30);
    tcase_add_test(r, test_api_503_twice_then_201_same_key);
    tcase_add_test(r, test_api_gives_up_after_attempts);
    tcase_add_test(r, test_api_429_retry_after_honoured);
    tcase_add_test(r, test_api_429_retry_after_past_cap_stops);
    tcase_add_test(r, test_api_drop_hang_malformed_retried);
    tcase_add_test(r, test_api_deadline_ends_the_call);
    tcase_add_test(r, test_api_4xx_not_retried);
    tcase_add_test(r, test_api_redirect_and_big_reply_refused);
    tcase_add_test(r, test_api_refuses_bad_input_without_request);
    tcase_add_test(r, test_api_catalogue_get_retried);
    tcase_set_timeout(b, 30);
    tcase_add_test(b, test_api_breaker_opens_probes_and_closes);
    suite_add_tcase(s, r);
    suite_add_tcase(s, b);
    return s;
}
