/* tests/unit/gateway/wsmsg_test.c — what the dashboard WebSocket reads
 * (services/gateway/wsmsg.c): channels and since each accepted or refused
 * naming the field, the token offered as subprotocols, the source's channels, the channels each
 * role may read, and the channel and store of each event. */
#include <string.h>

#include <cjson/cJSON.h>

#include "services/gateway/token.h"
#include "services/gateway/wsmsg.h"
#include "tests/unit/gateway/suites.h"

#define B(c) (1u << GW_WS_##c)

static const struct {
    const char *text;
    enum tm_code rc;
    unsigned mask;
} channel_cases[] = {
    {"sales", TM_OK, B(SALES)},
    {"sales,stock,fraud,alerts", TM_OK, B(SALES) | B(STOCK) | B(FRAUD) | B(ALERTS)},
    {"fraud,sales", TM_OK, B(SALES) | B(FRAUD)},
    {"", TM_INVALID, 0},
    {"sales,", TM_INVALID, 0},
    {",sales", TM_INVALID, 0},
    {"sales,sales", TM_INVALID, 0},
    {"Sales", TM_INVALID, 0},
    {"weather", TM_INVALID, 0},
    {"sale", TM_INVALID, 0},
    {"salesx", TM_INVALID, 0},
};

START_TEST(test_wsmsg_channels)
{
    struct tm_err err;
    unsigned mask = 99;

    tm_err_clear(&err);
    ck_assert_int_eq(gw_ws_channels_parse(channel_cases[_i].text, &mask, &err),
                     channel_cases[_i].rc);
    if (channel_cases[_i].rc == TM_OK)
        ck_assert_uint_eq(mask, channel_cases[_i].mask);
    else
        ck_assert_str_eq(err.field, "channels");
}
END_TEST

static const struct {
    const char *text;
    enum tm_code rc;
    int n;
    const char *first;
    int64_t first_seq;
} since_cases[] = {
    {"txn:123", TM_OK, 1, "txn", 123},
    {"txn:0,inventory:456", TM_OK, 2, "txn", 0},
    {"supplier:9007199254740992", TM_OK, 1, "supplier", 9007199254740992LL},
    {"supplier:9007199254740993", TM_INVALID, 0, NULL, 0},
    {"txn:12345678901234567", TM_INVALID, 0, NULL, 0},
    {"txn:1,txn:2", TM_INVALID, 0, NULL, 0},
    {"txn", TM_INVALID, 0, NULL, 0},
    {"txn:", TM_INVALID, 0, NULL, 0},
    {":5", TM_INVALID, 0, NULL, 0},
    {"txn:-1", TM_INVALID, 0, NULL, 0},
    {"txn:1x", TM_INVALID, 0, NULL, 0},
    {"Txn:1", TM_INVALID, 0, NULL, 0},
    {"", TM_INVALID, 0, NULL, 0},
    {"txn:1,", TM_INVALID, 0, NULL, 0},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1", TM_INVALID, 0, NULL, 0},
    {"a:1,b:1,c:1,d:1,e:1,f:1,g:1,h:1,i:1", TM_INVALID, 0, NULL, 0},
};

START_TEST(test_wsmsg_since)
{
    struct gw_ws_since s;
    struct tm_err err;

    tm_err_clear(&err);
    ck_assert_int_eq(gw_ws_since_parse(since_cases[_i].text, &s, &err), since_cases[_i].rc);
    if (since_cases[_i].rc != TM_OK) {
        ck_assert_str_eq(err.field, "since");
        return;
    }
    ck_assert_int_eq(s.n, since_cases[_i].n);
    ck_assert_str_eq(s.at[0].source, since_cases[_i].first);
    ck_assert_int_eq(s.at[0].seq, since_cases[_i].first_seq);
}
END_TEST

START_TEST(test_wsmsg_protocol_token)
{
    char token[GW_TOKEN_MAX + 1], big[GW_WS_PROTOCOL_MAX + 64];
    struct tm_err err;

    ck_assert_int_eq(gw_ws_protocol_token("bearer, a.b.c", token, sizeof token, &err), TM_OK);
    ck_assert_str_eq(token, "a.b.c");
    ck_assert_int_eq(gw_ws_protocol_token("bearer,a.b.c", token, sizeof token, &err), TM_OK);
    ck_assert_str_eq(token, "a.b.c");
    ck_assert_int_eq(gw_ws_protocol_token("chat, a.b.c", token, sizeof token, &err),
                     TM_UNAUTHENTICATED);
    ck_assert_str_eq(err.field, "Sec-WebSocket-Protocol");
    ck_assert_int_eq(gw_ws_protocol_token("bearer", token, sizeof token, &err), TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_ws_protocol_token("bearer, ", token, sizeof token, &err),
                     TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_ws_protocol_token("bearer, a.b.c, chat", token, sizeof token, &err),
                     TM_UNAUTHENTICATED);
    ck_assert_int_eq(gw_ws_protocol_token("bearer, abcdef", token, 4, &err), TM_UNAUTHENTICATED);
    memset(big, 'a', sizeof big);
    memcpy(big, "bearer, ", 8);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(gw_ws_protocol_token(big, token, sizeof token, &err), TM_UNAUTHENTICATED);
}
END_TEST

