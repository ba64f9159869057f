/* services/alerts/jobs_poll.h — what job_failing rules watch: every
 * daemon's scheduled jobs and their failed runs in a row. The jobs-poll job
 * asks each peer daemon for its job list over the bus (the route its API
 * lists jobs under, as service "tm-alerts"), reads tm-alerts' own from its
 * job_runs, keeps alerts.jobs and evaluates job_failing per (service, job). */
#ifndef TM_ALERTS_JOBS_POLL_H
#define TM_ALERTS_JOBS_POLL_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/err.h"

/* The daemons tm-alerts calls (its declaration's peers, in this order). */
#define AL_PEERS_N 4
extern const char *const al_peers[AL_PEERS_N];

/* The jobs-poll job (tm_job_fn; app is struct al_app): a peer that does
 * not answer is logged and passed over (its jobs keep their last figures);
 * *rows is the job_failing conditions that moved. */
TM_MUSTCHECK enum tm_code al_job_jobs_poll(void *app, PGconn *db, int64_t *rows,
                                           struct tm_err *err);

#endif
