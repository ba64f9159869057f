/* services/gateway/auth.c — credentials to principal, principal to verdict.
 * Runs on every API request: a token costs one HMAC the first time this
 * gateway sees it (tokcache.h) and a lookup in memory after; an API key
 * one indexed lookup the first time, then (while the push channel that
 * carries a key's disabling is healthy) a lookup in memory and a SHA-256
 * of its secret (keycache.h). */
#include "services/gateway/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "common/hash.h"
#include "common/log.h"
#include "common/time.h"

#include "services/gateway/keycache.h"
#include "services/gateway/push.h"
#include "services/gateway/store.h"
#include "services/gateway/tokcache.h"
#include "services/gateway/token.h"
#include "services/gateway/wsmsg.h"

#define API_KEY_PREFIX "tmk_"

void
gw_stores_text(const int64_t *stores, int n, char *out, size_t size)
{
    size_t o = 0;

    out[0] = '\0';
    for (int i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%lld", i ? "," : "", (long long)stores[i]);
}

void
gw_principal_from_claims(const struct gw_claims *c, struct gw_principal *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->env.kind, sizeof p->env.kind, "user");
    snprintf(p->env.id, sizeof p->env.id, "%s", c->sub);
    snprintf(p->env.role, sizeof p->env.role, "%s", c->role);
    snprintf(p->env.token_id, sizeof p->env.token_id, "%s", c->jti);
    p->env.token_exp = c->exp;
    p->known_role = tm_role_parse(c->role, &p->role);
    memcpy(p->stores, c->stores, sizeof p->stores);
    p->n_stores = c->n_stores;
    gw_stores_text(p->stores, p->n_stores, p->env.stores, sizeof p->env.stores);
    p->user_id = strncmp(c->sub, "user:", 5) == 0 ? strtoll(c->sub + 5, NULL, 10) : 0;
    p->iat_ms = c->iat_ms;
    snprintf(p->env.session_id, sizeof p->env.session_id, "%s", c->sid);
}

static void
anonymous(struct gw_principal *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->env.kind, sizeof p->env.kind, "anonymous");
}

/* The prefix of "tmk_<prefix>_<secret>" into prefix[24] and its secret;
 * NULL when key has not that form. */
static const char *
key_parts(const char *key, char prefix[24])
{
    const char *sep;

    if (strncmp(key, API_KEY_PREFIX, 4) != 0 || !(sep = strchr(key + 4, '_')) ||
        sep - key - 4 < 1 || sep - key - 4 >= 24 || strlen(sep + 1) < 32 || strlen(sep + 1) > 128)
        return NULL;
    snprintf(prefix, 24, "%.*s", (int)(sep - key - 4), key + 4);
    return sep + 1;
}

int
gw_auth_unknown_key(const struct gw_app *app, struct mg_connection *conn)
{
    const char *key = mg_get_header(conn, "X-API-Key");
    struct gw_api_key k;
    char prefix[24];
    int fresh;

    if (!key || !key_parts(key, prefix))
        return 0;
    /* a prefix once kept names a key that exists (keys are never deleted),
     * however old the copy or the push channel's health */
    return !gw_keycache_get(app->keycache, prefix, tm_mono_ms(), &k, &fresh);
}

/* "tmk_<prefix>_<secret>": looks the prefix up (in memory, else in
 * PostgreSQL), compares the secret's hash. */
static enum tm_code
api_key(const struct gw_app *app, const char *key, struct gw_principal *p, struct tm_err *err)
{
    char prefix[24], hash[65];
    const char *secret = key_parts(key, prefix);
    struct gw_api_key k;
    PGconn *db = NULL;
    int kept, fresh = 0, trust;
    uint64_t ticket;
    enum tm_code rc;

    if (!secret)
        return tm_err_set(err, TM_UNAUTHENTICATED, "X-API-Key", "invalid API key");
    tm_sha256_hex(secret, strlen(secret), hash);
    kept = gw_keycache_get(app->keycache, prefix, tm_mono_ms(), &k, &fresh);
    /* a key's secret never changes: a wrong one needs no fresh copy */
    if (kept && CRYPTO_memcmp(hash, k.secret_hash, 64) != 0)
        return tm_err_set(err, TM_UNAUTHENTICATED, "X-API-Key", "invalid API key");
    /* health after the copy was taken: a drop this gateway missed shows */
    if (kept && fresh && gw_push_healthy(app->push)) {
        gw_keycache_counted(app->keycache, 1);
    } else {
        gw_keycache_counted(app->keycache, 0);
        trust = gw_push_healthy(app->push); /* before the ticket: a reset after it clears */
        ticket = gw_keycache_ticket(app->keycache);
        if ((rc = tm_db_acquire(app->db, 1000, &db, err)) != TM_OK)
            return rc;
        rc = gw_db_key_by_prefix(db, prefix, &k, err);
        tm_db_release(app->db, db);
        if (rc == TM_NOTFOUND)
            return tm_err_set(err, TM_UNAUTHENTICATED, "X-API-Key", "invalid API key");
        if (rc != TM_OK)
            return rc;
        if (trust && gw_push_healthy(app->push))
            gw_keycache_put(app->keycache, &k, ticket, tm_mono_ms());
    }
    if (CRYPTO_memcmp(hash, k.secret_hash, 64) != 0)
        return tm_err_set(err, TM_UNAUTHENTICATED, "X-API-Key", "invalid API key");
    if (!k.active)
        return tm_err_set(err, TM_UNAUTHENTICATED, "X-API-Key", "API key disabled");
    memset(p, 0, sizeof *p);
    snprintf(p->env.kind, sizeof p->env.kind, "api_key");
    snprintf(p->env.id, sizeof p->env.id, "key:%lld", (long long)k.id);
    snprintf(p->env.role, sizeof p->env.role, "pos");
    p->known_role = 1;
    p->role = TM_ROLE_POS;
    memcpy(p->stores, k.stores, sizeof p->stores);
    p->n_stores = k.n_stores;
    gw_stores_text(p->stores, p->n_stores, p->env.stores, sizeof p->env.stores);
    return TM_OK;
}

