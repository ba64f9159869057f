/* services/inventory/reorder_decode.c — the decoders of reorder_decode.h. */
#include "services/inventory/reorder_decode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/json.h"

#include "proto/limits.h"

#define ID_MAX ((int64_t)1 << 53)
#define QTY_MAX 10000000 /* units (SUP_QUANTITY_MAX) */

/* body[len] as an object into *root (NULL when len is 0 and empty is allowed). */
static enum tm_code
body_object(const char *body, size_t len, int empty_ok, cJSON **root, struct tm_err *err)
{
    *root = NULL;
    if (len == 0 && empty_ok)
        return TM_OK;
    if (len > INV_RO_BODY_MAX)
        return tm_err_set(err, TM_TOOBIG, "body", "the body is over %d bytes", INV_RO_BODY_MAX);
    return tm_json_parse_object(body, len, "body", root, err);
}

enum tm_code
inv_ro_decode_generate(const char *body, size_t len, int64_t *store_id, struct tm_err *err)
{
    static const char *const names[] = {"store_id"};
    cJSON *root = NULL;
    enum tm_code rc = body_object(body, len, 1, &root, err);

    *store_id = 0;
    if (rc == TM_OK && root && (rc = tm_json_only(root, names, 1, err)) == TM_OK &&
        tm_json_member(root, "store_id"))
        rc = tm_json_i64(root, "store_id", 1, ID_MAX, store_id, err);
    cJSON_Delete(root);
    return rc;
}

enum tm_code
inv_ro_decode_approve(const char *body, size_t len, char *policy, size_t size, struct tm_err *err)
{
    static const char *const names[] = {"policy"};
    cJSON *root = NULL;
    static const char *const policies[] = {TM_SUPPLIER_POLICY_NAMES, NULL};
    const cJSON *p;
    int which = 0;
    enum tm_code rc = body_object(body, len, 1, &root, err);

    policy[0] = '\0';
    if (rc == TM_OK && root && (rc = tm_json_only(root, names, 1, err)) == TM_OK &&
        (p = tm_json_member(root, "policy")) != NULL &&
        (rc = tm_json_as_str(p, "policy", 1, INV_RO_POLICY_MAX, policy, size, err)) == TM_OK)
        rc = tm_err_one_of(policy, policies, "policy", &which, err);
    cJSON_Delete(root);
    return rc;
}

enum tm_code
inv_ro_decode_reject(const char *body, size_t len, char *reason, size_t size, struct tm_err *err)
{
    static const char *const names[] = {"reason"};
    cJSON *root = NULL;
    enum tm_code rc = body_object(body, len, 0, &root, err);

    reason[0] = '\0';
    if (rc == TM_OK && (rc = tm_json_only(root, names, 1, err)) == TM_OK) {
        if (!tm_json_member(root, "reason"))
            rc = tm_err_set(err, TM_INVALID, "reason", "reason is required");
        else
            rc = tm_json_str(root, "reason", 1, INV_RO_REASON_MAX, reason, size, err);
    }
    cJSON_Delete(root);
    return rc;
}

/* Member name of o as a finite number ≥ 0 (and ≤ max). */
static enum tm_code
num(const cJSON *o, const char *name, double max, double *out, struct tm_err *err)
{
    const cJSON *m = tm_json_member(o, name);

    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble) || m->valuedouble < 0 ||
        m->valuedouble > max)
        return tm_err_set(err, TM_INVALID, name, "%s must be a number from 0 to %g", name, max);
    *out = m->valuedouble;
    return TM_OK;
}

static enum tm_code
bool_of(const cJSON *o, const char *name, int *out, struct tm_err *err)
{
    const cJSON *m = tm_json_member(o, name);

    return m ? tm_json_as_bool(m, name, out, err)
             : tm_err_set(err, TM_INVALID, name, "%s is required", name);
}

