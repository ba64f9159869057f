/* tests/unit/supplier-mock/fault_test.c — the mock's fault settings and
 * draws: shares parsed exactly, settings checked, each kind drawn with its
 * share, a seed replaying its sequence, and after_share applying to orders
 * only. */
#include <string.h>

#include "services/supplier-mock/fault.h"
#include "tests/unit/supplier-mock/suites.h"

static const struct {
    const char *text;
    int32_t ppm; /* -1: refused */
} share_cases[] = {
    {"0", 0},        {"1", MOCK_PPM},        {"0.25", 250000},  {"1.0", MOCK_PPM}, {"0.000001", 1},
    {"0.5", 500000}, {"1.000000", MOCK_PPM}, {"", -1},          {"1.1", -1},       {"2", -1},
    {"-0.1", -1},    {"0.1234567", -1},      {".5", -1},        {"0.", -1},        {"0.5x", -1},
    {"01", -1},      {" 0.5", -1},           {"1.0000001", -1},
};

START_TEST(test_share_parse_table)
{
    struct tm_err err;
    int32_t ppm = -7;
    enum tm_code rc = mock_share_parse(share_cases[_i].text, "error-rate", &ppm, &err);

    if (share_cases[_i].ppm < 0) {
        ck_assert_int_eq(rc, TM_INVALID);
        ck_assert_str_eq(err.field, "error-rate");
        ck_assert_int_eq(ppm, -7);
    } else {
        ck_assert_int_eq(rc, TM_OK);
        ck_assert_int_eq(ppm, share_cases[_i].ppm);
    }
}
END_TEST

