/* services/inventory/stock_handlers.c — stock requests: decode the body
 * strictly, check the caller's store scope, decide with stock.c, change
 * levels only through apply() (inv_db_move plus its events), encode. Every
 * write runs in the router's transaction, so a refusal anywhere leaves
 * nothing behind. */
#include "services/inventory/stock_handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

#include "services/inventory/stock.h"
#include "services/inventory/stock_store.h"
#include "services/inventory/store.h"

#define SCOPE_MAX 512
#define RESERVE_TTL_DEFAULT 900
#define LOW_MAX 20000 /* levels ranked by one low-stock request */
#define FIELD_MAX 48

/* ---------------------------------------------------------------- encode */

static enum tm_code
enc_level_core(struct tm_buf *b, const struct inv_level *l)
{
    enum tm_code rc = tm_buf_printf(b, "{\"store_id\":%" PRId64 ",\"product_id\":%" PRId64,
                                    l->store_id, l->product_id);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "on_hand", l->on_hand)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "reserved", l->reserved)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "available", inv_available(l))) == TM_OK &&
        (rc = tm_json_kv_i64(b, "incoming", l->incoming)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "min_qty", l->min_qty)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "max_qty", l->max_qty)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "reorder_point", l->reorder_point)) == TM_OK)
        rc = tm_json_kv_i64(b, "safety_stock", l->safety_stock);
    return rc;
}

