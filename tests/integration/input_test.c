/* tests/integration/input_test.c — bad input gets a 4xx naming the field
 * and writes nothing; hostile text is stored and returned verbatim. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/client.h"

static long long cat_id;

/* A category every case may reference (created once per test process). */
static long long
category(void)
{
    struct resp r;
    char body[128];

    if (cat_id)
        return cat_id;
    snprintf(body, sizeof body, "{\"name\":\"Input %s\"}", run_tag());
    ck_assert_int_eq(http("POST", "/api/v1/categories", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    cat_id = jint(&r, "id");
    resp_free(&r);
    return cat_id;
}

static long long
count_products(void)
{
    /* every product, page by page: what a client sees is what was written */
    struct resp r;
    long long n = 0;
    char path[128], cursor[64] = "";

    for (;;) {
        cJSON *next;
        snprintf(path, sizeof path, "/api/v1/products?limit=200%s%s", cursor[0] ? "&cursor=" : "",
                 cursor);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        n += cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items"));
        next = cJSON_GetObjectItem(r.json, "next_cursor");
        if (!cJSON_IsString(next)) {
            resp_free(&r);
            return n;
        }
        snprintf(cursor, sizeof cursor, "%s", next->valuestring);
        resp_free(&r);
    }
}

/* %CAT% in a body is replaced by a valid category id. */
static const struct {
    const char *method, *path, *body;
    int status;
    const char *code, *field;
} bad[] = {
    {"POST", "/api/v1/products", "{\"sku\":", 400, "invalid_argument", "body"},
    {"POST", "/api/v1/products", "[1,2]", 400, "invalid_argument", "body"},
    {"POST", "/api/v1/products", "", 400, "invalid_argument", "body"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_price_cents\":-1,\"unit_cost_"
     "cents\":0}",
     400, "invalid_argument", "unit_price_cents"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_price_cents\":\"12\",\"unit_cost_"
     "cents\":0}",
     400, "invalid_argument", "unit_price_cents"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_price_cents\":1.5,\"unit_cost_"
     "cents\":0}",
     400, "invalid_argument", "unit_price_cents"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_cost_cents\":0}", 400,
     "invalid_argument", "unit_price_cents"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B "
     "1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_price_cents\":1,\"unit_cost_cents\":0}",
     400, "invalid_argument", "sku"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":999999999,\"unit_price_cents\":1,\"unit_cost_"
     "cents\":0}",
     400, "invalid_argument", "category_id"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_price_cents\":1,\"unit_cost_"
     "cents\":0,\"colour\":\"red\"}",
     400, "invalid_argument", "colour"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":null,\"category_id\":%CAT%,\"unit_price_cents\":1,\"unit_cost_"
     "cents\":0}",
     400, "invalid_argument", "name"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"%LONG%\",\"category_id\":%CAT%,\"unit_price_cents\":1,\"unit_cost_"
     "cents\":0}",
     400, "invalid_argument", "name"},
    {"POST", "/api/v1/products",
     "{\"sku\":\"B1\",\"name\":\"n\",\"category_id\":%CAT%,\"unit_price_cents\":1,\"unit_cost_"
     "cents\":0,\"unit_of_measure\":\"bushel\"}",
     400, "invalid_argument", "unit_of_measure"},
    {"PATCH", "/api/v1/products/1", "{}", 400, "invalid_argument", "body"},
    {"PATCH", "/api/v1/products/1", "{\"unit_cost_cents\":-5}", 400, "invalid_argument",
     "unit_cost_cents"},
    {"PATCH", "/api/v1/products/99999999", "{\"name\":\"x\"}", 404, "not_found", "id"},
    {"GET", "/api/v1/products/99999999", NULL, 404, "not_found", "id"},
    {"GET", "/api/v1/products/abc", NULL, 400, "invalid_argument", "id"},
    {"GET", "/api/v1/products/-3", NULL, 400, "invalid_argument", "id"},
    {"GET", "/api/v1/products/99999999999999999999999", NULL, 400, "invalid_argument", "id"},
    {"GET", "/api/v1/products?limit=0", NULL, 400, "invalid_argument", "limit"},
    {"GET", "/api/v1/products?limit=1000", NULL, 400, "invalid_argument", "limit"},
    {"GET", "/api/v1/products?cursor=zzz", NULL, 400, "invalid_argument", "cursor"},
    {"GET", "/api/v1/products?active=perhaps", NULL, 400, "invalid_argument", "active"},
    /* %00 would cut a value short unseen ("5%00" read as 5) */
    {"GET", "/api/v1/products?limit=5%00x", NULL, 400, "invalid_argument", "limit"},
    {"GET", "/api/v1/products?q=%ff", NULL, 400, "invalid_argument", "q"},
    {"GET", "/api/v1/stores/0", NULL, 400, "invalid_argument", "id"},
    {"GET", "/api/v1/categories/424242424", NULL, 404, "not_found", "id"},
    {"POST", "/api/v1/stores", "{\"code\":\"ZZ\",\"name\":\"n\",\"city\":\"c\"}", 400,
     "invalid_argument", "time_zone"},
    {"POST", "/api/v1/stores",
     "{\"code\":\"zz\",\"name\":\"n\",\"city\":\"c\",\"time_zone\":\"UTC\"}", 400,
     "invalid_argument", "code"},
    {"POST", "/api/v1/categories", "{\"name\":\"\"}", 400, "invalid_argument", "name"},
    {"POST", "/api/v1/categories", "{\"name\":\"x\",\"parent_id\":-1}", 400, "invalid_argument",
     "parent_id"},
    /* a NUL would cut the stored text; control characters other than tab
     * and newline (terminal escapes) are refused, naming the field */
    {"POST", "/api/v1/categories", "{\"name\":\"probe-x\\u0000zzz\"}", 400, "invalid_argument",
     "name"},
    {"POST", "/api/v1/categories", "{\"name\":\"red\\u001b[31m\"}", 400, "invalid_argument",
     "name"},
    {"POST", "/api/v1/categories", "{\"name\":\"ok\",\"description\":\"a\\rb\"}", 400,
     "invalid_argument", "description"},
    {"DELETE", "/api/v1/products/1", NULL, 405, "method_not_allowed", ""},
    {"GET", "/api/v1/no-such-thing", NULL, 404, "not_found", ""},
    /* the benchmark's floor answers only on a gateway started for it */
    {"GET", "/api/_floor?bytes=65536", NULL, 404, "not_found", ""},
};

START_TEST(test_bad_input_is_refused_with_field)
{
    char body[2048], cat[32], longname[260];
    struct resp r;
    long long before = count_products(), after;
    const char *src = bad[_i].body;

    snprintf(cat, sizeof cat, "%lld", category());
    memset(longname, 'x', 201);
    longname[201] = '\0';
    body[0] = '\0';
    if (src) {
        size_t o = 0;
        while (*src && o < sizeof body - 300) {
            if (strncmp(src, "%CAT%", 5) == 0) {
                o += (size_t)snprintf(body + o, sizeof body - o, "%s", cat);
                src += 5;
            } else if (strncmp(src, "%LONG%", 6) == 0) {
                o += (size_t)snprintf(body + o, sizeof body - o, "%s", longname);
                src += 6;
            } else {
                body[o++] = *src++;
            }
        }
        body[o] = '\0';
    }
    ck_assert_int_eq(http(bad[_i].method, bad[_i].path, src ? body : NULL, &r), 0);
    ck_assert_msg(r.status == bad[_i].status, "%s %s: status %d, body %s", bad[_i].method,
                  bad[_i].path, r.status, r.body);
    ck_assert_str_eq(err_code(&r), bad[_i].code);
    ck_assert_str_eq(err_field(&r), bad[_i].field);
    ck_assert_ptr_nonnull(strstr(r.body, "\"message\":\""));
    resp_free(&r);
    after = count_products();
    ck_assert_int_eq(after, before);
}
END_TEST

START_TEST(test_body_limits_and_media_type)
{
    struct resp r;
    size_t n = (1 << 20) + 100;
    char *big = malloc(n + 64);

    ck_assert_ptr_nonnull(big);
    memcpy(big, "{\"name\":\"", 9);
    memset(big + 9, 'a', n);
    memcpy(big + 9 + n, "\"}", 3);
    ck_assert_int_eq(http("POST", "/api/v1/categories", big, &r), 0);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(err_code(&r), "too_large");
    ck_assert_str_eq(err_field(&r), "body");
    resp_free(&r);
    free(big);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/categories", "{\"name\":\"plain\"}",
                               "Content-Type: text/plain\r\n", &r),
                     0);
    ck_assert_int_eq(r.status, 415);
    ck_assert_str_eq(err_code(&r), "unsupported_media_type");
    ck_assert_str_eq(err_field(&r), "Content-Type");
    resp_free(&r);
    /* a type that only begins like JSON is not JSON */
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/categories", "{\"name\":\"plain\"}",
                               "Content-Type: application/jsonx\r\n", &r),
                     0);
    ck_assert_int_eq(r.status, 415);
    resp_free(&r);
}
END_TEST

