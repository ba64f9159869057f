/* common/service.c — the run of every daemon, from its declaration. The
 * settings rows the core adds are built once at start from the declaration
 * (names, environment variables, defaults and help into bounded tables
 * here); nothing in this file names a daemon. */
#include "common/service.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/migrate.h"
#include "common/signals.h"

/* the core's settings rows: 7 fixed, one per job and two per peer */
#define OPTS_MAX (8 + TM_SERVICE_JOBS_MAX + 2 * TM_SERVICE_PEERS_MAX)
#define TEXT_MAX 192
#define ENDPOINTS_MAX 2048

struct core_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    int db_pool;
    char endpoint[256];
    int workers;
    char sql_dir[512];
    char events_endpoint[256];
    int outbox_retention_s;
    int job_s[TM_SERVICE_JOBS_MAX];
    char peer_endpoints[TM_SERVICE_PEERS_MAX][ENDPOINTS_MAX];
    char peer_events[TM_SERVICE_PEERS_MAX][ENDPOINTS_MAX];
};

struct core {
    const struct tm_service *svc;
    char prog[8 + TM_SERVICE_NAME_MAX];
    struct core_cfg cfg;
    /* settings rows and the text they point to */
    struct tm_cfg_opt opts[OPTS_MAX];
    size_t n_opts;
    char text[OPTS_MAX][4][TEXT_MAX]; /* flag, env, default, help per row */
    /* peers: the declaration's peers, then subscription sources not among them */
    const char *peer[TM_SERVICE_PEERS_MAX];
    int n_peer;
    struct tm_job jobs[TM_SERVICE_JOBS_MAX];
    int n_jobs;
    struct tm_subscription subs[TM_SERVICE_SUBS_MAX];
    struct tm_service_env env;
    atomic_int schema_ok;
    atomic_int running; /* start() and the subscribers are up: health may read them */
    _Atomic(struct tm_publisher *) pub;
    struct tm_jobs *runner;
    struct tm_router router;
};

#define F(field) offsetof(struct core_cfg, field)
#define S(field) sizeof(((struct core_cfg *)0)->field)

