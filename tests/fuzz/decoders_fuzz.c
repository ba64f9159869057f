/* tests/fuzz/decoders_fuzz.c — libFuzzer target for everything that decodes
 * bytes from the bus and request bodies: request and reply envelopes,
 * events, and a body through the JSON parser and the typed getters every
 * handler uses. Each must refuse garbage with an error, never crash, leak
 * or read out of bounds (built with ASan and UBSan). Every input runs on a
 * thread of TM_DECODER_STACK_SIZE bytes, the part of a civetweb worker's
 * stack a decoder may use, so unbounded recursion is a crash here too.
 * `make fuzz` builds it; make test runs it on tests/fuzz/corpus for a
 * bounded time. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/envelope.h"
#include "common/event.h"
#include "common/http.h"
#include "common/json.h"

#include "services/inventory/po_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
body(const char *text, size_t size)
{
    static const char *const fields[] = {"name", "email", "stores", "quantity", "active"};
    cJSON *root = NULL;
    const cJSON *it;
    char s[128];
    int64_t v;
    int b;

    if (tm_json_parse(text, size, TM_JSON_DEPTH_MAX, "body", &root, NULL) != TM_OK)
        return;
    if (tm_json_object(root, "body", NULL) == TM_OK) {
        (void)tm_json_only(root, fields, 5, NULL);
        (void)tm_json_str(root, "name", 0, 100, s, sizeof s, NULL);
        (void)tm_json_i64(root, "quantity", -1000000, 1000000, &v, NULL);
        (void)tm_json_as_bool(tm_json_member(root, "active"), "active", &b, NULL);
        cJSON_ArrayForEach(it, tm_json_member(root, "stores"))(void)
            tm_json_as_i64(it, "stores", 1, INT64_MAX, &v, NULL);
    }
    cJSON_Delete(root);
}

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    const char *text = in->text;
    size_t size = in->size;
    struct tm_request req;
    struct tm_reply_view v;
    struct tm_event ev;
    cJSON *root = NULL;
    const char *nl;

    if (tm_request_decode(text, size, &req, NULL) == TM_OK) {
        (void)tm_request_param(&req, "id");
        (void)tm_request_query(&req, "limit");
    }
    tm_request_fini(&req);
    if (tm_reply_decode(text, size, &v, NULL) == TM_OK && v.more[0] &&
        strspn(v.more, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
            strlen(v.more))
        abort(); /* a stream's continuation goes back into a query: a token only */
    if (tm_reply_decode(text, size, &v, NULL) == TM_OK && tm_more_follows(v.more, v.more))
        abort(); /* a continuation is never after itself (the gateway's order check) */
    if (tm_event_parse(text, size, &ev, &root, NULL) == TM_OK) {
        /* tm-inventory's reading of a tm-supplier PurchaseOrderEvent */
        struct inv_po_event *pe = malloc(sizeof *pe);
        int64_t product_id;
        if (!pe)
            abort();
        (void)inv_po_event_decode(ev.data, pe, NULL);
        (void)inv_offer_event_product(ev.data, &product_id, NULL); /* and of an offer event */
        free(pe);
        cJSON_Delete(root);
    }
    nl = size ? memchr(text, '\n', size) : NULL; /* a PUB message: topic line, event */
    if (nl && tm_event_parse(nl + 1, size - (size_t)(nl + 1 - text), &ev, &root, NULL) == TM_OK)
        cJSON_Delete(root);
    body(text, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
