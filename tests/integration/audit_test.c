/* tests/integration/audit_test.c — the audit log's growth and upkeep (issue
 * 16, item 6): anonymous refusals become one counter per source address,
 * minute and status, while authenticated refusals keep a row each;
 * retention deletes what is older than configured (and nothing recent);
 * the log exports as NDJSON and CSV pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/db.h"
#include "common/time.h"

#include "tests/integration/client.h"

#define BATCHED "tm_gateway_refusals_total{outcome=\"batched\"}"
#define DIRECT "tm_gateway_refusals_total{outcome=\"direct\"}"

/* The refusals of addr with status the database holds. */
static long long
refusals_stored(const char *addr, int status)
{
    return sql_intf("SELECT COALESCE(sum(n), 0) FROM gateway.audit_refusals"
                    " WHERE source_addr = '%s' AND status = %d",
                    addr, status);
}

/* N anonymous 401s from one address: no audit rows, one counter (two if a
 * minute turned meanwhile) whose n adds up to N, written by each gateway
 * once a second for every refusal it counted, not once per refusal.
 * A known principal's refusals from the same address get a row for the
 * first of a minute, and are counted after. */
START_TEST(test_anonymous_refusals_are_counted_not_logged)
{
    enum { N = 60 };
    char addr[32], hdr[2300], path[256], tok[2048];
    struct resp r;
    long long n_sum = 0, rows, batched = gw_metric(0, BATCHED) + gw_metric(1, BATCHED);
    long long direct = gw_metric(0, DIRECT) + gw_metric(1, DIRECT);
    cJSON *it;

    snprintf(addr, sizeof addr, "%s", test_addr(101));
    for (int i = 0; i < N; i++) {
        snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n%s", addr,
                 i % 2 ? "Authorization: Bearer not.a.token\r\n" : "");
        ck_assert_int_eq(http_raw(st.gw_ports[i % 2], i % 3 ? "GET" : "POST",
                                  i % 3 ? "/api/v1/products/1" : "/api/v1/categories",
                                  i % 3 ? NULL : "{\"name\":\"x\"}", hdr, &r),
                         0);
        ck_assert_int_eq(r.status, 401);
        resp_free(&r);
    }
    /* written within a flush (a second) or two */
    for (int i = 0; refusals_stored(addr, 401) < N; i++) {
        ck_assert_msg(i < 100, "%lld of %d refusals written after 10 s", refusals_stored(addr, 401),
                      N);
        tm_sleep_ms(100);
    }
    ck_assert_int_eq(refusals_stored(addr, 401), N);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM gateway.audit WHERE source_addr = '%s'", addr),
                     0);
    ck_assert_int_le(sql_intf("SELECT count(*) FROM gateway.audit_refusals"
                              " WHERE source_addr = '%s'",
                              addr),
                     2);
    /* added up in memory: none written on its own */
    ck_assert_int_ge(gw_metric(0, BATCHED) + gw_metric(1, BATCHED) - batched, N);
    ck_assert_int_eq(gw_metric(0, DIRECT) + gw_metric(1, DIRECT) - direct, 0);
    /* the admin reads them through the API */
    snprintf(path, sizeof path, "/api/v1/audit/refusals?source_addr=%s&status=401", addr);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
    {
        ck_assert_str_eq(cJSON_GetObjectItem(it, "source_addr")->valuestring, addr);
        n_sum += (long long)cJSON_GetObjectItem(it, "n")->valuedouble;
    }
    ck_assert_int_eq(n_sum, N);
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[5], "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403); /* a viewer */
    resp_free(&r);
    /* a store manager (no catalog.write; one no other test uses) refused
     * three times from that address: a row for the first of the minute
     * (two if the minute turned), the others counted */
    snprintf(path, sizeof path, "user:7%d", (int)(getpid() % 100000));
    manager_token_as(path, 1, tok, sizeof tok);
    for (int i = 0; i < 3; i++) {
        snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\nAuthorization: Bearer %s\r\n", addr, tok);
        ck_assert_int_eq(
            http_raw(st.gw_ports[0], "POST", "/api/v1/categories", "{\"name\":\"v\"}", hdr, &r), 0);
        ck_assert_int_eq(r.status, 403);
        resp_free(&r);
    }
    rows = sql_intf("SELECT count(*) FROM gateway.audit WHERE source_addr = '%s'"
                    " AND status = 403 AND principal_kind = 'user'",
                    addr);
    ck_assert_int_ge(rows, 1);
    ck_assert_int_le(rows, 2);
    for (int i = 0; rows + refusals_stored(addr, 403) < 3; i++) {
        ck_assert_msg(i < 100, "403s: %lld rows, %lld counted after 10 s", rows,
                      refusals_stored(addr, 403));
        tm_sleep_ms(100);
    }
    ck_assert_int_eq(rows + refusals_stored(addr, 403), 3);
}
END_TEST

