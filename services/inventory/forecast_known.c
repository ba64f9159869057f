/* services/inventory/forecast_known.c — what a store × product forecast
 * knows in advance, as regressor columns (forecast_known.h). Called once
 * per store series (a request or the forecast-refresh job): at most
 * FC_KNOWN_DAYS_MAX days × FC_KNOWN_COLS columns, plus a pass over each
 * event and promotion's days, so a few microseconds; clarity first.
 *
 * One column per kind of day, not one per holiday or per event: two years
 * of history show each holiday about twice, too few to measure a separate
 * effect for each, so the engine measures one effect of "a public holiday"
 * (and one of a closure, of an event, of a promotion and the price elasticity). */
#include "services/inventory/forecast_known.h"

#include <math.h>
#include <string.h>

#include "services/inventory/holidays.h"

const char *const fc_known_names[FC_KNOWN_COLS] = {"holiday", "closure", "event", "promotion",
                                                   "log_price"};

/* Sets col[a..b] (clipped to 0..days-1) of days first..last to v, or to
 * the smaller of v and what is there when `min` is 1 (the deepest cut). */
static void
mark(double *col, int days, int64_t first_day, int64_t first, int64_t last, double v, int min)
{
    int64_t a = first - first_day, b = last - first_day;

    if (a < 0)
        a = 0;
    if (b > days - 1)
        b = days - 1;
    for (int64_t t = a; t <= b; t++)
        col[t] = min && col[t] < v ? col[t] : v;
}

static void
count(struct fc_known_x *out)
{
    out->k = 0;
    for (int j = 0; j < FC_KNOWN_COLS; j++) {
        int on = 0, future = 0;
        for (int t = 0; t < out->days; t++)
            if (out->col[j][t] != 0)
                t < out->n_hist ? on++ : future++;
        out->days_on[j] = on;
        out->future_on[j] = future;
        /* two values at least over the history: some days on, some off
         * (log_price may take several values; its off days are the days
         * at the regular price) */
        if (on > 0 && on < out->n_hist)
            out->kept[out->k++] = (enum fc_known_col)j;
    }
}

void
fc_known_build(const struct fc_known *in, int64_t first_day, int n_hist, int horizon,
               struct fc_known_x *out)
{
    int days;

    /* the callers' bounds (TM_FORECAST_HISTORY_DAYS, TM_FORECAST_HORIZON_MAX);
     * clipped, never overrun */
    n_hist = n_hist < 0 ? 0 : n_hist > FC_KNOWN_DAYS_MAX ? FC_KNOWN_DAYS_MAX : n_hist;
    horizon = horizon < 0                            ? 0
              : horizon > FC_KNOWN_DAYS_MAX - n_hist ? FC_KNOWN_DAYS_MAX - n_hist
                                                     : horizon;
    days = n_hist + horizon;
    memset(out->col, 0, sizeof out->col);
    out->days = days;
    out->n_hist = n_hist;
    for (int t = 0; t < days; t++)
        if (fc_holiday_on((enum fc_country)in->country, first_day + t))
            out->col[FC_KNOWN_HOLIDAY][t] = 1;
    for (int i = 0; i < in->n_events; i++) {
        const struct fc_known_event *e = &in->events[i];
        enum fc_known_col j = e->kind == FC_KNOWN_KIND_CLOSURE   ? FC_KNOWN_CLOSURE
                              : e->kind == FC_KNOWN_KIND_HOLIDAY ? FC_KNOWN_HOLIDAY
                                                                 : FC_KNOWN_EVENT;
        mark(out->col[j], days, first_day, e->first_day, e->last_day, 1, 0);
    }
    for (int i = 0; i < in->n_promos; i++) {
        const struct fc_known_promo *p = &in->promos[i];
        mark(out->col[FC_KNOWN_PROMOTION], days, first_day, p->first_day, p->last_day, 1, 0);
        if (p->promo_price_cents > 0 && p->regular_price_cents > p->promo_price_cents)
            mark(out->col[FC_KNOWN_LOG_PRICE], days, first_day, p->first_day, p->last_day,
                 log((double)p->promo_price_cents / (double)p->regular_price_cents), 1);
    }
    count(out);
}
