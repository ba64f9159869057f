/* common/db.c — the pool and statement runner. Each API request acquires
 * once and runs a few statements, so the pool is a mutex-guarded stack of
 * idle connections; connecting happens outside the lock. */
#include "common/db.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <postgresql/libpq-events.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/ops.h"
#include "common/outbox.h"
#include "common/page.h"
#include "common/time.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define STMT_CACHE_MAX 128 /* distinct statements prepared per connection */

/* Per-connection cache of prepared statements, kept as libpq instance data
 * so callers keep plain PGconn pointers. Parsing and planning a statement on
 * every call cost PostgreSQL more CPU than running it (measured with perf on
 * the product GET path); each statement text is now prepared once per
 * connection and executed by name. Owned by the connection: freed by the
 * event procedure when libpq destroys it, cleared when it resets. */
struct stmt_cache {
    int n;
    char *sql[STMT_CACHE_MAX]; /* statement text, owned; name is "tm<index>" */
};

static void
stmt_cache_clear(struct stmt_cache *sc)
{
    for (int i = 0; i < sc->n; i++)
        free(sc->sql[i]);
    sc->n = 0;
}

static int
stmt_events(PGEventId id, void *info, void *pass)
{
    (void)pass;
    if (id == PGEVT_CONNRESET || id == PGEVT_CONNDESTROY) {
        PGconn *c = id == PGEVT_CONNRESET ? ((PGEventConnReset *)info)->conn
                                          : ((PGEventConnDestroy *)info)->conn;
        struct stmt_cache *sc = PQinstanceData(c, stmt_events);
        if (sc)
            stmt_cache_clear(sc);
        if (sc && id == PGEVT_CONNDESTROY) {
            free(sc);
            PQsetInstanceData(c, stmt_events, NULL);
        }
    }
    return 1;
}

/* Name of the prepared statement for sql on c, preparing it on first use;
 * NULL when it cannot be prepared (the caller then runs it unprepared). */
static const char *
prepared(PGconn *c, const char *sql, int n, char *name, size_t size)
{
    struct stmt_cache *sc = PQinstanceData(c, stmt_events);
    PGresult *r;

    if (!sc) {
        if (!PQregisterEventProc(c, stmt_events, "tm_stmt_cache", NULL))
            return NULL;
        sc = tm_xcalloc(1, sizeof *sc);
        PQsetInstanceData(c, stmt_events, sc);
    }
    for (int i = 0; i < sc->n; i++) {
        if (strcmp(sc->sql[i], sql) == 0) {
            snprintf(name, size, "tm%d", i);
            return name;
        }
    }
    if (sc->n == STMT_CACHE_MAX || PQtransactionStatus(c) == PQTRANS_INERROR)
        return NULL;
    snprintf(name, size, "tm%d", sc->n);
    r = PQprepare(c, name, sql, n, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        return NULL;
    }
    PQclear(r);
    sc->sql[sc->n++] = tm_xstrdup(sql);
    return name;
}

struct tm_db_pool {
    char *conninfo; /* read-only after new */
    int size;       /* read-only after new */
    pthread_mutex_t mu;
    pthread_cond_t freed; /* signalled on release */
    PGconn **idle;        /* guarded by mu */
    int n_idle;           /* guarded by mu */
    int n_open;           /* guarded by mu: idle + handed out */
    int64_t retry_at_ms;  /* guarded by mu: no connect attempt before this (monotonic) */
    int backoff_ms;       /* guarded by mu */
    int up;               /* guarded by mu: last attempt reached the server */
};

enum tm_code
tm_db_pool_new(const char *conninfo, int size, struct tm_db_pool **out, struct tm_err *err)
{
    struct tm_db_pool *p;

    if (size < 1)
        return tm_err_set(err, TM_INVALID, "db-pool-size", "pool size must be at least 1");
    p = tm_xcalloc(1, sizeof *p);
    p->conninfo = tm_xstrdup(conninfo);
    p->size = size;
    p->idle = tm_xcalloc((size_t)size, sizeof *p->idle);
    p->backoff_ms = BACKOFF_MIN_MS;
    pthread_mutex_init(&p->mu, NULL);
    tm_cond_init_mono(&p->freed);
    *out = p;
    return TM_OK;
}

