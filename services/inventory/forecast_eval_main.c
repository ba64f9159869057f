/* services/inventory/forecast_eval_main.c — tm-forecast-eval: the engine of
 * tm-inventory on anyone's demand data.
 *
 *   tm-forecast-eval FILE.csv [--horizon H] [--origins K] [--season M]
 *                    [--per-series] [--forecasts OUT.csv] [--engine-only]
 *
 * FILE.csv is long format, one row per series and period: series_id,period,
 * value. A header line naming the columns is optional; with one, the columns
 * are found by name (`series_id`; `period`, `date`, `week` or `d`; `value`)
 * and others are ignored. A period is an ISO date (daily; monthly when every
 * date is the first of its month) or an integer index. Rows may come in any
 * order; a period between a series' first and last row without a row is
 * missing (not zero); an empty or NA value is missing too. The file is read
 * once, row by row; a malformed row stops the run with its line number.
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

enum kind { K_UNKNOWN, K_DATE, K_INDEX };

struct row {
    int64_t key; /* days since the epoch, or the index */
    double value;
    long line;
};

struct series {
    char *id;
    struct row *rows;
    size_t n, cap;
};

struct table {
    struct series **slot; /* open addressing by id */
    size_t cap, count;
};

static uint64_t
hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static struct series *
lookup(struct table *t, const char *id)
{
    if (t->count * 2 >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        struct series **slot = tm_xcalloc(cap, sizeof *slot);
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i]) {
                size_t j = hash(t->slot[i]->id) & (cap - 1);
                while (slot[j])
                    j = (j + 1) & (cap - 1);
                slot[j] = t->slot[i];
            }
        free(t->slot);
        t->slot = slot;
        t->cap = cap;
    }
    size_t j = hash(id) & (t->cap - 1);
    while (t->slot[j]) {
        if (strcmp(t->slot[j]->id, id) == 0)
            return t->slot[j];
        j = (j + 1) & (t->cap - 1);
    }
    struct series *s = tm_xcalloc(1, sizeof *s);
    s->id = tm_xstrdup(id);
    t->slot[j] = s;
    t->count++;
    return s;
}

/* Splits a CSV line in place into at most max fields; "..." quoting with ""
 * for a quote. Returns the field count or -1 for a broken quote / too many. */
static int
split_csv(char *line, char **f, int max)
{
    int n = 0;
    char *r = line, *w = line;
    line[strcspn(line, "\r\n")] = '\0';
    for (;;) {
        if (n == max)
            return -1;
        f[n++] = w;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '\0')
                    return -1;
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
            if (*r != ',' && *r != '\0')
                return -1;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        if (*r == '\0') {
            *w = '\0';
            return n;
        }
        *w++ = '\0';
        r++;
    }
}

static int
parse_date(const char *s, int64_t *day, int *dom)
{
    int y, m, d, used = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    *day = fc_days_from_civil(y, m, d);
    int yy, mm, dd;
    fc_civil_from_days(*day, &yy, &mm, &dd);
    if (dd != d)
        return -1; /* 29 February of a common year */
    *dom = d;
    return 0;
}

struct input {
    struct table t;
    enum kind kind;
    int monthly; /* every date the first of its month */
    long rows;
};

static int
fail_line(const char *path, long line, const char *what)
{
    fprintf(stderr, "tm-forecast-eval: %s:%ld: %s\n", path, line, what);
    return -1;
}

