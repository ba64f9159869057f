/* services/alerts/notify.c — the pure half of notification delivery
 * (notify.h): tested with plain values, so the signature a receiver checks,
 * the e-mail it reads and the retry rules are each written once. */
#include "services/alerts/notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum tm_code
al_notify_signed(int64_t ts_s, const char *body, size_t body_len, struct tm_buf *b)
{
    size_t len0 = b->len;
    enum tm_code rc = tm_buf_printf(b, "%" PRId64 ".", ts_s);

    if (rc == TM_OK && (rc = tm_buf_add(b, body, body_len)) != TM_OK) {
        b->len = len0; /* unchanged on failure */
        b->p[len0] = '\0';
    }
    return rc;
}

void
al_notify_message_id(int64_t id, int64_t alert_id, char out[AL_MSGID_MAX])
{
    snprintf(out, AL_MSGID_MAX, "<n%" PRId64 ".a%" PRId64 "@techmart>", id, alert_id);
}

/* Appends s with every control character (CR and LF included) as a space:
 * a header value cannot start another header. */
static enum tm_code
add_clean(struct tm_buf *b, const char *s)
{
    enum tm_code rc = TM_OK;

    for (; s && *s && rc == TM_OK; s++) {
        char c = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
        rc = tm_buf_add(b, &c, 1);
    }
    return rc;
}

/* "Name: value\r\n", the value cleaned */
static enum tm_code
header(struct tm_buf *b, const char *name, const char *pre, const char *value)
{
    enum tm_code rc = tm_buf_printf(b, "%s: %s", name, pre);

    if (rc == TM_OK)
        rc = add_clean(b, value);
    return rc == TM_OK ? tm_buf_adds(b, "\r\n") : rc;
}

