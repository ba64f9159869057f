/* services/alerts/eval.c — events and the clock, turned into evaluations
 * (eval.h). No SQL here: facts_store.c keeps the facts, cond_store.c runs
 * the rules. */
#include "services/alerts/eval.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/time.h"

#include "services/alerts/cond_store.h"
#include "services/alerts/facts_store.h"

/* Loads the entity and runs the rules of kinds (rule rule_id alone when not
 * 0) over it; a level nothing is known of is passed over. ledger_gap marks
 * a level the ledger check reported. */
static enum tm_code
eval_entity(PGconn *db, struct al_entity *e, unsigned kinds, int64_t rule_id, int ledger_gap,
            int64_t now_ms, int64_t *changed, struct tm_err *err)
{
    enum tm_code rc = al_facts_db_entity(db, e, now_ms, err);

    if (rc == TM_NOTFOUND && ledger_gap) /* a gap at a level no event showed yet */
        rc = TM_OK;
    if (rc == TM_NOTFOUND)
        return TM_OK;
    if (rc != TM_OK)
        return rc;
    e->facts.now_ms = now_ms;
    e->facts.ledger_gap = ledger_gap;
    return al_cond_eval(db, e, kinds, rule_id, changed, err);
}

static void
level_entity(struct al_entity *e, int64_t store_id, int64_t product_id)
{
    memset(e, 0, sizeof *e);
    e->type = AL_ENT_LEVEL;
    e->store_id = store_id;
    e->product_id = product_id;
}

static void
id_entity(struct al_entity *e, enum al_entity_type type, int64_t id, int64_t store_id)
{
    memset(e, 0, sizeof *e);
    e->type = type;
    e->id = id;
    e->store_id = store_id;
}

static enum tm_code
apply_forecast(PGconn *db, const struct al_fact_forecast *f, int64_t now, struct tm_err *err)
{
    struct al_entity e;
    enum tm_code rc = al_facts_db_forecast(db, f, err);

    if (rc != TM_OK)
        return rc;
    memset(&e, 0, sizeof e);
    e.type = AL_ENT_PRODUCT;
    e.product_id = f->product_id;
    rc = eval_entity(db, &e, al_entity_kinds(AL_ENT_PRODUCT), 0, 0, now, NULL, err);
    for (int i = 0; i < f->n_stores && rc == TM_OK; i++) {
        level_entity(&e, f->stores[i].store_id, f->product_id);
        rc = eval_entity(db, &e, al_entity_kinds(AL_ENT_LEVEL), 0, 0, now, NULL, err);
    }
    return rc;
}

static enum tm_code
apply_fact(PGconn *db, const struct al_fact *f, int64_t now, struct tm_err *err)
{
    struct al_entity e;
    enum tm_code rc = TM_OK;

    switch (f->type) {
    case AL_FACT_NONE:
        return TM_OK;
    case AL_FACT_LEVEL:
        if ((rc = al_facts_db_level(db, &f->u.level, err)) != TM_OK)
            return rc;
        level_entity(&e, f->u.level.store_id, f->u.level.product_id);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_LEVEL), 0, 0, now, NULL, err);
    case AL_FACT_LEDGER:
        for (int i = 0; i < f->u.ledger.n_gaps && rc == TM_OK; i++) {
            level_entity(&e, f->u.ledger.gaps[i].store_id, f->u.ledger.gaps[i].product_id);
            rc = eval_entity(db, &e, 1u << AL_KIND_LEDGER_MISMATCH, 0, 1, now, NULL, err);
        }
        return rc;
    case AL_FACT_FORECAST:
        return apply_forecast(db, &f->u.forecast, now, err);
    case AL_FACT_PRODUCT:
        return al_facts_db_product(db, &f->u.product, err);
    case AL_FACT_SALE:
        if ((rc = al_facts_db_sale(db, &f->u.sale, err)) != TM_OK)
            return rc;
        id_entity(&e, AL_ENT_SALE, f->u.sale.txn_id, f->u.sale.store_id);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_SALE), 0, 0, now, NULL, err);
    case AL_FACT_PO:
        if ((rc = al_facts_db_po(db, &f->u.po, err)) != TM_OK)
            return rc;
        id_entity(&e, AL_ENT_PO, f->u.po.po_id, f->u.po.store_id);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_PO), 0, 0, now, NULL, err);
    case AL_FACT_CIRCUIT:
        if ((rc = al_facts_db_circuit(db, &f->u.circuit, err)) != TM_OK)
            return rc;
        id_entity(&e, AL_ENT_SUPPLIER, f->u.circuit.supplier_id, 0);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_SUPPLIER), 0, 0, now, NULL, err);
    }
    return rc;
}

