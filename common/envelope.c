/* common/envelope.c — encodes and decodes the bus envelopes. Runs twice per
 * API request (gateway encode, service decode, and back), so the header is
 * written by hand into a tm_buf and only the small header is parsed. */
#include "common/envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

static enum tm_code
encode_kvs(struct tm_buf *out, const char *name, const struct tm_kv *kv, int n)
{
    enum tm_code rc = tm_buf_printf(out, ",\"%s\":{", name);

    for (int i = 0; i < n && rc == TM_OK; i++) {
        if (i && (rc = tm_buf_add(out, ",", 1)) != TM_OK)
            break;
        if ((rc = tm_json_quote(out, kv[i].key)) == TM_OK &&
            (rc = tm_buf_add(out, ":", 1)) == TM_OK)
            rc = tm_json_quote(out, kv[i].val);
    }
    return rc == TM_OK ? tm_buf_add(out, "}", 1) : rc;
}

enum tm_code
tm_request_encode(const struct tm_request *req, struct tm_buf *out, struct tm_err *err)
{
    enum tm_code rc;

    rc = tm_buf_printf(out, "{\"v\":%d,\"id\":", TM_ENVELOPE_VERSION);
    if (rc == TM_OK && (rc = tm_json_quote(out, req->id)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"method\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->method)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"route\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->route)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"path\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->path)) == TM_OK &&
        (rc = encode_kvs(out, "params", req->params, req->n_params)) == TM_OK &&
        (rc = encode_kvs(out, "query", req->query, req->n_query)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"principal\":{\"kind\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->principal.kind)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"id\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->principal.id)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"role\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->principal.role)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"stores\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->principal.stores)) == TM_OK &&
        (rc = tm_buf_adds(out, ",\"token_id\":")) == TM_OK &&
        (rc = tm_json_quote(out, req->principal.token_id)) == TM_OK &&
        (!req->principal.session_id[0] ||
         ((rc = tm_buf_adds(out, ",\"session_id\":")) == TM_OK &&
          (rc = tm_json_quote(out, req->principal.session_id)) == TM_OK)))
        rc = tm_buf_printf(out, ",\"token_exp\":%lld},\"deadline_ms\":%lld",
                           (long long)req->principal.token_exp, (long long)req->deadline_ms);
    if (rc == TM_OK && req->idem_key[0] && (rc = tm_buf_adds(out, ",\"idem_key\":")) == TM_OK)
        rc = tm_json_quote(out, req->idem_key);
    if (rc == TM_OK && req->accept[0] && (rc = tm_buf_adds(out, ",\"accept\":")) == TM_OK)
        rc = tm_json_quote(out, req->accept);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}\n");
    if (rc == TM_OK && req->body_len)
        rc = tm_buf_add(out, req->body, req->body_len);
    if (rc != TM_OK)
        return tm_err_set(err, TM_TOOBIG, "body", "request envelope over %zu bytes", out->max);
    return TM_OK;
}

static enum tm_code
copy_str(const cJSON *obj, const char *name, char *out, size_t size, int required,
         struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    if (!it) {
        out[0] = '\0';
        return required ? tm_err_set(err, TM_INVALID, name, "envelope: %s is required", name)
                        : TM_OK;
    }
    return tm_json_as_str(it, name, 0, size - 1, out, size, err);
}

static enum tm_code
decode_kvs(const cJSON *hdr, const char *name, struct tm_kv *kv, int max, int *n,
           struct tm_err *err)
{
    const cJSON *obj = tm_json_member(hdr, name);

    *n = 0;
    if (!obj)
        return TM_OK;
    if (!cJSON_IsObject(obj))
        return tm_err_set(err, TM_INVALID, name, "envelope: %s must be an object", name);
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (*n == max)
            return tm_err_set(err, TM_INVALID, name, "envelope: more than %d %s", max, name);
        if (!cJSON_IsString(c) || !c->string)
            return tm_err_set(err, TM_INVALID, name, "envelope: %s values must be strings", name);
        kv[*n].key = c->string;
        kv[*n].val = c->valuestring;
        (*n)++;
    }
    return TM_OK;
}

