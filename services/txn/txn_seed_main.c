/* services/txn/txn_seed_main.c — tm-txn-seed: the sample sales history of
 * `make up`, posted through tm-txn's own API over the bus (the envelope the
 * gateway sends), so every sample sale is decoded, priced, scored, takes
 * its stock through tm-inventory and emits its event like a real one.
 *
 * The history (gen.c) has weekday and hour seasonality, a small share of
 * planted fraud, promotions and a long tail of slow items; each generated
 * sale becomes a basket of catalogue products (gen_basket). A sale short
 * of stock is preceded by a replenishment receipt (POST /stock-movements
 * at the sale's time), as a store would have reordered. Flagged sales are
 * then reviewed with the generator's labels, so the fraud statistics have
 * data. Last, tm-inventory's forecasts are refreshed from the whole history
 * (its refresh job run until a run finds nothing due) and waited for. Does
 * nothing when tm-txn already holds sales. Reads tm-txn's schema, to wait
 * for its catalogue copy to catch up.
 *
 * It runs for minutes on a small machine: every few seconds it logs
 * event=seed.progress (step, done, total), which deploy/stack.sh shows. */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/call.h"
#include "common/config.h"
#include "common/db.h"
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#include "services/txn/gen.h"
#include "services/txn/txn_store.h"

#define SEED_LINES 16    /* at most this many lines in a sample basket */
#define PROGRESS_MS 5000 /* between two event=seed.progress lines */
#define FORECAST_JOB "forecast-refresh"
#define FORECAST_POST_MS 5000   /* the job's own answer, when it is that quick */
#define FORECAST_START_MS 30000 /* a run asked for that has not begun is asked for again */
#define FORECAST_WAIT_MS (3600 * 1000LL)

struct seed_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    char txn_endpoints[1024];
    char inventory_endpoints[1024];
    int days;
    int customers;
    int seed;
    int workers;
    int forecasts;
};

#define F(field) offsetof(struct seed_cfg, field)
#define S(field) sizeof(((struct seed_cfg *)0)->field)
static const struct tm_cfg_opt seed_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0, "postgresql:///techmart", 1,
     "PostgreSQL connection string (to read tm-txn's catalogue copy)"},
    {"txn-endpoints", "TM_TXN_ENDPOINTS", TM_CFG_STR, F(txn_endpoints), S(txn_endpoints), 0, 0,
     "ipc:///tmp/techmart-txn.ipc", 1, "tm-txn instances, comma-separated"},
    {"inventory-endpoints", "TM_INVENTORY_ENDPOINTS", TM_CFG_STR, F(inventory_endpoints),
     S(inventory_endpoints), 0, 0, "ipc:///tmp/techmart-inventory.ipc", 1,
     "tm-inventory instances, comma-separated (replenishment receipts)"},
    {"history-days", "TM_SEED_HISTORY_DAYS", TM_CFG_INT, F(days), 0, 0, 400, "90", 0,
     "days of sample sales, ending yesterday"},
    {"customers", "TM_SEED_CUSTOMERS", TM_CFG_INT, F(customers), 0, 1, 100000, "400", 0,
     "regular sample customers"},
    {"seed", "TM_SEED", TM_CFG_INT, F(seed), 0, 0, 2147483647, "20261122", 0,
     "generator seed; the same seed posts the same history"},
    {"workers", "TM_SEED_WORKERS", TM_CFG_INT, F(workers), 0, 1, 64, "4", 0,
     "sales posted at once (each store's sales stay in order)"},
    {"forecasts", "TM_SEED_FORECASTS", TM_CFG_BOOL, F(forecasts), 0, 0, 0, "true", 0,
     "then refresh tm-inventory's forecasts from the whole history, and wait for it"},
};
#undef F
#undef S

/* One sale to post: built in order by the main thread, posted by the
 * worker that owns its store. */
struct job {
    int64_t ts_s, customer_id;
    int store; /* index */
    int label, n;
    char instrument[RP_ID_MAX + 1];
    struct gen_line lines[SEED_LINES];
    int64_t sale_id; /* filled in: the recorded sale, 0 if none */
    int flagged;
};

