/* services/inventory/forecast_store.c — see forecast_store.h. */
#include "services/inventory/forecast_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tm_code
inv_db_demand(PGconn *db, const struct inv_demand_filter *f, int64_t *day0,
              struct inv_demand_day **rows, size_t *n, struct tm_err *err)
{
    char p1[24], p2[24], p3[24], p4[24];
    const char *params[] = {p1, p2, p3, p4};
    PGresult *r = NULL;
    enum tm_code rc;

    snprintf(p1, sizeof p1, "%d", f->days);
    snprintf(p2, sizeof p2, "%" PRId64, f->product_id);
    snprintf(p3, sizeof p3, "%" PRId64, f->category_id);
    snprintf(p4, sizeof p4, "%" PRId64, f->store_id);
    *rows = NULL;
    *n = 0;
    rc = tm_db_exec(
        db,
        "WITH w AS (SELECT (now() AT TIME ZONE 'UTC')::date - $1::int AS first)"
        " SELECT m.store_id, m.product_id,"
        " (m.created_at AT TIME ZONE 'UTC')::date - w.first,"
        " COALESCE(sum(-m.quantity) FILTER (WHERE m.type = 'sale' AND c.sale_id IS NULL), 0),"
        " (array_agg(m.on_hand_after ORDER BY m.id DESC))[1],"
        " w.first - date '1970-01-01'"
        " FROM w CROSS JOIN inventory.movements m"
        " LEFT JOIN inventory.stock_commits c ON m.type = 'sale' AND m.ref_type = 'sale'"
        "  AND c.sale_id = m.ref_id AND c.status = 'reversed'"
        " WHERE m.created_at >= w.first::timestamp AT TIME ZONE 'UTC'"
        " AND m.created_at < (w.first + $1::int)::timestamp AT TIME ZONE 'UTC'"
        " AND m.type <> 'reservation' AND m.type <> 'release'"
        " AND ($2::bigint = 0 OR m.product_id = $2)"
        " AND ($4::bigint = 0 OR m.store_id = $4)"
        " AND ($3::bigint = 0 OR m.product_id IN"
        "  (SELECT id FROM inventory.products WHERE category_id = $3))"
        " GROUP BY 1, 2, 3, w.first ORDER BY 1, 2, 3",
        4, params, &r, err);
    if (rc != TM_OK)
        return rc;
    int rn = PQntuples(r);
    if (rn > 0) {
        *rows = calloc((size_t)rn, sizeof **rows);
        if (!*rows) {
            PQclear(r);
            return tm_err_set(err, TM_INTERNAL, NULL, "out of memory for %d demand rows", rn);
        }
    }
    for (int i = 0; i < rn; i++) {
        struct inv_demand_day *d = &(*rows)[i];
        d->store_id = tm_db_i64(r, i, 0);
        d->product_id = tm_db_i64(r, i, 1);
        d->day = (int)tm_db_i64(r, i, 2);
        d->sold = tm_db_i64(r, i, 3);
        d->closing = tm_db_i64(r, i, 4);
    }
    *n = (size_t)rn;
    if (rn > 0)
        *day0 = tm_db_i64(r, 0, 5);
    PQclear(r);
    if (rn == 0) {
        /* no rows: the window's first day all the same */
        rc = tm_db_exec(db, "SELECT (now() AT TIME ZONE 'UTC')::date - $1::int - date '1970-01-01'",
                        1, params, &r, err);
        if (rc == TM_OK) {
            *day0 = tm_db_i64(r, 0, 0);
            PQclear(r);
        }
    }
    return rc;
}

enum tm_code
inv_db_demand_products(PGconn *db, int days, int64_t **products, int64_t **categories, size_t *n,
                       struct tm_err *err)
{
    char p1[24];
    const char *params[] = {p1};
    PGresult *r = NULL;
    enum tm_code rc;

    snprintf(p1, sizeof p1, "%d", days);
    *products = *categories = NULL;
    *n = 0;
    rc = tm_db_exec(db,
                    "SELECT p.id, p.category_id FROM inventory.products p WHERE EXISTS"
                    " (SELECT 1 FROM inventory.movements m WHERE m.product_id = p.id"
                    "  AND m.type = 'sale' AND m.created_at >= now() - $1::int * interval '1 day')"
                    " ORDER BY p.id",
                    1, params, &r, err);
    if (rc != TM_OK)
        return rc;
    int rn = PQntuples(r);
    *products = calloc((size_t)rn + 1, sizeof **products);
    *categories = calloc((size_t)rn + 1, sizeof **categories);
    if (!*products || !*categories) {
        free(*products);
        free(*categories);
        *products = *categories = NULL;
        PQclear(r);
        return tm_err_set(err, TM_INTERNAL, NULL, "out of memory for %d products", rn);
    }
    for (int i = 0; i < rn; i++) {
        (*products)[i] = tm_db_i64(r, i, 0);
        (*categories)[i] = tm_db_i64(r, i, 1);
    }
    *n = (size_t)rn;
    PQclear(r);
    return TM_OK;
}

static void
id_or_null(char *buf, size_t size, int64_t id, const char **param)
{
    snprintf(buf, size, "%" PRId64, id);
    *param = id > 0 ? buf : NULL;
}

enum tm_code
inv_db_forecast_put(PGconn *db, const struct inv_forecast_row *f, struct tm_err *err)
{
    char h[16], pid[24], sid[24], cid[24], total[40];
    const char *params[9] = {f->series, h, NULL, NULL, NULL, f->cls, f->model, total, f->body};

    snprintf(h, sizeof h, "%d", f->horizon_days);
    snprintf(total, sizeof total, "%.6f", f->total);
    id_or_null(pid, sizeof pid, f->product_id, &params[2]);
    id_or_null(sid, sizeof sid, f->store_id, &params[3]);
    id_or_null(cid, sizeof cid, f->category_id, &params[4]);
    return tm_db_exec(db,
                      "INSERT INTO inventory.forecasts (series, horizon_days, product_id, store_id,"
                      " category_id, class, model, total, body)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::json)"
                      " ON CONFLICT (series, horizon_days) DO UPDATE SET"
                      " class = EXCLUDED.class, model = EXCLUDED.model, total = EXCLUDED.total,"
                      " body = EXCLUDED.body, computed_at = now()",
                      9, params, NULL, err);
}

enum tm_code
inv_db_forecast_get(PGconn *db, const char *series, int horizon_days, int64_t max_age_s,
                    struct tm_buf *out, struct tm_err *err)
{
    char h[16], age[24];
    const char *params[] = {series, h, age};
    PGresult *r = NULL;
    enum tm_code rc;

    snprintf(h, sizeof h, "%d", horizon_days);
    snprintf(age, sizeof age, "%" PRId64, max_age_s);
    rc = tm_db_exec(db,
                    "SELECT body::text FROM inventory.forecasts WHERE series = $1"
                    " AND horizon_days = $2 AND computed_at >= now() - $3::bigint * interval '1 s'",
                    3, params, &r, err);
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "product_id", "no stored forecast");
    else
        rc = tm_buf_adds(out, PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}
