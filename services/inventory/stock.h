/* services/inventory/stock.h — the stock domain: levels per (store,
 * product), the movement types of the ledger and what each does to on hand
 * and reserved, the rules of a sale's stock commit (lock order, duplicates,
 * short lines), low/out crossings, days of cover. Pure: no I/O, no clock, no
 * allocation; thread-safe. Errors are TM_INVALID naming the request field. */
#ifndef TM_INVENTORY_STOCK_H
#define TM_INVENTORY_STOCK_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define INV_QTY_MAX 1000000000LL /* units in one movement, line or level setting */
#define INV_LINES_MAX 100        /* lines in one stock commit or transfer */
#define INV_REF_MAX 64           /* sale ids, references */
#define INV_REASON_MAX 500
#define INV_RESERVE_TTL_MAX (30LL * 86400) /* a reservation holds at most 30 days */

/* The ledger's movement types (sql/inventory/0004_stock.sql). */
enum inv_move_type {
    INV_MOVE_RECEIPT,
    INV_MOVE_SALE,
    INV_MOVE_RETURN,
    INV_MOVE_ADJUSTMENT,
    INV_MOVE_TRANSFER_OUT,
    INV_MOVE_TRANSFER_IN,
    INV_MOVE_COUNT,
    INV_MOVE_RESERVATION,
    INV_MOVE_RELEASE,
    INV_MOVE_TYPES
};

/* Every type's name, by type, then NULL. */
extern const char *const inv_move_names[INV_MOVE_TYPES + 1];
const char *inv_move_name(enum inv_move_type t);
/* 1 and *out set when s names a movement type. */
int inv_move_parse(const char *s, enum inv_move_type *out);

/* One (store, product) level. available = on_hand - reserved. */
struct inv_level {
    int64_t store_id, product_id;
    int64_t on_hand, reserved, incoming;
    int64_t min_qty, max_qty, reorder_point, safety_stock;
};

static inline int64_t
inv_available(const struct inv_level *l)
{
    return l->on_hand - l->reserved;
}

/* A movement to apply: dq changes on hand, dr changes reserved. When
 * need_available is set the movement is refused unless available stays >= 0
 * afterwards (a sale or a reservation never takes what is promised). */
struct inv_move {
    int64_t store_id, product_id;
    enum inv_move_type type;
    int64_t dq, dr;
    int need_available;
    const char *reason, *ref_type, *ref_id, *principal;
    const char *at; /* when it happened (a checked timestamp, inv_db_time_check); NULL: now */
};

/* Fills m's dq, dr and need_available for `type` and a positive quantity q
 * (for ADJUSTMENT q is signed and non-zero; COUNT is built with
 * inv_move_count). */
void inv_move_for(struct inv_move *m, enum inv_move_type type, int64_t q);

/* A count: on hand becomes `counted`. */
void inv_move_count(struct inv_move *m, int64_t on_hand, int64_t counted);

/* A request through POST /stock-movements: receipt, return, adjustment or
 * count. quantity for the first three, counted for count. */
struct inv_move_req {
    enum inv_move_type type;
    int64_t store_id, product_id;
    int64_t quantity; /* receipt/return > 0; adjustment != 0 */
    int64_t counted;  /* count >= 0 */
    int has_quantity, has_counted;
    const char *reason; /* required for an adjustment */
};
TM_MUSTCHECK enum tm_code inv_move_req_validate(const struct inv_move_req *r, struct tm_err *err);

/* One line of a sale's stock commit (or a transfer): `index` is its position
 * in the request, for error fields like "lines[3].quantity". */
struct inv_line {
    int64_t store_id, product_id, quantity;
    int index;
};

/* Checks quantities and sorts lines by (store, product), the order rows are
 * locked in, so two commits touching the same rows never deadlock. A second
 * line for the same (store, product) is TM_INVALID naming it. */
TM_MUSTCHECK enum tm_code inv_lines_prepare(struct inv_line *l, int n, struct tm_err *err);

/* The canonical text of sorted lines ("store:product:qty;..."), which tells
 * a retry of a commit from a different request under the same sale id.
 * Returns 0, or -1 when it does not fit in size. */
int inv_lines_key(const struct inv_line *l, int n, char *out, size_t size);

/* Parses a key written by inv_lines_key into l[max] (index = position);
 * returns the number of lines or -1 when malformed. */
int inv_lines_parse_key(const char *key, struct inv_line *l, int max);

/* Marks each line whose quantity exceeds available[i] (the same order):
 * short_idx[k] = i for the k-th short line; returns how many. */
int inv_lines_short(const struct inv_line *l, const int64_t *available, int n, int *short_idx);

/* Crossings between two states of a level, for edge-triggered events:
 * LOW when available went from above the reorder point to at or under it
 * (only while a reorder point is set), OUT when it went from positive to
 * zero or less. A level that stays low raises nothing. */
enum { INV_EDGE_LOW = 1, INV_EDGE_OUT = 2 };
unsigned inv_stock_edges(int64_t avail_before, int64_t rp_before, int64_t avail_after,
                         int64_t rp_after);

/* Level settings (PUT /inventory/{store}/{product}): all >= 0, max 0 (no
 * maximum) or >= min, safety stock <= reorder point when a point is set. */
TM_MUSTCHECK enum tm_code inv_settings_validate(const struct inv_level *l, struct tm_err *err);

/* Days the available stock lasts at daily_rate; -1 when nothing sells. */
double inv_days_of_cover(int64_t available, double daily_rate);

/* Units sold per day over `days`. */
double inv_daily_rate(int64_t sold, int days);

/* What ranks a low level: lower days of cover first (a level that does not
 * sell comes after every one that does), then the furthest under its
 * reorder point, then store and product. */
struct inv_urgency {
    int64_t store_id, product_id, available, reorder_point;
    double daily_rate;
};
int inv_urgency_cmp(const struct inv_urgency *a, const struct inv_urgency *b);

/* A sale id or reference: 1..64 of [A-Za-z0-9._:-]. */
int inv_ref_valid(const char *s);

/* Receiving a shipped transfer line: more than shipped needs a reason. */
TM_MUSTCHECK enum tm_code inv_receive_check(int64_t shipped, int64_t received, const char *reason,
                                            const char *field, struct tm_err *err);

#endif
