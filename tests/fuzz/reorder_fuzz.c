/* tests/fuzz/reorder_fuzz.c — libFuzzer target for tm-inventory's reorder
 * decoders (services/inventory/reorder_decode.c): the same bytes as a
 * generate body, an approve body and a reject body, and as tm-supplier's
 * answers a reorder reads (a supplier choice, a purchase order). Each must
 * refuse garbage with an error, never crash, leak or read out of bounds;
 * every input runs on a thread of TM_DECODER_STACK_SIZE bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/http.h"

#include "services/inventory/reorder_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct inv_ro_choice *ch = malloc(sizeof *ch);
    char policy[INV_RO_POLICY_MAX + 1], reason[INV_RO_REASON_MAX + 1];
    int64_t id;

    if (!ch)
        abort();
    (void)inv_ro_decode_generate(in->text, in->size, &id, NULL);
    (void)inv_ro_decode_approve(in->text, in->size, policy, sizeof policy, NULL);
    (void)inv_ro_decode_reject(in->text, in->size, reason, sizeof reason, NULL);
    if (inv_ro_decode_choice(in->text, in->size, ch, NULL) == TM_OK &&
        (ch->n_alloc > INV_RO_SPLITS_MAX || ch->n_alloc < 0))
        abort(); /* the decoder's bound broke */
    (void)inv_ro_decode_po_id(in->text, in->size, &id, NULL);
    (void)inv_ro_error_field_is(in->text, in->size, "Idempotency-Key");
    free(ch);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
