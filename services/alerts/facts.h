/* services/alerts/facts.h — what tm-alerts reads of the other services'
 * events (proto/events.md): stock levels and their sales, ledger gaps,
 * forecasts, products, sales waiting for review, purchase orders and a
 * supplier API's circuit. Strict decoders of another daemon's event data
 * into plain bounded structs: every field kept is checked, members not
 * needed are ignored (so the sources may add some), arrays are capped. No
 * I/O, no state; thread-safe. Prefix al_fact_. */
#ifndef TM_ALERTS_FACTS_H
#define TM_ALERTS_FACTS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#define AL_FACT_GAPS_MAX 1000   /* stock.ledger_mismatch gaps read (the job's own cap) */
#define AL_FACT_STORES_MAX 1000 /* forecast.updated's per-store figures (its cap) */
#define AL_FACT_MODEL_MAX 32
#define AL_FACT_STATUS_MAX 24

enum al_fact_type {
    AL_FACT_NONE,     /* a topic tm-alerts does not read (stock.low, txn.declined, …) */
    AL_FACT_LEVEL,    /* stock.changed */
    AL_FACT_LEDGER,   /* stock.ledger_mismatch */
    AL_FACT_FORECAST, /* forecast.updated */
    AL_FACT_PRODUCT,  /* product.created, product.updated */
    AL_FACT_SALE,     /* txn.created, txn.reviewed, txn.voided */
    AL_FACT_PO,       /* purchase_order.* */
    AL_FACT_CIRCUIT,  /* supplier.api_circuit */
};

struct al_fact_level {
    int64_t store_id, product_id;
    int64_t on_hand, available, reorder_point;
    int64_t sold;    /* units of a sale movement (> 0), else 0 */
    int64_t sale_ms; /* the sale movement's time (epoch ms), else 0 */
};

struct al_fact_key {
    int64_t store_id, product_id;
};

struct al_fact_ledger {
    int n_gaps;
    struct al_fact_key gaps[AL_FACT_GAPS_MAX];
};

struct al_fact_store_demand {
    int64_t store_id;
    double daily_mean;  /* mean units a day over the horizon, >= 0 */
    double daily_upper; /* 95 % upper bound of today's units, >= 0 */
};

struct al_fact_forecast {
    int64_t product_id, category_id; /* category 0: none */
    int has_mase;
    double mase;
    char model[AL_FACT_MODEL_MAX];
    int n_stores; /* 0 when the event has no per-store figures */
    struct al_fact_store_demand stores[AL_FACT_STORES_MAX];
};

struct al_fact_product {
    int64_t product_id, category_id; /* category 0: none */
};

struct al_fact_sale {
    int64_t txn_id, store_id;
    int waiting;      /* completed, flagged for review and not reviewed yet */
    int64_t since_ms; /* when it began to wait (the sale's created_at) */
};

struct al_fact_po {
    int64_t po_id, store_id, supplier_id;
    char status[AL_FACT_STATUS_MAX];
    int open;                /* not received in full, not cancelled */
    char expected[11];       /* YYYY-MM-DD or "" */
    int64_t expected_end_ms; /* the end of that UTC day, 0 when none */
};

struct al_fact_circuit {
    int64_t supplier_id;
    int open; /* its breaker is open now */
};

struct al_fact {
    enum al_fact_type type;
    union {
        struct al_fact_level level;
        struct al_fact_ledger ledger;
        struct al_fact_forecast forecast;
        struct al_fact_product product;
        struct al_fact_sale sale;
        struct al_fact_po po;
        struct al_fact_circuit circuit;
    } u;
};

/* Decodes the data of an event of topic into *out (about 24 KiB: keep it
 * off small stacks). A topic tm-alerts does not read is AL_FACT_NONE and
 * TM_OK. TM_INVALID naming the field when data is not what proto/events.md
 * says. *out's type is AL_FACT_NONE on failure. */
TM_MUSTCHECK enum tm_code al_fact_decode(const char *topic, const cJSON *data, struct al_fact *out,
                                         struct tm_err *err);

#endif
