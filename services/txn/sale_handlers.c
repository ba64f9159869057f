/* services/txn/sale_handlers.c — a sale from request to record, and its
 * void. The flow (docs/fraud.md, "A sale"): claim the idempotency key (the
 * claim holds the sale id), check, score, then either record the decline,
 * or take the stock through tm-inventory (idempotent by the sale id) and
 * record the sale, its event and the claim's answer in one transaction.
 * Whatever dies where, a retry with the same key finishes the same sale or
 * returns its first answer; a claim nobody finishes is given up by the
 * claim-recovery job, which returns its stock. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bus.h"
#include "common/call.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/migrate.h"
#include "common/perm.h"
#include "common/time.h"
#include "common/topic.h"

#include "services/txn/app.h"
#include "services/txn/attempts.h"
#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/handlers.h"
#include "services/txn/sale.h"
#include "services/txn/txn_store.h"
#include "services/txn/velocity.h"

#define TX_PAST_MAX_S (400 * 86400) /* a sale may be recorded up to 400 days late */

static enum tm_code
too_big(enum tm_code rc, struct tm_err *err)
{
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* ------------------------------------------------------ tm-inventory */

/* Calls tm-inventory with the caller's principal; *status and body (the
 * reply's body) on TM_OK. */
static enum tm_code
inventory_call(struct tx_app *app, const struct tm_request *from, const char *method,
               const char *route, const char *path, const char *sale_id, const char *body,
               int64_t deadline_ms, int *status, struct tm_buf *out, struct tm_err *err)
{
    struct tm_request req;

    memset(&req, 0, sizeof req);
    snprintf(req.id, sizeof req.id, "%s", from->id);
    snprintf(req.method, sizeof req.method, "%s", method);
    snprintf(req.route, sizeof req.route, "%s", route);
    snprintf(req.path, sizeof req.path, "%s", path);
    if (sale_id) {
        req.params[0].key = "sale_id";
        req.params[0].val = sale_id;
        req.n_params = 1;
    }
    req.principal = from->principal;
    /* marked as tm-txn's own call (the caller's id, role and stores kept for
     * the ledger and for scoping): tm-inventory keeps the sale ids of
     * tm-txn's sales ("txn-<id>") for such calls only */
    snprintf(req.principal.kind, sizeof req.principal.kind, "service");
    req.deadline_ms = deadline_ms;
    req.body = body;
    req.body_len = strlen(body);
    return tm_call(app->inventory, &req, status, out, err);
}

static void
inv_sale_id(int64_t id, char *out, size_t size)
{
    snprintf(out, size, TM_TXN_SALE_PREFIX "%" PRId64, id);
}

/* tm-txn's own call about the stock commit of sale_id: method on
 * /api/v1/stock-commits/<sale>[suffix] (route names the route); *status
 * and out (the reply's body) on TM_OK. */
static enum tm_code
commit_call(void *app, int64_t sale_id, const char *rid, int64_t deadline_ms, const char *method,
            const char *route, const char *suffix, int *status, struct tm_buf *out,
            struct tm_err *err)
{
    struct tm_request from;
    char sid[40], path[96];

    memset(&from, 0, sizeof from);
    snprintf(from.id, sizeof from.id, "%s", rid);
    snprintf(from.principal.kind, sizeof from.principal.kind, "service");
    snprintf(from.principal.id, sizeof from.principal.id, "tm-txn");
    snprintf(from.principal.role, sizeof from.principal.role, "admin");
    inv_sale_id(sale_id, sid, sizeof sid);
    snprintf(path, sizeof path, "/api/v1/stock-commits/%s%s", sid, suffix);
    return inventory_call(app, &from, method, route, path, sid, "", deadline_ms, status, out, err);
}

enum tm_code
tx_stock_reverse(void *app, int64_t sale_id, const char *rid, int64_t deadline_ms,
                 struct tm_err *err)
{
    struct tm_buf out;
    int status = 0;
    enum tm_code rc;

    tm_buf_init(&out, 1 << 20);
    rc = commit_call(app, sale_id, rid, deadline_ms, "POST",
                     "/api/v1/stock-commits/{sale_id}/reverse", "/reverse", &status, &out, err);
    tm_buf_fini(&out);
    if (rc == TM_OK && status >= 300 && status != 404) /* 404: no stock was ever taken */
        rc = tm_err_set(err, TM_INTERNAL, NULL, "stock reversal of sale %" PRId64 " answered %d",
                        sale_id, status);
    return rc;
}

enum tm_code
tx_stock_returned(void *app, int64_t sale_id, const char *rid, int64_t deadline_ms, int *returned,
                  struct tm_err *err)
{
    struct tm_buf out;
    cJSON *doc = NULL;
    const cJSON *st;
    int status = 0;
    enum tm_code rc;

    *returned = 0;
    tm_buf_init(&out, 1 << 20);
    rc = commit_call(app, sale_id, rid, deadline_ms, "GET", "/api/v1/stock-commits/{sale_id}", "",
                     &status, &out, err);
    if (rc == TM_OK && status == 200 &&
        tm_json_parse(out.p, out.len, TM_JSON_DEPTH_MAX, "commit", &doc, NULL) == TM_OK &&
        (st = cJSON_GetObjectItem(doc, "status")) && cJSON_IsString(st))
        *returned = strcmp(st->valuestring, "reversed") == 0;
    else if (rc == TM_OK && status != 404) /* 404: no stock was ever taken */
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "stock commit of sale %" PRId64 ": answered %d",
                        sale_id, status);
    cJSON_Delete(doc);
    tm_buf_fini(&out);
    return rc;
}

