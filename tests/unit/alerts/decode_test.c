/* tests/unit/alerts/decode_test.c — tm-alerts' configuration decoders
 * (services/alerts/decode.c): every refusal of the bad input (an
 * unknown kind, a param of the wrong type or sign or one the kind does not
 * take, a silence with no matcher or already over, a step naming an
 * unknown role, a webhook outside the allow-list) names its field, and the
 * kinds' defaults are filled in. Tables of bodies, one per decoder. */
#include <string.h>

#include "common/json.h"
#include "common/perm.h"
#include "common/time.h"

#include "services/alerts/decode.h"
#include "tests/unit/alerts/suites.h"

struct refusal {
    const char *body, *field;
};

static cJSON *
parse(const char *text)
{
    cJSON *root = NULL;
    struct tm_err err;

    ck_assert_int_eq(tm_json_parse(text, strlen(text), TM_JSON_DEPTH_MAX, "body", &root, &err),
                     TM_OK);
    return root;
}

static void
assert_refused(enum tm_code rc, const struct tm_err *err, const struct refusal *c)
{
    ck_assert_msg(rc == TM_INVALID, "%s: code %d, want invalid", c->body, rc);
    ck_assert_msg(strcmp(err->field, c->field) == 0, "%s: field '%s', want '%s'", c->body,
                  err->field, c->field);
}

/* ----------------------------------------------------------------- rules */

#define R(rest) "{\"name\":\"r\",\"severity\":\"high\"," rest "}"
static const struct refusal rule_refusals[] = {
    {R("\"kind\":\"bogus\""), "kind"},
    {R("\"kind\":7"), "kind"},
    {"{\"kind\":\"stock_out\",\"severity\":\"high\"}", "name"},
    {"{\"name\":\"\",\"kind\":\"stock_out\",\"severity\":\"high\"}", "name"},
    {"{\"name\":\"r\",\"kind\":\"stock_out\"}", "severity"},
    {R("\"kind\":\"stock_out\",\"severity\":\"urgent\""), "severity"},
    {R("\"kind\":\"overstock\""), "params.days_of_cover"},
    {R("\"kind\":\"overstock\",\"params\":{}"), "params.days_of_cover"},
    {R("\"kind\":\"overstock\",\"params\":{\"days_of_cover\":\"3\"}"), "params.days_of_cover"},
    {R("\"kind\":\"overstock\",\"params\":{\"days_of_cover\":-1}"), "params.days_of_cover"},
    {R("\"kind\":\"overstock\",\"params\":{\"days_of_cover\":0}"), "params.days_of_cover"},
    {R("\"kind\":\"overstock\",\"params\":{\"days_of_cover\":1e400}"), "params.days_of_cover"},
    {R("\"kind\":\"overstock\",\"params\":{\"days_of_cover\":99999}"), "params.days_of_cover"},
    {R("\"kind\":\"low_stock\",\"params\":{\"days\":3}"), "params.days"},
    {R("\"kind\":\"low_stock\",\"params\":{\"critical_days\":-0.5}"), "params.critical_days"},
    {R("\"kind\":\"low_stock\",\"params\":[]"), "params"},
    {R("\"kind\":\"stock_out\",\"params\":{\"x\":1}"), "params.x"},
    {R("\"kind\":\"slow_moving\""), "params.days"},
    {R("\"kind\":\"slow_moving\",\"params\":{\"days\":null}"), "params.days"},
    {R("\"kind\":\"demand_spike\",\"params\":{\"factor\":0.5}"), "params.factor"},
    {R("\"kind\":\"forecast_accuracy\",\"params\":{\"mase\":true}"), "params.mase"},
    {R("\"kind\":\"review_waiting\""), "params.minutes"},
    {R("\"kind\":\"po_overdue\",\"params\":{\"grace_days\":-1}"), "params.grace_days"},
    {R("\"kind\":\"job_failing\",\"params\":{\"failures\":2.5}"), "params.failures"},
    {R("\"kind\":\"job_failing\",\"params\":{\"failures\":1}"), "params.failures"},
    {R("\"kind\":\"supplier_api_down\",\"params\":{\"minutes\":5}"), "params.minutes"},
    {R("\"kind\":\"stock_out\",\"pending_s\":-1"), "pending_s"},
    {R("\"kind\":\"stock_out\",\"pending_s\":1.5"), "pending_s"},
    {R("\"kind\":\"stock_out\",\"cooldown_s\":2592001"), "cooldown_s"},
    {R("\"kind\":\"stock_out\",\"store_id\":0"), "store_id"},
    {R("\"kind\":\"stock_out\",\"category_id\":-3"), "category_id"},
    {R("\"kind\":\"stock_out\",\"product_id\":\"7\""), "product_id"},
    {R("\"kind\":\"stock_out\",\"policy_id\":\"1\""), "policy_id"},
    {R("\"kind\":\"stock_out\",\"active\":\"yes\""), "active"},
    {R("\"kind\":\"stock_out\",\"colour\":\"red\""), "colour"},
};
#undef R

