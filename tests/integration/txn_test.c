/* tests/integration/txn_test.c — sales through nginx, the gateway, tm-txn
 * and tm-inventory: a sale takes its stock, is stored with its score and
 * emits txn.created exactly once however often it is retried; a short line
 * or bad input stores nothing; a declined sale takes no stock; a flagged
 * sale is reviewed by a fraud analyst and moves the customer's risk; a void
 * gives the stock back once; tm-txn killed at random through a burst of
 * retried sales leaves sales, stock and events agreeing; a new rule set
 * scores the next sale on every instance; the customer search matches its
 * text literally; a store's page lists its sales in id order. Each test
 * makes its own store and products. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/time.h"

#include "tests/integration/client.h"

static long long
sales_of_store(long long store)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM txn.transactions WHERE store_id = %lld", store);
    return sql_int(q);
}

static long long
level_on_hand(long long store, long long product)
{
    char q[200];
    snprintf(q, sizeof q,
             "SELECT on_hand FROM inventory.stock WHERE store_id = %lld AND product_id = %lld",
             store, product);
    return sql_int(q);
}

START_TEST(test_sale_takes_stock_once)
{
    long long store = new_store(), product = new_product(), id;
    char body[512], q[200];
    struct resp a, b, c;

    receive(store, product, 10);
    wait_known(store, product);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":3,"
             "\"unit_price\":5.00}],\"channel\":\"pos\",\"payment_method\":\"card\","
             "\"instrument\":\"tok-%s\"}",
             store, product, run_tag());
    ck_assert_int_eq(post_sale("k1", body, &a), 0);
    ck_assert_msg(a.status == 201, "%d %s", a.status, a.body);
    id = jint(&a, "id");
    ck_assert_str_eq(jstr(&a, "status"), "completed");
    ck_assert_int_eq(jint(&a, "total_cents"), 1500);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(a.json, "fraud"));
    /* the retry gets the first answer, byte for byte, and changes nothing */
    ck_assert_int_eq(post_sale("k1", body, &b), 0);
    ck_assert_int_eq(b.status, 201);
    ck_assert_str_eq(a.body, b.body);
    ck_assert_int_eq(level_on_hand(store, product), 7);
    ck_assert_int_eq(sales_of_store(store), 1);
    events_numbered("txn"); /* the event leaves outbox_pending when the publisher numbers it */
    snprintf(q, sizeof q,
             "SELECT count(*) FROM txn.outbox WHERE topic = 'txn.created'"
             " AND (data->>'id')::bigint = %lld",
             id);
    ck_assert_int_eq(sql_int(q), 1);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM inventory.movements WHERE ref_id = 'txn-%lld' AND type = 'sale'",
             id);
    ck_assert_int_eq(sql_int(q), 1);
    /* the same key with another sale is refused */
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":4,"
             "\"unit_price\":5.00}],\"channel\":\"pos\",\"payment_method\":\"card\"}",
             store, product);
    ck_assert_int_eq(post_sale("k1", body, &c), 0);
    ck_assert_int_eq(c.status, 422);
    ck_assert_str_eq(err_field(&c), "Idempotency-Key");
    resp_free(&c);
    /* void gives the stock back, once */
    snprintf(q, sizeof q, "/api/v1/transactions/%lld/void", id);
    ck_assert_int_eq(http("POST", q, "{\"reason\":\"customer changed mind\"}", &c), 0);
    ck_assert_msg(c.status == 200, "%d %s", c.status, c.body);
    ck_assert_str_eq(jstr(&c, "status"), "voided");
    resp_free(&c);
    ck_assert_int_eq(http("POST", q, NULL, &c), 0);
    ck_assert_int_eq(c.status, 200);
    resp_free(&c);
    ck_assert_int_eq(level_on_hand(store, product), 10);
    resp_free(&a);
    resp_free(&b);
}
END_TEST

/* A store's page (its own statement in txn_store.c) lists that store's sales
 * in id order, pages by cursor, and says what the general filter says; the
 * same newest first (order=newest). */
