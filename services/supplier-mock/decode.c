/* services/supplier-mock/decode.c — JSON to the mock's plain structs. Runs
 * on civetweb's worker threads on bodies of up to 4 MiB (a catalogue of
 * 100,000 items), so every array has a ceiling checked before it is walked
 * into fixed storage, and nesting is bounded before cJSON recurses. */
#include "services/supplier-mock/decode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"

/* Integer member `name` of obj, in [min, max], stored in *out; when absent,
 * TM_INVALID if required, else *out = def. path names it in errors. */
static enum tm_code
i64_at(const cJSON *obj, const char *name, const char *path, int required, int64_t def, int64_t min,
       int64_t max, int64_t *out, struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    if (!it) {
        if (required)
            return tm_err_set(err, TM_INVALID, path, "%s is required", path);
        *out = def;
        return TM_OK;
    }
    return tm_json_as_i64(it, path, min, max, out, err);
}

/* An array member with 1..max elements, in *arr. */
static enum tm_code
array_at(const cJSON *obj, const char *name, const char *path, int max, const cJSON **arr,
         struct tm_err *err)
{
    const cJSON *a = tm_json_member(obj, name);
    int n;

    if (!a)
        return tm_err_set(err, TM_INVALID, path, "%s is required", path);
    if (!cJSON_IsArray(a))
        return tm_err_set(err, TM_INVALID, path, "%s must be an array", path);
    n = cJSON_GetArraySize(a);
    if (n < 1 || n > max)
        return tm_err_set(err, TM_INVALID, path, "%s must have 1 to %d elements", path, max);
    *arr = a;
    return TM_OK;
}

static enum tm_code
decode_breaks(const cJSON *item, const char *path, struct mock_item *it, struct tm_err *err)
{
    static const char *const allowed[] = {"min_quantity", "unit_price_cents"};
    const cJSON *arr, *b;
    char f[TM_ERR_FIELD_MAX];
    enum tm_code rc;

    snprintf(f, sizeof f, "%s.price_breaks", path);
    if ((rc = array_at(item, "price_breaks", f, MOCK_BREAKS_MAX, &arr, err)) != TM_OK)
        return rc;
    it->n_breaks = 0;
    cJSON_ArrayForEach(b, arr)
    {
        struct mock_break *br = &it->breaks[it->n_breaks];

        snprintf(f, sizeof f, "%s.price_breaks[%d]", path, it->n_breaks);
        if ((rc = tm_json_object(b, f, err)) != TM_OK || (rc = tm_json_only(b, allowed, 2, err)))
            return rc;
        snprintf(f, sizeof f, "%s.price_breaks[%d].min_quantity", path, it->n_breaks);
        if ((rc = i64_at(b, "min_quantity", f, 1, 0, 1, MOCK_QTY_MAX, &br->min_quantity, err)))
            return rc;
        if (it->n_breaks > 0 && br->min_quantity <= br[-1].min_quantity)
            return tm_err_set(err, TM_INVALID, f, "price breaks must rise in min_quantity");
        snprintf(f, sizeof f, "%s.price_breaks[%d].unit_price_cents", path, it->n_breaks);
        if ((rc = i64_at(b, "unit_price_cents", f, 1, 0, 0, MOCK_PRICE_MAX, &br->unit_price_cents,
                         err)))
            return rc;
        it->n_breaks++;
    }
    return TM_OK;
}

static enum tm_code
decode_item(const cJSON *item, int idx, int default_lead_days, struct mock_item *it,
            struct tm_err *err)
{
    static const char *const allowed[] = {"sku", "name", "price_breaks", "available",
                                          "lead_time_days"};
    char path[24], f[TM_ERR_FIELD_MAX];
    const cJSON *name;
    int64_t lead;
    enum tm_code rc;

