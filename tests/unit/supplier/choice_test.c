/* tests/unit/supplier/choice_test.c — supplier choice (services/supplier/
 * choice.h), one supplier's order: rounding to moq and pack, the break that
 * applies, raising for a lower total, shipping, quoted performance, which
 * offers are candidates, and refused requests; hand-computed cases, each
 * case's arithmetic in the comment above it. Money in cents. Ranking,
 * policies and splits: choice_rank_test.c. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "common/err.h"

#include "services/supplier/choice.h"
#include "tests/unit/supplier/choice_fixture.h"
#include "tests/unit/supplier/suites.h"

START_TEST(test_choice_rounds_up_to_moq_and_pack)
{
    struct sup_offer o;
    struct sup_candidate c;

    fx_issue_offer(&o, 1100);
    /* 1 unit: max(1, moq 6) = 6, a pack multiple; 6 x 12.50 = 75.00 + 25.00
     * shipping = 100.00; landed 100.00 / 6 = 16.666.. -> 16.67 (rounded up) */
    sup_price_order(&o, 1, -1, &c);
    ck_assert_int_eq(c.order_quantity, 6);
    ck_assert_int_eq(c.goods_cents, 7500);
    ck_assert_int_eq(c.total_cost_cents, 10000);
    ck_assert_int_eq(c.landed_unit_cost_cents, 1667);
    /* 7 units: next multiple of 6 is 12 */
    sup_price_order(&o, 7, -1, &c);
    ck_assert_int_eq(c.order_quantity, 12);
    /* moq 10, pack 4, 3 units: max(3, 10) = 10 -> 12 */
    o.moq = 10;
    o.pack_size = 4;
    sup_price_order(&o, 3, -1, &c);
    ck_assert_int_eq(c.order_quantity, 12);
    /* a first break from 20: the least order is 20, rounded to pack 4 = 20 */
    o.breaks[0].min_quantity = 20;
    o.breaks[1].min_quantity = 48;
    sup_price_order(&o, 3, -1, &c);
    ck_assert_int_eq(c.order_quantity, 20);
    ck_assert_int_eq(c.unit_price_cents, 1250);
}
END_TEST

START_TEST(test_choice_break_that_applies)
{
    struct sup_offer o;
    struct sup_candidate c;

    fx_issue_offer(&o, 1100);
    /* 50 -> 54 (pack 6) >= 48: 11.00; 54 x 11.00 = 594.00 + 25.00 = 619.00 */
    sup_price_order(&o, 50, -1, &c);
    ck_assert_int_eq(c.order_quantity, 54);
    ck_assert_int_eq(c.unit_price_cents, 1100);
    ck_assert_int_eq(c.total_cost_cents, 61900);
    ck_assert(!c.raised);
    /* exactly 48: the 48 break */
    sup_price_order(&o, 48, -1, &c);
    ck_assert_int_eq(c.unit_price_cents, 1100);
    /* 47 -> 48 by pack rounding alone, so the 48 break, not a raise */
    sup_price_order(&o, 47, -1, &c);
    ck_assert_int_eq(c.order_quantity, 48);
    ck_assert_int_eq(c.unit_price_cents, 1100);
    ck_assert(!c.raised);
}
END_TEST

START_TEST(test_choice_higher_break_is_cheaper_in_total)
{
    struct sup_offer o;
    struct sup_candidate c;

    /* 40 -> 42: 42 x 12.50 = 525.00 + 25.00 = 550.00. The 48 break at
     * 10.00: 48 x 10.00 = 480.00 + 25.00 = 505.00 <= 550.00, so 48 units
     * for less: landed 505.00 / 48 = 10.5208 -> 10.53 */
    fx_issue_offer(&o, 1000);
    sup_price_order(&o, 40, -1, &c);
    ck_assert(c.raised);
    ck_assert_int_eq(c.order_quantity, 48);
    ck_assert_int_eq(c.unit_price_cents, 1000);
    ck_assert_int_eq(c.total_cost_cents, 50500);
    ck_assert_int_eq(c.landed_unit_cost_cents, 1053);
    ck_assert_int_eq(c.base_quantity, 42);
    ck_assert_int_eq(c.base_total_cents, 55000);
    /* only 45 available: 48 is out of reach, so 42 at 550.00 */
    sup_price_order(&o, 40, 45, &c);
    ck_assert(!c.raised);
    ck_assert_int_eq(c.order_quantity, 42);
    ck_assert_int_eq(c.total_cost_cents, 55000);
    /* equal totals take the larger quantity: 8 x 10.00 = 80.00 vs 10 x 8.00
     * = 80.00 (pack 1, no moq, no shipping) -> 10 */
    memset(&o, 0, sizeof o);
    o.n_breaks = 2;
    o.breaks[0] = (struct sup_break){1, 1000};
    o.breaks[1] = (struct sup_break){10, 800};
    o.pack_size = 1;
    sup_price_order(&o, 8, -1, &c);
    ck_assert_int_eq(c.order_quantity, 10);
    ck_assert_int_eq(c.total_cost_cents, 8000);
}
END_TEST

