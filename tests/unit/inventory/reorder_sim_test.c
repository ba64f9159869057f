/* tests/unit/inventory/reorder_sim_test.c — the reorder simulation against
 * runs worked out by hand day by day, its generator and lead-time draws,
 * the baselines' levels against their formulas, the normal loss function
 * against published values, and bad input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/reorder_sim.h"

#define EPS 1e-9

static const struct rs_setup FIXED3 = {
    .review_days = 1, .lead_mean_days = 3, .lead_sd_days = 0, .seed = 1};

/* demand 2 a day, s = 8, S = 12, L = 3: orders of 4 on days 2, 4, 6, 8 (each
 * arriving 3 days later), never short; end-of-day stock 10 8 6 4 2 4 2 4 2 4 */
START_TEST(test_sim_steady_cycle_by_hand)
{
    double d[10];
    for (int i = 0; i < 10; i++)
        d[i] = 2;
    struct rs_levels lv = {.reorder_point = 8, .order_up_to = 12};
    struct rs_outcome o;
    ck_assert_int_eq(rs_simulate(d, 10, &lv, &FIXED3, &o, NULL), TM_OK);
    ck_assert_int_eq(o.days, 10);
    ck_assert_double_eq_tol(o.demanded, 20, EPS);
    ck_assert_double_eq_tol(o.served, 20, EPS);
    ck_assert_double_eq_tol(o.lost, 0, EPS);
    ck_assert_int_eq(o.stockout_days, 0);
    ck_assert_int_eq(o.orders, 4);
    ck_assert_double_eq_tol(o.ordered, 16, EPS);
    ck_assert_double_eq_tol(o.on_hand_sum, 46, EPS);
}
END_TEST

/* demand 3 a day, s = 0, S = 5, L = 2: day 0 serves 3 (2 left), day 1 serves
 * 2 and loses 1, day 2 orders 5 and loses 3, day 3 loses 3, day 4 receives 5
 * and serves 3, day 5 serves 2 and loses 1 */
START_TEST(test_sim_lost_sales_by_hand)
{
    double d[6] = {3, 3, 3, 3, 3, 3};
    struct rs_levels lv = {.reorder_point = 0, .order_up_to = 5};
    struct rs_setup st = FIXED3;
    struct rs_outcome o;
    st.lead_mean_days = 2;
    ck_assert_int_eq(rs_simulate(d, 6, &lv, &st, &o, NULL), TM_OK);
    ck_assert_double_eq_tol(o.demanded, 18, EPS);
    ck_assert_double_eq_tol(o.served, 10, EPS);
    ck_assert_double_eq_tol(o.lost, 8, EPS);
    ck_assert_int_eq(o.stockout_days, 4);
    ck_assert_int_eq(o.orders, 1);
    ck_assert_double_eq_tol(o.on_hand_sum, 2 + 0 + 0 + 0 + 2 + 0, EPS);
}
END_TEST

/* reviews only every R days; a lead time of 0 arrives before the day's
 * demand; missing and negative days have no demand */
START_TEST(test_sim_review_period_and_zero_lead)
{
    double d[7] = {4, 4, NAN, -2, 4, 4, 4};
    struct rs_levels lv = {.reorder_point = 4, .order_up_to = 8};
    struct rs_setup st = {.review_days = 3, .lead_mean_days = 0, .seed = 1};
    struct rs_outcome o;
    ck_assert_int_eq(rs_simulate(d, 7, &lv, &st, &o, NULL), TM_OK);
    /* day 0: 8, no order, 4 left; day 1: 0 left (no review); day 2, 3: none;
     * day 3 review: 0 ≤ 4, order 8 at once, 8 left; day 4: 4; day 5: 0; day 6
     * review: order 8, 4 left */
    ck_assert_int_eq(o.orders, 2);
    ck_assert_double_eq_tol(o.demanded, 20, EPS);
    ck_assert_double_eq_tol(o.served, 20, EPS);
    ck_assert_double_eq_tol(o.on_hand_sum, 4 + 0 + 0 + 8 + 4 + 0 + 4, EPS);
}
END_TEST

