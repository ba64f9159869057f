/* common/jobs.c — the scheduler: one thread a service, waking every 500 ms
 * to start what is due. A job's work and its advisory lock share one
 * transaction; the run record is written outside it, so a failed run is
 * recorded too. */
#include "common/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/db.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/router.h"
#include "common/time.h"

struct tm_jobs {
    const struct tm_job *jobs; /* read-only */
    int n;
    char schema[49];
    char start_sql[256]; /* derived from the schema at start; read-only */
    char end_sql[256];
    char run_sql[512];
    char fail_sql[384];
    char *db_url;
    char instance[32];
    void *app;
    int64_t *due_ms; /* thread only */
    pthread_t thread;
    atomic_int stop;
    pthread_mutex_t mu; /* guards the on-demand runs below and each struct ondemand */
    pthread_cond_t cv;  /* broadcast on every change of them */
    int running;        /* on-demand runs whose thread has not ended */
};

/* One run asked for through the API, shared by the request that asked and
 * the thread that runs it; freed by whichever lets go last. */
struct ondemand {
    struct tm_jobs *j;
    int i;
    int state;     /* ONDEMAND_* */
    int abandoned; /* the request stopped waiting before the run started: do not start it */
    int64_t id;
    enum tm_code rc;
    struct tm_err err;
    int refs;
};
enum { ONDEMAND_STARTING, ONDEMAND_STARTED, ONDEMAND_DONE };

static int
find(const struct tm_jobs *j, const char *name)
{
    for (int i = 0; i < j->n; i++)
        if (strcmp(j->jobs[i].name, name) == 0)
            return i;
    return -1;
}

static void
ondemand_set(struct ondemand *od, int state, int64_t id)
{
    if (!od)
        return;
    pthread_mutex_lock(&od->j->mu);
    od->state = state;
    od->id = id;
    pthread_cond_broadcast(&od->j->cv);
    pthread_mutex_unlock(&od->j->mu);
}

/* Runs job i once under its session advisory lock (key derived from the
 * schema and the job's name). TM_CONFLICT when another instance holds it
 * (nothing is recorded then); otherwise the run is recorded with its
 * outcome and *run_id set (and told to od once known), and the job's own
 * error, if any, is returned. */
static enum tm_code
run(struct tm_jobs *j, PGconn *db, int i, struct ondemand *od, int64_t *run_id, struct tm_err *err)
{
    const struct tm_job *job = &j->jobs[i];
    struct tm_db_int key, idtxt, rowtxt;
    char purpose[80];
    const char *lp[1];
    const char *sp[2] = {job->name, j->instance};
    const char *ep[4];
    PGresult *r = NULL;
    int64_t rows = 0;
    enum tm_code rc;
    struct tm_err jerr;
    int held;

    snprintf(purpose, sizeof purpose, "job:%s", job->name);
    lp[0] = tm_db_int(&key, tm_key64(j->schema, purpose));
    tm_err_clear(&jerr);
    if ((rc = tm_db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, lp, &r, err)) != TM_OK)
        return rc;
    held = tm_db_bool(r, 0, 0);
    PQclear(r);
    if (!held)
        return tm_err_set(err, TM_CONFLICT, "name", "%s is running elsewhere", job->name);
    if ((rc = tm_db_exec(db, j->start_sql, 2, sp, &r, err)) != TM_OK)
        goto unlock;
    *run_id = tm_db_i64(r, 0, 0);
    PQclear(r);
    ondemand_set(od, ONDEMAND_STARTED, *run_id);
    if ((rc = tm_db_begin(db, &jerr)) == TM_OK) {
        rc = job->fn(job->arg ? job->arg : j->app, db, &rows, &jerr);
        if (rc == TM_OK)
            rc = tm_db_commit(db, &jerr);
        else
            tm_db_rollback(db);
    }
    ep[0] = tm_db_int(&idtxt, *run_id);
    ep[1] = rc == TM_OK ? "ok" : "failed";
    ep[2] = tm_db_int(&rowtxt, rc == TM_OK ? rows : 0);
    ep[3] = jerr.message;
    tm_log_info(NULL, "job.run", "job=%s outcome=%s rows=%s%s%s", job->name, ep[1], ep[2],
                jerr.message[0] ? " error=" : "", jerr.message);
    if (tm_db_exec(db, j->end_sql, 4, ep, NULL, err) != TM_OK)
        rc = TM_UNAVAIL;
    else if (rc != TM_OK && err)
        *err = jerr;
