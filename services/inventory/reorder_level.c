/* services/inventory/reorder_level.c — one level's reorder policy with its
 * inputs gathered (reorder_level.h). The policy itself is reorder.c's; this
 * file reads the level, the forecast, the supplier and the class, and
 * writes down every number with where it came from.
 *
 * The inventory position counts the units of open purchase orders due
 * within the mean lead time (inv_db_incoming_due: units their supplier
 * promised for a later day are left out; units with no promised day yet
 * count as due); the inputs show the level's whole incoming beside them. */
#include "services/inventory/reorder_level.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/call.h"
#include "common/json.h"
#include "common/time.h"

#include "services/inventory/catalog.h"
#include "services/inventory/forecast.h"
#include "services/inventory/forecast_handlers.h"
#include "services/inventory/incoming_store.h"
#include "services/inventory/stock_store.h"
#include "services/inventory/store.h"

#define ABC_CUT_A 0.80 /* the products making the first 80 % of revenue are A */
#define ABC_CUT_B 0.95 /* the next 15 % B, the rest C */

/* ---- ABC ----------------------------------------------------------------- */

enum tm_code
inv_rl_abc_load(PGconn *db, int days, struct inv_rl_abc *out, struct tm_err *err)
{
    double *revenue = NULL;
    enum tm_code rc = inv_db_rs_revenue(db, days, &out->ids, &revenue, &out->n, err);

    out->cls = NULL;
    if (rc == TM_OK) {
        out->cls = tm_xcalloc(out->n ? out->n : 1, 1);
        rp_abc(revenue, (int)out->n, ABC_CUT_A, ABC_CUT_B, out->cls);
    }
    free(revenue);
    return rc;
}

