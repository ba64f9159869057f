/* services/inventory/commit_handlers.c — a sale's stock commit and its
 * reversal: every line or none, locked in (store, product) order, idempotent
 * by sale id (the stored reply is the answer to every retry). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/perm.h"

#include "services/inventory/stock.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/stock_store.h"

/* -------------------------------------------------------------- commits */

static enum tm_code
sale_id_param(const struct tm_ctx *ctx, const char **out, struct tm_err *err)
{
    *out = tm_request_param(ctx->req, "sale_id");
    if (!*out || !inv_ref_valid(*out))
        return tm_err_set(err, TM_INVALID, "sale_id",
                          "sale_id must be 1 to %d of A-Z a-z 0-9 . _ : -", INV_REF_MAX);
    return TM_OK;
}

/* The 409 of a commit with short lines: details lists each. */
static enum tm_code
short_reply(struct tm_reply *rep, const struct inv_line *l, const int64_t *available,
            const int *exists, const int *idx, int n_short, struct tm_err *err)
{
    struct tm_buf d;
    char f[INV_FIELD_MAX];
    enum tm_code rc;

    tm_buf_init(&d, 1 << 16);
    rc = tm_buf_adds(&d, "{\"short\":[");
    for (int k = 0; k < n_short && rc == TM_OK; k++) {
        const struct inv_line *x = &l[idx[k]];
        rc = tm_buf_printf(&d,
                           "%s{\"line\":%d,\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                           ",\"requested\":%" PRId64 ",\"available\":%" PRId64 ",\"stocked\":%s}",
                           k ? "," : "", x->index, x->store_id, x->product_id, x->quantity,
                           available[idx[k]] > 0 ? available[idx[k]] : 0,
                           exists[idx[k]] ? "true" : "false");
    }
    if (rc == TM_OK && tm_buf_adds(&d, "]}") == TM_OK)
        rep->details = tm_buf_steal(&d);
    tm_buf_fini(&d);
    snprintf(f, sizeof f, "lines[%d].quantity", l[idx[0]].index);
    return tm_err_set(err, TM_CONFLICT, f,
                      "not enough stock for %d line%s: lines[%d] wants %" PRId64 ", %" PRId64
                      " available",
                      n_short, n_short == 1 ? "" : "s", l[idx[0]].index, l[idx[0]].quantity,
                      available[idx[0]] > 0 ? available[idx[0]] : 0);
}

/* A commit under a sale id that already exists: the same lines get the
 * first answer again; different lines are a different request; a reversed
 * sale is not taken again. */
static enum tm_code
commit_replay(struct tm_ctx *ctx, struct tm_reply *rep, const char *sale_id, const char *key,
              struct tm_err *err)
{
    struct inv_commit c;
    enum tm_code rc = inv_db_commit_get(ctx->db, sale_id, 0, &c, err);

    if (rc == TM_OK && strcmp(c.lines_key, key) != 0)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "sale_id",
                        "sale %s was committed with different lines", sale_id);
    else if (rc == TM_OK && strcmp(c.status, "reversed") == 0) /* its stock is back: not again */
        rc = tm_err_set(err, TM_CONFLICT, "sale_id", "sale %s was reversed", sale_id);
    if (rc == TM_OK) {
        rep->status = 201;
        snprintf(rep->target, sizeof rep->target, "%s", sale_id);
        rc = inv_too_big(tm_buf_adds(&rep->body, c.reply), err);
    }
    inv_commit_fini(&c);
    return rc;
}

/* One line's movement as made: its events are written after the reply. */
struct moved {
    struct inv_move m;
    struct inv_level after;
    struct inv_movement mv;
};

/* Moves every line of a sale by type (a sale, or the return reversing it)
 * and writes the reply {"sale_id","status","lines":[...]} into out; each
 * line shows its movement and level after, and its request position when
 * show_line; who is recorded on the movements. done[i] is line i's
 * movement, for sale_events once the reply is stored. */
