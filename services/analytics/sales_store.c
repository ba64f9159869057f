/* services/analytics/sales_store.c — the read models' SQL. Every apply (a
 * batch of sales, a void, a review) is one statement of data-modifying
 * CTEs: they all see the tables as they were before it, which is what each
 * of them needs (whether a customer is
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
/* A batch of sales and declined attempts (sale_batch.h), as arrays: $1 id,
 * $2 store, $3 customer (0: anonymous), $4 occurred_at, $5 status, $6
 * decision, $7 review label ('none': none), $8 total cents, $9 units; the
 * completed sales' lines: $10 sale, $11 line, $12 product, $13 quantity,
 * $14 amount cents. A sale already there (applied before) adds nothing.
 * Each read model is one upsert of the batch's rows aggregated per its key
 * ((store, local hour, product), (store, local hour, customer), (store,
 * local hour), customer, product), which adds what the sales one by one
 * would have: a sale counts once in each row its lines touch, a customer
 * new to an hour is one whose (store, hour, customer) row the upsert
 * inserted, declined attempts count only in hourly_store.declined. Answers
 * the sales whose store is not in the copy yet (the first of them) and
 * the ids that were there already. */
#define SALE_BATCH_ADD \
    "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]," \
    " $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])" \
    " AS u(id, store_id, customer_id, occurred_at, status, decision, review, total_cents, units))," \
    " s AS (INSERT INTO analytics.sales (id, store_id, customer_id, occurred_at, local_hour," \
    " status, decision, review_label, total_cents, units)" \
    " SELECT u.id, u.store_id, NULLIF(u.customer_id, 0), u.occurred_at," \
    " date_trunc('hour', u.occurred_at AT TIME ZONE st.time_zone), u.status, u.decision," \
    " NULLIF(u.review, 'none'), u.total_cents, u.units" \
    " FROM u JOIN analytics.stores st ON st.id = u.store_id ORDER BY u.id" \
    " ON CONFLICT (id) DO NOTHING" \
    " RETURNING id, store_id, customer_id, occurred_at, local_hour, status, decision," \
    " total_cents, units)," \
    " c AS (SELECT * FROM s WHERE status = 'completed')," \
    " l AS (SELECT * FROM unnest($10::bigint[], $11::int[], $12::bigint[], $13::bigint[]," \
    " $14::bigint[]) AS l(sale_id, line, product_id, quantity, amount_cents))," \
    " sl AS (INSERT INTO analytics.sale_lines (sale_id, line, product_id, quantity, amount_cents)" \
    " SELECT l.sale_id, l.line, l.product_id, l.quantity, l.amount_cents FROM l" \
    " JOIN c ON c.id = l.sale_id)," \
    " sp AS (SELECT c.store_id, c.local_hour, c.occurred_at, l.product_id," \
    " sum(l.quantity) AS units, sum(l.amount_cents) AS revenue FROM c JOIN l ON l.sale_id = c.id" \
    " GROUP BY c.id, c.store_id, c.local_hour, c.occurred_at, l.product_id)," \
    " hp AS (INSERT INTO analytics.hourly_product AS h (store_id, local_hour, product_id," \
    " revenue_cents, units, transactions) SELECT store_id, local_hour, product_id, sum(revenue)," \
    " sum(units), count(*) FROM sp GROUP BY store_id, local_hour, product_id" \
    " ORDER BY store_id, local_hour, product_id" \
    " ON CONFLICT (store_id, local_hour, product_id) DO UPDATE" \
    " SET revenue_cents = h.revenue_cents + EXCLUDED.revenue_cents," \
    " units = h.units + EXCLUDED.units, transactions = h.transactions + EXCLUDED.transactions)," \
    " hc AS (INSERT INTO analytics.hourly_customer AS h (store_id, local_hour, customer_id," \
    " transactions) SELECT store_id, local_hour, customer_id, count(*) FROM c" \
    " WHERE customer_id IS NOT NULL GROUP BY store_id, local_hour, customer_id" \
    " ORDER BY store_id, local_hour, customer_id" \
    " ON CONFLICT (store_id, local_hour, customer_id)" \
    " DO UPDATE SET transactions = h.transactions + EXCLUDED.transactions" \
    " RETURNING h.store_id, h.local_hour, h.xmax = 0 AS added)," \
    " nc AS (SELECT store_id, local_hour, count(*) FILTER (WHERE added) AS n FROM hc" \
    " GROUP BY store_id, local_hour)," \
    " a AS (SELECT store_id, local_hour," \
    " coalesce(sum(total_cents) FILTER (WHERE status = 'completed'), 0) AS revenue," \
    " coalesce(sum(units) FILTER (WHERE status = 'completed'), 0) AS units," \
    " count(*) FILTER (WHERE status = 'completed') AS transactions," \
    " count(*) FILTER (WHERE status = 'declined') AS declined," \
    " count(*) FILTER (WHERE status = 'completed' AND decision = 'review') AS flagged" \
    " FROM s GROUP BY store_id, local_hour)," \
    " hs AS (INSERT INTO analytics.hourly_store AS h (store_id, local_hour, revenue_cents, units," \
    " transactions, customers, declined, voided, flagged) SELECT a.store_id, a.local_hour," \
    " a.revenue, a.units, a.transactions, coalesce(nc.n, 0), a.declined, 0, a.flagged" \
    " FROM a LEFT JOIN nc ON nc.store_id = a.store_id AND nc.local_hour = a.local_hour" \
    " ORDER BY a.store_id, a.local_hour" \
    " ON CONFLICT (store_id, local_hour) DO UPDATE SET" \
    " revenue_cents = h.revenue_cents + EXCLUDED.revenue_cents," \
    " units = h.units + EXCLUDED.units, transactions = h.transactions + EXCLUDED.transactions," \
    " customers = h.customers + EXCLUDED.customers, declined = h.declined + EXCLUDED.declined," \
    " flagged = h.flagged + EXCLUDED.flagged)," \
    " cs AS (INSERT INTO analytics.customer_stats AS x (customer_id, transactions, revenue_cents," \
    " units, first_sale_at, last_sale_at) SELECT customer_id, count(*), sum(total_cents)," \
    " sum(units), min(occurred_at), max(occurred_at) FROM c WHERE customer_id IS NOT NULL" \
    " GROUP BY customer_id ORDER BY customer_id" \
    " ON CONFLICT (customer_id) DO UPDATE SET transactions = x.transactions + EXCLUDED.transactions," \
    " revenue_cents = x.revenue_cents + EXCLUDED.revenue_cents, units = x.units + EXCLUDED.units," \
    " first_sale_at = LEAST(x.first_sale_at, EXCLUDED.first_sale_at)," \
    " last_sale_at = GREATEST(x.last_sale_at, EXCLUDED.last_sale_at))," \
    " ps AS (INSERT INTO analytics.product_stats AS x (product_id, transactions, revenue_cents," \
    " units, first_sold_at, last_sold_at) SELECT product_id, count(*), sum(revenue), sum(units)," \
    " min(occurred_at), max(occurred_at) FROM sp GROUP BY product_id ORDER BY product_id" \
    " ON CONFLICT (product_id) DO UPDATE SET" \
    " transactions = x.transactions + EXCLUDED.transactions," \
    " revenue_cents = x.revenue_cents + EXCLUDED.revenue_cents," \
    " units = x.units + EXCLUDED.units," \
    " first_sold_at = LEAST(x.first_sold_at, EXCLUDED.first_sold_at)," \
    " last_sold_at = GREATEST(x.last_sold_at, EXCLUDED.last_sold_at))" \
    " SELECT (SELECT count(*) FROM u WHERE NOT EXISTS (SELECT 1 FROM analytics.stores st" \
    " WHERE st.id = u.store_id))," \
    " (SELECT min(u.store_id) FROM u WHERE NOT EXISTS (SELECT 1 FROM analytics.stores st" \
    " WHERE st.id = u.store_id))," \
    " (SELECT coalesce(string_agg(u.id::text, ',' ORDER BY u.id), '') FROM u" \
    " WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.id = u.id))"

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

