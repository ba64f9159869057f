/* services/gateway/overview_doc.c — see overview_doc.h. Called once per
 * overview that misses the cache (the four answers are a few KiB), and
 * gw_ov_unpack once per hit; the summary's members are copied as they are,
 * so the gateway needs to know only their names, not what is inside. */
#include "services/gateway/overview_doc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/json.h"
#include "common/topic.h"

const char *const gw_ov_part_names[GW_OV_PARTS] = {"analytics", "inventory", "txn", "alerts"};

/* The summary's members the overview shows, with the kind each must be. */
static const struct {
    const char *name;
    int array; /* 1: an array; 0: an object */
} summary_members[] = {
    {"today", 0},
    {"last_24h", 0},
    {"top_products", 1},
    {"hourly", 1},
};
#define N_SUMMARY (sizeof summary_members / sizeof summary_members[0])

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* True when s[0..n) is [a-z0-9_]: read within n bytes (a cached value is
 * not a C string). */
static int
source_name(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

unsigned
gw_ov_permitted(const char *role, const enum tm_perm need[GW_OV_PARTS])
{
    enum tm_role r;
    unsigned mask = 0;

    if (!tm_role_parse(role, &r))
        return 0;
    for (int p = 0; p < GW_OV_PARTS; p++)
        if (tm_role_allows(r, need[p]))
            mask |= 1u << p;
    return mask;
}

enum tm_code
gw_ov_scope_key(const char *scope, int64_t store_id, unsigned permitted, char *out, size_t size,
                struct tm_err *err)
{
    int64_t ids[GW_OV_STORES_MAX];
    size_t n = 0, len = scope ? strlen(scope) : 0, o;
    const char *p;

    if (scope && (len < 2 || scope[0] != '{' || scope[len - 1] != '}'))
        return tm_err_set(err, TM_INVALID, "stores", "a store scope is {id,...}");
    for (p = scope ? scope + 1 : NULL; p && *p != '}';) {
        char *end = NULL;
        long long v;

        if (n == GW_OV_STORES_MAX)
            return tm_err_set(err, TM_TOOBIG, "stores", "more than %d stores in a scope",
                              GW_OV_STORES_MAX);
        if (*p < '0' || *p > '9')
            return tm_err_set(err, TM_INVALID, "stores", "a store scope is {id,...}");
        v = strtoll(p, &end, 10);
        if (v <= 0 || (*end != ',' && *end != '}') || (*end == ',' && end[1] == '}'))
            return tm_err_set(err, TM_INVALID, "stores", "a store scope is {id,...}");
        ids[n++] = v;
        p = *end == ',' ? end + 1 : end;
    }
    qsort(ids, n, sizeof ids[0], cmp_i64);
    o = (size_t)snprintf(out, size, "%s", scope ? "s:" : "all");
    for (size_t i = 0; i < n && o < size; i++)
        if (i == 0 || ids[i] != ids[i - 1])
            o += (size_t)snprintf(out + o, size - o, "%s%" PRId64, out[o - 1] == ':' ? "" : ",",
                                  ids[i]);
    if (store_id && o < size)
        o += (size_t)snprintf(out + o, size - o, "@%" PRId64, store_id);
    if (o < size)
        o += (size_t)snprintf(out + o, size - o, "#%u", permitted);
    if (o >= size)
        return tm_err_set(err, TM_TOOBIG, "stores", "store scope longer than %zu bytes", size);
    return TM_OK;
}

/* The summary's members into *mine (NULL each when it does not decode,
 * then *ok 0) and its "applied" into *applied. */
static void
decode_summary(const struct gw_ov_reply *r, cJSON **root, const cJSON *mine[N_SUMMARY],
               struct gw_ov_facts *applied, int *ok)
{
    const cJSON *a, *it;

    memset(applied, 0, sizeof *applied);
    *ok = 0;
    if (tm_json_parse_object(r->body, r->len, "summary", root, NULL) != TM_OK)
        return;
    for (size_t i = 0; i < N_SUMMARY; i++) {
        mine[i] = cJSON_GetObjectItemCaseSensitive(*root, summary_members[i].name);
        if (!mine[i] ||
            (summary_members[i].array ? !cJSON_IsArray(mine[i]) : !cJSON_IsObject(mine[i])))
            return;
    }
    a = cJSON_GetObjectItemCaseSensitive(*root, "applied");
    if (!cJSON_IsObject(a))
        return;
    cJSON_ArrayForEach(it, a)
    {
        int64_t seq;

        if (applied->n == GW_OV_SOURCES_MAX || strlen(it->string) >= GW_OV_SOURCE_MAX ||
            tm_json_as_i64(it, it->string, 0, INT64_MAX, &seq, NULL) != TM_OK)
            return;
        snprintf(applied->source[applied->n], GW_OV_SOURCE_MAX, "%s", it->string);
        applied->seq[applied->n++] = seq;
    }
    *ok = 1;
}

/* Integer members names[0..n) of a part's object into v; 0 when the body
 * is not such an object. */
static int
decode_counts(const struct gw_ov_reply *r, const char *const *names, int n, int64_t *v)
{
    cJSON *root = NULL;
    int ok = tm_json_parse_object(r->body, r->len, "counts", &root, NULL) == TM_OK;

    for (int i = 0; ok && i < n; i++)
        ok = tm_json_i64(root, names[i], 0, INT64_MAX, &v[i], NULL) == TM_OK;
    cJSON_Delete(root);
    return ok;
}

static enum tm_code
kv_count(struct tm_buf *b, const char *key, int have, int64_t v)
{
    return have ? tm_json_kv_i64(b, key, v) : tm_json_kv_json(b, key, NULL);
}

enum tm_code
gw_ov_merge(const struct gw_ov_reply r[GW_OV_PARTS], int64_t store_id, const char *generated_at,
            struct tm_buf *out, struct gw_ov_facts *applied, struct tm_err *err)
{
    static const char *const stock_names[] = {"low_stock", "out_of_stock"};
    static const char *const txn_names[] = {"waiting_review"};
    static const char *const alert_names[] = {"open"};
    static const char *const outcome_names[] = {"ok", "timeout", "unavailable", "error",
                                                "not_permitted"};
    const cJSON *mine[N_SUMMARY] = {NULL};
    cJSON *summary = NULL;
    int64_t stock[2] = {0, 0}, waiting = 0, open_alerts = 0;
    int have[GW_OV_PARTS] = {0}, missing = 0;
    enum tm_code rc = TM_OK;

    memset(applied, 0, sizeof *applied);
    if (r[GW_OV_ANALYTICS].outcome == GW_OV_OK)
        decode_summary(&r[GW_OV_ANALYTICS], &summary, mine, applied, &have[GW_OV_ANALYTICS]);
    if (!have[GW_OV_ANALYTICS])
        memset(applied, 0, sizeof *applied);
    have[GW_OV_INVENTORY] = r[GW_OV_INVENTORY].outcome == GW_OV_OK &&
                            decode_counts(&r[GW_OV_INVENTORY], stock_names, 2, stock);
    have[GW_OV_TXN] =
        r[GW_OV_TXN].outcome == GW_OV_OK && decode_counts(&r[GW_OV_TXN], txn_names, 1, &waiting);
    have[GW_OV_ALERTS] = r[GW_OV_ALERTS].outcome == GW_OV_OK &&
                         decode_counts(&r[GW_OV_ALERTS], alert_names, 1, &open_alerts);
    rc = store_id ? tm_buf_printf(out, "{\"store_id\":%" PRId64, store_id)
                  : tm_buf_adds(out, "{\"store_id\":null");
    for (size_t i = 0; rc == TM_OK && i < N_SUMMARY; i++) {
        rc = tm_buf_printf(out, ",\"%s\":", summary_members[i].name);
        if (rc == TM_OK)
            rc = have[GW_OV_ANALYTICS] ? tm_json_append(out, mine[i]) : tm_buf_adds(out, "null");
    }
    if (rc == TM_OK)
        rc = kv_count(out, "low_stock", have[GW_OV_INVENTORY], stock[0]);
    if (rc == TM_OK)
        rc = kv_count(out, "out_of_stock", have[GW_OV_INVENTORY], stock[1]);
    if (rc == TM_OK)
        rc = kv_count(out, "waiting_review", have[GW_OV_TXN], waiting);
    if (rc == TM_OK)
        rc = kv_count(out, "open_alerts", have[GW_OV_ALERTS], open_alerts);
    for (int i = 0; i < GW_OV_PARTS; i++)
        missing += !have[i] && r[i].outcome != GW_OV_NOT_PERMITTED;
    applied->partial = missing > 0;
    if (rc == TM_OK)
        rc = tm_buf_printf(out, ",\"partial\":%s,\"missing\":[", missing ? "true" : "false");
    for (int i = 0, k = 0; rc == TM_OK && i < GW_OV_PARTS; i++)
        if (!have[i] && r[i].outcome != GW_OV_NOT_PERMITTED)
            rc = tm_buf_printf(out, "%s\"%s\"", k++ ? "," : "", gw_ov_part_names[i]);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "],\"sources\":{");
    for (int i = 0; rc == TM_OK && i < GW_OV_PARTS; i++)
        rc = tm_buf_printf(out, "%s\"%s\":\"%s\"", i ? "," : "", gw_ov_part_names[i],
                           r[i].outcome == GW_OV_OK && !have[i] ? "bad_reply"
                                                                : outcome_names[r[i].outcome]);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}");
    if (rc == TM_OK)
        rc = tm_json_kv_str(out, "generated_at", generated_at, 0);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "}");
    cJSON_Delete(summary);
    return rc == TM_OK
               ? TM_OK
               : tm_err_set(err, TM_TOOBIG, NULL, "the overview is over %zu bytes", out->max);
}

