/* services/alerts/alert_store.c — an alert's life in the database
 * (alert_store.h). Called by the alert routes (a few writes a minute) and
 * by the evaluation (one fire or resolve per crossing, not per event), so
 * each change is a handful of short statements in the caller's transaction:
 * the row, its history row, its event. The Alert is rendered by PostgreSQL
 * (ALERT_JSON) once per change and that one text is both the event's data
 * and the answer, so the two never disagree. */
#include "services/alerts/alert_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/json.h"
#include "common/outbox.h"
#include "common/topic.h"

#include "services/alerts/app.h"

#define ALERT_JSON_MAX (64 << 10) /* one Alert: a title, a details object of a few numbers */
#define NOW_MS "(extract(epoch FROM now()) * 1000)::bigint"

/* The Alert of row a (docs/alerts.md "Alerts"). */
#define ALERT_JSON                                                                                 \
    "json_build_object('id', a.id, 'rule_id', a.rule_id, 'rule_version', a.rule_version,"          \
    " 'kind', a.kind, 'dedup_key', a.dedup_key, 'severity', a.severity, 'state', a.state,"         \
    " 'title', a.title, 'details', a.details, 'store_id', a.store_id,"                             \
    " 'category_id', a.category_id, 'product_id', a.product_id,"                                   \
    " 'fired_at', " TM_DB_TS(                                                                      \
        "a.fired_at") ", 'created_by', a.created_by,"                                              \
                      " 'acknowledged_at', " TM_DB_TS(                                             \
                          "a.acknowledged_at") ", 'acknowledged_by', a.acknowledged_by,"           \
                                               " 'resolved_at', " TM_DB_TS(                        \
                                                   "a.resolved_at") ", 'resolved_by', "            \
                                                                    "a.resolved_by,"               \
                                                                    " 'resolution', "              \
                                                                    "a.resolution, 'silence_id', " \
                                                                    "a.silence_id, 'policy_id', "  \
                                                                    "a.policy_id,"                 \
                                                                    " 'next_step', a.next_step, "  \
                                                                    "'next_step_at', " TM_DB_TS(   \
                                                                        "a.next_step_at") ")::"    \
                                                                                          "text"

/* TM_TOOBIG from a writer says which document did not fit. */
static enum tm_code
too_big(enum tm_code rc, const char *what, struct tm_err *err)
{
    return rc == TM_TOOBIG ? tm_err_set(err, TM_TOOBIG, NULL, "%s too large", what) : rc;
}

static const char *
opt_id(struct tm_db_int *n, int64_t v)
{
    return v > 0 ? tm_db_int(n, v) : NULL;
}

/* One row of an alert's history. details_json NULL: {}. */
static enum tm_code
history_add(PGconn *db, int64_t id, const char *action, const char *from, const char *to,
            const char *actor, const char *note, const char *details_json, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[7] = {tm_db_int(&a, id),
                             action,
                             from,
                             to,
                             actor,
                             note ? note : "",
                             details_json ? details_json : "{}"};

    return tm_db_exec(db,
                      "INSERT INTO alerts.alert_history (alert_id, action, from_state, to_state,"
                      " actor, note, details) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7::jsonb)",
                      7, params, NULL, err);
}

/* Renders alert id into out (or a scratch buffer) and adds its event topic
 * with that text. */
static enum tm_code
changed(PGconn *db, int64_t id, enum tm_topic topic, struct tm_buf *out, struct tm_err *err)
{
    struct tm_buf own;
    struct tm_buf *b = out ? out : &own;
    size_t start;
    enum tm_code rc;

    if (!out)
        tm_buf_init(&own, ALERT_JSON_MAX);
    start = b->len;
    rc = al_db_alert_json(db, id, b, err);
    if (rc == TM_OK)
        rc = tm_outbox_add(db, &al_outbox, tm_topic_name(topic), b->p + start, err);
    if (!out)
        tm_buf_fini(&own);
    return rc;
}

/* Stops alert id's escalation: queued notifications not yet taken are
 * cancelled (one being sent finishes; its step was due before the stop). */
static enum tm_code
cancel_queued(PGconn *db, int64_t id, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};

    return tm_db_exec(db,
                      "UPDATE alerts.notifications SET state = 'cancelled'"
                      " WHERE alert_id = $1::bigint AND state = 'pending'",
                      1, params, NULL, err);
}

