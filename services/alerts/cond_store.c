/* services/alerts/cond_store.c — rules over one entity, evaluated
 * (cond_store.h). The subscriber calls it for each entity an event changes,
 * the evaluate job for what the clock alone changes; both lock the
 * condition row first, so two evaluations of one condition never interleave
 * and an alert fires once per crossing even with several instances. */
#include "services/alerts/cond_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#define RULES_MAX 200 /* rules covering one entity, at most (more are logged and left) */
#define DETAILS_MAX 4096

static const char *const kind_titles[AL_KIND_COUNT] = {"Out of stock",
                                                       "Low stock",
                                                       "Overstock",
                                                       "Slow moving",
                                                       "Demand spike",
                                                       "Forecast accuracy drop",
                                                       "Sale waiting for review",
                                                       "Supplier API down",
                                                       "Purchase order overdue",
                                                       "Stock ledger mismatch",
                                                       "Job failing"};

unsigned
al_entity_kinds(enum al_entity_type t)
{
    switch (t) {
    case AL_ENT_LEVEL:
        return 1u << AL_KIND_STOCK_OUT | 1u << AL_KIND_LOW_STOCK | 1u << AL_KIND_OVERSTOCK |
               1u << AL_KIND_SLOW_MOVING | 1u << AL_KIND_DEMAND_SPIKE;
    case AL_ENT_PRODUCT:
        return 1u << AL_KIND_FORECAST_ACCURACY;
    case AL_ENT_SALE:
        return 1u << AL_KIND_REVIEW_WAITING;
    case AL_ENT_SUPPLIER:
        return 1u << AL_KIND_SUPPLIER_API_DOWN;
    case AL_ENT_PO:
        return 1u << AL_KIND_PO_OVERDUE;
    case AL_ENT_JOB:
        return 1u << AL_KIND_JOB_FAILING;
    }
    return 0;
}

void
al_entity_key(const struct al_entity *e, char *key)
{
    const size_t n = AL_KEY_MAX + 1;

    switch (e->type) {
    case AL_ENT_LEVEL:
        snprintf(key, n, "store:%" PRId64 ":product:%" PRId64, e->store_id, e->product_id);
        break;
    case AL_ENT_PRODUCT:
        snprintf(key, n, "product:%" PRId64, e->product_id);
        break;
    case AL_ENT_SALE:
        snprintf(key, n, "txn:%" PRId64, e->id);
        break;
    case AL_ENT_SUPPLIER:
        snprintf(key, n, "supplier:%" PRId64, e->id);
        break;
    case AL_ENT_PO:
        snprintf(key, n, "po:%" PRId64, e->id);
        break;
    case AL_ENT_JOB:
        snprintf(key, n, "job:%s:%s", e->service, e->job);
        break;
    }
}

/* The entity as people read it, for the alert's title. */
static void
entity_label(const struct al_entity *e, char *out, size_t size)
{
    switch (e->type) {
    case AL_ENT_LEVEL:
        snprintf(out, size, "product %" PRId64 " at store %" PRId64, e->product_id, e->store_id);
        break;
    case AL_ENT_PRODUCT:
        snprintf(out, size, "product %" PRId64, e->product_id);
        break;
    case AL_ENT_SALE:
        snprintf(out, size, "sale %" PRId64 " at store %" PRId64, e->id, e->store_id);
        break;
    case AL_ENT_SUPPLIER:
        snprintf(out, size, "supplier %" PRId64, e->id);
        break;
    case AL_ENT_PO:
        snprintf(out, size, "purchase order %" PRId64 " (store %" PRId64 ")", e->id, e->store_id);
        break;
    case AL_ENT_JOB:
        snprintf(out, size, "%s job %s", e->service, e->job);
        break;
    }
}

/* ---- rules ------------------------------------------------------------- */

/* A param as a number, -1 when absent or not a number. */
#define PARAM(name)                                                                                \
    "CASE WHEN jsonb_typeof(params->'" name "') = 'number' THEN (params->>'" name                  \
    "')::float8 ELSE -1 END"

/* The current active rules of some kinds whose scope may cover an entity,
 * their params in struct al_params' order; at most RULES_MAX. */
