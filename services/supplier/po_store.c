/* services/supplier/po_store.c — the SQL of purchase orders. Every
 * statement is parameterized; JSON is rendered by PostgreSQL. */
#include "services/supplier/po_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"

/* clang-format off */
#define LINES_JSON                                                                                \
    "(SELECT COALESCE(json_agg(json_build_object('line', l.line, 'product_id', l.product_id,"     \
    " 'quantity', l.quantity, 'confirmed_quantity', l.confirmed_quantity,"                        \
    " 'received_quantity', l.received_quantity, 'rejected_quantity', l.rejected_quantity,"        \
    " 'unit_price_cents', l.unit_price_cents, 'promised_lead_days', l.promised_lead_days)"        \
    " ORDER BY l.line), '[]'::json) FROM supplier.po_lines l WHERE l.po_id = p.id)"

#define GOODS "(SELECT COALESCE(sum(l.quantity * l.unit_price_cents), 0)"                         \
    " FROM supplier.po_lines l WHERE l.po_id = p.id)"

#define RECEIPT_JSON                                                                              \
    "json_build_object('id', r.id, 'purchase_order_id', r.po_id, 'key', r.key, 'note', r.note,"   \
    " 'received_by', r.received_by, 'received_at', " TM_DB_TS("r.received_at") ","              \
    " 'lines', (SELECT COALESCE(json_agg(json_build_object('product_id', x.product_id,"           \
    " 'quantity', x.quantity, 'rejected', x.rejected, 'reason', NULLIF(x.reason, ''))"            \
    " ORDER BY x.product_id), '[]'::json) FROM supplier.po_receipt_lines x"                       \
    " WHERE x.receipt_id = r.id))"

#define PO_JSON(extra)                                                                            \
    "json_build_object('id', p.id, 'supplier_id', p.supplier_id, 'store_id', p.store_id,"         \
    " 'status', p.status, 'currency', p.currency, 'reference', p.reference,"                      \
    " 'order_key', p.order_key, 'supplier_order_id', p.supplier_order_id,"                        \
    " 'expected_delivery', p.expected_delivery, 'goods_cents', " GOODS ","                         \
    " 'shipping_cents', p.shipping_cents, 'total_cents', " GOODS " + p.shipping_cents,"           \
    " 'send_attempts', p.send_attempts, 'last_error', NULLIF(p.last_error, ''),"                  \
    " 'cancel_reason', NULLIF(p.cancel_reason, ''), 'created_by', p.created_by,"                  \
    " 'created_at', " TM_DB_TS("p.created_at") ", 'updated_at', " TM_DB_TS("p.updated_at") ","   \
    " 'sent_at', " TM_DB_TS("p.sent_at") ", 'confirmed_at', " TM_DB_TS("p.confirmed_at") ","     \
    " 'closed_at', " TM_DB_TS("p.closed_at") ", 'lines', " LINES_JSON extra ")::text"

/* The performance rows of a closing PO ($1): one per line that received
 * something, or every line when it was received in full (a line confirmed
 * short and never delivered counts as ordered, none received); lead time
 * from the day it was sent to the day of the line's last receipt (today
 * for a line with none). */
#define PERF_INSERT                                                                               \
    "INSERT INTO supplier.receipts (supplier_id, product_id, promised_lead_days,"                 \
    " actual_lead_days, ordered_quantity, received_quantity, received_at, po_id)"                 \
    " SELECT p.supplier_id, l.product_id, l.promised_lead_days,"                                  \
    " LEAST(3650, GREATEST(0, (COALESCE(last.at, now()) AT TIME ZONE 'UTC')::date"                \
    " - (p.sent_at AT TIME ZONE 'UTC')::date)), l.quantity, l.received_quantity,"                 \
    " COALESCE(last.at, now()), p.id"                                                             \
    " FROM supplier.purchase_orders p JOIN supplier.po_lines l ON l.po_id = p.id"                 \
    " CROSS JOIN LATERAL (SELECT max(r.received_at) AS at FROM supplier.po_receipts r"            \
    " JOIN supplier.po_receipt_lines x ON x.receipt_id = r.id"                                    \
    " WHERE r.po_id = p.id AND x.product_id = l.product_id) last"                                 \
    " WHERE p.id = $1::bigint AND p.sent_at IS NOT NULL"                                          \
    " AND (l.received_quantity > 0 OR p.status = 'received')"                                     \
    " ON CONFLICT DO NOTHING"