struct seed {
    const struct seed_cfg *cfg;
    struct tm_bus_client *txn, *inventory;
    int64_t *store_ids;
    int n_stores;
    struct gen_item *items;
    int n_items;
    double *cum;
    int64_t cum_day;
    int64_t *customer_ids; /* regular customers by index */
    struct job *jobs;
    int64_t n_jobs, cap_jobs;
    int64_t n_new; /* new accounts created */
    struct gen_rng rng;
    int failed;               /* set by the emit callback on an error */
    _Atomic int64_t n_posted; /* sales posted so far, by every worker */
    _Atomic int running;      /* workers still posting */
    int64_t next_progress_ms; /* of the history being built (emit) */
};

/* One event=seed.progress line (fields from fmt: step=, then done= and
 * total= or what else tells how far it is) when the last is PROGRESS_MS old. */
static void __attribute__((format(printf, 2, 3))) progress(int64_t *next_ms, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    if (tm_mono_ms() < *next_ms)
        return;
    *next_ms = tm_mono_ms() + PROGRESS_MS;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    tm_log_info(NULL, "seed.progress", "%s", what);
}

static int64_t
num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static enum tm_code
create_customer(struct seed *sd, const char *name, int store, const char *tier, int64_t *id,
                struct tm_err *err)
{
    char body[256];
    struct tm_request req;
    cJSON *json = NULL;
    int status = 0;
    enum tm_code rc;

    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"loyalty_tier\":\"%s\",\"home_store_id\":%" PRId64 "}", name, tier,
             sd->store_ids[store]);
    tm_call_request(&req, "tm-txn-seed", "POST", "/api/v1/customers", "/api/v1/customers", body,
                    NULL);
    rc = tm_call_json(sd->txn, &req, &status, &json, err);
    if (rc == TM_OK && status != 201)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "creating customer %s answered %d", name, status);
    if (rc == TM_OK)
        *id = num(json, "id");
    cJSON_Delete(json);
    return rc;
}

/* ------------------------------------------------------ building jobs */

static void
emit(void *arg, const struct rp_sale *s)
{
    struct seed *sd = arg;
    struct job *j;
    int64_t day = s->ts_s / 86400;
    struct tm_err err;

    if (sd->failed || s->event == FR_EV_VOID) /* the seed posts sales only */
        return;
    progress(&sd->next_progress_ms, "step=building sales=%" PRId64 " new_accounts=%" PRId64,
             sd->n_jobs, sd->n_new);
    if (day != sd->cum_day) {
        gen_day_weights((uint64_t)sd->cfg->seed, sd->items, sd->n_items, day, sd->cum);
        sd->cum_day = day;
    }
    if (sd->n_jobs == sd->cap_jobs) {
        sd->cap_jobs = sd->cap_jobs ? 2 * sd->cap_jobs : 4096;
        sd->jobs = tm_xrealloc(sd->jobs, (size_t)sd->cap_jobs * sizeof *sd->jobs);
    }
    j = &sd->jobs[sd->n_jobs];
    memset(j, 0, sizeof *j);
    j->ts_s = s->ts_s;
    j->store = (atoi(s->store) - 1) % sd->n_stores;
    j->label = s->label;
    snprintf(j->instrument, sizeof j->instrument, "%s", s->instrument);
    if (strncmp(s->customer, "new-", 4) == 0) { /* a new account, opened for this sale */
        char name[64];
        snprintf(name, sizeof name, "Sample New %" PRId64, ++sd->n_new);
        if (create_customer(sd, name, j->store, "none", &j->customer_id, &err) != TM_OK) {
            tm_log_error(NULL, "seed.customer", "error=\"%s\"", err.message);
            sd->failed = 1;
            return;
        }
    } else if (s->customer[0]) {
        int c = atoi(s->customer) - 1;
        j->customer_id = c >= 0 && c < sd->cfg->customers ? sd->customer_ids[c] : 0;
    }
    j->n = gen_basket(&sd->rng, (uint64_t)sd->cfg->seed, s, sd->items, sd->cum, sd->n_items, day,
                      j->lines, SEED_LINES);
    if (j->n > 0)
        sd->n_jobs++;
}

