/* tests/unit/gateway/tokcache_test.c — verified tokens kept by their bytes:
 * the same bytes give the same principal until the token expires; any other
 * bytes (a payload changed under the same signature) are verified afresh
 * and refused; many threads reading and replacing slots never see a
 * principal that is not the one its token gave. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/time.h"

#include "services/gateway/auth.h"
#include "services/gateway/tokcache.h"
#include "services/gateway/token.h"
#include "tests/unit/gateway/suites.h"

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
#define KEYLEN 32

/* A signed token for user:<user>, expiring exp. */
static void
token_for(int user, int64_t iat, int64_t exp, char *tok, size_t size)
{
    struct gw_claims c;
    struct tm_err e;

    memset(&c, 0, sizeof c);
    snprintf(c.sub, sizeof c.sub, "user:%d", user);
    snprintf(c.role, sizeof c.role, "store_manager");
    c.stores[0] = user;
    c.n_stores = 1;
    snprintf(c.jti, sizeof c.jti, "%032d", user);
    c.iat = iat;
    c.exp = exp;
    ck_assert_int_eq(gw_token_sign(&c, key, KEYLEN, tok, size, &e), TM_OK);
}

static void
principal_for(int user, int64_t exp, struct gw_principal *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->env.id, sizeof p->env.id, "user:%d", user);
    p->user_id = user;
    p->env.token_exp = exp;
}

START_TEST(test_kept_until_expiry)
{
    struct gw_tokcache *c = gw_tokcache_new(100);
    struct gw_principal in, out;
    char tok[GW_TOKEN_MAX];

    token_for(7, 1000, 1900, tok, sizeof tok);
    principal_for(7, 1900, &in);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1500, &out), 0);
    gw_tokcache_put(c, tok, strlen(tok), 1000, &in);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1500, &out), 1);
    ck_assert_str_eq(out.env.id, "user:7");
    ck_assert_int_eq(out.user_id, 7);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1899, &out), 1);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1900, &out), 0); /* expired */
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1500, &out), 0); /* and wiped */
    /* issued more than GW_TOKEN_SKEW_S ahead of the clock (it went back) */
    gw_tokcache_put(c, tok, strlen(tok), 1500 + GW_TOKEN_SKEW_S + 1, &in);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1500, &out), 0);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1501, &out), 1);
    ck_assert_int_eq(gw_tokcache_get(NULL, tok, strlen(tok), 1500, &out), 0);
    gw_tokcache_put(NULL, tok, strlen(tok), 1000, &in); /* no-op */
    gw_tokcache_free(c);
    gw_tokcache_free(NULL);
    ck_assert_ptr_null(gw_tokcache_new(0));
}
END_TEST

START_TEST(test_other_bytes_are_not_a_hit)
{
    struct gw_tokcache *c = gw_tokcache_new(64);
    struct gw_principal in, out;
    char tok[GW_TOKEN_MAX], other[GW_TOKEN_MAX], longer[GW_TOKCACHE_TOKEN_MAX + 2];
    size_t n;

    token_for(7, 1000, 1900, tok, sizeof tok);
    principal_for(7, 1900, &in);
    gw_tokcache_put(c, tok, strlen(tok), 1000, &in);
    /* one byte of the payload changed: the same slot, not the same token */
    snprintf(other, sizeof other, "%s", tok);
    other[40] = other[40] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(gw_tokcache_get(c, other, strlen(other), 1500, &out), 0);
    /* one byte of the payload taken out: the same slot (the same last
     * characters), a shorter token */
    n = strlen(tok) - 1;
    snprintf(other, sizeof other, "%.40s%s", tok, tok + 41);
    ck_assert_uint_eq(strlen(other), n);
    ck_assert_int_eq(gw_tokcache_get(c, other, n, 1500, &out), 0);
    ck_assert_int_eq(gw_tokcache_get(c, tok, strlen(tok), 1500, &out), 1); /* still kept */
    /* a token longer than a slot holds is never kept */
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    gw_tokcache_put(c, longer, strlen(longer), 1000, &in);
    ck_assert_int_eq(gw_tokcache_get(c, longer, strlen(longer), 1500, &out), 0);
    gw_tokcache_free(c);
}
END_TEST

/* Through gw_authenticate_token: the second use is the cache's, and a
 * payload changed under the kept token's signature is refused. */
