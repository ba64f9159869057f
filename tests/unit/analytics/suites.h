/* tests/unit/analytics/suites.h — one Check suite per tm-analytics module. */
#ifndef TM_TESTS_UNIT_ANALYTICS_SUITES_H
#define TM_TESTS_UNIT_ANALYTICS_SUITES_H

#include <check.h>

Suite *sale_event_suite(void);
Suite *report_suite(void);

#endif
