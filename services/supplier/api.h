/* services/supplier/api.h — tm-supplier's client of a supplier's HTTP API
 * (docs/supplier-api.md), over libcurl: a timeout per call, retries with
 * exponential backoff and jitter on what is safe to retry (honouring
 * Retry-After), and a circuit breaker per supplier. An order is submitted
 * under the buyer's key (Idempotency-Key), so retrying it never makes a
 * second order. One struct sup_api per daemon; thread-safe. */
#ifndef TM_SUPPLIER_API_H
#define TM_SUPPLIER_API_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/ops.h"

#include "services/supplier/breaker.h"

#define SUP_API_KEY_MAX 64 /* an Idempotency-Key */
#define SUP_API_ORDER_ID_MAX 64
#define SUP_API_LINES_MAX 500 /* lines of one order */

struct sup_api;

struct sup_api_cfg {
    int timeout_ms;       /* one attempt, connect included */
    int attempts;         /* at most, the first included */
    int backoff_ms;       /* before the second attempt; doubles, with jitter */
    int backoff_max_ms;   /* cap of one wait (a Retry-After above it ends the retries) */
    int breaker_failures; /* consecutive failed calls that open the breaker */
    int breaker_open_ms;  /* how long it stays open before a half-open probe */
};

/* Which supplier to call: its id (the breaker's key), its base URL and key. */
struct sup_api_target {
    int64_t supplier_id;
    const char *base_url;
    const char *api_key; /* may be NULL: no Authorization header */
    int64_t deadline_ms; /* wall clock (tm_now_ms): no attempt or wait past it; 0 = none */
};

struct sup_api_line {
    int64_t product_id; /* the SKU is its decimal form */
    int64_t quantity;
};

struct sup_api_order_line {
    int64_t product_id, quantity, confirmed_quantity, unit_price_cents;
};

/* A supplier's order as it answered. */
struct sup_api_order {
    char order_id[SUP_API_ORDER_ID_MAX + 1];
    char status[16];            /* confirmed, accepted or cancelled */
    char expected_delivery[11]; /* YYYY-MM-DD, or "" when not given */
    int n_lines;
    struct sup_api_order_line lines[SUP_API_LINES_MAX];
};

/* Limits of the settings (sup_api_new checks them; main.c's table uses them). */
#define SUP_API_TIMEOUT_MS_MAX 600000
#define SUP_API_ATTEMPTS_MAX 10
#define SUP_API_BACKOFF_MS_MAX 600000
#define SUP_API_BREAKER_FAILURES_MAX 1000
#define SUP_API_BREAKER_OPEN_MS_MAX 3600000

/* TM_INVALID naming the setting when cfg is out of range. */
TM_MUSTCHECK enum tm_code sup_api_new(const struct sup_api_cfg *cfg, struct sup_api **out,
                                      struct tm_err *err);
void sup_api_free(struct sup_api *api);

/* Submits an order under `key` (retried with the same key). TM_OK with the
 * supplier's order in *out; TM_UNAVAIL when the supplier could not be
 * reached or kept failing (the order may or may not exist there: submit
 * again with the same key), or its breaker is open; TM_UNPROCESSABLE when
 * it refused the order (its message in err). */
TM_MUSTCHECK enum tm_code sup_api_submit(struct sup_api *api, const struct sup_api_target *t,
                                         const char *key, const char *reference, int64_t store_id,
                                         const struct sup_api_line *lines, int n,
                                         struct sup_api_order *out, struct tm_err *err);

/* Cancels the supplier's order order_id; codes as sup_api_submit. */
TM_MUSTCHECK enum tm_code sup_api_cancel(struct sup_api *api, const struct sup_api_target *t,
                                         const char *order_id, struct sup_api_order *out,
                                         struct tm_err *err);

/* Fetches the supplier's order order_id (GET /v1/orders/{order_id}, after
 * an unknown outcome, say); TM_NOTFOUND when it has none, else codes as
 * sup_api_submit. */
TM_MUSTCHECK enum tm_code sup_api_order_get(struct sup_api *api, const struct sup_api_target *t,
                                            const char *order_id, struct sup_api_order *out,
                                            struct tm_err *err);

struct sup_api_catalogue; /* services/supplier/api_decode.h */

/* Fetches the supplier's price list (GET /v1/catalogue) into *out, which
 * the caller empties with sup_api_catalogue_fini on TM_OK (on failure it is
 * empty). TM_UNAVAIL when the supplier could not be reached, kept failing or
 * its breaker is open; TM_UNPROCESSABLE when it refused (a 4xx). */
TM_MUSTCHECK enum tm_code sup_api_catalogue(struct sup_api *api, const struct sup_api_target *t,
                                            struct sup_api_catalogue *out, struct tm_err *err);

/* Called, outside the client's lock and on the calling thread, each time a
 * supplier's breaker changes state. */
typedef void (*sup_api_breaker_fn)(void *arg, int64_t supplier_id, enum sup_breaker_state from,
                                   enum sup_breaker_state to);
/* Sets the breaker listener; call before the client is shared. */
void sup_api_on_breaker(struct sup_api *api, sup_api_breaker_fn fn, void *arg);

/* The breaker state of supplier_id (closed for one never called). */
enum sup_breaker_state sup_api_breaker_state(struct sup_api *api, int64_t supplier_id);

/* Adds the "supplier-api" line of /health: up when every breaker is closed,
 * degraded (tm-supplier works on without those suppliers) naming the open
 * and half-open ones otherwise. */
void sup_api_health(struct sup_api *api, struct tm_health *h);

#endif
