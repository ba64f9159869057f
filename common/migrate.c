/* common/migrate.c — applies and checks migrations. Runs at deploy time
 * (tm-migrate) and once at each daemon's start; a handful of small files. */
#include "common/migrate.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/signals.h"

#define MIGRATION_FILE_MAX (1 << 20)
#define PLUMBING "--@plumbing "
#define REPLACES "--@replaces "

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const struct tm_migration *)a)->name, ((const struct tm_migration *)b)->name);
}

static enum tm_code
read_file(const char *path, char **out, size_t *len, struct tm_err *err)
{
    FILE *f = fopen(path, "rb");
    struct tm_buf b;
    char chunk[4096];
    size_t n;

    if (!f)
        return tm_err_set(err, TM_NOTFOUND, path, "cannot open %s", path);
    tm_buf_init(&b, MIGRATION_FILE_MAX);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (tm_buf_add(&b, chunk, n) != TM_OK) {
            fclose(f);
            tm_buf_fini(&b);
            return tm_err_set(err, TM_TOOBIG, path, "%s is over 1 MiB", path);
        }
    }
    fclose(f);
    *len = b.len;
    *out = tm_buf_steal(&b);
    return TM_OK;
}

/* Appends template dir/plumbing/<name>.sql with @schema@ set to schema. */
static enum tm_code
add_template(struct tm_buf *b, const char *dir, const char *schema, const char *name, size_t nlen,
             struct tm_err *err)
{
    char path[1024], tname[64];
    char *t = NULL;
    size_t tlen = 0;
    enum tm_code rc;

    if (nlen == 0 || nlen >= sizeof tname || strspn(name, "abcdefghijklmnopqrstuvwxyz_") < nlen)
        return tm_err_set(err, TM_INVALID, "migrations", "bad --@plumbing name");
    memcpy(tname, name, nlen);
    tname[nlen] = '\0';
    if (snprintf(path, sizeof path, "%s/plumbing/%s.sql", dir, tname) >= (int)sizeof path)
        return tm_err_set(err, TM_TOOBIG, "sql-dir", "template path too long");
    if ((rc = read_file(path, &t, &tlen, err)) != TM_OK)
        return rc;
    for (const char *p = t, *at; rc == TM_OK && *p; p = at + 8) {
        if (!(at = strstr(p, "@schema@"))) {
            rc = tm_buf_adds(b, p);
            break;
        }
        if ((rc = tm_buf_add(b, p, (size_t)(at - p))) == TM_OK)
            rc = tm_buf_adds(b, schema);
    }
    free(t);
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, path, "expanded migration over 1 MiB");
}

/* Expands raw (a file's text) into m->sql and notes its --@replaces. */
static enum tm_code
expand(const char *dir, const char *schema, const char *raw, struct tm_migration *m,
       struct tm_err *err)
{
    struct tm_buf b;
    enum tm_code rc = TM_OK;

    tm_buf_init(&b, MIGRATION_FILE_MAX);
    for (const char *line = raw; rc == TM_OK && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        size_t body = nl ? len - 1 : len;

        if (strncmp(line, PLUMBING, strlen(PLUMBING)) == 0) {
            rc = add_template(&b, dir, schema, line + strlen(PLUMBING), body - strlen(PLUMBING),
                              err);
            line += len;
            continue;
        }
        if (strncmp(line, REPLACES, strlen(REPLACES)) == 0) {
            const char *sum = line + strlen(REPLACES);
            if (body - strlen(REPLACES) != 64 || strspn(sum, "0123456789abcdef") < 64 ||
                m->n_replaces == TM_MIGRATION_REPLACES_MAX) {
                rc = tm_err_set(err, TM_INVALID, "migrations", "%s: bad --@replaces line", m->name);
                break;
            }
            memcpy(m->replaces[m->n_replaces], sum, 64);
            m->replaces[m->n_replaces++][64] = '\0';
        }
        if (tm_buf_add(&b, line, len) != TM_OK)
            rc = tm_err_set(err, TM_TOOBIG, "migrations", "%s: over 1 MiB", m->name);
        line += len;
    }
    if (rc != TM_OK) {
        tm_buf_fini(&b);
        return rc;
    }
    tm_sha256_hex(b.p ? b.p : "", b.len, m->sha256);
    m->sql = tm_buf_steal(&b);
    return TM_OK;
}

enum tm_code
tm_migration_set_load(const char *dir, const char *schema, struct tm_migration_set *set,
                      struct tm_err *err)
{
    char path[1024];
    DIR *d;
    struct dirent *e;
    enum tm_code rc = TM_OK;

