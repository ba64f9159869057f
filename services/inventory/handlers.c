/* services/inventory/handlers.c — translates catalogue requests: one decode
 * function per body type (strict: unknown fields and wrong types are 400s
 * naming the field), one encode function per resource, and handlers that
 * only glue them to catalog.c rules and store.c SQL. cJSON never leaves
 * this file. */
#include "services/inventory/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/topic.h"

#include "services/inventory/app.h"
#include "services/inventory/calendar_handlers.h"
#include "services/inventory/catalog.h"
#include "services/inventory/forecast_handlers.h"
#include "services/inventory/holidays.h"
#include "services/inventory/reorder_handlers.h"
#include "services/inventory/stock_handlers.h"
#include "services/inventory/store.h"

/* ---------------------------------------------------------------- decode */

/* Field decoders: record the field in *set when present. Explicit null is
 * refused (PATCH would otherwise be ambiguous). */
static enum tm_code
opt_str(const cJSON *o, const char *name, size_t min, size_t max, char *out, size_t size,
        unsigned bit, unsigned *set, struct tm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    enum tm_code rc;

    if (!it)
        return TM_OK;
    if (cJSON_IsNull(it))
        return tm_err_set(err, TM_INVALID, name, "%s cannot be null", name);
    if ((rc = tm_json_as_str(it, name, min, max, out, size, err)) == TM_OK)
        *set |= bit;
    return rc;
}

/* An optional member that must be one of accepted (NULL-terminated). */
static enum tm_code
opt_enum(const cJSON *o, const char *name, const char *const *accepted, char *out, size_t size,
         unsigned bit, unsigned *set, struct tm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    enum tm_code rc;
    int i;

    if (!it)
        return TM_OK;
    if (cJSON_IsNull(it))
        return tm_err_set(err, TM_INVALID, name, "%s cannot be null", name);
    if ((rc = tm_json_as_enum(it, name, accepted, &i, err)) == TM_OK) {
        snprintf(out, size, "%s", accepted[i]);
        *set |= bit;
    }
    return rc;
}

static enum tm_code
opt_i64(const cJSON *o, const char *name, int64_t min, int64_t max, int64_t *out, unsigned bit,
        unsigned *set, struct tm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    enum tm_code rc;

    if (!it)
        return TM_OK;
    if (cJSON_IsNull(it))
        return tm_err_set(err, TM_INVALID, name, "%s cannot be null", name);
    if ((rc = tm_json_as_i64(it, name, min, max, out, err)) == TM_OK)
        *set |= bit;
    return rc;
}

static enum tm_code
opt_bool(const cJSON *o, const char *name, int *out, unsigned bit, unsigned *set,
         struct tm_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    enum tm_code rc;

    if (!it)
        return TM_OK;
    if ((rc = tm_json_as_bool(it, name, out, err)) == TM_OK)
        *set |= bit;
    return rc;
}

/* All of `required` must be in set: otherwise the first missing one is named. */
static enum tm_code
need(unsigned set, unsigned required, const unsigned *bits, const char *const *names, size_t n,
     struct tm_err *err)
{
    for (size_t i = 0; i < n; i++)
        if ((required & bits[i]) && !(set & bits[i]))
            return tm_err_set(err, TM_INVALID, names[i], "%s is required", names[i]);
    return TM_OK;
}