char
inv_rl_abc_of(const struct inv_rl_abc *a, int64_t product_id)
{
    size_t lo = 0, hi = a->n;

    while (lo < hi) { /* ids ascend */
        size_t mid = lo + (hi - lo) / 2;
        if (a->ids[mid] < product_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->n && a->ids[lo] == product_id ? a->cls[lo] : 'C';
}

void
inv_rl_abc_fini(struct inv_rl_abc *a)
{
    free(a->ids);
    free(a->cls);
    memset(a, 0, sizeof *a);
}

/* ---- the supplier choice -------------------------------------------------- */

enum tm_code
inv_rl_choice(struct tm_bus_client *c, const struct tm_request *like, int64_t product_id,
              int64_t store_id, int64_t quantity, const char *policy, struct inv_ro_choice *out,
              struct tm_buf *raw, struct tm_err *err)
{
    struct tm_request req;
    struct tm_buf body;
    char product[24], store[24], qty[24];
    int status = 0;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if (!c)
        return tm_err_set(err, TM_UNAVAIL, NULL, "no supplier client");
    tm_call_request(&req, "tm-inventory", "GET", "/api/v1/supplier-choice",
                    "/api/v1/supplier-choice", NULL, NULL);
    req.deadline_ms = tm_now_ms() + 10000;
    if (like) { /* as the caller, within its deadline */
        req.principal = like->principal;
        snprintf(req.principal.kind, sizeof req.principal.kind, "service");
        snprintf(req.id, sizeof req.id, "%s", like->id);
        req.deadline_ms = like->deadline_ms;
    }
    snprintf(product, sizeof product, "%" PRId64, product_id);
    snprintf(store, sizeof store, "%" PRId64, store_id);
    snprintf(qty, sizeof qty, "%" PRId64, quantity < 1 ? 1 : quantity);
    req.query[req.n_query++] = (struct tm_kv){"product_id", product};
    req.query[req.n_query++] = (struct tm_kv){"store_id", store};
    req.query[req.n_query++] = (struct tm_kv){"quantity", qty};
    if (policy && policy[0])
        req.query[req.n_query++] = (struct tm_kv){"policy", policy};
    tm_buf_init(&body, INV_RO_REPLY_MAX);
    rc = tm_call(c, &req, &status, &body, err);
    /* tm-supplier's fault, not the caller's: a bad gateway (503) */
    if (rc == TM_OK && status != 200)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "tm-supplier's choice answered %d: %.200s", status,
                        body.p ? body.p : "");
    if (rc == TM_OK) {
        struct tm_err why = {0}; /* the decoder's reason, for the message */
        if (inv_ro_decode_choice(body.p, body.len, out, &why) != TM_OK)
            rc = tm_err_set(err, TM_UNAVAIL, NULL,
                            "tm-supplier answered a supplier choice that does not decode (%s: %s)",
                            why.field, why.message);
    }
    if (rc == TM_OK && raw && tm_buf_adds(raw, body.p) != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "the supplier choice is too large");
    tm_buf_fini(&body);
    return rc;
}

/* ---- the policy ------------------------------------------------------------ */

/* `,"key":"YYYY-MM-DD"` */
static enum tm_code
enc_day(struct tm_buf *b, const char *key, int64_t day)
{
    char date[16];

    fc_day_text(day, date, sizeof date);
    return tm_json_kv_str(b, key, date, 0);
}

static enum tm_code
enc_inputs(struct tm_buf *b, const struct inv_rl_eval *ev, int analytic)
{
    const struct rp_input *in = &ev->in;
    const struct rp_lead *l = &in->lead;
    enum tm_code rc = tm_buf_printf(b, "{\"on_hand\":%" PRId64, in->on_hand);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "reserved", in->reserved)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "incoming", ev->incoming_total)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "incoming_due", in->incoming_due)) == TM_OK &&
        (rc = enc_day(b, "incoming_due_by", ev->due_by_day)) == TM_OK &&
        (rc = tm_buf_printf(b, ",\"forecast\":{\"series\":\"s%" PRId64 ":p%" PRId64 "\"",
                            ev->store_id, ev->product_id)) == TM_OK &&
        (rc = tm_json_kv_str(b, "model", fc_model_name(ev->dist->model), 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "class", fc_class_name(ev->dist->cls), 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "mase", ev->dist->mase, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "horizon_days", ev->dist->horizon)) == TM_OK &&
        (rc = tm_json_kv_str(b, "distribution", analytic ? "analytic" : "empirical", 0)) == TM_OK &&
        (rc = tm_buf_adds(b, "},\"lead_time\":{")) == TM_OK &&
        (rc = tm_json_kv_str(b, "source", rp_lead_source_name(l->source), 1)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "mean_days", l->mean_days, 2, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "sd_days", l->sd_days, 2, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "receipts", l->receipts)) == TM_OK)
        rc = ev->sup.found ? tm_json_kv_i64(b, "supplier_id", ev->sup.supplier_id)
                           : tm_buf_adds(b, ",\"supplier_id\":null");
    if (rc == TM_OK)
        rc = ev->sup.found ? tm_json_kv_str(b, "supplier_code", ev->sup.code, 0)
                           : tm_buf_adds(b, ",\"supplier_code\":null");
    if (rc == TM_OK && (rc = tm_buf_adds(b, "}")) == TM_OK &&
        (rc = tm_json_kv_i64(b, "review_days", in->review_days)) == TM_OK &&
        (rc = tm_buf_printf(b, ",\"abc_class\":\"%c\"", in->abc)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "fill_rate_target", in->fill_rate, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "moq", in->moq)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "pack_size", in->pack_size)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "unit_cost_cents", ev->unit_cost_cents)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "holding_rate", in->holding_rate, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "order_cost_cents", in->order_cost, 2, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "max_cover_days", in->max_cover_days, 1, 0)) == TM_OK)
        rc = enc_day(b, "today", in->today_day);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

