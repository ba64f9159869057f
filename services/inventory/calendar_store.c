/* services/inventory/calendar_store.c — see calendar_store.h. Written
 * rarely (a planner records an event or a promotion) and read once per
 * store × product forecast, by (store, days) and (product, days) indexes;
 * documents are built by the database in one expression each (EV_JSON,
 * PROMO_JSON) so every answer shows the same shape. */
#include "services/inventory/calendar_store.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"

#include "proto/limits.h"

_Static_assert(INV_CAL_CLOSURE == (int)FC_KNOWN_KIND_CLOSURE &&
                   INV_CAL_EVENT == (int)FC_KNOWN_KIND_EVENT &&
                   INV_CAL_HOLIDAY == (int)FC_KNOWN_KIND_HOLIDAY,
               "forecast_known.h reads event kinds in enum inv_cal_kind's order");

#define TODAY "(now() AT TIME ZONE 'UTC')::date"

#define EV_JSON                                                                                    \
    "json_build_object('id', e.id, 'store_id', e.store_id,"                                        \
    " 'from', to_char(e.starts_on, 'YYYY-MM-DD'), 'to', to_char(e.ends_on, 'YYYY-MM-DD'),"         \
    " 'name', e.name, 'kind', e.kind, 'created_by', e.created_by,"                                 \
    " 'created_at', " TM_DB_TS("e.created_at") ")"

#define PROMO_JSON                                                                                 \
    "json_build_object('id', p.id, 'product_id', p.product_id, 'store_id', p.store_id,"            \
    " 'from', to_char(p.starts_on, 'YYYY-MM-DD'), 'to', to_char(p.ends_on, 'YYYY-MM-DD'),"         \
    " 'promo_price_cents', p.promo_price_cents, 'regular_price_cents', p.regular_price_cents,"     \
    " 'discount', CASE WHEN p.promo_price_cents IS NOT NULL AND p.regular_price_cents > 0"         \
    "  THEN round(1 - p.promo_price_cents::numeric / p.regular_price_cents, 4) END,"               \
    " 'flags', to_json(array_remove(ARRAY[CASE WHEN p.feature THEN 'feature' END,"                 \
    "  CASE WHEN p.display THEN 'display' END, CASE WHEN p.deal THEN 'deal' END], NULL)),"         \
    " 'status', CASE WHEN p.cancelled_at IS NOT NULL THEN 'cancelled'"                             \
    "  WHEN p.ends_on < " TODAY " THEN 'ended' WHEN p.starts_on > " TODAY " THEN 'planned'"        \
    "  ELSE 'active' END,"                                                                         \
    " 'created_by', p.created_by, 'created_at', " TM_DB_TS(                                        \
        "p.created_at") ","                                                                        \
                        " 'updated_at', " TM_DB_TS("p.updated_at") ","                             \
                                                                   " 'cancelled_at', " TM_DB_TS(   \
                                                                       "p.cancelled_at") ")"

/* Marks due the levels of product $1 (0: every product) at store $2 (0:
 * every store) when days $3..$4 fall within the forecasts' window (the
 * history before today and the longest horizon from today). */
static enum tm_code
mark_due(PGconn *db, int64_t product_id, int64_t store_id, int64_t first_day, int64_t last_day,
         struct tm_err *err)
{
    struct tm_db_int a, b, c, d, h, w;
    const char *params[6] = {tm_db_int(&a, product_id),
                             tm_db_int(&b, store_id),
                             tm_db_int(&c, first_day),
                             tm_db_int(&d, last_day),
                             tm_db_int(&h, TM_FORECAST_HISTORY_DAYS),
                             tm_db_int(&w, TM_FORECAST_HORIZON_MAX)};

    return tm_db_exec(db,
                      "UPDATE inventory.stock SET demand_moved_at = now(), forecast_due_on = " TODAY
                      " WHERE ($1::bigint = 0 OR product_id = $1)"
                      " AND ($2::bigint = 0 OR store_id = $2)"
                      " AND (date '1970-01-01' + $4::int) >= " TODAY " - $5::int"
                      " AND (date '1970-01-01' + $3::int) < " TODAY " + $6::int",
                      6, params, NULL, err);
}

