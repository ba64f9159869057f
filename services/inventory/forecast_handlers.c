/* services/inventory/forecast_handlers.c — demand forecasts over the API:
 * daily series out of the stock ledger (forecast_store.c), the engine of
 * forecast.h on them, the answer's JSON, stored forecasts and the
 * forecast-refresh job, which refreshes the levels whose forecast is due
 * (forecast_due.h, sql/inventory/0007_forecast_due.sql).
 *
 * Series: a store's sales of a product ("s<store>:p<product>"), the product
 * across stores ("p<product>") and a category across stores ("c<category>"),
 * over the 730 whole UTC days before today, from the first day with a
 * movement. In a store's series a day without sales that ended with nothing
 * on hand is missing (demand unseen), not zero. A store's series also reads
 * what is known in advance of its days (forecast_inputs.h: the store's
 * public holidays, its calendar events, the product's promotions there),
 * which the engine uses where its backtest says they help.
 *
 * A forecast that fails is never shown: a series with too little history
 * (no day observed) answers 422 and one the engine fails on 500, each
 * naming the series and the reason; a refresh leaves a store's series that
 * has too little history unstored (and says how many), the job any such
 * series, and any other failure fails the refresh or the job run, which
 * records the reason.
 *
 * Memory: each entry point allocates one struct fc_work (tm_xmalloc) and
 * frees it; everything it holds is bounded by TM_FORECAST_HISTORY_DAYS and
 * TM_FORECAST_HORIZON_MAX (proto/limits.h). */
#include "services/inventory/forecast_handlers.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/topic.h"

#include "proto/limits.h"
#include "services/inventory/app.h"
#include "services/inventory/catalog.h"
#include "services/inventory/forecast.h"
#include "services/inventory/forecast_due.h"
#include "services/inventory/forecast_inputs.h"
#include "services/inventory/forecast_store.h"
#include "services/inventory/store.h"

#define HISTORY_DAYS TM_FORECAST_HISTORY_DAYS
#define HORIZON_DEFAULT 14
#define HORIZON_MAX TM_FORECAST_HORIZON_MAX
#define ORIGINS 4

_Static_assert(HISTORY_DAYS <= FC_MAX_HISTORY, "the engine takes the whole window");
_Static_assert(HORIZON_MAX <= FC_MAX_HORIZON, "the engine forecasts every horizon asked for");

/* one computed series */
struct series_fc {
    char name[48];
    int64_t store_id, product_id, category_id;
    struct fc_result res;
    struct fc_patterns pat;
    int64_t first_day; /* days since the epoch of y[0] */
    int days;
    const struct fc_known_x *known; /* its regressors; NULL: a series across stores */
};

/* The scratch of one request or job run: its entry point allocates it once
 * (tm_xmalloc, about 130 KB) and frees it; nothing keeps it. */
