/* services/gateway/loadgen.h — the pure parts of tm-load-bench
 * (services/gateway/load_bench_main.c), the open-loop load test of issue 22:
 * when each request is due (a fixed aggregate rate), which kind it is (a
 * weighted mix), what it asks (method, path, body), and the latency
 * histogram its percentiles come from. No I/O: tests/unit/gateway checks
 * them, and tests/fuzz/gateway_fuzz.c feeds the readers (the mix and the
 * prices file) outside input. */
#ifndef TM_SERVICES_GATEWAY_LOADGEN_H
#define TM_SERVICES_GATEWAY_LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* The request kinds: the floor (the gateway's trivial route, the load
 * test's reference) and the documents' 80/20 mix. */
enum lg_kind {
    LG_FLOOR,
    LG_PRODUCT,
    LG_INVENTORY,
    LG_LOW_STOCK,
    LG_TXN_LIST,
    LG_OVERVIEW,
    LG_SALE,
    LG_KINDS
};

/* "floor", "product", "inventory", "low_stock", "txn_list", "overview",
 * "sale"; "?" for a value out of range. */
const char *lg_kind_name(int kind);

#define LG_MIX_MAX 256       /* bytes of a mix's text */
#define LG_WEIGHT_MAX 100000 /* one kind's weight */

struct lg_mix {
    int weight[LG_KINDS];
    int total; /* sum of the weights, > 0 once parsed */
};

/* Reads "kind=weight,kind=weight,..." (each kind at most once, weights 0 to
 * LG_WEIGHT_MAX, at least one above 0) of len bytes (no NUL needed, at most
 * LG_MIX_MAX). TM_INVALID naming "mix" otherwise; *mix is then all zero. */
TM_MUSTCHECK enum tm_code lg_mix_parse(const char *text, size_t len, struct lg_mix *mix,
                                       struct tm_err *err);

/* The kind of request number k: a hash of k into the weights, so any run of
 * a few thousand requests holds each kind in about its share, and the same
 * k always gives the same kind. mix must be parsed (total > 0). */
enum lg_kind lg_mix_pick(const struct lg_mix *mix, uint64_t k);

/* A number in [0, n) from k and a salt (n > 0): the ids a request asks. */
uint64_t lg_spread(uint64_t k, uint64_t salt, uint64_t n);

/* When request k is due: start_us + k / rate seconds, in microseconds
 * (rate > 0, k >= 0), exact for k below 2^43 at any rate up to 10^6/s. */
int64_t lg_due_us(int64_t start_us, int64_t k, int rate);

#define LG_PRICES_MAX 4096           /* lines of a prices file */
#define LG_PRICES_FILE_MAX (1 << 20) /* bytes of a prices file */

struct lg_price {
    int64_t product_id;
    int cents;
};

/* Reads a prices file's text, one "product_id cents" per line (ids 1 to
 * 2^53, cents 1 to 10^9, single spaces, "\n" line ends, the last one
 * optional), at most max lines into out, and their number into *n. TM_INVALID naming "prices"
 * for a line of another shape, more than max lines or none. */
TM_MUSTCHECK enum tm_code lg_prices_parse(const char *text, size_t len, struct lg_price *out,
                                          int max, int *n, struct tm_err *err);

/* What request k of a kind asks. */
struct lg_target {
    int products;    /* product ids asked: 1..products */
    int stores;      /* store ids asked: 1..stores */
    int floor_bytes; /* the floor route's body size */
    int sale_store;  /* the store sold at */
    const char *run; /* this run's tag in sales' keys and instruments */
    const struct lg_price *prices;
    int n_prices; /* > 0 for LG_SALE */
};

#define LG_PATH_MAX 160
#define LG_BODY_MAX 512
#define LG_KEY_MAX 96

struct lg_request {
    const char *method;     /* "GET" or "POST" */
    char path[LG_PATH_MAX]; /* from /api/ */
    char body[LG_BODY_MAX]; /* "" for a GET */
    char key[LG_KEY_MAX];   /* Idempotency-Key of a sale, else "" */
};

/* Fills *req for request k of kind. TM_INVALID when a field would not fit
 * (a run tag too long) or a sale has no prices. */
TM_MUSTCHECK enum tm_code lg_request_make(enum lg_kind kind, uint64_t k,
                                          const struct lg_target *target, struct lg_request *req,
                                          struct tm_err *err);

/* Latencies in steps of LG_HIST_STEP_US up to a minute; the last bucket
 * holds everything longer. About 2.4 MB: allocate it (calloc is its init). */
#define LG_HIST_STEP_US 100
#define LG_HIST_BUCKETS 600001

struct lg_hist {
    int64_t n;
    int64_t max_us;
    int64_t sum_us;
    uint32_t count[LG_HIST_BUCKETS];
};

/* Counts one latency (negative counts as 0). */
void lg_hist_add(struct lg_hist *h, int64_t us);

/* Adds every count of from into into. */
void lg_hist_merge(struct lg_hist *into, const struct lg_hist *from);

/* The latency at or under which per_10000 ten-thousandths of the counted
 * ones fall (9900: p99), as its bucket's upper edge but never above the
 * largest counted; -1 when none is counted. per_10000 in 1..10000. */
int64_t lg_hist_pct(const struct lg_hist *h, int per_10000);

#endif
