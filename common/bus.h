/* common/bus.h — request/reply between the gateway and services over nanomsg.
 *
 * Server: a service instance binds one endpoint with a raw REP socket that
 * n_workers threads share; each worker takes one request, calls the
 * handler, and sends the reply back with the request's routing header.
 *
 * Client: for each service the gateway knows every instance's endpoint and
 * keeps a pool of REQ sockets per instance, each connected to that instance
 * only. nanomsg's own resend is disabled in effect (resend interval above any
 * deadline) and the client drives retries itself: a request that was never
 * delivered (instance down) moves to the next instance; a request whose
 * instance died while handling it is retried elsewhere only when the caller
 * says it is idempotent; otherwise the outcome is unknown and TM_UNAVAIL is
 * returned. A socket that timed out or lost its peer is closed, never reused,
 * so a stale request can never be resent or answered late.
 *
 * nanomsg allows 512 sockets per process (NN_MAX_SOCKETS), so pools are
 * bounded; callers wait for a free socket until their deadline. The pools
 * of every client together stay within the process's budget
 * (tm_bus_budget_set): each instance's pool holds at most its share (the
 * budget ÷ every client's instances); a socket that still finds no room
 * closes another pool's idle one or waits for room until its deadline
 * (TM_TIMEOUT), and no instance is ever taken for down for want of a
 * socket.
 * Thread-safety: a client is shared by all gateway threads (fields name their
 * lock); a server is driven by its own threads. */
#ifndef TM_COMMON_BUS_H
#define TM_COMMON_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define TM_BUS_MAX_INSTANCES 16
#define TM_BUS_ENDPOINT_MAX 256

/* Handles one request message; writes the reply message into out. Must not
 * fail: errors become error replies. Called concurrently from workers. */
typedef void (*tm_bus_handler_fn)(void *app, const char *msg, size_t len, struct tm_buf *out);

struct tm_bus_server;

/* Binds endpoint and starts n_workers workers calling fn(app, ...).
 * On success *out owns the threads and sockets; on failure nothing is left. */
TM_MUSTCHECK enum tm_code tm_bus_server_start(const char *endpoint, int n_workers,
                                              tm_bus_handler_fn fn, void *app,
                                              struct tm_bus_server **out, struct tm_err *err);

/* Stops taking requests, lets each worker finish the request in hand
 * (handlers honour their deadlines), then closes the socket and frees srv.
 * NULL-safe. */
void tm_bus_server_stop(struct tm_bus_server *srv);

struct tm_bus_client;

/* Parses a comma-separated endpoint list for service `name`; at most
 * max_sockets sockets will ever be open for it. *out is owned by the caller. */
TM_MUSTCHECK enum tm_code tm_bus_client_new(const char *name, const char *endpoints,
                                            int max_sockets, struct tm_bus_client **out,
                                            struct tm_err *err);
/* Closes every socket. NULL-safe. No call may be in flight. */
void tm_bus_client_free(struct tm_bus_client *c);

/* Client sockets the process may hold open at once, every client's pools
 * together (default, and for sockets ≤ 0: 448, which leaves room under
 * nanomsg's 512 for SUB sockets and servers). */
void tm_bus_budget_set(int sockets);

/* Sends msg[len] and waits for the reply until deadline_mono_ms (monotonic).
 * On TM_OK *reply is the reply message (free with tm_bus_free), *reply_len
 * its size. TM_TIMEOUT when the deadline passed; TM_UNAVAIL when no instance
 * took it, or (non-idempotent) the instance died with the outcome unknown. */
TM_MUSTCHECK enum tm_code tm_bus_call(struct tm_bus_client *c, const char *msg, size_t len,
                                      int idempotent, int64_t deadline_mono_ms, char **reply,
                                      size_t *reply_len, struct tm_err *err);

/* A request sent by tm_bus_send and not yet finished: the caller's
 * storage, finished by exactly one tm_bus_wait (which gives its socket
 * back). msg is borrowed until then. Fields are the client's business. */
struct tm_bus_pending {
    struct tm_bus_client *c;
    const char *msg;
    size_t len;
    int idempotent;
    int64_t deadline_ms; /* monotonic */
    unsigned start;      /* the round-robin position it began at */
    int pass, k;         /* where its walk through the instances stands */
    int inst;            /* the instance holding it, when sock >= 0 */
    int sock;            /* the socket holding it; -1: not sent (rc, err say why) */
    enum tm_code rc;
    struct tm_err err;
};

/* The first half of tm_bus_call: sends msg (to the next instance that
 * takes it, as tm_bus_call does) and returns without waiting for the
 * reply, so one thread may have several requests in flight, each on its
 * own socket with its own deadline: sent together and waited for one after
 * the other, they take as long as the slowest, not the sum. Never fails
 * itself: tm_bus_wait reports. */
void tm_bus_send(struct tm_bus_client *c, const char *msg, size_t len, int idempotent,
                 int64_t deadline_mono_ms, struct tm_bus_pending *p);

/* The second half: waits for p's reply until its deadline (retrying on
 * another instance as tm_bus_call does). Results as tm_bus_call's; a reply
 * that is already there is taken even when the deadline passed while the
 * caller waited for another (taking it costs no time). */
TM_MUSTCHECK enum tm_code tm_bus_wait(struct tm_bus_pending *p, char **reply, size_t *reply_len,
                                      struct tm_err *err);

/* As tm_bus_call, on instance i only, never retried. */
TM_MUSTCHECK enum tm_code tm_bus_call_instance(struct tm_bus_client *c, int i, const char *msg,
                                               size_t len, int64_t deadline_mono_ms, char **reply,
                                               size_t *reply_len, struct tm_err *err);

int tm_bus_client_instances(const struct tm_bus_client *c);
const char *tm_bus_client_name(const struct tm_bus_client *c);
const char *tm_bus_client_endpoint(const struct tm_bus_client *c, int i);

/* Frees a reply returned by tm_bus_call. NULL-safe. */
void tm_bus_free(char *reply);

#endif
