/* services/alerts/facts_store.c — the facts tables, written and read
 * (facts_store.h). */
#include "services/alerts/facts_store.h"

#include <stdio.h>
#include <string.h>

#include "common/buf.h"
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

/* The stores' ids, means and upper bounds of f as three array literals. */
static enum tm_code
stores_arrays(const struct al_fact_forecast *f, struct tm_buf *ids, struct tm_buf *means,
              struct tm_buf *uppers)
{
    const struct al_fact_store_demand *st = f->stores;
    enum tm_code rc = tm_db_int_array(ids, &st[0].store_id, sizeof st[0], f->n_stores);

    if (rc == TM_OK && (rc = tm_buf_adds(means, "{")) == TM_OK)
        rc = tm_buf_adds(uppers, "{");
    for (int i = 0; i < f->n_stores && rc == TM_OK; i++)
        if ((rc = tm_buf_printf(means, "%s%.17g", i ? "," : "", st[i].daily_mean)) == TM_OK)
            rc = tm_buf_printf(uppers, "%s%.17g", i ? "," : "", st[i].daily_upper);
    if (rc == TM_OK && (rc = tm_buf_adds(means, "}")) == TM_OK)
        rc = tm_buf_adds(uppers, "}");
    return rc;
}

/* The per-store figures of f: the levels listed get theirs in one
 * statement; the product's levels not listed lose theirs (a forecast that
 * no longer covers a store says nothing of its demand), their stores into
 * *dropped (heap, the caller frees it), *n_dropped of them. */
static enum tm_code
store_figures(PGconn *db, const struct al_fact_forecast *f, const char *product, int64_t **dropped,
              int *n_dropped, struct tm_err *err)
{
    struct tm_buf ids, means, uppers;
    PGresult *r = NULL;
    const char *p[4];
    enum tm_code rc;

    tm_buf_init(&ids, 32 * AL_FACT_STORES_MAX);
    tm_buf_init(&means, 32 * AL_FACT_STORES_MAX);
    tm_buf_init(&uppers, 32 * AL_FACT_STORES_MAX);
    if ((rc = stores_arrays(f, &ids, &means, &uppers)) != TM_OK) {
        rc = tm_err_set(err, TM_TOOBIG, "stores", "too many per-store figures");
        goto out;
    }
    p[0] = product;
    p[1] = ids.p;
    p[2] = means.p;
    p[3] = uppers.p;
    if ((rc = tm_db_exec(db,
                         "UPDATE alerts.levels l SET daily_mean = s.mean, daily_upper = s.upper"
                         " FROM unnest($2::bigint[], $3::float8[], $4::float8[])"
                         " AS s(store_id, mean, upper)"
                         " WHERE l.product_id = $1 AND l.store_id = s.store_id",
                         4, p, NULL, err)) != TM_OK ||
        (rc = tm_db_exec(db,
                         "UPDATE alerts.levels SET daily_mean = NULL, daily_upper = NULL,"
                         " updated_at = now() WHERE product_id = $1"
                         " AND store_id <> ALL ($2::bigint[]) AND daily_mean IS NOT NULL"
                         " RETURNING store_id",
                         2, p, &r, err)) != TM_OK)
        goto out;
    *dropped = tm_xcalloc((size_t)PQntuples(r) + 1, sizeof **dropped);
    for (int i = 0; i < PQntuples(r); i++)
        (*dropped)[i] = tm_db_i64(r, i, 0);
    *n_dropped = PQntuples(r);
out:
    PQclear(r);
    tm_buf_fini(&ids);
    tm_buf_fini(&means);
    tm_buf_fini(&uppers);
    return rc;
}

