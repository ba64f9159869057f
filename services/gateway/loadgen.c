/* services/gateway/loadgen.c — the pure parts of tm-load-bench: the mix,
 * the schedule, the requests and the latency histogram (see loadgen.h).
 * The histogram is a plain array of 0.1 ms buckets rather than anything
 * cleverer: a minute of them is 2.4 MB, adding is one increment (the tool
 * must cost little beside what it measures), and a percentile is exact to
 * the bucket. */
#include "services/gateway/loadgen.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[LG_KINDS] = {
    "floor", "product", "inventory", "low_stock", "txn_list", "overview", "sale",
};

const char *
lg_kind_name(int kind)
{
    return kind >= 0 && kind < LG_KINDS ? kind_names[kind] : "?";
}

static enum tm_code
mix_bad(struct lg_mix *mix, struct tm_err *err, const char *why)
{
    memset(mix, 0, sizeof *mix);
    return tm_err_set(err, TM_INVALID, "mix", "%s", why);
}

enum tm_code
lg_mix_parse(const char *text, size_t len, struct lg_mix *mix, struct tm_err *err)
{
    int seen[LG_KINDS] = {0};
    size_t i = 0;

    memset(mix, 0, sizeof *mix);
    if (!text || len == 0 || len > LG_MIX_MAX)
        return mix_bad(mix, err, "want kind=weight,... of 1 to 256 bytes");
    while (i < len) {
        size_t start = i, name_len;
        int kind = -1;
        long w = 0;

        while (i < len && text[i] != '=' && text[i] != ',')
            i++;
        name_len = i - start;
        for (int k = 0; k < LG_KINDS; k++)
            if (strlen(kind_names[k]) == name_len && !memcmp(text + start, kind_names[k], name_len))
                kind = k;
        if (kind < 0 || i >= len || text[i] != '=')
            return mix_bad(mix, err, "an unknown kind, or one without =weight");
        if (seen[kind]++)
            return mix_bad(mix, err, "a kind named twice");
        if (++i >= len || text[i] < '0' || text[i] > '9')
            return mix_bad(mix, err, "a weight is a number");
        while (i < len && text[i] >= '0' && text[i] <= '9') {
            w = w * 10 + (text[i++] - '0');
            if (w > LG_WEIGHT_MAX)
                return mix_bad(mix, err, "a weight is at most 100000");
        }
        mix->weight[kind] = (int)w;
        mix->total += (int)w;
        if (i < len && (text[i] != ',' || i + 1 == len))
            return mix_bad(mix, err, "weights are separated by single commas");
        i += i < len;
    }
    if (mix->total <= 0)
        return mix_bad(mix, err, "no kind has a weight");
    return TM_OK;
}

/* splitmix64's finaliser: neighbouring k land far apart */
static uint64_t
mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t
lg_spread(uint64_t k, uint64_t salt, uint64_t n)
{
    return mix64(k ^ mix64(salt)) % n;
}

enum lg_kind
lg_mix_pick(const struct lg_mix *mix, uint64_t k)
{
    int r = (int)lg_spread(k, 0, (uint64_t)mix->total);

    for (int kind = 0; kind < LG_KINDS; kind++) {
        if (r < mix->weight[kind])
            return (enum lg_kind)kind;
        r -= mix->weight[kind];
    }
    return LG_FLOOR; /* not reached when total is the weights' sum */
}

int64_t
lg_due_us(int64_t start_us, int64_t k, int rate)
{
    /* whole seconds first, so k * 10^6 cannot overflow for any k below 2^43 */
    return start_us + (k / rate) * 1000000 + (k % rate) * 1000000 / rate;
}

/* reads digits at *p (before end) into *v, at most max; 0 when none or too big */
static int
read_num(const char **p, const char *end, int64_t max, int64_t *v)
{
    const char *s = *p;

    *v = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        *v = *v * 10 + (*s++ - '0');
        if (*v > max)
            return 0;
    }
    if (s == *p)
        return 0;
    *p = s;
    return 1;
}

enum tm_code
lg_prices_parse(const char *text, size_t len, struct lg_price *out, int max, int *n,
                struct tm_err *err)
{
    const char *p = text, *end = text + len;
    int64_t id, cents;

    *n = 0;
    if (!text || len > LG_PRICES_FILE_MAX)
        return tm_err_set(err, TM_INVALID, "prices", "more than %d bytes", LG_PRICES_FILE_MAX);
    while (p < end) {
        if (*n >= max)
            return tm_err_set(err, TM_INVALID, "prices", "more than %d lines", max);
        if (!read_num(&p, end, INT64_C(9007199254740992), &id) || id < 1 || p >= end ||
            *p++ != ' ' || !read_num(&p, end, 1000000000, &cents) || cents < 1 ||
            (p < end && *p++ != '\n'))
            return tm_err_set(err, TM_INVALID, "prices", "line %d is not \"product_id cents\"",
                              *n + 1);
        out[*n].product_id = id;
        out[(*n)++].cents = (int)cents;
    }
    if (*n == 0)
        return tm_err_set(err, TM_INVALID, "prices", "no lines");
    return TM_OK;
}