void
tm_db_pool_free(struct tm_db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_idle; i++)
        PQfinish(p->idle[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->freed);
    free(p->idle);
    free(p->conninfo);
    free(p);
}

/* Opens a connection outside the lock; updates up/backoff under it. */
static PGconn *
connect_one(struct tm_db_pool *p, struct tm_err *err)
{
    PGconn *c = PQconnectdb(p->conninfo);
    int ok = PQstatus(c) == CONNECTION_OK;

    if (!ok) {
        tm_err_set(err, TM_UNAVAIL, NULL, "database: %s", PQerrorMessage(c));
        PQfinish(c);
        c = NULL;
    }
    pthread_mutex_lock(&p->mu);
    if (!ok) {
        p->n_open--;
        if (p->up)
            tm_log_warn(NULL, "db.down", "backoff_ms=%d", p->backoff_ms);
        p->retry_at_ms = tm_mono_ms() + p->backoff_ms;
        p->backoff_ms = p->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : p->backoff_ms * 2;
        p->up = 0;
        pthread_cond_signal(&p->freed);
    } else {
        if (!p->up)
            tm_log_info(NULL, "db.up", "connections=%d", p->n_open);
        p->backoff_ms = BACKOFF_MIN_MS;
        p->up = 1;
    }
    pthread_mutex_unlock(&p->mu);
    return c;
}

/* Whether an idle connection is still open. One has nothing to read: what
 * there is was sent by a server closing it (a restart's FATAL message, then
 * the end of the stream). libpq's PQconsumeInput takes the message and
 * keeps the connection's status OK until a read meets the end, so a
 * connection is judged by its socket (no round trip); one that got a
 * notice as well is closed too, a new connection's cost. */
static int
idle_intact(PGconn *c)
{
    struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
    int n;

    if (PQstatus(c) != CONNECTION_OK || p.fd < 0)
        return 0;
    while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR)
        ;
    if (n != 0)
        tm_log_info(NULL, "db.idle_closed",
                    "note=\"the server closed it, or sent what an idle "
                    "connection never gets\"");
    return n == 0;
}

enum tm_code
tm_db_acquire(struct tm_db_pool *p, int wait_ms, PGconn **out, struct tm_err *err)
{
    int64_t deadline = tm_mono_ms() + wait_ms;

    *out = NULL;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        int64_t now = tm_mono_ms();

        if (p->n_idle > 0) {
            PGconn *c = p->idle[--p->n_idle];
            pthread_mutex_unlock(&p->mu);
            /* A server that restarted closed this connection while it sat
             * idle: it sent its FATAL, then closed. */
            if (idle_intact(c)) {
                *out = c;
                return TM_OK;
            }
            PQfinish(c);
            pthread_mutex_lock(&p->mu);
            p->n_open--;
            continue;
        }
        if (p->n_open < p->size) {
            if (now < p->retry_at_ms) {
                pthread_mutex_unlock(&p->mu);
                return tm_err_set(err, TM_UNAVAIL, NULL, "database unreachable; retrying");
            }
            p->n_open++;
            pthread_mutex_unlock(&p->mu);
            *out = connect_one(p, err);
            return *out ? TM_OK : TM_UNAVAIL;
        }
        if (now >= deadline)
            break;
        tm_cond_wait_until(&p->freed, &p->mu, deadline);
    }
    pthread_mutex_unlock(&p->mu);
    return tm_err_set(err, TM_UNAVAIL, NULL, "all %d database connections are busy", p->size);
}

void
tm_db_release(struct tm_db_pool *p, PGconn *c)
{
    int keep;

    if (!c)
        return;
    keep = PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE;
    if (!keep)
        PQfinish(c);
    pthread_mutex_lock(&p->mu);
    if (keep) {
        p->idle[p->n_idle++] = c;
    } else {
        p->n_open--;
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->mu);
}

int
tm_db_pool_up(struct tm_db_pool *p)
{
    int up;

    pthread_mutex_lock(&p->mu);
    up = p->up;
    pthread_mutex_unlock(&p->mu);
    return up;
}

