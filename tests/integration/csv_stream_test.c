/* tests/integration/csv_stream_test.c — the streamed CSV export of
 * hourly-sales through nginx (docs/analytics.md "CSV exports"): an export
 * of more than one page (ANQ_PAGE_ROWS, 2,000 rows) arrives chunked, with
 * one header row, each store-hour once in key order, and the same rows as
 * the JSON answer; ?format=csv and Accept: text/csv both stream; a client's
 * own page_after resumes after a row without the header; bad page_after
 * and ranges over the maximum are 400s naming the field; an export over
 * the row limit is 413 naming `to`, with or without a page_after.
 *
 * The rows are written straight into the read model for a store of this
 * run (2,185 hourly rows: posting that many sales through the API would
 * take minutes), and deleted again at the end so the rebuild test's
 * row-for-row comparison (analytics_models_test.c, which runs before this
 * suite) never sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define HOURS (91 * 24) /* from D to D + 90 days, both included */

static struct {
    long long store;
    char from[16], to[16], after_to[16]; /* D, D + 90 and D + 91 (UTC dates) */
} fx;

static void
fixture(void)
{
    PGconn *db;
    char sql[1024];

    fx.store = new_store();
    utc_day_text(120, fx.from, sizeof fx.from);
    utc_day_text(30, fx.to, sizeof fx.to);
    utc_day_text(29, fx.after_to, sizeof fx.after_to);
    for (int i = 0; i < 100 && sql_intf("SELECT count(*) FROM analytics.stores WHERE id = %lld",
                                        fx.store) == 0;
         i++)
        tm_sleep_ms(100);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM analytics.stores WHERE id = %lld", fx.store),
                     1);
    db = PQconnectdb(st.db_url);
    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    /* every hour of the range, figures that differ row to row (a few hours
     * without transactions: a null average basket), and one hour past `to` */
    snprintf(sql, sizeof sql,
             "INSERT INTO analytics.hourly_store (store_id, local_hour, revenue_cents, units,"
             " transactions, customers, declined, voided, flagged)"
             " SELECT %lld, '%s'::timestamp + make_interval(hours => g), 100 + g * 7,"
             " 1 + g %% 5, g %% 13, g %% 4, g %% 3, g %% 2, g %% 7"
             " FROM generate_series(0, %d) g",
             fx.store, fx.from, HOURS);
    exec_ok(db, sql);
    PQfinish(db);
}

static void
teardown(void)
{
    PGconn *db = PQconnectdb(st.db_url);
    char sql[160];

    snprintf(sql, sizeof sql, "DELETE FROM analytics.hourly_store WHERE store_id = %lld", fx.store);
    if (PQstatus(db) == CONNECTION_OK)
        exec_ok(db, sql);
    PQfinish(db);
}

/* One hourly-sales item of the JSON answer as the CSV line it must be. */
static void
json_line(const cJSON *it, char *out, size_t size)
{
    static const char *const nums[] = {
        "revenue_cents",        "units",  "transactions", "customers",
        "average_basket_cents", "voided", "declined",     "flagged"};
    size_t o =
        (size_t)snprintf(out, size, "%lld,\"%s\"",
                         (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "store_id")),
                         cJSON_GetStringValue(cJSON_GetObjectItem(it, "hour")));

    for (size_t i = 0; i < sizeof nums / sizeof nums[0] && o < size; i++) {
        const cJSON *v = cJSON_GetObjectItem(it, nums[i]);
        ck_assert_ptr_nonnull(v);
        o += cJSON_IsNull(v)
                 ? (size_t)snprintf(out + o, size - o, ",")
                 : (size_t)snprintf(out + o, size - o, ",%lld", (long long)cJSON_GetNumberValue(v));
    }
}

/* The CSV body's lines (CRLF-ended, the last one too) in place: *n of them. */
static char **
csv_lines(char *body, size_t len, int *n)
{
    char **lines = calloc(HOURS + 16, sizeof *lines);
    char *p = body;

    ck_assert_int_gt(len, 2);
    ck_assert_int_eq(body[len - 2], '\r');
    ck_assert_int_eq(body[len - 1], '\n');
    *n = 0;
    while (p < body + len) {
        char *end = strstr(p, "\r\n");
        ck_assert_ptr_nonnull(end);
        ck_assert_int_lt(*n, HOURS + 16);
        *end = '\0';
        lines[(*n)++] = p;
        p = end + 2;
    }
    return lines;
}