/* clang-format on */

static enum tm_code
too_big(enum tm_code rc, struct tm_err *err)
{
    return rc == TM_TOOBIG ? tm_err_set(err, TM_TOOBIG, NULL, "reply too large") : rc;
}

enum tm_code
sup_db_target(PGconn *db, int64_t sid, const char *field, struct sup_target_row *out,
              struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, sid)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT active, currency, COALESCE(api_url, ''),"
                                 " COALESCE(api_key, '') FROM supplier.suppliers WHERE id = $1",
                                 1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) != 1)
        rc = tm_err_set(err, TM_NOTFOUND, field, "no supplier with this %s", field);
    if (rc == TM_OK) {
        out->active = tm_db_bool(r, 0, 0);
        tm_db_copy(out->currency, sizeof out->currency, r, 0, 1);
        tm_db_copy(out->api_url, sizeof out->api_url, r, 0, 2);
        tm_db_copy(out->api_key, sizeof out->api_key, r, 0, 3);
    }
    PQclear(r);
    return rc;
}

enum tm_code
sup_db_po_offer(PGconn *db, int64_t sid, int64_t product_id, int64_t today_day, struct sup_offer *o,
                int *found, struct tm_err *err)
{
    struct tm_db_int a, b, c;
    const char *params[3] = {tm_db_int(&a, sid), tm_db_int(&b, product_id),
                             tm_db_int(&c, today_day)};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   "SELECT o.moq, o.pack_size, o.lead_time_days, o.lead_time_spread_days,"
                   " o.shipping_cost_cents, o.free_shipping_threshold_cents, b.min_quantity,"
                   " b.unit_price_cents FROM supplier.offers o"
                   " JOIN supplier.offer_breaks b ON b.offer_id = o.id"
                   " WHERE o.supplier_id = $1::bigint AND o.product_id = $2::bigint AND o.active"
                   " AND (o.valid_from IS NULL OR o.valid_from <= date '1970-01-01' + $3::integer)"
                   " AND (o.valid_to IS NULL OR o.valid_to >= date '1970-01-01' + $3::integer)"
                   " ORDER BY b.min_quantity",
                   3, params, &r, err);

    memset(o, 0, sizeof *o);
    *found = rc == TM_OK && PQntuples(r) > 0;
    if (*found) {
        o->product_id = product_id;
        o->moq = tm_db_i64(r, 0, 0);
        o->pack_size = tm_db_i64(r, 0, 1);
        o->lead_time_days = (double)tm_db_i64(r, 0, 2);
        o->lead_time_sd_days = (double)tm_db_i64(r, 0, 3);
        o->shipping_cost_cents = tm_db_i64(r, 0, 4);
        o->free_shipping_threshold_cents = tm_db_i64(r, 0, 5);
        for (int i = 0; i < PQntuples(r) && i < SUP_BREAKS_MAX; i++) {
            o->breaks[i].min_quantity = tm_db_i64(r, i, 6);
            o->breaks[i].unit_price_cents = tm_db_i64(r, i, 7);
            o->n_breaks = i + 1;
        }
    }
    PQclear(r);
    return rc;
}

