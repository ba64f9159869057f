/* tests/unit/inventory/stock_test.c — the stock rules, called directly:
 * what each movement type does to on hand and reserved, commit lines (lock
 * order, duplicates, the canonical key), short lines, low/out crossings,
 * settings, urgency order, receiving, and the sample history's invariants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/sample.h"
#include "services/inventory/stock.h"

START_TEST(test_movement_effects)
{
    struct inv_move m;

    inv_move_for(&m, INV_MOVE_SALE, 3);
    ck_assert(m.dq == -3 && m.dr == 0 && m.need_available);
    inv_move_for(&m, INV_MOVE_RECEIPT, 5);
    ck_assert(m.dq == 5 && m.dr == 0 && !m.need_available);
    inv_move_for(&m, INV_MOVE_RESERVATION, 2);
    ck_assert(m.dq == 0 && m.dr == 2 && m.need_available);
    inv_move_for(&m, INV_MOVE_RELEASE, 2);
    ck_assert(m.dq == 0 && m.dr == -2 && !m.need_available);
    inv_move_for(&m, INV_MOVE_TRANSFER_OUT, 4); /* ships what was reserved */
    ck_assert(m.dq == -4 && m.dr == -4 && !m.need_available);
    inv_move_for(&m, INV_MOVE_ADJUSTMENT, -7);
    ck_assert(m.dq == -7 && m.dr == 0);
    inv_move_count(&m, 12, 9);
    ck_assert(m.type == INV_MOVE_COUNT && m.dq == -3 && m.dr == 0);
    inv_move_count(&m, 4, 4);
    ck_assert_int_eq(m.dq, 0);
}
END_TEST

START_TEST(test_move_names_round_trip)
{
    enum inv_move_type t;

    for (int i = 0; i < INV_MOVE_TYPES; i++) {
        ck_assert(inv_move_parse(inv_move_name((enum inv_move_type)i), &t));
        ck_assert_int_eq(t, i);
    }
    ck_assert(!inv_move_parse("theft", &t));
    ck_assert(!inv_move_parse(NULL, &t));
    ck_assert_str_eq(inv_move_name((enum inv_move_type)99), "unknown");
}
END_TEST

static const struct {
    enum inv_move_type type;
    int has_q, has_c;
    long long q, c;
    const char *reason, *field; /* NULL field: valid */
} reqs[] = {
    {INV_MOVE_RECEIPT, 1, 0, 5, 0, "", NULL},
    {INV_MOVE_RECEIPT, 1, 0, 0, 0, "", "quantity"},
    {INV_MOVE_RECEIPT, 1, 0, -1, 0, "", "quantity"},
    {INV_MOVE_RECEIPT, 1, 0, INV_QTY_MAX + 1, 0, "", "quantity"},
    {INV_MOVE_RECEIPT, 0, 0, 0, 0, "", "quantity"},
    {INV_MOVE_RECEIPT, 1, 1, 1, 1, "", "counted"},
    {INV_MOVE_RETURN, 1, 0, 1, 0, "", NULL},
    {INV_MOVE_ADJUSTMENT, 1, 0, -2, 0, "damaged", NULL},
    {INV_MOVE_ADJUSTMENT, 1, 0, -2, 0, "", "reason"},
    {INV_MOVE_ADJUSTMENT, 1, 0, 0, 0, "x", "quantity"},
    {INV_MOVE_COUNT, 0, 1, 0, 0, "", NULL},
    {INV_MOVE_COUNT, 0, 1, 0, -1, "", "counted"},
    {INV_MOVE_COUNT, 1, 1, 1, 1, "", "quantity"},
    {INV_MOVE_COUNT, 0, 0, 0, 0, "", "counted"},
    {INV_MOVE_SALE, 1, 0, 1, 0, "", "type"},
    {INV_MOVE_RESERVATION, 1, 0, 1, 0, "", "type"},
};

START_TEST(test_movement_requests)
{
    struct inv_move_req r = {
        reqs[_i].type,  1, 2, reqs[_i].q, reqs[_i].c, reqs[_i].has_q, reqs[_i].has_c,
        reqs[_i].reason};
    struct tm_err err;
    enum tm_code rc = inv_move_req_validate(&r, &err);

    if (!reqs[_i].field) {
        ck_assert_int_eq(rc, TM_OK);
    } else {
        ck_assert_int_eq(rc, TM_INVALID);
        ck_assert_str_eq(err.field, reqs[_i].field);
    }
}
END_TEST

