/* services/gateway/app.h — tm-gateway's configuration and the state its
 * threads share. Built by main before the HTTP server starts and read-only
 * after that; the pools and bus clients inside are thread-safe. */
#ifndef TM_GATEWAY_APP_H
#define TM_GATEWAY_APP_H

#include <stdatomic.h>
#include <stddef.h>

#include "common/bus.h"
#include "common/config.h"
#include "common/db.h"
#include "common/jobs.h"
#include "common/perm.h"
#include "common/redis.h"
#include "common/router.h"

#include "services/gateway/routes.h"

struct gw_cfg {
    struct tm_base_cfg base;
    char listen[64];      /* "127.0.0.1:8081" */
    int threads;          /* civetweb workers: one per keep-alive connection */
    int ws_clients;       /* WebSocket connections at most; each holds a worker of its own */
    int ws_queue;         /* events waiting per WebSocket client before it is closed as slow */
    int ws_ping_s;        /* WebSocket heartbeat: a ping after this much silence from the client */
    int ws_sndbuf;        /* bytes a WebSocket's socket may hold for its client (SO_SNDBUF) */
    int ws_per_principal; /* WebSocket connections at most per principal (429 above) */
    int deadline_ms;      /* time a request may take inside TechMart */
    int stream_s;         /* time one streamed answer may take in all (its pages'), then cut */
    int streams;          /* streamed answers sent at once at most (429 above) */
    int body_max;         /* request body ceiling in bytes (413 above) */
    int floor;            /* answer GW_FLOOR_PATH (benchmarks only; else 404) */
    int log_flush_ms;     /* info lines batched this long (0: each at once) */
    int bus_max_sockets;  /* REQ sockets per service (and the bus's budget, common/bus.h) */
    char endpoints[GW_DAEMONS_MAX][GW_ENDPOINTS_MAX]; /* by gw_daemons index; local rows "" */
    char events_endpoints[GW_DAEMONS_MAX][GW_ENDPOINTS_MAX]; /* PUB, same index (live.h) */
    char db_url[512];
    int db_pool;
    char redis_url[256];
    int redis_pool;
    char sql_dir[512];
    char jwt_secret[256]; /* signing key; empty: read or create jwt_secret_file */
    char jwt_secret_file[512];
    int access_ttl_s;      /* access token lifetime */
    int refresh_ttl_s;     /* refresh token lifetime */
    char rate_limits[512]; /* "role=N,...,anonymous=N" requests per window */
    int rate_ip;           /* per source address, per window */
    int rate_login;        /* logins per source address and per email, per window */
    int rate_window_s;
    char cors_origin[256];          /* the web app's origin; empty: no cross-origin access */
    int pwhash_ops;                 /* argon2id passes */
    int pwhash_mem_kib;             /* argon2id memory */
    int audit_retention_days;       /* audit rows and refusal counters kept; 0: for ever */
    int audit_retention_interval_s; /* how often the retention job runs; 0: on demand only */
    int overview_deadline_ms;       /* each daemon's time to answer for the dashboard overview */
    int read_cache_entries;         /* product answers kept (readcache.h); 0: no cache */
    int read_cache_bytes;           /* bytes of product answers kept at most */
    int token_cache_entries;        /* verified tokens kept (tokcache.h); 0: none */
};

struct gw_app {
    const struct gw_cfg *cfg;
    struct tm_bus_client *bus[GW_DAEMONS_MAX]; /* by gw_daemons index; NULL for local rows */
    unsigned char route_daemon[GW_ROUTES_MAX]; /* gw_daemons index answering gw_routes[i] */
    struct tm_db_pool *db;
    struct tm_redis_pool *redis;
    struct tm_router local;                         /* the routes the gateway answers itself */
    const struct tm_router *router[GW_DAEMONS_MAX]; /* by gw_daemons index: a local row's */
    unsigned char key[64];                          /* token signing key */
    size_t key_len;
    int role_limit[TM_ROLE_COUNT]; /* requests per window, per role */
    int anon_limit;                /* per window, per source address, no credentials */
    char dummy_hash[128];          /* verified for unknown emails: equal timing */
    atomic_int *revocations_stale; /* 1: Redis may lack a revocation (revoke.h); main's */
    struct tm_jobs *jobs;          /* the gateway's scheduled jobs; set before serving */
    struct gw_live *live;          /* the event listener (live.h); set before serving */
    struct gw_ws *ws;              /* the WebSocket push (ws.h); set before serving */
    struct gw_overview *overview;  /* the dashboard overview (overview.h); set before serving */
    struct gw_rcf *readcache;      /* product reads (readcache_fresh.h); NULL: none */
    struct tm_router dash;         /* the overview's router: no database pool */
    struct gw_push *push;          /* news from the other gateways (push.h); set before serving */
    struct gw_revset *revset;      /* the revocations, while push is healthy (revset.h) */
    struct gw_leases *leases;      /* leased shares of the request limits (lease.h) */
    struct gw_tokcache *tokcache;  /* tokens verified before (tokcache.h); NULL: none */
    struct gw_keycache *keycache;  /* API keys read before (keycache.h) */
    struct gw_refusals *refusals;  /* anonymous refusals' counters (refusals.h) */
};

#endif