/* Writes the gateway cannot read (a bad Idempotency-Key: 400, a body that
 * is not JSON: 415) are refused before credentials are looked at: counted
 * like any anonymous refusal, no audit row each, whatever the token says (a
 * forged one passes nginx's anonymous limit). */
START_TEST(test_unreadable_writes_are_counted_not_logged)
{
    enum { N = 12, KINDS = 2 };
    static const struct {
        const char *method, *path, *hdr;
        int status;
    } kind[] = {
        {"POST", "/api/v1/categories", "Idempotency-Key: !\r\n", 400},
        {"POST", "/api/v1/categories", "Content-Type: text/plain\r\n", 415},
    };
    char addr[32], hdr[512];
    struct resp r;

    snprintf(addr, sizeof addr, "%s", test_addr(103));
    for (int i = 0; i < N; i++) {
        int k = i % KINDS;

        snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n%s%s", addr, kind[k].hdr,
                 i % 2 ? "Authorization: Bearer not.a.token\r\n" : "");
        ck_assert_int_eq(
            http_raw(st.gw_ports[i % 2], kind[k].method, kind[k].path, "{\"name\":\"x\"}", hdr, &r),
            0);
        ck_assert_msg(r.status == kind[k].status, "%s %s: %d %s", kind[k].method, kind[k].hdr,
                      r.status, r.body);
        resp_free(&r);
    }
    for (int i = 0;
         refusals_stored(addr, 400) + refusals_stored(addr, 415) + refusals_stored(addr, 405) < N;
         i++) {
        ck_assert_msg(i < 100, "refusals not written after 10 s");
        tm_sleep_ms(100);
    }
    for (int k = 0; k < KINDS; k++)
        ck_assert_int_eq(refusals_stored(addr, kind[k].status), N / KINDS);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM gateway.audit WHERE source_addr = '%s'", addr),
                     0);
}
END_TEST

static void
exec_sql(PGconn *db, const char *sql)
{
    struct tm_err e;

    ck_assert_msg(tm_db_exec(db, sql, 0, NULL, NULL, &e) == TM_OK, "%s: %s", sql, e.message);
}

/* Rows older than the retention (365 days on the test stack) go; recent
 * ones stay, and even the retention's own switch cannot remove a row of
 * the last day. */
