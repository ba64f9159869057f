/* tests/integration/alerts_config_test.c — tm-alerts' configuration routes
 * end to end through nginx → tm-gateway → tm-alerts: an alert rule created,
 * changed (a new version each time, old ones readable) and deleted (a last,
 * inactive version); every bad input of the issue answered 4xx naming the
 * field with nothing written; silences created, listed and ended; escalation
 * policies and notification channels (a webhook's secret shown once, never
 * listed); a store manager's silences kept to its stores. */
#include <stdio.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define ADMIN st.token[0]
#define MANAGER st.token[1] /* stores 1 and 2 */
#define BUYER st.token[2]
#define VIEWER st.token[5]

/* Rows of every configuration table: what a refused request must not change. */
static long long
n_config_rows(void)
{
    return sql_int("SELECT (SELECT count(*) FROM alerts.rules) + (SELECT count(*) FROM "
                   "alerts.silences) + (SELECT count(*) FROM alerts.escalation_policies) + "
                   "(SELECT count(*) FROM alerts.channels)");
}

/* Sends as who; asserts the status; the caller frees r. */
static void
call(const char *who, const char *method, const char *path, const char *body, int want,
     struct resp *r)
{
    ck_assert_int_eq(http_as(who, method, path, body, r), 0);
    ck_assert_msg(r->status == want, "%s %s %s: status %d, want %d: %s", method, path,
                  body ? body : "", r->status, want, r->body);
}

/* Creates as the admin what body says at path; returns its id. */
static long long
make(const char *path, const char *body)
{
    struct resp r;
    long long id;

    call(ADMIN, "POST", path, body, 201, &r);
    id = jint(&r, "id");
    ck_assert_int_gt(id, 0);
    resp_free(&r);
    return id;
}

static long long
make_channel(const char *suffix, const char *rest)
{
    char body[512];

    snprintf(body, sizeof body, "{\"name\":\"%s %s\",%s}", run_tag(), suffix, rest);
    return make("/api/v1/notification-channels", body);
}

/* A rule is versioned: each PUT writes the next version, ?version=N reads an
 * old one, DELETE writes a last inactive version, and a rule keeps its kind. */
START_TEST(test_rule_versions)
{
    char body[512], path[96];
    struct resp r;
    long long id, rows;
    const cJSON *versions;

    snprintf(body, sizeof body,
             "{\"name\":\"%s low\",\"kind\":\"low_stock\",\"store_id\":1,"
             "\"params\":{\"days_of_cover\":3,\"critical_days\":1},\"severity\":\"high\","
             "\"cooldown_s\":600}",
             run_tag());
    call(ADMIN, "POST", "/api/v1/alert-rules", body, 201, &r);
    id = jint(&r, "id");
    ck_assert_int_eq(jint(&r, "version"), 1);
    ck_assert_str_eq(jstr(&r, "kind"), "low_stock");
    ck_assert_int_eq(jint(&r, "cooldown_s"), 600);
    ck_assert_double_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "params"), "days_of_cover")->valuedouble,
        3);
    ck_assert_int_eq(strncmp(jstr(&r, "created_by"), "user:", 5), 0);
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", id);
    snprintf(body, sizeof body,
             "{\"name\":\"%s low\",\"kind\":\"low_stock\",\"store_id\":1,"
             "\"params\":{\"days_of_cover\":5},\"severity\":\"critical\",\"note\":\"tighter\"}",
             run_tag());
    call(ADMIN, "PUT", path, body, 200, &r);
    ck_assert_int_eq(jint(&r, "id"), id);
    ck_assert_int_eq(jint(&r, "version"), 2);
    ck_assert_str_eq(jstr(&r, "severity"), "critical");
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "params"), "critical_days"));
    resp_free(&r);

    call(VIEWER, "GET", path, NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "version"), 2);
    versions = cJSON_GetObjectItem(r.json, "versions");
    ck_assert_int_eq(cJSON_GetArraySize(versions), 2);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(versions, 1), "note")->valuestring,
                     "tighter");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld?version=1", id);
    call(VIEWER, "GET", path, NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "version"), 1);
    ck_assert_str_eq(jstr(&r, "severity"), "high");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld?version=9", id);
    call(VIEWER, "GET", path, NULL, 404, &r);
    ck_assert_str_eq(err_field(&r), "version");
    resp_free(&r);

    /* a rule keeps its kind; nothing is written */
    rows = n_config_rows();
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", id);
    snprintf(body, sizeof body,
             "{\"name\":\"x\",\"kind\":\"overstock\",\"params\":{\"days_of_cover\":90},"
             "\"severity\":\"low\"}");
    call(ADMIN, "PUT", path, body, 400, &r);
    ck_assert_str_eq(err_field(&r), "kind");
    resp_free(&r);
    call(ADMIN, "PUT", "/api/v1/alert-rules/999999999", body, 404, &r);
    resp_free(&r);
    ck_assert_int_eq(n_config_rows(), rows);

    /* only an admin changes rules */
    call(BUYER, "PUT", path, body, 403, &r);
    resp_free(&r);

    call(ADMIN, "DELETE", path, NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "version"), 3);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "active")));
    ck_assert_str_eq(jstr(&r, "note"), "deleted");
    resp_free(&r);
    call(ADMIN, "DELETE", path, NULL, 200, &r); /* already deleted: nothing more written */
    ck_assert_int_eq(jint(&r, "version"), 3);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.rules WHERE id = %lld", id), 3);
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld?version=0", id);
    call(VIEWER, "GET", path, NULL, 400, &r);
    ck_assert_str_eq(err_field(&r), "version");
    resp_free(&r);

    /* a deleted rule comes back by a PUT with active true */
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", id);
    snprintf(body, sizeof body,
             "{\"name\":\"%s low\",\"kind\":\"low_stock\",\"severity\":\"low\","
             "\"active\":true}",
             run_tag());
    call(ADMIN, "PUT", path, body, 200, &r);
    ck_assert_int_eq(jint(&r, "version"), 4);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "active")));
    ck_assert_int_eq(jint(&r, "store_id"), -1); /* null: any store now */
    resp_free(&r);
    call(ADMIN, "DELETE", path, NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "version"), 5);
    resp_free(&r);

    call(VIEWER, "GET", "/api/v1/alert-rules?kind=low_stock&active=false&limit=200", NULL, 200, &r);
    ck_assert_ptr_nonnull(strstr(r.body, run_tag()));
    resp_free(&r);
    call(VIEWER, "GET", "/api/v1/alert-rules?kind=toast", NULL, 400, &r);
    ck_assert_str_eq(err_field(&r), "kind");
    resp_free(&r);
}
END_TEST