int
gw_ov_topic_drops(const char *topic)
{
    static const enum tm_topic drops[] = {
        TM_TOPIC_TXN_CREATED,      TM_TOPIC_TXN_VOIDED,       TM_TOPIC_TXN_REVIEWED,
        TM_TOPIC_TXN_DECLINED,     TM_TOPIC_STOCK_CHANGED,    TM_TOPIC_STOCK_LOW,
        TM_TOPIC_STOCK_OUT,        TM_TOPIC_PRODUCT_CREATED,  TM_TOPIC_PRODUCT_UPDATED,
        TM_TOPIC_CATEGORY_CREATED, TM_TOPIC_CATEGORY_UPDATED, TM_TOPIC_STORE_CREATED,
        TM_TOPIC_STORE_UPDATED,    TM_TOPIC_ALERT_FIRED,      TM_TOPIC_ALERT_ACKNOWLEDGED,
        TM_TOPIC_ALERT_RESOLVED,
    };

    for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++)
        if (strcmp(topic, tm_topic_name(drops[i])) == 0)
            return 1;
    return 0;
}

enum tm_code
gw_ov_pack(int64_t minute, const struct gw_ov_facts *facts, const char *doc, size_t len,
           struct tm_buf *out)
{
    enum tm_code rc = tm_buf_printf(out, "%" PRId64 " ", minute);