static enum tm_code
sale_moves(struct tm_ctx *ctx, const struct inv_line *l, int n, enum inv_move_type type,
           const char *sale_id, const char *status, int show_line, const char *who, const char *at,
           struct moved *done, struct tm_buf *out, struct tm_err *err)
{
    enum tm_code rc;

    if ((rc = tm_buf_adds(out, "{")) == TM_OK &&
        (rc = tm_json_kv_str(out, "sale_id", sale_id, 1)) == TM_OK &&
        (rc = tm_json_kv_str(out, "status", status, 0)) == TM_OK)
        rc = tm_buf_adds(out, ",\"lines\":[");
    for (int i = 0; i < n && rc == TM_OK; i++) {
        struct moved *d = &done[i];

        d->m = inv_stock_move(type, l[i].quantity, l[i].store_id, l[i].product_id, "sale", sale_id,
                              who);
        if (type == INV_MOVE_RETURN)
            d->m.reason = "sale reversed";
        d->m.at = at;
        if ((rc = inv_db_move(ctx->db, &d->m, &d->after, &d->mv, err)) != TM_OK)
            return rc;
        rc = tm_buf_printf(out, "%s{", i ? "," : "");
        if (rc == TM_OK && show_line)
            rc = tm_buf_printf(out, "\"line\":%d,", l[i].index);
        if (rc == TM_OK)
            rc = tm_buf_printf(out,
                               "\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                               ",\"quantity\":%" PRId64 ",\"movement_id\":%" PRId64
                               ",\"on_hand\":%" PRId64 ",\"available\":%" PRId64 "}",
                               l[i].store_id, l[i].product_id, l[i].quantity, d->mv.id,
                               d->after.on_hand, inv_available(&d->after));
    }
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "]}");
    return inv_too_big(rc, err);
}

/* The events of sale_moves' n movements (inv_stock_apply's second half),
 * the last writes before the commit. */
static enum tm_code
sale_events(struct tm_ctx *ctx, const struct moved *done, int n, struct tm_err *err)
{
    enum tm_code rc = TM_OK;

    for (int i = 0; i < n && rc == TM_OK; i++)
        rc = inv_stock_moved(ctx->db, &done[i].m, &done[i].after, &done[i].mv, err);
    return rc;
}

/* Takes every line of a sale into out (sale_moves' reply), or refuses it
 * with short_reply's 409 and moves nothing. One line is taken by its
 * guarded UPDATE alone, the common case in one statement; only a refusal
 * then reads why. More lines lock every level in (store, product) order
 * first (no deadlock between sales) and decide, so a short sale names
 * every short line. */
static enum tm_code
take_lines(struct tm_ctx *ctx, struct tm_reply *rep, const struct inv_line *l, int n,
           const char *sale_id, const char *who, const char *at, struct moved *done,
           struct tm_buf *out, struct tm_err *err)
{
    int64_t available[INV_LINES_MAX];
    int exists[INV_LINES_MAX], idx[INV_LINES_MAX], n_short;
    enum tm_code rc;

    if (n == 1) {
        /* refused (short, or not stocked): nothing was written */
        rc = sale_moves(ctx, l, n, INV_MOVE_SALE, sale_id, "committed", 1, who, at, done, out, err);
        if (rc != TM_CONFLICT && rc != TM_NOTFOUND)
            return rc;
        tm_buf_reset(out);
    }
    if ((rc = inv_db_stock_lock_lines(ctx->db, l, n, available, exists, err)) != TM_OK)
        return rc;
    if ((n_short = inv_lines_short(l, available, n, idx)) > 0)
        return short_reply(rep, l, available, exists, idx, n_short, err);
    /* (one line refused above has had stock arrive since: taken now, locked) */
    return sale_moves(ctx, l, n, INV_MOVE_SALE, sale_id, "committed", 1, who, at, done, out, err);
}

/* Sale ids "txn-…" belong to tm-txn's sales: only tm-txn (and an admin
 * repairing by hand) commits them, and only tm-txn's own service principal
 * ("tm-txn", kind service: the gateway never forms that kind, so no token or
 * key can) reverses them (review 24 V1: a reversal behind tm-txn's back
 * would return a sold item to the shelf and split a declined void). A till
 * that took the next one first would block that sale at every store. */
