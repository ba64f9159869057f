/* services/gateway/main.c — tm-gateway: the only HTTP entry of the API.
 * Wiring only: config, logging, database and Redis pools, schema check,
 * signing key, bus clients, the gateway's own router, HTTP and ops servers,
 * then the signal loop; on SIGTERM it stops taking connections, lets
 * civetweb finish the requests in hand, and closes in reverse order. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/hash.h"
#include "common/http.h"
#include "common/log.h"
#include "common/migrate.h"
#include "common/signals.h"

#include "services/gateway/audit.h"
#include "services/gateway/handlers.h"
#include "services/gateway/health.h"
#include "services/gateway/keycache.h"
#include "services/gateway/keys.h"
#include "services/gateway/lease.h"
#include "services/gateway/live.h"
#include "services/gateway/overview.h"
#include "services/gateway/proxy.h"
#include "services/gateway/push.h"
#include "services/gateway/readcache_fresh.h"
#include "services/gateway/refusals.h"
#include "services/gateway/revoke.h"
#include "services/gateway/revset.h"
#include "services/gateway/tokcache.h"
#include "services/gateway/token.h"
#include "services/gateway/ws.h"

#define F(field) offsetof(struct gw_cfg, field)
#define S(field) sizeof(((struct gw_cfg *)0)->field)
static const struct tm_cfg_opt gw_opts[] = {
    {"listen", "TM_GATEWAY_LISTEN", TM_CFG_STR, F(listen), S(listen), 0, 0, "127.0.0.1:8081", 0,
     "address:port the API is served on (nginx proxies to it)"},
    {"threads", "TM_GATEWAY_THREADS", TM_CFG_INT, F(threads), 0, 2, 4096, "256", 0,
     "HTTP worker threads; civetweb needs one per keep-alive connection"},
    {"ws-clients", "TM_GATEWAY_WS_CLIENTS", TM_CFG_INT, F(ws_clients), 0, 1, 16384, "1024", 0,
     "dashboard WebSocket connections at most (503 above); each holds a civetweb worker and a "
     "writer thread, on top of threads"},
    {"ws-queue", "TM_GATEWAY_WS_QUEUE", TM_CFG_INT, F(ws_queue), 0, 16, 65536, "1024", 0,
     "events queued per WebSocket client; a client this far behind is closed (4408)"},
    {"ws-ping", "TM_GATEWAY_WS_PING_S", TM_CFG_INT, F(ws_ping_s), 0, 1, 300, "5", 0,
     "WebSocket heartbeat: a ping after this many seconds without a frame from the client; "
     "closed after 6 unanswered"},
    {"ws-sndbuf", "TM_GATEWAY_WS_SNDBUF", TM_CFG_INT, F(ws_sndbuf), 0, 4096, 4194304, "65536", 0,
     "send buffer of a WebSocket's socket (SO_SNDBUF, the kernel doubles it): with ws-queue, "
     "what a client that stops reading may hold before it is closed"},
    {"ws-per-principal", "TM_GATEWAY_WS_PER_PRINCIPAL", TM_CFG_INT, F(ws_per_principal), 0, 1,
     16384, "8", 0,
     "dashboard WebSocket connections at most per principal (user or API key; 429 above): each "
     "may make civetweb hold one large frame (docs/security.md)"},
    {"deadline-ms", "TM_DEADLINE_MS", TM_CFG_INT, F(deadline_ms), 0, 50, 120000, "5000", 0,
     "time a request may take inside TechMart before it is answered 504"},
    {"stream-s", "TM_GATEWAY_STREAM_S", TM_CFG_INT, F(stream_s), 0, 1, 3600, "120", 0,
     "time one streamed answer (a CSV export) may take in all; no next page is asked for "
     "after it, and the stream is cut (docs/api.md \"Streamed exports\")"},
    {"streams", "TM_GATEWAY_STREAMS", TM_CFG_INT, F(streams), 0, 1, 1024, "4", 0,
     "streamed answers this gateway sends at once at most; another is refused 429 with "
     "Retry-After before any byte (each holds a worker thread)"},
    {"floor", "TM_GATEWAY_FLOOR", TM_CFG_BOOL, F(floor), 0, 0, 0, "false", 0,
     "answer GET /api/_floor, the benchmark's floor (fixed bytes, no credentials, limits or "
     "access log); off, it is a 404 like any unknown path. For make bench only"},
    {"log-flush-ms", "TM_GATEWAY_LOG_FLUSH_MS", TM_CFG_INT, F(log_flush_ms), 0, 0, 1000, "10", 0,
     "info lines (the access line of every request) wait in memory up to this long and are "
     "written together; warn and error lines at once (0: every line at once). A crash loses "
     "at most this much of the access log"},
    {"body-max", "TM_BODY_MAX", TM_CFG_INT, F(body_max), 0, 1024, TM_BODY_MAX, "1048576", 0,
     "largest request body in bytes; larger is 413"},
    {"bus-max-sockets", "TM_BUS_MAX_SOCKETS", TM_CFG_INT, F(bus_max_sockets), 0, 1, 400, "384", 0,
     "REQ sockets per service at most; each instance's pool also holds at most its share of "
     "the process's 448 (nanomsg allows 512 sockets per process)"},
    {"db-url", "TM_GATEWAY_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0,
     "postgresql:///techmart", 1, "PostgreSQL of the gateway schema (users, keys, audit)"},
    {"db-pool", "TM_GATEWAY_DB_POOL", TM_CFG_INT, F(db_pool), 0, 1, 256, "32", 0,
     "database connections"},
    {"redis-url", "TM_REDIS_URL", TM_CFG_STR, F(redis_url), S(redis_url), 0, 0,
     "redis://127.0.0.1:6379", 0, "Redis for rate limits and token revocation"},
    {"redis-pool", "TM_REDIS_POOL", TM_CFG_INT, F(redis_pool), 0, 1, 4096, "1024", 0,
     "Redis connections, opened as needed (one per busy HTTP thread at most)"},
    {"sql-dir", "TM_SQL_DIR", TM_CFG_STR, F(sql_dir), S(sql_dir), 0, 0, "sql", 0,
     "folder of migrations; the gateway schema must be at its latest"},
    {"jwt-secret", "TM_JWT_SECRET", TM_CFG_STR, F(jwt_secret), S(jwt_secret), 0, 0, "", 1,
     "token signing key (32+ bytes); empty: use jwt-secret-file"},
    {"jwt-secret-file", "TM_JWT_SECRET_FILE", TM_CFG_STR, F(jwt_secret_file), S(jwt_secret_file), 0,
     0, "", 0,
     "signing key file, created (mode 0600) at first start when absent; one of jwt-secret and "
     "this is needed (no default: a key is never made where nobody looks for it)"},
    {"access-ttl", "TM_ACCESS_TTL_S", TM_CFG_INT, F(access_ttl_s), 0, 30, 86400, "900", 0,
     "access token lifetime, seconds"},
    {"refresh-ttl", "TM_REFRESH_TTL_S", TM_CFG_INT, F(refresh_ttl_s), 0, 60, 31536000, "2592000", 0,
     "refresh token lifetime, seconds"},
    {"rate-limits", "TM_RATE_LIMITS", TM_CFG_STR, F(rate_limits), S(rate_limits), 0, 0,
     "admin=1200,store_manager=600,buyer=600,analyst=600,fraud_analyst=600,viewer=300,"
     "pos=3000,anonymous=120",
     0, "requests per window per principal, by role (anonymous: per source address)"},
    {"rate-ip", "TM_RATE_IP", TM_CFG_INT, F(rate_ip), 0, 1, 100000000, "6000", 0,
     "requests per window per source address"},
    {"rate-login", "TM_RATE_LOGIN", TM_CFG_INT, F(rate_login), 0, 1, 100000, "10", 0,
     "login attempts per window per source address and per email"},
    {"rate-window", "TM_RATE_WINDOW_S", TM_CFG_INT, F(rate_window_s), 0, 1, 3600, "60", 0,
     "rate limit window, seconds"},
    {"cors-origin", "TM_CORS_ORIGIN", TM_CFG_STR, F(cors_origin), S(cors_origin), 0, 0, "", 0,
     "the web app's origin allowed cross-origin (e.g. http://localhost:5173); empty: none"},
    {"pwhash-ops", "TM_PWHASH_OPS", TM_CFG_INT, F(pwhash_ops), 0, 1, 20, "2", 0,
     "argon2id passes (libsodium opslimit)"},
    {"pwhash-mem-kib", "TM_PWHASH_MEM_KIB", TM_CFG_INT, F(pwhash_mem_kib), 0, 8, 1048576, "19456",
     0, "argon2id memory in KiB (19 MiB: OWASP's minimum for argon2id, t=2)"},
    {"audit-retention-days", "TM_AUDIT_RETENTION_DAYS", TM_CFG_INT, F(audit_retention_days), 0, 0,
     36500, "365", 0,
     "days audit rows and anonymous refusal counters are kept (at least 1); 0: kept for ever"},
    {"audit-retention-interval", "TM_AUDIT_RETENTION_INTERVAL_S", TM_CFG_INT,
     F(audit_retention_interval_s), 0, 0, 604800, "3600", 0,
     "seconds between runs of the audit-retention job; 0: only on demand"},
    {"overview-deadline-ms", "TM_OVERVIEW_DEADLINE_MS", TM_CFG_INT, F(overview_deadline_ms), 0, 50,
     60000, "1000", 0,
     "time each daemon has to answer for the dashboard overview; a late one's numbers are null"},
    {"read-cache-entries", "TM_READ_CACHE_ENTRIES", TM_CFG_INT, F(read_cache_entries), 0, 0,
     16777216, "65536", 0,
     "product answers (GET /api/v1/products/{id}) the gateway keeps and serves while Redis says "
     "they are current (trusted without asking Redis while the push channel is healthy); 0: every "
     "read goes to tm-inventory"},
    {"read-cache-bytes", "TM_READ_CACHE_BYTES", TM_CFG_INT, F(read_cache_bytes), 0, 4096,
     1073741824, "67108864", 0, "bytes of product answers the gateway keeps at most"},
    {"token-cache-entries", "TM_TOKEN_CACHE_ENTRIES", TM_CFG_INT, F(token_cache_entries), 0, 0,
     65536, "4096", 0,
     "access tokens the gateway keeps once verified, with what they say, ~2.8 KB each (a token "
     "seen again needs no HMAC; expiry and revocation are checked on every request); 0: every "
     "request's token is verified"},
};
#undef F
#undef S

/* Everything that can fail before the server starts; logs why. */
static int
prepare(struct gw_app *app, const struct gw_cfg *cfg)
{
    struct tm_err err;
    char pw[65];

    app->cfg = cfg;
    if (tm_hash_init() != TM_OK || gw_limits_parse(app, &err) != TM_OK ||
        gw_keys_load(app, &err) != TM_OK ||
        tm_db_pool_new(cfg->db_url, cfg->db_pool, &app->db, &err) != TM_OK ||
        tm_redis_pool_new(cfg->redis_url, 300, cfg->redis_pool, &app->redis, &err) != TM_OK)
        goto fail;
    for (size_t d = 0; d < gw_daemons_n; d++)
        if (!gw_daemons[d].local &&
            tm_bus_client_new(gw_daemons[d].name, cfg->endpoints[d], cfg->bus_max_sockets,
                              &app->bus[d], &err) != TM_OK)
            goto fail;
    if (tm_random_hex(32, pw, sizeof pw) != TM_OK ||
        gw_password_hash(cfg->pwhash_ops, cfg->pwhash_mem_kib, pw, app->dummy_hash,
                         sizeof app->dummy_hash, &err) != TM_OK)
        goto fail;
    app->local = (struct tm_router){
        "tm-gateway", gw_local_routes, gw_local_routes_n, app->db, NULL, app, NULL, NULL, NULL};
    /* the overview's hits must not wait for a database connection */
    app->dash = (struct tm_router){
        "tm-gateway", gw_dash_routes, gw_dash_routes_n, NULL, NULL, app, NULL, NULL, NULL};
    for (size_t d = 0; d < gw_daemons_n; d++)
        if (gw_daemons[d].local)
            app->router[d] = strcmp(gw_daemons[d].name, "dashboard") ? &app->local : &app->dash;
    return 0;
fail:
    fprintf(stderr, "tm-gateway: %s\n", err.message);
    tm_log_error(NULL, "start", "field=%s error=\"%s\"", err.field, err.message);
    return 2;
}

