/* tests/unit/analytics/report_test.c — the daily report: totals are the
 * hours' sums (customers the day's own count), the basket rounds half up,
 * products rank the same way every time, bad facts are refused, the due
 * days keep the backfill bound and never repeat a day, readiness needs a
 * fresh word from the source, and the stored body reads back as written,
 * in JSON and CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/analytics/report.h"
#include "services/analytics/report_handlers.h"
#include "tests/unit/analytics/suites.h"

static struct an_report_hour
hour(int h, int64_t rev, int64_t units, int64_t tx, int64_t cust)
{
    struct an_report_hour x;

    memset(&x, 0, sizeof x);
    x.hour = h;
    x.f.revenue_cents = rev;
    x.f.units = units;
    x.f.transactions = tx;
    x.f.customers = cust;
    x.f.voided = h == 9 ? 1 : 0;
    x.f.declined = h == 13 ? 2 : 0;
    x.f.flagged = 1;
    return x;
}

static struct an_report_product
product(int64_t id, int64_t rev, int64_t units)
{
    struct an_report_product p;

    memset(&p, 0, sizeof p);
    p.product_id = id;
    snprintf(p.sku, sizeof p.sku, "SKU-%lld", (long long)id);
    snprintf(p.name, sizeof p.name, "Product %lld", (long long)id);
    p.revenue_cents = rev;
    p.units = units;
    p.transactions = units;
    return p;
}

static void
sample_facts(struct an_report_facts *f)
{
    memset(f, 0, sizeof *f);
    f->hours[f->n_hours++] = hour(13, 2000, 4, 2, 2);
    f->hours[f->n_hours++] = hour(9, 1001, 3, 1, 1);
    f->hours[f->n_hours++] = hour(23, 500, 1, 1, 1);
    f->customers = 3; /* one customer came at 9 and at 13 */
    f->voided_cents = 700;
    f->products[f->n_products++] = product(5, 900, 3);
    f->products[f->n_products++] = product(7, 1500, 2);
    f->products[f->n_products++] = product(3, 900, 3); /* ties with 5: lower id first */
    f->products[f->n_products++] = product(4, 900, 4); /* same revenue, more units: first */
}

START_TEST(test_report_build_sums_hours_and_keeps_day_customers)
{
    struct an_report_facts f;
    struct an_report r;
    struct tm_err e;

    sample_facts(&f);
    ck_assert_int_eq(an_report_build(&f, &r, &e), TM_OK);
    ck_assert_int_eq(r.totals.revenue_cents, 3501);
    ck_assert_int_eq(r.totals.units, 8);
    ck_assert_int_eq(r.totals.transactions, 4);
    ck_assert_int_eq(r.totals.customers, 3); /* not 4, the hours' sum */
    ck_assert_int_eq(r.totals.voided, 1);
    ck_assert_int_eq(r.totals.declined, 2);
    ck_assert_int_eq(r.totals.flagged, 3);
    ck_assert_int_eq(r.voided_cents, 700);
    ck_assert_int_eq(r.average_basket_cents, 875); /* 3501 / 4 = 875.25 */
    ck_assert_int_eq(r.hours[9].revenue_cents, 1001);
    ck_assert_int_eq(r.hours[13].transactions, 2);
    ck_assert_int_eq(r.hours[23].units, 1);
    for (int h = 0; h < AN_REPORT_HOURS; h++)
        if (h != 9 && h != 13 && h != 23)
            ck_assert_int_eq(r.hours[h].revenue_cents + r.hours[h].transactions, 0);
}
END_TEST

