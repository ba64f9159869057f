/* tests/integration/alerts_deliver_test.c — escalation and delivery at
 * their limits (docs/alerts.md "Escalation and notification"): a step whose
 * role target reaches hundreds of channels still runs (its lists are not
 * held in fixed buffers), and tm-alerts refuses to start when one try plus
 * the 2 s to record it does not fit in the delivery lease. The receiver-
 * driven cases are tests/integration/alerts_notify_test.c's. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* Steps of alert that ran (its 'escalated' history rows). */
static long long
escalated(long long alert)
{
    return sql_intf("SELECT count(*) FROM alerts.alert_history WHERE alert_id = %lld"
                    " AND action = 'escalated'",
                    alert);
}

#define MANY_CHANNELS 600 /* channels one role target reaches: their ids' list passes 2 KiB */

START_TEST(test_deliver_role_of_many_channels_runs)
{
    char body[512];
    long long store = new_store(), pol, id, first = 0;

    for (int i = 0; i < MANY_CHANNELS; i++) {
        long long c;

        snprintf(body, sizeof body,
                 "{\"name\":\"many %d %s\",\"kind\":\"dashboard\",\"roles\":[\"store_manager\"],"
                 "\"store_ids\":[%lld]}",
                 i, run_tag(), store);
        c = create("/api/v1/notification-channels", body);
        first = first ? first : c;
    }
    snprintf(body, sizeof body,
             "{\"name\":\"many %s\",\"steps\":[{\"after_s\":0,\"targets\":["
             "{\"role\":\"store_manager\"}]}]}",
             run_tag());
    pol = create("/api/v1/escalation-policies", body);
    snprintf(body, sizeof body,
             "{\"title\":\"Many channels %s\",\"severity\":\"high\",\"store_id\":%lld,"
             "\"policy_id\":%lld}",
             run_tag(), store, pol);
    id = create("/api/v1/alerts", body);
    for (int t = 0; t < 150 && escalated(id) < 1; t++)
        tm_sleep_ms(100);
    ck_assert_int_eq(escalated(id), 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND state = 'delivered' AND channel_id >= %lld",
                              id, first),
                     MANY_CHANNELS);
    ck_assert_int_eq(
        sql_intf("SELECT jsonb_array_length(details->'channels') FROM"
                 " alerts.alert_history WHERE alert_id = %lld AND action = 'escalated'",
                 id),
        MANY_CHANNELS);
    /* past what a step's fixed buffers held (2 KiB of ids) */
    ck_assert_int_gt(sql_intf("SELECT length((details->'channels')::text) FROM alerts.alert_history"
                              " WHERE alert_id = %lld AND action = 'escalated'",
                              id),
                     2048);
    events_numbered("alerts");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM alerts.outbox WHERE topic = 'alert.escalated'"
                 " AND (data->'alert'->>'id')::bigint = %lld AND data->'roles' ? 'store_manager'",
                 id),
        1);
    /* the channels serve no other test: deactivated */
    ck_assert_int_ge(sql_intf("WITH u AS (UPDATE alerts.channels SET active = false WHERE"
                              " name LIKE 'many %% %s' RETURNING 1) SELECT count(*) FROM u",
                              run_tag()),
                     MANY_CHANNELS);
}
END_TEST

START_TEST(test_deliver_try_longer_than_lease_is_refused)
{
    const char *bin = getenv("TM_TEST_BIN"), *root = getenv("TM_TEST_ROOT");
    const char *db = getenv("TM_TEST_DB_URL");
    char exe[512], sql[512], ep[160], evep[160], log[200], buf[16384] = "";
    int status = 0, done = 0;
    size_t n = 0;
    FILE *f;
    pid_t pid;

    ck_assert(bin && root && db);
    snprintf(exe, sizeof exe, "%s/tm-alerts", bin);
    snprintf(sql, sizeof sql, "%s/sql", root);
    snprintf(ep, sizeof ep, "ipc:///tmp/tm-alerts-refuse-%s.ipc", run_tag());
    snprintf(evep, sizeof evep, "ipc:///tmp/tm-alerts-refuse-ev-%s.ipc", run_tag());
    snprintf(log, sizeof log, "/tmp/tm-alerts-refuse-%s.log", run_tag());
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* 3 000 ms + 2 000 to record it > a 4 s lease */
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (fd < 0 || dup2(fd, 2) < 0)
            _exit(126);
        execl(exe, exe, "--db-url", db, "--sql-dir", sql, "--instance", "refuse", "--endpoint", ep,
              "--events-endpoint", evep, "--ops-port", "0", "--delivery-lease-s", "4",
              "--delivery-timeout-ms", "3000", (char *)NULL);
        _exit(127);
    }
    for (int t = 0; t < 150 && !done; t++) {
        done = waitpid(pid, &status, WNOHANG) == pid;
        if (!done)
            tm_sleep_ms(100);
    }
    if (!done) {
        kill(pid, SIGTERM);
        waitpid(pid, &status, 0);
    }
    if ((f = fopen(log, "r"))) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    unlink(log);
    ck_assert_msg(done, "tm-alerts ran with a try and its record longer than the lease");
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 2);
    ck_assert_msg(strstr(buf, "field=delivery-timeout-ms"), "%s", buf);
    /* the stack's own 3 000 ms in a 5 s lease is the other side: it runs */
}
END_TEST

Suite *
alerts_deliver_suite(void)
{
    Suite *s = suite_create("alerts_deliver");
    TCase *tc = tcase_create("deliver");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_deliver_role_of_many_channels_runs);
    tcase_add_test(tc, test_deliver_try_longer_than_lease_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