/* ------------------------------------------------------------ scoring */

/* The fired rules [{code, weight, observed, threshold, message}] and the
 * codes of rules not evaluated. */
enum tm_code
tx_encode_result(const struct fr_rule_set *s, const struct fr_result *res, struct tm_buf *hits,
                 struct tm_buf *skipped)
{
    enum tm_code rc = tm_buf_adds(hits, "[");

    for (int i = 0; i < res->n_hits && rc == TM_OK; i++) {
        const struct fr_hit *h = &res->hits[i];
        const struct fr_rule *r = &s->rules[h->rule];
        rc = tm_buf_adds(hits, i ? ",{\"code\":" : "{\"code\":");
        if (rc == TM_OK && (rc = tm_json_quote(hits, r->code)) == TM_OK &&
            (rc = tm_buf_adds(hits, ",\"kind\":")) == TM_OK &&
            (rc = tm_json_quote(hits, fr_kind_name(r->kind))) == TM_OK &&
            /* exact: a reader compares observed with threshold */
            (rc = tm_json_kv_exact(hits, "weight", r->weight, 0)) == TM_OK &&
            (rc = tm_json_kv_exact(hits, "observed", h->observed, 0)) == TM_OK &&
            (rc = tm_json_kv_exact(hits, "threshold", h->threshold, 0)) == TM_OK &&
            (rc = tm_buf_adds(hits, ",\"message\":")) == TM_OK &&
            (rc = tm_json_quote(hits, h->message)) == TM_OK)
            rc = tm_buf_adds(hits, "}");
    }
    if (rc == TM_OK && (rc = tm_buf_adds(hits, "]")) == TM_OK)
        rc = tm_buf_adds(skipped, "[");
    for (int i = 0; i < res->n_skipped && rc == TM_OK; i++)
        if ((rc = tm_buf_adds(skipped, i ? "," : "")) == TM_OK)
            rc = tm_json_quote(skipped, s->rules[res->skipped[i]].code);
    return rc == TM_OK ? tm_buf_adds(skipped, "]") : rc;
}

/* The velocity keys of sale s (its customer, instrument and store), in
 * bufs the caller holds while keys are used. */
struct vel_keys {
    char cust[24], store[24];
    const char *keys[FR_SCOPES];
};

static void
vel_keys(const struct tx_sale *s, struct vel_keys *k)
{
    snprintf(k->cust, sizeof k->cust, "%" PRId64, s->customer_id);
    snprintf(k->store, sizeof k->store, "%" PRId64, s->store_id);
    k->keys[FR_SCOPE_CUSTOMER] = s->customer_id ? k->cust : NULL;
    k->keys[FR_SCOPE_INSTRUMENT] = s->instrument[0] ? s->instrument : NULL;
    k->keys[FR_SCOPE_STORE] = k->store;
    k->keys[FR_SCOPE_OPERATOR] = s->operator_id[0] ? s->operator_id : NULL;
}

/* The index of channel in fr_channel_names (the decoder took one of them). */
int
tx_channel_of(const char *channel)
{
    for (int c = 0; c < FR_CHANNELS; c++)
        if (strcmp(channel, fr_channel_names[c]) == 0)
            return c;
    return FR_CH_POS;
}

