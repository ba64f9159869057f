/* tests/unit/inventory/calendar_decode_test.c — the bodies of calendar
 * events and promotions (services/inventory/calendar_decode.c): what is
 * taken, with its days and flags, and a table of refusals, each naming its
 * field and leaving the output zeroed. */
#include <string.h>

#include <check.h>

#include "services/inventory/calendar_decode.h"

#define DAY_2026_11_26 20783 /* Thanksgiving 2026, days since 1970-01-01 */

START_TEST(test_cal_event_taken)
{
    static const char one[] = "{\"date\":\"2026-11-26\",\"name\":\"Thanksgiving parade\"}";
    static const char span[] = "{\"store_id\":3,\"from\":\"2026-11-26\",\"to\":\"2026-11-28\","
                               "\"name\":\"Refit\",\"kind\":\"closure\"}";
    static const char all[] = "{\"store_id\":null,\"date\":\"2026-11-26\",\"name\":\"x\","
                              "\"kind\":\"holiday\"}";
    struct inv_cal_event e;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(inv_cal_decode_event(one, strlen(one), &e, &err), TM_OK);
    ck_assert_int_eq(e.store_id, 0); /* every store */
    ck_assert_int_eq(e.first_day, DAY_2026_11_26);
    ck_assert_int_eq(e.last_day, DAY_2026_11_26);
    ck_assert_int_eq(e.kind, INV_CAL_EVENT); /* the default */
    ck_assert_str_eq(e.name, "Thanksgiving parade");
    ck_assert_int_eq(inv_cal_decode_event(span, strlen(span), &e, &err), TM_OK);
    ck_assert_int_eq(e.store_id, 3);
    ck_assert_int_eq(e.last_day - e.first_day, 2);
    ck_assert_int_eq(e.kind, INV_CAL_CLOSURE);
    ck_assert_int_eq(inv_cal_decode_event(all, strlen(all), &e, &err), TM_OK);
    ck_assert_int_eq(e.store_id, 0);
    ck_assert_int_eq(e.kind, INV_CAL_HOLIDAY);
    ck_assert_str_eq(inv_cal_kinds[INV_CAL_HOLIDAY], "holiday");
}
END_TEST

START_TEST(test_promo_taken)
{
    static const char price[] = "{\"product_id\":7,\"store_id\":2,\"from\":\"2026-11-26\","
                                "\"to\":\"2026-12-02\",\"promo_price_cents\":799}";
    static const char flags[] = "{\"product_id\":7,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\","
                                "\"flags\":[\"deal\",\"feature\"]}";
    struct inv_promo p;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(inv_cal_decode_promo(price, strlen(price), &p, &err), TM_OK);
    ck_assert_int_eq(p.product_id, 7);
    ck_assert_int_eq(p.store_id, 2);
    ck_assert_int_eq(p.first_day, DAY_2026_11_26);
    ck_assert_int_eq(p.last_day, DAY_2026_11_26 + 6);
    ck_assert_int_eq(p.promo_price_cents, 799);
    ck_assert_uint_eq(p.flags, 0);
    ck_assert_int_eq(inv_cal_promo_price_ok(&p, 800, &err), TM_OK);
    ck_assert_int_eq(inv_cal_promo_price_ok(&p, 799, &err), TM_INVALID); /* not a cut */
    ck_assert_str_eq(err.field, "promo_price_cents");
    ck_assert_int_eq(inv_cal_decode_promo(flags, strlen(flags), &p, &err), TM_OK);
    ck_assert_int_eq(p.store_id, 0);
    ck_assert_int_eq(p.promo_price_cents, 0);
    ck_assert_uint_eq(p.flags, INV_PROMO_DEAL | INV_PROMO_FEATURE);
    ck_assert_int_eq(inv_cal_promo_price_ok(&p, 0, &err), TM_OK); /* no price to judge */
}
END_TEST