/* clang-format off */
static const char rules_sql[] =
    "SELECT id, version, kind, COALESCE(store_id, 0), COALESCE(category_id, 0),"
    " COALESCE(product_id, 0), "
    PARAM("days_of_cover") ", "
    PARAM("critical_days") ", "
    PARAM("days") ", "
    PARAM("factor") ", "
    PARAM("mase") ", "
    PARAM("minutes") ", "
    PARAM("grace_days") ", "
    PARAM("failures") ","
    " pending_s, severity, cooldown_s, COALESCE(policy_id, 0)"
    " FROM alerts.current_rules"
    " WHERE active AND kind = ANY ($1::text[]) AND ($2::bigint = 0 OR id = $2)"
    " AND (store_id IS NULL OR store_id = $3) AND (category_id IS NULL OR category_id = $4)"
    " AND (product_id IS NULL OR product_id = $5)"
    " ORDER BY id LIMIT $6::integer"; /* RULES_MAX */
/* clang-format on */

static double
col_f64(const PGresult *r, int row, int col)
{
    double v = -1;

    if (sscanf(tm_db_str(r, row, col), "%lf", &v) != 1)
        v = -1;
    return v;
}

static void
rule_row(const PGresult *r, int row, void *out)
{
    struct al_rule *ru = out;
    enum al_kind k = AL_KIND_STOCK_OUT;
    enum al_severity sev = AL_SEV_HIGH;

    memset(ru, 0, sizeof *ru);
    ru->id = tm_db_i64(r, row, 0);
    ru->version = (int)tm_db_i64(r, row, 1);
    (void)al_kind_parse(tm_db_str(r, row, 2), &k);
    ru->kind = k;
    ru->store_id = tm_db_i64(r, row, 3);
    ru->category_id = tm_db_i64(r, row, 4);
    ru->product_id = tm_db_i64(r, row, 5);
    ru->params.days_of_cover = col_f64(r, row, 6);
    ru->params.critical_days = col_f64(r, row, 7);
    ru->params.days = col_f64(r, row, 8);
    ru->params.factor = col_f64(r, row, 9);
    ru->params.mase = col_f64(r, row, 10);
    ru->params.minutes = col_f64(r, row, 11);
    ru->params.grace_days = col_f64(r, row, 12);
    ru->params.failures = col_f64(r, row, 13);
    ru->pending_s = (int)tm_db_i64(r, row, 14);
    (void)al_severity_parse(tm_db_str(r, row, 15), &sev);
    ru->severity = sev;
    ru->cooldown_s = (int)tm_db_i64(r, row, 16);
    ru->policy_id = tm_db_i64(r, row, 17);
    ru->active = 1;
}

/* kinds as a text[] literal, "{stock_out,low_stock}", into out[size]. */
static void
kinds_literal(unsigned kinds, char *out, size_t size)
{
    size_t len = 0;

    out[len++] = '{';
    for (int k = 0; k < AL_KIND_COUNT; k++)
        if (kinds & 1u << k) {
            int n = snprintf(out + len, size - len, "%s%s", len > 1 ? "," : "",
                             al_kind_name((enum al_kind)k));

            if (n > 0 && (size_t)n < size - len)
                len += (size_t)n;
        }
    snprintf(out + len, size - len, "}");
}

static enum tm_code
load_rules(PGconn *db, const struct al_entity *e, unsigned kinds, int64_t rule_id,
           struct al_rule *rules, int *n, struct tm_err *err)
{
    char lit[256];
    struct tm_db_int id, st, cat, prod, lim;
    const char *p[6];

    kinds_literal(kinds, lit, sizeof lit);
    p[0] = lit;
    p[1] = tm_db_int(&id, rule_id);
    p[2] = tm_db_int(&st, e->store_id);
    p[3] = tm_db_int(&cat, e->category_id);
    p[4] = tm_db_int(&prod, e->product_id);
    p[5] = tm_db_int(&lim, RULES_MAX); /* the LIMIT: rules[] holds RULES_MAX */
    return tm_db_many(db, rules_sql, 6, p, rule_row, rules, sizeof *rules, n, err);
}

/* ---- conditions -------------------------------------------------------- */

#define MS(col) "COALESCE((extract(epoch FROM " col ") * 1000)::bigint, 0)"

static void
cond_row(const PGresult *r, int row, void *out)
{
    struct al_cond *c = out;

    c->holds = tm_db_bool(r, row, 0);
    c->since_ms = tm_db_i64(r, row, 1);
    c->alert_id = tm_db_i64(r, row, 2);
    c->last_fired_ms = tm_db_i64(r, row, 3);
}

