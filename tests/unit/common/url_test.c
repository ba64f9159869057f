/* tests/unit/common/url_test.c — common/url: the outgoing-URL allow-list
 * (tm-supplier's supplier API URLs, tm-alerts' webhooks), a table of URLs
 * that must and must not pass. */
#include <stddef.h>

#include "common/url.h"

#include "tests/unit/common/suites.h"

static const char *const hosts = "127.0.0.1,api.acme.example";
static const struct {
    const char *url;
    int ok;
} cases[] = {
    {"https://api.acme.example/v1", 1},
    {"http://127.0.0.1:8080/x?y=1", 1},
    {"HTTPS://api.acme.example/", 0},
    {"https://API.ACME.example", 1},
    {"ftp://127.0.0.1/", 0},
    {"https://evil.example/", 0},
    {"https://api.acme.example.evil/", 0},
    {"https://127.0.0.1.evil.example/", 0},
    {"http://u:p@127.0.0.1/", 0},
    {"http://evil.example@127.0.0.1/", 0},
    {"http://127.0.0.1:0/", 0},
    {"http://127.0.0.1:65536/", 0},
    {"http://127.0.0.1:65535/", 1},
    {"http://127.0.0.1:/", 0},
    {"http://127.0.0.1:8a/", 0},
    {"http:///x", 0},
    {"http://127.0.0.1/a b", 0},
    {"http://127.0.0.1/a\r\nHost: x", 0},
    {"127.0.0.1", 0},
    {"", 0},
};

START_TEST(test_url_allowed_only_for_listed_hosts)
{
    ck_assert_msg(tm_url_allowed(cases[_i].url, hosts) == cases[_i].ok, "%s", cases[_i].url);
}
END_TEST

START_TEST(test_url_refused_by_an_empty_list)
{
    ck_assert_int_eq(tm_url_allowed("http://127.0.0.1/", ""), 0);
    ck_assert_int_eq(tm_url_allowed("http://127.0.0.1/", NULL), 0);
    ck_assert_int_eq(tm_url_allowed("http://127.0.0.1/", ",,"), 0);
    ck_assert_int_eq(tm_url_allowed("http://localhost/", "127.0.0.1,,localhost"), 1);
}
END_TEST

Suite *
url_suite(void)
{
    Suite *s = suite_create("url");
    TCase *tc = tcase_create("allow_list");

    tcase_add_loop_test(tc, test_url_allowed_only_for_listed_hosts, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_url_refused_by_an_empty_list);
    suite_add_tcase(s, tc);
    return s;
}
