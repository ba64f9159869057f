/* tests/unit/gateway/routes_test.c — the gateway's route and daemon tables:
 * matching, agreement with proto/openapi.json (every operation, and its
 * x-permission) and with each daemon's own table (a route missing on either
 * side fails here), prefix resolution and the endpoint settings generated
 * from the daemon table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/config.h"

#include "services/alerts/handlers.h"
#include "services/analytics/handlers.h"
#include "services/gateway/handlers.h"
#include "services/gateway/overview.h"
#include "services/gateway/routes.h"
#include "services/inventory/handlers.h"
#include "services/supplier/handlers.h"
#include "services/txn/handlers.h"
#include "tests/unit/gateway/suites.h"

static const struct {
    const char *method, *path, *route;
    enum gw_match want;
    const char *param;
} cases[] = {
    {"GET", "/api/v1/products", "/api/v1/products", GW_MATCH_OK, NULL},
    {"GET", "/api/v1/products/42", "/api/v1/products/{id}", GW_MATCH_OK, "42"},
    {"PATCH", "/api/v1/products/abc", "/api/v1/products/{id}", GW_MATCH_OK, "abc"},
    {"DELETE", "/api/v1/products/42", NULL, GW_MATCH_METHOD, NULL},
    {"GET", "/api/v1/products/42/x", NULL, GW_MATCH_NONE, NULL},
    {"GET", "/api/v1/products/", NULL, GW_MATCH_NONE, NULL},
    {"GET", "/api/v1/nothing", NULL, GW_MATCH_NONE, NULL},
    {"GET", "/api/v1/stores/7", "/api/v1/stores/{id}", GW_MATCH_OK, "7"},
    /* a literal segment is not a later route's parameter: no store
     * "reorder-suggestions" for a method the suggestions do not take */
    {"PUT", "/api/v1/inventory/reorder-suggestions/5", NULL, GW_MATCH_METHOD, NULL},
    {"DELETE", "/api/v1/inventory/reorder-suggestions", NULL, GW_MATCH_METHOD, NULL},
    {"GET", "/api/v1/inventory/reorder-suggestions/5", "/api/v1/inventory/reorder-suggestions/{id}",
     GW_MATCH_OK, "5"},
};

START_TEST(test_route_match_table)
{
    const struct gw_route *r = NULL;
    struct tm_kv params[TM_PARAMS_MAX];
    char store[256];
    int n = -1;
    enum gw_match m =
        gw_route_match(cases[_i].method, cases[_i].path, &r, params, &n, store, sizeof store);

    ck_assert_int_eq(m, cases[_i].want);
    if (m != GW_MATCH_OK) {
        ck_assert_ptr_null(r);
        return;
    }
    ck_assert_str_eq(r->route, cases[_i].route);
    if (cases[_i].param) {
        ck_assert_int_eq(n, 1);
        ck_assert_str_eq(params[0].key, "id");
        ck_assert_str_eq(params[0].val, cases[_i].param);
    } else {
        ck_assert_int_eq(n, 0);
    }
}
END_TEST

