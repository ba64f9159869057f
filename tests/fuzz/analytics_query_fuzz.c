/* tests/fuzz/analytics_query_fuzz.c — libFuzzer over tm-analytics' report
 * query decoders (services/analytics/query.c) and RFM segments of score
 * cells (rfm.c). The first three lines of the input are `from`, `to` and
 * `format` (a line "-" is an absent value); an accepted range must be
 * ordered, within its maximum and give its first hour back when printed and
 * read again. The third line is also read as a streamed export's
 * page_after: an accepted one prints back as the same text. The bytes after them are score cells (4
 * bytes each: r, f, m and a count), summed per segment: every in-range cell's customers in a
 * segment, an out-of-range cell in none. (The scores themselves come from
 * SQL; tests/integration/rfm_test.c checks them.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/analytics/query.h"
#include "services/analytics/rfm.h"

#define LINE_MAX_ 300

static void
check(int ok)
{
    if (!ok)
        abort();
}

/* line at of data[0..size) into line[LINE_MAX_] (cut); the offset of the next one */
static size_t
next_line(const uint8_t *data, size_t size, size_t at, char *line)
{
    const uint8_t *nl = at < size ? memchr(data + at, '\n', size - at) : NULL;
    size_t len = at >= size ? 0 : nl ? (size_t)(nl - (data + at)) : size - at;
    size_t keep = len < LINE_MAX_ - 1 ? len : LINE_MAX_ - 1;

    if (keep)
        memcpy(line, data + at, keep);
    line[keep] = '\0';
    return at + len + 1;
}

static void
range(const char *from, const char *to, const char *format)
{
    struct anq_range r;
    enum anq_format f;
    enum tm_code rc = anq_range_parse(from, to, 92, &r, NULL);

    check(rc == TM_OK || rc == TM_INVALID);
    if (rc == TM_OK && r.given) {
        char t[ANQ_HOUR_TEXT_SIZE], again[24];
        struct anq_range r2;
        check(r.from_h < r.to_h && r.to_h - r.from_h <= 92 * 24);
        anq_hour_text(r.from_h, t);
        snprintf(again, sizeof again, "%.10sT%.5s", t, t + 11);
        check(anq_range_parse(again, to, 92, &r2, NULL) == TM_OK && r2.from_h == r.from_h);
    }
    rc = anq_format_pick(format, "text/csv", &f, NULL);
    check(rc == TM_OK || rc == TM_INVALID);
    check(rc != TM_OK || f == ANQ_JSON || f == ANQ_CSV);
}

/* A page_after value: accepted ones print back as themselves. */
static void
after(const char *text)
{
    struct anq_after a;
    char t[ANQ_HOUR_TEXT_SIZE], hour[24], again[ANQ_AFTER_SIZE];
    enum tm_code rc = anq_after_parse(text, &a, NULL);

    check(rc == TM_OK || rc == TM_INVALID);
    if (rc != TM_OK)
        return;
    check(a.store_id >= 1 && a.store_id <= (INT64_C(1) << 53));
    anq_hour_text(a.hour_h, t);
    snprintf(hour, sizeof hour, "%.10sT%.5s", t, t + 11);
    anq_after_text(a.store_id, hour, again);
    check(strcmp(again, text) == 0);
}

/* Score cells from the bytes, scores 0..6 (some out of range): the
 * segments' customers are the in-range cells' and every triple maps. */
static void
rfm(const uint8_t *data, size_t size)
{
    static struct rfm_cell c[RFM_CELLS];
    size_t n = size / 4 < RFM_CELLS ? size / 4 : RFM_CELLS;
    struct rfm_segment_stats st[RFM_N_SEGMENTS];
    int64_t total = 0, want = 0;

    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = data + 4 * i;

        c[i] = (struct rfm_cell){p[0] % 7, p[1] % 7, p[2] % 7, p[3], p[3], p[3], p[3]};
        if (c[i].r >= 1 && c[i].r <= 5 && c[i].f >= 1 && c[i].f <= 5 && c[i].m >= 1 &&
            c[i].m <= 5) {
            want += p[3];
            check((unsigned)rfm_segment_of(c[i].r, c[i].f, c[i].m) < RFM_N_SEGMENTS);
        }
    }
    rfm_summarize(c, n, st);
    for (int k = 0; k < RFM_N_SEGMENTS; k++)
        total += st[k].customers;
    check(total == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char from[LINE_MAX_], to[LINE_MAX_], format[LINE_MAX_];
    size_t at = 0;

    at = next_line(data, size, at, from);
    at = next_line(data, size, at, to);
    at = next_line(data, size, at, format);
    range(strcmp(from, "-") ? from : NULL, strcmp(to, "-") ? to : NULL,
          strcmp(format, "-") ? format : NULL);
    after(format);
    if (at < size)
        rfm(data + at, size - at);
    return 0;
}
