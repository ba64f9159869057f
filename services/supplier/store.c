/* services/supplier/store.c — tm-supplier's SQL. Every statement is
 * parameterized; JSON is rendered by PostgreSQL and appended whole. */
#include "services/supplier/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/json.h"

const struct tm_outbox sup_outbox = {"supplier"};

/* clang-format off */
#define SUPPLIER_JSON(s)                                                                          \
    "json_build_object('id', " s ".id, 'code', " s ".code, 'name', " s ".name,"                 \
    " 'contact', " s ".contact, 'currency', " s ".currency, 'active', " s ".active,"             \
    " 'preferred', " s ".preferred, 'api_url', " s ".api_url,"                                    \
    " 'has_api_key', " s ".api_key IS NOT NULL,"                                                  \
    " 'created_at', " TM_DB_TS(s ".created_at") ", 'updated_at', " TM_DB_TS(s ".updated_at") ")::text"

#define OFFER_JSON                                                                                \
    "json_build_object('id', o.id, 'supplier_id', o.supplier_id, 'product_id', o.product_id,"     \
    " 'price_breaks', (SELECT COALESCE(json_agg(json_build_object('min_quantity', b.min_quantity," \
    " 'unit_price_cents', b.unit_price_cents) ORDER BY b.min_quantity), '[]'::json)"              \
    " FROM supplier.offer_breaks b WHERE b.offer_id = o.id),"                                      \
    " 'moq', o.moq, 'pack_size', o.pack_size, 'lead_time_days', o.lead_time_days,"                \
    " 'lead_time_spread_days', o.lead_time_spread_days,"                                          \
    " 'shipping_cost_cents', o.shipping_cost_cents,"                                              \
    " 'free_shipping_threshold_cents', o.free_shipping_threshold_cents,"                          \
    " 'valid_from', o.valid_from, 'valid_to', o.valid_to, 'active', o.active,"                    \
    " 'created_at', " TM_DB_TS("o.created_at") ", 'updated_at', " TM_DB_TS("o.updated_at") ")::text"
/* clang-format on */

static enum tm_code
too_big(enum tm_code rc, struct tm_err *err)
{
    return rc == TM_TOOBIG ? tm_err_set(err, TM_TOOBIG, NULL, "reply too large") : rc;
}

/* A constraint's refusal, named by the client's field. */
static enum tm_code
constraint_field(enum tm_code rc, struct tm_err *err)
{
    static const struct {
        const char *constraint, *field;
    } map[] = {
        {"offers_valid_range", "valid_to"},       {"suppliers_code_check", "code"},
        {"suppliers_currency_check", "currency"}, {"suppliers_api_url_check", "api_url"},
        {"offers_active_uq", "product_id"},       {"suppliers_code_key", "code"},
    };

    if (!err || (rc != TM_INVALID && rc != TM_CONFLICT))
        return rc;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(err->field, map[i].constraint) == 0)
            return tm_err_set(err, rc, map[i].field, "%s: %s",
                              rc == TM_CONFLICT ? "already taken" : "refused", map[i].field);
    return rc;
}

/* ---------------------------------------------------------- suppliers */

static const char *
opt(unsigned set, unsigned bit, const char *v)
{
    return (set & bit) ? v : NULL;
}

static const char *
opt_bool(unsigned set, unsigned bit, int v)
{
    return (set & bit) ? (v ? "true" : "false") : NULL;
}

enum tm_code
sup_db_supplier_create(PGconn *db, const struct sup_supplier_in *in, struct tm_buf *out,
                       struct tm_err *err)
{
    unsigned s = in->set;
    const char *params[8] = {in->code,
                             in->name,
                             opt(s, SUP_S_CONTACT, in->contact),
                             in->currency,
                             opt_bool(s, SUP_S_ACTIVE, in->active),
                             opt(s, SUP_S_API_URL, in->api_url),
                             opt(s, SUP_S_API_KEY, in->api_key),
                             opt_bool(s, SUP_S_PREFERRED, in->preferred)};
    enum tm_code rc = tm_db_json_one(
        db,
        "WITH s AS (INSERT INTO supplier.suppliers (code, name, contact, currency, active,"
        " api_url, api_key, preferred) VALUES ($1, $2, COALESCE($3, ''), $4,"
        " COALESCE($5::boolean, true), $6, $7, COALESCE($8::boolean, false)) RETURNING *)"
        " SELECT " SUPPLIER_JSON("s") " FROM s",
        8, params, "id", "supplier", out, err);

