/* services/gateway/token.h — access tokens: JWT signed with HMAC-SHA256
 * (RFC 7519, "HS256"). Any gateway instance holding the same key verifies a
 * token any other issued. Verification accepts exactly {"alg":"HS256"}
 * (so "none" and every other algorithm are refused), compares the signature
 * in constant time, and checks expiry against the caller's clock. Also the
 * base64url codec. Random tokens and digests are common/hash.h's.
 * No state; thread-safe. */
#ifndef TM_GATEWAY_TOKEN_H
#define TM_GATEWAY_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#include "proto/limits.h"

#define GW_TOKEN_SKEW_S 30           /* seconds a token's iat may be ahead of our clock */
#define GW_TOKEN_MAX 2048            /* bytes of an encoded access token */
#define GW_STORES_MAX 64             /* stores a scoped principal may hold */
#define GW_JTI_MAX 32                /* token id: 128 random bits, hex */
#define GW_KEY_MIN 32                /* signing key bytes, at least */
#define GW_SID_MAX TM_SESSION_ID_MAX /* session id: the refresh family, hex */

struct gw_claims {
    char sub[TM_PRINCIPAL_ID_MAX + 1]; /* "user:12" or "key:7" */
    char role[TM_ROLE_MAX + 1];
    int64_t stores[GW_STORES_MAX];
    int n_stores;
    char jti[GW_JTI_MAX + 1];
    char sid[GW_SID_MAX + 1]; /* the session (refresh token family); "" when none */
    int64_t iat, exp;         /* seconds since the epoch */
    int64_t iat_ms;           /* issue time in milliseconds, what revocation compares;
                                 0 when signing: iat * 1000 */
};

/* Encodes and signs c into out[size]. TM_TOOBIG when it does not fit. */
TM_MUSTCHECK enum tm_code gw_token_sign(const struct gw_claims *c, const unsigned char *key,
                                        size_t key_len, char *out, size_t size, struct tm_err *err);

/* Checks token's form, algorithm, signature and expiry (now_s, with 30 s
 * allowed for clock skew on iat) and fills *out. A token without "iat_ms"
 * or "sid" (signed before they existed) reads as iat_ms = iat * 1000 and
 * sid "". TM_UNAUTHENTICATED with a message saying which check failed. */
TM_MUSTCHECK enum tm_code gw_token_verify(const char *token, const unsigned char *key,
                                          size_t key_len, int64_t now_s, struct gw_claims *out,
                                          struct tm_err *err);

/* base64url without padding of data[len] into out[size]; TM_TOOBIG if short. */
TM_MUSTCHECK enum tm_code gw_b64url_encode(const void *data, size_t len, char *out, size_t size);
/* Decodes base64url (no padding) into out[size]; *n is the byte count.
 * TM_INVALID on a character outside the alphabet or a bad length. */
TM_MUSTCHECK enum tm_code gw_b64url_decode(const char *in, size_t in_len, unsigned char *out,
                                           size_t size, size_t *n);

#endif
