/* services/inventory/reorder_tool.h — the settings the offline reorder
 * tools share (tm-reorder-eval sets a policy with them, tm-reorder-sim
 * replays demand under it and the baselines with the same ones), read from
 * their command lines in one place so the two cannot read a flag two ways.
 * Pure: strings in, a struct out. docs/reorder.md ("Offline evaluation and
 * simulation") lists the flags and their defaults. */
#ifndef TM_INVENTORY_REORDER_TOOL_H
#define TM_INVENTORY_REORDER_TOOL_H

#include "common/err.h"

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

/* The shared flags' usage lines, for a tool's usage message. */
extern const char rt_usage[];

#endif
