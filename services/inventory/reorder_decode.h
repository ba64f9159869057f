/* services/inventory/reorder_decode.h — the decoders of reorder
 * suggestions' outside input, pure (no I/O, no state; thread-safe): the
 * bodies of generate, approve and reject, and what tm-supplier answers
 * (its supplier choice, a purchase order). Each takes the raw text with its
 * length, parses it with tm_json_parse (size and depth bounded: at most
 * INV_RO_BODY_MAX bytes, TM_JSON_DEPTH_MAX levels) and refuses unknown
 * members and wrong types with TM_INVALID naming the field. Fuzzed by
 * tests/fuzz/reorder_fuzz.c. */
#ifndef TM_INVENTORY_REORDER_DECODE_H
#define TM_INVENTORY_REORDER_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define INV_RO_BODY_MAX 4096       /* bytes of a request body */
#define INV_RO_REPLY_MAX (1 << 20) /* bytes of tm-supplier's answer */
#define INV_RO_REASON_MAX 500      /* bytes of a reject reason */
#define INV_RO_POLICY_MAX 24       /* bytes of a supplier policy name */
#define INV_RO_SPLITS_MAX 32       /* allocations of a split choice (SUP_CANDIDATES_MAX) */
#define INV_RO_CODE_MAX 32         /* a supplier's code */

/* POST .../generate-reorder-suggestion/{product_id}: `{"store_id"?}` (an
 * id ≥ 1; absent: *store_id 0). An empty body (len 0) is no body. */
TM_MUSTCHECK enum tm_code inv_ro_decode_generate(const char *body, size_t len, int64_t *store_id,
                                                 struct tm_err *err);

/* POST .../reorder-suggestions/{id}/approve: `{"policy"?}` (one of
 * TM_SUPPLIER_POLICY_NAMES, else 400 naming policy; absent: policy ""). An
 * empty body is no body. */
TM_MUSTCHECK enum tm_code inv_ro_decode_approve(const char *body, size_t len, char *policy,
                                                size_t size, struct tm_err *err);

/* POST .../reorder-suggestions/{id}/reject: `{"reason"}`, 1..INV_RO_REASON_MAX
 * bytes of UTF-8 (required: TM_INVALID naming "reason"). */
TM_MUSTCHECK enum tm_code inv_ro_decode_reject(const char *body, size_t len, char *reason,
                                               size_t size, struct tm_err *err);

/* The supplier the policy takes its lead time, MOQ and pack size from:
 * the choice's winner, else (a split) its best-ranked candidate. */
struct inv_ro_supplier {
    int found; /* 0: no supplier offers the product (no candidate) */
    int64_t supplier_id;
    char code[INV_RO_CODE_MAX + 1];
    int64_t moq, pack_size;
    double lead_mean_days, lead_sd_days;
    int quoted;   /* the lead time is the offer's quote, not measured */
    int receipts; /* receipts measured */
};

/* One purchase order to make: from a winner (one) or a split (several). */
struct inv_ro_alloc {
    int64_t supplier_id, quantity;
};

/* GET /api/v1/supplier-choice's answer: the supplier (above) and the
 * allocations to order (the winner's order_quantity, or the splits; none
 * when there is no candidate). */
struct inv_ro_choice {
    struct inv_ro_supplier sup;
    int n_alloc;
    struct inv_ro_alloc alloc[INV_RO_SPLITS_MAX];
    int64_t uncovered; /* units no supplier could take */
};

TM_MUSTCHECK enum tm_code inv_ro_decode_choice(const char *text, size_t len,
                                               struct inv_ro_choice *out, struct tm_err *err);

/* A PurchaseOrder's id (POST /api/v1/purchase-orders' answer). */
TM_MUSTCHECK enum tm_code inv_ro_decode_po_id(const char *text, size_t len, int64_t *id,
                                              struct tm_err *err);

/* Whether an error reply {"error":{"field"}} (tm-supplier's) names field;
 * 0 for anything else (not JSON, no error, over INV_RO_REPLY_MAX). */
int inv_ro_error_field_is(const char *text, size_t len, const char *field);

#endif
