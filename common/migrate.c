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

/* 1 when line (len bytes, no newline) reads as a directive: "--", blanks,
 * "@", after any leading blanks. Such a line must be exactly one of ours. */
static int
looks_like_directive(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (len - i < 2 || line[i] != '-' || line[i + 1] != '-')
        return 0;
    for (i += 2; i < len && (line[i] == ' ' || line[i] == '\t');)
        i++;
    return i < len && line[i] == '@';
}

/* Appends template dir/plumbing/<name>.sql with @schema@ set to schema. A
 * template holds plain SQL: a directive in it is refused. */
static enum tm_code
add_template(struct tm_buf *b, const char *dir, const char *schema, const char *name, size_t nlen,
             const char *file, struct tm_err *err)
{
    char path[1024], tname[64];
    char *t = NULL;
    size_t tlen = 0;
    enum tm_code rc;

    if (nlen == 0 || nlen >= sizeof tname || strspn(name, "abcdefghijklmnopqrstuvwxyz_") < nlen)
        return tm_err_set(err, TM_INVALID, "migrations", "%s: --@plumbing needs a name [a-z_]+",
                          file);
    memcpy(tname, name, nlen);
    tname[nlen] = '\0';
    if (snprintf(path, sizeof path, "%s/plumbing/%s.sql", dir, tname) >= (int)sizeof path)
        return tm_err_set(err, TM_TOOBIG, "sql-dir", "template path too long");
    if ((rc = read_file(path, &t, &tlen, err)) != TM_OK)
        return rc;
    for (const char *line = t; rc == TM_OK && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);

        if (looks_like_directive(line, len))
            rc = tm_err_set(err, TM_INVALID, "migrations",
                            "plumbing/%s.sql: a template holds "
                            "no directive",
                            tname);
        line += len + (nl != NULL);
    }
    for (const char *p = t, *at; rc == TM_OK && *p; p = at + 8) {
        if (!(at = strstr(p, "@schema@"))) {
            rc = tm_buf_adds(b, p);
            break;
        }
        if ((rc = tm_buf_add(b, p, (size_t)(at - p))) == TM_OK)
            rc = tm_buf_adds(b, schema);
    }
    if (rc == TM_OK && tlen > 0 && t[tlen - 1] != '\n') /* never glued to the next line */
        rc = tm_buf_adds(b, "\n");
    free(t);
    if (rc == TM_TOOBIG)
        rc = tm_err_set(err, TM_TOOBIG, path, "expanded migration over 1 MiB");
    return rc;
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

        if (!looks_like_directive(line, body)) {
            if (tm_buf_add(&b, line, len) != TM_OK)
                rc = tm_err_set(err, TM_TOOBIG, "migrations", "%s: over 1 MiB", m->name);
        } else if (strncmp(line, PLUMBING, strlen(PLUMBING)) == 0) {
            rc = add_template(&b, dir, schema, line + strlen(PLUMBING), body - strlen(PLUMBING),
                              m->name, err);
        } else if (strncmp(line, REPLACES, strlen(REPLACES)) == 0 &&
                   body - strlen(REPLACES) == 64 &&
                   strspn(line + strlen(REPLACES), "0123456789abcdef") >= 64 &&
                   m->n_replaces < TM_MIGRATION_REPLACES_MAX) {
            memcpy(m->replaces[m->n_replaces], line + strlen(REPLACES), 64);
            m->replaces[m->n_replaces++][64] = '\0';
            if (tm_buf_add(&b, line, len) != TM_OK)
                rc = tm_err_set(err, TM_TOOBIG, "migrations", "%s: over 1 MiB", m->name);
        } else {
            rc = tm_err_set(err, TM_INVALID, "migrations",
                            "%s: '%.*s' is not a directive (--@plumbing NAME or --@replaces "
                            "SHA256, at the start of a line, nothing after)",
                            m->name, (int)(body > 80 ? 80 : body), line);
        }
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
    if (!tm_schema_name_ok(schema) || tm_strlcpy(set->schema, schema, sizeof set->schema) != TM_OK)
        return tm_err_set(err, TM_INVALID, "schema", "%.64s is not a schema name ([a-z][a-z0-9_]*)",
                          schema);
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

/* 1 when tm-migrate recorded that the applied text `old` of migration name
 * is the file's text now (tm_meta.migration_rewrites; absent before the
 * first rewrite, which reads as "not recorded"). */
static int
rewrite_recorded(PGconn *db, const char *schema, const char *name, const char *old, const char *now)
{
    const char *params[4] = {schema, name, old, now};
    PGresult *r = NULL;
    int yes = 0;

    if (tm_db_exec(db,
                   "SELECT to_regclass('tm_meta.migration_rewrites') IS NOT NULL AND EXISTS ("
                   "SELECT 1 FROM tm_meta.migration_rewrites WHERE schema_name = $1 AND name = $2"
                   " AND old_checksum = $3 AND new_checksum = $4)",
                   4, params, &r, NULL) == TM_OK)
        yes = tm_db_bool(r, 0, 0);
    PQclear(r);
    return yes;
}

/* Compares what is recorded with the set. *next is the index of the first
 * migration not applied; rewritten[i] is set for an applied migration whose
 * file was rewritten (--@replaces its recorded checksum) and whose rewrite
 * is not recorded yet, and *n_rewritten counts them. TM_CONFLICT on an
 * edit, a gap or an unknown record. */
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
            if (!rewrite_recorded(db, set->schema, name, sum, set->m[i].sha256)) {
                rewritten[i] = 1;
                (*n_rewritten)++;
            }
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
    /* rewrites beside the record, which keeps the checksum the migration
     * was applied with: a binary with the files of before still agrees */
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "CREATE TABLE IF NOT EXISTS tm_meta.migration_rewrites ("
                        " schema_name text NOT NULL, name text NOT NULL,"
                        " old_checksum text NOT NULL, new_checksum text NOT NULL,"
                        " recorded_at timestamptz NOT NULL DEFAULT now(),"
                        " PRIMARY KEY (schema_name, name, old_checksum, new_checksum))",
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

/* Records that migration m, as it was applied (its recorded checksum), is
 * m's text now (what it built is unchanged: nothing runs). */
static enum tm_code
record_rewrite(PGconn *db, const char *schema, const struct tm_migration *m, struct tm_err *err)
{
    const char *params[3] = {schema, m->name, m->sha256};

    return tm_db_exec(db,
                      "INSERT INTO tm_meta.migration_rewrites (schema_name, name, old_checksum,"
                      " new_checksum) SELECT schema_name, name, checksum, $3"
                      " FROM tm_meta.migrations WHERE schema_name = $1 AND name = $2"
                      " ON CONFLICT DO NOTHING",
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
