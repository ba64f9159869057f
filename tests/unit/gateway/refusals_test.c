/* tests/unit/gateway/refusals_test.c — anonymous refusals counted in
 * memory: one counter per address, minute and status, taken out in the
 * order two gateways lock the rows in; a full table refuses a new key (the
 * caller writes it itself) and still counts the keys it holds; counts
 * from many threads add up exactly; counts the database does not take are
 * kept for the next flush, without trying again at once, and counted lost
 * if the last flush fails too. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/metrics.h"
#include "common/time.h"

#include "services/gateway/refusals.h"
#include "tests/unit/gateway/suites.h"

#define T0 1794999960000LL /* a minute's start, in ms */

static struct gw_refusal_count out[64];

START_TEST(test_counted_per_address_minute_and_status)
{
    struct gw_refusals *r = gw_refusals_new(NULL, 64, 0);
    int n;

    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < 5; i++)
        ck_assert(gw_refusals_add(r, "10.0.0.2", 401, T0 + i * 1000));
    ck_assert(gw_refusals_add(r, "10.0.0.1", 401, T0 + 10));
    ck_assert(gw_refusals_add(r, "10.0.0.2", 429, T0 + 20));
    ck_assert(gw_refusals_add(r, "10.0.0.2", 401, T0 + 60000)); /* the next minute */
    n = gw_refusals_take(r, out, 64);
    ck_assert_int_eq(n, 4);
    /* by minute, address, status */
    ck_assert_str_eq(out[0].source_addr, "10.0.0.1");
    ck_assert_int_eq(out[0].n, 1);
    ck_assert_str_eq(out[1].source_addr, "10.0.0.2");
    ck_assert_int_eq(out[1].status, 401);
    ck_assert_int_eq(out[1].n, 5);
    ck_assert_int_eq(out[1].minute_s, T0 / 1000);
    ck_assert_int_eq(out[1].last_ms, T0 + 4000);
    ck_assert_int_eq(out[2].status, 429);
    ck_assert_int_eq(out[3].minute_s, T0 / 1000 + 60);
    ck_assert_int_eq(out[3].n, 1);
    /* taken: the table is empty, and counts again from zero */
    ck_assert_int_eq(gw_refusals_take(r, out, 64), 0);
    ck_assert(gw_refusals_add(r, "10.0.0.2", 401, T0));
    ck_assert_int_eq(gw_refusals_take(r, out, 64), 1);
    ck_assert_int_eq(out[0].n, 1);
    /* an address that is empty or does not fit is not counted */
    ck_assert(!gw_refusals_add(r, "", 401, T0));
    ck_assert(!gw_refusals_add(
        r, "1234567890123456789012345678901234567890123456789012345678901234", 401, T0));
    gw_refusals_free(r);
}
END_TEST

START_TEST(test_full_table_refuses_new_keys_only)
{
    struct gw_refusals *r = gw_refusals_new(NULL, 16, 0); /* room for 12 */
    char addr[32];
    int n;

    for (int i = 0; i < 12; i++) {
        snprintf(addr, sizeof addr, "10.0.1.%d", i);
        ck_assert_msg(gw_refusals_add(r, addr, 401, T0), "%s", addr);
    }
    ck_assert(!gw_refusals_add(r, "10.0.1.99", 401, T0));
    ck_assert(gw_refusals_add(r, "10.0.1.3", 401, T0)); /* held: counted */
    ck_assert_int_eq(gw_refusals_take(r, out, 11), -1); /* does not fit: nothing moved */
    n = gw_refusals_take(r, out, 64);
    ck_assert_int_eq(n, 12);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(out[i].n, strcmp(out[i].source_addr, "10.0.1.3") == 0 ? 2 : 1);
    ck_assert(gw_refusals_add(r, "10.0.1.99", 401, T0)); /* room again */
    gw_refusals_free(r);
}
END_TEST

enum { THREADS = 8, EACH = 5000 };

static void *
adder(void *arg)
{
    struct gw_refusals *r = arg;
    char addr[32];

    for (int i = 0; i < EACH; i++) {
        snprintf(addr, sizeof addr, "10.0.2.%d", i % 7);
        ck_assert(gw_refusals_add(r, addr, i % 2 ? 401 : 429, T0));
    }
    return NULL;
}

/* A known principal's refusal is a first once a minute per route and
 * status; another minute, route, status or principal is a first again. */