static enum tm_code
decode_principal(const cJSON *pr, struct tm_principal *p, struct tm_err *err)
{
    const cJSON *exp;
    enum tm_code rc;

    if ((rc = copy_str(pr, "kind", p->kind, sizeof p->kind, 0, err)) != TM_OK ||
        (rc = copy_str(pr, "id", p->id, sizeof p->id, 0, err)) != TM_OK ||
        (rc = copy_str(pr, "role", p->role, sizeof p->role, 0, err)) != TM_OK ||
        (rc = copy_str(pr, "stores", p->stores, sizeof p->stores, 0, err)) != TM_OK ||
        (rc = copy_str(pr, "token_id", p->token_id, sizeof p->token_id, 0, err)) != TM_OK ||
        (rc = copy_str(pr, "session_id", p->session_id, sizeof p->session_id, 0, err)) != TM_OK)
        return rc;
    exp = tm_json_member(pr, "token_exp");
    return exp ? tm_json_as_i64(exp, "token_exp", 0, INT64_MAX, &p->token_exp, err) : TM_OK;
}

enum tm_code
tm_request_decode(const char *msg, size_t len, struct tm_request *req, struct tm_err *err)
{
    const char *nl = memchr(msg, '\n', len);
    const cJSON *pr, *it;
    enum tm_code rc;
    int64_t v = 0;

    memset(req, 0, sizeof *req);
    if (!nl)
        return tm_err_set(err, TM_INVALID, "envelope", "envelope: no header line");
    if ((rc = tm_json_parse(msg, (size_t)(nl - msg), 4, "envelope", &req->hdr, err)) != TM_OK)
        return rc;
    if ((rc = tm_json_object(req->hdr, "envelope", err)) != TM_OK)
        goto fail;
    if ((rc = tm_json_i64(req->hdr, "v", 0, 1000, &v, err)) != TM_OK)
        goto fail;
    if (v != TM_ENVELOPE_VERSION) {
        rc = tm_err_set(err, TM_INVALID, "v", "envelope version %lld unsupported", (long long)v);
        goto fail;
    }
    if ((rc = copy_str(req->hdr, "id", req->id, sizeof req->id, 1, err)) != TM_OK ||
        (rc = copy_str(req->hdr, "method", req->method, sizeof req->method, 1, err)) != TM_OK ||
        (rc = copy_str(req->hdr, "route", req->route, sizeof req->route, 1, err)) != TM_OK ||
        (rc = copy_str(req->hdr, "path", req->path, sizeof req->path, 0, err)) != TM_OK ||
        (rc = decode_kvs(req->hdr, "params", req->params, TM_PARAMS_MAX, &req->n_params, err)) !=
            TM_OK ||
        (rc = decode_kvs(req->hdr, "query", req->query, TM_QUERY_MAX, &req->n_query, err)) !=
            TM_OK ||
        (rc = copy_str(req->hdr, "idem_key", req->idem_key, sizeof req->idem_key, 0, err)) !=
            TM_OK ||
        (rc = copy_str(req->hdr, "accept", req->accept, sizeof req->accept, 0, err)) != TM_OK)
        goto fail;
    pr = tm_json_member(req->hdr, "principal");
    if (pr && (rc = decode_principal(pr, &req->principal, err)) != TM_OK)
        goto fail;
    it = tm_json_member(req->hdr, "deadline_ms");
    if (it &&
        (rc = tm_json_as_i64(it, "deadline_ms", 0, INT64_MAX, &req->deadline_ms, err)) != TM_OK)
        goto fail;
    req->body = nl + 1;
    req->body_len = len - (size_t)(nl + 1 - msg);
    return TM_OK;
fail:
    tm_request_fini(req);
    return rc;
}

void
tm_request_fini(struct tm_request *req)
{
    if (!req)
        return;
    cJSON_Delete(req->hdr);
    req->hdr = NULL;
    req->n_params = req->n_query = 0;
}

static const char *
kv_find(const struct tm_kv *kv, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(kv[i].key, key) == 0)
            return kv[i].val;
    return NULL;
}

