/* services/txn/decode.h — tm-txn's JSON decoders: a sale request's body and
 * a fraud rule set document, from cJSON trees (or a rule set's text) to the
 * plain structs of sale.h and fraud.h, whose domain checks they then run
 * (tx_sale_check, fr_rule_set_check), so a decoded value is a checked one.
 * cJSON ends here: the domain files never see it. The handlers use these,
 * and tm-fraud-eval reads its rule files through them. No I/O, no state;
 * thread-safe. Every refusal is TM_INVALID naming the field. */
#ifndef TM_TXN_DECODE_H
#define TM_TXN_DECODE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#include "services/txn/fraud.h"
#include "services/txn/sale.h"

/* A sale body: store_id, customer_id?, lines (1..TX_LINES_MAX of
 * {product_id, quantity 1..TX_QTY_MAX, unit_price > 0 with at most two
 * decimals}, no product twice), payment_method, channel, instrument?,
 * occurred_at?, operator? ([A-Za-z0-9._-]{1,64}). Borrows body. */
TM_MUSTCHECK enum tm_code tx_decode_sale(const cJSON *body, struct tx_sale *out,
                                         struct tm_err *err);

/* A void's body (NULL: none was sent): {"reason"? 1..500 characters,
 * "operator"? as a sale's, "override"? boolean (true needs "reason")}.
 * Borrows body. */
TM_MUSTCHECK enum tm_code tx_decode_void(const cJSON *body, struct tx_void *out,
                                         struct tm_err *err);

/* A rule set document {"review_threshold"?, "decline_threshold"?,
 * "rules":[{"code","kind",...}]} (docs/fraud.md). Borrows doc. */
TM_MUSTCHECK enum tm_code tx_decode_rule_set(const cJSON *doc, struct fr_rule_set *out,
                                             struct tm_err *err);

/* The same from the document's text json[len] (a stored rule set, a file,
 * fr_default_rules_json); malformed JSON is TM_INVALID with field "rules". */
TM_MUSTCHECK enum tm_code tx_decode_rule_set_text(const char *json, size_t len,
                                                  struct fr_rule_set *out, struct tm_err *err);

#endif
