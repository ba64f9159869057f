/* tests/integration/po_test.c — purchase orders end to end through nginx →
 * tm-gateway → tm-supplier, and tm-inventory applying their events: a PO
 * from draft to received (incoming raised when sent, lowered by each
 * receipt, stock booked as receipt movements referring to the PO, once per
 * receipt however often it is posted), the supplier's measured performance
 * after it closes, cancellation, and the bad inputs (a 4xx naming the
 * field, nothing written). Sending through a supplier's API, with its
 * faults, is mock_test.c's. */
#include <stdio.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

#define ADMIN st.token[0]
#define MANAGER st.token[1]
#define BUYER st.token[2]
#define VIEWER st.token[5]

struct fixture {
    long long supplier, store, product[2];
};

static long long
as_buyer(const char *method, const char *path, const char *body, int want)
{
    struct resp r;
    long long id;

    ck_assert_int_eq(http_as(BUYER, method, path, body, &r), 0);
    ck_assert_msg(r.status == want, "%s %s: status %d (want %d) %s", method, path, r.status, want,
                  r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

/* A supplier without an API (its POs are sent by hand), a store, two
 * products with offers: in packs of 6 from 6, 1250 then 1100 from 48;
 * shipping 2500 free from 50000. */
static void
fixture(struct fixture *f, const char *suffix)
{
    char body[512], path[96];

    snprintf(body, sizeof body, "{\"code\":\"%s-po%s\",\"name\":\"PO %s\",\"currency\":\"USD\"}",
             run_tag(), suffix, suffix);
    f->supplier = as_buyer("POST", "/api/v1/suppliers", body, 201);
    f->store = new_store();
    snprintf(path, sizeof path, "/api/v1/suppliers/%lld/offers", f->supplier);
    for (int i = 0; i < 2; i++) {
        f->product[i] = new_product();
        snprintf(body, sizeof body,
                 "{\"product_id\":%lld,\"price_breaks\":[{\"min_quantity\":1,"
                 "\"unit_price_cents\":1250},{\"min_quantity\":48,\"unit_price_cents\":1100}],"
                 "\"moq\":6,\"pack_size\":6,\"lead_time_days\":4,\"shipping_cost_cents\":2500,"
                 "\"free_shipping_threshold_cents\":50000}",
                 f->product[i]);
        (void)as_buyer("POST", path, body, 201);
    }
}

static void
post(const char *token, const char *path, const char *body, int want, struct resp *r)
{
    ck_assert_int_eq(http_as(token, "POST", path, body, r), 0);
    ck_assert_msg(r->status == want, "POST %s: status %d (want %d) %s", path, r->status, want,
                  r->body);
}

START_TEST(test_draft_to_received)
{
    struct fixture f;
    char body[512], path[128];
    struct resp r;
    long long po, perf0;

    fixture(&f, "life");
    perf0 = sql_intf("SELECT count(*) FROM supplier.receipts WHERE supplier_id = %lld", f.supplier);
    snprintf(body, sizeof body,
             "{\"supplier_id\":%lld,\"store_id\":%lld,\"reference\":\"R-%s\",\"lines\":["
             "{\"product_id\":%lld,\"quantity\":48},{\"product_id\":%lld,\"quantity\":12}]}",
             f.supplier, f.store, run_tag(), f.product[0], f.product[1]);
    post(BUYER, "/api/v1/purchase-orders", body, 201, &r);
    po = jint(&r, "id");
    ck_assert_str_eq(jstr(&r, "status"), "draft");
    /* 48 x 1100 + 12 x 1250 = 67800: over 50000, so it ships free */
    ck_assert_int_eq(jint(&r, "goods_cents"), 67800);
    ck_assert_int_eq(jint(&r, "shipping_cents"), 0);
    ck_assert_int_eq(jint(&r, "total_cents"), 67800);
    resp_free(&r);
    /* a draft raises nothing; a viewer does not read it */
    ck_assert_int_eq(stock_level("incoming", f.store, f.product[0]), -1);
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld", po);
    ck_assert_int_eq(http_as(VIEWER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/send", po);
    post(BUYER, path, NULL, 200, &r);
    ck_assert_str_eq(jstr(&r, "status"), "sent"); /* no API: sent by hand */
    resp_free(&r);
    wait_stock_level("incoming", f.store, f.product[0], 48);
    wait_stock_level("incoming", f.store, f.product[1], 12);
    /* sending again answers the PO as it is */
    post(BUYER, path, NULL, 200, &r);
    resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/receipts", po);
    snprintf(body, sizeof body,
             "{\"key\":\"%s-r1\",\"lines\":[{\"product_id\":%lld,\"quantity\":30}]}", run_tag(),
             f.product[0]);
    post(ADMIN, path, body, 201, &r);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    /* the same receipt again (a retry): the first answer, nothing booked twice */
    post(ADMIN, path, body, 200, &r);
    resp_free(&r);
    wait_stock_level("on_hand", f.store, f.product[0], 30);
    wait_stock_level("incoming", f.store, f.product[0], 18);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM inventory.movements WHERE type = 'receipt'"
                              " AND ref_type = 'purchase_order' AND ref_id = '%lld'",
                              po),
                     1);
    snprintf(body, sizeof body,
             "{\"lines\":[{\"product_id\":%lld,\"quantity\":16,\"rejected\":2},"
             "{\"product_id\":%lld,\"quantity\":12}]}",
             f.product[0], f.product[1]);
    post(ADMIN, path, body, 201, &r);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld", po);
    ck_assert_int_eq(http_as(BUYER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(jstr(&r, "status"), "received");
    resp_free(&r);
    /* the sample manager runs stores 1 and 2: another store's PO does not exist for it */
    ck_assert_int_eq(http_as(MANAGER, "GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    wait_stock_level("on_hand", f.store, f.product[0], 46);
    wait_stock_level("incoming", f.store, f.product[0], 0);
    wait_stock_level("on_hand", f.store, f.product[1], 12);
    wait_stock_level("incoming", f.store, f.product[1], 0);
    /* the supplier's performance now counts both lines: 46/48 and 12/12 */
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM supplier.receipts WHERE supplier_id = %lld", f.supplier),
        perf0 + 2);
    ck_assert_int_eq(sql_intf("SELECT sum(received_quantity) FROM supplier.receipts"
                              " WHERE po_id = %lld",
                              po),
                     58);
    /* every change is an event */
    events_numbered("supplier");
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic LIKE"
                              " 'purchase_order.%%' AND (data->'purchase_order'->>'id')::bigint"
                              " = %lld",
                              po),
                     4);
    /* a received PO takes nothing more */
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/cancel", po);
    post(BUYER, path, NULL, 409, &r);
    ck_assert_str_eq(err_field(&r), "status");
    resp_free(&r);
}
END_TEST

/* Under an Idempotency-Key a create makes one PO: the same create again
 * answers it (200), another order under the key is a 422 naming it. */
START_TEST(test_create_under_idempotency_key)
{
    struct fixture f;
    char body[512], other[512], key[128];
    struct resp r;
    long long po;

    fixture(&f, "idem");
    snprintf(key, sizeof key, "Idempotency-Key: %s-po-idem\r\n", run_tag());
    snprintf(body, sizeof body,
             "{\"supplier_id\":%lld,\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":12}]}",
             f.supplier, f.store, f.product[0]);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/purchase-orders", body, key, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    po = jint(&r, "id");
    resp_free(&r);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/purchase-orders", body, key, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "id"), po);
    resp_free(&r);
    snprintf(other, sizeof other,
             "{\"supplier_id\":%lld,\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":18}]}",
             f.supplier, f.store, f.product[0]);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/purchase-orders", other, key, &r), 0);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(err_field(&r), "Idempotency-Key");
    resp_free(&r);
    /* the supplier deactivated since: the replay still answers the PO made
     * (an approval cut off after it was made can finish), a new one is 422 */
    snprintf(other, sizeof other, "/api/v1/suppliers/%lld", f.supplier);
    (void)as_buyer("PATCH", other, "{\"active\":false}", 200);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/purchase-orders", body, key, &r), 0);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    ck_assert_int_eq(jint(&r, "id"), po);
    resp_free(&r);
    ck_assert_int_eq(http_port(0, "POST", "/api/v1/purchase-orders", body, NULL, &r), 0);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(err_field(&r), "supplier_id");
    resp_free(&r);
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM supplier.purchase_orders WHERE store_id = %lld", f.store),
        1);
    events_numbered("supplier");
    ck_assert_int_eq(
        sql_intf("SELECT count(*) FROM supplier.outbox WHERE topic ="
                 " 'purchase_order.created' AND (data->'purchase_order'->>'id')::bigint"
                 " = %lld",
                 po),
        1);
}
END_TEST

