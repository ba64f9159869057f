/* services/analytics/report_store.c — SQL of the daily reports
 * (report_store.h). The job runs a few statements per store and day, every
 * few minutes; each reads one store's day through the read models'
 * (store_id, local_hour) keys. Local days are computed by PostgreSQL in the
 * store's time zone; C sees them as day numbers. The API's reports are
 * rendered as JSON here, from the stored body, so they are never re-encoded. */
#include "services/analytics/report_store.h"

#include <stdio.h>
#include <string.h>

#include "common/db.h"

#define EPOCH "date '1970-01-01'"
/* $2 is a day number; the store's local day and its bounds */
#define DAY "(" EPOCH " + $2::int)"

static void
map_store(const PGresult *r, int row, void *out)
{
    struct an_report_store *s = out;

    s->id = tm_db_i64(r, row, 0);
    tm_db_copy(s->code, sizeof s->code, r, row, 1);
    tm_db_copy(s->name, sizeof s->name, r, row, 2);
    tm_db_copy(s->time_zone, sizeof s->time_zone, r, row, 3);
    s->first_day = tm_db_i64(r, row, 4);
    s->last_day = tm_db_i64(r, row, 5);
    s->has_latest = !tm_db_isnull(r, row, 6);
    s->latest_day = s->has_latest ? tm_db_i64(r, row, 6) : 0;
}

enum tm_code
an_db_report_stores(PGconn *db, int grace_s, int64_t after_id, struct an_report_store *out, int max,
                    int *n, struct tm_err *err)
{
    struct tm_db_int g, m, a;
    const char *p[3] = {tm_db_int(&g, grace_s), tm_db_int(&m, max), tm_db_int(&a, after_id)};

    /* least() passes over the NULL of a store without sales */
    return tm_db_many(
        db,
        "SELECT s.id, s.code, s.name, s.time_zone,"
        " least((s.created_at AT TIME ZONE s.time_zone)::date,"
        "  (SELECT min(x.local_hour)::date FROM analytics.sales x WHERE x.store_id = s.id))"
        "  - " EPOCH ","
        " CASE WHEN s.active THEN d.done"
        "  ELSE least(d.done, (s.updated_at AT TIME ZONE s.time_zone)::date) END - " EPOCH ","
        " (SELECT max(r.day) FROM analytics.reports r"
        "  WHERE r.kind = 'daily_sales' AND r.store_id = s.id) - " EPOCH " FROM analytics.stores s,"
        " LATERAL (SELECT ((now() - make_interval(secs => $1::int)) AT TIME ZONE s.time_zone)::date"
        "  - 1 AS done) d"
        " WHERE s.id > $3::bigint ORDER BY s.id LIMIT $2::int",
        3, p, map_store, out, sizeof *out, n, err);
}

static void
map_hour(const PGresult *r, int row, void *out)
{
    struct an_report_hour *h = out;

    h->hour = (int)tm_db_i64(r, row, 0);
    h->f.revenue_cents = tm_db_i64(r, row, 1);
    h->f.units = tm_db_i64(r, row, 2);
    h->f.transactions = tm_db_i64(r, row, 3);
    h->f.customers = tm_db_i64(r, row, 4);
    h->f.voided = tm_db_i64(r, row, 5);
    h->f.declined = tm_db_i64(r, row, 6);
    h->f.flagged = tm_db_i64(r, row, 7);
}

static void
map_product(const PGresult *r, int row, void *out)
{
    struct an_report_product *p = out;

    p->product_id = tm_db_i64(r, row, 0);
    tm_db_copy(p->sku, sizeof p->sku, r, row, 1);
    tm_db_copy(p->name, sizeof p->name, r, row, 2);
    p->revenue_cents = tm_db_i64(r, row, 3);
    p->units = tm_db_i64(r, row, 4);
    p->transactions = tm_db_i64(r, row, 5);
}

struct day_row {
    struct an_report_facts *facts;
    struct an_report_day *when;
};

static void
map_day(const PGresult *r, int row, void *out)
{
    struct day_row *d = out;

    tm_db_copy(d->when->day, sizeof d->when->day, r, row, 0);
    tm_db_copy(d->when->from, sizeof d->when->from, r, row, 1);
    tm_db_copy(d->when->to, sizeof d->when->to, r, row, 2);
    d->facts->customers = tm_db_i64(r, row, 3);
    d->facts->voided_cents = tm_db_i64(r, row, 4);
}

