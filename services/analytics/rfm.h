/* services/analytics/rfm.h — RFM segments of customers: (R, F, M) score
 * triples mapped to named segments and summed per segment
 * (docs/analytics.md, "Customer segments (RFM)"). The scores themselves,
 * quintiles 1..5 (5 best) among the customers in scope, are computed in
 * SQL (an_qdb_rfm_cells, query_store.c), so a report's memory does not grow
 * with the number of customers. Pure: no I/O, no clock, no allocation;
 * thread-safe. Prefix rfm_. */
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

/* The segment of scores (r, f, m), each 1..5: see the table in
 * docs/analytics.md. Total: every combination has one. */
enum rfm_segment rfm_segment_of(int r, int f, int m);

/* The customers who share one (R, F, M) score triple, and their sums:
 * what the customer-segments query returns (at most RFM_CELLS rows). */
#define RFM_CELLS 125
struct rfm_cell {
    int r, f, m; /* 1..5 each */
    int64_t customers;
    int64_t recency_s_sum;     /* Σ (now - last sale), never negative per customer */
    int64_t transactions_sum;  /* Σ sales */
    int64_t revenue_cents_sum; /* Σ revenue */
};

/* What one segment holds. */
struct rfm_segment_stats {
    int64_t customers;
    int64_t recency_s_sum;
    int64_t transactions_sum;
    int64_t revenue_cents_sum;
};

/* Sums cells c[0..n) per segment (rfm_segment_of their triple) into out
 * (zeroed first). A cell with a score outside 1..5 is not counted. */
void rfm_summarize(const struct rfm_cell *c, size_t n,
                   struct rfm_segment_stats out[RFM_N_SEGMENTS]);

#endif
