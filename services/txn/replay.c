/* services/txn/replay.c — a small string-keyed table of histories. */
#include "services/txn/replay.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define RP_BUCKETS 65536
#define RP_STORE_HISTORY (FR_HISTORY_MAX * 4)

struct rp_event {
    int64_t ts, amount;
};

struct rp_entry {
    struct rp_entry *next;
    char key[RP_ID_MAX + 3]; /* "c:" / "i:" / "s:" + id */
    struct rp_event *ev;     /* the last 24 h of sales, oldest first */
    int n_ev, cap_ev;
    int64_t totals[RP_STORE_HISTORY], units[RP_STORE_HISTORY];
    int n_hist, next_hist; /* ring */
    int64_t sales, fraud, legit;
};

struct rp_state {
    struct rp_entry *b[RP_BUCKETS];
};

struct rp_state *
rp_new(void)
{
    return tm_xcalloc(1, sizeof(struct rp_state));
}

void
rp_free(struct rp_state *st)
{
    if (!st)
        return;
    for (int i = 0; i < RP_BUCKETS; i++)
        for (struct rp_entry *e = st->b[i], *nx; e; e = nx) {
            nx = e->next;
            free(e->ev);
            free(e);
        }
    free(st);
}

static struct rp_entry *
entry(struct rp_state *st, char kind, const char *id)
{
    char key[RP_ID_MAX + 3];
    uint32_t h = 2166136261u;
    struct rp_entry *e;

    key[0] = kind;
    key[1] = ':';
    strncpy(key + 2, id, RP_ID_MAX);
    key[RP_ID_MAX + 2] = '\0';
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (e = st->b[h % RP_BUCKETS]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    e = tm_xcalloc(1, sizeof *e);
    memcpy(e->key, key, sizeof key);
    e->next = st->b[h % RP_BUCKETS];
    st->b[h % RP_BUCKETS] = e;
    return e;
}

/* Drops events older than a day before ts. */
static void
trim(struct rp_entry *e, int64_t ts)
{
    int k = 0;

    while (k < e->n_ev && e->ev[k].ts <= ts - fr_window_s[FR_WIN_24H])
        k++;
    if (k) {
        memmove(e->ev, e->ev + k, (size_t)(e->n_ev - k) * sizeof *e->ev);
        e->n_ev -= k;
    }
}

static void
velocity(struct rp_entry *e, const struct rp_sale *s, int scope, struct fr_velocity *v)
{
    trim(e, s->ts_s);
    v->present[scope] = 1;
    for (int w = 0; w < FR_WINDOWS; w++) {
        v->count[scope][w] = 1;
        v->amount[scope][w] = s->total_cents;
        for (int i = e->n_ev - 1; i >= 0 && e->ev[i].ts > s->ts_s - fr_window_s[w]; i--) {
            v->count[scope][w]++;
            v->amount[scope][w] += e->ev[i].amount;
        }
    }
}

static void
history(const struct rp_entry *e, int keep, struct fr_history *h)
{
    int64_t t[RP_STORE_HISTORY], u[RP_STORE_HISTORY];
    int n = e->n_hist < keep ? e->n_hist : keep;

    /* the newest n of the ring */
    for (int i = 0; i < n; i++) {
        int k = (e->next_hist - 1 - i + RP_STORE_HISTORY) % RP_STORE_HISTORY;
        t[i] = e->totals[k];
        u[i] = e->units[k];
    }
    fr_history_from(t, u, n, h);
}

void
rp_facts(struct rp_state *st, const struct rp_sale *s, struct fr_facts *f)
{
    struct rp_entry *store = entry(st, 's', s->store);

    memset(f, 0, sizeof *f);
    f->total_cents = s->total_cents;
    f->units = s->units;
    f->top_units = s->top_units;
    f->top_price_cents = s->top_price_cents;
    f->local_hour = s->local_hour;
    f->utc_hour = (int)((s->ts_s % 86400 + 86400) % 86400 / 3600);
    f->velocity.evaluated = 1;
    velocity(store, s, FR_SCOPE_STORE, &f->velocity);
    history(store, RP_STORE_HISTORY, &f->store);
    if (s->instrument[0])
        velocity(entry(st, 'i', s->instrument), s, FR_SCOPE_INSTRUMENT, &f->velocity);
    if (s->customer[0]) {
        struct rp_entry *c = entry(st, 'c', s->customer);
        f->has_customer = 1;
        f->customer_sales = c->sales;
        f->customer_risk = fr_risk_from_labels(c->fraud, c->legit);
        velocity(c, s, FR_SCOPE_CUSTOMER, &f->velocity);
        history(c, FR_HISTORY_MAX, &f->customer);
    }
}

static void
add_to(struct rp_entry *e, const struct rp_sale *s)
{
    if (e->n_ev == e->cap_ev) {
        e->cap_ev = e->cap_ev ? 2 * e->cap_ev : 8;
        e->ev = tm_xrealloc(e->ev, (size_t)e->cap_ev * sizeof *e->ev);
    }
    e->ev[e->n_ev].ts = s->ts_s;
    e->ev[e->n_ev++].amount = s->total_cents;
    e->totals[e->next_hist] = s->total_cents;
    e->units[e->next_hist] = s->units;
    e->next_hist = (e->next_hist + 1) % RP_STORE_HISTORY;
    if (e->n_hist < RP_STORE_HISTORY)
        e->n_hist++;
    e->sales++;
}

void
rp_add(struct rp_state *st, const struct rp_sale *s, int flagged)
{
    add_to(entry(st, 's', s->store), s);
    if (s->instrument[0])
        add_to(entry(st, 'i', s->instrument), s);
    if (s->customer[0]) {
        struct rp_entry *c = entry(st, 'c', s->customer);
        add_to(c, s);
        if (flagged) {
            c->fraud += s->label ? 1 : 0;
            c->legit += s->label ? 0 : 1;
        }
    }
}
