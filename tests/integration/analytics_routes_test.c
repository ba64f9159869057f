/* tests/integration/analytics_routes_test.c — tm-analytics' reports through
 * nginx on sales posted through the API: a store of its own in UTC, two
 * categories (one inside the other), two products with known costs, five
 * sales over two days (one voided) and one now. Each report's numbers are
 * worked by hand below; CSV by ?format and by Accept; a store manager sees
 * only their stores; bad input is a 400 naming the field. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* What the fixture made, once per run in Check's parent process (an
 * unchecked fixture), so every test reads the same store. The sales are in
 * the past, so the numbers of their days cannot move. */
static struct {
    long long store, cat, sub, a, b, sale[6];
    char day[16], prev[16]; /* D (3 days ago, UTC) and the day before */
    char tag[32];           /* names unique to this run; not run_tag(), which the
                             * parent would then hand every later test's fork */
} fx;

static long long
sale(const char *key, const char *at, int customer, const char *lines)
{
    char body[768], extra[160], when[64] = "";
    struct resp r;
    long long id;

    if (at)
        snprintf(when, sizeof when, ",\"occurred_at\":\"%s\"", at);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"customer_id\":%d,\"lines\":[%s],\"channel\":\"pos\","
             "\"payment_method\":\"card\",\"instrument\":\"an-%s-%s\"%s}",
             fx.store, customer, lines, fx.tag, key, when);
    snprintf(extra, sizeof extra, "Idempotency-Key: an-%s-%s\r\n", fx.tag, key);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/transactions", body, extra, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "completed");
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

