/* services/inventory/stock_handlers.c — stock requests: decode the body
 * strictly, check the caller's store scope, decide with stock.c, change
 * levels only through inv_stock_apply() (inv_db_move plus its events), encode. Every
 * write runs in the router's transaction, so a refusal anywhere leaves
 * nothing behind. */
#include "services/inventory/stock_handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/topic.h"

#include "services/inventory/reorder_store.h"
#include "services/inventory/stock.h"
#include "services/inventory/stock_store.h"
#include "services/inventory/store.h"

#define LOW_MAX 20000 /* levels ranked by one low-stock request */

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
        (rc = tm_json_kv_f64(b, "daily_sales", rate, 3, 0)) == TM_OK)
        rc = cover < 0 ? tm_buf_adds(b, ",\"days_of_cover\":null")
                       : tm_json_kv_f64(b, "days_of_cover", cover, 1, 0);
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

enum tm_code
inv_too_big(enum tm_code rc, struct tm_err *err)
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
        rc = tm_outbox_add(db, &inv_outbox, tm_topic_name(TM_TOPIC_STOCK_CHANGED), b.p, err);
    tm_buf_reset(&b);
    if (rc == TM_OK && edges) {
        rc = inv_too_big(enc_level_core(&b, l), err);
        if (rc == TM_OK && (rc = inv_too_big(tm_buf_adds(&b, "}"), err)) == TM_OK &&
            (edges & INV_EDGE_LOW))
            rc = tm_outbox_add(db, &inv_outbox, tm_topic_name(TM_TOPIC_STOCK_LOW), b.p, err);
        if (rc == TM_OK && (edges & INV_EDGE_OUT))
            rc = tm_outbox_add(db, &inv_outbox, tm_topic_name(TM_TOPIC_STOCK_OUT), b.p, err);
    }
    tm_buf_fini(&b);
    return rc;
}

enum tm_code
inv_stock_settings_changed(PGconn *db, const struct inv_level *before,
                           const struct inv_level *after, struct tm_err *err)
{
    return level_events(db, after, inv_available(before), before->reorder_point, NULL, err);
}

enum tm_code
inv_stock_apply(PGconn *db, const struct inv_move *m, struct inv_level *after,
                struct inv_movement *mv, struct tm_err *err)
{
    enum tm_code rc = inv_db_move(db, m, after, mv, err);

    return rc == TM_OK ? inv_stock_moved(db, m, after, mv, err) : rc;
}

enum tm_code
inv_stock_moved(PGconn *db, const struct inv_move *m, const struct inv_level *after,
                const struct inv_movement *mv, struct tm_err *err)
{
    return level_events(db, after, inv_available(after) - (m->dq - m->dr), after->reorder_point, mv,
                        err);
}

/* --------------------------------------------------------------- decode */

/* Optional integer member (absent or null: *has 0). */
struct inv_move
inv_stock_move(enum inv_move_type type, int64_t q, int64_t store_id, int64_t product_id,
               const char *ref_type, const char *ref_id, const char *who)
{
    struct inv_move m = {0};

    inv_move_for(&m, type, q);
    m.store_id = store_id;
    m.product_id = product_id;
    m.ref_type = ref_type;
    m.ref_id = ref_id;
    m.principal = who;
    return m;
}

enum tm_code
inv_opt_time(PGconn *db, const cJSON *o, char *buf, size_t size, const char **at,
             struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, "occurred_at");
    struct tm_time t;
    enum tm_code rc;

    *at = NULL;
    if (!it)
        return TM_OK;
    if ((rc = tm_json_as_time(it, "occurred_at", &t, err)) != TM_OK ||
        (rc = inv_db_time_check(db, t.text, "occurred_at", err)) != TM_OK)
        return rc;
    if (tm_strlcpy(buf, t.text, size) != TM_OK)
        return tm_err_set(err, TM_INVALID, "occurred_at", "occurred_at is too long");
    *at = buf;
    return TM_OK;
}

enum tm_code
inv_opt_int(const cJSON *o, const char *name, int64_t min, int64_t max, int64_t *out, int *has,
            struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);

    *has = it != NULL;
    return it ? tm_json_as_i64(it, name, min, max, out, err) : TM_OK;
}

enum tm_code
inv_opt_text(const cJSON *o, const char *name, size_t max, char *out, size_t size,
             struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);

    out[0] = '\0';
    return it ? tm_json_as_str(it, name, 0, max, out, size, err) : TM_OK;
}

/* lines: [{store_id?, product_id, quantity}] — store_id only when
 * with_store; otherwise every line gets store_id. */
enum tm_code
inv_decode_lines(const cJSON *o, int with_store, int64_t store_id, struct inv_line *l, int *n,
                 struct tm_err *err)
{
    static const char *const all[] = {"store_id", "product_id", "quantity"};
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "lines"), *it;
    char f[INV_FIELD_MAX];
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

/* The store named in the path (the gateway scopes it; checked here too)
 * and the product. */