START_TEST(test_rule_refusals_name_the_field)
{
    const struct refusal *c = &rule_refusals[_i];
    cJSON *body = parse(c->body);
    struct al_rule_in in;
    struct tm_err err;

    assert_refused(al_decode_rule(body, &in, &err), &err, c);
    cJSON_Delete(body);
}
END_TEST

START_TEST(test_rule_full_body)
{
    cJSON *body = parse("{\"name\":\"Low stock\",\"kind\":\"low_stock\",\"store_id\":null,"
                        "\"category_id\":12,\"product_id\":7,\"params\":{\"days_of_cover\":3,"
                        "\"critical_days\":0},\"pending_s\":60,\"severity\":\"medium\","
                        "\"cooldown_s\":3600,\"policy_id\":4,\"active\":false,\"note\":\"n\"}");
    struct al_rule_in in;
    struct tm_err err;

    ck_assert_int_eq(al_decode_rule(body, &in, &err), TM_OK);
    ck_assert_str_eq(in.name, "Low stock");
    ck_assert_int_eq(in.kind, AL_KIND_LOW_STOCK);
    ck_assert_int_eq(in.store_id, 0);
    ck_assert_int_eq(in.category_id, 12);
    ck_assert_int_eq(in.product_id, 7);
    ck_assert_double_eq(in.params.days_of_cover, 3);
    ck_assert_double_eq(in.params.critical_days, 0);
    ck_assert_double_lt(in.params.days, 0);
    ck_assert_int_eq(in.pending_s, 60);
    ck_assert_int_eq(in.severity, AL_SEV_MEDIUM);
    ck_assert_int_eq(in.cooldown_s, 3600);
    ck_assert_int_eq(in.policy_id, 4);
    ck_assert_int_eq(in.active, 0);
    ck_assert_str_eq(in.note, "n");
    cJSON_Delete(body);
}
END_TEST

/* Optional params left out: the documented defaults, or unset (< 0). */
START_TEST(test_params_defaults)
{
    static const struct {
        enum al_kind kind;
        size_t offset;
        double want;
    } cases[] = {
        {AL_KIND_DEMAND_SPIKE, offsetof(struct al_params, factor), 1},
        {AL_KIND_PO_OVERDUE, offsetof(struct al_params, grace_days), 0},
        {AL_KIND_JOB_FAILING, offsetof(struct al_params, failures), 2},
        {AL_KIND_LOW_STOCK, offsetof(struct al_params, days_of_cover), -1},
        {AL_KIND_LOW_STOCK, offsetof(struct al_params, critical_days), -1},
        {AL_KIND_STOCK_OUT, offsetof(struct al_params, days_of_cover), -1},
    };
    struct al_params p;
    struct tm_err err;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(al_decode_params(cases[i].kind, NULL, &p, &err), TM_OK);
        ck_assert_double_eq(*(const double *)((const char *)&p + cases[i].offset), cases[i].want);
    }
}
END_TEST

