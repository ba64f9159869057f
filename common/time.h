/* common/time.h — clocks and timestamps. No state; thread-safe. */
#ifndef TM_COMMON_TIME_H
#define TM_COMMON_TIME_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define TM_ISO8601_MAX 32 /* "2026-11-22T09:14:03.512Z" plus room */

/* Wall clock, milliseconds since the Unix epoch. */
int64_t tm_now_ms(void);
/* Monotonic clock in milliseconds, for durations and deadlines within a process. */
int64_t tm_mono_ms(void);
/* Monotonic clock in microseconds. */
int64_t tm_mono_us(void);
/* Formats epoch milliseconds as UTC ISO 8601 with milliseconds into out[size]. */
void tm_iso8601(int64_t epoch_ms, char *out, size_t size);
/* Sleeps for ms milliseconds (returns early on a signal). */
void tm_sleep_ms(int64_t ms);

/* Initialises cond to time out on the monotonic clock (wall-clock jumps
 * must not stretch or cut a wait). */
void tm_cond_init_mono(pthread_cond_t *cond);
/* pthread_cond_timedwait until deadline_mono_ms (tm_mono_ms time) with mu
 * held; returns at once when the deadline has passed. */
void tm_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t deadline_mono_ms);

#endif
