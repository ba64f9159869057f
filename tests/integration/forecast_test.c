/* tests/integration/forecast_test.c — demand forecasts through nginx and the
 * gateway: a product with four months of dated sales (Saturdays triple) gets
 * a forecast that knows Saturday, with ordered, non-negative intervals and
 * its backtest; refresh stores it and emits forecast.updated; a sale makes
 * its level due and the job refreshes what is due, a batch a run; bad
 * requests are refused and change nothing; a series without an observed day
 * is refused, never forecast as zero. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* The forecast events written: a refused refresh adds none (other events,
 * a reservation's expiry, may be written meanwhile). */
#define FORECAST_EVENTS "SELECT count(*) FROM inventory.outbox WHERE topic = 'forecast.updated'"

#define DAY_MS 86400000LL
#define HISTORY 119

/* forecast.updated events written so far, numbered or still waiting for the
 * publisher's number (common/outbox) */
#define UPDATED_EVENTS                                                                             \
    "SELECT (SELECT count(*) FROM inventory.outbox WHERE topic = 'forecast.updated')"              \
    " + (SELECT count(*) FROM inventory.outbox_pending WHERE topic = 'forecast.updated')"

static long long f_store, f_product;

static int
is_saturday(long long day)
{
    return (day + 3) % 7 == 5; /* 1970-01-01 was a Thursday */
}

