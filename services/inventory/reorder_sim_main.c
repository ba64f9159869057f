/* services/inventory/reorder_sim_main.c — tm-reorder-sim: replays real
 * daily demand after an origin under four reorder policies and prints, per
 * demand class and overall, the fill rate each achieved against the target,
 * its stock-out days, its average stock and its orders.
 *
 *   tm-reorder-sim FILE.csv --policy OURS.csv --origin-days-from-end N
 *       [--lead-time-mean D] [--lead-time-sd D] [--review-days R]
 *       [--fill-rate F] [--holding-cost H] [--order-cost K] [--unit-cost C]
 *       [--baseline-days W] [--seed S] [--per-series OUT.csv]
 *
 * FILE.csv: the daily demand series given to tm-reorder-eval; OURS.csv its
 * policy file, made with the same settings. Per series, the last N days are
 * replayed (reorder_sim.h: lost sales, a review every R days, a lead time
 * drawn per order, stock starting at S) under
 *   - ours: s and S from OURS.csv;
 *   - documents': s = daily demand × (L + 3 days);
 *   - textbook: normal (R, s, S), fill-rate z, σL = 10 % of L;
 *   - min/max: 2 and 4 weeks of daily demand;
 * the baselines' daily demand (mean, deviation) from the history before the
 * origin (its last W days, 365 by default), their order size max(EOQ, R
 * days of demand, 1) at the same costs. Every policy of a series meets the
 * same lead times (one seed per series, from --seed and its id). The class
 * is the engine's (fc_classify) of the history before the origin. A series
 * without a row in OURS.csv, or with fewer than 1 day of history, is left
 * out of every policy's figures (counted). After the table, per class and
 * overall, each baseline's own safety setting is searched (rs_equal_service)
 * to reach the target and ours' achieved fill, and the stock it needs there
 * is printed × ours (the `need` rows). Output is the same for the same
 * input. Exit 0; 1 when an input cannot be read; 2 for a bad flag, naming
 * it. docs/reorder.md, "Offline evaluation and simulation". */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast.h"
#include "services/inventory/policy_csv.h"
#include "services/inventory/reorder.h"
#include "services/inventory/reorder_sim.h"
#include "services/inventory/reorder_tool.h"
#include "services/inventory/series_csv.h"

#define SEASON 7

enum policy { P_OURS, P_DOCUMENTS, P_TEXTBOOK, P_MINMAX, P_COUNT };
static const char *const POLICY_NAME[P_COUNT] = {"ours (tm-reorder-eval)", "documents (L+3 days)",
                                                 "textbook normal", "min/max (2/4 weeks)"};
static const char *const POLICY_KEY[P_COUNT] = {"ours", "documents", "textbook", "minmax"};

struct sim_opts {
    struct rt_settings st;
    int baseline_days; /* --baseline-days */
    int replan_days;   /* --replan-days: 0, levels fixed at the origin */
    uint64_t seed;     /* --seed */
    const char *per_series;
};

static void
usage(void)
{
    fprintf(stderr,
            "usage: tm-reorder-sim FILE.csv --policy OURS.csv --origin-days-from-end N "
            "[settings]\n%s"
            "  --baseline-days W        baselines' demand from the history's last W days "
            "(365)\n"
            "  --seed S                 lead-time draws (1)\n"
            "  --replan-days K          re-set every policy every K days from the history to "
            "date (0: fixed)\n"
            "  --per-series OUT.csv     every series' outcome under every policy\n",
            rt_usage);
}

