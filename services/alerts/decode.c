/* services/alerts/decode.c — JSON to tm-alerts' configuration structs
 * (decode.h), on every POST and PUT of a rule, silence, policy or channel,
 * and when a stored rule's params are read back. Rare writes by operators:
 * clarity over speed. Each member is checked as it is read, so the first
 * wrong one is the one named; rules over the whole body (a silence's
 * matchers, a policy's order of steps) come last. */
#include "services/alerts/decode.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/perm.h"
#include "common/time.h"
#include "common/url.h"

#define ID_MAX ((int64_t)1 << 53)

static const char *const kind_names[] = {
#define AL_X_NAME(name, wire) wire,
    AL_KINDS(AL_X_NAME)
#undef AL_X_NAME
        NULL};
static const char *const severity_names[] = {"critical", "high", "medium", "low", NULL};
static const char *const channel_kinds[] = {"webhook", "email", "dashboard", NULL};

const char *
al_channel_kind_name(enum al_channel_kind k)
{
    return (unsigned)k <= AL_CH_DASHBOARD ? channel_kinds[k] : "";
}

/* An optional id member (absent or null: 0). */
static enum tm_code
opt_id(const cJSON *obj, const char *name, int64_t *out, struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    *out = 0;
    return it ? tm_json_as_i64(it, name, 1, ID_MAX, out, err) : TM_OK;
}

/* An optional integer member in [min, max] (absent or null: def). */
static enum tm_code
opt_int(const cJSON *obj, const char *name, int min, int max, int def, int *out, struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);
    int64_t v = def;
    enum tm_code rc = it ? tm_json_as_i64(it, name, min, max, &v, err) : TM_OK;

    *out = (int)v;
    return rc;
}

/* An optional string member (absent or null: ""). */
static enum tm_code
opt_str(const cJSON *obj, const char *name, size_t min, size_t max, char *out, size_t size,
        struct tm_err *err)
{
    const cJSON *it = tm_json_member(obj, name);

    out[0] = '\0';
    return it ? tm_json_as_str(it, name, min, max, out, size, err) : TM_OK;
}

/* ---------------------------------------------------------------- params */

/* How a kind's param is bounded: > 0 (min excluded), >= 0, >= 1, or an
 * integer >= 2. */
enum bound { GT0, GE0, GE1, INT_GE2 };

struct param_spec {
    const char *name;
    size_t offset; /* into struct al_params */
    enum bound bound;
    int required;
    double def; /* < 0: no default */
};

#define P(f) offsetof(struct al_params, f)
static const struct param_spec p_low[] = {{"days_of_cover", P(days_of_cover), GT0, 0, -1},
                                          {"critical_days", P(critical_days), GE0, 0, -1}};
static const struct param_spec p_over[] = {{"days_of_cover", P(days_of_cover), GT0, 1, -1}};
static const struct param_spec p_slow[] = {{"days", P(days), GT0, 1, -1}};
static const struct param_spec p_spike[] = {{"factor", P(factor), GE1, 0, 1}};
static const struct param_spec p_mase[] = {{"mase", P(mase), GT0, 1, -1}};
static const struct param_spec p_review[] = {{"minutes", P(minutes), GT0, 1, -1}};
static const struct param_spec p_po[] = {{"grace_days", P(grace_days), GE0, 0, 0}};
static const struct param_spec p_job[] = {{"failures", P(failures), INT_GE2, 0, 2}};
#undef P

static const struct {
    const struct param_spec *p;
    int n;
} kind_params[AL_KIND_COUNT] = {
    [AL_KIND_LOW_STOCK] = {p_low, 2},          [AL_KIND_OVERSTOCK] = {p_over, 1},
    [AL_KIND_SLOW_MOVING] = {p_slow, 1},       [AL_KIND_DEMAND_SPIKE] = {p_spike, 1},
    [AL_KIND_FORECAST_ACCURACY] = {p_mase, 1}, [AL_KIND_REVIEW_WAITING] = {p_review, 1},
    [AL_KIND_PO_OVERDUE] = {p_po, 1},          [AL_KIND_JOB_FAILING] = {p_job, 1},
};

/* A param's ceiling: generous, but a finite, sane number (a year of days,
 * a year of minutes, a hundred failures). */
