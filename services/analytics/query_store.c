/* services/analytics/query_store.c — the reports' SQL. Every statement
 * starts from BOUNDS: the stores in the caller's scope, each with its own
 * [f, t) of local hours (the client's, or that store's today), so a range
 * is an index range over (store_id, local_hour) of an hourly table. A
 * product's category and unit cost are its current ones, joined when read
 * (docs/analytics.md). Parameters $1..$4 are the same in every statement:
 * from, to (NULL: today), the scope array (NULL: every store), store_id
 * (NULL: all). */
#include "services/analytics/query_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"

#define BOUNDS                                                                                     \
    "WITH RECURSIVE b AS (SELECT s.id, s.code, s.name, s.time_zone,"                               \
    " COALESCE($1::timestamp, date_trunc('day', now() AT TIME ZONE s.time_zone)) AS f,"            \
    " COALESCE($2::timestamp, date_trunc('day', now() AT TIME ZONE s.time_zone)"                   \
    "  + interval '1 day') AS t,"                                                                  \
    " date_trunc('hour', now() AT TIME ZONE s.time_zone) - interval '23 hours' AS h24"             \
    " FROM analytics.stores s WHERE ($3::bigint[] IS NULL OR s.id = ANY ($3::bigint[]))"           \
    " AND ($4::bigint IS NULL OR s.id = $4::bigint))"

/* t's rows of store b in [b.f, b.t). The bounds again as constants of the
 * statement (the client's, or 2 days before now in UTC, before any store's
 * today or last 24 h begins): the planner can then take the range from the
 * (local_hour) indexes, which it cannot from b's per-store columns. */
#define LOW "COALESCE($1::timestamp, (now() AT TIME ZONE 'UTC') - interval '2 days')"
#define IN_RANGE(t)                                                                                \
    t ".store_id = b.id AND " t ".local_hour >= b.f AND " t ".local_hour < b.t AND " t             \
      ".local_hour >= " LOW " AND ($2::timestamp IS NULL OR " t ".local_hour < $2::timestamp)"

/* The four common parameters, in the caller's storage. */
struct params {
    struct tm_db_int store, extra;
    const char *v[6];
};

static void
params_init(struct params *p, const struct anq_filter *f)
{
    memset(p, 0, sizeof *p);
    p->v[0] = f->given ? f->from : NULL;
    p->v[1] = f->given ? f->to : NULL;
    p->v[2] = f->scope;
    p->v[3] = f->store_id ? tm_db_int(&p->store, f->store_id) : NULL;
}

static int64_t
i64_or_none(const PGresult *r, int row, int col)
{
    return tm_db_isnull(r, row, col) ? ANQ_NONE : tm_db_i64(r, row, col);
}

enum tm_code
an_qdb_exists(PGconn *db, const char *what, int64_t id, int *found, struct tm_err *err)
{
    struct tm_db_int n;
    const char *params[2] = {what, tm_db_int(&n, id)};
    int64_t c = 0;
    enum tm_code rc = tm_db_i64_one(
        db,
        "SELECT CASE $1 WHEN 'store' THEN (SELECT count(*) FROM analytics.stores WHERE id = $2)"
        " ELSE (SELECT count(*) FROM analytics.categories WHERE id = $2) END",
        2, params, &c, err);

    *found = c > 0;
    return rc;
}

static void
hourly_row(const PGresult *r, int i, void *out)
{
    struct anq_hourly_row *h = out;

    h->store_id = tm_db_i64(r, i, 0);
    tm_db_copy(h->hour, sizeof h->hour, r, i, 1);
    h->s = (struct anq_sums){tm_db_i64(r, i, 2),  tm_db_i64(r, i, 3),   tm_db_i64(r, i, 4),
                             tm_db_i64(r, i, 5),  i64_or_none(r, i, 6), i64_or_none(r, i, 7),
                             i64_or_none(r, i, 8)};
}

