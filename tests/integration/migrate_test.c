/* tests/integration/migrate_test.c — the per-schema plumbing (outbox, inbox,
 * job_runs) now comes from sql/plumbing/ templates. A database built by the
 * migrations as they were before (tests/data/sql-before-17.tar.gz, sql/ as
 * it was then) migrates forward with nothing lost, and ends with the same
 * structure as a database built fresh from today's migrations. Each case
 * makes throw-away databases on the stack's cluster (its superuser has trust
 * authentication on loopback). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <postgresql/libpq-fe.h>

#include "common/migrate.h"

#include "tests/integration/client.h"

#define SCHEMAS "inventory,gateway,analytics,txn"

/* st.db_url with the user and database replaced: "postgresql://USER@HOST:PORT/DB". */
static void
url_for(const char *user, const char *dbname, char *out, size_t size)
{
    const char *at = strchr(st.db_url, '@'), *slash = at ? strchr(at, '/') : NULL;

    ck_assert_ptr_nonnull(slash);
    snprintf(out, size, "postgresql://%s%.*s/%s", user, (int)(slash - at), at, dbname);
}

static void
admin(const char *sql)
{
    char url[512];
    PGconn *db;
    PGresult *r;

    url_for("postgres", "postgres", url, sizeof url);
    db = PQconnectdb(url);
    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
    r = PQexec(db, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(db));
    PQclear(r);
    PQfinish(db);
}

/* The first column of every row of sql on db, joined by newlines. */
static char *
rows(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    size_t cap = 1, len = 0;
    char *out;

    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    for (int i = 0; i < PQntuples(r); i++)
        cap += strlen(PQgetvalue(r, i, 0)) + 1;
    out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    out[0] = '\0';
    for (int i = 0; i < PQntuples(r); i++)
        len += (size_t)snprintf(out + len, cap - len, "%s\n", PQgetvalue(r, i, 0));
    PQclear(r);
    return out;
}

/* Every row of the plumbing tables, as text to compare. */
static const char plumbing_rows[] =
    "SELECT format('%s %s %s', seq, topic, data) FROM inventory.outbox UNION ALL"
    " SELECT format('txn %s %s %s', seq, topic, data) FROM txn.outbox UNION ALL"
    " SELECT format('seq %s %s', last, published) FROM inventory.outbox_seq"
    " UNION ALL SELECT format('inbox %s %s', source, last_seq) FROM txn.inbox"
    " UNION ALL SELECT format('ainbox %s %s', source, last_seq) FROM analytics.inbox"
    " UNION ALL SELECT format('run %s %s %s', id, job, outcome) FROM inventory.job_runs"
    " UNION ALL SELECT format('grun %s %s', id, job) FROM gateway.job_runs";

/* Everything a migration builds in our schemas, as text to compare. */
static const char *const structure[] = {
    "SELECT format('%s.%s.%s %s %s %s', table_schema, table_name, column_name, data_type,"
    " coalesce(column_default, '-'), is_nullable) FROM information_schema.columns"
    " WHERE table_schema IN ('inventory','gateway','analytics','txn') ORDER BY 1",
    "SELECT schemaname || ' ' || indexdef FROM pg_indexes"
    " WHERE schemaname IN ('inventory','gateway','analytics','txn') ORDER BY 1",
    "SELECT n.nspname || '.' || conrelid::regclass::text || ' ' || conname || ' ' ||"
    " pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid ="
    " c.connamespace WHERE n.nspname IN ('inventory','gateway','analytics','txn') ORDER BY 1",
    "SELECT n.nspname || '.' || p.proname || ' ' || md5(p.prosrc) FROM pg_proc p JOIN"
    " pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname IN ('inventory','gateway','analytics','txn') ORDER BY 1",
    "SELECT event_object_schema || '.' || event_object_table || ' ' || trigger_name || ' ' ||"
    " event_manipulation FROM information_schema.triggers"
    " WHERE event_object_schema IN ('inventory','gateway','analytics','txn') ORDER BY 1",
};

