/* services/txn/fraud_store.c — the txn schema's statements for fraud rule
 * sets, statistics, store profiles, the outbox and jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/txn/txn_store.h"

/* clang-format off */
/* A rule set row v as its API document. */
#define RULES_JSON(with_rules) \
    "json_build_object('version', v.version, 'note', v.note, 'created_by', v.created_by," \
    " 'created_at', " TM_DB_TS("v.created_at") with_rules ")::text"
/* clang-format on */

enum tm_code
tx_db_fraud_stats(PGconn *db, const char *from, const char *to, struct tm_buf *out,
                  struct tm_err *err)
{
    const char *params[2] = {from, to};
    enum tm_code rc;

    rc = tm_db_json_one(
        db,
        "WITH t AS (SELECT * FROM txn.transactions"
        " WHERE ($1::timestamptz IS NULL OR occurred_at >= $1::timestamptz)"
        " AND ($2::timestamptz IS NULL OR occurred_at < $2::timestamptz)),"
        " f AS (SELECT * FROM t WHERE decision <> 'approve'),"
        " h AS (SELECT r->>'code' AS code, f.* FROM f, jsonb_array_elements(f.reasons) r),"
        " g AS (SELECT count(*) AS n, count(*) FILTER (WHERE review_label IS NOT NULL) AS rv,"
        " count(*) FILTER (WHERE review_label = 'fraud') AS fr FROM f)"
        " SELECT json_build_object("
        "'transactions', (SELECT count(*) FROM t),"
        " 'flagged', g.n, 'declined', (SELECT count(*) FROM f WHERE decision = 'decline'),"
        " 'flag_rate', round(g.n::numeric / greatest((SELECT count(*) FROM t), 1), 4),"
        " 'reviewed', g.rv, 'confirmed_fraud', g.fr,"
        " 'precision', CASE WHEN g.rv = 0 THEN NULL ELSE round(g.fr::numeric / g.rv, 4) END,"
        " 'review_minutes', (SELECT json_build_object("
        "'median', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY"
        " extract(epoch FROM reviewed_at - created_at)))::numeric / 60, 2),"
        " 'mean', round(avg(extract(epoch FROM reviewed_at - created_at))::numeric / 60, 2))"
        " FROM f WHERE reviewed_at IS NOT NULL),"
        " 'by_rule', COALESCE((SELECT json_agg(x ORDER BY x.fired DESC, x.code) FROM ("
        "SELECT code, count(*) AS fired,"
        " count(*) FILTER (WHERE review_label IS NOT NULL) AS reviewed,"
        " count(*) FILTER (WHERE review_label = 'fraud') AS fraud,"
        " CASE WHEN count(*) FILTER (WHERE review_label IS NOT NULL) = 0 THEN NULL ELSE"
        " round((count(*) FILTER (WHERE review_label = 'fraud'))::numeric"
        " / count(*) FILTER (WHERE review_label IS NOT NULL), 4) END AS precision"
        " FROM h GROUP BY code) x), '[]'),"
        " 'by_rule_set', COALESCE((SELECT json_agg(y ORDER BY y.version) FROM ("
        "SELECT rule_set_version AS version, count(*) AS transactions,"
        " count(*) FILTER (WHERE decision <> 'approve') AS flagged,"
        " count(*) FILTER (WHERE review_label IS NOT NULL) AS reviewed,"
        " count(*) FILTER (WHERE review_label = 'fraud') AS fraud,"
        " CASE WHEN count(*) FILTER (WHERE review_label IS NOT NULL) = 0 THEN NULL ELSE"
        " round((count(*) FILTER (WHERE review_label = 'fraud'))::numeric"
        " / count(*) FILTER (WHERE review_label IS NOT NULL), 4) END AS precision"
        " FROM t GROUP BY rule_set_version) y), '[]'))::text FROM g",
        2, params, "id", "statistics", out, err);
    if (rc == TM_INVALID)
        return tm_err_set(err, TM_INVALID, "from", "from and to must be ISO 8601 times");
    return rc;
}

/* ----------------------------------------------------------- rule sets */

enum tm_code
tx_db_rules_current(PGconn *db, int held, int *version, char **json, struct tm_err *err)
{
    struct tm_db_int h;
    const char *params[1] = {tm_db_int(&h, held)};
    PGresult *r = NULL;
    /* one row by the primary key's index; the document only when it is news */
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT version, CASE WHEN version = $1::int THEN NULL"
                                 " ELSE rules::text END FROM txn.rule_sets"
                                 " ORDER BY version DESC LIMIT 1",
                                 1, params, &r, err);

    *json = NULL;
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "no fraud rule set yet");
    if (rc == TM_OK) {
        *version = (int)tm_db_i64(r, 0, 0);
        if (!tm_db_isnull(r, 0, 1))
            *json = tm_xstrdup(tm_db_str(r, 0, 1));
    }
    PQclear(r);
    return rc;
}

