/* services/analytics/sale_batch.c — the held sales of sale_batch.h. A
 * batch holds at most AN_BATCH_SALES sales, so the look for a held id is a
 * scan: at most 500 comparisons per sale, next to a round trip to
 * PostgreSQL per batch. */
#include "services/analytics/sale_batch.h"

#include <string.h>

void
an_sale_batch_clear(struct an_sale_batch *b)
{
    b->n = 0;
    b->n_lines = 0;
}

int
an_sale_batch_full(const struct an_sale_batch *b)
{
    return b->n >= AN_BATCH_SALES || b->n_lines > AN_BATCH_LINES - AN_SALE_LINES_MAX;
}

enum tm_code
an_sale_batch_add(struct an_sale_batch *b, const struct an_sale *s, struct tm_err *err)
{
    int n_lines = s->status == AN_SALE_COMPLETED ? s->n_lines : 0;
    struct an_batch_sale *o;

    if (s->status != AN_SALE_COMPLETED && s->status != AN_SALE_DECLINED)
        return tm_err_set(err, TM_INVALID, "status", "only a completed or declined sale is added");
    for (int i = 0; i < b->n; i++)
        if (b->sales[i].id == s->id)
            return tm_err_set(err, TM_INVALID, "id", "sale %lld was applied before",
                              (long long)s->id);
    if (b->n >= AN_BATCH_SALES || n_lines > AN_BATCH_LINES - b->n_lines)
        return tm_err_set(err, TM_TOOBIG, NULL, "the batch is full");
    o = &b->sales[b->n++];
    o->id = s->id;
    o->store_id = s->store_id;
    o->customer_id = s->customer_id;
    o->total_cents = s->total_cents;
    o->units = s->units;
    memcpy(o->occurred_at, s->occurred_at, sizeof o->occurred_at);
    o->status = s->status;
    o->decision = s->decision;
    o->review = s->review;
    for (int i = 0; i < n_lines; i++) {
        struct an_batch_line *l = &b->lines[b->n_lines++];

        l->sale_id = s->id;
        l->line = s->lines[i].line;
        l->product_id = s->lines[i].product_id;
        l->quantity = s->lines[i].quantity;
        l->amount_cents = s->lines[i].amount_cents;
    }
    return TM_OK;
}

void
an_sale_batch_pick(const struct an_sale_batch *b, int i, struct an_sale_batch *one)
{
    int64_t id = b->sales[i].id;

    an_sale_batch_clear(one);
    one->sales[one->n++] = b->sales[i];
    for (int j = 0; j < b->n_lines; j++)
        if (b->lines[j].sale_id == id)
            one->lines[one->n_lines++] = b->lines[j];
}