START_TEST(test_store_page_lists_its_sales)
{
    long long store = new_store(), other = new_store(), product = new_product(), ids[3];
    char body[512], key[16], path[160];
    struct resp r, a, b;
    cJSON *items;

    receive(store, product, 10);
    receive(other, product, 10);
    wait_known(store, product);
    wait_known(other, product);
    for (int i = 0; i < 4; i++) {
        snprintf(body, sizeof body,
                 "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
                 "\"unit_price\":5.00}],\"channel\":\"pos\",\"payment_method\":\"cash\"}",
                 i == 1 ? other : store, product);
        snprintf(key, sizeof key, "page%d", i);
        ck_assert_int_eq(post_sale(key, body, &r), 0);
        ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
        if (i != 1)
            ids[i < 1 ? 0 : i - 1] = jint(&r, "id");
        resp_free(&r);
    }
    snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld&limit=2", store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    items = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 2);
    for (int i = 0; i < 2; i++) {
        cJSON *it = cJSON_GetArrayItem(items, i);
        ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "id")), ids[i]);
        ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "store_id")),
                         store);
    }
    snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld&limit=2&cursor=%s", store,
             jstr(&r, "next_cursor"));
    resp_free(&r);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    items = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    ck_assert_int_eq(
        (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")),
        ids[2]);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "next_cursor")));
    resp_free(&r);
    /* the general statement (another filter) gives the same bytes */
    snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld", store);
    ck_assert_int_eq(http("GET", path, NULL, &a), 0);
    snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld&status=completed", store);
    ck_assert_int_eq(http("GET", path, NULL, &b), 0);
    ck_assert_int_eq(a.status, 200);
    ck_assert_int_eq(b.status, 200);
    ck_assert_str_eq(a.body, b.body);
    resp_free(&a);
    resp_free(&b);
    /* newest first, by each statement: the store's, the general one (a
     * filter more) and the flagged voids' (none here); pages by cursor */
    for (int v = 0; v < 2; v++) {
        snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld&order=newest&limit=2%s",
                 store, v ? "&status=completed" : "");
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
        items = cJSON_GetObjectItem(r.json, "items");
        ck_assert_int_eq(cJSON_GetArraySize(items), 2);
        for (int i = 0; i < 2; i++)
            ck_assert_int_eq((long long)cJSON_GetNumberValue(
                                 cJSON_GetObjectItem(cJSON_GetArrayItem(items, i), "id")),
                             ids[2 - i]);
        snprintf(path, sizeof path,
                 "/api/v1/transactions?store_id=%lld&order=newest&limit=2&cursor=%s%s", store,
                 jstr(&r, "next_cursor"), v ? "&status=completed" : "");
        resp_free(&r);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
        items = cJSON_GetObjectItem(r.json, "items");
        ck_assert_int_eq(cJSON_GetArraySize(items), 1);
        ck_assert_int_eq((long long)cJSON_GetNumberValue(
                             cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")),
                         ids[0]);
        ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "next_cursor")));
        resp_free(&r);
    }
    snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld&order=newest&void_flagged=true",
             store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/transactions?store_id=%lld&order=latest", store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "order");
    resp_free(&r);
}
END_TEST