/* bodies refused: which decoder (0 event, 1 promotion), the body, the field */
static const struct {
    int promo;
    const char *body, *field;
} bad[] = {
    {0, "", "body"},
    {0, "[]", "body"},
    {0, "{\"date\":\"2026-11-26\"}", "name"},
    {0, "{\"name\":\"x\"}", "date"},
    {0, "{\"name\":\"x\",\"date\":\"2026-11-26\",\"bogus\":1}", "bogus"},
    {0, "{\"name\":\"\",\"date\":\"2026-11-26\"}", "name"},
    {0, "{\"name\":\"x\",\"date\":\"2026-11-31\"}", "date"},
    {0, "{\"name\":\"x\",\"date\":\"2026-11-26T10:00:00Z\"}", "date"},
    {0, "{\"name\":\"x\",\"date\":\"1999-12-31\"}", "date"},
    {0, "{\"name\":\"x\",\"date\":\"2026-11-26\",\"from\":\"2026-11-26\"}", "date"},
    {0, "{\"name\":\"x\",\"from\":\"2026-11-26\"}", "to"},
    {0, "{\"name\":\"x\",\"from\":\"2026-11-27\",\"to\":\"2026-11-26\"}", "to"},
    {0, "{\"name\":\"x\",\"from\":\"2026-01-01\",\"to\":\"2027-01-02\"}", "to"}, /* 367 days */
    {0, "{\"name\":\"x\",\"date\":\"2026-11-26\",\"kind\":\"party\"}", "kind"},
    {0, "{\"name\":\"x\",\"date\":\"2026-11-26\",\"store_id\":0}", "store_id"},
    {0, "{\"name\":\"x\",\"date\":\"2026-11-26\",\"store_id\":\"3\"}", "store_id"},
    {1, "{\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"flags\":[\"deal\"]}", "product_id"},
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\"}", "promo_price_cents"},
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"promo_price_cents\":0}",
     "promo_price_cents"},
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"promo_price_cents\":-5}",
     "promo_price_cents"},
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-25\",\"flags\":[\"deal\"]}",
     "to"},
    {1, "{\"product_id\":1,\"from\":\"2026-01-01\",\"to\":\"2026-04-03\",\"flags\":[\"deal\"]}",
     "to"}, /* 93 days */
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"flags\":\"deal\"}",
     "flags"},
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"flags\":[\"bogo\"]}",
     "flags"},
    {1,
     "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"flags\":[\"deal\","
     "\"deal\"]}",
     "flags"},
    {1, "{\"product_id\":1,\"to\":\"2026-11-26\",\"flags\":[\"deal\"]}", "from"},
    {1, "{\"product_id\":1,\"from\":\"2026-11-26\",\"to\":\"2026-11-26\",\"name\":\"x\"}", "name"},
};

START_TEST(test_refused)
{
    struct inv_cal_event e;
    struct inv_promo p;
    struct tm_err err;
    size_t len = strlen(bad[_i].body);
    enum tm_code rc;

    tm_err_clear(&err);
    memset(&e, 0x5a, sizeof e);
    memset(&p, 0x5a, sizeof p);
    rc = bad[_i].promo ? inv_cal_decode_promo(bad[_i].body, len, &p, &err)
                       : inv_cal_decode_event(bad[_i].body, len, &e, &err);
    ck_assert_msg(rc == TM_INVALID, "%s: %d", bad[_i].body, rc);
    ck_assert_str_eq(err.field, bad[_i].field);
    if (bad[_i].promo)
        ck_assert_int_eq(p.product_id | p.store_id | p.first_day | p.promo_price_cents, 0);
    else
        ck_assert_int_eq(e.store_id | e.first_day | e.last_day, 0);
}
END_TEST

START_TEST(test_body_bound)
{
    static char big[INV_CAL_BODY_MAX + 2];
    struct inv_cal_event e;
    struct inv_promo p;
    struct tm_err err;

    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    tm_err_clear(&err);
    ck_assert_int_eq(inv_cal_decode_event(big, strlen(big), &e, &err), TM_TOOBIG);
    ck_assert_str_eq(err.field, "body");
    ck_assert_int_eq(inv_cal_decode_promo(big, strlen(big), &p, &err), TM_TOOBIG);
    ck_assert_str_eq(err.field, "body");
}
END_TEST

Suite *calendar_decode_suite(void);

Suite *
calendar_decode_suite(void)
{
    Suite *s = suite_create("inventory.calendar_decode");
    TCase *tc = tcase_create("calendar_decode");
    tcase_add_test(tc, test_cal_event_taken);
    tcase_add_test(tc, test_promo_taken);
    tcase_add_loop_test(tc, test_refused, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_body_bound);
    suite_add_tcase(s, tc);
    return s;
}
