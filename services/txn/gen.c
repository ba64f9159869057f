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

const char *const gen_pattern_names[GEN_PATTERNS] = {
    "legitimate",   "stolen_burst",    "takeover_night", "new_high_units", "cross_store",
    "card_testing", "takeover_varied", "void_operator",  "void_customer",  "first_purchase"};

struct customer {
    double log_mu, log_sd; /* basket value, cents, log-normal */
    double rate;           /* sales a day */
    int store, store2;     /* store2: a second store (0: none) */
    double online;         /* share of sales made online (in the app: mobile of them) */
    double mobile;
    double card2; /* share paid with a second card of theirs (0: one card) */
    int reissued; /* times the bank replaced their card: a new number from then on */
    double units;
};

/* How context varies, drawn once per generated history over wide ranges
 * (docs/fraud.md): a legitimate big purchase is mostly made as the
 * customer's others are, a minority with a card, in a channel or at a store
 * new to them; a takeover mostly online or in the app and/or with a card
 * new to the account. */
struct mix {
    double big_new_card, big_new_channel, big_new_store;
    double ato_remote, ato_new_card;
};

/* The customer's card for a legitimate sale. */
static void
own_card(struct gen_rng *r, struct customer *c, int i, char *card, size_t n)
{
    int second = c->card2 > 0 && gen_uni(r) < c->card2;

    if (gen_uni(r) < 0.002) /* lost, expired, compromised elsewhere: a new number */
        c->reissued++;
    snprintf(card, n, "card-%d-%d%s", i + 1, c->reissued, second ? "b" : "");
}

/* A legitimate sale's channel, or a channel this customer uses least. */
static int
own_channel(struct gen_rng *r, const struct customer *c)
{
    if (gen_uni(r) >= c->online)
        return FR_CH_POS;
    return gen_uni(r) < c->mobile ? FR_CH_MOBILE : FR_CH_ONLINE;
}

/* The rows of a day (and those spilling into the next). */
struct rows {
    struct rp_sale *v;
    int n, cap;
};

static struct rp_sale *
push(struct rows *d)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 4096;
        d->v = tm_xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
    }
    memset(&d->v[d->n], 0, sizeof d->v[d->n]);
    return &d->v[d->n++];
}

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

static double
uni_in(struct gen_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gen_uni(r);
}

static int64_t
log_uni(struct gen_rng *r, double lo, double hi)
{
    return (int64_t)exp(uni_in(r, log(lo), log(hi)));
}

static int
int_in(struct gen_rng *r, int lo, int hi) /* lo..hi */
{
    return lo + (int)(gen_uni(r) * (hi - lo + 1));
}

static struct rp_sale *
fill(struct rows *d, int64_t ts, const char *cust, const char *instr, int store, int64_t total,
     int64_t units, int64_t top_units, int64_t top_price, int pattern)
{
    struct rp_sale *s = push(d);

    s->ts_s = ts;
    snprintf(s->customer, sizeof s->customer, "%s", cust);
    snprintf(s->instrument, sizeof s->instrument, "%s", instr);
    snprintf(s->store, sizeof s->store, "%d", store);
    s->total_cents = total > 0 ? total : 1;
    s->units = units > 0 ? units : 1;
    s->top_units = top_units > 0 ? top_units : 1;
    s->top_price_cents = top_price > 0 ? top_price : 1;
    s->local_hour = (int)((ts % 86400) / 3600); /* stores keep UTC in the sample */
    s->label = pattern != GEN_LEGIT;
    s->pattern = pattern;
    s->event = FR_EV_SALE;
    s->channel = FR_CH_ONLINE;
    return s;
}

/* At the till: one of the store's three cashiers, or cashier k (>= 0). */
static void
at_till(struct gen_rng *r, struct rp_sale *s, int store, int k)
{
    s->channel = FR_CH_POS;
    snprintf(s->operator, sizeof s->operator, "%d-op%d", store, k >= 0 ? k : int_in(r, 1, 3));
}

/* A void of sale s (copied: sale pointers move as rows grow) after lo..hi
 * seconds, by the same cashier, labelled pattern. */
static void
void_of(struct gen_rng *r, struct rows *d, int si, int lo, int hi, int pattern)
{
    struct rp_sale *v = push(d), *s = &d->v[si];

    *v = *s;
    v->ts_s = s->ts_s + int_in(r, lo, hi);
    v->local_hour = (int)((v->ts_s % 86400) / 3600);
    v->event = FR_EV_VOID;
    v->label = pattern != GEN_LEGIT;
    v->pattern = pattern;
    v->issuer_declined = 0;
}

