/* services/supplier/po_handlers.h — tm-supplier's purchase-order routes and
 * the job that finishes sends left half-way (docs/purchase-orders.md). */
#ifndef TM_SUPPLIER_PO_HANDLERS_H
#define TM_SUPPLIER_PO_HANDLERS_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/router.h"

#define SUP_PO_HANDLER(name)                                                                       \
    TM_MUSTCHECK enum tm_code name(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
SUP_PO_HANDLER(sup_h_po_list);
SUP_PO_HANDLER(sup_h_po_get);
SUP_PO_HANDLER(sup_h_po_create);
SUP_PO_HANDLER(sup_h_po_send);
SUP_PO_HANDLER(sup_h_po_cancel);
SUP_PO_HANDLER(sup_h_po_receive);
#undef SUP_PO_HANDLER

/* The po-resubmit job: sends again every PO left `sending` (the supplier
 * did not answer, or the daemon stopped half-way) under its order key. */
TM_MUSTCHECK enum tm_code sup_job_po_resubmit(void *app, PGconn *db, int64_t *rows,
                                              struct tm_err *err);

#endif
