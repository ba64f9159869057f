/* services/inventory/transfer_store.c — SQL of transfers and reservations:
 * their own rows only. The stock they move goes through inv_db_move
 * (stock_store.c) like every other change of a level. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"

#include "services/inventory/stock_store.h"

/* ------------------------------------------------------------- transfers */

#define TRANSFER_COLS                                                                              \
    "id, from_store_id, to_store_id, status, note, created_by, " TM_DB_TS(                         \
        "created_at") ", " TM_DB_TS("shipped_at") ", " TM_DB_TS("received_at") ", " TM_DB_TS("can" \
                                                                                             "cel" \
                                                                                             "led" \
                                                                                             "_a"  \
                                                                                             "t")

static void
transfer_fn(const PGresult *r, int i, void *out)
{
    struct inv_transfer *t = out;

    t->id = tm_db_i64(r, i, 0);
    t->from_store_id = tm_db_i64(r, i, 1);
    t->to_store_id = tm_db_i64(r, i, 2);
    tm_db_copy(t->status, sizeof t->status, r, i, 3);
    tm_db_copy(t->note, sizeof t->note, r, i, 4);
    tm_db_copy(t->created_by, sizeof t->created_by, r, i, 5);
    tm_db_copy(t->created_at, sizeof t->created_at, r, i, 6);
    tm_db_copy(t->shipped_at, sizeof t->shipped_at, r, i, 7);
    tm_db_copy(t->received_at, sizeof t->received_at, r, i, 8);
    tm_db_copy(t->cancelled_at, sizeof t->cancelled_at, r, i, 9);
    t->n_lines = 0;
}

static const struct {
    const char *constraint, *field, *message;
} transfer_fields[] = {
    {"transfers_from_store_id_fkey", "from_store_id", "no store has this from_store_id"},
    {"transfers_to_store_id_fkey", "to_store_id", "no store has this to_store_id"},
    {"transfers_other_store", "to_store_id", "a transfer goes to another store"},
    {"transfer_lines_product_id_fkey", "lines", "a line names a product that does not exist"},
};

enum tm_code
inv_db_transfer_create(PGconn *db, struct inv_transfer *t, struct tm_err *err)
{
    struct tm_db_int from, to, id;
    const char *params[4] = {tm_db_int(&from, t->from_store_id), tm_db_int(&to, t->to_store_id),
                             t->note, t->created_by};
    struct tm_buf products, qty;
    int n = t->n_lines;
    enum tm_code rc;

    rc = tm_db_one(db,
                   "INSERT INTO inventory.transfers (from_store_id, to_store_id, note, created_by)"
                   " VALUES ($1, $2, $3, $4) RETURNING " TRANSFER_COLS,
                   4, params, transfer_fn, t, "transfer", err);
    for (size_t i = 0; rc == TM_INVALID && i < sizeof transfer_fields / sizeof *transfer_fields;
         i++)
        if (strcmp(err->field, transfer_fields[i].constraint) == 0)
            return tm_err_set(err, TM_INVALID, transfer_fields[i].field, "%s",
                              transfer_fields[i].message);
    if (rc != TM_OK)
        return rc;
    t->n_lines = n; /* transfer_fn cleared the count; the lines are as given */
    tm_buf_init(&products, 1 << 16);
    tm_buf_init(&qty, 1 << 16);
    rc = tm_db_int_array(&products, &t->lines[0].product_id, sizeof t->lines[0], n);
    if (rc == TM_OK)
        rc = tm_db_int_array(&qty, &t->lines[0].quantity, sizeof t->lines[0], n);
    if (rc == TM_OK) {
        const char *lp[3] = {tm_db_int(&id, t->id), products.p, qty.p};
        rc = tm_db_exec(db,
                        "INSERT INTO inventory.transfer_lines (transfer_id, product_id, quantity)"
                        " SELECT $1, * FROM unnest($2::bigint[], $3::bigint[])",
                        3, lp, NULL, err);
        if (rc == TM_INVALID)
            rc = tm_err_set(err, TM_INVALID, "lines", "a line names a product that does not exist");
    }
    tm_buf_fini(&products);
    tm_buf_fini(&qty);
    return rc;
}

void
inv_transfer_fini(struct inv_transfer *t)
{
    free(t->lines);
    t->lines = NULL;
    t->n_lines = 0;
}

