/* tests/unit/txn/fraud_rules_test.c — issue 23's rule kinds at their
 * boundaries with exact observed values, their decoder checks, the default
 * set version 2, the replay's new facts (declined attempts are attempts,
 * never spend; voids per operator; attempt lists) and the generator's
 * labels. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "services/txn/decode.h"
#include "services/txn/fraud.h"
#include "services/txn/gen.h"
#include "services/txn/replay.h"

Suite *fraud_rules_suite(void);
void one_rule(const char *rule, struct fr_rule_set *rs); /* fraud_test.c */

#define T0 1767225600 /* 2026-01-01 00:00 UTC */

static void
facts(struct fr_facts *f)
{
    memset(f, 0, sizeof *f);
    f->event = FR_EV_SALE;
    f->ts_s = T0;
    f->total_cents = 5000;
    f->units = f->top_units = 1;
    f->top_price_cents = 5000;
    f->local_hour = f->utc_hour = 14;
    f->store_id = 1;
    f->channel = FR_CH_POS;
    f->velocity.evaluated = f->reversals.evaluated = 1;
    f->inst_attempts.evaluated = f->cust_attempts.evaluated = 1;
}

static void
attempt(struct fr_attempts *l, int64_t ago_s, int64_t cents, int64_t store, int channel,
        int declined)
{
    l->a[l->n++] = (struct fr_attempt){T0 - ago_s, cents, store, channel, declined};
}

/* 1 when the set's only rule fired; its observed value into *obs. */
static int
fires(const struct fr_rule_set *rs, const struct fr_facts *f, double *obs)
{
    struct fr_result r;

    fr_score(rs, f, &r);
    if (r.n_hits && obs)
        *obs = r.hits[0].observed;
    return r.n_hits;
}

START_TEST(test_distinct_stores_and_channels)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    double obs = 0;

    one_rule("{\"code\":\"s\",\"kind\":\"distinct_stores\",\"scope\":\"instrument\",\"window\":"
             "\"1h\",\"threshold\":3,\"weight\":60}",
             &rs);
    facts(&f);
    attempt(&f.inst_attempts, 600, 100, 2, FR_CH_POS, 0);
    attempt(&f.inst_attempts, 1200, 100, 1, FR_CH_POS, 1); /* the same store as this one */
    attempt(&f.inst_attempts, 3600, 100, 3, FR_CH_POS, 0); /* exactly an hour back: out */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.inst_attempts.a[2].ts_s = T0 - 3599; /* in: stores 1, 2, 3 */
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == 3);
    /* the customer's list is another list */
    rs.rules[0].scope = FR_SCOPE_CUSTOMER;
    f.has_customer = 1;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    /* channels: pos (this), online, mobile */
    one_rule("{\"code\":\"c\",\"kind\":\"distinct_channels\",\"scope\":\"instrument\",\"window\":"
             "\"1h\",\"threshold\":3,\"weight\":30}",
             &rs);
    f.inst_attempts.a[0].channel = FR_CH_ONLINE;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.inst_attempts.a[1].channel = FR_CH_MOBILE;
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == 3);
    /* unavailable (Redis down): skipped, not "not fired" */
    {
        struct fr_result r;
        f.inst_attempts.evaluated = 0;
        fr_score(&rs, &f, &r);
        ck_assert_int_eq(r.n_hits, 0);
        ck_assert_int_eq(r.n_skipped, 1);
    }
}
END_TEST

