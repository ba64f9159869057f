/* tests/unit/gateway/suites.h — the gateway's Check suites. */
#ifndef TM_TESTS_UNIT_GATEWAY_SUITES_H
#define TM_TESTS_UNIT_GATEWAY_SUITES_H

#include <check.h>

Suite *routes_suite(void);
Suite *token_suite(void);
Suite *perm_suite(void);
Suite *decode_suite(void);
Suite *overview_suite(void);
Suite *wsmsg_suite(void);
Suite *readcache_suite(void);
Suite *push_suite(void);
Suite *loadgen_suite(void);
Suite *refusals_suite(void);
Suite *tokcache_suite(void);
Suite *keycache_suite(void);

#endif
