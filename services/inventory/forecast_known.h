/* services/inventory/forecast_known.h — what is known in advance about a
 * store's demand for a product, as the engine's regressors
 * (forecast.h, struct fc_regressors): the store's public holidays
 * (holidays.h), the calendar events recorded for it or for every store,
 * and the product's promotions there, turned into one value a day over the
 * history and the horizon alike (docs/forecasting.md, "What the service
 * feeds the engine"). Pure: no I/O, no clock, no allocation; the caller
 * owns every array. */
#ifndef TM_INVENTORY_FORECAST_KNOWN_H
#define TM_INVENTORY_FORECAST_KNOWN_H

#include <stdint.h>

#include "proto/limits.h"

#define FC_KNOWN_DAYS_MAX (TM_FORECAST_HISTORY_DAYS + TM_FORECAST_HORIZON_MAX)
#define FC_KNOWN_EVENTS_MAX 512 /* calendar events a series reads (the latest first) */
#define FC_KNOWN_PROMOS_MAX 512 /* promotions a series reads (the latest first) */

/* The regressors, in the order the answer lists them:
 *   holiday    1 on a public holiday of the store's country, or a day a
 *              "holiday" event covers
 *   closure    1 on a day a "closure" event covers
 *   event      1 on a day an "event" event covers
 *   promotion  1 on a day any promotion of the product runs at the store
 *   log_price  the logarithm of the day's price relative to the regular
 *              price, the deepest cut running (log 0.75 = -0.29 for a
 *              quarter off); 0 at the regular price. Its coefficient is the
 *              price elasticity of demand (forecast.h, struct fc_regressors) */
enum fc_known_col {
    FC_KNOWN_HOLIDAY,
    FC_KNOWN_CLOSURE,
    FC_KNOWN_EVENT,
    FC_KNOWN_PROMOTION,
    FC_KNOWN_LOG_PRICE,
    FC_KNOWN_COLS
};
extern const char *const fc_known_names[FC_KNOWN_COLS];

/* What a calendar event is to demand, in the order of calendar_decode.h's
 * enum inv_cal_kind (calendar_store.c asserts they agree). */
enum fc_known_kind { FC_KNOWN_KIND_CLOSURE, FC_KNOWN_KIND_EVENT, FC_KNOWN_KIND_HOLIDAY };

/* A calendar event's days (days since the epoch, both included) and kind. */
struct fc_known_event {
    int64_t first_day, last_day;
    enum fc_known_kind kind;
};

/* A promotion's days (both included), price cut (0: none) against the
 * regular price, and flags (calendar_decode.h's INV_PROMO_*; every
 * promotion's day is a promotion day, whatever its flags). */
struct fc_known_promo {
    int64_t first_day, last_day;
    int64_t promo_price_cents, regular_price_cents;
    unsigned flags;
};

/* What one store × product series knows in advance. */
struct fc_known {
    int country; /* enum fc_country of the store (holidays.h) */
    const struct fc_known_event *events;
    int n_events;
    const struct fc_known_promo *promos;
    int n_promos;
};

/* The regressors over days first_day .. first_day + n_hist + horizon - 1:
 * col[j][t] for t < days. A column is offered to the engine (kept) only
 * when it takes two values or more over the n_hist history days: an effect
 * no history day shows cannot be measured (a first promotion ever, a
 * closure only in the future) and is left out, and the answer says so. */
struct fc_known_x {
    int days;   /* n_hist + horizon */
    int n_hist; /* days of history among them */
    double col[FC_KNOWN_COLS][FC_KNOWN_DAYS_MAX];
    int days_on[FC_KNOWN_COLS];            /* history days with a value ≠ 0 */
    int future_on[FC_KNOWN_COLS];          /* horizon days with a value ≠ 0 */
    int k;                                 /* columns kept */
    enum fc_known_col kept[FC_KNOWN_COLS]; /* which, in enum order */
};

/* Builds out from in for n_hist days of history and horizon days after
 * (n_hist + horizon ≤ FC_KNOWN_DAYS_MAX; more is clipped to it). */
void fc_known_build(const struct fc_known *in, int64_t first_day, int n_hist, int horizon,
                    struct fc_known_x *out);

#endif
