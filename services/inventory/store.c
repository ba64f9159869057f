/* services/inventory/store.c — SQL for the catalogue. Every statement is
 * parameterized; optional filters are "($n IS NULL OR ...)" so each query is
 * one fixed text. Lists use keyset paging on id (WHERE id > cursor ORDER BY
 * id LIMIT n+1), which stays fast at any depth. */
#include "services/inventory/store.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"

#include "proto/limits.h"

#define CAT_COLS                                                                                   \
    "id, name, description, COALESCE(parent_id, 0), active, " TM_DB_TS(                            \
        "created_at") ", " TM_DB_TS("updated_"                                                     \
                                    "at")
#define PROD_COLS                                                                                  \
    "id, sku, name, category_id, unit_price_cents, unit_cost_cents, unit_of_measure, "             \
    "pack_size, active, " TM_DB_TS("created_at") ", " TM_DB_TS("updated_at")
#define STORE_COLS                                                                                 \
    "id, code, name, city, time_zone, active, " TM_DB_TS("created_at") ", " TM_DB_TS(              \
        "updated_at") ", holiday_country"

/* Database constraint → the client's field and what to tell them. */
static const struct {
    const char *constraint, *field, *message;
} constraint_fields[] = {
    {"categories_name_key", "name", "a category with this name exists"},
    {"categories_parent_id_fkey", "parent_id", "no category has this parent_id"},
    {"categories_not_own_parent", "parent_id", "a category cannot be its own parent"},
    {"products_sku_key", "sku", "a product with this sku exists"},
    {"products_category_fkey", "category_id", "no category has this category_id"},
    {"stores_code_key", "code", "a store with this code exists"},
};

static enum tm_code
translate(enum tm_code rc, struct tm_err *err)
{
    if (!err || rc == TM_OK)
        return rc;
    for (size_t i = 0; i < sizeof constraint_fields / sizeof constraint_fields[0]; i++)
        if (strcmp(err->field, constraint_fields[i].constraint) == 0)
            return tm_err_set(err, rc, constraint_fields[i].field, "%s",
                              constraint_fields[i].message);
    return rc;
}

static void
row_category(const PGresult *r, int i, struct inv_category *c)
{
    c->id = tm_db_i64(r, i, 0);
    tm_db_copy(c->name, sizeof c->name, r, i, 1);
    tm_db_copy(c->description, sizeof c->description, r, i, 2);
    c->parent_id = tm_db_i64(r, i, 3);
    c->active = tm_db_bool(r, i, 4);
    tm_db_copy(c->created_at, sizeof c->created_at, r, i, 5);
    tm_db_copy(c->updated_at, sizeof c->updated_at, r, i, 6);
}

static void
row_product(const PGresult *r, int i, struct inv_product *p)
{
    p->id = tm_db_i64(r, i, 0);
    tm_db_copy(p->sku, sizeof p->sku, r, i, 1);
    tm_db_copy(p->name, sizeof p->name, r, i, 2);
    p->category_id = tm_db_i64(r, i, 3);
    p->unit_price_cents = tm_db_i64(r, i, 4);
    p->unit_cost_cents = tm_db_i64(r, i, 5);
    tm_db_copy(p->unit_of_measure, sizeof p->unit_of_measure, r, i, 6);
    p->pack_size = tm_db_i64(r, i, 7);
    p->active = tm_db_bool(r, i, 8);
    tm_db_copy(p->created_at, sizeof p->created_at, r, i, 9);
    tm_db_copy(p->updated_at, sizeof p->updated_at, r, i, 10);
}

static void
row_store(const PGresult *r, int i, struct inv_store *s)
{
    s->id = tm_db_i64(r, i, 0);
    tm_db_copy(s->code, sizeof s->code, r, i, 1);
    tm_db_copy(s->name, sizeof s->name, r, i, 2);
    tm_db_copy(s->city, sizeof s->city, r, i, 3);
    tm_db_copy(s->time_zone, sizeof s->time_zone, r, i, 4);
    s->active = tm_db_bool(r, i, 5);
    tm_db_copy(s->created_at, sizeof s->created_at, r, i, 6);
    tm_db_copy(s->updated_at, sizeof s->updated_at, r, i, 7);
    tm_db_copy(s->holiday_country, sizeof s->holiday_country, r, i, 8);
}

