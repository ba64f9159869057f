/* tests/unit/gateway/overview_test.c — the overview's document
 * (services/gateway/overview_doc.c): scope keys, the merge of the four
 * answers with every part missing in turn, a part the caller may not see,
 * the parts each role may see, the summary's applied seqs, the topics that
 * drop the cache and the cache's value format. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/json.h"

#include "services/gateway/overview_doc.h"
#include "services/gateway/routes.h"
#include "tests/unit/gateway/suites.h"

static const char summary[] = "{\"today\":{\"revenue_cents\":1200,\"transactions\":3},"
                              "\"last_24h\":{\"revenue_cents\":5000,\"transactions\":9},"
                              "\"top_products\":[{\"product_id\":7,\"revenue_cents\":800}],"
                              "\"hourly\":[{\"hour\":\"2026-11-26T10:00\",\"revenue_cents\":1200}],"
                              "\"applied\":{\"txn\":42,\"inventory\":17}}";
static const char stock[] = "{\"low_stock\":4,\"out_of_stock\":2}";
static const char queue[] = "{\"waiting_review\":5}";
static const char alerts[] = "{\"open\":3,\"firing\":2,\"acknowledged\":1,\"by_severity\":"
                             "{\"critical\":1,\"high\":2,\"medium\":0,\"low\":0}}";

static void
parts(struct gw_ov_reply r[GW_OV_PARTS])
{
    r[GW_OV_ANALYTICS] = (struct gw_ov_reply){GW_OV_OK, summary, sizeof summary - 1};
    r[GW_OV_INVENTORY] = (struct gw_ov_reply){GW_OV_OK, stock, sizeof stock - 1};
    r[GW_OV_TXN] = (struct gw_ov_reply){GW_OV_OK, queue, sizeof queue - 1};
    r[GW_OV_ALERTS] = (struct gw_ov_reply){GW_OV_OK, alerts, sizeof alerts - 1};
}

/* Merges r and parses the result (the caller frees it). */
static cJSON *
merge(const struct gw_ov_reply r[GW_OV_PARTS], int64_t store_id, struct gw_ov_facts *applied)
{
    struct tm_buf out;
    cJSON *doc = NULL;

    tm_buf_init(&out, 1 << 16);
    ck_assert_int_eq(gw_ov_merge(r, store_id, "2026-11-26T10:30:00.000Z", &out, applied, NULL),
                     TM_OK);
    ck_assert_int_eq(tm_json_parse_object(out.p, out.len, "doc", &doc, NULL), TM_OK);
    tm_buf_fini(&out);
    return doc;
}

static int64_t
num(const cJSON *doc, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, name);

    ck_assert_msg(cJSON_IsNumber(it), "%s is not a number", name);
    return (int64_t)it->valuedouble;
}

static int
is_null(const cJSON *doc, const char *name)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, name));
}

static const char *
str(const cJSON *doc, const char *a, const char *b)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, a);

    if (b)
        it = cJSON_GetObjectItemCaseSensitive(it, b);
    ck_assert_msg(cJSON_IsString(it), "%s.%s is not a string", a, b ? b : "");
    return it->valuestring;
}

