/* tests/unit/supplier/choice_rank_test.c — supplier choice (services/
 * supplier/choice.h) across suppliers: each policy's ranking and winner,
 * the weighted terms, ties and input order, the winner that must cover, and
 * splits; hand-computed cases. Money in cents. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "common/err.h"

#include "services/supplier/choice.h"
#include "tests/unit/supplier/choice_fixture.h"
#include "tests/unit/supplier/suites.h"

/* Three suppliers for 48 units, pack 1, no shipping, all measured:
 *   1: 10.00, on time 0.80 x fill 0.90 = 0.72, lead 6 +- 2 (risk 8)
 *   2: 11.00, 0.95 x 1.00 = 0.95, lead 4 +- 1 (risk 5), preferred
 *   3: 12.50, 0.90 x 0.90 = 0.81, lead 2 +- 0 (risk 2) */
static void
three(struct sup_request *r, enum sup_policy p)
{
    fx_req_init(r, 48, p);
    fx_add(r, 1, 1000, 0.80, 0.90, 6, 2);
    fx_add(r, 2, 1100, 0.95, 1.00, 4, 1)->preferred = true;
    fx_add(r, 3, 1250, 0.90, 0.90, 2, 0);
}

static const struct {
    enum sup_policy policy;
    int64_t first, second, third;
} policy_cases[] = {
    {SUP_CHEAPEST, 1, 2, 3},      /* 10.00 < 11.00 < 12.50 */
    {SUP_FASTEST, 3, 2, 1},       /* arrivals +2 < +4 < +6 */
    {SUP_MOST_RELIABLE, 2, 3, 1}, /* 0.95 > 0.81 > 0.72 */
    {SUP_PREFERRED, 2, 1, 3},     /* 2 preferred; then 10.00 < 12.50 */
    {SUP_WEIGHTED, 3, 2, 1},      /* 0.8535 > 0.7961 > 0.7145 (below) */
};

START_TEST(test_choice_each_policy_winner)
{
    struct sup_request r;
    struct sup_choice c;

    three(&r, policy_cases[_i].policy);
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n, 3);
    ck_assert_int_eq(c.winner, 0);
    ck_assert_int_eq(c.winner_id, policy_cases[_i].first);
    ck_assert_int_eq(c.ranked[1].supplier_id, policy_cases[_i].second);
    ck_assert_int_eq(c.ranked[2].supplier_id, policy_cases[_i].third);
    ck_assert(!c.split);
    ck_assert_int_eq(c.uncovered, 0);
}
END_TEST

START_TEST(test_choice_reasons_name_the_runner_up)
{
    struct sup_request r;
    struct sup_choice c;

    three(&r, SUP_CHEAPEST);
    fx_choose_ok(&r, &c);
    ck_assert_str_eq(c.reason, "cheapest landed cost 10.00 vs 11.00 (supplier 2)");
    three(&r, SUP_FASTEST);
    fx_choose_ok(&r, &c);
    ck_assert_str_eq(c.reason, "earliest arrival in 2 days vs 4 (supplier 2)");
    three(&r, SUP_MOST_RELIABLE);
    fx_choose_ok(&r, &c);
    ck_assert_str_eq(c.reason,
                     "most reliable 0.950 (on time 0.95 x fill 1.00) vs 0.810 (supplier 3)");
    three(&r, SUP_PREFERRED);
    fx_choose_ok(&r, &c);
    ck_assert_str_eq(c.reason, "preferred supplier, landed cost 11.00 vs 10.00 (supplier 1)");
    /* 0.8535 = 0.320 + 0.2835 + 0.250; 0.35 x 0.81 is 0.28349999.. in
     * binary, so it prints 0.283 */
    three(&r, SUP_WEIGHTED);
    fx_choose_ok(&r, &c);
    ck_assert_str_eq(c.reason, "highest weighted score 0.854 (price 0.320 + reliability 0.283 + "
                               "delivery 0.250) vs 0.796 (supplier 2)");
}
END_TEST

