/* common/time.c — thin wrappers over clock_gettime so every module measures
 * time the same way and deadlines never mix wall and monotonic clocks; and
 * the one parser of times clients send. That parser runs on input before
 * any SQL sees it: PostgreSQL's timestamptz input also takes "yesterday",
 * "now", "epoch" and times without an offset read in the server's zone,
 * none of which an API should accept silently. */
#include "common/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* 10000-01-01T00:00:00Z: from there a year has five digits */
#define TM_YEAR_10000_MS 253402300800000LL

int64_t
tm_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
tm_mono_ms(void)
{
    return tm_mono_us() / 1000;
}

int64_t
tm_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "2026-11-22T09:14:03" for secs since the epoch into out[size]. */
static void
iso_seconds(int64_t secs, char *out, size_t size)
{
    time_t t = (time_t)secs;
    struct tm tmv;

    gmtime_r(&t, &tmv);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d", tmv.tm_year + 1900, tmv.tm_mon + 1,
             tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec);
}

void
tm_iso8601(int64_t epoch_ms, char *out, size_t size)
{
    /* every log line has one: the second's text is kept per thread, so a
     * line costs a copy, not gmtime_r and a snprintf */
    static _Thread_local struct {
        int64_t secs;
        char text[20]; /* "2026-11-22T09:14:03" */
    } last = {-1, ""};
    int64_t secs = epoch_ms / 1000, ms = epoch_ms % 1000;

    if (epoch_ms < 0 || epoch_ms >= TM_YEAR_10000_MS || size < sizeof last.text + 5) {
        char text[64];

        iso_seconds(secs, text, sizeof text);
        snprintf(out, size, "%s.%03dZ", text, (int)(ms < 0 ? -ms : ms));
        return;
    }
    if (secs != last.secs) {
        iso_seconds(secs, last.text, sizeof last.text);
        last.secs = secs;
    }
    memcpy(out, last.text, sizeof last.text - 1);
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    out[21] = (char)('0' + ms / 10 % 10);
    out[22] = (char)('0' + ms % 10);
    out[23] = 'Z';
    out[24] = '\0';
}

void
tm_sleep_ms(int64_t ms)
{
    struct timespec ts;

    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

void
tm_cond_init_mono(pthread_cond_t *cond)
{
    pthread_condattr_t ca;

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &ca);
    pthread_condattr_destroy(&ca);
}

void
tm_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t deadline_mono_ms)
{
    struct timespec ts = {(time_t)(deadline_mono_ms / 1000),
                          (long)(deadline_mono_ms % 1000) * 1000000L};

    if (deadline_mono_ms <= tm_mono_ms())
        return;
    pthread_cond_timedwait(cond, mu, &ts);
}

/* n decimal digits at *p into *v, advancing *p; 0 (nothing moved) when
 * they are not all there. */
static int
digits(const char **p, int n, int *v)
{
    int x = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return 1;
}

/* The character c at *p, advancing *p past it; 0 when it is not there. */
static int
lit(const char **p, char c)
{
    if (**p != c)
        return 0;
    ++*p;
    return 1;
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil, for years 1 to 9999 here). */
static int64_t
days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2), era = yy / 400, yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;

    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* hh:mm[:ss[.f{1,6}]] at *p into seconds of the day and milliseconds. */
static int
clock_part(const char **p, int64_t *secs, int *ms)
{
    int h, mi, sec = 0, n = 0;

    *ms = 0;
    if (!digits(p, 2, &h) || !lit(p, ':') || !digits(p, 2, &mi))
        return 0;
    if (lit(p, ':')) {
        if (!digits(p, 2, &sec))
            return 0;
        if (lit(p, '.')) {
            for (; n < 7 && (*p)[n] >= '0' && (*p)[n] <= '9'; n++)
                if (n < 3)
                    *ms = *ms * 10 + ((*p)[n] - '0');
            if (n == 0 || n > 6)
                return 0;
            for (int k = n; k < 3; k++)
                *ms *= 10;
            *p += n;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return 0;
    *secs = (int64_t)h * 3600 + mi * 60 + sec;
    return 1;
}

/* "Z" or +hh:mm / -hh:mm at *p into seconds east of UTC. */
static int
offset_part(const char **p, int64_t *east)
{
    int sign, oh, om;

    *east = 0;
    if (lit(p, 'Z'))
        return 1;
    if (lit(p, '+'))
        sign = 1;
    else if (lit(p, '-'))
        sign = -1;
    else
        return 0;
    if (!digits(p, 2, &oh) || !lit(p, ':') || !digits(p, 2, &om) || oh > 14 || om > 59)
        return 0;
    *east = sign * ((int64_t)oh * 3600 + om * 60);
    return 1;
}

enum tm_code
tm_time_parse(const char *s, const char *field, struct tm_time *out, struct tm_err *err)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    int y, mo, d, ms = 0;
    int64_t secs = 0, east = 0;
    size_t len = strnlen(s, TM_TIME_TEXT_MAX + 1);

    if (len > TM_TIME_TEXT_MAX || !digits(&p, 4, &y) || !lit(&p, '-') || !digits(&p, 2, &mo) ||
        !lit(&p, '-') || !digits(&p, 2, &d))
        goto bad;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
        goto bad;
    if (*p && (!lit(&p, 'T') || !clock_part(&p, &secs, &ms) || !offset_part(&p, &east) || *p))
        goto bad;
    out->epoch_ms = (days_from_civil(y, mo, d) * 86400 + secs - east) * 1000 + ms;
    snprintf(out->text, sizeof out->text, "%s%s", s, len == 10 ? "T00:00:00Z" : "");
    return TM_OK;
bad:
    return tm_err_set(err, TM_INVALID, field,
                      "%s must be a date (2026-11-22, UTC) or a time with its offset "
                      "(2026-11-22T09:14:03Z, 2026-11-22T10:14:03.512+01:00)",
                      field);
}
