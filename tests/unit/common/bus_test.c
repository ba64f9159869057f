/* tests/unit/common/bus_test.c — the bus against real nanomsg peers in child
 * processes: round trip, no instance, moving on from a down instance, an
 * instance that dies mid-request (retried only when idempotent), and the
 * deadline. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>

#include "common/bus.h"
#include "common/time.h"

#include "tests/support/proc.h"
#include "tests/unit/common/suites.h"

enum mode { ECHO, DIE, SLOW, PACED };

static void
handler(void *app, const char *msg, size_t len, struct tm_buf *out)
{
    enum mode m = *(enum mode *)app;

    if (m == DIE)
        _exit(0); /* the instance dies with the request in hand */
    if (m == SLOW)
        tm_sleep_ms(1000);
    if (m == PACED)
        tm_sleep_ms(1200);
    if (tm_buf_adds(out, "echo:") != TM_OK || tm_buf_add(out, msg, len) != TM_OK)
        tm_buf_reset(out);
}

static void
endpoint(char *out, size_t size, int n)
{
    snprintf(out, size, "ipc:///tmp/tm-bus-test-%ld-%d.ipc", (long)getpid(), n);
}

/* Forks a server child in mode m on endpoint n; waits until it has bound. */
static pid_t
spawn(enum mode m, int n)
{
    static enum mode mode;
    char ep[128];
    pid_t pid;
    struct stat st;

    endpoint(ep, sizeof ep, n);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct tm_bus_server *srv = NULL;
        mode = m;
        if (tm_bus_server_start(ep, 2, handler, &mode, &srv, NULL) != TM_OK)
            _exit(3);
        for (;;)
            pause();
    }
    for (int i = 0; i < 200 && stat(ep + 6, &st) != 0; i++)
        tm_sleep_ms(10);
    return pid;
}

static void
reap(pid_t pid, int n)
{
    char ep[128];

    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    endpoint(ep, sizeof ep, n);
    unlink(ep + 6);
}

static enum tm_code
call(const char *endpoints, int idempotent, int64_t wait_ms, char *out, size_t size,
     struct tm_err *e)
{
    struct tm_bus_client *c = NULL;
    char *reply = NULL;
    size_t len = 0;
    enum tm_code rc;

    ck_assert_int_eq(tm_bus_client_new("t", endpoints, 8, &c, e), TM_OK);
    rc = tm_bus_call(c, "ping", 4, idempotent, tm_mono_ms() + wait_ms, &reply, &len, e);
    if (rc == TM_OK)
        snprintf(out, size, "%.*s", (int)len, reply);
    tm_bus_free(reply);
    tm_bus_client_free(c);
    return rc;
}

START_TEST(test_bus_round_trip)
{
    pid_t p = spawn(ECHO, 1);
    char ep[128], out[64];
    struct tm_err e;

    endpoint(ep, sizeof ep, 1);
    ck_assert_int_eq(call(ep, 0, 2000, out, sizeof out, &e), TM_OK);
    ck_assert_str_eq(out, "echo:ping");
    reap(p, 1);
}
END_TEST

START_TEST(test_bus_no_instance_is_unavailable)
{
    char ep[128], out[64];
    struct tm_err e;
    int64_t t0 = tm_mono_ms();

    endpoint(ep, sizeof ep, 9);
    ck_assert_int_eq(call(ep, 1, 5000, out, sizeof out, &e), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(e.message, "no instance"));
    ck_assert_int_lt(tm_mono_ms() - t0, 4000); /* refused, not waited out */
}
END_TEST

START_TEST(test_bus_moves_past_a_down_instance_even_for_writes)
{
    pid_t p = spawn(ECHO, 2);
    char eps[300], a[128], b[128], out[64];
    struct tm_err e;

    endpoint(a, sizeof a, 8); /* nobody there: the request is never sent */
    endpoint(b, sizeof b, 2);
    snprintf(eps, sizeof eps, "%s,%s", a, b);
    ck_assert_int_eq(call(eps, 0, 3000, out, sizeof out, &e), TM_OK);
    ck_assert_str_eq(out, "echo:ping");
    reap(p, 2);
}
END_TEST

START_TEST(test_bus_death_mid_request_retries_only_idempotent)
{
    pid_t d = spawn(DIE, 3), ok = spawn(ECHO, 4);
    char eps[300], a[128], b[128], out[64];
    struct tm_err e;

    endpoint(a, sizeof a, 3);
    endpoint(b, sizeof b, 4);
    snprintf(eps, sizeof eps, "%s,%s", a, b);
    ck_assert_int_eq(call(eps, 0, 3000, out, sizeof out, &e), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(e.message, "outcome unknown"));
    reap(d, 3);
    d = spawn(DIE, 3);
    ck_assert_int_eq(call(eps, 1, 3000, out, sizeof out, &e), TM_OK);
    ck_assert_str_eq(out, "echo:ping");
    reap(d, 3);
    reap(ok, 4);
}
END_TEST

