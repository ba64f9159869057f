/* services/inventory/forecast_handlers.h — demand forecasts over the API
 * (docs/forecasting.md) and the forecast-refresh job. */
#ifndef TM_INVENTORY_FORECAST_HANDLERS_H
#define TM_INVENTORY_FORECAST_HANDLERS_H

#include <stdint.h>

#include "common/router.h"

/* GET /api/v1/inventory/predictions/{product_id}?store_id=&horizon_days= */
TM_MUSTCHECK enum tm_code inv_h_prediction_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                               struct tm_err *err);
/* GET /api/v1/inventory/predictions/categories/{category_id}?horizon_days= */
TM_MUSTCHECK enum tm_code inv_h_prediction_category(struct tm_ctx *ctx, struct tm_reply *rep,
                                                    struct tm_err *err);
/* POST /api/v1/inventory/predictions/{product_id}/refresh?horizon_days= */
TM_MUSTCHECK enum tm_code inv_h_prediction_refresh(struct tm_ctx *ctx, struct tm_reply *rep,
                                                   struct tm_err *err);
struct fc_result;
/* The engine's forecast of a store's sales of a product (its series
 * "s<store>:p<product>", built as GET .../predictions builds it) over
 * horizon days (1..FC_MAX_HORIZON) from *today (days since the
 * epoch), computed now, not stored: for the reorder policy. out is the
 * caller's (about 110 KB). TM_UNPROCESSABLE when the series has too
 * little history, TM_INTERNAL when the engine fails (the message names
 * the series). */
TM_MUSTCHECK enum tm_code inv_forecast_level(PGconn *db, int64_t store_id, int64_t product_id,
                                             int horizon, struct fc_result *out, int64_t *today,
                                             struct tm_err *err);
/* The forecast-refresh job (a tm_job_fn). */
TM_MUSTCHECK enum tm_code inv_job_forecast_refresh(void *app, PGconn *db, int64_t *rows,
                                                   struct tm_err *err);

#endif