START_TEST(test_overview_merges_every_part)
{
    struct gw_ov_reply r[GW_OV_PARTS];
    struct gw_ov_facts a;
    cJSON *doc;

    parts(r);
    doc = merge(r, 0, &a);
    ck_assert(is_null(doc, "store_id"));
    ck_assert_int_eq(num(cJSON_GetObjectItemCaseSensitive(doc, "today"), "revenue_cents"), 1200);
    ck_assert_int_eq(num(cJSON_GetObjectItemCaseSensitive(doc, "last_24h"), "transactions"), 9);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "top_products")), 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "hourly")), 1);
    ck_assert_int_eq(num(doc, "low_stock"), 4);
    ck_assert_int_eq(num(doc, "out_of_stock"), 2);
    ck_assert_int_eq(num(doc, "waiting_review"), 5);
    ck_assert_int_eq(num(doc, "open_alerts"), 3);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "partial")));
    ck_assert_int_eq(a.partial, 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "missing")), 0);
    ck_assert_str_eq(str(doc, "sources", "alerts"), "ok");
    ck_assert_str_eq(str(doc, "sources", "txn"), "ok");
    ck_assert_str_eq(str(doc, "generated_at", NULL), "2026-11-26T10:30:00.000Z");
    /* applied seqs from the summary; "applied" itself is not shown */
    ck_assert_int_eq(a.n, 2);
    ck_assert_str_eq(a.source[0], "txn");
    ck_assert_int_eq(a.seq[0], 42);
    ck_assert_str_eq(a.source[1], "inventory");
    ck_assert_int_eq(a.seq[1], 17);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(doc, "applied"));
    cJSON_Delete(doc);
}
END_TEST

/* Each part in turn missing, every way: its numbers null, partial, named;
 * the others' numbers kept. */
static const struct {
    enum gw_ov_part part;
    enum gw_ov_outcome outcome;
    const char *body; /* for GW_OV_OK: a body that does not decode */
    const char *source;
} missing_cases[] = {
    {GW_OV_ANALYTICS, GW_OV_TIMEOUT, NULL, "timeout"},
    {GW_OV_ANALYTICS, GW_OV_OK, "{\"today\":{}}", "bad_reply"},
    {GW_OV_ANALYTICS, GW_OV_OK,
     "{\"today\":[],\"last_24h\":{},\"top_products\":[],\"hourly\":[],"
     "\"applied\":{}}",
     "bad_reply"},
    {GW_OV_ANALYTICS, GW_OV_OK,
     "{\"today\":{},\"last_24h\":{},\"top_products\":[],\"hourly\":[],"
     "\"applied\":{\"txn\":-1}}",
     "bad_reply"},
    {GW_OV_INVENTORY, GW_OV_DOWN, NULL, "unavailable"},
    {GW_OV_INVENTORY, GW_OV_OK, "{\"low_stock\":1}", "bad_reply"},
    {GW_OV_INVENTORY, GW_OV_OK, "not json", "bad_reply"},
    {GW_OV_TXN, GW_OV_ERROR, NULL, "error"},
    {GW_OV_TXN, GW_OV_OK, "{\"waiting_review\":\"5\"}", "bad_reply"},
    {GW_OV_ALERTS, GW_OV_DOWN, NULL, "unavailable"},
    {GW_OV_ALERTS, GW_OV_TIMEOUT, NULL, "timeout"},
    {GW_OV_ALERTS, GW_OV_OK, "{\"open\":-1}", "bad_reply"},
};

START_TEST(test_overview_missing_part_is_null_and_partial)
{
    struct gw_ov_reply r[GW_OV_PARTS];
    struct gw_ov_facts a;
    cJSON *doc, *missing;
    enum gw_ov_part p = missing_cases[_i].part;

    parts(r);
    r[p].outcome = missing_cases[_i].outcome;
    r[p].body = missing_cases[_i].body;
    r[p].len = r[p].body ? strlen(r[p].body) : 0;
    doc = merge(r, 0, &a);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "partial")));
    ck_assert_int_eq(a.partial, 1);
    missing = cJSON_GetObjectItemCaseSensitive(doc, "missing");
    ck_assert_int_eq(cJSON_GetArraySize(missing), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(missing, 0)->valuestring, gw_ov_part_names[p]);
    ck_assert_str_eq(str(doc, "sources", gw_ov_part_names[p]), missing_cases[_i].source);
    ck_assert_int_eq(is_null(doc, "today"), p == GW_OV_ANALYTICS);
    ck_assert_int_eq(is_null(doc, "hourly"), p == GW_OV_ANALYTICS);
    ck_assert_int_eq(a.n, p == GW_OV_ANALYTICS ? 0 : 2);
    ck_assert_int_eq(is_null(doc, "low_stock"), p == GW_OV_INVENTORY);
    ck_assert_int_eq(is_null(doc, "out_of_stock"), p == GW_OV_INVENTORY);
    ck_assert_int_eq(is_null(doc, "waiting_review"), p == GW_OV_TXN);
    ck_assert_int_eq(is_null(doc, "open_alerts"), p == GW_OV_ALERTS);
    cJSON_Delete(doc);
}
END_TEST

