/* services/inventory/stock_store.c — SQL for stock. A level changes only in
 * inv_db_move's one statement: the UPDATE guards the quantities in its WHERE
 * (so a refused change writes nothing and takes no error path inside the
 * transaction) and the INSERT of the movement reads the UPDATE's result.
 * Multi-row inputs travel as array parameters and are expanded with unnest,
 * so each statement is one fixed, prepared text. */
#include "services/inventory/stock_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"

#define SOLD_DAYS_TEXT "28"

/* A level joined with its product, and its units sold recently. */
#define LEVEL_COLS                                                                                 \
    "s.store_id, s.product_id, s.on_hand, s.reserved, s.incoming, s.min_qty, s.max_qty,"           \
    " s.reorder_point, s.safety_stock, p.sku, p.name,"                                             \
    " COALESCE((SELECT -sum(m.quantity) FROM inventory.movements m"                                \
    " WHERE m.store_id = s.store_id AND m.product_id = s.product_id AND m.type = 'sale'"           \
    " AND m.created_at > now() - interval '" SOLD_DAYS_TEXT                                        \
    " days'), 0), " TM_DB_TS("s.updated_at")
#define LEVEL_FROM " FROM inventory.stock s JOIN inventory.products p ON p.id = s.product_id"

#define MOVE_COLS                                                                                  \
    "id, store_id, product_id, type, quantity, reserved_delta, on_hand_after, reserved_after,"     \
    " reason, ref_type, ref_id, principal, " TM_DB_TS("created_at")

static void
level_fn(const PGresult *r, int i, void *out)
{
    struct inv_level_view *v = out;

    memset(v, 0, sizeof *v);
    v->l.store_id = tm_db_i64(r, i, 0);
    v->l.product_id = tm_db_i64(r, i, 1);
    v->l.on_hand = tm_db_i64(r, i, 2);
    v->l.reserved = tm_db_i64(r, i, 3);
    v->l.incoming = tm_db_i64(r, i, 4);
    v->l.min_qty = tm_db_i64(r, i, 5);
    v->l.max_qty = tm_db_i64(r, i, 6);
    v->l.reorder_point = tm_db_i64(r, i, 7);
    v->l.safety_stock = tm_db_i64(r, i, 8);
    tm_db_copy(v->sku, sizeof v->sku, r, i, 9);
    tm_db_copy(v->name, sizeof v->name, r, i, 10);
    v->sold_recent = tm_db_i64(r, i, 11);
    tm_db_copy(v->updated_at, sizeof v->updated_at, r, i, 12);
}

/* The movement's columns (MOVE_COLS) from column off of row i. */
static void
move_at(const PGresult *r, int i, int off, struct inv_movement *m)
{
    m->id = tm_db_i64(r, i, off + 0);
    m->store_id = tm_db_i64(r, i, off + 1);
    m->product_id = tm_db_i64(r, i, off + 2);
    tm_db_copy(m->type, sizeof m->type, r, i, off + 3);
    m->quantity = tm_db_i64(r, i, off + 4);
    m->reserved_delta = tm_db_i64(r, i, off + 5);
    m->on_hand_after = tm_db_i64(r, i, off + 6);
    m->reserved_after = tm_db_i64(r, i, off + 7);
    tm_db_copy(m->reason, sizeof m->reason, r, i, off + 8);
    tm_db_copy(m->ref_type, sizeof m->ref_type, r, i, off + 9);
    tm_db_copy(m->ref_id, sizeof m->ref_id, r, i, off + 10);
    tm_db_copy(m->principal, sizeof m->principal, r, i, off + 11);
    tm_db_copy(m->created_at, sizeof m->created_at, r, i, off + 12);
}

static void
move_fn(const PGresult *r, int i, void *out)
{
    move_at(r, i, 0, out);
}

static void
raw_level(const PGresult *r, int i, struct inv_level *l)
{
    l->store_id = tm_db_i64(r, i, 0);
    l->product_id = tm_db_i64(r, i, 1);
    l->on_hand = tm_db_i64(r, i, 2);
    l->reserved = tm_db_i64(r, i, 3);
    l->incoming = tm_db_i64(r, i, 4);
    l->min_qty = tm_db_i64(r, i, 5);
    l->max_qty = tm_db_i64(r, i, 6);
    l->reorder_point = tm_db_i64(r, i, 7);
    l->safety_stock = tm_db_i64(r, i, 8);
}