START_TEST(test_small_attempts_and_small_then_large)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    double obs = 0;

    one_rule("{\"code\":\"s\",\"kind\":\"small_attempts\",\"scope\":\"instrument\",\"window\":"
             "\"1h\",\"small_cents\":500,\"threshold\":5,\"weight\":60}",
             &rs);
    facts(&f);
    f.total_cents = 500; /* at most $5.00 is small: this one counts */
    for (int i = 0; i < 3; i++)
        attempt(&f.inst_attempts, 60 * (i + 1), 499, 1, FR_CH_ONLINE, i == 0);
    attempt(&f.inst_attempts, 300, 501, 1, FR_CH_ONLINE, 0); /* not small */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);               /* 4 */
    attempt(&f.inst_attempts, 900, 500, 1, FR_CH_ONLINE, 1);
    ck_assert_int_eq(fires(&rs, &f, &obs), 1); /* 5 */
    ck_assert(obs == 5);
    f.total_cents = 501;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);

    /* five tests 40 minutes to 2 hours back, then $100.00 */
    one_rule("{\"code\":\"l\",\"kind\":\"small_then_large\",\"scope\":\"instrument\",\"window\":"
             "\"24h\",\"small_cents\":500,\"large_cents\":10000,\"threshold\":5,\"weight\":85}",
             &rs);
    facts(&f);
    for (int i = 0; i < 5; i++)
        attempt(&f.inst_attempts, 2400 + 1200 * i, 100 + i, 2, FR_CH_ONLINE, i % 2);
    f.total_cents = 9999;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0); /* not large */
    f.total_cents = 10000;
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == 5);
    f.inst_attempts.a[4].ts_s = T0 - 86400; /* a day back: out of the window */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
}
END_TEST

START_TEST(test_declined_attempts)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    double obs = 0;

    one_rule("{\"code\":\"d\",\"kind\":\"declined_attempts\",\"scope\":\"customer\",\"window\":"
             "\"1h\",\"threshold\":2,\"weight\":60}",
             &rs);
    facts(&f);
    attempt(&f.cust_attempts, 100, 900000, 1, FR_CH_POS, 1);
    attempt(&f.cust_attempts, 200, 900, 1, FR_CH_POS, 0);
    attempt(&f.cust_attempts, 4000, 900, 1, FR_CH_POS, 1); /* out of the hour */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);             /* no customer */
    f.has_customer = 1;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0); /* 1 */
    f.cust_attempts.a[2].ts_s = T0 - 3000;
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == 2);
}
END_TEST

START_TEST(test_customer_spend_ratio_exact)
{
    static const int64_t totals[10] = {1000, 1200, 900, 5000, 3000, 800, 2000, 1500, 700, 4000};
    struct fr_rule_set rs;
    struct fr_facts f;
    double obs = 0, want;

    one_rule("{\"code\":\"r\",\"kind\":\"customer_spend_ratio\",\"threshold\":3,\"min_history\":10,"
             "\"weight\":30}",
             &rs);
    facts(&f);
    f.has_customer = 1;
    fr_history_from(totals, NULL, 9, &f.customer);
    f.total_cents = 1000000;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0); /* 9 sales: too few */
    fr_history_from(totals, NULL, 10, &f.customer);
    /* 90th percentile of the logs, type 7: between 4000 and 5000 */
    want = log(4000) + 0.1 * (log(5000) - log(4000));
    ck_assert(fabs(f.customer.q90_log - want) < 1e-12);
    f.total_cents = (int64_t)floor(3 * exp(want)); /* just under 3x */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.total_cents += 1;
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == (double)f.total_cents / exp(f.customer.q90_log)); /* exact, not rounded */
}
END_TEST

START_TEST(test_first_purchase_uses_both_histories)
{
    int64_t store[30], pop[30];
    struct fr_rule_set rs;
    struct fr_facts f;
    double obs = 0;

    for (int i = 0; i < 30; i++) {
        store[i] = 10000; /* this store: $100 sales */
        pop[i] = 5000;    /* every store: $50 */
    }
    one_rule("{\"code\":\"p\",\"kind\":\"first_purchase\",\"threshold\":3,\"min_history\":30,"
             "\"weight\":60}",
             &rs);
    facts(&f);
    f.has_customer = 1;
    fr_history_from(store, NULL, 30, &f.store);
    fr_history_from(pop, NULL, 30, &f.population);
    f.total_cents = 29990; /* 6x the population's, under 3x the store's */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.total_cents = 30001;
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == 30001 / exp(f.store.q90_log)); /* the smaller ratio, exact */
    f.customer_sales = 1;                           /* not a first purchase */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.customer_sales = 0;
    f.population.n = 0; /* nothing to compare with */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
}
END_TEST

