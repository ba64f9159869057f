/* tests/integration/subscriber_test.c — tm-analytics' read copy of the
 * catalogue, fed by inventory's events: it converges to the source exactly
 * (same rows, same content, inbox seq at the source's last), through a burst
 * of writes while the subscriber is SIGKILLed and restarted twice, and after
 * being stopped long enough for PUB to drop what it sent meanwhile. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/db.h"
#include "common/time.h"

#include "tests/integration/client.h"

/* Checksums of the same columns on both sides. */
static void
sums(PGconn *db, char *inv, char *an, size_t size)
{
    PGresult *r = NULL;

    ck_assert_int_eq(tm_db_exec(db,
                                "SELECT (SELECT count(*) || ':' || coalesce(sum(hashtext(id || sku"
                                " || name || unit_price_cents || active)), 0) FROM"
                                " inventory.products), (SELECT count(*) || ':' ||"
                                " coalesce(sum(hashtext(id || sku || name || unit_price_cents ||"
                                " active)), 0) FROM analytics.products)",
                                0, NULL, &r, NULL),
                     TM_OK);
    snprintf(inv, size, "%s", PQgetvalue(r, 0, 0));
    snprintf(an, size, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
}

/* Waits (up to 30 s) until the copy equals the source and the inbox is at
 * the source's last seq, with nothing left to number. */
static void
converged(void)
{
    PGconn *db = PQconnectdb(st.db_url);
    char inv[64] = "", an[64] = "";
    PGresult *r = NULL;
    int ok = 0;

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    for (int i = 0; i < 300 && !ok; i++) {
        sums(db, inv, an, sizeof inv);
        ck_assert_int_eq(tm_db_exec(db,
                                    "SELECT (SELECT last FROM inventory.outbox_seq) ="
                                    " (SELECT last_seq FROM analytics.inbox WHERE source ="
                                    " 'inventory') AND NOT EXISTS (SELECT 1 FROM"
                                    " inventory.outbox_pending)",
                                    0, NULL, &r, NULL),
                         TM_OK);
        ok = strcmp(inv, an) == 0 && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
        if (!ok)
            tm_sleep_ms(100);
    }
    ck_assert_msg(ok, "read copy %s, source %s", an, inv);
    PQfinish(db);
}

/* After the suite, whatever its tests left: every tm-analytics instance
 * running again (a drill that fails half-way stops them and would leave the
 * suites after it without analytics). */
static void
analytics_back(void)
{
    for (int n = 1; n <= 2; n++) {
        pid_t p = pid_of("analytics", n);

        if (p <= 0 || kill(p, 0) != 0)
            sh("TM_RUN_DIR='%s' BIN='%s' timeout 60 '%s/deploy/stack.sh' start analytics %d "
               ">/dev/null 2>&1",
               st.run_dir, st.bin, st.root, n);
    }
}

static void
restart_analytics(void)
{
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' BIN='%s' '%s/deploy/stack.sh' start analytics 1 "
                        ">/dev/null 2>&1",
                        st.run_dir, st.bin, st.root),
                     0);
}

/* Creates n products from k processes; returns when all are in. */
static void
burst(int k, int n, const char *tag)
{
    pid_t kids[8];

    ck_assert_int_le(k, 8);

    for (int j = 0; j < k; j++) {
        kids[j] = fork();
        ck_assert_int_ge(kids[j], 0);
        if (kids[j] == 0) {
            for (int i = 0; i < n / k; i++) {
                char body[256];
                struct resp r;
                snprintf(body, sizeof body,
                         "{\"sku\":\"%s-%s%d-%d\",\"name\":\"b\",\"category_id\":2,"
                         "\"unit_price_cents\":%d,\"unit_cost_cents\":1}",
                         run_tag(), tag, j, i, 100 + i);
                if (http("POST", "/api/v1/products", body, &r) != 0)
                    _exit(1);
                /* an instance killed on purpose may take a write down with it */
                if (r.status != 201 && !(tag[0] == 'P' && r.status >= 500))
                    _exit(1);
                resp_free(&r);
            }
            _exit(0);
        }
    }
    for (int j = 0; j < k; j++) {
        int status = 0;
        waitpid(kids[j], &status, 0);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

START_TEST(test_copy_converges_and_lag_is_reported)
{
    struct resp r;
    cJSON *src;

    converged();
    ck_assert_int_eq(http("GET", "/api/v1/analytics/catalogue-lag", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    src = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "sources"), 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(src, "source")), "inventory");
    ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItem(src, "lag")), 0);
    ck_assert_int_ge(jint(&r, "products"), 1200);
    ck_assert_int_ge(jint(&r, "categories"), 26);
    resp_free(&r);
}
END_TEST