START_TEST(test_cancel_takes_back_incoming)
{
    struct fixture f;
    char body[512], path[128];
    struct resp r;
    long long po;

    fixture(&f, "cancel");
    snprintf(body, sizeof body,
             "{\"supplier_id\":%lld,\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,"
             "\"quantity\":12}]}",
             f.supplier, f.store, f.product[0]);
    post(BUYER, "/api/v1/purchase-orders", body, 201, &r);
    po = jint(&r, "id");
    /* 12 x 1250 = 15000, under the threshold: shipping is charged */
    ck_assert_int_eq(jint(&r, "shipping_cents"), 2500);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/send", po);
    post(BUYER, path, NULL, 200, &r);
    resp_free(&r);
    wait_stock_level("incoming", f.store, f.product[0], 12);
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/cancel", po);
    post(BUYER, path, "{\"reason\":\"found it cheaper\"}", 200, &r);
    ck_assert_str_eq(jstr(&r, "status"), "cancelled");
    ck_assert_str_eq(jstr(&r, "cancel_reason"), "found it cheaper");
    resp_free(&r);
    wait_stock_level("incoming", f.store, f.product[0], 0);
    /* sending or receiving against a cancelled PO: 409, nothing written */
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/send", po);
    post(BUYER, path, NULL, 409, &r);
    ck_assert_str_eq(err_field(&r), "status");
    resp_free(&r);
}
END_TEST

