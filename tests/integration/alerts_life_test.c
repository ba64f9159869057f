/* tests/integration/alerts_life_test.c — an alert's life through nginx
 * (docs/alerts.md "Alerts", "Routes"): a manual alert is listed, filtered
 * and counted, acknowledged once (a second time is 409 naming "state"),
 * resolved, and its history names who did each change; an admin's delete
 * resolves it and hides it, its history kept; bad input is refused naming
 * the field and writes nothing; a store manager sees and changes only its
 * stores' alerts; the dashboard overview's open_alerts counts an alert and
 * drops it when resolved. Each test makes its own store, so its numbers are
 * its own. */
#include <stdio.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define ADMIN 0
#define MANAGER 1 /* st.token index of store_manager@ (stores 1 and 2) */
#define BUYER 2   /* alert.write, not alert.admin */
#define VIEWER 5  /* alert.read only */

/* A manual alert at store (0: none) as token; expects 201, returns its id. */
static long long
raise_alert(int who, long long store, const char *severity, const char *title)
{
    char body[512];
    struct resp r;
    long long id;

    if (store)
        snprintf(body, sizeof body,
                 "{\"title\":\"%s %s\",\"severity\":\"%s\",\"description\":\"seen on the floor\","
                 "\"store_id\":%lld}",
                 title, run_tag(), severity, store);
    else
        snprintf(body, sizeof body, "{\"title\":\"%s %s\",\"severity\":\"%s\"}", title, run_tag(),
                 severity);
    ck_assert_int_eq(http_as(st.token[who], "POST", "/api/v1/alerts", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s: %d %s", body, r.status, r.body);
    ck_assert_str_eq(jstr(&r, "kind"), "manual");
    ck_assert_str_eq(jstr(&r, "state"), "firing");
    ck_assert_str_eq(jstr(&r, "severity"), severity);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "rule_id")));
    id = jint(&r, "id");
    ck_assert_int_gt(id, 0);
    resp_free(&r);
    return id;
}

/* method path [body] as token; the status expected; r kept for the caller. */
static void
call(int who, const char *method, const char *path, const char *body, int status, struct resp *r)
{
    ck_assert_int_eq(http_as(st.token[who], method, path, body, r), 0);
    ck_assert_msg(r->status == status, "%s %s: want %d, got %d %s", method, path, status, r->status,
                  r->body);
}

/* The ids of a list's items, in order, into ids[max]; their count. */
static int
item_ids(const struct resp *r, long long *ids, int max)
{
    const cJSON *it;
    int n = 0;

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (n < max)
            ids[n] = (long long)cJSON_GetObjectItem(it, "id")->valuedouble;
        n++;
    }
    return n;
}

static int
listed(const struct resp *r, long long id)
{
    long long ids[200];
    int n = item_ids(r, ids, 200);

    for (int i = 0; i < n && i < 200; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static long long
sub_int(const struct resp *r, const char *a, const char *b)
{
    const cJSON *it = cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, a), b);

    return cJSON_IsNumber(it) ? (long long)it->valuedouble : -1;
}

#define PATH(...) (snprintf(path, sizeof path, __VA_ARGS__), path)

