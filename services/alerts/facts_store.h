/* services/alerts/facts_store.h — tm-alerts' copies of what the sources'
 * events say (the facts tables of sql/alerts/0001_alerts.sql): kept by the
 * subscriber from decoded events (facts.h), read back as the entities the
 * rules are evaluated on (cond_store.h). In the caller's transaction; every
 * statement is parameterized. */
#ifndef TM_ALERTS_FACTS_STORE_H
#define TM_ALERTS_FACTS_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

#include "services/alerts/cond_store.h"
#include "services/alerts/facts.h"

/* Writes the level (stock.changed): its quantities, and a sale's units to
 * the day's count and its time as the last sale. */
TM_MUSTCHECK enum tm_code al_facts_db_level(PGconn *db, const struct al_fact_level *l,
                                            struct tm_err *err);
/* Writes a product's category and forecast quality, and, when the event
 * has per-store figures (f->has_stores), each listed store's to its level
 * (levels not seen yet are left alone) and none to the product's levels it
 * does not list: their stores into *dropped, *n_dropped of them, for the
 * caller to evaluate again. *dropped is NULL or heap the caller frees, on
 * failure too. TM_TOOBIG when the figures do not fit. */
TM_MUSTCHECK enum tm_code al_facts_db_forecast(PGconn *db, const struct al_fact_forecast *f,
                                               int64_t **dropped, int *n_dropped,
                                               struct tm_err *err);
TM_MUSTCHECK enum tm_code al_facts_db_product(PGconn *db, const struct al_fact_product *p,
                                              struct tm_err *err);
/* A sale begins (waiting) or stops waiting for review. */
TM_MUSTCHECK enum tm_code al_facts_db_sale(PGconn *db, const struct al_fact_sale *s,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code al_facts_db_po(PGconn *db, const struct al_fact_po *p,
                                         struct tm_err *err);
TM_MUSTCHECK enum tm_code al_facts_db_circuit(PGconn *db, const struct al_fact_circuit *c,
                                              struct tm_err *err);

/* Keeps service's jobs as polled (alerts.jobs): each job's failed runs in
 * a row and its newest run's error. */
TM_MUSTCHECK enum tm_code al_facts_db_jobs(PGconn *db, const char *service,
                                           const struct al_fact_jobs *jobs, struct tm_err *err);
/* tm-alerts' own job `name`, read from its job_runs, appended to out
 * (while it has room). */
TM_MUSTCHECK enum tm_code al_facts_db_own_job(PGconn *db, const char *name,
                                              struct al_fact_jobs *out, struct tm_err *err);

/* Loads entity e (e->type and its ids set: store_id/product_id for a level
 * or product, id for a sale, supplier or PO, service/job for a job) and its
 * facts at now_ms. An entity the facts no longer hold (a sale reviewed, a
 * PO closed) loads with facts under which nothing holds; a level never seen
 * is TM_NOTFOUND (nothing is known of it, not even that it is empty). */
TM_MUSTCHECK enum tm_code al_facts_db_entity(PGconn *db, struct al_entity *e, int64_t now_ms,
                                             struct tm_err *err);

#endif
