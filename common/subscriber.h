/* common/subscriber.h — events that are never lost, the reading half
 * (docs/architecture.md "Events"). A subscriber thread listens on the source's
 * PUB sockets, filtered by topic prefix, and applies each event exactly once:
 * in one transaction it locks its per-source row, skips what it already
 * applied (so several instances may run side by side, and a duplicate
 * changes nothing), applies the effect and records the seq. On a gap, at
 * start and after a quiet second it asks the source for the events after its
 * last seq (replay over REQ/REP) and applies them in order — so events PUB
 * dropped while it was slow, stopped or dead are applied all the same.
 * The service names its schema, whose <schema>.inbox table (one row per
 * source: last seq applied) comes from sql/plumbing/inbox.sql, and supplies
 * its apply function. */
#ifndef TM_COMMON_SUBSCRIBER_H
#define TM_COMMON_SUBSCRIBER_H

#include <stdint.h>

#include <cjson/cJSON.h>
#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/event.h"
#include "common/outbox.h"

/* Applies ev's effect in the caller's transaction (never called twice for a
 * seq that committed). TM_INVALID (a payload that does not match the
 * catalogue) refuses the event: logged and passed over. Any other error rolls
 * it back to be retried later. */
typedef enum tm_code (*tm_apply_fn)(void *app, PGconn *db, const struct tm_event *ev,
                                    struct tm_err *err);

/* Optional, for an apply function that holds events back to write a batch
 * of them together (one statement per table, not one per event). Called in
 * the batch's transaction before each event's savepoint with next = that
 * event: write what is held unless next may join it (next's apply then adds
 * to it); and with next = NULL before the seq is recorded and the
 * transaction commits: write everything held. Any error rolls the whole
 * batch back to be retried, so nothing held may need refusing here (refuse
 * in apply). db = NULL: the transaction was rolled back; drop what is held. */
typedef enum tm_code (*tm_flush_fn)(void *app, PGconn *db, const struct tm_event *next,
                                    struct tm_err *err);

struct tm_subscription {
    const char *source;        /* "inventory" */
    const char *prefix;        /* topic prefixes to receive live, comma-separated; "" for all */
    const char *pub_endpoints; /* comma-separated PUB endpoints of the source */
    const char *bus_endpoints; /* comma-separated bus endpoints, for replay */
    const char *schema;        /* the subscriber's schema, holding its inbox */
    tm_apply_fn apply;
    void *app;
    tm_flush_fn flush; /* NULL: apply writes each event itself */
};

struct tm_subscriber;

/* Starts the thread with its own database connection. *out is the caller's. */
TM_MUSTCHECK enum tm_code tm_subscriber_start(const struct tm_subscription *sub, const char *db_url,
                                              struct tm_subscriber **out, struct tm_err *err);
/* The last seq this instance saw the source hand out (from replays and
 * live events); 0 until known. */
int64_t tm_subscriber_source_seq(struct tm_subscriber *s);
/* When (wall clock, epoch ms) the source last told this instance its newest
 * seq: a replay's answer or a live event. 0 until then. With
 * tm_subscriber_source_seq it says "every event committed before then has
 * a seq <= source_seq" (give or take the publisher's milliseconds). */
int64_t tm_subscriber_heard_ms(struct tm_subscriber *s);
/* > 0 when the subscriber is stuck further behind than the source keeps
 * events: the seq it needs and can no longer get (logged loudly, shown in
 * /health; the read model must be rebuilt). 0 otherwise. */
int64_t tm_subscriber_missing(struct tm_subscriber *s);
/* Stops the thread (within ~200 ms) and frees. NULL-safe. */
void tm_subscriber_stop(struct tm_subscriber *s);

#endif
