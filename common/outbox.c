/* common/outbox.c — outbox writes, replay, and the publisher thread. The
 * publisher polls every 20 ms when idle, and sooner when a transaction of
 * its own process that added an event commits (tm_outbox_committed: a
 * hint, never what correctness rests on); each round numbers up to 500
 * written events in one statement (its commit) and sends the numbered ones
 * in batches of 500 (one indexed range read), so it keeps up with thousands
 * of events a second without a database round trip per event. */
#include "common/outbox.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nanomsg/nn.h>
#include <nanomsg/pubsub.h>

#include "common/db.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#define BATCH 500
#define IDLE_MS 20
#define GAP_MS 5 /* rounds a nudge starts: at most one per GAP_MS */
#define RETRY_MS 500
#define SQL_MAX 1024

/* The publishers' wake-up: a committed event of this process ends their
 * idle wait at once instead of up to IDLE_MS later (the event's way to
 * its subscribers was ~10 ms longer on average). `added_on` is the
 * connection whose open transaction, on the calling thread, added an
 * event (a rollback of another connection, on the same thread, leaves it);
 * a wake-up it gets wrong costs one empty round or IDLE_MS, never an
 * event. */
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv;
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static uint64_t wake_gen; /* under wake_mu: committed events announced */
static _Thread_local const PGconn *added_on;

static void
wake_init(void)
{
    tm_cond_init_mono(&wake_cv);
}

static void
nudge(void)
{
    pthread_once(&wake_once, wake_init);
    pthread_mutex_lock(&wake_mu);
    wake_gen++;
    pthread_cond_broadcast(&wake_cv);
    pthread_mutex_unlock(&wake_mu);
}

/* Waits for a nudge after *seen (the generation the last round started
 * from; one that came during that round ends the wait at once) or for the
 * next poll: IDLE_MS from now when the last round found nothing, GAP_MS
 * after it began when it found events (more may be coming from instances
 * that cannot nudge). Either way not before GAP_MS after the last round
 * began: a round per commit would be a numbering commit per event, each
 * its own WAL flush beside the writers' (stock commits at one client were
 * ~12 % slower so); this way a steady flow is taken GAP_MS at a time and
 * a lone event still leaves at its commit. round_ms: when the last round
 * began (tm_mono_ms). */
static void
idle_wait(uint64_t *seen, int64_t round_ms, int busy)
{
    int64_t now = tm_mono_ms(), deadline = busy ? round_ms + GAP_MS : now + IDLE_MS;

    pthread_once(&wake_once, wake_init);
    pthread_mutex_lock(&wake_mu);
    while (wake_gen == *seen && tm_mono_ms() < deadline)
        tm_cond_wait_until(&wake_cv, &wake_mu, deadline);
    *seen = wake_gen;
    pthread_mutex_unlock(&wake_mu);
    if ((now = tm_mono_ms()) < round_ms + GAP_MS)
        tm_sleep_ms(round_ms + GAP_MS - now);
}

/* The statements, derived from the schema name. A writer inserts into
 * <source>.outbox_pending and takes no shared row; the elected publisher
 * alone numbers (SEQUENCE): committed rows in id order get last + 1, + 2, …
 * from the counter row, so seq is gap-free (a rolled-back row is never
 * seen) and follows the order of the changes wherever one waited for
 * another (docs/architecture.md "Events" has the argument). SEQUENCE also
 * records what the previous round sent ($2), so a busy round costs one
 * commit. */
enum stmt { ADD, SEQUENCE, AFTER, PUBLISHED, LAST, CLEANUP };

