/* services/analytics/rfm.h — RFM segments of customers: recency, frequency
 * and monetary value scored into quintiles 1..5 (5 best) among the
 * customers given, then (R, F, M) mapped to a named segment
 * (docs/analytics.md, "Customer segments"). Pure: no I/O, no clock, no
 * allocation (the caller lends the scratch); thread-safe. Prefix rfm_. */
#ifndef TM_ANALYTICS_RFM_H
#define TM_ANALYTICS_RFM_H

#include <stddef.h>
#include <stdint.h>

/* X(enum name, wire name): the segments, in the order replies list them. */
#define RFM_SEGMENTS(X)                                                                            \
    X(CHAMPIONS, "champions")                                                                      \
    X(LOYAL, "loyal")                                                                              \
    X(POTENTIAL_LOYALISTS, "potential_loyalists")                                                  \
    X(NEW, "new")                                                                                  \
    X(PROMISING, "promising")                                                                      \
    X(NEED_ATTENTION, "need_attention")                                                            \
    X(ABOUT_TO_SLEEP, "about_to_sleep")                                                            \
    X(AT_RISK, "at_risk")                                                                          \
    X(CANT_LOSE, "cant_lose")                                                                      \
    X(HIBERNATING, "hibernating")                                                                  \
    X(LOST, "lost")

enum rfm_segment {
#define X(name, wire) RFM_##name,
    RFM_SEGMENTS(X)
#undef X
        RFM_N_SEGMENTS
};

/* The segment's wire name ("champions"). */
const char *rfm_segment_name(enum rfm_segment s);

/* One customer's completed sales (lifetime, or at the caller's stores). */
struct rfm_customer {
    int64_t last_sale_s;   /* epoch seconds of the latest sale: later is more recent */
    int64_t transactions;  /* sales */
    int64_t revenue_cents; /* their revenue */
};

struct rfm_score {
    int r, f, m; /* 1..5, 5 best */
    enum rfm_segment segment;
};

/* Scores c[0..n) into out[0..n) (out[i] for c[i]); order[2n] is scratch
 * (n at most UINT32_MAX).
 * A customer's score in each dimension is the quintile of the midpoint of
 * its rank: 1 + floor(5 × (below + equal / 2) / n), where below counts the
 * customers with a worse value and equal those with the same (itself
 * included). Customers with equal values get equal scores, whatever their
 * order in c; a lone customer scores 3; n distinct values in 5s spread
 * evenly. n may be 0. */
void rfm_score_all(const struct rfm_customer *c, size_t n, struct rfm_score *out, uint32_t *order);

/* The segment of scores (r, f, m), each 1..5: see the table in
 * docs/analytics.md. Total: every combination has one. */
enum rfm_segment rfm_segment_of(int r, int f, int m);

/* What one segment holds. */
struct rfm_segment_stats {
    int64_t customers;
    int64_t recency_s_sum;     /* Σ (now_s - last_sale_s), never negative per customer */
    int64_t transactions_sum;  /* Σ transactions */
    int64_t revenue_cents_sum; /* Σ revenue_cents */
};

/* Sums c[0..n), scored into s, per segment into out (zeroed first);
 * now_s is the instant recency is counted to. */
void rfm_summarize(const struct rfm_customer *c, const struct rfm_score *s, size_t n, int64_t now_s,
                   struct rfm_segment_stats out[RFM_N_SEGMENTS]);

#endif
