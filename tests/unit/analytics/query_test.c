/* tests/unit/analytics/query_test.c — the reports' query decoders: local
 * date and hour ranges (both days of a date range included, an hour's end
 * excluded, the maximum on both sides, every refusal naming its field), the
 * format chosen from ?format and Accept, and the derived figures. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "services/analytics/query.h"
#include "tests/unit/analytics/suites.h"

/* 2026-11-01T00:00 in hours since 1970-01-01T00:00: 20758 days. */
#define NOV1 (INT64_C(20758) * 24)

static const struct {
    const char *from, *to;
    int max_days;
    enum tm_code want;
    const char *field;    /* when refused */
    int64_t from_h, to_h; /* when accepted */
} ranges[] = {
    {"2026-11-01", "2026-11-01", 92, TM_OK, "", NOV1, NOV1 + 24}, /* one day, included */
    {"2026-11-01", "2026-11-02", 92, TM_OK, "", NOV1, NOV1 + 48},
    {"2026-11-01T08:00", "2026-11-01T10:00", 92, TM_OK, "", NOV1 + 8, NOV1 + 10},
    {"2026-11-01T08:00:00", "2026-11-01", 92, TM_OK, "", NOV1 + 8, NOV1 + 24},
    {"2026-11-01", "2027-01-31", 92, TM_OK, "", NOV1, NOV1 + 92 * 24},      /* 92 days exactly */
    {"2026-11-01", "2027-02-01", 92, TM_INVALID, "to", 0, 0},               /* 93 */
    {"2026-10-31T23:00", "2027-02-01T00:00", 92, TM_INVALID, "to", 0, 0},   /* an hour over */
    {"2026-11-02", "2026-11-01", 92, TM_INVALID, "from", 0, 0},             /* from after to */
    {"2026-11-01T08:00", "2026-11-01T08:00", 92, TM_INVALID, "from", 0, 0}, /* empty */
    {"2026-11-01", NULL, 92, TM_INVALID, "to", 0, 0},
    {NULL, "2026-11-01", 92, TM_INVALID, "from", 0, 0},
    {"2026-11-01T08:30", "2026-11-02", 92, TM_INVALID, "from", 0, 0}, /* hourly models */
    {"2026-11-01", "2026-11-02T00:00:01", 92, TM_INVALID, "to", 0, 0},
    {"2025-02-29", "2025-03-01", 92, TM_INVALID, "from", 0, 0}, /* not a leap year */
    {"2024-02-29", "2024-03-01", 92, TM_OK, "", INT64_C(19782) * 24, INT64_C(19783) * 24 + 24},
    {"2026-11-31", "2026-12-01", 92, TM_INVALID, "from", 0, 0},
    {"2026-11-01T24:00", "2026-11-02", 92, TM_INVALID, "from", 0, 0},
    {"2026-11-01 08:00", "2026-11-02", 92, TM_INVALID, "from", 0, 0}, /* a space for the T */
    {"2026-11-01T08:00Z", "2026-11-02", 92, TM_INVALID, "from", 0, 0},
    {"2026-11-01", "yesterday", 92, TM_INVALID, "to", 0, 0},
    {"1969-12-31", "2026-11-01", 92, TM_INVALID, "from", 0, 0},
    {"", "2026-11-01", 92, TM_INVALID, "from", 0, 0},
    {"2026-1-01", "2026-11-01", 92, TM_INVALID, "from", 0, 0},
    /* the last hour a range may end at: 9999-12-31T23:00 */
    {"9999-12-30", "9999-12-30T23:00", 92, TM_OK, "", INT64_C(2932895) * 24,
     INT64_C(2932895) * 24 + 23},
    {"9999-12-30", "9999-12-31T23:00", 92, TM_OK, "", INT64_C(2932895) * 24,
     INT64_C(2932896) * 24 + 23},
    {"9999-12-30", "9999-12-31", 92, TM_INVALID, "to", 0, 0}, /* ends at 10000-01-01 */
};

START_TEST(test_query_range_table)
{
    struct anq_range r = {7, 7, 7};
    struct tm_err err = {0};
    enum tm_code rc =
        anq_range_parse(ranges[_i].from, ranges[_i].to, ranges[_i].max_days, &r, &err);

    ck_assert_msg(rc == ranges[_i].want, "case %d: rc %d want %d (%s)", _i, rc, ranges[_i].want,
                  err.message);
    if (rc == TM_OK) {
        ck_assert_int_eq(r.given, 1);
        ck_assert_int_eq(r.from_h, ranges[_i].from_h);
        ck_assert_int_eq(r.to_h, ranges[_i].to_h);
    } else {
        ck_assert_str_eq(err.field, ranges[_i].field);
        ck_assert_int_eq(r.given, 7); /* unchanged */
        ck_assert_int_eq(r.from_h, 7);
    }
}
END_TEST

START_TEST(test_query_range_absent_is_today)
{
    struct anq_range r = {7, 7, 7};

    ck_assert_int_eq(anq_range_parse(NULL, NULL, 92, &r, NULL), TM_OK);
    ck_assert_int_eq(r.given, 0);
}
END_TEST

