/* tests/integration/alerts_hook.h — what the alert notification tests
 * receive: a webhook receiver inside the test process that records every
 * request and checks its signature (paths under /hold answer a delivery
 * id's first request only after 8 s, a slow receiver to kill a sender on;
 * paths under /slow answer every request 500 after SLOW_MS), and the
 * messages the test stack's SMTP sink took. */
#ifndef TM_TESTS_INTEGRATION_ALERTS_HOOK_H
#define TM_TESTS_INTEGRATION_ALERTS_HOOK_H

#define SECRET "alerts-notify-test-secret-0123456789" /* the webhook channels' */
#define HOOK_MAX 256                                  /* requests one test's receiver records */
#define SLOW_MS 1500 /* a /slow answer's delay: under the test stack's 3 s try */

/* One request the receiver took. */
struct hook_req {
    char path[96];
    long long delivery, alert_id;
    int step, round, sig_ok;
};

/* The receiver's port (TM_TEST_HOOK_PORT); starting it (each test in its
 * own process: Check forks) and stopping it. */
int hook_port(void);
void hook_start(void);
void hook_stop(void);

/* Requests for alert at path (NULL: any path) of step (-1: any); *bad (may
 * be NULL) counts the ones whose signature failed. */
int hook_count(const char *path, long long alert, int step, int *bad);
/* Waits up to ms for hook_count(hpath, alert, step) to reach want; the count. */
int wait_hook(const char *hpath, long long alert, int step, int want, int ms);
/* Waits up to ms for the receiver to be holding a request; 1 when it is. */
int wait_holding(int ms);
/* Copies up to max requests the receiver took for alert into out; their count. */
int hook_taken(long long alert, struct hook_req *out, int max);

/* Messages in the SMTP sink (TM_TEST_SMTP_DIR/new) about alert (its
 * Message-ID names it); *nid (may be NULL) the notification id of the last. */
int mail_count(long long alert, long long *nid);
/* Waits up to ms for mail_count(alert) to reach want; the count. */
int wait_mail(long long alert, int want, int ms);

#endif
