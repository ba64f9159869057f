/* tests/unit/supplier-mock/orders_test.c — the mock's catalogue and order
 * book: prices by break, a new order (201), its replay (200), a key reused
 * with another body (422, nothing changed), an unknown SKU, the cap, ids,
 * cancellation and reset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/supplier-mock/catalogue.h"
#include "services/supplier-mock/orders.h"
#include "tests/unit/supplier-mock/suites.h"

#define NOW_MS 1795716000123LL /* 2026-11-26T18:00:00.123Z; day 20783 */
#define TODAY 20783

static struct mock_catalogue cat;
static struct mock_orders book;

/* Three items, given unsorted: "7" (10 available, lead 3), "42" (breaks
 * 1 → 1250, 48 → 1100; 120 available, lead 4) and "9" (nothing available). */
static void
setup(void)
{
    struct tm_err err;

    mock_catalogue_init(&cat);
    cat.n = 3;
    cat.items = calloc(3, sizeof cat.items[0]);
    snprintf(cat.items[0].sku, sizeof cat.items[0].sku, "%s", "7");
    cat.items[0].n_breaks = 1;
    cat.items[0].breaks[0] = (struct mock_break){1, 1899};
    cat.items[0].available = cat.items[0].available_initial = 10;
    cat.items[0].lead_time_days = 3;
    snprintf(cat.items[1].sku, sizeof cat.items[1].sku, "%s", "42");
    cat.items[1].n_breaks = 2;
    cat.items[1].breaks[0] = (struct mock_break){1, 1250};
    cat.items[1].breaks[1] = (struct mock_break){48, 1100};
    cat.items[1].available = cat.items[1].available_initial = 120;
    cat.items[1].lead_time_days = 4;
    snprintf(cat.items[2].sku, sizeof cat.items[2].sku, "%s", "9");
    cat.items[2].n_breaks = 1;
    cat.items[2].breaks[0] = (struct mock_break){6, 100};
    cat.items[2].lead_time_days = 10;
    ck_assert_int_eq(mock_catalogue_index(&cat, &err), TM_OK);
    mock_orders_init(&book, "ACME", 2);
}

static void
teardown(void)
{
    mock_orders_fini(&book);
    mock_catalogue_fini(&cat);
}

static struct mock_order_req *
req2(const char *ref, const char *sku1, int64_t q1, const char *sku2, int64_t q2)
{
    static struct mock_order_req r;

    memset(&r, 0, sizeof r);
    snprintf(r.reference, sizeof r.reference, "%s", ref);
    r.store_id = 3;
    snprintf(r.lines[0].sku, sizeof r.lines[0].sku, "%s", sku1);
    r.lines[0].quantity = q1;
    r.n_lines = 1;
    if (sku2) {
        snprintf(r.lines[1].sku, sizeof r.lines[1].sku, "%s", sku2);
        r.lines[1].quantity = q2;
        r.n_lines = 2;
    }
    return &r;
}

START_TEST(test_price_breaks)
{
    const struct mock_item *it = mock_catalogue_find(&cat, "42");

    ck_assert_ptr_nonnull(it);
    ck_assert_int_eq(mock_item_price(it, 1), 1250);
    ck_assert_int_eq(mock_item_price(it, 47), 1250);
    ck_assert_int_eq(mock_item_price(it, 48), 1100);
    ck_assert_int_eq(mock_item_price(it, 10000), 1100);
    ck_assert_int_eq(mock_item_price(mock_catalogue_find(&cat, "9"), 1), 100); /* below all */
    ck_assert_ptr_null(mock_catalogue_find(&cat, "4"));
    ck_assert_ptr_null(mock_catalogue_find(&cat, "123456789012345678901234567890123"));
}
END_TEST