/* Everything the rules need for sale s: the facts read with it (x), its
 * velocity counters and its instrument's and customer's earlier attempts
 * from Redis (each counted once per sale id). Redis down: those facts are
 * unevaluated and the rules needing them are listed as skipped. */
static void
gather(struct tx_app *app, const struct tx_sale *s, const struct tx_sale_facts *x, int64_t sale_id,
       struct fr_facts *f)
{
    struct tm_redis *r;
    struct vel_keys k;
    char sid[40];
    struct tm_err verr;

    memset(f, 0, sizeof *f);
    tx_sale_facts(s, f);
    f->event = FR_EV_SALE;
    f->ts_s = x->when.epoch_ms / 1000;
    f->store_id = s->store_id;
    f->channel = tx_channel_of(s->channel);
    f->local_hour = x->when.local_hour;
    f->utc_hour = x->when.utc_hour;
    if (s->customer_id) {
        f->customer_sales = x->customer_sales;
        f->customer_risk = x->customer_risk;
        fr_history_from(x->recent_totals, x->recent_units, x->n_recent, &f->customer);
        f->context = x->context;
    }
    f->store = x->store;
    f->population = x->population;
    snprintf(sid, sizeof sid, "%" PRId64, sale_id);
    vel_keys(s, &k);
    r = tm_redis_pool_get(app->redis, 200);
    if (!r || tx_velocity_add(r, sid, f->ts_s, s->total_cents, tm_now_ms() / 1000, k.keys,
                              &f->velocity, &verr) != TM_OK) {
        /* scored without velocity: the result says which rules were skipped */
        f->velocity.evaluated = 0;
        tm_log_warn(NULL, "velocity.unavailable", "sale=%s error=\"%s\"", sid,
                    r ? verr.message : "no Redis connection");
    } else {
        struct tx_attempt_in a = {sid, f->ts_s, s->total_cents, s->store_id, f->channel};
        if (tx_attempts_add(r, &a, k.keys[FR_SCOPE_INSTRUMENT], k.keys[FR_SCOPE_CUSTOMER],
                            &f->inst_attempts, &f->cust_attempts, &verr) != TM_OK)
            tm_log_warn(NULL, "attempts.unavailable", "sale=%s error=\"%s\"", sid, verr.message);
    }
    tm_redis_pool_put(app->redis, r);
}

/* The decision's mark on the Redis facts gather() added: a declined
 * attempt stays an attempt but is no spend (its amount leaves the velocity
 * counters) and is marked declined in its attempt lists; a resumed try
 * (an earlier one may have been declined) writes its outcome either way.
 * Once per sale id. A failure is logged: the amount then counts until its
 * buckets expire, as it did when declines were spend. */
static void
mark_outcome(struct tx_app *app, const struct tx_sale *s, const struct tx_when *when,
             int64_t sale_id, int declined)
{
    struct tm_redis *r = tm_redis_pool_get(app->redis, 200);
    struct vel_keys k;
    struct tm_err e;
    char sid[40];

    snprintf(sid, sizeof sid, "%" PRId64, sale_id);
    vel_keys(s, &k);
    if (!r ||
        (declined &&
         tx_velocity_unspend(r, sid, when->epoch_ms / 1000, s->total_cents, k.keys, &e) != TM_OK) ||
        tx_attempts_outcome(r, sid, k.keys[FR_SCOPE_INSTRUMENT], k.keys[FR_SCOPE_CUSTOMER],
                            declined, &e) != TM_OK)
        tm_log_warn(NULL, "velocity.outcome", "sale=%s error=\"%s\"", sid,
                    r ? e.message : "no Redis connection");
    tm_redis_pool_put(app->redis, r);
}

/* The current rule set: x's version (read with the sale's facts, so a set
 * published by another instance counts from its next sale on), decoded
 * from x's document when it came (the cache held another version), else
 * from the cache. */
enum tm_code
tx_current_rules(struct tx_app *app, PGconn *db, struct tx_sale_facts *x, struct fr_rule_set *rs,
                 struct tm_err *err)
{
    struct tm_err e;
    enum tm_code rc = TM_OK;