/* Keyset: the rows after ($6, $7) in (store_id, local_hour) order. */
#define AFTER_ROW "($6::bigint, $7::timestamp)"
#define AFTER(t) " AND ($6::bigint IS NULL OR (" t ".store_id, " t ".local_hour) > " AFTER_ROW ")"

enum tm_code
an_qdb_hourly(PGconn *db, const struct anq_filter *f, struct anq_hourly_row *rows, int max, int *n,
              struct tm_err *err)
{
    struct params p;
    struct tm_db_int after, cat;
    const char *v[8];

    params_init(&p, f);
    memcpy(v, p.v, 4 * sizeof v[0]);
    v[4] = tm_db_int(&p.extra, (int64_t)max + 1);
    v[5] = f->after_store ? tm_db_int(&after, f->after_store) : NULL;
    v[6] = f->after_store ? f->after_hour : NULL;
    v[7] = f->category_id ? tm_db_int(&cat, f->category_id) : NULL;
    if (!f->category_id)
        return tm_db_many(
            db,
            BOUNDS " SELECT h.store_id, to_char(h.local_hour, 'YYYY-MM-DD\"T\"HH24:MI'),"
                   " h.revenue_cents, h.units, h.transactions, h.customers, h.voided,"
                   " h.declined, h.flagged FROM b JOIN analytics.hourly_store h ON " IN_RANGE("h")
                       AFTER("h") " ORDER BY h.store_id, h.local_hour LIMIT $5",
            7, v, hourly_row, rows, sizeof *rows, n, err);
    return tm_db_many(
        db,
        BOUNDS
        ", cats(id) AS (SELECT $8::bigint UNION SELECT k.id FROM analytics.categories k"
        " JOIN cats ON k.parent_id = cats.id)"
        " SELECT s.store_id, to_char(s.local_hour, 'YYYY-MM-DD\"T\"HH24:MI'),"
        " sum(l.amount_cents), sum(l.quantity), count(DISTINCT s.id),"
        " count(DISTINCT s.customer_id), NULL, NULL, NULL"
        " FROM b JOIN analytics.sales s ON " IN_RANGE("s") " AND s.status = 'completed'" AFTER(
            "s") " JOIN analytics.sale_lines l ON l.sale_id = s.id"
                 " JOIN analytics.products p ON p.id = l.product_id"
                 " WHERE p.category_id IN (SELECT id FROM cats)"
                 " GROUP BY s.store_id, s.local_hour ORDER BY s.store_id, s.local_hour"
                 " LIMIT $5",
        8, v, hourly_row, rows, sizeof *rows, n, err);
}

enum tm_code
an_qdb_hourly_count(PGconn *db, const struct anq_filter *f, int64_t cap, int64_t *n,
                    struct tm_err *err)
{
    struct params p;
    struct tm_db_int after;
    const char *v[7];

    params_init(&p, f);
    memcpy(v, p.v, 4 * sizeof v[0]);
    v[4] = tm_db_int(&p.extra, cap + 1);
    v[5] = f->after_store ? tm_db_int(&after, f->after_store) : NULL;
    v[6] = f->after_store ? f->after_hour : NULL;
    *n = 0;
    return tm_db_i64_one(db,
                         BOUNDS " SELECT count(*) FROM (SELECT 1 FROM b JOIN analytics.hourly_store"
                                " h ON " IN_RANGE("h") AFTER("h") " LIMIT $5) c",
                         7, v, n, err);
}

static void
product_row(const PGresult *r, int i, void *out)
{
    struct anq_product_row *p = out;

    p->product_id = tm_db_i64(r, i, 0);
    p->category_id = tm_db_isnull(r, i, 1) ? 0 : tm_db_i64(r, i, 1);
    tm_db_copy(p->sku, sizeof p->sku, r, i, 2);
    tm_db_copy(p->name, sizeof p->name, r, i, 3);
    p->revenue_cents = tm_db_i64(r, i, 4);
    p->units = tm_db_i64(r, i, 5);
    p->transactions = tm_db_i64(r, i, 6);
    p->margin_cents = i64_or_none(r, i, 7);
}