static cJSON *
load_openapi(void)
{
    FILE *f = fopen("proto/openapi.json", "r");
    struct tm_buf b;
    char chunk[4096];
    size_t n;
    cJSON *doc;

    ck_assert_msg(f != NULL, "proto/openapi.json must exist (run from the repository root)");
    tm_buf_init(&b, 8 << 20);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ck_assert_int_eq(tm_buf_add(&b, chunk, n), TM_OK);
    fclose(f);
    doc = cJSON_Parse(b.p);
    tm_buf_fini(&b);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

static int
in_gateway(const char *method, const char *path)
{
    for (size_t i = 0; i < gw_routes_n; i++)
        if (strcasecmp(gw_routes[i].method, method) == 0 && strcmp(gw_routes[i].route, path) == 0)
            return 1;
    return 0;
}

START_TEST(test_every_route_is_in_openapi_and_back)
{
    static const char *const verbs[] = {"get", "post", "put", "patch", "delete"};
    cJSON *doc = load_openapi(), *paths = cJSON_GetObjectItem(doc, "paths"), *p;
    size_t documented = 0;

    ck_assert_ptr_nonnull(paths);
    /* outside /api/: nginx's own (GET /health, from a gateway's ops port) */
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(paths, "/health"), "get"));
    cJSON_ArrayForEach(p, paths)
    {
        if (strncmp(p->string, "/api/", 5) != 0)
            continue;
        for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++) {
            if (!cJSON_GetObjectItem(p, verbs[v]))
                continue;
            documented++;
            ck_assert_msg(in_gateway(verbs[v], p->string),
                          "openapi documents %s %s but the gateway has no route", verbs[v],
                          p->string);
        }
    }
    for (size_t i = 0; i < gw_routes_n; i++) {
        char verb[8];
        cJSON *path = cJSON_GetObjectItem(paths, gw_routes[i].route);

        snprintf(verb, sizeof verb, "%s", gw_routes[i].method);
        for (char *c = verb; *c; c++)
            *c = (char)(*c - 'A' + 'a');
        ck_assert_msg(path && cJSON_GetObjectItem(path, verb),
                      "gateway route %s %s is missing from proto/openapi.json", gw_routes[i].method,
                      gw_routes[i].route);
        {
            const cJSON *perm =
                cJSON_GetObjectItem(cJSON_GetObjectItem(path, verb), "x-permission");
            ck_assert_msg(cJSON_IsString(perm) &&
                              strcmp(perm->valuestring, tm_perm_name(gw_routes[i].perm)) == 0,
                          "%s %s: openapi x-permission must be \"%s\"", gw_routes[i].method,
                          gw_routes[i].route, tm_perm_name(gw_routes[i].perm));
        }
    }
    ck_assert_uint_eq(documented, gw_routes_n);
    cJSON_Delete(doc);
}
END_TEST

/* Each gw_daemons row and the route table of the program answering it
 * (linked into this test): a daemon added to the gateway without its
 * table here fails test_every_daemon_has_a_route_table. */
static const struct {
    const char *daemon;
    const struct tm_route *routes;
    const size_t *n;
} answering[] = {
    {"gateway", gw_local_routes, &gw_local_routes_n},
    {"dashboard", gw_dash_routes, &gw_dash_routes_n},
    {"inventory", inv_routes, &inv_routes_n},
    {"analytics", an_routes, &an_routes_n},
    {"txn", tx_routes, &tx_routes_n},
    {"supplier", sup_routes, &sup_routes_n},
    {"alerts", al_routes, &al_routes_n},
};
#define N_ANSWERING (sizeof answering / sizeof answering[0])

/* The daemon answering gw_routes[i], by its prefix. */
static const struct gw_daemon *
daemon_of(size_t i)
{
    int d = gw_daemon_find(gw_daemons, gw_daemons_n, gw_routes[i].route);

    ck_assert_msg(d >= 0, "%s %s: no daemon", gw_routes[i].method, gw_routes[i].route);
    return &gw_daemons[d];
}

START_TEST(test_every_daemon_has_a_route_table)
{
    for (size_t d = 0; d < gw_daemons_n; d++) {
        int found = 0;

        for (size_t a = 0; a < N_ANSWERING; a++)
            found += strcmp(answering[a].daemon, gw_daemons[d].name) == 0;
        ck_assert_msg(found == 1, "daemon %s: add its route table to answering[]",
                      gw_daemons[d].name);
    }
    ck_assert_uint_eq(gw_daemons_n, N_ANSWERING);
}
END_TEST

/* Every route the gateway sends somewhere has a handler there, and every
 * handler is reachable: the gateway's own routes and each daemon's. */
