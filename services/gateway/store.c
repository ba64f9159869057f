/* services/gateway/store.c — SQL for users, API keys, refresh tokens and the
 * audit log. Every statement is parameterized. Store lists travel as
 * PostgreSQL array literals built from integers only ("{3,11}"). */
#include "services/gateway/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"

#define USER_COLS                                                                                  \
    "id, email, name, role, array_to_string(stores, ','), password_hash, active, " TM_DB_TS(       \
        "created_at") ", " TM_DB_TS("updated_at")
#define KEY_COLS                                                                                   \
    "id, name, prefix, secret_hash, array_to_string(stores, ','), active, " TM_DB_TS("created_at")
#define REFUSAL_COLS "id, " TM_DB_TS("minute") ", source_addr, status, n, " TM_DB_TS("last_at")
#define AUDIT_COLS                                                                                 \
    "id, " TM_DB_TS("at") ", request_id, method, path, principal_kind, principal_id, role, "       \
                          "target_ids, status, source_addr"

static void
stores_literal(const int64_t *s, int n, char *out, size_t size)
{
    size_t o = (size_t)snprintf(out, size, "{");

    for (int i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%" PRId64, i ? "," : "", s[i]);
    if (o < size)
        snprintf(out + o, size - o, "}");
}

static void
stores_parse(const char *text, int64_t *s, int *n)
{
    *n = 0;
    while (*text && *n < GW_STORES_MAX) {
        char *end;
        s[(*n)++] = strtoll(text, &end, 10);
        text = *end == ',' ? end + 1 : end;
        if (end == text && *end)
            break;
    }
}

static void
row_user(const PGresult *r, int i, void *out)
{
    struct gw_user *u = out;

    u->id = tm_db_i64(r, i, 0);
    tm_db_copy(u->email, sizeof u->email, r, i, 1);
    tm_db_copy(u->name, sizeof u->name, r, i, 2);
    tm_db_copy(u->role, sizeof u->role, r, i, 3);
    stores_parse(tm_db_str(r, i, 4), u->stores, &u->n_stores);
    tm_db_copy(u->password_hash, sizeof u->password_hash, r, i, 5);
    u->active = tm_db_bool(r, i, 6);
    tm_db_copy(u->created_at, sizeof u->created_at, r, i, 7);
    tm_db_copy(u->updated_at, sizeof u->updated_at, r, i, 8);
}

static void
row_key(const PGresult *r, int i, void *out)
{
    struct gw_api_key *k = out;

    k->id = tm_db_i64(r, i, 0);
    tm_db_copy(k->name, sizeof k->name, r, i, 1);
    tm_db_copy(k->prefix, sizeof k->prefix, r, i, 2);
    tm_db_copy(k->secret_hash, sizeof k->secret_hash, r, i, 3);
    stores_parse(tm_db_str(r, i, 4), k->stores, &k->n_stores);
    k->active = tm_db_bool(r, i, 5);
    tm_db_copy(k->created_at, sizeof k->created_at, r, i, 6);
}

static void
row_refusal(const PGresult *r, int i, void *out)
{
    struct gw_refusal_row *a = out;

    a->id = tm_db_i64(r, i, 0);
    tm_db_copy(a->minute, sizeof a->minute, r, i, 1);
    tm_db_copy(a->source_addr, sizeof a->source_addr, r, i, 2);
    a->status = (int)tm_db_i64(r, i, 3);
    a->n = tm_db_i64(r, i, 4);
    tm_db_copy(a->last_at, sizeof a->last_at, r, i, 5);
}

static void
row_audit(const PGresult *r, int i, void *out)
{
    struct gw_audit_row *a = out;

    a->id = tm_db_i64(r, i, 0);
    tm_db_copy(a->at, sizeof a->at, r, i, 1);
    tm_db_copy(a->request_id, sizeof a->request_id, r, i, 2);
    tm_db_copy(a->method, sizeof a->method, r, i, 3);
    tm_db_copy(a->path, sizeof a->path, r, i, 4);
    tm_db_copy(a->principal_kind, sizeof a->principal_kind, r, i, 5);
    tm_db_copy(a->principal_id, sizeof a->principal_id, r, i, 6);
    tm_db_copy(a->role, sizeof a->role, r, i, 7);
    tm_db_copy(a->target_ids, sizeof a->target_ids, r, i, 8);
    a->status = (int)tm_db_i64(r, i, 9);
    tm_db_copy(a->source_addr, sizeof a->source_addr, r, i, 10);
}

/* tm_db_one, with the unique email index named as the client's field. */
static enum tm_code
one_row(PGconn *db, const char *sql, int n, const char *const *params, tm_db_row_fn fn, void *out,
        const char *what, struct tm_err *err)
{
    enum tm_code rc = tm_db_one(db, sql, n, params, fn, out, what, err);

    if (rc == TM_CONFLICT && err && strcmp(err->field, "users_email_key") == 0)
        return tm_err_set(err, TM_CONFLICT, "email", "a user with this email exists");
    return rc;
}

/* ----------------------------------------------------------------- users */

enum tm_code
gw_db_user_create(PGconn *db, struct gw_user *u, struct tm_err *err)
{
    char stores[GW_STORES_MAX * 21 + 3];
    const char *params[5] = {u->email, u->name, u->role, stores, u->password_hash};

    stores_literal(u->stores, u->n_stores, stores, sizeof stores);
    return one_row(db,
                   "INSERT INTO gateway.users (email, name, role, stores, password_hash)"
                   " VALUES ($1, $2, $3, $4::bigint[], $5) RETURNING " USER_COLS,
                   5, params, row_user, u, "user", err);
}

enum tm_code
gw_db_user_get(PGconn *db, int64_t id, struct gw_user *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return one_row(db, "SELECT " USER_COLS " FROM gateway.users WHERE id = $1", 1, params, row_user,
                   out, "user", err);
}

enum tm_code
gw_db_user_get_shared(PGconn *db, int64_t id, struct gw_user *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return one_row(db, "SELECT " USER_COLS " FROM gateway.users WHERE id = $1 FOR SHARE", 1, params,
                   row_user, out, "user", err);
}

enum tm_code
gw_db_user_by_email(PGconn *db, const char *email, struct gw_user *out, struct tm_err *err)
{
    const char *params[1] = {email};

    return one_row(db,
                   "SELECT " USER_COLS " FROM gateway.users WHERE lower(email) = lower($1)"
                   " FOR SHARE",
                   1, params, row_user, out, "user", err);
}

enum tm_code
gw_db_user_update(PGconn *db, int64_t id, const struct gw_user *in, unsigned set,
                  struct gw_user *out, struct tm_err *err)
{
    struct tm_db_int nid;
    char stores[GW_STORES_MAX * 21 + 3];
    const char *params[6] = {
        tm_db_int(&nid, id),
        (set & GW_F_NAME) ? in->name : NULL,
        (set & GW_F_ROLE) ? in->role : NULL,
        (set & GW_F_STORES) ? stores : NULL,
        (set & GW_F_PASSWORD) ? in->password_hash : NULL,
        (set & GW_F_ACTIVE) ? (in->active ? "true" : "false") : NULL,
    };

    stores_literal(in->stores, in->n_stores, stores, sizeof stores);
    return one_row(db,
                   "UPDATE gateway.users SET name = COALESCE($2, name), role = COALESCE($3, role),"
                   " stores = COALESCE($4::bigint[], stores),"
                   " password_hash = COALESCE($5, password_hash),"
                   " active = COALESCE($6::boolean, active), updated_at = now()"
                   " WHERE id = $1 RETURNING " USER_COLS,
                   6, params, row_user, out, "user", err);
}

enum tm_code
gw_db_user_list(PGconn *db, const struct tm_page *pg, struct gw_user *out, int *n,
                struct tm_err *err)
{
    struct tm_db_int after, limit;
    const char *params[2] = {tm_db_int(&after, pg->after_id), tm_db_int(&limit, pg->limit + 1)};

    return tm_db_many(db,
                      "SELECT " USER_COLS " FROM gateway.users WHERE id > $1 ORDER BY id LIMIT $2",
                      2, params, row_user, out, sizeof *out, n, err);
}

/* -------------------------------------------------------------- API keys */

enum tm_code
gw_db_key_create(PGconn *db, struct gw_api_key *k, int64_t created_by, struct tm_err *err)
{
    char stores[GW_STORES_MAX * 21 + 3];
    struct tm_db_int by;
    const char *params[5] = {k->name, k->prefix, k->secret_hash, stores,
                             created_by ? tm_db_int(&by, created_by) : NULL};

    stores_literal(k->stores, k->n_stores, stores, sizeof stores);
    return one_row(db,
                   "INSERT INTO gateway.api_keys (name, prefix, secret_hash, stores, created_by)"
                   " VALUES ($1, $2, $3, $4::bigint[], $5) RETURNING " KEY_COLS,
                   5, params, row_key, k, "API key", err);
}

enum tm_code
gw_db_key_by_prefix(PGconn *db, const char *prefix, struct gw_api_key *out, struct tm_err *err)
{
    const char *params[1] = {prefix};

    return one_row(db, "SELECT " KEY_COLS " FROM gateway.api_keys WHERE prefix = $1", 1, params,
                   row_key, out, "API key", err);
}

enum tm_code
gw_db_key_disable(PGconn *db, int64_t id, struct gw_api_key *out, struct tm_err *err)
{
    struct tm_db_int nid;
    const char *params[1] = {tm_db_int(&nid, id)};

    return one_row(db,
                   "UPDATE gateway.api_keys SET active = false,"
                   " disabled_at = COALESCE(disabled_at, now()) WHERE id = $1 RETURNING " KEY_COLS,
                   1, params, row_key, out, "API key", err);
}

enum tm_code
gw_db_key_list(PGconn *db, const struct tm_page *pg, struct gw_api_key *out, int *n,
               struct tm_err *err)
{
    struct tm_db_int after, limit;
    const char *params[2] = {tm_db_int(&after, pg->after_id), tm_db_int(&limit, pg->limit + 1)};

    return tm_db_many(
        db, "SELECT " KEY_COLS " FROM gateway.api_keys WHERE id > $1 ORDER BY id LIMIT $2", 2,
        params, row_key, out, sizeof *out, n, err);
}

/* -------------------------------------------------------- refresh tokens */

enum tm_code
gw_db_refresh_add(PGconn *db, const char *hash, const char *family, int64_t user_id, int64_t ttl_s,
                  struct tm_err *err)
{
    struct tm_db_int uid, ttl;
    const char *params[4] = {hash, family, tm_db_int(&uid, user_id), tm_db_int(&ttl, ttl_s)};

    return tm_db_exec(db,
                      "INSERT INTO gateway.refresh_tokens (token_hash, family, user_id, expires_at)"
                      " VALUES ($1, $2, $3, now() + make_interval(secs => $4::bigint))",
                      4, params, NULL, err);
}

enum tm_code
gw_db_refresh_use(PGconn *db, const char *hash, char family[65], int64_t *user_id,
                  struct tm_err *err)
{
    const char *params[1] = {hash};
    PGresult *r = NULL;
    enum tm_code rc;

    /* One statement claims the token, so two concurrent uses cannot both
     * succeed even in autocommit; a miss is then told apart below. */
    rc = tm_db_exec(db,
                    "UPDATE gateway.refresh_tokens SET used_at = now() WHERE token_hash = $1"
                    " AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()"
                    " RETURNING family, user_id",
                    1, params, &r, err);
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 1) {
        snprintf(family, 65, "%s", tm_db_str(r, 0, 0));
        *user_id = tm_db_i64(r, 0, 1);
        PQclear(r);
        return TM_OK;
    }
    PQclear(r);
    rc = tm_db_exec(db,
                    "SELECT family, user_id FROM gateway.refresh_tokens WHERE token_hash = $1"
                    " AND expires_at > now()",
                    1, params, &r, err);
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return tm_err_set(err, TM_NOTFOUND, "refresh_token", "unknown or expired refresh token");
    }
    snprintf(family, 65, "%s", tm_db_str(r, 0, 0));
    *user_id = tm_db_i64(r, 0, 1);
    PQclear(r);
    return tm_err_set(err, TM_CONFLICT, "refresh_token", "refresh token used twice");
}

