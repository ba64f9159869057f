/* services/analytics/query_handlers.h — tm-analytics' report routes
 * (docs/analytics.md, "Routes"): envelope ↔ query.c, rfm.c and
 * query_store.c. Every report but the summary answers JSON or CSV
 * (?format=csv or Accept: text/csv); store-scoped roles see their stores.
 * Handlers of common/router; ctx->app is the struct an_app. */
#ifndef TM_ANALYTICS_QUERY_HANDLERS_H
#define TM_ANALYTICS_QUERY_HANDLERS_H

#include "common/router.h"

/* Longest range each report takes, in days (a 400 naming "to" beyond). */
#define ANQ_HOURLY_DAYS_MAX 92
#define ANQ_RANGE_DAYS_MAX 366

/* GET /api/v1/analytics/hourly-sales?from=&to=&store_id=&category_id=&format= */
TM_MUSTCHECK enum tm_code an_h_hourly_sales(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
/* GET /api/v1/analytics/top-products?from=&to=&store_id=&limit=&by=&format= */
TM_MUSTCHECK enum tm_code an_h_top_products(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
/* GET /api/v1/analytics/customer-segments?store_id=&format= */
TM_MUSTCHECK enum tm_code an_h_customer_segments(struct tm_ctx *ctx, struct tm_reply *rep,
                                                 struct tm_err *err);
/* GET /api/v1/analytics/category-performance?from=&to=&store_id=&format= */
TM_MUSTCHECK enum tm_code an_h_category_performance(struct tm_ctx *ctx, struct tm_reply *rep,
                                                    struct tm_err *err);
/* GET /api/v1/analytics/store-comparison?from=&to=&store_id=&format= */
TM_MUSTCHECK enum tm_code an_h_store_comparison(struct tm_ctx *ctx, struct tm_reply *rep,
                                                struct tm_err *err);
/* GET /api/v1/analytics/summary?store_id= (JSON only) */
TM_MUSTCHECK enum tm_code an_h_summary(struct tm_ctx *ctx, struct tm_reply *rep,
                                       struct tm_err *err);
/* GET /api/v1/dashboard/metrics/realtime?store_id=&format= */
TM_MUSTCHECK enum tm_code an_h_realtime(struct tm_ctx *ctx, struct tm_reply *rep,
                                        struct tm_err *err);

#endif
