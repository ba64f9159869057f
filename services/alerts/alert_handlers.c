/* services/alerts/alert_handlers.c — the alert routes (alert_handlers.h):
 * each decodes, judges the principal's stores, and calls alert_store.c,
 * which writes the change, its history row and its event in the router's
 * transaction. Writes are a few a minute (people acknowledging and
 * resolving); lists are the dashboard's, paged. */
#include "services/alerts/alert_handlers.h"

#include <inttypes.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/perm.h"

#include "services/alerts/alert_decode.h"
#include "services/alerts/alert_store.h"

#define DETAILS_MAX (AL_DESCRIPTION_MAX * 6 + 64) /* a description, every byte escaped */

/* May the principal see alert store_id (0: the alert has no store)? A
 * store-scoped role sees its stores' alerts only; the answer for another's
 * is the answer of an alert that does not exist. */
static enum tm_code
judge(struct tm_ctx *ctx, int64_t store_id, struct tm_err *err)
{
    char scope[8];

    if (store_id > 0)
        return tm_ctx_may_see(ctx, &store_id, 1, "id", "alert", err);
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        return tm_err_set(err, TM_NOTFOUND, "id", "no alert with this id");
    return TM_OK;
}

enum tm_code
al_alert_of(struct tm_ctx *ctx, int how, int64_t *id, struct tm_err *err)
{
    int64_t store_id = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", id, err)) != TM_OK ||
        (rc = al_db_alert_store(ctx->db, *id, how, &store_id, err)) != TM_OK)
        return rc;
    return judge(ctx, store_id, err);
}

enum tm_code
al_h_alert_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct al_filter f;
    struct tm_page pg;
    char scope[TM_STORES_TEXT_MAX + 3];
    enum tm_code rc;

    if ((rc = al_decode_list(ctx, &f, &pg, err)) != TM_OK)
        return rc;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    return al_db_alert_list(ctx->db, &f, &pg, &rep->body, err);
}

enum tm_code
al_h_alert_summary(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char scope[TM_STORES_TEXT_MAX + 3];
    int64_t store_id;
    enum tm_code rc;

    if ((rc = tm_ctx_query_store(ctx, &store_id, err)) != TM_OK)
        return rc;
    return al_db_summary(ctx->db, store_id,
                         tm_ctx_store_scope(ctx, scope, sizeof scope) ? scope : NULL, &rep->body,
                         err);
}

/* A manual alert's store: a store-scoped role must name one of its own. */
static enum tm_code
manual_store(struct tm_ctx *ctx, int64_t store_id, struct tm_err *err)
{
    char scope[8];

    if (store_id > 0)
        return tm_ctx_may_store(ctx, store_id, "store_id", err);
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        return tm_err_set(err, TM_FORBIDDEN, "store_id",
                          "a store-scoped role's alert names one of its stores");
    return TM_OK;
}

/* Naming an escalation policy pages people along its chain: alert.admin's
 * (docs/alerts.md "Routes"), so a flood of manual alerts by another role
 * cannot page anyone. */
static enum tm_code
manual_policy(const struct tm_ctx *ctx, int64_t policy_id, struct tm_err *err)
{
    enum tm_role role;

    if (policy_id <= 0 || (tm_role_parse(ctx->req->principal.role, &role) &&
                           tm_role_allows(role, TM_PERM_ALERT_ADMIN)))
        return TM_OK;
    return tm_err_set(err, TM_FORBIDDEN, "policy_id",
                      "naming an escalation policy on a manual alert needs alert.admin");
}

enum tm_code
al_h_alert_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct al_manual m;
    struct al_new_alert a = {0};
    struct tm_buf details;
    char actor[AL_ACTOR_MAX + 1];
    int64_t id = 0;
    enum tm_code rc;

    if ((rc = al_decode_manual(ctx->req->body, ctx->req->body_len, &m, err)) != TM_OK ||
        (rc = manual_store(ctx, m.store_id, err)) != TM_OK ||
        (rc = manual_policy(ctx, m.policy_id, err)) != TM_OK)
        return rc;
    tm_ctx_principal(ctx, actor, sizeof actor);
    tm_buf_init(&details, DETAILS_MAX);
    if ((rc = tm_buf_adds(&details, "{")) == TM_OK && m.description[0])
        rc = tm_json_kv_str(&details, "description", m.description, 1);
    if (rc == TM_OK)
        rc = tm_buf_adds(&details, "}");
    if (rc != TM_OK) {
        tm_buf_fini(&details);
        return tm_err_set(err, TM_TOOBIG, "description", "description too large");
    }
    a.kind = "manual";
    if (m.store_id || m.product_id)
        snprintf(a.dedup_key, sizeof a.dedup_key, "manual:store:%" PRId64 ":product:%" PRId64,
                 m.store_id, m.product_id);
    else
        snprintf(a.dedup_key, sizeof a.dedup_key, "manual");
    a.severity = m.severity;
    snprintf(a.title, sizeof a.title, "%s", m.title);
    a.details_json = details.p;
    a.store_id = m.store_id;
    a.product_id = m.product_id;
    a.policy_id = m.policy_id;
    a.actor = actor;
    rc = al_db_fire(ctx->db, &a, &id, &rep->body, err);
    tm_buf_fini(&details);
    if (rc != TM_OK)
        return rc;
    rep->status = 201;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    return TM_OK;
}

enum tm_code
al_h_alert_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = al_alert_of(ctx, 0, &id, err);

    return rc == TM_OK ? al_db_alert_json(ctx->db, id, &rep->body, err) : rc;
}

/* acknowledge (arg NULL) or resolve (arg non-NULL) by the principal */
static enum tm_code
change(struct tm_ctx *ctx, struct tm_reply *rep, int resolve, struct tm_err *err)
{
    char note[AL_NOTE_MAX + 1], actor[AL_ACTOR_MAX + 1];
    int64_t id;
    enum tm_code rc;

    if ((rc = al_decode_note(ctx->req->body, ctx->req->body_len, note, err)) != TM_OK ||
        (rc = al_alert_of(ctx, AL_FIND_LOCK, &id, err)) != TM_OK)
        return rc;
    tm_ctx_principal(ctx, actor, sizeof actor);
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    return resolve ? al_db_resolve(ctx->db, id, actor, 0, note, &rep->body, err)
                   : al_db_acknowledge(ctx->db, id, actor, note, &rep->body, err);
}

enum tm_code
al_h_alert_acknowledge(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return change(ctx, rep, 0, err);
}

enum tm_code
al_h_alert_resolve(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return change(ctx, rep, 1, err);
}

enum tm_code
al_h_alert_delete(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char actor[AL_ACTOR_MAX + 1];
    int64_t id;
    enum tm_code rc;

    if ((rc = al_alert_of(ctx, AL_FIND_LOCK, &id, err)) != TM_OK)
        return rc;
    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((rc = al_db_delete(ctx->db, id, actor, err)) != TM_OK)
        return rc;
    rep->status = 204;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    return TM_OK;
}

enum tm_code
al_h_alert_history(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc = al_alert_of(ctx, AL_FIND_DELETED, &id, err);

    return rc == TM_OK ? al_db_history(ctx->db, id, &rep->body, err) : rc;
}
