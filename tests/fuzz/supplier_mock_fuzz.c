/* tests/fuzz/supplier_mock_fuzz.c — libFuzzer target for tm-supplier-mock's
 * readers of outside input (services/supplier-mock/decode.c): the same bytes
 * as a catalogue (the --catalogue file, PUT /admin/catalogue), an order body
 * (POST /v1/orders) and a fault settings body (PUT /admin/faults), each
 * followed by what the mock does next with it: a catalogue is looked up and
 * priced, an order placed into a small book (and replayed), faults checked
 * and drawn from. Every input runs on a thread of TM_DECODER_STACK_SIZE
 * bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/http.h"

#include "services/supplier-mock/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const char *text;
    size_t size;
};

static const char fallback[] =
    "{\"items\":[{\"sku\":\"42\",\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":"
    "1250},{\"min_quantity\":48,\"unit_price_cents\":1100}],\"available\":120},{\"sku\":\"7\","
    "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":5}],\"available\":3}]}";

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct mock_order_req *req = malloc(sizeof *req);
    struct mock_catalogue cat;
    struct mock_orders book;
    struct mock_faults f;
    const struct mock_order *o;
    const char *refusal;
    uint64_t seed = 1;
    int replayed, seed_set = 0;

    if (!req)
        abort();
    mock_catalogue_init(&cat);
    mock_orders_init(&book, "FUZZ", 4);
    /* an order is placed against the input's catalogue, or this one */
    if (mock_parse_catalogue(in->text, in->size, 3, &cat, NULL) != TM_OK &&
        mock_parse_catalogue(fallback, sizeof fallback - 1, 3, &cat, NULL) != TM_OK)
        abort();
    {
        for (size_t i = 0; i < cat.n; i++)
            if (mock_catalogue_find(&cat, cat.items[i].sku) != &cat.items[i] ||
                mock_item_price(&cat.items[i], 1) < 0)
                abort();
    }
    if (mock_parse_order(in->text, in->size, req, NULL) == TM_OK) {
        for (int i = 0; i < 2; i++)
            if (mock_orders_submit(&book, &cat, "fuzz-key", req, 0, &o, &replayed, &refusal,
                                   NULL) == TM_OK &&
                (!mock_orders_get(&book, o->id) || replayed != i))
                abort();
    }
    mock_faults_default(&f);
    if (mock_parse_faults(in->text, in->size, &f, &seed_set, &seed, NULL) == TM_OK) {
        if (mock_faults_check(&f, NULL) != TM_OK)
            abort();
        for (int i = 0; i < 8; i++)
            if ((int)mock_fault_draw(&f, &seed, i & 1).kind >= MOCK_FAULT_KINDS)
                abort();
    }
    mock_orders_fini(&book);
    mock_catalogue_fini(&cat);
    free(req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
