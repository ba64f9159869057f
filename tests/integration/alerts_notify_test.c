/* tests/integration/alerts_notify_test.c — escalation and notification
 * end to end (docs/alerts.md "Escalation and notification"), received by
 * alerts_hook.c's webhook receiver and read from the test stack's SMTP
 * sink. An alert under a policy is delivered once to the
 * webhook and once by mail at step 0, escalated to step 1 after the
 * policy's wait when nobody acknowledges it, not escalated when someone
 * does, and notified to no one under a matching silence; a level driven
 * low and out through the API makes one alert per crossing, delivered
 * once, resolved by itself after a receipt; and a tm-alerts instance
 * SIGKILLed while a receiver holds its request loses no step and doubles
 * none (the receiver sees the same delivery id again, never a new one); an
 * alert acknowledged while its receiver is slowly answering 500 gets no
 * further try (tests/integration/alerts_deliver_test.c has the rest). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/alerts_hook.h"
#include "tests/integration/client.h"

#define PATH(...) (snprintf(path, sizeof path, __VA_ARGS__), path)

static long long
hook_channel(const char *name, const char *hpath)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"name\":\"%s %s\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:%d%s\","
             "\"secret\":\"" SECRET "\"}",
             name, run_tag(), hook_port(), hpath);
    return create("/api/v1/notification-channels", body);
}

static long long
mail_channel(const char *name)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"name\":\"%s %s\",\"kind\":\"email\",\"address\":\"ops-%s@techmart.test\"}", name,
             run_tag(), run_tag());
    return create("/api/v1/notification-channels", body);
}

/* A policy: step 0 at once to a and b (b 0: none), step 1 after wait_s to c. */
static long long
policy(const char *name, long long a, long long b, int wait_s, long long c)
{
    char body[512], t0[96];

    if (b)
        snprintf(t0, sizeof t0, "{\"channel_id\":%lld},{\"channel_id\":%lld}", a, b);
    else
        snprintf(t0, sizeof t0, "{\"channel_id\":%lld}", a);
    snprintf(body, sizeof body,
             "{\"name\":\"%s %s\",\"steps\":[{\"after_s\":0,\"targets\":[%s]},"
             "{\"after_s\":%d,\"targets\":[{\"channel_id\":%lld}]}]}",
             name, run_tag(), t0, wait_s, c);
    return create("/api/v1/escalation-policies", body);
}

static long long
manual(long long store, long long pol, const char *title)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"title\":\"%s %s\",\"severity\":\"high\",\"store_id\":%lld,\"policy_id\":%lld}",
             title, run_tag(), store, pol);
    return create("/api/v1/alerts", body);
}

