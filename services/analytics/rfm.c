/* services/analytics/rfm.c — RFM quintiles and segments. Called by the
 * customer-segments report with every customer that has a completed sale
 * (tens of thousands in the sample; each is sorted three times, O(n log n)).
 * Quintiles come from ranks rather than from NTILE-like cuts so that equal
 * values always share a score: many customers have exactly one sale, and
 * NTILE would split them over two scores by their ids. */
#include "services/analytics/rfm.h"

#include <stdlib.h>
#include <string.h>

const char *
rfm_segment_name(enum rfm_segment s)
{
    static const char *const names[] = {
#define X(name, wire) wire,
        RFM_SEGMENTS(X)
#undef X
    };
    return (unsigned)s < RFM_N_SEGMENTS ? names[s] : "unknown";
}

/* The value of dimension dim (0 R, 1 F, 2 M): higher is better in each. */
static int64_t
value(const struct rfm_customer *c, int dim)
{
    return dim == 0 ? c->last_sale_s : dim == 1 ? c->transactions : c->revenue_cents;
}

/* Sorts order[0..n) (indices into c) by dimension dim, ascending; tmp[n]
 * is scratch. A merge sort: qsort could not see c and dim without a global. */
static void
sort_by(const struct rfm_customer *c, uint32_t *order, uint32_t *tmp, size_t n, int dim)
{
    if (n < 2)
        return;
    size_t h = n / 2, i = 0, j = h, k = 0;
    sort_by(c, order, tmp, h, dim);
    sort_by(c, order + h, tmp, n - h, dim);
    while (i < h && j < n)
        tmp[k++] = value(&c[order[j]], dim) < value(&c[order[i]], dim) ? order[j++] : order[i++];
    while (i < h)
        tmp[k++] = order[i++];
    while (j < n)
        tmp[k++] = order[j++];
    for (k = 0; k < n; k++)
        order[k] = tmp[k];
}

static void
score_dim(const struct rfm_customer *c, size_t n, struct rfm_score *out, uint32_t *order, int dim)
{
    uint32_t *tmp = order + n;

    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    sort_by(c, order, tmp, n, dim);
    for (size_t lo = 0; lo < n;) {
        size_t hi = lo;
        int s;
        while (hi < n && value(&c[order[hi]], dim) == value(&c[order[lo]], dim))
            hi++;
        /* 1 + floor(5 (below + equal/2) / n) in integers: below = lo, equal = hi - lo */
        s = 1 + (int)((10 * (uint64_t)lo + 5 * (uint64_t)(hi - lo)) / (2 * (uint64_t)n));
        if (s > 5)
            s = 5;
        for (size_t k = lo; k < hi; k++) {
            struct rfm_score *o = &out[order[k]];
            *(dim == 0 ? &o->r : dim == 1 ? &o->f : &o->m) = s;
        }
        lo = hi;
    }
}

void
rfm_score_all(const struct rfm_customer *c, size_t n, struct rfm_score *out, uint32_t *order)
{
    for (int dim = 0; dim < 3; dim++)
        score_dim(c, n, out, order, dim);
    for (size_t i = 0; i < n; i++)
        out[i].segment = rfm_segment_of(out[i].r, out[i].f, out[i].m);
}

enum rfm_segment
rfm_segment_of(int r, int f, int m)
{
    int fm = (f + m + 1) / 2; /* frequency and monetary together, rounded half up */
    if (r <= 2)
        return fm == 5   ? RFM_CANT_LOSE
               : fm >= 3 ? RFM_AT_RISK
               : r == 1  ? RFM_LOST
                         : RFM_HIBERNATING;
    if (r == 3)
        return fm >= 4 ? RFM_LOYAL : fm == 3 ? RFM_NEED_ATTENTION : RFM_ABOUT_TO_SLEEP;
    if (fm >= 4)
        return r == 5 ? RFM_CHAMPIONS : RFM_LOYAL;
    if (fm >= 2)
        return RFM_POTENTIAL_LOYALISTS;
    return r == 5 ? RFM_NEW : RFM_PROMISING;
}

void
rfm_summarize(const struct rfm_customer *c, const struct rfm_score *s, size_t n, int64_t now_s,
              struct rfm_segment_stats out[RFM_N_SEGMENTS])
{
    memset(out, 0, sizeof *out * RFM_N_SEGMENTS);
    for (size_t i = 0; i < n; i++) {
        struct rfm_segment_stats *o = &out[s[i].segment];
        o->customers++;
        o->recency_s_sum += now_s > c[i].last_sale_s ? now_s - c[i].last_sale_s : 0;
        o->transactions_sum += c[i].transactions;
        o->revenue_cents_sum += c[i].revenue_cents;
    }
}
