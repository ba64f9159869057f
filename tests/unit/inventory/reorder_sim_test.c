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

    rs_documents(&d, 7, 10, RS_DOCUMENTS_SAFETY_DAYS, &lv); /* 10 × (7 + 3) */
    ck_assert_double_eq_tol(lv.reorder_point, 100, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 110, EPS);

    /* σ = sqrt(8 · 16 + 100 · 0.49) = sqrt(177); z with σ G(z) = 0.05 · 10 */
    rs_textbook(&d, 7, 1, 0.95, 10, 0, &lv);
    double sigma = sqrt(177), z = rs_z_for_loss(0.5 / sigma);
    ck_assert_double_eq_tol(rs_normal_loss(z) * sigma, 0.5, 1e-6);
    ck_assert_double_eq_tol(lv.reorder_point, ceil(80 + z * sigma), EPS);
    ck_assert_double_eq_tol(lv.order_up_to, lv.reorder_point + 10, EPS);
    /* a higher target, more stock */
    struct rs_levels hi;
    rs_textbook(&d, 7, 1, 0.99, 10, 0, &hi);
    ck_assert(hi.reorder_point > lv.reorder_point);
    /* no variation: the mean over L + R */
    struct rs_demand flat = {.mean = 10, .sd = 0, .days = 100};
    rs_textbook(&flat, 0, 1, 0.95, 10, 0, &lv);
    ck_assert_double_eq_tol(lv.reorder_point, 10, EPS);

    rs_minmax(&d, 1, &lv);
    ck_assert_double_eq_tol(lv.reorder_point, 140, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 280, EPS);
    rs_minmax(&slow, 1, &lv); /* 2.8 → 3, 5.6 → 6 */
    ck_assert_double_eq_tol(lv.reorder_point, 3, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 6, EPS);

    /* the settings: documents' safety days, a shift of the textbook's z, a
     * scale of min/max; as written through rs_baseline_levels is the same */
    rs_documents(&d, 7, 10, 5, &lv); /* 10 × (7 + 5) */
    ck_assert_double_eq_tol(lv.reorder_point, 120, EPS);
    rs_documents(&d, 7, 10, -8, &lv); /* never under 0 */
    ck_assert_double_eq_tol(lv.reorder_point, 0, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 10, EPS);
    rs_textbook(&d, 7, 1, 0.95, 10, 1, &hi);
    ck_assert_double_eq_tol(hi.reorder_point, ceil(80 + (z + 1) * sigma), EPS);
    rs_minmax(&d, 0.5, &lv);
    ck_assert_double_eq_tol(lv.reorder_point, 70, EPS);
    ck_assert_double_eq_tol(lv.order_up_to, 140, EPS);
    struct rs_levels a, b;
    for (int bl = 0; bl < RS_BASELINE_COUNT; bl++) {
        double x = RS_BASELINE_AS_WRITTEN[bl];
        rs_baseline_levels((enum rs_baseline)bl, &d, 7, 1, 0.95, 10, x, &a);
        if (bl == RS_DOCUMENTS)
            rs_documents(&d, 7, 10, RS_DOCUMENTS_SAFETY_DAYS, &b);
        else if (bl == RS_TEXTBOOK)
            rs_textbook(&d, 7, 1, 0.95, 10, 0, &b);
        else
            rs_minmax(&d, 1, &b);
        ck_assert_double_eq_tol(a.reorder_point, b.reorder_point, EPS);
        ck_assert_double_eq_tol(a.order_up_to, b.order_up_to, EPS);
    }
}
END_TEST

/* demand 2 a day, L = 3 fixed, q = 2: the documents' s = ceil(2 (3 + x));
 * s = 6 (x in (−0.5, 0]) covers the lead time and serves everything, s = 5
 * does not, so the least x serving all is just over −0.5 — found from the
 * written 3 days by stepping down and bisecting */