    if (x->version == 0)
        return tm_err_set(err, TM_UNAVAIL, NULL, "no fraud rule set yet");
    if (!x->rules_json) {
        if (tx_rules_cache_get(&app->rules, x->version, rs))
            return TM_OK;
        /* another worker cached a newer set in between: read this one whole */
        if ((rc = tx_db_rules_current(db, 0, &x->version, &x->rules_json, err)) != TM_OK)
            return rc;
    }
    if (tx_decode_rule_set_text(x->rules_json, strlen(x->rules_json), rs, &e) == TM_OK)
        tx_rules_cache_put(&app->rules, x->version, rs);
    else
        rc = tm_err_set(err, TM_INTERNAL, NULL, "stored rule set %d: %s (%s)", x->version,
                        e.message, e.field);
    return rc;
}

/* ------------------------------------------------------------- a sale */

struct flow {
    struct tx_app *app;
    PGconn *db;
    const struct tm_request *req;
    char who[96];
    char key[TM_IDEM_KEY_MAX + 8];
    struct tx_claim claim;
    struct tx_sale sale;
    struct tx_when when;
    int resumed; /* the claim was left pending by an earlier try: stock may be taken */
};

/* Records the sale (completed or declined), the claim's answer and its
 * event in one transaction (the event last: the outbox's row is held from
 * there to the commit). The answer is rep as built by the caller, or for a
 * completed sale the recorded sale with 201, written with the sale's read.
 * When another attempt finished first, its answer is returned instead. */
static enum tm_code
record(struct flow *fl, const char *status, int version, const struct fr_result *res,
       const char *hits, const char *skipped, struct tm_reply *rep, struct tm_err *err)
{
    int declined = strcmp(status, "declined") == 0, updated = 0;
    struct tx_record x = {fl->claim.sale_id,
                          &fl->sale,
                          &fl->when,
                          status,
                          version,
                          res->score,
                          fr_decision_name(res->decision),
                          hits,
                          skipped,
                          fl->who,
                          fl->key,
                          declined ? 0 : 201};
    struct tm_buf doc;
    enum tm_code rc;

    tm_buf_init(&doc, 1 << 20);
    if ((rc = tm_db_begin(fl->db, err)) != TM_OK)
        goto out;
    rc = tx_db_sale_insert(fl->db, &x, &doc, &updated, err);
    if (rc == TM_OK && declined) {
        /* 422 naming the transaction; details carry the recorded decline */
        struct tm_buf d;
        struct tm_err e;
        tm_buf_init(&d, 1 << 20);
        if ((rc = too_big(tm_buf_printf(&d, "{\"transaction\":%s}", doc.p), err)) == TM_OK) {
            free(rep->details);
            rep->details = tm_buf_steal(&d);
            tm_err_set(&e, TM_DECLINED, "transaction",
                       "declined: fraud score %.0f reaches the decline threshold", res->score);
            tm_reply_error(rep, &e, fl->req->id);
        }
        tm_buf_fini(&d);
        if (rc == TM_OK)
            rc = tx_db_claim_finish(fl->db, fl->who, fl->key, fl->claim.sale_id, rep->status,
                                    rep->body.p, &updated, err);
    } else if (rc == TM_OK) {
        rep->status = 201;
        tm_buf_reset(&rep->body);
        rc = too_big(tm_buf_adds(&rep->body, doc.p), err);
    }
    if (rc == TM_OK && !updated) {
        /* someone else finished it (a parallel retry): theirs is the answer */
        tm_db_rollback(fl->db);
        tx_claim_fini(&fl->claim);
        int created = 0;
        char hash[65];
        snprintf(hash, sizeof hash, "%s", fl->claim.body_hash);
        rc = tx_db_claim(fl->db, fl->who, fl->key, hash, &created, &fl->claim, err);
        if (rc == TM_OK && fl->claim.done) {
            rep->status = fl->claim.status;
            tm_buf_reset(&rep->body);
            rc = too_big(tm_buf_adds(&rep->body, fl->claim.reply), err);
        } else if (rc == TM_OK) {
            rc = tm_err_set(err, TM_UNAVAIL, NULL, "the sale is being finished by another try");
        }
        goto out;
    }
    if (rc == TM_OK)
        rc = tm_outbox_add(fl->db, &tx_outbox,
                           tm_topic_name(declined ? TM_TOPIC_TXN_DECLINED : TM_TOPIC_TXN_CREATED),
                           doc.p, err);
    if (rc == TM_OK)
        rc = tm_db_commit(fl->db, err);
    else
        tm_db_rollback(fl->db);
out:
    tm_buf_fini(&doc);
    return rc;
}

/* Takes the stock; on TM_OK *taken says whether it was (else rep holds
 * tm-inventory's refusal, e.g. 409 with the short lines). */
