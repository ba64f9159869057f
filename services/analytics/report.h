/* services/analytics/report.h — the daily sales report of one store and one
 * local day (docs/analytics.md "Daily report"), built from the facts the
 * read models hold, and which days are due. Pure: no I/O, no clock; days
 * are numbers (days since 1970-01-01) and "now" arrives as the last day
 * that may be reported. Thread-safe, no state. */
#ifndef TM_ANALYTICS_REPORT_H
#define TM_ANALYTICS_REPORT_H

#include <stdint.h>

#include "common/err.h"

#define AN_REPORT_HOURS 24 /* local hours 0..23 (a DST day's repeated hour is one) */
#define AN_REPORT_TOP 10   /* top products a report names */
#define AN_REPORT_BACKFILL_MAX 92
#define AN_SKU_BYTES (64 + 1)       /* inventory's 64 ASCII characters */
#define AN_NAME_BYTES (4 * 200 + 1) /* inventory's 200 characters, as UTF-8 */

/* What happened in one local hour (or a whole day). Money in cents. */
struct an_figures {
    int64_t revenue_cents; /* completed sales */
    int64_t units;
    int64_t transactions;
    int64_t customers; /* distinct customers with a completed sale */
    int64_t voided;    /* sales of the period voided since */
    int64_t declined;  /* attempts declined */
    int64_t flagged;   /* sales whose fraud decision was review */
};

/* An hourly_store row: its local hour and figures. */
struct an_report_hour {
    int hour; /* 0..23 */
    struct an_figures f;
};

struct an_report_product {
    int64_t product_id;
    char sku[AN_SKU_BYTES];   /* "" when the catalogue copy lacks the product */
    char name[AN_NAME_BYTES]; /* idem */
    int64_t revenue_cents;
    int64_t units;
    int64_t transactions;
};

/* The facts of one store's local day, as read from the read models. */
struct an_report_facts {
    struct an_report_hour hours[AN_REPORT_HOURS]; /* any order; hours without a row are zero */
    int n_hours;
    struct an_report_product products[AN_REPORT_TOP]; /* the day's best by revenue, any order */
    int n_products;
    int64_t customers;    /* distinct over the day (not the hours' sum) */
    int64_t voided_cents; /* what the day's voided sales had taken */
};

struct an_report {
    struct an_figures totals;
    int64_t average_basket_cents; /* anq_avg_cents (half up); 0 when no sales */
    int64_t voided_cents;
    struct an_figures hours[AN_REPORT_HOURS]; /* by local hour */
    struct an_report_product top[AN_REPORT_TOP];
    int n_top; /* ranked: revenue, then units, descending, then product id */
};

/* Builds the report from facts: every hour 0..23, the day's totals (each
 * figure the hours' sum, but customers, which is the day's distinct
 * count), the average basket and the ranked top products. TM_INVALID
 * (field "hours" or "products") when an hour is outside 0..23 or given
 * twice, a count is out of range, a figure is negative or a sum would
 * overflow; *out is then unspecified. */
TM_MUSTCHECK enum tm_code an_report_build(const struct an_report_facts *facts,
                                          struct an_report *out, struct tm_err *err);

/* A store's days, as day numbers (days since 1970-01-01). */
struct an_report_window {
    int64_t first_day;  /* created, or of its first sale if earlier */
    int64_t last_day;   /* its newest finished local day */
    int has_latest;     /* it has a daily report */
    int64_t latest_day; /* its newest report's day, when has_latest */
    int backfill_days;  /* 1..AN_REPORT_BACKFILL_MAX: a store without reports gets these */
    int amend_days;     /* 0..AN_REPORT_BACKFILL_MAX: recomputed each run (late sales, voids) */
};

/* The days to (re)compute for a store, oldest first, into out[max];
 * returns how many. A store with reports: every day after its latest one
 * (an outage is filled in), and its last amend_days days again; one
 * without: its last backfill_days days only, so a first run does not
 * write years of reports. Never a day before first_day or after last_day;
 * at most max (the rest on a later run). Out-of-range settings are
 * clamped. */
int an_report_due(const struct an_report_window *w, int64_t *out, int max);

/* 1 when a report may be written: the source told its newest seq
 * (source_seq) at heard_ms, no earlier than since_ms (0: never told), and
 * every event up to it has been applied. Days reported ended before
 * since_ms, so none of their events is missing. */
int an_report_ready(int64_t applied_seq, int64_t source_seq, int64_t heard_ms, int64_t since_ms);

#endif
