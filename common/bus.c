/* common/bus.c — nanomsg REQ/REP for the gateway → service path: the
 * client half of bus.h (the server half is bus_server.c).
 * Every API request crosses it twice, at up to tens of thousands per second,
 * so sockets are pooled and reused and the only locks are a pool's mutex,
 * held just to pop or push a socket, never across I/O. See bus.h for the
 * delivery rules; the measured facts behind them are in docs/architecture.md
 * ("Facts about nanomsg"). */
#include "common/bus.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>

#include "common/log.h"
#include "common/time.h"

#include "proto/limits.h"

#define SLICE_MS 20             /* how often a waiting call checks its peer is still there */
#define CONNECT_GRACE_MS 200    /* a fresh socket's time to connect before its instance is "down" */
#define ALIVE_MS 2000           /* an instance that answered this recently is not down, only busy */
#define DOWN_MS 1000            /* an instance that failed is skipped for this long */
#define RESEND_NEVER_MS 3600000 /* above any deadline: nanomsg never resends by itself */
#define POOL_MAX 512

/* ---------------------------------------------------------------- client */

/* A thread waiting for a socket of a full pool. Waiters are served in
 * arrival order: under 1,000 connections an unfair wake-up let some wait
 * seconds while others went straight through. */
struct bus_waiter {
    pthread_cond_t cv;
    int sock; /* handed over: a socket, or OPEN_RIGHT */
    int served;
    struct bus_waiter *next;
};
#define OPEN_RIGHT (-2) /* the waiter may open a socket: a slot was freed for it */

struct bus_inst {
    char endpoint[TM_BUS_ENDPOINT_MAX];
    pthread_mutex_t mu;
    int idle[POOL_MAX];             /* connected sockets ready for a request; guarded by mu */
    int n_idle;                     /* guarded by mu */
    int n_open;                     /* sockets in existence or promised; guarded by mu */
    int max_open;                   /* read-only after new; pool_cap bounds it further */
    struct bus_waiter *head, *tail; /* FIFO of waiters; guarded by mu */
    _Atomic int64_t down_until_ms;  /* monotonic; skipped until then */
    _Atomic int64_t last_ok_ms;     /* monotonic; the last reply from this instance */
};

struct tm_bus_client {
    char name[32];
    int n;
    struct bus_inst inst[TM_BUS_MAX_INSTANCES];
    atomic_uint rr;                 /* round-robin cursor */
    struct tm_bus_client *next_reg; /* in the registry; guarded by reg_mu */
};

/* The process's room for client sockets. nanomsg allows NN_MAX_SOCKETS
 * (512) sockets per process, every kind together, and the clients' pools
 * may promise more between them (the gateway: 384 for each daemon). A pool
 * that could not open a socket took its instance for down and answered
 * 503 "no instance is up" — after 1,000 connections of product reads had
 * left tm-inventory's pool holding most of the 512, every burst at another
 * daemon did. Now each instance's pool holds at most its share of the
 * budget (the budget ÷ every client's instances, and at most its own
 * max_open), so together they stay within it; and should a socket still
 * find no room (a budget smaller than the instances, or nanomsg's limit
 * reached by other sockets), the pool closes an idle socket of another
 * (the one with the most idle) or waits for room until its deadline: a 504
 * at worst, never "down". */
#define BUDGET_DEFAULT 448 /* of the 512: room for SUB sockets and servers */
static atomic_int budget = BUDGET_DEFAULT;
static atomic_int n_client_socks; /* client sockets open, every pool */
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tm_bus_client *reg_head; /* every client; guarded by reg_mu */
static atomic_int reg_instances;       /* their instances */

enum outcome { OUT_OK, OUT_NOTSENT, OUT_LOST, OUT_TIMEOUT };

enum tm_code
tm_bus_client_new(const char *name, const char *endpoints, int max_sockets,
                  struct tm_bus_client **out, struct tm_err *err)
{
    struct tm_bus_client *c = tm_xcalloc(1, sizeof *c);
    const char *p = endpoints;

