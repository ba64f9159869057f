/* common/subscriber.c — the subscriber thread. A live event is applied in
 * one transaction with those already waiting on the socket behind it (up to
 * LIVE_BATCH), so a quiet source's event is applied at once and a busy
 * one's cost a commit per batch; catching up applies a replayed page of up
 * to 500 events in one transaction, so a subscriber that was down catches
 * up at thousands of events a second. A subscription with a flush hook
 * may hold events back within the transaction and write them together. */
#include "common/subscriber.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nanomsg/nn.h>
#include <nanomsg/pubsub.h>

#include "common/bus.h"
#include "common/db.h"
#include "common/envelope.h"
#include "common/json.h"
#include "common/log.h"
#include "common/replay.h"
#include "common/time.h"

#define QUIET_MS 1000 /* no live event for this long: ask whether we missed one */
#define PAGE 500
#define LIVE_BATCH 100 /* live events waiting on the socket applied in one transaction */

struct tm_subscriber {
    const struct tm_subscription *sub; /* read-only */
    char lock_sql[256];                /* derived from sub->schema at start; read-only */
    char set_sql[256];
    char *db_url;
    PGconn *db;                /* thread only */
    int sock;                  /* SUB; thread only */
    struct tm_bus_client *bus; /* replay; thread only */
    pthread_t thread;
    atomic_int stop;
    _Atomic int64_t source_seq;  /* newest seq seen handed out */
    _Atomic int64_t missing_seq; /* > 0: the source no longer keeps it (retention) */
    _Atomic int64_t heard_ms;    /* wall clock when the source last told its newest seq */
    int64_t warned_ms;           /* thread only: last loud log */
};

static void
note_seq(struct tm_subscriber *s, int64_t seq)
{
    int64_t cur = atomic_load(&s->source_seq);

    while (seq > cur && !atomic_compare_exchange_weak(&s->source_seq, &cur, seq)) {
    }
}

/* Applies the events of a parsed array (or one event) after the stored
 * last seq, in one transaction. Returns the number applied, -1 on error;
 * *gap is set when it stopped before an event that is not the next one. */
static int
apply_events(struct tm_subscriber *s, cJSON *const *events, int n, int *gap)
{
    const struct tm_subscription *sub = s->sub;
    const char *params[2] = {sub->source, NULL};
    struct tm_db_int seqtxt;
    PGresult *r = NULL;
    struct tm_err err;
    int64_t last;
    int applied = 0;

    *gap = 0;
    tm_err_clear(&err);
    if (tm_db_begin(s->db, &err) != TM_OK ||
        tm_db_exec(s->db, s->lock_sql, 1, params, &r, &err) != TM_OK)
        goto fail;
    if (PQntuples(r) != 1) {
        tm_err_set(&err, TM_INTERNAL, NULL, "inbox row of %s missing", sub->source);
        goto fail;
    }
    last = tm_db_i64(r, 0, 0);
    PQclear(r);
    r = NULL;
    for (int i = 0; i < n; i++) {
        struct tm_event ev;
        enum tm_code rc = tm_event_from(events[i], &ev, &err);

        if (rc != TM_OK) {
            tm_log_error(NULL, "event.malformed", "source=%s error=\"%s\"", sub->source,
                         err.message);
            goto fail;
        }
        note_seq(s, ev.seq);
        if (ev.seq != last + 1) {
            if (ev.seq > last + 1) {
                *gap = 1; /* the next catch-up replays what is missing */
                break;
            }
            continue; /* applied before: a duplicate changes nothing */
        }
        /* what the apply function held back is written before an event
         * that cannot join it, outside that event's savepoint */
        rc = sub->flush ? sub->flush(sub->app, s->db, &ev, &err) : TM_OK;
        if (rc != TM_OK) {
            tm_log_error(NULL, "event.flush", "source=%s seq=%lld error=\"%s\"", sub->source,
                         (long long)ev.seq, err.message);
            goto fail;
        }
        /* a savepoint, so a refused event's failed statement does not take
         * the page's transaction down with it */
        rc = tm_db_exec(s->db, "SAVEPOINT tm_event", 0, NULL, NULL, &err);
        if (rc == TM_OK)
            rc = sub->apply(sub->app, s->db, &ev, &err);
        if (rc == TM_INVALID) {
            /* its payload does not match the catalogue: refused, logged, and
             * passed over so the stream never stalls on it */
            tm_log_error(NULL, "event.refused", "source=%s seq=%lld topic=%s field=%s error=\"%s\"",
                         sub->source, (long long)ev.seq, ev.topic, err.field, err.message);
            tm_err_clear(&err);
            rc = tm_db_exec(s->db, "ROLLBACK TO SAVEPOINT tm_event", 0, NULL, NULL, &err);
        }
        if (rc != TM_OK) {
            tm_log_error(NULL, "event.apply", "source=%s seq=%lld error=\"%s\"", sub->source,
                         (long long)ev.seq, err.message);
            goto fail;
        }
        last = ev.seq;
        applied++;
    }
    if (sub->flush && sub->flush(sub->app, s->db, NULL, &err) != TM_OK) {
        tm_log_error(NULL, "event.flush", "source=%s seq=%lld error=\"%s\"", sub->source,
                     (long long)last, err.message);
        goto fail;
    }
    params[1] = tm_db_int(&seqtxt, last);
    if (applied && tm_db_exec(s->db, s->set_sql, 2, params, NULL, &err) != TM_OK)
        goto fail;
    if (tm_db_commit(s->db, &err) != TM_OK)
        goto fail;
    return applied;
fail:
    PQclear(r);
    tm_db_rollback(s->db);
    if (sub->flush)
        (void)sub->flush(sub->app, NULL, NULL, NULL); /* drop what it held */
    tm_log_warn(NULL, "subscriber.retry", "source=%s error=\"%s\"", sub->source, err.message);
    return -1;
}