/* The alert's notifications: how many, and how many in state */
static int
notifications(long long alert, const char *state, int *in_state)
{
    char path[96];
    struct resp r;
    const cJSON *it;
    int n = 0;

    ck_assert_int_eq(http("GET", PATH("/api/v1/alerts/%lld/notifications", alert), NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    *in_state = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
    {
        n++;
        *in_state += strcmp(cJSON_GetObjectItem(it, "state")->valuestring, state) == 0;
    }
    resp_free(&r);
    return n;
}

/* Actions named in the alert's history. */
static int
history_count(long long alert, const char *action)
{
    return (int)sql_intf("SELECT count(*) FROM alerts.alert_history WHERE alert_id = %lld"
                         " AND action = '%s'",
                         alert, action);
}

START_TEST(test_notify_once_then_escalated)
{
    char a_path[96], c_path[96];
    long long store = new_store(), a, m, c, pol, id, nid = 0;
    int bad = 0, in = 0;

    hook_start();
    snprintf(a_path, sizeof a_path, "/hook/%s/first", run_tag());
    snprintf(c_path, sizeof c_path, "/hook/%s/second", run_tag());
    a = hook_channel("notify first", a_path);
    m = mail_channel("notify mail");
    c = hook_channel("notify second", c_path);
    pol = policy("notify escalates", a, m, 3, c);
    id = manual(store, pol, "Cold room door open");
    /* step 0: once to the webhook, signed, and once by mail */
    ck_assert_int_eq(wait_hook(a_path, id, 0, 1, 15000), 1);
    ck_assert_int_eq(wait_mail(id, 1, 15000), 1);
    /* step 1 after the policy's wait, nobody having acknowledged */
    ck_assert_int_eq(wait_hook(c_path, id, 1, 1, 20000), 1);
    tm_sleep_ms(2500); /* nothing is sent twice */
    ck_assert_int_eq(hook_count(a_path, id, -1, &bad), 1);
    ck_assert_int_eq(hook_count(c_path, id, -1, &bad), 1);
    ck_assert_int_eq(bad, 0);
    ck_assert_int_eq(mail_count(id, &nid), 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE id = %lld"
                              " AND alert_id = %lld AND channel_id = %lld",
                              nid, id, m),
                     1); /* the Message-ID names the notification */
    ck_assert_int_eq(notifications(id, "delivered", &in), 3);
    ck_assert_int_eq(in, 3);
    ck_assert_int_eq(history_count(id, "escalated"), 2);
    /* step 1 came no sooner than the policy's wait after the firing */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications n JOIN alerts.alerts a"
                              " ON a.id = n.alert_id WHERE n.alert_id = %lld AND n.step = 1"
                              " AND n.created_at >= a.fired_at + interval '3 seconds'",
                              id),
                     1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.delivery_attempts d"
                              " JOIN alerts.notifications n ON n.id = d.notification_id"
                              " WHERE n.alert_id = %lld AND d.ok",
                              id),
                     3);
    hook_stop();
}
END_TEST

START_TEST(test_notify_acknowledged_is_not_escalated)
{
    char a_path[96], c_path[96], path[128];
    long long store = new_store(), a, c, pol, id;
    struct resp r;
    int in = 0;
    int64_t asked, fired;

    hook_start();
    snprintf(a_path, sizeof a_path, "/hook/%s/ack-first", run_tag());
    snprintf(c_path, sizeof c_path, "/hook/%s/ack-second", run_tag());
    a = hook_channel("ack first", a_path);
    c = hook_channel("ack second", c_path);
    /* step 1 after 12 s: room for step 0's delivery and the acknowledge on
     * a loaded machine, which must come first */
    pol = policy("ack stops", a, 0, 12, c);
    asked = tm_mono_ms(); /* it fires after this, and before manual() returns */
    id = manual(store, pol, "Till short");
    fired = tm_mono_ms();
    ck_assert_int_eq(wait_hook(a_path, id, 0, 1, 10000), 1);
    ck_assert_int_eq(http("POST", PATH("/api/v1/alerts/%lld/acknowledge", id), "{}", &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_msg(tm_mono_ms() - asked < 11000, "acknowledged %lld ms after firing, too late",
                  (long long)(tm_mono_ms() - asked));
    /* past step 1's time, and the escalate job's period */
    tm_sleep_ms(fired + 15000 - tm_mono_ms());
    ck_assert_int_eq(hook_count(c_path, id, -1, NULL), 0);
    ck_assert_int_eq(hook_count(a_path, id, -1, NULL), 1);
    ck_assert_int_eq(notifications(id, "delivered", &in), 1);
    ck_assert_int_eq(history_count(id, "escalated"), 1);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM alerts.alerts WHERE id = %lld AND next_step_at IS NULL", id),
        1);
    hook_stop();
}
END_TEST

START_TEST(test_notify_silenced_is_recorded_not_sent)
{
    char a_path[96], body[256];
    long long store = new_store(), a, m, pol, id;
    int in = 0;

    hook_start();
    snprintf(a_path, sizeof a_path, "/hook/%s/silenced", run_tag());
    a = hook_channel("silenced first", a_path);
    m = mail_channel("silenced mail");
    pol = policy("silenced", a, m, 1, a);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"ends_at\":\"2099-01-01T00:00:00Z\",\"comment\":\"drill\"}",
             store);
    create("/api/v1/silences", body);
    id = manual(store, pol, "Alarm test");
    /* both steps come due and are recorded silenced */
    for (int t = 0; t < 150 && notifications(id, "silenced", &in) < 3; t++)
        tm_sleep_ms(100);
    ck_assert_int_eq(notifications(id, "silenced", &in), 3);
    ck_assert_int_eq(in, 3);
    tm_sleep_ms(1500);
    ck_assert_int_eq(hook_count(NULL, id, -1, NULL), 0);
    ck_assert_int_eq(mail_count(id, NULL), 0);
    ck_assert_int_ge(history_count(id, "silenced"), 2); /* at firing, then each step */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.delivery_attempts d"
                              " JOIN alerts.notifications n ON n.id = d.notification_id"
                              " WHERE n.alert_id = %lld",
                              id),
                     0);
    hook_stop();
}
END_TEST

