/* services/alerts/notify.h — the pure half of tm-alerts' notification
 * delivery (docs/alerts.md "Escalation and notification"): what a webhook
 * signs, the text of an alert e-mail, and what an
 * attempt's outcome means for the notification (delivered, tried again
 * later, failed for good). No I/O, no clock, no randomness: the caller
 * (services/alerts/deliver.c) computes the HMAC, reads the clock, sends,
 * and hands the numbers in. Thread-safe. */
#ifndef TM_ALERTS_NOTIFY_H
#define TM_ALERTS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "common/backoff.h"
#include "common/buf.h"
#include "common/err.h"

#define AL_MSGID_MAX 64 /* "<n<id>.a<id>@techmart>" */
#define AL_MAIL_WRAP 76 /* a body line's bytes before it is wrapped (RFC 5322 asks <= 78) */

/* Appends what a webhook request signs to b: "<unix seconds>.<body>".
 * TM_TOOBIG when b is full (b unchanged). */
TM_MUSTCHECK enum tm_code al_notify_signed(int64_t ts_s, const char *body, size_t body_len,
                                           struct tm_buf *b);

/* The Message-ID of notification `id` of alert `alert_id`:
 * "<n<id>.a<alert_id>@techmart>" (the receiver's idempotency key). */
void al_notify_message_id(int64_t id, int64_t alert_id, char out[AL_MSGID_MAX]);

/* An alert e-mail's parts, borrowed. Header values are cleaned (CR, LF and
 * other control characters become spaces) so no input adds a header. */
struct al_mail {
    const char *from, *to;
    const char *date; /* RFC 5322 date, "Fri, 27 Nov 2026 02:14:39 +0000" */
    int64_t notification_id, alert_id;
    const char *severity, *title;
    int step, round;
    const char *state; /* the alert's state when sent */
    const char *fired_at;
    const char *details;          /* the alert's details as JSON text */
    int64_t store_id, product_id; /* 0: none */
    /* base64 of in[n] into out (4 * ((n + 2) / 3) + 1 bytes, NUL-terminated),
     * returning its length: the caller's codec (OpenSSL's EVP_EncodeBlock),
     * for a Subject that is not ASCII; NULL turns its non-ASCII bytes to '?' */
    int (*base64)(unsigned char *out, const unsigned char *in, int n);
};

/* Appends the message (headers, blank line, text/plain body; CRLF line ends)
 * to b: Subject "[TechMart <severity>] <title>" — RFC 2047 encoded words
 * (=?UTF-8?B?...?=, folded, cut on UTF-8 boundaries) when it is not ASCII —
 * and the Message-ID above. Body lines are wrapped (the details every
 * AL_MAIL_WRAP bytes, on a UTF-8 boundary) so none passes SMTP's 998.
 * TM_TOOBIG when b is full (b unchanged). */
TM_MUSTCHECK enum tm_code al_notify_email(const struct al_mail *m, struct tm_buf *b);

enum al_send_kind { AL_SEND_WEBHOOK, AL_SEND_EMAIL };

/* One attempt's outcome: transport_ok 0 when nothing came back (connect,
 * timeout, TLS); status the HTTP status or the SMTP reply code (0 when
 * none). */
struct al_attempt {
    enum al_send_kind kind;
    int transport_ok;
    int status;
};

enum al_verdict {
    AL_DELIVERED, /* the receiver took it */
    AL_RETRY,     /* try again after *wait_ms */
    AL_FAILED,    /* give up: a permanent refusal, or attempts used up */
};

/* The verdict after attempt number `done` (>= 1) of at most b->attempts:
 * a webhook's 2xx or an SMTP transfer that ended in 250 delivers; a
 * webhook's 4xx other than 408 and 429, and an SMTP 5xx, fail at once;
 * anything else is retried after a wait from tm_backoff_wait_ms (draw: a
 * uniform random number), or fails when the attempts are used up. */
enum al_verdict al_notify_verdict(const struct al_attempt *a, const struct tm_backoff *b, int done,
                                  uint32_t draw, int *wait_ms);

#endif
