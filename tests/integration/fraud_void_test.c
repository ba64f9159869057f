/* tests/integration/fraud_void_test.c — voids scored as a fraud analyst sees
 * them, through nginx, the gateway, tm-txn and tm-inventory: an operator's
 * burst of voids is flagged then declined, naming another operator does not
 * dodge the count, a void's decision is committed before the stock goes back
 * and a retry carries it out, a declined void whose stock was returned out of
 * band needs an override, and with Redis down a void is refused with nothing
 * written. Each test makes its own store and products, and puts the plain
 * rule set back when it is done (split from fraud_test.c). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/time.h"

#include "services/gateway/token.h"
#include "tests/integration/client.h"

/* An operator's burst of voids: the third is flagged (goes through, listed
 * for fraud analysts), the fourth declined (422 declined, nothing
 * changes: the sale stays completed and its stock stays sold). */
/* Void rules as a fraud analyst would set them for a test: three voids
 * by one operator within an hour flag, four decline. */
#define VOID_RULES                                                                                 \
    "{\"note\":\"test void burst\",\"rules\":["                                                    \
    "{\"code\":\"operator_voids\",\"kind\":\"void_count\",\"scope\":\"operator\","                 \
    "\"window\":\"1h\",\"threshold\":3,\"weight\":60},"                                            \
    "{\"code\":\"operator_voids_more\",\"kind\":\"void_count\",\"scope\":"                         \
    "\"operator\",\"window\":\"1h\",\"threshold\":4,\"weight\":30}]}"

/* A till's token: a store manager of store only, signed in as a principal
 * of its own (so no other test's voids count under it). */
static void
clerk_token(long long store, char *out, size_t size)
{
    static int n;
    char sub[40];

    /* Check runs each test in a child of its own: its pid tells them apart */
    snprintf(sub, sizeof sub, "user:%lld",
             1000000000LL + (long long)getpid() * 1000 + (tm_now_ms() / 1000 % 100) * 10 +
                 n++ % 10);
    manager_token_as(sub, store, out, size);
}

