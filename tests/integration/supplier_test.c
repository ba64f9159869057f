/* tests/integration/supplier_test.c — tm-supplier end to end through
 * nginx → tm-gateway → tm-supplier (→ tm-inventory for the product check):
 * suppliers and offers written by a buyer and read by a store manager, the
 * refusals of viewer and POS, every bad input of the decoders (400 naming
 * the field, nothing written), the API key never shown, the api_url
 * allow-list, the supplier choice against hand-computed numbers, and the
 * events in supplier.outbox. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tests/integration/client.h"

#define ADMIN st.token[0]
#define MANAGER st.token[1]
#define BUYER st.token[2]
#define VIEWER st.token[5]

static long long
n_suppliers(void)
{
    return sql_int("SELECT count(*) FROM supplier.suppliers");
}
static long long
n_offers(void)
{
    return sql_int("SELECT count(*) FROM supplier.offers");
}
static long long
n_events(void)
{
    /* numbered or still waiting for the publisher's number */
    return sql_int("SELECT (SELECT count(*) FROM supplier.outbox)"
                   " + (SELECT count(*) FROM supplier.outbox_pending)");
}

/* Creates a supplier as the buyer; returns its id. */
/* A supplier pricing in currency (the test stack's is USD, the default). */
static long long
make_supplier_in(const char *currency, const char *suffix, const char *extra)
{
    char body[1024];
    struct resp r;
    long long id;

    snprintf(body, sizeof body,
             "{\"code\":\"%s-%s\",\"name\":\"Supplier %s\",\"currency\":\"%s\"%s}", run_tag(),
             suffix, suffix, currency, extra);
    ck_assert_int_eq(http_as(BUYER, "POST", "/api/v1/suppliers", body, &r), 0);
    ck_assert_msg(r.status == 201, "status %d body %s", r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

static long long
make_supplier(const char *suffix, const char *extra)
{
    return make_supplier_in("USD", suffix, extra);
}

static long long
make_offer(long long sid, const char *body)
{
    char path[96];
    struct resp r;
    long long id;

    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/offers", sid);
    ck_assert_int_eq(http_as(BUYER, "POST", path, body, &r), 0);
    ck_assert_msg(r.status == 201, "status %d body %s", r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

/* Sends body and expects 400 (or want) naming field, with nothing written. */
static void
refused(const char *method, const char *path, const char *body, int want, const char *field)
{
    long long s = n_suppliers(), o = n_offers(), e = n_events();
    struct resp r;

    ck_assert_int_eq(http_as(BUYER, method, path, body, &r), 0);
    ck_assert_msg(r.status == want && strcmp(err_field(&r), field) == 0,
                  "%s %s %s: status %d field '%s' (want %d '%s'): %s", method, path,
                  body ? body : "", r.status, err_field(&r), want, field, r.body);
    resp_free(&r);
    ck_assert_int_eq(n_suppliers(), s);
    ck_assert_int_eq(n_offers(), o);
    ck_assert_int_eq(n_events(), e);
}

START_TEST(test_buyer_writes_manager_reads_others_refused)
{
    long long e0 = n_events(), sid = make_supplier("rw", ",\"contact\":\"a@b.example\"");
    char path[96], hdr[256], body[256];
    struct resp r;

    snprintf(path, sizeof path, "/api/v1/suppliers/%lld", sid);
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(jstr(&r, "currency"), "USD");
    ck_assert_str_eq(jstr(&r, "contact"), "a@b.example");
    resp_free(&r);
    ck_assert_int_eq(http_as(MANAGER, "GET", "/api/v1/suppliers", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http_as(BUYER, "PATCH", path, "{\"preferred\":true,\"name\":\"Renamed\"}", &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(jstr(&r, "name"), "Renamed");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "preferred")));
    resp_free(&r);
    /* refusals: a manager may not write, a viewer and a POS key may not read */
    ck_assert_int_eq(http_as(MANAGER, "PATCH", path, "{\"name\":\"x\"}", &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    ck_assert_int_eq(http_as(VIEWER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    ck_assert_int_eq(
        http_as(VIEWER, "GET", "/api/v1/supplier-choice?product_id=1&quantity=1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    ck_assert_int_eq(http("POST", "/api/v1/api-keys", "{\"name\":\"sup\",\"stores\":[1]}", &r), 0);
    ck_assert_int_eq(r.status, 201);
    snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", jstr(&r, "key"));
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "GET", path, NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    snprintf(body, sizeof body, "{\"code\":\"%s-pos\",\"name\":\"n\",\"currency\":\"EUR\"}",
             run_tag());
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/suppliers", body, hdr, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    /* events: created, then updated */
    events_numbered("supplier");
    ck_assert_int_eq(n_events(), e0 + 2);
    events_numbered("supplier");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic = "
                              "'supplier.created' AND (data->>'id')::bigint = %lld",
                              sid),
                     1);
    events_numbered("supplier");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic = "
                              "'supplier.updated' AND (data->>'id')::bigint = %lld "
                              "AND data->>'name' = 'Renamed'",
                              sid),
                     1);
}
END_TEST

START_TEST(test_secret_never_returned_and_url_allow_list)
{
    long long sid;
    char path[96], body[512];
    struct resp r;

    sid = make_supplier("sec", ",\"api_url\":\"https://127.0.0.1:8443/v1\","
                               "\"api_key\":\"sekret-4711-never\"");
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld", sid);
    ck_assert_int_eq(http_as(BUYER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "sekret"));
    ck_assert_ptr_null(strstr(r.body, "\"api_key\""));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "has_api_key")));
    ck_assert_str_eq(jstr(&r, "api_url"), "https://127.0.0.1:8443/v1");
    resp_free(&r);
    ck_assert_int_eq(http_as(BUYER, "PATCH", path, "{\"api_key\":\"sekret-4711-other\"}", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "sekret"));
    resp_free(&r);
    ck_assert_int_eq(http_as(ADMIN, "GET", "/api/v1/suppliers?limit=200", NULL, &r), 0);
    ck_assert_ptr_null(strstr(r.body, "sekret"));
    resp_free(&r);
    events_numbered("supplier");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM supplier.outbox WHERE data::text LIKE "
                             "'%sekret%' OR data ? 'api_key'"),
                     0);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM supplier.suppliers WHERE id = %lld AND "
                              "api_key = 'sekret-4711-other'",
                              sid),
                     1);
    /* the allow-list: http(s) only, hosts on the list only, no user info */
    static const char *const bad_urls[] = {
        "ftp://127.0.0.1/x",
        "https://evil.example.com/api",
        "http://user@127.0.0.1/",
        "file:///etc/passwd",
        "https://127.0.0.1.evil.example/",
        "127.0.0.1/api",
        "http://127.0.0.1:99999/",
        "https:///path",
    };
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        snprintf(body, sizeof body, "{\"api_url\":\"%s\"}", bad_urls[i]);
        refused("PATCH", path, body, 400, "api_url");
    }
    ck_assert_int_eq(http_as(BUYER, "PATCH", path, "{\"api_url\":\"http://localhost/api\"}", &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    /* null clears: no API any more, no key kept for it; an empty change is refused */
    ck_assert_int_eq(http_as(BUYER, "PATCH", path, "{\"api_url\":null,\"api_key\":null}", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r.json, "api_url")));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "has_api_key")));
    resp_free(&r);
    refused("PATCH", path, "{}", 400, "body");
}
END_TEST