static enum tm_code
decode_product(const cJSON *o, int create, struct inv_product *p, unsigned *set, struct tm_err *err)
{
    static const char *const names[] = {"sku",
                                        "name",
                                        "category_id",
                                        "unit_price_cents",
                                        "unit_cost_cents",
                                        "unit_of_measure",
                                        "pack_size",
                                        "active"};
    static const unsigned bits[] = {INV_F_SKU,  INV_F_NAME, INV_F_CATEGORY, INV_F_PRICE,
                                    INV_F_COST, INV_F_UOM,  INV_F_PACK,     INV_F_ACTIVE};
    enum tm_code rc;

    memset(p, 0, sizeof *p);
    *set = 0;
    snprintf(p->unit_of_measure, sizeof p->unit_of_measure, "each");
    p->pack_size = 1;
    p->active = 1;
    if ((rc = tm_json_only(o, names, 8, err)) != TM_OK ||
        (rc = opt_str(o, "sku", 1, INV_SKU_MAX, p->sku, sizeof p->sku, INV_F_SKU, set, err)) ||
        (rc = opt_str(o, "name", 1, INV_NAME_MAX, p->name, sizeof p->name, INV_F_NAME, set, err)) ||
        (rc = opt_i64(o, "category_id", 1, INT64_MAX, &p->category_id, INV_F_CATEGORY, set, err)) ||
        (rc = opt_i64(o, "unit_price_cents", 0, INV_PRICE_MAX_CENTS, &p->unit_price_cents,
                      INV_F_PRICE, set, err)) ||
        (rc = opt_i64(o, "unit_cost_cents", 0, INV_PRICE_MAX_CENTS, &p->unit_cost_cents, INV_F_COST,
                      set, err)) ||
        (rc = opt_enum(o, "unit_of_measure", inv_units, p->unit_of_measure,
                       sizeof p->unit_of_measure, INV_F_UOM, set, err)) ||
        (rc = opt_i64(o, "pack_size", 1, INV_PACK_SIZE_MAX, &p->pack_size, INV_F_PACK, set, err)) ||
        (rc = opt_bool(o, "active", &p->active, INV_F_ACTIVE, set, err)))
        return rc;
    if (create &&
        (rc = need(*set, INV_F_SKU | INV_F_NAME | INV_F_CATEGORY | INV_F_PRICE | INV_F_COST, bits,
                   names, 8, err)) != TM_OK)
        return rc;
    if (!create && *set == 0)
        return tm_err_set(err, TM_INVALID, "body", "nothing to update");
    return inv_product_validate(p, create ? ~0u : *set, err);
}

static enum tm_code
decode_category(const cJSON *o, int create, struct inv_category *c, unsigned *set,
                struct tm_err *err)
{
    static const char *const names[] = {"name", "description", "parent_id", "active"};
    static const unsigned bits[] = {INV_F_NAME, INV_F_DESCRIPTION, INV_F_PARENT, INV_F_ACTIVE};
    const cJSON *parent = cJSON_GetObjectItemCaseSensitive(o, "parent_id");
    enum tm_code rc;

    memset(c, 0, sizeof *c);
    *set = 0;
    c->active = 1;
    if ((rc = tm_json_only(o, names, 4, err)) != TM_OK ||
        (rc = opt_str(o, "name", 1, INV_CATEGORY_NAME_MAX, c->name, sizeof c->name, INV_F_NAME, set,
                      err)) ||
        (rc = opt_str(o, "description", 0, INV_DESCRIPTION_MAX, c->description,
                      sizeof c->description, INV_F_DESCRIPTION, set, err)) ||
        (rc = opt_bool(o, "active", &c->active, INV_F_ACTIVE, set, err)))
        return rc;
    /* parent_id: null means "top level", so null is allowed here. */
    if (cJSON_IsNull(parent))
        *set |= INV_F_PARENT;
    else if ((rc = opt_i64(o, "parent_id", 1, INT64_MAX, &c->parent_id, INV_F_PARENT, set, err)) !=
             TM_OK)
        return rc;
    if (create && (rc = need(*set, INV_F_NAME, bits, names, 4, err)) != TM_OK)
        return rc;
    if (!create && *set == 0)
        return tm_err_set(err, TM_INVALID, "body", "nothing to update");
    return inv_category_validate(c, create ? ~0u : *set, err);
}

