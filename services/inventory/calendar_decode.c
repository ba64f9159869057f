/* services/inventory/calendar_decode.c — the decoders of calendar_decode.h.
 * Called once per POST of a calendar event or a promotion: a few hundred
 * bytes each, so clarity wins over speed. Dates are UTC calendar days, the
 * days the forecasts count in. */
#include "services/inventory/calendar_decode.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "common/json.h"
#include "common/time.h"

#define ID_MAX ((int64_t)1 << 53)
#define PRICE_MAX ((int64_t)1 << 40) /* cents: far above any shelf price */
#define MS_PER_DAY 86400000LL
#define DATE_LEN 10 /* "YYYY-MM-DD" */

const char *const inv_cal_kinds[] = {INV_CAL_KIND_NAMES, NULL};

static enum tm_code
body_object(const char *body, size_t len, cJSON **root, struct tm_err *err)
{
    *root = NULL;
    if (len > INV_CAL_BODY_MAX)
        return tm_err_set(err, TM_TOOBIG, "body", "the body is over %d bytes", INV_CAL_BODY_MAX);
    return tm_json_parse_object(body, len, "body", root, err);
}

/* Member `name`, required, as a date "YYYY-MM-DD" in the taken range:
 * days since the epoch into *day. */
static enum tm_code
date_member(const cJSON *o, const char *name, int64_t *day, struct tm_err *err)
{
    const cJSON *item = tm_json_member(o, name);
    char text[DATE_LEN + 1];
    struct tm_time t;
    enum tm_code rc;

    if (!item)
        return tm_err_set(err, TM_INVALID, name, "%s is required", name);
    if ((rc = tm_json_as_str(item, name, DATE_LEN, DATE_LEN, text, sizeof text, err)) != TM_OK ||
        (rc = tm_time_parse(text, name, &t, err)) != TM_OK)
        return tm_err_set(err, TM_INVALID, name, "%s must be a date YYYY-MM-DD", name);
    *day = t.epoch_ms / MS_PER_DAY;
    if (*day < INV_CAL_FIRST_DAY || *day > INV_CAL_LAST_DAY)
        return tm_err_set(err, TM_INVALID, name, "%s must be between 2000-01-01 and 2099-12-31",
                          name);
    return TM_OK;
}

/* "from" and "to" with to ≥ from and at most span_max days in all. */
static enum tm_code
span_members(const cJSON *o, int span_max, int64_t *first, int64_t *last, struct tm_err *err)
{
    enum tm_code rc;

    if ((rc = date_member(o, "from", first, err)) != TM_OK ||
        (rc = date_member(o, "to", last, err)) != TM_OK)
        return rc;
    if (*last < *first)
        return tm_err_set(err, TM_INVALID, "to", "to must not be before from");
    if (*last - *first >= span_max)
        return tm_err_set(err, TM_INVALID, "to", "a span is at most %d days", span_max);
    return TM_OK;
}

/* Optional "store_id": an id, or null/absent for every store (0). */
static enum tm_code
store_member(const cJSON *o, int64_t *store_id, struct tm_err *err)
{
    const cJSON *item = tm_json_member(o, "store_id");

    *store_id = 0;
    return item ? tm_json_as_i64(item, "store_id", 1, ID_MAX, store_id, err) : TM_OK;
}

static enum tm_code
event_from(const cJSON *o, struct inv_cal_event *e, struct tm_err *err)
{
    static const char *const names[] = {"store_id", "date", "from", "to", "name", "kind"};
    const cJSON *kind;
    int which = INV_CAL_EVENT;
    enum tm_code rc;

    if ((rc = tm_json_only(o, names, sizeof names / sizeof names[0], err)) != TM_OK ||
        (rc = store_member(o, &e->store_id, err)) != TM_OK ||
        (rc = tm_json_str(o, "name", 1, INV_CAL_NAME_MAX, e->name, sizeof e->name, err)) != TM_OK)
        return rc;
    if ((kind = tm_json_member(o, "kind")) != NULL &&
        (rc = tm_json_as_enum(kind, "kind", inv_cal_kinds, &which, err)) != TM_OK)
        return rc;
    e->kind = (enum inv_cal_kind)which;
    if (tm_json_member(o, "date")) {
        if (tm_json_member(o, "from") || tm_json_member(o, "to"))
            return tm_err_set(err, TM_INVALID, "date", "give date or from and to, not both");
        if ((rc = date_member(o, "date", &e->first_day, err)) != TM_OK)
            return rc;
        e->last_day = e->first_day;
        return TM_OK;
    }
    if (!tm_json_member(o, "from") && !tm_json_member(o, "to"))
        return tm_err_set(err, TM_INVALID, "date", "date (or from and to) is required");
    return span_members(o, INV_CAL_SPAN_DAYS_MAX, &e->first_day, &e->last_day, err);
}

