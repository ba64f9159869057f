/* tests/unit/supplier/choice_fixture.h — shared by the supplier-choice
 * tests (choice_test.c: pricing one supplier's order; choice_rank_test.c:
 * ranking, policies and splits). */
#ifndef TM_TESTS_UNIT_SUPPLIER_CHOICE_FIXTURE_H
#define TM_TESTS_UNIT_SUPPLIER_CHOICE_FIXTURE_H

#include <stdint.h>

#include "services/supplier/choice.h"

#define TODAY 20000 /* epoch day */

/* A request for `quantity` of product 42 on TODAY under policy; quoted
 * rates 0.90 / 0.95 below 5 receipts. */
void fx_req_init(struct sup_request *r, int64_t quantity, enum sup_policy policy);

/* A supplier with one break (1 unit up at price), no moq, pack 1, no
 * shipping, quoted lead 4 days, unlimited availability, 10 receipts with
 * the given performance; appended to r. */
struct sup_input *fx_add(struct sup_request *r, int64_t id, int64_t price, double on_time,
                         double fill, double mean, double sd);

/* The issue's example offer: 12.50 from 1, price48 from 48, moq 6, pack 6,
 * lead 4 days, shipping 25.00. */
void fx_issue_offer(struct sup_offer *o, int64_t price48);

/* sup_choose, which must succeed. */
void fx_choose_ok(const struct sup_request *r, struct sup_choice *c);

#endif