/* The attempts of alert's notification to channel: how many, and how many ok */
static int
attempts_of(long long alert, long long channel, int *ok)
{
    *ok =
        (int)sql_intf("SELECT count(*) FROM alerts.delivery_attempts d JOIN alerts.notifications n"
                      " ON n.id = d.notification_id WHERE n.alert_id = %lld"
                      " AND n.channel_id = %lld AND d.ok",
                      alert, channel);
    return (int)sql_intf(
        "SELECT count(*) FROM alerts.delivery_attempts d JOIN alerts.notifications n"
        " ON n.id = d.notification_id WHERE n.alert_id = %lld"
        " AND n.channel_id = %lld",
        alert, channel);
}

START_TEST(test_notify_retries_fails_for_good_roles_and_dashboard)
{
    char f_path[96], g_path[96], r_path[96], o_path[96], body[512];
    long long store = new_store(), other = new_store(), f, g, rc, ro, dash, pol, id;
    int ok = 0, n;

    hook_start();
    snprintf(f_path, sizeof f_path, "/flaky/%s", run_tag());
    snprintf(g_path, sizeof g_path, "/gone/%s", run_tag());
    snprintf(r_path, sizeof r_path, "/hook/%s/role", run_tag());
    f = hook_channel("flaky", f_path);
    g = hook_channel("gone", g_path);
    /* a role target: every active channel whose roles list it */
    snprintf(body, sizeof body,
             "{\"name\":\"role hook %s\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:%d%s\","
             "\"secret\":\"" SECRET "\",\"roles\":[\"fraud_analyst\"]}",
             run_tag(), hook_port(), r_path);
    rc = create("/api/v1/notification-channels", body);
    /* one serving the role at another store only: not this alert's */
    snprintf(o_path, sizeof o_path, "/hook/%s/role-other", run_tag());
    snprintf(body, sizeof body,
             "{\"name\":\"role hook other %s\",\"kind\":\"webhook\",\"url\":"
             "\"http://127.0.0.1:%d%s\",\"secret\":\"" SECRET "\",\"roles\":[\"fraud_analyst\"],"
             "\"store_ids\":[%lld]}",
             run_tag(), hook_port(), o_path, other);
    ro = create("/api/v1/notification-channels", body);
    snprintf(body, sizeof body,
             "{\"name\":\"dashboard %s\",\"kind\":\"dashboard\",\"roles\":[\"store_manager\"],"
             "\"store_ids\":[%lld]}",
             run_tag(), store);
    dash = create("/api/v1/notification-channels", body);
    snprintf(body, sizeof body,
             "{\"name\":\"retries %s\",\"steps\":[{\"after_s\":0,\"targets\":["
             "{\"channel_id\":%lld},{\"channel_id\":%lld},{\"role\":\"fraud_analyst\"},"
             "{\"channel_id\":%lld}]}]}",
             run_tag(), f, g, dash);
    pol = create("/api/v1/escalation-policies", body);
    id = manual(store, pol, "Retry drill");
    /* a 500 is tried again after a backoff and delivered; a 410 fails at once */
    ck_assert_int_eq(wait_hook(f_path, id, 0, 2, 20000), 2);
    ck_assert_int_eq(wait_hook(r_path, id, 0, 1, 20000), 1);
    for (int t = 0; t < 100 && sql_intf("SELECT count(*) FROM alerts.notifications WHERE"
                                        " alert_id = %lld AND state IN ('pending', 'sending')",
                                        id) > 0;
         t++)
        tm_sleep_ms(100);
    n = attempts_of(id, f, &ok);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(ok, 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.delivery_attempts d JOIN"
                              " alerts.notifications n ON n.id = d.notification_id WHERE"
                              " n.alert_id = %lld AND n.channel_id = %lld AND NOT d.ok"
                              " AND d.status = 500",
                              id, f),
                     1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND channel_id = %lld AND state = 'delivered'",
                              id, f),
                     1);
    ck_assert_int_eq(attempts_of(id, g, &ok), 1);
    ck_assert_int_eq(ok, 0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND channel_id = %lld AND state = 'failed'"
                              " AND last_error LIKE '%%410%%'",
                              id, g),
                     1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND channel_id = %lld AND state = 'delivered'",
                              id, rc),
                     1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND channel_id = %lld",
                              id, ro),
                     0);
    /* the dashboard's is delivered by alert.escalated, at once */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND channel_id = %lld AND state = 'delivered'",
                              id, dash),
                     1);
    events_numbered("alerts");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM alerts.outbox WHERE topic = 'alert.escalated'"
                 " AND (data->'alert'->>'id')::bigint = %lld AND (data->>'step')::int = 0"
                 " AND data->'roles' ? 'store_manager'",
                 id),
        1);
    hook_stop();
}
END_TEST