static enum tm_code
exec(PGconn *db, const struct tm_outbox *ob, enum stmt which, int n_params,
     const char *const *params, PGresult **res, struct tm_err *err)
{
    const char *s = ob->source;
    char sql[SQL_MAX];
    int n = -1;

    if (!tm_schema_name_ok(s))
        return tm_err_set(err, TM_INTERNAL, NULL, "outbox: bad schema name");
    switch (which) {
    case ADD:
        n = snprintf(sql, SQL_MAX,
                     "INSERT INTO %s.outbox_pending (topic, data) VALUES ($1, $2::jsonb)", s);
        break;
    case SEQUENCE: /* the counter row is written only when something changes; = ANY (ARRAY())
                    * keeps the delete on the primary key (IN () planned a scan) */
        n = snprintf(sql, SQL_MAX,
                     "WITH p AS (DELETE FROM %s.outbox_pending WHERE id = ANY (ARRAY(SELECT id FROM"
                     " %s.outbox_pending ORDER BY id LIMIT $1)) RETURNING id, topic, ts, data),"
                     " k AS (SELECT count(*) AS n FROM p),"
                     " c AS (UPDATE %s.outbox_seq SET last = last + k.n,"
                     " published = GREATEST(published, $2::bigint) FROM k"
                     " WHERE k.n > 0 OR published < $2::bigint RETURNING last - k.n AS base)"
                     " INSERT INTO %s.outbox (seq, topic, ts, data)"
                     " SELECT c.base + row_number() OVER (ORDER BY p.id), p.topic, p.ts, p.data"
                     " FROM p, c",
                     s, s, s, s);
        break;
    case AFTER:
        n = snprintf(sql, SQL_MAX,
                     "SELECT seq, topic, " TM_DB_TS("ts") ", data::text FROM %s.outbox"
                                                          " WHERE seq > $1 ORDER BY seq LIMIT $2",
                     s);
        break;
    case PUBLISHED:
        n = snprintf(sql, SQL_MAX, "SELECT published FROM %s.outbox_seq", s);
        break;
    case LAST:
        n = snprintf(sql, SQL_MAX, "SELECT last FROM %s.outbox_seq", s);
        break;
    case CLEANUP: /* never an event the publisher has not sent: subscribers replay those */
        n = snprintf(sql, SQL_MAX,
                     "WITH gone AS (DELETE FROM %s.outbox"
                     " WHERE ts < now() - make_interval(secs => $1::bigint)"
                     " AND seq <= (SELECT published FROM %s.outbox_seq) RETURNING 1)"
                     " SELECT count(*) FROM gone",
                     s, s);
        break;
    }
    if (n <= 0 || n >= SQL_MAX)
        return tm_err_set(err, TM_INTERNAL, NULL, "outbox: statement too long");
    return tm_db_exec(db, sql, n_params, params, res, err);
}

enum tm_code
tm_outbox_add(PGconn *db, const struct tm_outbox *ob, const char *topic, const char *data_json,
              struct tm_err *err)
{
    const char *params[2] = {topic, data_json};

    enum tm_code rc = exec(db, ob, ADD, 2, params, NULL, err);

    if (rc == TM_OK && PQtransactionStatus(db) == PQTRANS_IDLE)
        nudge(); /* no transaction around it: committed already */
    else if (rc == TM_OK)
        added_on = db;
    return rc;
}

void
tm_outbox_committed(const PGconn *db)
{
    if (added_on && added_on == db) {
        added_on = NULL;
        nudge();
    }
}

void
tm_outbox_rolled_back(const PGconn *db)
{
    if (added_on == db)
        added_on = NULL;
}

/* {"topic","source","seq","ts","data"} for row i of an AFTER result. */
static enum tm_code
event_json(struct tm_buf *b, const char *source, const PGresult *r, int i)
{
    enum tm_code rc = tm_buf_adds(b, "{\"topic\":");

    if (rc == TM_OK && (rc = tm_json_quote(b, tm_db_str(r, i, 1))) == TM_OK &&
        (rc = tm_buf_adds(b, ",\"source\":")) == TM_OK &&
        (rc = tm_json_quote(b, source)) == TM_OK &&
        (rc = tm_buf_printf(b, ",\"seq\":%lld,\"ts\":", (long long)tm_db_i64(r, i, 0))) == TM_OK &&
        (rc = tm_json_quote(b, tm_db_str(r, i, 2))) == TM_OK &&
        (rc = tm_buf_adds(b, ",\"data\":")) == TM_OK &&
        (rc = tm_buf_adds(b, tm_db_str(r, i, 3))) == TM_OK)
        rc = tm_buf_adds(b, "}");
    return rc;
}