    memset(set, 0, sizeof *set);
    if (tm_strlcpy(set->schema, schema, sizeof set->schema) != TM_OK)
        return tm_err_set(err, TM_INVALID, "schema", "schema name too long");
    if (snprintf(path, sizeof path, "%s/%s", dir, schema) >= (int)sizeof path)
        return tm_err_set(err, TM_TOOBIG, "sql-dir", "migrations path too long");
    if (!(d = opendir(path)))
        return tm_err_set(err, TM_NOTFOUND, "sql-dir", "no migrations folder %s", path);
    while (rc == TM_OK && (e = readdir(d))) {
        size_t nl = strlen(e->d_name), len = 0;
        struct tm_migration *m;
        char *raw = NULL;
        char file[sizeof path + 258];
        int fn;

        if (nl < 5 || strcmp(e->d_name + nl - 4, ".sql") != 0)
            continue;
        if (set->n == TM_MIGRATIONS_MAX || nl >= TM_MIGRATION_NAME_MAX) {
            rc = tm_err_set(err, TM_TOOBIG, "sql-dir", "too many or too long migration names");
            break;
        }
        m = &set->m[set->n];
        memcpy(m->name, e->d_name, nl + 1);
        fn = snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        if (fn < 0 || (size_t)fn >= sizeof file) {
            rc = tm_err_set(err, TM_TOOBIG, "sql-dir", "migration path too long");
            break;
        }
        if ((rc = read_file(file, &raw, &len, err)) == TM_OK &&
            (rc = expand(dir, schema, raw, m, err)) == TM_OK)
            set->n++;
        free(raw);
        raw = NULL;
    }
    closedir(d);
    if (rc != TM_OK) {
        tm_migration_set_fini(set);
        return rc;
    }
    qsort(set->m, (size_t)set->n, sizeof set->m[0], by_name);
    return TM_OK;
}

void
tm_migration_set_fini(struct tm_migration_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->n; i++)
        free(set->m[i].sql);
    set->n = 0;
}

static int
replaced(const struct tm_migration *m, const char *sum)
{
    for (int i = 0; i < m->n_replaces; i++)
        if (strcmp(m->replaces[i], sum) == 0)
            return 1;
    return 0;
}

/* Compares what is recorded with the set. *next is the index of the first
 * migration not applied; rewritten[i] is set for an applied migration whose
 * file was rewritten (--@replaces its recorded checksum) and *n_rewritten
 * counts them. TM_CONFLICT on an edit, a gap or an unknown record. */
static enum tm_code
compare(PGconn *db, const struct tm_migration_set *set, int *next, char *rewritten,
        int *n_rewritten, struct tm_err *err)
{
    const char *params[1] = {set->schema};
    PGresult *r = NULL;
    enum tm_code rc;
    int rows;

    *next = 0;
    *n_rewritten = 0;
    memset(rewritten, 0, TM_MIGRATIONS_MAX);
    rc = tm_db_exec(db,
                    "SELECT name, checksum FROM tm_meta.migrations WHERE schema_name = $1 "
                    "ORDER BY name",
                    1, params, &r, err);
    if (rc != TM_OK)
        return rc;
    rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        const char *name = tm_db_str(r, i, 0), *sum = tm_db_str(r, i, 1);

        if (i >= set->n || strcmp(set->m[i].name, name) != 0) {
            rc = tm_err_set(err, TM_CONFLICT, "migrations",
                            "%s: applied migration %s has no file (or files were reordered)",
                            set->schema, name);
            break;
        }
        if (strcmp(set->m[i].sha256, sum) != 0 && replaced(&set->m[i], sum)) {
            rewritten[i] = 1;
            (*n_rewritten)++;
        } else if (strcmp(set->m[i].sha256, sum) != 0) {
            rc = tm_err_set(err, TM_CONFLICT, "migrations",
                            "%s: migration %s was edited after it was applied (checksum %.12s, "
                            "recorded %.12s)",
                            set->schema, name, set->m[i].sha256, sum);
            break;
        }
        *next = i + 1;
    }
    PQclear(r);
    return rc;
}

static enum tm_code
ensure_meta(PGconn *db, struct tm_err *err)
{
    enum tm_code rc = tm_db_exec(db, "CREATE SCHEMA IF NOT EXISTS tm_meta", 0, NULL, NULL, err);

    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "CREATE TABLE IF NOT EXISTS tm_meta.migrations ("
                        " schema_name text NOT NULL, name text NOT NULL,"
                        " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
                        " PRIMARY KEY (schema_name, name))",
                        0, NULL, NULL, err);
    return rc;
}

static enum tm_code
apply_one(PGconn *db, const char *schema, const struct tm_migration *m, struct tm_err *err)
{
    const char *params[3] = {schema, m->name, m->sha256};
    PGresult *r;
    enum tm_code rc;

    if ((rc = tm_db_begin(db, err)) != TM_OK)
        return rc;
    /* A migration file is trusted DDL from the repository, run as a script;
     * nothing in it comes from a client. */
    r = PQexec(db, m->sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = tm_err_set(err, TM_INTERNAL, "migrations", "%s/%s: %s", schema, m->name,
                        PQresultErrorMessage(r));
        PQclear(r);
        tm_db_rollback(db);
        return rc;
    }
    PQclear(r);
    rc = tm_db_exec(db,
                    "INSERT INTO tm_meta.migrations (schema_name, name, checksum) "
                    "VALUES ($1, $2, $3)",
                    3, params, NULL, err);
    if (rc == TM_OK)
        rc = tm_db_commit(db, err);
    else
        tm_db_rollback(db);
    return rc;
}