START_TEST(test_old_database_migrates_forward_without_loss)
{
    char old_db[64], fresh_db[64], old_url[512], fresh_url[512], q[256];
    char dir[] = "/tmp/tm-before17-XXXXXX";
    PGconn *o, *f;
    char *before, *after;

    snprintf(old_db, sizeof old_db, "tm_before17_%d", getpid());
    snprintf(fresh_db, sizeof fresh_db, "tm_fresh17_%d", getpid());
    snprintf(q, sizeof q, "CREATE DATABASE %s OWNER techmart", old_db);
    admin(q);
    snprintf(q, sizeof q, "CREATE DATABASE %s OWNER techmart", fresh_db);
    admin(q);
    url_for("techmart", old_db, old_url, sizeof old_url);
    url_for("techmart", fresh_db, fresh_url, sizeof fresh_url);

    /* the database as the previous migrations built it, with events waiting
     * in both outboxes, runs recorded and an inbox position */
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(sh("tar -xzf %s/tests/data/sql-before-17.tar.gz -C %s", st.root, dir), 0);
    ck_assert_int_eq(sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s/sql-before-17"
                        " --schemas " SCHEMAS " 2>/dev/null",
                        old_url, st.bin, dir),
                     0);
    o = PQconnectdb(old_url);
    ck_assert_int_eq(PQstatus(o), CONNECTION_OK);
    for (int i = 0; i < 3; i++)
        exec_ok(o, "WITH s AS (UPDATE inventory.outbox_seq SET last = last + 1 RETURNING last)"
                   " INSERT INTO inventory.outbox (seq, topic, data)"
                   " SELECT last, 'stock.changed', jsonb_build_object('n', last) FROM s");
    exec_ok(o, "UPDATE inventory.outbox_seq SET published = 1");
    exec_ok(o, "WITH s AS (UPDATE txn.outbox_seq SET last = last + 1 RETURNING last)"
               " INSERT INTO txn.outbox (seq, topic, data)"
               " SELECT last, 'txn.created', '{\"id\":7}' FROM s");
    exec_ok(o, "INSERT INTO txn.inbox (source, last_seq) VALUES ('inventory', 41)");
    exec_ok(o, "INSERT INTO analytics.inbox (source, last_seq) VALUES ('inventory', 42)");
    exec_ok(o, "INSERT INTO inventory.job_runs (job, instance, outcome) VALUES ('ledger-check',"
               " 'inventory-1', 'ok')");
    exec_ok(o, "INSERT INTO gateway.job_runs (job, instance) VALUES ('audit-retention', 'g-1')");
    before = rows(o, plumbing_rows);

    /* today's daemons refuse it until tm-migrate has run: it is behind */
    ck_assert_int_eq(sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s/sql --schemas " SCHEMAS
                        " --check 2>/dev/null",
                        old_url, st.bin, st.root),
                     3);
    ck_assert_int_eq(sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s/sql --schemas " SCHEMAS
                        " 2>/dev/null",
                        old_url, st.bin, st.root),
                     0);
    ck_assert_int_eq(sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s/sql --schemas " SCHEMAS
                        " --check 2>/dev/null",
                        old_url, st.bin, st.root),
                     0);
    after = rows(o, plumbing_rows);
    ck_assert_str_eq(after, before);
    /* the checksums it was built with stay recorded: the files of before
     * still agree with it (a rollback works) — with the migrations added
     * since, which that database has applied too */
    ck_assert_int_eq(sh("cp -r %s/sql-before-17 %s/merged && cd %s/sql && for f in */*.sql; do"
                        " [ -e %s/merged/$f ] || { mkdir -p %s/merged/${f%%/*};"
                        " cp $f %s/merged/$f; }; done",
                        dir, dir, st.root, dir, dir, dir),
                     0);
    ck_assert_int_eq(sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s/merged --schemas " SCHEMAS
                        " --check 2>/dev/null",
                        old_url, st.bin, dir),
                     0);
    ck_assert_ptr_nonnull(strstr(after, "3 stock.changed {\"n\": 3}"));
    free(before);
    free(after);

    /* the same structure as a database built fresh from today's files */
    ck_assert_int_eq(sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s/sql --schemas " SCHEMAS
                        " 2>/dev/null",
                        fresh_url, st.bin, st.root),
                     0);
    f = PQconnectdb(fresh_url);
    ck_assert_int_eq(PQstatus(f), CONNECTION_OK);
    for (size_t i = 0; i < sizeof structure / sizeof structure[0]; i++) {
        char *a = rows(o, structure[i]), *b = rows(f, structure[i]);

        ck_assert_msg(strlen(a) > 0, "nothing listed by %s", structure[i]);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    PQfinish(o);
    PQfinish(f);
    snprintf(q, sizeof q, "DROP DATABASE %s", old_db);
    admin(q);
    snprintf(q, sizeof q, "DROP DATABASE %s", fresh_db);
    admin(q);
    ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

/* A template edited after it was applied reads as an edit of every
 * migration that uses it; a bad directive is refused at load. */
START_TEST(test_template_edits_are_edits)
{
    char dir[] = "/tmp/tm-plumb-XXXXXX";
    struct tm_migration_set set;
    struct tm_err e;
    PGconn *db = PQconnectdb(st.db_url);

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(sh("cp -r %s/sql/. %s/", st.root, dir), 0);
    ck_assert_int_eq(tm_migration_set_load(dir, "txn", &set, &e), TM_OK);
    ck_assert_ptr_nonnull(strstr(set.m[0].sql, "CREATE TABLE txn.outbox ("));
    ck_assert_ptr_nonnull(strstr(set.m[0].sql, "CREATE TABLE txn.inbox ("));
    ck_assert_ptr_null(strstr(set.m[0].sql, "@schema@"));
    ck_assert_int_eq(tm_migrate_check(db, &set, &e), TM_OK);
    tm_migration_set_fini(&set);
    ck_assert_int_eq(sh("echo '-- edited' >> %s/plumbing/outbox.sql", dir), 0);
    ck_assert_int_eq(tm_migration_set_load(dir, "txn", &set, &e), TM_OK);
    ck_assert_int_eq(tm_migrate_check(db, &set, &e), TM_CONFLICT);
    ck_assert_ptr_nonnull(strstr(e.message, "edited"));
    tm_migration_set_fini(&set);
    /* what is not exactly a directive of ours is refused, not taken for a comment */
    static const char *const bad[] = {
        "--@plumbing ../../etc/passwd",
        "  --@plumbing outbox",
        "--@plumbing",
        "--@Plumbing outbox",
        "-- @plumbing outbox",
        "--@plumbing outbox\\r",
        "--@replaces 1234",
        "--@include x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sh("printf -- '%s\\n' > %s/txn/9999_x.sql", bad[i], dir), 0);
        ck_assert_msg(tm_migration_set_load(dir, "txn", &set, &e) == TM_INVALID, "%s taken",
                      bad[i]);
    }
    /* a template holds no directive; one without a last newline is not glued
     * to the line after it */
    ck_assert_int_eq(sh("printf -- '--@plumbing outbox\\n' > %s/plumbing/jobs.sql", dir), 0);
    ck_assert_int_eq(sh("printf -- '--@plumbing jobs\\n' > %s/txn/9999_x.sql", dir), 0);
    ck_assert_int_eq(tm_migration_set_load(dir, "txn", &set, &e), TM_INVALID);
    ck_assert_int_eq(sh("printf -- '-- end' > %s/plumbing/jobs.sql", dir), 0);
    ck_assert_int_eq(
        sh("printf -- '--@plumbing jobs\\nCREATE TABLE x;\\n' > %s/txn/9999_x.sql", dir), 0);
    ck_assert_int_eq(tm_migration_set_load(dir, "txn", &set, &e), TM_OK);
    ck_assert_ptr_nonnull(strstr(set.m[set.n - 1].sql, "-- end\nCREATE TABLE x;"));
    tm_migration_set_fini(&set);
    /* and a schema name is a name, not a path */
    ck_assert_int_eq(tm_migration_set_load(dir, "../txn", &set, &e), TM_INVALID);
    ck_assert_int_eq(sh("rm -rf %s", dir), 0);
    PQfinish(db);
}
END_TEST

Suite *
migrate_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("plumbing");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_old_database_migrates_forward_without_loss);
    tcase_add_test(tc, test_template_edits_are_edits);
    suite_add_tcase(s, tc);
    return s;
}
