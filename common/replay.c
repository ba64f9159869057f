/* common/replay.c — catching up with a source and listening to it. Every
 * reader of the bus asks its pages and opens its SUB sockets here, so the
 * request shape and the socket limits are written once. */
#include "common/replay.h"

#include <stdio.h>
#include <string.h>

#include <nanomsg/nn.h>
#include <nanomsg/pubsub.h>

#include "common/envelope.h"
#include "common/json.h"
#include "common/outbox.h"

void
tm_replay_page_fini(struct tm_replay_page *page)
{
    if (!page)
        return;
    cJSON_Delete(page->root);
    memset(page, 0, sizeof *page);
}

/* The page's fields from a parsed reply body. */
static enum tm_code
page_read(struct tm_replay_page *page, struct tm_err *err)
{
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(page->root, "last_seq");

    page->events = cJSON_GetObjectItemCaseSensitive(page->root, "events");
    if (!cJSON_IsArray(page->events) || !cJSON_IsNumber(last))
        return tm_err_set(err, TM_INVALID, "replay", "a replay reply needs events and last_seq");
    page->n = cJSON_GetArraySize(page->events);
    page->last_seq = (int64_t)last->valuedouble;
    return TM_OK;
}

enum tm_code
tm_replay_fetch(struct tm_bus_client *bus, const char *rid, int64_t after, int limit,
                int64_t deadline_mono_ms, struct tm_replay_page *page, struct tm_err *err)
{
    char q_after[24], q_limit[16], *reply = NULL;
    struct tm_request req;
    struct tm_reply_view v;
    struct tm_buf env;
    size_t len = 0;
    enum tm_code rc;

    memset(page, 0, sizeof *page);
    memset(&req, 0, sizeof req);
    snprintf(req.id, sizeof req.id, "%s", rid);
    snprintf(req.method, sizeof req.method, "%s", TM_REPLAY_METHOD);
    snprintf(req.route, sizeof req.route, "/_events");
    snprintf(q_after, sizeof q_after, "%lld", (long long)(after < 0 ? 0 : after));
    snprintf(q_limit, sizeof q_limit, "%d",
             limit < 1 ? 1 : (limit > TM_REPLAY_LIMIT_MAX ? TM_REPLAY_LIMIT_MAX : limit));
    req.query[0] = (struct tm_kv){"after", q_after};
    req.query[1] = (struct tm_kv){"limit", q_limit};
    req.n_query = 2;
    snprintf(req.principal.kind, sizeof req.principal.kind, "internal");
    tm_buf_init(&env, 4096);
    rc = tm_request_encode(&req, &env, err);
    if (rc == TM_OK)
        rc = tm_bus_call(bus, env.p, env.len, 1, deadline_mono_ms, &reply, &len, err);
    if (rc == TM_OK)
        rc = tm_reply_decode(reply, len, &v, err);
    if (rc == TM_OK && (v.status == 404 || v.status == 405))
        rc = tm_err_set(err, TM_NOTFOUND, NULL, "%s publishes no events", tm_bus_client_name(bus));
    else if (rc == TM_OK && v.status != 200)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "replay answered %d", v.status);
    if (rc == TM_OK)
        rc = tm_json_parse(v.body, v.body_len, TM_JSON_DEPTH_MAX, "replay", &page->root, err);
    if (rc == TM_OK)
        rc = page_read(page, err);
    if (rc != TM_OK)
        tm_replay_page_fini(page);
    tm_buf_fini(&env);
    tm_bus_free(reply);
    return rc;
}

enum tm_code
tm_replay_sub_open(const char *prefixes, const char *endpoints, int rcv_timeout_ms, int *sock,
                   struct tm_err *err)
{
    char list[1024], *save = NULL;
    int s = nn_socket(AF_SP, NN_SUB), max = TM_MESSAGE_MAX;

    *sock = -1;
    if (s < 0 ||
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &rcv_timeout_ms, sizeof rcv_timeout_ms) < 0 ||
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &max, sizeof max) < 0) {
        tm_err_set(err, TM_INTERNAL, NULL, "SUB socket: %s", nn_strerror(nn_errno()));
        goto fail;
    }
    if (tm_strlcpy(list, prefixes, sizeof list) != TM_OK) {
        tm_err_set(err, TM_TOOBIG, "prefix", "topic prefixes over %zu bytes", sizeof list - 1);
        goto fail;
    }
    for (char *p = list, *end; p; p = end ? end + 1 : NULL) {
        size_t n = (end = strchr(p, ',')) ? (size_t)(end - p) : strlen(p);

        if (nn_setsockopt(s, NN_SUB, NN_SUB_SUBSCRIBE, p, n) < 0) {
            tm_err_set(err, TM_INTERNAL, NULL, "SUB subscribe: %s", nn_strerror(nn_errno()));
            goto fail;
        }
    }
    if (tm_strlcpy(list, endpoints, sizeof list) != TM_OK) {
        tm_err_set(err, TM_TOOBIG, "events-endpoints", "endpoints over %zu bytes", sizeof list - 1);
        goto fail;
    }
    for (char *ep = strtok_r(list, ",", &save); ep; ep = strtok_r(NULL, ",", &save))
        if (nn_connect(s, ep) < 0) {
            tm_err_set(err, TM_INVALID, "events-endpoints", "%s: %s", ep, nn_strerror(nn_errno()));
            goto fail;
        }
    *sock = s;
    return TM_OK;
fail:
    if (s >= 0)
        nn_close(s);
    return err ? err->code : TM_INTERNAL;
}

enum tm_code
tm_replay_sub_parse(const char *msg, size_t len, cJSON **root, struct tm_err *err)
{
    const char *nl = memchr(msg, '\n', len);

    *root = NULL;
    if (!nl)
        return tm_err_set(err, TM_INVALID, "event", "a PUB message is <topic>\\n<event>");
    return tm_json_parse(nl + 1, (size_t)(msg + len - nl - 1), TM_JSON_DEPTH_MAX, "event", root,
                         err);
}
