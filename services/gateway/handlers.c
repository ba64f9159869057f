/* services/gateway/handlers.c — login, tokens, sessions, users, API keys
 * (the audit log's routes are in audit.c).
 * Login is deliberately slow (argon2id) and rate limited per email here and
 * per source address by the proxy; everything else is a few small queries.
 * Bodies are decoded by decode.c (pure, fuzzed); this file encodes. */
#include "services/gateway/handlers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/perm.h"
#include "common/time.h"

#include "services/gateway/audit.h"
#include "services/gateway/auth.h"
#include "services/gateway/decode.h"
#include "services/gateway/ratelimit.h"
#include "services/gateway/revoke.h"
#include "services/gateway/store.h"
#include "services/gateway/token.h"
#include "services/gateway/ws.h"

#define REFRESH_PREFIX "rt_"

/* ------------------------------------------------------------- helpers */

enum tm_code
gw_password_hash(int ops, int mem_kib, const char *password, char *out, size_t size,
                 struct tm_err *err)
{
    if (size < crypto_pwhash_STRBYTES ||
        crypto_pwhash_str(out, password, strlen(password), (unsigned long long)ops,
                          (size_t)mem_kib * 1024) != 0)
        return tm_err_set(err, TM_INTERNAL, NULL, "cannot hash password (out of memory?)");
    return TM_OK;
}

static struct gw_app *
app_of(const struct tm_ctx *ctx)
{
    return ctx->app;
}

static enum tm_code
stores_json(struct tm_buf *b, const int64_t *stores, int n)
{
    enum tm_code rc = tm_buf_adds(b, ",\"stores\":[");

    for (int i = 0; i < n && rc == TM_OK; i++)
        rc = tm_buf_printf(b, "%s%lld", i ? "," : "", (long long)stores[i]);
    return rc == TM_OK ? tm_buf_adds(b, "]") : rc;
}

/* The ids of a principal's store list ("3,11") as a JSON array. */
static enum tm_code
stores_text_json(struct tm_buf *b, const char *text)
{
    int64_t stores[GW_STORES_MAX];
    int n = 0;

    while (*text && n < GW_STORES_MAX) {
        char *end = NULL;
        long long v = strtoll(text, &end, 10);

        if (end == text)
            break;
        stores[n++] = v;
        text = *end == ',' ? end + 1 : end;
    }
    return stores_json(b, stores, n);
}

/* A user's members, the object left open (encode_user closes it). */
static enum tm_code
encode_user_open(struct tm_buf *b, const struct gw_user *u)
{
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)u->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "email", u->email, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "name", u->name, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "role", u->role, 0)) == TM_OK &&
        (rc = stores_json(b, u->stores, u->n_stores)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "active", u->active)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", u->created_at, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "updated_at", u->updated_at, 0)) == TM_OK)
        return TM_OK;
    return rc;
}

static enum tm_code
encode_user(struct tm_buf *b, const struct gw_user *u)
{
    enum tm_code rc = encode_user_open(b, u);

    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

static enum tm_code
encode_key(struct tm_buf *b, const struct gw_api_key *k, const char *secret_once)
{
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)k->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "name", k->name, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "prefix", k->prefix, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "role", "pos", 0)) == TM_OK &&
        (rc = stores_json(b, k->stores, k->n_stores)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "active", k->active)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", k->created_at, 0)) == TM_OK && secret_once)
        rc = tm_json_kv_str(b, "key", secret_once, 0);
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

/* Adapters for tm_reply_page. */
static enum tm_code
enc_user(struct tm_buf *b, const void *item)
{
    return encode_user(b, item);
}
static int64_t
id_user(const void *item)
{
    return ((const struct gw_user *)item)->id;
}
static enum tm_code
enc_key(struct tm_buf *b, const void *item)
{
    return encode_key(b, item, NULL);
}
static int64_t
id_key(const void *item)
{
    return ((const struct gw_api_key *)item)->id;
}

