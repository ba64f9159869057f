/* services/analytics/report_handlers.c — the daily-report job and the
 * report routes (report_handlers.h). The job runs every few minutes and
 * usually finds nothing due; after a store's midnight it writes one report
 * per store, a few kilobytes each. The body is encoded once, here, and
 * stored; the API renders it from the database (report_store.c), and CSV
 * reads its figures back (an_report_decode). */
#include "services/analytics/report_handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#include "services/analytics/handlers.h"
#include "services/analytics/query.h"
#include "services/analytics/query_store.h"
#include "services/analytics/store.h"

#define ID_MAX 9007199254740992LL /* 2^53: ids as the API takes them */

/* ----------------------------------------------------------- the body */

static enum tm_code
figures_json(struct tm_buf *b, const struct an_figures *f)
{
    enum tm_code rc = tm_json_kv_i64(b, "revenue_cents", f->revenue_cents);

    if (rc == TM_OK && (rc = tm_json_kv_i64(b, "transactions", f->transactions)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "units", f->units)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "customers", f->customers)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "voided", f->voided)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "declined", f->declined)) == TM_OK)
        rc = tm_json_kv_i64(b, "flagged", f->flagged);
    return rc;
}

static enum tm_code
products_json(struct tm_buf *b, const struct an_report *r)
{
    enum tm_code rc = tm_buf_adds(b, ",\"top_products\":[");

    for (int i = 0; i < r->n_top && rc == TM_OK; i++) {
        const struct an_report_product *p = &r->top[i];
        if ((rc = tm_buf_printf(b, "%s{\"rank\":%d", i ? "," : "", i + 1)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "product_id", p->product_id)) == TM_OK &&
            (rc = tm_json_kv_str(b, "sku", p->sku, 0)) == TM_OK &&
            (rc = tm_json_kv_str(b, "name", p->name, 0)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "revenue_cents", p->revenue_cents)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "units", p->units)) == TM_OK &&
            (rc = tm_json_kv_i64(b, "transactions", p->transactions)) == TM_OK)
            rc = tm_buf_adds(b, "}");
    }
    return rc == TM_OK ? tm_buf_adds(b, "]") : rc;
}

enum tm_code
an_report_encode(struct tm_buf *b, const struct an_report_store *store,
                 const struct an_report_day *day, int64_t txn_seq, const struct an_report *r)
{
    enum tm_code rc = tm_buf_printf(b, "{\"store\":{\"id\":%lld", (long long)store->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "code", store->code, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "name", store->name, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "time_zone", store->time_zone, 0)) == TM_OK &&
        (rc = tm_buf_adds(b, "}")) == TM_OK &&
        (rc = tm_json_kv_str(b, "day", day->day, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "from", day->from, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "to", day->to, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "txn_seq", txn_seq)) == TM_OK &&
        (rc = tm_buf_adds(b, ",\"totals\":{")) == TM_OK &&
        (rc = tm_buf_printf(b, "\"average_basket_cents\":%lld",
                            (long long)r->average_basket_cents)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "voided_cents", r->voided_cents)) == TM_OK &&
        (rc = figures_json(b, &r->totals)) == TM_OK && (rc = tm_buf_adds(b, "}")) == TM_OK &&
        (rc = products_json(b, r)) == TM_OK)
        rc = tm_buf_adds(b, ",\"hours\":[");
    for (int h = 0; h < AN_REPORT_HOURS && rc == TM_OK; h++)
        if ((rc = tm_buf_printf(b, "%s{\"hour\":%d", h ? "," : "", h)) == TM_OK &&
            (rc = figures_json(b, &r->hours[h])) == TM_OK)
            rc = tm_buf_adds(b, "}");
    return rc == TM_OK ? tm_buf_adds(b, "]}") : rc;
}

/* ---------------------------------------------------- reading it back */

static enum tm_code
figures_from(const cJSON *o, struct an_figures *f, struct tm_err *err)
{
    enum tm_code rc = tm_json_object(o, "report", err);

    if (rc == TM_OK &&
        (rc = tm_json_i64(o, "revenue_cents", 0, INT64_MAX, &f->revenue_cents, err)) == TM_OK &&
        (rc = tm_json_i64(o, "transactions", 0, INT64_MAX, &f->transactions, err)) == TM_OK &&
        (rc = tm_json_i64(o, "units", 0, INT64_MAX, &f->units, err)) == TM_OK &&
        (rc = tm_json_i64(o, "customers", 0, INT64_MAX, &f->customers, err)) == TM_OK &&
        (rc = tm_json_i64(o, "voided", 0, INT64_MAX, &f->voided, err)) == TM_OK &&
        (rc = tm_json_i64(o, "declined", 0, INT64_MAX, &f->declined, err)) == TM_OK)
        rc = tm_json_i64(o, "flagged", 0, INT64_MAX, &f->flagged, err);
    return rc;
}