enum tm_code
an_db_report_facts(PGconn *db, const struct an_report_store *store, int64_t day,
                   struct an_report_facts *facts, struct an_report_day *when, struct tm_err *err)
{
    struct tm_db_int s, d;
    const char *p[3] = {tm_db_int(&s, store->id), tm_db_int(&d, day), store->time_zone};
    struct day_row dr = {facts, when};
    enum tm_code rc;

    memset(facts, 0, sizeof *facts);
    rc = tm_db_many(db,
                    "SELECT extract(hour FROM local_hour)::int, revenue_cents, units,"
                    " transactions, customers, voided, declined, flagged"
                    " FROM analytics.hourly_store WHERE store_id = $1::bigint"
                    " AND local_hour >= " DAY " AND local_hour < " DAY " + 1"
                    " ORDER BY local_hour LIMIT 24",
                    2, p, map_hour, facts->hours, sizeof facts->hours[0], &facts->n_hours, err);
    if (rc == TM_OK)
        rc = tm_db_many(db,
                        "SELECT h.product_id, coalesce(p.sku, ''), coalesce(p.name, ''),"
                        " sum(h.revenue_cents), sum(h.units), sum(h.transactions)"
                        " FROM analytics.hourly_product h"
                        " LEFT JOIN analytics.products p ON p.id = h.product_id"
                        " WHERE h.store_id = $1::bigint"
                        " AND h.local_hour >= " DAY " AND h.local_hour < " DAY " + 1"
                        " GROUP BY h.product_id, p.sku, p.name"
                        " ORDER BY 4 DESC, 5 DESC, 1 LIMIT 10",
                        2, p, map_product, facts->products, sizeof facts->products[0],
                        &facts->n_products, err);
    if (rc == TM_OK)
        rc = tm_db_one(
            db,
            "SELECT to_char(" DAY ", 'YYYY-MM-DD'),"
            " " TM_DB_TS(
                "(" DAY
                "::timestamp AT TIME ZONE $3)") ","
                                                " " TM_DB_TS("((" DAY
                                                             " + 1)::timestamp AT TIME ZONE "
                                                             "$3)") ","
                                                                    " count(DISTINCT "
                                                                    "customer_id) FILTER "
                                                                    "(WHERE status = "
                                                                    "'completed'),"
                                                                    " coalesce(sum(total_cents)"
                                                                    " FILTER (WHERE status = "
                                                                    "'voided'), 0)"
                                                                    " FROM analytics.sales "
                                                                    "WHERE store_id = "
                                                                    "$1::bigint"
                                                                    " AND local_hour >= " DAY
                                                                    " AND local_hour < " DAY " + 1",
            3, p, map_day, &dr, "day", err);
    return rc;
}

enum tm_code
an_db_report_put(PGconn *db, int64_t store_id, int64_t day, const char *body,
                 enum an_report_put *did, struct tm_err *err)
{
    struct tm_db_int s, d;
    const char *p[3] = {tm_db_int(&s, store_id), tm_db_int(&d, day), body};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   "INSERT INTO analytics.reports AS r (kind, store_id, day, body)"
                   " VALUES ('daily_sales', $1::bigint, " DAY ", $3::jsonb)"
                   " ON CONFLICT (kind, store_id, day) DO UPDATE SET body = EXCLUDED.body,"
                   " revision = r.revision + 1, amended_at = now()"
                   " WHERE (r.body - 'txn_seq') IS DISTINCT FROM (EXCLUDED.body - 'txn_seq')"
                   " RETURNING r.revision",
                   3, p, &r, err);

    *did = AN_REPORT_SAME;
    if (rc == TM_OK && PQntuples(r) == 1)
        *did = tm_db_i64(r, 0, 0) == 1 ? AN_REPORT_WRITTEN : AN_REPORT_AMENDED;
    PQclear(r);
    return rc;
}

/* The list's rows: $1 store, $2 scope, $3 from, $4 to, $5 after id, $6 limit + 1. */
#define LIST_WHERE                                                                                 \
    " FROM analytics.reports r WHERE r.kind = 'daily_sales'"                                       \
    " AND ($1::bigint IS NULL OR r.store_id = $1::bigint)"                                         \
    " AND ($2::bigint[] IS NULL OR r.store_id = ANY ($2::bigint[]))"                               \
    " AND ($3::date IS NULL OR r.day >= $3::date) AND ($4::date IS NULL OR r.day <= $4::date)"     \
    " AND ($5::bigint IS NULL OR (r.day, r.id) <"                                                  \
    "  (SELECT c.day, c.id FROM analytics.reports c WHERE c.id = $5::bigint))"                     \
    " ORDER BY r.day DESC, r.id DESC LIMIT $6::int"

#define CREATED_AT TM_DB_TS("r.created_at")
#define AMENDED_AT TM_DB_TS("r.amended_at")

