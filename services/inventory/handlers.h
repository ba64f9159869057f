/* services/inventory/handlers.h — tm-inventory's route table: envelope in,
 * catalogue structs to the store layer, JSON out. */
#ifndef TM_INVENTORY_HANDLERS_H
#define TM_INVENTORY_HANDLERS_H

#include <stddef.h>

#include "common/err.h"
#include "common/jobs.h"
#include "common/router.h"

extern const struct tm_route inv_routes[];
extern const size_t inv_routes_n;

enum inv_kind { INV_CATEGORY, INV_PRODUCT, INV_STORE };

/* Writes the "<kind>.created" event of an item created outside the API (the
 * seeder) in the caller's transaction, with the data the API would send. */
TM_MUSTCHECK enum tm_code inv_event_created(PGconn *db, enum inv_kind kind, const void *item,
                                            struct tm_err *err);

#endif
