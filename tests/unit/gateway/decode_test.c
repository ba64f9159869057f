/* tests/unit/gateway/decode_test.c — the gateway's body decoders: each bad
 * body is refused naming the field, good ones fill the struct. */
#include <stdlib.h>
#include <string.h>

#include "services/gateway/decode.h"
#include "tests/unit/gateway/suites.h"

#define B(s) s, sizeof s - 1

START_TEST(test_login_and_refresh)
{
    char email[GW_EMAIL_MAX + 1], pw[GW_PASSWORD_MAX + 1], tok[GW_REFRESH_TOKEN_MAX + 1];
    struct tm_err e;

    ck_assert_int_eq(gw_decode_login(B("{\"email\":\"a@b.c\",\"password\":\"pw\"}"), email, pw, &e),
                     TM_OK);
    ck_assert_str_eq(email, "a@b.c");
    ck_assert_str_eq(pw, "pw");
    ck_assert_int_eq(gw_decode_login(B("{\"email\":\"a@b.c\"}"), email, pw, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "password");
    ck_assert_int_eq(gw_decode_login(B("{\"email\":\"a@b.c\",\"pw\":1}"), email, pw, &e),
                     TM_INVALID);
    ck_assert_str_eq(e.field, "pw");
    ck_assert_int_eq(gw_decode_login(B("[]"), email, pw, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "body");
    ck_assert_int_eq(gw_decode_refresh(B("{\"refresh_token\":\"rt_x\"}"), tok, &e), TM_OK);
    ck_assert_str_eq(tok, "rt_x");
    ck_assert_int_eq(gw_decode_refresh(B("{\"refresh_token\":\"rt_\\u0000x\"}"), tok, &e),
                     TM_INVALID);
    ck_assert_str_eq(e.field, "refresh_token");
    ck_assert_int_eq(gw_decode_logout("", 0, tok, &e), TM_OK);
    ck_assert_str_eq(tok, "");
    ck_assert_int_eq(gw_decode_logout(B("{}"), tok, &e), TM_OK);
    ck_assert_str_eq(tok, "");
    ck_assert_int_eq(gw_decode_logout(B("{\"refresh_token\":5}"), tok, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "refresh_token");
}
END_TEST

START_TEST(test_user_and_key_bodies)
{
    struct gw_user_in *in = malloc(sizeof *in);
    struct gw_api_key k;
    struct tm_err e;

    ck_assert_int_eq(gw_decode_user(B("{\"email\":\"m@x.test\",\"name\":\"Mia\",\"role\":\"store_"
                                      "manager\",\"stores\":[3,4],\"password\":\"long-enough-1\"}"),
                                    1, in, &e),
                     TM_OK);
    ck_assert_str_eq(in->user.role, "store_manager");
    ck_assert_int_eq(in->user.n_stores, 2);
    ck_assert_str_eq(in->password, "long-enough-1");
    ck_assert_uint_eq(in->set & (GW_F_ROLE | GW_F_STORES | GW_F_PASSWORD),
                      GW_F_ROLE | GW_F_STORES | GW_F_PASSWORD);
    ck_assert_int_eq(
        gw_decode_user(
            B("{\"email\":\"m@x.test\",\"role\":\"pos\",\"password\":\"long-enough-1\"}"), 1, in,
            &e),
        TM_INVALID);
    ck_assert_str_eq(e.field, "role");
    ck_assert_str_eq(e.message, "role must be one of: admin, store_manager, buyer, analyst, "
                                "fraud_analyst, viewer");
    ck_assert_int_eq(gw_decode_user(B("{\"role\":\"regional_store_manager\"}"), 0, in, &e),
                     TM_INVALID);
    ck_assert_str_eq(e.message, "role must be one of: admin, store_manager, buyer, analyst, "
                                "fraud_analyst, viewer");
    ck_assert_int_eq(gw_decode_user(B("{\"name\":\"a\\u001b[2Jb\"}"), 0, in, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "name");
    ck_assert_int_eq(gw_decode_user(B("{}"), 0, in, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "body");
    ck_assert_int_eq(gw_decode_user(B("{\"email\":\"n@x.test\"}"), 0, in, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "email");
    ck_assert_int_eq(gw_decode_key_create(B("{\"name\":\"Till\",\"stores\":[2]}"), &k, &e), TM_OK);
    ck_assert_int_eq(k.stores[0], 2);
    ck_assert_int_eq(gw_decode_key_create(B("{\"name\":\"Till\"}"), &k, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "stores");
    ck_assert_int_eq(gw_decode_key_update(B("{\"active\":false}"), &e), TM_OK);
    ck_assert_int_eq(gw_decode_key_update(B("{\"active\":true}"), &e), TM_INVALID);
    ck_assert_str_eq(e.field, "active");
    free(in);
}
END_TEST

Suite *
decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, test_login_and_refresh);
    tcase_add_test(tc, test_user_and_key_bodies);
    suite_add_tcase(s, tc);
    return s;
}