START_TEST(test_alerts_manual_life)
{
    long long store = new_store(), id, id2, ids[4];
    char path[160], actor[64], cursor[64];
    const cJSON *h;
    struct resp r;

    id = raise_alert(ADMIN, store, "high", "Freezer warm");
    id2 = raise_alert(ADMIN, store, "low", "Label printer jammed");
    /* listed newest first, filtered */
    call(VIEWER, "GET", PATH("/api/v1/alerts?store_id=%lld&state=open", store), NULL, 200, &r);
    ck_assert_int_eq(item_ids(&r, ids, 4), 2);
    ck_assert_int_eq(ids[0], id2);
    ck_assert_int_eq(ids[1], id);
    resp_free(&r);
    call(VIEWER, "GET", PATH("/api/v1/alerts?store_id=%lld&severity=high&kind=manual", store), NULL,
         200, &r);
    ck_assert_int_eq(item_ids(&r, ids, 4), 1);
    ck_assert_int_eq(ids[0], id);
    resp_free(&r);
    call(VIEWER, "GET", PATH("/api/v1/alerts?store_id=%lld&state=resolved", store), NULL, 200, &r);
    ck_assert_int_eq(item_ids(&r, ids, 4), 0);
    resp_free(&r);
    /* pages: one at a time, the cursor leads to the older */
    call(VIEWER, "GET", PATH("/api/v1/alerts?store_id=%lld&limit=1", store), NULL, 200, &r);
    ck_assert_int_eq(item_ids(&r, ids, 4), 1);
    ck_assert_int_eq(ids[0], id2);
    ck_assert_ptr_nonnull(jstr(&r, "next_cursor"));
    snprintf(cursor, sizeof cursor, "%s", jstr(&r, "next_cursor"));
    resp_free(&r);
    call(VIEWER, "GET", PATH("/api/v1/alerts?store_id=%lld&limit=1&cursor=%s", store, cursor), NULL,
         200, &r);
    ck_assert_int_eq(item_ids(&r, ids, 4), 1);
    ck_assert_int_eq(ids[0], id);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "next_cursor")));
    resp_free(&r);
    /* the summary */
    call(VIEWER, "GET", PATH("/api/v1/alerts/summary?store_id=%lld", store), NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "open"), 2);
    ck_assert_int_eq(jint(&r, "firing"), 2);
    ck_assert_int_eq(jint(&r, "acknowledged"), 0);
    ck_assert_int_eq(sub_int(&r, "by_severity", "high"), 1);
    ck_assert_int_eq(sub_int(&r, "by_severity", "low"), 1);
    ck_assert_int_eq(sub_int(&r, "by_severity", "critical"), 0);
    resp_free(&r);
    /* acknowledged once */
    call(BUYER, "POST", PATH("/api/v1/alerts/%lld/acknowledge", id), "{\"note\":\"on my way\"}",
         200, &r);
    ck_assert_str_eq(jstr(&r, "state"), "acknowledged");
    snprintf(actor, sizeof actor, "%s", jstr(&r, "acknowledged_by"));
    ck_assert_msg(strncmp(actor, "user:", 5) == 0, "acknowledged_by %s", actor);
    resp_free(&r);
    call(ADMIN, "POST", PATH("/api/v1/alerts/%lld/acknowledge", id), NULL, 409, &r);
    ck_assert_str_eq(err_field(&r), "state");
    resp_free(&r);
    call(VIEWER, "GET", PATH("/api/v1/alerts/summary?store_id=%lld", store), NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "firing"), 1);
    ck_assert_int_eq(jint(&r, "acknowledged"), 1);
    resp_free(&r);
    /* resolved by hand, once */
    call(ADMIN, "PATCH", PATH("/api/v1/alerts/%lld/resolve", id), "{\"note\":\"door shut\"}", 200,
         &r);
    ck_assert_str_eq(jstr(&r, "state"), "resolved");
    ck_assert_str_eq(jstr(&r, "resolution"), "manual");
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(r.json, "resolved_at")));
    resp_free(&r);
    call(ADMIN, "PATCH", PATH("/api/v1/alerts/%lld/resolve", id), NULL, 409, &r);
    ck_assert_str_eq(err_field(&r), "state");
    resp_free(&r);
    call(ADMIN, "POST", PATH("/api/v1/alerts/%lld/acknowledge", id), NULL, 409, &r);
    ck_assert_str_eq(err_field(&r), "state");
    resp_free(&r);
    /* the history: every change, who made it, nothing of the refusals */
    call(VIEWER, "GET", PATH("/api/v1/alerts/%lld/history", id), NULL, 200, &r);
    h = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(h), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 0), "action")->valuestring, "fired");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 1), "action")->valuestring,
                     "acknowledged");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 1), "actor")->valuestring, actor);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 1), "note")->valuestring,
                     "on my way");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 2), "action")->valuestring,
                     "resolved");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 2), "from_state")->valuestring,
                     "acknowledged");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 2), "note")->valuestring,
                     "door shut");
    ck_assert_str_ne(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 2), "actor")->valuestring, actor);
    resp_free(&r);
    /* each change is an event */
    events_numbered("alerts");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.outbox WHERE topic IN ('alert.fired',"
                              " 'alert.acknowledged', 'alert.resolved')"
                              " AND (data->>'id')::bigint = %lld",
                              id),
                     3);
    call(ADMIN, "PATCH", PATH("/api/v1/alerts/%lld/resolve", id2), NULL, 200, &r);
    resp_free(&r);
}
END_TEST