static void
on_key_push(void *arg, const char *prefix)
{
    gw_keycache_drop(arg, prefix);
}

static enum tm_code
on_key_reset(void *arg, struct tm_err *err)
{
    (void)err;
    gw_keycache_clear(arg);
    return TM_OK;
}

enum tm_code
gw_auth_push_init(struct gw_app *app, struct tm_err *err)
{
    return gw_push_on(app->push, GW_KEYCACHE_PUSH_KIND, on_key_push, on_key_reset, app->keycache,
                      err);
}

enum tm_code
gw_auth_key_changed(const struct gw_app *app, const char *prefix, struct tm_err *err)
{
    if (!app->push)
        return TM_OK;
    if (gw_push_publish(app->push, GW_KEYCACHE_PUSH_KIND, prefix, err) == TM_OK)
        return TM_OK;
    tm_log_error(NULL, "api_key.push_failed",
                 "prefix=%s error=\"%s\" note=\"stored in PostgreSQL; a gateway trusting memory "
                 "may accept the key until it resubscribes: answered 503\"",
                 prefix, err->message);
    return tm_err_set(err, TM_UNAVAIL, NULL,
                      "API key changed but not yet confirmed on every gateway; retry");
}

enum tm_code
gw_authenticate_token(const struct gw_app *app, const char *token, struct gw_principal *p,
                      struct tm_err *err)
{
    struct gw_claims c;
    size_t len = strnlen(token, GW_TOKEN_MAX + 1);
    int64_t now_s = tm_now_ms() / 1000;
    enum tm_code rc;

    if (gw_tokcache_get(app->tokcache, token, len, now_s, p))
        return TM_OK;
    anonymous(p);
    rc = gw_token_verify(token, app->key, app->key_len, now_s, &c, err);
    if (rc != TM_OK)
        return rc;
    gw_principal_from_claims(&c, p);
    if (!p->known_role)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization", "token has an unknown role");
    gw_tokcache_put(app->tokcache, token, len, c.iat, p);
    return TM_OK;
}

enum tm_code
gw_authenticate(const struct gw_app *app, struct mg_connection *conn, struct gw_principal *p,
                struct tm_err *err)
{
    const char *auth = mg_get_header(conn, "Authorization");
    const char *key = mg_get_header(conn, "X-API-Key");
    const char *proto = mg_get_header(conn, "Sec-WebSocket-Protocol");
    const char *upgrade = mg_get_header(conn, "Upgrade");

    anonymous(p);
    if (auth && key)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization",
                          "send either a token or an API key, not both");
    if (key)
        return api_key(app, key, p, err);
    if (!auth && proto && upgrade && strcasecmp(upgrade, "websocket") == 0) {
        char token[GW_TOKEN_MAX + 1];
        enum tm_code rc = gw_ws_protocol_token(proto, token, sizeof token, err);

        return rc == TM_OK ? gw_authenticate_token(app, token, p, err) : rc;
    }
    if (!auth)
        return TM_OK;
    if (strncasecmp(auth, "Bearer ", 7) != 0)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization",
                          "Authorization must be 'Bearer <access token>'");
    return gw_authenticate_token(app, auth + 7, p, err);
}

static int
holds_store(const struct gw_principal *p, const char *id)
{
    char *end = NULL;
    long long want = strtoll(id, &end, 10);

    if (!*id || *end)
        return 0;
    for (int i = 0; i < p->n_stores; i++)
        if (p->stores[i] == want)
            return 1;
    return 0;
}

enum tm_code
gw_authorize(const struct gw_route *rt, const struct gw_principal *p, const struct tm_kv *params,
             int n_params, struct tm_err *err)
{
    if (rt->perm == TM_PERM_PUBLIC)
        return TM_OK;
    if (!p->known_role)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization",
                          "this endpoint needs a token or an API key");
    if (!tm_role_allows(p->role, rt->perm))
        return tm_err_set(err, TM_FORBIDDEN, NULL, "role %s lacks permission %s",
                          tm_role_name(p->role), tm_perm_name(rt->perm));
    if (rt->scope == GW_SCOPE_STORE && tm_role_scoped(p->role)) {
        if (n_params > 0 && holds_store(p, params[0].val))
            return TM_OK;
        return tm_err_set(err, TM_FORBIDDEN, n_params ? params[0].key : NULL,
                          "store %s is not one of this principal's stores",
                          n_params ? params[0].val : "?");
    }
    return TM_OK;
}
