/* services/gateway/store.h — tm-gateway's SQL: the `gateway` schema (users,
 * API keys, refresh tokens, audit). Functions take a connection the caller
 * holds and fill plain structs. Prefix gw_db_. */
#ifndef TM_GATEWAY_STORE_H
#define TM_GATEWAY_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/router.h"

#include "services/gateway/token.h"

#define GW_EMAIL_MAX 254
#define GW_NAME_MAX 200
#define GW_HASH_MAX 128 /* argon2id encoded hash */
#define GW_TS_MAX 32

struct gw_user {
    int64_t id;
    char email[GW_EMAIL_MAX + 1];
    char name[GW_NAME_MAX + 1];
    char role[TM_ROLE_MAX + 1];
    int64_t stores[GW_STORES_MAX];
    int n_stores;
    char password_hash[GW_HASH_MAX + 1];
    int active;
    char created_at[GW_TS_MAX], updated_at[GW_TS_MAX];
};

struct gw_api_key {
    int64_t id;
    char name[GW_NAME_MAX + 1];
    char prefix[24];
    char secret_hash[65];
    int64_t stores[GW_STORES_MAX];
    int n_stores;
    int active;
    char created_at[GW_TS_MAX];
};

struct gw_audit_row {
    int64_t id;
    char at[GW_TS_MAX];
    char request_id[TM_RID_MAX + 1];
    char method[TM_METHOD_MAX + 1];
    char path[TM_PATH_MAX + 1];
    char principal_kind[16];
    char principal_id[TM_PRINCIPAL_ID_MAX + 1];
    char role[TM_ROLE_MAX + 1];
    char target_ids[128];
    int status;
    char source_addr[64];
};

struct gw_audit_filter {
    const char *principal;   /* NULL: any */
    const char *path_prefix; /* NULL: any */
    int status;              /* 0: any */
    const char *from, *to;   /* ISO 8601, NULL: open */
};

/* Users. Set bits as in services/gateway/handlers.c for update. */
TM_MUSTCHECK enum tm_code gw_db_user_create(PGconn *db, struct gw_user *u, struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_user_get(PGconn *db, int64_t id, struct gw_user *out,
                                         struct tm_err *err);
/* TM_NOTFOUND when no user has this email (case-insensitive). */
TM_MUSTCHECK enum tm_code gw_db_user_by_email(PGconn *db, const char *email, struct gw_user *out,
                                              struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_user_update(PGconn *db, int64_t id, const struct gw_user *in,
                                            unsigned set, struct gw_user *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_user_list(PGconn *db, const struct tm_page *pg, struct gw_user *out,
                                          int *n, struct tm_err *err);

/* API keys. */
TM_MUSTCHECK enum tm_code gw_db_key_create(PGconn *db, struct gw_api_key *k, int64_t created_by,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_key_by_prefix(PGconn *db, const char *prefix,
                                              struct gw_api_key *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_key_disable(PGconn *db, int64_t id, struct gw_api_key *out,
                                            struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_key_list(PGconn *db, const struct tm_page *pg,
                                         struct gw_api_key *out, int *n, struct tm_err *err);

/* Refresh tokens: stored by hash; family groups a chain of rotations. */
TM_MUSTCHECK enum tm_code gw_db_refresh_add(PGconn *db, const char *hash, const char *family,
                                            int64_t user_id, int64_t ttl_s, struct tm_err *err);
/* Marks the token used and returns its family and user. TM_NOTFOUND when
 * unknown or expired; TM_CONFLICT when it was used or revoked before (the
 * caller then revokes the family). */
TM_MUSTCHECK enum tm_code gw_db_refresh_use(PGconn *db, const char *hash, char family[65],
                                            int64_t *user_id, struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_refresh_revoke_family(PGconn *db, const char *family,
                                                      struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_refresh_revoke_user(PGconn *db, int64_t user_id,
                                                    struct tm_err *err);

/* Audit. */
TM_MUSTCHECK enum tm_code gw_db_audit_add(PGconn *db, const struct gw_audit_row *a,
                                          struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_audit_list(PGconn *db, const struct gw_audit_filter *f,
                                           const struct tm_page *pg, struct gw_audit_row *out,
                                           int *n, struct tm_err *err);

#endif
