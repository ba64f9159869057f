/* tests/unit/alerts/escalation_test.c — which silences match an alert
 * (every matcher set must equal, inside the window only) and where an
 * escalation policy's chain stands (steps, then repeats of the last step,
 * then over). */
#include "services/alerts/engine.h"
#include "tests/unit/alerts/suites.h"

#define T0 1700000000000LL /* an epoch ms inside every window below */

/* silence, alert (rule, store, product, severity), now → matches */
static const struct {
    struct al_silence s;
    int64_t rule_id, store_id, product_id;
    enum al_severity sev;
    int64_t now_ms;
    int want;
} silence_cases[] = {
    /* one matcher each, equal and different */
    {{1, 3, 0, 0, -1, T0 - 1000, T0 + 1000}, 3, 1, 7, AL_SEV_HIGH, T0, 1},
    {{1, 3, 0, 0, -1, T0 - 1000, T0 + 1000}, 4, 1, 7, AL_SEV_HIGH, T0, 0},
    {{1, 0, 2, 0, -1, T0 - 1000, T0 + 1000}, 3, 2, 7, AL_SEV_HIGH, T0, 1},
    {{1, 0, 2, 0, -1, T0 - 1000, T0 + 1000}, 3, 1, 7, AL_SEV_HIGH, T0, 0},
    {{1, 0, 2, 0, -1, T0 - 1000, T0 + 1000}, 3, 0, 7, AL_SEV_HIGH, T0, 0}, /* no store */
    {{1, 0, 0, 7, -1, T0 - 1000, T0 + 1000}, 3, 1, 7, AL_SEV_LOW, T0, 1},
    {{1, 0, 0, 7, -1, T0 - 1000, T0 + 1000}, 3, 1, 8, AL_SEV_LOW, T0, 0},
    {{1, 0, 0, 0, AL_SEV_LOW, T0 - 1000, T0 + 1000}, 3, 1, 8, AL_SEV_LOW, T0, 1},
    {{1, 0, 0, 0, AL_SEV_LOW, T0 - 1000, T0 + 1000}, 3, 1, 8, AL_SEV_CRITICAL, T0, 0},
    {{1, 0, 0, 0, AL_SEV_CRITICAL, T0 - 1000, T0 + 1000}, 0, 0, 0, AL_SEV_CRITICAL, T0, 1},
    /* every matcher must hold */
    {{1, 3, 2, 7, AL_SEV_HIGH, T0 - 1000, T0 + 1000}, 3, 2, 7, AL_SEV_HIGH, T0, 1},
    {{1, 3, 2, 7, AL_SEV_HIGH, T0 - 1000, T0 + 1000}, 3, 2, 7, AL_SEV_MEDIUM, T0, 0},
    {{1, 3, 2, 7, AL_SEV_HIGH, T0 - 1000, T0 + 1000}, 3, 9, 7, AL_SEV_HIGH, T0, 0},
    /* a manual alert (rule 0) is not matched by a rule matcher */
    {{1, 3, 0, 0, -1, T0 - 1000, T0 + 1000}, 0, 1, 7, AL_SEV_HIGH, T0, 0},
    /* the window: starts inclusive, ends exclusive */
    {{1, 3, 0, 0, -1, T0, T0 + 1000}, 3, 1, 7, AL_SEV_HIGH, T0, 1},
    {{1, 3, 0, 0, -1, T0 + 1, T0 + 1000}, 3, 1, 7, AL_SEV_HIGH, T0, 0},
    {{1, 3, 0, 0, -1, T0 - 1000, T0}, 3, 1, 7, AL_SEV_HIGH, T0, 0},
    {{1, 3, 0, 0, -1, T0 - 1000, T0 + 1}, 3, 1, 7, AL_SEV_HIGH, T0, 1},
    /* no matcher at all matches nothing (the API refuses such a silence) */
    {{1, 0, 0, 0, -1, T0 - 1000, T0 + 1000}, 3, 1, 7, AL_SEV_HIGH, T0, 0},
};

START_TEST(test_silence_matches_every_set_matcher_in_window)
{
    int got = al_silence_matches(&silence_cases[_i].s, silence_cases[_i].rule_id,
                                 silence_cases[_i].store_id, silence_cases[_i].product_id,
                                 silence_cases[_i].sev, silence_cases[_i].now_ms);

    ck_assert_msg(got == silence_cases[_i].want, "case %d: got %d want %d", _i, got,
                  silence_cases[_i].want);
}
END_TEST

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
    TCase *tc = tcase_create("silence_matches");

    tcase_add_loop_test(tc, test_silence_matches_every_set_matcher_in_window, 0,
                        (int)(sizeof silence_cases / sizeof silence_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("policy_position");
    tcase_add_loop_test(tc, test_policy_position_steps_then_repeats_then_over, 0,
                        (int)(sizeof position_cases / sizeof position_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