static void
tables_agree(const char *daemon, const struct tm_route *routes, size_t n)
{
    size_t routed = 0;

    for (size_t i = 0; i < gw_routes_n; i++) {
        int found = 0;
        if (strcmp(daemon_of(i)->name, daemon) != 0)
            continue;
        routed++;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(routes[k].method, gw_routes[i].method) &&
                !strcmp(routes[k].route, gw_routes[i].route))
                found = 1;
        ck_assert_msg(found, "gateway sends %s %s to %s, which has no handler", gw_routes[i].method,
                      gw_routes[i].route, daemon);
    }
    ck_assert_msg(routed == n, "%s has %zu routes, the gateway sends it %zu", daemon, n, routed);
}

START_TEST(test_gateway_and_service_tables_agree)
{
    for (size_t a = 0; a < N_ANSWERING; a++)
        tables_agree(answering[a].daemon, answering[a].routes, *answering[a].n);
}
END_TEST

/* Every route needing a store-owned permission (perm.h) is declared
 * TM_SCOPE_STORES in its service, so the router refuses its answer unless
 * the handler judged the caller's stores; a new route cannot skip that. */
static void
stores_judged(const char *daemon, const struct tm_route *routes, size_t n)
{
    for (size_t i = 0; i < gw_routes_n; i++) {
        if (strcmp(daemon_of(i)->name, daemon) != 0)
            continue;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(routes[k].method, gw_routes[i].method) &&
                !strcmp(routes[k].route, gw_routes[i].route) &&
                tm_perm_store_owned(gw_routes[i].perm))
                ck_assert_msg(routes[k].scope == TM_SCOPE_STORES,
                              "%s %s needs %s (store-owned) but is not TM_SCOPE_STORES",
                              gw_routes[i].method, gw_routes[i].route,
                              tm_perm_name(gw_routes[i].perm));
    }
}

START_TEST(test_store_owned_routes_judge_stores)
{
    int owned = 0;

    for (size_t i = 0; i < gw_routes_n; i++) {
        owned += tm_perm_store_owned(gw_routes[i].perm);
        /* the gateway has nothing store-owned of its own to answer */
        ck_assert(!daemon_of(i)->local || !tm_perm_store_owned(gw_routes[i].perm));
    }
    ck_assert_int_gt(owned, 20);
    for (size_t a = 0; a < N_ANSWERING; a++)
        stores_judged(answering[a].daemon, answering[a].routes, *answering[a].n);
}
END_TEST

/* Oracle for prefix matching: path + "/" begins with prefix + "/". */
static int
oracle_matches(const char *path, const char *prefix)
{
    char p[TM_PATH_MAX + 2], q[TM_PATH_MAX + 2];

    snprintf(p, sizeof p, "%s/", path);
    snprintf(q, sizeof q, "%s/", prefix);
    return strncmp(p, q, strlen(q)) == 0;
}

/* Each route is claimed by exactly one daemon at its longest matching
 * prefix, and that is the daemon gw_daemons_resolve and gw_daemon_find say. */
START_TEST(test_every_route_resolves_to_one_daemon)
{
    unsigned char resolved[GW_ROUTES_MAX];
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_msg(gw_daemons_resolve(gw_daemons, gw_daemons_n, gw_routes, gw_routes_n, resolved,
                                     &err) == TM_OK,
                  "gw_daemons and gw_routes disagree: %s", err.message);
    for (size_t i = 0; i < gw_routes_n; i++) {
        size_t best = 0, claimed = 0, owner = 0;

        for (size_t d = 0; d < gw_daemons_n; d++)
            for (size_t k = 0; k < GW_DAEMON_PREFIXES_MAX && gw_daemons[d].prefixes[k]; k++)
                if (oracle_matches(gw_routes[i].route, gw_daemons[d].prefixes[k]) &&
                    strlen(gw_daemons[d].prefixes[k]) >= best) {
                    size_t len = strlen(gw_daemons[d].prefixes[k]);

                    claimed = len > best ? 1 : claimed + (owner != d);
                    best = len;
                    owner = d;
                }
        ck_assert_msg(claimed == 1, "%s %s is claimed by %zu daemons", gw_routes[i].method,
                      gw_routes[i].route, claimed);
        ck_assert_uint_eq(resolved[i], owner);
        ck_assert_int_eq(gw_daemon_find(gw_daemons, gw_daemons_n, gw_routes[i].route), (int)owner);
    }
}
END_TEST

