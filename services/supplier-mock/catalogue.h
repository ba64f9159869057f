/* services/supplier-mock/catalogue.h — tm-supplier-mock's price list: items
 * by SKU with price breaks, what can ship now and the lead time. Pure: no
 * I/O. The catalogue is sorted by SKU (mock_catalogue_index) so lookups are
 * binary searches. Not thread-safe: the mock guards it with its lock. */
#ifndef TM_SUPPLIER_MOCK_CATALOGUE_H
#define TM_SUPPLIER_MOCK_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define MOCK_ITEMS_MAX 100000 /* docs/supplier-api.md */
#define MOCK_SKU_MAX 32
#define MOCK_NAME_MAX 128
#define MOCK_BREAKS_MAX 16
#define MOCK_PRICE_MAX 100000000000LL      /* cents: a billion units of money */
#define MOCK_AVAILABLE_MAX 1000000000000LL /* units */
#define MOCK_LEAD_DAYS_MAX 3650

struct mock_break {
    int64_t min_quantity;     /* 1 or more, increasing along an item's breaks */
    int64_t unit_price_cents; /* from this quantity up */
};

struct mock_item {
    char sku[MOCK_SKU_MAX + 1];
    char name[MOCK_NAME_MAX + 1];
    int n_breaks; /* 1..MOCK_BREAKS_MAX */
    struct mock_break breaks[MOCK_BREAKS_MAX];
    int64_t available;         /* units that can ship now; orders take from it */
    int64_t available_initial; /* as loaded: what a reset restores */
    int lead_time_days;        /* quoted */
};

struct mock_catalogue {
    struct mock_item *items; /* n of them, owned; sorted by sku once indexed */
    size_t n;
};

/* An empty catalogue on the caller's storage. */
void mock_catalogue_init(struct mock_catalogue *c);
/* Frees the items; c is empty afterwards. NULL-safe. */
void mock_catalogue_fini(struct mock_catalogue *c);
/* Moves src's items into dst (whose old items are freed); src is left empty. */
void mock_catalogue_move(struct mock_catalogue *dst, struct mock_catalogue *src);

/* Sorts the items by SKU. TM_INVALID (field "items") when a SKU appears
 * twice; the items are sorted but the catalogue must not be used then. */
TM_MUSTCHECK enum tm_code mock_catalogue_index(struct mock_catalogue *c, struct tm_err *err);

/* The item of sku in an indexed catalogue, or NULL. */
struct mock_item *mock_catalogue_find(const struct mock_catalogue *c, const char *sku);

/* The unit price at quantity: the break with the largest min_quantity not
 * above it, or the first break when quantity is below them all. */
int64_t mock_item_price(const struct mock_item *it, int64_t quantity);

/* Every item's available back to what was loaded. */
void mock_catalogue_restock(struct mock_catalogue *c);

#endif
