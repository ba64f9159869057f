/* services/gateway/live.c — the gateway's ear on the event bus (live.h).
 * A thread per routed daemon (source), each with its SUB socket on the
 * daemon's PUB endpoints and the gateway's bus client for REPLAY
 * (common/replay.h). Load: the platform's event rate, a few hundred a second
 * at most, each handed to at most GW_LIVE_LISTENERS_MAX listeners that only
 * queue it. A source's thread blocks on a REPLAY (gap, start, quiet second)
 * for up to ASK_DEADLINE_MS, and a source that does not answer is asked
 * again with a doubling pause (up to ASK_BACKOFF_MAX_MS). It is a thread per
 * source, not one for all, so that a daemon that is stopped or hung (its
 * socket accepts, nothing answers) delays only its own events: with one
 * thread, every other source's events waited out each of its asks. The
 * listeners are called from several threads at once (live.h). */
#include "services/gateway/live.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nanomsg/nn.h>

#include "common/log.h"
#include "common/replay.h"
#include "common/time.h"

#include "services/gateway/app.h"

#define QUIET_MS 1000            /* no event from a source this long: ask what we missed */
#define ASK_DEADLINE_MS 1000     /* one REPLAY page */
#define ASK_BACKOFF_MAX_MS 30000 /* a source that does not answer, at most this often */
#define ASK_PAGE 500             /* events per REPLAY page */
#define ASK_PAGES_MAX 8          /* pages per ask before the source's live messages get a turn */
#define POLL_MS 100              /* longest sleep of the thread (stop is seen within it) */
#define DRAIN_MAX 256            /* live messages taken from one socket per turn */

struct gw_live;

struct live_src {
    struct gw_live *live;      /* the listener it belongs to */
    const char *name;          /* gw_daemons[d].name: the events' "source" */
    struct tm_bus_client *bus; /* app->bus[d], borrowed; thread only */
    int sock;                  /* SUB on the daemon's PUB endpoints; thread only */
    int64_t last;          /* thread only: last seq delivered; -1 until the start seq is known */
    int64_t next_ask_ms;   /* thread only: mono time of the next REPLAY */
    int fails;             /* thread only: asks failed in a row */
    _Atomic int64_t heard; /* = last once known, for any thread */
    pthread_t thread;
    int started;
};

struct gw_live {
    struct live_src src[GW_DAEMONS_MAX];
    int n_src;
    struct {
        gw_live_fn fn;
        void *arg;
    } listeners[GW_LIVE_LISTENERS_MAX]; /* written before start, read-only after */
    int n_listeners;
    int started;
    atomic_int stop;
    _Atomic uint64_t generation;
};

static void
deliver(struct gw_live *l, struct live_src *s, const struct tm_event *ev)
{
    s->last = ev->seq;
    atomic_fetch_add(&l->generation, 1); /* before: a fan-out spanning it sees it */
    for (int i = 0; i < l->n_listeners; i++)
        l->listeners[i].fn(l->listeners[i].arg, ev);
    atomic_store(&s->heard, ev->seq); /* after: every listener has had it */
}

/* Delivers the page's events after s->last, in order. */
static void
deliver_page(struct gw_live *l, struct live_src *s, const struct tm_replay_page *pg)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, pg->events)
    {
        struct tm_event ev;
        struct tm_err err;

        tm_err_clear(&err);
        if (tm_event_from(e, &ev, &err) != TM_OK || strcmp(ev.source, s->name) != 0) {
            tm_log_error(NULL, "live.malformed", "source=%s error=\"%s\"", s->name, err.message);
            continue;
        }
        if (ev.seq <= s->last)
            continue;
        if (ev.seq > s->last + 1) /* removed by the source's retention: nothing to wait for */
            tm_log_warn(NULL, "live.skipped", "source=%s from=%lld to=%lld", s->name,
                        (long long)(s->last + 1), (long long)(ev.seq - 1));
        deliver(l, s, &ev);
    }
}

/* Asks s for what came after the last seq delivered (at start: only its
 * current seq) and delivers it; schedules the next ask. */
static void
ask(struct gw_live *l, struct live_src *s)
{
    char rid[48];
    struct tm_err err;
    enum tm_code rc = TM_OK;
    int pages = 0, more = 0;

    snprintf(rid, sizeof rid, "gateway-live-%s", s->name);
    do {
        struct tm_replay_page pg;
        int start = s->last < 0;

        /* at start the newest seq is enough: the history is not news */
        rc = tm_replay_fetch(s->bus, rid, start ? INT64_MAX : s->last, start ? 1 : ASK_PAGE,
                             tm_mono_ms() + ASK_DEADLINE_MS, &pg, &err);
        if (rc != TM_OK)
            break;
        if (start) {
            s->last = pg.last_seq;
            atomic_store(&s->heard, s->last);
            tm_log_info(NULL, "live.start", "source=%s seq=%lld", s->name, (long long)s->last);
        } else {
            deliver_page(l, s, &pg);
        }
        more = !start && pg.n == ASK_PAGE;
        tm_replay_page_fini(&pg);
    } while (more && ++pages < ASK_PAGES_MAX && !atomic_load(&l->stop));
    if (rc == TM_OK) {
        s->fails = 0;
        s->next_ask_ms = tm_mono_ms() + (more ? 0 : QUIET_MS);
        return;
    }
    if (s->fails++ == 0 || rc != TM_NOTFOUND)
        tm_log_warn(NULL, "live.replay_failed", "source=%s fails=%d code=%s error=\"%s\"", s->name,
                    s->fails, tm_code_name(rc), err.message);
    s->next_ask_ms =
        tm_mono_ms() +
        (rc == TM_NOTFOUND || s->fails > 5 ? ASK_BACKOFF_MAX_MS : (int64_t)QUIET_MS << s->fails);
}

