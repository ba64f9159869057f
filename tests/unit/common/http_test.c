/* tests/unit/common/http_test.c — the stack every decoder must fit in: a
 * real civetweb worker thread has TM_HTTP_STACK_SIZE bytes, and JSON nested
 * far deeper than TM_JSON_DEPTH_MAX is refused on the part of it a decoder
 * may use (TM_DECODER_STACK_SIZE), before cJSON recurses. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/http.h"
#include "common/json.h"
#include "common/time.h"

#include "tests/unit/common/suites.h"

static size_t worker_stack;

static int
h_stack(struct mg_connection *conn, void *arg)
{
    (void)arg;
    worker_stack = tm_thread_stack_size();
    tm_http_reply(conn, 200, "text/plain", "", "ok", 2);
    return 200;
}

/* Starts a server of two workers answering "/" with handler, sends it one
 * HTTP/1.0 GET and reads the answer to its end (the server closes). The
 * caller stops the server and exits the library. */
static struct mg_context *
get_once(mg_request_handler handler)
{
    struct mg_context *ctx = NULL;
    struct mg_server_port port;
    struct sockaddr_in sa;
    struct tm_err e;
    char buf[512];
    ssize_t n, got = 0;
    int fd;

    mg_init_library(0);
    ck_assert_int_eq(tm_http_start("127.0.0.1:0", 2, NULL, NULL, &ctx, &e), TM_OK);
    mg_set_request_handler(ctx, "/", handler, NULL);
    ck_assert_int_eq(mg_get_server_ports(ctx, 1, &port), 1);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_gt(write(fd, "GET / HTTP/1.0\r\n\r\n", 18), 0);
    while ((n = read(fd, buf, sizeof buf)) > 0)
        got += n;
    close(fd);
    ck_assert_int_gt(got, 0);
    return ctx;
}

START_TEST(test_civetweb_worker_has_tm_http_stack_size)
{
    struct mg_context *ctx = get_once(h_stack);

    mg_stop(ctx);
    mg_exit_library();
    ck_assert_uint_eq(worker_stack, TM_HTTP_STACK_SIZE);
}
END_TEST

/* Touches about depth bytes of stack below the caller. */
static __attribute__((noinline)) int
touch_deep(size_t depth)
{
    volatile char pad[4096];

    pad[0] = 1;
    pad[sizeof pad - 1] = 1;
    return depth > sizeof pad ? touch_deep(depth - sizeof pad) + pad[0] : pad[0];
}

static uintptr_t
page_size(void)
{
    return (uintptr_t)sysconf(_SC_PAGESIZE);
}

/* The lowest address of the calling thread's stack. */
static uintptr_t
stack_low(void)
{
    pthread_attr_t a;
    void *low;
    size_t size;

    ck_assert_int_eq(pthread_getattr_np(pthread_self(), &a), 0);
    ck_assert_int_eq(pthread_attr_getstack(&a, &low, &size), 0);
    pthread_attr_destroy(&a);
    return ((uintptr_t)low + page_size() - 1) & ~(page_size() - 1);
}

/* Resident pages in [lo, hi), both page-aligned. */
static size_t
resident(uintptr_t lo, uintptr_t hi)
{
    size_t n = (hi - lo) / page_size(), count = 0;
    unsigned char *vec = calloc(n, 1);

    ck_assert_int_eq(mincore((void *)lo, hi - lo, vec), 0);
    for (size_t i = 0; i < n; i++)
        count += vec[i] & 1;
    free(vec);
    return count;
}

/* Resident pages of the calling thread's stack from its low end up to 4
 * pages under the caller's frame. */
static __attribute__((noinline)) size_t
resident_below(void)
{
    return resident(stack_low(),
                    ((uintptr_t)__builtin_frame_address(0) & ~(page_size() - 1)) - 4 * page_size());
}

static void
release_deep(void *arg)
{
    size_t *pages = arg;
    volatile char canary[256];

    memset((char *)canary, 0x5a, sizeof canary);
    ck_assert_int_gt(touch_deep(128 * 1024), 0);
    pages[0] = resident_below();
    tm_stack_release();
    pages[1] = resident_below();
    for (size_t i = 0; i < sizeof canary; i++) /* the caller's frame is intact */
        ck_assert_int_eq(canary[i], 0x5a);
    ck_assert_int_gt(touch_deep(128 * 1024), 0); /* the stack still works */
    pages[2] = resident_below();
}