/* tm_db_one, with constraint names translated to the client's fields. */
static enum tm_code
one_row(PGconn *db, const char *sql, int n, const char *const *params, tm_db_row_fn fn, void *out,
        const char *what, struct tm_err *err)
{
    return translate(tm_db_one(db, sql, n, params, fn, out, what, err), err);
}

static void
cat_fn(const PGresult *r, int i, void *out)
{
    row_category(r, i, out);
}
static void
prod_fn(const PGresult *r, int i, void *out)
{
    row_product(r, i, out);
}
static void
store_fn(const PGresult *r, int i, void *out)
{
    row_store(r, i, out);
}

/* Runs a list statement with the parameters every list shares: $1 the
 * cursor's id, $2 the page size plus one, $3 the ILIKE pattern of f->q
 * (tm_db_like: matched literally) or NULL, $4 the active filter (or NULL),
 * and, when n is 5, $5 the category. */
static enum tm_code
list_rows(PGconn *db, const char *sql, int n, const struct inv_filter *f, const struct tm_page *pg,
          tm_db_row_fn fn, void *out, size_t size, int *count, struct tm_err *err)
{
    struct tm_db_int after, limit, cat;
    char like[TM_DB_LIKE_SIZE(TM_SEARCH_MAX)];
    const char *params[5] = {tm_db_int(&after, pg->after_id), tm_db_int(&limit, pg->limit + 1),
                             f->q ? like : NULL,
                             f->active < 0 ? NULL
                             : f->active   ? "true"
                                           : "false",
                             f->category_id ? tm_db_int(&cat, f->category_id) : NULL};

    if (f->q && tm_db_like(f->q, TM_DB_LIKE_CONTAINS, like, sizeof like, err) != TM_OK)
        return tm_err_set(err, TM_INVALID, "q", "q is longer than %d bytes", TM_SEARCH_MAX);
    return tm_db_many(db, sql, n, params, fn, out, size, count, err);
}

/* ------------------------------------------------------------ categories */

enum tm_code
inv_db_category_create(PGconn *db, struct inv_category *c, struct tm_err *err)
{
    struct tm_db_int parent;
    const char *params[3] = {c->name, c->description,
                             c->parent_id ? tm_db_int(&parent, c->parent_id) : NULL};

    return one_row(db,
                   "INSERT INTO inventory.categories (name, description, parent_id) "
                   "VALUES ($1, $2, $3) RETURNING " CAT_COLS,
                   3, params, cat_fn, c, "category", err);
}

enum tm_code
inv_db_category_get(PGconn *db, int64_t id, struct inv_category *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return one_row(db, "SELECT " CAT_COLS " FROM inventory.categories WHERE id = $1", 1, params,
                   cat_fn, out, "category", err);
}

enum tm_code
inv_db_category_update(PGconn *db, int64_t id, const struct inv_category *in, unsigned set,
                       struct inv_category *out, struct tm_err *err)
{
    struct tm_db_int nid, parent;
    const char *params[6] = {
        tm_db_int(&nid, id),
        (set & INV_F_NAME) ? in->name : NULL,
        (set & INV_F_DESCRIPTION) ? in->description : NULL,
        (set & INV_F_PARENT) ? "1" : NULL,
        (set & INV_F_PARENT) && in->parent_id ? tm_db_int(&parent, in->parent_id) : NULL,
        (set & INV_F_ACTIVE) ? (in->active ? "true" : "false") : NULL,
    };

    return one_row(db,
                   "UPDATE inventory.categories SET name = COALESCE($2, name),"
                   " description = COALESCE($3, description),"
                   " parent_id = CASE WHEN $4::int IS NULL THEN parent_id ELSE $5::bigint END,"
                   " active = COALESCE($6::boolean, active), updated_at = now()"
                   " WHERE id = $1 RETURNING " CAT_COLS,
                   6, params, cat_fn, out, "category", err);
}