START_TEST(test_choice_reason_says_what_raising_saves)
{
    struct sup_request r;
    struct sup_choice c;

    /* the 10.00 break above, through sup_choose: 48 units at 505.00 instead
     * of 42 at 550.00; landed 10.53 */
    fx_req_init(&r, 40, SUP_CHEAPEST);
    fx_add(&r, 7, 1000, 0.9, 0.9, 4, 1);
    fx_issue_offer(&r.in[0].offer, 1000);
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.winner_id, 7);
    ck_assert_int_eq(c.ranked[0].order_quantity, 48);
    ck_assert_str_eq(c.reason, "cheapest landed cost 10.53 (only candidate); 48 units cost "
                               "505.00 in total vs 550.00 for 42");
}
END_TEST

START_TEST(test_choice_higher_break_not_cheaper)
{
    struct sup_offer o;
    struct sup_candidate c;

    /* The issue's offer: 40 -> 42 at 550.00; 48 x 11.00 = 528.00 + 25.00 =
     * 553.00 > 550.00, so 42 stays; landed 550.00 / 42 = 13.095 -> 13.10 */
    fx_issue_offer(&o, 1100);
    sup_price_order(&o, 40, -1, &c);
    ck_assert(!c.raised);
    ck_assert_int_eq(c.order_quantity, 42);
    ck_assert_int_eq(c.unit_price_cents, 1250);
    ck_assert_int_eq(c.total_cost_cents, 55000);
    ck_assert_int_eq(c.landed_unit_cost_cents, 1310);
}
END_TEST

START_TEST(test_choice_shipping_and_free_threshold)
{
    struct sup_offer o;
    struct sup_candidate c;

    memset(&o, 0, sizeof o);
    o.n_breaks = 1;
    o.breaks[0] = (struct sup_break){1, 1250};
    o.pack_size = 1;
    o.shipping_cost_cents = 2500;
    /* no threshold: 30 x 12.50 = 375.00 + 25.00 = 400.00, landed 13.3333 ->
     * 13.34 (shipping 25.00 / 30 = 0.8333 per unit, rounded up) */
    sup_price_order(&o, 30, -1, &c);
    ck_assert_int_eq(c.shipping_cents, 2500);
    ck_assert_int_eq(c.total_cost_cents, 40000);
    ck_assert_int_eq(c.landed_unit_cost_cents, 1334);
    /* threshold 450.00: reaching it takes 36 units = 450.00 > 400.00, stay */
    o.free_shipping_threshold_cents = 45000;
    sup_price_order(&o, 30, -1, &c);
    ck_assert_int_eq(c.order_quantity, 30);
    ck_assert_int_eq(c.total_cost_cents, 40000);
    /* an order at exactly the threshold ships free: 36 x 12.50 = 450.00 */
    sup_price_order(&o, 36, -1, &c);
    ck_assert_int_eq(c.shipping_cents, 0);
    ck_assert_int_eq(c.total_cost_cents, 45000);
    ck_assert_int_eq(c.landed_unit_cost_cents, 1250);
    /* threshold 380.00: ceil(380.00 / 12.50) = 31 units = 387.50, free,
     * < 400.00, so 31 units for less */
    o.free_shipping_threshold_cents = 38000;
    sup_price_order(&o, 30, -1, &c);
    ck_assert(c.raised);
    ck_assert_int_eq(c.order_quantity, 31);
    ck_assert_int_eq(c.shipping_cents, 0);
    ck_assert_int_eq(c.total_cost_cents, 38750);
}
END_TEST