static enum tm_code
enc_level(struct tm_buf *b, const void *item)
{
    const struct inv_level_view *v = item;
    double rate = inv_daily_rate(v->sold_recent, INV_SOLD_DAYS);
    double cover = inv_days_of_cover(inv_available(&v->l), rate);
    enum tm_code rc = enc_level_core(b, &v->l);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "sku", v->sku, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "name", v->name, 0)) == TM_OK &&
        (rc = tm_json_kv_bool(
             b, "low", v->l.reorder_point > 0 && inv_available(&v->l) <= v->l.reorder_point)) ==
            TM_OK &&
        (rc = tm_json_kv_i64(b, "sold_last_28d", v->sold_recent)) == TM_OK &&
        (rc = tm_buf_printf(b, ",\"daily_sales\":%.3f", rate)) == TM_OK)
        rc = cover < 0 ? tm_buf_adds(b, ",\"days_of_cover\":null")
                       : tm_buf_printf(b, ",\"days_of_cover\":%.1f", cover);
    if (rc == TM_OK && (rc = tm_json_kv_str(b, "updated_at", v->updated_at, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static int64_t
level_product_id(const void *item)
{
    return ((const struct inv_level_view *)item)->l.product_id;
}

static int64_t
level_store_id(const void *item)
{
    return ((const struct inv_level_view *)item)->l.store_id;
}

static int64_t
level_rank(const void *item)
{
    return ((const struct inv_level_view *)item)->rank;
}

static enum tm_code
enc_movement(struct tm_buf *b, const void *item)
{
    const struct inv_movement *m = item;
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%" PRId64, m->id);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "store_id", m->store_id)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "product_id", m->product_id)) == TM_OK &&
        (rc = tm_json_kv_str(b, "type", m->type, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "quantity", m->quantity)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "reserved_delta", m->reserved_delta)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "on_hand_after", m->on_hand_after)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "reserved_after", m->reserved_after)) == TM_OK &&
        (rc = tm_json_kv_str(b, "reason", m->reason, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "ref_type", m->ref_type, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "ref_id", m->ref_id, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "principal", m->principal, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", m->created_at, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static int64_t
movement_id(const void *item)
{
    return ((const struct inv_movement *)item)->id;
}

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

static enum tm_code
too_big(enum tm_code rc, struct tm_err *err)
{
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* --------------------------------------------------------------- events */

/* stock.changed for every change of a level (mv NULL for a change of its
 * settings), and stock.low / stock.out when it crossed into them. */
static enum tm_code
level_events(PGconn *db, const struct inv_level *l, int64_t avail_before, int64_t rp_before,
             const struct inv_movement *mv, struct tm_err *err)
{
    unsigned edges = inv_stock_edges(avail_before, rp_before, inv_available(l), l->reorder_point);
    struct tm_buf b;
    enum tm_code rc;

    tm_buf_init(&b, 1 << 16);
    rc = enc_level_core(&b, l);
    if (rc == TM_OK)
        rc = tm_buf_adds(&b, ",\"movement\":");
    if (rc == TM_OK)
        rc = mv ? enc_movement(&b, mv) : tm_buf_adds(&b, "null");
    if (rc == TM_OK)
        rc = tm_buf_adds(&b, "}");
    if (rc != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "event too large");
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &inv_outbox, "stock.changed", b.p, NULL, err);
    tm_buf_reset(&b);
    if (rc == TM_OK && edges) {
        rc = too_big(enc_level_core(&b, l), err);
        if (rc == TM_OK && (rc = too_big(tm_buf_adds(&b, "}"), err)) == TM_OK &&
            (edges & INV_EDGE_LOW))
            rc = tm_outbox_add(db, &inv_outbox, "stock.low", b.p, NULL, err);
        if (rc == TM_OK && (edges & INV_EDGE_OUT))
            rc = tm_outbox_add(db, &inv_outbox, "stock.out", b.p, NULL, err);
    }
    tm_buf_fini(&b);
    return rc;
}

/* The one way a level changes: the movement, then its events. */
static enum tm_code
apply(PGconn *db, const struct inv_move *m, struct inv_level *after, struct inv_movement *mv,
      struct tm_err *err)
{
    enum tm_code rc = inv_db_move(db, m, after, mv, err);

    if (rc != TM_OK)
        return rc;
    return level_events(db, after, inv_available(after) - (m->dq - m->dr), after->reorder_point, mv,
                        err);
}

/* --------------------------------------------------------------- decode */

/* Optional integer member (absent or null: *has 0). */
static enum tm_code
opt_int(const cJSON *o, const char *name, int64_t min, int64_t max, int64_t *out, int *has,
        struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);

    *has = it != NULL;
    return it ? tm_json_as_i64(it, name, min, max, out, err) : TM_OK;
}

static enum tm_code
opt_text(const cJSON *o, const char *name, size_t max, char *out, size_t size, struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);

    out[0] = '\0';
    return it ? tm_json_as_str(it, name, 0, max, out, size, err) : TM_OK;
}

/* lines: [{store_id?, product_id, quantity}] — store_id only when
 * with_store; otherwise every line gets store_id. */
static enum tm_code
decode_lines(const cJSON *o, int with_store, int64_t store_id, struct inv_line *l, int *n,
             struct tm_err *err)
{
    static const char *const all[] = {"store_id", "product_id", "quantity"};
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "lines"), *it;
    char f[FIELD_MAX];
    enum tm_code rc;

    *n = 0;
    if (!cJSON_IsArray(arr))
        return tm_err_set(err, TM_INVALID, "lines", "lines must be a list of lines");
    if (cJSON_GetArraySize(arr) < 1 || cJSON_GetArraySize(arr) > INV_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "lines must hold 1 to %d lines", INV_LINES_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        struct inv_line *x = &l[*n];
        x->index = *n;
        x->store_id = store_id;
        snprintf(f, sizeof f, "lines[%d]", *n);
        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
        if ((rc = tm_json_only(it, with_store ? all : all + 1, with_store ? 3 : 2, err)) != TM_OK)
            return tm_err_set(err, TM_INVALID, f, "%s: %s", f, err->message);
        if (with_store) {
            snprintf(f, sizeof f, "lines[%d].store_id", *n);
            if ((rc = tm_json_i64(it, "store_id", 1, INT64_MAX, &x->store_id, err)) != TM_OK)
                return tm_err_set(err, rc, f, "%s: %s", f, err->message);
        }
        snprintf(f, sizeof f, "lines[%d].product_id", *n);
        if ((rc = tm_json_i64(it, "product_id", 1, INT64_MAX, &x->product_id, err)) != TM_OK)
            return tm_err_set(err, rc, f, "%s: %s", f, err->message);
        snprintf(f, sizeof f, "lines[%d].quantity", *n);
        if ((rc = tm_json_i64(it, "quantity", 1, INV_QTY_MAX, &x->quantity, err)) != TM_OK)
            return tm_err_set(err, rc, f, "%s must be between 1 and %lld", f,
                              (long long)INV_QTY_MAX);
        (*n)++;
    }
    return inv_lines_prepare(l, *n, err);
}

/* The store named in the path (gateway-scoped) and the product. */
static enum tm_code
path_level(const struct tm_ctx *ctx, int64_t *store_id, int64_t *product_id, struct tm_err *err)
{
    enum tm_code rc = tm_ctx_param_id(ctx, "store_id", store_id, err);

    if (rc == TM_OK && product_id)
        rc = tm_ctx_param_id(ctx, "product_id", product_id, err);
    return rc;
}