static enum tm_code
after(PGconn *db, const struct tm_outbox *ob, int64_t from, int64_t limit, PGresult **r,
      struct tm_err *err)
{
    struct tm_db_int a, l;
    const char *params[2] = {tm_db_int(&a, from), tm_db_int(&l, limit)};

    return exec(db, ob, AFTER, 2, params, r, err);
}

enum tm_code
tm_outbox_replay(PGconn *db, const struct tm_outbox *ob, int64_t from, int64_t limit,
                 struct tm_buf *b, struct tm_err *err)
{
    PGresult *r = NULL, *last = NULL;
    enum tm_code rc;

    if ((rc = exec(db, ob, LAST, 0, NULL, &last, err)) != TM_OK ||
        (rc = after(db, ob, from, limit, &r, err)) != TM_OK)
        goto out;
    rc = tm_buf_adds(b, "{\"source\":");
    if (rc == TM_OK && (rc = tm_json_quote(b, ob->source)) == TM_OK)
        rc = tm_buf_printf(b, ",\"after\":%lld,\"last_seq\":%lld,\"events\":[", (long long)from,
                           (long long)tm_db_i64(last, 0, 0));
    for (int i = 0; i < PQntuples(r) && rc == TM_OK; i++)
        if ((rc = tm_buf_adds(b, i ? "," : "")) == TM_OK)
            rc = event_json(b, ob->source, r, i);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "]}");
    if (rc != TM_OK)
        rc = tm_err_set(err, TM_TOOBIG, "limit", "replay reply too large; ask for fewer");
out:
    PQclear(r);
    PQclear(last);
    return rc;
}

/* ------------------------------------------------------------ publisher */

struct tm_publisher {
    const struct tm_outbox *ob; /* read-only */
    char *db_url;               /* read-only */
    int sock;                   /* PUB; used by the thread only */
    pthread_t thread;
    atomic_int stop;
    atomic_int active; /* holds the lock and publishes */
};

/* Numbers up to BATCH written events and records that the rows up to sent
 * were sent; returns how many it numbered, -1 on a database error. */
static int
sequence(struct tm_publisher *p, PGconn *db, int64_t sent)
{
    struct tm_db_int l, s;
    const char *params[2] = {tm_db_int(&l, BATCH), tm_db_int(&s, sent)};
    PGresult *r = NULL;
    int n;

    if (exec(db, p->ob, SEQUENCE, 2, params, &r, NULL) != TM_OK)
        return -1;
    n = atoi(PQcmdTuples(r));
    PQclear(r);
    return n;
}

/* Sends numbered rows after *sent; returns how many, -1 on a database error. */
static int
publish_batch(struct tm_publisher *p, PGconn *db, int64_t *sent)
{
    PGresult *r = NULL;
    struct tm_buf msg;
    int n;

    if (after(db, p->ob, *sent, BATCH, &r, NULL) != TM_OK)
        return -1;
    n = PQntuples(r);
    tm_buf_init(&msg, 1 << 22);
    for (int i = 0; i < n; i++) {
        tm_buf_reset(&msg);
        if (tm_buf_printf(&msg, "%s\n", tm_db_str(r, i, 1)) == TM_OK &&
            event_json(&msg, p->ob->source, r, i) == TM_OK &&
            nn_send(p->sock, msg.p, msg.len, NN_DONTWAIT) < 0 && nn_errno() != EAGAIN)
            tm_log_warn(NULL, "outbox.send", "seq=%lld error=\"%s\"", (long long)tm_db_i64(r, i, 0),
                        nn_strerror(nn_errno()));
        *sent = tm_db_i64(r, i, 0); /* PUB drops for absent peers: replay covers them */
    }
    tm_buf_fini(&msg);
    PQclear(r);
    return n;
}