START_TEST(test_void_kinds_and_sale_kinds_apart)
{
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;
    double obs = 0;

    one_rule("{\"code\":\"v\",\"kind\":\"void_count\",\"scope\":\"operator\",\"window\":\"24h\","
             "\"threshold\":4,\"weight\":60},"
             "{\"code\":\"a\",\"kind\":\"void_amount\",\"scope\":\"store\",\"window\":\"1h\","
             "\"threshold\":100000,\"weight\":60},"
             "{\"code\":\"big\",\"kind\":\"amount_over\",\"threshold\":1,\"weight\":10}",
             &rs);
    facts(&f);
    f.reversals.present[FR_SCOPE_OPERATOR] = f.reversals.present[FR_SCOPE_STORE] = 1;
    f.reversals.count[FR_SCOPE_OPERATOR][FR_WIN_24H] = 4;
    f.reversals.amount[FR_SCOPE_STORE][FR_WIN_1H] = 100000;
    fr_score(&rs, &f, &r); /* a sale: only the sale rule */
    ck_assert_int_eq(r.n_hits, 1);
    ck_assert_int_eq(r.hits[0].rule, 2);
    f.event = FR_EV_VOID;
    fr_score(&rs, &f, &r); /* a void: only the void rules */
    ck_assert_int_eq(r.n_hits, 2);
    ck_assert_int_eq(r.hits[0].rule, 0);
    ck_assert(r.hits[0].observed == 4 && r.hits[0].threshold == 4);
    ck_assert(r.hits[1].observed == 100000);
    f.reversals.count[FR_SCOPE_OPERATOR][FR_WIN_24H] = 3;
    f.reversals.amount[FR_SCOPE_STORE][FR_WIN_1H] = 99999;
    ck_assert_int_eq(fires(&rs, &f, &obs), 0);
    f.reversals.evaluated = 0;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_skipped, 2);
}
END_TEST