static double
ceiling(const char *name)
{
    if (!strcmp(name, "minutes"))
        return 525600;
    if (!strcmp(name, "failures"))
        return 100;
    if (!strcmp(name, "mase") || !strcmp(name, "factor"))
        return 1000;
    return 3650; /* days */
}

static enum tm_code
one_param(const struct param_spec *s, const cJSON *it, struct al_params *out, struct tm_err *err)
{
    char f[48];
    double v, max = ceiling(s->name);
    static const char *const says[] = {"above 0", "0 or more", "1 or more",
                                       "an integer, 2 or more"};

    snprintf(f, sizeof f, "params.%s", s->name);
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return tm_err_set(err, TM_INVALID, f, "%s must be a number", f);
    v = it->valuedouble;
    if ((s->bound == GT0 && !(v > 0)) || (s->bound == GE0 && !(v >= 0)) ||
        (s->bound == GE1 && !(v >= 1)) || (s->bound == INT_GE2 && (v < 2 || v != floor(v))) ||
        v > max)
        return tm_err_set(err, TM_INVALID, f, "%s must be %s, at most %g", f, says[s->bound], max);
    *(double *)((char *)out + s->offset) = v;
    return TM_OK;
}

enum tm_code
al_decode_params(enum al_kind kind, const cJSON *params, struct al_params *out, struct tm_err *err)
{
    const struct param_spec *spec;
    const cJSON *it;
    int n;
    enum tm_code rc;

    *out = (struct al_params){-1, -1, -1, -1, -1, -1, -1, -1};
    if ((unsigned)kind >= AL_KIND_COUNT)
        return tm_err_set(err, TM_INVALID, "kind", "unknown kind");
    spec = kind_params[kind].p;
    n = kind_params[kind].n;
    if (params && !cJSON_IsObject(params))
        return tm_err_set(err, TM_INVALID, "params", "params must be an object");
    if (params && cJSON_GetArraySize(params) > AL_PARAMS_MAX)
        return tm_err_set(err, TM_INVALID, "params", "params has too many members");
    cJSON_ArrayForEach(it, params)
    {
        int known = 0;
        for (int i = 0; i < n && !known; i++) {
            if (!it->string || strcmp(it->string, spec[i].name) != 0)
                continue;
            known = 1;
            if ((rc = one_param(&spec[i], it, out, err)) != TM_OK)
                return rc;
        }
        if (!known) {
            char f[80];
            snprintf(f, sizeof f, "params.%.60s", it->string ? it->string : "");
            return tm_err_set(err, TM_INVALID, f, "kind %s takes no param %.60s",
                              al_kind_name(kind), it->string ? it->string : "");
        }
    }
    for (int i = 0; i < n; i++) {
        double *v = (double *)((char *)out + spec[i].offset);
        if (*v >= 0)
            continue;
        if (spec[i].required) {
            char f[48];
            snprintf(f, sizeof f, "params.%s", spec[i].name);
            return tm_err_set(err, TM_INVALID, f, "kind %s requires %s", al_kind_name(kind), f);
        }
        *v = spec[i].def;
    }
    return TM_OK;
}

/* ------------------------------------------------------------------ rule */

enum tm_code
al_decode_rule(const cJSON *body, struct al_rule_in *out, struct tm_err *err)
{
    static const char *const allowed[] = {"name",       "kind",      "store_id",  "category_id",
                                          "product_id", "params",    "pending_s", "severity",
                                          "cooldown_s", "policy_id", "active",    "note"};
    const cJSON *active;
    int kind = 0, sev = 0, on = 1;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_object(body, "body", err)) != TM_OK ||
        (rc = tm_json_only(body, allowed, sizeof allowed / sizeof allowed[0], err)) != TM_OK ||
        (rc = tm_json_str(body, "name", 1, AL_RULE_NAME_MAX, out->name, sizeof out->name, err)) !=
            TM_OK ||
        (rc = tm_json_enum(body, "kind", kind_names, &kind, err)) != TM_OK ||
        (rc = opt_id(body, "store_id", &out->store_id, err)) != TM_OK ||
        (rc = opt_id(body, "category_id", &out->category_id, err)) != TM_OK ||
        (rc = opt_id(body, "product_id", &out->product_id, err)) != TM_OK ||
        (rc = al_decode_params((enum al_kind)kind, tm_json_member(body, "params"), &out->params,
                               err)) != TM_OK ||
        (rc = opt_int(body, "pending_s", 0, AL_PENDING_MAX_S, 0, &out->pending_s, err)) != TM_OK ||
        (rc = tm_json_enum(body, "severity", severity_names, &sev, err)) != TM_OK ||
        (rc = opt_int(body, "cooldown_s", 0, AL_COOLDOWN_MAX_S, 0, &out->cooldown_s, err)) !=
            TM_OK ||
        (rc = opt_id(body, "policy_id", &out->policy_id, err)) != TM_OK ||
        (rc = opt_str(body, "note", 0, AL_RULE_NOTE_MAX, out->note, sizeof out->note, err)) !=
            TM_OK)
        return rc;
    if ((active = tm_json_member(body, "active")) &&
        (rc = tm_json_as_bool(active, "active", &on, err)) != TM_OK)
        return rc;
    out->kind = (enum al_kind)kind;
    out->severity = (enum al_severity)sev;
    out->active = on;
    return TM_OK;
}

