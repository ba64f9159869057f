/* tests/integration/mock_test.c — sending purchase orders through a real
 * supplier API under faults: a tm-supplier-mock of its own (started here on
 * a port of the stack's block, stopped by the stack's `down` if this test
 * dies), a supplier pointing at it, and for each fault the mock injects
 * (5xx, dropped connection, malformed body, 429 with Retry-After, a hang
 * past the timeout), the send answers in time (202, still `sending`), the
 * order exists at most once at the supplier, and sending again once the
 * supplier is well finishes it under the same key with still one order.
 * Then the circuit breaker opens after repeated failures (event, /health;
 * tm-alerts raises supplier_api_down for it) and closes after a good probe
 * (the alert resolves by itself); the cached catalogue is served marked
 * stale while the supplier is down; availability splits the choice. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define BUYER st.token[2]
#define KEY "mock-test-key"

static int mock_port, mock_ops;
static long long supplier, store, product;

static void
mock_call(const char *method, const char *path, const char *body, int want, struct resp *r)
{
    ck_assert_int_eq(http_raw(mock_port, method, path, body,
                              "Authorization: Bearer " KEY "\r\nContent-Type: application/json\r\n",
                              r),
                     0);
    ck_assert_msg(r->status == want, "mock %s %s: %d %s", method, path, r->status, r->body);
}

static void
faults(const char *json)
{
    struct resp r;

    mock_call("PUT", "/admin/faults", json, 200, &r);
    resp_free(&r);
}

static void
start_mock(void)
{
    char body[1024], tag[32];
    struct resp r;
    int up = 0;

    mock_port = st.http_port - 6; /* base + 93: free in the stack's block */
    mock_ops = st.http_port - 2;  /* base + 97 */
    ck_assert_int_eq(
        sh("TM_MOCK_API_KEY=%s setsid %s/tm-supplier-mock --listen 127.0.0.1:%d"
           " --code FAULT --ops-port %d --seed 7 --hang-ms 3000 --retry-after-s 1"
           " >>%s/log/mock-test-1.log 2>&1 </dev/null & echo $! >%s/pid/mocktest-1.pid",
           KEY, st.bin, mock_port, mock_ops, st.run_dir, st.run_dir),
        0);
    for (int i = 0; i < 100 && !up; i++) {
        if (http_raw(mock_ops, "GET", "/health", NULL, "", &r) == 0 && r.status == 200)
            up = 1;
        resp_free(&r);
        if (!up)
            tm_sleep_ms(100);
    }
    ck_assert_msg(up, "tm-supplier-mock did not start: see %s/log/mock-test-1.log", st.run_dir);
    /* made here, in the runner's process, so not with run_tag() and
     * new_store(): their names would repeat in the tests forked after */
    snprintf(tag, sizeof tag, "M%ld%ld", (long)getpid() % 100000, (long)time(NULL) % 100000);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"fault test\",\"city\":\"Leeds\","
             "\"time_zone\":\"Europe/London\"}",
             tag);
    store = create("/api/v1/stores", body);
    snprintf(body, sizeof body,
             "{\"sku\":\"%s-P\",\"name\":\"fault test\",\"category_id\":1,"
             "\"unit_price_cents\":1500,\"unit_cost_cents\":900}",
             tag);
    product = create("/api/v1/products", body);
    snprintf(body, sizeof body,
             "{\"items\":[{\"sku\":\"%lld\",\"name\":\"fault test\",\"price_breaks\":"
             "[{\"min_quantity\":1,\"unit_price_cents\":900}],\"available\":100000,"
             "\"lead_time_days\":3}]}",
             product);
    mock_call("PUT", "/admin/catalogue", body, 200, &r);
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"code\":\"%s-fault\",\"name\":\"Fault Supplier\",\"currency\":\"USD\","
             "\"api_url\":\"http://127.0.0.1:%d\",\"api_key\":\"%s\"}",
             tag, mock_port, KEY);
    ck_assert_int_eq(http_as(BUYER, "POST", "/api/v1/suppliers", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    supplier = jint(&r, "id");
    resp_free(&r);
    snprintf(
        body, sizeof body,
        "{\"product_id\":%lld,\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":900}],"
        "\"lead_time_days\":3}",
        product);
    {
        char path[96];
        snprintf(path, sizeof path, "/api/v1/suppliers/%lld/offers", supplier);
        ck_assert_int_eq(http_as(BUYER, "POST", path, body, &r), 0);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        resp_free(&r);
    }
}

static void
stop_mock(void)
{
    (void)sh("kill $(cat %s/pid/mocktest-1.pid) 2>/dev/null; rm -f %s/pid/mocktest-1.pid",
             st.run_dir, st.run_dir);
}

