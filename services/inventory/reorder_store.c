/* services/inventory/reorder_store.c — the SQL of reorder suggestions
 * (reorder_store.h). Each suggestion's JSON is built by the database from
 * one expression, RS_JSON, so every answer and event shows the same shape. */
#include "services/inventory/reorder_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"

#include "services/inventory/stock_store.h"

#define LIVE "('open', 'approving', 'no_supplier')"

/* the ReorderSuggestion of row s, as text */
#define RS_JSON                                                                                    \
    "json_build_object('id', s.id, 'store_id', s.store_id, 'product_id', s.product_id,"            \
    " 'status', s.status, 'origin', s.origin, 'reason', s.reason, 'abc_class', s.abc_class,"       \
    " 'fill_rate_target', s.fill_rate_target, 'reorder_point', s.reorder_point,"                   \
    " 'order_up_to', s.order_up_to, 'safety_stock', round(s.safety_stock::numeric, 3),"            \
    " 'position', s.position, 'order_quantity', s.order_quantity, 'urgency', s.urgency,"           \
    " 'stockout_date', to_char(s.stockout_date, 'YYYY-MM-DD'),"                                    \
    " 'lead_time_source', s.lead_time_source, 'supplier_id', s.supplier_id,"                       \
    " 'inputs', s.inputs, 'terms', s.terms, 'supplier_choice', s.supplier_choice,"                 \
    " 'purchase_order_ids', to_json(s.purchase_order_ids), 'reject_reason', s.reject_reason,"      \
    " 'created_by', s.created_by, 'created_at', " TM_DB_TS(                                        \
        "s.created_at") ","                                                                        \
                        " 'updated_at', " TM_DB_TS("s.updated_at") ", 'decided_by', s.decided_by," \
                                                                   " 'decided_at', " TM_DB_TS(     \
                                                                       "s.decided_at") ")::text"

#define RS_VALUES_N 19

/* The values of r as the statements' $1..$19 (their order in RS_COLUMNS). */
struct rs_params {
    struct tm_db_int store, product, rp, upto, pos, qty, day, supplier;
    char abc[2], fill[32], safety[32];
    const char *p[RS_VALUES_N];
};

static void
rs_params(const struct inv_rs_row *r, struct rs_params *o)
{
    o->abc[0] = r->abc;
    o->abc[1] = '\0';
    snprintf(o->fill, sizeof o->fill, "%.6f", r->fill_rate);
    snprintf(o->safety, sizeof o->safety, "%.6f", r->safety_stock);
    const char *p[RS_VALUES_N] = {tm_db_int(&o->store, r->store_id),
                                  tm_db_int(&o->product, r->product_id),
                                  r->status,
                                  r->origin,
                                  r->reason,
                                  o->abc,
                                  o->fill,
                                  tm_db_int(&o->rp, r->reorder_point),
                                  tm_db_int(&o->upto, r->order_up_to),
                                  o->safety,
                                  tm_db_int(&o->pos, r->position),
                                  tm_db_int(&o->qty, r->order_quantity),
                                  r->urgency,
                                  r->stockout_day >= 0 ? tm_db_int(&o->day, r->stockout_day) : NULL,
                                  r->lead_source,
                                  r->supplier_id > 0 ? tm_db_int(&o->supplier, r->supplier_id)
                                                     : NULL,
                                  r->inputs_json,
                                  r->terms_json,
                                  r->who};
    memcpy(o->p, p, sizeof p);
}

/* the JSON of suggestion id into out (when not NULL) */
static enum tm_code
rs_json(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};

    if (!out)
        return TM_OK;
    return tm_db_json_one(db,
                          "SELECT " RS_JSON " FROM inventory.reorder_suggestions s"
                          " WHERE s.id = $1::bigint",
                          1, params, "id", "reorder suggestion", out, err);
}

/* The live open or no_supplier suggestion of rp's level refreshed with
 * rp's numbers: *id (0: none such), *was its status before. */
