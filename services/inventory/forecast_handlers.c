/* services/inventory/forecast_handlers.c — demand forecasts over the API:
 * daily series out of the stock ledger (forecast_store.c), the engine of
 * forecast.h on them, the answer's JSON, stored forecasts and the
 * forecast-refresh job.
 *
 * Series: a store's sales of a product ("s<store>:p<product>"), the product
 * across stores ("p<product>") and a category across stores ("c<category>"),
 * over the 730 whole UTC days before today, from the first day with a
 * movement. In a store's series a day without sales that ended with nothing
 * on hand is missing (demand unseen), not zero. */
#include "services/inventory/forecast_handlers.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/outbox.h"
#include "common/topic.h"

#include "services/inventory/app.h"
#include "services/inventory/catalog.h"
#include "services/inventory/forecast.h"
#include "services/inventory/forecast_store.h"
#include "services/inventory/store.h"

#define HISTORY_DAYS 730
#define HORIZON_DEFAULT 14
#define HORIZON_MAX 90
#define ORIGINS 4

/* one computed series */
struct series_fc {
    char name[48];
    int64_t store_id, product_id, category_id;
    struct fc_result res;
    struct fc_patterns pat;
    int64_t first_day; /* days since the epoch of y[0] */
    int days;
};

/* Builds the series of rows[0..n) (one store and product when `one` is 1,
 * else summed over all) into y[0..days); returns the first day with a
 * movement (days when there is none). */
static int
build_series(const struct inv_demand_day *rows, size_t n, int days, int one, double *y)
{
    int first = days;
    for (int d = 0; d < days; d++)
        y[d] = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].day < 0 || rows[i].day >= days)
            continue;
        y[rows[i].day] += (double)rows[i].sold;
        if (rows[i].day < first)
            first = rows[i].day;
    }
    if (one && first < days) {
        /* carry the closing on-hand over days without movements */
        int64_t closing = 0;
        size_t i = 0;
        for (int d = first; d < days; d++) {
            while (i < n && rows[i].day < d)
                i++;
            if (i < n && rows[i].day == d)
                closing = rows[i].closing;
            if (closing <= 0 && y[d] == 0)
                y[d] = NAN; /* nothing to sell: demand unseen */
        }
    }
    return first;
}

/* the stored name of a filter's series (see sql/inventory/0005_forecasts.sql) */
static void
series_name(const struct inv_demand_filter *f, char *out, size_t size)
{
    if (f->store_id)
        snprintf(out, size, "s%" PRId64 ":p%" PRId64, f->store_id, f->product_id);
    else if (f->product_id)
        snprintf(out, size, "p%" PRId64, f->product_id);
    else
        snprintf(out, size, "c%" PRId64, f->category_id);
}

static void
compute(struct series_fc *s, const double *y, int first, int days, int64_t day0, int horizon)
{
    struct fc_options o = {.horizon = horizon, .origins = ORIGINS, .season = 7};
    int n = days - first;
    s->first_day = day0 + first;
    s->days = n;
    /* the series' period t has slot t mod 7; align slots with weekdays */
    if (fc_run(y + first, n, &o, &s->res) != 0)
        memset(&s->res, 0, sizeof s->res);
    fc_patterns(y + first, n, s->first_day, &s->pat);
}

static enum tm_code
kv_num(struct tm_buf *b, const char *key, double v)
{
    return tm_buf_printf(b, ",\"%s\":%.4f", key, isfinite(v) ? v : 0);
}

static enum tm_code
enc_date(struct tm_buf *b, const char *key, int64_t day)
{
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    return tm_buf_printf(b, ",\"%s\":\"%04d-%02d-%02d\"", key, y, m, d);
}

