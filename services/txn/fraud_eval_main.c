/* services/txn/fraud_eval_main.c — tm-fraud-eval: replays a labelled CSV of sales
 * through fr_score with one or more rule sets and prints, per set, the
 * flag rate, precision, recall and PR-AUC at the review and decline
 * thresholds, then a table of recall per planted pattern ("flagged" =
 * review or decline), the sets side by side. --generate writes the sample
 * generator's labelled rows instead.
 *
 *   tm-fraud-eval [--rules default|v1|seed|FILE.json]... [--warmup DAYS] FILE.csv
 *   tm-fraud-eval --generate DAYS [--customers N] [--seed S] > FILE.csv
 *
 * CSV (header line first): ts,customer,instrument,store,total_cents,units,
 * top_units,top_price_cents,local_hour,label[,event,channel,operator,
 * pattern,issuer_declined] — ts in epoch seconds (UTC), customer,
 * instrument and operator may be empty, label 1 for fraud, event "sale" or
 * "void", channel "pos", "online" or "mobile", pattern a number (0
 * legitimate; gen.h names them), issuer_declined 1 when the bank declined
 * the attempt. Rows of the first ten columns alone are sales at a till.
 * Rows are replayed in ts order; with --warmup the first DAYS days only
 * build the history (every regular customer of a sample is "new" on its
 * first day) and are not counted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/gen.h"
#include "services/txn/replay.h"

#define EVAL_SETS 4

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
    fprintf(arg, "%lld,%s,%s,%s,%lld,%lld,%lld,%lld,%d,%d,%s,%s,%s,%d,%d\n", (long long)s->ts_s,
            s->customer, s->instrument, s->store, (long long)s->total_cents, (long long)s->units,
            (long long)s->top_units, (long long)s->top_price_cents, s->local_hour, s->label,
            s->event == FR_EV_VOID ? "void" : "sale", fr_channel_names[s->channel], s->operator,
            s->pattern, s->issuer_declined);
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

/* Index of s in names (NULL-terminated), or -1. */
static int
name_index(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* The optional columns 11-15 of a row into s; 0 when malformed. */
static int
read_extra(char **fl, struct rp_sale *s)
{
    static const char *const events[] = {"sale", "void", NULL};
    long long pattern, declined;
    int ev = name_index(fl[10], events), ch = name_index(fl[11], fr_channel_names);

    if (ev < 0 || ch < 0 || strlen(fl[12]) > RP_ID_MAX ||
        !num(fl[13], 0, GEN_PATTERNS - 1, &pattern) || !num(fl[14], 0, 1, &declined))
        return 0;
    s->event = ev;
    s->channel = ch;
    snprintf(s->operator, sizeof s->operator, "%s", fl[12]);
    s->pattern = (int)pattern;
    s->issuer_declined = (int)declined;
    return 1;
}

static int
read_csv(const char *path, struct rp_sale **out, size_t *n_out)
{
    FILE *f = fopen(path, "r");
    char line[1024], *fl[15];
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
        int nf;
        if (++line_no == 1)
            continue; /* header */
        if (n == cap)
            v = tm_xrealloc(v, (cap *= 2) * sizeof *v);
        s = &v[n];
        memset(s, 0, sizeof *s);
        nf = split(line, fl, 15);
        if ((nf != 10 && nf != 15) || !num(fl[0], 0, 1LL << 40, &x[0]) ||
            strlen(fl[1]) > RP_ID_MAX || strlen(fl[2]) > RP_ID_MAX || strlen(fl[3]) > RP_ID_MAX ||
            !num(fl[4], 1, 1LL << 50, &x[1]) || !num(fl[5], 1, 1LL << 40, &x[2]) ||
            !num(fl[6], 1, 1LL << 40, &x[3]) || !num(fl[7], 1, 1LL << 50, &x[4]) ||
            !num(fl[8], 0, 23, &x[5]) || !num(fl[9], 0, 1, &x[6]) ||
            (nf == 15 && !read_extra(fl, s))) {
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
        if (nf == 10)
            s->pattern = s->label; /* unnamed: "fraud" */
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
    else if (strcmp(which, "v1") == 0)
        text = fr_default_rules_v1_json;
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

/* Flagged (review or decline) rows per pattern, per set. */
struct tally {
    size_t rows[GEN_PATTERNS], flagged[EVAL_SETS][GEN_PATTERNS];
    size_t fired[FR_RULES_MAX][2]; /* the first set's rules: fired on legit, on fraud rows */
};

/* Replays v[n] through set rs; the rows from `from` on are counted: sc
 * gets each one's score, t its flags. Returns how many were counted. */
static size_t
replay(const struct fr_rule_set *rs, const struct rp_sale *v, size_t n, int64_t from,
       struct scored *sc, struct tally *t, int set)
{
    struct rp_state *st = rp_new();
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        struct fr_facts f;
        struct fr_result res;
        rp_facts(st, &v[i], &f);
        fr_score(rs, &f, &res);
        if (v[i].ts_s < from) { /* the warm-up: history only */
            rp_add(st, &v[i], res.decision);
            continue;
        }
        sc[m].score = res.score;
        sc[m].label = v[i].label;
        sc[m++].decision = (int)res.decision;
        t->flagged[set][v[i].pattern] += res.decision != FR_APPROVE;
        for (int h = 0; set == 0 && h < res.n_hits; h++)
            t->fired[res.hits[h].rule][v[i].label != 0]++;
        rp_add(st, &v[i], res.decision);
    }
    rp_free(st);
    return m;
}

/* How often each rule of the first set fired, on legitimate and fraud rows. */
static void
print_rules(const char *name, const struct fr_rule_set *rs, const struct tally *t)
{
    printf("\nrules of %s: rows each fired on (weight; legit, fraud):\n", name);
    for (int i = 0; i < rs->n_rules; i++)
        printf("  %-28s %5g  %7zu  %7zu\n", rs->rules[i].code, rs->rules[i].weight, t->fired[i][0],
               t->fired[i][1]);
}

static void
print_table(const char *const *rules, int n_sets, const struct tally *t)
{
    size_t legit = t->rows[GEN_LEGIT], fraud = 0, tp[EVAL_SETS] = {0};

    printf("\nrecall per pattern (flagged = review or decline):\n  %-16s %7s", "pattern", "rows");
    for (int k = 0; k < n_sets; k++)
        printf("  %10.10s", rules[k]);
    printf("\n");
    for (int p = 1; p < GEN_PATTERNS; p++) {
        if (!t->rows[p])
            continue;
        fraud += t->rows[p];
        printf("  %-16s %7zu", gen_pattern_names[p], t->rows[p]);
        for (int k = 0; k < n_sets; k++) {
            tp[k] += t->flagged[k][p];
            printf("  %10.3f", (double)t->flagged[k][p] / (double)t->rows[p]);
        }
        printf("\n");
    }
    printf("  %-16s %7zu", "all fraud", fraud);
    for (int k = 0; k < n_sets; k++)
        printf("  %10.3f", fraud ? (double)tp[k] / (double)fraud : 0);
    printf("\n  %-16s %7s", "precision", "");
    for (int k = 0; k < n_sets; k++) {
        size_t fl = tp[k] + t->flagged[k][GEN_LEGIT];
        printf("  %10.3f", fl ? (double)tp[k] / (double)fl : 0);
    }
    printf("\n  %-16s %7zu", "legit flagged %", legit);
    for (int k = 0; k < n_sets; k++)
        printf("  %10.3f", legit ? 100.0 * (double)t->flagged[k][GEN_LEGIT] / (double)legit : 0);
    printf("\n");
}

static int
evaluate(const char *const *rules, int n_sets, const char *path, long long warmup_days)
{
    struct rp_sale *v = NULL;
    struct scored *sc;
    struct tally *t;
    size_t n = 0, pos = 0, all;
    int64_t from;

    if (read_csv(path, &v, &n) != 0)
        return 2;
    all = n;
    from = n ? v[0].ts_s + (int64_t)warmup_days * 86400 : 0;
    sc = tm_xcalloc(n ? n : 1, sizeof *sc);
    t = tm_xcalloc(1, sizeof *t);
    for (size_t i = 0; i < all; i++) {
        if (v[i].ts_s < from)
            continue;
        t->rows[v[i].pattern]++;
        pos += (size_t)v[i].label;
    }
    struct fr_rule_set first;

    for (int k = 0; k < n_sets; k++) {
        struct fr_rule_set rs;
        double p, r, fr;
        if (load_rules(rules[k], &rs) != 0) {
            free(t);
            free(sc);
            free(v);
            return 2;
        }
        n = replay(&rs, v, all, from, sc, t, k);
        if (k == 0)
            first = rs;
        qsort(sc, n, sizeof *sc, by_score_desc);
        printf("file=%s rules=%s sales=%zu fraud=%zu (%.2f%%)", path, rules[k], n, pos,
               n ? 100.0 * (double)pos / (double)n : 0);
        if (warmup_days)
            printf(", after a warm-up of %lld days (%zu rows replayed, not counted)", warmup_days,
                   all - n);
        printf("\n");
        at_threshold(sc, n, pos, rs.review_at, &p, &r, &fr);
        printf("  review  (score >= %g): flag rate %.2f%%  precision %.3f  recall %.3f\n",
               rs.review_at, 100 * fr, p, r);
        at_threshold(sc, n, pos, rs.decline_at, &p, &r, &fr);
        printf("  decline (score >= %g): flag rate %.2f%%  precision %.3f  recall %.3f\n",
               rs.decline_at, 100 * fr, p, r);
        printf("  PR-AUC (average precision) %.3f  (a random score: %.3f)\n", pr_auc(sc, n, pos),
               n ? (double)pos / (double)n : 0);
    }
    print_table(rules, n_sets, t);
    print_rules(rules[0], &first, t);
    free(t);
    free(sc);
    free(v);
    return 0;
}

static void
usage(void)
{
    fprintf(stderr, "usage: tm-fraud-eval [--rules default|v1|seed|FILE.json]... [--warmup DAYS]"
                    " FILE.csv\n"
                    "       tm-fraud-eval --generate DAYS [--customers N] [--seed S] > FILE.csv\n");
}

int
main(int argc, char **argv)
{
    const char *rules[EVAL_SETS] = {"default"}, *file = NULL;
    int n_sets = 0;
    long long days = 0, customers = 2000, seed = 7, warmup = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc && n_sets < EVAL_SETS)
            rules[n_sets++] = argv[++i];
        else if (strcmp(argv[i], "--generate") == 0 && i + 1 < argc &&
                 num(argv[i + 1], 1, 3650, &days))
            i++;
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc &&
                 num(argv[i + 1], 0, 3650, &warmup))
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
               "local_hour,label,event,channel,operator,pattern,issuer_declined\n");
        gen_sales(&cfg, emit_csv, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (!file) {
        usage();
        return 2;
    }
    return evaluate(rules, n_sets ? n_sets : 1, file, warmup);
}