/* The document in row 0, column col, of r into out. */
static enum tm_code
doc_of(const PGresult *r, int col, struct tm_buf *out, struct tm_err *err)
{
    tm_buf_reset(out);
    if (tm_buf_adds(out, PQgetvalue(r, 0, col)) != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "document too large");
    return TM_OK;
}

enum tm_code
inv_db_cal_add(PGconn *db, const struct inv_cal_event *e, const char *by, int64_t *id,
               struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int s, f, l;
    const char *params[6] = {e->store_id ? tm_db_int(&s, e->store_id) : NULL,
                             tm_db_int(&f, e->first_day),
                             tm_db_int(&l, e->last_day),
                             e->name,
                             inv_cal_kinds[e->kind],
                             by};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "INSERT INTO inventory.calendar_events AS e (store_id, starts_on,"
        " ends_on, name, kind, created_by) VALUES ($1::bigint, (date '1970-01-01' + $2::int), "
        "(date '1970-01-01' + $3::int), $4, $5, $6) RETURNING " EV_JSON ", e.id",
        6, params, &r, err);

    if (rc == TM_OK && (rc = doc_of(r, 0, out, err)) == TM_OK)
        *id = tm_db_i64(r, 0, 1);
    PQclear(r);
    if (rc == TM_OK)
        rc = mark_due(db, 0, e->store_id, e->first_day, e->last_day, err);
    return rc;
}

