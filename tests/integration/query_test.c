/* tests/integration/query_test.c — what a new user hits first, through
 * nginx: GET /health answers JSON (readiness, no internals); a query
 * parameter an endpoint does not take is a 400 naming it (never silently
 * ignored) and a write refused so changes nothing; a value outside a set
 * is answered with the set; a date or time is one strict form; every query
 * parameter proto/openapi.json documents is one its endpoint takes; and the
 * stored forecasts were computed after the sample history was in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/client.h"

/* error.message of an error body ("" when absent). */
static const char *
err_message(const struct resp *r)
{
    const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "error"), "message");

    return cJSON_IsString(m) ? m->valuestring : "";
}

START_TEST(test_health_through_nginx_is_json_without_internals)
{
    static const char *const services[] = {"inventory", "txn", "analytics", "postgres", "redis"};
    static const char *const internal[] = {"127.0.0.1", "ipc://", "/tmp",     "sock",
                                           "instance",  "detail", "gateway-1"};
    struct resp r;
    const cJSON *deps;

    ck_assert_int_eq(http_as(NULL, "GET", "/health", NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(r.ctype, "application/json");
    ck_assert_ptr_nonnull(r.json);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "ready")));
    ck_assert_str_eq(jstr(&r, "status"), "ready");
    deps = cJSON_GetObjectItem(r.json, "dependencies");
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        const cJSON *state = cJSON_GetObjectItem(cJSON_GetObjectItem(deps, services[i]), "state");
        ck_assert_msg(cJSON_IsString(state) && strcmp(state->valuestring, "up") == 0, "%s: %s",
                      services[i], r.body);
    }
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
        ck_assert_msg(!strstr(r.body, internal[i]), "/health shows '%s': %s", internal[i], r.body);
    resp_free(&r);
    /* any query string gets the same answer; writes are not health checks */
    ck_assert_int_eq(http_as(NULL, "GET", "/health?verbose=1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "ready")));
    resp_free(&r);
    ck_assert_int_eq(http_as(NULL, "POST", "/health", "{}", &r), 0);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(err_code(&r), "method_not_allowed");
    resp_free(&r);
}
END_TEST

/* GET path as the admin: 400, invalid_argument naming field, the message
 * holding want. */
static void
refused(const char *method, const char *path, const char *body, const char *field, const char *want)
{
    struct resp r;

    ck_assert_int_eq(http(method, path, body, &r), 0);
    ck_assert_msg(r.status == 400, "%s %s: %d %s", method, path, r.status, r.body);
    ck_assert_str_eq(err_code(&r), "invalid_argument");
    ck_assert_msg(strcmp(err_field(&r), field) == 0, "%s %s: field '%s', want '%s'", method, path,
                  err_field(&r), field);
    ck_assert_msg(strstr(err_message(&r), want), "%s %s: message '%s' lacks '%s'", method, path,
                  err_message(&r), want);
    resp_free(&r);
}

static const struct {
    const char *path, *field, *want;
} unknown[] = {
    {"/api/v1/products?page=1&page_size=20", "page",
     "unknown query parameter 'page': GET /api/v1/products takes limit, cursor, q, active, "
     "category_id"},
    {"/api/v1/products?limit=5&limit=6", "limit", "limit is given more than once"},
    {"/api/v1/categories?category_id=3", "category_id", "unknown query parameter 'category_id'"},
    {"/api/v1/products/1?fields=name", "fields", "GET /api/v1/products/{id} takes none"},
    {"/api/v1/users?q=admin", "q", "GET /api/v1/users takes limit, cursor"},
    {"/api/v1/api-keys?active=true", "active", "unknown query parameter 'active'"},
    {"/api/v1/audit?page=2", "page", "unknown query parameter 'page'"},
    {"/api/v1/audit/refusals?principal=user:1", "principal", "unknown query parameter 'principal'"},
    {"/api/v1/transactions?reviewed=true", "reviewed", "unknown query parameter 'reviewed'"},
    {"/api/v1/customers/1?expand=all", "expand", "unknown query parameter 'expand'"},
    {"/api/v1/analytics/catalogue-lag?source=inventory", "source",
     "GET /api/v1/analytics/catalogue-lag takes none"},
    {"/api/v1/jobs?name=ledger-check", "name", "unknown query parameter 'name'"},
    {"/api/v1/txn/jobs?x=1", "x", "unknown query parameter 'x'"},
    {"/api/v1/gateway/jobs?x=1", "x", "unknown query parameter 'x'"},
    {"/api/v1/inventory/low-stock?sort=urgency", "sort", "unknown query parameter 'sort'"},
    {"/api/v1/fraud/stats?since=2026-01-01", "since", "GET /api/v1/fraud/stats takes from, to"},
};

START_TEST(test_unknown_query_parameters_are_refused)
{
    refused("GET", unknown[_i].path, NULL, unknown[_i].field, unknown[_i].want);
}
END_TEST

/* A write with a parameter it does not take is refused and leaves nothing:
 * in the router's transaction (rolled back) and outside it (refused first). */
START_TEST(test_unknown_query_parameter_on_a_write_changes_nothing)
{
    long long store = new_store(), product = new_product(), runs;
    char body[512], path[160], extra[160];
    struct resp r;

    snprintf(body, sizeof body,
             "{\"sku\":\"%s-DRY\",\"name\":\"dry run\",\"category_id\":1,"
             "\"unit_price_cents\":100,\"unit_cost_cents\":50}",
             run_tag());
    refused("POST", "/api/v1/products?dry_run=true", body, "dry_run",
            "unknown query parameter 'dry_run'");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.products WHERE sku = '%s-DRY'", run_tag()), 0);
    events_numbered("inventory");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.outbox WHERE data->>'sku' = '%s-DRY'", run_tag()),
        0);
    snprintf(body, sizeof body,
             "{\"email\":\"dry-%s@techmart.test\",\"name\":\"Dry\",\"role\":\"viewer\","
             "\"password\":\"long-enough-password-1\"}",
             run_tag());
    refused("POST", "/api/v1/users?notify=false", body, "notify", "POST /api/v1/users takes none");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM gateway.users WHERE email = 'dry-%s@techmart.test'",
                 run_tag()),
        0);
    /* a sale commits on its own (tm-txn, then tm-inventory): refused before it runs */
    receive(store, product, 10);
    wait_known(store, product);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":3,"
             "\"unit_price\":5.00}],\"channel\":\"pos\",\"payment_method\":\"cash\"}",
             store, product);
    snprintf(extra, sizeof extra, "Idempotency-Key: %s-dry-sale\r\n", run_tag());
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions?store_id=1", body, extra, &r), 0);
    ck_assert_msg(r.status == 400, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.transactions WHERE store_id = %lld", store),
                     0);
    ck_assert_int_eq(sql_intf("SELECT on_hand FROM inventory.stock WHERE store_id = %lld"
                              " AND product_id = %lld",
                              store, product),
                     10);
    /* the same sale without it is taken: the refusal was the parameter's */
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions", body, extra, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
    /* a job run on demand is refused before it runs */
    runs = sql_int("SELECT count(*) FROM inventory.job_runs WHERE job = 'ledger-check'");
    snprintf(path, sizeof path, "/api/v1/jobs/ledger-check/run?wait=false");
    refused("POST", path, NULL, "wait", "POST /api/v1/jobs/{name}/run takes none");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.job_runs WHERE job = 'ledger-check'"),
                     runs);
}
END_TEST

