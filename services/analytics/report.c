/* services/analytics/report.c — the daily report's arithmetic (report.h).
 * Called by the daily-report job once per store and day, on at most 24
 * hour rows and 10 products: clarity over speed. The facts come from our
 * own tables, but are checked all the same, so a bad row is a failed run,
 * never a report with wrapped sums. */
#include "services/analytics/report.h"

#include <stdlib.h>
#include <string.h>

#include "services/analytics/query.h"

static int
figures_ok(const struct an_figures *f)
{
    return f->revenue_cents >= 0 && f->units >= 0 && f->transactions >= 0 && f->customers >= 0 &&
           f->voided >= 0 && f->declined >= 0 && f->flagged >= 0;
}

/* acc += f, but customers (the day's own count); 0 on overflow. */
static int
figures_add(struct an_figures *acc, const struct an_figures *f)
{
    return !__builtin_add_overflow(acc->revenue_cents, f->revenue_cents, &acc->revenue_cents) &&
           !__builtin_add_overflow(acc->units, f->units, &acc->units) &&
           !__builtin_add_overflow(acc->transactions, f->transactions, &acc->transactions) &&
           !__builtin_add_overflow(acc->voided, f->voided, &acc->voided) &&
           !__builtin_add_overflow(acc->declined, f->declined, &acc->declined) &&
           !__builtin_add_overflow(acc->flagged, f->flagged, &acc->flagged);
}

/* Revenue, then units, descending; then product id ascending: a total
 * order, so equal products rank the same way on every run. */
static int
product_cmp(const void *a, const void *b)
{
    const struct an_report_product *x = a, *y = b;

    if (x->revenue_cents != y->revenue_cents)
        return x->revenue_cents > y->revenue_cents ? -1 : 1;
    if (x->units != y->units)
        return x->units > y->units ? -1 : 1;
    return (x->product_id > y->product_id) - (x->product_id < y->product_id);
}

enum tm_code
an_report_build(const struct an_report_facts *facts, struct an_report *out, struct tm_err *err)
{
    int seen[AN_REPORT_HOURS] = {0};

    memset(out, 0, sizeof *out);
    if (facts->n_hours < 0 || facts->n_hours > AN_REPORT_HOURS)
        return tm_err_set(err, TM_INVALID, "hours", "%d hour rows", facts->n_hours);
    if (facts->n_products < 0 || facts->n_products > AN_REPORT_TOP)
        return tm_err_set(err, TM_INVALID, "products", "%d products", facts->n_products);
    for (int i = 0; i < facts->n_hours; i++) {
        const struct an_report_hour *h = &facts->hours[i];
        if (h->hour < 0 || h->hour >= AN_REPORT_HOURS || seen[h->hour])
            return tm_err_set(err, TM_INVALID, "hours", "hour %d out of range or twice", h->hour);
        if (!figures_ok(&h->f) || !figures_add(&out->totals, &h->f))
            return tm_err_set(err, TM_INVALID, "hours", "hour %d: figures out of range", h->hour);
        seen[h->hour] = 1;
        out->hours[h->hour] = h->f;
    }
    if (facts->customers < 0 || facts->voided_cents < 0)
        return tm_err_set(err, TM_INVALID, "hours", "negative day figures");
    out->totals.customers = facts->customers;
    out->voided_cents = facts->voided_cents;
    out->average_basket_cents = anq_avg_cents(out->totals.revenue_cents, out->totals.transactions);
    if (out->average_basket_cents == ANQ_NONE)
        out->average_basket_cents = 0; /* a report's figures are numbers: no sales, no basket */
    for (int i = 0; i < facts->n_products; i++) {
        const struct an_report_product *p = &facts->products[i];
        if (p->revenue_cents < 0 || p->units < 0 || p->transactions < 0)
            return tm_err_set(err, TM_INVALID, "products", "product %lld: negative figures",
                              (long long)p->product_id);
        out->top[i] = *p;
    }
    out->n_top = facts->n_products;
    qsort(out->top, (size_t)out->n_top, sizeof out->top[0], product_cmp);
    return TM_OK;
}

static int
clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int
an_report_due(const struct an_report_window *w, int64_t *out, int max)
{
    int backfill = clamp(w->backfill_days, 1, AN_REPORT_BACKFILL_MAX),
        amend = clamp(w->amend_days, 0, AN_REPORT_BACKFILL_MAX);
    int64_t start, last = w->last_day;
    int n = 0;

    if (last < INT64_MIN + AN_REPORT_BACKFILL_MAX || w->first_day > last)
        return 0;
    if (!w->has_latest) {
        start = last - (backfill - 1);
    } else {
        int64_t amend_start = amend > 0 ? last - (amend - 1) : INT64_MAX;
        if (w->latest_day >= last && amend == 0)
            return 0; /* nothing new, nothing to amend */
        start = w->latest_day < last && w->latest_day + 1 < amend_start ? w->latest_day + 1
                                                                        : amend_start;
    }
    if (start < w->first_day)
        start = w->first_day;
    for (int64_t d = start; d <= last && n < max; d++) {
        out[n++] = d;
        if (d == last)
            break; /* d++ could wrap */
    }
    return n;
}

int
an_report_ready(int64_t applied_seq, int64_t source_seq, int64_t heard_ms, int64_t since_ms)
{
    return heard_ms > 0 && heard_ms >= since_ms && applied_seq >= source_seq;
}
