/* common/jobs.h — scheduled jobs of a service (docs/architecture.md "Background
 * jobs"). A service registers named jobs with an interval; a thread runs
 * each when due. With several instances, the one that takes the job's
 * PostgreSQL advisory lock runs it (the others record nothing); every run is
 * recorded (start, end, outcome, rows touched, error) in the service's own
 * table, whose statements the service supplies. Runs on demand go through
 * tm_jobs_run_now (the API's POST /api/v1/jobs/{name}/run). */
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
};

struct tm_job_sql {
    int64_t lock_base;     /* advisory lock key of job i is lock_base + i */
    const char *start_sql; /* $1 job, $2 instance → id */
    const char *end_sql;   /* $1 id, $2 outcome ("ok", "failed"), $3 rows, $4 error */
    const char *last_sql; /* $1 job → the newest run: id, started, finished, outcome, rows, error */
};

struct tm_jobs;

/* Starts the scheduler thread (its own connection). jobs and sql are
 * borrowed for the life of the runner. */
TM_MUSTCHECK enum tm_code tm_jobs_start(const struct tm_job *jobs, int n,
                                        const struct tm_job_sql *sql, const char *db_url,
                                        const char *instance, void *app, struct tm_jobs **out,
                                        struct tm_err *err);
void tm_jobs_stop(struct tm_jobs *j);

/* Runs job `name` now on db (outside any transaction) and appends its run
 * record to out as JSON, also when the job failed. TM_NOTFOUND (field
 * "name") for an unknown job; TM_CONFLICT when another run holds it. */
TM_MUSTCHECK enum tm_code tm_jobs_run_now(struct tm_jobs *j, PGconn *db, const char *name,
                                          struct tm_buf *out, struct tm_err *err);

/* Appends {"items":[{"name","interval_s","last_run":{...}|null}]} to out. */
TM_MUSTCHECK enum tm_code tm_jobs_list(struct tm_jobs *j, PGconn *db, struct tm_buf *out,
                                       struct tm_err *err);

/* The two job routes of a service, for its handlers to call with its jobs:
 * GET .../jobs (the list) and POST .../jobs/{name}/run. */
struct tm_ctx;
struct tm_reply;
TM_MUSTCHECK enum tm_code tm_jobs_h_list(struct tm_jobs *j, struct tm_ctx *ctx,
                                         struct tm_reply *rep, struct tm_err *err);
TM_MUSTCHECK enum tm_code tm_jobs_h_run(struct tm_jobs *j, struct tm_ctx *ctx, struct tm_reply *rep,
                                        struct tm_err *err);

#endif
