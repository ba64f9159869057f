/* services/txn/sale.c — checking a decoded sale request (services/txn/decode.c
 * reads its JSON), its prices against the catalogue, and the facts fraud
 * scoring takes from it. */
#include "services/txn/sale.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum tm_code
tx_sale_check(struct tx_sale *s, struct tm_err *err)
{
    char f[48];

    s->total_cents = 0;
    s->units = 0;
    for (int i = 0; i < s->n; i++) {
        const struct tx_line *l = &s->lines[i];
        int64_t cents;

        for (int j = 0; j < i; j++)
            if (s->lines[j].product_id == l->product_id) {
                snprintf(f, sizeof f, "lines[%d].product_id", i);
                return tm_err_set(err, TM_INVALID, f, "lines[%d] repeats the product of lines[%d]",
                                  i, j);
            }
        /* within the decoder's limits the total is at most 10^15 cents */
        if (__builtin_mul_overflow(l->quantity, l->unit_price_cents, &cents) ||
            __builtin_add_overflow(s->total_cents, cents, &s->total_cents) ||
            __builtin_add_overflow(s->units, l->quantity, &s->units))
            return tm_err_set(err, TM_INVALID, "lines", "the sale's total is too large");
    }
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
