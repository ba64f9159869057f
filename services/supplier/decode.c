/* services/supplier/decode.c — JSON to tm-supplier's plain structs, on
 * every POST and PATCH of a supplier or an offer. Shapes, types and ranges
 * are checked member by member as they are read; the rules that need the
 * whole value (breaks in order, valid_to not before valid_from) last. */
#include "services/supplier/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/url.h"

#define ID_MAX ((int64_t)1 << 53)

/* Optional (or, when required, mandatory) string member into out. */
static enum tm_code
str_member(const cJSON *body, const char *name, int required, size_t min, size_t max, char *out,
           size_t size, unsigned bit, unsigned *set, struct tm_err *err)
{
    const cJSON *it = tm_json_member(body, name);
    enum tm_code rc;

    if (!it)
        return required ? tm_err_set(err, TM_INVALID, name, "%s is required", name) : TM_OK;
    if ((rc = tm_json_as_str(it, name, min, max, out, size, err)) == TM_OK)
        *set |= bit;
    return rc;
}

static enum tm_code
i64_member(const cJSON *body, const char *name, int required, int64_t min, int64_t max,
           int64_t *out, unsigned bit, unsigned *set, struct tm_err *err)
{
    const cJSON *it = tm_json_member(body, name);
    enum tm_code rc;

    if (!it)
        return required ? tm_err_set(err, TM_INVALID, name, "%s is required", name) : TM_OK;
    if ((rc = tm_json_as_i64(it, name, min, max, out, err)) == TM_OK)
        *set |= bit;
    return rc;
}

static enum tm_code
bool_member(const cJSON *body, const char *name, int *out, unsigned bit, unsigned *set,
            struct tm_err *err)
{
    const cJSON *it = tm_json_member(body, name);
    enum tm_code rc;

    if (!it)
        return TM_OK;
    if ((rc = tm_json_as_bool(it, name, out, err)) == TM_OK)
        *set |= bit;
    return rc;
}

/* Members of a PATCH given as JSON null, of those that may be cleared:
 * their bits into *clear. */
static void
nulls(const cJSON *body, const char *const *names, const unsigned *bits, size_t n, unsigned *clear)
{
    for (size_t i = 0; i < n; i++)
        if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(body, names[i])))
            *clear |= bits[i];
}

