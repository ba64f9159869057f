/* tests/integration/scaling_test.c — several tm-inventory instances behind
 * one gateway: an instance killed with SIGKILL while a client loops on GETs
 * costs the client nothing (idempotent requests are retried elsewhere); a
 * POST caught in a hung instance is answered 504 and is not replayed on
 * another one; with no instance up the API answers 503 and /health says not
 * ready; a killed gateway is restarted by the stack's supervisor. Each test
 * puts the instances back as it found them; restore() does it for one that
 * failed half-way. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* Starts inventory #n (deploy/stack.sh start: it waits for its own /health). */
static void
start_inventory(int n)
{
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' BIN='%s' '%s/deploy/stack.sh' start inventory %d "
                        ">/dev/null 2>&1",
                        st.run_dir, st.bin, st.root, n),
                     0);
}

/* Restarts inventory #n and waits until the gateway counts every instance
 * ready again and no longer skips it (a failed instance is skipped for a
 * second). */
static void
restart(int n)
{
    start_inventory(n);
    wait_instances_ready("inventory", st.n_inventory);
}

/* Waits up to 15 s for inventory #n's own /health to say ready: 1 when it
 * does. */
static int
own_health_ready(int n)
{
    int ready = 0;

    for (int i = 0; i < 150 && !ready; i++) {
        struct resp r;
        ck_assert_int_eq(http_port(st.inv_ops_port + n - 1, "GET", "/health", NULL, "", &r), 0);
        ready = r.status == 200;
        resp_free(&r);
        if (!ready)
            tm_sleep_ms(100);
    }
    return ready;
}

/* Brings back what a test that failed half-way may have left down —
 * PostgreSQL, an inventory instance, its supervisor — and waits until every
 * instance is ready, so one failure does not fail the tests after it. Before
 * each test (in its process) and after the suite (for the suites after it). */
static void
restore(void)
{
    ck_assert_int_eq(
        sh("TM_RUN_DIR='%s' '%s/deploy/stack.sh' pg start >/dev/null 2>&1", st.run_dir, st.root),
        0);
    int started = 0;

    for (int n = 1; n <= st.n_inventory; n++) {
        int pid = pid_of("inventory", n);

        if (pid > 0)
            kill(pid, SIGCONT); /* a hung-instance drill that failed left it stopped */
        if (pid <= 0 || kill(pid, 0) != 0 ||
            sh("kill -0 \"$(cat '%s/pid/inventory-%d.pid.sup' 2>/dev/null)\" 2>/dev/null",
               st.run_dir, n) != 0) {
            start_inventory(n);
            started = 1;
        }
        ck_assert_msg(own_health_ready(n), "inventory #%d is not ready", n);
    }
    if (started)
        wait_instances_ready("inventory", st.n_inventory);
}

START_TEST(test_sigkill_during_get_loop_loses_no_request)
{
    int victim = pid_of("inventory", 2), failed = 0, total = 0;

    ck_assert_int_ge(st.n_inventory, 2);
    ck_assert_int_gt(victim, 0);
    for (int i = 0; i < 400; i++) {
        struct resp r;
        char path[64];

        if (i == 100)
            signal_pid(victim, SIGKILL);
        snprintf(path, sizeof path, "/api/v1/products/%d", 1 + i % 50);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        total++;
        if (r.status != 200)
            failed++;
        resp_free(&r);
    }
    ck_assert_int_eq(total, 400);
    ck_assert_int_eq(failed, 0);
    restart(2);
    {
        struct resp r;
        ck_assert_int_eq(http_port(st.gw_ops_port, "GET", "/health", NULL, "", &r), 0);
        ck_assert_ptr_nonnull(strstr(r.body, "2/2 instances ready"));
        resp_free(&r);
    }
}
END_TEST

