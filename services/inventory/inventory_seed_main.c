/* services/inventory/inventory_seed_main.c — tm-inventory-seed: loads the sample
 * catalogue (sample.c) through the same store.c functions the service uses,
 * in one transaction, so it is all there or none of it. Does nothing when
 * the catalogue already has products, which makes `make up` safe to repeat. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/config.h"
#include "common/db.h"
#include "common/log.h"

#include "services/inventory/handlers.h"
#include "services/inventory/sample.h"
#include "services/inventory/stock_store.h"
#include "services/inventory/store.h"

struct seed_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    int products;
    int seed;
    int history_days;
};

#define F(field) offsetof(struct seed_cfg, field)
static const struct tm_cfg_opt seed_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), sizeof(((struct seed_cfg *)0)->db_url), 0, 0,
     "postgresql:///techmart", 1, "PostgreSQL connection string"},
    {"products", "TM_SEED_PRODUCTS", TM_CFG_INT, F(products), 0, 0, 1000000, "1200", 0,
     "number of sample products"},
    {"seed", "TM_SEED", TM_CFG_INT, F(seed), 0, 0, 2147483647, "20261122", 0,
     "generator seed; the same seed loads the same catalogue"},
    {"history-days", "TM_SEED_HISTORY_DAYS", TM_CFG_INT, F(history_days), 0, 0, 3660, "90", 0,
     "days of sample history: the opening stock arrives this many days ago (tm-txn-seed posts the "
     "sales)"},
};
#undef F

#define TS_LEN 24

/* One store's levels and opening stock, every product, as two bulk statements. */
static enum tm_code
load_store(PGconn *db, const struct seed_cfg *cfg, struct inv_rng *rng, int64_t store_id,
           const int64_t *product_ids, time_t day0, int first_dow, struct tm_err *err)
{
    int np = cfg->products, max_moves = 4, n = 0; /* one day: a receipt and a sale */
    size_t cap = (size_t)np * (size_t)max_moves;
    struct inv_sample_move *h = tm_xcalloc((size_t)max_moves, sizeof *h);
    int64_t *lv = tm_xcalloc((size_t)np * 6, sizeof *lv);
    int64_t *ms = tm_xcalloc(cap, sizeof *ms), *mp = tm_xcalloc(cap, sizeof *mp);
    int64_t *mq = tm_xcalloc(cap, sizeof *mq), *ma = tm_xcalloc(cap, sizeof *ma);
    const char **mt = tm_xcalloc(cap, sizeof *mt), **mat = tm_xcalloc(cap, sizeof *mat);
    char *times = tm_xcalloc(cap, TS_LEN);
    enum tm_code rc;

    for (int j = 0; j < np; j++) {
        struct inv_sample_policy pol;
        /* the policy and its opening receipt only: the sales are tm-txn-seed's,
         * posted as real sales, and so is the replenishment they call for */
        int k = inv_sample_history(rng, 1, first_dow, max_moves, h, &pol);

        lv[j] = store_id;
        lv[np + j] = product_ids[j];
        lv[2 * np + j] = pol.min_qty;
        lv[3 * np + j] = pol.max_qty;
        lv[4 * np + j] = pol.reorder_point;
        lv[5 * np + j] = pol.safety_stock;
        for (int i = 0; i < k; i++) {
            time_t at;
            struct tm t;

            if (h[i].is_sale)
                continue;
            at = day0 + (time_t)h[i].day * 86400 + (time_t)h[i].hour * 3600 +
                 (time_t)inv_rng_range(rng, 0, 3599);
            gmtime_r(&at, &t);
            strftime(times + (size_t)n * TS_LEN, TS_LEN, "%Y-%m-%dT%H:%M:%SZ", &t);
            ms[n] = store_id;
            mp[n] = product_ids[j];
            mq[n] = h[i].qty;
            ma[n] = h[i].after;
            mt[n] = h[i].is_sale ? "sale" : "receipt";
            mat[n] = times + (size_t)n * TS_LEN;
            n++;
        }
    }
    {
        struct inv_bulk_levels bl = {np,          lv,          lv + np,    lv + 2 * np,
                                     lv + 3 * np, lv + 4 * np, lv + 5 * np};
        struct inv_bulk_moves bm = {n, ms, mp, mq, ma, mt, mat};
        rc = inv_db_levels_bulk(db, &bl, err);
        if (rc == TM_OK && n > 0)
            rc = inv_db_moves_bulk(db, &bm, "sample:tm-inventory-seed", err);
    }
    free(h);
    free(lv);
    free(ms);
    free(mp);
    free(mq);
    free(ma);
    free(mt);
    free(mat);
    free(times);
    return rc;
}