static void
raw_level_fn(const PGresult *r, int i, void *out)
{
    raw_level(r, i, out);
}

#define RAW_LEVEL_COLS                                                                             \
    "store_id, product_id, on_hand, reserved, incoming, min_qty, max_qty, reorder_point,"          \
    " safety_stock"

/* ---------------------------------------------------------------- levels */

enum tm_code
inv_db_stock_ensure(PGconn *db, int64_t store_id, int64_t product_id, struct tm_err *err)
{
    struct tm_db_int s, p;
    const char *params[2] = {tm_db_int(&s, store_id), tm_db_int(&p, product_id)};
    enum tm_code rc =
        tm_db_exec(db,
                   "INSERT INTO inventory.stock (store_id, product_id) VALUES ($1, $2)"
                   " ON CONFLICT DO NOTHING",
                   2, params, NULL, err);

    if (rc == TM_INVALID && strcmp(err->field, "stock_store_fkey") == 0)
        return tm_err_set(err, TM_INVALID, "store_id", "no store has this store_id");
    if (rc == TM_INVALID && strcmp(err->field, "stock_product_fkey") == 0)
        return tm_err_set(err, TM_INVALID, "product_id", "no product has this product_id");
    return rc;
}

enum tm_code
inv_db_incoming_add(PGconn *db, int64_t store_id, int64_t product_id, int64_t delta,
                    struct tm_err *err)
{
    struct tm_db_int s, p, d;
    const char *params[3] = {tm_db_int(&s, store_id), tm_db_int(&p, product_id),
                             tm_db_int(&d, delta)};

    return tm_db_exec(db,
                      "UPDATE inventory.stock SET incoming = GREATEST(0, incoming + $3::bigint),"
                      " updated_at = now() WHERE store_id = $1::bigint AND product_id = $2::bigint",
                      3, params, NULL, err);
}

enum tm_code
inv_db_stock_lock(PGconn *db, int64_t store_id, int64_t product_id, struct inv_level *out,
                  struct tm_err *err)
{
    struct tm_db_int s, p;
    const char *params[2] = {tm_db_int(&s, store_id), tm_db_int(&p, product_id)};
    enum tm_code rc = tm_db_one(db,
                                "SELECT " RAW_LEVEL_COLS " FROM inventory.stock"
                                " WHERE store_id = $1 AND product_id = $2 FOR UPDATE",
                                2, params, raw_level_fn, out, "level", err);

    if (rc == TM_NOTFOUND)
        return tm_err_set(err, TM_NOTFOUND, "product_id",
                          "store %" PRId64 " does not stock product %" PRId64, store_id,
                          product_id);
    return rc;
}

enum tm_code
inv_db_stock_lock_lines(PGconn *db, const struct inv_line *l, int n, int64_t *available,
                        int *exists, struct tm_err *err)
{
    struct tm_buf stores, products;
    PGresult *r = NULL;
    enum tm_code rc;

    tm_buf_init(&stores, 1 << 16);
    tm_buf_init(&products, 1 << 16);
    rc = tm_db_int_array(&stores, &l[0].store_id, sizeof *l, n);
    if (rc == TM_OK)
        rc = tm_db_int_array(&products, &l[0].product_id, sizeof *l, n);
    if (rc == TM_OK) {
        const char *params[2] = {stores.p, products.p};
        /* ORDER BY under FOR UPDATE: rows are locked in (store, product) order */
        rc = tm_db_exec(db,
                        "SELECT store_id, product_id, on_hand - reserved FROM inventory.stock"
                        " WHERE (store_id, product_id) IN"
                        " (SELECT * FROM unnest($1::bigint[], $2::bigint[]))"
                        " ORDER BY store_id, product_id FOR UPDATE",
                        2, params, &r, err);
    }
    if (rc == TM_OK) {
        int rows = PQntuples(r), j = 0;

        for (int i = 0; i < n; i++) {
            available[i] = 0;
            exists[i] = 0;
            while (j < rows &&
                   (tm_db_i64(r, j, 0) < l[i].store_id ||
                    (tm_db_i64(r, j, 0) == l[i].store_id && tm_db_i64(r, j, 1) < l[i].product_id)))
                j++;
            if (j < rows && tm_db_i64(r, j, 0) == l[i].store_id &&
                tm_db_i64(r, j, 1) == l[i].product_id) {
                available[i] = tm_db_i64(r, j, 2);
                exists[i] = 1;
            }
        }
    } else if (rc == TM_TOOBIG) {
        rc = tm_err_set(err, TM_INVALID, "lines", "too many lines");
    }
    PQclear(r);
    tm_buf_fini(&stores);
    tm_buf_fini(&products);
    return rc;
}

