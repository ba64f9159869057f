/* services/gateway/store.h — tm-gateway's SQL: the `gateway` schema (users,
 * API keys, refresh tokens, audit). Functions take a connection the caller
 * holds and fill plain structs. Prefix gw_db_. */
#ifndef TM_GATEWAY_STORE_H
#define TM_GATEWAY_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/jobs.h"
#include "common/page.h"

#include "services/gateway/token.h"

#define GW_EMAIL_MAX 254
#define GW_NAME_MAX 200
#define GW_HASH_MAX 128 /* argon2id encoded hash */
#define GW_TS_MAX 32

/* Fields a user change sets (gw_decode_user, gw_db_user_update). */
enum {
    GW_F_NAME = 1 << 0,
    GW_F_ROLE = 1 << 1,
    GW_F_STORES = 1 << 2,
    GW_F_PASSWORD = 1 << 3,
    GW_F_ACTIVE = 1 << 4,
};

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

/* Anonymous refusals of one source address, minute and status. */
struct gw_refusal_row {
    int64_t id;
    char minute[GW_TS_MAX];
    char source_addr[64];
    int status;
    int64_t n; /* requests refused */
    char last_at[GW_TS_MAX];
};

/* Anonymous refusals counted in a gateway's memory (refusals.h): n of
 * source_addr with status in the minute starting at minute_s (Unix
 * seconds), the last at last_ms. Integers of one width, so that each column
 * goes to tm_db_int_array. */
struct gw_refusal_count {
    int64_t minute_s;
    int64_t status;
    int64_t n;
    int64_t last_ms;
    char source_addr[64];
};

/* A live revocation: tokens of `kind` ("user", "jti", "sid") `subject`
 * issued at or before before_ms are refused for ttl_ms more. */
struct gw_revocation {
    char kind[8];
    char subject[TM_SESSION_ID_MAX + 1];
    int64_t before_ms;
    int64_t ttl_ms;
};

struct gw_audit_filter {
    const char *principal;   /* NULL: any */
    const char *path_prefix; /* NULL: any */
    int status;              /* 0: any */
    const char *from, *to;   /* ISO 8601, NULL: open */
    const char *source_addr; /* refusals only; NULL: any */
};

/* Users. Update sets the fields named by `set` (GW_F_* bits) from `in`. */
TM_MUSTCHECK enum tm_code gw_db_user_create(PGconn *db, struct gw_user *u, struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_user_get(PGconn *db, int64_t id, struct gw_user *out,
                                         struct tm_err *err);
/* As gw_db_user_get, and waits for a change of the row in progress to end
 * (FOR SHARE): what a token is issued from, so a token issued after a
 * revocation marker never carries the claims from before it. */
TM_MUSTCHECK enum tm_code gw_db_user_get_shared(PGconn *db, int64_t id, struct gw_user *out,
                                                struct tm_err *err);
/* TM_NOTFOUND when no user has this email (case-insensitive). Reads as
 * gw_db_user_get_shared does. */
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

/* Revocations (the truth; Redis holds a copy). Records that tokens of
 * kind/subject issued at or before before_ms are refused for ttl_s; a
 * second one for the same subject keeps the later time and expiry. */
TM_MUSTCHECK enum tm_code gw_db_revocation_add(PGconn *db, const char *kind, const char *subject,
                                               int64_t before_ms, int64_t ttl_s,
                                               struct tm_err *err);
/* Every revocation not yet expired, in *out (malloc'd, the caller frees;
 * NULL when *n is 0). */
TM_MUSTCHECK enum tm_code gw_db_revocations_live(PGconn *db, struct gw_revocation **out, int *n,
                                                 struct tm_err *err);
/* Is a token of user_id (jti, sid; sid may be "") issued at iat_ms refused?
 * *refused is 1 when a live revocation covers it or the user is disabled
 * or gone. */
TM_MUSTCHECK enum tm_code gw_db_revoked(PGconn *db, int64_t user_id, const char *jti,
                                        const char *sid, int64_t iat_ms, int *refused,
                                        struct tm_err *err);
/* Deletes revocations expired more than an hour ago; *rows is the count. */
TM_MUSTCHECK enum tm_code gw_db_revocations_prune(PGconn *db, int64_t *rows, struct tm_err *err);

/* Audit. */
TM_MUSTCHECK enum tm_code gw_db_audit_add(PGconn *db, const struct gw_audit_row *a,
                                          struct tm_err *err);
TM_MUSTCHECK enum tm_code gw_db_audit_list(PGconn *db, const struct gw_audit_filter *f,
                                           const struct tm_page *pg, struct gw_audit_row *out,
                                           int *n, struct tm_err *err);
/* Adds n counters (distinct minute, address and status; in that order, so
 * that two gateways writing at once take the rows' locks in one order) to
 * the stored ones, in one statement. */
TM_MUSTCHECK enum tm_code gw_db_refusals_add(PGconn *db, const struct gw_refusal_count *v, int n,
                                             struct tm_err *err);
/* Refusal counters by f (principal and path_prefix do not apply), by id. */
TM_MUSTCHECK enum tm_code gw_db_refusal_list(PGconn *db, const struct gw_audit_filter *f,
                                             const struct tm_page *pg, struct gw_refusal_row *out,
                                             int *n, struct tm_err *err);
/* In the caller's transaction: deletes audit rows and refusal counters
 * older than `days` (at least 1), at most `batch` audit rows a call;
 * *rows is how many went. */
TM_MUSTCHECK enum tm_code gw_db_audit_prune(PGconn *db, int days, int batch, int64_t *rows,
                                            struct tm_err *err);

#endif
