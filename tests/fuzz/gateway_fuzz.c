/* tests/fuzz/gateway_fuzz.c — libFuzzer target for the gateway's own
 * decoders of outside input: the bodies of login, refresh, logout, users
 * and API keys (services/gateway/decode.c) and the claims of an access
 * token (the input, signed here with the test key so that verification
 * reaches the claims parser), and the dashboard overview's readers
 * (services/gateway/overview_doc.c): the input as each daemon's answer to
 * the merge, as a cached value and as a store scope. Every input runs on a thread of
 * TM_DECODER_STACK_SIZE bytes, the part of a civetweb worker's stack a
 * decoder may use: the stack the gateway's handlers really run on, where a
 * 700-level body once overflowed cJSON. The same bytes are also what the
 * dashboard WebSocket reads (services/gateway/wsmsg.c): a client's message,
 * and, cut at the first NUL, a `channels` and a `since` query value; and a
 * message of the gateways' push channel (push.c), and a revocation's key
 * (revset.c); and, cut at the first NUL, a product id as the path or a
 * push message carries it to the product cache (readcache.c).
 * And tm-load-bench's readers (services/gateway/loadgen.c): the input as its
 * --mix and as its prices file, then the requests they make.
 * `make fuzz` builds it; make test runs it on tests/fuzz/corpus for a
 * bounded time. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/http.h"

#include "services/gateway/decode.h"
#include "services/gateway/loadgen.h"
#include "services/gateway/overview_doc.h"
#include "services/gateway/push.h"
#include "services/gateway/readcache.h"
#include "services/gateway/revset.h"
#include "services/gateway/token.h"
#include "services/gateway/wsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[] = "fuzz-signing-key-0123456789abcdef";

struct input {
    const char *text;
    size_t size;
};

/* header.payload.signature with the input as payload, as the gateway
 * would see a token it signed itself */
