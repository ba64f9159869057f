/* tests/integration/alerts_cond_test.c — conditions from events and the
 * clock, through nginx (docs/alerts.md "Rule kinds"): a level driven low and
 * out by sales raises exactly one alert per crossing (not one per event),
 * each resolved by itself ("resolution":"auto") when a receipt clears it;
 * a pending period holds an alert back until the evaluate job sees the
 * condition still holding after it; a cooldown holds back a re-crossing;
 * a sale flagged for review raises review_waiting once it has waited, and
 * the review resolves it; a job whose last two runs failed raises
 * job_failing at the next jobs-poll, and a good run resolves it. Each test makes its own store and
 * product and rules scoped to that product, so default rules and other suites do not count here;
 * the rules are deleted at the end. The evaluate job fires a due condition
 * however many others wait, and clears conditions their rule no longer
 * covers; a store a forecast no longer lists loses its demand figures. */
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

/* Runs tm-alerts' job `name` now (the schedule runs it too) and waits up
 * to 10 s for the run to end; a scheduled run under way (409) is waited
 * out and the job asked for again. */
static void
run_job(const char *name)
{
    char path[96];
    struct resp r;
    long long id = 0;

    snprintf(path, sizeof path, "/api/v1/alerts/jobs/%s/run", name);
    ck_assert_int_eq(job_run(path, &r), 0);
    ck_assert_msg(r.status == 200 || r.status == 202, "%d %s", r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    ck_assert_int_gt(id, 0);
    for (int i = 0; i < 50; i++) {
        if (sql_intf(
                "SELECT count(*) FROM alerts.job_runs WHERE id = %lld AND outcome <> 'running'",
                id) == 1)
            return;
        tm_sleep_ms(200);
    }
    ck_abort_msg("job %s run %lld did not end", name, id);
}

static void
evaluate(void)
{
    run_job("evaluate");
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

    /* pending 3 s, cooldown 20 s: what the test does between its checks
     * fits in them on a loaded machine too */
    out = rule("stock_out", p, "{}", 3, 20);
    receive(store, p, 3);
    wait_alerts_level(store, p, 3);
    sell(store, p, 3, 1); /* out: pending for 3 s */
    wait_alerts_level(store, p, 0);
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.conditions WHERE rule_id = %lld"
                              " AND holds AND alert_id IS NULL",
                              out),
                     1);
    tm_sleep_ms(3100);
    evaluate();
    wait_alerts(out, store, "firing", 1, 20000); /* this run, or the schedule's */
    receive(store, p, 2);                        /* back: resolved by itself */
    wait_alerts(out, store, "resolved", 1, 5000);
    sell(store, p, 2, 2); /* out again within the 20 s cooldown: held back */
    wait_alerts_level(store, p, 0);
    tm_sleep_ms(3100); /* the pending period is over, the cooldown is not */
    evaluate();
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 1);
    /* now both are: the cooldown counts from the firing */
    tm_sleep_ms(sql_intf("SELECT (extract(epoch FROM min(fired_at) + interval '20.2 seconds'"
                         " - now()) * 1000)::bigint FROM alerts.alerts WHERE rule_id = %lld"
                         " AND store_id = %lld",
                         out, store));
    evaluate();
    wait_alerts(out, store, "firing", 1, 20000);
    ck_assert_int_eq(alerts(out, store, "", NULL, NULL), 2);
    drop_rule(out);
}
END_TEST