START_TEST(test_choice_weighted_terms_normalised_among_candidates)
{
    struct sup_request r;
    struct sup_choice c;
    const struct sup_candidate *s1 = NULL, *s2 = NULL, *s3 = NULL;

    /* price = lowest landed 10.00 / landed: 1, 10/11 = 0.909091, 10/12.5 = 0.8
     * reliability = on time x fill: 0.72, 0.95, 0.81
     * delivery = lowest risk 2 / (mean + sd): 2/8 = 0.25, 2/5 = 0.4, 2/2 = 1
     * 1: 0.40 x 1 + 0.35 x 0.72 + 0.25 x 0.25 = 0.4 + 0.252 + 0.0625 = 0.7145
     * 2: 0.40 x 0.909091 + 0.35 x 0.95 + 0.25 x 0.4 = 0.363636 + 0.3325 + 0.1
     *    = 0.796136
     * 3: 0.40 x 0.8 + 0.35 x 0.81 + 0.25 x 1 = 0.32 + 0.2835 + 0.25 = 0.8535 */
    three(&r, SUP_WEIGHTED);
    fx_choose_ok(&r, &c);
    for (int i = 0; i < c.n; i++) {
        const struct sup_candidate *k = &c.ranked[i];
        if (k->supplier_id == 1)
            s1 = k;
        else if (k->supplier_id == 2)
            s2 = k;
        else
            s3 = k;
    }
    ck_assert_ptr_nonnull(s1);
    ck_assert_ptr_nonnull(s2);
    ck_assert_ptr_nonnull(s3);
    ck_assert_double_eq_tol(c.weight_price, 0.40, 1e-12);
    ck_assert_double_eq_tol(c.weight_reliability, 0.35, 1e-12);
    ck_assert_double_eq_tol(c.weight_delivery, 0.25, 1e-12);
    ck_assert_double_eq_tol(s1->price, 1.0, 1e-9);
    ck_assert_double_eq_tol(s2->price, 10.0 / 11.0, 1e-9);
    ck_assert_double_eq_tol(s3->price, 0.8, 1e-9);
    ck_assert_double_eq_tol(s1->reliability, 0.72, 1e-9);
    ck_assert_double_eq_tol(s2->reliability, 0.95, 1e-9);
    ck_assert_double_eq_tol(s3->reliability, 0.81, 1e-9);
    ck_assert_double_eq_tol(s1->delivery, 0.25, 1e-9);
    ck_assert_double_eq_tol(s2->delivery, 0.4, 1e-9);
    ck_assert_double_eq_tol(s3->delivery, 1.0, 1e-9);
    ck_assert_double_eq_tol(s1->score, 0.7145, 1e-9);
    ck_assert_double_eq_tol(s2->score, 0.4 * 10.0 / 11.0 + 0.3325 + 0.1, 1e-9);
    ck_assert_double_eq_tol(s3->score, 0.8535, 1e-9);
    /* normalised, not a constant: with supplier 1 at 20.00 instead, the
     * lowest landed is 11.00, so 2's price term becomes 1 and 3's 0.88;
     * 2: 0.4 + 0.3325 + 0.1 = 0.8325, 3: 0.352 + 0.2835 + 0.25 = 0.8855 */
    r.in[0].offer.breaks[0].unit_price_cents = 2000;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.ranked[0].supplier_id, 3);
    ck_assert_double_eq_tol(c.ranked[0].price, 0.88, 1e-9);
    ck_assert_double_eq_tol(c.ranked[0].score, 0.8855, 1e-9);
    ck_assert_int_eq(c.ranked[1].supplier_id, 2);
    ck_assert_double_eq_tol(c.ranked[1].price, 1.0, 1e-9);
    ck_assert_double_eq_tol(c.ranked[1].score, 0.8325, 1e-9);
    /* weights 100/0/0: the score is the price term alone, 2 wins */
    r.weight_price_pct = 100;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.winner_id, 2);
    ck_assert_double_eq_tol(c.ranked[0].score, 1.0, 1e-9);
}
END_TEST

