/* services/supplier/api_jobs.h — what tm-supplier runs around its supplier
 * API client: the catalogue-refresh job (every active supplier with an
 * api_url, its price list fetched into the cache) and the listener that
 * writes a supplier.api_circuit event when a breaker changes state. */
#ifndef TM_SUPPLIER_API_JOBS_H
#define TM_SUPPLIER_API_JOBS_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

#include "services/supplier/api.h"

/* The job catalogue-refresh (a tm_job_fn; app is the struct sup_app): for
 * each active supplier with an api_url on the allow-list, fetches its
 * catalogue and replaces the cached one, or records the failure and keeps
 * the cache (a supplier down or behind an open breaker is not the job's
 * failure). *rows counts suppliers refreshed. Fails only on the database. */
TM_MUSTCHECK enum tm_code sup_job_catalogue_refresh(void *app, PGconn *db, int64_t *rows,
                                                    struct tm_err *err);

/* A sup_api_breaker_fn (arg the struct sup_app): writes the event
 * supplier.api_circuit {"supplier_id","from","to"} through the outbox in a
 * transaction of its own, on a pooled connection; logged when it cannot. */
void sup_breaker_event(void *app, int64_t supplier_id, enum sup_breaker_state from,
                       enum sup_breaker_state to);

#endif
