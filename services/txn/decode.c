/* services/txn/decode.c — JSON to tm-txn's plain structs: a sale body on
 * every POST /transactions, a rule set when one is published, when a
 * version not yet cached is first scored with (sale_handlers.c keeps the
 * decoded set per version) and when tm-fraud-eval loads a file. Shapes,
 * types and ranges are checked here, field by field, as they are read;
 * what needs the whole value (a product twice, a repeated rule code) is the
 * domain's check, run last. */
#include "services/txn/decode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"

/* ------------------------------------------------------------- sales */

/* A required member, one of allowed (NULL-terminated), copied into out. */
static enum tm_code
one_of(const cJSON *body, const char *name, const char *const *allowed, char *out, size_t size,
       struct tm_err *err)
{
    int i;
    enum tm_code rc = tm_json_enum(body, name, allowed, &i, err);

    if (rc == TM_OK)
        snprintf(out, size, "%s", allowed[i]);
    return rc;
}

/* A price as a JSON number with at most two decimals, into cents. */
static enum tm_code
price_cents(const cJSON *it, const char *field, int64_t *out, struct tm_err *err)
{
    double v, c;

    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return tm_err_set(err, TM_INVALID, field, "%s must be a number", field);
    v = it->valuedouble;
    c = round(v * 100);
    if (v <= 0 || c < 1 || c > TX_PRICE_MAX_CENTS)
        return tm_err_set(err, TM_INVALID, field, "%s must be over 0 and at most %d", field,
                          TX_PRICE_MAX_CENTS / 100);
    if (fabs(v * 100 - c) > 1e-6 * (c > 1 ? c : 1))
        return tm_err_set(err, TM_INVALID, field, "%s has more than two decimals", field);
    *out = (int64_t)c;
    return TM_OK;
}

/* An optional operator member: [A-Za-z0-9._-]{1,TX_OPERATOR_MAX}. */
static enum tm_code
operator_of(const cJSON *body, char *out, size_t size, struct tm_err *err)
{
    const cJSON *it = tm_json_member(body, "operator");
    enum tm_code rc;

    if (!it)
        return TM_OK;
    if ((rc = tm_json_as_str(it, "operator", 1, TX_OPERATOR_MAX, out, size, err)) != TM_OK)
        return rc;
    if (strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
        strlen(out)) {
        out[0] = '\0';
        return tm_err_set(err, TM_INVALID, "operator",
                          "operator must be 1 to %d of A-Z a-z 0-9 . _ -", TX_OPERATOR_MAX);
    }
    return TM_OK;
}