/* ------------------------------------------------------- posting jobs */

/* Receives what a short sale lacks, plus two weeks of its usual sales, at
 * the sale's time (details.short of tm-inventory's 409). */
static enum tm_code
replenish(struct seed *sd, const struct job *j, const cJSON *reply, const char *at,
          struct tm_err *err)
{
    const cJSON *shorts = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(reply, "error"),
                                         "details"),
        "short");
    const cJSON *it;
    enum tm_code rc = TM_OK;

    if (!cJSON_IsArray(shorts) || cJSON_GetArraySize(shorts) == 0)
        return tm_err_set(err, TM_INTERNAL, NULL, "409 without short lines");
    cJSON_ArrayForEach(it, shorts)
    {
        int64_t product = num(it, "product_id"), need = num(it, "requested") - num(it, "available");
        char body[256];
        struct tm_request req;
        cJSON *json = NULL;
        int status = 0;

        snprintf(body, sizeof body,
                 "{\"store_id\":%" PRId64 ",\"product_id\":%" PRId64
                 ",\"type\":\"receipt\",\"quantity\":%" PRId64
                 ",\"reason\":\"sample replenishment\",\"occurred_at\":\"%s\"}",
                 sd->store_ids[j->store], product, need + 10, at);
        tm_call_request(&req, "tm-txn-seed", "POST", "/api/v1/stock-movements",
                        "/api/v1/stock-movements", body, NULL);
        rc = tm_call_json(sd->inventory, &req, &status, &json, err);
        if (rc == TM_OK && status != 201)
            rc = tm_err_set(err, TM_INTERNAL, NULL, "replenishment answered %d", status);
        cJSON_Delete(json);
        if (rc != TM_OK)
            break;
    }
    return rc;
}

static enum tm_code
post(struct seed *sd, int64_t k, struct tm_err *err)
{
    struct job *j = &sd->jobs[k];
    struct tm_buf body;
    char at[40], key[48];
    enum tm_code rc;

    tm_iso8601(j->ts_s * 1000, at, sizeof at);
    snprintf(key, sizeof key, "sample-%d-%" PRId64, sd->cfg->seed, k);
    tm_buf_init(&body, 1 << 14);
    rc = tm_buf_printf(&body, "{\"store_id\":%" PRId64, sd->store_ids[j->store]);
    if (rc == TM_OK && j->customer_id)
        rc = tm_buf_printf(&body, ",\"customer_id\":%" PRId64, j->customer_id);
    for (int i = 0; i < j->n && rc == TM_OK; i++)
        rc = tm_buf_printf(&body,
                           "%s{\"product_id\":%" PRId64 ",\"quantity\":%" PRId64
                           ",\"unit_price\":%" PRId64 ".%02" PRId64 "}",
                           i ? "," : ",\"lines\":[", j->lines[i].product_id, j->lines[i].quantity,
                           j->lines[i].unit_price_cents / 100, j->lines[i].unit_price_cents % 100);
    if (rc == TM_OK)
        rc = tm_buf_printf(&body,
                           "],\"channel\":\"%s\",\"payment_method\":\"%s\"%s%s%s"
                           ",\"occurred_at\":\"%s\"}",
                           j->customer_id && k % 5 == 0 ? "online" : "pos",
                           j->instrument[0] ? "card" : "cash",
                           j->instrument[0] ? ",\"instrument\":\"" : "", j->instrument,
                           j->instrument[0] ? "\"" : "", at);
    for (int attempt = 0; rc == TM_OK && attempt < 3; attempt++) {
        struct tm_request req;
        cJSON *json = NULL, *sale;
        int status = 0;

        tm_call_request(&req, "tm-txn-seed", "POST", "/api/v1/transactions", "/api/v1/transactions",
                        body.p, key);
        if ((rc = tm_call_json(sd->txn, &req, &status, &json, err)) != TM_OK)
            break;
        sale = status == 201 ? json
                             : cJSON_GetObjectItemCaseSensitive(
                                   cJSON_GetObjectItemCaseSensitive(
                                       cJSON_GetObjectItemCaseSensitive(json, "error"), "details"),
                                   "transaction");
        if (status == 409) {
            rc = replenish(sd, j, json, at, err);
        } else if (sale && (status == 201 || status == 422)) {
            const cJSON *fraud = cJSON_GetObjectItemCaseSensitive(sale, "fraud");
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(fraud, "decision");
            j->sale_id = num(sale, "id");
            j->flagged = cJSON_IsString(d) && strcmp(d->valuestring, "approve") != 0;
            cJSON_Delete(json);
            break;
        } else {
            char *text = cJSON_PrintUnformatted(json);
            rc = tm_err_set(err, TM_INTERNAL, NULL, "sale %" PRId64 " answered %d: %.150s", k,
                            status, text ? text : "");
            free(text);
        }
        cJSON_Delete(json);
    }
    tm_buf_fini(&body);
    return rc;
}

