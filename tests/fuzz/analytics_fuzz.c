/* tests/fuzz/analytics_fuzz.c — libFuzzer target for what tm-analytics
 * reads of tm-txn's sales events (services/analytics/sale_event.c): the
 * bytes as a wire event whose data is decoded as a Transaction, and as a
 * Transaction document alone. Each must refuse garbage with an error, never
 * crash, leak or read out of bounds, and what it accepts must keep the
 * struct's bounds; every input runs on a thread of TM_DECODER_STACK_SIZE
 * bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/event.h"
#include "common/http.h"
#include "common/json.h"

#include "services/analytics/sale_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
check(const cJSON *doc, struct an_sale *s)
{
    if (an_sale_decode(doc, s, NULL) != TM_OK)
        return;
    if (s->n_lines < 0 || s->n_lines > AN_SALE_LINES_MAX || s->id < 1 || s->store_id < 1 ||
        s->customer_id < 0 || memchr(s->occurred_at, '\0', sizeof s->occurred_at) == NULL ||
        memchr(s->voided_at, '\0', sizeof s->voided_at) == NULL ||
        (s->status == AN_SALE_VOIDED && !s->voided_at[0]) || s->total_cents < 0)
        abort(); /* the decoder's bounds broke */
    for (int i = 0; i < s->n_lines; i++)
        if (s->lines[i].quantity < 1 || s->lines[i].quantity > AN_SALE_QTY_MAX ||
            s->lines[i].amount_cents < 0 || s->lines[i].product_id < 1)
            abort();
    (void)an_sale_status_name(s->status);
    (void)an_sale_decision_name(s->decision);
    (void)an_sale_review_name(s->review);
}

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct an_sale *s = malloc(sizeof *s);
    struct tm_event ev;
    cJSON *root = NULL;

    if (!s)
        abort();
    if (tm_event_parse(in->text, in->size, &ev, &root, NULL) == TM_OK)
        check(ev.data, s);
    cJSON_Delete(root);
    root = NULL;
    if (tm_json_parse(in->text, in->size, TM_JSON_DEPTH_MAX, "data", &root, NULL) == TM_OK)
        check(root, s);
    cJSON_Delete(root);
    free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
