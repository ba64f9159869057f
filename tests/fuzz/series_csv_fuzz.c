/* tests/fuzz/series_csv_fuzz.c — libFuzzer over the CSV readers of the
 * offline tools: the bytes are split into lines and read four times, as a
 * demand series file (services/inventory/series_csv.c), as one with the
 * regressor columns `price` and `deal` asked for (each made dense beside
 * its series, its values where the rows put them), as an events calendar
 * (`date,event`: every date read is found, the dates sorted and distinct)
 * and as a reorder policy file (policy_csv.c). An accepted series file is finished and each series
 * made dense under a bound, which must hold its rows, sorted and distinct,
 * and format back to a period; an accepted policy file must find each of
 * its rows by id, with levels in bounds and in order. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/inventory/policy_csv.h"
#include "services/inventory/series_csv.h"

#define DENSE_MAX 100000

static void
check(int ok)
{
    if (!ok)
        abort();
}

/* line at of data[0..size) into line[]; the offset of the next one */
static size_t
next_line(const uint8_t *data, size_t size, size_t at, char *line)
{
    const uint8_t *nl = memchr(data + at, '\n', size - at);
    size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
    memcpy(line, data + at, len);
    line[len] = '\0';
    return at + len + 1;
}

static void
policy(const uint8_t *data, size_t size, char *line)
{
    struct policy_csv p;
    enum tm_code rc = TM_OK;

    policy_csv_init(&p);
    for (size_t at = 0; at < size && rc == TM_OK;) {
        at = next_line(data, size, at, line);
        rc = policy_csv_line(&p, line, NULL);
        check(rc == TM_OK || rc == TM_INVALID || rc == TM_TOOBIG);
    }
    if (rc == TM_OK && policy_csv_finish(&p, NULL) == TM_OK)
        for (size_t i = 0; i < p.n; i++) {
            const struct policy_csv_row *r = policy_csv_find(&p, p.rows[i].id);
            check(r == &p.rows[i]);
            check(r->reorder_point >= 0 && r->reorder_point <= r->order_up_to &&
                  r->order_up_to <= POLICY_CSV_LEVEL_MAX);
        }
    policy_csv_fini(&p);
}

/* the bytes as a series file with two regressor columns */
static void
with_regressors(const uint8_t *data, size_t size, char *line)
{
    static const char *const names[] = {"price", "deal"};
    struct series_csv c;
    struct series_csv_series **list = NULL;
    size_t n = 0;
    enum tm_code rc;

    series_csv_init(&c);
    rc = series_csv_want(&c, names, 2, NULL);
    check(rc == TM_OK && c.nx == 2);
    for (size_t at = 0; at < size && rc == TM_OK;) {
        at = next_line(data, size, at, line);
        rc = series_csv_line(&c, line, NULL);
        check(rc == TM_OK || rc == TM_INVALID || rc == TM_TOOBIG);
    }
    if (rc == TM_OK && series_csv_finish(&c, &list, &n, NULL) == TM_OK)
        for (size_t i = 0; i < n; i++) {
            const struct series_csv_series *s = list[i];
            double *y = NULL, *x = NULL;
            int len = 0;
            int64_t first = 0;
            if (series_csv_dense(s, DENSE_MAX, &y, &len, &first, NULL) != TM_OK)
                continue;
            for (int j = 0; j < 2; j++) {
                check(series_csv_dense_x(&c, s, j, DENSE_MAX, &x, NULL) == TM_OK);
                for (size_t r = 0; r < s->n; r++) {
                    double v = x[s->rows[r].key - first], want = s->x[s->rows[r].xi * 2 + j];
                    check(isnan(v) ? isnan(want) : v == want && isfinite(v));
                }
                free(x);
            }
            check(series_csv_dense_x(&c, s, 2, DENSE_MAX, &x, NULL) == TM_INVALID && !x);
            free(y);
        }
    free(list);
    series_csv_fini(&c);
}

/* the bytes as an events calendar */
static void
events(const uint8_t *data, size_t size, char *line)
{
    struct series_csv_events ev;
    enum tm_code rc = TM_OK;
    int64_t seen[64];
    size_t nseen = 0;

    series_csv_events_init(&ev);
    for (size_t at = 0; at < size && rc == TM_OK;) {
        at = next_line(data, size, at, line);
        size_t before = ev.n;
        rc = series_csv_event_line(&ev, line, NULL);
        check(rc == TM_OK || rc == TM_INVALID || rc == TM_TOOBIG);
        if (rc == TM_OK && ev.n > before && nseen < 64)
            seen[nseen++] = ev.day[ev.n - 1];
    }
    series_csv_events_finish(&ev);
    check(ev.n <= SERIES_CSV_EVENTS_MAX);
    for (size_t i = 1; i < ev.n; i++)
        check(ev.day[i - 1] < ev.day[i]);
    for (size_t i = 0; i < nseen; i++)
        check(series_csv_event_on(&ev, seen[i]));
    series_csv_events_fini(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct series_csv c;
    struct series_csv_series **list = NULL;
    size_t n = 0;
    enum tm_code rc = TM_OK;
    char *line = malloc(size + 1);

    series_csv_init(&c);
    for (size_t at = 0; at < size && rc == TM_OK;) {
        at = next_line(data, size, at, line);
        rc = series_csv_line(&c, line, NULL);
        check(rc == TM_OK || rc == TM_INVALID || rc == TM_TOOBIG);
    }
    if (rc == TM_OK && series_csv_finish(&c, &list, &n, NULL) == TM_OK) {
        check(n == c.count);
        for (size_t i = 0; i < n; i++) {
            const struct series_csv_series *s = list[i];
            check(i == 0 || strcmp(list[i - 1]->id, s->id) < 0);
            double *y = NULL;
            int len = 0;
            int64_t first = 0;
            if (series_csv_dense(s, DENSE_MAX, &y, &len, &first, NULL) != TM_OK) {
                check(y == NULL);
                continue;
            }
            check(len >= (int)s->n && len <= DENSE_MAX);
            for (size_t j = 0; j < s->n; j++) {
                check(j == 0 || s->rows[j].key > s->rows[j - 1].key);
                double v = y[s->rows[j].key - first];
                check(isnan(v) ? isnan(s->rows[j].value) : v == s->rows[j].value);
            }
            char per[32];
            series_csv_format_period(&c, first + len - 1, per, sizeof per);
            check(per[0] != '\0');
            free(y);
        }
    }
    free(list);
    series_csv_fini(&c);
    with_regressors(data, size, line);
    events(data, size, line);
    policy(data, size, line);
    free(line);
    return 0;
}
