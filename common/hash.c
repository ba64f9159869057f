/* common/hash.c — digests, hex and random bytes over libsodium and OpenSSL. */
#include "common/hash.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

enum tm_code
tm_hash_init(void)
{
    return sodium_init() < 0 ? TM_INTERNAL : TM_OK;
}

enum tm_code
tm_hex(const void *bin, size_t n, char *out, size_t size)
{
    if (n > (size - 1) / 2 || size == 0)
        return TM_TOOBIG;
    sodium_bin2hex(out, size, bin, n);
    return TM_OK;
}

void
tm_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    sodium_bin2hex(out, 65, md, 32);
}

enum tm_code
tm_random_hex(size_t n, char *out, size_t size)
{
    unsigned char raw[64];

    if (n > sizeof raw)
        return TM_TOOBIG;
    randombytes_buf(raw, n);
    return tm_hex(raw, n, out, size);
}

static unsigned char unique_key[crypto_stream_chacha20_KEYBYTES];
static pthread_once_t unique_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t unique_next;

static void
unique_rekey(void)
{
    randombytes_buf(unique_key, sizeof unique_key);
}

/* A child of fork() gets a key of its own: it would repeat its parent's
 * ids from the same counter. */
static void
unique_init(void)
{
    unique_rekey();
    (void)pthread_atfork(NULL, NULL, unique_rekey);
}

enum tm_code
tm_unique_hex(char *out, size_t size)
{
    unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {0}, raw[16];
    uint64_t n = atomic_fetch_add(&unique_next, 1);

    if (size < 2 * sizeof raw + 1)
        return TM_TOOBIG;
    pthread_once(&unique_once, unique_init);
    /* the counter as the nonce: each call its own keystream */
    for (size_t i = 0; i < sizeof nonce && i < sizeof n; i++)
        nonce[i] = (unsigned char)(n >> (8 * i));
    crypto_stream_chacha20(raw, sizeof raw, nonce, unique_key);
    return tm_hex(raw, sizeof raw, out, size);
}

void
tm_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, unsigned char mac[32])
{
    unsigned int mac_len = 32;

    HMAC(EVP_sha256(), key, (int)key_len, data, len, mac, &mac_len);
}

uint32_t
tm_random_u32(void)
{
    return randombytes_random();
}

int64_t
tm_key64(const char *scope, const char *purpose)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char text[256];
    uint64_t k = 0;
    int n = snprintf(text, sizeof text, "%s:%s", scope, purpose);

    if (n < 0 || (size_t)n >= sizeof text)
        n = (int)sizeof text - 1;
    EVP_Digest(text, (size_t)n, md, &mdlen, EVP_sha256(), NULL);
    for (int i = 0; i < 8; i++)
        k = k << 8 | md[i];
    return (int64_t)(k & INT64_MAX);
}

uint32_t
tm_fnv32(uint32_t h, const char *s)
{
    for (const char *p = s; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}