static enum tm_code
enc_accuracy(struct tm_buf *b, const char *key, const struct fc_accuracy *a, int coverage)
{
    enum tm_code rc = tm_buf_printf(b, ",\"%s\":{\"points\":%d", key, a->points);
    if (rc == TM_OK && (rc = kv_num(b, "mase", a->mase)) == TM_OK &&
        (rc = kv_num(b, "rmsse", a->rmsse)) == TM_OK &&
        (rc = kv_num(b, "bias", a->bias)) == TM_OK && coverage &&
        (rc = kv_num(b, "coverage_80", a->cover80)) == TM_OK)
        rc = kv_num(b, "coverage_95", a->cover95);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

static enum tm_code
enc_patterns(struct tm_buf *b, const struct fc_patterns *p)
{
    static const char *const wd[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char *const dir[3] = {"down", "flat", "up"};
    enum tm_code rc = tm_buf_adds(b, ",\"patterns\":{\"weekday\":");
    if (rc == TM_OK && !p->weekday)
        rc = tm_buf_adds(b, "null");
    else if (rc == TM_OK) {
        rc = tm_buf_adds(b, "{\"index\":{");
        for (int d = 0; d < 7 && rc == TM_OK; d++)
            rc = tm_buf_printf(b, "%s\"%s\":%.3f", d ? "," : "", wd[d], p->weekday_index[d]);
        if (rc == TM_OK)
            rc = tm_buf_printf(b, "},\"strength\":%.3f}", p->weekday_strength);
    }
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           ",\"trend\":{\"direction\":\"%s\",\"strength\":%.3f,"
                           "\"per_week\":%.4f,\"weeks\":%d}",
                           dir[p->trend_direction + 1], p->trend_strength, p->trend_per_week,
                           p->trend_weeks);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"years\":%d,\"yearly_peaks\":[", p->years);
    for (int i = 0; i < p->n_peaks && rc == TM_OK; i++)
        rc = tm_buf_printf(b, "%s{\"month\":%d,\"index\":%.3f}", i ? "," : "", p->peak_month[i],
                           p->peak_index[i]);
    return rc == TM_OK ? tm_buf_adds(b, "]}") : rc;
}