/* An order due after the last day stays on order: it is not ordered again. */
START_TEST(test_sim_order_beyond_the_replay_stays_on_order)
{
    double d[4] = {5, 0, 0, 0};
    struct rs_levels lv = {.reorder_point = 5, .order_up_to = 10};
    struct rs_setup st = FIXED3;
    struct rs_outcome o;
    st.lead_mean_days = 30;
    ck_assert_int_eq(rs_simulate(d, 4, &lv, &st, &o, NULL), TM_OK);
    ck_assert_int_eq(o.orders, 1); /* day 1: position 5 ≤ 5, 5 ordered; after: 10 */
    ck_assert_double_eq_tol(o.ordered, 5, EPS);
    ck_assert_double_eq_tol(o.on_hand_sum, 20, EPS);
}
END_TEST

/* re-set every 3 days: days 0-2 under (0, 4), days 3-5 under (10, 14);
 * lead time 0. Day 2 orders 4 (0 ≤ 0), day 3 orders 12 (2 ≤ 10), day 5
 * orders 4 (10 ≤ 10); end-of-day stock 2 0 2 12 10 12 */
START_TEST(test_sim_replans)
{
    double d[6] = {2, 2, 2, 2, 2, 2};
    struct rs_levels lv[2] = {{0, 4}, {10, 14}};
    struct rs_setup st = {.review_days = 1, .lead_mean_days = 0, .seed = 1, .replan_days = 3};
    struct rs_outcome o;
    struct tm_err err;
    ck_assert_int_eq(rs_simulate(d, 6, lv, &st, &o, NULL), TM_OK);
    ck_assert_int_eq(o.orders, 3);
    ck_assert_double_eq_tol(o.ordered, 20, EPS);
    ck_assert_double_eq_tol(o.on_hand_sum, 38, EPS);
    ck_assert_double_eq_tol(o.served, 12, EPS);
    /* every level is checked; a negative period is refused */
    lv[1].order_up_to = 5;
    ck_assert_int_eq(rs_simulate(d, 6, lv, &st, &o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "order_up_to");
    st.replan_days = -1;
    ck_assert_int_eq(rs_simulate(d, 6, lv, &st, &o, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "replan_days");
}
END_TEST

/* the same seed, the same run; lead times vary between orders */
START_TEST(test_sim_repeatable_with_a_seed)
{
    double d[200];
    for (int i = 0; i < 200; i++)
        d[i] = (i * 7919) % 5;
    struct rs_levels lv = {.reorder_point = 20, .order_up_to = 30};
    struct rs_setup st = {.review_days = 1, .lead_mean_days = 7, .lead_sd_days = 2.5, .seed = 42};
    struct rs_outcome a, b, c;
    ck_assert_int_eq(rs_simulate(d, 200, &lv, &st, &a, NULL), TM_OK);
    ck_assert_int_eq(rs_simulate(d, 200, &lv, &st, &b, NULL), TM_OK);
    st.seed = 43;
    ck_assert_int_eq(rs_simulate(d, 200, &lv, &st, &c, NULL), TM_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    ck_assert(a.on_hand_sum != c.on_hand_sum || a.lost != c.lost);
    ck_assert_double_eq_tol(a.served + a.lost, a.demanded, EPS);
}
END_TEST

START_TEST(test_rng_and_lead_draws)
{
    struct inv_rng r, r2;
    inv_rng_seed(&r, 7);
    inv_rng_seed(&r2, 7);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(inv_rng_next(&r), inv_rng_next(&r2));
    double sum = 0, sq = 0, usum = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = rs_uniform(&r);
        ck_assert(u >= 0 && u < 1);
        usum += u;
        double z = rs_normal(&r);
        sum += z;
        sq += z * z;
    }
    ck_assert_double_eq_tol(usum / n, 0.5, 0.005);
    ck_assert_double_eq_tol(sum / n, 0, 0.01);
    ck_assert_double_eq_tol(sq / n, 1, 0.02);
    /* no spread: the mean, rounded; never negative; whole days around the mean */
    ck_assert_int_eq(rs_lead_draw(&r, 6.6, 0), 7);
    double lsum = 0;
    for (int i = 0; i < 20000; i++) {
        int l = rs_lead_draw(&r, 0.5, 3);
        ck_assert_int_ge(l, 0);
        int m = rs_lead_draw(&r, 7, 2.5);
        lsum += m;
    }
    ck_assert_double_eq_tol(lsum / 20000, 7, 0.1);
}
END_TEST

START_TEST(test_sim_refuses_bad_input)
{
    double d[3] = {1, 1, 1};
    struct rs_levels ok = {.reorder_point = 1, .order_up_to = 2};
    struct rs_outcome o;
    struct tm_err err;
    struct {
        struct rs_levels lv;
        struct rs_setup st;
        int n;
        const char *field;
    } bad[] = {
        {ok, {.review_days = 0, .lead_mean_days = 1}, 3, "review_days"},
        {ok, {.review_days = RS_REVIEW_MAX + 1, .lead_mean_days = 1}, 3, "review_days"},
        {ok, {.review_days = 1, .lead_mean_days = -1}, 3, "lead_mean_days"},
        {ok, {.review_days = 1, .lead_mean_days = NAN}, 3, "lead_mean_days"},
        {ok, {.review_days = 1, .lead_mean_days = 1, .lead_sd_days = -0.5}, 3, "lead_sd_days"},
        {{-1, 2}, {.review_days = 1}, 3, "reorder_point"},
        {{NAN, 2}, {.review_days = 1}, 3, "reorder_point"},
        {{3, 2}, {.review_days = 1}, 3, "order_up_to"},
        {{0, INFINITY}, {.review_days = 1}, 3, "order_up_to"},
        {ok, {.review_days = 1}, -1, "demand"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.orders = 99;
        ck_assert_int_eq(rs_simulate(d, bad[i].n, &bad[i].lv, &bad[i].st, &o, &err), TM_INVALID);
        ck_assert_str_eq(err.field, bad[i].field);
        ck_assert_int_eq(o.orders, 0);
    }
    ck_assert_int_eq(rs_simulate(NULL, 0, &ok, &FIXED3, &o, &err), TM_OK);
    ck_assert_int_eq(o.days, 0);
}
END_TEST

START_TEST(test_demand_of_window_and_leading_zeros)
{
    double y[10] = {0, 0, 2, NAN, 4, -1, 6, 0, 2, 4};
    struct rs_demand d;
    rs_demand_of(y, 10, 365, &d); /* from index 2: 2 4 0 6 0 2 4 (NaN skipped) */
    ck_assert_int_eq(d.days, 7);
    ck_assert_double_eq_tol(d.mean, 18.0 / 7, EPS);
    double m = 18.0 / 7, ss = 0;
    double v[7] = {2, 4, 0, 6, 0, 2, 4};
    for (int i = 0; i < 7; i++)
        ss += (v[i] - m) * (v[i] - m);
    ck_assert_double_eq_tol(d.sd, sqrt(ss / 6), EPS);
    rs_demand_of(y, 10, 3, &d); /* 0 2 4 */
    ck_assert_int_eq(d.days, 3);
    ck_assert_double_eq_tol(d.mean, 2, EPS);
    ck_assert_double_eq_tol(d.sd, 2, EPS);
    double z[3] = {0, 0, 0};
    rs_demand_of(z, 3, 10, &d);
    ck_assert_int_eq(d.days, 0);
    ck_assert_double_eq_tol(d.mean, 0, EPS);
}
END_TEST

/* Published values of G(z) (Silver, Pyke & Thomas, appendix): G(0) = 0.3989,
 * G(1) = 0.0833, G(2) = 0.0085, G(−1) = 1.0833. */
START_TEST(test_normal_loss_and_its_inverse)
{
    ck_assert_double_eq_tol(rs_normal_loss(0), 0.398942, 1e-6);
    ck_assert_double_eq_tol(rs_normal_loss(1), 0.083315, 1e-6);
    ck_assert_double_eq_tol(rs_normal_loss(2), 0.008491, 1e-6);
    ck_assert_double_eq_tol(rs_normal_loss(-1), 1.083315, 1e-6);
    for (double z = -4; z <= 4; z += 0.25)
        ck_assert_double_eq_tol(rs_z_for_loss(rs_normal_loss(z)), z, 1e-6);
    ck_assert_double_eq_tol(rs_z_for_loss(50), -50, 1e-3); /* G(z) → −z */
}
END_TEST

START_TEST(test_baseline_levels)
{
    struct rs_demand d = {.mean = 10, .sd = 4, .days = 100};
    struct rs_costs none = {.unit_cost = 1, .holding_rate = 0.25, .order_cost = 0};
    struct rs_costs k = {.unit_cost = 2, .holding_rate = 0.25, .order_cost = 5};
    struct rs_levels lv;

    /* no order cost: R days of demand; EOQ = sqrt(2 · 3650 · 5 / 0.5) = 270.19 */
    ck_assert_double_eq_tol(rs_order_size(&d, 1, &none), 10, EPS);
    ck_assert_double_eq_tol(rs_order_size(&d, 2, &none), 20, EPS);
    ck_assert_double_eq_tol(rs_order_size(&d, 1, &k), 271, EPS);
    struct rs_demand slow = {.mean = 0.2, .sd = 0.5, .days = 100};
    ck_assert_double_eq_tol(rs_order_size(&slow, 1, &none), 1, EPS);

    rs_documents(&d, 7, 10, &lv); /* 10 × (7 + 3) */
    ck_assert_double_eq_tol(lv.reorder_point, 100, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 110, EPS);

    /* σ = sqrt(8 · 16 + 100 · 0.49) = sqrt(177); z with σ G(z) = 0.05 · 10 */
    rs_textbook(&d, 7, 1, 0.95, 10, &lv);
    double sigma = sqrt(177), z = rs_z_for_loss(0.5 / sigma);
    ck_assert_double_eq_tol(rs_normal_loss(z) * sigma, 0.5, 1e-6);
    ck_assert_double_eq_tol(lv.reorder_point, ceil(80 + z * sigma), EPS);
    ck_assert_double_eq_tol(lv.order_up_to, lv.reorder_point + 10, EPS);
    /* a higher target, more stock */
    struct rs_levels hi;
    rs_textbook(&d, 7, 1, 0.99, 10, &hi);
    ck_assert(hi.reorder_point > lv.reorder_point);
    /* no variation: the mean over L + R */
    struct rs_demand flat = {.mean = 10, .sd = 0, .days = 100};
    rs_textbook(&flat, 0, 1, 0.95, 10, &lv);
    ck_assert_double_eq_tol(lv.reorder_point, 10, EPS);

    rs_minmax(&d, &lv);
    ck_assert_double_eq_tol(lv.reorder_point, 140, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 280, EPS);
    rs_minmax(&slow, &lv); /* 2.8 → 3, 5.6 → 6 */
    ck_assert_double_eq_tol(lv.reorder_point, 3, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 6, EPS);
}
END_TEST

START_TEST(test_tally_pools_units)
{
    struct rs_tally t = {0};
    struct rs_outcome a = {.days = 10,
                           .demanded = 100,
                           .served = 90,
                           .stockout_days = 2,
                           .on_hand_sum = 50,
                           .orders = 3};
    struct rs_outcome b = {
        .days = 10, .demanded = 10, .served = 10, .on_hand_sum = 20, .orders = 1};
    ck_assert_double_eq_tol(rs_tally_fill(&t), 1, EPS);
    rs_tally_add(&t, &a);
    rs_tally_add(&t, &b);
    ck_assert_int_eq(t.series, 2);
    ck_assert_double_eq_tol(rs_tally_fill(&t), 100.0 / 110, EPS); /* not (0.9 + 1) / 2 */
    ck_assert_double_eq_tol(t.mean_on_hand, 7, EPS);
    ck_assert_double_eq_tol(t.daily_demand, 11, EPS);
    ck_assert_double_eq_tol(t.stockout_days, 2, EPS);
    ck_assert_double_eq_tol(t.orders, 4, EPS);
}
END_TEST

Suite *reorder_sim_suite(void);

Suite *
reorder_sim_suite(void)
{
    Suite *s = suite_create("inventory.reorder_sim");
    TCase *tc = tcase_create("reorder_sim");

    tcase_add_test(tc, test_sim_steady_cycle_by_hand);
    tcase_add_test(tc, test_sim_lost_sales_by_hand);
    tcase_add_test(tc, test_sim_review_period_and_zero_lead);
    tcase_add_test(tc, test_sim_order_beyond_the_replay_stays_on_order);
    tcase_add_test(tc, test_sim_replans);
    tcase_add_test(tc, test_sim_repeatable_with_a_seed);
    tcase_add_test(tc, test_rng_and_lead_draws);
    tcase_add_test(tc, test_sim_refuses_bad_input);
    tcase_add_test(tc, test_demand_of_window_and_leading_zeros);
    tcase_add_test(tc, test_normal_loss_and_its_inverse);
    tcase_add_test(tc, test_baseline_levels);
    tcase_add_test(tc, test_tally_pools_units);
    suite_add_tcase(s, tc);
    return s;
}