enum tm_code
tm_db_ping(struct tm_db_pool *p, struct tm_err *err)
{
    PGconn *c = NULL;
    PGresult *r = NULL;
    enum tm_code rc = tm_db_acquire(p, 200, &c, err);

    if (rc == TM_OK)
        rc = tm_db_exec(c, "SELECT 1", 0, NULL, &r, err);
    PQclear(r);
    tm_db_release(p, c);
    return rc;
}

static enum tm_code
map_error(PGconn *c, const PGresult *r, struct tm_err *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    if (!msg)
        msg = PQerrorMessage(c);
    if (PQstatus(c) != CONNECTION_OK || !state)
        return tm_err_set(err, TM_UNAVAIL, NULL, "database: %s", msg);
    if (strcmp(state, "23505") == 0)
        return tm_err_set(err, TM_CONFLICT, constraint, "%s", msg);
    if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
        strncmp(state, "22", 2) == 0)
        return tm_err_set(err, TM_INVALID, constraint, "%s", msg);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0)
        return tm_err_set(err, TM_UNAVAIL, NULL, "database: %s (%s)", msg, state);
    return tm_err_set(err, TM_INTERNAL, constraint, "database: %s (%s)", msg, state);
}

enum tm_code
tm_db_exec(PGconn *c, const char *sql, int n, const char *const *params, PGresult **res,
           struct tm_err *err)
{
    char name[16];
    const char *stmt = prepared(c, sql, n, name, sizeof name);
    PGresult *r = stmt ? PQexecPrepared(c, stmt, n, params, NULL, NULL, 0)
                       : PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    enum tm_code rc = TM_OK;

    if (res)
        *res = NULL;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = map_error(c, r, err);
        PQclear(r);
        return rc;
    }
    if (res)
        *res = r;
    else
        PQclear(r);
    return TM_OK;
}

enum tm_code
tm_db_begin(PGconn *c, struct tm_err *err)
{
    return tm_db_exec(c, "BEGIN", 0, NULL, NULL, err);
}

enum tm_code
tm_db_commit(PGconn *c, struct tm_err *err)
{
    enum tm_code rc = tm_db_exec(c, "COMMIT", 0, NULL, NULL, err);

    if (rc == TM_OK)
        tm_outbox_committed(c);
    else
        tm_outbox_rolled_back(c);
    return rc;
}

void
tm_db_rollback(PGconn *c)
{
    PQclear(PQexec(c, "ROLLBACK"));
    tm_outbox_rolled_back(c);
}

const char *
tm_db_str(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col);
}

int64_t
tm_db_i64(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int
tm_db_bool(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col)[0] == 't';
}

int
tm_db_isnull(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col);
}

enum tm_code
tm_db_i64_one(PGconn *c, const char *sql, int n, const char *const *params, int64_t *out,
              struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(c, sql, n, params, &r, err);

    if (rc == TM_OK && PQntuples(r) != 1)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "expected one row, got %d", PQntuples(r));
    if (rc == TM_OK)
        *out = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

enum tm_code
tm_db_one(PGconn *c, const char *sql, int n, const char *const *params, tm_db_row_fn fn, void *out,
          const char *what, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(c, sql, n, params, &r, err);

    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no %s with this id", what);
    else
        fn(r, 0, out);
    PQclear(r);
    return rc;
}

enum tm_code
tm_db_many(PGconn *c, const char *sql, int n, const char *const *params, tm_db_row_fn fn, void *out,
           size_t size, int *count, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(c, sql, n, params, &r, err);

    *count = 0;
    if (rc != TM_OK)
        return rc;
    for (int i = 0; i < PQntuples(r); i++)
        fn(r, i, (char *)out + (size_t)i * size);
    *count = PQntuples(r);
    PQclear(r);
    return TM_OK;
}

enum tm_code
tm_db_many_new(PGconn *c, const char *sql, int n, const char *const *params, tm_db_row_fn fn,
               void **out, size_t size, int *count, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(c, sql, n, params, &r, err);
    int rows;

    *out = NULL;
    *count = 0;
    if (rc != TM_OK)
        return rc;
    if ((rows = PQntuples(r)) > 0) {
        *out = tm_xmalloc(size * (size_t)rows);
        for (int i = 0; i < rows; i++)
            fn(r, i, (char *)*out + (size_t)i * size);
        *count = rows;
    }
    PQclear(r);
    return TM_OK;
}

