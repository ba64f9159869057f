/* common/time.c — thin wrappers over clock_gettime so every module measures
 * time the same way and deadlines never mix wall and monotonic clocks. */
#include "common/time.h"

#include <stdio.h>
#include <time.h>

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

void
tm_iso8601(int64_t epoch_ms, char *out, size_t size)
{
    time_t secs = (time_t)(epoch_ms / 1000);
    struct tm tmv;

    gmtime_r(&secs, &tmv);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmv.tm_year + 1900, tmv.tm_mon + 1,
             tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec, (int)(epoch_ms % 1000));
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
