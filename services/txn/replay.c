/* services/txn/replay.c — a small string-keyed table of histories: attempts
 * and voids of the last day per key, rings of sales for "usual". */
#include "services/txn/replay.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define RP_BUCKETS 65536
#define RP_STORE_HISTORY (FR_HISTORY_MAX * 4)

struct rp_event {
    int64_t ts, amount, store;
    int channel, declined;
};

/* Sales history kept for "usual": a ring of the newest totals. */
struct rp_ring {
    int64_t totals[RP_STORE_HISTORY], units[RP_STORE_HISTORY], store[RP_STORE_HISTORY];
    int instrument[RP_STORE_HISTORY]; /* the instrument's entry serial, 0: none */
    int channel[RP_STORE_HISTORY];
    int usual[RP_STORE_HISTORY];  /* 0 no, 1 approved (once aged), 2 labelled legitimate */
    int64_t ts[RP_STORE_HISTORY]; /* when it was recorded (epoch s) */
    int n, next;
};

struct rp_entry {
    struct rp_entry *next;
    char key[RP_ID_MAX + 3]; /* "c:" / "i:" / "s:" / "o:" (voids "C:" "S:" "O:") + id */
    struct rp_event *ev;     /* the last 24 h of attempts (or voids), oldest first */
    int n_ev, cap_ev;
    struct rp_ring hist; /* sales not declined */
    int64_t sales, fraud, legit;
    int serial; /* 1, 2, ...: this key's number (an instrument's identity in a ring) */
};

struct rp_state {
    struct rp_entry *b[RP_BUCKETS];
    struct rp_ring population; /* every store's */
    int serials;
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
    e->serial = ++st->serials;
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

/* The store's number: its id when numeric, else a hash of it. */
static int64_t
store_num(const char *id)
{
    char *end;
    long long v = strtoll(id, &end, 10);
    uint32_t h = 2166136261u;

    if (id[0] && !*end)
        return v;
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return (int64_t)h;
}

/* count: attempts in each window, this one included; amount: the spend of
 * those not declined, plus this one's. */
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
            v->amount[scope][w] += e->ev[i].declined ? 0 : e->ev[i].amount;
        }
    }
}

/* The earlier attempts of the last 24 h, newest first. */
static void
attempts(struct rp_entry *e, const struct rp_sale *s, struct fr_attempts *l)
{
    trim(e, s->ts_s);
    l->evaluated = 1;
    l->n = 0;
    for (int i = e->n_ev - 1; i >= 0 && l->n < FR_ATTEMPTS_MAX; i--) {
        struct fr_attempt *a = &l->a[l->n++];
        a->ts_s = e->ev[i].ts;
        a->total_cents = e->ev[i].amount;
        a->store_id = e->ev[i].store;
        a->channel = e->ev[i].channel;
        a->declined = e->ev[i].declined;
    }
}

static void
history(const struct rp_ring *r, int keep, struct fr_history *h)
{
    int64_t t[RP_STORE_HISTORY], u[RP_STORE_HISTORY];
    int n = r->n < keep ? r->n : keep;

    /* the newest n of the ring */
    for (int i = 0; i < n; i++) {
        int k = (r->next - 1 - i + RP_STORE_HISTORY) % RP_STORE_HISTORY;
        t[i] = r->totals[k];
        u[i] = r->units[k];
    }
    fr_history_from(t, u, n, h);
}

/* How many of the customer's newest FR_HISTORY_MAX sales (those
 * fr_facts.customer summarises) share this attempt's instrument (serial
 * instr, 0: none), channel and store, at ts. Only a usual sale makes a
 * context usual, as in the service (fr_context): one labelled legitimate
 * (the replay reviews a flagged sale at once, as it feeds risk scores), or
 * approved FR_USUAL_AGE_S or more before ts; a card first used on a sale
 * flagged and found fraudulent stays new. Not mirrored: a voided sale
 * stays usual here (a void in the file does not name its sale). The
 * generator names the card of every card sale, so "no instrument" is
 * "not a card" here. */
static void
context(const struct rp_ring *r, int instr, int channel, int64_t store, int64_t ts,
        struct fr_context *c)
{
    int n = r->n < FR_HISTORY_MAX ? r->n : FR_HISTORY_MAX;

    memset(c, 0, sizeof *c);
    c->n = n;
    c->card_judged = instr != 0;
    for (int i = 0; i < n; i++) {
        int k = (r->next - 1 - i + RP_STORE_HISTORY) % RP_STORE_HISTORY;
        if (r->usual[k] == 0 || (r->usual[k] == 1 && r->ts[k] > ts - FR_USUAL_AGE_S))
            continue;
        c->same_instrument += instr && r->instrument[k] == instr;
        c->same_channel += r->channel[k] == channel;
        c->same_store += r->store[k] == store;
    }
}

static void
void_facts(struct rp_state *st, const struct rp_sale *s, struct fr_facts *f)
{
    f->reversals.evaluated = 1;
    velocity(entry(st, 'S', s->store), s, FR_SCOPE_STORE, &f->reversals);
    if (s->customer[0])
        velocity(entry(st, 'C', s->customer), s, FR_SCOPE_CUSTOMER, &f->reversals);
    if (s->operator[0])
        velocity(entry(st, 'O', s->operator), s, FR_SCOPE_OPERATOR, &f->reversals);
}

