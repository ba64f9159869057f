/* tests/integration/fraud_test.c — fraud scoring through nginx, the
 * gateway and tm-txn, as a fraud analyst sees it: a declined attempt is an
 * attempt but never spend (one blocked huge attempt does not block the real
 * customer's next purchase), a fired rule's observed and threshold are the
 * exact values (1137995, not 1138000), a decline answers its own code,
 * sales and voids carry the operator who made them; the patterns a fraud
 * analyst names are caught through the whole path (the same card at three
 * stores, card testing cashed out an hour later, a takeover of a customer
 * whose spend varies, a big purchase with a card new to the customer, a
 * first purchase far above the usual; voids are in fraud_void_test.c).
 * Each test makes its own store, products and customers, and puts the
 * plain rule set back when it is done. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/integration/client.h"

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

/* A sale of qty units of product (priced unit dollars) at store, by
 * customer (0: none) with instrument ("": none), at occurred_at ("":
 * now), under key; the answer in r. */
static void
sale(const char *key, long long store, long long cust, long long product, int qty, const char *unit,
     const char *instrument, const char *occurred_at, struct resp *r)
{
    char body[768], c[48] = "", in[96] = "", at[80] = "";

    if (cust)
        snprintf(c, sizeof c, "\"customer_id\":%lld,", cust);
    if (instrument[0])
        snprintf(in, sizeof in, ",\"instrument\":\"%s-%s\"", run_tag(), instrument);
    if (occurred_at[0])
        snprintf(at, sizeof at, ",\"occurred_at\":\"%s\"", occurred_at);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,%s\"lines\":[{\"product_id\":%lld,\"quantity\":%d,"
             "\"unit_price\":%s}],\"channel\":\"online\",\"payment_method\":\"card\"%s%s}",
             store, c, product, qty, unit, in, at);
    ck_assert_int_eq(post_sale(key, body, r), 0);
}

/* The observed value of the fired rule code (asserting it fired). */
static double
observed(const struct resp *r, const char *code)
{
    const cJSON *hit = fired(r, code);

    ck_assert_msg(hit != NULL, "%s did not fire: %s", code, r->body);
    return cJSON_GetObjectItem(hit, "observed")->valuedouble;
}

/* An ISO time minutes before now. */
static void
minutes_ago(int minutes, char *out, size_t size)
{
    time_t t = time(NULL) - minutes * 60;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The same card at three stores within minutes: distinct_stores fires
 * with observed exactly 3 on the third (2 on the second does not). */
START_TEST(test_same_card_at_three_stores)
{
    long long stores[3] = {new_store(), new_store(), new_store()}, product = new_product();
    char key[32];
    struct resp r;

    for (int i = 0; i < 3; i++)
        receive(stores[i], product, 10);
    for (int i = 0; i < 3; i++)
        wait_known(stores[i], product);
    set_rules("{\"note\":\"test cross-store card\",\"rules\":[{\"code\":\"card_stores\","
              "\"kind\":\"distinct_stores\",\"scope\":\"instrument\",\"window\":\"1h\","
              "\"threshold\":3,\"weight\":70}]}");
    for (int i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "xs-%d", i);
        sale(key, stores[i], 0, product, 1, "5", "xs-card", "", &r);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        if (i < 2)
            ck_assert_ptr_null(fired(&r, "card_stores"));
        else
            ck_assert_double_eq(observed(&r, "card_stores"), 3);
        resp_free(&r);
    }
    restore_rules();
}
END_TEST

/* Card testing with a late cash-out: five $1-$5 attempts, then $100 an
 * hour and ten minutes later (past any 1 h window of counts). */
START_TEST(test_small_attempts_then_large_an_hour_later)
{
    long long store = new_store(), product = new_product();
    char key[32], at[40];
    struct resp r;

    receive(store, product, 40);
    wait_known(store, product);
    set_rules("{\"note\":\"test card testing\",\"rules\":[{\"code\":\"testing_cashout\","
              "\"kind\":\"small_then_large\",\"scope\":\"instrument\",\"window\":\"24h\","
              "\"small_cents\":500,\"large_cents\":10000,\"threshold\":5,\"weight\":70}]}");
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "st-%d", i);
        minutes_ago(75 - i, at, sizeof at);
        sale(key, store, 0, product, 1, "5", "st-card", at, &r);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        resp_free(&r);
    }
    sale("st-large", store, 0, product, 20, "5", "st-card", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_double_eq(observed(&r, "testing_cashout"), 5);
    resp_free(&r);
    restore_rules();
}
END_TEST

/* A sale whose instrument is another card's id plus ":rows" must not
 * touch that card's attempt list (the review's F1: it made the card's list
 * a sorted set, every later attempt of the card failed WRONGTYPE and its
 * attempt rules were skipped): the card's testing is still seen. */
