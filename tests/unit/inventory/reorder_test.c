/* tests/unit/inventory/reorder_test.c — the reorder policy (reorder.h)
 * against values worked out by hand: the quantile function's integrals,
 * rounding, a deterministic demand, what a spread lead time and a higher
 * target do, netting, urgency, bad input, ABC classes, and the engine's
 * distribution handed over whole. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/reorder.h"

/* every day's demand exactly `per_day` */
static void
constant_dist(struct rp_dist *d, double per_day, int H)
{
    memset(d, 0, sizeof *d);
    d->cls = FC_SMOOTH;
    d->model = FC_SES;
    d->horizon = H;
    for (int h = 0; h < H; h++) {
        d->cum_mean[h] = per_day * (h + 1);
        for (int j = 0; j < FC_CUM_NQ; j++)
            d->cum_q[h][j] = per_day * (h + 1);
    }
}

/* the sum over h days uniform on [0, 2 × 50 h]: Q(u) = 100 h u */
static void
uniform_dist(struct rp_dist *d, int H)
{
    memset(d, 0, sizeof *d);
    d->horizon = H;
    for (int h = 0; h < H; h++) {
        d->cum_mean[h] = 50.0 * (h + 1);
        for (int j = 0; j < FC_CUM_NQ; j++)
            d->cum_q[h][j] = 100.0 * (h + 1) * fc_cum_levels[j];
    }
}

/* the sum over h days normal, mean m·h and sd c·√(m·h) (a Poisson-like
 * demand, c the overdispersion), cut at 0 */
static void
normal_dist(struct rp_dist *d, double m, double c, int H)
{
    memset(d, 0, sizeof *d);
    d->horizon = H;
    for (int j = 0; j < FC_CUM_NQ; j++) {
        double lo = -8, hi = 8; /* z with Φ(z) = level, by bisection */
        for (int it = 0; it < 60; it++) {
            double mid = (lo + hi) / 2;
            if (0.5 * erfc(-mid / sqrt(2)) < fc_cum_levels[j])
                lo = mid;
            else
                hi = mid;
        }
        for (int h = 0; h < H; h++) {
            double mu = m * (h + 1);
            d->cum_mean[h] = mu;
            d->cum_q[h][j] = fmax(0, mu + c * sqrt(mu) * lo);
        }
    }
}

static struct rp_input
input(const struct rp_dist *d)
{
    struct rp_input in = {
        .dist = d,
        .lead = {.mean_days = 5, .sd_days = 0, .source = RP_LEAD_GIVEN},
        .review_days = 1,
        .fill_rate = 0.98,
        .abc = 'A',
        .pack_size = 1,
        .unit_cost = 100,
        .holding_rate = 0.25,
        .today_day = 20000,
    };
    return in;
}

START_TEST(test_excess_integrals)
{
    struct rp_dist *d = malloc(sizeof *d);
    constant_dist(d, 10, 3);
    ck_assert_double_eq_tol(rp_expected_excess(d, 2, 0), 20, 1e-9);
    ck_assert_double_eq_tol(rp_expected_excess(d, 2, 15), 5, 1e-9);
    ck_assert_double_eq_tol(rp_expected_excess(d, 2, 20), 0, 1e-9);
    ck_assert_double_eq_tol(rp_expected_excess(d, 2, 25), 0, 1e-9);
    ck_assert_double_eq_tol(rp_expected_excess(d, 4, 0), 0, 1e-9); /* past the horizon */

    /* uniform on [0, 100]: E[(U − s)⁺] = (100 − s)² / 200; the grid's
     * ends (flat below 0.01, exponential above 0.99) cost a little */
    uniform_dist(d, 1);
    ck_assert_double_eq_tol(rp_expected_excess(d, 1, 0), 50, 0.05);
    ck_assert_double_eq_tol(rp_expected_excess(d, 1, 50), 12.5, 0.05);
    ck_assert_double_eq_tol(rp_expected_excess(d, 1, 90), 0.5, 0.02);
    /* above the grid: the tail decays but never ends */
    double e99 = rp_expected_excess(d, 1, 99), e105 = rp_expected_excess(d, 1, 105);
    ck_assert(e105 > 0 && e105 < e99);
    free(d);
}
END_TEST

