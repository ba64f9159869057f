/* common/outbox.c — outbox writes, replay, and the publisher thread. The
 * publisher polls every 20 ms when idle and sends in batches of 500: one
 * indexed range read per batch, so it keeps up with thousands of events a
 * second without a database round trip per event. */
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
#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

#define BATCH 500
#define IDLE_MS 20
#define RETRY_MS 500

enum tm_code
tm_outbox_add(PGconn *db, const struct tm_outbox *ob, const char *topic, const char *data_json,
              int64_t *seq, struct tm_err *err)
{
    const char *params[2] = {topic, data_json};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db, ob->add_sql, 2, params, &r, err);

    if (rc == TM_OK && seq)
        *seq = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

/* {"topic","source","seq","ts","data"} for row i of an after_sql result. */
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

    return tm_db_exec(db, ob->after_sql, 2, params, r, err);
}

enum tm_code
tm_outbox_replay(PGconn *db, const struct tm_outbox *ob, int64_t from, int64_t limit,
                 struct tm_buf *b, struct tm_err *err)
{
    PGresult *r = NULL, *last = NULL;
    enum tm_code rc;

    if ((rc = tm_db_exec(db, ob->last_sql, 0, NULL, &last, err)) != TM_OK ||
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

/* Sends rows after *sent; returns how many, -1 on a database error. */
static int
publish_batch(struct tm_publisher *p, PGconn *db, int64_t *sent)
{
    PGresult *r = NULL;
    struct tm_buf msg;
    struct tm_db_int s;
    const char *params[1];
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
    params[0] = tm_db_int(&s, *sent);
    if (n > 0 && tm_db_exec(db, p->ob->set_published_sql, 1, params, NULL, NULL) != TM_OK)
        return -1;
    return n;
}

/* Takes the lock when free; 1 when held. */
static int
elect(struct tm_publisher *p, PGconn *db, int64_t *sent)
{
    struct tm_db_int k;
    const char *params[1] = {tm_db_int(&k, p->ob->lock_key)};
    PGresult *r = NULL;
    int held;

    if (tm_db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, params, &r, NULL) != TM_OK)
        return 0;
    held = tm_db_bool(r, 0, 0);
    PQclear(r);
    if (!held)
        return 0;
    if (tm_db_exec(db, p->ob->published_sql, 0, NULL, &r, NULL) != TM_OK)
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

    while (!atomic_load(&p->stop)) {
        int n;

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
        n = publish_batch(p, db, &sent);
        if (n < 0) {
            tm_log_warn(NULL, "outbox.db", "source=%s note=\"reconnecting\"", p->ob->source);
            PQfinish(db); /* the lock goes with the session */
            db = NULL;
            atomic_store(&p->active, 0);
        } else if (n == 0) {
            tm_sleep_ms(IDLE_MS);
        }
    }
    PQfinish(db);
    return NULL;
}

enum tm_code
tm_publisher_start(const struct tm_outbox *ob, const char *db_url, const char *endpoint,
                   struct tm_publisher **out, struct tm_err *err)
{
    struct tm_publisher *p = tm_xcalloc(1, sizeof *p);

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
    enum tm_code rc = tm_db_exec(db, ob->cleanup_sql, 1, params, &r, err);

    if (rc == TM_OK)
        *rows = tm_db_i64(r, 0, 0);
    PQclear(r);
    return rc;
}
