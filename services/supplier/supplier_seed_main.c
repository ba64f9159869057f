/* services/supplier/supplier_seed_main.c — tm-supplier-seed: the sample
 * suppliers of `make up`. Three suppliers with overlapping offers for the
 * sample catalogue (different price breaks, lead times and reliability),
 * created through tm-supplier's own API over the bus like a buyer would;
 * a history of received purchase orders over the sample period, with lead
 * times and fill drawn per supplier, so measured performance exists on the
 * first screen (written straight to the supplier schema: the stock they
 * brought is already in tm-inventory's sample); each API supplier's price
 * list loaded into its tm-supplier-mock (PUT /admin/catalogue); and a few
 * open purchase orders sent through the API, so incoming stock shows; last,
 * tm-inventory's reorder-scan job once, so reorder suggestions show.
 * Does nothing when it has made purchase orders before; a run that stopped
 * before them is finished by the next (suppliers found by code, offers
 * already there kept). */
#define _XOPEN_SOURCE 700 /* erand48: a seeded generator of its own */
#include <curl/curl.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/call.h"
#include "common/config.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"

#include "services/supplier/po_store.h"

#define PRODUCTS_MAX 2000
#define STORES_MAX 64
#define WHO "tm-supplier-seed"

struct seed_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    char supplier_endpoints[1024];
    char inventory_endpoints[1024];
    char apis[1024];         /* mock base URLs, comma-separated, by supplier */
    char api_key[128];       /* the mocks' bearer key */
    char catalogue_dir[512]; /* where each mock's price list is kept too */
    int days, products, seed;
};

#define F(field) offsetof(struct seed_cfg, field)
#define S(field) sizeof(((struct seed_cfg *)0)->field)
static const struct tm_cfg_opt seed_opts[] = {
    {"db-url", "TM_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0, "postgresql:///techmart", 1,
     "PostgreSQL connection string (the purchase-order history)"},
    {"supplier-endpoints", "TM_SUPPLIER_ENDPOINTS", TM_CFG_STR, F(supplier_endpoints),
     S(supplier_endpoints), 0, 0, "ipc:///tmp/techmart-supplier.ipc", 1,
     "tm-supplier instances, comma-separated"},
    {"inventory-endpoints", "TM_INVENTORY_ENDPOINTS", TM_CFG_STR, F(inventory_endpoints),
     S(inventory_endpoints), 0, 0, "ipc:///tmp/techmart-inventory.ipc", 1,
     "tm-inventory instances, comma-separated (the catalogue and stores)"},
    {"supplier-apis", "TM_SEED_SUPPLIER_APIS", TM_CFG_STR, F(apis), S(apis), 0, 0, "", 0,
     "base URLs of tm-supplier-mock instances, one per API supplier (comma-separated)"},
    {"supplier-api-key", "TM_SEED_SUPPLIER_API_KEY", TM_CFG_STR, F(api_key), S(api_key), 0, 0,
     "sample-supplier-key", 1, "the bearer key the mocks expect"},
    {"catalogue-dir", "TM_SEED_CATALOGUE_DIR", TM_CFG_STR, F(catalogue_dir), S(catalogue_dir), 0, 0,
     "", 0, "a folder to keep each mock's price list in as <CODE>.json (its --catalogue)"},
    {"history-days", "TM_SEED_HISTORY_DAYS", TM_CFG_INT, F(days), 0, 0, 400, "90", 0,
     "days of purchase-order history, ending today"},
    {"products", "TM_SEED_SUPPLIER_PRODUCTS", TM_CFG_INT, F(products), 0, 1, PRODUCTS_MAX, "300", 0,
     "sample products the suppliers offer (the first by id)"},
    {"seed", "TM_SEED", TM_CFG_INT, F(seed), 0, 0, 2147483647, "20261122", 0,
     "generator seed; the same seed makes the same suppliers and history"},
};
#undef F
#undef S

/* How a sample supplier prices and behaves. */
struct profile {
    const char *code, *name;
    double share;      /* of the products it offers */
    double price;      /* unit price = cost x price at the first break */
    double bulk_price; /* ... x bulk_price from bulk_from units */
    int bulk_from, moq, pack;
    int lead, lead_sd;         /* quoted */
    double real_lead, real_sd; /* drawn for the history */
    double fill;               /* chance a line arrives in full */
    int shipping, free_from;   /* cents */
    int preferred;
};

