/* services/txn/sale.h — a sale request, pure: checking the decoded body
 * (services/txn/decode.h reads its JSON), the prices against the
 * catalogue, the facts fraud scoring needs. No I/O. */
#ifndef TM_TXN_SALE_H
#define TM_TXN_SALE_H

#include <stdint.h>

#include "common/err.h"

#include "services/txn/fraud.h"

#define TX_LINES_MAX 100
#define TX_QTY_MAX 100000
#define TX_PRICE_MAX_CENTS 100000000 /* $1,000,000 a unit */
#define TX_INSTRUMENT_MAX 64
#define TX_TIME_MAX 40
#define TX_OPERATOR_MAX 64 /* a cashier's id as the POS knows it: [A-Za-z0-9._-] */
#define TX_REASON_MAX 500

struct tx_line {
    int index; /* position in the request */
    int64_t product_id;
    int64_t quantity;
    int64_t unit_price_cents;
};

struct tx_sale {
    int64_t store_id;
    int64_t customer_id; /* 0: none */
    char channel[8];
    char payment_method[12];
    char instrument[TX_INSTRUMENT_MAX + 1]; /* "" when not given */
    char occurred_at[TX_TIME_MAX + 1];      /* as sent, "" for now */
    char operator_id[TX_OPERATOR_MAX + 1];  /* "operator", "" when not given */
    int n;
    struct tx_line lines[TX_LINES_MAX];
    int64_t total_cents;
    int64_t units;
};

/* Checks what a decoded sale's fields cannot say alone (no product on two
 * lines) and sets total_cents and units from the lines. TM_INVALID naming
 * the field ("lines[1].product_id"); "lines" when the total overflows. */
TM_MUSTCHECK enum tm_code tx_sale_check(struct tx_sale *s, struct tm_err *err);

/* Each line's price against the catalogue's (cents[i] for lines[i]; 0 when
 * the product is unknown or inactive): TM_UNPROCESSABLE naming the line
 * when unknown, or when the price is off by more than tolerance_pct. */
TM_MUSTCHECK enum tm_code tx_sale_check_prices(const struct tx_sale *s, const int64_t *cents,
                                               double tolerance_pct, struct tm_err *err);

/* Fills the sale's own facts into f (amounts, units, the most expensive
 * line); the caller adds history, hours, risk and velocity. */
void tx_sale_facts(const struct tx_sale *s, struct fr_facts *f);

/* A void's body: why, and who (the cashier's id as the POS knows it; ""
 * when not given, the handler then names the authenticated principal). */
struct tx_void {
    char reason[TX_REASON_MAX + 1];
    char operator_id[TX_OPERATOR_MAX + 1];
    int override; /* 1: overrides the sale's declined void (needs reason) */
};

#endif