/* --------------------------------------------------------------- silence */

enum tm_code
al_decode_silence(const cJSON *body, int64_t now_ms, struct al_silence_in *out, struct tm_err *err)
{
    static const char *const allowed[] = {"rule_id",   "store_id", "product_id", "severity",
                                          "starts_at", "ends_at",  "comment"};
    const cJSON *it;
    struct tm_time t;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    out->severity = -1;
    if ((rc = tm_json_object(body, "body", err)) != TM_OK ||
        (rc = tm_json_only(body, allowed, sizeof allowed / sizeof allowed[0], err)) != TM_OK ||
        (rc = opt_id(body, "rule_id", &out->rule_id, err)) != TM_OK ||
        (rc = opt_id(body, "store_id", &out->store_id, err)) != TM_OK ||
        (rc = opt_id(body, "product_id", &out->product_id, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "severity")) &&
        (rc = tm_json_as_enum(it, "severity", severity_names, &out->severity, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "starts_at"))) {
        if ((rc = tm_json_as_time(it, "starts_at", &t, err)) != TM_OK)
            return rc;
        out->starts_ms = t.epoch_ms;
        snprintf(out->starts_at, sizeof out->starts_at, "%s", t.text);
    }
    if (!(it = tm_json_member(body, "ends_at")))
        return tm_err_set(err, TM_INVALID, "ends_at", "ends_at is required");
    if ((rc = tm_json_as_time(it, "ends_at", &t, err)) != TM_OK)
        return rc;
    out->ends_ms = t.epoch_ms;
    snprintf(out->ends_at, sizeof out->ends_at, "%s", t.text);
    if ((rc = opt_str(body, "comment", 0, AL_COMMENT_MAX, out->comment, sizeof out->comment,
                      err)) != TM_OK)
        return rc;
    if (!out->rule_id && !out->store_id && !out->product_id && out->severity < 0)
        return tm_err_set(err, TM_INVALID, "matchers",
                          "a silence needs a matcher: rule_id, store_id, product_id or severity");
    if (out->ends_ms <= now_ms)
        return tm_err_set(err, TM_INVALID, "ends_at", "ends_at must be in the future");
    if (out->ends_ms <= (out->starts_ms ? out->starts_ms : now_ms))
        return tm_err_set(err, TM_INVALID, "ends_at", "ends_at must be after starts_at");
    return TM_OK;
}

/* ---------------------------------------------------------------- policy */

static enum tm_code
decode_target(const cJSON *it, const char *f, struct al_target_in *t, struct tm_err *err)
{
    static const char *const allowed[] = {"channel_id", "role"};
    const cJSON *ch, *role;
    char field[64], name[32];
    enum tm_role r;
    enum tm_code rc;

    if (!cJSON_IsObject(it))
        return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
    if ((rc = tm_json_only(it, allowed, 2, err)) != TM_OK)
        return tm_err_set(err, TM_INVALID, f, "%s takes channel_id or role only", f);
    ch = tm_json_member(it, "channel_id");
    role = tm_json_member(it, "role");
    if (!ch == !role)
        return tm_err_set(err, TM_INVALID, f, "%s names a channel_id or a role (one of them)", f);
    if (ch) {
        snprintf(field, sizeof field, "%s.channel_id", f);
        return tm_json_as_i64(ch, field, 1, ID_MAX, &t->channel_id, err);
    }
    snprintf(field, sizeof field, "%s.role", f);
    if ((rc = tm_json_as_str(role, field, 1, sizeof name - 1, name, sizeof name, err)) != TM_OK ||
        !tm_role_parse(name, &r))
        return tm_err_set(err, TM_INVALID, field, "%s must name a role", field);
    t->channel_id = 0;
    t->role = (int)r;
    return TM_OK;
}