/* The bad input, each refused 4xx naming the field, nothing written. */
START_TEST(test_bad_input_names_the_field_and_writes_nothing)
{
    static const struct {
        const char *path, *body;
        int status;
        const char *field;
    } cases[] = {
        {"/api/v1/alert-rules", "{\"name\":\"r\",\"kind\":\"weather\",\"severity\":\"low\"}", 400,
         "kind"},
        {"/api/v1/alert-rules",
         "{\"name\":\"r\",\"kind\":\"overstock\",\"params\":{\"days_of_cover\":\"lots\"},"
         "\"severity\":\"low\"}",
         400, "params.days_of_cover"},
        {"/api/v1/alert-rules",
         "{\"name\":\"r\",\"kind\":\"slow_moving\",\"params\":{\"days\":-3},\"severity\":\"low\"}",
         400, "params.days"},
        {"/api/v1/alert-rules",
         "{\"name\":\"r\",\"kind\":\"stock_out\",\"params\":{\"days\":3},\"severity\":\"low\"}",
         400, "params.days"},
        {"/api/v1/alert-rules", "{\"name\":\"r\",\"kind\":\"review_waiting\",\"severity\":\"low\"}",
         400, "params.minutes"},
        {"/api/v1/alert-rules",
         "{\"name\":\"r\",\"kind\":\"job_failing\",\"params\":{\"failures\":2.5},"
         "\"severity\":\"low\"}",
         400, "params.failures"},
        {"/api/v1/alert-rules",
         "{\"name\":\"r\",\"kind\":\"stock_out\",\"severity\":\"low\",\"pending_s\":-1}", 400,
         "pending_s"},
        {"/api/v1/alert-rules",
         "{\"name\":\"r\",\"kind\":\"stock_out\",\"severity\":\"low\",\"policy_id\":999999999}",
         400, "policy_id"},
        {"/api/v1/silences", "{\"ends_at\":\"2099-01-01T00:00:00Z\"}", 400, "matchers"},
        {"/api/v1/silences", "{\"store_id\":1,\"ends_at\":\"2020-01-01T00:00:00Z\"}", 400,
         "ends_at"},
        {"/api/v1/silences", "{\"rule_id\":999999999,\"ends_at\":\"2099-01-01T00:00:00Z\"}", 400,
         "rule_id"},
        {"/api/v1/silences", "{\"severity\":\"loud\",\"ends_at\":\"2099-01-01T00:00:00Z\"}", 400,
         "severity"},
        {"/api/v1/notification-channels",
         "{\"name\":\"bad hook\",\"kind\":\"webhook\",\"url\":\"https://evil.example/x\"}", 400,
         "url"},
        {"/api/v1/notification-channels",
         "{\"name\":\"bad hook\",\"kind\":\"webhook\",\"url\":\"http://169.254.169.254/\"}", 400,
         "url"},
        {"/api/v1/notification-channels",
         "{\"name\":\"bad mail\",\"kind\":\"email\",\"address\":\"x@y.z\\r\\nBcc: a@b.c\"}", 400,
         "address"},
        {"/api/v1/escalation-policies",
         "{\"name\":\"bad\",\"steps\":[{\"after_s\":0,\"targets\":[{\"channel_id\":999999999}]}]}",
         400, "steps[0].targets[0].channel_id"},
        {"/api/v1/escalation-policies",
         "{\"name\":\"bad\",\"steps\":[{\"after_s\":0,\"targets\":[{\"role\":\"janitor\"}]}]}", 400,
         "steps[0].targets[0].role"},
        {"/api/v1/escalation-policies",
         "{\"name\":\"bad\",\"steps\":[{\"after_s\":60,\"targets\":[{\"role\":\"admin\"}]},"
         "{\"after_s\":30,\"targets\":[{\"role\":\"admin\"}]}]}",
         400, "steps[1].after_s"},
    };
    long long rows = n_config_rows();

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct resp r;
        call(ADMIN, "POST", cases[i].path, cases[i].body, cases[i].status, &r);
        ck_assert_msg(strcmp(err_field(&r), cases[i].field) == 0, "%s %s: field %s, want %s",
                      cases[i].path, cases[i].body, err_field(&r), cases[i].field);
        ck_assert_str_eq(err_code(&r), "invalid_argument");
        resp_free(&r);
    }
    ck_assert_int_eq(n_config_rows(), rows);
}
END_TEST

