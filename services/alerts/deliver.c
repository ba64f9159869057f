/* services/alerts/deliver.c — the escalate job and the delivery workers
 * (deliver.h). A worker loops: take the notification due longest under a
 * lease, send it once, record the attempt and end the notification
 * (delivered, retried after a backoff, failed) if it still holds the lease.
 * An instance killed mid-send leaves its lease to run out; another worker
 * then sends the same notification — the same delivery id — again: at
 * least once on the wire, exactly once per delivery id (the receiver
 * deduplicates by X-TechMart-Delivery or Message-ID). */
#include "services/alerts/deliver.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "common/backoff.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/time.h"
#include "common/url.h"

#include "services/alerts/alert_store.h"
#include "services/alerts/notify.h"
#include "services/alerts/notify_store.h"

#define POLL_MS 250           /* how often an idle worker looks for due notifications */
#define RECONNECT_MS 1000     /* a worker's wait before reconnecting to PostgreSQL */
#define BODY_MAX (96 << 10)   /* a webhook's body: an Alert and a few numbers */
#define MAIL_MAX (32 << 10)   /* an e-mail */
#define REPLY_MAX 4096        /* what is kept of a receiver's answer (nothing is read from it) */
#define ERROR_MAX 400         /* an attempt's error text as recorded */
#define RECORD_MARGIN_MS 2000 /* a try's end to its record: the lease must outlast both */

/* ------------------------------------------------------------ the job */

enum tm_code
al_job_escalate(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    int64_t *ids = tm_xcalloc(AL_NS_DUE_MAX, sizeof *ids);
    int n = 0;
    enum tm_code rc = al_ns_due(db, AL_NS_DUE_MAX, ids, &n, err);

    (void)app;
    *rows = 0;
    /* the runner's transaction ends here: each step commits on its own, so
     * one alert's failure neither undoes nor blocks the others' */
    if (rc == TM_OK)
        rc = tm_db_commit(db, err);
    for (int i = 0; rc == TM_OK && i < n; i++) {
        struct tm_err e = {0};
        int ran = 0;
        enum tm_code s = tm_db_begin(db, err);

        if (s != TM_OK) {
            rc = s;
            break;
        }
        s = al_ns_escalate(db, ids[i], &ran, &e);
        if (s == TM_OK)
            s = tm_db_commit(db, &e);
        else
            tm_db_rollback(db);
        if (s == TM_UNAVAIL) { /* the database went away: the next run goes on */
            rc = tm_err_set(err, s, NULL, "%s", e.message);
            break;
        }
        if (s != TM_OK)
            tm_log_error(NULL, "alerts.escalate_failed", "alert=%" PRId64 " code=%s error=\"%s\"",
                         ids[i], tm_code_name(s), e.message);
        *rows += ran;
    }
    free(ids);
    if (rc == TM_OK)
        return tm_db_begin(db, err); /* for the runner to commit */
    return rc;
}

/* ------------------------------------------------------------ workers */

struct al_delivery;

struct worker {
    struct al_delivery *d;
    pthread_t th;
    int started;
    char owner[AL_NS_LEASE_OWNER_MAX];
};

struct al_delivery {
    const struct al_cfg *cfg;
    char *db_url;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop; /* guarded by mu */
    int n;
    struct worker *w;
};

/* 1 once stop was asked; waits up to ms for it otherwise */
static int
stopping(struct al_delivery *d, int64_t ms)
{
    int stop;

    pthread_mutex_lock(&d->mu);
    if (!d->stop && ms > 0)
        tm_cond_wait_until(&d->cv, &d->mu, tm_mono_ms() + ms);
    stop = d->stop;
    pthread_mutex_unlock(&d->mu);
    return stop;
}

/* libcurl's progress callback (about once a second, and on every chunk):
 * non-zero aborts the transfer, so a stopping instance does not wait out
 * --delivery-timeout-ms. */
static int
xfer_stop(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return stopping(arg, 0);
}

/* The options every transfer of d shares: no signals, the try's timeout,
 * and an abort when d stops. */
static void
common_opts(CURL *curl, struct al_delivery *d, char *errbuf)
{
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)d->cfg->delivery_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)d->cfg->delivery_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, xfer_stop);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, d);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
}