    snprintf(path, sizeof path, "items[%d]", idx);
    if ((rc = tm_json_object(item, path, err)) != TM_OK ||
        (rc = tm_json_only(item, allowed, 5, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "%s.sku", path);
    if ((rc = tm_json_str(item, "sku", 1, MOCK_SKU_MAX, it->sku, sizeof it->sku, err)) != TM_OK)
        return tm_err_set(err, rc, f, "%s must be a string of 1 to %d bytes", f, MOCK_SKU_MAX);
    it->name[0] = '\0';
    snprintf(f, sizeof f, "%s.name", path);
    if ((name = tm_json_member(item, "name")) &&
        (rc = tm_json_as_str(name, f, 0, MOCK_NAME_MAX, it->name, sizeof it->name, err)))
        return rc;
    if ((rc = decode_breaks(item, path, it, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "%s.available", path);
    if ((rc = i64_at(item, "available", f, 1, 0, 0, MOCK_AVAILABLE_MAX, &it->available, err)))
        return rc;
    it->available_initial = it->available;
    snprintf(f, sizeof f, "%s.lead_time_days", path);
    if ((rc = i64_at(item, "lead_time_days", f, 0, default_lead_days, 0, MOCK_LEAD_DAYS_MAX, &lead,
                     err)))
        return rc;
    it->lead_time_days = (int)lead;
    return TM_OK;
}

static enum tm_code
decode_catalogue(const cJSON *root, int default_lead_days, struct mock_catalogue *out,
                 struct tm_err *err)
{
    static const char *const allowed[] = {"items", "supplier", "currency", "as_of"};
    const cJSON *arr, *item;
    enum tm_code rc;
    int i = 0;

    if ((rc = tm_json_only(root, allowed, 4, err)) != TM_OK ||
        (rc = array_at(root, "items", "items", MOCK_ITEMS_MAX, &arr, err)) != TM_OK)
        return rc;
    out->items = tm_xcalloc((size_t)cJSON_GetArraySize(arr), sizeof out->items[0]);
    cJSON_ArrayForEach(item, arr)
    {
        if ((rc = decode_item(item, i, default_lead_days, &out->items[i], err)) != TM_OK)
            return rc;
        out->n = (size_t)++i;
    }
    return mock_catalogue_index(out, err);
}

enum tm_code
mock_parse_catalogue(const char *text, size_t len, int default_lead_days,
                     struct mock_catalogue *out, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc;

    mock_catalogue_fini(out);
    if (len > MOCK_BODY_MAX)
        return tm_err_set(err, TM_TOOBIG, "body", "a catalogue is at most %d bytes", MOCK_BODY_MAX);
    if ((rc = tm_json_parse(text, len, MOCK_JSON_DEPTH, "body", &root, err)) == TM_OK &&
        (rc = tm_json_object(root, "body", err)) == TM_OK)
        rc = decode_catalogue(root, default_lead_days, out, err);
    cJSON_Delete(root);
    if (rc != TM_OK)
        mock_catalogue_fini(out);
    return rc;
}

static enum tm_code
decode_line(const cJSON *line, int idx, struct mock_req_line *l, struct tm_err *err)
{
    static const char *const allowed[] = {"sku", "quantity"};
    char path[24], f[TM_ERR_FIELD_MAX];
    enum tm_code rc;

    snprintf(path, sizeof path, "lines[%d]", idx);
    if ((rc = tm_json_object(line, path, err)) != TM_OK ||
        (rc = tm_json_only(line, allowed, 2, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "%s.sku", path);
    if ((rc = tm_json_str(line, "sku", 1, MOCK_SKU_MAX, l->sku, sizeof l->sku, err)) != TM_OK)
        return tm_err_set(err, rc, f, "%s must be a string of 1 to %d bytes", f, MOCK_SKU_MAX);
    snprintf(f, sizeof f, "%s.quantity", path);
    return i64_at(line, "quantity", f, 1, 0, 1, MOCK_QTY_MAX, &l->quantity, err);
}

static enum tm_code
decode_order(const cJSON *root, struct mock_order_req *out, struct tm_err *err)
{
    static const char *const allowed[] = {"reference", "ship_to", "lines"};
    static const char *const ship_allowed[] = {"store_id"};
    const cJSON *ref, *ship, *arr, *line;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_only(root, allowed, 3, err)) != TM_OK)
        return rc;
    if ((ref = tm_json_member(root, "reference")) &&
        (rc = tm_json_as_str(ref, "reference", 0, MOCK_REF_MAX, out->reference,
                             sizeof out->reference, err)) != TM_OK)
        return rc;
    if ((ship = tm_json_member(root, "ship_to"))) {
        if ((rc = tm_json_object(ship, "ship_to", err)) != TM_OK ||
            (rc = tm_json_only(ship, ship_allowed, 1, err)) != TM_OK ||
            (rc = i64_at(ship, "store_id", "ship_to.store_id", 1, 0, 1, MOCK_STORE_ID_MAX,
                         &out->store_id, err)) != TM_OK)
            return rc;
    }
    if ((rc = array_at(root, "lines", "lines", MOCK_LINES_MAX, &arr, err)) != TM_OK)
        return rc;
    cJSON_ArrayForEach(line, arr)
    {
        if ((rc = decode_line(line, out->n_lines, &out->lines[out->n_lines], err)) != TM_OK)
            return rc;
        out->n_lines++;
    }
    return TM_OK;
}

enum tm_code
mock_parse_order(const char *text, size_t len, struct mock_order_req *out, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc;

    if ((rc = tm_json_parse(text, len, MOCK_JSON_DEPTH, "body", &root, err)) == TM_OK &&
        (rc = tm_json_object(root, "body", err)) == TM_OK)
        rc = decode_order(root, out, err);
    cJSON_Delete(root);
    return rc;
}

/* A share member (a number 0..1) into *ppm, when present. */
static enum tm_code
share_at(const cJSON *root, const char *name, int32_t *ppm, struct tm_err *err)
{
    const cJSON *it = tm_json_member(root, name);

    if (!it)
        return TM_OK;
    if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0.0 && it->valuedouble <= 1.0))
        return tm_err_set(err, TM_INVALID, name, "%s must be a number from 0 to 1", name);
    *ppm = (int32_t)lround(it->valuedouble * MOCK_PPM);
    return TM_OK;
}

/* A wait member (an integer 0..max) into *out, when present. */
static enum tm_code
int_at(const cJSON *root, const char *name, int max, int *out, struct tm_err *err)
{
    int64_t v = *out;
    enum tm_code rc = i64_at(root, name, name, 0, v, 0, max, &v, err);

    if (rc == TM_OK)
        *out = (int)v;
    return rc;
}

static enum tm_code
decode_faults(const cJSON *root, struct mock_faults *f, int *seed_set, uint64_t *seed,
              struct tm_err *err)
{
    static const char *const allowed[] = {
        "latency_ms",     "error_rate",      "timeout_rate",  "hang_ms",     "drop_rate",
        "malformed_rate", "rate_limit_rate", "retry_after_s", "after_share", "seed"};
    char name[32];
    int64_t s;
    enum tm_code rc;

    if ((rc = tm_json_only(root, allowed, sizeof allowed / sizeof allowed[0], err)) != TM_OK ||
        (rc = int_at(root, "latency_ms", MOCK_WAIT_MS_MAX, &f->latency_ms, err)) != TM_OK ||
        (rc = int_at(root, "hang_ms", MOCK_WAIT_MS_MAX, &f->hang_ms, err)) != TM_OK ||
        (rc = int_at(root, "retry_after_s", MOCK_RETRY_AFTER_MAX, &f->retry_after_s, err)) ||
        (rc = share_at(root, "after_share", &f->after_ppm, err)) != TM_OK)
        return rc;
    for (int k = MOCK_FAULT_NONE + 1; k < MOCK_FAULT_KINDS; k++) {
        snprintf(name, sizeof name, "%s_rate", mock_fault_name((enum mock_fault_kind)k));
        if ((rc = share_at(root, name, &f->rate_ppm[k], err)) != TM_OK)
            return rc;
    }
    if (tm_json_member(root, "seed")) {
        if ((rc = i64_at(root, "seed", "seed", 1, 0, 0, MOCK_STORE_ID_MAX, &s, err)) != TM_OK)
            return rc;
        *seed_set = 1;
        *seed = (uint64_t)s;
    }
    return mock_faults_check(f, err);
}

enum tm_code
mock_parse_faults(const char *text, size_t len, struct mock_faults *f, int *seed_set,
                  uint64_t *seed, struct tm_err *err)
{
    struct mock_faults next = *f;
    uint64_t next_seed = *seed;
    int set = 0;
    cJSON *root = NULL;
    enum tm_code rc;

    if ((rc = tm_json_parse(text, len, MOCK_JSON_DEPTH, "body", &root, err)) == TM_OK &&
        (rc = tm_json_object(root, "body", err)) == TM_OK &&
        (rc = decode_faults(root, &next, &set, &next_seed, err)) == TM_OK) {
        *f = next;
        *seed = next_seed;
        *seed_set = set;
    }
    cJSON_Delete(root);
    return rc;
}