START_TEST(test_operator_void_burst)
{
    char tok[GW_TOKEN_MAX];
    long long store = new_store(), product = new_product(), ids[4], a, b;
    char key[32], path[96], op[48], body[96];
    const cJSON *vf, *items;
    struct resp r;

    receive(store, product, 10);
    wait_known(store, product);
    clerk_token(store, tok, sizeof tok);
    snprintf(op, sizeof op, "clerk-%s", run_tag());
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "vb-%d", i);
        ids[i] = cash_sale(key, store, product);
    }
    set_rules(VOID_RULES);
    snprintf(body, sizeof body, "{\"operator\":\"%s\"}", op);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", ids[i]);
        ck_assert_int_eq(http_as(tok, "POST", path, body, &r), 0);
        if (i < 2) {
            ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
            vf = cJSON_GetObjectItem(r.json, "void_fraud");
            ck_assert_str_eq(cJSON_GetObjectItem(vf, "decision")->valuestring, "approve");
        } else if (i == 2) {
            ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
            vf = cJSON_GetObjectItem(r.json, "void_fraud");
            ck_assert_str_eq(cJSON_GetObjectItem(vf, "decision")->valuestring, "review");
            ck_assert_ptr_nonnull(strstr(r.body, "\"operator_voids\""));
        } else {
            ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
            ck_assert_str_eq(err_code(&r), "declined");
            ck_assert_ptr_nonnull(strstr(r.body, "\"operator_voids_more\""));
        }
        resp_free(&r);
    }
    /* the declined void stays declined: the same body again, another
     * operator named (the review's F2), or none */
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", ids[3]);
    for (int k = 0; k < 3; k++) {
        char other[96];
        snprintf(other, sizeof other, "{\"operator\":\"x-%s\"}", run_tag());
        ck_assert_int_eq(http_as(tok, "POST", path, k == 0 ? body : k == 1 ? other : NULL, &r), 0);
        ck_assert_msg(r.status == 422, "retry %d: %d %s", k, r.status, r.body);
        ck_assert_str_eq(err_code(&r), "declined");
        resp_free(&r);
    }
    /* the declined void changed nothing but its record on the sale */
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM txn.transactions WHERE id = %lld AND status = 'completed'"
                 " AND void_decision = 'decline' AND void_operator = '%s'",
                 ids[3], op),
        1);
    wait_stock_level("on_hand", store, product, 9); /* 10 - 4 sold + 3 voided */
    /* the flagged and the declined void are on the fraud analysts' list */
    snprintf(path, sizeof path, "/api/v1/transactions?void_flagged=true&store_id=%lld", store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    items = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 2);
    a = (long long)cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")->valuedouble;
    b = (long long)cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "id")->valuedouble;
    ck_assert((a == ids[2] && b == ids[3]) || (a == ids[3] && b == ids[2]));
    resp_free(&r);
    /* an override is explicit (review 23b M2): the admin's plain void is
     * declined like anyone's; a till cannot override; one needs a reason */
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", ids[3]);
    ck_assert_int_eq(http("POST", path, body, &r), 0);
    ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_code(&r), "declined");
    resp_free(&r);
    ck_assert_int_eq(
        http_as(tok, "POST", path, "{\"override\":true,\"reason\":\"my own call\"}", &r), 0);
    ck_assert_msg(r.status == 403, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_field(&r), "override");
    resp_free(&r);
    ck_assert_int_eq(http("POST", path, "{\"override\":true}", &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "reason");
    resp_free(&r);
    /* a fraud analyst (fraud.review; here the admin, who also holds
     * txn.write) overrides the decline, saying why */
    ck_assert_int_eq(http("POST", path, "{\"override\":true,\"reason\":\"receipt checked\"}", &r),
                     0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "voided");
    resp_free(&r);
    wait_stock_level("on_hand", store, product, 10);
    /* the declined attempt is kept as scored, stamped with the override;
     * the sale stays on the flagged list */
    snprintf(path, sizeof path, "/api/v1/transactions/%lld", ids[3]);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    items = cJSON_GetObjectItem(r.json, "void_attempts");
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    vf = cJSON_GetArrayItem(items, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(vf, "decision")->valuestring, "decline");
    ck_assert_str_eq(cJSON_GetObjectItem(vf, "operator")->valuestring, op);
    ck_assert_str_eq(cJSON_GetObjectItem(vf, "overridden_by")->valuestring, "user:1");
    ck_assert_str_eq(cJSON_GetObjectItem(vf, "override_reason")->valuestring, "receipt checked");
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(vf, "overridden_at")));
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(vf, "principal")->valuestring, "user:"));
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "void_fraud"), "decision")->valuestring,
        "decline");
    ck_assert_str_eq(jstr(&r, "void_operator"), op);
    resp_free(&r);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM txn.transactions WHERE id = %lld AND status = 'voided'"
                 " AND void_decision = 'decline'",
                 ids[3]),
        1);
    /* the audit log has the override, by whom */
    snprintf(path, sizeof path,
             "/api/v1/audit?principal=user:1&path_prefix=/api/v1/transactions/%lld/void", ids[3]);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "void_override") != NULL, "%s", r.body);
    resp_free(&r);
    restore_rules();
}
END_TEST

/* Void rules that decline every void: one void by an operator in an hour
 * reaches the decline threshold. */
#define VOID_DECLINE_ALL                                                                           \
    "{\"note\":\"test: every void declined\",\"rules\":["                                          \
    "{\"code\":\"any_void\",\"kind\":\"void_count\",\"scope\":\"operator\","                       \
    "\"window\":\"1h\",\"threshold\":1,\"weight\":90}]}"

/* Review 23b M1: a void whose first try fails after the decision (here:
 * tm-inventory cannot take the stock commit's row lock before the deadline,
 * so the reversal may land after tm-txn gave up) is completed by its retry
 * with the decision the first try took, even when the rules would now
 * decline it; the stock comes back once. */
