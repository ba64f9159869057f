/* services/inventory/transfer_handlers.c — transfers between stores
 * (request reserves at the source, ship, receive, cancel) and reservations
 * (hold, release, expire), on the shared stock helpers of stock_handlers.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

#include "services/inventory/stock.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/stock_store.h"

#define RESERVE_TTL_DEFAULT 900 /* seconds a reservation holds unless told */

/* ---------------------------------------------------------------- encode */

static enum tm_code
enc_transfer(struct tm_buf *b, const void *item)
{
    const struct inv_transfer *t = item;
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%" PRId64, t->id);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "from_store_id", t->from_store_id)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "to_store_id", t->to_store_id)) == TM_OK &&
        (rc = tm_json_kv_str(b, "status", t->status, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "note", t->note, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_by", t->created_by, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", t->created_at, 0)) == TM_OK &&
        (rc = tm_json_kv_opt_str(b, "shipped_at", t->shipped_at)) == TM_OK &&
        (rc = tm_json_kv_opt_str(b, "received_at", t->received_at)) == TM_OK &&
        (rc = tm_json_kv_opt_str(b, "cancelled_at", t->cancelled_at)) == TM_OK)
        rc = tm_buf_adds(b, ",\"lines\":[");
    for (int i = 0; i < t->n_lines && rc == TM_OK; i++) {
        const struct inv_transfer_line *l = &t->lines[i];
        rc = tm_buf_printf(b, "%s{\"product_id\":%" PRId64 ",\"quantity\":%" PRId64, i ? "," : "",
                           l->product_id, l->quantity);
        if (rc == TM_OK)
            rc = l->received < 0 ? tm_buf_adds(b, ",\"received\":null")
                                 : tm_json_kv_i64(b, "received", l->received);
        if (rc == TM_OK && (rc = tm_json_kv_str(b, "reason", l->reason, 0)) == TM_OK)
            rc = tm_buf_adds(b, "}");
    }
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "]}");
    return rc;
}

static int64_t
transfer_id(const void *item)
{
    return ((const struct inv_transfer *)item)->id;
}

static enum tm_code
enc_reservation(struct tm_buf *b, const struct inv_reservation *r)
{
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%" PRId64, r->id);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "store_id", r->store_id)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "product_id", r->product_id)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "quantity", r->quantity)) == TM_OK &&
        (rc = tm_json_kv_str(b, "status", r->status, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "reference", r->reference, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_by", r->created_by, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", r->created_at, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "expires_at", r->expires_at, 0)) == TM_OK &&
        (rc = tm_json_kv_opt_str(b, "released_at", r->released_at)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

/* ------------------------------------------------------------ transfers */

/* What a caller does with the transfer of the path: read it, or act at its
 * source, its destination, or either end. */
enum transfer_use {
    TRANSFER_READ,
    TRANSFER_AT_SOURCE,
    TRANSFER_AT_DESTINATION,
    TRANSFER_AT_EITHER
};

/* The transfer of the path (locked unless read). Whoever holds neither end
 * gets the answer of a missing transfer; acting at one end needs that end. */
static enum tm_code
transfer_for(struct tm_ctx *ctx, enum transfer_use use, struct inv_transfer *t, struct tm_err *err)
{
    int64_t id, ends[2];
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_db_transfer_get(ctx->db, id, use != TRANSFER_READ, t, err)) != TM_OK)
        return rc;
    ends[0] = t->from_store_id;
    ends[1] = t->to_store_id;
    if ((rc = tm_ctx_may_see(ctx, ends, 2, "id", "transfer", err)) != TM_OK)
        return rc;
    if (use == TRANSFER_AT_SOURCE)
        return tm_ctx_may_store(ctx, t->from_store_id, "id", err);
    if (use == TRANSFER_AT_DESTINATION)
        return tm_ctx_may_store(ctx, t->to_store_id, "id", err);
    return TM_OK;
}

