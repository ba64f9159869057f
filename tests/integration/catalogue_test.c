/* tests/integration/catalogue_test.c — the catalogue end to end through
 * nginx → tm-gateway → tm-inventory → PostgreSQL: create, read, update,
 * deactivate, filter and page through categories, products and stores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "common/redis.h"

#include "services/gateway/readcache_fresh.h"
#include "tests/integration/client.h"

/* Creates a category named after the test; returns its id. */
static long long
make_category(const char *suffix)
{
    struct resp r;
    char body[256];
    long long id;

    snprintf(body, sizeof body, "{\"name\":\"Cat %s %s\",\"description\":\"d\"}", run_tag(),
             suffix);
    ck_assert_int_eq(http("POST", "/api/v1/categories", body, &r), 0);
    ck_assert_msg(r.status == 201, "status %d body %s", r.status, r.body);
    id = jint(&r, "id");
    ck_assert_int_gt(id, 0);
    resp_free(&r);
    return id;
}

static long long
make_product(long long cat, const char *sku, long long price)
{
    struct resp r;
    char body[512];
    long long id;

    snprintf(body, sizeof body,
             "{\"sku\":\"%s\",\"name\":\"Thing %s\",\"category_id\":%lld,"
             "\"unit_price_cents\":%lld,\"unit_cost_cents\":%lld,\"unit_of_measure\":\"each\"}",
             sku, sku, cat, price, price / 2);
    ck_assert_int_eq(http("POST", "/api/v1/products", body, &r), 0);
    ck_assert_msg(r.status == 201, "status %d body %s", r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

START_TEST(test_product_create_get_update_deactivate)
{
    long long cat = make_category("crud"), cat2 = make_category("crud2"), id;
    char sku[64], path[128], body[256];
    struct resp r;

    snprintf(sku, sizeof sku, "%s-P1", run_tag());
    id = make_product(cat, sku, 1999);
    snprintf(path, sizeof path, "/api/v1/products/%lld", id);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(jstr(&r, "sku"), sku);
    ck_assert_int_eq(jint(&r, "unit_price_cents"), 1999);
    ck_assert_int_eq(jint(&r, "unit_cost_cents"), 999);
    ck_assert_int_eq(jint(&r, "category_id"), cat);
    ck_assert_int_eq(jint(&r, "pack_size"), 1);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "active")));
    ck_assert_int_eq(strlen(jstr(&r, "created_at")), 24);
    resp_free(&r);

    snprintf(body, sizeof body, "{\"unit_price_cents\":2499,\"category_id\":%lld}", cat2);
    ck_assert_int_eq(http("PATCH", path, body, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_int_eq(jint(&r, "unit_price_cents"), 2499);
    ck_assert_int_eq(jint(&r, "unit_cost_cents"), 999); /* untouched */
    ck_assert_int_eq(jint(&r, "category_id"), cat2);
    resp_free(&r);

    ck_assert_int_eq(http("PATCH", path, "{\"active\":false}", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "active")));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/products?q=%s-P1&active=false", run_tag());
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/products?q=%s-P1&active=true", run_tag());
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    resp_free(&r);
}
END_TEST

/* Pages through 23 products 5 at a time: every one seen once, in id order. */
START_TEST(test_product_list_filters_and_pages)
{
    long long cat = make_category("pages"), ids[23], last = 0;
    char path[256], sku[64], cursor[64] = "";
    int seen = 0, pages = 0;

    for (int i = 0; i < 23; i++) {
        snprintf(sku, sizeof sku, "%s-L%02d", run_tag(), i);
        ids[i] = make_product(cat, sku, 100 + i);
    }
    for (;;) {
        struct resp r;
        cJSON *items, *it, *next;

        snprintf(path, sizeof path, "/api/v1/products?category_id=%lld&limit=5%s%s", cat,
                 cursor[0] ? "&cursor=" : "", cursor);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_msg(r.status == 200, "%s", r.body);
        items = cJSON_GetObjectItem(r.json, "items");
        ck_assert_int_le(cJSON_GetArraySize(items), 5);
        cJSON_ArrayForEach(it, items)
        {
            long long id = (long long)cJSON_GetObjectItem(it, "id")->valuedouble;
            ck_assert_int_gt(id, last);
            ck_assert_int_eq(id, ids[seen]);
            ck_assert_int_eq((long long)cJSON_GetObjectItem(it, "category_id")->valuedouble, cat);
            last = id;
            seen++;
        }
        pages++;
        next = cJSON_GetObjectItem(r.json, "next_cursor");
        if (cJSON_IsNull(next)) {
            resp_free(&r);
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", next->valuestring);
        resp_free(&r);
        ck_assert_int_lt(pages, 10);
    }
    ck_assert_int_eq(seen, 23);
    ck_assert_int_eq(pages, 5);
    /* text search on sku, case-insensitive, with LIKE wildcards taken literally */
    {
        struct resp r;
        snprintf(path, sizeof path, "/api/v1/products?q=%s-l1&limit=200", run_tag());
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 10);
        resp_free(&r);
        snprintf(path, sizeof path, "/api/v1/products?q=%s-L%%25&limit=200", run_tag());
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
        resp_free(&r);
    }
}
END_TEST

