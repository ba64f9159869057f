/* common/err.c — tables generated from TM_CODES and the tm_err setters.
 * Called on every error path of every daemon; cheap and allocation-free. */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const int code_http[] = {
#define TM_X_HTTP(name, http, wire) http,
    TM_CODES(TM_X_HTTP)
#undef TM_X_HTTP
};

static const char *const code_name[] = {
#define TM_X_NAME(name, http, wire) wire,
    TM_CODES(TM_X_NAME)
#undef TM_X_NAME
};

enum tm_code
tm_err_set(struct tm_err *err, enum tm_code code, const char *field, const char *fmt, ...)
{
    char f[sizeof err->field], m[sizeof err->message];
    va_list ap;

    if (!err)
        return code;
    /* formatted aside first: field and the arguments may be err's own
     * (a message wrapped in a longer one, "lines[0]: <what was wrong>") */
    snprintf(f, sizeof f, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    err->code = code;
    memcpy(err->field, f, sizeof f);
    memcpy(err->message, m, sizeof m);
    return code;
}

enum tm_code
tm_err_one_of(const char *s, const char *const *accepted, const char *field, int *index,
              struct tm_err *err)
{
    char list[TM_ERR_MESSAGE_MAX];
    size_t o = 0;

    for (int i = 0; accepted[i]; i++)
        if (s && strcmp(s, accepted[i]) == 0) {
            *index = i;
            return TM_OK;
        }
    list[0] = '\0';
    for (int i = 0; accepted[i] && o < sizeof list; i++) {
        int n = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", accepted[i]);
        o += n > 0 ? (size_t)n : 0;
    }
    return tm_err_set(err, TM_INVALID, field, "%s must be one of: %s", field, list);
}

void
tm_err_clear(struct tm_err *err)
{
    if (!err)
        return;
    err->code = TM_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

int
tm_code_http(enum tm_code code)
{
    if ((unsigned)code >= TM_CODE_COUNT)
        return 500;
    return code_http[code];
}

const char *
tm_code_name(enum tm_code code)
{
    if ((unsigned)code >= TM_CODE_COUNT)
        return "internal";
    return code_name[code];
}

enum tm_code
tm_code_from_name(const char *name)
{
    for (int i = 0; i < TM_CODE_COUNT; i++)
        if (name && strcmp(name, code_name[i]) == 0)
            return (enum tm_code)i;
    return TM_INTERNAL;
}

enum tm_code
tm_code_from_http(int status)
{
    for (int i = 0; i < TM_CODE_COUNT; i++)
        if (code_http[i] == status)
            return (enum tm_code)i;
    return TM_INTERNAL;
}
