/* tests/unit/inventory/catalog_test.c — catalogue rules and the sample
 * generator, called directly with plain structs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "services/inventory/catalog.h"
#include "services/inventory/sample.h"

static const struct {
    const char *sku;
    int ok;
} skus[] = {
    {"A", 1},
    {"SKU-001", 1},
    {"a.b_c-9", 1},
    {"", 0},
    {"-lead", 0},
    {"has space", 0},
    {"semi;colon", 0},
    {"0123456789012345678901234567890123456789012345678901234567890123", 1},
    {"01234567890123456789012345678901234567890123456789012345678901234", 0},
};

START_TEST(test_sku_rules)
{
    ck_assert_int_eq(inv_sku_valid(skus[_i].sku), skus[_i].ok);
}
END_TEST

static void
good_product(struct inv_product *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->sku, sizeof p->sku, "SKU-1");
    snprintf(p->name, sizeof p->name, "Widget");
    snprintf(p->unit_of_measure, sizeof p->unit_of_measure, "each");
    p->category_id = 1;
    p->unit_price_cents = 1999;
    p->unit_cost_cents = 1000;
    p->pack_size = 1;
}

START_TEST(test_product_validation_names_field)
{
    struct inv_product p;
    struct tm_err e;

    good_product(&p);
    ck_assert_int_eq(inv_product_validate(&p, ~0u, &e), TM_OK);
    p.unit_price_cents = -1;
    ck_assert_int_eq(inv_product_validate(&p, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "unit_price_cents");
    /* a field not being set is not checked (PATCH) */
    ck_assert_int_eq(inv_product_validate(&p, INV_F_NAME, &e), TM_OK);
    good_product(&p);
    p.unit_cost_cents = INV_PRICE_MAX_CENTS + 1;
    ck_assert_int_eq(inv_product_validate(&p, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "unit_cost_cents");
    good_product(&p);
    snprintf(p.unit_of_measure, sizeof p.unit_of_measure, "bushel");
    ck_assert_int_eq(inv_product_validate(&p, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "unit_of_measure");
    ck_assert_str_eq(e.message,
                     "unit_of_measure must be one of: each, kg, g, l, ml, m, pack, box, pair");
    good_product(&p);
    snprintf(p.name, sizeof p.name, "   ");
    ck_assert_int_eq(inv_product_validate(&p, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "name");
    good_product(&p);
    p.pack_size = 0;
    ck_assert_int_eq(inv_product_validate(&p, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "pack_size");
}
END_TEST

START_TEST(test_store_and_category_validation)
{
    struct inv_store s;
    struct inv_category c;
    struct tm_err e;

    memset(&s, 0, sizeof s);
    snprintf(s.code, sizeof s.code, "NYC-01");
    snprintf(s.name, sizeof s.name, "Shop");
    snprintf(s.city, sizeof s.city, "New York");
    snprintf(s.time_zone, sizeof s.time_zone, "America/New_York");
    ck_assert_int_eq(inv_store_validate(&s, ~0u, &e), TM_OK);
    snprintf(s.code, sizeof s.code, "nyc");
    ck_assert_int_eq(inv_store_validate(&s, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "code");
    snprintf(s.code, sizeof s.code, "NYC");
    snprintf(s.time_zone, sizeof s.time_zone, "Mars/Olympus Mons");
    ck_assert_int_eq(inv_store_validate(&s, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "time_zone");
    snprintf(s.time_zone, sizeof s.time_zone, "UTC");
    snprintf(s.holiday_country, sizeof s.holiday_country, "UK");
    ck_assert_int_eq(inv_store_validate(&s, INV_F_COUNTRY, &e), TM_OK);
    snprintf(s.holiday_country, sizeof s.holiday_country, "FR"); /* no rules for France */
    ck_assert_int_eq(inv_store_validate(&s, INV_F_COUNTRY, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "holiday_country");
    snprintf(s.holiday_country, sizeof s.holiday_country, "us"); /* codes are upper case */
    ck_assert_int_eq(inv_store_validate(&s, INV_F_COUNTRY, &e), TM_INVALID);
    ck_assert(inv_tz_shape_valid("UTC"));
    ck_assert(!inv_tz_shape_valid("/etc/passwd"));
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "Toys");
    c.id = 5;
    c.parent_id = 5;
    ck_assert_int_eq(inv_category_validate(&c, ~0u, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "parent_id");
    c.parent_id = 0;
    ck_assert_int_eq(inv_category_validate(&c, ~0u, &e), TM_OK);
}
END_TEST

START_TEST(test_sample_is_deterministic_and_valid)
{
    struct inv_rng a, b;
    struct tm_err e;
    int seen[64] = {0};

    ck_assert_int_ge(inv_sample_n_stores(), 10);
    ck_assert_int_ge(inv_sample_n_categories(), 20);
    inv_rng_seed(&a, 7);
    inv_rng_seed(&b, 7);
    for (int i = 0; i < 1000; i++) {
        struct inv_product p, q;
        int ca, cb;

        inv_sample_product(&a, i, &p, &ca);
        inv_sample_product(&b, i, &q, &cb);
        ck_assert_str_eq(p.name, q.name);
        ck_assert_int_eq(p.unit_price_cents, q.unit_price_cents);
        ck_assert_int_eq(ca, cb);
        p.category_id = ca + 1;
        ck_assert_msg(inv_product_validate(&p, ~0u, &e) == TM_OK, "product %d: %s", i, e.message);
        ck_assert_int_gt(p.unit_price_cents, p.unit_cost_cents);
        ck_assert_int_gt(p.unit_cost_cents, 0);
        ck_assert_int_eq(p.unit_price_cents % 100, 99); /* shelf prices end in .99 */
        seen[ca] = 1;
    }
    for (int c = 0; c < inv_sample_n_categories(); c++) {
        struct inv_category cat;
        ck_assert_msg(seen[c], "category %d never used", c);
        inv_sample_category(c, &cat);
        ck_assert_int_eq(inv_category_validate(&cat, ~0u, &e), TM_OK);
    }
    for (int s = 0; s < inv_sample_n_stores(); s++) {
        struct inv_store st;
        inv_sample_store(s, &st);
        ck_assert_msg(inv_store_validate(&st, ~0u, &e) == TM_OK, "store %d: %s", s, e.message);
    }
}
END_TEST

START_TEST(test_rng_range_stays_in_bounds)
{
    struct inv_rng r;
    int hits[5] = {0};

    inv_rng_seed(&r, 1);
    for (int i = 0; i < 5000; i++) {
        int64_t v = inv_rng_range(&r, 3, 7);
        ck_assert(v >= 3 && v <= 7);
        hits[v - 3]++;
    }
    for (int i = 0; i < 5; i++)
        ck_assert_int_gt(hits[i], 800); /* roughly uniform: 1000 expected */
}
END_TEST

static Suite *
catalog_suite(void)
{
    Suite *s = suite_create("inventory.catalog");
    TCase *tc = tcase_create("catalog");

    tcase_add_loop_test(tc, test_sku_rules, 0, (int)(sizeof skus / sizeof skus[0]));
    tcase_add_test(tc, test_product_validation_names_field);
    tcase_add_test(tc, test_store_and_category_validation);
    tcase_add_test(tc, test_sample_is_deterministic_and_valid);
    tcase_add_test(tc, test_rng_range_stays_in_bounds);
    suite_add_tcase(s, tc);
    return s;
}

Suite *stock_suite(void);            /* stock_test.c */
Suite *forecast_suite(void);         /* forecast_test.c */
Suite *forecast_models_suite(void);  /* forecast_models_test.c */
Suite *forecast_due_suite(void);     /* forecast_due_test.c */
Suite *forecast_regress_suite(void); /* forecast_regress_test.c */
Suite *reorder_suite(void);          /* reorder_test.c */
Suite *po_event_suite(void);         /* po_event_test.c */
Suite *reorder_sim_suite(void);      /* reorder_sim_test.c */
Suite *series_csv_suite(void);       /* series_csv_test.c */
Suite *reorder_tool_suite(void);     /* reorder_tool_test.c */
Suite *reorder_decode_suite(void);   /* reorder_decode_test.c */
Suite *reorder_start_suite(void);    /* reorder_start_test.c */
Suite *calendar_decode_suite(void);  /* calendar_decode_test.c */
Suite *forecast_known_suite(void);   /* forecast_known_test.c */

int
main(void)
{
    SRunner *sr = srunner_create(catalog_suite());
    int failed;

    srunner_add_suite(sr, stock_suite());
    srunner_add_suite(sr, forecast_suite());
    srunner_add_suite(sr, forecast_models_suite());
    srunner_add_suite(sr, forecast_due_suite());
    srunner_add_suite(sr, forecast_regress_suite());
    srunner_add_suite(sr, reorder_suite());
    srunner_add_suite(sr, po_event_suite());
    srunner_add_suite(sr, reorder_sim_suite());
    srunner_add_suite(sr, series_csv_suite());
    srunner_add_suite(sr, reorder_tool_suite());
    srunner_add_suite(sr, reorder_decode_suite());
    srunner_add_suite(sr, reorder_start_suite());
    srunner_add_suite(sr, calendar_decode_suite());
    srunner_add_suite(sr, forecast_known_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
