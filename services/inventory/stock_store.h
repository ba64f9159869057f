/* services/inventory/stock_store.h — the SQL of stock: levels, the ledger,
 * sale commits (stock_store.c), transfers, reservations (transfer_store.c). Every change of a level
 * goes through inv_db_move, which updates the level and appends its movement in one statement, so
 * the ledger and the level cannot disagree. Functions run on the caller's connection (inside the
 * router's transaction for writes). Unknown stores and products are TM_INVALID naming the field; a
 * level that is not there TM_NOTFOUND. Prefix inv_db_. */
#ifndef TM_INVENTORY_STOCK_STORE_H
#define TM_INVENTORY_STOCK_STORE_H

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/page.h"

#include "services/inventory/catalog.h"
#include "services/inventory/stock.h"

#define INV_PRINCIPAL_MAX 96
#define INV_SOLD_DAYS 28 /* the window of "recent sales" for days of cover */

/* A level as the API shows it. */
struct inv_level_view {
    struct inv_level l;
    char sku[INV_SKU_MAX + 1];
    char name[INV_NAME_MAX + 1];
    int64_t sold_recent; /* units sold in the last INV_SOLD_DAYS days */
    char updated_at[INV_TS_MAX];
    int64_t rank; /* low-stock lists: position by urgency, from 1 */
};

struct inv_movement {
    int64_t id, store_id, product_id;
    char type[16];
    int64_t quantity, reserved_delta, on_hand_after, reserved_after;
    char reason[INV_REASON_MAX + 1];
    char ref_type[33];
    char ref_id[INV_REF_MAX + 1];
    char principal[INV_PRINCIPAL_MAX];
    char created_at[INV_TS_MAX];
};

/* Filters of level and movement lists. store_scope, when not NULL, is a
 * PostgreSQL array literal ("{1,2}") of the only stores the caller may see. */
struct inv_stock_filter {
    int64_t store_id, product_id, category_id; /* 0: any */
    const char *type;                          /* movements: NULL = any */
    const char *from, *to;                     /* movements: ISO times or NULL */
    int low;                                   /* levels: 1 = at or under the reorder point */
    const char *store_scope;
};

/* Makes sure (store, product) has a level (a zero one when new).
 * TM_INVALID naming store_id / product_id when either does not exist. */
TM_MUSTCHECK enum tm_code inv_db_stock_ensure(PGconn *db, int64_t store_id, int64_t product_id,
                                              struct tm_err *err);

/* Adds delta to the level's incoming (never below 0): a purchase order's
 * change (po_apply.c). The level must exist (inv_db_stock_ensure). */
TM_MUSTCHECK enum tm_code inv_db_incoming_add(PGconn *db, int64_t store_id, int64_t product_id,
                                              int64_t delta, struct tm_err *err);

/* Locks the level and reads it; TM_NOTFOUND (field product_id) when the
 * store does not stock the product. */
TM_MUSTCHECK enum tm_code inv_db_stock_lock(PGconn *db, int64_t store_id, int64_t product_id,
                                            struct inv_level *out, struct tm_err *err);

/* Locks the levels of sorted lines, in that order, and reads what each has
 * available (0 for a level that does not exist; exists[i] tells). */
TM_MUSTCHECK enum tm_code inv_db_stock_lock_lines(PGconn *db, const struct inv_line *l, int n,
                                                  int64_t *available, int *exists,
                                                  struct tm_err *err);

/* Applies m: the level changes by (dq, dr) and the movement is appended
 * with the result. *after is the level afterwards; *mv the movement.
 * TM_CONFLICT when on hand or reserved would go below zero, or available
 * would and m->need_available is set; TM_NOTFOUND when there is no level. */
/* Checks that at is a timestamp from INV_PAST_MAX_DAYS ago to an hour
 * ahead, for a movement recorded late (TM_INVALID naming field). */
#define INV_PAST_MAX_DAYS 400
TM_MUSTCHECK enum tm_code inv_db_time_check(PGconn *db, const char *at, const char *field,
                                            struct tm_err *err);

