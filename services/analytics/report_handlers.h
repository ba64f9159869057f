/* services/analytics/report_handlers.h — the daily sales report: the
 * daily-report job that writes each store's finished local days once, and
 * GET /api/v1/reports[/{id}] in JSON or CSV (docs/analytics.md "Daily
 * report"). The job and handlers take the service's struct an_app. */
#ifndef TM_ANALYTICS_REPORT_HANDLERS_H
#define TM_ANALYTICS_REPORT_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/router.h"

#include "services/analytics/report.h"
#include "services/analytics/report_store.h"

#define AN_REPORT_RUN_MAX 10000      /* store-days one run computes at most (the rest next run) */
#define AN_REPORT_STORE_DAYS_MAX 400 /* days of one store one run computes at most */
#define AN_REPORT_WAIT_MS 5000       /* how long a run waits for the subscriber to catch up */
#define AN_REPORT_HEARD_MAX_MS 5000  /* the source's newest seq must be this fresh */

/* tm_job_fn of the daily-report job (app is the struct an_app): for every
 * store, computes each due local day (report.h an_report_due: new days,
 * and the last few again) and stores the reports that are new or whose
 * figures changed (an_db_report_put), one row per store and day. Refuses
 * to write anything (TM_UNAVAIL, the run recorded as failed, the next run
 * tries again) until tm-txn's events up to the seq it last told are all
 * applied (an_report_ready). *rows is the reports written or amended. */
TM_MUSTCHECK enum tm_code an_job_daily_report(void *app, PGconn *db, int64_t *rows,
                                              struct tm_err *err);

/* GET /api/v1/reports: ?store_id=&from=&to=&limit=&cursor=&format=json|csv. */
TM_MUSTCHECK enum tm_code an_h_reports_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
/* GET /api/v1/reports/{id}: ?format=json|csv; 404 for another store's. */
TM_MUSTCHECK enum tm_code an_h_report_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);

/* The stored body of a report (a JSON object, docs/analytics.md). */
TM_MUSTCHECK enum tm_code an_report_encode(struct tm_buf *b, const struct an_report_store *store,
                                           const struct an_report_day *day, int64_t txn_seq,
                                           const struct an_report *r);
/* Reads back the figures of a stored report (as an_db_report_get renders
 * it) into *out. TM_INVALID (field "report") for anything else. */
TM_MUSTCHECK enum tm_code an_report_decode(const char *json, size_t len, struct an_report *out,
                                           struct tm_err *err);

/* The CSV of one report: a header row, then a "total" row, 24 "hour" rows
 * and a "product" row per top product. */
TM_MUSTCHECK enum tm_code an_report_csv(struct tm_buf *b, const struct an_report *r);

#endif
