/* common/envelope.h — the request and reply envelopes of proto/envelope.md.
 * A message on the bus is one line of JSON header, "\n", then the body bytes
 * verbatim (JSON text or empty), so the gateway never parses or re-prints a
 * body. Decoding borrows the message for the body and keeps the parsed header
 * (struct tm_request owns it until tm_request_fini). Thread-safe, no state. */
#ifndef TM_COMMON_ENVELOPE_H
#define TM_COMMON_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/err.h"

#include "proto/limits.h"

/* The query parameter a streamed answer's next page is asked with. */
#define TM_PAGE_AFTER_PARAM "page_after"

struct tm_kv {
    const char *key; /* borrowed from the owner (the decoded header or caller) */
    const char *val;
};

struct tm_principal {
    char kind[16]; /* "anonymous", "user", "api_key" */
    char id[TM_PRINCIPAL_ID_MAX + 1];
    char role[TM_ROLE_MAX + 1];
    char stores[TM_STORES_TEXT_MAX + 1];    /* store ids a scoped role may touch, "3,11" */
    char token_id[TM_TOKEN_ID_MAX + 1];     /* the access token's jti, "" for API keys */
    int64_t token_exp;                      /* its expiry, epoch seconds; 0 for API keys */
    char session_id[TM_SESSION_ID_MAX + 1]; /* its session (refresh family), "" when none */
};

struct tm_request {
    char id[TM_RID_MAX + 1];
    char method[TM_METHOD_MAX + 1];
    char route[TM_ROUTE_MAX + 1]; /* template matched by the gateway */
    char path[TM_PATH_MAX + 1];
    struct tm_kv params[TM_PARAMS_MAX];
    int n_params;
    struct tm_kv query[TM_QUERY_MAX];
    int n_query;
    struct tm_principal principal;
    int64_t deadline_ms;                /* wall clock, epoch milliseconds */
    char idem_key[TM_IDEM_KEY_MAX + 1]; /* the client's Idempotency-Key header, "" when none */
    char
        accept[TM_CONTENT_TYPE_MAX + 1]; /* "text/csv" when the client's Accept names it, else "" */
    const char *body;                    /* borrowed from the message; not NUL-terminated */
    size_t body_len;
    cJSON *hdr; /* owns the strings params and query point to */
};

/* Appends the encoded request to out. params/query strings are borrowed. */
TM_MUSTCHECK enum tm_code tm_request_encode(const struct tm_request *req, struct tm_buf *out,
                                            struct tm_err *err);

/* Decodes msg[len] into req; req->body points into msg, which must outlive
 * req. On failure nothing is kept (tm_request_fini is still safe). */
TM_MUSTCHECK enum tm_code tm_request_decode(const char *msg, size_t len, struct tm_request *req,
                                            struct tm_err *err);

/* Frees what decode allocated. NULL-safe, idempotent. */
void tm_request_fini(struct tm_request *req);

/* Value of path parameter / first query parameter `key`, or NULL. */
const char *tm_request_param(const struct tm_request *req, const char *key);
const char *tm_request_query(const struct tm_request *req, const char *key);

/* A reply being built: status and JSON body text. Owned by the caller. */
struct tm_reply {
    int status;
    struct tm_buf body;
    char target[TM_TARGET_MAX + 1]; /* what the request acted on, for the audit log ("42") */
    int retry_after_s;              /* > 0: the client may retry after this many seconds */
    char *details; /* owned JSON value added to an error body as "details", or NULL */
    char content_type[TM_CONTENT_TYPE_MAX + 1]; /* "" : application/json */
    char next_cursor[TM_CURSOR_MAX + 1];        /* "": none; else the X-Next-Cursor header */
    char more[TM_CURSOR_MAX + 1]; /* "": the whole answer; else this body is one page of a
                                   * streamed answer, continued by asking again with
                                   * query TM_PAGE_AFTER_PARAM = more (proto/envelope.md) */
};

/* 1 when next, a streamed answer's continuation, is strictly after prev
 * (prev "": the first): both are one or more '.'-separated decimal numbers
 * without leading zeros (at most 18 digits each), compared field by field
 * as numbers, a shorter prefix first (proto/envelope.md `more`). 0 for a
 * repeat, a step back or a token not of that form. Pure. */
int tm_more_follows(const char *prev, const char *next);

void tm_reply_init(struct tm_reply *rep);
void tm_reply_fini(struct tm_reply *rep);

/* Replaces the body with {"error":{"code","message","field"}} for err and sets
 * the status from its code; a content type, next page cursor or stream
 * continuation (more) the handler set is dropped (an error body is JSON). rep->details, when a
 * handler set it before returning an error, is added as "details" (4xx only). For 5xx codes the
 * message is generic (the detail stays in logs), naming the request id. */
void tm_reply_error(struct tm_reply *rep, const struct tm_err *err, const char *rid);

/* Writes header line + body of rep into out. */
TM_MUSTCHECK enum tm_code tm_reply_encode(const struct tm_reply *rep, struct tm_buf *out);

/* A decoded reply: the body points into the message it came from. */
struct tm_reply_view {
    int status;
    int retry_after_s;
    char target[TM_TARGET_MAX + 1];
    char content_type[TM_CONTENT_TYPE_MAX + 1]; /* "": application/json */
    char next_cursor[TM_CURSOR_MAX + 1];        /* "": none */
    char more[TM_CURSOR_MAX + 1];               /* "": the whole answer; else see tm_reply */
    const char *body;
    size_t body_len;
};

/* Splits a reply message into *out (whose body borrows msg). TM_INVALID when
 * the header is malformed. */
TM_MUSTCHECK enum tm_code tm_reply_decode(const char *msg, size_t len, struct tm_reply_view *out,
                                          struct tm_err *err);

/* True when id is 1..TM_RID_MAX bytes of [A-Za-z0-9._-]. */
int tm_rid_valid(const char *id);

/* True when key is 1..TM_IDEM_KEY_MAX bytes of [A-Za-z0-9._:-]. */
int tm_idem_key_valid(const char *key);

#endif
