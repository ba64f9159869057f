/* tests/unit/common/hash_test.c — common/hash: digests against published
 * vectors, hex against its bounds, random hex by shape, unique ids by
 * shape and repetition, and derived keys
 * against an oracle built from the digest itself. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

#include "tests/unit/common/suites.h"

static int
all_lower_hex(const char *s)
{
    return strspn(s, "0123456789abcdef") == strlen(s);
}

START_TEST(test_hash_init_is_repeatable)
{
    ck_assert_int_eq(tm_hash_init(), TM_OK);
    ck_assert_int_eq(tm_hash_init(), TM_OK);
}
END_TEST

/* FIPS 180-2 examples and the empty string. */
static const struct {
    const char *in, *sha256;
} sha_vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

START_TEST(test_sha256_hex_matches_published_vectors)
{
    char hex[65];

    memset(hex, 'x', sizeof hex);
    tm_sha256_hex(sha_vectors[_i].in, strlen(sha_vectors[_i].in), hex);
    ck_assert_str_eq(hex, sha_vectors[_i].sha256);
}
END_TEST

START_TEST(test_hex_encodes_lower_case_within_bounds)
{
    static const unsigned char bin[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    char out[13], small[12];

    ck_assert_int_eq(tm_hex(bin, sizeof bin, out, sizeof out), TM_OK);
    ck_assert_str_eq(out, "00017f80abff");
    /* one byte short of 2n + 1: refused, nothing written */
    memset(small, 'x', sizeof small);
    ck_assert_int_eq(tm_hex(bin, sizeof bin, small, sizeof small), TM_TOOBIG);
    ck_assert_int_eq(small[0], 'x');
    ck_assert_int_eq(tm_hex(bin, 1, out, 0), TM_TOOBIG);
    ck_assert_int_eq(tm_hex(bin, 0, out, 1), TM_OK);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_random_hex_has_2n_lower_hex_digits)
{
    char a[129], b[129];

    for (size_t n = 0; n <= 64; n++) {
        ck_assert_int_eq(tm_random_hex(n, a, 2 * n + 1), TM_OK);
        ck_assert_uint_eq(strlen(a), 2 * n);
        ck_assert(all_lower_hex(a));
    }
    ck_assert_int_eq(tm_random_hex(32, a, sizeof a), TM_OK);
    ck_assert_int_eq(tm_random_hex(32, b, sizeof b), TM_OK);
    ck_assert_str_ne(a, b); /* 256 random bits: equal means no randomness */
}
END_TEST

START_TEST(test_random_hex_refuses_past_its_bounds)
{
    char out[131];

    ck_assert_int_eq(tm_random_hex(65, out, sizeof out), TM_TOOBIG);
    ck_assert_int_eq(tm_random_hex(16, out, 32), TM_TOOBIG);
    ck_assert_int_eq(tm_random_hex(16, out, 33), TM_OK);
    ck_assert_uint_eq(strlen(out), 32);
}
END_TEST

/* Oracle: the first 16 hex digits of SHA-256("scope:purpose"), sign bit off. */
static int64_t
key_oracle(const char *scope, const char *purpose)
{
    char text[256], hex[65], first[17];

    snprintf(text, sizeof text, "%s:%s", scope, purpose);
    tm_sha256_hex(text, strlen(text), hex);
    memcpy(first, hex, 16);
    first[16] = '\0';
    return (int64_t)(strtoull(first, NULL, 16) & INT64_MAX);
}

START_TEST(test_key64_is_the_digest_prefix_and_stable)
{
    int64_t k = tm_key64("inventory", "job:forecast_refresh");

    ck_assert_int_eq(k, key_oracle("inventory", "job:forecast_refresh"));
    ck_assert_int_eq(k, tm_key64("inventory", "job:forecast_refresh"));
}
END_TEST

START_TEST(test_key64_differs_by_scope_and_purpose_never_negative)
{
    static const char *const scopes[] = {"inventory", "txn", "analytics", "gateway"};
    static const char *const purposes[] = {"outbox", "inbox", "job:a", "job:b", "publisher"};
    int64_t keys[20];
    int n = 0, negative_digests = 0;

    for (size_t s = 0; s < 4; s++)
        for (size_t p = 0; p < 5; p++) {
            char text[64], hex[65];

            keys[n] = tm_key64(scopes[s], purposes[p]);
            ck_assert_int_ge(keys[n], 0);
            ck_assert_int_eq(keys[n], key_oracle(scopes[s], purposes[p]));
            for (int i = 0; i < n; i++)
                ck_assert_int_ne(keys[i], keys[n]);
            snprintf(text, sizeof text, "%s:%s", scopes[s], purposes[p]);
            tm_sha256_hex(text, strlen(text), hex);
            negative_digests += strchr("89abcdef", hex[0]) != NULL;
            n++;
        }
    /* the sign bit was really cleared for some: a digest starting 8..f */
    ck_assert_int_gt(negative_digests, 0);
}
END_TEST

/* RFC 4231 test cases 1 and 2 */
START_TEST(test_hmac_sha256_matches_rfc4231)
{
    unsigned char key1[20], mac[32];
    char hex[65];

    memset(key1, 0x0b, sizeof key1);
    tm_hmac_sha256(key1, sizeof key1, "Hi There", 8, mac);
    ck_assert_int_eq(tm_hex(mac, 32, hex, sizeof hex), TM_OK);
    ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    tm_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
    ck_assert_int_eq(tm_hex(mac, 32, hex, sizeof hex), TM_OK);
    ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

START_TEST(test_random_u32_varies)
{
    uint32_t first = tm_random_u32();
    int differs = 0;

    for (int i = 0; i < 8 && !differs; i++)
        differs = tm_random_u32() != first;
    ck_assert(differs);
}
END_TEST

enum { UNIQUE_N = 20000, UNIQUE_THREADS = 2 };
static char unique_ids[UNIQUE_THREADS * UNIQUE_N][33];

static void *
unique_worker(void *arg)
{
    char(*out)[33] = arg;

    for (int i = 0; i < UNIQUE_N; i++)
        if (tm_unique_hex(out[i], 33) != TM_OK)
            out[i][0] = '\0';
    return NULL;
}

static int
cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Ids made at once by two threads: 32 lower hex digits each, none twice,
 * and no id guessable from the one before (a counter would differ in its
 * last digits only: here consecutive ids differ in most of theirs). */
START_TEST(test_unique_hex_never_repeats_and_looks_random)
{
    pthread_t t[UNIQUE_THREADS];
    int low = 0;

    for (int i = 0; i < UNIQUE_THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, unique_worker, unique_ids[i * UNIQUE_N]), 0);
    for (int i = 0; i < UNIQUE_THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < UNIQUE_THREADS * UNIQUE_N; i++) {
        ck_assert_uint_eq(strlen(unique_ids[i]), 32);
        ck_assert(all_lower_hex(unique_ids[i]));
        if (i % UNIQUE_N > 0) {
            int same = 0;

            for (int k = 0; k < 32; k++)
                same += unique_ids[i][k] == unique_ids[i - 1][k];
            low += same > 12; /* 2 expected of 32; a counter keeps ~30 */
        }
    }
    ck_assert_int_lt(low, 10);
    qsort(unique_ids, UNIQUE_THREADS * UNIQUE_N, sizeof unique_ids[0], cmp_id);
    for (int i = 1; i < UNIQUE_THREADS * UNIQUE_N; i++)
        ck_assert_str_ne(unique_ids[i], unique_ids[i - 1]);
}
END_TEST

START_TEST(test_unique_hex_refuses_a_short_buffer)
{
    char out[33];

    ck_assert_int_eq(tm_unique_hex(out, 32), TM_TOOBIG);
    ck_assert_int_eq(tm_unique_hex(out, 33), TM_OK);
}
END_TEST

Suite *
hash_suite(void)
{
    Suite *s = suite_create("hash");
    TCase *init = tcase_create("init");
    TCase *sha = tcase_create("sha256");
    TCase *hex = tcase_create("hex");
    TCase *key = tcase_create("key64");

    tcase_add_test(init, test_hash_init_is_repeatable);
    tcase_add_loop_test(sha, test_sha256_hex_matches_published_vectors, 0,
                        (int)(sizeof sha_vectors / sizeof sha_vectors[0]));
    tcase_add_test(hex, test_hex_encodes_lower_case_within_bounds);
    tcase_add_test(hex, test_random_hex_has_2n_lower_hex_digits);
    tcase_add_test(hex, test_random_hex_refuses_past_its_bounds);
    tcase_add_test(key, test_key64_is_the_digest_prefix_and_stable);
    tcase_add_test(sha, test_hmac_sha256_matches_rfc4231);
    tcase_add_test(hex, test_random_u32_varies);
    tcase_add_test(hex, test_unique_hex_never_repeats_and_looks_random);
    tcase_add_test(hex, test_unique_hex_refuses_a_short_buffer);
    tcase_add_test(key, test_key64_differs_by_scope_and_purpose_never_negative);
    suite_add_tcase(s, init);
    suite_add_tcase(s, sha);
    suite_add_tcase(s, hex);
    suite_add_tcase(s, key);
    return s;
}