/* --------------------------------------------------------------- levels */

static enum tm_code
reply_levels(struct tm_ctx *ctx, struct tm_reply *rep, struct inv_stock_filter *f,
             int64_t (*id)(const void *), struct tm_err *err)
{
    struct tm_page pg;
    struct inv_level_view *rows;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "category_id", 1, INT64_MAX, 0, &f->category_id, err)) !=
            TM_OK ||
        (rc = tm_ctx_query_bool(ctx, "low", &f->low, err)) != TM_OK)
        return rc;
    f->low = f->low == 1;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = inv_db_levels_list(ctx->db, f, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, sizeof *rows, n, pg.limit, enc_level, id, err);
    free(rows);
    return rc;
}

enum tm_code
inv_h_levels_store(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    struct inv_store s;
    enum tm_code rc;

    if ((rc = path_level(ctx, &f.store_id, NULL, err)) != TM_OK ||
        (rc = inv_db_store_get(ctx->db, f.store_id, &s, err)) != TM_OK)
        return rc;
    return reply_levels(ctx, rep, &f, level_product_id, err);
}

enum tm_code
inv_h_levels_product(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    char scope[SCOPE_MAX];
    struct inv_product p;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &f.product_id, err)) != TM_OK ||
        (rc = inv_db_product_get(ctx->db, f.product_id, &p, err)) != TM_OK)
        return rc;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope; /* a scoped role sees its own stores */
    return reply_levels(ctx, rep, &f, level_store_id, err);
}

enum tm_code
inv_h_level_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t store_id, product_id;
    struct inv_level_view v;
    enum tm_code rc;

    if ((rc = path_level(ctx, &store_id, &product_id, err)) != TM_OK ||
        (rc = inv_db_level_get(ctx->db, store_id, product_id, &v, err)) != TM_OK)
        return rc;
    return too_big(enc_level(&rep->body, &v), err);
}

enum tm_code
inv_h_level_put(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"min_qty", "max_qty", "reorder_point", "safety_stock"};
    struct inv_level in = {0}, before;
    struct inv_level_view after;
    cJSON *body = NULL;
    int64_t *dst[4] = {&in.min_qty, &in.max_qty, &in.reorder_point, &in.safety_stock};
    int has[4] = {0};
    enum tm_code rc;

    if ((rc = path_level(ctx, &in.store_id, &in.product_id, err)) != TM_OK ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 4, err)) != TM_OK)
        goto out;
    for (int i = 0; i < 4 && rc == TM_OK; i++)
        rc = opt_int(body, names[i], 0, INV_QTY_MAX, dst[i], &has[i], err);
    if (rc != TM_OK)
        goto out;
    if (!has[0] && !has[1] && !has[2] && !has[3]) {
        rc = tm_err_set(err, TM_INVALID, "body", "nothing to set");
        goto out;
    }
    /* fields left out keep their value: read it (a new level starts at 0) */
    if ((rc = inv_db_stock_ensure(ctx->db, in.store_id, in.product_id, err)) != TM_OK ||
        (rc = inv_db_stock_lock(ctx->db, in.store_id, in.product_id, &before, err)) != TM_OK)
        goto out;
    {
        const int64_t cur[4] = {before.min_qty, before.max_qty, before.reorder_point,
                                before.safety_stock};
        for (int i = 0; i < 4; i++)
            if (!has[i])
                *dst[i] = cur[i];
    }
    if ((rc = inv_settings_validate(&in, err)) != TM_OK ||
        (rc = inv_db_stock_settings(ctx->db, &in, &before, &after, err)) != TM_OK ||
        (rc = level_events(ctx->db, &after.l, inv_available(&before), before.reorder_point, NULL,
                           err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64 "/%" PRId64, in.store_id, in.product_id);
    rc = too_big(enc_level(&rep->body, &after), err);
out:
    cJSON_Delete(body);
    return rc;
}

/* qsort adapter: ranks low levels with inv_urgency_cmp. */
static int
urgency_qsort(const void *a, const void *b)
{
    const struct inv_level_view *x = a, *y = b;
    struct inv_urgency ux = {x->l.store_id, x->l.product_id, inv_available(&x->l),
                             x->l.reorder_point, inv_daily_rate(x->sold_recent, INV_SOLD_DAYS)};
    struct inv_urgency uy = {y->l.store_id, y->l.product_id, inv_available(&y->l),
                             y->l.reorder_point, inv_daily_rate(y->sold_recent, INV_SOLD_DAYS)};

    return inv_urgency_cmp(&ux, &uy);
}

enum tm_code
inv_h_low_stock(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    char scope[SCOPE_MAX];
    struct inv_level_view *rows;
    struct tm_page pg;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, INT64_MAX, 0, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "category_id", 1, INT64_MAX, 0, &f.category_id, err)) != TM_OK)
        return rc;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    rows = tm_xcalloc(LOW_MAX, sizeof *rows);
    rc = inv_db_low_levels(ctx->db, &f, LOW_MAX, rows, &n, err);
    if (rc == TM_OK) {
        int start;

        qsort(rows, (size_t)n, sizeof *rows, urgency_qsort);
        for (int i = 0; i < n; i++)
            rows[i].rank = i + 1;
        /* the cursor is the rank of the last row shown */
        start = pg.after_id < n ? (int)pg.after_id : n;
        rc = tm_reply_page(rep, rows + start, sizeof *rows, n - start, pg.limit, enc_level,
                           level_rank, err);
    }
    free(rows);
    return rc;
}