enum tm_code
inv_db_cal_list(PGconn *db, const struct inv_cal_filter *f, const struct tm_page *pg,
                struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, c, d, e;
    const char *params[6] = {f->store_id ? tm_db_int(&a, f->store_id) : NULL,
                             f->first_day ? tm_db_int(&b, f->first_day) : NULL,
                             f->last_day ? tm_db_int(&c, f->last_day) : NULL,
                             f->store_scope,
                             tm_db_int(&d, pg->after_id),
                             tm_db_int(&e, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   "SELECT e.id, " EV_JSON " FROM inventory.calendar_events e"
                   " WHERE ($1::bigint IS NULL OR e.store_id = $1::bigint OR e.store_id IS NULL)"
                   " AND ($2::int IS NULL OR e.ends_on >= (date '1970-01-01' + $2::int))"
                   " AND ($3::int IS NULL OR e.starts_on <= (date '1970-01-01' + $3::int))"
                   " AND ($4::bigint[] IS NULL OR e.store_id IS NULL OR "
                   "e.store_id = ANY($4::bigint[]))"
                   " AND e.id > $5::bigint ORDER BY e.id LIMIT $6::bigint",
                   6, params, &r, err);

    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_cal_store_of(PGconn *db, int64_t id, int64_t *store_id, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT COALESCE(store_id, 0) FROM inventory.calendar_events"
                                 " WHERE id = $1::bigint FOR UPDATE",
                                 1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no calendar event with this id");
    if (rc == TM_OK)
        *store_id = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_cal_delete(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    int64_t store_id = 0, first = 0, last = 0;
    enum tm_code rc = tm_db_exec(
        db,
        "DELETE FROM inventory.calendar_events e WHERE e.id = $1::bigint RETURNING " EV_JSON ","
        " COALESCE(e.store_id, 0), e.starts_on - date '1970-01-01', e.ends_on - date '1970-01-01'",
        1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no calendar event with this id");
    if (rc == TM_OK && (rc = doc_of(r, 0, out, err)) == TM_OK) {
        store_id = tm_db_i64(r, 0, 1);
        first = tm_db_i64(r, 0, 2);
        last = tm_db_i64(r, 0, 3);
    }
    PQclear(r);
    return rc == TM_OK ? mark_due(db, 0, store_id, first, last, err) : rc;
}

/* ---- promotions ------------------------------------------------------------ */

enum tm_code
inv_db_promo_add(PGconn *db, const struct inv_promo *p, int64_t regular_price_cents, const char *by,
                 int64_t *id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, c, d, e, g;
    const char *params[10] = {tm_db_int(&a, p->product_id),
                              p->store_id ? tm_db_int(&b, p->store_id) : NULL,
                              tm_db_int(&c, p->first_day),
                              tm_db_int(&d, p->last_day),
                              p->promo_price_cents ? tm_db_int(&e, p->promo_price_cents) : NULL,
                              tm_db_int(&g, regular_price_cents),
                              (p->flags & INV_PROMO_FEATURE) ? "true" : "false",
                              (p->flags & INV_PROMO_DISPLAY) ? "true" : "false",
                              (p->flags & INV_PROMO_DEAL) ? "true" : "false",
                              by};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "INSERT INTO inventory.promotions AS p (product_id, store_id, starts_on, ends_on,"
        " promo_price_cents, regular_price_cents, feature, display, deal, created_by)"
        " VALUES ($1::bigint, $2::bigint, (date '1970-01-01' + $3::int), (date '1970-01-01' + "
        "$4::int), $5::bigint, $6::bigint,"
        " $7::boolean, $8::boolean, $9::boolean, $10) RETURNING " PROMO_JSON ", p.id",
        10, params, &r, err);

    if (rc == TM_OK && (rc = doc_of(r, 0, out, err)) == TM_OK)
        *id = tm_db_i64(r, 0, 1);
    PQclear(r);
    if (rc == TM_OK)
        rc = mark_due(db, p->product_id, p->store_id, p->first_day, p->last_day, err);
    return rc;
}

enum tm_code
inv_db_promo_list(PGconn *db, const struct inv_cal_filter *f, const struct tm_page *pg,
                  struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, c, d, e, g;
    const char *params[7] = {f->store_id ? tm_db_int(&a, f->store_id) : NULL,
                             f->product_id ? tm_db_int(&b, f->product_id) : NULL,
                             f->first_day ? tm_db_int(&c, f->first_day) : NULL,
                             f->last_day ? tm_db_int(&d, f->last_day) : NULL,
                             f->store_scope,
                             tm_db_int(&e, pg->after_id),
                             tm_db_int(&g, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   "SELECT p.id, " PROMO_JSON " FROM inventory.promotions p"
                   " WHERE ($1::bigint IS NULL OR p.store_id = $1::bigint OR p.store_id IS NULL)"
                   " AND ($2::bigint IS NULL OR p.product_id = $2::bigint)"
                   " AND ($3::int IS NULL OR p.ends_on >= (date '1970-01-01' + $3::int))"
                   " AND ($4::int IS NULL OR p.starts_on <= (date '1970-01-01' + $4::int))"
                   " AND ($5::bigint[] IS NULL OR p.store_id IS NULL OR "
                   "p.store_id = ANY($5::bigint[]))"
                   " AND p.id > $6::bigint ORDER BY p.id LIMIT $7::bigint",
                   7, params, &r, err);

    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_promo_get(PGconn *db, int64_t id, int64_t *store_id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT " PROMO_JSON ", COALESCE(p.store_id, 0)"
                                 " FROM inventory.promotions p WHERE p.id = $1::bigint",
                                 1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no promotion with this id");
    if (rc == TM_OK && (rc = doc_of(r, 0, out, err)) == TM_OK)
        *store_id = tm_db_i64(r, 0, 1);
    PQclear(r);
    return rc;
}

enum tm_code
inv_db_promo_end(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    int64_t product = 0, store = 0, first = 0, last = 0;
    /* the row as it was, locked, then the change when it still runs or is
     * planned */
    enum tm_code rc = tm_db_exec(
        db,
        "WITH old AS (SELECT id, starts_on, ends_on, cancelled_at FROM inventory.promotions"
        " WHERE id = $1::bigint FOR UPDATE), u AS (UPDATE inventory.promotions p SET"
        " ends_on = CASE WHEN old.starts_on < " TODAY " THEN " TODAY " - 1 ELSE p.ends_on END,"
        " cancelled_at = CASE WHEN old.starts_on >= " TODAY " THEN now() END, updated_at = now()"
        " FROM old WHERE p.id = old.id AND old.cancelled_at IS NULL AND old.ends_on >= " TODAY
        " RETURNING " PROMO_JSON ", p.product_id, COALESCE(p.store_id, 0),"
        " " TODAY " - date '1970-01-01', old.ends_on - date '1970-01-01')"
        " SELECT (SELECT count(*) FROM old), u.* FROM (SELECT 1) one LEFT JOIN u ON true",
        1, params, &r, err);

    if (rc == TM_OK && tm_db_i64(r, 0, 0) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no promotion with this id");
    else if (rc == TM_OK && PQgetisnull(r, 0, 1))
        rc = tm_err_set(err, TM_CONFLICT, "id", "the promotion has already ended");
    if (rc == TM_OK && (rc = doc_of(r, 1, out, err)) == TM_OK) {
        product = tm_db_i64(r, 0, 2);
        store = tm_db_i64(r, 0, 3);
        first = tm_db_i64(r, 0, 4);
        last = tm_db_i64(r, 0, 5);
    }
    PQclear(r);
    return rc == TM_OK ? mark_due(db, product, store, first, last, err) : rc;
}

/* ---- what a forecast reads ---------------------------------------------------- */

static void
event_fn(const PGresult *r, int i, void *out)
{
    struct fc_known_event *e = out;

    e->first_day = tm_db_i64(r, i, 0);
    e->last_day = tm_db_i64(r, i, 1);
    e->kind = (enum fc_known_kind)tm_db_i64(r, i, 2);
}

static void
promo_fn(const PGresult *r, int i, void *out)
{
    struct fc_known_promo *p = out;

    p->first_day = tm_db_i64(r, i, 0);
    p->last_day = tm_db_i64(r, i, 1);
    p->promo_price_cents = tm_db_i64(r, i, 2);
    p->regular_price_cents = tm_db_i64(r, i, 3);
    p->flags = (unsigned)tm_db_i64(r, i, 4);
}

enum tm_code
inv_db_known(PGconn *db, int64_t store_id, int64_t product_id, int64_t first_day, int64_t last_day,
             char *country, size_t size, struct fc_known_event *ev, int *n_ev,
             struct fc_known_promo *pr, int *n_pr, struct tm_err *err)
{
    struct tm_db_int s, p, f, l, me, mp;
    const char *ep[4] = {tm_db_int(&s, store_id), tm_db_int(&f, first_day), tm_db_int(&l, last_day),
                         tm_db_int(&me, FC_KNOWN_EVENTS_MAX)};
    const char *pp[5] = {ep[0], tm_db_int(&p, product_id), ep[1], ep[2],
                         tm_db_int(&mp, FC_KNOWN_PROMOS_MAX)};
    PGresult *r = NULL;
    enum tm_code rc;

    *n_ev = *n_pr = 0;
    country[0] = '\0';
    if ((rc = tm_db_exec(db, "SELECT holiday_country FROM inventory.stores WHERE id = $1::bigint",
                         1, ep, &r, err)) != TM_OK)
        return rc;
    if (PQntuples(r) == 1)
        tm_db_copy(country, size, r, 0, 0);
    PQclear(r);
    /* kinds as enum inv_cal_kind's order (INV_CAL_KIND_NAMES) */
    if ((rc = tm_db_many(db,
                         "SELECT starts_on - date '1970-01-01', ends_on - date '1970-01-01',"
                         " array_position(ARRAY['closure', 'event', 'holiday'], kind) - 1"
                         " FROM inventory.calendar_events"
                         " WHERE (store_id IS NULL OR store_id = $1::bigint)"
                         " AND ends_on >= (date '1970-01-01' + $2::int) AND starts_on <= (date "
                         "'1970-01-01' + $3::int) ORDER BY starts_on DESC, id DESC LIMIT $4::int",
                         4, ep, event_fn, ev, sizeof *ev, n_ev, err)) != TM_OK)
        return rc;
    return tm_db_many(
        db,
        "SELECT starts_on - date '1970-01-01', ends_on - date '1970-01-01',"
        " COALESCE(promo_price_cents, 0), regular_price_cents,"
        " (CASE WHEN feature THEN 1 ELSE 0 END) | (CASE WHEN display THEN 2 ELSE 0"
        " END) | (CASE WHEN deal THEN 4 ELSE 0 END)"
        " FROM inventory.promotions"
        " WHERE (store_id IS NULL OR store_id = $1::bigint) AND product_id = $2::bigint"
        " AND cancelled_at IS NULL"
        " AND ends_on >= (date '1970-01-01' + $3::int) AND starts_on <= (date '1970-01-01' + "
        "$4::int) ORDER BY starts_on DESC, id DESC LIMIT $5::int",
        5, pp, promo_fn, pr, sizeof *pr, n_pr, err);
}
