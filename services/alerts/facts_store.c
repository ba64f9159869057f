/* services/alerts/facts_store.c — the facts tables, written and read
 * (facts_store.h). */
#include "services/alerts/facts_store.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"

#define MS(col) "COALESCE((extract(epoch FROM " col ") * 1000)::bigint, 0)"
#define TS(param) "to_timestamp(" param "::float8 / 1000)"

enum tm_code
al_facts_db_level(PGconn *db, const struct al_fact_level *l, struct tm_err *err)
{
    struct tm_db_int st, pr, oh, av, rp, sold, at;
    const char *p[7] = {tm_db_int(&st, l->store_id),      tm_db_int(&pr, l->product_id),
                        tm_db_int(&oh, l->on_hand),       tm_db_int(&av, l->available),
                        tm_db_int(&rp, l->reorder_point), tm_db_int(&sold, l->sold),
                        tm_db_int(&at, l->sale_ms)};

    /* a sale of an earlier day than the one counted (a late event) moves
     * neither the count nor the last sale back */
    return tm_db_exec(
        db,
        "INSERT INTO alerts.levels AS l (store_id, product_id, category_id, on_hand, available,"
        " reorder_point, sold_day, sold_today, last_sale_at)"
        " VALUES ($1, $2, (SELECT category_id FROM alerts.products WHERE product_id = $2),"
        " $3, $4, $5, CASE WHEN $6::bigint > 0 THEN (" TS(
            "$7") " AT TIME ZONE 'UTC')::date END,"
                  " $6::bigint, CASE WHEN $6::bigint > 0 THEN " TS(
                      "$7") " END)"
                            " ON CONFLICT (store_id, product_id) DO UPDATE SET on_hand = "
                            "EXCLUDED.on_hand,"
                            " available = EXCLUDED.available, reorder_point = "
                            "EXCLUDED.reorder_point,"
                            " sold_today = CASE WHEN $6::bigint = 0 OR EXCLUDED.sold_day < "
                            "l.sold_day"
                            " THEN l.sold_today WHEN EXCLUDED.sold_day = l.sold_day THEN "
                            "l.sold_today + $6::bigint"
                            " ELSE $6::bigint END,"
                            " sold_day = CASE WHEN $6::bigint = 0 OR EXCLUDED.sold_day < "
                            "l.sold_day THEN l.sold_day"
                            " ELSE EXCLUDED.sold_day END,"
                            " last_sale_at = GREATEST(l.last_sale_at, EXCLUDED.last_sale_at), "
                            "updated_at = now()",
        7, p, NULL, err);
}

enum tm_code
al_facts_db_product(PGconn *db, const struct al_fact_product *pr, struct tm_err *err)
{
    struct tm_db_int id, cat;
    const char *p[2] = {tm_db_int(&id, pr->product_id), tm_db_int(&cat, pr->category_id)};
    enum tm_code rc;

    if ((rc = tm_db_exec(db,
                         "INSERT INTO alerts.products (product_id, category_id)"
                         " VALUES ($1, NULLIF($2::bigint, 0)) ON CONFLICT (product_id) DO UPDATE"
                         " SET category_id = EXCLUDED.category_id, updated_at = now()",
                         2, p, NULL, err)) != TM_OK)
        return rc;
    return tm_db_exec(
        db,
        "UPDATE alerts.levels SET category_id = NULLIF($2::bigint, 0)"
        " WHERE product_id = $1 AND category_id IS DISTINCT FROM NULLIF($2::bigint, 0)",
        2, p, NULL, err);
}

enum tm_code
al_facts_db_forecast(PGconn *db, const struct al_fact_forecast *f, struct tm_err *err)
{
    struct al_fact_product pr = {f->product_id, f->category_id};
    struct tm_db_int id, st;
    char mase[32], mean[32], upper[32];
    const char *p[3] = {tm_db_int(&id, f->product_id), f->has_mase ? mase : NULL, f->model};
    enum tm_code rc;

    snprintf(mase, sizeof mase, "%.17g", f->mase);
    if (f->category_id && (rc = al_facts_db_product(db, &pr, err)) != TM_OK)
        return rc;
    if ((rc = tm_db_exec(db,
                         "INSERT INTO alerts.products (product_id, mase, model)"
                         " VALUES ($1, $2::float8, NULLIF($3, '')) ON CONFLICT (product_id)"
                         " DO UPDATE SET mase = EXCLUDED.mase, model = EXCLUDED.model,"
                         " updated_at = now()",
                         3, p, NULL, err)) != TM_OK)
        return rc;
    for (int i = 0; i < f->n_stores && rc == TM_OK; i++) {
        const char *q[4] = {tm_db_int(&st, f->stores[i].store_id), p[0], mean, upper};

        snprintf(mean, sizeof mean, "%.17g", f->stores[i].daily_mean);
        snprintf(upper, sizeof upper, "%.17g", f->stores[i].daily_upper);
        rc = tm_db_exec(db,
                        "UPDATE alerts.levels SET daily_mean = $3::float8, daily_upper = $4::float8"
                        " WHERE store_id = $1 AND product_id = $2",
                        4, q, NULL, err);
    }
    return rc;
}