START_TEST(test_duplicate_sku_refused)
{
    struct mock_catalogue c;
    struct tm_err err;

    mock_catalogue_init(&c);
    c.n = 2;
    c.items = calloc(2, sizeof c.items[0]);
    snprintf(c.items[0].sku, sizeof c.items[0].sku, "%s", "5");
    snprintf(c.items[1].sku, sizeof c.items[1].sku, "%s", "5");
    ck_assert_int_eq(mock_catalogue_index(&c, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "items");
    mock_catalogue_fini(&c);
    mock_catalogue_fini(&c); /* twice: fini leaves it empty */
}
END_TEST

START_TEST(test_new_order_confirms_what_is_available)
{
    const struct mock_order *o;
    const char *refusal = "x";
    int replayed = -1;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "po-1", req2("PO-12", "42", 48, "7", 15),
                                        NOW_MS, &o, &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(replayed, 0);
    ck_assert_ptr_null(refusal);
    ck_assert_str_eq(o->id, "ACME-000001");
    ck_assert_str_eq(o->reference, "PO-12");
    ck_assert_int_eq(o->status, MOCK_STATUS_CONFIRMED);
    ck_assert_int_eq(o->created_ms, NOW_MS);
    ck_assert_int_eq(o->expected_day, TODAY + 4); /* the longest lead of its items */
    ck_assert_int_eq(o->n_lines, 2);
    ck_assert_int_eq(o->lines[0].confirmed_quantity, 48);
    ck_assert_int_eq(o->lines[0].unit_price_cents, 1100);
    ck_assert_int_eq(o->lines[1].quantity, 15);
    ck_assert_int_eq(o->lines[1].confirmed_quantity, 10);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 72);
    ck_assert_int_eq(mock_catalogue_find(&cat, "7")->available, 0);
    ck_assert_str_eq(mock_status_name(o->status), "confirmed");
}
END_TEST

START_TEST(test_same_key_same_body_replays)
{
    const struct mock_order *a, *b;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "po-1", req2("PO-12", "42", 5, NULL, 0),
                                        NOW_MS, &a, &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "po-1", req2("PO-12", "42", 5, NULL, 0),
                                        NOW_MS + 5000, &b, &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(replayed, 1);
    ck_assert_ptr_eq(a, b);
    ck_assert_int_eq(b->created_ms, NOW_MS);
    ck_assert_int_eq(book.n, 1);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 115); /* taken once */
}
END_TEST

START_TEST(test_same_key_other_body_refused)
{
    static const struct {
        const char *ref, *sku;
        int64_t q, store;
    } other[] = {
        {"PO-13", "42", 5, 3}, {"PO-12", "7", 5, 3}, {"PO-12", "42", 6, 3}, {"PO-12", "42", 5, 4}};
    const struct mock_order *o;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "k", req2("PO-12", "42", 5, NULL, 0), NOW_MS,
                                        &o, &replayed, &refusal, &err),
                     TM_OK);
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        struct mock_order_req *r = req2(other[i].ref, other[i].sku, other[i].q, NULL, 0);

        r->store_id = other[i].store;
        ck_assert_int_eq(
            mock_orders_submit(&book, &cat, "k", r, NOW_MS, &o, &replayed, &refusal, &err),
            TM_UNPROCESSABLE);
        ck_assert_str_eq(refusal, "idempotency_mismatch");
        ck_assert_str_eq(err.field, "Idempotency-Key");
        ck_assert_ptr_null(o);
    }
    /* one more line is another body too */
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "k", req2("PO-12", "42", 5, "7", 1), NOW_MS,
                                        &o, &replayed, &refusal, &err),
                     TM_UNPROCESSABLE);
    ck_assert_int_eq(book.n, 1);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 115);
}
END_TEST

START_TEST(test_unknown_sku_changes_nothing)
{
    const struct mock_order *o;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "k", req2("", "42", 5, "43", 1), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_UNPROCESSABLE);
    ck_assert_str_eq(refusal, "unknown_sku");
    ck_assert_str_eq(err.field, "lines[1].sku");
    ck_assert_int_eq(book.n, 0);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 120);
    /* the key was not taken: the corrected order goes through under it */
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "k", req2("", "42", 5, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(replayed, 0);
}
END_TEST

START_TEST(test_full_book_refuses_new_replays_old)
{
    const struct mock_order *o;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "b", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "c", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_UNAVAIL);
    ck_assert_ptr_null(refusal);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 118);
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(replayed, 1);
    ck_assert_str_eq(o->id, "ACME-000001");
}
END_TEST