START_TEST(test_report_build_ranks_products_totally)
{
    static const int64_t want[] = {7, 4, 3, 5};
    struct an_report_facts f;
    struct an_report r;

    sample_facts(&f);
    ck_assert_int_eq(an_report_build(&f, &r, NULL), TM_OK);
    ck_assert_int_eq(r.n_top, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(r.top[i].product_id, want[i]);
    ck_assert_str_eq(r.top[0].name, "Product 7");
}
END_TEST

START_TEST(test_report_build_empty_day_is_zeros)
{
    struct an_report_facts f;
    struct an_report r;

    memset(&f, 0, sizeof f);
    ck_assert_int_eq(an_report_build(&f, &r, NULL), TM_OK);
    ck_assert_int_eq(r.totals.revenue_cents, 0);
    ck_assert_int_eq(r.totals.transactions, 0);
    ck_assert_int_eq(r.average_basket_cents, 0);
    ck_assert_int_eq(r.n_top, 0);
}
END_TEST

/* Facts the builder must refuse, and the field it names. */
static void
bad_facts(int i, struct an_report_facts *f, const char **field)
{
    sample_facts(f);
    *field = "hours";
    switch (i) {
    case 0:
        f->hours[0].hour = 24;
        break;
    case 1:
        f->hours[0].hour = -1;
        break;
    case 2:
        f->hours[1].hour = 13;
        break; /* twice */
    case 3:
        f->hours[2].f.units = -1;
        break;
    case 4:
        f->hours[0].f.revenue_cents = INT64_MAX;
        f->hours[1].f.revenue_cents = 1;
        break;
    case 5:
        f->n_hours = AN_REPORT_HOURS + 1;
        break;
    case 6:
        f->customers = -1;
        break;
    case 7:
        f->n_products = AN_REPORT_TOP + 1;
        *field = "products";
        break;
    default:
        f->products[1].revenue_cents = -5;
        *field = "products";
        break;
    }
}

START_TEST(test_report_build_refuses_bad_facts)
{
    struct an_report_facts f;
    struct an_report r;
    struct tm_err e;
    const char *field;

    memset(&e, 0, sizeof e);
    bad_facts(_i, &f, &field);
    ck_assert_int_eq(an_report_build(&f, &r, &e), TM_INVALID);
    ck_assert_str_eq(e.field, field);
}
END_TEST

static const struct {
    struct an_report_window w; /* first, last, has_latest, latest, backfill, amend */
    int max, n;
    int64_t from; /* the first day due; the rest follow one by one */
} due[] = {
    {{0, 100, 0, 0, 7, 7}, 50, 7, 94},       /* first run: the last 7 days only */
    {{98, 100, 0, 0, 7, 7}, 50, 3, 98},      /* a store newer than the bound */
    {{0, 100, 1, 95, 7, 0}, 50, 5, 96},      /* after its latest: every day */
    {{0, 100, 1, 95, 7, 7}, 50, 7, 94},      /* and the days to amend again */
    {{0, 100, 1, 60, 7, 7}, 50, 40, 61},     /* a long outage is filled in */
    {{0, 100, 1, 60, 7, 7}, 10, 10, 61},     /* at most max, the rest next run */
    {{0, 100, 1, 100, 7, 0}, 50, 0, 0},      /* done, nothing to amend */
    {{0, 100, 1, 100, 7, 3}, 50, 3, 98},     /* done: the last 3 amended */
    {{0, 100, 1, 120, 7, 2}, 50, 2, 99},     /* a report ahead (an earlier clock): amends only */
    {{101, 100, 0, 0, 7, 7}, 50, 0, 0},      /* a store whose first day has not ended */
    {{50, 100, 1, 10, 7, 7}, 60, 51, 50},    /* never before its first day */
    {{97, 100, 1, 100, 7, 7}, 50, 4, 97},    /* amends neither */
    {{0, 100, 0, 0, 0, 7}, 50, 1, 100},      /* backfill below 1 counts as 1 */
    {{0, 100, 0, 0, 1000, 0}, 200, 92, 9},   /* and above the maximum as the maximum */
    {{0, 100, 1, 100, 7, 1000}, 200, 92, 9}, /* amend days likewise */
};

START_TEST(test_report_due_days)
{
    int64_t out[200];
    int n = an_report_due(&due[_i].w, out, due[_i].max);

    ck_assert_int_eq(n, due[_i].n);
    for (int k = 0; k < n; k++)
        ck_assert_int_eq(out[k], due[_i].from + k);
}
END_TEST

START_TEST(test_report_due_never_wraps)
{
    const struct an_report_window a = {INT64_MAX - 1, INT64_MAX, 0, 0, 7, 7},
                                  b = {0, INT64_MAX, 1, INT64_MAX, 7, 0},
                                  c = {0, INT64_MAX, 1, INT64_MAX, 7, 1};
    int64_t out[4];

    ck_assert_int_eq(an_report_due(&a, out, 4), 2);
    ck_assert_int_eq(out[1], INT64_MAX);
    ck_assert_int_eq(an_report_due(&b, out, 4), 0);
    ck_assert_int_eq(an_report_due(&c, out, 4), 1);
    ck_assert_int_eq(out[0], INT64_MAX);
}
END_TEST

START_TEST(test_report_ready_needs_fresh_word_and_all_applied)
{
    ck_assert_int_eq(an_report_ready(10, 10, 0, 0), 0);      /* never heard */
    ck_assert_int_eq(an_report_ready(10, 10, 999, 1000), 0); /* heard before the run */
    ck_assert_int_eq(an_report_ready(9, 10, 1000, 1000), 0); /* one event not applied */
    ck_assert_int_eq(an_report_ready(10, 10, 1000, 1000), 1);
    ck_assert_int_eq(an_report_ready(12, 10, 1500, 1000), 1); /* applied past it */
    ck_assert_int_eq(an_report_ready(0, 0, 1500, 1000), 1);   /* a source with no events */
}
END_TEST

static void
sample_report(struct an_report *r, struct an_report_store *s, struct an_report_day *d)
{
    struct an_report_facts f;

    sample_facts(&f);
    snprintf(f.products[1].name, sizeof f.products[1].name, "=cmd, \"quoted\""); /* id 7 */
    ck_assert_int_eq(an_report_build(&f, r, NULL), TM_OK);
    memset(s, 0, sizeof *s);
    s->id = 4;
    snprintf(s->code, sizeof s->code, "S04");
    snprintf(s->name, sizeof s->name, "Store \"four\"");
    snprintf(s->time_zone, sizeof s->time_zone, "America/New_York");
    memset(d, 0, sizeof *d);
    snprintf(d->day, sizeof d->day, "2026-11-25");
    snprintf(d->from, sizeof d->from, "2026-11-25T05:00:00.000Z");
    snprintf(d->to, sizeof d->to, "2026-11-26T05:00:00.000Z");
}

START_TEST(test_report_body_reads_back_as_written)
{
    struct an_report r, back;
    struct an_report_store s;
    struct an_report_day d;
    struct tm_buf b;

    sample_report(&r, &s, &d);
    tm_buf_init(&b, 64 * 1024);
    ck_assert_int_eq(an_report_encode(&b, &s, &d, 77, &r), TM_OK);
    ck_assert_ptr_nonnull(strstr(b.p, "\"day\":\"2026-11-25\""));
    ck_assert_ptr_nonnull(strstr(b.p, "\"txn_seq\":77"));
    ck_assert_ptr_nonnull(strstr(b.p, "\"time_zone\":\"America/New_York\""));
    ck_assert_int_eq(an_report_decode(b.p, b.len, &back, NULL), TM_OK);
    ck_assert_mem_eq(&back.totals, &r.totals, sizeof r.totals);
    ck_assert_mem_eq(back.hours, r.hours, sizeof r.hours);
    ck_assert_int_eq(back.average_basket_cents, r.average_basket_cents);
    ck_assert_int_eq(back.voided_cents, r.voided_cents);
    ck_assert_int_eq(back.n_top, r.n_top);
    for (int i = 0; i < r.n_top; i++) {
        ck_assert_int_eq(back.top[i].product_id, r.top[i].product_id);
        ck_assert_str_eq(back.top[i].name, r.top[i].name);
        ck_assert_int_eq(back.top[i].revenue_cents, r.top[i].revenue_cents);
    }
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_report_decode_refuses_what_is_not_a_report)
{
    static const char *const bad[] = {
        "[]", "{}", "{\"totals\":{},\"hours\":[],\"top_products\":[]}",
        "{\"totals\":1,\"hours\":[],\"top_products\":[]}", "not json"};
    struct an_report r;
    struct tm_err e;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        ck_assert_int_eq(an_report_decode(bad[i], strlen(bad[i]), &r, &e), TM_INVALID);
    }
}
END_TEST