static enum tm_code
too_large(struct tm_err *err)
{
    return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* Signs an access token for u, issued at iat_ms (taken before u was read,
 * so a revocation of u at a later instant covers it), and stores a new
 * refresh token in `family` (a new family when NULL); the access token
 * names the family as its session. Writes the login reply. */
static enum tm_code
issue(struct tm_ctx *ctx, const struct gw_user *u, const char *family, int64_t iat_ms,
      struct tm_reply *rep, struct tm_err *err)
{
    struct gw_app *app = app_of(ctx);
    struct gw_claims c;
    char access[GW_TOKEN_MAX], secret[65], refresh[80], hash[65], fam[65];
    enum tm_code rc;

    memset(&c, 0, sizeof c);
    snprintf(c.sub, sizeof c.sub, "user:%lld", (long long)u->id);
    snprintf(c.role, sizeof c.role, "%s", u->role);
    memcpy(c.stores, u->stores, sizeof c.stores);
    c.n_stores = u->n_stores;
    c.iat_ms = iat_ms;
    c.iat = iat_ms / 1000;
    c.exp = c.iat + app->cfg->access_ttl_s;
    if (family)
        snprintf(fam, sizeof fam, "%s", family);
    if (tm_random_hex(16, c.jti, sizeof c.jti) != TM_OK ||
        tm_random_hex(32, secret, sizeof secret) != TM_OK ||
        (!family && tm_random_hex(16, fam, sizeof fam) != TM_OK))
        return tm_err_set(err, TM_INTERNAL, NULL, "random token does not fit");
    snprintf(c.sid, sizeof c.sid, "%s", fam);
    snprintf(refresh, sizeof refresh, REFRESH_PREFIX "%s", secret);
    tm_sha256_hex(refresh, strlen(refresh), hash);
    if ((rc = gw_token_sign(&c, app->key, app->key_len, access, sizeof access, err)) != TM_OK ||
        (rc = gw_db_refresh_add(ctx->db, hash, fam, u->id, app->cfg->refresh_ttl_s, err)) != TM_OK)
        return rc;
    snprintf(rep->target, sizeof rep->target, "user:%lld", (long long)u->id);
    if (tm_buf_adds(&rep->body, "{") != TM_OK ||
        tm_json_kv_str(&rep->body, "access_token", access, 1) != TM_OK ||
        tm_json_kv_str(&rep->body, "refresh_token", refresh, 0) != TM_OK ||
        tm_json_kv_str(&rep->body, "token_type", "Bearer", 0) != TM_OK ||
        tm_json_kv_i64(&rep->body, "expires_in", app->cfg->access_ttl_s) != TM_OK ||
        tm_buf_adds(&rep->body, "}") != TM_OK)
        return too_large(err);
    return TM_OK;
}

/* ---------------------------------------------------------- auth routes */

/* Per-email limit (the proxy limits per source address). */
static enum tm_code
login_limit(struct gw_app *app, const char *email, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_limit l;
    struct gw_limit_result res;
    char lower[GW_EMAIL_MAX + 1], hash[65];
    struct tm_redis *r = tm_redis_pool_get(app->redis, 200);
    enum tm_code rc;
    size_t i;

    for (i = 0; email[i] && i < GW_EMAIL_MAX; i++)
        lower[i] = (char)(email[i] >= 'A' && email[i] <= 'Z' ? email[i] - 'A' + 'a' : email[i]);
    lower[i] = '\0';
    tm_sha256_hex(lower, strlen(lower), hash);
    snprintf(l.key, sizeof l.key, "rl:login:email:%s", hash);
    l.per_window = app->cfg->rate_login;
    rc = r ? gw_ratelimit_check(r, &l, 1, NULL, 0, NULL, 0, tm_now_ms(),
                                app->cfg->rate_window_s * 1000, &res, NULL)
           : TM_UNAVAIL;
    tm_redis_pool_put(app->redis, r);
    if (rc != TM_OK || res.allowed)
        return TM_OK; /* Redis down: the per-address limit is gone too; fail open */
    rep->retry_after_s = res.reset_s;
    return tm_err_set(err, TM_RATELIMITED, "email", "too many login attempts for this email");
}

static enum tm_code
h_login(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_app *app = app_of(ctx);
    char email[GW_EMAIL_MAX + 1], password[GW_PASSWORD_MAX + 1];
    struct gw_user u;
    enum tm_code rc, found;
    int64_t iat_ms;
    int ok;

    if ((rc = gw_decode_login(ctx->req->body, ctx->req->body_len, email, password, err)) != TM_OK) {
        sodium_memzero(password, sizeof password);
        return rc;
    }
    snprintf(rep->target, sizeof rep->target, "email:%.100s", email);
    if ((rc = login_limit(app, email, rep, err)) != TM_OK)
        return rc;
    iat_ms = tm_now_ms();
    found = gw_db_user_by_email(ctx->db, email, &u, err);
    if (found != TM_OK && found != TM_NOTFOUND)
        return found;
    /* The same work whether or not the email exists: no timing oracle. */
    ok = crypto_pwhash_str_verify(found == TM_OK ? u.password_hash : app->dummy_hash, password,
                                  strlen(password)) == 0;
    sodium_memzero(password, sizeof password);
    if (found != TM_OK || !ok || !u.active)
        return tm_err_set(err, TM_UNAUTHENTICATED, "password", "wrong email or password");
    rc = issue(ctx, &u, NULL, iat_ms, rep, err);
    snprintf(rep->target, sizeof rep->target, "user:%lld", (long long)u.id);
    return rc;
}

/* Ends session `family`: its refresh tokens, and the access tokens issued
 * in it (any still valid expires within an access token's lifetime). */
static enum tm_code
end_session(struct tm_ctx *ctx, const char *family, struct tm_err *err)
{
    struct gw_app *app = app_of(ctx);
    enum tm_code rc;

    if ((rc = gw_db_refresh_revoke_family(ctx->db, family, err)) != TM_OK)
        return rc;
    return gw_revoke(app, ctx->db, "sid", family, GW_REVOKE_ALL, app->cfg->access_ttl_s + 60, err);
}

static enum tm_code
h_refresh(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char token[GW_REFRESH_TOKEN_MAX + 1], hash[65], family[65];
    int64_t user_id = 0, iat_ms = tm_now_ms();
    struct gw_user u;
    enum tm_code rc;

    if ((rc = gw_decode_refresh(ctx->req->body, ctx->req->body_len, token, err)) != TM_OK)
        return rc;
    tm_sha256_hex(token, strlen(token), hash);
    rc = gw_db_refresh_use(ctx->db, hash, family, &user_id, err);
    if (rc == TM_CONFLICT) {
        /* A stolen token and its owner both used it: end the whole chain. */
        if ((rc = end_session(ctx, family, err)) != TM_OK) {
            tm_log_error(ctx->req->id, "refresh.revoke_failed", "family=%.8s", family);
            return rc;
        }
        tm_log_warn(ctx->req->id, "refresh.reused", "user=%lld family=%.8s", (long long)user_id,
                    family);
        return tm_err_set(err, TM_UNAUTHENTICATED, "refresh_token",
                          "refresh token already used; the session is revoked");
    }
    if (rc == TM_NOTFOUND)
        return tm_err_set(err, TM_UNAUTHENTICATED, "refresh_token",
                          "unknown or expired refresh token");
    if (rc != TM_OK || (rc = gw_db_user_get_shared(ctx->db, user_id, &u, err)) != TM_OK)
        return rc;
    if (!u.active)
        return tm_err_set(err, TM_UNAUTHENTICATED, "refresh_token", "user disabled");
    return issue(ctx, &u, family, iat_ms, rep, err);
}

/* Ends the session of the refresh token in the body, if any. */
static enum tm_code
logout_body(struct tm_ctx *ctx, struct tm_err *err)
{
    char token[GW_REFRESH_TOKEN_MAX + 1], hash[65], family[65];
    int64_t user_id;
    enum tm_code rc;

    if ((rc = gw_decode_logout(ctx->req->body, ctx->req->body_len, token, err)) != TM_OK ||
        !token[0])
        return rc;
    tm_sha256_hex(token, strlen(token), hash);
    if (gw_db_refresh_use(ctx->db, hash, family, &user_id, NULL) != TM_NOTFOUND)
        rc = end_session(ctx, family, err);
    return rc;
}

/* Revokes this access token and ends its session (the refresh family it
 * was issued in), and the session of a refresh token in the body. */
static enum tm_code
h_logout(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct tm_principal *pr = &ctx->req->principal;
    struct gw_app *app = app_of(ctx);
    int64_t left_s = pr->token_exp - tm_now_ms() / 1000;
    enum tm_code rc;

    if (ctx->req->body_len && (rc = logout_body(ctx, err)) != TM_OK)
        return rc;
    if (pr->token_id[0] && (rc = gw_revoke(app, ctx->db, "jti", pr->token_id, GW_REVOKE_ALL,
                                           (left_s > 0 ? left_s : 0) + 60, err)) != TM_OK)
        return rc;
    if (pr->session_id[0] && (rc = end_session(ctx, pr->session_id, err)) != TM_OK)
        return rc;
    snprintf(rep->target, sizeof rep->target, "%s", pr->id);
    rep->status = 200;
    return tm_buf_adds(&rep->body, "{\"logged_out\":true}") == TM_OK ? TM_OK : too_large(err);
}

/* ,"permissions":[...]: what the role may do (common/perm.h), so a client
 * (the web app) shows only what the server would allow. */
static enum tm_code
perms_json(struct tm_buf *b, const char *role_name)
{
    enum tm_role role;
    enum tm_code rc = tm_buf_adds(b, ",\"permissions\":[");
    int n = 0;

    if (tm_role_parse(role_name, &role))
        for (int p = TM_PERM_SELF; rc == TM_OK && p < TM_PERM_COUNT; p++)
            if (tm_role_allows(role, (enum tm_perm)p)) {
                if (n++ && (rc = tm_buf_adds(b, ",")) != TM_OK)
                    break;
                rc = tm_json_quote(b, tm_perm_name((enum tm_perm)p));
            }
    return rc == TM_OK ? tm_buf_adds(b, "]") : rc;
}

static enum tm_code
h_me(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct tm_principal *pr = &ctx->req->principal;
    struct gw_user u;
    enum tm_code rc;

    if (strncmp(pr->id, "user:", 5) == 0) {
        if ((rc = gw_db_user_get(ctx->db, strtoll(pr->id + 5, NULL, 10), &u, err)) != TM_OK)
            return rc == TM_NOTFOUND ? tm_err_set(err, TM_UNAUTHENTICATED, NULL, "no such user")
                                     : rc;
        return encode_user_open(&rep->body, &u) == TM_OK &&
                       perms_json(&rep->body, u.role) == TM_OK &&
                       tm_buf_adds(&rep->body, "}") == TM_OK
                   ? TM_OK
                   : too_large(err);
    }
    if (tm_buf_adds(&rep->body, "{") != TM_OK ||
        tm_json_kv_str(&rep->body, "kind", pr->kind, 1) != TM_OK ||
        tm_json_kv_str(&rep->body, "id", pr->id, 0) != TM_OK ||
        tm_json_kv_str(&rep->body, "role", pr->role, 0) != TM_OK ||
        stores_text_json(&rep->body, pr->stores) != TM_OK ||
        perms_json(&rep->body, pr->role) != TM_OK || tm_buf_adds(&rep->body, "}") != TM_OK)
        return too_large(err);
    return TM_OK;
}

/* ----------------------------------------------------------------- users */

/* The user a body describes, its password (when given) hashed. */
static enum tm_code
user_in(struct gw_app *app, const struct tm_ctx *ctx, int create, struct gw_user_in *in,
        struct tm_err *err)
{
    enum tm_code rc = gw_decode_user(ctx->req->body, ctx->req->body_len, create, in, err);

    if (rc == TM_OK && (in->set & GW_F_PASSWORD))
        rc = gw_password_hash(app->cfg->pwhash_ops, app->cfg->pwhash_mem_kib, in->password,
                              in->user.password_hash, sizeof in->user.password_hash, err);
    sodium_memzero(in->password, sizeof in->password);
    return rc;
}

static enum tm_code
h_user_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    struct gw_user *rows;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = gw_db_user_list(ctx->db, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, sizeof *rows, n, pg.limit, enc_user, id_user, err);
    free(rows);
    return rc;
}

