/* tests/fuzz/analytics_query_fuzz.c — libFuzzer over tm-analytics' report
 * query decoders (services/analytics/query.c) and RFM scoring (rfm.c). The
 * first three lines of the input are `from`, `to` and `format` (a line
 * "-" is an absent value); an accepted range must be ordered, within its
 * maximum and give its first hour back when printed and read again. The
 * bytes after them are customers (6 bytes each: three 16-bit values),
 * scored: every score 1..5, equal values equal scores, a better value
 * never a lower score, and every customer in a segment. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/analytics/query.h"
#include "services/analytics/rfm.h"

#define LINE_MAX_ 300
#define CUSTOMERS_MAX 512

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

static int64_t
u16(const uint8_t *p)
{
    return (int64_t)(p[0] | p[1] << 8) % 37; /* few values: many ties */
}

static void
rfm(const uint8_t *data, size_t size)
{
    static struct rfm_customer c[CUSTOMERS_MAX];
    static struct rfm_score s[CUSTOMERS_MAX];
    static uint32_t order[2 * CUSTOMERS_MAX];
    size_t n = size / 6 < CUSTOMERS_MAX ? size / 6 : CUSTOMERS_MAX;
    struct rfm_segment_stats st[RFM_N_SEGMENTS];
    int64_t total = 0;

    for (size_t i = 0; i < n; i++)
        c[i] =
            (struct rfm_customer){u16(data + 6 * i), u16(data + 6 * i + 2), u16(data + 6 * i + 4)};
    rfm_score_all(c, n, s, order);
    for (size_t i = 0; i < n; i++) {
        check(s[i].r >= 1 && s[i].r <= 5 && s[i].f >= 1 && s[i].f <= 5 && s[i].m >= 1 &&
              s[i].m <= 5);
        check(s[i].segment == rfm_segment_of(s[i].r, s[i].f, s[i].m));
        for (size_t j = 0; j < n; j++) {
            if (c[j].transactions == c[i].transactions)
                check(s[j].f == s[i].f);
            if (c[j].last_sale_s > c[i].last_sale_s)
                check(s[j].r >= s[i].r);
        }
    }
    rfm_summarize(c, s, n, 40, st);
    for (int k = 0; k < RFM_N_SEGMENTS; k++)
        total += st[k].customers;
    check(total == (int64_t)n);
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
    if (at < size)
        rfm(data + at, size - at);
    return 0;
}
