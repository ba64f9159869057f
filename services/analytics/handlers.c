/* services/analytics/handlers.c — applies the sources' events (inventory's
 * catalogue and stores, tm-txn's sales), runs the rebuild and reports how
 * far behind each source the read models are. */
#include "services/analytics/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jobs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/topic.h"

#include "services/analytics/query_handlers.h"
#include "services/analytics/report_handlers.h"
#include "services/analytics/sale_event.h"
#include "services/analytics/sales_store.h"
#include "services/analytics/store.h"

/* The sources, in the declaration's subs order (main.c). */
static const char *const sources[AN_SOURCES] = {"inventory", "txn"};

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
    if (strncmp(ev->topic, "store.", 6) == 0) {
        static const char *const names[7] = {"id",     "code",       "name",      "time_zone",
                                             "active", "created_at", "updated_at"};
        const char *f[7];
        for (int i = 0; i < 7; i++)
            if (!(f[i] = tm_event_text(ev->data, names[i], b[i], sizeof b[i])))
                return tm_err_set(err, TM_INVALID, names[i], "%s: not a store", ev->topic);
        return an_db_upsert_store(db, f, err);
    }
    return TM_OK;
}

/* Which status the Transaction of each sales topic must have (-1: any; a
 * flagged sale may be reviewed after its void, a declined one too). */
static const struct {
    enum tm_topic topic;
    int status;
} sale_topics[] = {
    {TM_TOPIC_TXN_CREATED, AN_SALE_COMPLETED},
    {TM_TOPIC_TXN_DECLINED, AN_SALE_DECLINED},
    {TM_TOPIC_TXN_VOIDED, AN_SALE_VOIDED},
    {TM_TOPIC_TXN_REVIEWED, -1},
};

/* Index of topic in sale_topics, or its size when it is not a sales topic. */
static size_t
sale_topic(const char *topic)
{
    size_t k = 0;

    while (k < sizeof sale_topics / sizeof sale_topics[0] &&
           strcmp(topic, tm_topic_name(sale_topics[k].topic)))
        k++;
    return k;
}

/* The batch statement refused b (TM_INVALID: one sale's foreign key, check
 * or cast): each sale is written alone, in its own savepoint, and the one
 * refused is logged and passed over, as an event refused on its own is
 * (common/subscriber.c), so one bad sale never holds the page back. Any
 * other failure is returned: the page is retried. */
static enum tm_code
flush_each(PGconn *db, const struct an_sale_batch *b, struct tm_err *err)
{
    struct an_sale_batch *one = tm_xmalloc(sizeof *one);
    char skipped[256];
    enum tm_code rc = TM_OK;

    tm_log_warn(NULL, "sale.batch_refused", "sales=%d field=%s error=\"%s\" note=\"one at a time\"",
                b->n, err->field, err->message);
    tm_err_clear(err);
    for (int i = 0; i < b->n && rc == TM_OK; i++) {
        an_sale_batch_pick(b, i, one);
        rc = an_db_sale_batch_write(db, one, skipped, sizeof skipped, err);
        if (rc == TM_OK && skipped[0])
            tm_log_warn(NULL, "sale.applied_before", "ids=%s note=\"passed over: nothing changed\"",
                        skipped);
        if (rc == TM_INVALID) {
            tm_log_error(NULL, "sale.refused", "id=%lld field=%s error=\"%s\"",
                         (long long)b->sales[i].id, err->field, err->message);
            tm_err_clear(err);
            rc = TM_OK;
        }
    }
    free(one);
    return rc;
}

enum tm_code
an_flush_txn(void *app, PGconn *db, const struct tm_event *next, struct tm_err *err)
{
    struct an_sale_batch *b = &((struct an_app *)app)->batch;
    char skipped[256];
    size_t k = next ? sale_topic(next->topic) : 0;
    enum tm_code rc;

    if (!db) {
        an_sale_batch_clear(b);
        return TM_OK;
    }
    if (next && k < sizeof sale_topics / sizeof sale_topics[0] &&
        (sale_topics[k].topic == TM_TOPIC_TXN_CREATED ||
         sale_topics[k].topic == TM_TOPIC_TXN_DECLINED) &&
        !an_sale_batch_full(b))
        return TM_OK; /* one more for the batch */
    rc = an_db_sale_batch_write(db, b, skipped, sizeof skipped, err);
    if (rc == TM_INVALID)
        rc = flush_each(db, b, err);
    else if (rc == TM_OK && skipped[0])
        tm_log_warn(NULL, "sale.applied_before", "ids=%s note=\"passed over: nothing changed\"",
                    skipped);
    if (rc == TM_OK)
        an_sale_batch_clear(b);
    return rc;
}

