/* services/gateway/auth.h — who is asking, and may they. Authentication
 * reads `Authorization: Bearer <access token>` or `X-API-Key: tmk_...`;
 * no credentials is the anonymous principal. Authorization checks the
 * route's permission against the role and, for store-scoped routes, the
 * store in the path against the principal's stores. Thread-safe. */
#ifndef TM_GATEWAY_AUTH_H
#define TM_GATEWAY_AUTH_H

#include <stdint.h>

#include <civetweb.h>

#include "common/envelope.h"
#include "common/err.h"
#include "common/perm.h"

#include "services/gateway/app.h"
#include "services/gateway/routes.h"
#include "services/gateway/token.h"

struct gw_principal {
    struct tm_principal env; /* what the envelope carries */
    int known_role;          /* 0: anonymous */
    enum tm_role role;
    int64_t stores[GW_STORES_MAX];
    int n_stores;
    int64_t user_id; /* > 0 for users */
    int64_t iat_ms;  /* token issue time, epoch ms; 0 for API keys */
};

/* Fills *p from the request's credentials: Authorization, X-API-Key, or
 * for a WebSocket upgrade without them (a browser) the token offered as
 * the subprotocols "bearer, <token>" (wsmsg.h). TM_UNAUTHENTICATED (field
 * "Authorization", "X-API-Key" or "Sec-WebSocket-Protocol") for a bad,
 * expired or disabled credential;
 * TM_UNAVAIL when the key store cannot be asked. */
TM_MUSTCHECK enum tm_code gw_authenticate(const struct gw_app *app, struct mg_connection *conn,
                                          struct gw_principal *p, struct tm_err *err);

/* 1 when the request carries an API key whose prefix this gateway does
 * not keep (keycache.h): a made-up one, or a real one not seen lately.
 * gw_authenticate reads PostgreSQL for it, so the caller counts it as
 * anonymous first: made-up keys stop at an address's limit, not at the
 * database. */
int gw_auth_unknown_key(const struct gw_app *app, struct mg_connection *conn);

/* Registers the API keys' push kind (keycache.h); before gw_push_start. */
TM_MUSTCHECK enum tm_code gw_auth_push_init(struct gw_app *app, struct tm_err *err);

/* Tells every gateway that the key of prefix changed (disabled), after
 * its write committed: TM_OK once no healthy gateway keeps it;
 * TM_UNAVAIL (logged) when that could not be confirmed (the write
 * stands). */
TM_MUSTCHECK enum tm_code gw_auth_key_changed(const struct gw_app *app, const char *prefix,
                                              struct tm_err *err);

/* Fills *p from an access token (the header's, or a WebSocket upgrade's
 * subprotocols'): its form, signature, expiry and role; a token this
 * gateway verified before is taken from its cache (tokcache.h), its expiry
 * and issue time checked again. TM_UNAUTHENTICATED (field "Authorization")
 * when it fails. Revocation is the caller's check (gw_revoke_check_db). */
TM_MUSTCHECK enum tm_code gw_authenticate_token(const struct gw_app *app, const char *token,
                                                struct gw_principal *p, struct tm_err *err);

/* Pure: may p call rt with these path parameters? TM_UNAUTHENTICATED when
 * credentials are needed and absent, TM_FORBIDDEN when they do not suffice. */
TM_MUSTCHECK enum tm_code gw_authorize(const struct gw_route *rt, const struct gw_principal *p,
                                       const struct tm_kv *params, int n_params,
                                       struct tm_err *err);

/* Sets p to a user principal from verified token claims. */
void gw_principal_from_claims(const struct gw_claims *c, struct gw_principal *p);

/* Formats stores as "3,11" into out[size]. */
void gw_stores_text(const int64_t *stores, int n, char *out, size_t size);

#endif
