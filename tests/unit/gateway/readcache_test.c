/* tests/unit/gateway/readcache_test.c — the gateway's product answer table
 * (services/gateway/readcache.c): hits only under the version kept, a drop
 * refusing the fills in flight, the entry and byte bounds, least recently
 * used eviction, the one spelling of an id, and a random run checked
 * against a plain array (the oracle). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/gateway/readcache.h"
#include "tests/unit/gateway/suites.h"

static struct gw_rc *
table(size_t entries, size_t bytes)
{
    struct gw_rc *t = NULL;

    ck_assert_int_eq(gw_rc_new(entries, bytes, &t, NULL), TM_OK);
    return t;
}

/* 1 on a hit, its body in got[size]. */
static int
get(struct gw_rc *t, int64_t id, const char *version, char *got, size_t size)
{
    struct tm_buf b;
    int hit;

    tm_buf_init(&b, 1 << 16);
    hit = gw_rc_get(t, id, version, &b);
    snprintf(got, size, "%s", b.p ? b.p : "");
    tm_buf_fini(&b);
    return hit;
}

START_TEST(test_rc_hit_only_under_its_version)
{
    struct gw_rc *t = table(64, 1 << 20);
    struct gw_rc_stats st;
    char got[64];

    ck_assert(!get(t, 7, "e:0", got, sizeof got));
    ck_assert(gw_rc_put(t, 7, gw_rc_ticket(t, 7), "e:0", "{\"id\":7}", 8));
    ck_assert(get(t, 7, "e:0", got, sizeof got));
    ck_assert_str_eq(got, "{\"id\":7}");
    ck_assert(!get(t, 8, "e:0", got, sizeof got));
    /* another version: a write elsewhere, or a restarted Redis; the stale one goes */
    ck_assert(!get(t, 7, "e:1", got, sizeof got));
    ck_assert_str_eq(got, "");
    gw_rc_stats(t, &st);
    ck_assert_uint_eq(st.entries, 0);
    ck_assert_uint_eq(st.bytes, 0);
    ck_assert(!get(t, 7, "e:0", got, sizeof got));
    gw_rc_free(t);
}
END_TEST

START_TEST(test_rc_drop_refuses_fills_in_flight)
{
    struct gw_rc *t = table(64, 1 << 20);
    uint64_t before = gw_rc_ticket(t, 5);
    char got[64];

    ck_assert(gw_rc_put(t, 5, before, "v", "old", 3));
    before = gw_rc_ticket(t, 5); /* a fill starts ... */
    gw_rc_drop(t, 5);            /* ... a write is heard ... */
    ck_assert(!get(t, 5, "v", got, sizeof got));
    ck_assert(!gw_rc_put(t, 5, before, "v", "old", 3)); /* ... its answer may predate it */
    ck_assert(!get(t, 5, "v", got, sizeof got));
    ck_assert(gw_rc_put(t, 5, gw_rc_ticket(t, 5), "v", "new", 3));
    ck_assert(get(t, 5, "v", got, sizeof got));
    ck_assert_str_eq(got, "new");
    gw_rc_free(t);
}
END_TEST

START_TEST(test_rc_clear)
{
    struct gw_rc *t = table(64, 1 << 20);
    uint64_t ticket = gw_rc_ticket(t, 9);
    struct gw_rc_stats st;
    char got[64];

    for (int64_t id = 1; id <= 20; id++)
        ck_assert(gw_rc_put(t, id, gw_rc_ticket(t, id), "v", "x", 1));
    gw_rc_clear(t);
    gw_rc_stats(t, &st);
    ck_assert_uint_eq(st.entries, 0);
    ck_assert_uint_eq(st.bytes, 0);
    ck_assert(!get(t, 3, "v", got, sizeof got));
    ck_assert(!gw_rc_put(t, 9, ticket, "v", "x", 1)); /* began before the clear */
    ck_assert(gw_rc_put(t, 9, gw_rc_ticket(t, 9), "v", "x", 1));
    gw_rc_free(t);
}
END_TEST

