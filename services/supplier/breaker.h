/* services/supplier/breaker.h — a circuit breaker for one supplier's API:
 * closed (calls go) → open after `failures` consecutive failed calls (calls
 * are refused at once) → half-open once open_ms have passed, which lets ONE
 * probe call through → closed when it succeeds, open again (for another
 * open_ms) when it fails. Pure: time arrives as an argument (milliseconds on
 * any monotonic clock); no I/O, no locks — the caller guards a breaker
 * (services/supplier/api.c keeps one per supplier under its mutex). */
#ifndef TM_SUPPLIER_BREAKER_H
#define TM_SUPPLIER_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

enum sup_breaker_state { SUP_BREAKER_CLOSED, SUP_BREAKER_OPEN, SUP_BREAKER_HALF_OPEN };

struct sup_breaker_cfg {
    int failures; /* consecutive failed calls that open it (>= 1) */
    int open_ms;  /* how long it stays open before the probe (>= 0) */
};

struct sup_breaker {
    enum sup_breaker_state state;
    int failures;      /* consecutive failed calls while closed */
    int64_t opened_ms; /* when it last opened */
    bool probing;      /* half-open: the probe is out */
};

/* A closed breaker with no failures. */
void sup_breaker_init(struct sup_breaker *b);

/* Whether a call may go at now_ms: true when closed; when open and open_ms
 * have passed, it turns half-open and the caller's call is the probe (true);
 * false while open, or half-open with the probe out. */
bool sup_breaker_allow(struct sup_breaker *b, const struct sup_breaker_cfg *cfg, int64_t now_ms);

/* Records the outcome of a call that sup_breaker_allow let through. Returns
 * true when the state changed (b->state is the new one). A success closes a
 * half-open breaker and clears the failure count; a failure counts towards
 * opening a closed one, and reopens a half-open one from now_ms. An outcome
 * arriving while open (a call let through before it opened) changes nothing. */
bool sup_breaker_success(struct sup_breaker *b);
bool sup_breaker_failure(struct sup_breaker *b, const struct sup_breaker_cfg *cfg, int64_t now_ms);

/* "closed", "open", "half_open". */
const char *sup_breaker_state_name(enum sup_breaker_state s);

#endif
