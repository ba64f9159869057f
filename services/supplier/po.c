/* services/supplier/po.c — a purchase order's life as pure functions. */
#include "services/supplier/po.h"

#include <stdio.h>
#include <string.h>

const char *const sup_po_status_names[SUP_PO_STATUSES + 1] = {
    [SUP_PO_DRAFT] = "draft",
    [SUP_PO_SENDING] = "sending",
    [SUP_PO_SENT] = "sent",
    [SUP_PO_CONFIRMED] = "confirmed",
    [SUP_PO_PARTIAL] = "partially_received",
    [SUP_PO_RECEIVED] = "received",
    [SUP_PO_CANCELLED] = "cancelled",
    [SUP_PO_STATUSES] = NULL,
};

int
sup_po_status_of(const char *name)
{
    for (int i = 0; name && i < SUP_PO_STATUSES; i++)
        if (strcmp(name, sup_po_status_names[i]) == 0)
            return i;
    return -1;
}

int64_t
sup_po_expected(const struct sup_po_line *l)
{
    return l->confirmed >= 0 ? l->confirmed : l->quantity;
}

int64_t
sup_po_outstanding(const struct sup_po_line *l)
{
    int64_t left = sup_po_expected(l) - l->received - l->rejected;

    return left > 0 ? left : 0;
}

enum tm_code
sup_po_allows(enum sup_po_status s, enum sup_po_action a, struct tm_err *err)
{
    const char *name = (unsigned)s < SUP_PO_STATUSES ? sup_po_status_names[s] : "unknown";

    if (s == SUP_PO_RECEIVED || s == SUP_PO_CANCELLED)
        return tm_err_set(err, TM_CONFLICT, "status",
                          "the purchase order is %s: it takes no more "
                          "changes",
                          name);
    switch (a) {
    case SUP_PO_SEND:
        if (s == SUP_PO_DRAFT || s == SUP_PO_SENDING)
            return TM_OK;
        return tm_err_set(err, TM_CONFLICT, "status",
                          "the purchase order is %s: only a draft "
                          "is sent",
                          name);
    case SUP_PO_CANCEL:
        if (s == SUP_PO_SENDING)
            return tm_err_set(err, TM_CONFLICT, "status",
                              "the purchase order is being sent: cancel it once the supplier "
                              "has answered (send it again to finish sending)");
        return TM_OK;
    case SUP_PO_RECEIVE:
        if (s == SUP_PO_SENT || s == SUP_PO_CONFIRMED || s == SUP_PO_PARTIAL)
            return TM_OK;
        return tm_err_set(err, TM_CONFLICT, "status",
                          "the purchase order is %s: only a sent "
                          "purchase order is received against",
                          name);
    }
    return tm_err_set(err, TM_INTERNAL, NULL, "unknown action");
}

int
sup_po_sent_deltas(const struct sup_po *po, struct sup_po_delta *out)
{
    for (int i = 0; i < po->n; i++)
        out[i] = (struct sup_po_delta){po->lines[i].product_id, po->lines[i].quantity};
    return po->n;
}

int
sup_po_confirm(struct sup_po *po, const int64_t *conf, struct sup_po_delta *out)
{
    int n = 0;

    for (int i = 0; i < po->n; i++) {
        struct sup_po_line *l = &po->lines[i];
        int64_t before = sup_po_outstanding(l);

        l->confirmed = conf[i];
        if (sup_po_outstanding(l) != before)
            out[n++] = (struct sup_po_delta){l->product_id, sup_po_outstanding(l) - before};
    }
    return n;
}

int
sup_po_cancel(struct sup_po *po, struct sup_po_delta *out)
{
    int n = 0;
    /* incoming was only raised once the PO was sent */
    int raised =
        po->status == SUP_PO_SENT || po->status == SUP_PO_CONFIRMED || po->status == SUP_PO_PARTIAL;

    for (int i = 0; raised && i < po->n; i++) {
        int64_t left = sup_po_outstanding(&po->lines[i]);
        if (left > 0)
            out[n++] = (struct sup_po_delta){po->lines[i].product_id, -left};
    }
    po->status = SUP_PO_CANCELLED;
    return n;
}

static int
line_of(const struct sup_po *po, int64_t product_id)
{
    for (int i = 0; i < po->n; i++)
        if (po->lines[i].product_id == product_id)
            return i;
    return -1;
}

/* Checks every receipt line against po; idx[k] is the PO line of receipt line k. */
static enum tm_code
receipt_check(const struct sup_po *po, const struct sup_receipt *r, int *idx, struct tm_err *err)
{
    if (r->n < 1 || r->n > SUP_PO_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "a receipt has 1 to %d lines",
                          SUP_PO_LINES_MAX);
    for (int k = 0; k < r->n; k++) {
        const struct sup_receipt_line *x = &r->lines[k];
        char f[48];

        if ((idx[k] = line_of(po, x->product_id)) < 0) {
            snprintf(f, sizeof f, "lines[%d].product_id", k);
            return tm_err_set(err, TM_UNPROCESSABLE, f,
                              "product %lld is not on this purchase "
                              "order",
                              (long long)x->product_id);
        }
        for (int j = 0; j < k; j++)
            if (r->lines[j].product_id == x->product_id) {
                snprintf(f, sizeof f, "lines[%d].product_id", k);
                return tm_err_set(err, TM_INVALID, f, "product %lld is already lines[%d]",
                                  (long long)x->product_id, j);
            }
        snprintf(f, sizeof f, "lines[%d].quantity", k);
        if (x->quantity < 0 || x->rejected < 0 || x->quantity + x->rejected <= 0)
            return tm_err_set(err, TM_INVALID, f,
                              "a receipt line receives or rejects at least "
                              "one unit");
        if (x->quantity + x->rejected > sup_po_outstanding(&po->lines[idx[k]]) && !x->has_reason)
            return tm_err_set(err, TM_UNPROCESSABLE, f,
                              "%lld received and rejected, %lld outstanding: give a reason to "
                              "receive more than was expected",
                              (long long)(x->quantity + x->rejected),
                              (long long)sup_po_outstanding(&po->lines[idx[k]]));
    }
    return TM_OK;
}

enum tm_code
sup_po_receive(struct sup_po *po, const struct sup_receipt *r, struct sup_po_delta *out, int *n_out,
               struct tm_err *err)
{
    int idx[SUP_PO_LINES_MAX];
    int settled = 1;
    enum tm_code rc;

    *n_out = 0;
    if ((rc = sup_po_allows(po->status, SUP_PO_RECEIVE, err)) != TM_OK ||
        (rc = receipt_check(po, r, idx, err)) != TM_OK)
        return rc;
    for (int k = 0; k < r->n; k++) {
        struct sup_po_line *l = &po->lines[idx[k]];
        int64_t left = sup_po_outstanding(l), done = r->lines[k].quantity + r->lines[k].rejected;

        l->received += r->lines[k].quantity;
        l->rejected += r->lines[k].rejected;
        if (left > 0)
            out[(*n_out)++] = (struct sup_po_delta){l->product_id, -(done < left ? done : left)};
    }
    for (int i = 0; i < po->n; i++)
        if (sup_po_outstanding(&po->lines[i]) > 0)
            settled = 0;
    po->status = settled ? SUP_PO_RECEIVED : SUP_PO_PARTIAL;
    return TM_OK;
}
