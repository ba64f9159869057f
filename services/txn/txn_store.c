/* services/txn/txn_store.c — the txn schema's statements. */
#include "services/txn/txn_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"

#include "proto/limits.h"

/* --------------------------------------------------------- JSON render */

#define MONEY(c) "round((" c ")::numeric / 100, 2)"

/* clang-format off */
/* A transaction row t's API members, its lines read from lines (a
 * relation named l with the columns of txn.transaction_lines). */
#define TX_MEMBERS_FROM(lines) \
    "'id', t.id, 'store_id', t.store_id, 'customer_id', t.customer_id," \
    " 'channel', t.channel, 'payment_method', t.payment_method, 'instrument', t.instrument," \
    " 'occurred_at', " TM_DB_TS("t.occurred_at") ", 'status', t.status," \
    " 'total', " MONEY("t.total_cents") ", 'total_cents', t.total_cents, 'units', t.units," \
    " 'lines', (SELECT json_agg(json_build_object('line', l.line, 'product_id', l.product_id," \
    " 'quantity', l.quantity, 'unit_price', " MONEY("l.unit_price_cents") "," \
    " 'unit_price_cents', l.unit_price_cents, 'amount_cents', l.quantity * l.unit_price_cents)" \
    " ORDER BY l.line) FROM " lines " WHERE l.transaction_id = t.id)," \
    " 'fraud', json_build_object('rule_set_version', t.rule_set_version, 'score', t.score," \
    " 'decision', t.decision, 'rules', t.reasons, 'not_evaluated', t.not_evaluated)," \
    " 'review', CASE WHEN t.review_label IS NULL THEN NULL ELSE json_build_object(" \
    "'label', t.review_label, 'note', t.review_note, 'reviewed_by', t.reviewed_by," \
    " 'reviewed_at', " TM_DB_TS("t.reviewed_at") ") END," \
    " 'operator', t.operator," \
    " 'voided_at', " TM_DB_TS("t.voided_at") ", 'void_reason', t.void_reason," \
    " 'void_operator', t.void_operator," \
    " 'void_fraud', CASE WHEN t.void_decision IS NULL THEN NULL ELSE json_build_object(" \
    "'rule_set_version', t.void_rule_set_version, 'score', t.void_score," \
    " 'decision', t.void_decision, 'rules', t.void_reasons," \
    " 'not_evaluated', t.void_not_evaluated) END," \
    " 'created_at', " TM_DB_TS("t.created_at")

/* A transaction row t as its API document, its lines read from lines. */
#define TX_JSON_FROM(lines) "json_build_object(" TX_MEMBERS_FROM(lines) ")::text"

/* A transaction row t as its API document. */
#define TX_JSON TX_JSON_FROM("txn.transaction_lines l")

/* The same with its void attempts, oldest first (the sale's own reads:
 * GET /api/v1/transactions/{id} and the void's answers). */
#define TX_JSON_ATTEMPTS \
    "json_build_object(" TX_MEMBERS_FROM("txn.transaction_lines l") "," \
    " 'void_attempts', (SELECT COALESCE(json_agg(json_build_object('operator', a.operator," \
    " 'principal', a.principal, 'rule_set_version', a.rule_set_version, 'score', a.score," \
    " 'decision', a.decision, 'rules', a.reasons, 'not_evaluated', a.not_evaluated," \
    " 'at', " TM_DB_TS("a.at") ", 'overridden_by', a.overridden_by," \
    " 'overridden_at', " TM_DB_TS("a.overridden_at") ", 'override_reason', a.override_reason)" \
    " ORDER BY a.id), '[]'::json) FROM txn.void_attempts a WHERE a.transaction_id = t.id))::text"

/* A customer row c as its API document. */
#define CUSTOMER_JSON \
    "json_build_object('id', c.id, 'name', c.name, 'email', c.email," \
    " 'loyalty_tier', c.loyalty_tier, 'home_store_id', c.home_store_id," \
    " 'risk_score', round(c.risk_score::numeric, 1), 'sales_count', c.sales_count," \
    " 'spent', " MONEY("c.spent_cents") ", 'fraud_labels', c.fraud_labels," \
    " 'legit_labels', c.legit_labels, 'last_sale_at', " TM_DB_TS("c.last_sale_at") "," \
    " 'created_at', " TM_DB_TS("c.created_at") ", 'updated_at', " TM_DB_TS("c.updated_at") ")::text"

/* clang-format on */

