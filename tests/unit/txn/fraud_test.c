/* tests/unit/txn/fraud_test.c — fraud scoring rule by rule against hand
 * values, the rule set decoder and the domain's own checks on plain
 * structs, the robust statistics, the sale decoder and check, the price
 * check, and the replay's velocity windows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/json.h"

#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/gen.h"
#include "services/txn/replay.h"
#include "services/txn/sale.h"

void one_rule(const char *rule, struct fr_rule_set *rs);

/* A set holding the one rule given as JSON, thresholds 60/85 (also for
 * fraud_rules_test.c). */
void
one_rule(const char *rule, struct fr_rule_set *rs)
{
    char doc[1024];
    struct tm_err err;

    snprintf(doc, sizeof doc, "{\"rules\":[%s]}", rule);
    ck_assert_msg(tx_decode_rule_set_text(doc, strlen(doc), rs, &err) == TM_OK, "%s", err.message);
}

static void
base_facts(struct fr_facts *f)
{
    memset(f, 0, sizeof *f);
    f->total_cents = 5000;
    f->units = 2;
    f->top_units = 1;
    f->top_price_cents = 2500;
    f->local_hour = 14;
    f->utc_hour = 14;
    f->velocity.evaluated = 1;
}

START_TEST(test_velocity_count_fires_at_threshold)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;

    one_rule(
        "{\"code\":\"v\",\"kind\":\"velocity_count\",\"scope\":\"customer\",\"window\":\"10m\","
        "\"threshold\":5,\"weight\":30}",
        &rs);
    base_facts(&f);
    f.velocity.present[FR_SCOPE_CUSTOMER] = 1;
    f.velocity.count[FR_SCOPE_CUSTOMER][FR_WIN_10M] = 4;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    f.velocity.count[FR_SCOPE_CUSTOMER][FR_WIN_10M] = 5;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
    ck_assert(r.score == 30 && r.decision == FR_APPROVE);
    ck_assert(r.hits[0].observed == 5 && r.hits[0].threshold == 5);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "5 attempts by this customer in 10m"));
    /* Redis down: not evaluated, never a silent 0 */
    f.velocity.evaluated = 0;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    ck_assert_int_eq(r.n_skipped, 1);
    ck_assert_int_eq(r.skipped[0], 0);
}
END_TEST

START_TEST(test_velocity_amount_and_absent_scope)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;

    one_rule("{\"code\":\"a\",\"kind\":\"velocity_amount\",\"scope\":\"instrument\","
             "\"window\":\"24h\",\"threshold\":100000,\"weight\":25}",
             &rs);
    base_facts(&f);
    f.velocity.amount[FR_SCOPE_INSTRUMENT][FR_WIN_24H] = 200000;
    fr_score(&rs, &f, &r); /* no instrument given: nothing to count */
    ck_assert_int_eq(r.n_hits, 0);
    f.velocity.present[FR_SCOPE_INSTRUMENT] = 1;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
    ck_assert(r.hits[0].observed == 200000);
}
END_TEST

START_TEST(test_customer_amount_robust_z)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;
    int64_t totals[6] = {1000, 1100, 900, 1000, 1050, 950}, units[6] = {1, 1, 1, 1, 1, 1};

    one_rule("{\"code\":\"u\",\"kind\":\"customer_amount\",\"threshold\":3.5,\"min_history\":5,"
             "\"fallback_cents\":200000,\"weight\":45}",
             &rs);
    base_facts(&f);
    f.has_customer = 1;
    fr_history_from(totals, units, 6, &f.customer);
    /* median log(1000); MAD of logs 0.0513 -> floored at 0.1; scale 0.14826 */
    ck_assert(fabs(f.customer.median_log - log(1000)) < 1e-9);
    f.total_cents = 1500; /* z = ln 1.5 / 0.14826 = 2.73 */
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    f.total_cents = 2000; /* z = ln 2 / 0.14826 = 4.68 */
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
    ck_assert(fabs(r.hits[0].observed - log(2.0) / 0.14826) < 1e-6);
    /* too little history and no store history: the fallback amount */
    f.customer.n = 2;
    f.total_cents = 199999;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    f.total_cents = 200000;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
    ck_assert(r.hits[0].threshold == 200000);
}
END_TEST