static int
whole_arg(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* 0, or the exit status of a bad command line (reported) */
static int
parse(int argc, char **argv, struct sim_opts *o, const char **path, const char **policy)
{
    struct tm_err err;
    long long v;

    rt_settings_init(&o->st);
    o->baseline_days = 365;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        int taken = 0;
        if (rt_option(&o->st, a, next, &taken, &err) != TM_OK) {
            fprintf(stderr, "tm-reorder-sim: %s\n", err.message);
            return 2;
        }
        if (taken) {
            i++;
        } else if (strcmp(a, "--policy") == 0 && next) {
            *policy = argv[++i];
        } else if (strcmp(a, "--per-series") == 0 && next) {
            o->per_series = argv[++i];
        } else if (strcmp(a, "--baseline-days") == 0) {
            if (whole_arg(next, 1, FC_MAX_HISTORY, &v) != 0) {
                fprintf(stderr, "tm-reorder-sim: --baseline-days must be 1..%d days\n",
                        FC_MAX_HISTORY);
                return 2;
            }
            o->baseline_days = (int)v;
            i++;
        } else if (strcmp(a, "--replan-days") == 0) {
            if (whole_arg(next, 0, FC_MAX_HISTORY, &v) != 0) {
                fprintf(stderr, "tm-reorder-sim: --replan-days must be 0..%d days\n",
                        FC_MAX_HISTORY);
                return 2;
            }
            o->replan_days = (int)v;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (whole_arg(next, 0, INT64_MAX, &v) != 0) {
                fprintf(stderr, "tm-reorder-sim: --seed must be a whole number, 0 or more\n");
                return 2;
            }
            o->seed = (uint64_t)v;
            i++;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return -1;
        } else if ((a[0] == '-' && a[1] != '\0') || *path) {
            fprintf(stderr, "tm-reorder-sim: bad argument %s\n", a);
            return 2;
        } else {
            *path = a;
        }
    }
    const char *missing = !*path                ? "FILE.csv"
                          : !*policy            ? "--policy"
                          : !o->st.origin_given ? "--origin-days-from-end"
                                                : NULL;
    if (missing) {
        fprintf(stderr, "tm-reorder-sim: %s is required\n", missing);
        return 2;
    }
    if (o->st.origin_days < 1) {
        fprintf(stderr, "tm-reorder-sim: --origin-days-from-end must be 1 or more to replay\n");
        return 2;
    }
    if (rt_check(&o->st, &err) != TM_OK) {
        fprintf(stderr, "tm-reorder-sim: %s: %s\n", err.field, err.message);
        return 2;
    }
    if (o->st.backorders) {
        fprintf(stderr, "tm-reorder-sim: --backorders: the replay loses unmet demand; give 0\n");
        return 2;
    }
    return 0;
}

/* the seed of a series' lead times: --seed and its id (FNV-1a), so a series
 * meets the same lead times whatever else the file holds */
static uint64_t
series_seed(uint64_t seed, const char *id)
{
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211ULL;
    return h;
}

/* a replayed series, kept for the equal-service search */
struct kept {
    double *y;             /* its dense days (owned); the replay from y + hist */
    int hist;              /* days before the origin */
    enum fc_class cls;     /* of the history before the origin */
    struct rs_demand *est; /* the baselines' demand estimate per period (owned) */
    double *q;             /* their order size per period (owned) */
    struct rs_setup setup;
};

struct totals {
    struct rs_tally t[FC_CLASS_COUNT + 1][P_COUNT]; /* the last row: every class */
    int no_policy, short_history;
    struct kept *kept; /* the replayed series, nkept of them (room for cap) */
    size_t nkept, cap;
};

/* The levels of every policy for the replay from day hist of y: at the
 * origin ours from the policy file and the baselines from the history
 * before it; with --replan-days K, again every K days from the history to
 * that day (ours through rt_policy; when it cannot set one, ours keeps its
 * last levels). lv[p * nl + j]: policy p, period j; est[j] and qs[j] the
 * baselines' demand estimate and order size of period j. 0, or 1 on an
 * error (reported). */
static int
levels(const struct series_csv_series *s, const double *y, int hist, int64_t first,
       const struct policy_csv_row *row, const struct sim_opts *o, struct rt_scratch *w, int nl,
       struct rs_levels *lv, struct rs_demand *est, double *qs)
{
    const struct rt_settings *st = &o->st;
    struct rs_costs costs = {st->unit_cost, st->holding_rate, st->order_cost};
    struct tm_err err;

