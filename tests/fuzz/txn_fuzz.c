/* tests/fuzz/txn_fuzz.c — libFuzzer target for tm-txn's decoders of outside
 * input (services/txn/decode.c): a sale request's body, a void's body and a fraud rule set
 * document (the API's POST /api/v1/fraud/rules and a rule file given to
 * tm-fraud-eval), each as the handler reads it — the body through
 * tm_json_parse_object, then the decoder, whose domain checks run too.
 * Every input runs on a thread of TM_DECODER_STACK_SIZE bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/http.h"
#include "common/json.h"

#include "services/txn/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct tx_sale *sale = malloc(sizeof *sale); /* large: not on the small stack */
    struct fr_rule_set *rs = malloc(sizeof *rs);
    struct tx_void v;
    cJSON *body = NULL;

    if (!sale || !rs)
        abort();
    if (tm_json_parse_object(in->text, in->size, "body", &body, NULL) == TM_OK) {
        (void)tx_decode_sale(body, sale, NULL);
        (void)tx_decode_rule_set(body, rs, NULL);
        (void)tx_decode_void(body, &v, NULL);
    }
    cJSON_Delete(body);
    (void)tx_decode_rule_set_text(in->text, in->size, rs, NULL);
    free(sale);
    free(rs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
