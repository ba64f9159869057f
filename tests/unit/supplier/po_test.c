/* tests/unit/supplier/po_test.c — a purchase order's life (po.c) and its
 * body decoders (po_decode.c): which action each status takes, what each
 * step does to tm-inventory's incoming (summing to 0 once a PO closes), and
 * each refusal naming its field. */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

#include "services/supplier/po.h"
#include "services/supplier/po_decode.h"
#include "tests/unit/supplier/suites.h"

static struct sup_po *
po_of(int n, const int64_t *qty)
{
    struct sup_po *po = calloc(1, sizeof *po);

    ck_assert_ptr_nonnull(po);
    po->status = SUP_PO_DRAFT;
    po->n = n;
    for (int i = 0; i < n; i++)
        po->lines[i] = (struct sup_po_line){100 + i, qty[i], -1, 0, 0};
    return po;
}

/* Sums deltas into incoming[product - 100]. */
static void
add(int64_t *incoming, const struct sup_po_delta *d, int n)
{
    for (int i = 0; i < n; i++)
        incoming[d[i].product_id - 100] += d[i].delta;
}

static struct sup_receipt *
receipt_of(int n, const int64_t (*l)[3])
{
    struct sup_receipt *r = calloc(1, sizeof *r);

    ck_assert_ptr_nonnull(r);
    r->n = n;
    for (int i = 0; i < n; i++)
        r->lines[i] = (struct sup_receipt_line){l[i][0], l[i][1], l[i][2], false};
    return r;
}

START_TEST(test_life_incoming_sums_to_zero)
{
    static const int64_t qty[2] = {48, 12};
    struct sup_po *po = po_of(2, qty);
    struct sup_po_delta d[SUP_PO_LINES_MAX];
    int64_t incoming[2] = {0, 0}, conf[2] = {40, 12};
    static const int64_t first[2][3] = {{100, 30, 0}, {101, 12, 0}};
    static const int64_t second[1][3] = {{100, 8, 2}};
    struct sup_receipt *r1 = receipt_of(2, first), *r2 = receipt_of(1, second);
    struct tm_err err;
    int n;

    ck_assert_int_eq(sup_po_allows(po->status, SUP_PO_SEND, &err), TM_OK);
    add(incoming, d, sup_po_sent_deltas(po, d));
    ck_assert_int_eq(incoming[0], 48);
    ck_assert_int_eq(incoming[1], 12);
    po->status = SUP_PO_SENT;
    /* the supplier confirms 40 of 48: incoming follows; line 2 unchanged */
    n = sup_po_confirm(po, conf, d);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(d[0].delta, -8);
    add(incoming, d, n);
    po->status = SUP_PO_CONFIRMED;
    ck_assert_int_eq(sup_po_receive(po, r1, d, &n, &err), TM_OK);
    add(incoming, d, n);
    ck_assert_int_eq(po->status, SUP_PO_PARTIAL);
    ck_assert_int_eq(incoming[0], 10);
    ck_assert_int_eq(incoming[1], 0);
    /* 8 accepted and 2 rejected settle the last 10 */
    ck_assert_int_eq(sup_po_receive(po, r2, d, &n, &err), TM_OK);
    add(incoming, d, n);
    ck_assert_int_eq(po->status, SUP_PO_RECEIVED);
    ck_assert_int_eq(incoming[0], 0);
    ck_assert_int_eq(po->lines[0].received, 38);
    ck_assert_int_eq(po->lines[0].rejected, 2);
    /* a received PO takes nothing more */
    ck_assert_int_eq(sup_po_receive(po, r2, d, &n, &err), TM_CONFLICT);
    ck_assert_str_eq(err.field, "status");
    ck_assert_int_eq(sup_po_allows(po->status, SUP_PO_CANCEL, &err), TM_CONFLICT);
    free(r1);
    free(r2);
    free(po);
}
END_TEST