enum tm_code
an_qdb_top_products(PGconn *db, const struct anq_filter *f, const char *by, int64_t limit,
                    struct anq_product_row *rows, int *n, struct tm_err *err)
{
    struct params p;

    params_init(&p, f);
    p.v[4] = by;
    p.v[5] = tm_db_int(&p.extra, limit);
    return tm_db_many(
        db,
        BOUNDS ", x AS (SELECT h.product_id, sum(h.revenue_cents) AS r, sum(h.units) AS u,"
               " sum(h.transactions) AS n FROM b JOIN analytics.hourly_product h ON " IN_RANGE(
                   "h") " GROUP BY h.product_id)"
                        " SELECT x.product_id, p.category_id, p.sku, p.name, x.r, x.u, x.n,"
                        " x.r - x.u * p.unit_cost_cents AS m"
                        " FROM x LEFT JOIN analytics.products p ON p.id = x.product_id"
                        " ORDER BY CASE $5 WHEN 'units' THEN x.u WHEN 'margin'"
                        " THEN x.r - x.u * p.unit_cost_cents ELSE x.r END DESC NULLS LAST,"
                        " x.product_id LIMIT $6",
        6, p.v, product_row, rows, sizeof *rows, n, err);
}

static void
category_row(const PGresult *r, int i, void *out)
{
    struct anq_category_row *c = out;

    c->category_id = tm_db_i64(r, i, 0);
    c->parent_id = tm_db_isnull(r, i, 1) ? 0 : tm_db_i64(r, i, 1);
    tm_db_copy(c->name, sizeof c->name, r, i, 2);
    c->revenue_cents = tm_db_i64(r, i, 3);
    c->units = tm_db_i64(r, i, 4);
    c->margin_cents = tm_db_i64(r, i, 5);
    c->prev_revenue_cents = tm_db_i64(r, i, 6);
}

enum tm_code
an_qdb_categories(PGconn *db, const struct anq_filter *f, struct anq_category_row *rows, int max,
                  int *n, struct tm_err *err)
{
    struct params p;

    params_init(&p, f);
    p.v[4] = tm_db_int(&p.extra, (int64_t)max + 1);
    return tm_db_many(
        db,
        BOUNDS ", cur AS (SELECT p.category_id, sum(h.revenue_cents) AS r, sum(h.units) AS u,"
               " sum(h.revenue_cents - h.units * p.unit_cost_cents) AS m"
               " FROM b JOIN analytics.hourly_product h ON " IN_RANGE(
                   "h") " JOIN analytics.products p ON p.id = h.product_id GROUP BY 1),"
                        " prev AS (SELECT p.category_id, sum(h.revenue_cents) AS r"
                        " FROM b JOIN analytics.hourly_product h ON h.store_id = b.id"
                        " AND h.local_hour >= b.f - (b.t - b.f) AND h.local_hour < b.f"
                        " AND h.local_hour >= COALESCE($1::timestamp - ($2::timestamp -"
                        " $1::timestamp), (now() AT TIME ZONE 'UTC') - interval '3 days')"
                        " AND ($1::timestamp IS NULL OR h.local_hour < $1::timestamp)"
                        " JOIN analytics.products p ON p.id = h.product_id GROUP BY 1)"
                        " SELECT category_id, c.parent_id, c.name, COALESCE(cur.r, 0),"
                        " COALESCE(cur.u, 0), COALESCE(cur.m, 0), COALESCE(prev.r, 0)"
                        " FROM cur FULL JOIN prev USING (category_id)"
                        " LEFT JOIN analytics.categories c ON c.id = category_id"
                        " ORDER BY 4 DESC, 1 LIMIT $5",
        5, p.v, category_row, rows, sizeof *rows, n, err);
}

