/* tests/support/proc.c — see proc.h. */
#include "tests/support/proc.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/time.h"

#define STOP_WAIT_MS 5000

/* Whether every thread of pid is stopped (state T in its stat line). */
static int
all_stopped(int pid)
{
    char path[64], line[512];
    struct dirent *d;
    DIR *dir;
    int all = 1, any = 0;

    snprintf(path, sizeof path, "/proc/%d/task", pid);
    if (!(dir = opendir(path)))
        return 0;
    while (all && (d = readdir(dir)) != NULL) {
        const char *state;
        FILE *f;

        if (d->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.16s/stat", pid, d->d_name);
        if (!(f = fopen(path, "r")))
            continue; /* a thread that ended */
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
        /* "tid (comm) S ...": the state follows the last ')' */
        state = strrchr(line, ')');
        all = state && state[1] == ' ' && (state[2] == 'T' || state[2] == 't');
        any = 1;
    }
    closedir(dir);
    return all && any;
}

int
test_signal(int pid, int sig)
{
    int64_t until = tm_mono_ms() + STOP_WAIT_MS;

    if (pid <= 0) {
        errno = ESRCH;
        return -1;
    }
    if (kill(pid, sig) != 0)
        return -1;
    while (sig == SIGSTOP && !all_stopped(pid)) {
        if (tm_mono_ms() >= until) {
            errno = ETIMEDOUT;
            return -1;
        }
        tm_sleep_ms(5);
    }
    return 0;
}
