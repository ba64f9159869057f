/* common/event.h — an event as it travels (proto/events.md): decoding from
 * the wire or from a replay page. Borrowing rules: ev->data points into the
 * parsed tree, which the caller owns. No state; thread-safe. */
#ifndef TM_COMMON_EVENT_H
#define TM_COMMON_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#define TM_TOPIC_MAX 64
#define TM_EVENT_TS_MAX 40 /* an event's "ts" with its NUL */

struct tm_event {
    char topic[TM_TOPIC_MAX];
    char source[32];
    int64_t seq;
    char ts[TM_EVENT_TS_MAX]; /* commit time, "2026-11-22T21:39:19.215Z"; "" when absent */
    const cJSON *data;        /* borrowed for the call */
};

/* Reads an event from a parsed JSON value (ev->data borrows from root). */
TM_MUSTCHECK enum tm_code tm_event_from(const cJSON *root, struct tm_event *ev, struct tm_err *err);

/* Parses a wire event (the JSON after the PUB topic line, or a replay
 * element) into ev; ev->data borrows from *root, which the caller frees.
 * TM_INVALID naming the field when it is not an event. */
TM_MUSTCHECK enum tm_code tm_event_parse(const char *text, size_t len, struct tm_event *ev,
                                         cJSON **root, struct tm_err *err);

/* Member `name` of an event's data as statement text: strings as they are,
 * numbers (whole) and booleans printed into buf[size]; NULL when absent or
 * null. For subscribers that copy fields into their read model. */
const char *tm_event_text(const cJSON *data, const char *name, char *buf, size_t size);

#endif