static void
store_row(const PGresult *r, int i, void *out)
{
    struct anq_store_row *s = out;

    s->store_id = tm_db_i64(r, i, 0);
    tm_db_copy(s->code, sizeof s->code, r, i, 1);
    tm_db_copy(s->name, sizeof s->name, r, i, 2);
    tm_db_copy(s->time_zone, sizeof s->time_zone, r, i, 3);
    s->s = (struct anq_sums){tm_db_i64(r, i, 4), tm_db_i64(r, i, 5), tm_db_i64(r, i, 6),
                             tm_db_i64(r, i, 7), tm_db_i64(r, i, 8), tm_db_i64(r, i, 9),
                             tm_db_i64(r, i, 10)};
}

enum tm_code
an_qdb_stores(PGconn *db, const struct anq_filter *f, struct anq_store_row *rows, int max, int *n,
              struct tm_err *err)
{
    struct params p;

    params_init(&p, f);
    p.v[4] = tm_db_int(&p.extra, (int64_t)max + 1);
    return tm_db_many(
        db,
        BOUNDS " SELECT b.id, b.code, b.name, b.time_zone, COALESCE(sum(h.revenue_cents), 0),"
               " COALESCE(sum(h.units), 0), COALESCE(sum(h.transactions), 0),"
               " (SELECT count(DISTINCT c.customer_id) FROM analytics.hourly_customer c"
               "  WHERE " IN_RANGE("c") "), COALESCE(sum(h.voided), 0),"
                                        " COALESCE(sum(h.declined), 0), COALESCE(sum(h.flagged), 0)"
                                        " FROM b LEFT JOIN analytics.hourly_store h ON " IN_RANGE(
                                            "h") " GROUP BY b.id, b.code, b.name, b.time_zone, b.f,"
                                                 " b.t ORDER BY b.id LIMIT $5",
        5, p.v, store_row, rows, sizeof *rows, n, err);
}

static void
minute_row(const PGresult *r, int i, void *out)
{
    struct anq_minute_row *m = out;

    tm_db_copy(m->minute, sizeof m->minute, r, i, 0);
    m->revenue_cents = tm_db_i64(r, i, 1);
    m->transactions = tm_db_i64(r, i, 2);
    m->units = tm_db_i64(r, i, 3);
    m->voided = tm_db_i64(r, i, 4);
    m->declined = tm_db_i64(r, i, 5);
    m->flagged = tm_db_i64(r, i, 6);
}

enum tm_code
an_qdb_realtime(PGconn *db, const struct anq_filter *f, struct anq_minute_row rows[60],
                struct tm_err *err)
{
    struct params p;
    int n = 0;
    enum tm_code rc;

    params_init(&p, f);
    rc = tm_db_many(
        db,
        "WITH m AS (SELECT generate_series(date_trunc('minute', now()) - interval '59 minutes',"
        " date_trunc('minute', now()), interval '1 minute') AS at),"
        " s AS (SELECT date_trunc('minute', occurred_at) AS at,"
        " sum(total_cents) FILTER (WHERE status = 'completed') AS r,"
        " count(*) FILTER (WHERE status = 'completed') AS n,"
        " sum(units) FILTER (WHERE status = 'completed') AS u,"
        " count(*) FILTER (WHERE status = 'voided') AS v,"
        " count(*) FILTER (WHERE status = 'declined') AS d,"
        " count(*) FILTER (WHERE decision = 'review') AS fl"
        " FROM analytics.sales WHERE occurred_at >= date_trunc('minute', now())"
        " - interval '59 minutes'"
        " AND ($1::bigint[] IS NULL OR store_id = ANY ($1::bigint[]))"
        " AND ($2::bigint IS NULL OR store_id = $2::bigint) GROUP BY 1)"
        " SELECT to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI\"Z\"'),"
        " COALESCE(s.r, 0), COALESCE(s.n, 0), COALESCE(s.u, 0), COALESCE(s.v, 0),"
        " COALESCE(s.d, 0), COALESCE(s.fl, 0) FROM m LEFT JOIN s USING (at) ORDER BY m.at",
        2, p.v + 2, minute_row, rows, sizeof *rows, &n, err);
    if (rc == TM_OK && n != 60)
        return tm_err_set(err, TM_INTERNAL, NULL, "realtime: %d minutes, not 60", n);
    return rc;
}