/* Rule id again (PUT), now scoped to product. */
static void
rescope(long long id, const char *kind, long long product, int cooldown_s)
{
    char path[96], body[512];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", id);
    snprintf(body, sizeof body,
             "{\"name\":\"cond test %s %s\",\"kind\":\"%s\",\"product_id\":%lld,"
             "\"params\":{},\"pending_s\":0,\"severity\":\"high\",\"cooldown_s\":%d}",
             kind, run_tag(), kind, product, cooldown_s);
    ck_assert_int_eq(http("PUT", path, body, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* The evaluate job fires what is due however many conditions still wait: 250
 * conditions cooling down (more than a run's batch, and older) do not hold
 * back one whose pending period is over; conditions no rule covers any more
 * are cleared, an open alert of them resolved by itself. */
START_TEST(test_due_not_held_back)
{
    long long store = new_store(), p = new_product(), p2 = new_product(), cool, due, id;
    char res[16];

    cool = rule("stock_out", p, "{}", 0, 3600);
    /* crossings after an alert 20 min ago: due when the hour's cooldown ends */
    ck_assert_int_eq(
        sql_intf("WITH c AS (INSERT INTO alerts.conditions (rule_id, dedup_key, store_id,"
                 " product_id, holds, since, last_fired_at) SELECT %lld,"
                 " 'store:' || (900000000 + i) || ':product:%lld', 900000000 + i, %lld, true,"
                 " now() - interval '10 minutes' - i * interval '1 second',"
                 " now() - interval '20 minutes' FROM generate_series(1, 250) i RETURNING 1)"
                 " SELECT count(*) FROM c",
                 cool, p, p),
        250);
    due = rule("stock_out", p, "{}", 2, 0);
    receive(store, p, 3);
    wait_alerts_level(store, p, 3);
    sell(store, p, 3, 1); /* out: due's pending for 2 s; cool fires at once */
    wait_alerts_level(store, p, 0);
    wait_alerts(cool, store, "firing", 1, 5000);
    ck_assert_int_eq(alerts(due, store, "", NULL, NULL), 0);
    tm_sleep_ms(2100);
    evaluate();
    wait_alerts(due, store, "firing", 1, 2000);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.conditions WHERE rule_id = %lld"
                              " AND holds AND alert_id IS NULL",
                              cool),
                     250); /* still cooling down */
    /* cool now covers another product: its conditions here are cleared (200 a
     * run), its alert resolved by itself */
    rescope(cool, "stock_out", p2, 3600);
    evaluate();
    evaluate();
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.conditions WHERE rule_id = %lld"
                              " AND (holds OR alert_id IS NOT NULL)",
                              cool),
                     0);
    wait_alerts(cool, store, "resolved", 1, 2000);
    ck_assert_int_eq(alerts(cool, store, "", &id, res), 1);
    ck_assert_str_eq(res, "auto");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alert_history WHERE alert_id = %lld"
                              " AND action = 'resolved' AND actor = 'system'"
                              " AND note = 'the rule no longer covers it'",
                              id),
                     1);
    ck_assert_int_eq(alerts(due, store, "firing", NULL, NULL), 1);
    drop_rule(cool);
    drop_rule(due);
}
END_TEST

/* A forecast.updated of product with per-store figures stores (a JSON
 * array), as tm-inventory's outbox carries it to tm-alerts. */
static void
forecast_event(long long product, const char *stores)
{
    ck_assert_int_eq(
        sql_intf("WITH s AS (UPDATE inventory.outbox_seq SET last = last + 1 RETURNING last),"
                 " i AS (INSERT INTO inventory.outbox (seq, topic, data)"
                 " SELECT last, 'forecast.updated', jsonb_build_object('product_id', %lld,"
                 " 'category_id', (SELECT category_id FROM inventory.products WHERE id = %lld),"
                 " 'horizon_days', 14, 'series', 1, 'total', 14, 'class', 'smooth', 'model',"
                 " 'naive', 'mase', 0.5, 'stores', '%s'::jsonb) FROM s RETURNING 1)"
                 " SELECT count(*) FROM i",
                 product, product, stores),
        1);
}

/* A store a forecast.updated no longer lists loses its demand figures: its
 * level has no days of cover, and a low_stock alert raised by them
 * resolves by itself. */