static void
legit_day(struct gen_rng *r, const struct gen_cfg *cfg, const struct mix *mx, struct customer *c,
          int64_t d0, double season, struct rows *d)
{
    for (int i = 0; i < cfg->customers; i++) {
        double p = c[i].rate * season;
        char id[24], card[40];
        snprintf(id, sizeof id, "%d", i + 1);
        while (p > 0 && gen_uni(r) < p) {
            int64_t ts = d0 + sale_hour(r) * 3600 + (int64_t)(gen_uni(r) * 3600);
            int64_t total = (int64_t)exp(c[i].log_mu + c[i].log_sd * normal(r));
            int64_t units = (int64_t)(c[i].units * (0.5 + gen_uni(r))) + 1;
            int store = c[i].store2 && gen_uni(r) < 0.35 ? c[i].store2 : c[i].store;
            int channel = own_channel(r, &c[i]);
            struct rp_sale *s;
            own_card(r, &c[i], i, card, sizeof card);
            if (gen_uni(r) < 0.01) /* away from home: another store */
                store = int_in(r, 1, cfg->stores);
            if (gen_uni(r) < 0.003) { /* now and then a big purchase: a TV, a sofa */
                total = (int64_t)((double)total * uni_in(r, 5, 20));
                if (gen_uni(r) < mx->big_new_card) /* a store card or financing opened for it */
                    snprintf(card, sizeof card, "card-%d-big-%lld", i + 1, (long long)ts);
                if (gen_uni(r) < mx->big_new_channel) /* delivered: ordered online */
                    channel = channel == FR_CH_POS ? FR_CH_ONLINE : FR_CH_POS;
                if (gen_uni(r) < mx->big_new_store) /* the larger store that stocks it */
                    store = int_in(r, 1, cfg->stores);
            }
            s = fill(d, ts, id, card, store, total, units, 1, total / units, GEN_LEGIT);
            s->channel = channel;
            if (channel == FR_CH_POS)
                at_till(r, s, store, -1);
            s->issuer_declined = gen_uni(r) < 0.01; /* funds, limits: the bank's reasons */
            if (s->channel == FR_CH_POS && !s->issuer_declined && gen_uni(r) < 0.01)
                void_of(r, d, d->n - 1, 30, 900, GEN_LEGIT); /* a change of mind at the till */
            p -= 1;
        }
    }
}

/* A taken-over account's purchase: online or in the app (ato_remote of
 * incidents) and/or with a card the fraudster added (ato_new_card); the
 * rest in person with the customer's card, at their store or another. */
static void
takeover(struct gen_rng *r, const struct gen_cfg *cfg, const struct mix *mx,
         const struct customer *c, int i, int day, int k, struct rp_sale *s)
{
    if (gen_uni(r) < mx->ato_new_card)
        snprintf(s->instrument, sizeof s->instrument, "ato-%d-%d", day, k);
    else
        snprintf(s->instrument, sizeof s->instrument, "card-%d-%d", i + 1, c->reissued);
    if (gen_uni(r) < mx->ato_remote) {
        s->channel = gen_uni(r) < 0.5 ? FR_CH_ONLINE : FR_CH_MOBILE;
        return;
    }
    if (gen_uni(r) < 0.5)
        snprintf(s->store, sizeof s->store, "%d", int_in(r, 1, cfg->stores));
    at_till(r, s, atoi(s->store), -1);
}

/* One planted incident of pattern p on day d0 (k: its number); returns the
 * fraudulent rows it added. */
