/* services/gateway/keys.h — the gateway's start-up material: the token
 * signing key (from TM_JWT_SECRET, or a file created once with mode 0600 and
 * shared by every instance on the host), the per-role rate limits parsed
 * from configuration, and the dummy password hash for unknown emails.
 * Runs once in main before threads start. */
#ifndef TM_GATEWAY_KEYS_H
#define TM_GATEWAY_KEYS_H

#include "common/err.h"

#include "services/gateway/app.h"

/* Fills app->key from cfg: the secret itself, or the file (created when
 * absent, atomically, so instances starting together agree). */
TM_MUSTCHECK enum tm_code gw_keys_load(struct gw_app *app, struct tm_err *err);

/* Parses cfg->rate_limits ("admin=1200,...,anonymous=120") into app. */
TM_MUSTCHECK enum tm_code gw_limits_parse(struct gw_app *app, struct tm_err *err);

#endif
