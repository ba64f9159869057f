/* services/inventory/forecast_store.h — the SQL of forecasting: daily demand
 * out of the stock ledger, and the stored forecasts. */
#ifndef TM_INVENTORY_FORECAST_STORE_H
#define TM_INVENTORY_FORECAST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/db.h"

#include "services/inventory/forecast_due.h"

/* One day of the ledger with movements, of one store (or summed over the
 * series' stores and products): units sold (sales of sale ids later
 * reversed are not demand) and the on-hand after the day's last movement
 * (meaningful for one store and product only). */
struct inv_demand_day {
    int64_t store_id; /* inv_db_demand_by_store only; 0 otherwise */
    int day;          /* 0 = the window's first day */
    int64_t sold;
    int64_t closing;
};

/* Which ledger rows a series reads: one product (product_id), a category's
 * products (category_id), or every product (both 0); store_id 0 = all. */
struct inv_demand_filter {
    int64_t product_id, category_id, store_id;
    int days; /* the window: the `days` whole UTC days before today */
};

/* The series' days with movements, summed over its stores and products, in
 * day order, into the caller's rows[0..max): one row a day at most, so
 * max ≥ f->days always suffices (TM_INTERNAL otherwise). *day0 is the
 * window's first day (days since 1970-01-01). */
TM_MUSTCHECK enum tm_code inv_db_demand_days(PGconn *db, const struct inv_demand_filter *f,
                                             int64_t *day0, struct inv_demand_day *rows, int max,
                                             int *n, struct tm_err *err);

/* One product's days with movements per store, ordered by store and day:
 * at most `days` rows for each store that moved it. *rows is allocated
 * (tm_xcalloc) and the caller frees it; NULL when *n is 0. */
TM_MUSTCHECK enum tm_code inv_db_demand_by_store(PGconn *db, int64_t product_id, int days,
                                                 int64_t *day0, struct inv_demand_day **rows,
                                                 size_t *n, struct tm_err *err);

struct inv_forecast_row {
    const char *series; /* see sql/inventory/0005_forecasts.sql */
    int horizon_days;
    int64_t product_id, store_id, category_id; /* 0: none */
    const char *cls, *model;
    double total;
    const char *body; /* JSON */
};

/* Inserts or replaces a series' forecast for its horizon. */
TM_MUSTCHECK enum tm_code inv_db_forecast_put(PGconn *db, const struct inv_forecast_row *f,
                                              struct tm_err *err);
/* forecast.updated's per-store figures: a JSON array appended to out of
 * {"store_id","daily_mean","daily_upper"} for each stored store series of
 * product_id at horizon_days — the mean daily demand over the horizon
 * (total / horizon) and the 95 % upper bound of its first day's demand
 * (the one-step bound, daily[0].hi95) — at most INV_FORECAST_STORES_MAX of
 * them, the busiest (largest total) first. TM_TOOBIG when out is full. */
#define INV_FORECAST_STORES_MAX 500
TM_MUSTCHECK enum tm_code inv_db_forecast_store_demand(PGconn *db, int64_t product_id,
                                                       int horizon_days, struct tm_buf *out,
                                                       struct tm_err *err);
/* The stored body of series/horizon, the series of filter f, into out when
 * it is fresh: computed today (UTC; its daily rows begin today) and none of
 * the levels it reads is due (sql/inventory/0007_forecast_due.sql).
 * TM_NOTFOUND when there is none that fresh. */
TM_MUSTCHECK enum tm_code inv_db_forecast_get(PGconn *db, const struct inv_demand_filter *f,
                                              const char *series, int horizon_days,
                                              struct tm_buf *out, struct tm_err *err);

/* ---- the due list ------------------------------------------------------------- */

/* Up to max levels whose forecast is due today (forecast_due_on ≤ today,
 * UTC), the longest due first, into the caller's out[0..max), with the mark
 * each was read with. With nothing due this is one scan of an empty index. */
TM_MUSTCHECK enum tm_code inv_db_forecast_due(PGconn *db, int max, struct fc_due_level *out, int *n,
                                              struct tm_err *err);

/* Every level of product_id, by store, with its mark. *out is allocated
 * (tm_xcalloc) and the caller frees it; NULL when *n is 0. */
TM_MUSTCHECK enum tm_code inv_db_forecast_levels(PGconn *db, int64_t product_id,
                                                 struct fc_due_level **out, size_t *n,
                                                 struct tm_err *err);

/* Records level l's store series refreshed now (forecast_at). Its due mark
 * goes when the level's demand_moved_at is still l->moved_at (no movement
 * came in since it was read), save for movements dated today or later,
 * which are not in today's series: those leave it due the day after the
 * earliest of them. A level that moved since keeps its mark. */
TM_MUSTCHECK enum tm_code inv_db_forecast_done(PGconn *db, const struct fc_due_level *l,
                                               struct tm_err *err);

#endif
