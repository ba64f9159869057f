/* tests/unit/alerts/escalation_test.c — where an escalation policy's chain
 * stands (steps, then repeats of the last step, then over). Which silences
 * match is one SQL statement (al_db_silence_match), tested through the API
 * (tests/integration/alerts_life_test.c). */
#include "services/alerts/engine.h"
#include "tests/unit/alerts/suites.h"

#define T0 1700000000000LL /* an epoch ms: when the alert fired */

/* policy, position → (ok, step, round, due seconds after firing) */
static const struct al_policy three = {3, {0, 300, 900}, 600, 2};
static const struct al_policy no_repeat = {2, {60, 60}, 0, 5};
static const struct al_policy empty = {0, {0}, 600, 2};

static const struct {
    const struct al_policy *p;
    int next;
    int ok, step, round;
    int64_t due_s;
} position_cases[] = {
    {&three, 0, 1, 0, 0, 0},
    {&three, 1, 1, 1, 0, 300},
    {&three, 2, 1, 2, 0, 900},
    {&three, 3, 1, 2, 1, 1500}, /* repeat 0 of the last step: round 1 */
    {&three, 4, 1, 2, 2, 2100},
    {&three, 5, 0, 0, 0, 0}, /* repeat_max 2: over */
    {&three, -1, 0, 0, 0, 0},
    {&no_repeat, 0, 1, 0, 0, 60},
    {&no_repeat, 1, 1, 1, 0, 60}, /* equal after_s: due together */
    {&no_repeat, 2, 0, 0, 0, 0},  /* repeat_every_s 0: no repeats whatever repeat_max */
    {&empty, 0, 0, 0, 0, 0},      /* no step: nothing to run */
};

START_TEST(test_policy_position_steps_then_repeats_then_over)
{
    int step = -7, round = -7;
    int64_t due = -7;
    int ok =
        al_policy_position(position_cases[_i].p, position_cases[_i].next, T0, &step, &round, &due);

    ck_assert_msg(ok == position_cases[_i].ok, "case %d: ok %d", _i, ok);
    if (!ok)
        return;
    ck_assert_int_eq(step, position_cases[_i].step);
    ck_assert_int_eq(round, position_cases[_i].round);
    ck_assert_int_eq(due, T0 + position_cases[_i].due_s * 1000);
}
END_TEST

Suite *
escalation_suite(void)
{
    Suite *s = suite_create("alerts.escalation");
    TCase *tc = tcase_create("policy_position");

    tcase_add_loop_test(tc, test_policy_position_steps_then_repeats_then_over, 0,
                        (int)(sizeof position_cases / sizeof position_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