START_TEST(test_short_and_bad_input_store_nothing)
{
    long long store = new_store(), product = new_product();
    static const struct {
        const char *tail; /* after store_id */
        int status;
        const char *field;
    } bad[] = {
        {"\"lines\":[],\"channel\":\"pos\",\"payment_method\":\"card\"", 400, "lines"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":1,\"unit_price\":5},{\"product_id\":@P,"
         "\"quantity\":1,\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"card\"",
         400, "lines[1].product_id"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":0,\"unit_price\":5}],\"channel\":\"pos\","
         "\"payment_method\":\"card\"",
         400, "lines[0].quantity"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":1,\"unit_price\":0}],\"channel\":\"pos\","
         "\"payment_method\":\"card\"",
         400, "lines[0].unit_price"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":1,\"unit_price\":50}],\"channel\":\"pos\","
         "\"payment_method\":\"card\"",
         422, "lines[0].unit_price"},
        {"\"lines\":[{\"product_id\":999999999,\"quantity\":1,\"unit_price\":5}],"
         "\"channel\":\"pos\",\"payment_method\":\"card\"",
         422, "lines[0].product_id"},
        {"\"customer_id\":999999999,\"lines\":[{\"product_id\":@P,\"quantity\":1,"
         "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"card\"",
         422, "customer_id"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":1,\"unit_price\":5}],\"channel\":\"pos\","
         "\"payment_method\":\"card\",\"occurred_at\":\"2999-01-01T00:00:00Z\"",
         400, "occurred_at"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":1,\"unit_price\":5}],\"channel\":\"pos\","
         "\"payment_method\":\"card\",\"occurred_at\":\"yesterday\"",
         400, "occurred_at"},
        {"\"lines\":[{\"product_id\":@P,\"quantity\":99,\"unit_price\":5}],\"channel\":\"pos\","
         "\"payment_method\":\"card\"",
         409, "lines[0].quantity"},
    };
    char body[768], tail[640], key[16];
    struct resp r;

    receive(store, product, 5);
    wait_known(store, product);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* @P stands for the test's product */
        size_t o = 0;
        for (const char *p = bad[i].tail; *p && o + 24 < sizeof tail; p++) {
            if (p[0] == '@' && p[1] == 'P') {
                o += (size_t)snprintf(tail + o, sizeof tail - o, "%lld", product);
                p++;
            } else {
                tail[o++] = *p;
            }
        }
        tail[o] = '\0';
        snprintf(body, sizeof body, "{\"store_id\":%lld,%s}", store, tail);
        snprintf(key, sizeof key, "bad%zu", i);
        ck_assert_int_eq(post_sale(key, body, &r), 0);
        ck_assert_msg(r.status == bad[i].status && strcmp(err_field(&r), bad[i].field) == 0,
                      "case %zu: %d %s", i, r.status, r.body);
        resp_free(&r);
    }
    ck_assert_int_eq(http("POST", "/api/v1/transactions",
                          "{\"store_id\":999999999,\"lines\":[{\"product_id\":1,\"quantity\":1,"
                          "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"card\"}",
                          &r),
                     0);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    ck_assert_int_eq(sales_of_store(store), 0);
    ck_assert_int_eq(level_on_hand(store, product), 5);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM txn.sale_claims WHERE state = 'pending'"
                             " AND created_at < now() - interval '1 second'"),
                     0);
}
END_TEST