/* Condition (rule, key) locked into *c; TM_NOTFOUND when there is none. */
static enum tm_code
cond_lock(PGconn *db, int64_t rule_id, const char *key, struct al_cond *c, struct tm_err *err)
{
    struct tm_db_int id;
    const char *p[2] = {tm_db_int(&id, rule_id), key};

    return tm_db_one(db,
                     "SELECT holds, " MS("since") ", COALESCE(alert_id, 0), " MS(
                         "last_fired_at") " FROM alerts.conditions"
                                          " WHERE rule_id = $1 AND dedup_key = $2 FOR UPDATE",
                     2, p, cond_row, c, "condition", err);
}

static enum tm_code
cond_insert(PGconn *db, int64_t rule_id, const char *key, const struct al_entity *e,
            struct tm_err *err)
{
    struct tm_db_int id, st, cat, prod;
    const char *p[5] = {tm_db_int(&id, rule_id), key, tm_db_int(&st, e->store_id),
                        tm_db_int(&cat, e->category_id), tm_db_int(&prod, e->product_id)};

    return tm_db_exec(db,
                      "INSERT INTO alerts.conditions (rule_id, dedup_key, store_id, category_id,"
                      " product_id, holds) VALUES ($1, $2, NULLIF($3::bigint, 0),"
                      " NULLIF($4::bigint, 0), NULLIF($5::bigint, 0), false)"
                      " ON CONFLICT (rule_id, dedup_key) DO NOTHING",
                      5, p, NULL, err);
}

#define TS(param) "CASE WHEN " param "::bigint > 0 THEN to_timestamp(" param "::float8 / 1000) END"

static enum tm_code
cond_update(PGconn *db, int64_t rule_id, const char *key, const struct al_entity *e,
            const struct al_cond *c, const char *observed, struct tm_err *err)
{
    struct tm_db_int id, since, alert, fired, st, cat, prod;
    const char *p[10] = {tm_db_int(&id, rule_id),
                         key,
                         c->holds ? "true" : "false",
                         tm_db_int(&since, c->since_ms),
                         tm_db_int(&alert, c->alert_id > 0 ? c->alert_id : 0),
                         tm_db_int(&fired, c->last_fired_ms),
                         observed,
                         tm_db_int(&st, e->store_id),
                         tm_db_int(&cat, e->category_id),
                         tm_db_int(&prod, e->product_id)};

    return tm_db_exec(
        db,
        "UPDATE alerts.conditions SET holds = $3::boolean, since = " TS(
            "$4") ", alert_id = NULLIF($5::bigint, 0), last_fired_at = " TS("$6") ","
                                                                                  " observed = "
                                                                                  "$7::jsonb, "
                                                                                  "store_id = "
                                                                                  "NULLIF($8::"
                                                                                  "bigint, 0),"
                                                                                  " category_id = "
                                                                                  "NULLIF($9::"
                                                                                  "bigint, 0),"
                                                                                  " product_id = "
                                                                                  "NULLIF($10::"
                                                                                  "bigint, 0), "
                                                                                  "updated_at = "
                                                                                  "now()"
                                                                                  " WHERE rule_id "
                                                                                  "= $1 AND "
                                                                                  "dedup_key = $2",
        10, p, NULL, err);
}

/* The open alert of (rule, key), 0 when none. */
static enum tm_code
open_alert(PGconn *db, int64_t rule_id, const char *key, int64_t *out, struct tm_err *err)
{
    struct tm_db_int id;
    const char *p[2] = {tm_db_int(&id, rule_id), key};

    return tm_db_i64_one(db,
                         "SELECT COALESCE(max(id), 0) FROM alerts.alerts WHERE rule_id = $1"
                         " AND dedup_key = $2 AND state <> 'resolved'",
                         2, p, out, err);
}

/* ---- details ----------------------------------------------------------- */