START_TEST(test_bad_input_names_the_field_and_writes_nothing)
{
    long long product = new_product(), sid = make_supplier("bad", "");
    char path[96], opath[128], body[512], code[64];
    long long oid;

    snprintf(code, sizeof code, "%s-bad", run_tag());
    /* suppliers */
    refused("POST", "/api/v1/suppliers",
            "{\"code\":\"x1\",\"name\":\"n\",\"currency\":\"EUR\","
            "\"bogus\":1}",
            400, "bogus");
    refused("POST", "/api/v1/suppliers", "{\"code\":\"x1\",\"name\":5,\"currency\":\"EUR\"}", 400,
            "name");
    refused("POST", "/api/v1/suppliers", "{\"code\":\"x1\",\"name\":\"n\",\"currency\":\"eur\"}",
            400, "currency");
    refused("POST", "/api/v1/suppliers", "{\"code\":\"x1\",\"name\":\"n\",\"currency\":\"EURO\"}",
            400, "currency");
    refused("POST", "/api/v1/suppliers", "{\"code\":\"x1\",\"name\":\"n\"}", 400, "currency");
    refused("POST", "/api/v1/suppliers", "{\"code\":\"-x\",\"name\":\"n\",\"currency\":\"EUR\"}",
            400, "code");
    refused("POST", "/api/v1/suppliers",
            "{\"code\":\"x1\",\"name\":\"n\",\"currency\":\"EUR\",\"active\":\"yes\"}", 400,
            "active");
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"n\",\"currency\":\"EUR\"}", code);
    refused("POST", "/api/v1/suppliers", body, 409, "code");
    /* offers */
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/offers", sid);
#define OFFER(fmt) "{\"product_id\":%lld,\"lead_time_days\":3," fmt "}", product
    snprintf(body, sizeof body,
             OFFER("\"price_breaks\":[{\"min_quantity\":10,"
                   "\"unit_price_cents\":100},{\"min_quantity\":5,"
                   "\"unit_price_cents\":90}]"));
    refused("POST", path, body, 400, "price_breaks[1].min_quantity");
    snprintf(body, sizeof body,
             OFFER("\"price_breaks\":[{\"min_quantity\":10,"
                   "\"unit_price_cents\":100},{\"min_quantity\":10,"
                   "\"unit_price_cents\":90}]"));
    refused("POST", path, body, 400, "price_breaks[1].min_quantity");
    snprintf(body, sizeof body,
             OFFER("\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":0}]"));
    refused("POST", path, body, 400, "price_breaks[0].unit_price_cents");
    snprintf(body, sizeof body,
             OFFER("\"price_breaks\":[{\"min_quantity\":0,\"unit_price_cents\":5}]"));
    refused("POST", path, body, 400, "price_breaks[0].min_quantity");
    snprintf(body, sizeof body, OFFER("\"price_breaks\":[]"));
    refused("POST", path, body, 400, "price_breaks");
    snprintf(body, sizeof body,
             OFFER("\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":5,\"x\":1}]"));
    refused("POST", path, body, 400, "x");