static enum tm_code
decode_store(const cJSON *o, int create, struct inv_store *s, unsigned *set, struct tm_err *err)
{
    static const char *const names[] = {"code",      "name",   "city",
                                        "time_zone", "active", "holiday_country"};
    static const unsigned bits[] = {INV_F_CODE, INV_F_NAME,   INV_F_CITY,
                                    INV_F_TZ,   INV_F_ACTIVE, INV_F_COUNTRY};
    enum tm_code rc;

    memset(s, 0, sizeof *s);
    *set = 0;
    s->active = 1;
    if ((rc = tm_json_only(o, names, 6, err)) != TM_OK ||
        (rc = opt_str(o, "code", 2, INV_STORE_CODE_MAX, s->code, sizeof s->code, INV_F_CODE, set,
                      err)) ||
        (rc = opt_str(o, "name", 1, INV_NAME_MAX, s->name, sizeof s->name, INV_F_NAME, set, err)) ||
        (rc = opt_str(o, "city", 1, INV_CITY_MAX, s->city, sizeof s->city, INV_F_CITY, set, err)) ||
        (rc = opt_str(o, "time_zone", 1, INV_TZ_MAX, s->time_zone, sizeof s->time_zone, INV_F_TZ,
                      set, err)) ||
        (rc = opt_str(o, "holiday_country", 0, INV_COUNTRY_MAX, s->holiday_country,
                      sizeof s->holiday_country, INV_F_COUNTRY, set, err)) ||
        (rc = opt_bool(o, "active", &s->active, INV_F_ACTIVE, set, err)))
        return rc;
    if (create &&
        (rc = need(*set, INV_F_CODE | INV_F_NAME | INV_F_CITY | INV_F_TZ, bits, names, 6, err)))
        return rc;
    if (!create && *set == 0)
        return tm_err_set(err, TM_INVALID, "body", "nothing to update");
    if ((rc = inv_store_validate(s, create ? ~0u : *set, err)) == TM_OK)
        /* one spelling stored: "GB" is "UK" */
        snprintf(s->holiday_country, sizeof s->holiday_country, "%s",
                 fc_country_code((enum fc_country)fc_country_from(s->holiday_country)));
    return rc;
}

/* ---------------------------------------------------------------- encode */

static enum tm_code
encode_category(struct tm_buf *b, const struct inv_category *c)
{
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)c->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "name", c->name, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "description", c->description, 0)) == TM_OK)
        rc = c->parent_id ? tm_json_kv_i64(b, "parent_id", c->parent_id)
                          : tm_buf_adds(b, ",\"parent_id\":null");
    if (rc == TM_OK && (rc = tm_json_kv_bool(b, "active", c->active)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", c->created_at, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "updated_at", c->updated_at, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
encode_product(struct tm_buf *b, const struct inv_product *p)
{
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)p->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "sku", p->sku, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "name", p->name, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "category_id", p->category_id)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "unit_price_cents", p->unit_price_cents)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "unit_cost_cents", p->unit_cost_cents)) == TM_OK &&
        (rc = tm_json_kv_str(b, "unit_of_measure", p->unit_of_measure, 0)) == TM_OK &&
        (rc = tm_json_kv_i64(b, "pack_size", p->pack_size)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "active", p->active)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", p->created_at, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "updated_at", p->updated_at, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
