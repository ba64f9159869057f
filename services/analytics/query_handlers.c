/* services/analytics/query_handlers.c — the report routes. Each decodes its
 * query (query.c), asks query_store.c for plain rows, derives the ratios
 * and shows the rows through one table of columns per report, as JSON
 * ({"from","to","items":[...]}) or CSV (a header row, then a line a row),
 * so both formats always carry the same columns. Reports are read by
 * analysts and the dashboard, a few a second at most; each is one
 * statement over the hourly read models. */
#include "services/analytics/query_handlers.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/envelope.h"
#include "common/json.h"
#include "common/time.h"

#include "services/analytics/query.h"
#include "services/analytics/query_store.h"
#include "services/analytics/rfm.h"

#define ID_MAX (INT64_C(1) << 53) /* ids the API takes (router.h's path ids) */

/* ------------------------------------------------------------- columns */

enum col_kind {
    COL_I64,   /* int64_t */
    COL_OPT,   /* int64_t, ANQ_NONE: null */
    COL_ID,    /* int64_t, 0: null */
    COL_STR,   /* char[] */
    COL_RATIO, /* double, NaN: null; 4 decimals */
};

struct col {
    const char *name;
    enum col_kind kind;
    size_t off;
};

#define C(type, name, kind, member)                                                                \
    {                                                                                              \
        name, kind, offsetof(type, member)                                                         \
    }

/* One cell of row at column c, JSON or CSV (last: the line's end). */
static enum tm_code
cell(struct tm_buf *b, enum anq_format fmt, const struct col *c, const char *row, int last)
{
    const void *p = row + c->off;
    int64_t v = c->kind == COL_STR || c->kind == COL_RATIO ? 0 : *(const int64_t *)p;
    double d = c->kind == COL_RATIO ? *(const double *)p : 0;
    int null = (c->kind == COL_OPT && v == ANQ_NONE) || (c->kind == COL_ID && v == 0) ||
               (c->kind == COL_RATIO && !isfinite(d));
    const char *end = fmt == ANQ_CSV ? (last ? "\r\n" : ",") : (last ? "}" : ",");
    enum tm_code rc = TM_OK;

    if (fmt == ANQ_JSON && (rc = tm_buf_printf(b, "\"%s\":", c->name)) != TM_OK)
        return rc;
    if (c->kind == COL_STR)
        return fmt == ANQ_CSV                        ? tm_csv_cell(b, p, last)
               : (rc = tm_json_quote(b, p)) == TM_OK ? tm_buf_adds(b, end)
                                                     : rc;
    if (null)
        rc = fmt == ANQ_CSV ? TM_OK : tm_buf_adds(b, "null");
    else if (c->kind == COL_RATIO)
        rc = tm_buf_printf(b, "%.4f", d);
    else
        rc = tm_buf_printf(b, "%lld", (long long)v);
    return rc == TM_OK ? tm_buf_adds(b, end) : rc;
}

/* Shows n rows (each `size` bytes) through cols[0..ncols). For JSON the
 * body already holds the answer's opening members ("{...,"); CSV starts
 * with the header row unless this is a streamed export's later page
 * (page_after given). */