    snprintf(c->name, sizeof c->name, "%s", name);
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (len == 0 || len >= TM_BUS_ENDPOINT_MAX || c->n == TM_BUS_MAX_INSTANCES) {
            free(c);
            return tm_err_set(err, TM_INVALID, name, "bad endpoint list for %s: '%s'", name,
                              endpoints);
        }
        memcpy(c->inst[c->n].endpoint, p, len);
        c->inst[c->n].endpoint[len] = '\0';
        c->n++;
        p += len + (comma ? 1 : 0);
    }
    if (c->n == 0 || max_sockets < c->n) {
        free(c);
        return tm_err_set(err, TM_INVALID, name, "%s needs at least one endpoint and socket", name);
    }
    for (int i = 0; i < c->n; i++) {
        struct bus_inst *in = &c->inst[i];

        pthread_mutex_init(&in->mu, NULL);
        in->max_open = max_sockets / c->n;
        if (in->max_open > POOL_MAX)
            in->max_open = POOL_MAX;
    }
    pthread_mutex_lock(&reg_mu);
    c->next_reg = reg_head;
    reg_head = c;
    atomic_fetch_add(&reg_instances, c->n);
    pthread_mutex_unlock(&reg_mu);
    *out = c;
    return TM_OK;
}

static void
close_socket(int s)
{
    nn_close(s);
    atomic_fetch_sub(&n_client_socks, 1);
}

void
tm_bus_client_free(struct tm_bus_client *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&reg_mu);
    for (struct tm_bus_client **pp = &reg_head; *pp; pp = &(*pp)->next_reg)
        if (*pp == c) {
            *pp = c->next_reg;
            atomic_fetch_sub(&reg_instances, c->n);
            break;
        }
    pthread_mutex_unlock(&reg_mu);
    for (int i = 0; i < c->n; i++) {
        struct bus_inst *in = &c->inst[i];
        for (int k = 0; k < in->n_idle; k++)
            close_socket(in->idle[k]);
        pthread_mutex_destroy(&in->mu);
    }
    free(c);
}

void
tm_bus_budget_set(int sockets)
{
    atomic_store(&budget, sockets > 0 ? sockets : BUDGET_DEFAULT);
}

/* A new REQ socket connected to endpoint, or -1; *full says the process had
 * no room for it (the budget, or nanomsg's own limit). */
static int
open_socket(const char *endpoint, int *full)
{
    int s, slice = SLICE_MS, resend = RESEND_NEVER_MS;
    int max = TM_MESSAGE_MAX, ivl = 50, ivl_max = 1000;

    *full = 0;
    s = atomic_load(&n_client_socks);
    do { /* counted only when under the budget: no passing excess for others to see */
        if (s >= atomic_load(&budget)) {
            *full = 1;
            return -1;
        }
    } while (!atomic_compare_exchange_weak(&n_client_socks, &s, s + 1));
    if ((s = nn_socket(AF_SP, NN_REQ)) < 0) {
        *full = nn_errno() == EMFILE;
        atomic_fetch_sub(&n_client_socks, 1);
        return -1;
    }
    if (nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &slice, sizeof slice) < 0 ||
        nn_setsockopt(s, NN_REQ, NN_REQ_RESEND_IVL, &resend, sizeof resend) < 0 ||
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &max, sizeof max) < 0 ||
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL, &ivl, sizeof ivl) < 0 ||
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL_MAX, &ivl_max, sizeof ivl_max) < 0 ||
        nn_connect(s, endpoint) < 0) {
        close_socket(s);
        return -1;
    }
    return s;
}

/* Closes an idle socket of the instance other than self that has the most,
 * making room for one; 0 when no instance has one. */
static int
reclaim(const struct bus_inst *self)
{
    struct bus_inst *best = NULL;
    int most = 0, s = -1;

    pthread_mutex_lock(&reg_mu);
    for (struct tm_bus_client *c = reg_head; c; c = c->next_reg)
        for (int i = 0; i < c->n; i++) {
            struct bus_inst *in = &c->inst[i];
            int k;

            if (in == self)
                continue;
            pthread_mutex_lock(&in->mu);
            k = in->n_idle;
            pthread_mutex_unlock(&in->mu);
            if (k > most) {
                most = k;
                best = in;
            }
        }
    if (best) {
        pthread_mutex_lock(&best->mu);
        if (best->n_idle > 0) {
            s = best->idle[--best->n_idle];
            best->n_open--;
        }
        pthread_mutex_unlock(&best->mu);
    }
    pthread_mutex_unlock(&reg_mu);
    if (s < 0)
        return 0;
    close_socket(s);
    return 1;
}