/* Sets the first escalation step of alert id, fired at fired_ms, from
 * policy_id (nothing to do without one). */
static enum tm_code
schedule_first_step(PGconn *db, int64_t id, int64_t policy_id, int64_t fired_ms, struct tm_err *err)
{
    struct al_policy p;
    struct tm_db_int a, b;
    int step, round;
    int64_t due_ms;
    enum tm_code rc;

    if (policy_id <= 0)
        return TM_OK;
    if ((rc = al_db_policy_timing(db, policy_id, &p, err)) != TM_OK)
        return rc;
    if (!al_policy_position(&p, 0, fired_ms, &step, &round, &due_ms))
        return TM_OK;
    {
        const char *params[2] = {tm_db_int(&a, id), tm_db_int(&b, due_ms)};
        return tm_db_exec(db,
                          "UPDATE alerts.alerts SET next_step = 0,"
                          " next_step_at = to_timestamp($2::bigint / 1000.0)"
                          " WHERE id = $1::bigint",
                          2, params, NULL, err);
    }
}

/* Records the first silence matching the new alert a (id), if any. */
static enum tm_code
match_silence(PGconn *db, int64_t id, const struct al_new_alert *a, struct tm_err *err)
{
    struct tm_db_int x, y;
    char details[48];
    int64_t sid = 0;
    enum tm_code rc =
        al_db_silence_match(db, a->rule_id, a->store_id, a->product_id, a->severity, &sid, err);

    if (rc != TM_OK || sid == 0)
        return rc;
    {
        const char *params[2] = {tm_db_int(&x, id), tm_db_int(&y, sid)};
        rc =
            tm_db_exec(db, "UPDATE alerts.alerts SET silence_id = $2::bigint WHERE id = $1::bigint",
                       2, params, NULL, err);
    }
    snprintf(details, sizeof details, "{\"silence_id\":%lld}", (long long)sid);
    if (rc == TM_OK)
        rc = history_add(db, id, "silenced", "firing", "firing", "system", "", details, err);
    return rc;
}

enum tm_code
al_db_fire(PGconn *db, const struct al_new_alert *a, int64_t *id, struct tm_buf *out,
           struct tm_err *err)
{
    struct tm_db_int n[6], ver;
    PGresult *r = NULL;
    int64_t fired_ms;
    const char *params[12] = {opt_id(&n[0], a->rule_id),
                              a->rule_id > 0 ? tm_db_int(&ver, a->rule_version) : NULL,
                              a->kind,
                              a->dedup_key,
                              al_severity_name(a->severity),
                              a->title,
                              a->details_json ? a->details_json : "{}",
                              opt_id(&n[1], a->store_id),
                              opt_id(&n[2], a->category_id),
                              opt_id(&n[3], a->product_id),
                              a->actor,
                              opt_id(&n[4], a->policy_id)};
    enum tm_code rc = tm_db_exec(
        db,
        "INSERT INTO alerts.alerts (rule_id, rule_version, kind, dedup_key, severity, title,"
        " details, store_id, category_id, product_id, created_by, policy_id)"
        " VALUES ($1::bigint, $2::integer, $3, $4, $5, $6, $7::jsonb, $8::bigint, $9::bigint,"
        " $10::bigint, $11, $12::bigint)"
        " ON CONFLICT (rule_id, dedup_key) WHERE state <> 'resolved' AND rule_id IS NOT NULL"
        " DO NOTHING RETURNING id, (extract(epoch FROM fired_at) * 1000)::bigint",
        12, params, &r, err);

    if (rc == TM_INVALID && err && strstr(err->field, "policy"))
        return tm_err_set(err, TM_INVALID, "policy_id", "no escalation policy with this id");
    if (rc != TM_OK)
        return rc;
    if (PQntuples(r) == 0) { /* refused without aborting the caller's transaction */
        PQclear(r);
        return tm_err_set(err, TM_CONFLICT, "dedup_key", "rule %lld has an open alert for %s",
                          (long long)a->rule_id, a->dedup_key);
    }
    *id = tm_db_i64(r, 0, 0);
    fired_ms = tm_db_i64(r, 0, 1);
    PQclear(r);
    if ((rc = history_add(db, *id, "fired", NULL, "firing", a->actor, "", NULL, err)) != TM_OK ||
        (rc = match_silence(db, *id, a, err)) != TM_OK ||
        (rc = schedule_first_step(db, *id, a->policy_id, fired_ms, err)) != TM_OK)
        return rc;
    return changed(db, *id, TM_TOPIC_ALERT_FIRED, out, err);
}