static enum tm_code
emit_page(struct tm_reply *rep, enum anq_format fmt, int header, const struct col *cols, int ncols,
          const void *rows, size_t size, int n, struct tm_err *err)
{
    struct tm_buf *b = &rep->body;
    enum tm_code rc = TM_OK;

    if (fmt == ANQ_CSV) {
        snprintf(rep->content_type, sizeof rep->content_type, "%s", "text/csv; charset=utf-8");
        for (int c = 0; c < ncols && header && rc == TM_OK; c++)
            rc = tm_buf_printf(b, "%s%s", cols[c].name, c + 1 < ncols ? "," : "\r\n");
    } else {
        rc = tm_buf_adds(b, "\"items\":[");
    }
    for (int i = 0; i < n && rc == TM_OK; i++) {
        const char *row = (const char *)rows + (size_t)i * size;
        if (fmt == ANQ_JSON)
            rc = tm_buf_adds(b, i ? ",{" : "{");
        for (int c = 0; c < ncols && rc == TM_OK; c++)
            rc = cell(b, fmt, &cols[c], row, c + 1 == ncols);
    }
    if (rc == TM_OK && fmt == ANQ_JSON)
        rc = tm_buf_adds(b, "]}");
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* A whole answer: emit_page with its header row. */
static enum tm_code
emit(struct tm_reply *rep, enum anq_format fmt, const struct col *cols, int ncols, const void *rows,
     size_t size, int n, struct tm_err *err)
{
    return emit_page(rep, fmt, 1, cols, ncols, rows, size, n, err);
}

/* ------------------------------------------------------------- requests */

/* What a report's query says. */
struct req {
    struct anq_filter f;
    struct anq_range range;
    enum anq_format fmt;
    char scope[TM_STORES_TEXT_MAX + 3]; /* "{1,2}" */
};

/* Reads store_id (checked against the principal's stores and the read
 * copy), the scope, format (unless json_only) and, when max_days > 0,
 * from/to. */
static enum tm_code
read_req(struct tm_ctx *ctx, int max_days, int json_only, struct req *q, struct tm_err *err)
{
    const char *from = NULL, *to = NULL, *format = NULL;
    int found = 1;
    enum tm_code rc;

    memset(q, 0, sizeof *q);
    q->f.scope = tm_ctx_store_scope(ctx, q->scope, sizeof q->scope) ? q->scope : NULL;
    if ((rc = tm_ctx_query_int(ctx, "store_id", 1, ID_MAX, 0, &q->f.store_id, err)) != TM_OK ||
        (q->f.store_id && (rc = tm_ctx_may_store(ctx, q->f.store_id, "store_id", err)) != TM_OK))
        return rc;
    if (max_days > 0 && ((rc = tm_ctx_query_str(ctx, "from", ANQ_TEXT_MAX, &from, err)) != TM_OK ||
                         (rc = tm_ctx_query_str(ctx, "to", ANQ_TEXT_MAX, &to, err)) != TM_OK ||
                         (rc = anq_range_parse(from, to, max_days, &q->range, err)) != TM_OK))
        return rc;
    if (!json_only && ((rc = tm_ctx_query_str(ctx, "format", 8, &format, err)) != TM_OK ||
                       (rc = anq_format_pick(format, ctx->req->accept, &q->fmt, err)) != TM_OK))
        return rc;
    if (q->f.store_id &&
        (rc = an_qdb_exists(ctx->db, "store", q->f.store_id, &found, err)) != TM_OK)
        return rc;
    if (!found)
        return tm_err_set(err, TM_INVALID, "store_id", "no store with this id");
    q->f.given = q->range.given;
    if (q->range.given) {
        anq_hour_text(q->range.from_h, q->f.from);
        anq_hour_text(q->range.to_h, q->f.to);
    }
    return TM_OK;
}

/* The JSON answer's opening: {"from":...,"to":..., (null: each store's today). */
static enum tm_code
open_json(struct tm_reply *rep, const struct req *q, struct tm_err *err)
{
    char from[ANQ_HOUR_TEXT_SIZE], to[ANQ_HOUR_TEXT_SIZE];
    enum tm_code rc;

    if (q->fmt == ANQ_CSV)
        return TM_OK;
    if (!q->range.given)
        rc = tm_buf_adds(&rep->body, "{\"from\":null,\"to\":null,");
    else {
        /* "2026-11-01 08:00:00" → "2026-11-01T08:00" */
        snprintf(from, sizeof from, "%.10sT%.5s", q->f.from, q->f.from + 11);
        snprintf(to, sizeof to, "%.10sT%.5s", q->f.to, q->f.to + 11);
        if ((rc = tm_buf_adds(&rep->body, "{")) == TM_OK &&
            (rc = tm_json_kv_str(&rep->body, "from", from, 1)) == TM_OK &&
            (rc = tm_json_kv_str(&rep->body, "to", to, 0)) == TM_OK)
            rc = tm_buf_adds(&rep->body, ",");
    }
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* ------------------------------------------------------------- handlers */

#define SUMS(type, m)                                                                              \
    C(type, "revenue_cents", COL_I64, m.revenue_cents), C(type, "units", COL_I64, m.units),        \
        C(type, "transactions", COL_I64, m.transactions),                                          \
        C(type, "customers", COL_I64, m.customers)

static const struct col hourly_cols[] = {
    C(struct anq_hourly_row, "store_id", COL_I64, store_id),
    C(struct anq_hourly_row, "hour", COL_STR, hour),
    SUMS(struct anq_hourly_row, s),
    C(struct anq_hourly_row, "average_basket_cents", COL_OPT, avg_basket_cents),
    C(struct anq_hourly_row, "voided", COL_OPT, s.voided),
    C(struct anq_hourly_row, "declined", COL_OPT, s.declined),
    C(struct anq_hourly_row, "flagged", COL_OPT, s.flagged),
};

/* One page of the hourly-sales CSV export (docs/analytics.md "CSV
 * exports"): every page (a client's page_after too) checks the size of
 * what is left of the export (the rows after page_after, or all) before
 * anything is sent; the first (no page_after) starts with the header row; each page holds at most
 * ANQ_PAGE_ROWS rows and, when more follow, names the last one in
 * rep->more, which the gateway sends back as page_after. */
static enum tm_code
hourly_csv_page(struct tm_ctx *ctx, struct req *q, struct tm_reply *rep, struct tm_err *err)
{
    struct anq_hourly_row *rows = NULL;
    const char *after = NULL;
    struct anq_after a;
    int64_t total = 0;
    int n = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_query_str(ctx, TM_PAGE_AFTER_PARAM, ANQ_AFTER_SIZE - 1, &after, err)) != TM_OK)
        return rc;
    if (after) {
        if ((rc = anq_after_parse(after, &a, err)) != TM_OK)
            return rc;
        q->f.after_store = a.store_id;
        anq_hour_text(a.hour_h, q->f.after_hour);
    }
    if ((rc = an_qdb_hourly_count(ctx->db, &q->f, ANQ_EXPORT_ROWS_MAX, &total, err)) != TM_OK)
        return rc;
    if (total > ANQ_EXPORT_ROWS_MAX)
        return tm_err_set(err, TM_TOOBIG, "to",
                          "over %d store-hours%s, the export's limit: narrow from and to, or name "
                          "a store_id",
                          ANQ_EXPORT_ROWS_MAX, after ? " after page_after" : "");
    rows = tm_xcalloc(ANQ_PAGE_ROWS + 1, sizeof *rows);
    if ((rc = an_qdb_hourly(ctx->db, &q->f, rows, ANQ_PAGE_ROWS, &n, err)) != TM_OK)
        goto out;
    if (n > ANQ_PAGE_ROWS) {
        n = ANQ_PAGE_ROWS;
        anq_after_text(rows[n - 1].store_id, rows[n - 1].hour, rep->more);
        if (!rep->more[0]) {
            rc = tm_err_set(err, TM_INTERNAL, NULL, "hourly row %lld %.24s: no continuation",
                            (long long)rows[n - 1].store_id, rows[n - 1].hour);
            goto out;
        }
    }
    for (int i = 0; i < n; i++)
        rows[i].avg_basket_cents = anq_avg_cents(rows[i].s.revenue_cents, rows[i].s.transactions);
    rc = emit_page(rep, ANQ_CSV, !after, hourly_cols,
                   (int)(sizeof hourly_cols / sizeof hourly_cols[0]), rows, sizeof *rows, n, err);
out:
    free(rows);
    return rc;
}