enum tm_code
al_facts_db_forecast(PGconn *db, const struct al_fact_forecast *f, int64_t **dropped,
                     int *n_dropped, struct tm_err *err)
{
    struct al_fact_product pr = {f->product_id, f->category_id};
    struct tm_db_int id;
    char mase[32];
    const char *p[3] = {tm_db_int(&id, f->product_id), f->has_mase ? mase : NULL, f->model};
    enum tm_code rc;

    *dropped = NULL;
    *n_dropped = 0;
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
    if (!f->has_stores)
        return TM_OK;
    return store_figures(db, f, p[0], dropped, n_dropped, err);
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
    const char *p[3] = {tm_db_int(&id, c->supplier_id), c->open ? "open" : "closed", c->instance};

    /* one row per instance's breaker; since: when it last changed state */
    return tm_db_exec(db,
                      "INSERT INTO alerts.supplier_circuits (supplier_id, instance, state, since)"
                      " VALUES ($1, $3, $2, now()) ON CONFLICT (supplier_id, instance) DO UPDATE"
                      " SET state = EXCLUDED.state, since = CASE WHEN"
                      " alerts.supplier_circuits.state = EXCLUDED.state"
                      " THEN alerts.supplier_circuits.since ELSE now() END",
                      3, p, NULL, err);
}

enum tm_code
al_facts_db_jobs(PGconn *db, const char *service, const struct al_fact_jobs *jobs,
                 struct tm_err *err)
{
    enum tm_code rc = TM_OK;

    for (int i = 0; i < jobs->n && rc == TM_OK; i++) {
        struct tm_db_int n;
        const char *p[4] = {service, jobs->jobs[i].name,
                            tm_db_int(&n, jobs->jobs[i].failed_in_a_row), jobs->jobs[i].last_error};

        rc = tm_db_exec(db,
                        "INSERT INTO alerts.jobs (service, job, failed_in_a_row, last_error)"
                        " VALUES ($1, $2, $3, $4) ON CONFLICT (service, job) DO UPDATE"
                        " SET failed_in_a_row = EXCLUDED.failed_in_a_row,"
                        " last_error = EXCLUDED.last_error, polled_at = now()",
                        4, p, NULL, err);
    }
    return rc;
}

static void
own_job_row(const PGresult *r, int row, void *out)
{
    struct al_fact_job *j = out;

    j->failed_in_a_row = (int)tm_db_i64(r, row, 0);
    tm_db_copy(j->last_error, sizeof j->last_error, r, row, 1);
}

enum tm_code
al_facts_db_own_job(PGconn *db, const char *name, struct al_fact_jobs *out, struct tm_err *err)
{
    struct al_fact_job *j;
    const char *p[1] = {name};
    enum tm_code rc;

    if (out->n >= AL_FACT_JOBS_MAX)
        return TM_OK;
    j = &out->jobs[out->n];
    memset(j, 0, sizeof *j);
    snprintf(j->name, sizeof j->name, "%s", name);
    /* as common/jobs.c counts them: failed runs since the last good one;
     * the newest error cut to 49 characters (under 200 bytes) */
    rc = tm_db_one(db,
                   "SELECT (SELECT count(*) FROM alerts.job_runs WHERE job = $1"
                   " AND outcome = 'failed' AND id > COALESCE((SELECT max(id)"
                   " FROM alerts.job_runs WHERE job = $1 AND outcome = 'ok'), 0)),"
                   " left(COALESCE((SELECT error FROM alerts.job_runs WHERE job = $1"
                   " ORDER BY id DESC LIMIT 1), ''), 49)",
                   1, p, own_job_row, j, "job", err);
    if (rc == TM_OK)
        out->n++;
    return rc;
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

    if (rc == TM_NOTFOUND) /* none: v stays as it is */
        tm_err_clear(err);
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
                       "SELECT count(*) FILTER (WHERE state = 'open')"
                       " FROM alerts.supplier_circuits WHERE supplier_id = $1",
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
    if (rc == TM_NOTFOUND && e->type != AL_ENT_LEVEL) { /* facts under which nothing holds */
        tm_err_clear(err);
        rc = TM_OK;
    }
    return rc;
}

enum tm_code
al_facts_db_entity(PGconn *db, struct al_entity *e, int64_t now_ms, struct tm_err *err)
{
    memset(&e->facts, 0, sizeof e->facts);
    e->facts.now_ms = now_ms;
    return load_other(db, e, err);
}