START_TEST(test_choice_ties_are_deterministic)
{
    struct sup_request r;
    struct sup_choice c;

    /* identical offers, ids 9 and 4 in that order: lower id first */
    fx_req_init(&r, 10, SUP_CHEAPEST);
    fx_add(&r, 9, 1000, 0.9, 0.9, 4, 1);
    fx_add(&r, 4, 1000, 0.9, 0.9, 4, 1);
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.winner_id, 4);
    ck_assert_int_eq(c.ranked[1].supplier_id, 9);
    /* the same under weighted: equal scores, then landed, total, id */
    r.policy = SUP_WEIGHTED;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.winner_id, 4);
    /* equal landed 10.00, lower total wins over lower id: supplier 1 has
     * moq 12 (12 x 10.00 = 120.00), supplier 2 takes 10 (100.00) */
    fx_req_init(&r, 10, SUP_CHEAPEST);
    fx_add(&r, 1, 1000, 0.9, 0.9, 4, 1)->offer.moq = 12;
    fx_add(&r, 2, 1000, 0.9, 0.9, 4, 1);
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.winner_id, 2);
    ck_assert_int_eq(c.ranked[0].total_cost_cents, 10000);
    ck_assert_int_eq(c.ranked[1].total_cost_cents, 12000);
    /* fastest: means 3.2 and 4.0 both arrive on day +4; the smaller spread
     * (0.5 vs 1) wins although it is dearer */
    fx_req_init(&r, 10, SUP_FASTEST);
    fx_add(&r, 1, 1000, 0.9, 0.9, 3.2, 1);
    fx_add(&r, 2, 2000, 0.9, 0.9, 4.0, 0.5);
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.winner_id, 2);
    ck_assert_int_eq(c.ranked[0].arrival_day, c.ranked[1].arrival_day);
}
END_TEST

START_TEST(test_choice_winner_must_cover)
{
    struct sup_request r;
    struct sup_choice c;

    /* 1 is cheaper but has 40 of 100; 2 (unknown availability) wins */
    fx_req_init(&r, 100, SUP_CHEAPEST);
    fx_add(&r, 1, 1000, 0.9, 0.9, 4, 1)->available_units = 40;
    fx_add(&r, 2, 1100, 0.9, 0.9, 4, 1);
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.ranked[0].supplier_id, 1);
    ck_assert(!c.ranked[0].covers);
    ck_assert_int_eq(c.winner, 1);
    ck_assert_int_eq(c.winner_id, 2);
    ck_assert(!c.split);
    ck_assert_str_eq(c.reason, "supplier 1 ranks first but cannot cover 100 units; cheapest "
                               "landed cost 11.00 vs 10.00 (supplier 1)");
}
END_TEST

