/* services/supplier-mock/fault.h — which fault tm-supplier-mock injects into
 * a request (docs/supplier-api.md, "Faults"). Pure: no I/O, no clock; the
 * generator's state is the caller's (one uint64_t, guarded by the caller's
 * lock), so a seed replays the same sequence of faults.
 *
 * Shares are held in parts per million, never floating point: a share of
 * 0.25 is 250000. The five kinds are disjoint slices of one draw, so each
 * share is exactly the probability of its kind and their sum may not pass
 * 1. For an order, a second draw decides whether the fault comes before the
 * order is recorded or after it (after_share). */
#ifndef TM_SUPPLIER_MOCK_FAULT_H
#define TM_SUPPLIER_MOCK_FAULT_H

#include <stdint.h>

#include "common/err.h"

#define MOCK_PPM 1000000        /* a share of 1 */
#define MOCK_WAIT_MS_MAX 600000 /* latency_ms and hang_ms: ten minutes at most */
#define MOCK_RETRY_AFTER_MAX 86400

enum mock_fault_kind {
    MOCK_FAULT_NONE,
    MOCK_FAULT_ERROR,      /* 503 unavailable */
    MOCK_FAULT_TIMEOUT,    /* the reply waits hang_ms first */
    MOCK_FAULT_DROP,       /* the connection closes with no reply */
    MOCK_FAULT_MALFORMED,  /* 200 with a body that is not JSON */
    MOCK_FAULT_RATE_LIMIT, /* 429 with Retry-After */
    MOCK_FAULT_KINDS
};

struct mock_faults {
    int latency_ms;                     /* every reply waits this long first */
    int hang_ms;                        /* a timeout fault's wait */
    int retry_after_s;                  /* a rate-limit fault's Retry-After */
    int32_t rate_ppm[MOCK_FAULT_KINDS]; /* share of each kind; [MOCK_FAULT_NONE] unused */
    int32_t after_ppm;                  /* share of an order's faults after recording it */
};

struct mock_fault {
    enum mock_fault_kind kind;
    int after; /* 1: after the order was recorded (orders only) */
};

/* The settings' defaults: no fault, hang 30000 ms, Retry-After 1 s, after 0.5. */
void mock_faults_default(struct mock_faults *f);

/* The kind's setting stem ("error" for error_rate, "rate_limit"...); "none". */
const char *mock_fault_name(enum mock_fault_kind kind);

/* TM_INVALID naming the setting when a wait or share is out of range, or
 * field "faults" when the five shares add up to more than 1. */
TM_MUSTCHECK enum tm_code mock_faults_check(const struct mock_faults *f, struct tm_err *err);

/* Parses a share written as a decimal from 0 to 1 with at most 6 digits
 * after the point ("0", "0.25", "1", "1.0") into *ppm. TM_INVALID naming
 * field otherwise; *ppm unchanged then. */
TM_MUSTCHECK enum tm_code mock_share_parse(const char *s, const char *field, int32_t *ppm,
                                           struct tm_err *err);

/* The next value of the generator (splitmix64) whose state is *rng. */
uint64_t mock_rng_next(uint64_t *rng);

/* Draws the fault of one request from f, advancing *rng. is_order: the
 * request records an order, so a fault may fall after it. */
struct mock_fault mock_fault_draw(const struct mock_faults *f, uint64_t *rng, int is_order);

#endif