/* One attempt's result. */
struct sent {
    struct al_attempt a;
    int judged; /* the attempt came to an outcome for al_notify_verdict */
    char error[ERROR_MAX + 1];
};

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
    size_t *seen = arg;

    (void)p;
    *seen += size * n;
    return *seen > REPLY_MAX ? 0 : size * n; /* a receiver that talks on is cut off */
}

/* The transfer's outcome into s. */
static void
judge(CURL *c, CURLcode cc, const char *errbuf, struct sent *s)
{
    long status = 0;

    s->judged = 1;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    s->a.status = (int)status;
    s->a.transport_ok = cc == CURLE_OK || status > 0;
    if (cc == CURLE_ABORTED_BY_CALLBACK)
        snprintf(s->error, sizeof s->error, "the instance stopped mid-send");
    else if (cc != CURLE_OK)
        snprintf(s->error, sizeof s->error, "%.300s (%d)",
                 errbuf[0] ? errbuf : curl_easy_strerror(cc), (int)cc);
    else if (s->a.kind == AL_SEND_WEBHOOK && (status < 200 || status >= 300))
        snprintf(s->error, sizeof s->error, "the receiver answered %ld", status);
}

/* POSTs the webhook of claim c with the Alert alert_json, signed. */
static void
send_webhook(struct al_delivery *d, const struct al_ns_claim *c, const char *alert_json,
             struct sent *s)
{
    const struct al_cfg *cfg = d->cfg;
    char errbuf[CURL_ERROR_SIZE] = "", line[128], hex[65];
    unsigned char mac[32];
    struct curl_slist *h = NULL;
    struct tm_buf body, signed_;
    int64_t ts = tm_now_ms() / 1000;
    size_t seen = 0;
    CURL *curl = NULL;
    CURLcode cc;

    s->a.kind = AL_SEND_WEBHOOK;
    if (!tm_url_allowed(c->url, cfg->webhook_hosts)) { /* the list may have changed since */
        snprintf(s->error, sizeof s->error, "the URL's host is not on --webhook-hosts");
        s->judged = s->a.transport_ok = 1;
        s->a.status = 400; /* a refusal: trying again changes nothing */
        return;
    }
    tm_buf_init(&body, BODY_MAX);
    tm_buf_init(&signed_, BODY_MAX + 32);
    if (tm_buf_printf(&body,
                      "{\"delivery_id\":%" PRId64 ",\"event\":\"alert\",\"step\":%d,\"round\":%d,"
                      "\"alert\":%s}",
                      c->id, c->step, c->round, alert_json) != TM_OK ||
        al_notify_signed(ts, body.p, body.len, &signed_) != TM_OK || !(curl = curl_easy_init())) {
        snprintf(s->error, sizeof s->error, "the request could not be built");
        goto out;
    }
    tm_hmac_sha256(c->secret, strlen(c->secret), signed_.p, signed_.len, mac);
    if (tm_hex(mac, sizeof mac, hex, sizeof hex) != TM_OK)
        goto out;
    h = curl_slist_append(h, "Content-Type: application/json");
    snprintf(line, sizeof line, "X-TechMart-Delivery: %" PRId64, c->id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-TechMart-Timestamp: %" PRId64, ts);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-TechMart-Signature: sha256=%s", hex);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, c->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    common_opts(curl, d, errbuf);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.p);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &seen);
    cc = curl_easy_perform(curl);
    if (cc == CURLE_WRITE_ERROR && seen > REPLY_MAX)
        cc = CURLE_OK; /* the status was in; the rest of a long answer is not read */
    judge(curl, cc, errbuf, s);
out:
    curl_slist_free_all(h);
    curl_easy_cleanup(curl);
    tm_buf_fini(&signed_);
    tm_buf_fini(&body);
}

/* The message being uploaded. */
struct upload {
    const char *p;
    size_t left;
};