/* Hands sock (a socket, or OPEN_RIGHT) to in's first waiter; 0 when none
 * waits. Called with mu held. */
static int
serve_first(struct bus_inst *in, int sock)
{
    struct bus_waiter *w = in->head;

    if (!w)
        return 0;
    in->head = w->next;
    if (!in->head)
        in->tail = NULL;
    w->sock = sock;
    w->served = 1;
    pthread_cond_signal(&w->cv);
    return 1;
}

/* Gives up a slot of in counted in n_open (its socket closed, or never
 * opened): to the first waiter as the right to open one, else uncounted.
 * Called with mu held. */
static void
pass_slot(struct bus_inst *in)
{
    if (!serve_first(in, OPEN_RIGHT))
        in->n_open--;
}

/* Opens a socket for a slot already counted in n_open. With no room in the
 * process it takes a socket of its own pool that came back idle meanwhile
 * (giving the slot back), closes another pool's idle socket, or waits for
 * room (1 ms polls) until deadline; it passes the slot on when it fails. */
static int
open_counted(struct bus_inst *in, int64_t deadline_ms)
{
    for (;;) {
        int full, s = open_socket(in->endpoint, &full);

        if (s >= 0)
            return s;
        if (!full || tm_mono_ms() >= deadline_ms)
            break;
        pthread_mutex_lock(&in->mu);
        if (in->n_idle > 0) {
            s = in->idle[--in->n_idle];
            in->n_open--; /* the slot promised; the idle socket's stays counted */
        }
        pthread_mutex_unlock(&in->mu);
        if (s >= 0)
            return s;
        if (!reclaim(in))
            tm_sleep_ms(1);
    }
    pthread_mutex_lock(&in->mu);
    pass_slot(in);
    pthread_mutex_unlock(&in->mu);
    return -1;
}

/* Removes w from the queue if it is still there. Called with mu held. */
static void
unqueue(struct bus_inst *in, struct bus_waiter *w)
{
    struct bus_waiter **pp = &in->head, *prev = NULL;

    for (; *pp; prev = *pp, pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            if (in->tail == w)
                in->tail = prev;
            return;
        }
    }
}

/* The most sockets in's pool may hold: its max_open, and at most its share
 * of the process's budget (at least one). */
static int
pool_cap(const struct bus_inst *in)
{
    int inst = atomic_load(&reg_instances);
    int share = atomic_load(&budget) / (inst > 0 ? inst : 1);

    share = share > 1 ? share : 1;
    return in->max_open < share ? in->max_open : share;
}

/* Takes a socket for instance in: an idle one, a new one while the pool has
 * room, or else the next one released, waiting in arrival order until
 * deadline. *fresh tells whether it was just opened. -1 when none came. */
static int
acquire(struct bus_inst *in, int64_t deadline_ms, int *fresh)
{
    struct bus_waiter w;
    int s = -1;

    *fresh = 0;
    pthread_mutex_lock(&in->mu);
    if (in->n_idle > 0 && !in->head) {
        s = in->idle[--in->n_idle];
        pthread_mutex_unlock(&in->mu);
        return s;
    }
    if (in->n_open < pool_cap(in) && !in->head) {
        in->n_open++;
        pthread_mutex_unlock(&in->mu);
        *fresh = 1;
        return open_counted(in, deadline_ms);
    }
    tm_cond_init_mono(&w.cv);
    w.served = 0;
    w.sock = -1;
    w.next = NULL;
    if (in->tail)
        in->tail->next = &w;
    else
        in->head = &w;
    in->tail = &w;
    while (!w.served && tm_mono_ms() < deadline_ms)
        tm_cond_wait_until(&w.cv, &in->mu, deadline_ms);
    if (!w.served)
        unqueue(in, &w);
    pthread_mutex_unlock(&in->mu);
    pthread_cond_destroy(&w.cv);
    if (!w.served)
        return -1;
    if (w.sock == OPEN_RIGHT) {
        *fresh = 1;
        return open_counted(in, deadline_ms);
    }
    return w.sock;
}