/* "reservation-expiry" → "RESERVATION_EXPIRY" into out[size]. */
static void
env_name(const char *s, char *out, size_t size)
{
    size_t i = 0;

    for (; s[i] && i + 1 < size; i++)
        out[i] = s[i] == '-' ? '_' : (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    out[i] = '\0';
}

/* Adds a row; its texts are formatted into the core's own storage.
 * Returns 0 when the table is full or a text does not fit. */
static int
add_opt(struct core *c, enum tm_cfg_type type, size_t offset, size_t size, int min, int max,
        const char *flag, const char *env, const char *def, const char *help)
{
    struct tm_cfg_opt *o;
    char(*t)[TEXT_MAX];

    if (c->n_opts == OPTS_MAX)
        return 0;
    t = c->text[c->n_opts];
    if (snprintf(t[0], TEXT_MAX, "%s", flag) >= TEXT_MAX ||
        snprintf(t[1], TEXT_MAX, "%s", env) >= TEXT_MAX ||
        snprintf(t[2], TEXT_MAX, "%s", def) >= TEXT_MAX ||
        snprintf(t[3], TEXT_MAX, "%s", help) >= TEXT_MAX)
        return 0;
    o = &c->opts[c->n_opts++];
    *o = (struct tm_cfg_opt){t[0], t[1], type, offset, size, min, max, t[2], 0, t[3]};
    return 1;
}

static int
has_peer(const struct core *c, const char *name)
{
    for (int i = 0; i < c->n_peer; i++)
        if (strcmp(c->peer[i], name) == 0)
            return i;
    return -1;
}

static enum tm_code
job_outbox_cleanup(void *arg, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct core *c = arg;

    return tm_outbox_cleanup(db, c->svc->outbox, c->cfg.outbox_retention_s, rows, err);
}

/* Builds the core's settings rows and job table from the declaration. */
static enum tm_code
declare(struct core *c, struct tm_err *err)
{
    const struct tm_service *svc = c->svc;
    char up[64], flag[96], env[128], def[256], help[TEXT_MAX], pool[16];
    int ok = 1;

    if (!tm_schema_name_ok(svc->name) || strlen(svc->name) >= TM_SERVICE_NAME_MAX)
        return tm_err_set(err, TM_INVALID, "name", "service name must be [a-z][a-z0-9_]*");
    if (svc->n_jobs + (svc->outbox != NULL) > TM_SERVICE_JOBS_MAX ||
        svc->n_subs > TM_SERVICE_SUBS_MAX || svc->n_peers > TM_SERVICE_PEERS_MAX)
        return tm_err_set(err, TM_TOOBIG, NULL, "too many jobs, subscriptions or peers");
    if (svc->outbox && strcmp(svc->outbox->source, svc->name) != 0)
        return tm_err_set(err, TM_INVALID, "outbox", "the outbox must be the service's own");
    for (int i = 0; i < svc->n_jobs; i++) {
        const char *n = svc->jobs[i].name;
        if (!n || !*n || strlen(n) > 40 ||
            strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789-") < strlen(n) || !svc->jobs[i].fn ||
            (svc->outbox && strcmp(n, "outbox-cleanup") == 0))
            return tm_err_set(err, TM_INVALID, "jobs",
                              "job %d: a name [a-z0-9-]{1,40} of its own "
                              "and a function",
                              i);
        for (int k = 0; k < i; k++)
            if (strcmp(svc->jobs[k].name, n) == 0)
                return tm_err_set(err, TM_INVALID, "jobs", "job %s declared twice", n);
    }
    for (int i = 0; i < svc->n_subs; i++) {
        if (!svc->subs[i].source || !svc->subs[i].prefix || !svc->subs[i].apply)
            return tm_err_set(err, TM_INVALID, "subs", "subscription %d is incomplete", i);
        for (int k = 0; k < i; k++) /* one inbox row per source: one subscription */
            if (strcmp(svc->subs[k].source, svc->subs[i].source) == 0)
                return tm_err_set(err, TM_INVALID, "subs",
                                  "two subscriptions to %s: join their "
                                  "prefixes",
                                  svc->subs[i].source);
    }
    for (int i = 0; i < svc->n_peers; i++)
        if (!svc->peers[i])
            return tm_err_set(err, TM_INVALID, "peers", "peer %d has no name", i);
    snprintf(c->prog, sizeof c->prog, "tm-%s", svc->name);
    env_name(svc->name, up, sizeof up);
    snprintf(pool, sizeof pool, "%d", svc->db_pool > 0 ? svc->db_pool : 16);

    ok = ok &&
         add_opt(c, TM_CFG_STR, F(db_url), S(db_url), 0, 0, "db-url", "TM_DB_URL",
                 "postgresql:///techmart", "PostgreSQL connection string (libpq URL or key=value)");
    c->opts[c->n_opts - 1].secret = 1;
    ok = ok && add_opt(c, TM_CFG_INT, F(db_pool), 0, 1, 256, "db-pool", "TM_DB_POOL", pool,
                       "database connections (one per bus worker is enough)");
    snprintf(env, sizeof env, "TM_%s_ENDPOINT", up);
    snprintf(def, sizeof def, "ipc:///tmp/tm-%s-1.ipc", svc->name);
    ok = ok && add_opt(c, TM_CFG_STR, F(endpoint), S(endpoint), 0, 0, "endpoint", env, def,
                       "bus endpoint this instance binds (ipc:// or tcp://)");
    ok = ok && add_opt(c, TM_CFG_INT, F(workers), 0, 1, 256, "workers", "TM_WORKERS", pool,
                       "bus worker threads, each handling one request at a time");
    ok = ok && add_opt(c, TM_CFG_STR, F(sql_dir), S(sql_dir), 0, 0, "sql-dir", "TM_SQL_DIR", "sql",
                       "folder of migrations; the schema must be at its latest migration");
    if (svc->outbox) {
        snprintf(env, sizeof env, "TM_%s_EVENTS_ENDPOINT", up);
        snprintf(def, sizeof def, "ipc:///tmp/tm-%s-events-1.ipc", svc->name);
        ok = ok && add_opt(c, TM_CFG_STR, F(events_endpoint), S(events_endpoint), 0, 0,
                           "events-endpoint", env, def,
                           "PUB endpoint this instance binds; it publishes while it holds the "
                           "outbox lock");
        ok = ok && add_opt(c, TM_CFG_INT, F(outbox_retention_s), 0, 60, 315360000,
                           "outbox-retention", "TM_OUTBOX_RETENTION_S", "604800",
                           "published events are kept this long (seconds; 7 days)");
    }

    /* jobs: the declaration's, then outbox-cleanup when it publishes */
    for (int i = 0; i < svc->n_jobs; i++)
        c->jobs[c->n_jobs++] = svc->jobs[i];
    if (svc->outbox)
        c->jobs[c->n_jobs++] = (struct tm_job){"outbox-cleanup", 3600, job_outbox_cleanup, c};
    for (int i = 0; i < c->n_jobs; i++) {
        env_name(c->jobs[i].name, up, sizeof up);
        snprintf(flag, sizeof flag, "job-%s", c->jobs[i].name);
        snprintf(env, sizeof env, "TM_JOB_%s_S", up);
        snprintf(def, sizeof def, "%d", c->jobs[i].interval_s);
        snprintf(help, sizeof help, "how often %s runs (seconds; 0: only on demand)",
                 c->jobs[i].name);
        ok = ok && add_opt(c, TM_CFG_INT, F(job_s) + (size_t)i * sizeof(int), 0, 0, 604800, flag,
                           env, def, help);
    }

    /* peers: called over the bus, and the sources of subscriptions */
    for (int i = 0; i < svc->n_peers; i++)
        if (has_peer(c, svc->peers[i]) < 0)
            c->peer[c->n_peer++] = svc->peers[i];
    for (int i = 0; i < svc->n_subs; i++)
        if (has_peer(c, svc->subs[i].source) < 0) {
            if (c->n_peer == TM_SERVICE_PEERS_MAX)
                return tm_err_set(err, TM_TOOBIG, NULL, "too many peers");
            c->peer[c->n_peer++] = svc->subs[i].source;
        }
    for (int i = 0; i < c->n_peer; i++) {
        if (!tm_schema_name_ok(c->peer[i]) || strlen(c->peer[i]) >= TM_SERVICE_NAME_MAX)
            return tm_err_set(err, TM_INVALID, "peers", "bad service name %s", c->peer[i]);
        env_name(c->peer[i], up, sizeof up);
        snprintf(flag, sizeof flag, "%s-endpoints", c->peer[i]);
        snprintf(env, sizeof env, "TM_%s_ENDPOINTS", up);
        snprintf(def, sizeof def, "ipc:///tmp/tm-%s-1.ipc", c->peer[i]);
        snprintf(help, sizeof help, "comma-separated bus endpoints of every tm-%s instance",
                 c->peer[i]);
        ok = ok && add_opt(c, TM_CFG_STR, F(peer_endpoints) + (size_t)i * ENDPOINTS_MAX,
                           ENDPOINTS_MAX, 0, 0, flag, env, def, help);
    }
    for (int i = 0; i < svc->n_subs; i++) {
        int p = has_peer(c, svc->subs[i].source);

        env_name(c->peer[p], up, sizeof up);
        snprintf(flag, sizeof flag, "%s-events-endpoints", c->peer[p]);
        snprintf(env, sizeof env, "TM_%s_EVENTS_ENDPOINTS", up);
        snprintf(def, sizeof def, "ipc:///tmp/tm-%s-events-1.ipc", c->peer[p]);
        snprintf(help, sizeof help, "comma-separated PUB endpoints of every tm-%s instance",
                 c->peer[p]);
        ok = ok && add_opt(c, TM_CFG_STR, F(peer_events) + (size_t)p * ENDPOINTS_MAX, ENDPOINTS_MAX,
                           0, 0, flag, env, def, help);
        c->subs[i] = (struct tm_subscription){svc->subs[i].source,
                                              svc->subs[i].prefix,
                                              c->cfg.peer_events[p],
                                              c->cfg.peer_endpoints[p],
                                              svc->name,
                                              svc->subs[i].apply,
                                              svc->app,
                                              svc->subs[i].flush};
    }
    return ok ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "too many settings");
}
#undef F
#undef S

