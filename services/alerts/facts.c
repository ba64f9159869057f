/* services/alerts/facts.c — the other services' events, read (facts.h). */
#include "services/alerts/facts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/time.h"
#include "common/topic.h"

#define ID_MAX ((int64_t)1 << 53)
#define QTY_MAX 1000000000LL /* a level's quantities (proto: on_hand_after's maximum) */
#define DEMAND_MAX 1e9

static const char *const po_statuses[] = {
    "draft", "sending", "sent", "confirmed", "partially_received", "received", "cancelled", NULL};
static const char *const circuit_states[] = {"closed", "open", "half_open", NULL};
static const char *const sale_statuses[] = {"completed", "declined", "voided", NULL};
static const char *const decisions[] = {"approve", "review", "decline", NULL};

/* 1 when topic is t's. */
static int
is(const char *topic, enum tm_topic t)
{
    return strcmp(topic, tm_topic_name(t)) == 0;
}

/* Member name of obj: a finite number in [min, max]. */
static enum tm_code
num(const cJSON *obj, const char *name, double min, double max, double *out, struct tm_err *err)
{
    const cJSON *m = tm_json_member(obj, name);

    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble) || m->valuedouble < min ||
        m->valuedouble > max)
        return tm_err_set(err, TM_INVALID, name, "%s must be a number in [%g, %g]", name, min, max);
    *out = m->valuedouble;
    return TM_OK;
}

/* Member name of obj: an id, or null/absent (0). */
static enum tm_code
opt_id(const cJSON *obj, const char *name, int64_t *out, struct tm_err *err)
{
    const cJSON *m = tm_json_member(obj, name);

    *out = 0;
    return m ? tm_json_as_i64(m, name, 1, ID_MAX, out, err) : TM_OK;
}

static enum tm_code
decode_level(const cJSON *d, struct al_fact_level *l, struct tm_err *err)
{
    const cJSON *mv = tm_json_member(d, "movement");
    enum tm_code rc;
    char type[16];

    if ((rc = tm_json_i64(d, "store_id", 1, ID_MAX, &l->store_id, err)) != TM_OK ||
        (rc = tm_json_i64(d, "product_id", 1, ID_MAX, &l->product_id, err)) != TM_OK ||
        (rc = tm_json_i64(d, "on_hand", 0, QTY_MAX, &l->on_hand, err)) != TM_OK ||
        (rc = tm_json_i64(d, "available", -QTY_MAX, QTY_MAX, &l->available, err)) != TM_OK ||
        (rc = tm_json_i64(d, "reorder_point", 0, QTY_MAX, &l->reorder_point, err)) != TM_OK)
        return rc;
    if (!mv) /* a change of settings */
        return TM_OK;
    if (!cJSON_IsObject(mv))
        return tm_err_set(err, TM_INVALID, "movement", "movement must be an object or null");
    if ((rc = tm_json_str(mv, "type", 1, sizeof type - 1, type, sizeof type, err)) != TM_OK)
        return rc;
    if (strcmp(type, "sale") == 0) {
        struct tm_time at;
        int64_t q;

        if ((rc = tm_json_i64(mv, "quantity", -QTY_MAX, 0, &q, err)) != TM_OK ||
            (rc = tm_json_as_time(tm_json_member(mv, "created_at"), "movement.created_at", &at,
                                  err)) != TM_OK)
            return rc;
        l->sold = -q;
        l->sale_ms = at.epoch_ms;
    }
    return TM_OK;
}

int64_t
al_fact_sale_time(int64_t sale_ms, int64_t now_ms)
{
    return sale_ms > now_ms + AL_FACT_SALE_AHEAD_MS ? now_ms : sale_ms;
}

static enum tm_code
decode_ledger(const cJSON *d, struct al_fact_ledger *g, struct tm_err *err)
{
    const cJSON *gaps = tm_json_member(d, "gaps"), *it;
    enum tm_code rc;

    if (!cJSON_IsArray(gaps) || cJSON_GetArraySize(gaps) > AL_FACT_GAPS_MAX)
        return tm_err_set(err, TM_INVALID, "gaps", "gaps must be an array of at most %d",
                          AL_FACT_GAPS_MAX);
    cJSON_ArrayForEach(it, gaps)
    {
        struct al_fact_key *k = &g->gaps[g->n_gaps];

        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, "gaps", "gaps[%d] must be an object", g->n_gaps);
        if ((rc = tm_json_i64(it, "store_id", 1, ID_MAX, &k->store_id, err)) != TM_OK ||
            (rc = tm_json_i64(it, "product_id", 1, ID_MAX, &k->product_id, err)) != TM_OK)
            return rc;
        g->n_gaps++;
    }
    return TM_OK;
}