static enum tm_code
own_sale_id(const struct tm_ctx *ctx, const char *sale_id, int reverse, struct tm_err *err)
{
    enum tm_role role;

    if (strncmp(sale_id, TM_TXN_SALE_PREFIX, strlen(TM_TXN_SALE_PREFIX)) != 0 ||
        (reverse ? strcmp(ctx->req->principal.kind, "service") == 0 &&
                       strcmp(ctx->req->principal.id, "tm-txn") == 0
                 : tm_ctx_from_service(ctx) ||
                       (tm_role_parse(ctx->req->principal.role, &role) && role == TM_ROLE_ADMIN)))
        return TM_OK;
    return tm_err_set(err, TM_FORBIDDEN, "sale_id",
                      "sale ids starting '" TM_TXN_SALE_PREFIX "' are tm-txn's: record the sale "
                      "with POST /api/v1/transactions, void it with its void route");
}

enum tm_code
inv_h_commit_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"sale_id", "lines", "occurred_at"};
    struct inv_line l[INV_LINES_MAX];
    char sale_id[INV_REF_MAX + 1], key[INV_LINES_MAX * 64], who[INV_PRINCIPAL_MAX];
    char f[INV_FIELD_MAX], when[INV_TIME_MAX + 1];
    const char *at = NULL;
    cJSON *body = NULL;
    struct tm_buf out;
    struct moved *done = NULL;
    int n = 0, claimed = 0;
    enum tm_code rc;

    tm_buf_init(&out, 1 << 20);
    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 3, err)) != TM_OK ||
        (rc = tm_json_str(body, "sale_id", 1, INV_REF_MAX, sale_id, sizeof sale_id, err)) !=
            TM_OK ||
        (rc = inv_decode_lines(body, 1, 0, l, &n, err)) != TM_OK ||
        (rc = inv_opt_time(ctx->db, body, when, sizeof when, &at, err)) != TM_OK)
        goto out;
    if (!inv_ref_valid(sale_id)) {
        rc = tm_err_set(err, TM_INVALID, "sale_id",
                        "sale_id must be 1 to %d of A-Z a-z 0-9 . _ : -", INV_REF_MAX);
        goto out;
    }
    if ((rc = own_sale_id(ctx, sale_id, 0, err)) != TM_OK)
        goto out;
    for (int i = 0; i < n; i++) {
        snprintf(f, sizeof f, "lines[%d].store_id", l[i].index);
        if ((rc = tm_ctx_may_store(ctx, l[i].store_id, f, err)) != TM_OK)
            goto out;
    }
    if (inv_lines_key(l, n, key, sizeof key) != 0) {
        rc = tm_err_set(err, TM_INVALID, "lines", "lines too long");
        goto out;
    }
    tm_ctx_principal(ctx, who, sizeof who);
    snprintf(rep->target, sizeof rep->target, "%s", sale_id);
    if ((rc = inv_db_commit_claim(ctx->db, sale_id, key, who, &claimed, err)) != TM_OK)
        goto out;
    if (!claimed) {
        rc = commit_replay(ctx, rep, sale_id, key, err);
        goto out;
    }
    done = tm_xcalloc((size_t)n, sizeof *done); /* n >= 1: decoded lines */
    if ((rc = take_lines(ctx, rep, l, n, sale_id, who, at, done, &out, err)) == TM_OK &&
        (rc = inv_db_commit_set_reply(ctx->db, sale_id, out.p, err)) == TM_OK &&
        (rc = sale_events(ctx, done, n, err)) == TM_OK) {
        rep->status = 201;
        rc = inv_too_big(tm_buf_adds(&rep->body, out.p), err);
    }
out:
    free(done);
    tm_buf_fini(&out);
    cJSON_Delete(body);
    return rc;
}

/* The stock commit of the path's sale (locked when lock) and its lines
 * l[*n]; one none of whose stores the caller holds is not found. */
