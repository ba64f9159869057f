/* services/inventory/incoming_store.h — the SQL of what open purchase orders
 * still bring to each level, per PO, with the day the supplier said it
 * would arrive (inventory.incoming_po, kept from tm-supplier's events by
 * po_apply.c beside the level's `incoming` total). On the caller's
 * connection and transaction. Prefix inv_db_. */
#ifndef TM_INVENTORY_INCOMING_STORE_H
#define TM_INVENTORY_INCOMING_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

/* Adds delta to PO po_id's units of the level (never below 0; a row left at
 * 0 is removed). */
TM_MUSTCHECK enum tm_code inv_db_incoming_po_add(PGconn *db, int64_t po_id, int64_t store_id,
                                                 int64_t product_id, int64_t delta,
                                                 struct tm_err *err);

/* Sets the expected delivery ("YYYY-MM-DD") of every line of PO po_id. */
TM_MUSTCHECK enum tm_code inv_db_incoming_po_expected(PGconn *db, int64_t po_id,
                                                      const char *expected_delivery,
                                                      struct tm_err *err);

/* The level's incoming units due by epoch day `by_day`: its `incoming`
 * total less the units of open POs whose supplier promised them for a
 * later day (units without a promised day, or from before the per-PO
 * record existed, count as due). */
TM_MUSTCHECK enum tm_code inv_db_incoming_due(PGconn *db, int64_t store_id, int64_t product_id,
                                              int64_t by_day, int64_t *out, struct tm_err *err);

#endif
