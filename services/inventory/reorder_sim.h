/* services/inventory/reorder_sim.h — the simulation that tests reorder
 * policies on real demand (tm-reorder-sim, `make bench`), and the baseline
 * policies ours is compared with. Pure: arrays and structs in, structs out,
 * no I/O, no clock; the only randomness is a generator of its own seeded by
 * the caller, so a run is repeatable. docs/reorder.md ("Offline evaluation
 * and simulation") gives the rules and why.
 *
 * The simulation replays a series' daily demand after an origin, day by
 * day, under a periodic-review (R, s, S) policy with lost sales:
 *   - day t starts with the receipts due that day;
 *   - on review days (t = 0, R, 2R, ...) the position (on hand + every
 *     outstanding order) is compared with s; at or under it, an order of
 *     S − position is placed, with a lead time L drawn for it alone, and
 *     arrives at the start of day t + L (L = 0: at once); orders may cross;
 *   - then the day's demand is served from on hand; what is not is lost
 *     (a missing day, NaN, has no demand; a negative value counts as 0);
 *   - the day ends with what is left on hand.
 * Stock starts at S with nothing on order. The policy may be re-set every
 * K days (rs_setup.replan_days): day t then runs under levels[t / K]. */
#ifndef TM_INVENTORY_REORDER_SIM_H
#define TM_INVENTORY_REORDER_SIM_H

#include <stdint.h>

#include "common/err.h"

#include "services/inventory/sample.h"

#define RS_REVIEW_MAX 365          /* review period, days */
#define RS_LEAD_MAX 3650.0         /* lead-time mean or spread, days */
#define RS_LEVEL_MAX 1e12          /* units: larger levels are refused */
#define RS_MINMAX_MIN_DAYS 14      /* fixed min/max: min = 2 weeks of mean demand */
#define RS_MINMAX_MAX_DAYS 28      /* ... max = 4 weeks */
#define RS_DOCUMENTS_SAFETY_DAYS 3 /* the design documents' safety stock, days of demand */
#define RS_TEXTBOOK_LEAD_CV 0.10   /* the textbook's σL: 10 % of the mean lead time */

/* Draws from the inventory's generator (sample.h: splitmix64, any seed):
 * uniform on [0, 1), 53 bits; standard normal (Box–Muller, one value of
 * each pair). */
double rs_uniform(struct inv_rng *r);
double rs_normal(struct inv_rng *r);
/* A lead time: normal with this mean and spread, clipped at 0, rounded to
 * whole days; the mean itself, rounded, when sd_days is 0. */
int rs_lead_draw(struct inv_rng *r, double mean_days, double sd_days);

/* A policy as the simulation runs it. */
struct rs_levels {
    double reorder_point; /* s ≥ 0 */
    double order_up_to;   /* S ≥ s */
};

struct rs_setup {
    int review_days;       /* R, 1..RS_REVIEW_MAX */
    double lead_mean_days; /* 0..RS_LEAD_MAX */
    double lead_sd_days;   /* 0..RS_LEAD_MAX */
    uint64_t seed;         /* the lead-time draws: the k-th order of a run always gets the
                              k-th draw, so policies run with one seed meet the same lead times */
    int replan_days;       /* 0: levels[0] for the whole run; K ≥ 1: levels[t / K] on day t */
};

struct rs_outcome {
    int days;           /* days replayed */
    double demanded;    /* units demanded */
    double served;      /* ... served from stock */
    double lost;        /* ... lost (demanded − served) */
    int stockout_days;  /* days with demand lost */
    double on_hand_sum; /* end-of-day on hand, summed over the days */
    int orders;         /* orders placed */
    double ordered;     /* units ordered */
};

/* Replays demand[0..n) (see the file head) under levels[0..) (one, or
 * ceil(n / replan_days) of them) into *out. TM_INVALID naming the field,
 * *out zeroed: "demand" (n < 0, or NULL with n > 0), "review_days",
 * "lead_mean_days", "lead_sd_days", "replan_days" (outside their range or
 * not finite), "reorder_point", "order_up_to" (of any of the levels:
 * negative, not finite, past RS_LEVEL_MAX, or S < s). */
TM_MUSTCHECK enum tm_code rs_simulate(const double *demand, int n, const struct rs_levels *levels,
                                      const struct rs_setup *st, struct rs_outcome *out,
                                      struct tm_err *err);

/* ---- the baselines ------------------------------------------------------ */

/* Daily demand as the baselines see it. */
struct rs_demand {
    double mean; /* units per day */
    double sd;   /* sample standard deviation (n − 1); 0 with fewer than 2 days */
    int days;    /* days it was measured over */
};

/* Of y[0..n): the last `window` days (window ≥ 1), from the first day with
 * demand on (leading zeros are not history, as the engine's classes say);
 * missing days (not finite) skipped, negative values counted as 0. All
 * zero when no day qualifies. */
void rs_demand_of(const double *y, int n, int window, struct rs_demand *out);

struct rs_costs {
    double unit_cost;    /* per unit, > 0, any currency */
    double holding_rate; /* per year, a share of the unit cost, ≥ 0 */
    double order_cost;   /* per order, same currency, ≥ 0 */
};

/* The order size of every baseline: the larger of the EOQ
 * (sqrt(2 × 365 × mean × order cost / (holding rate × unit cost)), 0 when
 * the holding cost or the order cost is 0), R days of mean demand and 1,
 * rounded up to a whole unit: the rule reorder.h states for ours, so the
 * policies differ in their reorder points. */
double rs_order_size(const struct rs_demand *d, int review_days, const struct rs_costs *c);

/* The design documents': s = mean × (L + 3 days), S = s + q (each rounded
 * up to a whole unit; L the mean lead time). */
void rs_documents(const struct rs_demand *d, double lead_mean_days, double q,
                  struct rs_levels *out);

/* The textbook normal (R, s, S): s = mean × (L + R) + z σ with
 * σ = sqrt((L + R) σd² + mean² σL²), σL = 10 % of L (the documents' rule,
 * not the measured spread), and z the fill-rate z: the least z whose
 * expected shortage per cycle σ G(z) is at most (1 − fill) q, G the standard
 * normal loss function (Silver, Pyke & Thomas 2017, ch. 7); S = s + q; s is
 * at least 0, both rounded up to whole units. */
void rs_textbook(const struct rs_demand *d, double lead_mean_days, int review_days, double fill,
                 double q, struct rs_levels *out);

/* A fixed min/max: s = 14 days of mean demand, S = 28 days, rounded up
 * (S at least s). */
void rs_minmax(const struct rs_demand *d, struct rs_levels *out);

/* G(z) = φ(z) − z (1 − Φ(z)), the standard normal loss function. */
double rs_normal_loss(double z);
/* The z with G(z) = g (g > 0), within 1e-9; −8 or 8 beyond G's range there. */
double rs_z_for_loss(double g);

/* ---- tallies ------------------------------------------------------------- */

/* Outcomes pooled over series: fill rate = units served / units demanded
 * over all of them (a series with much demand weighs more). */
struct rs_tally {
    int series;
    double demanded, served;
    double stockout_days;
    double mean_on_hand; /* sum over series of each one's mean end-of-day on hand */
    double daily_demand; /* sum over series of each one's mean daily demand replayed */
    double orders;
};

void rs_tally_add(struct rs_tally *t, const struct rs_outcome *o);
/* served / demanded; 1 when nothing was demanded */
double rs_tally_fill(const struct rs_tally *t);

#endif
