/* services/alerts/handlers.h — tm-alerts' route table (docs/alerts.md
 * "Routes"). Handlers translate envelopes into calls of the stores and the
 * engine. */
#ifndef TM_ALERTS_HANDLERS_H
#define TM_ALERTS_HANDLERS_H

#include <stddef.h>

#include "common/router.h"

extern const struct tm_route al_routes[];
extern const size_t al_routes_n;

#endif
