/* services/alerts/config_store.c — tm-alerts' configuration SQL
 * (config_store.h). Operators' writes and the lists they read: a few a
 * minute at most, so clarity over round trips. JSON is rendered by
 * PostgreSQL and appended whole; a rule's params are rebuilt by
 * jsonb_build_object from the decoded numbers (never the client's text),
 * so what is stored is exactly what was checked. */
#include "services/alerts/config_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "common/json.h"
#include "common/perm.h"

/* clang-format off */
#define RULE_FIELDS(r)                                                                            \
    "'id', " r ".id, 'version', " r ".version, 'name', " r ".name, 'kind', " r ".kind,"          \
    " 'store_id', " r ".store_id, 'category_id', " r ".category_id,"                              \
    " 'product_id', " r ".product_id, 'params', " r ".params, 'pending_s', " r ".pending_s,"      \
    " 'severity', " r ".severity, 'cooldown_s', " r ".cooldown_s, 'policy_id', " r ".policy_id,"  \
    " 'active', " r ".active, 'note', " r ".note, 'created_by', " r ".created_by,"                \
    " 'created_at', " TM_DB_TS(r ".created_at")
#define RULE_JSON(r) "json_build_object(" RULE_FIELDS(r) ")::text"

#define SILENCE_JSON(s)                                                                           \
    "json_build_object('id', " s ".id, 'rule_id', " s ".rule_id, 'store_id', " s ".store_id,"    \
    " 'product_id', " s ".product_id, 'severity', " s ".severity,"                                \
    " 'starts_at', " TM_DB_TS(s ".starts_at") ", 'ends_at', " TM_DB_TS(s ".ends_at") ","          \
    " 'active', (" s ".starts_at <= now() AND now() < " s ".ends_at), 'comment', " s ".comment,"  \
    " 'created_by', " s ".created_by, 'created_at', " TM_DB_TS(s ".created_at") ","               \
    " 'ended_by', " s ".ended_by)::text"

#define POLICY_JSON(p)                                                                            \
    "json_build_object('id', " p ".id, 'name', " p ".name, 'steps', " p ".steps,"                \
    " 'repeat_every_s', " p ".repeat_every_s, 'repeat_max', " p ".repeat_max,"                    \
    " 'created_by', " p ".created_by, 'created_at', " TM_DB_TS(p ".created_at") ")::text"

#define CHANNEL_OBJ(c)                                                                            \
    "jsonb_build_object('id', " c ".id, 'name', " c ".name, 'kind', " c ".kind, 'url', " c ".url," \
    " 'address', " c ".address, 'roles', to_jsonb(" c ".roles),"                                \
    " 'store_ids', to_jsonb(" c ".store_ids), 'active', " c ".active,"         \
    " 'created_by', " c ".created_by, 'created_at', " TM_DB_TS(c ".created_at") ")"
/* clang-format on */

/* A constraint's refusal, named by the client's field. */
static enum tm_code
constraint_field(enum tm_code rc, struct tm_err *err)
{
    static const struct {
        const char *constraint, *field, *says;
    } map[] = {
        {"rules_policy_id_fkey", "policy_id", "no escalation policy with this id"},
        {"rules_pkey", "id", "the rule changed at the same time; read it and try again"},
        {"channels_name_key", "name", "a channel has this name already"},
        {"escalation_policies_name_key", "name", "a policy has this name already"},
    };

    if (!err || (rc != TM_INVALID && rc != TM_CONFLICT))
        return rc;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(err->field, map[i].constraint) == 0)
            return tm_err_set(err, rc, map[i].field, "%s", map[i].says);
    return rc;
}

/* An id parameter, NULL for 0 ("any", "none"). */
static const char *
opt_id(struct tm_db_int *n, int64_t v)
{
    return v ? tm_db_int(n, v) : NULL;
}

/* A param as a statement parameter, NULL when unset (< 0). */
static const char *
num(char *buf, size_t size, double v)
{
    if (v < 0)
        return NULL;
    snprintf(buf, size, "%.17g", v);
    return buf;
}

/* Runs a list statement whose rows are (id, JSON document), fetched with
 * LIMIT limit + 1, and appends the page (common/db.h tm_db_json_page). */
