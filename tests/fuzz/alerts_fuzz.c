/* tests/fuzz/alerts_fuzz.c — libFuzzer target for tm-alerts' configuration
 * decoders (services/alerts/decode.c): the same bytes as an alert rule, a
 * silence, an escalation policy and a notification channel body, and as a
 * params object of every rule kind. Each must refuse garbage with an error
 * naming a field, never crash, leak or read out of bounds, and what it
 * accepts must keep the documented bounds (docs/alerts.md); every input
 * runs on a thread of TM_DECODER_STACK_SIZE bytes. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/http.h"
#include "common/json.h"
#include "common/perm.h"

#include "services/alerts/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_MS 1795737600000LL /* 2026-11-27T00:00:00Z: a fixed clock */
#define ID_MAX ((int64_t)1 << 53)

struct input {
    const char *text;
    size_t size;
};

static int
terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* A refusal must be 400 naming a field; the name is "" only for a member
 * named "" (tm_json_only names the unknown member as it is). */
static void
refused(enum tm_code rc, const struct tm_err *err, const cJSON *root)
{
    if (rc == TM_OK)
        return;
    if (rc != TM_INVALID || !terminated(err->field, sizeof err->field))
        abort();
    if (!err->field[0] && !cJSON_HasObjectItem(root, ""))
        abort();
}

static void
check_params(const struct al_params *p)
{
    const double v[8] = {p->days_of_cover, p->critical_days, p->days,       p->factor,
                         p->mase,          p->minutes,       p->grace_days, p->failures};

    for (int i = 0; i < 8; i++)
        if (!isfinite(v[i]) || (v[i] < 0 && v[i] != -1) || v[i] > 525600)
            abort();
    if ((p->factor >= 0 && p->factor < 1) || (p->failures >= 0 && p->failures < 2))
        abort();
}

static void
check_rule(const cJSON *root)
{
    struct al_rule_in r;
    struct tm_err err = {0};
    enum tm_code rc = al_decode_rule(root, &r, &err);

    refused(rc, &err, root);
    if (rc != TM_OK)
        return;
    if (!terminated(r.name, sizeof r.name) || !r.name[0] || !terminated(r.note, sizeof r.note) ||
        (unsigned)r.kind >= AL_KIND_COUNT || (unsigned)r.severity >= AL_SEV_COUNT ||
        r.store_id < 0 || r.store_id > ID_MAX || r.category_id < 0 || r.product_id < 0 ||
        r.policy_id < 0 || r.pending_s < 0 || r.pending_s > AL_PENDING_MAX_S || r.cooldown_s < 0 ||
        r.cooldown_s > AL_COOLDOWN_MAX_S || (r.active != 0 && r.active != 1))
        abort();
    check_params(&r.params);
}

static void
check_silence(const cJSON *root)
{
    struct al_silence_in s;
    struct tm_err err = {0};
    enum tm_code rc = al_decode_silence(root, NOW_MS, &s, &err);

    refused(rc, &err, root);
    if (rc != TM_OK)
        return;
    if ((!s.rule_id && !s.store_id && !s.product_id && s.severity < 0) || s.ends_ms <= NOW_MS ||
        (s.starts_ms && s.ends_ms <= s.starts_ms) || s.severity >= AL_SEV_COUNT ||
        !terminated(s.comment, sizeof s.comment) || !terminated(s.ends_at, sizeof s.ends_at) ||
        !s.ends_at[0])
        abort();
}

static void
check_policy(const cJSON *root)
{
    struct al_policy_in p;
    struct tm_err err = {0};
    enum tm_code rc = al_decode_policy(root, &p, &err);

    refused(rc, &err, root);
    if (rc != TM_OK)
        return;
    if (p.n_steps < 1 || p.n_steps > AL_STEPS_MAX || (p.repeat_max > 0 && !p.repeat_every_s))
        abort();
    for (int i = 0; i < p.n_steps; i++) {
        const struct al_step_in *s = &p.steps[i];
        if (s->n_targets < 1 || s->n_targets > AL_TARGETS_MAX || s->after_s < 0 ||
            (i && s->after_s < p.steps[i - 1].after_s))
            abort();
        for (int k = 0; k < s->n_targets; k++)
            if (s->targets[k].channel_id < 0 ||
                (!s->targets[k].channel_id && (unsigned)s->targets[k].role >= TM_ROLE_COUNT))
                abort();
    }
}

static void
check_channel(const cJSON *root)
{
    struct al_channel_in c;
    struct tm_err err = {0};
    enum tm_code rc = al_decode_channel(root, "127.0.0.1,localhost", &c, &err);

    refused(rc, &err, root);
    if (rc != TM_OK)
        return;
    if ((c.roles >> TM_ROLE_COUNT) != 0 || !terminated(c.url, sizeof c.url) ||
        !terminated(c.secret, sizeof c.secret) || !terminated(c.address, sizeof c.address) ||
        (c.kind == AL_CH_WEBHOOK && strncmp(c.url, "http", 4) != 0) ||
        (c.kind == AL_CH_EMAIL && !strchr(c.address, '@')) ||
        (c.kind != AL_CH_WEBHOOK && (c.url[0] || c.secret[0])))
        abort();
}

static void
decode_all(void *arg)
{
    const struct input *in = arg;
    cJSON *root = NULL;

    if (tm_json_parse(in->text, in->size, TM_JSON_DEPTH_MAX, "body", &root, NULL) == TM_OK) {
        check_rule(root);
        check_silence(root);
        check_policy(root);
        check_channel(root);
        for (int k = 0; k < AL_KIND_COUNT; k++) {
            struct al_params p;
            struct tm_err err = {0};
            enum tm_code rc = al_decode_params((enum al_kind)k, root, &p, &err);
            refused(rc, &err, root);
            if (rc == TM_OK)
                check_params(&p);
        }
    }
    cJSON_Delete(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
