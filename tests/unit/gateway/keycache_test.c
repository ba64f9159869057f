/* tests/unit/gateway/keycache_test.c — services/gateway/keycache: a key
 * kept is found by its prefix only, a read begun before a drop is not
 * kept, a drop forgets only its prefix, a clear forgets every key, a copy
 * goes stale after its time, a full set gives up its oldest. */
#include <stdio.h>
#include <string.h>

#include "services/gateway/keycache.h"
#include "tests/unit/gateway/suites.h"

static struct gw_api_key
key(int64_t id, const char *prefix)
{
    struct gw_api_key k;

    memset(&k, 0, sizeof k);
    k.id = id;
    k.active = 1;
    snprintf(k.prefix, sizeof k.prefix, "%s", prefix);
    snprintf(k.secret_hash, sizeof k.secret_hash, "%064lld", (long long)id);
    return k;
}

START_TEST(test_kept_key_is_found_by_its_prefix)
{
    struct gw_keycache *c = gw_keycache_new();
    struct gw_api_key k = key(7, "a1b2c3d4e5f6"), got;
    int fresh;

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(gw_keycache_get(c, "a1b2c3d4e5f6", 0, &got, &fresh), 0);
    gw_keycache_put(c, &k, gw_keycache_ticket(c), 0);
    ck_assert_int_eq(gw_keycache_get(c, "a1b2c3d4e5f6", 0, &got, &fresh), 1);
    ck_assert_int_eq(got.id, 7);
    ck_assert_str_eq(got.secret_hash, k.secret_hash);
    ck_assert_int_eq(gw_keycache_get(c, "a1b2c3d4e5f7", 0, &got, &fresh), 0);
    ck_assert_int_eq(gw_keycache_get(c, "", 0, &got, &fresh), 0);
    gw_keycache_free(c);
}
END_TEST

/* The race the ticket closes: a read of PostgreSQL began, the key was
 * disabled and dropped, then the (old) read came back: not kept. */
START_TEST(test_read_begun_before_a_drop_is_not_kept)
{
    struct gw_keycache *c = gw_keycache_new();
    struct gw_api_key k = key(8, "0011223344aa"), got;
    uint64_t ticket = gw_keycache_ticket(c);
    int fresh;

    gw_keycache_drop(c, "0011223344aa");
    gw_keycache_put(c, &k, ticket, 0);
    ck_assert_int_eq(gw_keycache_get(c, "0011223344aa", 0, &got, &fresh), 0);
    /* any drop counts, not only the key's own: a ticket does not know
     * which prefix the read is for */
    ticket = gw_keycache_ticket(c);
    gw_keycache_drop(c, "ffffffffffff");
    gw_keycache_put(c, &k, ticket, 0);
    ck_assert_int_eq(gw_keycache_get(c, "0011223344aa", 0, &got, &fresh), 0);
    gw_keycache_put(c, &k, gw_keycache_ticket(c), 0);
    ck_assert_int_eq(gw_keycache_get(c, "0011223344aa", 0, &got, &fresh), 1);
    gw_keycache_free(c);
}
END_TEST

START_TEST(test_drop_forgets_its_prefix_clear_forgets_all)
{
    struct gw_keycache *c = gw_keycache_new();
    struct gw_api_key got;
    char prefix[24];
    int kept = 0, fresh;

    for (int i = 1; i <= 64; i++) {
        struct gw_api_key k;

        snprintf(prefix, sizeof prefix, "%012x", i);
        k = key(i, prefix);
        gw_keycache_put(c, &k, gw_keycache_ticket(c), 0);
    }
    for (int i = 1; i <= 64; i++) {
        snprintf(prefix, sizeof prefix, "%012x", i);
        kept += gw_keycache_get(c, prefix, 0, &got, &fresh);
    }
    ck_assert_int_ge(kept, 60); /* 256 sets of 4: a fifth in one set is rare */
    snprintf(prefix, sizeof prefix, "%012x", 5);
    if (gw_keycache_get(c, prefix, 0, &got, &fresh)) {
        gw_keycache_drop(c, prefix);
        ck_assert_int_eq(gw_keycache_get(c, prefix, 0, &got, &fresh), 0);
        kept--;
    }
    {
        int still = 0;

        for (int i = 1; i <= 64; i++) {
            snprintf(prefix, sizeof prefix, "%012x", i);
            still += gw_keycache_get(c, prefix, 0, &got, &fresh);
        }
        ck_assert_int_eq(still, kept);
    }
    gw_keycache_clear(c);
    for (int i = 1; i <= 64; i++) {
        snprintf(prefix, sizeof prefix, "%012x", i);
        ck_assert_int_eq(gw_keycache_get(c, prefix, 0, &got, &fresh), 0);
    }
    gw_keycache_free(c);
}
END_TEST