static enum tm_code
transfer_reply(struct tm_ctx *ctx, struct tm_reply *rep, int status, int64_t id, struct tm_err *err)
{
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    enum tm_code rc = inv_db_transfer_get(ctx->db, id, 0, t, err);

    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    rep->status = status;
    if (rc == TM_OK)
        rc = inv_too_big(enc_transfer(&rep->body, t), err);
    inv_transfer_fini(t);
    free(t);
    return rc;
}

/* Moves every line of t at `store` by type, referring to the transfer;
 * a refusal names the line. */
static enum tm_code
transfer_moves(struct tm_ctx *ctx, const struct inv_transfer *t, int64_t store,
               enum inv_move_type type, const int64_t *qty, struct tm_err *err)
{
    char who[INV_PRINCIPAL_MAX], ref[24], f[INV_FIELD_MAX];
    struct inv_level after;
    struct inv_movement mv;
    enum tm_code rc = TM_OK;

    tm_ctx_principal(ctx, who, sizeof who);
    snprintf(ref, sizeof ref, "%" PRId64, t->id);
    for (int i = 0; i < t->n_lines && rc == TM_OK; i++) {
        struct inv_move m =
            inv_stock_move(type, qty[i], store, t->lines[i].product_id, "transfer", ref, who);

        if (qty[i] == 0)
            continue;
        if ((rc = inv_stock_apply(ctx->db, &m, &after, &mv, err)) != TM_OK) {
            snprintf(f, sizeof f, "lines[%d].quantity", i);
            rc = tm_err_set(err, rc, rc == TM_NOTFOUND ? "lines" : f, "%s", err->message);
        }
    }
    return rc;
}

enum tm_code
inv_h_transfer_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"from_store_id", "to_store_id", "lines", "note"};
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    struct inv_line l[INV_LINES_MAX];
    int64_t qty[INV_LINES_MAX];
    cJSON *body = NULL;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 4, err)) != TM_OK ||
        (rc = tm_json_i64(body, "from_store_id", 1, INT64_MAX, &t->from_store_id, err)) != TM_OK ||
        (rc = tm_json_i64(body, "to_store_id", 1, INT64_MAX, &t->to_store_id, err)) != TM_OK ||
        (rc = inv_opt_text(body, "note", INV_REASON_MAX, t->note, sizeof t->note, err)) != TM_OK)
        goto out;
    if (t->to_store_id == t->from_store_id) {
        rc = tm_err_set(err, TM_INVALID, "to_store_id", "a transfer goes to another store");
        goto out;
    }
    if ((rc = inv_decode_lines(body, 0, t->from_store_id, l, &n, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, t->from_store_id, "from_store_id", err)) != TM_OK)
        goto out;
    t->lines = tm_xcalloc((size_t)(n > 0 ? n : 1), sizeof *t->lines);
    for (int i = 0; i < n; i++) { /* sorted by product: the lock order */
        t->lines[i].product_id = l[i].product_id;
        t->lines[i].quantity = qty[i] = l[i].quantity;
        t->lines[i].received = -1;
    }
    t->n_lines = n;
    tm_ctx_principal(ctx, t->created_by, sizeof t->created_by);
    if ((rc = inv_db_transfer_create(ctx->db, t, err)) != TM_OK ||
        (rc = transfer_moves(ctx, t, t->from_store_id, INV_MOVE_RESERVATION, qty, err)) != TM_OK)
        goto out;
    rc = transfer_reply(ctx, rep, 201, t->id, err);
out:
    cJSON_Delete(body);
    inv_transfer_fini(t);
    free(t);
    return rc;
}

enum tm_code
inv_h_transfers_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const statuses[] = {"requested", "shipped", "received", "cancelled", NULL};
    struct inv_stock_filter f = {0};
    char scope[INV_SCOPE_MAX];
    struct inv_transfer *rows;
    struct tm_page pg;
    int n = 0, status;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_store(ctx, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "status", statuses, &status, err)) != TM_OK)
        return rc;
    f.type = status >= 0 ? statuses[status] : NULL;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = inv_db_transfers_list(ctx->db, &f, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, sizeof *rows, n, pg.limit, enc_transfer, transfer_id, err);
    for (int i = 0; i < n; i++)
        inv_transfer_fini(&rows[i]);
    free(rows);
    return rc;
}

