/* tests/unit/gateway/push_test.c — the pure parts of the gateway's
 * in-memory checks: the push channel's message decoder (push.c), the
 * revocation set and its push key (revset.c), and lease sizing (lease.c),
 * checked against the rules their headers state. */
#include <stdio.h>
#include <string.h>

#include "services/gateway/lease.h"
#include "services/gateway/push.h"
#include "services/gateway/revset.h"
#include "tests/unit/gateway/suites.h"

static const struct {
    const char *msg;
    enum tm_code rc;
    const char *kind, *id, *key;
} push_cases[] = {
    {"revoke\tab-1\tuser 12 100 200", TM_OK, "revoke", "ab-1", "user 12 100 200"},
    {"product\tx\t", TM_OK, "product", "x", ""},
    {"revoke\t\tkey", TM_INVALID, NULL, NULL, NULL},
    {"Revoke\tx\tkey", TM_INVALID, NULL, NULL, NULL},
    {"\tx\tkey", TM_INVALID, NULL, NULL, NULL},
    {"revoke\tx", TM_INVALID, NULL, NULL, NULL},
    {"revoke", TM_INVALID, NULL, NULL, NULL},
    {"revoke\tx\tk\tey", TM_INVALID, NULL, NULL, NULL},
    {"revoke\tx\tk\ney", TM_INVALID, NULL, NULL, NULL},
    {"abcdefghijklmnopq\tx\tkey", TM_INVALID, NULL, NULL, NULL},
};

START_TEST(test_push_decode)
{
    char kind[GW_PUSH_KIND_MAX], id[64], key[GW_PUSH_KEY_MAX];
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(
        gw_push_decode(push_cases[_i].msg, strlen(push_cases[_i].msg), kind, id, key, &err),
        push_cases[_i].rc);
    if (push_cases[_i].rc != TM_OK)
        return;
    ck_assert_str_eq(kind, push_cases[_i].kind);
    ck_assert_str_eq(id, push_cases[_i].id);
    ck_assert_str_eq(key, push_cases[_i].key);
}
END_TEST

START_TEST(test_push_decode_bounds)
{
    char kind[GW_PUSH_KIND_MAX], id[64], key[GW_PUSH_KEY_MAX], msg[1024];
    struct tm_err err;

    memset(msg, 'a', sizeof msg);
    memcpy(msg, "revoke\tx\t", 9);
    ck_assert_int_eq(gw_push_decode(msg, 9 + GW_PUSH_KEY_MAX - 1, kind, id, key, &err), TM_OK);
    ck_assert_int_eq(gw_push_decode(msg, 9 + GW_PUSH_KEY_MAX, kind, id, key, &err), TM_INVALID);
    ck_assert_int_eq(gw_push_decode("revoke\tx\ta\0b", 12, kind, id, key, &err), TM_INVALID);
}
END_TEST

static struct gw_revocation
rev(const char *kind, const char *subject, int64_t before_ms, int64_t ttl_ms)
{
    struct gw_revocation v;

    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "%s", kind);
    snprintf(v.subject, sizeof v.subject, "%s", subject);
    v.before_ms = before_ms;
    v.ttl_ms = ttl_ms;
    return v;
}

START_TEST(test_revset_check)
{
    struct gw_revset *s = gw_revset_new();
    struct gw_revocation v[2] = {rev("user", "12", 1000, 5000), rev("sid", "fam", 9000, 5000)};
    struct gw_revocation jti = rev("jti", "t1", 9000, 100);

    ck_assert_int_eq(gw_revset_check(s, 12, "t1", "fam", 500, 0), -1); /* not loaded */
    gw_revset_load(s, v, 2, 0);
    ck_assert_int_eq(gw_revset_check(s, 12, "t9", "", 1000, 0), 1); /* at the marker */
    ck_assert_int_eq(gw_revset_check(s, 12, "t9", "", 1001, 0), 0); /* issued after */
    ck_assert_int_eq(gw_revset_check(s, 13, "t9", "", 500, 0), 0);  /* another user */
    ck_assert_int_eq(gw_revset_check(s, 13, "t9", "fam", 8000, 0), 1);
    ck_assert_int_eq(gw_revset_check(s, 12, "t9", "", 500, 5000), 0); /* expired */
    ck_assert_int_eq(gw_revset_check(s, 13, "t1", "", 500, 0), 0);
    gw_revset_add(s, &jti, 0);
    ck_assert_int_eq(gw_revset_check(s, 13, "t1", "", 500, 0), 1);
    jti.before_ms = 10; /* a marker only moves later */
    gw_revset_add(s, &jti, 0);
    ck_assert_int_eq(gw_revset_check(s, 13, "t1", "", 500, 50), 1);
    gw_revset_invalidate(s);
    ck_assert_int_eq(gw_revset_check(s, 13, "t1", "", 500, 0), -1);
    gw_revset_add(s, &jti, 0); /* not trusted until loaded again */
    ck_assert_int_eq(gw_revset_check(s, 13, "t1", "", 500, 0), -1);
    gw_revset_free(s);
}
END_TEST

/* A huge ttl from the channel must not wrap into the past (and so drop
 * the revocation). */
START_TEST(test_revset_ttl_clamp)
{
    struct gw_revset *s = gw_revset_new();
    struct gw_revocation v = rev("jti", "t2", 9000, INT64_MAX);

    ck_assert(gw_revset_expires(1000, INT64_MAX) == INT64_MAX);
    ck_assert(gw_revset_expires(INT64_MAX - 5, 10) == INT64_MAX);
    ck_assert(gw_revset_expires(1000, 500) == 1500);
    ck_assert(gw_revset_expires(1000, -5) == 1000);
    gw_revset_load(s, NULL, 0, 0);
    gw_revset_add(s, &v, 1700000000000);
    ck_assert_int_eq(gw_revset_check(s, 13, "t2", "", 500, 1700000000001), 1);
    gw_revset_add(s, &v, 1700000000002); /* again: the expiry only moves later */
    ck_assert_int_eq(gw_revset_check(s, 13, "t2", "", 500, 1700000000003), 1);
    gw_revset_free(s);
}
END_TEST