static enum tm_code
enc_terms(struct tm_buf *b, const struct rp_result *r)
{
    enum tm_code rc =
        tm_buf_printf(b, "{\"lead_days_lo\":%d,\"lead_days_hi\":%d", r->lead_lo, r->lead_hi);

    if (rc == TM_OK &&
        (rc = tm_json_kv_f64(b, "crossing_sd_days", r->crossing_sd_days, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "protection_mean", r->protection_mean, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "daily_mean", r->daily_mean, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "review_mean", r->review_mean, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "undershoot", r->undershoot, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "lead_mean", r->lead_mean, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "lost_lift", r->lost_lift, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "renewal", r->renewal)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "cycle_reviews", r->cycle_reviews, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "eoq", r->eoq, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "order_size", r->order_size)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "reorder_point", r->reorder_point)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "safety_stock", r->safety_stock, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "order_up_to", r->order_up_to)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "order_share", r->order_share, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "shortage_per_review", r->shortage_per_review, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "expected_fill_rate", r->expected_fill_rate, 4, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "available", r->available)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "position", r->position)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "reorder", r->reorder)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "order_quantity_raw", r->order_quantity_raw)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "order_quantity", r->order_quantity)) == TM_OK &&
        (rc = tm_json_kv_str(b, "urgency", rp_urgency_name(r->urgency), 0)) == TM_OK)
        rc = r->stockout_day >= 0 ? tm_json_kv_i64(b, "stockout_day", r->stockout_day)
                                  : tm_buf_adds(b, ",\"stockout_day\":null");
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* The reason people read: why (or why not) to order, and from whom. */
static void
reason_of(struct inv_rl_eval *ev)
{
    const struct rp_input *in = &ev->in;
    const struct rp_result *r = &ev->res;
    char out[24] = "";
    int n;

    if (r->stockout_day >= 0)
        fc_day_text(r->stockout_day, out, sizeof out);
    n = snprintf(ev->reason, sizeof ev->reason,
                 "position %" PRId64 " (available %" PRId64 " + incoming due %" PRId64 ") is %s the"
                 " reorder point %" PRId64 " (class %c, fill rate %.0f%%; demand over lead time"
                 " %.1f±%.1f d %s + review %d d: %.1f expected, %s %s)",
                 r->position, r->available, in->incoming_due, r->reorder ? "at or under" : "above",
                 r->reorder_point, in->abc, in->fill_rate * 100, in->lead.mean_days,
                 in->lead.sd_days, rp_lead_source_name(in->lead.source), in->review_days,
                 r->protection_mean, fc_class_name(ev->dist->cls), fc_model_name(ev->dist->model));
    if (n < 0 || (size_t)n >= sizeof ev->reason)
        return;
    if (!ev->sup.found)
        snprintf(ev->reason + n, sizeof ev->reason - (size_t)n,
                 "; no supplier offers this product: nothing can be ordered until one does"
                 " (the lead time is the %d-day default)",
                 (int)in->lead.mean_days);
    else if (r->reorder)
        snprintf(ev->reason + n, sizeof ev->reason - (size_t)n,
                 "; order %" PRId64 " from %s (MOQ %" PRId64 ", pack %" PRId64 ")%s%s",
                 r->order_quantity, ev->sup.code, in->moq, in->pack_size,
                 out[0] ? "; stock-out expected " : "", out);
}

/* The level's stock; a level that does not exist is empty. */
static enum tm_code
level_of(PGconn *db, int64_t store_id, int64_t product_id, struct inv_rl_eval *ev,
         struct tm_err *err)
{
    struct inv_level_view v;
    enum tm_code rc = inv_db_level_get(db, store_id, product_id, &v, err);

    if (rc == TM_NOTFOUND) {
        tm_err_clear(err);
        return TM_OK;
    }
    if (rc == TM_OK) {
        ev->in.on_hand = v.l.on_hand;
        ev->in.reserved = v.l.reserved;
        ev->incoming_total = v.l.incoming;
    }
    return rc;
}

enum tm_code
inv_rl_evaluate(PGconn *db, const struct inv_app *app, int64_t store_id, int64_t product_id,
                const struct inv_ro_supplier *sup, char abc, struct inv_rl_eval *ev,
                struct tm_err *err)
{
    const struct inv_cfg *cfg = app->cfg;
    struct rp_input *in = &ev->in;
    struct fc_result *fc = NULL;
    struct inv_product p;
    int analytic = 0, horizon;
    enum tm_code rc;