/* The state of alert id when a change found it not in a state it acts on:
 * TM_NOTFOUND when it is gone, TM_CONFLICT (field "state") otherwise. */
static enum tm_code
refused(PGconn *db, int64_t id, const char *change, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db, "SELECT state FROM alerts.alerts WHERE id = $1::bigint AND deleted_at IS NULL", 1,
        params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no alert with this id");
    else if (rc == TM_OK)
        rc = tm_err_set(err, TM_CONFLICT, "state", "the alert is %s: it cannot be %s",
                        tm_db_str(r, 0, 0), change);
    PQclear(r);
    return rc;
}

enum tm_code
al_db_acknowledge(PGconn *db, int64_t id, const char *actor, const char *note, struct tm_buf *out,
                  struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[2] = {tm_db_int(&a, id), actor};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "UPDATE alerts.alerts SET state = 'acknowledged',"
                                 " acknowledged_at = now(), acknowledged_by = $2,"
                                 " next_step_at = NULL"
                                 " WHERE id = $1::bigint AND deleted_at IS NULL"
                                 " AND state = 'firing' RETURNING id",
                                 2, params, &r, err);
    int n = rc == TM_OK ? PQntuples(r) : 0;

    PQclear(r);
    if (rc != TM_OK)
        return rc;
    if (n == 0)
        return refused(db, id, "acknowledged", err);
    if ((rc = cancel_queued(db, id, err)) != TM_OK ||
        (rc = history_add(db, id, "acknowledged", "firing", "acknowledged", actor, note, NULL,
                          err)) != TM_OK)
        return rc;
    return changed(db, id, TM_TOPIC_ALERT_ACKNOWLEDGED, out, err);
}

/* Locks the condition alert id holds (if any) — before the alert itself:
 * the evaluation locks a condition, then resolves its alert, so every
 * writer takes the two in that order and none waits on the other crosswise
 * (a deadlock would cost a person's resolve a 503 and the subscriber its
 * page). */
static enum tm_code
lock_condition(PGconn *db, int64_t id, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};

    return tm_db_exec(db, "SELECT 1 FROM alerts.conditions WHERE alert_id = $1::bigint FOR UPDATE",
                      1, params, NULL, err);
}

enum tm_code
al_db_resolve(PGconn *db, int64_t id, const char *actor, int automatic, const char *note,
              struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *how = automatic ? "auto" : "manual";
    const char *params[3] = {tm_db_int(&a, id), actor, how};
    char from[16] = "";
    const char *details = automatic ? "{\"resolution\":\"auto\"}" : "{\"resolution\":\"manual\"}";
    PGresult *r = NULL;
    enum tm_code rc = lock_condition(db, id, err);

    if (rc != TM_OK)
        return rc;
    rc = tm_db_exec(
        db,
        "WITH o AS (SELECT id, state FROM alerts.alerts WHERE id = $1::bigint"
        " AND deleted_at IS NULL AND state <> 'resolved' FOR UPDATE)"
        " UPDATE alerts.alerts x SET state = 'resolved', resolved_at = now(), resolved_by = $2,"
        " resolution = $3, next_step_at = NULL FROM o WHERE x.id = o.id RETURNING o.state",
        3, params, &r, err);
    int n = rc == TM_OK ? PQntuples(r) : 0;

    if (n > 0)
        tm_db_copy(from, sizeof from, r, 0, 0);
    PQclear(r);
    if (rc != TM_OK)
        return rc;
    if (n == 0)
        return refused(db, id, "resolved", err);
    if ((rc = cancel_queued(db, id, err)) != TM_OK)
        return rc;
    {
        const char *p1[1] = {a.s};
        rc = tm_db_exec(db,
                        "UPDATE alerts.conditions SET alert_id = NULL, updated_at = now()"
                        " WHERE alert_id = $1::bigint",
                        1, p1, NULL, err);
    }
    if (rc == TM_OK)
        rc = history_add(db, id, "resolved", from, "resolved", actor, note, details, err);
    return rc == TM_OK ? changed(db, id, TM_TOPIC_ALERT_RESOLVED, out, err) : rc;
}