/* ------------------------------------------------------------ movements */

enum tm_code
inv_h_movements_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    char scope[SCOPE_MAX];
    enum inv_move_type type;
    struct inv_movement *rows;
    struct tm_page pg;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, INT64_MAX, 0, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "product_id", 1, INT64_MAX, 0, &f.product_id, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "type", 32, &f.type, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "from", 64, &f.from, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "to", 64, &f.to, err)) != TM_OK)
        return rc;
    if (f.type && !inv_move_parse(f.type, &type))
        return tm_err_set(err, TM_INVALID, "type", "type '%s' is not a movement type", f.type);
    if ((f.from && (rc = inv_db_check_time(ctx->db, f.from, "from", err)) != TM_OK) ||
        (f.to && (rc = inv_db_check_time(ctx->db, f.to, "to", err)) != TM_OK))
        return rc;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = inv_db_movements_list(ctx->db, &f, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, sizeof *rows, n, pg.limit, enc_movement, movement_id, err);
    free(rows);
    return rc;
}

enum tm_code
inv_h_movement_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"store_id", "product_id", "type",     "quantity",
                                        "counted",  "reason",     "reference"};
    struct inv_move_req r = {0};
    struct inv_move m = {0};
    struct inv_level before, after;
    struct inv_movement mv;
    char type[32], reason[INV_REASON_MAX + 1], reference[INV_REF_MAX + 1], who[INV_PRINCIPAL_MAX];
    cJSON *body = NULL;
    enum tm_code rc;

    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 7, err)) != TM_OK ||
        (rc = tm_json_i64(body, "store_id", 1, INT64_MAX, &r.store_id, err)) != TM_OK ||
        (rc = tm_json_i64(body, "product_id", 1, INT64_MAX, &r.product_id, err)) != TM_OK ||
        (rc = tm_json_str(body, "type", 1, 31, type, sizeof type, err)) != TM_OK ||
        (rc = opt_int(body, "quantity", INT64_MIN, INT64_MAX, &r.quantity, &r.has_quantity, err)) !=
            TM_OK ||
        (rc = opt_int(body, "counted", INT64_MIN, INT64_MAX, &r.counted, &r.has_counted, err)) !=
            TM_OK ||
        (rc = opt_text(body, "reason", INV_REASON_MAX, reason, sizeof reason, err)) != TM_OK ||
        (rc = opt_text(body, "reference", INV_REF_MAX, reference, sizeof reference, err)) != TM_OK)
        goto out;
    if (!inv_move_parse(type, &r.type)) {
        rc = tm_err_set(err, TM_INVALID, "type", "type '%s' is not a movement type", type);
        goto out;
    }
    r.reason = reason;
    if ((rc = inv_move_req_validate(&r, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, r.store_id, "store_id", err)) != TM_OK)
        goto out;
    /* stock comes into a store by receipt or return; other movements need a level */
    if ((r.type == INV_MOVE_RECEIPT || r.type == INV_MOVE_RETURN) &&
        (rc = inv_db_stock_ensure(ctx->db, r.store_id, r.product_id, err)) != TM_OK)
        goto out;
    if ((rc = inv_db_stock_lock(ctx->db, r.store_id, r.product_id, &before, err)) != TM_OK)
        goto out;
    if (r.type == INV_MOVE_COUNT)
        inv_move_count(&m, before.on_hand, r.counted);
    else
        inv_move_for(&m, r.type, r.quantity);
    tm_ctx_principal(ctx, who, sizeof who);
    m.store_id = r.store_id;
    m.product_id = r.product_id;
    m.reason = reason;
    m.ref_type = reference[0] ? "reference" : "";
    m.ref_id = reference;
    m.principal = who;
    if ((rc = apply(ctx->db, &m, &after, &mv, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, mv.id);
    rep->status = 201;
    rc = too_big(enc_movement(&rep->body, &mv), err);
out:
    cJSON_Delete(body);
    return rc;
}

/* ------------------------------------------------------------ transfers */

/* The transfer of the path, locked, with the caller's scope checked on
 * the store that acts (`side`: 0 source, 1 destination, 2 either). */
static enum tm_code
transfer_for(struct tm_ctx *ctx, int side, struct inv_transfer *t, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_db_transfer_get(ctx->db, id, 1, t, err)) != TM_OK)
        return rc;
    if (side == 0)
        return tm_ctx_may_store(ctx, t->from_store_id, "id", err);
    if (side == 1)
        return tm_ctx_may_store(ctx, t->to_store_id, "id", err);
    if (tm_ctx_may_store(ctx, t->from_store_id, "id", err) == TM_OK)
        return TM_OK;
    return tm_ctx_may_store(ctx, t->to_store_id, "id", err);
}

