/* common/json.c — validation on top of cJSON. Every request body goes
 * through here once, so checks are single passes over the input. */
#include "common/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One pass over the raw text before cJSON sees it. cJSON recurses once per
 * nesting level and Debian builds it with a limit of 1,000, deeper than a
 * worker thread's stack holds, so depth is bounded here, before any
 * recursion. The same pass refuses NUL inside strings (raw or \u0000),
 * which cJSON would keep and C strings would silently cut; the error names
 * the member the string belongs to. */
static enum tm_code
prescan(const char *text, size_t len, int max_depth, const char *what, struct tm_err *err)
{
    char key[TM_ERR_FIELD_MAX] = "";
    const char *str = NULL; /* the string being read, just after its quote */
    int depth = 0;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];

        if (str) {
            if (c == '\\' && i + 1 < len) {
                if (text[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0)
                    return tm_err_set(err, TM_INVALID, key[0] ? key : what,
                                      "%s may not contain NUL (\\u0000)", key[0] ? key : what);
                i++;
            } else if (c == '\0') {
                return tm_err_set(err, TM_INVALID, key[0] ? key : what, "%s may not contain NUL",
                                  key[0] ? key : what);
            } else if (c == '"') {
                size_t j = i + 1, n = (size_t)(text + i - str);

                while (j < len &&
                       (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
                    j++;
                if (j < len && text[j] == ':') { /* it was a member name */
                    n = n < sizeof key - 1 ? n : sizeof key - 1;
                    memcpy(key, str, n);
                    key[n] = '\0';
                }
                str = NULL;
            }
        } else if (c == '"') {
            str = text + i + 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return tm_err_set(err, TM_INVALID, what, "%s is nested deeper than %d levels", what,
                                  max_depth);
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return TM_OK;
}

enum tm_code
tm_json_parse(const char *text, size_t len, int max_depth, const char *what, cJSON **out,
              struct tm_err *err)
{
    const char *end = NULL;
    enum tm_code rc;
    cJSON *root;

    *out = NULL;
    if (len == 0)
        return tm_err_set(err, TM_INVALID, what, "%s is empty; a JSON document is required", what);
    if (max_depth > TM_JSON_DEPTH_MAX)
        max_depth = TM_JSON_DEPTH_MAX;
    if ((rc = prescan(text, len, max_depth, what, err)) != TM_OK)
        return rc;
    root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root)
        return tm_err_set(err, TM_INVALID, what, "%s is not valid JSON (near byte %td)", what,
                          end ? end - text : 0);
    while (end && end < text + len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (end && end < text + len) {
        cJSON_Delete(root);
        return tm_err_set(err, TM_INVALID, what, "%s has data after the JSON value", what);
    }
    *out = root;
    return TM_OK;
}

enum tm_code
tm_json_parse_object(const char *text, size_t len, const char *what, cJSON **out,
                     struct tm_err *err)
{
    enum tm_code rc;

    if ((rc = tm_json_parse(text, len, TM_JSON_DEPTH_MAX, what, out, err)) != TM_OK)
        return rc;
    if ((rc = tm_json_object(*out, what, err)) != TM_OK) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    return rc;
}

enum tm_code
tm_json_object(const cJSON *root, const char *what, struct tm_err *err)
{
    if (!cJSON_IsObject(root))
        return tm_err_set(err, TM_INVALID, what, "%s must be a JSON object", what);
    return TM_OK;
}

enum tm_code
tm_json_only(const cJSON *obj, const char *const *allowed, size_t n, struct tm_err *err)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        size_t i;

        for (i = 0; i < n; i++)
            if (c->string && strcmp(c->string, allowed[i]) == 0)
                break;
        if (i == n)
            return tm_err_set(err, TM_INVALID, c->string ? c->string : "", "unknown field '%.64s'",
                              c->string ? c->string : "");
        for (const cJSON *d = c->next; d; d = d->next)
            if (d->string && c->string && strcmp(c->string, d->string) == 0)
                return tm_err_set(err, TM_INVALID, c->string, "field '%.64s' appears twice",
                                  c->string);
    }
    return TM_OK;
}

const cJSON *
tm_json_member(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsNull(it) ? NULL : it;
}

int
tm_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;

    while (p < e) {
        unsigned c = *p;
        size_t n;
        unsigned cp;

        if (c == 0)
            return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07;
        else
            return 0;
        if ((size_t)(e - p) <= n)
            return 0;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* 1 when valid UTF-8 s[len] holds a control character other than tab and
 * newline: C0, DEL or C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F). Terminal
 * escapes and carriage returns stored as sent come back to whoever reads
 * them later. */
static int
has_control(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len; i++) {
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') || p[i] == 0x7F)
            return 1;
        if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return 1;
    }
    return 0;
}

