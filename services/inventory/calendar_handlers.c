/* services/inventory/calendar_handlers.c — see calendar_handlers.h. A
 * planner's writes, a few a day; reads page through the rows by id like
 * every other list. Every write runs in the router's transaction, so a
 * refused one changes nothing, and its forecast-due marks commit with it. */
#include "services/inventory/calendar_handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"

#include "services/inventory/calendar_decode.h"
#include "services/inventory/calendar_store.h"
#include "services/inventory/catalog.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/store.h"

#define ID_MAX ((int64_t)1 << 53)
#define MS_PER_DAY 86400000LL
#define DOC_MAX (64 << 10) /* bytes of one event's or promotion's document */

/* The store a write names: it must exist (TM_NOTFOUND naming store_id) and
 * be the caller's (tm_ctx_may_store); 0 (every store) is for roles that
 * see every store only (TM_FORBIDDEN naming store_id for a scoped one). */
static enum tm_code
writable_store(struct tm_ctx *ctx, int64_t store_id, struct tm_err *err)
{
    char scope[INV_CAL_SCOPE_MAX];
    struct inv_store st;
    enum tm_code rc;

    if (!store_id)
        return tm_ctx_store_scope(ctx, scope, sizeof scope)
                   ? tm_err_set(err, TM_FORBIDDEN, "store_id",
                                "a store-scoped role writes for its own stores only")
                   : TM_OK;
    if ((rc = tm_ctx_may_store(ctx, store_id, "store_id", err)) != TM_OK)
        return rc;
    if ((rc = inv_db_store_get(ctx->db, store_id, &st, err)) == TM_NOTFOUND)
        return tm_err_set(err, TM_NOTFOUND, "store_id", "no store %" PRId64, store_id);
    return rc;
}

/* A row reached by id owned by store_id (0: every store): scoped roles see
 * every store's rows and their own stores' (else TM_NOTFOUND, as if absent);
 * `write` also asks that the caller may write for it. */
static enum tm_code
row_store_ok(struct tm_ctx *ctx, int64_t store_id, int write, const char *what, struct tm_err *err)
{
    enum tm_code rc;

    if (store_id && (rc = tm_ctx_may_see(ctx, &store_id, 1, "id", what, err)) != TM_OK)
        return rc;
    if (write)
        return writable_store(ctx, store_id, err);
    if (!store_id)
        tm_ctx_every_store(ctx); /* every store's row: anyone may read it */
    return TM_OK;
}

/* A date query parameter as a day since the epoch (0: absent). */
static enum tm_code
day_arg(struct tm_ctx *ctx, const char *name, int64_t *day, struct tm_err *err)
{
    struct tm_time t;
    enum tm_code rc = tm_ctx_query_time(ctx, name, &t, err);

    *day = 0;
    if (rc == TM_OK && t.text[0]) {
        *day = t.epoch_ms / MS_PER_DAY;
        if (*day < INV_CAL_FIRST_DAY || *day > INV_CAL_LAST_DAY)
            return tm_err_set(err, TM_INVALID, name, "%s must be between 2000-01-01 and 2099-12-31",
                              name);
    }
    return rc;
}

/* The filters lists share: store_id, from, to, the caller's stores. */
static enum tm_code
list_args(struct tm_ctx *ctx, struct inv_cal_filter *f, char *scope, size_t size,
          struct tm_page *pg, struct tm_err *err)
{
    enum tm_code rc;

    if ((rc = tm_ctx_page(ctx, pg, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "store_id", 1, ID_MAX, 0, &f->store_id, err)) != TM_OK ||
        (rc = day_arg(ctx, "from", &f->first_day, err)) != TM_OK ||
        (rc = day_arg(ctx, "to", &f->last_day, err)) != TM_OK)
        return rc;
    if (f->first_day && f->last_day && f->last_day < f->first_day)
        return tm_err_set(err, TM_INVALID, "to", "to must not be before from");
    if (f->store_id && (rc = tm_ctx_may_store(ctx, f->store_id, "store_id", err)) != TM_OK)
        return rc;
    if (tm_ctx_store_scope(ctx, scope, size))
        f->store_scope = scope;
    return TM_OK;
}

/* rep answers doc with status, for the row `id` of the document */
static enum tm_code
answer(struct tm_reply *rep, int status, int64_t id, const struct tm_buf *doc, struct tm_err *err)
{
    rep->status = status;
    snprintf(rep->target, sizeof rep->target, "%" PRId64, id);
    return inv_too_big(tm_buf_adds(&rep->body, doc->p), err);
}

/* The row id of a by-id route: its store (and document) read by store_of,
 * the caller's right to it judged (row_store_ok), then act (NULL: none)
 * writes the document the answer shows. */
typedef enum tm_code (*row_fn)(PGconn *db, int64_t id, int64_t *store_id, struct tm_buf *doc,
                               struct tm_err *err);
