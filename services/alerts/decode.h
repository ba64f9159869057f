/* services/alerts/decode.h — tm-alerts' strict decoders of its
 * configuration bodies (docs/alerts.md "Routes"): an alert rule with its
 * kind's params, a silence, an escalation policy and a notification
 * channel, from cJSON trees to plain structs. Unknown members, wrong types,
 * signs and ranges are refused as they are read; every refusal is
 * TM_INVALID naming the field ("params.days", "steps[1].targets[0].role").
 * What needs the database (a policy or channel that exists) is the store's
 * check; what needs the clock takes now_ms. Borrow the tree; cJSON ends
 * here. No I/O, no state; thread-safe. */
#ifndef TM_ALERTS_DECODE_H
#define TM_ALERTS_DECODE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#include "services/alerts/engine.h"

#define AL_RULE_NAME_MAX 200      /* bytes of a rule's name (schema CHECK) */
#define AL_RULE_NOTE_MAX 500      /* bytes of a rule version's note */
#define AL_PENDING_MAX_S 604800   /* a week: a rule's pending period at most */
#define AL_COOLDOWN_MAX_S 2592000 /* 30 days: a rule's cooldown at most */
#define AL_COMMENT_MAX 500        /* bytes of a silence's comment */
#define AL_CFG_NAME_MAX 100       /* bytes of a policy's or a channel's name */
#define AL_TARGETS_MAX 10         /* targets of one escalation step */
#define AL_AFTER_MAX_S 604800     /* a step's wait, and a repeat's interval, at most */
#define AL_REPEAT_MAX 100         /* repeats of a policy's last step at most */
#define AL_URL_MAX 2048           /* bytes of a webhook's URL */
#define AL_SECRET_MIN 16          /* bytes of a webhook secret a client gives */
#define AL_SECRET_MAX 256
#define AL_ADDRESS_MAX 320 /* bytes of an e-mail address (RFC 3696's limit) */
#define AL_PARAMS_MAX 8    /* members of a rule's params (the kinds take 2 at most) */

/* A rule version as a client writes it (POST, PUT). Scope ids 0: any. */
struct al_rule_in {
    char name[AL_RULE_NAME_MAX + 1];
    enum al_kind kind;
    int64_t store_id, category_id, product_id;
    struct al_params params; /* unset ones < 0; the kind's defaults filled in */
    int pending_s, cooldown_s;
    enum al_severity severity;
    int64_t policy_id; /* 0: no notification route */
    int active;
    char note[AL_RULE_NOTE_MAX + 1];
};

/* A rule body: name, kind, severity required; store_id?, category_id?,
 * product_id? (ids or null), params? (the kind's, al_decode_params),
 * pending_s? (0..AL_PENDING_MAX_S, 0), cooldown_s? (0..AL_COOLDOWN_MAX_S,
 * 0), policy_id? (an id or null), active? (true), note?. */
TM_MUSTCHECK enum tm_code al_decode_rule(const cJSON *body, struct al_rule_in *out,
                                         struct tm_err *err);

/* A kind's params object (NULL: none given) into out, exactly as
 * docs/alerts.md's table: every member a number of the right sign (and an
 * integer where it says so), required ones present, no member the kind
 * does not take; defaults (demand_spike's factor 1, po_overdue's
 * grace_days 0, job_failing's failures 2) filled in, others unset (< 0).
 * Fields are named "params.<member>". Also how a stored rule's params are
 * read back. */
TM_MUSTCHECK enum tm_code al_decode_params(enum al_kind kind, const cJSON *params,
                                           struct al_params *out, struct tm_err *err);

/* A silence as a client creates it. Matchers 0 / -1 when not set. */
struct al_silence_in {
    int64_t rule_id, store_id, product_id;
    int severity;      /* enum al_severity, or -1 */
    int64_t starts_ms; /* 0: now */
    int64_t ends_ms;
    char starts_at[40], ends_at[40]; /* the times as given ("" for starts_at: now) */
    char comment[AL_COMMENT_MAX + 1];
};

/* A silence body: at least one of rule_id, store_id, product_id, severity
 * (else TM_INVALID field "matchers"); ends_at required, after now_ms and
 * after starts_at? (default now); comment?. */
TM_MUSTCHECK enum tm_code al_decode_silence(const cJSON *body, int64_t now_ms,
                                            struct al_silence_in *out, struct tm_err *err);

/* One target of an escalation step: a channel or a role. */
struct al_target_in {
    int64_t channel_id; /* 0 when a role */
    int role;           /* enum tm_role when channel_id is 0 */
};

struct al_step_in {
    int after_s;
    int n_targets;
    struct al_target_in targets[AL_TARGETS_MAX];
};

struct al_policy_in {
    char name[AL_CFG_NAME_MAX + 1];
    int n_steps;
    struct al_step_in steps[AL_STEPS_MAX];
    int repeat_every_s, repeat_max;
};

/* A policy body: name; steps (1..AL_STEPS_MAX of {after_s 0..AL_AFTER_MAX_S,
 * non-decreasing; targets 1..AL_TARGETS_MAX of {"channel_id": id} or
 * {"role": a role tm_role_parse knows}}); repeat_every_s? (0..AL_AFTER_MAX_S,
 * 0), repeat_max? (0..AL_REPEAT_MAX, 0; above 0 only with repeat_every_s).
 * Whether each channel exists is the store's check. */
TM_MUSTCHECK enum tm_code al_decode_policy(const cJSON *body, struct al_policy_in *out,
                                           struct tm_err *err);

enum al_channel_kind { AL_CH_WEBHOOK, AL_CH_EMAIL, AL_CH_DASHBOARD };

#define AL_CHANNEL_STORES_MAX 64 /* stores one channel serves */

struct al_channel_in {
    char name[AL_CFG_NAME_MAX + 1];
    enum al_channel_kind kind;
    char url[AL_URL_MAX + 1];         /* webhook */
    char secret[AL_SECRET_MAX + 1];   /* webhook; "" when not given (the handler makes one) */
    char address[AL_ADDRESS_MAX + 1]; /* email */
    unsigned roles;                   /* bit r: role r is served by this channel */
    int64_t store_ids[AL_CHANNEL_STORES_MAX]; /* the stores it serves; none: every store */
    int n_stores;
};

/* A channel body: name, kind ("webhook", "email", "dashboard") required;
 * a webhook's url (http(s), host on allow_hosts: common/url.h) and secret?
 * (AL_SECRET_MIN..AL_SECRET_MAX printable bytes); an e-mail's address
 * (local@domain, no spaces or control bytes); roles? (an array of role
 * names, none twice); store_ids? (the stores it serves, at most
 * AL_CHANNEL_STORES_MAX; required when a role it serves is store-scoped).
 * A member the kind does not take is refused. */
TM_MUSTCHECK enum tm_code al_decode_channel(const cJSON *body, const char *allow_hosts,
                                            struct al_channel_in *out, struct tm_err *err);

const char *al_channel_kind_name(enum al_channel_kind k);

#endif
