/* common/call.h — one request to another service over the bus, the way the
 * gateway sends them: the request envelope out, the reply envelope back.
 * Used by services that call each other (tm-txn → tm-inventory) and by
 * tools that drive a service's API without HTTP (the seed tools). */
#ifndef TM_COMMON_CALL_H
#define TM_COMMON_CALL_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/bus.h"
#include "common/envelope.h"
#include "common/err.h"

/* Sends req (its deadline_ms, wall clock, bounds the wait; 0: 10 s) and on
 * TM_OK sets *status and appends the reply's body to out. TM_UNAVAIL when
 * no instance answered in time or the outcome is unknown (the message says
 * which); TM_TOOBIG when the body does not fit out. */
TM_MUSTCHECK enum tm_code tm_call(struct tm_bus_client *c, const struct tm_request *req,
                                  int *status, struct tm_buf *out, struct tm_err *err);

/* Fills req as the gateway would send it, from a tool's principal `who`
 * (kind "service", role admin): a new request id, method, route template,
 * path, body (borrowed, may be NULL) and Idempotency-Key (NULL: none). */
void tm_call_request(struct tm_request *req, const char *who, const char *method, const char *route,
                     const char *path, const char *body, const char *idem);

/* tm_call for tools: retried while no instance answers or it answers
 * 502..504 (up to ~30 s, each attempt with a 10 s deadline); on TM_OK
 * *status and *json, the reply body parsed (the caller frees it). */
TM_MUSTCHECK enum tm_code tm_call_json(struct tm_bus_client *c, struct tm_request *req, int *status,
                                       cJSON **json, struct tm_err *err);

/* How tm_call_job waits: `post_ms` for the job's own answer, a run asked
 * for that has not begun after `start_ms` is asked for again, `wait_ms` in
 * all; progress (may be NULL) is called with arg about once a second. */
struct tm_call_job_wait {
    int64_t post_ms, start_ms, wait_ms;
    void (*progress)(void *arg);
    void *arg;
};

/* Runs job `name` of the service behind c now, as tool `who` (its routes
 * <jobs>/{name}/run and <jobs>, jobs "/api/v1/jobs"), and waits until a
 * run that began after the request has finished: a scheduled run may have
 * begun before (it does not count); the job's answer may be its run record
 * (200) or come later (202, or none within post_ms: its newest run record
 * is watched); a run under way (409) is waited out, then the job is asked
 * for again. TM_OK with *run_id and *ok (its outcome was "ok");
 * TM_TIMEOUT after w->wait_ms; the bus's errors. */
TM_MUSTCHECK enum tm_code tm_call_job(struct tm_bus_client *c, const char *who, const char *jobs,
                                      const char *name, const struct tm_call_job_wait *w,
                                      int64_t *run_id, int *ok, struct tm_err *err);

#endif
