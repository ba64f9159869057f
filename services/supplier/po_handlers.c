/* services/supplier/po_handlers.c — purchase orders: create, list, read,
 * send to the supplier's API, cancel, and receive against. Each write adds
 * its event (a PurchaseOrderEvent, proto/events.md) in the transaction of
 * the change; tm-inventory applies its `incoming` deltas and receipts.
 *
 * Send and cancel call the supplier over HTTP, never inside a transaction:
 * send marks the PO `sending` and commits, calls the supplier under the PO's
 * order key, then records the answer in a second transaction. A PO left
 * `sending` (no answer, or a stop half-way) is sent again, under the same
 * key, by a later send or the po-resubmit job: the supplier makes one order
 * whatever happens. */
#include "services/supplier/po_handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/topic.h"
#include "common/url.h"

#include "services/supplier/api.h"
#include "services/supplier/decode.h"
#include "services/supplier/handlers.h"
#include "services/supplier/po.h"
#include "services/supplier/po_decode.h"
#include "services/supplier/po_store.h"
#include "services/supplier/store.h"

#define RESUBMIT_AFTER_S 30 /* a PO `sending` this long is the job's */
#define RESUBMIT_MAX 20     /* POs the job sends in one run */
#define ANSWER_MS 250       /* kept of a request's deadline to record and answer */

static const struct sup_app *
app_of(const struct tm_ctx *ctx)
{
    return ctx->app;
}

/* Adds a PurchaseOrderEvent under topic: po_json (the PO as it stands,
 * rendered once for the event and the reply), the incoming deltas d[0..n)
 * and, when not NULL, receipt_json. */
static enum tm_code
po_event(PGconn *db, enum tm_topic topic, int64_t store_id, const struct sup_po_delta *d, int n,
         const char *po_json, const char *receipt_json, struct tm_err *err)
{
    struct tm_buf b;
    enum tm_code rc;

    tm_buf_init(&b, 8 << 20);
    if ((rc = tm_buf_adds(&b, "{\"purchase_order\":")) == TM_OK &&
        (rc = tm_buf_adds(&b, po_json)) == TM_OK &&
        (rc = tm_json_kv_i64(&b, "store_id", store_id)) == TM_OK)
        rc = tm_buf_adds(&b, ",\"incoming\":[");
    for (int i = 0; i < n && rc == TM_OK; i++)
        rc = tm_buf_printf(&b, "%s{\"product_id\":%" PRId64 ",\"delta\":%" PRId64 "}", i ? "," : "",
                           d[i].product_id, d[i].delta);
    if (rc == TM_OK)
        rc = tm_buf_adds(&b, "]");
    if (rc == TM_OK && receipt_json)
        rc = tm_json_kv_json(&b, "receipt", receipt_json);
    if (rc == TM_OK)
        rc = tm_buf_adds(&b, "}");
    if (rc == TM_TOOBIG)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "event too large");
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &sup_outbox, tm_topic_name(topic), b.p, err);
    tm_buf_fini(&b);
    return rc;
}

/* Renders PO id into po and adds its event: the one rendering serves both. */
static enum tm_code
po_changed(PGconn *db, int64_t id, enum tm_topic topic, int64_t store_id,
           const struct sup_po_delta *d, int n, struct tm_buf *po, struct tm_err *err)
{
    enum tm_code rc = sup_db_po_json(db, id, po, err);

    return rc == TM_OK ? po_event(db, topic, store_id, d, n, po->p, NULL, err) : rc;
}

/* When a call to the supplier must be over, so the request still gets its
 * answer in time (its own transaction and reply after it): 0 for the job. */
static int64_t
answer_by(const struct tm_ctx *ctx)
{
    return ctx && ctx->req->deadline_ms > 0 ? ctx->req->deadline_ms - ANSWER_MS : 0;
}

/* Loads the PO (locked when lock is set) and judges the caller's stores. */
static enum tm_code
po_load(struct tm_ctx *ctx, int64_t id, int lock, struct sup_po *po, struct sup_po_row *row,
        struct tm_err *err)
{
    enum tm_code rc = sup_db_po_load(ctx->db, id, lock, po, row, err);

