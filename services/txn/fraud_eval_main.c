/* services/txn/fraud_eval_main.c — tm-fraud-eval: replays a labelled CSV of sales
 * through fr_score with a rule set and prints precision, recall, PR-AUC and
 * the flag rate at the review and decline thresholds. --generate writes the
 * sample generator's labelled sales instead.
 *
 *   tm-fraud-eval [--rules default|seed|FILE.json] FILE.csv
 *   tm-fraud-eval --generate DAYS [--customers N] [--seed S] > FILE.csv
 *
 * CSV (header line first): ts,customer,instrument,store,total_cents,units,
 * top_units,top_price_cents,local_hour,label — ts in epoch seconds (UTC),
 * customer and instrument may be empty, label 1 for fraud. Rows are
 * replayed in ts order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/gen.h"
#include "services/txn/replay.h"

struct scored {
    double score;
    int label;
    int decision;
};

static int
by_ts(const void *a, const void *b)
{
    const struct rp_sale *x = a, *y = b;
    return (x->ts_s > y->ts_s) - (x->ts_s < y->ts_s);
}

static int
by_score_desc(const void *a, const void *b)
{
    const struct scored *x = a, *y = b;
    return (x->score < y->score) - (x->score > y->score);
}

static void
emit_csv(void *arg, const struct rp_sale *s)
{
    fprintf(arg, "%lld,%s,%s,%s,%lld,%lld,%lld,%lld,%d,%d\n", (long long)s->ts_s, s->customer,
            s->instrument, s->store, (long long)s->total_cents, (long long)s->units,
            (long long)s->top_units, (long long)s->top_price_cents, s->local_hour, s->label);
}

/* Splits line into at most max comma-separated fields (no quoting). */
static int
split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = p;
        if (!(p = strchr(p, ',')))
            break;
        *p++ = '\0';
    }
    return p ? -1 : n;
}

static int
num(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return !(errno || end == s || *end || *out < min || *out > max);
}

static int
read_csv(const char *path, struct rp_sale **out, size_t *n_out)
{
    FILE *f = fopen(path, "r");
    char line[1024], *fl[10];
    size_t n = 0, cap = 1024;
    struct rp_sale *v;
    long line_no = 0;

    if (!f) {
        fprintf(stderr, "tm-fraud-eval: %s: %s\n", path, strerror(errno));
        return -1;
    }
    v = tm_xmalloc(cap * sizeof *v);
    while (fgets(line, sizeof line, f)) {
        long long x[7];
        struct rp_sale *s;
        if (++line_no == 1)
            continue; /* header */
        if (n == cap)
            v = tm_xrealloc(v, (cap *= 2) * sizeof *v);
        s = &v[n];
        memset(s, 0, sizeof *s);
        if (split(line, fl, 10) != 10 || !num(fl[0], 0, 1LL << 40, &x[0]) ||
            strlen(fl[1]) > RP_ID_MAX || strlen(fl[2]) > RP_ID_MAX || strlen(fl[3]) > RP_ID_MAX ||
            !num(fl[4], 1, 1LL << 50, &x[1]) || !num(fl[5], 1, 1LL << 40, &x[2]) ||
            !num(fl[6], 1, 1LL << 40, &x[3]) || !num(fl[7], 1, 1LL << 50, &x[4]) ||
            !num(fl[8], 0, 23, &x[5]) || !num(fl[9], 0, 1, &x[6])) {
            fprintf(stderr, "tm-fraud-eval: %s:%ld: malformed row\n", path, line_no);
            fclose(f);
            free(v);
            return -1;
        }
        s->ts_s = x[0];
        snprintf(s->customer, sizeof s->customer, "%s", fl[1]);
        snprintf(s->instrument, sizeof s->instrument, "%s", fl[2]);
        snprintf(s->store, sizeof s->store, "%s", fl[3]);
        s->total_cents = x[1];
        s->units = x[2];
        s->top_units = x[3];
        s->top_price_cents = x[4];
        s->local_hour = (int)x[5];
        s->label = (int)x[6];
        n++;
    }
    fclose(f);
    qsort(v, n, sizeof *v, by_ts);
    *out = v;
    *n_out = n;
    return 0;
}

static int
load_rules(const char *which, struct fr_rule_set *rs)
{
    const char *text = NULL;
    char *file = NULL;
    struct tm_err err;
    int ok;

    if (strcmp(which, "default") == 0)
        text = fr_default_rules_json;
    else if (strcmp(which, "seed") == 0)
        text = fr_seed_rules_json;
    else {
        FILE *f = fopen(which, "r");
        long len;
        if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > (1 << 20) ||
            fseek(f, 0, SEEK_SET) != 0) {
            fprintf(stderr, "tm-fraud-eval: cannot read %s\n", which);
            if (f)
                fclose(f);
            return -1;
        }
        file = tm_xcalloc(1, (size_t)len + 1);
        if (fread(file, 1, (size_t)len, f) != (size_t)len)
            len = 0;
        fclose(f);
        text = file;
    }
    ok = tx_decode_rule_set_text(text, strlen(text), rs, &err) == TM_OK;
    if (!ok)
        fprintf(stderr, "tm-fraud-eval: rules %s: %s (%s)\n", which, err.message, err.field);
    free(file);
    return ok ? 0 : -1;
}

