/* tests/unit/gateway/token_test.c — HS256 tokens: a good one passes; an
 * expired, tampered, wrong-key, alg:none or malformed one is refused with
 * the reason; base64url against RFC 4648 vectors. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "services/gateway/token.h"
#include "tests/unit/gateway/suites.h"

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
#define KEYLEN 32

static void
claims(struct gw_claims *c, int64_t iat, int64_t exp)
{
    memset(c, 0, sizeof *c);
    snprintf(c->sub, sizeof c->sub, "user:7");
    snprintf(c->role, sizeof c->role, "store_manager");
    c->stores[0] = 3;
    c->stores[1] = 11;
    c->n_stores = 2;
    snprintf(c->jti, sizeof c->jti, "0123456789abcdef0123456789abcdef");
    c->iat = iat;
    c->exp = exp;
}

START_TEST(test_token_round_trip)
{
    struct gw_claims in, out;
    struct tm_err e;
    char tok[GW_TOKEN_MAX];

    claims(&in, 1000, 1900);
    ck_assert_int_eq(gw_token_sign(&in, key, KEYLEN, tok, sizeof tok, &e), TM_OK);
    ck_assert_int_eq(strncmp(tok, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37), 0);
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 1500, &out, &e), TM_OK);
    ck_assert_str_eq(out.sub, "user:7");
    ck_assert_str_eq(out.role, "store_manager");
    ck_assert_int_eq(out.n_stores, 2);
    ck_assert_int_eq(out.stores[1], 11);
    ck_assert_int_eq(out.exp, 1900);
    /* expiry is exclusive; the clock is the caller's */
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 1900, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_ptr_nonnull(strstr(e.message, "expired"));
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 900, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_ptr_nonnull(strstr(e.message, "future"));
}
END_TEST

/* The session and the millisecond issue time round-trip; a token signed
 * before they existed reads as no session, issued at iat * 1000. */
START_TEST(test_token_session_and_ms_issue_time)
{
    struct gw_claims in, out;
    struct tm_err e;
    char tok[GW_TOKEN_MAX];

    claims(&in, 1000, 1900);
    snprintf(in.sid, sizeof in.sid, "00ff00ff00ff00ff00ff00ff00ff00ff");
    in.iat_ms = 1000789;
    ck_assert_int_eq(gw_token_sign(&in, key, KEYLEN, tok, sizeof tok, &e), TM_OK);
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 1500, &out, &e), TM_OK);
    ck_assert_str_eq(out.sid, "00ff00ff00ff00ff00ff00ff00ff00ff");
    ck_assert_int_eq(out.iat, 1000);
    ck_assert_int_eq(out.iat_ms, 1000789);
    claims(&in, 1000, 1900); /* no sid, iat_ms 0: signs iat * 1000 */
    ck_assert_int_eq(gw_token_sign(&in, key, KEYLEN, tok, sizeof tok, &e), TM_OK);
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 1500, &out, &e), TM_OK);
    ck_assert_str_eq(out.sid, "");
    ck_assert_int_eq(out.iat_ms, 1000000);
}
END_TEST

/* A token in the form issued before sessions were named (no sid, no
 * iat_ms) still verifies, as issued at the start of its second. */
START_TEST(test_token_without_session_claims_verifies)
{
    static const char payload[] = "{\"sub\":\"user:7\",\"role\":\"viewer\",\"stores\":[],"
                                  "\"jti\":\"ab\",\"iat\":1000,\"exp\":1900}";
    char p64[512], s64[64], tok[GW_TOKEN_MAX];
    unsigned char md[32];
    unsigned int md_len = 0;
    struct gw_claims out;
    struct tm_err e;

    ck_assert_int_eq(gw_b64url_encode(payload, strlen(payload), p64, sizeof p64), TM_OK);
    snprintf(tok, sizeof tok, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.%s", p64);
    ck_assert_ptr_nonnull(
        HMAC(EVP_sha256(), key, KEYLEN, (const unsigned char *)tok, strlen(tok), md, &md_len));
    ck_assert_int_eq(gw_b64url_encode(md, sizeof md, s64, sizeof s64), TM_OK);
    snprintf(tok + strlen(tok), sizeof tok - strlen(tok), ".%s", s64);
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 1500, &out, &e), TM_OK);
    ck_assert_str_eq(out.sid, "");
    ck_assert_int_eq(out.iat_ms, 1000000);
}
END_TEST