/* Fills the lines of the n transfers in t (their ids set), in one
 * statement, each transfer's in an array of its own size (a page of
 * transfers holds what they have, not INV_LINES_MAX lines each); a
 * transfer keeps at most INV_LINES_MAX lines, as created. */
static enum tm_code
transfer_lines(PGconn *db, struct inv_transfer *t, int n, struct tm_err *err)
{
    struct tm_buf ids;
    const char *params[1];
    PGresult *r = NULL;
    enum tm_code rc;

    for (int i = 0; i < n; i++)
        inv_transfer_fini(&t[i]);
    if (n == 0)
        return TM_OK;
    tm_buf_init(&ids, (size_t)n * 24 + 16);
    if (tm_db_int_array(&ids, &t[0].id, sizeof t[0], n) != TM_OK) {
        tm_buf_fini(&ids);
        return tm_err_set(err, TM_INTERNAL, NULL, "transfer ids did not fit");
    }
    params[0] = ids.p;
    rc = tm_db_exec(db,
                    "SELECT transfer_id, product_id, quantity, COALESCE(received, -1), reason"
                    " FROM inventory.transfer_lines WHERE transfer_id = ANY($1::bigint[])"
                    " ORDER BY transfer_id, product_id",
                    1, params, &r, err);
    tm_buf_fini(&ids);
    if (rc != TM_OK)
        return rc;
    for (int i = 0, at = 0; i < PQntuples(r); i++) {
        int64_t id = tm_db_i64(r, i, 0);
        struct inv_transfer_line *l;

        while (at < n && t[at].id != id) /* both in id order */
            at++;
        if (at == n)
            break;
        if (!t[at].lines) { /* its first row: as many as the rows of its id */
            int k = 1;
            while (i + k < PQntuples(r) && k < INV_LINES_MAX && tm_db_i64(r, i + k, 0) == id)
                k++;
            t[at].lines = tm_xcalloc((size_t)k, sizeof *t[at].lines);
        }
        if (t[at].n_lines == INV_LINES_MAX)
            continue;
        l = &t[at].lines[t[at].n_lines++];
        l->product_id = tm_db_i64(r, i, 1);
        l->quantity = tm_db_i64(r, i, 2);
        l->received = tm_db_i64(r, i, 3);
        tm_db_copy(l->reason, sizeof l->reason, r, i, 4);
    }
    PQclear(r);
    return TM_OK;
}

enum tm_code
inv_db_transfer_get(PGconn *db, int64_t id, int lock, struct inv_transfer *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};
    enum tm_code rc = tm_db_one(db,
                                lock ? "SELECT " TRANSFER_COLS " FROM inventory.transfers"
                                       " WHERE id = $1 FOR UPDATE"
                                     : "SELECT " TRANSFER_COLS " FROM inventory.transfers"
                                       " WHERE id = $1",
                                1, params, transfer_fn, out, "transfer", err);

    return rc == TM_OK ? transfer_lines(db, out, 1, err) : rc;
}

enum tm_code
inv_db_transfer_set_status(PGconn *db, int64_t id, const char *status, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[2] = {tm_db_int(&nid, id), status};

    return tm_db_exec(db,
                      "UPDATE inventory.transfers SET status = $2,"
                      " shipped_at = CASE WHEN $2 = 'shipped' THEN now() ELSE shipped_at END,"
                      " received_at = CASE WHEN $2 = 'received' THEN now() ELSE received_at END,"
                      " cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE cancelled_at END"
                      " WHERE id = $1",
                      2, params, NULL, err);
}

enum tm_code
inv_db_transfer_line_received(PGconn *db, int64_t id, int64_t product_id, int64_t received,
                              const char *reason, struct tm_err *err)
{
    struct tm_db_int nid, pid, rec;
    const char *params[4] = {tm_db_int(&nid, id), tm_db_int(&pid, product_id),
                             tm_db_int(&rec, received), reason};

    return tm_db_exec(db,
                      "UPDATE inventory.transfer_lines SET received = $3, reason = $4"
                      " WHERE transfer_id = $1 AND product_id = $2",
                      4, params, NULL, err);
}

