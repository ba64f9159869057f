/* services/alerts/jobs_poll.c — every daemon's jobs, polled (jobs_poll.h). */
#include "services/alerts/jobs_poll.h"

#include <stdlib.h>
#include <string.h>

#include "common/call.h"
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#include "services/alerts/app.h"
#include "services/alerts/cond_store.h"
#include "services/alerts/facts_store.h"

#define POLL_TIMEOUT_MS 5000
#define LIST_MAX (256 << 10) /* a job list: a few KiB */

const char *const al_peers[AL_PEERS_N] = {"inventory", "txn", "supplier", "analytics"};
/* where each lists its jobs (its route table's job routes) */
static const char *const list_routes[AL_PEERS_N] = {
    "/api/v1/jobs", "/api/v1/txn/jobs", "/api/v1/supplier/jobs", "/api/v1/analytics/jobs"};

/* Asks peer i for its job list into *jobs. */
static enum tm_code
poll_peer(struct tm_bus_client *c, int i, struct al_fact_jobs *jobs, struct tm_err *err)
{
    struct tm_request req;
    struct tm_buf body;
    cJSON *root = NULL;
    int status = 0;
    enum tm_code rc;

    if (!c)
        return tm_err_set(err, TM_UNAVAIL, NULL, "no client of %s", al_peers[i]);
    tm_call_request(&req, "tm-alerts", "GET", list_routes[i], list_routes[i], NULL, NULL);
    req.deadline_ms = tm_now_ms() + POLL_TIMEOUT_MS;
    tm_buf_init(&body, LIST_MAX);
    rc = tm_call(c, &req, &status, &body, err);
    if (rc == TM_OK && status != 200)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "%s's job list answered %d", al_peers[i], status);
    if (rc == TM_OK &&
        (rc = tm_json_parse(body.p, body.len, TM_JSON_DEPTH_MAX, "body", &root, err)) == TM_OK)
        rc = al_fact_jobs_decode(root, jobs, err);
    cJSON_Delete(root);
    tm_buf_fini(&body);
    return rc;
}

/* Keeps service's jobs and evaluates job_failing over each. */
static enum tm_code
keep(PGconn *db, const char *service, const struct al_fact_jobs *jobs, int64_t now, int64_t *rows,
     struct tm_err *err)
{
    struct al_entity e;
    enum tm_code rc = al_facts_db_jobs(db, service, jobs, err);

    for (int i = 0; i < jobs->n && rc == TM_OK; i++) {
        memset(&e, 0, sizeof e);
        e.type = AL_ENT_JOB;
        snprintf(e.service, sizeof e.service, "%s", service);
        snprintf(e.job, sizeof e.job, "%s", jobs->jobs[i].name);
        if ((rc = al_facts_db_entity(db, &e, now, err)) == TM_OK)
            rc = al_cond_eval(db, &e, 1u << AL_KIND_JOB_FAILING, 0, rows, err);
    }
    return rc;
}

enum tm_code
al_job_jobs_poll(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct al_app *a = app;
    struct al_fact_jobs *jobs = tm_xcalloc(1, sizeof *jobs);
    int64_t now = tm_now_ms();
    enum tm_code rc = TM_OK;

    *rows = 0;
    for (int i = 0; i < AL_PEERS_N && rc == TM_OK; i++) {
        struct tm_err e = {0};

        if (poll_peer(a->env ? a->env->peers[i] : NULL, i, jobs, &e) != TM_OK) {
            tm_log_warn(NULL, "alerts.jobs_poll_failed", "service=%s error=\"%s\"", al_peers[i],
                        e.message);
            continue;
        }
        rc = keep(db, al_peers[i], jobs, now, rows, err);
    }
    memset(jobs, 0, sizeof *jobs);
    for (int k = 0; a->env && k < a->env->n_jobs && rc == TM_OK; k++)
        rc = al_facts_db_own_job(db, a->env->jobs[k].name, jobs, err);
    if (rc == TM_OK)
        rc = keep(db, "alerts", jobs, now, rows, err);
    free(jobs);
    return rc;
}
