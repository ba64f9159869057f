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
    ck_assert_int_gt(tm_now_ms(), 1700000000000LL);
    ck_assert_int_le(tm_mono_ms(), tm_mono_ms());
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
    suite_add_tcase(s, tc);
    return s;
}