enum tm_code
inv_db_time_check(PGconn *db, const char *at, const char *field, struct tm_err *err)
{
    char days[16];
    const char *params[2] = {at, days};
    PGresult *r = NULL;
    enum tm_code rc;
    int ok;

    snprintf(days, sizeof days, "%d", INV_PAST_MAX_DAYS);
    rc = tm_db_exec(db,
                    "SELECT $1::timestamptz BETWEEN now() - $2::int * interval '1 day'"
                    " AND now() + interval '1 hour'",
                    2, params, &r, err);
    ok = rc == TM_OK && strcmp(PQgetvalue(r, 0, 0), "t") == 0;

    PQclear(r);
    if (rc == TM_INVALID || (rc == TM_OK && !ok))
        return tm_err_set(err, TM_INVALID, field,
                          "%s must be a timestamp from %d days ago to an hour ahead", field,
                          INV_PAST_MAX_DAYS);
    return rc;
}

/* An on-hand change marks the level's forecast due on the day after the
 * movement's date (the series holds whole UTC days before today), unless an
 * earlier day is already pending; the return that reverses a sale takes
 * that sale out of the series at once, so it marks it due today (see
 * sql/inventory/0007_forecast_due.sql). Columns of the level's own UPDATE,
 * so a sale costs no statement more. */
#define FORECAST_DUE                                                                               \
    ", demand_moved_at = CASE WHEN $3 <> 0 THEN now() ELSE demand_moved_at END,"                   \
    " forecast_due_on = CASE WHEN $3 = 0 THEN forecast_due_on"                                     \
    " WHEN $6 = 'return' AND $8 = 'sale' THEN LEAST(forecast_due_on,"                              \
    " (now() AT TIME ZONE 'UTC')::date) ELSE LEAST(forecast_due_on,"                               \
    " (coalesce($11::timestamptz, now()) AT TIME ZONE 'UTC')::date + 1) END"

enum tm_code
inv_db_move(PGconn *db, const struct inv_move *m, struct inv_level *after, struct inv_movement *mv,
            struct tm_err *err)
{
    struct tm_db_int s, p, dq, dr;
    const char *params[11] = {tm_db_int(&s, m->store_id),
                              tm_db_int(&p, m->product_id),
                              tm_db_int(&dq, m->dq),
                              tm_db_int(&dr, m->dr),
                              m->need_available ? "true" : "false",
                              inv_move_name(m->type),
                              m->reason ? m->reason : "",
                              m->ref_type ? m->ref_type : "",
                              m->ref_id ? m->ref_id : "",
                              m->principal ? m->principal : "",
                              m->at};
    PGresult *r = NULL;
    enum tm_code rc;

