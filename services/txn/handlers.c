/* services/txn/handlers.c — customers, reading sales, the review queue,
 * fraud rules and statistics, the catalogue copy, the route table and the
 * jobs. The sale itself is in sale_handlers.c. */
#include "services/txn/handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/log.h"
#include "common/time.h"
#include "common/topic.h"

#include "services/txn/app.h"
#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/txn_store.h"

/* ----------------------------------------------------- catalogue copy */

enum tm_code
tx_apply(void *app, PGconn *db, const struct tm_event *ev, struct tm_err *err)
{
    static const char *const store_f[4] = {"id", "time_zone", "active", "updated_at"};
    static const char *const product_f[4] = {"id", "unit_price_cents", "active", "updated_at"};
    const char *const *names;
    const char *f[4];
    char b[4][32];
    int store = strncmp(ev->topic, "store.", 6) == 0;
    (void)app;

    if (!store && strncmp(ev->topic, "product.", 8) != 0)
        return TM_OK;
    names = store ? store_f : product_f;
    for (int i = 0; i < 4; i++)
        if (!(f[i] = tm_event_text(ev->data, names[i], b[i], sizeof b[i])))
            return tm_err_set(err, TM_INVALID, names[i], "%s: no %s", ev->topic, names[i]);
    return store ? tx_db_upsert_store(db, f, err) : tx_db_upsert_product(db, f, err);
}

/* ---------------------------------------------------------- customers */

static const char *const tiers[] = {"none", "bronze", "silver", "gold", "platinum", NULL};

static enum tm_code
h_customer_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"name", "email", "loyalty_tier", "home_store_id"};
    char name[201], email[255], home[24];
    const char *f[4] = {name, NULL, NULL, NULL};
    const cJSON *it;
    cJSON *body = NULL;
    int64_t store = 0;
    enum tm_code rc;
    int tier;

    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 4, err)) != TM_OK ||
        (rc = tm_json_str(body, "name", 1, 200, name, sizeof name, err)) != TM_OK)
        goto out;
    if ((it = tm_json_member(body, "email"))) {
        if ((rc = tm_json_as_str(it, "email", 3, 254, email, sizeof email, err)) != TM_OK)
            goto out;
        if (!strchr(email, '@') || strchr(email, ' ')) {
            rc = tm_err_set(err, TM_INVALID, "email", "email must look like name@domain");
            goto out;
        }
        f[1] = email;
    }
    if ((it = tm_json_member(body, "loyalty_tier"))) {
        if ((rc = tm_json_as_enum(it, "loyalty_tier", tiers, &tier, err)) != TM_OK)
            goto out;
        f[2] = tiers[tier];
    }
    if ((it = tm_json_member(body, "home_store_id"))) {
        if ((rc = tm_json_as_i64(it, "home_store_id", 1, (int64_t)1 << 53, &store, err)) != TM_OK)
            goto out;
        snprintf(home, sizeof home, "%" PRId64, store);
        f[3] = home;
    }
    rep->status = 201;
    rc = tx_db_customer_create(ctx->db, f, &rep->body, err);
    if (rc == TM_CONFLICT)
        rc = tm_err_set(err, TM_CONFLICT, "email", "a customer with this email exists");
out:
    cJSON_Delete(body);
    return rc;
}

static enum tm_code
h_customer_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = tm_ctx_param_id(ctx, "id", &id, err);

    return rc == TM_OK ? tx_db_customer_get(ctx->db, id, &rep->body, err) : rc;
}

static enum tm_code
h_customer_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const char *f[3] = {NULL, NULL, NULL};
    struct tm_page pg;
    int64_t store = 0;
    char home[24];
    enum tm_code rc;
    int tier;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "loyalty_tier", tiers, &tier, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "home_store_id", 1, (int64_t)1 << 53, 0, &store, err)) !=
            TM_OK ||
        (rc = tm_ctx_query_str(ctx, "q", TM_SEARCH_MAX, &f[2], err)) != TM_OK)
        return rc;
    f[0] = tier >= 0 ? tiers[tier] : NULL;
    if (store) {
        snprintf(home, sizeof home, "%" PRId64, store);
        f[1] = home;
    }
    return tx_db_customer_list(ctx->db, f, &pg, &rep->body, err);
}

/* -------------------------------------------------------------- sales */

enum tm_code
tx_sale_for(struct tm_ctx *ctx, int64_t id, int lock, char *status, size_t status_size,
            struct tm_buf *out, struct tm_err *err)
{
    int64_t store_id;
    enum tm_code rc = tx_db_sale_get(ctx->db, id, lock, &store_id, status, status_size, out, err);

    if (rc == TM_OK && (rc = tm_ctx_may_see(ctx, &store_id, 1, "id", "transaction", err)) != TM_OK)
        tm_buf_reset(out); /* not even a hint that it exists */
    return rc;
}

static enum tm_code
h_sale_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = tm_ctx_param_id(ctx, "id", &id, err);

    return rc == TM_OK ? tx_sale_for(ctx, id, 0, NULL, 0, &rep->body, err) : rc;
}