static enum tm_code
transfer_reply(struct tm_ctx *ctx, struct tm_reply *rep, int status, int64_t id, struct tm_err *err)
{
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    enum tm_code rc = inv_db_transfer_get(ctx->db, id, 0, t, err);

    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    rep->status = status;
    if (rc == TM_OK)
        rc = too_big(enc_transfer(&rep->body, t), err);
    free(t);
    return rc;
}

/* Moves every line of t at `store` by type, referring to the transfer;
 * a refusal names the line. */
static enum tm_code
transfer_moves(struct tm_ctx *ctx, const struct inv_transfer *t, int64_t store,
               enum inv_move_type type, const int64_t *qty, struct tm_err *err)
{
    char who[INV_PRINCIPAL_MAX], ref[24], f[FIELD_MAX];
    struct inv_level after;
    struct inv_movement mv;
    enum tm_code rc = TM_OK;

    tm_ctx_principal(ctx, who, sizeof who);
    snprintf(ref, sizeof ref, "%" PRId64, t->id);
    for (int i = 0; i < t->n_lines && rc == TM_OK; i++) {
        struct inv_move m = {0};

        if (qty[i] == 0)
            continue;
        inv_move_for(&m, type, qty[i]);
        m.store_id = store;
        m.product_id = t->lines[i].product_id;
        m.ref_type = "transfer";
        m.ref_id = ref;
        m.principal = who;
        if ((rc = apply(ctx->db, &m, &after, &mv, err)) != TM_OK) {
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
        (rc = opt_text(body, "note", INV_REASON_MAX, t->note, sizeof t->note, err)) != TM_OK)
        goto out;
    if (t->to_store_id == t->from_store_id) {
        rc = tm_err_set(err, TM_INVALID, "to_store_id", "a transfer goes to another store");
        goto out;
    }
    if ((rc = decode_lines(body, 0, t->from_store_id, l, &n, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, t->from_store_id, "from_store_id", err)) != TM_OK)
        goto out;
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
    free(t);
    return rc;
}

enum tm_code
inv_h_transfers_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    char scope[SCOPE_MAX];
    struct inv_transfer *rows;
    struct tm_page pg;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, INT64_MAX, 0, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "status", 16, &f.type, err)) != TM_OK)
        return rc;
    if (f.type && strcmp(f.type, "requested") != 0 && strcmp(f.type, "shipped") != 0 &&
        strcmp(f.type, "received") != 0 && strcmp(f.type, "cancelled") != 0)
        return tm_err_set(err, TM_INVALID, "status",
                          "status must be requested, shipped, received or cancelled");
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = inv_db_transfers_list(ctx->db, &f, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, sizeof *rows, n, pg.limit, enc_transfer, transfer_id, err);
    free(rows);
    return rc;
}