/* A level's stock by a movement of type (receipt, adjustment) as the admin. */
static void
move(long long store, long long product, const char *type, int qty)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"%s\",\"quantity\":%d,"
             "\"reason\":\"alert drill\"}",
             store, product, type, qty);
    create("/api/v1/stock-movements", body);
}

/* Alerts of rule for the level, by state (NULL: any). */
static long long
rule_alerts(long long rule, long long store, long long product, const char *state)
{
    return sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                    " AND dedup_key = 'store:%lld:product:%lld'%s%s%s",
                    rule, store, product, state ? " AND state = '" : "", state ? state : "",
                    state ? "'" : "");
}

static long long
wait_rule_alerts(long long rule, long long store, long long product, const char *state, int want)
{
    long long n = 0;

    for (int t = 0; t < 200 && (n = rule_alerts(rule, store, product, state)) < want; t++)
        tm_sleep_ms(100);
    return n;
}

static long long
rule(const char *kind, long long store, long long pol)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"name\":\"%s %s\",\"kind\":\"%s\",\"store_id\":%lld,\"severity\":\"high\","
             "\"pending_s\":0,\"cooldown_s\":0,\"policy_id\":%lld}",
             kind, run_tag(), kind, store, pol);
    return create("/api/v1/alert-rules", body);
}

