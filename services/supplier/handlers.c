/* services/supplier/handlers.c — tm-supplier's route table and handlers:
 * each reads the request (decode.c for bodies), calls the store and, for
 * writes, adds the event in the same transaction. The supplier choice
 * gathers the candidates (store) and ranks them (choice.c). */
#include "services/supplier/handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/call.h"
#include "common/jobs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/topic.h"

#include "services/supplier/api.h"
#include "services/supplier/api_jobs.h"
#include "services/supplier/catalogue_store.h"
#include "services/supplier/choice.h"
#include "services/supplier/decode.h"
#include "services/supplier/po_handlers.h"
#include "services/supplier/store.h"

#define ID_MAX ((int64_t)1 << 53)

enum tm_code
sup_start(void *arg, const struct tm_service_env *env, struct tm_err *err)
{
    struct sup_app *a = arg;
    const struct sup_cfg *c = a->cfg;
    const struct sup_api_cfg ac = {c->api_timeout_ms,       c->api_attempts,
                                   c->api_backoff_ms,       c->api_backoff_max_ms,
                                   c->api_breaker_failures, c->api_breaker_open_ms};
    enum tm_code rc;

    a->inventory = env->peers[0];
    a->db = env->db;
    a->instance = env->instance;
    if ((rc = sup_api_new(&ac, &a->api, err)) != TM_OK)
        return rc;
    sup_api_on_breaker(a->api, sup_breaker_event, a);
    return TM_OK;
}

void
sup_stop(void *arg)
{
    struct sup_app *a = arg;

    sup_api_free(a->api);
    a->api = NULL;
}

void
sup_health(void *arg, struct tm_health *h)
{
    struct sup_app *a = arg;

    if (a->api)
        sup_api_health(a->api, h);
}

static const struct sup_app *
app_of(const struct tm_ctx *ctx)
{
    return ctx->app;
}

enum tm_code
sup_inventory_has(struct tm_ctx *ctx, const char *what, int64_t id_value, enum tm_code missing,
                  const char *field, struct tm_err *err)
{
    const struct sup_app *app = app_of(ctx);
    struct tm_request req;
    struct tm_buf out;
    char id[24];
    int status = 0;
    enum tm_code rc;

    if (!app->inventory)
        return tm_err_set(err, TM_UNAVAIL, NULL, "no inventory client");
    memset(&req, 0, sizeof req);
    snprintf(id, sizeof id, "%" PRId64, id_value);
    snprintf(req.id, sizeof req.id, "%s", ctx->req->id);
    snprintf(req.method, sizeof req.method, "GET");
    snprintf(req.route, sizeof req.route, "/api/v1/%s/{id}", what);
    snprintf(req.path, sizeof req.path, "/api/v1/%s/%s", what, id);
    req.params[0].key = "id";
    req.params[0].val = id;
    req.n_params = 1;
    req.principal = ctx->req->principal;
    snprintf(req.principal.kind, sizeof req.principal.kind, "service");
    req.deadline_ms = ctx->req->deadline_ms;
    tm_buf_init(&out, 1 << 16);
    rc = tm_call(app->inventory, &req, &status, &out, err);
    tm_buf_fini(&out);
    if (rc != TM_OK)
        return rc;
    if (status == 404)
        return tm_err_set(err, missing, field, "no %.*s with this %s", (int)strlen(what) - 1, what,
                          field);
    if (status != 200)
        return tm_err_set(err, TM_UNAVAIL, NULL, "tm-inventory answered %d for %s %s", status, what,
                          id);
    return TM_OK;
}

/* ---------------------------------------------------------- suppliers */

static enum tm_code
h_supplier_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    int active;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_bool(ctx, "active", &active, err)) != TM_OK)
        return rc;
    return sup_db_supplier_list(ctx->db, active, &pg, &rep->body, err);
}

static enum tm_code
h_supplier_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = tm_ctx_param_id(ctx, "id", &id, err);

    return rc == TM_OK ? sup_db_supplier_get(ctx->db, id, &rep->body, err) : rc;
}

