/* services/alerts/notify_store.c — escalation steps and notification
 * delivery in the database (notify_store.h). The escalate job runs a few
 * steps a minute; delivery workers claim one notification at a time. What
 * makes a step run once: the alert row is locked while its step runs and
 * moved to its next position in the same transaction, and a notification
 * is unique per (alert, step, round, channel) (ON CONFLICT DO NOTHING). What
 * makes a notification sent once per delivery id: a worker holds it under a
 * lease, and only the lease holder may end it. */
#include "services/alerts/notify_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/outbox.h"
#include "common/topic.h"

#include "services/alerts/alert_store.h"
#include "services/alerts/app.h"
#include "services/alerts/engine.h"

#define NOW_MS "(extract(epoch FROM now()) * 1000)::bigint"
#define EVENT_MAX (80 << 10) /* alert.escalated: an Alert and a few roles */
#define LIST_ROWS 1000       /* notifications listed per alert at most */
#define CANCEL_BATCH 100     /* due rows of stopped alerts one claim cancels at most */

enum tm_code
al_ns_due(PGconn *db, int max, int64_t *ids, int *n, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, max)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT id FROM alerts.alerts WHERE state = 'firing'"
                                 " AND deleted_at IS NULL AND next_step_at <= now()"
                                 " ORDER BY next_step_at, id LIMIT $1::integer",
                                 1, params, &r, err);

    *n = 0;
    for (int i = 0; rc == TM_OK && i < PQntuples(r) && i < max; i++)
        ids[(*n)++] = tm_db_i64(r, i, 0);
    PQclear(r);
    return rc;
}

/* The locked alert of a step. */
struct due_alert {
    int64_t policy_id, rule_id, store_id, product_id, fired_ms, now_ms;
    int next_step;
    enum al_severity sev;
};

/* Locks alert id when its step is still due; *got 0 when it is not (or
 * another transaction holds it). */
static enum tm_code
lock_due(PGconn *db, int64_t id, struct due_alert *d, int *got, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT COALESCE(policy_id, 0), next_step, COALESCE(rule_id, 0), COALESCE(store_id, 0),"
        " COALESCE(product_id, 0), severity, (extract(epoch FROM fired_at) * 1000)::bigint, " NOW_MS
        " FROM alerts.alerts WHERE id = $1::bigint AND state = 'firing' AND deleted_at IS NULL"
        " AND next_step_at <= now() FOR UPDATE SKIP LOCKED",
        1, params, &r, err);

    *got = rc == TM_OK && PQntuples(r) == 1;
    if (*got) {
        d->policy_id = tm_db_i64(r, 0, 0);
        d->next_step = (int)tm_db_i64(r, 0, 1);
        d->rule_id = tm_db_i64(r, 0, 2);
        d->store_id = tm_db_i64(r, 0, 3);
        d->product_id = tm_db_i64(r, 0, 4);
        if (!al_severity_parse(tm_db_str(r, 0, 5), &d->sev))
            d->sev = AL_SEV_CRITICAL;
        d->fired_ms = tm_db_i64(r, 0, 6);
        d->now_ms = tm_db_i64(r, 0, 7);
    }
    PQclear(r);
    return rc;
}

/* Moves alert id to position next, due at due_ms (0: none, the chain is over). */
static enum tm_code
move_to(PGconn *db, int64_t id, int next, int64_t due_ms, struct tm_err *err)
{
    struct tm_db_int a, b, c;
    const char *params[3] = {tm_db_int(&a, id), tm_db_int(&b, next),
                             due_ms > 0 ? tm_db_int(&c, due_ms) : NULL};

    return tm_db_exec(db,
                      "UPDATE alerts.alerts SET next_step = $2::integer,"
                      " next_step_at = to_timestamp($3::bigint / 1000.0) WHERE id = $1::bigint",
                      3, params, NULL, err);
}

/* What a step queued. The lists are as long as the step's targets are many
 * (a role may reach every channel there is), so they are held on the heap,
 * sized from the result: no number of channels makes a step fail. */
struct queued {
    char *channels; /* JSON array of channel ids; owned, NULL until queued */
    char *roles;    /* JSON array: roles of the dashboard channels notified; owned */
    int64_t n, dashboards;
};

/* Queues step/round of alert id under its policy: one row per target
 * channel, 'silenced' when silenced, a dashboard's 'delivered' at once. */
