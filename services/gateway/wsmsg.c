/* services/gateway/wsmsg.c — the WebSocket's readers and its event sorter.
 * Called once per connection (query, subprotocols) and once per event on
 * the listener thread, so everything here is a few comparisons. */
#include "services/gateway/wsmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/topic.h"

static const struct {
    const char *name;
    enum tm_perm perm;
} channels[] = {
#define GW_X_CHANNEL(name, wire, perm) {wire, TM_PERM_##perm},
    GW_WS_CHANNELS(GW_X_CHANNEL)
#undef GW_X_CHANNEL
};

const char *
gw_ws_channel_name(enum gw_ws_channel c)
{
    return (unsigned)c < GW_WS_CHANNELS_N ? channels[c].name : "unknown";
}

unsigned
gw_ws_allowed(enum tm_role role)
{
    unsigned mask = 0;

    for (int c = 0; c < GW_WS_CHANNELS_N; c++)
        if (tm_role_allows(role, channels[c].perm))
            mask |= 1u << c;
    return mask;
}

enum tm_code
gw_ws_channels_parse(const char *s, unsigned *mask, struct tm_err *err)
{
    *mask = 0;
    for (;;) {
        size_t n = strcspn(s, ",");
        int found = -1;

        for (int c = 0; c < GW_WS_CHANNELS_N; c++)
            if (strlen(channels[c].name) == n && strncmp(s, channels[c].name, n) == 0)
                found = c;
        if (found < 0)
            return tm_err_set(err, TM_INVALID, "channels",
                              "unknown channel '%.*s'; channels are sales, stock, fraud, alerts",
                              (int)(n > 32 ? 32 : n), s);
        if (*mask & (1u << found))
            return tm_err_set(err, TM_INVALID, "channels", "channel %s named twice",
                              channels[found].name);
        *mask |= 1u << found;
        if (!s[n])
            return TM_OK;
        s += n + 1;
    }
}

/* One "source:seq" of n bytes at s. */
static enum tm_code
since_one(const char *s, size_t n, struct gw_ws_since *out, struct tm_err *err)
{
    const char *colon = memchr(s, ':', n);
    size_t name_len = colon ? (size_t)(colon - s) : 0, digits = colon ? n - name_len - 1 : 0;
    char num[24];
    int64_t seq = 0;

    if (!colon || name_len == 0 || name_len >= GW_WS_SOURCE_MAX || digits == 0 || digits > 16)
        return tm_err_set(err, TM_INVALID, "since", "since is source:seq[,source:seq...]");
    for (size_t i = 0; i < name_len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return tm_err_set(err, TM_INVALID, "since", "a source is [a-z_]+");
    memcpy(num, colon + 1, digits);
    num[digits] = '\0';
    for (size_t i = 0; i < digits; i++) {
        if (num[i] < '0' || num[i] > '9')
            return tm_err_set(err, TM_INVALID, "since", "a seq is a whole number");
        seq = seq * 10 + (num[i] - '0'); /* 16 digits: no overflow */
    }
    if (seq > ((int64_t)1 << 53))
        return tm_err_set(err, TM_INVALID, "since", "seq out of range");
    for (int i = 0; i < out->n; i++)
        if (strlen(out->at[i].source) == name_len && !strncmp(out->at[i].source, s, name_len))
            return tm_err_set(err, TM_INVALID, "since", "source %.*s named twice", (int)name_len,
                              s);
    if (out->n == GW_WS_SINCE_MAX)
        return tm_err_set(err, TM_INVALID, "since", "at most %d sources", GW_WS_SINCE_MAX);
    memcpy(out->at[out->n].source, s, name_len);
    out->at[out->n].source[name_len] = '\0';
    out->at[out->n].seq = seq;
    out->n++;
    return TM_OK;
}

enum tm_code
gw_ws_since_parse(const char *s, struct gw_ws_since *out, struct tm_err *err)
{
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    for (;;) {
        size_t n = strcspn(s, ",");

        if ((rc = since_one(s, n, out, err)) != TM_OK)
            return rc;
        if (!s[n])
            return TM_OK;
        s += n + 1;
    }
}

enum tm_code
gw_ws_protocol_token(const char *header, char *token, size_t size, struct tm_err *err)
{
    const char *t;
    size_t n;

    if (strlen(header) > GW_WS_PROTOCOL_MAX)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Sec-WebSocket-Protocol",
                          "Sec-WebSocket-Protocol is at most %d bytes", GW_WS_PROTOCOL_MAX);
    if (strncmp(header, "bearer,", 7) != 0)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Sec-WebSocket-Protocol",
                          "offer the subprotocols 'bearer, <access token>'");
    for (t = header + 7; *t == ' ' || *t == '\t'; t++) {
    }
    n = strcspn(t, ", \t");
    if (n == 0 || t[n] != '\0' || n > size - 1)
        return tm_err_set(err, TM_UNAUTHENTICATED, "Sec-WebSocket-Protocol",
                          "offer exactly 'bearer, <access token>'");
    memcpy(token, t, n);
    token[n] = '\0';
    return TM_OK;
}