enum tm_code
inv_db_category_list(PGconn *db, const struct inv_filter *f, const struct tm_page *pg,
                     struct inv_category *out, int *n, struct tm_err *err)
{
    return list_rows(db,
                     "SELECT " CAT_COLS " FROM inventory.categories WHERE id > $1"
                     " AND ($3::text IS NULL OR name ILIKE $3)"
                     " AND ($4::boolean IS NULL OR active = $4) ORDER BY id LIMIT $2",
                     4, f, pg, cat_fn, out, sizeof *out, n, err);
}

/* -------------------------------------------------------------- products */

enum tm_code
inv_db_product_create(PGconn *db, struct inv_product *p, struct tm_err *err)
{
    struct tm_db_int cat, price, cost, pack;
    const char *params[7] = {p->sku,
                             p->name,
                             tm_db_int(&cat, p->category_id),
                             tm_db_int(&price, p->unit_price_cents),
                             tm_db_int(&cost, p->unit_cost_cents),
                             p->unit_of_measure,
                             tm_db_int(&pack, p->pack_size)};

    return one_row(db,
                   "INSERT INTO inventory.products (sku, name, category_id, unit_price_cents,"
                   " unit_cost_cents, unit_of_measure, pack_size)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " PROD_COLS,
                   7, params, prod_fn, p, "product", err);
}

enum tm_code
inv_db_product_get(PGconn *db, int64_t id, struct inv_product *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return one_row(db, "SELECT " PROD_COLS " FROM inventory.products WHERE id = $1", 1, params,
                   prod_fn, out, "product", err);
}

enum tm_code
inv_db_product_update(PGconn *db, int64_t id, const struct inv_product *in, unsigned set,
                      struct inv_product *out, struct tm_err *err)
{
    struct tm_db_int nid, cat, price, cost, pack;
    const char *params[9] = {
        tm_db_int(&nid, id),
        (set & INV_F_SKU) ? in->sku : NULL,
        (set & INV_F_NAME) ? in->name : NULL,
        (set & INV_F_CATEGORY) ? tm_db_int(&cat, in->category_id) : NULL,
        (set & INV_F_PRICE) ? tm_db_int(&price, in->unit_price_cents) : NULL,
        (set & INV_F_COST) ? tm_db_int(&cost, in->unit_cost_cents) : NULL,
        (set & INV_F_UOM) ? in->unit_of_measure : NULL,
        (set & INV_F_PACK) ? tm_db_int(&pack, in->pack_size) : NULL,
        (set & INV_F_ACTIVE) ? (in->active ? "true" : "false") : NULL,
    };

    return one_row(db,
                   "UPDATE inventory.products SET sku = COALESCE($2, sku),"
                   " name = COALESCE($3, name), category_id = COALESCE($4::bigint, category_id),"
                   " unit_price_cents = COALESCE($5::bigint, unit_price_cents),"
                   " unit_cost_cents = COALESCE($6::bigint, unit_cost_cents),"
                   " unit_of_measure = COALESCE($7, unit_of_measure),"
                   " pack_size = COALESCE($8::int, pack_size),"
                   " active = COALESCE($9::boolean, active), updated_at = now()"
                   " WHERE id = $1 RETURNING " PROD_COLS,
                   9, params, prod_fn, out, "product", err);
}

enum tm_code
inv_db_product_list(PGconn *db, const struct inv_filter *f, const struct tm_page *pg,
                    struct inv_product *out, int *n, struct tm_err *err)
{
    return list_rows(db,
                     "SELECT " PROD_COLS " FROM inventory.products WHERE id > $1"
                     " AND ($3::text IS NULL OR name ILIKE $3 OR sku ILIKE $3)"
                     " AND ($4::boolean IS NULL OR active = $4)"
                     " AND ($5::bigint IS NULL OR category_id = $5) ORDER BY id LIMIT $2",
                     5, f, pg, prod_fn, out, sizeof *out, n, err);
}