/* Every kind accepts what docs/alerts.md's table says it takes. */
START_TEST(test_params_each_kind_accepts_its_own)
{
    static const struct {
        enum al_kind kind;
        const char *params;
    } cases[] = {
        {AL_KIND_STOCK_OUT, "{}"},
        {AL_KIND_LOW_STOCK, "{\"days_of_cover\":2.5,\"critical_days\":1}"},
        {AL_KIND_OVERSTOCK, "{\"days_of_cover\":90}"},
        {AL_KIND_SLOW_MOVING, "{\"days\":30}"},
        {AL_KIND_DEMAND_SPIKE, "{\"factor\":1.5}"},
        {AL_KIND_FORECAST_ACCURACY, "{\"mase\":1.2}"},
        {AL_KIND_REVIEW_WAITING, "{\"minutes\":15}"},
        {AL_KIND_SUPPLIER_API_DOWN, "{}"},
        {AL_KIND_PO_OVERDUE, "{\"grace_days\":2}"},
        {AL_KIND_LEDGER_MISMATCH, "{}"},
        {AL_KIND_JOB_FAILING, "{\"failures\":3}"},
    };
    struct al_params p;
    struct tm_err err;

    ck_assert_int_eq(sizeof cases / sizeof cases[0], AL_KIND_COUNT);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *params = parse(cases[i].params);
        ck_assert_msg(al_decode_params(cases[i].kind, params, &p, &err) == TM_OK, "%s %s: %s",
                      al_kind_name(cases[i].kind), cases[i].params, err.message);
        cJSON_Delete(params);
    }
    {
        cJSON *params = parse("{\"days_of_cover\":2.5,\"critical_days\":1}");
        ck_assert_int_eq(al_decode_params(AL_KIND_LOW_STOCK, params, &p, &err), TM_OK);
        ck_assert_double_eq(p.days_of_cover, 2.5);
        ck_assert_double_eq(p.critical_days, 1);
        cJSON_Delete(params);
    }
}
END_TEST

/* -------------------------------------------------------------- silences */

#define NOW "2026-11-27T00:00:00Z"
static const struct refusal silence_refusals[] = {
    {"{\"ends_at\":\"2030-01-01T00:00:00Z\"}", "matchers"},
    {"{\"comment\":\"x\",\"ends_at\":\"2030-01-01T00:00:00Z\"}", "matchers"},
    {"{\"store_id\":1}", "ends_at"},
    {"{\"store_id\":1,\"ends_at\":\"2026-11-26T23:59:59Z\"}", "ends_at"},
    {"{\"store_id\":1,\"ends_at\":\"" NOW "\"}", "ends_at"},
    {"{\"store_id\":1,\"ends_at\":\"tomorrow\"}", "ends_at"},
    {"{\"store_id\":1,\"starts_at\":\"2030-02-01T00:00:00Z\",\"ends_at\":\"2030-01-01T00:00:00Z\"}",
     "ends_at"},
    {"{\"store_id\":1,\"starts_at\":\"now\",\"ends_at\":\"2030-01-01T00:00:00Z\"}", "starts_at"},
    {"{\"severity\":\"urgent\",\"ends_at\":\"2030-01-01T00:00:00Z\"}", "severity"},
    {"{\"store_id\":0,\"ends_at\":\"2030-01-01T00:00:00Z\"}", "store_id"},
    {"{\"rule_id\":true,\"ends_at\":\"2030-01-01T00:00:00Z\"}", "rule_id"},
    {"{\"store\":1,\"ends_at\":\"2030-01-01T00:00:00Z\"}", "store"},
};

static int64_t
now_ms(void)
{
    struct tm_time t;
    struct tm_err err;

    ck_assert_int_eq(tm_time_parse(NOW, "now", &t, &err), TM_OK);
    return t.epoch_ms;
}

