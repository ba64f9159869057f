/* common/signals.c — synchronous signal delivery with sigtimedwait. */
#include "common/signals.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

static void
wanted(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

void
tm_signals_block(void)
{
    sigset_t set;
    struct sigaction sa;

    wanted(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

int
tm_signals_wait(int timeout_ms)
{
    sigset_t set;
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    int sig;

    wanted(&set);
    sig = sigtimedwait(&set, NULL, &ts);
    if (sig < 0)
        return 0; /* EAGAIN: timed out; EINTR: try again next call */
    return sig;
}
