/* tests/unit/common/misc_test.c — ops health documents, migration sets and
 * checksums, timestamps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/migrate.h"
#include "common/ops.h"
#include "common/time.h"

#include "tests/unit/common/suites.h"

START_TEST(test_health_json_ready_only_when_all_up)
{
    struct tm_health h;
    struct tm_buf b;

    memset(&h, 0, sizeof h);
    tm_health_add(&h, "postgres", 1, "ok");
    ck_assert(tm_health_ready(&h));
    tm_health_add(&h, "redis", 0, "refused \"x\"");
    ck_assert(!tm_health_ready(&h));
    tm_buf_init(&b, 4096);
    ck_assert_int_eq(tm_health_json(&h, "tm-x", "1", &b), TM_OK);
    ck_assert_str_eq(b.p, "{\"service\":\"tm-x\",\"instance\":\"1\",\"live\":true,\"ready\":false,"
                          "\"status\":\"not_ready\",\"dependencies\":{\"postgres\":{\"state\":"
                          "\"up\",\"detail\":\"ok\"},\"redis\":{\"state\":\"down\",\"detail\":"
                          "\"refused \\\"x\\\"\"}}}");
    /* the summary: the same verdicts, no instance and no detail */
    tm_buf_reset(&b);
    ck_assert_int_eq(tm_health_json_summary(&h, "tm-x", &b), TM_OK);
    ck_assert_str_eq(b.p, "{\"service\":\"tm-x\",\"live\":true,\"ready\":false,\"status\":"
                          "\"not_ready\",\"dependencies\":{\"postgres\":{\"state\":\"up\"},"
                          "\"redis\":{\"state\":\"down\"}}}");
    tm_buf_fini(&b);
    for (int i = 0; i < TM_HEALTH_DEPS_MAX + 5; i++)
        tm_health_add(&h, "more", 1, "x");
    ck_assert_int_eq(h.n, TM_HEALTH_DEPS_MAX);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_migration_set_loads_sorted_with_checksums)
{
    char dir[] = "/tmp/tm-mig-XXXXXX", sub[300], path[400];
    struct tm_migration_set set;
    struct tm_err e;
    char hex[65];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/shop", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/0002_b.sql", sub);
    write_file(path, "SELECT 2;");
    snprintf(path, sizeof path, "%s/0001_a.sql", sub);
    write_file(path, "SELECT 1;");
    snprintf(path, sizeof path, "%s/notes.txt", sub);
    write_file(path, "ignored");
    ck_assert_int_eq(tm_migration_set_load(dir, "shop", &set, &e), TM_OK);
    ck_assert_int_eq(set.n, 2);
    ck_assert_str_eq(set.m[0].name, "0001_a.sql");
    ck_assert_str_eq(set.m[1].name, "0002_b.sql");
    ck_assert_str_eq(set.m[0].sql, "SELECT 1;");
    tm_sha256_hex("SELECT 2;", 9, hex);
    ck_assert_str_eq(set.m[1].sha256, hex);
    tm_migration_set_fini(&set);
    ck_assert_int_eq(tm_migration_set_load(dir, "nope", &set, &e), TM_NOTFOUND);
    ck_assert_str_eq(e.field, "sql-dir");
    snprintf(path, sizeof path, "rm -rf %s", dir);
    ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_iso8601_formats_utc_millis)
{
    char out[TM_ISO8601_MAX];

    tm_iso8601(0, out, sizeof out);
    ck_assert_str_eq(out, "1970-01-01T00:00:00.000Z");
    tm_iso8601(1795000000123LL, out, sizeof out);
    ck_assert_str_eq(out, "2026-11-18T11:06:40.123Z");
    /* the same second again (the thread's kept text), the next, and back */
    tm_iso8601(1795000000999LL, out, sizeof out);
    ck_assert_str_eq(out, "2026-11-18T11:06:40.999Z");
    tm_iso8601(1795000001007LL, out, sizeof out);
    ck_assert_str_eq(out, "2026-11-18T11:06:41.007Z");
    tm_iso8601(1795000000050LL, out, sizeof out);
    ck_assert_str_eq(out, "2026-11-18T11:06:40.050Z");
    /* a five-digit year is not cut to the kept text's size */
    tm_iso8601(253402300800001LL, out, sizeof out);
    ck_assert_str_eq(out, "10000-01-01T00:00:00.001Z");
    /* a buffer too small is cut, never overrun */
    {
        char small[8];
        tm_iso8601(1795000000123LL, small, sizeof small);
        ck_assert_str_eq(small, "2026-11");
    }
    ck_assert_int_gt(tm_now_ms(), 1700000000000LL);
    ck_assert_int_le(tm_mono_ms(), tm_mono_ms());
}
END_TEST

/* The one form of client time: a UTC date, or a time with its offset.
 * Oracle: the epoch milliseconds worked out by hand (or by `date -u -d`). */
