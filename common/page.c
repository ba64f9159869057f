/* common/page.c — the cursor of keyset pages. A cursor is "i" followed by
 * the last id of the page it follows: opaque to clients, small enough for
 * TM_CURSOR_MAX (proto/limits.h), and checked on the way back in so a
 * forged one is a 400, never a query. */
#include "common/page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum tm_code
tm_page_cursor(const char *cursor, int64_t *after_id, struct tm_err *err)
{
    char *end = NULL;
    long long v;

    errno = 0;
    if (cursor[0] != 'i' || !cursor[1] || strspn(cursor + 1, "0123456789") != strlen(cursor + 1))
        goto bad;
    v = strtoll(cursor + 1, &end, 10);
    if (errno || *end || v < 1)
        goto bad;
    *after_id = v;
    return TM_OK;
bad:
    return tm_err_set(err, TM_INVALID, "cursor", "cursor is not one this API returned");
}

enum tm_code
tm_page_next(struct tm_buf *b, int has_more, int64_t last_id)
{
    if (!has_more)
        return tm_buf_adds(b, ",\"next_cursor\":null");
    return tm_buf_printf(b, ",\"next_cursor\":\"i%lld\"", (long long)last_id);
}
