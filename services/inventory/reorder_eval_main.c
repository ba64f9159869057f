/* services/inventory/reorder_eval_main.c — tm-reorder-eval: the reorder
 * policy of tm-inventory (reorder.h) on anyone's daily demand, set at an
 * origin in the past so that anyone can replay the days after it with a
 * simulator of their own (ours is tm-reorder-sim).
 *
 *   tm-reorder-eval FILE.csv --policy OUT.csv [--lead-time-mean D]
 *       [--lead-time-sd D] [--review-days R] [--fill-rate F]
 *       [--holding-cost H] [--order-cost K] [--unit-cost C]
 *       [--origin-days-from-end N]
 *
 * FILE.csv: daily demand series in tm-forecast-eval's format
 * (series_csv.h; integer periods are read as days, monthly dates refused). For each series only its
 * history up to N days before its last day is read: the engine forecasts it (fc_run, season 7, as
 * many days ahead as the lead time and review need), and the policy (rp_policy) sets s and S with
 * nothing on hand, reserved or on order, no MOQ, packs of 1, the lead time as given. OUT.csv gets
 * `series_id,reorder_point, order_up_to`, then the terms behind them: class, model, abc (revenue
 * class of the history's last year at the unit cost; shown, the target is
 * --fill-rate for all), fill_target, expected_fill_rate, daily_mean,
 * protection_mean, safety_stock, order_size. It is written whole or not at
 * all (a temporary file renamed). A summary goes to stderr. Exit 0; 1 when
 * the input cannot be read or the engine fails; 2 for a bad flag, naming
 * it. docs/reorder.md, "Offline evaluation and simulation". */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/time.h"

#include "services/inventory/forecast.h"
#include "services/inventory/reorder.h"
#include "services/inventory/reorder_tool.h"
#include "services/inventory/series_csv.h"

#define ORIGINS 4      /* backtest origins, as tm-inventory's forecasts */
#define SEASON 7       /* daily data: a weekly season */
#define ABC_DAYS 365   /* the revenue of the history's last year makes the ABC class */
#define ABC_CUT_A 0.80 /* docs/reorder.md: A up to 80 % of revenue */
#define ABC_CUT_B 0.95 /* ... B up to 95 % */

static void
usage(void)
{
    fprintf(stderr, "usage: tm-reorder-eval FILE.csv --policy OUT.csv [settings]\n%s", rt_usage);
}

struct counts {
    int written, short_history, no_history, too_large;
    int by_class[FC_CLASS_COUNT];
    double expected_fill;
};

/* units of y[from..to) at unit cost (missing and negative days count 0) */
static double
revenue_of(const double *y, int from, int to, double unit_cost)
{
    double sum = 0;
    for (int t = from < 0 ? 0 : from; t < to; t++)
        if (isfinite(y[t]) && y[t] > 0)
            sum += y[t];
    return sum * unit_cost;
}

/* One series: its policy row into out, or a count of why not. 1 on an
 * engine failure (reported). */
static int
one(const struct series_csv_series *s, const struct rt_settings *st, char abc, struct rt_scratch *w,
    FILE *out, struct counts *k)
{
    struct tm_err err;
    struct rp_result p;
    double *y = NULL;
    int n, rc = 0;
    int64_t first;

    if (series_csv_dense(s, FC_MAX_HISTORY + st->origin_days, &y, &n, &first, &err) != TM_OK) {
        fprintf(stderr, "tm-reorder-eval: %s\n", err.message);
        return 1;
    }
    int hist = n - st->origin_days;
    if (hist < 1) {
        k->short_history++;
        goto out;
    }
    enum tm_code prc = rt_policy(y, hist, first + hist, abc, st, w, &p, &err);
    if (prc == TM_UNPROCESSABLE && strcmp(err.field, "history") == 0) {
        k->no_history++;
        goto out;
    }
    if (prc == TM_UNPROCESSABLE) {
        fprintf(stderr, "tm-reorder-eval: series %s: %s; left out\n", s->id, err.message);
        k->too_large++;
        goto out;
    }
    if (prc != TM_OK) {
        fprintf(stderr, "tm-reorder-eval: series %s: %s (%s)\n", s->id, err.message, err.field);
        rc = 1;
        goto out;
    }
    const struct rp_dist *dist = &w->dist;
    series_csv_put_field(out, s->id);
    fprintf(out, ",%lld,%lld,%s,%s,%c,%.4f,%.4f,%.4f,%.4f,%.4f,%lld\n", (long long)p.reorder_point,
            (long long)p.order_up_to, fc_class_name(dist->cls), fc_model_name(dist->model), abc,
            st->fill_rate, p.expected_fill_rate, p.daily_mean, p.protection_mean, p.safety_stock,
            (long long)p.order_size);
    k->written++;
    k->by_class[dist->cls]++;
    k->expected_fill += p.expected_fill_rate;
out:
    free(y);
    return rc;
}

