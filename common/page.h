/* common/page.h — keyset pages of a list: the page a request asks for and
 * the opaque cursor that names the next one. Shared by the router (which
 * reads `limit` and `cursor` from a request) and the storage layer (which
 * fetches limit + 1 rows after after_id), so a store needs no router to
 * take a page. The cursor's format lives only here. No state; thread-safe. */
#ifndef TM_COMMON_PAGE_H
#define TM_COMMON_PAGE_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define TM_LIMIT_DEFAULT 50 /* rows a page shows when the request names no limit */
#define TM_LIMIT_MAX 200    /* most rows a page shows */

/* Page request from `limit` (1..TM_LIMIT_MAX, default TM_LIMIT_DEFAULT) and
 * the opaque `cursor` from a previous page's next_cursor (0: first page). */
struct tm_page {
    int64_t limit;
    int64_t after_id; /* the last id of the previous page; 0 on the first */
};

/* Reads a cursor this API returned into *after_id (1..INT64_MAX); TM_INVALID
 * (field "cursor") for anything else. */
TM_MUSTCHECK enum tm_code tm_page_cursor(const char *cursor, int64_t *after_id, struct tm_err *err);

/* Appends ,"next_cursor":"..." (or null when has_more is 0) for last_id.
 * TM_TOOBIG when b is full (b unchanged). */
TM_MUSTCHECK enum tm_code tm_page_next(struct tm_buf *b, int has_more, int64_t last_id);

#endif
