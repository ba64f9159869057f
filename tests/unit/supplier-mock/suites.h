/* tests/unit/supplier-mock/suites.h — one Check suite per tm-supplier-mock module. */
#ifndef TM_TESTS_UNIT_SUPPLIER_MOCK_SUITES_H
#define TM_TESTS_UNIT_SUPPLIER_MOCK_SUITES_H

#include <check.h>

Suite *fault_suite(void);
Suite *orders_suite(void);
Suite *mock_decode_suite(void);

#endif