const char *
tm_request_param(const struct tm_request *req, const char *key)
{
    return kv_find(req->params, req->n_params, key);
}

const char *
tm_request_query(const struct tm_request *req, const char *key)
{
    return kv_find(req->query, req->n_query, key);
}

void
tm_reply_init(struct tm_reply *rep)
{
    rep->status = 200;
    rep->target[0] = '\0';
    rep->retry_after_s = 0;
    rep->details = NULL;
    rep->content_type[0] = rep->next_cursor[0] = rep->more[0] = '\0';
    tm_buf_init(&rep->body, TM_MESSAGE_MAX - 512);
}

void
tm_reply_fini(struct tm_reply *rep)
{
    if (rep) {
        tm_buf_fini(&rep->body);
        free(rep->details);
        rep->details = NULL;
    }
}

void
tm_reply_error(struct tm_reply *rep, const struct tm_err *err, const char *rid)
{
    enum tm_code code = err->code == TM_OK ? TM_INTERNAL : err->code;
    int status = tm_code_http(code);
    char generic[TM_ERR_MESSAGE_MAX];
    const char *msg = err->message;

    if (status >= 500) {
        snprintf(generic, sizeof generic, "%s (request %s)",
                 code == TM_TIMEOUT   ? "the request ran out of time"
                 : code == TM_UNAVAIL ? "a service this request needs is unavailable"
                                      : "internal error",
                 rid && *rid ? rid : "-");
        msg = generic;
    }
    rep->status = status;
    rep->content_type[0] = '\0'; /* an error is JSON, and the last page of nothing */
    rep->next_cursor[0] = '\0';
    rep->more[0] = '\0';
    tm_buf_reset(&rep->body);
    if (tm_buf_adds(&rep->body, "{\"error\":{") != TM_OK ||
        tm_json_kv_str(&rep->body, "code", tm_code_name(code), 1) != TM_OK ||
        tm_json_kv_str(&rep->body, "message", msg, 0) != TM_OK ||
        tm_json_kv_opt_str(&rep->body, "field", err->field) != TM_OK ||
        (rep->details && status < 500 &&
         tm_json_kv_json(&rep->body, "details", rep->details) != TM_OK) ||
        tm_buf_adds(&rep->body, "}}") != TM_OK) {
        /* The body ceiling is megabytes; an error body cannot reach it. */
        tm_buf_reset(&rep->body);
    }
}

enum tm_code
tm_reply_encode(const struct tm_reply *rep, struct tm_buf *out)
{
    enum tm_code rc = tm_buf_printf(out, "{\"v\":%d,\"status\":%d,\"retry_after\":%d,\"target\":",
                                    TM_ENVELOPE_VERSION, rep->status, rep->retry_after_s);

    if (rc == TM_OK && (rc = tm_json_quote(out, rep->target)) == TM_OK && rep->content_type[0] &&
        (rc = tm_buf_adds(out, ",\"type\":")) == TM_OK)
        rc = tm_json_quote(out, rep->content_type);
    if (rc == TM_OK && rep->next_cursor[0] && (rc = tm_buf_adds(out, ",\"cursor\":")) == TM_OK)
        rc = tm_json_quote(out, rep->next_cursor);
    if (rc == TM_OK && rep->more[0] && (rc = tm_buf_adds(out, ",\"more\":")) == TM_OK)
        rc = tm_json_quote(out, rep->more);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}\n");
    if (rc == TM_OK && rep->body.len)
        rc = tm_buf_add(out, rep->body.p, rep->body.len);
    return rc;
}

static int token_valid(const char *s, size_t max, int colon);

/* "text/csv; charset=utf-8": what may go into a Content-Type header line. */
static int
media_type_valid(const char *t)
{
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '/' || *t == '-' ||
              *t == '+' || *t == '.' || *t == ';' || *t == '=' || *t == ' '))
            return 0;
    return 1;
}