enum tm_code
al_db_delete(PGconn *db, int64_t id, const char *actor, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[2] = {tm_db_int(&a, id), actor};
    PGresult *r = NULL;
    /* open: resolved first (its event says so); resolved already: as it is */
    enum tm_code rc = al_db_resolve(db, id, actor, 0, "deleted", NULL, err);
    int n;

    if (rc != TM_OK && rc != TM_CONFLICT)
        return rc;
    rc = tm_db_exec(db,
                    "UPDATE alerts.alerts SET deleted_at = now(), deleted_by = $2"
                    " WHERE id = $1::bigint AND deleted_at IS NULL RETURNING id",
                    2, params, &r, err);
    n = rc == TM_OK ? PQntuples(r) : 0;
    PQclear(r);
    if (rc != TM_OK)
        return rc;
    if (n == 0) /* deleted meanwhile by another */
        return tm_err_set(err, TM_NOTFOUND, "id", "no alert with this id");
    return history_add(db, id, "deleted", "resolved", NULL, actor, "", NULL, err);
}

/* ------------------------------------------------------------------ reads */

enum tm_code
al_db_alert_store(PGconn *db, int64_t id, int how, int64_t *store_id, struct tm_err *err)
{
    static const char *const sql[4] = {
        "SELECT store_id FROM alerts.alerts WHERE id = $1::bigint AND deleted_at IS NULL",
        "SELECT store_id FROM alerts.alerts WHERE id = $1::bigint AND deleted_at IS NULL"
        " FOR UPDATE",
        "SELECT store_id FROM alerts.alerts WHERE id = $1::bigint",
        "SELECT store_id FROM alerts.alerts WHERE id = $1::bigint FOR UPDATE",
    };
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    /* a lock takes the condition's first, as al_db_resolve does */
    enum tm_code rc = how & AL_FIND_LOCK ? lock_condition(db, id, err) : TM_OK;

    if (rc == TM_OK)
        rc = tm_db_exec(db, sql[how & 3], 1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no alert with this id");
    else if (rc == TM_OK)
        *store_id = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

enum tm_code
al_db_alert_json(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};

    return too_big(tm_db_json_one(db,
                                  "SELECT " ALERT_JSON " FROM alerts.alerts a"
                                  " WHERE a.id = $1::bigint AND a.deleted_at IS NULL",
                                  1, params, "id", "alert", out, err),
                   "alert", err);
}

enum tm_code
al_db_alert_list(PGconn *db, const struct al_filter *f, const struct tm_page *pg,
                 struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b, c, d;
    const char *params[8] = {f->state,
                             f->severity,
                             f->kind,
                             opt_id(&a, f->store_id),
                             opt_id(&b, f->rule_id),
                             f->store_scope,
                             tm_db_int(&c, pg->after_id),
                             tm_db_int(&d, pg->limit + 1)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT a.id, " ALERT_JSON " FROM alerts.alerts a WHERE a.deleted_at IS NULL"
        " AND ($1::text IS NULL OR a.state = $1"
        " OR ($1 = 'open' AND a.state IN ('firing', 'acknowledged')))"
        " AND ($2::text IS NULL OR a.severity = $2) AND ($3::text IS NULL OR a.kind = $3)"
        " AND ($4::bigint IS NULL OR a.store_id = $4::bigint)"
        " AND ($5::bigint IS NULL OR a.rule_id = $5::bigint)"
        " AND ($6::bigint[] IS NULL OR a.store_id = ANY($6::bigint[]))"
        " AND ($7::bigint = 0 OR a.id < $7::bigint) ORDER BY a.id DESC LIMIT $8::bigint",
        8, params, &r, err);

    if (rc == TM_OK)
        rc = too_big(tm_db_json_page(r, pg->limit, out, err), "page", err);
    PQclear(r);
    return rc;
}

enum tm_code
al_db_summary(PGconn *db, int64_t store_id, const char *store_scope, struct tm_buf *out,
              struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[2] = {opt_id(&a, store_id), store_scope};

    return too_big(
        tm_db_json_one(db,
                       "SELECT json_build_object('open', count(*),"
                       " 'firing', count(*) FILTER (WHERE state = 'firing'),"
                       " 'acknowledged', count(*) FILTER (WHERE state = 'acknowledged'),"
                       " 'by_severity', json_build_object("
                       "'critical', count(*) FILTER (WHERE severity = 'critical'),"
                       " 'high', count(*) FILTER (WHERE severity = 'high'),"
                       " 'medium', count(*) FILTER (WHERE severity = 'medium'),"
                       " 'low', count(*) FILTER (WHERE severity = 'low')))::text"
                       " FROM alerts.alerts WHERE deleted_at IS NULL AND state <> 'resolved'"
                       " AND ($1::bigint IS NULL OR store_id = $1::bigint)"
                       " AND ($2::bigint[] IS NULL OR store_id = ANY($2::bigint[]))",
                       2, params, "store_id", "summary", out, err),
        "summary", err);
}

enum tm_code
al_db_history(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int a, b;
    const char *params[2] = {tm_db_int(&a, id), tm_db_int(&b, AL_HISTORY_MAX)};

    return too_big(
        tm_db_json_one(
            db,
            "SELECT json_build_object('items', COALESCE(json_agg(json_build_object("
            "'id', h.id, 'at', " TM_DB_TS(
                "h.at") ", 'action', h.action,"
                        " 'from_state', h.from_state, 'to_state', h.to_state, 'actor', h.actor,"
                        " 'note', h.note, 'details', h.details) ORDER BY h.id), '[]'::json))::text"
                        " FROM (SELECT * FROM alerts.alert_history WHERE alert_id = $1::bigint"
                        " ORDER BY id LIMIT $2::bigint) h",
            2, params, "id", "alert", out, err),
        "history", err);
}

enum tm_code
al_db_silence_match(PGconn *db, int64_t rule_id, int64_t store_id, int64_t product_id,
                    enum al_severity sev, int64_t *silence_id, struct tm_err *err)
{
    struct tm_db_int ri, si, pi;
    /* an alert without a rule (manual) or a store names NULL: a silence
     * matching on that field does not match it */
    const char *params[4] = {rule_id > 0 ? tm_db_int(&ri, rule_id) : NULL,
                             store_id > 0 ? tm_db_int(&si, store_id) : NULL,
                             product_id > 0 ? tm_db_int(&pi, product_id) : NULL,
                             al_severity_name(sev)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT id FROM alerts.silences"
                                 " WHERE starts_at <= now() AND ends_at > now()"
                                 " AND (rule_id IS NULL OR rule_id = $1::bigint)"
                                 " AND (store_id IS NULL OR store_id = $2::bigint)"
                                 " AND (product_id IS NULL OR product_id = $3::bigint)"
                                 " AND (severity IS NULL OR severity = $4)"
                                 " ORDER BY id LIMIT 1",
                                 4, params, &r, err);

    *silence_id = rc == TM_OK && PQntuples(r) == 1 ? tm_db_i64(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

enum tm_code
al_db_policy_timing(PGconn *db, int64_t id, struct al_policy *p, struct tm_err *err)
{
    struct tm_db_int a;
    const char *params[1] = {tm_db_int(&a, id)};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(
        db,
        "SELECT p.repeat_every_s, p.repeat_max, s.after_s FROM alerts.escalation_policies p"
        " LEFT JOIN LATERAL (SELECT (e->>'after_s')::integer AS after_s, o"
        " FROM jsonb_array_elements(p.steps) WITH ORDINALITY AS t(e, o)) s ON true"
        " WHERE p.id = $1::bigint ORDER BY s.o",
        1, params, &r, err);

    if (rc == TM_OK && PQntuples(r) == 0)
        rc = tm_err_set(err, TM_NOTFOUND, "policy_id", "no escalation policy with this id");
    if (rc == TM_OK) {
        memset(p, 0, sizeof *p);
        p->repeat_every_s = (int)tm_db_i64(r, 0, 0);
        p->repeat_max = (int)tm_db_i64(r, 0, 1);
        for (int i = 0; i < PQntuples(r) && p->n_steps < AL_STEPS_MAX; i++)
            if (!tm_db_isnull(r, i, 2))
                p->after_s[p->n_steps++] = (int)tm_db_i64(r, i, 2);
    }
    PQclear(r);
    return rc;
}