START_TEST(test_instrument_names_cannot_collide)
{
    long long store = new_store(), product = new_product();
    char key[32], at[40];
    const cJSON *ne;
    struct resp r;

    receive(store, product, 40);
    wait_known(store, product);
    set_rules("{\"note\":\"test key collision\",\"rules\":[{\"code\":\"testing_cashout\","
              "\"kind\":\"small_then_large\",\"scope\":\"instrument\",\"window\":\"24h\","
              "\"small_cents\":500,\"large_cents\":10000,\"threshold\":5,\"weight\":70}]}");
    sale("kc-poison", store, 0, product, 1, "5", "kc-card:rows", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "kc-%d", i);
        minutes_ago(75 - i, at, sizeof at);
        sale(key, store, 0, product, 1, "5", "kc-card", at, &r);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        resp_free(&r);
    }
    sale("kc-large", store, 0, product, 20, "5", "kc-card", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ne = cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "fraud"), "not_evaluated");
    ck_assert_msg(cJSON_GetArraySize(ne) == 0, "%s", r.body);
    ck_assert_double_eq(observed(&r, "testing_cashout"), 5);
    resp_free(&r);
    restore_rules();
}
END_TEST

/* An account takeover of a customer whose spend varies: 12x their usual
 * is flagged by the spend-over-their-90th-percentile rule. */
START_TEST(test_takeover_of_variable_spender)
{
    static const int usual[] = {2, 5, 1, 8, 3, 6, 2, 4};
    long long store = new_store(), product = new_product(), cust = new_customer("Vera Variable");
    char key[32];
    struct resp r;

    receive(store, product, 200);
    wait_known(store, product);
    set_rules("{\"note\":\"test takeover\",\"rules\":[{\"code\":\"over_own_q90\","
              "\"kind\":\"customer_spend_ratio\",\"threshold\":5,\"min_history\":5,"
              "\"weight\":70}]}");
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "vs-%d", i);
        sale(key, store, cust, product, usual[i], "5", "", "", &r);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        ck_assert_ptr_null(fired(&r, "over_own_q90")); /* their own variety is not flagged */
        resp_free(&r);
    }
    sale("vs-takeover", store, cust, product, 48, "5", "", "", &r); /* 12 x 4 units */
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert(observed(&r, "over_own_q90") >= 5);
    ck_assert_str_eq(jstr(&r, "status"), "completed");
    resp_free(&r);
    restore_rules();
}
END_TEST

/* Makes the customer's newest n sales two days old by the server's clock
 * (created_at), as if they were recorded then. */
static void
age_sales(long long cust, int n)
{
    ck_assert_int_eq(
        sql_intf("WITH u AS (UPDATE txn.transactions SET created_at = created_at - interval"
                 " '2 days' WHERE id IN (SELECT id FROM txn.transactions WHERE customer_id = %lld"
                 " ORDER BY id DESC LIMIT %d) RETURNING 1) SELECT count(*) FROM u",
                 cust, n),
        n);
}

/* spend_with_new_context as a fraud analyst would set it for a test. */
#define NEW_CONTEXT_RULES                                                                          \
    "{\"note\":\"test new context\",\"rules\":[{\"code\":\"spend_vs_customer_q90\","               \
    "\"kind\":\"customer_spend_ratio\",\"threshold\":3,\"min_history\":5,\"weight\":10},"          \
    "{\"code\":\"spend_new_context\",\"kind\":\"spend_with_new_context\","                         \
    "\"threshold\":2,\"min_history\":5,\"novelty\":[\"instrument\",\"channel\","                   \
    "\"store\"],\"weight\":60}]}"

/* The same big purchase of a customer whose spend varies, first with
 * their own card, then with a card new to them, under version 2's weights
 * for the two rules: with their card the amount is only supporting
 * evidence (approved, spend_vs_customer_q90 noted); with the new card
 * spend_new_context flags it for review and says why. */
START_TEST(test_big_purchase_with_new_card)
{
    static const int usual[] = {2, 5, 1, 8, 3, 6, 2, 4};
    long long store = new_store(), product = new_product(), cust = new_customer("Nora Novel");
    const cJSON *hit, *fraud;
    char key[32];
    struct resp r;

    receive(store, product, 200);
    wait_known(store, product);
    set_rules(NEW_CONTEXT_RULES);
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "nc-%d", i);
        sale(key, store, cust, product, usual[i], "5", "nc-own", "", &r);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        ck_assert_ptr_null(fired(&r, "spend_new_context"));
        resp_free(&r);
    }
    age_sales(cust, 8);                                                  /* usual once a day old */
    sale("nc-big-own", store, cust, product, 48, "5", "nc-own", "", &r); /* 12 x 4 units */
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert(observed(&r, "spend_vs_customer_q90") >= 3);
    ck_assert_ptr_null(fired(&r, "spend_new_context"));
    fraud = cJSON_GetObjectItem(r.json, "fraud");
    ck_assert_str_eq(cJSON_GetObjectItem(fraud, "decision")->valuestring, "approve");
    resp_free(&r);
    sale("nc-big-new", store, cust, product, 48, "5", "nc-new", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert(observed(&r, "spend_new_context") >= 2);
    hit = fired(&r, "spend_new_context");
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(hit, "message")->valuestring, ": card"));
    fraud = cJSON_GetObjectItem(r.json, "fraud");
    ck_assert_str_eq(cJSON_GetObjectItem(fraud, "decision")->valuestring, "review");
    resp_free(&r);
    restore_rules();
}
END_TEST