START_TEST(test_night_hour_is_local_and_wraps)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;

    one_rule("{\"code\":\"n\",\"kind\":\"night_hour\",\"hour_from\":2,\"hour_to\":5,\"weight\":15}",
             &rs);
    base_facts(&f);
    f.utc_hour = 3; /* server clock in the window, the store's not */
    f.local_hour = 22;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    f.local_hour = 4;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
    f.local_hour = 5; /* [from, to) */
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    one_rule(
        "{\"code\":\"n\",\"kind\":\"night_hour\",\"hour_from\":23,\"hour_to\":2,\"weight\":15}",
        &rs);
    f.local_hour = 0;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
}
END_TEST

START_TEST(test_basket_rules_and_decisions)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;

    one_rule("{\"code\":\"h\",\"kind\":\"high_value_units\",\"threshold\":3,\"price_cents\":50000,"
             "\"weight\":70}",
             &rs);
    base_facts(&f);
    f.top_units = 3;
    f.top_price_cents = 49999;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    f.top_price_cents = 50000;
    fr_score(&rs, &f, &r);
    ck_assert(r.n_hits == 1 && r.score == 70 && r.decision == FR_REVIEW);
    one_rule("{\"code\":\"b\",\"kind\":\"basket_vs_usual\",\"threshold\":4,\"min_history\":5,"
             "\"weight\":90}",
             &rs);
    f.has_customer = 1;
    f.customer.n = 5;
    f.customer.median_units = 2;
    f.units = 8;
    fr_score(&rs, &f, &r);
    ck_assert(r.n_hits == 1 && r.hits[0].observed == 4 && r.decision == FR_DECLINE);
    one_rule("{\"code\":\"n\",\"kind\":\"new_customer_large\",\"threshold\":100000,"
             "\"weight\":30}",
             &rs);
    f.total_cents = 150000;
    f.customer_sales = 1;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 0);
    f.customer_sales = 0;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
}
END_TEST

START_TEST(test_score_capped_and_disabled)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;
    struct tm_err err;
    const char *doc = "{\"review_threshold\":50,\"decline_threshold\":90,\"rules\":["
                      "{\"code\":\"a\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":80},"
                      "{\"code\":\"b\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":80},"
                      "{\"code\":\"c\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":80,"
                      "\"enabled\":false}]}";

    ck_assert_int_eq(tx_decode_rule_set_text(doc, strlen(doc), &rs, &err), TM_OK);
    base_facts(&f);
    fr_score(&rs, &f, &r);
    ck_assert(r.n_hits == 2 && r.score == 100 && r.decision == FR_DECLINE);
}
END_TEST