/* A silence is created, listed while active, ended by DELETE (the row stays,
 * ended now, by whom), and ending it again changes nothing. */
START_TEST(test_silence_life)
{
    char body[256], path[64], who[64];
    struct resp r;
    long long id, later;

    snprintf(body, sizeof body,
             "{\"store_id\":1,\"severity\":\"low\",\"ends_at\":\"2099-01-01T00:00:00Z\","
             "\"comment\":\"%s maintenance\"}",
             run_tag());
    call(BUYER, "POST", "/api/v1/silences", body, 201, &r);
    id = jint(&r, "id");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "active")));
    ck_assert_str_eq(jstr(&r, "severity"), "low");
    snprintf(who, sizeof who, "%s", jstr(&r, "created_by"));
    ck_assert_int_eq(strncmp(who, "user:", 5), 0);
    resp_free(&r);
    call(VIEWER, "GET", "/api/v1/silences?active=true&limit=200", NULL, 200, &r);
    ck_assert_ptr_nonnull(strstr(r.body, run_tag()));
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/silences/%lld", id);
    call(VIEWER, "DELETE", path, NULL, 403, &r); /* alert.write */
    resp_free(&r);
    call(BUYER, "DELETE", path, NULL, 200, &r);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "active")));
    ck_assert_str_eq(jstr(&r, "ended_by"), who);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.silences WHERE id = %lld AND ends_at "
                              "<= now() AND ended_by IS NOT NULL",
                              id),
                     1);
    call(ADMIN, "DELETE", path, NULL, 200, &r); /* ended already: as it was */
    ck_assert_str_eq(jstr(&r, "ended_by"), who);
    resp_free(&r);
    call(ADMIN, "DELETE", "/api/v1/silences/999999999", NULL, 404, &r);
    resp_free(&r);

    /* one that has not started yet, ended: it never applies */
    snprintf(body, sizeof body,
             "{\"product_id\":7,\"starts_at\":\"2098-01-01T00:00:00Z\","
             "\"ends_at\":\"2099-01-01T00:00:00Z\"}");
    call(ADMIN, "POST", "/api/v1/silences", body, 201, &r);
    later = jint(&r, "id");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "active")));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/silences/%lld", later);
    call(ADMIN, "DELETE", path, NULL, 200, &r);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.silences WHERE id = %lld AND ends_at "
                              "- starts_at < interval '1 millisecond'",
                              later),
                     1);
}
END_TEST

