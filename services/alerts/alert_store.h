/* services/alerts/alert_store.h — an alert's life in the database: firing,
 * acknowledging, resolving and deleting one, each in the caller's
 * transaction with its history row and its event (alert.fired,
 * alert.acknowledged, alert.resolved; proto/events.md), and reading them.
 * Used by the routes (manual alerts, acknowledge, resolve, delete) and by
 * the evaluation (rule alerts firing and resolving by themselves), so the
 * two cannot disagree on what a change writes. Every statement is
 * parameterized. */
#ifndef TM_ALERTS_ALERT_STORE_H
#define TM_ALERTS_ALERT_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"

#include "services/alerts/engine.h"

#define AL_TITLE_MAX 300
#define AL_KEY_MAX 200
#define AL_ACTOR_MAX 128
#define AL_NOTE_MAX 500

/* A new alert. rule_id 0 for a manual one (kind "manual"). details_json is
 * a JSON object (observed, threshold, what, inputs; a manual alert's
 * description), copied. */
struct al_new_alert {
    int64_t rule_id;
    int rule_version;
    const char *kind; /* al_kind_name(), or "manual" */
    char dedup_key[AL_KEY_MAX + 1];
    enum al_severity severity;
    char title[AL_TITLE_MAX + 1];
    const char *details_json;
    int64_t store_id, category_id, product_id; /* 0: none */
    int64_t policy_id;                         /* 0: not notified */
    const char *actor;                         /* "system", or the principal ("user:3") */
};

/* Fires a: inserts the alert (firing), its 'fired' history row, matches the
 * silences active now (the first match is recorded as silence_id, with a
 * 'silenced' history row), sets next_step 0 / next_step_at from the policy's
 * first step (NULL when no policy or the policy has no step), and writes
 * alert.fired. TM_CONFLICT (field "dedup_key") when the rule already has an
 * open alert for that key. *id is the new alert's id; out (may be NULL)
 * gets the Alert as JSON. */
TM_MUSTCHECK enum tm_code al_db_fire(PGconn *db, const struct al_new_alert *a, int64_t *id,
                                     struct tm_buf *out, struct tm_err *err);

/* firing -> acknowledged by actor: stops its escalation (next_step_at NULL;
 * queued notifications not yet sent are 'cancelled'), history row, writes
 * alert.acknowledged. TM_NOTFOUND (field "id") when there is no such alert
 * (or it is deleted); TM_CONFLICT (field "state") when it is acknowledged or
 * resolved already. out (may be NULL) gets the Alert after the change. */
TM_MUSTCHECK enum tm_code al_db_acknowledge(PGconn *db, int64_t id, const char *actor,
                                            const char *note, struct tm_buf *out,
                                            struct tm_err *err);

/* firing|acknowledged -> resolved, resolution "auto" (actor "system": its
 * condition cleared) or "manual" (actor the principal): stops escalation as
 * acknowledge does, clears the condition's alert_id, history row, writes
 * alert.resolved. Errors as al_db_acknowledge (TM_CONFLICT when resolved). */
TM_MUSTCHECK enum tm_code al_db_resolve(PGconn *db, int64_t id, const char *actor, int automatic,
                                        const char *note, struct tm_buf *out, struct tm_err *err);

#endif