START_TEST(test_get_by_exact_id)
{
    static const char *const absent[] = {"ACME-1",
                                         "ACME-000002",
                                         "BETA-000001",
                                         "ACME-",
                                         "ACME000001",
                                         "acme-000001",
                                         "ACME-0000001",
                                         "ACME-000000000000000000000000000000001",
                                         ""};
    const struct mock_order *o;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_ptr_eq(mock_orders_get(&book, "ACME-000001"), o);
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        ck_assert_msg(mock_orders_get(&book, absent[i]) == NULL, "%s", absent[i]);
}
END_TEST

START_TEST(test_cancel_gives_back_and_repeats)
{
    const struct mock_order *o, *c;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a", req2("", "42", 100, "7", 4), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 20);
    ck_assert_int_eq(mock_orders_cancel(&book, &cat, "ACME-000001", &c, &err), TM_OK);
    ck_assert_ptr_eq(c, o);
    ck_assert_int_eq(c->status, MOCK_STATUS_CANCELLED);
    ck_assert_str_eq(mock_status_name(c->status), "cancelled");
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 120);
    ck_assert_int_eq(mock_catalogue_find(&cat, "7")->available, 10);
    ck_assert_int_eq(mock_orders_cancel(&book, &cat, "ACME-000001", &c, &err), TM_OK);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 120); /* not twice */
    ck_assert_int_eq(mock_orders_cancel(&book, &cat, "ACME-000002", &c, &err), TM_NOTFOUND);
    ck_assert_str_eq(err.field, "order_id");
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_clear_forgets_keys_keeps_numbering)
{
    const struct mock_order *o;
    const char *refusal;
    int replayed;
    struct tm_err err;

    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "b", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    mock_orders_clear(&book);
    mock_catalogue_restock(&cat);
    ck_assert_int_eq(book.n, 0);
    ck_assert_int_eq(mock_catalogue_find(&cat, "42")->available, 120);
    ck_assert_ptr_null(mock_orders_get(&book, "ACME-000001"));
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a", req2("", "42", 2, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_OK);
    ck_assert_int_eq(replayed, 0);
    ck_assert_str_eq(o->id, "ACME-000003");
    ck_assert_ptr_eq(mock_orders_get(&book, "ACME-000003"), o);
}
END_TEST

START_TEST(test_idempotency_keys)
{
    static const struct {
        const char *key;
        int ok;
    } cases[] = {
        {"po-1", 1},
        {"A.b_c:d-9", 1},
        {"x", 1},
        {"0123456789012345678901234567890123456789012345678901234567890123", 1},
        {"01234567890123456789012345678901234567890123456789012345678901234", 0},
        {"", 0},
        {"a b", 0},
        {"a/b", 0},
        {"é", 0},
    };
    const struct mock_order *o;
    const char *refusal;
    int replayed;
    struct tm_err err;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(mock_idem_key_valid(cases[i].key) == cases[i].ok, "%s", cases[i].key);
    ck_assert_int_eq(mock_orders_submit(&book, &cat, "a b", req2("", "42", 1, NULL, 0), NOW_MS, &o,
                                        &replayed, &refusal, &err),
                     TM_INVALID);
    ck_assert_str_eq(err.field, "Idempotency-Key");
}
END_TEST

Suite *
orders_suite(void)
{
    Suite *s = suite_create("supplier-mock orders");
    TCase *tc = tcase_create("catalogue");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_price_breaks);
    tcase_add_test(tc, test_duplicate_sku_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("orders");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_new_order_confirms_what_is_available);
    tcase_add_test(tc, test_same_key_same_body_replays);
    tcase_add_test(tc, test_same_key_other_body_refused);
    tcase_add_test(tc, test_unknown_sku_changes_nothing);
    tcase_add_test(tc, test_full_book_refuses_new_replays_old);
    tcase_add_test(tc, test_get_by_exact_id);
    tcase_add_test(tc, test_cancel_gives_back_and_repeats);
    tcase_add_test(tc, test_clear_forgets_keys_keeps_numbering);
    tcase_add_test(tc, test_idempotency_keys);
    suite_add_tcase(s, tc);
    return s;
}