enum tm_code
al_facts_db_sale(PGconn *db, const struct al_fact_sale *s, struct tm_err *err)
{
    struct tm_db_int id, st, since;
    const char *p[3] = {tm_db_int(&id, s->txn_id), tm_db_int(&st, s->store_id),
                        tm_db_int(&since, s->since_ms)};

    if (!s->waiting)
        return tm_db_exec(db, "DELETE FROM alerts.reviews_waiting WHERE txn_id = $1", 1, p, NULL,
                          err);
    return tm_db_exec(db,
                      "INSERT INTO alerts.reviews_waiting (txn_id, store_id, since)"
                      " VALUES ($1, $2, " TS("$3") ") ON CONFLICT (txn_id) DO NOTHING",
                      3, p, NULL, err);
}

enum tm_code
al_facts_db_po(PGconn *db, const struct al_fact_po *o, struct tm_err *err)
{
    struct tm_db_int id, st, sup;
    const char *p[5] = {tm_db_int(&id, o->po_id), tm_db_int(&st, o->store_id),
                        tm_db_int(&sup, o->supplier_id), o->status,
                        o->expected[0] ? o->expected : NULL};

    return tm_db_exec(db,
                      "INSERT INTO alerts.purchase_orders (po_id, store_id, supplier_id, status,"
                      " expected_delivery) VALUES ($1, $2, $3, $4, $5::date)"
                      " ON CONFLICT (po_id) DO UPDATE SET status = EXCLUDED.status,"
                      " expected_delivery = EXCLUDED.expected_delivery, updated_at = now()",
                      5, p, NULL, err);
}

enum tm_code
al_facts_db_circuit(PGconn *db, const struct al_fact_circuit *c, struct tm_err *err)
{
    struct tm_db_int id;
    const char *p[2] = {tm_db_int(&id, c->supplier_id), c->open ? "open" : "closed"};

    /* since: when it last changed state */
    return tm_db_exec(db,
                      "INSERT INTO alerts.supplier_circuits (supplier_id, state, since)"
                      " VALUES ($1, $2, now()) ON CONFLICT (supplier_id) DO UPDATE"
                      " SET state = EXCLUDED.state, since = CASE WHEN"
                      " alerts.supplier_circuits.state = EXCLUDED.state"
                      " THEN alerts.supplier_circuits.since ELSE now() END",
                      2, p, NULL, err);
}

/* ---- entities ---------------------------------------------------------- */

static void
level_row(const PGresult *r, int row, void *out)
{
    struct al_entity *e = out;
    struct al_facts *f = &e->facts;

    e->category_id = tm_db_i64(r, row, 0);
    f->on_hand = tm_db_i64(r, row, 1);
    f->available = tm_db_i64(r, row, 2);
    f->reorder_point = tm_db_i64(r, row, 3);
    f->has_forecast = tm_db_bool(r, row, 4);
    if (sscanf(tm_db_str(r, row, 5), "%lf", &f->daily_mean) != 1)
        f->daily_mean = 0;
    if (sscanf(tm_db_str(r, row, 6), "%lf", &f->daily_upper) != 1)
        f->daily_upper = 0;
    f->sold_today = tm_db_i64(r, row, 7);
    f->last_sale_ms = tm_db_i64(r, row, 8);
    f->first_seen_ms = tm_db_i64(r, row, 9);
}

static enum tm_code
load_level(PGconn *db, struct al_entity *e, struct tm_err *err)
{
    struct tm_db_int st, pr;
    const char *p[2] = {tm_db_int(&st, e->store_id), tm_db_int(&pr, e->product_id)};

    return tm_db_one(db,
                     "SELECT COALESCE(l.category_id, p.category_id, 0), l.on_hand, l.available,"
                     " l.reorder_point, l.daily_mean IS NOT NULL, COALESCE(l.daily_mean, 0),"
                     " COALESCE(l.daily_upper, 0), CASE WHEN l.sold_day ="
                     " (now() AT TIME ZONE 'UTC')::date THEN l.sold_today ELSE 0 END,"
                     " " MS("l.last_sale_at") ", " MS(
                         "l.first_seen_at") " FROM alerts.levels l LEFT JOIN alerts.products p "
                                            "USING (product_id)"
                                            " WHERE l.store_id = $1 AND l.product_id = $2",
                     2, p, level_row, e, "level", err);
}