/* POST (ctx->arg NULL) and PATCH (arg non-NULL) of a supplier. */
static enum tm_code
h_supplier_write(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct sup_app *app = app_of(ctx);
    int create = ctx->arg == NULL;
    struct sup_supplier_in in;
    cJSON *body = NULL;
    int64_t id = 0;
    enum tm_code rc;

    if ((!create && (rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK) ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = sup_decode_supplier(body, create, app->cfg->api_hosts, &in, err)) != TM_OK)
        goto out;
    if (create) {
        rep->status = 201;
        rc = sup_db_supplier_create(ctx->db, &in, &rep->body, err);
    } else {
        rc = sup_db_supplier_update(ctx->db, id, &in, &rep->body, err);
    }
    if (rc == TM_OK)
        rc = tm_outbox_add(
            ctx->db, &sup_outbox,
            tm_topic_name(create ? TM_TOPIC_SUPPLIER_CREATED : TM_TOPIC_SUPPLIER_UPDATED),
            rep->body.p, err);
out:
    cJSON_Delete(body);
    return rc;
}

/* ------------------------------------------------------------- offers */

static enum tm_code
h_offer_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    int64_t sid;
    int active;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &sid, err)) != TM_OK ||
        (rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_bool(ctx, "active", &active, err)) != TM_OK)
        return rc;
    return sup_db_offer_list(ctx->db, sid, active, &pg, &rep->body, err);
}

static enum tm_code
h_offer_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_offer_in in;
    cJSON *body = NULL;
    int64_t sid;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &sid, err)) != TM_OK ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = sup_decode_offer(body, 1, &in, err)) != TM_OK ||
        (rc = sup_db_supplier_exists(ctx->db, sid, err)) != TM_OK ||
        (rc = sup_inventory_has(ctx, "products", in.product_id, TM_UNPROCESSABLE, "product_id",
                                err)) != TM_OK)
        goto out;
    rep->status = 201;
    if ((rc = sup_db_offer_create(ctx->db, sid, &in, &rep->body, err)) == TM_OK)
        rc = tm_outbox_add(ctx->db, &sup_outbox, tm_topic_name(TM_TOPIC_OFFER_CREATED), rep->body.p,
                           err);
out:
    cJSON_Delete(body);
    return rc;
}

static enum tm_code
h_offer_update(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_offer_in in;
    cJSON *body = NULL;
    int64_t sid, oid;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &sid, err)) != TM_OK ||
        (rc = tm_ctx_param_id(ctx, "offer_id", &oid, err)) != TM_OK ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = sup_decode_offer(body, 0, &in, err)) != TM_OK)
        goto out;
    if ((rc = sup_db_offer_update(ctx->db, sid, oid, &in, &rep->body, err)) == TM_OK)
        rc = tm_outbox_add(ctx->db, &sup_outbox, tm_topic_name(TM_TOPIC_OFFER_UPDATED), rep->body.p,
                           err);
out:
    cJSON_Delete(body);
    return rc;
}

static enum tm_code
h_offer_delete(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t sid, oid;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &sid, err)) != TM_OK ||
        (rc = tm_ctx_param_id(ctx, "offer_id", &oid, err)) != TM_OK)
        return rc;
    if ((rc = sup_db_offer_delete(ctx->db, sid, oid, &rep->body, err)) == TM_OK)
        rc = tm_outbox_add(ctx->db, &sup_outbox, tm_topic_name(TM_TOPIC_OFFER_DELETED), rep->body.p,
                           err);
    return rc;
}

static void
quoted_of(const struct sup_app *app, struct sup_quoted *q)
{
    q->min_receipts = app->cfg->min_receipts;
    q->on_time_rate = app->cfg->quoted_on_time_pct / 100.0;
    q->fill_rate = app->cfg->quoted_fill_pct / 100.0;
}

static enum tm_code
h_performance(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_quoted q;
    int64_t sid;
    enum tm_code rc = tm_ctx_param_id(ctx, "id", &sid, err);

    quoted_of(app_of(ctx), &q);
    return rc == TM_OK ? sup_db_performance(ctx->db, sid, &q, &rep->body, err) : rc;
}