static enum tm_code
enc_params(struct tm_buf *b, const struct fc_result *r)
{
    const struct fc_params *p = &r->params;
    enum tm_code rc = tm_buf_adds(b, ",\"parameters\":{");
    switch (r->model) {
    case FC_MA:
        rc = rc == TM_OK ? tm_buf_printf(b, "\"window\":%d", p->window) : rc;
        break;
    case FC_SES:
    case FC_CROSTON:
    case FC_SBA:
        rc = rc == TM_OK ? tm_buf_printf(b, "\"alpha\":%.4f", p->alpha) : rc;
        break;
    case FC_TSB:
        rc = rc == TM_OK ? tm_buf_printf(b, "\"alpha\":%.4f,\"beta\":%.4f", p->alpha, p->beta) : rc;
        break;
    case FC_SEASONAL_SES:
        rc = rc == TM_OK ? tm_buf_printf(b, "\"alpha\":%.4f,\"gamma\":%.4f", p->alpha, p->gamma)
                         : rc;
        break;
    case FC_HOLT_DAMPED:
        rc = rc == TM_OK ? tm_buf_printf(b, "\"alpha\":%.4f,\"beta\":%.4f,\"phi\":%.4f", p->alpha,
                                         p->beta, p->phi)
                         : rc;
        break;
    case FC_HW_ADD:
    case FC_HW_MUL:
        rc = rc == TM_OK
                 ? tm_buf_printf(b, "\"alpha\":%.4f,\"beta\":%.4f,\"gamma\":%.4f,\"phi\":%.4f",
                                 p->alpha, p->beta, p->gamma, p->phi)
                 : rc;
        break;
    default:
        break;
    }
    if (rc == TM_OK && fc_model_fitted(r->model))
        rc = tm_buf_printf(b, ",\"shift\":%.4f", p->shift);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* the answer for one series, horizon H from `today` */
static enum tm_code
enc_series(struct tm_buf *b, const struct series_fc *s, int64_t today)
{
    const struct fc_result *r = &s->res;
    const char *scope = s->store_id ? "store_product" : s->product_id ? "product" : "category";
    int H = r->horizon;
    enum tm_code rc = tm_buf_printf(b, "{\"series\":\"%s\",\"scope\":\"%s\"", s->name, scope);
    if (rc == TM_OK && s->store_id)
        rc = tm_buf_printf(b, ",\"store_id\":%" PRId64, s->store_id);
    if (rc == TM_OK && s->product_id)
        rc = tm_buf_printf(b, ",\"product_id\":%" PRId64, s->product_id);
    if (rc == TM_OK && s->category_id)
        rc = tm_buf_printf(b, ",\"category_id\":%" PRId64, s->category_id);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"horizon_days\":%d", H);
    if (rc == TM_OK)
        rc = enc_date(b, "from", today);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"history\":{\"days\":%d,\"missing_days\":%d", s->days,
                           r->info.missing);
    if (rc == TM_OK && s->days > 0)
        rc = enc_date(b, "first_day", s->first_day);
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           "},\"class\":\"%s\",\"class_reason\":\"%s\",\"adi\":%.3f,"
                           "\"cv2\":%.3f,\"model\":\"%s\"",
                           fc_class_name(r->info.cls), fc_class_reason(r->info.cls), r->info.adi,
                           r->info.cv2, fc_model_name(r->model));
    if (rc == TM_OK)
        rc = enc_params(b, r);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"intervals\":\"%s\"", r->analytic ? "analytic" : "empirical");
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"total\":%.4f", H > 0 ? r->cum[H - 1] : 0);
    if (rc == TM_OK && H > 0)
        rc = tm_buf_printf(b,
                           ",\"total_interval\":{\"lo80\":%.4f,\"hi80\":%.4f,\"lo95\":%.4f,"
                           "\"hi95\":%.4f}",
                           r->cum_lo80[H - 1], r->cum_hi80[H - 1], r->cum_lo95[H - 1],
                           r->cum_hi95[H - 1]);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"backtest\":{\"origins\":%d,\"horizon_days\":%d", r->origins, H);
    if (rc == TM_OK)
        rc = enc_accuracy(b, "chosen", &r->chosen, 1);
    if (rc == TM_OK)
        rc = enc_accuracy(b, "seasonal_naive", &r->snaive, 0);
    if (rc == TM_OK)
        rc = enc_accuracy(b, "seed_formula", &r->seed, 0);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "},\"daily\":[");
    for (int h = 0; h < H && rc == TM_OK; h++) {
        int y, m, d;
        fc_civil_from_days(today + h, &y, &m, &d);
        rc = tm_buf_printf(b,
                           "%s{\"date\":\"%04d-%02d-%02d\",\"forecast\":%.4f,\"mean\":%.4f,"
                           "\"lo80\":%.4f,\"hi80\":%.4f,\"lo95\":%.4f,\"hi95\":%.4f,"
                           "\"cumulative\":%.4f,\"cumulative_lo80\":%.4f,\"cumulative_hi80\":%.4f,"
                           "\"cumulative_lo95\":%.4f,\"cumulative_hi95\":%.4f}",
                           h ? "," : "", y, m, d, r->forecast[h], r->mean[h], r->lo80[h],
                           r->hi80[h], r->lo95[h], r->hi95[h], r->cum[h], r->cum_lo80[h],
                           r->cum_hi80[h], r->cum_lo95[h], r->cum_hi95[h]);
    }
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "]");
    if (rc == TM_OK)
        rc = enc_patterns(b, &s->pat);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* ---- computing ------------------------------------------------------------ */

/* Computes the series of filter f (a store's product, a product, or a
 * category) into *s; names it and keeps its ids. */