START_TEST(test_query_hour_text_round_trip)
{
    char t[ANQ_HOUR_TEXT_SIZE];
    struct anq_range r;

    anq_hour_text(NOV1 + 8, t);
    ck_assert_str_eq(t, "2026-11-01 08:00:00");
    anq_hour_text(0, t);
    ck_assert_str_eq(t, "1970-01-01 00:00:00");
    anq_hour_text(INT64_C(19782) * 24 + 23, t);
    ck_assert_str_eq(t, "2024-02-29 23:00:00");
    /* every hour of four years back to where it came from */
    for (int64_t h = NOV1 - 4 * 366 * 24; h < NOV1; h += 7) {
        char from[24];
        anq_hour_text(h, t);
        snprintf(from, sizeof from, "%.10sT%.5s", t, t + 11);
        ck_assert_int_eq(anq_range_parse(from, "2026-11-01", 2000, &r, NULL), TM_OK);
        ck_assert_int_eq(r.from_h, h);
    }
}
END_TEST

START_TEST(test_query_format_pick)
{
    enum anq_format f = ANQ_CSV;
    struct tm_err err = {0};

    ck_assert_int_eq(anq_format_pick(NULL, "", &f, NULL), TM_OK);
    ck_assert_int_eq(f, ANQ_JSON);
    ck_assert_int_eq(anq_format_pick(NULL, "text/csv", &f, NULL), TM_OK);
    ck_assert_int_eq(f, ANQ_CSV);
    ck_assert_int_eq(anq_format_pick("json", "text/csv", &f, NULL), TM_OK); /* ?format wins */
    ck_assert_int_eq(f, ANQ_JSON);
    ck_assert_int_eq(anq_format_pick("csv", NULL, &f, NULL), TM_OK);
    ck_assert_int_eq(f, ANQ_CSV);
    ck_assert_int_eq(anq_format_pick("xml", "", &f, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "format");
    ck_assert_int_eq(anq_format_pick("CSV", "", &f, &err), TM_INVALID);
}
END_TEST

/* A streamed export's continuation: what the daemon writes it reads back;
 * anything else is a 400 naming page_after. */
START_TEST(test_query_page_after)
{
    static const char *const bad[] = {
        "",
        "3",
        "3.",
        "3.202611010",
        "3.20261101088",
        "03.2026110108",
        "0.2026110108",
        ".2026110108",
        "3.2026130108",
        "3.2026110124",
        "3.2026023008",
        "3-2026110108",
        "9007199254740993.2026110108",
        "12345678901234567.2026110108",
        "3.2026110108x",
    };
    struct tm_err err = {0};
    struct anq_after a = {0, 0};
    char text[ANQ_AFTER_SIZE], hour[ANQ_HOUR_TEXT_SIZE];

    anq_after_text(3, "2026-11-01T08:00", text);
    ck_assert_str_eq(text, "3.2026110108");
    ck_assert_int_eq(anq_after_parse(text, &a, &err), TM_OK);
    ck_assert_int_eq(a.store_id, 3);
    anq_hour_text(a.hour_h, hour);
    ck_assert_str_eq(hour, "2026-11-01 08:00:00");
    ck_assert_int_eq(anq_after_parse("9007199254740992.2024022923", &a, &err), TM_OK);
    ck_assert_int_eq(a.store_id, INT64_C(9007199254740992));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = (struct anq_after){7, 7};
        memset(&err, 0, sizeof err);
        ck_assert_msg(anq_after_parse(bad[i], &a, &err) == TM_INVALID, "%s", bad[i]);
        ck_assert_str_eq(err.field, "page_after");
        ck_assert_int_eq(a.store_id, 7);
    }
    anq_after_text(3, "2026-11-01 08:00:00", text); /* not a row's hour */
    ck_assert_str_eq(text, "");
    anq_after_text(0, "2026-11-01T08:00", text);
    ck_assert_str_eq(text, "");
}
END_TEST

START_TEST(test_query_figures)
{
    ck_assert_int_eq(anq_avg_cents(1000, 3), 333);
    ck_assert_int_eq(anq_avg_cents(1001, 2), 501); /* half up */
    ck_assert_int_eq(anq_avg_cents(999, 2), 500);
    ck_assert_int_eq(anq_avg_cents(-1001, 2), -501);
    ck_assert_int_eq(anq_avg_cents(0, 5), 0);
    ck_assert(anq_avg_cents(1000, 0) == ANQ_NONE);
    ck_assert(fabs(anq_share(25, 100) - 0.25) < 1e-12);
    ck_assert(isnan(anq_share(0, 0)));
    ck_assert(fabs(anq_growth(150, 100) - 0.5) < 1e-12);
    ck_assert(fabs(anq_growth(0, 100) + 1.0) < 1e-12);
    ck_assert(isnan(anq_growth(100, 0))); /* null when the previous period sold nothing */
}
END_TEST

Suite *
query_suite(void)
{
    Suite *s = suite_create("analytics.query");
    TCase *tc = tcase_create("range");

    tcase_add_loop_test(tc, test_query_range_table, 0, (int)(sizeof ranges / sizeof ranges[0]));
    tcase_add_test(tc, test_query_range_absent_is_today);
    tcase_add_test(tc, test_query_hour_text_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("format");
    tcase_add_test(tc, test_query_format_pick);
    suite_add_tcase(s, tc);
    tc = tcase_create("figures");
    tcase_add_test(tc, test_query_page_after);
    tcase_add_test(tc, test_query_figures);
    suite_add_tcase(s, tc);
    return s;
}
