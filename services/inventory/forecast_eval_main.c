/* services/inventory/forecast_eval_main.c — tm-forecast-eval: the engine of
 * tm-inventory on anyone's demand data.
 *
 *   tm-forecast-eval FILE.csv [--horizon H] [--origins K] [--season M]
 *                    [--per-series] [--forecasts OUT.csv] [--engine-only]
 *                    [--regressors COL[:log],...] [--holidays US|UK]
 *                    [--calendar FILE]
 *
 * Regressors (fc_run_x, docs/forecasting.md "Regressors"), known in advance
 * for the held-out window too (the run holds out the value, never these):
 * --regressors names extra columns of FILE.csv (a price, a promotion flag;
 * COL:log takes the natural logarithm, for prices); --holidays adds a 0/1
 * "holiday" regressor, 1 on the country's public holidays (holidays.h),
 * and --calendar a 0/1 "event" regressor, 1 on the dates of a `date,event`
 * file; both need daily dates. A bad column name, country or calendar stops
 * the run with exit status 2 before any series is read.
 *
 * FILE.csv is long format, one row per series and period: series_id,period,
 * value, read by services/inventory/series_csv.h (which gives the format and
 * its bounds); a malformed row stops the run with its line number.
 *
 * For every series the last H periods are the final test window: the engine
 * (classification, backtest choice, intervals) sees only the periods before
 * it, and so does each single model; all are scored on the window. The table
 * gives, per demand class and overall, the mean MASE and RMSSE of the engine,
 * seasonal naive, the seed formula and every model, the engine's interval
 * coverage, and which models it chose. Output is the same for the same input
 * (series in byte order of their ids). Timing goes to stderr. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/time.h"

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_model.h"
#include "services/inventory/holidays.h"
#include "services/inventory/series_csv.h"

/* ---- scoring ------------------------------------------------------------ */

/* the methods of the table: the engine, then every model that can be one */
enum { M_ENGINE = FC_MODEL_COUNT, M_ENGINE_MEAN, N_METHODS };
static const enum fc_model SINGLE[] = {FC_SNAIVE,       FC_SEED,        FC_NAIVE,  FC_MA,
                                       FC_SES,          FC_HOLT_DAMPED, FC_HW_ADD, FC_HW_MUL,
                                       FC_SEASONAL_SES, FC_CROSTON,     FC_SBA,    FC_TSB};
#define N_SINGLE (sizeof SINGLE / sizeof *SINGLE)

struct agg {
    int series;
    double mase[N_METHODS], rmsse[N_METHODS];
    double in80, in95, points;
    int chosen[FC_MODEL_COUNT];
};

static const char *
method_name(int m)
{
    return m == M_ENGINE        ? "engine (chosen by backtest)"
           : m == M_ENGINE_MEAN ? "engine, mean path"
                                : fc_model_name((enum fc_model)m);
}

/* engine_only: --engine-only, no single-model rows (speed runs) */
static void
print_table(const char *label, const struct agg *a, int engine_only)
{
    if (a->series == 0)
        return;
    for (int m = M_ENGINE; m <= M_ENGINE_MEAN; m++)
        printf("%-13s %6d  %-28s %8.3f %8.3f\n", label, a->series, method_name(m),
               a->mase[m] / a->series, a->rmsse[m] / a->series);
    for (size_t i = 0; i < N_SINGLE && !engine_only; i++)
        printf("%-13s %6d  %-28s %8.3f %8.3f\n", label, a->series, method_name(SINGLE[i]),
               a->mase[SINGLE[i]] / a->series, a->rmsse[SINGLE[i]] / a->series);
}

static void
usage(void)
{
    fprintf(stderr, "usage: tm-forecast-eval FILE.csv [--horizon H] [--origins K] [--season M]\n"
                    "                        [--per-series] [--forecasts OUT.csv] [--engine-only]\n"
                    "                        [--regressors COL[:log],...] [--holidays US|UK]\n"
                    "                        [--calendar FILE]\n");
}