/* Returns s to the pool when keep, else closes it; either way the first
 * waiter, if any, gets the socket or the right to open one. */
static void
release(struct bus_inst *in, int s, int keep)
{
    if (keep) {
        /* a pool above its cap (it shrank: a client registered since)
         * gives this up; its waiters are served by the others it holds */
        int over;

        pthread_mutex_lock(&in->mu);
        if ((over = in->n_open > pool_cap(in)) != 0)
            in->n_open--;
        pthread_mutex_unlock(&in->mu);
        if (over) {
            close_socket(s);
            return;
        }
    } else {
        close_socket(s);
    }
    pthread_mutex_lock(&in->mu);
    if (!keep)
        pass_slot(in); /* a closed socket's slot passes on */
    else if (!serve_first(in, s))
        in->idle[in->n_idle++] = s;
    pthread_mutex_unlock(&in->mu);
}

static int
connected(int s)
{
    return nn_get_statistic(s, NN_STAT_CURRENT_CONNECTIONS) > 0;
}

/* Whether nothing listens at endpoint: a connect of our own is refused (an
 * ipc socket file without its process, or no file; a closed TCP port on an
 * IPv4 address). A listener whose backlog is full (EAGAIN on a Unix
 * socket), a TCP connect that neither succeeds nor is refused within 50 ms,
 * and an endpoint of another form are not. */
static int
endpoint_refused(const char *endpoint)
{
    int fd = -1, refused = 0;

    if (strncmp(endpoint, "ipc://", 6) == 0) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        size_t n = strlen(endpoint + 6);

        if (n >= sizeof a.sun_path)
            return 0;
        memcpy(a.sun_path, endpoint + 6, n + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (const struct sockaddr *)&a, sizeof a) != 0)
            refused = errno == ECONNREFUSED || errno == ENOENT;
    } else if (strncmp(endpoint, "tcp://", 6) == 0) {
        struct sockaddr_in a = {.sin_family = AF_INET};
        char host[INET_ADDRSTRLEN];
        const char *colon = strrchr(endpoint + 6, ':');
        int port = colon ? atoi(colon + 1) : 0;
        size_t n = colon ? (size_t)(colon - (endpoint + 6)) : 0;

        if (n == 0 || n >= sizeof host || port <= 0 || port > 65535)
            return 0;
        memcpy(host, endpoint + 6, n);
        host[n] = '\0';
        if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
            return 0;
        a.sin_port = htons((uint16_t)port);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (const struct sockaddr *)&a, sizeof a) != 0) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int e = errno;
            socklen_t len = sizeof e;

            if (e == EINPROGRESS && poll(&p, 1, 50) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
                e = 0;
            refused = e == ECONNREFUSED;
        }
    }
    if (fd >= 0)
        close(fd);
    return refused;
}

/* Takes a socket of instance in and sends msg on it, without waiting for
 * the reply: OUT_OK with *sock holding the request in flight (finished by
 * recv_on), OUT_NOTSENT when the instance did not take it, OUT_TIMEOUT when
 * the deadline passed first. */