/* POSTs a stock movement of `type` dated at_ms */
static void
move(long long store, long long product, const char *type, int quantity, long long at_ms)
{
    char body[512], at[40];
    struct resp r;

    tm_iso8601(at_ms, at, sizeof at);
    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"%s\",\"quantity\":%d,"
             "\"reason\":\"test\",\"occurred_at\":\"%s\"}",
             store, product, type, quantity, at);
    ck_assert_int_eq(http("POST", "/api/v1/stock-movements", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* a sale at at_ms through the API */
static void
sell(long long store, long long product, int quantity, long long at_ms, const char *tag)
{
    char body[512], at[40];
    struct resp r;

    tm_iso8601(at_ms, at, sizeof at);
    snprintf(body, sizeof body,
             "{\"sale_id\":\"%s-%s\",\"lines\":[{\"store_id\":%lld,\"product_id\":%lld,"
             "\"quantity\":%d}],\"occurred_at\":\"%s\"}",
             run_tag(), tag, store, product, quantity, at);
    ck_assert_int_eq(http("POST", "/api/v1/stock-commits", body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    resp_free(&r);
}

/* four months of sales, one commit a day at noon UTC, dated */
static void
make_history(void)
{
    long long today;

    wait_clear_of_boundary(86400000, 0, DAY_CLEAR_MS); /* the server's today is ours */
    today = tm_now_ms() / DAY_MS;

    f_store = new_store();
    f_product = new_product();
    move(f_store, f_product, "receipt", 100000, (today - HISTORY - 1) * DAY_MS);
    for (long long d = today - HISTORY; d < today; d++) {
        char tag[32];
        snprintf(tag, sizeof tag, "fc%lld", d);
        sell(f_store, f_product, is_saturday(d) ? 9 : 3, d * DAY_MS + DAY_MS / 2, tag);
    }
}

static double
num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    ck_assert_msg(cJSON_IsNumber(v), "%s missing", k);
    return cJSON_GetNumberValue(v);
}

/* every daily row: 0 ≤ lo95 ≤ lo80 ≤ forecast ≤ hi80 ≤ hi95, a mean ≥ 0,
 * the cumulative values and the total are the sums of the means; returns the
 * forecast object */
static const cJSON *
check_forecast(const struct resp *r, int horizon)
{
    const cJSON *f = cJSON_GetObjectItem(r->json, "forecast");
    ck_assert_ptr_nonnull(f);
    const cJSON *daily = cJSON_GetObjectItem(f, "daily");
    ck_assert_int_eq(cJSON_GetArraySize(daily), horizon);
    double sum = 0;
    for (int h = 0; h < horizon; h++) {
        const cJSON *d = cJSON_GetArrayItem(daily, h);
        double fc = num(d, "forecast");
        ck_assert(num(d, "lo95") >= 0);
        ck_assert(num(d, "lo95") <= num(d, "lo80") + 1e-9);
        ck_assert(num(d, "lo80") <= fc + 1e-9 && fc <= num(d, "hi80") + 1e-9);
        ck_assert(num(d, "hi80") <= num(d, "hi95") + 1e-9);
        ck_assert(num(d, "mean") >= 0);
        sum += num(d, "mean");
        ck_assert_double_eq_tol(num(d, "cumulative"), sum, 1e-3 * horizon);
    }
    ck_assert_double_eq_tol(num(f, "total"), sum, 1e-3 * horizon);
    return f;
}

START_TEST(test_forecast_knows_the_weekday)
{
    char path[256];
    struct resp r;

    make_history();
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?store_id=%lld&horizon_days=14",
             f_product, f_store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    const cJSON *f = check_forecast(&r, 14);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "class")), "smooth");
    const cJSON *bt = cJSON_GetObjectItem(f, "backtest");
    ck_assert(num(bt, "origins") >= 1);
    double mase = num(cJSON_GetObjectItem(bt, "chosen"), "mase");
    ck_assert_msg(mase < num(cJSON_GetObjectItem(bt, "seed_formula"), "mase"), "%s", r.body);
    ck_assert_msg(mase < 0.1, "a noiseless weekly pattern is learnt: %s", r.body);
    const cJSON *daily = cJSON_GetObjectItem(f, "daily");
    for (int h = 0; h < 14; h++) {
        const cJSON *d = cJSON_GetArrayItem(daily, h);
        int y, m, dd;
        const char *date = cJSON_GetStringValue(cJSON_GetObjectItem(d, "date"));
        ck_assert_int_eq(sscanf(date, "%d-%d-%d", &y, &m, &dd), 3);
        long long day = (tm_now_ms() / DAY_MS) + h;
        ck_assert_double_eq_tol(num(d, "forecast"), is_saturday(day) ? 9 : 3, 0.5);
    }
    const cJSON *wd = cJSON_GetObjectItem(cJSON_GetObjectItem(f, "patterns"), "weekday");
    ck_assert(num(cJSON_GetObjectItem(wd, "index"), "sat") > 2);
    ck_assert(num(wd, "strength") > 0.9);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "stored")));
    resp_free(&r);

    /* refresh: stored for the store and the product, and an event */
    long long events = sql_int(UPDATED_EVENTS);
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld/refresh", f_product);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "series"), 2);
    resp_free(&r);
    ck_assert_int_eq(sql_int(UPDATED_EVENTS), events + 1);
    events_numbered("inventory");
    /* its per-store figures (tm-alerts' days of cover and demand spikes) */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM (SELECT data FROM inventory.outbox"
                              " WHERE topic = 'forecast.updated' AND (data->>'product_id')::bigint"
                              " = %lld ORDER BY seq DESC LIMIT 1) e,"
                              " jsonb_array_elements(e.data->'stores') s"
                              " WHERE (s->>'store_id')::bigint = %lld"
                              " AND (s->>'daily_mean')::float8 >= 0"
                              " AND (s->>'daily_upper')::float8 >= 0",
                              f_product, f_store),
                     1);
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?store_id=%lld", f_product,
             f_store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "stored")));
    check_forecast(&r, 14);
    resp_free(&r);

    /* the category's series, with its patterns */
    ck_assert_int_eq(http("GET", "/api/v1/inventory/predictions/categories/1", NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "forecast"), "patterns"));
    resp_free(&r);
}
END_TEST

