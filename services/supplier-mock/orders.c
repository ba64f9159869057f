/* services/supplier-mock/orders.c — the mock's order book. Every
 * POST /v1/orders lands here under the mock's lock: a key lookup (hashed,
 * O(1)), a catalogue lookup per line, and an append. Orders live in one
 * array in the order they were made, so an id's number gives its index
 * directly and GET /admin/orders lists them in order. The book is capped
 * (a setting): a test that floods the mock gets 503s, not an OOM. */
#include "services/supplier-mock/orders.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

static const char *const status_names[] = {"confirmed", "accepted", "cancelled"};

const char *
mock_status_name(enum mock_status s)
{
    return (int)s >= 0 && s <= MOCK_STATUS_CANCELLED ? status_names[s] : "confirmed";
}

void
mock_orders_init(struct mock_orders *o, const char *code, size_t max)
{
    memset(o, 0, sizeof *o);
    snprintf(o->code, sizeof o->code, "%s", code); /* its length is checked at config load */
    o->max = max;
    o->first_seq = 1;
    o->n_slots = 16;
    while (o->n_slots < 2 * max)
        o->n_slots *= 2;
    o->v = tm_xcalloc(max, sizeof o->v[0]);
    o->slots = tm_xcalloc(o->n_slots, sizeof o->slots[0]);
}

void
mock_orders_clear(struct mock_orders *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->v[i].lines);
    memset(o->v, 0, o->max * sizeof o->v[0]);
    memset(o->slots, 0, o->n_slots * sizeof o->slots[0]);
    o->first_seq += o->n;
    o->n = 0;
}

void
mock_orders_fini(struct mock_orders *o)
{
    if (!o || !o->v)
        return;
    mock_orders_clear(o);
    free(o->v);
    free(o->slots);
    memset(o, 0, sizeof *o);
}

int
mock_idem_key_valid(const char *key)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
    size_t n = strlen(key);

    return n >= 1 && n <= MOCK_KEY_MAX && strspn(key, ok) == n;
}

/* FNV-1a: short keys, no adversary worth more than a slow mock. */
static size_t
key_slot(const struct mock_orders *o, const char *key)
{
    uint64_t h = 14695981039346656037ULL;

    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)(h & (o->n_slots - 1));
}

/* The slot holding key, or the empty slot where it would go. */
static size_t
key_find(const struct mock_orders *o, const char *key)
{
    size_t s = key_slot(o, key);

    while (o->slots[s] != 0 && strcmp(o->v[o->slots[s] - 1].key, key) != 0)
        s = (s + 1) & (o->n_slots - 1);
    return s;
}

/* 1 when order ord was made from exactly req. */
static int
same_request(const struct mock_order *ord, const struct mock_order_req *req)
{
    if (strcmp(ord->reference, req->reference) != 0 || ord->store_id != req->store_id ||
        ord->n_lines != req->n_lines)
        return 0;
    for (int i = 0; i < req->n_lines; i++)
        if (strcmp(ord->lines[i].sku, req->lines[i].sku) != 0 ||
            ord->lines[i].quantity != req->lines[i].quantity)
            return 0;
    return 1;
}

/* Fills the new order ord from req, taking availability from c. Every SKU
 * has been checked to exist. */
static void
place(struct mock_orders *o, struct mock_order *ord, struct mock_catalogue *c, const char *key,
      const struct mock_order_req *req, int64_t now_ms)
{
    int lead = 0;

    snprintf(ord->id, sizeof ord->id, "%s-%06" PRIu64, o->code, o->first_seq + o->n);
    memcpy(ord->key, key, strlen(key) + 1);
    memcpy(ord->reference, req->reference, sizeof ord->reference);
    ord->store_id = req->store_id;
    ord->status = MOCK_STATUS_CONFIRMED;
    ord->created_ms = now_ms;
    ord->n_lines = req->n_lines;
    ord->lines = tm_xcalloc((size_t)req->n_lines, sizeof ord->lines[0]);
    for (int i = 0; i < req->n_lines; i++) {
        struct mock_item *it = mock_catalogue_find(c, req->lines[i].sku);
        struct mock_line *l = &ord->lines[i];

        memcpy(l->sku, it->sku, sizeof l->sku);
        l->quantity = req->lines[i].quantity;
        l->confirmed_quantity = l->quantity < it->available ? l->quantity : it->available;
        l->unit_price_cents = mock_item_price(it, l->quantity);
        it->available -= l->confirmed_quantity;
        if (it->lead_time_days > lead)
            lead = it->lead_time_days;
    }
    ord->expected_day = now_ms / MOCK_DAY_MS + lead;
}