START_TEST(test_round_order)
{
    ck_assert_int_eq(rp_round_order(0, 0, 1), 0);
    ck_assert_int_eq(rp_round_order(-3, 5, 1), 0);
    ck_assert_int_eq(rp_round_order(3.2, 0, 1), 4);
    ck_assert_int_eq(rp_round_order(3, 10, 1), 10);
    ck_assert_int_eq(rp_round_order(11, 10, 6), 12);
    ck_assert_int_eq(rp_round_order(12, 0, 6), 12);
    ck_assert_int_eq(rp_round_order(12.0000000001, 0, 6), 12);
    ck_assert_int_eq(rp_round_order(1, 7, 6), 12); /* the MOQ, then whole packs */
}
END_TEST

START_TEST(test_deterministic_demand)
{
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result r;
    struct tm_err err;
    constant_dist(d, 10, 30);
    struct rp_input in = input(d);

    /* no order cost: no EOQ; the order is the review period's demand (10).
     * D(1) = 10 is not under q = 10, so every review orders (the renewal:
     * a cycle of one review, y = S each time). D(L) = 50 and D(L + R) = 60
     * for sure. Backordered, a review short (60 − S)⁺ − (50 − S)⁺ ≤ 2 % of
     * 10 needs S ≥ 59.8: S = 60, s = 50, nothing short. Lost sales (the
     * default) lift the position by 2 % of D(L) = 1 unit: S + 1 ≥ 59.8,
     * S = 59, s = 49 (a replay: sales σ = 59 − 5σ, σ = 9.83 of 10, fill
     * 0.983) */
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.lead_lo, 5);
    ck_assert_int_eq(r.lead_hi, 5);
    ck_assert_double_eq_tol(r.crossing_sd_days, 0, 1e-12);
    ck_assert_double_eq_tol(r.protection_mean, 60, 1e-9);
    ck_assert_double_eq_tol(r.lead_mean, 50, 1e-9);
    ck_assert_double_eq_tol(r.lost_lift, 1, 1e-9);
    ck_assert_double_eq_tol(r.daily_mean, 10, 1e-9);
    ck_assert_double_eq_tol(r.review_mean, 10, 1e-9);
    ck_assert_double_eq_tol(r.eoq, 0, 1e-12);
    ck_assert_int_eq(r.order_size, 10);
    ck_assert_double_eq_tol(r.undershoot, 4.5, 1e-9);
    ck_assert_int_eq(r.renewal, 1);
    ck_assert_double_eq_tol(r.order_share, 1, 1e-12);
    ck_assert_double_eq_tol(r.cycle_reviews, 1, 1e-12);
    ck_assert_int_eq(r.reorder_point, 49);
    ck_assert_double_eq_tol(r.shortage_per_review, 0, 1e-9);
    ck_assert_double_eq_tol(r.expected_fill_rate, 1, 1e-9);
    ck_assert_double_eq_tol(r.safety_stock, -11, 1e-9);
    ck_assert_int_eq(r.order_up_to, 59);
    /* nothing on hand: an order up to S, at once */
    ck_assert(r.reorder);
    ck_assert_int_eq(r.order_quantity, 59);
    ck_assert_int_eq(r.urgency, RP_URGENCY_CRITICAL);
    in.unmet = RP_BACKORDERS;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_double_eq_tol(r.lost_lift, 0, 1e-12);
    ck_assert_int_eq(r.reorder_point, 50);
    ck_assert_int_eq(r.order_up_to, 60);

    /* backordered still. EOQ: sqrt(2 × 3650 × 2000 / (0.25 × 100)) =
     * sqrt(584000) = 764.2; an order lasts 76 reviews, past the 6 days the
     * distribution needs: y uniform on (s, S], orders at 10 / 769.5 of the
     * reviews (the undershoot); the rest short
     * (50 + 10 (50 − s)) / 765 each when s < 50: at most 0.2 from s = 40 */
    in.order_cost = 2000;
    in.on_hand = 40;
    in.reserved = 5;
    in.incoming_due = 10;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_double_eq_tol(r.eoq, sqrt(584000.0), 1e-6);
    ck_assert_int_eq(r.order_size, 765);
    ck_assert_int_eq(r.renewal, 0);
    ck_assert_double_eq_tol(r.order_share, 10 / 769.5, 1e-9);
    ck_assert_int_eq(r.reorder_point, 40);
    ck_assert_int_eq(r.order_up_to, 40 + 765);
    ck_assert_double_eq_tol(r.shortage_per_review, (1 - 10 / 769.5) * 150 / 765, 1e-9);
    ck_assert_double_eq_tol(r.safety_stock, -20, 1e-9);
    ck_assert_int_eq(r.available, 35);
    ck_assert_int_eq(r.position, 45);
    ck_assert(!r.reorder); /* what is on its way keeps it above s */
    ck_assert_int_eq(r.order_quantity, 0);
    ck_assert_int_eq(r.urgency, RP_URGENCY_NONE);
    in.max_cover_days = 30; /* 76 days' EOQ capped at 30 days: 300 units */
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_double_eq_tol(r.eoq, sqrt(584000.0), 1e-6);
    ck_assert_int_eq(r.order_size, 300);
    ck_assert(r.reorder_point > 40); /* more cycles, each allowed less short */
    in.max_cover_days = 0;
    in.incoming_due = 0;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert(r.reorder);
    ck_assert_int_eq(r.order_quantity_raw, 805 - 35);
    ck_assert_int_eq(r.order_quantity, 770);
    /* 35 units last three and a half days: out on day 4 (today is day 1),
     * before an order placed today arrives (5 days) */
    ck_assert_int_eq(r.stockout_day, in.today_day + 3);
    ck_assert_int_eq(r.urgency, RP_URGENCY_HIGH);

    /* MOQ 1000 in packs of 24: orders of 1008, and a lower s for them */
    in.moq = 1000;
    in.pack_size = 24;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.order_size, 1008);
    ck_assert_int_eq(r.reorder_point, 35);
    ck_assert(r.reorder);
    ck_assert_int_eq(r.order_quantity_raw, 1043 - 35);
    ck_assert_int_eq(r.order_quantity, 1008);
    in.on_hand = 39; /* 34 available: an order of 1009 units, 43 packs */
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.order_quantity_raw, 1009);
    ck_assert_int_eq(r.order_quantity, 1032);

    in.on_hand = in.reserved = 5; /* nothing available */
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.urgency, RP_URGENCY_CRITICAL);
    ck_assert_int_eq(r.stockout_day, in.today_day);

    in.on_hand = 200;
    in.reserved = 0;
    in.incoming_due = 0;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert(!r.reorder);
    ck_assert_int_eq(r.order_quantity, 0);
    ck_assert_int_eq(r.urgency, RP_URGENCY_NONE);
    ck_assert_int_eq(r.stockout_day, in.today_day + 20); /* 200 units: day 21 */
    free(d);
}
END_TEST

