/* services/inventory/handlers.h — tm-inventory's route table: envelope in,
 * catalogue structs to the store layer, JSON out. */
#ifndef TM_INVENTORY_HANDLERS_H
#define TM_INVENTORY_HANDLERS_H

#include <stddef.h>

#include "common/router.h"

extern const struct tm_route inv_routes[];
extern const size_t inv_routes_n;

#endif
