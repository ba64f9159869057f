/* tests/unit/inventory/forecast_due_test.c — what a forecast refresh
 * computes from the due levels it takes (forecast_due.h): levels grouped by
 * product with their stores in order, recorded in a sale's lock order, each
 * product's due stores found and the others not (against a plain scan as
 * the oracle), each category once. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/forecast_due.h"

static struct fc_due_level
lv(int64_t store, int64_t product, int64_t category)
{
    struct fc_due_level l;

    memset(&l, 0, sizeof l);
    l.store_id = store;
    l.product_id = product;
    l.category_id = category;
    return l;
}

/* levels in the order the due list gives them: by due day and store */
START_TEST(test_levels_grouped_by_product_then_store)
{
    struct fc_due_level l[] = {lv(3, 20, 7), lv(1, 10, 5), lv(2, 20, 7),
                               lv(1, 20, 7), lv(5, 10, 5), lv(4, 30, 0)};
    size_t n = sizeof l / sizeof l[0], groups = 0;

    fc_due_sort(l, n);
    for (size_t i = 1; i < n; i++)
        ck_assert(l[i - 1].product_id < l[i].product_id ||
                  (l[i - 1].product_id == l[i].product_id && l[i - 1].store_id < l[i].store_id));
    for (size_t a = 0, b; a < n; a = b) {
        b = fc_due_group_end(l, n, a);
        ck_assert_uint_gt(b, a);
        for (size_t i = a; i < b; i++)
            ck_assert_int_eq(l[i].product_id, l[a].product_id);
        ck_assert(b == n || l[b].product_id != l[a].product_id);
        groups++;
    }
    ck_assert_uint_eq(groups, 3);
    /* product 20's group: stores 1, 2, 3 */
    ck_assert_uint_eq(fc_due_group_end(l, n, 2), 5);
    ck_assert_int_eq(l[2].store_id, 1);
    ck_assert_int_eq(l[4].store_id, 3);
    fc_due_sort(l, 0); /* nothing due: nothing to do */
    ck_assert_uint_eq(fc_due_group_end(l, 0, 0), 0);
}
END_TEST

/* recorded in the order a sale locks levels: by store, then product */
START_TEST(test_lock_order_is_a_sales)
{
    struct fc_due_level l[] = {lv(3, 20, 7), lv(1, 10, 5), lv(2, 20, 7),
                               lv(1, 20, 7), lv(5, 10, 5), lv(1, 5, 0)};
    size_t n = sizeof l / sizeof l[0];

    fc_due_sort_for_locking(l, n);
    for (size_t i = 1; i < n; i++)
        ck_assert(l[i - 1].store_id < l[i].store_id ||
                  (l[i - 1].store_id == l[i].store_id && l[i - 1].product_id < l[i].product_id));
    ck_assert_int_eq(l[0].product_id, 5);
    ck_assert_int_eq(l[n - 1].store_id, 5);
}
END_TEST

/* a product's due stores are refreshed, its other stores are not */
START_TEST(test_only_the_due_stores)
{
    struct fc_due_level l[64];
    size_t n = 0;

    for (int64_t s = 3; s < 200; s += 7)
        l[n++] = lv(s, 1, 1);
    for (int64_t s = 0; s < 210; s++) {
        int oracle = 0;
        for (size_t i = 0; i < n; i++)
            oracle |= l[i].store_id == s;
        ck_assert_int_eq(fc_due_has_store(l, n, s), oracle);
    }
    ck_assert_int_eq(fc_due_has_store(l, 0, 3), 0);
    ck_assert_int_eq(fc_due_has_store(l, 1, 3), 1);
    ck_assert_int_eq(fc_due_has_store(l, 1, 4), 0);
}
END_TEST

/* each category once, ascending; none (0) is no category */
START_TEST(test_each_category_once)
{
    struct fc_due_level l[] = {lv(1, 1, 9), lv(2, 1, 9), lv(1, 2, 4), lv(1, 3, 0),
                               lv(3, 4, 9), lv(1, 5, 4), lv(1, 6, 12)};
    size_t n = sizeof l / sizeof l[0];
    int64_t out[sizeof l / sizeof l[0]];
    size_t k = fc_due_categories(l, n, out);

    ck_assert_uint_eq(k, 3);
    ck_assert_int_eq(out[0], 4);
    ck_assert_int_eq(out[1], 9);
    ck_assert_int_eq(out[2], 12);
    ck_assert_uint_eq(fc_due_categories(l, 0, out), 0);
    ck_assert_uint_eq(fc_due_categories(&l[3], 1, out), 0);
}
END_TEST

Suite *forecast_due_suite(void);

Suite *
forecast_due_suite(void)
{
    Suite *s = suite_create("inventory.forecast_due");
    TCase *tc = tcase_create("forecast_due");

    tcase_add_test(tc, test_levels_grouped_by_product_then_store);
    tcase_add_test(tc, test_lock_order_is_a_sales);
    tcase_add_test(tc, test_only_the_due_stores);
    tcase_add_test(tc, test_each_category_once);
    suite_add_tcase(s, tc);
    return s;
}
