/* services/analytics/sales_store.c — the read models' SQL. Every apply is
 * one statement of data-modifying CTEs: they all see the tables as they
 * were before it, which is what each of them needs (whether a customer is
 * new to the hour, what the voided sale had added). Only one transaction
 * applies a source's events at a time (the inbox row's lock), so nothing
 * else writes these rows meanwhile. Whether a customer is new to the hour
 * is hourly_customer's upsert's own answer (xmax is 0 on a row it inserted,
 * the conflicting row's lock otherwise), not a second look-up. */
#include "services/analytics/sales_store.h"

#include <stdio.h>

#include "common/buf.h"
#include "common/db.h"

/* clang-format off */
/* $1 id, $2 store, $3 customer (NULL: anonymous), $4 occurred_at,
 * $5 decision, $6 review label, $7 total cents, $8 units; lines as arrays:
 * $9 line, $10 product, $11 quantity, $12 amount cents. Answers whether
 * the store is known and whether the sale was added. */
#define SALE_ADD_COMPLETED \
    "WITH st AS (SELECT time_zone FROM analytics.stores WHERE id = $2::bigint)," \
    " s AS (INSERT INTO analytics.sales (id, store_id, customer_id, occurred_at, local_hour," \
    " status, decision, review_label, total_cents, units)" \
    " SELECT $1::bigint, $2::bigint, $3::bigint, $4::timestamptz," \
    " date_trunc('hour', $4::timestamptz AT TIME ZONE st.time_zone), 'completed', $5, $6," \
    " $7::bigint, $8::bigint FROM st ON CONFLICT (id) DO NOTHING" \
    " RETURNING id, store_id, customer_id, occurred_at, local_hour)," \
    " l AS (SELECT * FROM unnest($9::int[], $10::bigint[], $11::bigint[], $12::bigint[])" \
    " AS u(line, product_id, quantity, amount_cents))," \
    " p AS (SELECT product_id, sum(quantity) AS units, sum(amount_cents) AS revenue FROM l" \
    " GROUP BY product_id)," \
    " sl AS (INSERT INTO analytics.sale_lines (sale_id, line, product_id, quantity, amount_cents)" \
    " SELECT s.id, l.line, l.product_id, l.quantity, l.amount_cents FROM s, l)," \
    " hp AS (INSERT INTO analytics.hourly_product AS h (store_id, local_hour, product_id," \
    " revenue_cents, units, transactions) SELECT s.store_id, s.local_hour, p.product_id," \
    " p.revenue, p.units, 1 FROM s, p ON CONFLICT (store_id, local_hour, product_id) DO UPDATE" \
    " SET revenue_cents = h.revenue_cents + EXCLUDED.revenue_cents," \
    " units = h.units + EXCLUDED.units, transactions = h.transactions + 1)," \
    " hc AS (INSERT INTO analytics.hourly_customer AS h (store_id, local_hour, customer_id," \
    " transactions) SELECT s.store_id, s.local_hour, s.customer_id, 1 FROM s" \
    " WHERE s.customer_id IS NOT NULL ON CONFLICT (store_id, local_hour, customer_id)" \
    " DO UPDATE SET transactions = h.transactions + 1 RETURNING h.xmax = 0 AS added)," \
    " nc AS (SELECT count(*) FILTER (WHERE hc.added) AS n FROM hc)," \
    " hs AS (INSERT INTO analytics.hourly_store AS h (store_id, local_hour, revenue_cents, units," \
    " transactions, customers, declined, voided, flagged) SELECT s.store_id, s.local_hour," \
    " $7::bigint, $8::bigint, 1, nc.n, 0, 0, ($5 = 'review')::int FROM s, nc" \
    " ON CONFLICT (store_id, local_hour) DO UPDATE SET" \
    " revenue_cents = h.revenue_cents + EXCLUDED.revenue_cents," \
    " units = h.units + EXCLUDED.units, transactions = h.transactions + 1," \
    " customers = h.customers + EXCLUDED.customers, flagged = h.flagged + EXCLUDED.flagged)," \
    " cs AS (INSERT INTO analytics.customer_stats AS c (customer_id, transactions, revenue_cents," \
    " units, first_sale_at, last_sale_at) SELECT s.customer_id, 1, $7::bigint, $8::bigint," \
    " s.occurred_at, s.occurred_at FROM s WHERE s.customer_id IS NOT NULL" \
    " ON CONFLICT (customer_id) DO UPDATE SET transactions = c.transactions + 1," \
    " revenue_cents = c.revenue_cents + EXCLUDED.revenue_cents, units = c.units + EXCLUDED.units," \
    " first_sale_at = LEAST(c.first_sale_at, EXCLUDED.first_sale_at)," \
    " last_sale_at = GREATEST(c.last_sale_at, EXCLUDED.last_sale_at))," \
    " ps AS (INSERT INTO analytics.product_stats AS x (product_id, transactions, revenue_cents," \
    " units, first_sold_at, last_sold_at) SELECT p.product_id, 1, p.revenue, p.units," \
    " s.occurred_at, s.occurred_at FROM s, p ON CONFLICT (product_id) DO UPDATE SET" \
    " transactions = x.transactions + 1, revenue_cents = x.revenue_cents + EXCLUDED.revenue_cents," \
    " units = x.units + EXCLUDED.units, first_sold_at = LEAST(x.first_sold_at, EXCLUDED.first_sold_at)," \
    " last_sold_at = GREATEST(x.last_sold_at, EXCLUDED.last_sold_at))" \
    " SELECT (SELECT count(*) FROM st), (SELECT count(*) FROM s)"