typedef enum tm_code (*act_fn)(PGconn *db, int64_t id, struct tm_buf *doc, struct tm_err *err);

static enum tm_code
by_id(struct tm_ctx *ctx, struct tm_reply *rep, const char *what, row_fn store_of, act_fn act,
      struct tm_err *err)
{
    struct tm_buf doc;
    int64_t id, store_id = 0;
    enum tm_code rc;

    tm_buf_init(&doc, DOC_MAX);
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) == TM_OK &&
        (rc = store_of(ctx->db, id, &store_id, &doc, err)) == TM_OK &&
        (rc = row_store_ok(ctx, store_id, act != NULL, what, err)) == TM_OK &&
        (!act || (rc = act(ctx->db, id, &doc, err)) == TM_OK))
        rc = answer(rep, 200, id, &doc, err);
    tm_buf_fini(&doc);
    return rc;
}

/* ---- calendar events ---------------------------------------------------------- */

enum tm_code
inv_h_cal_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_cal_filter f = {0};
    char scope[INV_CAL_SCOPE_MAX];
    struct tm_page pg;
    enum tm_code rc = list_args(ctx, &f, scope, sizeof scope, &pg, err);

    rep->status = 200;
    return rc == TM_OK ? inv_db_cal_list(ctx->db, &f, &pg, &rep->body, err) : rc;
}

/* an event's store, locked (its document is the delete's) */
static enum tm_code
cal_store_of(PGconn *db, int64_t id, int64_t *store_id, struct tm_buf *doc, struct tm_err *err)
{
    (void)doc;
    return inv_db_cal_store_of(db, id, store_id, err);
}

enum tm_code
inv_h_cal_delete(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return by_id(ctx, rep, "calendar event", cal_store_of, inv_db_cal_delete, err);
}

enum tm_code
inv_h_cal_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_cal_event e;
    char who[INV_PRINCIPAL_MAX];
    struct tm_buf doc;
    int64_t id = 0;
    enum tm_code rc;

    tm_buf_init(&doc, DOC_MAX);
    tm_ctx_principal(ctx, who, sizeof who);
    if ((rc = inv_cal_decode_event(ctx->req->body, ctx->req->body_len, &e, err)) == TM_OK &&
        (rc = writable_store(ctx, e.store_id, err)) == TM_OK &&
        (rc = inv_db_cal_add(ctx->db, &e, who, &id, &doc, err)) == TM_OK)
        rc = answer(rep, 201, id, &doc, err);
    tm_buf_fini(&doc);
    return rc;
}

/* ---- promotions ------------------------------------------------------------------ */

enum tm_code
inv_h_promo_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_cal_filter f = {0};
    char scope[INV_CAL_SCOPE_MAX];
    struct tm_page pg;
    enum tm_code rc = list_args(ctx, &f, scope, sizeof scope, &pg, err);

    if (rc == TM_OK)
        rc = tm_ctx_query_int(ctx, "product_id", 1, ID_MAX, 0, &f.product_id, err);
    rep->status = 200;
    return rc == TM_OK ? inv_db_promo_list(ctx->db, &f, &pg, &rep->body, err) : rc;
}

enum tm_code
inv_h_promo_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct inv_promo p;
    struct inv_product prod;
    char who[INV_PRINCIPAL_MAX];
    struct tm_buf doc;
    int64_t id = 0;
    enum tm_code rc;

    tm_buf_init(&doc, DOC_MAX);
    tm_ctx_principal(ctx, who, sizeof who);
    if ((rc = inv_cal_decode_promo(ctx->req->body, ctx->req->body_len, &p, err)) != TM_OK ||
        (rc = writable_store(ctx, p.store_id, err)) != TM_OK)
        goto out;
    if ((rc = inv_db_product_get(ctx->db, p.product_id, &prod, err)) == TM_NOTFOUND) {
        rc = tm_err_set(err, TM_NOTFOUND, "product_id", "no product %" PRId64, p.product_id);
        goto out;
    }
    if (rc == TM_OK && (rc = inv_cal_promo_price_ok(&p, prod.unit_price_cents, err)) == TM_OK &&
        (rc = inv_db_promo_add(ctx->db, &p, prod.unit_price_cents, who, &id, &doc, err)) == TM_OK)
        rc = answer(rep, 201, id, &doc, err);
out:
    tm_buf_fini(&doc);
    return rc;
}

enum tm_code
inv_h_promo_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return by_id(ctx, rep, "promotion", inv_db_promo_get, NULL, err);
}

enum tm_code
inv_h_promo_end(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    enum tm_code rc = tm_ctx_no_body(ctx, err);

    return rc == TM_OK ? by_id(ctx, rep, "promotion", inv_db_promo_get, inv_db_promo_end, err) : rc;
}
