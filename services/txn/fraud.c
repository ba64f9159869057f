/* services/txn/fraud.c — the rules, their checks and the robust statistics
 * they use (services/txn/decode.c reads a rule set's JSON). Every rule that
 * fires says what it saw and against what, so a fraud analyst reads the
 * reason instead of guessing it. */
#include "services/txn/fraud.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int64_t fr_window_s[FR_WINDOWS] = {600, 3600, 86400};

/* by value, then NULL (the accepted values of a rule's member) */
const char *const fr_kind_names[FR_KINDS + 1] = {
    "velocity_count",  "velocity_amount",  "amount_over",        "customer_amount",
    "store_amount",    "night_hour",       "new_customer_large", "high_value_units",
    "basket_vs_usual", "customer_risk",    "distinct_stores",    "distinct_channels",
    "small_attempts",  "small_then_large", "declined_attempts",  "customer_spend_ratio",
    "first_purchase",  "void_count",       "void_amount",        "spend_with_new_context"};
const char *const fr_novelty_names[FR_NOVELTIES + 1] = {"instrument", "channel", "store"};
const char *const fr_scope_names[FR_SCOPES + 1] = {"customer", "instrument", "store", "operator"};
const char *const fr_channel_names[FR_CHANNELS + 1] = {"pos", "online", "mobile"};
const char *const fr_window_names[FR_WINDOWS + 1] = {"10m", "1h", "24h"};
static const char *const decision_names[] = {"approve", "review", "decline"};

const char *
fr_kind_name(enum fr_kind k)
{
    return (unsigned)k < FR_KINDS ? fr_kind_names[k] : "unknown";
}

const char *
fr_scope_name(enum fr_scope s)
{
    return (unsigned)s < FR_SCOPES ? fr_scope_names[s] : "unknown";
}

const char *
fr_window_name(enum fr_window w)
{
    return (unsigned)w < FR_WINDOWS ? fr_window_names[w] : "unknown";
}

const char *
fr_decision_name(enum fr_decision d)
{
    return (unsigned)d <= FR_DECLINE ? decision_names[d] : "unknown";
}

/* ---------------------------------------------------------- statistics */

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[n] (sorted in place); 0 when n is 0. */
static double
median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The q quantile of sorted v[n] (linear between order statistics, as R's
 * type 7); 0 when n is 0. */