START_TEST(test_token_tampered_or_wrong_key_refused)
{
    static const unsigned char other[] = "ffffffffffffffffffffffffffffffff";
    struct gw_claims in, out;
    struct tm_err e;
    char tok[GW_TOKEN_MAX], *p;

    claims(&in, 1000, 1900);
    ck_assert_int_eq(gw_token_sign(&in, key, KEYLEN, tok, sizeof tok, &e), TM_OK);
    ck_assert_int_eq(gw_token_verify(tok, other, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_ptr_nonnull(strstr(e.message, "signature"));
    ck_assert_str_eq(e.field, "Authorization");
    p = strchr(tok, '.') + 5; /* a byte of the payload */
    *p = *p == 'A' ? 'B' : 'A';
    ck_assert_int_eq(gw_token_verify(tok, key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_ptr_nonnull(strstr(e.message, "signature"));
}
END_TEST

START_TEST(test_token_alg_none_and_garbage_refused)
{
    struct gw_claims in, out;
    struct tm_err e;
    char tok[GW_TOKEN_MAX], forged[GW_TOKEN_MAX], h64[128];
    const char *none = "{\"alg\":\"none\",\"typ\":\"JWT\"}", *hs512 = "{\"alg\":\"HS512\"}";
    const char *payload;

    claims(&in, 1000, 1900);
    ck_assert_int_eq(gw_token_sign(&in, key, KEYLEN, tok, sizeof tok, &e), TM_OK);
    payload = strchr(tok, '.') + 1;
    ck_assert_int_eq(gw_b64url_encode(none, strlen(none), h64, sizeof h64), TM_OK);
    snprintf(forged, sizeof forged, "%s.%.*s.", h64, (int)(strrchr(tok, '.') - payload), payload);
    ck_assert_int_eq(gw_token_verify(forged, key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_ptr_nonnull(strstr(e.message, "algorithm"));
    ck_assert_int_eq(gw_b64url_encode(hs512, strlen(hs512), h64, sizeof h64), TM_OK);
    snprintf(forged, sizeof forged, "%s.%s", h64, payload);
    ck_assert_int_eq(gw_token_verify(forged, key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_token_verify("abc", key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_token_verify("a.b", key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_token_verify("a.b.c.d", key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_token_verify("", key, KEYLEN, 1500, &out, &e), TM_UNAUTHENTICATED);
}
END_TEST

START_TEST(test_b64url_vectors)
{
    static const struct {
        const char *raw, *enc;
    } v[] = {{"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
             {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
    char enc[64];
    unsigned char dec[64];
    size_t n;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        ck_assert_int_eq(gw_b64url_encode(v[i].raw, strlen(v[i].raw), enc, sizeof enc), TM_OK);
        ck_assert_str_eq(enc, v[i].enc);
        ck_assert_int_eq(gw_b64url_decode(enc, strlen(enc), dec, sizeof dec, &n), TM_OK);
        ck_assert_uint_eq(n, strlen(v[i].raw));
        ck_assert(memcmp(dec, v[i].raw, n) == 0);
    }
    ck_assert_int_eq(gw_b64url_decode("Zm9v+", 5, dec, sizeof dec, &n), TM_INVALID);
    ck_assert_int_eq(gw_b64url_decode("Zm9=", 4, dec, sizeof dec, &n), TM_INVALID);
    ck_assert_int_eq(gw_b64url_decode("Z", 1, dec, sizeof dec, &n), TM_INVALID);
}
END_TEST

Suite *
token_suite(void)
{
    Suite *s = suite_create("gateway.token");
    TCase *tc = tcase_create("token");

    tcase_add_test(tc, test_token_round_trip);
    tcase_add_test(tc, test_token_session_and_ms_issue_time);
    tcase_add_test(tc, test_token_without_session_claims_verifies);
    tcase_add_test(tc, test_token_tampered_or_wrong_key_refused);
    tcase_add_test(tc, test_token_alg_none_and_garbage_refused);
    tcase_add_test(tc, test_b64url_vectors);
    suite_add_tcase(s, tc);
    return s;
}