/* 10,000 events while the subscriber is killed twice: applied once each. */
START_TEST(test_burst_with_subscriber_killed_twice_is_applied_once)
{
    pid_t writer = fork();

    ck_assert_int_ge(writer, 0);
    if (writer == 0) {
        burst(8, 10000, "K");
        _exit(0);
    }
    for (int round = 0; round < 2; round++) {
        tm_sleep_ms(2500);
        signal_pid(pid_of("analytics", 1), SIGKILL);
        tm_sleep_ms(300);
        restart_analytics();
    }
    {
        int status = 0;
        waitpid(writer, &status, 0);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    converged();
}
END_TEST

/* The instance holding the publisher lock dies mid-burst: the other takes
 * over; nothing is lost, nothing applied twice, seq stays gap-free. */
START_TEST(test_burst_with_publisher_killed_loses_nothing)
{
    pid_t writer;
    int victim = 0;

    for (int n = 1; n <= st.n_inventory && !victim; n++) {
        struct resp r;
        if (http_port(st.inv_ops_port + n - 1, "GET", "/health", NULL, "", &r) == 0 &&
            strstr(r.body, "\"detail\":\"publishing\""))
            victim = n;
        resp_free(&r);
    }
    ck_assert_int_gt(victim, 0);
    writer = fork();
    ck_assert_int_ge(writer, 0);
    if (writer == 0) {
        burst(8, 10000, "P");
        _exit(0);
    }
    tm_sleep_ms(2500);
    signal_pid(pid_of("inventory", victim), SIGKILL);
    {
        int status = 0;
        waitpid(writer, &status, 0);
        /* writes caught by the dying instance may fail (503/504); the rest land */
        ck_assert(WIFEXITED(status));
    }
    converged();
    {
        PGconn *db = PQconnectdb(st.db_url);
        PGresult *r = NULL;
        ck_assert_int_eq(
            tm_db_exec(db, "SELECT count(*) = max(seq) - min(seq) + 1 FROM inventory.outbox", 0,
                       NULL, &r, NULL),
            TM_OK);
        ck_assert_str_eq(PQgetvalue(r, 0, 0), "t"); /* seq stayed gap-free */
        PQclear(r);
        PQfinish(db);
    }
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' BIN='%s' '%s/deploy/stack.sh' start inventory %d "
                        ">/dev/null 2>&1",
                        st.run_dir, st.bin, st.root, victim),
                     0);
    tm_sleep_ms(1200); /* the gateways skip a failed instance for a second */
}
END_TEST

/* Stopped while events are published (PUB drops them), then resumed: the
 * gap is noticed and replayed. */
START_TEST(test_stopped_subscriber_catches_up_by_replay)
{
    pid_t an = pid_of("analytics", 1);

    converged();
    signal_pid(an, SIGSTOP);
    burst(2, 200, "S");
    tm_sleep_ms(500);
    signal_pid(an, SIGCONT);
    converged();
}
END_TEST

/* The outbox clean-up job, run on demand: published events past retention
 * go, the rest stay, and the run is recorded. */
