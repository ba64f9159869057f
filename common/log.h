/* common/log.h — one key=value line per event on stderr.
 * Each line is built in a bounded TM_LOG_LINE_MAX buffer and written with one
 * write(2), so threads never interleave. The sink (service name, pid, level,
 * fd) is the one mutable global and is set by tm_log_init before threads start.
 * Lines start `ts level svc pid rid event`; callers add the rest as key=value.
 * Newlines in a line are replaced by spaces (no log injection). */
#ifndef TM_COMMON_LOG_H
#define TM_COMMON_LOG_H

#include <stddef.h>

#include "common/err.h"

#define TM_LOG_LINE_MAX 4096

enum tm_log_level { TM_LOG_DEBUG, TM_LOG_INFO, TM_LOG_WARN, TM_LOG_ERROR };

/* Sets the sink; call once from main before any thread starts. fd is usually 2. */
void tm_log_init(const char *svc, enum tm_log_level min, int fd);

/* Parses "debug|info|warn|error". */
TM_MUSTCHECK enum tm_code tm_log_level_parse(const char *s, enum tm_log_level *out,
                                             struct tm_err *err);

/* Writes one line if lvl >= the sink's level. rid may be NULL or "" (logged as
 * rid=-). fmt formats the key=value pairs after event=. */
void tm_log(enum tm_log_level lvl, const char *rid, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* From now on info and debug lines wait in memory and go out together,
 * every flush_ms (or sooner when 256 KiB wait); a warn or error line is
 * written at once, after the lines waiting. Lines keep their order. What
 * waits is lost if the process dies without tm_log_batch_stop: at most
 * flush_ms of info lines. flush_ms <= 0: nothing changes. Call from main,
 * once. */
TM_MUSTCHECK enum tm_code tm_log_batch_start(int flush_ms, struct tm_err *err);

/* Writes what waits and ends the batching (lines go out one by one again).
 * Call from main after the other threads stopped logging. */
void tm_log_batch_stop(void);

/* Copies v into out[size] as a log value: bare when it has no space, quote,
 * equals sign or control character, otherwise double-quoted with \" and \\. */
void tm_log_quote(char *out, size_t size, const char *v);

#define tm_log_debug(rid, ev, ...) tm_log(TM_LOG_DEBUG, rid, ev, __VA_ARGS__)
#define tm_log_info(rid, ev, ...) tm_log(TM_LOG_INFO, rid, ev, __VA_ARGS__)
#define tm_log_warn(rid, ev, ...) tm_log(TM_LOG_WARN, rid, ev, __VA_ARGS__)
#define tm_log_error(rid, ev, ...) tm_log(TM_LOG_ERROR, rid, ev, __VA_ARGS__)

#endif
