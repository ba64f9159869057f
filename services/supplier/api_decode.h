/* services/supplier/api_decode.h — a supplier's replies (docs/supplier-api.md)
 * to tm-supplier's plain structs: the order (POST /v1/orders, GET and cancel)
 * and the catalogue (GET /v1/catalogue). A reply is outside input: at most
 * SUP_API_REPLY_MAX bytes and SUP_API_DEPTH_MAX levels, every string and
 * count bounded, every number in range; anything else is TM_INVALID naming
 * the member (the client counts it a malformed reply). No state; thread-safe. */
#ifndef TM_SUPPLIER_API_DECODE_H
#define TM_SUPPLIER_API_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#include "services/supplier/api.h"

#define SUP_API_REPLY_MAX ((size_t)4 << 20) /* bytes of a reply body (docs/supplier-api.md) */
#define SUP_API_DEPTH_MAX 16                /* levels of a reply body */
#define SUP_API_ITEMS_MAX 100000            /* items of a catalogue */
#define SUP_API_BREAKS_MAX 16              /* price breaks of an item (choice.h's SUP_BREAKS_MAX) */
#define SUP_API_ITEM_NAME_MAX 200          /* bytes of an item's name */
#define SUP_API_QUANTITY_MAX 10000000LL    /* units: a quantity or a break's minimum */
#define SUP_API_AVAILABLE_MAX 1000000000LL /* units a supplier may say it can ship */
#define SUP_API_PRICE_MAX 100000000LL      /* cents of one unit */
#define SUP_API_LEAD_DAYS_MAX 3650

struct sup_api_break {
    int64_t min_quantity, unit_price_cents;
};

/* One line of a supplier's price list. */
struct sup_api_item {
    int64_t product_id; /* its SKU, our product id in decimal */
    char name[SUP_API_ITEM_NAME_MAX + 1];
    int64_t available; /* units it can ship now */
    int lead_time_days;
    int n_breaks; /* 1..SUP_API_BREAKS_MAX, min_quantity strictly increasing */
    struct sup_api_break breaks[SUP_API_BREAKS_MAX];
};

/* A supplier's price list; items is heap memory owned by the struct. */
struct sup_api_catalogue {
    char currency[4]; /* ISO 4217, three capitals */
    char as_of[40];   /* the supplier's timestamp, as it wrote it ("" when absent) */
    int n_items;
    struct sup_api_item *items;
};

/* Frees c->items (NULL-safe) and empties c. */
void sup_api_catalogue_fini(struct sup_api_catalogue *c);

/* Decodes an order reply body[len] into *out (overwritten). */
TM_MUSTCHECK enum tm_code sup_api_decode_order(const char *body, size_t len,
                                               struct sup_api_order *out, struct tm_err *err);

/* Decodes a catalogue reply body[len] into *out, which the caller empties
 * with sup_api_catalogue_fini on TM_OK; on failure *out is empty. */
TM_MUSTCHECK enum tm_code sup_api_decode_catalogue(const char *body, size_t len,
                                                   struct sup_api_catalogue *out,
                                                   struct tm_err *err);

/* The supplier's error reply {"error":{"code","message"}}: "code: message"
 * into msg[size], cut to fit; "" when body is not one. */
void sup_api_decode_error(const char *body, size_t len, char *msg, size_t size);

/* A SKU as our product id: decimal, 1 to 2^53, no sign or leading zero.
 * TM_INVALID naming field otherwise. */
TM_MUSTCHECK enum tm_code sup_api_sku_id(const char *sku, const char *field, int64_t *out,
                                         struct tm_err *err);

#endif