enum tm_code
inv_cal_decode_event(const char *body, size_t len, struct inv_cal_event *out, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc = body_object(body, len, &root, err);

    memset(out, 0, sizeof *out);
    if (rc == TM_OK)
        rc = event_from(root, out, err);
    if (rc != TM_OK)
        memset(out, 0, sizeof *out);
    cJSON_Delete(root);
    return rc;
}

/* Optional "flags": an array of distinct flag names into *flags. */
static enum tm_code
flags_member(const cJSON *o, unsigned *flags, struct tm_err *err)
{
    static const char *const names[] = {INV_PROMO_FLAG_NAMES, NULL};
    const cJSON *arr = tm_json_member(o, "flags"), *f;
    enum tm_code rc;
    int which, n = 0;

    *flags = 0;
    if (!arr)
        return TM_OK;
    if (!cJSON_IsArray(arr))
        return tm_err_set(err, TM_INVALID, "flags", "flags must be an array of flag names");
    cJSON_ArrayForEach(f, arr)
    {
        if (++n > 3)
            return tm_err_set(err, TM_INVALID, "flags", "flags holds at most 3 names");
        if ((rc = tm_json_as_enum(f, "flags", names, &which, err)) != TM_OK)
            return rc;
        if (*flags & (1u << which))
            return tm_err_set(err, TM_INVALID, "flags", "flag %s given twice", names[which]);
        *flags |= 1u << which;
    }
    return TM_OK;
}

static enum tm_code
promo_from(const cJSON *o, struct inv_promo *p, struct tm_err *err)
{
    static const char *const names[] = {"product_id", "store_id",          "from",
                                        "to",         "promo_price_cents", "flags"};
    const cJSON *price;
    enum tm_code rc;

    if ((rc = tm_json_only(o, names, sizeof names / sizeof names[0], err)) != TM_OK ||
        (rc = tm_json_i64(o, "product_id", 1, ID_MAX, &p->product_id, err)) != TM_OK ||
        (rc = store_member(o, &p->store_id, err)) != TM_OK ||
        (rc = span_members(o, INV_PROMO_SPAN_DAYS_MAX, &p->first_day, &p->last_day, err)) !=
            TM_OK ||
        (rc = flags_member(o, &p->flags, err)) != TM_OK)
        return rc;
    if ((price = tm_json_member(o, "promo_price_cents")) != NULL &&
        (rc = tm_json_as_i64(price, "promo_price_cents", 1, PRICE_MAX, &p->promo_price_cents,
                             err)) != TM_OK)
        return rc;
    if (!p->promo_price_cents && !p->flags)
        return tm_err_set(err, TM_INVALID, "promo_price_cents",
                          "a promotion needs promo_price_cents or at least one flag");
    return TM_OK;
}

enum tm_code
inv_cal_decode_promo(const char *body, size_t len, struct inv_promo *out, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc = body_object(body, len, &root, err);

    memset(out, 0, sizeof *out);
    if (rc == TM_OK)
        rc = promo_from(root, out, err);
    if (rc != TM_OK)
        memset(out, 0, sizeof *out);
    cJSON_Delete(root);
    return rc;
}

enum tm_code
inv_cal_promo_price_ok(const struct inv_promo *p, int64_t regular_price_cents, struct tm_err *err)
{
    if (p->promo_price_cents && p->promo_price_cents >= regular_price_cents)
        return tm_err_set(err, TM_INVALID, "promo_price_cents",
                          "promo_price_cents must be below the regular price (%lld cents)",
                          (long long)regular_price_cents);
    return TM_OK;
}