START_TEST(test_authenticate_keeps_and_refuses)
{
    struct gw_app app;
    struct gw_principal p;
    struct tm_err e;
    char tok[GW_TOKEN_MAX], forged[GW_TOKEN_MAX], bad_sig[GW_TOKEN_MAX];
    int64_t now = tm_now_ms() / 1000;
    char *dot;

    memset(&app, 0, sizeof app);
    memcpy(app.key, key, KEYLEN);
    app.key_len = KEYLEN;
    app.tokcache = gw_tokcache_new(64);
    token_for(11, now, now + 600, tok, sizeof tok);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(gw_authenticate_token(&app, tok, &p, &e), TM_OK);
        ck_assert_str_eq(p.env.id, "user:11");
        ck_assert_int_eq(p.known_role, 1);
        ck_assert_int_eq(p.n_stores, 1);
        ck_assert_int_eq(p.stores[0], 11);
    }
    ck_assert_int_eq(gw_tokcache_get(app.tokcache, tok, strlen(tok), now, &p), 1);
    /* the second use was the cache's: with the key changed, the kept token
     * still passes and a new one signed with the old key does not */
    app.key[0] ^= 1;
    ck_assert_int_eq(gw_authenticate_token(&app, tok, &p, &e), TM_OK);
    ck_assert_str_eq(p.env.id, "user:11");
    token_for(13, now, now + 600, forged, sizeof forged);
    ck_assert_int_eq(gw_authenticate_token(&app, forged, &p, &e), TM_UNAUTHENTICATED);
    app.key[0] ^= 1;
    /* another user's payload with the kept token's signature */
    token_for(12, now, now + 600, forged, sizeof forged);
    dot = strrchr(forged, '.');
    snprintf(dot, sizeof forged - (size_t)(dot - forged), "%s", strrchr(tok, '.'));
    ck_assert_int_eq(gw_authenticate_token(&app, forged, &p, &e), TM_UNAUTHENTICATED);
    ck_assert_msg(strstr(e.message, "signature") != NULL, "%s", e.message);
    ck_assert_str_eq(p.env.kind, "anonymous");
    /* the kept token with its signature changed */
    snprintf(bad_sig, sizeof bad_sig, "%s", tok);
    bad_sig[strlen(bad_sig) - 5] = bad_sig[strlen(bad_sig) - 5] == 'x' ? 'y' : 'x';
    ck_assert_int_eq(gw_authenticate_token(&app, bad_sig, &p, &e), TM_UNAUTHENTICATED);
    gw_tokcache_free(app.tokcache);
}
END_TEST

#define THREADS 4
#define TOKENS 200 /* in 64 slots: many share one */

struct race {
    char tok[TOKENS][GW_TOKEN_MAX];
    struct gw_tokcache *c;
    _Atomic int wrong;
};

static void *
race_thread(void *arg)
{
    struct race *r = arg;
    struct gw_principal in, out;
    char want[32];

    for (int i = 0; i < 40000; i++) {
        int t = i % TOKENS;

        if (gw_tokcache_get(r->c, r->tok[t], strlen(r->tok[t]), 1500, &out)) {
            snprintf(want, sizeof want, "user:%d", t);
            if (strcmp(out.env.id, want) != 0 || out.user_id != t)
                atomic_fetch_add(&r->wrong, 1);
        } else {
            principal_for(t, 1900, &in);
            gw_tokcache_put(r->c, r->tok[t], strlen(r->tok[t]), 1000, &in);
        }
    }
    return NULL;
}

START_TEST(test_threads_see_whole_entries)
{
    static struct race r;
    pthread_t th[THREADS];
    int wrong;

    memset(r.tok, 0, sizeof r.tok);
    atomic_store(&r.wrong, 0);
    r.c = gw_tokcache_new(64);
    for (int t = 0; t < TOKENS; t++)
        token_for(t, 1000, 1900, r.tok[t], sizeof r.tok[t]);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, race_thread, &r), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    wrong = atomic_load(&r.wrong);
    ck_assert_int_eq(wrong, 0);
    gw_tokcache_free(r.c);
}
END_TEST

Suite *
tokcache_suite(void)
{
    Suite *s = suite_create("tokcache");
    TCase *tc = tcase_create("tokcache");

    tcase_add_test(tc, test_kept_until_expiry);
    tcase_add_test(tc, test_other_bytes_are_not_a_hit);
    tcase_add_test(tc, test_authenticate_keeps_and_refuses);
    tcase_add_test(tc, test_threads_see_whole_entries);
    suite_add_tcase(s, tc);
    return s;
}