int
main(int argc, char **argv)
{
    static struct gw_cfg cfg; /* static: civetweb threads read it until mg_stop */
    static struct gw_app app;
    static atomic_int revocations_stale = 1; /* Redis' copy is rebuilt at first use */
    static struct tm_job jobs[GW_JOBS_N];
    static struct gw_daemon_opts daemon_opts, events_opts; /* the rows point into them */
    struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {daemon_opts.rows, 0, cfg.endpoints},        /* n once built from gw_daemons */
        {events_opts.rows, 0, cfg.events_endpoints}, /* likewise */
        {gw_opts, sizeof gw_opts / sizeof gw_opts[0], &cfg},
    };
    struct mg_context *http = NULL;
    struct tm_ops *ops = NULL;
    struct tm_err err;
    int status, sig;

    tm_signals_block();
    if (gw_daemons_resolve(gw_daemons, gw_daemons_n, gw_routes, gw_routes_n, app.route_daemon,
                           &err) != TM_OK) {
        fprintf(stderr, "tm-gateway: daemon table: %s\n", err.message);
        return 2;
    }
    gw_daemon_opts_init(&daemon_opts, gw_daemons, gw_daemons_n);
    gw_daemon_events_opts_init(&events_opts, gw_daemons, gw_daemons_n);
    tables[1].n = daemon_opts.n;
    tables[2].n = events_opts.n;
    if ((status = tm_cfg_main(tables, 4, argc, argv, "tm-gateway",
                              "The HTTP API entry: routes /api/v1/* to services.")) >= 0)
        return status;
    if (tm_log_batch_start(cfg.log_flush_ms, &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        return 1;
    }
    mg_init_library(0);
    app.revocations_stale = &revocations_stale;
    if ((status = prepare(&app, &cfg)) != 0)
        goto out;
    status = 1;
    if (tm_ops_start(cfg.base.ops_port, "tm-gateway", cfg.base.instance, gw_health, &app, &ops,
                     &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    if ((status = tm_migrate_wait(app.db, cfg.sql_dir, "gateway")) != 0) {
        status = status < 0 ? 0 : status;
        goto out;
    }
    status = 1;
    if (!(app.refusals = gw_refusals_new(app.db, GW_REFUSALS_SLOTS, GW_REFUSALS_FLUSH_MS))) {
        tm_log_error(NULL, "start", "error=\"cannot start the refusal counters\"");
        goto out;
    }
    app.revset = gw_revset_new();
    app.leases = gw_leases_new();
    if (cfg.token_cache_entries > 0 && !(app.tokcache = gw_tokcache_new(cfg.token_cache_entries))) {
        tm_log_error(NULL, "start", "error=\"cannot allocate the token cache\"");
        goto out;
    }
    if (!(app.keycache = gw_keycache_new())) {
        tm_log_error(NULL, "start", "error=\"cannot allocate the API key cache\"");
        goto out;
    }
    if (gw_push_new(cfg.redis_url, &app.push, &err) != TM_OK ||
        gw_revoke_push_init(&app, &err) != TM_OK || gw_auth_push_init(&app, &err) != TM_OK ||
        gw_rcf_new(&app, &app.readcache, &err) != TM_OK || gw_push_start(app.push, &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    gw_jobs_init(&cfg, jobs);
    if (tm_jobs_start(jobs, GW_JOBS_N, "gateway", cfg.db_url, cfg.base.instance, &app, &app.jobs,
                      &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    app.local.jobs = app.jobs;
    if (gw_live_new(&app, &app.live, &err) != TM_OK ||
        gw_overview_new(&app, app.live, &app.overview, &err) != TM_OK ||
        gw_rcf_listen(app.readcache, app.live, &err) != TM_OK ||
        gw_ws_new(&app, &app.ws, &err) != TM_OK || gw_live_start(app.live, &err) != TM_OK) {
        tm_log_error(NULL, "start", "field=%s error=\"%s\"", err.field, err.message);
        goto out;
    }
    if (tm_http_start(cfg.listen, cfg.threads + cfg.ws_clients, gw_ws_http_opts(app.ws), &app,
                      &http, &err) != TM_OK) {
        tm_log_error(NULL, "start", "error=\"%s\"", err.message);
        goto out;
    }
    mg_set_request_handler(http, "/api/", gw_proxy_handle, &app);
    gw_ws_attach(app.ws, http);
    tm_log_info(NULL, "ready", "listen=%s ops_port=%d", cfg.listen, cfg.base.ops_port);
    while ((sig = tm_signals_wait(1000)) != SIGTERM && sig != SIGINT)
        if (sig == SIGHUP)
            tm_log_info(NULL, "sighup", "nothing to reload: every gateway setting needs a restart");
    tm_log_info(NULL, "stopping", "signal=%d", sig);
    status = 0;
out:
    gw_ws_going_away(app.ws);
    if (http)
        mg_stop(http); /* waits for the requests in hand */
    gw_live_stop(app.live);
    gw_overview_free(app.overview);
    gw_ws_free(app.ws);
    tm_jobs_stop(app.jobs);
    tm_ops_stop(ops);
    gw_push_free(app.push); /* stops the thread that calls the read cache's handlers */
    gw_rcf_free(app.readcache);
    gw_revset_free(app.revset);
    gw_leases_free(app.leases);
    gw_tokcache_free(app.tokcache);
    gw_keycache_free(app.keycache);
    gw_refusals_free(app.refusals); /* after mg_stop: the last refusals counted are written */
    for (size_t d = 0; d < GW_DAEMONS_MAX; d++)
        tm_bus_client_free(app.bus[d]);
    tm_redis_pool_free(app.redis);
    tm_db_pool_free(app.db);
    mg_exit_library();
    tm_log_info(NULL, "stopped", "status=%d", status);
    tm_log_batch_stop();
    return status;
}
