/* tests/fuzz/alerts_life_fuzz.c — libFuzzer over the alert routes' input
 * (services/alerts/alert_decode.c): the bytes as a manual alert's body, as
 * an acknowledge / resolve body, and as a list's query string ("k=v&k=v",
 * split here into the request's parameters as the envelope carries them,
 * then read by the router's query helpers). Each must refuse garbage with
 * TM_INVALID, never crash, leak or read out of bounds, and what it accepts
 * must keep its bounds. Every input runs on a thread of
 * TM_DECODER_STACK_SIZE bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/http.h"
#include "common/router.h"

#include "services/alerts/alert_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QUERY_TEXT_MAX 4096

struct input {
    const char *text;
    size_t size;
};

static void
check(int ok)
{
    if (!ok)
        abort();
}

static void
manual(const struct input *in)
{
    struct al_manual m;
    char note[AL_NOTE_MAX + 1];
    enum tm_code rc = al_decode_manual(in->text, in->size, &m, NULL);

    check(rc == TM_OK || rc == TM_INVALID);
    if (rc == TM_OK) {
        size_t n = strnlen(m.title, sizeof m.title);
        check(n >= 1 && n <= AL_TITLE_MAX);
        check(strnlen(m.description, sizeof m.description) <= AL_DESCRIPTION_MAX);
        check((unsigned)m.severity < AL_SEV_COUNT);
        check(m.store_id >= 0 && m.product_id >= 0 && m.policy_id >= 0);
    }
    rc = al_decode_note(in->text, in->size, note, NULL);
    check(rc == TM_OK || rc == TM_INVALID);
    check(strnlen(note, sizeof note) <= AL_NOTE_MAX);
}

/* the text as a query string: at most TM_QUERY_MAX "k=v" pairs */
static void
list(const struct input *in)
{
    char *text = malloc(QUERY_TEXT_MAX + 1);
    struct tm_request *req = calloc(1, sizeof *req);
    size_t n = in->size < QUERY_TEXT_MAX ? in->size : QUERY_TEXT_MAX;
    struct tm_ctx ctx;
    struct al_filter f;
    struct tm_page pg;
    enum tm_code rc;

    check(text && req);
    memcpy(text, in->text, n);
    text[n] = '\0';
    for (char *p = text, *end; p && *p && req->n_query < TM_QUERY_MAX; p = end) {
        char *eq;
        end = strchr(p, '&');
        if (end)
            *end++ = '\0';
        eq = strchr(p, '=');
        if (eq)
            *eq = '\0';
        req->query[req->n_query].key = p;
        req->query[req->n_query++].val = eq ? eq + 1 : "";
    }
    tm_ctx_init(&ctx, req, NULL);
    rc = al_decode_list(&ctx, &f, &pg, NULL);
    /* forbidden: a store_id this principal (none) does not hold */
    check(rc == TM_OK || rc == TM_INVALID || rc == TM_FORBIDDEN);
    if (rc == TM_OK) {
        check(pg.limit >= 1 && pg.limit <= TM_LIMIT_MAX && pg.after_id >= 0);
        check(f.store_id >= 0 && f.rule_id >= 0 && !f.store_scope);
    }
    free(req);
    free(text);
}

static void
decode_all(void *arg)
{
    manual(arg);
    list(arg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {(const char *)data, size};

    if (tm_run_on_stack(TM_DECODER_STACK_SIZE, decode_all, &in) != TM_OK)
        abort();
    return 0;
}
