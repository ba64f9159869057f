/* tests/unit/alerts/notify_test.c — the pure half of notification
 * delivery: what a webhook signs, the Message-ID
 * and text of an alert e-mail (no header injected by a title), and the
 * verdict of each attempt's outcome (delivered, retried, failed). */
#include <string.h>

#include "services/alerts/notify.h"
#include "tests/unit/alerts/suites.h"

START_TEST(test_signed_input)
{
    struct tm_buf b;

    tm_buf_init(&b, 64);
    ck_assert_int_eq(al_notify_signed(1700000000, "{\"a\":1}", 7, &b), TM_OK);
    ck_assert_str_eq(b.p, "1700000000.{\"a\":1}");
    tm_buf_reset(&b);
    /* too big: b unchanged */
    ck_assert_int_eq(tm_buf_adds(&b, "x"), TM_OK);
    ck_assert_int_eq(
        al_notify_signed(1, "0123456789012345678901234567890123456789012345678901234567890123", 64,
                         &b),
        TM_TOOBIG);
    ck_assert_str_eq(b.p, "x");
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_message_id)
{
    char out[AL_MSGID_MAX];

    al_notify_message_id(12, 41, out);
    ck_assert_str_eq(out, "<n12.a41@techmart>");
    al_notify_message_id(INT64_MAX, INT64_MAX, out);
    ck_assert_ptr_nonnull(strstr(out, "@techmart>"));
}
END_TEST

START_TEST(test_email)
{
    struct al_mail m = {.from = "alerts@techmart.invalid",
                        .to = "ops@example.com",
                        .date = "Fri, 27 Nov 2026 02:14:39 +0000",
                        .notification_id = 7,
                        .alert_id = 41,
                        .severity = "high",
                        .title = "Low stock\r\nBcc: evil@example.com",
                        .step = 1,
                        .round = 0,
                        .state = "firing",
                        .fired_at = "2026-11-27T02:00:00.000Z",
                        .details = "{\"observed\":0.8}\n.",
                        .store_id = 1,
                        .product_id = 7};
    struct tm_buf b;

    tm_buf_init(&b, 4096);
    ck_assert_int_eq(al_notify_email(&m, &b), TM_OK);
    ck_assert_ptr_nonnull(strstr(b.p, "Message-ID: <n7.a41@techmart>\r\n"));
    ck_assert_ptr_nonnull(
        strstr(b.p, "Subject: [TechMart high] Low stock  Bcc: evil@example.com\r\n"));
    ck_assert_ptr_null(strstr(b.p, "\r\nBcc:")); /* the title added no header */
    ck_assert_ptr_nonnull(strstr(b.p, "From: alerts@techmart.invalid\r\nTo: ops@example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "\r\n\r\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "Store 1, product 7\r\n"));
    ck_assert_ptr_nonnull(strstr(b.p, "/api/v1/alerts/41/acknowledge"));
    for (size_t i = 0; i < b.len; i++) /* every line ends CRLF */
        if (b.p[i] == '\n')
            ck_assert_int_eq(b.p[i - 1], '\r');
    tm_buf_fini(&b);
    /* too small: b unchanged */
    tm_buf_init(&b, 100);
    ck_assert_int_eq(al_notify_email(&m, &b), TM_TOOBIG);
    ck_assert_uint_eq(b.len, 0);
    tm_buf_fini(&b);
}
END_TEST

static const struct tm_backoff bo = {3, 100, 1000};

/* kind, transport_ok, status, done → verdict, wait */
static const struct {
    struct al_attempt a;
    int done;
    enum al_verdict want;
    int wait_ms;
} verdicts[] = {
    {{AL_SEND_WEBHOOK, 1, 200}, 1, AL_DELIVERED, 0},
    {{AL_SEND_WEBHOOK, 1, 204}, 3, AL_DELIVERED, 0}, /* the last attempt counts */
    {{AL_SEND_WEBHOOK, 1, 400}, 1, AL_FAILED, 0},    /* refused for good */
    {{AL_SEND_WEBHOOK, 1, 404}, 1, AL_FAILED, 0},
    {{AL_SEND_WEBHOOK, 1, 408}, 1, AL_RETRY, 50}, /* timeouts and throttling are retried */
    {{AL_SEND_WEBHOOK, 1, 429}, 2, AL_RETRY, 50},
    {{AL_SEND_WEBHOOK, 1, 500}, 1, AL_RETRY, 50},
    {{AL_SEND_WEBHOOK, 1, 503}, 3, AL_FAILED, 0}, /* attempts used up */
    {{AL_SEND_WEBHOOK, 1, 302}, 1, AL_RETRY, 50}, /* redirects are not followed */
    {{AL_SEND_WEBHOOK, 0, 0}, 1, AL_RETRY, 50},   /* nothing came back */
    {{AL_SEND_WEBHOOK, 0, 0}, 3, AL_FAILED, 0},
    {{AL_SEND_EMAIL, 1, 250}, 1, AL_DELIVERED, 0},
    {{AL_SEND_EMAIL, 1, 550}, 1, AL_FAILED, 0}, /* mailbox refused */
    {{AL_SEND_EMAIL, 1, 451}, 1, AL_RETRY, 50}, /* try later */
    {{AL_SEND_EMAIL, 0, 0}, 2, AL_RETRY, 50},
    {{AL_SEND_EMAIL, 1, 200}, 1, AL_RETRY, 50}, /* not an SMTP success */
};

START_TEST(test_verdict)
{
    int wait = -1;
    enum al_verdict v = al_notify_verdict(&verdicts[_i].a, &bo, verdicts[_i].done, 50, &wait);

    ck_assert_msg(v == verdicts[_i].want, "case %d: verdict %d want %d", _i, v, verdicts[_i].want);
    ck_assert_msg(wait == verdicts[_i].wait_ms, "case %d: wait %d want %d", _i, wait,
                  verdicts[_i].wait_ms);
}
END_TEST

START_TEST(test_verdict_backoff_grows)
{
    struct al_attempt a = {AL_SEND_WEBHOOK, 0, 0};
    struct tm_backoff b = {10, 100, 1000};
    int wait = 0;

    /* full jitter under a doubling ceiling: the draw's top reaches it */
    ck_assert_int_eq(al_notify_verdict(&a, &b, 1, 100, &wait), AL_RETRY);
    ck_assert_int_eq(wait, 100);
    ck_assert_int_eq(al_notify_verdict(&a, &b, 3, 400, &wait), AL_RETRY);
    ck_assert_int_eq(wait, 400);
    ck_assert_int_eq(al_notify_verdict(&a, &b, 8, 1000, &wait), AL_RETRY);
    ck_assert_int_eq(wait, 1000); /* capped */
}
END_TEST

Suite *
notify_suite(void)
{
    Suite *s = suite_create("alerts.notify");
    TCase *tc = tcase_create("notify");

    tcase_add_test(tc, test_signed_input);
    tcase_add_test(tc, test_message_id);
    tcase_add_test(tc, test_email);
    tcase_add_loop_test(tc, test_verdict, 0, (int)(sizeof verdicts / sizeof verdicts[0]));
    tcase_add_test(tc, test_verdict_backoff_grows);
    suite_add_tcase(s, tc);
    return s;
}