START_TEST(test_forecast_bad_requests)
{
    static const char *const bad[][3] = {
        {"", "?horizon_days=0", "horizon_days"},
        {"", "?horizon_days=91", "horizon_days"},
        {"", "?horizon_days=x", "horizon_days"},
        {"", "?store_id=999999999", "store_id"},
        {"/api/v1/inventory/predictions/999999999", "", NULL},
        {"/api/v1/inventory/predictions/categories/999999999", "", NULL},
    };
    long long p = new_product();
    char path[256];
    struct resp r;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (bad[i][0][0])
            snprintf(path, sizeof path, "%s%s", bad[i][0], bad[i][1]);
        else
            snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld%s", p, bad[i][1]);
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        int want = !bad[i][2] || strcmp(bad[i][2], "store_id") == 0 ? 404 : 400;
        ck_assert_msg(r.status == want, "%s: %d %s", path, r.status, r.body);
        if (bad[i][2])
            ck_assert_str_eq(err_field(&r), bad[i][2]);
        resp_free(&r);
    }
    long long stored = sql_int("SELECT count(*) FROM inventory.forecasts");
    long long events;

    events_numbered("inventory");
    events = sql_int(FORECAST_EVENTS);
    ck_assert_int_eq(http("POST", "/api/v1/inventory/predictions/999999999/refresh", NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld/refresh?horizon_days=0", p);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.forecasts"), stored);
    events_numbered("inventory"); /* what was written is counted */
    ck_assert_int_eq(sql_int(FORECAST_EVENTS), events);
}
END_TEST

/* 422 unprocessable saying "too little history" */
static void
expect_too_little_history(const char *method, const char *path)
{
    struct resp r;

    ck_assert_int_eq(http(method, path, NULL, &r), 0);
    ck_assert_msg(r.status == 422, "%s %s: %d %s", method, path, r.status, r.body);
    ck_assert_str_eq(err_code(&r), "unprocessable");
    ck_assert_msg(strstr(r.body, "too little history") != NULL, "%s", r.body);
    resp_free(&r);
}

/* A series without one observed day is not forecast as zero: a product
 * never moved, and a store whose every day ended empty without a sale,
 * answer 422; a refresh stores the product's other series, leaves that
 * store's out and says so. */
START_TEST(test_forecast_refuses_too_little_history)
{
    long long p = new_product(), a = new_store(), b = new_store();
    long long day_ms = (tm_now_ms() / DAY_MS - 5) * DAY_MS;
    long long stored = sql_int("SELECT count(*) FROM inventory.forecasts");
    long long events;

    events_numbered("inventory");
    events = sql_int(FORECAST_EVENTS);
    char path[256];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?horizon_days=7", p);
    expect_too_little_history("GET", path);
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld/refresh", p);
    expect_too_little_history("POST", path);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.forecasts"), stored);
    events_numbered("inventory"); /* what was written is counted */
    ck_assert_int_eq(sql_int(FORECAST_EVENTS), events);

    /* store b: stock in and written off the same day, nothing sold */
    move(b, p, "receipt", 5, day_ms + 10 * 3600000LL);
    move(b, p, "adjustment", -5, day_ms + 11 * 3600000LL);
    /* store a: sold on each of four days */
    move(a, p, "receipt", 100, day_ms - DAY_MS);
    for (int d = 0; d < 4; d++) {
        char tag[32];
        snprintf(tag, sizeof tag, "th%d", d);
        sell(a, p, 2, day_ms + d * DAY_MS + DAY_MS / 2, tag);
    }
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?store_id=%lld", p, b);
    expect_too_little_history("GET", path);

    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld/refresh", p);
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "series"), 2); /* store a's and the product's */
    ck_assert_int_eq(jint(&r, "skipped"), 1);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM inventory.forecasts WHERE series IN"
                              " ('s%lld:p%lld', 'p%lld')",
                              a, p, p),
                     2);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM inventory.forecasts WHERE series = 's%lld:p%lld'", b, p), 0);
    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?store_id=%lld", p, a);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "stored")));
    check_forecast(&r, 14);
    resp_free(&r);
}
END_TEST

/* Runs the forecast-refresh job now and waits for its end; when it
 * outlives the request's deadline the answer is 202 with the run's id and
 * where to poll it, and polling shows it running, then done. Returns the
 * run's id; *rows its rows. */
