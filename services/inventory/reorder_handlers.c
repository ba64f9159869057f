/* services/inventory/reorder_handlers.c — reorder suggestions over the API
 * and the reorder-scan job (reorder_handlers.h; docs/reorder.md).
 *
 * No call to tm-supplier is made inside a database transaction: generate
 * ends the router's transaction (nothing written yet) before it asks for
 * the supplier choice and begins another for its writes; approve claims the
 * suggestion (open → approving) and commits, asks tm-supplier for the
 * choice and makes the purchase orders, then marks it approved in a second
 * transaction; the job ends the runner's transaction and works level by
 * level, each in a transaction of its own.
 *
 * Approving is safe to retry and to race: the choice it orders from is
 * stored with the claim for the quantity claimed (a retry orders what the
 * first attempt chose), and each purchase order is made under an
 * Idempotency-Key derived from the suggestion and the supplier
 * ("reorder-<id>-<supplier>"), which tm-supplier looks up before any other
 * check, so it makes it once however often it is asked and answers it
 * whatever changed since. A failed approval goes back to open only when no
 * PO can exist (tm-supplier refused the first); otherwise it stays
 * approving, with the POs made linked, for a retry to finish or, once its
 * claim is stale, a reject to close. An approval that made POs always
 * links them and answers them. */
#include "services/inventory/reorder_handlers.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/call.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/topic.h"

#include "proto/limits.h"
#include "services/inventory/app.h"
#include "services/inventory/catalog.h"
#include "services/inventory/reorder_decode.h"
#include "services/inventory/reorder_level.h"
#include "services/inventory/reorder_store.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/stock_store.h"
#include "services/inventory/store.h"

#define ID_MAX ((int64_t)1 << 53)

static const char *const statuses[] = {"open",        "approving", "approved", "rejected",
                                       "no_supplier", "expired",   NULL};
static const char *const policies[] = {TM_SUPPLIER_POLICY_NAMES, NULL};

static const struct inv_app *
app_of(const struct tm_ctx *ctx)
{
    return ctx->app;
}

/* ---- settings ----------------------------------------------------------- */

/* text as a number in (lo, hi) (open) or [lo, hi] (closed), naming setting */
static enum tm_code
setting_num(const char *text, const char *setting, double lo, double hi, int open, double *out,
            struct tm_err *err)
{
    char *end = NULL;
    double v = strtod(text, &end);

    if (!end || end == text || *end != '\0' || !isfinite(v) || (open && (v <= lo || v >= hi)) ||
        (!open && (v < lo || v > hi)))
        return tm_err_set(err, TM_INVALID, setting, "%s must be a number in %c%g, %g%c (got '%s')",
                          setting, open ? '(' : '[', lo, hi, open ? ')' : ']', text);
    *out = v;
    return TM_OK;
}

enum tm_code
inv_start(void *arg, const struct tm_service_env *env, struct tm_err *err)
{
    struct inv_app *a = arg;
    const struct inv_cfg *c = a->cfg;
    int which = 0;
    enum tm_code rc;

    a->supplier = env->peers[0];
    if ((rc = setting_num(c->fill_a, "reorder-fill-a", 0, 1, 1, &a->levels.a, err)) != TM_OK ||
        (rc = setting_num(c->fill_b, "reorder-fill-b", 0, 1, 1, &a->levels.b, err)) != TM_OK ||
        (rc = setting_num(c->fill_c, "reorder-fill-c", 0, 1, 1, &a->levels.c, err)) != TM_OK ||
        (rc = setting_num(c->holding_rate, "reorder-holding-rate", 0, 100, 0, &a->holding_rate,
                          err)) != TM_OK)
        return rc;
    return tm_err_one_of(c->supplier_policy, policies, "reorder-supplier-policy", &which, err);
}

/* ---- reads ------------------------------------------------------------------ */

