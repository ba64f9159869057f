/* common/http.c — civetweb glue. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "common/http.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"

/* Pages kept below the caller's frame when a stack is given back: the
 * madvise call's own frame lives there. */
#define STACK_KEEP_PAGES 2

/* 1 when every entry of a civetweb listening_ports list names an address
 * and none is the wildcard: a TechMart listener is never reachable on every
 * interface by accident (the gateway must be reachable only through nginx). */
static int
listen_explicit(const char *listen)
{
    const char *p = listen;

    while (*p) {
        size_t n = strcspn(p, ",");

        if (!memchr(p, ':', n) || strncmp(p, "0.0.0.0:", 8) == 0 || strncmp(p, "[::]:", 5) == 0 ||
            strncmp(p, "+", 1) == 0)
            return 0;
        p += n + (p[n] == ',');
    }
    return listen[0] != '\0';
}

void
tm_stack_release(void)
{
    pthread_attr_t a;
    void *low = NULL;
    size_t size = 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), lo, hi;

    if (pthread_getattr_np(pthread_self(), &a) != 0)
        return;
    if (pthread_attr_getstack(&a, &low, &size) != 0)
        low = NULL;
    pthread_attr_destroy(&a);
    if (!low)
        return;
    lo = ((uintptr_t)low + page - 1) & ~(page - 1);
    hi = ((uintptr_t)__builtin_frame_address(0) & ~(page - 1)) - STACK_KEEP_PAGES * page;
    if (hi > lo && hi - lo < size)
        (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* civetweb calls this in the worker thread that served conn, after closing
 * it. The worker then waits for a connection of its own, in any order: the
 * stack its deepest request touched would stay resident meanwhile, in
 * every one of the gateway's two thousand workers. */
static void
closed(const struct mg_connection *conn)
{
    (void)conn;
    tm_stack_release();
}

/* Every request passes civetweb's own authorization (tm_http_start). */
static int
no_http_password(struct mg_connection *conn, void *cbdata)
{
    (void)conn;
    (void)cbdata;
    return 1;
}

enum tm_code
tm_http_start(const char *listen, int n_threads, const char **extra_opts, void *user_data,
              struct mg_context **out, struct tm_err *err)
{
    const char *opts[32];
    char threads[16];
    struct mg_callbacks cb;
    struct mg_init_data init;
    struct mg_error_data ed;
    char ebuf[256] = "";
    unsigned ecode = 0;
    int n = 0;

    *out = NULL;
    if (!listen_explicit(listen))
        return tm_err_set(err, TM_INVALID, "listen",
                          "listen '%.64s' must name an address (loopback or internal), never the "
                          "wildcard: clients reach TechMart through nginx only",
                          listen);
    snprintf(threads, sizeof threads, "%d", n_threads);
    opts[n++] = "listening_ports";
    opts[n++] = listen;
    opts[n++] = "num_threads";
    opts[n++] = threads;
    opts[n++] = "enable_keep_alive";
    opts[n++] = "yes";
    opts[n++] = "tcp_nodelay";
    opts[n++] = "1";
    /* civetweb answers CORS preflights itself, allowing "*" by default; our
     * handlers decide CORS (the gateway allows one configured origin). */
    opts[n++] = "access_control_allow_origin";
    opts[n++] = "";
    /* Longer than nginx's upstream keepalive_timeout (60 s), so nginx always
     * closes an idle connection first: a server-side close racing a new
     * request on it shows as "upstream prematurely closed" at nginx. */
    opts[n++] = "keep_alive_timeout_ms";
    opts[n++] = "75000";
    for (int i = 0; extra_opts && extra_opts[i] && n < 30; i++)
        opts[n++] = extra_opts[i];
    opts[n] = NULL;
    memset(&cb, 0, sizeof cb);
    memset(&init, 0, sizeof init);
    memset(&ed, 0, sizeof ed);
    cb.connection_closed = closed;
    init.callbacks = &cb;
    init.user_data = user_data;
    init.configuration_options = opts;
    ed.code = &ecode;
    ed.text = ebuf;
    ed.text_buffer_size = sizeof ebuf;
    *out = mg_start2(&init, &ed);
    if (!*out)
        return tm_err_set(err, TM_UNAVAIL, "listen", "http on %s: %s", listen,
                          ebuf[0] ? ebuf : "cannot start");
    /* Without an authorization handler civetweb looks for a ".htpasswd"
     * beside the requested path on every request (a failed stat each) and,
     * were one there, would ask every client for an HTTP password. Our
     * handlers do the authentication. */
    mg_set_auth_handler(*out, "/", no_http_password, NULL);
    return TM_OK;
}

void
tm_http_reply(struct mg_connection *conn, int status, const char *content_type, const char *headers,
              const char *body, size_t len)
{
    struct tm_buf b;

    /* One buffer, one write: with TCP_NODELAY, headers and body written
     * separately would leave as two segments and wake the peer twice. */
    tm_buf_init(&b, len + 2048);
    if (tm_buf_printf(&b,
                      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                      "Cache-Control: no-store\r\n%s\r\n",
                      status, mg_get_response_code_text(conn, status), content_type, len,
                      headers) != TM_OK ||
        tm_buf_add(&b, body, len) != TM_OK) {
        /* headers are built by us from bounded values; a failure means a bug */
        static const char fallback[] = "HTTP/1.1 500 Internal Server Error\r\n"
                                       "Content-Length: 0\r\n\r\n";
        mg_write(conn, fallback, sizeof fallback - 1);
    } else {
        mg_write(conn, b.p, b.len);
    }
    tm_buf_fini(&b);
}

int
tm_http_stream_start(struct mg_connection *conn, int status, const char *content_type,
                     const char *headers)
{
    /* written raw, as tm_http_reply does; "Connection: close" tells the
     * peer not to reuse the connection (civetweb itself would keep it: an
     * unfinished stream is ended by tm_http_shutdown) */
    return mg_printf(conn,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n"
                     "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n"
                     "%s\r\n",
                     status, mg_get_response_code_text(conn, status), content_type, headers) > 0
               ? 0
               : -1;
}

int
tm_http_chunk(struct mg_connection *conn, const char *p, size_t len)
{
    while (len > 0) {
        unsigned n = len > (1u << 30) ? 1u << 30 : (unsigned)len;
        if (mg_send_chunk(conn, p, n) <= 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

int
tm_http_stream_end(struct mg_connection *conn)
{
    return mg_write(conn, "0\r\n\r\n", 5) == 5 ? 0 : -1;
}

int
tm_http_socket(const struct mg_request_info *ri)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int found = -1;

    while (d && found < 0 && (e = readdir(d)) != NULL) {
        struct sockaddr_storage peer, me;
        socklen_t pl = sizeof peer, ml = sizeof me;
        char addr[INET6_ADDRSTRLEN];
        int fd = atoi(e->d_name), port = 0, my_port = 0;

        if (fd <= 2 || getpeername(fd, (struct sockaddr *)&peer, &pl) != 0 ||
            getsockname(fd, (struct sockaddr *)&me, &ml) != 0)
            continue;
        if (peer.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, addr, sizeof addr);
            port = ntohs(((struct sockaddr_in *)&peer)->sin_port);
            my_port = ntohs(((struct sockaddr_in *)&me)->sin_port);
        } else if (peer.ss_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, addr, sizeof addr);
            port = ntohs(((struct sockaddr_in6 *)&peer)->sin6_port);
            my_port = ntohs(((struct sockaddr_in6 *)&me)->sin6_port);
        } else {
            continue;
        }
        if (port == ri->remote_port && my_port == ri->server_port &&
            strcmp(tm_http_addr_plain(addr), tm_http_addr_plain(ri->remote_addr)) == 0)
            found = fd;
    }
    if (d)
        closedir(d);
    return found;
}

const char *
tm_http_addr_plain(const char *addr)
{
    static const char mapped[] = "::ffff:";
    struct in_addr v4;

    if (strncasecmp(addr, mapped, sizeof mapped - 1) == 0 &&
        inet_pton(AF_INET, addr + sizeof mapped - 1, &v4) == 1)
        return addr + sizeof mapped - 1;
    return addr;
}

int
tm_http_shutdown(struct mg_connection *conn)
{
    static const char bad_size[] = "zz\r\n";
    int fd;

    (void)mg_write(conn, bad_size, sizeof bad_size - 1);
    fd = tm_http_socket(mg_get_request_info(conn));

    return fd >= 0 && shutdown(fd, SHUT_RDWR) == 0 ? 0 : -1;
}

enum tm_code
tm_http_read_body(struct mg_connection *conn, size_t max, char **out, size_t *len,
                  struct tm_err *err)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    long long declared = ri->content_length;
    struct tm_buf b;
    char chunk[8192];
    int n;

    *out = NULL;
    *len = 0;
    if (declared > (long long)max)
        return tm_err_set(err, TM_TOOBIG, "body", "request body over %zu bytes", max);
    tm_buf_init(&b, max);
    while ((n = mg_read(conn, chunk, sizeof chunk)) > 0) {
        if (tm_buf_add(&b, chunk, (size_t)n) != TM_OK) {
            tm_buf_fini(&b);
            return tm_err_set(err, TM_TOOBIG, "body", "request body over %zu bytes", max);
        }
    }
    if (n < 0 || (declared >= 0 && (long long)b.len != declared)) {
        tm_buf_fini(&b);
        return tm_err_set(err, TM_INVALID, "body", "request body was cut short");
    }
    *len = b.len;
    *out = tm_buf_steal(&b);
    return TM_OK;
}