enum tm_code
sup_db_po_create(PGconn *db, const struct sup_po_in *in, const char *currency,
                 const struct sup_po_price *p, int64_t shipping_cents, const char *order_key,
                 const char *who, int64_t *id, struct tm_err *err)
{
    struct tm_db_int a, b, c;
    struct tm_buf arr[4];
    enum tm_code rc = TM_OK;

    for (int i = 0; i < 4; i++)
        tm_buf_init(&arr[i], 1 << 16);
    if ((rc = tm_db_int_array(&arr[0], &in->lines[0].product_id, sizeof in->lines[0], in->n)) ==
            TM_OK &&
        (rc = tm_db_int_array(&arr[1], &in->lines[0].quantity, sizeof in->lines[0], in->n)) ==
            TM_OK &&
        (rc = tm_db_int_array(&arr[2], &p[0].unit_price_cents, sizeof p[0], in->n)) == TM_OK &&
        (rc = tm_db_int_array(&arr[3], &p[0].lead_days, sizeof p[0], in->n)) == TM_OK) {
        const char *params[11] = {tm_db_int(&a, in->supplier_id),
                                  tm_db_int(&b, in->store_id),
                                  currency,
                                  in->reference,
                                  order_key,
                                  tm_db_int(&c, shipping_cents),
                                  who,
                                  arr[0].p,
                                  arr[1].p,
                                  arr[2].p,
                                  arr[3].p};
        rc = tm_db_i64_one(
            db,
            "WITH p AS (INSERT INTO supplier.purchase_orders (supplier_id, store_id, currency,"
            " reference, order_key, shipping_cents, created_by) VALUES ($1::bigint, $2::bigint,"
            " $3, $4, $5, $6::bigint, $7) ON CONFLICT (order_key) DO NOTHING RETURNING id),"
            " l AS (INSERT INTO supplier.po_lines (po_id, line, product_id, quantity,"
            " unit_price_cents, promised_lead_days) SELECT p.id, u.ord - 1, u.pid, u.q, u.price,"
            " u.lead FROM p, unnest($8::bigint[], $9::bigint[], $10::bigint[], $11::integer[])"
            " WITH ORDINALITY AS u(pid, q, price, lead, ord))"
            " SELECT coalesce((SELECT id FROM p), 0)",
            11, params, id, err);
        if (rc == TM_OK && *id == 0)
            rc = tm_err_set(err, TM_CONFLICT, "order_key", "a purchase order has this order key");
    } else {
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    }
    for (int i = 0; i < 4; i++)
        tm_buf_fini(&arr[i]);
    return rc;
}

enum tm_code
sup_db_po_by_key(PGconn *db, const char *order_key, int64_t *id, struct tm_err *err)
{
    const char *params[1] = {order_key};
    enum tm_code rc = tm_db_i64_one(
        db, "SELECT coalesce((SELECT id FROM supplier.purchase_orders WHERE order_key = $1), 0)", 1,
        params, id, err);

    if (rc == TM_OK && *id == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "order_key", "no purchase order with this order key");
    return rc;
}

enum tm_code
sup_db_po_json(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};

    return too_big(tm_db_json_one(db,
                                  "SELECT " PO_JSON(
                                      ", 'receipts', (SELECT COALESCE(json_agg(" RECEIPT_JSON
                                      " ORDER BY r.id), '[]'::json) FROM supplier.po_receipts r"
                                      " WHERE r.po_id = p.id)") " FROM supplier.purchase_orders p"
                                                                " WHERE p.id = $1::bigint",
                                  1, params, "id", "purchase order", out, err),
                   err);
}

enum tm_code
sup_db_po_load(PGconn *db, int64_t id, int lock, struct sup_po *po, struct sup_po_row *row,
               struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db,
                   lock ? "SELECT p.supplier_id, p.store_id, p.status, p.order_key, p.reference,"
                          " COALESCE(p.supplier_order_id, '') FROM supplier.purchase_orders p"
                          " WHERE p.id = $1::bigint FOR UPDATE"
                        : "SELECT p.supplier_id, p.store_id, p.status, p.order_key, p.reference,"
                          " COALESCE(p.supplier_order_id, '') FROM supplier.purchase_orders p"
                          " WHERE p.id = $1::bigint",
                   1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) != 1)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no purchase order with this id");
    if (rc == TM_OK) {
        row->id = id;
        row->supplier_id = tm_db_i64(r, 0, 0);
        row->store_id = tm_db_i64(r, 0, 1);
        po->status = (enum sup_po_status)sup_po_status_of(tm_db_str(r, 0, 2));
        tm_db_copy(row->order_key, sizeof row->order_key, r, 0, 3);
        tm_db_copy(row->reference, sizeof row->reference, r, 0, 4);
        tm_db_copy(row->supplier_order_id, sizeof row->supplier_order_id, r, 0, 5);
    }
    PQclear(r);
    r = NULL;
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "SELECT product_id, quantity, COALESCE(confirmed_quantity, -1),"
                        " received_quantity, rejected_quantity FROM supplier.po_lines"
                        " WHERE po_id = $1::bigint ORDER BY line",
                        1, params, &r, err);
    if (rc == TM_OK) {
        po->n = PQntuples(r) < SUP_PO_LINES_MAX ? PQntuples(r) : SUP_PO_LINES_MAX;
        for (int i = 0; i < po->n; i++)
            po->lines[i] =
                (struct sup_po_line){tm_db_i64(r, i, 0), tm_db_i64(r, i, 1), tm_db_i64(r, i, 2),
                                     tm_db_i64(r, i, 3), tm_db_i64(r, i, 4)};
    }
    PQclear(r);
    return rc;
}

