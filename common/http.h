/* common/http.h — small helpers over civetweb shared by the gateway and the
 * ops port: starting a server on loopback and writing a complete response
 * (status line, Content-Length, extra headers) in one place, so keep-alive
 * works everywhere. Stateless; thread-safe. */
#ifndef TM_COMMON_HTTP_H
#define TM_COMMON_HTTP_H

#include <stddef.h>

#include <civetweb.h>

#include "common/err.h"

/* Starts civetweb listening on `listen` ("127.0.0.1:8080") with n_threads.
 * extra_opts is a NULL-terminated key/value list (may be NULL). The caller
 * stops it with mg_stop. TM_UNAVAIL when the port cannot be bound. */
TM_MUSTCHECK enum tm_code tm_http_start(const char *listen, int n_threads, const char **extra_opts,
                                        void *user_data, struct mg_context **out,
                                        struct tm_err *err);

/* Writes a whole response. headers is "" or lines each ending in \r\n. */
void tm_http_reply(struct mg_connection *conn, int status, const char *content_type,
                   const char *headers, const char *body, size_t len);

/* Reads the request body into a malloc'd buffer (caller frees) of at most
 * max bytes. TM_TOOBIG (field "body") when larger, TM_INVALID on a short read. */
TM_MUSTCHECK enum tm_code tm_http_read_body(struct mg_connection *conn, size_t max, char **out,
                                            size_t *len, struct tm_err *err);

#endif