/* JSON nested 700 levels deep, unauthenticated, once crashed tm-gateway
 * inside cJSON (a worker thread's stack is small): every route the gateway
 * or a service parses a body on answers 400 and the gateways stay up. */
START_TEST(test_deep_json_is_refused_and_gateway_lives)
{
    /* login once only: every attempt counts against the address's login limit */
    static const char *const paths[] = {"/api/v1/auth/refresh", "/api/v1/users",
                                        "/api/v1/categories"};
    static const size_t levels[] = {700, 5000, 100000};
    int before[2] = {pid_of("gateway", 1), pid_of("gateway", 2)};

    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        size_t n = levels[l];
        char *body = malloc(2 * n + 32);

        ck_assert_ptr_nonnull(body);
        memcpy(body, "{\"refresh_token\":", 18);
        memset(body + 18, '[', n);
        memset(body + 18 + n, ']', n);
        memcpy(body + 18 + 2 * n, "}", 2);
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            struct resp r;
            /* anonymous first (as the attack was), then as the admin */
            ck_assert_int_eq(http_as(NULL, "POST", paths[i], body, &r), 0);
            ck_assert_msg(r.status == 400 || r.status == 401, "%s: %d %s", paths[i], r.status,
                          r.body);
            resp_free(&r);
            ck_assert_int_eq(http("POST", paths[i], body, &r), 0);
            ck_assert_msg(r.status == 400, "%s: %d %s", paths[i], r.status, r.body);
            ck_assert_str_eq(err_code(&r), "invalid_argument");
            ck_assert_str_eq(err_field(&r), "body");
            resp_free(&r);
        }
        if (l == 0) {
            struct resp r;
            ck_assert_int_eq(http_as(NULL, "POST", "/api/v1/auth/login", body, &r), 0);
            ck_assert_msg(r.status == 400, "login: %d %s", r.status, r.body);
            ck_assert_str_eq(err_field(&r), "body");
            resp_free(&r);
        }
        free(body);
    }
    /* the same processes, still alive: nothing crashed and was restarted */
    ck_assert_int_eq(pid_of("gateway", 1), before[0]);
    ck_assert_int_eq(pid_of("gateway", 2), before[1]);
    ck_assert_int_eq(kill(before[0], 0), 0);
    ck_assert_int_eq(kill(before[1], 0), 0);
    {
        struct resp r;
        ck_assert_int_eq(http("GET", "/api/v1/products?limit=1", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
}
END_TEST

START_TEST(test_hostile_text_is_stored_verbatim)
{
    static const char *const payloads[] = {
        "Robert'); DROP TABLE inventory.products;--",
        "%s%s%s%n%x%p",
        "' OR '1'='1",
        "\\\"; SELECT pg_sleep(5); --",
        "<script>alert(1)</script>",
        "semi;colon $1 $$ \\\\ back",
        "ünïcødé ✓ 日本",
    };
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        struct resp r;
        char body[1024], path[128], tag[64], want[256];
        cJSON *o = cJSON_CreateObject(), *parsed;
        char *text;
        long long id;

        snprintf(tag, sizeof tag, "%s-%zu", run_tag(), i);
        /* the text fields of a category and of a store carry the payload */
        snprintf(want, sizeof want, "%s %s", payloads[i], tag);
        cJSON_AddStringToObject(o, "name", want);
        cJSON_AddStringToObject(o, "description", payloads[i]);
        text = cJSON_PrintUnformatted(o);
        ck_assert_int_eq(http("POST", "/api/v1/categories", text, &r), 0);
        ck_assert_msg(r.status == 201, "%s", r.body);
        id = jint(&r, "id");
        resp_free(&r);
        cJSON_free(text);
        cJSON_Delete(o);
        snprintf(path, sizeof path, "/api/v1/categories/%lld", id);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_str_eq(jstr(&r, "name"), want);
        ck_assert_str_eq(jstr(&r, "description"), payloads[i]);
        resp_free(&r);

        /* and the name of a product */
        o = cJSON_CreateObject();
        snprintf(body, sizeof body, "%s-X%zu", run_tag(), i);
        cJSON_AddStringToObject(o, "sku", body);
        cJSON_AddStringToObject(o, "name", payloads[i]);
        cJSON_AddNumberToObject(o, "category_id", (double)category());
        cJSON_AddNumberToObject(o, "unit_price_cents", 100);
        cJSON_AddNumberToObject(o, "unit_cost_cents", 50);
        text = cJSON_PrintUnformatted(o);
        ck_assert_int_eq(http("POST", "/api/v1/products", text, &r), 0);
        ck_assert_msg(r.status == 201, "%s", r.body);
        snprintf(path, sizeof path, "/api/v1/products/%lld", jint(&r, "id"));
        resp_free(&r);
        cJSON_free(text);
        cJSON_Delete(o);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_str_eq(jstr(&r, "name"), payloads[i]);
        resp_free(&r);

        o = cJSON_CreateObject();
        snprintf(body, sizeof body, "H%.12s%zu", run_tag() + 1, i);
        cJSON_AddStringToObject(o, "code", body);
        cJSON_AddStringToObject(o, "name", payloads[i]);
        cJSON_AddStringToObject(o, "city", payloads[i]);
        cJSON_AddStringToObject(o, "time_zone", "UTC");
        text = cJSON_PrintUnformatted(o);
        ck_assert_int_eq(http("POST", "/api/v1/stores", text, &r), 0);
        ck_assert_msg(r.status == 201, "%s", r.body);
        parsed = r.json;
        ck_assert_str_eq(cJSON_GetObjectItem(parsed, "name")->valuestring, payloads[i]);
        ck_assert_str_eq(cJSON_GetObjectItem(parsed, "city")->valuestring, payloads[i]);
        resp_free(&r);
        cJSON_free(text);
        cJSON_Delete(o);
    }
    /* the table the payload names is still there */
    {
        struct resp r;
        ck_assert_int_eq(http("GET", "/api/v1/products?limit=1", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
}
END_TEST

Suite *
input_suite(void)
{
    Suite *s = suite_create("input");
    TCase *tc = tcase_create("input");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_bad_input_is_refused_with_field, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_body_limits_and_media_type);
    tcase_add_test(tc, test_deep_json_is_refused_and_gateway_lives);
    tcase_add_test(tc, test_hostile_text_is_stored_verbatim);
    suite_add_tcase(s, tc);
    return s;
}