enum tm_code
gw_db_refresh_revoke_family(PGconn *db, const char *family, struct tm_err *err)
{
    const char *params[1] = {family};

    return tm_db_exec(db,
                      "UPDATE gateway.refresh_tokens SET revoked_at = COALESCE(revoked_at, now())"
                      " WHERE family = $1",
                      1, params, NULL, err);
}

enum tm_code
gw_db_refresh_revoke_user(PGconn *db, int64_t user_id, struct tm_err *err)
{
    struct tm_db_int uid;
    const char *params[1] = {tm_db_int(&uid, user_id)};

    return tm_db_exec(db,
                      "UPDATE gateway.refresh_tokens SET revoked_at = COALESCE(revoked_at, now())"
                      " WHERE user_id = $1",
                      1, params, NULL, err);
}

/* ----------------------------------------------------------- revocations */

enum tm_code
gw_db_revocation_add(PGconn *db, const char *kind, const char *subject, int64_t before_ms,
                     int64_t ttl_s, struct tm_err *err)
{
    struct tm_db_int before, ttl;
    const char *params[4] = {kind, subject, tm_db_int(&before, before_ms), tm_db_int(&ttl, ttl_s)};

    return tm_db_exec(db,
                      "INSERT INTO gateway.revocations AS r (kind, subject, before_ms, expires_at)"
                      " VALUES ($1, $2, $3::bigint, now() + make_interval(secs => $4::bigint))"
                      " ON CONFLICT (kind, subject) DO UPDATE SET"
                      " before_ms = GREATEST(r.before_ms, EXCLUDED.before_ms),"
                      " expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)",
                      4, params, NULL, err);
}