START_TEST(test_choice_quoted_until_enough_receipts)
{
    struct sup_request r;
    struct sup_choice c;
    struct sup_input *in;

    /* 4 receipts < min 5: quoted on time 0.9, fill 0.95 (request), lead
     * 4 +- 1 (offer); arrival today + 4 */
    fx_req_init(&r, 10, SUP_CHEAPEST);
    in = fx_add(&r, 1, 1000, 0.5, 0.5, 10, 3);
    in->perf.receipts = 4;
    in->offer.lead_time_sd_days = 1;
    fx_choose_ok(&r, &c);
    ck_assert(c.ranked[0].quoted);
    ck_assert_double_eq(c.ranked[0].on_time_rate, 0.9);
    ck_assert_double_eq(c.ranked[0].fill_rate, 0.95);
    ck_assert_double_eq(c.ranked[0].lead_time_mean_days, 4);
    ck_assert_double_eq(c.ranked[0].lead_time_sd_days, 1);
    ck_assert_double_eq_tol(c.ranked[0].reliability, 0.855, 1e-12);
    ck_assert_int_eq(c.ranked[0].arrival_day, TODAY + 4);
    /* 5 receipts: measured 0.5 x 0.5 = 0.25, mean 10 -> today + 10 */
    in->perf.receipts = 5;
    fx_choose_ok(&r, &c);
    ck_assert(!c.ranked[0].quoted);
    ck_assert_double_eq(c.ranked[0].reliability, 0.25);
    ck_assert_int_eq(c.ranked[0].arrival_day, TODAY + 10);
    /* mean 3.2 days: arrival rounds up to today + 4 */
    in->perf.lead_time_mean_days = 3.2;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.ranked[0].arrival_day, TODAY + 4);
}
END_TEST

START_TEST(test_choice_only_valid_offers_for_the_product)
{
    struct sup_request r;
    struct sup_choice c;

    /* today 20000: from 20001 is not yet valid, to 19999 has expired, to
     * 20000 is valid (inclusive), product 43 is another product */
    fx_req_init(&r, 10, SUP_CHEAPEST);
    fx_add(&r, 1, 900, 0.9, 0.9, 4, 1)->offer.has_valid_from = true;
    r.in[0].offer.valid_from_day = 20001;
    fx_add(&r, 2, 900, 0.9, 0.9, 4, 1)->offer.has_valid_to = true;
    r.in[1].offer.valid_to_day = 19999;
    fx_add(&r, 3, 900, 0.9, 0.9, 4, 1)->offer.product_id = 43;
    fx_add(&r, 4, 1000, 0.9, 0.9, 4, 1)->offer.has_valid_to = true;
    r.in[3].offer.valid_to_day = 20000;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(c.winner_id, 4);
    ck_assert_int_eq(c.n_excluded, 3);
    ck_assert_int_eq(c.excluded[0].supplier_id, 1);
    ck_assert_int_eq(c.excluded[0].why, SUP_NOT_YET_VALID);
    ck_assert_int_eq(c.excluded[1].why, SUP_EXPIRED);
    ck_assert_int_eq(c.excluded[2].why, SUP_OTHER_PRODUCT);
    ck_assert_str_eq(c.reason, "cheapest landed cost 10.00 (only candidate)");
    /* none left: no winner, all uncovered */
    r.n = 3;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n, 0);
    ck_assert_int_eq(c.winner, -1);
    ck_assert_int_eq(c.uncovered, 10);
    ck_assert_str_eq(c.reason, "no supplier has a valid offer for product 42");
}
END_TEST