enum tm_code
an_h_hourly_sales(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct anq_hourly_row *rows = NULL;
    const char *after = NULL;
    struct req q;
    int n = 0, found = 1;
    enum tm_code rc;

    if ((rc = read_req(ctx, ANQ_HOURLY_DAYS_MAX, 0, &q, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "category_id", 1, ID_MAX, 0, &q.f.category_id, err)) != TM_OK ||
        (q.f.category_id &&
         (rc = an_qdb_exists(ctx->db, "category", q.f.category_id, &found, err)) != TM_OK))
        return rc;
    if (!found)
        return tm_err_set(err, TM_INVALID, "category_id", "no category with this id");
    if (q.fmt == ANQ_CSV)
        return hourly_csv_page(ctx, &q, rep, err);
    /* a documented parameter, but of the CSV export only */
    if ((rc = tm_ctx_query_str(ctx, TM_PAGE_AFTER_PARAM, ANQ_AFTER_SIZE - 1, &after, err)) != TM_OK)
        return rc;
    if (after)
        return tm_err_set(err, TM_INVALID, TM_PAGE_AFTER_PARAM,
                          "page_after continues a streamed CSV export (format=csv); a JSON answer "
                          "is whole");
    rows = tm_xcalloc(ANQ_HOURLY_ROWS_MAX + 1, sizeof *rows);
    if ((rc = an_qdb_hourly(ctx->db, &q.f, rows, ANQ_HOURLY_ROWS_MAX, &n, err)) != TM_OK)
        goto out;
    if (n > ANQ_HOURLY_ROWS_MAX) {
        rc = tm_err_set(err, TM_TOOBIG, "to",
                        "more than %d store-hours in JSON: narrow from and to, name a store_id, "
                        "or ask for CSV (streamed)",
                        ANQ_HOURLY_ROWS_MAX);
        goto out;
    }
    for (int i = 0; i < n; i++)
        rows[i].avg_basket_cents = anq_avg_cents(rows[i].s.revenue_cents, rows[i].s.transactions);
    if ((rc = open_json(rep, &q, err)) == TM_OK)
        rc = emit(rep, q.fmt, hourly_cols, (int)(sizeof hourly_cols / sizeof hourly_cols[0]), rows,
                  sizeof *rows, n, err);
out:
    free(rows);
    return rc;
}