START_TEST(test_bus_deadline_is_timeout)
{
    pid_t p = spawn(SLOW, 5);
    char ep[128], out[64];
    struct tm_err e;
    int64_t t0 = tm_mono_ms();

    endpoint(ep, sizeof ep, 5);
    ck_assert_int_eq(call(ep, 1, 300, out, sizeof out, &e), TM_TIMEOUT);
    ck_assert_int_ge(tm_mono_ms() - t0, 290);
    ck_assert_int_lt(tm_mono_ms() - t0, 900);
    reap(p, 5);
}
END_TEST

START_TEST(test_bus_client_refuses_bad_endpoint_lists)
{
    struct tm_bus_client *c = NULL;
    struct tm_err e;

    ck_assert_int_eq(tm_bus_client_new("svc", "", 8, &c, &e), TM_INVALID);
    ck_assert_int_eq(tm_bus_client_new("svc", "ipc:///a,,ipc:///b", 8, &c, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "svc");
    ck_assert_int_eq(tm_bus_client_new("svc", "ipc:///a,ipc:///b", 8, &c, &e), TM_OK);
    ck_assert_int_eq(tm_bus_client_instances(c), 2);
    ck_assert_str_eq(tm_bus_client_endpoint(c, 1), "ipc:///b");
    tm_bus_client_free(c);
}
END_TEST

/* Callers of a full pool are served in arrival order. */
struct fifo_arg {
    struct tm_bus_client *c;
    int idx;
    int *order; /* completion order, guarded by mu */
    int *next;
    pthread_mutex_t *mu;
    int64_t t0; /* monotonic: the callers' common start */
};

static void *
fifo_caller(void *arg)
{
    struct fifo_arg *a = arg;
    char *reply = NULL;
    size_t len = 0;

    /* arrive in index order, 200 ms apart (a loaded machine's scheduler may
     * be late by tens of ms, now and then a hundred), all while the first
     * holds the socket (PACED: 1.2 s) */
    tm_sleep_ms(a->t0 + 200 * a->idx - tm_mono_ms());
    if (tm_bus_call(a->c, "x", 1, 1, tm_mono_ms() + 15000, &reply, &len, NULL) == TM_OK) {
        pthread_mutex_lock(a->mu);
        a->order[(*a->next)++] = a->idx;
        pthread_mutex_unlock(a->mu);
    }
    tm_bus_free(reply);
    return NULL;
}

START_TEST(test_bus_full_pool_serves_in_arrival_order)
{
    pid_t p = spawn(PACED, 6);
    char ep[128];
    struct tm_bus_client *c = NULL;
    pthread_t t[6];
    struct fifo_arg args[6];
    int order[6], next = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    int64_t t0 = tm_mono_ms();

    endpoint(ep, sizeof ep, 6);
    ck_assert_int_eq(tm_bus_client_new("t", ep, 1, &c, NULL), TM_OK); /* one socket */
    for (int i = 0; i < 6; i++) {
        args[i] = (struct fifo_arg){c, i, order, &next, &mu, t0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, fifo_caller, &args[i]), 0);
    }
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(next, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(order[i], i);
    tm_bus_client_free(c);
    reap(p, 6);
}
END_TEST

/* Requests sent together from one thread (tm_bus_send) and waited for one
 * after the other take as long as the slowest, each within its own
 * deadline: two 1 s requests take about 1 s, not 2, and one that is late
 * times out at its deadline while the others go on. */
START_TEST(test_bus_sent_together_take_the_slowest)
{
    pid_t a = spawn(SLOW, 10), b = spawn(SLOW, 11), e = spawn(ECHO, 12);
    char ep[3][128];
    struct tm_bus_client *c[3] = {NULL, NULL, NULL};
    struct tm_bus_pending p[3];
    char *reply[3] = {NULL, NULL, NULL};
    size_t len[3];
    struct tm_err err;
    int64_t t0;

    for (int i = 0; i < 3; i++) {
        endpoint(ep[i], sizeof ep[i], 10 + i);
        ck_assert_int_eq(tm_bus_client_new("t", ep[i], 4, &c[i], NULL), TM_OK);
    }
    t0 = tm_mono_ms();
    tm_bus_send(c[0], "a", 1, 1, t0 + 3000, &p[0]);
    tm_bus_send(c[1], "b", 1, 1, t0 + 300, &p[1]); /* late: 1 s to answer */
    tm_bus_send(c[2], "c", 1, 1, t0 + 3000, &p[2]);
    ck_assert_int_eq(tm_bus_wait(&p[1], &reply[1], &len[1], &err), TM_TIMEOUT);
    ck_assert_int_lt(tm_mono_ms() - t0, 800);
    ck_assert_int_eq(tm_bus_wait(&p[0], &reply[0], &len[0], &err), TM_OK);
    ck_assert_int_eq(tm_bus_wait(&p[2], &reply[2], &len[2], &err), TM_OK);
    ck_assert_int_lt(tm_mono_ms() - t0, 1800);
    ck_assert_int_eq((int)len[0], 6);
    ck_assert_int_eq(memcmp(reply[0], "echo:a", 6), 0);
    ck_assert_ptr_null(reply[1]);
    ck_assert_int_eq(memcmp(reply[2], "echo:c", 6), 0);
    for (int i = 0; i < 3; i++) {
        tm_bus_free(reply[i]);
        tm_bus_client_free(c[i]);
    }
    reap(a, 10);
    reap(b, 11);
    reap(e, 12);
}
END_TEST

/* A request that no instance takes is reported by tm_bus_wait. */
START_TEST(test_bus_send_to_nobody_reports_at_wait)
{
    char ep[128];
    struct tm_bus_client *c = NULL;
    struct tm_bus_pending p;
    char *reply = NULL;
    size_t len = 0;
    struct tm_err err;

    endpoint(ep, sizeof ep, 13);
    ck_assert_int_eq(tm_bus_client_new("t", ep, 4, &c, NULL), TM_OK);
    tm_bus_send(c, "x", 1, 1, tm_mono_ms() + 2000, &p);
    ck_assert_int_eq(tm_bus_wait(&p, &reply, &len, &err), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(err.message, "no instance"));
    ck_assert_ptr_null(reply);
    tm_bus_client_free(c);
}
END_TEST

/* An instance that answered a moment ago and is then killed: a new socket
 * to it is refused at once, so the request is "no instance", not a wait to
 * its deadline (the grace a busy, answering instance gets). */
START_TEST(test_bus_just_killed_instance_is_unavailable_at_once)
{
    pid_t p = spawn(ECHO, 14);
    char ep[128], *reply = NULL;
    struct tm_bus_client *c = NULL;
    struct tm_bus_pending held, late;
    size_t len = 0;
    struct tm_err err;
    int64_t t0;

    endpoint(ep, sizeof ep, 14);
    ck_assert_int_eq(tm_bus_client_new("t", ep, 4, &c, NULL), TM_OK);
    ck_assert_int_eq(tm_bus_call(c, "a", 1, 1, tm_mono_ms() + 2000, &reply, &len, &err), TM_OK);
    tm_bus_free(reply);
    reply = NULL;
    tm_bus_send(c, "b", 1, 1, tm_mono_ms() + 2000, &held); /* holds the pooled socket */
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
    t0 = tm_mono_ms();
    tm_bus_send(c, "c", 1, 1, t0 + 5000, &late); /* a new socket, the instance alive 0 s ago */
    ck_assert_int_eq(tm_bus_wait(&late, &reply, &len, &err), TM_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(err.message, "no instance"));
    ck_assert_int_lt(tm_mono_ms() - t0, 1000);
    /* answered before the kill, or lost: either */
    ck_assert(tm_bus_wait(&held, &reply, &len, &err) == TM_OK || err.code == TM_UNAVAIL);
    tm_bus_free(reply);
    tm_bus_client_free(c);
    reap(p, 14);
}
END_TEST

/* An instance that cannot take a new connection now (its process stopped,
 * its listen backlog full: a burst's busy instance) is not down: a new
 * socket to it waits to its deadline (504), never "no instance" (503), as
 * a refused one would. */
START_TEST(test_bus_full_backlog_is_busy_not_down)
{
    pid_t p = spawn(ECHO, 15);
    char ep[128], *reply = NULL;
    struct tm_bus_client *c = NULL;
    struct tm_bus_pending late;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fds[64], n = 0;
    size_t len = 0;
    struct tm_err err;

    endpoint(ep, sizeof ep, 15);
    ck_assert_int_lt(strlen(ep + 6), sizeof a.sun_path);
    memcpy(a.sun_path, ep + 6, strlen(ep + 6) + 1);
    ck_assert_int_eq(tm_bus_client_new("t", ep, 4, &c, NULL), TM_OK);
    ck_assert_int_eq(tm_bus_call(c, "a", 1, 1, tm_mono_ms() + 2000, &reply, &len, &err), TM_OK);
    tm_bus_free(reply);
    reply = NULL;
    ck_assert_int_eq(test_signal(p, SIGSTOP), 0);
    /* the pooled socket taken, then connections the stopped process never
     * accepts until its backlog refuses more (EAGAIN) */
    char *held = NULL;
    struct tm_bus_pending hold;
    tm_bus_send(c, "b", 1, 1, tm_mono_ms() + 1500, &hold);
    while (n < 64) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ck_assert_int_ge(fd, 0);
        fds[n++] = fd;
        if (connect(fd, (const struct sockaddr *)&a, sizeof a) != 0) {
            ck_assert_int_eq(errno, EAGAIN);
            break;
        }
    }
    ck_assert_int_lt(n, 64);
    tm_bus_send(c, "c", 1, 1, tm_mono_ms() + 800, &late);
    ck_assert_int_eq(tm_bus_wait(&late, &reply, &len, &err), TM_TIMEOUT);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    kill(p, SIGCONT);
    ck_assert(tm_bus_wait(&hold, &held, &len, &err) == TM_OK || err.code == TM_TIMEOUT);
    tm_bus_free(held);
    tm_bus_client_free(c);
    reap(p, 15);
}
END_TEST

