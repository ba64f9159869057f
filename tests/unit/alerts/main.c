/* tests/unit/alerts/main.c — runs every services/alerts/ suite. */
#include <stdlib.h>

#include "tests/unit/alerts/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(escalation_suite());
    int failed;

    srunner_add_suite(sr, notify_suite());
    srunner_add_suite(sr, decode_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