/* Values outside a set, and times not in the one form: each refused naming
 * the field, with what is taken. */
static const struct {
    const char *method, *path, *body, *field, *want;
} values[] = {
    {"GET", "/api/v1/transfers?status=lost", NULL, "status",
     "status must be one of: requested, shipped, received, cancelled"},
    {"GET", "/api/v1/stock-movements?type=theft", NULL, "type",
     "type must be one of: receipt, sale, return, adjustment, transfer_out, transfer_in, count, "
     "reservation, release"},
    {"GET", "/api/v1/transactions?status=pending", NULL, "status",
     "status must be one of: completed, declined, voided"},
    {"GET", "/api/v1/transactions/suspicious?decision=maybe", NULL, "decision",
     "decision must be one of: approve, review, decline"},
    {"GET", "/api/v1/customers?loyalty_tier=diamond", NULL, "loyalty_tier",
     "loyalty_tier must be one of: none, bronze, silver, gold, platinum"},
    {"GET", "/api/v1/audit?format=xml", NULL, "format", "format must be one of: json, ndjson, csv"},
    {"POST", "/api/v1/transactions",
     "{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1}],"
     "\"channel\":\"in_store\",\"payment_method\":\"card\"}",
     "channel", "channel must be one of: pos, online, mobile"},
    {"POST", "/api/v1/transactions",
     "{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1}],"
     "\"channel\":\"pos\",\"payment_method\":\"bitcoin\"}",
     "payment_method", "payment_method must be one of: card, cash, mobile, gift_card, invoice"},
    {"POST", "/api/v1/stock-movements",
     "{\"store_id\":1,\"product_id\":1,\"type\":\"sale\",\"quantity\":1}", "type",
     "type must be one of: receipt, return, adjustment, count"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"UOM-1\",\"name\":\"n\",\"category_id\":1,\"unit_price_cents\":1,"
     "\"unit_cost_cents\":0,\"unit_of_measure\":\"bushels of wheat\"}",
     "unit_of_measure", "unit_of_measure must be one of: each, kg, g, l, ml, m, pack, box, pair"},
    {"POST", "/api/v1/customers", "{\"name\":\"Tier\",\"loyalty_tier\":\"diamond\"}",
     "loyalty_tier", "loyalty_tier must be one of: none, bronze, silver, gold, platinum"},
    {"POST", "/api/v1/users",
     "{\"email\":\"role@techmart.test\",\"role\":\"superuser\",\"password\":\"long-enough-1\"}",
     "role", "role must be one of: admin, store_manager, buyer, analyst, fraud_analyst, viewer"},
    {"POST", "/api/v1/transactions/1/review", "{\"label\":\"maybe\"}", "label",
     "label must be one of: fraud, legit"},
    {"POST", "/api/v1/fraud/rules",
     "{\"rules\":[{\"code\":\"a\",\"kind\":\"nope\",\"threshold\":1,\"weight\":1}]}",
     "rules[0].kind", "rules[0].kind must be one of: velocity_count, velocity_amount"},
    /* one strict form of time, in queries and in bodies */
    {"GET", "/api/v1/stock-movements?from=yesterday", NULL, "from",
     "from must be a date (2026-11-22, UTC) or a time with its offset"},
    {"GET", "/api/v1/stock-movements?to=2026-02-30", NULL, "to", "to must be a date"},
    {"GET", "/api/v1/transactions?from=now", NULL, "from", "from must be a date"},
    {"GET", "/api/v1/transactions/suspicious?to=2026-11-22T10:00:00", NULL, "to",
     "to must be a date"},
    {"GET", "/api/v1/fraud/stats?from=yesterday", NULL, "from", "from must be a date"},
    {"GET", "/api/v1/audit?from=yesterday", NULL, "from", "from must be a date"},
    {"GET", "/api/v1/audit/refusals?to=tomorrow", NULL, "to", "to must be a date"},
    {"POST", "/api/v1/stock-movements",
     "{\"store_id\":1,\"product_id\":1,\"type\":\"receipt\",\"quantity\":1,"
     "\"occurred_at\":\"yesterday\"}",
     "occurred_at", "occurred_at must be a date"},
    {"POST", "/api/v1/transactions",
     "{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1}],"
     "\"channel\":\"pos\",\"payment_method\":\"card\",\"occurred_at\":\"2026-11-22 10:00:00\"}",
     "occurred_at", "occurred_at must be a date"},
    {"POST", "/api/v1/stock-commits",
     "{\"sale_id\":\"probe-1\",\"lines\":[{\"store_id\":1,\"product_id\":1,\"quantity\":1}],"
     "\"occurred_at\":\"epoch\"}",
     "occurred_at", "occurred_at must be a date"},
};