START_TEST(test_duplicates_are_conflicts)
{
    long long cat = make_category("dup");
    char sku[64], body[512];
    struct resp r;

    snprintf(sku, sizeof sku, "%s-D1", run_tag());
    make_product(cat, sku, 500);
    snprintf(body, sizeof body,
             "{\"sku\":\"%s\",\"name\":\"x\",\"category_id\":%lld,\"unit_price_cents\":1,"
             "\"unit_cost_cents\":1}",
             sku, cat);
    ck_assert_int_eq(http("POST", "/api/v1/products", body, &r), 0);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_code(&r), "conflict");
    ck_assert_str_eq(err_field(&r), "sku");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"name\":\"Cat %s dup\"}", run_tag());
    ck_assert_int_eq(http("POST", "/api/v1/categories", body, &r), 0);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_field(&r), "name");
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"code\":\"%.10s\",\"name\":\"S\",\"city\":\"Oslo\",\"time_zone\":\"Europe/Oslo\"}",
             run_tag());
    ck_assert_int_eq(http("POST", "/api/v1/stores", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    resp_free(&r);
    ck_assert_int_eq(http("POST", "/api/v1/stores", body, &r), 0);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_field(&r), "code");
    resp_free(&r);
}
END_TEST

START_TEST(test_store_and_category_read_update)
{
    char body[512], path[128], code[32];
    struct resp r;
    long long id, cat = make_category("upd"), parent = make_category("parent");

    snprintf(code, sizeof code, "S%.9s", run_tag() + 1);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Harbour\",\"city\":\"Sydney\","
             "\"time_zone\":\"Australia/Sydney\"}",
             code);
    ck_assert_int_eq(http("POST", "/api/v1/stores", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    id = jint(&r, "id");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/stores/%lld", id);
    ck_assert_int_eq(http("PATCH", path, "{\"time_zone\":\"Pacific/Nowhere\"}", &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "time_zone");
    resp_free(&r);
    ck_assert_int_eq(
        http("PATCH", path, "{\"city\":\"Melbourne\",\"time_zone\":\"Australia/Melbourne\"}", &r),
        0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_str_eq(jstr(&r, "city"), "Melbourne");
    ck_assert_str_eq(jstr(&r, "time_zone"), "Australia/Melbourne");
    ck_assert_str_eq(jstr(&r, "code"), code);
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/categories/%lld", cat);
    snprintf(body, sizeof body, "{\"parent_id\":%lld}", parent);
    ck_assert_int_eq(http("PATCH", path, body, &r), 0);
    ck_assert_int_eq(jint(&r, "parent_id"), parent);
    resp_free(&r);
    snprintf(body, sizeof body, "{\"parent_id\":%lld}", cat);
    ck_assert_int_eq(http("PATCH", path, body, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "parent_id");
    resp_free(&r);
    ck_assert_int_eq(http("PATCH", path, "{\"parent_id\":null}", &r), 0);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "parent_id")));
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/stores?q=melbourne", NULL, &r), 0);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    resp_free(&r);
}
END_TEST

START_TEST(test_sample_data_is_loaded)
{
    struct resp r;

    ck_assert_int_eq(http("GET", "/api/v1/stores?limit=200", NULL, &r), 0);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 10);
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/categories?limit=200", NULL, &r), 0);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 20);
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/products/1000", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_gt(jint(&r, "unit_price_cents"), jint(&r, "unit_cost_cents"));
    resp_free(&r);
}
END_TEST

/* Product reads gateway #1 answered from its cache, from its /metrics. */
static long long
cache_hits(void)
{
    return gw_metric(0, "tm_gateway_read_cache_total{outcome=\"hit\"}");
}

/* The version Redis holds for product id (readcache_fresh.h's hash), -1
 * when it holds none. */
