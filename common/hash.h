/* common/hash.h — the one home of digests, hex and random bytes. Hex is
 * libsodium's sodium_bin2hex, random bytes libsodium's randombytes_buf,
 * digests OpenSSL's EVP; nothing here keeps state, everything is
 * thread-safe (tm_hash_init once, before threads, as sodium_init asks). */
#ifndef TM_COMMON_HASH_H
#define TM_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* sodium_init; returns TM_INTERNAL when libsodium cannot start. Safe to
 * call more than once. */
TM_MUSTCHECK enum tm_code tm_hash_init(void);

/* Lower-case hex of bin[n] into out[size]; TM_TOOBIG when size < 2n+1. */
TM_MUSTCHECK enum tm_code tm_hex(const void *bin, size_t n, char *out, size_t size);

/* Hex SHA-256 of data[len] into out[65]. */
void tm_sha256_hex(const void *data, size_t len, char out[65]);

/* n random bytes, as 2n hex digits, into out[size]; TM_TOOBIG when
 * n > 64 or size < 2n+1. */
TM_MUSTCHECK enum tm_code tm_random_hex(size_t n, char *out, size_t size);

/* 16 bytes unique to this call, as 32 hex digits, into out[size] (size >=
 * 33): ChaCha20's keystream under a key drawn once per process (and again
 * in a child of fork()), at the position of a per-process counter.
 * Unguessable without the key and never repeated by one process, without a
 * system call: for identifiers made per request (request ids), not for
 * keys or secrets (tm_random_hex). */
TM_MUSTCHECK enum tm_code tm_unique_hex(char *out, size_t size);

/* HMAC-SHA256 of data[len] under key[key_len] into mac[32] (a webhook's
 * signature, tm-alerts). */
void tm_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char mac[32]);

/* A uniform random 32-bit number (retry jitter). */
uint32_t tm_random_u32(void);
/* FNV-1a (32 bit) of the NUL-terminated s, continuing from h (start with
 * TM_FNV32_INIT): a bucket index for in-memory tables, not a digest. */
#define TM_FNV32_INIT 2166136261u
uint32_t tm_fnv32(uint32_t h, const char *s);

/* A stable 63-bit key for "<scope>:<purpose>" (the first 8 bytes of its
 * SHA-256, sign bit cleared): PostgreSQL advisory lock keys are derived
 * with it from a schema and what the lock elects, never typed by hand. */
int64_t tm_key64(const char *scope, const char *purpose);

#endif