enum tm_code
inv_h_transfer_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = tm_ctx_param_id(ctx, "id", &id, err);

    return rc == TM_OK ? transfer_reply(ctx, rep, 200, id, err) : rc;
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

    if ((rc = transfer_for(ctx, 0, t, err)) == TM_OK &&
        (rc = transfer_state(t, "requested", "shipped", err)) == TM_OK) {
        for (int i = 0; i < t->n_lines; i++)
            qty[i] = t->lines[i].quantity;
        if ((rc = transfer_moves(ctx, t, t->from_store_id, INV_MOVE_TRANSFER_OUT, qty, err)) ==
                TM_OK &&
            (rc = inv_db_transfer_set_status(ctx->db, t->id, "shipped", err)) == TM_OK)
            rc = transfer_reply(ctx, rep, 200, t->id, err);
    }
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
    char reasons[INV_LINES_MAX][INV_REASON_MAX + 1];
    char f[FIELD_MAX];
    cJSON *body = NULL;
    const cJSON *arr = NULL, *it;
    int k = 0;
    enum tm_code rc;

    memset(reasons, 0, sizeof reasons);
    if ((rc = transfer_for(ctx, 1, t, err)) != TM_OK ||
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
        snprintf(f, sizeof f, "lines[%d].received", k);
        if ((rc = tm_json_i64(it, "received", INT64_MIN, INT64_MAX, &got, err)) != TM_OK) {
            rc = tm_err_set(err, rc, f, "%s: %s", f, err->message);
            goto out;
        }
        if ((rc = opt_text(it, "reason", INV_REASON_MAX, reasons[at], sizeof reasons[at], err)) !=
                TM_OK ||
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
    free(t);
    return rc;
}

enum tm_code
inv_h_transfer_cancel(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_transfer *t = tm_xcalloc(1, sizeof *t);
    int64_t qty[INV_LINES_MAX];
    enum tm_code rc;

    if ((rc = transfer_for(ctx, 2, t, err)) == TM_OK &&
        (rc = transfer_state(t, "requested", "cancelled", err)) == TM_OK) {
        for (int i = 0; i < t->n_lines; i++)
            qty[i] = t->lines[i].quantity;
        if ((rc = transfer_moves(ctx, t, t->from_store_id, INV_MOVE_RELEASE, qty, err)) == TM_OK &&
            (rc = inv_db_transfer_set_status(ctx->db, t->id, "cancelled", err)) == TM_OK)
            rc = transfer_reply(ctx, rep, 200, t->id, err);
    }
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
    struct inv_move m = {0};
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
        (rc = opt_int(body, "ttl_seconds", 1, INV_RESERVE_TTL_MAX, &ttl, &has_ttl, err)) != TM_OK ||
        (rc = opt_text(body, "reference", INV_REF_MAX, r.reference, sizeof r.reference, err)) !=
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
    inv_move_for(&m, INV_MOVE_RESERVATION, r.quantity);
    snprintf(ref, sizeof ref, "%" PRId64, r.id);
    m.store_id = r.store_id;
    m.product_id = r.product_id;
    m.ref_type = "reservation";
    m.ref_id = ref;
    m.principal = r.created_by;
    if ((rc = apply(ctx->db, &m, &after, &mv, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, r.id);
    rep->status = 201;
    rc = too_big(enc_reservation(&rep->body, &r), err);
out:
    cJSON_Delete(body);
    return rc;
}

enum tm_code
inv_h_reservation_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_reservation r;
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_db_reservation_get(ctx->db, id, 0, &r, err)) != TM_OK)
        return rc;
    return too_big(enc_reservation(&rep->body, &r), err);
}

/* Ends an active reservation (released by a caller or expired by the job)
 * and gives its quantity back. */
static enum tm_code
end_reservation(PGconn *db, struct inv_reservation *r, const char *status, const char *who,
                struct tm_err *err)
{
    struct inv_move m = {0};
    struct inv_level after;
    struct inv_movement mv;
    char ref[24];
    enum tm_code rc;

    inv_move_for(&m, INV_MOVE_RELEASE, r->quantity);
    snprintf(ref, sizeof ref, "%" PRId64, r->id);
    m.store_id = r->store_id;
    m.product_id = r->product_id;
    m.reason = status;
    m.ref_type = "reservation";
    m.ref_id = ref;
    m.principal = who;
    if ((rc = apply(db, &m, &after, &mv, err)) != TM_OK)
        return rc;
    return inv_db_reservation_end(db, r->id, status, r, err);
}

enum tm_code
inv_h_reservation_release(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_reservation r;
    char who[INV_PRINCIPAL_MAX];
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = inv_db_reservation_get(ctx->db, id, 1, &r, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, r.store_id, "id", err)) != TM_OK)
        return rc;
    tm_ctx_principal(ctx, who, sizeof who);
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    /* releasing twice is the same as once: the answer shows how it ended */
    if (strcmp(r.status, "active") == 0 &&
        (rc = end_reservation(ctx->db, &r, "released", who, err)) != TM_OK)
        return rc;
    return too_big(enc_reservation(&rep->body, &r), err);
}

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
    char f[FIELD_MAX];
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
 * first answer again; different lines are a different request. */