static const struct profile profiles[] = {
    {"ACME", "Acme Wholesale", 0.8, 1.00, 0.92, 24, 6, 6, 5, 1, 4.5, 1.5, 0.92, 2500, 40000, 1},
    {"SWIFT", "Swift Supply Co", 0.6, 1.08, 1.03, 48, 1, 1, 2, 0, 1.5, 0.4, 0.98, 1500, 25000, 0},
    {"BULK", "Bulk Direct", 0.5, 0.95, 0.85, 96, 24, 12, 9, 3, 10.0, 3.5, 0.80, 4000, 80000, 0},
};
#define N_PROFILES (int)(sizeof profiles / sizeof profiles[0])

struct product {
    int64_t id, cost;
    int offered[N_PROFILES];
};

struct seed {
    const struct seed_cfg *cfg;
    struct tm_bus_client *supplier, *inventory;
    struct product *p;
    int n_products;
    int64_t stores[STORES_MAX];
    int n_stores;
    int64_t supplier_id[N_PROFILES];
    char api[N_PROFILES][256]; /* "" when the supplier has none */
    unsigned short rng[3];
};

static double
uniform(struct seed *sd)
{
    return erand48(sd->rng);
}

static double
normal(struct seed *sd, double mean, double sd_)
{
    double u = uniform(sd), v = uniform(sd);
    return mean + sd_ * sqrt(-2.0 * log(u > 1e-12 ? u : 1e-12)) * cos(6.283185307179586 * v);
}

static int64_t
num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* GETs route with up to two query parameters (a NULL key: none) into
 * *json; 200 expected. */
static enum tm_code
get(struct tm_bus_client *c, const char *route, const char *k1, const char *v1, const char *k2,
    const char *v2, cJSON **json, struct tm_err *err)
{
    struct tm_request req;
    int status = 0;
    enum tm_code rc;

    tm_call_request(&req, WHO, "GET", route, route, NULL, NULL);
    if (k1)
        req.query[req.n_query++] = (struct tm_kv){k1, v1};
    if (k2)
        req.query[req.n_query++] = (struct tm_kv){k2, v2};
    if ((rc = tm_call_json(c, &req, &status, json, err)) == TM_OK && status != 200)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "GET %s answered %d", route, status);
    return rc;
}

/* POSTs body (route's {id} is param when not NULL); *id from the reply
 * (201 or 200 expected). */
static enum tm_code
post(struct tm_bus_client *c, const char *route, const char *path, const char *param,
     const char *body, int64_t *id, struct tm_err *err)
{
    struct tm_request req;
    cJSON *json = NULL;
    int status = 0;
    enum tm_code rc;

    tm_call_request(&req, WHO, "POST", route, path, body, NULL);
    if (param)
        req.params[req.n_params++] = (struct tm_kv){"id", param};
    rc = tm_call_json(c, &req, &status, &json, err);
    if (rc == TM_OK && status == 409 && !id) /* there already: an earlier run's */
        status = 200;
    if (rc == TM_OK && status != 201 && status != 200 && status != 202) {
        const cJSON *e = cJSON_GetObjectItem(json, "error");
        const cJSON *m = cJSON_GetObjectItem(e, "message"), *f = cJSON_GetObjectItem(e, "field");
        rc = tm_err_set(err, TM_INTERNAL, NULL, "POST %s answered %d: %s (%s)", path, status,
                        cJSON_IsString(m) ? m->valuestring : "",
                        cJSON_IsString(f) ? f->valuestring : "");
    }
    if (rc == TM_OK && id)
        *id = num(json, "id");
    cJSON_Delete(json);
    return rc;
}