unlock:
    if (tm_db_exec(db, "SELECT pg_advisory_unlock($1::bigint)", 1, lp, NULL, NULL) != TM_OK)
        tm_log_warn(NULL, "job.unlock", "job=%s note=\"the lock goes with the session\"",
                    job->name);
    return rc;
}

static void *
scheduler_main(void *arg)
{
    struct tm_jobs *j = arg;
    PGconn *db = NULL;

    while (!atomic_load(&j->stop)) {
        int64_t now = tm_mono_ms();

        tm_sleep_ms(500);
        if (!db || PQstatus(db) != CONNECTION_OK) {
            PQfinish(db);
            db = PQconnectdb(j->db_url);
            if (PQstatus(db) != CONNECTION_OK)
                continue;
        }
        for (int i = 0; i < j->n && !atomic_load(&j->stop); i++) {
            struct tm_err err;
            int64_t id = 0;
            enum tm_code rc;

            if (j->jobs[i].interval_s <= 0 || now < j->due_ms[i])
                continue;
            j->due_ms[i] = now + (int64_t)j->jobs[i].interval_s * 1000;
            tm_err_clear(&err);
            rc = run(j, db, i, NULL, &id, &err);
            /* TM_CONFLICT before a run began (id 0): another instance is
             * running it, as it should (a run's own conflict is a failure) */
            if (rc != TM_OK && !(rc == TM_CONFLICT && id == 0))
                tm_log_warn(NULL, "job.failed", "job=%s run=%lld code=%s error=\"%s\"",
                            j->jobs[i].name, (long long)id, tm_code_name(rc), err.message);
        }
    }
    PQfinish(db);
    return NULL;
}

enum tm_code
tm_jobs_start(const struct tm_job *jobs, int n, const char *schema, const char *db_url,
              const char *instance, void *app, struct tm_jobs **out, struct tm_err *err)
{
    struct tm_jobs *j;

    if (!tm_schema_name_ok(schema))
        return tm_err_set(err, TM_INVALID, "schema", "bad schema name for jobs");
    j = tm_xcalloc(1, sizeof *j);
    /* the three statements fit their buffers for any schema name
     * tm_schema_name_ok passes (48 bytes at most) */
    j->jobs = jobs;
    j->n = n;
    snprintf(j->schema, sizeof j->schema, "%s", schema);
    /* <schema>.job_runs comes from sql/plumbing/jobs.sql */
    snprintf(j->start_sql, sizeof j->start_sql,
             "INSERT INTO %s.job_runs (job, instance) VALUES ($1, $2) RETURNING id", schema);
    snprintf(j->end_sql, sizeof j->end_sql,
             "UPDATE %s.job_runs SET finished_at = now(), outcome = $2, rows = $3::bigint,"
             " error = $4 WHERE id = $1::bigint",
             schema);
    /* $1 job, $2 run id or NULL for the newest */
    snprintf(j->run_sql, sizeof j->run_sql,
             "SELECT id, " TM_DB_TS("started_at") ", " TM_DB_TS(
                 "finished_at") ", outcome, rows,"
                                " error FROM %s.job_runs WHERE job = $1 AND ($2::bigint IS NULL OR "
                                "id = $2::bigint)"
                                " ORDER BY id DESC LIMIT 1",
             schema);
    /* $1 job: its failed runs since its last good one (skipped ones do not count) */
    snprintf(j->fail_sql, sizeof j->fail_sql,
             "SELECT count(*) FROM %s.job_runs WHERE job = $1 AND outcome = 'failed' AND id >"
             " COALESCE((SELECT max(id) FROM %s.job_runs WHERE job = $1 AND outcome = 'ok'), 0)",
             schema, schema);
    j->db_url = tm_xstrdup(db_url);
    snprintf(j->instance, sizeof j->instance, "%s", instance);
    j->app = app;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    j->due_ms = tm_xcalloc((size_t)(n > 0 ? n : 1), sizeof *j->due_ms);
    for (int i = 0; i < n; i++) /* first runs a little after start, not all at once */
        j->due_ms[i] = tm_mono_ms() + 5000 + 1000 * i;
    if (pthread_create(&j->thread, NULL, scheduler_main, j) != 0) {
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->cv);
        free(j->due_ms);
        free(j->db_url);
        free(j);
        return tm_err_set(err, TM_INTERNAL, NULL, "cannot start the job scheduler");
    }
    *out = j;
    return TM_OK;
}