static int
plant(struct gen_rng *r, const struct gen_cfg *cfg, const struct mix *mx, const struct customer *c,
      double typical, int p, int64_t d0, int day, int k, int *n_new, struct rows *d)
{
    int i = (int)(gen_uni(r) * cfg->customers), planted = 0;
    int64_t ts = d0 + sale_hour(r) * 3600 + (int64_t)(gen_uni(r) * 3600);
    char id[24], card[40], nid[24];

    snprintf(id, sizeof id, "%d", i + 1);
    snprintf(card, sizeof card, "card-%d-%d", i + 1, c[i].reissued);
    switch (p) {
    case GEN_STOLEN_BURST: {
        int tries = int_in(r, 4, 9), gap = int_in(r, 20, 120);
        snprintf(card, sizeof card, "stolen-%d-%d", day, k);
        for (int t = 0; t < tries; t++, planted++)
            fill(d, ts + t * gap, "", card, int_in(r, 1, cfg->stores), log_uni(r, 2000, 32000), 1,
                 1, 20000, p);
        break;
    }
    case GEN_TAKEOVER_NIGHT: {
        int64_t total = (int64_t)exp(c[i].log_mu + 2.5 + gen_uni(r));
        ts = d0 + int_in(r, 1, 4) * 3600 + (int64_t)(gen_uni(r) * 3600);
        takeover(
            r, cfg, mx, &c[i], i, day, k,
            fill(d, ts, id, card, c[i].store, total, (int64_t)(c[i].units * 5), 2, total / 4, p));
        planted = 1;
        break;
    }
    case GEN_NEW_HIGH_UNITS: {
        int64_t units = int_in(r, 3, 7), price = log_uni(r, 60000, 150000);
        int store = int_in(r, 1, cfg->stores);
        snprintf(nid, sizeof nid, "new-%d", ++*n_new);
        at_till(r, fill(d, ts, nid, nid, store, units * price, units, units, price, p), store, -1);
        planted = 1;
        break;
    }
    case GEN_CROSS_STORE: { /* a cloned card, in person, store after store */
        int m = int_in(r, 3, 5), span = int_in(r, 600, 1800), used[5];
        for (int s = 0; s < m; s++) {
            int store, dup;
            do { /* m different stores (when there are that many) */
                store = int_in(r, 1, cfg->stores);
                dup = 0;
                for (int j = 0; j < s; j++)
                    dup |= used[j] == store;
            } while (dup && cfg->stores >= m);
            used[s] = store;
            for (int b = int_in(r, 1, 2); b > 0; b--, planted++) {
                int64_t t = ts + (int64_t)s * span / (m - 1) + (b - 1) * int_in(r, 60, 240);
                int64_t total = log_uni(r, 6000, 150000);
                at_till(r, fill(d, t, "", card, store, total, 1, 1, total, p), store, -1);
            }
        }
        break;
    }
    case GEN_CARD_TESTING: {
        int tests = int_in(r, 5, 30), outs = int_in(r, 1, 3);
        double cap = uni_in(r, 100, 500), declines = uni_in(r, 0.2, 0.7);
        int64_t t = ts;
        snprintf(card, sizeof card, "tested-%d-%d", day, k);
        for (int j = 0; j < tests; j++, planted++) {
            struct rp_sale *s = fill(d, t, "", card, int_in(r, 1, cfg->stores),
                                     (int64_t)uni_in(r, 50, cap), 1, 1, 1, p);
            s->issuer_declined = gen_uni(r) < declines;
            t += int_in(r, 10, 180);
        }
        t += int_in(r, 1200, 10800); /* the cash-out, 20 min to 3 h later */
        for (int j = 0; j < outs; j++, planted++) {
            int store = int_in(r, 1, cfg->stores);
            int64_t total = log_uni(r, 12000, 300000);
            struct rp_sale *s = fill(d, t, "", card, store, total, 1, 1, total, p);
            if (gen_uni(r) < 0.5)
                at_till(r, s, store, -1);
            t += int_in(r, 60, 600);
        }
        break;
    }
    case GEN_TAKEOVER_VARIED: {
        for (int tries = 0; tries < 50 && c[i].log_sd < 0.6; tries++)
            i = (int)(gen_uni(r) * cfg->customers);
        snprintf(id, sizeof id, "%d", i + 1);
        for (int m = int_in(r, 1, 3), first = d->n; m > 0; m--, planted++) {
            int64_t total = (int64_t)(exp(c[i].log_mu) * uni_in(r, 5, 15));
            struct rp_sale *s =
                fill(d, ts, id, card, c[i].store, total, (int64_t)c[i].units + 1, 1, total, p);
            if (d->n - 1 == first)
                takeover(r, cfg, mx, &c[i], i, day, k, s);
            else { /* the same card, channel and store as the incident's first */
                memcpy(s->instrument, d->v[first].instrument, sizeof s->instrument);
                memcpy(s->store, d->v[first].store, sizeof s->store);
                memcpy(s->operator, d->v[first].operator, sizeof s->operator);
                s->channel = d->v[first].channel;
            }
            ts += int_in(r, 300, 4 * 3600);
        }
        break;
    }
    case GEN_VOID_OPERATOR: { /* rings up a friend's goods, then voids them */
        int store = int_in(r, 1, cfg->stores), op = int_in(r, 1, 3), m = int_in(r, 5, 20);
        int shift = int_in(r, 2 * 3600, 8 * 3600);
        ts = d0 + int_in(r, 7, 14) * 3600;
        for (int j = 0; j < m; j++, planted++) {
            int64_t total = log_uni(r, 1500, 40000);
            at_till(r, fill(d, ts + (int64_t)j * shift / m, "", "", store, total, 1, 1, total, 0),
                    store, op);
            void_of(r, d, d->n - 1, 30, 600, p);
        }
        break;
    }
    case GEN_VOID_CUSTOMER: { /* buys, takes the goods, has it voided; again */
        int m = int_in(r, 3, 8), span = int_in(r, 2 * 3600, 12 * 3600);
        ts = d0 + int_in(r, 8, 11) * 3600;
        for (int j = 0; j < m; j++, planted++) {
            int64_t total = (int64_t)(exp(c[i].log_mu) * uni_in(r, 1, 3));
            at_till(
                r, fill(d, ts + (int64_t)j * span / m, id, card, c[i].store, total, 1, 1, total, 0),
                c[i].store, -1);
            void_of(r, d, d->n - 1, 120, 1800, p);
        }
        break;
    }
    default: { /* GEN_FIRST_PURCHASE: a new account, far above the usual sale */
        int store = int_in(r, 1, cfg->stores);
        int64_t total = (int64_t)(typical * uni_in(r, 8, 40));
        snprintf(nid, sizeof nid, "new-%d", ++*n_new);
        at_till(r, fill(d, ts, nid, nid, store, total, int_in(r, 1, 3), 1, total, p), store, -1);
        planted = 1;
        break;
    }
    }
    return planted;
}

