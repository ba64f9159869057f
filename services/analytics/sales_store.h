/* services/analytics/sales_store.h — tm-analytics' SQL for the read models
 * fed by tm-txn's sales events (sql/analytics/0003_read_models.sql,
 * docs/analytics.md "Read models"). A batch of sales, a void or a review is
 * one statement, one round trip: the fact rows and every aggregate they
 * move are written together, in the subscriber's transaction
 * (common/subscriber), so the read models are fresh within milliseconds of
 * the event. Prefix an_db_. */
#ifndef TM_ANALYTICS_SALES_STORE_H
#define TM_ANALYTICS_SALES_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

#include "services/analytics/sale_batch.h"
#include "services/analytics/sale_event.h"

/* Upserts one store of the copy: f = id, code, name, time_zone, active,
 * updated_at (text, as an event's data shows them). */
TM_MUSTCHECK enum tm_code an_db_upsert_store(PGconn *db, const char *const *f, struct tm_err *err);

/* Adds a batch of completed sales (txn.created) and declined attempts
 * (txn.declined, counted only in hourly_store.declined) to the facts and
 * aggregates in one statement, each sale's hour its store's local hour:
 * what the sales one by one would have added. TM_UNAVAIL when a sale's
 * store is not in the copy yet (nothing written; the subscriber retries the
 * batch later: never guessed). A sale that is there already adds nothing;
 * skipped[size] gets their ids, comma-separated ("" when none; cut to fit).
 * Written in a savepoint: on failure (TM_INVALID: a foreign key, check or
 * cast refused one of the sales) nothing is written and the transaction
 * stays usable. */
TM_MUSTCHECK enum tm_code an_db_sale_batch_write(PGconn *db, const struct an_sale_batch *b,
                                                 char *skipped, size_t size, struct tm_err *err);

/* Takes a completed sale back out of every aggregate (txn.voided): its
 * counts subtracted, rows reaching zero deleted, first/last sale times
 * recomputed from the completed sales that remain, its hour's voided
 * counted, the fact marked voided at voided_at. TM_INVALID when there is
 * no completed sale with that id (nothing changed). */
TM_MUSTCHECK enum tm_code an_db_sale_void(PGconn *db, int64_t id, const char *voided_at,
                                          struct tm_err *err);

/* Sets a sale's review_label (txn.reviewed). TM_INVALID when there is no
 * such sale. */
TM_MUSTCHECK enum tm_code an_db_sale_review(PGconn *db, int64_t id, const char *label,
                                            struct tm_err *err);

/* The rebuild, in the caller's transaction: takes the inbox row of source
 * (so none of its events is being applied), empties the sales read models
 * (not the catalogue and stores copy, nor the stored reports) and sets the
 * source's last applied seq to 0, so its subscriber replays it from its
 * outbox. *rows: the sales that were emptied. */
TM_MUSTCHECK enum tm_code an_db_rebuild(PGconn *db, const char *source, int64_t *rows,
                                        struct tm_err *err);

#endif