void
rp_facts(struct rp_state *st, const struct rp_sale *s, struct fr_facts *f)
{
    struct rp_entry *store = entry(st, 's', s->store);
    int instr = 0;

    memset(f, 0, sizeof *f);
    f->event = s->event == FR_EV_VOID ? FR_EV_VOID : FR_EV_SALE;
    f->ts_s = s->ts_s;
    f->store_id = store_num(s->store);
    f->channel = s->channel;
    f->total_cents = s->total_cents;
    f->units = s->units;
    f->top_units = s->top_units;
    f->top_price_cents = s->top_price_cents;
    f->local_hour = s->local_hour;
    f->utc_hour = (int)((s->ts_s % 86400 + 86400) % 86400 / 3600);
    f->has_customer = s->customer[0] != '\0';
    f->inst_attempts.evaluated = f->cust_attempts.evaluated = 1;
    if (f->event == FR_EV_VOID) {
        void_facts(st, s, f);
        return;
    }
    f->velocity.evaluated = 1;
    velocity(store, s, FR_SCOPE_STORE, &f->velocity);
    history(&store->hist, RP_STORE_HISTORY, &f->store);
    history(&st->population, RP_STORE_HISTORY, &f->population);
    if (s->operator[0])
        velocity(entry(st, 'o', s->operator), s, FR_SCOPE_OPERATOR, &f->velocity);
    if (s->instrument[0]) {
        struct rp_entry *i = entry(st, 'i', s->instrument);
        attempts(i, s, &f->inst_attempts);
        velocity(i, s, FR_SCOPE_INSTRUMENT, &f->velocity);
        instr = i->serial;
    }
    if (s->customer[0]) {
        struct rp_entry *c = entry(st, 'c', s->customer);
        f->customer_sales = c->sales;
        f->customer_risk = fr_risk_from_labels(c->fraud, c->legit);
        attempts(c, s, &f->cust_attempts);
        velocity(c, s, FR_SCOPE_CUSTOMER, &f->velocity);
        history(&c->hist, FR_HISTORY_MAX, &f->customer);
        context(&c->hist, instr, s->channel, f->store_id, s->ts_s, &f->context);
    }
}

/* usual: 0 not, 1 approved (usual once aged), 2 labelled legitimate. */
static void
ring_add(struct rp_ring *r, const struct rp_sale *s, int instr, int usual)
{
    r->usual[r->next] = usual;
    r->ts[r->next] = s->ts_s;
    r->totals[r->next] = s->total_cents;
    r->units[r->next] = s->units;
    r->store[r->next] = store_num(s->store);
    r->instrument[r->next] = instr;
    r->channel[r->next] = s->channel;
    r->next = (r->next + 1) % RP_STORE_HISTORY;
    if (r->n < RP_STORE_HISTORY)
        r->n++;
}

static void
add_to(struct rp_entry *e, const struct rp_sale *s, int declined, int instr, int usual)
{
    struct rp_event *v;

    if (e->n_ev == e->cap_ev) {
        e->cap_ev = e->cap_ev ? 2 * e->cap_ev : 8;
        e->ev = tm_xrealloc(e->ev, (size_t)e->cap_ev * sizeof *e->ev);
    }
    v = &e->ev[e->n_ev++];
    v->ts = s->ts_s;
    v->amount = s->total_cents;
    v->store = store_num(s->store);
    v->channel = s->channel;
    v->declined = declined;
    if (declined || s->event == FR_EV_VOID)
        return;
    ring_add(&e->hist, s, instr, usual);
    e->sales++;
}

void
rp_add(struct rp_state *st, const struct rp_sale *s, enum fr_decision d)
{
    int declined = d == FR_DECLINE || s->issuer_declined, instr = 0;
    int usual = d == FR_APPROVE ? 1 : !s->label ? 2 : 0;

    if (s->event == FR_EV_VOID) {
        add_to(entry(st, 'S', s->store), s, 0, 0, 0);
        if (s->customer[0])
            add_to(entry(st, 'C', s->customer), s, 0, 0, 0);
        if (s->operator[0])
            add_to(entry(st, 'O', s->operator), s, 0, 0, 0);
        return;
    }
    if (s->instrument[0]) {
        struct rp_entry *i = entry(st, 'i', s->instrument);
        instr = i->serial;
        add_to(i, s, declined, instr, usual);
    }
    add_to(entry(st, 's', s->store), s, declined, instr, usual);
    if (!declined)
        ring_add(&st->population, s, instr, usual);
    if (s->operator[0])
        add_to(entry(st, 'o', s->operator), s, declined, instr, usual);
    if (s->customer[0]) {
        struct rp_entry *c = entry(st, 'c', s->customer);
        add_to(c, s, declined, instr, usual);
        if (d != FR_APPROVE) {
            c->fraud += s->label ? 1 : 0;
            c->legit += s->label ? 0 : 1;
        }
    }
}