/* A draft PO of 12 units; its id. */
static long long
draft(void)
{
    char body[256];
    struct resp r;
    long long id;

    snprintf(body, sizeof body,
             "{\"supplier_id\":%lld,\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":12}]}",
             supplier, store, product);
    ck_assert_int_eq(http_as(BUYER, "POST", "/api/v1/purchase-orders", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

static int
send_po(long long id, struct resp *r)
{
    char path[96];

    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/send", id);
    ck_assert_int_eq(http_as(BUYER, "POST", path, NULL, r), 0);
    return r->status;
}

/* The orders the mock holds for PO id (its reference "PO-<id>"). */
static int
orders_at_mock(long long id)
{
    char ref[32];
    struct resp r;
    int n = 0;
    const cJSON *it;

    snprintf(ref, sizeof ref, "PO-%lld", id);
    mock_call("GET", "/admin/orders", NULL, 200, &r);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
    {
        const cJSON *x = cJSON_GetObjectItem(it, "reference");
        n += cJSON_IsString(x) && strcmp(x->valuestring, ref) == 0;
    }
    resp_free(&r);
    return n;
}

/* Under fault `json`, sending answers 202 in time with the PO `sending`
 * and at most `at_most` orders at the supplier; once the supplier is well
 * again, sending finishes it: confirmed, exactly one order. */
static void
fault_then_recover(const char *json, int at_most)
{
    long long id = draft();
    int64_t t0, took;
    struct resp r;

    faults(json);
    t0 = tm_mono_ms();
    send_po(id, &r);
    took = tm_mono_ms() - t0; /* the send's answer, whichever it is */
    if (r.status == 504) {
        /* the send answers just inside the request's deadline (a hang is
         * cut 250 ms before it): on a loaded machine the answer may miss
         * it, and then the PO says what happened */
        char path[96];

        resp_free(&r);
        snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld", id);
        for (int i = 0;; i++) {
            ck_assert_int_eq(http_as(BUYER, "GET", path, NULL, &r), 0);
            if (strcmp(jstr(&r, "status"), "sending") == 0 && jstr(&r, "last_error") &&
                jstr(&r, "last_error")[0])
                break;
            ck_assert_msg(i < 50, "after a 504, the PO still says %s", r.body);
            resp_free(&r);
            tm_sleep_ms(100);
        }
    } else {
        ck_assert_msg(r.status == 202, "%d %s", r.status, r.body);
    }
    ck_assert_str_eq(jstr(&r, "status"), "sending");
    ck_assert_msg(jstr(&r, "last_error") && jstr(&r, "last_error")[0], "no last_error: %s", r.body);
    resp_free(&r);
    ck_assert_msg(took < 4000, "send took %lld ms under %s", (long long)took, json);
    ck_assert_int_le(orders_at_mock(id), at_most);
    faults("{\"error_rate\":0,\"drop_rate\":0,\"malformed_rate\":0,\"rate_limit_rate\":0,"
           "\"timeout_rate\":0}");
    ck_assert_int_eq(send_po(id, &r), 200);
    ck_assert_str_eq(jstr(&r, "status"), "confirmed");
    ck_assert_msg(jstr(&r, "supplier_order_id") &&
                      strncmp(jstr(&r, "supplier_order_id"), "FAULT-", 6) == 0,
                  "%s", r.body);
    resp_free(&r);
    ck_assert_int_eq(orders_at_mock(id), 1);
}

START_TEST(test_5xx_after_the_order_was_taken)
{
    /* every reply lost after the supplier recorded the order */
    fault_then_recover("{\"error_rate\":1,\"after_share\":1}", 1);
}
END_TEST

START_TEST(test_dropped_connections)
{
    fault_then_recover("{\"drop_rate\":1,\"after_share\":1}", 1);
}
END_TEST

START_TEST(test_malformed_bodies)
{
    fault_then_recover("{\"malformed_rate\":1,\"after_share\":0.5}", 1);
}
END_TEST

START_TEST(test_rate_limited_with_retry_after)
{
    fault_then_recover("{\"rate_limit_rate\":1,\"after_share\":0}", 0);
}
END_TEST

START_TEST(test_hang_past_the_timeout)
{
    fault_then_recover("{\"timeout_rate\":1,\"after_share\":1}", 1);
}
END_TEST

/* tm-alerts' alerts of rule for this supplier in state. */
static long long
supplier_alerts(long long rule, const char *state)
{
    return sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                    " AND dedup_key = 'supplier:%lld' AND state = '%s'",
                    rule, supplier, state);
}

/* Waits up to 10 s for n alerts of rule for this supplier in state; each
 * wait sends a PO (a probe of whichever instance takes it) when probe. */
static void
wait_supplier_alerts(long long rule, const char *state, long long n, int probe)
{
    struct resp r;

    for (int i = 0; i < 50 && supplier_alerts(rule, state) != n; i++) {
        if (probe) {
            ck_assert_int_eq(send_po(draft(), &r), r.status);
            resp_free(&r);
        }
        tm_sleep_ms(200);
    }
    ck_assert_int_eq(supplier_alerts(rule, state), n);
}

START_TEST(test_breaker_opens_and_closes)
{
    events_numbered("supplier");
    long long e0 = sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic ="
                            " 'supplier.api_circuit' AND (data->>'supplier_id')::bigint = %lld",
                            supplier);
    char path[96];
    struct resp r;
    long long id = 0, rule;
    int open = 0;

    rule = create("/api/v1/alert-rules", "{\"name\":\"mock test: supplier API down\","
                                         "\"kind\":\"supplier_api_down\",\"severity\":\"high\"}");
    faults("{\"error_rate\":1,\"after_share\":0}");
    /* the default opens after 5 failed calls: each send is one call, and
     * each tm-supplier instance (the test stack runs two) has its own */
    for (int i = 0; i < 16 && !open; i++) {
        id = draft();
        ck_assert_int_eq(send_po(id, &r), 202);
        open = jstr(&r, "last_error") && strstr(jstr(&r, "last_error"), "breaker open");
        resp_free(&r);
    }
    ck_assert_msg(open, "the breaker never opened");
    wait_supplier_alerts(rule, "firing", 1, 0); /* one, whichever instances opened */
    events_numbered("supplier");
    ck_assert_int_gt(sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic ="
                              " 'supplier.api_circuit' AND (data->>'supplier_id')::bigint = %lld"
                              " AND data->>'to' = 'open'",
                              supplier),
                     0);
    ck_assert_int_eq(orders_at_mock(id), 0);
    /* well again: after the open time a probe goes through and closes it
     * (sends go to either instance: send until the open one has probed) */
    faults("{\"error_rate\":0}");
    for (int i = 0; i < 40; i++) {
        int s = send_po(id, &r);
        resp_free(&r);
        if (s == 200)
            break;
        tm_sleep_ms(500);
    }
    ck_assert_int_eq(orders_at_mock(id), 1);
    for (int i = 0; i < 40; i++) {
        if (sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic = 'supplier.api_circuit'"
                     " AND (data->>'supplier_id')::bigint = %lld AND data->>'to' = 'closed'",
                     supplier) > 0)
            break;
        ck_assert_int_eq(send_po(draft(), &r), r.status); /* any answer: it is a probe */
        resp_free(&r);
        tm_sleep_ms(500);
    }
    events_numbered("supplier");
    ck_assert_int_gt(sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic ="
                              " 'supplier.api_circuit' AND (data->>'supplier_id')::bigint = %lld",
                              supplier),
                     e0 + 1);
    events_numbered("supplier");
    ck_assert_int_gt(sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic ="
                              " 'supplier.api_circuit' AND (data->>'supplier_id')::bigint = %lld"
                              " AND data->>'to' = 'closed'",
                              supplier),
                     0);
    /* every instance's breaker closed (probes reach each): resolved by itself */
    wait_supplier_alerts(rule, "resolved", 1, 1);
    ck_assert_int_eq(supplier_alerts(rule, "firing"), 0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                              " AND resolution = 'auto'",
                              rule),
                     1);
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", rule);
    ck_assert_int_eq(http("DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

START_TEST(test_catalogue_stale_while_down)
{
    char path[96];
    struct resp r;

    faults("{\"error_rate\":0}");
    ck_assert_int_eq(job_run("/api/v1/supplier/jobs/catalogue-refresh/run", &r), 0);
    ck_assert_msg(r.status == 200 || r.status == 202, "%d %s", r.status, r.body);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/catalogue", supplier);
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(http_as(BUYER, "GET", path, NULL, &r), 0);
        if (r.status == 200 && cJSON_IsFalse(cJSON_GetObjectItem(r.json, "stale")))
            break;
        resp_free(&r);
        tm_sleep_ms(200);
    }
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "stale")));
    resp_free(&r);
    /* down: the refresh fails, the last good list is served, marked stale */
    faults("{\"error_rate\":1,\"after_share\":0}");
    ck_assert_int_eq(job_run("/api/v1/supplier/jobs/catalogue-refresh/run", &r), 0);
    resp_free(&r);
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(http_as(BUYER, "GET", path, NULL, &r), 0);
        if (r.status == 200 && cJSON_IsTrue(cJSON_GetObjectItem(r.json, "stale")))
            break;
        resp_free(&r);
        tm_sleep_ms(200);
    }
    ck_assert_msg(r.status == 200 && cJSON_IsTrue(cJSON_GetObjectItem(r.json, "stale")), "%s",
                  r.body);
    ck_assert_int_ge(jint(&r, "age_s"), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    resp_free(&r);
    faults("{\"error_rate\":0}");
}
END_TEST

Suite *
mock_suite(void)
{
    Suite *s = suite_create("supplier_api");
    TCase *tc = tcase_create("faults");

    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, start_mock, stop_mock);
    tcase_add_test(tc, test_5xx_after_the_order_was_taken);
    tcase_add_test(tc, test_dropped_connections);
    tcase_add_test(tc, test_malformed_bodies);
    tcase_add_test(tc, test_rate_limited_with_retry_after);
    tcase_add_test(tc, test_hang_past_the_timeout);
    tcase_add_test(tc, test_catalogue_stale_while_down);
    tcase_add_test(tc, test_breaker_opens_and_closes);
    suite_add_tcase(s, tc);
    return s;
}
