/* tests/fuzz/supplier_fuzz.c — libFuzzer target for tm-supplier's decoders
 * of outside input (services/supplier/decode.c): a supplier body and an
 * offer body, each for POST and PATCH, and a purchase order's create,
 * receipt and cancel bodies (po_decode.c), as the handler reads them — through
 * tm_json_parse_object, then the decoder — and the api_url allow-list and
 * date parser on the raw text. Every input runs on a thread of
 * TM_DECODER_STACK_SIZE bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"
#include "common/json.h"
#include "common/url.h"

#include "services/supplier/decode.h"
#include "services/supplier/po_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct sup_supplier_in *s = malloc(sizeof *s);
    struct sup_offer_in *o = malloc(sizeof *o);
    struct sup_po_in *po = malloc(sizeof *po);
    struct sup_receipt_in *rc = malloc(sizeof *rc);
    char reason[SUP_PO_TEXT_MAX + 1];
    char *z = malloc(in->size + 1);
    cJSON *body = NULL;
    int64_t days;

    if (!s || !o || !z || !po || !rc)
        abort();
    if (tm_json_parse_object(in->text, in->size, "body", &body, NULL) == TM_OK) {
        for (int create = 0; create < 2; create++) {
            (void)sup_decode_supplier(body, create, "127.0.0.1,localhost", s, NULL);
            (void)sup_decode_offer(body, create, o, NULL);
        }
        (void)sup_decode_po(body, po, NULL);
        (void)sup_decode_receipt(body, rc, NULL);
        (void)sup_decode_cancel(body, reason, sizeof reason, NULL);
    }
    cJSON_Delete(body);
    memcpy(z, in->text, in->size);
    z[in->size] = '\0';
    (void)tm_url_allowed(z, "127.0.0.1,localhost,,x");
    (void)sup_date_days(z, &days);
    free(z);
    free(s);
    free(o);
    free(po);
    free(rc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
