/* services/gateway/token.c — HS256 tokens over OpenSSL's HMAC and base64.
 * Verified on an authenticated request whose token this gateway has not
 * kept (tokcache.h): two base64 decodes, one HMAC and one small JSON parse. */
#include "services/gateway/token.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/json.h"

/* base64url of {"alg":"HS256","typ":"JWT"}: the only header we issue or accept */
#define HEADER_B64 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

enum tm_code
gw_b64url_encode(const void *data, size_t len, char *out, size_t size)
{
    size_t need = 4 * ((len + 2) / 3) + 1;
    int n;

    if (need > size || len > 65536)
        return TM_TOOBIG;
    n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (int i = 0; i < n; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    return TM_OK;
}

enum tm_code
gw_b64url_decode(const char *in, size_t in_len, unsigned char *out, size_t size, size_t *n)
{
    char tmp[GW_TOKEN_MAX + 4];
    size_t padded = (in_len + 3) / 4 * 4;
    int got;

    if (in_len % 4 == 1 || padded >= sizeof tmp || padded / 4 * 3 > size)
        return TM_INVALID;
    for (size_t i = 0; i < in_len; i++) {
        char c = in[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return TM_INVALID;
        tmp[i] = c;
    }
    for (size_t i = in_len; i < padded; i++)
        tmp[i] = '=';
    got = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)padded);
    if (got < 0)
        return TM_INVALID;
    *n = (size_t)got - (padded - in_len); /* DecodeBlock counts padding as zero bytes */
    return TM_OK;
}

static enum tm_code
mac(const char *signing_input, size_t len, const unsigned char *key, size_t key_len,
    unsigned char md[32])
{
    unsigned int md_len = 0;

    if (!HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)signing_input, len, md,
              &md_len) ||
        md_len != 32)
        return TM_INTERNAL;
    return TM_OK;
}

enum tm_code
gw_token_sign(const struct gw_claims *c, const unsigned char *key, size_t key_len, char *out,
              size_t size, struct tm_err *err)
{
    struct tm_buf payload;
    char p64[GW_TOKEN_MAX], s64[64];
    unsigned char md[32];
    enum tm_code rc;
    int n;

    tm_buf_init(&payload, GW_TOKEN_MAX / 2);
    rc = tm_buf_adds(&payload, "{\"sub\":");
    if (rc == TM_OK && (rc = tm_json_quote(&payload, c->sub)) == TM_OK &&
        (rc = tm_buf_adds(&payload, ",\"role\":")) == TM_OK &&
        (rc = tm_json_quote(&payload, c->role)) == TM_OK)
        rc = tm_buf_adds(&payload, ",\"stores\":[");
    for (int i = 0; i < c->n_stores && rc == TM_OK; i++)
        rc = tm_buf_printf(&payload, "%s%lld", i ? "," : "", (long long)c->stores[i]);
    if (rc == TM_OK && (rc = tm_buf_adds(&payload, "],\"jti\":")) == TM_OK)
        rc = tm_json_quote(&payload, c->jti);
    if (rc == TM_OK && c->sid[0] && (rc = tm_buf_adds(&payload, ",\"sid\":")) == TM_OK)
        rc = tm_json_quote(&payload, c->sid);
    if (rc == TM_OK)
        rc = tm_buf_printf(&payload, ",\"iat\":%lld,\"iat_ms\":%lld,\"exp\":%lld}",
                           (long long)c->iat, (long long)(c->iat_ms ? c->iat_ms : c->iat * 1000),
                           (long long)c->exp);
    if (rc == TM_OK)
        rc = gw_b64url_encode(payload.p, payload.len, p64, sizeof p64);
    tm_buf_fini(&payload);
    if (rc != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "token claims too large");
    n = snprintf(out, size, "%s.%s", HEADER_B64, p64);
    if (n < 0 || (size_t)n >= size)
        return tm_err_set(err, TM_TOOBIG, NULL, "token too large");
    if (mac(out, (size_t)n, key, key_len, md) != TM_OK ||
        gw_b64url_encode(md, sizeof md, s64, sizeof s64) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "cannot sign token");
    if ((size_t)n + 1 + strlen(s64) + 1 > size)
        return tm_err_set(err, TM_TOOBIG, NULL, "token too large");
    snprintf(out + n, size - (size_t)n, ".%s", s64);
    return TM_OK;
}