static int
code_ok(const char *s)
{
    size_t n = strlen(s);
    static const char more[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

    return n >= 1 && n <= SUP_CODE_MAX && strchr(more, s[0]) && s[0] != '_' && s[0] != '.' &&
           s[0] != '-' && strspn(s, more) == n;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static int64_t
civil_days(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int
sup_date_days(const char *s, int64_t *days)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    if (strlen(s) != 10 || strspn(s, "0123456789") != 4 || s[4] != '-' ||
        strspn(s + 5, "0123456789") != 2 || s[7] != '-' || strspn(s + 8, "0123456789") != 2 ||
        sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1970 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1])
        return -1;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    *days = civil_days(y, m, d);
    return 0;
}

enum tm_code
sup_decode_supplier(const cJSON *body, int create, const char *allow_hosts,
                    struct sup_supplier_in *s, struct tm_err *err)
{
    static const char *const names[] = {"code",   "name",    "contact", "currency",
                                        "active", "api_url", "api_key", "preferred"};
    enum tm_code rc;

    memset(s, 0, sizeof *s);
    if ((rc = tm_json_only(body, names, sizeof names / sizeof names[0], err)) != TM_OK ||
        (rc = str_member(body, "code", create, 1, SUP_CODE_MAX, s->code, sizeof s->code, SUP_S_CODE,
                         &s->set, err)) != TM_OK)
        return rc;
    if ((s->set & SUP_S_CODE) && !code_ok(s->code))
        return tm_err_set(err, TM_INVALID, "code",
                          "code must be 1 to %d of A-Z a-z 0-9 _ . -, from a letter or digit",
                          SUP_CODE_MAX);
    if ((rc = str_member(body, "name", create, 1, SUP_NAME_MAX, s->name, sizeof s->name, SUP_S_NAME,
                         &s->set, err)) != TM_OK ||
        (rc = str_member(body, "contact", 0, 0, SUP_CONTACT_MAX, s->contact, sizeof s->contact,
                         SUP_S_CONTACT, &s->set, err)) != TM_OK ||
        (rc = str_member(body, "currency", create, 3, 3, s->currency, sizeof s->currency,
                         SUP_S_CURRENCY, &s->set, err)) != TM_OK)
        return rc;
    if ((s->set & SUP_S_CURRENCY) && strspn(s->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return tm_err_set(err, TM_INVALID, "currency",
                          "currency must be three capital letters (ISO 4217)");
    if ((rc = bool_member(body, "active", &s->active, SUP_S_ACTIVE, &s->set, err)) != TM_OK ||
        (rc = bool_member(body, "preferred", &s->preferred, SUP_S_PREFERRED, &s->set, err)) !=
            TM_OK ||
        (rc = str_member(body, "api_url", 0, 1, SUP_URL_MAX, s->api_url, sizeof s->api_url,
                         SUP_S_API_URL, &s->set, err)) != TM_OK ||
        (rc = str_member(body, "api_key", 0, 1, SUP_KEY_MAX, s->api_key, sizeof s->api_key,
                         SUP_S_API_KEY, &s->set, err)) != TM_OK)
        return rc;
    if ((s->set & SUP_S_API_URL) && !tm_url_allowed(s->api_url, allow_hosts))
        return tm_err_set(err, TM_INVALID, "api_url",
                          "api_url must be an http(s) URL whose host is on the allow-list");
    if (!create) {
        static const char *const clearable[] = {"contact", "api_url", "api_key"};
        static const unsigned bits[] = {SUP_S_CONTACT, SUP_S_API_URL, SUP_S_API_KEY};
        nulls(body, clearable, bits, 3, &s->clear);
    }
    if (!create && s->set == 0 && s->clear == 0)
        return tm_err_set(err, TM_INVALID, "body", "nothing to update");
    return TM_OK;
}

static enum tm_code
decode_breaks(const cJSON *arr, struct sup_offer_in *o, struct tm_err *err)
{
    static const char *const names[] = {"min_quantity", "unit_price_cents"};
    const cJSON *it, *m;
    char f[48];
    enum tm_code rc;

    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 ||
        cJSON_GetArraySize(arr) > SUP_BREAKS_MAX)
        return tm_err_set(err, TM_INVALID, "price_breaks",
                          "price_breaks must be an array of 1 to %d breaks", SUP_BREAKS_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        struct sup_break *b = &o->breaks[o->n_breaks];
        snprintf(f, sizeof f, "price_breaks[%d]", o->n_breaks);
        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
        if ((rc = tm_json_only(it, names, 2, err)) != TM_OK)
            return rc;
        snprintf(f, sizeof f, "price_breaks[%d].min_quantity", o->n_breaks);
        if (!(m = tm_json_member(it, "min_quantity")))
            return tm_err_set(err, TM_INVALID, f, "%s is required", f);
        if ((rc = tm_json_as_i64(m, f, 1, SUP_QUANTITY_MAX, &b->min_quantity, err)) != TM_OK)
            return rc;
        if (o->n_breaks > 0 && b->min_quantity <= o->breaks[o->n_breaks - 1].min_quantity)
            return tm_err_set(err, TM_INVALID, f,
                              "%s must be above the previous break's (strictly increasing, "
                              "none twice)",
                              f);
        snprintf(f, sizeof f, "price_breaks[%d].unit_price_cents", o->n_breaks);
        if (!(m = tm_json_member(it, "unit_price_cents")))
            return tm_err_set(err, TM_INVALID, f, "%s is required", f);
        if ((rc = tm_json_as_i64(m, f, 1, SUP_MONEY_MAX, &b->unit_price_cents, err)) != TM_OK)
            return rc;
        o->n_breaks++;
    }
    o->set |= SUP_O_BREAKS;
    return TM_OK;
}

static enum tm_code
date_member(const cJSON *body, const char *name, char *out, unsigned bit, unsigned *set,
            struct tm_err *err)
{
    int64_t d;
    enum tm_code rc =
        str_member(body, name, 0, 1, SUP_DATE_MAX, out, SUP_DATE_MAX + 1, bit, set, err);

    if (rc == TM_OK && (*set & bit) && sup_date_days(out, &d) != 0)
        return tm_err_set(err, TM_INVALID, name, "%s must be a date YYYY-MM-DD", name);
    return rc;
}

enum tm_code
sup_decode_offer(const cJSON *body, int create, struct sup_offer_in *o, struct tm_err *err)
{
    static const char *const names[] = {"product_id",
                                        "price_breaks",
                                        "moq",
                                        "pack_size",
                                        "lead_time_days",
                                        "lead_time_spread_days",
                                        "shipping_cost_cents",
                                        "free_shipping_threshold_cents",
                                        "valid_from",
                                        "valid_to"};
    const cJSON *it;
    int64_t from, to;
    enum tm_code rc;

    memset(o, 0, sizeof *o);
    o->moq = o->pack_size = 1;
    if ((rc = tm_json_only(body, names + (create ? 0 : 1),
                           sizeof names / sizeof names[0] - (create ? 0 : 1), err)) != TM_OK ||
        (create && (rc = i64_member(body, "product_id", 1, 1, ID_MAX, &o->product_id, SUP_O_PRODUCT,
                                    &o->set, err)) != TM_OK))
        return rc;
    if ((it = tm_json_member(body, "price_breaks")) || create)
        if ((rc = decode_breaks(it, o, err)) != TM_OK)
            return rc;
    if ((rc = i64_member(body, "moq", 0, 1, SUP_QUANTITY_MAX, &o->moq, SUP_O_MOQ, &o->set, err)) !=
            TM_OK ||
        (rc = i64_member(body, "pack_size", 0, 1, SUP_QUANTITY_MAX, &o->pack_size, SUP_O_PACK,
                         &o->set, err)) != TM_OK ||
        (rc = i64_member(body, "lead_time_days", create, 0, SUP_LEAD_DAYS_MAX, &o->lead_time_days,
                         SUP_O_LEAD, &o->set, err)) != TM_OK ||
        (rc = i64_member(body, "lead_time_spread_days", 0, 0, SUP_LEAD_DAYS_MAX,
                         &o->lead_time_spread_days, SUP_O_SPREAD, &o->set, err)) != TM_OK ||
        (rc = i64_member(body, "shipping_cost_cents", 0, 0, SUP_MONEY_MAX, &o->shipping_cost_cents,
                         SUP_O_SHIPPING, &o->set, err)) != TM_OK ||
        (rc = i64_member(body, "free_shipping_threshold_cents", 0, 0, SUP_MONEY_MAX,
                         &o->free_shipping_threshold_cents, SUP_O_THRESHOLD, &o->set, err)) !=
            TM_OK ||
        (rc = date_member(body, "valid_from", o->valid_from, SUP_O_FROM, &o->set, err)) != TM_OK ||
        (rc = date_member(body, "valid_to", o->valid_to, SUP_O_TO, &o->set, err)) != TM_OK)
        return rc;
    if ((o->set & SUP_O_FROM) && (o->set & SUP_O_TO) && sup_date_days(o->valid_from, &from) == 0 &&
        sup_date_days(o->valid_to, &to) == 0 && to < from)
        return tm_err_set(err, TM_INVALID, "valid_to", "valid_to must not be before valid_from");
    if (!create) {
        static const char *const clearable[] = {"valid_from", "valid_to"};
        static const unsigned bits[] = {SUP_O_FROM, SUP_O_TO};
        nulls(body, clearable, bits, 2, &o->clear);
    }
    if (!create && o->set == 0 && o->clear == 0)
        return tm_err_set(err, TM_INVALID, "body", "nothing to update");
    return TM_OK;
}