/* A part the caller may not see: its numbers null, its source
 * "not_permitted", and the answer neither partial nor missing it. */
START_TEST(test_overview_not_permitted_is_null_not_partial)
{
    struct gw_ov_reply r[GW_OV_PARTS];
    struct gw_ov_facts a;
    cJSON *doc;

    parts(r);
    r[GW_OV_TXN] = (struct gw_ov_reply){GW_OV_NOT_PERMITTED, NULL, 0};
    doc = merge(r, 0, &a);
    ck_assert(is_null(doc, "waiting_review"));
    ck_assert_str_eq(str(doc, "sources", "txn"), "not_permitted");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "partial")));
    ck_assert_int_eq(a.partial, 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "missing")), 0);
    ck_assert_int_eq(num(doc, "low_stock"), 4);
    cJSON_Delete(doc);
    /* with another part down as well: partial for that one only */
    r[GW_OV_INVENTORY].outcome = GW_OV_DOWN;
    doc = merge(r, 0, &a);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "partial")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "missing")), 1);
    ck_assert_str_eq(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "missing"), 0)->valuestring,
        "inventory");
    cJSON_Delete(doc);
}
END_TEST

/* The parts' permissions as the gateway's route table has them, and what
 * each role may see: the review queue (fraud.review) only to the roles
 * that hold it. */
START_TEST(test_overview_permitted_by_role)
{
    static const char *const route[GW_OV_PARTS] = {
        "/api/v1/analytics/summary", "/api/v1/inventory/stock-summary",
        "/api/v1/transactions/suspicious/summary", "/api/v1/alerts/summary"};
    static const struct {
        const char *role;
        unsigned want;
    } roles[] = {
        {"admin", 15},  {"fraud_analyst", 15}, {"store_manager", 11},
        {"viewer", 11}, {"analyst", 11},       {"buyer", 11},
        {"pos", 2},     {"nobody", 0},         {"", 0},
    };
    enum tm_perm need[GW_OV_PARTS];

    for (int p = 0; p < GW_OV_PARTS; p++) {
        const struct gw_route *rt = NULL;
        struct tm_kv params[TM_PARAMS_MAX];
        int n = 0;
        char store[64];

        ck_assert_int_eq(gw_route_match("GET", route[p], &rt, params, &n, store, sizeof store),
                         GW_MATCH_OK);
        need[p] = rt->perm;
    }
    ck_assert_int_eq(need[GW_OV_TXN], TM_PERM_FRAUD_REVIEW);
    ck_assert_int_eq(need[GW_OV_ALERTS], TM_PERM_ALERT_READ);
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        ck_assert_msg(gw_ov_permitted(roles[i].role, need) == roles[i].want, "%s: %u, not %u",
                      roles[i].role, gw_ov_permitted(roles[i].role, need), roles[i].want);
}
END_TEST

START_TEST(test_overview_names_the_store_asked)
{
    struct gw_ov_reply r[GW_OV_PARTS];
    struct gw_ov_facts a;
    cJSON *doc;

    parts(r);
    doc = merge(r, 12, &a);
    ck_assert_int_eq(num(doc, "store_id"), 12);
    cJSON_Delete(doc);
}
END_TEST

START_TEST(test_overview_too_big_is_refused)
{
    struct gw_ov_reply r[GW_OV_PARTS];
    struct gw_ov_facts a;
    struct tm_buf out;
    struct tm_err err;

    parts(r);
    tm_buf_init(&out, 64);
    ck_assert_int_eq(gw_ov_merge(r, 0, "t", &out, &a, &err), TM_TOOBIG);
    tm_buf_fini(&out);
}
END_TEST