/* The entity's inputs, members of the object being written to b. */
static enum tm_code
inputs_json(struct tm_buf *b, const struct al_entity *e)
{
    const struct al_facts *f = &e->facts;
    char t[40];
    enum tm_code rc = TM_OK;

    switch (e->type) {
    case AL_ENT_LEVEL:
        if ((rc = tm_json_kv_i64(b, "on_hand", f->on_hand)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "available", f->available)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "reorder_point", f->reorder_point)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "sold_today", f->sold_today)) == TM_OK &&
            (rc = tm_json_kv_f64(b, "daily_mean", f->has_forecast ? f->daily_mean : 0.0 / 0.0, 3,
                                 0)) == TM_OK)
            rc = tm_json_kv_f64(b, "daily_upper", f->has_forecast ? f->daily_upper : 0.0 / 0.0, 3,
                                0);
        if (rc == TM_OK) {
            tm_iso8601(f->last_sale_ms, t, sizeof t);
            rc = tm_json_kv_opt_str(b, "last_sale_at", f->last_sale_ms ? t : NULL);
        }
        return rc;
    case AL_ENT_PRODUCT:
        return tm_json_kv_f64(b, "mase", f->has_mase ? f->mase : 0.0 / 0.0, 3, 0);
    case AL_ENT_SALE:
        tm_iso8601(f->waiting_since_ms, t, sizeof t);
        return tm_json_kv_opt_str(b, "waiting_since", f->waiting_since_ms ? t : NULL);
    case AL_ENT_SUPPLIER:
        return tm_json_kv_bool(b, "circuit_open", f->circuit_open);
    case AL_ENT_PO:
        tm_iso8601(f->po_expected_end_ms - 86400000LL, t, sizeof t);
        t[10] = '\0';
        if ((rc = tm_json_kv_bool(b, "open", f->po_open)) == TM_OK)
            rc = tm_json_kv_opt_str(b, "expected_delivery", f->po_expected_end_ms ? t : NULL);
        return rc;
    case AL_ENT_JOB:
        if ((rc = tm_json_kv_i64(b, "failed_in_a_row", f->failed_in_a_row)) == TM_OK)
            rc = tm_json_kv_opt_str(b, "last_error", e->last_error);
        return rc;
    }
    return rc;
}

/* {"what","observed","threshold","holds","inputs":{"key",...}} of
 * observation o on e (key). */
static enum tm_code
details_json(struct tm_buf *b, const struct al_entity *e, const char *key,
             const struct al_observation *o)
{
    enum tm_code rc;

    if ((rc = tm_buf_adds(b, "{")) == TM_OK &&
        (rc = tm_json_kv_str(b, "what", o->what, 1)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "observed", o->observed, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_f64(b, "threshold", o->threshold, 3, 0)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "holds", o->holds)) == TM_OK &&
        (rc = tm_buf_adds(b, ",\"inputs\":{")) == TM_OK &&
        (rc = tm_json_kv_str(b, "key", key, 1)) == TM_OK && (rc = inputs_json(b, e)) == TM_OK)
        rc = tm_buf_adds(b, "}}");
    return rc;
}

/* ---- evaluation -------------------------------------------------------- */

/* Fires rule r's alert for e: *alert_id is its id (the open one when the
 * rule already has an alert open for the key, which a condition row lost
 * track of). */
static enum tm_code
fire(PGconn *db, const struct al_rule *r, const struct al_entity *e, const char *key,
     const struct al_observation *o, const char *details, int64_t *alert_id, struct tm_err *err)
{
    struct al_new_alert a;
    char label[160];
    struct tm_err e2 = {0};
    enum tm_code rc;

    memset(&a, 0, sizeof a);
    a.rule_id = r->id;
    a.rule_version = r->version;
    a.kind = al_kind_name(r->kind);
    snprintf(a.dedup_key, sizeof a.dedup_key, "%s", key);
    a.severity = o->severity;
    entity_label(e, label, sizeof label);
    snprintf(a.title, sizeof a.title, "%s: %s", kind_titles[r->kind], label);
    a.details_json = details;
    a.store_id = e->store_id;
    a.category_id = e->category_id;
    a.product_id = e->product_id;
    a.policy_id = r->policy_id;
    a.actor = "system";
    rc = al_db_fire(db, &a, alert_id, NULL, &e2);
    if (rc == TM_CONFLICT) {
        tm_log_warn(NULL, "alert_open_already", "rule=%" PRId64 " key=%s", r->id, key);
        return open_alert(db, r->id, key, alert_id, err);
    }
    if (rc != TM_OK && err)
        *err = e2;
    return rc;
}

