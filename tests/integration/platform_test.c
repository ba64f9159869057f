/* tests/integration/platform_test.c — what every request and daemon has:
 * request ids, timing, gzip, /health and /metrics, --help, the migration
 * guard, and the common/ database and Redis clients against the real servers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/migrate.h"
#include "common/redis.h"

#include "tests/integration/client.h"

START_TEST(test_request_id_kept_or_made_and_time_reported)
{
    struct resp r;

    ck_assert_int_eq(
        http_port(0, "GET", "/api/v1/stores?limit=1", NULL, "X-Request-Id: my-trace.42\r\n", &r),
        0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.rid, "my-trace.42");
    ck_assert_ptr_nonnull(strstr(r.ptime, "ms"));
    ck_assert(atof(r.ptime) > 0);
    resp_free(&r);
    ck_assert_int_eq(http_port(0, "GET", "/api/v1/stores?limit=1", NULL,
                               "X-Request-Id: bad id with spaces\r\n", &r),
                     0);
    ck_assert_int_eq(strlen(r.rid), 32); /* replaced by a generated one */
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/products/abc", NULL, &r), 0);
    ck_assert_int_eq(strlen(r.rid), 32); /* errors carry it too */
    ck_assert_ptr_nonnull(r.ptime[0] ? r.ptime : NULL);
    resp_free(&r);
}
END_TEST

START_TEST(test_large_json_is_gzipped_small_is_not)
{
    struct resp r;

    ck_assert_int_eq(
        http_port(0, "GET", "/api/v1/products?limit=50", NULL, "Accept-Encoding: gzip\r\n", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.encoding, "gzip");
    ck_assert_int_eq((unsigned char)r.body[0], 0x1f); /* gzip magic */
    resp_free(&r);
    ck_assert_int_eq(
        http_port(0, "GET", "/api/v1/products/abc", NULL, "Accept-Encoding: gzip\r\n", &r), 0);
    ck_assert_str_eq(r.encoding, ""); /* a small error body stays plain */
    resp_free(&r);
}
END_TEST

START_TEST(test_health_and_metrics_on_ops_ports)
{
    struct resp r;

    ck_assert_int_eq(http_port(st.gw_ops_port, "GET", "/health", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "ready")));
    ck_assert_ptr_nonnull(strstr(r.body, "\"inventory\":{\"state\":\"up\""));
    resp_free(&r);
    ck_assert_int_eq(http_port(st.inv_ops_port, "GET", "/health", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"postgres\":{\"state\":\"up\""));
    resp_free(&r);
    ck_assert_int_eq(http_port(st.gw_ops_port, "GET", "/metrics", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "# TYPE tm_gateway_requests_total counter"));
    ck_assert_ptr_nonnull(strstr(r.body, "tm_gateway_request_duration_seconds_bucket{route="));
    resp_free(&r);
    ck_assert_int_eq(http_port(st.inv_ops_port, "GET", "/metrics", NULL, "", &r), 0);
    ck_assert_ptr_nonnull(strstr(r.body, "tm_requests_total{method=\"GET\""));
    resp_free(&r);
    /* nginx serves neither: /metrics not at all, /health only as the summary */
    ck_assert_int_eq(http("GET", "/metrics", NULL, &r), 0);
    ck_assert_int_ne(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/health/summary", NULL, &r), 0);
    ck_assert_int_ne(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/health", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "detail"));
    resp_free(&r);
}
END_TEST

START_TEST(test_every_binary_has_help)
{
    /* the daemons and the tools that take settings (tm-events, tm-fraud-eval and
     * tm-forecast-eval take commands and files, and print their usage) */
    static const char *const bins[] = {"tm-gateway",   "tm-inventory",    "tm-txn",
                                       "tm-analytics", "tm-migrate",      "tm-inventory-seed",
                                       "tm-txn-seed",  "tm-gateway-admin"};
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
        ck_assert_int_eq(sh("%s/%s --help | grep -q -- '--log-level'", st.bin, bins[i]), 0);
        ck_assert_int_eq(sh("%s/%s --help | grep -q TM_", st.bin, bins[i]), 0);
        ck_assert_int_eq(sh("%s/%s --no-such-flag 2>/dev/null", st.bin, bins[i]), 2);
    }
}
END_TEST

/* tm-forecast-eval's regressor flags (issue 23): a column the file lacks, a
 * country it does not know, holidays on integer periods and a calendar with a
 * bad date stop the run with status 2 and say which; good flags run and say
 * on how many series the regressors were used. */
START_TEST(test_forecast_eval_regressor_flags)
{
    char dir[] = "/tmp/tm-fc-flags.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(sh("awk 'BEGIN { print \"series_id,date,value,promo\"; "
                        "for (t = 0; t < 200; t++) printf \"s,%%s,%%d,%%d\\n\", "
                        "strftime(\"%%Y-%%m-%%d\", 1451606400 + t * 86400, 1), "
                        "(t %% 11 == 3 ? 30 : 10) + t %% 7, t %% 11 == 3 }' >%s/d.csv",
                        dir),
                     0);
    ck_assert_int_eq(sh("awk 'BEGIN { print \"series_id,week,value\"; for (t = 1; t < 60; t++) "
                        "print \"w,\" t \",\" 5 + t %% 3 }' >%s/w.csv",
                        dir),
                     0);
    ck_assert_int_eq(sh("printf 'date,event\\n2016-02-30,x\\n' >%s/bad.csv", dir), 0);
    ck_assert_int_eq(sh("printf 'date,event\\n2016-02-14,x\\n' >%s/cal.csv", dir), 0);
    ck_assert_int_eq(
        sh("%s/tm-forecast-eval %s/d.csv --regressors nosuch 2>%s/err", st.bin, dir, dir), 2);
    ck_assert_int_eq(sh("grep -q 'no column nosuch in the header' %s/err", dir), 0);
    ck_assert_int_eq(sh("%s/tm-forecast-eval %s/d.csv --holidays FR 2>%s/err", st.bin, dir, dir),
                     2);
    ck_assert_int_eq(sh("grep -q 'takes US or UK' %s/err", dir), 0);
    ck_assert_int_eq(sh("%s/tm-forecast-eval %s/w.csv --holidays US 2>%s/err", st.bin, dir, dir),
                     2);
    ck_assert_int_eq(sh("grep -q 'need daily dates' %s/err", dir), 0);
    ck_assert_int_eq(
        sh("%s/tm-forecast-eval %s/d.csv --calendar %s/bad.csv 2>%s/err", st.bin, dir, dir, dir),
        2);
    ck_assert_int_eq(sh("grep -q 'bad.csv:2: date is not an ISO date' %s/err", dir), 0);
    ck_assert_int_eq(sh("%s/tm-forecast-eval %s/d.csv --regressors promo --holidays US "
                        "--calendar %s/cal.csv 2>/dev/null | grep -q '^regressors used on 1 of "
                        "1 series.*promo mean effect'",
                        st.bin, dir, dir),
                     0);
    ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

