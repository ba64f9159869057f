/* services/inventory/po_event.h — what tm-inventory reads of tm-supplier's
 * PurchaseOrderEvent (proto/events.md): the PO's store, its changes to
 * `incoming`, and a receipt's accepted quantities; and of its offer events,
 * the offer's product. A strict decoder of an
 * event from another daemon: bounded, every field checked. No I/O, no
 * state; thread-safe. */
#ifndef TM_INVENTORY_PO_EVENT_H
#define TM_INVENTORY_PO_EVENT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#define INV_PO_LINES_MAX 500

/* A product and a number: an incoming delta, or a quantity received. */
struct inv_po_pair {
    int64_t product_id, value;
};

struct inv_po_event {
    int64_t po_id, store_id;
    char expected_delivery[11]; /* "YYYY-MM-DD" the supplier promised; "" when none yet */
    int n_incoming;
    struct inv_po_pair incoming[INV_PO_LINES_MAX];
    int64_t receipt_id; /* 0 when the event has no receipt */
    char received_at[40];
    int n_received;
    struct inv_po_pair received[INV_PO_LINES_MAX];
};

/* Decodes data into *out. TM_INVALID naming the field when it is not a
 * PurchaseOrderEvent: ids >= 1, at most INV_PO_LINES_MAX entries each,
 * deltas within +-10^7, receipt quantities 0..10^7, the PO's
 * expected_delivery a date or null/absent. */
TM_MUSTCHECK enum tm_code inv_po_event_decode(const cJSON *data, struct inv_po_event *out,
                                              struct tm_err *err);

/* The product of tm-supplier's offer event (offer.created, .updated,
 * .deleted: the Offer, proto/events.md) into *product_id. TM_INVALID naming
 * product_id when data is not an object with an id >= 1 there. */
TM_MUSTCHECK enum tm_code inv_offer_event_product(const cJSON *data, int64_t *product_id,
                                                  struct tm_err *err);

#endif
