/* common/time.h — clocks and timestamps. No state; thread-safe. */
#ifndef TM_COMMON_TIME_H
#define TM_COMMON_TIME_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define TM_ISO8601_MAX 32   /* "2026-11-22T09:14:03.512Z" plus room */
#define TM_TIME_TEXT_MAX 32 /* "2026-11-22T09:14:03.123456+01:00" */

/* Wall clock, milliseconds since the Unix epoch. */
int64_t tm_now_ms(void);
/* Monotonic clock in milliseconds, for durations and deadlines within a process. */
int64_t tm_mono_ms(void);
/* Monotonic clock in microseconds. */
int64_t tm_mono_us(void);
/* Formats epoch milliseconds as UTC ISO 8601 with milliseconds into out[size]. */
void tm_iso8601(int64_t epoch_ms, char *out, size_t size);
/* A date or time given by a client (query parameter or body field). */
struct tm_time {
    int64_t epoch_ms;                /* the instant, rounded down to the millisecond */
    char text[TM_TIME_TEXT_MAX + 1]; /* the input as given; a date alone gets "T00:00:00Z" */
};

/* Parses s as the one form of time the API takes: a UTC date
 * "2026-11-22" (its midnight, UTC) or a time with its offset
 * "2026-11-22T09:14[:03[.512]]" then "Z" or "+01:00"/"-05:00" (1 to 6
 * fraction digits). Nothing else: no "yesterday", no space for the "T", no
 * time without an offset (whose meaning would depend on a server's zone),
 * no day 31 of a 30-day month. TM_INVALID naming field otherwise, with
 * *out unchanged. Pure: no clock, no locale. */
TM_MUSTCHECK enum tm_code tm_time_parse(const char *s, const char *field, struct tm_time *out,
                                        struct tm_err *err);
/* Sleeps for ms milliseconds (returns early on a signal). */
void tm_sleep_ms(int64_t ms);

/* Initialises cond to time out on the monotonic clock (wall-clock jumps
 * must not stretch or cut a wait). */
void tm_cond_init_mono(pthread_cond_t *cond);
/* pthread_cond_timedwait until deadline_mono_ms (tm_mono_ms time) with mu
 * held; returns at once when the deadline has passed. */
void tm_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t deadline_mono_ms);

#endif
