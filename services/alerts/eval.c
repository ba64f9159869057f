/* services/alerts/eval.c — events and the clock, turned into evaluations
 * (eval.h). No SQL here: facts_store.c keeps the facts, cond_store.c runs
 * the rules. */
#include "services/alerts/eval.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/time.h"

#include "services/alerts/cond_store.h"
#include "services/alerts/facts_store.h"

/* What the ledger check says of a level being evaluated. */
enum ledger {
    LEDGER_NONE,     /* nothing: not a ledger evaluation */
    LEDGER_REPORTED, /* a check reported a gap there (stock.ledger_mismatch) */
    LEDGER_STILL,    /* the evaluate job: a gap reported before, not a new report */
};

/* Loads the entity and runs the rules of kinds (rule rule_id alone when not
 * 0) over it; a level nothing is known of is passed over. */
static enum tm_code
eval_entity(PGconn *db, struct al_entity *e, unsigned kinds, int64_t rule_id,
            enum ledger ledger_gap, int64_t now_ms, int64_t *changed, struct tm_err *err)
{
    enum tm_code rc = al_facts_db_entity(db, e, now_ms, err);

    if (rc == TM_NOTFOUND) /* a level no event showed: nothing known of it */
        tm_err_clear(err);
    if (rc == TM_NOTFOUND && ledger_gap) /* but a gap is reported there */
        rc = TM_OK;
    if (rc == TM_NOTFOUND)
        return TM_OK;
    if (rc != TM_OK)
        return rc;
    e->facts.now_ms = now_ms;
    e->facts.ledger_gap = ledger_gap != LEDGER_NONE;
    e->facts.ledger_recheck = ledger_gap == LEDGER_STILL;
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
    int64_t *dropped = NULL;
    int n_dropped = 0;
    const unsigned level = al_entity_kinds(AL_ENT_LEVEL);
    enum tm_code rc = al_facts_db_forecast(db, f, &dropped, &n_dropped, err);

    if (rc != TM_OK)
        goto out;
    memset(&e, 0, sizeof e);
    e.type = AL_ENT_PRODUCT;
    e.product_id = f->product_id;
    rc = eval_entity(db, &e, al_entity_kinds(AL_ENT_PRODUCT), 0, LEDGER_NONE, now, NULL, err);
    for (int i = 0; i < f->n_stores && rc == TM_OK; i++) {
        level_entity(&e, f->stores[i].store_id, f->product_id);
        rc = eval_entity(db, &e, level, 0, LEDGER_NONE, now, NULL, err);
    }
    for (int i = 0; i < n_dropped && rc == TM_OK; i++) { /* levels that lost their figures */
        level_entity(&e, dropped[i], f->product_id);
        rc = eval_entity(db, &e, level, 0, LEDGER_NONE, now, NULL, err);
    }
out:
    free(dropped);
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
    case AL_FACT_LEVEL: {
        struct al_fact_level l = f->u.level;

        l.sale_ms = al_fact_sale_time(l.sale_ms, now);
        if ((rc = al_facts_db_level(db, &l, err)) != TM_OK)
            return rc;
        level_entity(&e, l.store_id, l.product_id);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_LEVEL), 0, LEDGER_NONE, now, NULL, err);
    }
    case AL_FACT_LEDGER:
        for (int i = 0; i < f->u.ledger.n_gaps && rc == TM_OK; i++) {
            level_entity(&e, f->u.ledger.gaps[i].store_id, f->u.ledger.gaps[i].product_id);
            rc = eval_entity(db, &e, 1u << AL_KIND_LEDGER_MISMATCH, 0, LEDGER_REPORTED, now, NULL,
                             err);
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
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_SALE), 0, LEDGER_NONE, now, NULL, err);
    case AL_FACT_PO:
        if ((rc = al_facts_db_po(db, &f->u.po, err)) != TM_OK)
            return rc;
        id_entity(&e, AL_ENT_PO, f->u.po.po_id, f->u.po.store_id);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_PO), 0, LEDGER_NONE, now, NULL, err);
    case AL_FACT_CIRCUIT:
        if ((rc = al_facts_db_circuit(db, &f->u.circuit, err)) != TM_OK)
            return rc;
        id_entity(&e, AL_ENT_SUPPLIER, f->u.circuit.supplier_id, 0);
        return eval_entity(db, &e, al_entity_kinds(AL_ENT_SUPPLIER), 0, LEDGER_NONE, now, NULL,
                           err);
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

/* One ref looked at again (or, clear, cleared) in its own transaction. A
 * failure of the database is returned (the next run goes on); any other
 * failure, and a deadlock or serialization failure the connection survives,
 * is logged and costs that ref alone: what the others fired stays. */
static enum tm_code
eval_ref(PGconn *db, const struct al_cond_ref *ref, int clear, int64_t now, int64_t *rows,
         struct tm_err *err)
{
    struct al_entity e;
    struct tm_err e2 = {0};
    enum tm_code rc;

    if (!clear && !ref_entity(ref, &e))
        return TM_OK;
    if ((rc = tm_db_begin(db, err)) != TM_OK)
        return rc;
    if (clear)
        rc = al_cond_clear(db, ref, rows, &e2);
    else
        rc = eval_entity(db, &e, 1u << ref->kind, ref->rule_id,
                         ref->kind == AL_KIND_LEDGER_MISMATCH ? LEDGER_STILL : LEDGER_NONE, now,
                         rows, &e2);
    if (rc == TM_OK)
        rc = tm_db_commit(db, &e2);
    else
        tm_db_rollback(db);
    if (rc == TM_UNAVAIL && PQstatus(db) != CONNECTION_OK)
        return tm_err_set(err, rc, NULL, "%s", e2.message);
    if (rc != TM_OK)
        tm_log_error(NULL, "alerts.evaluate_failed", "rule=%" PRId64 " key=%s code=%s error=\"%s\"",
                     ref->rule_id, ref->dedup_key, tm_code_name(rc), e2.message);
    return TM_OK;
}

/* The refs a query of the runner's transaction found, each in its own
 * transaction (the runner's is committed first and begun again after, for
 * the runner to commit, as al_job_escalate does), in the query's order. */
static enum tm_code
eval_refs(PGconn *db, const struct al_cond_ref *refs, int n, int clear, int64_t now, int64_t *rows,
          struct tm_err *err)
{
    enum tm_code rc = tm_db_commit(db, err);

    for (int i = 0; i < n && rc == TM_OK; i++)
        rc = eval_ref(db, &refs[i], clear, now, rows, err);
    if (rc == TM_OK)
        rc = tm_db_begin(db, err);
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
    if ((rc = al_cond_db_stale(db, refs, &n, err)) == TM_OK)
        rc = eval_refs(db, refs, n, 1, now, rows, err);
    if (rc == TM_OK && (rc = al_cond_db_pending(db, refs, &n, err)) == TM_OK)
        rc = eval_refs(db, refs, n, 0, now, rows, err);
    if (rc == TM_OK && (rc = al_cond_db_spike_rollover(db, refs, &n, err)) == TM_OK)
        rc = eval_refs(db, refs, n, 0, now, rows, err);
    for (size_t k = 0; k < sizeof absent / sizeof absent[0] && rc == TM_OK; k++)
        if ((rc = al_cond_db_absent(db, absent[k], refs, &n, err)) == TM_OK)
            rc = eval_refs(db, refs, n, 0, now, rows, err);
    free(refs);
    return rc;
}
