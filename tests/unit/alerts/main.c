/* tests/unit/alerts/main.c — runs every services/alerts/ suite. */
#include <fcntl.h>
#include <stdlib.h>

#include "common/log.h"

#include "tests/unit/alerts/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    srunner_add_suite(sr, escalation_suite());
    int failed;

    /* Code under test logs as it works; keep the run's output to Check's. */
    tm_log_init("tm-unit", TM_LOG_ERROR, open("/dev/null", O_WRONLY));
    srunner_add_suite(sr, evaluate_suite());
    srunner_add_suite(sr, step_suite());
    srunner_add_suite(sr, facts_suite());
    srunner_add_suite(sr, notify_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
