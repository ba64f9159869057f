/* tests/integration/events_test.c — the outbox end to end: every change has
 * its event in the same transaction, seq is gap-free even with two
 * instances writing at once, replay returns history, tail sees live events,
 * and when the publishing instance dies the other takes over. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* Replays every event after `after` through tm-events; returns them parsed
 * (a cJSON array the caller deletes). */
static cJSON *
replay(long long after)
{
    char cmd[1024], line[1 << 16];
    cJSON *all = cJSON_CreateArray();
    FILE *f;

    snprintf(cmd, sizeof cmd,
             "TM_RUN_DIR='%s' BIN='%s' '%s/deploy/stack.sh' events replay --after %lld 2>/dev/null",
             st.run_dir, st.bin, st.root, after);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        cJSON *e = cJSON_Parse(line);
        ck_assert_msg(e != NULL, "not JSON: %.200s", line);
        cJSON_AddItemToArray(all, e);
    }
    ck_assert_int_eq(pclose(f), 0);
    return all;
}

static long long
ev_seq(const cJSON *e)
{
    return (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "seq"));
}

static const char *
ev_topic(const cJSON *e)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(e, "topic"));
}

static const char *
ev_sku(const cJSON *e)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "sku"));
}

/* Every event carries what proto/events.md promises. */
static void
check_shape(const cJSON *e)
{
    const cJSON *data = cJSON_GetObjectItem(e, "data");
    const char *t = ev_topic(e);

    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "source")), "inventory");
    ck_assert_int_gt(ev_seq(e), 0);
    ck_assert_uint_eq(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(e, "ts"))), 24);
    ck_assert(cJSON_IsObject(data));
    if (strcmp(t, "stock.changed") == 0 || strcmp(t, "stock.low") == 0 ||
        strcmp(t, "stock.out") == 0) {
        static const char *const level[] = {"store_id", "product_id", "on_hand",
                                            "reserved", "available",  "reorder_point"};
        for (int i = 0; i < 6; i++)
            ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItem(data, level[i])), "%s lacks %s", t,
                          level[i]);
        if (strcmp(t, "stock.changed") == 0)
            ck_assert(cJSON_HasObjectItem(data, "movement"));
        return;
    }
    if (strcmp(t, "stock.ledger_mismatch") == 0) {
        ck_assert(cJSON_IsArray(cJSON_GetObjectItem(data, "gaps")));
        return;
    }
    if (strcmp(t, "forecast.updated") == 0) { /* make up's refresh wrote these */
        static const char *const nums[] = {"product_id", "category_id", "horizon_days",
                                           "series",     "total",       "mase"};
        for (int i = 0; i < 6; i++)
            ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItem(data, nums[i])), "%s lacks %s", t,
                          nums[i]);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(data, "class")));
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(data, "model")));
        return;
    }
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(data, "id")));
    if (strncmp(t, "reorder.", 8) == 0) { /* make up's reorder-scan wrote these */
        static const char *const nums[] = {"store_id", "product_id", "reorder_point",
                                           "order_quantity"};
        for (int i = 0; i < 4; i++)
            ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItem(data, nums[i])), "%s lacks %s", t,
                          nums[i]);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(data, "status")));
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(data, "reason")));
        return;
    }
    ck_assert(strcmp(t, "product.created") == 0 || strcmp(t, "product.updated") == 0 ||
              strcmp(t, "category.created") == 0 || strcmp(t, "category.updated") == 0 ||
              strcmp(t, "store.created") == 0 || strcmp(t, "store.updated") == 0);
}

START_TEST(test_history_is_gap_free_and_well_formed)
{
    cJSON *all = replay(0), *e;
    long long expect = 1;
    int products = 0;

    ck_assert_int_ge(cJSON_GetArraySize(all), 13 + 26 + 1200); /* the sample data's events */
    cJSON_ArrayForEach(e, all)
    {
        ck_assert_int_eq(ev_seq(e), expect++);
        check_shape(e);
        products += strcmp(ev_topic(e), "product.created") == 0;
    }
    ck_assert_int_ge(products, 1200);
    cJSON_Delete(all);
}
END_TEST