/* the ABC class of every series from its history's last year of revenue */
static void
classes(struct series_csv_series **list, size_t ns, const struct rt_settings *st, char *abc)
{
    double *revenue = tm_xcalloc(ns ? ns : 1, sizeof *revenue);
    for (size_t i = 0; i < ns; i++) {
        struct tm_err err;
        double *y;
        int n;
        int64_t first;
        if (series_csv_dense(list[i], FC_MAX_HISTORY + st->origin_days, &y, &n, &first, &err) !=
            TM_OK)
            continue; /* one() reports it */
        int hist = n - st->origin_days;
        revenue[i] = revenue_of(y, hist - ABC_DAYS, hist, st->unit_cost);
        free(y);
    }
    rp_abc(revenue, (int)ns, ABC_CUT_A, ABC_CUT_B, abc);
    free(revenue);
}

int
main(int argc, char **argv)
{
    const char *path = NULL, *out_path = NULL;
    struct rt_settings st;
    struct tm_err err;

    rt_settings_init(&st);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = 0;
        if (rt_option(&st, a, i + 1 < argc ? argv[i + 1] : NULL, &taken, &err) != TM_OK) {
            fprintf(stderr, "tm-reorder-eval: %s\n", err.message);
            usage();
            return 2;
        }
        if (taken) {
            i++;
            continue;
        }
        if (strcmp(a, "--policy") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        } else if ((a[0] == '-' && a[1] != '\0') || path) {
            fprintf(stderr, "tm-reorder-eval: bad argument %s\n", a);
            usage();
            return 2;
        } else {
            path = a;
        }
    }
    if (!path || !out_path) {
        fprintf(stderr, "tm-reorder-eval: %s is required\n", !path ? "FILE.csv" : "--policy");
        usage();
        return 2;
    }
    if (rt_check(&st, &err) != TM_OK) {
        fprintf(stderr, "tm-reorder-eval: %s: %s\n", err.field, err.message);
        usage();
        return 2;
    }

    struct series_csv in;
    struct series_csv_series **list = NULL;
    size_t ns = 0;
    char tmp[4096], *abc = NULL;
    FILE *out = NULL;
    struct rt_scratch *w = rt_scratch_new();
    struct counts k = {0};
    int rc = 1;

    series_csv_init(&in);
    tmp[0] = '\0';
    if (series_csv_load(&in, path, &list, &ns, &err) != TM_OK) {
        fprintf(stderr, "tm-reorder-eval: %s\n", err.message);
        goto done;
    }
    if (in.kind == SERIES_CSV_DATE && in.monthly) {
        fprintf(stderr, "tm-reorder-eval: %s: monthly periods; the policy takes daily demand\n",
                path);
        goto done;
    }
    int len = snprintf(tmp, sizeof tmp, "%s.tmp%ld", out_path, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof tmp) {
        fprintf(stderr, "tm-reorder-eval: %s: path too long\n", out_path);
        tmp[0] = '\0';
        goto done;
    }
    if (!(out = fopen(tmp, "w"))) {
        fprintf(stderr, "tm-reorder-eval: %s: %s\n", tmp, strerror(errno));
        tmp[0] = '\0';
        goto done;
    }
    fprintf(out, "series_id,reorder_point,order_up_to,class,model,abc,fill_target,"
                 "expected_fill_rate,daily_mean,protection_mean,safety_stock,order_size\n");
    abc = tm_xmalloc(ns ? ns : 1);
    classes(list, ns, &st, abc);
    int64_t t0 = tm_mono_us();
    for (size_t i = 0; i < ns; i++)
        if (one(list[i], &st, abc[i], w, out, &k) != 0)
            goto done;
    int bad = ferror(out);
    bad |= fclose(out) != 0;
    out = NULL;
    if (bad || rename(tmp, out_path) != 0) {
        fprintf(stderr, "tm-reorder-eval: %s: %s\n", out_path, strerror(errno));
        goto done;
    }
    tmp[0] = '\0';
    fprintf(stderr,
            "tm-reorder-eval: %s: %zu series; %d policies in %s (set %d days before each "
            "series' last day; lead time %g ± %g days, review %d, fill rate %g); left out: %d "
            "too short, %d without observed history, %d too large\n",
            path, ns, k.written, out_path, st.origin_days, st.lead_mean_days, st.lead_sd_days,
            st.review_days, st.fill_rate, k.short_history, k.no_history, k.too_large);
    fprintf(stderr, "tm-reorder-eval: classes:");
    for (int c = 0; c < FC_CLASS_COUNT; c++)
        if (k.by_class[c])
            fprintf(stderr, " %s %d", fc_class_name((enum fc_class)c), k.by_class[c]);
    fprintf(stderr, "; mean expected fill rate %.4f; %.2f s\n",
            k.written ? k.expected_fill / k.written : 0, (double)(tm_mono_us() - t0) / 1e6);
    rc = 0;
done:
    if (out)
        fclose(out);
    if (tmp[0])
        remove(tmp);
    free(abc);
    rt_scratch_free(w);
    free(list);
    series_csv_fini(&in);
    return rc;
}