START_TEST(test_bad_values_are_answered_with_what_is_taken)
{
    refused(values[_i].method, values[_i].path, values[_i].body, values[_i].field, values[_i].want);
}
END_TEST

START_TEST(test_dates_in_the_one_form_are_taken)
{
    static const char *const paths[] = {
        "/api/v1/stock-movements?from=2026-01-01&to=2026-01-02T00:00:00Z&limit=1",
        "/api/v1/transactions?from=2026-01-01T00:00:00.000%2B01:00&limit=1",
        "/api/v1/fraud/stats?from=2026-01-01&to=2027-01-01",
        "/api/v1/audit?from=2026-01-01T00:00:00-05:00&limit=1",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct resp r;
        ck_assert_int_eq(http("GET", paths[i], NULL, &r), 0);
        ck_assert_msg(r.status == 200, "%s: %d %s", paths[i], r.status, r.body);
        resp_free(&r);
    }
}
END_TEST

/* A value a documented parameter of this type may take (or get refused
 * for: only the refusal's reason matters here). */
static const char *
sample_value(const cJSON *param)
{
    const cJSON *schema = cJSON_GetObjectItem(param, "schema");
    const cJSON *type = cJSON_GetObjectItem(schema, "type");
    const cJSON *en = cJSON_GetObjectItem(schema, "enum");
    const char *name = cJSON_GetObjectItem(param, "name")->valuestring;

    if (cJSON_IsArray(en) && cJSON_IsString(cJSON_GetArrayItem(en, 0)))
        return cJSON_GetArrayItem(en, 0)->valuestring;
    if (!strcmp(name, "from") || !strcmp(name, "to"))
        return "2026-01-01T00:00:00Z";
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "boolean"))
        return "true";
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "integer"))
        return "1";
    return "x";
}

