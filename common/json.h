/* common/json.h — JSON in and out, for envelopes, bodies, events and replies.
 * No state; thread-safe.
 *
 * In: typed reads from cJSON trees. Getters borrow the tree and never keep
 * or free it. On failure they return TM_INVALID with err->field set to the
 * member name, so a client always learns which field was wrong. cJSON stays
 * in handlers and common/; domain code never sees it.
 *
 * Out — the one way TechMart writes JSON (replies, events, envelopes): append
 * to the bounded struct tm_buf that will carry it (a reply's rep->body).
 *   - members through tm_json_kv_*: a string is always escaped (tm_json_quote
 *     does it, also for an array's string elements); a number that is not
 *     an integer through tm_json_kv_f64 (null for NaN and infinities, which
 *     JSON cannot carry); true/false through tm_json_kv_bool;
 *   - braces, brackets, commas and fixed keys through tm_buf_adds; an
 *     integer (a member that opens an object, an array element) may be
 *     printed with tm_buf_printf and an integer conversion;
 *   - a document that is JSON already — one PostgreSQL rendered
 *     (json_build_object(...)::text in a store, as tm-txn's sales and
 *     customers are) or a reply stored earlier — is appended whole
 *     (tm_json_kv_json, tm_buf_adds), never taken apart and rebuilt.
 * Never: a string value through "%s" in a format (nothing escapes it), or a
 * cJSON tree built to be printed (cJSON is for reading; a tree we parsed is
 * passed on with tm_json_append). Every writer returns TM_TOOBIG when the
 * buffer's ceiling is reached, which a handler answers as "reply too large". */
#ifndef TM_COMMON_JSON_H
#define TM_COMMON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/time.h"

#include "proto/limits.h"

/* Parses text[len] (no NUL needed) into *out, which the caller frees with
 * cJSON_Delete. Rejects trailing garbage, NUL inside strings (raw or
 * \u0000, naming the member) and more than max_depth nested arrays and
 * objects (at most TM_JSON_DEPTH_MAX), the depth checked before cJSON
 * recurses. The only way TechMart parses JSON (make lint checks).
 * TM_INVALID with field `what` on malformed input; *out is NULL then. */
TM_MUSTCHECK enum tm_code tm_json_parse(const char *text, size_t len, int max_depth,
                                        const char *what, cJSON **out, struct tm_err *err);

/* tm_json_parse with TM_JSON_DEPTH_MAX, and the root must be an object:
 * how every request body is read. *out is NULL on failure. */
TM_MUSTCHECK enum tm_code tm_json_parse_object(const char *text, size_t len, const char *what,
                                               cJSON **out, struct tm_err *err);

/* The root must be an object: TM_INVALID with field `what` otherwise. */
TM_MUSTCHECK enum tm_code tm_json_object(const cJSON *root, const char *what, struct tm_err *err);

/* Every member of obj must be named in allowed[n]: TM_INVALID naming the
 * first unknown member otherwise (catches misspelt fields). */
TM_MUSTCHECK enum tm_code tm_json_only(const cJSON *obj, const char *const *allowed, size_t n,
                                       struct tm_err *err);

/* Member `name` of obj, or NULL when absent or JSON null. */
const cJSON *tm_json_member(const cJSON *obj, const char *name);

/* The item must be a string of valid UTF-8 whose length in bytes is in
 * [min_len, max_len] and that fits out[size]; copied into out. */
TM_MUSTCHECK enum tm_code tm_json_as_str(const cJSON *item, const char *name, size_t min_len,
                                         size_t max_len, char *out, size_t size,
                                         struct tm_err *err);
/* The item must be an integer (no fraction, no exponent overflow) in [min, max]. */
TM_MUSTCHECK enum tm_code tm_json_as_i64(const cJSON *item, const char *name, int64_t min,
                                         int64_t max, int64_t *out, struct tm_err *err);
/* The item must be true or false. */
TM_MUSTCHECK enum tm_code tm_json_as_bool(const cJSON *item, const char *name, int *out,
                                          struct tm_err *err);

/* The item must be a string equal to one of accepted (a NULL-terminated
 * list): its index into *out. Otherwise TM_INVALID naming name, listing the
 * accepted values (tm_err_one_of). */
TM_MUSTCHECK enum tm_code tm_json_as_enum(const cJSON *item, const char *name,
                                          const char *const *accepted, int *out,
                                          struct tm_err *err);
/* The item must be a string holding a date or time (tm_time_parse). */
TM_MUSTCHECK enum tm_code tm_json_as_time(const cJSON *item, const char *name, struct tm_time *out,
                                          struct tm_err *err);

/* Required members: TM_INVALID "is required" when absent or null. */
TM_MUSTCHECK enum tm_code tm_json_str(const cJSON *obj, const char *name, size_t min_len,
                                      size_t max_len, char *out, size_t size, struct tm_err *err);
TM_MUSTCHECK enum tm_code tm_json_i64(const cJSON *obj, const char *name, int64_t min, int64_t max,
                                      int64_t *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code tm_json_enum(const cJSON *obj, const char *name,
                                       const char *const *accepted, int *out, struct tm_err *err);

/* Optional member: an array of at most max ids (whole numbers >= 1) into
 * out[0..*n); *n is 0 when the member is absent. TM_INVALID naming name for
 * anything else. */
TM_MUSTCHECK enum tm_code tm_json_ids(const cJSON *obj, const char *name, int max, int64_t *out,
                                      int *n, struct tm_err *err);

/* True when s[len] is valid UTF-8 with no NUL byte. */
int tm_utf8_valid(const char *s, size_t len);

/* Appends s as a JSON string literal (quotes and escapes) to b. */
TM_MUSTCHECK enum tm_code tm_json_quote(struct tm_buf *b, const char *s);

/* Object members for hand-built JSON: `"key":value`, preceded by a comma
 * unless first. A NULL or "" string in kv_opt_str becomes null. */
TM_MUSTCHECK enum tm_code tm_json_kv_str(struct tm_buf *b, const char *key, const char *v,
                                         int first);
TM_MUSTCHECK enum tm_code tm_json_kv_opt_str(struct tm_buf *b, const char *key, const char *v);
TM_MUSTCHECK enum tm_code tm_json_kv_i64(struct tm_buf *b, const char *key, int64_t v);
TM_MUSTCHECK enum tm_code tm_json_kv_bool(struct tm_buf *b, const char *key, int v);
/* `"key":v` with `decimals` digits after the point (0..9), or null when v
 * is not finite; preceded by a comma unless first, as tm_json_kv_str. */
TM_MUSTCHECK enum tm_code tm_json_kv_f64(struct tm_buf *b, const char *key, double v, int decimals,
                                         int first);
/* `"key":v` exactly: an integral v (|v| < 2^53) as an integer ("1137995"),
 * any other as the shortest decimal that reads back as the same double
 * (at most 17 significant digits), null when v is not finite; preceded by a
 * comma unless first. For values a reader compares against (a fired
 * rule's observed and threshold), never rounded for show. */
TM_MUSTCHECK enum tm_code tm_json_kv_exact(struct tm_buf *b, const char *key, double v, int first);
/* `,"key":` then json, a JSON document we produced (stored or rendered by
 * PostgreSQL), appended as it is; NULL becomes null. */
TM_MUSTCHECK enum tm_code tm_json_kv_json(struct tm_buf *b, const char *key, const char *json);

/* Prints item unformatted and appends it to b. */
TM_MUSTCHECK enum tm_code tm_json_append(struct tm_buf *b, const cJSON *item);

#endif
