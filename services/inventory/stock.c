/* services/inventory/stock.c — stock rules. No I/O: the store layer locks
 * and writes, the handlers translate; everything decided about quantities is
 * decided here. */
#include "services/inventory/stock.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const inv_move_names[INV_MOVE_TYPES + 1] = {
    [INV_MOVE_RECEIPT] = "receipt",
    [INV_MOVE_SALE] = "sale",
    [INV_MOVE_RETURN] = "return",
    [INV_MOVE_ADJUSTMENT] = "adjustment",
    [INV_MOVE_TRANSFER_OUT] = "transfer_out",
    [INV_MOVE_TRANSFER_IN] = "transfer_in",
    [INV_MOVE_COUNT] = "count",
    [INV_MOVE_RESERVATION] = "reservation",
    [INV_MOVE_RELEASE] = "release",
    [INV_MOVE_TYPES] = NULL,
};

const char *
inv_move_name(enum inv_move_type t)
{
    return (unsigned)t < INV_MOVE_TYPES ? inv_move_names[t] : "unknown";
}

int
inv_move_parse(const char *s, enum inv_move_type *out)
{
    for (int i = 0; s && i < INV_MOVE_TYPES; i++)
        if (strcmp(s, inv_move_names[i]) == 0) {
            *out = (enum inv_move_type)i;
            return 1;
        }
    return 0;
}

void
inv_move_for(struct inv_move *m, enum inv_move_type type, int64_t q)
{
    m->type = type;
    m->dq = 0;
    m->dr = 0;
    m->need_available = 0;
    switch (type) {
    case INV_MOVE_RECEIPT:
    case INV_MOVE_RETURN:
    case INV_MOVE_TRANSFER_IN:
        m->dq = q;
        break;
    case INV_MOVE_SALE:
        m->dq = -q;
        m->need_available = 1;
        break;
    case INV_MOVE_ADJUSTMENT:
        m->dq = q; /* signed; a loss may eat into what is reserved, on hand stays >= 0 */
        break;
    case INV_MOVE_TRANSFER_OUT: /* ships what the transfer reserved */
        m->dq = -q;
        m->dr = -q;
        break;
    case INV_MOVE_RESERVATION:
        m->dr = q;
        m->need_available = 1;
        break;
    case INV_MOVE_RELEASE:
        m->dr = -q;
        break;
    case INV_MOVE_COUNT:
    case INV_MOVE_TYPES:
        break;
    }
}

void
inv_move_count(struct inv_move *m, int64_t on_hand, int64_t counted)
{
    inv_move_for(m, INV_MOVE_COUNT, 0);
    m->dq = counted - on_hand;
}

enum tm_code
inv_move_req_validate(const struct inv_move_req *r, struct tm_err *err)
{
    int has_reason = r->reason && *r->reason;

    switch (r->type) {
    case INV_MOVE_RECEIPT:
    case INV_MOVE_RETURN:
    case INV_MOVE_ADJUSTMENT:
        if (r->has_counted)
            return tm_err_set(err, TM_INVALID, "counted", "counted is only for type count");
        if (!r->has_quantity)
            return tm_err_set(err, TM_INVALID, "quantity", "quantity is required");
        if (r->type == INV_MOVE_ADJUSTMENT) {
            if (r->quantity == 0 || r->quantity < -INV_QTY_MAX || r->quantity > INV_QTY_MAX)
                return tm_err_set(err, TM_INVALID, "quantity",
                                  "quantity of an adjustment must be non-zero, within +-%lld",
                                  (long long)INV_QTY_MAX);
            if (!has_reason)
                return tm_err_set(err, TM_INVALID, "reason", "an adjustment needs a reason");
        } else if (r->quantity < 1 || r->quantity > INV_QTY_MAX) {
            return tm_err_set(err, TM_INVALID, "quantity", "quantity must be between 1 and %lld",
                              (long long)INV_QTY_MAX);
        }
        return TM_OK;
    case INV_MOVE_COUNT:
        if (r->has_quantity)
            return tm_err_set(err, TM_INVALID, "quantity", "a count gives counted, not quantity");
        if (!r->has_counted)
            return tm_err_set(err, TM_INVALID, "counted", "counted is required");
        if (r->counted < 0 || r->counted > INV_QTY_MAX)
            return tm_err_set(err, TM_INVALID, "counted", "counted must be between 0 and %lld",
                              (long long)INV_QTY_MAX);
        return TM_OK;
    default:
        return tm_err_set(err, TM_INVALID, "type",
                          "type must be receipt, return, adjustment or count (sales, transfers "
                          "and reservations have their own endpoints)");
    }
}

static int
line_cmp(const void *a, const void *b)
{
    const struct inv_line *x = a, *y = b;

    if (x->store_id != y->store_id)
        return x->store_id < y->store_id ? -1 : 1;
    if (x->product_id != y->product_id)
        return x->product_id < y->product_id ? -1 : 1;
    return x->index - y->index;
}