/* the positions between orders: a cycle as long as the demand since the
 * order stays under q, each review leaving S − D(kR) */
START_TEST(test_renewal_positions)
{
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result r;
    struct tm_err err;
    constant_dist(d, 10, 30);
    struct rp_input in = input(d);

    /* orders of 25 at least (MOQ), reviewed daily: D(1) = 10, D(2) = 20
     * under 25, D(3) = 30 not: a cycle of 3 reviews leaving S, S − 10,
     * S − 20 (the replay: 79, 69, 59, then 49 ≤ s orders 30). Lost sales
     * lift y by 1 (2 % of D(5) = 50); shortage (60 − y − 1)⁺ − (50 − y −
     * 1)⁺ only at S − 20: (79 − S)⁺ / 3 ≤ 0.2 needs S ≥ 78.4: S = 79 (at
     * 78, 1 / 3 short), s = 54 */
    in.moq = 25;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.order_size, 25);
    ck_assert_int_eq(r.renewal, 1);
    ck_assert_double_eq_tol(r.cycle_reviews, 3, 1e-12);
    ck_assert_double_eq_tol(r.order_share, 1.0 / 3, 1e-12);
    ck_assert_int_eq(r.reorder_point, 54);
    ck_assert_int_eq(r.order_up_to, 79);
    ck_assert_double_eq_tol(r.shortage_per_review, 0, 1e-9);

    /* weekly review, orders of a week's demand (70): D(7) = 70 is not
     * under 70, so every review orders. D(L + R) = 120, D(L) = 50; lost
     * sales lift y by 1: (120 − S − 1)⁺ ≤ 2 % of 70 = 1.4 needs S ≥ 117.6:
     * S = 118, s = 48. (Taken as uniform on (s, S], the rule before, a
     * third of the reviews would leave y anywhere in (48, 118]; a steady
     * 10 a day leaves it at S every time.) */
    in.moq = 0;
    in.review_days = 7;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.order_size, 70);
    ck_assert_int_eq(r.renewal, 1);
    ck_assert_double_eq_tol(r.order_share, 1, 1e-12);
    ck_assert_int_eq(r.reorder_point, 48);
    ck_assert_int_eq(r.order_up_to, 118);
    ck_assert_double_eq_tol(r.shortage_per_review, 1, 1e-9);
    ck_assert_double_eq_tol(r.expected_fill_rate, 1 - 1.0 / 70, 1e-9);
    free(d);
}
END_TEST

