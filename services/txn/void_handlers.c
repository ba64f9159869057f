/* services/txn/void_handlers.c — the void of a sale (docs/fraud.md, "A
 * void"). A try runs in three steps, each safe to die after:
 *  1. under the sale's row lock, decide: a decision already recorded (an
 *     earlier try's approve or review, or an overridden decline) is reused,
 *     else the void is scored and its attempt appended to txn.void_attempts;
 *     a decline is answered and stays; anything else is COMMITTED before
 *  2. tm-inventory gives the stock back (idempotent by the sale id), and
 *  3. under the lock again, the sale is marked voided with its event.
 * So a retry after a failure in 2 or 3 finishes the decision of the try
 * that failed and is never scored again. A decline stays a decline (422)
 * until a fraud analyst other than its principal overrides it, even when
 * the stock is found back (the split state is logged, review 24 V1). Step
 * 1 makes no call to tm-inventory: the lock and the transaction are held
 * only across the DB and the Redis counters (review 24 V2). Several tm-txn instances take turns on
 * the row lock; a second try that meets the decision of the first carries it out too (the reversal
 * is idempotent, step 3 happens once). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bus.h"
#include "common/json.h"
#include "common/log.h"
#include "common/perm.h"
#include "common/time.h"
#include "common/topic.h"

#include "services/txn/app.h"
#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/handlers.h"
#include "services/txn/sale.h"
#include "services/txn/txn_store.h"
#include "services/txn/velocity.h"

/* A void being scored: its rule set, result and their JSON. */
struct void_eval {
    struct fr_rule_set rs;
    struct fr_result res;
    int version; /* 0: no rule set, not scored */
    struct tm_buf hits, skipped;
};

/* The facts of voiding the sale t (its customer, store, channel and total),
 * by operator: the voids counted per customer, store and operator in Redis,
 * this one included (once per sale id). */
static void
void_facts(struct tx_app *app, int64_t id, const cJSON *t, const char *operator_id,
           const char *principal, struct fr_facts *f)
{
    struct fr_velocity pv;
    const cJSON *it;
    char sid[40], cust[24] = "", store[24] = "";
    const char *keys[FR_SCOPES] = {NULL};
    struct tm_redis *r;
    struct tm_err e;

    memset(f, 0, sizeof *f);
    f->event = FR_EV_VOID;
    f->ts_s = tm_now_ms() / 1000;
    /* the sale kinds are silent on a void: their facts read as evaluated */
    f->velocity.evaluated = f->inst_attempts.evaluated = f->cust_attempts.evaluated = 1;
    if ((it = cJSON_GetObjectItem(t, "customer_id")) && cJSON_IsNumber(it)) {
        f->has_customer = 1;
        snprintf(cust, sizeof cust, "%.0f", it->valuedouble);
        keys[FR_SCOPE_CUSTOMER] = cust;
    }
    if ((it = cJSON_GetObjectItem(t, "store_id")) && cJSON_IsNumber(it)) {
        f->store_id = (int64_t)it->valuedouble;
        snprintf(store, sizeof store, "%" PRId64, f->store_id);
        keys[FR_SCOPE_STORE] = store;
    }
    if ((it = cJSON_GetObjectItem(t, "total_cents")) && cJSON_IsNumber(it))
        f->total_cents = (int64_t)it->valuedouble;
    if ((it = cJSON_GetObjectItem(t, "channel")) && cJSON_IsString(it))
        f->channel = tx_channel_of(it->valuestring);
    keys[FR_SCOPE_OPERATOR] = operator_id;
    snprintf(sid, sizeof sid, "%" PRId64, id);
    r = tm_redis_pool_get(app->redis, 200);
    if (!r ||
        tx_reversals_add(r, sid, f->ts_s, f->total_cents, f->ts_s, keys, &f->reversals, &e) !=
            TM_OK ||
        tx_reversals_add_principal(r, sid, f->ts_s, f->total_cents, f->ts_s, principal, &pv, &e) !=
            TM_OK) {
        f->reversals.evaluated = 0; /* the void rules are listed as skipped */
        tm_log_warn(NULL, "reversals.unavailable", "sale=%s error=\"%s\"", sid,
                    r ? e.message : "no Redis connection");
    } else { /* the operator rules read the larger of operator and principal */
        for (int w = 0; w < FR_WINDOWS; w++) {
            int64_t *n = &f->reversals.count[FR_SCOPE_OPERATOR][w];
            int64_t *a = &f->reversals.amount[FR_SCOPE_OPERATOR][w];
            *n = *n > pv.count[FR_SCOPE_OPERATOR][w] ? *n : pv.count[FR_SCOPE_OPERATOR][w];
            *a = *a > pv.amount[FR_SCOPE_OPERATOR][w] ? *a : pv.amount[FR_SCOPE_OPERATOR][w];
        }
    }
    tm_redis_pool_put(app->redis, r);
}