static enum tm_code
bad(struct tm_err *err, const char *why)
{
    return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization", "invalid token: %s", why);
}

static enum tm_code
read_claims(const cJSON *o, struct gw_claims *out, struct tm_err *err)
{
    const cJSON *stores = cJSON_GetObjectItemCaseSensitive(o, "stores"), *s;

    if (tm_json_str(o, "sub", 1, TM_PRINCIPAL_ID_MAX, out->sub, sizeof out->sub, NULL) != TM_OK ||
        tm_json_str(o, "role", 1, TM_ROLE_MAX, out->role, sizeof out->role, NULL) != TM_OK ||
        tm_json_str(o, "jti", 1, GW_JTI_MAX, out->jti, sizeof out->jti, NULL) != TM_OK ||
        tm_json_i64(o, "iat", 0, INT64_MAX, &out->iat, NULL) != TM_OK ||
        tm_json_i64(o, "exp", 0, INT64_MAX, &out->exp, NULL) != TM_OK || !cJSON_IsArray(stores) ||
        cJSON_GetArraySize(stores) > GW_STORES_MAX)
        return bad(err, "claims");
    /* optional: absent from tokens signed before sessions were named */
    if ((tm_json_member(o, "sid") &&
         tm_json_str(o, "sid", 1, GW_SID_MAX, out->sid, sizeof out->sid, NULL) != TM_OK) ||
        (tm_json_member(o, "iat_ms") &&
         tm_json_i64(o, "iat_ms", 0, INT64_MAX / 2, &out->iat_ms, NULL) != TM_OK))
        return bad(err, "claims");
    if (!tm_json_member(o, "iat_ms"))
        out->iat_ms = out->iat > INT64_MAX / 2000 ? INT64_MAX / 2 : out->iat * 1000;
    out->n_stores = 0;
    cJSON_ArrayForEach(s, stores)
    {
        if (tm_json_as_i64(s, "stores", 1, INT64_MAX, &out->stores[out->n_stores], NULL) != TM_OK)
            return bad(err, "claims");
        out->n_stores++;
    }
    return TM_OK;
}

enum tm_code
gw_token_verify(const char *token, const unsigned char *key, size_t key_len, int64_t now_s,
                struct gw_claims *out, struct tm_err *err)
{
    const char *dot1, *dot2;
    unsigned char md[32], sig[64], payload[GW_TOKEN_MAX];
    size_t sig_len = 0, payload_len = 0, len = strnlen(token, GW_TOKEN_MAX + 1);
    cJSON *claims = NULL;
    enum tm_code rc;

    if (len > GW_TOKEN_MAX)
        return bad(err, "too long");
    dot1 = strchr(token, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
        return bad(err, "not a JWT");
    /* Only our exact header: refuses alg "none", RS256 and every other. */
    if ((size_t)(dot1 - token) != strlen(HEADER_B64) ||
        strncmp(token, HEADER_B64, strlen(HEADER_B64)) != 0)
        return bad(err, "algorithm");
    if (gw_b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof sig, &sig_len) != TM_OK ||
        sig_len != sizeof md || mac(token, (size_t)(dot2 - token), key, key_len, md) != TM_OK ||
        CRYPTO_memcmp(md, sig, sizeof md) != 0)
        return bad(err, "signature");
    if (gw_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), payload, sizeof payload - 1,
                         &payload_len) != TM_OK ||
        tm_json_parse((const char *)payload, payload_len, 3, "token", &claims, NULL) != TM_OK)
        return bad(err, "payload");
    memset(out, 0, sizeof *out);
    rc = read_claims(claims, out, err);
    cJSON_Delete(claims);
    if (rc != TM_OK)
        return rc;
    if (out->exp <= now_s)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Authorization", "token expired");
    if (out->iat > now_s + GW_TOKEN_SKEW_S)
        return bad(err, "issued in the future");
    return TM_OK;
}