/* Takes the lock when free; 1 when held. */
static int
elect(struct tm_publisher *p, PGconn *db, int64_t *sent)
{
    struct tm_db_int k;
    const char *params[1] = {tm_db_int(&k, tm_key64(p->ob->source, "outbox-publisher"))};
    PGresult *r = NULL;
    int held;

    if (tm_db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, params, &r, NULL) != TM_OK)
        return 0;
    held = tm_db_bool(r, 0, 0);
    PQclear(r);
    if (!held)
        return 0;
    if (exec(db, p->ob, PUBLISHED, 0, NULL, &r, NULL) != TM_OK)
        return 0;
    *sent = tm_db_i64(r, 0, 0);
    PQclear(r);
    tm_log_info(NULL, "outbox.publishing", "source=%s from_seq=%lld", p->ob->source,
                (long long)*sent);
    return 1;
}

static void *
publisher_main(void *arg)
{
    struct tm_publisher *p = arg;
    PGconn *db = NULL;
    int64_t sent = 0;
    uint64_t seen = 0; /* the nudges before this round: idle_wait's */

    while (!atomic_load(&p->stop)) {
        int64_t round_ms = tm_mono_ms();
        int m, n = 0;

        if (!db || PQstatus(db) != CONNECTION_OK) {
            PQfinish(db);
            db = PQconnectdb(p->db_url);
            atomic_store(&p->active, 0);
            if (PQstatus(db) != CONNECTION_OK) {
                tm_sleep_ms(RETRY_MS);
                continue;
            }
        }
        if (!atomic_load(&p->active)) {
            if (!elect(p, db, &sent)) {
                tm_sleep_ms(RETRY_MS);
                continue;
            }
            atomic_store(&p->active, 1);
        }
        if ((m = sequence(p, db, sent)) >= 0)
            n = publish_batch(p, db, &sent);
        if (m < 0 || n < 0) {
            tm_log_warn(NULL, "outbox.db", "source=%s note=\"reconnecting\"", p->ob->source);
            PQfinish(db); /* the lock goes with the session */
            db = NULL;
            atomic_store(&p->active, 0);
        } else if (m < BATCH && n < BATCH) {
            idle_wait(&seen, round_ms, m > 0 || n > 0); /* a full batch: more may wait, go on */
        }
    }
    PQfinish(db);
    return NULL;
}

enum tm_code
tm_publisher_start(const struct tm_outbox *ob, const char *db_url, const char *endpoint,
                   struct tm_publisher **out, struct tm_err *err)
{
    struct tm_publisher *p;

    if (!tm_schema_name_ok(ob->source))
        return tm_err_set(err, TM_INVALID, "schema", "bad schema name for an outbox");
    p = tm_xcalloc(1, sizeof *p);
    p->ob = ob;
    p->db_url = tm_xstrdup(db_url);
    p->sock = nn_socket(AF_SP, NN_PUB);
    if (p->sock < 0 || nn_bind(p->sock, endpoint) < 0) {
        tm_err_set(err, TM_UNAVAIL, "events-endpoint", "bind %s: %s", endpoint,
                   nn_strerror(nn_errno()));
        goto fail;
    }
    if (pthread_create(&p->thread, NULL, publisher_main, p) != 0) {
        tm_err_set(err, TM_INTERNAL, NULL, "cannot start the publisher thread");
        goto fail;
    }
    *out = p;
    return TM_OK;
fail:
    if (p->sock >= 0)
        nn_close(p->sock);
    free(p->db_url);
    free(p);
    return err ? err->code : TM_UNAVAIL;
}

int
tm_publisher_active(struct tm_publisher *p)
{
    return p && atomic_load(&p->active);
}

void
tm_publisher_stop(struct tm_publisher *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, 1);
    pthread_join(p->thread, NULL);
    nn_close(p->sock);
    free(p->db_url);
    free(p);
}

enum tm_code
tm_outbox_cleanup(PGconn *db, const struct tm_outbox *ob, int64_t retention_s, int64_t *rows,
                  struct tm_err *err)
{
    struct tm_db_int ret;
    const char *params[1] = {tm_db_int(&ret, retention_s)};
    PGresult *r = NULL;
    enum tm_code rc = exec(db, ob, CLEANUP, 1, params, &r, err);

    if (rc == TM_OK)
        *rows = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}
