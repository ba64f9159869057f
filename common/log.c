/* common/log.c — the log sink. Hot path: the access line of every request,
 * so formatting stays in one stack buffer and one write(2). */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
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
    if (write(sink.fd, line, (size_t)n) < 0) {
        /* stderr is gone; there is nowhere left to report it */
    }
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