START_TEST(test_silence_refusals_name_the_field)
{
    const struct refusal *c = &silence_refusals[_i];
    cJSON *body = parse(c->body);
    struct al_silence_in in;
    struct tm_err err;

    assert_refused(al_decode_silence(body, now_ms(), &in, &err), &err, c);
    cJSON_Delete(body);
}
END_TEST

START_TEST(test_silence_one_matcher_is_enough)
{
    static const char *const bodies[] = {
        "{\"rule_id\":3,\"ends_at\":\"2030-01-01T00:00:00Z\"}",
        "{\"store_id\":3,\"ends_at\":\"2030-01-01T00:00:00Z\"}",
        "{\"product_id\":3,\"ends_at\":\"2030-01-01T00:00:00Z\"}",
        "{\"severity\":\"low\",\"ends_at\":\"2030-01-01T00:00:00Z\",\"comment\":\"maintenance\"}",
    };
    struct al_silence_in in;
    struct tm_err err;

    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        cJSON *body = parse(bodies[i]);
        ck_assert_msg(al_decode_silence(body, now_ms(), &in, &err) == TM_OK, "%s", bodies[i]);
        cJSON_Delete(body);
    }
    ck_assert_int_eq(in.severity, AL_SEV_LOW);
    ck_assert_str_eq(in.comment, "maintenance");
    ck_assert_str_eq(in.starts_at, "");
    ck_assert_int_eq(in.rule_id, 0);
}
END_TEST

/* -------------------------------------------------------------- policies */

#define STEP(after, targets) "{\"after_s\":" #after ",\"targets\":[" targets "]}"
static const struct refusal policy_refusals[] = {
    {"{\"name\":\"p\"}", "steps"},
    {"{\"name\":\"p\",\"steps\":[]}", "steps"},
    {"{\"steps\":[" STEP(0, "{\"role\":\"buyer\"}") "]}", "name"},
    {"{\"name\":\"p\",\"steps\":[" STEP(-1, "{\"role\":\"buyer\"}") "]}", "steps[0].after_s"},
    {"{\"name\":\"p\",\"steps\":[{\"targets\":[{\"role\":\"buyer\"}]}]}", "steps[0].after_s"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "") "]}", "steps[0].targets"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{\"role\":\"boss\"}") "]}", "steps[0].targets[0].role"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{\"role\":\"buyer\"},{\"channel_id\":0}") "]}",
     "steps[0].targets[1].channel_id"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{\"role\":\"buyer\",\"channel_id\":1}") "]}",
     "steps[0].targets[0]"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{}") "]}", "steps[0].targets[0]"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{\"email\":\"x\"}") "]}", "steps[0].targets[0]"},
    {"{\"name\":\"p\",\"steps\":[" STEP(600, "{\"role\":\"buyer\"}") "," STEP(
         300, "{\"role\":\"admin\"}") "]}",
     "steps[1].after_s"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{\"role\":\"buyer\"}") "],\"repeat_max\":3}",
     "repeat_every_s"},
    {"{\"name\":\"p\",\"steps\":[" STEP(0, "{\"role\":\"buyer\"}") "],\"repeat_max\":101,"
                                                                   "\"repeat_every_s\":60}",
     "repeat_max"},
    {"{\"name\":\"p\",\"steps\":[1]}", "steps[0]"},
};

START_TEST(test_policy_refusals_name_the_field)
{
    const struct refusal *c = &policy_refusals[_i];
    cJSON *body = parse(c->body);
    struct al_policy_in in;
    struct tm_err err;

    assert_refused(al_decode_policy(body, &in, &err), &err, c);
    cJSON_Delete(body);
}
END_TEST