/* An order lasting many daily reviews holds thousands of positions
 * between orders; they are merged onto RP_RENEWAL_POINTS offsets. On a
 * 20 ± 3 day lead time the merged s is within 0.5% of the one costed on
 * every position, and a 150 ± 10 day lead time (the uncapped cost some
 * 10^9 operations) is costed on the renewal all the same. */
START_TEST(test_renewal_positions_bounded)
{
    struct rp_dist *d = malloc(sizeof *d);
    normal_dist(d, 50, 1.5, RP_MAX_HORIZON);
    struct rp_input in = input(d);
    struct rp_result capped, full;
    struct tm_err err;
    in.lead = (struct rp_lead){.mean_days = 20, .sd_days = 3, .source = RP_LEAD_GIVEN};
    in.moq = 1000; /* 20 days of demand: some 20 × 64 positions */
    ck_assert_int_eq(rp_policy(&in, &capped, &err), TM_OK);
    in.renewal_points = 1 << 20;
    ck_assert_int_eq(rp_policy(&in, &full, &err), TM_OK);
    ck_assert_int_eq(capped.renewal, 1);
    ck_assert_int_eq(full.renewal, 1);
    ck_assert_double_eq_tol((double)capped.reorder_point, (double)full.reorder_point,
                            fmax(1, 0.005 * (double)full.reorder_point));
    ck_assert_double_eq_tol(capped.order_share, full.order_share, 1e-12);

    in.renewal_points = 0;
    in.lead = (struct rp_lead){.mean_days = 150, .sd_days = 10, .source = RP_LEAD_GIVEN};
    ck_assert_int_eq(rp_policy(&in, &capped, &err), TM_OK);
    ck_assert_int_eq(capped.renewal, 1);
    ck_assert(capped.reorder_point > 150 * 50);
    ck_assert(capped.reorder_point < 190 * 50);
    free(d);
}
END_TEST