static enum tm_code
decode_stores(const cJSON *arr, struct al_fact_forecast *f, struct tm_err *err)
{
    const cJSON *it;
    enum tm_code rc;

    if (!arr)
        return TM_OK;
    f->has_stores = 1;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > AL_FACT_STORES_MAX)
        return tm_err_set(err, TM_INVALID, "stores", "stores must be an array of at most %d",
                          AL_FACT_STORES_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        struct al_fact_store_demand *s = &f->stores[f->n_stores];

        if (!cJSON_IsObject(it))
            return tm_err_set(err, TM_INVALID, "stores", "stores[%d] must be an object",
                              f->n_stores);
        if ((rc = tm_json_i64(it, "store_id", 1, ID_MAX, &s->store_id, err)) != TM_OK ||
            (rc = num(it, "daily_mean", 0, DEMAND_MAX, &s->daily_mean, err)) != TM_OK ||
            (rc = num(it, "daily_upper", 0, DEMAND_MAX, &s->daily_upper, err)) != TM_OK)
            return rc;
        f->n_stores++;
    }
    return TM_OK;
}

static enum tm_code
decode_forecast(const cJSON *d, struct al_fact_forecast *f, struct tm_err *err)
{
    const cJSON *model = tm_json_member(d, "model");
    enum tm_code rc;

    if ((rc = tm_json_i64(d, "product_id", 1, ID_MAX, &f->product_id, err)) != TM_OK ||
        (rc = opt_id(d, "category_id", &f->category_id, err)) != TM_OK)
        return rc;
    if (tm_json_member(d, "mase")) {
        if ((rc = num(d, "mase", 0, 1e9, &f->mase, err)) != TM_OK)
            return rc;
        f->has_mase = 1;
    }
    if (model && (rc = tm_json_as_str(model, "model", 0, AL_FACT_MODEL_MAX - 1, f->model,
                                      sizeof f->model, err)) != TM_OK)
        return rc;
    return decode_stores(tm_json_member(d, "stores"), f, err);
}

static enum tm_code
decode_product(const cJSON *d, struct al_fact_product *p, struct tm_err *err)
{
    enum tm_code rc = tm_json_i64(d, "id", 1, ID_MAX, &p->product_id, err);

    return rc == TM_OK ? opt_id(d, "category_id", &p->category_id, err) : rc;
}

/* A Transaction: waiting when completed, flagged review, its review not done. */
static enum tm_code
decode_sale(const char *topic, const cJSON *d, struct al_fact_sale *s, struct tm_err *err)
{
    const cJSON *fraud = tm_json_member(d, "fraud");
    int status, decision = 0;
    struct tm_time at;
    enum tm_code rc;

    if ((rc = tm_json_i64(d, "id", 1, ID_MAX, &s->txn_id, err)) != TM_OK ||
        (rc = tm_json_i64(d, "store_id", 1, ID_MAX, &s->store_id, err)) != TM_OK ||
        (rc = tm_json_enum(d, "status", sale_statuses, &status, err)) != TM_OK)
        return rc;
    if (fraud && (!cJSON_IsObject(fraud) ||
                  (rc = tm_json_enum(fraud, "decision", decisions, &decision, err)) != TM_OK))
        return rc != TM_OK ? rc : tm_err_set(err, TM_INVALID, "fraud", "fraud must be an object");
    if (!is(topic, TM_TOPIC_TXN_CREATED) || status != 0 || decision != 1 ||
        tm_json_member(d, "review"))
        return TM_OK; /* not waiting (any more) */
    if ((rc = tm_json_as_time(tm_json_member(d, "created_at"), "created_at", &at, err)) != TM_OK)
        return rc;
    s->waiting = 1;
    s->since_ms = at.epoch_ms;
    return TM_OK;
}

static enum tm_code
decode_po(const cJSON *d, struct al_fact_po *p, struct tm_err *err)
{
    const cJSON *po = tm_json_member(d, "purchase_order"), *exp;
    int status;
    enum tm_code rc;

    if (!cJSON_IsObject(po))
        return tm_err_set(err, TM_INVALID, "purchase_order", "purchase_order must be an object");
    if ((rc = tm_json_i64(po, "id", 1, ID_MAX, &p->po_id, err)) != TM_OK ||
        (rc = tm_json_i64(po, "store_id", 1, ID_MAX, &p->store_id, err)) != TM_OK ||
        (rc = tm_json_i64(po, "supplier_id", 1, ID_MAX, &p->supplier_id, err)) != TM_OK ||
        (rc = tm_json_enum(po, "status", po_statuses, &status, err)) != TM_OK)
        return rc;
    snprintf(p->status, sizeof p->status, "%s", po_statuses[status]);
    p->open = strcmp(p->status, "received") != 0 && strcmp(p->status, "cancelled") != 0;
    if ((exp = tm_json_member(po, "expected_delivery")) != NULL) {
        struct tm_time t;

        if ((rc = tm_json_as_str(exp, "expected_delivery", 10, 10, p->expected, sizeof p->expected,
                                 err)) != TM_OK ||
            (rc = tm_time_parse(p->expected, "expected_delivery", &t, err)) != TM_OK)
            return rc;
        p->expected_end_ms = t.epoch_ms + 86400000LL;
    }
    return TM_OK;
}

