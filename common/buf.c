/* common/buf.c — allocation wrappers and the bounded growable buffer.
 * Used on every request path (envelopes, replies, SQL parameters), so growth
 * doubles to keep appends amortised O(1). */
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
oom(size_t n)
{
    char line[96];
    int len = snprintf(line, sizeof line, "level=fatal event=out_of_memory bytes=%zu\n", n);

    if (len > 0 && write(2, line, (size_t)len) < 0) {
        /* nothing more to do: we abort either way */
    }
    abort();
}

void *
tm_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom(n);
    return p;
}

void *
tm_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom(n * size);
    return p;
}

void *
tm_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom(n);
    return q;
}

char *
tm_xstrdup(const char *s)
{
    return tm_xstrndup(s, strlen(s));
}

char *
tm_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = tm_xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

enum tm_code
tm_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len;

    if (size == 0)
        return TM_TOOBIG;
    len = strnlen(src, size);
    if (len == size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return TM_TOOBIG;
    }
    memcpy(dst, src, len + 1);
    return TM_OK;
}

void
tm_buf_init(struct tm_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
tm_buf_fini(struct tm_buf *b)
{
    if (!b)
        return;
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void
tm_buf_reset(struct tm_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void
tm_buf_truncate(struct tm_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->p[len] = '\0';
}

/* Makes room for `extra` more bytes plus the NUL. */
static enum tm_code
reserve(struct tm_buf *b, size_t extra)
{
    size_t need, cap;

    if (__builtin_add_overflow(b->len, extra, &need) || need > b->max)
        return TM_TOOBIG;
    if (need + 1 <= b->cap)
        return TM_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap *= 2;
    b->p = tm_xrealloc(b->p, cap);
    b->cap = cap;
    return TM_OK;
}

enum tm_code
tm_buf_add(struct tm_buf *b, const void *data, size_t n)
{
    if (reserve(b, n) != TM_OK)
        return TM_TOOBIG;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return TM_OK;
}

enum tm_code
tm_buf_adds(struct tm_buf *b, const char *s)
{
    return tm_buf_add(b, s, strlen(s));
}

enum tm_code
tm_buf_vprintf(struct tm_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || reserve(b, (size_t)n) != TM_OK)
        return TM_TOOBIG;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return TM_OK;
}

enum tm_code
tm_buf_printf(struct tm_buf *b, const char *fmt, ...)
{
    va_list ap;
    enum tm_code rc;

    va_start(ap, fmt);
    rc = tm_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *
tm_buf_steal(struct tm_buf *b)
{
    char *p = b->p ? b->p : tm_xstrdup("");

    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}