struct fc_work {
    double y[HISTORY_DAYS];                     /* a series, day by day */
    struct inv_demand_day ledger[HISTORY_DAYS]; /* its days with movements */
    struct series_fc s;                         /* the series and its forecast */
    struct inv_fc_inputs in;                    /* a store series' known days */
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

/* Forecasts s (named) from y[first..days), with what a store series knows
 * in advance read into *in (forecast_inputs.h). TM_UNPROCESSABLE when the
 * series has too little history, TM_INTERNAL when the engine fails; the
 * message names the series and what failed. */
static enum tm_code
compute(PGconn *db, struct inv_fc_inputs *in, struct series_fc *s, const double *y, int first,
        int days, int64_t day0, int horizon, struct tm_err *err)
{
    struct fc_options o = {.horizon = horizon, .origins = ORIGINS, .season = 7};
    struct tm_err why;
    int n = days - first;
    enum tm_code rc;

    s->first_day = day0 + first;
    s->days = n;
    s->known = NULL;
    if (s->store_id && n > 0) {
        if ((rc = inv_fc_inputs_load(db, s->store_id, s->product_id, s->first_day, n, horizon, in,
                                     err)) != TM_OK)
            return rc;
        s->known = &in->x;
    }
    /* the series' period t has slot t mod 7; align slots with weekdays */
    if ((rc = inv_fc_inputs_run(y + first, n, s->known, &o, &s->res, &why)) != TM_OK)
        /* invalid options would be this file's bug, not the client's */
        return tm_err_set(err, rc == TM_UNPROCESSABLE ? rc : TM_INTERNAL, NULL,
                          "forecast of %s: %s", s->name, why.message);
    fc_patterns(y + first, n, s->first_day, &s->pat);
    return TM_OK;
}

/* `,"key":"YYYY-MM-DD"` of a day since the epoch */
static enum tm_code
enc_date(struct tm_buf *b, const char *key, int64_t day)
{
    char date[16];

    fc_day_text(day, date, sizeof date);
    return tm_json_kv_str(b, key, date, 0);
}

static enum tm_code
enc_accuracy(struct tm_buf *b, const char *key, const struct fc_accuracy *a, int coverage)
{
    enum tm_code rc = tm_buf_printf(b, ",\"%s\":{\"points\":%d", key, a->points);

    if (rc == TM_OK && (rc = tm_json_kv_f64(b, "mase", a->mase, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "rmsse", a->rmsse, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "bias", a->bias, 4, 0)) == TM_OK && coverage &&
        (rc = tm_json_kv_f64(b, "coverage_80", a->cover80, 4, 0)) == TM_OK)
        rc = tm_json_kv_f64(b, "coverage_95", a->cover95, 4, 0);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

static enum tm_code
enc_weekday(struct tm_buf *b, const struct fc_patterns *p)
{
    static const char *const wd[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    enum tm_code rc = tm_buf_adds(b, "{\"index\":{");

    for (int d = 0; d < 7 && rc == TM_OK; d++) {
        rc = tm_json_kv_f64(b, wd[d], p->weekday_index[d], 3, d == 0);
    }
    if (rc == TM_OK && (rc = tm_buf_adds(b, "}")) == TM_OK &&
        (rc = tm_json_kv_f64(b, "strength", p->weekday_strength, 3, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
enc_patterns(struct tm_buf *b, const struct fc_patterns *p)
{
    static const char *const dir[3] = {"down", "flat", "up"};
    enum tm_code rc = tm_buf_adds(b, ",\"patterns\":{\"weekday\":");

    if (rc == TM_OK)
        rc = p->weekday ? enc_weekday(b, p) : tm_buf_adds(b, "null");
    if (rc == TM_OK && (rc = tm_buf_adds(b, ",\"trend\":{")) == TM_OK &&
        (rc = tm_json_kv_str(b, "direction", dir[p->trend_direction + 1], 1)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "strength", p->trend_strength, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "per_week", p->trend_per_week, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "weeks", p->trend_weeks)) == TM_OK &&
        (rc = tm_buf_adds(b, "}")) == TM_OK && (rc = tm_json_kv_i64(b, "years", p->years)) == TM_OK)
        rc = tm_buf_adds(b, ",\"yearly_peaks\":[");
    for (int i = 0; i < p->n_peaks && rc == TM_OK; i++)
        if ((rc = tm_buf_printf(b, "%s{\"month\":%d", i ? "," : "", p->peak_month[i])) == TM_OK &&
            (rc = tm_json_kv_f64(b, "index", p->peak_index[i], 3, 0)) == TM_OK)
            rc = tm_buf_adds(b, "}");
    return rc == TM_OK ? tm_buf_adds(b, "]}") : rc;
}

/* the fitted parameters of r's model, in the order alpha, beta, gamma, phi */
static enum tm_code
enc_params(struct tm_buf *b, const struct fc_result *r)
{
    const struct fc_params *p = &r->params;
    const char *names[4] = {"alpha", "beta", "gamma", "phi"};
    const double values[4] = {p->alpha, p->beta, p->gamma, p->phi};
    int shown[4] = {0, 0, 0, 0}, first = 1;
    enum tm_code rc = tm_buf_adds(b, ",\"parameters\":{");

    switch (r->model) {
    case FC_MA:
    case FC_SEASONAL_MEDIAN:
        rc = rc == TM_OK ? tm_buf_printf(b, "\"window\":%d", p->window) : rc;
        first = 0;
        break;
    case FC_SES:
    case FC_CROSTON:
    case FC_SBA:
    case FC_THETA:
        shown[0] = 1;
        break;
    case FC_TSB:
        shown[0] = shown[1] = 1;
        break;
    case FC_SEASONAL_SES:
        shown[0] = shown[2] = 1;
        break;
    case FC_HOLT_DAMPED:
        shown[0] = shown[1] = shown[3] = 1;
        break;
    case FC_HW_ADD:
    case FC_HW_MUL:
        shown[0] = shown[1] = shown[2] = shown[3] = 1;
        break;
    default:
        break;
    }
    for (int i = 0; i < 4 && rc == TM_OK; i++) {
        if (!shown[i])
            continue;
        rc = tm_json_kv_f64(b, names[i], values[i], 4, first);
        first = 0;
    }
    if (rc == TM_OK && fc_model_fitted(r->model))
        rc = tm_json_kv_f64(b, "shift", p->shift, 4, first);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* one daily row: period h of r, dated `day`, with what is known of it */
static enum tm_code
enc_day(struct tm_buf *b, const struct fc_result *r, const struct fc_known_x *known, int h,
        int64_t day)
{
    char date[16];
    enum tm_code rc;

    fc_day_text(day, date, sizeof date);
    if ((rc = tm_buf_adds(b, h ? ",{" : "{")) != TM_OK ||
        (rc = tm_json_kv_str(b, "date", date, 1)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "forecast", r->forecast[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "mean", r->mean[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "lo80", r->lo80[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "hi80", r->hi80[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "lo95", r->lo95[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "hi95", r->hi95[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "cumulative", r->cum[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "cumulative_lo80", r->cum_lo80[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "cumulative_hi80", r->cum_hi80[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "cumulative_lo95", r->cum_lo95[h], 4, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "cumulative_hi95", r->cum_hi95[h], 4, 0)) != TM_OK ||
        (rc = inv_fc_inputs_day(b, known, h)) != TM_OK)
        return rc;
    return tm_buf_adds(b, "}");
}

/* what the series is: its name, scope, ids, horizon, history and class */
static enum tm_code
enc_head(struct tm_buf *b, const struct series_fc *s, int64_t today)
{
    const struct fc_result *r = &s->res;
    const char *scope = s->store_id ? "store_product" : s->product_id ? "product" : "category";
    enum tm_code rc;

    if ((rc = tm_buf_adds(b, "{")) != TM_OK ||
        (rc = tm_json_kv_str(b, "series", s->name, 1)) != TM_OK ||
        (rc = tm_json_kv_str(b, "scope", scope, 0)) != TM_OK ||
        (s->store_id && (rc = tm_json_kv_i64(b, "store_id", s->store_id)) != TM_OK) ||
        (s->product_id && (rc = tm_json_kv_i64(b, "product_id", s->product_id)) != TM_OK) ||
        (s->category_id && (rc = tm_json_kv_i64(b, "category_id", s->category_id)) != TM_OK) ||
        (rc = tm_json_kv_i64(b, "horizon_days", r->horizon)) != TM_OK ||
        (rc = enc_date(b, "from", today)) != TM_OK ||
        (rc = tm_buf_printf(b, ",\"history\":{\"days\":%d", s->days)) != TM_OK ||
        (rc = tm_json_kv_i64(b, "missing_days", r->info.missing)) != TM_OK ||
        (s->days > 0 && (rc = enc_date(b, "first_day", s->first_day)) != TM_OK) ||
        (rc = tm_buf_adds(b, "}")) != TM_OK ||
        (rc = tm_json_kv_str(b, "class", fc_class_name(r->info.cls), 0)) != TM_OK ||
        (rc = tm_json_kv_str(b, "class_reason", fc_class_reason(r->info.cls), 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "adi", r->info.adi, 3, 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "cv2", r->info.cv2, 3, 0)) != TM_OK)
        return rc;
    return tm_json_kv_str(b, "model", fc_model_name(r->model), 0);
}

/* the answer for one series, horizon H from `today` */
static enum tm_code
enc_series(struct tm_buf *b, const struct series_fc *s, int64_t today)
{
    const struct fc_result *r = &s->res;
    int H = r->horizon;
    enum tm_code rc;

    if ((rc = enc_head(b, s, today)) != TM_OK || (rc = enc_params(b, r)) != TM_OK ||
        (rc = tm_json_kv_str(b, "intervals", r->analytic ? "analytic" : "empirical", 0)) != TM_OK ||
        (rc = tm_json_kv_f64(b, "total", H > 0 ? r->cum[H - 1] : 0, 4, 0)) != TM_OK)
        return rc;
    if (H > 0 && ((rc = tm_buf_adds(b, ",\"total_interval\":{")) != TM_OK ||
                  (rc = tm_json_kv_f64(b, "lo80", r->cum_lo80[H - 1], 4, 1)) != TM_OK ||
                  (rc = tm_json_kv_f64(b, "hi80", r->cum_hi80[H - 1], 4, 0)) != TM_OK ||
                  (rc = tm_json_kv_f64(b, "lo95", r->cum_lo95[H - 1], 4, 0)) != TM_OK ||
                  (rc = tm_json_kv_f64(b, "hi95", r->cum_hi95[H - 1], 4, 0)) != TM_OK ||
                  (rc = tm_buf_adds(b, "}")) != TM_OK))
        return rc;
    if ((rc = tm_buf_printf(b, ",\"backtest\":{\"origins\":%d", r->origins)) != TM_OK ||
        (rc = tm_json_kv_i64(b, "horizon_days", H)) != TM_OK ||
        (rc = enc_accuracy(b, "chosen", &r->chosen, 1)) != TM_OK ||
        (rc = enc_accuracy(b, "seasonal_naive", &r->snaive, 0)) != TM_OK ||
        (rc = enc_accuracy(b, "seed_formula", &r->seed, 0)) != TM_OK ||
        (rc = tm_buf_adds(b, "}")) != TM_OK ||
        (rc = inv_fc_inputs_encode(b, s->known, r)) != TM_OK ||
        (rc = tm_buf_adds(b, ",\"daily\":[")) != TM_OK)
        return rc;
    for (int h = 0; h < H && rc == TM_OK; h++)
        rc = enc_day(b, r, s->known, h, today + h);
    if (rc == TM_OK && (rc = tm_buf_adds(b, "]")) == TM_OK)
        rc = enc_patterns(b, &s->pat);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* ---- computing ------------------------------------------------------------ */

/* Computes the series of filter f (a store's product, a product, or a
 * category) into w->s; names it and keeps its ids. */
static enum tm_code
compute_filter(PGconn *db, const struct inv_demand_filter *f, int horizon, struct fc_work *w,
               int64_t *today, struct tm_err *err)
{
    struct series_fc *s = &w->s;
    int64_t day0 = 0;
    int n = 0;
    enum tm_code rc = inv_db_demand_days(db, f, &day0, w->ledger, HISTORY_DAYS, &n, err);

    if (rc != TM_OK)
        return rc;
    memset(s, 0, sizeof *s);
    s->store_id = f->store_id;
    s->product_id = f->product_id;
    s->category_id = f->category_id;
    series_name(f, s->name, sizeof s->name);
    int first = build_series(w->ledger, (size_t)n, HISTORY_DAYS, f->store_id != 0, w->y);
    *today = day0 + HISTORY_DAYS;
    return compute(db, &w->in, s, w->y, first, HISTORY_DAYS, day0, horizon, err);
}

enum tm_code
inv_forecast_level(PGconn *db, int64_t store_id, int64_t product_id, int horizon,
                   struct fc_result *out, int64_t *today, struct tm_err *err)
{
    struct inv_demand_filter f = {
        .store_id = store_id, .product_id = product_id, .days = HISTORY_DAYS};
    struct fc_work *w = tm_xmalloc(sizeof *w);
    enum tm_code rc = compute_filter(db, &f, horizon, w, today, err);

    if (rc == TM_OK)
        *out = w->s.res;
    free(w);
    return rc;
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

/* What a refresh did. */
struct refreshed {
    int stored;  /* series stored */
    int skipped; /* store series left unstored: too little history */
};

/* A refreshed series that could not be forecast for too little history is
 * left unstored and counted (err cleared); any other failure is returned. */
static enum tm_code
stored_or_skipped(PGconn *db, const struct series_fc *s, enum tm_code rc, int64_t today,
                  const char *rid, struct refreshed *done, struct tm_err *err)
{
    if (rc == TM_UNPROCESSABLE) {
        tm_log_info(rid, "forecast.skipped", "series=%s reason=\"%s\"", s->name,
                    err ? err->message : "");
        tm_err_clear(err);
        done->skipped++;
        return TM_OK;
    }
    if (rc == TM_OK && (rc = store_series(db, s, today, err)) == TM_OK)
        done->stored++;
    return rc;
}

/* What a refresh of one product computes. */
struct refresh_of {
    int64_t product_id, category_id;
    int horizon;
    /* the stores whose series to refresh, sorted by store; NULL: all */
    const struct fc_due_level *only;
    size_t n_only;
    const char *rid; /* the request's id for the log; NULL in the job */
};

/* The store series of a product that o names, then the product's own,
 * stored; w->s is the product's series on TM_OK. A store's series with too
 * little history is skipped; the product's own failure is returned,
 * TM_UNPROCESSABLE when it has too little history (the POST answers it, the
 * job skips the product), the store series stored before it kept in the
 * transaction. */
static enum tm_code
refresh_product(PGconn *db, const struct refresh_of *o, struct fc_work *w, struct refreshed *done,
                struct tm_err *err)
{
    struct inv_demand_day *rows = NULL;
    struct series_fc *s = &w->s;
    size_t n = 0;
    int64_t day0 = 0, today = 0;
    struct inv_demand_filter f = {.product_id = o->product_id, .days = HISTORY_DAYS};
    enum tm_code rc =
        inv_db_demand_by_store(db, o->product_id, HISTORY_DAYS, &day0, &rows, &n, err);

    memset(done, 0, sizeof *done);
    if (rc != TM_OK)
        return rc;
    today = day0 + HISTORY_DAYS;
    for (size_t a = 0, b = 0; a < n && rc == TM_OK; a = b) {
        while (b < n && rows[b].store_id == rows[a].store_id)
            b++;
        if (o->only && !fc_due_has_store(o->only, o->n_only, rows[a].store_id))
            continue; /* not due: its stored forecast stands */
        memset(s, 0, sizeof *s);
        s->store_id = f.store_id = rows[a].store_id;
        s->product_id = o->product_id;
        s->category_id = o->category_id;
        series_name(&f, s->name, sizeof s->name);
        int first = build_series(rows + a, b - a, HISTORY_DAYS, 1, w->y);
        rc = compute(db, &w->in, s, w->y, first, HISTORY_DAYS, day0, o->horizon, err);
        rc = stored_or_skipped(db, s, rc, today, o->rid, done, err);
    }
    if (rc == TM_OK) {
        memset(s, 0, sizeof *s);
        s->product_id = o->product_id;
        s->category_id = o->category_id;
        f.store_id = 0;
        series_name(&f, s->name, sizeof s->name);
        int first = build_series(rows, n, HISTORY_DAYS, 0, w->y);
        if ((rc = compute(db, &w->in, s, w->y, first, HISTORY_DAYS, day0, o->horizon, err)) ==
                TM_OK &&
            (rc = store_series(db, s, today, err)) == TM_OK)
            done->stored++;
    }
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

/* forecast.updated's data (proto/events.md); stores: its per-store figures */
static enum tm_code
enc_updated(struct tm_buf *b, const struct updated *u, const char *stores)
{
    enum tm_code rc = tm_buf_printf(b, "{\"product_id\":%" PRId64, u->product_id);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "category_id", u->category_id)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "horizon_days", u->horizon)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "series", u->n_series)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "total", u->total, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "class", fc_class_name(u->cls), 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "model", fc_model_name(u->model), 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "mase", u->mase, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_json(b, "stores", stores)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
emit_updated(PGconn *db, const struct updated *u, struct tm_err *err)
{
    struct tm_buf b, stores;
    tm_buf_init(&b, 64 << 10);
    tm_buf_init(&stores, 60 << 10); /* INV_FORECAST_STORES_MAX figures of ~90 bytes */
    enum tm_code rc = inv_db_forecast_store_demand(db, u->product_id, u->horizon, &stores, err);
    if (rc == TM_OK && (rc = enc_updated(&b, u, stores.p)) == TM_TOOBIG)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "forecast.updated too large");
    tm_buf_fini(&stores);
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &inv_outbox, tm_topic_name(TM_TOPIC_FORECAST_UPDATED), b.p, err);
    tm_buf_fini(&b);
    return rc;
}

/* ---- handlers --------------------------------------------------------------- */

/* a stored forecast when fresh (computed today, none of its levels due:
 * inv_db_forecast_get), else one computed now (not stored: a read) */
static enum tm_code
answer(struct tm_ctx *ctx, struct tm_reply *rep, const struct inv_demand_filter *f, int horizon,
       struct tm_err *err)
{
    char name[48];
    series_name(f, name, sizeof name);
    struct tm_buf stored;
    tm_buf_init(&stored, 1 << 20);
    enum tm_code rc = inv_db_forecast_get(ctx->db, f, name, horizon, &stored, err);
    if (rc == TM_OK && (rc = tm_buf_adds(&rep->body, "{\"stored\":true,\"forecast\":")) == TM_OK &&
        (rc = tm_buf_adds(&rep->body, stored.p)) == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    tm_buf_fini(&stored);
    rep->status = 200;
    if (rc != TM_NOTFOUND)
        return rc;
    tm_err_clear(err);
    struct fc_work *w = tm_xmalloc(sizeof *w);
    int64_t today = 0;
    rc = compute_filter(ctx->db, f, horizon, w, &today, err);
    if (rc == TM_OK)
        rc = tm_buf_adds(&rep->body, "{\"stored\":false,\"forecast\":");
    if (rc == TM_OK)
        rc = enc_series(&rep->body, &w->s, today);
    if (rc == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    free(w);
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

/* Records levels[0..n) refreshed (inv_db_forecast_done). */
static enum tm_code
levels_done(PGconn *db, const struct fc_due_level *levels, size_t n, struct tm_err *err)
{
    enum tm_code rc = TM_OK;

    for (size_t i = 0; i < n && rc == TM_OK; i++)
        rc = inv_db_forecast_done(db, &levels[i], err);
    return rc;
}

enum tm_code
inv_h_prediction_refresh(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_product p;
    struct refreshed done;
    struct updated u;
    struct fc_work *w = NULL;
    struct fc_due_level *levels = NULL;
    size_t n_levels = 0;
    int64_t id;
    int horizon;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "product_id", &id, err)) != TM_OK ||
        (rc = horizon_arg(ctx, &horizon, err)) != TM_OK ||
        (rc = tm_ctx_no_body(ctx, err)) != TM_OK ||
        (rc = inv_db_product_get(ctx->db, id, &p, err)) != TM_OK)
        return rc;
    tm_ctx_every_store(ctx); /* every store's series of the product, recomputed from the ledger */
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    /* the levels' marks before the ledger is read: one that moves after
     * stays due */
    if ((rc = inv_db_forecast_levels(ctx->db, id, &levels, &n_levels, err)) != TM_OK)
        return rc;
    w = tm_xmalloc(sizeof *w);
    struct refresh_of o = {id, p.category_id, horizon, NULL, 0, ctx->req->id};
    if ((rc = refresh_product(ctx->db, &o, w, &done, err)) != TM_OK ||
        (rc = levels_done(ctx->db, levels, n_levels, err)) != TM_OK)
        goto out;
    updated_of(&w->s, done.stored, &u);
    if ((rc = emit_updated(ctx->db, &u, err)) != TM_OK)
        goto out;
    if ((rc = tm_buf_printf(&rep->body, "{\"product_id\":%" PRId64, id)) == TM_OK &&
        (rc = tm_json_kv_i64(&rep->body, "horizon_days", horizon)) == TM_OK &&
        (rc = tm_json_kv_i64(&rep->body, "series", done.stored)) == TM_OK &&
        (rc = tm_json_kv_i64(&rep->body, "skipped", done.skipped)) == TM_OK &&
        (rc = tm_json_kv_f64(&rep->body, "total", u.total, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_str(&rep->body, "class", fc_class_name(u.cls), 0)) == TM_OK &&
        (rc = tm_json_kv_str(&rep->body, "model", fc_model_name(u.model), 0)) == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    rep->status = 200;
out:
    free(levels);
    free(w);
    return rc;
}

/* One product's due levels l[0..n) (sorted by store): their store series
 * and the product's own. *u is the product's forecast.updated (product_id 0
 * when its own series had too little history: skipped and logged); *rows
 * grows by the levels taken and the product's series when stored. */
static enum tm_code
refresh_due(PGconn *db, const struct fc_due_level *l, size_t n, struct fc_work *w,
            struct updated *u, int64_t *rows, struct tm_err *err)
{
    struct refresh_of o = {l[0].product_id, l[0].category_id, HORIZON_DEFAULT, l, n, NULL};
    struct refreshed done;
    enum tm_code rc = refresh_product(db, &o, w, &done, err);

    memset(u, 0, sizeof *u);
    if (rc == TM_UNPROCESSABLE) { /* the product's own series (sold today only): no event */
        tm_log_info(NULL, "forecast.skipped", "series=%s reason=\"%s\"", w->s.name,
                    err ? err->message : "");
        tm_err_clear(err);
        rc = TM_OK;
    } else if (rc == TM_OK) {
        updated_of(&w->s, done.stored, u);
        *rows += 1;
    }
    if (rc == TM_OK)
        *rows += (int64_t)n;
    return rc;
}

/* The levels whose forecast is due (inv_db_forecast_due), at most the
 * forecast-batch setting, the longest due first: each product's due store
 * series and its own, then each category of those products once; every
 * level taken is recorded as refreshed, so the next run goes on with the
 * rest. Nothing due: one query, no row. The levels are recorded after
 * every series is computed, in the order sales lock them, so a sale of a
 * level waits for the run only for its last moments and never deadlocks
 * with it; the events go last, so the outbox's counter row is held only
 * for the end of the job's transaction.
 * A series with too little history is skipped (logged) and its level taken
 * all the same, so it is not tried again until it moves; any other failure
 * fails the run, which records the series and the reason, and leaves every
 * mark as it was. */
enum tm_code
inv_job_forecast_refresh(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct inv_app *a = app;
    assert(a && a->cfg && a->cfg->forecast_batch > 0); /* main.c's setting, 1 at least */
    size_t max = (size_t)a->cfg->forecast_batch;
    struct fc_due_level *due = tm_xcalloc(max, sizeof *due);
    int got = 0;
    enum tm_code rc = inv_db_forecast_due(db, (int)max, due, &got, err);
    size_t n = (size_t)got, n_upd = 0, n_cat = 0;
    struct updated *upd = tm_xcalloc(max, sizeof *upd);
    int64_t *categories = tm_xcalloc(max, sizeof *categories);
    struct fc_work *w = n ? tm_xmalloc(sizeof *w) : NULL;

    *rows = 0;
    fc_due_sort(due, n);
    for (size_t i = 0, end; i < n && rc == TM_OK; i = end) {
        end = fc_due_group_end(due, n, i);
        if ((rc = refresh_due(db, due + i, end - i, w, &upd[n_upd], rows, err)) == TM_OK &&
            upd[n_upd].product_id)
            n_upd++;
    }
    if (rc == TM_OK)
        n_cat = fc_due_categories(due, n, categories);
    for (size_t i = 0; i < n_cat && rc == TM_OK; i++) {
        struct inv_demand_filter f = {.category_id = categories[i], .days = HISTORY_DAYS};
        struct refreshed done = {0, 0};
        int64_t today = 0;
        rc = compute_filter(db, &f, HORIZON_DEFAULT, w, &today, err);
        rc = stored_or_skipped(db, &w->s, rc, today, NULL, &done, err);
        *rows += done.stored;
    }
    fc_due_sort_for_locking(due, n);
    if (rc == TM_OK)
        rc = levels_done(db, due, n, err);
    for (size_t i = 0; i < n_upd && rc == TM_OK; i++)
        rc = emit_updated(db, &upd[i], err);
    if (rc == TM_OK && n)
        tm_log_info(NULL, "forecast.refreshed", "levels=%zu products=%zu categories=%zu", n, n_upd,
                    n_cat);
    free(w);
    free(categories);
    free(upd);
    free(due);
    return rc;
}