/* body refused with want naming field, and nothing written. */
static void
refused(const char *token, const char *path, const char *body, int want, const char *field)
{
    long long pos, rec, ev;
    struct resp r;

    events_numbered("supplier");
    pos = sql_int("SELECT count(*) FROM supplier.purchase_orders");
    rec = sql_int("SELECT count(*) FROM supplier.po_receipts");
    ev = sql_int("SELECT count(*) FROM supplier.outbox");

    ck_assert_int_eq(http_as(token, "POST", path, body, &r), 0);
    ck_assert_msg(r.status == want && strcmp(err_field(&r), field) == 0,
                  "POST %s %s: status %d field '%s' (want %d '%s'): %s", path, body, r.status,
                  err_field(&r), want, field, r.body);
    resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM supplier.purchase_orders"), pos);
    events_numbered("supplier");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM supplier.po_receipts"), rec);
    events_numbered("supplier");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM supplier.outbox"), ev);
}

START_TEST(test_bad_input_changes_nothing)
{
    struct fixture f;
    char body[512], path[128];
    struct resp r;
    long long po, other = new_product();

    fixture(&f, "bad");
#define PO(lines) "{\"supplier_id\":%lld,\"store_id\":%lld,\"lines\":[" lines "]}"
    snprintf(body, sizeof body, PO("{\"product_id\":%lld,\"quantity\":0}"), f.supplier, f.store,
             f.product[0]);
    refused(BUYER, "/api/v1/purchase-orders", body, 400, "lines[0].quantity");
    /* 10 is not a pack multiple of 6 */
    snprintf(body, sizeof body, PO("{\"product_id\":%lld,\"quantity\":10}"), f.supplier, f.store,
             f.product[0]);
    refused(BUYER, "/api/v1/purchase-orders", body, 422, "lines[0].quantity");
    snprintf(body, sizeof body, PO("{\"product_id\":%lld,\"quantity\":6}"), f.supplier, f.store,
             other);
    refused(BUYER, "/api/v1/purchase-orders", body, 422, "lines[0].product_id");
    snprintf(body, sizeof body, PO("{\"product_id\":%lld,\"quantity\":6}"), f.supplier, 999999999LL,
             f.product[0]);
    refused(BUYER, "/api/v1/purchase-orders", body, 422, "store_id");
    snprintf(body, sizeof body, PO("{\"product_id\":%lld,\"quantity\":6}"), 999999999LL, f.store,
             f.product[0]);
    refused(BUYER, "/api/v1/purchase-orders", body, 422, "supplier_id");
    /* a store manager does not buy */
    snprintf(body, sizeof body, PO("{\"product_id\":%lld,\"quantity\":6}"), f.supplier, f.store,
             f.product[0]);
    refused(MANAGER, "/api/v1/purchase-orders", body, 403, "");
    post(BUYER, "/api/v1/purchase-orders", body, 201, &r);
    po = jint(&r, "id");
    resp_free(&r);
    /* a draft is not received against */
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/receipts", po);
    snprintf(body, sizeof body, "{\"lines\":[{\"product_id\":%lld,\"quantity\":6}]}", f.product[0]);
    refused(ADMIN, path, body, 409, "status");
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/send", po);
    post(BUYER, path, NULL, 200, &r);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/purchase-orders/%lld/receipts", po);
    /* more than ordered needs a reason */
    snprintf(body, sizeof body, "{\"lines\":[{\"product_id\":%lld,\"quantity\":7}]}", f.product[0]);
    refused(ADMIN, path, body, 422, "lines[0].quantity");
    snprintf(body, sizeof body, "{\"lines\":[{\"product_id\":%lld,\"quantity\":1}]}", other);
    refused(ADMIN, path, body, 422, "lines[0].product_id");
    snprintf(body, sizeof body,
             "{\"lines\":[{\"product_id\":%lld,\"quantity\":7,\"reason\":\"bonus unit\"}]}",
             f.product[0]);
    post(ADMIN, path, body, 201, &r);
    resp_free(&r);
    wait_stock_level("on_hand", f.store, f.product[0], 7);
    wait_stock_level("incoming", f.store, f.product[0], 0);
#undef PO
}
END_TEST