static enum tm_code
commit_replay(struct tm_ctx *ctx, struct tm_reply *rep, const char *sale_id, const char *key,
              struct tm_err *err)
{
    struct inv_commit c;
    enum tm_code rc = inv_db_commit_get(ctx->db, sale_id, 0, &c, err);

    if (rc == TM_OK && strcmp(c.lines_key, key) != 0)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "sale_id",
                        "sale %s was committed with different lines", sale_id);
    if (rc == TM_OK) {
        rep->status = 201;
        snprintf(rep->target, sizeof rep->target, "%s", sale_id);
        rc = too_big(tm_buf_adds(&rep->body, c.reply), err);
    }
    inv_commit_fini(&c);
    return rc;
}

enum tm_code
inv_h_commit_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"sale_id", "lines"};
    struct inv_line l[INV_LINES_MAX];
    int64_t available[INV_LINES_MAX];
    int exists[INV_LINES_MAX], idx[INV_LINES_MAX];
    char sale_id[INV_REF_MAX + 1], key[INV_LINES_MAX * 64], who[INV_PRINCIPAL_MAX];
    char f[FIELD_MAX];
    cJSON *body = NULL;
    struct tm_buf out;
    int n = 0, n_short, claimed = 0;
    enum tm_code rc;

    tm_buf_init(&out, 1 << 20);
    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 2, err)) != TM_OK ||
        (rc = tm_json_str(body, "sale_id", 1, INV_REF_MAX, sale_id, sizeof sale_id, err)) !=
            TM_OK ||
        (rc = decode_lines(body, 1, 0, l, &n, err)) != TM_OK)
        goto out;
    if (!inv_ref_valid(sale_id)) {
        rc = tm_err_set(err, TM_INVALID, "sale_id",
                        "sale_id must be 1 to %d of A-Z a-z 0-9 . _ : -", INV_REF_MAX);
        goto out;
    }
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
    /* lock every level in (store, product) order, decide, then take */
    if ((rc = inv_db_stock_lock_lines(ctx->db, l, n, available, exists, err)) != TM_OK)
        goto out;
    if ((n_short = inv_lines_short(l, available, n, idx)) > 0) {
        rc = short_reply(rep, l, available, exists, idx, n_short, err);
        goto out;
    }
    rc = tm_buf_printf(&out, "{\"sale_id\":\"%s\",\"status\":\"committed\",\"lines\":[", sale_id);
    for (int i = 0; i < n && rc == TM_OK; i++) {
        struct inv_move m = {0};
        struct inv_level after;
        struct inv_movement mv;

        inv_move_for(&m, INV_MOVE_SALE, l[i].quantity);
        m.store_id = l[i].store_id;
        m.product_id = l[i].product_id;
        m.ref_type = "sale";
        m.ref_id = sale_id;
        m.principal = who;
        if ((rc = apply(ctx->db, &m, &after, &mv, err)) != TM_OK)
            goto out;
        rc = too_big(tm_buf_printf(&out,
                                   "%s{\"line\":%d,\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                                   ",\"quantity\":%" PRId64 ",\"movement_id\":%" PRId64
                                   ",\"on_hand\":%" PRId64 ",\"available\":%" PRId64 "}",
                                   i ? "," : "", l[i].index, l[i].store_id, l[i].product_id,
                                   l[i].quantity, mv.id, after.on_hand, inv_available(&after)),
                     err);
    }
    if (rc == TM_OK && (rc = too_big(tm_buf_adds(&out, "]}"), err)) == TM_OK &&
        (rc = inv_db_commit_set_reply(ctx->db, sale_id, out.p, err)) == TM_OK) {
        rep->status = 201;
        rc = too_big(tm_buf_adds(&rep->body, out.p), err);
    }
out:
    tm_buf_fini(&out);
    cJSON_Delete(body);
    return rc;
}

enum tm_code
inv_h_commit_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_commit c;
    const char *sale_id;
    enum tm_code rc;

    if ((rc = sale_id_param(ctx, &sale_id, err)) != TM_OK ||
        (rc = inv_db_commit_get(ctx->db, sale_id, 0, &c, err)) != TM_OK)
        return rc;
    rc = tm_buf_printf(&rep->body, "{\"sale_id\":\"%s\",\"status\":\"%s\",\"commit\":%s", c.sale_id,
                       c.status, c.reply);
    if (rc == TM_OK)
        rc = tm_buf_printf(&rep->body, ",\"reverse\":%s}",
                           c.reverse_reply ? c.reverse_reply : "null");
    inv_commit_fini(&c);
    return too_big(rc, err);
}

