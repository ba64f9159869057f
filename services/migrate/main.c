/* services/migrate/main.c — tm-migrate: applies the migrations of sql/ to a
 * database, or (--check) only says whether each schema is current. Exit
 * status: 0 done/current, 1 database unreachable or a migration failed,
 * 2 bad arguments, 3 a schema is behind (--check) or an applied migration was
 * edited or removed. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/config.h"
#include "common/db.h"
#include "common/log.h"
#include "common/migrate.h"

struct mig_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    char sql_dir[512];
    char schemas[256];
    int check;
};

#define F(field) offsetof(struct mig_cfg, field)
#define S(field) sizeof(((struct mig_cfg *)0)->field)
static const struct tm_cfg_opt mig_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0, "postgresql:///techmart", 1,
     "PostgreSQL connection string"},
    {"sql-dir", "TM_SQL_DIR", TM_CFG_STR, F(sql_dir), S(sql_dir), 0, 0, "sql", 0,
     "folder holding one sub-folder of migrations per schema"},
    {"schemas", "TM_SCHEMAS", TM_CFG_STR, F(schemas), S(schemas), 0, 0, "inventory", 0,
     "comma-separated schemas to migrate, in order"},
    {"check", "TM_MIGRATE_CHECK", TM_CFG_BOOL, F(check), 0, 0, 0, "false", 0,
     "apply nothing; exit 3 when a schema is behind or edited"},
};
#undef F
#undef S

static int
run_schema(PGconn *db, const struct mig_cfg *cfg, const char *schema)
{
    struct tm_migration_set set;
    struct tm_err err;
    enum tm_code rc;
    int applied = 0;

    if (tm_migration_set_load(cfg->sql_dir, schema, &set, &err) != TM_OK) {
        tm_log_error(NULL, "migrate", "schema=%s error=\"%s\"", schema, err.message);
        return 2;
    }
    rc = cfg->check ? tm_migrate_check(db, &set, &err) : tm_migrate_apply(db, &set, &applied, &err);
    tm_migration_set_fini(&set);
    if (rc != TM_OK) {
        tm_log_error(NULL, "migrate", "schema=%s error=\"%s\"", schema, err.message);
        return rc == TM_CONFLICT ? 3 : 1;
    }
    tm_log_info(NULL, cfg->check ? "migrate.current" : "migrate.done", "schema=%s applied=%d",
                schema, applied);
    return 0;
}

int
main(int argc, char **argv)
{
    static struct mig_cfg cfg;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {mig_opts, sizeof mig_opts / sizeof mig_opts[0], &cfg},
    };
    PGconn *db;
    int status;
    char *save = NULL;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-migrate",
                              "Applies (or checks) the schema migrations in sql/.")) >= 0)
        return status;
    status = 0;
    db = PQconnectdb(cfg.db_url);
    if (PQstatus(db) != CONNECTION_OK) {
        tm_log_error(NULL, "migrate", "error=\"cannot connect: %s\"", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    for (char *s = strtok_r(cfg.schemas, ",", &save); s && status == 0;
         s = strtok_r(NULL, ",", &save))
        status = run_schema(db, &cfg, s);
    PQfinish(db);
    return status;
}