static int
int_arg(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* the regressors a run gives the engine */
struct xspec {
    int ncol; /* CSV columns, first in xr */
    char col[FC_MAX_REGRESSORS][SERIES_CSV_X_NAME_MAX];
    int log[FC_MAX_REGRESSORS];          /* 1: take the logarithm */
    const char *colp[FC_MAX_REGRESSORS]; /* col's names, for series_csv_want */
    enum fc_country country;             /* --holidays: a "holiday" regressor */
    const char *calendar;                /* --calendar: an "event" regressor */
    struct series_csv_events ev;
    int k; /* all of them */
    const char *name[FC_MAX_REGRESSORS];
    double used_lift[FC_MAX_REGRESSORS]; /* sum of the lifts where used */
    int used;                            /* series whose forecast used them */
    int overlay, adjusted;               /* ... of them as an overlay / adjusted */
};

/* COL[:log],... into x; -1 (message on stderr) when malformed or too many */
static int
parse_columns(const char *list, struct xspec *x)
{
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (x->ncol == FC_MAX_REGRESSORS || len == 0 || len >= SERIES_CSV_X_NAME_MAX) {
            fprintf(stderr,
                    "tm-forecast-eval: --regressors takes 1..%d names of at most %d "
                    "bytes, comma-separated\n",
                    FC_MAX_REGRESSORS, SERIES_CSV_X_NAME_MAX - 1);
            return -1;
        }
        char *c = x->col[x->ncol];
        memcpy(c, p, len);
        c[len] = '\0';
        size_t cl = strlen(c);
        if (cl > 4 && strcmp(c + cl - 4, ":log") == 0) {
            c[cl - 4] = '\0';
            x->log[x->ncol] = 1;
        }
        x->colp[x->ncol] = c;
        x->name[x->ncol] = c;
        x->ncol++;
        p += len;
        if (*p == ',')
            p++;
    }
    x->k = x->ncol;
    return 0;
}

/* series s's regressors over its n periods from `first` into v[j] (n
 * each) and xr */
static enum tm_code
series_regressors(const struct series_csv *in, const struct series_csv_series *s, int64_t first,
                  int n, const struct xspec *x, double **v, struct fc_regressors *xr,
                  struct tm_err *err)
{
    xr->k = x->k;
    for (int j = 0; j < x->ncol; j++) {
        free(v[j]);
        if (series_csv_dense_x(in, s, j, n, &v[j], err) != TM_OK)
            return TM_INVALID;
        for (int t = 0; t < n && x->log[j]; t++)
            v[j][t] = v[j][t] > 0 ? log(v[j][t]) : NAN;
    }
    for (int j = x->ncol; j < x->k; j++) {
        free(v[j]);
        v[j] = tm_xmalloc(sizeof *v[j] * (size_t)n);
        if (strcmp(x->name[j], "holiday") == 0)
            fc_holiday_series(x->country, first, n, v[j]);
        else
            for (int t = 0; t < n; t++)
                v[j][t] = series_csv_event_on(&x->ev, first + t);
    }
    for (int j = 0; j < x->k; j++) {
        xr->x[j] = v[j];
        xr->name[j] = x->name[j];
    }
    return TM_OK;
}