static enum outcome
send_on(struct bus_inst *in, const char *msg, size_t len, int64_t deadline_ms, int *sock)
{
    int fresh = 0, suspect = 0, s = acquire(in, deadline_ms, &fresh);
    int64_t grace_end;
    uint64_t seen_errors = 0;

    *sock = -1;
    if (s >= 0 && !fresh && !connected(s)) {
        /* An idle socket whose peer went away: the instance died, or came
         * back while this socket's reconnect backs off. A new socket tells,
         * within the short grace. */
        release(in, s, 0);
        s = acquire(in, deadline_ms, &fresh);
        suspect = 1;
    }
    if (s < 0)
        return tm_mono_ms() >= deadline_ms ? OUT_TIMEOUT : OUT_NOTSENT;
    /* A fresh socket of an instance that answers others right now is only
     * waiting its turn to connect (hundreds open at once under load); one
     * of an instance that has been silent, or just lost a peer, gets a
     * short grace. */
    grace_end = tm_mono_ms();
    if (fresh)
        grace_end = !suspect && grace_end - atomic_load(&in->last_ok_ms) < ALIVE_MS
                        ? deadline_ms
                        : grace_end + CONNECT_GRACE_MS;
    while (!connected(s)) {
        /* A failed connect: nanomsg counts a listener's full backlog (a
         * busy instance, on an ipc endpoint) as it counts nothing
         * listening, so ask the endpoint ourselves, once per new failure;
         * refused (the instance died, or is not bound yet): not sent,
         * whatever the grace. */
        uint64_t errors = nn_get_statistic(s, NN_STAT_CONNECT_ERRORS);
        if (errors > seen_errors) {
            seen_errors = errors;
            if (endpoint_refused(in->endpoint)) {
                release(in, s, 0);
                return OUT_NOTSENT;
            }
        }
        if (tm_mono_ms() >= grace_end || tm_mono_ms() >= deadline_ms) {
            release(in, s, 0);
            return tm_mono_ms() >= deadline_ms ? OUT_TIMEOUT : OUT_NOTSENT;
        }
        tm_sleep_ms(1);
    }
    /* A socket may not take a message at once (EAGAIN: one just connected
     * whose pipe is still coming up, under load): not sent, so it is safe to
     * try again while its peer is connected — within a fresh socket's grace,
     * or the deadline. Marking the instance down for it turned a busy
     * daemon's burst into 503s ("no instance is up"). */
    while (nn_send(s, msg, len, NN_DONTWAIT) < 0) {
        if (nn_errno() != EAGAIN || !connected(s) || tm_mono_ms() >= deadline_ms ||
            (fresh && tm_mono_ms() >= grace_end)) {
            release(in, s, 0);
            return OUT_NOTSENT;
        }
        tm_sleep_ms(1);
    }
    *sock = s;
    return OUT_OK;
}

/* Waits on s, holding a request sent by send_on, for its reply until
 * deadline_ms; s goes back to the pool (answered) or is closed. */
static enum outcome
recv_on(struct bus_inst *in, int s, int64_t deadline_ms, char **reply, size_t *reply_len)
{
    for (;;) {
        char *buf = NULL;
        int n = nn_recv(s, &buf, NN_MSG, 0);

        if (n >= 0) {
            *reply = buf;
            *reply_len = (size_t)n;
            atomic_store(&in->last_ok_ms, tm_mono_ms());
            release(in, s, 1);
            return OUT_OK;
        }
        if (nn_errno() != ETIMEDOUT && nn_errno() != EAGAIN && nn_errno() != EINTR) {
            release(in, s, 0);
            return OUT_LOST;
        }
        if (tm_mono_ms() >= deadline_ms) {
            release(in, s, 0); /* the pending request dies with the socket */
            return OUT_TIMEOUT;
        }
        if (!connected(s)) {
            release(in, s, 0);
            return OUT_LOST;
        }
    }
}

static enum tm_code
outcome_code(struct tm_bus_client *c, int i, enum outcome o, struct tm_err *err)
{
    switch (o) {
    case OUT_OK:
        return TM_OK;
    case OUT_TIMEOUT:
        return tm_err_set(err, TM_TIMEOUT, NULL, "%s: no reply before the deadline", c->name);
    case OUT_LOST:
        return tm_err_set(err, TM_UNAVAIL, NULL,
                          "%s instance %s stopped while handling the request; outcome unknown",
                          c->name, c->inst[i].endpoint);
    case OUT_NOTSENT:
        break;
    }
    return tm_err_set(err, TM_UNAVAIL, NULL, "%s instance %s is down", c->name,
                      c->inst[i].endpoint);
}

enum tm_code
tm_bus_call_instance(struct tm_bus_client *c, int i, const char *msg, size_t len,
                     int64_t deadline_mono_ms, char **reply, size_t *reply_len, struct tm_err *err)
{
    int s = -1;
    enum outcome o = send_on(&c->inst[i], msg, len, deadline_mono_ms, &s);

    if (o == OUT_OK)
        o = recv_on(&c->inst[i], s, deadline_mono_ms, reply, reply_len);
    return outcome_code(c, i, o, err);
}