static long long
last_seq(void)
{
    cJSON *all = replay(0);
    long long last =
        cJSON_GetArraySize(all) ? ev_seq(cJSON_GetArrayItem(all, -1 + cJSON_GetArraySize(all))) : 0;

    cJSON_Delete(all);
    return last;
}

static void
post_product(const char *sku)
{
    char body[256];
    struct resp r;

    snprintf(body, sizeof body,
             "{\"sku\":\"%s\",\"name\":\"live\",\"category_id\":1,\"unit_price_cents\":1,"
             "\"unit_cost_cents\":1}",
             sku);
    ck_assert_int_eq(http("POST", "/api/v1/products", body, &r), 0);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
}

START_TEST(test_change_and_event_commit_together)
{
    long long before = last_seq();
    char body[256], sku[64];
    struct resp r;
    cJSON *after, *e;
    int found = 0;

    snprintf(sku, sizeof sku, "%s-EV1", run_tag());
    post_product(sku);
    snprintf(body, sizeof body,
             "{\"sku\":\"%s\",\"name\":\"again\",\"category_id\":1,\"unit_price_cents\":1,"
             "\"unit_cost_cents\":1}",
             sku);
    ck_assert_int_eq(http("POST", "/api/v1/products", body, &r),
                     0); /* duplicate: nothing written */
    ck_assert_int_eq(r.status, 409);
    resp_free(&r);
    events_numbered("inventory"); /* the publisher numbers after the commit */
    after = replay(before);
    cJSON_ArrayForEach(e, after)
    {
        if (ev_sku(e) && strcmp(ev_sku(e), sku) == 0) {
            ck_assert_str_eq(ev_topic(e), "product.created");
            found++;
        }
    }
    ck_assert_int_eq(found, 1);
    cJSON_Delete(after);
}
END_TEST

/* 40 products created at once by 4 processes through both instances. */
START_TEST(test_concurrent_writers_keep_seq_gap_free)
{
    long long before = last_seq(), expect;
    pid_t kids[4];
    cJSON *after, *e;
    int mine = 0;

    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            for (int i = 0; i < 10; i++) {
                char body[256];
                struct resp r;
                snprintf(body, sizeof body,
                         "{\"sku\":\"%s-CW%d-%d\",\"name\":\"c\",\"category_id\":1,"
                         "\"unit_price_cents\":1,\"unit_cost_cents\":1}",
                         run_tag(), k, i);
                if (http("POST", "/api/v1/products", body, &r) != 0 || r.status != 201)
                    _exit(1);
                resp_free(&r);
            }
            _exit(0);
        }
    }
    for (int k = 0; k < 4; k++) {
        int status = 0;
        waitpid(kids[k], &status, 0);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    events_numbered("inventory");
    after = replay(before);
    expect = before + 1;
    cJSON_ArrayForEach(e, after)
    {
        ck_assert_int_eq(ev_seq(e), expect++);
        mine += ev_sku(e) && strstr(ev_sku(e), "-CW") != NULL;
    }
    ck_assert_int_ge(mine, 40);
    cJSON_Delete(after);
}
END_TEST

/* Starts tm-events tail for `count` product events; returns its stream. */
static FILE *
start_tail(int count)
{
    char cmd[1024];
    FILE *f;

    snprintf(
        cmd, sizeof cmd,
        "TM_RUN_DIR='%s' BIN='%s' timeout 20 '%s/deploy/stack.sh' events tail --topic product. "
        "--count %d 2>/dev/null",
        st.run_dir, st.bin, st.root, count);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    return f;
}

/* Posts products "<run tag>-<what>-<k>" every 300 ms until the tail f
 * prints an event (its SUB socket connects at its own pace, and an event
 * published before that is not its to see), within 15 s; the event's
 * line into line. */
