/* common/bus_server.c — the server half of common/bus.h: a service
 * instance's REP socket and its worker threads (the client half, pools and
 * retries, is common/bus.c). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>

#include "common/bus.h"
#include "common/log.h"

#include "proto/limits.h"

/* One raw REP socket is shared by every worker thread (nanomsg sockets are
 * thread-safe): each worker receives a request with its routing header in
 * the control data and sends the reply back with that same header. This
 * avoids a device thread and an inproc hop per message, which halved the
 * service's CPU per request against the nn_device design. */
struct tm_bus_server {
    int sock; /* raw REP bound to the endpoint */
    int n_workers;
    pthread_t *workers;
    tm_bus_handler_fn fn;
    void *app;
    atomic_int stopping; /* set by stop; workers leave after their request */
};

static void *
worker_main(void *arg)
{
    struct tm_bus_server *srv = arg;
    struct tm_buf out;

    tm_buf_init(&out, TM_MESSAGE_MAX);
    while (!atomic_load(&srv->stopping)) {
        char *msg = NULL;
        void *control = NULL;
        struct nn_iovec iov = {&msg, NN_MSG};
        struct nn_msghdr hdr;
        int n;

        memset(&hdr, 0, sizeof hdr);
        hdr.msg_iov = &iov;
        hdr.msg_iovlen = 1;
        hdr.msg_control = &control;
        hdr.msg_controllen = NN_MSG;
        n = nn_recvmsg(srv->sock, &hdr, 0);
        if (n < 0) {
            int e = nn_errno();
            if (e == ETIMEDOUT || e == EAGAIN || e == EINTR)
                continue;
            if (e != ETERM && e != EBADF)
                tm_log_error(NULL, "bus.recv", "error=\"%s\"", nn_strerror(e));
            break;
        }
        tm_buf_reset(&out);
        srv->fn(srv->app, msg, (size_t)n, &out);
        nn_freemsg(msg);
        iov.iov_base = out.p ? out.p : "";
        iov.iov_len = out.len;
        hdr.msg_control = &control; /* the same routing header goes back */
        hdr.msg_controllen = NN_MSG;
        if (nn_sendmsg(srv->sock, &hdr, 0) < 0) {
            tm_log_warn(NULL, "bus.send", "error=\"%s\"", nn_strerror(nn_errno()));
            nn_freemsg(control);
        }
    }
    tm_buf_fini(&out);
    return NULL;
}

enum tm_code
tm_bus_server_start(const char *endpoint, int n_workers, tm_bus_handler_fn fn, void *app,
                    struct tm_bus_server **out, struct tm_err *err)
{
    struct tm_bus_server *srv = tm_xcalloc(1, sizeof *srv);
    int max = TM_MESSAGE_MAX, tmo = 100, started = 0;

    srv->fn = fn;
    srv->app = app;
    srv->n_workers = n_workers;
    srv->sock = nn_socket(AF_SP_RAW, NN_REP);
    if (srv->sock < 0 ||
        nn_setsockopt(srv->sock, NN_SOL_SOCKET, NN_RCVMAXSIZE, &max, sizeof max) < 0 ||
        nn_setsockopt(srv->sock, NN_SOL_SOCKET, NN_RCVTIMEO, &tmo, sizeof tmo) < 0 ||
        nn_setsockopt(srv->sock, NN_SOL_SOCKET, NN_SNDTIMEO, &tmo, sizeof tmo) < 0 ||
        nn_bind(srv->sock, endpoint) < 0) {
        tm_err_set(err, TM_UNAVAIL, "bus-endpoint", "bind %s: %s", endpoint,
                   nn_strerror(nn_errno()));
        goto fail;
    }
    srv->workers = tm_xcalloc((size_t)n_workers, sizeof *srv->workers);
    for (; started < n_workers; started++)
        if (pthread_create(&srv->workers[started], NULL, worker_main, srv) != 0)
            break;
    if (started < n_workers) {
        tm_err_set(err, TM_INTERNAL, NULL, "cannot start bus threads");
        atomic_store(&srv->stopping, 1);
        for (int i = 0; i < started; i++)
            pthread_join(srv->workers[i], NULL);
        goto fail;
    }
    *out = srv;
    return TM_OK;
fail:
    if (srv->sock >= 0)
        nn_close(srv->sock);
    free(srv->workers);
    free(srv);
    return err ? err->code : TM_UNAVAIL;
}

void
tm_bus_server_stop(struct tm_bus_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stopping, 1);
    for (int i = 0; i < srv->n_workers; i++)
        pthread_join(srv->workers[i], NULL);
    nn_close(srv->sock);
    free(srv->workers);
    free(srv);
}