    rc = tm_db_exec(db,
                    "WITH s AS (UPDATE inventory.stock SET on_hand = on_hand + $3,"
                    " reserved = reserved + $4, updated_at = now()" FORECAST_DUE
                    " WHERE store_id = $1 AND product_id = $2 AND on_hand + $3 >= 0"
                    " AND reserved + $4 >= 0"
                    " AND (NOT $5::boolean OR on_hand + $3 - reserved - $4 >= 0)"
                    " RETURNING " RAW_LEVEL_COLS "),"
                    " m AS (INSERT INTO inventory.movements (store_id, product_id, type, quantity,"
                    " reserved_delta, reason, ref_type, ref_id, principal, on_hand_after,"
                    " reserved_after, created_at) SELECT store_id, product_id, $6, $3, $4, $7, $8,"
                    " $9, $10, on_hand, reserved, coalesce($11::timestamptz, now()) FROM s"
                    " RETURNING " MOVE_COLS ")"
                    " SELECT s.*, m.* FROM s, m",
                    11, params, &r, err);
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 1) {
        raw_level(r, 0, after);
        move_at(r, 0, 9, mv); /* the movement's columns follow the level's 9 */
        PQclear(r);
        return TM_OK;
    }
    PQclear(r);
    /* refused: say why, from the level as it is */
    if ((rc = inv_db_stock_lock(db, m->store_id, m->product_id, after, err)) != TM_OK)
        return rc;
    if (after->on_hand + m->dq < 0)
        return tm_err_set(err, TM_CONFLICT, "quantity",
                          "store %" PRId64 " has %" PRId64 " of product %" PRId64
                          " on hand; this would take %" PRId64,
                          m->store_id, after->on_hand, m->product_id, -m->dq);
    if (after->reserved + m->dr < 0)
        return tm_err_set(err, TM_CONFLICT, "quantity",
                          "only %" PRId64 " of product %" PRId64 " is reserved in store %" PRId64,
                          after->reserved, m->product_id, m->store_id);
    return tm_err_set(err, TM_CONFLICT, "quantity",
                      "store %" PRId64 " has %" PRId64 " of product %" PRId64 " available",
                      m->store_id, inv_available(after), m->product_id);
}

enum tm_code
inv_db_stock_settings(PGconn *db, const struct inv_level *in, struct inv_level_view *after,
                      struct tm_err *err)
{
    struct tm_db_int s, p, mn, mx, rp, ss;
    const char *params[6] = {tm_db_int(&s, in->store_id),       tm_db_int(&p, in->product_id),
                             tm_db_int(&mn, in->min_qty),       tm_db_int(&mx, in->max_qty),
                             tm_db_int(&rp, in->reorder_point), tm_db_int(&ss, in->safety_stock)};
    enum tm_code rc = tm_db_exec(db,
                                 "UPDATE inventory.stock SET min_qty = $3, max_qty = $4,"
                                 " reorder_point = $5, safety_stock = $6, updated_at = now()"
                                 " WHERE store_id = $1 AND product_id = $2",
                                 6, params, NULL, err);

    return rc == TM_OK ? inv_db_level_get(db, in->store_id, in->product_id, after, err) : rc;
}

enum tm_code
inv_db_level_get(PGconn *db, int64_t store_id, int64_t product_id, struct inv_level_view *out,
                 struct tm_err *err)
{
    struct tm_db_int s, p;
    const char *params[2] = {tm_db_int(&s, store_id), tm_db_int(&p, product_id)};
    enum tm_code rc = tm_db_one(
        db, "SELECT " LEVEL_COLS LEVEL_FROM " WHERE s.store_id = $1 AND s.product_id = $2", 2,
        params, level_fn, out, "level", err);

    if (rc == TM_NOTFOUND)
        return tm_err_set(err, TM_NOTFOUND, "product_id",
                          "store %" PRId64 " does not stock product %" PRId64, store_id,
                          product_id);
    return rc;
}

enum tm_code
inv_db_levels_list(PGconn *db, const struct inv_stock_filter *f, const struct tm_page *pg,
                   struct inv_level_view *out, int *n, struct tm_err *err)
{
    struct tm_db_int after, limit, cat, key;
    const char *params[6] = {tm_db_int(&after, pg->after_id),
                             tm_db_int(&limit, pg->limit + 1),
                             f->category_id ? tm_db_int(&cat, f->category_id) : NULL,
                             f->low ? "true" : NULL,
                             f->store_scope,
                             tm_db_int(&key, f->store_id ? f->store_id : f->product_id)};

    if (f->store_id)
        return tm_db_many(db,
                          "SELECT " LEVEL_COLS LEVEL_FROM
                          " WHERE s.store_id = $6 AND s.product_id > $1"
                          " AND ($3::bigint IS NULL OR p.category_id = $3)"
                          " AND ($4::boolean IS NULL OR s.on_hand - s.reserved <= s.reorder_point)"
                          " AND ($5::bigint[] IS NULL OR s.store_id = ANY($5::bigint[]))"
                          " ORDER BY s.product_id LIMIT $2",
                          6, params, level_fn, out, sizeof *out, n, err);
    return tm_db_many(db,
                      "SELECT " LEVEL_COLS LEVEL_FROM " WHERE s.product_id = $6 AND s.store_id > $1"
                      " AND ($3::bigint IS NULL OR p.category_id = $3)"
                      " AND ($4::boolean IS NULL OR s.on_hand - s.reserved <= s.reorder_point)"
                      " AND ($5::bigint[] IS NULL OR s.store_id = ANY($5::bigint[]))"
                      " ORDER BY s.store_id LIMIT $2",
                      6, params, level_fn, out, sizeof *out, n, err);
}

