/* services/txn/gen.h — a sample sales history with planted fraud, pure and
 * deterministic (its own generator, seeded): customers with their own usual
 * basket, weekday and hour seasonality, and a small share of fraud in three
 * patterns (a stolen card tried many times in minutes; a taken-over account
 * buying far above its usual at night; a new account buying several units
 * of a high-value product). Used by tm-fraud-eval (--generate) to measure
 * the rules on data with known labels. */
#ifndef TM_TXN_GEN_H
#define TM_TXN_GEN_H

#include <stdint.h>

#include "services/txn/replay.h"

struct gen_cfg {
    uint64_t seed;
    int days;      /* history length, ending at end_s */
    int customers; /* regular customers */
    int stores;
    int64_t end_s;      /* epoch seconds of the last day's end */
    double fraud_share; /* fraud sales / all sales, about */
};

/* Calls emit(arg, sale) for every generated sale in time order; returns
 * the number emitted. */
int64_t gen_sales(const struct gen_cfg *cfg, void (*emit)(void *arg, const struct rp_sale *s),
                  void *arg);

#endif
