/* services/events/main.c — tm-events, the operator's view of the event
 * stream (proto/events.md):
 *   tm-events tail   [--topic PREFIX] --events ENDPOINTS [--count N]
 *       prints live events, one JSON document a line, from the PUB sockets of
 *       a source's instances (only the elected one publishes);
 *   tm-events replay --source S --after N --bus ENDPOINTS [--limit M]
 *       prints the source's stored events after seq N, asked over REQ/REP.
 * deploy/stack.sh events ... fills the endpoints of a local stack in. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <nanomsg/nn.h>
#include <nanomsg/pubsub.h>

#include "common/bus.h"
#include "common/config.h"
#include "common/envelope.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/signals.h"
#include "common/time.h"

struct ev_cfg {
    struct tm_base_cfg base;
    char topic[TM_TOPIC_MAX];
    char events[1024];
    char bus[1024];
    char source[32];
    int after;
    int limit;
    int count;
};

#define F(field) offsetof(struct ev_cfg, field)
#define S(field) sizeof(((struct ev_cfg *)0)->field)
static const struct tm_cfg_opt ev_opts[] = {
    {"topic", "TM_EVENTS_TOPIC", TM_CFG_STR, F(topic), S(topic), 0, 0, "", 0,
     "tail: only topics starting with this prefix (\"product.\")"},
    {"events", "TM_EVENTS_ENDPOINTS", TM_CFG_STR, F(events), S(events), 0, 0, "", 0,
     "tail: comma-separated PUB endpoints of the source's instances"},
    {"count", "TM_EVENTS_COUNT", TM_CFG_INT, F(count), 0, 0, 100000000, "0", 0,
     "tail: stop after this many events (0: until SIGINT/SIGTERM)"},
    {"source", "TM_EVENTS_SOURCE", TM_CFG_STR, F(source), S(source), 0, 0, "inventory", 0,
     "replay: the source service"},
    {"bus", "TM_EVENTS_BUS", TM_CFG_STR, F(bus), S(bus), 0, 0, "", 0,
     "replay: comma-separated bus endpoints of the source's instances"},
    {"after", "TM_EVENTS_AFTER", TM_CFG_INT, F(after), 0, 0, 2147483647, "0", 0,
     "replay: print events with seq greater than this"},
    {"limit", "TM_EVENTS_LIMIT", TM_CFG_INT, F(limit), 0, 1, 100000000, "100000", 0,
     "replay: print at most this many events"},
};
#undef F
#undef S

static int
tail(const struct ev_cfg *cfg)
{
    int s = nn_socket(AF_SP, NN_SUB), tmo = 200, seen = 0;
    char list[sizeof cfg->events], *save = NULL;

    snprintf(list, sizeof list, "%s", cfg->events);
    if (s < 0 || nn_setsockopt(s, NN_SUB, NN_SUB_SUBSCRIBE, cfg->topic, strlen(cfg->topic)) < 0 ||
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &tmo, sizeof tmo) < 0) {
        fprintf(stderr, "tm-events: %s\n", nn_strerror(nn_errno()));
        return 1;
    }
    for (char *ep = strtok_r(list, ",", &save); ep; ep = strtok_r(NULL, ",", &save))
        if (nn_connect(s, ep) < 0) {
            fprintf(stderr, "tm-events: %s: %s\n", ep, nn_strerror(nn_errno()));
            return 2;
        }
    while (cfg->count == 0 || seen < cfg->count) {
        char *msg = NULL;
        int n = nn_recv(s, &msg, NN_MSG, 0);
        int sig = tm_signals_wait(0);
        const char *nl;

        if (sig == SIGINT || sig == SIGTERM)
            break;
        if (n < 0)
            continue;
        nl = memchr(msg, '\n', (size_t)n);
        if (nl) {
            fwrite(nl + 1, 1, (size_t)(msg + n - nl - 1), stdout);
            fputc('\n', stdout);
            fflush(stdout);
            seen++;
        }
        nn_freemsg(msg);
    }
    nn_close(s);
    return 0;
}

/* Asks one page; prints its events; *last is the last seq printed. */
static int
replay_page(struct tm_bus_client *cli, int64_t after, int limit, int64_t *last, int *printed)
{
    char query_after[24], query_limit[16];
    struct tm_request req;
    struct tm_buf env;
    struct tm_reply_view v;
    struct tm_err err;
    char *reply = NULL;
    size_t len = 0;
    cJSON *body = NULL, *events, *e;
    int rc = 1;

    memset(&req, 0, sizeof req);
    snprintf(req.id, sizeof req.id, "tm-events-replay");
    snprintf(req.method, sizeof req.method, "%s", TM_REPLAY_METHOD);
    snprintf(req.route, sizeof req.route, "/_events");
    snprintf(query_after, sizeof query_after, "%lld", (long long)after);
    snprintf(query_limit, sizeof query_limit, "%d", limit);
    req.query[0] = (struct tm_kv){"after", query_after};
    req.query[1] = (struct tm_kv){"limit", query_limit};
    req.n_query = 2;
    snprintf(req.principal.kind, sizeof req.principal.kind, "internal");
    tm_buf_init(&env, 4096);
    if (tm_request_encode(&req, &env, &err) != TM_OK ||
        tm_bus_call(cli, env.p, env.len, 1, tm_mono_ms() + 10000, &reply, &len, &err) != TM_OK ||
        tm_reply_decode(reply, len, &v, &err) != TM_OK) {
        fprintf(stderr, "tm-events: replay: %s\n", err.message);
        goto out;
    }
    if (tm_json_parse(v.body, v.body_len, TM_JSON_DEPTH_MAX, "replay", &body, &err) != TM_OK)
        body = NULL;
    events = cJSON_GetObjectItem(body, "events");
    if (v.status != 200 || !cJSON_IsArray(events)) {
        fprintf(stderr, "tm-events: replay: status %d: %.*s\n", v.status, (int)v.body_len, v.body);
        goto out;
    }
    *printed = 0;
    cJSON_ArrayForEach(e, events)
    {
        char *line = cJSON_PrintUnformatted(e);
        puts(line);
        cJSON_free(line);
        *last = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "seq"));
        (*printed)++;
    }
    rc = 0;