enum tm_code
tm_reply_decode(const char *msg, size_t len, struct tm_reply_view *out, struct tm_err *err)
{
    const char *nl = memchr(msg, '\n', len);
    const cJSON *it;
    cJSON *hdr = NULL;
    int64_t st = 0, retry = 0;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if (!nl)
        return tm_err_set(err, TM_INVALID, "envelope", "reply: no header line");
    if ((rc = tm_json_parse(msg, (size_t)(nl - msg), 2, "envelope", &hdr, err)) != TM_OK)
        return rc;
    rc = tm_json_i64(hdr, "status", 100, 599, &st, err);
    if (rc == TM_OK && (it = tm_json_member(hdr, "retry_after")))
        rc = tm_json_as_i64(it, "retry_after", 0, 86400, &retry, err);
    if (rc == TM_OK && (it = tm_json_member(hdr, "target")))
        rc = tm_json_as_str(it, "target", 0, TM_TARGET_MAX, out->target, sizeof out->target, err);
    if (rc == TM_OK && (it = tm_json_member(hdr, "type")) &&
        ((rc = tm_json_as_str(it, "type", 1, TM_CONTENT_TYPE_MAX, out->content_type,
                              sizeof out->content_type, err)) != TM_OK ||
         !media_type_valid(out->content_type)))
        rc = tm_err_set(err, TM_INVALID, "type", "reply: bad media type");
    if (rc == TM_OK && (it = tm_json_member(hdr, "cursor")) &&
        ((rc = tm_json_as_str(it, "cursor", 1, TM_CURSOR_MAX, out->next_cursor,
                              sizeof out->next_cursor, err)) != TM_OK ||
         !token_valid(out->next_cursor, TM_CURSOR_MAX, 0)))
        rc = tm_err_set(err, TM_INVALID, "cursor", "reply: bad cursor");
    if (rc == TM_OK && (it = tm_json_member(hdr, "more")) &&
        ((rc = tm_json_as_str(it, "more", 1, TM_CURSOR_MAX, out->more, sizeof out->more, err)) !=
             TM_OK ||
         !token_valid(out->more, TM_CURSOR_MAX, 0)))
        rc = tm_err_set(err, TM_INVALID, "more", "reply: bad stream continuation");
    cJSON_Delete(hdr);
    if (rc != TM_OK)
        return rc;
    out->status = (int)st;
    out->retry_after_s = (int)retry;
    out->body = nl + 1;
    out->body_len = len - (size_t)(nl + 1 - msg);
    return TM_OK;
}

/* 1..max bytes of [A-Za-z0-9._-], plus ':' when colon. */
static int
token_valid(const char *s, size_t max, int colon)
{
    size_t n = 0;

    for (; s[n]; n++) {
        char c = s[n];
        if (n >= max ||
            !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || (colon && c == ':')))
            return 0;
    }
    return n > 0;
}

/* The next '.'-separated field of *s as a number (*s moves past it and its
 * dot); -1 when it is not 1..18 digits without a leading zero. */
static int64_t
more_field(const char **s)
{
    const char *p = *s;
    int64_t v = 0;
    int n = 0;

    while (p[n] >= '0' && p[n] <= '9' && n <= 18)
        v = v * 10 + (p[n++] - '0');
    if (n == 0 || n > 18 || (n > 1 && p[0] == '0') || (p[n] != '.' && p[n] != '\0') ||
        (p[n] == '.' && p[n + 1] == '\0'))
        return -1;
    *s = p + n + (p[n] == '.');
    return v;
}

int
tm_more_follows(const char *prev, const char *next)
{
    int cmp = 0;

    if (!next[0])
        return 0;
    while (*next) {
        int64_t b = more_field(&next), a = *prev ? more_field(&prev) : -2;
        if (b < 0 || a == -1)
            return 0;
        if (cmp == 0)
            cmp = a < b ? 1 : a > b ? -1 : 0;
    }
    while (*prev)
        if (more_field(&prev) < 0)
            return 0;
        else if (cmp == 0)
            cmp = -1; /* prev is longer with next its prefix: before it */
    return cmp > 0;
}

int
tm_rid_valid(const char *id)
{
    return token_valid(id, TM_RID_MAX, 0);
}

int
tm_idem_key_valid(const char *key)
{
    return token_valid(key, TM_IDEM_KEY_MAX, 1);
}