START_TEST(test_lines_sorted_for_locking_and_keyed)
{
    struct inv_line l[4] = {{2, 7, 1, 0}, {1, 9, 2, 1}, {2, 3, 5, 2}, {1, 4, 1, 3}};
    struct inv_line back[4];
    char key[256];
    struct tm_err err;

    ck_assert_int_eq(inv_lines_prepare(l, 4, &err), TM_OK);
    ck_assert(l[0].store_id == 1 && l[0].product_id == 4 && l[0].index == 3);
    ck_assert(l[1].store_id == 1 && l[1].product_id == 9);
    ck_assert(l[2].store_id == 2 && l[2].product_id == 3);
    ck_assert(l[3].store_id == 2 && l[3].product_id == 7 && l[3].index == 0);
    ck_assert_int_eq(inv_lines_key(l, 4, key, sizeof key), 0);
    ck_assert_str_eq(key, "1:4:1;1:9:2;2:3:5;2:7:1");
    ck_assert_int_eq(inv_lines_parse_key(key, back, 4), 4);
    for (int i = 0; i < 4; i++)
        ck_assert(back[i].store_id == l[i].store_id && back[i].product_id == l[i].product_id &&
                  back[i].quantity == l[i].quantity);
    ck_assert_int_eq(inv_lines_key(l, 4, key, 10), -1); /* does not fit */
    ck_assert_int_eq(inv_lines_parse_key("1:2", back, 4), -1);
    ck_assert_int_eq(inv_lines_parse_key("1:2:x", back, 4), -1);
    ck_assert_int_eq(inv_lines_parse_key("1:2:3;4:5:6", back, 1), -1);
    ck_assert_int_eq(inv_lines_parse_key("", back, 4), 0);
}
END_TEST

