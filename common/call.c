/* common/call.c — see call.h. */
#include "common/call.h"

#include <stdio.h>

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