static int
read_input(const char *path, struct input *in)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tm-forecast-eval: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    long no = 0;
    int c_id = 0, c_period = 1, c_value = 2, ncols = 3, rc = 0;
    in->monthly = 1;
    while (getline(&line, &cap, f) != -1) {
        no++;
        char *fld[64];
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;
        int nf = split_csv(line, fld, 64);
        if (nf < 0) {
            rc = fail_line(path, no, "malformed CSV (quote or more than 64 columns)");
            break;
        }
        if (no == 1 && strcmp(fld[0], "series_id") == 0) {
            c_period = c_value = -1;
            for (int i = 0; i < nf; i++) {
                if (strcmp(fld[i], "series_id") == 0)
                    c_id = i;
                else if (strcmp(fld[i], "value") == 0)
                    c_value = i;
                else if (c_period < 0 &&
                         (strcmp(fld[i], "period") == 0 || strcmp(fld[i], "date") == 0 ||
                          strcmp(fld[i], "week") == 0 || strcmp(fld[i], "d") == 0))
                    c_period = i;
            }
            if (c_period < 0 || c_value < 0) {
                rc = fail_line(path, no, "header needs series_id, period (or date/week/d), value");
                break;
            }
            ncols = nf;
            continue;
        }
        if (nf != ncols) {
            char msg[96];
            snprintf(msg, sizeof msg, "%d columns, expected %d", nf, ncols);
            rc = fail_line(path, no, msg);
            break;
        }
        const char *id = fld[c_id], *per = fld[c_period], *val = fld[c_value];
        if (!*id || strlen(id) > 200) {
            rc = fail_line(path, no, "series_id empty or longer than 200 bytes");
            break;
        }
        struct row r = {.line = no};
        int dom = 0;
        enum kind k;
        char *end;
        if (parse_date(per, &r.key, &dom) == 0) {
            k = K_DATE;
            if (dom != 1)
                in->monthly = 0;
        } else {
            errno = 0;
            long long v = strtoll(per, &end, 10);
            if (errno || end == per || *end || v < -100000000LL || v > 100000000LL) {
                rc = fail_line(path, no, "period is neither an ISO date nor an integer");
                break;
            }
            k = K_INDEX;
            r.key = v;
        }
        if (in->kind != K_UNKNOWN && in->kind != k) {
            rc = fail_line(path, no, "periods mix dates and integers");
            break;
        }
        in->kind = k;
        if (*val == '\0' || strcmp(val, "NA") == 0) {
            r.value = NAN;
        } else {
            errno = 0;
            r.value = strtod(val, &end);
            if (errno == EINVAL || end == val || *end) {
                rc = fail_line(path, no, "value is not a number");
                break;
            }
        }
        struct series *s = lookup(&in->t, id);
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->rows = tm_xrealloc(s->rows, s->cap * sizeof *s->rows);
        }
        s->rows[s->n++] = r;
        in->rows++;
    }
    free(line);
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "tm-forecast-eval: %s: read error\n", path);
        rc = -1;
    }
    if (f != stdin)
        fclose(f);
    if (in->kind != K_DATE)
        in->monthly = 0;
    return rc;
}

