/* services/inventory/series_csv.h — the one reader of demand series in long
 * CSV, the format the offline tools take (tm-forecast-eval, tm-reorder-eval,
 * tm-reorder-sim): one row per series and period, `series_id,period,value`.
 *
 * A header line naming the columns is optional; with one, the columns are
 * found by name (`series_id`; `period`, `date`, `week` or `d`; `value`) and
 * others are ignored. A period is an ISO date (daily; monthly when every date
 * is the first of its month) or an integer index. Rows may come in any order;
 * a period between a series' first and last row without a row is missing (not
 * zero); an empty or NA value is missing too. Input is bounded: lines of at
 * most SERIES_CSV_LINE_MAX bytes and SERIES_CSV_COLS_MAX columns, ids of at
 * most SERIES_CSV_ID_MAX bytes, SERIES_CSV_ROWS_MAX rows; a dense series is
 * never longer than its caller's bound.
 *
 * Use: series_csv_init, then series_csv_line per line and series_csv_finish
 * once (or series_csv_load, both on a file), then series_csv_dense per
 * series; series_csv_fini frees everything (NULL-safe, any state). A reader
 * owns its series and their ids; the list from series_csv_finish borrows
 * them. Not thread-safe. Errors: TM_INVALID (TM_TOOBIG for a bound) with a
 * message for people; c->line is then the line it was found on. */
#ifndef TM_INVENTORY_SERIES_CSV_H
#define TM_INVENTORY_SERIES_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

#define SERIES_CSV_LINE_MAX 4096      /* bytes of one line, without its end */
#define SERIES_CSV_COLS_MAX 64        /* columns of one line */
#define SERIES_CSV_ID_MAX 200         /* bytes of a series_id */
#define SERIES_CSV_ROWS_MAX 20000000L /* rows of one input (480 MB of rows) */
#define SERIES_CSV_X_MAX 8            /* extra numeric columns taken (series_csv_want) */
#define SERIES_CSV_X_NAME_MAX 64      /* bytes of such a column's name */
#define SERIES_CSV_EVENTS_MAX 200000  /* rows of an events calendar */

enum series_csv_kind {
    SERIES_CSV_UNKNOWN, /* no row yet */
    SERIES_CSV_DATE,    /* ISO dates: days since the epoch */
    SERIES_CSV_INDEX    /* integer periods */
};

struct series_csv_row {
    int64_t key;  /* days since the epoch, or the index; months after finish when monthly */
    double value; /* NaN: missing */
    long line;    /* where it was read */
    size_t xi;    /* its extra columns: the series' x[xi * nx ..], when any are wanted */
};

struct series_csv_series {
    char *id;
    struct series_csv_row *rows; /* sorted by key after series_csv_finish */
    size_t n, cap;
    double *x; /* the wanted extra columns, nx per row in the order read (NaN: empty, NA) */
};

struct series_csv {
    struct series_csv_series **slot; /* open addressing by id */
    size_t cap, count;               /* slots, series */
    enum series_csv_kind kind;
    int monthly; /* every date the first of its month (meaningful for dates) */
    long rows;   /* rows read */
    long line;   /* lines seen; after an error, the offending line */
    int c_id, c_period, c_value, ncols; /* column positions, from the header */
    int finished;
    int header; /* 1 once a header was read */
    int nx;     /* extra columns wanted */
    char x_name[SERIES_CSV_X_MAX][SERIES_CSV_X_NAME_MAX];
    int c_x[SERIES_CSV_X_MAX]; /* their positions, from the header */
};

void series_csv_init(struct series_csv *c);
void series_csv_fini(struct series_csv *c);

/* Asks for the numeric columns names[0..k) besides the value (regressors
 * such as a price or a promotion flag), before the first line: the input
 * must then have a header naming each of them (TM_INVALID, field
 * "regressors", naming the first one missing). Their values are numbers, or
 * empty / NA for not known (NaN). TM_INVALID for k outside
 * 0..SERIES_CSV_X_MAX, a name empty or longer than SERIES_CSV_X_NAME_MAX − 1,
 * or a call after the first line. */
TM_MUSTCHECK enum tm_code series_csv_want(struct series_csv *c, const char *const *names, int k,
                                          struct tm_err *err);

/* Reads one line (its end of line, if any, is ignored; the text is changed
 * in place). A blank line is skipped; the first line is a header when its
 * first field is `series_id`. TM_INVALID naming the problem (quote, column
 * count, header, series_id, period, value, a mix of dates and integers),
 * TM_TOOBIG for a line, an id or a row count past its bound, TM_INVALID
 * after series_csv_finish. */
TM_MUSTCHECK enum tm_code series_csv_line(struct series_csv *c, char *line, struct tm_err *err);

/* The whole of a file (path "-": standard input) through series_csv_line
 * (series_csv_file_lines) and series_csv_finish; the errors of both, with err->message prefixed by
 * "path:line: " (or "path: " when the file cannot be opened, TM_NOTFOUND). */