/* Rule r over e: evaluates, steps its condition and acts. */
static enum tm_code
eval_rule(PGconn *db, const struct al_rule *r, const struct al_entity *e, const char *key,
          int64_t *changed, struct tm_err *err)
{
    struct al_observation o;
    struct al_cond c = {0}, next;
    struct tm_buf details;
    enum al_action act;
    enum tm_code rc;
    int have;

    al_evaluate(r, &e->facts, &o);
    rc = cond_lock(db, r->id, key, &c, err);
    if (rc != TM_OK && rc != TM_NOTFOUND)
        return rc;
    have = rc == TM_OK;
    if (!have)
        tm_err_clear(err); /* no row is an answer, not an error */
    if (!have && !o.holds)
        return TM_OK; /* never held: no row for it */
    if (!have && ((rc = cond_insert(db, r->id, key, e, err)) != TM_OK ||
                  (rc = cond_lock(db, r->id, key, &c, err)) != TM_OK))
        return rc;
    if (r->kind == AL_KIND_LEDGER_MISMATCH && o.holds && al_ledger_reported_again(&c, &e->facts))
        c.holds = 0; /* resolved by hand, reported again: a new crossing */
    act = al_step(r, &c, o.holds, e->facts.now_ms, &next);
    if (act == AL_ACT_NONE && !o.holds && !c.holds)
        return TM_OK;
    tm_buf_init(&details, DETAILS_MAX);
    if ((rc = details_json(&details, e, key, &o)) != TM_OK) {
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "alert details too large");
        goto out;
    }
    if (act == AL_ACT_FIRE)
        rc = fire(db, r, e, key, &o, details.p, &next.alert_id, err);
    else if (act == AL_ACT_RESOLVE && c.alert_id > 0) {
        rc = al_db_resolve(db, c.alert_id, "system", 1, "the condition cleared", NULL, err);
        if (rc == TM_CONFLICT || rc == TM_NOTFOUND) { /* resolved or deleted meanwhile */
            tm_err_clear(err);
            rc = TM_OK;
        }
    }
    if (rc == TM_OK)
        rc = cond_update(db, r->id, key, e, &next, details.p, err);
    if (rc == TM_OK && changed && act != AL_ACT_NONE)
        (*changed)++;
out:
    tm_buf_fini(&details);
    return rc;
}

enum tm_code
al_cond_eval(PGconn *db, const struct al_entity *e, unsigned kinds, int64_t rule_id,
             int64_t *changed, struct tm_err *err)
{
    struct al_rule *rules = NULL;
    char key[AL_KEY_MAX + 1];
    int n = 0;
    enum tm_code rc;

    kinds &=
        al_entity_kinds(e->type) | (e->type == AL_ENT_LEVEL ? 1u << AL_KIND_LEDGER_MISMATCH : 0u);
    if (!kinds)
        return TM_OK;
    rules = tm_xcalloc(RULES_MAX, sizeof *rules);
    if ((rc = load_rules(db, e, kinds, rule_id, rules, &n, err)) != TM_OK)
        goto out;
    if (n == RULES_MAX)
        tm_log_warn(NULL, "alert_rules_capped", "more than %d rules cover one entity", RULES_MAX);
    al_entity_key(e, key);
    for (int i = 0; i < n && rc == TM_OK; i++)
        if (al_rule_covers(&rules[i], e->store_id, e->category_id, e->product_id))
            rc = eval_rule(db, &rules[i], e, key, changed, err);
out:
    free(rules);
    return rc;
}

/* ---- what the clock changes ------------------------------------------- */

static void
ref_row(const PGresult *r, int row, void *out)
{
    struct al_cond_ref *ref = out;
    enum al_kind k = AL_KIND_STOCK_OUT;

    memset(ref, 0, sizeof *ref);
    ref->rule_id = tm_db_i64(r, row, 0);
    (void)al_kind_parse(tm_db_str(r, row, 1), &k);
    ref->kind = k;
    tm_db_copy(ref->dedup_key, sizeof ref->dedup_key, r, row, 2);
    ref->store_id = tm_db_i64(r, row, 3);
    ref->product_id = tm_db_i64(r, row, 4);
    ref->id = tm_db_i64(r, row, 5);
}

/* the number after the key's last ':' ("txn:88" → 88), 0 when none */
#define KEY_ID "COALESCE(substring(c.dedup_key FROM ':([0-9]{1,15})$')::bigint, 0)"