const char *
tm_db_int(struct tm_db_int *n, int64_t v)
{
    snprintf(n->s, sizeof n->s, "%lld", (long long)v);
    return n->s;
}

/* Appends c to out[size] at *n, keeping room for the NUL: 0 when full. */
static int
like_put(char *out, size_t size, size_t *n, char c)
{
    if (*n + 1 >= size)
        return 0;
    out[(*n)++] = c;
    return 1;
}

enum tm_code
tm_db_like(const char *s, enum tm_db_like how, char *out, size_t size, struct tm_err *err)
{
    size_t n = 0;
    int ok = how == TM_DB_LIKE_PREFIX || like_put(out, size, &n, '%');

    for (const char *p = s; ok && *p; p++) {
        if (*p == '\\' || *p == '%' || *p == '_')
            ok = like_put(out, size, &n, '\\');
        ok = ok && like_put(out, size, &n, *p);
    }
    ok = ok && like_put(out, size, &n, '%');
    if (size > 0)
        out[ok ? n : 0] = '\0';
    return ok ? TM_OK
              : tm_err_set(err, TM_TOOBIG, NULL, "search text of %zu bytes too long", strlen(s));
}

void
tm_db_copy(char *dst, size_t size, const PGresult *r, int row, int col)
{
    snprintf(dst, size, "%s", PQgetvalue(r, row, col));
}

void
tm_db_health(struct tm_db_pool *p, struct tm_health *h)
{
    struct tm_err err;

    tm_err_clear(&err);
    if (tm_db_ping(p, &err) == TM_OK)
        tm_health_add(h, "postgres", TM_HEALTH_UP, "ok");
    else
        tm_health_add(h, "postgres", TM_HEALTH_DOWN, "%s", err.message);
}

enum tm_code
tm_db_int_array(struct tm_buf *b, const int64_t *v, size_t stride, int n)
{
    enum tm_code rc = tm_buf_adds(b, "{");
    const char *p = (const char *)v;

    for (int i = 0; i < n && rc == TM_OK; i++) {
        int64_t x;
        memcpy(&x, p + (size_t)i * stride, sizeof x);
        rc = tm_buf_printf(b, "%s%lld", i ? "," : "", (long long)x);
    }
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

enum tm_code
tm_db_word_array(struct tm_buf *b, const char *const *v, int n)
{
    static const char word[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:._+";
    enum tm_code rc = tm_buf_adds(b, "{");

    for (int i = 0; i < n && rc == TM_OK; i++) {
        if (v[i][0] == '\0' || strspn(v[i], word) != strlen(v[i]))
            return TM_INVALID;
        rc = tm_buf_printf(b, "%s%s", i ? "," : "", v[i]);
    }
    return rc == TM_OK ? tm_buf_adds(b, "}") : rc;
}

int
tm_schema_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > 48 || name[0] < 'a' || name[0] > 'z')
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static enum tm_code
reply_too_big(enum tm_code rc, struct tm_err *err)
{
    return rc == TM_TOOBIG ? tm_err_set(err, TM_TOOBIG, NULL, "reply too large") : rc;
}

enum tm_code
tm_db_json_one(PGconn *db, const char *sql, int n, const char *const *params, const char *field,
               const char *what, struct tm_buf *out, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, sql, n, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, field, "no %s with this %s", what, field);
    else if (rc == TM_OK)
        rc = reply_too_big(tm_buf_adds(out, tm_db_str(r, 0, 0)), err);
    PQclear(r);
    return rc;
}

enum tm_code
tm_db_json_page(const PGresult *r, int64_t limit, struct tm_buf *out, struct tm_err *err)
{
    int n = PQntuples(r), shown = n > limit ? (int)limit : n;
    enum tm_code rc = tm_buf_adds(out, "{\"items\":[");

    for (int i = 0; i < shown && rc == TM_OK; i++)
        rc = tm_buf_printf(out, "%s%s", i ? "," : "", tm_db_str(r, i, 1));
    if (rc == TM_OK && (rc = tm_buf_adds(out, "]")) == TM_OK)
        rc = tm_page_next(out, n > limit, shown ? tm_db_i64(r, shown - 1, 0) : 0);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}");
    return reply_too_big(rc, err);
}