enum tm_code
inv_h_rs_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_rs_filter f = {0};
    char scope[INV_SCOPE_MAX];
    struct tm_page pg;
    int status;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "status", statuses, &status, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, ID_MAX, 0, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "product_id", 1, ID_MAX, 0, &f.product_id, err)) != TM_OK)
        return rc;
    if (f.store_id && (rc = tm_ctx_may_store(ctx, f.store_id, "store_id", err)) != TM_OK)
        return rc;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    f.status = status >= 0 ? statuses[status] : NULL;
    return inv_db_rs_list(ctx->db, &f, &pg, &rep->body, err);
}

enum tm_code
inv_h_rs_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_buf doc;
    int64_t id, store_id = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK)
        return rc;
    tm_buf_init(&doc, 1 << 20);
    if ((rc = inv_db_rs_get(ctx->db, id, &store_id, &doc, err)) == TM_OK &&
        (rc = tm_ctx_may_see(ctx, &store_id, 1, "id", "reorder suggestion", err)) == TM_OK)
        rc = inv_too_big(tm_buf_adds(&rep->body, doc.p), err);
    tm_buf_fini(&doc);
    return rc;
}

/* ---- generate --------------------------------------------------------------- */

static enum tm_code
emit(PGconn *db, enum tm_topic topic, const char *json, struct tm_err *err)
{
    return tm_outbox_add(db, &inv_outbox, tm_topic_name(topic), json, err);
}

/* The store of a generate request: the query's or the body's (both: the
 * same), which the caller may act at and which exists. */
static enum tm_code
generate_store(struct tm_ctx *ctx, int64_t *store_id, struct tm_err *err)
{
    struct inv_store st;
    int64_t q = 0, b = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_query_int(ctx, "store_id", 1, ID_MAX, 0, &q, err)) != TM_OK ||
        (rc = inv_ro_decode_generate(ctx->req->body, ctx->req->body_len, &b, err)) != TM_OK)
        return rc;
    if (!q && !b)
        return tm_err_set(err, TM_INVALID, "store_id",
                          "store_id is required (in the query or the body)");
    if (q && b && q != b)
        return tm_err_set(err, TM_INVALID, "store_id",
                          "store_id differs between the query and the body");
    *store_id = q ? q : b;
    if ((rc = tm_ctx_may_store(ctx, *store_id, "store_id", err)) != TM_OK)
        return rc;
    rc = inv_db_store_get(ctx->db, *store_id, &st, err);
    return rc == TM_NOTFOUND
               ? tm_err_set(err, TM_UNPROCESSABLE, "store_id", "no store %" PRId64, *store_id)
               : rc;
}

/* The class of one product among all (revenue over the configured days). */
static enum tm_code
abc_one(PGconn *db, const struct inv_app *app, int64_t product_id, char *abc, struct tm_err *err)
{
    struct inv_rl_abc t = {0};
    enum tm_code rc = inv_rl_abc_load(db, app->cfg->abc_days, &t, err);

    *abc = rc == TM_OK ? inv_rl_abc_of(&t, product_id) : 'C';
    inv_rl_abc_fini(&t);
    return rc;
}

/* Writes ev's suggestion (a new one, or the level's live one refreshed)
 * with reorder.suggested when it is new or has just become open; its JSON
 * into doc. */
enum tm_code
inv_rs_write(PGconn *db, const struct inv_rl_eval *ev, const char *origin, const char *who,
             enum inv_rs_put *what, struct tm_buf *doc, struct tm_err *err)
{
    struct inv_rs_row row;
    int64_t id = 0;
    enum tm_code rc;

    inv_rl_row(ev, origin, who, &row);
    if ((rc = inv_db_stock_ensure(db, ev->store_id, ev->product_id, err)) == TM_OK &&
        (rc = inv_db_rs_put(db, &row, what, &id, doc, err)) == TM_OK &&
        (*what == INV_RS_CREATED || *what == INV_RS_OPENED))
        rc = emit(db, TM_TOPIC_REORDER_SUGGESTED, doc->p, err);
    return rc;
}