START_TEST(test_decline_review_and_risk)
{
    long long store = new_store(), product = new_product(), cust, id;
    char body[512], path[96];
    struct resp r;

    receive(store, product, 20);
    wait_known(store, product);
    cust = create("/api/v1/customers", "{\"name\":\"Rita Review\",\"loyalty_tier\":\"silver\"}");
    /* a rule set whose big-basket rule declines, another that only flags */
    set_rules("{\"note\":\"test decline\",\"rules\":[{\"code\":\"big\",\"kind\":\"amount_over\","
              "\"threshold\":4000,\"weight\":90}]}");
    snprintf(
        body, sizeof body,
        "{\"store_id\":%lld,\"customer_id\":%lld,\"lines\":[{\"product_id\":%lld,"
        "\"quantity\":10,\"unit_price\":5}],\"channel\":\"online\",\"payment_method\":\"card\"}",
        store, cust, product);
    ck_assert_int_eq(post_sale("d1", body, &r), 0);
    ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_code(&r), "declined"); /* not a validation error's "unprocessable" */
    ck_assert_ptr_nonnull(strstr(r.body, "\"decline\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"big\""));
    resp_free(&r);
    ck_assert_int_eq(level_on_hand(store, product), 20); /* no stock taken */
    ck_assert_int_eq(sales_of_store(store), 1);          /* the attempt is recorded */
    set_rules("{\"note\":\"test review\",\"rules\":[{\"code\":\"big\",\"kind\":\"amount_over\","
              "\"threshold\":4000,\"weight\":70}]}");
    ck_assert_int_eq(post_sale("r1", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    id = jint(&r, "id");
    ck_assert_ptr_nonnull(strstr(r.body, "\"review\""));
    resp_free(&r);
    restore_rules();
    /* the queue, the review by a fraud analyst, the customer's risk */
    ck_assert_int_eq(
        http_as(st.token[4], "GET", "/api/v1/transactions/suspicious?limit=200", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/review", id);
    ck_assert_int_eq(http_as(st.token[5], "POST", path, "{\"label\":\"fraud\"}", &r), 0);
    ck_assert_int_eq(r.status, 403); /* a viewer may not */
    resp_free(&r);
    ck_assert_int_eq(
        http_as(st.token[4], "POST", path, "{\"label\":\"fraud\",\"note\":\"card reported\"}", &r),
        0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[4], "POST", path, "{\"label\":\"legit\"}", &r), 0);
    ck_assert_int_eq(r.status, 409);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/customers/%lld", cust);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(jint(&r, "fraud_labels"), 1);
    ck_assert(cJSON_GetObjectItem(r.json, "risk_score")->valuedouble > 50);
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[4], "GET", "/api/v1/fraud/stats", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(jint(&r, "confirmed_fraud") >= 1);
    resp_free(&r);
}
END_TEST

/* Each tm-txn instance keeps the rule set it decoded last and asks the
 * database for the current version on every sale: a set published through
 * any instance scores the very next sale on all of them (the stack runs two;
 * several sales in a row land on both). */
START_TEST(test_new_rule_set_scores_the_next_sale_everywhere)
{
    long long store = new_store(), product = new_product();
    char body[512], doc[256], key[32], code[16];
    struct resp r;

    receive(store, product, 40);
    wait_known(store, product);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
             "\"unit_price\":5}],\"channel\":\"pos\",\"payment_method\":\"card\"}",
             store, product);
    for (int round = 0; round < 3; round++) {
        long long version;
        snprintf(code, sizeof code, "mark_%d", round % 10);
        snprintf(doc, sizeof doc,
                 "{\"note\":\"test cache %d\",\"rules\":[{\"code\":\"%s\",\"kind\":"
                 "\"amount_over\",\"threshold\":1,\"weight\":5}]}",
                 round, code);
        version = set_rules(doc);
        for (int i = 0; i < 6; i++) {
            const cJSON *fraud, *hit;
            snprintf(key, sizeof key, "rc%d-%d", round, i);
            ck_assert_int_eq(post_sale(key, body, &r), 0);
            ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
            fraud = cJSON_GetObjectItem(r.json, "fraud");
            hit = cJSON_GetArrayItem(cJSON_GetObjectItem(fraud, "rules"), 0);
            ck_assert_int_eq((long long)cJSON_GetObjectItem(fraud, "rule_set_version")->valuedouble,
                             version);
            ck_assert_str_eq(cJSON_GetObjectItem(hit, "code")->valuestring, code);
            resp_free(&r);
        }
    }
    restore_rules();
}
END_TEST

/* ?q= is matched literally: '%' and '_' are characters, not wildcards. */
START_TEST(test_customer_search_is_literal)
{
    char body[160], path[200];
    const cJSON *it;
    struct resp r;
    long long pct, plain;
    int saw_pct = 0, n = 0;

    snprintf(body, sizeof body, "{\"name\":\"Percy %s 100%% sure\"}", run_tag());
    pct = create("/api/v1/customers", body);
    snprintf(body, sizeof body, "{\"name\":\"Percy %s 1000 sure\"}", run_tag());
    plain = create("/api/v1/customers", body);
    /* "%" alone finds only customers whose name or email holds a '%' */
    ck_assert_int_eq(http("GET", "/api/v1/customers?q=%25&limit=200", NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
    {
        const cJSON *name = cJSON_GetObjectItem(it, "name"),
                    *email = cJSON_GetObjectItem(it, "email");
        ck_assert_msg(strchr(name->valuestring, '%') ||
                          (cJSON_IsString(email) && strchr(email->valuestring, '%')),
                      "\"%%\" found %s", name->valuestring);
        saw_pct |= (long long)cJSON_GetObjectItem(it, "id")->valuedouble == pct;
    }
    ck_assert(saw_pct);
    resp_free(&r);
    /* "100% sure" is not "100<anything> sure"; "1_00" is not "1000" */
    snprintf(path, sizeof path, "/api/v1/customers?q=%s%%20100%%25%%20sure", run_tag());
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
    {
        ck_assert((long long)cJSON_GetObjectItem(it, "id")->valuedouble == pct);
        n++;
    }
    ck_assert_int_eq(n, 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/customers?q=%s%%201_00", run_tag());
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/customers?q=%s%%201000", run_tag());
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    ck_assert_int_eq((long long)cJSON_GetObjectItem(
                         cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "id")
                         ->valuedouble,
                     plain);
    resp_free(&r);
}
END_TEST

/* ------------------------------------------------- crash consistency */

#define KILL_SALES 2000
#define KILL_CLIENTS 4
#define KILL_PRODUCTS 4
#define KILL_STOCK 100000 /* per product: no sale is ever short */

/* One POS client: sales i = c, c + KILL_CLIENTS, ... each retried under
 * its own key until it has a final answer (201, or 422 for a decline).
 * Exit status: 0 all answered, 1 an unexpected answer, 2 gave up. */
static int
kill_client(int c, long long store, const long long *products, const char *slow)
{
    unsigned seed = (unsigned)c * 7919u + 17u;

    for (int i = c; i < KILL_SALES; i += KILL_CLIENTS) {
        char body[512], key[32];
        int64_t until = tm_mono_ms() + 60000, done = 0;
        long long a = products[i % KILL_PRODUCTS], b = products[(i + 1) % KILL_PRODUCTS];

        snprintf(body, sizeof body,
                 "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":%d,"
                 "\"unit_price\":5.00},{\"product_id\":%lld,\"quantity\":1,\"unit_price\":5.00}],"
                 "\"channel\":\"pos\",\"payment_method\":\"card\",\"instrument\":\"kill-%d\"}",
                 store, a, 1 + i % 3, b, i % 50);
        snprintf(key, sizeof key, "kill-%d", i);
        while (!done && tm_mono_ms() < until) {
            struct resp r;
            if (post_sale(key, body, &r) != 0) {
                tm_sleep_ms(20 + (int)(rand_r(&seed) % 80));
                continue;
            }
            if (r.status == 201 || (r.status == 422 && strstr(r.body, "\"transaction\"")))
                done = 1;
            else if (r.status < 500 && r.status != 429) {
                fprintf(stderr, "sale %d: unexpected %d %s\n", i, r.status, r.body);
                resp_free(&r);
                return 1;
            } else
                tm_sleep_ms(20 + (int)(rand_r(&seed) % 80));
            resp_free(&r);
        }
        if (!done)
            return 2;
        /* paced until the drill has made its kills, and held near the end of
         * its share until then, so the sales always outlast three kills */
        if (access(slow, F_OK) == 0)
            tm_sleep_ms(10);
        while (i + KILL_CLIENTS >= KILL_SALES * 4 / 5 && access(slow, F_OK) == 0)
            tm_sleep_ms(50);
    }
    return 0;
}

/* A sale whose flow died after taking its stock and was never retried: the
 * claim-recovery job, run through tm-txn's job routes, gives the stock back
 * and drops the claim. */
START_TEST(test_claim_recovery_job_returns_abandoned_stock)
{
    long long store = new_store(), product = new_product(),
              sale = sql_int("SELECT nextval('txn.transactions_id_seq')");
    char body[512];
    struct resp r;

    receive(store, product, 10);
    snprintf(body, sizeof body,
             "{\"sale_id\":\"txn-%lld\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":3}]}",
             sale, store, product);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
    ck_assert_int_eq(level_on_hand(store, product), 7);
    ck_assert_int_eq(sql_intf("WITH i AS (INSERT INTO txn.sale_claims (principal, idem_key,"
                              " body_hash, sale_id, created_at) VALUES ('test', 'key:%s-gone',"
                              " 'x', %lld, now() - interval '1 hour') RETURNING 1)"
                              " SELECT count(*) FROM i",
                              run_tag(), sale),
                     1);
    ck_assert_int_eq(job_run("/api/v1/txn/jobs/claim-recovery/run", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "outcome"), "ok");
    ck_assert_int_ge(jint(&r, "rows"), 1);
    resp_free(&r);
    ck_assert_int_eq(level_on_hand(store, product), 10);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.sale_claims WHERE sale_id = %lld", sale),
                     0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM inventory.stock_commits WHERE sale_id ="
                              " 'txn-%lld' AND status = 'reversed'",
                              sale),
                     1);
    ck_assert_int_eq(http("GET", "/api/v1/txn/jobs", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"name\":\"claim-recovery\""));
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[4], "GET", "/api/v1/txn/jobs", NULL, &r), 0);
    ck_assert_int_eq(r.status, 403); /* jobs are the admin's */
    resp_free(&r);
    ck_assert_int_eq(http("POST", "/api/v1/txn/jobs/no-such-job/run", NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
}
END_TEST

/* Waits (up to 10 s) until process pid has exited and let go of its files
 * (ports): its /proc entry gone, or a zombie with no thread left (a killed
 * group leader turns zombie while its other threads still exit). */
static void
wait_gone(int pid)
{
    for (int i = 0; i < 500; i++) {
        char path[64], line[256];
        int zombie = 0, threads = 0;
        FILE *f;

        snprintf(path, sizeof path, "/proc/%d/status", pid);
        if (!(f = fopen(path, "r")))
            return;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "State:", 6) == 0)
                zombie = strchr(line, 'Z') != NULL || strchr(line, 'X') != NULL;
            else if (strncmp(line, "Threads:", 8) == 0)
                threads = atoi(line + 8);
        }
        fclose(f);
        if (zombie && threads <= 1)
            return;
        tm_sleep_ms(20);
    }
}

