/* tests/integration/alerts_cond_test.c — conditions from events and the
 * clock, through nginx (docs/alerts.md "Rule kinds"): a level driven low and
 * out by sales raises exactly one alert per crossing (not one per event),
 * each resolved by itself ("resolution":"auto") when a receipt clears it;
 * a pending period holds an alert back until the evaluate job sees the
 * condition still holding after it; a cooldown holds back a re-crossing;
 * a sale flagged for review raises review_waiting once it has waited, and
 * the review resolves it. Each test makes its own store and product and
 * rules scoped to that product, so default rules and other suites do not
 * count here; the rules are deleted at the end. */
#include <stdio.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define FRAUD_ANALYST 4 /* st.token index of fraud_analyst@ */

/* A rule of kind on product (params a JSON object); its id. */
static long long
rule(const char *kind, long long product, const char *params, int pending_s, int cooldown_s)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"name\":\"cond test %s %s\",\"kind\":\"%s\",\"product_id\":%lld,"
             "\"params\":%s,\"pending_s\":%d,\"severity\":\"high\",\"cooldown_s\":%d}",
             kind, run_tag(), kind, product, params, pending_s, cooldown_s);
    return create("/api/v1/alert-rules", body);
}

/* A rule of kind for every product (review_waiting: a sale has none). */
static long long
rule_any(const char *kind, const char *params, int pending_s)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"name\":\"cond test %s %s\",\"kind\":\"%s\",\"params\":%s,\"pending_s\":%d,"
             "\"severity\":\"high\",\"cooldown_s\":0}",
             kind, run_tag(), kind, params, pending_s);
    return create("/api/v1/alert-rules", body);
}

static void
drop_rule(long long id)
{
    char path[96];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", id);
    ck_assert_int_eq(http("DELETE", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* The alerts of rule at store in state ("" for any), through the API: their
 * count, and the newest's id and resolution into *id / res (may be NULL). */
static int
alerts(long long rule_id, long long store, const char *state, long long *id, char *res)
{
    char path[200];
    struct resp r;
    const cJSON *items, *first, *v;
    int n;

    snprintf(path, sizeof path, "/api/v1/alerts?rule_id=%lld&store_id=%lld%s%s&limit=100", rule_id,
             store, *state ? "&state=" : "", state);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%s: %d %s", path, r.status, r.body);
    items = cJSON_GetObjectItem(r.json, "items");
    n = cJSON_GetArraySize(items);
    first = cJSON_GetArrayItem(items, 0);
    if (id)
        *id = first ? (long long)cJSON_GetObjectItem(first, "id")->valuedouble : 0;
    if (res) {
        v = first ? cJSON_GetObjectItem(first, "resolution") : NULL;
        snprintf(res, 16, "%s", cJSON_IsString(v) ? v->valuestring : "");
    }
    resp_free(&r);
    return n;
}

/* Waits up to ms for rule's alerts at store in state to number want. */
static void
wait_alerts(long long rule_id, long long store, const char *state, int want, int ms)
{
    int n = -1;

    for (int t = 0; t <= ms; t += 100) {
        if ((n = alerts(rule_id, store, state, NULL, NULL)) == want)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("rule %lld store %lld: %d %s alerts, want %d", rule_id, store, n, state, want);
}

/* Sells qty of product at store through tm-inventory's stock commits. */
static void
sell(long long store, long long product, int qty, int n)
{
    char body[512];
    struct resp r;

    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-cond-%lld-%d\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":%d}]}",
             run_tag(), product, n, store, product, qty);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    resp_free(&r);
}

static void
reorder_point(long long store, long long product, int point)
{
    char path[128], body[96];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/inventory/%lld/%lld", store, product);
    snprintf(body, sizeof body, "{\"reorder_point\":%d}", point);
    ck_assert_int_eq(http("PUT", path, body, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    resp_free(&r);
}

/* Runs tm-alerts' evaluate job now (the schedule runs it every 15 s too). */
static void
evaluate(void)
{
    struct resp r;

    ck_assert_int_eq(http("POST", "/api/v1/alerts/jobs/evaluate/run", NULL, &r), 0);
    ck_assert_msg(r.status == 200 || r.status == 202, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* tm-alerts has applied every stock event of the level: its copy shows want. */
static void
wait_alerts_level(long long store, long long product, long long want)
{
    for (int i = 0; i < 100; i++) {
        if (sql_intf("SELECT COALESCE((SELECT available FROM alerts.levels WHERE store_id = %lld"
                     " AND product_id = %lld), -1)",
                     store, product) == want)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("tm-alerts never saw %lld available at %lld/%lld", want, store, product);
}

START_TEST(test_one_alert_per_crossing_resolved_by_itself)
{
    long long store = new_store(), p = new_product(), low, out, id;
    char res[16];

    low = rule("low_stock", p, "{}", 0, 0);
    out = rule("stock_out", p, "{}", 0, 0);
    receive(store, p, 8);
    reorder_point(store, p, 5);
    sell(store, p, 2, 1); /* 6: above the point */
    wait_alerts_level(store, p, 6);
    ck_assert_int_eq(alerts(low, store, "", NULL, NULL), 0);
    sell(store, p, 1, 2); /* 5: at the point, crossed */
    sell(store, p, 1, 3); /* 4, 3: still low — no more alerts */
    sell(store, p, 1, 4);
    wait_alerts_level(store, p, 3);
    wait_alerts(low, store, "firing", 1, 5000);
    ck_assert_int_eq(alerts(low, store, "", &id, NULL), 1);
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 0);
    sell(store, p, 3, 5); /* 0: out — low_stock no longer (out is its own kind) */
    wait_alerts(out, store, "firing", 1, 5000);
    wait_alerts(low, store, "resolved", 1, 5000);
    ck_assert_int_eq(alerts(low, store, "", NULL, res), 1);
    ck_assert_str_eq(res, "auto");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alert_history WHERE alert_id = %lld"
                              " AND action = 'resolved' AND actor = 'system'",
                              id),
                     1);
    receive(store, p, 10); /* 10: above both */
    wait_alerts(out, store, "resolved", 1, 5000);
    ck_assert_int_eq(alerts(out, store, "", NULL, res), 1);
    ck_assert_str_eq(res, "auto");
    ck_assert_int_eq(alerts(low, store, "", NULL, NULL), 1);
    sell(store, p, 6, 6); /* 4: low again, a new crossing (no cooldown) */
    wait_alerts(low, store, "firing", 1, 5000);
    ck_assert_int_eq(alerts(low, store, "", NULL, NULL), 2);
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 1);
    /* the alert explains itself */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                              " AND state = 'firing' AND title LIKE 'Low stock: product %lld at"
                              " store %lld' AND details->>'what' = 'available'"
                              " AND (details->>'observed')::float8 = 4"
                              " AND (details->>'threshold')::float8 = 5"
                              " AND (details->'inputs'->>'reorder_point')::int = 5",
                              low, p, store),
                     1);
    drop_rule(low);
    drop_rule(out);
}
END_TEST

START_TEST(test_pending_period_and_cooldown)
{
    long long store = new_store(), p = new_product(), out;

    out = rule("stock_out", p, "{}", 2, 8);
    receive(store, p, 3);
    wait_alerts_level(store, p, 3);
    sell(store, p, 3, 1); /* out: pending for 2 s */
    wait_alerts_level(store, p, 0);
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.conditions WHERE rule_id = %lld"
                              " AND holds AND alert_id IS NULL",
                              out),
                     1);
    tm_sleep_ms(2100);
    evaluate();
    wait_alerts(out, store, "firing", 1, 20000); /* this run, or the schedule's */
    receive(store, p, 2);                        /* back: resolved by itself */
    wait_alerts(out, store, "resolved", 1, 5000);
    sell(store, p, 2, 2); /* out again within the 8 s cooldown: held back */
    wait_alerts_level(store, p, 0);
    tm_sleep_ms(2100); /* the pending period is over, the cooldown is not */
    evaluate();
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 1);
    tm_sleep_ms(6000); /* now both are */
    evaluate();
    wait_alerts(out, store, "firing", 1, 20000);
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 2);
    drop_rule(out);
}
END_TEST