START_TEST(test_lines_refused)
{
    struct inv_line dup[3] = {{1, 5, 1, 0}, {1, 6, 1, 1}, {1, 5, 2, 2}};
    struct inv_line zero[2] = {{1, 5, 1, 0}, {1, 6, 0, 1}};
    struct inv_line huge[1] = {{1, 5, INV_QTY_MAX + 1, 0}};
    struct tm_err err;

    ck_assert_int_eq(inv_lines_prepare(dup, 3, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines[2].product_id");
    ck_assert_int_eq(inv_lines_prepare(zero, 2, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines[1].quantity");
    ck_assert_int_eq(inv_lines_prepare(huge, 1, &err), TM_INVALID);
    ck_assert_int_eq(inv_lines_prepare(huge, 0, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines");
}
END_TEST

START_TEST(test_short_lines)
{
    struct inv_line l[3] = {{1, 1, 2, 0}, {1, 2, 5, 1}, {1, 3, 1, 2}};
    int64_t avail[3] = {2, 4, 0};
    int idx[3];

    ck_assert_int_eq(inv_lines_short(l, avail, 3, idx), 2);
    ck_assert_int_eq(idx[0], 1);
    ck_assert_int_eq(idx[1], 2);
    avail[1] = 5;
    avail[2] = 1;
    ck_assert_int_eq(inv_lines_short(l, avail, 3, idx), 0);
}
END_TEST

START_TEST(test_edges_fire_on_crossings_only)
{
    ck_assert_uint_eq(inv_stock_edges(6, 5, 5, 5), INV_EDGE_LOW); /* onto the point */
    ck_assert_uint_eq(inv_stock_edges(5, 5, 4, 5), 0);            /* stays low */
    ck_assert_uint_eq(inv_stock_edges(4, 5, 0, 5), INV_EDGE_OUT); /* low, then out */
    ck_assert_uint_eq(inv_stock_edges(9, 5, 0, 5), INV_EDGE_LOW | INV_EDGE_OUT);
    ck_assert_uint_eq(inv_stock_edges(0, 5, -2, 5), 0); /* out stays out */
    ck_assert_uint_eq(inv_stock_edges(3, 0, 1, 0), 0);  /* no point set */
    ck_assert_uint_eq(inv_stock_edges(1, 0, 0, 0), INV_EDGE_OUT);
    ck_assert_uint_eq(inv_stock_edges(8, 5, 8, 10), INV_EDGE_LOW); /* the point was raised */
    ck_assert_uint_eq(inv_stock_edges(4, 5, 12, 5), 0);            /* back above: silent */
}
END_TEST

START_TEST(test_settings)
{
    struct inv_level l = {0};
    struct tm_err err;

    l.min_qty = 2;
    l.max_qty = 20;
    l.reorder_point = 8;
    l.safety_stock = 3;
    ck_assert_int_eq(inv_settings_validate(&l, &err), TM_OK);
    l.max_qty = 1;
    ck_assert_int_eq(inv_settings_validate(&l, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "max_qty");
    l.max_qty = 0; /* no maximum */
    ck_assert_int_eq(inv_settings_validate(&l, &err), TM_OK);
    l.safety_stock = 9;
    ck_assert_int_eq(inv_settings_validate(&l, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "safety_stock");
    l.safety_stock = 3;
    l.reorder_point = -1;
    ck_assert_int_eq(inv_settings_validate(&l, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "reorder_point");
    l.reorder_point = 30;
    l.max_qty = 20;
    ck_assert_int_eq(inv_settings_validate(&l, &err), TM_INVALID);
}
END_TEST

START_TEST(test_cover_and_urgency)
{
    struct inv_urgency out = {1, 1, 0, 5, 0.5}, soon = {1, 2, 3, 5, 1.0}, later = {1, 3, 3, 5, 0.1},
                       idle = {1, 4, 0, 5, 0.0}, idle2 = {2, 1, 3, 5, 0.0};

    ck_assert(inv_days_of_cover(10, 2.0) == 5.0);
    ck_assert(inv_days_of_cover(0, 2.0) == 0.0);
    ck_assert(inv_days_of_cover(-3, 2.0) == 0.0);
    ck_assert(inv_days_of_cover(10, 0.0) == -1.0);
    ck_assert(inv_daily_rate(28, 28) == 1.0);
    ck_assert(inv_daily_rate(0, 28) == 0.0);
    ck_assert_int_lt(inv_urgency_cmp(&out, &soon), 0);
    ck_assert_int_lt(inv_urgency_cmp(&soon, &later), 0);
    ck_assert_int_lt(inv_urgency_cmp(&later, &idle), 0); /* what does not sell comes last */
    ck_assert_int_lt(inv_urgency_cmp(&idle, &idle2), 0); /* further under the point first */
    ck_assert_int_gt(inv_urgency_cmp(&idle2, &idle), 0);
    ck_assert_int_eq(inv_urgency_cmp(&soon, &soon), 0);
}
END_TEST

START_TEST(test_refs_and_receiving)
{
    struct tm_err err;

    ck_assert(inv_ref_valid("sale-2026:0001.a_b"));
    ck_assert(!inv_ref_valid(""));
    ck_assert(!inv_ref_valid("has space"));
    ck_assert(!inv_ref_valid("x/y"));
    ck_assert(!inv_ref_valid("0123456789012345678901234567890123456789012345678901234567890123X"));
    ck_assert_int_eq(inv_receive_check(5, 5, "", "r", &err), TM_OK);
    ck_assert_int_eq(inv_receive_check(5, 3, "", "r", &err), TM_OK); /* short: recorded */
    ck_assert_int_eq(inv_receive_check(5, 6, "", "r", &err), TM_INVALID);
    ck_assert_str_eq(err.field, "r");
    ck_assert_int_eq(inv_receive_check(5, 6, "found one more", "r", &err), TM_OK);
    ck_assert_int_eq(inv_receive_check(5, -1, "x", "r", &err), TM_INVALID);
}
END_TEST

/* The simulated history never sells what is not there, ends where its
 * movements say, and the same seed gives the same history. */
START_TEST(test_sample_history)
{
    struct inv_sample_move a[300], b[300];
    struct inv_sample_policy pa, pb;
    int total_sales = 0;

    for (int s = 0; s < 50; s++) {
        struct inv_rng r1, r2;
        int64_t on_hand = 0;
        int n;

        inv_rng_seed(&r1, (uint64_t)s);
        inv_rng_seed(&r2, (uint64_t)s);
        n = inv_sample_history(&r1, 120, 2, 300, a, &pa);
        ck_assert_int_eq(inv_sample_history(&r2, 120, 2, 300, b, &pb), n);
        for (int i = 0; i < n; i++) /* field by field: padding is not compared */
            ck_assert(a[i].day == b[i].day && a[i].hour == b[i].hour &&
                      a[i].is_sale == b[i].is_sale && a[i].qty == b[i].qty &&
                      a[i].after == b[i].after);
        ck_assert(pa.reorder_point > 0 && pa.max_qty > pa.reorder_point);
        ck_assert(pa.safety_stock <= pa.reorder_point);
        ck_assert(n > 0 && !a[0].is_sale && a[0].day == 0);
        for (int i = 0; i < n; i++) {
            on_hand += a[i].qty;
            ck_assert_int_ge(on_hand, 0);
            ck_assert_int_eq(on_hand, a[i].after);
            ck_assert(a[i].is_sale ? a[i].qty < 0 : a[i].qty > 0);
            ck_assert(a[i].day >= 0 && a[i].day < 120 && a[i].hour >= 0 && a[i].hour < 24);
            ck_assert(i == 0 || a[i].day >= a[i - 1].day);
            total_sales += a[i].is_sale;
        }
    }
    ck_assert_int_gt(total_sales, 50);
}
END_TEST

Suite *stock_suite(void);

Suite *
stock_suite(void)
{
    Suite *s = suite_create("inventory.stock");
    TCase *tc = tcase_create("stock");

    tcase_add_test(tc, test_movement_effects);
    tcase_add_test(tc, test_move_names_round_trip);
    tcase_add_loop_test(tc, test_movement_requests, 0, (int)(sizeof reqs / sizeof reqs[0]));
    tcase_add_test(tc, test_lines_sorted_for_locking_and_keyed);
    tcase_add_test(tc, test_lines_refused);
    tcase_add_test(tc, test_short_lines);
    tcase_add_test(tc, test_edges_fire_on_crossings_only);
    tcase_add_test(tc, test_settings);
    tcase_add_test(tc, test_cover_and_urgency);
    tcase_add_test(tc, test_refs_and_receiving);
    tcase_add_test(tc, test_sample_history);
    suite_add_tcase(s, tc);
    return s;
}