START_TEST(test_choice_lowest_total_among_all_raises)
{
    struct sup_offer o;
    struct sup_candidate c;

    /* 12.50 from 1, 9.90 from 40, pack 1, shipping 25.00, threshold 380.00;
     * 30 units. Base: 30 x 12.50 = 375.00 + 25.00 = 400.00. The 40 break:
     * 40 x 9.90 = 396.00, free. Free shipping at 12.50: ceil(380.00 /
     * 12.50) = 31 units = 387.50, free. Lowest total: 31 at 387.50. */
    memset(&o, 0, sizeof o);
    o.n_breaks = 2;
    o.breaks[0] = (struct sup_break){1, 1250};
    o.breaks[1] = (struct sup_break){40, 990};
    o.pack_size = 1;
    o.shipping_cost_cents = 2500;
    o.free_shipping_threshold_cents = 38000;
    sup_price_order(&o, 30, -1, &c);
    ck_assert(c.raised);
    ck_assert_int_eq(c.order_quantity, 31);
    ck_assert_int_eq(c.unit_price_cents, 1250);
    ck_assert_int_eq(c.shipping_cents, 0);
    ck_assert_int_eq(c.total_cost_cents, 38750);
    ck_assert_int_eq(c.base_quantity, 30);
    ck_assert_int_eq(c.base_total_cents, 40000);
    /* 9.60 from 40: 40 x 9.60 = 384.00 < 387.50, so the break wins */
    o.breaks[1].unit_price_cents = 960;
    sup_price_order(&o, 30, -1, &c);
    ck_assert_int_eq(c.order_quantity, 40);
    ck_assert_int_eq(c.total_cost_cents, 38400);
    /* 9.69 from 40: 40 x 9.69 = 387.60 > 387.50, so 31 stays */
    o.breaks[1].unit_price_cents = 969;
    sup_price_order(&o, 30, -1, &c);
    ck_assert_int_eq(c.order_quantity, 31);
    ck_assert_int_eq(c.total_cost_cents, 38750);
    /* only 35 available: the 40 break is out of reach, 31 is not */
    o.breaks[1].unit_price_cents = 960;
    sup_price_order(&o, 30, 35, &c);
    ck_assert_int_eq(c.order_quantity, 31);
    ck_assert_int_eq(c.total_cost_cents, 38750);
    /* equal totals take the larger quantity: 7.75 from 50, 50 x 7.75 =
     * 387.50, free, the same as 31 x 12.50 -> 50 */
    o.breaks[1] = (struct sup_break){50, 775};
    sup_price_order(&o, 30, -1, &c);
    ck_assert_int_eq(c.order_quantity, 50);
    ck_assert_int_eq(c.total_cost_cents, 38750);
}
END_TEST

START_TEST(test_choice_raise_never_beyond_quantity_max)
{
    struct sup_offer o;
    struct sup_candidate c;

    /* 0.01 each, shipping 1,000,000.00, free from 1,000,000.00: free
     * shipping needs 100,000,000 units > SUP_QUANTITY_MAX, so 1 unit stays,
     * 0.01 + 1,000,000.00 */
    memset(&o, 0, sizeof o);
    o.n_breaks = 1;
    o.breaks[0] = (struct sup_break){1, 1};
    o.pack_size = 1;
    o.shipping_cost_cents = SUP_MONEY_MAX;
    o.free_shipping_threshold_cents = SUP_MONEY_MAX;
    sup_price_order(&o, 1, -1, &c);
    ck_assert(!c.raised);
    ck_assert_int_eq(c.order_quantity, 1);
    ck_assert_int_eq(c.total_cost_cents, SUP_MONEY_MAX + 1);
    /* 0.10 each: exactly SUP_QUANTITY_MAX units reach it, 1,000,000.00 in
     * total < 1,000,000.10, so that raise is allowed */
    o.breaks[0].unit_price_cents = 10;
    sup_price_order(&o, 1, -1, &c);
    ck_assert(c.raised);
    ck_assert_int_eq(c.order_quantity, SUP_QUANTITY_MAX);
    ck_assert_int_eq(c.total_cost_cents, SUP_MONEY_MAX);
    /* a higher break at 0.00 from 9,999,999, no threshold: rounded to pack
     * 2 it is 10,000,000, allowed; to pack 7 it is 10,000,004, too many */
    o.breaks[0].unit_price_cents = 1;
    o.free_shipping_threshold_cents = 0;
    o.n_breaks = 2;
    o.breaks[1] = (struct sup_break){SUP_QUANTITY_MAX - 1, 0};
    o.pack_size = 2;
    sup_price_order(&o, 2, -1, &c);
    ck_assert_int_eq(c.order_quantity, SUP_QUANTITY_MAX);
    o.pack_size = 7;
    sup_price_order(&o, 7, -1, &c);
    ck_assert(!c.raised);
    ck_assert_int_eq(c.order_quantity, 7);
}
END_TEST

