/* services/txn/txn_store.h — tm-txn's SQL, the only code that touches the
 * `txn` schema. Transactions and customers are rendered to their API JSON
 * by one SQL expression each, so a sale's reply, its GET and its list item
 * are the same document. Prefix tx_db_. */
#ifndef TM_TXN_STORE_H
#define TM_TXN_STORE_H

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/err.h"
#include "common/jobs.h"
#include "common/outbox.h"
#include "common/page.h"

#include "services/txn/fraud.h"
#include "services/txn/sale.h"

/* tm-txn's outbox (sql/plumbing/outbox.sql in the txn schema). */
extern const struct tm_outbox tx_outbox;

/* Shared by the storage files: TM_TOOBIG for a reply that does not fit;
 * "{1,2}" into v[max]. */
TM_MUSTCHECK enum tm_code tx_db_too_big(enum tm_code rc, struct tm_err *err);
int tx_db_parse_int_array(const char *s, int64_t *v, int max);

/* ------------------------------------------------------ catalogue copy */

/* f: id, time_zone, active, updated_at. */
TM_MUSTCHECK enum tm_code tx_db_upsert_store(PGconn *db, const char *const *f, struct tm_err *err);
/* f: id, unit_price_cents, active, updated_at. */
TM_MUSTCHECK enum tm_code tx_db_upsert_product(PGconn *db, const char *const *f,
                                               struct tm_err *err);

/* The sale's times at its store: its epoch, ISO text, and its hour there
 * and in UTC. */
struct tx_when {
    int64_t epoch_ms;
    char iso[40];
    int local_hour, utc_hour;
};

/* Everything a sale's checks and scoring read from the database, gathered
 * by tx_db_sale_facts in one statement. */
struct tx_sale_facts {
    struct tx_when when;
    int64_t cents[TX_LINES_MAX]; /* catalogue price per line (0: unknown or inactive) */
    int version;                 /* the newest rule set (0: none yet) */
    char *rules_json;            /* its document, owned; NULL when it is the held one */
    int customer_found;          /* the sale's customer_id names a customer */
    int64_t customer_sales;
    double customer_risk;
    int n_recent; /* the customer's last totals and units */
    int64_t recent_totals[FR_HISTORY_MAX];
    int64_t recent_units[FR_HISTORY_MAX];
    struct fr_history store;      /* the store's profile (n 0: none yet) */
    struct fr_history population; /* every store's (store-profiles row 0; n 0: none yet) */
    struct fr_context context;    /* the customer's usual instrument, channel, store among
                                     their newest FR_HISTORY_MAX sales not declined */
};
void tx_sale_facts_fini(struct tx_sale_facts *f);

/* Reads, for sale s, its time (occurred_at, "" for now) at its store, its
 * lines' prices, the newest rule set (its document only when its version is
 * not `held`), its customer's history (amounts and, among the same newest
 * sales, how many usual ones share this sale's instrument, channel and
 * store: fr_facts.context) and its store's profile. TM_INVALID
 * (occurred_at) for a malformed time, TM_UNPROCESSABLE (store_id) for an
 * unknown or closed store; the caller judges the rest. */
TM_MUSTCHECK enum tm_code tx_db_sale_facts(PGconn *db, const struct tx_sale *s, int held,
                                           struct tx_sale_facts *out, struct tm_err *err);

/* ----------------------------------------------------------- customers */

/* Creates from body fields (name, email or NULL, tier or NULL, home store
 * text or NULL) and writes the customer's JSON into out. */