START_TEST(test_post_to_hung_instance_is_504_and_not_replayed)
{
    int victim = pid_of("inventory", 2), got504 = 0, got201 = 0;
    char lost_sku[64] = "";

    ck_assert_int_gt(victim, 0);
    tm_sleep_ms(1200); /* an instance restarted by an earlier test is no longer marked down */
    signal_pid(victim, SIGSTOP);
    /* round robin sends every other request to the stopped instance */
    for (int i = 0; i < 10 && !(got504 && got201); i++) {
        struct resp r;
        char body[256], sku[64];

        snprintf(sku, sizeof sku, "%s-H%d", run_tag(), i);
        snprintf(body, sizeof body,
                 "{\"sku\":\"%s\",\"name\":\"hung\",\"category_id\":1,\"unit_price_cents\":100,"
                 "\"unit_cost_cents\":50}",
                 sku);
        ck_assert_int_eq(http("POST", "/api/v1/products", body, &r), 0);
        if (r.status == 504) {
            got504++;
            ck_assert_str_eq(err_code(&r), "deadline_exceeded");
            snprintf(lost_sku, sizeof lost_sku, "%s", sku);
        } else {
            ck_assert_msg(r.status == 201, "status %d: %s", r.status, r.body);
            got201++;
        }
        resp_free(&r);
    }
    ck_assert_int_ge(got504, 1);
    ck_assert_int_ge(got201, 1);
    /* the stopped instance dies holding the request: it was never done */
    signal_pid(victim, SIGKILL);
    tm_sleep_ms(200);
    {
        struct resp r;
        char path[128];
        snprintf(path, sizeof path, "/api/v1/products?q=%s", lost_sku);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
        resp_free(&r);
    }
    restart(2);
}
END_TEST