START_TEST(test_rc_bounds)
{
    struct gw_rc *t = table(8, 100);
    static char big[GW_RC_BODY_MAX + 1];
    char version[GW_RC_VERSION_MAX + 1];
    struct gw_rc_stats st;

    memset(big, 'x', sizeof big);
    memset(version, 'v', sizeof version - 1);
    version[sizeof version - 1] = '\0';
    ck_assert(!gw_rc_put(t, 1, gw_rc_ticket(t, 1), "v", big, sizeof big));
    ck_assert(!gw_rc_put(t, 1, gw_rc_ticket(t, 1), version, "x", 1));
    ck_assert(!gw_rc_put(t, 0, gw_rc_ticket(t, 0), "v", "x", 1));
    ck_assert(gw_rc_put(t, 1, gw_rc_ticket(t, 1), "v", big, 60));
    ck_assert(!gw_rc_put(t, 2, gw_rc_ticket(t, 2), "v", big, 41)); /* 101 bytes */
    ck_assert(gw_rc_put(t, 2, gw_rc_ticket(t, 2), "v", big, 40));
    gw_rc_stats(t, &st);
    ck_assert_uint_eq(st.bytes, 100);
    ck_assert_uint_eq(st.entries, 2);
    for (int64_t id = 3; id < 1000; id++)
        (void)gw_rc_put(t, id, gw_rc_ticket(t, id), "v", "y", 1);
    gw_rc_stats(t, &st);
    ck_assert_uint_le(st.entries, 8);
    ck_assert_uint_le(st.bytes, 100);
    gw_rc_free(t);
}
END_TEST

START_TEST(test_rc_lru_in_a_set)
{
    struct gw_rc *t = table(GW_RC_WAYS, 1 << 20); /* one set */
    char got[64], body[24];

    for (int64_t id = 1; id <= GW_RC_WAYS; id++) {
        snprintf(body, sizeof body, "%lld", (long long)id);
        ck_assert(gw_rc_put(t, id, gw_rc_ticket(t, id), "v", body, strlen(body)));
    }
    ck_assert(get(t, 1, "v", got, sizeof got)); /* 2 is now the least recently used */
    ck_assert(gw_rc_put(t, 99, gw_rc_ticket(t, 99), "v", "99", 2));
    ck_assert(!get(t, 2, "v", got, sizeof got));
    ck_assert(get(t, 1, "v", got, sizeof got));
    ck_assert_str_eq(got, "1");
    ck_assert(get(t, 99, "v", got, sizeof got));
    gw_rc_free(t);
}
END_TEST

static const struct {
    const char *text;
    int ok;
    int64_t id;
} id_cases[] = {
    {"1", 1, 1},
    {"42", 1, 42},
    {"999999999999999999", 1, 999999999999999999LL},
    {"0", 0, 0},
    {"042", 0, 0},
    {"", 0, 0},
    {"-1", 0, 0},
    {"+1", 0, 0},
    {"1 ", 0, 0},
    {"1x", 0, 0},
    {"1000000000000000000", 0, 0},
};

START_TEST(test_rc_id)
{
    int64_t id = 0;

    ck_assert_int_eq(gw_rc_id(id_cases[_i].text, &id), id_cases[_i].ok);
    if (id_cases[_i].ok)
        ck_assert_int_eq(id, id_cases[_i].id);
}
END_TEST

/* Random puts, gets and drops against a plain array of (version, body)
 * with the table big enough never to evict: the same answers. */
START_TEST(test_rc_oracle)
{
    enum { IDS = 50 };
    struct {
        int kept;
        char version[8];
        char body[16];
    } want[IDS + 1];
    struct gw_rc *t = table(4096, 1 << 20);
    unsigned seed = 22;
    char got[64];

    memset(want, 0, sizeof want);
    for (int step = 0; step < 20000; step++) {
        int64_t id = 1 + rand_r(&seed) % IDS;
        int op = rand_r(&seed) % 3;
        char version[8], body[16];

        snprintf(version, sizeof version, "v%d", rand_r(&seed) % 3);
        if (op == 0) {
            snprintf(body, sizeof body, "b%d", step);
            ck_assert(gw_rc_put(t, id, gw_rc_ticket(t, id), version, body, strlen(body)));
            want[id].kept = 1;
            snprintf(want[id].version, sizeof want[id].version, "%s", version);
            snprintf(want[id].body, sizeof want[id].body, "%s", body);
        } else if (op == 1) {
            int hit = want[id].kept && !strcmp(want[id].version, version);

            ck_assert_int_eq(get(t, id, version, got, sizeof got), hit);
            if (hit)
                ck_assert_str_eq(got, want[id].body);
            else
                want[id].kept = 0;
        } else {
            gw_rc_drop(t, id);
            want[id].kept = 0;
        }
    }
    gw_rc_free(t);
}
END_TEST

Suite *
readcache_suite(void)
{
    Suite *s = suite_create("gateway.readcache");
    TCase *tc = tcase_create("readcache");

    tcase_add_test(tc, test_rc_hit_only_under_its_version);
    tcase_add_test(tc, test_rc_drop_refuses_fills_in_flight);
    tcase_add_test(tc, test_rc_clear);
    tcase_add_test(tc, test_rc_bounds);
    tcase_add_test(tc, test_rc_lru_in_a_set);
    tcase_add_loop_test(tc, test_rc_id, 0, (int)(sizeof id_cases / sizeof id_cases[0]));
    tcase_add_test(tc, test_rc_oracle);
    suite_add_tcase(s, tc);
    return s;
}