static enum tm_code
compute_filter(PGconn *db, const struct inv_demand_filter *f, int horizon, struct series_fc *s,
               int64_t *today, struct tm_err *err)
{
    struct inv_demand_day *rows = NULL;
    size_t n = 0;
    int64_t day0 = 0;
    enum tm_code rc = inv_db_demand(db, f, &day0, &rows, &n, err);
    if (rc != TM_OK)
        return rc;
    double *y = malloc(sizeof *y * HISTORY_DAYS);
    if (!y) {
        free(rows);
        return tm_err_set(err, TM_INTERNAL, NULL, "out of memory");
    }
    memset(s, 0, sizeof *s);
    s->store_id = f->store_id;
    s->product_id = f->product_id;
    s->category_id = f->category_id;
    series_name(f, s->name, sizeof s->name);
    int first = build_series(rows, n, HISTORY_DAYS, f->store_id != 0, y);
    compute(s, y, first, HISTORY_DAYS, day0, horizon);
    *today = day0 + HISTORY_DAYS;
    free(y);
    free(rows);
    return TM_OK;
}

static enum tm_code
store_series(PGconn *db, const struct series_fc *s, int64_t today, struct tm_err *err)
{
    struct tm_buf b;
    tm_buf_init(&b, 1 << 20);
    enum tm_code rc = enc_series(&b, s, today);
    if (rc == TM_OK) {
        struct inv_forecast_row row = {
            s->name,
            s->res.horizon,
            s->product_id,
            s->store_id,
            s->category_id,
            fc_class_name(s->res.info.cls),
            fc_model_name(s->res.model),
            s->res.horizon > 0 ? s->res.cum[s->res.horizon - 1] : 0,
            b.p,
        };
        rc = inv_db_forecast_put(db, &row, err);
    }
    tm_buf_fini(&b);
    return rc;
}

/* every store's series of a product and the product's own, stored; *out is
 * the product's series, *n_series how many were stored */
static enum tm_code
refresh_product(PGconn *db, int64_t product_id, int64_t category_id, int horizon,
                struct series_fc *out, int *n_series, struct tm_err *err)
{
    struct inv_demand_day *rows = NULL;
    size_t n = 0;
    int64_t day0 = 0, today = 0;
    struct inv_demand_filter f = {.product_id = product_id, .days = HISTORY_DAYS};
    enum tm_code rc = inv_db_demand(db, &f, &day0, &rows, &n, err);
    if (rc != TM_OK)
        return rc;
    double *y = malloc(sizeof *y * HISTORY_DAYS);
    struct series_fc *s = malloc(sizeof *s);
    if (!y || !s) {
        free(y);
        free(s);
        free(rows);
        return tm_err_set(err, TM_INTERNAL, NULL, "out of memory");
    }
    today = day0 + HISTORY_DAYS;
    *n_series = 0;
    for (size_t a = 0; a < n && rc == TM_OK;) {
        size_t b = a;
        while (b < n && rows[b].store_id == rows[a].store_id)
            b++;
        memset(s, 0, sizeof *s);
        s->store_id = rows[a].store_id;
        s->product_id = product_id;
        s->category_id = category_id;
        f.store_id = s->store_id;
        series_name(&f, s->name, sizeof s->name);
        int first = build_series(rows + a, b - a, HISTORY_DAYS, 1, y);
        compute(s, y, first, HISTORY_DAYS, day0, horizon);
        rc = store_series(db, s, today, err);
        ++*n_series;
        a = b;
    }
    if (rc == TM_OK) {
        memset(out, 0, sizeof *out);
        out->product_id = product_id;
        out->category_id = category_id;
        f.store_id = 0;
        series_name(&f, out->name, sizeof out->name);
        int first = build_series(rows, n, HISTORY_DAYS, 0, y);
        compute(out, y, first, HISTORY_DAYS, day0, horizon);
        rc = store_series(db, out, today, err);
        ++*n_series;
    }
    free(s);
    free(y);
    free(rows);
    return rc;
}

/* what forecast.updated says of a product */
struct updated {
    int64_t product_id, category_id;
    int horizon, n_series;
    double total, mase;
    enum fc_class cls;
    enum fc_model model;
};