encode_store(struct tm_buf *b, const struct inv_store *s)
{
    enum tm_code rc = tm_buf_printf(b, "{\"id\":%lld", (long long)s->id);

    if (rc == TM_OK && (rc = tm_json_kv_str(b, "code", s->code, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "name", s->name, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "city", s->city, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "time_zone", s->time_zone, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "holiday_country", s->holiday_country, 0)) == TM_OK &&
        (rc = tm_json_kv_bool(b, "active", s->active)) == TM_OK &&
        (rc = tm_json_kv_str(b, "created_at", s->created_at, 0)) == TM_OK &&
        (rc = tm_json_kv_str(b, "updated_at", s->updated_at, 0)) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

/* ------------------------------------------------------------- resources */

/* One catalogue resource: its struct, codec and storage. The four generic
 * handlers below serve every resource through this table (the route's arg),
 * so list, create, get and update behave the same way everywhere. */
struct resource {
    size_t size;                    /* of its struct */
    int by_category;                /* lists take ?category_id= */
    enum tm_topic created, updated; /* its events (common/topic.h) */
    enum tm_code (*decode)(const cJSON *o, int create, void *out, unsigned *set,
                           struct tm_err *err);
    enum tm_code (*encode)(struct tm_buf *b, const void *item);
    int64_t (*id)(const void *item);
    enum tm_code (*create)(PGconn *db, void *item, struct tm_err *err);
    enum tm_code (*get)(PGconn *db, int64_t id, void *out, struct tm_err *err);
    enum tm_code (*update)(PGconn *db, int64_t id, const void *in, unsigned set, void *out,
                           struct tm_err *err);
    enum tm_code (*list)(PGconn *db, const struct inv_filter *f, const struct tm_page *pg,
                         void *out, int *n, struct tm_err *err);
};

/* Typed adapters from the table's void pointers to catalog.h and store.h. */
#define RESOURCE_ADAPTERS(name, type)                                                              \
    static enum tm_code name##_decode(const cJSON *o, int create, void *out, unsigned *set,        \
                                      struct tm_err *err)                                          \
    {                                                                                              \
        return decode_##name(o, create, (type *)out, set, err);                                    \
    }                                                                                              \
    static enum tm_code name##_encode(struct tm_buf *b, const void *item)                          \
    {                                                                                              \
        return encode_##name(b, (const type *)item);                                               \
    }                                                                                              \
    static int64_t name##_id(const void *item)                                                     \
    {                                                                                              \
        return ((const type *)item)->id;                                                           \
    }                                                                                              \
    static enum tm_code name##_create(PGconn *db, void *item, struct tm_err *err)                  \
    {                                                                                              \
        return inv_db_##name##_create(db, (type *)item, err);                                      \
    }                                                                                              \
    static enum tm_code name##_get(PGconn *db, int64_t id, void *out, struct tm_err *err)          \
    {                                                                                              \
        return inv_db_##name##_get(db, id, (type *)out, err);                                      \
    }                                                                                              \
    static enum tm_code name##_update(PGconn *db, int64_t id, const void *in, unsigned set,        \
                                      void *out, struct tm_err *err)                               \
    {                                                                                              \
        return inv_db_##name##_update(db, id, (const type *)in, set, (type *)out, err);            \
    }                                                                                              \
    static enum tm_code name##_list(PGconn *db, const struct inv_filter *f,                        \
                                    const struct tm_page *pg, void *out, int *n,                   \
                                    struct tm_err *err)                                            \
    {                                                                                              \
        return inv_db_##name##_list(db, f, pg, (type *)out, n, err);                               \
    }

RESOURCE_ADAPTERS(category, struct inv_category)
RESOURCE_ADAPTERS(product, struct inv_product)
RESOURCE_ADAPTERS(store, struct inv_store)

#define RESOURCE(name, type, by_category, created, updated)                                        \
    {                                                                                              \
        sizeof(type), by_category, created, updated, name##_decode, name##_encode, name##_id,      \
            name##_create, name##_get, name##_update, name##_list                                  \
    }

static const struct resource r_category = RESOURCE(
    category, struct inv_category, 0, TM_TOPIC_CATEGORY_CREATED, TM_TOPIC_CATEGORY_UPDATED);
static const struct resource r_product =
    RESOURCE(product, struct inv_product, 1, TM_TOPIC_PRODUCT_CREATED, TM_TOPIC_PRODUCT_UPDATED);
static const struct resource r_store =
    RESOURCE(store, struct inv_store, 0, TM_TOPIC_STORE_CREATED, TM_TOPIC_STORE_UPDATED);

static enum tm_code
encode_one(struct tm_reply *rep, int status, const struct resource *k, const void *item,
           struct tm_err *err)
{
    rep->status = status;
    if (k->encode(&rep->body, item) != TM_OK)
        return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    return TM_OK;
}

/* The change and its event commit together (the route's transaction); the
 * event's data is the resource as the reply shows it. */
static enum tm_code
changed(struct tm_ctx *ctx, struct tm_reply *rep, int status, const struct resource *k,
        enum tm_topic topic, const void *item, struct tm_err *err)
{
    enum tm_code rc = encode_one(rep, status, k, item, err);

    snprintf(rep->target, sizeof rep->target, "%lld", (long long)k->id(item));
    return rc == TM_OK ? tm_outbox_add(ctx->db, &inv_outbox, tm_topic_name(topic), rep->body.p, err)
                       : rc;
}

/* Reads the list filters: q, active, category_id where it applies, the page. */
static enum tm_code
list_args(struct tm_ctx *ctx, const struct resource *k, struct inv_filter *f, struct tm_page *pg,
          struct tm_err *err)
{
    enum tm_code rc;