static size_t
read_mail(char *dst, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;

    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

/* 1 when addr may go into an SMTP command: no control characters, no
 * angle brackets, an '@' */
static int
address_ok(const char *addr)
{
    for (const char *p = addr; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
            return 0;
    return strchr(addr, '@') != NULL;
}

/* Sends the e-mail of claim c about alert a through --smtp-url. */
static void
send_mail(struct al_delivery *d, const struct al_ns_claim *c, const struct al_ns_alert *a,
          struct sent *s)
{
    const struct al_cfg *cfg = d->cfg;
    char errbuf[CURL_ERROR_SIZE] = "", date[64], from[300], to[340];
    struct curl_slist *rcpt = NULL;
    struct tm_buf msg;
    struct upload up;
    struct tm tmv;
    time_t now = (time_t)(tm_now_ms() / 1000);
    struct al_mail m = {.from = cfg->mail_from,
                        .to = c->address,
                        .date = date,
                        .notification_id = c->id,
                        .alert_id = c->alert_id,
                        .severity = a->severity,
                        .title = a->title,
                        .step = c->step,
                        .round = c->round,
                        .state = a->state,
                        .fired_at = a->fired_at,
                        .details = a->details,
                        .store_id = a->store_id,
                        .product_id = a->product_id,
                        .base64 = EVP_EncodeBlock};
    CURL *curl = NULL;
    CURLcode cc;

    s->a.kind = AL_SEND_EMAIL;
    if (!address_ok(c->address) || !address_ok(cfg->mail_from)) {
        snprintf(s->error, sizeof s->error, "the recipient or sender address is malformed");
        s->judged = s->a.transport_ok = 1;
        s->a.status = 501; /* a refusal: trying again changes nothing */
        return;
    }
    gmtime_r(&now, &tmv);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tmv);
    snprintf(from, sizeof from, "<%s>", cfg->mail_from);
    snprintf(to, sizeof to, "<%s>", c->address);
    tm_buf_init(&msg, MAIL_MAX);
    if (al_notify_email(&m, &msg) != TM_OK || !(curl = curl_easy_init()) ||
        !(rcpt = curl_slist_append(NULL, to))) {
        snprintf(s->error, sizeof s->error, "the message could not be built");
        goto out;
    }
    up.p = msg.p;
    up.left = msg.len;
    curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    common_opts(curl, d, errbuf);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_mail);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    cc = curl_easy_perform(curl);
    judge(curl, cc, errbuf, s);
    if (cc == CURLE_OK && s->a.status == 0)
        s->a.status = 250; /* the transfer ended with the server's acceptance */
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    tm_buf_fini(&msg);
}

/* al_notify_verdict as the store's ending, with a fresh draw */
static enum al_ns_end
verdict(const struct al_attempt *a, const struct tm_backoff *bo, int done, int *wait_ms)
{
    switch (al_notify_verdict(a, bo, done, tm_random_u32(), wait_ms)) {
    case AL_DELIVERED:
        return AL_NS_DELIVERED;
    case AL_RETRY:
        return AL_NS_RETRY;
    default:
        return AL_NS_FAILED;
    }
}

/* Sends claim c once and records it. */
static void
deliver(struct worker *w, PGconn *db, const struct al_ns_claim *c)
{
    const struct al_cfg *cfg = w->d->cfg;
    const struct tm_backoff bo = {cfg->delivery_attempts, cfg->delivery_backoff_ms,
                                  cfg->delivery_backoff_max_ms};
    struct sent s = {{AL_SEND_WEBHOOK, 0, 0}, 0, ""};
    struct al_ns_alert *a = tm_xcalloc(1, sizeof *a);
    struct tm_buf alert;
    struct tm_err err = {0};
    int64_t started = tm_now_ms();
    enum al_ns_end end = AL_NS_FAILED;
    enum tm_code rc = TM_OK;
    int wait_ms = 0, held = 0;

    tm_buf_init(&alert, BODY_MAX - 256);
    if (c->attempt > cfg->delivery_attempts) { /* its senders died: the tries are used up */
        snprintf(s.error, sizeof s.error, "%d attempts started, none finished", c->attempt - 1);
    } else if (strcmp(c->kind, "webhook") == 0) {
        if ((rc = al_db_alert_json(db, c->alert_id, &alert, &err)) == TM_OK)
            send_webhook(w->d, c, alert.p, &s);
    } else if (strcmp(c->kind, "email") == 0) {
        if ((rc = al_ns_alert(db, c->alert_id, a, &err)) == TM_OK)
            send_mail(w->d, c, a, &s);
    } else {
        snprintf(s.error, sizeof s.error, "a %.20s channel is not delivered by workers", c->kind);
    }
    if (rc == TM_UNAVAIL)
        goto out; /* the lease runs out; it is tried again */
    if (rc != TM_OK)
        snprintf(s.error, sizeof s.error, "%.300s", err.message);
    else if (s.judged)
        end = verdict(&s.a, &bo, c->attempt, &wait_ms);
    tm_log_info(NULL, "alerts.delivery",
                "notification=%" PRId64 " alert=%" PRId64 " channel=%" PRId64
                " kind=%s attempt=%d status=%d outcome=%s error=\"%s\"",
                c->id, c->alert_id, c->channel_id, c->kind, c->attempt, s.a.status,
                end == AL_NS_DELIVERED ? "delivered"
                : end == AL_NS_RETRY   ? "retry"
                                       : "failed",
                s.error);
    rc = al_ns_record(db, c, w->owner, started, end == AL_NS_DELIVERED, s.a.status, s.error, end,
                      wait_ms, &held, &err);
    if (rc != TM_OK)
        tm_log_error(NULL, "alerts.delivery_record", "notification=%" PRId64 " error=\"%s\"", c->id,
                     err.message);
    else if (!held)
        tm_log_warn(NULL, "alerts.delivery_lease_lost",
                    "notification=%" PRId64 " note=\"another instance took it over\"", c->id);
out:
    tm_buf_fini(&alert);
    free(a);
}