/* The first cfg->products products (id, unit cost) and the stores. */
static enum tm_code
load_catalogue(struct seed *sd, struct tm_err *err)
{
    char cursor[64] = "";
    enum tm_code rc = TM_OK;
    cJSON *json = NULL;
    const cJSON *it, *next;

    while (rc == TM_OK && sd->n_products < sd->cfg->products) {
        if ((rc = get(sd->inventory, "/api/v1/products", "limit", "200",
                      cursor[0] ? "cursor" : NULL, cursor, &json, err)) != TM_OK)
            break;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(json, "items"))
        {
            struct product *p = &sd->p[sd->n_products];
            if (sd->n_products >= sd->cfg->products)
                break;
            p->id = num(it, "id");
            p->cost = num(it, "unit_cost_cents") > 0 ? num(it, "unit_cost_cents") : 100;
            sd->n_products++;
        }
        next = cJSON_GetObjectItem(json, "next_cursor");
        cursor[0] = '\0';
        if (cJSON_IsString(next) && strlen(next->valuestring) < sizeof cursor)
            snprintf(cursor, sizeof cursor, "%s", next->valuestring);
        cJSON_Delete(json);
        json = NULL;
        if (!cursor[0])
            break;
    }
    if (rc == TM_OK && (rc = get(sd->inventory, "/api/v1/stores", "limit", "64", NULL, NULL, &json,
                                 err)) == TM_OK) {
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(json, "items"))
        {
            if (sd->n_stores < STORES_MAX)
                sd->stores[sd->n_stores++] = num(it, "id");
        }
        cJSON_Delete(json);
    }
    if (rc == TM_OK && (sd->n_products == 0 || sd->n_stores == 0))
        rc = tm_err_set(err, TM_INTERNAL, NULL, "no sample catalogue: run tm-inventory-seed first");
    return rc;
}

static int64_t
cents(double v)
{
    return v < 1 ? 1 : (int64_t)llround(v);
}

/* The suppliers, through tm-supplier's API: the first ones get the mocks'
 * URLs (as many as there are), the rest have no API. */
static enum tm_code
create_suppliers(struct seed *sd, struct tm_err *err)
{
    char apis[sizeof sd->cfg->apis], *save = NULL, *url;
    char body[1024], extra[512];
    enum tm_code rc = TM_OK;

    snprintf(apis, sizeof apis, "%s", sd->cfg->apis);
    url = strtok_r(apis, ",", &save);
    for (int i = 0; i < N_PROFILES && rc == TM_OK; i++) {
        const struct profile *f = &profiles[i];
        extra[0] = '\0';
        if (url) {
            snprintf(sd->api[i], sizeof sd->api[i], "%s", url);
            snprintf(extra, sizeof extra, ",\"api_url\":\"%s\",\"api_key\":\"%s\"", url,
                     sd->cfg->api_key);
            url = strtok_r(NULL, ",", &save);
        }
        if (sd->supplier_id[i] > 0) /* made by an earlier run that stopped half-way */
            continue;
        snprintf(body, sizeof body,
                 "{\"code\":\"%s\",\"name\":\"%s\",\"currency\":\"USD\",\"contact\":\"orders@%s."
                 "example\",\"preferred\":%s%s}",
                 f->code, f->name, f->code, f->preferred ? "true" : "false", extra);
        rc = post(sd->supplier, "/api/v1/suppliers", "/api/v1/suppliers", NULL, body,
                  &sd->supplier_id[i], err);
    }
    return rc;
}

static enum tm_code
create_offers(struct seed *sd, struct tm_err *err)
{
    char body[1024], path[96], sid[24];
    enum tm_code rc = TM_OK;

    for (int k = 0; k < sd->n_products && rc == TM_OK; k++) {
        struct product *p = &sd->p[k];
        int any = 0;
        for (int i = 0; i < N_PROFILES; i++)
            any |= p->offered[i] = uniform(sd) < profiles[i].share;
        if (!any) /* every sample product has at least one supplier */
            p->offered[k % N_PROFILES] = 1;
        for (int i = 0; i < N_PROFILES && rc == TM_OK; i++) {
            const struct profile *f = &profiles[i];
            if (!p->offered[i])
                continue;
            snprintf(sid, sizeof sid, "%" PRId64, sd->supplier_id[i]);
            snprintf(path, sizeof path, "/api/v1/suppliers/%s/offers", sid);
            snprintf(body, sizeof body,
                     "{\"product_id\":%" PRId64 ",\"price_breaks\":[{\"min_quantity\":1,"
                     "\"unit_price_cents\":%" PRId64 "},{\"min_quantity\":%d,"
                     "\"unit_price_cents\":%" PRId64 "}],\"moq\":%d,\"pack_size\":%d,"
                     "\"lead_time_days\":%d,\"lead_time_spread_days\":%d,"
                     "\"shipping_cost_cents\":%d,\"free_shipping_threshold_cents\":%d}",
                     p->id, cents((double)p->cost * f->price), f->bulk_from,
                     cents((double)p->cost * f->bulk_price), f->moq, f->pack, f->lead, f->lead_sd,
                     f->shipping, f->free_from);
            rc = post(sd->supplier, "/api/v1/suppliers/{id}/offers", path, sid, body, NULL, err);
        }
    }
    return rc;
}

