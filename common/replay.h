/* common/replay.h — the reading half's plumbing shared by every listener of
 * the event bus (common/subscriber, the gateway's live listener, tm-events):
 * a SUB socket on a source's PUB endpoints, a PUB message's event, and a
 * page of the events after a seq asked of the source over the bus (method
 * TM_REPLAY_METHOD, proto/events.md "Delivery"). No state of its own;
 * thread-safe as long as each socket and bus client is used as its own
 * header says. */
#ifndef TM_COMMON_REPLAY_H
#define TM_COMMON_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/bus.h"
#include "common/err.h"

/* A page of replayed events: the parsed reply body and what it says. */
struct tm_replay_page {
    cJSON *root;      /* owned; cJSON_Delete through tm_replay_page_fini */
    cJSON *events;    /* the "events" array inside root, in seq order */
    int n;            /* its length */
    int64_t last_seq; /* the newest seq the source has handed out */
};

/* Asks the source behind bus for up to limit (1..TM_REPLAY_LIMIT_MAX)
 * events after `after`, until deadline_mono_ms. rid names the request in
 * the source's log. On TM_OK *page is filled (the caller finis it);
 * TM_NOTFOUND when the source answers but publishes nothing (no outbox);
 * the bus's codes when it does not answer; TM_INVALID for a reply that is
 * not a page. On failure *page is empty (fini is still safe). */
TM_MUSTCHECK enum tm_code tm_replay_fetch(struct tm_bus_client *bus, const char *rid, int64_t after,
                                          int limit, int64_t deadline_mono_ms,
                                          struct tm_replay_page *page, struct tm_err *err);
/* Frees what fetch kept. NULL-safe, idempotent. */
void tm_replay_page_fini(struct tm_replay_page *page);

/* Opens a SUB socket connected to every comma-separated PUB endpoint,
 * subscribed to each comma-separated topic prefix ("" for every topic),
 * receiving with a timeout of rcv_timeout_ms and messages of at most
 * TM_MESSAGE_MAX bytes. On TM_OK *sock is the caller's (nn_close);
 * TM_INVALID (field "events-endpoints") for an endpoint nanomsg refuses. */
TM_MUSTCHECK enum tm_code tm_replay_sub_open(const char *prefixes, const char *endpoints,
                                             int rcv_timeout_ms, int *sock, struct tm_err *err);

/* Parses a PUB message, "<topic>\n<event JSON>", into *root (the caller
 * cJSON_Deletes it). TM_INVALID (field "event") when it is not one. */
TM_MUSTCHECK enum tm_code tm_replay_sub_parse(const char *msg, size_t len, cJSON **root,
                                              struct tm_err *err);

#endif