static const struct gw_daemon nested[] = {
    {.name = "stock", .prefixes = {"/api/v1/inventory", "/api/v1/products"}},
    {.name = "forecast", .prefixes = {"/api/v1/inventory/predictions"}},
};

static const struct {
    const char *path;
    int want; /* index in nested, -1: none */
} prefix_cases[] = {
    {"/api/v1/products", 0},
    {"/api/v1/products/7", 0},
    {"/api/v1/products/7/inventory", 0},
    {"/api/v1/products2", -1},
    {"/api/v1/products-x/1", -1},
    {"/api/v1/product", -1},
    {"/api/v1", -1},
    {"", -1},
    {"/api/v1/inventory/7", 0},
    {"/api/v1/inventory/predictions", 1},
    {"/api/v1/inventory/predictions/7", 1},
    {"/api/v1/inventory/predictionsx", 0},
};

/* Longest prefix wins, and a prefix ends at a segment boundary. */
START_TEST(test_daemon_prefix_respects_segments)
{
    ck_assert_int_eq(gw_daemon_find(nested, 2, prefix_cases[_i].path), prefix_cases[_i].want);
}
END_TEST

START_TEST(test_daemon_real_table_segments)
{
    ck_assert_int_eq(gw_daemon_find(gw_daemons, gw_daemons_n, "/api/v1/products2"), -1);
    ck_assert_int_eq(gw_daemon_find(gw_daemons, gw_daemons_n, "/api/v1/txnx/jobs"), -1);
    ck_assert_str_eq(gw_daemons[gw_daemon_find(gw_daemons, gw_daemons_n, "/api/v1/txn/jobs")].name,
                     "txn");
    ck_assert_str_eq(gw_daemons[gw_daemon_find(gw_daemons, gw_daemons_n, "/api/v1/jobs")].name,
                     "inventory");
    ck_assert_str_eq(
        gw_daemons[gw_daemon_find(gw_daemons, gw_daemons_n, "/api/v1/gateway/jobs")].name,
        "gateway");
}
END_TEST

static const struct gw_route t_routes[] = {
    {"GET", "/api/v1/a", TM_PERM_SELF, GW_SCOPE_NONE},
    {"GET", "/api/v1/a/{id}", TM_PERM_SELF, GW_SCOPE_NONE},
    {"GET", "/api/v1/bx/y", TM_PERM_SELF, GW_SCOPE_NONE},
};

#define ROW(n, ...)                                                                                \
    {                                                                                              \
        .name = n, .prefixes = { __VA_ARGS__ }                                                     \
    }