enum tm_code
inv_rs_expire(PGconn *db, const struct inv_rl_eval *ev, const char *who, int *expired,
              struct tm_buf *doc, struct tm_err *err)
{
    int64_t id = 0;
    enum tm_code rc;

    *expired = 0;
    if (ev->res.reorder)
        return TM_OK;
    rc = inv_db_rs_expire(db, ev->store_id, ev->product_id, ev->reason, who, &id, doc, err);
    if (rc == TM_OK && id > 0) {
        *expired = 1;
        rc = emit(db, TM_TOPIC_REORDER_EXPIRED, doc->p, err);
    }
    return rc;
}

enum tm_code
inv_h_rs_generate(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct inv_app *app = app_of(ctx);
    struct inv_rl_eval *ev = tm_xcalloc(1, sizeof *ev);
    struct inv_ro_choice *ch = tm_xcalloc(1, sizeof *ch);
    struct inv_product p;
    struct tm_buf doc;
    int64_t product_id = 0, store_id = 0;
    enum inv_rs_put what = INV_RS_KEPT;
    char abc = 'C', who[128];
    int expired = 0;
    enum tm_code rc;

    tm_buf_init(&doc, 1 << 20);
    if ((rc = tm_ctx_param_id(ctx, "product_id", &product_id, err)) != TM_OK ||
        (rc = generate_store(ctx, &store_id, err)) != TM_OK)
        goto out;
    if ((rc = inv_db_product_get(ctx->db, product_id, &p, err)) == TM_NOTFOUND)
        rc = tm_err_set(err, TM_NOTFOUND, "product_id", "no product %" PRId64, product_id);
    if (rc != TM_OK || (rc = abc_one(ctx->db, app, product_id, &abc, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64 "/%" PRId64, store_id, product_id);
    /* nothing written yet: the router's transaction ends here, tm-supplier
     * is asked outside any, and the writes go in a new one it commits */
    if ((rc = tm_db_commit(ctx->db, err)) != TM_OK ||
        (rc = inv_rl_choice(app->supplier, ctx->req, product_id, store_id, 1,
                            app->cfg->supplier_policy, ch, NULL, err)) != TM_OK ||
        (rc = tm_db_begin(ctx->db, err)) != TM_OK)
        goto out;
    rc = inv_rl_evaluate(ctx->db, app, store_id, product_id, &ch->sup, abc, ev, err);
    tm_ctx_principal(ctx, who, sizeof who);
    if (rc == TM_OK && ev->res.reorder)
        rc = inv_rs_write(ctx->db, ev, "api", who, &what, &doc, err);
    else if (rc == TM_OK && (rc = inv_rs_expire(ctx->db, ev, who, &expired, &doc, err)) == TM_OK &&
             !expired &&
             (rc = inv_db_rs_live(ctx->db, store_id, product_id, &doc, err)) == TM_NOTFOUND) {
        tm_err_clear(err);
        rc = TM_OK;
        tm_buf_reset(&doc);
    }
    if (rc != TM_OK)
        goto out;
    rep->status = what == INV_RS_CREATED ? 201 : 200;
    if ((rc = tm_buf_printf(&rep->body, "{\"created\":%s,\"policy\":",
                            what == INV_RS_CREATED ? "true" : "false")) == TM_OK &&
        (rc = inv_rl_policy_json(ev, &rep->body)) == TM_OK)
        rc = tm_json_kv_json(&rep->body, "suggestion", doc.len ? doc.p : NULL);
    if (rc == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    rc = inv_too_big(rc, err);
out:
    inv_rl_eval_fini(ev);
    tm_buf_fini(&doc);
    free(ch);
    free(ev);
    return rc;
}

/* ---- approve and reject -------------------------------------------------- */

/* A transaction of its own around fn (the handler has none). */
static enum tm_code
in_tx(PGconn *db, enum tm_code rc, struct tm_err *err)
{
    if (rc == TM_OK)
        return tm_db_commit(db, err);
    tm_db_rollback(db);
    return rc;
}

/* Makes one purchase order at tm-supplier for allocation a of suggestion h,
 * under an Idempotency-Key of the suggestion and the supplier. *refused 1
 * when tm-supplier answered a 4xx for a PO it has not made (a reuse of the
 * key for another order means it made one: not refused); 0 on success and
 * when it may have made it (no answer in time, a 5xx). */
static enum tm_code
po_create(const struct inv_app *app, const struct tm_ctx *ctx, const struct inv_rs_head *h,
          const struct inv_ro_alloc *a, int64_t *po_id, int *refused, struct tm_err *err)
{
    struct tm_request req;
    struct tm_buf out;
    char body[512], key[64];
    int status = 0;
    enum tm_code rc;

    *refused = 0;
    snprintf(body, sizeof body,
             "{\"supplier_id\":%" PRId64 ",\"store_id\":%" PRId64
             ",\"reference\":\"reorder-%" PRId64 "\",\"lines\":[{\"product_id\":%" PRId64
             ",\"quantity\":%" PRId64 "}]}",
             a->supplier_id, h->store_id, h->id, h->product_id, a->quantity);
    snprintf(key, sizeof key, "reorder-%" PRId64 "-%" PRId64, h->id, a->supplier_id);
    tm_call_request(&req, "tm-inventory", "POST", "/api/v1/purchase-orders",
                    "/api/v1/purchase-orders", body, key);
    req.principal = ctx->req->principal;
    snprintf(req.principal.kind, sizeof req.principal.kind, "service");
    snprintf(req.id, sizeof req.id, "%s", ctx->req->id);
    req.deadline_ms = ctx->req->deadline_ms;
    tm_buf_init(&out, INV_RO_REPLY_MAX);
    rc = tm_call(app->supplier, &req, &status, &out, err);
    if (rc == TM_OK && status != 200 && status != 201) {
        int client = status >= 400 && status < 500;
        *refused = client && !inv_ro_error_field_is(out.p, out.len, "Idempotency-Key");
        rc = tm_err_set(err, client ? TM_UNPROCESSABLE : TM_UNAVAIL, "supplier_id",
                        "tm-supplier refused the purchase order from supplier %" PRId64
                        " (%d): %.300s",
                        a->supplier_id, status, out.p ? out.p : "");
    }
    if (rc == TM_OK && inv_ro_decode_po_id(out.p, out.len, po_id, err) != TM_OK)
        rc = tm_err_set(err, TM_UNAVAIL, NULL,
                        "tm-supplier answered a purchase order without its id: %.200s", out.p);
    tm_buf_fini(&out);
    return rc;
}

/* The choice an approval orders from: the one stored with its claim (a
 * retry), else tm-supplier's now for the quantity claimed, stored (the
 * first stored wins a race). */
static enum tm_code
approval_choice(const struct tm_ctx *ctx, const struct inv_rs_head *h, const char *policy,
                struct tm_buf *stored, struct inv_ro_choice *ch, struct tm_err *err)
{
    const struct inv_app *app = app_of(ctx);
    enum tm_code rc;

    if (!stored->len) {
        struct tm_buf raw;
        tm_buf_init(&raw, INV_RO_REPLY_MAX);
        rc = inv_rl_choice(app->supplier, ctx->req, h->product_id, h->store_id, h->order_quantity,
                           policy, ch, &raw, err);
        if (rc == TM_OK && !ch->sup.found)
            rc = tm_err_set(err, TM_UNPROCESSABLE, "product_id",
                            "no supplier offers product %" PRId64 " now", h->product_id);
        if (rc == TM_OK && (rc = tm_db_begin(ctx->db, err)) == TM_OK)
            rc = in_tx(ctx->db,
                       inv_db_rs_set_choice(ctx->db, h->id, raw.p, h->order_quantity, stored, err),
                       err);
        tm_buf_fini(&raw);
        if (rc != TM_OK)
            return rc;
    }
    if (inv_ro_decode_choice(stored->p, stored->len, ch, err) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "the stored supplier choice does not decode");
    return TM_OK;
}

/* The suggestion, seen by the caller, in a status approve may take. */
static enum tm_code
approvable(struct tm_ctx *ctx, int64_t id, struct inv_rs_head *h, struct tm_err *err)
{
    enum tm_code rc = inv_db_rs_head(ctx->db, id, h, err);

    if (rc == TM_OK)
        rc = tm_ctx_may_see(ctx, &h->store_id, 1, "id", "reorder suggestion", err);
    if (rc == TM_OK)
        rc = tm_ctx_may_store(ctx, h->store_id, "store_id", err);
    if (rc == TM_OK && strcmp(h->status, "no_supplier") == 0)
        rc = tm_err_set(err, TM_CONFLICT, "status",
                        "no supplier offered the product when it was suggested: generate it"
                        " again once one does, or reject it");
    else if (rc == TM_OK && strcmp(h->status, "open") != 0 && strcmp(h->status, "approving") != 0)
        rc = tm_err_set(err, TM_CONFLICT, "status", "the reorder suggestion is %s", h->status);
    return rc;
}

/* Claims suggestion h for approval (h->order_quantity then the row's,
 * read under its lock); the choice an earlier attempt stored into stored. */
static enum tm_code
claim(struct tm_ctx *ctx, struct inv_rs_head *h, struct tm_buf *stored, struct tm_err *err)
{
    char status[16];
    int claimed = 0;
    enum tm_code rc;

    if ((rc = tm_db_begin(ctx->db, err)) != TM_OK ||
        (rc = in_tx(ctx->db,
                    inv_db_rs_claim(ctx->db, h->id, &claimed, status, sizeof status,
                                    &h->order_quantity, stored, err),
                    err)) != TM_OK)
        return rc;
    if (!claimed)
        return tm_err_set(err, TM_CONFLICT, "status", "the reorder suggestion is %s", status);
    if (h->order_quantity < 1) { /* nothing ordered: as it was */
        struct tm_err e = {0};
        if (tm_db_begin(ctx->db, &e) == TM_OK)
            (void)in_tx(ctx->db, inv_db_rs_unclaim(ctx->db, h->id, 0, &e), &e);
        return tm_err_set(err, TM_CONFLICT, "order_quantity", "the suggestion orders nothing");
    }
    return TM_OK;
}

/* After a failed approval: back to open when no purchase order can exist
 * (unclaim), else the POs made linked while it stays approving. Failures
 * are logged: the error answered is the approval's. */
static void
approval_failed(const struct tm_ctx *ctx, int64_t id, int unclaim, int no_choice,
                const int64_t *po_ids, int made)
{
    struct tm_err e = {0};
    enum tm_code rc = TM_OK;

    if ((unclaim || made > 0) && (rc = tm_db_begin(ctx->db, &e)) == TM_OK)
        rc = in_tx(ctx->db,
                   unclaim ? inv_db_rs_unclaim(ctx->db, id, no_choice, &e)
                           : inv_db_rs_link(ctx->db, id, po_ids, made, &e),
                   &e);
    if (rc != TM_OK)
        tm_log_warn(ctx->req->id, "reorder.approval_record_failed",
                    "id=%" PRId64 " unclaim=%d made=%d error=\"%s\"", id, unclaim, made, e.message);
}

enum tm_code
inv_h_rs_approve(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct inv_app *app = app_of(ctx);
    struct inv_ro_choice *ch = tm_xcalloc(1, sizeof *ch);
    struct inv_rs_head h;
    struct tm_buf stored, doc;
    int64_t id, po_ids[INV_RO_SPLITS_MAX];
    int made = 0, tried = 0, refused = 0, had_choice, chose, moved = 0;
    char policy[INV_RO_POLICY_MAX + 1], who[128];
    enum tm_code rc;

    tm_buf_init(&stored, INV_RO_REPLY_MAX);
    tm_buf_init(&doc, 1 << 20);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_ro_decode_approve(ctx->req->body, ctx->req->body_len, policy, sizeof policy,
                                    err)) != TM_OK ||
        (rc = approvable(ctx, id, &h, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    if ((rc = claim(ctx, &h, &stored, err)) != TM_OK)
        goto out;
    had_choice = stored.len > 0;
    rc = approval_choice(ctx, &h, policy[0] ? policy : app->cfg->supplier_policy, &stored, ch, err);
    chose = rc == TM_OK;
    for (int i = 0; rc == TM_OK && i < ch->n_alloc; i++, tried++)
        if ((rc = po_create(app, ctx, &h, &ch->alloc[i], &po_ids[i], &refused, err)) == TM_OK)
            made++;
    if (rc == TM_OK && made == 0)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "product_id", "the supplier choice orders nothing");
    if (rc != TM_OK) {
        /* open again only when no PO can exist: the choice failed before
         * any was asked for (and none was stored: earlier attempts ordered
         * nothing; nor is one stored since, by a concurrent attempt), the
         * choice orders nothing, or tm-supplier refused the first (its
         * replay of a PO already made comes before any check). No answer
         * in time leaves it approving: tm-supplier may have made the PO,
         * and a retry under the same keys finds it. */
        approval_failed(ctx, id, (tried == 0 && (chose || !had_choice)) || (tried == 1 && refused),
                        tried == 0 && !chose, po_ids, made);
        goto out;
    }
    tm_ctx_principal(ctx, who, sizeof who);
    if ((rc = tm_db_begin(ctx->db, err)) != TM_OK)
        goto out;
    rc = inv_db_rs_approved(ctx->db, id, po_ids, made, who, &moved, &doc, err);
    if (rc == TM_OK && moved)
        rc = emit(ctx->db, TM_TOPIC_REORDER_APPROVED, doc.p, err);
    if ((rc = in_tx(ctx->db, rc, err)) == TM_OK)
        rc = inv_too_big(tm_buf_adds(&rep->body, doc.p), err);
out:
    tm_buf_fini(&stored);
    tm_buf_fini(&doc);
    free(ch);
    return rc;
}

enum tm_code
inv_h_rs_reject(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_rs_head h;
    struct tm_buf doc;
    int64_t id;
    char reason[INV_RO_REASON_MAX + 1], who[128];
    enum tm_code rc;

    tm_buf_init(&doc, 1 << 20);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_ro_decode_reject(ctx->req->body, ctx->req->body_len, reason, sizeof reason,
                                   err)) != TM_OK ||
        (rc = inv_db_rs_head(ctx->db, id, &h, err)) != TM_OK ||
        (rc = tm_ctx_may_see(ctx, &h.store_id, 1, "id", "reorder suggestion", err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, h.store_id, "store_id", err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    tm_ctx_principal(ctx, who, sizeof who);
    rc = inv_db_rs_rejected(ctx->db, id, reason, who, INV_RS_CLAIM_STALE_S, &doc, err);
    if (rc == TM_CONFLICT && strcmp(h.status, "approving") == 0)
        rc = tm_err_set(err, TM_CONFLICT, "status",
                        "the reorder suggestion is being approved: it may be rejected once its"
                        " approval has stopped for %d s",
                        INV_RS_CLAIM_STALE_S);
    if (rc == TM_OK && (rc = emit(ctx->db, TM_TOPIC_REORDER_REJECTED, doc.p, err)) == TM_OK)
        rc = inv_too_big(tm_buf_adds(&rep->body, doc.p), err);
out:
    tm_buf_fini(&doc);
    return rc;
}