START_TEST(test_notify_level_low_then_out)
{
    char h_path[96], c_path[96], path[128];
    long long store = new_store(), product = new_product(), h, m, c, pol, low, out, a_low, a_out;
    struct resp r;

    hook_start();
    snprintf(h_path, sizeof h_path, "/hook/%s/level", run_tag());
    snprintf(c_path, sizeof c_path, "/hook/%s/level-late", run_tag());
    h = hook_channel("level first", h_path);
    m = mail_channel("level mail");
    c = hook_channel("level late", c_path);
    pol = policy("level", h, m, 600, c); /* step 1 far off: this test watches step 0 */
    low = rule("low_stock", store, pol);
    out = rule("stock_out", store, pol);
    move(store, product, "receipt", 10);
    ck_assert_int_eq(http("PUT", PATH("/api/v1/inventory/%lld/%lld", store, product),
                          "{\"reorder_point\":4}", &r),
                     0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    /* low: 10 -> 3, by two movements (one crossing, two events) */
    move(store, product, "adjustment", -5);
    move(store, product, "adjustment", -2);
    ck_assert_int_eq(wait_rule_alerts(low, store, product, "firing", 1), 1);
    a_low = sql_intf("SELECT id FROM alerts.alerts WHERE rule_id = %lld AND state = 'firing'", low);
    ck_assert_int_eq(wait_hook(h_path, a_low, 0, 1, 15000), 1);
    ck_assert_int_eq(wait_mail(a_low, 1, 15000), 1);
    /* out: 3 -> 0 */
    move(store, product, "adjustment", -3);
    ck_assert_int_eq(wait_rule_alerts(out, store, product, "firing", 1), 1);
    a_out = sql_intf("SELECT id FROM alerts.alerts WHERE rule_id = %lld AND state = 'firing'", out);
    ck_assert_int_eq(wait_hook(h_path, a_out, 0, 1, 15000), 1);
    ck_assert_int_eq(wait_mail(a_out, 1, 15000), 1);
    /* a receipt clears both: resolved by themselves */
    move(store, product, "receipt", 20);
    ck_assert_int_eq(wait_rule_alerts(out, store, product, "resolved", 1), 1);
    ck_assert_int_eq(wait_rule_alerts(low, store, product, "resolved", 1), 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE id IN (%lld, %lld)"
                              " AND resolution = 'auto' AND resolved_by = 'system'",
                              a_low, a_out),
                     2);
    /* exactly one alert per crossing, each delivered once */
    tm_sleep_ms(2000);
    ck_assert_int_eq(rule_alerts(low, store, product, NULL), 1);
    ck_assert_int_eq(rule_alerts(out, store, product, NULL), 1);
    ck_assert_int_eq(hook_count(h_path, a_low, -1, NULL), 1);
    ck_assert_int_eq(hook_count(h_path, a_out, -1, NULL), 1);
    ck_assert_int_eq(mail_count(a_low, NULL), 1);
    ck_assert_int_eq(mail_count(a_out, NULL), 1);
    ck_assert_int_eq(hook_count(c_path, a_low, -1, NULL) + hook_count(c_path, a_out, -1, NULL), 0);
    hook_stop();
}
END_TEST

/* The instance number of tm-alerts holding alert's step-0 notification
 * (lease_owner "alerts-N/worker"), 0 while none does. */
static int
sender_of(long long alert)
{
    return (int)sql_intf("SELECT COALESCE((SELECT substring(lease_owner FROM 'alerts-([0-9]+)/')"
                         "::integer FROM alerts.notifications WHERE alert_id = %lld AND step = 0"
                         " AND state = 'sending'), 0)",
                         alert);
}