START_TEST(test_report_csv_rows_and_cells)
{
    struct an_report r;
    struct an_report_store s;
    struct an_report_day d;
    struct tm_buf b;
    int lines = 0;
    char *save = NULL, *copy;

    sample_report(&r, &s, &d);
    tm_buf_init(&b, 64 * 1024);
    ck_assert_int_eq(an_report_csv(&b, &r), TM_OK);
    ck_assert(strncmp(b.p, "section,hour,rank,", 18) == 0);
    ck_assert_ptr_nonnull(strstr(b.p, "\r\ntotal,,,,,,3501,4,8,3,1,700,2,3,875\r\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "\r\nhour,9,,,,,1001,1,3,1,1,,0,1,\r\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "\r\nproduct,,1,7,\"SKU-7\",\"'=cmd, \"\"quoted\"\"\","
                                      "1500,2,2,,,,,,\r\n"));
    copy = strdup(b.p);
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        int commas = 0, quoted = 0;
        for (const char *c = l; *c; c++) {
            quoted ^= *c == '"';
            commas += *c == ',' && !quoted;
        }
        ck_assert_msg(commas == 14, "line %d has %d separators: %s", lines, commas, l);
        lines++;
    }
    ck_assert_int_eq(lines, 1 + 1 + AN_REPORT_HOURS + r.n_top);
    free(copy);
    tm_buf_fini(&b);
}
END_TEST

Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *build = tcase_create("build"), *days = tcase_create("days"),
          *body = tcase_create("body");

    tcase_add_test(build, test_report_build_sums_hours_and_keeps_day_customers);
    tcase_add_test(build, test_report_build_ranks_products_totally);
    tcase_add_test(build, test_report_build_empty_day_is_zeros);
    tcase_add_loop_test(build, test_report_build_refuses_bad_facts, 0, 9);
    tcase_add_loop_test(days, test_report_due_days, 0, (int)(sizeof due / sizeof due[0]));
    tcase_add_test(days, test_report_due_never_wraps);
    tcase_add_test(days, test_report_ready_needs_fresh_word_and_all_applied);
    tcase_add_test(body, test_report_body_reads_back_as_written);
    tcase_add_test(body, test_report_decode_refuses_what_is_not_a_report);
    tcase_add_test(body, test_report_csv_rows_and_cells);
    suite_add_tcase(s, build);
    suite_add_tcase(s, days);
    suite_add_tcase(s, body);
    return s;
}