/* Waits until tm-analytics holds n of the fixture's sales with status. */
static void
wait_applied(int n, const char *status)
{
    for (int i = 0; i < 100; i++) {
        if (sql_intf("SELECT count(*) FROM analytics.sales WHERE store_id = %lld AND status = '%s'",
                     fx.store, status) == n)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("tm-analytics never applied %d %s sales of store %lld", n, status, fx.store);
}

static void
fixture(void)
{
    char body[256], at[64], lines[256];

    if (fx.store)
        return;
    /* the tests read "today" of the fixture's sales (UTC) */
    wait_clear_of_boundary(86400000, 0, DAY_CLEAR_MS);
    snprintf(fx.tag, sizeof fx.tag, "A%ld%ld", (long)getpid() % 100000, (long)time(NULL) % 100000);
    utc_day_text(3, fx.day, sizeof fx.day);
    utc_day_text(4, fx.prev, sizeof fx.prev);
    snprintf(body, sizeof body,
             "{\"code\":\"AN%.8s\",\"name\":\"analytics test\",\"city\":\"Leeds\","
             "\"time_zone\":\"UTC\"}",
             fx.tag);
    fx.store = create("/api/v1/stores", body);
    snprintf(body, sizeof body, "{\"name\":\"an-%s\"}", fx.tag);
    fx.cat = create("/api/v1/categories", body);
    snprintf(body, sizeof body, "{\"name\":\"an-%s-sub\",\"parent_id\":%lld}", fx.tag, fx.cat);
    fx.sub = create("/api/v1/categories", body);
    /* A: cost 3.00, B: cost 4.50; both sold at 5.00 */
    snprintf(body, sizeof body,
             "{\"sku\":\"AN-%s-A\",\"name\":\"analytics A\",\"category_id\":%lld,"
             "\"unit_price_cents\":500,\"unit_cost_cents\":300}",
             fx.tag, fx.cat);
    fx.a = create("/api/v1/products", body);
    snprintf(body, sizeof body,
             "{\"sku\":\"AN-%s-B\",\"name\":\"analytics B\",\"category_id\":%lld,"
             "\"unit_price_cents\":500,\"unit_cost_cents\":450}",
             fx.tag, fx.sub);
    fx.b = create("/api/v1/products", body);
    receive(fx.store, fx.a, 50);
    receive(fx.store, fx.b, 50);
    wait_known(fx.store, fx.a);
    wait_known(fx.store, fx.b);
#define LINE(p, q) "{\"product_id\":%lld,\"quantity\":" #q ",\"unit_price\":5.00}"
    snprintf(at, sizeof at, "%sT10:15:00Z", fx.day);
    snprintf(lines, sizeof lines, LINE(a, 2) "," LINE(b, 1), fx.a, fx.b);
    fx.sale[0] = sale("s1", at, 1, lines); /* 15.00: A×2 B×1 */
    snprintf(at, sizeof at, "%sT10:45:00Z", fx.day);
    snprintf(lines, sizeof lines, LINE(a, 1), fx.a);
    fx.sale[1] = sale("s2", at, 2, lines); /* 5.00: A */
    snprintf(at, sizeof at, "%sT12:05:00Z", fx.day);
    snprintf(lines, sizeof lines, LINE(b, 3), fx.b);
    fx.sale[2] = sale("s3", at, 1, lines); /* 15.00: B×3 */
    snprintf(at, sizeof at, "%sT09:00:00Z", fx.prev);
    snprintf(lines, sizeof lines, LINE(a, 1), fx.a);
    fx.sale[3] = sale("s4", at, 3, lines); /* the day before: 5.00 A */
    snprintf(at, sizeof at, "%sT13:00:00Z", fx.day);
    snprintf(lines, sizeof lines, LINE(a, 4), fx.a);
    fx.sale[4] = sale("s5", at, 2, lines); /* 20.00, voided below */
    snprintf(lines, sizeof lines, LINE(a, 1), fx.a);
    fx.sale[5] = sale("s6", NULL, 4, lines); /* now: 5.00 A */
#undef LINE
    wait_applied(6, "completed");
    {
        struct resp r;
        snprintf(body, sizeof body, "/api/v1/transactions/%lld/void", fx.sale[4]);
        ck_assert_int_eq(http("POST", body, "{\"reason\":\"analytics test\"}", &r), 0);
        ck_assert_msg(r.status == 200, "void: %d %s", r.status, r.body);
        resp_free(&r);
    }
    wait_applied(1, "voided");
}

/* GET path (printf-formatted) as the admin; 200 expected. */
static void get_ok(struct resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
get_ok(struct resp *r, const char *fmt, ...)
{
    char path[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    ck_assert_int_eq(http("GET", path, NULL, r), 0);
    ck_assert_msg(r->status == 200, "GET %s: %d %s", path, r->status, r->body);
}

static const cJSON *
item(const struct resp *r, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), i);
}

static long long
num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);

    ck_assert_msg(v != NULL, "no %s", name);
    return cJSON_IsNull(v) ? -1 : (long long)cJSON_GetNumberValue(v);
}

