/* tests/integration/calendar_test.c — what forecasts know in advance,
 * through nginx and the gateway: calendar events and promotions created,
 * listed, deleted and ended; bad input refused with its field and nothing
 * written; store scoping for a store manager; a write makes the forecasts
 * it touches due; and the forecasts use them: a product whose history shows
 * its promotions lift sales gets a higher forecast on a promotion's future
 * days, and a US store whose history dips on public holidays gets a lower
 * forecast on the next one (the holiday dates below are the oracle, from
 * the published rules, not from the code under test). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define DAY_MS 86400000LL
#define MANAGER 1 /* st.token index; the manager's store is store 1 */

/* US federal holidays and their observed days, 2023-2029 (5 U.S.C. 6103) */
static const char *const us_holidays[] = {
    "2023-01-01", "2023-01-02", "2023-01-16", "2023-02-20", "2023-05-29", "2023-06-19",
    "2023-07-04", "2023-09-04", "2023-10-09", "2023-11-10", "2023-11-11", "2023-11-23",
    "2023-12-25", "2024-01-01", "2024-01-15", "2024-02-19", "2024-05-27", "2024-06-19",
    "2024-07-04", "2024-09-02", "2024-10-14", "2024-11-11", "2024-11-28", "2024-12-25",
    "2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
    "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25", "2026-01-01",
    "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04",
    "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25", "2027-01-01",
    "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-06-19", "2027-07-04",
    "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24",
    "2027-12-25", "2027-12-31", "2028-01-01", "2028-01-17", "2028-02-21", "2028-05-29",
    "2028-06-19", "2028-07-04", "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-11",
    "2028-11-23", "2028-12-25", "2029-01-01", "2029-01-15", "2029-02-19", "2029-05-28",
    "2029-06-19", "2029-07-04", "2029-09-03", "2029-10-08", "2029-11-11", "2029-11-12",
    "2029-11-22", "2029-12-25",
};

static long long
today_day(void)
{
    return tm_now_ms() / DAY_MS;
}

/* "YYYY-MM-DD" of a day since the epoch */
static void
day_text(long long day, char *out, size_t size)
{
    char iso[40];
    tm_iso8601(day * DAY_MS, iso, sizeof iso);
    snprintf(out, size, "%.10s", iso);
}

static long long
text_day(const char *date)
{
    struct tm_time t;
    ck_assert_int_eq(tm_time_parse(date, "date", &t, NULL), TM_OK);
    return t.epoch_ms / DAY_MS;
}

/* POSTs body to path with token (NULL: admin); returns the answer */
static void
post_as(const char *token, const char *path, const char *body, struct resp *r)
{
    ck_assert_int_eq(token ? http_as(token, "POST", path, body, r) : http("POST", path, body, r),
                     0);
}

/* number of items of a list answer holding member id == want */
static int
listed(const struct resp *r, long long want)
{
    const cJSON *it, *items = cJSON_GetObjectItem(r->json, "items");
    int n = 0;
    ck_assert_ptr_nonnull(items);
    cJSON_ArrayForEach(it, items)
    {
        if ((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "id")) == want)
            n++;
    }
    return n;
}

/* history of sales, one movement a day at noon UTC, written straight to the
 * ledger: quantity q[d] (none when 0) on day today - n + d; the level
 * exists already (a receipt through the API) */
static void
plant_sales(long long store, long long product, const int *q, int n)
{
    static char sql[32768];
    size_t used = 0;
    long long today = today_day();
    PGconn *db = PQconnectdb(st.db_url);
    int w = snprintf(sql, sizeof sql,
                     "INSERT INTO inventory.movements (store_id, product_id, type, quantity,"
                     " principal, on_hand_after, reserved_after, created_at) SELECT %lld, %lld,"
                     " 'sale', -v, 'test', 100000, 0, to_timestamp(((%lld - %d + d - 1) * 86400"
                     " + 43200)::float8) FROM unnest('{",
                     store, product, today, n);

    ck_assert(w > 0 && (size_t)w < sizeof sql);
    used = (size_t)w;
    for (int d = 0; d < n; d++) {
        w = snprintf(sql + used, sizeof sql - used, "%s%d", d ? "," : "", q[d]);
        ck_assert(w > 0 && (size_t)w < sizeof sql - used);
        used += (size_t)w;
    }
    w = snprintf(sql + used, sizeof sql - used, "}'::int[]) WITH ORDINALITY u(v, d) WHERE v > 0");
    ck_assert(w > 0 && (size_t)w < sizeof sql - used);
    exec_ok(db, sql);
    PQfinish(db);
}