static void *
work(void *arg)
{
    struct worker *w = arg;
    struct al_delivery *d = w->d;
    PGconn *db = NULL;

    while (!stopping(d, 0)) {
        struct al_ns_claim c;
        struct tm_err err = {0};
        int got = 0;

        if (!db || PQstatus(db) != CONNECTION_OK) {
            PQfinish(db);
            db = PQconnectdb(d->db_url);
            if (PQstatus(db) != CONNECTION_OK) {
                tm_log_warn(NULL, "alerts.delivery_db", "worker=%s error=\"%s\"", w->owner,
                            PQerrorMessage(db));
                stopping(d, RECONNECT_MS);
                continue;
            }
        }
        if (al_ns_claim(db, w->owner, d->cfg->delivery_lease_s, &c, &got, &err) != TM_OK) {
            tm_log_warn(NULL, "alerts.delivery_claim", "worker=%s error=\"%s\"", w->owner,
                        err.message);
            stopping(d, RECONNECT_MS);
        } else if (got) {
            deliver(w, db, &c);
        } else {
            stopping(d, POLL_MS);
        }
    }
    PQfinish(db);
    return NULL;
}

enum tm_code
al_delivery_start(const struct al_cfg *cfg, const char *db_url, const char *instance,
                  struct al_delivery **out, struct tm_err *err)
{
    struct al_delivery *d;

    *out = NULL;
    /* a try, then its record, within the lease: a take is not taken over
     * while its outcome is still on the way */
    if ((int64_t)cfg->delivery_timeout_ms + RECORD_MARGIN_MS >
        (int64_t)cfg->delivery_lease_s * 1000)
        return tm_err_set(err, TM_INVALID, "delivery-timeout-ms",
                          "one try (%d ms) and %d ms to record it must fit in the lease (%d s)",
                          cfg->delivery_timeout_ms, RECORD_MARGIN_MS, cfg->delivery_lease_s);
    if (cfg->delivery_backoff_max_ms < cfg->delivery_backoff_ms)
        return tm_err_set(err, TM_INVALID, "delivery-backoff-max-ms",
                          "at least --delivery-backoff-ms");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "curl_global_init failed");
    if (tm_hash_init() != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "libsodium did not start");
    d = tm_xcalloc(1, sizeof *d);
    d->cfg = cfg;
    d->db_url = tm_xstrdup(db_url);
    pthread_mutex_init(&d->mu, NULL);
    tm_cond_init_mono(&d->cv);
    d->n = cfg->delivery_workers;
    d->w = tm_xcalloc((size_t)d->n, sizeof *d->w);
    for (int i = 0; i < d->n; i++) {
        d->w[i].d = d;
        snprintf(d->w[i].owner, sizeof d->w[i].owner, "%.80s/%d", instance, i);
        if (pthread_create(&d->w[i].th, NULL, work, &d->w[i]) != 0) {
            al_delivery_stop(d);
            return tm_err_set(err, TM_INTERNAL, NULL, "delivery worker %d did not start", i);
        }
        d->w[i].started = 1;
    }
    *out = d;
    return TM_OK;
}

void
al_delivery_stop(struct al_delivery *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stop = 1;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    for (int i = 0; i < d->n; i++)
        if (d->w[i].started)
            pthread_join(d->w[i].th, NULL);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d->w);
    free(d->db_url);
    free(d);
}
