/* services/alerts/engine.c — the pure half of tm-alerts (engine.h). */
#include "services/alerts/engine.h"

#include <string.h>

static const char *const kind_names[] = {
#define AL_X_NAME(name, wire) wire,
    AL_KINDS(AL_X_NAME)
#undef AL_X_NAME
};
static const char *const severity_names[] = {"critical", "high", "medium", "low"};
static const char *const state_names[] = {"firing", "acknowledged", "resolved"};

/* the index of s in names[0..n), or -1 */
static int
find(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *
al_kind_name(enum al_kind k)
{
    return (unsigned)k < AL_KIND_COUNT ? kind_names[k] : "";
}

int
al_kind_parse(const char *s, enum al_kind *out)
{
    int i = find(kind_names, AL_KIND_COUNT, s);

    if (i >= 0)
        *out = (enum al_kind)i;
    return i >= 0;
}

const char *
al_severity_name(enum al_severity s)
{
    return (unsigned)s < AL_SEV_COUNT ? severity_names[s] : "";
}

int
al_severity_parse(const char *s, enum al_severity *out)
{
    int i = find(severity_names, AL_SEV_COUNT, s);

    if (i >= 0)
        *out = (enum al_severity)i;
    return i >= 0;
}

const char *
al_state_name(enum al_state s)
{
    return (unsigned)s <= AL_STATE_RESOLVED ? state_names[s] : "";
}

int
al_state_parse(const char *s, enum al_state *out)
{
    int i = find(state_names, 3, s);

    if (i >= 0)
        *out = (enum al_state)i;
    return i >= 0;
}

/* ------------------------------------------------ silences and escalation */

int
al_silence_matches(const struct al_silence *s, int64_t rule_id, int64_t store_id,
                   int64_t product_id, enum al_severity sev, int64_t now_ms)
{
    int any = 0;

    if (now_ms < s->starts_ms || now_ms >= s->ends_ms)
        return 0;
    if (s->rule_id > 0) {
        if (s->rule_id != rule_id)
            return 0;
        any = 1;
    }
    if (s->store_id > 0) {
        if (s->store_id != store_id)
            return 0;
        any = 1;
    }
    if (s->product_id > 0) {
        if (s->product_id != product_id)
            return 0;
        any = 1;
    }
    if (s->severity >= 0) {
        if (s->severity != (int)sev)
            return 0;
        any = 1;
    }
    /* a silence without a matcher is refused at creation; never match all */
    return any;
}

int
al_policy_position(const struct al_policy *p, int next, int64_t fired_ms, int *step, int *round,
                   int64_t *due_ms)
{
    int64_t after_s, k;

    if (p->n_steps <= 0 || p->n_steps > AL_STEPS_MAX || next < 0)
        return 0;
    if (next < p->n_steps) {
        *step = next;
        *round = 0;
        after_s = p->after_s[next];
    } else {
        k = (int64_t)next - p->n_steps; /* repeat k, round k + 1 */
        if (p->repeat_every_s <= 0 || k >= p->repeat_max)
            return 0;
        *step = p->n_steps - 1;
        *round = (int)(k + 1);
        after_s = p->after_s[p->n_steps - 1] + (k + 1) * (int64_t)p->repeat_every_s;
    }
    *due_ms = fired_ms + after_s * 1000;
    return 1;
}