/* Records the new checksum of a rewritten migration (what it built is
 * unchanged: nothing runs). */
static enum tm_code
record_rewrite(PGconn *db, const char *schema, const struct tm_migration *m, struct tm_err *err)
{
    const char *params[3] = {schema, m->name, m->sha256};

    return tm_db_exec(db,
                      "UPDATE tm_meta.migrations SET checksum = $3"
                      " WHERE schema_name = $1 AND name = $2",
                      3, params, NULL, err);
}

enum tm_code
tm_migrate_apply(PGconn *db, const struct tm_migration_set *set, int *applied, struct tm_err *err)
{
    struct tm_db_int k;
    const char *key[1] = {tm_db_int(&k, tm_key64("tm_meta", "migrate"))};
    char rewritten[TM_MIGRATIONS_MAX];
    enum tm_code rc;
    int next = 0, n_rewritten = 0;

    *applied = 0;
    if ((rc = tm_db_exec(db, "SELECT pg_advisory_lock($1::bigint)", 1, key, NULL, err)) != TM_OK)
        return rc;
    if ((rc = ensure_meta(db, err)) == TM_OK &&
        (rc = compare(db, set, &next, rewritten, &n_rewritten, err)) == TM_OK) {
        for (int i = 0; i < next && rc == TM_OK; i++) {
            if (!rewritten[i] || (rc = record_rewrite(db, set->schema, &set->m[i], err)) != TM_OK)
                continue;
            (*applied)++;
            tm_log_info(NULL, "migration.rewritten", "schema=%s name=%s checksum=%.12s",
                        set->schema, set->m[i].name, set->m[i].sha256);
        }
        for (int i = next; i < set->n && rc == TM_OK; i++) {
            rc = apply_one(db, set->schema, &set->m[i], err);
            if (rc == TM_OK) {
                (*applied)++;
                tm_log_info(NULL, "migration.applied", "schema=%s name=%s checksum=%.12s",
                            set->schema, set->m[i].name, set->m[i].sha256);
            }
        }
    }
    if (tm_db_exec(db, "SELECT pg_advisory_unlock($1::bigint)", 1, key, NULL, NULL) != TM_OK)
        tm_log_warn(NULL, "migration.unlock", "the advisory lock goes with the session");
    return rc;
}

enum tm_code
tm_migrate_check(PGconn *db, const struct tm_migration_set *set, struct tm_err *err)
{
    char rewritten[TM_MIGRATIONS_MAX];
    int next = 0, n_rewritten = 0;
    enum tm_code rc = compare(db, set, &next, rewritten, &n_rewritten, err);

    if (rc == TM_INTERNAL && strstr(err ? err->message : "", "42P01"))
        return tm_err_set(err, TM_CONFLICT, "migrations",
                          "%s: no migration has been applied; run tm-migrate", set->schema);
    if (rc != TM_OK)
        return rc;
    if (next < set->n)
        return tm_err_set(err, TM_CONFLICT, "migrations",
                          "%s is behind: %s and %d more not applied; run tm-migrate", set->schema,
                          set->m[next].name, set->n - next - 1);
    if (n_rewritten > 0)
        return tm_err_set(err, TM_CONFLICT, "migrations",
                          "%s is behind: %d migration(s) rewritten since applied; run tm-migrate "
                          "to record them",
                          set->schema, n_rewritten);
    return TM_OK;
}

int
tm_migrate_wait(struct tm_db_pool *pool, const char *dir, const char *schema)
{
    struct tm_migration_set set;
    struct tm_err err;
    int wait_ms = 100, status = -1;

    if (tm_migration_set_load(dir, schema, &set, &err) != TM_OK) {
        tm_log_error(NULL, "schema", "error=\"%s\"", err.message);
        return 2;
    }
    for (;;) {
        PGconn *c = NULL;
        enum tm_code rc = tm_db_acquire(pool, 0, &c, &err);
        int sig;

        if (rc == TM_OK)
            rc = tm_migrate_check(c, &set, &err);
        tm_db_release(pool, c);
        if (rc == TM_OK || rc == TM_CONFLICT) {
            if (rc == TM_CONFLICT)
                tm_log_error(NULL, "schema", "error=\"%s\"", err.message);
            status = rc == TM_OK ? 0 : 2;
            break;
        }
        tm_log_warn(NULL, "schema.wait", "schema=%s retry_ms=%d error=\"%s\"", schema, wait_ms,
                    err.message);
        sig = tm_signals_wait(wait_ms);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        wait_ms = wait_ms * 2 > 5000 ? 5000 : wait_ms * 2;
    }
    tm_migration_set_fini(&set);
    return status;
}
