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