START_TEST(test_forecast_drops_a_store)
{
    long long s1 = new_store(), s2 = new_store(), p = new_product(), low;
    char stores[256];

    low = rule("low_stock", p, "{\"days_of_cover\":100}", 0, 0);
    reorder_point(s1, p, 0);
    reorder_point(s2, p, 0);
    receive(s1, p, 10);
    receive(s2, p, 10);
    wait_alerts_level(s1, p, 10);
    wait_alerts_level(s2, p, 10);
    snprintf(stores, sizeof stores,
             "[{\"store_id\":%lld,\"daily_mean\":1,\"daily_upper\":3},"
             "{\"store_id\":%lld,\"daily_mean\":1,\"daily_upper\":3}]",
             s1, s2);
    forecast_event(p, stores); /* 10 days of cover < 100 at both */
    wait_alerts(low, s1, "firing", 1, 10000);
    wait_alerts(low, s2, "firing", 1, 10000);
    snprintf(stores, sizeof stores, "[{\"store_id\":%lld,\"daily_mean\":1,\"daily_upper\":3}]", s1);
    forecast_event(p, stores); /* s2 dropped out */
    wait_alerts(low, s2, "resolved", 1, 10000);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.levels WHERE store_id = %lld"
                              " AND product_id = %lld AND daily_mean IS NULL"
                              " AND daily_upper IS NULL",
                              s2, p),
                     1);
    ck_assert_int_eq(alerts(low, s1, "firing", NULL, NULL), 1);
    drop_rule(low);
}
END_TEST

/* A ledger check's report of a gap at store/product, through tm-inventory's
 * outbox. */
static void
ledger_event(long long store, long long product)
{
    ck_assert_int_eq(
        sql_intf("WITH s AS (UPDATE inventory.outbox_seq SET last = last + 1 RETURNING last),"
                 " i AS (INSERT INTO inventory.outbox (seq, topic, data)"
                 " SELECT last, 'stock.ledger_mismatch', jsonb_build_object('levels', 1, 'gaps',"
                 " jsonb_build_array(jsonb_build_object('store_id', %lld, 'product_id', %lld,"
                 " 'on_hand', 5, 'ledger_on_hand', 4, 'reserved', 0, 'ledger_reserved', 0)))"
                 " FROM s RETURNING 1) SELECT count(*) FROM i",
                 store, product),
        1);
}

/* A ledger_mismatch rule with a pending period fires once it is over: the
 * evaluate job looking again does not restart it; resolved by hand, the
 * same gap is not raised again until a check reports it again. */