enum tm_code
inv_h_transfer_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    enum tm_code rc = transfer_for(ctx, TRANSFER_READ, t, err);

    if (rc == TM_OK)
        rc = inv_too_big(enc_transfer(&rep->body, t), err);
    inv_transfer_fini(t);
    free(t);
    return rc;
}

static enum tm_code
transfer_state(const struct inv_transfer *t, const char *want, const char *action,
               struct tm_err *err)
{
    if (strcmp(t->status, want) == 0)
        return TM_OK;
    return tm_err_set(err, TM_CONFLICT, "status", "transfer %" PRId64 " is %s: it cannot be %s",
                      t->id, t->status, action);
}

enum tm_code
inv_h_transfer_ship(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    int64_t qty[INV_LINES_MAX];
    enum tm_code rc;

    if ((rc = tm_ctx_no_body(ctx, err)) == TM_OK &&
        (rc = transfer_for(ctx, TRANSFER_AT_SOURCE, t, err)) == TM_OK &&
        (rc = transfer_state(t, "requested", "shipped", err)) == TM_OK) {
        for (int i = 0; i < t->n_lines; i++)
            qty[i] = t->lines[i].quantity;
        if ((rc = transfer_moves(ctx, t, t->from_store_id, INV_MOVE_TRANSFER_OUT, qty, err)) ==
                TM_OK &&
            (rc = inv_db_transfer_set_status(ctx->db, t->id, "shipped", err)) == TM_OK)
            rc = transfer_reply(ctx, rep, 200, t->id, err);
    }
    inv_transfer_fini(t);
    free(t);
    return rc;
}

enum tm_code
inv_h_transfer_receive(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"lines"};
    static const char *const line_names[] = {"product_id", "received", "reason"};
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    int64_t qty[INV_LINES_MAX];
    int given[INV_LINES_MAX]; /* the body's line that names each transfer line, or -1 */
    char reasons[INV_LINES_MAX][INV_REASON_MAX + 1];
    char f[INV_FIELD_MAX];
    cJSON *body = NULL;
    const cJSON *arr = NULL, *it;
    int k = 0;
    enum tm_code rc;

    memset(reasons, 0, sizeof reasons);
    for (int i = 0; i < INV_LINES_MAX; i++)
        given[i] = -1;
    if ((rc = transfer_for(ctx, TRANSFER_AT_DESTINATION, t, err)) != TM_OK ||
        (rc = transfer_state(t, "shipped", "received", err)) != TM_OK)
        goto out;
    for (int i = 0; i < t->n_lines; i++)
        qty[i] = t->lines[i].quantity; /* what was shipped, unless the body says otherwise */
    if (ctx->req->body_len > 0) {
        if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
            (rc = tm_json_only(body, names, 1, err)) != TM_OK)
            goto out;
        arr = cJSON_GetObjectItemCaseSensitive(body, "lines");
        if (arr && !cJSON_IsArray(arr)) {
            rc = tm_err_set(err, TM_INVALID, "lines", "lines must be a list");
            goto out;
        }
    }
    cJSON_ArrayForEach(it, arr)
    {
        int64_t pid, got;
        int at = -1;

        snprintf(f, sizeof f, "lines[%d]", k);
        if (!cJSON_IsObject(it) || tm_json_only(it, line_names, 3, err) != TM_OK) {
            rc = tm_err_set(err, TM_INVALID, f, "%s must be {product_id, received, reason?}", f);
            goto out;
        }
        snprintf(f, sizeof f, "lines[%d].product_id", k);
        if ((rc = tm_json_i64(it, "product_id", 1, INT64_MAX, &pid, err)) != TM_OK) {
            rc = tm_err_set(err, rc, f, "%s: %s", f, err->message);
            goto out;
        }
        for (int i = 0; i < t->n_lines; i++)
            if (t->lines[i].product_id == pid)
                at = i;
        if (at < 0) {
            rc = tm_err_set(err, TM_INVALID, f, "product %" PRId64 " is not in this transfer", pid);
            goto out;
        }
        if (given[at] >= 0) {
            rc = tm_err_set(err, TM_INVALID, f, "product %" PRId64 " is given by lines[%d] already",
                            pid, given[at]);
            goto out;
        }
        given[at] = k;
        snprintf(f, sizeof f, "lines[%d].received", k);
        if ((rc = tm_json_i64(it, "received", INT64_MIN, INT64_MAX, &got, err)) != TM_OK) {
            rc = tm_err_set(err, rc, f, "%s: %s", f, err->message);
            goto out;
        }
        if ((rc = inv_opt_text(it, "reason", INV_REASON_MAX, reasons[at], sizeof reasons[at],
                               err)) != TM_OK ||
            (rc = inv_receive_check(t->lines[at].quantity, got, reasons[at], f, err)) != TM_OK)
            goto out;
        qty[at] = got;
        k++;
    }
    for (int i = 0; i < t->n_lines; i++) {
        if (qty[i] > 0 && (rc = inv_db_stock_ensure(ctx->db, t->to_store_id, t->lines[i].product_id,
                                                    err)) != TM_OK)
            goto out;
        if ((rc = inv_db_transfer_line_received(ctx->db, t->id, t->lines[i].product_id, qty[i],
                                                reasons[i], err)) != TM_OK)
            goto out;
    }
    if ((rc = transfer_moves(ctx, t, t->to_store_id, INV_MOVE_TRANSFER_IN, qty, err)) == TM_OK &&
        (rc = inv_db_transfer_set_status(ctx->db, t->id, "received", err)) == TM_OK)
        rc = transfer_reply(ctx, rep, 200, t->id, err);