START_TEST(test_faults_check_names_setting)
{
    struct mock_faults f;
    struct tm_err err;

    mock_faults_default(&f);
    ck_assert_int_eq(mock_faults_check(&f, &err), TM_OK);
    ck_assert_int_eq(f.hang_ms, 30000);
    ck_assert_int_eq(f.after_ppm, MOCK_PPM / 2);
    f.rate_ppm[MOCK_FAULT_ERROR] = 600000;
    f.rate_ppm[MOCK_FAULT_DROP] = 400000;
    ck_assert_int_eq(mock_faults_check(&f, &err), TM_OK); /* exactly 1 */
    f.rate_ppm[MOCK_FAULT_RATE_LIMIT] = 1;
    ck_assert_int_eq(mock_faults_check(&f, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "faults");
    mock_faults_default(&f);
    f.hang_ms = MOCK_WAIT_MS_MAX + 1;
    ck_assert_int_eq(mock_faults_check(&f, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "hang_ms");
    mock_faults_default(&f);
    f.latency_ms = -1;
    ck_assert_int_eq(mock_faults_check(&f, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "latency_ms");
    mock_faults_default(&f);
    f.after_ppm = MOCK_PPM + 1;
    ck_assert_int_eq(mock_faults_check(&f, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "after_share");
}
END_TEST

START_TEST(test_draw_without_faults_draws_none)
{
    struct mock_faults f;
    uint64_t rng = 1;

    mock_faults_default(&f);
    for (int i = 0; i < 10000; i++) {
        struct mock_fault d = mock_fault_draw(&f, &rng, i & 1);

        ck_assert_int_eq(d.kind, MOCK_FAULT_NONE);
        ck_assert_int_eq(d.after, 0);
    }
}
END_TEST

/* Each kind comes with its share: 100,000 draws against the expected
 * counts, within 1 % of the draws (the binomial's sd is ~0.15 %). */
START_TEST(test_draw_follows_shares)
{
    static const int32_t share[MOCK_FAULT_KINDS] = {0, 100000, 50000, 200000, 150000, 250000};
    struct mock_faults f;
    int count[MOCK_FAULT_KINDS] = {0};
    uint64_t rng = 12345;
    const int n = 100000;

    mock_faults_default(&f);
    memcpy(f.rate_ppm, share, sizeof share);
    for (int i = 0; i < n; i++)
        count[mock_fault_draw(&f, &rng, 0).kind]++;
    for (int k = 1; k < MOCK_FAULT_KINDS; k++) {
        int want = (int)((int64_t)share[k] * n / MOCK_PPM);

        ck_assert_msg(count[k] > want - n / 100 && count[k] < want + n / 100, "%s: %d vs %d",
                      mock_fault_name((enum mock_fault_kind)k), count[k], want);
    }
    ck_assert_int_gt(count[MOCK_FAULT_NONE], n / 4 - n / 100); /* the remaining quarter */
}
END_TEST

START_TEST(test_draw_all_of_one_kind)
{
    struct mock_faults f;
    uint64_t rng = 99;

    for (int k = 1; k < MOCK_FAULT_KINDS; k++) {
        mock_faults_default(&f);
        f.rate_ppm[k] = MOCK_PPM;
        for (int i = 0; i < 1000; i++)
            ck_assert_int_eq(mock_fault_draw(&f, &rng, 0).kind, k);
    }
}
END_TEST

START_TEST(test_seed_replays_sequence)
{
    struct mock_faults f;
    uint64_t a = 42, b = 42, c = 43;
    int differ = 0;

    mock_faults_default(&f);
    f.rate_ppm[MOCK_FAULT_ERROR] = 300000;
    f.rate_ppm[MOCK_FAULT_DROP] = 300000;
    for (int i = 0; i < 1000; i++) {
        struct mock_fault x = mock_fault_draw(&f, &a, 1), y = mock_fault_draw(&f, &b, 1),
                          z = mock_fault_draw(&f, &c, 1);

        ck_assert_int_eq(x.kind, y.kind);
        ck_assert_int_eq(x.after, y.after);
        differ += x.kind != z.kind;
    }
    ck_assert_int_gt(differ, 100);
}
END_TEST

START_TEST(test_after_share_applies_to_orders_only)
{
    struct mock_faults f;
    uint64_t rng = 7;
    int after = 0;

    mock_faults_default(&f);
    f.rate_ppm[MOCK_FAULT_ERROR] = MOCK_PPM;
    f.after_ppm = MOCK_PPM;
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(mock_fault_draw(&f, &rng, 1).after, 1);
        ck_assert_int_eq(mock_fault_draw(&f, &rng, 0).after, 0);
    }
    f.after_ppm = 0;
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(mock_fault_draw(&f, &rng, 1).after, 0);
    f.after_ppm = MOCK_PPM / 4;
    for (int i = 0; i < 10000; i++)
        after += mock_fault_draw(&f, &rng, 1).after;
    ck_assert_int_gt(after, 2300);
    ck_assert_int_lt(after, 2700);
}
END_TEST

START_TEST(test_fault_names)
{
    ck_assert_str_eq(mock_fault_name(MOCK_FAULT_ERROR), "error");
    ck_assert_str_eq(mock_fault_name(MOCK_FAULT_RATE_LIMIT), "rate_limit");
    ck_assert_str_eq(mock_fault_name(MOCK_FAULT_KINDS), "none");
}
END_TEST

Suite *
fault_suite(void)
{
    Suite *s = suite_create("supplier-mock fault");
    TCase *tc = tcase_create("shares");

    tcase_add_loop_test(tc, test_share_parse_table, 0,
                        (int)(sizeof share_cases / sizeof share_cases[0]));
    tcase_add_test(tc, test_faults_check_names_setting);
    suite_add_tcase(s, tc);
    tc = tcase_create("draws");
    tcase_add_test(tc, test_draw_without_faults_draws_none);
    tcase_add_test(tc, test_draw_follows_shares);
    tcase_add_test(tc, test_draw_all_of_one_kind);
    tcase_add_test(tc, test_seed_replays_sequence);
    tcase_add_test(tc, test_after_share_applies_to_orders_only);
    tcase_add_test(tc, test_fault_names);
    suite_add_tcase(s, tc);
    return s;
}
