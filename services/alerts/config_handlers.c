/* services/alerts/config_handlers.c — tm-alerts' configuration routes
 * (config_handlers.h). Rules, policies and channels are the chain's
 * configuration, not any store's: every holder of alert.read sees them
 * (tm_ctx_every_store). Silences are store-owned: a store-scoped role
 * lists and ends only silences naming one of its stores, and may create
 * only such silences. */
#include "services/alerts/config_handlers.h"

#include <string.h>

#include "common/envelope.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/time.h"

#include "services/alerts/alert_store.h"
#include "services/alerts/app.h"
#include "services/alerts/config_store.h"
#include "services/alerts/decode.h"

#define RESOLVE_PAGE 100 /* a retired rule's open alerts resolved per query */
#define RETIRE_PAGES 10  /* pages of them the retire job resolves per run */
#define SECRET_BYTES 32  /* a generated webhook secret: 256 random bits, as 64 hex digits */

static const char *const kinds[] = {
#define AL_X_NAME(name, wire) wire,
    AL_KINDS(AL_X_NAME)
#undef AL_X_NAME
        NULL};

/* ----------------------------------------------------------------- rules */

enum tm_code
al_h_rule_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    int kind = -1, active = -1;
    enum tm_code rc;

    tm_ctx_every_store(ctx);
    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "kind", kinds, &kind, err)) != TM_OK ||
        (rc = tm_ctx_query_bool(ctx, "active", &active, err)) != TM_OK)
        return rc;
    return al_cfg_rule_list(ctx->db, kind < 0 ? NULL : kinds[kind], active, &pg, &rep->body, err);
}

enum tm_code
al_h_rule_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id, version;
    enum tm_code rc;

    tm_ctx_every_store(ctx);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "version", 1, INT32_MAX, 0, &version, err)) != TM_OK)
        return rc;
    return al_cfg_rule_get(ctx->db, id, version, &rep->body, err);
}

/* Resolves up to pages x RESOLVE_PAGE open alerts of rule id (0: of every
 * inactive rule) — manual, by actor, with note — in the caller's
 * transaction; *done counts them. A deleted or deactivated rule leaves
 * nothing firing that no evaluation would ever clear: its request resolves
 * a page, the retire job the rest, so neither holds thousands of locks. */
static enum tm_code
resolve_open_alerts(PGconn *db, int64_t id, const char *actor, const char *note, int pages,
                    int64_t *done, struct tm_err *err)
{
    int64_t ids[RESOLVE_PAGE], after = 0;
    int n = RESOLVE_PAGE;
    enum tm_code rc = TM_OK;

    for (int p = 0; rc == TM_OK && n == RESOLVE_PAGE && p < pages; p++) {
        if ((rc = al_cfg_rule_open_alerts(db, id, after, ids, RESOLVE_PAGE, &n, err)) != TM_OK)
            break;
        for (int i = 0; rc == TM_OK && i < n; i++) {
            rc = al_db_resolve(db, ids[i], actor, 0, note, NULL, err);
            if (rc == TM_CONFLICT) /* resolved meanwhile by someone else: as wanted */
                rc = TM_OK;
            else if (rc == TM_OK)
                (*done)++;
            after = ids[i];
        }
    }
    return rc;
}

enum tm_code
al_job_retire(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    (void)app;
    *rows = 0;
    return resolve_open_alerts(db, 0, "system", "rule deleted or deactivated", RETIRE_PAGES, rows,
                               err);
}

/* POST (ctx->arg NULL) and PUT (arg non-NULL) of a rule: a new rule, or a
 * new version of one. */
static enum tm_code
rule_write(struct tm_ctx *ctx, struct tm_reply *rep, int create, struct tm_err *err)
{
    struct al_rule_in in;
    cJSON *body = NULL;
    char actor[AL_ACTOR_MAX + 1];
    int64_t id = 0;
    enum tm_code rc;

    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((!create && (rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK) ||
        (rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = al_decode_rule(body, &in, err)) != TM_OK)
        goto out;
    if (create) {
        rep->status = 201;
        rc = al_cfg_rule_create(ctx->db, &in, actor, &rep->body, err);
    } else if ((rc = al_cfg_rule_update(ctx->db, id, &in, actor, &rep->body, err)) == TM_OK &&
               !in.active) {
        int64_t done = 0;

        rc = resolve_open_alerts(ctx->db, id, actor, "rule deactivated", 1, &done, err);
    }
out:
    cJSON_Delete(body);
    return rc;
}

enum tm_code
al_h_rule_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return rule_write(ctx, rep, 1, err);
}

enum tm_code
al_h_rule_update(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return rule_write(ctx, rep, 0, err);
}