out:
    cJSON_Delete(body);
    inv_transfer_fini(t);
    free(t);
    return rc;
}

enum tm_code
inv_h_transfer_cancel(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    int64_t qty[INV_LINES_MAX];
    enum tm_code rc;

    if ((rc = tm_ctx_no_body(ctx, err)) == TM_OK &&
        (rc = transfer_for(ctx, TRANSFER_AT_EITHER, t, err)) == TM_OK &&
        (rc = transfer_state(t, "requested", "cancelled", err)) == TM_OK) {
        for (int i = 0; i < t->n_lines; i++)
            qty[i] = t->lines[i].quantity;
        if ((rc = transfer_moves(ctx, t, t->from_store_id, INV_MOVE_RELEASE, qty, err)) == TM_OK &&
            (rc = inv_db_transfer_set_status(ctx->db, t->id, "cancelled", err)) == TM_OK)
            rc = transfer_reply(ctx, rep, 200, t->id, err);
    }
    inv_transfer_fini(t);
    free(t);
    return rc;
}

/* --------------------------------------------------------- reservations */

enum tm_code
inv_h_reservation_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"store_id", "product_id", "quantity", "ttl_seconds",
                                        "reference"};
    struct inv_reservation r = {0};
    struct inv_move m;
    struct inv_level after;
    struct inv_movement mv;
    char ref[24];
    int64_t ttl = RESERVE_TTL_DEFAULT;
    int has_ttl;
    cJSON *body = NULL;
    enum tm_code rc;

    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 5, err)) != TM_OK ||
        (rc = tm_json_i64(body, "store_id", 1, INT64_MAX, &r.store_id, err)) != TM_OK ||
        (rc = tm_json_i64(body, "product_id", 1, INT64_MAX, &r.product_id, err)) != TM_OK ||
        (rc = tm_json_i64(body, "quantity", 1, INV_QTY_MAX, &r.quantity, err)) != TM_OK ||
        (rc = inv_opt_int(body, "ttl_seconds", 1, INV_RESERVE_TTL_MAX, &ttl, &has_ttl, err)) !=
            TM_OK ||
        (rc = inv_opt_text(body, "reference", INV_REF_MAX, r.reference, sizeof r.reference, err)) !=
            TM_OK ||
        (rc = tm_ctx_may_store(ctx, r.store_id, "store_id", err)) != TM_OK)
        goto out;
    if (!has_ttl)
        ttl = RESERVE_TTL_DEFAULT;
    tm_ctx_principal(ctx, r.created_by, sizeof r.created_by);
    if ((rc = inv_db_reservation_create(ctx->db, &r, ttl, err)) != TM_OK) {
        if (rc == TM_INVALID) /* the level's foreign key */
            rc = tm_err_set(err, TM_NOTFOUND, "product_id",
                            "store %" PRId64 " does not stock product %" PRId64, r.store_id,
                            r.product_id);
        goto out;
    }
    snprintf(ref, sizeof ref, "%" PRId64, r.id);
    m = inv_stock_move(INV_MOVE_RESERVATION, r.quantity, r.store_id, r.product_id, "reservation",
                       ref, r.created_by);
    if ((rc = inv_stock_apply(ctx->db, &m, &after, &mv, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, r.id);
    rep->status = 201;
    rc = inv_too_big(enc_reservation(&rep->body, &r), err);
out:
    cJSON_Delete(body);
    return rc;
}

/* The reservation of the path (locked when lock); one of a store the
 * caller does not hold is not found. */
static enum tm_code
reservation_for(struct tm_ctx *ctx, int lock, struct inv_reservation *r, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_db_reservation_get(ctx->db, id, lock, r, err)) != TM_OK)
        return rc;
    return tm_ctx_may_see(ctx, &r->store_id, 1, "id", "reservation", err);
}

