/* tests/unit/analytics/main.c — runs every services/analytics/ suite. */
#include <stdlib.h>

#include "tests/unit/analytics/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(sale_event_suite());
    int failed;

    srunner_add_suite(sr, query_suite());
    srunner_add_suite(sr, rfm_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