START_TEST(test_calendar_events)
{
    long long s = new_store(), other = new_store();
    char body[512], path[256], from[16], to[16];
    long long before = sql_int("SELECT count(*) FROM inventory.calendar_events");
    struct resp r;

    day_text(today_day() + 10, from, sizeof from);
    day_text(today_day() + 12, to, sizeof to);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\",\"name\":\"Refit\","
             "\"kind\":\"closure\"}",
             s, from, to);
    post_as(NULL, "/api/v1/calendar-events", body, &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    long long own = jint(&r, "id");
    ck_assert_int_eq(jint(&r, "store_id"), s);
    ck_assert_str_eq(jstr(&r, "from"), from);
    ck_assert_str_eq(jstr(&r, "to"), to);
    ck_assert_str_eq(jstr(&r, "kind"), "closure");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"name\":\"City marathon\"}", from);
    post_as(NULL, "/api/v1/calendar-events", body, &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    long long every = jint(&r, "id");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "store_id")));
    ck_assert_str_eq(jstr(&r, "kind"), "event");
    resp_free(&r);

    /* a store's list: its own and every store's; another's: every store's */
    snprintf(path, sizeof path, "/api/v1/calendar-events?store_id=%lld&from=%s&limit=200", s, from);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(listed(&r, own) + listed(&r, every), 2);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/calendar-events?store_id=%lld&from=%s&limit=200", other,
             from);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(listed(&r, own), 0);
    ck_assert_int_eq(listed(&r, every), 1);
    resp_free(&r);
    /* days: from after the event's end leaves it out */
    day_text(today_day() + 13, from, sizeof from);
    snprintf(path, sizeof path, "/api/v1/calendar-events?store_id=%lld&from=%s&limit=200", s, from);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(listed(&r, own), 0);
    resp_free(&r);

    /* bad input: 4xx naming the field, nothing written */
    static const char *const bad[][2] = {
        {"{\"date\":\"2026-12-01\"}", "name"},
        {"{\"name\":\"x\",\"from\":\"2026-12-02\",\"to\":\"2026-12-01\"}", "to"},
        {"{\"name\":\"x\",\"date\":\"2026-02-30\"}", "date"},
        {"{\"name\":\"x\",\"date\":\"2026-12-01\",\"kind\":\"party\"}", "kind"},
        {"{\"name\":\"x\",\"date\":\"2026-12-01\",\"store_id\":999999999}", "store_id"},
    };
    long long written = sql_int("SELECT count(*) FROM inventory.calendar_events");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        post_as(NULL, "/api/v1/calendar-events", bad[i][0], &r);
        ck_assert_msg(r.status == (i == 4 ? 404 : 400), "%s: %d %s", bad[i][0], r.status, r.body);
        ck_assert_str_eq(err_field(&r), bad[i][1]);
        resp_free(&r);
    }
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.calendar_events"), written);
    ck_assert_int_eq(written, before + 2);

    /* delete: once */
    snprintf(path, sizeof path, "/api/v1/calendar-events/%lld", own);
    ck_assert_int_eq(http("DELETE", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "id"), own);
    resp_free(&r);
    ck_assert_int_eq(http("DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/calendar-events/%lld", every);
    ck_assert_int_eq(http("DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

START_TEST(test_promotions)
{
    long long s = new_store(), p = new_product(); /* unit price 500 cents */
    char body[512], path[256], from[16], to[16];
    struct resp r;

    receive(s, p, 10);
    day_text(today_day() + 5, from, sizeof from);
    day_text(today_day() + 11, to, sizeof to);
    sql_intf("WITH u AS (UPDATE inventory.stock SET forecast_due_on = NULL"
             " WHERE store_id = %lld AND product_id = %lld RETURNING 1) SELECT count(*) FROM u",
             s, p);

    /* bad input: 4xx naming the field, nothing written */
    long long written = sql_int("SELECT count(*) FROM inventory.promotions");
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\","
             "\"promo_price_cents\":500}",
             p, s, from, to); /* not below the regular price */
    post_as(NULL, "/api/v1/promotions", body, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "promo_price_cents");
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\"}", p, s, from,
             to); /* neither a price nor a flag */
    post_as(NULL, "/api/v1/promotions", body, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "promo_price_cents");
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\","
             "\"flags\":[\"feature\"]}",
             p, s, to, from); /* to before from */
    post_as(NULL, "/api/v1/promotions", body, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "to");
    resp_free(&r);
    snprintf(body, sizeof body,
             "{\"product_id\":999999999,\"from\":\"%s\",\"to\":\"%s\",\"flags\":[\"deal\"]}", from,
             to);
    post_as(NULL, "/api/v1/promotions", body, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(err_field(&r), "product_id");
    resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.promotions"), written);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM inventory.stock WHERE store_id = %lld"
                              " AND product_id = %lld AND forecast_due_on IS NULL",
                              s, p),
                     1);

    /* created: planned, its discount, the level due */
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\","
             "\"promo_price_cents\":399,\"flags\":[\"display\",\"feature\"]}",
             p, s, from, to);
    post_as(NULL, "/api/v1/promotions", body, &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    long long id = jint(&r, "id");
    ck_assert_str_eq(jstr(&r, "status"), "planned");
    ck_assert_int_eq(jint(&r, "regular_price_cents"), 500);
    ck_assert_double_eq_tol(cJSON_GetNumberValue(cJSON_GetObjectItem(r.json, "discount")), 0.202,
                            1e-9);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "flags")), 2);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM inventory.stock WHERE store_id = %lld"
                              " AND product_id = %lld"
                              " AND forecast_due_on = (now() AT TIME ZONE 'UTC')::date",
                              s, p),
                     1);

    /* read: one, and in the product's list */
    snprintf(path, sizeof path, "/api/v1/promotions/%lld", id);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(&r, "product_id"), p);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/promotions?product_id=%lld", p);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(listed(&r, id), 1);
    resp_free(&r);

    /* end: one not begun is cancelled; twice is a conflict */
    snprintf(path, sizeof path, "/api/v1/promotions/%lld/end", id);
    post_as(NULL, path, "{\"x\":1}", &r); /* it takes no body: a field is refused, nothing ends */
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "x");
    resp_free(&r);
    post_as(NULL, path, "{}", &r);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "status"), "cancelled");
    resp_free(&r);
    post_as(NULL, path, NULL, &r);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    post_as(NULL, "/api/v1/promotions/999999999/end", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
}
END_TEST

