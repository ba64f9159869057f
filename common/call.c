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