/* The same parameters but the lines for a declined attempt: its fact (without lines)
 * and its hour's declined count. */
#define SALE_ADD_DECLINED \
    "WITH st AS (SELECT time_zone FROM analytics.stores WHERE id = $2::bigint)," \
    " s AS (INSERT INTO analytics.sales (id, store_id, customer_id, occurred_at, local_hour," \
    " status, decision, review_label, total_cents, units)" \
    " SELECT $1::bigint, $2::bigint, $3::bigint, $4::timestamptz," \
    " date_trunc('hour', $4::timestamptz AT TIME ZONE st.time_zone), 'declined', $5, $6," \
    " $7::bigint, $8::bigint FROM st ON CONFLICT (id) DO NOTHING" \
    " RETURNING store_id, local_hour)," \
    " hs AS (INSERT INTO analytics.hourly_store AS h (store_id, local_hour, revenue_cents, units," \
    " transactions, customers, declined, voided, flagged) SELECT s.store_id, s.local_hour," \
    " 0, 0, 0, 0, 1, 0, 0 FROM s ON CONFLICT (store_id, local_hour) DO UPDATE SET" \
    " declined = h.declined + 1)" \
    " SELECT (SELECT count(*) FROM st), (SELECT count(*) FROM s)"

/* $1 id, $2 voided_at. What the sale added, taken back out: a row whose
 * counts reach zero is deleted (so a replay leaves the same rows), the
 * first/last times recomputed only when the voided sale was the one. */