/* A store manager (stores 1 and 2) silences only its stores' alerts and
 * sees and ends only their silences. */
START_TEST(test_silence_store_scope)
{
    char body[256], path[64], comment[64];
    struct resp r;
    long long theirs, mine;
    long long rows = n_config_rows();

    call(MANAGER, "POST", "/api/v1/silences", "{\"severity\":\"low\",\"ends_at\":\"2099-01-01\"}",
         403, &r);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    call(MANAGER, "POST", "/api/v1/silences", "{\"store_id\":3,\"ends_at\":\"2099-01-01\"}", 403,
         &r);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    ck_assert_int_eq(n_config_rows(), rows);

    snprintf(body, sizeof body, "{\"store_id\":2,\"ends_at\":\"2099-01-01\",\"comment\":\"%s m\"}",
             run_tag());
    call(MANAGER, "POST", "/api/v1/silences", body, 201, &r);
    mine = jint(&r, "id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"store_id\":3,\"ends_at\":\"2099-01-01\",\"comment\":\"%s o\"}",
             run_tag());
    call(ADMIN, "POST", "/api/v1/silences", body, 201, &r);
    theirs = jint(&r, "id");
    resp_free(&r);

    call(MANAGER, "GET", "/api/v1/silences?active=true&limit=200", NULL, 200, &r);
    for (int i = 0; i < cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")); i++) {
        const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), i);
        long long store = (long long)cJSON_GetObjectItem(s, "store_id")->valuedouble;
        ck_assert_msg(store == 1 || store == 2, "a manager of 1, 2 sees a silence of store %lld",
                      store);
    }
    snprintf(comment, sizeof comment, "%s m\"", run_tag());
    ck_assert_ptr_nonnull(strstr(r.body, comment));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/silences/%lld", theirs);
    call(MANAGER, "DELETE", path, NULL, 404, &r);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.silences WHERE id = %lld AND ended_by "
                              "IS NULL",
                              theirs),
                     1);
    snprintf(path, sizeof path, "/api/v1/silences/%lld", mine);
    call(MANAGER, "DELETE", path, NULL, 200, &r);
    resp_free(&r);
}
END_TEST

/* Channels: a webhook's secret is generated when not given, shown in the
 * 201 only, stored as shown; the list never carries one. */
START_TEST(test_channels_and_secrets)
{
    char body[512], secret[128];
    struct resp r;
    long long hook, mail, screen;

    snprintf(body, sizeof body,
             "{\"name\":\"%s hook\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\","
             "\"roles\":[\"admin\",\"buyer\"]}",
             run_tag());
    call(ADMIN, "POST", "/api/v1/notification-channels", body, 201, &r);
    hook = jint(&r, "id");
    snprintf(secret, sizeof secret, "%s", jstr(&r, "secret"));
    ck_assert_uint_eq(strlen(secret), 64);
    ck_assert_uint_eq(strspn(secret, "0123456789abcdef"), 64);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "roles")), 2);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.channels WHERE id = %lld AND secret = "
                              "'%s'",
                              hook, secret),
                     1);
    call(ADMIN, "POST", "/api/v1/notification-channels", body, 409, &r); /* the same name */
    ck_assert_str_eq(err_field(&r), "name");
    resp_free(&r);

    snprintf(body, sizeof body,
             "{\"name\":\"%s hook 2\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:9/h2\","
             "\"secret\":\"given-secret-0123456789\"}",
             run_tag());
    call(ADMIN, "POST", "/api/v1/notification-channels", body, 201, &r);
    ck_assert_str_eq(jstr(&r, "secret"), "given-secret-0123456789");
    resp_free(&r);

    mail = make_channel("mail", "\"kind\":\"email\",\"address\":\"ops@shop.example\"");
    screen = make_channel("screen",
                          "\"kind\":\"dashboard\",\"roles\":[\"store_manager\"],\"store_ids\":[1]");
    ck_assert_int_gt(mail, hook);
    ck_assert_int_gt(screen, mail);

    /* a webhook's URL can be a credential: only admins list channels */
    call(VIEWER, "GET", "/api/v1/notification-channels", NULL, 403, &r);
    resp_free(&r);
    call(ADMIN, "GET", "/api/v1/notification-channels?limit=200", NULL, 200, &r);
    ck_assert_ptr_null(strstr(r.body, "secret"));
    ck_assert_ptr_null(strstr(r.body, secret));
    ck_assert_ptr_null(strstr(r.body, "given-secret"));
    ck_assert_ptr_nonnull(strstr(r.body, "ops@shop.example"));
    resp_free(&r);
    call(BUYER, "POST", "/api/v1/notification-channels", body, 403, &r);
    resp_free(&r);
}
END_TEST