START_TEST(test_new_fields_decoded_and_checked)
{
    static const struct {
        const char *rule, *field;
    } bad[] = {
        {"{\"code\":\"a\",\"kind\":\"distinct_stores\",\"scope\":\"store\",\"threshold\":3,"
         "\"weight\":1}",
         "rules[0].scope"},
        {"{\"code\":\"a\",\"kind\":\"void_count\",\"scope\":\"instrument\",\"threshold\":3,"
         "\"weight\":1}",
         "rules[0].scope"},
        {"{\"code\":\"a\",\"kind\":\"small_attempts\",\"scope\":\"instrument\",\"threshold\":3,"
         "\"weight\":1}",
         "rules[0].small_cents"},
        {"{\"code\":\"a\",\"kind\":\"small_attempts\",\"scope\":\"instrument\",\"threshold\":3,"
         "\"small_cents\":0,\"weight\":1}",
         "rules[0].small_cents"},
        {"{\"code\":\"a\",\"kind\":\"small_attempts\",\"scope\":\"instrument\",\"threshold\":3,"
         "\"small_cents\":\"5\",\"weight\":1}",
         "rules[0].small_cents"},
        {"{\"code\":\"a\",\"kind\":\"small_then_large\",\"scope\":\"instrument\",\"window\":"
         "\"24h\",\"threshold\":3,\"small_cents\":500,\"large_cents\":500,\"weight\":1}",
         "rules[0].large_cents"},
        {"{\"code\":\"a\",\"kind\":\"small_then_large\",\"scope\":\"instrument\",\"window\":"
         "\"10m\",\"threshold\":3,\"small_cents\":500,\"large_cents\":10000,\"weight\":1}",
         "rules[0].window"},
        {"{\"code\":\"a\",\"kind\":\"void_count\",\"scope\":\"cashier\",\"threshold\":3,"
         "\"weight\":1}",
         "rules[0].scope"},
        {"{\"code\":\"a\",\"kind\":\"amount_over\",\"threshold\":3,\"large_cents\":1e13,"
         "\"weight\":1}",
         "rules[0].large_cents"},
        {"{\"code\":\"a\",\"kind\":\"spend_with_new_context\",\"threshold\":2,\"weight\":1}",
         "rules[0].novelty"},
        {"{\"code\":\"a\",\"kind\":\"spend_with_new_context\",\"threshold\":2,"
         "\"novelty\":[\"device\"],\"weight\":1}",
         "rules[0].novelty[0]"},
        {"{\"code\":\"a\",\"kind\":\"spend_with_new_context\",\"threshold\":2,"
         "\"novelty\":[\"store\",\"store\"],\"weight\":1}",
         "rules[0].novelty[1]"},
        {"{\"code\":\"a\",\"kind\":\"spend_with_new_context\",\"threshold\":2,"
         "\"novelty\":\"store\",\"weight\":1}",
         "rules[0].novelty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char doc[512];
        struct fr_rule_set rs;
        struct tm_err err;
        snprintf(doc, sizeof doc, "{\"rules\":[%s]}", bad[i].rule);
        ck_assert_int_eq(tx_decode_rule_set_text(doc, strlen(doc), &rs, &err), TM_INVALID);
        ck_assert_msg(strcmp(err.field, bad[i].field) == 0, "case %zu: field %s, want %s", i,
                      err.field, bad[i].field);
    }
}
END_TEST

/* Version 2 parses, keeps version 1's rules and has every new kind. */
START_TEST(test_default_v2)
{
    struct fr_rule_set v1, v2;
    struct tm_err err;
    int seen[FR_KINDS] = {0};

    ck_assert_int_eq(
        tx_decode_rule_set_text(fr_default_rules_json, strlen(fr_default_rules_json), &v2, &err),
        TM_OK);
    ck_assert_int_eq(tx_decode_rule_set_text(fr_default_rules_v1_json,
                                             strlen(fr_default_rules_v1_json), &v1, &err),
                     TM_OK);
    for (int i = 0; i < v2.n_rules; i++)
        seen[v2.rules[i].kind] = 1;
    for (int k = 0; k < FR_KINDS; k++)
        ck_assert_msg(seen[k], "no %s rule in version 2", fr_kind_name((enum fr_kind)k));
    for (int i = 0; i < v1.n_rules; i++) {
        int found = 0;
        for (int j = 0; j < v2.n_rules; j++)
            found |= strcmp(v1.rules[i].code, v2.rules[j].code) == 0;
        ck_assert_msg(found, "%s left out of version 2", v1.rules[i].code);
    }
}
END_TEST

static struct rp_sale
sale(int64_t ts, const char *cust, const char *card, const char *store, int64_t cents)
{
    struct rp_sale s;

    memset(&s, 0, sizeof s);
    s.ts_s = ts;
    snprintf(s.customer, sizeof s.customer, "%s", cust);
    snprintf(s.instrument, sizeof s.instrument, "%s", card);
    snprintf(s.store, sizeof s.store, "%s", store);
    s.total_cents = cents;
    s.units = s.top_units = 1;
    s.top_price_cents = cents;
    s.local_hour = 14;
    return s;
}

/* Scores s after what st holds with rs into r; returns its decision. */
static enum fr_decision
scored(struct rp_state *st, const struct fr_rule_set *rs, const struct rp_sale *s,
       struct fr_result *r)
{
    struct fr_facts f;

    rp_facts(st, s, &f);
    fr_score(rs, &f, r);
    return r->decision;
}

/* 1 when the rule named code fired in r. */
static int
hit_named(const struct fr_rule_set *rs, const struct fr_result *r, const char *code)
{
    for (int i = 0; i < r->n_hits; i++)
        if (strcmp(rs->rules[r->hits[i].rule].code, code) == 0)
            return 1;
    return 0;
}

/* The story: one blocked $80,000 attempt, then the real customer's
 * $240 purchase. The attempt counts as an attempt, not as spend: the $240
 * is approved by the default rules. */
START_TEST(test_replay_declined_is_attempt_not_spend)
{
    struct rp_state *st = rp_new();
    struct fr_rule_set rs;
    struct fr_facts f;
    struct fr_result r;
    struct rp_sale s;
    struct tm_err err;

    ck_assert_int_eq(
        tx_decode_rule_set_text(fr_default_rules_json, strlen(fr_default_rules_json), &rs, &err),
        TM_OK);
    for (int i = 0; i < 12; i++) { /* a customer spending about $200 */
        s = sale(T0 - 86400 * (30 - i), "c1", "card-1", "1", 18000 + 1000 * (i % 5));
        rp_add(st, &s, scored(st, &rs, &s, &r));
    }
    s = sale(T0, "c1", "card-1", "1", 8000000);
    rp_facts(st, &s, &f);
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.decision, FR_DECLINE);
    rp_add(st, &s, r.decision);
    s = sale(T0 + 600, "c1", "card-1", "1", 24000);
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.velocity.count[FR_SCOPE_CUSTOMER][FR_WIN_24H], 2);
    ck_assert_int_eq(f.velocity.amount[FR_SCOPE_CUSTOMER][FR_WIN_24H], 24000);
    ck_assert_int_eq(f.velocity.amount[FR_SCOPE_INSTRUMENT][FR_WIN_24H], 24000);
    ck_assert_int_eq(f.cust_attempts.n, 1);
    ck_assert(f.cust_attempts.a[0].declined && f.cust_attempts.a[0].total_cents == 8000000);
    ck_assert_int_eq(f.customer_sales, 12); /* the declined one is no sale */
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.decision, FR_APPROVE);
    rp_free(st);
}
END_TEST

