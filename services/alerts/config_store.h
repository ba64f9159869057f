/* services/alerts/config_store.h — tm-alerts' configuration in the
 * database (docs/alerts.md "Rules", "Routes"): alert rules and their
 * versions, silences, escalation policies and notification channels. Each
 * function runs in the caller's connection (the router's transaction for
 * writes), renders the answer with PostgreSQL and appends it to out.
 * Every statement is parameterized. Constraint refusals come back named by
 * the client's field (a policy_id that does not exist: TM_INVALID
 * "policy_id"; a name taken: TM_CONFLICT "name"). */
#ifndef TM_ALERTS_CONFIG_STORE_H
#define TM_ALERTS_CONFIG_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

#include "services/alerts/decode.h"

/* ----------------------------------------------------------------- rules */

/* Writes rule version 1 of a new rule, created by actor; out gets the Rule. */
TM_MUSTCHECK enum tm_code al_cfg_rule_create(PGconn *db, const struct al_rule_in *in,
                                             const char *actor, struct tm_buf *out,
                                             struct tm_err *err);

/* Writes the next version of rule id from in. TM_NOTFOUND (field "id") when
 * there is no such rule; TM_INVALID (field "kind") when in's kind is not
 * the rule's (a rule keeps its kind: make a new rule instead); TM_CONFLICT
 * (field "id") when another change wrote the same version first. */
TM_MUSTCHECK enum tm_code al_cfg_rule_update(PGconn *db, int64_t id, const struct al_rule_in *in,
                                             const char *actor, struct tm_buf *out,
                                             struct tm_err *err);

/* Deletes rule id: writes a last version with active false and note
 * "deleted" (nothing when it is inactive already). *was_active says
 * whether this call deactivated it. out gets the Rule. TM_NOTFOUND "id". */
TM_MUSTCHECK enum tm_code al_cfg_rule_delete(PGconn *db, int64_t id, const char *actor,
                                             int *was_active, struct tm_buf *out,
                                             struct tm_err *err);

/* Up to max ids above after_id of rule id's open (firing or acknowledged,
 * not deleted) alerts into ids[*n], oldest first; with id 0, the open
 * alerts of every rule whose current version is inactive (deleted or
 * deactivated: no evaluation will clear them). */
TM_MUSTCHECK enum tm_code al_cfg_rule_open_alerts(PGconn *db, int64_t id, int64_t after_id,
                                                  int64_t *ids, int max, int *n,
                                                  struct tm_err *err);

/* Rule id at version (0: its current one) with "versions" (each version's
 * number, active, note, created_by, created_at, oldest first). TM_NOTFOUND
 * "id", or "version" when the rule has no such version. */
TM_MUSTCHECK enum tm_code al_cfg_rule_get(PGconn *db, int64_t id, int64_t version,
                                          struct tm_buf *out, struct tm_err *err);

/* A page of current rule versions by id: kind NULL for any, active -1 for
 * either. */
TM_MUSTCHECK enum tm_code al_cfg_rule_list(PGconn *db, const char *kind, int active,
                                           const struct tm_page *pg, struct tm_buf *out,
                                           struct tm_err *err);

/* TM_OK when rule id exists (any version, deleted ones too); TM_INVALID
 * naming field otherwise: a silence or other reference to a rule that never
 * was is a client's mistake. */
TM_MUSTCHECK enum tm_code al_cfg_rule_known(PGconn *db, int64_t id, const char *field,
                                            struct tm_err *err);

/* -------------------------------------------------------------- silences */

/* Stores silence in, created by actor; out gets the Silence (with
 * "active": whether now is in its window). */
TM_MUSTCHECK enum tm_code al_cfg_silence_create(PGconn *db, const struct al_silence_in *in,
                                                const char *actor, struct tm_buf *out,
                                                struct tm_err *err);

/* A page of silences by id; active -1 any, 1 in their window now, 0 not;
 * scope (a "{1,2}" array literal) NULL for every store, else only
 * silences naming one of those stores. */
TM_MUSTCHECK enum tm_code al_cfg_silence_list(PGconn *db, int active, const char *scope,
                                              const struct tm_page *pg, struct tm_buf *out,
                                              struct tm_err *err);

/* Ends silence id now (ended_by actor; one that has ended already is left
 * as it is; one that has not started yet never applies). scope as in the
 * list: a silence outside it is TM_NOTFOUND "id", as a missing one. */
TM_MUSTCHECK enum tm_code al_cfg_silence_end(PGconn *db, int64_t id, const char *actor,
                                             const char *scope, struct tm_buf *out,
                                             struct tm_err *err);

/* -------------------------------------------------------------- policies */

/* Stores policy in after checking that every channel its steps name
 * exists (TM_INVALID "steps[i].targets[j].channel_id" otherwise); out gets
 * the Policy. TM_CONFLICT "name" when the name is taken. */
TM_MUSTCHECK enum tm_code al_cfg_policy_create(PGconn *db, const struct al_policy_in *in,
                                               const char *actor, struct tm_buf *out,
                                               struct tm_err *err);
TM_MUSTCHECK enum tm_code al_cfg_policy_get(PGconn *db, int64_t id, struct tm_buf *out,
                                            struct tm_err *err);
TM_MUSTCHECK enum tm_code al_cfg_policy_list(PGconn *db, const struct tm_page *pg,
                                             struct tm_buf *out, struct tm_err *err);

/* -------------------------------------------------------------- channels */

/* Stores channel in (its secret, for a webhook, already set by the
 * caller); out gets the Channel with "secret" for a webhook: the only
 * answer that ever shows it. TM_CONFLICT "name" when the name is taken. */
TM_MUSTCHECK enum tm_code al_cfg_channel_create(PGconn *db, const struct al_channel_in *in,
                                                const char *actor, struct tm_buf *out,
                                                struct tm_err *err);
/* A page of channels by id, never with a secret. */
TM_MUSTCHECK enum tm_code al_cfg_channel_list(PGconn *db, const struct tm_page *pg,
                                              struct tm_buf *out, struct tm_err *err);

#endif
