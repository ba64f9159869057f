/* tests/integration/edge_test.c — nginx sheds floods before they reach a
 * gateway thread: requests without credentials from one address beyond its
 * limit are answered by nginx (429 in JSON, Retry-After), while another
 * address and authenticated clients are served; nginx's own 413 is JSON.
 * deploy/run-tests.sh sets the anonymous limit (TM_EDGE_ANON_RATE 50/s,
 * burst 300) and raises the authenticated ones for the other tests. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/time.h"

#include "tests/integration/client.h"

/* The status of GET path sent from source address `from` (another loopback
 * address is another client to nginx), with the admin's token. */
static int
status_from(const char *from, const char *path)
{
    char cmd[3072];
    FILE *p;
    int code = 0;

    snprintf(cmd, sizeof cmd,
             "curl -s -o /dev/null -w '%%{http_code}' --max-time 15 --interface %s "
             "-H 'Authorization: Bearer %s' 'http://127.0.0.1:%d%s'",
             from, st.token[0], st.http_port, path);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    if (fscanf(p, "%d", &code) != 1)
        code = -1;
    pclose(p);
    return code;
}

enum { FLOODERS = 4 };

/* What the flooding threads saw; each thread its own row. */
struct flood {
    int64_t t0;
    _Atomic int shed_all; /* every thread's shed, for the stop */
    int shed, upstream, bad_status, bad_retry;
    char bad_body[256];
};

/* One flooding thread: anonymous GETs until nginx has shed 100 in all
 * (20 s at most). No ck_assert here (not the test's thread). */
static void *
flooder(void *arg)
{
    struct flood *f = arg;

    while (atomic_load(&f->shed_all) < 100 && tm_mono_ms() - f->t0 < 20000) {
        struct resp r;

        if (http_as(NULL, "GET", "/api/v1/products/1", NULL, &r) != 0)
            continue;
        if (r.status == 429 && strstr(r.body, "from this address")) {
            f->shed++;
            if (r.retry_after < 1 || strcmp(err_code(&r), "rate_limited") != 0)
                f->bad_retry++;
        } else if (r.status == 401) {
            f->upstream++;
        } else if (!f->bad_status) {
            f->bad_status = r.status;
            snprintf(f->bad_body, sizeof f->bad_body, "%s", r.body ? r.body : "");
        }
        resp_free(&r);
    }
    return NULL;
}

START_TEST(test_anonymous_flood_is_shed_at_the_edge)
{
    int shed = 0, upstream = 0;
    int64_t t0 = tm_mono_ms(), took;

    /* until nginx has shed 100 (a burst of 300 and 50/s pass: clients
     * faster than 50 requests a second together get there; four threads,
     * so a loaded machine's slow client does not keep under the rate), 20 s
     * at most */
    {
        static struct flood f[FLOODERS];
        pthread_t th[FLOODERS];

        memset(f, 0, sizeof f);
        for (int i = 0; i < FLOODERS; i++) {
            f[i].t0 = t0;
            ck_assert_int_eq(pthread_create(&th[i], NULL, flooder, &f[i]), 0);
        }
        for (;;) { /* the threads stop on their own at 20 s; tell them the total */
            int total = 0, running = 0;

            for (int i = 0; i < FLOODERS; i++) {
                total += f[i].shed;
                running |= tm_mono_ms() - t0 < 20000;
            }
            for (int i = 0; i < FLOODERS; i++)
                atomic_store(&f[i].shed_all, total);
            if (total >= 100 || !running)
                break;
            tm_sleep_ms(10);
        }
        for (int i = 0; i < FLOODERS; i++) {
            pthread_join(th[i], NULL);
            ck_assert_msg(f[i].bad_status == 0, "status %d: %s", f[i].bad_status, f[i].bad_body);
            ck_assert_int_eq(f[i].bad_retry, 0);
            shed += f[i].shed;
            upstream += f[i].upstream;
        }
    }
    took = tm_mono_ms() - t0;
    ck_assert_msg(shed >= 100, "nginx shed %d of %d requests in %lld ms", shed, shed + upstream,
                  (long long)took);
    /* what passed is the burst and the rate over the time it took; the
     * rest never reached a gateway */
    ck_assert_msg(upstream <= 300 + 50 * (took / 1000 + 1) + 10, "%d passed nginx in %lld ms",
                  upstream, (long long)took);
    /* the flooding address, with credentials, and another address are served */
    {
        struct resp r;
        ck_assert_int_eq(http("GET", "/api/v1/products/1", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        resp_free(&r);
    }
    ck_assert_int_eq(status_from("127.0.0.2", "/api/v1/products/1"), 200);
    tm_sleep_ms(7000); /* the anonymous bucket refills for the tests after this one */
}
END_TEST

START_TEST(test_body_over_nginx_limit_is_json)
{
    size_t n = 3 << 20;
    char *big = malloc(n + 32);
    struct resp r;

    ck_assert_ptr_nonnull(big);
    memcpy(big, "{\"name\":\"", 9);
    memset(big + 9, 'a', n);
    memcpy(big + 9 + n, "\"}", 3);
    ck_assert_int_eq(http("POST", "/api/v1/categories", big, &r), 0);
    ck_assert_int_eq(r.status, 413);
    ck_assert_ptr_nonnull(r.json);
    ck_assert_str_eq(err_code(&r), "too_large");
    ck_assert_str_eq(err_field(&r), "body");
    resp_free(&r);
    free(big);
}
END_TEST

Suite *
edge_suite(void)
{
    Suite *s = suite_create("edge");
    TCase *tc = tcase_create("edge");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_body_over_nginx_limit_is_json);
    tcase_add_test(tc, test_anonymous_flood_is_shed_at_the_edge);
    suite_add_tcase(s, tc);
    return s;
}
