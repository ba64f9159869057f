/* services/analytics/query.h — the pure half of tm-analytics' reports: the
 * query-string decoders (a local date or hour range, the reply format) and
 * the figures derived from sums (average basket, share, growth). No I/O, no
 * clock: "today" is left to the SQL, which knows each store's time zone.
 * Thread-safe, no state. Prefix anq_. */
#ifndef TM_ANALYTICS_QUERY_H
#define TM_ANALYTICS_QUERY_H

#include <stdint.h>

#include "common/err.h"

#define ANQ_TEXT_MAX 19       /* bytes of a range bound as given: "2026-11-01T08:00:00" */
#define ANQ_HOUR_TEXT_SIZE 20 /* "2026-11-01 08:00:00" and its NUL: a SQL timestamp */
#define ANQ_NONE INT64_MIN    /* a figure with nothing to divide by: null in a reply */

/* A range of local hours (each store's wall clock): [from_h, to_h), in
 * hours since 1970-01-01T00:00 of that clock. given is 0 when the client
 * named neither bound: each store's local today. */
struct anq_range {
    int given;
    int64_t from_h, to_h;
};

/* Decodes the `from` and `to` query values (either may be NULL: absent).
 * Each is a local date "2026-11-01" (from: its start; to: its end, so both
 * days are included) or a local hour "2026-11-01T08:00" (":00" seconds
 * optional; to: excluded); minutes and seconds must be 00, the read models
 * being hourly. Both or neither. TM_INVALID naming the field: a malformed
 * or impossible value, one bound without the other, from not before to
 * (field "from"), or a range longer than max_days (field "to").
 * *out is unchanged on failure. */
TM_MUSTCHECK enum tm_code anq_range_parse(const char *from, const char *to, int max_days,
                                          struct anq_range *out, struct tm_err *err);

/* Local hour h as a SQL timestamp literal into out: "2026-11-01 08:00:00". */
void anq_hour_text(int64_t h, char out[ANQ_HOUR_TEXT_SIZE]);

/* The reply's format: `format` is the query value (NULL: absent), accept
 * the request's Accept media type ("" or "text/csv"). ?format wins over
 * Accept. TM_INVALID (field "format") for a format other than json or csv. */
enum anq_format { ANQ_JSON, ANQ_CSV };
TM_MUSTCHECK enum tm_code anq_format_pick(const char *format, const char *accept,
                                          enum anq_format *out, struct tm_err *err);

/* A streamed export's position (docs/analytics.md "CSV exports"): the page
 * after the row of (store_id, local hour) in the export's key order. Its
 * text, the reply's `more` and the request's page_after, is
 * "<store_id>.<YYYYMMDDHH>": "3.2026110108". */
#define ANQ_AFTER_SIZE 28 /* 16 digits, '.', 10 digits and the NUL; < TM_CURSOR_MAX */
struct anq_after {
    int64_t store_id; /* 1 .. 2^53 */
    int64_t hour_h;   /* local hour, as anq_range's */
};

/* Decodes a page_after value. TM_INVALID (field "page_after") for anything
 * but the text above with a store id in 1..2^53 and an hour of the
 * calendar; *out is unchanged then. */
TM_MUSTCHECK enum tm_code anq_after_parse(const char *text, struct anq_after *out,
                                          struct tm_err *err);

/* The position after store_id's local hour `hour` ("2026-11-01T08:00", as
 * the hourly rows show it) into out; "" when hour is not that form. */
void anq_after_text(int64_t store_id, const char *hour, char out[ANQ_AFTER_SIZE]);

/* revenue / n rounded half up, in cents; ANQ_NONE when n is 0. */
int64_t anq_avg_cents(int64_t revenue_cents, int64_t n);
/* part / whole; NaN (null) when whole is 0. */
double anq_share(int64_t part, int64_t whole);
/* (now - before) / before; NaN (null) when before is 0. */
double anq_growth(int64_t now, int64_t before);

#endif
