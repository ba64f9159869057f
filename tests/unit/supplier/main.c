/* tests/unit/supplier/main.c — runs every services/supplier/ suite. */
#include <stdlib.h>

#include "tests/unit/supplier/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(choice_suite());
    int failed;

    srunner_add_suite(sr, choice_rank_suite());
    srunner_add_suite(sr, decode_suite());
    srunner_add_suite(sr, po_suite());
    srunner_add_suite(sr, breaker_suite());
    srunner_add_suite(sr, api_decode_suite());
    srunner_add_suite(sr, api_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