/* The stored last seq (no lock). */
static int64_t
stored_seq(struct tm_subscriber *s)
{
    const char *params[1] = {s->sub->source};
    PGresult *r = NULL;
    int64_t last = -1;

    if (tm_db_begin(s->db, NULL) == TM_OK &&
        tm_db_exec(s->db, s->lock_sql, 1, params, &r, NULL) == TM_OK && PQntuples(r) == 1)
        last = tm_db_i64(r, 0, 0);
    PQclear(r);
    if (last >= 0 && tm_db_commit(s->db, NULL) != TM_OK)
        last = -1;
    if (last < 0)
        tm_db_rollback(s->db);
    return last;
}

/* Asks the source for what came after our last seq, page by page, and
 * applies it. Returns 0 when caught up, -1 on an error (retried later). */
static int
catch_up(struct tm_subscriber *s)
{
    char rid[48];

    snprintf(rid, sizeof rid, "replay-%s", s->sub->source);
    for (;;) {
        struct tm_replay_page pg;
        cJSON *e, *page[PAGE];
        int n = 0, got;
        int64_t last = stored_seq(s), first;

        if (last < 0)
            return -1;
        if (tm_replay_fetch(s->bus, rid, last, PAGE, tm_mono_ms() + 5000, &pg, NULL) != TM_OK)
            return -1;
        note_seq(s, pg.last_seq);
        atomic_store(&s->heard_ms, tm_now_ms());
        cJSON_ArrayForEach(e, pg.events) if (n < PAGE) page[n++] = e;
        first = n > 0 ? (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(page[0], "seq")) : 0;
        if (n > 0 && first > last + 1) {
            /* The events we need were removed by the source's retention: we
             * cannot skip them silently, so stop here and say so. */
            atomic_store(&s->missing_seq, last + 1);
            if (tm_mono_ms() - s->warned_ms > 10000) {
                tm_log_error(NULL, "subscriber.behind_retention",
                             "source=%s needs_seq=%lld oldest_kept=%lld note=\"rebuild this "
                             "read model from the source\"",
                             s->sub->source, (long long)(last + 1), (long long)first);
                s->warned_ms = tm_mono_ms();
            }
            got = -1;
        } else {
            int gap = 0;

            atomic_store(&s->missing_seq, 0);
            got = n ? apply_events(s, page, n, &gap) : 0;
        }
        tm_replay_page_fini(&pg);
        if (got < 0)
            return -1;
        if (n == 0)
            return 0;
    }
}

static int
connect_db(struct tm_subscriber *s)
{
    if (s->db && PQstatus(s->db) == CONNECTION_OK)
        return 1;
    PQfinish(s->db);
    s->db = PQconnectdb(s->db_url);
    return PQstatus(s->db) == CONNECTION_OK;
}