enum tm_code
mock_orders_submit(struct mock_orders *o, struct mock_catalogue *c, const char *key,
                   const struct mock_order_req *req, int64_t now_ms, const struct mock_order **out,
                   int *replayed, const char **refusal, struct tm_err *err)
{
    size_t s;

    *out = NULL;
    *replayed = 0;
    *refusal = NULL;
    if (!mock_idem_key_valid(key))
        return tm_err_set(err, TM_INVALID, "Idempotency-Key",
                          "Idempotency-Key must be 1 to %d of A-Z a-z 0-9 . _ : -", MOCK_KEY_MAX);
    s = key_find(o, key);
    if (o->slots[s] != 0) {
        const struct mock_order *ord = &o->v[o->slots[s] - 1];

        if (!same_request(ord, req)) {
            *refusal = "idempotency_mismatch";
            return tm_err_set(err, TM_UNPROCESSABLE, "Idempotency-Key",
                              "key %s was used for %s with another body", key, ord->id);
        }
        *out = ord;
        *replayed = 1;
        return TM_OK;
    }
    for (int i = 0; i < req->n_lines; i++) {
        if (!mock_catalogue_find(c, req->lines[i].sku)) {
            char field[32];

            snprintf(field, sizeof field, "lines[%d].sku", i);
            *refusal = "unknown_sku";
            return tm_err_set(err, TM_UNPROCESSABLE, field, "sku %s is not in the catalogue",
                              req->lines[i].sku);
        }
    }
    if (o->n == o->max)
        return tm_err_set(err, TM_UNAVAIL, NULL, "the mock holds %zu orders, its limit", o->max);
    place(o, &o->v[o->n], c, key, req, now_ms);
    o->slots[s] = (uint32_t)(o->n + 1);
    *out = &o->v[o->n++];
    return TM_OK;
}

/* The order with id, or NULL: an id's number is its place in the array. */
static struct mock_order *
order_find(const struct mock_orders *o, const char *id)
{
    size_t n = strlen(o->code);
    uint64_t seq = 0;
    const char *p;

    if (strncmp(id, o->code, n) != 0 || id[n] != '-')
        return NULL;
    for (p = id + n + 1; *p >= '0' && *p <= '9' && p - id < MOCK_ORDER_ID_MAX; p++)
        seq = seq * 10 + (uint64_t)(*p - '0');
    if (*p != '\0' || seq < o->first_seq || seq - o->first_seq >= o->n)
        return NULL;
    /* "ACME-01" and "ACME-000001" name the same number; only the id as made matches */
    return strcmp(o->v[seq - o->first_seq].id, id) == 0 ? &o->v[seq - o->first_seq] : NULL;
}

const struct mock_order *
mock_orders_get(const struct mock_orders *o, const char *id)
{
    return order_find(o, id);
}

enum tm_code
mock_orders_cancel(struct mock_orders *o, struct mock_catalogue *c, const char *id,
                   const struct mock_order **out, struct tm_err *err)
{
    struct mock_order *ord = order_find(o, id);

    *out = NULL;
    if (!ord)
        return tm_err_set(err, TM_NOTFOUND, "order_id", "no order %.40s", id);
    if (ord->status != MOCK_STATUS_CANCELLED) {
        for (int i = 0; i < ord->n_lines; i++) {
            struct mock_item *it = mock_catalogue_find(c, ord->lines[i].sku);

            if (it && it->available <= MOCK_AVAILABLE_MAX - ord->lines[i].confirmed_quantity)
                it->available += ord->lines[i].confirmed_quantity;
        }
        ord->status = MOCK_STATUS_CANCELLED;
    }
    *out = ord;
    return TM_OK;
}