static void
i64_row(const PGresult *r, int row, void *out)
{
    int64_t *v = out;

    for (int i = 0; i < PQnfields(r); i++)
        v[i] = tm_db_isnull(r, row, i) ? 0 : tm_db_i64(r, row, i);
}

/* Runs sql (one row, integer columns) with one id parameter into v[];
 * no row leaves v as it is. */
static enum tm_code
load_ints(PGconn *db, const char *sql, int64_t id, int64_t *v, struct tm_err *err)
{
    struct tm_db_int n;
    const char *p[1] = {tm_db_int(&n, id)};
    enum tm_code rc = tm_db_one(db, sql, 1, p, i64_row, v, "entity", err);

    return rc == TM_NOTFOUND ? TM_OK : rc;
}

static void
product_row(const PGresult *r, int row, void *out)
{
    struct al_entity *e = out;

    e->category_id = tm_db_isnull(r, row, 0) ? 0 : tm_db_i64(r, row, 0);
    e->facts.has_mase = !tm_db_isnull(r, row, 1);
    if (!e->facts.has_mase || sscanf(tm_db_str(r, row, 1), "%lf", &e->facts.mase) != 1)
        e->facts.mase = 0;
}

static void
job_row(const PGresult *r, int row, void *out)
{
    struct al_entity *e = out;

    e->facts.failed_in_a_row = (int)tm_db_i64(r, row, 0);
    tm_db_copy(e->last_error, sizeof e->last_error, r, row, 1);
}

static enum tm_code
load_other(PGconn *db, struct al_entity *e, struct tm_err *err)
{
    struct al_facts *f = &e->facts;
    int64_t v[3] = {0, 0, 0};
    struct tm_db_int n;
    const char *p[2] = {tm_db_int(&n, e->product_id), NULL};
    enum tm_code rc = TM_OK;

    switch (e->type) {
    case AL_ENT_LEVEL:
        return load_level(db, e, err);
    case AL_ENT_PRODUCT:
        rc = tm_db_one(db, "SELECT category_id, mase FROM alerts.products WHERE product_id = $1", 1,
                       p, product_row, e, "product", err);
        break;
    case AL_ENT_SALE:
        rc = load_ints(db,
                       "SELECT COALESCE(store_id, 0), " MS(
                           "since") " FROM alerts.reviews_waiting WHERE txn_id = $1",
                       e->id, v, err);
        e->store_id = v[0] ? v[0] : e->store_id;
        f->waiting_since_ms = v[1];
        break;
    case AL_ENT_SUPPLIER:
        rc = load_ints(db,
                       "SELECT (state = 'open')::int FROM alerts.supplier_circuits"
                       " WHERE supplier_id = $1",
                       e->id, v, err);
        f->circuit_open = v[0] != 0;
        break;
    case AL_ENT_PO:
        rc = load_ints(
            db,
            "SELECT COALESCE(store_id, 0), (status NOT IN ('received', 'cancelled'))::int,"
            " " MS(
                "(expected_delivery + 1)::timestamp AT TIME ZONE 'UTC'") " FROM "
                                                                         "alerts.purchase_orders "
                                                                         "WHERE po_id = $1",
            e->id, v, err);
        e->store_id = v[0] ? v[0] : e->store_id;
        f->po_open = v[1] != 0;
        f->po_expected_end_ms = v[2];
        break;
    case AL_ENT_JOB:
        p[0] = e->service;
        p[1] = e->job;
        rc = tm_db_one(db,
                       "SELECT failed_in_a_row, last_error FROM alerts.jobs"
                       " WHERE service = $1 AND job = $2",
                       2, p, job_row, e, "job", err);
        break;
    }
    return rc == TM_NOTFOUND && e->type != AL_ENT_LEVEL ? TM_OK : rc;
}

enum tm_code
al_facts_db_entity(PGconn *db, struct al_entity *e, int64_t now_ms, struct tm_err *err)
{
    memset(&e->facts, 0, sizeof e->facts);
    e->facts.now_ms = now_ms;
    return load_other(db, e, err);
}
