/* services/alerts/alert_decode.c — the alert routes' input (alert_decode.h).
 * Small documents from people (a manual alert, a note), so each is parsed
 * whole, depth-bounded by tm_json_parse_object, and copied into fixed-size
 * fields; nothing of the tree outlives the call. */
#include "services/alerts/alert_decode.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "common/json.h"

static const char *const severities[] = {"critical", "high", "medium", "low", NULL};
static const char *const states[] = {"firing", "acknowledged", "resolved", "open", NULL};
static const char *const kinds[] = {
#define AL_X_WIRE(name, wire) wire,
    AL_KINDS(AL_X_WIRE)
#undef AL_X_WIRE
        "manual",
    NULL};

/* An optional positive id member: 0 when absent or null. */
static enum tm_code
opt_id(const cJSON *root, const char *name, int64_t *out, struct tm_err *err)
{
    const cJSON *it = tm_json_member(root, name);

    *out = 0;
    return it ? tm_json_as_i64(it, name, 1, INT64_MAX, out, err) : TM_OK;
}

enum tm_code
al_decode_manual(const char *body, size_t len, struct al_manual *out, struct tm_err *err)
{
    static const char *const allowed[] = {"title",    "severity",   "description",
                                          "store_id", "product_id", "policy_id"};
    cJSON *root = NULL;
    const cJSON *it;
    int sev = 0;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_parse_object(body, len, "body", &root, err)) != TM_OK)
        return rc;
    if ((rc = tm_json_only(root, allowed, sizeof allowed / sizeof allowed[0], err)) == TM_OK &&
        (rc = tm_json_str(root, "title", 1, AL_TITLE_MAX, out->title, sizeof out->title, err)) ==
            TM_OK &&
        (rc = tm_json_enum(root, "severity", severities, &sev, err)) == TM_OK &&
        (rc = opt_id(root, "store_id", &out->store_id, err)) == TM_OK &&
        (rc = opt_id(root, "product_id", &out->product_id, err)) == TM_OK &&
        (rc = opt_id(root, "policy_id", &out->policy_id, err)) == TM_OK &&
        (it = tm_json_member(root, "description")) != NULL)
        rc = tm_json_as_str(it, "description", 0, AL_DESCRIPTION_MAX, out->description,
                            sizeof out->description, err);
    /* a title is one line: it becomes an e-mail's Subject header */
    if (rc == TM_OK && strpbrk(out->title, "\r\n\t"))
        rc = tm_err_set(err, TM_INVALID, "title", "a title is one line (no CR, LF or tab)");
    out->severity = (enum al_severity)sev;
    cJSON_Delete(root);
    return rc;
}

enum tm_code
al_decode_note(const char *body, size_t len, char *note, struct tm_err *err)
{
    static const char *const allowed[] = {"note"};
    cJSON *root = NULL;
    const cJSON *it;
    enum tm_code rc;

    note[0] = '\0';
    if (!body || len == 0)
        return TM_OK;
    if ((rc = tm_json_parse_object(body, len, "body", &root, err)) != TM_OK)
        return rc;
    if ((rc = tm_json_only(root, allowed, 1, err)) == TM_OK &&
        (it = tm_json_member(root, "note")) != NULL)
        rc = tm_json_as_str(it, "note", 0, AL_NOTE_MAX, note, AL_NOTE_MAX + 1, err);
    cJSON_Delete(root);
    return rc;
}

enum tm_code
al_decode_list(struct tm_ctx *ctx, struct al_filter *f, struct tm_page *pg, struct tm_err *err)
{
    int state, sev, kind;
    enum tm_code rc;

    memset(f, 0, sizeof *f);
    if ((rc = tm_ctx_page(ctx, pg, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "state", states, &state, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "severity", severities, &sev, err)) != TM_OK ||
        (rc = tm_ctx_query_enum(ctx, "kind", kinds, &kind, err)) != TM_OK ||
        (rc = tm_ctx_query_store(ctx, &f->store_id, err)) != TM_OK ||
        (rc = tm_ctx_query_int(ctx, "rule_id", 1, INT64_MAX, 0, &f->rule_id, err)) != TM_OK)
        return rc;
    f->state = state >= 0 ? states[state] : NULL;
    f->severity = sev >= 0 ? severities[sev] : NULL;
    f->kind = kind >= 0 ? kinds[kind] : NULL;
    return TM_OK;
}