START_TEST(test_spread_and_target_raise_the_point)
{
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result fixed, spread, lower;
    struct tm_err err;
    uniform_dist(d, 60);
    struct rp_input in = input(d);
    in.lead.mean_days = 7;

    ck_assert_int_eq(rp_policy(&in, &fixed, &err), TM_OK);
    in.lead.sd_days = 3;
    ck_assert_int_eq(rp_horizon_needed(&in.lead, 1), 20); /* ceil(7 + 12) + 1 */
    ck_assert_int_eq(rp_policy(&in, &spread, &err), TM_OK);
    ck_assert_int_eq(spread.lead_lo, 0);
    ck_assert_int_eq(spread.lead_hi, 19);
    ck_assert_double_eq_tol(spread.protection_mean, fixed.protection_mean, 1.0);
    ck_assert(spread.reorder_point > fixed.reorder_point);
    ck_assert(spread.expected_fill_rate >= 0.98 - 1e-9);
    in.fill_rate = 0.90;
    ck_assert_int_eq(rp_policy(&in, &lower, &err), TM_OK);
    ck_assert(lower.reorder_point < spread.reorder_point);
    ck_assert(lower.expected_fill_rate >= 0.90 - 1e-9);
    /* a spread lead time: orders that cross meet less of it */
    ck_assert(spread.crossing_sd_days > 0 && spread.crossing_sd_days < 3);
    ck_assert_double_eq_tol(fixed.expected_fill_rate,
                            1 - fixed.shortage_per_review / fixed.review_mean, 1e-12);
    free(d);
}
END_TEST

/* the distribution rp_horizon_needed asks for is enough: a longer one
 * gives the same levels (no lead time the policy weighs reads past it),
 * and a fixed lead time has no spread to cross with, fractional or not */
START_TEST(test_needed_horizon_is_enough)
{
    static const struct {
        double mean, sd;
        int review;
    } cases[] = {{7.5, 0, 7}, {7.67, 0.58, 7}, {14, 0.5, 7},
                 {7, 2.5, 1}, {150.5, 0, 30},  {3, 1, 14}};
    struct rp_dist *d = malloc(sizeof *d), *wide = malloc(sizeof *wide);
    struct rp_result r1, r2;
    struct tm_err err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rp_lead lead = {cases[i].mean, cases[i].sd, RP_LEAD_GIVEN, 0, 0};
        int need = rp_horizon_needed(&lead, cases[i].review);
        ck_assert_int_le(need, RP_MAX_HORIZON);
        uniform_dist(d, need);
        uniform_dist(wide, RP_MAX_HORIZON);
        struct rp_input in = input(d);
        in.lead = lead;
        in.review_days = cases[i].review;
        in.order_cost = 5000;
        ck_assert_int_eq(rp_policy(&in, &r1, &err), TM_OK);
        in.dist = wide;
        ck_assert_int_eq(rp_policy(&in, &r2, &err), TM_OK);
        ck_assert_msg(r1.reorder_point == r2.reorder_point,
                      "case %zu: s %ld with %d days, %ld with %d", i, (long)r1.reorder_point, need,
                      (long)r2.reorder_point, RP_MAX_HORIZON);
        ck_assert(r1.crossing_sd_days <= cases[i].sd + 1e-12);
        ck_assert(r1.between_sd_days <= cases[i].sd + 1e-12);
        if (cases[i].sd == 0)
            ck_assert_double_eq(r1.crossing_sd_days, 0);
    }
    /* a longer fixed lead time never lowers s */
    uniform_dist(wide, RP_MAX_HORIZON);
    int64_t prev = -1;
    for (double L = 7; L <= 9.01; L += 0.25) {
        struct rp_input in = input(wide);
        in.lead.mean_days = L;
        in.review_days = 7;
        in.order_cost = 5000;
        ck_assert_int_eq(rp_policy(&in, &r1, &err), TM_OK);
        ck_assert_msg(r1.reorder_point >= prev, "L %.2f: s %ld after %ld", L,
                      (long)r1.reorder_point, (long)prev);
        prev = r1.reorder_point;
    }
    free(wide);
    free(d);
}
END_TEST

/* the order placed is S − position: with the EOQ capped it buys no more
 * than the cap's order size beyond what brings the position to s */