void
tm_jobs_stop(struct tm_jobs *j)
{
    if (!j)
        return;
    atomic_store(&j->stop, 1);
    pthread_join(j->thread, NULL);
    pthread_mutex_lock(&j->mu); /* on-demand runs finish what they started */
    while (j->running > 0)
        pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j->due_ms);
    free(j->db_url);
    free(j);
}

/* {"id","started_at","finished_at","outcome","rows","error"} of job name's
 * run id (0: its newest), or null when there is none. *found says which. */
static enum tm_code
run_json(struct tm_jobs *j, PGconn *db, const char *name, int64_t id, struct tm_buf *out,
         int *found, struct tm_err *err)
{
    struct tm_db_int idtxt;
    const char *p[2] = {name, id > 0 ? tm_db_int(&idtxt, id) : NULL};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, j->run_sql, 2, p, &r, err);

    if (rc != TM_OK)
        return rc;
    *found = PQntuples(r) > 0;
    if (!*found) {
        PQclear(r);
        return tm_buf_adds(out, "null");
    }
    rc = tm_buf_printf(out, "{\"id\":%lld,\"started_at\":", (long long)tm_db_i64(r, 0, 0));
    if (rc == TM_OK && (rc = tm_json_quote(out, tm_db_str(r, 0, 1))) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"finished_at\":")) == TM_OK)
        rc = tm_db_isnull(r, 0, 2) ? tm_buf_adds(out, "null")
                                   : tm_json_quote(out, tm_db_str(r, 0, 2));
    if (rc == TM_OK && (rc = tm_buf_adds(out, ",\"outcome\":")) == TM_OK &&
        (rc = tm_json_quote(out, tm_db_str(r, 0, 3))) == TM_OK &&
        (rc = tm_buf_printf(out, ",\"rows\":%lld,\"error\":", (long long)tm_db_i64(r, 0, 4))) ==
            TM_OK &&
        (rc = tm_json_quote(out, tm_db_str(r, 0, 5))) == TM_OK)
        rc = tm_buf_adds(out, "}");
    PQclear(r);
    return rc == TM_OK ? TM_OK : tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

/* Lets go of od; j->mu is held. Returns 1 when od is to be freed (after
 * the lock is let go). */
static int
ondemand_release(struct ondemand *od)
{
    return --od->refs == 0;
}

/* The thread of one on-demand run: its own connection, so the run may
 * outlast the request that asked for it. */