enum tm_code
an_apply_txn(void *app, PGconn *db, const struct tm_event *ev, struct tm_err *err)
{
    struct an_sale *s;
    size_t k = sale_topic(ev->topic);
    enum tm_code rc;

    if (k == sizeof sale_topics / sizeof sale_topics[0])
        return TM_OK; /* fraud.rules_changed and what may come: not a sale */
    s = tm_xmalloc(sizeof *s);
    if ((rc = an_sale_decode(ev->data, s, err)) != TM_OK)
        goto out;
    if (sale_topics[k].status >= 0 && (int)s->status != sale_topics[k].status) {
        rc = tm_err_set(err, TM_INVALID, "status", "%s with a %s transaction", ev->topic,
                        an_sale_status_name(s->status));
        goto out;
    }
    switch (sale_topics[k].topic) {
    case TM_TOPIC_TXN_CREATED:
    case TM_TOPIC_TXN_DECLINED:
        /* written with the rest of its run by an_flush_txn, before the
         * next event that is not a sale */
        rc = an_sale_batch_add(&((struct an_app *)app)->batch, s, err);
        break;
    case TM_TOPIC_TXN_VOIDED:
        rc = an_db_sale_void(db, s->id, s->voided_at, err);
        break;
    default: /* TM_TOPIC_TXN_REVIEWED */
        rc = s->review == AN_REVIEW_NONE
                 ? tm_err_set(err, TM_INVALID, "review", "txn.reviewed without its review")
                 : an_db_sale_review(db, s->id, an_sale_review_name(s->review), err);
    }
out:
    free(s);
    return rc;
}

/* One source's entry of the lag report. */
static enum tm_code
lag_source(struct tm_ctx *ctx, int i, struct tm_buf *b, struct tm_err *err)
{
    const struct an_app *app = ctx->app;
    int64_t applied = 0, source = tm_subscriber_source_seq(app->env ? app->env->subs[i] : NULL);
    char at[40];
    enum tm_code rc;

    if ((rc = an_db_applied(ctx->db, sources[i], &applied, at, sizeof at, err)) != TM_OK)
        return rc;
    if (source < applied)
        source = applied; /* this instance has not heard yet; another applied it */
    if (tm_buf_adds(b, i ? ",{\"source\":" : "{\"source\":") != TM_OK ||
        tm_json_quote(b, sources[i]) != TM_OK ||
        tm_buf_printf(b, ",\"applied_seq\":%lld,\"source_seq\":%lld,\"lag\":%lld,\"applied_at\":",
                      (long long)applied, (long long)source,
                      (long long)(source - applied)) != TM_OK ||
        (at[0] ? tm_json_quote(b, at) : tm_buf_adds(b, "null")) != TM_OK ||
        tm_buf_adds(b, "}") != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    return TM_OK;
}

static enum tm_code
h_catalogue_lag(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t products = 0, categories = 0;
    enum tm_code rc;

    if (tm_buf_adds(&rep->body, "{\"sources\":[") != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    for (int i = 0; i < AN_SOURCES; i++)
        if ((rc = lag_source(ctx, i, &rep->body, err)) != TM_OK)
            return rc;
    if ((rc = an_db_counts(ctx->db, &products, &categories, err)) != TM_OK)
        return rc;
    if (tm_buf_printf(&rep->body, "],\"products\":%lld,\"categories\":%lld}", (long long)products,
                      (long long)categories) != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    return TM_OK;
}

const struct tm_route an_routes[] = {
    {"GET", "/api/v1/analytics/catalogue-lag", h_catalogue_lag, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/analytics/hourly-sales", an_h_hourly_sales, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/top-products", an_h_top_products, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/customer-segments", an_h_customer_segments, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/category-performance", an_h_category_performance, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/store-comparison", an_h_store_comparison, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/summary", an_h_summary, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/dashboard/metrics/realtime", an_h_realtime, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/reports", an_h_reports_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/reports/{id}", an_h_report_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/analytics/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/analytics/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/analytics/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
};
const size_t an_routes_n = sizeof an_routes / sizeof an_routes[0];