START_TEST(test_void_retry_finishes_first_decision)
{
    char tok[GW_TOKEN_MAX], path[96], lock[160], body[96];
    long long store = new_store(), product = new_product(), id;
    const cJSON *vf;
    PGconn *db;
    struct resp r;

    receive(store, product, 10);
    wait_known(store, product);
    clerk_token(store, tok, sizeof tok);
    id = cash_sale("vr-first", store, product);
    wait_stock_level("on_hand", store, product, 9);
    set_rules(VOID_RULES); /* one void: approved */
    db = PQconnectdb(st.db_url);
    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    exec_ok(db, "BEGIN");
    snprintf(lock, sizeof lock,
             "SELECT 1 FROM inventory.stock_commits WHERE sale_id = 'txn-%lld' FOR UPDATE", id);
    exec_ok(db, lock);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id);
    snprintf(body, sizeof body, "{\"operator\":\"vr-%s\"}", run_tag());
    ck_assert_int_eq(http_as(tok, "POST", path, body, &r), 0);
    ck_assert_msg(r.status >= 500, "%d %s", r.status, r.body); /* the deadline passed */
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM txn.transactions WHERE id = %lld"
                              " AND status = 'completed' AND void_decision = 'approve'",
                              id),
                     1);         /* decided, not yet done */
    set_rules(VOID_DECLINE_ALL); /* scored again, it would be declined */
    exec_ok(db, "COMMIT");
    PQfinish(db);
    ck_assert_int_eq(http_as(tok, "POST", path, body, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "voided");
    vf = cJSON_GetObjectItem(r.json, "void_fraud");
    ck_assert_str_eq(cJSON_GetObjectItem(vf, "decision")->valuestring, "approve");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "void_attempts")), 1);
    resp_free(&r);
    wait_stock_level("on_hand", store, product, 10);
    sleep(1);
    ck_assert_int_eq(stock_level("on_hand", store, product), 10); /* once */
    restore_rules();
}
END_TEST

/* Marks the stock commit of sale id reversed behind tm-txn's back (as a
 * hand repair in the database, or a try from before decisions were
 * recorded, leaves it): the split state of review 24 V1. */
static void
commit_reversed_out_of_band(long long id)
{
    ck_assert_int_eq(sql_intf("WITH u AS (UPDATE inventory.stock_commits SET status = 'reversed',"
                              " reversed_at = now() WHERE sale_id = 'txn-%lld' RETURNING 1)"
                              " SELECT count(*) FROM u",
                              id),
                     1);
}

/* Review 24 V1 and V5: nobody but tm-txn reverses a sale's stock commit
 * (not the admin); a declined void stays declined (422) when its stock is
 * found back, until a fraud analyst other than the declined attempt's
 * principal overrides it; the override voids it without returning the
 * stock twice. */