/* Scores the void of sale id (t, its document) by operator with the newest rule
 * set's void rules into ve (ve->version 0 when there is no rule set yet:
 * the void is not scored). */
static enum tm_code
score_void(struct tm_ctx *ctx, int64_t id, const cJSON *t, const char *operator_id,
           const char *principal, struct void_eval *ve, struct tm_err *err)
{
    struct tx_app *app = ctx->app;
    struct tx_sale_facts x;
    struct fr_facts f;
    enum tm_code rc;

    memset(&x, 0, sizeof x);
    ve->version = 0;
    rc = tx_db_rules_current(ctx->db, tx_rules_cache_version(&app->rules), &x.version,
                             &x.rules_json, err);
    if (rc == TM_UNAVAIL && x.version == 0)
        return TM_OK; /* no rule set yet: voids go through unscored, as sales cannot */
    if (rc == TM_OK)
        rc = tx_current_rules(app, ctx->db, &x, &ve->rs, err);
    ve->version = x.version;
    tx_sale_facts_fini(&x);
    if (rc != TM_OK)
        return rc;
    void_facts(app, id, t, operator_id, principal, &f);
    fr_score(&ve->rs, &f, &ve->res);
    if (!f.reversals.evaluated && ve->res.n_skipped > 0) /* review 24 V4: fail closed */
        return tm_err_set(
            err, TM_UNAVAIL, NULL,
            "the void counters are unavailable: the void cannot be scored, try again");
    if (tx_encode_result(&ve->rs, &ve->res, &ve->hits, &ve->skipped) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "fraud result too large");
    return TM_OK;
}

/* The 422 `declined` of sale doc (its JSON, whose void_fraud records the
 * decline): details carry the transaction as it stays and how its void was
 * scored. An unreadable record is an error, never a fresh scoring. */
static enum tm_code
decline_answer(struct tm_ctx *ctx, const char *doc, struct tm_reply *rep, struct tm_err *err)
{
    cJSON *t = NULL;
    const cJSON *vf, *sc;
    char *vfs = NULL;
    struct tm_buf d;
    struct tm_err e;
    enum tm_code rc;

    if (tm_json_parse(doc, strlen(doc), TM_JSON_DEPTH_MAX, "transaction", &t, NULL) != TM_OK ||
        !(vf = cJSON_GetObjectItem(t, "void_fraud")) || !(vfs = cJSON_PrintUnformatted(vf))) {
        cJSON_Delete(t);
        return tm_err_set(err, TM_INTERNAL, NULL, "declined void: no void_fraud recorded");
    }
    sc = cJSON_GetObjectItem(vf, "score");
    tm_buf_init(&d, 1 << 20);
    rc = tx_db_too_big(tm_buf_printf(&d, "{\"transaction\":%s,\"void_fraud\":%s}", doc, vfs), err);
    if (rc == TM_OK) {
        free(rep->details);
        rep->details = tm_buf_steal(&d);
        tm_err_set(&e, TM_DECLINED, "id",
                   "void declined: fraud score %.0f reaches the decline threshold (a fraud analyst"
                   " may override it with \"override\": true and a reason)",
                   cJSON_IsNumber(sc) ? sc->valuedouble : 0.0);
        tm_reply_error(rep, &e, ctx->req->id);
    }
    tm_buf_fini(&d);
    cJSON_free(vfs);
    cJSON_Delete(t);
    return rc;
}

/* 1 when the caller may override a declined void (fraud.review, from the
 * verified token). */
static int
may_override(const struct tm_ctx *ctx)
{
    enum tm_role role;

    return tm_role_parse(ctx->req->principal.role, &role) &&
           tm_role_allows(role, TM_PERM_FRAUD_REVIEW);
}

/* A try of the void of sale id. */
struct void_try {
    int64_t id;
    const struct tx_void *v;
    const char *op, *who; /* the operator it names (else who), the principal */
    int64_t deadline_ms;  /* for the calls to tm-inventory */
};

/* Scores the void and appends its attempt. *go: 1 when it goes on (approve
 * or review, or not scored: no rule set yet). */
