/* services/supplier/store.h — every SQL statement of tm-supplier, on the
 * `supplier` schema. Suppliers and offers are rendered to their API JSON by
 * PostgreSQL (json_build_object) and appended to the caller's buffer; a
 * supplier's api_key is never selected into any JSON. Writes run in the
 * caller's transaction (the router's, for TM_TX_WRITE routes). Stateless;
 * thread-safe with one connection per thread. */
#ifndef TM_SUPPLIER_STORE_H
#define TM_SUPPLIER_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/outbox.h"
#include "common/page.h"

#include "services/supplier/choice.h"
#include "services/supplier/decode.h"

/* tm-supplier's outbox, {"supplier"}. */
extern const struct tm_outbox sup_outbox;

/* Inserts a supplier; its JSON into out. TM_CONFLICT (code) when the code
 * is taken; TM_INVALID naming the field a constraint refused. */
TM_MUSTCHECK enum tm_code sup_db_supplier_create(PGconn *db, const struct sup_supplier_in *in,
                                                 struct tm_buf *out, struct tm_err *err);
/* Changes the members in->set names; its JSON into out. TM_NOTFOUND (id). */
TM_MUSTCHECK enum tm_code sup_db_supplier_update(PGconn *db, int64_t id,
                                                 const struct sup_supplier_in *in,
                                                 struct tm_buf *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code sup_db_supplier_get(PGconn *db, int64_t id, struct tm_buf *out,
                                              struct tm_err *err);
/* A page of suppliers; active < 0 for any, else only that state. */
TM_MUSTCHECK enum tm_code sup_db_supplier_list(PGconn *db, int active, const struct tm_page *pg,
                                               struct tm_buf *out, struct tm_err *err);

/* Inserts an offer of supplier sid with its breaks; its JSON into out.
 * TM_NOTFOUND (id) when there is no such supplier; TM_CONFLICT (product_id)
 * when the supplier has an active offer for the product. */
TM_MUSTCHECK enum tm_code sup_db_offer_create(PGconn *db, int64_t sid,
                                              const struct sup_offer_in *in, struct tm_buf *out,
                                              struct tm_err *err);
/* Changes an active offer (breaks replaced when given). TM_NOTFOUND
 * (offer_id); TM_INVALID (valid_to) when the dates end up out of order. */
TM_MUSTCHECK enum tm_code sup_db_offer_update(PGconn *db, int64_t sid, int64_t oid,
                                              const struct sup_offer_in *in, struct tm_buf *out,
                                              struct tm_err *err);
/* Deactivates an active offer (kept for history); its JSON into out. */
TM_MUSTCHECK enum tm_code sup_db_offer_delete(PGconn *db, int64_t sid, int64_t oid,
                                              struct tm_buf *out, struct tm_err *err);
/* A page of the supplier's offers (TM_NOTFOUND id when no such supplier);
 * active as in sup_db_supplier_list. */
TM_MUSTCHECK enum tm_code sup_db_offer_list(PGconn *db, int64_t sid, int active,
                                            const struct tm_page *pg, struct tm_buf *out,
                                            struct tm_err *err);

/* The quoted rates and threshold tm-supplier credits a supplier with too
 * few receipts (its settings). */
struct sup_quoted {
    int min_receipts;
    double on_time_rate, fill_rate;
};

/* The supplier's performance from its receipts ({"supplier_id",
 * "receipts", "quoted", ...}) into out; TM_NOTFOUND (id). */
TM_MUSTCHECK enum tm_code sup_db_performance(PGconn *db, int64_t sid, const struct sup_quoted *q,
                                             struct tm_buf *out, struct tm_err *err);

/* What the choice shows of a candidate beside choice.h's numbers. */
struct sup_cand_info {
    int64_t offer_id;
    int availability_known; /* the supplier's catalogue is cached (available_units from it) */
    int availability_stale; /* ... and its last refresh failed or is older than stale_after_s */
    char code[SUP_CODE_MAX + 1];
    char name[SUP_NAME_MAX + 1];
};

/* Fills req->in[0..n) (and info[0..n)) with the active offers for
 * req->product_id valid on req->today_day of the active suppliers that
 * price in `currency` (prices in another currency are not comparable), at
 * most SUP_CANDIDATES_MAX: past that, the cheapest first unit prices are
 * kept and *truncated is set. Each has its measured performance (all its
 * receipts) and its availability from the supplier's cached catalogue
 * (sql/supplier/0003_catalogue.sql): the item's `available`, 0 when the
 * cached catalogue does not list the product, unknown (-1) when nothing is
 * cached; stale as in sup_cat_get with stale_after_s. */
TM_MUSTCHECK enum tm_code sup_db_candidates(PGconn *db, const char *currency, int stale_after_s,
                                            struct sup_request *req, struct sup_cand_info *info,
                                            int *truncated, struct tm_err *err);

/* TM_NOTFOUND (field "id") when there is no supplier sid. */
TM_MUSTCHECK enum tm_code sup_db_supplier_exists(PGconn *db, int64_t sid, struct tm_err *err);

#endif