static enum tm_code
h_user_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_user_in in;
    enum tm_code rc;

    if ((rc = user_in(app_of(ctx), ctx, 1, &in, err)) == TM_OK &&
        (rc = gw_db_user_create(ctx->db, &in.user, err)) == TM_OK) {
        rep->status = 201;
        snprintf(rep->target, sizeof rep->target, "user:%lld", (long long)in.user.id);
        rc = encode_user(&rep->body, &in.user) == TM_OK ? TM_OK : too_large(err);
    }
    return rc;
}

static enum tm_code
h_user_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_user u;
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = gw_db_user_get(ctx->db, id, &u, err)) != TM_OK)
        return rc;
    return encode_user(&rep->body, &u) == TM_OK ? TM_OK : too_large(err);
}

static enum tm_code
h_user_update(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_app *app = app_of(ctx);
    struct gw_user_in in;
    struct gw_user out;
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) == TM_OK &&
        (rc = user_in(app, ctx, 0, &in, err)) == TM_OK &&
        (rc = gw_db_user_update(ctx->db, id, &in.user, in.set, &out, err)) == TM_OK) {
        snprintf(rep->target, sizeof rep->target, "user:%lld", (long long)id);
        /* New role, stores or password, or disabled: tokens issued before
         * now stop working at once (claims would be stale). */
        if ((in.set & (GW_F_ROLE | GW_F_STORES | GW_F_PASSWORD)) ||
            ((in.set & GW_F_ACTIVE) && !in.user.active)) {
            char uid[24];
            /* after the UPDATE: a login reading the row waits for this
             * transaction (FOR SHARE), so a token issued later than this
             * instant carries the new claims */
            int64_t now_ms = tm_now_ms();
            snprintf(uid, sizeof uid, "%lld", (long long)id);
            if ((rc = gw_db_refresh_revoke_user(ctx->db, id, err)) == TM_OK)
                rc = gw_revoke(app, ctx->db, "user", uid, now_ms, app->cfg->access_ttl_s + 60, err);
        }
        if (rc == TM_OK)
            rc = encode_user(&rep->body, &out) == TM_OK ? TM_OK : too_large(err);
    }
    return rc;
}

