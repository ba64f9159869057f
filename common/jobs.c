/* common/jobs.c — the scheduler: one thread a service, waking every 500 ms
 * to start what is due. A job's work and its advisory lock share one
 * transaction; the run record is written outside it, so a failed run is
 * recorded too. */
#include "common/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/json.h"
#include "common/log.h"
#include "common/router.h"
#include "common/time.h"

struct tm_jobs {
    const struct tm_job *jobs; /* read-only */
    int n;
    const struct tm_job_sql *sql;
    char *db_url;
    char instance[32];
    void *app;
    int64_t *due_ms; /* thread only */
    pthread_t thread;
    atomic_int stop;
};

static int
find(const struct tm_jobs *j, const char *name)
{
    for (int i = 0; i < j->n; i++)
        if (strcmp(j->jobs[i].name, name) == 0)
            return i;
    return -1;
}

/* Runs job i once under its session advisory lock. TM_CONFLICT when another
 * instance holds it (nothing is recorded then); otherwise the run is
 * recorded with its outcome and *run_id set, and the job's own error, if
 * any, is returned. */
static enum tm_code
run(struct tm_jobs *j, PGconn *db, int i, int64_t *run_id, struct tm_err *err)
{
    const struct tm_job *job = &j->jobs[i];
    struct tm_db_int key, idtxt, rowtxt;
    const char *lp[1] = {tm_db_int(&key, j->sql->lock_base + i)};
    const char *sp[2] = {job->name, j->instance};
    const char *ep[4];
    PGresult *r = NULL;
    int64_t rows = 0;
    enum tm_code rc;
    struct tm_err jerr;
    int held;

    tm_err_clear(&jerr);
    if ((rc = tm_db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, lp, &r, err)) != TM_OK)
        return rc;
    held = tm_db_bool(r, 0, 0);
    PQclear(r);
    if (!held)
        return tm_err_set(err, TM_CONFLICT, "name", "%s is running elsewhere", job->name);
    if ((rc = tm_db_exec(db, j->sql->start_sql, 2, sp, &r, err)) != TM_OK)
        goto unlock;
    *run_id = tm_db_i64(r, 0, 0);
    PQclear(r);
    if ((rc = tm_db_begin(db, &jerr)) == TM_OK) {
        rc = job->fn(j->app, db, &rows, &jerr);
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
    if (tm_db_exec(db, j->sql->end_sql, 4, ep, NULL, err) != TM_OK)
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
            int64_t id = 0;
            if (j->jobs[i].interval_s <= 0 || now < j->due_ms[i])
                continue;
            j->due_ms[i] = now + (int64_t)j->jobs[i].interval_s * 1000;
            if (run(j, db, i, &id, NULL) != TM_OK)
                tm_log_warn(NULL, "job.failed", "job=%s", j->jobs[i].name);
        }
    }
    PQfinish(db);
    return NULL;
}

enum tm_code
tm_jobs_start(const struct tm_job *jobs, int n, const struct tm_job_sql *sql, const char *db_url,
              const char *instance, void *app, struct tm_jobs **out, struct tm_err *err)
{
    struct tm_jobs *j = tm_xcalloc(1, sizeof *j);

    j->jobs = jobs;
    j->n = n;
    j->sql = sql;
    j->db_url = tm_xstrdup(db_url);
    snprintf(j->instance, sizeof j->instance, "%s", instance);
    j->app = app;
    j->due_ms = tm_xcalloc((size_t)n, sizeof *j->due_ms);
    for (int i = 0; i < n; i++) /* first runs a little after start, not all at once */
        j->due_ms[i] = tm_mono_ms() + 5000 + 1000 * i;
    if (pthread_create(&j->thread, NULL, scheduler_main, j) != 0) {
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
    free(j->due_ms);
    free(j->db_url);
    free(j);
}

/* {"id","started_at","finished_at","outcome","rows","error"} of row 0, or null. */
static enum tm_code
last_run_json(struct tm_jobs *j, PGconn *db, const char *name, struct tm_buf *out,
              struct tm_err *err)
{
    const char *p[1] = {name};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, j->sql->last_sql, 1, p, &r, err);

    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0) {
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

enum tm_code
tm_jobs_run_now(struct tm_jobs *j, PGconn *db, const char *name, struct tm_buf *out,
                struct tm_err *err)
{
    int i = find(j, name);
    int64_t id = 0;
    enum tm_code rc;

    if (i < 0)
        return tm_err_set(err, TM_NOTFOUND, "name", "no job named %.64s", name);
    if ((rc = run(j, db, i, &id, err)) != TM_OK && !id)
        return rc; /* not run: busy elsewhere, or the database is down */
    return last_run_json(j, db, name, out, err);
}

enum tm_code
tm_jobs_list(struct tm_jobs *j, PGconn *db, struct tm_buf *out, struct tm_err *err)
{
    enum tm_code rc = tm_buf_adds(out, "{\"items\":[");

    for (int i = 0; i < j->n && rc == TM_OK; i++) {
        if ((rc = tm_buf_adds(out, i ? "," : "")) == TM_OK &&
            (rc = tm_buf_adds(out, "{\"name\":")) == TM_OK &&
            (rc = tm_json_quote(out, j->jobs[i].name)) == TM_OK &&
            (rc = tm_buf_printf(out, ",\"interval_s\":%d,\"last_run\":", j->jobs[i].interval_s)) ==
                TM_OK &&
            (rc = last_run_json(j, db, j->jobs[i].name, out, err)) == TM_OK)
            rc = tm_buf_adds(out, "}");
    }
    return rc == TM_OK ? tm_buf_adds(out, "]}") : rc;
}

enum tm_code
tm_jobs_h_list(struct tm_jobs *j, struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    return tm_jobs_list(j, ctx->db, &rep->body, err);
}

enum tm_code
tm_jobs_h_run(struct tm_jobs *j, struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    const char *name = tm_request_param(ctx->req, "name");

    snprintf(rep->target, sizeof rep->target, "job:%.60s", name ? name : "");
    return tm_jobs_run_now(j, ctx->db, name ? name : "", &rep->body, err);
}