enum tm_code
sup_db_po_sending(PGconn *db, int64_t id, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};

    return tm_db_exec(db,
                      "UPDATE supplier.purchase_orders SET status = 'sending',"
                      " send_attempts = send_attempts + 1, updated_at = now()"
                      " WHERE id = $1::bigint",
                      1, params, NULL, err);
}

enum tm_code
sup_db_po_sent(PGconn *db, int64_t id, const struct sup_po *po, const struct sup_api_order *ord,
               struct tm_err *err)
{
    struct tm_db_int a;
    struct tm_buf conf;
    int64_t c[SUP_PO_LINES_MAX];
    int confirmed = ord && strcmp(ord->status, "confirmed") == 0;
    enum tm_code rc;

    for (int i = 0; i < po->n; i++)
        c[i] = po->lines[i].confirmed;
    tm_buf_init(&conf, 1 << 16);
    if ((rc = tm_db_int_array(&conf, c, sizeof c[0], po->n)) != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    if (rc == TM_OK) {
        const char *params[6] = {tm_db_int(&a, id),
                                 confirmed ? "confirmed" : "sent",
                                 ord && ord->order_id[0] ? ord->order_id : NULL,
                                 ord && ord->expected_delivery[0] ? ord->expected_delivery : NULL,
                                 conf.p,
                                 ord ? "true" : "false"};
        rc = tm_db_exec(
            db,
            "WITH p AS (UPDATE supplier.purchase_orders SET status = $2, sent_at = now(),"
            " confirmed_at = CASE WHEN $2 = 'confirmed' THEN now() END,"
            " supplier_order_id = $3, expected_delivery = $4::date, last_error = '',"
            " send_attempts = send_attempts + CASE WHEN $6::boolean THEN 0 ELSE 1 END,"
            " updated_at = now() WHERE id = $1::bigint RETURNING id)"
            " UPDATE supplier.po_lines l SET confirmed_quantity = NULLIF(u.c, -1),"
            /* the supplier's expected delivery is what it promised */
            " promised_lead_days = COALESCE(LEAST(3650, GREATEST(0,"
            " $4::date - (now() AT TIME ZONE 'UTC')::date)), l.promised_lead_days)"
            " FROM unnest($5::bigint[]) WITH ORDINALITY AS u(c, ord)"
            " WHERE l.po_id = (SELECT id FROM p) AND l.line = u.ord - 1",
            6, params, NULL, err);
    }
    tm_buf_fini(&conf);
    return rc;
}

enum tm_code
sup_db_po_send_failed(PGconn *db, int64_t id, enum sup_po_status status, const char *message,
                      struct tm_err *err)
{
    struct tm_db_int a;
    char msg[SUP_PO_TEXT_MAX + 1];
    const char *params[3] = {tm_db_int(&a, id), sup_po_status_names[status], msg};

    snprintf(msg, sizeof msg, "%s", message);
    return tm_db_exec(db,
                      "UPDATE supplier.purchase_orders SET status = $2, last_error = $3,"
                      " updated_at = now() WHERE id = $1::bigint",
                      3, params, NULL, err);
}

enum tm_code
sup_db_po_cancelled(PGconn *db, int64_t id, const char *reason, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[2] = {tm_db_int(&a, id), reason};
    enum tm_code rc = tm_db_exec(db,
                                 "UPDATE supplier.purchase_orders SET status = 'cancelled',"
                                 " cancel_reason = $2, closed_at = now(), updated_at = now()"
                                 " WHERE id = $1::bigint",
                                 2, params, NULL, err);

    return rc == TM_OK ? tm_db_exec(db, PERF_INSERT, 1, params, NULL, err) : rc;
}

enum tm_code
sup_db_receipt_by_key(PGconn *db, int64_t po_id, const char *key, int64_t *receipt_id,
                      struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[2] = {tm_db_int(&a, po_id), key};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT id FROM supplier.po_receipts"
                                 " WHERE po_id = $1::bigint AND key = $2",
                                 2, params, &r, err);