static const struct {
    const char *scope;
    int64_t store_id;
    unsigned permitted;
    const char *key; /* NULL: refused */
} scope_cases[] = {
    {NULL, 0, 7, "all#7"},
    {NULL, 4, 7, "all@4#7"},
    {NULL, 4, 3, "all@4#3"}, /* the same stores, fewer parts: another key */
    {"{3,11}", 0, 7, "s:3,11#7"},
    {"{3,11}", 0, 3, "s:3,11#3"},
    {"{11,3}", 0, 7, "s:3,11#7"}, /* the same stores, another order: one key */
    {"{11,3,3}", 0, 7, "s:3,11#7"},
    {"{7}", 7, 3, "s:7@7#3"},
    {"{}", 0, 0, "s:#0"},
    {"{1,}", 0, 7, NULL},
    {"{a}", 0, 7, NULL},
    {"{-1}", 0, 7, NULL},
    {"3,11", 0, 7, NULL},
    {"{", 0, 7, NULL},
};

START_TEST(test_overview_scope_key)
{
    char key[GW_OV_SCOPE_MAX];
    struct tm_err err;
    enum tm_code rc = gw_ov_scope_key(scope_cases[_i].scope, scope_cases[_i].store_id,
                                      scope_cases[_i].permitted, key, sizeof key, &err);

    if (!scope_cases[_i].key) {
        ck_assert_int_eq(rc, TM_INVALID);
        ck_assert_str_eq(err.field, "stores");
        return;
    }
    ck_assert_int_eq(rc, TM_OK);
    ck_assert_str_eq(key, scope_cases[_i].key);
}
END_TEST

START_TEST(test_overview_scope_key_bounded)
{
    char key[8], big[GW_OV_SCOPE_MAX], many[GW_OV_SCOPE_MAX];
    struct tm_err err;
    size_t o = 0;

    ck_assert_int_eq(gw_ov_scope_key("{1000,2000,3000}", 0, 7, key, sizeof key, &err), TM_TOOBIG);
    /* 64 stores (a principal's most) fit; 65 are refused */
    o = (size_t)snprintf(many, sizeof many, "{");
    for (int i = 1; i <= GW_OV_STORES_MAX; i++)
        o += (size_t)snprintf(many + o, sizeof many - o, "%s%d", i > 1 ? "," : "", i);
    snprintf(many + o, sizeof many - o, "}");
    ck_assert_int_eq(gw_ov_scope_key(many, INT64_MAX, 7, big, sizeof big, &err), TM_OK);
    snprintf(many + o, sizeof many - o, ",65}");
    ck_assert_int_eq(gw_ov_scope_key(many, 0, 7, big, sizeof big, &err), TM_TOOBIG);
    ck_assert_str_eq(err.field, "stores");
}
END_TEST

START_TEST(test_overview_topics_that_drop)
{
    static const char *const drops[] = {
        "txn.created",      "txn.voided",    "txn.reviewed",       "txn.declined",
        "stock.changed",    "stock.low",     "stock.out",          "product.updated",
        "category.created", "store.updated", "store.created",      "product.created",
        "category.updated", "alert.fired",   "alert.acknowledged", "alert.resolved"};
    static const char *const keeps[] = {"fraud.rules_changed",
                                        "supplier.created",
                                        "purchase_order.sent",
                                        "reorder.suggested",
                                        "forecast.updated",
                                        "txn.createdx",
                                        "stockout",
                                        "stock.ledger_mismatch",
                                        "alert.escalated"};

    for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++)
        ck_assert_msg(gw_ov_topic_drops(drops[i]), "%s must drop", drops[i]);
    for (size_t i = 0; i < sizeof keeps / sizeof keeps[0]; i++)
        ck_assert_msg(!gw_ov_topic_drops(keeps[i]), "%s must not drop", keeps[i]);
}
END_TEST

