/* tests/unit/supplier-mock/main.c — runs every services/supplier-mock/ suite. */
#include <stdlib.h>

#include "tests/unit/supplier-mock/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(fault_suite());
    int failed;

    srunner_add_suite(sr, orders_suite());
    srunner_add_suite(sr, mock_decode_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