static void
updated_of(const struct series_fc *p, int n_series, struct updated *u)
{
    u->product_id = p->product_id;
    u->category_id = p->category_id;
    u->horizon = p->res.horizon;
    u->n_series = n_series;
    u->total = p->res.horizon > 0 ? p->res.cum[p->res.horizon - 1] : 0;
    u->mase = p->res.chosen.mase;
    u->cls = p->res.info.cls;
    u->model = p->res.model;
}

static enum tm_code
emit_updated(PGconn *db, const struct updated *u, struct tm_err *err)
{
    struct tm_buf b;
    tm_buf_init(&b, 4096);
    enum tm_code rc = tm_buf_printf(
        &b,
        "{\"product_id\":%" PRId64 ",\"category_id\":%" PRId64 ",\"horizon_days\":%d,"
        "\"series\":%d,\"total\":%.4f,\"class\":\"%s\",\"model\":\"%s\",\"mase\":%.4f}",
        u->product_id, u->category_id, u->horizon, u->n_series, u->total, fc_class_name(u->cls),
        fc_model_name(u->model), u->mase);
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &inv_outbox, tm_topic_name(TM_TOPIC_FORECAST_UPDATED), b.p, NULL,
                           err);
    tm_buf_fini(&b);
    return rc;
}

/* ---- handlers --------------------------------------------------------------- */

static int64_t
fresh_s(const struct tm_ctx *ctx)
{
    const struct inv_app *a = ctx->app;
    return a && a->forecast_interval_s > 0 ? a->forecast_interval_s : 6 * 3600;
}

/* a stored forecast when fresh, else one computed now (not stored: a read) */
static enum tm_code
answer(struct tm_ctx *ctx, struct tm_reply *rep, const struct inv_demand_filter *f, int horizon,
       struct tm_err *err)
{
    char name[48];
    series_name(f, name, sizeof name);
    struct tm_buf stored;
    tm_buf_init(&stored, 1 << 20);
    enum tm_code rc = inv_db_forecast_get(ctx->db, name, horizon, fresh_s(ctx), &stored, err);
    if (rc == TM_OK && (rc = tm_buf_adds(&rep->body, "{\"stored\":true,\"forecast\":")) == TM_OK &&
        (rc = tm_buf_adds(&rep->body, stored.p)) == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    tm_buf_fini(&stored);
    rep->status = 200;
    if (rc != TM_NOTFOUND)
        return rc;
    struct series_fc *s = malloc(sizeof *s);
    int64_t today = 0;
    if (!s)
        return tm_err_set(err, TM_INTERNAL, NULL, "out of memory");
    rc = compute_filter(ctx->db, f, horizon, s, &today, err);
    if (rc == TM_OK)
        rc = tm_buf_adds(&rep->body, "{\"stored\":false,\"forecast\":");
    if (rc == TM_OK)
        rc = enc_series(&rep->body, s, today);
    if (rc == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    free(s);
    rep->status = 200;
    return rc;
}

static enum tm_code
horizon_arg(struct tm_ctx *ctx, int *out, struct tm_err *err)
{
    int64_t h;
    enum tm_code rc =
        tm_ctx_query_int(ctx, "horizon_days", 1, HORIZON_MAX, HORIZON_DEFAULT, &h, err);
    *out = (int)h;
    return rc;
}

enum tm_code
inv_h_prediction_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_product p;
    struct inv_store st;
    struct inv_demand_filter f = {.days = HISTORY_DAYS};
    int horizon;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "product_id", &f.product_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, INT64_MAX, 0, &f.store_id, err)) != TM_OK ||
        (rc = horizon_arg(ctx, &horizon, err)) != TM_OK ||
        (rc = inv_db_product_get(ctx->db, f.product_id, &p, err)) != TM_OK)
        return rc;
    if (!f.store_id)
        tm_ctx_every_store(ctx); /* the product across the chain */
    else if ((rc = tm_ctx_may_store(ctx, f.store_id, "store_id", err)) != TM_OK)
        return rc;
    if (f.store_id && (rc = inv_db_store_get(ctx->db, f.store_id, &st, err)) != TM_OK)
        return rc == TM_NOTFOUND
                   ? tm_err_set(err, TM_NOTFOUND, "store_id", "no store %" PRId64, f.store_id)
                   : rc;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, f.product_id);
    return answer(ctx, rep, &f, horizon, err);
}

