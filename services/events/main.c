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

#include "common/bus.h"
#include "common/config.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/replay.h"
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
    struct tm_err err;
    int s = -1, seen = 0;

    if (tm_replay_sub_open(cfg->topic, cfg->events, 200, &s, &err) != TM_OK) {
        fprintf(stderr, "tm-events: %s\n", err.message);
        return err.code == TM_INVALID ? 2 : 1;
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
    struct tm_replay_page pg;
    struct tm_err err;
    cJSON *e;

    if (tm_replay_fetch(cli, "tm-events-replay", after, limit, tm_mono_ms() + 10000, &pg, &err) !=
        TM_OK) {
        fprintf(stderr, "tm-events: replay: %s\n", err.message);
        return 1;
    }
    *printed = 0;
    cJSON_ArrayForEach(e, pg.events)
    {
        char *line = cJSON_PrintUnformatted(e);
        puts(line);
        cJSON_free(line);
        *last = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "seq"));
        (*printed)++;
    }
    tm_replay_page_fini(&pg);
    return 0;
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
