/* services/inventory/seed_main.c — tm-inventory-seed: loads the sample
 * catalogue (sample.c) through the same store.c functions the service uses,
 * in one transaction, so it is all there or none of it. Does nothing when
 * the catalogue already has products, which makes `make up` safe to repeat. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/config.h"
#include "common/db.h"
#include "common/log.h"

#include "services/inventory/handlers.h"
#include "services/inventory/sample.h"
#include "services/inventory/store.h"

struct seed_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    int products;
    int seed;
};

#define F(field) offsetof(struct seed_cfg, field)
static const struct tm_cfg_opt seed_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), sizeof(((struct seed_cfg *)0)->db_url), 0, 0,
     "postgresql:///techmart", 1, "PostgreSQL connection string"},
    {"products", "TM_SEED_PRODUCTS", TM_CFG_INT, F(products), 0, 0, 1000000, "1200", 0,
     "number of sample products"},
    {"seed", "TM_SEED", TM_CFG_INT, F(seed), 0, 0, 2147483647, "20261122", 0,
     "generator seed; the same seed loads the same catalogue"},
};
#undef F

static enum tm_code
load(PGconn *db, const struct seed_cfg *cfg, struct tm_err *err)
{
    int nc = inv_sample_n_categories();
    int64_t *cat_ids = tm_xcalloc((size_t)nc, sizeof *cat_ids);
    struct inv_rng rng;
    enum tm_code rc = TM_OK;

    for (int i = 0; i < inv_sample_n_stores() && rc == TM_OK; i++) {
        struct inv_store s;
        inv_sample_store(i, &s);
        if ((rc = inv_db_store_create(db, &s, err)) == TM_OK)
            rc = inv_event_created(db, INV_STORE, &s, err);
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
    }
    free(cat_ids);
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
    tm_log_info(NULL, "seed.done", "stores=%d categories=%d products=%d seed=%d",
                inv_sample_n_stores(), inv_sample_n_categories(), cfg.products, cfg.seed);
    status = 0;
    goto out;
fail:
    tm_log_error(NULL, "seed", "field=%s error=\"%s\"", err.field, err.message);
out:
    PQfinish(db);
    return status;
}