/* A client's reply to "ping" from endpoint n (TM_OK) or why not. */
static enum tm_code
ping(struct tm_bus_client *c, int64_t wait_ms, struct tm_err *err)
{
    char *reply = NULL;
    size_t len = 0;
    enum tm_code rc = tm_bus_call(c, "ping", 4, 1, tm_mono_ms() + wait_ms, &reply, &len, err);

    if (rc == TM_OK)
        ck_assert_int_eq(len, 9);
    tm_bus_free(reply);
    return rc;
}

/* nanomsg's 512 sockets per process spent but one: a client takes it and
 * keeps it idle, then another client's instance has no room for a socket.
 * It closes the idle one and answers; before, it took its instance for
 * down ("no instance is up", 503), as the gateway did under load. */
START_TEST(test_bus_no_room_takes_an_idle_socket_not_down)
{
    pid_t p1 = spawn(ECHO, 16), p2 = spawn(ECHO, 17);
    char ep1[128], ep2[128];
    struct tm_bus_client *a = NULL, *b = NULL;
    struct tm_err err;
    int raw[600], n = 0;

    endpoint(ep1, sizeof ep1, 16);
    endpoint(ep2, sizeof ep2, 17);
    ck_assert_int_eq(tm_bus_client_new("a", ep1, 8, &a, NULL), TM_OK);
    ck_assert_int_eq(tm_bus_client_new("b", ep2, 8, &b, NULL), TM_OK);
    /* nanomsg's limit, not the descriptors', is what runs out */
    struct rlimit fds;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &fds), 0);
    if (fds.rlim_cur < 4096 && fds.rlim_max >= 4096) {
        fds.rlim_cur = 4096;
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &fds), 0);
    }
    while (n < 600 && (raw[n] = nn_socket(AF_SP, NN_PAIR)) >= 0)
        n++;
    ck_assert_int_lt(n, 600);
    ck_assert_int_eq(nn_errno(), EMFILE);
    nn_close(raw[--n]); /* room for one */
    ck_assert_int_eq(ping(a, 2000, &err), TM_OK);
    ck_assert_int_eq(ping(b, 2000, &err), TM_OK);
    ck_assert_int_eq(ping(a, 2000, &err), TM_OK); /* and back */
    while (n > 0)
        nn_close(raw[--n]);
    tm_bus_client_free(a);
    tm_bus_client_free(b);
    reap(p1, 16);
    reap(p2, 17);
}
END_TEST

