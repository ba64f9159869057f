/* services/analytics/sale_event.h — what tm-analytics reads of tm-txn's sales
 * events (proto/events.md "Sales": txn.created, txn.declined, txn.voided,
 * txn.reviewed, each carrying the Transaction of proto/openapi.json). A
 * strict decoder of another daemon's event into a plain bounded struct:
 * every field it keeps is checked, members it does not need are ignored (so
 * tm-txn may add some). No I/O, no state; thread-safe. Prefix an_sale_. */
#ifndef TM_ANALYTICS_SALE_EVENT_H
#define TM_ANALYTICS_SALE_EVENT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#define AN_SALE_LINES_MAX 100                /* tm-txn's TX_LINES_MAX */
#define AN_SALE_QTY_MAX 100000               /* tm-txn's TX_QTY_MAX, a line's quantity */
#define AN_SALE_CENTS_MAX 1000000000000000LL /* 10^15: above any sale tm-txn accepts */
#define AN_SALE_TIME_MAX 40

enum an_sale_status { AN_SALE_COMPLETED, AN_SALE_DECLINED, AN_SALE_VOIDED };
enum an_sale_decision { AN_DECISION_APPROVE, AN_DECISION_REVIEW, AN_DECISION_DECLINE };
enum an_sale_review { AN_REVIEW_NONE, AN_REVIEW_FRAUD, AN_REVIEW_LEGIT };

struct an_sale_line {
    int64_t line, product_id, quantity, amount_cents;
};

struct an_sale {
    int64_t id, store_id;
    int64_t customer_id; /* 0: an anonymous sale */
    char occurred_at[AN_SALE_TIME_MAX];
    char voided_at[AN_SALE_TIME_MAX]; /* "" unless voided */
    enum an_sale_status status;
    enum an_sale_decision decision;
    enum an_sale_review review;
    int64_t total_cents, units;
    int n_lines;
    struct an_sale_line lines[AN_SALE_LINES_MAX];
};

/* Decodes a Transaction (an event's data) into *out. TM_INVALID naming the
 * field when it is not one: ids >= 1 (customer_id may be null), occurred_at
 * (and voided_at when present) a time with its offset, status and
 * fraud.decision known values, review null or {label: fraud|legit}, money
 * in [0, AN_SALE_CENTS_MAX], at most AN_SALE_LINES_MAX lines (null: none), each with
 * line (0-based, each once), product_id >= 1, quantity 1..AN_SALE_QTY_MAX and amount_cents, a
 * voided sale with its voided_at. *out is zeroed first. */
TM_MUSTCHECK enum tm_code an_sale_decode(const cJSON *data, struct an_sale *out,
                                         struct tm_err *err);

/* The proto/ names of the enums ("completed", "review", "fraud"); NULL for
 * AN_REVIEW_NONE. */
const char *an_sale_status_name(enum an_sale_status s);
const char *an_sale_decision_name(enum an_sale_decision d);
const char *an_sale_review_name(enum an_sale_review r);

#endif