/* A quantity the offer takes: a pack multiple of at least its moq. */
static int64_t
order_qty(struct seed *sd, const struct profile *f)
{
    int64_t packs = 1 + (int64_t)(uniform(sd) * 8), least = (f->moq + f->pack - 1) / f->pack;

    return (packs > least ? packs : least) * f->pack;
}

/* About one received PO a week per supplier over the history. */
static enum tm_code
history(struct seed *sd, PGconn *db, struct tm_err *err)
{
    int64_t now = (int64_t)time(NULL), from = now - (int64_t)sd->cfg->days * 86400;
    struct sup_po_history h;
    char key[SUP_PO_KEY_MAX + 1], hex[25];
    enum tm_code rc = TM_OK;
    int n = 0;

    for (int i = 0; i < N_PROFILES && rc == TM_OK; i++) {
        const struct profile *f = &profiles[i];
        for (int64_t t = from + (int64_t)(uniform(sd) * 86400 * 3); rc == TM_OK;
             t += 86400 * (5 + (int64_t)(uniform(sd) * 4))) {
            double lead = normal(sd, f->real_lead, f->real_sd);
            memset(&h, 0, sizeof h);
            h.supplier_id = sd->supplier_id[i];
            h.store_id = sd->stores[(int)(uniform(sd) * sd->n_stores) % sd->n_stores];
            h.sent_s = t;
            h.received_s = t + (int64_t)((lead < 0.3 ? 0.3 : lead) * 86400);
            if (h.received_s > now - 3600)
                break; /* still open: not history */
            for (int tries = 0; tries < 40 && h.n < 3 + (int)(uniform(sd) * 6); tries++) {
                const struct product *p = &sd->p[(int)(uniform(sd) * sd->n_products)];
                int dup = 0;
                if (!p->offered[i])
                    continue;
                for (int j = 0; j < h.n; j++)
                    dup |= h.lines[j].product_id == p->id;
                if (dup)
                    continue;
                h.lines[h.n].product_id = p->id;
                h.lines[h.n].quantity = order_qty(sd, f);
                h.lines[h.n].received =
                    uniform(sd) < f->fill
                        ? h.lines[h.n].quantity
                        : (int64_t)((double)h.lines[h.n].quantity * (0.5 + 0.4 * uniform(sd)));
                h.lines[h.n].unit_price_cents = cents((double)p->cost * f->price);
                h.lines[h.n].lead_days = f->lead;
                h.n++;
            }
            if (h.n == 0)
                continue;
            if (tm_random_hex(12, hex, sizeof hex) != TM_OK)
                return tm_err_set(err, TM_INTERNAL, NULL, "no random bytes");
            snprintf(key, sizeof key, "tm-po-%s", hex);
            rc = sup_db_po_history(db, &h, "USD", key, err);
            n++;
        }
    }
    tm_log_info(NULL, "seed.history", "purchase_orders=%d days=%d", n, sd->cfg->days);
    return rc;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* Loads supplier i's price list (its offers, with what it has to ship) into
 * its mock: PUT <api>/admin/catalogue. */
static enum tm_code
push_catalogue(struct seed *sd, int i, struct tm_err *err)
{
    const struct profile *f = &profiles[i];
    char url[320], auth[200];
    struct tm_buf b;
    struct curl_slist *h = NULL;
    long status = 0;
    CURL *c;
    enum tm_code rc;

    tm_buf_init(&b, 8 << 20);
    rc = tm_buf_adds(&b, "{\"items\":[");
    for (int k = 0, first = 1; k < sd->n_products && rc == TM_OK; k++) {
        const struct product *p = &sd->p[k];
        if (!p->offered[i])
            continue;
        /* most items in stock, some short, a few out */
        double u = uniform(sd);
        int64_t avail = u < 0.08  ? 0
                        : u < 0.2 ? 10 + (int64_t)(uniform(sd) * 30)
                                  : 200 + (int64_t)(uniform(sd) * 800);
        rc = tm_buf_printf(&b,
                           "%s{\"sku\":\"%" PRId64 "\",\"name\":\"product %" PRId64 "\","
                           "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":%" PRId64
                           "},{\"min_quantity\":%d,\"unit_price_cents\":%" PRId64 "}],"
                           "\"available\":%" PRId64 ",\"lead_time_days\":%d}",
                           first ? "" : ",", p->id, p->id, cents((double)p->cost * f->price),
                           f->bulk_from, cents((double)p->cost * f->bulk_price), avail, f->lead);
        first = 0;
    }
    if (rc == TM_OK)
        rc = tm_buf_adds(&b, "]}");
    if (rc != TM_OK) {
        tm_buf_fini(&b);
        return tm_err_set(err, TM_TOOBIG, NULL, "catalogue too large");
    }
    if (sd->cfg->catalogue_dir[0]) { /* a restarted mock loads it again */
        char file[640];
        FILE *out;
        snprintf(file, sizeof file, "%s/%s.json", sd->cfg->catalogue_dir, f->code);
        if (!(out = fopen(file, "w")) || fwrite(b.p, 1, b.len, out) != b.len) {
            if (out)
                fclose(out);
            tm_buf_fini(&b);
            return tm_err_set(err, TM_INTERNAL, NULL, "cannot write %s", file);
        }
        if (fclose(out) != 0) {
            tm_buf_fini(&b);
            return tm_err_set(err, TM_INTERNAL, NULL, "cannot write %s", file);
        }
    }
    snprintf(url, sizeof url, "%s/admin/catalogue", sd->api[i]);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", sd->cfg->api_key);
    if (!(c = curl_easy_init())) {
        tm_buf_fini(&b);
        return tm_err_set(err, TM_INTERNAL, NULL, "curl_easy_init failed");
    }
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.p);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)b.len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    if (curl_easy_perform(c) != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "loading %s's catalogue into %s: status %ld",
                        f->code, url, status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    tm_buf_fini(&b);
    return rc;
}

