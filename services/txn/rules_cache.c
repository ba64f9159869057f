/* services/txn/rules_cache.c — the decoded rule set per version (see the
 * header for why one slot and why a flag instead of a mutex). Called once
 * per sale by every bus worker; the critical sections are a compare and a
 * copy, so contention is short and a yielding spin is enough. */
#include "services/txn/rules_cache.h"

#include <assert.h>
#include <sched.h>
#include <string.h>

static void
take(struct tx_rules_cache *c)
{
    int idle = 0;

    while (!atomic_compare_exchange_weak_explicit(&c->busy, &idle, 1, memory_order_acquire,
                                                  memory_order_relaxed)) {
        idle = 0;
        sched_yield();
    }
}

static void
give(struct tx_rules_cache *c)
{
    atomic_store_explicit(&c->busy, 0, memory_order_release);
}

int
tx_rules_cache_version(struct tx_rules_cache *c)
{
    int v;

    take(c);
    v = c->version;
    give(c);
    return v;
}

int
tx_rules_cache_get(struct tx_rules_cache *c, int version, struct fr_rule_set *out)
{
    int hit;

    take(c);
    hit = version > 0 && c->version == version;
    if (hit)
        memcpy(out, &c->set, sizeof *out);
    give(c);
    return hit;
}

int
tx_rules_cache_put(struct tx_rules_cache *c, int version, const struct fr_rule_set *set)
{
    int newer;

    assert(version > 0);
    take(c);
    newer = version > c->version;
    if (newer) {
        memcpy(&c->set, set, sizeof c->set);
        c->version = version;
    }
    give(c);
    return newer;
}
