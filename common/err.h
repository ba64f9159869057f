/* common/err.h — the one error type of TechMart.
 * Every function that can fail returns enum tm_code (TM_OK == 0) and fills a
 * caller's struct tm_err (which may be NULL). The code list is one X-macro:
 * the enum, the wire name (proto/errors.md) and the HTTP status come from it,
 * so they cannot drift apart; tests/unit/common/err_test.c checks it against
 * proto/. No state; thread-safe. */
#ifndef TM_COMMON_ERR_H
#define TM_COMMON_ERR_H

#include <stddef.h>

#define TM_MUSTCHECK __attribute__((warn_unused_result))

/* X(name, http status, wire code) */
#define TM_CODES(X)                                                                                \
    X(OK, 200, "ok")                                                                               \
    X(INVALID, 400, "invalid_argument")                                                            \
    X(UNAUTHENTICATED, 401, "unauthenticated")                                                     \
    X(FORBIDDEN, 403, "forbidden")                                                                 \
    X(NOTFOUND, 404, "not_found")                                                                  \
    X(METHOD, 405, "method_not_allowed")                                                           \
    X(CONFLICT, 409, "conflict")                                                                   \
    X(TOOBIG, 413, "too_large")                                                                    \
    X(UNSUPPORTED, 415, "unsupported_media_type")                                                  \
    X(UNPROCESSABLE, 422, "unprocessable")                                                         \
    X(DECLINED, 422, "declined")                                                                   \
    X(RATELIMITED, 429, "rate_limited")                                                            \
    X(INTERNAL, 500, "internal")                                                                   \
    X(UNAVAIL, 503, "unavailable")                                                                 \
    X(TIMEOUT, 504, "deadline_exceeded")

enum tm_code {
#define TM_X_ENUM(name, http, wire) TM_##name,
    TM_CODES(TM_X_ENUM)
#undef TM_X_ENUM
        TM_CODE_COUNT
};

#define TM_ERR_FIELD_MAX 64
#define TM_ERR_MESSAGE_MAX 256

struct tm_err {
    enum tm_code code;
    char field[TM_ERR_FIELD_MAX];     /* offending input field, "" if none */
    char message[TM_ERR_MESSAGE_MAX]; /* for logs; replies hide it for 5xx codes */
};

/* Fills err (when not NULL) and returns code, so callers write
 * `return tm_err_set(err, TM_INVALID, "name", "too long");`.
 * field may be NULL. A message longer than the buffer is cut. */
enum tm_code tm_err_set(struct tm_err *err, enum tm_code code, const char *field, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

/* Which of the accepted values (a NULL-terminated list) s is: its index
 * into *index. TM_INVALID naming field when s is NULL or none of them, with
 * a message that lists them ("channel must be one of: pos, online,
 * mobile"), so a client learns the values from the refusal. */
TM_MUSTCHECK enum tm_code tm_err_one_of(const char *s, const char *const *accepted,
                                        const char *field, int *index, struct tm_err *err);

/* Resets err to TM_OK with empty field and message. NULL-safe. */
void tm_err_clear(struct tm_err *err);

/* HTTP status for code; 500 for a value outside the enum. */
int tm_code_http(enum tm_code code);

/* Wire name for code ("not_found"); "internal" for a value outside the enum. */
const char *tm_code_name(enum tm_code code);

/* Code for a wire name; TM_INTERNAL when the name is unknown. */
enum tm_code tm_code_from_name(const char *name);

/* Code for an HTTP status (first code with that status); TM_INTERNAL if none. */
enum tm_code tm_code_from_http(int status);

#endif