START_TEST(test_review_waiting)
{
    long long store = new_store(), p = new_product(), wait, txn;
    char body[512], extra[160], path[96];
    struct resp r;

    receive(store, p, 50);
    wait_known(store, p);
    wait = rule_any("review_waiting", "{\"minutes\":0.05}", 0); /* 3 s */
    /* a rule set that flags a basket over 40.00 for review */
    ck_assert_int_eq(http("POST", "/api/v1/fraud/rules",
                          "{\"note\":\"alerts cond test\",\"rules\":[{\"code\":\"big\",\"kind\":"
                          "\"amount_over\",\"threshold\":4000,\"weight\":70}]}",
                          &r),
                     0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":10,"
             "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"cash\"}",
             store, p);
    snprintf(extra, sizeof extra, "Idempotency-Key: %s-cond-review\r\n", run_tag());
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions", body, extra, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "\"review\""));
    txn = jint(&r, "id");
    resp_free(&r);
    ck_assert_int_eq(http("POST", "/api/v1/fraud/rules",
                          "{\"note\":\"back to the defaults for other tests\","
                          "\"review_threshold\":60,\"decline_threshold\":85,\"rules\":[{\"code\":"
                          "\"amount_over_5000\",\"kind\":\"amount_over\",\"threshold\":500000,"
                          "\"weight\":25}]}",
                          &r),
                     0);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    ck_assert_int_eq(alerts(wait, store, "", NULL, NULL), 0); /* not waited long yet */
    tm_sleep_ms(3500);
    evaluate();
    wait_alerts(wait, store, "firing", 1, 20000);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                              " AND dedup_key = 'txn:%lld'",
                              wait, txn),
                     1);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/review", txn);
    ck_assert_int_eq(http_as(st.token[FRAUD_ANALYST], "POST", path, "{\"label\":\"legit\"}", &r),
                     0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    wait_alerts(wait, store, "resolved", 1, 5000);
    drop_rule(wait);
}
END_TEST

Suite *
alerts_cond_suite(void)
{
    Suite *s = suite_create("alerts_cond");
    TCase *tc = tcase_create("conditions");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_one_alert_per_crossing_resolved_by_itself);
    tcase_add_test(tc, test_pending_period_and_cooldown);
    tcase_add_test(tc, test_review_waiting);
    suite_add_tcase(s, tc);
    return s;
}