#define BRK "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":500}]"
    snprintf(body, sizeof body, OFFER(BRK ",\"pack_size\":0"));
    refused("POST", path, body, 400, "pack_size");
    snprintf(body, sizeof body, OFFER(BRK ",\"moq\":0"));
    refused("POST", path, body, 400, "moq");
    snprintf(body, sizeof body, OFFER(BRK ",\"moq\":\"5\""));
    refused("POST", path, body, 400, "moq");
    snprintf(body, sizeof body,
             OFFER(BRK ",\"valid_from\":\"2026-05-01\",\"valid_to\":\"2026-04-30\""));
    refused("POST", path, body, 400, "valid_to");
    snprintf(body, sizeof body, OFFER(BRK ",\"valid_from\":\"2026-02-30\""));
    refused("POST", path, body, 400, "valid_from");
    snprintf(body, sizeof body, OFFER(BRK ",\"shipping_cost_cents\":-1"));
    refused("POST", path, body, 400, "shipping_cost_cents");
    snprintf(body, sizeof body, OFFER(BRK ",\"bogus\":true"));
    refused("POST", path, body, 400, "bogus");
    snprintf(body, sizeof body, "{\"product_id\":999999999,\"lead_time_days\":3," BRK "}");
    refused("POST", path, body, 422, "product_id");
    /* a good offer, then a second active one for the same product, and
     * PATCHes that break the rules */
    snprintf(body, sizeof body, OFFER(BRK ",\"valid_from\":\"2026-01-01\""));
    oid = make_offer(sid, body);
    refused("POST", path, body, 409, "product_id");
    snprintf(opath, sizeof opath, "%s/%lld", path, oid);
    refused("PATCH", opath, "{\"valid_to\":\"2025-12-31\"}", 400, "valid_to");
    refused("PATCH", opath, "{\"product_id\":5}", 400, "product_id");
    refused("PATCH", opath, "{\"pack_size\":0}", 400, "pack_size");
    refused("PATCH", opath,
            "{\"price_breaks\":[{\"min_quantity\":5,\"unit_price_cents\":1},"
            "{\"min_quantity\":2,\"unit_price_cents\":1}]}",
            400, "price_breaks[1].min_quantity");
    /* the choice's query */
    refused("GET", "/api/v1/supplier-choice?product_id=1&quantity=0", NULL, 400, "quantity");
    refused("GET", "/api/v1/supplier-choice?product_id=1", NULL, 400, "quantity");
    refused("GET", "/api/v1/supplier-choice?quantity=3", NULL, 400, "product_id");
    refused("GET", "/api/v1/supplier-choice?product_id=1&quantity=3&policy=random", NULL, 400,
            "policy");
    refused("GET", "/api/v1/supplier-choice?product_id=999999999&quantity=3", NULL, 404,
            "product_id");