/* Every query parameter proto/openapi.json documents for a GET is one its
 * endpoint reads: sent alone, it is never "unknown". */
START_TEST(test_documented_query_parameters_are_taken)
{
    char file[512], path[512];
    FILE *f;
    char *text;
    long size;
    cJSON *doc, *p;
    int checked = 0;

    snprintf(file, sizeof file, "%s/proto/openapi.json", st.root);
    f = fopen(file, "r");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    text = malloc((size_t)size + 1);
    ck_assert_int_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    doc = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(doc);
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "paths"))
    {
        const cJSON *get = cJSON_GetObjectItem(p, "get"), *param;
        size_t o = 0;

        if (!get || strncmp(p->string, "/api/", 5) != 0)
            continue;
        for (const char *s = p->string; *s && o + 2 < sizeof path; s++) {
            if (*s == '{') { /* a path parameter: a sample record's id */
                path[o++] = '1';
                while (*s && *s != '}')
                    s++;
            } else {
                path[o++] = *s;
            }
        }
        path[o] = '\0';
        cJSON_ArrayForEach(param, cJSON_GetObjectItem(get, "parameters"))
        {
            const cJSON *in = cJSON_GetObjectItem(param, "in");
            const char *name = cJSON_GetObjectItem(param, "name")->valuestring;
            char url[700];
            struct resp r;

            if (!cJSON_IsString(in) || strcmp(in->valuestring, "query") != 0)
                continue;
            snprintf(url, sizeof url, "%s?%s=%s", path, name, sample_value(param));
            ck_assert_int_eq(http("GET", url, NULL, &r), 0);
            ck_assert_msg(r.status < 500 && !strstr(err_message(&r), "unknown query parameter"),
                          "GET %s: %d %s", url, r.status, r.body);
            resp_free(&r);
            checked++;
        }
    }
    cJSON_Delete(doc);
    ck_assert_int_ge(checked, 50);
}
END_TEST

/* make up ends with forecasts from the whole sample history (the first
 * scheduled refresh may run while the history is still arriving): every
 * stored forecast was computed after the last sample sale was recorded. */
START_TEST(test_sample_forecasts_come_after_the_history)
{
    const char *last = "(SELECT max(created_at) FROM txn.transactions"
                       " WHERE principal = 'tm-txn-seed')";

    ck_assert_int_gt(sql_int("SELECT count(*) FROM txn.transactions"
                             " WHERE principal = 'tm-txn-seed'"),
                     0);
    ck_assert_int_ge(sql_intf("SELECT count(*) FROM inventory.job_runs"
                              " WHERE job = 'forecast-refresh' AND outcome = 'ok'"
                              " AND started_at >= %s",
                              last),
                     1);
    ck_assert_int_gt(sql_int("SELECT count(*) FROM inventory.forecasts WHERE series LIKE 's%'"), 0);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.forecasts WHERE computed_at < %s", last), 0);
}
END_TEST

Suite *
query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_health_through_nginx_is_json_without_internals);
    tcase_add_loop_test(tc, test_unknown_query_parameters_are_refused, 0,
                        (int)(sizeof unknown / sizeof unknown[0]));
    tcase_add_test(tc, test_unknown_query_parameter_on_a_write_changes_nothing);
    tcase_add_loop_test(tc, test_bad_values_are_answered_with_what_is_taken, 0,
                        (int)(sizeof values / sizeof values[0]));
    tcase_add_test(tc, test_dates_in_the_one_form_are_taken);
    tcase_add_test(tc, test_documented_query_parameters_are_taken);
    tcase_add_test(tc, test_sample_forecasts_come_after_the_history);
    suite_add_tcase(s, tc);
    return s;
}