static enum tm_code
score_and_record(struct tm_ctx *ctx, const struct void_try *vt, const char *doc, int *go,
                 struct tm_err *err)
{
    struct void_eval *ve = tm_xcalloc(1, sizeof *ve);
    cJSON *sale = NULL;
    enum tm_code rc;

    tm_buf_init(&ve->hits, 1 << 16);
    tm_buf_init(&ve->skipped, 1 << 12);
    *go = 0;
    if (tm_json_parse(doc, strlen(doc), TM_JSON_DEPTH_MAX, "transaction", &sale, NULL) != TM_OK) {
        rc = tm_err_set(err, TM_INTERNAL, NULL, "transaction %" PRId64 ": unreadable document",
                        vt->id);
        goto out;
    }
    if ((rc = score_void(ctx, vt->id, sale, vt->op, vt->who, ve, err)) != TM_OK)
        goto out;
    struct tx_void_score vs = {ve->version, ve->res.score, fr_decision_name(ve->res.decision),
                               ve->version ? ve->hits.p : NULL, ve->skipped.p};
    *go = !ve->version || ve->res.decision != FR_DECLINE;
    rc = tx_db_void_attempt(ctx->db, vt->id, vt->op, vt->who, &vs, err);
out:
    cJSON_Delete(sale);
    tm_buf_fini(&ve->hits);
    tm_buf_fini(&ve->skipped);
    free(ve);
    return rc;
}

/* Step 1, in its own transaction under the sale's row lock. *go: 1 when a
 * decision to void is committed, 0 when rep holds the answer (voided
 * already, or declined: then *declined is 1). */
static enum tm_code
decide(struct tm_ctx *ctx, const struct void_try *vt, int *go, int *declined, struct tm_reply *rep,
       struct tm_err *err)
{
    struct tx_void_state st;
    struct tm_buf cur;
    char status[16];
    enum tm_code rc;

    *go = *declined = 0;
    tm_buf_init(&cur, 1 << 20);
    if ((rc = tm_db_begin(ctx->db, err)) != TM_OK)
        goto out;
    if ((rc = tx_sale_for(ctx, vt->id, 1, status, sizeof status, &cur, err)) != TM_OK)
        goto done;
    if (strcmp(status, "voided") == 0) { /* already: the same answer again */
        rc = tx_db_too_big(tm_buf_adds(&rep->body, cur.p), err);
        goto done;
    }
    if (strcmp(status, "completed") != 0) {
        rc = tm_err_set(err, TM_CONFLICT, "id", "a %s sale cannot be voided", status);
        goto done;
    }
    if ((rc = tx_db_void_state(ctx->db, vt->id, &st, err)) != TM_OK)
        goto done;
    /* an earlier try's decision (its stock may be back already): carry it out */
    *go = strcmp(st.last_decision, "approve") == 0 || strcmp(st.last_decision, "review") == 0 ||
          st.overridden;
    if (vt->v->override) {
        if (!may_override(ctx)) {
            rc = tm_err_set(err, TM_FORBIDDEN, "override",
                            "overriding a declined void needs fraud.review");
            goto done;
        }
        if (!*go && strcmp(st.principal, vt->who) == 0) { /* review 24 V5 */
            rc = tm_err_set(err, TM_FORBIDDEN, "override",
                            "a declined void is overridden by another fraud analyst than the one "
                            "who tried it");
            goto done;
        }
        if (!*go)
            rc = tx_db_void_override(ctx->db, vt->id, vt->who, vt->v->reason, err);
        *go = rc == TM_OK;
        snprintf(rep->target, sizeof rep->target, "%" PRId64 " void_override", vt->id);
    } else if (!*go && strcmp(st.sale_decision, "decline") == 0) {
        rc = decline_answer(ctx, cur.p, rep, err); /* stays declined, whoever tries */
        *declined = rc == TM_OK;
    } else if (!*go && (rc = score_and_record(ctx, vt, cur.p, go, err)) == TM_OK && !*go) {
        tm_buf_reset(&cur);
        if ((rc = tx_sale_for(ctx, vt->id, 0, NULL, 0, &cur, err)) == TM_OK)
            rc = decline_answer(ctx, cur.p, rep, err);
        *declined = rc == TM_OK;
    }
done:
    if (rc == TM_OK)
        rc = tm_db_commit(ctx->db, err);
    else
        tm_db_rollback(ctx->db);
    if (rc != TM_OK)
        *go = *declined = 0;
out:
    tm_buf_fini(&cur);
    return rc;
}