#undef OFFER
}
END_TEST

static const cJSON *
item_of(const cJSON *items, long long sid)
{
    const cJSON *it;

    cJSON_ArrayForEach(it,
                       items) if ((long long)cJSON_GetObjectItem(it, "supplier_id")->valuedouble ==
                                  sid) return it;
    return NULL;
}

static long long
num(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItem(o, name);

    ck_assert_msg(cJSON_IsNumber(it), "no %s", name);
    return (long long)it->valuedouble;
}

static double
dbl(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItem(o, name);

    ck_assert_msg(cJSON_IsNumber(it), "no %s", name);
    return it->valuedouble;
}

/* Three suppliers with overlapping offers for one new product, and a fourth
 * whose offer expired; docs/supplier-choice.md's rules worked by hand:
 *   A: 5.00 each, shipping 10.00, lead 5 ± 0 → 100 units: 500.00 + 10.00 =
 *      510.00, landed 5.10
 *   B: 5.20 from 1, 4.80 from 120, pack 10, free shipping, lead 3 ± 1 →
 *      100 units: 520.00 (120 would cost 576.00: not raised), landed 5.20
 *   C: 4.90 from 50, pack 25, shipping 15.00, free from 600.00, lead 10 ± 2
 *      → 100 units: 490.00 + 15.00 = 505.00 (free shipping needs 125 units,
 *      612.50: not raised), landed 5.05
 *   D: 1.00 each but valid only in 2020: not a candidate.
 * Quoted performance for all (no receipts): reliability 0.90 x 0.95 = 0.855.
 * price = 5.05 / landed: A 0.990196, B 0.971154, C 1;
 * delivery = 4 / (mean + sd): A 0.8, B 1, C 0.333333;
 * weighted = 0.4 price + 0.35 reliability + 0.25 delivery:
 *   A 0.895328, B 0.937712, C 0.782583 → B, A, C; cheapest → C, A, B;
 *   fastest → B (3 days), A (5), C (10). */
