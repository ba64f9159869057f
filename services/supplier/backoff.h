/* services/supplier/backoff.h — how long the supplier API client waits
 * before its next attempt: exponential backoff with full jitter (a uniform
 * draw in [0, min(cap, base * 2^(n-1))]), or the supplier's Retry-After when
 * it gave one, which is honoured up to the cap and ends the retries above it.
 * Pure: no I/O, no clock, no randomness of its own (the draw is an argument).
 * Thread-safe. */
#ifndef TM_SUPPLIER_BACKOFF_H
#define TM_SUPPLIER_BACKOFF_H

#include <stdint.h>

#define SUP_BACKOFF_STOP (-1) /* no further attempt */
#define SUP_BACKOFF_NO_RETRY_AFTER (-1)

struct sup_backoff {
    int attempts; /* at most, the first included (>= 1) */
    int base_ms;  /* the first wait's ceiling (>= 1) */
    int cap_ms;   /* ceiling of any wait, Retry-After included (>= base_ms) */
};

/* The wait in milliseconds before attempt `done` + 1, after `done` attempts
 * (>= 1) failed; `draw` is a uniform random 32-bit number and retry_after_s
 * the reply's Retry-After in seconds (SUP_BACKOFF_NO_RETRY_AFTER when none).
 * SUP_BACKOFF_STOP when `done` attempts are all there may be, or when the
 * Retry-After asks for more than cap_ms. */
int sup_backoff_wait_ms(const struct sup_backoff *b, int done, uint32_t draw,
                        int64_t retry_after_s);

#endif