static enum tm_code
product_from(const cJSON *o, struct an_report_product *p, struct tm_err *err)
{
    enum tm_code rc = tm_json_object(o, "report", err);

    if (rc == TM_OK &&
        (rc = tm_json_i64(o, "product_id", 1, INT64_MAX, &p->product_id, err)) == TM_OK &&
        (rc = tm_json_str(o, "sku", 0, sizeof p->sku - 1, p->sku, sizeof p->sku, err)) == TM_OK &&
        (rc = tm_json_str(o, "name", 0, sizeof p->name - 1, p->name, sizeof p->name, err)) ==
            TM_OK &&
        (rc = tm_json_i64(o, "revenue_cents", 0, INT64_MAX, &p->revenue_cents, err)) == TM_OK &&
        (rc = tm_json_i64(o, "units", 0, INT64_MAX, &p->units, err)) == TM_OK)
        rc = tm_json_i64(o, "transactions", 0, INT64_MAX, &p->transactions, err);
    return rc;
}

static enum tm_code
report_from(const cJSON *root, struct an_report *out, struct tm_err *err)
{
    const cJSON *totals = tm_json_member(root, "totals"), *hours = tm_json_member(root, "hours"),
                *top = tm_json_member(root, "top_products"), *it;
    enum tm_code rc;
    int n = 0;

    if (!cJSON_IsArray(hours) || cJSON_GetArraySize(hours) != AN_REPORT_HOURS ||
        !cJSON_IsArray(top) || cJSON_GetArraySize(top) > AN_REPORT_TOP)
        return tm_err_set(err, TM_INVALID, "report", "not a daily report");
    if ((rc = figures_from(totals, &out->totals, err)) != TM_OK ||
        (rc = tm_json_i64(totals, "average_basket_cents", 0, INT64_MAX, &out->average_basket_cents,
                          err)) != TM_OK ||
        (rc = tm_json_i64(totals, "voided_cents", 0, INT64_MAX, &out->voided_cents, err)) != TM_OK)
        return rc;
    cJSON_ArrayForEach(it, hours) if ((rc = figures_from(it, &out->hours[n++], err)) !=
                                      TM_OK) return rc;
    n = 0;
    cJSON_ArrayForEach(it,
                       top) if ((rc = product_from(it, &out->top[n++], err)) != TM_OK) return rc;
    out->n_top = n;
    return TM_OK;
}

enum tm_code
an_report_decode(const char *json, size_t len, struct an_report *out, struct tm_err *err)
{
    cJSON *root = NULL;
    enum tm_code rc = tm_json_parse_object(json, len, "report", &root, err);

    memset(out, 0, sizeof *out);
    if (rc == TM_OK)
        rc = report_from(root, out, err);
    cJSON_Delete(root);
    return rc;
}

/* -------------------------------------------------------------- CSV */

#define REPORT_CSV_HEADER                                                                          \
    "section,hour,rank,product_id,sku,name,revenue_cents,transactions,units,customers,voided,"     \
    "voided_cents,declined,flagged,average_basket_cents\r\n"

static enum tm_code
figures_csv(struct tm_buf *b, const struct an_figures *f)
{
    return tm_buf_printf(b, "%lld,%lld,%lld,%lld,%lld,", (long long)f->revenue_cents,
                         (long long)f->transactions, (long long)f->units, (long long)f->customers,
                         (long long)f->voided);
}

