/* common/call.h — one request to another service over the bus, the way the
 * gateway sends them: the request envelope out, the reply envelope back.
 * Used by services that call each other (tm-txn → tm-inventory) and by
 * tools that drive a service's API without HTTP (tm-txn-seed). */
#ifndef TM_COMMON_CALL_H
#define TM_COMMON_CALL_H

#include "common/buf.h"
#include "common/bus.h"
#include "common/envelope.h"
#include "common/err.h"

/* Sends req (its deadline_ms, wall clock, bounds the wait; 0: 10 s) and on
 * TM_OK sets *status and appends the reply's body to out. TM_UNAVAIL when
 * no instance answered in time or the outcome is unknown (the message says
 * which); TM_TOOBIG when the body does not fit out. */
TM_MUSTCHECK enum tm_code tm_call(struct tm_bus_client *c, const struct tm_request *req,
                                  int *status, struct tm_buf *out, struct tm_err *err);

#endif