enum tm_code
tm_json_as_str(const cJSON *item, const char *name, size_t min_len, size_t max_len, char *out,
               size_t size, struct tm_err *err)
{
    size_t len;

    if (!cJSON_IsString(item) || !item->valuestring)
        return tm_err_set(err, TM_INVALID, name, "%s must be a string", name);
    len = strlen(item->valuestring);
    if (!tm_utf8_valid(item->valuestring, len))
        return tm_err_set(err, TM_INVALID, name, "%s is not valid UTF-8", name);
    if (has_control(item->valuestring, len))
        return tm_err_set(err, TM_INVALID, name,
                          "%s may not contain control characters (tab and newline may)", name);
    if (len < min_len)
        return tm_err_set(err, TM_INVALID, name, "%s must be at least %zu bytes", name, min_len);
    if (len > max_len || len >= size)
        return tm_err_set(err, TM_INVALID, name, "%s must be at most %zu bytes", name,
                          max_len < size - 1 ? max_len : size - 1);
    memcpy(out, item->valuestring, len + 1);
    return TM_OK;
}

enum tm_code
tm_json_as_i64(const cJSON *item, const char *name, int64_t min, int64_t max, int64_t *out,
               struct tm_err *err)
{
    double d;

    if (!cJSON_IsNumber(item))
        return tm_err_set(err, TM_INVALID, name, "%s must be an integer", name);
    d = item->valuedouble;
    /* 2^53 bounds exact integers in a double; anything wider lost digits. */
    if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0)
        return tm_err_set(err, TM_INVALID, name, "%s must be an integer", name);
    if (d < (double)min || d > (double)max)
        return tm_err_set(err, TM_INVALID, name, "%s must be between %lld and %lld", name,
                          (long long)min, (long long)max);
    *out = (int64_t)d;
    return TM_OK;
}

enum tm_code
tm_json_as_bool(const cJSON *item, const char *name, int *out, struct tm_err *err)
{
    if (!cJSON_IsBool(item))
        return tm_err_set(err, TM_INVALID, name, "%s must be true or false", name);
    *out = cJSON_IsTrue(item) ? 1 : 0;
    return TM_OK;
}

enum tm_code
tm_json_as_enum(const cJSON *item, const char *name, const char *const *accepted, int *out,
                struct tm_err *err)
{
    const char *s = cJSON_IsString(item) ? item->valuestring : NULL;

    return tm_err_one_of(s, accepted, name, out, err);
}

enum tm_code
tm_json_as_time(const cJSON *item, const char *name, struct tm_time *out, struct tm_err *err)
{
    const char *s = cJSON_IsString(item) && item->valuestring ? item->valuestring : "";

    return tm_time_parse(s, name, out, err);
}

enum tm_code
tm_json_str(const cJSON *obj, const char *name, size_t min_len, size_t max_len, char *out,
            size_t size, struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    if (!it)
        return tm_err_set(err, TM_INVALID, name, "%s is required", name);
    return tm_json_as_str(it, name, min_len, max_len, out, size, err);
}

enum tm_code
tm_json_i64(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out,
            struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    if (!it)
        return tm_err_set(err, TM_INVALID, name, "%s is required", name);
    return tm_json_as_i64(it, name, min, max, out, err);
}

enum tm_code
tm_json_ids(const cJSON *obj, const char *name, int max, int64_t *out, int *n, struct tm_err *err)
{
    const cJSON *a = tm_json_member(obj, name), *s;

    *n = 0;
    if (!a)
        return TM_OK;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > max)
        return tm_err_set(err, TM_INVALID, name, "%s must be a list of at most %d ids", name, max);
    cJSON_ArrayForEach(s, a)
    {
        if (tm_json_as_i64(s, name, 1, INT64_MAX, &out[*n], err) != TM_OK)
            return TM_INVALID;
        (*n)++;
    }
    return TM_OK;
}

