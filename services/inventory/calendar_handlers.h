/* services/inventory/calendar_handlers.h — calendar events and promotions
 * over the API (docs/api.md, "Calendar events and promotions"): what the
 * forecasts of a store's products read as known in advance. Handlers only
 * translate: calendar_decode.c reads bodies, calendar_store.c holds the SQL
 * (and marks the forecasts they touch due). Store-scoped roles see their
 * stores' rows and every store's, and write only their own stores'. */
#ifndef TM_INVENTORY_CALENDAR_HANDLERS_H
#define TM_INVENTORY_CALENDAR_HANDLERS_H

#include "common/router.h"

/* GET /api/v1/calendar-events?store_id&from&to&limit&cursor */
TM_MUSTCHECK enum tm_code inv_h_cal_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                         struct tm_err *err);
/* POST /api/v1/calendar-events */
TM_MUSTCHECK enum tm_code inv_h_cal_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
/* DELETE /api/v1/calendar-events/{id} */
TM_MUSTCHECK enum tm_code inv_h_cal_delete(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
/* GET /api/v1/promotions?product_id&store_id&from&to&limit&cursor */
TM_MUSTCHECK enum tm_code inv_h_promo_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
/* POST /api/v1/promotions */
TM_MUSTCHECK enum tm_code inv_h_promo_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                             struct tm_err *err);
/* GET /api/v1/promotions/{id} */
TM_MUSTCHECK enum tm_code inv_h_promo_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);
/* POST /api/v1/promotions/{id}/end */
TM_MUSTCHECK enum tm_code inv_h_promo_end(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);

#endif
