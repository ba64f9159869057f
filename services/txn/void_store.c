/* services/txn/void_store.c — the statements of a void (docs/fraud.md, "A
 * void"): its attempts, kept append-only in txn.void_attempts (an override
 * only stamps the declined attempt), the newest one copied onto the sale as
 * its void decision, and the void itself. The caller holds the sale's row
 * lock (tx_db_sale_get with lock) around each of these. */
#include <stdio.h>
#include <string.h>

#include "common/db.h"

#include "services/txn/txn_store.h"

static void
state_row(const PGresult *r, int row, void *out)
{
    struct tx_void_state *st = out;

    tm_db_copy(st->sale_decision, sizeof st->sale_decision, r, row, 0);
    tm_db_copy(st->last_decision, sizeof st->last_decision, r, row, 1);
    st->overridden = strcmp(tm_db_str(r, row, 2), "t") == 0;
    tm_db_copy(st->principal, sizeof st->principal, r, row, 3);
}

enum tm_code
tx_db_void_state(PGconn *db, int64_t id, struct tx_void_state *st, struct tm_err *err)
{
    struct tm_db_int tid;
    const char *params[1] = {tm_db_int(&tid, id)};

    memset(st, 0, sizeof *st);
    return tm_db_one(db,
                     "SELECT t.void_decision, a.decision, a.overridden_at IS NOT NULL, a.principal"
                     " FROM txn.transactions t LEFT JOIN LATERAL (SELECT decision, overridden_at,"
                     " principal"
                     " FROM txn.void_attempts WHERE transaction_id = t.id"
                     " ORDER BY id DESC LIMIT 1) a ON true WHERE t.id = $1::bigint",
                     1, params, state_row, st, "transaction", err);
}

enum tm_code
tx_db_void_attempt(PGconn *db, int64_t id, const char *operator_id, const char *principal,
                   const struct tx_void_score *vs, struct tm_err *err)
{
    struct tm_db_int tid, ver;
    char score[32];
    int scored = vs->reasons_json != NULL;
    const char *params[8] = {tm_db_int(&tid, id),
                             operator_id,
                             principal,
                             scored ? tm_db_int(&ver, vs->rule_set_version) : NULL,
                             scored ? score : NULL,
                             scored ? vs->decision : "approve",
                             vs->reasons_json,
                             scored ? vs->not_evaluated_json : NULL};
    int64_t n = 0;
    enum tm_code rc;

    snprintf(score, sizeof score, "%.2f", vs->score);
    /* the sale's void_* columns: its current void decision, as before this
     * table (NULL when not scored) */
    rc = tm_db_i64_one(
        db,
        "WITH a AS (INSERT INTO txn.void_attempts (transaction_id, operator, principal,"
        " rule_set_version, score, decision, reasons, not_evaluated)"
        " SELECT id, $2, $3, $4::int, $5::float8, $6, $7::jsonb, $8::jsonb"
        " FROM txn.transactions WHERE id = $1::bigint AND status = 'completed'"
        " RETURNING transaction_id),"
        " v AS (UPDATE txn.transactions t SET void_operator = $2, void_rule_set_version = $4::int,"
        " void_score = $5::float8, void_decision = CASE WHEN $7::jsonb IS NULL THEN NULL ELSE $6 "
        "END,"
        " void_reasons = $7::jsonb, void_not_evaluated = $8::jsonb"
        " FROM a WHERE t.id = a.transaction_id RETURNING t.id)"
        " SELECT count(*) FROM v",
        8, params, &n, err);
    if (rc == TM_OK && n != 1)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no completed transaction with this id");
    return rc;
}

enum tm_code
tx_db_void_override(PGconn *db, int64_t id, const char *principal, const char *reason,
                    struct tm_err *err)
{
    struct tm_db_int tid;
    const char *params[3] = {tm_db_int(&tid, id), principal, reason};
    int64_t n = 0;
    enum tm_code rc;

    rc = tm_db_i64_one(db,
                       "WITH o AS (UPDATE txn.void_attempts SET overridden_by = $2,"
                       " overridden_at = now(), override_reason = $3"
                       " WHERE id = (SELECT max(id) FROM txn.void_attempts"
                       " WHERE transaction_id = $1::bigint)"
                       " AND decision = 'decline' AND overridden_by IS NULL RETURNING id)"
                       " SELECT count(*) FROM o",
                       3, params, &n, err);
    if (rc == TM_OK && n != 1)
        rc = tm_err_set(err, TM_CONFLICT, "override", "this sale has no declined void to override");
    return rc;
}

enum tm_code
tx_db_sale_void(PGconn *db, int64_t id, const char *reason, struct tm_err *err)
{
    struct tm_db_int tid;
    const char *params[2] = {tm_db_int(&tid, id), reason};
    int64_t n = 0;
    enum tm_code rc;

    rc =
        tm_db_i64_one(db,
                      "WITH v AS (UPDATE txn.transactions SET status = 'voided', voided_at = now(),"
                      " void_reason = $2 WHERE id = $1::bigint AND status = 'completed'"
                      " RETURNING id) SELECT count(*) FROM v",
                      2, params, &n, err);
    if (rc == TM_OK && n != 1)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no completed transaction with this id");
    return rc;
}