/* Four POS clients post 2,000 sales with retries while tm-txn instances
 * are SIGKILLed at random moments and restarted: afterwards every key made
 * exactly one sale, the completed sales, the committed stock and the
 * txn.created events agree one for one, and the levels add up. */
START_TEST(test_sigkill_during_sales_loses_and_doubles_nothing)
{
    long long store = new_store(), products[KILL_PRODUCTS], units, completed, commits;
    pid_t kids[KILL_CLIENTS];
    unsigned seed = (unsigned)time(NULL);
    int kills = 0, running = KILL_CLIENTS, bad = 0;
    char slow[1100];
    FILE *f;

    /* while this file exists the clients pause 10 ms between sales and
     * stop at four fifths of their share, so the 2,000 sales outlast three
     * kills and restarts however fast a failover is; gone after the third
     * kill */
    snprintf(slow, sizeof slow, "%s/kill-drill-slow-%d", st.run_dir, (int)getpid());
    ck_assert_ptr_nonnull(f = fopen(slow, "w"));
    fclose(f);
    for (int i = 0; i < KILL_PRODUCTS; i++) {
        products[i] = new_product();
        receive(store, products[i], KILL_STOCK);
        wait_known(store, products[i]);
    }
    fprintf(stderr, "note: sigkill test seed %u\n", seed);
    for (int c = 0; c < KILL_CLIENTS; c++) {
        kids[c] = fork();
        ck_assert_int_ge(kids[c], 0);
        if (kids[c] == 0)
            _exit(kill_client(c, store, products, slow));
    }
    while (running > 0) {
        int status, n = 1 + (int)(rand_r(&seed) % 2);
        tm_sleep_ms(100 + (int)(rand_r(&seed) % 500));
        for (int c = 0; c < KILL_CLIENTS; c++)
            if (kids[c] > 0 && waitpid(kids[c], &status, WNOHANG) == kids[c]) {
                bad += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
                kids[c] = 0;
                running--;
            }
        int victim = pid_of("txn", n); /* read once: its supervisor rewrites the file */

        if (running > 0 && victim > 0 && kill(victim, SIGKILL) == 0) {
            kills++;
            int started = 0;
            wait_gone(victim); /* its ports are free once it is gone */
            for (int t = 0; t < 3 && !started; t++) {
                started = sh("TM_RUN_DIR='%s' BIN='%s' '%s/deploy/stack.sh' start txn %d "
                             ">/dev/null 2>&1",
                             st.run_dir, st.bin, st.root, n) == 0;
                if (!started)
                    tm_sleep_ms(500);
            }
            ck_assert_msg(started, "tm-txn #%d did not restart", n);
            if (kills == 3)
                unlink(slow);
        }
    }
    unlink(slow);
    ck_assert_int_eq(bad, 0);
    ck_assert_int_ge(kills, 3);
    /* every key made one sale (completed or declined), none made two */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.transactions WHERE store_id = %lld", store),
                     KILL_SALES);
    ck_assert_int_eq(sql_intf("SELECT count(DISTINCT idem_key) FROM txn.transactions"
                              " WHERE store_id = %lld",
                              store),
                     KILL_SALES);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.sale_claims WHERE state = 'pending'"
                              " AND sale_id IN (SELECT id FROM txn.transactions"
                              " WHERE store_id = %lld)",
                              store),
                     0);
    /* completed sales = committed stock = txn.created events, one for one */
    completed = sql_intf("SELECT count(*) FROM txn.transactions WHERE store_id = %lld"
                         " AND status = 'completed'",
                         store);
    ck_assert_int_gt(completed, 0);
    fprintf(stderr, "note: sigkill test: %d kills of tm-txn, %lld of %d sales completed\n", kills,
            completed, KILL_SALES);
    commits = sql_intf("SELECT count(*) FROM inventory.stock_commits WHERE status = 'committed'"
                       " AND sale_id IN (SELECT ref_id FROM inventory.movements"
                       " WHERE store_id = %lld AND type = 'sale')",
                       store);
    ck_assert_int_eq(commits, completed);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.transactions t"
                              " JOIN inventory.stock_commits c ON c.sale_id = 'txn-' || t.id"
                              " AND c.status = 'committed' WHERE t.store_id = %lld"
                              " AND t.status = 'completed'",
                              store),
                     completed);
    events_numbered("txn");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.outbox WHERE topic = 'txn.created'"
                              " AND (data->>'store_id')::bigint = %lld",
                              store),
                     completed);
    events_numbered("txn");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.outbox WHERE topic = 'txn.declined'"
                              " AND (data->>'store_id')::bigint = %lld",
                              store),
                     KILL_SALES - completed);
    /* and the levels add up to what the completed sales took */
    units = sql_intf("SELECT coalesce(sum(units), 0) FROM txn.transactions"
                     " WHERE store_id = %lld AND status = 'completed'",
                     store);
    ck_assert_int_eq(
        sql_intf("SELECT sum(on_hand) FROM inventory.stock WHERE store_id = %lld", store),
        (long long)KILL_PRODUCTS * KILL_STOCK - units);
}
END_TEST

