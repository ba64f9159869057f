/* services/supplier/po_store.h — the SQL of purchase orders, on the
 * `supplier` schema: a PO and its lines, its receipts, and the performance
 * rows it leaves when it closes. JSON is rendered by PostgreSQL. Writes run
 * in the caller's transaction. Stateless; thread-safe with one connection
 * per thread. */
#ifndef TM_SUPPLIER_PO_STORE_H
#define TM_SUPPLIER_PO_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

#include "services/supplier/api.h"
#include "services/supplier/choice.h"
#include "services/supplier/decode.h"
#include "services/supplier/po.h"
#include "services/supplier/po_decode.h"

/* What sending needs of a supplier. api_key is a secret: never logged. */
struct sup_target_row {
    int active;
    char currency[4];
    char api_url[SUP_URL_MAX + 1]; /* "" when it has no API */
    char api_key[SUP_KEY_MAX + 1]; /* "" when none */
};

/* TM_NOTFOUND (field) when there is no supplier sid. */
TM_MUSTCHECK enum tm_code sup_db_target(PGconn *db, int64_t sid, const char *field,
                                        struct sup_target_row *out, struct tm_err *err);

/* The supplier's active offer for product valid on today_day (epoch days)
 * into *o; *found 0 when there is none. */
TM_MUSTCHECK enum tm_code sup_db_po_offer(PGconn *db, int64_t sid, int64_t product_id,
                                          int64_t today_day, struct sup_offer *o, int *found,
                                          struct tm_err *err);

/* A PO's line prices and promises, index by index with sup_po_in.lines. */
struct sup_po_price {
    int64_t unit_price_cents;
    int64_t lead_days;
};

/* Inserts a draft PO with its lines; *id is its id. TM_CONFLICT (field
 * order_key) when a PO has order_key already (nothing inserted; a
 * concurrent insert of the same key is waited for). */
TM_MUSTCHECK enum tm_code sup_db_po_create(PGconn *db, const struct sup_po_in *in,
                                           const char *currency, const struct sup_po_price *p,
                                           int64_t shipping_cents, const char *order_key,
                                           const char *who, int64_t *id, struct tm_err *err);

/* The id of the PO whose order key is order_key; TM_NOTFOUND (order_key). */
TM_MUSTCHECK enum tm_code sup_db_po_by_key(PGconn *db, const char *order_key, int64_t *id,
                                           struct tm_err *err);

/* The PO's JSON (lines and receipts) into out. TM_NOTFOUND (id). */
TM_MUSTCHECK enum tm_code sup_db_po_json(PGconn *db, int64_t id, struct tm_buf *out,
                                         struct tm_err *err);

/* What the handlers need of a PO beside its lines. */
struct sup_po_row {
    int64_t id, supplier_id, store_id;
    char order_key[SUP_PO_KEY_MAX + 1];
    char reference[SUP_PO_KEY_MAX + 1];
    char supplier_order_id[SUP_API_ORDER_ID_MAX + 1]; /* "" until the supplier answered */
};

/* Reads (and, lock set, locks FOR UPDATE) the PO and its lines in line
 * order into *po and *row. TM_NOTFOUND (id). */
TM_MUSTCHECK enum tm_code sup_db_po_load(PGconn *db, int64_t id, int lock, struct sup_po *po,
                                         struct sup_po_row *row, struct tm_err *err);

/* Marks a draft `sending` (one more attempt). */
TM_MUSTCHECK enum tm_code sup_db_po_sending(PGconn *db, int64_t id, struct tm_err *err);

/* Records the supplier's answer: status (sent, or confirmed when it
 * confirmed), sent_at, its order id, expected delivery and po's confirmed
 * quantities. ord NULL: sent by hand (a supplier without an API). */
TM_MUSTCHECK enum tm_code sup_db_po_sent(PGconn *db, int64_t id, const struct sup_po *po,
                                         const struct sup_api_order *ord, struct tm_err *err);

/* Records why the last submission failed; status set back to `status`. */
TM_MUSTCHECK enum tm_code sup_db_po_send_failed(PGconn *db, int64_t id, enum sup_po_status status,
                                                const char *message, struct tm_err *err);

/* Cancels the PO (reason may be ""); its performance rows when it had
 * receipts. */
TM_MUSTCHECK enum tm_code sup_db_po_cancelled(PGconn *db, int64_t id, const char *reason,
                                              struct tm_err *err);

/* The receipt of the PO with this key: *receipt_id, or 0 when none. */
TM_MUSTCHECK enum tm_code sup_db_receipt_by_key(PGconn *db, int64_t po_id, const char *key,
                                                int64_t *receipt_id, struct tm_err *err);

/* Books a receipt: its rows, po's received and rejected per line and
 * status (sup_po_receive applied), and the performance rows when it closes
 * the PO. *receipt_id is its id. */
TM_MUSTCHECK enum tm_code sup_db_receipt_add(PGconn *db, int64_t po_id, const struct sup_po *po,
                                             const struct sup_receipt_in *in, const char *who,
                                             int64_t *receipt_id, struct tm_err *err);

/* A receipt's JSON ({"id","key","note","received_by","received_at","lines"}). */
TM_MUSTCHECK enum tm_code sup_db_receipt_json(PGconn *db, int64_t receipt_id, struct tm_buf *out,
                                              struct tm_err *err);

struct sup_po_filter {
    const char *status;      /* NULL: any */
    int64_t supplier_id;     /* 0: any */
    int64_t store_id;        /* 0: any */
    const char *store_scope; /* NULL, or "{1,2}": only these stores */
};

/* A page of POs (newest ids last, by id), each with its lines. */
TM_MUSTCHECK enum tm_code sup_db_po_list(PGconn *db, const struct sup_po_filter *f,
                                         const struct tm_page *pg, struct tm_buf *out,
                                         struct tm_err *err);

/* Up to max ids of POs left `sending` for at least older_s seconds. */
TM_MUSTCHECK enum tm_code sup_db_po_stuck(PGconn *db, int older_s, int max, int64_t *ids, int *n,
                                          struct tm_err *err);

/* A PO of the sample history (tm-supplier-seed): sent at sent_s, received
 * in one delivery at received_s (epoch seconds); line i ordered
 * quantity[i] and got received[i] (the supplier confirmed that much). */
#define SUP_HISTORY_LINES 16
struct sup_po_history {
    int64_t supplier_id, store_id, sent_s, received_s;
    int n;
    struct {
        int64_t product_id, quantity, received, unit_price_cents, lead_days;
    } lines[SUP_HISTORY_LINES];
};

/* How many POs `who` made (the seed: its open orders and history). */
TM_MUSTCHECK enum tm_code sup_db_po_history_count(PGconn *db, const char *who, int64_t *n,
                                                  struct tm_err *err);

/* Inserts it as a received PO with its receipt and its performance rows;
 * no events (the stock it brought is in tm-inventory's sample already). */
TM_MUSTCHECK enum tm_code sup_db_po_history(PGconn *db, const struct sup_po_history *h,
                                            const char *currency, const char *order_key,
                                            struct tm_err *err);

#endif
