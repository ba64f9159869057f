/* services/inventory/reorder.h — the reorder policy of one (store, product),
 * pure: plain structs in, plain structs out, no I/O, no clock, no
 * randomness. docs/reorder.md gives the arithmetic and its sources.
 *
 * A periodic-review (R, s, S) policy: every R days the inventory position
 * (on hand − reserved + purchase orders due within the lead time) is
 * reviewed; at or under the reorder point s, an order brings it up to S.
 *
 * Demand is not assumed normal. The forecasting engine's distribution of
 * the demand summed over 1..h days (fc_result.cum_q: empirical quantiles of
 * its own errors for intermittent, lumpy and erratic series, ETS variances
 * for smooth ones) is read as a piecewise-linear quantile function with an
 * exponential upper tail. The lead time L is random: its measured mean and
 * standard deviation (the chosen supplier's receipts; quoted values when
 * too few) make a discretised normal over whole days, and the demand over
 * the protection period L + R is the mixture of the engine's sums over
 * ℓ + R days weighted by P(L = ℓ).
 *
 * Fill rate (the share of demand served from stock), not the chance of no
 * stock-out: s is the least whole number whose expected shortage per
 * review period is at most (1 − target) × the period's expected demand.
 * With the position y after a review, the period's shortage is
 * E[(D(L+R) − y)⁺] − E[(D(L) − y)⁺] (what an order placed now finds short
 * on arrival, less what was short before; Hadley & Whitin 1963, Silver,
 * Pyke & Thomas 2017 ch. 7); y is S after an order and, k reviews
 * without one later, S − D(kR) while D(kR) < S − s (the renewal of the
 * review demands, read off the same sums), so small orders (a review
 * period's demand) are costed as the base-stock policy they are; an order
 * that lasts longer than the distribution's days makes y uniform on
 * (s, S], the renewal's limit. With lost sales (the default) demand that
 * finds no stock does not lower the position: it stands above the
 * backordered one by what is lost over a lead time, (1 − target) × E[D(L)],
 * and s is that much lower. The order size is the larger of the EOQ and
 * the review period's demand, rounded up to the MOQ and the pack size;
 * S = s + order size. */
#ifndef TM_INVENTORY_REORDER_H
#define TM_INVENTORY_REORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

#include "services/inventory/forecast.h"

#define RP_MAX_HORIZON 200       /* days of demand a distribution holds, at most */
#define RP_REVIEW_MAX 90         /* review period, days */
#define RP_QUANTITY_MAX 10000000 /* units: larger quantities are refused */
#define RP_RENEWAL_POINTS 256    /* positions between orders costed, at most (reorder.c) */

/* The demand of one (store, product) as the engine forecast it. */
struct rp_dist {
    enum fc_class cls;
    enum fc_model model;
    double mase;                             /* the chosen model's backtest MASE (0 when none) */
    int horizon;                             /* days held, 1..RP_MAX_HORIZON */
    double cum_mean[RP_MAX_HORIZON];         /* expected demand over days 1..h (index h-1) */
    double cum_q[RP_MAX_HORIZON][FC_CUM_NQ]; /* its quantiles at fc_cum_levels */
};

/* Copies what the policy reads of an engine result (its first
 * min(r->horizon, RP_MAX_HORIZON) days). */
void rp_dist_from_forecast(const struct fc_result *r, struct rp_dist *out);

enum rp_lead_source {
    RP_LEAD_MEASURED, /* the supplier's receipts */
    RP_LEAD_QUOTED,   /* the offer's quoted lead time and spread */
    RP_LEAD_GIVEN     /* given by the caller (tm-reorder-eval, a setting) */
};

struct rp_lead {
    double mean_days; /* ≥ 0 */
    double sd_days;   /* ≥ 0 */
    enum rp_lead_source source;
    int receipts;        /* receipts measured (0 unless measured) */
    int64_t supplier_id; /* 0 when none */
};

/* What becomes of demand the shelf cannot serve. */
enum rp_unmet {
    RP_LOST_SALES, /* the customer buys elsewhere (a shop: the default) */
    RP_BACKORDERS  /* the customer waits for the next delivery */
};

struct rp_input {
    const struct rp_dist *dist;
    enum rp_unmet unmet; /* lost sales unless told otherwise */
    struct rp_lead lead;
    int review_days;       /* R, 1..RP_REVIEW_MAX (1: reviewed daily) */
    double fill_rate;      /* target, in (0, 1) */
    char abc;              /* 'A', 'B' or 'C': shown, the target is already chosen */
    int64_t moq;           /* minimum order quantity, ≥ 0 (0: none) */
    int64_t pack_size;     /* ≥ 1: orders are multiples of it */
    double unit_cost;      /* per unit (cents), ≥ 0 */
    double holding_rate;   /* holding cost per year as a share of unit cost, ≥ 0 */
    double order_cost;     /* per order (cents), ≥ 0 */
    double max_cover_days; /* the EOQ is capped at this many days of demand, ≥ 0 (0: none) */
    int64_t on_hand;       /* ≥ 0 */
    int64_t reserved;      /* ≥ 0 */
    int64_t incoming_due;  /* ordered units due within the lead time, ≥ 0 */
    int64_t today_day;     /* days since the epoch */
    int renewal_points;    /* positions between orders costed, at most; 0: RP_RENEWAL_POINTS */
};

