/* tests/unit/txn/rules_cache_test.c — the per-version rule set cache: from
 * zeroed storage, hits only for the version held, moves only forward, and
 * hands out whole sets while workers put and get at once. */
#include <pthread.h>
#include <string.h>

#include <check.h>

#include "services/txn/rules_cache.h"

/* A set whose every field says which version it is. */
static void
marked_set(int version, struct fr_rule_set *s)
{
    memset(s, 0, sizeof *s);
    s->review_at = version;
    s->decline_at = version;
    s->n_rules = FR_RULES_MAX;
    for (int i = 0; i < FR_RULES_MAX; i++) {
        s->rules[i].weight = version;
        s->rules[i].threshold = version;
        s->rules[i].min_history = version;
    }
}

static int
is_marked(const struct fr_rule_set *s, int version)
{
    if (s->review_at != version || s->decline_at != version || s->n_rules != FR_RULES_MAX)
        return 0;
    for (int i = 0; i < FR_RULES_MAX; i++)
        if (s->rules[i].weight != version || s->rules[i].threshold != version ||
            s->rules[i].min_history != version)
            return 0;
    return 1;
}

START_TEST(test_rules_cache_hits_only_the_version_held)
{
    struct tx_rules_cache c = TX_RULES_CACHE_INIT;
    struct fr_rule_set in, out;

    marked_set(99, &out);
    ck_assert_int_eq(tx_rules_cache_version(&c), 0);
    ck_assert_int_eq(tx_rules_cache_get(&c, 1, &out), 0);
    ck_assert_int_eq(tx_rules_cache_get(&c, 0, &out), 0); /* "none" is not a version */
    ck_assert(is_marked(&out, 99));                       /* a miss leaves *out alone */
    marked_set(3, &in);
    ck_assert_int_eq(tx_rules_cache_put(&c, 3, &in), 1);
    ck_assert_int_eq(tx_rules_cache_version(&c), 3);
    ck_assert_int_eq(tx_rules_cache_get(&c, 2, &out), 0);
    ck_assert_int_eq(tx_rules_cache_get(&c, 4, &out), 0);
    ck_assert(is_marked(&out, 99));
    ck_assert_int_eq(tx_rules_cache_get(&c, 3, &out), 1);
    ck_assert(is_marked(&out, 3));
}
END_TEST

START_TEST(test_rules_cache_moves_only_forward)
{
    struct tx_rules_cache c = TX_RULES_CACHE_INIT;
    struct fr_rule_set in, out;

    marked_set(5, &in);
    ck_assert_int_eq(tx_rules_cache_put(&c, 5, &in), 1);
    marked_set(4, &in); /* a slower worker's older read */
    ck_assert_int_eq(tx_rules_cache_put(&c, 4, &in), 0);
    marked_set(5, &in);
    ck_assert_int_eq(tx_rules_cache_put(&c, 5, &in), 0); /* the same version: nothing new */
    ck_assert_int_eq(tx_rules_cache_version(&c), 5);
    ck_assert_int_eq(tx_rules_cache_get(&c, 5, &out), 1);
    ck_assert(is_marked(&out, 5));
    marked_set(6, &in); /* published by another instance */
    ck_assert_int_eq(tx_rules_cache_put(&c, 6, &in), 1);
    ck_assert_int_eq(tx_rules_cache_get(&c, 5, &out), 0);
    ck_assert_int_eq(tx_rules_cache_get(&c, 6, &out), 1);
    ck_assert(is_marked(&out, 6));
}
END_TEST

#define WORKERS 4
#define ROUNDS 20000

struct worker {
    struct tx_rules_cache *c;
    int first; /* the versions this worker publishes: first, first + WORKERS, ... */
    int torn;  /* sets handed out that were not wholly one version */
    int hits;
};

static void *
worker_run(void *arg)
{
    struct worker *w = arg;
    struct fr_rule_set s;

    for (int i = 0; i < ROUNDS; i++) {
        int v = w->first + (i / 64) * WORKERS, held;
        if (i % 64 == 0) {
            marked_set(v, &s);
            (void)tx_rules_cache_put(w->c, v, &s);
        }
        held = tx_rules_cache_version(w->c);
        if (tx_rules_cache_get(w->c, held, &s)) {
            w->hits++;
            w->torn += !is_marked(&s, held);
        }
    }
    return NULL;
}

/* Bus workers share one cache: whatever the interleaving, a hit is one
 * whole set of the version asked for, and the newest version wins. */
START_TEST(test_rules_cache_concurrent_workers_get_whole_sets)
{
    static struct tx_rules_cache c = TX_RULES_CACHE_INIT;
    struct worker w[WORKERS];
    pthread_t t[WORKERS];
    struct fr_rule_set out;
    int hits = 0, last = 1 + ((ROUNDS - 1) / 64) * WORKERS + WORKERS - 1;

    for (int i = 0; i < WORKERS; i++) {
        w[i] = (struct worker){&c, 1 + i, 0, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < WORKERS; i++) {
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
        ck_assert_int_eq(w[i].torn, 0);
        hits += w[i].hits;
    }
    ck_assert_int_gt(hits, 0);
    ck_assert_int_eq(tx_rules_cache_version(&c), last);
    ck_assert_int_eq(tx_rules_cache_get(&c, last, &out), 1);
    ck_assert(is_marked(&out, last));
}
END_TEST

Suite *rules_cache_suite(void);

Suite *
rules_cache_suite(void)
{
    Suite *s = suite_create("txn.rules_cache");
    TCase *tc = tcase_create("cache");

    tcase_add_test(tc, test_rules_cache_hits_only_the_version_held);
    tcase_add_test(tc, test_rules_cache_moves_only_forward);
    tcase_add_test(tc, test_rules_cache_concurrent_workers_get_whole_sets);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