START_TEST(test_list_filters_and_scope)
{
    struct resp r;
    char q[160];

    ck_assert_int_eq(http_as(BUYER, "GET", "/api/v1/purchase-orders?status=shipped", NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "status");
    resp_free(&r);
    snprintf(q, sizeof q, "/api/v1/purchase-orders?status=received&limit=5");
    ck_assert_int_eq(http_as(BUYER, "GET", q, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    /* the sample manager runs stores 1 and 2 and sees only their POs */
    ck_assert_int_eq(http_as(MANAGER, "GET", "/api/v1/purchase-orders?limit=200", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    for (cJSON *it = cJSON_GetObjectItem(r.json, "items")->child; it; it = it->next) {
        long long s = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(it, "store_id"));
        ck_assert(s == 1 || s == 2);
    }
    resp_free(&r);
}
END_TEST

Suite *
po_suite(void)
{
    Suite *s = suite_create("purchase_orders");
    TCase *tc = tcase_create("po");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_draft_to_received);
    tcase_add_test(tc, test_create_under_idempotency_key);
    tcase_add_test(tc, test_cancel_takes_back_incoming);
    tcase_add_test(tc, test_bad_input_changes_nothing);
    tcase_add_test(tc, test_list_filters_and_scope);
    suite_add_tcase(s, tc);
    return s;
}
