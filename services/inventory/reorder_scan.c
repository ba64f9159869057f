/* services/inventory/reorder_scan.c — the reorder-scan job
 * (reorder_handlers.h; docs/reorder.md, "The reorder-scan job").
 *
 * Each run takes up to `reorder-scan-max` levels with a reorder point or a
 * sale in the forecast window: those never scanned or whose stock moved
 * since they were last scanned (stock.demand_moved_at) first, then the
 * least recently scanned, so a chain larger than one run is covered over
 * several, no group of levels (not even those with live suggestions) can
 * take every run, and a run stays bounded (the engine costs a few
 * milliseconds a level). For each level it
 * computes the policy with its inputs gathered (reorder_level.c) and, in a
 * transaction of its own: writes the level's reorder point and safety stock
 * from the policy unless a person set them (stock.reorder_manual), with
 * stock.changed; writes a suggestion when the position is at or under the
 * policy's reorder point: a new one when the level has no live one, else
 * the open or no_supplier one refreshed (reorder.suggested when new or
 * just opened; never a second); above the point, expires the level's open
 * or no_supplier one (reorder.expired); marks the level scanned. The
 * supplier choice of each product is asked once a run, outside any
 * transaction. A level whose series has too little history is skipped
 * (logged) and marked scanned, and so is one whose evaluation fails
 * otherwise (the engine, the policy: logged as an error and counted), so
 * one bad level never stops the levels after it; a tm-supplier that does
 * not answer, or a database that fails, fails the run (its record says
 * why), keeping what was committed. rows = suggestions written. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/outbox.h"
#include "common/topic.h"

#include "proto/limits.h"
#include "services/inventory/app.h"
#include "services/inventory/reorder_handlers.h"
#include "services/inventory/reorder_level.h"
#include "services/inventory/reorder_store.h"
#include "services/inventory/stock.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/stock_store.h"
#include "services/inventory/store.h"

#define SCAN_DAYS TM_FORECAST_HISTORY_DAYS
#define SCAN_WHO "job:reorder-scan"

/* The product's supplier, asked once a run: cache[0..*n). */
struct sup_cache {
    int64_t product_id;
    struct inv_ro_supplier sup;
};

static enum tm_code
supplier_of(const struct inv_app *app, int64_t product_id, int64_t store_id,
            struct sup_cache *cache, int *n, struct inv_ro_supplier *out, struct tm_err *err)
{
    struct inv_ro_choice *ch;
    enum tm_code rc;

    for (int i = 0; i < *n; i++)
        if (cache[i].product_id == product_id) {
            *out = cache[i].sup;
            return TM_OK;
        }
    ch = tm_xcalloc(1, sizeof *ch);
    rc = inv_rl_choice(app->supplier, NULL, product_id, store_id, 1, app->cfg->supplier_policy, ch,
                       NULL, err);
    if (rc == TM_OK) {
        *out = ch->sup;
        cache[*n].product_id = product_id;
        cache[(*n)++].sup = ch->sup;
    }
    free(ch);
    return rc;
}

/* The level's reorder point and safety stock from the policy, unless set
 * by hand or the level's own settings forbid them (max_qty below). */
static enum tm_code
set_point(PGconn *db, const struct inv_rl_eval *ev, struct tm_err *err)
{
    struct inv_level before, in;
    struct inv_level_view after;
    struct tm_err why = {0};
    int manual = 0;
    enum tm_code rc = inv_db_rs_manual(db, ev->store_id, ev->product_id, &manual, err);

    if (rc != TM_OK || manual ||
        (rc = inv_db_stock_lock(db, ev->store_id, ev->product_id, &before, err)) != TM_OK)
        return rc;
    in = before;
    in.reorder_point = ev->res.reorder_point;
    in.safety_stock = ev->res.safety_stock > 0 ? (int64_t)llround(ev->res.safety_stock) : 0;
    if (in.safety_stock > in.reorder_point)
        in.safety_stock = in.reorder_point;
    if (in.reorder_point == before.reorder_point && in.safety_stock == before.safety_stock)
        return TM_OK;
    if (inv_settings_validate(&in, &why) != TM_OK) {
        tm_log_info(NULL, "reorder.point_kept",
                    "store=%" PRId64 " product=%" PRId64 " field=%s reason=\"%s\"", ev->store_id,
                    ev->product_id, why.field, why.message);
        return TM_OK;
    }
    if ((rc = inv_db_stock_settings(db, &in, &after, err)) != TM_OK)
        return rc;
    return inv_stock_settings_changed(db, &before, &after.l, err);
}

/* One level in a transaction of its own; *written 1 when a suggestion was
 * written, -1 when the level's live one expired. */