/* the time a holding condition c of rule r may fire: its pending period
 * and its cooldown both over */
/* rule r's scope covers condition c's entity (as al_rule_covers) */
#define COVERS_COND                                                                                \
    "((r.store_id IS NULL OR r.store_id = c.store_id)"                                             \
    " AND (r.category_id IS NULL OR r.category_id = c.category_id)"                                \
    " AND (r.product_id IS NULL OR r.product_id = c.product_id))"
#define DUE                                                                                        \
    "GREATEST(c.since + make_interval(secs => r.pending_s),"                                       \
    " c.last_fired_at + make_interval(secs => r.cooldown_s))"

enum tm_code
al_cond_db_pending(PGconn *db, struct al_cond_ref *refs, int *n, struct tm_err *err)
{
    struct tm_db_int lim;
    const char *p[1] = {tm_db_int(&lim, AL_COND_BATCH)};

    /* only the due ones, so conditions still pending or cooling down (any
     * number of them) never stand in the way of one that is due */
    return tm_db_many(db,
                      "SELECT c.rule_id, r.kind, c.dedup_key, COALESCE(c.store_id, 0),"
                      " COALESCE(c.product_id, 0), " KEY_ID
                      " FROM alerts.conditions c JOIN alerts.current_rules r ON r.id = c.rule_id"
                      " WHERE c.holds AND c.alert_id IS NULL AND r.active AND " COVERS_COND
                      " AND (c.last_fired_at IS NULL OR c.last_fired_at < c.since)"
                      " AND " DUE " <= now()"
                      " ORDER BY " DUE ", c.rule_id, c.dedup_key LIMIT $1::integer",
                      1, p, ref_row, refs, sizeof *refs, n, err);
}

enum tm_code
al_cond_db_spike_rollover(PGconn *db, struct al_cond_ref *refs, int *n, struct tm_err *err)
{
    struct tm_db_int lim;
    const char *p[1] = {tm_db_int(&lim, AL_COND_BATCH)};

    return tm_db_many(db,
                      "SELECT c.rule_id, r.kind, c.dedup_key, c.store_id, c.product_id, 0"
                      " FROM alerts.conditions c JOIN alerts.current_rules r ON r.id = c.rule_id"
                      " JOIN alerts.levels l ON l.store_id = c.store_id"
                      " AND l.product_id = c.product_id"
                      " WHERE c.holds AND r.active AND r.kind = 'demand_spike'"
                      " AND l.sold_day IS DISTINCT FROM (now() AT TIME ZONE 'UTC')::date"
                      " ORDER BY c.rule_id, c.dedup_key LIMIT $1::integer",
                      1, p, ref_row, refs, sizeof *refs, n, err);
}

enum tm_code
al_cond_db_stale(PGconn *db, struct al_cond_ref *refs, int *n, struct tm_err *err)
{
    struct tm_db_int lim;
    const char *p[1] = {tm_db_int(&lim, AL_COND_BATCH)};

    return tm_db_many(db,
                      "SELECT c.rule_id, COALESCE(r.kind, ''), c.dedup_key,"
                      " COALESCE(c.store_id, 0), COALESCE(c.product_id, 0), 0"
                      " FROM alerts.conditions c LEFT JOIN alerts.current_rules r"
                      " ON r.id = c.rule_id WHERE (c.holds OR c.alert_id IS NOT NULL)"
                      " AND (r.id IS NULL OR NOT r.active OR NOT " COVERS_COND ")"
                      " ORDER BY c.rule_id, c.dedup_key LIMIT $1::integer",
                      1, p, ref_row, refs, sizeof *refs, n, err);
}

enum tm_code
al_cond_clear(PGconn *db, const struct al_cond_ref *ref, int64_t *changed, struct tm_err *err)
{
    struct al_cond c = {0};
    struct tm_db_int id;
    const char *p[2] = {tm_db_int(&id, ref->rule_id), ref->dedup_key};
    enum tm_code rc = cond_lock(db, ref->rule_id, ref->dedup_key, &c, err);

    if (rc == TM_NOTFOUND) { /* gone meanwhile */
        tm_err_clear(err);
        return TM_OK;
    }
    if (rc == TM_OK && c.alert_id > 0) {
        rc = al_db_resolve(db, c.alert_id, "system", 1, "the rule no longer covers it", NULL, err);
        if (rc == TM_CONFLICT || rc == TM_NOTFOUND) { /* resolved or deleted meanwhile */
            tm_err_clear(err);
            rc = TM_OK;
        }
    }
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "UPDATE alerts.conditions SET holds = false, since = NULL,"
                        " alert_id = NULL, updated_at = now() WHERE rule_id = $1"
                        " AND dedup_key = $2",
                        2, p, NULL, err);
    if (rc == TM_OK && changed)
        (*changed)++;
    return rc;
}