/* common/service derives each daemon's settings from its declaration: its
 * endpoint from its name, one row per job, per peer and per subscription,
 * the outbox's only where there is an outbox. */
START_TEST(test_service_settings_derive_from_the_declaration)
{
    static const char *const has[][2] = {
        {"tm-txn", "TM_TXN_ENDPOINT"},
        {"tm-txn", "TM_TXN_EVENTS_ENDPOINT"},
        {"tm-txn", "TM_OUTBOX_RETENTION_S"},
        {"tm-txn", "TM_JOB_OUTBOX_CLEANUP_S"},
        {"tm-txn", "TM_JOB_CLAIM_RECOVERY_S"},
        {"tm-txn", "TM_INVENTORY_ENDPOINTS"},
        {"tm-txn", "TM_INVENTORY_EVENTS_ENDPOINTS"},
        {"tm-txn", "TM_REDIS_URL"},
        {"tm-inventory", "TM_JOB_FORECAST_REFRESH_S"},
        {"tm-inventory", "TM_INVENTORY_EVENTS_ENDPOINT"},
        {"tm-analytics", "TM_ANALYTICS_ENDPOINT"},
        {"tm-analytics", "TM_INVENTORY_EVENTS_ENDPOINTS"},
        {"tm-analytics", "TM_TXN_EVENTS_ENDPOINTS"},
        {"tm-analytics", "TM_TXN_ENDPOINTS"},
        {"tm-analytics", "TM_JOB_REBUILD_S"},
        {"tm-analytics", "TM_JOB_DAILY_REPORT_S"},
    };
    static const char *const lacks[][2] = {
        {"tm-analytics", "TM_OUTBOX_RETENTION_S"},   /* publishes nothing */
        {"tm-analytics", "TM_JOB_OUTBOX_CLEANUP_S"}, /* nor cleans an outbox */
        {"tm-inventory", "TM_INVENTORY_ENDPOINTS"},  /* calls no peer */
        {"tm-inventory", "TM_REDIS_URL"},
    };
    for (size_t i = 0; i < sizeof has / sizeof has[0]; i++)
        ck_assert_msg(sh("%s/%s --help | grep -q '%s'", st.bin, has[i][0], has[i][1]) == 0,
                      "%s --help lacks %s", has[i][0], has[i][1]);
    for (size_t i = 0; i < sizeof lacks / sizeof lacks[0]; i++)
        ck_assert_msg(sh("%s/%s --help | grep -q '%s'", st.bin, lacks[i][0], lacks[i][1]) != 0,
                      "%s --help has %s", lacks[i][0], lacks[i][1]);
    /* a derived setting is validated like any other */
    ck_assert_int_eq(sh("%s/tm-txn --job-claim-recovery=-1 2>/dev/null", st.bin), 2);
}
END_TEST

