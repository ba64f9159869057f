/* services/supplier/api_decode.c — a supplier's replies to plain structs,
 * for services/supplier/api.c after every 2xx, and for the fuzz target. A
 * catalogue may hold SUP_API_ITEMS_MAX items: their array is sized from the
 * reply's own count (a 4 MiB reply holds at most ~70,000 minimal items), and
 * the items are checked one by one as they are read. */
#include "services/supplier/api_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"

#define ID_MAX ((int64_t)1 << 53)

enum tm_code
sup_api_sku_id(const char *sku, const char *field, int64_t *out, struct tm_err *err)
{
    int64_t v = 0;
    size_t n = strlen(sku);

    if (n < 1 || n > 16 || sku[0] == '0' || strspn(sku, "0123456789") != n)
        return tm_err_set(err, TM_INVALID, field, "%s is not a product id", field);
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (sku[i] - '0'); /* 16 digits fit an int64_t */
    if (v > ID_MAX)
        return tm_err_set(err, TM_INVALID, field, "%s is not a product id", field);
    *out = v;
    return TM_OK;
}

static enum tm_code
sku_member(const cJSON *obj, int64_t *out, struct tm_err *err)
{
    char sku[24];
    enum tm_code rc = tm_json_str(obj, "sku", 1, 16, sku, sizeof sku, err);

    return rc == TM_OK ? sup_api_sku_id(sku, "sku", out, err) : rc;
}

/* The array member `name` with 1..max elements (0..max when empty_ok). */
static enum tm_code
array_member(const cJSON *obj, const char *name, int empty_ok, int max, const cJSON **out, int *n,
             struct tm_err *err)
{
    const cJSON *a = tm_json_member(obj, name);

    if (!cJSON_IsArray(a))
        return tm_err_set(err, TM_INVALID, name, "%s must be an array", name);
    *n = cJSON_GetArraySize(a);
    if (*n > max || (*n == 0 && !empty_ok))
        return tm_err_set(err, TM_INVALID, name, "%s must have %d to %d elements", name, !empty_ok,
                          max);
    *out = a;
    return TM_OK;
}

static enum tm_code
order_line(const cJSON *l, struct sup_api_order_line *out, struct tm_err *err)
{
    enum tm_code rc;

    if ((rc = tm_json_object(l, "lines", err)) != TM_OK ||
        (rc = sku_member(l, &out->product_id, err)) != TM_OK ||
        (rc = tm_json_i64(l, "quantity", 1, SUP_API_QUANTITY_MAX, &out->quantity, err)) != TM_OK ||
        (rc = tm_json_i64(l, "unit_price_cents", 0, SUP_API_PRICE_MAX, &out->unit_price_cents,
                          err)) != TM_OK)
        return rc;
    out->confirmed_quantity = out->quantity;
    if (tm_json_member(l, "confirmed_quantity") &&
        (rc = tm_json_i64(l, "confirmed_quantity", 0, out->quantity, &out->confirmed_quantity,
                          err)) != TM_OK)
        return rc;
    return TM_OK;
}

static enum tm_code
order_fields(const cJSON *root, struct sup_api_order *out, struct tm_err *err)
{
    static const char *const statuses[] = {"confirmed", "accepted", "cancelled", NULL};
    const cJSON *lines, *l;
    int status, n, i = 0;
    enum tm_code rc;

    if ((rc = tm_json_str(root, "order_id", 1, SUP_API_ORDER_ID_MAX, out->order_id,
                          sizeof out->order_id, err)) != TM_OK ||
        (rc = tm_json_enum(root, "status", statuses, &status, err)) != TM_OK)
        return rc;
    snprintf(out->status, sizeof out->status, "%s", statuses[status]);
    if (tm_json_member(root, "expected_delivery")) {
        struct tm_time t;
        if ((rc = tm_json_str(root, "expected_delivery", 10, 10, out->expected_delivery,
                              sizeof out->expected_delivery, err)) != TM_OK ||
            (rc = tm_json_as_time(tm_json_member(root, "expected_delivery"), "expected_delivery",
                                  &t, err)) != TM_OK)
            return rc;
    }
    if ((rc = array_member(root, "lines", 0, SUP_API_LINES_MAX, &lines, &n, err)) != TM_OK)
        return rc;
    cJSON_ArrayForEach(l, lines)
    {
        if ((rc = order_line(l, &out->lines[i++], err)) != TM_OK)
            return rc;
    }
    out->n_lines = n;
    return TM_OK;
}

/* A supplier's reply body as a JSON object (*root, the caller's): at most
 * SUP_API_REPLY_MAX bytes and SUP_API_DEPTH_MAX levels. */
static enum tm_code
reply_object(const char *body, size_t len, cJSON **root, struct tm_err *err)
{
    enum tm_code rc;

    if (len > SUP_API_REPLY_MAX)
        return tm_err_set(err, TM_INVALID, "body", "reply larger than %zu bytes",
                          SUP_API_REPLY_MAX);
    if ((rc = tm_json_parse(body, len, SUP_API_DEPTH_MAX, "body", root, err)) == TM_OK)
        rc = tm_json_object(*root, "body", err);
    return rc;
}

