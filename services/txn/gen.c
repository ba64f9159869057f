/* services/txn/gen.c — the sample sales generator. Sales are generated
 * day by day, sorted within the day, then emitted. */
#include "services/txn/gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

double
gen_uni(struct gen_rng *r) /* [0, 1), splitmix64 */
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double
normal(struct gen_rng *r)
{
    double u = gen_uni(r), v = gen_uni(r);
    return sqrt(-2 * log(u > 1e-12 ? u : 1e-12)) * cos(6.283185307179586 * v);
}

struct customer {
    double log_mu, log_sd; /* basket value, cents, log-normal */
    double rate;           /* sales a day */
    int store;
    double units;
};

static int
by_time(const void *a, const void *b)
{
    const struct rp_sale *x = a, *y = b;
    return (x->ts_s > y->ts_s) - (x->ts_s < y->ts_s);
}

/* Hour of a sale: shops are busiest at noon and early evening. */
static int
sale_hour(struct gen_rng *r)
{
    static const double w[24] = {0.1, 0.05, 0.03, 0.03, 0.05, 0.2, 0.5, 1.5, 3, 4,   5,   6,
                                 7,   6,    5,    5,    5.5,  6.5, 7,   6,   4, 2.5, 1.2, 0.4};
    double t = 0, x;
    for (int i = 0; i < 24; i++)
        t += w[i];
    x = gen_uni(r) * t;
    for (int i = 0; i < 24; i++)
        if ((x -= w[i]) < 0)
            return i;
    return 23;
}

static void
fill(struct rp_sale *s, int64_t ts, const char *cust, const char *instr, int store, int64_t total,
     int64_t units, int64_t top_units, int64_t top_price, int label)
{
    memset(s, 0, sizeof *s);
    s->ts_s = ts;
    snprintf(s->customer, sizeof s->customer, "%s", cust);
    snprintf(s->instrument, sizeof s->instrument, "%s", instr);
    snprintf(s->store, sizeof s->store, "%d", store);
    s->total_cents = total > 0 ? total : 1;
    s->units = units > 0 ? units : 1;
    s->top_units = top_units > 0 ? top_units : 1;
    s->top_price_cents = top_price > 0 ? top_price : 1;
    s->local_hour = (int)((ts % 86400) / 3600); /* stores keep UTC in the sample */
    s->label = label;
}

int64_t
gen_sales(const struct gen_cfg *cfg, void (*emit)(void *arg, const struct rp_sale *s), void *arg)
{
    struct gen_rng r = {cfg->seed};
    struct customer *c = tm_xcalloc((size_t)cfg->customers, sizeof *c);
    int cap = 4096, n_new = 0;
    struct rp_sale *day = tm_xmalloc((size_t)cap * sizeof *day);
    int64_t emitted = 0, start = cfg->end_s - (int64_t)cfg->days * 86400;

    for (int i = 0; i < cfg->customers; i++) {
        c[i].log_mu = log(1500 + 20000 * gen_uni(&r));
        c[i].log_sd = 0.3 + 0.4 * gen_uni(&r);
        c[i].rate = 0.05 + 0.4 * gen_uni(&r);
        c[i].store = 1 + (int)(gen_uni(&r) * cfg->stores);
        c[i].units = 1 + 4 * gen_uni(&r);
    }
    for (int d = 0; d < cfg->days; d++) {
        int64_t d0 = start + (int64_t)d * 86400;
        int wd = (int)((d0 / 86400 + 4) % 7); /* 0 Sunday */
        double season = wd == 6 ? 1.5 : wd == 0 ? 1.2 : wd == 5 ? 1.2 : 1.0;
        int n = 0;
        for (int i = 0; i < cfg->customers; i++) {
            double p = c[i].rate * season;
            char id[24], card[40];
            while (p > 0 && gen_uni(&r) < p) {
                int64_t ts = d0 + sale_hour(&r) * 3600 + (int64_t)(gen_uni(&r) * 3600);
                int64_t total = (int64_t)exp(c[i].log_mu + c[i].log_sd * normal(&r));
                int64_t units = (int64_t)(c[i].units * (0.5 + gen_uni(&r))) + 1;
                if (n == cap) {
                    cap *= 2;
                    day = tm_xrealloc(day, (size_t)cap * sizeof *day);
                }
                snprintf(id, sizeof id, "%d", i + 1);
                snprintf(card, sizeof card, "card-%d", i + 1);
                fill(&day[n++], ts, id, card, c[i].store, total, units, 1, total / units, 0);
                p -= 1;
            }
        }
        /* planted fraud: about fraud_share of the day's sales */
        for (int k = (int)(n * cfg->fraud_share); k > 0;) {
            double kind = gen_uni(&r);
            int i = (int)(gen_uni(&r) * cfg->customers);
            int64_t ts = d0 + sale_hour(&r) * 3600 + (int64_t)(gen_uni(&r) * 3600);
            char id[24], card[40];
            if (n + 12 >= cap) {
                cap *= 2;
                day = tm_xrealloc(day, (size_t)cap * sizeof *day);
            }
            snprintf(id, sizeof id, "%d", i + 1);
            snprintf(card, sizeof card, "card-%d", i + 1);
            if (kind < 0.4) { /* a stolen card tried in a burst, guest checkout */
                int tries = 4 + (int)(gen_uni(&r) * 6);
                snprintf(card, sizeof card, "stolen-%d-%d", d, k);
                for (int t = 0; t < tries && k > 0; t++, k--)
                    fill(&day[n++], ts + t * 45, "", card, 1 + (int)(gen_uni(&r) * cfg->stores),
                         (int64_t)(2000 + 30000 * gen_uni(&r)), 1, 1, 20000, 1);
            } else if (kind < 0.75) { /* a taken-over account, far above its usual, at night */
                int64_t total = (int64_t)exp(c[i].log_mu + 2.5 + gen_uni(&r));
                ts = d0 + (1 + (int)(gen_uni(&r) * 4)) * 3600 + (int64_t)(gen_uni(&r) * 3600);
                fill(&day[n++], ts, id, card, c[i].store, total, (int64_t)(c[i].units * 5), 2,
                     total / 4, 1);
                k--;
            } else { /* a new account buying high-value units */
                char nid[24];
                int64_t units = 3 + (int64_t)(gen_uni(&r) * 5),
                        price = 60000 + (int64_t)(gen_uni(&r) * 90000);
                snprintf(nid, sizeof nid, "new-%d", ++n_new);
                fill(&day[n++], ts, nid, nid, 1 + (int)(gen_uni(&r) * cfg->stores), units * price,
                     units, units, price, 1);
                k--;
            }
        }
        qsort(day, (size_t)n, sizeof *day, by_time);
        for (int i = 0; i < n; i++)
            emit(arg, &day[i]);
        emitted += n;
    }
    free(day);
    free(c);
    return emitted;
}

