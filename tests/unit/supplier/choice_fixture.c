/* tests/unit/supplier/choice_fixture.c — the requests and offers the
 * supplier-choice tests start from (choice_fixture.h). */
#include "tests/unit/supplier/choice_fixture.h"

#include <string.h>

#include <check.h>

#include "common/err.h"

void
fx_req_init(struct sup_request *r, int64_t quantity, enum sup_policy policy)
{
    memset(r, 0, sizeof *r);
    r->product_id = 42;
    r->quantity = quantity;
    r->today_day = TODAY;
    r->policy = policy;
    r->min_receipts = 5;
    r->quoted_on_time_rate = 0.9;
    r->quoted_fill_rate = 0.95;
}

/* A supplier with one break (1 unit up at price), no moq, pack 1, no
 * shipping, quoted lead 4 days, unlimited availability, 10 receipts with
 * the given performance. */
struct sup_input *
fx_add(struct sup_request *r, int64_t id, int64_t price, double on_time, double fill, double mean,
       double sd)
{
    struct sup_input *in = &r->in[r->n++];

    memset(in, 0, sizeof *in);
    in->supplier_id = id;
    in->offer.product_id = 42;
    in->offer.n_breaks = 1;
    in->offer.breaks[0].min_quantity = 1;
    in->offer.breaks[0].unit_price_cents = price;
    in->offer.pack_size = 1;
    in->offer.lead_time_days = 4;
    in->available_units = -1;
    in->perf.receipts = 10;
    in->perf.on_time_rate = on_time;
    in->perf.fill_rate = fill;
    in->perf.lead_time_mean_days = mean;
    in->perf.lead_time_sd_days = sd;
    return in;
}

/* The issue's example offer: 12.50 from 1, 11.00 from 48, moq 6, pack 6,
 * lead 4 days, shipping 25.00. */
void
fx_issue_offer(struct sup_offer *o, int64_t price48)
{
    memset(o, 0, sizeof *o);
    o->product_id = 42;
    o->n_breaks = 2;
    o->breaks[0].min_quantity = 1;
    o->breaks[0].unit_price_cents = 1250;
    o->breaks[1].min_quantity = 48;
    o->breaks[1].unit_price_cents = price48;
    o->moq = 6;
    o->pack_size = 6;
    o->lead_time_days = 4;
    o->shipping_cost_cents = 2500;
}

void
fx_choose_ok(const struct sup_request *r, struct sup_choice *c)
{
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_msg(sup_choose(r, c, &err) == TM_OK, "%s: %s", err.field, err.message);
}