static long long
run_refresh(long long *rows)
{
    struct resp r;
    char poll[256];
    long long id;
    int running = 1;

    ck_assert_int_eq(job_run("/api/v1/jobs/forecast-refresh/run", &r), 0);
    ck_assert_msg(r.status == 200 || r.status == 202, "%d %s", r.status, r.body);
    id = jint(&r, "id");
    ck_assert_int_gt(id, 0);
    snprintf(poll, sizeof poll, "/api/v1/jobs/forecast-refresh/runs/%lld", id);
    if (r.status == 202) {
        ck_assert_str_eq(jstr(&r, "outcome"), "running");
        ck_assert_str_eq(jstr(&r, "poll"), poll);
    }
    resp_free(&r);
    for (int i = 0; i < 240 && running; i++) {
        ck_assert_int_eq(http("GET", poll, NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(jint(&r, "id"), id);
        running = strcmp(jstr(&r, "outcome"), "running") == 0;
        if (!running) {
            ck_assert_msg(strcmp(jstr(&r, "outcome"), "ok") == 0, "%s", r.body);
            *rows = jint(&r, "rows");
        }
        resp_free(&r);
        if (running)
            tm_sleep_ms(500);
    }
    ck_assert_msg(!running, "run %lld still running", id);
    return id;
}

/* levels due today */
#define DUE_TODAY                                                                                  \
    "SELECT count(*) FROM inventory.stock"                                                         \
    " WHERE forecast_due_on <= (now() AT TIME ZONE 'UTC')::date"

/* Runs the job until a run finds nothing due (rows 0); returns the runs. */
static int
drain(void)
{
    long long rows = 1;
    int runs = 0;

    while (rows > 0) {
        ck_assert_int_lt(runs, 100);
        run_refresh(&rows);
        runs++;
    }
    ck_assert_int_eq(sql_int(DUE_TODAY), 0);
    return runs;
}

/* GET the store series of (store, product): 200; whether it was stored */
static int
answered_stored(long long store, long long product)
{
    char path[256];
    struct resp r;
    int stored;

    snprintf(path, sizeof path, "/api/v1/inventory/predictions/%lld?store_id=%lld", product, store);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    stored = cJSON_IsTrue(cJSON_GetObjectItem(r.json, "stored"));
    resp_free(&r);
    return stored;
}

/* A sale makes its level due from the day after its date: one dated
 * yesterday at once (the API then computes rather than answer the stale
 * stored forecast), one dated today tomorrow, reversing a sale at once. A
 * run refreshes the due
 * level, its product and its category (rows 3), clears the mark and stores
 * what the API then answers; a run with nothing due refreshes nothing. */
START_TEST(test_forecast_due_after_a_sale)
{
    long long today_ms, rows = -1, s, p;
    char level[128];

    wait_clear_of_boundary(86400000, 0, DAY_CLEAR_MS); /* "due today" is the server's today */
    today_ms = tm_now_ms() / DAY_MS * DAY_MS;
    s = new_store();
    p = new_product();

    snprintf(level, sizeof level,
             "FROM inventory.stock WHERE store_id = %lld AND product_id = %lld", s, p);
    move(s, p, "receipt", 1000, today_ms - 20 * DAY_MS);
    for (int d = 19; d >= 2; d--) {
        char tag[32];
        snprintf(tag, sizeof tag, "due%d", d);
        sell(s, p, 1 + d % 3, today_ms - d * DAY_MS + DAY_MS / 2, tag);
    }
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on <="
                              " (now() AT TIME ZONE 'UTC')::date",
                              level),
                     1);
    ck_assert_int_eq(answered_stored(s, p), 0);
    drain();
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on IS NULL"
                              " AND forecast_at IS NOT NULL",
                              level),
                     1);
    ck_assert_int_eq(answered_stored(s, p), 1);
    run_refresh(&rows);
    ck_assert_int_eq(rows, 0); /* nothing due: nothing refreshed */

    /* a sale dated yesterday: due now, and the stored forecast is not fresh */
    sell(s, p, 4, today_ms - DAY_MS / 2, "due-y");
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on ="
                              " (now() AT TIME ZONE 'UTC')::date",
                              level),
                     1);
    ck_assert_int_eq(answered_stored(s, p), 0);
    long long events = sql_int(UPDATED_EVENTS);
    run_refresh(&rows);
    ck_assert_int_eq(rows, 3); /* the store series, the product's, category 1's */
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on IS NULL", level), 1);
    ck_assert_int_eq(sql_int(UPDATED_EVENTS), events + 1); /* the product's */
    ck_assert_int_eq(answered_stored(s, p), 1);
    run_refresh(&rows);
    ck_assert_int_eq(rows, 0);

    /* a sale dated now enters the series tomorrow: due tomorrow, not now */
    sell(s, p, 1, tm_now_ms() - 1000, "due-t");
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on ="
                              " (now() AT TIME ZONE 'UTC')::date + 1",
                              level),
                     1);
    run_refresh(&rows);
    ck_assert_int_eq(rows, 0);
    ck_assert_int_eq(answered_stored(s, p), 1);

    /* reversing yesterday's sale takes it out of the series at once: due now */
    struct resp r;
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stock-commits/%s-due-y/reverse", run_tag());
    ck_assert_int_eq(http("POST", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on ="
                              " (now() AT TIME ZONE 'UTC')::date",
                              level),
                     1);
    ck_assert_int_eq(answered_stored(s, p), 0);
    run_refresh(&rows);
    ck_assert_int_eq(rows, 3);
    /* what stays pending is today's sale and return: due tomorrow */
    ck_assert_int_eq(sql_intf("SELECT count(*) %s AND forecast_due_on ="
                              " (now() AT TIME ZONE 'UTC')::date + 1",
                              level),
                     1);
    ck_assert_int_eq(answered_stored(s, p), 1);
}
END_TEST