    if (rc == TM_OK)
        rc = tm_ctx_may_see(ctx, &row->store_id, 1, "id", "purchase order", err);
    return rc;
}

/* ---------------------------------------------------------------- reads */

enum tm_code
sup_h_po_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_po_filter f = {0};
    char scope[1024];
    struct tm_page pg;
    int status;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "status", sup_po_status_names, &status, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "supplier_id", 1, INT64_MAX, 0, &f.supplier_id, err)) !=
            TM_OK ||
        (rc = tm_ctx_query_store(ctx, &f.store_id, err)) != TM_OK)
        return rc;
    f.status = status >= 0 ? sup_po_status_names[status] : NULL;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    return sup_db_po_list(ctx->db, &f, &pg, &rep->body, err);
}

enum tm_code
sup_h_po_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_po *po = tm_xcalloc(1, sizeof *po);
    struct sup_po_row row;
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) == TM_OK &&
        (rc = po_load(ctx, id, 0, po, &row, err)) == TM_OK)
        rc = sup_db_po_json(ctx->db, id, &rep->body, err);
    free(po);
    return rc;
}

/* --------------------------------------------------------------- create */

/* Prices each line from the supplier's offer valid today: the quantity must
 * be one the offer takes (at least its least order, a pack multiple). The
 * order ships once: at the highest shipping cost among its lines' offers,
 * free when the goods reach that offer's threshold. */
static enum tm_code
price_lines(PGconn *db, const struct sup_po_in *in, struct sup_po_price *p, int64_t *shipping,
            struct tm_err *err)
{
    int64_t today = (int64_t)(time(NULL) / 86400), goods = 0, ship = 0, thr = 0;
    struct sup_offer o;
    struct sup_candidate c;
    enum tm_code rc;
    char f[48];
    int found;

    for (int i = 0; i < in->n; i++) {
        int64_t q = in->lines[i].quantity, least;
        if ((rc = sup_db_po_offer(db, in->supplier_id, in->lines[i].product_id, today, &o, &found,
                                  err)) != TM_OK)
            return rc;
        snprintf(f, sizeof f, "lines[%d].product_id", i);
        if (!found)
            return tm_err_set(err, TM_UNPROCESSABLE, f,
                              "supplier %" PRId64 " has no offer for product %" PRId64
                              " valid today",
                              in->supplier_id, in->lines[i].product_id);
        least = sup_least_order(&o);
        snprintf(f, sizeof f, "lines[%d].quantity", i);
        if (q < least || q % o.pack_size != 0)
            return tm_err_set(err, TM_UNPROCESSABLE, f,
                              "the offer takes %" PRId64 " or more in packs of %" PRId64
                              ": order %" PRId64 " or %" PRId64,
                              least, o.pack_size, q < least ? least : q / o.pack_size * o.pack_size,
                              q < least ? least + o.pack_size
                                        : (q / o.pack_size + 1) * o.pack_size);
        sup_cost_at(&o, q, &c);
        p[i].unit_price_cents = c.unit_price_cents;
        p[i].lead_days = (int64_t)o.lead_time_days;
        goods += c.goods_cents;
        if (o.shipping_cost_cents > ship) {
            ship = o.shipping_cost_cents;
            thr = o.free_shipping_threshold_cents;
        }
    }
    *shipping = thr > 0 && goods >= thr ? 0 : ship;
    return TM_OK;
}

/* The order key of a new PO: derived from the request's Idempotency-Key
 * when it has one (scoped by who asks: TechMart's own daemons share one
 * scope, so a retry by another user of the same request is the same
 * order), else random. */
