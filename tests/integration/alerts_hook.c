/* tests/integration/alerts_hook.c — the alert tests' receivers
 * (alerts_hook.h): a webhook receiver inside the test process (civetweb, on
 * TM_TEST_HOOK_PORT) that records every request and checks its HMAC
 * signature, and the reader of the SMTP sink deploy/run-tests.sh starts
 * (aiosmtpd), which leaves every message it takes as a file in
 * TM_TEST_SMTP_DIR/new. */
#include "tests/integration/alerts_hook.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>

#include "common/hash.h"
#include "common/time.h"

#include "tests/integration/client.h"

/* The receiver: requests it took; paths under /hold answer a delivery id's
 * first request only after hold_ms (a slow receiver to kill a sender on);
 * paths under /slow answer every request 500 after SLOW_MS. */
static struct {
    pthread_mutex_t mu;
    struct hook_req req[HOOK_MAX];
    int n;
    int holding; /* requests being held now */
    int hold_ms;
    struct mg_context *ctx;
} hook = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* 1 when the request's X-TechMart-Signature is HMAC-SHA256(SECRET, ts.body) */
static int
signed_ok(struct mg_connection *c, const char *body, size_t len)
{
    const char *ts = mg_get_header(c, "X-TechMart-Timestamp");
    const char *sig = mg_get_header(c, "X-TechMart-Signature");
    char *msg, hex[65], want[80];
    unsigned char mac[32];
    size_t tl;

    if (!ts || !sig)
        return 0;
    tl = strlen(ts);
    msg = malloc(tl + 1 + len);
    memcpy(msg, ts, tl);
    msg[tl] = '.';
    memcpy(msg + tl + 1, body, len);
    tm_hmac_sha256(SECRET, strlen(SECRET), msg, tl + 1 + len, mac);
    free(msg);
    if (tm_hex(mac, sizeof mac, hex, sizeof hex) != TM_OK)
        return 0;
    snprintf(want, sizeof want, "sha256=%s", hex);
    return strcmp(want, sig) == 0 && llabs(atoll(ts) - tm_now_ms() / 1000) < 300;
}

/* 1 when delivery id d was seen before (the caller holds mu) */
static int
seen(long long d)
{
    for (int i = 0; i < hook.n; i++)
        if (hook.req[i].delivery == d)
            return 1;
    return 0;
}

static int
on_hook(struct mg_connection *c, void *arg)
{
    const struct mg_request_info *ri = mg_get_request_info(c);
    static char none[] = "";
    char *body = calloc(1, 65536);
    int len = 0, k, hold = 0, slow = 0, status = 200;
    struct hook_req r = {0};
    cJSON *j, *a;

    (void)arg;
    while (len < 65535 && (k = mg_read(c, body + len, (size_t)(65535 - len))) > 0)
        len += k;
    snprintf(r.path, sizeof r.path, "%s", ri->local_uri ? ri->local_uri : none);
    r.sig_ok = signed_ok(c, body, (size_t)len);
    r.delivery = atoll(
        mg_get_header(c, "X-TechMart-Delivery") ? mg_get_header(c, "X-TechMart-Delivery") : "0");
    j = cJSON_Parse(body);
    a = cJSON_GetObjectItem(j, "alert");
    r.alert_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "id"));
    r.step = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "step"));
    r.round = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "round"));
    if (r.delivery != (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "delivery_id")))
        r.sig_ok = 0; /* the header and the body must name the same delivery */
    cJSON_Delete(j);
    free(body);
    pthread_mutex_lock(&hook.mu);
    hold = strncmp(r.path, "/hold", 5) == 0 && !seen(r.delivery);
    if (strncmp(r.path, "/flaky", 6) == 0 && !seen(r.delivery))
        status = 500; /* the first try of each delivery fails */
    else if (strncmp(r.path, "/gone", 5) == 0)
        status = 410;
    else if (strncmp(r.path, "/slow", 5) == 0)
        status = 500, slow = 1;
    if (hook.n < HOOK_MAX)
        hook.req[hook.n++] = r;
    hook.holding += hold || slow;
    pthread_mutex_unlock(&hook.mu);
    if (hold || slow) {
        tm_sleep_ms(slow ? SLOW_MS : hook.hold_ms);
        pthread_mutex_lock(&hook.mu);
        hook.holding--;
        pthread_mutex_unlock(&hook.mu);
    }
    mg_printf(c,
              "HTTP/1.1 %d Whatever\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
              "Connection: close\r\n\r\n{}",
              status);
    return status;
}