START_TEST(test_choice_arithmetic)
{
    long long product = new_product(), a = make_supplier("ca", ""), b = make_supplier("cb", ""),
              c = make_supplier("cc", ""), d = make_supplier("cd", ""),
              eur = make_supplier_in("EUR", "ce", ""), e0 = n_events();
    char body[768], path[160];
    const cJSON *items, *w, *x;
    struct resp r;

    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"lead_time_days\":5,\"shipping_cost_cents\":1000,"
             "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":500}]}",
             product);
    make_offer(a, body);
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"lead_time_days\":3,\"lead_time_spread_days\":1,"
             "\"pack_size\":10,\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":520},"
             "{\"min_quantity\":120,\"unit_price_cents\":480}]}",
             product);
    make_offer(b, body);
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"lead_time_days\":10,\"lead_time_spread_days\":2,"
             "\"pack_size\":25,\"shipping_cost_cents\":1500,"
             "\"free_shipping_threshold_cents\":60000,"
             "\"price_breaks\":[{\"min_quantity\":50,\"unit_price_cents\":490}]}",
             product);
    make_offer(c, body);
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"lead_time_days\":1,\"valid_from\":\"2020-01-01\","
             "\"valid_to\":\"2020-12-31\","
             "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":100}]}",
             product);
    make_offer(d, body);
    /* the cheapest of all, but in euros: not comparable with dollar prices */
    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"lead_time_days\":1,"
             "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":10}]}",
             product);
    make_offer(eur, body);
    events_numbered("supplier");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM supplier.outbox WHERE seq > %lld AND "
                              "topic = 'offer.created' AND (data->>'product_id')::bigint = %lld",
                              e0, product),
                     5);

    snprintf(path, sizeof path, "/api/v1/supplier-choice?product_id=%lld&quantity=100", product);
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "status %d: %s", r.status, r.body);
    items = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    ck_assert_ptr_null(item_of(items, d));
    ck_assert_ptr_null(item_of(items, eur));
    ck_assert_str_eq(jstr(&r, "currency"), "USD");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "truncated")));
    ck_assert_str_eq(jstr(&r, "policy"), "weighted");
    ck_assert_str_eq(jstr(&r, "availability"), "unknown");
    ck_assert_int_eq(num(cJSON_GetArrayItem(items, 0), "supplier_id"), b);
    ck_assert_int_eq(num(cJSON_GetArrayItem(items, 1), "supplier_id"), a);
    ck_assert_int_eq(num(cJSON_GetArrayItem(items, 2), "supplier_id"), c);
    x = item_of(items, a);
    ck_assert_int_eq(num(x, "order_quantity"), 100);
    ck_assert_int_eq(num(x, "total_cost_cents"), 51000);
    ck_assert_int_eq(num(x, "shipping_cents"), 1000);
    ck_assert_int_eq(num(x, "landed_unit_cost_cents"), 510);
    ck_assert(fabs(dbl(x, "price") - 505.0 / 510.0) < 1e-5);
    ck_assert(fabs(dbl(x, "reliability") - 0.855) < 1e-5);
    ck_assert(fabs(dbl(x, "delivery") - 0.8) < 1e-5);
    ck_assert(fabs(dbl(x, "score") - 0.895328) < 1e-5);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(x, "quoted")));
    x = item_of(items, b);
    ck_assert_int_eq(num(x, "order_quantity"), 100);
    ck_assert_int_eq(num(x, "unit_price_cents"), 520);
    ck_assert_int_eq(num(x, "total_cost_cents"), 52000);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(x, "raised")));
    ck_assert(fabs(dbl(x, "price") - 505.0 / 520.0) < 1e-5);
    ck_assert(fabs(dbl(x, "delivery") - 1.0) < 1e-5);
    ck_assert(fabs(dbl(x, "score") - 0.937712) < 1e-5);
    x = item_of(items, c);
    ck_assert_int_eq(num(x, "order_quantity"), 100);
    ck_assert_int_eq(num(x, "goods_cents"), 49000);
    ck_assert_int_eq(num(x, "shipping_cents"), 1500);
    ck_assert_int_eq(num(x, "total_cost_cents"), 50500);
    ck_assert_int_eq(num(x, "landed_unit_cost_cents"), 505);
    ck_assert(fabs(dbl(x, "delivery") - 4.0 / 12.0) < 1e-5);
    ck_assert(fabs(dbl(x, "score") - 0.782583) < 1e-5);
    w = cJSON_GetObjectItem(r.json, "winner");
    ck_assert_int_eq(num(w, "supplier_id"), b);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "splits")), 0);
    ck_assert_int_eq(jint(&r, "uncovered"), 0);
    ck_assert_str_ne(jstr(&r, "reason"), "");
    resp_free(&r);

    snprintf(path, sizeof path,
             "/api/v1/supplier-choice?product_id=%lld&quantity=100&policy=cheapest&store_id=1",
             product);
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "status %d: %s", r.status, r.body);
    ck_assert_int_eq(num(cJSON_GetObjectItem(r.json, "winner"), "supplier_id"), c);
    items = cJSON_GetObjectItem(r.json, "items");
    ck_assert_int_eq(num(cJSON_GetArrayItem(items, 1), "supplier_id"), a);
    ck_assert_int_eq(num(cJSON_GetArrayItem(items, 2), "supplier_id"), b);
    resp_free(&r);
    /* a store that is not the manager's (stores 1 and 2) */
    snprintf(path, sizeof path, "/api/v1/supplier-choice?product_id=%lld&quantity=100&store_id=3",
             product);
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    snprintf(path, sizeof path,
             "/api/v1/supplier-choice?product_id=%lld&quantity=100&policy=fastest", product);
    ck_assert_int_eq(http_as(BUYER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(num(cJSON_GetObjectItem(r.json, "winner"), "supplier_id"), b);
    ck_assert_int_eq(
        num(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 1), "supplier_id"), a);
    resp_free(&r);
}
END_TEST