START_TEST(test_equal_service_known_answer)
{
    double y[40];
    for (int i = 0; i < 40; i++)
        y[i] = 2;
    struct rs_demand est = {.mean = 2, .sd = 0, .days = 100};
    double q = 2;
    struct rs_case c = {.demand = y, .n = 40, .est = &est, .q = &q, .setup = FIXED3};
    struct rs_search_in in = {
        .baseline = RS_DOCUMENTS, .lead_mean_days = 3, .review_days = 1, .fill = 1, .target = 1};
    struct rs_search r;
    struct rs_outcome o5, o6;
    struct rs_levels s5 = {5, 7}, s6 = {6, 8};

    ck_assert_int_eq(rs_simulate(y, 40, &s5, &FIXED3, &o5, NULL), TM_OK);
    ck_assert_int_eq(rs_simulate(y, 40, &s6, &FIXED3, &o6, NULL), TM_OK);
    ck_assert(o5.served < o5.demanded);
    ck_assert_double_eq_tol(o6.served, o6.demanded, EPS);

    ck_assert_int_eq(rs_equal_service(&in, &c, 1, &r, NULL), TM_OK);
    ck_assert_int_eq(r.reached, 1);
    ck_assert(r.x > -0.5 && r.x <= -0.5 + 1e-3);
    ck_assert_double_eq_tol(rs_tally_fill(&r.tally), 1, EPS);
    ck_assert_double_eq_tol(r.fill_below, o5.served / o5.demanded, EPS);
    ck_assert_double_eq_tol(r.tally.mean_on_hand, o6.on_hand_sum / 40, EPS);
    ck_assert_int_eq(r.tally.series, 1);
    ck_assert(r.runs > 3 && r.runs <= RS_SEARCH_RUNS_MAX);

    /* a target the written 3 days miss: stepped up to the same answer's kind
     * (fill just at or over the target, the setting just under it misses) */
    struct rs_search_in mm = {
        .baseline = RS_MINMAX, .lead_mean_days = 3, .review_days = 1, .fill = 1, .target = 1};
    est.mean = 0.2; /* as written min/max holds 3 and 6: short at L = 3 */
    ck_assert_int_eq(rs_equal_service(&mm, &c, 1, &r, NULL), TM_OK);
    ck_assert_int_eq(r.reached, 1);
    ck_assert(r.x > 1);
    ck_assert_double_eq_tol(rs_tally_fill(&r.tally), 1, EPS);
    ck_assert(r.fill_below < 1);
    struct rs_levels at;
    rs_minmax(&est, r.x, &at);
    ck_assert_int_eq(rs_simulate(y, 40, &at, &FIXED3, &o6, NULL), TM_OK);
    ck_assert_double_eq_tol(r.tally.mean_on_hand, o6.on_hand_sum / 40, EPS);
    rs_minmax(&est, r.x - 2e-3 * 0.25, &at); /* a step of the tolerance lower misses */
    ck_assert_int_eq(rs_simulate(y, 40, &at, &FIXED3, &o5, NULL), TM_OK);
    ck_assert(o5.served < o5.demanded);
}
END_TEST

/* random demand over several series: the textbook's shift found for each
 * target reaches it, the bracket's other end misses it, and a higher target
 * needs a setting and stock at least as high; a series the baseline holds
 * nothing for (no demand before) cannot be served, so a target over what
 * the others give is not reached */
