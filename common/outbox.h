/* common/outbox.h — events that are never lost, the writing half
 * (docs/architecture.md "Events"). A service writes each event into its own
 * outbox table in the transaction of the change it describes, without a
 * number; a publisher thread numbers the committed ones (seq, gap-free, each
 * entity's in the order of its changes) and sends them in seq order on a
 * nanomsg PUB socket; anyone can ask the service for the events after a seq
 * (replay over REQ/REP, method
 * TM_REPLAY_METHOD). With several instances, the one holding a PostgreSQL
 * advisory lock publishes; when it dies its session ends, the lock is free,
 * and another takes over within a second.
 *
 * Wire format: a PUB message
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

/* A service's outbox: the tables <source>.outbox_pending (written, not yet
 * numbered), <source>.outbox (numbered) and <source>.outbox_seq, made for
 * every schema by two templates (sql/plumbing/outbox.sql and
 * outbox_pending.sql); their
 * statements are derived here from the schema name, and the publisher's
 * advisory lock key from the schema and its purpose (tm_key64). */
struct tm_outbox {
    const char *source; /* "inventory": the service's name and schema, [a-z_] */
};

/* Adds an event in the caller's transaction, after the change it describes
 * (its row locks taken: that is what orders it after a change it waited
 * for). It has no seq yet: the publisher numbers it once the transaction
 * has committed. topic is [a-z0-9._] from code, data a JSON document. */
TM_MUSTCHECK enum tm_code tm_outbox_add(PGconn *db, const struct tm_outbox *ob, const char *topic,
                                        const char *data_json, struct tm_err *err);

/* The calling thread's transaction on db committed (tm_db_commit) or
 * rolled back (tm_db_rollback): when it added an event, this process's
 * publisher is woken to send it now rather than at its next poll. */
void tm_outbox_committed(const PGconn *db);
void tm_outbox_rolled_back(const PGconn *db);

/* Appends {"source","after","last_seq","events":[...]} for up to limit events
 * after `after` to b; last_seq is the last seq handed out (numbered). */
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
