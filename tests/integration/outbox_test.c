/* tests/integration/outbox_test.c — the outbox's writers take no shared row,
 * and its sequencer keeps seq gap-free and in the order of the changes the
 * events describe (docs/architecture.md "Events"). Each case builds a
 * throw-away schema from the plumbing templates on the stack's database and
 * runs a publisher of its own on it, in this process. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <postgresql/libpq-fe.h>

#include "common/db.h"
#include "common/migrate.h"
#include "common/outbox.h"
#include "common/time.h"

#include "tests/integration/client.h"

#define WRITERS 8
#define CHANGES 60 /* per writer */

static char schema[64], endpoint[128];
static struct tm_outbox ob = {schema};

static PGconn *
connect_db(void)
{
    PGconn *db = PQconnectdb(st.db_url);

    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
    return db;
}

/* <schema>: the outbox templates and a one-row counter to change. */
static void
setup(void)
{
    char dir[] = "/tmp/tm-outbox-XXXXXX";
    struct tm_migration_set set;
    struct tm_err e;
    PGconn *db = connect_db();

    snprintf(schema, sizeof schema, "obtest_%d", getpid());
    snprintf(endpoint, sizeof endpoint, "ipc:///tmp/tm-obtest-%d.ipc", getpid());
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(sh("mkdir -p %s/%s && cp -r %s/sql/plumbing %s/ && printf -- '"
                        "CREATE SCHEMA %s;\\n--@plumbing outbox\\n--@plumbing outbox_pending\\n"
                        "CREATE TABLE %s.counter (id int PRIMARY KEY, v int NOT NULL);\\n"
                        "INSERT INTO %s.counter VALUES (1, 0);\\n' > %s/%s/0001_t.sql",
                        dir, schema, st.root, dir, schema, schema, schema, dir, schema),
                     0);
    ck_assert_msg(tm_migration_set_load(dir, schema, &set, &e) == TM_OK, "%s", e.message);
    exec_ok(db, set.m[0].sql); /* not recorded in tm_meta: the schema is dropped after */
    tm_migration_set_fini(&set);
    ck_assert_int_eq(sh("rm -rf %s", dir), 0);
    PQfinish(db);
}

static void
teardown(void)
{
    PGconn *db = connect_db();
    char q[128];

    snprintf(q, sizeof q, "DROP SCHEMA %s CASCADE", schema);
    exec_ok(db, "SET client_min_messages = warning"); /* not the list of what it drops */
    exec_ok(db, q);
    PQfinish(db);
}

static struct tm_publisher *
publisher(void)
{
    struct tm_publisher *p = NULL;
    struct tm_err e;

    ck_assert_msg(tm_publisher_start(&ob, st.db_url, endpoint, &p, &e) == TM_OK, "%s", e.message);
    return p;
}

/* Every event after 0, in seq order, once `want` are numbered (waits up to
 * 10 s); a cJSON array the caller deletes. */
static cJSON *
numbered(long long want)
{
    PGconn *db = connect_db();
    cJSON *all = cJSON_CreateArray();
    long long last = 0, after = 0;
    struct tm_err e;

    for (int i = 0; i < 1000 && last < want; i++) {
        struct tm_buf b;
        cJSON *page;

        tm_buf_init(&b, 1 << 24);
        ck_assert_msg(tm_outbox_replay(db, &ob, after, TM_REPLAY_LIMIT_MAX, &b, &e) == TM_OK, "%s",
                      e.message);
        page = cJSON_Parse(b.p); /* tm_buf is NUL-terminated */
        tm_buf_fini(&b);
        ck_assert_ptr_nonnull(page);
        last = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(page, "last_seq"));
        cJSON *ev, *evs = cJSON_GetObjectItem(page, "events");
        cJSON_ArrayForEach(ev, evs)
        {
            after = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(ev, "seq"));
            cJSON_AddItemToArray(all, cJSON_Duplicate(ev, 1));
        }
        cJSON_Delete(page);
        if (after < want)
            tm_sleep_ms(10);
    }
    PQfinish(db);
    ck_assert_int_eq(last, want);
    ck_assert_int_eq(cJSON_GetArraySize(all), want);
    return all;
}

static long long
data_int(const cJSON *ev, const char *name)
{
    return (long long)cJSON_GetNumberValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "data"), name));
}

/* Two writers each add an event while the other's transaction is open: the
 * second does not wait (with one counter row it waited for the first's
 * commit); a rolled-back event never shows and leaves no gap. */
