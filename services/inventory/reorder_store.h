/* services/inventory/reorder_store.h — the SQL of reorder suggestions
 * (sql/inventory/0008_reorder.sql): writing, reading and deciding them, the
 * revenue that makes ABC classes, and what the reorder-scan job reads and
 * writes of levels. Functions run on the caller's connection (in its
 * transaction when it has one); suggestions are answered as JSON documents
 * built by the database (ReorderSuggestion in proto/openapi.json). A
 * suggestion that is not there is TM_NOTFOUND naming "id". Prefix inv_db_rs_. */
#ifndef TM_INVENTORY_REORDER_STORE_H
#define TM_INVENTORY_REORDER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

#define INV_RS_REASON_MAX 500 /* bytes of a suggestion's reason or reject reason */
#define INV_RS_PO_MAX 32      /* purchase orders one approval makes, at most */
/* seconds after which an approval's claim is stale: an `approving`
 * suggestion may then be rejected (its approval was cut off and cannot
 * finish, e.g. the supplier was deactivated meanwhile) */
#define INV_RS_CLAIM_STALE_S 300

/* A suggestion as written (borrowed strings). */
struct inv_rs_row {
    int64_t store_id, product_id;
    const char *status; /* "open" or "no_supplier" */
    const char *origin; /* "api" or "scan" */
    const char *reason;
    char abc;
    double fill_rate;
    int64_t reorder_point, order_up_to, position, order_quantity;
    double safety_stock;
    const char *urgency;
    int64_t stockout_day; /* days since the epoch; < 0: none within the horizon */
    const char *lead_source;
    int64_t supplier_id;     /* 0: none */
    const char *inputs_json; /* a JSON object */
    const char *terms_json;  /* a JSON object */
    const char *who;         /* the principal, or "job:reorder-scan" */
};

/* What inv_db_rs_put did. */
enum inv_rs_put {
    INV_RS_KEPT,      /* the live one is being approved: left as it is */
    INV_RS_CREATED,   /* a new suggestion */
    INV_RS_REFRESHED, /* the live open or no_supplier one took r's numbers */
    INV_RS_OPENED     /* ... and went from no_supplier to open (a supplier now offers it) */
};

/* The level's live suggestion (open, approving or no_supplier) is written
 * from r: a new row when there is none, else an open or no_supplier one's
 * numbers, reason and status replaced (and any stored supplier choice
 * dropped: it was made for the old quantity); one being approved is left
 * alone.
 * *id is the live suggestion's id and its JSON is appended to out (NULL:
 * not rendered). A concurrent writer of the same level is waited for (the
 * partial unique index), never duplicated. */
TM_MUSTCHECK enum tm_code inv_db_rs_put(PGconn *db, const struct inv_rs_row *r,
                                        enum inv_rs_put *what, int64_t *id, struct tm_buf *out,
                                        struct tm_err *err);

/* The suggestion's JSON into out, and its store into *store_id. */
TM_MUSTCHECK enum tm_code inv_db_rs_get(PGconn *db, int64_t id, int64_t *store_id,
                                        struct tm_buf *out, struct tm_err *err);

/* The level's live suggestion's JSON into out; TM_NOTFOUND when none. */
TM_MUSTCHECK enum tm_code inv_db_rs_live(PGconn *db, int64_t store_id, int64_t product_id,
                                         struct tm_buf *out, struct tm_err *err);

/* What approve reads of a suggestion. */
struct inv_rs_head {
    int64_t id, store_id, product_id, order_quantity;
    char status[16];
};

TM_MUSTCHECK enum tm_code inv_db_rs_head(PGconn *db, int64_t id, struct inv_rs_head *out,
                                         struct tm_err *err);

struct inv_rs_filter {
    const char *status;      /* NULL: any */
    int64_t store_id;        /* 0: any */
    int64_t product_id;      /* 0: any */
    const char *store_scope; /* NULL, or the only stores seen ("{1,2}") */
};

/* A page of suggestions by id: {"items":[...],"next_cursor":...}. */
TM_MUSTCHECK enum tm_code inv_db_rs_list(PGconn *db, const struct inv_rs_filter *f,
                                         const struct tm_page *pg, struct tm_buf *out,
                                         struct tm_err *err);

/* open → approving, its claim dated now. *claimed 0 when it was neither
 * open nor approving (then *status is its status); approving stays
 * approving (*claimed 1: a retry finishes an approval that stopped
 * half-way). *quantity is its order_quantity read under the row lock. The
 * supplier choice stored by an earlier attempt goes into choice ("" when
 * none, or when it was made for another quantity: then it is dropped). */