/* The low levels: s.low is at or under the point (when it has one) or out
 * of stock, a column PostgreSQL keeps (sql/inventory/0014_low_levels.sql),
 * whose partial index stock_low_idx holds just those levels. The product
 * is looked up per level (OFFSET 0 keeps the lookup from being made a
 * join): the generic plan of a join guessed the category's "$2 IS NULL OR"
 * kept 1 product in 20 and read every product per request (2.4 ms for
 * one store's 25 low levels, 0.6 ms so). */
#define LOW_FROM                                                                                   \
    " FROM inventory.stock s CROSS JOIN LATERAL (SELECT p.sku, p.name FROM inventory.products p"   \
    " WHERE p.id = s.product_id AND p.active AND ($2::bigint IS NULL OR p.category_id = $2)"       \
    " OFFSET 0) p"
#define LOW_WHERE " WHERE s.low AND ($3::bigint[] IS NULL OR s.store_id = ANY($3::bigint[]))"

enum tm_code
inv_db_low_levels(PGconn *db, const struct inv_stock_filter *f, int max,
                  struct inv_level_view **out, int *n, struct tm_err *err)
{
    struct tm_db_int store, cat, lim;
    const char *params[4] = {f->store_id ? tm_db_int(&store, f->store_id) : NULL,
                             f->category_id ? tm_db_int(&cat, f->category_id) : NULL,
                             f->store_scope, tm_db_int(&lim, max)};
    void *rows = NULL;
    enum tm_code rc;

    /* one text per shape, not "$1 IS NULL OR s.store_id = $1": the prepared
     * statement's generic plan could use no index for that */
    if (f->store_id) {
        rc = tm_db_many_new(db,
                            "SELECT " LEVEL_COLS LOW_FROM LOW_WHERE " AND s.store_id = $1 LIMIT $4",
                            4, params, level_fn, &rows, sizeof **out, n, err);
    } else {
        params[0] = params[3];
        rc = tm_db_many_new(db, "SELECT " LEVEL_COLS LOW_FROM LOW_WHERE " LIMIT $1", 3, params,
                            level_fn, &rows, sizeof **out, n, err);
    }
    *out = rows;
    return rc;
}

enum tm_code
inv_db_stock_summary(PGconn *db, const struct inv_stock_filter *f, struct tm_buf *out,
                     struct tm_err *err)
{
    struct tm_db_int store;
    const char *params[2] = {f->store_id ? tm_db_int(&store, f->store_id) : NULL, f->store_scope};

    /* the same levels as inv_db_low_levels, whose rows these count (both
     * kinds are low levels: stock_low_idx has them) */
    return tm_db_json_one(db,
                          "SELECT json_build_object("
                          "'low_stock', count(*) FILTER (WHERE s.on_hand - s.reserved > 0"
                          " AND s.on_hand - s.reserved <= s.reorder_point),"
                          " 'out_of_stock', count(*) FILTER (WHERE s.on_hand - s.reserved <= 0)"
                          ")::text" LEVEL_FROM " WHERE s.low AND p.active"
                          " AND ($1::bigint IS NULL OR s.store_id = $1)"
                          " AND ($2::bigint[] IS NULL OR s.store_id = ANY($2::bigint[]))",
                          2, params, "id", "summary", out, err);
}

enum tm_code
inv_db_movements_list(PGconn *db, const struct inv_stock_filter *f, const struct tm_page *pg,
                      struct inv_movement *out, int *n, struct tm_err *err)
{
    struct tm_db_int after, limit, store, product;
    const char *params[8] = {tm_db_int(&after, pg->after_id),
                             tm_db_int(&limit, pg->limit + 1),
                             f->store_id ? tm_db_int(&store, f->store_id) : NULL,
                             f->product_id ? tm_db_int(&product, f->product_id) : NULL,
                             f->type,
                             f->from,
                             f->to,
                             f->store_scope};