struct worker {
    struct seed *sd;
    int index;
    int64_t posted, failed;
    int started;
    pthread_t thread;
};

static void *
work(void *arg)
{
    struct worker *w = arg;
    struct seed *sd = w->sd;

    for (int64_t k = 0; k < sd->n_jobs; k++) {
        struct tm_err err;
        if (sd->jobs[k].store % sd->cfg->workers != w->index)
            continue;
        if (post(sd, k, &err) == TM_OK) {
            w->posted++;
            atomic_fetch_add(&sd->n_posted, 1);
        } else {
            tm_log_error(NULL, "seed.sale", "error=\"%s\"", err.message);
            if (++w->failed > 20)
                break;
        }
    }
    atomic_fetch_sub(&sd->running, 1);
    return NULL;
}

/* Posts every job on cfg->workers threads (a store's sales by one worker,
 * in order), logging progress until they are done. */
static void
post_all(struct seed *sd, int64_t *posted, int64_t *failed)
{
    int n = sd->cfg->workers;
    struct worker *w = tm_xcalloc((size_t)n, sizeof *w);
    int64_t next = tm_mono_ms() + PROGRESS_MS;

    atomic_store(&sd->running, n);
    for (int i = 0; i < n; i++) {
        w[i].sd = sd;
        w[i].index = i;
        w[i].started = pthread_create(&w[i].thread, NULL, work, &w[i]) == 0;
        if (!w[i].started) {
            atomic_fetch_sub(&sd->running, 1);
            ++*failed;
        }
    }
    while (atomic_load(&sd->running) > 0) {
        tm_sleep_ms(200);
        progress(&next, "step=sales done=%" PRId64 " total=%" PRId64, atomic_load(&sd->n_posted),
                 sd->n_jobs);
    }
    for (int i = 0; i < n; i++) {
        if (w[i].started)
            pthread_join(w[i].thread, NULL);
        *posted += w[i].posted;
        *failed += w[i].failed;
    }
    free(w);
}

/* Flagged sales before `before_s` get the generator's label, as a fraud
 * analyst would; the later ones are left waiting in the review queue, as
 * a day's flags are before the analysts reach them. */
static int64_t
review(struct seed *sd, int64_t before_s)
{
    int64_t n = 0, next = tm_mono_ms() + PROGRESS_MS;

    for (int64_t k = 0; k < sd->n_jobs; k++) {
        progress(&next, "step=reviews done=%" PRId64 " total=%" PRId64, k, sd->n_jobs);
        const struct job *j = &sd->jobs[k];
        char path[96], body[128];
        struct tm_request req;
        struct tm_err err;
        cJSON *json = NULL;
        int status = 0;

        if (!j->sale_id || !j->flagged || j->ts_s >= before_s)
            continue;
        snprintf(path, sizeof path, "/api/v1/transactions/%" PRId64 "/review", j->sale_id);
        snprintf(body, sizeof body, "{\"label\":\"%s\",\"note\":\"sample label\"}",
                 j->label ? "fraud" : "legit");
        tm_call_request(&req, "tm-txn-seed", "POST", "/api/v1/transactions/{id}/review", path, body,
                        NULL);
        {
            char id[24];
            snprintf(id, sizeof id, "%" PRId64, j->sale_id);
            req.params[0].key = "id";
            req.params[0].val = id;
            req.n_params = 1;
            if (tm_call_json(sd->txn, &req, &status, &json, &err) == TM_OK && status == 200)
                n++;
        }
        cJSON_Delete(json);
    }
    return n;
}

