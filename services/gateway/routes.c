/* services/gateway/routes.c — the daemon table, the route table and their
 * matchers. Every API request is matched once; tens of routes, so a linear
 * scan comparing segments in place is fast enough and needs no allocation.
 * The daemon answering each route is found from its prefix once, at start
 * (gw_daemons_resolve), so a request only indexes an array. */
#include "services/gateway/routes.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The gateway's own routes (common/router in-process, services/gateway/
 * handlers.c) and, one row each, the daemons it routes to. Adding a daemon
 * is one row here plus its routes below; its endpoints setting follows. */
const struct gw_daemon gw_daemons[] = {
    {.name = "gateway",
     .local = 1,
     .prefixes = {"/api/v1/auth", "/api/v1/users", "/api/v1/api-keys", "/api/v1/audit",
                  "/api/v1/gateway", "/api/v1/ws"}},
    /* the gateway itself, with no database (services/gateway/overview.c) */
    {.name = "dashboard", .local = 1, .prefixes = {"/api/v1/dashboard/overview"}},
    {.name = "inventory",
     .prefixes = {"/api/v1/categories", "/api/v1/products", "/api/v1/stores", "/api/v1/inventory",
                  "/api/v1/stock-movements", "/api/v1/transfers", "/api/v1/reservations",
                  "/api/v1/stock-commits", "/api/v1/jobs", "/api/v1/calendar-events",
                  "/api/v1/promotions"}},
    {.name = "analytics",
     .prefixes = {"/api/v1/analytics", "/api/v1/dashboard/metrics", "/api/v1/reports"}},
    {.name = "txn",
     .prefixes = {"/api/v1/customers", "/api/v1/transactions", "/api/v1/fraud", "/api/v1/txn"}},
    {.name = "supplier",
     .prefixes = {"/api/v1/suppliers", "/api/v1/supplier-choice", "/api/v1/purchase-orders",
                  "/api/v1/supplier"}},
    {.name = "alerts",
     .prefixes = {"/api/v1/alerts", "/api/v1/alert-rules", "/api/v1/silences",
                  "/api/v1/escalation-policies", "/api/v1/notification-channels"}},
};
const size_t gw_daemons_n = sizeof gw_daemons / sizeof gw_daemons[0];
_Static_assert(sizeof gw_daemons / sizeof gw_daemons[0] <= GW_DAEMONS_MAX, "raise GW_DAEMONS_MAX");

#define P(name) TM_PERM_##name
#define ANY GW_SCOPE_NONE