enum tm_code
an_report_csv(struct tm_buf *b, const struct an_report *r)
{
    const struct an_figures *t = &r->totals;
    enum tm_code rc = tm_buf_adds(b, REPORT_CSV_HEADER);

    if (rc == TM_OK && (rc = tm_buf_adds(b, "total,,,,,,")) == TM_OK &&
        (rc = figures_csv(b, t)) == TM_OK)
        rc = tm_buf_printf(b, "%lld,%lld,%lld,%lld\r\n", (long long)r->voided_cents,
                           (long long)t->declined, (long long)t->flagged,
                           (long long)r->average_basket_cents);
    for (int h = 0; h < AN_REPORT_HOURS && rc == TM_OK; h++) {
        const struct an_figures *f = &r->hours[h];
        if ((rc = tm_buf_printf(b, "hour,%d,,,,,", h)) == TM_OK &&
            (rc = figures_csv(b, f)) == TM_OK)
            rc = tm_buf_printf(b, ",%lld,%lld,\r\n", (long long)f->declined, (long long)f->flagged);
    }
    for (int i = 0; i < r->n_top && rc == TM_OK; i++) {
        const struct an_report_product *p = &r->top[i];
        if ((rc = tm_buf_printf(b, "product,,%d,%lld,", i + 1, (long long)p->product_id)) ==
                TM_OK &&
            (rc = tm_csv_cell(b, p->sku, 0)) == TM_OK && (rc = tm_csv_cell(b, p->name, 0)) == TM_OK)
            rc = tm_buf_printf(b, "%lld,%lld,%lld,,,,,,\r\n", (long long)p->revenue_cents,
                               (long long)p->transactions, (long long)p->units);
    }
    return rc;
}

#define LIST_CSV_HEADER                                                                            \
    "id,store_id,store_code,day,created_at,revision,revenue_cents,transactions,units,customers,"   \
    "voided,voided_cents,declined,flagged,average_basket_cents\r\n"

static enum tm_code
row_csv(struct tm_buf *b, const struct an_report_row *x)
{
    enum tm_code rc = tm_buf_printf(b, "%lld,%lld,", (long long)x->id, (long long)x->store_id);

    if (rc == TM_OK && (rc = tm_csv_cell(b, x->store_code, 0)) == TM_OK &&
        (rc = tm_buf_printf(b, "%s,", x->day)) == TM_OK &&
        (rc = tm_csv_cell(b, x->created_at, 0)) == TM_OK &&
        (rc = tm_buf_printf(b, "%lld,", (long long)x->revision)) == TM_OK &&
        (rc = figures_csv(b, &x->totals)) == TM_OK)
        rc = tm_buf_printf(b, "%lld,%lld,%lld,%lld\r\n", (long long)x->voided_cents,
                           (long long)x->totals.declined, (long long)x->totals.flagged,
                           (long long)x->average_basket_cents);
    return rc;
}

/* -------------------------------------------------------------- the job */

/* Waits (up to AN_REPORT_WAIT_MS) until tm-txn's events are applied up to
 * the seq the subscriber last heard, heard since the run began (less
 * AN_REPORT_HEARD_MAX_MS). *seq is that seq. */
static enum tm_code
wait_applied(const struct an_app *app, PGconn *db, int64_t *seq, struct tm_err *err)
{
    struct tm_subscriber *sub = app->env ? app->env->subs[AN_SUB_TXN] : NULL;
    int64_t since = tm_now_ms() - AN_REPORT_HEARD_MAX_MS, until = tm_mono_ms() + AN_REPORT_WAIT_MS;
    int64_t applied = 0, source = 0, heard = 0;
    char at[40];
    enum tm_code rc;

    for (;;) {
        if (!heard || heard < since) { /* not yet told since the run began: ask again */
            heard = tm_subscriber_heard_ms(sub);
            source = tm_subscriber_source_seq(sub);
        }
        if ((rc = an_db_applied(db, "txn", &applied, at, sizeof at, err)) != TM_OK)
            return rc;
        if (an_report_ready(applied, source, heard, since)) {
            *seq = applied;
            return TM_OK;
        }
        if (tm_mono_ms() >= until)
            break;
        tm_sleep_ms(100);
    }
    return tm_err_set(err, TM_UNAVAIL, NULL,
                      "tm-txn's events are not all applied (applied %lld of %lld%s): no report "
                      "is written before they are",
                      (long long)applied, (long long)source,
                      heard >= since ? "" : ", the source not heard lately");
}

/* (Re)computes the report of one store's day and stores it when new or
 * changed (*did). */
static enum tm_code
write_day(PGconn *db, const struct an_report_store *s, int64_t day, int64_t txn_seq,
          struct tm_buf *body, enum an_report_put *did, struct tm_err *err)
{
    struct an_report_facts *facts = tm_xcalloc(1, sizeof *facts);
    struct an_report *r = tm_xcalloc(1, sizeof *r);
    struct an_report_day when;
    enum tm_code rc;