START_TEST(test_declined_void_split_needs_override)
{
    char tok[GW_TOKEN_MAX], path[96];
    long long store = new_store(), product = new_product(), id, id2;
    const cJSON *vf;
    struct resp r;

    receive(store, product, 10);
    wait_known(store, product);
    clerk_token(store, tok, sizeof tok);
    id = cash_sale("vs-split", store, product);
    wait_stock_level("on_hand", store, product, 9);
    snprintf(path, sizeof path, "/api/v1/stock-commits/txn-%lld/reverse", id);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0); /* the admin: no longer */
    ck_assert_msg(r.status == 403, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_field(&r), "sale_id");
    resp_free(&r);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.stock_commits WHERE sale_id = 'txn-%lld'"
                 " AND status = 'committed'",
                 id),
        1);
    set_rules(VOID_DECLINE_ALL);
    /* the admin's own declined void: the admin may not override it */
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
    resp_free(&r);
    ck_assert_int_eq(http("POST", path, "{\"override\":true,\"reason\":\"mine\"}", &r), 0);
    ck_assert_msg(r.status == 403, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_field(&r), "override");
    resp_free(&r);
    /* the split: the stock is back, the void stays declined for anyone */
    commit_reversed_out_of_band(id);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(http_as(k ? tok : st.token[0], "POST", path, NULL, &r), 0);
        ck_assert_msg(r.status == 422, "try %d: %d %s", k, r.status, r.body);
        ck_assert_str_eq(err_code(&r), "declined");
        resp_free(&r);
    }
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM txn.transactions WHERE id = %lld AND status = 'completed'"
                 " AND void_decision = 'decline'",
                 id),
        1);
    /* a decline recorded by the clerk, the stock back after it: the admin
     * (another principal, fraud.review) overrides it, saying why */
    id2 = cash_sale("vs-split-2", store, product);
    wait_stock_level("on_hand", store, product, 8);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id2);
    ck_assert_int_eq(http_as(tok, "POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
    resp_free(&r);
    commit_reversed_out_of_band(id2);
    ck_assert_int_eq(http_as(tok, "POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
    ck_assert_str_eq(err_code(&r), "declined");
    resp_free(&r);
    ck_assert_int_eq(
        http("POST", path, "{\"override\":true,\"reason\":\"stock back, receipt checked\"}", &r),
        0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "voided");
    vf = cJSON_GetObjectItem(r.json, "void_fraud");
    ck_assert_str_eq(cJSON_GetObjectItem(vf, "decision")->valuestring, "decline");
    resp_free(&r);
    sleep(1);
    ck_assert_int_eq(stock_level("on_hand", store, product), 8); /* not returned again */
    restore_rules();
}
END_TEST

/* Stops (SIGSTOP) or resumes (SIGCONT) the stack's Redis. */
static void
signal_redis(int sig)
{
    char path[512];
    FILE *f;
    int pid = 0;

    snprintf(path, sizeof path, "%s/pid/redis.pid", st.run_dir);
    ck_assert_ptr_nonnull(f = fopen(path, "r"));
    ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
    fclose(f);
    signal_pid(pid, sig);
}

/* Review 24 V4: with Redis down the void rules cannot be evaluated: the
 * void is refused (503 unavailable) and nothing is written, so no fail-open
 * approve is stored for a retry to carry out; once Redis is back it is
 * scored. */
START_TEST(test_void_redis_down_refused)
{
    char tok[GW_TOKEN_MAX], path[96];
    long long store = new_store(), product = new_product(), id;
    struct resp r;
    int status;
    char code[32], msg[256];

    receive(store, product, 10);
    wait_known(store, product);
    clerk_token(store, tok, sizeof tok);
    id = cash_sale("vr-redis", store, product);
    wait_stock_level("on_hand", store, product, 9);
    set_rules(VOID_RULES);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", id);
    signal_redis(SIGSTOP);
    status = http_as(tok, "POST", path, NULL, &r) == 0 ? r.status : -1;
    signal_redis(SIGCONT);
    snprintf(code, sizeof code, "%s", status > 0 ? err_code(&r) : "");
    snprintf(msg, sizeof msg, "%s", status > 0 && r.body ? r.body : "");
    if (status >= 0)
        resp_free(&r);
    ck_assert_msg(status == 503, "%d %s", status, msg);
    ck_assert_str_eq(code, "unavailable"); /* (tm-txn's reason is in its log only) */
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM txn.void_attempts WHERE transaction_id = %lld", id), 0);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM txn.transactions WHERE id = %lld AND status = 'completed'"
                 " AND void_decision IS NULL",
                 id),
        1);
    /* Redis back (tm-txn reconnects after its backoff): the void is scored */
    for (int k = 0; k < 40; k++) {
        ck_assert_int_eq(http_as(tok, "POST", path, NULL, &r), 0);
        if (r.status != 503)
            break;
        resp_free(&r);
        tm_sleep_ms(250);
    }
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "voided");
    resp_free(&r);
    restore_rules();
}
END_TEST

/* Naming another operator on every void does not dodge the operator
 * rules: the signed-in principal's voids are counted too. */
START_TEST(test_renamed_operator_cannot_dodge)
{
    char tok[GW_TOKEN_MAX];
    long long store = new_store(), product = new_product(), ids[4];
    char key[32], path[96], body[96];
    struct resp r;

    receive(store, product, 10);
    wait_known(store, product);
    clerk_token(store, tok, sizeof tok);
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "vr-%d", i);
        ids[i] = cash_sale(key, store, product);
    }
    set_rules(VOID_RULES);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", ids[i]);
        snprintf(body, sizeof body, "{\"operator\":\"alias%d-%s\"}", i, run_tag());
        ck_assert_int_eq(http_as(tok, "POST", path, body, &r), 0);
        if (i < 3)
            ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
        else {
            ck_assert_msg(r.status == 422, "%d %s", r.status, r.body);
            ck_assert_str_eq(err_code(&r), "declined");
        }
        resp_free(&r);
    }
    wait_stock_level("on_hand", store, product, 9);
    restore_rules();
}
END_TEST

Suite *
fraud_void_suite(void)
{
    Suite *s = suite_create("fraud_void");
    TCase *tc = tcase_create("voids");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_operator_void_burst);
    tcase_add_test(tc, test_renamed_operator_cannot_dodge);
    tcase_add_test(tc, test_void_retry_finishes_first_decision);
    tcase_add_test(tc, test_declined_void_split_needs_override);
    tcase_add_test(tc, test_void_redis_down_refused);
    suite_add_tcase(s, tc);
    return s;
}