/* A policy whose steps name channels and roles, read back as written; a
 * rule routes its alerts through it. */
START_TEST(test_policies)
{
    char body[1024], path[64];
    struct resp r;
    long long hook, policy, rule;
    const cJSON *steps;

    hook = make_channel("policy hook", "\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:9/p\"");
    snprintf(body, sizeof body,
             "{\"name\":\"%s on call\",\"steps\":[{\"after_s\":0,\"targets\":[{\"channel_id\":"
             "%lld},{\"role\":\"store_manager\"}]},{\"after_s\":300,\"targets\":[{\"role\":"
             "\"admin\"}]}],\"repeat_every_s\":900,\"repeat_max\":2}",
             run_tag(), hook);
    policy = make("/api/v1/escalation-policies", body);
    call(ADMIN, "POST", "/api/v1/escalation-policies", body, 409, &r);
    ck_assert_str_eq(err_field(&r), "name");
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/escalation-policies/%lld", policy);
    call(VIEWER, "GET", path, NULL, 200, &r);
    steps = cJSON_GetObjectItem(r.json, "steps");
    ck_assert_int_eq(cJSON_GetArraySize(steps), 2);
    ck_assert_int_eq((int)cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 1), "after_s")->valuedouble,
                     300);
    ck_assert_int_eq(
        (int)cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 0), "targets"), 0),
            "channel_id")
            ->valuedouble,
        hook);
    ck_assert_str_eq(
        cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 0), "targets"), 1),
            "role")
            ->valuestring,
        "store_manager");
    ck_assert_int_eq(jint(&r, "repeat_every_s"), 900);
    ck_assert_int_eq(jint(&r, "repeat_max"), 2);
    resp_free(&r);
    call(VIEWER, "GET", "/api/v1/escalation-policies/999999999", NULL, 404, &r);
    resp_free(&r);
    call(VIEWER, "GET", "/api/v1/escalation-policies?limit=200", NULL, 200, &r);
    ck_assert_ptr_nonnull(strstr(r.body, run_tag()));
    resp_free(&r);

    snprintf(body, sizeof body,
             "{\"name\":\"%s routed\",\"kind\":\"stock_out\",\"severity\":\"critical\","
             "\"policy_id\":%lld,\"store_id\":3}",
             run_tag(), policy);
    rule = make("/api/v1/alert-rules", body);
    ck_assert_int_eq(sql_intf("SELECT policy_id FROM alerts.current_rules WHERE id = %lld", rule),
                     policy);
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", rule);
    call(ADMIN, "DELETE", path, NULL, 200, &r);
    resp_free(&r);
}
END_TEST

/* Deleting a rule resolves its open alerts (manual, by the admin, note
 * "rule deleted", with a history row and alert.resolved); resolved ones stay
 * as they were. The alerts are put in place with SQL as a fixture (how a
 * rule's alert fires is alerts_cond_test.c's). */
START_TEST(test_rule_delete_resolves_its_open_alerts)
{
    char body[256], path[64];
    struct resp r;
    long long rule, open1, open2, done, events;

    snprintf(body, sizeof body,
             "{\"name\":\"%s gone\",\"kind\":\"ledger_mismatch\",\"severity\":\"low\","
             "\"store_id\":3}",
             run_tag());
    rule = make("/api/v1/alert-rules", body);
    open1 = sql_intf("INSERT INTO alerts.alerts (rule_id, rule_version, kind, dedup_key, severity,"
                     " title, store_id, created_by) VALUES (%lld, 1, 'ledger_mismatch',"
                     " 'store:3:product:1', 'low', 'gap', 3, 'system') RETURNING id",
                     rule);
    open2 = sql_intf("INSERT INTO alerts.alerts (rule_id, rule_version, kind, dedup_key, severity,"
                     " state, title, store_id, created_by, acknowledged_at, acknowledged_by)"
                     " VALUES (%lld, 1, 'ledger_mismatch', 'store:3:product:2', 'low',"
                     " 'acknowledged', 'gap', 3, 'system', now(), 'user:1') RETURNING id",
                     rule);
    done = sql_intf("INSERT INTO alerts.alerts (rule_id, rule_version, kind, dedup_key, severity,"
                    " state, title, store_id, created_by, resolved_at, resolved_by, resolution)"
                    " VALUES (%lld, 1, 'ledger_mismatch', 'store:3:product:1', 'low', 'resolved',"
                    " 'gap', 3, 'system', now(), 'system', 'auto') RETURNING id",
                    rule);
    events_numbered("alerts");
    events = sql_int("SELECT count(*) FROM alerts.outbox WHERE topic = 'alert.resolved'");

    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", rule);
    call(ADMIN, "DELETE", path, NULL, 200, &r);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE id IN (%lld, %lld) AND"
                              " state = 'resolved' AND resolution = 'manual' AND resolved_by"
                              " LIKE 'user:%%'",
                              open1, open2),
                     2);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alert_history WHERE alert_id IN"
                              " (%lld, %lld) AND action = 'resolved' AND note = 'rule deleted'",
                              open1, open2),
                     2);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE id = %lld AND"
                              " resolution = 'auto' AND resolved_by = 'system'",
                              done),
                     1);
    events_numbered("alerts");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM alerts.outbox WHERE topic = 'alert.resolved'"),
                     events + 2);
}
END_TEST