int
tm_service_job_interval(const struct tm_service_env *env, const char *name)
{
    for (int i = 0; i < env->n_jobs; i++)
        if (strcmp(env->jobs[i].name, name) == 0)
            return env->jobs[i].interval_s;
    return 0;
}

static void
health(void *arg, struct tm_health *h)
{
    struct core *c = arg;
    const struct tm_service *svc = c->svc;

    tm_db_health(c->env.db, h);
    tm_health_add(h, "schema", atomic_load(&c->schema_ok), "%s",
                  atomic_load(&c->schema_ok) ? "up to date" : "not checked yet");
    if (svc->outbox)
        tm_health_add(h, "outbox", TM_HEALTH_UP, "%s",
                      tm_publisher_active(atomic_load(&c->pub)) ? "publishing" : "standby");
    if (!atomic_load(&c->running)) /* starting: nothing of the daemon's own to read yet */
        return;
    for (int i = 0; i < svc->n_subs; i++) {
        struct tm_subscriber *s = c->env.subs[i];
        char name[48];

        snprintf(name, sizeof name, "%s-events", svc->subs[i].source);
        if (tm_subscriber_missing(s) > 0)
            tm_health_add(h, name, TM_HEALTH_DOWN,
                          "behind retention: needs seq %lld, which %s no longer keeps",
                          (long long)tm_subscriber_missing(s), svc->subs[i].source);
        else
            tm_health_add(h, name, TM_HEALTH_UP, "source seq %lld",
                          (long long)tm_subscriber_source_seq(s));
    }
    if (svc->health)
        svc->health(svc->app, h);
}