/* Instance in failed a request in a way that says it is down (not sent,
 * or lost with a retry allowed): skipped for DOWN_MS. */
static void
mark_down(struct tm_bus_client *c, struct bus_inst *in, enum outcome o)
{
    atomic_store(&in->down_until_ms, tm_mono_ms() + DOWN_MS);
    atomic_store(&in->last_ok_ms, 0); /* silent now: fresh sockets get a short grace */
    tm_log_warn(NULL, "bus.instance_down", "service=%s endpoint=%s retry=%s", c->name, in->endpoint,
                o == OUT_LOST ? "idempotent" : "not_sent");
}

/* Moves p on through the instances, from where it stands, until one takes
 * the request (p->sock >= 0) or none is left (p->rc and p->err say why).
 * Pass 0 tries instances believed up; pass 1 those marked down, in case
 * they came back. */
static void
send_next(struct tm_bus_pending *p)
{
    struct tm_bus_client *c = p->c;

    for (; p->pass < 2; p->pass++, p->k = 0) {
        for (; p->k < c->n; p->k++) {
            int i = (int)((p->start + (unsigned)p->k) % (unsigned)c->n);
            struct bus_inst *in = &c->inst[i];
            int64_t now = tm_mono_ms();
            int down = atomic_load(&in->down_until_ms) > now;
            enum outcome o;

            if (down != p->pass)
                continue;
            if (now >= p->deadline_ms) {
                p->rc = tm_err_set(&p->err, TM_TIMEOUT, NULL, "%s: deadline passed", c->name);
                return;
            }
            o = send_on(in, p->msg, p->len, p->deadline_ms, &p->sock);
            if (o == OUT_OK) {
                p->inst = i;
                p->k++; /* a retry goes on with the next instance */
                return;
            }
            if (o == OUT_TIMEOUT) {
                p->rc = outcome_code(c, i, o, &p->err);
                return;
            }
            mark_down(c, in, o);
        }
    }
    p->rc = tm_err_set(&p->err, TM_UNAVAIL, NULL, "no instance of %s is up", c->name);
}

void
tm_bus_send(struct tm_bus_client *c, const char *msg, size_t len, int idempotent,
            int64_t deadline_mono_ms, struct tm_bus_pending *p)
{
    memset(p, 0, sizeof *p);
    p->c = c;
    p->msg = msg;
    p->len = len;
    p->idempotent = idempotent;
    p->deadline_ms = deadline_mono_ms;
    p->start = atomic_fetch_add(&c->rr, 1);
    p->sock = -1;
    p->rc = TM_OK;
    send_next(p);
}

enum tm_code
tm_bus_wait(struct tm_bus_pending *p, char **reply, size_t *reply_len, struct tm_err *err)
{
    struct tm_bus_client *c = p->c;

    *reply = NULL;
    *reply_len = 0;
    while (p->sock >= 0) {
        struct bus_inst *in = &c->inst[p->inst];
        enum outcome o = recv_on(in, p->sock, p->deadline_ms, reply, reply_len);

        p->sock = -1;
        if (o == OUT_OK) {
            atomic_store(&in->down_until_ms, 0);
            return TM_OK;
        }
        if (o == OUT_TIMEOUT || !p->idempotent)
            return outcome_code(c, p->inst, o, err);
        mark_down(c, in, o);
        send_next(p);
    }
    if (err)
        *err = p->err;
    return p->rc;
}

enum tm_code
tm_bus_call(struct tm_bus_client *c, const char *msg, size_t len, int idempotent,
            int64_t deadline_mono_ms, char **reply, size_t *reply_len, struct tm_err *err)
{
    struct tm_bus_pending p;

    tm_bus_send(c, msg, len, idempotent, deadline_mono_ms, &p);
    return tm_bus_wait(&p, reply, reply_len, err);
}

int
tm_bus_client_instances(const struct tm_bus_client *c)
{
    return c->n;
}

const char *
tm_bus_client_name(const struct tm_bus_client *c)
{
    return c->name;
}

const char *
tm_bus_client_endpoint(const struct tm_bus_client *c, int i)
{
    return c->inst[i].endpoint;
}

void
tm_bus_free(char *reply)
{
    if (reply)
        nn_freemsg(reply);
}