static void *
subscriber_main(void *arg)
{
    struct tm_subscriber *s = arg;
    int64_t quiet_since = 0;
    int behind = 1; /* catch up first */

    while (!atomic_load(&s->stop)) {
        char *msg = NULL;
        int n;

        if (!connect_db(s)) {
            tm_sleep_ms(500);
            continue;
        }
        if (behind || tm_mono_ms() - quiet_since > QUIET_MS) {
            behind = catch_up(s) < 0;
            quiet_since = tm_mono_ms();
            if (behind)
                tm_sleep_ms(200);
            continue;
        }
        n = nn_recv(s->sock, &msg, NN_MSG, 0);
        if (n < 0)
            continue; /* timeout: the quiet check above asks the source */
        {
            /* this event and those already waiting behind it, applied in
             * one transaction: under load a busy source's events cost one
             * commit per batch, not one each */
            cJSON *roots[LIVE_BATCH];
            int k = 0, gap = 0;

            do {
                if (tm_replay_sub_parse(msg, (size_t)n, &roots[k], NULL) != TM_OK)
                    tm_log_error(NULL, "event.malformed", "source=%s bytes=%d", s->sub->source, n);
                else
                    k++;
                nn_freemsg(msg);
                msg = NULL;
            } while (k < LIVE_BATCH && (n = nn_recv(s->sock, &msg, NN_MSG, NN_DONTWAIT)) >= 0);
            if (k > 0) {
                atomic_store(&s->heard_ms, tm_now_ms()); /* a live event is the newest */
                behind = apply_events(s, roots, k, &gap) < 0 || gap;
            }
            for (int i = 0; i < k; i++)
                cJSON_Delete(roots[i]);
            quiet_since = tm_mono_ms();
        }
    }
    PQfinish(s->db);
    return NULL;
}

enum tm_code
tm_subscriber_start(const struct tm_subscription *sub, const char *db_url,
                    struct tm_subscriber **out, struct tm_err *err)
{
    struct tm_subscriber *s;
    if (!tm_schema_name_ok(sub->schema))
        return tm_err_set(err, TM_INVALID, "schema", "bad schema name for an inbox");
    s = tm_xcalloc(1, sizeof *s);
    s->sub = sub;
    /* the subscriber's <schema>.inbox (sql/plumbing/inbox.sql): the no-op
     * update takes the source's row lock, so instances side by side apply
     * each event once */
    snprintf(s->lock_sql, sizeof s->lock_sql,
             "INSERT INTO %s.inbox (source) VALUES ($1) ON CONFLICT (source)"
             " DO UPDATE SET source = EXCLUDED.source RETURNING last_seq",
             sub->schema);
    snprintf(s->set_sql, sizeof s->set_sql,
             "UPDATE %s.inbox SET last_seq = $2::bigint, applied_at = now() WHERE source = $1",
             sub->schema);
    s->db_url = tm_xstrdup(db_url);
    if (tm_replay_sub_open(sub->prefix, sub->pub_endpoints, 200, &s->sock, err) != TM_OK)
        goto fail;
    if (tm_bus_client_new(sub->source, sub->bus_endpoints, 8, &s->bus, err) != TM_OK)
        goto fail;
    if (pthread_create(&s->thread, NULL, subscriber_main, s) != 0) {
        tm_err_set(err, TM_INTERNAL, NULL, "cannot start the subscriber thread");
        goto fail;
    }
    *out = s;
    return TM_OK;
fail:
    if (s->sock >= 0)
        nn_close(s->sock);
    tm_bus_client_free(s->bus);
    free(s->db_url);
    free(s);
    return err ? err->code : TM_INTERNAL;
}

int64_t
tm_subscriber_heard_ms(struct tm_subscriber *s)
{
    return s ? atomic_load(&s->heard_ms) : 0;
}

int64_t
tm_subscriber_missing(struct tm_subscriber *s)
{
    return s ? atomic_load(&s->missing_seq) : 0;
}

int64_t
tm_subscriber_source_seq(struct tm_subscriber *s)
{
    return s ? atomic_load(&s->source_seq) : 0;
}

void
tm_subscriber_stop(struct tm_subscriber *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    nn_close(s->sock);
    tm_bus_client_free(s->bus);
    free(s->db_url);
    free(s);
}
