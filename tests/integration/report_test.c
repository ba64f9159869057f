/* tests/integration/report_test.c — the daily sales report, end to end:
 * sales posted through the API with the times a late POS upload gives them
 * (days that have ended in the store's zone, Asia/Tokyo, UTC+9 without
 * DST), the daily-report job run on demand, then the stored reports read
 * back in JSON and CSV with the numbers worked out here by hand; a second
 * run writes nothing, and a late sale rewrites its day's report (its
 * revision + 1); a store with no sale yet gets no report of days before it
 * existed; a store manager sees only their stores' reports (404 for
 * another's id); bad input is a 400 naming the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define DAY_MS 86400000LL
#define TOKYO_MS (9 * 3600000LL) /* Asia/Tokyo: UTC+9, no DST */

static long long r_store, r_p1, r_p2, r_day; /* r_day: the first day reported (Tokyo) */
static char r_tag[32];                       /* run_tag() when the fixture ran */

static void
day_text(long long day, char *out, size_t size)
{
    char iso[40];

    tm_iso8601(day * DAY_MS, iso, sizeof iso);
    snprintf(out, size, "%.10s", iso);
}

/* ms (UTC) of Tokyo local time `minutes` after the midnight that starts day */
static long long
tokyo(long long day, int minutes)
{
    return day * DAY_MS + minutes * 60000LL - TOKYO_MS;
}

static long long
sale(const char *tag, long long customer, long long at_ms, const char *lines)
{
    char body[768], extra[160], at[40];
    struct resp r;
    long long id;

    tm_iso8601(at_ms, at, sizeof at);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"customer_id\":%lld,\"lines\":[%s],\"channel\":\"pos\","
             "\"payment_method\":\"card\",\"occurred_at\":\"%s\"}",
             r_store, customer, lines, at);
    snprintf(extra, sizeof extra, "Idempotency-Key: %s-rep-%s\r\n", run_tag(), tag);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions", body, extra, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "completed");
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