enum rp_urgency {
    RP_URGENCY_NONE,     /* position above the reorder point */
    RP_URGENCY_NORMAL,   /* at or under it; stock lasts an average lead time */
    RP_URGENCY_HIGH,     /* stock-out expected before an order placed today arrives */
    RP_URGENCY_CRITICAL, /* nothing available now */
    RP_URGENCY_COUNT
};

struct rp_result {
    /* the protection period L + R */
    int lead_lo, lead_hi;    /* whole days of lead time given weight */
    double crossing_sd_days; /* the spread an order at every review meets (reorder.c) */
    double between_sd_days;  /* ... and the reviews between orders meet (reorder.c) */
    double protection_mean;  /* expected demand over L + R */
    double daily_mean;       /* expected demand per day (the distribution's horizon) */
    double review_mean;      /* expected demand over R */
    double undershoot;       /* expected fall below s before a review sees it */
    double lead_mean;        /* expected demand over the lead time L */
    double lost_lift;        /* lost sales: (1 − target) × lead_mean, what the position
                                stands above the backordered one (reorder.c); 0 with backorders */
    int renewal;             /* 1: positions between orders from the demand's own sums
                                (reorder.c); 0: taken as uniform on (s, S] */
    double cycle_reviews;    /* reviews from one order to the next (1 / order_share) */
    /* the order size */
    double eoq; /* sqrt(2 × annual demand × order cost / (holding rate × unit cost)); 0 when
                   undefined */
    int64_t order_size; /* max(EOQ, review_mean, 1), rounded up to MOQ and pack */
    /* the levels */
    int64_t reorder_point;      /* s */
    double safety_stock;        /* s − protection_mean (may be negative: skewed demand) */
    int64_t order_up_to;        /* S = s + order_size */
    double order_share;         /* share of reviews that place an order */
    double shortage_per_review; /* expected units short a review period at s, S */
    double expected_fill_rate;  /* 1 − shortage_per_review / review_mean */
    /* now */
    int64_t available;          /* on_hand − reserved */
    int64_t position;           /* available + incoming_due */
    bool reorder;               /* position ≤ s */
    int64_t order_quantity_raw; /* S − position when reorder, else 0 */
    int64_t order_quantity;     /* raw rounded up to MOQ and pack (0 when no reorder) */
    enum rp_urgency urgency;
    int64_t stockout_day; /* first day expected demand exceeds `available`; -1 beyond the horizon */
};

/* Days of demand distribution the policy needs for this lead time and
 * review period: the longest lead time given weight + R. */
int rp_horizon_needed(const struct rp_lead *lead, int review_days);

/* TM_OK when the input is usable, else TM_INVALID naming the field:
 * "fill_rate" (outside (0, 1)), "lead_time_mean_days", "lead_time_sd_days"
 * (negative or not finite), "review_days", "moq", "pack_size",
 * "unit_cost", "holding_rate", "order_cost", "max_cover_days", "on_hand",
 * "reserved",
 * "incoming_due", "horizon" (the distribution holds fewer days than
 * rp_horizon_needed, or none), "dist". */
TM_MUSTCHECK enum tm_code rp_check(const struct rp_input *in, struct tm_err *err);

/* The policy (see the file head). rp_check's errors; *out zeroed then. */
TM_MUSTCHECK enum tm_code rp_policy(const struct rp_input *in, struct rp_result *out,
                                    struct tm_err *err);

/* E[(D(h) − s)⁺] of the demand over days 1..h (1 ≤ h ≤ d->horizon). */
double rp_expected_excess(const struct rp_dist *d, int h, double s);

/* q rounded up to at least moq (0: none) and to a multiple of pack (≥ 1). */
int64_t rp_round_order(double q, int64_t moq, int64_t pack);

const char *rp_urgency_name(enum rp_urgency u);
const char *rp_lead_source_name(enum rp_lead_source s);

/* ABC classes from revenue: items sorted by revenue, largest first; those
 * whose cumulative share, up to and including their own, first reaches
 * cut_a are 'A', then up to cut_b 'B', the rest 'C'. An item without
 * revenue is 'C'. 0 < cut_a ≤ cut_b ≤ 1. out[i] for revenue[i]. */
void rp_abc(const double *revenue, int n, double cut_a, double cut_b, char *out);

/* Fill-rate targets per ABC class (defaults A 0.98, B 0.95, C 0.90). */
struct rp_levels {
    double a, b, c;
};
#define RP_LEVELS_DEFAULT ((struct rp_levels){0.98, 0.95, 0.90})
double rp_level_for(const struct rp_levels *l, char abc);

#endif