    *did = AN_REPORT_SAME;
    tm_buf_reset(body);
    if ((rc = an_db_report_facts(db, s, day, facts, &when, err)) == TM_OK &&
        (rc = an_report_build(facts, r, err)) == TM_OK) {
        if (an_report_encode(body, s, &when, txn_seq, r) != TM_OK)
            rc = tm_err_set(err, TM_TOOBIG, NULL, "report of store %lld too large",
                            (long long)s->id);
        else
            rc = an_db_report_put(db, s->id, day, body->p, did, err);
    }
    free(facts);
    free(r);
    return rc;
}

/* One run of the job, across its passes. */
struct run {
    const struct an_app *app;
    PGconn *db;
    int64_t txn_seq;    /* tm-txn's events applied, as checked */
    struct tm_buf body; /* a report being written */
    int budget;         /* store-days the run may still compute */
    int64_t written, amended;
};

/* One pass over every store, a page at a time by id. Pass 0 computes the
 * days without a report (every store's, before any amendment, so stores
 * far down the list never starve); pass 1 the last amend days again. */
static enum tm_code
pass(struct run *run, int amend_pass, struct an_report_store *page, struct tm_err *err)
{
    const struct an_cfg *cfg = run->app->cfg;
    int64_t after = 0, days[AN_REPORT_STORE_DAYS_MAX];
    enum tm_code rc;
    int n = 0;

    do {
        rc = an_db_report_stores(run->db, cfg->report_grace_s, after, page, AN_REPORT_STORES_PAGE,
                                 &n, err);
        for (int i = 0; i < n && rc == TM_OK && run->budget > 0; i++) {
            const struct an_report_store *s = &page[i];
            struct an_report_window w = {s->first_day,
                                         s->last_day,
                                         s->has_latest,
                                         s->latest_day,
                                         cfg->report_backfill_days,
                                         0};
            int nd;

            after = s->id;
            if (amend_pass) { /* only the days before last_day's end: nothing new */
                if (!s->has_latest)
                    continue;
                w.latest_day = s->latest_day > s->last_day ? s->latest_day : s->last_day;
                w.amend_days = cfg->report_amend_days;
            }
            nd = an_report_due(&w, days,
                               run->budget < AN_REPORT_STORE_DAYS_MAX ? run->budget
                                                                      : AN_REPORT_STORE_DAYS_MAX);
            for (int k = 0; k < nd && rc == TM_OK; k++) {
                enum an_report_put did;
                if ((rc = write_day(run->db, s, days[k], run->txn_seq, &run->body, &did, err)) ==
                    TM_OK) {
                    run->written += did == AN_REPORT_WRITTEN;
                    run->amended += did == AN_REPORT_AMENDED;
                }
            }
            run->budget -= nd;
        }
    } while (rc == TM_OK && n == AN_REPORT_STORES_PAGE && run->budget > 0);
    return rc;
}

enum tm_code
an_job_daily_report(void *arg, PGconn *db, int64_t *rows, struct tm_err *err)
{
    struct run run = {.app = arg, .db = db, .budget = AN_REPORT_RUN_MAX};
    struct an_report_store *page = NULL;
    enum tm_code rc;

    *rows = 0;
    if ((rc = wait_applied(run.app, db, &run.txn_seq, err)) != TM_OK)
        return rc;
    page = tm_xcalloc(AN_REPORT_STORES_PAGE, sizeof *page);
    tm_buf_init(&run.body, 64 * 1024);
    if ((rc = pass(&run, 0, page, err)) == TM_OK)
        rc = pass(&run, 1, page, err);
    *rows = run.written + run.amended;
    if (rc == TM_OK && *rows)
        tm_log_info(NULL, "report.written", "written=%lld amended=%lld txn_seq=%lld",
                    (long long)run.written, (long long)run.amended, (long long)run.txn_seq);
    tm_buf_fini(&run.body);
    free(page);
    return rc;
}

/* ----------------------------------------------------------- requests */

/* ?format=json|csv, or Accept: text/csv without it (anq_format_pick). */
static enum tm_code
query_format(struct tm_ctx *ctx, enum anq_format *fmt, struct tm_err *err)
{
    const char *format = NULL;
    enum tm_code rc = tm_ctx_query_str(ctx, "format", 8, &format, err);

    return rc == TM_OK ? anq_format_pick(format, ctx->req->accept, fmt, err) : rc;
}

/* Query parameter name as a day: a date (its UTC midnight), kept as
 * "2026-11-01" in out; "" when absent. */