/* One PUB message of source s. */
static void
on_live(struct gw_live *l, struct live_src *s, const char *msg, size_t len)
{
    struct tm_event ev;
    struct tm_err err;
    cJSON *root = NULL;

    tm_err_clear(&err);
    if (tm_replay_sub_parse(msg, len, &root, &err) != TM_OK ||
        tm_event_from(root, &ev, &err) != TM_OK || strcmp(ev.source, s->name) != 0) {
        tm_log_error(NULL, "live.malformed", "source=%s bytes=%zu error=\"%s\"", s->name, len,
                     err.message);
    } else if (s->last >= 0 && ev.seq == s->last + 1) {
        deliver(l, s, &ev);
        s->next_ask_ms = tm_mono_ms() + QUIET_MS;
    } else if (s->last >= 0 && ev.seq > s->last + 1) {
        ask(l, s); /* a gap: PUB dropped some; the page holds this one too */
    }
    /* else: before the start seq is known, or a repeat */
    cJSON_Delete(root);
}

/* A source's thread: its live messages, and its asks when due. */
static void *
live_main(void *arg)
{
    struct live_src *s = arg;
    struct gw_live *l = s->live;
    struct nn_pollfd fd = {.fd = s->sock, .events = NN_POLLIN};

    while (!atomic_load(&l->stop)) {
        if (tm_mono_ms() >= s->next_ask_ms)
            ask(l, s);
        fd.revents = 0;
        if (nn_poll(&fd, 1, POLL_MS) <= 0)
            continue;
        for (int k = 0; (fd.revents & NN_POLLIN) && k < DRAIN_MAX; k++) {
            char *msg = NULL;
            int n = nn_recv(s->sock, &msg, NN_MSG, NN_DONTWAIT);

            if (n < 0)
                break;
            on_live(l, s, msg, (size_t)n);
            nn_freemsg(msg);
        }
    }
    return NULL;
}

enum tm_code
gw_live_new(struct gw_app *app, struct gw_live **out, struct tm_err *err)
{
    struct gw_live *l = tm_xcalloc(1, sizeof *l);

    *out = NULL;
    for (size_t d = 0; d < gw_daemons_n; d++) {
        struct live_src *s = &l->src[l->n_src];

        if (gw_daemons[d].local || !app->bus[d] || !app->cfg->events_endpoints[d][0])
            continue;
        s->live = l;
        s->name = gw_daemons[d].name;
        s->bus = app->bus[d];
        s->last = -1;
        if (tm_replay_sub_open("", app->cfg->events_endpoints[d], 0, &s->sock, err) != TM_OK) {
            if (err)
                snprintf(err->field, sizeof err->field, "%s-events-endpoints", s->name);
            gw_live_stop(l);
            return err ? err->code : TM_INVALID;
        }
        l->n_src++;
    }
    *out = l;
    return TM_OK;
}

enum tm_code
gw_live_listen(struct gw_live *l, gw_live_fn fn, void *arg, struct tm_err *err)
{
    if (l->started || l->n_listeners == GW_LIVE_LISTENERS_MAX)
        return tm_err_set(err, TM_INTERNAL, NULL, "listeners: %d at most, before the start",
                          GW_LIVE_LISTENERS_MAX);
    l->listeners[l->n_listeners].fn = fn;
    l->listeners[l->n_listeners].arg = arg;
    l->n_listeners++;
    return TM_OK;
}

enum tm_code
gw_live_start(struct gw_live *l, struct tm_err *err)
{
    if (l->started)
        return tm_err_set(err, TM_INTERNAL, NULL, "the listener is started already");
    l->started = 1;
    for (int i = 0; i < l->n_src; i++) {
        if (pthread_create(&l->src[i].thread, NULL, live_main, &l->src[i]) != 0)
            return tm_err_set(err, TM_INTERNAL, NULL, "cannot start the listener of %s",
                              l->src[i].name);
        l->src[i].started = 1;
    }
    return TM_OK;
}

int64_t
gw_live_heard(struct gw_live *l, const char *source)
{
    for (int i = 0; l && i < l->n_src; i++)
        if (strcmp(l->src[i].name, source) == 0)
            return atomic_load(&l->src[i].heard);
    return 0;
}

uint64_t
gw_live_generation(struct gw_live *l)
{
    return l ? atomic_load(&l->generation) : 0;
}

void
gw_live_stop(struct gw_live *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, 1);
    for (int i = 0; i < l->n_src; i++)
        if (l->src[i].started)
            pthread_join(l->src[i].thread, NULL);
    for (int i = 0; i < l->n_src; i++)
        nn_close(l->src[i].sock);
    free(l);
}