/* make up's sample history went through the sale path: sales of every
 * kind, each completed one holding its stock commit and its event, its
 * stock moved at the sale's own time, and flagged ones reviewed. */
START_TEST(test_sample_history_went_through_the_sale_path)
{
    long long sales =
                  sql_int("SELECT count(*) FROM txn.transactions WHERE principal = 'tm-txn-seed'"),
              completed =
                  sql_int("SELECT count(*) FROM txn.transactions WHERE principal = 'tm-txn-seed'"
                          " AND status = 'completed'");

    ck_assert_int_gt(sales, 500);
    ck_assert_int_gt(completed, sales / 2);
    ck_assert_int_eq(
        sql_int("SELECT count(*) FROM txn.transactions t JOIN inventory.stock_commits c"
                " ON c.sale_id = 'txn-' || t.id AND c.status = 'committed'"
                " WHERE t.principal = 'tm-txn-seed' AND t.status = 'completed'"),
        completed);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM txn.transactions t JOIN txn.outbox o"
                             " ON o.topic = 'txn.created' AND (o.data->>'id')::bigint = t.id"
                             " WHERE t.principal = 'tm-txn-seed'"),
                     completed);
    /* back-dated: days of history, each movement at its sale's time */
    ck_assert_int_ge(sql_int("SELECT count(DISTINCT occurred_at::date) FROM txn.transactions"
                             " WHERE principal = 'tm-txn-seed'"),
                     7);
    ck_assert_int_eq(
        sql_int("SELECT count(*) FROM txn.transactions t JOIN inventory.movements m"
                " ON m.ref_id = 'txn-' || t.id AND m.type = 'sale'"
                " WHERE t.principal = 'tm-txn-seed' AND m.created_at <> t.occurred_at"),
        0);
    /* weekends sell more than midweek; flagged sales carry a label */
    ck_assert_int_gt(sql_int("SELECT count(*) FILTER (WHERE extract(isodow FROM occurred_at) = 6)"
                             " - count(*) FILTER (WHERE extract(isodow FROM occurred_at) = 3)"
                             " FROM txn.transactions WHERE principal = 'tm-txn-seed'"),
                     0);
    ck_assert_int_gt(sql_int("SELECT count(*) FROM txn.transactions WHERE principal = 'tm-txn-seed'"
                             " AND review_label IS NOT NULL"),
                     0);
}
END_TEST

Suite *
txn_suite(void)
{
    Suite *s = suite_create("txn");
    TCase *tc = tcase_create("sales");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sale_takes_stock_once);
    tcase_add_test(tc, test_store_page_lists_its_sales);
    tcase_add_test(tc, test_short_and_bad_input_store_nothing);
    tcase_add_test(tc, test_decline_review_and_risk);
    tcase_add_test(tc, test_new_rule_set_scores_the_next_sale_everywhere);
    tcase_add_test(tc, test_customer_search_is_literal);
    tcase_add_test(tc, test_sample_history_went_through_the_sale_path);
    tcase_add_test(tc, test_claim_recovery_job_returns_abandoned_stock);
    suite_add_tcase(s, tc);
    tc = tcase_create("crash");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sigkill_during_sales_loses_and_doubles_nothing);
    suite_add_tcase(s, tc);
    return s;
}