static void
cell_row(const PGresult *r, int i, void *out)
{
    struct rfm_cell *c = out;

    *c =
        (struct rfm_cell){(int)tm_db_i64(r, i, 0), (int)tm_db_i64(r, i, 1), (int)tm_db_i64(r, i, 2),
                          tm_db_i64(r, i, 3),      tm_db_i64(r, i, 4),      tm_db_i64(r, i, 5),
                          tm_db_i64(r, i, 6)};
}

/* Each customer's three scores by the midpoint of its rank (rfm.h, docs):
 * below = rank() - 1 (those with a worse value), equal = the customers
 * with the same value, score = 1 + floor((10 below + 5 equal) / 2n) capped
 * at 5, in bigint arithmetic as the C this replaced had it; then only the
 * (r, f, m) triples with their counts and sums leave the database. */
enum tm_code
an_qdb_rfm_cells(PGconn *db, const struct anq_filter *f, int64_t now_s,
                 struct rfm_cell cells[RFM_CELLS], int *n, struct tm_err *err)
{
    struct params p;
    struct tm_db_int now;

    *n = 0;
    params_init(&p, f);
    p.v[0] = tm_db_int(&now, now_s);
    /* every store: the lifetime aggregate; a scope or a store: from the facts */
    return tm_db_many(
        db,
        "WITH c AS (SELECT extract(epoch FROM last_sale_at)::bigint AS ls, transactions AS tx,"
        " revenue_cents AS rv FROM analytics.customer_stats"
        " WHERE $2::bigint[] IS NULL AND $3::bigint IS NULL"
        " UNION ALL SELECT extract(epoch FROM max(occurred_at))::bigint, count(*),"
        " sum(total_cents)::bigint FROM analytics.sales WHERE status = 'completed'"
        " AND customer_id IS NOT NULL AND ($2::bigint[] IS NOT NULL OR $3::bigint IS"
        " NOT NULL) AND ($2::bigint[] IS NULL OR store_id = ANY ($2::bigint[]))"
        " AND ($3::bigint IS NULL OR store_id = $3::bigint) GROUP BY customer_id),"
        " k AS (SELECT ls, tx, rv, count(*) OVER () AS n,"
        " rank() OVER (ORDER BY ls) - 1 AS rb, count(*) OVER (PARTITION BY ls) AS re,"
        " rank() OVER (ORDER BY tx) - 1 AS fb, count(*) OVER (PARTITION BY tx) AS fe,"
        " rank() OVER (ORDER BY rv) - 1 AS mb, count(*) OVER (PARTITION BY rv) AS me FROM c),"
        " s AS (SELECT least(5, 1 + (10 * rb + 5 * re) / (2 * n)) AS r,"
        " least(5, 1 + (10 * fb + 5 * fe) / (2 * n)) AS f,"
        " least(5, 1 + (10 * mb + 5 * me) / (2 * n)) AS m, ls, tx, rv FROM k)"
        " SELECT r, f, m, count(*), sum(greatest($1::bigint - ls, 0))::bigint,"
        " sum(tx)::bigint, sum(rv)::bigint FROM s GROUP BY r, f, m ORDER BY r, f, m",
        3, (const char *const[]){p.v[0], p.v[2], p.v[3]}, cell_row, cells, sizeof *cells, n, err);
}