static enum tm_code
json_page(PGconn *db, const char *sql, int n, const char *const *params, const struct tm_page *pg,
          struct tm_buf *out, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, sql, n, params, &r, err);

    if (rc == TM_OK)
        rc = tm_db_json_page(r, pg->limit, out, err);
    PQclear(r);
    return rc;
}

/* A yes / no / either filter as a boolean parameter (NULL: either). */
static const char *
tri(int v)
{
    return v < 0 ? NULL : v ? "true" : "false";
}

/* ----------------------------------------------------------------- rules */

/* The parameters $1..$18 of a rule version written from in (see INSERT_RULE). */
struct rule_params {
    struct tm_db_int store, category, product, pending, cooldown, policy;
    char p[8][32];
    const char *v[18];
};

static void
rule_params(struct rule_params *rp, const struct al_rule_in *in)
{
    const struct al_params *p = &in->params;
    const double ps[8] = {p->days_of_cover, p->critical_days, p->days,       p->factor,
                          p->mase,          p->minutes,       p->grace_days, p->failures};

    rp->v[0] = in->name;
    rp->v[1] = al_kind_name(in->kind);
    rp->v[2] = opt_id(&rp->store, in->store_id);
    rp->v[3] = opt_id(&rp->category, in->category_id);
    rp->v[4] = opt_id(&rp->product, in->product_id);
    for (int i = 0; i < 8; i++)
        rp->v[5 + i] = num(rp->p[i], sizeof rp->p[i], ps[i]);
    rp->v[13] = tm_db_int(&rp->pending, in->pending_s);
    rp->v[14] = al_severity_name(in->severity);
    rp->v[15] = tm_db_int(&rp->cooldown, in->cooldown_s);
    rp->v[16] = opt_id(&rp->policy, in->policy_id);
    rp->v[17] = in->active ? "true" : "false";
}

/* $19 id, $20 version, $21 note, $22 actor */
#define INSERT_RULE                                                                                \
    "WITH r AS (INSERT INTO alerts.rules (id, version, name, kind, store_id, category_id,"         \
    " product_id, params, pending_s, severity, cooldown_s, policy_id, active, note, created_by)"   \
    " VALUES ($19::bigint, $20::int, $1, $2, $3::bigint, $4::bigint, $5::bigint,"                  \
    " jsonb_strip_nulls(jsonb_build_object('days_of_cover', $6::float8, 'critical_days',"          \
    " $7::float8, 'days', $8::float8, 'factor', $9::float8, 'mase', $10::float8, 'minutes',"       \
    " $11::float8, 'grace_days', $12::float8, 'failures', $13::float8)), $14::int, $15,"           \
    " $16::int, $17::bigint, $18::boolean, $21, $22) RETURNING *)"                                 \
    " SELECT " RULE_JSON("r") " FROM r"

static enum tm_code
insert_rule(PGconn *db, int64_t id, int version, const struct al_rule_in *in, const char *actor,
            struct tm_buf *out, struct tm_err *err)
{
    struct rule_params rp;
    struct tm_db_int rid, ver;
    const char *params[22];

    rule_params(&rp, in);
    memcpy(params, rp.v, sizeof rp.v);
    params[18] = tm_db_int(&rid, id);
    params[19] = tm_db_int(&ver, version);
    params[20] = in->note;
    params[21] = actor;
    return constraint_field(tm_db_json_one(db, INSERT_RULE, 22, params, "id", "rule", out, err),
                            err);
}

enum tm_code
al_cfg_rule_create(PGconn *db, const struct al_rule_in *in, const char *actor, struct tm_buf *out,
                   struct tm_err *err)
{
    int64_t id = 0;
    enum tm_code rc = tm_db_i64_one(db, "SELECT nextval('alerts.rule_ids')", 0, NULL, &id, err);

    return rc == TM_OK ? insert_rule(db, id, 1, in, actor, out, err) : rc;
}

/* Rule id's current version, kind and whether it is active. */
struct current {
    int version, active;
    char kind[32];
};