START_TEST(test_notify_sigkill_mid_send_loses_and_doubles_nothing)
{
    char h_path[96], c_path[96];
    long long store = new_store(), h, c, pol, id, ids[HOOK_MAX];
    static struct hook_req reqs[HOOK_MAX];
    int n, taken, victim = 0, pid, distinct = 0, in = 0;

    hook_start();
    snprintf(h_path, sizeof h_path, "/hold/%s/kill", run_tag());
    snprintf(c_path, sizeof c_path, "/hook/%s/kill-late", run_tag());
    h = hook_channel("kill first", h_path);
    c = hook_channel("kill late", c_path);
    pol = policy("kill", h, 0, 2, c);
    id = manual(store, pol, "Sender killed");
    /* the receiver holds step 0's request: kill the instance sending it */
    ck_assert_msg(wait_holding(15000), "no request reached the receiver");
    victim = sender_of(id);
    ck_assert_int_gt(victim, 0);
    pid = pid_of("alerts", victim);
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    /* the lease runs out; the step is sent again, the same delivery id */
    ck_assert_int_ge(wait_hook(h_path, id, 0, 2, 30000), 2);
    ck_assert_int_eq(wait_hook(c_path, id, 1, 1, 30000), 1);
    for (int t = 0; t < 100 && (notifications(id, "delivered", &in), in < 2); t++)
        tm_sleep_ms(100);
    ck_assert_int_eq(notifications(id, "delivered", &in), 2);
    ck_assert_int_eq(in, 2);
    tm_sleep_ms(2000);
    /* no step lost, none doubled: each (step, channel) once, every request
     * carrying one of those two delivery ids */
    ck_assert_int_eq(sql_intf("SELECT count(DISTINCT (step, round, channel_id)) FROM"
                              " alerts.notifications WHERE alert_id = %lld",
                              id),
                     2);
    taken = hook_taken(id, reqs, HOOK_MAX);
    n = 0;
    for (int i = 0; i < taken; i++) {
        int dup = 0;

        ck_assert(reqs[i].sig_ok);
        ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE id = %lld"
                                  " AND alert_id = %lld",
                                  reqs[i].delivery, id),
                         1);
        for (int k = 0; k < n; k++)
            dup |= ids[k] == reqs[i].delivery;
        if (!dup)
            ids[n++] = reqs[i].delivery;
    }
    distinct = n;
    ck_assert_int_eq(distinct, 2);
    ck_assert_int_eq(hook_count(c_path, id, -1, NULL), 1);
    /* the killed instance's try is an attempt started and never finished */
    ck_assert_int_eq(sql_intf("SELECT attempts FROM alerts.notifications WHERE alert_id = %lld"
                              " AND step = 0",
                              id),
                     2);
    /* its supervisor brought the instance back */
    for (int t = 0; t < 100 && (pid_of("alerts", victim) == pid || pid_of("alerts", victim) <= 0);
         t++)
        tm_sleep_ms(100);
    ck_assert_int_ne(pid_of("alerts", victim), pid);
    hook_stop();
}
END_TEST

START_TEST(test_notify_ack_mid_send_stops_retries)
{
    char s_path[96], path[128];
    long long store = new_store(), ch, pol, id;
    struct resp r;

    hook_start();
    snprintf(s_path, sizeof s_path, "/slow/%s/ack", run_tag());
    ch = hook_channel("slow 500", s_path);
    pol = policy("ack mid-send", ch, 0, 600, ch);
    id = manual(store, pol, "Acknowledged mid-send");
    /* the first try is in flight (it will be answered 500: retryable) */
    ck_assert_msg(wait_holding(15000), "no request reached the receiver");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld AND step = 0"
                 " AND state = 'sending'",
                 id),
        1);
    ck_assert_int_eq(http("POST", PATH("/api/v1/alerts/%lld/acknowledge", id), "{}", &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    /* the try in flight finishes; none follows (backoff is 200-1000 ms here) */
    tm_sleep_ms(SLOW_MS + 5000);
    ck_assert_int_eq(hook_count(s_path, id, -1, NULL), 1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.delivery_attempts d JOIN"
                              " alerts.notifications n ON n.id = d.notification_id WHERE"
                              " n.alert_id = %lld AND d.status = 500",
                              id),
                     1);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.notifications WHERE alert_id = %lld"
                              " AND state = 'cancelled' AND attempts = 1",
                              id),
                     1);
    hook_stop();
}
END_TEST

Suite *
alerts_notify_suite(void)
{
    Suite *s = suite_create("alerts_notify");
    TCase *tc = tcase_create("notify");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_notify_once_then_escalated);
    tcase_add_test(tc, test_notify_acknowledged_is_not_escalated);
    tcase_add_test(tc, test_notify_silenced_is_recorded_not_sent);
    tcase_add_test(tc, test_notify_retries_fails_for_good_roles_and_dashboard);
    tcase_add_test(tc, test_notify_level_low_then_out);
    tcase_add_test(tc, test_notify_sigkill_mid_send_loses_and_doubles_nothing);
    tcase_add_test(tc, test_notify_ack_mid_send_stops_retries);
    suite_add_tcase(s, tc);
    return s;
}
