/* services/supplier-mock/catalogue.c — the mock's price list. Loaded at
 * start and on PUT /admin/catalogue (at most 100,000 items), read on every
 * catalogue request and looked up once per order line: sorting once and
 * searching in O(log n) keeps an order of 500 lines cheap under the lock. */
#include "services/supplier-mock/catalogue.h"

#include <stdlib.h>
#include <string.h>

void
mock_catalogue_init(struct mock_catalogue *c)
{
    c->items = NULL;
    c->n = 0;
}

void
mock_catalogue_fini(struct mock_catalogue *c)
{
    if (!c)
        return;
    free(c->items);
    mock_catalogue_init(c);
}

void
mock_catalogue_move(struct mock_catalogue *dst, struct mock_catalogue *src)
{
    mock_catalogue_fini(dst);
    *dst = *src;
    mock_catalogue_init(src);
}

static int
by_sku(const void *a, const void *b)
{
    return strcmp(((const struct mock_item *)a)->sku, ((const struct mock_item *)b)->sku);
}

enum tm_code
mock_catalogue_index(struct mock_catalogue *c, struct tm_err *err)
{
    if (c->n > 1)
        qsort(c->items, c->n, sizeof c->items[0], by_sku);
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->items[i - 1].sku, c->items[i].sku) == 0)
            return tm_err_set(err, TM_INVALID, "items", "sku %.32s appears more than once",
                              c->items[i].sku);
    return TM_OK;
}

struct mock_item *
mock_catalogue_find(const struct mock_catalogue *c, const char *sku)
{
    struct mock_item key;
    size_t n = strlen(sku);

    if (n > MOCK_SKU_MAX || c->n == 0)
        return NULL;
    memcpy(key.sku, sku, n + 1);
    return bsearch(&key, c->items, c->n, sizeof c->items[0], by_sku);
}

int64_t
mock_item_price(const struct mock_item *it, int64_t quantity)
{
    int64_t price = it->breaks[0].unit_price_cents;

    for (int i = 1; i < it->n_breaks && it->breaks[i].min_quantity <= quantity; i++)
        price = it->breaks[i].unit_price_cents;
    return price;
}

void
mock_catalogue_restock(struct mock_catalogue *c)
{
    for (size_t i = 0; i < c->n; i++)
        c->items[i].available = c->items[i].available_initial;
}
