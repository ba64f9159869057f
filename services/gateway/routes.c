/* services/gateway/routes.c — the route table and its matcher. Every API
 * request is matched once; tens of routes, so a linear scan comparing
 * segments in place is fast enough and needs no allocation. */
#include "services/gateway/routes.h"

#include <string.h>

#define INV GW_SVC_INVENTORY
#define GW GW_SVC_LOCAL
#define TXN GW_SVC_TXN
#define P(name) TM_PERM_##name
#define ANY GW_SCOPE_NONE

const struct gw_route gw_routes[] = {
    {"POST", "/api/v1/auth/login", GW, P(PUBLIC), ANY},
    {"POST", "/api/v1/auth/refresh", GW, P(PUBLIC), ANY},
    {"POST", "/api/v1/auth/logout", GW, P(SELF), ANY},
    {"GET", "/api/v1/auth/me", GW, P(SELF), ANY},
    {"GET", "/api/v1/users", GW, P(USER_ADMIN), ANY},
    {"POST", "/api/v1/users", GW, P(USER_ADMIN), ANY},
    {"GET", "/api/v1/users/{id}", GW, P(USER_ADMIN), ANY},
    {"PATCH", "/api/v1/users/{id}", GW, P(USER_ADMIN), ANY},
    {"GET", "/api/v1/api-keys", GW, P(USER_ADMIN), ANY},
    {"POST", "/api/v1/api-keys", GW, P(USER_ADMIN), ANY},
    {"PATCH", "/api/v1/api-keys/{id}", GW, P(USER_ADMIN), ANY},
    {"GET", "/api/v1/audit", GW, P(AUDIT_READ), ANY},
    {"GET", "/api/v1/audit/refusals", GW, P(AUDIT_READ), ANY},
    {"GET", "/api/v1/gateway/jobs", GW, P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/gateway/jobs/{name}/run", GW, P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/categories", INV, P(CATALOG_READ), ANY},
    {"POST", "/api/v1/categories", INV, P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/categories/{id}", INV, P(CATALOG_READ), ANY},
    {"PATCH", "/api/v1/categories/{id}", INV, P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/products", INV, P(CATALOG_READ), ANY},
    {"POST", "/api/v1/products", INV, P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/products/{id}", INV, P(CATALOG_READ), ANY},
    {"PATCH", "/api/v1/products/{id}", INV, P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/stores", INV, P(STORE_READ), ANY},
    {"POST", "/api/v1/stores", INV, P(STORE_ADMIN), ANY},
    {"GET", "/api/v1/stores/{id}", INV, P(STORE_READ), GW_SCOPE_STORE},
    {"PATCH", "/api/v1/stores/{id}", INV, P(STORE_WRITE), GW_SCOPE_STORE},
    {"GET", "/api/v1/products/{id}/inventory", INV, P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/low-stock", INV, P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/predictions/categories/{category_id}", INV, P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/predictions/{product_id}", INV, P(STOCK_READ), ANY},
    {"POST", "/api/v1/inventory/predictions/{product_id}/refresh", INV, P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/inventory/{store_id}", INV, P(STOCK_READ), GW_SCOPE_STORE},
    {"GET", "/api/v1/inventory/{store_id}/{product_id}", INV, P(STOCK_READ), GW_SCOPE_STORE},
    {"PUT", "/api/v1/inventory/{store_id}/{product_id}", INV, P(STOCK_WRITE), GW_SCOPE_STORE},
    {"GET", "/api/v1/stock-movements", INV, P(STOCK_READ), ANY},
    {"POST", "/api/v1/stock-movements", INV, P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/transfers", INV, P(STOCK_READ), ANY},
    {"POST", "/api/v1/transfers", INV, P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/transfers/{id}", INV, P(STOCK_READ), ANY},
    {"POST", "/api/v1/transfers/{id}/ship", INV, P(STOCK_WRITE), ANY},
    {"POST", "/api/v1/transfers/{id}/receive", INV, P(STOCK_WRITE), ANY},
    {"POST", "/api/v1/transfers/{id}/cancel", INV, P(STOCK_WRITE), ANY},
    {"POST", "/api/v1/reservations", INV, P(STOCK_RESERVE), ANY},
    {"GET", "/api/v1/reservations/{id}", INV, P(STOCK_READ), ANY},
    {"POST", "/api/v1/reservations/{id}/release", INV, P(STOCK_RESERVE), ANY},
    {"POST", "/api/v1/stock-commits", INV, P(STOCK_COMMIT), ANY},
    {"GET", "/api/v1/stock-commits/{sale_id}", INV, P(STOCK_READ), ANY},
    {"POST", "/api/v1/stock-commits/{sale_id}/reverse", INV, P(STOCK_COMMIT), ANY},
    {"GET", "/api/v1/customers", TXN, P(CUSTOMER_READ), ANY},
    {"POST", "/api/v1/customers", TXN, P(CUSTOMER_WRITE), ANY},
    {"GET", "/api/v1/customers/{id}", TXN, P(CUSTOMER_READ), ANY},
    {"GET", "/api/v1/transactions", TXN, P(TXN_READ), ANY},
    {"POST", "/api/v1/transactions", TXN, P(TXN_WRITE), ANY},
    {"GET", "/api/v1/transactions/suspicious", TXN, P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/transactions/{id}", TXN, P(TXN_READ), ANY},
    {"POST", "/api/v1/transactions/{id}/void", TXN, P(TXN_WRITE), ANY},
    {"POST", "/api/v1/transactions/{id}/review", TXN, P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/fraud/rules", TXN, P(FRAUD_REVIEW), ANY},
    {"POST", "/api/v1/fraud/rules", TXN, P(FRAUD_ADMIN), ANY},
    {"GET", "/api/v1/fraud/rules/versions", TXN, P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/fraud/rules/{version}", TXN, P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/fraud/stats", TXN, P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/txn/jobs", TXN, P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/txn/jobs/{name}/run", TXN, P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/analytics/catalogue-lag", GW_SVC_ANALYTICS, P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/jobs", INV, P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/jobs/{name}/run", INV, P(OPS_ADMIN), ANY},
};
const size_t gw_routes_n = sizeof gw_routes / sizeof gw_routes[0];

static const char *const service_names[GW_SVC_COUNT] = {"gateway", "inventory", "analytics", "txn"};

const char *
gw_service_name(enum gw_service svc)
{
    return (unsigned)svc < GW_SVC_COUNT ? service_names[svc] : "unknown";
}

/* Matches path against template t, collecting {name} segments. */
static int
match_one(const char *t, const char *path, struct tm_kv *params, int *n_params, char *store,
          size_t store_size)
{
    size_t used = 0;

    *n_params = 0;
    while (*t && *path) {
        if (*t == '{') {
            const char *tend = strchr(t, '}'), *pend = strchr(path, '/');
            size_t vlen = pend ? (size_t)(pend - path) : strlen(path);

            if (!tend || vlen == 0 || *n_params == TM_PARAMS_MAX || used + vlen + 1 > store_size)
                return 0;
            memcpy(store + used, path, vlen);
            store[used + vlen] = '\0';
            params[*n_params].key = NULL; /* names are filled in by the caller's template */
            params[*n_params].val = store + used;
            (*n_params)++;
            used += vlen + 1;
            t = tend + 1;
            path += vlen;
            continue;
        }
        if (*t != *path)
            return 0;
        t++;
        path++;
    }
    return *t == '\0' && *path == '\0';
}

/* Points params[i].key at a NUL-terminated copy, in names[size], of the
 * i-th "{name}" of template t. */
static void
name_params(const char *t, struct tm_kv *params, int n, char *names, size_t size)
{
    size_t used = 0;

    for (int i = 0; i < n && (t = strchr(t, '{')); i++) {
        const char *end = strchr(t, '}');
        size_t len = (size_t)(end - t - 1);

        if (used + len + 1 > size)
            return;
        memcpy(names + used, t + 1, len);
        names[used + len] = '\0';
        params[i].key = names + used;
        used += len + 1;
        t = end + 1;
    }
}

enum gw_match
gw_route_match(const char *method, const char *path, const struct gw_route **out,
               struct tm_kv *params, int *n_params, char *store, size_t store_size)
{
    int path_seen = 0;
    size_t half = store_size / 2;

    *out = NULL;
    *n_params = 0;
    for (size_t i = 0; i < gw_routes_n; i++) {
        if (!match_one(gw_routes[i].route, path, params, n_params, store, half))
            continue;
        path_seen = 1;
        if (strcmp(gw_routes[i].method, method) != 0)
            continue;
        name_params(gw_routes[i].route, params, *n_params, store + half, store_size - half);
        *out = &gw_routes[i];
        return GW_MATCH_OK;
    }
    *n_params = 0;
    return path_seen ? GW_MATCH_METHOD : GW_MATCH_NONE;
}