/* The batch's per-sale columns as the statement's $1..$9 into a[0..8]. */
static enum tm_code
sale_arrays(const struct an_sale_batch *b, struct tm_buf *a)
{
    const struct an_batch_sale *v = b->sales;
    const char *at[AN_BATCH_SALES], *status[AN_BATCH_SALES], *decision[AN_BATCH_SALES],
        *review[AN_BATCH_SALES];
    enum tm_code rc;

    for (int i = 0; i < b->n; i++) {
        at[i] = v[i].occurred_at;
        status[i] = an_sale_status_name(v[i].status);
        decision[i] = an_sale_decision_name(v[i].decision);
        review[i] = v[i].review == AN_REVIEW_NONE ? "none" : an_sale_review_name(v[i].review);
    }
    if ((rc = tm_db_int_array(&a[0], &v[0].id, sizeof v[0], b->n)) != TM_OK ||
        (rc = tm_db_int_array(&a[1], &v[0].store_id, sizeof v[0], b->n)) != TM_OK ||
        (rc = tm_db_int_array(&a[2], &v[0].customer_id, sizeof v[0], b->n)) != TM_OK ||
        (rc = tm_db_word_array(&a[3], at, b->n)) != TM_OK ||
        (rc = tm_db_word_array(&a[4], status, b->n)) != TM_OK ||
        (rc = tm_db_word_array(&a[5], decision, b->n)) != TM_OK ||
        (rc = tm_db_word_array(&a[6], review, b->n)) != TM_OK ||
        (rc = tm_db_int_array(&a[7], &v[0].total_cents, sizeof v[0], b->n)) != TM_OK)
        return rc;
    return tm_db_int_array(&a[8], &v[0].units, sizeof v[0], b->n);
}