enum tm_code
inv_db_count_products(PGconn *db, int64_t *out, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, "SELECT count(*) FROM inventory.products", 0, NULL, &r, err);

    if (rc == TM_OK)
        *out = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

/* ---------------------------------------------------------------- stores */

/* The database knows every IANA zone; asking it keeps one list of truth. */
static enum tm_code
check_tz(PGconn *db, const char *tz, struct tm_err *err)
{
    const char *params[1] = {tz};
    enum tm_code rc = tm_db_exec(db, "SELECT now() AT TIME ZONE $1", 1, params, NULL, err);

    if (rc == TM_INVALID)
        return tm_err_set(err, TM_INVALID, "time_zone", "time_zone '%s' is not a known zone", tz);
    return rc;
}

enum tm_code
inv_db_store_create(PGconn *db, struct inv_store *s, struct tm_err *err)
{
    const char *params[5] = {s->code, s->name, s->city, s->time_zone, s->holiday_country};
    enum tm_code rc = check_tz(db, s->time_zone, err);

    if (rc != TM_OK)
        return rc;
    return one_row(db,
                   "INSERT INTO inventory.stores (code, name, city, time_zone, holiday_country)"
                   " VALUES ($1, $2, $3, $4, $5) RETURNING " STORE_COLS,
                   5, params, store_fn, s, "store", err);
}

enum tm_code
inv_db_store_get(PGconn *db, int64_t id, struct inv_store *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return one_row(db, "SELECT " STORE_COLS " FROM inventory.stores WHERE id = $1", 1, params,
                   store_fn, out, "store", err);
}

enum tm_code
inv_db_store_update(PGconn *db, int64_t id, const struct inv_store *in, unsigned set,
                    struct inv_store *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[7] = {
        tm_db_int(&nid, id),
        (set & INV_F_CODE) ? in->code : NULL,
        (set & INV_F_NAME) ? in->name : NULL,
        (set & INV_F_CITY) ? in->city : NULL,
        (set & INV_F_TZ) ? in->time_zone : NULL,
        (set & INV_F_ACTIVE) ? (in->active ? "true" : "false") : NULL,
        (set & INV_F_COUNTRY) ? in->holiday_country : NULL,
    };
    enum tm_code rc = (set & INV_F_TZ) ? check_tz(db, in->time_zone, err) : TM_OK;

    if (rc != TM_OK)
        return rc;
    rc = one_row(db,
                 "UPDATE inventory.stores SET code = COALESCE($2, code),"
                 " name = COALESCE($3, name), city = COALESCE($4, city),"
                 " time_zone = COALESCE($5, time_zone),"
                 " active = COALESCE($6::boolean, active),"
                 " holiday_country = COALESCE($7, holiday_country), updated_at = now()"
                 " WHERE id = $1 RETURNING " STORE_COLS,
                 7, params, store_fn, out, "store", err);
    /* its holidays feed its forecasts: due again (calendar_store.h) */
    if (rc == TM_OK && (set & INV_F_COUNTRY))
        rc = tm_db_exec(db,
                        "UPDATE inventory.stock SET demand_moved_at = now(),"
                        " forecast_due_on = (now() AT TIME ZONE 'UTC')::date WHERE store_id = $1",
                        1, params, NULL, err);
    return rc;
}

enum tm_code
inv_db_store_list(PGconn *db, const struct inv_filter *f, const struct tm_page *pg,
                  struct inv_store *out, int *n, struct tm_err *err)
{
    return list_rows(db,
                     "SELECT " STORE_COLS " FROM inventory.stores WHERE id > $1"
                     " AND ($3::text IS NULL OR name ILIKE $3 OR code ILIKE $3 OR city ILIKE $3)"
                     " AND ($4::boolean IS NULL OR active = $4) ORDER BY id LIMIT $2",
                     4, f, pg, store_fn, out, sizeof *out, n, err);
}

/* ---------------------------------------------------------------- outbox */

const struct tm_outbox inv_outbox = {"inventory"};