static enum tm_code
rs_refresh(PGconn *db, const struct rs_params *rp, int64_t *id, char *was, size_t size,
           struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "WITH o AS (SELECT id, status FROM inventory.reorder_suggestions"
        " WHERE store_id = $1::bigint AND product_id = $2::bigint"
        " AND status IN ('open', 'no_supplier') FOR UPDATE),"
        " u AS (UPDATE inventory.reorder_suggestions s SET status = $3, origin = $4,"
        " reason = $5, abc_class = $6, fill_rate_target = $7::float8,"
        " reorder_point = $8::bigint, order_up_to = $9::bigint, safety_stock = $10::float8,"
        " position = $11::bigint, order_quantity = $12::bigint, urgency = $13,"
        " stockout_date = date '1970-01-01' + $14::integer, lead_time_source = $15,"
        " supplier_id = $16::bigint, inputs = $17::jsonb, terms = $18::jsonb,"
        " supplier_choice = NULL, choice_quantity = NULL,"
        " updated_at = now() FROM o WHERE s.id = o.id AND $19::text IS NOT NULL"
        " RETURNING s.id, o.status)"
        " SELECT coalesce((SELECT id FROM u), 0), coalesce((SELECT status FROM u), '')",
        RS_VALUES_N, rp->p, &r, err);

    if (rc == TM_OK) {
        *id = tm_db_i64(r, 0, 0);
        tm_db_copy(was, size, r, 0, 1);
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_put(PGconn *db, const struct inv_rs_row *r, enum inv_rs_put *what, int64_t *id,
              struct tm_buf *out, struct tm_err *err)
{
    struct rs_params rp;
    char was[16] = "";
    enum tm_code rc;

    rs_params(r, &rp);
    *what = INV_RS_KEPT;
    rc = tm_db_i64_one(
        db,
        "WITH n AS (INSERT INTO inventory.reorder_suggestions (store_id, product_id, status,"
        " origin, reason, abc_class, fill_rate_target, reorder_point, order_up_to, safety_stock,"
        " position, order_quantity, urgency, stockout_date, lead_time_source, supplier_id, inputs,"
        " terms, created_by) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7::float8,"
        " $8::bigint, $9::bigint, $10::float8, $11::bigint, $12::bigint, $13,"
        " date '1970-01-01' + $14::integer, $15, $16::bigint, $17::jsonb, $18::jsonb, $19)"
        " ON CONFLICT (store_id, product_id) WHERE status IN " LIVE " DO NOTHING RETURNING id)"
        " SELECT coalesce((SELECT id FROM n), 0)",
        RS_VALUES_N, rp.p, id, err);
    if (rc == TM_OK && *id > 0) {
        *what = INV_RS_CREATED;
        return rs_json(db, *id, out, err);
    }
    if (rc == TM_OK && (rc = rs_refresh(db, &rp, id, was, sizeof was, err)) == TM_OK && *id > 0)
        *what = strcmp(was, "no_supplier") == 0 && strcmp(r->status, "open") == 0
                    ? INV_RS_OPENED
                    : INV_RS_REFRESHED;
    if (rc == TM_OK && *id == 0) { /* approving: the live one as it is */
        const char *params[2] = {rp.p[0], rp.p[1]};
        rc = tm_db_i64_one(db,
                           "SELECT coalesce((SELECT id FROM inventory.reorder_suggestions"
                           " WHERE store_id = $1::bigint AND product_id = $2::bigint"
                           " AND status IN " LIVE "), 0)",
                           2, params, id, err);
        if (rc == TM_OK && *id == 0) /* decided between the two statements */
            rc = tm_err_set(err, TM_UNAVAIL, NULL, "the level's suggestion changed; try again");
    }
    return rc == TM_OK ? rs_json(db, *id, out, err) : rc;
}

enum tm_code
inv_db_rs_get(PGconn *db, int64_t id, int64_t *store_id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   "SELECT s.store_id, " RS_JSON " FROM inventory.reorder_suggestions s"
                   " WHERE s.id = $1::bigint",
                   1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no reorder suggestion with this id");
    if (rc == TM_OK) {
        *store_id = tm_db_i64(r, 0, 0);
        rc = tm_buf_adds(out, tm_db_str(r, 0, 1));
        if (rc != TM_OK)
            rc = tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_live(PGconn *db, int64_t store_id, int64_t product_id, struct tm_buf *out,
               struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, store_id), tm_db_int(&b, product_id)};

    return tm_db_json_one(db,
                          "SELECT " RS_JSON " FROM inventory.reorder_suggestions s"
                          " WHERE s.store_id = $1::bigint AND s.product_id = $2::bigint"
                          " AND s.status IN " LIVE,
                          2, params, "product_id", "live reorder suggestion", out, err);
}

enum tm_code
inv_db_rs_head(PGconn *db, int64_t id, struct inv_rs_head *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT id, store_id, product_id, order_quantity, status"
                                 " FROM inventory.reorder_suggestions WHERE id = $1::bigint",
                                 1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no reorder suggestion with this id");
    if (rc == TM_OK) {
        out->id = tm_db_i64(r, 0, 0);
        out->store_id = tm_db_i64(r, 0, 1);
        out->product_id = tm_db_i64(r, 0, 2);
        out->order_quantity = tm_db_i64(r, 0, 3);
        tm_db_copy(out->status, sizeof out->status, r, 0, 4);
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_list(PGconn *db, const struct inv_rs_filter *f, const struct tm_page *pg,
               struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    const char *params[6] = {f->status,
                             f->store_id ? tm_db_int(&a, f->store_id) : NULL,
                             f->product_id ? tm_db_int(&b, f->product_id) : NULL,
                             f->store_scope,
                             tm_db_int(&c, pg->after_id),
                             tm_db_int(&d, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT s.id, " RS_JSON " FROM inventory.reorder_suggestions s"
                                 " WHERE ($1::text IS NULL OR s.status = $1)"
                                 " AND ($2::bigint IS NULL OR s.store_id = $2::bigint)"
                                 " AND ($3::bigint IS NULL OR s.product_id = $3::bigint)"
                                 " AND ($4::bigint[] IS NULL OR s.store_id = ANY($4::bigint[]))"
                                 " AND s.id > $5::bigint ORDER BY s.id LIMIT $6::bigint",
                                 6, params, &r, err);

    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_claim(PGconn *db, int64_t id, int *claimed, char *status, size_t size, int64_t *quantity,
                struct tm_buf *choice, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    /* the row as it was (read FOR UPDATE), and whether it moved; a stored
     * choice made for another quantity than the row's is dropped */
    enum tm_code rc = tm_db_exec(
        db,
        "WITH old AS (SELECT id, status, order_quantity, CASE WHEN choice_quantity ="
        " order_quantity THEN supplier_choice END AS choice FROM inventory.reorder_suggestions"
        " WHERE id = $1::bigint FOR UPDATE), u AS (UPDATE inventory.reorder_suggestions s"
        " SET status = 'approving', supplier_choice = old.choice,"
        " choice_quantity = CASE WHEN old.choice IS NOT NULL THEN old.order_quantity END,"
        " claimed_at = now(), updated_at = now() FROM old WHERE s.id = old.id"
        " AND old.status IN ('open', 'approving') RETURNING s.id)"
        " SELECT old.status, EXISTS (SELECT 1 FROM u), coalesce(old.choice::text, ''),"
        " old.order_quantity FROM old",
        1, params, &r, err);

    tm_buf_reset(choice);
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no reorder suggestion with this id");
    if (rc == TM_OK) {
        tm_db_copy(status, size, r, 0, 0);
        *claimed = tm_db_bool(r, 0, 1);
        *quantity = tm_db_i64(r, 0, 3);
        if (*claimed && tm_buf_adds(choice, tm_db_str(r, 0, 2)) != TM_OK)
            rc = tm_err_set(err, TM_TOOBIG, NULL, "the stored supplier choice is too large");
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_set_choice(PGconn *db, int64_t id, const char *choice_json, int64_t quantity,
                     struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[3] = {tm_db_int(&a, id), choice_json, tm_db_int(&b, quantity)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "UPDATE inventory.reorder_suggestions SET supplier_choice ="
        " coalesce(supplier_choice, $2::jsonb), choice_quantity = coalesce(choice_quantity,"
        " $3::bigint), updated_at = now() WHERE id = $1::bigint AND status = 'approving'"
        " AND order_quantity = $3::bigint RETURNING supplier_choice::text",
        3, params, &r, err);

    tm_buf_reset(out);
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_CONFLICT, "status",
                        "the reorder suggestion is no longer approving (or its quantity changed)");
    if (rc == TM_OK && tm_buf_adds(out, tm_db_str(r, 0, 0)) != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "the supplier choice is too large");
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_unclaim(PGconn *db, int64_t id, int no_choice, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, id), tm_db_int(&b, no_choice)};

    return tm_db_exec(db,
                      "UPDATE inventory.reorder_suggestions SET status = 'open',"
                      " supplier_choice = NULL, choice_quantity = NULL, claimed_at = NULL,"
                      " updated_at = now() WHERE id = $1::bigint AND status = 'approving'"
                      " AND ($2::integer = 0 OR supplier_choice IS NULL)",
                      2, params, NULL, err);
}

/* po_ids[0..n) as a bigint[] literal into arr (initialised here). */
static enum tm_code
po_array(struct tm_buf *arr, const int64_t *po_ids, int n, struct tm_err *err)
{
    tm_buf_init(arr, 4096);
    if (tm_db_int_array(arr, po_ids, sizeof po_ids[0], n) != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "too many purchase orders");
    return TM_OK;
}

/* the suggestion's purchase orders with $2's added, each once */
#define PO_UNION                                                                                   \
    "ARRAY(SELECT DISTINCT x FROM unnest(s.purchase_order_ids || $2::bigint[]) x ORDER BY x)"

enum tm_code
inv_db_rs_link(PGconn *db, int64_t id, const int64_t *po_ids, int n, struct tm_err *err)
{
    struct tm_db_int a;
    struct tm_buf arr;
    enum tm_code rc = po_array(&arr, po_ids, n, err);
    const char *params[2] = {tm_db_int(&a, id), arr.p};

    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "UPDATE inventory.reorder_suggestions s SET purchase_order_ids = " PO_UNION
                        ", updated_at = now() WHERE s.id = $1::bigint",
                        2, params, NULL, err);
    tm_buf_fini(&arr);
    return rc;
}

/* Runs a decision's UPDATE ... RETURNING id (params[0] the id): TM_CONFLICT
 * naming status when no row moved; else the JSON into out. */
static enum tm_code
decide(PGconn *db, const char *sql, int n, const char *const *params, int64_t id, const char *from,
       struct tm_buf *out, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, sql, n, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_CONFLICT, "status", "the reorder suggestion is no longer %s", from);
    PQclear(r);
    return rc == TM_OK ? rs_json(db, id, out, err) : rc;
}

enum tm_code
inv_db_rs_approved(PGconn *db, int64_t id, const int64_t *po_ids, int n, const char *who,
                   int *moved, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    struct tm_buf arr;
    PGresult *r = NULL;
    enum tm_code rc = po_array(&arr, po_ids, n, err);
    const char *params[3] = {tm_db_int(&a, id), arr.p, who};

    *moved = 0;
    /* open or approving: approved with them; decided otherwise (approved by
     * a concurrent attempt, rejected, expired): they are added to its
     * purchase orders, its status kept */
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "WITH old AS (SELECT id, status IN ('open', 'approving') AS live"
                        " FROM inventory.reorder_suggestions WHERE id = $1::bigint FOR UPDATE)"
                        " UPDATE inventory.reorder_suggestions s SET"
                        " status = CASE WHEN old.live THEN 'approved' ELSE s.status END,"
                        " purchase_order_ids = " PO_UNION ","
                        " decided_by = CASE WHEN old.live THEN $3 ELSE s.decided_by END,"
                        " decided_at = CASE WHEN old.live THEN now() ELSE s.decided_at END,"
                        " updated_at = now() FROM old WHERE s.id = old.id RETURNING old.live",
                        3, params, &r, err);
    tm_buf_fini(&arr);
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no reorder suggestion with this id");
    if (rc == TM_OK)
        *moved = tm_db_bool(r, 0, 0);
    PQclear(r);
    return rc == TM_OK ? rs_json(db, id, out, err) : rc;
}

enum tm_code
inv_db_rs_rejected(PGconn *db, int64_t id, const char *reason, const char *who, int stale_s,
                   struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[4] = {tm_db_int(&a, id), reason, who, tm_db_int(&b, stale_s)};

    return decide(db,
                  "UPDATE inventory.reorder_suggestions SET status = 'rejected',"
                  " reject_reason = $2, decided_by = $3, decided_at = now(), updated_at = now()"
                  " WHERE id = $1::bigint AND (status IN ('open', 'no_supplier') OR"
                  " (status = 'approving' AND claimed_at < now() - make_interval(secs =>"
                  " $4::integer))) RETURNING id",
                  4, params, id, "open (or approving for long)", out, err);
}

enum tm_code
inv_db_rs_expire(PGconn *db, int64_t store_id, int64_t product_id, const char *reason,
                 const char *who, int64_t *id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[4] = {tm_db_int(&a, store_id), tm_db_int(&b, product_id), reason, who};
    enum tm_code rc =
        tm_db_i64_one(db,
                      "WITH u AS (UPDATE inventory.reorder_suggestions SET status = 'expired',"
                      " reject_reason = $3, decided_by = $4, decided_at = now(), updated_at = now()"
                      " WHERE store_id = $1::bigint AND product_id = $2::bigint"
                      " AND status IN ('open', 'no_supplier') RETURNING id)"
                      " SELECT coalesce((SELECT id FROM u), 0)",
                      4, params, id, err);

    return rc == TM_OK && *id > 0 ? rs_json(db, *id, out, err) : rc;
}

enum tm_code
inv_db_rs_revenue(PGconn *db, int days, int64_t **ids, double **revenue, size_t *n,
                  struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, days)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT p.id, (coalesce(m.sold, 0) * p.unit_price_cents)::float8"
        " FROM inventory.products p LEFT JOIN (SELECT product_id, -sum(quantity) AS sold"
        " FROM inventory.movements WHERE type = 'sale'"
        " AND created_at >= now() - make_interval(days => $1::integer) GROUP BY product_id) m"
        " ON m.product_id = p.id ORDER BY p.id",
        1, params, &r, err);

    *ids = NULL;
    *revenue = NULL;
    *n = 0;
    if (rc == TM_OK) {
        size_t rows = (size_t)PQntuples(r);
        *ids = tm_xcalloc(rows ? rows : 1, sizeof **ids);
        *revenue = tm_xcalloc(rows ? rows : 1, sizeof **revenue);
        for (size_t i = 0; i < rows; i++) {
            (*ids)[i] = tm_db_i64(r, (int)i, 0);
            (*revenue)[i] = strtod(tm_db_str(r, (int)i, 1), NULL);
            if (!((*revenue)[i] > 0))
                (*revenue)[i] = 0;
        }
        *n = rows;
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_scan_levels(PGconn *db, int days, int max, struct inv_rs_level *out, int *n,
                      struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, days), tm_db_int(&b, max)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT s.store_id, s.product_id FROM inventory.stock s"
        " WHERE s.reorder_point > 0 OR EXISTS (SELECT 1 FROM inventory.movements m"
        " WHERE m.store_id = s.store_id AND m.product_id = s.product_id AND m.type = 'sale'"
        " AND m.created_at >= now() - make_interval(days => $1::integer))"
        " ORDER BY (coalesce(s.supply_changed_at > s.reorder_scanned_at, false) AND EXISTS"
        " (SELECT 1 FROM inventory.reorder_suggestions g WHERE g.store_id = s.store_id"
        " AND g.product_id = s.product_id AND g.status IN ('open', 'approving', 'no_supplier')))"
        " DESC,"
        " (s.reorder_scanned_at IS NULL OR coalesce(s.demand_moved_at > s.reorder_scanned_at"
        " OR s.supply_changed_at > s.reorder_scanned_at, false)) DESC,"
        " s.reorder_scanned_at NULLS FIRST, s.store_id, s.product_id LIMIT $2::integer",
        2, params, &r, err);

    *n = 0;
    if (rc == TM_OK) {
        for (int i = 0; i < PQntuples(r) && i < max; i++) {
            out[i].store_id = tm_db_i64(r, i, 0);
            out[i].product_id = tm_db_i64(r, i, 1);
            (*n)++;
        }
    }
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_rs_supply_changed(PGconn *db, int64_t product_id, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, product_id)};

    return tm_db_exec(db,
                      "UPDATE inventory.stock SET supply_changed_at = now()"
                      " WHERE product_id = $1::bigint",
                      1, params, NULL, err);
}