    return tm_db_many(db,
                      "SELECT " MOVE_COLS " FROM inventory.movements WHERE id > $1"
                      " AND ($3::bigint IS NULL OR store_id = $3)"
                      " AND ($4::bigint IS NULL OR product_id = $4)"
                      " AND ($5::text IS NULL OR type = $5)"
                      " AND ($6::timestamptz IS NULL OR created_at >= $6)"
                      " AND ($7::timestamptz IS NULL OR created_at < $7)"
                      " AND ($8::bigint[] IS NULL OR store_id = ANY($8::bigint[]))"
                      " ORDER BY id LIMIT $2",
                      8, params, move_fn, out, sizeof *out, n, err);
}

/* --------------------------------------------------------------- commits */

void
inv_commit_fini(struct inv_commit *c)
{
    free(c->lines_key);
    free(c->reply);
    free(c->reverse_reply);
    c->lines_key = c->reply = c->reverse_reply = NULL;
}

enum tm_code
inv_db_commit_claim(PGconn *db, const char *sale_id, const char *lines_key, const char *principal,
                    int *claimed, struct tm_err *err)
{
    const char *params[3] = {sale_id, lines_key, principal};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "INSERT INTO inventory.stock_commits (sale_id, lines_key, reply,"
                                 " principal) VALUES ($1, $2, '', $3)"
                                 " ON CONFLICT DO NOTHING RETURNING 1",
                                 3, params, &r, err);

    if (rc == TM_OK)
        *claimed = PQntuples(r) == 1;
    PQclear(r);
    return rc;
}

static char *
dup_col(const PGresult *r, int col)
{
    return tm_db_isnull(r, 0, col) ? NULL : tm_xstrdup(tm_db_str(r, 0, col));
}

enum tm_code
inv_db_commit_get(PGconn *db, const char *sale_id, int lock, struct inv_commit *out,
                  struct tm_err *err)
{
    const char *params[1] = {sale_id};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   lock ? "SELECT sale_id, status, lines_key, reply, reverse_reply"
                          " FROM inventory.stock_commits WHERE sale_id = $1 FOR UPDATE"
                        : "SELECT sale_id, status, lines_key, reply, reverse_reply"
                          " FROM inventory.stock_commits WHERE sale_id = $1",
                   1, params, &r, err);

    memset(out, 0, sizeof *out);
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "sale_id", "no stock commit with this sale_id");
    if (rc == TM_OK) {
        tm_db_copy(out->sale_id, sizeof out->sale_id, r, 0, 0);
        tm_db_copy(out->status, sizeof out->status, r, 0, 1);
        out->lines_key = dup_col(r, 2);
        out->reply = dup_col(r, 3);
        out->reverse_reply = dup_col(r, 4);
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_commit_set_reply(PGconn *db, const char *sale_id, const char *reply, struct tm_err *err)
{
    const char *params[2] = {sale_id, reply};

    return tm_db_exec(db, "UPDATE inventory.stock_commits SET reply = $2 WHERE sale_id = $1", 2,
                      params, NULL, err);
}

enum tm_code
inv_db_commit_set_reversed(PGconn *db, const char *sale_id, const char *reply, struct tm_err *err)
{
    const char *params[2] = {sale_id, reply};

    return tm_db_exec(db,
                      "UPDATE inventory.stock_commits SET status = 'reversed', reversed_at = now(),"
                      " reverse_reply = $2 WHERE sale_id = $1",
                      2, params, NULL, err);
}

/* ---------------------------------------------------------------- checks */

static void
gap_fn(const PGresult *r, int i, void *out)
{
    struct inv_ledger_gap *g = out;

    g->store_id = tm_db_i64(r, i, 0);
    g->product_id = tm_db_i64(r, i, 1);
    g->on_hand = tm_db_i64(r, i, 2);
    g->ledger_on_hand = tm_db_i64(r, i, 3);
    g->reserved = tm_db_i64(r, i, 4);
    g->ledger_reserved = tm_db_i64(r, i, 5);
}

enum tm_code
inv_db_ledger_check(PGconn *db, int max, struct inv_ledger_gap *out, int *n, struct tm_err *err)
{
    struct tm_db_int lim;
    const char *params[1] = {tm_db_int(&lim, max)};

    return tm_db_many(db,
                      "SELECT s.store_id, s.product_id, s.on_hand, COALESCE(m.q, 0), s.reserved,"
                      " COALESCE(m.r, 0) FROM inventory.stock s LEFT JOIN"
                      " (SELECT store_id, product_id, sum(quantity) q, sum(reserved_delta) r"
                      " FROM inventory.movements GROUP BY store_id, product_id) m"
                      " USING (store_id, product_id)"
                      " WHERE s.on_hand <> COALESCE(m.q, 0) OR s.reserved <> COALESCE(m.r, 0)"
                      " ORDER BY s.store_id, s.product_id LIMIT $1",
                      1, params, gap_fn, out, sizeof *out, n, err);
}

/* ----------------------------------------------------------- sample load */

enum tm_code
inv_db_levels_bulk(PGconn *db, const struct inv_bulk_levels *b, struct tm_err *err)
{
    struct tm_buf a[6];
    const int64_t *cols[6] = {b->store_id, b->product_id,    b->min_qty,
                              b->max_qty,  b->reorder_point, b->safety_stock};
    const char *params[6];
    enum tm_code rc = TM_OK;

    for (int i = 0; i < 6; i++) {
        tm_buf_init(&a[i], 64u << 20);
        if (rc == TM_OK)
            rc = tm_db_int_array(&a[i], cols[i], sizeof(int64_t), b->n);
        params[i] = a[i].p;
    }
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "INSERT INTO inventory.stock (store_id, product_id, min_qty, max_qty,"
                        " reorder_point, safety_stock) SELECT * FROM unnest($1::bigint[],"
                        " $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])",
                        6, params, NULL, err);
    else
        rc = tm_err_set(err, TM_TOOBIG, NULL, "bulk load too large");
    for (int i = 0; i < 6; i++)
        tm_buf_fini(&a[i]);
    return rc;
}

