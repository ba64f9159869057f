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

/* Appends body text with every line ending as CRLF (SMTP's). */
static enum tm_code
add_crlf(struct tm_buf *b, const char *s)
{
    enum tm_code rc = TM_OK;

    for (; s && *s && rc == TM_OK; s++) {
        if (*s == '\r')
            continue;
        rc = *s == '\n' ? tm_buf_adds(b, "\r\n") : tm_buf_add(b, s, 1);
    }
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
        rc = header(b, "Subject", subj_pre, m->title);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "MIME-Version: 1.0\r\n"
                            "Content-Type: text/plain; charset=utf-8\r\n"
                            "Content-Transfer-Encoding: 8bit\r\n\r\n");
    if (rc == TM_OK)
        rc = add_clean(b, m->title); /* one line, in the body too */
    if (rc == TM_OK)
        rc = tm_buf_printf(b,
                           "\r\n\r\nAlert %" PRId64 " (%s), severity %s, fired at %s.\r\n"
                           "Escalation step %d, round %d.\r\n",
                           m->alert_id, m->state ? m->state : "", m->severity ? m->severity : "",
                           m->fired_at ? m->fired_at : "", m->step, m->round);
    if (rc == TM_OK)
        rc = add_crlf(b, where);
    if (rc == TM_OK)
        rc = tm_buf_adds(b, "Details: ");
    if (rc == TM_OK)
        rc = add_crlf(b, m->details);
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