/* The head every reply of a report starts with. */
#define HEAD_JSON                                                                                  \
    "jsonb_build_object('id', r.id, 'kind', r.kind, 'store_id', r.store_id, 'day', r.day,"         \
    " 'created_at', " CREATED_AT ", 'revision', r.revision, 'amended_at', " AMENDED_AT ")"

struct list_params {
    struct tm_db_int store, after, limit;
    const char *p[6];
};

static void
list_params(struct list_params *lp, const struct an_report_filter *f, const struct tm_page *page)
{
    lp->p[0] = f->store_id ? tm_db_int(&lp->store, f->store_id) : NULL;
    lp->p[1] = f->store_scope;
    lp->p[2] = f->from;
    lp->p[3] = f->to;
    lp->p[4] = page->after_id ? tm_db_int(&lp->after, page->after_id) : NULL;
    lp->p[5] = tm_db_int(&lp->limit, page->limit + 1);
}

enum tm_code
an_db_report_list_json(PGconn *db, const struct an_report_filter *f, const struct tm_page *page,
                       struct tm_buf *out, struct tm_err *err)
{
    struct list_params lp;
    PGresult *r = NULL;
    enum tm_code rc;

    list_params(&lp, f, page);
    rc = tm_db_exec(db,
                    "SELECT r.id, (" HEAD_JSON " || jsonb_build_object('store', r.body -> 'store',"
                    " 'totals', r.body -> 'totals'))::text" LIST_WHERE,
                    6, lp.p, &r, err);
    if (rc == TM_OK)
        rc = tm_db_json_page(r, page->limit, out, err);
    PQclear(r);
    return rc;
}

static void
map_row(const PGresult *r, int row, void *out)
{
    struct an_report_row *x = out;

    x->id = tm_db_i64(r, row, 0);
    x->store_id = tm_db_i64(r, row, 1);
    tm_db_copy(x->store_code, sizeof x->store_code, r, row, 2);
    tm_db_copy(x->day, sizeof x->day, r, row, 3);
    tm_db_copy(x->created_at, sizeof x->created_at, r, row, 4);
    x->revision = tm_db_i64(r, row, 5);
    x->totals.revenue_cents = tm_db_i64(r, row, 6);
    x->totals.transactions = tm_db_i64(r, row, 7);
    x->totals.units = tm_db_i64(r, row, 8);
    x->average_basket_cents = tm_db_i64(r, row, 9);
    x->totals.customers = tm_db_i64(r, row, 10);
    x->totals.voided = tm_db_i64(r, row, 11);
    x->voided_cents = tm_db_i64(r, row, 12);
    x->totals.declined = tm_db_i64(r, row, 13);
    x->totals.flagged = tm_db_i64(r, row, 14);
}

enum tm_code
an_db_report_list_rows(PGconn *db, const struct an_report_filter *f, const struct tm_page *page,
                       struct an_report_row *out, int *n, struct tm_err *err)
{
    struct list_params lp;

    list_params(&lp, f, page);
    return tm_db_many(
        db,
        "SELECT r.id, r.store_id, r.body -> 'store' ->> 'code', to_char(r.day, "
        "'YYYY-MM-DD'), " CREATED_AT ", r.revision, (t ->> 'revenue_cents')::bigint,"
        " (t ->> 'transactions')::bigint, (t ->> 'units')::bigint,"
        " (t ->> 'average_basket_cents')::bigint, (t ->> 'customers')::bigint,"
        " (t ->> 'voided')::bigint, (t ->> 'voided_cents')::bigint, (t ->> 'declined')::bigint,"
        " (t ->> 'flagged')::bigint"
        " FROM analytics.reports r, LATERAL (SELECT r.body -> 'totals' AS t) b"
        " WHERE r.id IN (SELECT r.id" LIST_WHERE ")"
        " ORDER BY r.day DESC, r.id DESC",
        6, lp.p, map_row, out, sizeof *out, n, err);
}

enum tm_code
an_db_report_get(PGconn *db, int64_t id, int64_t *store_id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int i;
    const char *p[1] = {tm_db_int(&i, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT r.store_id, (" HEAD_JSON " || r.body)::text"
                                 " FROM analytics.reports r WHERE r.id = $1::bigint",
                                 1, p, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no report with this id");
    if (rc == TM_OK) {
        *store_id = tm_db_i64(r, 0, 0);
        rc = tm_buf_adds(out, tm_db_str(r, 0, 1));
        if (rc != TM_OK)
            rc = tm_err_set(err, TM_TOOBIG, NULL, "report too large");
    }
    PQclear(r);
    return rc;
}