    *receipt_id = rc == TM_OK && PQntuples(r) == 1 ? tm_db_i64(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

/* The receipt's lines (in->r.lines with their reasons) as rows. */
static enum tm_code
receipt_lines(PGconn *db, int64_t receipt_id, const struct sup_receipt_in *in, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    enum tm_code rc = TM_OK;

    for (int i = 0; i < in->r.n && rc == TM_OK; i++) {
        const char *params[5] = {tm_db_int(&a, receipt_id),
                                 tm_db_int(&b, in->r.lines[i].product_id),
                                 tm_db_int(&c, in->r.lines[i].quantity),
                                 tm_db_int(&d, in->r.lines[i].rejected), in->reasons[i]};
        rc = tm_db_exec(db,
                        "INSERT INTO supplier.po_receipt_lines (receipt_id, product_id, quantity,"
                        " rejected, reason) VALUES ($1::bigint, $2::bigint, $3::bigint,"
                        " $4::bigint, $5)",
                        5, params, NULL, err);
    }
    return rc;
}

enum tm_code
sup_db_receipt_add(PGconn *db, int64_t po_id, const struct sup_po *po,
                   const struct sup_receipt_in *in, const char *who, int64_t *receipt_id,
                   struct tm_err *err)
{
    struct tm_db_int a;
    struct tm_buf recv, rej;
    int64_t v[2][SUP_PO_LINES_MAX];
    enum tm_code rc;

    {
        const char *params[4] = {tm_db_int(&a, po_id), in->key[0] ? in->key : NULL, in->note, who};
        rc = tm_db_i64_one(db,
                           "INSERT INTO supplier.po_receipts (po_id, key, note, received_by)"
                           " VALUES ($1::bigint, $2, $3, $4) RETURNING id",
                           4, params, receipt_id, err);
    }
    if (rc == TM_OK)
        rc = receipt_lines(db, *receipt_id, in, err);
    for (int i = 0; i < po->n; i++) {
        v[0][i] = po->lines[i].received;
        v[1][i] = po->lines[i].rejected;
    }
    tm_buf_init(&recv, 1 << 16);
    tm_buf_init(&rej, 1 << 16);
    if (rc == TM_OK && (tm_db_int_array(&recv, v[0], sizeof v[0][0], po->n) != TM_OK ||
                        tm_db_int_array(&rej, v[1], sizeof v[1][0], po->n) != TM_OK))
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    if (rc == TM_OK) {
        const char *params[4] = {a.s, recv.p, rej.p, sup_po_status_names[po->status]};
        rc = tm_db_exec(db,
                        "WITH l AS (UPDATE supplier.po_lines l SET received_quantity = u.rcv,"
                        " rejected_quantity = u.rej FROM unnest($2::bigint[], $3::bigint[])"
                        " WITH ORDINALITY AS u(rcv, rej, ord)"
                        " WHERE l.po_id = $1::bigint AND l.line = u.ord - 1)"
                        " UPDATE supplier.purchase_orders SET status = $4, updated_at = now(),"
                        " closed_at = CASE WHEN $4 = 'received' THEN now() END"
                        " WHERE id = $1::bigint",
                        4, params, NULL, err);
    }
    tm_buf_fini(&recv);
    tm_buf_fini(&rej);
    if (rc == TM_OK && po->status == SUP_PO_RECEIVED) {
        const char *params[1] = {a.s};
        rc = tm_db_exec(db, PERF_INSERT, 1, params, NULL, err);
    }
    return rc;
}

enum tm_code
sup_db_receipt_json(PGconn *db, int64_t receipt_id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, receipt_id)};

    return too_big(tm_db_json_one(db,
                                  "SELECT " RECEIPT_JSON "::text FROM supplier.po_receipts r"
                                  " WHERE r.id = $1::bigint",
                                  1, params, "receipt_id", "receipt", out, err),
                   err);
}

enum tm_code
sup_db_po_list(PGconn *db, const struct sup_po_filter *f, const struct tm_page *pg,
               struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    const char *params[6] = {f->status,
                             f->supplier_id ? tm_db_int(&a, f->supplier_id) : NULL,
                             f->store_id ? tm_db_int(&b, f->store_id) : NULL,
                             f->store_scope,
                             tm_db_int(&c, pg->after_id),
                             tm_db_int(&d, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT p.id, " PO_JSON("") " FROM supplier.purchase_orders p"
                                    " WHERE ($1::text IS NULL OR p.status = $1)"
                                    " AND ($2::bigint IS NULL OR p.supplier_id = $2::bigint)"
                                    " AND ($3::bigint IS NULL OR p.store_id = $3::bigint)"
                                    " AND ($4::bigint[] IS NULL OR p.store_id = ANY($4::bigint[]))"
                                    " AND p.id > $5::bigint ORDER BY p.id LIMIT $6::bigint",
        6, params, &r, err);

    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

enum tm_code
sup_db_po_stuck(PGconn *db, int older_s, int max, int64_t *ids, int *n, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, older_s), tm_db_int(&b, max)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT id FROM supplier.purchase_orders WHERE status = 'sending'"
                                 " AND updated_at <= now() - make_interval(secs => $1::integer)"
                                 " ORDER BY updated_at LIMIT $2::integer",
                                 2, params, &r, err);

    *n = 0;
    for (int i = 0; rc == TM_OK && i < PQntuples(r) && i < max; i++)
        ids[(*n)++] = tm_db_i64(r, i, 0);
    PQclear(r);
    return rc;
}