/* Everything after the settings, up to serving; 0 when it serves. */
static int
start(struct core *c, struct tm_bus_server **bus, struct tm_ops **ops, int *started)
{
    const struct tm_service *svc = c->svc;
    struct core_cfg *cfg = &c->cfg;
    struct tm_publisher *pub = NULL;
    struct tm_err err;
    int status;

    tm_err_clear(&err);
    c->env.db_url = cfg->db_url;
    c->env.instance = cfg->base.instance;
    for (int i = 0; i < c->n_jobs; i++)
        c->jobs[i].interval_s = cfg->job_s[i];
    c->env.jobs = c->jobs;
    c->env.n_jobs = c->n_jobs;
    if (tm_db_pool_new(cfg->db_url, cfg->db_pool, &c->env.db, &err) != TM_OK)
        goto fail;
    for (int i = 0; i < svc->n_peers; i++)
        if (tm_bus_client_new(svc->peers[i], cfg->peer_endpoints[has_peer(c, svc->peers[i])], 64,
                              &c->env.peers[i], &err) != TM_OK)
            goto fail;
    if (tm_ops_start(cfg->base.ops_port, c->prog, cfg->base.instance, health, c, ops, &err) !=
        TM_OK)
        goto fail;
    if ((status = tm_migrate_wait(c->env.db, cfg->sql_dir, svc->name)) != 0)
        return status < 0 ? 0 : status; /* a stop signal came first, or the schema is behind */
    atomic_store(&c->schema_ok, 1);
    *started = 1; /* stop() is called from here on, also when start() fails half-way */
    if (svc->start && svc->start(svc->app, &c->env, &err) != TM_OK) {
        if (err.code != TM_INVALID)
            goto fail;
        tm_log_error(NULL, "start", "field=%s error=\"%s\"", err.field, err.message);
        return 2; /* a bad setting the daemon's own hook checks */
    }
    if (c->n_jobs > 0 && tm_jobs_start(c->jobs, c->n_jobs, svc->name, cfg->db_url,
                                       cfg->base.instance, svc->app, &c->runner, &err) != TM_OK)
        goto fail;
    for (int i = 0; i < svc->n_subs; i++)
        if (tm_subscriber_start(&c->subs[i], cfg->db_url, &c->env.subs[i], &err) != TM_OK)
            goto fail;
    if (svc->outbox) {
        if (tm_publisher_start(svc->outbox, cfg->db_url, cfg->events_endpoint, &pub, &err) != TM_OK)
            goto fail;
        atomic_store(&c->pub, pub);
    }
    atomic_store(&c->running, 1); /* publishes start()'s work and env.subs to /health */
    c->router = (struct tm_router){c->prog,  svc->routes, svc->n_routes, c->env.db, health,
                                   svc->app, svc->outbox, c->runner,     c};
    if (tm_bus_server_start(cfg->endpoint, cfg->workers, tm_router_handle, &c->router, bus, &err) !=
        TM_OK)
        goto fail;
    tm_log_info(NULL, "ready", "endpoint=%s workers=%d ops_port=%d", cfg->endpoint, cfg->workers,
                cfg->base.ops_port);
    return -1;
fail:
    tm_log_error(NULL, "start", "field=%s error=\"%s\"", err.field, err.message);
    return 1;
}

