/* services/inventory/forecast_store.c — see forecast_store.h. */
#include "services/inventory/forecast_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

/* The window's movements that count: $1 days, product $2 (0: any),
 * category $3 (0: any), store $4 (0: any); w.first is the window's first
 * day. Reservations and releases move no stock sold. */
#define DEMAND_FROM                                                                                \
    " FROM (SELECT (now() AT TIME ZONE 'UTC')::date - $1::int AS first) w"                         \
    " CROSS JOIN inventory.movements m"                                                            \
    " LEFT JOIN inventory.stock_commits c ON m.type = 'sale' AND m.ref_type = 'sale'"              \
    "  AND c.sale_id = m.ref_id AND c.status = 'reversed'"                                         \
    " WHERE m.created_at >= w.first::timestamp AT TIME ZONE 'UTC'"                                 \
    " AND m.created_at < (w.first + $1::int)::timestamp AT TIME ZONE 'UTC'"                        \
    " AND m.type <> 'reservation' AND m.type <> 'release'"                                         \
    " AND ($2::bigint = 0 OR m.product_id = $2)"                                                   \
    " AND ($4::bigint = 0 OR m.store_id = $4)"                                                     \
    " AND ($3::bigint = 0 OR m.product_id IN"                                                      \
    "  (SELECT id FROM inventory.products WHERE category_id = $3))"
/* a day's units sold (not reversed) and its last on-hand */
#define DEMAND_DAY                                                                                 \
    " (m.created_at AT TIME ZONE 'UTC')::date - w.first,"                                          \
    " COALESCE(sum(-m.quantity) FILTER (WHERE m.type = 'sale' AND c.sale_id IS NULL), 0),"         \
    " (array_agg(m.on_hand_after ORDER BY m.id DESC))[1],"                                         \
    " w.first - date '1970-01-01'"

/* The window's first day when it has no movement. */
static enum tm_code
first_day(PGconn *db, const char *const *params, int64_t *day0, struct tm_err *err)
{
    return tm_db_i64_one(db,
                         "SELECT (now() AT TIME ZONE 'UTC')::date - $1::int - date '1970-01-01'", 1,
                         params, day0, err);
}

/* Maps row i (store, day, sold, closing from column `col` on) into d. */
static void
demand_row(const PGresult *r, int i, int col, struct inv_demand_day *d)
{
    d->store_id = col ? tm_db_i64(r, i, 0) : 0;
    d->day = (int)tm_db_i64(r, i, col);
    d->sold = tm_db_i64(r, i, col + 1);
    d->closing = tm_db_i64(r, i, col + 2);
}

enum tm_code
inv_db_demand_days(PGconn *db, const struct inv_demand_filter *f, int64_t *day0,
                   struct inv_demand_day *rows, int max, int *n, struct tm_err *err)
{
    struct tm_db_int days, product, category, store;
    const char *params[] = {tm_db_int(&days, f->days), tm_db_int(&product, f->product_id),
                            tm_db_int(&category, f->category_id), tm_db_int(&store, f->store_id)};
    PGresult *r = NULL;
    enum tm_code rc;
    int rn;

    *n = 0;
    rc = tm_db_exec(db, "SELECT" DEMAND_DAY DEMAND_FROM " GROUP BY 1, w.first ORDER BY 1", 4,
                    params, &r, err);
    if (rc != TM_OK)
        return rc;
    if ((rn = PQntuples(r)) > max) {
        PQclear(r);
        return tm_err_set(err, TM_INTERNAL, NULL, "%d demand days for room of %d", rn, max);
    }
    for (int i = 0; i < rn; i++)
        demand_row(r, i, 0, &rows[i]);
    *n = rn;
    if (rn > 0)
        *day0 = tm_db_i64(r, 0, 3);
    PQclear(r);
    return rn > 0 ? TM_OK : first_day(db, params, day0, err);
}

enum tm_code
inv_db_demand_by_store(PGconn *db, int64_t product_id, int days, int64_t *day0,
                       struct inv_demand_day **rows, size_t *n, struct tm_err *err)
{
    struct tm_db_int d, product;
    const char *params[] = {tm_db_int(&d, days), tm_db_int(&product, product_id), "0", "0"};
    PGresult *r = NULL;
    enum tm_code rc;
    int rn;

    *rows = NULL;
    *n = 0;
    rc = tm_db_exec(
        db, "SELECT m.store_id," DEMAND_DAY DEMAND_FROM " GROUP BY 1, 2, w.first ORDER BY 1, 2", 4,
        params, &r, err);
    if (rc != TM_OK)
        return rc;
    if ((rn = PQntuples(r)) > 0)
        *rows = tm_xcalloc((size_t)rn, sizeof **rows);
    for (int i = 0; i < rn; i++)
        demand_row(r, i, 1, &(*rows)[i]);
    *n = (size_t)rn;
    if (rn > 0)
        *day0 = tm_db_i64(r, 0, 4);
    PQclear(r);
    return rn > 0 ? TM_OK : first_day(db, params, day0, err);
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
inv_db_forecast_store_demand(PGconn *db, int64_t product_id, int horizon_days, struct tm_buf *out,
                             struct tm_err *err)
{
    char h[16], cap[16];
    struct tm_db_int product;
    const char *params[3] = {tm_db_int(&product, product_id), h, cap};
    PGresult *r = NULL;
    enum tm_code rc;