enum tm_code
an_qdb_summary(PGconn *db, const struct anq_filter *f, struct tm_buf *out, struct tm_err *err)
{
    struct params p;

    params_init(&p, f);
    return tm_db_json_one(
        db,
        BOUNDS
        /* per store (LATERAL, OFFSET 0 keeps it so): an index range of a few
         * hours each, whatever the planner guesses of analytics.stores */
        ", hs AS (SELECT h.*, h.local_hour >= b.f AS today, h.local_hour >= b.h24 AS last24,"
        " date_trunc('hour', h.local_hour AT TIME ZONE b.time_zone) AS at"
        " FROM b CROSS JOIN LATERAL (SELECT * FROM analytics.hourly_store x"
        " WHERE x.store_id = b.id AND x.local_hour >= LEAST(b.f, b.h24) OFFSET 0) h),"
        " hc AS (SELECT c.customer_id, c.local_hour >= b.f AS today,"
        " c.local_hour >= b.h24 AS last24 FROM b CROSS JOIN LATERAL (SELECT x.customer_id,"
        " x.local_hour FROM analytics.hourly_customer x WHERE x.store_id = b.id"
        " AND x.local_hour >= LEAST(b.f, b.h24) OFFSET 0) c),"
        " fig AS (SELECT COALESCE(sum(revenue_cents) FILTER (WHERE today), 0) AS tr,"
        " COALESCE(sum(transactions) FILTER (WHERE today), 0) AS tn,"
        " COALESCE(sum(revenue_cents) FILTER (WHERE last24), 0) AS dr,"
        " COALESCE(sum(transactions) FILTER (WHERE last24), 0) AS dn FROM hs),"
        " cus AS (SELECT count(DISTINCT customer_id) FILTER (WHERE today) AS tc,"
        " count(DISTINCT customer_id) FILTER (WHERE last24) AS dc FROM hc),"
        " top AS (SELECT x.product_id, p.sku, p.name, x.r, x.u FROM (SELECT h.product_id,"
        " sum(h.revenue_cents) AS r, sum(h.units) AS u FROM b JOIN analytics.hourly_product h"
        " ON " IN_RANGE(
            "h") " GROUP BY 1) x LEFT JOIN analytics.products p ON p.id ="
                 " x.product_id ORDER BY x.r DESC, x.product_id LIMIT 5),"
                 " ser AS (SELECT g.at, COALESCE(sum(hs.revenue_cents), 0) AS r,"
                 " COALESCE(sum(hs.transactions), 0) AS n FROM generate_series("
                 "date_trunc('hour', now()) - interval '23 hours',"
                 " date_trunc('hour', now()), interval '1 hour') AS g(at)"
                 " LEFT JOIN hs ON hs.at = g.at AND hs.last24 GROUP BY g.at)"
                 " SELECT jsonb_build_object("
                 "'as_of', " TM_DB_TS(
                     "now()") ","
                              " 'today', jsonb_build_object('revenue_cents', fig.tr,"
                              " 'transactions', fig.tn, 'average_basket_cents',"
                              " CASE WHEN fig.tn = 0 THEN NULL ELSE round(fig.tr / fig.tn) END,"
                              " 'active_customers', cus.tc),"
                              " 'last_24h', jsonb_build_object('revenue_cents', fig.dr,"
                              " 'transactions', fig.dn, 'average_basket_cents',"
                              " CASE WHEN fig.dn = 0 THEN NULL ELSE round(fig.dr / fig.dn) END,"
                              " 'active_customers', cus.dc),"
                              " 'top_products', (SELECT COALESCE(jsonb_agg(jsonb_build_object("
                              "'product_id', product_id, 'sku', sku, 'name', name,"
                              " 'revenue_cents', r, 'units', u) ORDER BY r DESC, product_id),"
                              " '[]') FROM top),"
                              " 'hourly', (SELECT jsonb_agg(jsonb_build_object('hour',"
                              " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:00\"Z\"'),"
                              " 'revenue_cents', r, 'transactions', n) ORDER BY at) FROM ser),"
                              " 'applied', (SELECT COALESCE(jsonb_object_agg(source, last_seq),"
                              " '{}') FROM analytics.inbox))::text FROM fig, cus",
        4, p.v, "store_id", "summary", out, err);
}