enum tm_code
tx_db_too_big(enum tm_code rc, struct tm_err *err)
{
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* "{1,2,3}" into v[max]; returns the count. */
int
tx_db_parse_int_array(const char *s, int64_t *v, int max)
{
    int n = 0;

    if (!s || *s != '{')
        return 0;
    s++;
    while (*s && *s != '}' && n < max) {
        char *end;
        long long x = strtoll(s, &end, 10);
        if (end == s)
            break;
        v[n++] = x;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* ------------------------------------------------------ catalogue copy */

enum tm_code
tx_db_upsert_store(PGconn *db, const char *const *f, struct tm_err *err)
{
    return tm_db_exec(db,
                      "INSERT INTO txn.stores (id, time_zone, active, updated_at)"
                      " VALUES ($1::bigint, $2, $3::boolean, $4::timestamptz)"
                      " ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone,"
                      " active = EXCLUDED.active, updated_at = EXCLUDED.updated_at"
                      " WHERE txn.stores.updated_at <= EXCLUDED.updated_at",
                      4, f, NULL, err);
}

enum tm_code
tx_db_upsert_product(PGconn *db, const char *const *f, struct tm_err *err)
{
    return tm_db_exec(
        db,
        "INSERT INTO txn.products (id, unit_price_cents, active, updated_at)"
        " VALUES ($1::bigint, $2::bigint, $3::boolean, $4::timestamptz)"
        " ON CONFLICT (id) DO UPDATE SET unit_price_cents = EXCLUDED.unit_price_cents,"
        " active = EXCLUDED.active, updated_at = EXCLUDED.updated_at"
        " WHERE txn.products.updated_at <= EXCLUDED.updated_at",
        4, f, NULL, err);
}

void
tx_sale_facts_fini(struct tx_sale_facts *f)
{
    free(f->rules_json);
    f->rules_json = NULL;
}

/* The history arrays "{..}" of row 0's columns col, col + 1 into out. */
static void
facts_history(const PGresult *r, int col, struct tx_sale_facts *out)
{
    int64_t units[FR_HISTORY_MAX];

    out->n_recent = tx_db_parse_int_array(tm_db_str(r, 0, col), out->recent_totals, FR_HISTORY_MAX);
    if (tx_db_parse_int_array(tm_db_str(r, 0, col + 1), units, FR_HISTORY_MAX) == out->n_recent)
        memcpy(out->recent_units, units, sizeof units);
    else
        memset(out->recent_units, 0, sizeof out->recent_units);
}

/* A store profile's n, median_log, mad_log, median_units, q90_log from
 * row 0's columns col.. (NULLs: none, n 0). */
static void
profile_at(const PGresult *r, int col, struct fr_history *h)
{
    memset(h, 0, sizeof *h);
    if (tm_db_isnull(r, 0, col))
        return;
    h->n = (int)tm_db_i64(r, 0, col);
    h->median_log = strtod(tm_db_str(r, 0, col + 1), NULL);
    h->mad_log = strtod(tm_db_str(r, 0, col + 2), NULL);
    h->median_units = strtod(tm_db_str(r, 0, col + 3), NULL);
    h->q90_log = strtod(tm_db_str(r, 0, col + 4), NULL);
}

/* Row 0 of tx_db_sale_facts' statement into out (the store row exists). */
static void
facts_row(const PGresult *r, const struct tx_sale *s, struct tx_sale_facts *out)
{
    int64_t ids[TX_LINES_MAX], cents[TX_LINES_MAX];
    int n = tx_db_parse_int_array(tm_db_str(r, 0, 4), ids, TX_LINES_MAX);

    out->when.epoch_ms = tm_db_i64(r, 0, 0);
    tm_db_copy(out->when.iso, sizeof out->when.iso, r, 0, 1);
    out->when.local_hour = (int)tm_db_i64(r, 0, 2);
    out->when.utc_hour = (int)tm_db_i64(r, 0, 3);
    if (tx_db_parse_int_array(tm_db_str(r, 0, 5), cents, TX_LINES_MAX) != n)
        n = 0;
    for (int i = 0; i < s->n; i++) {
        out->cents[i] = 0;
        for (int k = 0; k < n; k++)
            if (s->lines[i].product_id == ids[k])
                out->cents[i] = cents[k];
    }
    out->version = tm_db_isnull(r, 0, 6) ? 0 : (int)tm_db_i64(r, 0, 6);
    out->rules_json = tm_db_isnull(r, 0, 7) ? NULL : tm_xstrdup(tm_db_str(r, 0, 7));
    out->customer_found = !tm_db_isnull(r, 0, 8);
    if (out->customer_found) {
        out->customer_sales = tm_db_i64(r, 0, 8);
        out->customer_risk = strtod(tm_db_str(r, 0, 9), NULL);
        facts_history(r, 10, out);
        out->context.n = (int)tm_db_i64(r, 0, 22);
        out->context.card_judged =
            s->instrument[0] != '\0' || strcmp(s->payment_method, "card") == 0;
        out->context.same_instrument = (int)tm_db_i64(r, 0, 23);
        out->context.same_channel = (int)tm_db_i64(r, 0, 24);
        out->context.same_store = (int)tm_db_i64(r, 0, 25);
    }
    profile_at(r, 12, &out->store);
    profile_at(r, 17, &out->population);
}

enum tm_code
tx_db_sale_facts(PGconn *db, const struct tx_sale *s, int held, struct tx_sale_facts *out,
                 struct tm_err *err)
{
    struct tm_db_int sid, cid, h, age;
    struct tm_buf ids;
    const char *params[8] = {tm_db_int(&sid, s->store_id),
                             s->occurred_at[0] ? s->occurred_at : NULL,
                             NULL,
                             tm_db_int(&h, held),
                             s->customer_id ? tm_db_int(&cid, s->customer_id) : NULL,
                             s->instrument[0] ? s->instrument : NULL,
                             s->channel,
                             tm_db_int(&age, FR_USUAL_AGE_S)};
    PGresult *r = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    tm_buf_init(&ids, 1 << 14);
    if (tm_db_int_array(&ids, &s->lines[0].product_id, sizeof s->lines[0], s->n) != TM_OK) {
        tm_buf_fini(&ids);
        return tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    }
    params[2] = ids.p;
    /* one row, each part by its primary key (the rule set: the newest by
     * its index); a missing part reads as NULLs */
    rc = tm_db_exec(
        db,
        "WITH w AS (SELECT COALESCE($2::timestamptz, now()) AS at)"
        " SELECT (extract(epoch FROM w.at) * 1000)::bigint, " TM_DB_TS(
            "w.at") ","
                    " extract(hour FROM w.at AT TIME ZONE s.time_zone)::int,"
                    " extract(hour FROM w.at AT TIME ZONE 'UTC')::int,"
                    " pr.ids::text, pr.cents::text, r.version,"
                    " CASE WHEN r.version = $4::int THEN NULL ELSE r.rules::text END,"
                    " c.sales_count, c.risk_score, c.recent_totals::text, c.recent_units::text,"
                    " p.n, p.median_log, p.mad_log, p.median_units, p.q90_log,"
                    " pp.n, pp.median_log, pp.mad_log, pp.median_units, pp.q90_log,"
                    " cx.n, cx.same_i, cx.same_c, cx.same_s"
                    " FROM w JOIN txn.stores s ON s.id = $1::bigint AND s.active"
                    " CROSS JOIN LATERAL (SELECT array_agg(id) AS ids, array_agg(unit_price_cents) "
                    "AS cents"
                    " FROM txn.products WHERE id = ANY($3::bigint[]) AND active) pr"
                    " LEFT JOIN LATERAL (SELECT version, rules FROM txn.rule_sets"
                    " ORDER BY version DESC LIMIT 1) r ON true"
                    " LEFT JOIN txn.customers c ON c.id = $5::bigint"
                    " LEFT JOIN txn.store_profiles p ON p.store_id = $1::bigint"
                    " LEFT JOIN txn.store_profiles pp ON pp.store_id = 0"
                    /* the customer's usual context: their newest FR_HISTORY_MAX (50)
                     * sales not declined, the ones recent_totals keeps; a sale is
                     * usual when it stands (not voided) and was reviewed legitimate,
                     * or approved and recorded FR_USUAL_AGE_S (a day) ago or more:
                     * created_at is the server's clock, which a client cannot
                     * back-date as it can occurred_at */
                    " CROSS JOIN LATERAL (SELECT count(*) AS n,"
                    " count(*) FILTER (WHERE u AND instrument = $6) AS same_i,"
                    " count(*) FILTER (WHERE u AND channel = $7) AS same_c,"
                    " count(*) FILTER (WHERE u AND store_id = $1::bigint) AS same_s"
                    " FROM (SELECT instrument, channel, store_id,"
                    " (status = 'completed' AND (review_label = 'legit' OR (decision = 'approve'"
                    " AND created_at <= now() - make_interval(secs => $8::int)))) AS u"
                    " FROM txn.transactions WHERE customer_id = $5::bigint"
                    " AND status <> 'declined' ORDER BY id DESC LIMIT 50) h) cx",
        8, params, &r, err);
    tm_buf_fini(&ids);
    if (rc == TM_INVALID) /* the only value that can be malformed here */
        return tm_err_set(err, TM_INVALID, "occurred_at",
                          "occurred_at must be an ISO 8601 time with its offset");
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "store_id", "store %lld is unknown or closed",
                        (long long)s->store_id);
    if (rc == TM_OK)
        facts_row(r, s, out);
    PQclear(r);
    return rc;
}

/* ----------------------------------------------------------- customers */

enum tm_code
tx_db_customer_create(PGconn *db, const char *const *f, struct tm_buf *out, struct tm_err *err)
{
    return tm_db_json_one(
        db,
        "WITH c AS (INSERT INTO txn.customers (name, email, loyalty_tier, home_store_id)"
        " VALUES ($1, $2, COALESCE($3, 'none'), $4::bigint) RETURNING *)"
        " SELECT " CUSTOMER_JSON " FROM c",
        4, f, "id", "customer", out, err);
}

enum tm_code
tx_db_customer_get(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int cid;
    const char *params[1] = {tm_db_int(&cid, id)};

    return tm_db_json_one(db,
                          "SELECT " CUSTOMER_JSON " FROM txn.customers c WHERE c.id = $1::bigint",
                          1, params, "id", "customer", out, err);
}

enum tm_code
tx_db_customer_list(PGconn *db, const char *const *f, const struct tm_page *pg, struct tm_buf *out,
                    struct tm_err *err)
{
    struct tm_db_int after, lim;
    char like[TM_DB_LIKE_SIZE(TM_SEARCH_MAX)];
    const char *params[5] = {f[0], f[1], f[2] ? like : NULL, tm_db_int(&after, pg->after_id),
                             tm_db_int(&lim, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc;

    if (f[2] && tm_db_like(f[2], TM_DB_LIKE_CONTAINS, like, sizeof like, err) != TM_OK)
        return tm_err_set(err, TM_INVALID, "q", "q is longer than %d bytes", TM_SEARCH_MAX);
    rc = tm_db_exec(db,
                    "SELECT c.id, " CUSTOMER_JSON " FROM txn.customers c"
                    " WHERE ($1::text IS NULL OR c.loyalty_tier = $1)"
                    " AND ($2::bigint IS NULL OR c.home_store_id = $2::bigint)"
                    " AND ($3::text IS NULL OR c.name ILIKE $3 OR c.email ILIKE $3)"
                    " AND c.id > $4::bigint ORDER BY c.id LIMIT $5::bigint",
                    5, params, &r, err);
    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

/* ------------------------------------------------------------- claims */

void
tx_claim_fini(struct tx_claim *c)
{
    free(c->reply);
    c->reply = NULL;
}

enum tm_code
tx_db_claim(PGconn *db, const char *principal, const char *key, const char *hash, int *created,
            struct tx_claim *out, struct tm_err *err)
{
    const char *params[3] = {principal, key, hash};
    PGresult *r = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    rc = tm_db_exec(
        db,
        "WITH n AS (INSERT INTO txn.sale_claims (principal, idem_key, body_hash, sale_id)"
        " VALUES ($1, $2, $3, nextval('txn.transactions_id_seq'))"
        " ON CONFLICT (principal, idem_key) DO NOTHING"
        " RETURNING body_hash, sale_id, state, status, reply, true)"
        " SELECT * FROM n UNION ALL"
        " SELECT body_hash, sale_id, state, status, reply, false FROM txn.sale_claims"
        " WHERE principal = $1 AND idem_key = $2 AND NOT EXISTS (SELECT 1 FROM n)",
        3, params, &r, err);
    if (rc == TM_OK && PQntuples(r) != 1)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "idempotency claim raced; retry");
    if (rc == TM_OK) {
        tm_db_copy(out->body_hash, sizeof out->body_hash, r, 0, 0);
        out->sale_id = tm_db_i64(r, 0, 1);
        out->done = strcmp(tm_db_str(r, 0, 2), "done") == 0;
        out->status = tm_db_isnull(r, 0, 3) ? 0 : (int)tm_db_i64(r, 0, 3);
        out->reply = tm_db_isnull(r, 0, 4) ? NULL : tm_xstrdup(tm_db_str(r, 0, 4));
        *created = tm_db_bool(r, 0, 5);
    }
    PQclear(r);
    return rc;
}

enum tm_code
tx_db_claim_finish(PGconn *db, const char *principal, const char *key, int64_t sale_id, int status,
                   const char *reply, int *updated, struct tm_err *err)
{
    struct tm_db_int sid, st;
    const char *params[5] = {principal, key, tm_db_int(&sid, sale_id), tm_db_int(&st, status),
                             reply};
    PGresult *r = NULL;
    enum tm_code rc;

    rc = tm_db_exec(db,
                    "UPDATE txn.sale_claims SET state = 'done', status = $4::int, reply = $5"
                    " WHERE principal = $1 AND idem_key = $2 AND sale_id = $3::bigint"
                    " AND state = 'pending' RETURNING 1",
                    5, params, &r, err);
    if (rc == TM_OK)
        *updated = PQntuples(r) == 1;
    PQclear(r);
    return rc;
}

enum tm_code
tx_db_claim_drop(PGconn *db, const char *principal, const char *key, int64_t sale_id,
                 struct tm_err *err)
{
    struct tm_db_int sid;
    const char *params[3] = {principal, key, tm_db_int(&sid, sale_id)};

    return tm_db_exec(db,
                      "DELETE FROM txn.sale_claims WHERE principal = $1 AND idem_key = $2"
                      " AND sale_id = $3::bigint AND state = 'pending'",
                      3, params, NULL, err);
}

enum tm_code
tx_db_claims_abandoned(PGconn *db, int64_t age_s, int64_t *ids, int max, int *n, struct tm_err *err)
{
    struct tm_db_int age, lim;
    const char *params[2] = {tm_db_int(&age, age_s), tm_db_int(&lim, max)};
    PGresult *r = NULL;
    enum tm_code rc;

    rc = tm_db_exec(db,
                    "DELETE FROM txn.sale_claims WHERE (principal, idem_key) IN ("
                    " SELECT principal, idem_key FROM txn.sale_claims WHERE state = 'pending'"
                    " AND created_at < now() - make_interval(secs => $1::bigint)"
                    " ORDER BY created_at LIMIT $2::int FOR UPDATE SKIP LOCKED) RETURNING sale_id",
                    2, params, &r, err);
    *n = 0;
    for (int i = 0; rc == TM_OK && i < PQntuples(r) && i < max; i++)
        ids[(*n)++] = tm_db_i64(r, i, 0);
    PQclear(r);
    return rc;
}

/* --------------------------------------------------------------- sales */

enum tm_code
tx_db_sale_insert(PGconn *db, const struct tx_record *x, struct tm_buf *out, int *finished,
                  struct tm_err *err)
{
    const struct tx_sale *s = x->sale;
    struct tm_db_int id, store, cust, total, units, ver, at, st;
    struct tm_buf arr[3];
    char score[32];
    PGresult *r = NULL;
    enum tm_code rc = TM_OK;

    *finished = 0;

    for (int i = 0; i < 3; i++)
        tm_buf_init(&arr[i], 1 << 14);
    if (tm_db_int_array(&arr[0], &s->lines[0].product_id, sizeof s->lines[0], s->n) != TM_OK ||
        tm_db_int_array(&arr[1], &s->lines[0].quantity, sizeof s->lines[0], s->n) != TM_OK ||
        tm_db_int_array(&arr[2], &s->lines[0].unit_price_cents, sizeof s->lines[0], s->n) != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, "lines", "too many lines");
    snprintf(score, sizeof score, "%.2f", x->score);
    if (rc == TM_OK) {
        const char *params[23] = {tm_db_int(&id, x->id),
                                  tm_db_int(&store, s->store_id),
                                  s->customer_id ? tm_db_int(&cust, s->customer_id) : NULL,
                                  s->channel,
                                  s->payment_method,
                                  s->instrument[0] ? s->instrument : NULL,
                                  tm_db_int(&at, x->when->epoch_ms),
                                  x->status,
                                  tm_db_int(&total, s->total_cents),
                                  tm_db_int(&units, s->units),
                                  tm_db_int(&ver, x->rule_set_version),
                                  score,
                                  x->decision,
                                  x->reasons_json,
                                  x->not_evaluated_json,
                                  x->principal,
                                  x->idem_key,
                                  arr[0].p,
                                  arr[1].p,
                                  arr[2].p,
                                  tm_db_int(&st, x->finish_status),
                                  x->finish_status ? "true" : "false",
                                  s->operator_id[0] ? s->operator_id : NULL};
        /* the customer's history keeps its last FR_HISTORY_MAX (50) sales;
         * the JSON is built from what the inserts return (the statement's
         * snapshot does not see its own rows), so nothing is read back */
        rc = tm_db_exec(
            db,
            "WITH t AS (INSERT INTO txn.transactions (id, store_id, customer_id, channel,"
            " payment_method, instrument, occurred_at, status, total_cents, units,"
            " rule_set_version, score, decision, reasons, not_evaluated, principal, idem_key,"
            " operator)"
            " VALUES ($1::bigint, $2::bigint, $3::bigint, $4, $5, $6,"
            " to_timestamp($7::bigint / 1000.0), $8, $9::bigint, $10::bigint, $11::int,"
            " $12::float8, $13, $14::jsonb, $15::jsonb, $16, $17, $23) RETURNING *),"
            " l AS (INSERT INTO txn.transaction_lines (transaction_id, line, product_id, quantity,"
            " unit_price_cents) SELECT (SELECT id FROM t), u.ord - 1, u.p, u.q, u.c"
            " FROM unnest($18::bigint[], $19::bigint[], $20::bigint[]) WITH ORDINALITY"
            " AS u(p, q, c, ord) RETURNING *),"
            " cu AS (UPDATE txn.customers SET sales_count = sales_count + 1,"
            " spent_cents = spent_cents + $9::bigint,"
            " recent_totals = (recent_totals || $9::bigint)"
            "[greatest(1, cardinality(recent_totals) - 48):],"
            " recent_units = (recent_units || $10::bigint)"
            "[greatest(1, cardinality(recent_units) - 48):],"
            " last_sale_at = greatest(last_sale_at, to_timestamp($7::bigint / 1000.0)),"
            " updated_at = now()"
            " WHERE id = $3::bigint AND $8 = 'completed' AND (SELECT count(*) FROM l) > 0),"
            " d AS (SELECT " TX_JSON_FROM(
                "l") " AS doc FROM t),"
                     " c AS (UPDATE txn.sale_claims SET state = 'done', status = $21::int,"
                     " reply = d.doc FROM d WHERE $22::boolean AND principal = $16 AND idem_key = "
                     "$17"
                     " AND sale_id = $1::bigint AND state = 'pending' RETURNING 1)"
                     " SELECT d.doc, EXISTS (SELECT 1 FROM c) FROM d",
            23, params, &r, err);
    }
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no transaction with this id");
    if (rc == TM_OK) {
        rc = tx_db_too_big(tm_buf_adds(out, tm_db_str(r, 0, 0)), err);
        *finished = tm_db_bool(r, 0, 1);
    }
    PQclear(r);
    for (int i = 0; i < 3; i++)
        tm_buf_fini(&arr[i]);
    return rc;
}

enum tm_code
tx_db_sale_get(PGconn *db, int64_t id, int lock, int64_t *store_id, char *status,
               size_t status_size, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int tid;
    const char *params[1] = {tm_db_int(&tid, id)};
    PGresult *r = NULL;
    enum tm_code rc;

    rc = tm_db_exec(db,
                    lock ? "SELECT t.store_id, t.status, " TX_JSON_ATTEMPTS
                           " FROM txn.transactions t WHERE t.id = $1::bigint FOR UPDATE OF t"
                         : "SELECT t.store_id, t.status, " TX_JSON_ATTEMPTS
                           " FROM txn.transactions t WHERE t.id = $1::bigint",
                    1, params, &r, err);
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no transaction with this id");
    if (rc == TM_OK) {
        *store_id = tm_db_i64(r, 0, 0);
        if (status)
            tm_db_copy(status, status_size, r, 0, 1);
        rc = tx_db_too_big(tm_buf_adds(out, tm_db_str(r, 0, 2)), err);
    }
    PQclear(r);
    return rc;
}

/* Whether f filters by nothing but the store and the caller's scope. */
static int
store_only(const char *const *f)
{
    for (int i = 0; i < TX_F_COUNT; i++)
        if (f[i] && i != TX_F_STORE && i != TX_F_SCOPE)
            return 0;
    return 1;
}

/* The list's filters $1..$10 on t (TX_F_*), each NULL for "any". */
#define TX_LIST_FILTERS                                                                            \
    "($1::bigint IS NULL OR t.store_id = $1::bigint)"                                              \
    " AND ($2::bigint IS NULL OR t.customer_id = $2::bigint)"                                      \
    " AND ($3::text IS NULL OR t.status = $3)"                                                     \
    " AND ($4::text IS NULL OR t.decision = $4)"                                                   \
    " AND ($5::timestamptz IS NULL OR t.occurred_at >= $5::timestamptz)"                           \
    " AND ($6::timestamptz IS NULL OR t.occurred_at < $6::timestamptz)"                            \
    " AND ($7::bigint IS NULL OR t.total_cents >= $7::bigint)"                                     \
    " AND ($8::bigint IS NULL OR t.total_cents <= $8::bigint)"                                     \
    " AND ($9::bigint[] IS NULL OR t.store_id = ANY($9::bigint[]))"                                \
    " AND ($10::text IS NULL OR (t.decision <> 'approve'"                                          \
    " AND ($10 = 'all' OR t.review_label IS NULL)))"

/* The page's keyset: ids after $N ascending, or before it descending (N is
 * the cursor's parameter, N + 1 the limit's). */
#define TX_PAGE_ASC(n, lim) " AND t.id > $" n "::bigint ORDER BY t.id LIMIT $" lim "::bigint"
#define TX_PAGE_DESC(n, lim) " AND t.id < $" n "::bigint ORDER BY t.id DESC LIMIT $" lim "::bigint"

/* a store's page, the common read: its own text, whose page of ids comes
 * from transactions_store_idx alone (with "$1 IS NULL OR ..." in the text,
 * or the JSON in the same scan, the generic plan walked the primary key and
 * dropped the other stores' rows) */
#define TX_STORE_PAGE(page, dir)                                                                   \
    "WITH page AS MATERIALIZED (SELECT t.id FROM txn.transactions t"                               \
    " WHERE t.store_id = $1::bigint"                                                               \
    " AND ($2::bigint[] IS NULL OR t.store_id = ANY($2::bigint[]))" page ")"                       \
    " SELECT t.id, " TX_JSON " FROM page JOIN txn.transactions t ON t.id = page.id"                \
    " ORDER BY t.id" dir

/* the flagged voids, rare: their own text, with the partial index's
 * predicate written out so a generic plan can use
 * transactions_void_flagged_idx (with "$11 IS NULL OR ..." it walked the
 * primary key) */
#define TX_VOID_FLAGGED_PAGE(page)                                                                 \
    "SELECT t.id, " TX_JSON " FROM txn.transactions t"                                             \
    " WHERE t.void_decision IS NOT NULL AND t.void_decision <> 'approve'"                          \
    " AND " TX_LIST_FILTERS " AND $11::boolean" page

#define TX_ANY_PAGE(page)                                                                          \
    "SELECT t.id, " TX_JSON " FROM txn.transactions t"                                             \
    " WHERE " TX_LIST_FILTERS " AND ($11::boolean IS NULL OR (t.void_decision IS NOT NULL"         \
    " AND t.void_decision <> 'approve') = $11::boolean)" page

enum tm_code
tx_db_sale_list(PGconn *db, const char *const *f, const struct tm_page *pg, int newest,
                struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int after, lim;
    const char *params[TX_F_COUNT + 2];
    PGresult *r = NULL;
    enum tm_code rc;

    memcpy(params, f, TX_F_COUNT * sizeof *f);
    /* newest first without a cursor: before any id */
    params[TX_F_COUNT] = tm_db_int(&after, newest && !pg->after_id ? INT64_MAX : pg->after_id);
    params[TX_F_COUNT + 1] = tm_db_int(&lim, pg->limit + 1);
    if (f[TX_F_STORE] && store_only(f)) {
        const char *sp[4] = {f[TX_F_STORE], f[TX_F_SCOPE], params[TX_F_COUNT],
                             params[TX_F_COUNT + 1]};

        rc = tm_db_exec(db,
                        newest ? TX_STORE_PAGE(TX_PAGE_DESC("3", "4"), " DESC")
                               : TX_STORE_PAGE(TX_PAGE_ASC("3", "4"), ""),
                        4, sp, &r, err);
    } else if (f[TX_F_VOID_FLAGGED] && strcmp(f[TX_F_VOID_FLAGGED], "true") == 0) {
        rc = tm_db_exec(db,
                        newest ? TX_VOID_FLAGGED_PAGE(TX_PAGE_DESC("12", "13"))
                               : TX_VOID_FLAGGED_PAGE(TX_PAGE_ASC("12", "13")),
                        TX_F_COUNT + 2, params, &r, err);
    } else {
        rc = tm_db_exec(db,
                        newest ? TX_ANY_PAGE(TX_PAGE_DESC("12", "13"))
                               : TX_ANY_PAGE(TX_PAGE_ASC("12", "13")),
                        TX_F_COUNT + 2, params, &r, err);
    }
    if (rc == TM_INVALID && !err->field[0])
        tm_err_set(err, TM_INVALID, "from", "from and to must be ISO 8601 times");
    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

enum tm_code
tx_db_queue_summary(PGconn *db, const char *store_id, const char *scope, struct tm_buf *out,
                    struct tm_err *err)
{
    const char *params[2] = {store_id, scope};

    /* the queue's condition is tx_db_sale_list's "queue"; the partial index
     * transactions_flagged_idx holds just the flagged rows */
    return tm_db_json_one(db,
                          "SELECT json_build_object('waiting_review', count(*))::text"
                          " FROM txn.transactions t WHERE t.decision <> 'approve'"
                          " AND t.review_label IS NULL"
                          " AND ($1::bigint IS NULL OR t.store_id = $1::bigint)"
                          " AND ($2::bigint[] IS NULL OR t.store_id = ANY($2::bigint[]))",
                          2, params, "id", "summary", out, err);
}

enum tm_code
tx_db_sale_review(PGconn *db, int64_t id, const char *label, const char *note, const char *who,
                  int64_t *customer_id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int tid;
    const char *params[4] = {tm_db_int(&tid, id), label, note, who};
    PGresult *r = NULL;
    enum tm_code rc;

    rc = tm_db_exec(db,
                    "SELECT decision, review_label IS NOT NULL, customer_id FROM txn.transactions"
                    " WHERE id = $1::bigint FOR UPDATE",
                    1, params, &r, err);
    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no transaction with this id");
    else if (rc == TM_OK && strcmp(tm_db_str(r, 0, 0), "approve") == 0)
        rc = tm_err_set(err, TM_UNPROCESSABLE, "id",
                        "transaction %lld was approved: only flagged sales are reviewed",
                        (long long)id);
    else if (rc == TM_OK && tm_db_bool(r, 0, 1))
        rc = tm_err_set(err, TM_CONFLICT, "label", "transaction %lld was already reviewed",
                        (long long)id);
    PQclear(r);
    if (rc != TM_OK)
        return rc;
    rc = tm_db_exec(db,
                    "WITH v AS (UPDATE txn.transactions SET review_label = $2, review_note = $3,"
                    " reviewed_by = $4, reviewed_at = now() WHERE id = $1::bigint RETURNING *),"
                    " c AS (UPDATE txn.customers SET"
                    " fraud_labels = fraud_labels + (CASE WHEN $2 = 'fraud' THEN 1 ELSE 0 END),"
                    " legit_labels = legit_labels + (CASE WHEN $2 = 'legit' THEN 1 ELSE 0 END),"
                    " updated_at = now() WHERE id = (SELECT customer_id FROM v) RETURNING id)"
                    " SELECT " TX_JSON ", (SELECT id FROM c) FROM v t",
                    4, params, &r, err);
    if (rc == TM_OK && PQntuples(r) == 1) {
        *customer_id = tm_db_isnull(r, 0, 1) ? 0 : tm_db_i64(r, 0, 1);
        rc = tx_db_too_big(tm_buf_adds(out, tm_db_str(r, 0, 0)), err);
    } else if (rc == TM_OK) {
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no transaction with this id");
    }
    PQclear(r);
    return rc;
}

enum tm_code
tx_db_customer_set_risk(PGconn *db, int64_t id, double risk, struct tm_err *err)
{
    struct tm_db_int cid;
    char rs[32];
    const char *params[2] = {tm_db_int(&cid, id), rs};

    snprintf(rs, sizeof rs, "%.4f", risk);
    return tm_db_exec(db, "UPDATE txn.customers SET risk_score = $2::float8 WHERE id = $1::bigint",
                      2, params, NULL, err);
}

enum tm_code
tx_db_customer_labels(PGconn *db, int64_t id, int64_t *fraud, int64_t *legit, struct tm_err *err)
{
    struct tm_db_int cid;
    const char *params[1] = {tm_db_int(&cid, id)};
    PGresult *r = NULL;
    enum tm_code rc =
        tm_db_exec(db, "SELECT fraud_labels, legit_labels FROM txn.customers WHERE id = $1::bigint",
                   1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "customer_id", "no customer with this id");
    if (rc == TM_OK) {
        *fraud = tm_db_i64(r, 0, 0);
        *legit = tm_db_i64(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

/* ---------------------------------------------- sample data (tm-txn-seed) */

/* The integer columns of every row of sql, row after row; owned by the
 * caller. */
static enum tm_code
int_rows(PGconn *db, const char *sql, int64_t **out, int *n, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, sql, 0, NULL, &r, err);
    int cols;

    *n = 0;
    *out = NULL;
    if (rc != TM_OK)
        return rc;
    *n = PQntuples(r);
    cols = PQnfields(r);
    *out = tm_xcalloc((size_t)(*n > 0 ? *n : 1) * (size_t)cols, sizeof **out);
    for (int i = 0; i < *n; i++)
        for (int c = 0; c < cols; c++)
            (*out)[i * cols + c] = tm_db_i64(r, i, c);
    PQclear(r);
    return TM_OK;
}

enum tm_code
tx_db_copy_behind(PGconn *db, int64_t *missing, struct tm_err *err)
{
    return tm_db_i64_one(db,
                         "SELECT (SELECT count(*) FROM inventory.stores s WHERE NOT EXISTS"
                         " (SELECT 1 FROM txn.stores t WHERE t.id = s.id))"
                         " + (SELECT count(*) FROM inventory.products p WHERE NOT EXISTS"
                         " (SELECT 1 FROM txn.products t WHERE t.id = p.id))",
                         0, NULL, missing, err);
}

enum tm_code
tx_db_sellable(PGconn *db, int64_t **stores, int *n_stores, int64_t **products, int *n_products,
               struct tm_err *err)
{
    enum tm_code rc =
        int_rows(db, "SELECT id FROM txn.stores WHERE active ORDER BY id", stores, n_stores, err);

    *products = NULL;
    *n_products = 0;
    if (rc == TM_OK)
        rc = int_rows(db, "SELECT id, unit_price_cents FROM txn.products WHERE active ORDER BY id",
                      products, n_products, err);
    return rc;
}

enum tm_code
tx_db_sales_count(PGconn *db, int64_t *n, struct tm_err *err)
{
    return tm_db_i64_one(db, "SELECT count(*) FROM txn.transactions", 0, NULL, n, err);
}
