/* common/log.c — the log sink. Hot path: the access line of every request,
 * so formatting stays in one stack buffer and one write(2) — or, batched
 * (tm_log_batch_start), one memcpy, the lines of a few milliseconds going
 * out together. */
#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/time.h"

static struct {
    char svc[32];
    enum tm_log_level min;
    int fd;
    long pid;
} sink = {"tm", TM_LOG_INFO, 2, 0};

static const char *const level_name[] = {"debug", "info", "warn", "error"};

/* Batched info and debug lines: they wait in buf (guarded by mu) until the
 * flusher's next round, or until the next would not fit; a warn or error
 * line goes out at once, after them. Writes happen under mu, so lines keep
 * their order. */
#define BATCH_CAP (256 * 1024)
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf; /* BATCH_CAP bytes while on */
    size_t len;
    _Atomic int on; /* written under mu; read without it on the fast path */
    int stop, flush_ms;
    pthread_t flusher;
} batch = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void
put(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(sink.fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* stderr is gone; there is nowhere left to report it */
        p += w;
        n -= (size_t)w;
    }
}

/* Writes what waits; mu held. */
static void
drain(void)
{
    put(batch.buf, batch.len);
    batch.len = 0;
}

static void *
flusher_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&batch.mu);
    while (!batch.stop) {
        tm_cond_wait_until(&batch.cv, &batch.mu, tm_mono_ms() + batch.flush_ms);
        drain();
    }
    pthread_mutex_unlock(&batch.mu);
    return NULL;
}

enum tm_code
tm_log_batch_start(int flush_ms, struct tm_err *err)
{
    if (flush_ms <= 0 || batch.on)
        return TM_OK;
    if (!(batch.buf = malloc(BATCH_CAP)))
        return tm_err_set(err, TM_INTERNAL, NULL, "log batch: out of memory");
    batch.len = 0;
    batch.stop = 0;
    batch.flush_ms = flush_ms;
    tm_cond_init_mono(&batch.cv);
    if (pthread_create(&batch.flusher, NULL, flusher_main, NULL) != 0) {
        free(batch.buf);
        batch.buf = NULL;
        return tm_err_set(err, TM_INTERNAL, NULL, "log flusher thread: cannot start");
    }
    batch.on = 1;
    return TM_OK;
}

void
tm_log_batch_stop(void)
{
    if (!batch.on)
        return;
    pthread_mutex_lock(&batch.mu);
    batch.stop = 1;
    pthread_cond_signal(&batch.cv);
    pthread_mutex_unlock(&batch.mu);
    pthread_join(batch.flusher, NULL);
    pthread_mutex_lock(&batch.mu);
    drain();
    batch.on = 0;
    free(batch.buf);
    batch.buf = NULL;
    pthread_mutex_unlock(&batch.mu);
    pthread_cond_destroy(&batch.cv);
}

void
tm_log_init(const char *svc, enum tm_log_level min, int fd)
{
    snprintf(sink.svc, sizeof sink.svc, "%s", svc);
    sink.min = min;
    sink.fd = fd;
    sink.pid = (long)getpid();
}

enum tm_code
tm_log_level_parse(const char *s, enum tm_log_level *out, struct tm_err *err)
{
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, level_name[i]) == 0) {
            *out = (enum tm_log_level)i;
            return TM_OK;
        }
    }
    return tm_err_set(err, TM_INVALID, "log-level", "log level must be debug, info, warn or error");
}

void
tm_log(enum tm_log_level lvl, const char *rid, const char *event, const char *fmt, ...)
{
    char line[TM_LOG_LINE_MAX];
    char ts[TM_ISO8601_MAX];
    va_list ap;
    int n, m;

    if (lvl < sink.min)
        return;
    tm_iso8601(tm_now_ms(), ts, sizeof ts);
    n = snprintf(line, sizeof line, "ts=%s level=%s svc=%s pid=%ld rid=%s event=%s ", ts,
                 level_name[lvl], sink.svc, sink.pid, rid && *rid ? rid : "-", event);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    n += m;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2; /* cut, keep room for the newline */
    while (n > 0 && line[n - 1] == ' ')
        n--;
    for (int i = 0; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[n++] = '\n';
    if (!batch.on) {
        put(line, (size_t)n);
        return;
    }
    pthread_mutex_lock(&batch.mu);
    if (!batch.on) { /* stopped meanwhile */
        put(line, (size_t)n);
    } else if (lvl >= TM_LOG_WARN) {
        drain();
        put(line, (size_t)n);
    } else {
        if (batch.len + (size_t)n > BATCH_CAP)
            drain();
        memcpy(batch.buf + batch.len, line, (size_t)n);
        batch.len += (size_t)n;
    }
    pthread_mutex_unlock(&batch.mu);
}

void
tm_log_quote(char *out, size_t size, const char *v)
{
    size_t o = 0;
    int plain = *v != '\0';

    if (size == 0)
        return;
    for (const char *c = v; *c && plain; c++)
        if (*c == ' ' || *c == '"' || *c == '=' || *c == '\\' || (unsigned char)*c < 0x20)
            plain = 0;
    if (plain) {
        snprintf(out, size, "%s", v);
        return;
    }
    if (o + 1 < size)
        out[o++] = '"';
    for (const char *c = v; *c && o + 3 < size; c++) {
        if (*c == '"' || *c == '\\')
            out[o++] = '\\';
        out[o++] = (unsigned char)*c < 0x20 ? ' ' : *c;
    }
    if (o + 1 < size)
        out[o++] = '"';
    out[o] = '\0';
}