/* A SupplierCandidate: what the policy reads of it. */
static enum tm_code
candidate(const cJSON *c, struct inv_ro_supplier *s, struct tm_err *err)
{
    double receipts = 0;
    enum tm_code rc;

    if (!cJSON_IsObject(c))
        return tm_err_set(err, TM_INVALID, "winner", "a candidate must be an object");
    if ((rc = tm_json_i64(c, "supplier_id", 1, ID_MAX, &s->supplier_id, err)) != TM_OK ||
        (rc = tm_json_str(c, "code", 1, INV_RO_CODE_MAX, s->code, sizeof s->code, err)) != TM_OK ||
        (rc = tm_json_i64(c, "moq", 0, QTY_MAX, &s->moq, err)) != TM_OK ||
        (rc = tm_json_i64(c, "pack_size", 1, QTY_MAX, &s->pack_size, err)) != TM_OK ||
        (rc = num(c, "lead_time_mean_days", 3650, &s->lead_mean_days, err)) != TM_OK ||
        (rc = num(c, "lead_time_sd_days", 3650, &s->lead_sd_days, err)) != TM_OK ||
        (rc = num(c, "receipts", 1e9, &receipts, err)) != TM_OK ||
        (rc = bool_of(c, "quoted", &s->quoted, err)) != TM_OK)
        return rc;
    s->receipts = (int)receipts;
    s->found = 1;
    return TM_OK;
}

static enum tm_code
allocations(const cJSON *root, struct inv_ro_choice *out, struct tm_err *err)
{
    const cJSON *w = tm_json_member(root, "winner"), *splits = tm_json_member(root, "splits"), *it;
    enum tm_code rc = TM_OK;
    char f[32];

    if (cJSON_IsObject(w)) {
        out->n_alloc = 1;
        out->alloc[0].supplier_id = out->sup.supplier_id;
        return tm_json_i64(w, "order_quantity", 1, QTY_MAX, &out->alloc[0].quantity, err);
    }
    if (!cJSON_IsArray(splits) || cJSON_GetArraySize(splits) > INV_RO_SPLITS_MAX)
        return tm_err_set(err, TM_INVALID, "splits", "splits must be an array of at most %d",
                          INV_RO_SPLITS_MAX);
    cJSON_ArrayForEach(it, splits)
    {
        struct inv_ro_alloc *a = &out->alloc[out->n_alloc];
        snprintf(f, sizeof f, "splits[%d]", out->n_alloc);
        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
        if ((rc = tm_json_i64(it, "supplier_id", 1, ID_MAX, &a->supplier_id, err)) != TM_OK ||
            (rc = tm_json_i64(it, "quantity", 1, QTY_MAX, &a->quantity, err)) != TM_OK)
            return rc;
        out->n_alloc++;
    }
    return tm_json_i64(root, "uncovered", 0, QTY_MAX, &out->uncovered, err);
}

enum tm_code
inv_ro_decode_choice(const char *text, size_t len, struct inv_ro_choice *out, struct tm_err *err)
{
    cJSON *root = NULL;
    const cJSON *w, *items;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if (len > INV_RO_REPLY_MAX)
        return tm_err_set(err, TM_TOOBIG, "reply", "the supplier choice is over %d bytes",
                          INV_RO_REPLY_MAX);
    if ((rc = tm_json_parse_object(text, len, "reply", &root, err)) != TM_OK)
        return rc;
    w = tm_json_member(root, "winner");
    items = tm_json_member(root, "items");
    if (!cJSON_IsArray(items))
        rc = tm_err_set(err, TM_INVALID, "items", "items must be an array");
    else if (cJSON_IsObject(w))
        rc = candidate(w, &out->sup, err);
    else if (w && !cJSON_IsNull(w))
        rc = tm_err_set(err, TM_INVALID, "winner", "winner must be a candidate or null");
    else if (cJSON_GetArraySize(items) > 0) /* a split: the best-ranked candidate's terms */
        rc = candidate(cJSON_GetArrayItem(items, 0), &out->sup, err);
    if (rc == TM_OK && out->sup.found)
        rc = allocations(root, out, err);
    cJSON_Delete(root);
    if (rc != TM_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

enum tm_code
inv_ro_decode_po_id(const char *text, size_t len, int64_t *id, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc;

    *id = 0;
    if (len > INV_RO_REPLY_MAX)
        return tm_err_set(err, TM_TOOBIG, "reply", "the purchase order is over %d bytes",
                          INV_RO_REPLY_MAX);
    if ((rc = tm_json_parse_object(text, len, "reply", &root, err)) == TM_OK)
        rc = tm_json_i64(root, "id", 1, ID_MAX, id, err);
    cJSON_Delete(root);
    return rc;
}

int
inv_ro_error_field_is(const char *text, size_t len, const char *field)
{
    cJSON *root = NULL;
    const cJSON *f = NULL;
    int is;

    if (len > INV_RO_REPLY_MAX || tm_json_parse_object(text, len, "reply", &root, NULL) != TM_OK)
        return 0;
    f = tm_json_member(tm_json_member(root, "error"), "field");
    is = cJSON_IsString(f) && strcmp(f->valuestring, field) == 0;
    cJSON_Delete(root);
    return is;
}