START_TEST(test_equal_service_pooled_and_unreachable)
{
    enum { NS = 6, N = 120 };
    static double y[NS + 1][N];
    struct rs_demand est[NS + 1];
    double q[NS + 1];
    struct rs_case c[NS + 1];
    struct inv_rng g;
    inv_rng_seed(&g, 7);
    for (int i = 0; i <= NS; i++) {
        for (int t = 0; t < N; t++)
            y[i][t] = rs_uniform(&g) < 0.6 ? floor(rs_uniform(&g) * (2 + 3 * i)) : 0;
        rs_demand_of(y[i], N, N, &est[i]);
        q[i] = est[i].mean > 1 ? ceil(est[i].mean) : 1;
        c[i] = (struct rs_case){.demand = y[i], .n = N, .est = &est[i], .q = &q[i]};
        c[i].setup = (struct rs_setup){
            .review_days = 1, .lead_mean_days = 5, .lead_sd_days = 2, .seed = 100 + (uint64_t)i};
    }
    struct rs_search_in in = {
        .baseline = RS_TEXTBOOK, .lead_mean_days = 5, .review_days = 1, .fill = 0.95};
    struct rs_search prev = {0}, r;
    double targets[3] = {0.80, 0.90, 0.97};
    for (int k = 0; k < 3; k++) {
        in.target = targets[k];
        ck_assert_int_eq(rs_equal_service(&in, c, NS, &r, NULL), TM_OK);
        ck_assert_int_eq(r.reached, 1);
        ck_assert_int_eq(r.tally.series, NS);
        ck_assert(rs_tally_fill(&r.tally) >= targets[k]);
        ck_assert(r.fill_below < targets[k]);
        if (k > 0) {
            ck_assert(r.x >= prev.x);
            ck_assert(r.tally.mean_on_hand >= prev.tally.mean_on_hand);
        }
        prev = r;
    }
    /* the last series: demand the baseline never saw */
    struct rs_demand none = {0};
    c[NS].est = &none;
    for (int t = 0; t < N; t++)
        y[NS][t] = 50;
    in.target = 0.99;
    ck_assert_int_eq(rs_equal_service(&in, c, NS + 1, &r, NULL), TM_OK);
    ck_assert_int_eq(r.reached, 0);
    ck_assert_double_eq_tol(r.x, RS_SEARCH_Z_MAX, EPS);
    ck_assert(rs_tally_fill(&r.tally) < 0.99);

    /* bad input: nothing searched, *out zeroed */
    struct tm_err err;
    in.target = 0;
    ck_assert_int_eq(rs_equal_service(&in, c, NS, &r, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "target");
    ck_assert_int_eq(r.runs, 0);
    in.target = NAN;
    ck_assert_int_eq(rs_equal_service(&in, c, NS, &r, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "target");
    in.target = 0.9;
    ck_assert_int_eq(rs_equal_service(&in, NULL, 2, &r, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "cases");
    /* an empty set demands nothing: served in full at the bottom of the range */
    ck_assert_int_eq(rs_equal_service(&in, NULL, 0, &r, &err), TM_OK);
    ck_assert_int_eq(r.reached, 1);
    ck_assert_double_eq_tol(r.x, RS_SEARCH_Z_MIN, EPS);
    /* a bad setup is rs_simulate's error */
    c[0].setup.review_days = 0;
    ck_assert_int_eq(rs_equal_service(&in, c, NS, &r, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "review_days");
}
END_TEST

/* with re-set periods each case gives an estimate and order size per
 * period; the search replays them as rs_simulate does */
START_TEST(test_equal_service_replans)
{
    double y[20];
    for (int i = 0; i < 20; i++)
        y[i] = i < 10 ? 1 : 4;
    struct rs_demand est[2] = {{.mean = 1, .days = 30}, {.mean = 4, .days = 30}};
    double q[2] = {1, 4};
    struct rs_setup st = FIXED3;
    st.replan_days = 10;
    struct rs_case c = {.demand = y, .n = 20, .est = est, .q = q, .setup = st};
    struct rs_search_in in = {.baseline = RS_DOCUMENTS,
                              .lead_mean_days = 3,
                              .review_days = 1,
                              .fill = 0.9,
                              .target = 0.9};
    struct rs_search r;
    ck_assert_int_eq(rs_equal_service(&in, &c, 1, &r, NULL), TM_OK);
    ck_assert_int_eq(r.reached, 1);
    struct rs_levels lv[2];
    rs_documents(&est[0], 3, q[0], r.x, &lv[0]);
    rs_documents(&est[1], 3, q[1], r.x, &lv[1]);
    struct rs_outcome o;
    ck_assert_int_eq(rs_simulate(y, 20, lv, &st, &o, NULL), TM_OK);
    ck_assert_double_eq_tol(rs_tally_fill(&r.tally), o.served / o.demanded, EPS);
    ck_assert_double_eq_tol(r.tally.mean_on_hand, o.on_hand_sum / 20, EPS);
    ck_assert(o.served / o.demanded >= 0.9);
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
    tcase_add_test(tc, test_equal_service_known_answer);
    tcase_add_test(tc, test_equal_service_pooled_and_unreachable);
    tcase_add_test(tc, test_equal_service_replans);
    suite_add_tcase(s, tc);
    return s;
}
