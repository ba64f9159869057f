/* tests/support/proc.h — processes the tests stop and resume, shared by
 * the unit and integration tests. */
#ifndef TM_TESTS_SUPPORT_PROC_H
#define TM_TESTS_SUPPORT_PROC_H

/* Sends sig to pid: 0, or -1 with errno set. For SIGSTOP it returns once
 * every thread of pid has stopped (-1 with errno ETIMEDOUT after 5 s):
 * kill() returns while the stop is still pending, one thread takes it when
 * it next runs and then stops the others, and on a loaded machine another
 * thread could answer a request sent meanwhile. */
int test_signal(int pid, int sig);

#endif