START_TEST(test_alerts_delete_is_admins_and_keeps_history)
{
    long long store = new_store(), id;
    char path[160];
    const cJSON *h;
    struct resp r;

    id = raise_alert(ADMIN, store, "medium", "Spill in aisle 2");
    call(BUYER, "DELETE", PATH("/api/v1/alerts/%lld", id), NULL, 403, &r);
    resp_free(&r);
    call(ADMIN, "DELETE", PATH("/api/v1/alerts/%lld", id), NULL, 204, &r);
    resp_free(&r);
    call(ADMIN, "GET", PATH("/api/v1/alerts/%lld", id), NULL, 404, &r);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    call(ADMIN, "DELETE", PATH("/api/v1/alerts/%lld", id), NULL, 404, &r);
    resp_free(&r);
    call(ADMIN, "GET", PATH("/api/v1/alerts?store_id=%lld", store), NULL, 200, &r);
    ck_assert(!listed(&r, id));
    resp_free(&r);
    call(ADMIN, "GET", PATH("/api/v1/alerts/summary?store_id=%lld", store), NULL, 200, &r);
    ck_assert_int_eq(jint(&r, "open"), 0);
    resp_free(&r);
    /* the row and its history stay: fired, resolved (open when deleted), deleted */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE id = %lld AND deleted_at"
                              " IS NOT NULL AND deleted_by LIKE 'user:%%' AND state = 'resolved'",
                              id),
                     1);
    call(ADMIN, "GET", PATH("/api/v1/alerts/%lld/history", id), NULL, 200, &r);
    h = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(h), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 1), "action")->valuestring,
                     "resolved");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 2), "action")->valuestring,
                     "deleted");
    resp_free(&r);
}
END_TEST

/* Bad input: a 4xx naming the field, and no alert written. */
static const struct {
    const char *body;
    int status;
    const char *field;
} bad_bodies[] = {
    {"{\"severity\":\"high\"}", 400, "title"},
    {"{\"title\":\"\",\"severity\":\"high\"}", 400, "title"},
    {"{\"title\":\"x\"}", 400, "severity"},
    {"{\"title\":\"x\",\"severity\":\"urgent\"}", 400, "severity"},
    {"{\"title\":\"x\",\"severity\":\"high\",\"store_id\":-1}", 400, "store_id"},
    {"{\"title\":\"x\",\"severity\":\"high\",\"store_id\":\"1\"}", 400, "store_id"},
    {"{\"title\":\"x\",\"severity\":\"high\",\"colour\":\"red\"}", 400, "colour"},
    {"{\"title\":\"x\",\"severity\":\"high\",\"policy_id\":999999999}", 400, "policy_id"},
    {"[1]", 400, "body"},
    {"{\"title\":\"x\",\"severity\":\"high\"", 400, "body"},
    /* a title is one line: it becomes an e-mail's Subject */
    {"{\"title\":\"Fire\\nBcc: x@evil.example\",\"severity\":\"high\"}", 400, "title"},
    {"{\"title\":\"Fire\\r\",\"severity\":\"high\"}", 400, "title"},
};

/* Manual alerts made since the epoch ms t0, and their history (the rules'
 * jobs and the escalation of earlier tests' alerts write beside the test). */
#define MANUAL_SINCE                                                                               \
    "FROM alerts.alerts a WHERE a.rule_id IS NULL AND a.fired_at >= to_timestamp(%lld / 1000.0)"

START_TEST(test_alerts_bad_input_writes_nothing)
{
    long long t0 = sql_int("SELECT (extract(epoch FROM now()) * 1000)::bigint");
    struct resp r;

    for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
        call(ADMIN, "POST", "/api/v1/alerts", bad_bodies[i].body, bad_bodies[i].status, &r);
        ck_assert_msg(strcmp(err_field(&r), bad_bodies[i].field) == 0, "%s: field %s",
                      bad_bodies[i].body, err_field(&r));
        resp_free(&r);
    }
    /* paging people through a policy is alert.admin's */
    call(BUYER, "POST", "/api/v1/alerts", "{\"title\":\"x\",\"severity\":\"high\",\"policy_id\":1}",
         403, &r);
    ck_assert_str_eq(err_field(&r), "policy_id");
    resp_free(&r);
    call(ADMIN, "GET", "/api/v1/alerts?state=bogus", NULL, 400, &r);
    ck_assert_str_eq(err_field(&r), "state");
    resp_free(&r);
    call(ADMIN, "GET", "/api/v1/alerts?page=2", NULL, 400, &r);
    ck_assert_str_eq(err_field(&r), "page");
    resp_free(&r);
    call(ADMIN, "GET", "/api/v1/alerts?cursor=41", NULL, 400, &r);
    ck_assert_str_eq(err_field(&r), "cursor");
    resp_free(&r);
    call(ADMIN, "POST", "/api/v1/alerts/999999999/acknowledge", NULL, 404, &r);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    call(ADMIN, "POST", "/api/v1/alerts/999999999/acknowledge", "{\"note\":7}", 400, &r);
    ck_assert_str_eq(err_field(&r), "note");
    resp_free(&r);
    ck_assert_int_eq(sql_intf("SELECT count(*) " MANUAL_SINCE, t0), 0);
    /* and no history written by the refused acknowledgements (of no alert) */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alert_history h JOIN alerts.alerts a"
                              " ON a.id = h.alert_id WHERE a.rule_id IS NULL AND h.at >="
                              " to_timestamp(%lld / 1000.0) AND h.actor <> 'system'",
                              t0),
                     0);