static void *
ondemand_main(void *arg)
{
    struct ondemand *od = arg;
    struct tm_jobs *j = od->j;
    PGconn *db = PQconnectdb(j->db_url); /* before the check below: it is the slow part */
    struct tm_err err;
    int64_t id = 0;
    enum tm_code rc;
    int last;

    tm_err_clear(&err);
    pthread_mutex_lock(&j->mu);
    last = od->abandoned;
    pthread_mutex_unlock(&j->mu);
    if (last)
        rc = tm_err_set(&err, TM_TIMEOUT, NULL, "not started: the request gave up");
    else if (PQstatus(db) != CONNECTION_OK)
        rc = tm_err_set(&err, TM_UNAVAIL, NULL, "database unavailable");
    else
        rc = run(j, db, od->i, od, &id, &err);
    PQfinish(db);
    pthread_mutex_lock(&j->mu);
    od->rc = rc;
    od->err = err;
    od->id = id;
    od->state = ONDEMAND_DONE;
    last = ondemand_release(od);
    j->running--; /* from here on tm_jobs_stop may free j: touch it no more */
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
    if (last)
        free(od);
    return NULL;
}

enum tm_code
tm_jobs_run_now(struct tm_jobs *j, PGconn *db, const char *name, int wait_ms, int64_t *run_id,
                int *done, struct tm_buf *out, struct tm_err *err)
{
    int i = find(j, name), found = 0;
    struct ondemand *od;
    struct timespec until;
    pthread_attr_t attr;
    pthread_t t;
    enum tm_code rc;

    *run_id = 0;
    *done = 0;
    if (i < 0)
        return tm_err_set(err, TM_NOTFOUND, "name", "no job named %.64s", name);
    if (atomic_load(&j->stop))
        return tm_err_set(err, TM_UNAVAIL, NULL, "stopping");
    od = tm_xcalloc(1, sizeof *od);
    od->j = j;
    od->i = i;
    od->refs = 2;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&j->mu);
    j->running++;
    if (pthread_create(&t, &attr, ondemand_main, od) != 0) {
        j->running--;
        pthread_mutex_unlock(&j->mu);
        pthread_attr_destroy(&attr);
        free(od);
        return tm_err_set(err, TM_INTERNAL, NULL, "cannot start the run");
    }
    pthread_attr_destroy(&attr);
    clock_gettime(CLOCK_REALTIME, &until);
    wait_ms = wait_ms < 0 ? 0 : wait_ms;
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    /* until the run has recorded its start, its answer (busy elsewhere,
     * database down) is the request's; a run that cannot start in time is
     * not started at all */
    while (od->state == ONDEMAND_STARTING)
        if (pthread_cond_timedwait(&j->cv, &j->mu, &until) == ETIMEDOUT) {
            if (od->state == ONDEMAND_STARTING)
                od->abandoned = 1;
            break;
        }
    while (od->state == ONDEMAND_STARTED)
        if (pthread_cond_timedwait(&j->cv, &j->mu, &until) == ETIMEDOUT)
            break;
    *done = od->state == ONDEMAND_DONE;
    *run_id = od->id;
    if (od->abandoned) {
        if (ondemand_release(od))
            free(od);
        pthread_mutex_unlock(&j->mu);
        return tm_err_set(err, TM_UNAVAIL, NULL, "%s could not start in time", name);
    }
    rc = *done ? od->rc : TM_OK;
    if (*done && rc != TM_OK && err)
        *err = od->err;
    if (ondemand_release(od))
        free(od); /* the run's thread is done with it */
    pthread_mutex_unlock(&j->mu);
    if (rc != TM_OK && !*run_id)
        return rc; /* not run: busy elsewhere, or the database is down */
    if (!*done)
        return TM_OK;
    return run_json(j, db, name, *run_id, out, &found, err);
}

enum tm_code
tm_jobs_list(struct tm_jobs *j, PGconn *db, struct tm_buf *out, struct tm_err *err)
{
    enum tm_code rc = tm_buf_adds(out, "{\"items\":[");
    int64_t failed = 0;
    int found;

    for (int i = 0; i < j->n && rc == TM_OK; i++) {
        if ((rc = tm_buf_adds(out, i ? "," : "")) == TM_OK &&
            (rc = tm_buf_adds(out, "{\"name\":")) == TM_OK &&
            (rc = tm_json_quote(out, j->jobs[i].name)) == TM_OK &&
            (rc = tm_buf_printf(out, ",\"interval_s\":%d,\"last_run\":", j->jobs[i].interval_s)) ==
                TM_OK &&
            (rc = run_json(j, db, j->jobs[i].name, 0, out, &found, err)) == TM_OK &&
            (rc = tm_db_i64_one(db, j->fail_sql, 1, &j->jobs[i].name, &failed, err)) == TM_OK)
            rc = tm_buf_printf(out, ",\"failed_in_a_row\":%lld}", (long long)failed);
    }
    return rc == TM_OK ? tm_buf_adds(out, "]}") : rc;
}