static long long
product_version(long long id)
{
    struct tm_redis *rds = NULL;
    redisReply *rep = NULL;
    struct tm_err err;
    char field[24];
    const char *argv[3] = {"HGET", GW_RCF_KEY, field};
    long long v = -1;

    snprintf(field, sizeof field, "%lld", id);
    ck_assert_int_eq(tm_redis_new(st.redis_url, 1000, &rds, &err), TM_OK);
    ck_assert_msg(tm_redis_cmd(rds, 3, argv, &rep, &err) == TM_OK, "%s", err.message);
    if (rep && rep->type == REDIS_REPLY_STRING)
        v = atoll(rep->str);
    freeReplyObject(rep);
    tm_redis_free(rds);
    return v;
}

/* A write refused (4xx) moves no version: a product that does not exist
 * gets none (else any id would grow Redis' hash), one that does keeps its
 * own. */
START_TEST(test_refused_product_write_moves_no_version)
{
    long long cat = make_category("refused"), id, before;
    char sku[64], path[128];
    struct resp r;

    snprintf(sku, sizeof sku, "%s-R1", run_tag());
    id = make_product(cat, sku, 1000);
    snprintf(path, sizeof path, "/api/v1/products/%lld", id);
    ck_assert_int_eq(http("PATCH", path, "{\"unit_price_cents\":1001}", &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    resp_free(&r);
    before = product_version(id);
    ck_assert_int_gt(before, 0);
    ck_assert_int_eq(http("PATCH", path, "{\"unit_price_cents\":-5}", &r), 0);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    ck_assert_int_eq(product_version(id), before);
    snprintf(path, sizeof path, "/api/v1/products/%lld", id + 100000000);
    ck_assert_int_eq(http("PATCH", path, "{\"unit_price_cents\":1001}", &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    ck_assert_int_eq(product_version(id + 100000000), -1);
}
END_TEST

/* The gateways' product cache (services/gateway/readcache_fresh.h): a
 * repeated read is answered from it, and a write through one gateway is
 * seen by the very next read through the other, every time: the write's
 * version bump in Redis, not the product event (which may still be on its
 * way), is what stops the other gateway's copy being served. */
START_TEST(test_product_reads_cached_and_current)
{
    long long cat = make_category("cache"), id, hits;
    char sku[64], path[128], body[128];
    struct resp r;

    snprintf(sku, sizeof sku, "%s-C1", run_tag());
    id = make_product(cat, sku, 1000);
    snprintf(path, sizeof path, "/api/v1/products/%lld", id);
    ck_assert_int_eq(http_port(st.gw_ports[0], "GET", path, NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    /* a fill the product.created event overtakes is refused: read again */
    hits = cache_hits();
    for (int k = 0; k < 20 && cache_hits() == hits; k++) {
        ck_assert_int_eq(http_port(st.gw_ports[0], "GET", path, NULL, "", &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(jstr(&r, "sku"), sku);
        ck_assert_int_eq(jint(&r, "unit_price_cents"), 1000);
        resp_free(&r);
    }
    ck_assert_int_gt(cache_hits(), hits);
    for (int i = 1; i <= 40; i++) {
        int writer = i % 2, reader = (i + 1) % 2;

        snprintf(body, sizeof body, "{\"unit_price_cents\":%d}", 1000 + i);
        ck_assert_int_eq(http_port(st.gw_ports[writer], "PATCH", path, body, "", &r), 0);
        ck_assert_msg(r.status == 200, "%s", r.body);
        resp_free(&r);
        for (int k = 0; k < 2; k++) { /* a miss, then (likely) a hit */
            ck_assert_int_eq(http_port(st.gw_ports[reader], "GET", path, NULL, "", &r), 0);
            ck_assert_int_eq(r.status, 200);
            ck_assert_int_eq(jint(&r, "unit_price_cents"), 1000 + i);
            resp_free(&r);
        }
    }
}
END_TEST

Suite *
catalogue_suite(void)
{
    Suite *s = suite_create("catalogue");
    TCase *tc = tcase_create("catalogue");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sample_data_is_loaded);
    tcase_add_test(tc, test_product_create_get_update_deactivate);
    tcase_add_test(tc, test_product_list_filters_and_pages);
    tcase_add_test(tc, test_duplicates_are_conflicts);
    tcase_add_test(tc, test_store_and_category_read_update);
    tcase_add_test(tc, test_product_reads_cached_and_current);
    tcase_add_test(tc, test_refused_product_write_moves_no_version);
    suite_add_tcase(s, tc);
    return s;
}
