/* tests/unit/gateway/routes_test.c — the gateway's route table: matching,
 * and agreement with proto/openapi.json (every operation, and its
 * x-permission) and with each service's own table (a route missing on
 * either side fails here). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/buf.h"

#include "services/analytics/handlers.h"
#include "services/gateway/handlers.h"
#include "services/gateway/routes.h"
#include "services/inventory/handlers.h"
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

/* Every route the gateway sends somewhere has a handler there, and every
 * handler is reachable: the gateway's own routes and inventory's. */
static void
tables_agree(enum gw_service svc, const struct tm_route *routes, size_t n)
{
    size_t routed = 0;

    for (size_t i = 0; i < gw_routes_n; i++) {
        int found = 0;
        if (gw_routes[i].svc != svc)
            continue;
        routed++;
        for (size_t k = 0; k < n; k++)
            if (!strcmp(routes[k].method, gw_routes[i].method) &&
                !strcmp(routes[k].route, gw_routes[i].route))
                found = 1;
        ck_assert_msg(found, "gateway sends %s %s to %s, which has no handler", gw_routes[i].method,
                      gw_routes[i].route, gw_service_name(svc));
    }
    ck_assert_uint_eq(routed, n);
}

START_TEST(test_gateway_and_service_tables_agree)
{
    tables_agree(GW_SVC_INVENTORY, inv_routes, inv_routes_n);
    tables_agree(GW_SVC_LOCAL, gw_local_routes, gw_local_routes_n);
    tables_agree(GW_SVC_ANALYTICS, an_routes, an_routes_n);
    tables_agree(GW_SVC_TXN, tx_routes, tx_routes_n);
}
END_TEST

/* Every route needing a store-owned permission (perm.h) is declared
 * TM_SCOPE_STORES in its service, so the router refuses its answer unless
 * the handler judged the caller's stores; a new route cannot skip that. */
static void
stores_judged(enum gw_service svc, const struct tm_route *routes, size_t n)
{
    for (size_t i = 0; i < gw_routes_n; i++) {
        if (gw_routes[i].svc != svc)
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
        ck_assert(gw_routes[i].svc != GW_SVC_LOCAL || !tm_perm_store_owned(gw_routes[i].perm));
    }
    ck_assert_int_gt(owned, 20);
    stores_judged(GW_SVC_INVENTORY, inv_routes, inv_routes_n);
    stores_judged(GW_SVC_ANALYTICS, an_routes, an_routes_n);
    stores_judged(GW_SVC_TXN, tx_routes, tx_routes_n);
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
    tcase_add_test(tc, test_gateway_and_service_tables_agree);
    tcase_add_test(tc, test_store_owned_routes_judge_stores);
    tcase_add_test(tc, test_only_login_and_refresh_are_public);
    suite_add_tcase(s, tc);
    return s;
}
