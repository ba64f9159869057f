/* services/inventory/reorder_level.h — the reorder policy of one level
 * (store, product) with its inputs gathered: the level's stock, the
 * engine's demand distribution computed now on the store's series, the
 * supplier the choice ranks first (tm-supplier, over the bus), the ABC
 * class from revenue and the settings; then what a suggestion stores of it
 * (its numbers, its inputs and terms as JSON, a reason for people).
 * Shared by the generate route and the reorder-scan job
 * (reorder_handlers.c). Prefix inv_rl_. */
#ifndef TM_INVENTORY_REORDER_LEVEL_H
#define TM_INVENTORY_REORDER_LEVEL_H

#include <stddef.h>
#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/bus.h"
#include "common/envelope.h"
#include "common/err.h"

#include "services/inventory/app.h"
#include "services/inventory/reorder.h"
#include "services/inventory/reorder_decode.h"
#include "services/inventory/reorder_store.h"

/* ABC classes of every product (inv_db_rs_revenue, rp_abc with cuts 0.8
 * and 0.95): *abc_of returns a product's class ('C' when unknown). */
struct inv_rl_abc {
    size_t n;
    int64_t *ids; /* ascending */
    char *cls;
};
TM_MUSTCHECK enum tm_code inv_rl_abc_load(PGconn *db, int days, struct inv_rl_abc *out,
                                          struct tm_err *err);
char inv_rl_abc_of(const struct inv_rl_abc *a, int64_t product_id);
void inv_rl_abc_fini(struct inv_rl_abc *a);

/* Asks tm-supplier's choice for quantity units of product at store under
 * policy ("" for tm-supplier's default), as `like`'s principal (NULL: this
 * daemon) within its deadline; the answer's text into raw (may be NULL).
 * TM_UNAVAIL (a bad gateway: tm-supplier's fault, whatever the caller
 * sent) when tm-supplier does not answer, answers other than 200 or
 * answers a choice that does not decode. */
TM_MUSTCHECK enum tm_code inv_rl_choice(struct tm_bus_client *c, const struct tm_request *like,
                                        int64_t product_id, int64_t store_id, int64_t quantity,
                                        const char *policy, struct inv_ro_choice *out,
                                        struct tm_buf *raw, struct tm_err *err);

/* One level's policy and what a suggestion stores of it. */
struct inv_rl_eval {
    int64_t store_id, product_id;
    struct rp_input in;
    struct rp_result res;
    struct rp_dist *dist; /* owned (heap, inv_rl_eval_fini) */
    struct inv_ro_supplier sup;
    int64_t unit_cost_cents;
    int64_t incoming_total;      /* the level's whole incoming (in.incoming_due: what is due) */
    int64_t due_by_day;          /* today + the mean lead time, rounded up */
    struct tm_buf inputs, terms; /* JSON objects */
    char reason[INV_RS_REASON_MAX + 1];
};

/* Computes the policy of (store, product) with sup (found 0: no supplier;
 * the settings' default lead time then, source "given") and class abc.
 * A level that does not exist counts as empty. TM_UNPROCESSABLE (field
 * product_id) when the store's series has too little history to forecast
 * or the lead time needs more days than a distribution holds, and the
 * policy's own TM_UNPROCESSABLE (a demand beyond its limits); TM_INTERNAL
 * when the engine or the policy fails. ev is inv_rl_eval_fini'd by the
 * caller whatever is returned. */
TM_MUSTCHECK enum tm_code inv_rl_evaluate(PGconn *db, const struct inv_app *app, int64_t store_id,
                                          int64_t product_id, const struct inv_ro_supplier *sup,
                                          char abc, struct inv_rl_eval *ev, struct tm_err *err);
void inv_rl_eval_fini(struct inv_rl_eval *ev);

/* The suggestion of ev: status "open", or "no_supplier" when no supplier
 * offers the product (strings borrowed from ev and the arguments). */
void inv_rl_row(const struct inv_rl_eval *ev, const char *origin, const char *who,
                struct inv_rs_row *out);

/* ev's policy as the generate route shows it: {"reorder", "inputs", "terms", "reason"}. */
TM_MUSTCHECK enum tm_code inv_rl_policy_json(const struct inv_rl_eval *ev, struct tm_buf *b);

#endif