/* A run takes at most forecast-batch (run-tests.sh leaves the default, 300)
 * due levels, the longest due first, and the next run goes on with the
 * rest. The sample's levels are marked due here as if they had moved. */
START_TEST(test_forecast_batch_leaves_the_rest)
{
    const long long batch = 300;
    long long rows = -1, due;

    wait_clear_of_boundary(86400000, 0, DAY_CLEAR_MS); /* "due today" is the server's today */

    drain();
    ck_assert_int_ge(sql_int("WITH u AS (UPDATE inventory.stock SET forecast_due_on ="
                             " (now() AT TIME ZONE 'UTC')::date - (store_id % 2)::int"
                             " WHERE (store_id, product_id) IN (SELECT store_id, product_id"
                             "  FROM inventory.stock WHERE forecast_at IS NOT NULL"
                             "  ORDER BY product_id, store_id LIMIT 350) RETURNING 1)"
                             " SELECT count(*) FROM u"),
                     batch + 1);
    due = sql_int(DUE_TODAY);
    run_refresh(&rows);
    ck_assert_int_ge(rows, batch); /* the levels, plus their products' and categories' series */
    ck_assert_int_eq(sql_int(DUE_TODAY), due - batch);
    /* the longest due went first: what is left was due today, none yesterday */
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.stock WHERE forecast_due_on <"
                             " (now() AT TIME ZONE 'UTC')::date"),
                     0);
    run_refresh(&rows);
    ck_assert_int_gt(rows, 0);
    ck_assert_int_eq(sql_int(DUE_TODAY), 0);
    run_refresh(&rows);
    ck_assert_int_eq(rows, 0);
}
END_TEST

/* the job's run record: a run that does not exist, of a job that does, and
 * of one that does not; the stored forecasts are sane */
START_TEST(test_forecast_refresh_job)
{
    struct resp r;
    long long rows = -1;

    run_refresh(&rows);
    ck_assert_int_ge(rows, 0);
    ck_assert_int_eq(http("GET", "/api/v1/jobs/forecast-refresh/runs/999999999", NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/jobs/no-such-job/runs/1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(err_field(&r), "name");
    resp_free(&r);
    ck_assert_int_gt(sql_int("SELECT count(*) FROM inventory.forecasts WHERE series LIKE 's%'"), 0);
    ck_assert_int_gt(sql_int("SELECT count(*) FROM inventory.forecasts WHERE series LIKE 'c%'"), 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM inventory.forecasts WHERE total < 0"), 0);
}
END_TEST

Suite *forecast_suite(void);

Suite *
forecast_suite(void)
{
    Suite *s = suite_create("forecast");
    TCase *tc = tcase_create("forecast");

    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_forecast_knows_the_weekday);
    tcase_add_test(tc, test_forecast_bad_requests);
    tcase_add_test(tc, test_forecast_refuses_too_little_history);
    tcase_add_test(tc, test_forecast_refresh_job);
    tcase_add_test(tc, test_forecast_due_after_a_sale);
    tcase_add_test(tc, test_forecast_batch_leaves_the_rest);
    suite_add_tcase(s, tc);
    return s;
}
