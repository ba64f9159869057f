/* services/analytics/rfm.c — RFM segments of score triples. Called by the
 * customer-segments report with at most RFM_CELLS triples, whatever the
 * number of customers (their scores come from SQL). */
#include "services/analytics/rfm.h"

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
rfm_summarize(const struct rfm_cell *c, size_t n, struct rfm_segment_stats out[RFM_N_SEGMENTS])
{
    memset(out, 0, sizeof *out * RFM_N_SEGMENTS);
    for (size_t i = 0; i < n; i++) {
        struct rfm_segment_stats *o;

        if (c[i].r < 1 || c[i].r > 5 || c[i].f < 1 || c[i].f > 5 || c[i].m < 1 || c[i].m > 5)
            continue;
        o = &out[rfm_segment_of(c[i].r, c[i].f, c[i].m)];
        o->customers += c[i].customers;
        o->recency_s_sum += c[i].recency_s_sum;
        o->transactions_sum += c[i].transactions_sum;
        o->revenue_cents_sum += c[i].revenue_cents_sum;
    }
}