START_TEST(test_replay_attempts_population_and_voids)
{
    struct rp_state *st = rp_new();
    struct fr_facts f;
    struct rp_sale s;

    s = sale(T0, "", "card-9", "3", 300);
    s.issuer_declined = 1; /* the bank's decline, whatever our rules said */
    rp_add(st, &s, FR_APPROVE);
    s = sale(T0 + 60, "", "card-9", "4", 200);
    s.channel = FR_CH_ONLINE;
    rp_add(st, &s, FR_APPROVE);
    s = sale(T0 + 120, "c2", "card-9", "5", 100000);
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.inst_attempts.n, 2); /* newest first */
    ck_assert_int_eq(f.inst_attempts.a[0].store_id, 4);
    ck_assert_int_eq(f.inst_attempts.a[0].channel, FR_CH_ONLINE);
    ck_assert(!f.inst_attempts.a[0].declined && f.inst_attempts.a[1].declined);
    ck_assert_int_eq(f.store_id, 5);
    ck_assert_int_eq(f.population.n, 1); /* the declined one is no sale */
    ck_assert(fabs(f.population.q90_log - log(200)) < 1e-12);
    ck_assert_int_eq(f.velocity.amount[FR_SCOPE_INSTRUMENT][FR_WIN_10M], 100200);

    for (int i = 0; i < 3; i++) { /* a cashier's voids */
        s = sale(T0 + 1000 + 60 * i, "", "", "5", 1000 * (i + 1));
        snprintf(s.operator, sizeof s.operator, "5-op1");
        s.event = FR_EV_VOID;
        if (i < 2)
            rp_add(st, &s, FR_APPROVE);
    }
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.event, FR_EV_VOID);
    ck_assert_int_eq(f.reversals.count[FR_SCOPE_OPERATOR][FR_WIN_1H], 3); /* this one too */
    ck_assert_int_eq(f.reversals.amount[FR_SCOPE_OPERATOR][FR_WIN_1H], 6000);
    ck_assert_int_eq(f.reversals.count[FR_SCOPE_STORE][FR_WIN_1H], 3);
    ck_assert(!f.reversals.present[FR_SCOPE_CUSTOMER]);
    rp_free(st);
}
END_TEST