enum tm_code
al_apply(void *app, PGconn *db, const struct tm_event *ev, struct tm_err *err)
{
    struct al_fact *f = tm_xmalloc(sizeof *f);
    enum tm_code rc;

    (void)app;
    rc = al_fact_decode(ev->topic, ev->data, f, err);
    if (rc == TM_OK)
        rc = apply_fact(db, f, tm_now_ms(), err);
    free(f);
    return rc;
}

/* The entity of a stored condition; 0 when its key cannot be read. */
static int
ref_entity(const struct al_cond_ref *r, struct al_entity *e)
{
    memset(e, 0, sizeof *e);
    e->store_id = r->store_id;
    e->product_id = r->product_id;
    e->id = r->id;
    switch (r->kind) {
    case AL_KIND_FORECAST_ACCURACY:
        e->type = AL_ENT_PRODUCT;
        return 1;
    case AL_KIND_REVIEW_WAITING:
        e->type = AL_ENT_SALE;
        return r->id > 0;
    case AL_KIND_SUPPLIER_API_DOWN:
        e->type = AL_ENT_SUPPLIER;
        return r->id > 0;
    case AL_KIND_PO_OVERDUE:
        e->type = AL_ENT_PO;
        return r->id > 0;
    case AL_KIND_JOB_FAILING:
        e->type = AL_ENT_JOB;
        return sscanf(r->dedup_key, "job:%47[^:]:%47s", e->service, e->job) == 2;
    default:
        e->type = AL_ENT_LEVEL;
        return r->store_id > 0 && r->product_id > 0;
    }
}

static enum tm_code
eval_refs(PGconn *db, const struct al_cond_ref *refs, int n, int64_t now, int64_t *rows,
          struct tm_err *err)
{
    struct al_entity e;
    enum tm_code rc = TM_OK;

    for (int i = 0; i < n && rc == TM_OK; i++)
        if (ref_entity(&refs[i], &e))
            rc = eval_entity(db, &e, 1u << refs[i].kind, refs[i].rule_id,
                             refs[i].kind == AL_KIND_LEDGER_MISMATCH, now, rows, err);
    return rc;
}

enum tm_code
al_job_evaluate(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    static const enum al_kind absent[] = {AL_KIND_SLOW_MOVING, AL_KIND_REVIEW_WAITING,
                                          AL_KIND_PO_OVERDUE};
    struct al_cond_ref *refs = tm_xcalloc(AL_COND_BATCH, sizeof *refs);
    int64_t now = tm_now_ms();
    int n = 0;
    enum tm_code rc;

    (void)app;
    *rows = 0;
    if ((rc = al_cond_db_pending(db, refs, &n, err)) == TM_OK)
        rc = eval_refs(db, refs, n, now, rows, err);
    if (rc == TM_OK && (rc = al_cond_db_spike_rollover(db, refs, &n, err)) == TM_OK)
        rc = eval_refs(db, refs, n, now, rows, err);
    for (size_t k = 0; k < sizeof absent / sizeof absent[0] && rc == TM_OK; k++)
        if ((rc = al_cond_db_absent(db, absent[k], refs, &n, err)) == TM_OK)
            rc = eval_refs(db, refs, n, now, rows, err);
    free(refs);
    return rc;
}
