/* services/gateway/routes.h — the gateway's two tables. gw_daemons says who
 * answers which API paths: a daemon over the bus, found by path prefix, or
 * the gateway itself; adding a daemon to the gateway is one row there.
 * gw_routes lists every public API route with the permission it needs and
 * whether store scoping applies: the authorization policy. These tables,
 * proto/openapi.json and each daemon's own route table must agree;
 * tests/unit/gateway checks them against each other, and the gateway checks
 * its two tables against each other at start. Everything here is pure (no
 * I/O) and read-only; thread-safe. */
#ifndef TM_GATEWAY_ROUTES_H
#define TM_GATEWAY_ROUTES_H

#include <stddef.h>

#include "common/config.h"
#include "common/envelope.h"
#include "common/err.h"
#include "common/perm.h"

#include "proto/limits.h"

#define GW_DAEMONS_MAX 8          /* rows of gw_daemons, the gateway's own included */
#define GW_DAEMON_PREFIXES_MAX 16 /* path prefixes per daemon */
#define GW_DAEMON_NAME_MAX 24     /* a daemon's name, NUL included */
#define GW_ROUTES_MAX 192         /* rows of gw_routes */
#define GW_ENDPOINTS_MAX 1024     /* one daemon's comma-separated bus endpoints, NUL included */

/* A daemon the gateway sends requests to, or (local) the gateway itself.
 * A request goes to the daemon with the longest prefix that its path equals
 * or continues with "/": "/api/v1/products" answers /api/v1/products/7 but
 * not /api/v1/products2. A prefix has no "{param}" and is in one row only. */
struct gw_daemon {
    const char *name; /* [a-z][a-z0-9]*: tm-<name>, --<name>-endpoints, health, logs */
    int local;        /* 1: the gateway's own router answers; no endpoints, no bus */
    const char *prefixes[GW_DAEMON_PREFIXES_MAX]; /* "/api/v1/products"…; unused slots NULL */
};

extern const struct gw_daemon gw_daemons[];
extern const size_t gw_daemons_n;

enum gw_scope {
    GW_SCOPE_NONE,  /* any store, or none */
    GW_SCOPE_STORE, /* the path's first parameter is a store: scoped roles only their own */
};

struct gw_route {
    const char *method;
    const char *route; /* template; "{name}" matches one non-empty segment */
    enum tm_perm perm;
    enum gw_scope scope;
};

extern const struct gw_route gw_routes[];
extern const size_t gw_routes_n;

/* Index in d[0..n) of the daemon answering path (a route template or a
 * request path): the row with the longest prefix the path equals or
 * continues with "/". -1 when none. No allocation. */
int gw_daemon_find(const struct gw_daemon *d, size_t n, const char *path);

/* Checks daemon table d[0..n_d) against route table r[0..n_r) and writes,
 * for each route i, the index of the daemon answering it into daemon_of[i]
 * (room for GW_ROUTES_MAX). TM_INVALID, with err->field naming the culprit,
 * when a table is over its maximum, a name is malformed or repeated, a
 * prefix is malformed or in two places, a route has no daemon, or a daemon
 * or one of its prefixes answers no route; daemon_of is partly written then. */
TM_MUSTCHECK enum tm_code gw_daemons_resolve(const struct gw_daemon *d, size_t n_d,
                                             const struct gw_route *r, size_t n_r,
                                             unsigned char *daemon_of, struct tm_err *err);

/* The daemons' endpoint settings, generated from their table because
 * common/config's rows are static: one row per daemon that is not local.
 * Caller's storage; the rows point into it, so it must not move while they
 * are used. */
struct gw_daemon_opts {
    struct tm_cfg_opt rows[GW_DAEMONS_MAX];
    size_t n; /* rows in use */
    char flag[GW_DAEMONS_MAX][GW_DAEMON_NAME_MAX + 24];
    char env[GW_DAEMONS_MAX][GW_DAEMON_NAME_MAX + 24];
    char def[GW_DAEMONS_MAX][GW_DAEMON_NAME_MAX + 32];
    char help[GW_DAEMONS_MAX][GW_DAEMON_NAME_MAX + 80];
};

/* Fills o from d[0..n), a table gw_daemons_resolve accepted. Daemon i's row
 * is flag "<name>-endpoints", env "TM_<NAME>_ENDPOINTS", default
 * "ipc:///tmp/tm-<name>-1.ipc": a TEXT value of GW_ENDPOINTS_MAX bytes at
 * offset i * GW_ENDPOINTS_MAX, so the table's base is a
 * char [GW_DAEMONS_MAX][GW_ENDPOINTS_MAX] indexed like d. */
void gw_daemon_opts_init(struct gw_daemon_opts *o, const struct gw_daemon *d, size_t n);

/* As gw_daemon_opts_init, for the daemons' PUB endpoints (the gateway's
 * live listener, live.h): flag "<name>-events-endpoints", env
 * "TM_<NAME>_EVENTS_ENDPOINTS", default "ipc:///tmp/tm-<name>-events-1.ipc",
 * the same layout over a second char [GW_DAEMONS_MAX][GW_ENDPOINTS_MAX]. */
void gw_daemon_events_opts_init(struct gw_daemon_opts *o, const struct gw_daemon *d, size_t n);

enum gw_match { GW_MATCH_OK, GW_MATCH_NONE, GW_MATCH_METHOD };

/* Finds the route for (method, path). On GW_MATCH_OK *out is the route and
 * params[0..*n_params) hold the template's names and the path's values,
 * written into store[store_size]. GW_MATCH_METHOD when the path matches but
 * not the method. */
enum gw_match gw_route_match(const char *method, const char *path, const struct gw_route **out,
                             struct tm_kv *params, int *n_params, char *store, size_t store_size);

#endif
