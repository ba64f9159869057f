/* tests/unit/common/metrics_test.c — counters, gauges and histograms render
 * in the Prometheus text format with the values put in; every series made is
 * found again, from any thread, up to a full registry. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/hash.h"
#include "common/metrics.h"

#include "tests/unit/common/suites.h"

START_TEST(test_metrics_render_values)
{
    struct tm_metric *c1 = tm_metric(TM_METRIC_COUNTER, "t_total", "things", "k=\"a\"");
    struct tm_metric *c2 = tm_metric(TM_METRIC_COUNTER, "t_total", "things", "k=\"b\"");
    struct tm_metric *g = tm_metric(TM_METRIC_GAUGE, "t_gauge", "level", "");
    struct tm_metric *h = tm_metric(TM_METRIC_HISTOGRAM, "t_seconds", "time", "r=\"x\"");
    struct tm_buf b;

    ck_assert_ptr_eq(c1, tm_metric(TM_METRIC_COUNTER, "t_total", "things", "k=\"a\""));
    ck_assert_ptr_ne(c1, c2);
    tm_metric_add(c1, 3);
    tm_metric_add(c1, 2);
    tm_metric_add(c2, 1);
    tm_metric_set(g, -7);
    tm_metric_observe_us(h, 700);     /* le 0.001 */
    tm_metric_observe_us(h, 30000);   /* le 0.05 */
    tm_metric_observe_us(h, 9000000); /* only +Inf */
    tm_metric_add(NULL, 1);           /* no-op */
    tm_buf_init(&b, 1 << 20);
    ck_assert_int_eq(tm_metrics_render(&b), TM_OK);
    ck_assert_ptr_nonnull(strstr(b.p, "# HELP t_total things\n# TYPE t_total counter\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_total{k=\"a\"} 5\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_total{k=\"b\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_gauge -7\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_bucket{r=\"x\",le=\"0.0005\"} 0\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_bucket{r=\"x\",le=\"0.001\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_bucket{r=\"x\",le=\"0.05\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_bucket{r=\"x\",le=\"5\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_bucket{r=\"x\",le=\"+Inf\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_count{r=\"x\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "t_seconds_sum{r=\"x\"} 9.030700\n"));
    /* one HELP per name even with several series */
    ck_assert_ptr_null(strstr(strstr(b.p, "# HELP t_total") + 1, "# HELP t_total"));
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_metrics_refuse_oversized_names)
{
    char name[TM_METRIC_NAME_MAX + 8];

    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ck_assert_ptr_null(tm_metric(TM_METRIC_COUNTER, name, "x", ""));
}
END_TEST

/* Many threads finding and creating the same series at once: each (name,
 * labels) is one series, whichever thread made it. */
#define RACE_THREADS 4
#define RACE_SERIES 300
static struct tm_metric *race_got[RACE_THREADS][RACE_SERIES];

static void *
race(void *arg)
{
    struct tm_metric **got = arg;
    char labels[64];

    for (int i = 0; i < RACE_SERIES; i++) {
        snprintf(labels, sizeof labels, "route=\"/r/%d\"", i);
        got[i] = tm_metric(TM_METRIC_COUNTER, "race_total", "x", labels);
    }
    return NULL;
}

START_TEST(test_metrics_threads_make_each_series_once)
{
    pthread_t th[RACE_THREADS];

    for (int t = 0; t < RACE_THREADS; t++)
        ck_assert_int_eq(pthread_create(&th[t], NULL, race, race_got[t]), 0);
    for (int t = 0; t < RACE_THREADS; t++)
        pthread_join(th[t], NULL);
    for (int i = 0; i < RACE_SERIES; i++) {
        ck_assert_ptr_nonnull(race_got[0][i]);
        for (int t = 1; t < RACE_THREADS; t++)
            ck_assert_ptr_eq(race_got[t][i], race_got[0][i]);
        for (int j = 0; j < i; j++)
            ck_assert_ptr_ne(race_got[0][j], race_got[0][i]);
    }
}
END_TEST

/* The slot of (name, labels) in the registry's index, as common/metrics.c
 * hashes it: to choose series that meet at its last slot. */
static uint32_t
index_slot(const char *name, const char *labels)
{
    return tm_fnv32((tm_fnv32(TM_FNV32_INIT, name) ^ 0xffu) * 16777619u, labels) &
           (2 * TM_METRICS_MAX - 1);
}

/* Series whose hashes meet at the index's last slot: the probe wraps to
 * its start, and each is found again as itself. */
START_TEST(test_metrics_probe_wraps_at_the_end_of_the_index)
{
    struct tm_metric *made[3];
    char labels[3][64];
    int n = 0;

    for (int i = 0; n < 3 && i < 10000000; i++) {
        snprintf(labels[n], sizeof labels[n], "k=\"%d\"", i);
        if (index_slot("wrap_total", labels[n]) == 2 * TM_METRICS_MAX - 1)
            n++;
    }
    ck_assert_int_eq(n, 3);
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_nonnull(made[i] = tm_metric(TM_METRIC_COUNTER, "wrap_total", "x", labels[i]));
    for (int i = 0; i < 3; i++) {
        ck_assert_ptr_eq(tm_metric(TM_METRIC_COUNTER, "wrap_total", "x", labels[i]), made[i]);
        for (int j = 0; j < i; j++)
            ck_assert_ptr_ne(made[j], made[i]);
    }
}
END_TEST

/* The registry filled up: every series made is found again (the same one),
 * and one more is NULL. Counts from whatever series the process had. */
START_TEST(test_metrics_full_registry_finds_every_series)
{
    static struct tm_metric *made[TM_METRICS_MAX];
    char labels[64];
    int n = 0, full = 0;

    for (int i = 0; i < TM_METRICS_MAX + 1 && !full; i++) {
        struct tm_metric *m;

        snprintf(labels, sizeof labels, "method=\"GET\",status=\"%d\"", i);
        m = tm_metric(i % 2 ? TM_METRIC_COUNTER : TM_METRIC_HISTOGRAM,
                      i % 3 ? "a_total" : "b_total", "x", labels);
        if (m)
            made[n++] = m;
        else
            full = 1;
    }
    ck_assert_int_eq(full, 1);
    ck_assert_int_gt(n, 0);
    for (int i = 0; i < n; i++) {
        snprintf(labels, sizeof labels, "method=\"GET\",status=\"%d\"", i);
        ck_assert_ptr_eq(tm_metric(TM_METRIC_COUNTER, i % 3 ? "a_total" : "b_total", "x", labels),
                         made[i]);
    }
    snprintf(labels, sizeof labels, "method=\"GET\",status=\"%d\"", TM_METRICS_MAX + 20);
    ck_assert_ptr_null(tm_metric(TM_METRIC_COUNTER, "a_total", "x", labels));
}
END_TEST

Suite *
metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("metrics");

    tcase_add_test(tc, test_metrics_render_values);
    tcase_add_test(tc, test_metrics_refuse_oversized_names);
    tcase_add_test(tc, test_metrics_threads_make_each_series_once);
    tcase_add_test(tc, test_metrics_probe_wraps_at_the_end_of_the_index);
    tcase_add_test(tc, test_metrics_full_registry_finds_every_series);
    suite_add_tcase(s, tc);
    return s;
}