enum tm_code
inv_db_transfers_list(PGconn *db, const struct inv_stock_filter *f, const struct tm_page *pg,
                      struct inv_transfer *out, int *n, struct tm_err *err)
{
    struct tm_db_int after, limit, store;
    const char *params[5] = {tm_db_int(&after, pg->after_id), tm_db_int(&limit, pg->limit + 1),
                             f->store_id ? tm_db_int(&store, f->store_id) : NULL, f->type,
                             f->store_scope};

    enum tm_code rc =
        tm_db_many(db,
                   "SELECT " TRANSFER_COLS " FROM inventory.transfers WHERE id > $1"
                   " AND ($3::bigint IS NULL OR from_store_id = $3 OR to_store_id = $3)"
                   " AND ($4::text IS NULL OR status = $4)"
                   " AND ($5::bigint[] IS NULL OR from_store_id = ANY($5::bigint[])"
                   " OR to_store_id = ANY($5::bigint[]))"
                   " ORDER BY id LIMIT $2",
                   5, params, transfer_fn, out, sizeof *out, n, err);

    /* the lines of the page's transfers, not of the row that only tells a next page */
    return rc == TM_OK ? transfer_lines(db, out, *n > pg->limit ? (int)pg->limit : *n, err) : rc;
}

/* ---------------------------------------------------------- reservations */

#define RES_COLS                                                                                   \
    "id, store_id, product_id, quantity, status, reference, created_by, " TM_DB_TS(                \
        "created_at") ", " TM_DB_TS("expires_at") ", " TM_DB_TS("released_at")

static void
res_fn(const PGresult *r, int i, void *out)
{
    struct inv_reservation *v = out;

    v->id = tm_db_i64(r, i, 0);
    v->store_id = tm_db_i64(r, i, 1);
    v->product_id = tm_db_i64(r, i, 2);
    v->quantity = tm_db_i64(r, i, 3);
    tm_db_copy(v->status, sizeof v->status, r, i, 4);
    tm_db_copy(v->reference, sizeof v->reference, r, i, 5);
    tm_db_copy(v->created_by, sizeof v->created_by, r, i, 6);
    tm_db_copy(v->created_at, sizeof v->created_at, r, i, 7);
    tm_db_copy(v->expires_at, sizeof v->expires_at, r, i, 8);
    tm_db_copy(v->released_at, sizeof v->released_at, r, i, 9);
}

enum tm_code
inv_db_reservation_create(PGconn *db, struct inv_reservation *r, int64_t ttl_s, struct tm_err *err)
{
    struct tm_db_int s, p, q, ttl;
    const char *params[6] = {tm_db_int(&s, r->store_id),
                             tm_db_int(&p, r->product_id),
                             tm_db_int(&q, r->quantity),
                             r->reference,
                             r->created_by,
                             tm_db_int(&ttl, ttl_s)};

    return tm_db_one(db,
                     "INSERT INTO inventory.reservations (store_id, product_id, quantity,"
                     " reference, created_by, expires_at)"
                     " VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::bigint))"
                     " RETURNING " RES_COLS,
                     6, params, res_fn, r, "reservation", err);
}

enum tm_code
inv_db_reservation_get(PGconn *db, int64_t id, int lock, struct inv_reservation *out,
                       struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return tm_db_one(db,
                     lock ? "SELECT " RES_COLS " FROM inventory.reservations WHERE id = $1"
                            " FOR UPDATE"
                          : "SELECT " RES_COLS " FROM inventory.reservations WHERE id = $1",
                     1, params, res_fn, out, "reservation", err);
}

enum tm_code
inv_db_reservation_end(PGconn *db, int64_t id, const char *status, struct inv_reservation *out,
                       struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[2] = {tm_db_int(&nid, id), status};

    return tm_db_one(db,
                     "UPDATE inventory.reservations SET status = $2, released_at = now()"
                     " WHERE id = $1 RETURNING " RES_COLS,
                     2, params, res_fn, out, "reservation", err);
}

enum tm_code
inv_db_reservations_expired(PGconn *db, int max, struct inv_reservation *out, int *n,
                            struct tm_err *err)
{
    struct tm_db_int lim;
    const char *params[1] = {tm_db_int(&lim, max)};

    return tm_db_many(db,
                      "SELECT " RES_COLS " FROM inventory.reservations"
                      " WHERE status = 'active' AND expires_at <= now()"
                      " ORDER BY store_id, product_id, id LIMIT $1 FOR UPDATE SKIP LOCKED",
                      1, params, res_fn, out, sizeof *out, n, err);
}