/* Two open POs per API supplier, sent through tm-supplier to its mock:
 * incoming stock at the first stores. */
static enum tm_code
open_orders(struct seed *sd, struct tm_err *err)
{
    char body[2048], path[96], pid[24];
    enum tm_code rc = TM_OK;
    int64_t id = 0;
    int n = 0;

    for (int i = 0; i < N_PROFILES && rc == TM_OK; i++) {
        if (!sd->api[i][0])
            continue;
        for (int s = 0; s < 2 && s < sd->n_stores && rc == TM_OK; s++) {
            int len = snprintf(body, sizeof body,
                               "{\"supplier_id\":%" PRId64 ",\"store_id\":%" PRId64
                               ",\"reference\":\"SAMPLE-%s-%d\",\"lines\":[",
                               sd->supplier_id[i], sd->stores[s], profiles[i].code, s + 1);
            for (int k = 0, lines = 0; k < sd->n_products && lines < 3; k++) {
                const struct product *p = &sd->p[(k + s * 13 + i * 5) % sd->n_products];
                if (!p->offered[i])
                    continue;
                len += snprintf(body + len, sizeof body - (size_t)len,
                                "%s{\"product_id\":%" PRId64 ",\"quantity\":%" PRId64 "}",
                                lines ? "," : "", p->id, order_qty(sd, &profiles[i]));
                lines++;
            }
            snprintf(body + len, sizeof body - (size_t)len, "]}");
            if ((rc = post(sd->supplier, "/api/v1/purchase-orders", "/api/v1/purchase-orders", NULL,
                           body, &id, err)) != TM_OK)
                break;
            snprintf(pid, sizeof pid, "%" PRId64, id);
            snprintf(path, sizeof path, "/api/v1/purchase-orders/%s/send", pid);
            rc =
                post(sd->supplier, "/api/v1/purchase-orders/{id}/send", path, pid, NULL, NULL, err);
            n++;
        }
    }
    tm_log_info(NULL, "seed.open_orders", "purchase_orders=%d", n);
    return rc;
}