/* Review 23b M3: what makes a card, channel or store "usual" is a sale
 * that stands (not voided) and was approved a day ago or more (or labelled
 * legitimate): a fraudster's small purchase with the card he just added,
 * even voided for his money back, does not vouch for his big one; a card
 * payment that names no instrument is a card new to the customer. */
START_TEST(test_new_context_needs_aged_standing_sales)
{
    long long store = new_store(), product = new_product(), cust[3];
    char key[32], path[96];
    const cJSON *hit;
    struct resp r;

    receive(store, product, 400);
    wait_known(store, product);
    set_rules(NEW_CONTEXT_RULES);
    for (int c = 0; c < 3; c++) {
        cust[c] = new_customer("Ursula Usual");
        for (int i = 0; i < 8; i++) {
            snprintf(key, sizeof key, "ua-%d-%d", c, i);
            sale(key, store, cust[c], product, 2 + i % 4, "5", "ua-own", "", &r);
            ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
            resp_free(&r);
        }
        age_sales(cust[c], 8);
    }
    /* 1: a small purchase with a new card, minutes before the big one */
    sale("ua-small", store, cust[0], product, 1, "5", "ua-added", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "fraud"), "decision")->valuestring,
        "approve");
    resp_free(&r);
    sale("ua-big-0", store, cust[0], product, 48, "5", "ua-added", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    hit = fired(&r, "spend_new_context");
    ck_assert_msg(hit != NULL, "the day-old rule did not fire: %s", r.body);
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(hit, "message")->valuestring, ": card"));
    resp_free(&r);
    /* 2: the same, the small one voided and a day old */
    sale("ua-void", store, cust[1], product, 1, "5", "ua-voided", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", jint(&r, "id"));
    resp_free(&r);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    age_sales(cust[1], 9);
    sale("ua-big-1", store, cust[1], product, 48, "5", "ua-voided", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_msg(fired(&r, "spend_new_context") != NULL, "a voided sale vouched: %s", r.body);
    resp_free(&r);
    /* 3: a card payment naming no instrument */
    sale("ua-big-2", store, cust[2], product, 48, "5", "", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    hit = fired(&r, "spend_new_context");
    ck_assert_msg(hit != NULL, "a card without instrument was usual: %s", r.body);
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(hit, "message")->valuestring, ": card"));
    resp_free(&r);
    /* and the customer's own card, a day on, is usual */
    sale("ua-big-own", store, cust[2], product, 48, "5", "ua-own", "", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_ptr_null(fired(&r, "spend_new_context"));
    resp_free(&r);
    restore_rules();
}
END_TEST

/* A new customer's first purchase far above what the store and all stores
 * usually see is flagged (after the store-profiles job ran). */
START_TEST(test_first_purchase_far_above_usual)
{
    long long store = new_store(), cheap = new_product(), dear = product_at(50000);
    long long cust = new_customer("Nina New");
    char key[32];
    struct resp r;

    receive(store, cheap, 20);
    receive(store, dear, 50);
    wait_known(store, cheap);
    wait_known(store, dear);
    for (int i = 0; i < 6; i++) {
        snprintf(key, sizeof key, "fp-%d", i);
        sale(key, store, 0, cheap, 1 + i % 3, "5", "", "", &r);
        ck_assert_int_eq(r.status, 201);
        resp_free(&r);
    }
    ck_assert_int_eq(job_run("/api/v1/txn/jobs/store-profiles/run", &r), 0);
    ck_assert_msg(r.status < 300, "%d %s", r.status, r.body);
    resp_free(&r);
    set_rules("{\"note\":\"test first purchase\",\"rules\":[{\"code\":\"first_big\","
              "\"kind\":\"first_purchase\",\"threshold\":5,\"min_history\":5,"
              "\"weight\":70}]}");
    sale("fp-first", store, cust, dear, 40, "500", "", "", &r); /* $20,000 */
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert(observed(&r, "first_big") >= 5);
    resp_free(&r);
    restore_rules();
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
    tcase_add_test(tc, test_same_card_at_three_stores);
    tcase_add_test(tc, test_small_attempts_then_large_an_hour_later);
    tcase_add_test(tc, test_takeover_of_variable_spender);
    tcase_add_test(tc, test_big_purchase_with_new_card);
    tcase_add_test(tc, test_first_purchase_far_above_usual);
    tcase_add_test(tc, test_new_context_needs_aged_standing_sales);
    tcase_add_test(tc, test_instrument_names_cannot_collide);
    suite_add_tcase(s, tc);
    return s;
}