static double
quantile_sorted(const double *v, int n, double q)
{
    double h;
    int lo;

    if (n <= 0)
        return 0;
    h = (n - 1) * q;
    lo = (int)floor(h);
    if (lo >= n - 1)
        return v[n - 1];
    return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

void
fr_history_from(const int64_t *totals, const int64_t *units, int n, struct fr_history *out)
{
    double lg[FR_HISTORY_MAX * 4], dev[FR_HISTORY_MAX * 4], u[FR_HISTORY_MAX * 4];
    int k = 0;

    memset(out, 0, sizeof *out);
    if (n > FR_HISTORY_MAX * 4)
        n = FR_HISTORY_MAX * 4;
    for (int i = 0; i < n; i++) {
        if (totals[i] <= 0)
            continue;
        lg[k] = log((double)totals[i]);
        u[k] = units ? (double)units[i] : 0;
        k++;
    }
    if (k == 0)
        return;
    out->n = k;
    out->median_units = median(u, k);
    out->median_log = median(lg, k);
    for (int i = 0; i < k; i++)
        dev[i] = fabs(lg[i] - out->median_log);
    out->mad_log = median(dev, k);
    out->q90_log = quantile_sorted(lg, k, 0.9);
}

double
fr_robust_z(const struct fr_history *h, int64_t total_cents)
{
    /* a MAD under 0.1 (totals within about ±10 %) is treated as 0.1 */
    double scale = 1.4826 * (h->mad_log > 0.1 ? h->mad_log : 0.1);

    if (h->n == 0 || total_cents <= 0)
        return 0;
    return (log((double)total_cents) - h->median_log) / scale;
}

double
fr_risk_from_labels(int64_t fraud, int64_t legit)
{
    /* (fraud + 0.1) / (labels + 1): 10 with no labels, 55 after one
     * confirmed fraud, 5 after one legitimate sale; never 0 or 100 */
    double r = 100.0 * ((double)fraud + 0.1) / ((double)(fraud + legit) + 1.0);
    return r < 0 ? 0 : r > 100 ? 100 : r;
}

/* -------------------------------------------------------------- scoring */

static int
in_hours(int h, int from, int to)
{
    return from <= to ? h >= from && h < to : h >= from || h < to;
}

static int
is_void_kind(enum fr_kind k)
{
    return k == FR_VOID_COUNT || k == FR_VOID_AMOUNT;
}

static int
is_attempt_kind(enum fr_kind k)
{
    return k == FR_DISTINCT_STORES || k == FR_DISTINCT_CHANNELS || k == FR_SMALL_ATTEMPTS ||
           k == FR_SMALL_THEN_LARGE || k == FR_DECLINED_ATTEMPTS;
}

/* "$12.34" into b (cents, exact). */
static const char *
money(char *b, size_t n, int64_t cents)
{
    snprintf(b, n, "%s$%lld.%02lld", cents < 0 ? "-" : "", (long long)(llabs(cents) / 100),
             (long long)(llabs(cents) % 100));
    return b;
}

/* A counter of v for r's scope and window (count or amount) into *obs and
 * its message into m: -1 the counters were unavailable, 0 no such key,
 * 1 read. Velocity counts attempts and spend, reversals voids. */
static int
windowed(const struct fr_rule *r, const struct fr_velocity *v, int count, double *obs, char *m,
         size_t mn)
{
    const char *what = is_void_kind(r->kind) ? "voids" : "attempts", *sc = fr_scope_name(r->scope);
    const char *win = fr_window_name(r->window);
    char a[24], b[24];

    if (!v->evaluated)
        return -1;
    if (!v->present[r->scope])
        return 0;
    if (count) {
        *obs = (double)v->count[r->scope][r->window];
        snprintf(m, mn, "%.0f %s by this %s in %s (threshold %g)", *obs, what, sc, win,
                 r->threshold);
    } else {
        *obs = (double)v->amount[r->scope][r->window];
        snprintf(m, mn, "%s %s by this %s in %s (threshold %s)",
                 money(a, sizeof a, v->amount[r->scope][r->window]),
                 is_void_kind(r->kind) ? "of sales voided" : "spent", sc, win,
                 money(b, sizeof b, (int64_t)r->threshold));
    }
    return 1;
}

/* The attempt-list kinds: 1 fired, 0 not (obs, m filled either way). */
static int
eval_attempts(const struct fr_rule *r, const struct fr_facts *f, const struct fr_attempts *l,
              double *obs, char *m, size_t mn)
{
    int64_t from = f->ts_s - fr_window_s[r->window], seen[FR_ATTEMPTS_MAX + 1];
    int n = l->n < FR_ATTEMPTS_MAX ? l->n : FR_ATTEMPTS_MAX, k = 0, count = 0;
    const char *who = r->scope == FR_SCOPE_INSTRUMENT ? "card" : "customer";
    const char *win = fr_window_name(r->window);
    char a[24], b[24];

    switch (r->kind) {
    case FR_DISTINCT_STORES:
    case FR_DISTINCT_CHANNELS:
        seen[k++] = r->kind == FR_DISTINCT_STORES ? f->store_id : f->channel;
        for (int i = 0; i < n; i++) {
            int64_t v = r->kind == FR_DISTINCT_STORES ? l->a[i].store_id : l->a[i].channel;
            int dup = 0;
            if (l->a[i].ts_s <= from)
                continue;
            for (int j = 0; j < k && !dup; j++)
                dup = seen[j] == v;
            if (!dup)
                seen[k++] = v;
        }
        *obs = k;
        snprintf(m, mn, "this %s used at %d different %s in %s (threshold %g)", who, k,
                 r->kind == FR_DISTINCT_STORES ? "stores" : "channels", win, r->threshold);
        break;
    case FR_SMALL_ATTEMPTS:
        count = f->total_cents <= r->small_cents;
        for (int i = 0; i < n; i++)
            count += l->a[i].ts_s > from && l->a[i].total_cents <= r->small_cents;
        *obs = count;
        snprintf(m, mn, "%d attempts of at most %s on this %s in %s (threshold %g)", count,
                 money(a, sizeof a, r->small_cents), who, win, r->threshold);
        break;
    case FR_SMALL_THEN_LARGE:
        if (f->total_cents < r->large_cents)
            return 0;
        for (int i = 0; i < n; i++)
            count += l->a[i].ts_s > from && l->a[i].total_cents <= r->small_cents;
        *obs = count;
        snprintf(m, mn, "%s after %d attempts of %s or less on this %s in %s (threshold %g)",
                 money(a, sizeof a, f->total_cents), count, money(b, sizeof b, r->small_cents), who,
                 win, r->threshold);
        break;
    case FR_DECLINED_ATTEMPTS:
        for (int i = 0; i < n; i++)
            count += l->a[i].ts_s > from && l->a[i].declined;
        *obs = count;
        snprintf(m, mn, "%d earlier attempts on this %s declined in %s (threshold %g)", count, who,
                 win, r->threshold);
        break;
    default:
        return 0;
    }
    return *obs >= r->threshold;
}

/* Evaluates rule r: 1 fired (hit filled), 0 not, -1 not evaluated. */
/* total / exp(the customer's q90_log), and the message saying so into m. */
static double
spend_ratio(const struct fr_facts *f, double thr, char *m, size_t mn)
{
    char a[24], b[24];
    double q90 = exp(f->customer.q90_log), obs = (double)f->total_cents / q90;

    snprintf(m, mn, "total %s is %.1f times this customer's 90th percentile %s (threshold %g)",
             money(a, sizeof a, f->total_cents), obs, money(b, sizeof b, (int64_t)llround(q90)),
             thr);
    return obs;
}

static int
eval_rule(const struct fr_rule *r, const struct fr_facts *f, struct fr_hit *hit)
{
    double obs = 0, thr = r->threshold;
    const char *what = "";
    char m[FR_MESSAGE_MAX], a[24];

    m[0] = '\0';
    if (is_void_kind(r->kind) != (f->event == FR_EV_VOID))
        return 0; /* sale kinds never fire on a void, void kinds never on a sale */
    if (is_attempt_kind(r->kind)) {
        const struct fr_attempts *l =
            r->scope == FR_SCOPE_INSTRUMENT ? &f->inst_attempts : &f->cust_attempts;
        if (!l->evaluated)
            return -1;
        if (r->scope == FR_SCOPE_CUSTOMER && !f->has_customer)
            return 0;
        if (!eval_attempts(r, f, l, &obs, m, sizeof m))
            return 0;
        goto fired;
    }
    switch (r->kind) {
    case FR_VELOCITY_COUNT:
    case FR_VELOCITY_AMOUNT: {
        int v = windowed(r, &f->velocity, r->kind == FR_VELOCITY_COUNT, &obs, m, sizeof m);
        if (v <= 0)
            return v;
        break;
    }
    case FR_AMOUNT_OVER:
        obs = (double)f->total_cents;
        snprintf(m, sizeof m, "total %.2f (threshold %.2f)", obs / 100, thr / 100);
        break;
    case FR_CUSTOMER_AMOUNT:
        if (!f->has_customer)
            return 0;
        if (f->customer.n >= r->min_history) {
            obs = fr_robust_z(&f->customer, f->total_cents);
            what = "this customer's";
        } else if (f->store.n >= r->min_history) {
            obs = fr_robust_z(&f->store, f->total_cents);
            what = "the store's (too few sales of this customer)";
        } else {
            /* nothing to compare with: a plain amount threshold */
            obs = (double)f->total_cents;
            thr = (double)r->fallback_cents;
            snprintf(m, sizeof m, "total %.2f with no history to compare (threshold %.2f)",
                     obs / 100, thr / 100);
            break;
        }
        snprintf(m, sizeof m,
                 "total %.2f is %.1f robust deviations above %s usual (threshold %.1f)",
                 (double)f->total_cents / 100, obs, what, thr);
        break;
    case FR_STORE_AMOUNT:
        if (f->store.n < r->min_history)
            return 0;
        obs = fr_robust_z(&f->store, f->total_cents);
        snprintf(m, sizeof m,
                 "total %.2f is %.1f robust deviations above the store's usual"
                 " (threshold %.1f)",
                 (double)f->total_cents / 100, obs, thr);
        break;
    case FR_NIGHT_HOUR: {
        int h = r->server_clock ? f->utc_hour : f->local_hour;
        if (!in_hours(h, r->hour_from, r->hour_to))
            return 0;
        obs = h;
        thr = r->hour_from;
        snprintf(m, sizeof m, "sold at %02d:xx by the %s clock, flagged %02d:00-%02d:00", h,
                 r->server_clock ? "server" : "store's local", r->hour_from, r->hour_to);
        if (hit) {
            hit->observed = obs;
            hit->threshold = thr;
            snprintf(hit->message, sizeof hit->message, "%s", m);
        }
        return 1;
    }
    case FR_NEW_CUSTOMER_LARGE:
        if (f->has_customer && f->customer_sales >= (r->min_history > 0 ? r->min_history : 1))
            return 0;
        obs = (double)f->total_cents;
        snprintf(m, sizeof m, "%s with a total of %.2f (threshold %.2f)",
                 f->has_customer ? "first purchase of this customer" : "no customer given",
                 obs / 100, thr / 100);
        break;
    case FR_HIGH_VALUE_UNITS:
        if (f->top_price_cents < r->price_cents)
            return 0;
        obs = (double)f->top_units;
        snprintf(m, sizeof m,
                 "%.0f units of one product priced %.2f (threshold %.0f units over %.2f)", obs,
                 (double)f->top_price_cents / 100, thr, (double)r->price_cents / 100);
        break;
    case FR_BASKET_VS_USUAL:
        if (!f->has_customer || f->customer.n < r->min_history || f->customer.median_units <= 0)
            return 0;
        obs = (double)f->units / f->customer.median_units;
        snprintf(m, sizeof m, "%lld units, %.1f times this customer's usual %.0f (threshold %.1f)",
                 (long long)f->units, obs, f->customer.median_units, thr);
        break;
    case FR_CUSTOMER_RISK:
        if (!f->has_customer)
            return 0;
        obs = f->customer_risk;
        snprintf(m, sizeof m, "customer risk score %.0f (threshold %.0f)", obs, thr);
        break;
    case FR_CUSTOMER_SPEND_RATIO:
        if (!f->has_customer || f->customer.n < r->min_history || f->customer.n == 0)
            return 0;
        obs = spend_ratio(f, thr, m, sizeof m);
        break;
    case FR_SPEND_NEW_CONTEXT: {
        char nov[24]; /* " card, channel, store" */
        int nn = 0;
        if (!f->has_customer || f->customer.n < r->min_history || f->customer.n == 0 ||
            f->context.n == 0)
            return 0;
        if ((r->novelty & FR_NEW_INSTRUMENT) && f->context.card_judged &&
            f->context.same_instrument == 0)
            nn += snprintf(nov + nn, sizeof nov - (size_t)nn, "%s card", nn ? "," : "");
        if ((r->novelty & FR_NEW_CHANNEL) && f->context.same_channel == 0)
            nn += snprintf(nov + nn, sizeof nov - (size_t)nn, "%s channel", nn ? "," : "");
        if ((r->novelty & FR_NEW_STORE) && f->context.same_store == 0)
            nn += snprintf(nov + nn, sizeof nov - (size_t)nn, "%s store", nn ? "," : "");
        if (!nn)
            return 0;
        obs = spend_ratio(f, thr, m, sizeof m);
        nn = (int)strlen(m);
        snprintf(m + nn, sizeof m - (size_t)nn, "; new to them:%s", nov);
        break;
    }
    case FR_FIRST_PURCHASE: {
        double pop;
        if (!f->has_customer || f->customer_sales > 0 || f->population.n == 0 ||
            f->population.n < r->min_history)
            return 0;
        obs = pop = (double)f->total_cents / exp(f->population.q90_log);
        what = "all stores'";
        if (f->store.n > 0 && f->store.n >= r->min_history) {
            double st = (double)f->total_cents / exp(f->store.q90_log);
            if (st < obs) {
                obs = st;
                what = "this store's";
            }
        }
        snprintf(m, sizeof m,
                 "first purchase of a new customer, %s, is %.1f times %s 90th percentile"
                 " sale (threshold %g)",
                 money(a, sizeof a, f->total_cents), obs, what, thr);
        break;
    }
    case FR_VOID_COUNT:
    case FR_VOID_AMOUNT: {
        int v = windowed(r, &f->reversals, r->kind == FR_VOID_COUNT, &obs, m, sizeof m);
        if (v <= 0)
            return v;
        break;
    }
    default:
        return 0;
    }
    if (!(obs >= thr))
        return 0;
fired:
    if (hit) {
        hit->observed = obs;
        hit->threshold = thr;
        snprintf(hit->message, sizeof hit->message, "%s", m);
    }
    return 1;
}

void
fr_score(const struct fr_rule_set *s, const struct fr_facts *f, struct fr_result *out)
{
    double score = 0;

    memset(out, 0, sizeof *out);
    for (int i = 0; i < s->n_rules; i++) {
        const struct fr_rule *r = &s->rules[i];
        struct fr_hit *hit = &out->hits[out->n_hits];
        int v;

        if (!r->enabled)
            continue;
        v = eval_rule(r, f, hit);
        if (v < 0) {
            out->skipped[out->n_skipped++] = i;
        } else if (v > 0) {
            hit->rule = i;
            out->n_hits++;
            score += r->weight;
        }
    }
    out->score = score < 0 ? 0 : score > 100 ? 100 : score;
    out->decision = out->score >= s->decline_at  ? FR_DECLINE
                    : out->score >= s->review_at ? FR_REVIEW
                                                 : FR_APPROVE;
}

/* ------------------------------------------------------------ checking */

static int
code_valid(const char *c)
{
    for (const char *p = c; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return c[0] != '\0';
}

enum tm_code
fr_rule_set_check(const struct fr_rule_set *s, struct tm_err *err)
{
    char f[64];

    if (s->decline_at < s->review_at)
        return tm_err_set(err, TM_INVALID, "decline_threshold",
                          "decline_threshold must not be under review_threshold");
    for (int i = 0; i < s->n_rules; i++) {
        const struct fr_rule *r = &s->rules[i];

        if (!code_valid(r->code)) {
            snprintf(f, sizeof f, "rules[%d].code", i);
            return tm_err_set(err, TM_INVALID, f, "%s must be a-z 0-9 _", f);
        }
        for (int j = 0; j < i; j++)
            if (strcmp(s->rules[j].code, r->code) == 0)
                return tm_err_set(err, TM_INVALID, "rules", "rules[%d].code repeats rules[%d]", i,
                                  j);
        if ((is_attempt_kind(r->kind) && r->scope != FR_SCOPE_CUSTOMER &&
             r->scope != FR_SCOPE_INSTRUMENT) ||
            (is_void_kind(r->kind) && r->scope == FR_SCOPE_INSTRUMENT)) {
            snprintf(f, sizeof f, "rules[%d].scope", i);
            return tm_err_set(err, TM_INVALID, f, "%s: %s counts %s", f, fr_kind_name(r->kind),
                              is_void_kind(r->kind) ? "per customer, store or operator"
                                                    : "per instrument or customer");
        }
        if ((r->kind == FR_SMALL_ATTEMPTS || r->kind == FR_SMALL_THEN_LARGE) &&
            r->small_cents <= 0) {
            snprintf(f, sizeof f, "rules[%d].small_cents", i);
            return tm_err_set(err, TM_INVALID, f, "%s is required for %s", f,
                              fr_kind_name(r->kind));
        }
        if (r->kind == FR_SMALL_THEN_LARGE && r->large_cents <= r->small_cents) {
            snprintf(f, sizeof f, "rules[%d].large_cents", i);
            return tm_err_set(err, TM_INVALID, f, "%s is required and must exceed small_cents", f);
        }
        if (r->kind == FR_SMALL_THEN_LARGE && fr_window_s[r->window] < 3600) {
            snprintf(f, sizeof f, "rules[%d].window", i);
            return tm_err_set(err, TM_INVALID, f, "%s must be 1h or longer for %s", f,
                              fr_kind_name(r->kind));
        }
        if (r->kind == FR_SPEND_NEW_CONTEXT &&
            (r->novelty <= 0 || r->novelty >= 1 << FR_NOVELTIES)) {
            snprintf(f, sizeof f, "rules[%d].novelty", i);
            return tm_err_set(err, TM_INVALID, f,
                              "%s must list at least one of instrument, channel, store", f);
        }
        if (r->kind == FR_NIGHT_HOUR && r->hour_from == r->hour_to % 24) {
            snprintf(f, sizeof f, "rules[%d]", i);
            return tm_err_set(err, TM_INVALID, f, "%s: hour_from and hour_to make an empty span",
                              f);
        }
    }
    return TM_OK;
}

/* Version 1 of every installation (the default before issue 23);
 * docs/fraud.md explains each rule. The documents are plain text here:
 * tx_decode_rule_set_text reads them. */
#define FR_V1_TEXT                                                                                 \
    "{\"review_threshold\":60,\"decline_threshold\":85,\"rules\":["                                \
    "{\"code\":\"customer_burst_10m\",\"kind\":\"velocity_count\",\"scope\":\"customer\","         \
    "\"window\":\"10m\",\"threshold\":5,\"weight\":40},"                                           \
    "{\"code\":\"customer_burst_1h\",\"kind\":\"velocity_count\",\"scope\":\"customer\","          \
    "\"window\":\"1h\",\"threshold\":10,\"weight\":20},"                                           \
    "{\"code\":\"customer_spend_24h\",\"kind\":\"velocity_amount\",\"scope\":\"customer\","        \
    "\"window\":\"24h\",\"threshold\":1000000,\"weight\":25},"                                     \
    "{\"code\":\"instrument_burst_10m\",\"kind\":\"velocity_count\",\"scope\":\"instrument\","     \
    "\"window\":\"10m\",\"threshold\":4,\"weight\":60},"                                           \
    "{\"code\":\"instrument_spend_24h\",\"kind\":\"velocity_amount\",\"scope\":\"instrument\","    \
    "\"window\":\"24h\",\"threshold\":500000,\"weight\":25},"                                      \
    "{\"code\":\"store_burst_10m\",\"kind\":\"velocity_count\",\"scope\":\"store\","               \
    "\"window\":\"10m\",\"threshold\":600,\"weight\":10},"                                         \
    "{\"code\":\"amount_over_5000\",\"kind\":\"amount_over\",\"threshold\":500000,\"weight\":25}," \
    "{\"code\":\"unusual_for_customer\",\"kind\":\"customer_amount\",\"threshold\":3.5,"           \
    "\"min_history\":5,\"fallback_cents\":200000,\"weight\":45},"                                  \
    "{\"code\":\"unusual_for_store\",\"kind\":\"store_amount\",\"threshold\":4,"                   \
    "\"min_history\":30,\"weight\":15},"                                                           \
    "{\"code\":\"night_local\",\"kind\":\"night_hour\",\"hour_from\":2,\"hour_to\":5,"             \
    "\"weight\":15},"                                                                              \
    "{\"code\":\"new_customer_large\",\"kind\":\"new_customer_large\",\"threshold\":100000,"       \
    "\"min_history\":1,\"weight\":30},"                                                            \
    "{\"code\":\"high_value_units\",\"kind\":\"high_value_units\",\"threshold\":3,"                \
    "\"price_cents\":50000,\"weight\":40},"                                                        \
    "{\"code\":\"basket_vs_usual\",\"kind\":\"basket_vs_usual\",\"threshold\":4,"                  \
    "\"min_history\":5,\"weight\":20},"                                                            \
    "{\"code\":\"risky_customer\",\"kind\":\"customer_risk\",\"threshold\":50,\"weight\":40}"      \
    "]}"
const char fr_default_rules_v1_json[] = FR_V1_TEXT;

/* Version 2 (issue 23): version 1's rules and the rules below, each as an
 * analyst states it; docs/fraud.md gives the reason for every threshold.
 * 60 points is a review, 85 a decline: a rule that is a reason to look on
 * its own weighs 60, the cash-out after card testing 85. */
const char fr_default_rules_json[] =
    "{\"review_threshold\":60,\"decline_threshold\":85,\"rules\":["
    "{\"code\":\"customer_burst_10m\",\"kind\":\"velocity_count\",\"scope\":\"customer\","
    "\"window\":\"10m\",\"threshold\":5,\"weight\":40},"
    "{\"code\":\"customer_burst_1h\",\"kind\":\"velocity_count\",\"scope\":\"customer\","
    "\"window\":\"1h\",\"threshold\":10,\"weight\":20},"
    "{\"code\":\"customer_spend_24h\",\"kind\":\"velocity_amount\",\"scope\":\"customer\","
    "\"window\":\"24h\",\"threshold\":1000000,\"weight\":25},"
    "{\"code\":\"instrument_burst_10m\",\"kind\":\"velocity_count\",\"scope\":\"instrument\","
    "\"window\":\"10m\",\"threshold\":4,\"weight\":60},"
    "{\"code\":\"instrument_spend_24h\",\"kind\":\"velocity_amount\",\"scope\":\"instrument\","
    "\"window\":\"24h\",\"threshold\":500000,\"weight\":25},"
    "{\"code\":\"store_burst_10m\",\"kind\":\"velocity_count\",\"scope\":\"store\","
    "\"window\":\"10m\",\"threshold\":600,\"weight\":10},"
    "{\"code\":\"amount_over_5000\",\"kind\":\"amount_over\",\"threshold\":500000,\"weight\":25},"
    "{\"code\":\"unusual_for_customer\",\"kind\":\"customer_amount\",\"threshold\":3.5,"
    "\"min_history\":5,\"fallback_cents\":200000,\"weight\":45},"
    "{\"code\":\"unusual_for_store\",\"kind\":\"store_amount\",\"threshold\":4,"
    "\"min_history\":30,\"weight\":15},"
    "{\"code\":\"night_local\",\"kind\":\"night_hour\",\"hour_from\":2,\"hour_to\":5,"
    "\"weight\":15},"
    "{\"code\":\"new_customer_large\",\"kind\":\"new_customer_large\",\"threshold\":100000,"
    "\"min_history\":1,\"weight\":30},"
    "{\"code\":\"high_value_units\",\"kind\":\"high_value_units\",\"threshold\":3,"
    "\"price_cents\":50000,\"weight\":40},"
    "{\"code\":\"basket_vs_usual\",\"kind\":\"basket_vs_usual\",\"threshold\":4,"
    "\"min_history\":5,\"weight\":20},"
    "{\"code\":\"risky_customer\",\"kind\":\"customer_risk\",\"threshold\":50,\"weight\":40},"
    "{\"code\":\"card_stores_1h\",\"kind\":\"distinct_stores\",\"scope\":\"instrument\","
    "\"window\":\"1h\",\"threshold\":3,\"weight\":60},"
    "{\"code\":\"card_stores_10m\",\"kind\":\"distinct_stores\",\"scope\":\"instrument\","
    "\"window\":\"10m\",\"threshold\":2,\"weight\":60},"
    "{\"code\":\"card_channels_1h\",\"kind\":\"distinct_channels\",\"scope\":\"instrument\","
    "\"window\":\"1h\",\"threshold\":3,\"weight\":30},"
    "{\"code\":\"card_small_attempts_1h\",\"kind\":\"small_attempts\",\"scope\":\"instrument\","
    "\"window\":\"1h\",\"small_cents\":500,\"threshold\":5,\"weight\":60},"
    "{\"code\":\"card_small_then_large_24h\",\"kind\":\"small_then_large\","
    "\"scope\":\"instrument\",\"window\":\"24h\",\"small_cents\":500,\"large_cents\":10000,"
    "\"threshold\":5,\"weight\":85},"
    "{\"code\":\"card_declined_1h\",\"kind\":\"declined_attempts\",\"scope\":\"instrument\","
    "\"window\":\"1h\",\"threshold\":2,\"weight\":60},"
    "{\"code\":\"customer_declined_24h\",\"kind\":\"declined_attempts\",\"scope\":\"customer\","
    "\"window\":\"24h\",\"threshold\":3,\"weight\":30},"
    "{\"code\":\"spend_vs_customer_q90\",\"kind\":\"customer_spend_ratio\",\"threshold\":3,"
    "\"min_history\":10,\"weight\":10},"
    "{\"code\":\"spend_new_context\",\"kind\":\"spend_with_new_context\",\"threshold\":2,"
    "\"min_history\":5,\"novelty\":[\"instrument\",\"channel\",\"store\"],\"weight\":60},"
    "{\"code\":\"first_purchase_vs_usual\",\"kind\":\"first_purchase\",\"threshold\":3,"
    "\"min_history\":30,\"weight\":60},"
    "{\"code\":\"operator_voids_24h\",\"kind\":\"void_count\",\"scope\":\"operator\","
    "\"window\":\"24h\",\"threshold\":4,\"weight\":60},"
    "{\"code\":\"operator_void_amount_24h\",\"kind\":\"void_amount\",\"scope\":\"operator\","
    "\"window\":\"24h\",\"threshold\":100000,\"weight\":60},"
    "{\"code\":\"customer_voids_24h\",\"kind\":\"void_count\",\"scope\":\"customer\","
    "\"window\":\"24h\",\"threshold\":2,\"weight\":60}"
    "]}";

/* The seed's four additive rules, as we read them: >= 5 sales in 10 minutes,
 * over $5,000, the customer's risk score, the server's clock 2-5 a.m. */
const char fr_seed_rules_json[] =
    "{\"review_threshold\":60,\"decline_threshold\":85,\"rules\":["
    "{\"code\":\"seed_velocity\",\"kind\":\"velocity_count\",\"scope\":\"customer\","
    "\"window\":\"10m\",\"threshold\":5,\"weight\":30},"
    "{\"code\":\"seed_amount\",\"kind\":\"amount_over\",\"threshold\":500000,\"weight\":40},"
    "{\"code\":\"seed_risk\",\"kind\":\"customer_risk\",\"threshold\":50,\"weight\":30},"
    "{\"code\":\"seed_night\",\"kind\":\"night_hour\",\"hour_from\":2,\"hour_to\":5,"
    "\"clock\":\"server\",\"weight\":20}"
    "]}";