START_TEST(test_rule_set_parse_errors)
{
    static const struct {
        const char *doc, *field;
    } bad[] = {
        {"{\"rules\":[]}", "rules"},
        {"{\"rules\":[{\"code\":\"a\",\"kind\":\"nope\",\"threshold\":1,\"weight\":1}]}",
         "rules[0].kind"},
        {"{\"rules\":[{\"code\":\"A b\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":1}]}",
         "rules[0].code"},
        {"{\"rules\":[{\"code\":\"a\",\"kind\":\"amount_over\",\"weight\":1}]}", "rules[0]"},
        {"{\"rules\":[{\"code\":\"a\",\"kind\":\"amount_over\",\"threshold\":-1,\"weight\":1}]}",
         "rules[0].threshold"},
        {"{\"rules\":[{\"code\":\"a\",\"kind\":\"velocity_count\",\"window\":\"2h\","
         "\"threshold\":1,\"weight\":1}]}",
         "rules[0].window"},
        {"{\"rules\":[{\"code\":\"a\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":1},"
         "{\"code\":\"a\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":1}]}",
         "rules"},
        {"{\"review_threshold\":90,\"decline_threshold\":80,\"rules\":[{\"code\":\"a\","
         "\"kind\":\"amount_over\",\"threshold\":1,\"weight\":1}]}",
         "decline_threshold"},
        {"{\"rules\":[{\"code\":\"a\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":1,"
         "\"typo\":1}]}",
         "typo"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct fr_rule_set rs;
        struct tm_err err;
        ck_assert_int_eq(tx_decode_rule_set_text(bad[i].doc, strlen(bad[i].doc), &rs, &err),
                         TM_INVALID);
        ck_assert_msg(strcmp(err.field, bad[i].field) == 0, "case %zu: field %s, want %s", i,
                      err.field, bad[i].field);
        if (i == 1) { /* a bad value is answered with the accepted ones (as many as fit) */
            static const char want[] = "rules[0].kind must be one of: velocity_count, "
                                       "velocity_amount, amount_over, customer_amount, "
                                       "store_amount, night_hour, new_customer_large, "
                                       "high_value_units, basket_vs_usual, customer_risk, "
                                       "distinct_stores";
            ck_assert_msg(strncmp(err.message, want, sizeof want - 1) == 0, "message %s",
                          err.message);
        }
        if (i == 5)
            ck_assert_str_eq(err.message, "rules[0].window must be one of: 10m, 1h, 24h");
    }
}
END_TEST

START_TEST(test_builtin_rule_sets_parse)
{
    const char *docs[2] = {fr_default_rules_json, fr_seed_rules_json};
    for (int i = 0; i < 2; i++) {
        struct fr_rule_set rs;
        struct tm_err err;
        ck_assert_msg(tx_decode_rule_set_text(docs[i], strlen(docs[i]), &rs, &err) == TM_OK, "%s",
                      err.message);
        ck_assert_int_ge(rs.n_rules, 4);
    }
}
END_TEST