enum tm_code
sup_db_po_history(PGconn *db, const struct sup_po_history *h, const char *currency,
                  const char *order_key, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    const int64_t *cols[5] = {&h->lines[0].product_id, &h->lines[0].quantity, &h->lines[0].received,
                              &h->lines[0].unit_price_cents, &h->lines[0].lead_days};
    struct tm_buf arr[5];
    enum tm_code rc = TM_OK;

    for (int i = 0; i < 5; i++) {
        tm_buf_init(&arr[i], 1 << 12);
        if (rc == TM_OK)
            rc = tm_db_int_array(&arr[i], cols[i], sizeof h->lines[0], h->n);
    }
    if (rc == TM_OK) {
        const char *params[11] = {tm_db_int(&a, h->supplier_id),
                                  tm_db_int(&b, h->store_id),
                                  currency,
                                  order_key,
                                  tm_db_int(&c, h->sent_s),
                                  tm_db_int(&d, h->received_s),
                                  arr[0].p,
                                  arr[1].p,
                                  arr[2].p,
                                  arr[3].p,
                                  arr[4].p};
        rc = tm_db_exec(
            db,
            "WITH p AS (INSERT INTO supplier.purchase_orders (supplier_id, store_id, status,"
            " currency, order_key, created_by, created_at, updated_at, sent_at, confirmed_at,"
            " closed_at) VALUES ($1::bigint, $2::bigint, 'received', $3, $4, 'tm-supplier-seed',"
            " to_timestamp($5::bigint), to_timestamp($6::bigint), to_timestamp($5::bigint),"
            " to_timestamp($5::bigint), to_timestamp($6::bigint)) RETURNING id),"
            " u AS (SELECT * FROM unnest($7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],"
            " $11::integer[]) WITH ORDINALITY AS u(pid, q, rcv, price, lead, ord)),"
            " l AS (INSERT INTO supplier.po_lines (po_id, line, product_id, quantity,"
            " confirmed_quantity, received_quantity, unit_price_cents, promised_lead_days)"
            " SELECT p.id, u.ord - 1, u.pid, u.q, u.rcv, u.rcv, u.price, u.lead FROM p, u),"
            " r AS (INSERT INTO supplier.po_receipts (po_id, note, received_by, received_at)"
            " SELECT p.id, 'sample history', 'tm-supplier-seed', to_timestamp($6::bigint) FROM p"
            " RETURNING id),"
            " x AS (INSERT INTO supplier.po_receipt_lines (receipt_id, product_id, quantity)"
            " SELECT r.id, u.pid, u.rcv FROM r, u)"
            " INSERT INTO supplier.receipts (supplier_id, product_id, promised_lead_days,"
            " actual_lead_days, ordered_quantity, received_quantity, received_at, po_id)"
            " SELECT $1::bigint, u.pid, u.lead, LEAST(3650, GREATEST(0,"
            " (to_timestamp($6::bigint) AT TIME ZONE 'UTC')::date"
            " - (to_timestamp($5::bigint) AT TIME ZONE 'UTC')::date)), u.q, u.rcv,"
            " to_timestamp($6::bigint), p.id FROM p, u",
            11, params, NULL, err);
    } else {
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    }
    for (int i = 0; i < 5; i++)
        tm_buf_fini(&arr[i]);
    return rc;
}

enum tm_code
sup_db_po_history_count(PGconn *db, const char *who, int64_t *n, struct tm_err *err)
{
    const char *params[1] = {who};

    return tm_db_i64_one(db,
                         "SELECT count(*) FROM supplier.purchase_orders"
                         " WHERE created_by = $1",
                         1, params, n, err);
}