/* The supplier's cached price list, as the catalogue-refresh job last
 * fetched it, with its age and whether it is stale. */
static enum tm_code
h_catalogue(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    int64_t sid;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &sid, err)) != TM_OK ||
        (rc = tm_ctx_page(ctx, &pg, err)) != TM_OK)
        return rc;
    return sup_cat_get(ctx->db, sid, app_of(ctx)->cfg->catalogue_stale_s, &pg, &rep->body, err);
}

/* ------------------------------------------------------------- choice */

static enum tm_code
encode_candidate(struct tm_buf *b, const struct sup_request *req, const struct sup_cand_info *info,
                 const struct sup_candidate *c)
{
    enum tm_code rc = tm_buf_printf(b, "{\"supplier_id\":%" PRId64, c->supplier_id);

    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "code", info[c->input].code, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "name", info[c->input].name, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_i64(b, "offer_id", info[c->input].offer_id);
    if (rc == TM_OK)
        rc = tm_json_kv_bool(b, "preferred", req->in[c->input].preferred);
    if (rc == TM_OK)
        rc = tm_buf_printf(b, ",\"moq\":%" PRId64 ",\"pack_size\":%" PRId64 ",\"receipts\":%d",
                           req->in[c->input].offer.moq, req->in[c->input].offer.pack_size,
                           req->in[c->input].perf.receipts);
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           ",\"order_quantity\":%" PRId64 ",\"unit_price_cents\":%" PRId64
                           ",\"goods_cents\":%" PRId64 ",\"shipping_cents\":%" PRId64
                           ",\"total_cost_cents\":%" PRId64 ",\"landed_unit_cost_cents\":%" PRId64
                           ",\"base_quantity\":%" PRId64 ",\"base_total_cents\":%" PRId64
                           ",\"arrival_day\":%" PRId64,
                           c->order_quantity, c->unit_price_cents, c->goods_cents,
                           c->shipping_cents, c->total_cost_cents, c->landed_unit_cost_cents,
                           c->base_quantity, c->base_total_cents, c->arrival_day);
    if (rc == TM_OK)
        rc = tm_json_kv_bool(b, "raised", c->raised);
    if (rc == TM_OK)
        rc = tm_json_kv_bool(b, "quoted", c->quoted);
    if (rc == TM_OK)
        rc = tm_json_kv_bool(b, "covers", c->covers);
    if (rc == TM_OK)
        rc = req->in[c->input].available_units >= 0
                 ? tm_json_kv_i64(b, "available_units", req->in[c->input].available_units)
                 : tm_buf_adds(b, ",\"available_units\":null");
    if (rc == TM_OK)
        rc = info[c->input].availability_known
                 ? tm_json_kv_bool(b, "availability_stale", info[c->input].availability_stale)
                 : tm_buf_adds(b, ",\"availability_stale\":null");
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "on_time_rate", c->on_time_rate, 4, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "fill_rate", c->fill_rate, 4, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "lead_time_mean_days", c->lead_time_mean_days, 2, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "lead_time_sd_days", c->lead_time_sd_days, 2, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "price", c->price, 6, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "reliability", c->reliability, 6, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "delivery", c->delivery, 6, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(b, "score", c->score, 6, 0);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* "catalogue" when some candidate's availability comes from its cached
 * catalogue, "unknown" when none does. */
static const char *
availability_of(const struct sup_request *req, const struct sup_cand_info *info)
{
    for (int i = 0; i < req->n; i++)
        if (info[i].availability_known)
            return "catalogue";
    return "unknown";
}