START_TEST(test_capped_order_quantity)
{
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result r;
    struct tm_err err;
    constant_dist(d, 10, 30);
    struct rp_input in = input(d);
    in.order_cost = 50000; /* EOQ 2417 units: 242 days */
    in.max_cover_days = 60;
    in.on_hand = 0;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert(r.eoq > 2000);
    ck_assert_int_eq(r.order_size, 600);
    ck_assert(r.reorder);
    ck_assert_int_eq(r.order_quantity, r.order_up_to);
    ck_assert(r.order_quantity <= r.reorder_point + 600);
    free(d);
}
END_TEST

START_TEST(test_no_demand_orders_nothing)
{
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result r;
    struct tm_err err;
    constant_dist(d, 0, 10);
    struct rp_input in = input(d);
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert_int_eq(r.reorder_point, 0);
    ck_assert(!r.reorder);
    ck_assert_int_eq(r.order_quantity, 0);
    ck_assert_int_eq(r.stockout_day, in.today_day); /* nothing on hand */
    free(d);
}
END_TEST

static void
spoil_fill_zero(struct rp_input *in)
{
    in->fill_rate = 0;
}
static void
spoil_fill_one(struct rp_input *in)
{
    in->fill_rate = 1;
}
static void
spoil_fill_nan(struct rp_input *in)
{
    in->fill_rate = NAN;
}
static void
spoil_lead_neg(struct rp_input *in)
{
    in->lead.mean_days = -1;
}
static void
spoil_lead_sd_neg(struct rp_input *in)
{
    in->lead.sd_days = -0.5;
}
static void
spoil_lead_far(struct rp_input *in)
{
    in->lead.mean_days = 1e6;
}
static void
spoil_review0(struct rp_input *in)
{
    in->review_days = 0;
}
static void
spoil_moq_neg(struct rp_input *in)
{
    in->moq = -1;
}
static void
spoil_pack0(struct rp_input *in)
{
    in->pack_size = 0;
}
static void
spoil_cost_neg(struct rp_input *in)
{
    in->unit_cost = -1;
}
static void
spoil_hold_inf(struct rp_input *in)
{
    in->holding_rate = INFINITY;
}
static void
spoil_order_neg(struct rp_input *in)
{
    in->order_cost = -5;
}
static void
spoil_cover_neg(struct rp_input *in)
{
    in->max_cover_days = -1;
}
static void
spoil_onhand_neg(struct rp_input *in)
{
    in->on_hand = -1;
}
static void
spoil_reserved_neg(struct rp_input *in)
{
    in->reserved = -2;
}
static void
spoil_incoming_neg(struct rp_input *in)
{
    in->incoming_due = -3;
}
static void
spoil_no_dist(struct rp_input *in)
{
    in->dist = NULL;
}
static void
spoil_short(struct rp_input *in)
{
    in->lead.mean_days = 9.5;
}

static const struct {
    const char *field;
    void (*spoil)(struct rp_input *);
} spoiled[] = {
    {"fill_rate", spoil_fill_zero},
    {"fill_rate", spoil_fill_one},
    {"fill_rate", spoil_fill_nan},
    {"lead_time_mean_days", spoil_lead_neg},
    {"lead_time_sd_days", spoil_lead_sd_neg},
    {"lead_time_mean_days", spoil_lead_far},
    {"review_days", spoil_review0},
    {"moq", spoil_moq_neg},
    {"pack_size", spoil_pack0},
    {"unit_cost", spoil_cost_neg},
    {"holding_rate", spoil_hold_inf},
    {"order_cost", spoil_order_neg},
    {"max_cover_days", spoil_cover_neg},
    {"on_hand", spoil_onhand_neg},
    {"reserved", spoil_reserved_neg},
    {"incoming_due", spoil_incoming_neg},
    {"dist", spoil_no_dist},
    {"horizon", spoil_short},
};

START_TEST(test_bad_input_names_the_field)
{
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result r;
    struct tm_err err;
    constant_dist(d, 3, 10);
    struct rp_input in = input(d);
    spoiled[_i].spoil(&in);
    tm_err_clear(&err);
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_INVALID);
    ck_assert_str_eq(err.field, spoiled[_i].field);
    ck_assert_int_eq(r.reorder_point, 0);
    free(d);
}
END_TEST