/* Query parameter name as an id into buf (f = buf), or f = NULL. */
static enum tm_code
opt_id(struct tm_ctx *ctx, const char *name, char *buf, size_t size, const char **f,
       struct tm_err *err)
{
    int64_t v = 0;
    enum tm_code rc = tm_ctx_query_int(ctx, name, 0, (int64_t)1 << 53, -1, &v, err);

    *f = NULL;
    if (rc == TM_OK && v >= 0) {
        snprintf(buf, size, "%" PRId64, v);
        *f = buf;
    }
    return rc;
}

/* Query parameter name as one of accepted into *f, or f = NULL. */
static enum tm_code
opt_enum(struct tm_ctx *ctx, const char *name, const char *const *accepted, const char **f,
         struct tm_err *err)
{
    int i;
    enum tm_code rc = tm_ctx_query_enum(ctx, name, accepted, &i, err);

    *f = rc == TM_OK && i >= 0 ? accepted[i] : NULL;
    return rc;
}

/* Query parameter name as a time into t (f = t->text), or f = NULL. */
static enum tm_code
opt_time(struct tm_ctx *ctx, const char *name, struct tm_time *t, const char **f,
         struct tm_err *err)
{
    enum tm_code rc = tm_ctx_query_time(ctx, name, t, err);

    *f = rc == TM_OK && t->text[0] ? t->text : NULL;
    return rc;
}

static enum tm_code
h_sale_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const statuses[] = {"completed", "declined", "voided", NULL};
    static const char *const decisions[] = {"approve", "review", "decline", NULL};
    static const char *const orders[] = {"oldest", "newest", NULL};
    const char *f[TX_F_COUNT] = {NULL};
    char ids[4][24], scope[TM_STORES_TEXT_MAX + 3];
    int suspicious = ctx->arg != NULL, reviewed = -1, void_flagged = -1, order = 0;
    int64_t store_id = 0;
    struct tm_time from, to;
    struct tm_page pg;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_store(ctx, &store_id, err)) != TM_OK ||
        (rc = opt_id(ctx, "store_id", ids[0], sizeof ids[0], &f[TX_F_STORE], err)) != TM_OK ||
        (rc = opt_id(ctx, "customer_id", ids[1], sizeof ids[1], &f[TX_F_CUSTOMER], err)) != TM_OK ||
        (rc = opt_enum(ctx, "status", statuses, &f[TX_F_STATUS], err)) != TM_OK ||
        (rc = opt_enum(ctx, "decision", decisions, &f[TX_F_DECISION], err)) != TM_OK ||
        (rc = opt_time(ctx, "from", &from, &f[TX_F_FROM], err)) != TM_OK ||
        (rc = opt_time(ctx, "to", &to, &f[TX_F_TO], err)) != TM_OK ||
        (rc = opt_id(ctx, "min_total_cents", ids[2], sizeof ids[2], &f[TX_F_MIN], err)) != TM_OK ||
        (rc = opt_id(ctx, "max_total_cents", ids[3], sizeof ids[3], &f[TX_F_MAX], err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "order", orders, &order, err)) != TM_OK)
        return rc;
    if (suspicious && (rc = tm_ctx_query_bool(ctx, "reviewed", &reviewed, err)) != TM_OK)
        return rc;
    if ((rc = tm_ctx_query_bool(ctx, "void_flagged", &void_flagged, err)) != TM_OK)
        return rc;
    if (void_flagged >= 0) /* the voids scored review: fraud analysts' list */
        f[TX_F_VOID_FLAGGED] = void_flagged ? "true" : "false";
    if (suspicious)
        f[TX_F_SUSPICIOUS] = reviewed == 1 ? "all" : "queue";
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f[TX_F_SCOPE] = scope;
    return tx_db_sale_list(ctx->db, f, &pg, order == 1, &rep->body, err);
}

/* The dashboard's fraud number (GET /api/v1/transactions/suspicious/summary). */
static enum tm_code
h_queue_summary(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const char *store = NULL;
    char id[24], scope[TM_STORES_TEXT_MAX + 3];
    int64_t store_id;
    enum tm_code rc;

    if ((rc = tm_ctx_query_store(ctx, &store_id, err)) != TM_OK)
        return rc;
    if (store_id) {
        snprintf(id, sizeof id, "%" PRId64, store_id);
        store = id;
    }
    return tx_db_queue_summary(ctx->db, store,
                               tm_ctx_store_scope(ctx, scope, sizeof scope) ? scope : NULL,
                               &rep->body, err);
}

