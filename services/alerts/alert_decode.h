/* services/alerts/alert_decode.h — the alert routes' input (docs/alerts.md
 * "Routes"): a manual alert's body, an acknowledge / resolve body and a
 * list's query, into plain structs. Strict: unknown members, wrong types
 * and values out of range are TM_INVALID naming the field, and nothing is
 * kept of the input. cJSON ends here. No state; thread-safe. */
#ifndef TM_ALERTS_ALERT_DECODE_H
#define TM_ALERTS_ALERT_DECODE_H

#include <stdint.h>

#include "common/err.h"
#include "common/router.h"

#include "services/alerts/alert_store.h"
#include "services/alerts/engine.h"

#define AL_DESCRIPTION_MAX 2000 /* bytes of a manual alert's description */

/* POST /api/v1/alerts */
struct al_manual {
    char title[AL_TITLE_MAX + 1]; /* 1..AL_TITLE_MAX bytes */
    enum al_severity severity;
    char description[AL_DESCRIPTION_MAX + 1]; /* "" when not given */
    int64_t store_id, product_id, policy_id;  /* 0 when not given */
};

/* Decodes body[len] (a JSON object, depth-bounded) into *out. */
TM_MUSTCHECK enum tm_code al_decode_manual(const char *body, size_t len, struct al_manual *out,
                                           struct tm_err *err);

/* The body of acknowledge and resolve: {"note"?}; an empty body is no
 * note. note[AL_NOTE_MAX + 1] is "" when not given. */
TM_MUSTCHECK enum tm_code al_decode_note(const char *body, size_t len, char *note,
                                         struct tm_err *err);

/* GET /api/v1/alerts: state (incl. "open"), severity, kind (a rule kind or
 * "manual"), store_id, rule_id into f (the strings are static names), and
 * the page. f->store_scope is left NULL (the handler judges the stores). */
TM_MUSTCHECK enum tm_code al_decode_list(struct tm_ctx *ctx, struct al_filter *f,
                                         struct tm_page *pg, struct tm_err *err);

#endif
