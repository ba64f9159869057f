/* common/jobs.h — scheduled jobs of a service (docs/architecture.md "Background
 * jobs"). A service registers named jobs with an interval; a thread runs
 * each when due. With several instances, the one that takes the job's
 * PostgreSQL advisory lock runs it (the others record nothing); every run is
 * recorded (start, end, outcome, rows touched, error) in the service's own
 * <schema>.job_runs table. Runs on demand go through tm_jobs_run_now (the
 * API's POST .../jobs/{name}/run). */
#ifndef TM_COMMON_JOBS_H
#define TM_COMMON_JOBS_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"

/* The job's work, in a transaction the runner commits on TM_OK; *rows is
 * how many rows it touched. */
typedef enum tm_code (*tm_job_fn)(void *app, PGconn *db, int64_t *rows, struct tm_err *err);

struct tm_job {
    const char *name; /* [a-z0-9-] */
    int interval_s;   /* 0: only on demand */
    tm_job_fn fn;
    void *arg; /* handed to fn instead of the runner's app when not NULL */
};

struct tm_jobs;

/* Starts the scheduler thread (its own connection). Runs are recorded in
 * <schema>.job_runs (sql/plumbing/jobs.sql); job i's advisory lock key is
 * derived from the schema and its name (tm_key64). jobs is borrowed for the
 * life of the runner. */
TM_MUSTCHECK enum tm_code tm_jobs_start(const struct tm_job *jobs, int n, const char *schema,
                                        const char *db_url, const char *instance, void *app,
                                        struct tm_jobs **out, struct tm_err *err);
/* Stops the scheduler and waits for runs started on demand to end. */
void tm_jobs_stop(struct tm_jobs *j);

/* Starts job `name` now on a thread of its own (own connection) and waits
 * up to wait_ms for it. *run_id is the run's id once recorded. When it
 * ended in time (*done = 1) its run record is appended to out as JSON, also
 * when the job failed (the job's error is returned). When it is still
 * running (*done = 0) nothing is appended and TM_OK is returned: the run
 * goes on and is polled by id. TM_NOTFOUND (field "name") for an unknown
 * job; TM_CONFLICT when another run holds it. db serves the reply's read. */
TM_MUSTCHECK enum tm_code tm_jobs_run_now(struct tm_jobs *j, PGconn *db, const char *name,
                                          int wait_ms, int64_t *run_id, int *done,
                                          struct tm_buf *out, struct tm_err *err);

/* Appends {"items":[{"name","interval_s","last_run":{...}|null,
 * "failed_in_a_row"}]} to out: failed_in_a_row counts the job's failed runs
 * since its last good one (skipped runs do not count; tm-alerts'
 * job_failing rules read it). */
TM_MUSTCHECK enum tm_code tm_jobs_list(struct tm_jobs *j, PGconn *db, struct tm_buf *out,
                                       struct tm_err *err);

/* The job routes every service with jobs lists in its route table (the
 * router hands them the service's runner as ctx->jobs):
 *   GET  .../jobs                      the list
 *   POST .../jobs/{name}/run           runs it; 200 with the run when it ends
 *                                      within the request's deadline, else 202
 *                                      {"id","name","outcome":"running","poll"}
 *   GET  .../jobs/{name}/runs/{id}     one run, to poll */
struct tm_ctx;
struct tm_reply;
TM_MUSTCHECK enum tm_code tm_jobs_h_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                         struct tm_err *err);
TM_MUSTCHECK enum tm_code tm_jobs_h_run(struct tm_ctx *ctx, struct tm_reply *rep,
                                        struct tm_err *err);
TM_MUSTCHECK enum tm_code tm_jobs_h_run_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);

#endif