/* ------------------------------------------------------------ forecasts */

static void
forecast_progress(void *arg)
{
    progress(arg, "step=forecasts");
}

/* The forecasts from the whole history: tm-inventory's forecast job run
 * now and waited for (tm_call_job: its scheduled run may have begun while
 * the history was still arriving, and does not count). It refreshes the
 * levels whose forecast is due a batch a run, so it is run until a run
 * finds nothing due (rows 0). */
static enum tm_code
refresh_forecasts(struct seed *sd, struct tm_err *err)
{
    int64_t t0 = tm_mono_ms(), next = t0 + PROGRESS_MS, id = 0, rows = 0, runs = 0;
    const struct tm_call_job_wait w = {FORECAST_POST_MS, FORECAST_START_MS, FORECAST_WAIT_MS,
                                       forecast_progress, &next};
    int ok = 0;
    enum tm_code rc;

    do {
        rc = tm_call_job(sd->inventory, "tm-txn-seed", "/api/v1/jobs", FORECAST_JOB, &w, &id, &ok,
                         &rows, err);
        runs++;
    } while (rc == TM_OK && ok && rows > 0);
    if (rc != TM_OK)
        return rc;
    tm_log_info(NULL, "seed.forecasts", "runs=%" PRId64 " last=%" PRId64 " outcome=%s ms=%" PRId64,
                runs, id, ok ? "ok" : "failed", tm_mono_ms() - t0);
    return ok ? TM_OK
              : tm_err_set(err, TM_INTERNAL, NULL,
                           "forecast refresh run %" PRId64 " failed: see tm-inventory's log", id);
}

/* ------------------------------------------------------------ catalogue */

/* Waits until tm-txn's copy of the catalogue holds every store and product
 * (it follows tm-inventory's events), then reads it. */
static enum tm_code
load_catalogue(PGconn *db, struct seed *sd, struct tm_err *err)
{
    int64_t missing = 1, *p = NULL, next = tm_mono_ms() + PROGRESS_MS;
    int np = 0;
    enum tm_code rc = TM_OK;

    for (int i = 0; i < 1200 && rc == TM_OK && missing > 0; i++)
        if ((rc = tx_db_copy_behind(db, &missing, err)) == TM_OK && missing > 0) {
            progress(&next, "step=catalogue_copy missing=%" PRId64, missing);
            tm_sleep_ms(100);
        }
    if (rc == TM_OK && missing > 0)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "tm-txn's catalogue copy lacks %" PRId64 " rows",
                        missing);
    if (rc == TM_OK)
        rc = tx_db_sellable(db, &sd->store_ids, &sd->n_stores, &p, &np, err);
    if (rc == TM_OK && (sd->n_stores == 0 || np == 0))
        rc = tm_err_set(err, TM_NOTFOUND, NULL, "no stores or products to sell");
    if (rc != TM_OK) {
        free(p);
        return rc;
    }
    sd->items = tm_xcalloc((size_t)np, sizeof *sd->items);
    sd->cum = tm_xcalloc((size_t)np, sizeof *sd->cum);
    sd->n_items = np;
    for (int i = 0; i < np; i++) {
        sd->items[i].id = p[2 * i];
        sd->items[i].price_cents = p[2 * i + 1];
    }
    free(p);
    gen_weights((uint64_t)sd->cfg->seed, sd->items, np);
    return TM_OK;
}