static const struct {
    const char *in;
    int ok;
    int64_t epoch_ms;
    const char *text;
} times[] = {
    {"2026-11-22", 1, 1795305600000LL, "2026-11-22T00:00:00Z"},
    {"1970-01-01T00:00:00Z", 1, 0, "1970-01-01T00:00:00Z"},
    {"2026-11-22T09:14:03Z", 1, 1795338843000LL, "2026-11-22T09:14:03Z"},
    {"2026-11-22T09:14:03.512Z", 1, 1795338843512LL, "2026-11-22T09:14:03.512Z"},
    {"2026-11-22T09:14:03.5Z", 1, 1795338843500LL, "2026-11-22T09:14:03.5Z"},
    {"2026-11-22T09:14:03.123456Z", 1, 1795338843123LL, "2026-11-22T09:14:03.123456Z"},
    {"2026-11-22T10:14:03+01:00", 1, 1795338843000LL, "2026-11-22T10:14:03+01:00"},
    {"2026-11-22T04:14:03-05:00", 1, 1795338843000LL, "2026-11-22T04:14:03-05:00"},
    {"2026-11-22T09:14Z", 1, 1795338840000LL, "2026-11-22T09:14Z"},
    {"2024-02-29", 1, 1709164800000LL, "2024-02-29T00:00:00Z"},
    {"2000-02-29", 1, 951782400000LL, "2000-02-29T00:00:00Z"},
    {"2026-11-22T09:14:03.123456+01:00", 1, 1795335243123LL, "2026-11-22T09:14:03.123456+01:00"},
    {"1969-12-31T23:59:59.999Z", 1, -1, "1969-12-31T23:59:59.999Z"},
    {"yesterday", 0, 0, NULL},
    {"now", 0, 0, NULL},
    {"", 0, 0, NULL},
    {"2026-11-22T09:14:03", 0, 0, NULL}, /* no offset: a server's zone would decide */
    {"2026-11-22 09:14:03Z", 0, 0, NULL},
    {"2026-11-22t09:14:03z", 0, 0, NULL},
    {"2026-11-31", 0, 0, NULL},
    {"2026-02-29", 0, 0, NULL},
    {"1900-02-29", 0, 0, NULL},
    {"0000-01-01", 0, 0, NULL},
    {"2026-13-01", 0, 0, NULL},
    {"2026-00-10", 0, 0, NULL},
    {"2026-1-01", 0, 0, NULL},
    {"20261122", 0, 0, NULL},
    {"2026-11-22T24:00:00Z", 0, 0, NULL},
    {"2026-11-22T09:60:00Z", 0, 0, NULL},
    {"2026-11-22T09:14:60Z", 0, 0, NULL},
    {"2026-11-22T09:14:03.Z", 0, 0, NULL},
    {"2026-11-22T09:14:03.1234567Z", 0, 0, NULL},
    {"2026-11-22T09:14:03+0100", 0, 0, NULL},
    {"2026-11-22T09:14:03+15:00", 0, 0, NULL},
    {"2026-11-22T09:14:03+01:60", 0, 0, NULL},
    {"2026-11-22T09:14:03Zx", 0, 0, NULL},
    {"2026-11-22x", 0, 0, NULL},
    {"2026-11-22T", 0, 0, NULL},
    {"2026-11-22T09:14:03.123456+01:00 and more", 0, 0, NULL}, /* over the length */
};

START_TEST(test_time_parse_takes_one_form)
{
    struct tm_time t = {42, "untouched"};
    struct tm_err e;
    enum tm_code rc = tm_time_parse(times[_i].in, "from", &t, &e);

    if (times[_i].ok) {
        ck_assert_msg(rc == TM_OK, "%s: %s", times[_i].in, e.message);
        ck_assert_int_eq(t.epoch_ms, times[_i].epoch_ms);
        ck_assert_str_eq(t.text, times[_i].text);
    } else {
        ck_assert_msg(rc == TM_INVALID, "%s was taken", times[_i].in);
        ck_assert_str_eq(e.field, "from");
        ck_assert_ptr_nonnull(strstr(e.message, "from must be a date (2026-11-22, UTC)"));
        ck_assert_int_eq(t.epoch_ms, 42);
        ck_assert_str_eq(t.text, "untouched");
    }
}
END_TEST

Suite *
ops_suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("ops");

    tcase_add_test(tc, test_health_json_ready_only_when_all_up);
    suite_add_tcase(s, tc);
    return s;
}

Suite *
migrate_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("migrate");

    tcase_add_test(tc, test_migration_set_loads_sorted_with_checksums);
    suite_add_tcase(s, tc);
    return s;
}

Suite *
time_suite(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("time");

    tcase_add_test(tc, test_iso8601_formats_utc_millis);
    tcase_add_loop_test(tc, test_time_parse_takes_one_form, 0, sizeof times / sizeof times[0]);
    suite_add_tcase(s, tc);
    return s;
}