START_TEST(test_revset_key)
{
    struct gw_revocation v = rev("sid", "0123abcd", 9007199254740991LL, 960000), back;
    char key[GW_PUSH_KEY_MAX];
    struct tm_err err;

    gw_revset_encode(&v, key, sizeof key);
    ck_assert_int_eq(gw_revset_decode(key, &back, &err), TM_OK);
    ck_assert_str_eq(back.kind, "sid");
    ck_assert_str_eq(back.subject, "0123abcd");
    ck_assert_int_eq(back.before_ms, v.before_ms);
    ck_assert_int_eq(back.ttl_ms, v.ttl_ms);
    ck_assert_int_eq(gw_revset_decode("role 1 2 3", &back, &err), TM_INVALID);
    ck_assert_int_eq(gw_revset_decode("user 1 2", &back, &err), TM_INVALID);
    ck_assert_int_eq(gw_revset_decode("user 1 2 3 4", &back, &err), TM_INVALID);
    ck_assert_int_eq(gw_revset_decode("user 1 2 -3", &back, &err), TM_INVALID);
}
END_TEST

START_TEST(test_lease_size)
{
    ck_assert_int_eq(gw_lease_size(20, -1), 1);    /* small limits stay exact */
    ck_assert_int_eq(gw_lease_size(999, 999), 1);  /* likewise */
    ck_assert_int_eq(gw_lease_size(1000, -1), 31); /* a 32nd of what is left */
    ck_assert_int_eq(gw_lease_size(1000, 40), 1);  /* 1 near the limit */
    ck_assert_int_eq(gw_lease_size(1000, 0), 1);
    ck_assert_int_eq(gw_lease_size(100000000, -1), GW_LEASE_MAX);
    ck_assert_int_eq(gw_lease_size(100000000, 64), 2);
}
END_TEST

/* Keys of one set: the first n found, into keys[n][32]. */
static void
same_set(int n, char keys[][32])
{
    int found = 0, set = gw_leases_set_of("rl:user:0");

    for (int i = 0; found < n; i++) {
        snprintf(keys[found], 32, "rl:user:%d", i);
        if (gw_leases_set_of(keys[found]) == set)
            found++;
    }
}

/* Keys colliding in the table keep their shares (the reviewer's case: two
 * keys of one request evicting each other, each eviction burning a share),
 * and a share that is dropped reports its unspent requests to give back. */
START_TEST(test_lease_colliding)
{
    struct gw_leases *t = gw_leases_new();
    struct gw_lease_dropped d;
    char keys[9][32];
    int left = 0, known = 0;

    same_set(9, keys);
    gw_leases_stock(t, keys[0], 0, 10, 100, &d);
    ck_assert_int_eq(d.tokens, 0);
    gw_leases_stock(t, keys[1], 0, 20, 200, &d);
    ck_assert_int_eq(d.tokens, 0);
    for (int i = 0; i < 10; i++) { /* alternate, as one request's keys do */
        ck_assert_int_eq(gw_leases_spend(t, keys[0], 0, &left, &known), 1);
        ck_assert_int_eq(gw_leases_spend(t, keys[1], 0, &left, &known), 1);
    }
    ck_assert_int_eq(gw_leases_spend(t, keys[0], 0, &left, &known), 0);
    ck_assert_int_eq(known, 100);
    ck_assert_int_eq(gw_leases_spend(t, keys[1], 0, &left, &known), 1);
    ck_assert_int_eq(left, 209);
    for (int i = 2; i < 8; i++) { /* fills the set: nothing dropped */
        gw_leases_stock(t, keys[i], 0, 5, 50, &d);
        ck_assert_int_eq(d.tokens, 0);
    }
    /* keys[0] is the least recently used: dropped, with nothing unspent */
    gw_leases_stock(t, keys[8], 0, 5, 50, &d);
    ck_assert_int_eq(d.tokens, 0);
    ck_assert_int_eq(gw_leases_spend(t, keys[0], 0, &left, &known), 0);
    ck_assert_int_eq(known, -1);
    /* keys[0] back: keys[1] (9 left) is now the least recently used */
    gw_leases_stock(t, keys[0], 0, 3, 30, &d);
    ck_assert_str_eq(d.key, keys[1]);
    ck_assert_int_eq(d.tokens, 9);
    ck_assert_int_eq(d.start, 0);
    /* a new window drops the key's own earlier share */
    gw_leases_stock(t, keys[0], 60000, 4, 40, &d);
    ck_assert_str_eq(d.key, keys[0]);
    ck_assert_int_eq(d.tokens, 3);
    ck_assert_int_eq(gw_leases_spend(t, keys[0], 60000, &left, &known), 1);
    ck_assert_int_eq(left, 43);
    gw_leases_free(t);
}
END_TEST

Suite *
push_suite(void)
{
    Suite *s = suite_create("push");
    TCase *tc = tcase_create("push");

    tcase_add_loop_test(tc, test_push_decode, 0, (int)(sizeof push_cases / sizeof push_cases[0]));
    tcase_add_test(tc, test_push_decode_bounds);
    tcase_add_test(tc, test_revset_check);
    tcase_add_test(tc, test_revset_key);
    tcase_add_test(tc, test_revset_ttl_clamp);
    tcase_add_test(tc, test_lease_size);
    tcase_add_test(tc, test_lease_colliding);
    suite_add_tcase(s, tc);
    return s;
}
