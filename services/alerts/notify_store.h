/* services/alerts/notify_store.h — escalation and notification delivery in
 * the database (docs/alerts.md "Escalation and notification"): which
 * alerts have a step due, running one step (its notifications queued once,
 * or recorded as silenced), a delivery worker's lease on one notification
 * and what it records of each attempt, and the delivery log. Every
 * statement is parameterized. Functions run in the caller's transaction
 * unless they say otherwise. */
#ifndef TM_ALERTS_NOTIFY_STORE_H
#define TM_ALERTS_NOTIFY_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"

#define AL_NS_DUE_MAX 200        /* alerts one escalate run looks at */
#define AL_NS_LEASE_OWNER_MAX 96 /* "<instance>/<worker>" */

/* The ids of up to max firing, not deleted alerts whose next step is due
 * (next_step_at <= now()), the longest due first. */
TM_MUSTCHECK enum tm_code al_ns_due(PGconn *db, int max, int64_t *ids, int *n, struct tm_err *err);

/* Runs alert id's due step, if it still is due (firing, not deleted,
 * next_step_at <= now(); the row is locked, and skipped when another
 * transaction holds it): for each target of the step (a channel, or every
 * active channel whose roles list the role) one notification row, unique
 * per (alert, step, round, channel) — 'pending' for a webhook or e-mail,
 * 'delivered' for a dashboard channel (delivered by alert.escalated, written
 * here), or all 'silenced' when an active silence matches the alert — and
 * a history row ('escalated' or 'silenced', details {step, round, channels,
 * silence_id}); then the alert moves to its next position (or none: the
 * chain is over). *ran is 1 when a step ran. */
TM_MUSTCHECK enum tm_code al_ns_escalate(PGconn *db, int64_t id, int *ran, struct tm_err *err);

/* A notification a worker holds. */
struct al_ns_claim {
    int64_t id, alert_id, channel_id;
    int step, round;
    int attempt; /* this attempt's number (1 for the first) */
    char kind[16];
    char url[2049];
    char secret[257];
    char address[321];
};

/* Takes the notification due longest (pending with next_at <= now(), or
 * sending whose lease ran out) of an alert still firing (not deleted) for
 * owner, FOR UPDATE SKIP LOCKED: state 'sending', lease until now +
 * lease_s, attempts + 1 (c->attempt: that number, which the take's record
 * must name). Due rows of alerts no longer firing (acknowledged, resolved,
 * deleted) are set 'cancelled' on the way, up to a batch per call. Its own
 * statement (autocommit). *got 0 when none is due. */
TM_MUSTCHECK enum tm_code al_ns_claim(PGconn *db, const char *owner, int lease_s,
                                      struct al_ns_claim *c, int *got, struct tm_err *err);

/* What became of an attempt. */
enum al_ns_end { AL_NS_DELIVERED, AL_NS_RETRY, AL_NS_FAILED };

/* Records attempt c->attempt of c by owner (started at started_ms, ok,
 * status 0 for none, error "" for none) in alerts.delivery_attempts, and —
 * only while this take still holds the lease (owner and attempts both
 * c's: a late record of an expired take under the same owner name matches
 * nothing) — ends the notification: delivered, pending again after
 * wait_ms (or 'cancelled' instead when its alert is no longer firing or was
 * deleted: no further try), or failed. In one transaction of its own.
 * *held 0 when the lease had passed to another. */
TM_MUSTCHECK enum tm_code al_ns_record(PGconn *db, const struct al_ns_claim *c, const char *owner,
                                       int64_t started_ms, int ok, int status, const char *error,
                                       enum al_ns_end end, int wait_ms, int *held,
                                       struct tm_err *err);

/* What an e-mail says of an alert. */
struct al_ns_alert {
    char severity[16], state[16], fired_at[32];
    char title[301];
    char details[4096]; /* its details as JSON text, cut to fit */
    int64_t store_id, product_id;
};

/* Reads alert id (not deleted) into a; TM_NOTFOUND (field "id") when there
 * is none. */
TM_MUSTCHECK enum tm_code al_ns_alert(PGconn *db, int64_t id, struct al_ns_alert *a,
                                      struct tm_err *err);

/* Appends {"items":[{"id","step","round","channel_id","channel_kind","state",
 * "attempts","delivered_at","last_error","attempts_log":[{"attempt",
 * "instance","started_at","finished_at","ok","status","error"}]}]} of
 * alert id, in (step, round, channel) order. The caller has judged the
 * alert visible. */
TM_MUSTCHECK enum tm_code al_ns_list(PGconn *db, int64_t id, struct tm_buf *out,
                                     struct tm_err *err);

#endif