int
hook_port(void)
{
    const char *p = getenv("TM_TEST_HOOK_PORT");

    ck_assert_msg(p && *p, "TM_TEST_HOOK_PORT is not set (run through make test)");
    return atoi(p);
}

void
hook_start(void)
{
    char ports[32];
    const char *opts[] = {"listening_ports", ports, "num_threads", "8", NULL};

    snprintf(ports, sizeof ports, "127.0.0.1:%d", hook_port());
    pthread_mutex_lock(&hook.mu);
    hook.n = hook.holding = 0;
    hook.hold_ms = 8000;
    pthread_mutex_unlock(&hook.mu);
    for (int i = 0; i < 50 && !hook.ctx; i++) { /* the previous test's socket may linger */
        hook.ctx = mg_start(NULL, NULL, opts);
        if (!hook.ctx)
            tm_sleep_ms(100);
    }
    ck_assert_ptr_nonnull(hook.ctx);
    mg_set_request_handler(hook.ctx, "/", on_hook, NULL);
}

void
hook_stop(void)
{
    if (hook.ctx)
        mg_stop(hook.ctx);
    hook.ctx = NULL;
}

int
hook_count(const char *path, long long alert, int step, int *bad)
{
    int n = 0;

    pthread_mutex_lock(&hook.mu);
    for (int i = 0; i < hook.n; i++)
        if (hook.req[i].alert_id == alert && (!path || strcmp(hook.req[i].path, path) == 0) &&
            (step < 0 || hook.req[i].step == step)) {
            n++;
            if (bad)
                *bad += !hook.req[i].sig_ok;
        }
    pthread_mutex_unlock(&hook.mu);
    return n;
}

int
mail_count(long long alert, long long *nid)
{
    const char *dir = getenv("TM_TEST_SMTP_DIR");
    char path[512], tail[64], buf[16384];
    struct dirent *e;
    DIR *d;
    int n = 0;

    ck_assert_msg(dir && *dir, "TM_TEST_SMTP_DIR is not set (run through make test)");
    snprintf(path, sizeof path, "%s/new", dir);
    if (!(d = opendir(path)))
        return 0;
    snprintf(tail, sizeof tail, ".a%lld@techmart>", alert);
    while ((e = readdir(d))) {
        FILE *f;
        size_t len;
        char *m, *id;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/new/%s", dir, e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        if (!(m = strstr(buf, "Message-ID: <n")) || !(id = strstr(m, tail)) || id - m > 40)
            continue;
        n++;
        if (nid)
            *nid = atoll(m + strlen("Message-ID: <n"));
        ck_assert_ptr_nonnull(strstr(buf, "Subject: [TechMart "));
    }
    closedir(d);
    return n;
}

int
wait_hook(const char *hpath, long long alert, int step, int want, int ms)
{
    int n = 0;

    for (int t = 0; t < ms; t += 100) {
        if ((n = hook_count(hpath, alert, step, NULL)) >= want)
            return n;
        tm_sleep_ms(100);
    }
    return n;
}

int
wait_mail(long long alert, int want, int ms)
{
    int n = 0;

    for (int t = 0; t < ms; t += 100) {
        if ((n = mail_count(alert, NULL)) >= want)
            return n;
        tm_sleep_ms(100);
    }
    return n;
}

int
wait_holding(int ms)
{
    int holding = 0;

    for (int t = 0; t < ms && !holding; t += 50) {
        pthread_mutex_lock(&hook.mu);
        holding = hook.holding;
        pthread_mutex_unlock(&hook.mu);
        if (!holding)
            tm_sleep_ms(50);
    }
    return holding;
}

int
hook_taken(long long alert, struct hook_req *out, int max)
{
    int n = 0;

    pthread_mutex_lock(&hook.mu);
    for (int i = 0; i < hook.n && n < max; i++)
        if (hook.req[i].alert_id == alert)
            out[n++] = hook.req[i];
    pthread_mutex_unlock(&hook.mu);
    return n;
}
