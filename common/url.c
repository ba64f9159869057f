/* common/url.c — the outgoing-URL allow-list (url.h). Called once per
 * configured URL (a supplier's, a webhook's) when it is written and again
 * before each call, so a plain scan is plenty. */
#include "common/url.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
tm_url_allowed(const char *url, const char *allow_hosts)
{
    const char *h, *end, *p;
    size_t hl;

    if (strncmp(url, "https://", 8) == 0)
        h = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        h = url + 7;
    else
        return 0;
    end = h + strcspn(h, "/?#");
    for (p = h; p < end; p++)
        if (*p == '@' || *p == '\\' || *p == ' ' || (unsigned char)*p < 0x21 ||
            (unsigned char)*p > 0x7e)
            return 0;
    if (strpbrk(url, " \t\r\n"))
        return 0;
    for (p = h; p < end && *p != ':'; p++)
        ;
    if (p < end) { /* a port: digits only, 1..65535 */
        size_t pl = (size_t)(end - p - 1);
        if (pl < 1 || pl > 5 || strspn(p + 1, "0123456789") < pl || atol(p + 1) < 1 ||
            atol(p + 1) > 65535)
            return 0;
    }
    hl = (size_t)(p - h);
    if (hl == 0)
        return 0;
    for (const char *a = allow_hosts; a && *a;) {
        size_t al = strcspn(a, ",");
        if (al == hl && strncasecmp(a, h, hl) == 0)
            return 1;
        a += al;
        if (*a == ',')
            a++;
    }
    return 0;
}