/* The sample suppliers an earlier run made (by code): their ids. */
static enum tm_code
known_suppliers(struct seed *sd, struct tm_err *err)
{
    cJSON *json = NULL;
    const cJSON *it;
    enum tm_code rc =
        get(sd->supplier, "/api/v1/suppliers", "limit", "200", NULL, NULL, &json, err);

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(json, "items"))
    {
        const cJSON *code = cJSON_GetObjectItem(it, "code");
        for (int i = 0; i < N_PROFILES && cJSON_IsString(code); i++)
            if (strcmp(code->valuestring, profiles[i].code) == 0)
                sd->supplier_id[i] = num(it, "id");
    }
    cJSON_Delete(json);
    return rc;
}

static enum tm_code
run(struct seed *sd, PGconn *db, struct tm_err *err)
{
    enum tm_code rc;

    if ((rc = load_catalogue(sd, err)) != TM_OK || (rc = known_suppliers(sd, err)) != TM_OK ||
        (rc = create_suppliers(sd, err)) != TM_OK || (rc = create_offers(sd, err)) != TM_OK)
        return rc;
    for (int i = 0; i < N_PROFILES && rc == TM_OK; i++)
        if (sd->api[i][0])
            rc = push_catalogue(sd, i, err);
    if (rc == TM_OK)
        rc = open_orders(sd, err);
    /* POs last: their presence is what says the seed is done */
    return rc == TM_OK ? history(sd, db, err) : rc;
}

/* tm-inventory's reorder-scan run once now that suppliers, offers and
 * open orders exist, and waited for, so the sample has reorder suggestions
 * (its scheduled run came before them). */
static enum tm_code
reorder_scan(struct seed *sd, struct tm_err *err)
{
    const struct tm_call_job_wait w = {5000, 30000, 1800 * 1000LL, NULL, NULL};
    int64_t id = 0;
    int ok = 0;
    enum tm_code rc =
        tm_call_job(sd->inventory, WHO, "/api/v1/jobs", "reorder-scan", &w, &id, &ok, err);

    if (rc == TM_OK && !ok)
        rc = tm_err_set(err, TM_INTERNAL, NULL,
                        "reorder-scan run %" PRId64 " failed: see tm-inventory's log", id);
    if (rc == TM_OK)
        tm_log_info(NULL, "seed.reorder_scan", "run=%" PRId64, id);
    return rc;
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
    struct tm_err err = {0};
    int64_t seeded = 0;
    int status;
    PGconn *db = NULL;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-supplier-seed",
                              "Creates the sample suppliers, their offers and purchase-order "
                              "history once.")) >= 0)
        return status;
    status = 1;
    sd.cfg = &cfg;
    sd.rng[0] = (unsigned short)cfg.seed;
    sd.rng[1] = (unsigned short)(cfg.seed >> 16);
    sd.rng[2] = 0x5eed;
    sd.p = tm_xcalloc(PRODUCTS_MAX, sizeof *sd.p);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    db = PQconnectdb(cfg.db_url);
    if (PQstatus(db) != CONNECTION_OK) {
        tm_log_error(NULL, "seed", "error=\"cannot connect: %s\"", PQerrorMessage(db));
        goto out;
    }
    if (tm_bus_client_new("supplier", cfg.supplier_endpoints, 16, &sd.supplier, &err) != TM_OK ||
        tm_bus_client_new("inventory", cfg.inventory_endpoints, 16, &sd.inventory, &err) != TM_OK ||
        sup_db_po_history_count(db, WHO, &seeded, &err) != TM_OK)
        goto fail;
    if (seeded > 0) {
        tm_log_info(NULL, "seed.skip", "reason=purchase_orders_exist purchase_orders=%" PRId64,
                    seeded);
        status = 0;
        goto out;
    }
    if (run(&sd, db, &err) != TM_OK || reorder_scan(&sd, &err) != TM_OK)
        goto fail;
    tm_log_info(NULL, "seed.done", "suppliers=%d products=%d", N_PROFILES, sd.n_products);
    status = 0;
    goto out;
fail:
    tm_log_error(NULL, "seed", "error=\"%s\"", err.message);
out:
    tm_bus_client_free(sd.supplier);
    tm_bus_client_free(sd.inventory);
    PQfinish(db);
    curl_global_cleanup();
    free(sd.p);
    return status;
}
