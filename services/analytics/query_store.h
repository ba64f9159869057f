/* services/analytics/query_store.h — the reports' SQL over the read models
 * (sql/analytics/0003_read_models.sql): ranges read the hourly aggregates,
 * never a scan of the sales, except where only the facts can answer (a
 * category's distinct customers per hour, the last hour per minute). The
 * rows are plain structs that query_handlers.c shows as JSON or CSV.
 * Prefix an_qdb_. */
#ifndef TM_ANALYTICS_QUERY_STORE_H
#define TM_ANALYTICS_QUERY_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"

#include "proto/limits.h"
#include "services/analytics/query.h"
#include "services/analytics/rfm.h"

#define ANQ_NAME_SIZE 801 /* a product's or store's name: 200 characters of UTF-8 */
#define ANQ_CODE_SIZE 65  /* a SKU or store code */
#define ANQ_TZ_SIZE 65    /* an IANA zone name */
#define ANQ_STAMP_SIZE 24 /* "2026-11-01T08:00" or "2026-11-01T08:00Z" */
/* hourly-sales rows a JSON answer holds (it is sent whole): ~170 B each,
 * 2.6 MB of TM_MESSAGE_MAX. CSV is streamed instead (docs/analytics.md
 * "CSV exports"): pages of ANQ_PAGE_ROWS rows (~80 B each in CSV, ~160 kB
 * a page), at most ANQ_EXPORT_ROWS_MAX rows in all (~80 MB). */
#define ANQ_HOURLY_ROWS_MAX 15000
#define ANQ_PAGE_ROWS TM_STREAM_PAGE_ROWS
#define ANQ_EXPORT_ROWS_MAX TM_STREAM_ROWS_MAX
#define ANQ_LIST_ROWS_MAX 5000 /* stores or categories in one answer */

/* What every report is filtered by. */
struct anq_filter {
    int given;                     /* 0: each store's local today (from/to unused) */
    char from[ANQ_HOUR_TEXT_SIZE]; /* local hours, anq_hour_text */
    char to[ANQ_HOUR_TEXT_SIZE];
    const char *scope;   /* "{1,2}": only these stores; NULL: every store */
    int64_t store_id;    /* 0: every store in scope */
    int64_t category_id; /* 0: every category (hourly-sales only) */
    int64_t after_store; /* hourly-sales: 0, from the first row; else only the rows after */
    char after_hour[ANQ_HOUR_TEXT_SIZE]; /* (after_store, after_hour) in key order */
};

/* The figures a store and hour (or range) sums. ANQ_NONE where a report
 * cannot say (a category's voids). */
struct anq_sums {
    int64_t revenue_cents, units, transactions, customers, voided, declined, flagged;
};

struct anq_hourly_row {
    int64_t store_id;
    char hour[ANQ_STAMP_SIZE]; /* local "2026-11-01T08:00" */
    struct anq_sums s;
    int64_t avg_basket_cents; /* filled by the handler */
};

struct anq_product_row {
    int64_t product_id, category_id; /* category_id 0: not in the catalogue copy */
    char sku[ANQ_CODE_SIZE], name[ANQ_NAME_SIZE];
    int64_t revenue_cents, units, transactions;
    int64_t margin_cents; /* ANQ_NONE: the product's cost is not known */
};

struct anq_category_row {
    int64_t category_id, parent_id; /* parent_id 0: a top category */
    char name[ANQ_NAME_SIZE];
    int64_t revenue_cents, units, margin_cents, prev_revenue_cents;
    double share, growth; /* filled by the handler */
};

struct anq_store_row {
    int64_t store_id;
    char code[ANQ_CODE_SIZE], name[ANQ_NAME_SIZE], time_zone[ANQ_TZ_SIZE];
    struct anq_sums s;
    int64_t avg_basket_cents; /* filled by the handler */
};

struct anq_minute_row {
    char minute[ANQ_STAMP_SIZE]; /* UTC "2026-11-01T08:07Z" */
    int64_t revenue_cents, transactions, units, voided, declined, flagged;
};

/* 1 in *found when the store (what "store") or category ("category") is in
 * the read copy. */
TM_MUSTCHECK enum tm_code an_qdb_exists(PGconn *db, const char *what, int64_t id, int *found,
                                        struct tm_err *err);

/* Hourly sales per store and local hour, ordered so, from after
 * (f->after_store, f->after_hour) when after_store is set; at most max rows
 * (*n = max + 1 says there were more). With a category: its products and
 * its subcategories' read from the facts; voided, declined, flagged are
 * ANQ_NONE then. */
TM_MUSTCHECK enum tm_code an_qdb_hourly(PGconn *db, const struct anq_filter *f,
                                        struct anq_hourly_row *rows, int max, int *n,
                                        struct tm_err *err);

/* The store-hours hourly-sales would list for f (its range, scope and
 * store, and only those after (f->after_store, f->after_hour) when
 * after_store is set; not its category, so an upper bound with one), in *n,
 * counting no further than cap + 1 (enough to tell "over cap"). */
TM_MUSTCHECK enum tm_code an_qdb_hourly_count(PGconn *db, const struct anq_filter *f, int64_t cap,
                                              int64_t *n, struct tm_err *err);

/* Products ranked by `by` ("revenue", "units" or "margin"), then id; at most limit. */
TM_MUSTCHECK enum tm_code an_qdb_top_products(PGconn *db, const struct anq_filter *f,
                                              const char *by, int64_t limit,
                                              struct anq_product_row *rows, int *n,
                                              struct tm_err *err);

/* Per category (a product's current one) in the range and the one before
 * it of the same length, by revenue then id; at most max + 1. */
TM_MUSTCHECK enum tm_code an_qdb_categories(PGconn *db, const struct anq_filter *f,
                                            struct anq_category_row *rows, int max, int *n,
                                            struct tm_err *err);

/* Per store in scope (those without sales too), by id; at most max + 1. */
TM_MUSTCHECK enum tm_code an_qdb_stores(PGconn *db, const struct anq_filter *f,
                                        struct anq_store_row *rows, int max, int *n,
                                        struct tm_err *err);

/* The last 60 minutes (this one included), oldest first: rows[60]. */
TM_MUSTCHECK enum tm_code an_qdb_realtime(PGconn *db, const struct anq_filter *f,
                                          struct anq_minute_row rows[60], struct tm_err *err);

/* The customers with a completed sale in scope, scored in SQL (R, F, M
 * quintiles among them by midpoint rank, docs/analytics.md "Customer
 * segments (RFM)"), grouped by score triple: cells[0..*n), by (r, f, m),
 * with their counts and sums (recency counted to now_s, epoch seconds).
 * The database's work grows with the customers; this call's memory does
 * not (at most RFM_CELLS rows). */
TM_MUSTCHECK enum tm_code an_qdb_rfm_cells(PGconn *db, const struct anq_filter *f, int64_t now_s,
                                           struct rfm_cell cells[RFM_CELLS], int *n,
                                           struct tm_err *err);

/* Appends the summary document (docs/analytics.md, "summary") to out. */
TM_MUSTCHECK enum tm_code an_qdb_summary(PGconn *db, const struct anq_filter *f, struct tm_buf *out,
                                         struct tm_err *err);

#endif