static enum tm_code
decode_step(const cJSON *it, int i, struct al_step_in *s, struct tm_err *err)
{
    static const char *const allowed[] = {"after_s", "targets"};
    const cJSON *targets, *t;
    char f[48];
    int64_t after;
    enum tm_code rc;

    snprintf(f, sizeof f, "steps[%d]", i);
    if (!cJSON_IsObject(it))
        return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
    if ((rc = tm_json_only(it, allowed, 2, err)) != TM_OK)
        return tm_err_set(err, TM_INVALID, f, "%s takes after_s and targets only", f);
    snprintf(f, sizeof f, "steps[%d].after_s", i);
    if (!tm_json_member(it, "after_s"))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_i64(tm_json_member(it, "after_s"), f, 0, AL_AFTER_MAX_S, &after, err)) !=
        TM_OK)
        return rc;
    s->after_s = (int)after;
    snprintf(f, sizeof f, "steps[%d].targets", i);
    targets = tm_json_member(it, "targets");
    if (!cJSON_IsArray(targets) || cJSON_GetArraySize(targets) < 1 ||
        cJSON_GetArraySize(targets) > AL_TARGETS_MAX)
        return tm_err_set(err, TM_INVALID, f, "%s must be an array of 1 to %d targets", f,
                          AL_TARGETS_MAX);
    s->n_targets = 0;
    cJSON_ArrayForEach(t, targets)
    {
        snprintf(f, sizeof f, "steps[%d].targets[%d]", i, s->n_targets);
        if ((rc = decode_target(t, f, &s->targets[s->n_targets], err)) != TM_OK)
            return rc;
        s->n_targets++;
    }
    return TM_OK;
}

enum tm_code
al_decode_policy(const cJSON *body, struct al_policy_in *out, struct tm_err *err)
{
    static const char *const allowed[] = {"name", "steps", "repeat_every_s", "repeat_max"};
    const cJSON *steps, *it;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_object(body, "body", err)) != TM_OK ||
        (rc = tm_json_only(body, allowed, sizeof allowed / sizeof allowed[0], err)) != TM_OK ||
        (rc = tm_json_str(body, "name", 1, AL_CFG_NAME_MAX, out->name, sizeof out->name, err)) !=
            TM_OK)
        return rc;
    steps = tm_json_member(body, "steps");
    if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) < 1 ||
        cJSON_GetArraySize(steps) > AL_STEPS_MAX)
        return tm_err_set(err, TM_INVALID, "steps", "steps must be an array of 1 to %d steps",
                          AL_STEPS_MAX);
    cJSON_ArrayForEach(it, steps)
    {
        int i = out->n_steps;
        if ((rc = decode_step(it, i, &out->steps[i], err)) != TM_OK)
            return rc;
        if (i > 0 && out->steps[i].after_s < out->steps[i - 1].after_s) {
            char f[48];
            snprintf(f, sizeof f, "steps[%d].after_s", i);
            return tm_err_set(err, TM_INVALID, f,
                              "%s must not be before the previous step's (counted from firing)", f);
        }
        out->n_steps++;
    }
    if ((rc = opt_int(body, "repeat_every_s", 0, AL_AFTER_MAX_S, 0, &out->repeat_every_s, err)) !=
            TM_OK ||
        (rc = opt_int(body, "repeat_max", 0, AL_REPEAT_MAX, 0, &out->repeat_max, err)) != TM_OK)
        return rc;
    if (out->repeat_max > 0 && out->repeat_every_s == 0)
        return tm_err_set(err, TM_INVALID, "repeat_every_s",
                          "repeat_max needs repeat_every_s above 0");
    return TM_OK;
}

/* --------------------------------------------------------------- channel */

/* local@domain: printable ASCII without spaces, one '@' with text on both
 * sides and a dot in the domain; nothing a mail header could be split by. */
