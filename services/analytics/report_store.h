/* services/analytics/report_store.h — the daily reports' SQL: which stores
 * and days are due, a day's facts from the read models, writing a report
 * once, and reading them back (analytics.reports,
 * sql/analytics/0003_read_models.sql). Prefix an_db_report_. Takes plain
 * structs and a common/page.h page; no router, no JSON parsing. */
#ifndef TM_ANALYTICS_REPORT_STORE_H
#define TM_ANALYTICS_REPORT_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

#include "services/analytics/report.h"

#define AN_REPORT_STORES_PAGE 200 /* stores read at a time */
#define AN_STORE_CODE_BYTES (16 + 1)
#define AN_TZ_BYTES (64 + 1)
#define AN_DAY_BYTES 11 /* "2026-11-25" */
#define AN_TS_BYTES 32  /* TM_DB_TS's text */

/* A store as the job sees it: who it is and its window of local days. */
struct an_report_store {
    int64_t id;
    char code[AN_STORE_CODE_BYTES];
    char name[AN_NAME_BYTES];
    char time_zone[AN_TZ_BYTES];
    int64_t first_day;  /* days since 1970-01-01: created, or first sale if earlier */
    int64_t last_day;   /* newest finished local day (inactive: up to its last change) */
    int has_latest;     /* it has a daily report */
    int64_t latest_day; /* its newest report's day, when has_latest */
};

/* Up to max stores of the copy with an id above after_id, by id; *n how
 * many. A store's local day counts as finished grace_s after its local
 * midnight. */
TM_MUSTCHECK enum tm_code an_db_report_stores(PGconn *db, int grace_s, int64_t after_id,
                                              struct an_report_store *out, int max, int *n,
                                              struct tm_err *err);

/* One store's local day, its text and UTC bounds. */
struct an_report_day {
    char day[AN_DAY_BYTES];
    char from[AN_TS_BYTES]; /* its local midnight, UTC */
    char to[AN_TS_BYTES];   /* the next local midnight, UTC */
};

/* The facts of store's local day `day` (days since 1970-01-01) from the
 * read models, and the day's text and bounds. */
TM_MUSTCHECK enum tm_code an_db_report_facts(PGconn *db, const struct an_report_store *store,
                                             int64_t day, struct an_report_facts *facts,
                                             struct an_report_day *when, struct tm_err *err);

/* What an_db_report_put did. */
enum an_report_put { AN_REPORT_SAME, AN_REPORT_WRITTEN, AN_REPORT_AMENDED };

/* Writes the daily report of (store_id, day) with body (a JSON object):
 * a new one, or over the stored one when its figures differ (anything but
 * txn_seq; its revision then goes up by one), or nothing when they agree. */
TM_MUSTCHECK enum tm_code an_db_report_put(PGconn *db, int64_t store_id, int64_t day,
                                           const char *body, enum an_report_put *did,
                                           struct tm_err *err);

/* Which reports a list shows. */
struct an_report_filter {
    int64_t store_id;        /* 0: any */
    const char *store_scope; /* NULL, or the principal's stores as "{1,2}" */
    const char *from, *to;   /* NULL, or days "2026-11-01" (both included) */
};

/* A listed report: its head and totals. */
struct an_report_row {
    int64_t id;
    int64_t store_id;
    char store_code[AN_STORE_CODE_BYTES];
    char day[AN_DAY_BYTES];
    char created_at[AN_TS_BYTES];
    int64_t revision;
    struct an_figures totals;
    int64_t average_basket_cents;
    int64_t voided_cents;
};

/* A page of reports, newest day first (then newest id): as JSON
 * {"items":[...],"next_cursor"} into out, or as rows into out[page->limit
 * + 1] with *n fetched (tm_reply_page's convention). */
TM_MUSTCHECK enum tm_code an_db_report_list_json(PGconn *db, const struct an_report_filter *f,
                                                 const struct tm_page *page, struct tm_buf *out,
                                                 struct tm_err *err);
TM_MUSTCHECK enum tm_code an_db_report_list_rows(PGconn *db, const struct an_report_filter *f,
                                                 const struct tm_page *page,
                                                 struct an_report_row *out, int *n,
                                                 struct tm_err *err);

/* Report id as the JSON document GET /api/v1/reports/{id} answers, into
 * out, and its store. TM_NOTFOUND (field "id") when there is none. */
TM_MUSTCHECK enum tm_code an_db_report_get(PGconn *db, int64_t id, int64_t *store_id,
                                           struct tm_buf *out, struct tm_err *err);

#endif
