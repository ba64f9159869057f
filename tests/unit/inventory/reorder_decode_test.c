/* tests/unit/inventory/reorder_decode_test.c — the reorder decoders
 * (services/inventory/reorder_decode.c): the generate, approve and reject
 * bodies, and tm-supplier's choice (a winner, a split, no candidate) and
 * purchase order; each refusal names its field. */
#include <string.h>

#include <check.h>

#include "services/inventory/reorder_decode.h"

static const char winner[] =
    "{\"items\":[{\"supplier_id\":2,\"code\":\"ACME\",\"moq\":6,\"pack_size\":6,\"receipts\":9,"
    "\"quoted\":false,\"lead_time_mean_days\":4.5,\"lead_time_sd_days\":1.25,"
    "\"order_quantity\":36}],\"winner\":{\"supplier_id\":2,\"code\":\"ACME\",\"moq\":6,"
    "\"pack_size\":6,\"receipts\":9,\"quoted\":false,\"lead_time_mean_days\":4.5,"
    "\"lead_time_sd_days\":1.25,\"order_quantity\":36},\"splits\":[],\"uncovered\":0}";

START_TEST(test_choice_winner)
{
    static struct inv_ro_choice c;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(inv_ro_decode_choice(winner, strlen(winner), &c, &err), TM_OK);
    ck_assert(c.sup.found);
    ck_assert_int_eq(c.sup.supplier_id, 2);
    ck_assert_str_eq(c.sup.code, "ACME");
    ck_assert_int_eq(c.sup.moq, 6);
    ck_assert_int_eq(c.sup.pack_size, 6);
    ck_assert_int_eq(c.sup.receipts, 9);
    ck_assert(!c.sup.quoted);
    ck_assert_double_eq(c.sup.lead_mean_days, 4.5);
    ck_assert_double_eq(c.sup.lead_sd_days, 1.25);
    ck_assert_int_eq(c.n_alloc, 1);
    ck_assert_int_eq(c.alloc[0].supplier_id, 2);
    ck_assert_int_eq(c.alloc[0].quantity, 36);
}
END_TEST

START_TEST(test_choice_split_and_none)
{
    static const char split[] =
        "{\"items\":[{\"supplier_id\":3,\"code\":\"B\",\"moq\":0,\"pack_size\":1,\"receipts\":0,"
        "\"quoted\":true,\"lead_time_mean_days\":3,\"lead_time_sd_days\":0}],\"winner\":null,"
        "\"splits\":[{\"supplier_id\":3,\"quantity\":6},{\"supplier_id\":4,\"quantity\":4}],"
        "\"uncovered\":2}";
    static const char none[] = "{\"items\":[],\"winner\":null,\"splits\":[],\"uncovered\":10}";
    static struct inv_ro_choice c;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(inv_ro_decode_choice(split, strlen(split), &c, &err), TM_OK);
    ck_assert(c.sup.found && c.sup.quoted); /* the best-ranked candidate's terms */
    ck_assert_int_eq(c.sup.supplier_id, 3);
    ck_assert_int_eq(c.n_alloc, 2);
    ck_assert_int_eq(c.alloc[1].supplier_id, 4);
    ck_assert_int_eq(c.alloc[1].quantity, 4);
    ck_assert_int_eq(c.uncovered, 2);
    ck_assert_int_eq(inv_ro_decode_choice(none, strlen(none), &c, &err), TM_OK);
    ck_assert(!c.sup.found);
    ck_assert_int_eq(c.n_alloc, 0);
}
END_TEST

static const struct {
    const char *json, *field;
} bad_choices[] = {
    {"[]", "reply"},
    {"{\"winner\":null}", "items"},
    {"{\"items\":[],\"winner\":3}", "winner"},
    {"{\"items\":[],\"winner\":{\"supplier_id\":2,\"code\":\"A\",\"moq\":0,\"pack_size\":0,"
     "\"receipts\":0,\"quoted\":true,\"lead_time_mean_days\":1,\"lead_time_sd_days\":0,"
     "\"order_quantity\":1}}",
     "pack_size"},
    {"{\"items\":[],\"winner\":{\"supplier_id\":2,\"code\":\"A\",\"moq\":0,\"pack_size\":1,"
     "\"receipts\":0,\"quoted\":true,\"lead_time_mean_days\":-1,\"lead_time_sd_days\":0,"
     "\"order_quantity\":1}}",
     "lead_time_mean_days"},
    {"{\"items\":[{\"supplier_id\":2,\"code\":\"A\",\"moq\":0,\"pack_size\":1,\"receipts\":0,"
     "\"quoted\":true,\"lead_time_mean_days\":1,\"lead_time_sd_days\":0}],\"winner\":null,"
     "\"splits\":{},\"uncovered\":0}",
     "splits"},
};