enum tm_code
inv_h_reservation_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_reservation r;
    enum tm_code rc = reservation_for(ctx, 0, &r, err);

    return rc == TM_OK ? inv_too_big(enc_reservation(&rep->body, &r), err) : rc;
}

/* Ends an active reservation (released by a caller or expired by the job)
 * and gives its quantity back. */
static enum tm_code
end_reservation(PGconn *db, struct inv_reservation *r, const char *status, const char *who,
                struct tm_err *err)
{
    struct inv_move m;
    struct inv_level after;
    struct inv_movement mv;
    char ref[24];
    enum tm_code rc;

    snprintf(ref, sizeof ref, "%" PRId64, r->id);
    m = inv_stock_move(INV_MOVE_RELEASE, r->quantity, r->store_id, r->product_id, "reservation",
                       ref, who);
    m.reason = status;
    if ((rc = inv_stock_apply(db, &m, &after, &mv, err)) != TM_OK)
        return rc;
    return inv_db_reservation_end(db, r->id, status, r, err);
}

enum tm_code
inv_h_reservation_release(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_reservation r;
    char who[INV_PRINCIPAL_MAX];
    enum tm_code rc;

    if ((rc = tm_ctx_no_body(ctx, err)) != TM_OK ||
        (rc = reservation_for(ctx, 1, &r, err)) != TM_OK)
        return rc;
    tm_ctx_principal(ctx, who, sizeof who);
    snprintf(rep->target, sizeof rep->target, "%" PRId64, r.id);
    /* releasing twice is the same as once: the answer shows how it ended */
    if (strcmp(r.status, "active") == 0 &&
        (rc = end_reservation(ctx->db, &r, "released", who, err)) != TM_OK)
        return rc;
    return inv_too_big(enc_reservation(&rep->body, &r), err);
}

#define EXPIRE_BATCH 500

enum tm_code
inv_job_reservation_expiry(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    struct inv_reservation *r = tm_xcalloc(EXPIRE_BATCH, sizeof *r);
    int n = 0;
    enum tm_code rc = inv_db_reservations_expired(db, EXPIRE_BATCH, r, &n, err);

    (void)app;
    *rows = 0;
    for (int i = 0; i < n && rc == TM_OK; i++)
        if ((rc = end_reservation(db, &r[i], "expired", "job:reservation-expiry", err)) == TM_OK)
            (*rows)++;
    free(r);
    return rc;
}