START_TEST(test_wsmsg_source_channels)
{
    ck_assert_uint_eq(gw_ws_source_channels("txn"), B(SALES) | B(FRAUD));
    ck_assert_uint_eq(gw_ws_source_channels("inventory"), B(STOCK));
    ck_assert_uint_eq(gw_ws_source_channels("supplier"), B(ALERTS));
}
END_TEST

START_TEST(test_wsmsg_roles_channels)
{
    ck_assert_uint_eq(gw_ws_allowed(TM_ROLE_ADMIN), B(SALES) | B(STOCK) | B(FRAUD) | B(ALERTS));
    ck_assert_uint_eq(gw_ws_allowed(TM_ROLE_FRAUD_ANALYST),
                      B(SALES) | B(STOCK) | B(FRAUD) | B(ALERTS));
    ck_assert_uint_eq(gw_ws_allowed(TM_ROLE_ANALYST), B(SALES) | B(STOCK) | B(ALERTS));
    ck_assert_uint_eq(gw_ws_allowed(TM_ROLE_STORE_MANAGER), B(SALES) | B(STOCK) | B(ALERTS));
    ck_assert_uint_eq(gw_ws_allowed(TM_ROLE_VIEWER), B(STOCK) | B(ALERTS));
    ck_assert_uint_eq(gw_ws_allowed(TM_ROLE_POS) & B(SALES), 0);
}
END_TEST

static const struct {
    const char *topic, *data;
    unsigned mask;
    int64_t store;
} event_cases[] = {
    {"txn.created", "{\"store_id\":3,\"fraud\":{\"decision\":\"approve\"}}", B(SALES), 3},
    {"txn.created", "{\"store_id\":3,\"fraud\":{\"decision\":\"review\"}}", B(SALES) | B(FRAUD), 3},
    {"txn.voided", "{\"store_id\":4}", B(SALES), 4},
    {"txn.declined", "{\"store_id\":5}", B(FRAUD), 5},
    {"txn.reviewed", "{\"store_id\":5}", B(FRAUD), 5},
    {"stock.changed", "{\"store_id\":6,\"product_id\":1}", B(STOCK), 6},
    {"stock.low", "{\"store_id\":6}", B(STOCK), 6},
    {"stock.out", "{\"store_id\":6}", B(STOCK), 6},
    {"alert.fired", "{\"id\":1,\"store_id\":7}", B(ALERTS), 7},
    {"alert.resolved", "{\"id\":1,\"store_id\":null}", B(ALERTS), -1}, /* no store */
    {"alert.escalated", "{\"alert\":{\"id\":1,\"store_id\":8},\"step\":0}", B(ALERTS), 8},
    {"alert.escalated", "{\"alert\":{\"id\":1},\"step\":0}", B(ALERTS), -1},
    {"alert.raised", "{}", B(ALERTS), -1},
    {"product.created", "{\"id\":1}", 0, 0},
    {"fraud.rules_changed", "{}", 0, 0},
    {"stock.changed", "{\"store_id\":\"6\"}", B(STOCK), 0},
};

START_TEST(test_wsmsg_route_event)
{
    struct tm_event ev;
    cJSON *data = cJSON_Parse(event_cases[_i].data);
    int64_t store = -1;

    memset(&ev, 0, sizeof ev);
    snprintf(ev.topic, sizeof ev.topic, "%s", event_cases[_i].topic);
    ev.data = data;
    ck_assert_uint_eq(gw_ws_route_event(&ev, &store), event_cases[_i].mask);
    ck_assert_int_eq(store, event_cases[_i].store);
    cJSON_Delete(data);
}
END_TEST

Suite *
wsmsg_suite(void)
{
    Suite *s = suite_create("gateway.wsmsg");
    TCase *tc = tcase_create("wsmsg");

    tcase_add_loop_test(tc, test_wsmsg_channels, 0,
                        (int)(sizeof channel_cases / sizeof channel_cases[0]));
    tcase_add_loop_test(tc, test_wsmsg_since, 0, (int)(sizeof since_cases / sizeof since_cases[0]));
    tcase_add_test(tc, test_wsmsg_protocol_token);
    tcase_add_test(tc, test_wsmsg_source_channels);
    tcase_add_test(tc, test_wsmsg_roles_channels);
    tcase_add_loop_test(tc, test_wsmsg_route_event, 0,
                        (int)(sizeof event_cases / sizeof event_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
