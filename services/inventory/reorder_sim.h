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

/* The baselines each have one safety setting x, the knob their authors
 * give them; as written (RS_BASELINE_AS_WRITTEN) it is 3 safety days, a
 * shift of 0 on the textbook's z and a scale of 1 on min/max. Every level
 * rises with x (the equal-service search below moves it). */
enum rs_baseline { RS_DOCUMENTS, RS_TEXTBOOK, RS_MINMAX, RS_BASELINE_COUNT };
extern const double RS_BASELINE_AS_WRITTEN[RS_BASELINE_COUNT];

/* The design documents': s = mean × (L + x days), x the safety days
 * (RS_DOCUMENTS_SAFETY_DAYS as written), S = s + q (each rounded up to a
 * whole unit, s at least 0; L the mean lead time). */
void rs_documents(const struct rs_demand *d, double lead_mean_days, double q, double safety_days,
                  struct rs_levels *out);

/* The textbook normal (R, s, S): s = mean × (L + R) + (z + z_shift) σ with
 * σ = sqrt((L + R) σd² + mean² σL²), σL = 10 % of L (the documents' rule,
 * not the measured spread), and z the fill-rate z: the least z whose
 * expected shortage per cycle σ G(z) is at most (1 − fill) q, G the standard
 * normal loss function (Silver, Pyke & Thomas 2017, ch. 7); z_shift 0 as
 * written; S = s + q; s is at least 0, both rounded up to whole units. */
void rs_textbook(const struct rs_demand *d, double lead_mean_days, int review_days, double fill,
                 double q, double z_shift, struct rs_levels *out);

/* A fixed min/max: s = scale × 14 days of mean demand, S = scale × 28 days
 * (scale 1 as written, ≥ 0), rounded up (S at least s). */
void rs_minmax(const struct rs_demand *d, double scale, struct rs_levels *out);

/* Baseline b's levels at setting x: one of the three above (q and the
 * arguments a baseline does not use are ignored). */
void rs_baseline_levels(enum rs_baseline b, const struct rs_demand *d, double lead_mean_days,
                        int review_days, double fill, double q, double x, struct rs_levels *out);

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

/* ---- equal service --------------------------------------------------------
 * A policy that serves less may hold less: stock compares policies only at
 * one service. The search finds, for a baseline and a set of series (a
 * demand class), the setting x at which the baseline's fill rate pooled
 * over the set reaches a target, one x for the whole set, each series
 * replayed as rs_simulate does with its own seed (the same lead-time draws
 * as any other policy run with it). */

/* One series as the search replays it. */
struct rs_case {
    const double *demand; /* the replay, n days */
    int n;
    const struct rs_demand *est; /* the baseline's demand estimate: one, or one per re-set period
                                    (ceil(n / setup.replan_days)) */
    const double *q;             /* its order size, likewise */
    struct rs_setup setup;
};

struct rs_search_in {
    enum rs_baseline baseline;
    double lead_mean_days; /* L, as the baseline's formula reads it */
    int review_days;       /* R, likewise */
    double fill;           /* the textbook formula's fill rate */
    double target;         /* the pooled fill rate to reach, in (0, 1] */
};

/* The range searched: documents' safety days −L..RS_LEAD_MAX, the textbook's
 * z shift RS_SEARCH_Z_MIN..RS_SEARCH_Z_MAX, the min/max scale 0..
 * RS_SEARCH_SCALE_MAX. */
#define RS_SEARCH_Z_MIN (-20.0)
#define RS_SEARCH_Z_MAX 50.0
#define RS_SEARCH_SCALE_MAX 100.0
#define RS_SEARCH_RUNS_MAX 80 /* replays of the set, at most */

struct rs_search {
    int reached;           /* 1: fill ≥ target at x; 0: not even at the top of the range */
    double x;              /* reached: the least setting found reaching it (within 1e-3 of
                              the first step: 1 day, 0.5 of z, 0.25 of scale); else the top */
    double fill_below;     /* pooled fill just under x (the bracket's other end; x's own
                              when x is the bottom of the range) */
    struct rs_tally tally; /* outcomes pooled over the set at x */
    int runs;              /* replays of the set */
};

/* The search (above) for in->baseline over cases[0..ncases): from the
 * setting as written it steps (doubling) down or up until the target is
 * bracketed, then bisects. Fill is not strictly monotone in x for fixed
 * draws (orders fall on other days), so x is a crossing of the target, the
 * least one when it is. TM_INVALID naming the field, *out zeroed:
 * "target" (outside (0, 1]), "cases" (ncases < 0, or NULL with
 * ncases > 0), or rs_simulate's. */
TM_MUSTCHECK enum tm_code rs_equal_service(const struct rs_search_in *in,
                                           const struct rs_case *cases, int ncases,
                                           struct rs_search *out, struct tm_err *err);

#endif