static enum tm_code
take_stock(struct flow *fl, struct tm_reply *rep, int *taken, struct tm_err *err)
{
    struct tm_buf body, out;
    char sid[40];
    int status = 0;
    enum tm_code rc;

    *taken = 0;
    inv_sale_id(fl->claim.sale_id, sid, sizeof sid);
    tm_buf_init(&body, 1 << 16);
    tm_buf_init(&out, 1 << 20);
    rc = tm_buf_adds(&body, "{\"sale_id\":");
    if (rc == TM_OK && (rc = tm_json_quote(&body, sid)) == TM_OK)
        rc = tm_buf_adds(&body, ",\"lines\":[");
    for (int i = 0; i < fl->sale.n && rc == TM_OK; i++)
        rc = tm_buf_printf(&body,
                           "%s{\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                           ",\"quantity\":%" PRId64 "}",
                           i ? "," : "", fl->sale.store_id, fl->sale.lines[i].product_id,
                           fl->sale.lines[i].quantity);
    if (rc == TM_OK)
        rc = tm_buf_adds(&body, "]");
    if (rc == TM_OK && fl->sale.occurred_at[0]) { /* a late sale moves stock at its time */
        char at[40];
        tm_iso8601(fl->when.epoch_ms, at, sizeof at);
        if ((rc = tm_buf_adds(&body, ",\"occurred_at\":")) == TM_OK)
            rc = tm_json_quote(&body, at);
    }
    if (rc == TM_OK && (rc = tm_buf_adds(&body, "}")) == TM_OK)
        rc = inventory_call(fl->app, fl->req, "POST", "/api/v1/stock-commits",
                            "/api/v1/stock-commits", NULL, body.p,
                            fl->req->deadline_ms ? fl->req->deadline_ms : tm_now_ms() + 10000,
                            &status, &out, err);
    else if (rc != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    if (rc == TM_OK && status == 201) {
        *taken = 1;
    } else if (rc == TM_OK && status >= 400 && status < 500) {
        rep->status = status;
        tm_buf_reset(&rep->body);
        rc = too_big(tm_buf_adds(&rep->body, out.p), err);
    } else if (rc == TM_OK) {
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "tm-inventory answered %d", status);
    }
    tm_buf_fini(&body);
    tm_buf_fini(&out);
    return rc;
}

/* Returns stock an earlier try of this sale may have taken (none: no-op). */
static enum tm_code
give_back(struct flow *fl, struct tm_err *err)
{
    return tx_stock_reverse(fl->app, fl->claim.sale_id, fl->req->id,
                            fl->req->deadline_ms ? fl->req->deadline_ms : tm_now_ms() + 10000, err);
}

/* The checks of the facts read with the sale, in the order a client
 * fixes them: its time, then its prices. */
static enum tm_code
check_facts(const struct flow *fl, const struct tx_sale_facts *x, int64_t now, struct tm_err *err)
{
    if (x->when.epoch_ms > now + fl->app->future_skew_s * 1000)
        return tm_err_set(err, TM_INVALID, "occurred_at",
                          "occurred_at is more than %" PRId64 " s in the future",
                          fl->app->future_skew_s);
    if (x->when.epoch_ms < now - (int64_t)TX_PAST_MAX_S * 1000)
        return tm_err_set(err, TM_INVALID, "occurred_at", "occurred_at is over 400 days ago");
    return tx_sale_check_prices(&fl->sale, x->cents, fl->app->price_tolerance_pct, err);
}

/* Checks, scores and records the claimed sale. On TM_OK rep is the answer;
 * *keep is 0 when nothing was recorded and the claim must go. */