static enum tm_code
order_key_of(const struct tm_ctx *ctx, char *key, size_t size, struct tm_err *err)
{
    char who[128], scoped[128 + TM_IDEM_KEY_MAX + 2], hex[65];

    if (ctx->req->idem_key[0]) {
        if (tm_ctx_from_service(ctx))
            snprintf(who, sizeof who, "service");
        else
            tm_ctx_principal(ctx, who, sizeof who);
        snprintf(scoped, sizeof scoped, "%s\n%s", who, ctx->req->idem_key);
        tm_sha256_hex(scoped, strlen(scoped), hex);
        snprintf(key, size, "tm-po-k%.24s", hex);
        return TM_OK;
    }
    if (tm_random_hex(12, hex, sizeof hex) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "no random bytes");
    snprintf(key, size, "tm-po-%.24s", hex);
    return TM_OK;
}

/* A create repeated under its Idempotency-Key: the PO made the first time
 * (200) when it is the same order, else TM_UNPROCESSABLE naming the key. */
static enum tm_code
po_replay(struct tm_ctx *ctx, const struct sup_po_in *in, int64_t id, struct tm_reply *rep,
          struct tm_err *err)
{
    struct sup_po *po = tm_xcalloc(1, sizeof *po);
    struct sup_po_row row;
    int same;
    enum tm_code rc = po_load(ctx, id, 0, po, &row, err);

    if (rc != TM_OK)
        goto out;
    same = row.supplier_id == in->supplier_id && row.store_id == in->store_id && po->n == in->n;
    for (int i = 0; i < in->n && same; i++)
        same = po->lines[i].product_id == in->lines[i].product_id &&
               po->lines[i].quantity == in->lines[i].quantity;
    if (!same) {
        rc = tm_err_set(err, TM_UNPROCESSABLE, "Idempotency-Key",
                        "this Idempotency-Key was used for another purchase order");
        goto out;
    }
    rep->status = 200;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    rc = sup_db_po_json(ctx->db, id, &rep->body, err);
out:
    free(po);
    return rc;
}

enum tm_code
sup_h_po_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_po_in *in = tm_xcalloc(1, sizeof *in);
    struct sup_po_price *p = tm_xcalloc(SUP_PO_LINES_MAX, sizeof *p);
    struct sup_target_row *t = tm_xcalloc(1, sizeof *t);
    char key[SUP_PO_KEY_MAX + 1], who[128];
    cJSON *body = NULL;
    int64_t id = 0, shipping = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = sup_decode_po(body, in, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, in->store_id, "store_id", err)) != TM_OK ||
        (rc = order_key_of(ctx, key, sizeof key, err)) != TM_OK)
        goto out;
    /* a replay answers the PO made the first time before anything is
     * checked again: whatever changed since (the supplier deactivated, the
     * offer gone) does not undo an order already made */
    if (ctx->req->idem_key[0] && (rc = sup_db_po_by_key(ctx->db, key, &id, err)) != TM_NOTFOUND) {
        rc = rc == TM_OK ? po_replay(ctx, in, id, rep, err) : rc;
        goto out;
    }
    tm_err_clear(err);
    if ((rc = sup_db_target(ctx->db, in->supplier_id, "supplier_id", t, err)) != TM_OK) {
        if (rc == TM_NOTFOUND) /* named in the body: unprocessable, not a missing route */
            rc = tm_err_set(err, TM_UNPROCESSABLE, "supplier_id", "no supplier with this id");
        goto out;
    }
    if (!t->active) {
        rc = tm_err_set(err, TM_UNPROCESSABLE, "supplier_id", "supplier %" PRId64 " is not active",
                        in->supplier_id);
        goto out;
    }
    if ((rc = sup_inventory_has(ctx, "stores", in->store_id, TM_UNPROCESSABLE, "store_id", err)) !=
            TM_OK ||
        (rc = price_lines(ctx->db, in, p, &shipping, err)) != TM_OK)
        goto out;
    tm_ctx_principal(ctx, who, sizeof who);
    rc = sup_db_po_create(ctx->db, in, t->currency, p, shipping, key, who, &id, err);
    if (rc == TM_CONFLICT && ctx->req->idem_key[0]) { /* a concurrent create of the same key */
        tm_err_clear(err);
        if ((rc = sup_db_po_by_key(ctx->db, key, &id, err)) == TM_OK)
            rc = po_replay(ctx, in, id, rep, err);
        goto out;
    }
    if (rc != TM_OK || (rc = po_changed(ctx->db, id, TM_TOPIC_PO_CREATED, in->store_id, NULL, 0,
                                        &rep->body, err)) != TM_OK)
        goto out;
    rep->status = 201;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
