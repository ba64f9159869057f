/* common/db.h — a PostgreSQL connection pool over libpq, and the one way
 * statements are run: always PQexecParams with $n parameters, never SQL built
 * from input. SQLSTATEs are translated to tm codes here, once:
 * 23505 unique → TM_CONFLICT, 23503/23514/22xxx → TM_INVALID, connection
 * trouble → TM_UNAVAIL; err->field carries the constraint name so the
 * owning store.c can name the client's field.
 *
 * A pool holds up to `size` connections, opened lazily. A connection is owned
 * by one thread between tm_db_acquire and tm_db_release. When the server is
 * unreachable, acquire fails fast with TM_UNAVAIL and retries are spaced by a
 * doubling backoff (100 ms … 5 s), so a daemon never spins. Pool fields are
 * guarded by the pool's mutex; no lock is held while talking to the server. */
#ifndef TM_COMMON_DB_H
#define TM_COMMON_DB_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"

struct tm_db_pool;

/* Creates a pool for conninfo (a libpq URL or key=value string). Connects
 * nothing yet. The caller owns *out. */
TM_MUSTCHECK enum tm_code tm_db_pool_new(const char *conninfo, int size, struct tm_db_pool **out,
                                         struct tm_err *err);
/* Closes every idle connection and frees the pool. NULL-safe; all must be released. */
void tm_db_pool_free(struct tm_db_pool *p);

/* Takes a healthy connection, waiting up to wait_ms for one to be free.
 * TM_UNAVAIL when the server is unreachable (or in backoff) or all are busy. */
TM_MUSTCHECK enum tm_code tm_db_acquire(struct tm_db_pool *p, int wait_ms, PGconn **out,
                                        struct tm_err *err);
/* Gives c back. A connection left inside a transaction or broken is closed. */
void tm_db_release(struct tm_db_pool *p, PGconn *c);

/* Adds the "postgres" line of a daemon's /health: pings through the pool. */
struct tm_health;
void tm_db_health(struct tm_db_pool *p, struct tm_health *h);

/* 1 when the last attempt to reach the server succeeded. */
int tm_db_pool_up(struct tm_db_pool *p);
/* Acquires, runs SELECT 1, releases: TM_OK when the server answers. */
TM_MUSTCHECK enum tm_code tm_db_ping(struct tm_db_pool *p, struct tm_err *err);

/* Runs sql with n text parameters (NULL entries are SQL NULL), prepared once
 * per connection and executed by name after that. On TM_OK,
 * *res (when out-param given) is the result, to PQclear; otherwise *res is NULL. */
TM_MUSTCHECK enum tm_code tm_db_exec(PGconn *c, const char *sql, int n, const char *const *params,
                                     PGresult **res, struct tm_err *err);

/* BEGIN / COMMIT / ROLLBACK. Rollback cannot fail usefully and returns void. */
TM_MUSTCHECK enum tm_code tm_db_begin(PGconn *c, struct tm_err *err);
TM_MUSTCHECK enum tm_code tm_db_commit(PGconn *c, struct tm_err *err);
void tm_db_rollback(PGconn *c);

/* Maps row `row` of r into out. */
typedef void (*tm_db_row_fn)(const PGresult *r, int row, void *out);

/* Runs a statement that returns at most one row and maps it into out with
 * fn. TM_NOTFOUND (field "id", "no <what> with this id") when it returns
 * none; other failures as tm_db_exec. */
TM_MUSTCHECK enum tm_code tm_db_one(PGconn *c, const char *sql, int n, const char *const *params,
                                    tm_db_row_fn fn, void *out, const char *what,
                                    struct tm_err *err);

/* Runs a statement returning one row and reads its first column as an
 * integer into *out (a count, an id); failures as tm_db_exec. */
TM_MUSTCHECK enum tm_code tm_db_i64_one(PGconn *c, const char *sql, int n,
                                        const char *const *params, int64_t *out,
                                        struct tm_err *err);

/* Runs a statement and maps row i into out + i * size; *count is the number
 * of rows (the caller sized out for the statement's LIMIT). */
TM_MUSTCHECK enum tm_code tm_db_many(PGconn *c, const char *sql, int n, const char *const *params,
                                     tm_db_row_fn fn, void *out, size_t size, int *count,
                                     struct tm_err *err);