static enum tm_code
make_sale(struct flow *fl, struct tm_reply *rep, int *keep, struct tm_err *err)
{
    struct fr_rule_set rs;
    struct fr_result res;
    struct fr_facts f;
    struct tx_sale_facts x;
    struct tm_buf hits, skipped;
    int64_t now = tm_now_ms();
    int taken = 0;
    enum tm_code rc;

    *keep = 0;
    rc = tx_db_sale_facts(fl->db, &fl->sale, tx_rules_cache_version(&fl->app->rules), &x, err);
    if (rc == TM_OK && (rc = check_facts(fl, &x, now, err)) == TM_OK &&
        (rc = tx_current_rules(fl->app, fl->db, &x, &rs, err)) == TM_OK && fl->sale.customer_id &&
        !x.customer_found)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "customer_id", "customer %lld is unknown",
                        (long long)fl->sale.customer_id);
    fl->when = x.when;
    tx_sale_facts_fini(&x);
    if (rc != TM_OK)
        return rc;
    gather(fl->app, &fl->sale, &x, fl->claim.sale_id, &f);
    fr_score(&rs, &f, &res);
    tm_buf_init(&hits, 1 << 16);
    tm_buf_init(&skipped, 1 << 12);
    if (tx_encode_result(&rs, &res, &hits, &skipped) != TM_OK) {
        rc = tm_err_set(err, TM_INTERNAL, NULL, "fraud result too large");
    } else if (res.decision == FR_DECLINE) {
        /* an earlier try may have scored lower and taken the stock */
        *keep = 1;
        if (f.velocity.evaluated)
            mark_outcome(fl->app, &fl->sale, &fl->when, fl->claim.sale_id, 1);
        if (!fl->resumed || (rc = give_back(fl, err)) == TM_OK)
            rc = record(fl, "declined", x.version, &res, hits.p, skipped.p, rep, err);
    } else if ((rc = take_stock(fl, rep, &taken, err)) == TM_OK && taken) {
        *keep = 1;
        if (fl->resumed && f.velocity.evaluated) /* an earlier try may have been declined */
            mark_outcome(fl->app, &fl->sale, &fl->when, fl->claim.sale_id, 0);
        rc = record(fl, "completed", x.version, &res, hits.p, skipped.p, rep, err);
    }
    if (rc != TM_OK && err->code >= TM_INTERNAL)
        *keep = 1; /* the outcome is unknown: a retry resumes, or the recovery job cleans up */
    tm_buf_fini(&hits);
    tm_buf_fini(&skipped);
    return rc;
}

enum tm_code
tx_h_sale_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct flow *fl = tm_xcalloc(1, sizeof *fl);
    const struct tm_request *req = ctx->req;
    PGconn *db = ctx->db;
    char hash[65];
    cJSON *body = NULL;
    int created = 0, keep = 1;
    enum tm_role role;
    enum tm_code rc;

    fl->app = ctx->app;
    fl->db = db;
    fl->req = req;
    tm_ctx_principal(ctx, fl->who, sizeof fl->who);
    if (req->idem_key[0])
        snprintf(fl->key, sizeof fl->key, "key:%s", req->idem_key);
    else if (tm_role_parse(req->principal.role, &role) && role == TM_ROLE_POS) {
        rc = tm_err_set(err, TM_INVALID, "Idempotency-Key",
                        "POS sales need an Idempotency-Key header");
        goto out;
    } else
        snprintf(fl->key, sizeof fl->key, "rid:%s", req->id);
    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = tx_decode_sale(body, &fl->sale, err)) != TM_OK ||
        (rc = tm_ctx_may_store(ctx, fl->sale.store_id, "store_id", err)) != TM_OK)
        goto out;
    tm_sha256_hex(req->body, req->body_len, hash);
    if ((rc = tx_db_claim(db, fl->who, fl->key, hash, &created, &fl->claim, err)) != TM_OK)
        goto out;
    if (!created && strcmp(fl->claim.body_hash, hash) != 0) {
        rc = tm_err_set(err, TM_UNPROCESSABLE, "Idempotency-Key",
                        "this Idempotency-Key was used for a different sale");
        goto out;
    }
    if (fl->claim.done) { /* a retry: the first answer */
        rep->status = fl->claim.status;
        rc = too_big(tm_buf_adds(&rep->body, fl->claim.reply), err);
        goto out;
    }
    fl->resumed = !created;
    rc = make_sale(fl, rep, &keep, err);
    if (!keep) {
        /* nothing recorded: the claim goes, and with a resumed one any stock
         * its earlier try took (else the recovery job returns it later) */
        struct tm_err e;
        if (fl->resumed && give_back(fl, &e) != TM_OK)
            tm_log_warn(req->id, "claim.give_back", "error=\"%s\"", e.message);
        else if (tx_db_claim_drop(db, fl->who, fl->key, fl->claim.sale_id, &e) != TM_OK)
            tm_log_warn(req->id, "claim.drop", "error=\"%s\"", e.message);
    }
out:
    if (fl->claim.sale_id)
        snprintf(rep->target, sizeof rep->target, "%" PRId64, fl->claim.sale_id);
    tx_claim_fini(&fl->claim);
    cJSON_Delete(body);
    free(fl);
    return rc;
}