static enum tm_code
load(PGconn *db, const struct seed_cfg *cfg, struct tm_err *err)
{
    int nc = inv_sample_n_categories(), ns = inv_sample_n_stores();
    int64_t *cat_ids = tm_xcalloc((size_t)nc, sizeof *cat_ids);
    int64_t *store_ids = tm_xcalloc((size_t)ns, sizeof *store_ids);
    int64_t *product_ids = tm_xcalloc((size_t)cfg->products + 1, sizeof *product_ids);
    struct inv_rng rng;
    enum tm_code rc = TM_OK;

    for (int i = 0; i < inv_sample_n_stores() && rc == TM_OK; i++) {
        struct inv_store s;
        inv_sample_store(i, &s);
        if ((rc = inv_db_store_create(db, &s, err)) == TM_OK)
            rc = inv_event_created(db, INV_STORE, &s, err);
        store_ids[i] = s.id;
    }
    for (int i = 0; i < nc && rc == TM_OK; i++) {
        struct inv_category c;
        inv_sample_category(i, &c);
        if ((rc = inv_db_category_create(db, &c, err)) == TM_OK &&
            (rc = inv_event_created(db, INV_CATEGORY, &c, err)) == TM_OK)
            cat_ids[i] = c.id;
    }
    inv_rng_seed(&rng, (uint64_t)cfg->seed);
    for (int i = 0; i < cfg->products && rc == TM_OK; i++) {
        struct inv_product p;
        int ci;
        inv_sample_product(&rng, i, &p, &ci);
        p.category_id = cat_ids[ci];
        if ((rc = inv_db_product_create(db, &p, err)) == TM_OK)
            rc = inv_event_created(db, INV_PRODUCT, &p, err);
        product_ids[i] = p.id;
    }
    if (cfg->history_days > 0) {
        /* the history ends yesterday; day 0 starts at midnight UTC */
        time_t now = time(NULL);
        time_t day0 = (now / 86400 - cfg->history_days) * 86400;
        int first_dow = (int)((day0 / 86400 + 3) % 7); /* 1970-01-01 was a Thursday */

        for (int i = 0; i < ns && rc == TM_OK; i++)
            rc = load_store(db, cfg, &rng, store_ids[i], product_ids, day0, first_dow, err);
        if (rc == TM_OK)
            rc = inv_db_levels_from_ledger(db, err);
    }
    free(cat_ids);
    free(store_ids);
    free(product_ids);
    return rc;
}

int
main(int argc, char **argv)
{
    static struct seed_cfg cfg;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {seed_opts, sizeof seed_opts / sizeof seed_opts[0], &cfg},
    };
    struct tm_err err;
    int64_t existing = 0;
    PGconn *db;
    int status;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-inventory-seed",
                              "Loads the sample catalogue once.")) >= 0)
        return status;
    status = 1;
    db = PQconnectdb(cfg.db_url);
    if (PQstatus(db) != CONNECTION_OK) {
        tm_log_error(NULL, "seed", "error=\"cannot connect: %s\"", PQerrorMessage(db));
        goto out;
    }
    if (inv_db_count_products(db, &existing, &err) != TM_OK)
        goto fail;
    if (existing > 0) {
        tm_log_info(NULL, "seed.skip", "products=%lld reason=already_loaded", (long long)existing);
        status = 0;
        goto out;
    }
    if (tm_db_begin(db, &err) != TM_OK)
        goto fail;
    if (load(db, &cfg, &err) != TM_OK || tm_db_commit(db, &err) != TM_OK) {
        tm_db_rollback(db);
        goto fail;
    }
    tm_log_info(NULL, "seed.done", "stores=%d categories=%d products=%d seed=%d history_days=%d",
                inv_sample_n_stores(), inv_sample_n_categories(), cfg.products, cfg.seed,
                cfg.history_days);
    status = 0;
    goto out;
fail:
    tm_log_error(NULL, "seed", "field=%s error=\"%s\"", err.field, err.message);
out:
    PQfinish(db);
    return status;
}