struct holder {
    struct tm_bus_client *c;
    enum tm_code rc;
};

static void *
hold_main(void *arg)
{
    struct holder *h = arg;
    struct tm_err err;

    h->rc = ping(h->c, 3000, &err);
    return NULL;
}

/* A budget of one socket, held by a 1 s request of one client: another
 * client's request waits for room and is answered once the first is done
 * (its idle socket closed for it); one whose deadline comes first is a
 * timeout, never "no instance". */
START_TEST(test_bus_no_room_waits_for_a_socket)
{
    pid_t p1 = spawn(SLOW, 18), p2 = spawn(ECHO, 19);
    char ep1[128], ep2[128];
    struct tm_bus_client *a = NULL, *b = NULL;
    struct holder h;
    pthread_t t;
    struct tm_err err;
    int64_t t0;

    endpoint(ep1, sizeof ep1, 18);
    endpoint(ep2, sizeof ep2, 19);
    tm_bus_budget_set(1);
    ck_assert_int_eq(tm_bus_client_new("a", ep1, 8, &a, NULL), TM_OK);
    ck_assert_int_eq(tm_bus_client_new("b", ep2, 8, &b, NULL), TM_OK);
    h = (struct holder){a, TM_INTERNAL};
    ck_assert_int_eq(pthread_create(&t, NULL, hold_main, &h), 0);
    tm_sleep_ms(400); /* a's request holds the one socket */
    ck_assert_int_eq(ping(b, 200, &err), TM_TIMEOUT);
    t0 = tm_mono_ms();
    ck_assert_int_eq(ping(b, 3000, &err), TM_OK);
    ck_assert_int_ge(tm_mono_ms() - t0, 150); /* after a's request, not beside it */
    pthread_join(t, NULL);
    ck_assert_int_eq(h.rc, TM_OK);
    tm_bus_budget_set(0);
    tm_bus_client_free(a);
    tm_bus_client_free(b);
    reap(p1, 18);
    reap(p2, 19);
}
END_TEST