enum tm_code
inv_db_moves_bulk(PGconn *db, const struct inv_bulk_moves *b, const char *principal,
                  struct tm_err *err)
{
    struct tm_buf a[6];
    const char *params[7];
    enum tm_code rc;

    for (int i = 0; i < 6; i++)
        tm_buf_init(&a[i], 64u << 20);
    if ((rc = tm_db_int_array(&a[0], b->store_id, sizeof(int64_t), b->n)) == TM_OK &&
        (rc = tm_db_int_array(&a[1], b->product_id, sizeof(int64_t), b->n)) == TM_OK &&
        (rc = tm_db_int_array(&a[2], b->quantity, sizeof(int64_t), b->n)) == TM_OK &&
        (rc = tm_db_int_array(&a[3], b->on_hand_after, sizeof(int64_t), b->n)) == TM_OK &&
        (rc = tm_db_word_array(&a[4], b->type, b->n)) == TM_OK &&
        (rc = tm_db_word_array(&a[5], b->at, b->n)) == TM_OK) {
        for (int i = 0; i < 6; i++)
            params[i] = a[i].p;
        params[6] = principal;
        rc = tm_db_exec(db,
                        "INSERT INTO inventory.movements (store_id, product_id, quantity,"
                        " on_hand_after, type, created_at, principal, reserved_after, ref_type)"
                        " SELECT u.*, $7, 0, 'sample' FROM unnest($1::bigint[], $2::bigint[],"
                        " $3::bigint[], $4::bigint[], $5::text[], $6::timestamptz[]) u",
                        7, params, NULL, err);
    } else {
        rc = tm_err_set(err, TM_INVALID, NULL, "bulk movements do not fit");
    }
    for (int i = 0; i < 6; i++)
        tm_buf_fini(&a[i]);
    return rc;
}

enum tm_code
inv_db_levels_from_ledger(PGconn *db, struct tm_err *err)
{
    return tm_db_exec(
        db,
        "UPDATE inventory.stock s SET on_hand = m.q, reserved = m.r, updated_at ="
        " now(), demand_moved_at = now(), forecast_due_on ="
        " (now() AT TIME ZONE 'UTC')::date FROM (SELECT store_id, product_id, sum(quantity) q,"
        " sum(reserved_delta) r FROM inventory.movements"
        " GROUP BY store_id, product_id) m"
        " WHERE s.store_id = m.store_id AND s.product_id = m.product_id",
        0, NULL, NULL, err);
}