#undef MANUAL_SINCE
}
END_TEST

/* A store manager of stores 1 and 2: its stores' alerts only; another
 * store's, or one of no store, read as missing; its own alerts name one of
 * its stores. */
START_TEST(test_alerts_store_scoped_role_sees_its_stores)
{
    long long mine = raise_alert(ADMIN, 1, "high", "Till 3 offline");
    long long other = raise_alert(ADMIN, 3, "high", "Till 4 offline");
    long long none = raise_alert(ADMIN, 0, "low", "Head office note");
    long long own;
    char path[160], body[256];
    struct resp r;

    call(MANAGER, "GET", "/api/v1/alerts?state=open&limit=200", NULL, 200, &r);
    ck_assert(listed(&r, mine));
    ck_assert(!listed(&r, other));
    ck_assert(!listed(&r, none));
    resp_free(&r);
    call(MANAGER, "GET", PATH("/api/v1/alerts/%lld", other), NULL, 404, &r);
    resp_free(&r);
    call(MANAGER, "GET", PATH("/api/v1/alerts/%lld", none), NULL, 404, &r);
    resp_free(&r);
    call(MANAGER, "GET", PATH("/api/v1/alerts/%lld/history", other), NULL, 404, &r);
    resp_free(&r);
    call(MANAGER, "POST", PATH("/api/v1/alerts/%lld/acknowledge", other), NULL, 404, &r);
    resp_free(&r);
    call(MANAGER, "PATCH", PATH("/api/v1/alerts/%lld/resolve", none), NULL, 404, &r);
    resp_free(&r);
    call(MANAGER, "GET", PATH("/api/v1/alerts/%lld", mine), NULL, 200, &r);
    resp_free(&r);
    call(MANAGER, "POST", PATH("/api/v1/alerts/%lld/acknowledge", mine), NULL, 200, &r);
    resp_free(&r);
    /* the refused changes changed nothing */
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM alerts.alerts WHERE id IN (%lld, %lld)"
                              " AND state = 'firing'",
                              other, none),
                     2);
    /* its summary counts its stores (asked again if the evaluation fired
     * or resolved one of theirs in between) */
    for (int i = 0;; i++) {
        long long got, want;
        call(MANAGER, "GET", "/api/v1/alerts/summary", NULL, 200, &r);
        got = jint(&r, "open");
        resp_free(&r);
        want = sql_int("SELECT count(*) FROM alerts.alerts WHERE deleted_at IS NULL"
                       " AND state <> 'resolved' AND store_id IN (1, 2)");
        if (got == want)
            break;
        ck_assert_msg(i < 5, "the manager's summary: %lld open, want %lld", got, want);
    }
    /* a manual alert of its own names one of its stores */
    call(MANAGER, "POST", "/api/v1/alerts", "{\"title\":\"x\",\"severity\":\"low\"}", 403, &r);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    call(MANAGER, "POST", "/api/v1/alerts", "{\"title\":\"x\",\"severity\":\"low\",\"store_id\":3}",
         403, &r);
    ck_assert_str_eq(err_field(&r), "store_id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"title\":\"Door %s\",\"severity\":\"low\",\"store_id\":2}",
             run_tag());
    call(MANAGER, "POST", "/api/v1/alerts", body, 201, &r);
    own = jint(&r, "id");
    resp_free(&r);
    /* clean up: resolved, so other suites' store 1 and 2 counts are theirs */
    for (int i = 0; i < 4; i++) {
        long long id = i == 0 ? mine : i == 1 ? other : i == 2 ? none : own;
        call(ADMIN, "PATCH", PATH("/api/v1/alerts/%lld/resolve", id), NULL, 200, &r);
        resp_free(&r);
    }
}
END_TEST

/* The overview's open_alerts of store as the admin (-1: null). */
static long long
overview_open(long long store)
{
    char path[128];
    struct resp r;
    long long n;

    call(ADMIN, "GET", PATH("/api/v1/dashboard/overview?store_id=%lld", store), NULL, 200, &r);
    n = jint(&r, "open_alerts");
    resp_free(&r);
    return n;
}

/* Waits (alert.* events drop the overview's cache) until store's
 * open_alerts is want. */