/* Each instance's pool holds at most its share of the budget: with room
 * for two sockets and two clients, a's second request at once waits for
 * a's one socket (the server could take both: it has two workers), and b
 * still finds room at once. */
START_TEST(test_bus_pools_share_the_budget)
{
    pid_t p1 = spawn(SLOW, 20), p2 = spawn(ECHO, 21);
    char ep1[128], ep2[128];
    struct tm_bus_client *a = NULL, *b = NULL;
    struct holder h1, h2;
    pthread_t t1, t2;
    struct tm_err err;
    int64_t t0;

    endpoint(ep1, sizeof ep1, 20);
    endpoint(ep2, sizeof ep2, 21);
    tm_bus_budget_set(2);
    ck_assert_int_eq(tm_bus_client_new("a", ep1, 8, &a, NULL), TM_OK);
    ck_assert_int_eq(tm_bus_client_new("b", ep2, 8, &b, NULL), TM_OK);
    h1 = h2 = (struct holder){a, TM_INTERNAL};
    t0 = tm_mono_ms();
    ck_assert_int_eq(pthread_create(&t1, NULL, hold_main, &h1), 0);
    ck_assert_int_eq(pthread_create(&t2, NULL, hold_main, &h2), 0);
    tm_sleep_ms(200);
    ck_assert_int_eq(ping(b, 500, &err), TM_OK);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    ck_assert_int_eq(h1.rc, TM_OK);
    ck_assert_int_eq(h2.rc, TM_OK);
    ck_assert_int_ge(tm_mono_ms() - t0, 1900); /* one after the other */
    tm_bus_budget_set(0);
    tm_bus_client_free(a);
    tm_bus_client_free(b);
    reap(p1, 20);
    reap(p2, 21);
}
END_TEST

/* The budget back to its default after each test, even a failed one. */
static void
budget_default(void)
{
    tm_bus_budget_set(0);
}

Suite *
bus_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("bus");

    tcase_set_timeout(tc, 20);
    tcase_add_checked_fixture(tc, NULL, budget_default);
    tcase_add_test(tc, test_bus_round_trip);
    tcase_add_test(tc, test_bus_no_instance_is_unavailable);
    tcase_add_test(tc, test_bus_moves_past_a_down_instance_even_for_writes);
    tcase_add_test(tc, test_bus_death_mid_request_retries_only_idempotent);
    tcase_add_test(tc, test_bus_deadline_is_timeout);
    tcase_add_test(tc, test_bus_client_refuses_bad_endpoint_lists);
    tcase_add_test(tc, test_bus_full_pool_serves_in_arrival_order);
    tcase_add_test(tc, test_bus_sent_together_take_the_slowest);
    tcase_add_test(tc, test_bus_send_to_nobody_reports_at_wait);
    tcase_add_test(tc, test_bus_just_killed_instance_is_unavailable_at_once);
    tcase_add_test(tc, test_bus_full_backlog_is_busy_not_down);
    tcase_add_test(tc, test_bus_no_room_takes_an_idle_socket_not_down);
    tcase_add_test(tc, test_bus_no_room_waits_for_a_socket);
    tcase_add_test(tc, test_bus_pools_share_the_budget);
    suite_add_tcase(s, tc);
    return s;
}
