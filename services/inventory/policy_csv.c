/* services/inventory/policy_csv.c — the reorder policy file reader
 * (policy_csv.h). A file holds one row per series, read once into an array
 * sorted at the end and searched by id (bsearch). */
#include "services/inventory/policy_csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/series_csv.h"

void
policy_csv_init(struct policy_csv *c)
{
    memset(c, 0, sizeof *c);
    c->c_id = c->c_s = c->c_S = -1;
}

void
policy_csv_fini(struct policy_csv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->rows[i].id);
    free(c->rows);
    c->rows = NULL;
    c->n = c->cap = 0;
}

static enum tm_code
header(struct policy_csv *c, char **fld, int nf, struct tm_err *err)
{
    for (int i = 0; i < nf; i++) {
        if (strcmp(fld[i], "series_id") == 0 && c->c_id < 0)
            c->c_id = i;
        else if (strcmp(fld[i], "reorder_point") == 0 && c->c_s < 0)
            c->c_s = i;
        else if (strcmp(fld[i], "order_up_to") == 0 && c->c_S < 0)
            c->c_S = i;
    }
    if (c->c_id < 0 || c->c_s < 0 || c->c_S < 0)
        return tm_err_set(err, TM_INVALID, "header",
                          "header needs series_id, reorder_point, order_up_to");
    c->ncols = nf;
    return TM_OK;
}

static enum tm_code
level(const char *s, const char *field, double *out, struct tm_err *err)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    if (errno == EINVAL || end == s || *end || !(*out >= 0 && *out <= POLICY_CSV_LEVEL_MAX))
        return tm_err_set(err, TM_INVALID, field, "%s must be a number of units, 0..%g", field,
                          POLICY_CSV_LEVEL_MAX);
    return TM_OK;
}

enum tm_code
policy_csv_line(struct policy_csv *c, char *line, struct tm_err *err)
{
    char *fld[SERIES_CSV_COLS_MAX];
    struct policy_csv_row r;
    enum tm_code rc;
    int nf;

    if (c->finished) {
        c->line++;
        return tm_err_set(err, TM_INVALID, NULL, "input already finished");
    }
    if ((rc = series_csv_fields(line, &c->line, fld, &nf, err)) != TM_OK || nf == 0)
        return rc;
    if (c->ncols == 0)
        return header(c, fld, nf, err);
    if (nf != c->ncols)
        return tm_err_set(err, TM_INVALID, NULL, "%d columns, expected %d", nf, c->ncols);
    const char *id = fld[c->c_id];
    if (!*id || strlen(id) > SERIES_CSV_ID_MAX)
        return tm_err_set(err, TM_INVALID, "series_id", "series_id empty or longer than %d bytes",
                          SERIES_CSV_ID_MAX);
    if (c->n >= (size_t)POLICY_CSV_ROWS_MAX)
        return tm_err_set(err, TM_TOOBIG, NULL, "more than %ld rows", POLICY_CSV_ROWS_MAX);
    if ((rc = level(fld[c->c_s], "reorder_point", &r.reorder_point, err)) != TM_OK ||
        (rc = level(fld[c->c_S], "order_up_to", &r.order_up_to, err)) != TM_OK)
        return rc;
    if (r.order_up_to < r.reorder_point)
        return tm_err_set(err, TM_INVALID, "order_up_to", "order_up_to is under the reorder point");
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->rows = tm_xrealloc(c->rows, c->cap * sizeof *c->rows);
    }
    r.id = tm_xstrdup(id);
    r.line = c->line;
    c->rows[c->n++] = r;
    return TM_OK;
}

static int
by_id(const void *a, const void *b)
{
    const struct policy_csv_row *x = a, *y = b;
    return strcmp(x->id, y->id);
}

enum tm_code
policy_csv_finish(struct policy_csv *c, struct tm_err *err)
{
    if (c->finished)
        return tm_err_set(err, TM_INVALID, NULL, "input already finished");
    c->finished = 1;
    if (c->ncols == 0)
        return tm_err_set(err, TM_INVALID, "header", "no header line");
    if (c->n > 1)
        qsort(c->rows, c->n, sizeof *c->rows, by_id);
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->rows[i].id, c->rows[i - 1].id) == 0) {
            long a = c->rows[i].line, b = c->rows[i - 1].line;
            c->line = a > b ? a : b;
            return tm_err_set(err, TM_INVALID, "series_id", "series %s twice (line %ld)",
                              c->rows[i].id, a < b ? a : b);
        }
    return TM_OK;
}

static enum tm_code
read_line(void *ctx, char *line, struct tm_err *err)
{
    return policy_csv_line(ctx, line, err);
}

enum tm_code
policy_csv_load(struct policy_csv *c, const char *path, struct tm_err *err)
{
    enum tm_code rc;
    struct tm_err e;

    if ((rc = series_csv_file_lines(path, read_line, c, &c->line, err)) != TM_OK)
        return rc;
    if ((rc = policy_csv_finish(c, &e)) != TM_OK)
        return tm_err_set(err, rc, e.field, "%s:%ld: %s", path, c->line, e.message);
    return TM_OK;
}

const struct policy_csv_row *
policy_csv_find(const struct policy_csv *c, const char *id)
{
    struct policy_csv_row key = {.id = (char *)id};
    if (c->n == 0)
        return NULL;
    return bsearch(&key, c->rows, c->n, sizeof *c->rows, by_id);
}