out:
    cJSON_Delete(body);
    free(t);
    free(p);
    free(in);
    return rc;
}

/* ----------------------------------------------------------------- send */

/* A submission the supplier will refuse again however often it is sent:
 * refused (4xx), no such route there (404), or not a request it can take. */
static int
refused(enum tm_code api_rc)
{
    return api_rc == TM_UNPROCESSABLE || api_rc == TM_NOTFOUND || api_rc == TM_INVALID;
}

/* Records a submission's outcome in a transaction of its own: the answer
 * (sent or confirmed, with events) when api_rc is TM_OK; else the error,
 * the PO back to draft when the supplier refused it, left `sending` when it
 * could not be reached. Nothing when the PO is no longer `sending`. */
static enum tm_code
send_record(PGconn *db, int64_t id, enum tm_code api_rc, const struct sup_api_order *ord,
            const struct tm_err *api_err, struct sup_po *po, struct tm_err *err)
{
    struct sup_po_delta sent[SUP_PO_LINES_MAX], fixed[SUP_PO_LINES_MAX];
    int64_t conf[SUP_PO_LINES_MAX];
    int confirmed = ord && strcmp(ord->status, "confirmed") == 0, n_sent, n_fixed = 0;
    struct sup_po_row row;
    struct tm_buf doc;
    enum tm_code rc;

    if ((rc = tm_db_begin(db, err)) != TM_OK)
        return rc;
    if ((rc = sup_db_po_load(db, id, 1, po, &row, err)) != TM_OK || po->status != SUP_PO_SENDING)
        goto out;
    if (api_rc != TM_OK) {
        rc = sup_db_po_send_failed(db, id, refused(api_rc) ? SUP_PO_DRAFT : SUP_PO_SENDING,
                                   api_err->message, err);
        goto out;
    }
    /* sent (+ ordered), then confirmed (to what the supplier commits to):
     * one update, one rendering, an event for each step */
    n_sent = sup_po_sent_deltas(po, sent);
    po->status = SUP_PO_SENT;
    if (confirmed) {
        for (int i = 0; i < po->n; i++) {
            conf[i] = -1;
            for (int k = 0; k < ord->n_lines; k++)
                if (ord->lines[k].product_id == po->lines[i].product_id)
                    conf[i] = ord->lines[k].confirmed_quantity < po->lines[i].quantity
                                  ? ord->lines[k].confirmed_quantity
                                  : po->lines[i].quantity; /* never more than ordered */
        }
        n_fixed = sup_po_confirm(po, conf, fixed);
    }
    tm_buf_init(&doc, 4 << 20);
    if ((rc = sup_db_po_sent(db, id, po, ord, err)) == TM_OK &&
        (rc = po_changed(db, id, TM_TOPIC_PO_SENT, row.store_id, sent, n_sent, &doc, err)) ==
            TM_OK &&
        confirmed)
        rc = po_event(db, TM_TOPIC_PO_CONFIRMED, row.store_id, fixed, n_fixed, doc.p, NULL, err);
    tm_buf_fini(&doc);
out:
    if (rc == TM_OK)
        return tm_db_commit(db, err);
    tm_db_rollback(db);
    return rc;
}

/* Sends PO id: marks it `sending` (a draft), calls the supplier with its
 * key, records the answer. ctx NULL from the job (no store to judge).
 * *api_rc is the supplier call's outcome (TM_OK when none was needed). */