START_TEST(test_choice_refused)
{
    static struct inv_ro_choice c;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(
        inv_ro_decode_choice(bad_choices[_i].json, strlen(bad_choices[_i].json), &c, &err),
        TM_INVALID);
    ck_assert_str_eq(err.field, bad_choices[_i].field);
    ck_assert(!c.sup.found && c.n_alloc == 0); /* nothing kept */
}
END_TEST

START_TEST(test_bodies)
{
    char policy[INV_RO_POLICY_MAX + 1], reason[INV_RO_REASON_MAX + 1];
    struct tm_err err;
    int64_t store = -1, id = 0;

    tm_err_clear(&err);
    ck_assert_int_eq(inv_ro_decode_generate("", 0, &store, &err), TM_OK);
    ck_assert_int_eq(store, 0);
    ck_assert_int_eq(inv_ro_decode_generate("{\"store_id\":7}", 14, &store, &err), TM_OK);
    ck_assert_int_eq(store, 7);
    ck_assert_int_eq(inv_ro_decode_generate("{\"store_id\":0}", 14, &store, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "store_id");
    ck_assert_int_eq(inv_ro_decode_generate("{\"shop\":1}", 10, &store, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "shop");
    ck_assert_int_eq(inv_ro_decode_approve("", 0, policy, sizeof policy, &err), TM_OK);
    ck_assert_str_eq(policy, "");
    ck_assert_int_eq(
        inv_ro_decode_approve("{\"policy\":\"fastest\"}", 20, policy, sizeof policy, &err), TM_OK);
    ck_assert_str_eq(policy, "fastest");
    ck_assert_int_eq(
        inv_ro_decode_approve("{\"policy\":\"Fast!\"}", 18, policy, sizeof policy, &err),
        TM_INVALID);
    ck_assert_str_eq(err.field, "policy");
    ck_assert_int_eq(
        inv_ro_decode_approve("{\"policy\":\"fastestt\"}", 21, policy, sizeof policy, &err),
        TM_INVALID);
    ck_assert_str_eq(err.field, "policy");
    ck_assert_ptr_nonnull(strstr(err.message, "most_reliable")); /* names them */
    /* tm-supplier's refusals: which field an error names */
    ck_assert(inv_ro_error_field_is("{\"error\":{\"code\":\"unprocessable\",\"field\":"
                                    "\"Idempotency-Key\"}}",
                                    60, "Idempotency-Key"));
    ck_assert(
        !inv_ro_error_field_is("{\"error\":{\"field\":\"supplier_id\"}}", 33, "Idempotency-Key"));
    ck_assert(!inv_ro_error_field_is("not json", 8, "Idempotency-Key"));
    ck_assert(!inv_ro_error_field_is("{\"error\":null}", 14, "Idempotency-Key"));
    ck_assert_int_eq(inv_ro_decode_reject("", 0, reason, sizeof reason, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "body");
    ck_assert_int_eq(inv_ro_decode_reject("{}", 2, reason, sizeof reason, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "reason");
    ck_assert_int_eq(inv_ro_decode_reject("{\"reason\":\"\"}", 13, reason, sizeof reason, &err),
                     TM_INVALID);
    ck_assert_str_eq(err.field, "reason");
    ck_assert_int_eq(inv_ro_decode_reject("{\"reason\":\"late\"}", 17, reason, sizeof reason, &err),
                     TM_OK);
    ck_assert_str_eq(reason, "late");
    ck_assert_int_eq(inv_ro_decode_po_id("{\"id\":12,\"status\":\"draft\"}", 26, &id, &err), TM_OK);
    ck_assert_int_eq(id, 12);
    ck_assert_int_eq(inv_ro_decode_po_id("{\"id\":\"12\"}", 11, &id, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "id");
}
END_TEST

Suite *reorder_decode_suite(void);

Suite *
reorder_decode_suite(void)
{
    Suite *s = suite_create("inventory.reorder_decode");
    TCase *tc = tcase_create("reorder_decode");
    tcase_add_test(tc, test_choice_winner);
    tcase_add_test(tc, test_choice_split_and_none);
    tcase_add_loop_test(tc, test_choice_refused, 0,
                        (int)(sizeof bad_choices / sizeof bad_choices[0]));
    tcase_add_test(tc, test_bodies);
    suite_add_tcase(s, tc);
    return s;
}