enum tm_code
tx_db_rules_init(PGconn *db, const char *json, struct tm_err *err)
{
    const char *params[1] = {json};

    return tm_db_exec(db,
                      "INSERT INTO txn.rule_sets (version, rules, note, created_by)"
                      " VALUES (1, $1::jsonb, 'default rule set', 'system')"
                      " ON CONFLICT (version) DO NOTHING",
                      1, params, NULL, err);
}

enum tm_code
tx_db_rules_add(PGconn *db, const char *json, const char *note, const char *who, struct tm_buf *out,
                struct tm_err *err)
{
    const char *params[3] = {json, note, who};

    /* the table lock makes versions gap-free and in commit order */
    if (tm_db_exec(db, "LOCK TABLE txn.rule_sets IN EXCLUSIVE MODE", 0, NULL, NULL, err) != TM_OK)
        return err->code;
    return tm_db_json_one(
        db,
        "WITH v AS (INSERT INTO txn.rule_sets (version, rules, note, created_by)"
        " SELECT COALESCE(max(version), 0) + 1, $1::jsonb, $2, $3 FROM txn.rule_sets"
        " RETURNING *) SELECT " RULES_JSON(", 'rules', v.rules") " FROM v",
        3, params, "id", "rule set", out, err);
}

enum tm_code
tx_db_rules_get(PGconn *db, int version, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int ver;
    const char *params[1] = {tm_db_int(&ver, version)};

    return tm_db_json_one(
        db,
        "SELECT " RULES_JSON(
            ", 'rules', v.rules") " FROM txn.rule_sets v"
                                  " WHERE v.version = $1::int OR ($1::int = 0 AND v.version ="
                                  " (SELECT max(version) FROM txn.rule_sets))",
        1, params, "id", "rule set", out, err);
}

enum tm_code
tx_db_rules_list(PGconn *db, struct tm_buf *out, struct tm_err *err)
{
    return tm_db_json_one(
        db,
        "SELECT json_build_object('items', COALESCE(json_agg(x ORDER BY x.version DESC),"
        " '[]'))::text FROM (SELECT v.version, v.note, v.created_by,"
        " " TM_DB_TS("v.created_at") " AS created_at FROM txn.rule_sets v) x",
        0, NULL, "id", "rule set", out, err);
}

/* --------------------------------------------------------------- jobs */

enum tm_code
tx_db_store_profiles_refresh(PGconn *db, int64_t *rows, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc;

    *rows = 0;
    rc = tm_db_exec(db,
                    "SELECT s.id, x.totals::text, x.units::text FROM txn.stores s,"
                    " LATERAL (SELECT array_agg(total_cents) AS totals, array_agg(units) AS units"
                    " FROM (SELECT total_cents, units FROM txn.transactions"
                    " WHERE store_id = s.id AND status <> 'declined'"
                    " ORDER BY id DESC LIMIT 200) y) x WHERE x.totals IS NOT NULL"
                    /* store 0: every store's recent sales, the population */
                    " UNION ALL SELECT 0, array_agg(total_cents)::text, array_agg(units)::text"
                    " FROM (SELECT total_cents, units FROM txn.transactions"
                    " WHERE status <> 'declined' ORDER BY id DESC LIMIT 200) y"
                    " HAVING count(*) > 0",
                    0, NULL, &r, err);
    for (int i = 0; rc == TM_OK && i < PQntuples(r); i++) {
        int64_t totals[FR_HISTORY_MAX * 4], units[FR_HISTORY_MAX * 4];
        struct fr_history h;
        char med[32], mad[32], mu[32], n[16], q90[32];
        int k = tx_db_parse_int_array(tm_db_str(r, i, 1), totals, FR_HISTORY_MAX * 4);
        const char *params[6] = {tm_db_str(r, i, 0), n, med, mad, mu, q90};

        if (tx_db_parse_int_array(tm_db_str(r, i, 2), units, FR_HISTORY_MAX * 4) != k)
            continue;
        fr_history_from(totals, units, k, &h);
        snprintf(n, sizeof n, "%d", h.n);
        snprintf(med, sizeof med, "%.6f", h.median_log);
        snprintf(mad, sizeof mad, "%.6f", h.mad_log);
        snprintf(mu, sizeof mu, "%.3f", h.median_units);
        snprintf(q90, sizeof q90, "%.17g", h.q90_log);
        rc = tm_db_exec(db,
                        "INSERT INTO txn.store_profiles (store_id, n, median_log, mad_log,"
                        " median_units, q90_log) VALUES ($1::bigint, $2::int, $3::float8,"
                        " $4::float8, $5::float8, $6::float8) ON CONFLICT (store_id) DO UPDATE"
                        " SET n = EXCLUDED.n, median_log = EXCLUDED.median_log,"
                        " mad_log = EXCLUDED.mad_log, median_units = EXCLUDED.median_units,"
                        " q90_log = EXCLUDED.q90_log, updated_at = now()",
                        6, params, NULL, err);
        (*rows)++;
    }
    PQclear(r);
    return rc;
}

const struct tm_outbox tx_outbox = {"txn"};
