/* services/supplier/po_decode.c — JSON to a purchase order's plain structs:
 * the create body, a receipt and a cancellation, member by member. */
#include "services/supplier/po_decode.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"

#include "services/supplier/choice.h"

#define ID_MAX ((int64_t)1 << 53)

int
sup_key_ok(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n <= SUP_PO_KEY_MAX &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") == n;
}

/* An optional string member (absent or null: out ""). */
static enum tm_code
opt_str(const cJSON *o, const char *name, size_t max, char *out, size_t size, struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);

    out[0] = '\0';
    return it ? tm_json_as_str(it, name, 0, max, out, size, err) : TM_OK;
}

/* Member name of element i of "lines", required unless opt, into *out. */
static enum tm_code
line_i64(const cJSON *it, int i, const char *name, int opt, int64_t min, int64_t *out,
         struct tm_err *err)
{
    const cJSON *m = tm_json_member(it, name);
    char f[48];

    snprintf(f, sizeof f, "lines[%d].%s", i, name);
    if (!m)
        return opt ? TM_OK : tm_err_set(err, TM_INVALID, f, "%s is required", f);
    return tm_json_as_i64(m, f, min, name[0] == 'p' ? ID_MAX : SUP_QUANTITY_MAX, out, err);
}

/* The "lines" array: each an object with only `names`; fn reads element i. */
static enum tm_code
lines_each(const cJSON *body, const char *const *names, size_t n_names,
           enum tm_code (*fn)(const cJSON *it, int i, void *out, struct tm_err *err), void *out,
           int *n, struct tm_err *err)
{
    const cJSON *arr = tm_json_member(body, "lines"), *it;
    enum tm_code rc;
    char f[32];

    *n = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 ||
        cJSON_GetArraySize(arr) > SUP_PO_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "lines must be an array of 1 to %d lines",
                          SUP_PO_LINES_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        snprintf(f, sizeof f, "lines[%d]", *n);
        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
        if ((rc = tm_json_only(it, names, n_names, err)) != TM_OK ||
            (rc = fn(it, *n, out, err)) != TM_OK)
            return rc;
        (*n)++;
    }
    return TM_OK;
}

static enum tm_code
po_line(const cJSON *it, int i, void *arg, struct tm_err *err)
{
    struct sup_po_in *p = arg;
    enum tm_code rc;
    char f[48];

    if ((rc = line_i64(it, i, "product_id", 0, 1, &p->lines[i].product_id, err)) != TM_OK ||
        (rc = line_i64(it, i, "quantity", 0, 1, &p->lines[i].quantity, err)) != TM_OK)
        return rc;
    for (int j = 0; j < i; j++)
        if (p->lines[j].product_id == p->lines[i].product_id) {
            snprintf(f, sizeof f, "lines[%d].product_id", i);
            return tm_err_set(err, TM_INVALID, f,
                              "product %lld is already lines[%d]: one line "
                              "per product",
                              (long long)p->lines[i].product_id, j);
        }
    return TM_OK;
}

enum tm_code
sup_decode_po(const cJSON *body, struct sup_po_in *p, struct tm_err *err)
{
    static const char *const names[] = {"supplier_id", "store_id", "lines", "reference"};
    static const char *const line_names[] = {"product_id", "quantity"};
    enum tm_code rc;

    memset(p, 0, sizeof *p);
    if ((rc = tm_json_only(body, names, 4, err)) != TM_OK ||
        (rc = tm_json_i64(body, "supplier_id", 1, ID_MAX, &p->supplier_id, err)) != TM_OK ||
        (rc = tm_json_i64(body, "store_id", 1, ID_MAX, &p->store_id, err)) != TM_OK ||
        (rc = opt_str(body, "reference", SUP_PO_KEY_MAX, p->reference, sizeof p->reference, err)) !=
            TM_OK)
        return rc;
    return lines_each(body, line_names, 2, po_line, p, &p->n, err);
}

static enum tm_code
receipt_line(const cJSON *it, int i, void *arg, struct tm_err *err)
{
    struct sup_receipt_in *r = arg;
    struct sup_receipt_line *l = &r->r.lines[i];
    char f[48];
    const cJSON *m;
    enum tm_code rc;

    l->rejected = 0;
    r->reasons[i][0] = '\0';
    if ((rc = line_i64(it, i, "product_id", 0, 1, &l->product_id, err)) != TM_OK ||
        (rc = line_i64(it, i, "quantity", 0, 0, &l->quantity, err)) != TM_OK ||
        (rc = line_i64(it, i, "rejected", 1, 0, &l->rejected, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].reason", i);
    if ((m = tm_json_member(it, "reason")) &&
        (rc = tm_json_as_str(m, f, 1, SUP_LINE_REASON_MAX, r->reasons[i], sizeof r->reasons[i],
                             err)) != TM_OK)
        return rc;
    l->has_reason = r->reasons[i][0] != '\0';
    return TM_OK;
}

enum tm_code
sup_decode_receipt(const cJSON *body, struct sup_receipt_in *r, struct tm_err *err)
{
    static const char *const names[] = {"lines", "key", "note"};
    static const char *const line_names[] = {"product_id", "quantity", "rejected", "reason"};
    enum tm_code rc;

    r->r.n = 0;
    if ((rc = tm_json_only(body, names, 3, err)) != TM_OK ||
        (rc = opt_str(body, "key", SUP_PO_KEY_MAX, r->key, sizeof r->key, err)) != TM_OK ||
        (rc = opt_str(body, "note", SUP_PO_TEXT_MAX, r->note, sizeof r->note, err)) != TM_OK)
        return rc;
    if (r->key[0] && !sup_key_ok(r->key))
        return tm_err_set(err, TM_INVALID, "key", "key must be 1 to %d of A-Z a-z 0-9 . _ : -",
                          SUP_PO_KEY_MAX);
    return lines_each(body, line_names, 4, receipt_line, r, &r->r.n, err);
}

enum tm_code
sup_decode_cancel(const cJSON *body, char *reason, size_t size, struct tm_err *err)
{
    static const char *const names[] = {"reason"};
    enum tm_code rc;

    reason[0] = '\0';
    if (!body)
        return TM_OK;
    if ((rc = tm_json_only(body, names, 1, err)) != TM_OK)
        return rc;
    return opt_str(body, "reason", size - 1 < SUP_PO_TEXT_MAX ? size - 1 : SUP_PO_TEXT_MAX, reason,
                   size, err);
}