/* a rule's scope covers a level l */
#define COVERS_LEVEL                                                                               \
    "(r.store_id IS NULL OR r.store_id = l.store_id)"                                              \
    " AND (r.category_id IS NULL OR r.category_id = l.category_id)"                                \
    " AND (r.product_id IS NULL OR r.product_id = l.product_id)"
#define NOT_HOLDING(key)                                                                           \
    " AND NOT EXISTS (SELECT 1 FROM alerts.conditions c WHERE c.rule_id = r.id"                    \
    " AND c.dedup_key = " key " AND c.holds)"
/* absent_sql's limit, the batch refs[] holds */
#define ABSENT_LIMIT " ORDER BY 1, 3 LIMIT $1::integer"

static const char *const absent_sql[AL_KIND_COUNT] = {
    [AL_KIND_SLOW_MOVING] =
        "SELECT r.id, r.kind, 'store:' || l.store_id || ':product:' || l.product_id,"
        " l.store_id, l.product_id, 0"
        " FROM alerts.current_rules r JOIN alerts.levels l ON " COVERS_LEVEL
        " WHERE r.active AND r.kind = 'slow_moving' AND l.on_hand > 0"
        " AND jsonb_typeof(r.params->'days') = 'number'"
        " AND COALESCE(l.last_sale_at, l.first_seen_at)"
        " <= now() - make_interval(secs => (r.params->>'days')::float8 * 86400)" NOT_HOLDING(
            "'store:' || l.store_id || ':product:' || l.product_id") ABSENT_LIMIT,
    [AL_KIND_REVIEW_WAITING] =
        "SELECT r.id, r.kind, 'txn:' || w.txn_id, COALESCE(w.store_id, 0), 0, w.txn_id"
        " FROM alerts.current_rules r JOIN alerts.reviews_waiting w"
        " ON (r.store_id IS NULL OR r.store_id = w.store_id)"
        " WHERE r.active AND r.kind = 'review_waiting' AND r.category_id IS NULL"
        " AND r.product_id IS NULL AND jsonb_typeof(r.params->'minutes') = 'number'"
        " AND w.since < now() - make_interval(secs => (r.params->>'minutes')::float8 * "
        "60)" NOT_HOLDING("'txn:' || w.txn_id") ABSENT_LIMIT,
    [AL_KIND_PO_OVERDUE] =
        "SELECT r.id, r.kind, 'po:' || o.po_id, COALESCE(o.store_id, 0), 0, o.po_id"
        " FROM alerts.current_rules r JOIN alerts.purchase_orders o"
        " ON (r.store_id IS NULL OR r.store_id = o.store_id)"
        " WHERE r.active AND r.kind = 'po_overdue' AND r.category_id IS NULL"
        " AND r.product_id IS NULL AND o.status NOT IN ('received', 'cancelled')"
        " AND o.expected_delivery IS NOT NULL"
        " AND (o.expected_delivery + 1)::timestamp AT TIME ZONE 'UTC' + make_interval(secs =>"
        " CASE WHEN jsonb_typeof(r.params->'grace_days') = 'number'"
        " THEN (r.params->>'grace_days')::float8 ELSE 0 END * 86400) < now()" NOT_HOLDING(
            "'po:' || o.po_id") ABSENT_LIMIT,
};

enum tm_code
al_cond_db_absent(PGconn *db, enum al_kind kind, struct al_cond_ref *refs, int *n,
                  struct tm_err *err)
{
    struct tm_db_int lim;
    const char *p[1] = {tm_db_int(&lim, AL_COND_BATCH)};

    *n = 0;
    if ((unsigned)kind >= AL_KIND_COUNT || !absent_sql[kind])
        return TM_OK;
    return tm_db_many(db, absent_sql[kind], 1, p, ref_row, refs, sizeof *refs, n, err);
}