/* As tm_db_many, into a new array of exactly the rows returned (*out: the
 * caller frees it; NULL with *count 0 when there are none, or on failure):
 * for a statement whose LIMIT is far above what it usually returns. */
TM_MUSTCHECK enum tm_code tm_db_many_new(PGconn *c, const char *sql, int n,
                                         const char *const *params, tm_db_row_fn fn, void **out,
                                         size_t size, int *count, struct tm_err *err);

/* A timestamptz column as the API shows times: UTC ISO 8601 with milliseconds. */
#define TM_DB_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* Appends n integers as a PostgreSQL array literal ("{1,2,3}") to b, for a
 * $n::bigint[] parameter; v[i] is at (char *)v + i * stride, so a column of
 * an array of structs can be passed. TM_TOOBIG when b is full. */
TM_MUSTCHECK enum tm_code tm_db_int_array(struct tm_buf *b, const int64_t *v, size_t stride, int n);

/* Appends "{a,b,c}" of n words to b, for a $n::text[] (or ::timestamptz[])
 * parameter: each word of letters, digits and - : . _ + only, which an array
 * literal takes unquoted (a time "2026-11-22T09:14:03.512+01:00", a
 * status; the word NULL reads as SQL NULL). TM_INVALID when a word is
 * empty or has another character, TM_TOOBIG when b is full. */
TM_MUSTCHECK enum tm_code tm_db_word_array(struct tm_buf *b, const char *const *v, int n);

/* An integer as a statement parameter, in the caller's storage. */
struct tm_db_int {
    char s[24];
};
const char *tm_db_int(struct tm_db_int *n, int64_t v);

/* Where tm_db_like's pattern lets the text sit: anywhere in the value, or
 * at its start. */
enum tm_db_like { TM_DB_LIKE_CONTAINS, TM_DB_LIKE_PREFIX };
/* Room a pattern of a text of n bytes can need: each byte escaped, two
 * '%', the NUL. */
#define TM_DB_LIKE_SIZE(n) (2 * (size_t)(n) + 3)

/* The one way a search text becomes a LIKE / ILIKE pattern (a $n
 * parameter, never SQL text): writes "%<s>%" (contains) or "<s>%" (prefix)
 * into out[size], with each backslash, '%' and '_' of s escaped by a
 * backslash (LIKE's default ESCAPE), so s matches only itself and a search
 * for "%" finds values containing a '%'. TM_TOOBIG when out is too small
 * (size it with TM_DB_LIKE_SIZE); out is "" then. */
TM_MUSTCHECK enum tm_code tm_db_like(const char *s, enum tm_db_like how, char *out, size_t size,
                                     struct tm_err *err);

/* Runs sql, whose first row's first column is a JSON document, and appends
 * that document to out: TM_NOTFOUND naming field ("no <what> with this
 * <field>") when there is no row, TM_TOOBIG when out is full. */
TM_MUSTCHECK enum tm_code tm_db_json_one(PGconn *db, const char *sql, int n,
                                         const char *const *params, const char *field,
                                         const char *what, struct tm_buf *out, struct tm_err *err);

/* Appends {"items":[...],"next_cursor":...} from r's rows (id, JSON
 * document), fetched with LIMIT limit + 1: at most limit are shown, and a
 * further row means a next page (common/page.h). TM_TOOBIG when out is full. */
TM_MUSTCHECK enum tm_code tm_db_json_page(const PGresult *r, int64_t limit, struct tm_buf *out,
                                          struct tm_err *err);

/* 1 when name may name a schema in SQL built from it ([a-z][a-z0-9_]*, at
 * most 48 bytes): the plumbing's statements (outbox, inbox, job runs) and
 * the migration runner derive from a schema's name. */
int tm_schema_name_ok(const char *name);

/* Copies column col of row into dst[size] (cut to fit; NULL reads as ""). */
void tm_db_copy(char *dst, size_t size, const PGresult *r, int row, int col);

/* Column helpers over a result row; NULL values read as "" / 0. */
const char *tm_db_str(const PGresult *r, int row, int col);
int64_t tm_db_i64(const PGresult *r, int row, int col);
int tm_db_bool(const PGresult *r, int row, int col);
int tm_db_isnull(const PGresult *r, int row, int col);

#endif