START_TEST(test_choice_one_day_offer)
{
    struct sup_request r;
    struct sup_choice c;
    struct tm_err err;

    /* valid_from = valid_to = today: valid on that one day (both inclusive) */
    fx_req_init(&r, 10, SUP_CHEAPEST);
    struct sup_offer *o = &fx_add(&r, 1, 1000, 0.9, 0.9, 4, 1)->offer;
    o->has_valid_from = o->has_valid_to = true;
    o->valid_from_day = o->valid_to_day = TODAY;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(c.winner_id, 1);
    /* the day before, not yet valid; the day after, expired */
    r.today_day = TODAY - 1;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n, 0);
    ck_assert_int_eq(c.excluded[0].why, SUP_NOT_YET_VALID);
    r.today_day = TODAY + 1;
    fx_choose_ok(&r, &c);
    ck_assert_int_eq(c.n, 0);
    ck_assert_int_eq(c.excluded[0].why, SUP_EXPIRED);
    /* valid_to one day before valid_from is malformed */
    o->valid_to_day = TODAY - 1;
    tm_err_clear(&err);
    ck_assert_int_eq(sup_choose(&r, &c, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "in[0].offer.valid_to");
}
END_TEST

/* Each malformed request and the field its refusal names. */
enum bad_kind {
    BAD_QTY_ZERO,
    BAD_QTY_NEGATIVE,
    BAD_QTY_HUGE,
    BAD_POLICY,
    BAD_WEIGHTS,
    BAD_WEIGHTS_WRAP_100,
    BAD_WEIGHTS_WRAP_0,
    BAD_MIN_RECEIPTS,
    BAD_QUOTED_RATE,
    BAD_NO_BREAKS,
    BAD_BREAKS_ORDER,
    BAD_BREAKS_DUP,
    BAD_BREAK_PRICE,
    BAD_PACK_ZERO,
    BAD_MOQ,
    BAD_LEAD,
    BAD_SHIPPING,
    BAD_THRESHOLD,
    BAD_VALIDITY,
    BAD_SUPPLIER_ID,
    BAD_SUPPLIER_DUP,
    BAD_RATE,
    BAD_FILL,
    BAD_RECEIPTS,
    BAD_MEAN_NAN,
    BAD_TOO_MANY,
};

static const struct {
    enum bad_kind kind;
    const char *field;
} bad_cases[] = {
    {BAD_QTY_ZERO, "quantity"},
    {BAD_QTY_NEGATIVE, "quantity"},
    {BAD_QTY_HUGE, "quantity"},
    {BAD_POLICY, "policy"},
    {BAD_WEIGHTS, "weights"},
    {BAD_WEIGHTS_WRAP_100, "weights"},
    {BAD_WEIGHTS_WRAP_0, "weights"},
    {BAD_MIN_RECEIPTS, "min_receipts"},
    {BAD_QUOTED_RATE, "quoted_fill_rate"},
    {BAD_NO_BREAKS, "in[1].offer.price_breaks"},
    {BAD_BREAKS_ORDER, "in[1].offer.price_breaks"},
    {BAD_BREAKS_DUP, "in[1].offer.price_breaks"},
    {BAD_BREAK_PRICE, "in[1].offer.price_breaks"},
    {BAD_PACK_ZERO, "in[1].offer.pack_size"},
    {BAD_MOQ, "in[1].offer.moq"},
    {BAD_LEAD, "in[1].offer.lead_time_days"},
    {BAD_SHIPPING, "in[1].offer.shipping_cost_cents"},
    {BAD_THRESHOLD, "in[1].offer.free_shipping_threshold_cents"},
    {BAD_VALIDITY, "in[1].offer.valid_to"},
    {BAD_SUPPLIER_ID, "in[1].supplier_id"},
    {BAD_SUPPLIER_DUP, "in[1].supplier_id"},
    {BAD_RATE, "in[1].perf.on_time_rate"},
    {BAD_FILL, "in[1].perf.fill_rate"},
    {BAD_RECEIPTS, "in[1].perf.receipts"},
    {BAD_MEAN_NAN, "in[1].perf.lead_time_mean_days"},
    {BAD_TOO_MANY, "in"},
};

