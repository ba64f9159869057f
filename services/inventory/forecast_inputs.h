/* services/inventory/forecast_inputs.h — what a store × product forecast
 * knows in advance, between the database and the engine: the store's
 * holiday country, its calendar events and the product's promotions there
 * (calendar_store.h) read for the series' days, turned into regressor
 * columns (forecast_known.h), handed to fc_run_x, and shown in the answer
 * (docs/forecasting.md, "What the service feeds the engine"). Used by
 * forecast_handlers.c only; no state; the caller owns every struct. */
#ifndef TM_INVENTORY_FORECAST_INPUTS_H
#define TM_INVENTORY_FORECAST_INPUTS_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/inventory/forecast.h"
#include "services/inventory/forecast_known.h"

_Static_assert(FC_KNOWN_COLS <= FC_MAX_REGRESSORS, "the engine takes every column");

/* The scratch of one series' known days (about 90 KB: in the caller's
 * heap-allocated work area). */
struct inv_fc_inputs {
    struct fc_known_event ev[FC_KNOWN_EVENTS_MAX];
    struct fc_known_promo pr[FC_KNOWN_PROMOS_MAX];
    struct fc_known_x x; /* the columns; x.days 0 before a load */
};

/* Reads what store_id × product_id knows of the n_hist days from
 * first_day and the horizon days after, and builds in->x. */
TM_MUSTCHECK enum tm_code inv_fc_inputs_load(PGconn *db, int64_t store_id, int64_t product_id,
                                             int64_t first_day, int n_hist, int horizon,
                                             struct inv_fc_inputs *in, struct tm_err *err);

/* fc_run_x on y[0..n) with the columns in x offers (x->kept; none: exactly
 * fc_run); x NULL is fc_run. x must have been built for n days of history
 * and o->horizon after. Errors as fc_run_x's. */
TM_MUSTCHECK enum tm_code inv_fc_inputs_run(const double *y, int n, const struct fc_known_x *x,
                                            const struct fc_options *o, struct fc_result *out,
                                            struct tm_err *err);

/* Appends ,"regressors":{...} for a series: null when x is NULL (a series
 * across stores, which reads none); else whether the forecast uses them,
 * the backtest without them, each offered column's effect, and each
 * column's days on in the history and the horizon. TM_TOOBIG when b is
 * full. */
TM_MUSTCHECK enum tm_code inv_fc_inputs_encode(struct tm_buf *b, const struct fc_known_x *x,
                                               const struct fc_result *r);

/* Appends ,"known":{"name":value,...} of horizon day h (0-based) when any
 * column is not 0 that day; nothing otherwise or when x is NULL. */
TM_MUSTCHECK enum tm_code inv_fc_inputs_day(struct tm_buf *b, const struct fc_known_x *x, int h);

#endif