START_TEST(test_analytics_hourly_sales_by_hand)
{
    struct resp r;
    const cJSON *h;

    get_ok(&r, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%s&to=%s", fx.store, fx.day,
           fx.day);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 3);
    h = item(&r, 0); /* 10:00: s1 and s2 */
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(h, "hour")) + 10, "T10:00");
    ck_assert_int_eq(num(h, "revenue_cents"), 2000);
    ck_assert_int_eq(num(h, "units"), 4);
    ck_assert_int_eq(num(h, "transactions"), 2);
    ck_assert_int_eq(num(h, "customers"), 2);
    ck_assert_int_eq(num(h, "average_basket_cents"), 1000);
    h = item(&r, 1); /* 12:00: s3 */
    ck_assert_int_eq(num(h, "revenue_cents"), 1500);
    ck_assert_int_eq(num(h, "customers"), 1);
    h = item(&r, 2); /* 13:00: s5, voided: out of every sum, counted as voided */
    ck_assert_int_eq(num(h, "revenue_cents"), 0);
    ck_assert_int_eq(num(h, "transactions"), 0);
    ck_assert_int_eq(num(h, "voided"), 1);
    ck_assert_int_eq(num(h, "average_basket_cents"), -1); /* null */
    resp_free(&r);
    /* the subcategory alone: B's lines only, from the facts */
    get_ok(&r, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%s&to=%s&category_id=%lld",
           fx.store, fx.day, fx.day, fx.sub);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 2);
    ck_assert_int_eq(num(item(&r, 0), "revenue_cents"), 500);
    ck_assert_int_eq(num(item(&r, 0), "units"), 1);
    ck_assert_int_eq(num(item(&r, 0), "transactions"), 1);
    ck_assert_int_eq(num(item(&r, 1), "revenue_cents"), 1500);
    ck_assert_int_eq(num(item(&r, 1), "voided"), -1); /* a category cannot say */
    resp_free(&r);
    /* the parent category takes in its subcategory: the whole of 10:00 */
    get_ok(&r, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%s&to=%s&category_id=%lld",
           fx.store, fx.day, fx.day, fx.cat);
    ck_assert_int_eq(num(item(&r, 0), "revenue_cents"), 2000);
    ck_assert_int_eq(num(item(&r, 0), "transactions"), 2);
    ck_assert_int_eq(num(item(&r, 0), "customers"), 2);
    resp_free(&r);
    /* an hour range: to excluded */
    get_ok(&r, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%sT10:00&to=%sT12:00", fx.store,
           fx.day, fx.day);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    resp_free(&r);
}
END_TEST

START_TEST(test_analytics_top_products_by_revenue_units_margin)
{
    struct resp r;

    /* A: 15.00 of 3 units (margin 15.00 - 3 × 3.00 = 6.00); B: 20.00 of 4 (20.00 - 4 × 4.50 = 2.00)
     */
    get_ok(&r, "/api/v1/analytics/top-products?store_id=%lld&from=%s&to=%s", fx.store, fx.day,
           fx.day);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 2);
    ck_assert_int_eq(num(item(&r, 0), "product_id"), fx.b);
    ck_assert_int_eq(num(item(&r, 0), "revenue_cents"), 2000);
    ck_assert_int_eq(num(item(&r, 0), "units"), 4);
    ck_assert_int_eq(num(item(&r, 0), "transactions"), 2);
    ck_assert_int_eq(num(item(&r, 0), "margin_cents"), 200);
    ck_assert_int_eq(num(item(&r, 1), "product_id"), fx.a);
    ck_assert_int_eq(num(item(&r, 1), "margin_cents"), 600);
    ck_assert_int_eq(num(item(&r, 1), "category_id"), fx.cat);
    resp_free(&r);
    get_ok(&r, "/api/v1/analytics/top-products?store_id=%lld&from=%s&to=%s&by=margin&limit=1",
           fx.store, fx.day, fx.day);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    ck_assert_int_eq(num(item(&r, 0), "product_id"), fx.a);
    resp_free(&r);
}
END_TEST

START_TEST(test_analytics_category_share_and_growth)
{
    struct resp r;
    const cJSON *c;

    get_ok(&r, "/api/v1/analytics/category-performance?store_id=%lld&from=%s&to=%s", fx.store,
           fx.day, fx.day);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 2);
    c = item(&r, 0); /* the subcategory: B, 20.00 of 35.00, nothing the day before */
    ck_assert_int_eq(num(c, "category_id"), fx.sub);
    ck_assert_int_eq(num(c, "parent_id"), fx.cat);
    ck_assert_int_eq(num(c, "revenue_cents"), 2000);
    ck_assert_int_eq(num(c, "margin_cents"), 200);
    ck_assert(fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(c, "share")) - 0.5714) < 1e-9);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(c, "growth")));
    c = item(&r, 1); /* A: 15.00, and 5.00 the day before: growth 2 */
    ck_assert_int_eq(num(c, "category_id"), fx.cat);
    ck_assert_int_eq(num(c, "previous_revenue_cents"), 500);
    ck_assert(fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(c, "growth")) - 2.0) < 1e-9);
    ck_assert_int_eq(num(c, "parent_id"), -1); /* a top category */
    resp_free(&r);
}
END_TEST