enum tm_code
al_h_rule_delete(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char actor[AL_ACTOR_MAX + 1];
    int64_t id, done = 0;
    int was_active = 0;
    enum tm_code rc;

    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = al_cfg_rule_delete(ctx->db, id, actor, &was_active, &rep->body, err)) != TM_OK)
        return rc;
    return resolve_open_alerts(ctx->db, id, actor, "rule deleted", 1, &done, err);
}

/* -------------------------------------------------------------- silences */

enum tm_code
al_h_silence_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char scope[TM_STORES_TEXT_MAX + 3];
    int scoped = tm_ctx_store_scope(ctx, scope, sizeof scope), active = -1;
    struct tm_page pg;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_bool(ctx, "active", &active, err)) != TM_OK)
        return rc;
    return al_cfg_silence_list(ctx->db, active, scoped ? scope : NULL, &pg, &rep->body, err);
}

enum tm_code
al_h_silence_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char scope[TM_STORES_TEXT_MAX + 3], actor[AL_ACTOR_MAX + 1];
    struct al_silence_in in;
    cJSON *body = NULL;
    enum tm_code rc;

    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = al_decode_silence(body, tm_now_ms(), &in, err)) != TM_OK)
        goto out;
    if (tm_ctx_store_scope(ctx, scope, sizeof scope) && !in.store_id) {
        rc = tm_err_set(err, TM_FORBIDDEN, "store_id",
                        "a store-scoped role's silence must name one of its stores");
        goto out;
    }
    if ((in.store_id && (rc = tm_ctx_may_store(ctx, in.store_id, "store_id", err)) != TM_OK) ||
        (in.rule_id && (rc = al_cfg_rule_known(ctx->db, in.rule_id, "rule_id", err)) != TM_OK))
        goto out;
    rep->status = 201;
    rc = al_cfg_silence_create(ctx->db, &in, actor, &rep->body, err);
out:
    cJSON_Delete(body);
    return rc;
}

enum tm_code
al_h_silence_end(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char scope[TM_STORES_TEXT_MAX + 3], actor[AL_ACTOR_MAX + 1];
    int scoped = tm_ctx_store_scope(ctx, scope, sizeof scope);
    int64_t id;
    enum tm_code rc;

    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK)
        return rc;
    return al_cfg_silence_end(ctx->db, id, actor, scoped ? scope : NULL, &rep->body, err);
}

/* -------------------------------------------------------------- policies */

enum tm_code
al_h_policy_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    enum tm_code rc;

    tm_ctx_every_store(ctx);
    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK)
        return rc;
    return al_cfg_policy_list(ctx->db, &pg, &rep->body, err);
}

enum tm_code
al_h_policy_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    enum tm_code rc;

    tm_ctx_every_store(ctx);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK)
        return rc;
    return al_cfg_policy_get(ctx->db, id, &rep->body, err);
}

enum tm_code
al_h_policy_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char actor[AL_ACTOR_MAX + 1];
    struct al_policy_in in;
    cJSON *body = NULL;
    enum tm_code rc;

    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((rc = tm_ctx_body(ctx, &body, err)) == TM_OK &&
        (rc = al_decode_policy(body, &in, err)) == TM_OK) {
        rep->status = 201;
        rc = al_cfg_policy_create(ctx->db, &in, actor, &rep->body, err);
    }
    cJSON_Delete(body);
    return rc;
}

/* -------------------------------------------------------------- channels */

enum tm_code
al_h_channel_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    enum tm_code rc;

    tm_ctx_every_store(ctx);
    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK)
        return rc;
    return al_cfg_channel_list(ctx->db, &pg, &rep->body, err);
}

enum tm_code
al_h_channel_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct al_app *app = ctx->app;
    char actor[AL_ACTOR_MAX + 1];
    struct al_channel_in in;
    cJSON *body = NULL;
    enum tm_code rc;

    tm_ctx_principal(ctx, actor, sizeof actor);
    if ((rc = tm_ctx_body(ctx, &body, err)) != TM_OK ||
        (rc = al_decode_channel(body, app->cfg->webhook_hosts, &in, err)) != TM_OK)
        goto out;
    if (in.kind == AL_CH_WEBHOOK && !in.secret[0] &&
        (rc = tm_random_hex(SECRET_BYTES, in.secret, sizeof in.secret)) != TM_OK) {
        rc = tm_err_set(err, rc, NULL, "cannot make a webhook secret");
        goto out;
    }
    rep->status = 201;
    rc = al_cfg_channel_create(ctx->db, &in, actor, &rep->body, err);
out:
    cJSON_Delete(body);
    return rc;
}
