/* tests/unit/analytics/main.c — runs every services/analytics/ suite. */
#include <fcntl.h>
#include <stdlib.h>

#include "common/log.h"

#include "tests/unit/analytics/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(sale_event_suite());
    int failed;

    /* Code under test logs as it works; keep the run's output to Check's. */
    tm_log_init("tm-unit", TM_LOG_ERROR, open("/dev/null", O_WRONLY));
    srunner_add_suite(sr, report_suite());
    srunner_add_suite(sr, query_suite());
    srunner_add_suite(sr, rfm_suite());
    srunner_add_suite(sr, sale_batch_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