#define SALE_VOID \
    "WITH s AS (UPDATE analytics.sales SET status = 'voided', voided_at = $2::timestamptz" \
    " WHERE id = $1::bigint AND status = 'completed'" \
    " RETURNING id, store_id, customer_id, local_hour, occurred_at, total_cents, units)," \
    " p AS (SELECT l.product_id, sum(l.quantity) AS units, sum(l.amount_cents) AS revenue" \
    " FROM analytics.sale_lines l, s WHERE l.sale_id = s.id GROUP BY l.product_id)," \
    " hp0 AS (DELETE FROM analytics.hourly_product h USING s, p WHERE h.store_id = s.store_id" \
    " AND h.local_hour = s.local_hour AND h.product_id = p.product_id AND h.transactions <= 1)," \
    " hp AS (UPDATE analytics.hourly_product h SET revenue_cents = h.revenue_cents - p.revenue," \
    " units = h.units - p.units, transactions = h.transactions - 1 FROM s, p" \
    " WHERE h.store_id = s.store_id AND h.local_hour = s.local_hour" \
    " AND h.product_id = p.product_id AND h.transactions > 1)," \
    " hc0 AS (DELETE FROM analytics.hourly_customer h USING s WHERE h.store_id = s.store_id" \
    " AND h.local_hour = s.local_hour AND h.customer_id = s.customer_id AND h.transactions <= 1" \
    " RETURNING 1)," \
    " hc AS (UPDATE analytics.hourly_customer h SET transactions = h.transactions - 1 FROM s" \
    " WHERE h.store_id = s.store_id AND h.local_hour = s.local_hour" \
    " AND h.customer_id = s.customer_id AND h.transactions > 1)," \
    " hs AS (UPDATE analytics.hourly_store h SET revenue_cents = h.revenue_cents - s.total_cents," \
    " units = h.units - s.units, transactions = h.transactions - 1," \
    " customers = h.customers - (SELECT count(*) FROM hc0), voided = h.voided + 1 FROM s" \
    " WHERE h.store_id = s.store_id AND h.local_hour = s.local_hour)," \
    " cs0 AS (DELETE FROM analytics.customer_stats c USING s WHERE c.customer_id = s.customer_id" \
    " AND c.transactions <= 1)," \
    " cs AS (UPDATE analytics.customer_stats c SET transactions = c.transactions - 1," \
    " revenue_cents = c.revenue_cents - s.total_cents, units = c.units - s.units," \
    " first_sale_at = CASE WHEN c.first_sale_at < s.occurred_at THEN c.first_sale_at ELSE" \
    " (SELECT min(o.occurred_at) FROM analytics.sales o WHERE o.customer_id = s.customer_id" \
    " AND o.status = 'completed' AND o.id <> s.id) END," \
    " last_sale_at = CASE WHEN c.last_sale_at > s.occurred_at THEN c.last_sale_at ELSE" \
    " (SELECT max(o.occurred_at) FROM analytics.sales o WHERE o.customer_id = s.customer_id" \
    " AND o.status = 'completed' AND o.id <> s.id) END" \
    " FROM s WHERE c.customer_id = s.customer_id AND c.transactions > 1)," \
    " ps0 AS (DELETE FROM analytics.product_stats x USING p WHERE x.product_id = p.product_id" \
    " AND x.transactions <= 1)," \
    " ps AS (UPDATE analytics.product_stats x SET transactions = x.transactions - 1," \
    " revenue_cents = x.revenue_cents - p.revenue, units = x.units - p.units," \
    " first_sold_at = CASE WHEN x.first_sold_at < s.occurred_at THEN x.first_sold_at ELSE" \
    " (SELECT min(o.occurred_at) FROM analytics.sale_lines ol JOIN analytics.sales o" \
    " ON o.id = ol.sale_id WHERE ol.product_id = x.product_id AND o.status = 'completed'" \
    " AND o.id <> s.id) END," \
    " last_sold_at = CASE WHEN x.last_sold_at > s.occurred_at THEN x.last_sold_at ELSE" \
    " (SELECT max(o.occurred_at) FROM analytics.sale_lines ol JOIN analytics.sales o" \
    " ON o.id = ol.sale_id WHERE ol.product_id = x.product_id AND o.status = 'completed'" \
    " AND o.id <> s.id) END" \
    " FROM s, p WHERE x.product_id = p.product_id AND x.transactions > 1)" \
    " SELECT count(*) FROM s"
/* clang-format on */

