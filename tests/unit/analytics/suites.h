/* tests/unit/analytics/suites.h — one Check suite per tm-analytics module. */
#ifndef TM_TESTS_UNIT_ANALYTICS_SUITES_H
#define TM_TESTS_UNIT_ANALYTICS_SUITES_H

#include <check.h>

Suite *query_suite(void);
Suite *rfm_suite(void);
Suite *sale_event_suite(void);
Suite *report_suite(void);
Suite *sale_batch_suite(void);

#endif