int
tm_service_main(int argc, char **argv, const struct tm_service *svc)
{
    static struct core c; /* one service a process; its threads read it until stopped */
    struct tm_bus_server *bus = NULL;
    struct tm_ops *ops = NULL;
    struct tm_cfg_table tables[3];
    size_t n_tables = 0;
    struct tm_err err;
    int status, sig, started = 0;

    tm_signals_block();
    c.svc = svc;
    if (declare(&c, &err) != TM_OK) {
        fprintf(stderr, "tm-%s: %s\n", svc->name ? svc->name : "?", err.message);
        return 1;
    }
    tables[n_tables++] = (struct tm_cfg_table){tm_base_cfg_opts, tm_base_cfg_n, &c.cfg.base};
    tables[n_tables++] = (struct tm_cfg_table){c.opts, c.n_opts, &c.cfg};
    if (svc->n_opts > 0)
        tables[n_tables++] = (struct tm_cfg_table){svc->opts, svc->n_opts, svc->cfg};
    if ((status = tm_cfg_main(tables, n_tables, argc, argv, c.prog, svc->summary)) >= 0)
        return status;

    if ((status = start(&c, &bus, &ops, &started)) < 0) {
        while ((sig = tm_signals_wait(1000)) != SIGTERM && sig != SIGINT)
            if (sig == SIGHUP)
                tm_log_info(NULL, "sighup", "nothing to reload: settings need a restart");
        tm_log_info(NULL, "stopping", "signal=%d", sig);
        status = 0;
    }
    tm_bus_server_stop(bus);
    tm_ops_stop(ops); /* first: /health reads what is freed below */
    atomic_store(&c.running, 0);
    tm_publisher_stop(atomic_exchange(&c.pub, NULL));
    tm_jobs_stop(c.runner);
    for (int i = 0; i < svc->n_subs; i++)
        tm_subscriber_stop(c.env.subs[i]);
    if (started && svc->stop)
        svc->stop(svc->app);
    for (int i = 0; i < svc->n_peers; i++)
        tm_bus_client_free(c.env.peers[i]);
    tm_db_pool_free(c.env.db);
    tm_log_info(NULL, "stopped", "status=%d", status);
    return status;
}