/* -------------------------------------------------------------- API keys */

static enum tm_code
h_key_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_page pg;
    struct gw_api_key *rows;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = gw_db_key_list(ctx->db, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, sizeof *rows, n, pg.limit, enc_key, id_key, err);
    free(rows);
    return rc;
}

static enum tm_code
h_key_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const char *by = ctx->req->principal.id;
    struct gw_api_key k;
    char full[96];
    enum tm_code rc;

    if ((rc = gw_decode_key_create(ctx->req->body, ctx->req->body_len, &k, err)) != TM_OK)
        return rc;
    if ((rc = gw_api_key_generate(&k, full, sizeof full, err)) != TM_OK)
        return rc;
    if ((rc = gw_db_key_create(ctx->db, &k,
                               strncmp(by, "user:", 5) == 0 ? strtoll(by + 5, NULL, 10) : 0,
                               err)) != TM_OK)
        return rc;
    rep->status = 201;
    snprintf(rep->target, sizeof rep->target, "key:%lld", (long long)k.id);
    rc = encode_key(&rep->body, &k, full) == TM_OK ? TM_OK : too_large(err);
    sodium_memzero(full, sizeof full);
    return rc;
}

enum tm_code
gw_api_key_generate(struct gw_api_key *k, char *full, size_t size, struct tm_err *err)
{
    char secret[49];
    int n;

    if (tm_random_hex(6, k->prefix, sizeof k->prefix) != TM_OK ||
        tm_random_hex(24, secret, sizeof secret) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "random token does not fit");
    tm_sha256_hex(secret, strlen(secret), k->secret_hash);
    n = snprintf(full, size, "tmk_%s_%s", k->prefix, secret);
    sodium_memzero(secret, sizeof secret);
    return n > 0 && (size_t)n < size ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "key buffer");
}