TM_MUSTCHECK enum tm_code inv_db_rs_claim(PGconn *db, int64_t id, int *claimed, char *status,
                                          size_t size, int64_t *quantity, struct tm_buf *choice,
                                          struct tm_err *err);

/* Stores choice_json, asked for quantity units, as the approving
 * suggestion's supplier choice unless one is stored already; the one
 * stored (first wins) into out. TM_CONFLICT (field "status") when it is no
 * longer approving or its order quantity is no longer quantity. */
TM_MUSTCHECK enum tm_code inv_db_rs_set_choice(PGconn *db, int64_t id, const char *choice_json,
                                               int64_t quantity, struct tm_buf *out,
                                               struct tm_err *err);

/* approving → open again, its stored choice dropped: tm-supplier refused
 * the first purchase order, so none was made. With no_choice, only when no
 * choice is stored (the choice failed: a concurrent attempt that stored
 * one may be making its POs, and keeps it). */
TM_MUSTCHECK enum tm_code inv_db_rs_unclaim(PGconn *db, int64_t id, int no_choice,
                                            struct tm_err *err);

/* Adds po_ids[0..n) to the suggestion's purchase_order_ids, its status
 * kept: what a failed approval made before it stopped (still approving). */
TM_MUSTCHECK enum tm_code inv_db_rs_link(PGconn *db, int64_t id, const int64_t *po_ids, int n,
                                         struct tm_err *err);

/* Links the purchase orders po_ids[0..n) an approval made: open or
 * approving → approved with them (*moved 1); decided meanwhile (approved by
 * a concurrent attempt, rejected, expired) they are added to its
 * purchase_order_ids and its status is kept (*moved 0). Its JSON into out. */
TM_MUSTCHECK enum tm_code inv_db_rs_approved(PGconn *db, int64_t id, const int64_t *po_ids, int n,
                                             const char *who, int *moved, struct tm_buf *out,
                                             struct tm_err *err);

/* open or no_supplier, or approving with a claim older than stale_s
 * seconds → rejected with reason; its JSON into out. TM_CONFLICT (field
 * "status") when it is in another status. */
TM_MUSTCHECK enum tm_code inv_db_rs_rejected(PGconn *db, int64_t id, const char *reason,
                                             const char *who, int stale_s, struct tm_buf *out,
                                             struct tm_err *err);

/* The level's open or no_supplier suggestion → expired with reason (its
 * position is above the reorder point now): *id (0: none was live so),
 * its JSON into out. */
TM_MUSTCHECK enum tm_code inv_db_rs_expire(PGconn *db, int64_t store_id, int64_t product_id,
                                           const char *reason, const char *who, int64_t *id,
                                           struct tm_buf *out, struct tm_err *err);

/* Every product's sales revenue (cents, units sold × its unit price) over
 * the last `days` days across the chain: ids[i], revenue[i] for i < *n, in
 * product id order (products without sales have 0). The caller frees both. */
TM_MUSTCHECK enum tm_code inv_db_rs_revenue(PGconn *db, int days, int64_t **ids, double **revenue,
                                            size_t *n, struct tm_err *err);

/* One level the scan looks at. */
struct inv_rs_level {
    int64_t store_id, product_id;
};

/* Up to max levels with a reorder point or a sale in the last `days`
 * days: first those showing a live suggestion whose product's offers
 * changed since they were last scanned (stock.supply_changed_at); then
 * those never scanned, or whose stock (stock.demand_moved_at) or offers
 * changed since; then the least recently scanned. */
TM_MUSTCHECK enum tm_code inv_db_rs_scan_levels(PGconn *db, int days, int max,
                                                struct inv_rs_level *out, int *n,
                                                struct tm_err *err);

/* Marks every level of product_id: tm-supplier changed an offer of it
 * (stock.supply_changed_at = now()). */
TM_MUSTCHECK enum tm_code inv_db_rs_supply_changed(PGconn *db, int64_t product_id,
                                                   struct tm_err *err);

/* Marks the level scanned now. */
TM_MUSTCHECK enum tm_code inv_db_rs_scanned(PGconn *db, int64_t store_id, int64_t product_id,
                                            struct tm_err *err);

/* Whether a person set the level's reorder point (*manual), and sets it
 * (a PUT of the level that names reorder_point). */
TM_MUSTCHECK enum tm_code inv_db_rs_manual(PGconn *db, int64_t store_id, int64_t product_id,
                                           int *manual, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_rs_pin(PGconn *db, int64_t store_id, int64_t product_id,
                                        struct tm_err *err);

#endif