enum tm_code
gw_db_revocations_live(PGconn *db, struct gw_revocation **out, int *n, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc;

    *out = NULL;
    *n = 0;
    rc = tm_db_exec(db,
                    "SELECT kind, subject, before_ms,"
                    " ceil(extract(epoch FROM expires_at - now()) * 1000)::bigint"
                    " FROM gateway.revocations WHERE expires_at > now()",
                    0, NULL, &r, err);
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) > 0)
        *out = tm_xcalloc((size_t)PQntuples(r), sizeof **out);
    for (int i = 0; i < PQntuples(r); i++) {
        struct gw_revocation *v = &(*out)[i];
        tm_db_copy(v->kind, sizeof v->kind, r, i, 0);
        tm_db_copy(v->subject, sizeof v->subject, r, i, 1);
        v->before_ms = tm_db_i64(r, i, 2);
        v->ttl_ms = tm_db_i64(r, i, 3);
    }
    *n = PQntuples(r);
    PQclear(r);
    return TM_OK;
}

enum tm_code
gw_db_revoked(PGconn *db, int64_t user_id, const char *jti, const char *sid, int64_t iat_ms,
              int *refused, struct tm_err *err)
{
    struct tm_db_int uid, iat;
    const char *params[4] = {tm_db_int(&uid, user_id), tm_db_int(&iat, iat_ms), jti,
                             sid && *sid ? sid : NULL};
    PGresult *r = NULL;
    enum tm_code rc;

    rc = tm_db_exec(db,
                    "SELECT NOT COALESCE((SELECT active FROM gateway.users WHERE id = $1), false)"
                    " OR EXISTS (SELECT 1 FROM gateway.revocations WHERE expires_at > now()"
                    " AND before_ms >= $2::bigint AND ((kind = 'user' AND subject = $1::text)"
                    " OR (kind = 'jti' AND subject = $3) OR (kind = 'sid' AND subject = $4)))",
                    4, params, &r, err);
    if (rc != TM_OK)
        return rc;
    *refused = tm_db_bool(r, 0, 0);
    PQclear(r);
    return TM_OK;
}