/* spend_with_new_context: the amount at its threshold, each novelty on its
 * own, the history needed, a rule listing only some novelties. */
START_TEST(test_spend_with_new_context_boundaries)
{
    static const int64_t totals[5] = {1000, 4000, 2000, 8000, 500};
    struct fr_rule_set rs, ch;
    struct fr_facts f;
    struct fr_result r;
    double obs = 0, q90;

    one_rule("{\"code\":\"n\",\"kind\":\"spend_with_new_context\",\"threshold\":2,"
             "\"min_history\":5,\"novelty\":[\"instrument\",\"channel\",\"store\"],\"weight\":60}",
             &rs);
    one_rule("{\"code\":\"n\",\"kind\":\"spend_with_new_context\",\"threshold\":2,"
             "\"min_history\":5,\"novelty\":[\"channel\"],\"weight\":60}",
             &ch);
    ck_assert_int_eq(rs.rules[0].novelty, FR_NEW_INSTRUMENT | FR_NEW_CHANNEL | FR_NEW_STORE);
    ck_assert_int_eq(ch.rules[0].novelty, FR_NEW_CHANNEL);
    facts(&f);
    f.has_customer = 1;
    fr_history_from(totals, NULL, 5, &f.customer);
    q90 = exp(f.customer.q90_log); /* between 4000 and 8000 */
    f.context = (struct fr_context){5, 1, 5, 5, 5};
    f.total_cents = (int64_t)ceil(2 * q90);
    ck_assert_int_eq(fires(&rs, &f, NULL), 0); /* big, but all usual */
    f.context.same_instrument = 0;             /* a card not among the 5 */
    ck_assert_int_eq(fires(&rs, &f, &obs), 1);
    ck_assert(obs == (double)f.total_cents / q90); /* exact */
    fr_score(&rs, &f, &r);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "; new to them: card"));
    ck_assert_int_eq(fires(&ch, &f, NULL), 0); /* this rule looks at channels only */
    f.total_cents = (int64_t)floor(2 * q90);   /* just under twice the q90 */
    if ((double)f.total_cents >= 2 * q90)
        f.total_cents--;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.total_cents = 100000;
    f.context.card_judged = 0; /* no card given: never "new" */
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.context.same_channel = 0;
    ck_assert_int_eq(fires(&rs, &f, NULL), 1);
    ck_assert_int_eq(fires(&ch, &f, NULL), 1);
    f.context.same_channel = 1;
    f.context.same_store = 0;
    fr_score(&rs, &f, &r);
    ck_assert_int_eq(r.n_hits, 1);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, ": store"));
    fr_history_from(totals, NULL, 4, &f.customer); /* 4 sales: too few */
    f.context.n = 4;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
    f.has_customer = 0; /* a guest has no usual */
    fr_history_from(totals, NULL, 5, &f.customer);
    f.context.n = 5;
    ck_assert_int_eq(fires(&rs, &f, NULL), 0);
}
END_TEST

/* The replay's context facts: counted over the customer's last 50 sales,
 * declined attempts left out, and a card first used on a sale flagged and
 * labelled fraud stays new. */