static void
tail_line(FILE *f, const char *what, char *line, int size)
{
    struct pollfd p = {.fd = fileno(f), .events = POLLIN};
    char sku[64];
    int k = 0;

    for (int64_t t0 = tm_mono_ms(); poll(&p, 1, 0) == 0; k++) {
        ck_assert_msg(tm_mono_ms() - t0 < 15000, "tm-events tail printed nothing in 15 s");
        snprintf(sku, sizeof sku, "%s-%s-%d", run_tag(), what, k);
        post_product(sku);
        poll(&p, 1, 300);
    }
    ck_assert_ptr_nonnull(fgets(line, size, f));
}

static int
publisher_of(void)
{
    for (int n = 1; n <= st.n_inventory; n++) {
        struct resp r;
        int active;
        if (http_port(st.inv_ops_port + n - 1, "GET", "/health", NULL, "", &r) != 0)
            continue; /* that instance is down */
        active = strstr(r.body, "\"outbox\":{\"state\":\"up\",\"detail\":\"publishing\"") != NULL;
        resp_free(&r);
        if (active)
            return n;
    }
    return 0;
}

START_TEST(test_tail_sees_live_events_and_publisher_fails_over)
{
    char sku[64], line[1 << 16];
    FILE *f = start_tail(1);
    int active, other;
    cJSON *e;

    snprintf(sku, sizeof sku, "%s-LIVE1-", run_tag());
    tail_line(f, "LIVE1", line, sizeof line);
    pclose(f);
    e = cJSON_Parse(line);
    ck_assert_ptr_nonnull(ev_sku(e));
    ck_assert_msg(strncmp(ev_sku(e), sku, strlen(sku)) == 0, "%s", line);
    cJSON_Delete(e);

    /* every LIVE1 event recorded as sent (tail_line may have posted more
     * than the one printed): the next publisher starts after them, and the
     * second tail sees LIVE2 only */
    events_numbered("inventory");
    for (int i = 0; sql_int("SELECT (published < last)::int FROM inventory.outbox_seq"); i++) {
        ck_assert_msg(i < 100, "inventory's events not all sent after 10 s");
        tm_sleep_ms(100);
    }
    active = publisher_of();
    ck_assert_int_gt(active, 0);
    signal_pid(pid_of("inventory", active), SIGKILL);
    other = active == 1 ? 2 : 1;
    for (int i = 0; i < 50 && publisher_of() != other; i++)
        tm_sleep_ms(100); /* the lock frees with the dead session */
    ck_assert_int_eq(publisher_of(), other);
    f = start_tail(1);
    snprintf(sku, sizeof sku, "%s-LIVE2-", run_tag());
    tail_line(f, "LIVE2", line, sizeof line);
    pclose(f);
    e = cJSON_Parse(line);
    ck_assert_ptr_nonnull(ev_sku(e));
    ck_assert_msg(strncmp(ev_sku(e), sku, strlen(sku)) == 0, "%s", line);
    cJSON_Delete(e);
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' BIN='%s' '%s/deploy/stack.sh' start inventory %d "
                        ">/dev/null 2>&1",
                        st.run_dir, st.bin, st.root, active),
                     0);
    /* leave the stack as found: both instances ready and no longer marked
     * down in the gateways (they skip a failed instance for a second) */
    wait_instances_ready("inventory", st.n_inventory);
}
END_TEST

/* A replay from beyond the end is empty, not an error. */
START_TEST(test_replay_beyond_the_end_is_empty)
{
    cJSON *all = replay(999999999);

    ck_assert_int_eq(cJSON_GetArraySize(all), 0);
    cJSON_Delete(all);
}
END_TEST

Suite *
events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("events");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_history_is_gap_free_and_well_formed);
    tcase_add_test(tc, test_replay_beyond_the_end_is_empty);
    tcase_add_test(tc, test_change_and_event_commit_together);
    tcase_add_test(tc, test_concurrent_writers_keep_seq_gap_free);
    tcase_add_test(tc, test_tail_sees_live_events_and_publisher_fails_over);
    suite_add_tcase(s, tc);
    return s;
}