int64_t
gen_sales(const struct gen_cfg *cfg, void (*emit)(void *arg, const struct rp_sale *s), void *arg)
{
    struct gen_rng r = {cfg->seed};
    struct customer *c = tm_xcalloc((size_t)cfg->customers, sizeof *c);
    struct rows d = {0};
    int n_new = 0;
    int64_t emitted = 0, start = cfg->end_s - (int64_t)cfg->days * 86400;
    double typical = 0;
    struct mix mx;

    mx.big_new_card = uni_in(&r, 0.05, 0.2);
    mx.big_new_channel = uni_in(&r, 0.05, 0.2);
    mx.big_new_store = uni_in(&r, 0.05, 0.2);
    mx.ato_remote = uni_in(&r, 0.5, 0.9);
    mx.ato_new_card = uni_in(&r, 0.3, 0.8);
    for (int i = 0; i < cfg->customers; i++) {
        c[i].log_mu = log(1500 + 20000 * gen_uni(&r));
        c[i].log_sd = 0.2 + 1.0 * gen_uni(&r); /* steady to very varied spenders */
        c[i].rate = 0.05 + 0.4 * gen_uni(&r);
        c[i].store = 1 + (int)(gen_uni(&r) * cfg->stores);
        c[i].store2 = gen_uni(&r) < 0.2 ? 1 + (int)(gen_uni(&r) * cfg->stores) : 0;
        c[i].online = gen_uni(&r) < 0.3 ? uni_in(&r, 0.2, 0.8) : 0;
        c[i].mobile = gen_uni(&r);
        c[i].card2 = gen_uni(&r) < 0.3 ? uni_in(&r, 0.1, 0.4) : 0;
        c[i].units = 1 + 4 * gen_uni(&r);
        typical += c[i].log_mu / cfg->customers;
    }
    typical = exp(typical);
    for (int day = 0; day < cfg->days; day++) {
        int64_t d0 = start + (int64_t)day * 86400, end = d0 + 86400;
        int wd = (int)((d0 / 86400 + 4) % 7); /* 0 Sunday */
        double season = wd == 6 ? 1.5 : wd == 0 ? 1.2 : wd == 5 ? 1.2 : 1.0;
        int carried = d.n, keep = 0;
        legit_day(&r, cfg, &mx, c, d0, season, &d);
        /* planted fraud: about fraud_share of the day's sales */
        for (int k = (int)((d.n - carried) * cfg->fraud_share), j = 0; k > 0; j++)
            k -= plant(&r, cfg, &mx, c, typical, 1 + (int)(gen_uni(&r) * (GEN_PATTERNS - 1)), d0,
                       day, j, &n_new, &d);
        qsort(d.v, (size_t)d.n, sizeof *d.v, by_time);
        for (int i = 0; i < d.n; i++) {
            if (d.v[i].ts_s >= end && day + 1 < cfg->days) {
                d.v[keep++] = d.v[i]; /* tomorrow's, in order */
                continue;
            }
            emit(arg, &d.v[i]);
            emitted++;
        }
        d.n = keep;
    }
    free(d.v);
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
