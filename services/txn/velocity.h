/* services/txn/velocity.h — velocity counters in Redis, shared by every
 * tm-txn instance: per customer, payment instrument and store, counts and
 * amounts in buckets (1 minute for the 10-minute window, 5 minutes for the
 * hour, 1 hour for the day), so a window is the sale's bucket and the ones
 * before it. One script call adds a sale and reads every window; a sale id
 * is counted once however often it is retried. Counts are attempts (a
 * declined sale included), amounts are spend: a declined sale's amount is
 * taken back once it is declined (tx_velocity_unspend), so one blocked
 * attempt does not make the customer's next purchase look like a spree. */
#ifndef TM_TXN_VELOCITY_H
#define TM_TXN_VELOCITY_H

#include <stdint.h>

#include "common/err.h"
#include "common/redis.h"

#include "services/txn/fraud.h"

/* Adds sale_id (occurred at ts_s epoch seconds, amount_cents) under each
 * non-NULL keys[scope] and fills out with every window's count and amount,
 * this sale included. now_s keeps buckets alive for their windows. On
 * failure out->evaluated is 0 and the error says why (TM_UNAVAIL: Redis). */
TM_MUSTCHECK enum tm_code tx_velocity_add(struct tm_redis *r, const char *sale_id, int64_t ts_s,
                                          int64_t amount_cents, int64_t now_s,
                                          const char *const keys[FR_SCOPES],
                                          struct fr_velocity *out, struct tm_err *err);

/* The same counters for voids (fr_facts.reversals): adds the void of
 * sale_id (at ts_s, the voided sale's amount_cents) under each non-NULL
 * keys[scope] (customer, store, operator; instrument unused) once per sale
 * id, and reads every window, this void included. */
TM_MUSTCHECK enum tm_code tx_reversals_add(struct tm_redis *r, const char *sale_id, int64_t ts_s,
                                           int64_t amount_cents, int64_t now_s,
                                           const char *const keys[FR_SCOPES],
                                           struct fr_velocity *out, struct tm_err *err);

/* The same, kept apart for the signed-in principal who voided (out's
 * operator scope only): the named operator is the cashier the POS says,
 * the principal is who actually asked, and both are counted. */
TM_MUSTCHECK enum tm_code tx_reversals_add_principal(struct tm_redis *r, const char *sale_id,
                                                     int64_t ts_s, int64_t amount_cents,
                                                     int64_t now_s, const char *principal,
                                                     struct fr_velocity *out, struct tm_err *err);

/* Takes sale_id's amount back out of the buckets tx_velocity_add put it in
 * (same ts_s, amount_cents and keys): the sale was declined. Once per sale
 * id; a later tx_velocity_add of the same sale id (a resumed try scored
 * again) restores it. TM_UNAVAIL: Redis. */
TM_MUSTCHECK enum tm_code tx_velocity_unspend(struct tm_redis *r, const char *sale_id, int64_t ts_s,
                                              int64_t amount_cents,
                                              const char *const keys[FR_SCOPES],
                                              struct tm_err *err);

#endif