static enum tm_code
send_po(const struct sup_app *app, struct tm_ctx *ctx, PGconn *db, int64_t id, enum tm_code *api_rc,
        struct tm_err *api_err, struct tm_err *err)
{
    struct sup_po *po = tm_xcalloc(1, sizeof *po);
    struct sup_api_order *ord = tm_xcalloc(1, sizeof *ord);
    struct sup_api_line *lines = tm_xcalloc(SUP_PO_LINES_MAX, sizeof *lines);
    struct sup_target_row *t = tm_xcalloc(1, sizeof *t);
    struct sup_po_row row;
    char ref[SUP_PO_KEY_MAX + 1];
    enum tm_code rc;

    *api_rc = TM_OK;
    if ((rc = tm_db_begin(db, err)) != TM_OK)
        goto done;
    rc = ctx ? po_load(ctx, id, 1, po, &row, err) : sup_db_po_load(db, id, 1, po, &row, err);
    if (rc == TM_OK && po->status >= SUP_PO_SENT && po->status != SUP_PO_CANCELLED) {
        tm_db_rollback(db); /* already sent: the answer is the PO as it is */
        goto done;
    }
    /* a PO already `sending` is finished under its key whatever has changed
     * since: the supplier may hold the order */
    if (rc == TM_OK && (rc = sup_po_allows(po->status, SUP_PO_SEND, err)) == TM_OK &&
        (rc = sup_db_target(db, row.supplier_id, "supplier_id", t, err)) == TM_OK &&
        po->status == SUP_PO_DRAFT && !t->active)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "supplier_id", "supplier %" PRId64 " is not active",
                        row.supplier_id);
    if (rc == TM_OK && t->api_url[0] && !tm_url_allowed(t->api_url, app->cfg->api_hosts))
        rc = tm_err_set(err, TM_UNPROCESSABLE, "supplier",
                        "the supplier's api_url is not on the allow-list (api-hosts)");
    if (rc == TM_OK && !t->api_url[0]) { /* no API: sent by hand */
        struct sup_po_delta *d = tm_xcalloc(SUP_PO_LINES_MAX, sizeof *d);
        int n = sup_po_sent_deltas(po, d);
        struct tm_buf doc;
        tm_buf_init(&doc, 4 << 20);
        if ((rc = sup_db_po_sent(db, id, po, NULL, err)) == TM_OK &&
            (rc = po_changed(db, id, TM_TOPIC_PO_SENT, row.store_id, d, n, &doc, err)) == TM_OK)
            rc = tm_db_commit(db, err);
        tm_buf_fini(&doc);
        free(d);
        if (rc != TM_OK)
            tm_db_rollback(db);
        goto done;
    }
    if (rc == TM_OK)
        rc = sup_db_po_sending(db, id, err);
    if (rc == TM_OK)
        rc = tm_db_commit(db, err);
    if (rc != TM_OK) {
        tm_db_rollback(db);
        goto done;
    }
    for (int i = 0; i < po->n; i++)
        lines[i] = (struct sup_api_line){po->lines[i].product_id, po->lines[i].quantity};
    snprintf(ref, sizeof ref, "%s", row.reference[0] ? row.reference : "");
    if (!ref[0])
        snprintf(ref, sizeof ref, "PO-%" PRId64, id);
    {
        const struct sup_api_target target = {row.supplier_id, t->api_url,
                                              t->api_key[0] ? t->api_key : NULL, answer_by(ctx)};
        *api_rc = sup_api_submit(app->api, &target, row.order_key, ref, row.store_id, lines, po->n,
                                 ord, api_err);
    }
    if (*api_rc != TM_OK)
        tm_log_warn(NULL, "po.send_failed", "po=%" PRId64 " supplier=%" PRId64 " error=\"%s\"", id,
                    row.supplier_id, api_err->message);
    rc = send_record(db, id, *api_rc, *api_rc == TM_OK ? ord : NULL, api_err, po, err);
done:
    free(t);
    free(lines);
    free(ord);
    free(po);
    return rc;
}

