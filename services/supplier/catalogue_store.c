/* services/supplier/catalogue_store.c — the catalogue cache's SQL. A fetch
 * of up to 100,000 items is written in three statements (the header row,
 * the old items deleted, the new ones inserted from one JSON parameter
 * through jsonb_to_recordset), not one round trip per item. */
#include "services/supplier/catalogue_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/json.h"

#define ITEMS_PARAM_MAX ((size_t)64 << 20) /* 100,000 items of at most ~600 bytes */

static void
source_row(const PGresult *r, int row, void *out)
{
    struct sup_cat_source *s = out;

    s->supplier_id = tm_db_i64(r, row, 0);
    tm_db_copy(s->api_url, sizeof s->api_url, r, row, 1);
    tm_db_copy(s->api_key, sizeof s->api_key, r, row, 2);
}

enum tm_code
sup_cat_sources(PGconn *db, int64_t after_id, int max, struct sup_cat_source *out, int *n,
                struct tm_err *err)
{
    struct tm_db_int a, m;
    const char *params[2] = {tm_db_int(&a, after_id), tm_db_int(&m, max)};

    return tm_db_many(db,
                      "SELECT id, api_url, COALESCE(api_key, '') FROM supplier.suppliers"
                      " WHERE active AND api_url IS NOT NULL AND id > $1::bigint"
                      " ORDER BY id LIMIT $2::bigint",
                      2, params, source_row, out, sizeof *out, n, err);
}

/* The items as [{"p","n","a","l","b":[{"min_quantity","unit_price_cents"}]}]. */
static enum tm_code
items_json(const struct sup_api_catalogue *c, struct tm_buf *b)
{
    enum tm_code rc = tm_buf_adds(b, "[");

    for (int i = 0; i < c->n_items && rc == TM_OK; i++) {
        const struct sup_api_item *it = &c->items[i];

        rc = tm_buf_printf(b, "%s{\"p\":%" PRId64 ",\"a\":%" PRId64 ",\"l\":%d", i ? "," : "",
                           it->product_id, it->available, it->lead_time_days);
        if (rc == TM_OK)
            rc = tm_json_kv_str(b, "n", it->name, 0);
        if (rc == TM_OK)
            rc = tm_buf_adds(b, ",\"b\":[");
        for (int k = 0; k < it->n_breaks && rc == TM_OK; k++)
            rc = tm_buf_printf(
                b, "%s{\"min_quantity\":%" PRId64 ",\"unit_price_cents\":%" PRId64 "}",
                k ? "," : "", it->breaks[k].min_quantity, it->breaks[k].unit_price_cents);
        if (rc == TM_OK)
            rc = tm_buf_adds(b, "]}");
    }
    return rc == TM_OK ? tm_buf_adds(b, "]") : rc;
}

enum tm_code
sup_cat_store(PGconn *db, int64_t sid, const struct sup_api_catalogue *c, struct tm_err *err)
{
    struct tm_db_int s, n;
    struct tm_buf items;
    const char *head[4] = {tm_db_int(&s, sid), c->currency, c->as_of, tm_db_int(&n, c->n_items)};
    const char *ins[2] = {head[0], NULL};
    enum tm_code rc;

    tm_buf_init(&items, ITEMS_PARAM_MAX);
    if (items_json(c, &items) != TM_OK) {
        rc = tm_err_set(err, TM_TOOBIG, NULL, "catalogue too large to store");
        goto out;
    }
    ins[1] = items.p;
    if ((rc = tm_db_exec(db,
                         "INSERT INTO supplier.catalogues AS c (supplier_id, currency, as_of,"
                         " fetched_at, attempted_at, last_error, n_items)"
                         " VALUES ($1::bigint, $2, NULLIF($3, ''), now(), now(), NULL, $4::integer)"
                         " ON CONFLICT (supplier_id) DO UPDATE SET currency = EXCLUDED.currency,"
                         " as_of = EXCLUDED.as_of, fetched_at = now(), attempted_at = now(),"
                         " last_error = NULL, n_items = EXCLUDED.n_items",
                         4, head, NULL, err)) != TM_OK ||
        (rc = tm_db_exec(db, "DELETE FROM supplier.catalogue_items WHERE supplier_id = $1::bigint",
                         1, head, NULL, err)) != TM_OK)
        goto out;
    rc =
        tm_db_exec(db,
                   "INSERT INTO supplier.catalogue_items (supplier_id, product_id, name, available,"
                   " lead_time_days, price_breaks)"
                   " SELECT $1::bigint, x.p, x.n, x.a, x.l, x.b"
                   " FROM jsonb_to_recordset($2::jsonb) AS x(p bigint, n text, a bigint, l integer,"
                   " b jsonb)",
                   2, ins, NULL, err);
out:
    tm_buf_fini(&items);
    return rc;
}

