/* services/analytics/handlers.c — applies catalogue events and reports how
 * far behind each source the read copy is. */
#include "services/analytics/handlers.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"

#include "services/analytics/report_handlers.h"
#include "services/analytics/store.h"

enum tm_code
an_apply(void *app, PGconn *db, const struct tm_event *ev, struct tm_err *err)
{
    char b[8][32];
    (void)app;

    if (strncmp(ev->topic, "category.", 9) == 0) {
        const char *f[5] = {tm_event_text(ev->data, "id", b[0], sizeof b[0]),
                            tm_event_text(ev->data, "name", b[1], sizeof b[1]),
                            tm_event_text(ev->data, "parent_id", b[2], sizeof b[2]),
                            tm_event_text(ev->data, "active", b[3], sizeof b[3]),
                            tm_event_text(ev->data, "updated_at", b[4], sizeof b[4])};
        if (!f[0] || !f[1] || !f[3] || !f[4])
            return tm_err_set(err, TM_INVALID, "data", "%s: not a category", ev->topic);
        return an_db_upsert_category(db, f, err);
    }
    if (strncmp(ev->topic, "product.", 8) == 0) {
        static const char *const names[8] = {
            "id",     "sku",       "name", "category_id", "unit_price_cents", "unit_cost_cents",
            "active", "updated_at"};
        const char *f[8];
        for (int i = 0; i < 8; i++)
            if (!(f[i] = tm_event_text(ev->data, names[i], b[i], sizeof b[i])))
                return tm_err_set(err, TM_INVALID, names[i], "%s: not a product", ev->topic);
        return an_db_upsert_product(db, f, err);
    }
    return TM_OK;
}

static enum tm_code
h_catalogue_lag(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct an_app *app = ctx->app;
    int64_t applied = 0, source = tm_subscriber_source_seq(app->env ? app->env->subs[0] : NULL),
            products = 0, categories = 0;
    char at[40];
    enum tm_code rc;

    if ((rc = an_db_applied(ctx->db, "inventory", &applied, at, sizeof at, err)) != TM_OK ||
        (rc = an_db_counts(ctx->db, &products, &categories, err)) != TM_OK)
        return rc;
    if (source < applied)
        source = applied; /* this instance has not heard yet; another applied it */
    if (tm_buf_printf(&rep->body,
                      "{\"sources\":[{\"source\":\"inventory\",\"applied_seq\":%lld,"
                      "\"source_seq\":%lld,\"lag\":%lld,\"applied_at\":",
                      (long long)applied, (long long)source,
                      (long long)(source - applied)) != TM_OK ||
        (at[0] ? tm_json_quote(&rep->body, at) : tm_buf_adds(&rep->body, "null")) != TM_OK ||
        tm_buf_printf(&rep->body, "}],\"products\":%lld,\"categories\":%lld}", (long long)products,
                      (long long)categories) != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    return TM_OK;
}

const struct tm_route an_routes[] = {
    {"GET", "/api/v1/analytics/catalogue-lag", h_catalogue_lag, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/reports", an_h_reports_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/reports/{id}", an_h_report_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/analytics/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/analytics/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
};
const size_t an_routes_n = sizeof an_routes / sizeof an_routes[0];