    for (int j = 0; j < nl; j++) {
        int h = hist + j * o->replan_days;
        struct rs_demand d;
        rs_demand_of(y, h, o->baseline_days, &d);
        double q = rs_order_size(&d, st->review_days, &costs);
        est[j] = d, qs[j] = q;
        for (int b = 0; b < RS_BASELINE_COUNT; b++)
            rs_baseline_levels((enum rs_baseline)b, &d, st->lead_mean_days, st->review_days,
                               st->fill_rate, q, RS_BASELINE_AS_WRITTEN[b],
                               &lv[(P_DOCUMENTS + b) * nl + j]);
        struct rs_levels *ours = &lv[P_OURS * nl + j];
        if (j == 0) {
            *ours = (struct rs_levels){row->reorder_point, row->order_up_to};
            continue;
        }
        struct rp_result p;
        enum tm_code rc = rt_policy(y, h, first + h, 'C', st, w, &p, &err);
        if (rc == TM_OK) {
            *ours = (struct rs_levels){(double)p.reorder_point, (double)p.order_up_to};
        } else if (rc == TM_UNPROCESSABLE) {
            *ours = ours[-1];
        } else {
            fprintf(stderr, "tm-reorder-sim: series %s, day %d: %s\n", s->id, h, err.message);
            return 1;
        }
    }
    return 0;
}

/* one series under every policy, kept in tot for the equal-service search;
 * 0, or 1 on an error (reported) */
static int
one(const struct series_csv_series *s, const struct policy_csv *pol, const struct sim_opts *o,
    struct rt_scratch *w, FILE *per, struct totals *tot)
{
    const struct rt_settings *st = &o->st;
    const struct policy_csv_row *row = policy_csv_find(pol, s->id);
    struct tm_err err;
    struct rs_levels *lv = NULL;
    struct kept k = {0};
    int n, rc = 0;
    int64_t first;

    if (!row) {
        tot->no_policy++;
        return 0;
    }
    if (series_csv_dense(s, FC_MAX_HISTORY + st->origin_days, &k.y, &n, &first, &err) != TM_OK) {
        fprintf(stderr, "tm-reorder-sim: %s\n", err.message);
        return 1;
    }
    k.hist = n - st->origin_days;
    if (k.hist < 1) {
        tot->short_history++;
        goto out;
    }
    struct fc_classinfo info;
    fc_classify(k.y, k.hist, SEASON, &info);
    k.cls = info.cls;
    int nl = o->replan_days ? (st->origin_days + o->replan_days - 1) / o->replan_days : 1;
    lv = tm_xcalloc((size_t)(P_COUNT * nl), sizeof *lv);
    k.est = tm_xcalloc((size_t)nl, sizeof *k.est);
    k.q = tm_xcalloc((size_t)nl, sizeof *k.q);
    if ((rc = levels(s, k.y, k.hist, first, row, o, w, nl, lv, k.est, k.q)) != 0)
        goto out;
    k.setup = (struct rs_setup){.review_days = st->review_days,
                                .lead_mean_days = st->lead_mean_days,
                                .lead_sd_days = st->lead_sd_days,
                                .seed = series_seed(o->seed, s->id),
                                .replan_days = o->replan_days};
    for (int p = 0; p < P_COUNT; p++) {
        struct rs_outcome r;
        if (rs_simulate(k.y + k.hist, st->origin_days, &lv[p * nl], &k.setup, &r, &err) != TM_OK) {
            fprintf(stderr, "tm-reorder-sim: series %s, %s: %s\n", s->id, POLICY_KEY[p],
                    err.message);
            rc = 1;
            goto out;
        }
        rs_tally_add(&tot->t[info.cls][p], &r);
        rs_tally_add(&tot->t[FC_CLASS_COUNT][p], &r);
        if (per) {
            series_csv_put_field(per, s->id);
            fprintf(per, ",%s,%s,%.0f,%.0f,%.4f,%.0f,%.0f,%.4f,%d,%.4f,%d\n",
                    fc_class_name(info.cls), POLICY_KEY[p], lv[p * nl].reorder_point,
                    lv[p * nl].order_up_to, k.est[0].mean, r.demanded, r.served,
                    r.demanded > 0 ? r.served / r.demanded : 1, r.stockout_days,
                    r.days ? r.on_hand_sum / r.days : 0, r.orders);
        }
    }
    if (tot->nkept == tot->cap) {
        tot->cap = tot->cap ? 2 * tot->cap : 64;
        tot->kept = tm_xrealloc(tot->kept, tot->cap * sizeof *tot->kept);
    }
    tot->kept[tot->nkept++] = k;
    k = (struct kept){0};
out:
    free(lv);
    free(k.y);
    free(k.est);
    free(k.q);
    return rc;
}

