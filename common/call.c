/* common/call.c — see call.h. */
#include "common/call.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/time.h"

#include "proto/limits.h"

enum tm_code
tm_call(struct tm_bus_client *c, const struct tm_request *req, int *status, struct tm_buf *out,
        struct tm_err *err)
{
    int64_t deadline = req->deadline_ms ? req->deadline_ms : tm_now_ms() + 10000;
    struct tm_reply_view v;
    struct tm_buf env;
    char *reply = NULL;
    size_t len = 0;
    enum tm_code rc;

    tm_buf_init(&env, TM_MESSAGE_MAX);
    rc = tm_request_encode(req, &env, err);
    if (rc == TM_OK)
        rc = tm_bus_call(c, env.p, env.len, 1, tm_mono_ms() + (deadline - tm_now_ms()), &reply,
                         &len, err);
    if (rc == TM_OK && (rc = tm_reply_decode(reply, len, &v, err)) == TM_OK) {
        *status = v.status;
        if (tm_buf_add(out, v.body, v.body_len) != TM_OK)
            rc = tm_err_set(err, TM_TOOBIG, NULL, "reply too large");
    }
    tm_bus_free(reply);
    tm_buf_fini(&env);
    if (rc == TM_TIMEOUT || rc == TM_UNAVAIL) {
        char why[TM_ERR_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err ? err->message : "");
        return tm_err_set(err, TM_UNAVAIL, NULL, "%s did not answer: %s", tm_bus_client_name(c),
                          why);
    }
    return rc;
}

void
tm_call_request(struct tm_request *req, const char *who, const char *method, const char *route,
                const char *path, const char *body, const char *idem)
{
    static _Atomic long n;

    memset(req, 0, sizeof *req);
    snprintf(req->id, sizeof req->id, "%s-%ld", who, ++n);
    snprintf(req->method, sizeof req->method, "%s", method);
    snprintf(req->route, sizeof req->route, "%s", route);
    snprintf(req->path, sizeof req->path, "%s", path);
    snprintf(req->principal.kind, sizeof req->principal.kind, "service");
    snprintf(req->principal.id, sizeof req->principal.id, "%s", who);
    snprintf(req->principal.role, sizeof req->principal.role, "admin");
    snprintf(req->idem_key, sizeof req->idem_key, "%s", idem ? idem : "");
    req->body = body;
    req->body_len = body ? strlen(body) : 0;
}

enum tm_code
tm_call_json(struct tm_bus_client *c, struct tm_request *req, int *status, cJSON **json,
             struct tm_err *err)
{
    struct tm_buf out;
    enum tm_code rc = TM_UNAVAIL;

    tm_buf_init(&out, 1 << 20);
    for (int attempt = 0; attempt < 60; attempt++) {
        tm_buf_reset(&out);
        req->deadline_ms = tm_now_ms() + 10000;
        rc = tm_call(c, req, status, &out, err);
        if (rc != TM_UNAVAIL && !(rc == TM_OK && *status >= 502 && *status <= 504))
            break;
        tm_sleep_ms(500);
    }
    *json = NULL;
    if (rc == TM_OK &&
        tm_json_parse(out.p, out.len, TM_JSON_DEPTH_MAX, "reply", json, NULL) != TM_OK)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "reply %d is not JSON", *status);
    tm_buf_fini(&out);
    return rc;
}

/* ---- running another service's job ---------------------------------------- */

static int64_t
num_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* The newest run of job name (GET <jobs>): *id (0: none), whether it
 * finished and whether it went well. */
static enum tm_code
job_last(struct tm_bus_client *c, const char *who, const char *jobs, const char *name, int64_t *id,
         int *finished, int *ok, struct tm_err *err)
{
    struct tm_request req;
    const cJSON *items = NULL, *it;
    cJSON *json = NULL;
    int status = 0;
    enum tm_code rc;

    *id = 0;
    *finished = *ok = 0;
    tm_call_request(&req, who, "GET", jobs, jobs, NULL, NULL);
    if ((rc = tm_call_json(c, &req, &status, &json, err)) == TM_OK && status != 200)
        rc = tm_err_set(err, TM_INTERNAL, NULL, "GET %s answered %d", jobs, status);
    if (rc == TM_OK)
        items = cJSON_GetObjectItemCaseSensitive(json, "items");
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
        const cJSON *run = cJSON_GetObjectItemCaseSensitive(it, "last_run");
        const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(run, "outcome");

        if (!cJSON_IsString(n) || strcmp(n->valuestring, name) != 0 || !cJSON_IsObject(run))
            continue;
        *id = num_of(run, "id");
        *finished = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(run, "finished_at"));
        *ok = cJSON_IsString(outcome) && strcmp(outcome->valuestring, "ok") == 0;
    }
    cJSON_Delete(json);
    return rc;
}

