/* services/inventory/calendar_decode.h — what is known in advance about
 * demand, as clients send it: the bodies of POST /api/v1/calendar-events
 * and POST /api/v1/promotions (docs/api.md; docs/forecasting.md, "What the
 * service feeds the engine"). Pure (no I/O, no clock, no state;
 * thread-safe). Each decoder takes the raw body with its length, parses it
 * with tm_json_parse_object (at most INV_CAL_BODY_MAX bytes, TM_JSON_DEPTH_MAX
 * levels), refuses unknown members, wrong types and values out of range
 * with TM_INVALID naming the field (TM_TOOBIG naming "body" when too
 * long), and leaves *out zeroed on failure. Checks that need the database
 * (the store and product exist, the regular price) are the handler's.
 * Fuzzed by tests/fuzz/calendar_fuzz.c. */
#ifndef TM_INVENTORY_CALENDAR_DECODE_H
#define TM_INVENTORY_CALENDAR_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define INV_CAL_BODY_MAX 4096      /* bytes of a request body */
#define INV_CAL_NAME_MAX 100       /* bytes of an event's name */
#define INV_CAL_SPAN_DAYS_MAX 366  /* days an event spans at most (a closure for a refit) */
#define INV_PROMO_SPAN_DAYS_MAX 92 /* days a promotion runs at most (a quarter) */
#define INV_CAL_FIRST_DAY 10957    /* 2000-01-01, the earliest date taken */
#define INV_CAL_LAST_DAY 47481     /* 2099-12-31, the latest date taken */
#define INV_CAL_KIND_NAMES "closure", "event", "holiday"

/* What a calendar event is to demand (proto and the table's CHECK). */
enum inv_cal_kind {
    INV_CAL_CLOSURE, /* the store is closed: no sales to be had */
    INV_CAL_EVENT,   /* something that moves demand: a game, a festival, a fair */
    INV_CAL_HOLIDAY, /* a public or regional holiday the built-in calendar lacks */
    INV_CAL_KINDS
};

/* The wire names of enum inv_cal_kind, NULL-terminated. */
extern const char *const inv_cal_kinds[];

/* A calendar event: the days first_day..last_day (days since the epoch,
 * UTC dates, both included) at store_id (0: every store). */
struct inv_cal_event {
    int64_t store_id;
    int64_t first_day, last_day;
    char name[INV_CAL_NAME_MAX + 1];
    enum inv_cal_kind kind;
};

/* Merchandising flags of a promotion (bits). */
enum {
    INV_PROMO_FEATURE = 1 << 0, /* in the ad or flyer */
    INV_PROMO_DISPLAY = 1 << 1, /* an end cap or in-store display */
    INV_PROMO_DEAL = 1 << 2,    /* a multi-buy or coupon deal with no single price */
};
#define INV_PROMO_FLAG_NAMES "feature", "display", "deal"

/* A promotion of product_id at store_id (0: every store) on the days
 * first_day..last_day (both included). */
struct inv_promo {
    int64_t product_id, store_id;
    int64_t first_day, last_day;
    int64_t promo_price_cents; /* 0: no price cut (a flag alone) */
    unsigned flags;            /* INV_PROMO_* */
};

/* POST /api/v1/calendar-events: {"store_id"?: id|null, "date": "YYYY-MM-DD"
 * | "from"+"to", "name", "kind"?} — a single day or a span of at most
 * INV_CAL_SPAN_DAYS_MAX days between INV_CAL_FIRST_DAY and INV_CAL_LAST_DAY;
 * kind one of INV_CAL_KIND_NAMES (absent: "event"). "date" and "from"/"to"
 * exclude each other (field "date"); "to" before "from" names "to". */
TM_MUSTCHECK enum tm_code inv_cal_decode_event(const char *body, size_t len,
                                               struct inv_cal_event *out, struct tm_err *err);

/* POST /api/v1/promotions: {"product_id", "store_id"?: id|null, "from",
 * "to", "promo_price_cents"?, "flags"?: ["feature"|"display"|"deal", ...]}
 * — from ≤ to, at most INV_PROMO_SPAN_DAYS_MAX days; a price ≥ 1 cent
 * and/or at least one flag (neither: TM_INVALID naming
 * "promo_price_cents"); a flag given twice names "flags". */
TM_MUSTCHECK enum tm_code inv_cal_decode_promo(const char *body, size_t len, struct inv_promo *out,
                                               struct tm_err *err);

/* A price cut must be below the product's regular price: TM_INVALID naming
 * "promo_price_cents" otherwise (a flag-only promotion always passes). */
TM_MUSTCHECK enum tm_code inv_cal_promo_price_ok(const struct inv_promo *p,
                                                 int64_t regular_price_cents, struct tm_err *err);

#endif
