/* services/alerts/cond_store.h — the evaluation of the rules over one
 * entity, in the caller's transaction: loads the current active rules of
 * the kinds concerned that cover the entity (alerts.current_rules), each
 * rule's condition row for the entity (locked, so the subscriber and the
 * evaluate job of any instance take turns), runs al_evaluate and al_step,
 * fires or resolves the alert through alert_store.h, and stores the
 * condition. Every statement is parameterized. */
#ifndef TM_ALERTS_COND_STORE_H
#define TM_ALERTS_COND_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

#include "services/alerts/alert_store.h"
#include "services/alerts/engine.h"

/* What an entity is: it decides its dedup key, the kinds that watch it and
 * what its alert's details carry. */
enum al_entity_type {
    AL_ENT_LEVEL,    /* store:S:product:P */
    AL_ENT_PRODUCT,  /* product:P */
    AL_ENT_SALE,     /* txn:T */
    AL_ENT_SUPPLIER, /* supplier:U */
    AL_ENT_PO,       /* po:O */
    AL_ENT_JOB,      /* job:SERVICE:NAME */
};

#define AL_JOB_NAME_MAX 48

/* One entity and its facts, loaded by facts_store.h. */
struct al_entity {
    enum al_entity_type type;
    int64_t id;                                          /* the sale, supplier or PO (type's id) */
    int64_t store_id, category_id, product_id;           /* 0: none */
    char service[AL_JOB_NAME_MAX], job[AL_JOB_NAME_MAX]; /* AL_ENT_JOB */
    char last_error[200];                                /* AL_ENT_JOB: its last run's error */
    struct al_facts facts;
};

/* The kinds that watch an entity type, as a mask of 1u << kind. */
unsigned al_entity_kinds(enum al_entity_type t);

/* Writes e's dedup key into key[AL_KEY_MAX + 1]. */
void al_entity_key(const struct al_entity *e, char *key);

/* Evaluates every current active rule whose kind is in kinds (a mask of
 * 1u << kind) and whose scope covers e — only rule rule_id when it is not 0
 * — at e->facts.now_ms: the condition moves by al_step, an alert fires
 * (al_db_fire) or resolves by itself (al_db_resolve, automatic) as it
 * says. *changed (may be NULL) is increased by the conditions that moved
 * (pending, fired, resolved, cleared).
 * Errors are the database's (TM_UNAVAIL) and roll the caller's work back. */
TM_MUSTCHECK enum tm_code al_cond_eval(PGconn *db, const struct al_entity *e, unsigned kinds,
                                       int64_t rule_id, int64_t *changed, struct tm_err *err);

/* A condition to look at again: its rule and entity as stored. */
struct al_cond_ref {
    int64_t rule_id;
    enum al_kind kind;
    char dedup_key[AL_KEY_MAX + 1];
    int64_t store_id, product_id; /* 0: none */
    int64_t id;                   /* a sale's, supplier's or PO's id; 0 otherwise */
};

#define AL_COND_BATCH 200

/* Conditions holding but not fired yet whose pending period and cooldown
 * are both over (due), of active rules that still cover their entity, the
 * longest due first: refs[AL_COND_BATCH], *n of them. Conditions still
 * pending or cooling down are not among them, however many there are. */
TM_MUSTCHECK enum tm_code al_cond_db_pending(PGconn *db, struct al_cond_ref *refs, int *n,
                                             struct tm_err *err);

/* Conditions holding of active demand_spike rules whose level's sales
 * count a day that is over (the UTC day rolled over). */
TM_MUSTCHECK enum tm_code al_cond_db_spike_rollover(PGconn *db, struct al_cond_ref *refs, int *n,
                                                    struct tm_err *err);

/* Conditions holding or with an alert open whose rule is gone, inactive
 * or no longer covers their entity (its scope changed), for al_cond_clear:
 * refs[AL_COND_BATCH], *n of them. */
TM_MUSTCHECK enum tm_code al_cond_db_stale(PGconn *db, struct al_cond_ref *refs, int *n,
                                           struct tm_err *err);

/* Clears condition ref (locked first) in the caller's transaction: its
 * open alert resolves by itself ('auto', note "the rule no longer covers
 * it") and it no longer holds. *changed (may be NULL) counts it. A
 * condition gone meanwhile is TM_OK. Errors are the database's. */
TM_MUSTCHECK enum tm_code al_cond_clear(PGconn *db, const struct al_cond_ref *ref, int64_t *changed,
                                        struct tm_err *err);

/* The absences that hold by the clock alone and whose condition does not
 * hold yet, of kind (slow_moving, review_waiting or po_overdue): one ref
 * per (rule, entity) whose threshold has passed; dedup_key is the entity's
 * key, with its ids. */
TM_MUSTCHECK enum tm_code al_cond_db_absent(PGconn *db, enum al_kind kind, struct al_cond_ref *refs,
                                            int *n, struct tm_err *err);

#endif
