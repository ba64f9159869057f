/* common/topic.c — the topic table's names and sources, generated from
 * TM_TOPICS so the enum and the strings cannot drift apart. Read on every
 * event a service writes: two array lookups. */
#include "common/topic.h"

#include <assert.h>

static const char *const names[TM_TOPIC_COUNT] = {
#define TM_X_NAME(name, topic, source) topic,
    TM_TOPICS(TM_X_NAME)
#undef TM_X_NAME
};

static const char *const sources[TM_TOPIC_COUNT] = {
#define TM_X_SOURCE(name, topic, source) source,
    TM_TOPICS(TM_X_SOURCE)
#undef TM_X_SOURCE
};

const char *
tm_topic_name(enum tm_topic t)
{
    assert((unsigned)t < TM_TOPIC_COUNT);
    return (unsigned)t < TM_TOPIC_COUNT ? names[t] : "";
}

const char *
tm_topic_source(enum tm_topic t)
{
    assert((unsigned)t < TM_TOPIC_COUNT);
    return (unsigned)t < TM_TOPIC_COUNT ? sources[t] : "";
}