static enum tm_code
h_sale_review(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const names[] = {"label", "note"};
    static const char *const labels[] = {"fraud", "legit", NULL};
    char note[1001] = "", who[96];
    int64_t id, customer = 0, fraud = 0, legit = 0;
    const cJSON *it;
    cJSON *body = NULL;
    enum tm_code rc;
    int label;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tm_json_only(body, names, 2, err)) != TM_OK ||
        (rc = tm_json_enum(body, "label", labels, &label, err)) != TM_OK)
        goto out;
    if ((it = tm_json_member(body, "note")) &&
        (rc = tm_json_as_str(it, "note", 0, 1000, note, sizeof note, err)) != TM_OK)
        goto out;
    tm_ctx_principal(ctx, who, sizeof who);
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    if ((rc = tx_db_sale_review(ctx->db, id, labels[label], note, who, &customer, &rep->body,
                                err)) != TM_OK)
        goto out;
    /* the label moves the customer's risk score */
    if (customer &&
        ((rc = tx_db_customer_labels(ctx->db, customer, &fraud, &legit, err)) != TM_OK ||
         (rc = tx_db_customer_set_risk(ctx->db, customer, fr_risk_from_labels(fraud, legit),
                                       err)) != TM_OK))
        goto out;
    rc = tm_outbox_add(ctx->db, &tx_outbox, tm_topic_name(TM_TOPIC_TXN_REVIEWED), rep->body.p, err);
out:
    cJSON_Delete(body);
    return rc;
}

/* ------------------------------------------------------ rules, stats */

static enum tm_code
h_rules_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t v = 0;
    enum tm_code rc = TM_OK;

    if (tm_request_param(ctx->req, "version"))
        rc = tm_ctx_param_id(ctx, "version", &v, err);
    if (rc == TM_OK && v > 1000000)
        return tm_err_set(err, TM_NOTFOUND, "version", "no rule set with this version");
    return rc == TM_OK ? tx_db_rules_get(ctx->db, (int)v, &rep->body, err) : rc;
}

static enum tm_code
h_rules_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return tx_db_rules_list(ctx->db, &rep->body, err);
}

static enum tm_code
h_rules_add(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct fr_rule_set rs;
    char note[501] = "", who[96];
    cJSON *body = NULL, *n;
    struct tm_buf doc;
    enum tm_code rc;

    tm_buf_init(&doc, TM_BODY_MAX); /* the body, without its note */
    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK)
        goto out;
    if ((n = cJSON_DetachItemFromObjectCaseSensitive(body, "note")) != NULL) {
        rc = cJSON_IsNull(n) ? TM_OK : tm_json_as_str(n, "note", 0, 500, note, sizeof note, err);
        cJSON_Delete(n);
        if (rc != TM_OK)
            goto out;
    }
    if ((rc = tx_decode_rule_set(body, &rs, err)) != TM_OK)
        goto out;
    if (tm_json_append(&doc, body) != TM_OK) {
        rc = tm_err_set(err, TM_TOOBIG, "body", "rule set too large");
        goto out;
    }
    tm_ctx_principal(ctx, who, sizeof who);
    rep->status = 201;
    if ((rc = tx_db_rules_add(ctx->db, doc.p, note, who, &rep->body, err)) == TM_OK)
        rc = tm_outbox_add(ctx->db, &tx_outbox, tm_topic_name(TM_TOPIC_FRAUD_RULES_CHANGED),
                           rep->body.p, err);
out:
    tm_buf_fini(&doc);
    cJSON_Delete(body);
    return rc;
}

static enum tm_code
h_fraud_stats(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const char *from = NULL, *to = NULL;
    struct tm_time from_t, to_t;
    enum tm_code rc;

    if ((rc = opt_time(ctx, "from", &from_t, &from, err)) != TM_OK ||
        (rc = opt_time(ctx, "to", &to_t, &to, err)) != TM_OK)
        return rc;
    return tx_db_fraud_stats(ctx->db, from, to, &rep->body, err);
}

static const char queue_arg[] = "suspicious";

const struct tm_route tx_routes[] = {
    {"GET", "/api/v1/customers", h_customer_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/customers", h_customer_create, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/customers/{id}", h_customer_get, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/transactions", h_sale_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/transactions", tx_h_sale_create, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/transactions/suspicious", h_sale_list, TM_TX_READ, queue_arg, TM_SCOPE_STORES},
    {"GET", "/api/v1/transactions/suspicious/summary", h_queue_summary, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/transactions/{id}", h_sale_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/transactions/{id}/void", tx_h_sale_void, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/transactions/{id}/review", h_sale_review, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/fraud/rules", h_rules_get, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/fraud/rules", h_rules_add, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/fraud/rules/versions", h_rules_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/fraud/rules/{version}", h_rules_get, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/fraud/stats", h_fraud_stats, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/txn/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/txn/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/txn/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
};
const size_t tx_routes_n = sizeof tx_routes / sizeof tx_routes[0];

/* --------------------------------------------------------------- jobs */

enum tm_code
tx_job_store_profiles(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    (void)app;
    return tx_db_store_profiles_refresh(db, rows, err);
}

/* Sales whose flow stopped half-way and were never retried: their claim
 * goes and any stock they took comes back (inventory's reversal is
 * idempotent; a commit that never happened answers 404). */
enum tm_code
tx_job_claim_recovery(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    struct tx_app *a = app;
    int64_t ids[100];
    int n = 0;
    enum tm_code rc = tx_db_claims_abandoned(db, a->claim_abandon_s, ids, 100, &n, err);

    for (int i = 0; rc == TM_OK && i < n; i++)
        rc = tx_stock_reverse(app, ids[i], "claim-recovery", tm_now_ms() + 10000, err);
    *rows = n;
    return rc;
}