START_TEST(test_analytics_store_comparison_and_segments)
{
    struct resp r;
    const cJSON *it, *mine = NULL;
    long long customers = 0;

    get_ok(&r, "/api/v1/analytics/store-comparison?from=%s&to=%s", fx.day, fx.day);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) if (num(it, "store_id") ==
                                                                     fx.store) mine = it;
    ck_assert_ptr_nonnull(mine);
    ck_assert_int_eq(num(mine, "revenue_cents"), 3500);
    ck_assert_int_eq(num(mine, "units"), 7);
    ck_assert_int_eq(num(mine, "transactions"), 3);
    ck_assert_int_eq(num(mine, "customers"), 2);
    ck_assert_int_eq(num(mine, "average_basket_cents"), 1167); /* 3500 / 3, rounded */
    ck_assert_int_eq(num(mine, "voided"), 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(mine, "time_zone")), "UTC");
    resp_free(&r);
    /* the store's customers with a completed sale: 1, 2, 3, 4 */
    get_ok(&r, "/api/v1/analytics/customer-segments?store_id=%lld", fx.store);
    ck_assert_int_eq(jint(&r, "customers"), 4);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 11);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) customers += num(it, "customers");
    ck_assert_int_eq(customers, 4);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(item(&r, 0), "segment")),
                     "champions");
    resp_free(&r);
}
END_TEST

START_TEST(test_analytics_summary_and_realtime_show_a_sale_now)
{
    struct resp r;
    const cJSON *it, *today;
    long long n = 0;

    get_ok(&r, "/api/v1/analytics/summary?store_id=%lld", fx.store);
    today = cJSON_GetObjectItem(r.json, "today");
    ck_assert_int_eq(num(today, "transactions"), 1); /* s6 */
    ck_assert_int_eq(num(today, "revenue_cents"), 500);
    ck_assert_int_eq(num(today, "active_customers"), 1);
    ck_assert_int_eq(num(cJSON_GetObjectItem(r.json, "last_24h"), "transactions"), 1);
    ck_assert_int_eq(
        num(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "top_products"), 0), "product_id"),
        fx.a);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "hourly")), 24);
    ck_assert_int_gt(num(cJSON_GetObjectItem(r.json, "applied"), "txn"), 0);
    resp_free(&r);
    get_ok(&r, "/api/v1/dashboard/metrics/realtime?store_id=%lld", fx.store);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 60);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) n += num(it, "transactions");
    ck_assert_int_eq(n, 1);
    resp_free(&r);
}
END_TEST

