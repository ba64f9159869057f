/* services/inventory/catalog.c — catalogue rules. Called for every create
 * and update before anything touches the database, so bad input is refused
 * with the field named and nothing written. */
#include "services/inventory/catalog.h"

#include <string.h>

#include "services/inventory/holidays.h"

const char *const inv_units[] = {"each", "kg", "g", "l", "ml", "m", "pack", "box", "pair", NULL};

static int
is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
inv_sku_valid(const char *sku)
{
    size_t n = strlen(sku);

    if (n < 1 || n > INV_SKU_MAX || !is_alnum(sku[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(sku[i]) && sku[i] != '.' && sku[i] != '_' && sku[i] != '-')
            return 0;
    return 1;
}

int
inv_store_code_valid(const char *code)
{
    size_t n = strlen(code);

    if (n < 2 || n > INV_STORE_CODE_MAX || code[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9') ||
              code[i] == '-'))
            return 0;
    return 1;
}

int
inv_tz_shape_valid(const char *tz)
{
    size_t n = strlen(tz);

    if (n < 1 || n > INV_TZ_MAX || tz[0] == '/' || tz[n - 1] == '/')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(tz[i]) && tz[i] != '/' && tz[i] != '_' && tz[i] != '-' && tz[i] != '+')
            return 0;
    return 1;
}

static int
blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

enum tm_code
inv_product_validate(const struct inv_product *p, unsigned set, struct tm_err *err)
{
    int unit;

    if ((set & INV_F_SKU) && !inv_sku_valid(p->sku))
        return tm_err_set(err, TM_INVALID, "sku",
                          "sku must be 1-64 letters, digits, '.', '_' or '-', starting with a "
                          "letter or digit");
    if ((set & INV_F_NAME) && blank(p->name))
        return tm_err_set(err, TM_INVALID, "name", "name must not be blank");
    if ((set & INV_F_CATEGORY) && p->category_id < 1)
        return tm_err_set(err, TM_INVALID, "category_id", "category_id must be a category id");
    if ((set & INV_F_PRICE) &&
        (p->unit_price_cents < 0 || p->unit_price_cents > INV_PRICE_MAX_CENTS))
        return tm_err_set(err, TM_INVALID, "unit_price_cents",
                          "unit_price_cents must be between 0 and %lld",
                          (long long)INV_PRICE_MAX_CENTS);
    if ((set & INV_F_COST) && (p->unit_cost_cents < 0 || p->unit_cost_cents > INV_PRICE_MAX_CENTS))
        return tm_err_set(err, TM_INVALID, "unit_cost_cents",
                          "unit_cost_cents must be between 0 and %lld",
                          (long long)INV_PRICE_MAX_CENTS);
    if ((set & INV_F_UOM) &&
        tm_err_one_of(p->unit_of_measure, inv_units, "unit_of_measure", &unit, err) != TM_OK)
        return TM_INVALID;
    if ((set & INV_F_PACK) && (p->pack_size < 1 || p->pack_size > INV_PACK_SIZE_MAX))
        return tm_err_set(err, TM_INVALID, "pack_size", "pack_size must be between 1 and %d",
                          INV_PACK_SIZE_MAX);
    return TM_OK;
}

enum tm_code
inv_category_validate(const struct inv_category *c, unsigned set, struct tm_err *err)
{
    if ((set & INV_F_NAME) && blank(c->name))
        return tm_err_set(err, TM_INVALID, "name", "name must not be blank");
    if ((set & INV_F_PARENT) && c->parent_id < 0)
        return tm_err_set(err, TM_INVALID, "parent_id", "parent_id must be a category id");
    if ((set & INV_F_PARENT) && c->id && c->parent_id == c->id)
        return tm_err_set(err, TM_INVALID, "parent_id", "a category cannot be its own parent");
    return TM_OK;
}

enum tm_code
inv_store_validate(const struct inv_store *s, unsigned set, struct tm_err *err)
{
    if ((set & INV_F_CODE) && !inv_store_code_valid(s->code))
        return tm_err_set(err, TM_INVALID, "code",
                          "code must be 2-16 of A-Z, 0-9 and '-', not starting with '-'");
    if ((set & INV_F_NAME) && blank(s->name))
        return tm_err_set(err, TM_INVALID, "name", "name must not be blank");
    if ((set & INV_F_CITY) && blank(s->city))
        return tm_err_set(err, TM_INVALID, "city", "city must not be blank");
    if ((set & INV_F_TZ) && !inv_tz_shape_valid(s->time_zone))
        return tm_err_set(err, TM_INVALID, "time_zone",
                          "time_zone must be an IANA zone name such as Europe/Paris");
    if ((set & INV_F_COUNTRY) && fc_country_from(s->holiday_country) < 0)
        return tm_err_set(err, TM_INVALID, "holiday_country",
                          "holiday_country must be \"US\", \"UK\" or \"\" (none)");
    return TM_OK;
}