    memset(ev, 0, sizeof *ev);
    tm_buf_init(&ev->inputs, 1 << 14);
    tm_buf_init(&ev->terms, 1 << 14);
    ev->store_id = store_id;
    ev->product_id = product_id;
    ev->sup = *sup;
    if ((rc = inv_db_product_get(db, product_id, &p, err)) != TM_OK ||
        (rc = level_of(db, store_id, product_id, ev, err)) != TM_OK)
        return rc;
    ev->unit_cost_cents = p.unit_cost_cents;
    in->lead = sup->found ? (struct rp_lead){sup->lead_mean_days, sup->lead_sd_days,
                                             sup->quoted ? RP_LEAD_QUOTED : RP_LEAD_MEASURED,
                                             sup->quoted ? 0 : sup->receipts, sup->supplier_id}
                          : (struct rp_lead){cfg->default_lead_days, 0, RP_LEAD_GIVEN, 0, 0};
    in->review_days = cfg->review_days;
    in->abc = abc;
    in->fill_rate = rp_level_for(&app->levels, abc);
    in->moq = sup->found ? sup->moq : 0;
    in->pack_size = sup->found && sup->pack_size > 0 ? sup->pack_size : 1;
    in->unit_cost = (double)p.unit_cost_cents;
    in->holding_rate = app->holding_rate;
    in->order_cost = cfg->order_cost_cents;
    in->max_cover_days = cfg->max_cover_days;
    horizon = rp_horizon_needed(&in->lead, in->review_days);
    if (horizon < 1 || horizon > RP_MAX_HORIZON || horizon > FC_MAX_HORIZON)
        return tm_err_set(err, TM_UNPROCESSABLE, "product_id",
                          "a lead time of %.1f±%.1f days and a %d-day review need %d days of"
                          " forecast, over the %d a policy takes",
                          in->lead.mean_days, in->lead.sd_days, in->review_days, horizon,
                          RP_MAX_HORIZON);
    fc = tm_xmalloc(sizeof *fc);
    ev->dist = tm_xmalloc(sizeof *ev->dist);
    if ((rc = inv_forecast_level(db, store_id, product_id, horizon, fc, &in->today_day, err)) ==
        TM_OK) {
        rp_dist_from_forecast(fc, ev->dist);
        analytic = fc->analytic;
    }
    free(fc);
    if (rc == TM_UNPROCESSABLE) { /* the message copied: err is the destination */
        char why[TM_ERR_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err ? err->message : "too little history");
        return tm_err_set(err, rc, "product_id", "%s", why);
    }
    if (rc != TM_OK)
        return rc;
    in->dist = ev->dist;
    /* what open POs bring by the day an order placed today would arrive */
    ev->due_by_day = in->today_day + (int64_t)ceil(in->lead.mean_days);
    if (ev->incoming_total > 0 &&
        (rc = inv_db_incoming_due(db, store_id, product_id, ev->due_by_day, &in->incoming_due,
                                  err)) != TM_OK)
        return rc;
    if ((rc = rp_policy(in, &ev->res, err)) == TM_UNPROCESSABLE) /* demand beyond its limits */
        return rc;
    if (rc != TM_OK) { /* our inputs broke its contract; err is also the destination */
        struct tm_err why = err ? *err : (struct tm_err){0};
        return tm_err_set(err, TM_INTERNAL, NULL,
                          "reorder policy of store %" PRId64 " product %" PRId64 ": %s (%s)",
                          store_id, product_id, why.message, why.field);
    }
    if (enc_inputs(&ev->inputs, ev, analytic) != TM_OK || enc_terms(&ev->terms, &ev->res) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "the policy's inputs do not fit");
    reason_of(ev);
    return TM_OK;
}

void
inv_rl_eval_fini(struct inv_rl_eval *ev)
{
    free(ev->dist);
    ev->dist = NULL;
    tm_buf_fini(&ev->inputs);
    tm_buf_fini(&ev->terms);
}

void
inv_rl_row(const struct inv_rl_eval *ev, const char *origin, const char *who,
           struct inv_rs_row *out)
{
    const struct rp_result *r = &ev->res;

    *out = (struct inv_rs_row){
        .store_id = ev->store_id,
        .product_id = ev->product_id,
        .status = ev->sup.found ? "open" : "no_supplier",
        .origin = origin,
        .reason = ev->reason,
        .abc = ev->in.abc,
        .fill_rate = ev->in.fill_rate,
        .reorder_point = r->reorder_point,
        .order_up_to = r->order_up_to,
        .position = r->position,
        .order_quantity = r->order_quantity,
        .safety_stock = r->safety_stock,
        .urgency = rp_urgency_name(r->urgency),
        .stockout_day = r->stockout_day,
        .lead_source = rp_lead_source_name(ev->in.lead.source),
        .supplier_id = ev->sup.found ? ev->sup.supplier_id : 0,
        .inputs_json = ev->inputs.p,
        .terms_json = ev->terms.p,
        .who = who,
    };
}

enum tm_code
inv_rl_policy_json(const struct inv_rl_eval *ev, struct tm_buf *b)
{
    enum tm_code rc = tm_buf_printf(b, "{\"reorder\":%s", ev->res.reorder ? "true" : "false");

    if (rc == TM_OK && (rc = tm_json_kv_bool(b, "supplier_found", ev->sup.found)) == TM_OK &&
        (rc = tm_json_kv_str(b, "reason", ev->reason, 0)) == TM_OK &&
        (rc = tm_json_kv_json(b, "inputs", ev->inputs.p)) == TM_OK)
        rc = tm_json_kv_json(b, "terms", ev->terms.p);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}