static enum tm_code
query_day(struct tm_ctx *ctx, const char *name, char *out, size_t size, struct tm_err *err)
{
    struct tm_time t;
    enum tm_code rc = tm_ctx_query_time(ctx, name, &t, err);

    out[0] = '\0';
    if (rc != TM_OK || !t.text[0])
        return rc;
    if (t.epoch_ms % 86400000 != 0 || strlen(t.text) < 10)
        return tm_err_set(err, TM_INVALID, name, "%s must be a day such as 2026-11-01", name);
    snprintf(out, size, "%.10s", t.text);
    return TM_OK;
}

static enum tm_code
too_large(struct tm_err *err)
{
    return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

static enum tm_code
list_csv(struct tm_ctx *ctx, const struct an_report_filter *f, const struct tm_page *pg,
         struct tm_reply *rep, struct tm_err *err)
{
    struct an_report_row *rows = tm_xcalloc((size_t)pg->limit + 1, sizeof *rows);
    int n = 0, shown;
    enum tm_code rc = an_db_report_list_rows(ctx->db, f, pg, rows, &n, err);

    shown = n > pg->limit ? (int)pg->limit : n;
    if (rc == TM_OK) {
        snprintf(rep->content_type, sizeof rep->content_type, "text/csv; charset=utf-8");
        rc = tm_buf_adds(&rep->body, LIST_CSV_HEADER);
        for (int i = 0; i < shown && rc == TM_OK; i++)
            rc = row_csv(&rep->body, &rows[i]);
        if (rc != TM_OK)
            rc = too_large(err);
        else if (n > pg->limit)
            snprintf(rep->next_cursor, sizeof rep->next_cursor, "i%lld",
                     (long long)rows[shown - 1].id);
    }
    free(rows);
    return rc;
}

enum tm_code
an_h_reports_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct an_report_filter f = {0};
    char scope[TM_STORES_TEXT_MAX + 3], from[AN_DAY_BYTES], to[AN_DAY_BYTES];
    struct tm_page pg;
    enum anq_format fmt;
    enum tm_code rc;
    int found = 0;

    if ((rc = tm_ctx_page(ctx, &pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, ID_MAX, 0, &f.store_id, err)) != TM_OK ||
        (rc = query_day(ctx, "from", from, sizeof from, err)) != TM_OK ||
        (rc = query_day(ctx, "to", to, sizeof to, err)) != TM_OK ||
        (rc = query_format(ctx, &fmt, err)) != TM_OK)
        return rc;
    if (from[0] && to[0] && strcmp(from, to) > 0)
        return tm_err_set(err, TM_INVALID, "from", "from is after to");
    if (f.store_id && ((rc = tm_ctx_may_store(ctx, f.store_id, "store_id", err)) != TM_OK ||
                       (rc = an_qdb_exists(ctx->db, "store", f.store_id, &found, err)) != TM_OK))
        return rc;
    if (f.store_id && !found)
        return tm_err_set(err, TM_INVALID, "store_id", "no store with this id");
    if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        f.store_scope = scope;
    f.from = from[0] ? from : NULL;
    f.to = to[0] ? to : NULL;
    if (fmt == ANQ_CSV)
        return list_csv(ctx, &f, &pg, rep, err);
    return an_db_report_list_json(ctx->db, &f, &pg, &rep->body, err);
}

enum tm_code
an_h_report_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct an_report *r = NULL;
    struct tm_buf doc;
    int64_t id = 0, store_id = 0;
    enum anq_format fmt;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = query_format(ctx, &fmt, err)) != TM_OK)
        return rc;
    snprintf(rep->target, sizeof rep->target, "%lld", (long long)id);
    tm_buf_init(&doc, 1 << 20);
    if ((rc = an_db_report_get(ctx->db, id, &store_id, &doc, err)) != TM_OK ||
        (rc = tm_ctx_may_see(ctx, &store_id, 1, "id", "report", err)) != TM_OK)
        goto out;
    if (fmt == ANQ_JSON) {
        rc = tm_buf_add(&rep->body, doc.p, doc.len) == TM_OK ? TM_OK : too_large(err);
        goto out;
    }
    r = tm_xcalloc(1, sizeof *r);
    if (an_report_decode(doc.p, doc.len, r, NULL) != TM_OK) {
        rc = tm_err_set(err, TM_INTERNAL, NULL, "stored report %lld is unreadable", (long long)id);
        goto out;
    }
    snprintf(rep->content_type, sizeof rep->content_type, "text/csv; charset=utf-8");
    if (an_report_csv(&rep->body, r) != TM_OK)
        rc = too_large(err);
out:
    free(r);
    tm_buf_fini(&doc);
    return rc;
}