START_TEST(test_stack_release_gives_back_the_pages_below)
{
    size_t pages[3] = {0, 0, 0};

    ck_assert_int_eq(tm_run_on_stack(512 * 1024, release_deep, pages), TM_OK);
    ck_assert_uint_ge(pages[0], 24); /* 128 KiB touched: 32 pages */
    ck_assert_uint_le(pages[1], 1);  /* the calls' own frames at most */
    ck_assert_uint_ge(pages[2], 24);
}
END_TEST

/* The worker's stack under its handler's frame (less 2 pages), and the
 * pages of it resident when the handler answered. */
static _Atomic uintptr_t deep_lo, deep_hi;
static _Atomic size_t deep_before;

static int
h_deep(struct mg_connection *conn, void *arg)
{
    uintptr_t hi = ((uintptr_t)__builtin_frame_address(0) & ~(page_size() - 1)) - 2 * page_size();

    (void)arg;
    ck_assert_int_gt(touch_deep(48 * 1024), 0);
    deep_lo = stack_low();
    deep_before = resident(deep_lo, hi);
    deep_hi = hi;
    tm_http_reply(conn, 200, "text/plain", "", "ok", 2);
    return 200;
}

START_TEST(test_worker_stack_given_back_when_its_connection_closes)
{
    struct mg_context *ctx = get_once(h_deep);
    size_t after = SIZE_MAX;

    /* the worker gives its stack back just after it closes the connection
     * (waited for up to 5 s: a busy machine may run it late) */
    for (int i = 0; i < 500 && after > 1; i++) {
        after = resident(deep_lo, deep_hi);
        if (after > 1)
            tm_sleep_ms(10);
    }
    mg_stop(ctx);
    mg_exit_library();
    ck_assert_uint_ge(deep_before, 8); /* 48 KiB touched under the frame */
    ck_assert_uint_le(after, 1);
}
END_TEST

START_TEST(test_listen_must_name_an_address)
{
    static const char *const bad[] = {"8081", "0.0.0.0:0", "[::]:0", "127.0.0.1:0,9090", ""};
    struct mg_context *ctx = NULL;
    struct tm_err e;

    mg_init_library(0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(tm_http_start(bad[i], 2, NULL, NULL, &ctx, &e), TM_INVALID);
        ck_assert_str_eq(e.field, "listen");
        ck_assert_ptr_null(ctx);
    }
    mg_exit_library();
}
END_TEST

struct deep {
    size_t levels;
    enum tm_code rc;
    char field[TM_ERR_FIELD_MAX];
};

static void
parse_deep(void *arg)
{
    struct deep *d = arg;
    size_t n = d->levels;
    char *t = malloc(2 * n + 16);
    cJSON *root = NULL;
    struct tm_err e;

    /* {"a": [[[ ... ]]] } — an object body, as the gateway's routes take */
    memcpy(t, "{\"a\":", 5);
    memset(t + 5, '[', n);
    memset(t + 5 + n, ']', n);
    t[5 + 2 * n] = '}';
    d->rc = tm_json_parse(t, 2 * n + 6, TM_JSON_DEPTH_MAX, "body", &root, &e);
    if (d->rc != TM_OK)
        memcpy(d->field, e.field, sizeof d->field);
    cJSON_Delete(root);
    free(t);
}

static const size_t deep_levels[] = {TM_JSON_DEPTH_MAX, 650, 700, 999, 5000, 100000};

START_TEST(test_deep_json_refused_on_a_worker_stack)
{
    struct deep d = {deep_levels[_i], TM_OK, ""};

    ck_assert_int_eq(tm_run_on_stack(TM_DECODER_STACK_SIZE, parse_deep, &d), TM_OK);
    ck_assert_int_eq(d.rc, TM_INVALID);
    ck_assert_str_eq(d.field, "body");
}
END_TEST