    memset(f, 0, sizeof *f);
    if ((rc = tm_ctx_page(ctx, pg, err)) != TM_OK ||
        (rc = tm_ctx_query_str(ctx, "q", TM_SEARCH_MAX, &f->q, err)) != TM_OK ||
        (rc = tm_ctx_query_bool(ctx, "active", &f->active, err)) != TM_OK)
        return rc;
    if (k->by_category &&
        (rc = tm_ctx_query_int(ctx, "category_id", 1, INT64_MAX, 0, &f->category_id, err)) != TM_OK)
        return rc;
    if (f->q && !*f->q)
        f->q = NULL;
    return TM_OK;
}

/* ------------------------------------------------------------- handlers */

static enum tm_code
h_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct resource *k = ctx->arg;
    struct inv_filter f;
    struct tm_page pg;
    void *rows;
    int n = 0;
    enum tm_code rc;

    if ((rc = list_args(ctx, k, &f, &pg, err)) != TM_OK)
        return rc;
    rows = tm_xcalloc((size_t)pg.limit + 1, k->size);
    if ((rc = k->list(ctx->db, &f, &pg, rows, &n, err)) == TM_OK)
        rc = tm_reply_page(rep, rows, k->size, n, pg.limit, k->encode, k->id, err);
    free(rows);
    return rc;
}

static enum tm_code
h_create(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct resource *k = ctx->arg;
    void *item = tm_xcalloc(1, k->size);
    cJSON *body = NULL;
    unsigned set = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_body(ctx, &body, err)) == TM_OK &&
        (rc = k->decode(body, 1, item, &set, err)) == TM_OK &&
        (rc = k->create(ctx->db, item, err)) == TM_OK)
        rc = changed(ctx, rep, 201, k, k->created, item, err);
    cJSON_Delete(body);
    free(item);
    return rc;
}

static enum tm_code
h_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct resource *k = ctx->arg;
    void *item = tm_xcalloc(1, k->size);
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) == TM_OK &&
        (rc = k->get(ctx->db, id, item, err)) == TM_OK)
        rc = encode_one(rep, 200, k, item, err);
    free(item);
    return rc;
}

static enum tm_code
h_update(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const struct resource *k = ctx->arg;
    void *in = tm_xcalloc(1, k->size), *out = tm_xcalloc(1, k->size);
    cJSON *body = NULL;
    unsigned set = 0;
    int64_t id;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) == TM_OK &&
        (rc = tm_ctx_body(ctx, &body, err)) == TM_OK &&
        (rc = k->decode(body, 0, in, &set, err)) == TM_OK &&
        (rc = k->update(ctx->db, id, in, set, out, err)) == TM_OK)
        rc = changed(ctx, rep, 200, k, k->updated, out, err);
    cJSON_Delete(body);
    free(in);
    free(out);
    return rc;
}

enum tm_code
inv_event_created(PGconn *db, enum inv_kind kind, const void *item, struct tm_err *err)
{
    const struct resource *k = kind == INV_CATEGORY  ? &r_category
                               : kind == INV_PRODUCT ? &r_product
                                                     : &r_store;
    struct tm_buf b;
    enum tm_code rc;

    tm_buf_init(&b, 1 << 20);
    rc = k->encode(&b, item);
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &inv_outbox, tm_topic_name(k->created), b.p, err);
    else
        rc = tm_err_set(err, TM_TOOBIG, NULL, "event too large");
    tm_buf_fini(&b);
    return rc;
}