/* 1 when byte c continues a UTF-8 sequence (a character is not cut before it) */
static int
utf8_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Appends body text with every line ending as CRLF (SMTP's) and a line
 * longer than width bytes broken, before a character's first byte. */
static enum tm_code
add_crlf(struct tm_buf *b, const char *s, size_t width)
{
    enum tm_code rc = TM_OK;
    size_t col = 0;

    for (; s && *s && rc == TM_OK; s++) {
        if (*s == '\r')
            continue;
        if (*s == '\n') {
            rc = tm_buf_adds(b, "\r\n");
            col = 0;
            continue;
        }
        if (col >= width && !utf8_cont((unsigned char)*s)) {
            if ((rc = tm_buf_adds(b, "\r\n")) != TM_OK)
                break;
            col = 0;
        }
        rc = tm_buf_add(b, s, 1);
        col++;
    }
    return rc;
}

#define WORD_RAW 39 /* bytes per encoded word: 52 base64 characters, a 64-byte word */

/* "Subject: <pre><title>\r\n", the title cleaned; as RFC 2047 encoded
 * words, one per folded line, when any byte is not ASCII. */
static enum tm_code
subject(struct tm_buf *b, const struct al_mail *m, const char *pre)
{
    struct tm_buf raw;
    enum tm_code rc;
    int ascii = 1;

    tm_buf_init(&raw, b->max);
    rc = tm_buf_adds(&raw, pre);
    if (rc == TM_OK)
        rc = add_clean(&raw, m->title);
    for (size_t i = 0; rc == TM_OK && i < raw.len; i++)
        ascii &= (unsigned char)raw.p[i] < 0x80;
    if (rc == TM_OK && (ascii || !m->base64)) {
        for (size_t i = 0; i < raw.len; i++)
            raw.p[i] = (unsigned char)raw.p[i] < 0x80 ? raw.p[i] : '?';
        rc = tm_buf_printf(b, "Subject: %s\r\n", raw.p);
    } else if (rc == TM_OK) {
        rc = tm_buf_adds(b, "Subject:");
        for (size_t at = 0, end; rc == TM_OK && at < raw.len; at = end) {
            unsigned char enc[4 * ((WORD_RAW + 2) / 3) + 1];

            end = at + WORD_RAW < raw.len ? at + WORD_RAW : raw.len;
            while (end < raw.len && end > at + 1 && utf8_cont((unsigned char)raw.p[end]))
                end--; /* a character is never split between two words */
            m->base64(enc, (const unsigned char *)raw.p + at, (int)(end - at));
            rc = tm_buf_printf(b, "%s=?UTF-8?B?%s?=", at ? "\r\n " : " ", (const char *)enc);
        }
        if (rc == TM_OK)
            rc = tm_buf_adds(b, "\r\n");
    }
    tm_buf_fini(&raw);
    return rc;
}

enum tm_code
al_notify_email(const struct al_mail *m, struct tm_buf *b)
{
    char msgid[AL_MSGID_MAX], subj_pre[64], where[96] = "";
    size_t len0 = b->len;
    enum tm_code rc;

    al_notify_message_id(m->notification_id, m->alert_id, msgid);
    snprintf(subj_pre, sizeof subj_pre, "[TechMart %.16s] ", m->severity ? m->severity : "");
    if (m->store_id > 0 && m->product_id > 0)
        snprintf(where, sizeof where, "Store %" PRId64 ", product %" PRId64 "\n", m->store_id,
                 m->product_id);
    else if (m->store_id > 0)
        snprintf(where, sizeof where, "Store %" PRId64 "\n", m->store_id);
    rc = header(b, "From", "", m->from);
    if (rc == TM_OK)
        rc = header(b, "To", "", m->to);
    if (rc == TM_OK)
        rc = header(b, "Date", "", m->date);
    if (rc == TM_OK)
        rc = header(b, "Message-ID", "", msgid);
    if (rc == TM_OK)
        rc = subject(b, m, subj_pre);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "MIME-Version: 1.0\r\n"
                            "Content-Type: text/plain; charset=utf-8\r\n"
                            "Content-Transfer-Encoding: 8bit\r\n\r\n");
    if (rc == TM_OK) {
        struct tm_buf t;

        tm_buf_init(&t, b->max);
        rc = add_clean(&t, m->title); /* one line, in the body too (wrapped when long) */
        if (rc == TM_OK)
            rc = add_crlf(b, t.p, 200);
        tm_buf_fini(&t);
    }
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           "\r\n\r\nAlert %" PRId64 " (%s), severity %s, fired at %s.\r\n"
                           "Escalation step %d, round %d.\r\n",
                           m->alert_id, m->state ? m->state : "", m->severity ? m->severity : "",
                           m->fired_at ? m->fired_at : "", m->step, m->round);
    if (rc == TM_OK)
        rc = add_crlf(b, where, AL_MAIL_WRAP);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "Details:\r\n");
    if (rc == TM_OK)
        rc = add_crlf(b, m->details, AL_MAIL_WRAP);
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           "\r\n\r\nAcknowledge it to stop the escalation: "
                           "POST /api/v1/alerts/%" PRId64 "/acknowledge\r\n",
                           m->alert_id);
    if (rc != TM_OK && b->p) { /* unchanged on failure */
        b->len = len0;
        b->p[len0] = '\0';
    }
    return rc;
}

/* 1 when the receiver refused for good: nothing sent again would change it */
static int
permanent(const struct al_attempt *a)
{
    if (a->kind == AL_SEND_WEBHOOK)
        return a->status >= 400 && a->status < 500 && a->status != 408 && a->status != 429;
    return a->status >= 500 && a->status < 600;
}

enum al_verdict
al_notify_verdict(const struct al_attempt *a, const struct tm_backoff *b, int done, uint32_t draw,
                  int *wait_ms)
{
    int w;

    *wait_ms = 0;
    if (a->transport_ok && a->kind == AL_SEND_WEBHOOK && a->status >= 200 && a->status < 300)
        return AL_DELIVERED;
    if (a->transport_ok && a->kind == AL_SEND_EMAIL && a->status == 250)
        return AL_DELIVERED;
    if (a->transport_ok && permanent(a))
        return AL_FAILED;
    w = tm_backoff_wait_ms(b, done, draw, TM_BACKOFF_NO_RETRY_AFTER);
    if (w == TM_BACKOFF_STOP)
        return AL_FAILED;
    *wait_ms = w;
    return AL_RETRY;
}