START_TEST(test_policy_steps_and_targets)
{
    static const char text[] =
        "{\"name\":\"On call\",\"steps\":["
        "{\"after_s\":0,\"targets\":[{\"channel_id\":4},{\"role\":\"store_manager\"}]},"
        "{\"after_s\":300,\"targets\":[{\"channel_id\":5}]}],"
        "\"repeat_every_s\":600,\"repeat_max\":2}";
    cJSON *body = parse(text);
    struct al_policy_in in;
    struct tm_err err;

    ck_assert_int_eq(al_decode_policy(body, &in, &err), TM_OK);
    ck_assert_str_eq(in.name, "On call");
    ck_assert_int_eq(in.n_steps, 2);
    ck_assert_int_eq(in.steps[0].after_s, 0);
    ck_assert_int_eq(in.steps[0].n_targets, 2);
    ck_assert_int_eq(in.steps[0].targets[0].channel_id, 4);
    ck_assert_int_eq(in.steps[0].targets[1].channel_id, 0);
    ck_assert_int_eq(in.steps[0].targets[1].role, TM_ROLE_STORE_MANAGER);
    ck_assert_int_eq(in.steps[1].after_s, 300);
    ck_assert_int_eq(in.repeat_every_s, 600);
    ck_assert_int_eq(in.repeat_max, 2);
    cJSON_Delete(body);
}
END_TEST

START_TEST(test_policy_steps_at_most_ten)
{
    char text[2048] = "{\"name\":\"p\",\"steps\":[";
    struct al_policy_in in;
    struct tm_err err;
    cJSON *body;

    for (int i = 0; i <= AL_STEPS_MAX; i++)
        strncat(text, i ? "," STEP(0, "{\"role\":\"buyer\"}") : STEP(0, "{\"role\":\"buyer\"}"),
                sizeof text - strlen(text) - 1);
    strncat(text, "]}", sizeof text - strlen(text) - 1);
    body = parse(text);
    ck_assert_int_eq(al_decode_policy(body, &in, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "steps");
    cJSON_Delete(body);
}
END_TEST
#undef STEP

/* -------------------------------------------------------------- channels */

#define HOSTS "127.0.0.1,hooks.example"
static const struct refusal channel_refusals[] = {
    {"{\"name\":\"c\",\"kind\":\"sms\"}", "kind"},
    {"{\"kind\":\"dashboard\"}", "name"},
    {"{\"name\":\"c\",\"kind\":\"webhook\"}", "url"},
    {"{\"name\":\"c\",\"kind\":\"webhook\",\"url\":\"https://evil.example/hook\"}", "url"},
    {"{\"name\":\"c\",\"kind\":\"webhook\",\"url\":\"http://10.0.0.1/hook\"}", "url"},
    {"{\"name\":\"c\",\"kind\":\"webhook\",\"url\":\"file:///etc/passwd\"}", "url"},
    {"{\"name\":\"c\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1/h\",\"secret\":\"short\"}",
     "secret"},
    {"{\"name\":\"c\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1/h\","
     "\"secret\":\"sixteen bytes and a space\"}",
     "secret"},
    {"{\"name\":\"c\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1/h\",\"address\":\"a@b.c\"}",
     "address"},
    {"{\"name\":\"c\",\"kind\":\"email\"}", "address"},
    {"{\"name\":\"c\",\"kind\":\"email\",\"address\":\"a b@c.d\"}", "address"},
    {"{\"name\":\"c\",\"kind\":\"email\",\"address\":\"nobody\"}", "address"},
    {"{\"name\":\"c\",\"kind\":\"email\",\"address\":\"a@b.c\\r\\nBcc: x@y.z\"}", "address"},
    {"{\"name\":\"c\",\"kind\":\"email\",\"address\":\"a@b.c\",\"url\":\"http://127.0.0.1/\"}",
     "url"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"secret\":\"0123456789abcdef\"}", "secret"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"roles\":[\"boss\"]}", "roles[0]"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"roles\":[\"buyer\",\"buyer\"]}", "roles[1]"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"roles\":\"buyer\"}", "roles"},
    /* store-scoped people are served by a channel naming their stores */
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"roles\":[\"store_manager\"]}", "store_ids"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"roles\":[\"pos\"],\"store_ids\":[]}", "store_ids"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"store_ids\":[0]}", "store_ids"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"store_ids\":\"1\"}", "store_ids"},
    {"{\"name\":\"c\",\"kind\":\"dashboard\",\"token\":1}", "token"},
};

