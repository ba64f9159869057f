/* common/migrate.h — our migration runner. Migrations for a schema are the
 * files sql/<schema>/NNNN_name.sql, applied in name order, each in its own
 * transaction together with its record in tm_meta.migrations (schema, name,
 * SHA-256 checksum, time). Applying takes an advisory lock so two starters
 * never race. A daemon calls tm_migrate_check at start and refuses to run
 * when its schema is behind, or when an applied file was edited since
 * (checksum differs) or removed. Not thread-safe per connection.
 *
 * Two directives, each a whole line of a migration file (SQL comments, so
 * the file stays plain SQL):
 *   --@plumbing NAME    is replaced by sql/plumbing/NAME.sql with @schema@
 *                       set to the schema: the per-schema outbox, inbox and
 *                       job_runs tables have one definition. The checksum is
 *                       of the expanded text, so editing a template reads as
 *                       an edit of every migration that uses it.
 *   --@replaces SHA256  this file was rewritten without changing what it
 *                       builds (a promise: tests/integration/migrate_test.c
 *                       compares what the old and new texts build); a
 *                       database that applied the text with that checksum is
 *                       current once tm-migrate records the rewrite in
 *                       tm_meta.migration_rewrites (nothing runs). The
 *                       applied checksum stays recorded, so binaries with
 *                       the files of before still agree (a rollback works).
 * Any other line reading "--@..." (blanks allowed) is refused, and a
 * template holds no directive. */
#ifndef TM_COMMON_MIGRATE_H
#define TM_COMMON_MIGRATE_H

#include <postgresql/libpq-fe.h>

#include "common/err.h"

#define TM_MIGRATIONS_MAX 256
#define TM_MIGRATION_NAME_MAX 128
#define TM_MIGRATION_REPLACES_MAX 4

struct tm_migration {
    char name[TM_MIGRATION_NAME_MAX];             /* file name, "0001_catalog.sql" */
    char sha256[65];                              /* hex, of the expanded text */
    char *sql;                                    /* expanded content, owned */
    char replaces[TM_MIGRATION_REPLACES_MAX][65]; /* --@replaces checksums */
    int n_replaces;
};

struct tm_migration_set {
    char schema[64];
    int n;
    struct tm_migration m[TM_MIGRATIONS_MAX];
};

/* Reads the .sql files of dir/<schema> into set (sorted by name), their
 * directives expanded (templates from dir/plumbing). The caller calls
 * tm_migration_set_fini. TM_NOTFOUND when the folder does not exist;
 * TM_INVALID for a bad directive. */
TM_MUSTCHECK enum tm_code tm_migration_set_load(const char *dir, const char *schema,
                                                struct tm_migration_set *set, struct tm_err *err);
void tm_migration_set_fini(struct tm_migration_set *set);

/* Applies what is not yet applied and records the rewrites of applied
 * ones (--@replaces). *applied counts both. TM_CONFLICT when an applied
 * migration was edited or is missing. */
TM_MUSTCHECK enum tm_code tm_migrate_apply(PGconn *db, const struct tm_migration_set *set,
                                           int *applied, struct tm_err *err);

/* TM_OK when every migration in set is applied, unedited, and nothing else
 * is recorded; TM_CONFLICT (message says which) otherwise. */
TM_MUSTCHECK enum tm_code tm_migrate_check(PGconn *db, const struct tm_migration_set *set,
                                           struct tm_err *err);

/* For a daemon's start: waits (with backoff, answering SIGTERM/SIGINT) until
 * the database answers, then checks `schema` against dir. Returns 0 when it
 * is current, 2 when it is behind or edited (logged), -1 when a stop signal
 * came first. */
struct tm_db_pool;
int tm_migrate_wait(struct tm_db_pool *pool, const char *dir, const char *schema);

#endif