static void
print_class(const char *label, const struct rs_tally *t, double target)
{
    if (t[P_OURS].series == 0)
        return;
    for (int p = 0; p < P_COUNT; p++) {
        const struct rs_tally *x = &t[p];
        double fill = rs_tally_fill(x);
        printf("%-13s %6d  %-24s %7.4f %7.3f %4s %9.2f %12.1f %8.2f %8.0f %7.2f\n", label,
               x->series, POLICY_NAME[p], fill, target, fill >= target ? "yes" : "no",
               x->stockout_days / x->series, x->mean_on_hand,
               x->daily_demand > 0 ? x->mean_on_hand / x->daily_demand : 0, x->orders,
               t[P_OURS].mean_on_hand > 0 ? x->mean_on_hand / t[P_OURS].mean_on_hand : 0);
    }
}

/* the goal per class: ours at or above the target, with less stock
 * than the textbook and the documents' policies */
static void
print_goal(const struct totals *tot, double target)
{
    int all = 1;
    printf("goal (ours: fill rate ≥ %.3f, less stock than textbook and documents):\n", target);
    for (int c = 0; c <= FC_CLASS_COUNT; c++) {
        const struct rs_tally *t = tot->t[c];
        if (t[P_OURS].series == 0)
            continue;
        double fill = rs_tally_fill(&t[P_OURS]);
        double vs_tb = t[P_TEXTBOOK].mean_on_hand > 0
                           ? t[P_OURS].mean_on_hand / t[P_TEXTBOOK].mean_on_hand
                           : 0;
        double vs_doc = t[P_DOCUMENTS].mean_on_hand > 0
                            ? t[P_OURS].mean_on_hand / t[P_DOCUMENTS].mean_on_hand
                            : 0;
        int met = fill >= target && t[P_OURS].mean_on_hand < t[P_TEXTBOOK].mean_on_hand &&
                  t[P_OURS].mean_on_hand < t[P_DOCUMENTS].mean_on_hand;
        all &= met || c == FC_CLASS_COUNT;
        printf("  %-13s fill %.4f %s %.3f; stock %.2f × textbook's, %.2f × documents': %s\n",
               c == FC_CLASS_COUNT ? "all" : fc_class_name((enum fc_class)c), fill,
               fill >= target ? "≥" : "<", target, vs_tb, vs_doc, met ? "met" : "NOT met");
    }
    printf("  every class: %s\n", all ? "met" : "NOT met");
}

/* ---- equal service ------------------------------------------------------
 * The table above compares stock at whatever service each policy reached.
 * Here each baseline's own safety setting is moved until its pooled fill
 * over the class reaches the target (rs_equal_service: the same demand, the
 * same lead-time draws), and its stock there is compared with ours as set. */

/* a baseline's setting as printed: one word */
static void
setting_text(enum rs_baseline b, const struct rs_search *r, char *buf, size_t len)
{
    if (!r->reached)
        snprintf(buf, len, "unreached");
    else if (b == RS_DOCUMENTS)
        snprintf(buf, len, "%.2fd", r->x);
    else if (b == RS_TEXTBOOK)
        snprintf(buf, len, "z%+.3f", r->x);
    else
        snprintf(buf, len, "x%.3f", r->x);
}

/* a baseline searched at the target and at ours' fill */
struct need {
    struct rs_search at[2]; /* [0] the target, [1] ours' achieved fill */
};

static void
need_row(const char *label, int series, const char *key, const char set[2][32],
         const struct rs_tally *t0, const struct rs_tally *t1, double ours_on_hand)
{
    const struct rs_tally *t[2] = {t0, t1};
    printf("need %-13s %6d  %-10s", label, series, key);
    for (int i = 0; i < 2; i++)
        printf("  %-10s %7.4f %12.1f %7.2f", set[i], rs_tally_fill(t[i]), t[i]->mean_on_hand,
               ours_on_hand > 0 ? t[i]->mean_on_hand / ours_on_hand : 0);
    printf("\n");
}

/* ours' stock ÷ the least a baseline needs at fill i of the searches; NULL
 * key when none reaches it */
