/* services/inventory/po_apply.c — tm-supplier's purchase-order events
 * applied to stock, exactly once (common/subscriber's inbox): each change
 * to `incoming` at the PO's store (the level's total and the PO's own
 * units, with the delivery day the supplier promised), and each receipt's
 * accepted quantities as a `receipt` movement referring to the PO. Its
 * offer events mark the offer's product's levels for the reorder-scan job
 * (stock.supply_changed_at). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/event.h"

#include "services/inventory/incoming_store.h"
#include "services/inventory/po_event.h"
#include "services/inventory/reorder_store.h"
#include "services/inventory/stock.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/stock_store.h"

enum tm_code
inv_apply_supplier(void *app, PGconn *db, const struct tm_event *ev, struct tm_err *err)
{
    struct inv_po_event *e;
    char po[24], reason[64], when[48];
    enum tm_code rc;

    (void)app;
    if (strncmp(ev->topic, "offer.", 6) == 0) {
        /* the reorder-scan job takes the product's levels again soon */
        int64_t product_id;
        if ((rc = inv_offer_event_product(ev->data, &product_id, err)) != TM_OK)
            return rc;
        return inv_db_rs_supply_changed(db, product_id, err);
    }
    if (strncmp(ev->topic, "purchase_order.", 15) != 0)
        return TM_OK;
    e = tm_xcalloc(1, sizeof *e);
    if ((rc = inv_po_event_decode(ev->data, e, err)) != TM_OK)
        goto out;
    snprintf(po, sizeof po, "%" PRId64, e->po_id);
    for (int i = 0; i < e->n_incoming && rc == TM_OK; i++)
        if ((rc = inv_db_stock_ensure(db, e->store_id, e->incoming[i].product_id, err)) == TM_OK &&
            (rc = inv_db_incoming_add(db, e->store_id, e->incoming[i].product_id,
                                      e->incoming[i].value, err)) == TM_OK)
            rc = inv_db_incoming_po_add(db, e->po_id, e->store_id, e->incoming[i].product_id,
                                        e->incoming[i].value, err);
    /* when the supplier said it would arrive: what the reorder policy nets */
    if (rc == TM_OK && e->expected_delivery[0])
        rc = inv_db_incoming_po_expected(db, e->po_id, e->expected_delivery, err);
    snprintf(reason, sizeof reason, "receipt %" PRId64, e->receipt_id);
    /* booked when it was received, if that is a time a movement may carry */
    snprintf(when, sizeof when, "%s", e->received_at);
    if (rc == TM_OK && e->receipt_id > 0 &&
        inv_db_time_check(db, when, "received_at", NULL) != TM_OK)
        when[0] = '\0';
    for (int i = 0; i < e->n_received && rc == TM_OK; i++) {
        struct inv_move m;
        struct inv_level after;
        struct inv_movement mv;

        if (e->received[i].value == 0)
            continue;
        m = inv_stock_move(INV_MOVE_RECEIPT, e->received[i].value, e->store_id,
                           e->received[i].product_id, "purchase_order", po, "tm-supplier");
        m.reason = reason;
        m.at = when[0] ? when : NULL;
        if ((rc = inv_db_stock_ensure(db, e->store_id, e->received[i].product_id, err)) == TM_OK &&
            (rc = inv_db_stock_lock(db, e->store_id, e->received[i].product_id, &after, err)) ==
                TM_OK)
            rc = inv_stock_apply(db, &m, &after, &mv, err);
    }
out:
    free(e);
    return rc;
}