static enum tm_code
encode_choice(struct tm_buf *b, const struct sup_request *req, const struct sup_cand_info *info,
              const struct sup_choice *ch, int64_t store_id, const char *currency, int truncated)
{
    enum tm_code rc = tm_buf_printf(b, "{\"product_id\":%" PRId64 ",\"quantity\":%" PRId64,
                                    req->product_id, req->quantity);

    if (rc == TM_OK)
        rc = store_id ? tm_json_kv_i64(b, "store_id", store_id)
                      : tm_buf_adds(b, ",\"store_id\":null");
    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "policy", sup_policy_names[req->policy], 0);
    if (rc == TM_OK)
        rc = tm_json_kv_i64(b, "today_day", req->today_day);
    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "availability", availability_of(req, info), 0);
    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "currency", currency, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_bool(b, "truncated", truncated);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, ",\"items\":[");
    for (int i = 0; i < ch->n && rc == TM_OK; i++)
        if ((rc = i ? tm_buf_adds(b, ",") : TM_OK) == TM_OK)
            rc = encode_candidate(b, req, info, &ch->ranked[i]);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "],\"winner\":");
    if (rc == TM_OK)
        rc = ch->winner >= 0 ? encode_candidate(b, req, info, &ch->ranked[ch->winner])
                             : tm_buf_adds(b, "null");
    if (rc == TM_OK)
        rc = tm_buf_adds(b, ",\"splits\":[");
    for (int i = 0; i < ch->n_alloc && rc == TM_OK; i++) {
        const struct sup_allocation *a = &ch->alloc[i];
        rc = tm_buf_printf(b,
                           "%s{\"supplier_id\":%" PRId64 ",\"quantity\":%" PRId64
                           ",\"unit_price_cents\":%" PRId64 ",\"shipping_cents\":%" PRId64
                           ",\"total_cost_cents\":%" PRId64 ",\"arrival_day\":%" PRId64 "}",
                           i ? "," : "", a->supplier_id, a->quantity, a->unit_price_cents,
                           a->shipping_cents, a->total_cost_cents, a->arrival_day);
    }
    if (rc == TM_OK)
        rc = tm_buf_printf(b, "],\"uncovered\":%" PRId64, ch->uncovered);
    if (rc == TM_OK)
        rc = tm_json_kv_str(b, "reason", ch->reason, 0);
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           ",\"weights\":{\"price\":%.2f,\"reliability\":%.2f,"
                           "\"delivery\":%.2f}}",
                           ch->weight_price, ch->weight_reliability, ch->weight_delivery);
    return rc;
}

static enum tm_code
h_choice(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct sup_app *app = app_of(ctx);
    static struct sup_cand_info none;
    struct sup_cand_info *info = NULL;
    struct sup_request *req = NULL;
    struct sup_choice *ch = NULL;
    struct sup_quoted q;
    int64_t store = 0;
    int policy, truncated = 0;
    enum tm_code rc;

    req = tm_xmalloc(sizeof *req);
    ch = tm_xmalloc(sizeof *ch);
    info = tm_xmalloc(SUP_CANDIDATES_MAX * sizeof *info);
    memset(req, 0, sizeof *req);
    for (int i = 0; i < SUP_CANDIDATES_MAX; i++)
        info[i] = none;
    if ((rc = tm_ctx_query_int(ctx, "product_id", 0, ID_MAX, 0, &req->product_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "quantity", 0, SUP_QUANTITY_MAX, 0, &req->quantity, err)) !=
            TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, ID_MAX, 0, &store, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "policy", sup_policy_names, &policy, err)) != TM_OK)
        goto out;
    if (req->product_id < 1) {
        rc = tm_err_set(err, TM_INVALID, "product_id", "product_id is required (an id >= 1)");
        goto out;
    }
    if (req->quantity < 1) {
        rc = tm_err_set(err, TM_INVALID, "quantity", "quantity is required, 1 to %lld",
                        (long long)SUP_QUANTITY_MAX);
        goto out;
    }
    if (store) {
        if ((rc = tm_ctx_may_store(ctx, store, "store_id", err)) != TM_OK)
            goto out;
    } else {
        tm_ctx_every_store(ctx);
    }
    quoted_of(app, &q);
    req->policy = policy < 0 ? SUP_WEIGHTED : (enum sup_policy)policy;
    req->today_day = (int64_t)(time(NULL) / 86400);
    req->min_receipts = q.min_receipts;
    req->quoted_on_time_rate = q.on_time_rate;
    req->quoted_fill_rate = q.fill_rate;
    if ((rc = sup_db_candidates(ctx->db, app->cfg->currency, app->cfg->catalogue_stale_s, req, info,
                                &truncated, err)) != TM_OK)
        goto out;
    /* an offer is only ever made for a product tm-inventory knows: only
     * with none is it asked whether the product exists (404) at all */
    if (req->n == 0 && (rc = sup_inventory_has(ctx, "products", req->product_id, TM_NOTFOUND,
                                               "product_id", err)) != TM_OK)
        goto out;
    if ((rc = sup_choose(req, ch, err)) != TM_OK) { /* the stored offers broke a rule: ours */
        tm_log_error(NULL, "choice.input", "field=%s error=\"%s\"", err->field, err->message);
        rc = tm_err_set(err, TM_INTERNAL, NULL, "stored offers for product %lld are inconsistent",
                        (long long)req->product_id);
        goto out;
    }
    if ((rc = encode_choice(&rep->body, req, info, ch, store, app->cfg->currency, truncated)) ==
        TM_TOOBIG)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