START_TEST(test_channel_refusals_name_the_field)
{
    const struct refusal *c = &channel_refusals[_i];
    cJSON *body = parse(c->body);
    struct al_channel_in in;
    struct tm_err err;

    assert_refused(al_decode_channel(body, HOSTS, &in, &err), &err, c);
    cJSON_Delete(body);
}
END_TEST

START_TEST(test_channel_each_kind)
{
    cJSON *w = parse("{\"name\":\"ops hook\",\"kind\":\"webhook\","
                     "\"url\":\"https://hooks.example:8443/alerts?x=1\",\"roles\":[\"admin\"]}");
    cJSON *e = parse("{\"name\":\"buyers\",\"kind\":\"email\",\"address\":\"buyers@shop.example\","
                     "\"roles\":[\"buyer\",\"store_manager\"],\"store_ids\":[1,2]}");
    cJSON *d = parse("{\"name\":\"screens\",\"kind\":\"dashboard\"}");
    struct al_channel_in in;
    struct tm_err err;

    ck_assert_int_eq(al_decode_channel(w, HOSTS, &in, &err), TM_OK);
    ck_assert_int_eq(in.kind, AL_CH_WEBHOOK);
    ck_assert_str_eq(in.url, "https://hooks.example:8443/alerts?x=1");
    ck_assert_str_eq(in.secret, ""); /* the handler makes one */
    ck_assert_uint_eq(in.roles, 1u << TM_ROLE_ADMIN);
    ck_assert_int_eq(al_decode_channel(e, HOSTS, &in, &err), TM_OK);
    ck_assert_int_eq(in.kind, AL_CH_EMAIL);
    ck_assert_str_eq(in.address, "buyers@shop.example");
    ck_assert_uint_eq(in.roles, (1u << TM_ROLE_BUYER) | (1u << TM_ROLE_STORE_MANAGER));
    ck_assert_int_eq(al_decode_channel(d, HOSTS, &in, &err), TM_OK);
    ck_assert_int_eq(in.kind, AL_CH_DASHBOARD);
    ck_assert_uint_eq(in.roles, 0);
    /* the same webhook with no allow-list at all */
    ck_assert_int_eq(al_decode_channel(w, "", &in, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "url");
    cJSON_Delete(w);
    cJSON_Delete(e);
    cJSON_Delete(d);
}
END_TEST

#define N(a) (int)(sizeof a / sizeof a[0])

Suite *
decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *rule = tcase_create("rule");
    TCase *silence = tcase_create("silence");
    TCase *policy = tcase_create("policy");
    TCase *channel = tcase_create("channel");

    tcase_add_loop_test(rule, test_rule_refusals_name_the_field, 0, N(rule_refusals));
    tcase_add_test(rule, test_rule_full_body);
    tcase_add_test(rule, test_params_defaults);
    tcase_add_test(rule, test_params_each_kind_accepts_its_own);
    tcase_add_loop_test(silence, test_silence_refusals_name_the_field, 0, N(silence_refusals));
    tcase_add_test(silence, test_silence_one_matcher_is_enough);
    tcase_add_loop_test(policy, test_policy_refusals_name_the_field, 0, N(policy_refusals));
    tcase_add_test(policy, test_policy_steps_and_targets);
    tcase_add_test(policy, test_policy_steps_at_most_ten);
    tcase_add_loop_test(channel, test_channel_refusals_name_the_field, 0, N(channel_refusals));
    tcase_add_test(channel, test_channel_each_kind);
    suite_add_tcase(s, rule);
    suite_add_tcase(s, silence);
    suite_add_tcase(s, policy);
    suite_add_tcase(s, channel);
    return s;
}