START_TEST(test_no_instance_up_is_503_and_not_ready)
{
    struct resp r;
    int64_t t0;

    /* their supervisors first: one would start its instance again a second
     * later, and a request meeting a starting instance waits it out (504) */
    for (int n = 1; n <= st.n_inventory; n++)
        sh("kill -KILL \"$(cat '%s/pid/inventory-%d.pid.sup' 2>/dev/null)\" 2>/dev/null",
           st.run_dir, n);
    for (int n = 1; n <= st.n_inventory; n++)
        signal_pid(pid_of("inventory", n), SIGKILL);
    tm_sleep_ms(200);
    t0 = tm_mono_ms();
    /* a read the gateways never cache (a product GET may be answered from a
     * gateway's product cache, which nothing can change while inventory is
     * down: docs/api.md) */
    ck_assert_int_eq(http("GET", "/api/v1/stores/1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(err_code(&r), "unavailable");
    ck_assert_int_lt(tm_mono_ms() - t0, 3000); /* refused, not waited out */
    resp_free(&r);
    ck_assert_int_eq(http_port(st.gw_ops_port, "GET", "/health", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "ready")));
    resp_free(&r);
    for (int n = 1; n <= st.n_inventory; n++)
        start_inventory(n);
    wait_instances_ready("inventory", st.n_inventory);
    ck_assert_int_eq(http("GET", "/api/v1/products/1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

START_TEST(test_requests_spread_over_instances)
{
    /* Each instance logs the requests it handled; after 40 GETs both have. */
    for (int i = 0; i < 40; i++) {
        struct resp r;
        ck_assert_int_eq(
            http_port(0, "GET", "/api/v1/stores/1", NULL, "X-Request-Id: spread-check\r\n", &r), 0);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
    for (int n = 1; n <= st.n_inventory; n++)
        ck_assert_int_eq(sh("grep -q 'rid=spread-check' '%s/log/inventory-%d.log'", st.run_dir, n),
                         0);
}
END_TEST

/* PostgreSQL stopped under a running stack: requests get 503 with the error
 * body, /health says not ready, nothing crashes; once it is back, the same
 * daemons serve again without a restart. */
START_TEST(test_database_down_is_503_then_recovers)
{
    struct resp r;
    int inv = pid_of("inventory", 1);

    ck_assert_int_eq(sh("TM_RUN_DIR='%s' '%s/deploy/stack.sh' pg stop", st.run_dir, st.root), 0);
    /* not a product GET: the gateways' product cache may answer that */
    ck_assert_int_eq(http("GET", "/api/v1/stores/1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(err_code(&r), "unavailable");
    ck_assert_ptr_null(strstr(r.body, "database:")); /* detail stays in the logs */
    resp_free(&r);
    ck_assert_int_eq(http_port(st.inv_ops_port, "GET", "/health", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_ptr_nonnull(strstr(r.body, "\"postgres\":{\"state\":\"down\""));
    resp_free(&r);
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' '%s/deploy/stack.sh' pg start", st.run_dir, st.root), 0);
    /* Each instance retries after its pool's backoff (at most 5 s); wait
     * until every instance says ready, then every request must succeed:
     * pooled connections the restart closed are never handed out. */
    for (int n = 1; n <= st.n_inventory; n++)
        ck_assert_msg(own_health_ready(n), "inventory #%d did not recover", n);
    for (int i = 0; i < 40; i++) {
        ck_assert_int_eq(http("GET", "/api/v1/stores/1", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
    ck_assert_int_eq(pid_of("inventory", 1), inv); /* the same process, never restarted */
    ck_assert_int_eq(kill(inv, 0), 0);
}
END_TEST

/* PostgreSQL restarted under a running stack (a fast restart closes every
 * session): the pooled connections it closed are never handed out, so no
 * request after it fails and every instance is ready at the first ask. */
START_TEST(test_database_restart_costs_no_request)
{
    struct resp r;

    for (int i = 0; i < 20; i++) { /* every instance's pool holds idle connections */
        ck_assert_int_eq(http("GET", "/api/v1/stores/1", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' '%s/deploy/stack.sh' pg restart", st.run_dir, st.root), 0);
    for (int i = 0; i < 40; i++) {
        ck_assert_int_eq(http("GET", "/api/v1/stores/1", NULL, &r), 0);
        ck_assert_msg(r.status == 200, "request %d after the restart: %d %s", i, r.status, r.body);
        resp_free(&r);
    }
    for (int n = 1; n <= st.n_inventory; n++) {
        ck_assert_int_eq(http_port(st.inv_ops_port + n - 1, "GET", "/health", NULL, "", &r), 0);
        ck_assert_msg(r.status == 200, "inventory #%d after the restart: %s", n, r.body);
        resp_free(&r);
    }
}
END_TEST

/* A daemon that dies does not take the API down: the other gateway serves
 * meanwhile, and the stack's supervisor (deploy/supervise.sh) starts the
 * dead one again, a new process that answers /health. */
START_TEST(test_killed_gateway_is_restarted_by_the_supervisor)
{
    int victim = pid_of("gateway", 2), back = 0, failed = 0;

    ck_assert_int_gt(victim, 0);
    signal_pid(victim, SIGKILL);
    for (int i = 0; i < 300 && !back; i++) {
        struct resp r;
        int now = pid_of("gateway", 2);

        ck_assert_int_eq(http("GET", "/api/v1/products/1", NULL, &r), 0);
        failed += r.status != 200;
        resp_free(&r);
        if (now > 0 && now != victim && kill(now, 0) == 0 &&
            http_port(st.gw_ops_port + 1, "GET", "/health", NULL, "", &r) == 0) {
            back = r.status == 200;
            resp_free(&r);
        }
        tm_sleep_ms(50);
    }
    ck_assert_msg(back, "gateway #2 was not restarted");
    ck_assert_int_eq(failed, 0);
}
END_TEST

Suite *
scaling_suite(void)
{
    Suite *s = suite_create("scaling");
    TCase *tc = tcase_create("scaling");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, restore, NULL);
    tcase_add_unchecked_fixture(tc, NULL, restore);
    tcase_add_test(tc, test_requests_spread_over_instances);
    tcase_add_test(tc, test_sigkill_during_get_loop_loses_no_request);
    tcase_add_test(tc, test_post_to_hung_instance_is_504_and_not_replayed);
    tcase_add_test(tc, test_no_instance_up_is_503_and_not_ready);
    tcase_add_test(tc, test_database_down_is_503_then_recovers);
    tcase_add_test(tc, test_database_restart_costs_no_request);
    tcase_add_test(tc, test_killed_gateway_is_restarted_by_the_supervisor);
    suite_add_tcase(s, tc);
    return s;
}