/* A copy is fresh for GW_KEYCACHE_TTL_MS after it was kept; kept again,
 * fresh again. */
START_TEST(test_copy_goes_stale_after_its_ttl)
{
    struct gw_keycache *c = gw_keycache_new();
    struct gw_api_key k = key(9, "feedfacecafe"), got;
    int fresh = -1;

    gw_keycache_put(c, &k, gw_keycache_ticket(c), 1000);
    ck_assert_int_eq(
        gw_keycache_get(c, "feedfacecafe", 1000 + GW_KEYCACHE_TTL_MS - 1, &got, &fresh), 1);
    ck_assert_int_eq(fresh, 1);
    ck_assert_int_eq(gw_keycache_get(c, "feedfacecafe", 1000 + GW_KEYCACHE_TTL_MS, &got, &fresh),
                     1);
    ck_assert_int_eq(fresh, 0);
    gw_keycache_put(c, &k, gw_keycache_ticket(c), 1000 + GW_KEYCACHE_TTL_MS);
    ck_assert_int_eq(gw_keycache_get(c, "feedfacecafe", 1000 + GW_KEYCACHE_TTL_MS, &got, &fresh),
                     1);
    ck_assert_int_eq(fresh, 1);
    gw_keycache_free(c);
}
END_TEST

/* More keys than slots: a set gives up its least recently kept, so the
 * keys kept last are all there. */
START_TEST(test_full_set_gives_up_its_oldest)
{
    struct gw_keycache *c = gw_keycache_new();
    struct gw_api_key got;
    char prefix[24];
    int fresh;

    for (int i = 1; i <= 2000; i++) {
        struct gw_api_key k;

        snprintf(prefix, sizeof prefix, "%012x", i);
        k = key(i, prefix);
        gw_keycache_put(c, &k, gw_keycache_ticket(c), i);
    }
    for (int i = 2000 - 63; i <= 2000; i++) {
        snprintf(prefix, sizeof prefix, "%012x", i);
        ck_assert_msg(gw_keycache_get(c, prefix, 2000, &got, &fresh), "key %d of the last 64 gone",
                      i);
        ck_assert_int_eq(got.id, i);
    }
    gw_keycache_free(c);
}
END_TEST

START_TEST(test_null_cache_and_empty_keys_keep_nothing)
{
    struct gw_keycache *c = gw_keycache_new();
    struct gw_api_key none = key(0, "abcdefabcdef"), got;
    int fresh;

    gw_keycache_put(NULL, &none, 0, 0);
    ck_assert_int_eq(gw_keycache_get(NULL, "abcdefabcdef", 0, &got, &fresh), 0);
    gw_keycache_drop(NULL, "abcdefabcdef");
    gw_keycache_clear(NULL);
    gw_keycache_free(NULL);
    gw_keycache_put(c, &none, gw_keycache_ticket(c), 0); /* id 0: not a key */
    ck_assert_int_eq(gw_keycache_get(c, "abcdefabcdef", 0, &got, &fresh), 0);
    gw_keycache_free(c);
}
END_TEST

Suite *
keycache_suite(void)
{
    Suite *s = suite_create("keycache");
    TCase *tc = tcase_create("keycache");

    tcase_add_test(tc, test_kept_key_is_found_by_its_prefix);
    tcase_add_test(tc, test_read_begun_before_a_drop_is_not_kept);
    tcase_add_test(tc, test_drop_forgets_its_prefix_clear_forgets_all);
    tcase_add_test(tc, test_copy_goes_stale_after_its_ttl);
    tcase_add_test(tc, test_full_set_gives_up_its_oldest);
    tcase_add_test(tc, test_null_cache_and_empty_keys_keep_nothing);
    suite_add_tcase(s, tc);
    return s;
}
