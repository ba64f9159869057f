/* services/gateway/routes.h — the gateway's table of every public API route:
 * who answers it (a service over the bus, or the gateway itself), the
 * permission it needs and whether store scoping applies. This table,
 * proto/openapi.json and each service's own route table must agree;
 * tests/unit/gateway checks them against each other. Matching is pure (no
 * I/O) and read-only. */
#ifndef TM_GATEWAY_ROUTES_H
#define TM_GATEWAY_ROUTES_H

#include <stddef.h>

#include "common/envelope.h"
#include "common/perm.h"

#include "proto/limits.h"

/* GW_SVC_LOCAL: routes the gateway answers itself (auth, users, keys, audit). */
enum gw_service { GW_SVC_LOCAL, GW_SVC_INVENTORY, GW_SVC_ANALYTICS, GW_SVC_TXN, GW_SVC_COUNT };

enum gw_scope {
    GW_SCOPE_NONE,  /* any store, or none */
    GW_SCOPE_STORE, /* the path's first parameter is a store: scoped roles only their own */
};

struct gw_route {
    const char *method;
    const char *route; /* template; "{name}" matches one non-empty segment */
    enum gw_service svc;
    enum tm_perm perm;
    enum gw_scope scope;
};

extern const struct gw_route gw_routes[];
extern const size_t gw_routes_n;

/* Name of a service as used in config and logs ("inventory", "gateway"). */
const char *gw_service_name(enum gw_service svc);

enum gw_match { GW_MATCH_OK, GW_MATCH_NONE, GW_MATCH_METHOD };

/* Finds the route for (method, path). On GW_MATCH_OK *out is the route and
 * params[0..*n_params) hold the template's names and the path's values,
 * written into store[store_size]. GW_MATCH_METHOD when the path matches but
 * not the method. */
enum gw_match gw_route_match(const char *method, const char *path, const struct gw_route **out,
                             struct tm_kv *params, int *n_params, char *store, size_t store_size);

#endif