START_TEST(test_store_scope)
{
    const char *mgr = st.token[MANAGER];
    long long other = new_store(), p = new_product();
    char body[512], path[256], day[16];
    struct resp r;

    day_text(today_day() + 200, day, sizeof day);
    snprintf(body, sizeof body, "{\"store_id\":%lld,\"date\":\"%s\",\"name\":\"x\"}", other, day);
    post_as(mgr, "/api/v1/calendar-events", body, &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"name\":\"every store\"}", day);
    post_as(mgr, "/api/v1/calendar-events", body, &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"store_id\":1,\"date\":\"%s\",\"name\":\"mine\"}", day);
    post_as(mgr, "/api/v1/calendar-events", body, &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    long long mine = jint(&r, "id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"store_id\":%lld,\"date\":\"%s\",\"name\":\"theirs\"}", other,
             day);
    long long theirs = create("/api/v1/calendar-events", body);

    /* the manager's list: its store's, not another's */
    snprintf(path, sizeof path, "/api/v1/calendar-events?from=%s&to=%s&limit=200", day, day);
    ck_assert_int_eq(http_as(mgr, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(listed(&r, mine), 1);
    ck_assert_int_eq(listed(&r, theirs), 0);
    resp_free(&r);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(listed(&r, mine) + listed(&r, theirs), 2);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/calendar-events?store_id=%lld", other);
    ck_assert_int_eq(http_as(mgr, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    /* another store's event is not there for the manager */
    snprintf(path, sizeof path, "/api/v1/calendar-events/%lld", theirs);
    ck_assert_int_eq(http_as(mgr, "DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.calendar_events WHERE id = %lld", theirs), 1);
    snprintf(path, sizeof path, "/api/v1/calendar-events/%lld", mine);
    ck_assert_int_eq(http_as(mgr, "DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);

    /* promotions alike */
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\","
             "\"flags\":[\"deal\"]}",
             p, other, day, day);
    long long promo = create("/api/v1/promotions", body);
    snprintf(path, sizeof path, "/api/v1/promotions/%lld", promo);
    ck_assert_int_eq(http_as(mgr, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/promotions/%lld/end", promo);
    post_as(mgr, path, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    ck_assert_int_eq(
        sql_intf(
            "SELECT count(*) FROM inventory.promotions WHERE id = %lld AND cancelled_at IS NULL",
            promo),
        1);
}
END_TEST

/* the forecast of product p at store s over horizon days, computed now */
static void
forecast(long long s, long long p, int horizon, struct resp *r)
{
    char path[256];

    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?store_id=%lld&horizon_days=%d",
             p, s, horizon);
    ck_assert_int_eq(http("GET", path, NULL, r), 0);
    ck_assert_msg(r->status == 200, "%d %s", r->status, r->body);
}

static double
day_value(const cJSON *daily, int h, const char *key)
{
    return cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(daily, h), key));
}

/* whether the answer's regressors offered `name` */
static int
offered(const cJSON *reg, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(reg, "offered"))
    {
        if (strcmp(cJSON_GetStringValue(it), name) == 0)
            return 1;
    }
    return 0;
}

START_TEST(test_promotion_lifts_the_forecast)
{
    enum { N = 364, EVERY = 21, LENGTH = 4, H = 14 };
    static int q[N];
    long long s, p, today;
    char body[512], from[16], to[16];
    struct resp r;

    wait_clear_of_boundary(86400000, 0, DAY_CLEAR_MS); /* the server's today is ours */
    s = new_store();
    p = new_product();
    today = today_day();

    receive(s, p, 1000);
    /* a promotion every three weeks, four days long, the last ending 16
     * days ago: sales triple on its days, each recorded */
    /* everyday sales of 10 give or take 2 (a fixed pattern, not random) */
    for (int d = 0; d < N; d++)
        q[d] = 10 + (d * 7919) % 5 - 2;
    for (long long start = today - 19; start >= today - N; start -= EVERY) {
        for (int i = 0; i < LENGTH; i++)
            q[start + i - (today - N)] += 20;
        day_text(start, from, sizeof from);
        day_text(start + LENGTH - 1, to, sizeof to);
        snprintf(body, sizeof body,
                 "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\","
                 "\"promo_price_cents\":350,\"flags\":[\"feature\"]}",
                 p, s, from, to);
        create("/api/v1/promotions", body);
    }
    plant_sales(s, p, q, N);
    day_text(today + 3, from, sizeof from);
    day_text(today + 6, to, sizeof to);
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"store_id\":%lld,\"from\":\"%s\",\"to\":\"%s\","
             "\"promo_price_cents\":350,\"flags\":[\"feature\"]}",
             p, s, from, to);
    create("/api/v1/promotions", body);

    forecast(s, p, H, &r);
    const cJSON *f = cJSON_GetObjectItem(r.json, "forecast");
    const cJSON *reg = cJSON_GetObjectItem(f, "regressors");
    const cJSON *daily = cJSON_GetObjectItem(f, "daily");
    ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(reg, "used")), "%.3000s", r.body);
    ck_assert(offered(reg, "promotion"));
    ck_assert(!offered(reg, "holiday")); /* the store has no holiday country */
    double on = 0, off = 0;
    for (int h = 0; h < H; h++) {
        const cJSON *known = cJSON_GetObjectItem(cJSON_GetArrayItem(daily, h), "known");
        if (h >= 3 && h <= 6) {
            on += day_value(daily, h, "forecast") / 4;
            ck_assert_double_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(known, "promotion")), 1);
        } else {
            off += day_value(daily, h, "forecast") / (H - 4);
            ck_assert_ptr_null(known);
        }
    }
    ck_assert_msg(on > 2 * off, "promotion days %.2f, others %.2f: %.3000s", on, off, r.body);
    ck_assert_double_eq_tol(off, 10, 2);
    resp_free(&r);
}
END_TEST

