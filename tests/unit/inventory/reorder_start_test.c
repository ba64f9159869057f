/* tests/unit/inventory/reorder_start_test.c — tm-inventory's start hook
 * refuses reorder settings out of range, naming the setting: a fill rate
 * outside (0, 1), a holding rate that is negative or not a number, a
 * supplier policy tm-supplier does not know. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "services/inventory/app.h"
#include "services/inventory/reorder_handlers.h"

static const struct {
    const char *a, *b, *c, *holding, *policy, *field;
} cases[] = {
    {"0.98", "0.95", "0.90", "0.25", "weighted", ""},
    {"0.98", "0.95", "0.90", "0.25", "cheapest", ""},
    {"1", "0.95", "0.90", "0.25", "weighted", "reorder-fill-a"},
    {"0.98", "0", "0.90", "0.25", "weighted", "reorder-fill-b"},
    {"0.98", "0.95", "-0.5", "0.25", "weighted", "reorder-fill-c"},
    {"0.98", "0.95", "nan", "0.25", "weighted", "reorder-fill-c"},
    {"0.98x", "0.95", "0.90", "0.25", "weighted", "reorder-fill-a"},
    {"0.98", "0.95", "0.90", "-0.1", "weighted", "reorder-holding-rate"},
    {"0.98", "0.95", "0.90", "", "weighted", "reorder-holding-rate"},
    {"0.98", "0.95", "0.90", "0.25", "cheapst", "reorder-supplier-policy"},
    {"0.98", "0.95", "0.90", "0.25", "", "reorder-supplier-policy"},
};

START_TEST(test_settings)
{
    static struct inv_cfg cfg;
    static struct inv_app app;
    struct tm_service_env env;
    struct tm_err err;
    enum tm_code rc;

    memset(&env, 0, sizeof env);
    memset(&cfg, 0, sizeof cfg);
    memset(&app, 0, sizeof app);
    app.cfg = &cfg;
    snprintf(cfg.fill_a, sizeof cfg.fill_a, "%s", cases[_i].a);
    snprintf(cfg.fill_b, sizeof cfg.fill_b, "%s", cases[_i].b);
    snprintf(cfg.fill_c, sizeof cfg.fill_c, "%s", cases[_i].c);
    snprintf(cfg.holding_rate, sizeof cfg.holding_rate, "%s", cases[_i].holding);
    snprintf(cfg.supplier_policy, sizeof cfg.supplier_policy, "%s", cases[_i].policy);
    tm_err_clear(&err);
    rc = inv_start(&app, &env, &err);
    if (!cases[_i].field[0]) {
        ck_assert_int_eq(rc, TM_OK);
        ck_assert_double_eq(app.levels.a, 0.98);
        ck_assert_double_eq(app.levels.c, 0.90);
        ck_assert_double_eq(app.holding_rate, 0.25);
        return;
    }
    ck_assert_int_eq(rc, TM_INVALID);
    ck_assert_str_eq(err.field, cases[_i].field);
}
END_TEST

Suite *reorder_start_suite(void);

Suite *
reorder_start_suite(void)
{
    Suite *s = suite_create("inventory.reorder_start");
    TCase *tc = tcase_create("reorder_start");
    tcase_add_loop_test(tc, test_settings, 0, (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