static enum tm_code
decode_line(const cJSON *o, int i, struct tx_line *l, struct tm_err *err)
{
    static const char *const names[] = {"product_id", "quantity", "unit_price"};
    char f[48];
    const cJSON *it;
    enum tm_code rc;

    l->index = i;
    snprintf(f, sizeof f, "lines[%d]", i);
    if (!cJSON_IsObject(o))
        return tm_err_set(err, TM_INVALID, f, "%s must be an object", f);
    if ((rc = tm_json_only(o, names, 3, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].product_id", i);
    if (!(it = tm_json_member(o, "product_id")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_i64(it, f, 1, (int64_t)1 << 53, &l->product_id, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].quantity", i);
    if (!(it = tm_json_member(o, "quantity")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_i64(it, f, 1, TX_QTY_MAX, &l->quantity, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "lines[%d].unit_price", i);
    if (!(it = tm_json_member(o, "unit_price")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    return price_cents(it, f, &l->unit_price_cents, err);
}

enum tm_code
tx_decode_sale(const cJSON *body, struct tx_sale *s, struct tm_err *err)
{
    static const char *const names[] = {"store_id",       "customer_id", "lines",       "channel",
                                        "payment_method", "instrument",  "occurred_at", "operator"};
    static const char *const channels[] = {"pos", "online", "mobile", NULL};
    static const char *const methods[] = {"card", "cash", "mobile", "gift_card", "invoice", NULL};
    const cJSON *lines, *it;
    enum tm_code rc;

    memset(s, 0, sizeof *s);
    if ((rc = tm_json_only(body, names, sizeof names / sizeof names[0], err)) != TM_OK ||
        (rc = tm_json_i64(body, "store_id", 1, (int64_t)1 << 53, &s->store_id, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "customer_id")) &&
        (rc = tm_json_as_i64(it, "customer_id", 1, (int64_t)1 << 53, &s->customer_id, err)) !=
            TM_OK)
        return rc;
    if ((rc = one_of(body, "channel", channels, s->channel, sizeof s->channel, err)) != TM_OK ||
        (rc = one_of(body, "payment_method", methods, s->payment_method, sizeof s->payment_method,
                     err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "instrument")) &&
        (rc = tm_json_as_str(it, "instrument", 1, TX_INSTRUMENT_MAX, s->instrument,
                             sizeof s->instrument, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "occurred_at"))) {
        struct tm_time t;
        if ((rc = tm_json_as_time(it, "occurred_at", &t, err)) != TM_OK)
            return rc;
        snprintf(s->occurred_at, sizeof s->occurred_at, "%s", t.text);
    }
    if ((rc = operator_of(body, s->operator_id, sizeof s->operator_id, err)) != TM_OK)
        return rc;
    lines = tm_json_member(body, "lines");
    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) < 1 ||
        cJSON_GetArraySize(lines) > TX_LINES_MAX)
        return tm_err_set(err, TM_INVALID, "lines", "lines must be an array of 1 to %d lines",
                          TX_LINES_MAX);
    cJSON_ArrayForEach(it, lines)
    {
        if ((rc = decode_line(it, s->n, &s->lines[s->n], err)) != TM_OK)
            return rc;
        s->n++;
    }
    return tx_sale_check(s, err);
}

enum tm_code
tx_decode_void(const cJSON *body, struct tx_void *v, struct tm_err *err)
{
    static const char *const names[] = {"reason", "operator", "override"};
    const cJSON *it;
    enum tm_code rc;

    memset(v, 0, sizeof *v);
    if (!body)
        return TM_OK;
    if ((rc = tm_json_object(body, "body", err)) != TM_OK ||
        (rc = tm_json_only(body, names, 3, err)) != TM_OK)
        return rc;
    if ((it = tm_json_member(body, "reason")) &&
        (rc = tm_json_as_str(it, "reason", 1, TX_REASON_MAX, v->reason, sizeof v->reason, err)) !=
            TM_OK)
        return rc;
    if ((it = tm_json_member(body, "override"))) {
        if (!cJSON_IsBool(it))
            return tm_err_set(err, TM_INVALID, "override", "override must be true or false");
        v->override = cJSON_IsTrue(it);
    }
    if (v->override && !v->reason[0]) /* an override says why */
        return tm_err_set(err, TM_INVALID, "reason", "an override needs a reason");
    return operator_of(body, v->operator_id, sizeof v->operator_id, err);
}

/* --------------------------------------------------------- rule sets */

/* Optional number member in [min, max] into *out (left as is when absent). */
static enum tm_code
opt_num(const cJSON *o, const char *name, const char *path, double min, double max, double *out,
        struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);
    char f[64];

    if (!it)
        return TM_OK;
    snprintf(f, sizeof f, "%s.%s", path, name);
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < min ||
        it->valuedouble > max)
        return tm_err_set(err, TM_INVALID, f, "%s must be a number from %g to %g", f, min, max);
    *out = it->valuedouble;
    return TM_OK;
}

/* Optional enum member, one of names (NULL-terminated), into *out (left
 * as is when absent). */
static enum tm_code
opt_enum(const cJSON *o, const char *name, const char *path, const char *const *names, int *out,
         struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, name);
    char f[64];

    if (!it)
        return TM_OK;
    snprintf(f, sizeof f, "%s.%s", path, name);
    return tm_json_as_enum(it, f, names, out, err);
}

/* Optional integer-valued number member in [min, max] into *out. */
static enum tm_code
opt_int(const cJSON *o, const char *name, const char *path, double min, double max, int64_t *out,
        struct tm_err *err)
{
    double v = (double)*out;
    enum tm_code rc = opt_num(o, name, path, min, max, &v, err);

    if (rc == TM_OK)
        *out = (int64_t)v;
    return rc;
}

/* Optional "novelty": a list of fr_novelty_names, each at most once, into
 * FR_NEW_* bits (left 0 when absent). */
static enum tm_code
opt_novelty(const cJSON *o, const char *path, int *out, struct tm_err *err)
{
    const cJSON *it = tm_json_member(o, "novelty"), *e;
    char f[64];
    int n = 0;
    enum tm_code rc;

    if (!it)
        return TM_OK;
    snprintf(f, sizeof f, "%s.novelty", path);
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > FR_NOVELTIES)
        return tm_err_set(err, TM_INVALID, f, "%s must be a list of instrument, channel, store", f);
    cJSON_ArrayForEach(e, it)
    {
        int v;
        char ef[80];
        snprintf(ef, sizeof ef, "%s[%d]", f, n++);
        if ((rc = tm_json_as_enum(e, ef, fr_novelty_names, &v, err)) != TM_OK)
            return rc;
        if (*out & (1 << v))
            return tm_err_set(err, TM_INVALID, ef, "%s repeats %s", ef, fr_novelty_names[v]);
        *out |= 1 << v;
    }
    return TM_OK;
}

/* The members every kind shares: code, kind, enabled, weight, threshold. */
static enum tm_code
rule_head(const cJSON *o, const char *path, struct fr_rule *r, struct tm_err *err)
{
    char f[64];
    const cJSON *it;
    int k;
    enum tm_code rc;

    snprintf(f, sizeof f, "%s.code", path);
    if (!(it = tm_json_member(o, "code")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_str(it, f, 1, FR_CODE_MAX, r->code, sizeof r->code, err)) != TM_OK)
        return rc;
    snprintf(f, sizeof f, "%s.kind", path);
    if (!(it = tm_json_member(o, "kind")))
        return tm_err_set(err, TM_INVALID, f, "%s is required", f);
    if ((rc = tm_json_as_enum(it, f, fr_kind_names, &k, err)) != TM_OK)
        return rc;
    r->kind = (enum fr_kind)k;
    if ((it = tm_json_member(o, "enabled")) &&
        (rc = tm_json_as_bool(it, "enabled", &r->enabled, err)) != TM_OK)
        return rc;
    if (!tm_json_member(o, "weight") ||
        (!tm_json_member(o, "threshold") && r->kind != FR_NIGHT_HOUR))
        return tm_err_set(err, TM_INVALID, path, "%s needs a weight and a threshold", path);
    if ((rc = opt_num(o, "weight", path, -100, 100, &r->weight, err)) != TM_OK)
        return rc;
    return opt_num(o, "threshold", path, 0, 1e12, &r->threshold, err);
}

static enum tm_code
decode_rule(const cJSON *o, int i, struct fr_rule *r, struct tm_err *err)
{
    static const char *const names[] = {
        "code",   "kind",        "enabled",        "weight",      "threshold", "scope",
        "window", "min_history", "fallback_cents", "price_cents", "hour_from", "hour_to",
        "clock",  "small_cents", "large_cents",    "novelty"};
    static const char *const clocks[] = {"store", "server", NULL};
    char path[24];
    int sc = 0, win = 0, clock = 0;
    int64_t min_history = 1, from = 2, to = 5;
    enum tm_code rc;

    snprintf(path, sizeof path, "rules[%d]", i);
    memset(r, 0, sizeof *r);
    r->enabled = 1;
    if (!cJSON_IsObject(o))
        return tm_err_set(err, TM_INVALID, path, "%s must be an object", path);
    if ((rc = tm_json_only(o, names, sizeof names / sizeof names[0], err)) != TM_OK ||
        (rc = rule_head(o, path, r, err)) != TM_OK ||
        (rc = opt_enum(o, "scope", path, fr_scope_names, &sc, err)) != TM_OK ||
        (rc = opt_enum(o, "window", path, fr_window_names, &win, err)) != TM_OK ||
        (rc = opt_enum(o, "clock", path, clocks, &clock, err)) != TM_OK ||
        (rc = opt_int(o, "min_history", path, 0, FR_HISTORY_MAX, &min_history, err)) != TM_OK ||
        (rc = opt_int(o, "fallback_cents", path, 0, 1e12, &r->fallback_cents, err)) != TM_OK ||
        (rc = opt_int(o, "price_cents", path, 0, 1e12, &r->price_cents, err)) != TM_OK ||
        (rc = opt_int(o, "hour_from", path, 0, 23, &from, err)) != TM_OK ||
        (rc = opt_int(o, "hour_to", path, 0, 24, &to, err)) != TM_OK ||
        (rc = opt_int(o, "small_cents", path, 1, 1e12, &r->small_cents, err)) != TM_OK ||
        (rc = opt_int(o, "large_cents", path, 1, 1e12, &r->large_cents, err)) != TM_OK ||
        (rc = opt_novelty(o, path, &r->novelty, err)) != TM_OK)
        return rc;
    r->scope = (enum fr_scope)sc;
    r->window = (enum fr_window)win;
    r->server_clock = clock;
    r->min_history = (int)min_history;
    r->hour_from = (int)from;
    r->hour_to = (int)to;
    return TM_OK;
}

enum tm_code
tx_decode_rule_set(const cJSON *doc, struct fr_rule_set *out, struct tm_err *err)
{
    static const char *const names[] = {"review_threshold", "decline_threshold", "rules"};
    const cJSON *rules, *it;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    out->review_at = 60;
    out->decline_at = 85;
    if ((rc = tm_json_object(doc, "body", err)) != TM_OK ||
        (rc = tm_json_only(doc, names, 3, err)) != TM_OK ||
        (rc = opt_num(doc, "review_threshold", "rule_set", 1, 100, &out->review_at, err)) !=
            TM_OK ||
        (rc = opt_num(doc, "decline_threshold", "rule_set", 1, 100, &out->decline_at, err)) !=
            TM_OK)
        return rc;
    rules = tm_json_member(doc, "rules");
    if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) < 1 ||
        cJSON_GetArraySize(rules) > FR_RULES_MAX)
        return tm_err_set(err, TM_INVALID, "rules", "rules must be an array of 1 to %d rules",
                          FR_RULES_MAX);
    cJSON_ArrayForEach(it, rules)
    {
        if ((rc = decode_rule(it, out->n_rules, &out->rules[out->n_rules], err)) != TM_OK)
            return rc;
        out->n_rules++;
    }
    return fr_rule_set_check(out, err);
}

enum tm_code
tx_decode_rule_set_text(const char *json, size_t len, struct fr_rule_set *out, struct tm_err *err)
{
    cJSON *doc = NULL;
    /* {"rules":[{...}]}: three levels; a little room, no more */
    enum tm_code rc = tm_json_parse(json, len, 8, "rules", &doc, err);

    if (rc == TM_OK)
        rc = tx_decode_rule_set(doc, out, err);
    cJSON_Delete(doc);
    return rc;
}
