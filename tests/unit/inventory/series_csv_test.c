/* tests/unit/inventory/series_csv_test.c — the offline tools' CSV readers:
 * demand series (columns by name, quoting, gaps, monthly dates, duplicates,
 * bounds) and reorder policy files (columns in any order, levels, ids). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/forecast.h"
#include "services/inventory/policy_csv.h"
#include "services/inventory/series_csv.h"

/* feeds the lines of text (one per '\n') to the reader; the first error */
static enum tm_code
feed(struct series_csv *c, const char *text, struct tm_err *err)
{
    char *copy = strdup(text), *save = NULL;
    enum tm_code rc = TM_OK;
    for (char *l = strtok_r(copy, "\n", &save); l && rc == TM_OK; l = strtok_r(NULL, "\n", &save))
        rc = series_csv_line(c, l, err);
    free(copy);
    return rc;
}

START_TEST(test_series_by_header_with_gaps)
{
    struct series_csv c;
    struct series_csv_series **list;
    size_t n;
    struct tm_err err;
    double *y;
    int len;
    int64_t first;

    series_csv_init(&c);
    ck_assert_int_eq(feed(&c,
                          "series_id,extra,value,date\n"
                          "\"b,1\",x,5,2020-01-03\n"
                          "\"b,1\",x,1,2020-01-01\n"
                          "a,x,NA,2020-01-02\n"
                          "\"b,1\",x,,2020-01-04\n"
                          "a,x,2.5,2020-01-01\n",
                          &err),
                     TM_OK);
    ck_assert_int_eq(series_csv_finish(&c, &list, &n, &err), TM_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(list[0]->id, "a");
    ck_assert_str_eq(list[1]->id, "b,1");
    ck_assert_str_eq(series_csv_kind_name(&c), "daily");
    ck_assert_int_eq(series_csv_dense(list[1], 10, &y, &len, &first, &err), TM_OK);
    ck_assert_int_eq(len, 4); /* 1st..4th: 1, missing, 5, missing */
    ck_assert_int_eq(first, fc_days_from_civil(2020, 1, 1));
    ck_assert_double_eq(y[0], 1);
    ck_assert(isnan(y[1]));
    ck_assert_double_eq(y[2], 5);
    ck_assert(isnan(y[3]));
    free(y);
    ck_assert_int_eq(series_csv_dense(list[1], 3, &y, &len, &first, &err), TM_TOOBIG);
    ck_assert_ptr_null(y);
    char per[32];
    series_csv_format_period(&c, first + 2, per, sizeof per);
    ck_assert_str_eq(per, "2020-01-03");
    free(list);
    series_csv_fini(&c);
}
END_TEST

START_TEST(test_series_monthly_and_duplicates)
{
    struct series_csv c;
    struct series_csv_series **list;
    size_t n;
    struct tm_err err;

    series_csv_init(&c);
    ck_assert_int_eq(feed(&c, "m,2020-12-01,1\nm,2021-02-01,3\n", &err), TM_OK);
    ck_assert_int_eq(series_csv_finish(&c, &list, &n, &err), TM_OK);
    ck_assert_str_eq(series_csv_kind_name(&c), "monthly");
    ck_assert_int_eq(list[0]->rows[1].key - list[0]->rows[0].key, 2); /* months */
    free(list);
    series_csv_fini(&c);

    series_csv_init(&c);
    ck_assert_int_eq(feed(&c, "series_id,week,value\na,3,1\nb,3,1\na,3,2\n", &err), TM_OK);
    ck_assert_int_eq(series_csv_finish(&c, &list, &n, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "period");
    ck_assert_int_eq(c.line, 4);
    ck_assert_ptr_null(list);
    series_csv_fini(&c);
}
END_TEST

static const struct {
    const char *text;
    enum tm_code code;
    long line;
} BAD_SERIES[] = {
    {"series_id,when,value\n", TM_INVALID, 1},
    {"a,2020-01-01,1\na,7,1\n", TM_INVALID, 2}, /* dates and integers */
    {"a,2021-02-29,1\n", TM_INVALID, 1},        /* no such day */
    {"a,1,x\n", TM_INVALID, 1},                 /* value */
    {"a,1,1\na,2,inf\n", TM_INVALID, 2},        /* not finite */
    {"a,1,nan\n", TM_INVALID, 1},
    {"a,1,1e999\n", TM_INVALID, 1},
    {"a,1\n", TM_INVALID, 1},                  /* columns */
    {"\"a,1,1\n", TM_INVALID, 1},              /* quote */
    {",1,1\n", TM_INVALID, 1},                 /* empty id */
    {"a,1,1\na,999999999,1\n", TM_INVALID, 2}, /* period out of range */
};

START_TEST(test_series_refuses)
{
    struct series_csv c;
    struct tm_err err;
    series_csv_init(&c);
    ck_assert_int_eq(feed(&c, BAD_SERIES[_i].text, &err), BAD_SERIES[_i].code);
    ck_assert_int_eq(c.line, BAD_SERIES[_i].line);
    series_csv_fini(&c);
}
END_TEST

START_TEST(test_series_bounds)
{
    struct series_csv c;
    struct tm_err err;
    char line[SERIES_CSV_LINE_MAX + 16];
    series_csv_init(&c);
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    ck_assert_int_eq(series_csv_line(&c, line, &err), TM_TOOBIG);
    snprintf(line, sizeof line, "%0*d,1,1", SERIES_CSV_ID_MAX + 1, 7);
    ck_assert_int_eq(series_csv_line(&c, line, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "series_id");
    series_csv_fini(&c);
}
END_TEST

static enum tm_code
feed_policy(struct policy_csv *p, const char *text, struct tm_err *err)
{
    char *copy = strdup(text), *save = NULL;
    enum tm_code rc = TM_OK;
    for (char *l = strtok_r(copy, "\n", &save); l && rc == TM_OK; l = strtok_r(NULL, "\n", &save))
        rc = policy_csv_line(p, l, err);
    free(copy);
    if (rc == TM_OK)
        rc = policy_csv_finish(p, err);
    return rc;
}

START_TEST(test_series_regressor_columns)
{
    static const char *const want[] = {"price", "deal"};
    static const char *const missing[] = {"price", "promo"};
    struct series_csv c;
    struct series_csv_series **list;
    size_t n;
    struct tm_err err;
    double *x;

    series_csv_init(&c);
    ck_assert_int_eq(series_csv_want(&c, want, 2, &err), TM_OK);
    ck_assert_int_eq(feed(&c,
                          "series_id,week,value,price,deal,feat\n"
                          "a,3,7,0.5,,1\n"
                          "a,1,5,0.4,1,0\n"
                          "b,1,2,NA,0,0\n",
                          &err),
                     TM_OK);
    ck_assert_int_eq(series_csv_finish(&c, &list, &n, &err), TM_OK);
    ck_assert_int_eq(series_csv_dense_x(&c, list[0], 0, 10, &x, &err), TM_OK);
    ck_assert_double_eq(x[0], 0.4); /* weeks 1..3: 0.4, no row, 0.5 */
    ck_assert(isnan(x[1]));
    ck_assert_double_eq(x[2], 0.5);
    free(x);
    ck_assert_int_eq(series_csv_dense_x(&c, list[0], 1, 10, &x, &err), TM_OK);
    ck_assert_double_eq(x[0], 1);
    ck_assert(isnan(x[2])); /* empty: not known */
    free(x);
    ck_assert_int_eq(series_csv_dense_x(&c, list[1], 0, 10, &x, &err), TM_OK);
    ck_assert(isnan(x[0]));
    free(x);
    ck_assert_int_eq(series_csv_dense_x(&c, list[1], 2, 10, &x, &err), TM_INVALID);
    ck_assert_ptr_null(x);
    free(list);
    series_csv_fini(&c);

    /* a column the header lacks, no header, a value that is not a number */
    series_csv_init(&c);
    ck_assert_int_eq(series_csv_want(&c, missing, 2, &err), TM_OK);
    ck_assert_int_eq(feed(&c, "series_id,week,value,price,deal\n", &err), TM_INVALID);
    ck_assert_str_eq(err.field, "regressors");
    ck_assert_str_eq(err.message, "no column promo in the header");
    series_csv_fini(&c);
    series_csv_init(&c);
    ck_assert_int_eq(series_csv_want(&c, want, 1, &err), TM_OK);
    ck_assert_int_eq(feed(&c, "a,1,5\n", &err), TM_INVALID);
    ck_assert_str_eq(err.field, "regressors");
    series_csv_fini(&c);
    series_csv_init(&c);
    ck_assert_int_eq(series_csv_want(&c, want, 1, &err), TM_OK);
    ck_assert_int_eq(feed(&c, "series_id,week,value,price\na,1,5,cheap\n", &err), TM_INVALID);
    ck_assert_str_eq(err.message, "price is not a finite number");
    ck_assert_int_eq(series_csv_want(&c, want, 1, &err), TM_INVALID); /* after reading */
    series_csv_fini(&c);
    series_csv_init(&c);
    ck_assert_int_eq(series_csv_want(&c, want, SERIES_CSV_X_MAX + 1, &err), TM_INVALID);
    series_csv_fini(&c);
}
END_TEST

START_TEST(test_events_calendar)
{
    struct series_csv_events ev;
    struct tm_err err;
    char l1[] = "date,event", l2[] = "2016-02-14,ValentinesDay", l3[] = "2016-02-07,SuperBowl",
         l4[] = "2016-02-14,\"Another, quoted\"", l5[] = "2016-02-30,Bad", l6[] = "2016-03-01,",
         l7[] = "2016-03-01,a,b";

    series_csv_events_init(&ev);
    ck_assert_int_eq(series_csv_event_line(&ev, l1, &err), TM_OK);
    ck_assert_int_eq(series_csv_event_line(&ev, l2, &err), TM_OK);
    ck_assert_int_eq(series_csv_event_line(&ev, l3, &err), TM_OK);
    ck_assert_int_eq(series_csv_event_line(&ev, l4, &err), TM_OK);
    ck_assert_int_eq(series_csv_event_line(&ev, l5, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "date");
    ck_assert_int_eq(series_csv_event_line(&ev, l6, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "event");
    ck_assert_int_eq(series_csv_event_line(&ev, l7, &err), TM_INVALID);
    series_csv_events_finish(&ev);
    ck_assert_int_eq(ev.n, 2); /* two dates, the 14th once */
    ck_assert(series_csv_event_on(&ev, fc_days_from_civil(2016, 2, 7)));
    ck_assert(series_csv_event_on(&ev, fc_days_from_civil(2016, 2, 14)));
    ck_assert(!series_csv_event_on(&ev, fc_days_from_civil(2016, 2, 8)));
    series_csv_events_fini(&ev);
}
END_TEST

START_TEST(test_policy_reads_and_finds)
{
    struct policy_csv p;
    struct tm_err err;
    policy_csv_init(&p);
    ck_assert_int_eq(feed_policy(&p,
                                 "order_up_to,class,series_id,reorder_point\n"
                                 "12,smooth,b,8\n"
                                 "1,lumpy,a,0\n",
                                 &err),
                     TM_OK);
    const struct policy_csv_row *r = policy_csv_find(&p, "b");
    ck_assert_ptr_nonnull(r);
    ck_assert_double_eq(r->reorder_point, 8);
    ck_assert_double_eq(r->order_up_to, 12);
    ck_assert_ptr_null(policy_csv_find(&p, "c"));
    policy_csv_fini(&p);
}
END_TEST

static const struct {
    const char *text;
    const char *field;
} BAD_POLICY[] = {
    {"series_id,reorder_point\n", "header"},
    {"series_id,reorder_point,order_up_to\na,-1,3\n", "reorder_point"},
    {"series_id,reorder_point,order_up_to\na,1,x\n", "order_up_to"},
    {"series_id,reorder_point,order_up_to\na,4,3\n", "order_up_to"},
    {"series_id,reorder_point,order_up_to\na,1,nan\n", "order_up_to"},
    {"series_id,reorder_point,order_up_to\na,1,2\nb,1,2\na,1,2\n", "series_id"},
    {"\n", "header"},
};

START_TEST(test_policy_refuses)
{
    struct policy_csv p;
    struct tm_err err;
    policy_csv_init(&p);
    ck_assert_int_eq(feed_policy(&p, BAD_POLICY[_i].text, &err), TM_INVALID);
    ck_assert_str_eq(err.field, BAD_POLICY[_i].field);
    policy_csv_fini(&p);
}
END_TEST

Suite *series_csv_suite(void);

Suite *
series_csv_suite(void)
{
    Suite *s = suite_create("inventory.series_csv");
    TCase *tc = tcase_create("series_csv");

    tcase_add_test(tc, test_series_by_header_with_gaps);
    tcase_add_test(tc, test_series_monthly_and_duplicates);
    tcase_add_loop_test(tc, test_series_refuses, 0, (int)(sizeof BAD_SERIES / sizeof *BAD_SERIES));
    tcase_add_test(tc, test_series_bounds);
    tcase_add_test(tc, test_series_regressor_columns);
    tcase_add_test(tc, test_events_calendar);
    tcase_add_test(tc, test_policy_reads_and_finds);
    tcase_add_loop_test(tc, test_policy_refuses, 0, (int)(sizeof BAD_POLICY / sizeof *BAD_POLICY));
    suite_add_tcase(s, tc);
    return s;
}
