/* common/backoff.h — how long a client of something remote waits before its
 * next attempt (the supplier API client, tm-alerts' notification delivery):
 * exponential backoff with full jitter (a uniform draw in
 * [0, min(cap, base * 2^(n-1))]), or the remote's Retry-After when it gave
 * one, which is honoured up to the cap and ends the retries above it.
 * Pure: no I/O, no clock, no randomness of its own (the draw is an argument).
 * Thread-safe. */
#ifndef TM_COMMON_BACKOFF_H
#define TM_COMMON_BACKOFF_H

#include <stdint.h>

#define TM_BACKOFF_STOP (-1) /* no further attempt */
#define TM_BACKOFF_NO_RETRY_AFTER (-1)

struct tm_backoff {
    int attempts; /* at most, the first included (>= 1) */
    int base_ms;  /* the first wait's ceiling (>= 1) */
    int cap_ms;   /* ceiling of any wait, Retry-After included (>= base_ms) */
};

/* The wait in milliseconds before attempt `done` + 1, after `done` attempts
 * (>= 1) failed; `draw` is a uniform random 32-bit number and retry_after_s
 * the reply's Retry-After in seconds (TM_BACKOFF_NO_RETRY_AFTER when none).
 * TM_BACKOFF_STOP when `done` attempts are all there may be, or when the
 * Retry-After asks for more than cap_ms. */
int tm_backoff_wait_ms(const struct tm_backoff *b, int done, uint32_t draw, int64_t retry_after_s);

#endif
