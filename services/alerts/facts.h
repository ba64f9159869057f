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
    int has_stores; /* the event has per-store figures (stores, maybe empty) */
    int n_stores;
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

#define AL_FACT_INSTANCE_MAX 64

struct al_fact_circuit {
    int64_t supplier_id;
    int open; /* that instance's breaker is not closed (open, or half open: on trial) */
    char instance[AL_FACT_INSTANCE_MAX]; /* the tm-supplier instance, "" when not named */
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

#define AL_FACT_JOBS_MAX 32     /* jobs of one daemon read (TM_SERVICE_JOBS_MAX and more) */
#define AL_FACT_JOB_NAME_MAX 48 /* a job's name, [a-z0-9-] */
#define AL_FACT_JOB_ERROR_MAX 200

/* One daemon's jobs as its job list answers them (common/jobs.h
 * tm_jobs_list): each job's failed runs since its last good one, and its
 * newest run's error. */
struct al_fact_job {
    char name[AL_FACT_JOB_NAME_MAX];
    int failed_in_a_row;
    char last_error[AL_FACT_JOB_ERROR_MAX]; /* "" when none; longer ones are not copied */
};
struct al_fact_jobs {
    int n;
    struct al_fact_job jobs[AL_FACT_JOBS_MAX];
};

/* Decodes a job list ({"items":[{"name","failed_in_a_row","last_run"}]})
 * into *out (zeroed first). TM_INVALID naming the field when it is not
 * one: more than AL_FACT_JOBS_MAX jobs, a name not of [a-z0-9-]{1,47}, a
 * count outside [0, 10^9]. */
TM_MUSTCHECK enum tm_code al_fact_jobs_decode(const cJSON *doc, struct al_fact_jobs *out,
                                              struct tm_err *err);

/* A sale may be dated this far ahead of the clock (clocks drift). */
#define AL_FACT_SALE_AHEAD_MS (5 * 60 * 1000LL)

/* The time a sale movement dated sale_ms counts at when read at now_ms:
 * sale_ms, or now_ms when it lies more than AL_FACT_SALE_AHEAD_MS ahead (a
 * future-dated event would else set the day counted and the last sale in
 * the future, and every real sale after it would count for nothing). 0
 * stays 0 (no sale). */
int64_t al_fact_sale_time(int64_t sale_ms, int64_t now_ms);

/* Decodes the data of an event of topic into *out (about 24 KiB: keep it
 * off small stacks). A topic tm-alerts does not read is AL_FACT_NONE and
 * TM_OK. TM_INVALID naming the field when data is not what proto/events.md
 * says. *out's type is AL_FACT_NONE on failure. */
TM_MUSTCHECK enum tm_code al_fact_decode(const char *topic, const cJSON *data, struct al_fact *out,
                                         struct tm_err *err);

#endif