enum tm_code
inv_db_rs_scanned(PGconn *db, int64_t store_id, int64_t product_id, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, store_id), tm_db_int(&b, product_id)};

    return tm_db_exec(db,
                      "UPDATE inventory.stock SET reorder_scanned_at = now()"
                      " WHERE store_id = $1::bigint AND product_id = $2::bigint",
                      2, params, NULL, err);
}

enum tm_code
inv_db_rs_manual(PGconn *db, int64_t store_id, int64_t product_id, int *manual, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, store_id), tm_db_int(&b, product_id)};
    int64_t v = 0;
    enum tm_code rc = tm_db_i64_one(db,
                                    "SELECT coalesce((SELECT reorder_manual::integer FROM"
                                    " inventory.stock WHERE store_id = $1::bigint"
                                    " AND product_id = $2::bigint), 0)",
                                    2, params, &v, err);

    *manual = v != 0;
    return rc;
}

enum tm_code
inv_db_rs_pin(PGconn *db, int64_t store_id, int64_t product_id, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, store_id), tm_db_int(&b, product_id)};

    return tm_db_exec(db,
                      "UPDATE inventory.stock SET reorder_manual = true"
                      " WHERE store_id = $1::bigint AND product_id = $2::bigint",
                      2, params, NULL, err);
}