static double
ours_vs_least(const struct need *nd, int i, double ours_on_hand, const char **key)
{
    double least = 0;
    *key = NULL;
    for (int b = 0; b < RS_BASELINE_COUNT; b++) {
        const struct rs_search *r = &nd[b].at[i];
        if (r->reached && (!*key || r->tally.mean_on_hand < least))
            *key = POLICY_KEY[P_DOCUMENTS + b], least = r->tally.mean_on_hand;
    }
    return least > 0 ? ours_on_hand / least : 0;
}

/* class c (FC_CLASS_COUNT: every class): each baseline's searches and the
 * comparison with ours; 0, or 1 on an error (reported) */
static int
need_class(const struct totals *tot, int c, const struct sim_opts *o, struct rs_case *cases)
{
    const struct rt_settings *st = &o->st;
    const struct rs_tally *ours = &tot->t[c][P_OURS];
    const char *label = c == FC_CLASS_COUNT ? "all" : fc_class_name((enum fc_class)c);
    double fill = rs_tally_fill(ours), targets[2] = {st->fill_rate, fill};
    struct rs_search_in in = {.lead_mean_days = st->lead_mean_days,
                              .review_days = st->review_days,
                              .fill = st->fill_rate};
    struct need nd[RS_BASELINE_COUNT];
    char set[2][32] = {"as-set", "as-set"};
    struct tm_err err;
    int nc = 0;

    if (ours->series == 0)
        return 0;
    for (size_t i = 0; i < tot->nkept; i++) {
        const struct kept *k = &tot->kept[i];
        if (c == FC_CLASS_COUNT || (int)k->cls == c)
            cases[nc++] = (struct rs_case){k->y + k->hist, st->origin_days, k->est, k->q, k->setup};
    }
    need_row(label, ours->series, "ours", set, ours, ours, ours->mean_on_hand);
    for (int b = 0; b < RS_BASELINE_COUNT; b++) {
        in.baseline = (enum rs_baseline)b;
        for (int i = 0; i < 2; i++) {
            in.target = targets[i];
            if (rs_equal_service(&in, cases, nc, &nd[b].at[i], &err) != TM_OK) {
                fprintf(stderr, "tm-reorder-sim: %s, %s: %s\n", label, POLICY_KEY[P_DOCUMENTS + b],
                        err.message);
                return 1;
            }
            setting_text(in.baseline, &nd[b].at[i], set[i], sizeof set[i]);
        }
        need_row(label, nc, POLICY_KEY[P_DOCUMENTS + b], set, &nd[b].at[0].tally,
                 &nd[b].at[1].tally, ours->mean_on_hand);
    }
    printf("need-goal %-13s ours' fill %.4f (%s the target %.3f); ours' stock ÷ the least a "
           "baseline needs",
           label, fill, fill >= st->fill_rate ? "at or over" : "UNDER", st->fill_rate);
    for (int i = 0; i < 2; i++) {
        const char *key;
        double v = ours_vs_least(nd, i, ours->mean_on_hand, &key);
        printf("%s %s: ", i ? ";" : "", i ? "for ours' fill" : "for the target");
        if (key)
            printf("%.2f (%s)", v, key);
        else
            printf("none reaches it");
    }
    printf("\n");
    return 0;
}

static int
print_need(const struct totals *tot, const struct sim_opts *o)
{
    struct rs_case *cases = tm_xcalloc(tot->nkept ? tot->nkept : 1, sizeof *cases);
    int rc = 0;

    printf("# equal service: the stock each policy needs for the target %g. Each baseline's own "
           "safety setting (documents: safety days, 3 as written; textbook: a shift of its z, 0 "
           "as written; min/max: a scale of both levels, 1 as written) is set for each class, one "
           "for all its series, by bisection to the least found whose fill pooled over the class "
           "reaches the target (left) and ours' achieved fill (right, @ours), replaying the same "
           "demand with the same lead-time draws; ours as set. vs ours = on hand / ours'\n",
           o->st.fill_rate);
    printf("need %-13s %6s  %-10s  %-10s %7s %12s %7s  %-10s %7s %12s %7s\n", "class", "series",
           "policy", "setting", "fill", "on hand", "vs ours", "@ours", "fill", "on hand",
           "vs ours");
    for (int i = 0; i <= FC_CLASS_COUNT && rc == 0; i++) /* every class first */
        rc = need_class(tot, i == 0 ? FC_CLASS_COUNT : i - 1, o, cases);
    free(cases);
    return rc;
}