/* After a committed decline of sale id, outside any transaction: when
 * tm-inventory says its stock is back (a reversal behind tm-txn's back, or a
 * try from before decisions were recorded), the sale is split, completed
 * here and returned on the shelf; it stays declined (only an override voids
 * it) and the split is logged for the reconciliation alert. Asked with a
 * deadline of at most 2 s; a failed ask only logs. */
static void
split_check(struct tm_ctx *ctx, const struct void_try *vt)
{
    int64_t soon = tm_now_ms() + 2000;
    int returned = 0;
    struct tm_err e;

    if (tx_stock_returned(ctx->app, vt->id, ctx->req->id,
                          vt->deadline_ms < soon ? vt->deadline_ms : soon, &returned, &e) != TM_OK)
        tm_log_warn(ctx->req->id, "void.split_unknown", "sale=%" PRId64 " error=\"%s\"", vt->id,
                    e.message);
    else if (returned)
        tm_log_warn(ctx->req->id, "void.declined_split",
                    "sale=%" PRId64 " split state: the void is declined and the sale completed,"
                    " but its stock commit txn-%" PRId64 " is reversed (back on the shelf);"
                    " reconcile, or a fraud analyst overrides the decline",
                    vt->id, vt->id);
}

/* Step 3: marks the sale voided with its event and answers it. */
static enum tm_code
finish(struct tm_ctx *ctx, const struct void_try *vt, struct tm_reply *rep, struct tm_err *err)
{
    char status[16];
    struct tm_buf cur;
    enum tm_code rc;

    tm_buf_init(&cur, 1 << 20);
    if ((rc = tm_db_begin(ctx->db, err)) != TM_OK)
        goto out;
    rc = tx_sale_for(ctx, vt->id, 1, status, sizeof status, &cur, err);
    if (rc == TM_OK && strcmp(status, "completed") == 0) { /* else a parallel try finished it */
        tm_buf_reset(&cur);
        if ((rc = tx_db_sale_void(ctx->db, vt->id, vt->v->reason[0] ? vt->v->reason : "voided",
                                  err)) == TM_OK &&
            (rc = tx_sale_for(ctx, vt->id, 0, NULL, 0, &cur, err)) == TM_OK)
            rc = tm_outbox_add(ctx->db, &tx_outbox, tm_topic_name(TM_TOPIC_TXN_VOIDED), cur.p, err);
    } else if (rc == TM_OK && strcmp(status, "voided") != 0) {
        rc = tm_err_set(err, TM_CONFLICT, "id", "a %s sale cannot be voided", status);
    }
    if (rc == TM_OK)
        rc = tx_db_too_big(tm_buf_adds(&rep->body, cur.p), err);
    if (rc == TM_OK)
        rc = tm_db_commit(ctx->db, err);
    else
        tm_db_rollback(ctx->db);
out:
    tm_buf_fini(&cur);
    return rc;
}

enum tm_code
tx_h_sale_void(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tx_void v;
    struct void_try vt;
    char who[96];
    int go = 0, declined = 0;
    cJSON *body = NULL;
    enum tm_code rc;

    memset(&vt, 0, sizeof vt);
    if ((rc = tm_ctx_param_id(ctx, "id", &vt.id, err)) != TM_OK)
        goto out;
    if (ctx->req->body_len && (rc = tm_ctx_body(ctx, &body, err)) != TM_OK)
        goto out;
    if ((rc = tx_decode_void(body, &v, err)) != TM_OK)
        goto out;
    /* the operator the POS named, else whoever is signed in */
    tm_ctx_principal(ctx, who, sizeof who);
    vt.v = &v;
    vt.who = who;
    vt.op = v.operator_id[0] ? v.operator_id : who;
    vt.deadline_ms = ctx->req->deadline_ms ? ctx->req->deadline_ms : tm_now_ms() + 10000;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, vt.id);
    if ((rc = decide(ctx, &vt, &go, &declined, rep, err)) != TM_OK || !go) {
        if (rc == TM_OK && declined)
            split_check(ctx, &vt);
        goto out;
    }
    /* step 2: the decision is committed; a failure from here on leaves it
     * for the retry to carry out */
    if ((rc = tx_stock_reverse(ctx->app, vt.id, ctx->req->id, vt.deadline_ms, err)) == TM_OK)
        rc = finish(ctx, &vt, rep, err);
out:
    cJSON_Delete(body);
    return rc;
}
