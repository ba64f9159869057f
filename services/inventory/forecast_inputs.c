/* services/inventory/forecast_inputs.c — see forecast_inputs.h. One load
 * per store series a request or the forecast-refresh job computes: three
 * indexed reads (the store's country, its events, the product's
 * promotions over the series' days), then the pure columns. */
#include "services/inventory/forecast_inputs.h"

#include <stdio.h>

#include "common/json.h"

#include "services/inventory/calendar_store.h"
#include "services/inventory/holidays.h"

enum tm_code
inv_fc_inputs_load(PGconn *db, int64_t store_id, int64_t product_id, int64_t first_day, int n_hist,
                   int horizon, struct inv_fc_inputs *in, struct tm_err *err)
{
    char country[8];
    struct fc_known k = {FC_COUNTRY_NONE, in->ev, 0, in->pr, 0};
    int c;
    enum tm_code rc =
        inv_db_known(db, store_id, product_id, first_day, first_day + n_hist + horizon - 1, country,
                     sizeof country, in->ev, &k.n_events, in->pr, &k.n_promos, err);

    if (rc != TM_OK)
        return rc;
    c = fc_country_from(country);
    k.country = c > 0 ? c : FC_COUNTRY_NONE; /* the table's CHECK allows no other */
    fc_known_build(&k, first_day, n_hist, horizon, &in->x);
    return TM_OK;
}

enum tm_code
inv_fc_inputs_run(const double *y, int n, const struct fc_known_x *x, const struct fc_options *o,
                  struct fc_result *out, struct tm_err *err)
{
    struct fc_regressors xr = {0};

    if (x)
        for (int i = 0; i < x->k; i++) {
            xr.x[xr.k] = x->col[x->kept[i]];
            xr.name[xr.k++] = fc_known_names[x->kept[i]];
        }
    return fc_run_x(y, n, &xr, o, out, err);
}

static enum tm_code
enc_without(struct tm_buf *b, const struct fc_accuracy *a)
{
    enum tm_code rc = tm_buf_printf(b, ",\"backtest_without\":{\"points\":%d", a->points);

    if (rc == TM_OK && (rc = tm_json_kv_f64(b, "mase", a->mase, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "rmsse", a->rmsse, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "bias", a->bias, 4, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
enc_effects(struct tm_buf *b, const struct fc_result *r)
{
    enum tm_code rc = tm_buf_adds(b, ",\"effects\":[");

    for (int i = 0; i < r->n_effects && rc == TM_OK; i++) {
        const struct fc_effect *e = &r->effects[i];
        if ((rc = tm_buf_adds(b, i ? ",{" : "{")) == TM_OK &&
            (rc = tm_json_kv_str(b, "name", e->name, 1)) == TM_OK &&
            (rc = tm_json_kv_f64(b, "coef", e->coef, 4, 0)) == TM_OK &&
            (rc = tm_json_kv_f64(b, "lift", e->lift, 4, 0)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "active_days", e->active)) == TM_OK)
            rc = tm_buf_adds(b, "}");
    }
    return rc == TM_OK ? tm_buf_adds(b, "]") : rc;
}

/* each column's days on, history and horizon: what was known */
static enum tm_code
enc_days(struct tm_buf *b, const struct fc_known_x *x)
{
    enum tm_code rc = tm_buf_adds(b, ",\"known_days\":{");

    for (int j = 0; j < FC_KNOWN_COLS && rc == TM_OK; j++)
        rc = tm_buf_printf(b, "%s\"%s\":{\"history\":%d,\"horizon\":%d}", j ? "," : "",
                           fc_known_names[j], x->days_on[j], x->future_on[j]);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

enum tm_code
inv_fc_inputs_encode(struct tm_buf *b, const struct fc_known_x *x, const struct fc_result *r)
{
    enum tm_code rc;

    if (!x)
        return tm_buf_adds(b, ",\"regressors\":null");
    rc = tm_buf_adds(b, x->k > 0 && r->regressors_used ? ",\"regressors\":{\"used\":true"
                                                       : ",\"regressors\":{\"used\":false");
    if (rc == TM_OK && (rc = tm_buf_adds(b, ",\"offered\":[")) == TM_OK)
        for (int i = 0; i < x->k && rc == TM_OK; i++)
            rc = tm_buf_printf(b, "%s\"%s\"", i ? "," : "", fc_known_names[x->kept[i]]);
    if (rc == TM_OK && (rc = tm_buf_adds(b, "]")) == TM_OK && x->k > 0)
        rc = enc_without(b, &r->without);
    if (rc == TM_OK && (rc = enc_effects(b, r)) == TM_OK && (rc = enc_days(b, x)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

enum tm_code
inv_fc_inputs_day(struct tm_buf *b, const struct fc_known_x *x, int h)
{
    int t, any = 0;
    enum tm_code rc = TM_OK;

    if (!x || (t = x->n_hist + h) >= x->days)
        return TM_OK;
    for (int j = 0; j < FC_KNOWN_COLS && rc == TM_OK; j++) {
        if (x->col[j][t] == 0)
            continue;
        if ((rc = tm_buf_adds(b, any ? "" : ",\"known\":{")) == TM_OK)
            rc = tm_json_kv_f64(b, fc_known_names[j], x->col[j][t], 4, !any);
        any = 1;
    }
    return rc == TM_OK && any ? tm_buf_adds(b, "}") : rc;
}
