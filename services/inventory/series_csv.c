/* services/inventory/series_csv.c — the demand series reader of the offline
 * tools (series_csv.h). Files of millions of rows are read once, row by row:
 * rows are appended to their series, found through an open-addressing table
 * of ids, and sorted once at the end, so the order of the input does not
 * matter and nothing is read twice. */
#include "services/inventory/series_csv.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast.h"

void
series_csv_init(struct series_csv *c)
{
    memset(c, 0, sizeof *c);
    c->kind = SERIES_CSV_UNKNOWN;
    c->monthly = 1;
    c->c_id = 0;
    c->c_period = 1;
    c->c_value = 2;
    c->ncols = 3;
}

void
series_csv_fini(struct series_csv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slot[i]) {
            free(c->slot[i]->id);
            free(c->slot[i]->rows);
            free(c->slot[i]->x);
            free(c->slot[i]);
        }
    free(c->slot);
    c->slot = NULL;
    c->cap = c->count = 0;
}

static uint64_t
hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static struct series_csv_series *
lookup(struct series_csv *c, const char *id)
{
    if (c->count * 2 >= c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        struct series_csv_series **slot = tm_xcalloc(cap, sizeof *slot);
        for (size_t i = 0; i < c->cap; i++)
            if (c->slot[i]) {
                size_t j = hash(c->slot[i]->id) & (cap - 1);
                while (slot[j])
                    j = (j + 1) & (cap - 1);
                slot[j] = c->slot[i];
            }
        free(c->slot);
        c->slot = slot;
        c->cap = cap;
    }
    size_t j = hash(id) & (c->cap - 1);
    while (c->slot[j]) {
        if (strcmp(c->slot[j]->id, id) == 0)
            return c->slot[j];
        j = (j + 1) & (c->cap - 1);
    }
    struct series_csv_series *s = tm_xcalloc(1, sizeof *s);
    s->id = tm_xstrdup(id);
    c->slot[j] = s;
    c->count++;
    return s;
}

/* Splits a CSV line in place into at most max fields; the field count or
 * -1 for a broken quote / too many. */
static int
split(char *line, char **f, int max)
{
    int n = 0;
    char *r = line, *w = line;
    line[strcspn(line, "\r\n")] = '\0';
    for (;;) {
        if (n == max)
            return -1;
        f[n++] = w;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '\0')
                    return -1;
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
            if (*r != ',' && *r != '\0')
                return -1;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        if (*r == '\0') {
            *w = '\0';
            return n;
        }
        *w++ = '\0';
        r++;
    }
}

