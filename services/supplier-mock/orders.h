/* services/supplier-mock/orders.h — the orders tm-supplier-mock holds,
 * idempotent by the buyer's key (docs/supplier-api.md, POST /v1/orders):
 * a key maps to the request it first came with (its fingerprint: reference,
 * ship-to store and lines, compared exactly) and to the order made from it.
 * Pure: no I/O, no clock (times arrive as arguments). Bounded: at most
 * `max` orders; a full book refuses new ones (TM_UNAVAIL) rather than grow.
 * Not thread-safe: the mock guards it, with the catalogue, by its lock. */
#ifndef TM_SUPPLIER_MOCK_ORDERS_H
#define TM_SUPPLIER_MOCK_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#include "services/supplier-mock/catalogue.h"

#define MOCK_KEY_MAX 64 /* Idempotency-Key: 1 to 64 of A-Z a-z 0-9 . _ : - */
#define MOCK_REF_MAX 64
#define MOCK_CODE_MAX 16 /* supplier code, the order ids' prefix */
#define MOCK_ORDER_ID_MAX (MOCK_CODE_MAX + 1 + 20)
#define MOCK_LINES_MAX 500
#define MOCK_QTY_MAX 10000000
#define MOCK_STORE_ID_MAX 9007199254740992LL /* 2^53: what a JSON number holds exactly */
#define MOCK_ORDERS_MAX 1000000              /* the largest cap a setting may give */
#define MOCK_DAY_MS 86400000LL

enum mock_status { MOCK_STATUS_CONFIRMED, MOCK_STATUS_ACCEPTED, MOCK_STATUS_CANCELLED };

/* An order as submitted, decoded (services/supplier-mock/decode.h). */
struct mock_req_line {
    char sku[MOCK_SKU_MAX + 1];
    int64_t quantity; /* 1..MOCK_QTY_MAX */
};
struct mock_order_req {
    char reference[MOCK_REF_MAX + 1]; /* "" when not given */
    int64_t store_id;                 /* ship_to.store_id; 0 when not given */
    int n_lines;                      /* 1..MOCK_LINES_MAX */
    struct mock_req_line lines[MOCK_LINES_MAX];
};

struct mock_line {
    char sku[MOCK_SKU_MAX + 1];
    int64_t quantity;           /* ordered */
    int64_t confirmed_quantity; /* min(quantity, available at the time) */
    int64_t unit_price_cents;   /* the price break for quantity */
};

struct mock_order {
    char id[MOCK_ORDER_ID_MAX + 1]; /* "<CODE>-000001" */
    char key[MOCK_KEY_MAX + 1];     /* the Idempotency-Key it was made under */
    char reference[MOCK_REF_MAX + 1];
    int64_t store_id;
    enum mock_status status;
    int64_t created_ms;   /* epoch milliseconds */
    int64_t expected_day; /* days since 1970-01-01 (UTC) */
    int n_lines;
    struct mock_line *lines; /* n_lines, owned */
};

struct mock_orders {
    char code[MOCK_CODE_MAX + 1];
    struct mock_order *v; /* n orders, in the order they were made */
    size_t n, max;
    uint64_t first_seq; /* v[i]'s id number is first_seq + i; ids are never reused */
    uint32_t *slots;    /* open-addressed key index: 1 + index into v, 0 when empty */
    size_t n_slots;     /* a power of two, at least twice max */
};

/* Prepares an empty book of at most max (1..MOCK_ORDERS_MAX) orders whose
 * ids start with code; allocates (aborting when out of memory). */
void mock_orders_init(struct mock_orders *o, const char *code, size_t max);
/* Frees everything. NULL-safe. */
void mock_orders_fini(struct mock_orders *o);
/* Forgets every order; ids go on from where they were. */
void mock_orders_clear(struct mock_orders *o);

/* 1 when key is a valid Idempotency-Key. */
int mock_idem_key_valid(const char *key);

/* Places req under key, taking from the catalogue's availability. On TM_OK,
 * *out is the order (borrowed: valid until the book next changes) and
 * *replayed is 1 when key was seen with the same request (nothing changed),
 * 0 when the order is new. TM_UNPROCESSABLE with *refusal
 * "idempotency_mismatch" (key seen with another request) or "unknown_sku"
 * (field names the line); TM_UNAVAIL when the book is full. Nothing changes
 * on failure. The order's expected_day is now_ms's day plus the longest
 * lead time of its lines' items. */
TM_MUSTCHECK enum tm_code mock_orders_submit(struct mock_orders *o, struct mock_catalogue *c,
                                             const char *key, const struct mock_order_req *req,
                                             int64_t now_ms, const struct mock_order **out,
                                             int *replayed, const char **refusal,
                                             struct tm_err *err);

/* The order with id, or NULL. Borrowed as above. */
const struct mock_order *mock_orders_get(const struct mock_orders *o, const char *id);

/* Cancels order id and gives its confirmed quantities back to the
 * catalogue's items still there; cancelling a cancelled order changes
 * nothing. TM_NOTFOUND (field "order_id") when there is none. */
TM_MUSTCHECK enum tm_code mock_orders_cancel(struct mock_orders *o, struct mock_catalogue *c,
                                             const char *id, const struct mock_order **out,
                                             struct tm_err *err);

/* "confirmed", "accepted" or "cancelled". */
const char *mock_status_name(enum mock_status s);

#endif