int
main(int argc, char **argv)
{
    const char *path = NULL, *policy_path = NULL;
    struct sim_opts o = {0};
    struct tm_err err;
    int prc = parse(argc, argv, &o, &path, &policy_path);
    if (prc != 0) {
        if (prc > 0)
            usage();
        return prc > 0 ? prc : 0;
    }

    struct series_csv in;
    struct policy_csv pol;
    struct series_csv_series **list = NULL;
    size_t ns = 0;
    FILE *per = NULL;
    struct totals *tot = tm_xcalloc(1, sizeof *tot);
    struct rt_scratch *w = o.replan_days ? rt_scratch_new() : NULL;
    int rc = 1;
    const struct rt_settings *st = &o.st;

    series_csv_init(&in);
    policy_csv_init(&pol);
    if (series_csv_load(&in, path, &list, &ns, &err) != TM_OK ||
        policy_csv_load(&pol, policy_path, &err) != TM_OK) {
        fprintf(stderr, "tm-reorder-sim: %s\n", err.message);
        goto done;
    }
    if (o.per_series && !(per = fopen(o.per_series, "w"))) {
        fprintf(stderr, "tm-reorder-sim: %s: %s\n", o.per_series, strerror(errno));
        goto done;
    }
    if (per)
        fprintf(per, "series_id,class,policy,reorder_point,order_up_to,baseline_daily_mean,"
                     "demanded,served,fill_rate,stockout_days,mean_on_hand,orders\n");
    for (size_t i = 0; i < ns; i++)
        if (one(list[i], &pol, &o, w, per, tot) != 0)
            goto done;

    printf("# tm-reorder-sim %s: %zu series, %d replayed over their last %d days (%d without a "
           "policy row, %d too short)\n",
           path, ns, tot->t[FC_CLASS_COUNT][P_OURS].series, st->origin_days, tot->no_policy,
           tot->short_history);
    if (o.replan_days)
        printf("# every policy re-set every %d days from the history to date (ours: the engine "
               "and rp_policy; baselines: their demand estimate); at the origin as given\n",
               o.replan_days);
    else
        printf("# every policy fixed at the origin for the whole replay\n");
    printf("# lost sales; review every %d day(s); lead time %g ± %g days per order (normal, "
           "clipped at 0, whole days; seed %llu); fill-rate target %g; baselines: demand of the "
           "last %d days before the origin, order size max(EOQ, R days, 1) (order cost %g, "
           "holding %g/year of unit cost %g)\n",
           st->review_days, st->lead_mean_days, st->lead_sd_days, (unsigned long long)o.seed,
           st->fill_rate, o.baseline_days, st->order_cost, st->holding_rate, st->unit_cost);
    printf("# fill = units served / units demanded, pooled over the class's series; stock-out "
           "days per series; on hand = sum over series of each one's mean end-of-day stock; "
           "cover = on hand / daily demand (days); vs ours = on hand / ours\n");
    printf("%-13s %6s  %-24s %7s %7s %4s %9s %12s %8s %8s %7s\n", "class", "series", "policy",
           "fill", "target", "met", "out days", "on hand", "cover", "orders", "vs ours");
    print_class("all", tot->t[FC_CLASS_COUNT], st->fill_rate);
    for (int c = 0; c < FC_CLASS_COUNT; c++)
        print_class(fc_class_name((enum fc_class)c), tot->t[c], st->fill_rate);
    print_goal(tot, st->fill_rate);
    if (print_need(tot, &o) != 0)
        goto done;
    rc = 0;
done:
    if (per && fclose(per) != 0)
        rc = 1;
    for (size_t i = 0; i < tot->nkept; i++) {
        free(tot->kept[i].y);
        free(tot->kept[i].est);
        free(tot->kept[i].q);
    }
    free(tot->kept);
    free(tot);
    rt_scratch_free(w);
    free(list);
    series_csv_fini(&in);
    policy_csv_fini(&pol);
    return rc;
}