START_TEST(test_outbox_cleanup_job_runs_and_is_recorded)
{
    PGconn *db = PQconnectdb(st.db_url);
    PGresult *r = NULL;
    struct resp resp;
    char run[96];

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    ck_assert_int_eq(tm_db_exec(db,
                                "UPDATE inventory.outbox SET ts = now() - interval '30 days'"
                                " WHERE seq <= 10",
                                0, NULL, NULL, NULL),
                     TM_OK);
    ck_assert_int_eq(job_run("/api/v1/jobs/outbox-cleanup/run", &resp), 0);
    ck_assert_msg(resp.status == 200, "%s", resp.body);
    ck_assert_str_eq(jstr(&resp, "outcome"), "ok");
    ck_assert_int_eq(jint(&resp, "rows"), 10);
    snprintf(run, sizeof run, "/api/v1/jobs/outbox-cleanup/runs/%lld", jint(&resp, "id"));
    resp_free(&resp);
    ck_assert_int_eq(tm_db_exec(db, "SELECT min(seq) FROM inventory.outbox", 0, NULL, &r, NULL),
                     TM_OK);
    ck_assert_str_eq(PQgetvalue(r, 0, 0), "11");
    PQclear(r);
    PQfinish(db);
    ck_assert_int_eq(http("GET", "/api/v1/jobs", NULL, &resp), 0);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_ptr_nonnull(strstr(resp.body, "\"name\":\"outbox-cleanup\""));
    resp_free(&resp);
    /* the run as recorded (the list shows each job's latest run: a
     * scheduled one of another instance may have come after this one) */
    ck_assert_int_eq(http("GET", run, NULL, &resp), 0);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_ptr_nonnull(strstr(resp.body, "\"outcome\":\"ok\",\"rows\":10"));
    resp_free(&resp);
    ck_assert_int_eq(http("POST", "/api/v1/jobs/no-such-job/run", NULL, &resp), 0);
    ck_assert_int_eq(resp.status, 404);
    ck_assert_str_eq(err_field(&resp), "name");
    resp_free(&resp);
}
END_TEST

/* A subscriber further behind than the source keeps says so (log, health)
 * instead of skipping. Left as found: the inbox is moved past the hole,
 * which is what rebuilding the read model would end with. */
START_TEST(test_subscriber_behind_retention_says_so)
{
    pid_t an = pid_of("analytics", 1);
    PGconn *db = PQconnectdb(st.db_url);
    struct resp r;
    long long target;
    int down = 0;

    converged();
    /* every instance down, so nothing arrives live meanwhile: stopped, not
     * killed, so that their supervisors do not bring them back (a SIGKILL is
     * restarted after a second, and the instance then catches up) */
    for (int n = 1; n <= 2; n++) {
        pid_t p = pid_of("analytics", n);

        if (p <= 0)
            continue;
        kill(p, SIGTERM);
        for (int i = 0; i < 150 && kill(p, 0) == 0; i++)
            tm_sleep_ms(100);
        ck_assert_msg(kill(p, 0) != 0, "tm-analytics #%d did not stop on SIGTERM", n);
    }
    (void)an;
    burst(1, 20, "R");
    /* numbered and applied by tm-alerts, which also subscribes to
     * inventory and must not be the one left behind retention */
    events_numbered("inventory");
    /* and recorded as sent: cleanup never removes what the publisher has not
     * sent, and tm-alerts may have read them before the publisher records it.
     * A fixed target: background jobs may keep numbering events meanwhile. */
    target = sql_int("SELECT last FROM inventory.outbox_seq");
    for (int i = 0; i < 900 && sql_intf("SELECT count(*) FROM alerts.inbox, inventory.outbox_seq"
                                        " WHERE source = 'inventory' AND last_seq >= %lld"
                                        " AND published >= %lld",
                                        target, target) == 0;
         i++)
        tm_sleep_ms(100);
    ck_assert_msg(sql_intf("SELECT count(*) FROM alerts.inbox, inventory.outbox_seq"
                           " WHERE source = 'inventory' AND last_seq >= %lld"
                           " AND published >= %lld",
                           target, target) == 1,
                  "tm-alerts did not apply inventory's seq %lld, or it was not recorded as sent",
                  target);
    ck_assert_int_eq(tm_db_exec(db,
                                "UPDATE inventory.outbox SET ts = now() - interval '30 days'"
                                " WHERE seq > (SELECT last_seq FROM analytics.inbox"
                                " WHERE source = 'inventory') AND seq <= (SELECT last_seq"
                                " FROM analytics.inbox WHERE source = 'inventory') + 5",
                                0, NULL, NULL, NULL),
                     TM_OK);
    ck_assert_int_eq(job_run("/api/v1/jobs/outbox-cleanup/run", &r), 0);
    ck_assert_int_eq(jint(&r, "rows"), 5);
    resp_free(&r);
    /* Not restart_analytics(): the stack waits for a ready /health, and this
     * instance is meant to be not ready once it finds the hole. */
    for (int n = 1; n <= 2; n++)
        sh("TM_RUN_DIR='%s' BIN='%s' timeout 5 '%s/deploy/stack.sh' start analytics %d "
           ">/dev/null 2>&1",
           st.run_dir, st.bin, st.root, n);
    for (int i = 0; i < 150 && !down; i++) { /* 15 s: a loaded machine's start */
        ck_assert_int_eq(http_port(st.inv_ops_port - 10, "GET", "/health", NULL, "", &r), 0);
        down = r.status == 503 && strstr(r.body, "behind retention") != NULL;
        resp_free(&r);
        if (!down)
            tm_sleep_ms(100);
    }
    ck_assert(down);
    ck_assert_int_eq(
        sh("grep -q 'event=subscriber.behind_retention' '%s/log/analytics-1.log'", st.run_dir), 0);
    ck_assert_int_eq(tm_db_exec(db,
                                "UPDATE analytics.inbox SET last_seq = last_seq + 5"
                                " WHERE source = 'inventory'",
                                0, NULL, NULL, NULL),
                     TM_OK);
    PQfinish(db);
    /* past the hole it carries on: lag back to 0 (the 5 removed changes stay
     * missing from the copy, as a rebuild would have to restore) */
    for (int i = 0; i < 100; i++) {
        cJSON *src;
        long long lag;
        ck_assert_int_eq(http("GET", "/api/v1/analytics/catalogue-lag", NULL, &r), 0);
        src = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "sources"), 0);
        lag = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(src, "lag"));
        resp_free(&r);
        if (lag == 0)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("the subscriber did not carry on past the hole");
}
END_TEST