static enum tm_code
commit_for(struct tm_ctx *ctx, int lock, struct inv_commit *c, struct inv_line *l, int *n,
           struct tm_err *err)
{
    int64_t stores[INV_LINES_MAX];
    const char *sale_id;
    enum tm_code rc;

    if ((rc = sale_id_param(ctx, &sale_id, err)) != TM_OK ||
        (rc = inv_db_commit_get(ctx->db, sale_id, lock, c, err)) != TM_OK)
        return rc;
    if ((*n = inv_lines_parse_key(c->lines_key, l, INV_LINES_MAX)) < 0)
        return tm_err_set(err, TM_INTERNAL, NULL, "stored lines of sale %s are unreadable",
                          sale_id);
    for (int i = 0; i < *n; i++)
        stores[i] = l[i].store_id;
    return tm_ctx_may_see(ctx, stores, *n, "sale_id", "stock commit", err);
}

enum tm_code
inv_h_commit_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_line l[INV_LINES_MAX];
    struct inv_commit c = {0};
    int n;
    enum tm_code rc;

    if ((rc = commit_for(ctx, 0, &c, l, &n, err)) != TM_OK)
        goto out;
    /* the stored answer shows every line's level: a store-scoped reader
     * must hold every line's store (sales are single-store; a commit across
     * stores is an admin's), else it reads like a missing one */
    for (int i = 0; i < n; i++)
        if ((rc = tm_ctx_may_see(ctx, &l[i].store_id, 1, "sale_id", "stock commit", err)) != TM_OK)
            goto out;
    if ((rc = tm_buf_adds(&rep->body, "{")) == TM_OK &&
        (rc = tm_json_kv_str(&rep->body, "sale_id", c.sale_id, 1)) == TM_OK &&
        (rc = tm_json_kv_str(&rep->body, "status", c.status, 0)) == TM_OK &&
        (rc = tm_json_kv_json(&rep->body, "commit", c.reply)) == TM_OK &&
        (rc = tm_json_kv_json(&rep->body, "reverse", c.reverse_reply)) == TM_OK)
        rc = tm_buf_adds(&rep->body, "}");
    rc = inv_too_big(rc, err);
out:
    inv_commit_fini(&c);
    return rc;
}

enum tm_code
inv_h_commit_reverse(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_line l[INV_LINES_MAX];
    char who[INV_PRINCIPAL_MAX], f[INV_FIELD_MAX];
    struct inv_commit c = {0};
    struct moved *done = NULL;
    struct tm_buf out;
    const char *sale_id;
    int n;
    enum tm_code rc;

    tm_buf_init(&out, 1 << 20);
    if ((rc = sale_id_param(ctx, &sale_id, err)) != TM_OK ||
        (rc = own_sale_id(ctx, sale_id, 1, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%s", sale_id);
    if ((rc = commit_for(ctx, 1, &c, l, &n, err)) != TM_OK)
        goto out;
    for (int i = 0; i < n; i++) { /* it sees the sale: reversing needs every line's store */
        snprintf(f, sizeof f, "lines[%d].store_id", i);
        if ((rc = tm_ctx_may_store(ctx, l[i].store_id, f, err)) != TM_OK)
            goto out;
    }
    if (strcmp(c.status, "reversed") == 0) { /* again: the first answer */
        rc = inv_too_big(tm_buf_adds(&rep->body, c.reverse_reply ? c.reverse_reply : "{}"), err);
        goto out;
    }
    tm_ctx_principal(ctx, who, sizeof who);
    done = tm_xcalloc((size_t)(n > 0 ? n : 1), sizeof *done);
    if ((rc = sale_moves(ctx, l, n, INV_MOVE_RETURN, sale_id, "reversed", 0, who, NULL, done, &out,
                         err)) == TM_OK &&
        (rc = inv_db_commit_set_reversed(ctx->db, sale_id, out.p, err)) == TM_OK &&
        (rc = sale_events(ctx, done, n, err)) == TM_OK)
        rc = inv_too_big(tm_buf_adds(&rep->body, out.p), err);
out:
    free(done);
    inv_commit_fini(&c);
    tm_buf_fini(&out);
    return rc;
}