enum tm_code
inv_h_prediction_category(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_category c;
    struct inv_demand_filter f = {.days = HISTORY_DAYS};
    int horizon;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "category_id", &f.category_id, err)) != TM_OK ||
        (rc = horizon_arg(ctx, &horizon, err)) != TM_OK ||
        (rc = inv_db_category_get(ctx->db, f.category_id, &c, err)) != TM_OK)
        return rc;
    tm_ctx_every_store(ctx); /* a category across the chain */
    snprintf(rep->target, sizeof rep->target, "%" PRId64, f.category_id);
    return answer(ctx, rep, &f, horizon, err);
}

enum tm_code
inv_h_prediction_refresh(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_product p;
    int64_t id;
    int horizon, n_series = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "product_id", &id, err)) != TM_OK ||
        (rc = horizon_arg(ctx, &horizon, err)) != TM_OK ||
        (rc = inv_db_product_get(ctx->db, id, &p, err)) != TM_OK)
        return rc;
    tm_ctx_every_store(ctx); /* every store's series of the product, recomputed from the ledger */
    struct series_fc *s = malloc(sizeof *s);
    if (!s)
        return tm_err_set(err, TM_INTERNAL, NULL, "out of memory");
    struct updated u;
    rc = refresh_product(ctx->db, id, p.category_id, horizon, s, &n_series, err);
    updated_of(s, n_series, &u);
    if (rc == TM_OK)
        rc = emit_updated(ctx->db, &u, err);
    if (rc == TM_OK)
        rc = tm_buf_printf(&rep->body,
                           "{\"product_id\":%" PRId64 ",\"horizon_days\":%d,\"series\":%d,"
                           "\"total\":%.4f,\"class\":\"%s\",\"model\":\"%s\"}",
                           id, horizon, n_series, s->res.cum[horizon - 1],
                           fc_class_name(s->res.info.cls), fc_model_name(s->res.model));
    free(s);
    rep->status = 200;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    return rc;
}

/* Every product sold in the window: its stores' series and its own; then
 * every category of those. The events go last, so the outbox's counter row
 * is held only for the end of the job's transaction. */
enum tm_code
inv_job_forecast_refresh(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    (void)app;
    int64_t *products = NULL, *categories = NULL;
    size_t n = 0;
    enum tm_code rc = inv_db_demand_products(db, HISTORY_DAYS, &products, &categories, &n, err);
    if (rc != TM_OK)
        return rc;
    struct updated *all = n ? calloc(n, sizeof *all) : NULL;
    struct series_fc *c = malloc(sizeof *c);
    if ((n && !all) || !c)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "out of memory");
    *rows = 0;
    for (size_t i = 0; i < n && rc == TM_OK; i++) {
        int count = 0;
        rc = refresh_product(db, products[i], categories[i], HORIZON_DEFAULT, c, &count, err);
        updated_of(c, count, &all[i]);
        *rows += count;
    }
    /* categories: the distinct ones of the products, once each */
    for (size_t i = 0; i < n && rc == TM_OK; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = categories[j] == categories[i];
        if (seen || categories[i] <= 0)
            continue;
        struct inv_demand_filter f = {.category_id = categories[i], .days = HISTORY_DAYS};
        int64_t today = 0;
        if ((rc = compute_filter(db, &f, HORIZON_DEFAULT, c, &today, err)) == TM_OK &&
            (rc = store_series(db, c, today, err)) == TM_OK)
            ++*rows;
    }
    for (size_t i = 0; i < n && rc == TM_OK; i++)
        rc = emit_updated(db, &all[i], err);
    free(c);
    free(all);
    free(products);
    free(categories);
    return rc;
}