static enum tm_code
path_level(struct tm_ctx *ctx, int64_t *store_id, int64_t *product_id, struct tm_err *err)
{
    enum tm_code rc = tm_ctx_param_id(ctx, "store_id", store_id, err);

    if (rc == TM_OK)
        rc = tm_ctx_may_store(ctx, *store_id, "store_id", err);
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
    char scope[INV_SCOPE_MAX];
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
    return inv_too_big(enc_level(&rep->body, &v), err);
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
        rc = inv_opt_int(body, names[i], 0, INV_QTY_MAX, dst[i], &has[i], err);
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
    /* a reorder point set by hand is kept by the reorder-scan job */
    if ((rc = inv_settings_validate(&in, err)) != TM_OK ||
        (rc = inv_db_stock_settings(ctx->db, &in, &after, err)) != TM_OK ||
        (has[2] && (rc = inv_db_rs_pin(ctx->db, in.store_id, in.product_id, err)) != TM_OK) ||
        (rc = inv_stock_settings_changed(ctx->db, &before, &after.l, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64 "/%" PRId64, in.store_id, in.product_id);
    rc = inv_too_big(enc_level(&rep->body, &after), err);
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
    char scope[INV_SCOPE_MAX];
    struct inv_level_view *rows = NULL;
    struct tm_page pg;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_store(ctx, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "category_id", 1, INT64_MAX, 0, &f.category_id, err)) != TM_OK)
        return rc;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    /* an array of the rows there are: one of LOW_MAX was 7.8 MB zeroed per
     * request, which glibc's arenas then kept */
    rc = inv_db_low_levels(ctx->db, &f, LOW_MAX, &rows, &n, err);
    if (rc == TM_OK) {
        int start;

        if (n > 0)
            qsort(rows, (size_t)n, sizeof *rows, urgency_qsort);
        for (int i = 0; i < n; i++)
            rows[i].rank = i + 1;
        /* the cursor is the rank of the last row shown */
        start = pg.after_id < n ? (int)pg.after_id : n;
        rc = tm_reply_page(rep, rows ? rows + start : NULL, sizeof *rows, n - start, pg.limit,
                           enc_level, level_rank, err);
    }
    free(rows);
    return rc;
}

/* The dashboard's stock numbers (GET /api/v1/inventory/stock-summary). */
enum tm_code
inv_h_stock_summary(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    char scope[INV_SCOPE_MAX];
    enum tm_code rc;

    if ((rc = tm_ctx_query_store(ctx, &f.store_id, err)) != TM_OK)
        return rc;
    if (f.store_id) { /* the stores' owner says so: the overview's refusal of one */
        struct inv_store st;
        if ((rc = inv_db_store_get(ctx->db, f.store_id, &st, err)) == TM_NOTFOUND)
            return tm_err_set(err, TM_INVALID, "store_id", "no store with this id");
        if (rc != TM_OK)
            return rc;
    }
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    return inv_db_stock_summary(ctx->db, &f, &rep->body, err);
}

/* ------------------------------------------------------------ movements */

enum tm_code
inv_h_movements_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_stock_filter f = {0};
    char scope[INV_SCOPE_MAX];
    struct inv_movement *rows;
    struct tm_time from, to;
    struct tm_page pg;
    int n = 0, type;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_store(ctx, &f.store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "product_id", 1, INT64_MAX, 0, &f.product_id, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "type", inv_move_names, &type, err)) != TM_OK ||
        (rc = tm_ctx_query_time(ctx, "from", &from, err)) != TM_OK ||
        (rc = tm_ctx_query_time(ctx, "to", &to, err)) != TM_OK)
        return rc;
    f.type = type >= 0 ? inv_move_names[type] : NULL;
    f.from = from.text[0] ? from.text : NULL;
    f.to = to.text[0] ? to.text : NULL;
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
    static const char *const names[] = {"store_id", "product_id", "type",      "quantity",
                                        "counted",  "reason",     "reference", "occurred_at"};
    /* the types recorded here; sales, transfers and reservations have their own routes */
    static const char *const types[] = {"receipt", "return", "adjustment", "count", NULL};
    static const enum inv_move_type type_of[] = {INV_MOVE_RECEIPT, INV_MOVE_RETURN,
                                                 INV_MOVE_ADJUSTMENT, INV_MOVE_COUNT};
    struct inv_move_req r = {0};
    struct inv_move m = {0};
    struct inv_level before, after;
    struct inv_movement mv;
    char reason[INV_REASON_MAX + 1], reference[INV_REF_MAX + 1], who[INV_PRINCIPAL_MAX];
    char when[INV_TIME_MAX + 1];
    const char *at = NULL;
    cJSON *body = NULL;
    enum tm_code rc;
    int type;

    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 8, err)) != TM_OK ||
        (rc = tm_json_i64(body, "store_id", 1, INT64_MAX, &r.store_id, err)) != TM_OK ||
        (rc = tm_json_i64(body, "product_id", 1, INT64_MAX, &r.product_id, err)) != TM_OK ||
        (rc = tm_json_enum(body, "type", types, &type, err)) != TM_OK ||
        (rc = inv_opt_int(body, "quantity", INT64_MIN, INT64_MAX, &r.quantity, &r.has_quantity,
                          err)) != TM_OK ||
        (rc = inv_opt_int(body, "counted", INT64_MIN, INT64_MAX, &r.counted, &r.has_counted,
                          err)) != TM_OK ||
        (rc = inv_opt_text(body, "reason", INV_REASON_MAX, reason, sizeof reason, err)) != TM_OK ||
        (rc = inv_opt_text(body, "reference", INV_REF_MAX, reference, sizeof reference, err)) !=
            TM_OK ||
        (rc = inv_opt_time(ctx->db, body, when, sizeof when, &at, err)) != TM_OK)
        goto out;
    r.type = type_of[type];
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
    m.at = at;
    if ((rc = inv_stock_apply(ctx->db, &m, &after, &mv, err)) != TM_OK)
        goto out;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, mv.id);
    rep->status = 201;
    rc = inv_too_big(enc_movement(&rep->body, &mv), err);
out:
    cJSON_Delete(body);
    return rc;
}

/* ----------------------------------------------------------------- jobs */

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
        rc =
            tm_outbox_add(db, &inv_outbox, tm_topic_name(TM_TOPIC_STOCK_LEDGER_MISMATCH), b.p, err);
    tm_buf_fini(&b);
    return rc;
}