/* tm-inventory must refuse a schema that is behind or whose applied
 * migration was edited: run it against copies of sql/ changed each way. */
START_TEST(test_inventory_refuses_behind_or_edited_schema)
{
    char dir[] = "/tmp/tm-sql-XXXXXX";

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(sh("cp -r %s/sql/. %s/", st.root, dir), 0);
    ck_assert_int_eq(
        sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s --check 2>/dev/null", st.db_url, st.bin, dir),
        0);
    ck_assert_int_eq(sh("echo 'SELECT 1;' > %s/inventory/9999_future.sql", dir), 0);
    ck_assert_int_eq(
        sh("TM_DB_URL='%s' %s/tm-migrate --sql-dir %s --check 2>/dev/null", st.db_url, st.bin, dir),
        3);
    ck_assert_int_eq(sh("TM_DB_URL='%s' TM_SQL_DIR=%s TM_INVENTORY_ENDPOINT=ipc://%s/x.ipc "
                        "timeout 20 %s/tm-inventory 2>%s/log.txt",
                        st.db_url, dir, dir, st.bin, dir),
                     2);
    ck_assert_int_eq(sh("grep -q 'behind' %s/log.txt", dir), 0);
    ck_assert_int_eq(sh("rm %s/inventory/9999_future.sql && echo '-- edited' >> "
                        "%s/inventory/0001_catalog.sql",
                        dir, dir),
                     0);
    ck_assert_int_eq(sh("TM_DB_URL='%s' TM_SQL_DIR=%s TM_INVENTORY_ENDPOINT=ipc://%s/x.ipc "
                        "timeout 20 %s/tm-inventory 2>%s/log.txt",
                        st.db_url, dir, dir, st.bin, dir),
                     2);
    ck_assert_int_eq(sh("grep -q 'edited after it was applied' %s/log.txt", dir), 0);
    ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

/* The runner on a schema of its own: apply records, a re-run applies
 * nothing, an edit is refused and the bad migration leaves no trace. */
START_TEST(test_migration_runner_records_and_guards)
{
    char dir[] = "/tmp/tm-mig-XXXXXX", schema[64];
    struct tm_migration_set set;
    struct tm_err e;
    PGconn *db = PQconnectdb(st.db_url);
    PGresult *res = NULL;
    int applied = -1;
    const char *params[1];

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    snprintf(schema, sizeof schema, "t_%s", run_tag());
    for (char *c = schema; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(sh("mkdir %s/%s && echo 'CREATE SCHEMA %s; CREATE TABLE %s.t (x int);' > "
                        "%s/%s/0001_a.sql",
                        dir, schema, schema, schema, dir, schema),
                     0);
    ck_assert_int_eq(tm_migration_set_load(dir, schema, &set, &e), TM_OK);
    ck_assert_int_eq(tm_migrate_check(db, &set, &e), TM_CONFLICT);
    ck_assert_int_eq(tm_migrate_apply(db, &set, &applied, &e), TM_OK);
    ck_assert_int_eq(applied, 1);
    ck_assert_int_eq(tm_migrate_apply(db, &set, &applied, &e), TM_OK);
    ck_assert_int_eq(applied, 0);
    ck_assert_int_eq(tm_migrate_check(db, &set, &e), TM_OK);
    params[0] = schema;
    ck_assert_int_eq(tm_db_exec(db,
                                "SELECT name, checksum, applied_at FROM tm_meta.migrations "
                                "WHERE schema_name = $1",
                                1, params, &res, &e),
                     TM_OK);
    ck_assert_int_eq(PQntuples(res), 1);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "0001_a.sql");
    ck_assert_str_eq(PQgetvalue(res, 0, 1), set.m[0].sha256);
    PQclear(res);
    tm_migration_set_fini(&set);
    /* a failing second migration is rolled back whole and not recorded */
    ck_assert_int_eq(sh("echo 'CREATE TABLE %s.u (y int); SELECT no_such_fn();' > %s/%s/0002_b.sql",
                        schema, dir, schema),
                     0);
    ck_assert_int_eq(tm_migration_set_load(dir, schema, &set, &e), TM_OK);
    ck_assert_int_ne(tm_migrate_apply(db, &set, &applied, &e), TM_OK);
    ck_assert_int_eq(tm_db_exec(db, "SELECT to_regclass($1 || '.u') IS NULL", 1, params, &res, &e),
                     TM_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    tm_migration_set_fini(&set);
    ck_assert_int_eq(
        sh("echo '-- edit' >> %s/%s/0001_a.sql && rm %s/%s/0002_b.sql", dir, schema, dir, schema),
        0);
    ck_assert_int_eq(tm_migration_set_load(dir, schema, &set, &e), TM_OK);
    ck_assert_int_eq(tm_migrate_apply(db, &set, &applied, &e), TM_CONFLICT);
    ck_assert_ptr_nonnull(strstr(e.message, "edited"));
    tm_migration_set_fini(&set);
    PQfinish(db);
    ck_assert_int_eq(sh("rm -rf %s", dir), 0);
}
END_TEST

START_TEST(test_db_pool_maps_errors_and_backs_off)
{
    struct tm_db_pool *p = NULL, *bad = NULL;
    PGconn *c = NULL;
    PGresult *r = NULL;
    struct tm_err e;
    const char *params[2] = {"x'); DROP TABLE t; --", NULL};

    ck_assert_int_eq(tm_db_pool_new(st.db_url, 2, &p, &e), TM_OK);
    ck_assert_int_eq(tm_db_acquire(p, 100, &c, &e), TM_OK);
    ck_assert_int_eq(tm_db_exec(c, "SELECT $1::text, $2::text IS NULL", 2, params, &r, &e), TM_OK);
    ck_assert_str_eq(PQgetvalue(r, 0, 0), params[0]);
    ck_assert_str_eq(PQgetvalue(r, 0, 1), "t");
    PQclear(r);
    /* the statement was prepared on this connection, once */
    ck_assert_int_eq(tm_db_exec(c, "SELECT $1::text, $2::text IS NULL", 2, params, &r, &e), TM_OK);
    PQclear(r);
    ck_assert_int_eq(tm_db_exec(c,
                                "SELECT count(*) FROM pg_prepared_statements "
                                "WHERE statement = 'SELECT $1::text, $2::text IS NULL'",
                                0, NULL, &r, &e),
                     TM_OK);
    ck_assert_str_eq(PQgetvalue(r, 0, 0), "1");
    PQclear(r);
    ck_assert_int_eq(tm_db_exec(c, "SELECT 1/0", 0, NULL, &r, &e), TM_INVALID);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(tm_db_begin(c, &e), TM_OK);
    ck_assert_int_eq(tm_db_exec(c, "CREATE TEMP TABLE u (k int PRIMARY KEY)", 0, NULL, NULL, &e),
                     TM_OK);
    ck_assert_int_eq(tm_db_exec(c, "INSERT INTO u VALUES (1), (1)", 0, NULL, NULL, &e),
                     TM_CONFLICT);
    ck_assert_str_eq(e.field, "u_pkey");
    tm_db_rollback(c);
    tm_db_release(p, c);
    ck_assert_int_eq(tm_db_ping(p, &e), TM_OK);
    ck_assert(tm_db_pool_up(p));
    tm_db_pool_free(p);

    ck_assert_int_eq(
        tm_db_pool_new("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 2, &bad, &e),
        TM_OK);
    ck_assert_int_eq(tm_db_acquire(bad, 0, &c, &e), TM_UNAVAIL);
    /* the second attempt inside the backoff window fails without connecting */
    ck_assert_int_eq(tm_db_acquire(bad, 0, &c, &e), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(e.message, "retrying"));
    ck_assert(!tm_db_pool_up(bad));
    tm_db_pool_free(bad);
}
END_TEST

START_TEST(test_redis_client_against_real_redis)
{
    struct tm_redis *r = NULL, *down = NULL;
    struct tm_err e;
    redisReply *rep = NULL;
    const char *set[3] = {"SET", "tm:test:key", "value with spaces\r\nand CRLF"};
    const char *get[2] = {"GET", "tm:test:key"};

    ck_assert_int_eq(tm_redis_new(st.redis_url, 500, &r, &e), TM_OK);
    ck_assert_int_eq(tm_redis_ping(r, &e), TM_OK);
    ck_assert_int_eq(tm_redis_cmd(r, 3, set, NULL, &e), TM_OK);
    ck_assert_int_eq(tm_redis_cmd(r, 2, get, &rep, &e), TM_OK);
    ck_assert_str_eq(rep->str, set[2]);
    freeReplyObject(rep);
    {
        const char *bad[2] = {"NOSUCHCOMMAND", "x"};
        ck_assert_int_eq(tm_redis_cmd(r, 2, bad, NULL, &e), TM_INTERNAL);
    }
    {
        /* Redis closes this client's kept connection (as a restart does):
         * the next command goes through on a new one, not TM_UNAVAIL */
        const char *id[2] = {"CLIENT", "ID"};
        const char *kill[4] = {"CLIENT", "KILL", "ID", NULL};
        struct tm_redis *other = NULL;
        char idtext[32];

        ck_assert_int_eq(tm_redis_cmd(r, 2, id, &rep, &e), TM_OK);
        ck_assert_int_eq(rep->type, REDIS_REPLY_INTEGER);
        snprintf(idtext, sizeof idtext, "%lld", rep->integer);
        freeReplyObject(rep);
        kill[3] = idtext;
        ck_assert_int_eq(tm_redis_new(st.redis_url, 500, &other, &e), TM_OK);
        ck_assert_int_eq(tm_redis_cmd(other, 4, kill, NULL, &e), TM_OK);
        tm_redis_free(other);
        ck_assert_int_eq(tm_redis_cmd(r, 2, get, &rep, &e), TM_OK);
        ck_assert_str_eq(rep->str, set[2]);
        freeReplyObject(rep);
    }
    tm_redis_free(r);
    ck_assert_int_eq(tm_redis_new("redis://127.0.0.1:1", 200, &down, &e), TM_OK);
    ck_assert_int_eq(tm_redis_ping(down, &e), TM_UNAVAIL);
    ck_assert_int_eq(tm_redis_ping(down, &e), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(e.message, "retrying"));
    tm_redis_free(down);
    ck_assert_int_eq(tm_redis_new("http://x", 200, &down, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "redis-url");
    ck_assert_int_eq(tm_redis_new("redis://host:99999", 200, &down, &e), TM_INVALID);
}
END_TEST

Suite *
platform_suite(void)
{
    Suite *s = suite_create("platform");
    TCase *tc = tcase_create("platform");

    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_request_id_kept_or_made_and_time_reported);
    tcase_add_test(tc, test_large_json_is_gzipped_small_is_not);
    tcase_add_test(tc, test_health_and_metrics_on_ops_ports);
    tcase_add_test(tc, test_every_binary_has_help);
    tcase_add_test(tc, test_forecast_eval_regressor_flags);
    tcase_add_test(tc, test_service_settings_derive_from_the_declaration);
    tcase_add_test(tc, test_inventory_refuses_behind_or_edited_schema);
    tcase_add_test(tc, test_migration_runner_records_and_guards);
    tcase_add_test(tc, test_db_pool_maps_errors_and_backs_off);
    tcase_add_test(tc, test_redis_client_against_real_redis);
    suite_add_tcase(s, tc);
    return s;
}
