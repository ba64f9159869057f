/* services/analytics/query.c — decoders of the reports' query strings and
 * the figures derived from their sums. Called by query_handlers.c once per
 * request; pure so the fuzz target and the unit tests reach all of it.
 * A range bound is counted in whole local hours from 1970-01-01 with the
 * civil-from-days arithmetic of H. Hinnant's "chrono-compatible low-level
 * date algorithms" (public domain), so no time zone or libc clock is
 * involved: the SQL puts each store's zone to the hour. */
#include "services/analytics/query.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at s into *out; 0 when any is not a digit. */
static int
digits(const char *s, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *out = *out * 10 + (s[i] - '0');
    }
    return 1;
}

static int
month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* One bound: *h its local hour; *date_only 1 for a date alone. */
static enum tm_code
parse_bound(const char *s, const char *field, int64_t *h, int *date_only, struct tm_err *err)
{
    size_t len = strlen(s);
    int y, mo, d, hh = 0, mi = 0, ss = 0;

    if ((len != 10 && len != 16 && len != 19) || !digits(s, 4, &y) || s[4] != '-' ||
        !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
        (len > 10 &&
         (s[10] != 'T' || !digits(s + 11, 2, &hh) || s[13] != ':' || !digits(s + 14, 2, &mi))) ||
        (len > 16 && (s[16] != ':' || !digits(s + 17, 2, &ss))))
        return tm_err_set(err, TM_INVALID, field,
                          "%s must be a local date 2026-11-01 or hour 2026-11-01T08:00", field);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || hh > 23 || mi > 59 ||
        ss > 59)
        return tm_err_set(err, TM_INVALID, field, "%s is not a date or time of the calendar",
                          field);
    if (mi != 0 || ss != 0)
        return tm_err_set(err, TM_INVALID, field,
                          "%s must be a whole hour (the reports are hourly)", field);
    *h = days_from_civil(y, mo, d) * 24 + hh;
    *date_only = len == 10;
    return TM_OK;
}

enum tm_code
anq_range_parse(const char *from, const char *to, int max_days, struct anq_range *out,
                struct tm_err *err)
{
    int64_t f, t;
    int f_date, t_date;
    enum tm_code rc;

    if (!from && !to) {
        *out = (struct anq_range){0, 0, 0};
        return TM_OK;
    }
    if (!from || !to)
        return tm_err_set(err, TM_INVALID, from ? "to" : "from",
                          "from and to go together (neither: today)");
    if ((rc = parse_bound(from, "from", &f, &f_date, err)) != TM_OK ||
        (rc = parse_bound(to, "to", &t, &t_date, err)) != TM_OK)
        return rc;
    if (t_date)
        t += 24; /* a date as `to` is included: the range ends at its end */
    (void)f_date;
    if (f >= t)
        return tm_err_set(err, TM_INVALID, "from", "from must be before to");
    if (t >= days_from_civil(10000, 1, 1) * 24) /* its end is written as a 4-digit year */
        return tm_err_set(err, TM_INVALID, "to", "to must end before the year 10000");
    if (t - f > (int64_t)max_days * 24)
        return tm_err_set(err, TM_INVALID, "to", "the range may be at most %d days", max_days);
    *out = (struct anq_range){1, f, t};
    return TM_OK;
}

void
anq_hour_text(int64_t h, char out[ANQ_HOUR_TEXT_SIZE])
{
    int64_t y, days = h >= 0 ? h / 24 : (h - 23) / 24;
    int m, d;

    civil_from_days(days, &y, &m, &d);
    /* each value reduced to its width, so the text always fits */
    snprintf(out, ANQ_HOUR_TEXT_SIZE, "%04u-%02u-%02u %02u:00:00", (unsigned)(y % 10000) % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)(h - days * 24) % 100u);
}

enum tm_code
anq_after_parse(const char *text, struct anq_after *out, struct tm_err *err)
{
    size_t n = strspn(text, "0123456789"), len = strlen(text);
    char hour[ANQ_TEXT_MAX + 1];
    int64_t id = 0, h;
    int date_only;

    if (n < 1 || n > 16 || text[0] == '0' || len != n + 11 || text[n] != '.' ||
        strspn(text + n + 1, "0123456789") != 10)
        return tm_err_set(err, TM_INVALID, "page_after",
                          "page_after must be a streamed export's continuation, as "
                          "<store_id>.<YYYYMMDDHH>");
    for (size_t i = 0; i < n; i++)
        id = id * 10 + (text[i] - '0');
    if (id > (INT64_C(1) << 53))
        return tm_err_set(err, TM_INVALID, "page_after", "page_after: store id out of range");
    /* YYYYMMDDHH → 2026-11-01T08:00, checked as a range bound is */
    snprintf(hour, sizeof hour, "%.4s-%.2s-%.2sT%.2s:00", text + n + 1, text + n + 5, text + n + 7,
             text + n + 9);
    if (parse_bound(hour, "page_after", &h, &date_only, NULL) != TM_OK)
        return tm_err_set(err, TM_INVALID, "page_after",
                          "page_after: %.10s is not an hour of the calendar", text + n + 1);
    *out = (struct anq_after){id, h};
    return TM_OK;
}

void
anq_after_text(int64_t store_id, const char *hour, char out[ANQ_AFTER_SIZE])
{
    int y, mo, d, hh, mi;

    out[0] = '\0';
    if (strlen(hour) != 16 || !digits(hour, 4, &y) || hour[4] != '-' || !digits(hour + 5, 2, &mo) ||
        hour[7] != '-' || !digits(hour + 8, 2, &d) || hour[10] != 'T' ||
        !digits(hour + 11, 2, &hh) || hour[13] != ':' || !digits(hour + 14, 2, &mi) ||
        store_id < 1 || store_id > (INT64_C(1) << 53))
        return;
    snprintf(out, ANQ_AFTER_SIZE, "%lld.%.4s%.2s%.2s%.2s", (long long)store_id, hour, hour + 5,
             hour + 8, hour + 11);
}

enum tm_code
anq_format_pick(const char *format, const char *accept, enum anq_format *out, struct tm_err *err)
{
    if (!format) {
        *out = accept && strcmp(accept, "text/csv") == 0 ? ANQ_CSV : ANQ_JSON;
        return TM_OK;
    }
    if (strcmp(format, "json") == 0)
        *out = ANQ_JSON;
    else if (strcmp(format, "csv") == 0)
        *out = ANQ_CSV;
    else
        return tm_err_set(err, TM_INVALID, "format", "format must be one of: json, csv");
    return TM_OK;
}

int64_t
anq_avg_cents(int64_t revenue_cents, int64_t n)
{
    if (n <= 0)
        return ANQ_NONE;
    return revenue_cents >= 0 ? (revenue_cents + n / 2) / n : -((-revenue_cents + n / 2) / n);
}

double
anq_share(int64_t part, int64_t whole)
{
    return whole == 0 ? NAN : (double)part / (double)whole;
}

double
anq_growth(int64_t now, int64_t before)
{
    return before == 0 ? NAN : (double)(now - before) / (double)before;
}