static enum tm_code
run(PGconn *db, struct seed *sd, struct tm_err *err)
{
    static const char *const tiers[] = {"none",   "none", "bronze",  "bronze",
                                        "silver", "gold", "platinum"};
    const struct seed_cfg *cfg = sd->cfg;
    struct gen_cfg g = {(uint64_t)cfg->seed, cfg->days, cfg->customers, 0, 0, 0.01};
    int64_t posted = 0, failed = 0, reviewed, t0 = tm_mono_ms(), next = t0 + PROGRESS_MS;
    enum tm_code rc;

    if ((rc = load_catalogue(db, sd, err)) != TM_OK)
        return rc;
    sd->customer_ids = tm_xcalloc((size_t)cfg->customers, sizeof *sd->customer_ids);
    for (int i = 0; i < cfg->customers; i++) {
        char name[64];
        progress(&next, "step=customers done=%d total=%d", i, cfg->customers);
        snprintf(name, sizeof name, "Sample Customer %d", i + 1);
        /* home stores as the generator assigns them are not known here:
         * spread them round the stores */
        if ((rc = create_customer(sd, name, i % sd->n_stores, tiers[i % 7], &sd->customer_ids[i],
                                  err)) != TM_OK)
            return rc;
    }
    g.stores = sd->n_stores;
    g.end_s = tm_now_ms() / 1000 / 86400 * 86400; /* the history ends yesterday */
    sd->rng.s = (uint64_t)cfg->seed * 31 + 7;
    sd->cum_day = -1;
    sd->next_progress_ms = tm_mono_ms() + PROGRESS_MS;
    gen_sales(&g, emit, sd);
    if (sd->failed)
        return tm_err_set(err, TM_INTERNAL, NULL, "building the history failed");
    tm_log_info(NULL, "seed.built", "sales=%" PRId64 " days=%d customers=%d new_accounts=%" PRId64,
                sd->n_jobs, cfg->days, cfg->customers, sd->n_new);
    post_all(sd, &posted, &failed);
    reviewed = review(sd, g.end_s - 86400); /* the last day's flags wait */
    tm_log_info(NULL, "seed.done",
                "sales=%" PRId64 " failed=%" PRId64 " reviewed=%" PRId64 " ms=%" PRId64, posted,
                failed, reviewed, tm_mono_ms() - t0);
    if (failed > 0)
        return tm_err_set(err, TM_INTERNAL, NULL, "%" PRId64 " sample sales failed", failed);
    return cfg->forecasts ? refresh_forecasts(sd, err) : TM_OK;
}

int
main(int argc, char **argv)
{
    static struct seed_cfg cfg;
    static struct seed sd;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {seed_opts, sizeof seed_opts / sizeof seed_opts[0], &cfg},
    };
    struct tm_err err;
    int64_t have = 0;
    int status;
    PGconn *db;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-txn-seed",
                              "Posts the sample sales history through tm-txn once.")) >= 0)
        return status;
    status = 1;
    sd.cfg = &cfg;
    db = PQconnectdb(cfg.db_url);
    if (PQstatus(db) != CONNECTION_OK) {
        tm_log_error(NULL, "seed", "error=\"cannot connect: %s\"", PQerrorMessage(db));
        goto out;
    }
    if (tx_db_sales_count(db, &have, &err) != TM_OK)
        goto fail;
    if (have > 0 || cfg.days == 0) {
        tm_log_info(NULL, "seed.skip", "sales=%" PRId64 " days=%d", have, cfg.days);
        status = 0;
        goto out;
    }
    if (tm_bus_client_new("txn", cfg.txn_endpoints, 64, &sd.txn, &err) != TM_OK ||
        tm_bus_client_new("inventory", cfg.inventory_endpoints, 64, &sd.inventory, &err) != TM_OK ||
        run(db, &sd, &err) != TM_OK)
        goto fail;
    status = 0;
    goto out;
fail:
    tm_log_error(NULL, "seed", "error=\"%s\"", err.message);
out:
    free(sd.store_ids);
    free(sd.items);
    free(sd.cum);
    free(sd.customer_ids);
    free(sd.jobs);
    tm_bus_client_free(sd.txn);
    tm_bus_client_free(sd.inventory);
    PQfinish(db);
    return status;
}
