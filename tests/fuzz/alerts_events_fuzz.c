/* tests/fuzz/alerts_events_fuzz.c — libFuzzer target for what tm-alerts
 * reads of the other services' events (services/alerts/facts.c): the bytes
 * as a wire event decoded under its own topic, and as the data of every
 * topic tm-alerts reads. Each must refuse garbage with an error, never
 * crash, leak or read out of bounds, and what it accepts must keep the
 * struct's bounds; every input runs on a thread of TM_DECODER_STACK_SIZE
 * bytes. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/event.h"
#include "common/http.h"
#include "common/json.h"

#include "services/alerts/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const topics[] = {"stock.changed",        "stock.ledger_mismatch",
                                     "forecast.updated",     "product.created",
                                     "product.updated",      "txn.created",
                                     "txn.reviewed",         "txn.voided",
                                     "purchase_order.sent",  "purchase_order.receipt",
                                     "supplier.api_circuit", "stock.low"};

struct input {
    const char *text;
    size_t size;
};

static void
check_forecast(const struct al_fact_forecast *f)
{
    if (f->product_id < 1 || f->n_stores < 0 || f->n_stores > AL_FACT_STORES_MAX ||
        (f->has_mase && (!isfinite(f->mase) || f->mase < 0)) ||
        memchr(f->model, '\0', sizeof f->model) == NULL)
        abort();
    for (int i = 0; i < f->n_stores; i++)
        if (f->stores[i].store_id < 1 || !isfinite(f->stores[i].daily_mean) ||
            f->stores[i].daily_mean < 0 || !isfinite(f->stores[i].daily_upper) ||
            f->stores[i].daily_upper < 0)
            abort();
}

static void
check(const char *topic, const cJSON *doc, struct al_fact *f)
{
    if (al_fact_decode(topic, doc, f, NULL) != TM_OK) {
        if (f->type != AL_FACT_NONE)
            abort();
        return;
    }
    switch (f->type) {
    case AL_FACT_LEVEL:
        if (f->u.level.store_id < 1 || f->u.level.product_id < 1 || f->u.level.on_hand < 0 ||
            f->u.level.sold < 0)
            abort();
        break;
    case AL_FACT_LEDGER:
        if (f->u.ledger.n_gaps < 0 || f->u.ledger.n_gaps > AL_FACT_GAPS_MAX)
            abort();
        break;
    case AL_FACT_FORECAST:
        check_forecast(&f->u.forecast);
        break;
    case AL_FACT_SALE:
        if (f->u.sale.txn_id < 1 || f->u.sale.store_id < 1)
            abort();
        break;
    case AL_FACT_PO:
        if (f->u.po.po_id < 1 || memchr(f->u.po.status, '\0', sizeof f->u.po.status) == NULL ||
            memchr(f->u.po.expected, '\0', sizeof f->u.po.expected) == NULL)
            abort();
        break;
    case AL_FACT_NONE:
    case AL_FACT_PRODUCT:
    case AL_FACT_CIRCUIT:
        break;
    }
}

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    struct al_fact *f = malloc(sizeof *f);
    struct tm_event ev;
    cJSON *root = NULL;

    if (!f)
        abort();
    if (tm_event_parse(in->text, in->size, &ev, &root, NULL) == TM_OK)
        check(ev.topic, ev.data, f);
    cJSON_Delete(root);
    root = NULL;
    if (tm_json_parse(in->text, in->size, TM_JSON_DEPTH_MAX, "data", &root, NULL) == TM_OK)
        for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++)
            check(topics[i], root, f);
    cJSON_Delete(root);
    free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
