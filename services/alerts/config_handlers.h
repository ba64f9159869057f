/* services/alerts/config_handlers.h — the handlers of tm-alerts'
 * configuration routes (docs/alerts.md "Routes"): alert rules, silences,
 * escalation policies and notification channels. Each reads the request
 * (decode.c for bodies), judges the caller's stores where the data is
 * store-owned, and calls config_store.c; handlers.c lists them in the route
 * table. */
#ifndef TM_ALERTS_CONFIG_HANDLERS_H
#define TM_ALERTS_CONFIG_HANDLERS_H

#include "common/router.h"

TM_MUSTCHECK enum tm_code al_h_rule_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                         struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_rule_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_rule_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                        struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_rule_update(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_rule_delete(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
/* The retire job: resolves the open alerts of deleted or deactivated rules
 * (RETIRE_PAGES pages a run) beyond the page their request resolved. */
TM_MUSTCHECK enum tm_code al_job_retire(void *app, PGconn *db, int64_t *rows, struct tm_err *err);

TM_MUSTCHECK enum tm_code al_h_silence_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_silence_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                              struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_silence_end(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_policy_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_policy_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                             struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_policy_get(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_channel_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                            struct tm_err *err);
TM_MUSTCHECK enum tm_code al_h_channel_create(struct tm_ctx *ctx, struct tm_reply *rep,
                                              struct tm_err *err);

#endif