void
series_csv_put_field(FILE *f, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int
parse_date(const char *s, int64_t *day, int *dom)
{
    int y, m, d, used = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    *day = fc_days_from_civil(y, m, d);
    int yy, mm, dd;
    fc_civil_from_days(*day, &yy, &mm, &dd);
    if (dd != d)
        return -1; /* 29 February of a common year */
    *dom = d;
    return 0;
}

static enum tm_code
header(struct series_csv *c, char **fld, int nf, struct tm_err *err)
{
    c->c_period = c->c_value = -1;
    for (int i = 0; i < nf; i++) {
        if (strcmp(fld[i], "series_id") == 0)
            c->c_id = i;
        else if (strcmp(fld[i], "value") == 0)
            c->c_value = i;
        else if (c->c_period < 0 && (strcmp(fld[i], "period") == 0 || strcmp(fld[i], "date") == 0 ||
                                     strcmp(fld[i], "week") == 0 || strcmp(fld[i], "d") == 0))
            c->c_period = i;
    }
    if (c->c_period < 0 || c->c_value < 0)
        return tm_err_set(err, TM_INVALID, "header",
                          "header needs series_id, period (or date/week/d), value");
    for (int j = 0; j < c->nx; j++) {
        c->c_x[j] = -1;
        for (int i = 0; i < nf && c->c_x[j] < 0; i++)
            if (strcmp(fld[i], c->x_name[j]) == 0)
                c->c_x[j] = i;
        if (c->c_x[j] < 0)
            return tm_err_set(err, TM_INVALID, "regressors", "no column %s in the header",
                              c->x_name[j]);
    }
    c->ncols = nf;
    c->header = 1;
    return TM_OK;
}

static enum tm_code
period(struct series_csv *c, const char *per, int64_t *key, struct tm_err *err)
{
    int dom = 0;
    enum series_csv_kind k;
    if (parse_date(per, key, &dom) == 0) {
        k = SERIES_CSV_DATE;
        if (dom != 1)
            c->monthly = 0;
    } else {
        char *end;
        errno = 0;
        long long v = strtoll(per, &end, 10);
        if (errno || end == per || *end || v < -100000000LL || v > 100000000LL)
            return tm_err_set(err, TM_INVALID, "period",
                              "period is neither an ISO date nor an integer");
        k = SERIES_CSV_INDEX;
        *key = v;
    }
    if (c->kind != SERIES_CSV_UNKNOWN && c->kind != k)
        return tm_err_set(err, TM_INVALID, "period", "periods mix dates and integers");
    c->kind = k;
    return TM_OK;
}

enum tm_code
series_csv_fields(char *line, long *line_no, char **f, int *nf, struct tm_err *err)
{
    (*line_no)++;
    *nf = 0;
    if (strcspn(line, "\r\n") > SERIES_CSV_LINE_MAX)
        return tm_err_set(err, TM_TOOBIG, NULL, "line longer than %d bytes", SERIES_CSV_LINE_MAX);
    if (line[strspn(line, " \t\r\n")] == '\0')
        return TM_OK;
    if ((*nf = split(line, f, SERIES_CSV_COLS_MAX)) < 0) {
        *nf = 0;
        return tm_err_set(err, TM_INVALID, NULL, "malformed CSV (quote or more than %d columns)",
                          SERIES_CSV_COLS_MAX);
    }
    return TM_OK;
}

enum tm_code
series_csv_want(struct series_csv *c, const char *const *names, int k, struct tm_err *err)
{
    if (c->line > 0 || c->finished)
        return tm_err_set(err, TM_INVALID, "regressors", "columns are asked for before reading");
    if (k < 0 || k > SERIES_CSV_X_MAX)
        return tm_err_set(err, TM_INVALID, "regressors", "%d columns asked for (0..%d)", k,
                          SERIES_CSV_X_MAX);
    for (int j = 0; j < k; j++) {
        size_t len = names[j] ? strlen(names[j]) : 0;
        if (len == 0 || len >= SERIES_CSV_X_NAME_MAX)
            return tm_err_set(err, TM_INVALID, "regressors",
                              "a column name is empty or longer than %d bytes",
                              SERIES_CSV_X_NAME_MAX - 1);
        memcpy(c->x_name[j], names[j], len + 1);
    }
    c->nx = k;
    return TM_OK;
}

/* a field of a number: NaN for empty or NA; -1 when not a number, -2 when
 * not a finite one ("inf", "nan", 1e999) */
static int
number(const char *s, double *out)
{
    if (*s == '\0' || strcmp(s, "NA") == 0) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    if (errno == EINVAL || end == s || *end)
        return -1;
    return !isfinite(*out) || errno == ERANGE ? -2 : 0;
}

enum tm_code
series_csv_line(struct series_csv *c, char *line, struct tm_err *err)
{
    enum tm_code rc;
    char *fld[SERIES_CSV_COLS_MAX];
    int nf;

    if (c->finished) {
        c->line++;
        return tm_err_set(err, TM_INVALID, NULL, "input already finished");
    }
    if ((rc = series_csv_fields(line, &c->line, fld, &nf, err)) != TM_OK || nf == 0)
        return rc;
    if (c->line == 1 && strcmp(fld[0], "series_id") == 0)
        return header(c, fld, nf, err);
    if (c->nx > 0 && !c->header)
        return tm_err_set(err, TM_INVALID, "regressors",
                          "columns %s... asked for, but the input has no header", c->x_name[0]);
    if (nf != c->ncols)
        return tm_err_set(err, TM_INVALID, NULL, "%d columns, expected %d", nf, c->ncols);
    const char *id = fld[c->c_id], *per = fld[c->c_period], *val = fld[c->c_value];
    if (!*id || strlen(id) > SERIES_CSV_ID_MAX)
        return tm_err_set(err, TM_INVALID, "series_id", "series_id empty or longer than %d bytes",
                          SERIES_CSV_ID_MAX);
    if (c->rows >= SERIES_CSV_ROWS_MAX)
        return tm_err_set(err, TM_TOOBIG, NULL, "more than %ld rows", SERIES_CSV_ROWS_MAX);
    struct series_csv_row r = {.line = c->line};
    if ((rc = period(c, per, &r.key, err)) != TM_OK)
        return rc;
    int bad = number(val, &r.value);
    if (bad)
        return tm_err_set(err, TM_INVALID, "value", "value is not a %snumber",
                          bad == -2 ? "finite " : "");
    double xv[SERIES_CSV_X_MAX];
    for (int j = 0; j < c->nx; j++)
        if (number(fld[c->c_x[j]], &xv[j]) != 0)
            return tm_err_set(err, TM_INVALID, "regressors", "%s is not a finite number",
                              c->x_name[j]);
    struct series_csv_series *s = lookup(c, id);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->rows = tm_xrealloc(s->rows, s->cap * sizeof *s->rows);
        if (c->nx > 0)
            s->x = tm_xrealloc(s->x, s->cap * (size_t)c->nx * sizeof *s->x);
    }
    r.xi = s->n;
    for (int j = 0; j < c->nx; j++)
        s->x[s->n * (size_t)c->nx + (size_t)j] = xv[j];
    s->rows[s->n++] = r;
    c->rows++;
    return TM_OK;
}