TM_MUSTCHECK enum tm_code tx_db_customer_create(PGconn *db, const char *const *f,
                                                struct tm_buf *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code tx_db_customer_get(PGconn *db, int64_t id, struct tm_buf *out,
                                             struct tm_err *err);
/* f: tier, home_store_id, q (name/email contains it, matched literally,
 * at most TM_SEARCH_MAX bytes); each NULL for any. */
TM_MUSTCHECK enum tm_code tx_db_customer_list(PGconn *db, const char *const *f,
                                              const struct tm_page *pg, struct tm_buf *out,
                                              struct tm_err *err);

/* ------------------------------------------------------------- claims */

struct tx_claim {
    char body_hash[65];
    int64_t sale_id;
    int done;
    int status;
    char *reply; /* owned; NULL while pending */
};
void tx_claim_fini(struct tx_claim *c);

/* Claims (principal, key) for a sale with this body hash, or reads the
 * claim already there: *created tells which. A new claim takes the sale id. */
TM_MUSTCHECK enum tm_code tx_db_claim(PGconn *db, const char *principal, const char *key,
                                      const char *hash, int *created, struct tx_claim *out,
                                      struct tm_err *err);
/* Marks the pending claim done with its answer; *updated is 0 when it was
 * no longer pending (another attempt finished, or the recovery job took it). */
TM_MUSTCHECK enum tm_code tx_db_claim_finish(PGconn *db, const char *principal, const char *key,
                                             int64_t sale_id, int status, const char *reply,
                                             int *updated, struct tm_err *err);
/* Drops a pending claim (the sale was refused: nothing is kept). */
TM_MUSTCHECK enum tm_code tx_db_claim_drop(PGconn *db, const char *principal, const char *key,
                                           int64_t sale_id, struct tm_err *err);
/* Pending claims older than age_s, oldest first, at most max: sale ids
 * into ids, *n how many; they are deleted (in the caller's transaction). */
TM_MUSTCHECK enum tm_code tx_db_claims_abandoned(PGconn *db, int64_t age_s, int64_t *ids, int max,
                                                 int *n, struct tm_err *err);

/* --------------------------------------------------------------- sales */

struct tx_record {
    int64_t id;
    const struct tx_sale *sale;
    const struct tx_when *when;
    const char *status; /* "completed", "declined" */
    int rule_set_version;
    double score;
    const char *decision;
    const char *reasons_json;       /* [{code, weight, observed, threshold, message}] */
    const char *not_evaluated_json; /* ["code", ...] */
    const char *principal;
    const char *idem_key;
    int finish_status; /* not 0: the claim (principal, idem_key, id) is finished with
                          this status and the sale's JSON as its answer */
};

/* Stores the sale and its lines and, for a completed sale with a
 * customer, adds it to the customer's history; out receives its JSON
 * (built from what the inserts return: one statement, nothing read back).
 * With r->finish_status, the pending claim is finished in that same
 * statement: *finished is 1 when it was, 0 when it was no longer pending
 * (as tx_db_claim_finish's *updated) or without r->finish_status. */
TM_MUSTCHECK enum tm_code tx_db_sale_insert(PGconn *db, const struct tx_record *r,
                                            struct tm_buf *out, int *finished, struct tm_err *err);
/* The transaction's JSON (locked when lock) and its status; *store_id is
 * its store, which the caller judges (tx_sale_for). */
TM_MUSTCHECK enum tm_code tx_db_sale_get(PGconn *db, int64_t id, int lock, int64_t *store_id,
                                         char *status, size_t status_size, struct tm_buf *out,
                                         struct tm_err *err);

/* List filters, each NULL for any: store_id, customer_id, status,
 * decision, from, to (occurred_at), min_total_cents, max_total_cents,
 * scope (array literal), suspicious ("queue": flagged and not reviewed,
 * "all": flagged). */
enum {
    TX_F_STORE,
    TX_F_CUSTOMER,
    TX_F_STATUS,
    TX_F_DECISION,
    TX_F_FROM,
    TX_F_TO,
    TX_F_MIN,
    TX_F_MAX,
    TX_F_SCOPE,
    TX_F_SUSPICIOUS,
    TX_F_VOID_FLAGGED, /* "true": voids scored review (or worse); "false": the others */
    TX_F_COUNT
};
/* A page of the sales f selects, by id: ascending after pg->after_id, or
 * when newest descending before it (the newest first; no cursor: from the
 * newest). */
TM_MUSTCHECK enum tm_code tx_db_sale_list(PGconn *db, const char *const *f,
                                          const struct tm_page *pg, int newest, struct tm_buf *out,
                                          struct tm_err *err);

/* The suspicious queue's size, {"waiting_review": n} appended to out: the
 * sales GET /api/v1/transactions/suspicious lists (flagged, not reviewed),
 * at store_id (NULL: any) within scope (array literal; NULL: any). */
TM_MUSTCHECK enum tm_code tx_db_queue_summary(PGconn *db, const char *store_id, const char *scope,
                                              struct tm_buf *out, struct tm_err *err);

/* How a void was scored (NULL reasons: it was not: no rule set). */
struct tx_void_score {
    int rule_set_version;
    double score;
    const char *decision;
    const char *reasons_json;       /* fired void rules */
    const char *not_evaluated_json; /* void rules whose facts were unavailable */
};

/* ------------------------------------------------- voids (void_store.c) */

/* Where the void of a sale stands (read after the caller locked the sale
 * with tx_db_sale_get(lock=1), so it cannot change under the caller). */
struct tx_void_state {
    char sale_decision[16]; /* the sale's void_decision: "" none, approve, review, decline */
    char last_decision[16]; /* the newest void attempt's decision, "" when none */
    int overridden;         /* the newest attempt (a decline) was overridden */
    char principal[130];    /* who signed the newest attempt in, "" when none */
};

/* Reads st for sale id; a failed read is an error (never "no decision"). */
TM_MUSTCHECK enum tm_code tx_db_void_state(PGconn *db, int64_t id, struct tx_void_state *st,
                                           struct tm_err *err);

/* Appends the void attempt of completed sale id by operator_id, signed in
 * as principal, scored as vs says (NULL reasons: not scored, recorded as
 * approve), and makes it the sale's void decision (void_* columns). The
 * sale stays completed. TM_NOTFOUND when it is not completed. */
TM_MUSTCHECK enum tm_code tx_db_void_attempt(PGconn *db, int64_t id, const char *operator_id,
                                             const char *principal, const struct tx_void_score *vs,
                                             struct tm_err *err);

/* Stamps the newest attempt of sale id, a decline not yet overridden, as
 * overridden by principal for reason (the attempt itself is not
 * rewritten). TM_CONFLICT (field "override") when there is no such attempt. */
TM_MUSTCHECK enum tm_code tx_db_void_override(PGconn *db, int64_t id, const char *principal,
                                              const char *reason, struct tm_err *err);

/* Marks completed sale id voided for reason; its void decision is already
 * recorded. TM_NOTFOUND when it is not completed. */
TM_MUSTCHECK enum tm_code tx_db_sale_void(PGconn *db, int64_t id, const char *reason,
                                          struct tm_err *err);

/* Records the review of a flagged sale; TM_CONFLICT (label) when it was
 * already reviewed, TM_UNPROCESSABLE when it was approved. Counts the label
 * on the customer (the caller then sets its risk score). Writes the sale's
 * JSON. */
TM_MUSTCHECK enum tm_code tx_db_sale_review(PGconn *db, int64_t id, const char *label,
                                            const char *note, const char *who, int64_t *customer_id,
                                            struct tm_buf *out, struct tm_err *err);

/* The customer's label counts, and a new risk score for it. */
TM_MUSTCHECK enum tm_code tx_db_customer_labels(PGconn *db, int64_t id, int64_t *fraud,
                                                int64_t *legit, struct tm_err *err);
TM_MUSTCHECK enum tm_code tx_db_customer_set_risk(PGconn *db, int64_t id, double risk,
                                                  struct tm_err *err);

/* Fraud statistics JSON for occurred_at in [from, to) (each NULL: open). */
TM_MUSTCHECK enum tm_code tx_db_fraud_stats(PGconn *db, const char *from, const char *to,
                                            struct tm_buf *out, struct tm_err *err);

/* ----------------------------------------------------------- rule sets */

/* The newest rule set's version into *version and its document into *json
 * (owned by the caller), except when that version is `held` (the one the
 * caller has decoded already; 0: none): then *json is NULL and only the
 * version crossed the wire. TM_UNAVAIL when there is no rule set yet. */
TM_MUSTCHECK enum tm_code tx_db_rules_current(PGconn *db, int held, int *version, char **json,
                                              struct tm_err *err);
/* Inserts version 1 when there is none. */
TM_MUSTCHECK enum tm_code tx_db_rules_init(PGconn *db, const char *json, struct tm_err *err);
/* Adds the next version; its JSON ({version, note, created_by, created_at,
 * rules}) into out. */
TM_MUSTCHECK enum tm_code tx_db_rules_add(PGconn *db, const char *json, const char *note,
                                          const char *who, struct tm_buf *out, struct tm_err *err);
/* One version's JSON (0: the newest). */
TM_MUSTCHECK enum tm_code tx_db_rules_get(PGconn *db, int version, struct tm_buf *out,
                                          struct tm_err *err);
/* {"items":[...]} of every version, newest first, without their rules. */
TM_MUSTCHECK enum tm_code tx_db_rules_list(PGconn *db, struct tm_buf *out, struct tm_err *err);

/* --------------------------------------------------------------- jobs */

/* Store profiles: each store's last totals and units (newest first, at most
 * FR_HISTORY_MAX * 4) for fn to summarise, then stored. */
TM_MUSTCHECK enum tm_code tx_db_store_profiles_refresh(PGconn *db, int64_t *rows,
                                                       struct tm_err *err);
/* ---------------------------------------------- sample data (tm-txn-seed) */

/* Stores and products tm-inventory has that tm-txn's copy does not yet
 * (the seed reads both schemas to know when the copy has caught up). */
TM_MUSTCHECK enum tm_code tx_db_copy_behind(PGconn *db, int64_t *missing, struct tm_err *err);
/* The open stores' ids and the active products as (id, unit price cents)
 * pairs, by id; both arrays owned by the caller. */
TM_MUSTCHECK enum tm_code tx_db_sellable(PGconn *db, int64_t **stores, int *n_stores,
                                         int64_t **products, int *n_products, struct tm_err *err);
/* Sales recorded so far (any status). */
TM_MUSTCHECK enum tm_code tx_db_sales_count(PGconn *db, int64_t *n, struct tm_err *err);

#endif