static void
wait_overview_open(long long store, long long want)
{
    long long got = -2;

    for (int64_t until = tm_mono_ms() + 5000; tm_mono_ms() < until; tm_sleep_ms(50))
        if ((got = overview_open(store)) == want)
            return;
    ck_abort_msg("store %lld's open_alerts: %lld, want %lld", store, got, want);
}

START_TEST(test_alerts_overview_counts_open_alerts)
{
    long long store = new_store(), id;
    char path[160];
    struct resp r;

    wait_overview_open(store, 0);
    /* asked again: now cached; the alert's event drops it */
    ck_assert_int_eq(overview_open(store), 0);
    id = raise_alert(ADMIN, store, "critical", "Cold room alarm");
    wait_overview_open(store, 1);
    call(ADMIN, "POST", PATH("/api/v1/alerts/%lld/acknowledge", id), NULL, 200, &r);
    resp_free(&r);
    ck_assert_int_eq(overview_open(store), 1); /* acknowledged is still open */
    call(ADMIN, "PATCH", PATH("/api/v1/alerts/%lld/resolve", id), NULL, 200, &r);
    resp_free(&r);
    wait_overview_open(store, 0);
}
END_TEST

/* A silence (POST /api/v1/silences) as admin; its id. */
static long long
silence(const char *matchers)
{
    char body[256];
    struct resp r;
    long long id;

    snprintf(body, sizeof body, "{%s,\"ends_at\":\"2099-01-01T00:00:00Z\"}", matchers);
    call(ADMIN, "POST", "/api/v1/silences", body, 201, &r);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

/* A manual alert's silence_id (0: none). */
static long long
silenced_by(long long store, const char *severity)
{
    char path[96];
    struct resp r;
    long long id = raise_alert(ADMIN, store, severity, "silence check"), sid;

    call(ADMIN, "GET", PATH("/api/v1/alerts/%lld", id), NULL, 200, &r);
    sid = cJSON_IsNumber(cJSON_GetObjectItem(r.json, "silence_id")) ? jint(&r, "silence_id") : 0;
    resp_free(&r);
    return sid;
}

/* An alert is silenced by the first active silence whose every matcher
 * equals the alert's: a store matcher does not match another store's
 * alert, a severity matcher needs the same severity, an ended silence
 * matches nothing — and a thousand other silences do not hide the one that
 * matches (they are matched in one statement, not read first). */
START_TEST(test_alerts_silence_matching)
{
    long long a = new_store(), b = new_store(), sa, sb;
    char path[96];
    struct resp r;

    /* older, non-matching silences of store a (same store, another product) */
    ck_assert_int_eq(sql_intf("WITH i AS (INSERT INTO alerts.silences (store_id, product_id,"
                              " ends_at, created_by) SELECT %lld, 999999999, now() + interval"
                              " '1 hour', 'test' FROM generate_series(1, 1100) RETURNING 1)"
                              " SELECT count(*) FROM i",
                              a),
                     1100);
    sa = silence(PATH("\"store_id\":%lld", a));
    sb = silence(PATH("\"store_id\":%lld,\"severity\":\"low\"", b));
    ck_assert_int_eq(silenced_by(a, "high"), sa);
    ck_assert_int_eq(silenced_by(b, "low"), sb);
    ck_assert_int_eq(silenced_by(b, "high"), 0); /* severity differs */
    ck_assert_int_eq(silenced_by(0, "low"), 0);  /* no store: a store matcher never matches */
    call(ADMIN, "DELETE", PATH("/api/v1/silences/%lld", sa), NULL, 200, &r);
    resp_free(&r);
    ck_assert_int_eq(silenced_by(a, "high"), 0); /* ended */
    call(ADMIN, "DELETE", PATH("/api/v1/silences/%lld", sb), NULL, 200, &r);
    resp_free(&r);
    ck_assert_int_eq(sql_intf("WITH d AS (DELETE FROM alerts.silences WHERE store_id = %lld AND"
                              " product_id = 999999999 RETURNING 1) SELECT count(*) FROM d",
                              a),
                     1100);
}
END_TEST

Suite *
alerts_life_suite(void)
{
    Suite *s = suite_create("alerts_life");
    TCase *tc = tcase_create("alerts_life");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_alerts_manual_life);
    tcase_add_test(tc, test_alerts_delete_is_admins_and_keeps_history);
    tcase_add_test(tc, test_alerts_bad_input_writes_nothing);
    tcase_add_test(tc, test_alerts_store_scoped_role_sees_its_stores);
    tcase_add_test(tc, test_alerts_overview_counts_open_alerts);
    tcase_add_test(tc, test_alerts_silence_matching);
    suite_add_tcase(s, tc);
    return s;
}
