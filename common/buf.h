/* common/buf.h — bounded strings and growable output buffers.
 * tm_buf is always NUL-terminated, knows its length and refuses to grow past
 * its max (TM_TOOBIG), like Redis' sds with a ceiling. tm_x* allocate or abort:
 * inputs are bounded everywhere, so running out of memory is a bug.
 * A tm_buf is owned by whoever called tm_buf_init and is not thread-safe. */
#ifndef TM_COMMON_BUF_H
#define TM_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "common/err.h"

struct tm_buf {
    char *p;    /* NUL-terminated content, NULL until first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* content never grows past this many bytes */
};

/* Allocation that logs and aborts on failure; never returns NULL. */
void *tm_xmalloc(size_t n);
void *tm_xcalloc(size_t n, size_t size);
void *tm_xrealloc(void *p, size_t n);
char *tm_xstrdup(const char *s);
char *tm_xstrndup(const char *s, size_t n);

/* Copies src into dst[size], always NUL-terminated. TM_TOOBIG when src did
 * not fit (dst then holds the cut prefix). */
TM_MUSTCHECK enum tm_code tm_strlcpy(char *dst, const char *src, size_t size);

/* Prepares an empty buffer on the caller's storage that holds at most max bytes. */
void tm_buf_init(struct tm_buf *b, size_t max);
/* Frees the content; b may be reused after tm_buf_init. NULL-safe. */
void tm_buf_fini(struct tm_buf *b);
/* Empties b without freeing. */
void tm_buf_reset(struct tm_buf *b);
/* Cuts b back to its first len bytes (nothing when it is not longer). */
void tm_buf_truncate(struct tm_buf *b, size_t len);

/* Appends n bytes / a string / formatted text. On TM_TOOBIG b is unchanged. */
TM_MUSTCHECK enum tm_code tm_buf_add(struct tm_buf *b, const void *data, size_t n);
TM_MUSTCHECK enum tm_code tm_buf_adds(struct tm_buf *b, const char *s);
TM_MUSTCHECK enum tm_code tm_buf_printf(struct tm_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
TM_MUSTCHECK enum tm_code tm_buf_vprintf(struct tm_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Hands the content to the caller (free() it) and leaves b empty. Never NULL. */
char *tm_buf_steal(struct tm_buf *b);

#endif
