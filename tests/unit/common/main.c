/* tests/unit/common/main.c — runs every common/ suite. */
#include <fcntl.h>
#include <stdlib.h>

#include "common/log.h"

#include "tests/unit/common/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(err_suite());
    int failed;

    /* Code under test logs as it works; keep the run's output to Check's. */
    tm_log_init("tm-unit", TM_LOG_ERROR, open("/dev/null", O_WRONLY));

    srunner_add_suite(sr, buf_suite());
    srunner_add_suite(sr, log_suite());
    srunner_add_suite(sr, config_suite());
    srunner_add_suite(sr, json_suite());
    srunner_add_suite(sr, envelope_suite());
    srunner_add_suite(sr, metrics_suite());
    srunner_add_suite(sr, router_suite());
    srunner_add_suite(sr, bus_suite());
    srunner_add_suite(sr, ops_suite());
    srunner_add_suite(sr, migrate_suite());
    srunner_add_suite(sr, time_suite());
    srunner_add_suite(sr, event_suite());
    srunner_add_suite(sr, http_suite());
    srunner_add_suite(sr, db_suite());
    srunner_add_suite(sr, topic_suite());
    srunner_add_suite(sr, page_suite());
    srunner_add_suite(sr, hash_suite());
    srunner_add_suite(sr, csv_suite());
    srunner_add_suite(sr, backoff_suite());
    srunner_add_suite(sr, url_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