static const struct {
    const char *what;
    struct gw_daemon d[3];
    size_t n;
    const char *field; /* NULL: accepted */
} resolve_cases[] = {
    {"both tables agree", {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/bx")}, 2, NULL},
    {"nested prefixes", {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/bx/y")}, 2, NULL},
    {"a route with no daemon", {ROW("one", "/api/v1/a")}, 1, "/api/v1/bx/y"},
    {"a route past a prefix's segment",
     {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/b")},
     2,
     "/api/v1/bx/y"},
    {"a daemon with no route",
     {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/bx"), ROW("three", "/api/v1/c")},
     3,
     "three"},
    {"a daemon with no prefix",
     {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/bx"), ROW("three", NULL)},
     3,
     "three"},
    {"a prefix with no route",
     {ROW("one", "/api/v1/a", "/api/v1/z"), ROW("two", "/api/v1/bx")},
     2,
     "/api/v1/z"},
    {"a prefix whose routes all go to a longer one",
     {ROW("one", "/api/v1/a", "/api/v1/bx"), ROW("two", "/api/v1/bx/y")},
     2,
     "/api/v1/bx"},
    {"a prefix in two rows",
     {ROW("one", "/api/v1/a", "/api/v1/bx"), ROW("two", "/api/v1/bx")},
     2,
     "/api/v1/bx"},
    {"a prefix twice in a row",
     {ROW("one", "/api/v1/a", "/api/v1/bx", "/api/v1/a")},
     1,
     "/api/v1/a"},
    {"a name in two rows", {ROW("one", "/api/v1/a"), ROW("one", "/api/v1/bx")}, 2, "one"},
    {"an upper-case name", {ROW("One", "/api/v1/a"), ROW("two", "/api/v1/bx")}, 2, "One"},
    {"a name with a dash", {ROW("tm-one", "/api/v1/a"), ROW("two", "/api/v1/bx")}, 2, "tm-one"},
    {"an empty name", {ROW("", "/api/v1/a"), ROW("two", "/api/v1/bx")}, 2, ""},
    {"a name too long",
     {ROW("abcdefghijklmnopqrstuvwxyz", "/api/v1/a"), ROW("two", "/api/v1/bx")},
     2,
     "abcdefghijklmnopqrstuvwxyz"},
    {"a prefix with a parameter",
     {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/{bx}")},
     2,
     "/api/v1/{bx}"},
    {"a prefix ending in /",
     {ROW("one", "/api/v1/a"), ROW("two", "/api/v1/bx/")},
     2,
     "/api/v1/bx/"},
    {"a prefix without /", {ROW("one", "/api/v1/a"), ROW("two", "api/v1/bx")}, 2, "api/v1/bx"},
};
#undef ROW

START_TEST(test_daemon_tables_checked)
{
    unsigned char of[GW_ROUTES_MAX];
    struct tm_err err;
    enum tm_code rc;

    tm_err_clear(&err);
    rc = gw_daemons_resolve(resolve_cases[_i].d, resolve_cases[_i].n, t_routes, 3, of, &err);
    if (!resolve_cases[_i].field) {
        ck_assert_msg(rc == TM_OK, "%s: %s", resolve_cases[_i].what, err.message);
        ck_assert_int_eq(of[0], 0);
        ck_assert_int_eq(of[1], 0);
        ck_assert_int_eq(of[2], 1);
        return;
    }
    ck_assert_msg(rc == TM_INVALID, "%s: accepted", resolve_cases[_i].what);
    ck_assert_msg(strcmp(err.field, resolve_cases[_i].field) == 0, "%s: field %s, want %s",
                  resolve_cases[_i].what, err.field, resolve_cases[_i].field);
}
END_TEST

START_TEST(test_daemon_tables_bounded)
{
    unsigned char of[GW_ROUTES_MAX];
    struct gw_daemon many[GW_DAEMONS_MAX + 1];
    struct tm_err err;

    memset(many, 0, sizeof many);
    ck_assert_int_eq(gw_daemons_resolve(many, GW_DAEMONS_MAX + 1, t_routes, 3, of, &err),
                     TM_INVALID);
    ck_assert_int_eq(
        gw_daemons_resolve(gw_daemons, gw_daemons_n, gw_routes, GW_ROUTES_MAX + 1, of, &err),
        TM_INVALID);
}
END_TEST

/* The endpoint settings keep the names deploy/stack.sh and operators use. */
START_TEST(test_daemon_settings_keep_todays_names)
{
    static const char *const want[][4] = {
        {"inventory", "inventory-endpoints", "TM_INVENTORY_ENDPOINTS",
         "ipc:///tmp/tm-inventory-1.ipc"},
        {"analytics", "analytics-endpoints", "TM_ANALYTICS_ENDPOINTS",
         "ipc:///tmp/tm-analytics-1.ipc"},
        {"txn", "txn-endpoints", "TM_TXN_ENDPOINTS", "ipc:///tmp/tm-txn-1.ipc"},
        {"supplier", "supplier-endpoints", "TM_SUPPLIER_ENDPOINTS", "ipc:///tmp/tm-supplier-1.ipc"},
        {"alerts", "alerts-endpoints", "TM_ALERTS_ENDPOINTS", "ipc:///tmp/tm-alerts-1.ipc"},
    };
    static struct gw_daemon_opts o;

    gw_daemon_opts_init(&o, gw_daemons, gw_daemons_n);
    ck_assert_uint_eq(o.n, sizeof want / sizeof want[0]);
    for (size_t w = 0; w < o.n; w++) {
        const struct tm_cfg_opt *row = NULL;
        int d = -1;
        char help[64];

        for (size_t i = 0; i < gw_daemons_n; i++)
            if (!strcmp(gw_daemons[i].name, want[w][0]))
                d = (int)i;
        for (size_t r = 0; r < o.n; r++)
            if (!strcmp(o.rows[r].flag, want[w][1]))
                row = &o.rows[r];
        ck_assert_msg(d >= 0 && row, "no setting %s", want[w][1]);
        ck_assert_str_eq(row->env, want[w][2]);
        ck_assert_str_eq(row->def, want[w][3]);
        ck_assert_int_eq(row->type, TM_CFG_STR);
        ck_assert_uint_eq(row->offset, (size_t)d * GW_ENDPOINTS_MAX);
        ck_assert_uint_eq(row->size, GW_ENDPOINTS_MAX);
        ck_assert_int_eq(row->secret, 0);
        snprintf(help, sizeof help, "every tm-%s instance", want[w][0]);
        ck_assert_ptr_nonnull(strstr(row->help, help));
    }
}
END_TEST

/* Loaded through common/config: default, environment and flag land in the
 * daemon's slot; the gateway's own slot stays empty. */
START_TEST(test_daemon_settings_load)
{
    static struct gw_daemon_opts o;
    static char endpoints[GW_DAEMONS_MAX][GW_ENDPOINTS_MAX];
    char *argv[] = {"tm-gateway", "--analytics-endpoints=tcp://127.0.0.1:7001", NULL};
    struct tm_cfg_table t;
    struct tm_err err;
    int help = 0;

    gw_daemon_opts_init(&o, gw_daemons, gw_daemons_n);
    t = (struct tm_cfg_table){o.rows, o.n, endpoints};
    unsetenv("TM_INVENTORY_ENDPOINTS");
    unsetenv("TM_ANALYTICS_ENDPOINTS");
    setenv("TM_TXN_ENDPOINTS", "ipc:///run/a.ipc,ipc:///run/b.ipc", 1);
    ck_assert_int_eq(tm_cfg_load(&t, 1, 2, argv, &help, &err), TM_OK);
    unsetenv("TM_TXN_ENDPOINTS");
    for (size_t d = 0; d < gw_daemons_n; d++) {
        const char *name = gw_daemons[d].name, *got = endpoints[d];

        if (gw_daemons[d].local)
            ck_assert_str_eq(got, "");
        else if (!strcmp(name, "inventory"))
            ck_assert_str_eq(got, "ipc:///tmp/tm-inventory-1.ipc");
        else if (!strcmp(name, "analytics"))
            ck_assert_str_eq(got, "tcp://127.0.0.1:7001");
        else if (!strcmp(name, "txn"))
            ck_assert_str_eq(got, "ipc:///run/a.ipc,ipc:///run/b.ipc");
    }
}
END_TEST

/* The live listener's settings (live.h): one PUB endpoints setting per
 * routed daemon, named as the services name their peers' (common/service),
 * so deploy/stack.sh's TM_<SVC>_EVENTS_ENDPOINTS reach the gateway too. */
START_TEST(test_daemon_events_settings)
{
    static struct gw_daemon_opts o;
    static char events[GW_DAEMONS_MAX][GW_ENDPOINTS_MAX];
    char *argv[] = {"tm-gateway", "--inventory-events-endpoints=tcp://127.0.0.1:7002", NULL};
    struct tm_cfg_table t;
    struct tm_err err;
    int help = 0;

    gw_daemon_events_opts_init(&o, gw_daemons, gw_daemons_n);
    ck_assert_uint_eq(o.n, 5);
    t = (struct tm_cfg_table){o.rows, o.n, events};
    setenv("TM_TXN_EVENTS_ENDPOINTS", "ipc:///run/t-events-1.ipc", 1);
    unsetenv("TM_SUPPLIER_EVENTS_ENDPOINTS");
    ck_assert_int_eq(tm_cfg_load(&t, 1, 2, argv, &help, &err), TM_OK);
    unsetenv("TM_TXN_EVENTS_ENDPOINTS");
    for (size_t d = 0; d < gw_daemons_n; d++) {
        const char *name = gw_daemons[d].name, *got = events[d];

        if (gw_daemons[d].local)
            ck_assert_str_eq(got, "");
        else if (!strcmp(name, "inventory"))
            ck_assert_str_eq(got, "tcp://127.0.0.1:7002");
        else if (!strcmp(name, "txn"))
            ck_assert_str_eq(got, "ipc:///run/t-events-1.ipc");
        else if (!strcmp(name, "supplier"))
            ck_assert_str_eq(got, "ipc:///tmp/tm-supplier-events-1.ipc");
        else if (!strcmp(name, "alerts"))
            ck_assert_str_eq(got, "ipc:///tmp/tm-alerts-events-1.ipc");
    }
    for (size_t r = 0; r < o.n; r++)
        ck_assert_ptr_nonnull(strstr(o.rows[r].help, "PUB endpoints of every tm-"));
}
END_TEST

/* Only login and refresh are open; everything else names who may call it. */
START_TEST(test_only_login_and_refresh_are_public)
{
    for (size_t i = 0; i < gw_routes_n; i++) {
        int public_ok = !strcmp(gw_routes[i].route, "/api/v1/auth/login") ||
                        !strcmp(gw_routes[i].route, "/api/v1/auth/refresh");
        ck_assert_msg((gw_routes[i].perm == TM_PERM_PUBLIC) == public_ok, "%s %s is %s",
                      gw_routes[i].method, gw_routes[i].route, tm_perm_name(gw_routes[i].perm));
    }
}
END_TEST

Suite *
routes_suite(void)
{
    Suite *s = suite_create("gateway.routes");
    TCase *tc = tcase_create("routes");

    tcase_add_loop_test(tc, test_route_match_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_every_route_is_in_openapi_and_back);
    tcase_add_test(tc, test_every_daemon_has_a_route_table);
    tcase_add_test(tc, test_gateway_and_service_tables_agree);
    tcase_add_test(tc, test_store_owned_routes_judge_stores);
    tcase_add_test(tc, test_only_login_and_refresh_are_public);
    suite_add_tcase(s, tc);
    tc = tcase_create("daemons");
    tcase_add_test(tc, test_every_route_resolves_to_one_daemon);
    tcase_add_loop_test(tc, test_daemon_prefix_respects_segments, 0,
                        (int)(sizeof prefix_cases / sizeof prefix_cases[0]));
    tcase_add_test(tc, test_daemon_real_table_segments);
    tcase_add_loop_test(tc, test_daemon_tables_checked, 0,
                        (int)(sizeof resolve_cases / sizeof resolve_cases[0]));
    tcase_add_test(tc, test_daemon_tables_bounded);
    tcase_add_test(tc, test_daemon_settings_keep_todays_names);
    tcase_add_test(tc, test_daemon_settings_load);
    tcase_add_test(tc, test_daemon_events_settings);
    suite_add_tcase(s, tc);
    return s;
}