    for (int i = 0; rc == TM_OK && i < facts->n; i++)
        rc = tm_buf_printf(out, "%s%s:%" PRId64, i ? "," : "", facts->source[i], facts->seq[i]);
    if (rc == TM_OK)
        rc = tm_buf_adds(out, "\n");
    return rc == TM_OK ? tm_buf_add(out, doc, len) : rc;
}

int
gw_ov_unpack(const char *val, size_t len, int64_t minute, struct gw_ov_facts *facts,
             const char **doc, size_t *doc_len)
{
    char want[24];
    int n = snprintf(want, sizeof want, "%" PRId64 " ", minute);
    const char *p = val + n, *end = val + len, *nl;

    memset(facts, 0, sizeof *facts);
    if (len < (size_t)n || memcmp(val, want, (size_t)n) != 0 || !(nl = memchr(p, '\n', len - n)))
        return 0;
    while (p < nl) { /* "src:seq" pairs, comma-separated */
        const char *colon = memchr(p, ':', (size_t)(nl - p));
        size_t slen = colon ? (size_t)(colon - p) : 0;
        int64_t seq = 0;

        if (!colon || slen == 0 || slen >= GW_OV_SOURCE_MAX || facts->n == GW_OV_SOURCES_MAX ||
            colon + 1 == nl || colon[1] == ',' || !source_name(p, slen))
            return 0;
        for (p = colon + 1; p < nl && *p != ','; p++) {
            if (*p < '0' || *p > '9' || seq > (INT64_MAX - 9) / 10)
                return 0;
            seq = seq * 10 + (*p - '0');
        }
        memcpy(facts->source[facts->n], colon - slen, slen);
        facts->source[facts->n][slen] = '\0';
        facts->seq[facts->n++] = seq;
        if (p < nl && ++p == nl)
            return 0; /* a trailing comma */
    }
    *doc = nl + 1;
    *doc_len = (size_t)(end - *doc);
    return 1;
}