/* Deactivating a rule (a PUT with active false) resolves its open alerts
 * too: a page (100) in the request, the rest by the retire job, so a broad
 * rule's thousands of alerts never sit in one request's transaction. */
START_TEST(test_rule_deactivated_resolves_its_open_alerts)
{
    char body[256], path[64];
    struct resp r;
    long long rule;

    snprintf(body, sizeof body,
             "{\"name\":\"%s off\",\"kind\":\"ledger_mismatch\",\"severity\":\"low\","
             "\"store_id\":3}",
             run_tag());
    rule = make("/api/v1/alert-rules", body);
    ck_assert_int_eq(sql_intf("WITH i AS (INSERT INTO alerts.alerts (rule_id, rule_version, kind,"
                              " dedup_key, severity, title, store_id, created_by) SELECT %lld, 1,"
                              " 'ledger_mismatch', 'store:3:product:' || g, 'low', 'gap', 3,"
                              " 'system' FROM generate_series(1, 105) g RETURNING 1)"
                              " SELECT count(*) FROM i",
                              rule),
                     105);
    snprintf(body, sizeof body,
             "{\"name\":\"%s off\",\"kind\":\"ledger_mismatch\",\"severity\":\"low\","
             "\"store_id\":3,\"active\":false}",
             run_tag());
    snprintf(path, sizeof path, "/api/v1/alert-rules/%lld", rule);
    call(ADMIN, "PUT", path, body, 200, &r);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alert_history h JOIN alerts.alerts a"
                              " ON a.id = h.alert_id WHERE a.rule_id = %lld AND h.action ="
                              " 'resolved' AND h.note = 'rule deactivated'",
                              rule),
                     100);
    /* the job on demand (409 while its own schedule runs it: then wait) */
    ck_assert_int_eq(http_as(ADMIN, "POST", "/api/v1/alerts/jobs/retire/run", NULL, &r), 0);
    ck_assert_msg(r.status == 200 || r.status == 409, "retire: %d %s", r.status, r.body);
    resp_free(&r);
    for (int t = 0; t < 100 && sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld"
                                        " AND state <> 'resolved'",
                                        rule) > 0;
         t++)
        tm_sleep_ms(100);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE rule_id = %lld AND"
                              " state <> 'resolved'",
                              rule),
                     0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alert_history h JOIN alerts.alerts a"
                              " ON a.id = h.alert_id WHERE a.rule_id = %lld AND h.actor = 'system'"
                              " AND h.note = 'rule deleted or deactivated'",
                              rule),
                     5);
}
END_TEST

Suite *
alerts_config_suite(void)
{
    Suite *s = suite_create("alerts_config");
    TCase *tc = tcase_create("alerts_config");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rule_versions);
    tcase_add_test(tc, test_bad_input_names_the_field_and_writes_nothing);
    tcase_add_test(tc, test_silence_life);
    tcase_add_test(tc, test_silence_store_scope);
    tcase_add_test(tc, test_channels_and_secrets);
    tcase_add_test(tc, test_policies);
    tcase_add_test(tc, test_rule_delete_resolves_its_open_alerts);
    tcase_add_test(tc, test_rule_deactivated_resolves_its_open_alerts);
    suite_add_tcase(s, tc);
    return s;
}