/* PATCH {"active": false} disables a key for good; nothing else changes.
 * In autocommit: the disabling is committed before every gateway is told
 * to forget the key (auth.h), so none can read it back active. */
static enum tm_code
h_key_update(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_api_key k;
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = gw_decode_key_update(ctx->req->body, ctx->req->body_len, err)) != TM_OK)
        return rc;
    if ((rc = gw_db_key_disable(ctx->db, id, &k, err)) != TM_OK ||
        (rc = gw_auth_key_changed(app_of(ctx), k.prefix, err)) != TM_OK)
        return rc;
    snprintf(rep->target, sizeof rep->target, "key:%lld", (long long)id);
    return encode_key(&rep->body, &k, NULL) == TM_OK ? TM_OK : too_large(err);
}

/* Login, refresh and logout write in autocommit: a refused refresh must
 * still revoke the family it found reused. */
const struct tm_route gw_local_routes[] = {
    {"POST", "/api/v1/auth/login", h_login, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/auth/refresh", h_refresh, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/auth/logout", h_logout, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/auth/me", h_me, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/users", h_user_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/users", h_user_create, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/users/{id}", h_user_get, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"PATCH", "/api/v1/users/{id}", h_user_update, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/api-keys", h_key_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/api-keys", h_key_create, TM_TX_WRITE, NULL, TM_SCOPE_NONE},
    {"PATCH", "/api/v1/api-keys/{id}", h_key_update, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/audit", gw_h_audit_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/audit/refusals", gw_h_audit_refusals, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/gateway/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/gateway/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/gateway/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL,
     TM_SCOPE_NONE},
    {"GET", "/api/v1/ws/dashboard", gw_ws_h_plain, TM_TX_READ, NULL, TM_SCOPE_NONE},
};
const size_t gw_local_routes_n = sizeof gw_local_routes / sizeof gw_local_routes[0];