    return constraint_field(rc, err);
}

enum tm_code
sup_db_supplier_update(PGconn *db, int64_t id, const struct sup_supplier_in *in, struct tm_buf *out,
                       struct tm_err *err)
{
    unsigned s = in->set;
    struct tm_db_int sid;
    const char *params[12] = {tm_db_int(&sid, id),
                              opt(s, SUP_S_CODE, in->code),
                              opt(s, SUP_S_NAME, in->name),
                              opt(s, SUP_S_CONTACT, in->contact),
                              opt(s, SUP_S_CURRENCY, in->currency),
                              opt_bool(s, SUP_S_ACTIVE, in->active),
                              opt(s, SUP_S_API_URL, in->api_url),
                              opt(s, SUP_S_API_KEY, in->api_key),
                              opt_bool(s, SUP_S_PREFERRED, in->preferred),
                              in->clear & SUP_S_CONTACT ? "true" : "false",
                              in->clear & SUP_S_API_URL ? "true" : "false",
                              in->clear & SUP_S_API_KEY ? "true" : "false"};
    enum tm_code rc =
        tm_db_json_one(db,
                       "WITH s AS (UPDATE supplier.suppliers SET code = COALESCE($2, code),"
                       " name = COALESCE($3, name),"
                       " contact = CASE WHEN $10::boolean THEN '' ELSE COALESCE($4, contact) END,"
                       " currency = COALESCE($5, currency), active = COALESCE($6::boolean, active),"
                       " api_url = CASE WHEN $11::boolean THEN NULL ELSE COALESCE($7, api_url) END,"
                       " api_key = CASE WHEN $12::boolean THEN NULL ELSE COALESCE($8, api_key) END,"
                       " preferred = COALESCE($9::boolean, preferred), updated_at = now()"
                       " WHERE id = $1::bigint RETURNING *)"
                       " SELECT " SUPPLIER_JSON("s") " FROM s",
                       12, params, "id", "supplier", out, err);

    return constraint_field(rc, err);
}

enum tm_code
sup_db_supplier_get(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int sid;
    const char *params[1] = {tm_db_int(&sid, id)};

    return tm_db_json_one(db,
                          "SELECT " SUPPLIER_JSON("s") " FROM supplier.suppliers s"
                                                       " WHERE s.id = $1::bigint",
                          1, params, "id", "supplier", out, err);
}