static struct tm_jobs *
ctx_jobs(const struct tm_ctx *ctx, struct tm_err *err)
{
    if (!ctx->jobs)
        tm_err_set(err, TM_INTERNAL, NULL, "this service runs no jobs");
    return ctx->jobs;
}

enum tm_code
tm_jobs_h_list(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_jobs *j = ctx_jobs(ctx, err);

    return j ? tm_jobs_list(j, ctx->db, &rep->body, err) : TM_INTERNAL;
}

/* How long a request may wait for its run: up to its deadline, less a
 * margin for the reply's way back. */
#define RUN_REPLY_MARGIN_MS 300
#define RUN_WAIT_MAX_MS 30000

enum tm_code
tm_jobs_h_run(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_jobs *j = ctx_jobs(ctx, err);
    const char *name = tm_request_param(ctx->req, "name");
    int64_t wait = RUN_WAIT_MAX_MS, id = 0;
    size_t plen = strlen(ctx->req->path);
    char poll[TM_PATH_MAX + 32];
    enum tm_code rc;
    int done = 0;

    if (!j)
        return TM_INTERNAL;
    if (ctx->req->deadline_ms > 0)
        wait = ctx->req->deadline_ms - tm_now_ms() - RUN_REPLY_MARGIN_MS;
    wait = wait < 0 ? 0 : wait > RUN_WAIT_MAX_MS ? RUN_WAIT_MAX_MS : wait;
    snprintf(rep->target, sizeof rep->target, "job:%.60s", name ? name : "");
    rc = tm_jobs_run_now(j, ctx->db, name ? name : "", (int)wait, &id, &done, &rep->body, err);
    if (rc != TM_OK || done)
        return rc;
    /* still running: 202 with the run and where to poll it
     * (POST .../jobs/{name}/run → GET .../jobs/{name}/runs/{id}) */
    if (plen >= 4 && strcmp(ctx->req->path + plen - 4, "/run") == 0)
        plen -= 4;
    if (snprintf(poll, sizeof poll, "%.*s/runs/%lld", (int)plen, ctx->req->path, (long long)id) >=
        (int)sizeof poll)
        return tm_err_set(err, TM_TOOBIG, NULL, "path too long");
    rep->status = 202;
    tm_buf_reset(&rep->body);
    rc = tm_buf_printf(&rep->body, "{\"id\":%lld,\"name\":", (long long)id);
    if (rc == TM_OK && (rc = tm_json_quote(&rep->body, name)) == TM_OK &&
        (rc = tm_buf_adds(&rep->body, ",\"outcome\":\"running\",\"poll\":")) == TM_OK &&
        (rc = tm_json_quote(&rep->body, poll)) == TM_OK &&
        (rc = tm_buf_adds(&rep->body, "}")) == TM_OK)
        return TM_OK;
    return tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
}

enum tm_code
tm_jobs_h_run_get(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    struct tm_jobs *j = ctx_jobs(ctx, err);
    const char *name = tm_request_param(ctx->req, "name");
    int64_t id = 0;
    int found = 0;
    enum tm_code rc;

    if (!j)
        return TM_INTERNAL;
    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK)
        return rc;
    if (!name || find(j, name) < 0)
        return tm_err_set(err, TM_NOTFOUND, "name", "no job named %.64s", name ? name : "");
    if ((rc = run_json(j, ctx->db, name, id, &rep->body, &found, err)) == TM_OK && !found)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no run %lld of %.64s", (long long)id, name);
    return rc;
}