START_TEST(test_writers_do_not_wait_on_each_other)
{
    PGconn *a = connect_db(), *b = connect_db(), *c = connect_db();
    struct tm_publisher *p;
    struct tm_err e;
    cJSON *all, *ev;
    long long seen = 0, expect = 1;

    exec_ok(a, "BEGIN");
    ck_assert_int_eq(tm_outbox_add(a, &ob, "t.a", "{\"w\":1}", &e), TM_OK);
    exec_ok(c, "BEGIN");
    ck_assert_int_eq(tm_outbox_add(c, &ob, "t.c", "{\"w\":4}", &e), TM_OK);
    exec_ok(b, "BEGIN");
    exec_ok(b, "SET LOCAL statement_timeout = 2000");
    ck_assert_msg(tm_outbox_add(b, &ob, "t.b", "{\"w\":2}", &e) == TM_OK, "%s", e.message);
    exec_ok(b, "COMMIT");
    exec_ok(c, "ROLLBACK");
    exec_ok(a, "COMMIT");
    p = publisher();
    all = numbered(2);
    cJSON_ArrayForEach(ev, all)
    {
        ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(ev, "seq")), expect++);
        seen |= data_int(ev, "w");
    }
    ck_assert_int_eq(seen, 3); /* a and b, not c */
    cJSON_Delete(all);
    tm_publisher_stop(p);
    PQfinish(a);
    PQfinish(b);
    PQfinish(c);
}
END_TEST

struct writer {
    pthread_t t;
    int failed;
};

/* CHANGES times: one transaction takes the counter row (the change), then
 * writes the event describing it, as every service writes its events. */
static void *
writer_main(void *arg)
{
    struct writer *w = arg;
    PGconn *db = PQconnectdb(st.db_url);
    char upd[128];

    snprintf(upd, sizeof upd, "UPDATE %s.counter SET v = v + 1 WHERE id = 1 RETURNING v", schema);
    for (int i = 0; i < CHANGES && !w->failed && PQstatus(db) == CONNECTION_OK; i++) {
        PGresult *r;
        char data[64];

        r = PQexec(db, "BEGIN");
        PQclear(r);
        r = PQexec(db, upd);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            w->failed = 1;
            PQclear(r);
            break;
        }
        snprintf(data, sizeof data, "{\"v\":%s}", PQgetvalue(r, 0, 0));
        PQclear(r);
        if (tm_outbox_add(db, &ob, "t.v", data, NULL) != TM_OK)
            w->failed = 1;
        r = PQexec(db, w->failed ? "ROLLBACK" : "COMMIT");
        w->failed |= PQresultStatus(r) != PGRES_COMMAND_OK;
        PQclear(r);
    }
    w->failed |= PQstatus(db) != CONNECTION_OK;
    PQfinish(db);
    return NULL;
}

/* Writers changing the same row at once, with the publisher numbering while
 * they write: seq order is the order of the changes (v = 1, 2, 3, …). */
START_TEST(test_seq_follows_the_order_of_changes)
{
    struct writer w[WRITERS];
    struct tm_publisher *p = publisher();
    cJSON *all, *ev;
    long long expect = 1;

    memset(w, 0, sizeof w);
    for (int i = 0; i < WRITERS; i++)
        ck_assert_int_eq(pthread_create(&w[i].t, NULL, writer_main, &w[i]), 0);
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(w[i].t, NULL);
        ck_assert_int_eq(w[i].failed, 0);
    }
    all = numbered(WRITERS * CHANGES);
    cJSON_ArrayForEach(ev, all)
    {
        ck_assert_int_eq((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(ev, "seq")), expect);
        ck_assert_int_eq(data_int(ev, "v"), expect);
        expect++;
    }
    cJSON_Delete(all);
    /* nothing left unnumbered; what was sent is recorded within a round */
    for (int i = 0; i < 100; i++) {
        if (sql_intf("SELECT published FROM %s.outbox_seq", schema) == WRITERS * CHANGES)
            break;
        tm_sleep_ms(20);
    }
    ck_assert_int_eq(sql_intf("SELECT published FROM %s.outbox_seq", schema), WRITERS * CHANGES);
    ck_assert_int_eq(sql_intf("SELECT count(*) FROM %s.outbox_pending", schema), 0);
    tm_publisher_stop(p);
}
END_TEST

Suite *
outbox_suite(void)
{
    Suite *s = suite_create("outbox");
    TCase *tc = tcase_create("outbox");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_writers_do_not_wait_on_each_other);
    tcase_add_test(tc, test_seq_follows_the_order_of_changes);
    suite_add_tcase(s, tc);
    return s;
}