static int
by_key(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int
by_id(const void *a, const void *b)
{
    const struct series *x = *(struct series *const *)a, *y = *(struct series *const *)b;
    return strcmp(x->id, y->id);
}

/* period index of a key: months for monthly data */
static int64_t
index_of(const struct input *in, int64_t key)
{
    if (!in->monthly)
        return key;
    int y, m, d;
    fc_civil_from_days(key, &y, &m, &d);
    return (int64_t)y * 12 + (m - 1);
}

static void
format_period(const struct input *in, int64_t idx, char *out, size_t size)
{
    if (in->kind == K_INDEX) {
        snprintf(out, size, "%lld", (long long)idx);
        return;
    }
    int64_t day = idx;
    if (in->monthly)
        day = fc_days_from_civil((int)(idx / 12), (int)(idx % 12) + 1, 1);
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

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
    fprintf(stderr,
            "usage: tm-forecast-eval FILE.csv [--horizon H] [--origins K] [--season M]\n"
            "                        [--per-series] [--forecasts OUT.csv] [--engine-only]\n");
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

int
main(int argc, char **argv)
{
    const char *path = NULL, *fc_path = NULL;
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

    struct input in = {0};
    int rc = 1;
    struct series **list = NULL;
    FILE *out = NULL;
    double *y = NULL, *f = NULL, *w = NULL;
    struct fc_result *res = NULL;
    if (read_input(path, &in) != 0)
        goto done;
    if (o.season == 0)
        o.season = in.kind == K_DATE ? (in.monthly ? 12 : 7) : 1;
    struct tm_err err;
    if (fc_options_check(&o, &err) != TM_OK) {
        fprintf(stderr, "tm-forecast-eval: %s\n", err.message);
        goto done;
    }
    list = tm_xmalloc(sizeof *list * (in.t.count ? in.t.count : 1));
    size_t ns = 0;
    for (size_t i = 0; i < in.t.cap; i++)
        if (in.t.slot[i])
            list[ns++] = in.t.slot[i];
    qsort(list, ns, sizeof *list, by_id);
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
               "mean_mase,mean_rmsse\n");
    for (size_t i = 0; i < ns; i++) {
        struct series *s = list[i];
        for (size_t j = 0; j < s->n; j++)
            s->rows[j].key = index_of(&in, s->rows[j].key);
        qsort(s->rows, s->n, sizeof *s->rows, by_key);
        for (size_t j = 1; j < s->n; j++)
            if (s->rows[j].key == s->rows[j - 1].key) {
                fprintf(stderr, "tm-forecast-eval: %s:%ld: series %s has period twice (line %ld)\n",
                        path, s->rows[j].line, s->id, s->rows[j - 1].line);
                goto done;
            }
        int64_t first = s->rows[0].key, span = s->rows[s->n - 1].key - first + 1;
        if (span - H > FC_MAX_HISTORY) {
            fprintf(stderr,
                    "tm-forecast-eval: series %s spans %lld periods; the engine takes at most "
                    "%d before the last %d\n",
                    s->id, (long long)span, FC_MAX_HISTORY, H);
            goto done;
        }
        int n = (int)span;
        y = tm_xrealloc(y, sizeof *y * (size_t)n);
        for (int t = 0; t < n; t++)
            y[t] = NAN;
        for (size_t j = 0; j < s->n; j++)
            y[s->rows[j].key - first] = s->rows[j].value;
        int hist = n - H;
        if (hist < 1) {
            skipped++;
            continue;
        }
        int64_t t0 = tm_mono_us();
        enum tm_code frc = fc_run(y, hist, &o, res, &err);
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
        if (per_series) {
            const struct fc_params *p = &res->params;
            printf("%s,%s,%.4f,%.4f,%s,%.4f,%.4f,%.4f,%.4f,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,"
                   "%.3f,%.3f,%.4f,%.4f\n",
                   s->id, fc_class_name(cls), res->info.adi, res->info.cv2,
                   fc_model_name(res->model), p->alpha, p->beta, p->gamma, p->phi, p->window,
                   res->chosen.mase, res->snaive.mase, acc_engine.mase, acc_engine.rmsse,
                   acc_engine.bias, acc[FC_SNAIVE].mase, acc[FC_SEED].mase, in80 / scored,
                   in95 / scored, acc_mean.mase, acc_mean.rmsse);
        }
        if (out)
            for (int h = 0; h < H; h++) {
                char per[32];
                format_period(&in, first + hist + h, per, sizeof per);
                fprintf(out, "%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f\n", s->id, per, res->forecast[h],
                        res->lo80[h], res->hi80[h], res->lo95[h], res->hi95[h]);
            }
    }
    printf("# tm-forecast-eval %s: %zu series, %ld rows, %s periods; horizon %d, origins %d, "
           "season %d\n",
           path, ns, in.rows,
           in.kind == K_INDEX ? "integer"
           : in.monthly       ? "monthly"
                              : "daily",
           H, o.origins, o.season);
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
    for (size_t i = 0; i < in.t.cap; i++)
        if (in.t.slot[i]) {
            free(in.t.slot[i]->id);
            free(in.t.slot[i]->rows);
            free(in.t.slot[i]);
        }
    free(in.t.slot);
    return rc;
}