/* The lines as $10..$14 into a[9..13]. */
static enum tm_code
line_arrays(const struct an_sale_batch *b, struct tm_buf *a)
{
    const struct an_batch_line *l = b->lines;
    enum tm_code rc;

    if ((rc = tm_db_int_array(&a[9], &l[0].sale_id, sizeof l[0], b->n_lines)) != TM_OK ||
        (rc = tm_db_int_array(&a[10], &l[0].line, sizeof l[0], b->n_lines)) != TM_OK ||
        (rc = tm_db_int_array(&a[11], &l[0].product_id, sizeof l[0], b->n_lines)) != TM_OK ||
        (rc = tm_db_int_array(&a[12], &l[0].quantity, sizeof l[0], b->n_lines)) != TM_OK)
        return rc;
    return tm_db_int_array(&a[13], &l[0].amount_cents, sizeof l[0], b->n_lines);
}

enum tm_code
an_db_sale_batch_write(PGconn *db, const struct an_sale_batch *b, char *skipped, size_t size,
                       struct tm_err *err)
{
    struct tm_buf a[14];
    const char *params[14];
    PGresult *r = NULL;
    enum tm_code rc = TM_OK;

    skipped[0] = '\0';
    if (b->n == 0)
        return TM_OK;
    /* a batch's arrays: 500 sales of ~40-byte times, 5000 lines of 5 numbers */
    for (int i = 0; i < 14; i++)
        tm_buf_init(&a[i], 1u << 20);
    if (sale_arrays(b, a) != TM_OK || line_arrays(b, a) != TM_OK)
        rc = tm_err_set(err, TM_INTERNAL, "lines", "a batch of %d sales does not fit", b->n);
    for (int i = 0; i < 14 && rc == TM_OK; i++)
        params[i] = a[i].p;
    /* in a savepoint: refused, it leaves the page's transaction usable
     * (the caller may write the sales one at a time) */
    if (rc == TM_OK)
        rc = tm_db_exec(db, "SAVEPOINT an_batch", 0, NULL, NULL, err);
    if (rc == TM_OK) {
        rc = tm_db_exec(db, SALE_BATCH_ADD, 14, params, &r, err);
        if (rc == TM_OK && tm_db_i64(r, 0, 0) > 0)
            rc = tm_err_set(err, TM_UNAVAIL, "store_id",
                            "store %lld of %lld sales is not in the copy yet: retried",
                            (long long)tm_db_i64(r, 0, 1), (long long)tm_db_i64(r, 0, 0));
        else if (rc == TM_OK)
            tm_db_copy(skipped, size, r, 0, 2);
        struct tm_err back = {0};
        if (tm_db_exec(
                db, rc == TM_OK ? "RELEASE SAVEPOINT an_batch" : "ROLLBACK TO SAVEPOINT an_batch",
                0, NULL, NULL, &back) != TM_OK &&
            rc == TM_OK)
            rc = tm_err_set(err, back.code, back.field, "%s", back.message);
    }
    PQclear(r);
    for (int i = 0; i < 14; i++)
        tm_buf_fini(&a[i]);
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