static void
receipt(long long product, long long at_ms)
{
    char body[512], at[40];
    struct resp r;

    tm_iso8601(at_ms, at, sizeof at);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":100,"
             "\"reason\":\"test\",\"occurred_at\":\"%s\"}",
             r_store, product, at);
    ck_assert_int_eq(http("POST", "/api/v1/stock-movements", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* Runs daily-report until a run ends well: 409 while the scheduled run
 * holds it, failed while the subscriber catches up. Returns its rows. */
static long long
run_job(void)
{
    struct resp r;

    for (int i = 0; i < 40; i++) {
        long long rows;
        ck_assert_int_eq(http("POST", "/api/v1/analytics/jobs/daily-report/run", NULL, &r), 0);
        if (r.status == 200 && strcmp(jstr(&r, "outcome"), "ok") == 0) {
            rows = jint(&r, "rows");
            resp_free(&r);
            return rows;
        }
        ck_assert_msg(r.status == 409 || r.status == 503 || r.status == 200 || r.status == 202,
                      "%d %s", r.status, r.body);
        resp_free(&r);
        tm_sleep_ms(500);
    }
    ck_abort_msg("daily-report never ended well");
    return -1;
}

static long long report_id(long long day);

/* The sales of r_day (Tokyo): two kept, one voided, one just after its
 * midnight (the next day's); and one of the day after. */
static void
make_sales(void)
{
    char store[256], lines[256];
    long long c1, c2, voided;
    struct resp r;
    char path[96];

    /* a Tokyo day becomes reportable at 15:10 UTC (its midnight and the
     * job's grace): not while a test counts its reports */
    wait_clear_of_boundary(86400000, 54600000, 60000);

    if (r_store)
        return;
    snprintf(r_tag, sizeof r_tag, "%s", run_tag());
    snprintf(store, sizeof store,
             "{\"code\":\"R%.8s\",\"name\":\"report test\",\"city\":\"Tokyo\","
             "\"time_zone\":\"Asia/Tokyo\"}",
             run_tag());
    for (char *p = store + 10; *p != '"'; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    r_store = create("/api/v1/stores", store);
    r_p1 = new_product();
    r_p2 = new_product();
    r_day = (tm_now_ms() + TOKYO_MS) / DAY_MS - 3;
    receipt(r_p1, tokyo(r_day - 1, 0));
    receipt(r_p2, tokyo(r_day - 1, 0));
    wait_known(r_store, r_p1);
    wait_known(r_store, r_p2);
    c1 = create("/api/v1/customers", "{\"name\":\"Report One\",\"loyalty_tier\":\"silver\"}");
    c2 = create("/api/v1/customers", "{\"name\":\"Report Two\",\"loyalty_tier\":\"silver\"}");
    /* 09:30: 2 × p1 = 10.00 */
    snprintf(lines, sizeof lines, "{\"product_id\":%lld,\"quantity\":2,\"unit_price\":5}", r_p1);
    sale("a", c1, tokyo(r_day, 9 * 60 + 30), lines);
    /* 23:30: p1 + p2 = 10.00 */
    snprintf(lines, sizeof lines,
             "{\"product_id\":%lld,\"quantity\":1,\"unit_price\":5},"
             "{\"product_id\":%lld,\"quantity\":1,\"unit_price\":5}",
             r_p1, r_p2);
    sale("b", c2, tokyo(r_day, 23 * 60 + 30), lines);
    /* 14:00: 3 × p2 = 15.00, voided */
    snprintf(lines, sizeof lines, "{\"product_id\":%lld,\"quantity\":3,\"unit_price\":5}", r_p2);
    voided = sale("v", c1, tokyo(r_day, 14 * 60), lines);
    snprintf(path, sizeof path, "/api/v1/transactions/%lld/void", voided);
    ck_assert_int_eq(http("POST", path, "{\"reason\":\"report test\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    /* 00:30 the next day: 1 × p2 = 5.00, r_day + 1's */
    snprintf(lines, sizeof lines, "{\"product_id\":%lld,\"quantity\":1,\"unit_price\":5}", r_p2);
    sale("n", c1, tokyo(r_day + 1, 30), lines);
    /* runs until both days' reports are there: a run counts what tm-txn
     * had published when it began (the sales' events numbered first), and
     * its rows may be other stores' days (the test stack runs the job on
     * demand only, so earlier tests' days wait for it too) */
    events_numbered("txn");
    for (int i = 0; report_id(r_day) == 0 || report_id(r_day + 1) == 0; i++) {
        ck_assert_msg(i < 20, "no report of store %lld's days after 20 runs", r_store);
        run_job();
    }
}

/* The id of r_store's report of day (0 when none). */
static long long
report_id(long long day)
{
    char d[16];

    day_text(day, d, sizeof d);
    return sql_intf("SELECT coalesce((SELECT id FROM analytics.reports WHERE store_id = %lld"
                    " AND day = '%s'), 0)",
                    r_store, d);
}

static const cJSON *
member(const cJSON *o, const char *name)
{
    const cJSON *m = cJSON_GetObjectItem(o, name);

    ck_assert_msg(m != NULL, "no member %s", name);
    return m;
}

static long long
num(const cJSON *o, const char *name)
{
    return (long long)cJSON_GetNumberValue(member(o, name));
}

START_TEST(test_report_of_a_finished_day_has_its_numbers)
{
    const cJSON *t, *hours, *top;
    char path[96], d[16];
    struct resp r;
    long long id;

    make_sales();
    id = report_id(r_day);
    ck_assert_int_gt(id, 0);
    snprintf(path, sizeof path, "/api/v1/reports/%lld", id);
    ck_assert_int_eq(http_as(st.token[3], "GET", path, NULL, &r), 0); /* an analyst */
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    day_text(r_day, d, sizeof d);
    ck_assert_str_eq(jstr(&r, "day"), d);
    ck_assert_int_eq(jint(&r, "store_id"), r_store);
    ck_assert_str_eq(jstr(&r, "kind"), "daily_sales");
    ck_assert_str_eq(cJSON_GetStringValue(member(member(r.json, "store"), "time_zone")),
                     "Asia/Tokyo");
    t = member(r.json, "totals");
    ck_assert_int_eq(num(t, "revenue_cents"), 2000);
    ck_assert_int_eq(num(t, "transactions"), 2);
    ck_assert_int_eq(num(t, "units"), 4);
    ck_assert_int_eq(num(t, "customers"), 2);
    ck_assert_int_eq(num(t, "average_basket_cents"), 1000);
    ck_assert_int_eq(num(t, "voided"), 1);
    ck_assert_int_eq(num(t, "voided_cents"), 1500);
    ck_assert_int_eq(num(t, "declined"), 0);
    hours = member(r.json, "hours");
    ck_assert_int_eq(cJSON_GetArraySize(hours), 24);
    ck_assert_int_eq(num(cJSON_GetArrayItem(hours, 9), "revenue_cents"), 1000);
    ck_assert_int_eq(num(cJSON_GetArrayItem(hours, 23), "revenue_cents"), 1000);
    ck_assert_int_eq(num(cJSON_GetArrayItem(hours, 14), "revenue_cents"), 0);
    ck_assert_int_eq(num(cJSON_GetArrayItem(hours, 14), "voided"), 1);
    ck_assert_int_eq(num(cJSON_GetArrayItem(hours, 0), "transactions"), 0);
    top = member(r.json, "top_products");
    ck_assert_int_eq(cJSON_GetArraySize(top), 2);
    ck_assert_int_eq(num(cJSON_GetArrayItem(top, 0), "product_id"), r_p1);
    ck_assert_int_eq(num(cJSON_GetArrayItem(top, 0), "revenue_cents"), 1500);
    ck_assert_int_eq(num(cJSON_GetArrayItem(top, 0), "units"), 3);
    ck_assert_int_eq(num(cJSON_GetArrayItem(top, 0), "transactions"), 2);
    ck_assert_str_eq(cJSON_GetStringValue(member(cJSON_GetArrayItem(top, 0), "name")),
                     "stock test");
    ck_assert_int_eq(num(cJSON_GetArrayItem(top, 1), "product_id"), r_p2);
    ck_assert_int_eq(num(cJSON_GetArrayItem(top, 1), "revenue_cents"), 500);
    resp_free(&r);
    /* the next day has the sale after midnight, and only it */
    id = report_id(r_day + 1);
    ck_assert_int_gt(id, 0);
    snprintf(path, sizeof path, "/api/v1/reports/%lld", id);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(num(member(r.json, "totals"), "revenue_cents"), 500);
    ck_assert_int_eq(num(member(r.json, "totals"), "transactions"), 1);
    ck_assert_int_eq(num(cJSON_GetArrayItem(member(r.json, "hours"), 0), "transactions"), 1);
    resp_free(&r);
    /* the day before the first sale (the store did not exist): none */
    ck_assert_int_eq(report_id(r_day - 1), 0);
}
END_TEST

START_TEST(test_report_csv_has_header_and_rows)
{
    char path[128], want[256];
    struct resp r;

    make_sales();
    snprintf(path, sizeof path, "/api/v1/reports/%lld?format=csv", report_id(r_day));
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.ctype, "text/csv"));
    ck_assert(strncmp(r.body, "section,hour,rank,product_id,sku,name,revenue_cents,", 52) == 0);
    ck_assert_ptr_nonnull(strstr(r.body, "\r\ntotal,,,,,,2000,2,4,2,1,1500,0,"));
    ck_assert_ptr_nonnull(strstr(r.body, "\r\nhour,9,,,,,1000,1,2,1,0,,0,"));
    snprintf(want, sizeof want, "\r\nproduct,,1,%lld,\"%s-ST", r_p1, r_tag);
    ck_assert_ptr_nonnull(strstr(r.body, want));
    resp_free(&r);
    /* Accept: text/csv without ?format answers the same */
    snprintf(path, sizeof path, "/api/v1/reports/%lld", report_id(r_day));
    ck_assert_int_eq(http_port(0, "GET", path, NULL, "Accept: text/csv\r\n", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.ctype, "text/csv"));
    ck_assert(strncmp(r.body, "section,hour,", 13) == 0);
    resp_free(&r);
    /* a page of the list in CSV names the next page in X-Next-Cursor */
    snprintf(path, sizeof path, "/api/v1/reports?store_id=%lld&format=csv&limit=1", r_store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_ne(r.next_cursor, "");
    resp_free(&r);
    /* the list: one line a report, newest day first */
    snprintf(path, sizeof path, "/api/v1/reports?store_id=%lld&format=csv", r_store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert(
        strncmp(r.body, "id,store_id,store_code,day,created_at,revision,revenue_cents,", 61) == 0);
    snprintf(want, sizeof want, "%lld,%lld,", report_id(r_day), r_store);
    ck_assert_ptr_nonnull(strstr(r.body, want));
    ck_assert_ptr_nonnull(strstr(r.body, ",2000,2,4,2,1,1500,0,"));
    resp_free(&r);
}
END_TEST

START_TEST(test_report_written_once)
{
    long long before, revisions;

    make_sales();
    before = sql_intf("SELECT count(*) FROM analytics.reports WHERE store_id = %lld", r_store);
    revisions =
        sql_intf("SELECT sum(revision) FROM analytics.reports WHERE store_id = %lld", r_store);
    ck_assert_int_ge(before, 2);
    run_job();
    /* the same rows, not one rewritten (a scheduled run may have written
     * the first ones mid-way through the fixture's sales and amended them:
     * revisions are compared, not assumed 1) */
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM analytics.reports WHERE store_id = %lld", r_store), before);
    ck_assert_int_eq(
        sql_intf("SELECT sum(revision) FROM analytics.reports WHERE store_id = %lld", r_store),
        revisions);
}
END_TEST

static long long
revision(long long id)
{
    return sql_intf("SELECT revision FROM analytics.reports WHERE id = %lld", id);
}

/* A sale of r_day uploaded after its report: the next run rewrites that
 * report (same id, revision + 1, amended_at) and leaves the others; a
 * further run changes nothing. */
START_TEST(test_report_amended_by_a_late_sale)
{
    long long id = report_id(r_day), next = report_id(r_day + 1), c, rev, next_rev;
    char lines[160], path[96];
    struct resp r;

    ck_assert_int_gt(id, 0);
    rev = revision(id);
    next_rev = revision(next);
    c = create("/api/v1/customers", "{\"name\":\"Report Late\",\"loyalty_tier\":\"silver\"}");
    snprintf(lines, sizeof lines, "{\"product_id\":%lld,\"quantity\":2,\"unit_price\":5}", r_p2);
    sale("late", c, tokyo(r_day, 10 * 60 + 5), lines);
    events_numbered("txn");
    for (int i = 0; revision(id) == rev; i++) {
        ck_assert_msg(i < 20, "report %lld not amended after 20 runs", id);
        run_job();
    }
    ck_assert_int_eq(report_id(r_day), id);
    snprintf(path, sizeof path, "/api/v1/reports/%lld", id);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "revision"), rev + 1);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(r.json, "amended_at")));
    ck_assert_int_eq(num(member(r.json, "totals"), "revenue_cents"), 3000);
    ck_assert_int_eq(num(member(r.json, "totals"), "transactions"), 3);
    ck_assert_int_eq(num(member(r.json, "totals"), "customers"), 3);
    ck_assert_int_eq(num(cJSON_GetArrayItem(member(r.json, "hours"), 10), "revenue_cents"), 1000);
    resp_free(&r);
    ck_assert_int_eq(revision(next), next_rev);
    run_job();
    ck_assert_int_eq(revision(id), rev + 1);
}
END_TEST

START_TEST(test_report_list_pages_and_filters)
{
    char path[160], d[16], d1[16];
    struct resp r;
    const cJSON *items;

    make_sales();
    day_text(r_day, d, sizeof d);
    day_text(r_day + 1, d1, sizeof d1);
    snprintf(path, sizeof path, "/api/v1/reports?store_id=%lld&from=%s&to=%s&limit=1", r_store, d,
             d1);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    items = member(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    ck_assert_str_eq(cJSON_GetStringValue(member(cJSON_GetArrayItem(items, 0), "day")), d1);
    ck_assert_int_eq(num(member(cJSON_GetArrayItem(items, 0), "totals"), "revenue_cents"), 500);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(r.json, "next_cursor")));
    snprintf(path, sizeof path, "/api/v1/reports?store_id=%lld&from=%s&to=%s&limit=1&cursor=%s",
             r_store, d, d1, cJSON_GetStringValue(cJSON_GetObjectItem(r.json, "next_cursor")));
    resp_free(&r);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    items = member(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 1);
    ck_assert_str_eq(cJSON_GetStringValue(member(cJSON_GetArrayItem(items, 0), "day")), d);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "next_cursor")));
    resp_free(&r);
}
END_TEST

