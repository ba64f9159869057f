/* services/txn/attempts.h — the last 24 h of sale attempts per payment
 * instrument and per customer, in Redis, shared by every tm-txn instance:
 * what the attempt-list rules (distinct stores and channels, small
 * attempts, small then large, declined attempts) read. Each list is a
 * sorted set of sale ids by time beside a hash of each attempt's facts
 * (time, total, store, channel, declined), kept to the FR_ATTEMPTS_MAX * 4
 * newest and expiring a day after their last write. One script call adds
 * an attempt to both lists and reads the earlier ones; a sale id is added
 * once however often it is retried; its outcome (declined) is written after
 * the decision. */
#ifndef TM_TXN_ATTEMPTS_H
#define TM_TXN_ATTEMPTS_H

#include <stdint.h>

#include "common/err.h"
#include "common/redis.h"

#include "services/txn/fraud.h"

/* This attempt, as the lists keep it. */
struct tx_attempt_in {
    const char *sale_id;
    int64_t ts_s;
    int64_t total_cents;
    int64_t store_id;
    int channel; /* enum fr_channel */
};

/* Adds a (not declined, until tx_attempts_outcome says otherwise) under the
 * instrument's and the customer's lists (NULL or "": none; that list's out
 * is then evaluated with n 0) and fills inst and cust with the earlier
 * attempts of the 24 h before a->ts_s, newest first, at most
 * FR_ATTEMPTS_MAX, this one not included. On failure both are left
 * unevaluated (evaluated 0) and the error says why (TM_UNAVAIL: Redis). */
TM_MUSTCHECK enum tm_code tx_attempts_add(struct tm_redis *r, const struct tx_attempt_in *a,
                                          const char *instrument, const char *customer,
                                          struct fr_attempts *inst, struct fr_attempts *cust,
                                          struct tm_err *err);

/* Records sale_id's outcome in both lists (declined 1 or 0); a no-op for a
 * list that does not hold it. Idempotent. TM_UNAVAIL: Redis. */
TM_MUSTCHECK enum tm_code tx_attempts_outcome(struct tm_redis *r, const char *sale_id,
                                              const char *instrument, const char *customer,
                                              int declined, struct tm_err *err);

/* Parses one kept attempt, "ts:total:store:channel:declined", into *out;
 * 0 when it is not one (the list is then read without it). Pure. */
int tx_attempt_parse(const char *s, struct fr_attempt *out);

#endif