START_TEST(test_replay_context_facts)
{
    struct rp_state *st = rp_new();
    struct fr_facts f;
    struct rp_sale s;

    for (int i = 0; i < 6; i++) {
        s = sale(T0 + 3600 * i, "c1", "card-1", "1", 2000);
        s.channel = FR_CH_POS;
        rp_add(st, &s, FR_APPROVE);
    }
    s = sale(T0 + 86400, "c1", "card-2", "2", 2000);
    s.channel = FR_CH_ONLINE;
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.n, 6);
    ck_assert(f.context.card_judged && f.context.same_instrument == 0);
    ck_assert(f.context.same_channel == 0 && f.context.same_store == 0);
    s.issuer_declined = 1; /* declined: an attempt, never usual */
    rp_add(st, &s, FR_APPROVE);
    s.issuer_declined = 0;
    s.label = 1; /* flagged and found fraudulent: its card stays new */
    rp_add(st, &s, FR_REVIEW);
    s.ts_s += 60;
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.n, 7);
    ck_assert_int_eq(f.context.same_instrument, 0);
    s.label = 0; /* flagged and found legitimate: now usual */
    rp_add(st, &s, FR_REVIEW);
    s = sale(T0 + 5 * 3600 + FR_USUAL_AGE_S, "c1", "card-2", "1", 2000);
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.same_instrument, 1);
    ck_assert_int_eq(f.context.same_store, 6); /* the six approved a day ago or more */
    for (int i = 0; i < FR_HISTORY_MAX; i++) { /* 50 newer sales with another card */
        s = sale(T0 + 110000 + 60 * i, "c1", "card-3", "1", 2000);
        rp_add(st, &s, FR_APPROVE);
    }
    s = sale(T0 + 200000, "c1", "card-1", "1", 2000);
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.n, FR_HISTORY_MAX);
    ck_assert_int_eq(f.context.same_instrument, 0); /* card-1 is older than the last 50 */
    ck_assert_int_eq(f.context.same_store, FR_HISTORY_MAX);
    s.instrument[0] = '\0';
    rp_facts(st, &s, &f);
    ck_assert(!f.context.card_judged && f.context.same_instrument == 0);
    rp_free(st);
}
END_TEST

/* Review 23b M3: an approved sale makes its card, channel and store usual
 * only once it is a day old (the service's FR_USUAL_AGE_S by created_at),
 * so a fraudster's small first purchase with a new card cannot vouch for
 * his big one minutes later; a day on, it can. */
START_TEST(test_replay_usual_needs_a_day)
{
    struct rp_state *st = rp_new();
    struct fr_facts f;
    struct rp_sale s;

    for (int i = 0; i < 6; i++) {
        s = sale(T0 - 10 * 86400 + 3600 * i, "c1", "card-1", "1", 2000);
        rp_add(st, &s, FR_APPROVE);
    }
    s = sale(T0, "c1", "card-new", "1", 500); /* the small one, approved */
    rp_add(st, &s, FR_APPROVE);
    s = sale(T0 + 600, "c1", "card-new", "1", 90000); /* the big one, ten minutes on */
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.n, 7);
    ck_assert_int_eq(f.context.same_instrument, 0); /* still new */
    ck_assert_int_eq(f.context.same_store, 6);
    s.ts_s = T0 + FR_USUAL_AGE_S - 1;
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.same_instrument, 0);
    s.ts_s = T0 + FR_USUAL_AGE_S;
    rp_facts(st, &s, &f);
    ck_assert_int_eq(f.context.same_instrument, 1);
    rp_free(st);
}
END_TEST

/* Version 2 on a variable spender: a purchase 10 times their usual with
 * their own card is only supporting evidence; with a card new to them it
 * is flagged by spend_new_context. */
START_TEST(test_default_v2_new_card_story)
{
    static const int64_t usual[12] = {3000,  12000, 5000,  25000, 8000,  2000,
                                      15000, 6000,  40000, 4000,  10000, 7000};
    struct rp_state *st = rp_new();
    struct fr_rule_set rs;
    struct fr_result r;
    struct rp_sale s;
    struct tm_err err;

    ck_assert_int_eq(
        tx_decode_rule_set_text(fr_default_rules_json, strlen(fr_default_rules_json), &rs, &err),
        TM_OK);
    for (int i = 0; i < 12; i++) { /* median $70, from $20 to $400 */
        s = sale(T0 - 86400 * (30 - 2 * i), "c1", "card-1", "1", usual[i]);
        ck_assert_int_eq(scored(st, &rs, &s, &r), FR_APPROVE);
        rp_add(st, &s, r.decision);
    }
    s = sale(T0, "c1", "card-1", "1", 130000); /* a $1,300 television with their card */
    ck_assert_int_eq(scored(st, &rs, &s, &r), FR_APPROVE);
    ck_assert_msg(hit_named(&rs, &r, "spend_vs_customer_q90"), "the amount alone is noted");
    s = sale(T0, "c1", "card-x", "1", 130000); /* the same with a card new to them */
    ck_assert_int_ne(scored(st, &rs, &s, &r), FR_APPROVE);
    ck_assert(hit_named(&rs, &r, "spend_new_context"));
    rp_free(st);
}
END_TEST

