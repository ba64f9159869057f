/* tests/integration/edge_test.c — nginx sheds floods before they reach a
 * gateway thread: requests without credentials from one address beyond its
 * limit are answered by nginx (429 in JSON, Retry-After), while another
 * address and authenticated clients are served; nginx's own 413 is JSON.
 * deploy/run-tests.sh sets the anonymous limit (TM_EDGE_ANON_RATE 50/s,
 * burst 300) and raises the authenticated ones for the other tests. */
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

START_TEST(test_anonymous_flood_is_shed_at_the_edge)
{
    int shed = 0, upstream = 0;
    int64_t t0 = tm_mono_ms(), took;

    /* until nginx has shed 100 (a burst of 300 and 50/s pass: any client
     * faster than 50 requests a second gets there), 20 s at most */
    while (shed < 100 && tm_mono_ms() - t0 < 20000) {
        struct resp r;

        ck_assert_int_eq(http_as(NULL, "GET", "/api/v1/products/1", NULL, &r), 0);
        if (r.status == 429 && strstr(r.body, "from this address")) {
            shed++;
            ck_assert_str_eq(err_code(&r), "rate_limited");
            ck_assert_int_ge(r.retry_after, 1);
        } else {
            ck_assert_msg(r.status == 401, "status %d: %s", r.status, r.body);
            upstream++;
        }
        resp_free(&r);
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