START_TEST(test_overview_cache_value_is_of_its_minute)
{
    struct gw_ov_facts f = {0, 2, {"txn", "inventory"}, {42, 17}}, got;
    struct tm_buf b;
    const char *doc = NULL;
    size_t len = 0;

    tm_buf_init(&b, 256);
    ck_assert_int_eq(gw_ov_pack(29412345, &f, "{\"a\":1}", 7, &b), TM_OK);
    ck_assert_str_eq(b.p, "29412345 txn:42,inventory:17\n{\"a\":1}");
    ck_assert(gw_ov_unpack(b.p, b.len, 29412345, &got, &doc, &len));
    ck_assert_uint_eq(len, 7);
    ck_assert_int_eq(memcmp(doc, "{\"a\":1}", 7), 0);
    ck_assert_int_eq(got.n, 2);
    ck_assert_str_eq(got.source[1], "inventory");
    ck_assert_int_eq(got.seq[1], 17);
    ck_assert(!gw_ov_unpack(b.p, b.len, 29412346, &got, &doc, &len));
    ck_assert(!gw_ov_unpack(b.p, b.len, 2941234, &got, &doc, &len)); /* a prefix of the minute */
    tm_buf_fini(&b);
}
END_TEST

/* Values that are not what gw_ov_pack writes: refused, never half read. */
static const char *const bad_values[] = {
    "7",
    "7 ",
    "7 txn:1",
    "7 txn:\n{}",
    "7 :1\n{}",
    "7 txn:1,\n{}",
    "7 txn:x\n{}",
    "7 txn1\n{}",
    "7 txn:99999999999999999999\n{}",
    "7 txn:1,,inventory:2\n{}",
};

START_TEST(test_overview_cache_value_malformed_is_refused)
{
    struct gw_ov_facts got;
    const char *doc = NULL;
    size_t len = 0;

    ck_assert_msg(!gw_ov_unpack(bad_values[_i], strlen(bad_values[_i]), 7, &got, &doc, &len),
                  "%s was taken", bad_values[_i]);
}
END_TEST

START_TEST(test_overview_cache_value_without_seqs)
{
    struct gw_ov_facts none = {0}, got;
    struct tm_buf b;
    const char *doc = NULL;
    size_t len = 0;

    tm_buf_init(&b, 64);
    ck_assert_int_eq(gw_ov_pack(7, &none, "{}", 2, &b), TM_OK);
    ck_assert(gw_ov_unpack(b.p, b.len, 7, &got, &doc, &len));
    ck_assert_int_eq(got.n, 0);
    ck_assert_uint_eq(len, 2);
    tm_buf_fini(&b);
}
END_TEST

Suite *
overview_suite(void)
{
    Suite *s = suite_create("overview");
    TCase *tc = tcase_create("overview");

    tcase_add_test(tc, test_overview_merges_every_part);
    tcase_add_loop_test(tc, test_overview_missing_part_is_null_and_partial, 0,
                        sizeof missing_cases / sizeof missing_cases[0]);
    tcase_add_test(tc, test_overview_not_permitted_is_null_not_partial);
    tcase_add_test(tc, test_overview_permitted_by_role);
    tcase_add_test(tc, test_overview_names_the_store_asked);
    tcase_add_test(tc, test_overview_too_big_is_refused);
    tcase_add_loop_test(tc, test_overview_scope_key, 0, sizeof scope_cases / sizeof scope_cases[0]);
    tcase_add_test(tc, test_overview_scope_key_bounded);
    tcase_add_test(tc, test_overview_topics_that_drop);
    tcase_add_test(tc, test_overview_cache_value_is_of_its_minute);
    tcase_add_loop_test(tc, test_overview_cache_value_malformed_is_refused, 0,
                        sizeof bad_values / sizeof bad_values[0]);
    tcase_add_test(tc, test_overview_cache_value_without_seqs);
    suite_add_tcase(s, tc);
    return s;
}