static void
current_row(const PGresult *r, int row, void *out)
{
    struct current *c = out;

    c->version = (int)tm_db_i64(r, row, 0);
    tm_db_copy(c->kind, sizeof c->kind, r, row, 1);
    c->active = tm_db_bool(r, row, 2);
}

static enum tm_code
current(PGconn *db, int64_t id, struct current *c, struct tm_err *err)
{
    struct tm_db_int rid;
    const char *params[1] = {tm_db_int(&rid, id)};

    return tm_db_one(db,
                     "SELECT version, kind, active FROM alerts.current_rules WHERE id = $1::bigint",
                     1, params, current_row, c, "rule", err);
}

enum tm_code
al_cfg_rule_update(PGconn *db, int64_t id, const struct al_rule_in *in, const char *actor,
                   struct tm_buf *out, struct tm_err *err)
{
    struct current c;
    enum tm_code rc = current(db, id, &c, err);

    if (rc != TM_OK)
        return rc;
    if (strcmp(c.kind, al_kind_name(in->kind)) != 0)
        return tm_err_set(err, TM_INVALID, "kind",
                          "rule %" PRId64 " is a %s rule; a rule keeps its kind (create a new one)",
                          id, c.kind);
    return insert_rule(db, id, c.version + 1, in, actor, out, err);
}

enum tm_code
al_cfg_rule_delete(PGconn *db, int64_t id, const char *actor, int *was_active, struct tm_buf *out,
                   struct tm_err *err)
{
    struct tm_db_int rid;
    const char *params[2] = {tm_db_int(&rid, id), actor};
    struct current c;
    enum tm_code rc = current(db, id, &c, err);

    *was_active = 0;
    if (rc != TM_OK)
        return rc;
    if (!c.active)
        return al_cfg_rule_get(db, id, 0, out, err);
    *was_active = 1;
    return constraint_field(
        tm_db_json_one(db,
                       "WITH r AS (INSERT INTO alerts.rules (id, version, name, kind, store_id,"
                       " category_id, product_id, params, pending_s, severity, cooldown_s,"
                       " policy_id, active, note, created_by)"
                       " SELECT id, version + 1, name, kind, store_id, category_id, product_id,"
                       " params, pending_s, severity, cooldown_s, policy_id, false, 'deleted', $2"
                       " FROM alerts.current_rules WHERE id = $1::bigint RETURNING *)"
                       " SELECT " RULE_JSON("r") " FROM r",
                       2, params, "id", "rule", out, err),
        err);
}

static void
id_row(const PGresult *r, int row, void *out)
{
    *(int64_t *)out = tm_db_i64(r, row, 0);
}

enum tm_code
al_cfg_rule_open_alerts(PGconn *db, int64_t id, int64_t after_id, int64_t *ids, int max, int *n,
                        struct tm_err *err)
{
    struct tm_db_int rid, after, lim;
    const char *params[3] = {tm_db_int(&rid, id), tm_db_int(&after, after_id),
                             tm_db_int(&lim, max)};

    return tm_db_many(db,
                      "SELECT a.id FROM alerts.alerts a WHERE a.id > $2::bigint"
                      " AND a.state <> 'resolved' AND a.deleted_at IS NULL"
                      " AND (a.rule_id = $1::bigint OR ($1::bigint = 0 AND a.rule_id IN"
                      " (SELECT r.id FROM alerts.current_rules r WHERE NOT r.active)))"
                      " ORDER BY a.id LIMIT $3::int",
                      3, params, id_row, ids, sizeof ids[0], n, err);
}

enum tm_code
al_cfg_rule_get(PGconn *db, int64_t id, int64_t version, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int rid, ver;
    const char *params[2] = {tm_db_int(&rid, id), version ? tm_db_int(&ver, version) : NULL};
    int64_t n = 0;
    enum tm_code rc;

    if (version) {
        rc = tm_db_i64_one(db, "SELECT count(*) FROM alerts.rules WHERE id = $1::bigint", 1, params,
                           &n, err);
        if (rc != TM_OK)
            return rc;
        if (n == 0)
            return tm_err_set(err, TM_NOTFOUND, "id", "no rule with this id");
    }
    return tm_db_json_one(
        db,
        "SELECT json_build_object(" RULE_FIELDS(
            "r") ", 'versions', (SELECT json_agg("
                 "json_build_object('version', v.version, 'active', v.active, 'note', v.note,"
                 " 'created_by', v.created_by, 'created_at', " TM_DB_TS(
                     "v.created_at") ")"
                                     " ORDER BY v.version) FROM alerts.rules v WHERE v.id = "
                                     "r.id))::text"
                                     " FROM alerts.rules r WHERE r.id = $1::bigint AND r.version = "
                                     "COALESCE($2::int,"
                                     " (SELECT max(version) FROM alerts.rules WHERE id = "
                                     "$1::bigint))",
        2, params, version ? "version" : "id", version ? "rule version" : "rule", out, err);
}