static const char header[] = "store_id,hour,revenue_cents,units,transactions,customers,"
                             "average_basket_cents,voided,declined,flagged";

START_TEST(test_csv_export_streams_every_row_once_as_json_has_them)
{
    struct resp csv, json;
    char path[256], want[256];
    const cJSON *items, *it;
    char **lines;
    int n = 0, i = 0;

    fixture();
    snprintf(path, sizeof path, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%s&to=%s",
             fx.store, fx.from, fx.to);
    ck_assert_int_eq(http("GET", path, NULL, &json), 0);
    ck_assert_msg(json.status == 200, "%d %s", json.status, json.body);
    ck_assert_str_eq(json.transfer_encoding, ""); /* JSON is answered whole, as before */
    items = cJSON_GetObjectItem(json.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), HOURS); /* the hour past `to` is not in */
    snprintf(path + strlen(path), sizeof path - strlen(path), "&format=csv");
    ck_assert_int_eq(http("GET", path, NULL, &csv), 0);
    ck_assert_msg(csv.status == 200, "%d %s", csv.status, csv.body);
    ck_assert_str_eq(csv.ctype, "text/csv; charset=utf-8");
    ck_assert_str_eq(csv.transfer_encoding, "chunked");
    lines = csv_lines(csv.body, csv.len, &n);
    ck_assert_int_eq(n, HOURS + 1); /* one header row, then each store-hour once */
    ck_assert_str_eq(lines[0], header);
    for (int k = 1; k < n; k++)
        ck_assert_msg(strcmp(lines[k], header) != 0, "a second header row at line %d", k);
    cJSON_ArrayForEach(it, items)
    {
        json_line(it, want, sizeof want);
        ck_assert_msg(strcmp(lines[++i], want) == 0, "row %d: csv %s, json %s", i, lines[i], want);
    }
    free(lines);
    resp_free(&csv);
    resp_free(&json);
    teardown();
}
END_TEST

