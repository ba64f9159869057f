/* tests/unit/common/suites.h — one Check suite per common/ module. */
#ifndef TM_TESTS_UNIT_COMMON_SUITES_H
#define TM_TESTS_UNIT_COMMON_SUITES_H

#include <check.h>

Suite *err_suite(void);
Suite *buf_suite(void);
Suite *log_suite(void);
Suite *config_suite(void);
Suite *json_suite(void);
Suite *envelope_suite(void);
Suite *metrics_suite(void);
Suite *router_suite(void);
Suite *bus_suite(void);
Suite *ops_suite(void);
Suite *migrate_suite(void);
Suite *time_suite(void);
Suite *event_suite(void);
Suite *http_suite(void);
Suite *db_suite(void);
Suite *topic_suite(void);
Suite *page_suite(void);
Suite *hash_suite(void);
Suite *csv_suite(void);
Suite *backoff_suite(void);
Suite *url_suite(void);

#endif