unsigned
gw_ws_source_channels(const char *source)
{
    if (strcmp(source, "txn") == 0)
        return 1u << GW_WS_SALES | 1u << GW_WS_FRAUD;
    if (strcmp(source, "inventory") == 0)
        return 1u << GW_WS_STOCK;
    return 1u << GW_WS_ALERTS; /* alert.* has no source yet: any other may carry it */
}

/* The store an event's data names: "store_id", a whole number. An alert
 * (alert.*: the Alert, or {"alert": Alert, ...} for alert.escalated) that
 * names none belongs to no store: -1, which only a role seeing every store
 * sees (docs/alerts.md "Routes"). */
static int64_t
event_store(const struct tm_event *ev)
{
    const cJSON *data = ev->data, *v, *inner;
    int alert = strncmp(ev->topic, "alert.", 6) == 0;

    if (alert && cJSON_IsObject(inner = cJSON_GetObjectItemCaseSensitive(data, "alert")))
        data = inner;
    v = cJSON_GetObjectItemCaseSensitive(data, "store_id");
    return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 9.0e15
               ? (int64_t)v->valuedouble
           : alert ? -1
                   : 0;
}

/* 1 when a sale's fraud decision was "review": a flagged sale. */
static int
flagged(const struct tm_event *ev)
{
    const cJSON *fraud = cJSON_GetObjectItemCaseSensitive(ev->data, "fraud");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(fraud, "decision");

    return cJSON_IsString(d) && strcmp(d->valuestring, "review") == 0;
}

/* topic → channels; a flagged txn.created also goes to fraud */
static const struct {
    enum tm_topic topic;
    unsigned mask;
} topic_channels[] = {
    {TM_TOPIC_TXN_CREATED, 1u << GW_WS_SALES},   {TM_TOPIC_TXN_VOIDED, 1u << GW_WS_SALES},
    {TM_TOPIC_TXN_DECLINED, 1u << GW_WS_FRAUD},  {TM_TOPIC_TXN_REVIEWED, 1u << GW_WS_FRAUD},
    {TM_TOPIC_STOCK_CHANGED, 1u << GW_WS_STOCK}, {TM_TOPIC_STOCK_LOW, 1u << GW_WS_STOCK},
    {TM_TOPIC_STOCK_OUT, 1u << GW_WS_STOCK},
};

unsigned
gw_ws_route_event(const struct tm_event *ev, int64_t *store_id)
{
    *store_id = event_store(ev);
    for (size_t i = 0; i < sizeof topic_channels / sizeof topic_channels[0]; i++)
        if (strcmp(ev->topic, tm_topic_name(topic_channels[i].topic)) == 0)
            return topic_channels[i].mask |
                   (topic_channels[i].topic == TM_TOPIC_TXN_CREATED && flagged(ev)
                        ? 1u << GW_WS_FRAUD
                        : 0);
    /* alerts: tm-alerts' topics are "alert.<verb>" (proto/events.md) */
    return strncmp(ev->topic, "alert.", 6) == 0 ? 1u << GW_WS_ALERTS : 0;
}