struct labels {
    int64_t rows[GEN_PATTERNS], voids[GEN_PATTERNS], declined[GEN_PATTERNS], last;
    int bad;
};

static void
label_emit(void *arg, const struct rp_sale *s)
{
    struct labels *l = arg;

    if (s->label != (s->pattern != GEN_LEGIT) || s->ts_s < l->last ||
        (s->event == FR_EV_VOID) != (s->event != FR_EV_SALE) ||
        (s->channel == FR_CH_POS) != (s->operator[0] != '\0'))
        l->bad++;
    l->last = s->ts_s;
    l->rows[s->pattern]++;
    l->voids[s->pattern] += s->event == FR_EV_VOID;
    l->declined[s->pattern] += s->issuer_declined;
}

/* Every pattern is planted and labelled; void abuse is labelled on its
 * voids; card testing carries bank declines; legit rows have voids and
 * declines of their own. */
START_TEST(test_generator_labels)
{
    struct gen_cfg cfg = {11, 30, 1000, 10, T0, 0.02};
    struct labels l;

    memset(&l, 0, sizeof l);
    gen_sales(&cfg, label_emit, &l);
    ck_assert_int_eq(l.bad, 0);
    for (int p = 1; p < GEN_PATTERNS; p++)
        ck_assert_msg(l.rows[p] > 0, "no %s rows", gen_pattern_names[p]);
    ck_assert_int_eq(l.voids[GEN_VOID_OPERATOR], l.rows[GEN_VOID_OPERATOR]);
    ck_assert_int_eq(l.voids[GEN_VOID_CUSTOMER], l.rows[GEN_VOID_CUSTOMER]);
    ck_assert_int_eq(l.voids[GEN_CARD_TESTING], 0);
    ck_assert(l.declined[GEN_CARD_TESTING] > 0);
    ck_assert(l.voids[GEN_LEGIT] > 0 && l.declined[GEN_LEGIT] > 0);
    ck_assert(l.voids[GEN_LEGIT] < l.rows[GEN_LEGIT] / 50);
}
END_TEST

Suite *
fraud_rules_suite(void)
{
    Suite *s = suite_create("txn.fraud_rules");
    TCase *tc = tcase_create("kinds");

    tcase_add_test(tc, test_distinct_stores_and_channels);
    tcase_add_test(tc, test_small_attempts_and_small_then_large);
    tcase_add_test(tc, test_declined_attempts);
    tcase_add_test(tc, test_customer_spend_ratio_exact);
    tcase_add_test(tc, test_first_purchase_uses_both_histories);
    tcase_add_test(tc, test_void_kinds_and_sale_kinds_apart);
    tcase_add_test(tc, test_new_fields_decoded_and_checked);
    tcase_add_test(tc, test_default_v2);
    tcase_add_test(tc, test_replay_declined_is_attempt_not_spend);
    tcase_add_test(tc, test_replay_attempts_population_and_voids);
    tcase_add_test(tc, test_generator_labels);
    tcase_add_test(tc, test_spend_with_new_context_boundaries);
    tcase_add_test(tc, test_replay_context_facts);
    tcase_add_test(tc, test_replay_usual_needs_a_day);
    tcase_add_test(tc, test_default_v2_new_card_story);
    suite_add_tcase(s, tc);
    return s;
}
