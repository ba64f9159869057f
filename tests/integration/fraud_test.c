/* tests/integration/fraud_test.c — fraud scoring through nginx, the
 * gateway and tm-txn, as a fraud analyst sees it: a declined attempt is an
 * attempt but never spend (one blocked huge attempt does not block the real
 * customer's next purchase), a fired rule's observed and threshold are the
 * exact values (1137995, not 1138000), a decline answers its own code,
 * sales and voids carry the operator who made them.
 * Each test makes its own store, products and customers, and puts the
 * plain rule set back when it is done. */
#include <stdio.h>
#include <string.h>

#include "tests/integration/client.h"

/* A plain rule set for the tests that follow. */
static void
restore_rules(void)
{
    set_rules("{\"note\":\"back to the defaults for other tests\",\"review_threshold\":60,"
              "\"decline_threshold\":85,\"rules\":[{\"code\":\"amount_over_5000\",\"kind\":"
              "\"amount_over\",\"threshold\":500000,\"weight\":25}]}");
}

/* The fired rule named code in a sale's answer (r: the sale, or a decline
 * whose details carry it); NULL when it did not fire. */
static const cJSON *
fired(const struct resp *r, const char *code)
{
    const cJSON *sale = r->json, *rule;

    if (r->status == 422)
        sale = cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "error"), "details"), "transaction");
    cJSON_ArrayForEach(rule, cJSON_GetObjectItem(cJSON_GetObjectItem(sale, "fraud"), "rules"))
    {
        if (strcmp(cJSON_GetObjectItem(rule, "code")->valuestring, code) == 0)
            return rule;
    }
    return NULL;
}

/* A product of this run priced price_cents. */
static long long
product_at(long long price_cents)
{
    static int n;
    char body[256];

    snprintf(body, sizeof body,
             "{\"sku\":\"%s-FR%d\",\"name\":\"fraud test\",\"category_id\":1,"
             "\"unit_price_cents\":%lld,\"unit_cost_cents\":1}",
             run_tag(), n++, price_cents);
    return create("/api/v1/products", body);
}

static long long
new_customer(const char *name)
{
    char body[160];

    snprintf(body, sizeof body, "{\"name\":\"%s\",\"loyalty_tier\":\"silver\"}", name);
    return create("/api/v1/customers", body);
}

/* The story: one blocked $80,000 attempt, then the real customer's
 * $240 purchase. The customer's 24 h spend rule must see $240, not
 * $80,240; the attempt counter sees both. */
START_TEST(test_declined_attempt_is_no_spend)
{
    long long store = new_store(), product = new_product(), cust;
    char body[512];
    const cJSON *hit;
    struct resp r;

    receive(store, product, 100);
    wait_known(store, product);
    cust = new_customer("Dana Declined");
    set_rules("{\"note\":\"test declined-not-spend\",\"rules\":["
              "{\"code\":\"huge\",\"kind\":\"amount_over\",\"threshold\":5000000,\"weight\":90},"
              "{\"code\":\"spend_24h\",\"kind\":\"velocity_amount\",\"scope\":\"customer\","
              "\"window\":\"24h\",\"threshold\":100000,\"weight\":90},"
              "{\"code\":\"attempts_10m\",\"kind\":\"velocity_count\",\"scope\":\"customer\","
              "\"window\":\"10m\",\"threshold\":2,\"weight\":5}]}");
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"customer_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":16000,\"unit_price\":5}],\"channel\":\"online\","
             "\"payment_method\":\"card\",\"instrument\":\"card-%s-dd\"}",
             store, cust, product, run_tag());
    ck_assert_int_eq(post_sale("dns-huge", body, &r), 0);
    ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_code(&r), "declined");
    ck_assert_ptr_nonnull(fired(&r, "huge"));
    resp_free(&r);
    /* its retry answers the same and takes nothing back twice */
    ck_assert_int_eq(post_sale("dns-huge", body, &r), 0);
    ck_assert_int_eq(r.status, 422);
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"customer_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":48,\"unit_price\":5}],\"channel\":\"pos\","
             "\"payment_method\":\"card\",\"instrument\":\"card-%s-dd\"}",
             store, cust, product, run_tag());
    ck_assert_int_eq(post_sale("dns-real", body, &r), 0);
    ck_assert_msg(r.status == 201, "the real purchase: %d %s", r.status, r.body);
    ck_assert_ptr_null(fired(&r, "spend_24h"));
    hit = fired(&r, "attempts_10m"); /* the declined attempt still counts as an attempt */
    ck_assert_ptr_nonnull(hit);
    ck_assert_double_eq(cJSON_GetObjectItem(hit, "observed")->valuedouble, 2);
    resp_free(&r);
    wait_stock_level("on_hand", store, product, 52);
    restore_rules();
}
END_TEST