/* Precision and recall of "score >= at". */
static void
at_threshold(const struct scored *s, size_t n, size_t pos, double at, double *precision,
             double *recall, double *flag_rate)
{
    size_t flagged = 0, tp = 0;

    for (size_t i = 0; i < n; i++)
        if (s[i].score >= at) {
            flagged++;
            tp += (size_t)s[i].label;
        }
    *precision = flagged ? (double)tp / (double)flagged : 0;
    *recall = pos ? (double)tp / (double)pos : 0;
    *flag_rate = n ? (double)flagged / (double)n : 0;
}

/* Area under the precision-recall curve as average precision, ties of
 * score taken together. s is sorted by score, highest first. */
static double
pr_auc(const struct scored *s, size_t n, size_t pos)
{
    double ap = 0, prev_recall = 0;
    size_t tp = 0, i = 0;

    while (i < n && pos) {
        size_t j = i;
        while (j < n && s[j].score == s[i].score)
            tp += (size_t)s[j++].label;
        double recall = (double)tp / (double)pos, precision = (double)tp / (double)j;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    return ap;
}

static int
evaluate(const char *rules, const char *path)
{
    struct fr_rule_set rs;
    struct rp_sale *v = NULL;
    struct scored *sc;
    struct rp_state *st;
    size_t n = 0, pos = 0;
    double p, r, fr;

    if (load_rules(rules, &rs) != 0 || read_csv(path, &v, &n) != 0)
        return 2;
    sc = tm_xcalloc(n ? n : 1, sizeof *sc);
    st = rp_new();
    for (size_t i = 0; i < n; i++) {
        struct fr_facts f;
        struct fr_result res;
        rp_facts(st, &v[i], &f);
        fr_score(&rs, &f, &res);
        sc[i].score = res.score;
        sc[i].label = v[i].label;
        sc[i].decision = (int)res.decision;
        pos += (size_t)v[i].label;
        rp_add(st, &v[i], res.decision);
    }
    qsort(sc, n, sizeof *sc, by_score_desc);
    printf("file=%s rules=%s sales=%zu fraud=%zu (%.2f%%)\n", path, rules, n, pos,
           n ? 100.0 * (double)pos / (double)n : 0);
    at_threshold(sc, n, pos, rs.review_at, &p, &r, &fr);
    printf("  review  (score >= %g): flag rate %.2f%%  precision %.3f  recall %.3f\n", rs.review_at,
           100 * fr, p, r);
    at_threshold(sc, n, pos, rs.decline_at, &p, &r, &fr);
    printf("  decline (score >= %g): flag rate %.2f%%  precision %.3f  recall %.3f\n",
           rs.decline_at, 100 * fr, p, r);
    printf("  PR-AUC (average precision) %.3f  (a random score: %.3f)\n", pr_auc(sc, n, pos),
           n ? (double)pos / (double)n : 0);
    rp_free(st);
    free(sc);
    free(v);
    return 0;
}

static void
usage(void)
{
    fprintf(stderr, "usage: tm-fraud-eval [--rules default|seed|FILE.json] FILE.csv\n"
                    "       tm-fraud-eval --generate DAYS [--customers N] [--seed S] > FILE.csv\n");
}

int
main(int argc, char **argv)
{
    const char *rules = "default", *file = NULL;
    long long days = 0, customers = 2000, seed = 7;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc)
            rules = argv[++i];
        else if (strcmp(argv[i], "--generate") == 0 && i + 1 < argc &&
                 num(argv[i + 1], 1, 3650, &days))
            i++;
        else if (strcmp(argv[i], "--customers") == 0 && i + 1 < argc &&
                 num(argv[i + 1], 1, 1000000, &customers))
            i++;
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
                 num(argv[i + 1], 0, 1LL << 62, &seed))
            i++;
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            usage();
            return 2;
        }
    }
    if (days) {
        /* a fixed end (2026-01-01) keeps the output the same on every run */
        struct gen_cfg cfg = {(uint64_t)seed, (int)days, (int)customers, 20, 1767225600, 0.015};
        printf("ts,customer,instrument,store,total_cents,units,top_units,top_price_cents,"
               "local_hour,label\n");
        gen_sales(&cfg, emit_csv, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (!file) {
        usage();
        return 2;
    }
    return evaluate(rules, file);
}
