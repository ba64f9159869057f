/* tests/unit/supplier/suites.h — one Check suite per supplier module. */
#ifndef TM_TESTS_UNIT_SUPPLIER_SUITES_H
#define TM_TESTS_UNIT_SUPPLIER_SUITES_H

#include <check.h>

Suite *choice_suite(void);
Suite *choice_rank_suite(void);
Suite *decode_suite(void);
Suite *po_suite(void);
Suite *breaker_suite(void);
Suite *api_decode_suite(void);
Suite *api_suite(void);

#endif
