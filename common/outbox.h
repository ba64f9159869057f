/* common/outbox.h — events that are never lost, the writing half
 * (docs/architecture.md "Events"). A service writes each event into its own
 * outbox table in the transaction of the change it describes; a publisher
 * thread sends the rows in seq order on a nanomsg PUB socket; anyone can ask
 * the service for the events after a seq (replay over REQ/REP, method
 * TM_REPLAY_METHOD). With several instances, the one holding a PostgreSQL
 * advisory lock publishes; when it dies its session ends, the lock is free,
 * and another takes over within a second.
 *
 * SQL lives with the owning service: it fills a struct tm_outbox with its
 * statements (store.c) and this module runs them. Wire format: a PUB message
 * is "<topic>\n<event JSON>", the event {"topic","source","seq","ts","data"}
 * (proto/events.md). Thread-safety: the table is read-only; a publisher is
 * driven by its own thread. */
#ifndef TM_COMMON_OUTBOX_H
#define TM_COMMON_OUTBOX_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/event.h"

#define TM_REPLAY_METHOD "REPLAY" /* route "/_events", query after=N&limit=M */
#define TM_REPLAY_LIMIT_MAX 1000

struct tm_outbox {
    const char *source;            /* "inventory" */
    int64_t lock_key;              /* advisory lock that elects the publisher */
    const char *add_sql;           /* $1 topic, $2 data (json text) → one row: seq */
    const char *after_sql;         /* $1 after, $2 limit → seq, topic, ts (ISO), data (text) */
    const char *published_sql;     /* → one row: published */
    const char *set_published_sql; /* $1 seq */
    const char *last_sql;          /* → one row: last seq handed out */
    const char *cleanup_sql;       /* $1 retention seconds: deletes published events older than
                                      that → one row: how many */
};

/* Adds an event in the caller's transaction; *seq (may be NULL) is its number.
 * topic is [a-z0-9._] from code, data a JSON document. */
TM_MUSTCHECK enum tm_code tm_outbox_add(PGconn *db, const struct tm_outbox *ob, const char *topic,
                                        const char *data_json, int64_t *seq, struct tm_err *err);

/* Appends {"source","after","last_seq","events":[...]} for up to limit events
 * after `after` to b. */
TM_MUSTCHECK enum tm_code tm_outbox_replay(PGconn *db, const struct tm_outbox *ob, int64_t after,
                                           int64_t limit, struct tm_buf *b, struct tm_err *err);

/* Deletes events older than retention_s that the publisher has sent (the
 * outbox-cleanup job); *rows is how many. */
TM_MUSTCHECK enum tm_code tm_outbox_cleanup(PGconn *db, const struct tm_outbox *ob,
                                            int64_t retention_s, int64_t *rows, struct tm_err *err);

struct tm_publisher;

/* Starts the publisher thread: its own connection to db_url, PUB bound at
 * endpoint. *out is owned by the caller. */
TM_MUSTCHECK enum tm_code tm_publisher_start(const struct tm_outbox *ob, const char *db_url,
                                             const char *endpoint, struct tm_publisher **out,
                                             struct tm_err *err);
/* 1 while this instance holds the lock and publishes. */
int tm_publisher_active(struct tm_publisher *p);
/* Stops the thread (within ~100 ms) and frees. NULL-safe. */
void tm_publisher_stop(struct tm_publisher *p);

#endif