enum tm_code
al_cfg_rule_list(PGconn *db, const char *kind, int active, const struct tm_page *pg,
                 struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int after, lim;
    const char *params[4] = {kind, tri(active), tm_db_int(&after, pg->after_id),
                             tm_db_int(&lim, pg->limit + 1)};

    return json_page(
        db,
        "SELECT r.id, " RULE_JSON("r") " FROM alerts.current_rules r"
                                       " WHERE ($1::text IS NULL OR r.kind = $1)"
                                       " AND ($2::boolean IS NULL OR r.active = $2::boolean)"
                                       " AND r.id > $3::bigint ORDER BY r.id LIMIT $4::bigint",
        4, params, pg, out, err);
}

enum tm_code
al_cfg_rule_known(PGconn *db, int64_t id, const char *field, struct tm_err *err)
{
    struct tm_db_int rid;
    const char *params[1] = {tm_db_int(&rid, id)};
    int64_t n = 0;
    enum tm_code rc =
        tm_db_i64_one(db, "SELECT count(*) FROM alerts.rules WHERE id = $1::bigint AND version = 1",
                      1, params, &n, err);

    if (rc == TM_OK && n == 0)
        rc = tm_err_set(err, TM_INVALID, field, "no alert rule with this id");
    return rc;
}

/* -------------------------------------------------------------- silences */

enum tm_code
al_cfg_silence_create(PGconn *db, const struct al_silence_in *in, const char *actor,
                      struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int rule, store, product;
    const char *params[8] = {opt_id(&rule, in->rule_id),
                             opt_id(&store, in->store_id),
                             opt_id(&product, in->product_id),
                             in->severity >= 0 ? al_severity_name((enum al_severity)in->severity)
                                               : NULL,
                             in->starts_at[0] ? in->starts_at : NULL,
                             in->ends_at,
                             in->comment,
                             actor};

    return tm_db_json_one(db,
                          "WITH s AS (INSERT INTO alerts.silences (rule_id, store_id, product_id,"
                          " severity, starts_at, ends_at, comment, created_by)"
                          " VALUES ($1::bigint, $2::bigint, $3::bigint, $4,"
                          " COALESCE($5::timestamptz, now()), $6::timestamptz, $7, $8)"
                          " RETURNING *) SELECT " SILENCE_JSON("s") " FROM s",
                          8, params, "id", "silence", out, err);
}

enum tm_code
al_cfg_silence_list(PGconn *db, int active, const char *scope, const struct tm_page *pg,
                    struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int after, lim;
    const char *params[4] = {tri(active), scope, tm_db_int(&after, pg->after_id),
                             tm_db_int(&lim, pg->limit + 1)};

    return json_page(db,
                     "SELECT s.id, " SILENCE_JSON(
                         "s") " FROM alerts.silences s"
                              " WHERE ($1::boolean IS NULL"
                              " OR (s.starts_at <= now() AND now() < s.ends_at) = $1::boolean)"
                              " AND ($2::bigint[] IS NULL OR s.store_id = ANY ($2::bigint[]))"
                              " AND s.id > $3::bigint ORDER BY s.id LIMIT $4::bigint",
                     4, params, pg, out, err);
}

enum tm_code
al_cfg_silence_end(PGconn *db, int64_t id, const char *actor, const char *scope, struct tm_buf *out,
                   struct tm_err *err)
{
    struct tm_db_int sid;
    const char *params[3] = {tm_db_int(&sid, id), actor, scope};