/* An event whose payload does not match the catalogue is refused with a
 * logged error and passed over; the stream does not stall. */
START_TEST(test_event_not_matching_the_catalogue_is_refused_not_stalling)
{
    PGconn *db = PQconnectdb(st.db_url);

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    ck_assert_int_eq(tm_db_exec(db,
                                "WITH s AS (UPDATE inventory.outbox_seq SET last = last + 1"
                                " RETURNING last) INSERT INTO inventory.outbox (seq, topic, data)"
                                " SELECT last, 'product.created', '{\"id\":\"not a number\","
                                "\"sku\":\"X\",\"name\":\"X\",\"category_id\":1,"
                                "\"unit_price_cents\":1,\"unit_cost_cents\":1,\"active\":true,"
                                "\"updated_at\":\"2026-11-22T00:00:00.000Z\"}' FROM s",
                                0, NULL, NULL, NULL),
                     TM_OK);
    PQfinish(db);
    burst(1, 5, "V"); /* real events after it */
    converged();
    ck_assert_int_eq(sh("cat '%s'/log/analytics-*.log | grep -q 'event=event.refused'", st.run_dir),
                     0); /* whichever instance applied it */
}
END_TEST

Suite *
subscriber_suite(void)
{
    Suite *s = suite_create("subscriber");
    TCase *tc = tcase_create("subscriber");

    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, NULL, analytics_back);
    tcase_add_test(tc, test_copy_converges_and_lag_is_reported);
    tcase_add_test(tc, test_burst_with_subscriber_killed_twice_is_applied_once);
    tcase_add_test(tc, test_stopped_subscriber_catches_up_by_replay);
    tcase_add_test(tc, test_burst_with_publisher_killed_loses_nothing);
    tcase_add_test(tc, test_event_not_matching_the_catalogue_is_refused_not_stalling);
    tcase_add_test(tc, test_outbox_cleanup_job_runs_and_is_recorded);
    tcase_add_test(tc, test_subscriber_behind_retention_says_so);
    suite_add_tcase(s, tc);
    return s;
}
