/* tests/fuzz/supplier_api_fuzz.c — libFuzzer target for the decoders of a
 * supplier's replies (services/supplier/api_decode.c): the same bytes as an
 * order reply, a catalogue reply and an error reply, as the API client reads
 * them after an HTTP exchange, and as a SKU. Every input runs on a thread of
 * TM_DECODER_STACK_SIZE bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"

#include "services/supplier/api_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct sup_api_order *o = malloc(sizeof *o);
    struct sup_api_catalogue c;
    char msg[128], *z = malloc(in->size + 1);
    int64_t id;

    if (!o || !z)
        abort();
    (void)sup_api_decode_order(in->text, in->size, o, NULL);
    if (sup_api_decode_catalogue(in->text, in->size, &c, NULL) == TM_OK) {
        if (c.n_items < 0 || c.n_items > SUP_API_ITEMS_MAX || (c.n_items > 0 && !c.items))
            abort();
        sup_api_catalogue_fini(&c);
    }
    sup_api_decode_error(in->text, in->size, msg, sizeof msg);
    memcpy(z, in->text, in->size);
    z[in->size] = '\0';
    (void)sup_api_sku_id(z, "sku", &id, NULL);
    free(z);
    free(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
