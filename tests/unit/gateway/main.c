/* tests/unit/gateway/main.c — runs the gateway's suites. */
#include <fcntl.h>
#include <stdlib.h>

#include "common/hash.h"
#include "common/log.h"

#include "tests/unit/gateway/suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(routes_suite());
    int failed;

    tm_log_init("tm-unit", TM_LOG_ERROR, open("/dev/null", O_WRONLY));
    if (tm_hash_init() != TM_OK) /* API keys and tokens draw random bytes */
        return EXIT_FAILURE;
    srunner_add_suite(sr, token_suite());
    srunner_add_suite(sr, perm_suite());
    srunner_add_suite(sr, decode_suite());
    srunner_add_suite(sr, overview_suite());
    srunner_add_suite(sr, wsmsg_suite());
    srunner_add_suite(sr, readcache_suite());
    srunner_add_suite(sr, push_suite());
    srunner_add_suite(sr, loadgen_suite());
    srunner_add_suite(sr, refusals_suite());
    srunner_add_suite(sr, tokcache_suite());
    srunner_add_suite(sr, keycache_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