START_TEST(test_abc)
{
    const double rev[6] = {10, 500, 0, 300, 150, 40};
    char c[6];
    /* 1000 in all: 500 (50 % before: 0) A, 300 (before 50 %) A, 150 (80 %) B,
     * 40 (95 %) C, 10 C, 0 C */
    rp_abc(rev, 6, 0.80, 0.95, c);
    ck_assert_int_eq(c[1], 'A');
    ck_assert_int_eq(c[3], 'A');
    ck_assert_int_eq(c[4], 'B');
    ck_assert_int_eq(c[5], 'C');
    ck_assert_int_eq(c[0], 'C');
    ck_assert_int_eq(c[2], 'C');
    const double one[1] = {7};
    rp_abc(one, 1, 0.8, 0.95, c);
    ck_assert_int_eq(c[0], 'A');
    const struct rp_levels lv = RP_LEVELS_DEFAULT;
    ck_assert_double_eq(rp_level_for(&lv, 'A'), 0.98);
    ck_assert_double_eq(rp_level_for(&lv, 'B'), 0.95);
    ck_assert_double_eq(rp_level_for(&lv, 'C'), 0.90);
}
END_TEST

/* the engine's result, handed over and used: a lumpy series' distribution
 * is not a normal one (its low quantiles are 0) and the policy meets its
 * own target on it */
START_TEST(test_engine_distribution)
{
    enum { N = 500 };
    double y[N];
    unsigned seed = 7;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned v = (seed >> 16) & 0x7fff;
        y[i] = v % 5 == 0 ? (double)(1 + v % 23) : 0; /* a day in 5, 1..23 units */
    }
    struct fc_options o = {.horizon = 20, .origins = 4, .season = 7};
    struct fc_result *fr = malloc(sizeof *fr);
    struct rp_dist *d = malloc(sizeof *d);
    struct rp_result r;
    struct tm_err err;
    ck_assert_int_eq(fc_run(y, N, &o, fr, &err), TM_OK);
    rp_dist_from_forecast(fr, d);
    ck_assert_int_eq(d->horizon, 20);
    ck_assert_int_eq(d->cls, fr->info.cls);
    ck_assert_double_eq(d->cum_mean[19], fr->cum[19]);
    ck_assert_double_eq(d->cum_q[0][0], 0); /* most days sell nothing */
    for (int j = 1; j < FC_CUM_NQ; j++)
        ck_assert(d->cum_q[9][j] >= d->cum_q[9][j - 1]);
    struct rp_input in = input(d);
    in.lead.mean_days = 6;
    in.lead.sd_days = 2;
    in.on_hand = 3;
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_OK);
    ck_assert(r.reorder_point > r.protection_mean);
    ck_assert(r.expected_fill_rate >= 0.98 - 1e-9);
    ck_assert(r.reorder);
    in.lead.mean_days = 30; /* the distribution holds 20 days */
    ck_assert_int_eq(rp_policy(&in, &r, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "horizon");
    free(d);
    free(fr);
}
END_TEST

Suite *reorder_suite(void);

Suite *
reorder_suite(void)
{
    Suite *s = suite_create("inventory.reorder");
    TCase *tc = tcase_create("reorder");
    tcase_add_test(tc, test_excess_integrals);
    tcase_add_test(tc, test_round_order);
    tcase_add_test(tc, test_deterministic_demand);
    tcase_add_test(tc, test_renewal_positions);
    tcase_add_test(tc, test_renewal_positions_bounded);
    tcase_add_test(tc, test_spread_and_target_raise_the_point);
    tcase_add_test(tc, test_needed_horizon_is_enough);
    tcase_add_test(tc, test_capped_order_quantity);
    tcase_add_test(tc, test_no_demand_orders_nothing);
    tcase_add_loop_test(tc, test_bad_input_names_the_field, 0,
                        (int)(sizeof spoiled / sizeof spoiled[0]));
    tcase_add_test(tc, test_abc);
    tcase_add_test(tc, test_engine_distribution);
    suite_add_tcase(s, tc);
    return s;
}
