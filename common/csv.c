/* common/csv.c — one CSV cell (csv.h). Exports write a page at a time into
 * a bounded reply, so a cell is appended in place, byte by byte. */
#include "common/csv.h"

#include <string.h>

enum tm_code
tm_csv_cell(struct tm_buf *b, const char *s, int last)
{
    enum tm_code rc = tm_buf_adds(b, "\"");

    if (rc == TM_OK && s[0] && strchr("=+-@\t\r", s[0]))
        rc = tm_buf_adds(b, "'");
    for (; *s && rc == TM_OK; s++)
        rc = *s == '"' ? tm_buf_adds(b, "\"\"") : tm_buf_add(b, s, 1);
    return rc == TM_OK ? tm_buf_adds(b, last ? "\"\r\n" : "\",") : rc;
}