enum tm_code
sup_h_po_send(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_err api_err = {0};
    enum tm_code rc, api_rc;
    int64_t id;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = send_po(app_of(ctx), ctx, ctx->db, id, &api_rc, &api_err, err)) != TM_OK)
        return rc;
    if (refused(api_rc))
        return tm_err_set(err, TM_UNPROCESSABLE, "supplier", "the supplier refused the order: %s",
                          api_err.message);
    /* not reached: accepted, still `sending`, finished by a later send or the job */
    if (api_rc != TM_OK)
        rep->status = 202;
    return sup_db_po_json(ctx->db, id, &rep->body, err);
}

enum tm_code
sup_job_po_resubmit(void *arg, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct sup_app *app = arg;
    int64_t ids[RESUBMIT_MAX];
    int n = 0;
    enum tm_code rc = sup_db_po_stuck(db, RESUBMIT_AFTER_S, RESUBMIT_MAX, ids, &n, err);

    /* The runner's transaction is ended here: each PO is sent in
     * transactions of its own, around the supplier's call (one PO's
     * trouble is logged and the next is sent), and a new one is begun for
     * the runner to commit. */
    *rows = 0;
    if (rc != TM_OK || (rc = tm_db_commit(db, err)) != TM_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        struct tm_err api_err = {0}, e = {0};
        enum tm_code api_rc;
        if (send_po(app, NULL, db, ids[i], &api_rc, &api_err, &e) != TM_OK)
            tm_log_warn(NULL, "po.resubmit_failed", "po=%" PRId64 " error=\"%s\"", ids[i],
                        e.message);
        else if (api_rc == TM_OK)
            (*rows)++;
    }
    return tm_db_begin(db, err);
}

/* --------------------------------------------------------------- cancel */

enum tm_code
sup_h_po_cancel(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_po *po = tm_xcalloc(1, sizeof *po);
    struct sup_po_delta *d = tm_xcalloc(SUP_PO_LINES_MAX, sizeof *d);
    struct sup_target_row *t = tm_xcalloc(1, sizeof *t);
    struct sup_api_order *ord = tm_xcalloc(1, sizeof *ord);
    char reason[SUP_PO_TEXT_MAX + 1];
    struct sup_po_row row;
    cJSON *body = NULL;
    int64_t id;
    int n;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (ctx->req->body_len > 0 && (rc = tm_ctx_body(ctx, &body, err)) != TM_OK) ||
        (rc = sup_decode_cancel(body, reason, sizeof reason, err)) != TM_OK ||
        (rc = po_load(ctx, id, 0, po, &row, err)) != TM_OK ||
        (rc = sup_po_allows(po->status, SUP_PO_CANCEL, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, row.store_id, "store_id", err)) != TM_OK)
        goto out;
    /* the supplier's order first: a PO cancelled here is cancelled there */
    if (row.supplier_order_id[0] &&
        (rc = sup_db_target(ctx->db, row.supplier_id, "supplier_id", t, err)) == TM_OK &&
        t->api_url[0]) {
        const struct sup_api_target target = {row.supplier_id, t->api_url,
                                              t->api_key[0] ? t->api_key : NULL, answer_by(ctx)};
        char why[TM_ERR_MESSAGE_MAX];
        rc = sup_api_cancel(app_of(ctx)->api, &target, row.supplier_order_id, ord, err);
        snprintf(why, sizeof why, "%s", rc == TM_OK ? "" : err->message);
        if (rc != TM_OK && refused(rc) && po->status == SUP_PO_PARTIAL) {
            /* what came is here; the supplier has shipped and will not
             * cancel: the rest is closed here, and no longer expected */
            tm_log_warn(ctx->req->id, "po.cancel_refused", "po=%" PRId64 " error=\"%s\"", id, why);
            rc = TM_OK;
        } else if (refused(rc)) {
            rc = tm_err_set(err, TM_CONFLICT, "status", "the supplier refused to cancel: %s", why);
        }
    }
    if (rc != TM_OK || (rc = tm_db_begin(ctx->db, err)) != TM_OK)
        goto out;
    if ((rc = sup_db_po_load(ctx->db, id, 1, po, &row, err)) == TM_OK &&
        (rc = sup_po_allows(po->status, SUP_PO_CANCEL, err)) == TM_OK) {
        n = sup_po_cancel(po, d);
        if ((rc = sup_db_po_cancelled(ctx->db, id, reason, err)) == TM_OK &&
            (rc = po_changed(ctx->db, id, TM_TOPIC_PO_CANCELLED, row.store_id, d, n, &rep->body,
                             err)) == TM_OK)
            rc = tm_db_commit(ctx->db, err);
    }
    if (rc != TM_OK)
        tm_db_rollback(ctx->db);
