/* services/supplier/breaker.c — the circuit breaker of the supplier API
 * client, one per supplier (services/supplier/api.c). A supplier that is
 * down costs a caller timeout_ms times attempts per call; once it has failed
 * `failures` calls in a row, calls are refused at once until a single probe
 * shows it answers again. Only one probe at a time, so a recovering supplier
 * is not met by every waiting caller at once. */
#include "services/supplier/breaker.h"

void
sup_breaker_init(struct sup_breaker *b)
{
    b->state = SUP_BREAKER_CLOSED;
    b->failures = 0;
    b->opened_ms = 0;
    b->probing = false;
}

bool
sup_breaker_allow(struct sup_breaker *b, const struct sup_breaker_cfg *cfg, int64_t now_ms)
{
    switch (b->state) {
    case SUP_BREAKER_CLOSED:
        return true;
    case SUP_BREAKER_OPEN:
        if (now_ms - b->opened_ms < cfg->open_ms)
            return false;
        b->state = SUP_BREAKER_HALF_OPEN;
        b->probing = true;
        return true;
    case SUP_BREAKER_HALF_OPEN:
        if (b->probing)
            return false;
        b->probing = true;
        return true;
    }
    return false;
}

bool
sup_breaker_success(struct sup_breaker *b)
{
    switch (b->state) {
    case SUP_BREAKER_CLOSED:
        b->failures = 0;
        return false;
    case SUP_BREAKER_HALF_OPEN:
        sup_breaker_init(b);
        return true;
    case SUP_BREAKER_OPEN:
        return false;
    }
    return false;
}

static void
open_at(struct sup_breaker *b, int64_t now_ms)
{
    b->state = SUP_BREAKER_OPEN;
    b->opened_ms = now_ms;
    b->probing = false;
    b->failures = 0;
}

bool
sup_breaker_failure(struct sup_breaker *b, const struct sup_breaker_cfg *cfg, int64_t now_ms)
{
    switch (b->state) {
    case SUP_BREAKER_CLOSED:
        if (++b->failures < cfg->failures)
            return false;
        open_at(b, now_ms);
        return true;
    case SUP_BREAKER_HALF_OPEN:
        open_at(b, now_ms);
        return true;
    case SUP_BREAKER_OPEN:
        return false;
    }
    return false;
}

const char *
sup_breaker_state_name(enum sup_breaker_state s)
{
    switch (s) {
    case SUP_BREAKER_CLOSED:
        return "closed";
    case SUP_BREAKER_OPEN:
        return "open";
    case SUP_BREAKER_HALF_OPEN:
        return "half_open";
    }
    return "unknown";
}
