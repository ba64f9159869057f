/* tests/unit/analytics/sale_batch_test.c — the sales tm-analytics holds
 * back to write as one batch: a completed sale keeps its lines, a declined
 * attempt none, a second sale with a held id is refused as applied before
 * (and changes nothing), a voided one is refused, and the batch says it is
 * full before a sale of the most lines could not fit. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "services/analytics/sale_batch.h"
#include "tests/unit/analytics/suites.h"

static struct an_sale_batch batch; /* ~250 KiB: not on the test's stack */
static struct an_sale_batch one;

static void
make_sale(struct an_sale *s, int64_t id, enum an_sale_status status, int n_lines)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    s->store_id = 3;
    s->customer_id = 17;
    snprintf(s->occurred_at, sizeof s->occurred_at, "2026-11-20T23:30:00.000Z");
    s->status = status;
    s->decision = AN_DECISION_APPROVE;
    s->total_cents = 500 * n_lines;
    s->units = n_lines;
    s->n_lines = n_lines;
    for (int i = 0; i < n_lines; i++)
        s->lines[i] = (struct an_sale_line){i, 100 + i, 1, 500};
}

START_TEST(test_completed_keeps_lines_declined_none)
{
    struct an_sale s;
    struct tm_err err;

    an_sale_batch_clear(&batch);
    make_sale(&s, 41, AN_SALE_COMPLETED, 2);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    make_sale(&s, 42, AN_SALE_DECLINED, 3);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    ck_assert_int_eq(batch.n, 2);
    ck_assert_int_eq(batch.n_lines, 2);
    ck_assert_int_eq(batch.lines[1].sale_id, 41);
    ck_assert_int_eq(batch.lines[1].product_id, 101);
    ck_assert_int_eq(batch.sales[1].status, AN_SALE_DECLINED);
    ck_assert_str_eq(batch.sales[0].occurred_at, "2026-11-20T23:30:00.000Z");
    an_sale_batch_clear(&batch);
    ck_assert_int_eq(batch.n + batch.n_lines, 0);
}
END_TEST

/* a refused batch is written one sale at a time: each picked with its own
 * lines, none of another's */
START_TEST(test_pick_one_sale_with_its_lines)
{
    struct an_sale s;
    struct tm_err err;

    an_sale_batch_clear(&batch);
    make_sale(&s, 41, AN_SALE_COMPLETED, 2);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    make_sale(&s, 42, AN_SALE_DECLINED, 3);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    make_sale(&s, 43, AN_SALE_COMPLETED, 3);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    one.n = 7; /* whatever it held is dropped */
    an_sale_batch_pick(&batch, 2, &one);
    ck_assert_int_eq(one.n, 1);
    ck_assert_int_eq(one.sales[0].id, 43);
    ck_assert_int_eq(one.n_lines, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(one.lines[i].sale_id, 43);
        ck_assert_int_eq(one.lines[i].product_id, 100 + i);
    }
    an_sale_batch_pick(&batch, 1, &one);
    ck_assert_int_eq(one.sales[0].id, 42);
    ck_assert_int_eq(one.sales[0].status, AN_SALE_DECLINED);
    ck_assert_int_eq(one.n_lines, 0);
    an_sale_batch_pick(&batch, 0, &one);
    ck_assert_int_eq(one.n_lines, 2);
    ck_assert_int_eq(batch.n, 3); /* the batch is unchanged */
    ck_assert_int_eq(batch.n_lines, 5);
}
END_TEST

START_TEST(test_held_id_and_voided_refused_unchanged)
{
    struct an_sale s;
    struct tm_err err;

    an_sale_batch_clear(&batch);
    make_sale(&s, 41, AN_SALE_COMPLETED, 2);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    make_sale(&s, 41, AN_SALE_DECLINED, 0);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "id");
    make_sale(&s, 43, AN_SALE_VOIDED, 1);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "status");
    ck_assert_int_eq(batch.n, 1);
    ck_assert_int_eq(batch.n_lines, 2);
}
END_TEST

START_TEST(test_full_before_a_largest_sale_cannot_fit)
{
    static struct an_sale s;
    struct tm_err err;
    int added = 0;

    an_sale_batch_clear(&batch);
    while (!an_sale_batch_full(&batch)) {
        make_sale(&s, 1000 + added, AN_SALE_COMPLETED, AN_SALE_LINES_MAX);
        ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
        added++;
    }
    ck_assert_int_eq(added, AN_BATCH_LINES / AN_SALE_LINES_MAX);
    make_sale(&s, 1, AN_SALE_COMPLETED, 1);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_TOOBIG);
    ck_assert_int_eq(batch.n, added);
    /* sales of one line: full at AN_BATCH_SALES */
    an_sale_batch_clear(&batch);
    for (added = 0; !an_sale_batch_full(&batch); added++) {
        make_sale(&s, 1000 + added, AN_SALE_COMPLETED, 1);
        ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_OK);
    }
    ck_assert_int_eq(added, AN_BATCH_SALES);
    make_sale(&s, 1, AN_SALE_DECLINED, 0);
    ck_assert_int_eq(an_sale_batch_add(&batch, &s, &err), TM_TOOBIG);
}
END_TEST

Suite *
sale_batch_suite(void)
{
    Suite *s = suite_create("sale_batch");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_completed_keeps_lines_declined_none);
    tcase_add_test(tc, test_held_id_and_voided_refused_unchanged);
    tcase_add_test(tc, test_pick_one_sale_with_its_lines);
    tcase_add_test(tc, test_full_before_a_largest_sale_cannot_fit);
    suite_add_tcase(s, tc);
    return s;
}