out:
    cJSON_Delete(body);
    free(ord);
    free(t);
    free(d);
    free(po);
    return rc;
}

/* -------------------------------------------------------------- receive */

/* Renders the receipt and its PO into b as {"receipt", "purchase_order"};
 * when topic is not -1, the receipt's event is added from the same
 * renderings (deltas d[0..n)). */
static enum tm_code
receipt_reply(PGconn *db, int64_t id, int64_t receipt_id, int topic, int64_t store_id,
              const struct sup_po_delta *d, int n, struct tm_buf *b, struct tm_err *err)
{
    struct tm_buf rcpt, po;
    enum tm_code rc;

    tm_buf_init(&rcpt, 4 << 20);
    tm_buf_init(&po, 4 << 20);
    if ((rc = sup_db_receipt_json(db, receipt_id, &rcpt, err)) == TM_OK &&
        (rc = sup_db_po_json(db, id, &po, err)) == TM_OK && topic >= 0)
        rc = po_event(db, (enum tm_topic)topic, store_id, d, n, po.p, rcpt.p, err);
    if (rc == TM_OK && (rc = tm_buf_adds(b, "{\"receipt\":")) == TM_OK &&
        (rc = tm_buf_adds(b, rcpt.p)) == TM_OK &&
        (rc = tm_json_kv_json(b, "purchase_order", po.p)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    tm_buf_fini(&po);
    tm_buf_fini(&rcpt);
    return rc == TM_TOOBIG && err && err->code != TM_TOOBIG
               ? tm_err_set(err, TM_TOOBIG, NULL, "reply too large")
               : rc;
}

enum tm_code
sup_h_po_receive(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct sup_receipt_in *in = tm_xcalloc(1, sizeof *in);
    struct sup_po *po = tm_xcalloc(1, sizeof *po);
    struct sup_po_delta *d = tm_xcalloc(SUP_PO_LINES_MAX, sizeof *d);
    struct sup_po_row row;
    char who[128];
    cJSON *body = NULL;
    int64_t id, receipt_id = 0;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = sup_decode_receipt(body, in, err)) != TM_OK ||
        (rc = po_load(ctx, id, 1, po, &row, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, row.store_id, "store_id", err)) != TM_OK)
        goto out;
    /* a receipt given again under its key: the first answer, nothing booked */
    if (in->key[0] &&
        (rc = sup_db_receipt_by_key(ctx->db, id, in->key, &receipt_id, err)) == TM_OK &&
        receipt_id > 0) {
        rc = receipt_reply(ctx->db, id, receipt_id, -1, 0, NULL, 0, &rep->body, err);
        goto out;
    }
    if (rc != TM_OK || (rc = sup_po_receive(po, &in->r, d, &n, err)) != TM_OK)
        goto out;
    tm_ctx_principal(ctx, who, sizeof who);
    if ((rc = sup_db_receipt_add(ctx->db, id, po, in, who, &receipt_id, err)) != TM_OK ||
        (rc = receipt_reply(ctx->db, id, receipt_id, TM_TOPIC_PO_RECEIPT, row.store_id, d, n,
                            &rep->body, err)) != TM_OK)
        goto out;
    rep->status = 201;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, receipt_id);
out:
    cJSON_Delete(body);
    free(d);
    free(po);
    free(in);
    return rc;
}
