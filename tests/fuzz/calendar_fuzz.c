/* tests/fuzz/calendar_fuzz.c — libFuzzer target for tm-inventory's
 * decoders of what forecasts know in advance
 * (services/inventory/calendar_decode.c): the same bytes as a calendar
 * event body and a promotion body. Each must refuse garbage with an error,
 * never crash, leak or read out of bounds, and what it takes must hold
 * within the decoder's bounds; every input runs on a thread of
 * TM_DECODER_STACK_SIZE bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"

#include "services/inventory/calendar_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct inv_cal_event e;
    struct inv_promo p;

    if (inv_cal_decode_event(in->text, in->size, &e, NULL) == TM_OK &&
        (e.last_day < e.first_day || e.last_day - e.first_day >= INV_CAL_SPAN_DAYS_MAX ||
         e.first_day < INV_CAL_FIRST_DAY || e.last_day > INV_CAL_LAST_DAY ||
         (unsigned)e.kind >= INV_CAL_KINDS || e.name[0] == '\0' || e.store_id < 0))
        abort(); /* a bound broke */
    if (inv_cal_decode_promo(in->text, in->size, &p, NULL) == TM_OK &&
        (p.last_day < p.first_day || p.last_day - p.first_day >= INV_PROMO_SPAN_DAYS_MAX ||
         p.product_id < 1 || p.promo_price_cents < 0 || (!p.promo_price_cents && !p.flags) ||
         p.flags > (INV_PROMO_FEATURE | INV_PROMO_DISPLAY | INV_PROMO_DEAL)))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