static enum tm_code
decode_circuit(const cJSON *d, struct al_fact_circuit *c, struct tm_err *err)
{
    const cJSON *inst = tm_json_member(d, "instance");
    int to;
    enum tm_code rc;

    if ((rc = tm_json_i64(d, "supplier_id", 1, ID_MAX, &c->supplier_id, err)) != TM_OK ||
        (rc = tm_json_enum(d, "to", circuit_states, &to, err)) != TM_OK)
        return rc;
    if (inst && (rc = tm_json_as_str(inst, "instance", 0, AL_FACT_INSTANCE_MAX - 1, c->instance,
                                     sizeof c->instance, err)) != TM_OK)
        return rc;
    c->open = to != 0; /* half open is on trial: not back yet */
    return TM_OK;
}

static enum tm_code
decode_job(const cJSON *it, int i, struct al_fact_job *j, struct tm_err *err)
{
    const cJSON *last, *e;
    int64_t n;

    if (!cJSON_IsObject(it))
        return tm_err_set(err, TM_INVALID, "items", "items[%d] must be an object", i);
    if (tm_json_str(it, "name", 1, AL_FACT_JOB_NAME_MAX - 1, j->name, sizeof j->name, NULL) !=
            TM_OK ||
        strspn(j->name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(j->name))
        return tm_err_set(err, TM_INVALID, "name", "items[%d].name must be a job's name", i);
    if (tm_json_i64(it, "failed_in_a_row", 0, 1000000000, &n, NULL) != TM_OK)
        return tm_err_set(err, TM_INVALID, "failed_in_a_row",
                          "items[%d].failed_in_a_row must be an integer in [0, 10^9]", i);
    j->failed_in_a_row = (int)n;
    last = tm_json_member(it, "last_run");
    e = cJSON_IsObject(last) ? tm_json_member(last, "error") : NULL;
    if (cJSON_IsString(e) && tm_json_as_str(e, "error", 0, AL_FACT_JOB_ERROR_MAX - 1, j->last_error,
                                            sizeof j->last_error, NULL) != TM_OK)
        j->last_error[0] = '\0'; /* too long or not UTF-8: not shown */
    return TM_OK;
}

enum tm_code
al_fact_jobs_decode(const cJSON *doc, struct al_fact_jobs *out, struct tm_err *err)
{
    const cJSON *items = cJSON_IsObject(doc) ? tm_json_member(doc, "items") : NULL, *it;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) > AL_FACT_JOBS_MAX)
        return tm_err_set(err, TM_INVALID, "items", "items must be an array of at most %d",
                          AL_FACT_JOBS_MAX);
    cJSON_ArrayForEach(it, items)
    {
        if ((rc = decode_job(it, out->n, &out->jobs[out->n], err)) != TM_OK) {
            out->n = 0;
            return rc;
        }
        out->n++;
    }
    return TM_OK;
}

static enum tm_code
dispatch(const char *topic, const cJSON *d, struct al_fact *out, struct tm_err *err)
{
    struct al_fact *f = out;

    if (is(topic, TM_TOPIC_STOCK_CHANGED))
        return f->type = AL_FACT_LEVEL, decode_level(d, &f->u.level, err);
    if (is(topic, TM_TOPIC_STOCK_LEDGER_MISMATCH))
        return f->type = AL_FACT_LEDGER, decode_ledger(d, &f->u.ledger, err);
    if (is(topic, TM_TOPIC_FORECAST_UPDATED))
        return f->type = AL_FACT_FORECAST, decode_forecast(d, &f->u.forecast, err);
    if (is(topic, TM_TOPIC_PRODUCT_CREATED) || is(topic, TM_TOPIC_PRODUCT_UPDATED))
        return f->type = AL_FACT_PRODUCT, decode_product(d, &f->u.product, err);
    if (is(topic, TM_TOPIC_TXN_CREATED) || is(topic, TM_TOPIC_TXN_REVIEWED) ||
        is(topic, TM_TOPIC_TXN_VOIDED))
        return f->type = AL_FACT_SALE, decode_sale(topic, d, &f->u.sale, err);
    if (is(topic, TM_TOPIC_PO_CREATED) || is(topic, TM_TOPIC_PO_SENT) ||
        is(topic, TM_TOPIC_PO_CONFIRMED) || is(topic, TM_TOPIC_PO_RECEIPT) ||
        is(topic, TM_TOPIC_PO_CANCELLED))
        return f->type = AL_FACT_PO, decode_po(d, &f->u.po, err);
    if (is(topic, TM_TOPIC_SUPPLIER_API_CIRCUIT))
        return f->type = AL_FACT_CIRCUIT, decode_circuit(d, &f->u.circuit, err);
    return TM_OK;
}

enum tm_code
al_fact_decode(const char *topic, const cJSON *data, struct al_fact *out, struct tm_err *err)
{
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(data))
        return tm_err_set(err, TM_INVALID, "data", "an event's data must be an object");
    if ((rc = dispatch(topic, data, out, err)) != TM_OK)
        out->type = AL_FACT_NONE;
    return rc;
}
