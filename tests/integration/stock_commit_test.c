/* tests/integration/stock_commit_test.c — sale commits through nginx and
 * the gateway: concurrent commits never oversell (and never deadlock), a
 * commit is idempotent by sale id, and a short one names its lines and
 * changes nothing; the ledger invariant holds after each. Each test makes
 * its own store and products. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/client.h"

/* Forks n clients that each POST bodies[i] to path once, all released
 * together; status[i] is what each got (-1: no answer). */
static void
burst(int n, const char *path, char (*bodies)[512], int *status)
{
    int go[2], res[2];

    ck_assert_int_eq(pipe(go), 0);
    ck_assert_int_eq(pipe(res), 0);
    for (int i = 0; i < n; i++) {
        pid_t k = fork();
        ck_assert_int_ge(k, 0);
        if (k == 0) {
            char c;
            struct resp r;
            int out[2] = {i, -1};
            close(go[1]);
            if (read(go[0], &c, 1) < 0) /* returns 0 when the parent closes it: go */
                _exit(1);
            if (http("POST", path, bodies[i], &r) == 0)
                out[1] = r.status;
            if (write(res[1], out, sizeof out) != sizeof out)
                _exit(1);
            _exit(0);
        }
    }
    close(go[0]);
    close(res[1]);
    close(go[1]);
    for (int i = 0; i < n; i++) {
        int out[2];
        ck_assert_int_eq(read(res[0], out, sizeof out), (ssize_t)sizeof out);
        status[out[0]] = out[1];
    }
    close(res[0]);
    while (wait(NULL) > 0)
        ;
}

START_TEST(test_concurrent_commits_never_oversell)
{
    static char bodies[64][512];
    long long store = new_store(), product = new_product();
    int status[64], ok = 0, short_ = 0;

    receive(store, product, 10);
    for (int i = 0; i < 64; i++)
        snprintf(bodies[i], sizeof bodies[i],
                 "{\"sale_id\":\"%s-one-%d\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
                 "\"quantity\":1}]}",
                 run_tag(), i, store, product);
    burst(64, "/api/v1/stock-commits", bodies, status);
    /* a commit past the deadline on a loaded machine (504: outcome unknown)
     * is sent again, as a POS would: the same sale_id and lines answer as
     * the first commit did, or commit now */
    for (int i = 0; i < 64; i++)
        for (int t = 0; t < 5 && (status[i] == 504 || status[i] == 503); t++) {
            struct resp r;

            ck_assert_int_eq(http("POST", "/api/v1/stock-commits", bodies[i], &r), 0);
            status[i] = r.status;
            resp_free(&r);
        }
    for (int i = 0; i < 64; i++) {
        ck_assert_msg(status[i] == 201 || status[i] == 409, "client %d got %d", i, status[i]);
        ok += status[i] == 201;
        short_ += status[i] == 409;
    }
    ck_assert_int_eq(ok, 10);
    ck_assert_int_eq(short_, 54);
    ck_assert_int_eq(stock_level_api(store, product, "on_hand"), 0);
    assert_stock_ledger();
}
END_TEST

/* Half the clients list A then B, half B then A: no deadlock surfaces. */
START_TEST(test_overlapping_multi_line_commits_do_not_deadlock)
{
    static char bodies[32][512];
    long long store = new_store(), a = new_product(), b = new_product();
    int status[32], ok = 0;

    receive(store, a, 20);
    receive(store, b, 20);
    for (int i = 0; i < 32; i++) {
        long long x = i % 2 ? a : b, y = i % 2 ? b : a;
        snprintf(bodies[i], sizeof bodies[i],
                 "{\"sale_id\":\"%s-two-%d\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
                 "\"quantity\":1},{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}]}",
                 run_tag(), i, store, x, store, y);
    }
    burst(32, "/api/v1/stock-commits", bodies, status);
    for (int i = 0; i < 32; i++) {
        ck_assert_msg(status[i] == 201 || status[i] == 409, "client %d got %d", i, status[i]);
        ok += status[i] == 201;
    }
    ck_assert_int_eq(ok, 20);
    ck_assert_int_eq(stock_level_api(store, a, "on_hand"), 0);
    ck_assert_int_eq(stock_level_api(store, b, "on_hand"), 0);
    assert_stock_ledger();
}
END_TEST

