/* services/txn/rules_cache.h — the fraud rule set a tm-txn instance scores
 * with, decoded once per version instead of on every sale. A sale still
 * asks the database which version is current (one indexed row, so a set
 * published by another instance is used from its next sale on) and the
 * stored document is read and decoded only when that version is not the
 * one held here.
 *
 * One slot, holding the newest version seen: rule sets change rarely and
 * are never edited in place (a change is a new version), so a version
 * number names one set for ever and the slot only moves forward.
 *
 * Thread-safe: every bus worker of an instance shares one cache (in struct
 * tx_app). A mutex guards the slot; it is held only to copy a set (about
 * 4 KiB) in or out, never across I/O. Initialise with TX_RULES_CACHE_INIT
 * (static storage: nothing to free). */
#ifndef TM_TXN_RULES_CACHE_H
#define TM_TXN_RULES_CACHE_H

#include <pthread.h>

#include "services/txn/fraud.h"

struct tx_rules_cache {
    pthread_mutex_t mu;     /* guards version and set */
    int version;            /* of set; 0: empty (versions start at 1) */
    struct fr_rule_set set; /* decoded and checked (fr_rule_set_check) */
};

#define TX_RULES_CACHE_INIT                                                                        \
    {                                                                                              \
        .mu = PTHREAD_MUTEX_INITIALIZER                                                            \
    }

/* The version held; 0 when none. */
int tx_rules_cache_version(struct tx_rules_cache *c);

/* Copies the set of `version` into *out and returns 1 when that is the
 * version held; returns 0 and leaves *out alone otherwise. */
int tx_rules_cache_get(struct tx_rules_cache *c, int version, struct fr_rule_set *out);

/* Keeps a copy of set as `version` (> 0) when it is newer than the version
 * held, and returns 1; returns 0 and keeps the held one otherwise (an
 * older or equal version, e.g. read by a slower thread). Borrows set. */
int tx_rules_cache_put(struct tx_rules_cache *c, int version, const struct fr_rule_set *set);

#endif
