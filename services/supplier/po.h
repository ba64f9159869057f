/* services/supplier/po.h — a purchase order's life as pure functions
 * (docs/purchase-orders.md): which action each status allows, what a receipt
 * does to the lines, and how tm-inventory's `incoming` moves with each step.
 *
 * incoming: a PO adds what it expects of each product to tm-inventory's
 * incoming at its store when it is sent (the quantity ordered), corrects it
 * to what the supplier confirms, takes away what each receipt settles
 * (received + rejected, at most what was still outstanding) and, when it is
 * cancelled, what was still outstanding. Summed over a PO's life the deltas
 * of a line are 0 once it is closed.
 *
 * No I/O, no clock, no allocation; thread-safe. */
#ifndef TM_SUPPLIER_PO_H
#define TM_SUPPLIER_PO_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

#define SUP_PO_LINES_MAX 500 /* lines of one PO, as of one supplier order */
#define SUP_PO_TEXT_MAX 500  /* bytes of a note, reason or error */
#define SUP_PO_KEY_MAX 64    /* an order key or receipt key */

enum sup_po_status {
    SUP_PO_DRAFT,
    SUP_PO_SENDING,
    SUP_PO_SENT,
    SUP_PO_CONFIRMED,
    SUP_PO_PARTIAL,
    SUP_PO_RECEIVED,
    SUP_PO_CANCELLED,
    SUP_PO_STATUSES
};

/* "draft", "sending", "sent", "confirmed", "partially_received",
 * "received", "cancelled", then NULL. */
extern const char *const sup_po_status_names[SUP_PO_STATUSES + 1];

/* -1 when name is not a status. */
int sup_po_status_of(const char *name);

struct sup_po_line {
    int64_t product_id;
    int64_t quantity;  /* ordered, >= 1 */
    int64_t confirmed; /* what the supplier confirmed; < 0 when not (yet) */
    int64_t received, rejected;
};

struct sup_po {
    enum sup_po_status status;
    int n;
    struct sup_po_line lines[SUP_PO_LINES_MAX];
};

/* What the supplier is expected to deliver of a line: the confirmed
 * quantity once there is one, else the quantity ordered. */
int64_t sup_po_expected(const struct sup_po_line *l);
/* What of it is not yet settled by receipts (>= 0). */
int64_t sup_po_outstanding(const struct sup_po_line *l);

enum sup_po_action { SUP_PO_SEND, SUP_PO_CANCEL, SUP_PO_RECEIVE };

/* TM_OK when a PO in status s may take the action; else TM_CONFLICT (field
 * "status") saying why: only a draft (or a PO whose sending was interrupted)
 * is sent; a received or cancelled PO takes nothing; a PO being sent is not
 * cancelled until the supplier's answer is known; only a sent, confirmed or
 * partially received PO is received against. */
TM_MUSTCHECK enum tm_code sup_po_allows(enum sup_po_status s, enum sup_po_action a,
                                        struct tm_err *err);

/* One product's change to tm-inventory's incoming at the PO's store. */
struct sup_po_delta {
    int64_t product_id;
    int64_t delta;
};

/* The deltas of sending: +quantity per line. Returns the count (po->n). */
int sup_po_sent_deltas(const struct sup_po *po, struct sup_po_delta *out);

/* Records the supplier's confirmed quantities (conf[i] for line i, each
 * >= 0) and fills the deltas that correct incoming from the quantity
 * ordered to the quantity confirmed (lines whose delta is 0 are left out).
 * Returns the count. */
int sup_po_confirm(struct sup_po *po, const int64_t *conf, struct sup_po_delta *out);

/* The deltas of a cancellation: -outstanding per line that still has some;
 * the status becomes cancelled. Returns the count. */
int sup_po_cancel(struct sup_po *po, struct sup_po_delta *out);

struct sup_receipt_line {
    int64_t product_id;
    int64_t quantity; /* accepted into stock, >= 0 */
    int64_t rejected; /* refused at the door, >= 0 */
    bool has_reason;  /* a reason was given (needed to receive past what is expected) */
};

struct sup_receipt {
    int n; /* 1..SUP_PO_LINES_MAX */
    struct sup_receipt_line lines[SUP_PO_LINES_MAX];
};

/* Applies a receipt to po: each line's product must be on the PO (once in
 * the receipt), quantity + rejected > 0, and received + rejected may pass
 * what is expected only with a reason. On TM_OK the lines are updated, the
 * status is partially_received or (every line settled) received, and
 * out[] holds the incoming deltas (lines whose delta is 0 are left out;
 * *n_out the count). TM_CONFLICT (status) when the PO's status takes no
 * receipt; TM_INVALID / TM_UNPROCESSABLE naming "lines[i]. ..." otherwise;
 * po is unchanged then. */
TM_MUSTCHECK enum tm_code sup_po_receive(struct sup_po *po, const struct sup_receipt *r,
                                         struct sup_po_delta *out, int *n_out, struct tm_err *err);

#endif