START_TEST(test_report_store_scope)
{
    char path[96];
    struct resp r;
    const cJSON *it;

    make_sales();
    /* the manager of stores 1 and 2 */
    snprintf(path, sizeof path, "/api/v1/reports/%lld", report_id(r_day));
    ck_assert_int_eq(http_as(st.token[1], "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/reports?store_id=%lld", r_store);
    ck_assert_int_eq(http_as(st.token[1], "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[1], "GET", "/api/v1/reports?limit=200", NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    cJSON_ArrayForEach(it, member(r.json, "items"))
    {
        long long s = num(it, "store_id");
        ck_assert_msg(s == 1 || s == 2, "a manager of 1 and 2 sees store %lld's report", s);
    }
    resp_free(&r);
}
END_TEST

/* A store made now, with no sale: nothing of the days before it. */
START_TEST(test_report_new_store_without_sales_gets_none_yet)
{
    long long store = new_store();

    wait_known(store, r_p1 ? r_p1 : new_product());
    run_job();
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM analytics.reports WHERE store_id = %lld", store), 0);
}
END_TEST

static const struct {
    const char *query, *field;
    int status;
} bad[] = {
    {"/api/v1/reports?from=2026-11-05&to=2026-11-01", "from", 400},
    {"/api/v1/reports?from=2026-13-01", "from", 400},
    {"/api/v1/reports?to=2026-11-01T10:00:00Z", "to", 400},
    {"/api/v1/reports?limit=0", "limit", 400},
    {"/api/v1/reports?limit=201", "limit", 400},
    {"/api/v1/reports?cursor=bogus", "cursor", 400},
    {"/api/v1/reports?format=xml", "format", 400},
    {"/api/v1/reports?store_id=0", "store_id", 400},
    {"/api/v1/reports?store_id=999999999", "store_id", 400},
    {"/api/v1/reports?page=2", "page", 400},
    {"/api/v1/reports/abc", "id", 400},
    {"/api/v1/reports/999999999", "id", 404},
    {"/api/v1/reports/1?format=pdf", "format", 400},
};

START_TEST(test_report_bad_input_names_field)
{
    struct resp r;

    ck_assert_int_eq(http("GET", bad[_i].query, NULL, &r), 0);
    ck_assert_msg(r.status == bad[_i].status, "%s: %d %s", bad[_i].query, r.status, r.body);
    ck_assert_str_eq(err_field(&r), bad[_i].field);
    resp_free(&r);
}
END_TEST

Suite *
report_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("daily"), *bad_tc = tcase_create("bad_input");

    tcase_set_timeout(tc, 120);
    /* in each test's own process (so run_tag() and the fixtures' counters
     * stay the test's, as the other suites expect): a store, its sales and
     * a first run */
    tcase_add_checked_fixture(tc, make_sales, NULL);
    tcase_add_test(tc, test_report_of_a_finished_day_has_its_numbers);
    tcase_add_test(tc, test_report_csv_has_header_and_rows);
    tcase_add_test(tc, test_report_written_once);
    tcase_add_test(tc, test_report_list_pages_and_filters);
    tcase_add_test(tc, test_report_store_scope);
    tcase_add_test(tc, test_report_new_store_without_sales_gets_none_yet);
    tcase_add_test(tc, test_report_amended_by_a_late_sale);
    tcase_add_loop_test(bad_tc, test_report_bad_input_names_field, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);
    suite_add_tcase(s, bad_tc);
    return s;
}