static const struct col product_cols[] = {
    C(struct anq_product_row, "product_id", COL_I64, product_id),
    C(struct anq_product_row, "sku", COL_STR, sku),
    C(struct anq_product_row, "name", COL_STR, name),
    C(struct anq_product_row, "category_id", COL_ID, category_id),
    C(struct anq_product_row, "revenue_cents", COL_I64, revenue_cents),
    C(struct anq_product_row, "units", COL_I64, units),
    C(struct anq_product_row, "transactions", COL_I64, transactions),
    C(struct anq_product_row, "margin_cents", COL_OPT, margin_cents),
};

enum tm_code
an_h_top_products(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    static const char *const bys[] = {"revenue", "units", "margin", NULL};
    struct anq_product_row *rows = NULL;
    struct req q;
    int64_t limit = 10;
    int by = 0, n = 0;
    enum tm_code rc;

    if ((rc = read_req(ctx, ANQ_RANGE_DAYS_MAX, 0, &q, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "limit", 1, 100, 10, &limit, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "by", bys, &by, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc((size_t)limit, sizeof *rows);
    if ((rc = an_qdb_top_products(ctx->db, &q.f, bys[by < 0 ? 0 : by], limit, rows, &n, err)) ==
            TM_OK &&
        (rc = open_json(rep, &q, err)) == TM_OK)
        rc = emit(rep, q.fmt, product_cols, (int)(sizeof product_cols / sizeof product_cols[0]),
                  rows, sizeof *rows, n, err);
    free(rows);
    return rc;
}

static const struct col category_cols[] = {
    C(struct anq_category_row, "category_id", COL_I64, category_id),
    C(struct anq_category_row, "parent_id", COL_ID, parent_id),
    C(struct anq_category_row, "name", COL_STR, name),
    C(struct anq_category_row, "revenue_cents", COL_I64, revenue_cents),
    C(struct anq_category_row, "units", COL_I64, units),
    C(struct anq_category_row, "margin_cents", COL_I64, margin_cents),
    C(struct anq_category_row, "share", COL_RATIO, share),
    C(struct anq_category_row, "previous_revenue_cents", COL_I64, prev_revenue_cents),
    C(struct anq_category_row, "growth", COL_RATIO, growth),
};

enum tm_code
an_h_category_performance(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct anq_category_row *rows = NULL;
    struct req q;
    int64_t total = 0;
    int n = 0;
    enum tm_code rc;

    if ((rc = read_req(ctx, ANQ_RANGE_DAYS_MAX, 0, &q, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc(ANQ_LIST_ROWS_MAX + 1, sizeof *rows);
    if ((rc = an_qdb_categories(ctx->db, &q.f, rows, ANQ_LIST_ROWS_MAX, &n, err)) != TM_OK)
        goto out;
    if (n > ANQ_LIST_ROWS_MAX) {
        rc = tm_err_set(err, TM_TOOBIG, NULL, "more than %d categories", ANQ_LIST_ROWS_MAX);
        goto out;
    }
    for (int i = 0; i < n; i++)
        total += rows[i].revenue_cents;
    for (int i = 0; i < n; i++) {
        rows[i].share = anq_share(rows[i].revenue_cents, total);
        rows[i].growth = anq_growth(rows[i].revenue_cents, rows[i].prev_revenue_cents);
    }
    if ((rc = open_json(rep, &q, err)) == TM_OK)
        rc = emit(rep, q.fmt, category_cols, (int)(sizeof category_cols / sizeof category_cols[0]),
                  rows, sizeof *rows, n, err);
out:
    free(rows);
    return rc;
}

static const struct col store_cols[] = {
    C(struct anq_store_row, "store_id", COL_I64, store_id),
    C(struct anq_store_row, "code", COL_STR, code),
    C(struct anq_store_row, "name", COL_STR, name),
    C(struct anq_store_row, "time_zone", COL_STR, time_zone),
    SUMS(struct anq_store_row, s),
    C(struct anq_store_row, "average_basket_cents", COL_OPT, avg_basket_cents),
    C(struct anq_store_row, "voided", COL_I64, s.voided),
    C(struct anq_store_row, "declined", COL_I64, s.declined),
    C(struct anq_store_row, "flagged", COL_I64, s.flagged),
};

enum tm_code
an_h_store_comparison(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct anq_store_row *rows = NULL;
    struct req q;
    int n = 0;
    enum tm_code rc;

    if ((rc = read_req(ctx, ANQ_RANGE_DAYS_MAX, 0, &q, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc(ANQ_LIST_ROWS_MAX + 1, sizeof *rows);
    if ((rc = an_qdb_stores(ctx->db, &q.f, rows, ANQ_LIST_ROWS_MAX, &n, err)) != TM_OK)
        goto out;
    if (n > ANQ_LIST_ROWS_MAX) {
        rc = tm_err_set(err, TM_TOOBIG, NULL, "more than %d stores", ANQ_LIST_ROWS_MAX);
        goto out;
    }
    for (int i = 0; i < n; i++)
        rows[i].avg_basket_cents = anq_avg_cents(rows[i].s.revenue_cents, rows[i].s.transactions);
    if ((rc = open_json(rep, &q, err)) == TM_OK)
        rc = emit(rep, q.fmt, store_cols, (int)(sizeof store_cols / sizeof store_cols[0]), rows,
                  sizeof *rows, n, err);
out:
    free(rows);
    return rc;
}

/* One segment as a report row. */
struct segment_row {
    char segment[24];
    int64_t customers;
    double share, avg_recency_days, avg_transactions;
    int64_t avg_revenue_cents, revenue_cents;
};

static const struct col segment_cols[] = {
    C(struct segment_row, "segment", COL_STR, segment),
    C(struct segment_row, "customers", COL_I64, customers),
    C(struct segment_row, "share", COL_RATIO, share),
    C(struct segment_row, "average_recency_days", COL_RATIO, avg_recency_days),
    C(struct segment_row, "average_transactions", COL_RATIO, avg_transactions),
    C(struct segment_row, "average_revenue_cents", COL_OPT, avg_revenue_cents),
    C(struct segment_row, "revenue_cents", COL_I64, revenue_cents),
};

enum tm_code
an_h_customer_segments(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct rfm_cell cells[RFM_CELLS];
    struct rfm_segment_stats st[RFM_N_SEGMENTS];
    struct segment_row rows[RFM_N_SEGMENTS];
    char as_of[TM_ISO8601_MAX];
    int64_t now_ms = tm_now_ms(), n = 0;
    struct req q;
    int n_cells = 0;
    enum tm_code rc;

    if ((rc = read_req(ctx, 0, 0, &q, err)) != TM_OK ||
        (rc = an_qdb_rfm_cells(ctx->db, &q.f, now_ms / 1000, cells, &n_cells, err)) != TM_OK)
        return rc;
    rfm_summarize(cells, (size_t)n_cells, st);
    for (int s = 0; s < RFM_N_SEGMENTS; s++)
        n += st[s].customers;
    for (int s = 0; s < RFM_N_SEGMENTS; s++) {
        double c = (double)st[s].customers;
        rows[s] = (struct segment_row){
            .customers = st[s].customers,
            .share = anq_share(st[s].customers, n),
            .avg_recency_days = c > 0 ? (double)st[s].recency_s_sum / 86400.0 / c : NAN,
            .avg_transactions = c > 0 ? (double)st[s].transactions_sum / c : NAN,
            .avg_revenue_cents = anq_avg_cents(st[s].revenue_cents_sum, st[s].customers),
            .revenue_cents = st[s].revenue_cents_sum};
        snprintf(rows[s].segment, sizeof rows[s].segment, "%s", rfm_segment_name(s));
    }
    tm_iso8601(now_ms, as_of, sizeof as_of);
    if (q.fmt == ANQ_JSON && (tm_buf_adds(&rep->body, "{") != TM_OK ||
                              tm_json_kv_str(&rep->body, "as_of", as_of, 1) != TM_OK ||
                              tm_buf_printf(&rep->body, ",\"customers\":%" PRId64 ",", n) != TM_OK))
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    return emit(rep, q.fmt, segment_cols, (int)(sizeof segment_cols / sizeof segment_cols[0]), rows,
                sizeof rows[0], RFM_N_SEGMENTS, err);
}

enum tm_code
an_h_summary(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct req q;
    enum tm_code rc;

    if ((rc = read_req(ctx, 0, 1, &q, err)) != TM_OK)
        return rc;
    return an_qdb_summary(ctx->db, &q.f, &rep->body, err);
}

static const struct col minute_cols[] = {
    C(struct anq_minute_row, "minute", COL_STR, minute),
    C(struct anq_minute_row, "revenue_cents", COL_I64, revenue_cents),
    C(struct anq_minute_row, "transactions", COL_I64, transactions),
    C(struct anq_minute_row, "units", COL_I64, units),
    C(struct anq_minute_row, "voided", COL_I64, voided),
    C(struct anq_minute_row, "declined", COL_I64, declined),
    C(struct anq_minute_row, "flagged", COL_I64, flagged),
};

enum tm_code
an_h_realtime(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct anq_minute_row rows[60];
    struct req q;
    enum tm_code rc;

    if ((rc = read_req(ctx, 0, 0, &q, err)) != TM_OK ||
        (rc = an_qdb_realtime(ctx->db, &q.f, rows, err)) != TM_OK)
        return rc;
    if (q.fmt == ANQ_JSON && tm_buf_adds(&rep->body, "{") != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    return emit(rep, q.fmt, minute_cols, (int)(sizeof minute_cols / sizeof minute_cols[0]), rows,
                sizeof rows[0], 60, err);
}