/* n of a "WITH gone AS (DELETE ... RETURNING 1) SELECT count(*)" */
enum tm_code
gw_db_revocations_prune(PGconn *db, int64_t *rows, struct tm_err *err)
{
    return tm_db_i64_one(db,
                         "WITH gone AS (DELETE FROM gateway.revocations"
                         " WHERE expires_at < now() - interval '1 hour' RETURNING 1)"
                         " SELECT count(*) FROM gone",
                         0, NULL, rows, err);
}

/* ----------------------------------------------------------------- audit */

enum tm_code
gw_db_audit_add(PGconn *db, const struct gw_audit_row *a, struct tm_err *err)
{
    char status[16];
    const char *params[10] = {a->request_id,   a->method, a->path,       a->principal_kind,
                              a->principal_id, a->role,   a->target_ids, status,
                              a->source_addr,  NULL};

    snprintf(status, sizeof status, "%d", a->status);
    return tm_db_exec(db,
                      "INSERT INTO gateway.audit (request_id, method, path, principal_kind,"
                      " principal_id, role, target_ids, status, source_addr)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                      9, params, NULL, err);
}

enum tm_code
gw_db_audit_list(PGconn *db, const struct gw_audit_filter *f, const struct tm_page *pg,
                 struct gw_audit_row *out, int *n, struct tm_err *err)
{
    struct tm_db_int after, limit, status;
    char prefix[TM_DB_LIKE_SIZE(TM_PATH_MAX)];
    const char *params[7] = {tm_db_int(&after, pg->after_id),
                             tm_db_int(&limit, pg->limit + 1),
                             f->principal,
                             NULL,
                             f->status ? tm_db_int(&status, f->status) : NULL,
                             f->from,
                             f->to};

    /* the prefix matches literally */
    if (f->path_prefix) {
        if (tm_db_like(f->path_prefix, TM_DB_LIKE_PREFIX, prefix, sizeof prefix, NULL) != TM_OK)
            return tm_err_set(err, TM_INVALID, "path_prefix", "path_prefix is too long");
        params[3] = prefix;
    }
    return tm_db_many(db,
                      "SELECT " AUDIT_COLS " FROM gateway.audit WHERE id > $1"
                      " AND ($3::text IS NULL OR principal_id = $3)"
                      " AND ($4::text IS NULL OR path LIKE $4)"
                      " AND ($5::int IS NULL OR status = $5)"
                      " AND ($6::timestamptz IS NULL OR at >= $6)"
                      " AND ($7::timestamptz IS NULL OR at < $7) ORDER BY id LIMIT $2",
                      7, params, row_audit, out, sizeof *out, n, err);
}

enum tm_code
gw_db_refusals_add(PGconn *db, const struct gw_refusal_count *v, int n, struct tm_err *err)
{
    /* 20 digits and a comma an integer, an address of at most 63 bytes */
    struct tm_buf col[5];
    const char **addrs = tm_xmalloc((size_t)(n > 0 ? n : 1) * sizeof *addrs);
    const char *params[5];
    enum tm_code rc = TM_OK;

    for (int c = 0; c < 5; c++)
        tm_buf_init(&col[c], (size_t)n * 64 + 16);
    for (int i = 0; i < n; i++)
        addrs[i] = v[i].source_addr;
    if (tm_db_int_array(&col[0], &v[0].minute_s, sizeof *v, n) != TM_OK ||
        tm_db_int_array(&col[2], &v[0].status, sizeof *v, n) != TM_OK ||
        tm_db_int_array(&col[3], &v[0].n, sizeof *v, n) != TM_OK ||
        tm_db_int_array(&col[4], &v[0].last_ms, sizeof *v, n) != TM_OK ||
        (rc = tm_db_word_array(&col[1], addrs, n)) != TM_OK)
        rc = tm_err_set(err, rc == TM_INVALID ? TM_INVALID : TM_TOOBIG, "source_addr",
                        "refusal counters not writable as arrays");
    for (int c = 0; rc == TM_OK && c < 5; c++)
        params[c] = col[c].p;
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "INSERT INTO gateway.audit_refusals AS a (minute, source_addr, status, n,"
                        " last_at) SELECT to_timestamp(u.m), u.addr, u.st, u.k,"
                        " to_timestamp(u.l / 1000.0) FROM unnest($1::bigint[], $2::text[],"
                        " $3::int[], $4::bigint[], $5::bigint[]) WITH ORDINALITY"
                        " AS u(m, addr, st, k, l, ord) ORDER BY u.ord"
                        " ON CONFLICT (minute, source_addr, status)"
                        " DO UPDATE SET n = a.n + EXCLUDED.n,"
                        " last_at = greatest(a.last_at, EXCLUDED.last_at)",
                        5, params, NULL, err);
    for (int c = 0; c < 5; c++)
        tm_buf_fini(&col[c]);
    free(addrs);
    return rc;
}