TM_MUSTCHECK enum tm_code inv_db_move(PGconn *db, const struct inv_move *m, struct inv_level *after,
                                      struct inv_movement *mv, struct tm_err *err);

/* Sets min/max/reorder point/safety stock of in's (store, product), a level
 * the caller made sure of and locked (inv_db_stock_ensure, _lock); *after
 * is the level as the API shows it. */
TM_MUSTCHECK enum tm_code inv_db_stock_settings(PGconn *db, const struct inv_level *in,
                                                struct inv_level_view *after, struct tm_err *err);

TM_MUSTCHECK enum tm_code inv_db_level_get(PGconn *db, int64_t store_id, int64_t product_id,
                                           struct inv_level_view *out, struct tm_err *err);

/* A store's levels (by product id) or a product's (by store id), with the
 * usual limit + 1 paging after pg->after_id. */
TM_MUSTCHECK enum tm_code inv_db_levels_list(PGconn *db, const struct inv_stock_filter *f,
                                             const struct tm_page *pg, struct inv_level_view *out,
                                             int *n, struct tm_err *err);

/* Every level at or under its reorder point (or with nothing available),
 * up to max rows, unordered (the caller ranks them), in a new array *out
 * of *n rows (the caller frees it; NULL when none). */
TM_MUSTCHECK enum tm_code inv_db_low_levels(PGconn *db, const struct inv_stock_filter *f, int max,
                                            struct inv_level_view **out, int *n,
                                            struct tm_err *err);

/* The counts of the levels inv_db_low_levels lists, split as the
 * dashboard shows them: {"low_stock": n, "out_of_stock": n} appended to
 * out (out: nothing available; low: some, at or under the reorder point).
 * f's store_id and store_scope filter; the other members are ignored. */
TM_MUSTCHECK enum tm_code inv_db_stock_summary(PGconn *db, const struct inv_stock_filter *f,
                                               struct tm_buf *out, struct tm_err *err);

TM_MUSTCHECK enum tm_code inv_db_movements_list(PGconn *db, const struct inv_stock_filter *f,
                                                const struct tm_page *pg, struct inv_movement *out,
                                                int *n, struct tm_err *err);

/* ------------------------------------------------------------ commits */

struct inv_commit {
    char sale_id[INV_REF_MAX + 1];
    char status[16];     /* committed | reversed */
    char *lines_key;     /* owned; inv_commit_fini frees */
    char *reply;         /* owned */
    char *reverse_reply; /* owned; NULL until reversed */
};
void inv_commit_fini(struct inv_commit *c);

/* Claims sale_id for a new commit: *claimed is 1 when this transaction
 * holds it (waiting for a concurrent claim of the same id to finish first),
 * 0 when a commit with this id already exists. */
TM_MUSTCHECK enum tm_code inv_db_commit_claim(PGconn *db, const char *sale_id,
                                              const char *lines_key, const char *principal,
                                              int *claimed, struct tm_err *err);
