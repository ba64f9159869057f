/* tests/unit/inventory/reorder_tool_test.c — the offline reorder tools'
 * shared flags: defaults, each flag read, and each bad value refused naming
 * its flag with the settings unchanged. */
#include <math.h>
#include <string.h>

#include <check.h>

#include "services/inventory/reorder.h"
#include "services/inventory/reorder_tool.h"

START_TEST(test_defaults_and_reading)
{
    struct rt_settings s;
    struct tm_err err;
    int taken = -1;

    rt_settings_init(&s);
    ck_assert_double_eq(s.lead_mean_days, 7);
    ck_assert_double_eq(s.lead_sd_days, 2.5);
    ck_assert_int_eq(s.review_days, 1);
    ck_assert_double_eq(s.fill_rate, 0.95);
    ck_assert_int_eq(s.origin_given, 0);
    ck_assert_int_eq(s.backorders, 0); /* unmet demand is lost unless told */
    ck_assert_int_eq(rt_option(&s, "--backorders", "1", &taken, &err), TM_OK);
    ck_assert_int_eq(s.backorders, 1);
    ck_assert_int_eq(rt_option(&s, "--fill-rate", "0.98", &taken, &err), TM_OK);
    ck_assert_int_eq(taken, 1);
    ck_assert_double_eq(s.fill_rate, 0.98);
    ck_assert_int_eq(rt_option(&s, "--review-days", "7", &taken, &err), TM_OK);
    ck_assert_int_eq(s.review_days, 7);
    ck_assert_int_eq(rt_option(&s, "--origin-days-from-end", "90", &taken, &err), TM_OK);
    ck_assert_int_eq(s.origin_days, 90);
    ck_assert_int_eq(s.origin_given, 1);
    ck_assert_int_eq(rt_option(&s, "--lead-time-sd", "0", &taken, &err), TM_OK);
    ck_assert_double_eq(s.lead_sd_days, 0);
    ck_assert_int_eq(rt_option(&s, "--policy", "x.csv", &taken, &err), TM_OK);
    ck_assert_int_eq(taken, 0); /* not a shared flag */
    ck_assert_int_eq(rt_check(&s, &err), TM_OK);
    ck_assert_int_eq(rt_horizon(&s), 7 + 7); /* no spread: 7 days of lead, 7 of review */
}
END_TEST

static const struct {
    const char *flag, *value;
} BAD[] = {
    {"--fill-rate", "1"},
    {"--fill-rate", "0"},
    {"--fill-rate", "-0.5"},
    {"--fill-rate", "0.9x"},
    {"--fill-rate", NULL},
    {"--lead-time-mean", "-1"},
    {"--lead-time-mean", "inf"},
    {"--lead-time-sd", "-0.1"},
    {"--lead-time-sd", "nan"},
    {"--review-days", "0"},
    {"--review-days", "91"},
    {"--review-days", "2.5"},
    {"--holding-cost", "-1"},
    {"--order-cost", "-1"},
    {"--unit-cost", "0"},
    {"--origin-days-from-end", "-1"},
    {"--origin-days-from-end", "20001"},
    {"--backorders", "2"},
    {"--backorders", "yes"},
};

START_TEST(test_bad_values_name_their_flag)
{
    struct rt_settings s, before;
    struct tm_err err;
    int taken = 0;

    rt_settings_init(&s);
    before = s;
    ck_assert_int_eq(rt_option(&s, BAD[_i].flag, BAD[_i].value, &taken, &err), TM_INVALID);
    ck_assert_int_eq(taken, 1);
    ck_assert_str_eq(err.field, BAD[_i].flag);
    ck_assert_mem_eq(&s, &before, sizeof s);
}
END_TEST

START_TEST(test_lead_time_past_the_horizon)
{
    struct rt_settings s;
    struct tm_err err;
    int taken;

    rt_settings_init(&s);
    ck_assert_int_eq(rt_option(&s, "--lead-time-mean", "150", &taken, &err), TM_OK);
    ck_assert_int_eq(rt_option(&s, "--lead-time-sd", "20", &taken, &err), TM_OK);
    ck_assert_int_gt(rt_horizon(&s), RP_MAX_HORIZON);
    ck_assert_int_eq(rt_check(&s, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "--lead-time-mean");
}
END_TEST

Suite *reorder_tool_suite(void);

Suite *
reorder_tool_suite(void)
{
    Suite *s = suite_create("inventory.reorder_tool");
    TCase *tc = tcase_create("reorder_tool");

    tcase_add_test(tc, test_defaults_and_reading);
    tcase_add_loop_test(tc, test_bad_values_name_their_flag, 0, (int)(sizeof BAD / sizeof *BAD));
    tcase_add_test(tc, test_lead_time_past_the_horizon);
    suite_add_tcase(s, tc);
    return s;
}