/* observed and threshold as computed: a $11,379.95 sale against a
 * threshold of 1000001 cents shows 1137995 and 1000001 (the old %.4g
 * showed 1.138e+06 and 1e+06). */
START_TEST(test_observed_and_threshold_are_exact)
{
    long long store = new_store(), product = product_at(1137995);
    char body[512];
    const cJSON *hit;
    struct resp r;

    receive(store, product, 5);
    wait_known(store, product);
    set_rules("{\"note\":\"test exact\",\"rules\":[{\"code\":\"big\",\"kind\":\"amount_over\","
              "\"threshold\":1000001,\"weight\":12.5}]}");
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
             "\"unit_price\":11379.95}],\"channel\":\"pos\",\"payment_method\":\"card\"}",
             store, product);
    ck_assert_int_eq(post_sale("exact", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    hit = fired(&r, "big");
    ck_assert_ptr_nonnull(hit);
    ck_assert_double_eq(cJSON_GetObjectItem(hit, "observed")->valuedouble, 1137995);
    ck_assert_double_eq(cJSON_GetObjectItem(hit, "threshold")->valuedouble, 1000001);
    ck_assert_double_eq(cJSON_GetObjectItem(hit, "weight")->valuedouble, 12.5);
    resp_free(&r);
    restore_rules();
}
END_TEST

/* A sale names its cashier, a void its operator (else the signed-in
 * principal); both are stored and answered; a malformed one is a 400 that
 * changes nothing. */
START_TEST(test_operator_on_sales_and_voids)
{
    long long store = new_store(), product = new_product(), id, id2;
    char body[512], path[96];
    struct resp r;

    receive(store, product, 10);
    wait_known(store, product);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
             "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"cash\","
             "\"operator\":\"cashier.07\"}",
             store, product);
    ck_assert_int_eq(post_sale("op-1", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "operator"), "cashier.07");
    id = jint(&r, "id");
    resp_free(&r);
    ck_assert_int_eq(post_sale("op-2", body, &r), 0);
    ck_assert_int_eq(r.status, 201);
    id2 = jint(&r, "id");
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
             "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"cash\","
             "\"operator\":\"cashier 07\"}",
             store, product);
    ck_assert_int_eq(post_sale("op-bad", body, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "operator");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id);
    ck_assert_int_eq(http("POST", path, "{\"operator\":\"mgr 1\"}", &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "operator");
    resp_free(&r);
    ck_assert_int_eq(http("POST", path, "{\"reason\":\"refund\",\"operator\":\"mgr-1\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "voided");
    ck_assert_str_eq(jstr(&r, "void_operator"), "mgr-1");
    ck_assert_str_eq(jstr(&r, "operator"), "cashier.07");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id2);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "void_operator"), "user:1"); /* the admin signed in */
    resp_free(&r);
    wait_stock_level("on_hand", store, product, 10);
}
END_TEST

Suite *
fraud_suite(void)
{
    Suite *s = suite_create("fraud");
    TCase *tc = tcase_create("scoring");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_declined_attempt_is_no_spend);
    tcase_add_test(tc, test_observed_and_threshold_are_exact);
    tcase_add_test(tc, test_operator_on_sales_and_voids);
    suite_add_tcase(s, tc);
    return s;
}