START_TEST(test_us_holidays_lower_the_forecast)
{
    enum { N = 730, H = 90 };
    static int q[N];
    long long s, p, today, next = 0;
    char path[256];
    struct resp r;

    wait_clear_of_boundary(86400000, 0, DAY_CLEAR_MS); /* the server's today is ours */
    s = new_store();
    p = new_product();
    today = today_day();

    snprintf(path, sizeof path, "/api/v1/stores/%lld", s);
    ck_assert_int_eq(http("PATCH", path, "{\"holiday_country\":\"US\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_str_eq(jstr(&r, "holiday_country"), "US");
    resp_free(&r);
    ck_assert_int_eq(http("PATCH", path, "{\"holiday_country\":\"FR\"}", &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "holiday_country");
    resp_free(&r);
    receive(s, p, 1000);
    for (int d = 0; d < N; d++)
        q[d] = 20 + (d * 7919) % 5 - 2;
    for (size_t i = 0; i < sizeof us_holidays / sizeof us_holidays[0]; i++) {
        long long day = text_day(us_holidays[i]);
        if (day >= today - N && day < today)
            q[day - (today - N)] = 4; /* a public holiday: most customers stay away */
        if (day >= today && day < today + H && !next)
            next = day;
    }
    plant_sales(s, p, q, N);

    forecast(s, p, H, &r);
    const cJSON *f = cJSON_GetObjectItem(r.json, "forecast");
    const cJSON *reg = cJSON_GetObjectItem(f, "regressors");
    const cJSON *daily = cJSON_GetObjectItem(f, "daily");
    ck_assert_msg(offered(reg, "holiday"), "%.3000s", r.body);
    ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(reg, "used")), "%.3000s", r.body);
    const cJSON *eff = cJSON_GetArrayItem(cJSON_GetObjectItem(reg, "effects"), 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(eff, "name")), "holiday");
    ck_assert(cJSON_GetNumberValue(cJSON_GetObjectItem(eff, "lift")) < -0.3);
    if (next) { /* none in 90 days happens only from late February to late May */
        int h = (int)(next - today);
        double holiday = day_value(daily, h, "forecast");
        double before = day_value(daily, h > 0 ? h - 1 : h + 2, "forecast");
        const cJSON *known = cJSON_GetObjectItem(cJSON_GetArrayItem(daily, h), "known");
        ck_assert_double_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(known, "holiday")), 1);
        ck_assert_msg(holiday < 0.6 * before, "holiday %.2f, the day before %.2f: %.3000s", holiday,
                      before, r.body);
    }
    resp_free(&r);
}
END_TEST

Suite *
calendar_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("calendar");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_calendar_events);
    tcase_add_test(tc, test_promotions);
    tcase_add_test(tc, test_store_scope);
    tcase_add_test(tc, test_promotion_lifts_the_forecast);
    tcase_add_test(tc, test_us_holidays_lower_the_forecast);
    suite_add_tcase(s, tc);
    return s;
}