size_t
tm_thread_stack_size(void)
{
    pthread_attr_t a;
    size_t size = 0;

    if (pthread_getattr_np(pthread_self(), &a) != 0)
        return 0;
    if (pthread_attr_getstacksize(&a, &size) != 0)
        size = 0;
    pthread_attr_destroy(&a);
    return size;
}

struct on_stack {
    void (*fn)(void *);
    void *arg;
};

static void *
on_stack_main(void *p)
{
    const struct on_stack *o = p;

    o->fn(o->arg);
    return NULL;
}

enum tm_code
tm_run_on_stack(size_t stack_size, void (*fn)(void *), void *arg)
{
    struct on_stack o = {fn, arg};
    pthread_attr_t a;
    pthread_t t;
    int rc;

    if (pthread_attr_init(&a) != 0)
        return TM_INTERNAL;
    rc = pthread_attr_setstacksize(&a, stack_size);
    if (rc == 0)
        rc = pthread_create(&t, &a, on_stack_main, &o);
    pthread_attr_destroy(&a);
    if (rc != 0)
        return TM_INTERNAL;
    pthread_join(t, NULL);
    return TM_OK;
}

int
tm_http_accepts_csv(const char *accept)
{
    static const char csv[] = "text/csv";
    const char *p = accept;

    while (p && *p) {
        size_t n;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        n = strcspn(p, ",; \t");
        if (n == sizeof csv - 1 && strncasecmp(p, csv, n) == 0)
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

int
tm_http_is_json(const char *content_type)
{
    static const char json[] = "application/json";
    const char *p = content_type;

    if (!p)
        return 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, json, sizeof json - 1) != 0)
        return 0;
    p += sizeof json - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '\0' || *p == ';';
}
