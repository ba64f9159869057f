/* services/analytics/store.h — tm-analytics' SQL: the `analytics` schema
 * (catalogue and stores read copy; its inbox of applied event seqs comes from
 * sql/plumbing/inbox.sql and is run by common/subscriber). Prefix
 * an_db_. */
#ifndef TM_ANALYTICS_STORE_H
#define TM_ANALYTICS_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

/* Upserts one catalogue row from an event's data (category or product). */
TM_MUSTCHECK enum tm_code an_db_upsert_category(PGconn *db, const char *const *fields,
                                                struct tm_err *err);
TM_MUSTCHECK enum tm_code an_db_upsert_product(PGconn *db, const char *const *fields,
                                               struct tm_err *err);
/* Upserts one store (its time zone decides a sale's local hour): fields =
 * id, code, name, time_zone, active, created_at, updated_at. */
TM_MUSTCHECK enum tm_code an_db_upsert_store(PGconn *db, const char *const *fields,
                                             struct tm_err *err);

/* The last seq applied for source (0 when none yet) and its time. */
TM_MUSTCHECK enum tm_code an_db_applied(PGconn *db, const char *source, int64_t *seq, char *at,
                                        size_t at_size, struct tm_err *err);

/* Rows in the read copy, for the lag report. */
TM_MUSTCHECK enum tm_code an_db_counts(PGconn *db, int64_t *products, int64_t *categories,
                                       struct tm_err *err);

#endif