enum tm_code
gw_db_refusal_list(PGconn *db, const struct gw_audit_filter *f, const struct tm_page *pg,
                   struct gw_refusal_row *out, int *n, struct tm_err *err)
{
    struct tm_db_int after, limit, status;
    const char *params[6] = {tm_db_int(&after, pg->after_id),
                             tm_db_int(&limit, pg->limit + 1),
                             f->source_addr,
                             f->status ? tm_db_int(&status, f->status) : NULL,
                             f->from,
                             f->to};

    return tm_db_many(
        db,
        "SELECT " REFUSAL_COLS " FROM gateway.audit_refusals WHERE id > $1"
        " AND ($3::text IS NULL OR source_addr = $3)"
        " AND ($4::int IS NULL OR status = $4)"
        " AND ($5::timestamptz IS NULL OR minute >= date_trunc('minute', $5::timestamptz))"
        " AND ($6::timestamptz IS NULL OR minute < $6) ORDER BY id LIMIT $2",
        6, params, row_refusal, out, sizeof *out, n, err);
}

enum tm_code
gw_db_audit_prune(PGconn *db, int days, int batch, int64_t *rows, struct tm_err *err)
{
    struct tm_db_int d, b;
    const char *params[2] = {tm_db_int(&d, days < 1 ? 1 : days), tm_db_int(&b, batch)};
    int64_t refusals = 0;
    enum tm_code rc;

    *rows = 0;
    /* the append-only trigger lets this transaction, and only it, delete */
    if ((rc = tm_db_exec(db, "SELECT set_config('gateway.audit_prune', 'on', true)", 0, NULL, NULL,
                         err)) != TM_OK ||
        (rc = tm_db_i64_one(db,
                            "WITH gone AS (DELETE FROM gateway.audit WHERE id IN (SELECT id FROM"
                            " gateway.audit WHERE at < now() - make_interval(days => $1::int)"
                            " ORDER BY id LIMIT $2) RETURNING 1) SELECT count(*) FROM gone",
                            2, params, rows, err)) != TM_OK ||
        (rc = tm_db_i64_one(db,
                            "WITH gone AS (DELETE FROM gateway.audit_refusals"
                            " WHERE minute < now() - make_interval(days => $1::int) RETURNING 1)"
                            " SELECT count(*) FROM gone",
                            1, params, &refusals, err)) != TM_OK)
        return rc;
    *rows += refusals;
    return TM_OK;
}
