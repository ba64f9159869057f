/* services/inventory/po_event.c — tm-supplier's PurchaseOrderEvent and
 * offer events, read. */
#include "services/inventory/po_event.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/time.h"

#define ID_MAX ((int64_t)1 << 53)
#define QTY_MAX 10000000LL

/* An array member of at most INV_PO_LINES_MAX objects, each with a
 * product_id and an integer b_name in [bmin, QTY_MAX], into out. */
static enum tm_code
pairs(const cJSON *arr, const char *name, const char *b_name, int64_t bmin, struct inv_po_pair *out,
      int *n, struct tm_err *err)
{
    const cJSON *it;
    char f[64], why[TM_ERR_MESSAGE_MAX];
    enum tm_code rc;

    *n = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > INV_PO_LINES_MAX)
        return tm_err_set(err, TM_INVALID, name, "%s must be an array of at most %d", name,
                          INV_PO_LINES_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        snprintf(f, sizeof f, "%s[%d].product_id", name, *n);
        if ((rc = tm_json_i64(it, "product_id", 1, ID_MAX, &out[*n].product_id, err)) != TM_OK) {
            snprintf(why, sizeof why, "%s", err ? err->message : "invalid");
            return tm_err_set(err, TM_INVALID, f, "%s: %s", f, why);
        }
        snprintf(f, sizeof f, "%s[%d].%s", name, *n, b_name);
        if ((rc = tm_json_i64(it, b_name, bmin, QTY_MAX, &out[*n].value, err)) != TM_OK) {
            snprintf(why, sizeof why, "%s", err ? err->message : "invalid");
            return tm_err_set(err, TM_INVALID, f, "%s: %s", f, why);
        }
        (*n)++;
    }
    return TM_OK;
}

enum tm_code
inv_po_event_decode(const cJSON *data, struct inv_po_event *e, struct tm_err *err)
{
    const cJSON *po = tm_json_member(data, "purchase_order"), *rc_obj;
    enum tm_code rc;

    memset(e, 0, sizeof *e);
    if (!cJSON_IsObject(data) || !cJSON_IsObject(po))
        return tm_err_set(err, TM_INVALID, "purchase_order", "not a PurchaseOrderEvent");
    if ((rc = tm_json_i64(po, "id", 1, ID_MAX, &e->po_id, err)) != TM_OK ||
        (rc = tm_json_i64(data, "store_id", 1, ID_MAX, &e->store_id, err)) != TM_OK)
        return rc;
    const cJSON *when = tm_json_member(po, "expected_delivery");
    if (when && !cJSON_IsNull(when)) {
        struct tm_time t;
        if ((rc = tm_json_str(po, "expected_delivery", 10, 10, e->expected_delivery,
                              sizeof e->expected_delivery, err)) != TM_OK ||
            (rc = tm_time_parse(e->expected_delivery, "purchase_order.expected_delivery", &t,
                                err)) != TM_OK)
            return rc;
    }
    if ((rc = pairs(tm_json_member(data, "incoming"), "incoming", "delta", -QTY_MAX, e->incoming,
                    &e->n_incoming, err)) != TM_OK)
        return rc;
    if (!(rc_obj = tm_json_member(data, "receipt")))
        return TM_OK;
    if (!cJSON_IsObject(rc_obj))
        return tm_err_set(err, TM_INVALID, "receipt", "receipt must be an object");
    if ((rc = tm_json_i64(rc_obj, "id", 1, ID_MAX, &e->receipt_id, err)) != TM_OK ||
        (rc = tm_json_str(rc_obj, "received_at", 1, sizeof e->received_at - 1, e->received_at,
                          sizeof e->received_at, err)) != TM_OK)
        return rc;
    return pairs(tm_json_member(rc_obj, "lines"), "receipt.lines", "quantity", 0, e->received,
                 &e->n_received, err);
}

enum tm_code
inv_offer_event_product(const cJSON *data, int64_t *product_id, struct tm_err *err)
{
    *product_id = 0;
    if (!cJSON_IsObject(data))
        return tm_err_set(err, TM_INVALID, "product_id", "not an Offer");
    return tm_json_i64(data, "product_id", 1, ID_MAX, product_id, err);
}