out:
    free(info);
    free(ch);
    free(req);
    return rc;
}

#define R(m, p, fn, tx, arg)                                                                       \
    {                                                                                              \
        m, p, fn, tx, arg, TM_SCOPE_NONE                                                           \
    }
#define RS(m, p, fn, tx)                                                                           \
    {                                                                                              \
        m, p, fn, tx, NULL, TM_SCOPE_STORES                                                        \
    }
static const int patch = 1;
const struct tm_route sup_routes[] = {
    R("GET", "/api/v1/suppliers", h_supplier_list, TM_TX_READ, NULL),
    R("POST", "/api/v1/suppliers", h_supplier_write, TM_TX_WRITE, NULL),
    R("GET", "/api/v1/suppliers/{id}", h_supplier_get, TM_TX_READ, NULL),
    R("PATCH", "/api/v1/suppliers/{id}", h_supplier_write, TM_TX_WRITE, &patch),
    R("GET", "/api/v1/suppliers/{id}/offers", h_offer_list, TM_TX_READ, NULL),
    R("POST", "/api/v1/suppliers/{id}/offers", h_offer_create, TM_TX_WRITE, NULL),
    R("PATCH", "/api/v1/suppliers/{id}/offers/{offer_id}", h_offer_update, TM_TX_WRITE, NULL),
    R("DELETE", "/api/v1/suppliers/{id}/offers/{offer_id}", h_offer_delete, TM_TX_WRITE, NULL),
    R("GET", "/api/v1/suppliers/{id}/performance", h_performance, TM_TX_READ, NULL),
    R("GET", "/api/v1/suppliers/{id}/catalogue", h_catalogue, TM_TX_READ, NULL),
    R("GET", "/api/v1/supplier-choice", h_choice, TM_TX_READ, NULL),
    RS("GET", "/api/v1/purchase-orders", sup_h_po_list, TM_TX_READ),
    RS("POST", "/api/v1/purchase-orders", sup_h_po_create, TM_TX_WRITE),
    RS("GET", "/api/v1/purchase-orders/{id}", sup_h_po_get, TM_TX_READ),
    /* send and cancel call the supplier between their own transactions */
    RS("POST", "/api/v1/purchase-orders/{id}/send", sup_h_po_send, TM_TX_READ),
    RS("POST", "/api/v1/purchase-orders/{id}/cancel", sup_h_po_cancel, TM_TX_READ),
    RS("POST", "/api/v1/purchase-orders/{id}/receipts", sup_h_po_receive, TM_TX_WRITE),
    R("GET", "/api/v1/supplier/jobs", tm_jobs_h_list, TM_TX_READ, NULL),
    R("POST", "/api/v1/supplier/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL),
    R("GET", "/api/v1/supplier/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL),
};
#undef R
#undef RS
const size_t sup_routes_n = sizeof sup_routes / sizeof sup_routes[0];
