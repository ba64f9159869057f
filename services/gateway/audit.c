/* services/gateway/audit.c — reading, exporting and pruning the audit log.
 * Admin-only and rare next to the request rate: each page is one indexed
 * query. Exports are the same pages in NDJSON (one JSON object a line) or
 * CSV (RFC 4180, every text cell quoted, and a cell that a spreadsheet
 * would run as a formula prefixed with '), the next page's cursor in the
 * X-Next-Cursor header. */
#include "services/gateway/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/json.h"

#include "services/gateway/store.h"

enum format { FMT_JSON, FMT_NDJSON, FMT_CSV };

/* How one kind of row is shown. */
struct rows_view {
    enum tm_code (*json)(struct tm_buf *b, const void *item);
    enum tm_code (*csv)(struct tm_buf *b, const void *item);
    const char *csv_header;
    int64_t (*id)(const void *item);
};

static enum tm_code
too_large(struct tm_err *err)
{
    return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* ------------------------------------------------------------- encoders */

static enum tm_code
audit_json(struct tm_buf *b, const void *item)
{
    const struct gw_audit_row *a = item;
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)a->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "at", a->at, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "request_id", a->request_id, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "method", a->method, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "path", a->path, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "principal_kind", a->principal_kind, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "principal_id", a->principal_id, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "role", a->role, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "target_ids", a->target_ids, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "status", a->status)) == TM_OK &&
        (rc = tm_json_kv_str(b, "source_addr", a->source_addr, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
audit_csv(struct tm_buf *b, const void *item)
{
    const struct gw_audit_row *a = item;
    enum tm_code rc = tm_buf_printf(b, "%lld,", (long long)a->id);

    if (rc == TM_OK && (rc = tm_csv_cell(b, a->at, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->request_id, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->method, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->path, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->principal_kind, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->principal_id, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->role, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->target_ids, 0)) == TM_OK &&
        (rc = tm_buf_printf(b, "%d,", a->status)) == TM_OK)
        rc = tm_csv_cell(b, a->source_addr, 1);
    return rc;
}

static int64_t
audit_id(const void *item)
{
    return ((const struct gw_audit_row *)item)->id;
}

static enum tm_code
refusal_json(struct tm_buf *b, const void *item)
{
    const struct gw_refusal_row *a = item;
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)a->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "minute", a->minute, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "source_addr", a->source_addr, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "status", a->status)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "n", a->n)) == TM_OK &&
        (rc = tm_json_kv_str(b, "last_at", a->last_at, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
refusal_csv(struct tm_buf *b, const void *item)
{
    const struct gw_refusal_row *a = item;
    enum tm_code rc = tm_buf_printf(b, "%lld,", (long long)a->id);

    if (rc == TM_OK && (rc = tm_csv_cell(b, a->minute, 0)) == TM_OK &&
        (rc = tm_csv_cell(b, a->source_addr, 0)) == TM_OK &&
        (rc = tm_buf_printf(b, "%d,%lld,", a->status, (long long)a->n)) == TM_OK)
        rc = tm_csv_cell(b, a->last_at, 1);
    return rc;
}

static int64_t
refusal_id(const void *item)
{
    return ((const struct gw_refusal_row *)item)->id;
}

static const struct rows_view audit_view = {
    audit_json, audit_csv,
    "id,at,request_id,method,path,principal_kind,principal_id,role,target_ids,status,"
    "source_addr\r\n",
    audit_id};
static const struct rows_view refusal_view = {
    refusal_json, refusal_csv, "id,minute,source_addr,status,n,last_at\r\n", refusal_id};

/* n rows fetched for a page of `limit`, in the asked format. */
static enum tm_code
reply_rows(struct tm_reply *rep, enum format fmt, const struct rows_view *v, const void *rows,
           size_t size, int n, int64_t limit, struct tm_err *err)
{
    int shown = n > limit ? (int)limit : n;
    const char *base = rows;
    enum tm_code rc = TM_OK;

    if (fmt == FMT_JSON)
        return tm_reply_page(rep, rows, size, n, limit, v->json, v->id, err);
    snprintf(rep->content_type, sizeof rep->content_type, "%s",
             fmt == FMT_CSV ? "text/csv; charset=utf-8" : "application/x-ndjson");
    if (fmt == FMT_CSV)
        rc = tm_buf_adds(&rep->body, v->csv_header);
    for (int i = 0; i < shown && rc == TM_OK; i++) {
        const void *item = base + (size_t)i * size;
        if (fmt == FMT_CSV)
            rc = v->csv(&rep->body, item);
        else if ((rc = v->json(&rep->body, item)) == TM_OK)
            rc = tm_buf_adds(&rep->body, "\n");
    }
    if (n > limit)
        snprintf(rep->next_cursor, sizeof rep->next_cursor, "i%lld",
                 (long long)v->id(base + (size_t)(shown - 1) * size));
    return rc == TM_OK ? TM_OK : too_large(err);
}

/* ------------------------------------------------------------- requests */

/* The query both lists share: page, status, from, to, format. */
static enum tm_code
common_query(struct tm_ctx *ctx, struct tm_page *pg, struct tm_time *from, struct tm_time *to,
             struct gw_audit_filter *f, enum format *fmt, struct tm_err *err)
{
    static const char *const formats[] = {"json", "ndjson", "csv", NULL}; /* enum format's order */
    int64_t status = 0;
    int format;
    enum tm_code rc;

    memset(f, 0, sizeof *f);
    if ((rc = tm_ctx_page(ctx, pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "status", 100, 599, 0, &status, err)) != TM_OK ||
        (rc = tm_ctx_query_time(ctx, "from", from, err)) != TM_OK ||
        (rc = tm_ctx_query_time(ctx, "to", to, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "format", formats, &format, err)) != TM_OK)
        return rc;
    f->from = from->text[0] ? from->text : NULL;
    f->to = to->text[0] ? to->text : NULL;
    f->status = (int)status;
    if (format < 0) /* no ?format: the client's Accept (proto/envelope.md) */
        *fmt = strcmp(ctx->req->accept, "text/csv") == 0 ? FMT_CSV : FMT_JSON;
    else
        *fmt = (enum format)format;
    return TM_OK;
}

enum tm_code
gw_h_audit_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_audit_filter f;
    struct tm_time from, to;
    struct tm_page pg;
    struct gw_audit_row *rows;
    enum format fmt;
    int n = 0;
    enum tm_code rc;

    if ((rc = common_query(ctx, &pg, &from, &to, &f, &fmt, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "principal", TM_PRINCIPAL_ID_MAX, &f.principal, err)) !=
            TM_OK ||
        (rc = tm_ctx_query_str(ctx, "path_prefix", TM_PATH_MAX, &f.path_prefix, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = gw_db_audit_list(ctx->db, &f, &pg, rows, &n, err)) == TM_OK)
        rc = reply_rows(rep, fmt, &audit_view, rows, sizeof *rows, n, pg.limit, err);
    free(rows);
    return rc;
}

enum tm_code
gw_h_audit_refusals(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct gw_audit_filter f;
    struct tm_time from, to;
    struct tm_page pg;
    struct gw_refusal_row *rows;
    enum format fmt;
    int n = 0;
    enum tm_code rc;

    if ((rc = common_query(ctx, &pg, &from, &to, &f, &fmt, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "source_addr", 63, &f.source_addr, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc((size_t)pg.limit + 1, sizeof *rows);
    if ((rc = gw_db_refusal_list(ctx->db, &f, &pg, rows, &n, err)) == TM_OK)
        rc = reply_rows(rep, fmt, &refusal_view, rows, sizeof *rows, n, pg.limit, err);
    free(rows);
    return rc;
}

/* ----------------------------------------------------------------- jobs */

static enum tm_code
job_audit_retention(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    int days = ((struct gw_app *)app)->cfg->audit_retention_days;

    *rows = 0;
    return days > 0 ? gw_db_audit_prune(db, days, GW_AUDIT_PRUNE_BATCH, rows, err) : TM_OK;
}

static enum tm_code
job_revocations_cleanup(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    (void)app;
    return gw_db_revocations_prune(db, rows, err);
}

void
gw_jobs_init(const struct gw_cfg *cfg, struct tm_job jobs[GW_JOBS_N])
{
    jobs[0] = (struct tm_job){"audit-retention", cfg->audit_retention_interval_s,
                              job_audit_retention, NULL};
    jobs[1] = (struct tm_job){"revocations-cleanup", 3600, job_revocations_cleanup, NULL};
}