const struct gw_route gw_routes[] = {
    {"POST", "/api/v1/auth/login", P(PUBLIC), ANY},
    {"POST", "/api/v1/auth/refresh", P(PUBLIC), ANY},
    {"POST", "/api/v1/auth/logout", P(SELF), ANY},
    {"GET", "/api/v1/auth/me", P(SELF), ANY},
    {"GET", "/api/v1/users", P(USER_ADMIN), ANY},
    {"POST", "/api/v1/users", P(USER_ADMIN), ANY},
    {"GET", "/api/v1/users/{id}", P(USER_ADMIN), ANY},
    {"PATCH", "/api/v1/users/{id}", P(USER_ADMIN), ANY},
    {"GET", "/api/v1/api-keys", P(USER_ADMIN), ANY},
    {"POST", "/api/v1/api-keys", P(USER_ADMIN), ANY},
    {"PATCH", "/api/v1/api-keys/{id}", P(USER_ADMIN), ANY},
    {"GET", "/api/v1/audit", P(AUDIT_READ), ANY},
    {"GET", "/api/v1/audit/refusals", P(AUDIT_READ), ANY},
    {"GET", "/api/v1/gateway/jobs", P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/gateway/jobs/{name}/run", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/gateway/jobs/{name}/runs/{id}", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/ws/dashboard", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/categories", P(CATALOG_READ), ANY},
    {"POST", "/api/v1/categories", P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/categories/{id}", P(CATALOG_READ), ANY},
    {"PATCH", "/api/v1/categories/{id}", P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/products", P(CATALOG_READ), ANY},
    {"POST", "/api/v1/products", P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/products/{id}", P(CATALOG_READ), ANY},
    {"PATCH", "/api/v1/products/{id}", P(CATALOG_WRITE), ANY},
    {"GET", "/api/v1/stores", P(STORE_READ), ANY},
    {"POST", "/api/v1/stores", P(STORE_ADMIN), ANY},
    {"GET", "/api/v1/stores/{id}", P(STORE_READ), GW_SCOPE_STORE},
    {"PATCH", "/api/v1/stores/{id}", P(STORE_WRITE), GW_SCOPE_STORE},
    {"GET", "/api/v1/products/{id}/inventory", P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/low-stock", P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/stock-summary", P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/predictions/categories/{category_id}", P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/predictions/{product_id}", P(STOCK_READ), ANY},
    {"POST", "/api/v1/inventory/predictions/{product_id}/refresh", P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/inventory/reorder-suggestions", P(STOCK_READ), ANY},
    {"GET", "/api/v1/inventory/reorder-suggestions/{id}", P(STOCK_READ), ANY},
    {"POST", "/api/v1/inventory/generate-reorder-suggestion/{product_id}", P(REORDER_WRITE), ANY},
    {"POST", "/api/v1/inventory/reorder-suggestions/{id}/approve", P(REORDER_WRITE), ANY},
    {"POST", "/api/v1/inventory/reorder-suggestions/{id}/reject", P(REORDER_WRITE), ANY},
    /* what forecasts know in advance: buyers and managers write, analysts read */
    {"GET", "/api/v1/calendar-events", P(STOCK_READ), ANY},
    {"POST", "/api/v1/calendar-events", P(REORDER_WRITE), ANY},
    {"DELETE", "/api/v1/calendar-events/{id}", P(REORDER_WRITE), ANY},
    {"GET", "/api/v1/promotions", P(STOCK_READ), ANY},
    {"POST", "/api/v1/promotions", P(REORDER_WRITE), ANY},
    {"GET", "/api/v1/promotions/{id}", P(STOCK_READ), ANY},
    {"POST", "/api/v1/promotions/{id}/end", P(REORDER_WRITE), ANY},
    {"GET", "/api/v1/inventory/{store_id}", P(STOCK_READ), GW_SCOPE_STORE},
    {"GET", "/api/v1/inventory/{store_id}/{product_id}", P(STOCK_READ), GW_SCOPE_STORE},
    {"PUT", "/api/v1/inventory/{store_id}/{product_id}", P(STOCK_WRITE), GW_SCOPE_STORE},
    {"GET", "/api/v1/stock-movements", P(STOCK_READ), ANY},
    {"POST", "/api/v1/stock-movements", P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/transfers", P(STOCK_READ), ANY},
    {"POST", "/api/v1/transfers", P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/transfers/{id}", P(STOCK_READ), ANY},
    {"POST", "/api/v1/transfers/{id}/ship", P(STOCK_WRITE), ANY},
    {"POST", "/api/v1/transfers/{id}/receive", P(STOCK_WRITE), ANY},
    {"POST", "/api/v1/transfers/{id}/cancel", P(STOCK_WRITE), ANY},
    {"POST", "/api/v1/reservations", P(STOCK_RESERVE), ANY},
    {"GET", "/api/v1/reservations/{id}", P(STOCK_READ), ANY},
    {"POST", "/api/v1/reservations/{id}/release", P(STOCK_RESERVE), ANY},
    {"POST", "/api/v1/stock-commits", P(STOCK_COMMIT), ANY},
    {"GET", "/api/v1/stock-commits/{sale_id}", P(STOCK_READ), ANY},
    {"POST", "/api/v1/stock-commits/{sale_id}/reverse", P(STOCK_COMMIT), ANY},
    {"GET", "/api/v1/customers", P(CUSTOMER_READ), ANY},
    {"POST", "/api/v1/customers", P(CUSTOMER_WRITE), ANY},
    {"GET", "/api/v1/customers/{id}", P(CUSTOMER_READ), ANY},
    {"GET", "/api/v1/transactions", P(TXN_READ), ANY},
    {"POST", "/api/v1/transactions", P(TXN_WRITE), ANY},
    {"GET", "/api/v1/transactions/suspicious", P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/transactions/suspicious/summary", P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/transactions/{id}", P(TXN_READ), ANY},
    {"POST", "/api/v1/transactions/{id}/void", P(TXN_WRITE), ANY},
    {"POST", "/api/v1/transactions/{id}/review", P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/fraud/rules", P(FRAUD_REVIEW), ANY},
    {"POST", "/api/v1/fraud/rules", P(FRAUD_ADMIN), ANY},
    {"GET", "/api/v1/fraud/rules/versions", P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/fraud/rules/{version}", P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/fraud/stats", P(FRAUD_REVIEW), ANY},
    {"GET", "/api/v1/txn/jobs", P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/txn/jobs/{name}/run", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/txn/jobs/{name}/runs/{id}", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/analytics/catalogue-lag", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/dashboard/overview", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/hourly-sales", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/top-products", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/customer-segments", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/category-performance", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/store-comparison", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/summary", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/dashboard/metrics/realtime", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/analytics/jobs", P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/analytics/jobs/{name}/run", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/analytics/jobs/{name}/runs/{id}", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/reports", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/reports/{id}", P(ANALYTICS_READ), ANY},
    {"GET", "/api/v1/jobs", P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/jobs/{name}/run", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/jobs/{name}/runs/{id}", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/suppliers", P(SUPPLIER_READ), ANY},
    {"POST", "/api/v1/suppliers", P(SUPPLIER_WRITE), ANY},
    {"GET", "/api/v1/suppliers/{id}", P(SUPPLIER_READ), ANY},
    {"PATCH", "/api/v1/suppliers/{id}", P(SUPPLIER_WRITE), ANY},
    {"GET", "/api/v1/suppliers/{id}/offers", P(SUPPLIER_READ), ANY},
    {"POST", "/api/v1/suppliers/{id}/offers", P(SUPPLIER_WRITE), ANY},
    {"PATCH", "/api/v1/suppliers/{id}/offers/{offer_id}", P(SUPPLIER_WRITE), ANY},
    {"DELETE", "/api/v1/suppliers/{id}/offers/{offer_id}", P(SUPPLIER_WRITE), ANY},
    {"GET", "/api/v1/suppliers/{id}/performance", P(SUPPLIER_READ), ANY},
    {"GET", "/api/v1/suppliers/{id}/catalogue", P(SUPPLIER_READ), ANY},
    {"GET", "/api/v1/supplier-choice", P(SUPPLIER_READ), ANY},
    {"GET", "/api/v1/purchase-orders", P(SUPPLIER_READ), ANY},
    {"POST", "/api/v1/purchase-orders", P(SUPPLIER_WRITE), ANY},
    {"GET", "/api/v1/purchase-orders/{id}", P(SUPPLIER_READ), ANY},
    {"POST", "/api/v1/purchase-orders/{id}/send", P(SUPPLIER_WRITE), ANY},
    {"POST", "/api/v1/purchase-orders/{id}/cancel", P(SUPPLIER_WRITE), ANY},
    {"POST", "/api/v1/purchase-orders/{id}/receipts", P(STOCK_WRITE), ANY},
    {"GET", "/api/v1/supplier/jobs", P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/supplier/jobs/{name}/run", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/supplier/jobs/{name}/runs/{id}", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/alert-rules", P(ALERT_READ), ANY},
    {"POST", "/api/v1/alert-rules", P(ALERT_ADMIN), ANY},
    {"GET", "/api/v1/alert-rules/{id}", P(ALERT_READ), ANY},
    {"PUT", "/api/v1/alert-rules/{id}", P(ALERT_ADMIN), ANY},
    {"DELETE", "/api/v1/alert-rules/{id}", P(ALERT_ADMIN), ANY},
    {"GET", "/api/v1/silences", P(ALERT_READ), ANY},
    {"POST", "/api/v1/silences", P(ALERT_WRITE), ANY},
    {"DELETE", "/api/v1/silences/{id}", P(ALERT_WRITE), ANY},
    {"GET", "/api/v1/escalation-policies", P(ALERT_READ), ANY},
    {"POST", "/api/v1/escalation-policies", P(ALERT_ADMIN), ANY},
    {"GET", "/api/v1/escalation-policies/{id}", P(ALERT_READ), ANY},
    {"GET", "/api/v1/notification-channels", P(ALERT_ADMIN), ANY},
    {"POST", "/api/v1/notification-channels", P(ALERT_ADMIN), ANY},
    {"GET", "/api/v1/alerts/{id}/notifications", P(ALERT_READ), ANY},
    {"GET", "/api/v1/alerts/jobs", P(OPS_ADMIN), ANY},
    {"POST", "/api/v1/alerts/jobs/{name}/run", P(OPS_ADMIN), ANY},
    {"GET", "/api/v1/alerts/jobs/{name}/runs/{id}", P(OPS_ADMIN), ANY},
    /* after the job routes (first match wins: /alerts/jobs is no alert {id}) */
    {"GET", "/api/v1/alerts", P(ALERT_READ), ANY},
    {"POST", "/api/v1/alerts", P(ALERT_WRITE), ANY},
    {"GET", "/api/v1/alerts/summary", P(ALERT_READ), ANY},
    {"GET", "/api/v1/alerts/{id}", P(ALERT_READ), ANY},
    {"POST", "/api/v1/alerts/{id}/acknowledge", P(ALERT_WRITE), ANY},
    {"PATCH", "/api/v1/alerts/{id}/resolve", P(ALERT_WRITE), ANY},
    {"DELETE", "/api/v1/alerts/{id}", P(ALERT_ADMIN), ANY},
    {"GET", "/api/v1/alerts/{id}/history", P(ALERT_READ), ANY},
};
const size_t gw_routes_n = sizeof gw_routes / sizeof gw_routes[0];

_Static_assert(sizeof gw_routes / sizeof gw_routes[0] <= GW_ROUTES_MAX, "raise GW_ROUTES_MAX");

/* Like gw_daemon_find; also the index of the winning prefix in *prefix. */
static int
find(const struct gw_daemon *d, size_t n, const char *path, size_t *prefix)
{
    int best = -1;
    size_t best_len = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < GW_DAEMON_PREFIXES_MAX && d[i].prefixes[k]; k++) {
            const char *p = d[i].prefixes[k];
            size_t len = strlen(p);

            if (len > best_len && strncmp(path, p, len) == 0 &&
                (path[len] == '\0' || path[len] == '/')) {
                best = (int)i;
                best_len = len;
                *prefix = k;
            }
        }
    }
    return best;
}

int
gw_daemon_find(const struct gw_daemon *d, size_t n, const char *path)
{
    size_t prefix = 0;

    return find(d, n, path, &prefix);
}

static int
name_ok(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len >= GW_DAEMON_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789") == len;
}

/* "/api/x": starts with "/", no empty segment, no trailing "/", no "{". */
static int
prefix_ok(const char *p)
{
    size_t len = strlen(p);

    return len > 1 && p[0] == '/' && p[len - 1] != '/' && !strstr(p, "//") && !strchr(p, '{');
}

/* Row i's name and prefixes are well formed and used by no earlier row. */
static enum tm_code
check_row(const struct gw_daemon *d, size_t i, struct tm_err *err)
{
    if (!d[i].name || !name_ok(d[i].name))
        return tm_err_set(err, TM_INVALID, d[i].name ? d[i].name : "",
                          "daemon %zu: the name must be 1 to %d of a-z 0-9, from a letter", i,
                          GW_DAEMON_NAME_MAX - 1);
    for (size_t j = 0; j < i; j++)
        if (strcmp(d[j].name, d[i].name) == 0)
            return tm_err_set(err, TM_INVALID, d[i].name, "daemon %s is in two rows", d[i].name);
    for (size_t k = 0; k < GW_DAEMON_PREFIXES_MAX && d[i].prefixes[k]; k++) {
        const char *p = d[i].prefixes[k];

        if (!prefix_ok(p))
            return tm_err_set(err, TM_INVALID, p, "%s: prefix %s must be /segments, no {param}",
                              d[i].name, p);
        for (size_t j = 0; j <= i; j++)
            for (size_t l = 0; l < GW_DAEMON_PREFIXES_MAX && d[j].prefixes[l]; l++)
                if ((j < i || l < k) && strcmp(d[j].prefixes[l], p) == 0)
                    return tm_err_set(err, TM_INVALID, p, "prefix %s is in %s and %s", p, d[j].name,
                                      d[i].name);
    }
    return TM_OK;
}

enum tm_code
gw_daemons_resolve(const struct gw_daemon *d, size_t n_d, const struct gw_route *r, size_t n_r,
                   unsigned char *daemon_of, struct tm_err *err)
{
    unsigned char used[GW_DAEMONS_MAX][GW_DAEMON_PREFIXES_MAX] = {{0}};
    size_t routed[GW_DAEMONS_MAX] = {0};
    enum tm_code rc;

    if (n_d > GW_DAEMONS_MAX || n_r > GW_ROUTES_MAX)
        return tm_err_set(err, TM_INVALID, NULL,
                          "%zu daemons, %zu routes: at most %d and %d (GW_DAEMONS_MAX, "
                          "GW_ROUTES_MAX)",
                          n_d, n_r, GW_DAEMONS_MAX, GW_ROUTES_MAX);
    for (size_t i = 0; i < n_d; i++)
        if ((rc = check_row(d, i, err)) != TM_OK)
            return rc;
    for (size_t i = 0; i < n_r; i++) {
        size_t k = 0;
        int owner = find(d, n_d, r[i].route, &k);

        if (owner < 0)
            return tm_err_set(err, TM_INVALID, r[i].route, "%s %s: no daemon has a prefix of it",
                              r[i].method, r[i].route);
        daemon_of[i] = (unsigned char)owner;
        routed[owner]++;
        used[owner][k] = 1;
    }
    for (size_t i = 0; i < n_d; i++) {
        if (routed[i] == 0)
            return tm_err_set(err, TM_INVALID, d[i].name, "daemon %s answers no route", d[i].name);
        for (size_t k = 0; k < GW_DAEMON_PREFIXES_MAX && d[i].prefixes[k]; k++)
            if (!used[i][k])
                return tm_err_set(err, TM_INVALID, d[i].prefixes[k],
                                  "%s: prefix %s answers no route", d[i].name, d[i].prefixes[k]);
    }
    return TM_OK;
}

/* One setting per routed daemon: "<name>-<what>", TM_<NAME>_<WHAT>,
 * default "ipc:///tmp/tm-<name>[-events]-1.ipc". */
static void
opts_fill(struct gw_daemon_opts *o, const struct gw_daemon *d, size_t n, const char *what,
          const char *def_infix, const char *help_what)
{
    assert(n <= GW_DAEMONS_MAX);
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < n; i++) {
        size_t k = o->n;

        if (d[i].local)
            continue;
        assert(strlen(d[i].name) < GW_DAEMON_NAME_MAX);
        snprintf(o->flag[k], sizeof o->flag[k], "%s-%s", d[i].name, what);
        snprintf(o->env[k], sizeof o->env[k], "TM_%s_%s", d[i].name, what);
        for (char *c = o->env[k]; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
            else if (*c == '-')
                *c = '_';
        snprintf(o->def[k], sizeof o->def[k], "ipc:///tmp/tm-%s%s-1.ipc", d[i].name, def_infix);
        snprintf(o->help[k], sizeof o->help[k], "comma-separated %s of every tm-%s instance",
                 help_what, d[i].name);
        o->rows[k] = (struct tm_cfg_opt){.flag = o->flag[k],
                                         .env = o->env[k],
                                         .type = TM_CFG_STR,
                                         .offset = i * GW_ENDPOINTS_MAX,
                                         .size = GW_ENDPOINTS_MAX,
                                         .def = o->def[k],
                                         .help = o->help[k]};
        o->n++;
    }
}

void
gw_daemon_opts_init(struct gw_daemon_opts *o, const struct gw_daemon *d, size_t n)
{
    opts_fill(o, d, n, "endpoints", "", "bus endpoints");
}

void
gw_daemon_events_opts_init(struct gw_daemon_opts *o, const struct gw_daemon *d, size_t n)
{
    opts_fill(o, d, n, "events-endpoints", "-events", "PUB endpoints");
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

/* Whether template t takes as a {parameter} a segment that template
 * first, matched by the same path, names literally: the path is first's
 * (".../reorder-suggestions/5" is not a store "reorder-suggestions"). */
static int
literal_taken(const char *first, const char *t)
{
    while (*first && *t) {
        size_t fl = strcspn(first, "/"), tl = strcspn(t, "/");
        if (*t == '{' && *first != '{')
            return 1;
        first += fl + (first[fl] == '/');
        t += tl + (t[tl] == '/');
    }
    return 0;
}

enum gw_match
gw_route_match(const char *method, const char *path, const struct gw_route **out,
               struct tm_kv *params, int *n_params, char *store, size_t store_size)
{
    const char *first = NULL; /* the first template the path matched */
    size_t half = store_size / 2;

    *out = NULL;
    *n_params = 0;
    for (size_t i = 0; i < gw_routes_n; i++) {
        if (!match_one(gw_routes[i].route, path, params, n_params, store, half))
            continue;
        if (!first)
            first = gw_routes[i].route;
        else if (literal_taken(first, gw_routes[i].route))
            continue; /* the method falls through only to routes as literal */
        if (strcmp(gw_routes[i].method, method) != 0)
            continue;
        name_params(gw_routes[i].route, params, *n_params, store + half, store_size - half);
        *out = &gw_routes[i];
        return GW_MATCH_OK;
    }
    *n_params = 0;
    return first ? GW_MATCH_METHOD : GW_MATCH_NONE;
}
