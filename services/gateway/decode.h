/* services/gateway/decode.h — the gateway's own request-body decoders: the
 * JSON bodies of login, refresh, logout, users and API keys, from the
 * request's bytes to plain structs. No I/O, no state; thread-safe. Every
 * refusal is TM_INVALID naming the field. tests/fuzz/gateway_fuzz.c runs
 * them on a worker-sized stack. */
#ifndef TM_GATEWAY_DECODE_H
#define TM_GATEWAY_DECODE_H

#include <stddef.h>

#include "common/err.h"

#include "services/gateway/store.h"

#define GW_PASSWORD_MIN 10
#define GW_PASSWORD_MAX 256
#define GW_REFRESH_TOKEN_MAX 100

/* Which fields a user body set (GW_F_* of store.h). */
struct gw_user_in {
    struct gw_user user; /* password_hash empty: the caller hashes `password` */
    char password[GW_PASSWORD_MAX + 1];
    unsigned set;
};

/* {"email","password"}. */
TM_MUSTCHECK enum tm_code gw_decode_login(const char *body, size_t len,
                                          char email[GW_EMAIL_MAX + 1],
                                          char password[GW_PASSWORD_MAX + 1], struct tm_err *err);

/* {"refresh_token"} (required). */
TM_MUSTCHECK enum tm_code gw_decode_refresh(const char *body, size_t len,
                                            char token[GW_REFRESH_TOKEN_MAX + 1],
                                            struct tm_err *err);

/* A logout body: empty, or {} with an optional "refresh_token"; token is ""
 * when there is none. */
TM_MUSTCHECK enum tm_code gw_decode_logout(const char *body, size_t len,
                                           char token[GW_REFRESH_TOKEN_MAX + 1],
                                           struct tm_err *err);

/* A user to create (every field the create needs) or a change to one
 * (create 0: at least one field; email cannot change). */
TM_MUSTCHECK enum tm_code gw_decode_user(const char *body, size_t len, int create,
                                         struct gw_user_in *out, struct tm_err *err);

/* {"name","stores"} of a new API key: at least one store. */
TM_MUSTCHECK enum tm_code gw_decode_key_create(const char *body, size_t len, struct gw_api_key *out,
                                               struct tm_err *err);

/* {"active": false}: the only change a key takes. */
TM_MUSTCHECK enum tm_code gw_decode_key_update(const char *body, size_t len, struct tm_err *err);

#endif