static enum tm_code
read_line(void *ctx, char *line, struct tm_err *err)
{
    return series_csv_line(ctx, line, err);
}

enum tm_code
series_csv_file_lines(const char *path,
                      enum tm_code (*fn)(void *ctx, char *line, struct tm_err *err), void *ctx,
                      const long *line, struct tm_err *err)
{
    char buf[SERIES_CSV_LINE_MAX + 3]; /* the line, "\r\n" and the NUL */
    enum tm_code rc = TM_OK;
    struct tm_err e;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

    if (!f)
        return tm_err_set(err, TM_NOTFOUND, NULL, "%s: %s", path, strerror(errno));
    tm_err_clear(&e);
    while (rc == TM_OK && fgets(buf, sizeof buf, f))
        rc = fn(ctx, buf, &e);
    if (rc == TM_OK && ferror(f))
        rc = tm_err_set(&e, TM_UNAVAIL, NULL, "read error");
    if (f != stdin)
        fclose(f);
    if (rc != TM_OK)
        return tm_err_set(err, rc, e.field, "%s:%ld: %s", path, *line, e.message);
    return TM_OK;
}

static int
by_key(const void *a, const void *b)
{
    const struct series_csv_row *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int
by_id(const void *a, const void *b)
{
    const struct series_csv_series *x = *(struct series_csv_series *const *)a;
    const struct series_csv_series *y = *(struct series_csv_series *const *)b;
    return strcmp(x->id, y->id);
}

enum tm_code
series_csv_finish(struct series_csv *c, struct series_csv_series ***list, size_t *n,
                  struct tm_err *err)
{
    *list = NULL;
    *n = 0;
    if (c->finished)
        return tm_err_set(err, TM_INVALID, NULL, "input already finished");
    c->finished = 1;
    if (c->kind != SERIES_CSV_DATE)
        c->monthly = 0;
    struct series_csv_series **l = tm_xmalloc(sizeof *l * (c->count ? c->count : 1));
    size_t ns = 0;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slot[i])
            l[ns++] = c->slot[i];
    qsort(l, ns, sizeof *l, by_id);
    for (size_t i = 0; i < ns; i++) {
        struct series_csv_series *s = l[i];
        for (size_t j = 0; c->monthly && j < s->n; j++) {
            int y, m, d;
            fc_civil_from_days(s->rows[j].key, &y, &m, &d);
            s->rows[j].key = (int64_t)y * 12 + (m - 1);
        }
        qsort(s->rows, s->n, sizeof *s->rows, by_key);
        for (size_t j = 1; j < s->n; j++)
            if (s->rows[j].key == s->rows[j - 1].key) {
                c->line = s->rows[j].line;
                free(l);
                return tm_err_set(err, TM_INVALID, "period",
                                  "series %s has period twice (line %ld)", s->id,
                                  s->rows[j - 1].line);
            }
    }
    *list = l;
    *n = ns;
    return TM_OK;
}

enum tm_code
series_csv_dense(const struct series_csv_series *s, int max, double **y, int *n, int64_t *first,
                 struct tm_err *err)
{
    *y = NULL;
    *n = 0;
    *first = s->n ? s->rows[0].key : 0;
    if (s->n == 0)
        return TM_OK;
    int64_t span = s->rows[s->n - 1].key - *first + 1; /* keys within ±1e8: no overflow */
    if (span > max)
        return tm_err_set(err, TM_TOOBIG, "period",
                          "series %s spans %lld periods; at most %d are taken", s->id,
                          (long long)span, max);
    double *v = tm_xmalloc(sizeof *v * (size_t)span);
    for (int64_t t = 0; t < span; t++)
        v[t] = NAN;
    for (size_t j = 0; j < s->n; j++)
        v[s->rows[j].key - *first] = s->rows[j].value;
    *y = v;
    *n = (int)span;
    return TM_OK;
}

enum tm_code
series_csv_load(struct series_csv *c, const char *path, struct series_csv_series ***list, size_t *n,
                struct tm_err *err)
{
    enum tm_code rc;
    struct tm_err e;

