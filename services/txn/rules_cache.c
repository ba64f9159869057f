/* services/txn/rules_cache.c — the decoded rule set per version (see the
 * header for why one slot). Called once per sale by every bus worker; the
 * critical sections are a compare and a copy. */
#include "services/txn/rules_cache.h"

#include <assert.h>
#include <string.h>

int
tx_rules_cache_version(struct tx_rules_cache *c)
{
    int v;

    pthread_mutex_lock(&c->mu);
    v = c->version;
    pthread_mutex_unlock(&c->mu);
    return v;
}

int
tx_rules_cache_get(struct tx_rules_cache *c, int version, struct fr_rule_set *out)
{
    int hit;

    pthread_mutex_lock(&c->mu);
    hit = version > 0 && c->version == version;
    if (hit)
        memcpy(out, &c->set, sizeof *out);
    pthread_mutex_unlock(&c->mu);
    return hit;
}

int
tx_rules_cache_put(struct tx_rules_cache *c, int version, const struct fr_rule_set *set)
{
    int newer;

    assert(version > 0);
    pthread_mutex_lock(&c->mu);
    newer = version > c->version;
    if (newer) {
        memcpy(&c->set, set, sizeof c->set);
        c->version = version;
    }
    pthread_mutex_unlock(&c->mu);
    return newer;
}