START_TEST(test_choice_split_when_short_with_remainder)
{
    struct sup_request r;
    struct sup_choice c;
    struct sup_input *in;

    /* 100 units, cheapest first, nobody holds 100:
     * 1 (10.00, moq 12, pack 6, 40 available, shipping 25.00):
     *   102 > 40 -> 40 / 6 = 6 packs = 36 >= 12; 360.00 + 25.00 = 385.00; 64 left
     * 2 (11.00, pack 10, 50 available): 70 > 50 -> 50; 550.00; 14 left
     * 3 (12.00, moq 10, 5 available): 5 < 10 -> nothing
     * uncovered 14 */
    fx_req_init(&r, 100, SUP_CHEAPEST);
    in = fx_add(&r, 1, 1000, 0.9, 0.9, 4, 1);
    in->offer.moq = 12;
    in->offer.pack_size = 6;
    in->offer.shipping_cost_cents = 2500;
    in->available_units = 40;
    in = fx_add(&r, 2, 1100, 0.9, 0.9, 6, 1);
    in->offer.pack_size = 10;
    in->available_units = 50;
    in = fx_add(&r, 3, 1200, 0.9, 0.9, 4, 1);
    in->offer.moq = 10;
    in->available_units = 5;
    fx_choose_ok(&r, &c);
    ck_assert(c.split);
    ck_assert_int_eq(c.winner, -1);
    ck_assert_int_eq(c.winner_id, 0);
    ck_assert_int_eq(c.n, 3);
    ck_assert_int_eq(c.n_alloc, 2);
    ck_assert_int_eq(c.alloc[0].supplier_id, 1);
    ck_assert_int_eq(c.alloc[0].quantity, 36);
    ck_assert_int_eq(c.alloc[0].unit_price_cents, 1000);
    ck_assert_int_eq(c.alloc[0].shipping_cents, 2500);
    ck_assert_int_eq(c.alloc[0].total_cost_cents, 38500);
    ck_assert_int_eq(c.alloc[0].arrival_day, TODAY + 4);
    ck_assert_int_eq(c.alloc[1].supplier_id, 2);
    ck_assert_int_eq(c.alloc[1].quantity, 50);
    ck_assert_int_eq(c.alloc[1].total_cost_cents, 55000);
    ck_assert_int_eq(c.alloc[1].arrival_day, TODAY + 6);
    ck_assert_int_eq(c.uncovered, 14);
    ck_assert_str_eq(c.reason,
                     "no supplier covers 100 units alone; split among 2 supplier(s), 14 uncovered");
    /* 3 with 20 available: 14 -> max(14, moq 10) = 14 <= 20, all covered */
    r.in[2].available_units = 20;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n_alloc, 3);
    ck_assert_int_eq(c.alloc[2].supplier_id, 3);
    ck_assert_int_eq(c.alloc[2].quantity, 14);
    ck_assert_int_eq(c.uncovered, 0);
}
END_TEST

START_TEST(test_choice_ranking_independent_of_input_order)
{
    static const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                    {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    /* weights 0/100/0: the score is the reliability (on time x fill 1).
     * Neighbours differ by 0.9e-9, the ends by 1.8e-9; a 1e-9 tolerance
     * ties neighbours but not the ends, which is not an order. Every input
     * order must give the same ranking. */
    static const double on_time[3] = {0.5, 0.5 + 0.9e-9, 0.5 + 1.8e-9};
    struct sup_request r;
    struct sup_choice c;
    int64_t first[3];

    for (int k = 0; k < 6; k++) {
        fx_req_init(&r, 10, SUP_WEIGHTED);
        r.weight_reliability_pct = 100;
        for (int j = 0; j < 3; j++) {
            int i = perms[k][j];
            fx_add(&r, i + 1, 1000, on_time[i], 1.0, 4, 1);
        }
        fx_choose_ok(&r, &c);
        ck_assert_int_eq(c.n, 3);
        for (int j = 0; j < 3; j++) {
            if (k == 0)
                first[j] = c.ranked[j].supplier_id;
            ck_assert_msg(c.ranked[j].supplier_id == first[j],
                          "input order %d: rank %d is supplier %lld, not %lld", k, j,
                          (long long)c.ranked[j].supplier_id, (long long)first[j]);
        }
    }
}
END_TEST

Suite *
choice_rank_suite(void)
{
    Suite *s = suite_create("supplier.choice.rank");
    TCase *tc = tcase_create("rank");

    tcase_add_loop_test(tc, test_choice_each_policy_winner, 0,
                        (int)(sizeof policy_cases / sizeof policy_cases[0]));
    tcase_add_test(tc, test_choice_reasons_name_the_runner_up);
    tcase_add_test(tc, test_choice_weighted_terms_normalised_among_candidates);
    tcase_add_test(tc, test_choice_ties_are_deterministic);
    tcase_add_test(tc, test_choice_ranking_independent_of_input_order);
    tcase_add_test(tc, test_choice_winner_must_cover);
    tcase_add_test(tc, test_choice_split_when_short_with_remainder);
    suite_add_tcase(s, tc);
    return s;
}
