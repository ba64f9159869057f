/* tests/fuzz/decoders_fuzz.c — libFuzzer target for everything that decodes
 * bytes from the bus: request and reply envelopes and events. Each must
 * refuse garbage with an error, never crash, leak or read out of bounds
 * (built with ASan and UBSan). `make fuzz` builds it; make test runs it on
 * tests/fuzz/corpus for a bounded time. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/envelope.h"
#include "common/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
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
    (void)tm_reply_decode(text, size, &v, NULL);
    if (tm_event_parse(text, size, &ev, &root, NULL) == TM_OK)
        cJSON_Delete(root);
    nl = size ? memchr(text, '\n', size) : NULL; /* a PUB message: topic line, event */
    if (nl && tm_event_parse(nl + 1, size - (size_t)(nl + 1 - text), &ev, &root, NULL) == TM_OK)
        cJSON_Delete(root);
    return 0;
}