/* Asks for a run now, waiting post_ms for its answer: *status 200 (it ran:
 * *run_id, *ok from its run record), 202 (it runs on) or 409 (a run is
 * under way); 0 when no answer came in time (its run record will tell). */
static enum tm_code
job_post(struct tm_bus_client *c, const char *who, const char *jobs, const char *name,
         int64_t post_ms, int *status, int64_t *run_id, int *ok, struct tm_err *err)
{
    struct tm_request req;
    struct tm_buf out;
    cJSON *json = NULL;
    char route[TM_ROUTE_MAX + 1], path[TM_PATH_MAX + 1];
    enum tm_code rc;

    *status = 0;
    *run_id = 0;
    *ok = 0;
    snprintf(route, sizeof route, "%s/{name}/run", jobs);
    snprintf(path, sizeof path, "%s/%s/run", jobs, name);
    tm_call_request(&req, who, "POST", route, path, NULL, NULL);
    req.params[0] = (struct tm_kv){"name", name};
    req.n_params = 1;
    req.deadline_ms = tm_now_ms() + post_ms;
    tm_buf_init(&out, 1 << 16);
    rc = tm_call(c, &req, status, &out, err);
    if (rc == TM_UNAVAIL) { /* no answer yet: not an error, the run record tells */
        *status = 0;
        rc = TM_OK;
    } else if (rc == TM_OK && *status == 200 &&
               tm_json_parse(out.p, out.len, TM_JSON_DEPTH_MAX, "reply", &json, NULL) == TM_OK) {
        const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(json, "outcome");
        *run_id = num_of(json, "id");
        *ok = cJSON_IsString(outcome) && strcmp(outcome->valuestring, "ok") == 0;
    } else if (rc == TM_OK && *status != 202 && *status != 409) {
        rc = tm_err_set(err, TM_INTERNAL, NULL, "POST %s answered %d", path, *status);
    }
    cJSON_Delete(json);
    tm_buf_fini(&out);
    return rc;
}

enum tm_code
tm_call_job(struct tm_bus_client *c, const char *who, const char *jobs, const char *name,
            const struct tm_call_job_wait *w, int64_t *run_id, int *ok, struct tm_err *err)
{
    int64_t t0 = tm_mono_ms(), before = 0, asked = 0, id = 0;
    int status = 0, finished = 0, want_post = 1, done = 0;
    enum tm_code rc = job_last(c, who, jobs, name, &before, &finished, ok, err);

    *run_id = 0;
    while (rc == TM_OK && !done) {
        if (tm_mono_ms() - t0 > w->wait_ms)
            return tm_err_set(err, TM_TIMEOUT, NULL, "job %s took over %lld s", name,
                              (long long)(w->wait_ms / 1000));
        if (want_post) {
            if ((rc = job_post(c, who, jobs, name, w->post_ms, &status, &id, ok, err)) != TM_OK ||
                status == 200)
                break;
            want_post = 0;
            asked = tm_mono_ms();
        }
        if (w->progress)
            w->progress(w->arg);
        tm_sleep_ms(1000);
        if ((rc = job_last(c, who, jobs, name, &id, &finished, ok, err)) != TM_OK)
            break;
        if (status == 409 && finished) { /* the run under way is over: ask again */
            before = id;
            want_post = 1;
        } else if (status != 409 && id > before) {
            done = finished;
        } else if (status != 409 && tm_mono_ms() - asked > w->start_ms) {
            want_post = 1; /* the request never reached the job */
        }
    }
    *run_id = id;
    return rc;
}