TM_MUSTCHECK enum tm_code series_csv_load(struct series_csv *c, const char *path,
                                          struct series_csv_series ***list, size_t *n,
                                          struct tm_err *err);

/* The line reading the CSV readers of the tools share: calls fn(ctx, line)
 * for every line of the file at path ("-": standard input), the line with
 * its end, and stops at fn's first error. Lines are read into a buffer of
 * SERIES_CSV_LINE_MAX + 2 bytes and their ends; a longer line reaches fn
 * cut, without its end, and longer than SERIES_CSV_LINE_MAX, which fn must
 * refuse. Errors: fn's, TM_UNAVAIL when reading fails, TM_NOTFOUND when
 * the file cannot be opened; err->message is prefixed by "path:N: ", N
 * being *line (fn's count) after the error, or "path: ". */
TM_MUSTCHECK enum tm_code series_csv_file_lines(const char *path,
                                                enum tm_code (*fn)(void *ctx, char *line,
                                                                   struct tm_err *err),
                                                void *ctx, const long *line, struct tm_err *err);

/* Writes s to f as one CSV field: as it is, or in quotes (a quote doubled)
 * when it holds a comma, a quote or a line end. */
void series_csv_put_field(FILE *f, const char *s);

/* What every CSV reader of the tools does first with a line (its end, if
 * any, ignored; the text changed in place): counts it in *line_no, and
 * splits it at commas ("..." quoting, "" for a quote) into f[0..*nf), f
 * holding SERIES_CSV_COLS_MAX; *nf is 0 for a blank line. TM_TOOBIG for a
 * line longer than SERIES_CSV_LINE_MAX, TM_INVALID for a broken quote or
 * more than SERIES_CSV_COLS_MAX fields. */
TM_MUSTCHECK enum tm_code series_csv_fields(char *line, long *line_no, char **f, int *nf,
                                            struct tm_err *err);

/* Ends the input: monthly keys become month indexes (year × 12 + month − 1),
 * each series' rows are sorted by period and the series are listed in byte
 * order of their ids: *list (tm_xmalloc'd, the caller frees it; the series
 * stay the reader's) holds *n of them. TM_INVALID when a series has a period
 * twice (c->line is the second row's line). */
TM_MUSTCHECK enum tm_code series_csv_finish(struct series_csv *c, struct series_csv_series ***list,
                                            size_t *n, struct tm_err *err);

/* A finished series as a run of periods from its first row to its last:
 * (*y)[t] is the value of period *first + t, NaN where no row is. *y is
 * tm_xmalloc'd; the caller frees it. TM_TOOBIG (and *y NULL) when the run is
 * longer than max periods. */
TM_MUSTCHECK enum tm_code series_csv_dense(const struct series_csv_series *s, int max, double **y,
                                           int *n, int64_t *first, struct tm_err *err);

/* Wanted column j of a finished series, aligned with series_csv_dense's
 * run: (*x)[t] for period *first + t, NaN where no row is or the value was
 * not known. Same bound and errors as series_csv_dense; TM_INVALID (field
 * "regressors") for j outside 0..c->nx − 1. */
TM_MUSTCHECK enum tm_code series_csv_dense_x(const struct series_csv *c,
                                             const struct series_csv_series *s, int j, int max,
                                             double **x, struct tm_err *err);

/* ---- an events calendar: `date,event` rows ------------------------------
 * A header is optional (a first line whose first field is `date`); a row is
 * an ISO date and an event name (any text up to SERIES_CSV_ID_MAX bytes, not
 * empty); a date may have several events. Lines, columns and quoting as
 * above; at most SERIES_CSV_EVENTS_MAX rows. */
struct series_csv_events {
    int64_t *day; /* sorted, one per date after series_csv_events_finish */
    size_t n, cap;
    long line;
    int finished;
};

void series_csv_events_init(struct series_csv_events *ev);
void series_csv_events_fini(struct series_csv_events *ev);
/* One line; TM_INVALID (date, event, column count), TM_TOOBIG (line, rows). */
TM_MUSTCHECK enum tm_code series_csv_event_line(struct series_csv_events *ev, char *line,
                                                struct tm_err *err);
/* Sorts the dates and drops repeats. */
void series_csv_events_finish(struct series_csv_events *ev);
/* A whole file through series_csv_event_line and series_csv_events_finish;
 * errors prefixed "path:line: " as series_csv_load's. */
TM_MUSTCHECK enum tm_code series_csv_events_load(struct series_csv_events *ev, const char *path,
                                                 struct tm_err *err);
/* 1 when a finished calendar has an event on day (days since the epoch). */
int series_csv_event_on(const struct series_csv_events *ev, int64_t day);

/* Period idx of a finished input as it was written: an ISO date (the first
 * of the month for monthly input) or the integer. */
void series_csv_format_period(const struct series_csv *c, int64_t idx, char *out, size_t size);

/* "daily", "monthly" or "integer" */
const char *series_csv_kind_name(const struct series_csv *c);

#endif
