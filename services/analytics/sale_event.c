/* services/analytics/sale_event.c — tm-txn's Transaction, read. */
#include "services/analytics/sale_event.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/time.h"

#define ID_MAX ((int64_t)1 << 53)

static const char *const statuses[] = {"completed", "declined", "voided", NULL};
static const char *const decisions[] = {"approve", "review", "decline", NULL};
static const char *const labels[] = {"fraud", "legit", NULL};

const char *
an_sale_status_name(enum an_sale_status s)
{
    return statuses[s];
}

const char *
an_sale_decision_name(enum an_sale_decision d)
{
    return decisions[d];
}

const char *
an_sale_review_name(enum an_sale_review r)
{
    return r == AN_REVIEW_NONE ? NULL : labels[r - 1];
}

/* Member name of obj, a time with its offset, copied into out[AN_SALE_TIME_MAX]. */
static enum tm_code
time_member(const cJSON *obj, const char *name, char *out, struct tm_err *err)
{
    struct tm_time t;
    enum tm_code rc;

    if ((rc = tm_json_str(obj, name, 1, AN_SALE_TIME_MAX - 1, out, AN_SALE_TIME_MAX, err)) != TM_OK)
        return rc;
    return tm_time_parse(out, name, &t, err);
}

/* One member of line i into *v: an integer in [min, max], the field named
 * lines[i].name on failure. */
static enum tm_code
line_i64(const cJSON *it, int i, const char *name, int64_t min, int64_t max, int64_t *v,
         struct tm_err *err)
{
    char f[48];

    if (tm_json_i64(it, name, min, max, v, NULL) == TM_OK)
        return TM_OK;
    snprintf(f, sizeof f, "lines[%d].%s", i, name);
    return tm_err_set(err, TM_INVALID, f, "%s must be an integer in [%lld, %lld]", f,
                      (long long)min, (long long)max);
}

static enum tm_code
decode_lines(const cJSON *arr, struct an_sale *s, struct tm_err *err)
{
    const cJSON *it;
    enum tm_code rc;

    if (!arr) /* json_agg of no lines is null */
        return TM_OK;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > AN_SALE_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "lines must be an array of at most %d",
                          AN_SALE_LINES_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        struct an_sale_line *l = &s->lines[s->n_lines];
        int i = s->n_lines;

        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, "lines", "lines[%d] must be an object", i);
        if ((rc = line_i64(it, i, "line", 0, AN_SALE_LINES_MAX - 1, &l->line, err)) != TM_OK ||
            (rc = line_i64(it, i, "product_id", 1, ID_MAX, &l->product_id, err)) != TM_OK ||
            (rc = line_i64(it, i, "quantity", 1, AN_SALE_QTY_MAX, &l->quantity, err)) != TM_OK ||
            (rc = line_i64(it, i, "amount_cents", 0, AN_SALE_CENTS_MAX, &l->amount_cents, err)) !=
                TM_OK)
            return rc;
        for (int k = 0; k < i; k++)
            if (s->lines[k].line == l->line)
                return tm_err_set(err, TM_INVALID, "lines", "line %lld appears twice",
                                  (long long)l->line);
        s->n_lines++;
    }
    return TM_OK;
}

enum tm_code
an_sale_decode(const cJSON *data, struct an_sale *s, struct tm_err *err)
{
    const cJSON *fraud = tm_json_member(data, "fraud"), *review, *cust;
    int status = 0, decision = 0, label = 0;
    enum tm_code rc;

    memset(s, 0, sizeof *s);
    if (!cJSON_IsObject(data))
        return tm_err_set(err, TM_INVALID, "data", "not a Transaction");
    if ((rc = tm_json_i64(data, "id", 1, ID_MAX, &s->id, err)) != TM_OK ||
        (rc = tm_json_i64(data, "store_id", 1, ID_MAX, &s->store_id, err)) != TM_OK ||
        (rc = time_member(data, "occurred_at", s->occurred_at, err)) != TM_OK ||
        (rc = tm_json_enum(data, "status", statuses, &status, err)) != TM_OK ||
        (rc = tm_json_i64(data, "total_cents", 0, AN_SALE_CENTS_MAX, &s->total_cents, err)) !=
            TM_OK ||
        (rc = tm_json_i64(data, "units", 0, AN_SALE_QTY_MAX * (int64_t)AN_SALE_LINES_MAX, &s->units,
                          err)) != TM_OK)
        return rc;
    if ((cust = tm_json_member(data, "customer_id")) &&
        (rc = tm_json_as_i64(cust, "customer_id", 1, ID_MAX, &s->customer_id, err)) != TM_OK)
        return rc;
    if (!cJSON_IsObject(fraud))
        return tm_err_set(err, TM_INVALID, "fraud", "fraud must be an object");
    if ((rc = tm_json_enum(fraud, "decision", decisions, &decision, err)) != TM_OK)
        return tm_err_set(err, TM_INVALID, "fraud.decision", "%s", err ? err->message : "");
    if ((review = tm_json_member(data, "review"))) {
        if (!cJSON_IsObject(review) || tm_json_enum(review, "label", labels, &label, NULL) != TM_OK)
            return tm_err_set(err, TM_INVALID, "review.label",
                              "review must be null or {label: fraud|legit}");
        s->review = (enum an_sale_review)(label + 1);
    }
    s->status = (enum an_sale_status)status;
    s->decision = (enum an_sale_decision)decision;
    if (tm_json_member(data, "voided_at") &&
        (rc = time_member(data, "voided_at", s->voided_at, err)) != TM_OK)
        return rc;
    if (s->status == AN_SALE_VOIDED && !s->voided_at[0])
        return tm_err_set(err, TM_INVALID, "voided_at", "a voided sale has its voided_at");
    return decode_lines(tm_json_member(data, "lines"), s, err);
}