static enum tm_code
sale_make(uint64_t k, const struct lg_target *t, struct lg_request *req, struct tm_err *err)
{
    const struct lg_price *p;
    int n;

    if (t->n_prices <= 0 || !t->prices)
        return tm_err_set(err, TM_INVALID, "prices", "a sale needs prices");
    p = &t->prices[lg_spread(k, 7, (uint64_t)t->n_prices)];
    req->method = "POST";
    snprintf(req->path, sizeof req->path, "/api/v1/transactions");
    n = snprintf(req->key, sizeof req->key, "load-%s-%llu", t->run, (unsigned long long)k);
    if (n < 0 || (size_t)n >= sizeof req->key)
        return tm_err_set(err, TM_INVALID, "run", "too long");
    n = snprintf(req->body, sizeof req->body,
                 "{\"store_id\":%d,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
                 "\"unit_price\":%d.%02d}],\"channel\":\"pos\",\"payment_method\":\"card\","
                 "\"instrument\":\"%s\"}",
                 t->sale_store, (long long)p->product_id, p->cents / 100, p->cents % 100, req->key);
    if (n < 0 || (size_t)n >= sizeof req->body)
        return tm_err_set(err, TM_INVALID, "run", "too long");
    return TM_OK;
}

enum tm_code
lg_request_make(enum lg_kind kind, uint64_t k, const struct lg_target *t, struct lg_request *req,
                struct tm_err *err)
{
    uint64_t products = t->products > 0 ? (uint64_t)t->products : 1;
    uint64_t stores = t->stores > 0 ? (uint64_t)t->stores : 1;

    req->method = "GET";
    req->body[0] = req->key[0] = '\0';
    switch (kind) {
    case LG_FLOOR:
        snprintf(req->path, sizeof req->path, "/api/_floor?bytes=%d", t->floor_bytes);
        return TM_OK;
    case LG_PRODUCT:
        snprintf(req->path, sizeof req->path, "/api/v1/products/%llu",
                 (unsigned long long)(1 + lg_spread(k, 1, products)));
        return TM_OK;
    case LG_INVENTORY:
        snprintf(req->path, sizeof req->path, "/api/v1/inventory/%llu",
                 (unsigned long long)(1 + lg_spread(k, 2, stores)));
        return TM_OK;
    case LG_LOW_STOCK:
        snprintf(req->path, sizeof req->path, "/api/v1/inventory/low-stock");
        return TM_OK;
    case LG_TXN_LIST:
        snprintf(req->path, sizeof req->path, "/api/v1/transactions?store_id=%llu&limit=50",
                 (unsigned long long)(1 + lg_spread(k, 3, stores)));
        return TM_OK;
    case LG_OVERVIEW:
        snprintf(req->path, sizeof req->path, "/api/v1/dashboard/overview");
        return TM_OK;
    case LG_SALE:
        return sale_make(k, t, req, err);
    default:
        return tm_err_set(err, TM_INVALID, "kind", "unknown kind %d", (int)kind);
    }
}

void
lg_hist_add(struct lg_hist *h, int64_t us)
{
    int64_t b;

    if (us < 0)
        us = 0;
    b = us / LG_HIST_STEP_US;
    h->count[b < LG_HIST_BUCKETS ? b : LG_HIST_BUCKETS - 1]++;
    h->n++;
    h->sum_us += us;
    if (us > h->max_us)
        h->max_us = us;
}

void
lg_hist_merge(struct lg_hist *into, const struct lg_hist *from)
{
    for (int b = 0; b < LG_HIST_BUCKETS; b++)
        into->count[b] += from->count[b];
    into->n += from->n;
    into->sum_us += from->sum_us;
    if (from->max_us > into->max_us)
        into->max_us = from->max_us;
}

int64_t
lg_hist_pct(const struct lg_hist *h, int per_10000)
{
    int64_t need, acc = 0;

    if (h->n <= 0)
        return -1;
    /* the smallest count that covers the share, rounded up, at least one */
    need = (h->n * per_10000 + 9999) / 10000;
    if (need < 1)
        need = 1;
    for (int b = 0; b < LG_HIST_BUCKETS; b++) {
        acc += h->count[b];
        if (acc >= need) {
            int64_t edge;

            if (b == LG_HIST_BUCKETS - 1) /* "a minute or more": the largest is all we know */
                return h->max_us;
            edge = (int64_t)(b + 1) * LG_HIST_STEP_US;

            return edge < h->max_us ? edge : h->max_us;
        }
    }
    return h->max_us;
}
