/* common/http.h — small helpers over civetweb shared by the gateway and the
 * ops port: starting a server on loopback and writing a complete response
 * (status line, Content-Length, extra headers) in one place, so keep-alive
 * works everywhere. Stateless; thread-safe. */
#ifndef TM_COMMON_HTTP_H
#define TM_COMMON_HTTP_H

#include <stddef.h>

#include <civetweb.h>

#include "common/err.h"

/* The stack of a civetweb worker thread, as Debian builds civetweb
 * (CIVETWEB_THREAD_STACK_SIZE; civetweb has no run-time setting for it):
 * the smallest stack any TechMart code runs on; a unit test checks that a
 * real worker thread has it. */
#define TM_HTTP_STACK_SIZE 102400
/* The part of it a decoder may count on: civetweb has used ~23 KiB before a
 * handler runs (measured), and the handler path more. Tests and fuzz
 * targets run decoders on a thread of this size. */
#define TM_DECODER_STACK_SIZE (TM_HTTP_STACK_SIZE / 4)

/* Starts civetweb listening on `listen` ("127.0.0.1:8080") with n_threads.
 * Every entry must name an address: a bare port, 0.0.0.0 or [::] is
 * TM_INVALID (field "listen"), so nothing listens on every interface.
 * extra_opts is a NULL-terminated key/value list (may be NULL). The caller
 * stops it with mg_stop. TM_UNAVAIL when the port cannot be bound. */
TM_MUSTCHECK enum tm_code tm_http_start(const char *listen, int n_threads, const char **extra_opts,
                                        void *user_data, struct mg_context **out,
                                        struct tm_err *err);

/* The stack size of the calling thread in bytes; 0 when unknown. */
size_t tm_thread_stack_size(void);

/* Gives the pages of the calling thread's stack below its current frame
 * back to the kernel (MADV_DONTNEED: they read as zeros when touched
 * again). tm_http_start's servers call it as each connection closes. */
void tm_stack_release(void);

/* Runs fn(arg) on a new thread of stack_size bytes and waits for it:
 * how tests and fuzz targets run code on a worker's stack. TM_INTERNAL when
 * the thread cannot start. */
TM_MUSTCHECK enum tm_code tm_run_on_stack(size_t stack_size, void (*fn)(void *), void *arg);

/* Writes a whole response. headers is "" or lines each ending in \r\n. */
void tm_http_reply(struct mg_connection *conn, int status, const char *content_type,
                   const char *headers, const char *body, size_t len);

/* A streamed response (Transfer-Encoding: chunked), for an answer sent
 * page by page. tm_http_stream_start writes the status line and headers
 * (headers as for tm_http_reply) with "Connection: close" and
 * "X-Accel-Buffering: no" (nginx passes each chunk on as it comes);
 * tm_http_chunk writes one chunk (len 0: nothing); tm_http_stream_end the
 * terminating chunk. A stream that cannot be finished (its source failed
 * after the status was sent) is left without tm_http_stream_end and its
 * connection ended with tm_http_shutdown: the client sees a truncated
 * transfer, never a complete body. Each returns 0, or -1 when the client's connection failed. */
int tm_http_stream_start(struct mg_connection *conn, int status, const char *content_type,
                         const char *headers);
int tm_http_chunk(struct mg_connection *conn, const char *p, size_t len);
int tm_http_stream_end(struct mg_connection *conn);

/* The descriptor of conn's socket, found among the process's by its two
 * ends (ri's remote and server address and port; civetweb does not expose
 * it): a few thousand getpeername calls at most, for the rare caller that
 * must act on the socket itself. -1 when not found. The socket stays
 * civetweb's: never close it. */
int tm_http_socket(const struct mg_request_info *ri);

/* addr without a "::ffff:" (any case) before an IPv4 dotted quad: a
 * v4-mapped IPv6 address as its IPv4 text, so civetweb's and inet_ntop's
 * spellings of one peer compare equal. Points into addr. Pure. */
const char *tm_http_addr_plain(const char *addr);

/* Ends conn's stream now: first writes a line that is not a chunk size
 * ("zz\r\n"), so any HTTP/1.1 parser reading the chunked body aborts the
 * message as malformed at once even if the socket cannot be found, then
 * shuts the socket both ways, so the peer sees it closed even though
 * civetweb would keep it alive for a next request: how a stream left
 * unfinished reaches the client at once. 0, or -1 when the socket was not
 * found (the bad line was still written, when the connection took it). */
int tm_http_shutdown(struct mg_connection *conn);

/* Reads the request body into a malloc'd buffer (caller frees) of at most
 * max bytes. TM_TOOBIG (field "body") when larger, TM_INVALID on a short read. */
TM_MUSTCHECK enum tm_code tm_http_read_body(struct mg_connection *conn, size_t max, char **out,
                                            size_t *len, struct tm_err *err);

/* 1 when an Accept header's value names text/csv among its media ranges
 * (case-insensitive, parameters such as ;q= ignored), else 0 (NULL too):
 * how the gateway tells a report's CSV from its JSON (proto/envelope.md,
 * "accept"). Pure. */
int tm_http_accepts_csv(const char *accept);

/* 1 when a Content-Type header's value is application/json (any case,
 * parameters such as ; charset=utf-8 allowed, nothing else after the
 * type), else 0 (NULL too). Pure. */
int tm_http_is_json(const char *content_type);

#endif