START_TEST(test_ledger_pending_period)
{
    long long store = new_store(), p = new_product(), gap, id;
    char path[96];
    struct resp r;

    long long since_ms;

    gap = rule("ledger_mismatch", p, "{}", 4, 0); /* 4 s: room for a loaded machine's steps */
    ledger_event(store, p);
    for (int i = 0; i < 100 && sql_intf("SELECT count(*) FROM alerts.conditions WHERE rule_id ="
                                        " %lld AND holds",
                                        gap) == 0;
         i++)
        tm_sleep_ms(100);
    evaluate(); /* within the pending period: nothing, and it runs on */
    ck_assert_int_eq(alerts(gap, store, "", NULL, NULL), 0);
    tm_sleep_ms(4100);
    evaluate();
    wait_alerts(gap, store, "firing", 1, 2000);
    ck_assert_int_eq(alerts(gap, store, "", &id, NULL), 1);
    snprintf(path, sizeof path, "/api/v1/alerts/%lld/resolve", id);
    ck_assert_int_eq(http("PATCH", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    tm_sleep_ms(2100);
    evaluate(); /* still the gap reported before: no new alert */
    ck_assert_int_eq(alerts(gap, store, "", NULL, NULL), 1);
    since_ms = sql_intf("SELECT coalesce(max((extract(epoch FROM since) * 1000)::bigint), 0)"
                        " FROM alerts.conditions WHERE rule_id = %lld",
                        gap);
    ledger_event(store, p); /* reported again: a new crossing, pending 4 s */
    for (int i = 0; i < 100 && sql_intf("SELECT count(*) FROM alerts.conditions WHERE rule_id ="
                                        " %lld AND holds AND (extract(epoch FROM since) * 1000)"
                                        "::bigint > %lld",
                                        gap, since_ms) == 0;
         i++)
        tm_sleep_ms(100);
    ck_assert_int_eq(alerts(gap, store, "firing", NULL, NULL), 0);
    tm_sleep_ms(4100);
    evaluate();
    wait_alerts(gap, store, "firing", 1, 2000);
    ck_assert_int_eq(alerts(gap, store, "", NULL, NULL), 2);
    drop_rule(gap);
}
END_TEST

START_TEST(test_review_waiting)
{
    long long store = new_store(), p = new_product(), wait, txn;
    char body[512], extra[160], path[96];
    struct resp r;

    receive(store, p, 50);
    wait_known(store, p);
    wait = rule_any("review_waiting", "{\"minutes\":0.1}", 0); /* 6 s */
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
    tm_sleep_ms(6500);
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

/* The alerts of rule for key in state. */
static long long
keyed_alerts(long long rule_id, const char *key, const char *state)
{
    return sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld AND dedup_key = '%s'"
                    " AND state = '%s'",
                    rule_id, key, state);
}

static void
wait_keyed_alerts(long long rule_id, const char *key, const char *state, long long want)
{
    for (int i = 0; i < 100 && keyed_alerts(rule_id, key, state) != want; i++)
        tm_sleep_ms(200);
    ck_assert_int_eq(keyed_alerts(rule_id, key, state), want);
}

/* Records a run of tm-inventory's ledger-check with outcome, as its runner
 * would (a job made to fail without breaking the stack). */
static void
ledger_check_run(const char *outcome)
{
    ck_assert_int_eq(sql_intf("WITH r AS (INSERT INTO inventory.job_runs (job, instance,"
                              " finished_at, outcome, error) VALUES ('ledger-check', 'alerts-test',"
                              " now(), '%s', '%s') RETURNING 1) SELECT count(*) FROM r",
                              outcome, strcmp(outcome, "failed") ? "" : "made to fail by a test"),
                     1);
}

START_TEST(test_job_failing)
{
    const char *key = "job:inventory:ledger-check";
    long long failing = rule_any("job_failing", "{\"failures\":2}", 0);

    ledger_check_run("ok");
    ledger_check_run("failed");
    run_job("jobs-poll");
    ck_assert_int_eq(keyed_alerts(failing, key, "firing"), 0); /* once is not twice */
    ledger_check_run("failed");
    run_job("jobs-poll");
    wait_keyed_alerts(failing, key, "firing", 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                              " AND dedup_key = '%s' AND title = 'Job failing: inventory job"
                              " ledger-check' AND (details->'inputs'->>'failed_in_a_row')::int = 2"
                              " AND details->'inputs'->>'last_error' = 'made to fail by a test'",
                              failing, key),
                     1);
    ledger_check_run("failed"); /* a third: still the one alert */
    run_job("jobs-poll");
    ck_assert_int_eq(keyed_alerts(failing, key, "firing"), 1);
    ledger_check_run("ok");
    run_job("jobs-poll");
    wait_keyed_alerts(failing, key, "resolved", 1);
    ck_assert_int_eq(keyed_alerts(failing, key, "firing"), 0);
    drop_rule(failing);
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
    tcase_add_test(tc, test_due_not_held_back);
    tcase_add_test(tc, test_forecast_drops_a_store);
    tcase_add_test(tc, test_ledger_pending_period);
    tcase_add_test(tc, test_review_waiting);
    tcase_add_test(tc, test_job_failing);
    suite_add_tcase(s, tc);
    return s;
}
