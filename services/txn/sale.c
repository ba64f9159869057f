/* services/txn/sale.c — decoding and checking a sale request. */
#include "services/txn/sale.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"

static enum tm_code
one_of(const cJSON *body, const char *name, const char *const *allowed, char *out, size_t size,
       struct tm_err *err)
{
    int i;
    enum tm_code rc = tm_json_enum(body, name, allowed, &i, err);

    if (rc == TM_OK)
        snprintf(out, size, "%s", allowed[i]);
    return rc;
}

/* A price as a JSON number with at most two decimals, into cents. */
static enum tm_code
price_cents(const cJSON *it, const char *field, int64_t *out, struct tm_err *err)
{
    double v, c;

    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return tm_err_set(err, TM_INVALID, field, "%s must be a number", field);
    v = it->valuedouble;
    c = round(v * 100);
    if (v <= 0 || c < 1 || c > TX_PRICE_MAX_CENTS)
        return tm_err_set(err, TM_INVALID, field, "%s must be over 0 and at most %d", field,
                          TX_PRICE_MAX_CENTS / 100);
    if (fabs(v * 100 - c) > 1e-6 * (c > 1 ? c : 1))
        return tm_err_set(err, TM_INVALID, field, "%s has more than two decimals", field);
    *out = (int64_t)c;
    return TM_OK;
}

static enum tm_code
decode_line(const cJSON *o, int i, struct tx_line *l, struct tm_err *err)
{
    static const char *const names[] = {"product_id", "quantity", "unit_price"};
    char f[48];
    const cJSON *it;
    enum tm_code rc;

    l->index = i;
    snprintf(f, sizeof f, "lines[%d]", i);
    if (!cJSON_IsObject(o))
        return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
    if ((rc = tm_json_only(o, names, 3, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].product_id", i);
    if (!(it = tm_json_member(o, "product_id")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_i64(it, f, 1, (int64_t)1 << 53, &l->product_id, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].quantity", i);
    if (!(it = tm_json_member(o, "quantity")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_i64(it, f, 1, TX_QTY_MAX, &l->quantity, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].unit_price", i);
    if (!(it = tm_json_member(o, "unit_price")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    return price_cents(it, f, &l->unit_price_cents, err);
}

enum tm_code
tx_sale_decode(const cJSON *body, struct tx_sale *s, struct tm_err *err)
{
    static const char *const names[] = {"store_id",       "customer_id", "lines",      "channel",
                                        "payment_method", "instrument",  "occurred_at"};
    static const char *const channels[] = {"pos", "online", "mobile", NULL};
    static const char *const methods[] = {"card", "cash", "mobile", "gift_card", "invoice", NULL};
    const cJSON *lines, *it;
    enum tm_code rc;
    int i = 0;

    memset(s, 0, sizeof *s);
    if ((rc = tm_json_only(body, names, sizeof names / sizeof names[0], err)) != TM_OK ||
        (rc = tm_json_i64(body, "store_id", 1, (int64_t)1 << 53, &s->store_id, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "customer_id")) &&
        (rc = tm_json_as_i64(it, "customer_id", 1, (int64_t)1 << 53, &s->customer_id, err)) !=
            TM_OK)
        return rc;
    if ((rc = one_of(body, "channel", channels, s->channel, sizeof s->channel, err)) != TM_OK ||
        (rc = one_of(body, "payment_method", methods, s->payment_method, sizeof s->payment_method,
                     err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "instrument")) &&
        (rc = tm_json_as_str(it, "instrument", 1, TX_INSTRUMENT_MAX, s->instrument,
                             sizeof s->instrument, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "occurred_at"))) {
        struct tm_time t;
        if ((rc = tm_json_as_time(it, "occurred_at", &t, err)) != TM_OK)
            return rc;
        snprintf(s->occurred_at, sizeof s->occurred_at, "%s", t.text);
    }
    lines = tm_json_member(body, "lines");
    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) < 1 ||
        cJSON_GetArraySize(lines) > TX_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "lines must be an array of 1 to %d lines",
                          TX_LINES_MAX);
    cJSON_ArrayForEach(it, lines)
    {
        struct tx_line *l = &s->lines[i];
        if ((rc = decode_line(it, i, l, err)) != TM_OK)
            return rc;
        for (int j = 0; j < i; j++)
            if (s->lines[j].product_id == l->product_id) {
                char f[48];
                snprintf(f, sizeof f, "lines[%d].product_id", i);
                return tm_err_set(err, TM_INVALID, f, "lines[%d] repeats the product of lines[%d]",
                                  i, j);
            }
        s->total_cents += l->quantity * l->unit_price_cents;
        s->units += l->quantity;
        i++;
    }
    s->n = i;
    return TM_OK;
}

enum tm_code
tx_sale_check_prices(const struct tx_sale *s, const int64_t *cents, double tolerance_pct,
                     struct tm_err *err)
{
    char f[48];

    for (int i = 0; i < s->n; i++) {
        const struct tx_line *l = &s->lines[i];
        double off;

        if (cents[i] <= 0) {
            snprintf(f, sizeof f, "lines[%d].product_id", i);
            return tm_err_set(err, TM_UNPROCESSABLE, f, "product %lld is unknown or not for sale",
                              (long long)l->product_id);
        }
        off = 100.0 * fabs((double)(l->unit_price_cents - cents[i])) / (double)cents[i];
        if (off > tolerance_pct) {
            snprintf(f, sizeof f, "lines[%d].unit_price", i);
            return tm_err_set(err, TM_UNPROCESSABLE, f,
                              "unit price %.2f is %.0f%% off the catalogue's %.2f (tolerance %g%%)",
                              (double)l->unit_price_cents / 100, off, (double)cents[i] / 100,
                              tolerance_pct);
        }
    }
    return TM_OK;
}

void
tx_sale_facts(const struct tx_sale *s, struct fr_facts *f)
{
    f->total_cents = s->total_cents;
    f->units = s->units;
    f->top_units = 0;
    f->top_price_cents = 0;
    for (int i = 0; i < s->n; i++)
        if (s->lines[i].unit_price_cents > f->top_price_cents ||
            (s->lines[i].unit_price_cents == f->top_price_cents &&
             s->lines[i].quantity > f->top_units)) {
            f->top_price_cents = s->lines[i].unit_price_cents;
            f->top_units = s->lines[i].quantity;
        }
    f->has_customer = s->customer_id > 0;
}