START_TEST(test_over_receipt_needs_a_reason)
{
    static const int64_t qty[1] = {10};
    static const int64_t over[1][3] = {{100, 11, 0}};
    struct sup_po *po = po_of(1, qty);
    struct sup_receipt *r = receipt_of(1, over);
    struct sup_po_delta d[SUP_PO_LINES_MAX];
    struct tm_err err;
    int n;

    po->status = SUP_PO_SENT;
    ck_assert_int_eq(sup_po_receive(po, r, d, &n, &err), TM_UNPROCESSABLE);
    ck_assert_str_eq(err.field, "lines[0].quantity");
    ck_assert_int_eq(po->lines[0].received, 0); /* unchanged */
    ck_assert_int_eq(po->status, SUP_PO_SENT);
    r->lines[0].has_reason = true;
    ck_assert_int_eq(sup_po_receive(po, r, d, &n, &err), TM_OK);
    /* incoming falls by what was outstanding, not by the extra unit */
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(d[0].delta, -10);
    ck_assert_int_eq(po->lines[0].received, 11);
    ck_assert_int_eq(po->status, SUP_PO_RECEIVED);
    free(r);
    free(po);
}
END_TEST

START_TEST(test_receipt_refusals_name_the_line)
{
    static const int64_t qty[2] = {10, 10};
    static const int64_t stranger[1][3] = {{999, 1, 0}};
    static const int64_t twice[2][3] = {{100, 1, 0}, {100, 1, 0}};
    static const int64_t nothing[2][3] = {{100, 1, 0}, {101, 0, 0}};
    struct sup_po *po = po_of(2, qty);
    struct sup_receipt *a = receipt_of(1, stranger), *b = receipt_of(2, twice),
                       *c = receipt_of(2, nothing);
    struct sup_po_delta d[SUP_PO_LINES_MAX];
    struct tm_err err;
    int n;

    /* a draft is not received against */
    ck_assert_int_eq(sup_po_receive(po, c, d, &n, &err), TM_CONFLICT);
    po->status = SUP_PO_SENT;
    ck_assert_int_eq(sup_po_receive(po, a, d, &n, &err), TM_UNPROCESSABLE);
    ck_assert_str_eq(err.field, "lines[0].product_id");
    ck_assert_int_eq(sup_po_receive(po, b, d, &n, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines[1].product_id");
    ck_assert_int_eq(sup_po_receive(po, c, d, &n, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines[1].quantity");
    ck_assert_int_eq(po->lines[0].received, 0); /* nothing applied */
    free(a);
    free(b);
    free(c);
    free(po);
}
END_TEST

START_TEST(test_cancel_returns_what_is_outstanding)
{
    static const int64_t qty[2] = {10, 5};
    static const int64_t part[1][3] = {{100, 4, 0}};
    struct sup_po *po = po_of(2, qty), *draft = po_of(2, qty);
    struct sup_receipt *r = receipt_of(1, part);
    struct sup_po_delta d[SUP_PO_LINES_MAX];
    struct tm_err err;
    int n;

    /* a draft never raised incoming: nothing to take back */
    ck_assert_int_eq(sup_po_cancel(draft, d), 0);
    ck_assert_int_eq(draft->status, SUP_PO_CANCELLED);
    po->status = SUP_PO_SENT;
    ck_assert_int_eq(sup_po_receive(po, r, d, &n, &err), TM_OK);
    n = sup_po_cancel(po, d);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(d[0].delta, -6);
    ck_assert_int_eq(d[1].delta, -5);
    ck_assert_int_eq(po->status, SUP_PO_CANCELLED);
    free(r);
    free(draft);
    free(po);
}
END_TEST

START_TEST(test_allowed_actions)
{
    static const struct {
        enum sup_po_status s;
        enum sup_po_action a;
        enum tm_code want;
    } cases[] = {
        {SUP_PO_DRAFT, SUP_PO_SEND, TM_OK},
        {SUP_PO_SENDING, SUP_PO_SEND, TM_OK},
        {SUP_PO_SENT, SUP_PO_SEND, TM_CONFLICT},
        {SUP_PO_CANCELLED, SUP_PO_SEND, TM_CONFLICT},
        {SUP_PO_DRAFT, SUP_PO_CANCEL, TM_OK},
        {SUP_PO_SENDING, SUP_PO_CANCEL, TM_CONFLICT},
        {SUP_PO_PARTIAL, SUP_PO_CANCEL, TM_OK},
        {SUP_PO_RECEIVED, SUP_PO_CANCEL, TM_CONFLICT},
        {SUP_PO_DRAFT, SUP_PO_RECEIVE, TM_CONFLICT},
        {SUP_PO_CONFIRMED, SUP_PO_RECEIVE, TM_OK},
        {SUP_PO_PARTIAL, SUP_PO_RECEIVE, TM_OK},
        {SUP_PO_CANCELLED, SUP_PO_RECEIVE, TM_CONFLICT},
    };
    struct tm_err err;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(sup_po_allows(cases[i].s, cases[i].a, &err) == cases[i].want, "case %zu", i);
    ck_assert_int_eq(sup_po_status_of("partially_received"), SUP_PO_PARTIAL);
    ck_assert_int_eq(sup_po_status_of("shipped"), -1);
}
END_TEST

static enum tm_code
decode_po(const char *text, struct sup_po_in *out, struct tm_err *err)
{
    cJSON *body = NULL;
    enum tm_code rc = tm_json_parse_object(text, strlen(text), "body", &body, err);

    if (rc == TM_OK)
        rc = sup_decode_po(body, out, err);
    cJSON_Delete(body);
    return rc;
}

static enum tm_code
decode_receipt(const char *text, struct sup_receipt_in *out, struct tm_err *err)
{
    cJSON *body = NULL;
    enum tm_code rc = tm_json_parse_object(text, strlen(text), "body", &body, err);

    if (rc == TM_OK)
        rc = sup_decode_receipt(body, out, err);
    cJSON_Delete(body);
    return rc;
}

START_TEST(test_decoders_name_the_field)
{
    struct sup_po_in *p = calloc(1, sizeof *p);
    struct sup_receipt_in *r = calloc(1, sizeof *r);
    struct tm_err err;
    static const struct {
        const char *body, *field;
    } po_bad[] = {
        {"{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1}]}", "supplier_id"},
        {"{\"supplier_id\":1,\"store_id\":1,\"lines\":[]}", "lines"},
        {"{\"supplier_id\":1,\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":0}]}",
         "lines[0].quantity"},
        {"{\"supplier_id\":1,\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":-5}]}",
         "lines[0].quantity"},
        {"{\"supplier_id\":1,\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1},"
         "{\"product_id\":1,\"quantity\":2}]}",
         "lines[1].product_id"},
        {"{\"supplier_id\":1,\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,"
         "\"price\":3}]}",
         "price"},
    };

    ck_assert_int_eq(decode_po("{\"supplier_id\":2,\"store_id\":3,\"reference\":\"R-1\","
                               "\"lines\":[{\"product_id\":4,\"quantity\":48}]}",
                               p, &err),
                     TM_OK);
    ck_assert_int_eq(p->n, 1);
    ck_assert_int_eq(p->lines[0].quantity, 48);
    ck_assert_str_eq(p->reference, "R-1");
    for (size_t i = 0; i < sizeof po_bad / sizeof po_bad[0]; i++) {
        ck_assert_msg(decode_po(po_bad[i].body, p, &err) == TM_INVALID, "case %zu", i);
        ck_assert_msg(strcmp(err.field, po_bad[i].field) == 0, "case %zu: %s", i, err.field);
    }
    ck_assert_int_eq(decode_receipt("{\"key\":\"dock-7:42\",\"lines\":[{\"product_id\":4,"
                                    "\"quantity\":40,\"rejected\":2,\"reason\":\"crushed\"}]}",
                                    r, &err),
                     TM_OK);
    ck_assert_int_eq(r->r.lines[0].rejected, 2);
    ck_assert(r->r.lines[0].has_reason);
    ck_assert_str_eq(r->key, "dock-7:42");
    ck_assert_int_eq(decode_receipt("{\"key\":\"a b\",\"lines\":[{\"product_id\":4,"
                                    "\"quantity\":1}]}",
                                    r, &err),
                     TM_INVALID);
    ck_assert_str_eq(err.field, "key");
    ck_assert_int_eq(decode_receipt("{\"lines\":[{\"product_id\":4,\"quantity\":-1}]}", r, &err),
                     TM_INVALID);
    ck_assert_str_eq(err.field, "lines[0].quantity");
    free(r);
    free(p);
}
END_TEST

Suite *
po_suite(void)
{
    Suite *s = suite_create("supplier.po");
    TCase *tc = tcase_create("po");

    tcase_add_test(tc, test_life_incoming_sums_to_zero);
    tcase_add_test(tc, test_over_receipt_needs_a_reason);
    tcase_add_test(tc, test_receipt_refusals_name_the_line);
    tcase_add_test(tc, test_cancel_returns_what_is_outstanding);
    tcase_add_test(tc, test_allowed_actions);
    tcase_add_test(tc, test_decoders_name_the_field);
    suite_add_tcase(s, tc);
    return s;
}