enum tm_code
sup_cat_failed(PGconn *db, int64_t sid, const char *error, struct tm_err *err)
{
    char msg[SUP_CAT_ERROR_MAX + 1];
    struct tm_db_int s;
    const char *params[2] = {tm_db_int(&s, sid), msg};

    /* kept as ASCII: a cut multi-byte character would not be valid text */
    snprintf(msg, sizeof msg, "%s", error && error[0] ? error : "failed");
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    return tm_db_exec(db,
                      "INSERT INTO supplier.catalogues AS c (supplier_id, attempted_at, last_error)"
                      " VALUES ($1::bigint, now(), $2) ON CONFLICT (supplier_id) DO UPDATE"
                      " SET attempted_at = now(), last_error = EXCLUDED.last_error",
                      2, params, NULL, err);
}

/* The header members, all but the items: one row of JSON-ready columns. */
static enum tm_code
head_json(PGconn *db, int64_t sid, int stale_after_s, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int s, st;
    const char *params[2] = {tm_db_int(&s, sid), tm_db_int(&st, stale_after_s)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT json_build_object('supplier_id', s.id, 'currency', c.currency, 'as_of', c.as_of,"
        " 'fetched_at', " TM_DB_TS(
            "c.fetched_at") ","
                            " 'age_s', floor(extract(epoch FROM now() - c.fetched_at))::bigint,"
                            " 'stale', c.fetched_at IS NULL OR c.last_error IS NOT NULL"
                            "  OR c.fetched_at < now() - $2::integer * interval '1 second',"
                            " 'last_error', c.last_error, 'attempted_at', " TM_DB_TS(
                                "c.attempted_at") ","
                                                  " 'n_items', COALESCE(c.n_items, 0))::text"
                                                  " FROM supplier.suppliers s LEFT JOIN "
                                                  "supplier.catalogues c ON c.supplier_id = s.id"
                                                  " WHERE s.id = $1::bigint",
        2, params, &r, err);

    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no supplier with this id");
    else /* the document without its closing brace: the items follow */
        rc = tm_buf_add(out, tm_db_str(r, 0, 0), strlen(tm_db_str(r, 0, 0)) - 1);
    PQclear(r);
    return rc;
}

enum tm_code
sup_cat_get(PGconn *db, int64_t sid, int stale_after_s, const struct tm_page *pg,
            struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int s, after, lim;
    const char *params[3] = {tm_db_int(&s, sid), tm_db_int(&after, pg->after_id),
                             tm_db_int(&lim, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc;
    int n, shown;

    if ((rc = head_json(db, sid, stale_after_s, out, err)) != TM_OK)
        return rc;
    if ((rc =
             tm_db_exec(db,
                        "SELECT i.product_id, json_build_object('sku', i.product_id::text,"
                        " 'product_id', i.product_id, 'name', i.name, 'available', i.available,"
                        " 'lead_time_days', i.lead_time_days, 'price_breaks', i.price_breaks)::text"
                        " FROM supplier.catalogue_items i WHERE i.supplier_id = $1::bigint"
                        " AND i.product_id > $2::bigint ORDER BY i.product_id LIMIT $3::bigint",
                        3, params, &r, err)) != TM_OK)
        return rc;
    n = PQntuples(r);
    shown = n > pg->limit ? (int)pg->limit : n;
    rc = tm_buf_adds(out, ",\"items\":[");
    for (int i = 0; i < shown && rc == TM_OK; i++)
        rc = tm_buf_printf(out, "%s%s", i ? "," : "", tm_db_str(r, i, 1));
    if (rc == TM_OK && (rc = tm_buf_adds(out, "]")) == TM_OK)
        rc = tm_page_next(out, n > pg->limit, shown ? tm_db_i64(r, shown - 1, 0) : 0);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}");
    PQclear(r);
    return rc == TM_TOOBIG ? tm_err_set(err, TM_TOOBIG, NULL, "reply too large") : rc;
}