    /* not started yet: a window of one microsecond at its start, which no
     * millisecond clock (the engine's) ever falls into */
    return tm_db_json_one(
        db,
        "WITH s AS (UPDATE alerts.silences SET"
        " ends_at = CASE WHEN ends_at <= now() THEN ends_at"
        " WHEN starts_at >= now() THEN starts_at + interval '1 microsecond' ELSE now() END,"
        " ended_by = CASE WHEN ends_at <= now() THEN ended_by ELSE $2 END"
        " WHERE id = $1::bigint AND ($3::bigint[] IS NULL OR store_id = ANY ($3::bigint[]))"
        " RETURNING *) SELECT " SILENCE_JSON("s") " FROM s",
        3, params, "id", "silence", out, err);
}

/* -------------------------------------------------------------- policies */

/* The steps as stored: [{"after_s":N,"targets":[{"channel_id":N}|{"role":"r"}]}]. */
static enum tm_code
steps_json(const struct al_policy_in *in, struct tm_buf *b)
{
    enum tm_code rc = tm_buf_adds(b, "[");

    for (int i = 0; rc == TM_OK && i < in->n_steps; i++) {
        const struct al_step_in *s = &in->steps[i];
        rc = tm_buf_printf(b, "%s{\"after_s\":%d,\"targets\":[", i ? "," : "", s->after_s);
        for (int k = 0; rc == TM_OK && k < s->n_targets; k++) {
            const struct al_target_in *t = &s->targets[k];
            if ((rc = tm_buf_adds(b, k ? ",{" : "{")) != TM_OK)
                break;
            if (t->channel_id)
                rc = tm_buf_printf(b, "\"channel_id\":%" PRId64, t->channel_id);
            else
                rc = tm_json_kv_str(b, "role", tm_role_name((enum tm_role)t->role), 1);
            if (rc == TM_OK)
                rc = tm_buf_adds(b, "}");
        }
        if (rc == TM_OK)
            rc = tm_buf_adds(b, "]}");
    }
    return rc == TM_OK ? tm_buf_adds(b, "]") : rc;
}

/* Every channel the steps name exists: TM_INVALID naming the first that
 * does not. */
static enum tm_code
channels_exist(PGconn *db, const struct al_policy_in *in, struct tm_err *err)
{
    for (int i = 0; i < in->n_steps; i++) {
        for (int k = 0; k < in->steps[i].n_targets; k++) {
            struct tm_db_int cid;
            const char *params[1];
            int64_t n = 0;
            enum tm_code rc;

            if (!in->steps[i].targets[k].channel_id)
                continue;
            params[0] = tm_db_int(&cid, in->steps[i].targets[k].channel_id);
            rc = tm_db_i64_one(db, "SELECT count(*) FROM alerts.channels WHERE id = $1::bigint", 1,
                               params, &n, err);
            if (rc != TM_OK)
                return rc;
            if (n == 0) {
                char f[64];
                snprintf(f, sizeof f, "steps[%d].targets[%d].channel_id", i, k);
                return tm_err_set(err, TM_INVALID, f, "no notification channel with this id");
            }
        }
    }
    return TM_OK;
}

enum tm_code
al_cfg_policy_create(PGconn *db, const struct al_policy_in *in, const char *actor,
                     struct tm_buf *out, struct tm_err *err)
{
    struct tm_buf steps;
    struct tm_db_int every, max;
    const char *params[5];
    enum tm_code rc;

    if ((rc = channels_exist(db, in, err)) != TM_OK)
        return rc;
    tm_buf_init(&steps, 1 << 14);
    if ((rc = steps_json(in, &steps)) != TM_OK) {
        tm_buf_fini(&steps);
        return tm_err_set(err, TM_TOOBIG, "steps", "steps too large");
    }
    params[0] = in->name;
    params[1] = steps.p;
    params[2] = tm_db_int(&every, in->repeat_every_s);
    params[3] = tm_db_int(&max, in->repeat_max);
    params[4] = actor;
    rc = tm_db_json_one(db,
                        "WITH p AS (INSERT INTO alerts.escalation_policies (name, steps,"
                        " repeat_every_s, repeat_max, created_by)"
                        " VALUES ($1, $2::jsonb, $3::int, $4::int, $5) RETURNING *)"
                        " SELECT " POLICY_JSON("p") " FROM p",
                        5, params, "id", "policy", out, err);
    tm_buf_fini(&steps);
    return constraint_field(rc, err);
}