int
main(int argc, char **argv)
{
    const char *path = NULL, *fc_path = NULL;
    struct xspec xs = {0};
    double *xv[FC_MAX_REGRESSORS] = {0};
    struct fc_regressors xr = {0};
    series_csv_events_init(&xs.ev);
    struct fc_options o = {.horizon = 14, .origins = 4, .season = 0};
    int per_series = 0, engine_only = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int bad = 0;
        if (strcmp(a, "--horizon") == 0 && i + 1 < argc)
            bad = int_arg(argv[++i], 1, FC_MAX_HORIZON, &o.horizon);
        else if (strcmp(a, "--origins") == 0 && i + 1 < argc)
            bad = int_arg(argv[++i], 1, FC_MAX_ORIGINS, &o.origins);
        else if (strcmp(a, "--season") == 0 && i + 1 < argc)
            bad = int_arg(argv[++i], 1, FC_MAX_SEASON, &o.season);
        else if (strcmp(a, "--forecasts") == 0 && i + 1 < argc)
            fc_path = argv[++i];
        else if (strcmp(a, "--regressors") == 0 && i + 1 < argc && xs.ncol == 0)
            bad = parse_columns(argv[++i], &xs);
        else if (strcmp(a, "--holidays") == 0 && i + 1 < argc && xs.country == FC_COUNTRY_NONE) {
            int c = fc_country_from(argv[++i]);
            if (c <= 0) {
                fprintf(stderr, "tm-forecast-eval: --holidays takes US or UK, not %s\n", argv[i]);
                bad = -1;
            } else
                xs.country = (enum fc_country)c;
        } else if (strcmp(a, "--calendar") == 0 && i + 1 < argc && !xs.calendar)
            xs.calendar = argv[++i];
        else if (strcmp(a, "--per-series") == 0)
            per_series = 1;
        else if (strcmp(a, "--engine-only") == 0)
            engine_only = 1;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        } else if (a[0] == '-' && a[1] != '\0')
            bad = -1;
        else if (!path)
            path = a;
        else
            bad = -1;
        if (bad) {
            fprintf(stderr, "tm-forecast-eval: bad argument %s\n", a);
            usage();
            return 2;
        }
    }
    if (!path) {
        usage();
        return 2;
    }

    struct series_csv in;
    int rc = 1;
    struct series_csv_series **list = NULL;
    size_t ns = 0;
    FILE *out = NULL;
    double *y = NULL, *f = NULL, *w = NULL;
    struct fc_result *res = NULL;
    struct tm_err err;
    series_csv_init(&in);
    if (xs.ncol + (xs.country != FC_COUNTRY_NONE) + !!xs.calendar > FC_MAX_REGRESSORS) {
        fprintf(stderr, "tm-forecast-eval: at most %d regressors in all\n", FC_MAX_REGRESSORS);
        rc = 2;
        goto done;
    }
    if (xs.country != FC_COUNTRY_NONE)
        xs.name[xs.k++] = "holiday";
    if (xs.calendar)
        xs.name[xs.k++] = "event";
    if (xs.calendar && series_csv_events_load(&xs.ev, xs.calendar, &err) != TM_OK) {
        fprintf(stderr, "tm-forecast-eval: calendar %s\n", err.message);
        rc = 2;
        goto done;
    }
    if (series_csv_want(&in, xs.colp, xs.ncol, &err) != TM_OK ||
        series_csv_load(&in, path, &list, &ns, &err) != TM_OK) {
        fprintf(stderr, "tm-forecast-eval: %s\n", err.message);
        rc = err.field[0] && strcmp(err.field, "regressors") == 0 ? 2 : 1;
        goto done;
    }
    if (xs.k > xs.ncol && (in.kind != SERIES_CSV_DATE || in.monthly)) {
        fprintf(stderr, "tm-forecast-eval: --holidays and --calendar need daily dates\n");
        rc = 2;
        goto done;
    }
    if (o.season == 0)
        o.season = in.kind == SERIES_CSV_DATE ? (in.monthly ? 12 : 7) : 1;
    if (fc_options_check(&o, &err) != TM_OK) {
        fprintf(stderr, "tm-forecast-eval: %s\n", err.message);
        goto done;
    }
    if (fc_path && !(out = fopen(fc_path, "w"))) {
        fprintf(stderr, "tm-forecast-eval: %s: %s\n", fc_path, strerror(errno));
        goto done;
    }
    if (out)
        fprintf(out, "series_id,period,forecast,lo80,hi80,lo95,hi95\n");

    int H = o.horizon;
    struct agg all = {0}, by_class[FC_CLASS_COUNT] = {{0}};
    res = tm_xmalloc(sizeof *res);
    f = tm_xmalloc(sizeof *f * FC_MAX_HORIZON);
    int skipped = 0;
    double engine_s = 0;
    if (per_series)
        printf("series_id,class,adi,cv2,model,alpha,beta,gamma,phi,window,backtest_mase,"
               "backtest_snaive_mase,mase,rmsse,bias,snaive_mase,seed_mase,cover80,cover95,"
               "mean_mase,mean_rmsse,naive_mase,regressors_used\n");
    for (size_t i = 0; i < ns; i++) {
        struct series_csv_series *s = list[i];
        int64_t first;
        int n;
        free(y);
        if (series_csv_dense(s, FC_MAX_HISTORY + H, &y, &n, &first, &err) != TM_OK) {
            fprintf(stderr, "tm-forecast-eval: %s before the last %d\n", err.message, H);
            goto done;
        }
        int hist = n - H;
        if (hist < 1) {
            skipped++;
            continue;
        }
        if (xs.k > 0 && series_regressors(&in, s, first, n, &xs, xv, &xr, &err) != TM_OK) {
            fprintf(stderr, "tm-forecast-eval: series %s: %s\n", s->id, err.message);
            goto done;
        }
        int64_t t0 = tm_mono_us();
        enum tm_code frc = fc_run_x(y, hist, xs.k > 0 ? &xr : NULL, &o, res, &err);
        if (frc == TM_UNPROCESSABLE) { /* nothing observed before the window */
            skipped++;
            continue;
        }
        if (frc != TM_OK) {
            fprintf(stderr, "tm-forecast-eval: series %s: %s\n", s->id, err.message);
            goto done;
        }
        engine_s += (double)(tm_mono_us() - t0) / 1e6;
        const double *actual = y + hist;
        double sa, sq;
        /* scale on the cleaned history from its first demand */
        w = tm_xrealloc(w, sizeof *w * (size_t)hist);
        fc_clean(y, hist, w);
        fc_scale(w, res->info.start < hist ? res->info.start : 0, hist, &sa, &sq);
        double act[FC_MAX_HORIZON];
        int scored = 0;
        fc_clean(actual, H, act);
        for (int h = 0; h < H; h++)
            scored += !isnan(act[h]);
        if (scored == 0) {
            skipped++;
            continue;
        }
        struct fc_accuracy acc_engine, acc_mean, acc[FC_MODEL_COUNT];
        memset(acc, 0, sizeof acc);
        fc_accuracy_of(res->forecast, act, H, sa, sq, &acc_engine);
        fc_accuracy_of(res->mean, act, H, sa, sq, &acc_mean);
        for (size_t k = 0; k < N_SINGLE && !engine_only; k++) {
            if (fc_model_forecast(SINGLE[k], y, hist, &o, f, NULL, &err) != TM_OK) {
                fprintf(stderr, "tm-forecast-eval: series %s, %s: %s\n", s->id,
                        fc_model_name(SINGLE[k]), err.message);
                goto done;
            }
            fc_accuracy_of(f, act, H, sa, sq, &acc[SINGLE[k]]);
        }
        double in80 = 0, in95 = 0;
        for (int h = 0; h < H; h++) {
            if (isnan(act[h]))
                continue;
            in80 += act[h] >= res->lo80[h] && act[h] <= res->hi80[h];
            in95 += act[h] >= res->lo95[h] && act[h] <= res->hi95[h];
        }
        enum fc_class cls = res->info.cls;
        struct agg *targets[2] = {&all, &by_class[cls]};
        for (int g = 0; g < 2; g++) {
            struct agg *a = targets[g];
            a->series++;
            a->mase[M_ENGINE] += acc_engine.mase;
            a->rmsse[M_ENGINE] += acc_engine.rmsse;
            a->mase[M_ENGINE_MEAN] += acc_mean.mase;
            a->rmsse[M_ENGINE_MEAN] += acc_mean.rmsse;
            for (size_t k = 0; k < N_SINGLE; k++) {
                a->mase[SINGLE[k]] += acc[SINGLE[k]].mase;
                a->rmsse[SINGLE[k]] += acc[SINGLE[k]].rmsse;
            }
            a->in80 += in80;
            a->in95 += in95;
            a->points += scored;
            a->chosen[res->model]++;
        }
        if (res->regressors_used) {
            xs.used++;
            xs.overlay += res->regressors_mode == FC_X_OVERLAY;
            xs.adjusted += res->regressors_mode == FC_X_ADJUSTED;
            for (int j = 0; j < res->n_effects && j < FC_MAX_REGRESSORS; j++)
                xs.used_lift[j] +=
                    j < xs.ncol && xs.log[j] ? res->effects[j].coef : res->effects[j].lift;
        }
        if (per_series) {
            const struct fc_params *p = &res->params;
            printf("%s,%s,%.4f,%.4f,%s,%.4f,%.4f,%.4f,%.4f,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,"
                   "%.3f,%.3f,%.4f,%.4f,%.4f,%d\n",
                   s->id, fc_class_name(cls), res->info.adi, res->info.cv2,
                   fc_model_name(res->model), p->alpha, p->beta, p->gamma, p->phi, p->window,
                   res->chosen.mase, res->snaive.mase, acc_engine.mase, acc_engine.rmsse,
                   acc_engine.bias, acc[FC_SNAIVE].mase, acc[FC_SEED].mase, in80 / scored,
                   in95 / scored, acc_mean.mase, acc_mean.rmsse, acc[FC_NAIVE].mase,
                   res->regressors_used);
        }
        if (out)
            for (int h = 0; h < H; h++) {
                char per[32];
                series_csv_format_period(&in, first + hist + h, per, sizeof per);
                fprintf(out, "%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f\n", s->id, per, res->forecast[h],
                        res->lo80[h], res->hi80[h], res->lo95[h], res->hi95[h]);
            }
    }
    printf("# tm-forecast-eval %s: %zu series, %ld rows, %s periods; horizon %d, origins %d, "
           "season %d\n",
           path, ns, in.rows, series_csv_kind_name(&in), H, o.origins, o.season);
    printf("# scored on each series' last %d periods (fitted and chosen without them); "
           "%d series too short or without actuals there\n",
           H, skipped);
    printf("%-13s %6s  %-28s %8s %8s\n", "class", "series", "method", "MASE", "RMSSE");
    print_table("all", &all, engine_only);
    for (int c = 0; c < FC_CLASS_COUNT; c++)
        print_table(fc_class_name((enum fc_class)c), &by_class[c], engine_only);
    if (all.series > 0) {
        double e = all.mase[M_ENGINE], sn = all.mase[FC_SNAIVE], sd = all.mase[FC_SEED];
        if (!engine_only)
            printf("engine MASE vs seasonal naive: %.3f (%+.1f %%); vs seed formula: %.3f "
                   "(%+.1f %%)\n",
                   e / sn, (e / sn - 1) * 100, e / sd, (e / sd - 1) * 100);
        printf("engine interval coverage: 80 %% -> %.3f, 95 %% -> %.3f (%.0f actuals)\n",
               all.in80 / all.points, all.in95 / all.points, all.points);
        printf("chosen:");
        for (int m = 0; m < FC_MODEL_COUNT; m++)
            if (all.chosen[m])
                printf(" %s %d", fc_model_name((enum fc_model)m), all.chosen[m]);
        printf("\n");
    }
    if (xs.k > 0) {
        printf("regressors used on %d of %d series (overlay %d, adjusted %d) (backtest MASE at "
               "least %.0f %% lower with them)",
               xs.used, all.series, xs.overlay, xs.adjusted, FC_REGRESSOR_GAIN * 100);
        for (int j = 0; j < xs.k && xs.used > 0; j++) {
            double mean = xs.used_lift[j] / xs.used;
            if (j < xs.ncol && xs.log[j])
                printf("%s %s elasticity %.2f", j ? ";" : ":", xs.name[j], mean);
            else
                printf("%s %s mean effect %+.1f %%", j ? ";" : ":", xs.name[j], mean * 100);
        }
        printf("\n");
    }
    fprintf(stderr, "tm-forecast-eval: engine %.2f s for %d series (%.0f series/s)\n", engine_s,
            all.series, engine_s > 0 ? all.series / engine_s : 0);
    rc = 0;
done:
    if (out && fclose(out) != 0)
        rc = 1;
    free(res);
    free(w);
    free(y);
    free(f);
    free(list);
    for (int j = 0; j < FC_MAX_REGRESSORS; j++)
        free(xv[j]);
    series_csv_events_fini(&xs.ev);
    series_csv_fini(&in);
    return rc;
}
