/* common/event.c — event decoding, shared by subscribers, tm-events and the
 * fuzz target; every event a subscriber applies passes here once. */
#include "common/event.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"

enum tm_code
tm_event_from(const cJSON *root, struct tm_event *ev, struct tm_err *err)
{
    enum tm_code rc = tm_json_object(root, "event", err);

    memset(ev, 0, sizeof *ev);
    if (rc == TM_OK &&
        (rc = tm_json_str(root, "topic", 1, TM_TOPIC_MAX - 1, ev->topic, sizeof ev->topic, err)) ==
            TM_OK &&
        (rc = tm_json_str(root, "source", 1, sizeof ev->source - 1, ev->source, sizeof ev->source,
                          err)) == TM_OK &&
        (rc = tm_json_i64(root, "seq", 1, INT64_MAX, &ev->seq, err)) == TM_OK &&
        (!tm_json_member(root, "ts") || (rc = tm_json_str(root, "ts", 1, sizeof ev->ts - 1, ev->ts,
                                                          sizeof ev->ts, err)) == TM_OK)) {
        ev->data = tm_json_member(root, "data");
        if (!cJSON_IsObject(ev->data))
            rc = tm_err_set(err, TM_INVALID, "data", "event data must be an object");
    }
    return rc;
}

enum tm_code
tm_event_parse(const char *text, size_t len, struct tm_event *ev, cJSON **root, struct tm_err *err)
{
    enum tm_code rc = tm_json_parse(text, len, TM_JSON_DEPTH_MAX, "event", root, err);

    if (rc == TM_OK && (rc = tm_event_from(*root, ev, err)) != TM_OK) {
        cJSON_Delete(*root);
        *root = NULL;
    }
    return rc;
}

const char *
tm_event_text(const cJSON *data, const char *name, char *buf, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, name);

    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        snprintf(buf, size, "%.0f", v->valuedouble);
        return buf;
    }
    return NULL;
}
