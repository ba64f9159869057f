/* services/gateway/handlers.h — the routes tm-gateway answers itself:
 * login, token refresh and logout, who-am-I, users, API keys and the audit
 * log. They run through common/router in-process (same envelope, same
 * transaction and error discipline as a service), against the `gateway`
 * schema. ctx->app is the struct gw_app. */
#ifndef TM_GATEWAY_HANDLERS_H
#define TM_GATEWAY_HANDLERS_H

#include <stddef.h>

#include "common/router.h"

#include "services/gateway/app.h"
#include "services/gateway/store.h"

extern const struct tm_route gw_local_routes[];
extern const size_t gw_local_routes_n;

/* Fills k->prefix and k->secret_hash with a fresh key and writes the whole
 * key, "tmk_<prefix>_<secret>", into full[size] — the only time it exists
 * in the clear; the caller shows it once and wipes it. */
TM_MUSTCHECK enum tm_code gw_api_key_generate(struct gw_api_key *k, char *full, size_t size,
                                              struct tm_err *err);

/* argon2id hash of password (ops passes, mem_kib KiB) into out[size]. */
TM_MUSTCHECK enum tm_code gw_password_hash(int ops, int mem_kib, const char *password, char *out,
                                           size_t size, struct tm_err *err);

#endif