static void
spoil(struct sup_request *r, enum bad_kind k)
{
    struct sup_offer *o = &r->in[1].offer;

    switch (k) {
    case BAD_QTY_ZERO:
        r->quantity = 0;
        break;
    case BAD_QTY_NEGATIVE:
        r->quantity = -5;
        break;
    case BAD_QTY_HUGE:
        r->quantity = SUP_QUANTITY_MAX + 1;
        break;
    case BAD_POLICY:
        r->policy = SUP_POLICIES;
        break;
    case BAD_WEIGHTS:
        r->weight_price_pct = r->weight_reliability_pct = r->weight_delivery_pct = 50;
        break;
    case BAD_WEIGHTS_WRAP_100: /* an int sum would wrap to 100 */
        r->weight_price_pct = r->weight_reliability_pct = INT_MAX;
        r->weight_delivery_pct = 102;
        break;
    case BAD_WEIGHTS_WRAP_0: /* ... or to 0, the default */
        r->weight_price_pct = r->weight_reliability_pct = INT_MAX;
        r->weight_delivery_pct = 2;
        break;
    case BAD_MIN_RECEIPTS:
        r->min_receipts = -1;
        break;
    case BAD_QUOTED_RATE:
        r->quoted_fill_rate = 1.5;
        break;
    case BAD_NO_BREAKS:
        o->n_breaks = 0;
        break;
    case BAD_BREAKS_ORDER:
        o->n_breaks = 2;
        o->breaks[0] = (struct sup_break){48, 1100};
        o->breaks[1] = (struct sup_break){1, 1250};
        break;
    case BAD_BREAKS_DUP:
        o->n_breaks = 2;
        o->breaks[1] = o->breaks[0];
        break;
    case BAD_BREAK_PRICE:
        o->breaks[0].unit_price_cents = -1;
        break;
    case BAD_PACK_ZERO:
        o->pack_size = 0;
        break;
    case BAD_MOQ:
        o->moq = -1;
        break;
    case BAD_LEAD:
        o->lead_time_days = -1;
        break;
    case BAD_SHIPPING:
        o->shipping_cost_cents = -1;
        break;
    case BAD_THRESHOLD:
        o->free_shipping_threshold_cents = -1;
        break;
    case BAD_VALIDITY:
        o->has_valid_from = o->has_valid_to = true;
        o->valid_from_day = 20010;
        o->valid_to_day = 20009;
        break;
    case BAD_SUPPLIER_ID:
        r->in[1].supplier_id = 0;
        break;
    case BAD_SUPPLIER_DUP:
        r->in[1].supplier_id = r->in[0].supplier_id;
        break;
    case BAD_RATE:
        r->in[1].perf.on_time_rate = 1.01;
        break;
    case BAD_FILL:
        r->in[1].perf.fill_rate = -0.1;
        break;
    case BAD_RECEIPTS:
        r->in[1].perf.receipts = -1;
        break;
    case BAD_MEAN_NAN:
        r->in[1].perf.lead_time_mean_days = NAN;
        break;
    case BAD_TOO_MANY:
        r->n = SUP_CANDIDATES_MAX + 1;
        break;
    }
}

START_TEST(test_choice_invalid_input_names_the_field)
{
    struct sup_request r;
    struct sup_choice c;
    struct tm_err err;

    fx_req_init(&r, 10, SUP_WEIGHTED);
    fx_add(&r, 1, 1000, 0.9, 0.9, 4, 1);
    fx_add(&r, 2, 1000, 0.9, 0.9, 4, 1);
    fx_choose_ok(&r, &c); /* the unspoiled request is fine */
    spoil(&r, bad_cases[_i].kind);
    tm_err_clear(&err);
    ck_assert_int_eq(sup_choose(&r, &c, &err), TM_INVALID);
    ck_assert_int_eq(err.code, TM_INVALID);
    ck_assert_str_eq(err.field, bad_cases[_i].field);
}
END_TEST

Suite *
choice_suite(void)
{
    Suite *s = suite_create("supplier.choice");
    TCase *tc = tcase_create("order");

    tcase_add_test(tc, test_choice_rounds_up_to_moq_and_pack);
    tcase_add_test(tc, test_choice_break_that_applies);
    tcase_add_test(tc, test_choice_higher_break_is_cheaper_in_total);
    tcase_add_test(tc, test_choice_higher_break_not_cheaper);
    tcase_add_test(tc, test_choice_reason_says_what_raising_saves);
    tcase_add_test(tc, test_choice_shipping_and_free_threshold);
    tcase_add_test(tc, test_choice_lowest_total_among_all_raises);
    tcase_add_test(tc, test_choice_raise_never_beyond_quantity_max);
    tcase_add_test(tc, test_choice_quoted_until_enough_receipts);
    tcase_add_test(tc, test_choice_only_valid_offers_for_the_product);
    tcase_add_test(tc, test_choice_one_day_offer);
    tcase_add_loop_test(tc, test_choice_invalid_input_names_the_field, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
