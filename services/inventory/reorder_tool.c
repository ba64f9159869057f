/* services/inventory/reorder_tool.c — the offline reorder tools' shared
 * settings (reorder_tool.h): one table of flags, each with its bounds. */
#include "services/inventory/reorder_tool.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/reorder.h"

void
rt_settings_init(struct rt_settings *s)
{
    *s = (struct rt_settings){.lead_mean_days = 7,
                              .lead_sd_days = 2.5,
                              .review_days = 1,
                              .fill_rate = 0.95,
                              .holding_rate = 0.25,
                              .order_cost = 0,
                              .unit_cost = 1,
                              .origin_days = 0};
}

enum kind {
    K_DOUBLE, /* [lo, hi], or (lo, hi) when open */
    K_INT     /* whole number in [lo, hi] */
};

static const struct flag {
    const char *name;
    enum kind kind;
    size_t offset;
    double lo, hi;
    int open; /* bounds excluded */
    const char *must;
} FLAGS[] = {
    {"--lead-time-mean", K_DOUBLE, offsetof(struct rt_settings, lead_mean_days), 0,
     10 * RP_MAX_HORIZON, 0, "a number of days, 0 or more"},
    {"--lead-time-sd", K_DOUBLE, offsetof(struct rt_settings, lead_sd_days), 0, 10 * RP_MAX_HORIZON,
     0, "a number of days, 0 or more"},
    {"--review-days", K_INT, offsetof(struct rt_settings, review_days), 1, RP_REVIEW_MAX, 0,
     "a whole number of days, 1..90"},
    {"--fill-rate", K_DOUBLE, offsetof(struct rt_settings, fill_rate), 0, 1, 1,
     "a share in (0, 1), such as 0.95"},
    {"--holding-cost", K_DOUBLE, offsetof(struct rt_settings, holding_rate), 0, 1e6, 0,
     "a yearly share of the unit cost, 0 or more, such as 0.25"},
    {"--order-cost", K_DOUBLE, offsetof(struct rt_settings, order_cost), 0, 1e12, 0,
     "a cost per order, 0 or more"},
    {"--unit-cost", K_DOUBLE, offsetof(struct rt_settings, unit_cost), 0, 1e12, 1,
     "a cost per unit, more than 0"},
    {"--origin-days-from-end", K_INT, offsetof(struct rt_settings, origin_days), 0, RT_ORIGIN_MAX,
     0, "a whole number of days, 0..20000"},
    {"--backorders", K_INT, offsetof(struct rt_settings, backorders), 0, 1, 0,
     "0 (demand not served is lost) or 1 (it waits)"},
};

const char rt_usage[] = "  --lead-time-mean D       mean lead time, days (7)\n"
                        "  --lead-time-sd D         its standard deviation, days (2.5)\n"
                        "  --review-days R          days between reviews, 1..90 (1)\n"
                        "  --fill-rate F            target share of demand served, in (0, 1) "
                        "(0.95)\n"
                        "  --holding-cost H         holding cost per year, share of unit cost "
                        "(0.25)\n"
                        "  --order-cost K           cost per order, unit cost's currency (0)\n"
                        "  --unit-cost C            cost per unit (1)\n"
                        "  --origin-days-from-end N policy set on all but each series' last N "
                        "days\n"
                        "  --backorders 0|1         1: demand not served waits for the next "
                        "delivery (0: lost)\n";

enum tm_code
rt_option(struct rt_settings *s, const char *flag, const char *value, int *taken,
          struct tm_err *err)
{
    const struct flag *f = NULL;
    *taken = 0;
    for (size_t i = 0; i < sizeof FLAGS / sizeof *FLAGS && !f; i++)
        if (strcmp(flag, FLAGS[i].name) == 0)
            f = &FLAGS[i];
    if (!f)
        return TM_OK;
    *taken = 1;
    char *end = NULL;
    errno = 0;
    double v = value ? strtod(value, &end) : NAN;
    int ok = value && end != value && *end == '\0' && errno == 0 && isfinite(v) &&
             (f->open ? v > f->lo && v < f->hi : v >= f->lo && v <= f->hi) &&
             (f->kind == K_DOUBLE || v == floor(v));
    if (!ok)
        return tm_err_set(err, TM_INVALID, f->name, "%s must be %s (got %s)", f->name, f->must,
                          value ? value : "nothing");
    char *at = (char *)s + f->offset;
    if (f->kind == K_INT)
        *(int *)(void *)at = (int)v;
    else
        *(double *)(void *)at = v;
    if (f->offset == offsetof(struct rt_settings, origin_days))
        s->origin_given = 1;
    return TM_OK;
}

int
rt_horizon(const struct rt_settings *s)
{
    struct rp_lead lead = {
        .mean_days = s->lead_mean_days, .sd_days = s->lead_sd_days, .source = RP_LEAD_GIVEN};
    return rp_horizon_needed(&lead, s->review_days);
}

enum tm_code
rt_check(const struct rt_settings *s, struct tm_err *err)
{
    if (rt_horizon(s) > RP_MAX_HORIZON)
        return tm_err_set(err, TM_INVALID, "--lead-time-mean",
                          "the longest lead time the policy weighs and the review period "
                          "reach past %d days",
                          RP_MAX_HORIZON);
    return TM_OK;
}

#define ORIGINS 4 /* backtest origins, as tm-inventory's forecasts */
#define SEASON 7  /* daily data: a weekly season */

struct rt_scratch *
rt_scratch_new(void)
{
    return tm_xcalloc(1, sizeof(struct rt_scratch));
}

void
rt_scratch_free(struct rt_scratch *w)
{
    free(w);
}

enum tm_code
rt_policy(const double *y, int hist, int64_t today_day, char abc, const struct rt_settings *s,
          struct rt_scratch *w, struct rp_result *out, struct tm_err *err)
{
    struct fc_options o = {.horizon = rt_horizon(s), .origins = ORIGINS, .season = SEASON};
    enum tm_code rc;

    if ((rc = fc_run(y, hist, &o, &w->res, err)) == TM_UNPROCESSABLE)
        return tm_err_set(err, rc, "history", "no observed day before the origin");
    if (rc != TM_OK)
        return rc;
    rp_dist_from_forecast(&w->res, &w->dist);
    struct rp_input in = {
        .dist = &w->dist,
        .lead = {.mean_days = s->lead_mean_days,
                 .sd_days = s->lead_sd_days,
                 .source = RP_LEAD_GIVEN},
        .unmet = s->backorders ? RP_BACKORDERS : RP_LOST_SALES,
        .review_days = s->review_days,
        .fill_rate = s->fill_rate,
        .abc = abc,
        .pack_size = 1,
        .unit_cost = s->unit_cost,
        .holding_rate = s->holding_rate,
        .order_cost = s->order_cost,
        .today_day = today_day,
    };
    return rp_policy(&in, out, err);
}