enum tm_code
an_db_sale_add(PGconn *db, const struct an_sale *s, struct tm_err *err)
{
    struct tm_db_int id, store, cust, total, units;
    struct tm_buf arr[4];
    PGresult *r = NULL;
    enum tm_code rc = TM_OK;
    int declined = s->status == AN_SALE_DECLINED;

    for (int i = 0; i < 4; i++)
        tm_buf_init(&arr[i], 4096);
    if (tm_db_int_array(&arr[0], &s->lines[0].line, sizeof s->lines[0], s->n_lines) != TM_OK ||
        tm_db_int_array(&arr[1], &s->lines[0].product_id, sizeof s->lines[0], s->n_lines) !=
            TM_OK ||
        tm_db_int_array(&arr[2], &s->lines[0].quantity, sizeof s->lines[0], s->n_lines) != TM_OK ||
        tm_db_int_array(&arr[3], &s->lines[0].amount_cents, sizeof s->lines[0], s->n_lines) !=
            TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    if (rc == TM_OK) {
        const char *params[12] = {tm_db_int(&id, s->id),
                                  tm_db_int(&store, s->store_id),
                                  s->customer_id ? tm_db_int(&cust, s->customer_id) : NULL,
                                  s->occurred_at,
                                  an_sale_decision_name(s->decision),
                                  an_sale_review_name(s->review),
                                  tm_db_int(&total, s->total_cents),
                                  tm_db_int(&units, s->units),
                                  arr[0].p,
                                  arr[1].p,
                                  arr[2].p,
                                  arr[3].p};
        rc = tm_db_exec(db, declined ? SALE_ADD_DECLINED : SALE_ADD_COMPLETED, declined ? 8 : 12,
                        params, &r, err);
    }
    if (rc == TM_OK && tm_db_i64(r, 0, 0) == 0)
        rc = tm_err_set(err, TM_UNAVAIL, "store_id",
                        "store %lld of sale %lld is not in the copy yet: retried",
                        (long long)s->store_id, (long long)s->id);
    else if (rc == TM_OK && tm_db_i64(r, 0, 1) == 0)
        rc = tm_err_set(err, TM_INVALID, "id", "sale %lld was applied before", (long long)s->id);
    PQclear(r);
    for (int i = 0; i < 4; i++)
        tm_buf_fini(&arr[i]);
    return rc;
}

enum tm_code
an_db_sale_void(PGconn *db, int64_t id, const char *voided_at, struct tm_err *err)
{
    struct tm_db_int sid;
    const char *params[2] = {tm_db_int(&sid, id), voided_at};
    int64_t n = 0;
    enum tm_code rc = tm_db_i64_one(db, SALE_VOID, 2, params, &n, err);

    if (rc == TM_OK && n == 0)
        rc = tm_err_set(err, TM_INVALID, "id", "no completed sale %lld to void", (long long)id);
    return rc;
}

enum tm_code
an_db_sale_review(PGconn *db, int64_t id, const char *label, struct tm_err *err)
{
    struct tm_db_int sid;
    const char *params[2] = {tm_db_int(&sid, id), label};
    int64_t n = 0;
    enum tm_code rc = tm_db_i64_one(db,
                                    "WITH s AS (UPDATE analytics.sales SET review_label = $2"
                                    " WHERE id = $1::bigint RETURNING 1) SELECT count(*) FROM s",
                                    2, params, &n, err);

    if (rc == TM_OK && n == 0)
        rc = tm_err_set(err, TM_INVALID, "id", "no sale %lld to review", (long long)id);
    return rc;
}

enum tm_code
an_db_rebuild(PGconn *db, const char *source, int64_t *rows, struct tm_err *err)
{
    const char *params[1] = {source};
    /* the inbox row first: an event being applied commits before we go on,
     * and none is applied until we commit */
    enum tm_code rc = tm_db_exec(db, "SELECT 1 FROM analytics.inbox WHERE source = $1 FOR UPDATE",
                                 1, params, NULL, err);

    if (rc == TM_OK)
        rc = tm_db_i64_one(db, "SELECT count(*) FROM analytics.sales", 0, NULL, rows, err);
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "TRUNCATE analytics.sale_lines, analytics.sales, analytics.hourly_product,"
                        " analytics.hourly_store, analytics.hourly_customer,"
                        " analytics.customer_stats, analytics.product_stats",
                        0, NULL, NULL, err);
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "UPDATE analytics.inbox SET last_seq = 0, applied_at = now()"
                        " WHERE source = $1",
                        1, params, NULL, err);
    return rc;
}