/* ------------------------------------------------------------ baskets */

void
gen_weights(uint64_t seed, struct gen_item *items, int n)
{
    struct gen_rng r = {seed ^ 0x5EEDBA5Cull};

    for (int i = 0; i < n; i++)
        items[i].weight = exp(1.5 * normal(&r));
}

int
gen_on_promo(uint64_t seed, int64_t product_id, int64_t epoch_day)
{
    int64_t week = (epoch_day + 3) / 7; /* weeks start on Monday */
    struct gen_rng r = {seed ^ ((uint64_t)product_id * 0x9E3779B97F4A7C15ull)};
    int64_t slot = (int64_t)(gen_uni(&r) * GEN_PROMO_WEEKS);

    return week % GEN_PROMO_WEEKS == slot;
}

void
gen_day_weights(uint64_t seed, const struct gen_item *items, int n, int64_t epoch_day, double *cum)
{
    double t = 0;

    for (int i = 0; i < n; i++) {
        t += items[i].weight * (gen_on_promo(seed, items[i].id, epoch_day) ? GEN_PROMO_LIFT : 1);
        cum[i] = t;
    }
}

static int
pick(struct gen_rng *r, const double *cum, int n)
{
    double x = gen_uni(r) * cum[n - 1];
    int lo = 0, hi = n - 1;

    while (lo < hi) { /* the first i with cum[i] > x */
        int mid = lo + (hi - lo) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int
add_line(struct gen_line *out, int n, int max, uint64_t seed, const struct gen_item *it,
         int64_t epoch_day, int64_t qty)
{
    for (int i = 0; i < n; i++)
        if (out[i].product_id == it->id) {
            out[i].quantity += qty;
            return n;
        }
    if (n == max)
        return n;
    out[n].product_id = it->id;
    out[n].quantity = qty;
    out[n].unit_price_cents = gen_on_promo(seed, it->id, epoch_day)
                                  ? (int64_t)llround((double)it->price_cents * GEN_PROMO_PRICE)
                                  : it->price_cents;
    if (out[n].unit_price_cents < 1)
        out[n].unit_price_cents = 1;
    return n + 1;
}

int
gen_basket(struct gen_rng *r, uint64_t seed, const struct rp_sale *s, const struct gen_item *items,
           const double *cum, int n, int64_t epoch_day, struct gen_line *out, int max)
{
    int k = 0;

    if (n < 1 || max < 1)
        return 0;
    if (s->top_units > 1) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (llabs(items[i].price_cents - s->top_price_cents) <
                llabs(items[best].price_cents - s->top_price_cents))
                best = i;
        return add_line(out, 0, max, seed, &items[best], epoch_day, s->top_units);
    }
    for (int64_t u = 0; u < s->units; u++)
        k = add_line(out, k, max, seed, &items[pick(r, cum, n)], epoch_day, 1);
    return k;
}
