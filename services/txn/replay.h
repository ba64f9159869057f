/* services/txn/replay.h — the facts of sales replayed from a file, pure and
 * in memory: what the service keeps in Redis and PostgreSQL (velocity per
 * customer, instrument and store; each customer's and store's usual sale;
 * risk scores fed by the labels of flagged sales) rebuilt sale by sale in
 * time order, so tm-fraud-eval scores through fr_score exactly as tm-txn
 * does. Velocity windows here are exact; the service's are bucketed (up to
 * one bucket longer). Not thread-safe: one replay per thread. */
#ifndef TM_TXN_REPLAY_H
#define TM_TXN_REPLAY_H

#include <stdint.h>

#include "services/txn/fraud.h"

#define RP_ID_MAX 64

struct rp_sale {
    int64_t ts_s;                   /* epoch seconds, UTC */
    char customer[RP_ID_MAX + 1];   /* "" for none */
    char instrument[RP_ID_MAX + 1]; /* "" for none */
    char store[RP_ID_MAX + 1];
    int64_t total_cents;
    int64_t units;
    int64_t top_units;
    int64_t top_price_cents;
    int local_hour;
    int label;                    /* 1 fraud, 0 legitimate */
    int event;                    /* enum fr_event: a sale attempt or a void of one */
    int channel;                  /* enum fr_channel */
    char operator[RP_ID_MAX + 1]; /* the cashier ("" for none: online) */
    int pattern;                  /* 0 legitimate, else which planted pattern (gen.h) */
    int issuer_declined;          /* the bank declined it, whatever our rules said */
};

struct rp_state;

struct rp_state *rp_new(void);
void rp_free(struct rp_state *st);

/* The facts for s given every sale added before it (velocity counts s):
 * attempts per instrument and customer (declined ones too, newest first),
 * spend without declined attempts, the customer's, store's and every
 * store's (population) history of sales not declined, and for a void the
 * voids per customer, store and operator, this one included. */
void rp_facts(struct rp_state *st, const struct rp_sale *s, struct fr_facts *f);

/* Adds s to the history with the decision it got: declined (by our rules
 * or the issuer) it is an attempt, never spend nor history; a flagged
 * sale's label reaches its customer's risk score, as an analyst's review
 * does in the service. A void adds to the voids of its customer, store
 * and operator. */
void rp_add(struct rp_state *st, const struct rp_sale *s, enum fr_decision d);

#endif