enum tm_code
inv_lines_prepare(struct inv_line *l, int n, struct tm_err *err)
{
    char field[48];

    if (n < 1 || n > INV_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "lines must hold 1 to %d lines", INV_LINES_MAX);
    for (int i = 0; i < n; i++)
        if (l[i].quantity < 1 || l[i].quantity > INV_QTY_MAX) {
            snprintf(field, sizeof field, "lines[%d].quantity", l[i].index);
            return tm_err_set(err, TM_INVALID, field, "%s must be between 1 and %lld", field,
                              (long long)INV_QTY_MAX);
        }
    qsort(l, (size_t)n, sizeof *l, line_cmp);
    for (int i = 1; i < n; i++)
        if (l[i].store_id == l[i - 1].store_id && l[i].product_id == l[i - 1].product_id) {
            snprintf(field, sizeof field, "lines[%d].product_id", l[i].index);
            return tm_err_set(err, TM_INVALID, field,
                              "lines[%d] repeats the store and product of lines[%d]", l[i].index,
                              l[i - 1].index);
        }
    return TM_OK;
}

int
inv_lines_key(const struct inv_line *l, int n, char *out, size_t size)
{
    size_t used = 0;

    if (size == 0)
        return -1;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + used, size - used, "%s%" PRId64 ":%" PRId64 ":%" PRId64,
                         i ? ";" : "", l[i].store_id, l[i].product_id, l[i].quantity);
        if (w < 0 || (size_t)w >= size - used)
            return -1;
        used += (size_t)w;
    }
    return 0;
}

int
inv_lines_parse_key(const char *key, struct inv_line *l, int max)
{
    int n = 0;
    const char *p = key;

    while (*p) {
        long long v[3];
        char *end;

        if (n == max)
            return -1;
        for (int k = 0; k < 3; k++) {
            if (*p < '0' || *p > '9')
                return -1;
            v[k] = strtoll(p, &end, 10);
            if (end == p || *end != (k < 2 ? ':' : (end[0] ? ';' : '\0')))
                return -1;
            p = *end ? end + 1 : end;
        }
        l[n].store_id = v[0];
        l[n].product_id = v[1];
        l[n].quantity = v[2];
        l[n].index = n;
        n++;
    }
    return n;
}

int
inv_lines_short(const struct inv_line *l, const int64_t *available, int n, int *short_idx)
{
    int k = 0;

    for (int i = 0; i < n; i++)
        if (l[i].quantity > available[i])
            short_idx[k++] = i;
    return k;
}

unsigned
inv_stock_edges(int64_t avail_before, int64_t rp_before, int64_t avail_after, int64_t rp_after)
{
    unsigned e = 0;
    int low_before = rp_before > 0 && avail_before <= rp_before;
    int low_after = rp_after > 0 && avail_after <= rp_after;

    if (low_after && !low_before)
        e |= INV_EDGE_LOW;
    if (avail_after <= 0 && avail_before > 0)
        e |= INV_EDGE_OUT;
    return e;
}

enum tm_code
inv_settings_validate(const struct inv_level *l, struct tm_err *err)
{
    static const char *const names[] = {"min_qty", "max_qty", "reorder_point", "safety_stock"};
    const int64_t v[] = {l->min_qty, l->max_qty, l->reorder_point, l->safety_stock};

    for (int i = 0; i < 4; i++)
        if (v[i] < 0 || v[i] > INV_QTY_MAX)
            return tm_err_set(err, TM_INVALID, names[i], "%s must be between 0 and %lld", names[i],
                              (long long)INV_QTY_MAX);
    if (l->max_qty != 0 && l->max_qty < l->min_qty)
        return tm_err_set(err, TM_INVALID, "max_qty", "max_qty must be 0 (none) or >= min_qty");
    if (l->max_qty != 0 && l->reorder_point > l->max_qty)
        return tm_err_set(err, TM_INVALID, "reorder_point",
                          "reorder_point must not exceed max_qty");
    if (l->reorder_point > 0 && l->safety_stock > l->reorder_point)
        return tm_err_set(err, TM_INVALID, "safety_stock",
                          "safety_stock must not exceed reorder_point");
    return TM_OK;
}

double
inv_days_of_cover(int64_t available, double daily_rate)
{
    if (!(daily_rate > 0))
        return -1;
    return available <= 0 ? 0 : (double)available / daily_rate;
}

double
inv_daily_rate(int64_t sold, int days)
{
    return days > 0 && sold > 0 ? (double)sold / days : 0;
}

int
inv_urgency_cmp(const struct inv_urgency *a, const struct inv_urgency *b)
{
    double ca = inv_days_of_cover(a->available, a->daily_rate);
    double cb = inv_days_of_cover(b->available, b->daily_rate);
    int64_t ga = a->available - a->reorder_point, gb = b->available - b->reorder_point;

    if ((ca < 0) != (cb < 0))
        return ca < 0 ? 1 : -1;
    if (ca != cb)
        return ca < cb ? -1 : 1;
    if (ga != gb)
        return ga < gb ? -1 : 1;
    if (a->store_id != b->store_id)
        return a->store_id < b->store_id ? -1 : 1;
    return a->product_id < b->product_id ? -1 : a->product_id > b->product_id;
}

int
inv_ref_valid(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n <= INV_REF_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") == n;
}

enum tm_code
inv_receive_check(int64_t shipped, int64_t received, const char *reason, const char *field,
                  struct tm_err *err)
{
    if (received < 0 || received > INV_QTY_MAX)
        return tm_err_set(err, TM_INVALID, field, "%s must be between 0 and %lld", field,
                          (long long)INV_QTY_MAX);
    if (received > shipped && !(reason && *reason))
        return tm_err_set(err, TM_INVALID, field,
                          "%s is more than the %lld shipped: give a reason for the difference",
                          field, (long long)shipped);
    return TM_OK;
}