START_TEST(test_offer_update_delete_and_performance)
{
    long long product = new_product(), sid = make_supplier("od", ""), oid, e0;
    char body[512], path[160];
    struct resp r;

    snprintf(body, sizeof body,
             "{\"product_id\":%lld,\"lead_time_days\":4,"
             "\"price_breaks\":[{\"min_quantity\":1,\"unit_price_cents\":300}]}",
             product);
    oid = make_offer(sid, body);
    e0 = n_events();
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/offers/%lld", sid, oid);
    ck_assert_int_eq(http_as(BUYER, "PATCH", path,
                             "{\"moq\":12,\"price_breaks\":[{\"min_quantity\":1,"
                             "\"unit_price_cents\":310},{\"min_quantity\":50,"
                             "\"unit_price_cents\":290}]}",
                             &r),
                     0);
    ck_assert_msg(r.status == 200, "status %d: %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "moq"), 12);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "price_breaks")), 2);
    resp_free(&r);
    ck_assert_int_eq(http_as(BUYER, "DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "active")));
    resp_free(&r);
    ck_assert_int_eq(http_as(BUYER, "DELETE", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    events_numbered("supplier");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM supplier.outbox WHERE seq > %lld AND "
                              "(data->>'id')::bigint = %lld AND topic IN ('offer.updated', "
                              "'offer.deleted')",
                              e0, oid),
                     2);
    /* a new active offer for the same product is allowed once the old one is gone */
    make_offer(sid, body);
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/offers?active=true", sid);
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/performance", sid);
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(&r, "receipts"), 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "quoted")));
    ck_assert(fabs(dbl(r.json, "on_time_rate") - 0.9) < 1e-9);
    ck_assert(fabs(dbl(r.json, "fill_rate") - 0.95) < 1e-9);
    resp_free(&r);
    ck_assert_int_eq(http_as(MANAGER, "GET", "/api/v1/suppliers/999999999/performance", NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
}
END_TEST

Suite *
supplier_suite(void)
{
    Suite *s = suite_create("supplier");
    TCase *tc = tcase_create("supplier");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_buyer_writes_manager_reads_others_refused);
    tcase_add_test(tc, test_secret_never_returned_and_url_allow_list);
    tcase_add_test(tc, test_bad_input_names_the_field_and_writes_nothing);
    tcase_add_test(tc, test_choice_arithmetic);
    tcase_add_test(tc, test_offer_update_delete_and_performance);
    suite_add_tcase(s, tc);
    return s;
}