START_TEST(test_commit_is_idempotent_by_sale_id)
{
    static char bodies[5][512];
    long long store = new_store(), p = new_product(), q = new_product();
    char body[512], path[160], first[2048];
    int status[5];
    struct resp r;

    receive(store, p, 50);
    receive(store, q, 50);
    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-idem\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":3},{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":2}]}",
             run_tag(), store, q, store, p);
    for (int i = 0; i < 5; i++)
        snprintf(bodies[i], sizeof bodies[i], "%s", body);
    burst(5, "/api/v1/stock-commits", bodies, status); /* in parallel */
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(status[i], 201);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_int_eq(r.status, 201);
    snprintf(first, sizeof first, "%s", r.body);
    resp_free(&r);
    for (int i = 0; i < 5; i++) { /* in sequence: the same answer each time */
        ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
        ck_assert_int_eq(r.status, 201);
        ck_assert_str_eq(r.body, first);
        resp_free(&r);
    }
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 48);
    ck_assert_int_eq(stock_level_api(store, q, "on_hand"), 47);
    /* the same sale id with other lines is another request */
    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-idem\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":1}]}",
             run_tag(), store, p);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(err_field(&r), "sale_id");
    resp_free(&r);
    /* reversal: idempotent too, and the stock comes back once */
    snprintf(path, sizeof path, "/api/v1/stock-commits/%s-idem/reverse", run_tag());
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    snprintf(first, sizeof first, "%s", r.body);
    resp_free(&r);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, first);
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 50);
    ck_assert_int_eq(stock_level_api(store, q, "on_hand"), 50);
    snprintf(path, sizeof path, "/api/v1/stock-commits/%s-idem", run_tag());
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_str_eq(jstr(&r, "status"), "reversed");
    resp_free(&r);
    /* a reversed sale is not taken again */
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", bodies[0], &r), 0);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_field(&r), "sale_id");
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 50);
    assert_stock_ledger();
}
END_TEST

START_TEST(test_short_commit_names_lines_and_changes_nothing)
{
    long long store = new_store(), p = new_product(), q = new_product();
    long long moves = sql_int("SELECT count(*) FROM inventory.movements");
    char body[512];
    struct resp r;
    const cJSON *d;

    receive(store, p, 5);
    moves += 1;
    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-short\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":2},{\"store_id\":%lld,\"product_id\":%lld,\"quantity\":1}]}",
             run_tag(), store, p, store, q);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_code(&r), "conflict");
    ck_assert_str_eq(err_field(&r), "lines[1].quantity");
    d = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "details"),
                            "short");
    ck_assert_int_eq(cJSON_GetArraySize(d), 1);
    ck_assert_int_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "line")),
                     1);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "stocked")));
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 5);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.movements"), moves);
    /* the refused sale id stays free: the same request later succeeds once stock is there */
    receive(store, q, 1);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    assert_stock_ledger();
}
END_TEST

/* A one-line commit is taken by its guarded UPDATE alone; its refusal
 * (short, or a product the store does not stock) still answers with the
 * short lines, moves nothing and leaves the sale id free. */
START_TEST(test_one_line_refusal_names_the_line)
{
    long long store = new_store(), p = new_product(), q = new_product();
    long long moves;
    char body[2][512];
    struct resp r;
    const cJSON *d;

    receive(store, p, 3);
    moves = sql_int("SELECT count(*) FROM inventory.movements");
    for (int i = 0; i < 2; i++)
        snprintf(body[i], sizeof body[i],
                 "{\"sale_id\":\"%s-one-short-%d\",\"lines\":[{\"store_id\":%lld,"
                 "\"product_id\":%lld,\"quantity\":4}]}",
                 run_tag(), i, store, i ? q : p);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body[i], &r), 0);
        ck_assert_msg(r.status == 409, "%s", r.body);
        ck_assert_str_eq(err_field(&r), "lines[0].quantity");
        d = cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "details"), "short");
        ck_assert_int_eq(cJSON_GetArraySize(d), 1);
        ck_assert_int_eq(
            cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "available")),
            i ? 0 : 3);
        ck_assert(cJSON_IsBool(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "stocked")) &&
                  cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(d, 0), "stocked")) == !i);
        resp_free(&r);
    }
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 3);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.movements"), moves);
    receive(store, p, 1); /* enough now: the same request is taken, once */
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body[0], &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    resp_free(&r);
    ck_assert_int_eq(stock_level_api(store, p, "on_hand"), 0);
    assert_stock_ledger();
}
END_TEST

Suite *
stock_commit_suite(void)
{
    Suite *s = suite_create("stock_commits");
    TCase *tc = tcase_create("stock commits");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_concurrent_commits_never_oversell);
    tcase_add_test(tc, test_overlapping_multi_line_commits_do_not_deadlock);
    tcase_add_test(tc, test_commit_is_idempotent_by_sale_id);
    tcase_add_test(tc, test_short_commit_names_lines_and_changes_nothing);
    tcase_add_test(tc, test_one_line_refusal_names_the_line);
    suite_add_tcase(s, tc);
    return s;
}
