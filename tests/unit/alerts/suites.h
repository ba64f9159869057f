/* tests/unit/alerts/suites.h — one Check suite per services/alerts/ module. */
#ifndef TM_TESTS_UNIT_ALERTS_SUITES_H
#define TM_TESTS_UNIT_ALERTS_SUITES_H

#include <check.h>

Suite *escalation_suite(void);
Suite *notify_suite(void);
Suite *decode_suite(void);
Suite *evaluate_suite(void);
Suite *step_suite(void);
Suite *facts_suite(void);

#endif
