/* services/inventory/catalog.h — the catalogue's domain: categories,
 * products and stores as plain structs, and the rules a valid one obeys.
 * Pure: no I/O, no clock, no allocation; thread-safe. Validation returns
 * TM_INVALID with err->field naming the offending field. */
#ifndef TM_INVENTORY_CATALOG_H
#define TM_INVENTORY_CATALOG_H

#include <stdint.h>

#include "common/err.h"

#define INV_NAME_MAX 200
#define INV_CATEGORY_NAME_MAX 100
#define INV_DESCRIPTION_MAX 1000
#define INV_SKU_MAX 64
#define INV_UOM_MAX 16
#define INV_STORE_CODE_MAX 16
#define INV_CITY_MAX 100
#define INV_TZ_MAX 64
#define INV_COUNTRY_MAX 2 /* a store's holiday_country: "US", "UK" */
#define INV_TS_MAX 32
#define INV_PRICE_MAX_CENTS 100000000000LL /* one billion currency units */
#define INV_PACK_SIZE_MAX 100000

struct inv_category {
    int64_t id;
    char name[INV_CATEGORY_NAME_MAX + 1];
    char description[INV_DESCRIPTION_MAX + 1];
    int64_t parent_id; /* 0: top level */
    int active;
    char created_at[INV_TS_MAX], updated_at[INV_TS_MAX];
};

struct inv_product {
    int64_t id;
    char sku[INV_SKU_MAX + 1];
    char name[INV_NAME_MAX + 1];
    int64_t category_id;
    int64_t unit_price_cents;
    int64_t unit_cost_cents;
    char unit_of_measure[INV_UOM_MAX + 1];
    int64_t pack_size;
    int active;
    char created_at[INV_TS_MAX], updated_at[INV_TS_MAX];
};

struct inv_store {
    int64_t id;
    char code[INV_STORE_CODE_MAX + 1];
    char name[INV_NAME_MAX + 1];
    char city[INV_CITY_MAX + 1];
    char time_zone[INV_TZ_MAX + 1];
    char holiday_country[INV_COUNTRY_MAX + 1]; /* "US", "UK" or "" (none): holidays.h */
    int active;
    char created_at[INV_TS_MAX], updated_at[INV_TS_MAX];
};

/* Which fields a PATCH sets (bit per field, INV_F_*). */
enum {
    INV_F_NAME = 1 << 0,
    INV_F_SKU = 1 << 1,
    INV_F_CATEGORY = 1 << 2,
    INV_F_PRICE = 1 << 3,
    INV_F_COST = 1 << 4,
    INV_F_UOM = 1 << 5,
    INV_F_PACK = 1 << 6,
    INV_F_ACTIVE = 1 << 7,
    INV_F_DESCRIPTION = 1 << 8,
    INV_F_PARENT = 1 << 9,
    INV_F_CODE = 1 << 10,
    INV_F_CITY = 1 << 11,
    INV_F_TZ = 1 << 12,
    INV_F_COUNTRY = 1 << 13,
};

/* Units a product may be sold in (NULL-terminated). */
extern const char *const inv_units[];

/* A SKU is 1..64 of [A-Za-z0-9._-], starting with a letter or digit. */
int inv_sku_valid(const char *sku);
/* A store code is 2..16 of [A-Z0-9-], starting with a letter or digit. */
int inv_store_code_valid(const char *code);
/* A time zone name looks like "UTC" or "Area/City[/More]" (the store layer
 * checks it against the database's zone list). */
int inv_tz_shape_valid(const char *tz);

/* Checks the fields named in `set` (all fields for a create). */
TM_MUSTCHECK enum tm_code inv_product_validate(const struct inv_product *p, unsigned set,
                                               struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_category_validate(const struct inv_category *c, unsigned set,
                                                struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_store_validate(const struct inv_store *s, unsigned set,
                                             struct tm_err *err);

#endif