    *list = NULL;
    *n = 0;
    if ((rc = series_csv_file_lines(path, read_line, c, &c->line, err)) != TM_OK)
        return rc;
    if ((rc = series_csv_finish(c, list, n, &e)) != TM_OK)
        return tm_err_set(err, rc, e.field, "%s:%ld: %s", path, c->line, e.message);
    return TM_OK;
}

void
series_csv_format_period(const struct series_csv *c, int64_t idx, char *out, size_t size)
{
    if (c->kind != SERIES_CSV_DATE) {
        snprintf(out, size, "%lld", (long long)idx);
        return;
    }
    int64_t day = idx;
    if (c->monthly)
        day = fc_days_from_civil((int)(idx / 12), (int)(idx % 12) + 1, 1);
    fc_day_text(day, out, size);
}

const char *
series_csv_kind_name(const struct series_csv *c)
{
    return c->kind != SERIES_CSV_DATE ? "integer" : c->monthly ? "monthly" : "daily";
}

enum tm_code
series_csv_dense_x(const struct series_csv *c, const struct series_csv_series *s, int j, int max,
                   double **x, struct tm_err *err)
{
    int n;
    int64_t first;
    enum tm_code rc;
    *x = NULL;
    if (j < 0 || j >= c->nx)
        return tm_err_set(err, TM_INVALID, "regressors", "column %d was not asked for", j);
    if ((rc = series_csv_dense(s, max, x, &n, &first, err)) != TM_OK)
        return rc;
    for (size_t i = 0; i < s->n; i++)
        (*x)[s->rows[i].key - first] = s->x[s->rows[i].xi * (size_t)c->nx + (size_t)j];
    return TM_OK;
}

/* ---- events calendar ----------------------------------------------------- */

void
series_csv_events_init(struct series_csv_events *ev)
{
    memset(ev, 0, sizeof *ev);
}

void
series_csv_events_fini(struct series_csv_events *ev)
{
    if (!ev)
        return;
    free(ev->day);
    memset(ev, 0, sizeof *ev);
}

enum tm_code
series_csv_event_line(struct series_csv_events *ev, char *line, struct tm_err *err)
{
    char *fld[SERIES_CSV_COLS_MAX];
    int nf, dom;
    int64_t day;
    enum tm_code rc;

    if (ev->finished) {
        ev->line++;
        return tm_err_set(err, TM_INVALID, NULL, "calendar already finished");
    }
    if ((rc = series_csv_fields(line, &ev->line, fld, &nf, err)) != TM_OK || nf == 0)
        return rc;
    if (ev->line == 1 && strcmp(fld[0], "date") == 0)
        return TM_OK;
    if (nf != 2)
        return tm_err_set(err, TM_INVALID, NULL, "%d columns, expected 2 (date,event)", nf);
    if (parse_date(fld[0], &day, &dom) != 0)
        return tm_err_set(err, TM_INVALID, "date", "date is not an ISO date (YYYY-MM-DD)");
    if (fld[1][0] == '\0' || strlen(fld[1]) > SERIES_CSV_ID_MAX)
        return tm_err_set(err, TM_INVALID, "event", "event empty or longer than %d bytes",
                          SERIES_CSV_ID_MAX);
    if (ev->n >= SERIES_CSV_EVENTS_MAX)
        return tm_err_set(err, TM_TOOBIG, NULL, "more than %d events", SERIES_CSV_EVENTS_MAX);
    if (ev->n == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 64;
        ev->day = tm_xrealloc(ev->day, ev->cap * sizeof *ev->day);
    }
    ev->day[ev->n++] = day;
    return TM_OK;
}

static int
by_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void
series_csv_events_finish(struct series_csv_events *ev)
{
    size_t k = 0;
    if (ev->finished)
        return;
    ev->finished = 1;
    if (ev->n == 0)
        return;
    qsort(ev->day, ev->n, sizeof *ev->day, by_day);
    for (size_t i = 1; i < ev->n; i++)
        if (ev->day[i] != ev->day[k])
            ev->day[++k] = ev->day[i];
    ev->n = k + 1;
}

static enum tm_code
read_event(void *ctx, char *line, struct tm_err *err)
{
    return series_csv_event_line(ctx, line, err);
}

enum tm_code
series_csv_events_load(struct series_csv_events *ev, const char *path, struct tm_err *err)
{
    enum tm_code rc = series_csv_file_lines(path, read_event, ev, &ev->line, err);
    if (rc == TM_OK)
        series_csv_events_finish(ev);
    return rc;
}

int
series_csv_event_on(const struct series_csv_events *ev, int64_t day)
{
    return ev->n > 0 && bsearch(&day, ev->day, ev->n, sizeof *ev->day, by_day) != NULL;
}
