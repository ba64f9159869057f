/* services/inventory/reorder_tool.h — the settings the offline reorder
 * tools share (tm-reorder-eval sets a policy with them, tm-reorder-sim
 * replays demand under it and the baselines with the same ones), read from
 * their command lines in one place so the two cannot read a flag two ways.
 * Pure: strings and arrays in, structs out. docs/reorder.md ("Offline evaluation and
 * simulation") lists the flags and their defaults. */
#ifndef TM_INVENTORY_REORDER_TOOL_H
#define TM_INVENTORY_REORDER_TOOL_H

#include <stdint.h>

#include "common/err.h"

#include "services/inventory/forecast.h"
#include "services/inventory/reorder.h"

#define RT_ORIGIN_MAX 20000 /* days from the end (the engine's history bound) */

struct rt_settings {
    double lead_mean_days; /* --lead-time-mean, ≥ 0 (default 7) */
    double lead_sd_days;   /* --lead-time-sd, ≥ 0 (default 2.5) */
    int review_days;       /* --review-days, 1..RP_REVIEW_MAX (default 1) */
    double fill_rate;      /* --fill-rate, in (0, 1) (default 0.95) */
    double holding_rate;   /* --holding-cost: per year, a share of the unit cost (default 0.25) */
    double order_cost;     /* --order-cost: per order, in the unit cost's currency (default 0) */
    double unit_cost;      /* --unit-cost, > 0 (default 1) */
    int origin_days;       /* --origin-days-from-end, 0..RT_ORIGIN_MAX (default 0) */
    int origin_given;      /* 1 when --origin-days-from-end was on the command line */
    int backorders;        /* --backorders 1: unmet demand waits (default 0: it is lost) */
};

void rt_settings_init(struct rt_settings *s);

/* Reads one flag of the shared set with its value (value may be NULL when
 * the flag is last). *taken is 1 when flag is one of them, else 0 and
 * nothing is changed. TM_INVALID with err->field the flag ("--fill-rate")
 * and a message saying what it must be, when its value is missing or bad:
 * a fill rate outside (0, 1), a negative lead time or spread, a review
 * period outside 1..RP_REVIEW_MAX, a negative cost, a unit cost of 0, an
 * origin outside 0..RT_ORIGIN_MAX. */
TM_MUSTCHECK enum tm_code rt_option(struct rt_settings *s, const char *flag, const char *value,
                                    int *taken, struct tm_err *err);

/* After the flags: TM_INVALID naming "--lead-time-mean" when the lead time
 * with its spread reaches so far that the policy's horizon passes
 * RP_MAX_HORIZON days. */
TM_MUSTCHECK enum tm_code rt_check(const struct rt_settings *s, struct tm_err *err);

/* Days of demand distribution the policy needs: rp_horizon_needed. */
int rt_horizon(const struct rt_settings *s);

/* The engine's scratch for rt_policy: large (≈ 130 KB), so on the heap;
 * rt_scratch_new / rt_scratch_free (NULL-safe). */
struct rt_scratch {
    struct fc_result res;
    struct rp_dist dist; /* after rt_policy: the distribution it read (class, model) */
};
struct rt_scratch *rt_scratch_new(void);
void rt_scratch_free(struct rt_scratch *w);

/* The policy the tools set on the history y[0..hist) of a daily series:
 * the engine (fc_run: rt_horizon days ahead, weekly season, 4 backtest
 * origins, as tm-inventory's forecasts), then rp_policy with the settings'
 * lead time (given), review, fill rate and costs, nothing on hand,
 * reserved or on order, no MOQ, packs of 1, today = today_day; abc is only
 * shown. TM_UNPROCESSABLE when there is nothing to set it on (field
 * "history": no observed day) or the levels would be too large ("dist");
 * fc_run's and rp_policy's other errors. */
TM_MUSTCHECK enum tm_code rt_policy(const double *y, int hist, int64_t today_day, char abc,
                                    const struct rt_settings *s, struct rt_scratch *w,
                                    struct rp_result *out, struct tm_err *err);

/* The shared flags' usage lines, for a tool's usage message. */
extern const char rt_usage[];

#endif