START_TEST(test_csv_export_by_accept_and_resumed_after_a_row)
{
    struct resp r, whole;
    char path[256], after[64];
    char **lines, **rest;
    int n = 0, m = 0;

    fixture();
    snprintf(path, sizeof path, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%s&to=%s",
             fx.store, fx.from, fx.to);
    ck_assert_int_eq(http_port(0, "GET", path, NULL, "Accept: text/csv\r\n", &whole), 0);
    ck_assert_int_eq(whole.status, 200);
    ck_assert_str_eq(whole.transfer_encoding, "chunked");
    lines = csv_lines(whole.body, whole.len, &n);
    ck_assert_int_eq(n, HOURS + 1);
    /* after row 2,100 (on the second page): "<store>.<YYYYMMDDHH>" of its hour */
    ck_assert_int_eq(sscanf(lines[2100], "%*d,\"%63[^\"]\"", after), 1);
    snprintf(path + strlen(path), sizeof path - strlen(path), "&page_after=%lld.%.4s%.2s%.2s%.2s",
             fx.store, after, after + 5, after + 8, after + 11);
    ck_assert_int_eq(http_port(0, "GET", path, NULL, "Accept: text/csv\r\n", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    rest = csv_lines(r.body, r.len, &m);
    ck_assert_int_eq(m, n - 2101); /* no header: the rows after that one */
    for (int k = 0; k < m; k++)
        ck_assert_str_eq(rest[k], lines[2101 + k]);
    free(rest);
    free(lines);
    resp_free(&r);
    resp_free(&whole);
    teardown();
}
END_TEST

/* The export's limit (TM_STREAM_ROWS_MAX store-hours) holds on every
 * request, a client's own page_after too: over it is 413 naming `to`
 * before any byte. The store-hours are written straight into the read
 * model for BIG_STORES stores made up for this test (ids no store of the
 * stack reaches), a full 92-day range each, and deleted again. */
#define BIG_STORES 460
#define BIG_ID0 2000000000LL

static void
big_cleanup(PGconn *db)
{
    char sql[256];

    snprintf(sql, sizeof sql, "DELETE FROM analytics.hourly_store WHERE store_id >= %lld", BIG_ID0);
    exec_ok(db, sql);
    snprintf(sql, sizeof sql, "DELETE FROM analytics.stores WHERE id >= %lld", BIG_ID0);
    exec_ok(db, sql);
}

START_TEST(test_csv_export_over_the_limit_is_413_even_with_page_after)
{
    char from[16], to[16], sql[1024], path[256];
    PGconn *db = PQconnectdb(st.db_url);
    struct resp r;

    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    utc_day_text(200, from, sizeof from);
    utc_day_text(109, to, sizeof to); /* 92 days, both included: hourly's most */
    big_cleanup(db);
    snprintf(sql, sizeof sql,
             "INSERT INTO analytics.stores (id, code, name, time_zone, active, created_at,"
             " updated_at) SELECT %lld + g, 'BIG' || g, 'Export limit ' || g, 'UTC', true,"
             " now(), now() FROM generate_series(0, %d) g",
             BIG_ID0, BIG_STORES - 1);
    exec_ok(db, sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO analytics.hourly_store (store_id, local_hour, revenue_cents, units,"
             " transactions, customers, declined, voided, flagged)"
             " SELECT %lld + s, '%s'::timestamp + make_interval(hours => g), 100, 1, 1, 1, 0, 0,"
             " 0 FROM generate_series(0, %d) s, generate_series(0, 92 * 24 - 1) g",
             BIG_ID0, from, BIG_STORES - 1);
    exec_ok(db, sql);
    for (int i = 0; i < 2; i++) {
        char after[32] = "";

        /* after the first store-hour: the rest is still over the limit */
        if (i)
            snprintf(after, sizeof after, "%.4s%.2s%.2s00", from, from + 5, from + 8);
        snprintf(path, sizeof path, "/api/v1/analytics/hourly-sales?from=%s&to=%s&format=csv", from,
                 to);
        if (i)
            snprintf(path + strlen(path), sizeof path - strlen(path), "&page_after=%lld.%s",
                     BIG_ID0, after);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        ck_assert_msg(r.status == 413, "%s: %d %.300s", path, r.status, r.body);
        ck_assert_str_eq(r.transfer_encoding, "");
        ck_assert_str_eq(err_field(&r), "to");
        resp_free(&r);
    }
    big_cleanup(db);
    PQfinish(db);
}
END_TEST

/* Refused before anything is streamed: a 4xx naming the field. */
static const struct {
    const char *query;
    int status;
    const char *field;
} bad[] = {
    {"from=2026-01-01&to=2026-04-03&format=csv", 400, "to"}, /* 93 days: over hourly's 92 */
    {"from=2026-01-01&to=2026-01-02&format=csv&page_after=x", 400, "page_after"},
    {"from=2026-01-01&to=2026-01-02&format=csv&page_after=3.2026023108", 400, "page_after"},
    {"from=2026-01-01&to=2026-01-02&page_after=3.2026010108", 400, "page_after"}, /* JSON */
};

START_TEST(test_csv_export_bad_input_is_a_4xx_before_streaming)
{
    struct resp r;
    char path[256];

    snprintf(path, sizeof path, "/api/v1/analytics/hourly-sales?%s", bad[_i].query);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == bad[_i].status, "%s: %d %s", path, r.status, r.body);
    ck_assert_str_eq(r.transfer_encoding, "");
    ck_assert_str_eq(err_field(&r), bad[_i].field);
    resp_free(&r);
}
END_TEST

Suite *
csv_stream_suite(void)
{
    Suite *s = suite_create("csv_stream");
    TCase *tc = tcase_create("csv_stream");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_csv_export_streams_every_row_once_as_json_has_them);
    tcase_add_test(tc, test_csv_export_by_accept_and_resumed_after_a_row);
    tcase_add_loop_test(tc, test_csv_export_bad_input_is_a_4xx_before_streaming, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_csv_export_over_the_limit_is_413_even_with_page_after);
    suite_add_tcase(s, tc);
    return s;
}