static int
address_ok(const char *s)
{
    const char *at = strchr(s, '@');

    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '<' || *p == '>' ||
            *p == ',' || *p == ';' || *p == '"' || *p == '\\')
            return 0;
    return at && at != s && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
           at[strlen(at) - 1] != '.';
}

static enum tm_code
decode_roles(const cJSON *arr, unsigned *roles, struct tm_err *err)
{
    const cJSON *it;
    int i = 0;

    *roles = 0;
    if (!arr)
        return TM_OK;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > TM_ROLE_COUNT)
        return tm_err_set(err, TM_INVALID, "roles", "roles must be an array of at most %d roles",
                          TM_ROLE_COUNT);
    cJSON_ArrayForEach(it, arr)
    {
        char f[24], name[32];
        enum tm_role r;
        snprintf(f, sizeof f, "roles[%d]", i++);
        if (tm_json_as_str(it, f, 1, sizeof name - 1, name, sizeof name, err) != TM_OK ||
            !tm_role_parse(name, &r))
            return tm_err_set(err, TM_INVALID, f, "%s must name a role", f);
        if (*roles & (1u << r))
            return tm_err_set(err, TM_INVALID, f, "%s names a role twice", f);
        *roles |= 1u << r;
    }
    return TM_OK;
}

enum tm_code
al_decode_channel(const cJSON *body, const char *allow_hosts, struct al_channel_in *out,
                  struct tm_err *err)
{
    static const char *const allowed[] = {"name",    "kind",  "url",      "secret",
                                          "address", "roles", "store_ids"};
    int kind = 0;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_object(body, "body", err)) != TM_OK ||
        (rc = tm_json_only(body, allowed, sizeof allowed / sizeof allowed[0], err)) != TM_OK ||
        (rc = tm_json_str(body, "name", 1, AL_CFG_NAME_MAX, out->name, sizeof out->name, err)) !=
            TM_OK ||
        (rc = tm_json_enum(body, "kind", channel_kinds, &kind, err)) != TM_OK ||
        (rc = decode_roles(tm_json_member(body, "roles"), &out->roles, err)) != TM_OK ||
        (rc = tm_json_ids(body, "store_ids", AL_CHANNEL_STORES_MAX, out->store_ids, &out->n_stores,
                          err)) != TM_OK)
        return rc;
    /* a channel serving store-scoped people names their stores: another
     * store's alerts are not theirs (docs/security.md) */
    for (int r = 0; r < TM_ROLE_COUNT && out->n_stores == 0; r++)
        if ((out->roles & (1u << r)) && tm_role_scoped((enum tm_role)r))
            return tm_err_set(err, TM_INVALID, "store_ids",
                              "a channel serving %s names the stores it serves",
                              tm_role_name((enum tm_role)r));
    out->kind = (enum al_channel_kind)kind;
    if (kind != AL_CH_WEBHOOK) {
        if (tm_json_member(body, "url"))
            return tm_err_set(err, TM_INVALID, "url", "only a webhook channel takes a url");
        if (tm_json_member(body, "secret"))
            return tm_err_set(err, TM_INVALID, "secret", "only a webhook channel takes a secret");
    }
    if (kind != AL_CH_EMAIL && tm_json_member(body, "address"))
        return tm_err_set(err, TM_INVALID, "address", "only an email channel takes an address");
    if (kind == AL_CH_WEBHOOK) {
        if ((rc = tm_json_str(body, "url", 1, AL_URL_MAX, out->url, sizeof out->url, err)) !=
                TM_OK ||
            (rc = opt_str(body, "secret", AL_SECRET_MIN, AL_SECRET_MAX, out->secret,
                          sizeof out->secret, err)) != TM_OK)
            return rc;
        if (!tm_url_allowed(out->url, allow_hosts))
            return tm_err_set(err, TM_INVALID, "url",
                              "url must be an http(s) URL whose host is on the allow-list");
        for (const char *p = out->secret; *p; p++)
            if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
                return tm_err_set(err, TM_INVALID, "secret",
                                  "secret must be printable ASCII without spaces");
    }
    if (kind == AL_CH_EMAIL) {
        if ((rc = tm_json_str(body, "address", 3, AL_ADDRESS_MAX, out->address, sizeof out->address,
                              err)) != TM_OK)
            return rc;
        if (!address_ok(out->address))
            return tm_err_set(err, TM_INVALID, "address", "address must be an e-mail address");
    }
    return TM_OK;
}