enum tm_code
sup_db_supplier_list(PGconn *db, int active, const struct tm_page *pg, struct tm_buf *out,
                     struct tm_err *err)
{
    struct tm_db_int after, lim;
    const char *params[3] = {active < 0 ? NULL
                             : active   ? "true"
                                        : "false",
                             tm_db_int(&after, pg->after_id), tm_db_int(&lim, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT s.id, " SUPPLIER_JSON("s") " FROM supplier.suppliers s"
                                           " WHERE ($1::boolean IS NULL OR s.active = $1::boolean)"
                                           " AND s.id > $2::bigint ORDER BY s.id LIMIT $3::bigint",
        3, params, &r, err);

    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

/* ------------------------------------------------------------- offers */

enum tm_code
sup_db_supplier_exists(PGconn *db, int64_t sid, struct tm_err *err)
{
    struct tm_db_int p;
    const char *params[1] = {tm_db_int(&p, sid)};
    int64_t n = 0;
    enum tm_code rc = tm_db_i64_one(
        db, "SELECT count(*) FROM supplier.suppliers WHERE id = $1::bigint", 1, params, &n, err);

    if (rc == TM_OK && n == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no supplier with this id");
    return rc;
}

/* Replaces offer oid's breaks with in's. */
static enum tm_code
put_breaks(PGconn *db, int64_t oid, const struct sup_offer_in *in, struct tm_err *err)
{
    struct tm_buf mins, prices;
    struct tm_db_int o;
    const char *params[3];
    enum tm_code rc;

    tm_buf_init(&mins, 1024);
    tm_buf_init(&prices, 1024);
    params[0] = tm_db_int(&o, oid);
    if ((rc = tm_db_int_array(&mins, &in->breaks[0].min_quantity, sizeof in->breaks[0],
                              in->n_breaks)) != TM_OK ||
        (rc = tm_db_int_array(&prices, &in->breaks[0].unit_price_cents, sizeof in->breaks[0],
                              in->n_breaks)) != TM_OK) {
        rc = tm_err_set(err, TM_TOOBIG, "price_breaks", "too many price breaks");
        goto out;
    }
    params[1] = mins.p;
    params[2] = prices.p;
    if ((rc = tm_db_exec(db, "DELETE FROM supplier.offer_breaks WHERE offer_id = $1::bigint", 1,
                         params, NULL, err)) != TM_OK)
        goto out;
    rc = tm_db_exec(db,
                    "INSERT INTO supplier.offer_breaks (offer_id, min_quantity, unit_price_cents)"
                    " SELECT $1::bigint, m, p FROM unnest($2::bigint[], $3::bigint[]) AS x(m, p)",
                    3, params, NULL, err);
    if (rc == TM_CONFLICT || rc == TM_INVALID)
        rc = tm_err_set(err, TM_INVALID, "price_breaks", "price_breaks refused");
out:
    tm_buf_fini(&mins);
    tm_buf_fini(&prices);
    return rc;
}

static enum tm_code
offer_json(PGconn *db, int64_t oid, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int o;
    const char *params[1] = {tm_db_int(&o, oid)};

    return tm_db_json_one(db,
                          "SELECT " OFFER_JSON " FROM supplier.offers o WHERE o.id = $1::bigint", 1,
                          params, "offer_id", "offer", out, err);
}

/* The offer's optional members as statement parameters ($3..$11). */
static void
offer_params(const struct sup_offer_in *in, struct tm_db_int *n, const char **p)
{
    unsigned s = in->set;

    p[0] = (s & SUP_O_MOQ) ? tm_db_int(&n[0], in->moq) : NULL;
    p[1] = (s & SUP_O_PACK) ? tm_db_int(&n[1], in->pack_size) : NULL;
    p[2] = (s & SUP_O_LEAD) ? tm_db_int(&n[2], in->lead_time_days) : NULL;
    p[3] = (s & SUP_O_SPREAD) ? tm_db_int(&n[3], in->lead_time_spread_days) : NULL;
    p[4] = (s & SUP_O_SHIPPING) ? tm_db_int(&n[4], in->shipping_cost_cents) : NULL;
    p[5] = (s & SUP_O_THRESHOLD) ? tm_db_int(&n[5], in->free_shipping_threshold_cents) : NULL;
    p[6] = (s & SUP_O_FROM) ? in->valid_from : NULL;
    p[7] = (s & SUP_O_TO) ? in->valid_to : NULL;
}

enum tm_code
sup_db_offer_create(PGconn *db, int64_t sid, const struct sup_offer_in *in, struct tm_buf *out,
                    struct tm_err *err)
{
    struct tm_db_int a, b, n[8];
    const char *params[10] = {tm_db_int(&a, sid), tm_db_int(&b, in->product_id)};
    int64_t oid = 0;
    enum tm_code rc;

    offer_params(in, n, params + 2);
    if ((rc = sup_db_supplier_exists(db, sid, err)) != TM_OK)
        return rc;
    rc = tm_db_i64_one(db,
                       "INSERT INTO supplier.offers (supplier_id, product_id, moq, pack_size,"
                       " lead_time_days, lead_time_spread_days, shipping_cost_cents,"
                       " free_shipping_threshold_cents, valid_from, valid_to)"
                       " VALUES ($1::bigint, $2::bigint, COALESCE($3::bigint, 1),"
                       " COALESCE($4::bigint, 1), $5::integer, COALESCE($6::integer, 0),"
                       " COALESCE($7::bigint, 0), COALESCE($8::bigint, 0), $9::date, $10::date)"
                       " RETURNING id",
                       10, params, &oid, err);
    if (rc == TM_CONFLICT)
        return tm_err_set(err, TM_CONFLICT, "product_id",
                          "this supplier has an active offer for this product");
    if (rc != TM_OK || (rc = put_breaks(db, oid, in, err)) != TM_OK)
        return constraint_field(rc, err);
    return offer_json(db, oid, out, err);
}

enum tm_code
sup_db_offer_update(PGconn *db, int64_t sid, int64_t oid, const struct sup_offer_in *in,
                    struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, n[8];
    const char *params[12] = {tm_db_int(&a, sid), tm_db_int(&b, oid)};
    int64_t id = 0;
    enum tm_code rc;

    offer_params(in, n, params + 2);
    params[10] = in->clear & SUP_O_FROM ? "true" : "false";
    params[11] = in->clear & SUP_O_TO ? "true" : "false";
    rc = tm_db_i64_one(db,
                       "WITH o AS (UPDATE supplier.offers SET moq = COALESCE($3::bigint, moq),"
                       " pack_size = COALESCE($4::bigint, pack_size),"
                       " lead_time_days = COALESCE($5::integer, lead_time_days),"
                       " lead_time_spread_days = COALESCE($6::integer, lead_time_spread_days),"
                       " shipping_cost_cents = COALESCE($7::bigint, shipping_cost_cents),"
                       " free_shipping_threshold_cents = COALESCE($8::bigint,"
                       " free_shipping_threshold_cents),"
                       " valid_from = CASE WHEN $11::boolean THEN NULL"
                       " ELSE COALESCE($9::date, valid_from) END,"
                       " valid_to = CASE WHEN $12::boolean THEN NULL"
                       " ELSE COALESCE($10::date, valid_to) END, updated_at = now()"
                       " WHERE supplier_id = $1::bigint AND id = $2::bigint AND active"
                       " RETURNING id) SELECT COALESCE((SELECT id FROM o), 0)",
                       12, params, &id, err);
    if (rc != TM_OK)
        return constraint_field(rc, err);
    if (id == 0)
        return tm_err_set(err, TM_NOTFOUND, "offer_id", "no active offer with this offer_id");
    if ((in->set & SUP_O_BREAKS) && (rc = put_breaks(db, oid, in, err)) != TM_OK)
        return rc;
    return offer_json(db, oid, out, err);
}

enum tm_code
sup_db_offer_delete(PGconn *db, int64_t sid, int64_t oid, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, sid), tm_db_int(&b, oid)};

    return tm_db_json_one(
        db,
        "WITH o AS (UPDATE supplier.offers SET active = false, updated_at = now()"
        " WHERE supplier_id = $1::bigint AND id = $2::bigint AND active RETURNING *)"
        " SELECT " OFFER_JSON " FROM o",
        2, params, "offer_id", "active offer", out, err);
}

enum tm_code
sup_db_offer_list(PGconn *db, int64_t sid, int active, const struct tm_page *pg, struct tm_buf *out,
                  struct tm_err *err)
{
    struct tm_db_int s, after, lim;
    const char *params[4] = {tm_db_int(&s, sid),
                             active < 0 ? NULL
                             : active   ? "true"
                                        : "false",
                             tm_db_int(&after, pg->after_id), tm_db_int(&lim, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc;

    if ((rc = sup_db_supplier_exists(db, sid, err)) != TM_OK)
        return rc;
    rc = tm_db_exec(db,
                    "SELECT o.id, " OFFER_JSON " FROM supplier.offers o"
                    " WHERE o.supplier_id = $1::bigint"
                    " AND ($2::boolean IS NULL OR o.active = $2::boolean)"
                    " AND o.id > $3::bigint ORDER BY o.id LIMIT $4::bigint",
                    4, params, &r, err);
    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

/* -------------------------------------------------------- performance */

/* clang-format off */
#define PERF_COLS                                                                                 \
    "count(r.id), COALESCE(avg((r.actual_lead_days <= r.promised_lead_days)::int), 0),"           \
    " LEAST(1, COALESCE(sum(r.received_quantity)::float8 / NULLIF(sum(r.ordered_quantity), 0), 0)),"\
    " COALESCE(avg(r.actual_lead_days), 0), COALESCE(stddev_pop(r.actual_lead_days), 0)"
/* clang-format on */

enum tm_code
sup_db_performance(PGconn *db, int64_t sid, const struct sup_quoted *q, struct tm_buf *out,
                   struct tm_err *err)
{
    struct tm_db_int p;
    const char *params[1] = {tm_db_int(&p, sid)};
    PGresult *r = NULL;
    enum tm_code rc;
    int64_t n;
    int quoted;

    if ((rc = sup_db_supplier_exists(db, sid, err)) != TM_OK)
        return rc;
    if ((rc = tm_db_exec(db,
                         "SELECT " PERF_COLS " FROM supplier.receipts r"
                         " WHERE r.supplier_id = $1::bigint",
                         1, params, &r, err)) != TM_OK)
        return rc;
    n = tm_db_i64(r, 0, 0);
    quoted = n < q->min_receipts;
    rc = tm_buf_printf(out,
                       "{\"supplier_id\":%" PRId64 ",\"receipts\":%" PRId64 ",\"min_receipts\":%d",
                       sid, n, q->min_receipts);
    if (rc == TM_OK)
        rc = tm_json_kv_bool(out, "quoted", quoted);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(out, "on_time_rate",
                            quoted ? q->on_time_rate : strtod(tm_db_str(r, 0, 1), NULL), 4, 0);
    if (rc == TM_OK)
        rc = tm_json_kv_f64(out, "fill_rate",
                            quoted ? q->fill_rate : strtod(tm_db_str(r, 0, 2), NULL), 4, 0);
    /* quoted: each offer's own lead time and spread apply */
    if (rc == TM_OK && quoted)
        rc = tm_buf_adds(out, ",\"lead_time_mean_days\":null,\"lead_time_sd_days\":null");
    else if (rc == TM_OK && (rc = tm_json_kv_f64(out, "lead_time_mean_days",
                                                 strtod(tm_db_str(r, 0, 3), NULL), 2, 0)) == TM_OK)
        rc = tm_json_kv_f64(out, "lead_time_sd_days", strtod(tm_db_str(r, 0, 4), NULL), 2, 0);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}");
    PQclear(r);
    return too_big(rc, err);
}

/* ------------------------------------------------------------- choice */

/* "1:500,10:450" into the offer's breaks. */
static void
parse_breaks(const char *s, struct sup_offer *o)
{
    o->n_breaks = 0;
    while (s && *s && o->n_breaks < SUP_BREAKS_MAX) {
        char *end;
        long long m = strtoll(s, &end, 10), p;
        if (*end != ':')
            break;
        p = strtoll(end + 1, &end, 10);
        o->breaks[o->n_breaks].min_quantity = m;
        o->breaks[o->n_breaks].unit_price_cents = p;
        o->n_breaks++;
        s = *end == ',' ? end + 1 : end;
    }
}

enum tm_code
sup_db_candidates(PGconn *db, const char *currency, int stale_after_s, struct sup_request *req,
                  struct sup_cand_info *info, int *truncated, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    const char *params[5] = {tm_db_int(&a, req->product_id), tm_db_int(&b, req->today_day),
                             tm_db_int(&c, SUP_CANDIDATES_MAX + 1), currency,
                             tm_db_int(&d, stale_after_s)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT s.id, s.code, s.name, s.preferred, o.id, o.moq, o.pack_size, o.lead_time_days,"
        " o.lead_time_spread_days, o.shipping_cost_cents, o.free_shipping_threshold_cents,"
        " o.valid_from - date '1970-01-01', o.valid_to - date '1970-01-01',"
        " (SELECT string_agg(b.min_quantity || ':' || b.unit_price_cents, ','"
        " ORDER BY b.min_quantity) FROM supplier.offer_breaks b WHERE b.offer_id = o.id),"
        " p.*, cat.supplier_id IS NOT NULL, COALESCE(ci.available, 0),"
        " cat.last_error IS NOT NULL OR cat.fetched_at < now() - $5::integer * interval '1 second'"
        " FROM supplier.offers o JOIN supplier.suppliers s ON s.id = o.supplier_id"
        " CROSS JOIN LATERAL (SELECT " PERF_COLS " FROM supplier.receipts r"
        " WHERE r.supplier_id = s.id) p"
        /* the last good fetch of the supplier's price list, when there is one */
        " LEFT JOIN supplier.catalogues cat ON cat.supplier_id = s.id"
        " AND cat.fetched_at IS NOT NULL"
        " LEFT JOIN supplier.catalogue_items ci ON ci.supplier_id = cat.supplier_id"
        " AND ci.product_id = o.product_id"
        " WHERE o.product_id = $1::bigint AND o.active AND s.active AND s.currency = $4"
        " AND (o.valid_from IS NULL OR o.valid_from <= date '1970-01-01' + $2::integer)"
        " AND (o.valid_to IS NULL OR o.valid_to >= date '1970-01-01' + $2::integer)"
        /* past the limit, the cheapest first unit prices are the ones kept */
        " ORDER BY (SELECT min(b.unit_price_cents) FROM supplier.offer_breaks b"
        " WHERE b.offer_id = o.id), s.id LIMIT $3::bigint",
        5, params, &r, err);

    if (rc != TM_OK)
        return rc;
    req->n = PQntuples(r);
    *truncated = req->n > SUP_CANDIDATES_MAX;
    if (*truncated)
        req->n = SUP_CANDIDATES_MAX;
    for (int i = 0; i < req->n; i++) {
        struct sup_input *in = &req->in[i];
        struct sup_offer *o = &in->offer;

        memset(in, 0, sizeof *in);
        in->supplier_id = tm_db_i64(r, i, 0);
        tm_db_copy(info[i].code, sizeof info[i].code, r, i, 1);
        tm_db_copy(info[i].name, sizeof info[i].name, r, i, 2);
        in->preferred = tm_db_bool(r, i, 3);
        info[i].offer_id = tm_db_i64(r, i, 4);
        o->product_id = req->product_id;
        o->moq = tm_db_i64(r, i, 5);
        o->pack_size = tm_db_i64(r, i, 6);
        o->lead_time_days = (double)tm_db_i64(r, i, 7);
        o->lead_time_sd_days = (double)tm_db_i64(r, i, 8);
        o->shipping_cost_cents = tm_db_i64(r, i, 9);
        o->free_shipping_threshold_cents = tm_db_i64(r, i, 10);
        if ((o->has_valid_from = !tm_db_isnull(r, i, 11)))
            o->valid_from_day = tm_db_i64(r, i, 11);
        if ((o->has_valid_to = !tm_db_isnull(r, i, 12)))
            o->valid_to_day = tm_db_i64(r, i, 12);
        parse_breaks(tm_db_str(r, i, 13), o);
        in->perf.receipts = (int)tm_db_i64(r, i, 14);
        in->perf.on_time_rate = strtod(tm_db_str(r, i, 15), NULL);
        in->perf.fill_rate = strtod(tm_db_str(r, i, 16), NULL);
        in->perf.lead_time_mean_days = strtod(tm_db_str(r, i, 17), NULL);
        in->perf.lead_time_sd_days = strtod(tm_db_str(r, i, 18), NULL);
        info[i].availability_known = tm_db_bool(r, i, 19);
        info[i].availability_stale = info[i].availability_known && tm_db_bool(r, i, 21);
        /* a cached catalogue without the product: the supplier cannot ship it */
        in->available_units = info[i].availability_known ? tm_db_i64(r, i, 20) : -1;
    }
    PQclear(r);
    return TM_OK;
}
