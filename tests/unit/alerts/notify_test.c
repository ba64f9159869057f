/* tests/unit/alerts/notify_test.c — the pure half of notification
 * delivery: what a webhook signs, the Message-ID
 * and text of an alert e-mail (no header injected by a title), and the
 * verdict of each attempt's outcome (delivered, retried, failed); a
 * Subject that is not ASCII as RFC 2047 words, and no body line past SMTP's
 * 998 bytes (checked against the plain text they encode). */
#include <string.h>

#include <openssl/evp.h>

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

/* The longest line of b (CRLF not counted); *cut 1 when a line starts
 * inside a UTF-8 character. */
static size_t
longest_line(const char *p, int *cut)
{
    size_t best = 0;

    *cut = 0;
    for (const char *l = p; *l;) {
        const char *e = strstr(l, "\r\n");
        size_t n = e ? (size_t)(e - l) : strlen(l);

        *cut |= ((unsigned char)*l & 0xC0) == 0x80;
        best = n > best ? n : best;
        l += n + (e ? 2 : 0);
    }
    return best;
}

START_TEST(test_email_subject_not_ascii_is_encoded)
{
    /* 30 "ü" (2 bytes each) and a 3-byte "—": words must cut between characters */
    char title[256] = "K";
    struct al_mail m = {.from = "a@b.c",
                        .to = "d@e.f",
                        .date = "x",
                        .severity = "high",
                        .title = title,
                        .details = "{}",
                        .base64 = EVP_EncodeBlock};
    struct tm_buf b;
    char got[512] = "", *p, *end;
    int cut = 0, words = 0;

    for (int i = 0; i < 30; i++)
        strncat(title, "\xc3\xbc", sizeof title - strlen(title) - 1);
    strncat(title, " \xe2\x80\x94 T\xc3\xbcr\r\nBcc: x@y.z", sizeof title - strlen(title) - 1);
    tm_buf_init(&b, 8192);
    ck_assert_int_eq(al_notify_email(&m, &b), TM_OK);
    p = strstr(b.p, "\r\nSubject: =?UTF-8?B?");
    ck_assert_ptr_nonnull(p);
    end = strstr(p, "\r\nMIME-Version:");
    ck_assert_ptr_nonnull(end);
    ck_assert_ptr_null(strstr(b.p, "\r\nBcc:"));
    /* each word decodes to whole characters; together, the subject */
    for (p = strstr(p, "=?UTF-8?B?"); p && p < end; p = strstr(p, "=?UTF-8?B?")) {
        unsigned char dec[128];
        char *q = strstr(p, "?=");
        int pad = 0, n;

        p += 10;
        ck_assert_ptr_nonnull(q);
        ck_assert_int_le(q - p + 12, 75); /* RFC 2047: a word is 75 characters at most */
        pad = (q[-1] == '=') + (q[-2] == '=');
        n = EVP_DecodeBlock(dec, (const unsigned char *)p, (int)(q - p)) - pad;
        ck_assert_int_gt(n, 0);
        ck_assert_int_ne(dec[0] & 0xC0, 0x80); /* no word starts inside a character */
        strncat(got, (const char *)dec, (size_t)n);
        words++;
        p = q + 2;
    }
    ck_assert_int_ge(words, 2);
    ck_assert_str_eq(got, "[TechMart high] Kü\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
                          "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
                          "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
                          "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
                          " \xe2\x80\x94 T\xc3\xbcr  Bcc: x@y.z");
    ck_assert_int_le(longest_line(b.p, &cut), 998);
    ck_assert_int_eq(cut, 0);
    tm_buf_fini(&b);
    /* without a codec: ASCII only, '?' for each other byte */
    m.base64 = NULL;
    m.title = "Caf\xc3\xa9";
    tm_buf_init(&b, 8192);
    ck_assert_int_eq(al_notify_email(&m, &b), TM_OK);
    ck_assert_ptr_nonnull(strstr(b.p, "\r\nSubject: [TechMart high] Caf??\r\n"));
    tm_buf_fini(&b);
}
END_TEST

START_TEST(test_email_long_details_are_wrapped)
{
    /* one line of 3 900 bytes of JSON, "é" (2 bytes) and "€" (3) among ASCII */
    char details[4000], title[300];
    struct al_mail m = {.from = "a@b.c",
                        .to = "d@e.f",
                        .date = "x",
                        .severity = "high",
                        .title = title,
                        .details = details,
                        .base64 = EVP_EncodeBlock};
    struct tm_buf b, flat;
    const char *p;
    size_t k = 0;
    int cut = 0;

    k += (size_t)snprintf(details, sizeof details, "{\"note\":\"");
    for (int i = 0; k + 8 < 3900; i++) {
        const char *piece = i % 3 == 0 ? "\xc3\xa9" : i % 3 == 1 ? "\xe2\x82\xac" : "ab";
        size_t n = strlen(piece);

        memcpy(details + k, piece, n);
        k += n;
    }
    memcpy(details + k, "\"}", 3);
    memset(title, 'T', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    tm_buf_init(&b, 32768);
    ck_assert_int_eq(al_notify_email(&m, &b), TM_OK);
    ck_assert_int_le(longest_line(b.p, &cut), 998); /* SMTP's limit */
    ck_assert_int_eq(cut, 0);
    p = strstr(b.p, "Details:\r\n");
    ck_assert_ptr_nonnull(p);
    p += strlen("Details:\r\n");
    /* the details' lines: AL_MAIL_WRAP bytes, and the rest of a character */
    ck_assert_int_le(longest_line(p, &cut), AL_MAIL_WRAP + 3);
    ck_assert_int_ge(longest_line(p, &cut), AL_MAIL_WRAP);
    /* the details, lines joined again, are the details */
    tm_buf_init(&flat, 8192);
    for (; *p && strncmp(p, "\r\n\r\n", 4) != 0; p++)
        if (*p != '\r' && *p != '\n')
            ck_assert_int_eq(tm_buf_add(&flat, p, 1), TM_OK);
    ck_assert_str_eq(flat.p, details);
    tm_buf_fini(&flat);
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
    tcase_add_test(tc, test_email_subject_not_ascii_is_encoded);
    tcase_add_test(tc, test_email_long_details_are_wrapped);
    tcase_add_loop_test(tc, test_verdict, 0, (int)(sizeof verdicts / sizeof verdicts[0]));
    tcase_add_test(tc, test_verdict_backoff_grows);
    suite_add_tcase(s, tc);
    return s;
}
