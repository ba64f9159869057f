/* services/alerts/alert_store.h — an alert's life in the database: firing,
 * acknowledging, resolving and deleting one, each in the caller's
 * transaction with its history row and its event (alert.fired,
 * alert.acknowledged, alert.resolved; proto/events.md), and reading them.
 * Used by the routes (manual alerts, acknowledge, resolve, delete) and by
 * the evaluation (rule alerts firing and resolving by themselves), so the
 * two cannot disagree on what a change writes. Every statement is
 * parameterized. The Alert's JSON (docs/alerts.md "Alerts") is rendered in
 * one place, here, for the routes' answers and the events alike. */
#ifndef TM_ALERTS_ALERT_STORE_H
#define TM_ALERTS_ALERT_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

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

/* Marks alert id deleted by actor (admin): resolves it first when open
 * (manual, note "deleted": alert.resolved), then deleted_at / deleted_by and
 * a 'deleted' history row. It stays, with its history, but is no longer
 * listed or read. TM_NOTFOUND (field "id") when there is none (or it is
 * deleted already). */
TM_MUSTCHECK enum tm_code al_db_delete(PGconn *db, int64_t id, const char *actor,
                                       struct tm_err *err);

/* How al_db_alert_store finds an alert: AL_FIND_LOCK takes the row FOR
 * UPDATE (a change follows in the same transaction); AL_FIND_DELETED finds
 * a deleted one too (its history stays readable). */
enum { AL_FIND_LOCK = 1, AL_FIND_DELETED = 2 };

/* The store of alert id (0 when it has none), for the caller to judge the
 * principal's stores before reading or changing it; how: AL_FIND_* bits.
 * TM_NOTFOUND (field "id") when there is no such alert (or it is deleted,
 * without AL_FIND_DELETED). */
TM_MUSTCHECK enum tm_code al_db_alert_store(PGconn *db, int64_t id, int how, int64_t *store_id,
                                            struct tm_err *err);

/* Appends the Alert id as JSON to out; TM_NOTFOUND (field "id") as above. */
TM_MUSTCHECK enum tm_code al_db_alert_json(PGconn *db, int64_t id, struct tm_buf *out,
                                           struct tm_err *err);

/* A list's filters; NULL / 0 for none. */
struct al_filter {
    const char *state;       /* "firing", "acknowledged", "resolved" or "open" (the first two) */
    const char *severity;    /* al_severity_name() */
    const char *kind;        /* a rule kind or "manual" */
    int64_t store_id;        /* 0: any */
    int64_t rule_id;         /* 0: any */
    const char *store_scope; /* a store-scoped role's stores ("{1,2}"), or NULL for every store */
};

/* Appends {"items":[Alert...],"next_cursor"} of the alerts (not deleted)
 * matching f, newest first, the page after pg->after_id (common/page.h). */
TM_MUSTCHECK enum tm_code al_db_alert_list(PGconn *db, const struct al_filter *f,
                                           const struct tm_page *pg, struct tm_buf *out,
                                           struct tm_err *err);

/* Appends {"open","firing","acknowledged","by_severity":{"critical":n,...}}
 * of the open alerts (not deleted) of store_id (0: every store) within
 * store_scope (as al_filter's). */
TM_MUSTCHECK enum tm_code al_db_summary(PGconn *db, int64_t store_id, const char *store_scope,
                                        struct tm_buf *out, struct tm_err *err);

/* Appends {"items":[{"id","at","action","from_state","to_state","actor",
 * "note","details"}...]} of alert id, oldest first (AL_HISTORY_MAX rows at
 * most), a deleted alert's too. The caller has judged the alert visible
 * (al_db_alert_store with AL_FIND_DELETED). */
#define AL_HISTORY_MAX 1000
TM_MUSTCHECK enum tm_code al_db_history(PGconn *db, int64_t id, struct tm_buf *out,
                                        struct tm_err *err);

/* The id of the first silence (lowest id) active now that matches an alert
 * of rule_id (0: manual) on store_id / product_id with severity sev
 * (al_silence_matches), or 0: how firing and each escalation step decide
 * whether to notify. Reads AL_SILENCES_MAX active silences at most. */
#define AL_SILENCES_MAX 1000
TM_MUSTCHECK enum tm_code al_db_silence_match(PGconn *db, int64_t rule_id, int64_t store_id,
                                              int64_t product_id, enum al_severity sev,
                                              int64_t *silence_id, struct tm_err *err);

/* Policy id's timing (engine.h's al_policy) from its steps' after_s.
 * TM_NOTFOUND (field "policy_id") when there is no such policy. */
TM_MUSTCHECK enum tm_code al_db_policy_timing(PGconn *db, int64_t id, struct al_policy *p,
                                              struct tm_err *err);

#endif