START_TEST(test_audit_retention_deletes_old_rows)
{
    char sql[512], rid_old[64], rid_new[64], addr[32];
    struct resp r;
    PGconn *db = PQconnectdb(st.db_url);
    struct tm_err e;

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    snprintf(rid_old, sizeof rid_old, "old-%s", run_tag());
    snprintf(rid_new, sizeof rid_new, "new-%s", run_tag());
    snprintf(addr, sizeof addr, "%s", test_addr(102));
    snprintf(sql, sizeof sql,
             "INSERT INTO gateway.audit (at, request_id, method, path, principal_kind,"
             " principal_id, role, status, source_addr) VALUES"
             " (now() - interval '400 days', '%s', 'POST', '/x', 'user', 'user:1', 'admin', 201,"
             " '%s'), (now() - interval '30 days', '%s', 'POST', '/x', 'user', 'user:1', 'admin',"
             " 201, '%s')",
             rid_old, addr, rid_new, addr);
    exec_sql(db, sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO gateway.audit_refusals (minute, source_addr, status, n) VALUES"
             " (date_trunc('minute', now() - interval '400 days'), '%s', 401, 5),"
             " (date_trunc('minute', now() - interval '30 days'), '%s', 401, 7)",
             addr, addr);
    exec_sql(db, sql);
    ck_assert_int_eq(job_run("/api/v1/gateway/jobs/audit-retention/run", &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "\"outcome\":\"ok\""));
    resp_free(&r);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM gateway.audit WHERE request_id = '%s'", rid_old), 0);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM gateway.audit WHERE request_id = '%s'", rid_new), 1);
    ck_assert_int_eq(sql_intf("SELECT COALESCE(sum(n), 0) FROM gateway.audit_refusals"
                              " WHERE source_addr = '%s'",
                              addr),
                     7);
    /* the switch the job uses still cannot remove a recent row */
    exec_sql(db, "BEGIN");
    exec_sql(db, "SELECT set_config('gateway.audit_prune', 'on', true)");
    ck_assert_int_ne(tm_db_exec(db,
                                "DELETE FROM gateway.audit WHERE at > now() - interval '1 hour'", 0,
                                NULL, NULL, &e),
                     TM_OK);
    exec_sql(db, "ROLLBACK");
    ck_assert_int_ne(tm_db_exec(db, "DELETE FROM gateway.audit WHERE at < now() - interval '1 day'",
                                0, NULL, NULL, &e),
                     TM_OK);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM gateway.audit WHERE request_id = '%s'", rid_new), 1);
    PQfinish(db);
    ck_assert_int_eq(http("GET", "/api/v1/gateway/jobs", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"revocations-cleanup\""));
    resp_free(&r);
}
END_TEST

/* Export: the same rows as NDJSON and as CSV, a page at a time. */
START_TEST(test_audit_exports_ndjson_and_csv_pages)
{
    char path[512], body[128], cursor[64] = "";
    struct resp r;
    int lines = 0, pages = 0;

    for (int i = 0; i < 5; i++) { /* five writes to export */
        snprintf(body, sizeof body, "{\"name\":\"Export %d %s\"}", i, run_tag());
        create("/api/v1/categories", body);
    }
    do {
        snprintf(path, sizeof path,
                 "/api/v1/audit?format=ndjson&limit=2&principal=user:1&path_prefix=/api/v1/"
                 "categories&status=201&from=2020-01-01%s%s",
                 cursor[0] ? "&cursor=" : "", cursor);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_msg(r.status == 200, "%s", r.body);
        ck_assert_str_eq(r.ctype, "application/x-ndjson");
        for (char *line = r.body, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            cJSON *o;
            *nl = '\0';
            o = cJSON_Parse(line);
            ck_assert_ptr_nonnull(o);
            ck_assert_str_eq(cJSON_GetObjectItem(o, "method")->valuestring, "POST");
            cJSON_Delete(o);
            lines++;
        }
        snprintf(cursor, sizeof cursor, "%s", r.next_cursor);
        resp_free(&r);
        pages++;
    } while (cursor[0] && pages < 100);
    ck_assert_int_ge(lines, 5);
    ck_assert_int_ge(pages, 3);
    ck_assert_int_eq(http("GET",
                          "/api/v1/audit?format=csv&limit=2&path_prefix=/api/v1/categories"
                          "&status=201",
                          NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.ctype, "text/csv; charset=utf-8");
    ck_assert(strncmp(r.body, "id,at,request_id,method,path,", 29) == 0);
    ck_assert_ptr_nonnull(strstr(r.body, ",\"POST\",\"/api/v1/categories\","));
    ck_assert(r.next_cursor[0] == 'i');
    resp_free(&r);
    /* Accept: text/csv asks the same without ?format */
    ck_assert_int_eq(http_port(0, "GET", "/api/v1/audit?limit=2", NULL, "Accept: text/csv\r\n", &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.ctype, "text/csv; charset=utf-8");
    ck_assert(strncmp(r.body, "id,at,request_id,method,path,", 29) == 0);
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/audit?format=xml", NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "format");
    resp_free(&r);
}
END_TEST

Suite *
audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_anonymous_refusals_are_counted_not_logged);
    tcase_add_test(tc, test_unreadable_writes_are_counted_not_logged);
    tcase_add_test(tc, test_audit_retention_deletes_old_rows);
    tcase_add_test(tc, test_audit_exports_ndjson_and_csv_pages);
    suite_add_tcase(s, tc);
    return s;
}
