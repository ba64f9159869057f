/* services/supplier-mock/decode.h — tm-supplier-mock's readers of outside
 * input: a catalogue document (the --catalogue file and PUT
 * /admin/catalogue), an order body (POST /v1/orders) and a fault settings
 * body (PUT /admin/faults). Each takes the raw text, parses it with
 * tm_json_parse (at most MOCK_JSON_DEPTH levels) and checks every member's
 * type and range, naming the offending member in err->field ("items[3].sku",
 * "lines[0].quantity"). Unknown members are refused, so a misspelt field is
 * a 400 rather than a silent default. Stateless; thread-safe. */
#ifndef TM_SUPPLIER_MOCK_DECODE_H
#define TM_SUPPLIER_MOCK_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#include "services/supplier-mock/catalogue.h"
#include "services/supplier-mock/fault.h"
#include "services/supplier-mock/orders.h"

#define MOCK_BODY_MAX (4 << 20) /* request bodies and the catalogue file, bytes */
#define MOCK_JSON_DEPTH 16      /* docs/supplier-api.md */

/* Reads {"items": [...]} (also the supplier, currency and as_of members
 * GET /v1/catalogue adds, which are ignored) into out, sorted by SKU. An
 * item without lead_time_days gets default_lead_days. On failure TM_INVALID
 * or TM_TOOBIG naming the member, and out is left empty. out must be
 * initialised (mock_catalogue_init); its old items are freed. */
TM_MUSTCHECK enum tm_code mock_parse_catalogue(const char *text, size_t len, int default_lead_days,
                                               struct mock_catalogue *out, struct tm_err *err);

/* Reads an order body into *out. TM_INVALID naming the member otherwise. */
TM_MUSTCHECK enum tm_code mock_parse_order(const char *text, size_t len, struct mock_order_req *out,
                                           struct tm_err *err);

/* Applies a PUT /admin/faults body to *f: the members given change, the
 * others keep their value; shares are numbers 0..1 (finer than a millionth
 * is rounded), waits integers. "seed" (an integer 0..2^53) sets *seed and
 * *seed_set. The result is checked whole (mock_faults_check). On failure *f
 * and *seed are unchanged. */
TM_MUSTCHECK enum tm_code mock_parse_faults(const char *text, size_t len, struct mock_faults *f,
                                            int *seed_set, uint64_t *seed, struct tm_err *err);

#endif