enum tm_code
al_cfg_policy_get(PGconn *db, int64_t id, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int pid;
    const char *params[1] = {tm_db_int(&pid, id)};

    return tm_db_json_one(db,
                          "SELECT " POLICY_JSON("p") " FROM alerts.escalation_policies p"
                                                     " WHERE p.id = $1::bigint",
                          1, params, "id", "policy", out, err);
}

enum tm_code
al_cfg_policy_list(PGconn *db, const struct tm_page *pg, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int after, lim;
    const char *params[2] = {tm_db_int(&after, pg->after_id), tm_db_int(&lim, pg->limit + 1)};

    return json_page(
        db,
        "SELECT p.id, " POLICY_JSON("p") " FROM alerts.escalation_policies p"
                                         " WHERE p.id > $1::bigint ORDER BY p.id LIMIT $2::bigint",
        2, params, pg, out, err);
}

/* -------------------------------------------------------------- channels */

/* The roles as a PostgreSQL text[] literal: role names are [a-z_]. */
static void
roles_literal(unsigned roles, char *out, size_t size)
{
    size_t n = 0;

    out[n++] = '{';
    for (int r = 0; r < TM_ROLE_COUNT; r++)
        if (roles & (1u << r))
            n += (size_t)snprintf(out + n, size - n, "%s%s", n > 1 ? "," : "",
                                  tm_role_name((enum tm_role)r));
    snprintf(out + n, size - n, "}");
}

enum tm_code
al_cfg_channel_create(PGconn *db, const struct al_channel_in *in, const char *actor,
                      struct tm_buf *out, struct tm_err *err)
{
    char roles[TM_ROLE_COUNT * 24 + 4];
    const char *params[8];
    struct tm_buf stores;
    enum tm_code rc;

    tm_buf_init(&stores, AL_CHANNEL_STORES_MAX * 21 + 3);
    if ((rc = tm_db_int_array(&stores, in->store_ids, sizeof in->store_ids[0], in->n_stores)) !=
        TM_OK) {
        tm_buf_fini(&stores);
        return tm_err_set(err, rc, "store_ids", "too many stores");
    }
    roles_literal(in->roles, roles, sizeof roles);
    params[0] = in->name;
    params[1] = al_channel_kind_name(in->kind);
    params[2] = in->kind == AL_CH_WEBHOOK ? in->url : NULL;
    params[3] = in->kind == AL_CH_WEBHOOK ? in->secret : NULL;
    params[4] = in->kind == AL_CH_EMAIL ? in->address : NULL;
    params[5] = roles;
    params[6] = actor;
    params[7] = stores.p;
    rc = constraint_field(
        tm_db_json_one(db,
                       "WITH c AS (INSERT INTO alerts.channels (name, kind, url, secret, address,"
                       " roles, created_by, store_ids) VALUES ($1, $2, $3, $4, $5, $6::text[],"
                       " $7, $8::bigint[])"
                       " RETURNING *) SELECT (" CHANNEL_OBJ(
                           "c") " || CASE WHEN c.kind ="
                                " 'webhook' THEN jsonb_build_object('secret', c.secret)"
                                " ELSE '{}'::jsonb END)::text FROM c",
                       8, params, "id", "channel", out, err),
        err);
    tm_buf_fini(&stores);
    return rc;
}

enum tm_code
al_cfg_channel_list(PGconn *db, const struct tm_page *pg, struct tm_buf *out, struct tm_err *err)
{
    struct tm_db_int after, lim;
    const char *params[2] = {tm_db_int(&after, pg->after_id), tm_db_int(&lim, pg->limit + 1)};

    return json_page(
        db,
        "SELECT c.id, " CHANNEL_OBJ("c") "::text FROM alerts.channels c"
                                         " WHERE c.id > $1::bigint ORDER BY c.id LIMIT $2::bigint",
        2, params, pg, out, err);
}