static enum tm_code
scan_level(PGconn *db, const struct inv_rl_eval *ev, int *written, struct tm_err *err)
{
    struct tm_buf doc;
    enum tm_code rc = tm_db_begin(db, err);

    *written = 0;
    if (rc != TM_OK)
        return rc;
    tm_buf_init(&doc, 1 << 20);
    rc = set_point(db, ev, err);
    if (rc == TM_OK && ev->res.reorder) {
        enum inv_rs_put what = INV_RS_KEPT;
        rc = inv_rs_write(db, ev, "scan", SCAN_WHO, &what, &doc, err);
        *written = what == INV_RS_CREATED;
    } else if (rc == TM_OK) {
        int expired = 0;
        rc = inv_rs_expire(db, ev, SCAN_WHO, &expired, &doc, err);
        *written = expired ? -1 : 0;
    }
    if (rc == TM_OK)
        rc = inv_db_rs_scanned(db, ev->store_id, ev->product_id, err);
    tm_buf_fini(&doc);
    if (rc == TM_OK)
        return tm_db_commit(db, err);
    tm_db_rollback(db);
    return rc;
}

/* The levels of one run, each computed then written. */
static enum tm_code
scan(const struct inv_app *app, PGconn *db, const struct inv_rs_level *lv, int n, int64_t *rows,
     struct tm_err *err)
{
    struct sup_cache *cache = tm_xcalloc((size_t)n, sizeof *cache);
    struct inv_rl_eval *ev = tm_xcalloc(1, sizeof *ev);
    struct inv_rl_abc abc = {0};
    int n_cache = 0, skipped = 0, failed = 0, expired = 0;
    enum tm_code rc = inv_rl_abc_load(db, app->cfg->abc_days, &abc, err);

    for (int i = 0; i < n && rc == TM_OK; i++) {
        struct inv_ro_supplier sup;
        int written = 0;

        if ((rc = supplier_of(app, lv[i].product_id, lv[i].store_id, cache, &n_cache, &sup, err)) !=
            TM_OK)
            break;
        rc = inv_rl_evaluate(db, app, lv[i].store_id, lv[i].product_id, &sup,
                             inv_rl_abc_of(&abc, lv[i].product_id), ev, err);
        if (rc == TM_UNPROCESSABLE) { /* too little history: nothing to compute from */
            tm_log_info(NULL, "reorder.skipped",
                        "store=%" PRId64 " product=%" PRId64 " reason=\"%s\"", lv[i].store_id,
                        lv[i].product_id, err ? err->message : "");
            tm_err_clear(err);
            skipped++;
            rc = inv_db_rs_scanned(db, lv[i].store_id, lv[i].product_id, err);
        } else if (rc != TM_OK && rc != TM_UNAVAIL) { /* this level's own failure */
            tm_log_error(NULL, "reorder.level_failed",
                         "store=%" PRId64 " product=%" PRId64 " code=%s error=\"%s\"",
                         lv[i].store_id, lv[i].product_id, tm_code_name(rc),
                         err ? err->message : "");
            tm_err_clear(err);
            failed++;
            rc = inv_db_rs_scanned(db, lv[i].store_id, lv[i].product_id, err);
        } else if (rc == TM_OK && (rc = scan_level(db, ev, &written, err)) == TM_OK) {
            *rows += written > 0;
            expired += written < 0;
        }
        inv_rl_eval_fini(ev);
    }
    tm_log_info(NULL, "reorder.scanned",
                "levels=%d suggested=%" PRId64 " expired=%d skipped=%d failed=%d", n, *rows,
                expired, skipped, failed);
    inv_rl_abc_fini(&abc);
    free(ev);
    free(cache);
    return rc;
}

enum tm_code
inv_job_reorder_scan(void *arg, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct inv_app *app = arg;
    int max = app->cfg->scan_max > 0 ? app->cfg->scan_max : 1, n = 0;
    struct inv_rs_level *lv = tm_xcalloc((size_t)max, sizeof *lv);
    enum tm_code rc = inv_db_rs_scan_levels(db, SCAN_DAYS, max, lv, &n, err);

    /* The runner's transaction ends here: tm-supplier is asked outside
     * any, each level is written in a transaction of its own, and a new
     * one is begun for the runner to commit. */
    *rows = 0;
    if (rc == TM_OK && (rc = tm_db_commit(db, err)) == TM_OK) {
        rc = scan(app, db, lv, n, rows, err);
        struct tm_err e = {0};
        enum tm_code b = tm_db_begin(db, rc == TM_OK ? err : &e);
        rc = rc == TM_OK ? b : rc;
    }
    free(lv);
    return rc;
}