    snprintf(h, sizeof h, "%d", horizon_days);
    snprintf(cap, sizeof cap, "%d", INV_FORECAST_STORES_MAX);
    rc = tm_db_exec(db,
                    "SELECT COALESCE(json_agg(json_build_object('store_id', store_id,"
                    " 'daily_mean', round((total / horizon_days)::numeric, 4),"
                    " 'daily_upper', round(COALESCE((body->'daily'->0->>'hi95')::numeric, 0), 4))"
                    " ORDER BY store_id)::text, '[]') FROM (SELECT store_id, total, horizon_days,"
                    " body FROM inventory.forecasts WHERE product_id = $1 AND store_id IS NOT NULL"
                    " AND horizon_days = $2 ORDER BY total DESC, store_id LIMIT $3) f",
                    3, params, &r, err);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc == TM_TOOBIG ? tm_err_set(err, TM_TOOBIG, NULL, "store figures too large") : rc;
}

/* the first instant of today, UTC */
#define TODAY "(now() AT TIME ZONE 'UTC')::date"
#define TODAY_START "(" TODAY "::timestamp AT TIME ZONE 'UTC')"

enum tm_code
inv_db_forecast_get(PGconn *db, const struct inv_demand_filter *f, const char *series,
                    int horizon_days, struct tm_buf *out, struct tm_err *err)
{
    char h[16];
    struct tm_db_int store, product, category;
    const char *params[] = {series, h, tm_db_int(&store, f->store_id),
                            tm_db_int(&product, f->product_id),
                            tm_db_int(&category, f->category_id)};
    PGresult *r = NULL;
    enum tm_code rc;

    snprintf(h, sizeof h, "%d", horizon_days);
    rc =
        tm_db_exec(db,
                   "SELECT body::text FROM inventory.forecasts WHERE series = $1"
                   " AND horizon_days = $2 AND computed_at >= " TODAY_START
                   " AND NOT EXISTS (SELECT 1 FROM inventory.stock s"
                   "  WHERE s.forecast_due_on <= " TODAY "  AND ($3::bigint = 0 OR s.store_id = $3)"
                   "  AND ($4::bigint = 0 OR s.product_id = $4)"
                   "  AND ($5::bigint = 0 OR s.product_id IN"
                   "   (SELECT id FROM inventory.products WHERE category_id = $5)))",
                   5, params, &r, err);
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "product_id", "no stored forecast");
    else
        rc = tm_buf_adds(out, PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

/* ---- the due list ------------------------------------------------------------- */

#define LEVEL_COLS                                                                                 \
    "SELECT s.store_id, s.product_id, COALESCE(p.category_id, 0),"                                 \
    " COALESCE(s.demand_moved_at::text, '')"                                                       \
    " FROM inventory.stock s JOIN inventory.products p ON p.id = s.product_id"

static void
level_fn(const PGresult *r, int i, void *out)
{
    struct fc_due_level *l = out;

    l->store_id = tm_db_i64(r, i, 0);
    l->product_id = tm_db_i64(r, i, 1);
    l->category_id = tm_db_i64(r, i, 2);
    tm_db_copy(l->moved_at, sizeof l->moved_at, r, i, 3);
}

enum tm_code
inv_db_forecast_due(PGconn *db, int max, struct fc_due_level *out, int *n, struct tm_err *err)
{
    struct tm_db_int lim;
    const char *params[1] = {tm_db_int(&lim, max)};

    *n = 0;
    return tm_db_many(db,
                      LEVEL_COLS " WHERE s.forecast_due_on <= " TODAY
                                 " ORDER BY s.forecast_due_on, s.product_id, s.store_id LIMIT $1",
                      1, params, level_fn, out, sizeof *out, n, err);
}

enum tm_code
inv_db_forecast_levels(PGconn *db, int64_t product_id, struct fc_due_level **out, size_t *n,
                       struct tm_err *err)
{
    struct tm_db_int p;
    const char *params[1] = {tm_db_int(&p, product_id)};
    PGresult *r = NULL;
    enum tm_code rc;
    int rn;

    *out = NULL;
    *n = 0;
    rc = tm_db_exec(db, LEVEL_COLS " WHERE s.product_id = $1 ORDER BY s.store_id", 1, params, &r,
                    err);
    if (rc != TM_OK)
        return rc;
    if ((rn = PQntuples(r)) > 0)
        *out = tm_xcalloc((size_t)rn, sizeof **out);
    for (int i = 0; i < rn; i++)
        level_fn(r, i, &(*out)[i]);
    *n = (size_t)rn;
    PQclear(r);
    return TM_OK;
}

enum tm_code
inv_db_forecast_done(PGconn *db, const struct fc_due_level *l, struct tm_err *err)
{
    struct tm_db_int s, p;
    const char *params[3] = {tm_db_int(&s, l->store_id), tm_db_int(&p, l->product_id), l->moved_at};

    return tm_db_exec(db,
                      "UPDATE inventory.stock SET forecast_at = now(), forecast_due_on ="
                      " CASE WHEN demand_moved_at IS NOT DISTINCT FROM NULLIF($3, '')::timestamptz"
                      " THEN (SELECT (min(m.created_at) AT TIME ZONE 'UTC')::date + 1"
                      "  FROM inventory.movements m WHERE m.store_id = $1 AND m.product_id = $2"
                      "  AND m.quantity <> 0 AND m.created_at >= " TODAY_START ")"
                      " ELSE forecast_due_on END"
                      " WHERE store_id = $1 AND product_id = $2",
                      3, params, NULL, err);
}