static enum tm_code
queue_step(PGconn *db, int64_t id, int64_t policy_id, int step, int round, int silenced,
           struct queued *q, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    const char *params[5] = {tm_db_int(&a, id), tm_db_int(&b, step), tm_db_int(&c, round),
                             silenced ? "true" : "false", tm_db_int(&d, policy_id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "WITH t AS (SELECT e FROM alerts.escalation_policies p,"
        " jsonb_array_elements(p.steps -> $2::integer -> 'targets') e WHERE p.id = $5::bigint),"
        " ch AS (SELECT c.id, c.kind FROM alerts.channels c WHERE c.active AND"
        " (c.id IN (SELECT (e ->> 'channel_id')::bigint FROM t WHERE e ? 'channel_id')"
        " OR (c.roles && ARRAY(SELECT e ->> 'role' FROM t WHERE e ? 'role')"
        " AND (cardinality(c.store_ids) = 0 OR (SELECT a.store_id FROM alerts.alerts a"
        " WHERE a.id = $1::bigint) = ANY (c.store_ids))))),"
        " ins AS (INSERT INTO alerts.notifications (alert_id, step, round, channel_id, state,"
        " delivered_at) SELECT $1::bigint, $2::integer, $3::integer, ch.id,"
        " CASE WHEN $4::boolean THEN 'silenced' WHEN ch.kind = 'dashboard' THEN 'delivered'"
        " ELSE 'pending' END,"
        " CASE WHEN NOT $4::boolean AND ch.kind = 'dashboard' THEN now() END FROM ch"
        " ORDER BY ch.id ON CONFLICT (alert_id, step, round, channel_id) DO NOTHING"
        " RETURNING channel_id, state)"
        " SELECT COALESCE(json_agg(channel_id ORDER BY channel_id), '[]')::text, count(*),"
        " count(*) FILTER (WHERE state = 'delivered'),"
        " COALESCE((SELECT json_agg(DISTINCT x ORDER BY x) FROM alerts.channels c2,"
        " unnest(c2.roles) x WHERE c2.id IN (SELECT channel_id FROM ins"
        " WHERE state = 'delivered')), '[]')::text FROM ins",
        5, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 1) {
        free(q->channels);
        free(q->roles);
        q->channels = tm_xstrdup(tm_db_str(r, 0, 0));
        q->roles = tm_xstrdup(tm_db_str(r, 0, 3));
        q->n = tm_db_i64(r, 0, 1);
        q->dashboards = tm_db_i64(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

/* The step's history row: 'silenced' (naming the silence) or 'escalated'. */
static enum tm_code
step_history(PGconn *db, int64_t id, int step, int round, int64_t silence_id,
             const struct queued *q, struct tm_err *err)
{
    const char *channels = q->channels ? q->channels : "[]";
    char silence[40] = "";
    struct tm_db_int a;
    struct tm_buf details;
    enum tm_code rc;

    if (silence_id)
        snprintf(silence, sizeof silence, ",\"silence_id\":%" PRId64, silence_id);
    tm_buf_init(&details, strlen(channels) + 128); /* the ids, then two numbers and the silence */
    rc = tm_buf_printf(&details, "{\"step\":%d,\"round\":%d,\"channels\":%s%s}", step, round,
                       channels, silence);
    if (rc == TM_OK) {
        const char *params[3] = {tm_db_int(&a, id), silence_id ? "silenced" : "escalated",
                                 details.p};

        rc = tm_db_exec(db,
                        "INSERT INTO alerts.alert_history (alert_id, action, from_state, to_state,"
                        " actor, details) VALUES ($1::bigint, $2, 'firing', 'firing', 'system',"
                        " $3::jsonb)",
                        3, params, NULL, err);
    } else {
        rc = tm_err_set(err, rc, NULL, "history details too large");
    }
    tm_buf_fini(&details);
    return rc;
}

/* alert.escalated: {"alert": Alert, "step", "round", "roles"}. */
static enum tm_code
escalated_event(PGconn *db, int64_t id, int step, int round, const struct queued *q,
                struct tm_err *err)
{
    const char *roles = q->roles ? q->roles : "[]";
    struct tm_buf b;
    enum tm_code rc;

    tm_buf_init(&b, EVENT_MAX + strlen(roles));
    rc = tm_buf_adds(&b, "{\"alert\":");
    if (rc == TM_OK)
        rc = al_db_alert_json(db, id, &b, err);
    if (rc == TM_OK && (rc = tm_buf_printf(&b, ",\"step\":%d,\"round\":%d,\"roles\":%s}", step,
                                           round, roles)) != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, NULL, "alert.escalated too large");
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &al_outbox, tm_topic_name(TM_TOPIC_ALERT_ESCALATED), b.p, err);
    tm_buf_fini(&b);
    return rc;
}

enum tm_code
al_ns_escalate(PGconn *db, int64_t id, int *ran, struct tm_err *err)
{
    struct due_alert d;
    struct al_policy p;
    struct queued q = {NULL, NULL, 0, 0};
    int got = 0, step, round, nstep, nround;
    int64_t due_ms, next_due = 0, silence_id = 0;
    enum tm_code rc = lock_due(db, id, &d, &got, err);

    *ran = 0;
    if (rc != TM_OK || !got)
        return rc;
    if (d.policy_id <= 0) /* its policy was taken away: nothing to run */
        return move_to(db, id, d.next_step, 0, err);
    if ((rc = al_db_policy_timing(db, d.policy_id, &p, err)) != TM_OK)
        return rc;
    if (!al_policy_position(&p, d.next_step, d.fired_ms, &step, &round, &due_ms))
        return move_to(db, id, d.next_step, 0, err); /* the chain is over */
    if (due_ms > d.now_ms)                           /* not yet: the policy says later */
        return move_to(db, id, d.next_step, due_ms, err);
    rc = al_db_silence_match(db, d.rule_id, d.store_id, d.product_id, d.sev, &silence_id, err);
    if (rc == TM_OK)
        rc = queue_step(db, id, d.policy_id, step, round, silence_id != 0, &q, err);
    if (rc == TM_OK)
        rc = step_history(db, id, step, round, silence_id, &q, err);
    if (rc == TM_OK) {
        if (!al_policy_position(&p, d.next_step + 1, d.fired_ms, &nstep, &nround, &next_due))
            next_due = 0;
        rc = move_to(db, id, d.next_step + 1, next_due, err);
    }
    if (rc == TM_OK && !silence_id && q.dashboards > 0)
        rc = escalated_event(db, id, step, round, &q, err);
    *ran = rc == TM_OK;
    free(q.channels);
    free(q.roles);
    return rc;
}

/* row `row` of a claim into *out (a struct al_ns_claim) */
static void
claim_row(const PGresult *r, int row, void *out)
{
    struct al_ns_claim *c = out;

    c->id = tm_db_i64(r, row, 0);
    c->alert_id = tm_db_i64(r, row, 1);
    c->channel_id = tm_db_i64(r, row, 2);
    c->step = (int)tm_db_i64(r, row, 3);
    c->round = (int)tm_db_i64(r, row, 4);
    c->attempt = (int)tm_db_i64(r, row, 5);
    tm_db_copy(c->kind, sizeof c->kind, r, row, 6);
    tm_db_copy(c->url, sizeof c->url, r, row, 7);
    tm_db_copy(c->secret, sizeof c->secret, r, row, 8);
    tm_db_copy(c->address, sizeof c->address, r, row, 9);
}

enum tm_code
al_ns_claim(PGconn *db, const char *owner, int lease_s, struct al_ns_claim *c, int *got,
            struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[3] = {owner, tm_db_int(&a, lease_s), tm_db_int(&b, CANCEL_BATCH)};
    int n = 0;
    /* next_at moves to the lease's end: a 'sending' row is due again when
     * its lease ran out, through the same index as a pending one. Only an
     * alert still firing is sent to; the due rows of one acknowledged,
     * resolved or deleted since (a retry queued while the stop landed, or a
     * take whose lease ran out) are cancelled on the way, a batch a call. */
    enum tm_code rc = tm_db_many(
        db,
        "WITH gone AS (UPDATE alerts.notifications g SET state = 'cancelled', lease_owner = NULL,"
        " lease_until = NULL WHERE g.id IN (SELECT x.id FROM alerts.notifications x"
        " WHERE x.state IN ('pending', 'sending') AND x.next_at <= now() AND NOT EXISTS"
        " (SELECT 1 FROM alerts.alerts a WHERE a.id = x.alert_id AND a.state = 'firing'"
        " AND a.deleted_at IS NULL) ORDER BY x.next_at, x.id LIMIT $3::integer"
        " FOR UPDATE OF x SKIP LOCKED))"
        " UPDATE alerts.notifications n SET state = 'sending', lease_owner = $1,"
        " lease_until = now() + make_interval(secs => $2::integer),"
        " next_at = now() + make_interval(secs => $2::integer), attempts = n.attempts + 1"
        " FROM alerts.channels c WHERE c.id = n.channel_id AND n.id = (SELECT x.id"
        " FROM alerts.notifications x JOIN alerts.alerts a ON a.id = x.alert_id"
        " WHERE x.state IN ('pending', 'sending') AND x.next_at <= now() AND a.state = 'firing'"
        " AND a.deleted_at IS NULL ORDER BY x.next_at, x.id LIMIT 1 FOR UPDATE OF x SKIP LOCKED)"
        " RETURNING n.id, n.alert_id, n.channel_id, n.step, n.round, n.attempts, c.kind, c.url,"
        " c.secret, c.address",
        3, params, claim_row, c, sizeof *c, &n, err);

    *got = rc == TM_OK && n == 1;
    return rc;
}

enum tm_code
al_ns_record(PGconn *db, const struct al_ns_claim *c, const char *owner, int64_t started_ms, int ok,
             int status, const char *error, enum al_ns_end end, int wait_ms, int *held,
             struct tm_err *err)
{
    static const char *const states[] = {"delivered", "pending", "failed"};
    struct tm_db_int a, b, s, st, w;
    const char *ins[7] = {tm_db_int(&a, c->id),
                          tm_db_int(&b, c->attempt),
                          owner,
                          tm_db_int(&s, started_ms),
                          ok ? "true" : "false",
                          status ? tm_db_int(&st, status) : NULL,
                          error};
    const char *upd[6] = {ins[0], owner, states[end], tm_db_int(&w, wait_ms), error, ins[1]};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_begin(db, err);

    *held = 0;
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "INSERT INTO alerts.delivery_attempts (notification_id, attempt, instance,"
                        " started_at, ok, status, error) VALUES ($1::bigint, $2::integer, $3,"
                        " to_timestamp($4::bigint / 1000.0), $5::boolean, $6::integer, $7)",
                        7, ins, NULL, err);
    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "UPDATE alerts.notifications n SET state = CASE WHEN $3 = 'pending'"
                        " AND NOT EXISTS (SELECT 1 FROM alerts.alerts a WHERE a.id = n.alert_id"
                        " AND a.state = 'firing' AND a.deleted_at IS NULL) THEN 'cancelled'"
                        " ELSE $3 END,"
                        " next_at = now() + make_interval(secs => $4::integer / 1000.0),"
                        " delivered_at = CASE WHEN $3 = 'delivered' THEN now() END,"
                        " last_error = $5, lease_owner = NULL, lease_until = NULL"
                        " WHERE n.id = $1::bigint AND n.lease_owner = $2 AND n.state = 'sending'"
                        " AND n.attempts = $6::integer",
                        6, upd, &r, err);
    if (rc == TM_OK)
        *held = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (rc == TM_OK)
        return tm_db_commit(db, err);
    tm_db_rollback(db);
    return rc;
}

/* row `row` of an alert into *out (a struct al_ns_alert) */
static void
alert_row(const PGresult *r, int row, void *out)
{
    struct al_ns_alert *a = out;

    tm_db_copy(a->severity, sizeof a->severity, r, row, 0);
    tm_db_copy(a->state, sizeof a->state, r, row, 1);
    tm_db_copy(a->fired_at, sizeof a->fired_at, r, row, 2);
    tm_db_copy(a->title, sizeof a->title, r, row, 3);
    tm_db_copy(a->details, sizeof a->details, r, row, 4);
    a->store_id = tm_db_i64(r, row, 5);
    a->product_id = tm_db_i64(r, row, 6);
}

enum tm_code
al_ns_alert(PGconn *db, int64_t id, struct al_ns_alert *a, struct tm_err *err)
{
    struct tm_db_int x;
    const char *params[1] = {tm_db_int(&x, id)};

    return tm_db_one(
        db,
        "SELECT severity, state, " TM_DB_TS(
            "fired_at") ", title, details::text,"
                        " COALESCE(store_id, 0), COALESCE(product_id, 0) FROM alerts.alerts"
                        " WHERE id = $1::bigint AND deleted_at IS NULL",
        1, params, alert_row, a, "alert", err);
}

enum tm_code
al_ns_list(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, id), tm_db_int(&b, LIST_ROWS)};

    return tm_db_json_one(
        db,
        "SELECT json_build_object('items', COALESCE(json_agg(json_build_object('id', n.id,"
        " 'step', n.step, 'round', n.round, 'channel_id', n.channel_id, 'channel_kind', c.kind,"
        " 'state', n.state, 'attempts', n.attempts,"
        " 'delivered_at', " TM_DB_TS(
            "n.delivered_at") ", 'last_error', n.last_error,"
                              " 'attempts_log', COALESCE((SELECT "
                              "json_agg(json_build_object('attempt', d.attempt,"
                              " 'instance', d.instance, 'started_at', " TM_DB_TS(
                                  "d.started_at") ","
                                                  " 'finished_at', " TM_DB_TS(
                                                      "d.finished_at") ", 'ok', d.ok, 'status', "
                                                                       "d.status,"
                                                                       " 'error', d.error) ORDER "
                                                                       "BY d.id) FROM "
                                                                       "alerts.delivery_attempts d"
                                                                       " WHERE d.notification_id = "
                                                                       "n.id), '[]'::json))"
                                                                       " ORDER BY n.step, n.round, "
                                                                       "n.channel_id), "
                                                                       "'[]'::json))::text"
                                                                       " FROM (SELECT * FROM "
                                                                       "alerts.notifications WHERE "
                                                                       "alert_id = $1::bigint"
                                                                       " ORDER BY step, round, "
                                                                       "channel_id LIMIT "
                                                                       "$2::integer) n"
                                                                       " JOIN alerts.channels c ON "
                                                                       "c.id = n.channel_id",
        2, params, "id", "alert", out, err);
}