static void
verify_as_token(const char *text, size_t size)
{
    static const char header[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    char token[4096], *p;
    unsigned char md[32];
    unsigned int md_len = 0;
    struct gw_claims claims;
    size_t n;

    if (size > 2048)
        return;
    memcpy(token, header, sizeof header - 1);
    p = token + sizeof header - 1;
    *p++ = '.';
    if (gw_b64url_encode(text, size, p, sizeof token - (size_t)(p - token) - 64) != TM_OK)
        return;
    n = strlen(token);
    if (!HMAC(EVP_sha256(), key, (int)sizeof key - 1, (const unsigned char *)token, n, md, &md_len))
        return;
    token[n++] = '.';
    if (gw_b64url_encode(md, md_len, token + n, sizeof token - n) != TM_OK)
        return;
    (void)gw_token_verify(token, key, sizeof key - 1, 1700000000, &claims, NULL);
}

/* The input as each part's answer in turn (the others well formed), as a
 * cache value and as a store scope literal. */
static __attribute__((noinline)) void
overview_all(const char *text, size_t size)
{
    static const char summary[] = "{\"today\":{},\"last_24h\":{},\"top_products\":[],"
                                  "\"hourly\":[],\"applied\":{\"txn\":1}}";
    static const char stock[] = "{\"low_stock\":1,\"out_of_stock\":2}";
    static const char queue[] = "{\"waiting_review\":3}";
    static const char alerts[] = "{\"open\":4}";
    char *scope = malloc(GW_OV_SCOPE_MAX), *key = malloc(GW_OV_SCOPE_MAX);
    struct gw_ov_facts facts;
    const char *doc;
    size_t len;

    for (int p = 0; p < GW_OV_PARTS; p++) {
        struct gw_ov_reply r[GW_OV_PARTS] = {{GW_OV_OK, summary, sizeof summary - 1},
                                             {GW_OV_OK, stock, sizeof stock - 1},
                                             {GW_OV_OK, queue, sizeof queue - 1},
                                             {GW_OV_OK, alerts, sizeof alerts - 1}};
        struct tm_buf out;

        r[p] = (struct gw_ov_reply){GW_OV_OK, text, size};
        tm_buf_init(&out, 1 << 20);
        (void)gw_ov_merge(r, 0, "t", &out, &facts, NULL);
        tm_buf_fini(&out);
    }
    (void)gw_ov_unpack(text, size, 7, &facts, &doc, &len);
    if (!scope || !key)
        abort();
    if (size < GW_OV_SCOPE_MAX) {
        memcpy(scope, text, size);
        scope[size] = '\0';
        (void)gw_ov_scope_key(scope, 0, 7, key, GW_OV_SCOPE_MAX, NULL);
    }
    free(scope);
    free(key);
}

/* the WebSocket's readers; a query value is at most TM_QUERY_VALUE_MAX.
 * Not inlined: its buffers must not sit on the stack beside the token's. */
__attribute__((noinline)) static void
ws_read_all(const char *text, size_t size)
{
    char token[GW_TOKEN_MAX + 1], value[TM_QUERY_VALUE_MAX + 1];
    struct gw_ws_since since;
    unsigned mask;
    size_t n = strnlen(text, size < sizeof value - 1 ? size : sizeof value - 1);
    char *header = malloc(size + 1);

    memcpy(header, text, size);
    header[size] = '\0';
    if (gw_ws_protocol_token(header, token, sizeof token, NULL) == TM_OK &&
        (!token[0] || strlen(token) >= sizeof token || strchr(token, ',')))
        abort();
    free(header);
    memcpy(value, text, n);
    value[n] = '\0';
    if (gw_ws_channels_parse(value, &mask, NULL) == TM_OK && mask >= (1u << GW_WS_CHANNELS_N))
        abort();
    if (gw_ws_since_parse(value, &since, NULL) == TM_OK)
        for (int i = 0; i < since.n; i++)
            if (since.at[i].seq < 0 || !since.at[i].source[0])
                abort();
}

/* A product id is 1..999999999999999999, one spelling per id. */
static void
product_id(const char *text)
{
    char again[24];
    int64_t id;

    if (!gw_rc_id(text, &id))
        return;
    snprintf(again, sizeof again, "%lld", (long long)id);
    if (id < 1 || strcmp(again, text) != 0)
        abort();
}

/* what the push channel reads (services/gateway/push.c): a message, and,
 * cut at the first NUL, a revocation's key (revset.c) */
__attribute__((noinline)) static void
push_read_all(const char *text, size_t size)
{
    char kind[GW_PUSH_KIND_MAX], id[64], key[GW_PUSH_KEY_MAX];
    struct gw_revocation v;
    struct tm_err err;
    size_t n = strnlen(text, size < sizeof key - 1 ? size : sizeof key - 1);

    if (gw_push_decode(text, size, kind, id, key, &err) == TM_OK &&
        (!kind[0] || !id[0] || strchr(key, '\n') || strchr(key, '\t')))
        abort();
    memcpy(key, text, n);
    key[n] = '\0';
    if (gw_revset_decode(key, &v, &err) == TM_OK && (!v.subject[0] || v.ttl_ms < 0))
        abort();
    product_id(key);
}

/* tm-load-bench's --mix and prices file, and what a parsed one asks */
__attribute__((noinline)) static void
load_bench_all(const char *text, size_t size)
{
    struct lg_price *prices = malloc(LG_PRICES_MAX * sizeof *prices);
    struct lg_request *req = malloc(sizeof *req);
    struct lg_mix mix;
    int n = 0;

    if (!prices || !req)
        abort();
    if (lg_mix_parse(text, size, &mix, NULL) == TM_OK) {
        int sum = 0;

        for (int k = 0; k < LG_KINDS; k++)
            sum += mix.weight[k];
        if (mix.total <= 0 || sum != mix.total || lg_mix_pick(&mix, size) >= LG_KINDS)
            abort();
    }
    if (lg_prices_parse(text, size, prices, LG_PRICES_MAX, &n, NULL) == TM_OK) {
        struct lg_target t = {1000, 5, 256, 1, "fuzz", prices, n};

        if (n < 1 || n > LG_PRICES_MAX || prices[0].product_id < 1 || prices[0].cents < 1)
            abort();
        if (lg_request_make(LG_SALE, size, &t, req, NULL) != TM_OK ||
            strlen(req->body) >= LG_BODY_MAX)
            abort();
    }
    free(prices);
    free(req);
}

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    char email[GW_EMAIL_MAX + 1], password[GW_PASSWORD_MAX + 1], token[GW_REFRESH_TOKEN_MAX + 1];
    struct gw_user_in *user = malloc(sizeof *user); /* large: not on the small stack */
    struct gw_api_key *k = malloc(sizeof *k);

    if (!user || !k)
        abort();
    (void)gw_decode_login(in->text, in->size, email, password, NULL);
    (void)gw_decode_refresh(in->text, in->size, token, NULL);
    (void)gw_decode_logout(in->text, in->size, token, NULL);
    (void)gw_decode_user(in->text, in->size, 1, user, NULL);
    (void)gw_decode_user(in->text, in->size, 0, user, NULL);
    (void)gw_decode_key_create(in->text, in->size, k, NULL);
    (void)gw_decode_key_update(in->text, in->size, NULL);
    verify_as_token(in->text, in->size);
    overview_all(in->text, in->size);
    ws_read_all(in->text, in->size);
    push_read_all(in->text, in->size);
    load_bench_all(in->text, in->size);
    free(user);
    free(k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