START_TEST(test_first_refusal_once_a_minute)
{
    struct gw_refusals *r = gw_refusals_new(NULL, 64, 0);
    int64_t t = 1700000000000LL - 1700000000000LL % 60000;

    ck_assert_int_eq(gw_refusals_first(r, "user:1", "/api/v1/x", 429, t), 1);
    ck_assert_int_eq(gw_refusals_first(r, "user:1", "/api/v1/x", 429, t + 1000), 0);
    ck_assert_int_eq(gw_refusals_first(r, "user:1", "/api/v1/x", 429, t + 59999), 0);
    ck_assert_int_eq(gw_refusals_first(r, "user:1", "/api/v1/x", 429, t + 60000), 1);
    ck_assert_int_eq(gw_refusals_first(r, "user:1", "/api/v1/x", 403, t + 60000), 1);
    ck_assert_int_eq(gw_refusals_first(r, "user:1", "/api/v1/y", 429, t + 60000), 1);
    ck_assert_int_eq(gw_refusals_first(r, "user:2", "/api/v1/x", 429, t + 60000), 1);
    ck_assert_int_eq(gw_refusals_first(r, "user:2", "/api/v1/x", 429, t + 60001), 0);
    /* a thousand other principals since: a repeat may be taken for a first
     * (its slot reused), never the other way round */
    for (int i = 0; i < 1000; i++) {
        char p[32];

        snprintf(p, sizeof p, "key:%d", i);
        ck_assert_int_eq(gw_refusals_first(r, p, "/api/v1/x", 429, t + 60002), 1);
    }
    ck_assert_int_eq(gw_refusals_first(NULL, "user:1", "/api/v1/x", 429, t), 1);
    gw_refusals_free(r);
}
END_TEST

START_TEST(test_threads_add_up)
{
    struct gw_refusals *r = gw_refusals_new(NULL, 64, 0);
    pthread_t th[THREADS];
    long long total = 0;
    int n;

    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, adder, r), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    n = gw_refusals_take(r, out, 64);
    ck_assert_int_eq(n, 14);
    for (int i = 0; i < n; i++)
        total += out[i].n;
    ck_assert_int_eq(total, (long long)THREADS * EACH);
    gw_refusals_free(r);
}
END_TEST

/* The value of tm_gateway_refusals_total{outcome="<outcome>"}. */
static long long
refusals_metric(const char *outcome)
{
    struct tm_buf b;
    char line[128];
    const char *m;
    long long v = 0;

    tm_buf_init(&b, 1 << 20);
    ck_assert_int_eq(tm_metrics_render(&b), TM_OK);
    snprintf(line, sizeof line, "tm_gateway_refusals_total{outcome=\"%s\"} ", outcome);
    if (b.p && (m = strstr(b.p, line)) != NULL)
        v = atoll(m + strlen(line));
    tm_buf_fini(&b);
    return v;
}

static int64_t
cpu_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A database that refuses every connection: the counters stay in the
 * table between flushes (none lost), the flusher waits its period though
 * the table is over half full (it spun, retrying at once, before), and the
 * last flush at free counts them lost. */
START_TEST(test_unwritten_kept_then_lost_at_the_end)
{
    struct tm_db_pool *db = NULL;
    struct gw_refusals *r;
    long long lost = refusals_metric("lost"), batched = refusals_metric("batched");
    char addr[32];
    int64_t cpu;

    ck_assert_int_eq(
        tm_db_pool_new("postgresql://127.0.0.1:1/none?connect_timeout=1", 2, &db, NULL), TM_OK);
    r = gw_refusals_new(db, 64, 50); /* room for 48; an early flush from 24 */
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < 30; i++) {
        snprintf(addr, sizeof addr, "10.0.3.%d", i);
        ck_assert(gw_refusals_add(r, addr, 401, tm_now_ms()));
    }
    cpu = cpu_ms();
    tm_sleep_ms(600); /* about a dozen flushes, each failing */
    cpu = cpu_ms() - cpu;
    ck_assert_int_eq(refusals_metric("lost"), lost);
    ck_assert_msg(cpu < 200, "%lld ms of CPU in 600 ms: the flusher spins", (long long)cpu);
    gw_refusals_free(r);
    ck_assert_int_eq(refusals_metric("lost"), lost + 30);
    ck_assert_int_eq(refusals_metric("batched"), batched);
    tm_db_pool_free(db);
}
END_TEST

Suite *
refusals_suite(void)
{
    Suite *s = suite_create("refusals");
    TCase *tc = tcase_create("refusals");

    tcase_add_test(tc, test_counted_per_address_minute_and_status);
    tcase_add_test(tc, test_full_table_refuses_new_keys_only);
    tcase_add_test(tc, test_threads_add_up);
    tcase_add_test(tc, test_first_refusal_once_a_minute);
    tcase_add_test(tc, test_unwritten_kept_then_lost_at_the_end);
    suite_add_tcase(s, tc);
    return s;
}