const struct tm_route inv_routes[] = {
    {"GET", "/api/v1/categories", h_list, TM_TX_READ, &r_category, TM_SCOPE_NONE},
    {"POST", "/api/v1/categories", h_create, TM_TX_WRITE, &r_category, TM_SCOPE_NONE},
    {"GET", "/api/v1/categories/{id}", h_get, TM_TX_READ, &r_category, TM_SCOPE_NONE},
    {"PATCH", "/api/v1/categories/{id}", h_update, TM_TX_WRITE, &r_category, TM_SCOPE_NONE},
    {"GET", "/api/v1/products", h_list, TM_TX_READ, &r_product, TM_SCOPE_NONE},
    {"POST", "/api/v1/products", h_create, TM_TX_WRITE, &r_product, TM_SCOPE_NONE},
    {"GET", "/api/v1/products/{id}", h_get, TM_TX_READ, &r_product, TM_SCOPE_NONE},
    {"PATCH", "/api/v1/products/{id}", h_update, TM_TX_WRITE, &r_product, TM_SCOPE_NONE},
    {"GET", "/api/v1/stores", h_list, TM_TX_READ, &r_store, TM_SCOPE_NONE},
    {"POST", "/api/v1/stores", h_create, TM_TX_WRITE, &r_store, TM_SCOPE_NONE},
    {"GET", "/api/v1/stores/{id}", h_get, TM_TX_READ, &r_store, TM_SCOPE_NONE},
    {"PATCH", "/api/v1/stores/{id}", h_update, TM_TX_WRITE, &r_store, TM_SCOPE_NONE},
    {"GET", "/api/v1/products/{id}/inventory", inv_h_levels_product, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/low-stock", inv_h_low_stock, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/stock-summary", inv_h_stock_summary, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/predictions/categories/{category_id}", inv_h_prediction_category,
     TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/predictions/{product_id}", inv_h_prediction_get, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"POST", "/api/v1/inventory/predictions/{product_id}/refresh", inv_h_prediction_refresh,
     TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/reorder-suggestions", inv_h_rs_list, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/reorder-suggestions/{id}", inv_h_rs_get, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    /* generate ends the router's transaction before it asks tm-supplier, and
     * approve keeps none open while it does (reorder_handlers.c) */
    {"POST", "/api/v1/inventory/generate-reorder-suggestion/{product_id}", inv_h_rs_generate,
     TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/inventory/reorder-suggestions/{id}/approve", inv_h_rs_approve, TM_TX_READ,
     NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/inventory/reorder-suggestions/{id}/reject", inv_h_rs_reject, TM_TX_WRITE,
     NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/calendar-events", inv_h_cal_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/calendar-events", inv_h_cal_create, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"DELETE", "/api/v1/calendar-events/{id}", inv_h_cal_delete, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/promotions", inv_h_promo_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/promotions", inv_h_promo_create, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/promotions/{id}", inv_h_promo_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/promotions/{id}/end", inv_h_promo_end, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/{store_id}", inv_h_levels_store, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/inventory/{store_id}/{product_id}", inv_h_level_get, TM_TX_READ, NULL,
     TM_SCOPE_STORES},
    {"PUT", "/api/v1/inventory/{store_id}/{product_id}", inv_h_level_put, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/stock-movements", inv_h_movements_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/stock-movements", inv_h_movement_create, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/transfers", inv_h_transfers_list, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/transfers", inv_h_transfer_create, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/transfers/{id}", inv_h_transfer_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/transfers/{id}/ship", inv_h_transfer_ship, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"POST", "/api/v1/transfers/{id}/receive", inv_h_transfer_receive, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"POST", "/api/v1/transfers/{id}/cancel", inv_h_transfer_cancel, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"POST", "/api/v1/reservations", inv_h_reservation_create, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/reservations/{id}", inv_h_reservation_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/reservations/{id}/release", inv_h_reservation_release, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"POST", "/api/v1/stock-commits", inv_h_commit_create, TM_TX_WRITE, NULL, TM_SCOPE_STORES},
    {"GET", "/api/v1/stock-commits/{sale_id}", inv_h_commit_get, TM_TX_READ, NULL, TM_SCOPE_STORES},
    {"POST", "/api/v1/stock-commits/{sale_id}/reverse", inv_h_commit_reverse, TM_TX_WRITE, NULL,
     TM_SCOPE_STORES},
    {"GET", "/api/v1/jobs", tm_jobs_h_list, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"POST", "/api/v1/jobs/{name}/run", tm_jobs_h_run, TM_TX_READ, NULL, TM_SCOPE_NONE},
    {"GET", "/api/v1/jobs/{name}/runs/{id}", tm_jobs_h_run_get, TM_TX_READ, NULL, TM_SCOPE_NONE},
};
const size_t inv_routes_n = sizeof inv_routes / sizeof inv_routes[0];