static void
parse_at_limit(void *arg)
{
    struct deep *d = arg;
    char t[2 * TM_JSON_DEPTH_MAX + 1];
    cJSON *root = NULL;

    memset(t, '[', TM_JSON_DEPTH_MAX);
    memset(t + TM_JSON_DEPTH_MAX, ']', TM_JSON_DEPTH_MAX);
    d->rc = tm_json_parse(t, 2 * TM_JSON_DEPTH_MAX, TM_JSON_DEPTH_MAX, "body", &root, NULL);
    cJSON_Delete(root);
}

START_TEST(test_json_at_the_depth_limit_parses_on_a_worker_stack)
{
    struct deep d = {0, TM_INTERNAL, ""};

    ck_assert_int_eq(tm_run_on_stack(TM_DECODER_STACK_SIZE, parse_at_limit, &d), TM_OK);
    ck_assert_int_eq(d.rc, TM_OK);
}
END_TEST

static const struct {
    const char *accept;
    int want;
} accepts[] = {
    {"text/csv", 1},
    {"TEXT/CSV", 1},
    {"application/json, text/csv;q=0.5", 1},
    {" text/csv ; charset=utf-8", 1},
    {"text/csvx", 0},
    {"text/cs", 0},
    {"application/json", 0},
    {"text/html,application/xhtml+xml,*/*;q=0.8", 0},
    {"", 0},
    {NULL, 0},
    {",,,", 0},
};

START_TEST(test_accepts_csv)
{
    ck_assert_msg(tm_http_accepts_csv(accepts[_i].accept) == accepts[_i].want, "case %d", _i);
}
END_TEST

static const struct {
    const char *ctype;
    int want;
} ctypes[] = {
    {"application/json", 1},
    {"Application/JSON", 1},
    {"application/json; charset=utf-8", 1},
    {" application/json ;charset=UTF-8", 1},
    {"application/jsonx", 0},
    {"application/json-patch+json", 0},
    {"application/jso", 0},
    {"text/plain", 0},
    {"application/json, text/csv", 0},
    {"", 0},
    {NULL, 0},
};

START_TEST(test_is_json)
{
    ck_assert_msg(tm_http_is_json(ctypes[_i].ctype) == ctypes[_i].want, "case %d", _i);
}
END_TEST

/* civetweb's and inet_ntop's spellings of one peer compare equal. */
START_TEST(test_addr_plain)
{
    ck_assert_str_eq(tm_http_addr_plain("::ffff:127.0.0.1"), "127.0.0.1");
    ck_assert_str_eq(tm_http_addr_plain("::FFFF:10.1.2.3"), "10.1.2.3");
    ck_assert_str_eq(tm_http_addr_plain("127.0.0.1"), "127.0.0.1");
    ck_assert_str_eq(tm_http_addr_plain("::1"), "::1");
    ck_assert_str_eq(tm_http_addr_plain("::ffff:abcd"), "::ffff:abcd");
    ck_assert_str_eq(tm_http_addr_plain("::ffff:"), "::ffff:");
    ck_assert_str_eq(tm_http_addr_plain(""), "");
}
END_TEST

Suite *
http_suite(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("http");

    tcase_set_timeout(tc, 15); /* a worker's stack is waited for up to 5 s */

    tcase_add_test(tc, test_civetweb_worker_has_tm_http_stack_size);
    tcase_add_test(tc, test_stack_release_gives_back_the_pages_below);
    tcase_add_test(tc, test_worker_stack_given_back_when_its_connection_closes);
    tcase_add_test(tc, test_listen_must_name_an_address);
    tcase_add_loop_test(tc, test_deep_json_refused_on_a_worker_stack, 0,
                        (int)(sizeof deep_levels / sizeof deep_levels[0]));
    tcase_add_test(tc, test_json_at_the_depth_limit_parses_on_a_worker_stack);
    tcase_add_loop_test(tc, test_accepts_csv, 0, (int)(sizeof accepts / sizeof accepts[0]));
    tcase_add_loop_test(tc, test_is_json, 0, (int)(sizeof ctypes / sizeof ctypes[0]));
    tcase_add_test(tc, test_addr_plain);
    suite_add_tcase(s, tc);
    return s;
}