enum tm_code
tm_json_enum(const cJSON *obj, const char *name, const char *const *accepted, int *out,
             struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    if (!it)
        return tm_err_set(err, TM_INVALID, name, "%s is required", name);
    return tm_json_as_enum(it, name, accepted, out, err);
}

enum tm_code
tm_json_quote(struct tm_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    enum tm_code rc = tm_buf_add(b, "\"", 1);

    for (const unsigned char *p = (const unsigned char *)s; *p && rc == TM_OK; p++) {
        char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};

        if (*p == '"' || *p == '\\') {
            char two[2] = {'\\', (char)*p};
            rc = tm_buf_add(b, two, 2);
        } else if (*p == '\n') {
            rc = tm_buf_add(b, "\\n", 2);
        } else if (*p == '\t') {
            rc = tm_buf_add(b, "\\t", 2);
        } else if (*p < 0x20) {
            rc = tm_buf_add(b, esc, 6);
        } else {
            rc = tm_buf_add(b, p, 1);
        }
    }
    return rc == TM_OK ? tm_buf_add(b, "\"", 1) : rc;
}

enum tm_code
tm_json_append(struct tm_buf *b, const cJSON *item)
{
    char *s = cJSON_PrintUnformatted(item);
    enum tm_code rc;

    if (!s)
        return TM_TOOBIG;
    rc = tm_buf_adds(b, s);
    cJSON_free(s);
    return rc;
}

enum tm_code
tm_json_kv_str(struct tm_buf *b, const char *key, const char *v, int first)
{
    enum tm_code rc = tm_buf_printf(b, "%s\"%s\":", first ? "" : ",", key);

    return rc == TM_OK ? tm_json_quote(b, v) : rc;
}

enum tm_code
tm_json_kv_opt_str(struct tm_buf *b, const char *key, const char *v)
{
    if (!v || !*v)
        return tm_buf_printf(b, ",\"%s\":null", key);
    return tm_json_kv_str(b, key, v, 0);
}

enum tm_code
tm_json_kv_i64(struct tm_buf *b, const char *key, int64_t v)
{
    return tm_buf_printf(b, ",\"%s\":%lld", key, (long long)v);
}

enum tm_code
tm_json_kv_bool(struct tm_buf *b, const char *key, int v)
{
    return tm_buf_printf(b, ",\"%s\":%s", key, v ? "true" : "false");
}

enum tm_code
tm_json_kv_f64(struct tm_buf *b, const char *key, double v, int decimals, int first)
{
    const char *sep = first ? "" : ",";

    if (!isfinite(v))
        return tm_buf_printf(b, "%s\"%s\":null", sep, key);
    return tm_buf_printf(b, "%s\"%s\":%.*f", sep, key,
                         decimals < 0   ? 0
                         : decimals > 9 ? 9
                                        : decimals,
                         v);
}

enum tm_code
tm_json_kv_exact(struct tm_buf *b, const char *key, double v, int first)
{
    const char *sep = first ? "" : ",";
    char num[40];

    if (!isfinite(v))
        return tm_buf_printf(b, "%s\"%s\":null", sep, key);
    if (v == floor(v) && fabs(v) < 9007199254740992.0) /* 2^53: every integer exact */
        snprintf(num, sizeof num, "%.0f", v == 0 ? 0.0 : v);
    else
        for (int digits = 15; digits <= 17; digits++) { /* the shortest that round-trips */
            snprintf(num, sizeof num, "%.*g", digits, v);
            if (strtod(num, NULL) == v)
                break;
        }
    return tm_buf_printf(b, "%s\"%s\":%s", sep, key, num);
}

enum tm_code
tm_json_kv_json(struct tm_buf *b, const char *key, const char *json)
{
    enum tm_code rc = tm_buf_printf(b, ",\"%s\":", key);

    return rc == TM_OK ? tm_buf_adds(b, json ? json : "null") : rc;
}