/* The domain's checks take plain structs: no JSON between them and a rule. */
START_TEST(test_rule_set_check_on_structs)
{
    struct fr_rule_set rs;
    struct tm_err err;

    memset(&rs, 0, sizeof rs);
    rs.review_at = 60;
    rs.decline_at = 85;
    rs.n_rules = 2;
    snprintf(rs.rules[0].code, sizeof rs.rules[0].code, "big");
    rs.rules[0].kind = FR_AMOUNT_OVER;
    snprintf(rs.rules[1].code, sizeof rs.rules[1].code, "night");
    rs.rules[1].kind = FR_NIGHT_HOUR;
    rs.rules[1].hour_from = 2;
    rs.rules[1].hour_to = 5;
    ck_assert_int_eq(fr_rule_set_check(&rs, &err), TM_OK);
    rs.rules[1].hour_to = 26; /* 26 % 24 == hour_from: an empty span */
    ck_assert_int_eq(fr_rule_set_check(&rs, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "rules[1]");
    rs.rules[1].hour_to = 5;
    snprintf(rs.rules[1].code, sizeof rs.rules[1].code, "big");
    ck_assert_int_eq(fr_rule_set_check(&rs, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "rules");
    snprintf(rs.rules[1].code, sizeof rs.rules[1].code, "Night");
    ck_assert_int_eq(fr_rule_set_check(&rs, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "rules[1].code");
    rs.rules[1].code[0] = '\0';
    ck_assert_int_eq(fr_rule_set_check(&rs, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "rules[1].code");
    snprintf(rs.rules[1].code, sizeof rs.rules[1].code, "night");
    rs.decline_at = 59;
    ck_assert_int_eq(fr_rule_set_check(&rs, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "decline_threshold");
}
END_TEST

START_TEST(test_sale_check_on_structs)
{
    struct tx_sale s;
    struct tm_err err;

    memset(&s, 0, sizeof s);
    s.n = 3;
    s.lines[0] = (struct tx_line){0, 7, 2, 1999};
    s.lines[1] = (struct tx_line){1, 8, 1, 60000};
    s.lines[2] = (struct tx_line){2, 9, 5, 1};
    ck_assert_int_eq(tx_sale_check(&s, &err), TM_OK);
    ck_assert_int_eq(s.total_cents, 2 * 1999 + 60000 + 5);
    ck_assert_int_eq(s.units, 8);
    s.lines[2].product_id = 7;
    ck_assert_int_eq(tx_sale_check(&s, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines[2].product_id");
    s.lines[2].product_id = 9;
    s.lines[2].quantity = INT64_MAX / 2; /* beyond any decoder limit: refused, not wrapped */
    s.lines[2].unit_price_cents = 3;
    ck_assert_int_eq(tx_sale_check(&s, &err), TM_INVALID);
    ck_assert_str_eq(err.field, "lines");
}
END_TEST

START_TEST(test_risk_from_labels)
{
    ck_assert(fabs(fr_risk_from_labels(0, 0) - 10) < 1e-9);
    ck_assert(fr_risk_from_labels(1, 0) > 50);
    ck_assert(fr_risk_from_labels(0, 1) < 10);
    ck_assert(fr_risk_from_labels(1000, 0) <= 100);
}
END_TEST

static enum tm_code
decode(const char *doc, struct tx_sale *s, struct tm_err *err)
{
    cJSON *j;
    enum tm_code rc;

    ck_assert_int_eq(tm_json_parse(doc, strlen(doc), 8, "body", &j, err), TM_OK);
    rc = tx_decode_sale(j, s, err);
    cJSON_Delete(j);
    return rc;
}

START_TEST(test_sale_decode)
{
    static const struct {
        const char *doc, *field;
    } bad[] = {
        {"{\"store_id\":1,\"lines\":[],\"channel\":\"pos\",\"payment_method\":\"card\"}", "lines"},
        {"{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1},"
         "{\"product_id\":1,\"quantity\":2,\"unit_price\":1}],\"channel\":\"pos\","
         "\"payment_method\":\"card\"}",
         "lines[1].product_id"},
        {"{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":0,\"unit_price\":1}],"
         "\"channel\":\"pos\",\"payment_method\":\"card\"}",
         "lines[0].quantity"},
        {"{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":-2}],"
         "\"channel\":\"pos\",\"payment_method\":\"card\"}",
         "lines[0].unit_price"},
        {"{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1.234}],"
         "\"channel\":\"pos\",\"payment_method\":\"card\"}",
         "lines[0].unit_price"},
        {"{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1}],"
         "\"channel\":\"fax\",\"payment_method\":\"card\"}",
         "channel"},
        {"{\"lines\":[{\"product_id\":1,\"quantity\":1,\"unit_price\":1}],"
         "\"channel\":\"pos\",\"payment_method\":\"card\"}",
         "store_id"},
    };
    struct tx_sale s;
    struct tm_err err;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(decode(bad[i].doc, &s, &err), TM_INVALID);
        ck_assert_msg(strcmp(err.field, bad[i].field) == 0, "case %zu: field %s", i, err.field);
    }
    /* a value longer than any accepted one is still answered with the list */
    ck_assert_int_eq(
        decode("{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,"
               "\"unit_price\":1}],\"channel\":\"in_store\",\"payment_method\":\"card\"}",
               &s, &err),
        TM_INVALID);
    ck_assert_str_eq(err.message, "channel must be one of: pos, online, mobile");
    ck_assert_int_eq(decode("{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,"
                            "\"unit_price\":1}],\"channel\":\"pos\",\"payment_method\":\"card\","
                            "\"occurred_at\":\"yesterday\"}",
                            &s, &err),
                     TM_INVALID);
    ck_assert_str_eq(err.field, "occurred_at");
    ck_assert_int_eq(decode("{\"store_id\":1,\"lines\":[{\"product_id\":1,\"quantity\":1,"
                            "\"unit_price\":1}],\"channel\":\"pos\",\"payment_method\":\"card\","
                            "\"occurred_at\":\"2026-11-20\"}",
                            &s, &err),
                     TM_OK);
    ck_assert_str_eq(s.occurred_at, "2026-11-20T00:00:00Z");
    ck_assert_int_eq(decode("{\"store_id\":3,\"customer_id\":9,\"lines\":["
                            "{\"product_id\":5,\"quantity\":2,\"unit_price\":19.99},"
                            "{\"product_id\":6,\"quantity\":1,\"unit_price\":600}],"
                            "\"channel\":\"pos\",\"payment_method\":\"card\"}",
                            &s, &err),
                     TM_OK);
    ck_assert(s.n == 2 && s.total_cents == 2 * 1999 + 60000 && s.units == 3);
    {
        struct fr_facts f;
        int64_t cents[2] = {1999, 60000};
        memset(&f, 0, sizeof f);
        tx_sale_facts(&s, &f);
        ck_assert(f.top_price_cents == 60000 && f.top_units == 1 && f.has_customer);
        ck_assert_int_eq(tx_sale_check_prices(&s, cents, 20, &err), TM_OK);
        cents[1] = 40000; /* 50 % off */
        ck_assert_int_eq(tx_sale_check_prices(&s, cents, 20, &err), TM_UNPROCESSABLE);
        ck_assert_str_eq(err.field, "lines[1].unit_price");
        cents[0] = 0;
        ck_assert_int_eq(tx_sale_check_prices(&s, cents, 20, &err), TM_UNPROCESSABLE);
        ck_assert_str_eq(err.field, "lines[0].product_id");
    }
}
END_TEST

START_TEST(test_replay_windows_are_exact)
{
    struct rp_state *st = rp_new();
    struct rp_sale s;
    struct fr_facts f;

    memset(&s, 0, sizeof s);
    snprintf(s.customer, sizeof s.customer, "c1");
    snprintf(s.store, sizeof s.store, "1");
    s.total_cents = 100;
    s.units = s.top_units = 1;
    s.top_price_cents = 100;
    for (int i = 0; i < 5; i++) { /* at 0, 200, ..., 800 s */
        s.ts_s = 1000000 + i * 200;
        rp_add(st, &s, FR_APPROVE);
    }
    s.ts_s = 1000000 + 1000; /* 10 minutes back is 400: the sale at 400 is out */
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.velocity.count[FR_SCOPE_CUSTOMER][FR_WIN_10M], 3);
    ck_assert_int_eq(f.velocity.count[FR_SCOPE_CUSTOMER][FR_WIN_1H], 6);
    ck_assert_int_eq(f.velocity.amount[FR_SCOPE_CUSTOMER][FR_WIN_1H], 600);
    ck_assert_int_eq(f.customer_sales, 5);
    ck_assert_int_eq(f.customer.n, 5);
    ck_assert(!f.velocity.present[FR_SCOPE_INSTRUMENT]);
    rp_free(st);
}
END_TEST

static void
count_emit(void *arg, const struct rp_sale *s)
{
    int64_t *c = arg;
    static int64_t last;
    if (c[0] == 0)
        last = 0;
    ck_assert(s->ts_s >= last); /* time order */
    last = s->ts_s;
    c[0]++;
    c[1] += s->label;
}

START_TEST(test_generator_is_deterministic)
{
    struct gen_cfg cfg = {7, 14, 300, 5, 1767225600, 0.015};
    int64_t a[2] = {0, 0}, b[2] = {0, 0};

    ck_assert_int_eq(gen_sales(&cfg, count_emit, a), a[0]);
    gen_sales(&cfg, count_emit, b);
    ck_assert(a[0] == b[0] && a[1] == b[1]);
    ck_assert(a[0] > 500 && a[1] > 0 && a[1] < a[0] / 10);
}
END_TEST

/* Sample baskets: one line per product, the sale's units, catalogue prices
 * (20 % off on promotion); a dear-units sale buys the nearest-priced item;
 * popularity is skewed and promotions come one week in GEN_PROMO_WEEKS. */
START_TEST(test_sample_baskets)
{
    struct gen_item items[200];
    double cum[200];
    struct gen_line l[16];
    struct gen_rng r = {42};
    struct rp_sale s;
    int n, promo_weeks = 0, weeks = 52 * 200;
    double top = 0, total = 0;

    for (int i = 0; i < 200; i++)
        items[i] = (struct gen_item){i + 1, 100 + 1000 * i, 0};
    gen_weights(7, items, 200);
    for (int i = 0; i < 200; i++) {
        ck_assert(items[i].weight > 0);
        total += items[i].weight;
        top = items[i].weight > top ? items[i].weight : top;
    }
    ck_assert(top > 10 * total / 200); /* a few items sell far above the mean */
    for (int i = 0; i < 200; i++)
        for (int w = 0; w < 52; w++)
            promo_weeks += gen_on_promo(7, items[i].id, 20000 + 7 * w);
    ck_assert_int_ge(promo_weeks, weeks / GEN_PROMO_WEEKS / 2);
    ck_assert_int_le(promo_weeks, weeks / GEN_PROMO_WEEKS * 2);
    gen_day_weights(7, items, 200, 20000, cum);
    ck_assert(cum[199] >= total);
    memset(&s, 0, sizeof s);
    s.units = 6;
    s.top_units = 1;
    for (int k = 0; k < 100; k++) {
        int64_t units = 0;
        n = gen_basket(&r, 7, &s, items, cum, 200, 20000, l, 16);
        ck_assert_int_ge(n, 1);
        for (int i = 0; i < n; i++) {
            const struct gen_item *it = &items[l[i].product_id - 1];
            int64_t want = gen_on_promo(7, it->id, 20000)
                               ? (int64_t)llround((double)it->price_cents * GEN_PROMO_PRICE)
                               : it->price_cents;
            units += l[i].quantity;
            ck_assert_int_eq(l[i].unit_price_cents, want);
            for (int j = 0; j < i; j++)
                ck_assert(l[j].product_id != l[i].product_id);
        }
        ck_assert_int_eq(units, 6);
    }
    s.top_units = 4;
    s.top_price_cents = 50200; /* nearest: item 51 at 50,100 */
    n = gen_basket(&r, 7, &s, items, cum, 200, 20000, l, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(l[0].product_id, 51);
    ck_assert_int_eq(l[0].quantity, 4);
}
END_TEST

Suite *rules_cache_suite(void); /* rules_cache_test.c */
Suite *body_suite(void);        /* body_test.c */
Suite *fraud_rules_suite(void); /* fraud_rules_test.c */

int
main(void)
{
    Suite *s = suite_create("txn.fraud");
    TCase *tc = tcase_create("rules");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_velocity_count_fires_at_threshold);
    tcase_add_test(tc, test_velocity_amount_and_absent_scope);
    tcase_add_test(tc, test_customer_amount_robust_z);
    tcase_add_test(tc, test_night_hour_is_local_and_wraps);
    tcase_add_test(tc, test_basket_rules_and_decisions);
    tcase_add_test(tc, test_score_capped_and_disabled);
    tcase_add_test(tc, test_rule_set_parse_errors);
    tcase_add_test(tc, test_builtin_rule_sets_parse);
    tcase_add_test(tc, test_rule_set_check_on_structs);
    tcase_add_test(tc, test_sale_check_on_structs);
    tcase_add_test(tc, test_risk_from_labels);
    tcase_add_test(tc, test_sale_decode);
    tcase_add_test(tc, test_replay_windows_are_exact);
    tcase_add_test(tc, test_generator_is_deterministic);
    tcase_add_test(tc, test_sample_baskets);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_add_suite(sr, rules_cache_suite());
    srunner_add_suite(sr, body_suite());
    srunner_add_suite(sr, fraud_rules_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
