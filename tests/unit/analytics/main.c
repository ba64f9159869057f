/* tests/unit/analytics/main.c — runs every tm-analytics suite. */
#include <fcntl.h>
#include <stdlib.h>

#include "common/log.h"

#include "tests/unit/analytics/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(report_suite());
    int failed;

    tm_log_init("tm-unit", TM_LOG_ERROR, open("/dev/null", O_WRONLY));
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
