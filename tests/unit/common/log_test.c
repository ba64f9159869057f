/* tests/unit/common/log_test.c — log lines read back through a pipe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/time.h"

#include "tests/unit/common/suites.h"

static void
read_line(int fd, char *out, size_t size)
{
    ssize_t n = read(fd, out, size - 1);

    ck_assert_int_gt(n, 0);
    out[n] = '\0';
}

START_TEST(test_log_line_has_context_and_one_newline)
{
    int p[2];
    char line[TM_LOG_LINE_MAX + 16];

    ck_assert_int_eq(pipe(p), 0);
    tm_log_init("tm-test", TM_LOG_INFO, p[1]);
    tm_log_info("rid42", "thing.done", "a=%d b=%s", 1, "two\nlines");
    read_line(p[0], line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, " level=info svc=tm-test pid="));
    ck_assert_ptr_nonnull(strstr(line, " rid=rid42 event=thing.done a=1 b=two lines\n"));
    ck_assert(strncmp(line, "ts=", 3) == 0);
    ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
    tm_log_info(NULL, "x", "k=v");
    read_line(p[0], line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, " rid=- event=x k=v\n"));
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_log_drops_below_level_and_bounds_long_lines)
{
    int p[2];
    char line[TM_LOG_LINE_MAX * 2], big[TM_LOG_LINE_MAX * 2];

    ck_assert_int_eq(pipe(p), 0);
    tm_log_init("tm-test", TM_LOG_WARN, p[1]);
    tm_log_info("r", "quiet", "x=1");
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tm_log_warn("r", "loud", "v=%s", big);
    read_line(p[0], line, sizeof line);
    ck_assert_ptr_null(strstr(line, "quiet"));
    ck_assert_uint_le(strlen(line), TM_LOG_LINE_MAX);
    ck_assert_int_eq(line[strlen(line) - 1], '\n');
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_log_quote_and_level_parse)
{
    char out[64];
    enum tm_log_level lvl;
    struct tm_err e;

    tm_log_quote(out, sizeof out, "plain");
    ck_assert_str_eq(out, "plain");
    tm_log_quote(out, sizeof out, "two words");
    ck_assert_str_eq(out, "\"two words\"");
    tm_log_quote(out, sizeof out, "a\"b");
    ck_assert_str_eq(out, "\"a\\\"b\"");
    tm_log_quote(out, sizeof out, "");
    ck_assert_str_eq(out, "\"\"");
    ck_assert_int_eq(tm_log_level_parse("WARN", &lvl, &e), TM_OK);
    ck_assert_int_eq(lvl, TM_LOG_WARN);
    ck_assert_int_eq(tm_log_level_parse("loud", &lvl, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "log-level");
}
END_TEST

static long
size_of(int fd)
{
    struct stat st;

    ck_assert_int_eq(fstat(fd, &st), 0);
    return (long)st.st_size;
}

/* Logs into a fresh unlinked file, batched every flush_ms; returns its fd. */
static int
batched(int flush_ms)
{
    char path[] = "/tmp/tm-log-batch-XXXXXX";
    int fd = mkstemp(path);
    struct tm_err e;

    ck_assert_int_ge(fd, 0);
    unlink(path);
    tm_log_init("tm-test", TM_LOG_INFO, fd);
    ck_assert_int_eq(tm_log_batch_start(flush_ms, &e), TM_OK);
    return fd;
}

/* Batched: info lines wait (the flusher's round is a minute away here), a
 * warn line goes out at once after them, a full batch goes out by itself,
 * and stopping writes the rest: every line once, in order. */
START_TEST(test_log_batch_keeps_order_and_loses_nothing)
{
    char *text, want[32];
    int fd = batched(60000), seen = 0;
    long size;
    FILE *f;

    tm_log_info(NULL, "held", "n=0");
    ck_assert_int_eq(size_of(fd), 0);
    tm_log_warn(NULL, "loud", "n=1");
    size = size_of(fd);
    ck_assert_int_gt(size, 0);
    for (int i = 2; i < 3002; i++) /* ~150 bytes each: more than one batch */
        tm_log_info(NULL, "many", "n=%d pad=%0100d", i, 0);
    ck_assert_int_gt(size_of(fd), size); /* a full batch went out by itself */
    size = size_of(fd);
    tm_log_batch_stop();
    ck_assert_int_gt(size_of(fd), size);
    tm_log_info(NULL, "after", "n=3002");
    size = size_of(fd);
    text = malloc((size_t)size + 1);
    ck_assert_int_eq(pread(fd, text, (size_t)size, 0), size);
    text[size] = '\0';
    f = fmemopen(text, (size_t)size, "r");
    for (char line[512]; fgets(line, sizeof line, f); seen++) {
        const char *at;

        snprintf(want, sizeof want, " n=%d", seen);
        at = strstr(line, want);
        ck_assert_msg(at && (at[strlen(want)] == ' ' || at[strlen(want)] == '\n'),
                      "line %d is out of order: %s", seen, line);
    }
    ck_assert_int_eq(seen, 3003);
    fclose(f);
    free(text);
    close(fd);
}
END_TEST

/* The flusher's round writes what waits without any other line. */
START_TEST(test_log_batch_flushes_on_its_own)
{
    int fd = batched(20);

    tm_log_info(NULL, "quiet", "n=0");
    for (int i = 0; i < 500 && size_of(fd) == 0; i++)
        tm_sleep_ms(10);
    ck_assert_int_gt(size_of(fd), 0);
    tm_log_batch_stop();
    close(fd);
}
END_TEST

Suite *
log_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");

    tcase_add_test(tc, test_log_line_has_context_and_one_newline);
    tcase_add_test(tc, test_log_drops_below_level_and_bounds_long_lines);
    tcase_add_test(tc, test_log_quote_and_level_parse);
    tcase_add_test(tc, test_log_batch_keeps_order_and_loses_nothing);
    tcase_add_test(tc, test_log_batch_flushes_on_its_own);
    suite_add_tcase(s, tc);
    return s;
}