enum tm_code
inv_h_commit_reverse(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_line l[INV_LINES_MAX];
    char who[INV_PRINCIPAL_MAX], f[FIELD_MAX];
    struct inv_commit c = {0};
    struct tm_buf out;
    const char *sale_id;
    int n;
    enum tm_code rc;

    tm_buf_init(&out, 1 << 20);
    if ((rc = sale_id_param(ctx, &sale_id, err)) != TM_OK ||
        (rc = inv_db_commit_get(ctx->db, sale_id, 1, &c, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%s", sale_id);
    if ((n = inv_lines_parse_key(c.lines_key, l, INV_LINES_MAX)) < 0) {
        rc = tm_err_set(err, TM_INTERNAL, NULL, "stored lines of sale %s are unreadable", sale_id);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        snprintf(f, sizeof f, "lines[%d].store_id", i);
        if ((rc = tm_ctx_may_store(ctx, l[i].store_id, f, err)) != TM_OK)
            goto out;
    }
    if (strcmp(c.status, "reversed") == 0) { /* again: the first answer */
        rc = too_big(tm_buf_adds(&rep->body, c.reverse_reply ? c.reverse_reply : "{}"), err);
        goto out;
    }
    tm_ctx_principal(ctx, who, sizeof who);
    rc = tm_buf_printf(&out, "{\"sale_id\":\"%s\",\"status\":\"reversed\",\"lines\":[", sale_id);
    for (int i = 0; i < n && rc == TM_OK; i++) { /* the key is sorted: the lock order */
        struct inv_move m = {0};
        struct inv_level after;
        struct inv_movement mv;

        inv_move_for(&m, INV_MOVE_RETURN, l[i].quantity);
        m.store_id = l[i].store_id;
        m.product_id = l[i].product_id;
        m.reason = "sale reversed";
        m.ref_type = "sale";
        m.ref_id = sale_id;
        m.principal = who;
        if ((rc = apply(ctx->db, &m, &after, &mv, err)) != TM_OK)
            goto out;
        rc = too_big(tm_buf_printf(&out,
                                   "%s{\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                                   ",\"quantity\":%" PRId64 ",\"movement_id\":%" PRId64
                                   ",\"on_hand\":%" PRId64 ",\"available\":%" PRId64 "}",
                                   i ? "," : "", l[i].store_id, l[i].product_id, l[i].quantity,
                                   mv.id, after.on_hand, inv_available(&after)),
                     err);
    }
    if (rc == TM_OK && (rc = too_big(tm_buf_adds(&out, "]}"), err)) == TM_OK &&
        (rc = inv_db_commit_set_reversed(ctx->db, sale_id, out.p, err)) == TM_OK)
        rc = too_big(tm_buf_adds(&rep->body, out.p), err);
out:
    inv_commit_fini(&c);
    tm_buf_fini(&out);
    return rc;
}

/* ----------------------------------------------------------------- jobs */

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

#define GAPS_MAX 100

enum tm_code
inv_job_ledger_check(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    struct inv_ledger_gap g[GAPS_MAX];
    struct tm_buf b;
    int n = 0;
    enum tm_code rc = inv_db_ledger_check(db, GAPS_MAX, g, &n, err);

    (void)app;
    *rows = n;
    if (rc != TM_OK || n == 0)
        return rc;
    tm_buf_init(&b, 1 << 20);
    rc = tm_buf_printf(&b, "{\"levels\":%d,\"gaps\":[", n);
    for (int i = 0; i < n && rc == TM_OK; i++)
        rc = tm_buf_printf(&b,
                           "%s{\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                           ",\"on_hand\":%" PRId64 ",\"ledger_on_hand\":%" PRId64
                           ",\"reserved\":%" PRId64 ",\"ledger_reserved\":%" PRId64 "}",
                           i ? "," : "", g[i].store_id, g[i].product_id, g[i].on_hand,
                           g[i].ledger_on_hand, g[i].reserved, g[i].ledger_reserved);
    if (rc == TM_OK && (rc = tm_buf_adds(&b, "]}")) == TM_OK)
        rc = tm_outbox_add(db, &inv_outbox, "stock.ledger_mismatch", b.p, NULL, err);
    tm_buf_fini(&b);
    return rc;
}