enum tm_code
sup_api_decode_order(const char *body, size_t len, struct sup_api_order *out, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = reply_object(body, len, &root, err)) == TM_OK)
        rc = order_fields(root, out, err);
    cJSON_Delete(root);
    if (rc != TM_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

static enum tm_code
item_breaks(const cJSON *it, struct sup_api_item *out, struct tm_err *err)
{
    const cJSON *a, *b;
    int n;
    enum tm_code rc = array_member(it, "price_breaks", 0, SUP_API_BREAKS_MAX, &a, &n, err);

    out->n_breaks = 0;
    if (rc != TM_OK)
        return rc;
    cJSON_ArrayForEach(b, a)
    {
        struct sup_api_break *k = &out->breaks[out->n_breaks];

        if ((rc = tm_json_object(b, "price_breaks", err)) != TM_OK ||
            (rc = tm_json_i64(b, "min_quantity", 1, SUP_API_QUANTITY_MAX, &k->min_quantity, err)) !=
                TM_OK ||
            (rc = tm_json_i64(b, "unit_price_cents", 1, SUP_API_PRICE_MAX, &k->unit_price_cents,
                              err)) != TM_OK)
            return rc;
        if (out->n_breaks > 0 && k->min_quantity <= out->breaks[out->n_breaks - 1].min_quantity)
            return tm_err_set(err, TM_INVALID, "price_breaks",
                              "price_breaks must rise strictly in min_quantity");
        out->n_breaks++;
    }
    return TM_OK;
}

static enum tm_code
item(const cJSON *it, struct sup_api_item *out, struct tm_err *err)
{
    int64_t lead;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_object(it, "items", err)) != TM_OK ||
        (rc = sku_member(it, &out->product_id, err)) != TM_OK ||
        (rc = tm_json_i64(it, "available", 0, SUP_API_AVAILABLE_MAX, &out->available, err)) !=
            TM_OK ||
        (rc = tm_json_i64(it, "lead_time_days", 0, SUP_API_LEAD_DAYS_MAX, &lead, err)) != TM_OK)
        return rc;
    out->lead_time_days = (int)lead;
    if (tm_json_member(it, "name") && (rc = tm_json_str(it, "name", 0, SUP_API_ITEM_NAME_MAX,
                                                        out->name, sizeof out->name, err)) != TM_OK)
        return rc;
    return item_breaks(it, out, err);
}

static enum tm_code
catalogue_fields(const cJSON *root, struct sup_api_catalogue *out, struct tm_err *err)
{
    const cJSON *items, *it;
    int n;
    enum tm_code rc;

    if ((rc = tm_json_str(root, "currency", 3, 3, out->currency, sizeof out->currency, err)) !=
        TM_OK)
        return rc;
    if (strspn(out->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return tm_err_set(err, TM_INVALID, "currency", "currency must be three capitals");
    if (tm_json_member(root, "as_of") &&
        (rc = tm_json_str(root, "as_of", 0, sizeof out->as_of - 1, out->as_of, sizeof out->as_of,
                          err)) != TM_OK)
        return rc;
    if ((rc = array_member(root, "items", 1, SUP_API_ITEMS_MAX, &items, &n, err)) != TM_OK)
        return rc;
    out->items = n ? tm_xcalloc((size_t)n, sizeof *out->items) : NULL;
    cJSON_ArrayForEach(it, items)
    {
        if ((rc = item(it, &out->items[out->n_items], err)) != TM_OK)
            return rc;
        out->n_items++;
    }
    return TM_OK;
}

enum tm_code
sup_api_decode_catalogue(const char *body, size_t len, struct sup_api_catalogue *out,
                         struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = reply_object(body, len, &root, err)) == TM_OK)
        rc = catalogue_fields(root, out, err);
    cJSON_Delete(root);
    if (rc != TM_OK)
        sup_api_catalogue_fini(out);
    return rc;
}

void
sup_api_catalogue_fini(struct sup_api_catalogue *c)
{
    if (!c)
        return;
    free(c->items);
    memset(c, 0, sizeof *c);
}

void
sup_api_decode_error(const char *body, size_t len, char *msg, size_t size)
{
    cJSON *root = NULL;
    char code[64] = "", text[256] = "";
    const cJSON *e;

    msg[0] = '\0';
    if (reply_object(body, len, &root, NULL) != TM_OK) {
        cJSON_Delete(root);
        return;
    }
    e = tm_json_member(root, "error");
    if (cJSON_IsObject(e) &&
        tm_json_str(e, "code", 1, sizeof code - 1, code, sizeof code, NULL) == TM_OK) {
        if (tm_json_str(e, "message", 0, sizeof text - 1, text, sizeof text, NULL) != TM_OK)
            text[0] = '\0';
        snprintf(msg, size, "%s%s%s", code, text[0] ? ": " : "", text);
    }
    cJSON_Delete(root);
}