START_TEST(test_analytics_csv_by_format_and_accept)
{
    struct resp r;
    char path[256], want[256];

    get_ok(&r, "/api/v1/analytics/hourly-sales?store_id=%lld&from=%s&to=%s&format=csv", fx.store,
           fx.day, fx.day);
    ck_assert_str_eq(r.ctype, "text/csv; charset=utf-8");
    snprintf(want, sizeof want,
             "store_id,hour,revenue_cents,units,transactions,customers,average_basket_cents,"
             "voided,declined,flagged\r\n%lld,\"%sT10:00\",2000,4,2,2,1000,0,0,",
             fx.store, fx.day);
    ck_assert_msg(strncmp(r.body, want, strlen(want)) == 0, "%s", r.body);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/analytics/top-products?store_id=%lld&from=%s&to=%s",
             fx.store, fx.day, fx.day);
    ck_assert_int_eq(http_port(0, "GET", path, NULL, "Accept: text/csv\r\n", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.ctype, "text/csv; charset=utf-8");
    ck_assert(strncmp(r.body, "product_id,sku,name,", 20) == 0);
    ck_assert_int_eq(r.body[r.len - 1], '\n');
    resp_free(&r);
    /* ?format wins over Accept */
    snprintf(path, sizeof path, "/api/v1/analytics/top-products?store_id=%lld&format=json",
             fx.store);
    ck_assert_int_eq(http_port(0, "GET", path, NULL, "Accept: text/csv\r\n", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(r.json);
    resp_free(&r);
}
END_TEST

START_TEST(test_analytics_store_scope)
{
    struct resp r;
    char path[256];
    const cJSON *it;

    /* the sample store manager's stores are not the fixture's */
    snprintf(path, sizeof path, "/api/v1/analytics/top-products?store_id=%lld", fx.store);
    ck_assert_int_eq(http_as(st.token[1], "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    ck_assert_int_eq(http_as(st.token[1], "GET", "/api/v1/analytics/store-comparison", NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
        ck_assert_int_ne(num(it, "store_id"), fx.store);
    resp_free(&r);
    /* a viewer reads dashboards too (analytics.read) */
    ck_assert_int_eq(http_as(st.token[5], "GET", "/api/v1/analytics/summary", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

static const struct {
    const char *path;
    int status;
    const char *field;
} bad[] = {
    {"/api/v1/analytics/hourly-sales?from=2026-11-02&to=2026-11-01", 400, "from"},
    {"/api/v1/analytics/hourly-sales?from=2026-01-01&to=2026-06-01", 400, "to"}, /* > 92 days */
    {"/api/v1/analytics/hourly-sales?from=2026-11-01", 400, "to"},
    {"/api/v1/analytics/hourly-sales?from=2026-11-01T08:30&to=2026-11-02", 400, "from"},
    {"/api/v1/analytics/hourly-sales?category_id=999999999", 400, "category_id"},
    {"/api/v1/analytics/hourly-sales?store_id=abc", 400, "store_id"},
    {"/api/v1/analytics/hourly-sales?store_id=999999999", 400, "store_id"},
    {"/api/v1/analytics/top-products?limit=0", 400, "limit"},
    {"/api/v1/analytics/top-products?limit=101", 400, "limit"},
    {"/api/v1/analytics/top-products?by=price", 400, "by"},
    {"/api/v1/analytics/top-products?format=xml", 400, "format"},
    {"/api/v1/analytics/category-performance?from=2025-01-01&to=2026-06-01", 400, "to"},
    {"/api/v1/analytics/store-comparison?limit=5", 400, "limit"}, /* not one it takes */
    {"/api/v1/analytics/summary?format=csv", 400, "format"},      /* JSON only */
    {"/api/v1/dashboard/metrics/realtime?from=2026-11-01", 400, "from"},
};

START_TEST(test_analytics_bad_input_names_the_field)
{
    struct resp r;

    ck_assert_int_eq(http("GET", bad[_i].path, NULL, &r), 0);
    ck_assert_msg(r.status == bad[_i].status, "%s: %d %s", bad[_i].path, r.status, r.body);
    ck_assert_msg(strcmp(err_field(&r), bad[_i].field) == 0, "%s: field %s", bad[_i].path,
                  err_field(&r));
    resp_free(&r);
}
END_TEST

Suite *
analytics_routes_suite(void)
{
    Suite *s = suite_create("analytics_routes");
    TCase *tc = tcase_create("reports");

    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, fixture, NULL);
    tcase_add_test(tc, test_analytics_hourly_sales_by_hand);
    tcase_add_test(tc, test_analytics_top_products_by_revenue_units_margin);
    tcase_add_test(tc, test_analytics_category_share_and_growth);
    tcase_add_test(tc, test_analytics_store_comparison_and_segments);
    tcase_add_test(tc, test_analytics_summary_and_realtime_show_a_sale_now);
    tcase_add_test(tc, test_analytics_csv_by_format_and_accept);
    tcase_add_test(tc, test_analytics_store_scope);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad_input");
    tcase_add_loop_test(tc, test_analytics_bad_input_names_the_field, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);
    return s;
}
