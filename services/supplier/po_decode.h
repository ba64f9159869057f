/* services/supplier/po_decode.h — tm-supplier's strict decoders of a
 * purchase order's bodies: create, receipt and cancel. Unknown members and
 * wrong types are refused, each refusal TM_INVALID naming the field. The
 * structs are large (500 lines): the caller allocates them. cJSON ends here.
 * No I/O, no state; thread-safe. */
#ifndef TM_SUPPLIER_PO_DECODE_H
#define TM_SUPPLIER_PO_DECODE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#include "services/supplier/po.h"

#define SUP_LINE_REASON_MAX 200 /* bytes of a receipt line's reason */

struct sup_po_in {
    int64_t supplier_id, store_id;
    char reference[SUP_PO_KEY_MAX + 1]; /* the buyer's own reference, may be "" */
    int n;
    struct {
        int64_t product_id, quantity;
    } lines[SUP_PO_LINES_MAX];
};

struct sup_receipt_in {
    struct sup_receipt r;
    char key[SUP_PO_KEY_MAX + 1]; /* "" when none: the receipt is not retried safely */
    char note[SUP_PO_TEXT_MAX + 1];
    char reasons[SUP_PO_LINES_MAX][SUP_LINE_REASON_MAX + 1];
};

/* {"supplier_id", "store_id", "lines": [{"product_id", "quantity"}],
 * "reference"?}: ids >= 1, 1..SUP_PO_LINES_MAX lines, quantities
 * 1..SUP_QUANTITY_MAX, a product at most once; reference up to 64 bytes.
 * Borrows body. */
TM_MUSTCHECK enum tm_code sup_decode_po(const cJSON *body, struct sup_po_in *out,
                                        struct tm_err *err);

/* {"lines": [{"product_id", "quantity", "rejected"?, "reason"?}], "key"?,
 * "note"?}: quantity and rejected 0..SUP_QUANTITY_MAX; key 1 to 64 of
 * A-Z a-z 0-9 . _ : -. (What a line may receive is po.c's to judge.) */
TM_MUSTCHECK enum tm_code sup_decode_receipt(const cJSON *body, struct sup_receipt_in *out,
                                             struct tm_err *err);

/* {"reason"?} (body may be NULL: no body); reason up to SUP_PO_TEXT_MAX bytes. */
TM_MUSTCHECK enum tm_code sup_decode_cancel(const cJSON *body, char *reason, size_t size,
                                            struct tm_err *err);

/* 1 when s is 1 to 64 of A-Z a-z 0-9 . _ : - (an order or receipt key). */
int sup_key_ok(const char *s);

#endif
