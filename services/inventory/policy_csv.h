/* services/inventory/policy_csv.h — the reader of a reorder policy file,
 * what tm-reorder-eval writes and tm-reorder-sim replays: a header line
 * naming at least `series_id`, `reorder_point` and `order_up_to` (in any
 * order; other columns are ignored), then one row per series. Levels are
 * numbers in units, 0 ≤ reorder_point ≤ order_up_to ≤ POLICY_CSV_LEVEL_MAX.
 * Bounded as the series reader is (series_csv.h: line length, columns, id
 * length), at most POLICY_CSV_ROWS_MAX rows.
 *
 * Use: policy_csv_init, policy_csv_line per line and policy_csv_finish once
 * (or policy_csv_load on a file), then policy_csv_find; policy_csv_fini
 * frees everything (NULL-safe, any state). Not thread-safe. Errors:
 * TM_INVALID (TM_TOOBIG for a bound) naming the field, with a message for
 * people; c->line is then the line it was found on. */
#ifndef TM_INVENTORY_POLICY_CSV_H
#define TM_INVENTORY_POLICY_CSV_H

#include <stddef.h>

#include "common/err.h"

#define POLICY_CSV_ROWS_MAX 1000000L
#define POLICY_CSV_LEVEL_MAX 1e12 /* units */

struct policy_csv_row {
    char *id;
    double reorder_point, order_up_to; /* units */
    long line;
};

struct policy_csv {
    struct policy_csv_row *rows; /* sorted by id after policy_csv_finish */
    size_t n, cap;
    long line;                 /* lines seen; after an error, the offending line */
    int c_id, c_s, c_S, ncols; /* column positions, from the header (-1 before it) */
    int finished;
};

void policy_csv_init(struct policy_csv *c);
void policy_csv_fini(struct policy_csv *c);

/* Reads one line (changed in place; its end, if any, ignored). Blank lines
 * are skipped; the first other line is the header. TM_INVALID naming
 * "header", "series_id", "reorder_point" or "order_up_to"; TM_TOOBIG for a
 * line, an id or a row count past its bound; TM_INVALID after finishing. */
TM_MUSTCHECK enum tm_code policy_csv_line(struct policy_csv *c, char *line, struct tm_err *err);

/* Ends the input: rows sorted by id. TM_INVALID ("series_id") when an id
 * comes twice (c->line the second one's line), ("header") when there was no
 * header. */
TM_MUSTCHECK enum tm_code policy_csv_finish(struct policy_csv *c, struct tm_err *err);

/* The whole of a file through policy_csv_line and policy_csv_finish, errors
 * prefixed as series_csv_file_lines says. */
TM_MUSTCHECK enum tm_code policy_csv_load(struct policy_csv *c, const char *path,
                                          struct tm_err *err);

/* The row of series id of a finished file; NULL when none. */
const struct policy_csv_row *policy_csv_find(const struct policy_csv *c, const char *id);

#endif
