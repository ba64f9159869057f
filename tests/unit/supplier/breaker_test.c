/* tests/unit/supplier/breaker_test.c — the circuit breaker: opens after N
 * consecutive failures (a success in between starts the count again), stays
 * open for open_ms, then lets exactly one probe through, which closes it or
 * opens it again. */
#include "services/supplier/breaker.h"
#include "tests/unit/supplier/suites.h"

static const struct sup_breaker_cfg cfg = {3, 1000};

START_TEST(test_breaker_opens_after_consecutive_failures)
{
    struct sup_breaker b;

    sup_breaker_init(&b);
    ck_assert(sup_breaker_allow(&b, &cfg, 0));
    ck_assert(!sup_breaker_failure(&b, &cfg, 0));
    ck_assert(!sup_breaker_failure(&b, &cfg, 0));
    ck_assert(!sup_breaker_success(&b)); /* starts the count again */
    ck_assert(!sup_breaker_failure(&b, &cfg, 10));
    ck_assert(!sup_breaker_failure(&b, &cfg, 20));
    ck_assert_int_eq(b.state, SUP_BREAKER_CLOSED);
    ck_assert(sup_breaker_failure(&b, &cfg, 30));
    ck_assert_int_eq(b.state, SUP_BREAKER_OPEN);
    ck_assert(!sup_breaker_allow(&b, &cfg, 30));
    ck_assert(!sup_breaker_allow(&b, &cfg, 1029)); /* open_ms not over yet */
    ck_assert_int_eq(b.state, SUP_BREAKER_OPEN);
}
END_TEST

START_TEST(test_breaker_half_open_one_probe_then_closed)
{
    struct sup_breaker b;

    sup_breaker_init(&b);
    for (int i = 0; i < 3; i++)
        (void)sup_breaker_failure(&b, &cfg, 100);
    ck_assert(sup_breaker_allow(&b, &cfg, 1100)); /* the probe */
    ck_assert_int_eq(b.state, SUP_BREAKER_HALF_OPEN);
    ck_assert(!sup_breaker_allow(&b, &cfg, 1100)); /* only one */
    ck_assert(!sup_breaker_allow(&b, &cfg, 5000));
    ck_assert(sup_breaker_success(&b));
    ck_assert_int_eq(b.state, SUP_BREAKER_CLOSED);
    ck_assert_int_eq(b.failures, 0);
    ck_assert(sup_breaker_allow(&b, &cfg, 5000));
    ck_assert(sup_breaker_allow(&b, &cfg, 5000));
}
END_TEST

START_TEST(test_breaker_probe_failure_reopens)
{
    struct sup_breaker b;

    sup_breaker_init(&b);
    for (int i = 0; i < 3; i++)
        (void)sup_breaker_failure(&b, &cfg, 0);
    ck_assert(sup_breaker_allow(&b, &cfg, 1000));
    ck_assert(sup_breaker_failure(&b, &cfg, 1500));
    ck_assert_int_eq(b.state, SUP_BREAKER_OPEN);
    ck_assert(!sup_breaker_allow(&b, &cfg, 2499)); /* open again from 1500 */
    ck_assert(sup_breaker_allow(&b, &cfg, 2500));
    ck_assert_int_eq(b.state, SUP_BREAKER_HALF_OPEN);
}
END_TEST

START_TEST(test_breaker_late_outcomes_while_open)
{
    struct sup_breaker b;

    sup_breaker_init(&b);
    for (int i = 0; i < 3; i++)
        (void)sup_breaker_failure(&b, &cfg, 0);
    /* calls let through before it opened end now: nothing changes */
    ck_assert(!sup_breaker_success(&b));
    ck_assert(!sup_breaker_failure(&b, &cfg, 900));
    ck_assert_int_eq(b.state, SUP_BREAKER_OPEN);
    ck_assert(sup_breaker_allow(&b, &cfg, 1000)); /* still timed from 0 */
}
END_TEST

START_TEST(test_breaker_names)
{
    ck_assert_str_eq(sup_breaker_state_name(SUP_BREAKER_CLOSED), "closed");
    ck_assert_str_eq(sup_breaker_state_name(SUP_BREAKER_OPEN), "open");
    ck_assert_str_eq(sup_breaker_state_name(SUP_BREAKER_HALF_OPEN), "half_open");
}
END_TEST

Suite *
breaker_suite(void)
{
    Suite *s = suite_create("supplier.breaker");
    TCase *tc = tcase_create("states");

    tcase_add_test(tc, test_breaker_opens_after_consecutive_failures);
    tcase_add_test(tc, test_breaker_half_open_one_probe_then_closed);
    tcase_add_test(tc, test_breaker_probe_failure_reopens);
    tcase_add_test(tc, test_breaker_late_outcomes_while_open);
    tcase_add_test(tc, test_breaker_names);
    suite_add_tcase(s, tc);
    return s;
}