/* Reads (and with lock, locks) a commit; TM_NOTFOUND naming sale_id. */
TM_MUSTCHECK enum tm_code inv_db_commit_get(PGconn *db, const char *sale_id, int lock,
                                            struct inv_commit *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_commit_set_reply(PGconn *db, const char *sale_id,
                                                  const char *reply, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_commit_set_reversed(PGconn *db, const char *sale_id,
                                                     const char *reply, struct tm_err *err);

/* ---------------------------------------------------------- transfers */

struct inv_transfer_line {
    int64_t product_id, quantity;
    int64_t received; /* -1 until received */
    char reason[INV_REASON_MAX + 1];
};

struct inv_transfer {
    int64_t id, from_store_id, to_store_id;
    char status[16];
    char note[INV_REASON_MAX + 1];
    char created_by[INV_PRINCIPAL_MAX];
    char created_at[INV_TS_MAX], shipped_at[INV_TS_MAX], received_at[INV_TS_MAX],
        cancelled_at[INV_TS_MAX];
    int n_lines;
    struct inv_transfer_line *lines; /* n_lines of them, the transfer's own (inv_transfer_fini) */
};

/* Frees t's lines (t itself is the caller's); t keeps no lines after. */
void inv_transfer_fini(struct inv_transfer *t);

/* Inserts t (status requested) and its lines; sets t->id and times. */
TM_MUSTCHECK enum tm_code inv_db_transfer_create(PGconn *db, struct inv_transfer *t,
                                                 struct tm_err *err);
/* Reads a transfer with its lines (locking it when lock is set). */
TM_MUSTCHECK enum tm_code inv_db_transfer_get(PGconn *db, int64_t id, int lock,
                                              struct inv_transfer *out, struct tm_err *err);
/* Moves a transfer to status (shipped, received, cancelled), stamping its time. */
TM_MUSTCHECK enum tm_code inv_db_transfer_set_status(PGconn *db, int64_t id, const char *status,
                                                     struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_transfer_line_received(PGconn *db, int64_t id, int64_t product_id,
                                                        int64_t received, const char *reason,
                                                        struct tm_err *err);
/* Transfers touching f->store_id (from or to) and f->type as status, paged,
 * each with its lines. */
TM_MUSTCHECK enum tm_code inv_db_transfers_list(PGconn *db, const struct inv_stock_filter *f,
                                                const struct tm_page *pg, struct inv_transfer *out,
                                                int *n, struct tm_err *err);

/* ------------------------------------------------------- reservations */

struct inv_reservation {
    int64_t id, store_id, product_id, quantity;
    char status[16];
    char reference[INV_REF_MAX + 1];
    char created_by[INV_PRINCIPAL_MAX];
    char created_at[INV_TS_MAX], expires_at[INV_TS_MAX], released_at[INV_TS_MAX];
};

/* Inserts r (status active, expiring ttl_s from now); sets id and times. */
TM_MUSTCHECK enum tm_code inv_db_reservation_create(PGconn *db, struct inv_reservation *r,
                                                    int64_t ttl_s, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_reservation_get(PGconn *db, int64_t id, int lock,
                                                 struct inv_reservation *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_reservation_end(PGconn *db, int64_t id, const char *status,
                                                 struct inv_reservation *out, struct tm_err *err);
/* Locks up to max active reservations past their expiry that no one else
 * holds (SKIP LOCKED), into out. */
TM_MUSTCHECK enum tm_code inv_db_reservations_expired(PGconn *db, int max,
                                                      struct inv_reservation *out, int *n,
                                                      struct tm_err *err);

/* -------------------------------------------------------------- checks */

/* A level whose on hand or reserved differs from the sum of its ledger. */
struct inv_ledger_gap {
    int64_t store_id, product_id, on_hand, ledger_on_hand, reserved, ledger_reserved;
};
/* Finds up to max levels that disagree with their ledger; *n how many. */
TM_MUSTCHECK enum tm_code inv_db_ledger_check(PGconn *db, int max, struct inv_ledger_gap *out,
                                              int *n, struct tm_err *err);

/* ------------------------------------------------------- sample loader */

/* Bulk loading for tm-inventory-seed only (no events): levels with their
 * settings, then movements with given times and results; then every
 * level's on hand and reserved are set from the sum of its ledger. The
 * arrays are the columns. */
struct inv_bulk_levels {
    int n;
    const int64_t *store_id, *product_id, *min_qty, *max_qty, *reorder_point, *safety_stock;
};
TM_MUSTCHECK enum tm_code inv_db_levels_bulk(PGconn *db, const struct inv_bulk_levels *b,
                                             struct tm_err *err);
struct inv_bulk_moves {
    int n;
    const int64_t *store_id, *product_id, *quantity, *on_hand_after;
    const char *const *type;
    const char *const *at; /* ISO times */
};
TM_MUSTCHECK enum tm_code inv_db_moves_bulk(PGconn *db, const struct inv_bulk_moves *b,
                                            const char *principal, struct tm_err *err);
/* Sets every moved level's on hand and reserved from its ledger, and marks
 * its forecast due today (the sample load). */
TM_MUSTCHECK enum tm_code inv_db_levels_from_ledger(PGconn *db, struct tm_err *err);

#endif