out:
    cJSON_Delete(body);
    tm_bus_free(reply);
    tm_buf_fini(&env);
    return rc;
}

static int
replay(const struct ev_cfg *cfg)
{
    struct tm_bus_client *cli = NULL;
    struct tm_err err;
    int64_t last = cfg->after;
    int total = 0, printed = 0, rc = 0;

    if (tm_bus_client_new(cfg->source, cfg->bus, 8, &cli, &err) != TM_OK) {
        fprintf(stderr, "tm-events: %s\n", err.message);
        return 2;
    }
    do {
        int want =
            cfg->limit - total < TM_REPLAY_LIMIT_MAX ? cfg->limit - total : TM_REPLAY_LIMIT_MAX;
        if ((rc = replay_page(cli, last, want, &last, &printed)) != 0)
            break;
        total += printed;
    } while (printed > 0 && total < cfg->limit);
    fflush(stdout);
    tm_bus_client_free(cli);
    return rc;
}

int
main(int argc, char **argv)
{
    static struct ev_cfg cfg;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {ev_opts, sizeof ev_opts / sizeof ev_opts[0], &cfg},
    };
    const char *cmd = argc > 1 ? argv[1] : "";
    int status;

    tm_signals_block();
    /* argv[1] is the command; the options follow it */
    if ((status =
             tm_cfg_main(tables, 2, argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv,
                         "tm-events", "tm-events tail|replay: the event stream of a source.")) >= 0)
        return status;
    if (strcmp(cmd, "tail") == 0 && cfg.events[0])
        return tail(&cfg);
    if (strcmp(cmd, "replay") == 0 && cfg.bus[0])
        return replay(&cfg);
    fprintf(stderr,
            "usage: tm-events tail --events ENDPOINTS [--topic PREFIX] [--count N]\n"
            "       tm-events replay --bus ENDPOINTS [--source S] [--after N] [--limit M]\n");
    return 2;
}
